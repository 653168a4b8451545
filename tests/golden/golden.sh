#!/bin/sh
# golden.sh HVWAKE DIR [--update] — golden outputs of every embedded preset.
#
# For each preset P: `hvwake run P` for its span (tests/lib/presets.sh:
# 1 ms warm-up + 2 ms, the e880 presets 20 us + 80 us) with the preset's
# seed, the text summary (DIR/P.summary.txt) and the first 60 lines of the
# ftrace-style trace (DIR/P.trace.txt). Outputs hold only simulated time and identities, so
# they are byte-identical on every machine; the one header line that names
# the build, "# source REVISION" (git describe), is dropped from the
# summary before comparing. Without --update the outputs are compared with
# the committed files (a diff is printed on a mismatch); with --update they
# are rewritten, to be reviewed with git diff.
hv=$1; dir=$2; update=$3
. "$(dirname "$0")/../lib/presets.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
presets=$(preset_names "$hv") || exit 1
for p in $presets; do
    span=$(preset_span "$p")
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
