#!/usr/bin/env bash
# Stops the one-node cluster that start-cluster.sh started in $CONNECTOMICS_SLURM_DIR (default
# ${TMPDIR:-/tmp}/connectomics-slurm): cancels its jobs, ends slurmd, slurmctld and munged by their recorded pids,
# and removes the folder. Stopping a cluster that is not running (or running it twice) does nothing and succeeds.
# Only the processes named in that folder's pid files are signalled; a host's own Slurm and MUNGE are left alone.
set -euo pipefail

dir=${CONNECTOMICS_SLURM_DIR:-${TMPDIR:-/tmp}/connectomics-slurm}
# The daemons live in /usr/sbin, which a non-login shell's PATH may lack.
export PATH=$PATH:/usr/sbin:/sbin
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
[[ -e $dir ]] || exit 0

note() { echo "stop-cluster: $*" >&2; }

# The pid of a pid file if that process is still running the expected program (a pid may be reused after a crash).
running() {
  local file=$dir/$1.pid program=$1 pid
  [[ -s $file ]] || return 1
  pid=$(cat "$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$program" ]] || return 1
  echo "$pid"
}

# Jobs first, so no job step outlives its cluster.
if running slurmctld >/dev/null && [[ -f $dir/slurm.conf ]] && command -v scancel >/dev/null; then
  SLURM_CONF=$dir/slurm.conf scancel --full --quiet --partition=debug 2>/dev/null || true
  for _ in $(seq 1 20); do
    [[ -z $(SLURM_CONF=$dir/slurm.conf squeue -h -o %i 2>/dev/null) ]] && break
    sleep 0.25
  done
fi

stop() {
  local pid
  pid=$(running "$1") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || { note "$1 ($pid) stopped"; return 0; }
    sleep 0.25
  done
  note "$1 ($pid) did not stop within 10 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

stop slurmd
stop slurmctld
stop munged
rm -rf "$dir"
