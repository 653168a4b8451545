#!/bin/sh
# checks_same.sh HVWAKE — the per-event invariant checks change speed only:
# with them on (sim.checks = true, a build with HV_CHECKS) and off
# (--set sim.checks=false) a run prints the same summary and the same
# trace, the echo of sim.checks itself aside. On the smoke preset and on a
# short e880-mixed run (192 cores, 96 VMs, host load: the size where the
# checks cost the most). CMake registers it for builds with HV_CHECKS only.
hv=$1
[ -x "$hv" ] || { echo "usage: checks_same.sh HVWAKE" >&2; exit 2; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
same() { # NAME ARGS...
    name=$1; shift
    for c in true false; do
        "$hv" run "$@" --quiet --force --set sim.checks=$c --trace "$tmp/$c.trace" >"$tmp/$c.out" 2>"$tmp/$c.err" \
            || { echo "not ok - $name: run with sim.checks=$c failed:"; sed 's/^/#   /' "$tmp/$c.err"; fail=1; return; }
        grep -v '^#   sim\.checks ' "$tmp/$c.out" >"$tmp/$c.sum"
    done
    for f in sum trace; do
        n=$((n + 1))
        if cmp -s "$tmp/true.$f" "$tmp/false.$f" && [ -s "$tmp/true.$f" ]; then
            echo "ok $n - $name: the same $f with checks on and off"
        else
            echo "not ok $n - $name: the $f differs with checks on and off:"
            diff "$tmp/true.$f" "$tmp/false.$f" | head -10 | sed 's/^/#   /'
            fail=1
        fi
    done
}
same smoke smoke
same e880-mixed e880-mixed --set sim.warmup=20us --set sim.duration=40us --timeline-window 40us
echo "1..$n"
exit $fail
