#!/usr/bin/env bash
# The coverage table of BENCHMARKS.md: how often each interval seedfold prints covers the error
# of the model fitted on the data (`seedfold coverage`), on simulated tables (low and high
# features-to-rows) and two built-in data sets.
# Usage: bash benches/coverage/run.sh [SUBSETS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/seedfold-target}"
work="${SEEDFOLD_COVERAGE_DIR:-$HOME/.cache/seedfold-coverage}"
mkdir -p "$work"
(cd "$root" && cargo build --release --quiet)
seedfold="$CARGO_TARGET_DIR/release/seedfold"
subsets="${1:-200}"
python3 "$here/simulate.py" "$work"
run() { echo; "$seedfold" coverage "$@" --subsets "$subsets" --ncv; }
run --data "$work/ols_p10.csv" --target y --model ols --rows 100 --folds 10
run --data "$work/ols_p30.csv" --target y --model ols --rows 100 --folds 10
run --data "$work/logistic_p5.csv" --target y --task classification --model logistic --rows 200 --folds 5
run --data "$work/logistic_p40.csv" --target y --task classification --model logistic --rows 200 --folds 5
run --dataset diabetes --model ridge --rows 100 --folds 5
run --dataset digits --model naive_bayes --rows 300 --folds 5
