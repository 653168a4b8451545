#!/bin/sh
# presets_both_modes.sh HVWAKE — every embedded preset runs in both host
# modes: secondaries offline (SMT-off, upstream) and online (M3), for the
# span of its golden (tests/lib/presets.sh: 1 ms of warm-up and 2 ms
# measured, the e880 presets 20 us + 80 us), with every invariant checked
# after every event and the end-of-run conservation checks; the online run
# must have parked secondaries when guest code ran, the offline run none.
hv=$1
[ -x "$hv" ] || { echo "usage: presets_both_modes.sh HVWAKE" >&2; exit 2; }
. "$(dirname "$0")/../lib/presets.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
presets=$(preset_names "$hv") || exit 1
for p in $presets; do
    span=$(preset_span "$p")
    for mode in offline online; do
        # shellcheck disable=SC2086
        if ! "$hv" run "$p" --quiet --csv --set sim.checks=true $span \
            --set host.secondaries=$mode > "$tmp/out" 2> "$tmp/err"; then
            echo "not ok: $p with secondaries $mode"; cat "$tmp/err"; status=1; continue
        fi
        vms=$(awk -F, '$1 == "hw.thread.guest_frac" && $2 > 0 { print "yes" }' "$tmp/out")
        parks=$(awk -F, '$1 == "m3.parks" { print $2 }' "$tmp/out")
        if [ "$mode" = online ] && [ -n "$vms" ] && ! [ "${parks:-0}" -gt 0 ] 2>/dev/null; then
            echo "not ok: $p online parked no secondary (m3.parks = '${parks}')"; status=1; continue
        fi
        if [ "$mode" = offline ] && [ -n "$parks" ] && [ "$parks" != 0 ]; then
            echo "not ok: $p offline parked $parks secondaries"; status=1; continue
        fi
        echo "ok $p $mode${parks:+ (m3.parks $parks)}"
    done
done
exit $status
