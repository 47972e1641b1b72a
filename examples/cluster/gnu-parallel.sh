#!/bin/bash
# A 1,000-seed study on one big machine: 8 shards, 2 threads each, then merge.
# Run: bash examples/cluster/gnu-parallel.sh
set -euo pipefail
N=8
parallel --jobs "$N" --halt now,fail=1 \
  seedfold run examples/breast-cancer-binary.toml --seeds 1000 --shard {}/"$N" \
  --threads 2 --quiet --out reports/study/shard-{} ::: $(seq 0 $((N - 1)))
seedfold merge reports/study/shard-* --out reports/study/all
