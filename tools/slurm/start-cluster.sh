#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine, as root and without systemd, for tests and for trying the
# samples/deploy/slurm job script: its own munged (own key and socket), a slurm.conf of its own, slurmctld and slurmd.
# Nothing of a Slurm or MUNGE already set up on the host is read or changed: every file lives in one folder, the
# daemons listen on their own ports, and the clients find the cluster through SLURM_CONF.
#
# Settings (environment variables, all optional):
#   CONNECTOMICS_SLURM_DIR         the cluster's folder: config, key, sockets, state, logs and pid files
#                                  (default: ${TMPDIR:-/tmp}/connectomics-slurm)
#   CONNECTOMICS_SLURMCTLD_PORT    the controller's TCP port (default 16817)
#   CONNECTOMICS_SLURMD_PORT       the node daemon's TCP port (default 16818)
#
# On success it prints, on stdout, the variables a client needs, as shell lines to eval, and writes the same lines
# to $CONNECTOMICS_SLURM_DIR/env.sh:
#   export SLURM_CONF=<dir>/slurm.conf          every Slurm command (sbatch, squeue, sinfo, ...) reads it
#   export CONNECTOMICS_SLURM_DIR=<dir>         where stop-cluster.sh finds the cluster
#   export CONNECTOMICS_SLURM_PARTITION=debug   the cluster's one partition (the default one)
# for example:  eval "$(tools/slurm/start-cluster.sh)" && sbatch --wait job.sh && tools/slurm/stop-cluster.sh
#
# Running it again while the cluster in that folder is up prints the same lines and changes nothing; leftovers of a
# cluster that died (stale pid files) are cleared first. Progress and errors go to stderr; exit code 0 means the node
# is idle and takes jobs.
set -euo pipefail

dir=${CONNECTOMICS_SLURM_DIR:-${TMPDIR:-/tmp}/connectomics-slurm}
# The daemons live in /usr/sbin, which a non-login shell's PATH may lack.
export PATH=$PATH:/usr/sbin:/sbin
ctld_port=${CONNECTOMICS_SLURMCTLD_PORT:-16817}
slurmd_port=${CONNECTOMICS_SLURMD_PORT:-16818}
partition=debug
node=localhost
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

fail() { echo "start-cluster: $*" >&2; exit 1; }
note() { echo "start-cluster: $*" >&2; }

for command in munged mungekey slurmctld slurmd sinfo; do
  command -v "$command" >/dev/null ||
    fail "'$command' is not installed; install the Debian packages slurm-wlm and munge (apt-get install slurm-wlm munge)"
done
[[ $(id -u) == 0 ]] || fail "run as root: slurmd starts jobs as their users and the daemons here run as root"
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac

print_environment() {
  cat >"$dir/env.sh" <<ENV
export SLURM_CONF=$dir/slurm.conf
export CONNECTOMICS_SLURM_DIR=$dir
export CONNECTOMICS_SLURM_PARTITION=$partition
ENV
  cat "$dir/env.sh"
}

alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Already up: the same cluster, nothing to do.
if alive "$dir/munged.pid" && alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid" &&
  SLURM_CONF=$dir/slurm.conf sinfo -h -n "$node" -o '%T' 2>/dev/null | grep -qx idle; then
  note "the cluster in $dir is already up"
  print_environment
  exit 0
fi

# Anything half up or left over from a cluster that died goes first.
if [[ -e $dir ]]; then
  note "clearing what is left in $dir"
  CONNECTOMICS_SLURM_DIR=$dir "$here/stop-cluster.sh" >&2
fi

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$ctld_port" "$slurmd_port"; do
  ! port_taken "$port" || fail "port $port is in use; choose others with CONNECTOMICS_SLURMCTLD_PORT and CONNECTOMICS_SLURMD_PORT"
done

mkdir -p "$dir"/{state,spool,log,munge}
chmod 0700 "$dir/munge"

# MUNGE: a key and a daemon of our own, on a socket in our folder (the host's /etc/munge and /run/munge stay as they are).
mungekey --create --keyfile="$dir/munge/munge.key" --bits=1024 2>/dev/null ||
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none
chmod 0400 "$dir/munge/munge.key"
munged --force \
  --socket="$dir/munge/munge.socket" \
  --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munged.pid" \
  --log-file="$dir/log/munged.log" \
  --seed-file="$dir/munge/munged.seed" ||
  fail "munged did not start; see $dir/log/munged.log"

# The node as slurmd sees this machine (CPUs, sockets, cores, threads, memory), under our node name.
hardware=$(slurmd -C | head -n 1 | sed -E 's/^NodeName=[^ ]+ //')
[[ $hardware == *CPUs=* ]] || fail "'slurmd -C' did not describe this machine: $hardware"

cat >"$dir/slurm.conf" <<CONF
# Written by tools/slurm/start-cluster.sh: a one-node cluster on localhost.
ClusterName=connectomics
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=0
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
ReturnToService=2
MaxArraySize=10001
MinJobAge=300
NodeName=$node NodeAddr=127.0.0.1 $hardware State=UNKNOWN
PartitionName=$partition Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
# OverSubscribe=YES: a job that asks for it (sbatch --oversubscribe) may share CPUs with others, so more tasks than the
# machine has cores can run at once; jobs that do not ask get CPUs of their own, as on a cluster that forbids sharing.
# Plug-in stacks of the host (e.g. /etc/slurm/plugstack.conf) are not ours to load.
: >"$dir/plugstack.conf"
echo "PlugStackConfig=$dir/plugstack.conf" >>"$dir/slurm.conf"

export SLURM_CONF=$dir/slurm.conf
# In the foreground (-D) under setsid, so the pids recorded are the daemons' own and they outlive this script.
setsid slurmctld -D -i -f "$SLURM_CONF" >>"$dir/log/slurmctld.out" 2>&1 </dev/null &
echo $! >"$dir/slurmctld.pid"
setsid slurmd -D -N "$node" -f "$SLURM_CONF" >>"$dir/log/slurmd.out" 2>&1 </dev/null &
echo $! >"$dir/slurmd.pid"

# Ready when the node is idle (slurmd registered, nothing running); 60 s is plenty on a cold 2-core machine.
for _ in $(seq 1 120); do
  state=$(sinfo -h -n "$node" -o '%T' 2>/dev/null || true)
  [[ $state == idle ]] && { note "node $node idle (slurmctld :$ctld_port, slurmd :$slurmd_port, folder $dir)"; print_environment; exit 0; }
  alive "$dir/slurmctld.pid" || fail "slurmctld exited; see $dir/log/slurmctld.log and $dir/log/slurmctld.out"
  alive "$dir/slurmd.pid" || fail "slurmd exited; see $dir/log/slurmd.log and $dir/log/slurmd.out"
  sleep 0.5
done
fail "node $node is not idle after 60 s (state: ${state:-none}); see the logs in $dir/log"
