#!/bin/sh
# golden.sh HVWAKE DIR [--update] — golden outputs of every embedded preset.
#
# For each preset P: `hvwake run P` for 1 ms warm-up + 2 ms (the e880
# presets: 20 us + 80 us, below) with the preset's seed, the text summary
# (DIR/P.summary.txt) and the first 60 lines of the ftrace-style trace
# (DIR/P.trace.txt). Outputs hold only simulated time and identities, so
# they are byte-identical on every machine; the one header line that names
# the build, "# source REVISION" (git describe), is dropped from the
# summary before comparing. Without --update the outputs are compared with
# the committed files (a diff is printed on a mismatch); with --update they
# are rewritten, to be reviewed with git diff.
hv=$1; dir=$2; update=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
presets=$("$hv" scenarios | awk '{print $1}')
[ -n "$presets" ] || { echo "no presets listed"; exit 1; }
for p in $presets; do
    # The e880 presets (192 cores, 96 VMs) run 20 us + 80 us: a debug build
    # checks the whole model after every event (tens of us an event at that
    # size), so 1 ms + 2 ms would take minutes; 80 us still covers their
    # boot and the first requests of every guest.
    case $p in
    e880-*) span="--set sim.warmup=20us --set sim.duration=80us" ;;
    *) span="--set sim.warmup=1ms --set sim.duration=2ms" ;;
    esac
    # shellcheck disable=SC2086
    "$hv" run "$p" --quiet $span \
        --trace "$tmp/$p.trace.full" --timeline-window 2ms > "$tmp/$p.summary.full" 2>"$tmp/$p.err" \
        || { echo "$p: run failed:"; cat "$tmp/$p.err"; status=1; continue; }
    grep -v '^# source ' "$tmp/$p.summary.full" > "$tmp/$p.summary.txt"
    head -n 60 "$tmp/$p.trace.full" > "$tmp/$p.trace.txt"
    for f in summary trace; do
        if [ "$update" = "--update" ]; then
            cp "$tmp/$p.$f.txt" "$dir/$p.$f.txt"
            echo "updated $dir/$p.$f.txt"
        elif ! cmp -s "$tmp/$p.$f.txt" "$dir/$p.$f.txt"; then
            echo "$p.$f.txt differs from the golden file (tests/golden/golden.sh HVWAKE tests/golden --update regenerates):"
            diff "$dir/$p.$f.txt" "$tmp/$p.$f.txt" | head -20
            status=1
        else
            echo "ok $p.$f.txt"
        fi
    done
done
exit $status
