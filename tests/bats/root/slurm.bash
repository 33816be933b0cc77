# shellcheck shell=bash
# A one-node Slurm cluster on 127.0.0.1 for the batch tests (root): munged,
# slurmctld and slurmd from Debian's munge, slurmctld and slurmd packages,
# everything (key, socket, state, logs, ports) under SLURM_DIR, nothing of
# the host's configuration used or changed. The node has one fake GPU gres
# (a count, no device file) so job scripts with --gres=gpu:1 are accepted.
#   slurm_start DIR   start it (exports SLURM_CONF, SLURM_DIR); 1 when it cannot
#   slurm_stop        stop it
#   slurm_missing     the missing tool's name, if any (for skip messages)

slurm_missing() {
    local t
    for t in /usr/sbin/munged munge /usr/sbin/slurmctld /usr/sbin/slurmd sbatch srun sinfo; do
        command -v "$t" >/dev/null || { echo "$t"; return 0; }
    done
}

# a free TCP port on 127.0.0.1
slurm_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

slurm_start() {
    local d=$1 host i
    export SLURM_DIR=$d SLURM_CONF=$d/slurm.conf
    host=$(hostname -s)
    mkdir -p "$d/state" "$d/spool" "$d/munge" || return 1
    chmod 0755 "$d"
    chmod 0711 "$d/munge"
    head -c 1024 /dev/urandom >"$d/munge/munge.key" && chmod 0600 "$d/munge/munge.key"
    /usr/sbin/munged --force --socket="$d/munge/sock" --key-file="$d/munge/munge.key" \
        --pid-file="$d/munge/pid" --log-file="$d/munge/log" --seed-file="$d/munge/seed" || return 1
    cat >"$d/slurm.conf" <<CONF
ClusterName=warrentest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(slurm_port)
SlurmdPort=$(slurm_port)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$d/munge/sock
CredType=cred/munge
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/linear
MpiDefault=none
ReturnToService=2
GresTypes=gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) Gres=gpu:1 State=UNKNOWN
PartitionName=batch Nodes=$host Default=YES MaxTime=10 State=UP
CONF
    echo "Name=gpu File=/dev/null" >"$d/gres.conf"
    /usr/sbin/slurmctld -f "$SLURM_CONF" || return 1
    /usr/sbin/slurmd -f "$SLURM_CONF" || return 1
    for i in $(seq 50); do
        sinfo -h -o %t 2>/dev/null | grep -qx idle && return 0
        sleep 0.2
    done
    echo "slurm_start: the node did not become idle: $(sinfo 2>&1); $(grep -h error "$d/slurmctld.log" "$d/slurmd.log" | tail -3)" >&2
    return 1
}

slurm_stop() {
    local d=${SLURM_DIR:-} f
    [ -n "$d" ] && [ -d "$d" ] || return 0
    for f in "$d/slurmd.pid" "$d/slurmctld.pid" "$d/munge/pid"; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    for f in "$d/slurmd.pid" "$d/slurmctld.pid" "$d/munge/pid"; do
        [ -s "$f" ] || continue
        timeout 10 tail --pid="$(cat "$f")" -f /dev/null 2>/dev/null
    done
    SLURM_DIR=""
}
