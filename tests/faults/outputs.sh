#!/bin/sh
# outputs.sh HVWAKE RESULTS_TOOL — every output file is written whole or not
# at all, and every write error fails with the path: /dev/full for each
# output and for standard output, a file-size limit, a read-only directory,
# a missing directory (refused before the run), one file named twice, a run
# interrupted by a signal; previous files survive every failure. And a full
# trace buffer says how many records it dropped.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
RUN="run smoke --quiet --set sim.duration=1ms --set sim.warmup=0ns"

# Previous results that every failure below must leave intact.
"$hv" $RUN --json -o prev.json --trace prev.trace --timeline prev.tl --kernel prev.kernel || fail "the first run failed"
keep prev.json prev.trace prev.tl prev.kernel

for o in -o --trace --timeline --kernel; do
    expect "run $o /dev/full" 3 "^hvwake run: cannot write '/dev/full': No space left on device$" \
        "$hv" $RUN $o /dev/full
done
for c in "show-config smoke" "keys" "costs" "scenarios" "scenarios smoke" "validate --duration-ms 2 --tolerance 100" \
         "$RUN" "compare smoke --vary kvm.h_ipi_redirect=1,0 --set sim.duration=1ms --set sim.warmup=0ns" "--help"; do
    expect "$c > /dev/full" 3 "cannot write 'standard output': No space left on device" \
        sh -c "\"\$0\" $c > /dev/full" "$hv"
done

# No file is replaced without --force (status 2, nothing written).
for o in "--json -o prev.json" "--trace prev.trace" "--timeline prev.tl" "--kernel prev.kernel"; do
    expect "run $o without --force" 2 "^hvwake run: cannot write 'prev\.[a-z]+': it already exists; expected a new file \(--force replaces it\)$" \
        "$hv" $RUN $o
done

# A file-size limit (ulimit -f, in blocks): EFBIG, with the path.
for o in "--json -o prev.json" "--trace prev.trace" "--timeline prev.tl" "--kernel prev.kernel"; do
    expect "ulimit -f 2: run $o" 3 "cannot write 'prev\.[a-z]+': File too large; nothing was written" \
        sh -c "ulimit -f 2; exec \"\$0\" $RUN --force $o" "$hv"
done
unchanged "/dev/full and ulimit -f" prev.json prev.trace prev.tl prev.kernel

# A read-only directory (as root: as user nobody, for whom it is read-only).
mkdir ro && cp prev.json ro/out.json && keep ro/out.json && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
    as_user() { "$@"; }
elif command -v setpriv >/dev/null 2>&1; then
    as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
    as_user=""
fi
if command -v as_user >/dev/null 2>&1; then
    for o in "--json -o ro/out.json" "--trace ro/t" "--timeline ro/t" "--kernel ro/t"; do
        expect "read-only directory: run $o" 3 "cannot write 'ro/(out\.json|t)': Permission denied" \
            as_user "$hv" $RUN --force $o
    done
    unchanged "read-only directory" ro/out.json
else
    echo "ok - read-only directory # SKIP running as root without setpriv"
fi

# Checked before the run: a 100 s simulation would run into the test's
# timeout if any of these were found only at the end.
LONG_RUN="run smoke --quiet --set sim.duration=100s"
expect "-o into a missing directory" 3 "cannot write 'nodir/x\.json': No such file or directory \(the directory does not exist\)" \
    "$hv" $LONG_RUN --json -o nodir/x.json
expect "--trace into a missing directory" 3 "cannot write 'nodir/t'" "$hv" $LONG_RUN --trace nodir/t
expect "-o a directory" 2 "cannot write 'ro': it is a directory" "$hv" $LONG_RUN -o ro
expect "-o x --trace ./x" 2 "^hvwake run: -o 'x' and --trace '\./x' are the same file; expected a different file for each output$" \
    "$hv" $LONG_RUN -o x --trace ./x
expect "--kernel d/../k --timeline k" 2 "--timeline 'k' and --kernel 'ro/\.\./k' are the same file" \
    "$hv" $LONG_RUN --kernel ro/../k --timeline k

# Interrupted (SIGTERM; SIGINT as from a terminal): the process ends by the
# signal, no temporary file is left, the previous files are intact.
interrupt LONG_RUN TERM 143 --force --json -o prev.json --trace prev.trace
interrupt LONG_RUN INT 130 --force --json -o prev.json --trace prev.trace
unchanged "interrupted runs" prev.json prev.trace prev.tl prev.kernel
no_temps "every failure above" .
no_temps "the read-only directory" ro

# A full trace buffer: how many records were dropped is in the ftrace
# header (entries-in-buffer < entries-written), the timeline, the metrics
# and on stderr.
expect "trace buffer full" 0 "the trace buffer was full \(1000 records\): [1-9][0-9]* later records in the window were dropped" \
    "$hv" $RUN --trace-limit 1000 --trace full.trace --timeline full.tl --json -o full.json
ew=$(sed -n 's/^# entries-in-buffer\/entries-written: \([0-9]*\)\/\([0-9]*\).*/\1 \2/p' full.trace)
set -- $ew
[ -n "$2" ] && [ "$1" -lt "$2" ] && echo "ok - ftrace header: entries-in-buffer $1 < entries-written $2" \
    || fail "ftrace header does not show the drop: '$ew'"
grep -q '"records":1000,"dropped":[1-9]' full.tl && echo "ok - timeline otherData has the drop" \
    || fail "timeline otherData: $(head -c 200 full.tl)"
grep -Eq '"trace.dropped": [1-9]' full.json && grep -q '"trace.records": 1000,' full.json \
    && echo "ok - trace.records and trace.dropped metrics" || fail "no trace.dropped metric: $(grep trace full.json)"
finish
