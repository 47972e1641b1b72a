#!/usr/bin/env bash
# Full-page screenshots of three reports as a reader sees them, in headless Chromium: the
# README's first command, a four-model breast_cancer run and the many-data-sets study. Fails
# when the browser logs a console error or a page cannot be shot. Needs chromium on the PATH
# (Debian: apt-get install chromium) and a built seedfold (cargo build --release).
#
#   bash tests/browser/screenshots.sh [OUT_DIR]      # PNGs in OUT_DIR (default target/screenshots)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || { echo "chromium is not installed: apt-get install chromium"; exit 1; }
bin="${CARGO_TARGET_DIR:-target}/release/seedfold"
[ -x "$bin" ] || { echo "no $bin: run cargo build --release first"; exit 1; }
out="${1:-target/screenshots}"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" run --dataset diabetes --model ols --model ridge --seeds 100 --quiet --out "$work/readme" >/dev/null
"$bin" run --dataset breast_cancer --model logistic --model knn --model tree --model forest \
  --model-seeds 3 --seeds 20 --quiet --out "$work/four-models" >/dev/null
"$bin" run examples/many-datasets.toml --quiet --out "$work/study" >/dev/null

status=0
for name in readme four-models study; do
  page="$work/$name/report.html"
  log="$work/$name.log"
  # a page taller than the window is shot in full by sizing the window to the page
  height=$(( $(grep -o '<svg' "$page" | wc -l) * 420 + 2000 ))
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 \
    --window-size=1400,"$height" --screenshot="$out/$name.png" "file://$page" 2>"$log" >/dev/null || status=1
  if grep -E "CONSOLE|Uncaught|ERROR:.*(console|Refused)" "$log" | grep -v -E "dbus|gpu|GPU|sandbox|Fontconfig|viz|gcm|crash" ; then
    echo "$name: console errors (above)"; status=1
  fi
  [ -s "$out/$name.png" ] || { echo "$name: no screenshot"; status=1; }
  echo "$name: $out/$name.png (${height}px)"
done
exit $status
