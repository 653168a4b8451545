#!/bin/sh
# spin.sh MODEL EXPECT CLAIMS [DEFINE...] — model-check MODEL (a Promela file
# of models/) with spin: generate the verifier with the -D DEFINEs, compile
# it, and run it once per LTL claim in CLAIMS (comma-separated).
#   EXPECT verify  every claim holds (errors: 0, search complete)
#   EXPECT reject  every claim is violated; the counterexample's steps are
#                  printed (spin -t -p, assignments only)
# Exits 77 (CTest SKIP_RETURN_CODE) when spin or a C compiler is missing.
model=$1; expect=$2; claims=$3; shift 3
if ! command -v spin >/dev/null 2>&1; then
    echo "SKIP: spin is not installed (apt-get install spin; .ci/run installs it in CI)"; exit 77
fi
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "SKIP: no C compiler ($cc) to build spin's verifier"; exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cp "$model" "$dir/" || exit 1
base=$(basename "$model")
cd "$dir" || exit 1
spin -a "$@" "$base" >spin.out 2>&1 || { echo "spin -a $* $base failed:"; cat spin.out; exit 1; }
"$cc" -O1 -w -o pan pan.c || { echo "compiling pan.c failed"; exit 1; }
status=0
for claim in $(echo "$claims" | tr ',' ' '); do
    ./pan -a -m200000 -N "$claim" >pan.out 2>&1
    errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' pan.out | head -1)
    states=$(sed -n 's/^ *\([0-9e+.]*\) states, stored.*/\1/p' pan.out | head -1)
    if [ -z "$errors" ]; then
        echo "$base $* $claim: pan gave no result:"; cat pan.out; exit 1
    fi
    if grep -q "max search depth too small" pan.out; then
        echo "$base $* $claim: search incomplete (max search depth too small)"; exit 1
    fi
    case $expect in
    verify)
        if [ "$errors" != 0 ]; then
            echo "$base $* $claim: VIOLATED, expected to hold ($states states):"
            spin -t -p "$@" "$base" 2>&1 | tail -40
            status=1
        else
            echo "$base $* $claim: holds ($states states)"
        fi ;;
    reject)
        if [ "$errors" = 0 ]; then
            echo "$base $* $claim: holds, expected spin to reject it ($states states)"
            status=1
        else
            echo "$base $* $claim: rejected as expected; counterexample (the model's"
            echo "processes, without loop bookkeeping; a cycle repeats forever):"
            spin -t -p "$@" "$base" 2>&1 | grep -E "proc +[1-9]|<<<<<START OF CYCLE" |
                grep -vE "\[(c|i|guests|done|got) = |\[\(\((c|i)<|\[\(1\)\]|\[goto |\[break\]|\[(all_rm|all_call) = 0\]" |
                sed -E 's/^ *[0-9]+:[[:space:]]+//; s/\(state [0-9]+\)//' | head -60
        fi ;;
    *) echo "EXPECT must be verify or reject"; exit 2 ;;
    esac
done
exit $status
