#!/bin/sh
# sweep.sh HVWAKE RESULTS_TOOL — a sweep collects only what its own workers
# wrote in this run, and its shard file exists only whole and right: a
# worker killed by SIGKILL (named with its signal), the parent interrupted
# (SIGTERM, SIGINT: workers stopped, nothing left behind) or killed (its
# workers die with it; the next sweep cleans up), stale files of an earlier
# sweep, a worker that cannot write (ulimit -f) and the shard re-run alone,
# an existing shard file (never replaced without --force). The workers'
# files have no name: $TMPDIR stays empty whatever happens.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
mkdir tmpdir && export TMPDIR="$T/tmpdir"
host=$(uname -n | tr './' '__')
deadpid=999999
while kill -0 $deadpid 2>/dev/null; do deadpid=$((deadpid + 1)); done
table() { "$hv" merge "$1" | grep -v '^#'; }

# The reference: the small sweep in one go.
"$hv" sweep $SMALL --out good 2>/dev/null || fail "reference sweep"
table good > good.txt || fail "reference merge"
keep good/shard-0001-of-0001.csv

# An existing shard file is never replaced without --force.
expect "sweep over an existing shard" 2 "cannot write 'good/shard-0001-of-0001\.csv': it already exists; expected a new file \(--force replaces it\)" \
    "$hv" sweep $SMALL --out good
unchanged "existing shard" good/shard-0001-of-0001.csv
expect "sweep --force" 0 "4 jobs of 4 written to good/shard-0001-of-0001\.csv" "$hv" sweep $SMALL --out good --force
unchanged "sweep --force: the same bytes again" good/shard-0001-of-0001.csv

# Stale files of an earlier sweep on this host whose process is gone: a
# temporary shard file (removed), and a job file (never read).
mkdir stale
echo "0x1p+0	sim.events" > stale/.job-0.tmp
echo "# hvwake-results 2" > "stale/.shard-0001-of-0001.csv.tmp-$host-$deadpid-0"
expect "stale files" 0 "removing stale/\.shard-0001-of-0001\.csv\.tmp-$host-$deadpid-0, left by an interrupted run \(process $deadpid is gone\)" \
    "$hv" sweep $SMALL --out stale
table stale > stale.txt
cmp -s good.txt stale.txt && echo "ok - stale files: the same table as a clean sweep" || fail "stale files changed the table: $(diff good.txt stale.txt)"
no_temps "stale files" stale

# Two shards; a killed worker in the second. The first shard's file is the
# previous result to keep; merge names the missing shard and its variant.
MIX="smoke --vary sim.duration=1ms,100s --set sim.warmup=0ns --out mix"
"$hv" sweep $MIX --shard 1/2 2>/dev/null || fail "sweep shard 1/2"
keep mix/shard-0001-of-0002.csv
"$hv" sweep $MIX --shard 2/2 2>kill.err & p=$!
w=$(children $p 1)
[ -n "$w" ] && kill -KILL $w
wait $p; st=$?
[ $st = 3 ] && echo "ok - killed worker: exit 3" || fail "killed worker: exit $st, expected 3: $(cat kill.err)"
grep -q "^hvwake sweep: job 1 (variant sim.duration=100s, run 0): the worker was killed by SIGKILL (signal 9" kill.err \
    && grep -q "1 of the shard's 1 jobs failed; mix/shard-0002-of-0002.csv not written (run the shard again with --shard 2/2)" kill.err \
    && echo "ok - killed worker: named with its signal" || fail "killed worker message: $(cat kill.err)"
expect "merge after a failed shard" 2 "shard 2/2 is missing \(no shard-0002-of-0002\.csv\): no results for sim\.duration=100s \(run 0\); expected every shard: run it with --shard 2/2" \
    "$hv" merge mix

# The parent interrupted: its workers are stopped, nothing is left behind.
for sig in TERM INT; do
    # shellcheck disable=SC2086
    interrupt_pool $sig 0 "interrupted by SIG$sig; stopped the workers; mix/shard-0002-of-0002.csv not written" \
        sweep $MIX --shard 2/2
    no_temps "parent SIG$sig" mix
done

# The parent killed (SIGKILL): on Linux its workers die with it; what it
# left is removed by the next sweep into the directory.
"$hv" sweep $MIX --shard 2/2 2>/dev/null & p=$!
w=$(children $p 1)
kill -KILL $p; wait $p
if [ "$(uname -s)" = Linux ]; then
    i=0; while [ $i -lt 40 ] && for k in $w; do alive $k && break; done; do sleep 0.05; i=$((i + 1)); done
    left=""; for k in $w; do alive $k && left="$left $k"; done
    [ -z "$left" ] && echo "ok - parent SIGKILL: no orphan worker" || { fail "parent SIGKILL: orphans$left"; kill -KILL $left; }
fi
ls -a mix | grep -q "^\.shard-0002-of-0002\.csv\.tmp-$host-$p-0$" || fail "no temporary file left by the killed parent (the test needs one)"
expect "next sweep cleans up" 0 "removing mix/\.shard-0002-of-0002\.csv\.tmp-$host-$p-0, left by an interrupted run" \
    "$hv" sweep $MIX --shard 1/2 --force
unchanged "killed and interrupted sweeps" mix/shard-0001-of-0002.csv
no_temps "after the clean-up" mix

# A worker that cannot write (a file-size limit of 0): the shard fails, merge
# names it, and --shard re-runs it alone; the table is then the reference's.
"$hv" sweep $SMALL --out fs --shard 1/2 2>/dev/null || fail "sweep fs 1/2"
expect "ulimit -f 0: workers cannot write" 3 "hvwake sweep: job 1: cannot write its results \(a temporary file\): File too large" \
    sh -c "ulimit -f 0; exec \"\$0\" sweep $SMALL --out fs --shard 2/2" "$hv"
expect "merge names the failed shard" 2 "shard 2/2 is missing \(no shard-0002-of-0002\.csv\): no results for kvm\.h_ipi_redirect=1 \(run 1\), kvm\.h_ipi_redirect=0 \(run 1\)" \
    "$hv" merge fs
"$hv" sweep $SMALL --out fs --shard 2/2 2>/dev/null || fail "re-run of shard 2/2"
table fs > fs.txt
cmp -s good.txt fs.txt && echo "ok - the shard re-run alone completes the table" || fail "re-run table differs: $(diff good.txt fs.txt)"
no_temps "ulimit -f" fs
[ -z "$(ls -A tmpdir)" ] && echo "ok - \$TMPDIR empty: the workers' files had no name" || fail "left in \$TMPDIR: $(ls -A tmpdir)"
finish
