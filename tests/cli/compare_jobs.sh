#!/bin/sh
# compare_jobs.sh HVWAKE — compare runs its variants x replications in
# worker processes (--jobs): the table, the JSON and the CSV are the same
# bytes for --jobs 1, 2 and 5 (more workers than runs at once is allowed,
# and results are kept by run, not by the order workers finish in), and
# the table is the one merge prints for the same experiment swept.
hv=$1
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
args="smoke --vary kvm.h_ipi_redirect=1,0 --vary kvm.guest_ipi=targeted,reschedule --replications 2 --set sim.duration=1ms --set sim.warmup=0ns"
bad=0
for fmt in text json csv; do
    f=; [ $fmt = text ] || f=--$fmt
    for j in 1 2 5; do
        "$hv" compare $args $f --jobs $j > "$d/$fmt.$j" || { echo "not ok - compare $f --jobs $j failed"; bad=1; }
    done
    [ -s "$d/$fmt.1" ] || { echo "not ok - compare $f: empty output"; bad=1; }
    if cmp -s "$d/$fmt.1" "$d/$fmt.2" && cmp -s "$d/$fmt.1" "$d/$fmt.5"; then
        echo "ok - compare ${f:---text}: --jobs 1, 2, 5 give the same $(wc -c < "$d/$fmt.1") bytes"
    else
        echo "not ok - compare $f: outputs differ with --jobs: $(diff "$d/$fmt.1" "$d/$fmt.2" | head -5) $(diff "$d/$fmt.1" "$d/$fmt.5" | head -5)"; bad=1
    fi
done
"$hv" sweep $args --out "$d/sw" --jobs 2 2>/dev/null && "$hv" merge "$d/sw" > "$d/merged" || { echo "not ok - sweep + merge"; bad=1; }
grep -v '^#' "$d/text.1" > "$d/a"; grep -v '^#' "$d/merged" > "$d/b"
cmp -s "$d/a" "$d/b" && echo "ok - compare's table is merge's for the same sweep" || { echo "not ok - compare and merge differ: $(diff "$d/a" "$d/b" | head)"; bad=1; }
exit $bad
