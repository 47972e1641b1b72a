#!/usr/bin/env bash
# The Slurm recipe run for real on a one-node cluster: on a Debian machine, as root, install
# slurm-wlm and munge if missing, start munged, slurmctld and slurmd on this host, submit
# examples/cluster/slurm.sh as its 10-task array (one CPU per task, SEEDS seeds), merge and
# verify the shards, and compare the merged records with a single run's, bit for bit.
# Usage: sudo bash tests/cluster/slurm-one-node.sh   (SEEDS=20 by default)
# .ci/run runs it when SEEDFOLD_CLUSTER_TEST=1.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/seedfold-target}"
SEEDS="${SEEDS:-20}"
(cd "$root" && cargo build --release --quiet)
export PATH="$CARGO_TARGET_DIR/release:$PATH"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge
fi
# munge: a key, then the daemon as its own user
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
# one node: this host, every CPU, half the memory
host="$(hostname -s)"
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 2048 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=seedfold-test
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 30); do
  sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break
  sleep 1
done
sinfo

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$root/examples" "$work/"
cd "$work"
started=$(date +%s)
# the recipe as shipped, with the CPUs per task a 2-core machine has room for
sbatch --wait --cpus-per-task=1 --export=ALL,SEEDS="$SEEDS",PATH="$PATH" \
  --output="$work/slurm-%A_%a.out" examples/cluster/slurm.sh
echo "array of 10 finished in $(( $(date +%s) - started )) s"
seedfold merge reports/study/shard-* --out reports/study/all
seedfold verify reports/study/all
seedfold run examples/breast-cancer-binary.toml --seeds "$SEEDS" --quiet --out single
# the merged study holds the single run's records, bit for bit (fit times aside)
strip_times() { cut -d, -f1-8,10- "$1"; }
if diff <(strip_times reports/study/all/records.csv) <(strip_times single/records.csv) >/dev/null; then
  echo "slurm one-node test passed: merged shards equal the single run ($(wc -l < single/records.csv) lines)"
else
  echo "slurm one-node test FAILED: merged records differ from the single run" >&2
  exit 1
fi
