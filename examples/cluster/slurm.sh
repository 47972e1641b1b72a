#!/bin/bash
# A 1,000-seed study as a Slurm job array of 10 shards; each task writes its own folder.
# Submit: sbatch examples/cluster/slurm.sh
# Then:   seedfold merge reports/study/shard-* --out reports/study/all
#SBATCH --job-name=seedfold
#SBATCH --array=0-9
#SBATCH --cpus-per-task=4
#SBATCH --time=01:00:00
set -euo pipefail
N=10
seedfold run examples/breast-cancer-binary.toml --seeds 1000 \
  --shard "${SLURM_ARRAY_TASK_ID}/${N}" \
  --threads "${SLURM_CPUS_PER_TASK}" --quiet \
  --out "reports/study/shard-${SLURM_ARRAY_TASK_ID}" \
  || seedfold run examples/breast-cancer-binary.toml --seeds 1000 \
       --shard "${SLURM_ARRAY_TASK_ID}/${N}" --threads "${SLURM_CPUS_PER_TASK}" --quiet \
       --out "reports/study/shard-${SLURM_ARRAY_TASK_ID}" --resume
