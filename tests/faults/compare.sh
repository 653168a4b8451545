#!/bin/sh
# compare.sh HVWAKE RESULTS_TOOL — compare's runs in worker processes: a
# worker killed by SIGKILL is named with its run and signal and nothing is
# written (exit 3); the parent interrupted (SIGTERM, SIGINT) stops its
# workers, writes nothing and ends by the signal; killed (SIGKILL), its
# workers die with it. A previous -o file survives each; the workers'
# files have no name, so $TMPDIR stays empty.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
mkdir tmpdir && export TMPDIR="$T/tmpdir"
C="compare smoke --vary sim.duration=1ms,100s --set sim.warmup=0ns --jobs 2 --quiet"
"$hv" compare smoke --vary kvm.h_ipi_redirect=1,0 --set sim.duration=1ms --set sim.warmup=0ns -o prev.txt 2>/dev/null \
    || fail "the first compare"
keep prev.txt

# The 1 ms run ends at once; the 100 s one is killed.
"$hv" $C -o prev.txt --force 2>kill.err & p=$!
i=0; while [ $i -lt 100 ] && ! grep -q . "/proc/$p/task/$p/children" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
sleep 1
w=$(kids $p)
[ $(echo $w | wc -w) = 1 ] && kill -KILL $w || fail "expected one worker left, found '$w'"
wait $p; st=$?
[ $st = 3 ] && echo "ok - killed worker: exit 3" || fail "killed worker: exit $st, expected 3: $(cat kill.err)"
grep -q "^hvwake compare: job 1 (variant sim.duration=100s, run 0): the worker was killed by SIGKILL (signal 9" kill.err \
    && grep -q "^hvwake compare: 1 of the 2 runs failed; nothing written$" kill.err \
    && echo "ok - killed worker: named with its run and signal" || fail "killed worker message: $(cat kill.err)"
unchanged "killed worker" prev.txt

# The parent interrupted: its workers stopped, nothing written.
for sig in TERM INT; do
    # shellcheck disable=SC2086
    interrupt_pool $sig 0.3 "^hvwake compare: interrupted by SIG$sig; stopped the workers; nothing written\$" \
        $C -o prev.txt --force
done
unchanged "interrupted compares" prev.txt

# The parent killed: on Linux its workers die with it.
"$hv" $C 2>/dev/null >/dev/null & p=$!
w=$(children $p 2)
kill -KILL $p; wait $p
if [ "$(uname -s)" = Linux ]; then
    i=0; while [ $i -lt 40 ] && for k in $w; do alive $k && break; done; do sleep 0.05; i=$((i + 1)); done
    left=""; for k in $w; do alive $k && left="$left $k"; done
    [ -z "$left" ] && echo "ok - parent SIGKILL: no orphan worker" || { fail "parent SIGKILL: orphans$left"; kill -KILL $left; }
fi
no_temps "compare" .
[ -z "$(ls -A tmpdir)" ] && echo "ok - \$TMPDIR empty: the workers' files had no name" || fail "left in \$TMPDIR: $(ls -A tmpdir)"
finish
