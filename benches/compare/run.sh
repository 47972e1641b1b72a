#!/usr/bin/env bash
# One command for the side-by-side benchmark: build seedfold, install scikit-learn in a
# virtual environment, generate the workloads, run both tools and print the table, then the
# scaling sweeps.
# Usage: bash benches/compare/run.sh [REPEATS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${SEEDFOLD_COMPARE_DIR:-$HOME/.cache/seedfold-compare}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/seedfold-target}"
mkdir -p "$work"
(cd "$root" && cargo build --release --quiet)
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet scikit-learn pandas numpy
fi
"$work/venv/bin/python" "$here/make_workloads.py" "$work/data"
"$work/venv/bin/python" -c "import sklearn, numpy, pandas, platform; print('scikit-learn', sklearn.__version__, '| numpy', numpy.__version__, '| pandas', pandas.__version__, '| python', platform.python_version())"
echo "seedfold $(git -C "$root" rev-parse --short HEAD) | $(nproc) cores | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$work/venv/bin/python" "$here/compare.py" "$CARGO_TARGET_DIR/release/seedfold" "$work/data" "$work/venv/bin/python" "${1:-5}"
"$work/venv/bin/python" "$here/scaling.py" "$CARGO_TARGET_DIR/release/seedfold" "$work/data" 3
echo; echo "tree models (benches/compare/trees.py):"
"$work/venv/bin/python" "$here/trees.py" "$CARGO_TARGET_DIR/release/seedfold" "$work/data" 2
echo; echo "memory per split seed (benches/compare/memory.py):"
"$work/venv/bin/python" "$here/memory.py" "$CARGO_TARGET_DIR/release/seedfold"
