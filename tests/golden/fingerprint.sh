#!/bin/sh
# fingerprint.sh HVWAKE OUTDIR — every output a refactor must leave
# byte-identical: each preset's JSON, summary, full trace, kernel text and
# timeline (20 ms), validate, bench hcall, costs, keys, show-config.
# Usage for a refactor: run it on the commit before and after, then
# `diff -r BEFORE AFTER` must be empty (docs/architecture.md). The source
# revision in the headers ("# source REV", "source": "REV") differs between
# any two commits by design; it is replaced by a fixed text here.
hv=$1; out=$2
[ -x "$hv" ] && [ -n "$out" ] || { echo "usage: fingerprint.sh HVWAKE OUTDIR" >&2; exit 2; }
. "$(dirname "$0")/../lib/presets.sh"
mkdir -p "$out" || exit 1
status=0
presets=$(preset_names "$hv") || exit 1
for p in $presets; do
    "$hv" run "$p" --quiet --set sim.warmup=2ms --set sim.duration=20ms --json -o "$out/$p.json" \
        --trace "$out/$p.trace" --kernel "$out/$p.kernel" --timeline "$out/$p.timeline.json" \
        --timeline-window 3ms 2>"$out/$p.err" || { echo "$p failed" >&2; status=1; }
    "$hv" run "$p" --quiet --set sim.warmup=1ms --set sim.duration=5ms > "$out/$p.txt" 2>>"$out/$p.err" || status=1
    "$hv" show-config "$p" > "$out/$p.config" 2>&1 || status=1
done
"$hv" validate --duration-ms 20 > "$out/validate.txt" 2>&1 || status=1
"$hv" bench hcall > "$out/bench-hcall.txt" 2>&1 || status=1
"$hv" costs > "$out/costs.txt" 2>&1 || status=1
"$hv" keys > "$out/keys.txt" 2>&1 || status=1
for f in "$out"/*; do
    sed -e 's/^# source .*/# source (fingerprint.sh)/' -e 's/^  "source": ".*",$/  "source": "(fingerprint.sh)",/' \
        "$f" > "$f.n" && mv "$f.n" "$f" || status=1
done
exit $status
