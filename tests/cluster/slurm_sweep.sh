#!/bin/sh
# slurm_sweep.sh HVWAKE — the Slurm flow of docs/cluster.md end to end, on a
# real single-node Slurm started here: munged, slurmctld and slurmd (Debian's
# munge and slurm-wlm) configured in a temporary directory with their own
# slurm.conf, state and spool directories, free ports on 127.0.0.1, munge key
# and socket. It emits a sweep (hvwake sweep --emit-slurm, 6 jobs in 3
# shards), submits only shards 1 and 3 (as if shard 2 had failed), checks
# that the merge job, run after them (afterany), fails naming shard 2 and
# the submit.sh line that re-runs it, runs that line, and checks that the
# merged table is the one the same sweep gives run locally.
#
# Exits 77 (CTest SKIP_RETURN_CODE) when Slurm or munge is not installed
# (apt-get install slurm-wlm munge; .ci/run installs them in CI) or when not
# root (slurmd starts each job as its user). Every daemon it started, and
# every process still holding a file of its directory, is stopped at exit,
# on failure too.
set -u
hv=$1
skip() { echo "SKIP: $*"; exit 77; }
for t in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
    command -v $t >/dev/null 2>&1 || skip "$t is not installed (apt-get install slurm-wlm munge; .ci/run installs them in CI)"
done
[ "$(id -u)" = 0 ] || skip "not root: slurmd runs each job as its user (setuid), so a test cluster needs root"
hv=$(cd "$(dirname "$hv")" && pwd)/$(basename "$hv")
T=$(mktemp -d /tmp/hv_slurm.XXXXXX) || exit 1
chmod 755 "$T"
export SLURM_CONF=$T/slurm.conf
daemons=""
bad=0
fail() { echo "not ok - $*"; bad=1; }
ok() { echo "ok - $*"; }

# waitfor SECONDS CMD... — until CMD succeeds (status 1 after SECONDS).
waitfor() {
    _n=$(($1 * 4)); shift
    while [ $_n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; _n=$((_n - 1)); done
    return 1
}
alive() { kill -0 "$1" 2>/dev/null && ! grep -q ') Z ' /proc/$1/stat 2>/dev/null; }
# Processes holding a file of $T open (job steps and their hvwake workers).
holders() {
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$p" = $$ ] && continue
        ls -l /proc/$p/fd 2>/dev/null | grep -q " -> $T/" && echo $p
    done
}
cleanup() {
    trap '' INT TERM HUP
    if [ -n "$daemons" ]; then
        ids=$(squeue -h -o %A 2>/dev/null)
        [ -n "$ids" ] && scancel $ids 2>/dev/null
        waitfor 15 sh -c '[ -z "$(squeue -h 2>/dev/null)" ]' # job steps report to slurmctld: before it stops
        for p in $daemons; do kill -TERM $p 2>/dev/null; done
        for p in $daemons; do waitfor 10 sh -c "! kill -0 $p 2>/dev/null || grep -q ') Z ' /proc/$p/stat"; done
        for p in $daemons; do alive $p && { echo "# $p did not stop on SIGTERM: SIGKILL"; kill -KILL $p; }; done
        wait 2>/dev/null
    fi
    left=$(holders)
    [ -n "$left" ] && { echo "# stopping leftover processes $left"; kill -KILL $left 2>/dev/null; }
    if [ $bad != 0 ]; then
        for f in "$T"/log/*.log "$T"/job/logs/*; do [ -f "$f" ] && { echo "# --- $f"; tail -n 20 "$f" | sed 's/^/# /'; }; done
    fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Two free ports on 127.0.0.1 (not listening in /proc/net/tcp*).
listening() { cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" {print $2}' | sed 's/.*://'; }
port=$((20000 + $$ % 20000))
used=$(listening)
while echo "$used" | grep -qix "$(printf %04X $port)" || echo "$used" | grep -qix "$(printf %04X $((port + 1)))"; do
    port=$((port + 2))
done

mkdir "$T/munge" "$T/msock" "$T/state" "$T/spool" "$T/log" && chmod 700 "$T/munge" && chmod 755 "$T/msock" || exit 1
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 2>/dev/null && chmod 400 "$T/munge/munge.key" || exit 1
host=$(uname -n | cut -d. -f1)
cat > "$SLURM_CONF" <<EOF
ClusterName=hvtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/msock/munge.socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
PlugStackConfig=/dev/null
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=hvtest Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

munged -F --key-file="$T/munge/munge.key" --socket="$T/msock/munge.socket" --pid-file="$T/munge/munged.pid" \
    --seed-file="$T/munge/munged.seed" --log-file="$T/log/munged.log" >"$T/log/munged.out" 2>&1 &
daemons="$daemons $!"
waitfor 10 test -S "$T/msock/munge.socket" || { fail "munged did not start: $(cat "$T/log/munged.out")"; exit 1; }
slurmctld -D -i >"$T/log/slurmctld.out" 2>&1 &
daemons="$! $daemons"
slurmd -D -N "$host" >"$T/log/slurmd.out" 2>&1 &
daemons="$! $daemons" # stopped first: slurmd, slurmctld, munged
waitfor 30 sh -c '[ "$(sinfo -h -o %t 2>/dev/null)" = idle ]' \
    || { fail "the node did not come up: $(sinfo 2>&1; tail -n 5 "$T"/log/*.out)"; exit 1; }
ok "a single-node Slurm on 127.0.0.1:$port ($(slurmctld -V))"

cd "$T" || exit 1
ARGS="smoke --vary kvm.h_ipi_redirect=1,0 --replications 3 --set sim.duration=1ms --set sim.warmup=0ns"
"$hv" sweep $ARGS --out local --jobs 2 2>/dev/null && "$hv" merge local > local.txt || { fail "the local sweep"; exit 1; }
"$hv" sweep $ARGS --out "$T/res" --emit-slurm job --shards 3 --time 5 2>emit.err \
    && ok "emitted: $(cat emit.err)" || { fail "--emit-slurm: $(cat emit.err)"; exit 1; }

# jobs_end ID... — wait for the jobs to leave the queue (2 minutes at most).
jobs_end() { waitfor 120 sh -c '[ -z "$(squeue -h 2>/dev/null)" ]' || fail "jobs still queued: $(squeue 2>&1)"; }
state() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# Shards 1 and 3 only, as if shard 2 had failed: the merge runs after them
# (afterany), fails, and names shard 2 and the command that re-runs it.
job/submit.sh 1,3 > submit1.out 2>&1 || { fail "submit.sh 1,3: $(cat submit1.out)"; exit 1; }
ok "$(cat submit1.out)"
sweep1=$(sed -n 's/^hvwake: job array \([0-9]*\) .*/\1/p' submit1.out)
merge1=$(sed -n 's/.*; job \([0-9]*\) merges them.*/\1/p' submit1.out)
jobs_end
[ "$(state "$sweep1")" = COMPLETED ] && ok "array $sweep1 (shards 1, 3): COMPLETED" || fail "array $sweep1: $(state "$sweep1")"
[ "$(state "$merge1")" = FAILED ] && ok "merge $merge1 without shard 2: FAILED" || fail "merge $merge1: $(state "$merge1")"
log=job/logs/merge-$merge1.out
grep -q "hvwake merge: shard 2/3 is missing (no shard-0002-of-0003.csv): no results for kvm.h_ipi_redirect=1 (run 1), kvm.h_ipi_redirect=0 (run 1)" "$log" \
    && grep -q "hvwake: shards 2 of 3 did not complete; re-run only them: $T/job/submit.sh 2$" "$log" \
    && ok "the merge names shard 2, its variants and runs, and the line that re-runs it" || fail "merge log: $(cat "$log")"
[ -e res/merged.txt ] && fail "res/merged.txt written by a failed merge"
for i in 1 3; do
    grep -q "hvwake sweep: 2 jobs of 6 written to $T/res/shard-000$i-of-0003.csv (shard $i/3)" job/logs/sweep-$sweep1-$i.out \
        || fail "shard $i log: $(cat job/logs/sweep-$sweep1-$i.out)"
done

# The line the merge printed: shard 2 alone, and a merge that completes.
eval "$(sed -n 's/.*re-run only them: //p' "$log")" > submit2.out 2>&1 || { fail "re-run: $(cat submit2.out)"; exit 1; }
ok "$(cat submit2.out)"
sweep2=$(sed -n 's/^hvwake: job array \([0-9]*\) .*/\1/p' submit2.out)
merge2=$(sed -n 's/.*; job \([0-9]*\) merges them.*/\1/p' submit2.out)
jobs_end
[ "$(state "$sweep2")" = COMPLETED ] && [ "$(state "$merge2")" = COMPLETED ] \
    && ok "shard 2 re-run alone and merged: COMPLETED" || fail "re-run: array $(state "$sweep2"), merge $(state "$merge2"): $(cat job/logs/merge-$merge2.out)"
grep -v '^#' res/merged.txt > cluster-table.txt; grep -v '^#' local.txt > local-table.txt
if [ -s local-table.txt ] && cmp -s local-table.txt cluster-table.txt; then
    ok "the cluster's merged table equals the local sweep's ($(wc -l < local-table.txt) lines)"
else
    fail "the tables differ: $(diff local-table.txt cluster-table.txt | head)"
fi
grep -q "^# scenario $T/job/scenario.ini$" res/merged.txt && ok "the merged header names the frozen scenario" \
    || fail "merged header: $(head -5 res/merged.txt)"
exit $bad
