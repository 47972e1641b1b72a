#!/bin/bash
# A 1,000-seed study as a Slurm job array of 10 shards; each task writes its own folder.
# Submit: sbatch examples/cluster/slurm.sh   (SEEDS=40 sbatch ... for a smaller study)
# Then:   seedfold merge reports/study/shard-* --out reports/study/all
# Tested on a one-node Slurm by tests/cluster/slurm-one-node.sh.
#SBATCH --job-name=seedfold
#SBATCH --array=0-9
#SBATCH --cpus-per-task=4
#SBATCH --time=01:00:00
set -euo pipefail
N=10
SEEDS="${SEEDS:-1000}"
seedfold run examples/breast-cancer-binary.toml --seeds "${SEEDS}" \
  --shard "${SLURM_ARRAY_TASK_ID}/${N}" \
  --threads "${SLURM_CPUS_PER_TASK}" --quiet \
  --out "reports/study/shard-${SLURM_ARRAY_TASK_ID}" \
  || seedfold run examples/breast-cancer-binary.toml --seeds "${SEEDS}" \
       --shard "${SLURM_ARRAY_TASK_ID}/${N}" --threads "${SLURM_CPUS_PER_TASK}" --quiet \
       --out "reports/study/shard-${SLURM_ARRAY_TASK_ID}" --resume
