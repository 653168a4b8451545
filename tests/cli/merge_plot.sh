#!/bin/sh
# merge_plot.sh HVWAKE RESULTS_TOOL — two shards of a 2-variant x 2-run
# experiment (written by tests/report/results_tool): merge prints the
# comparison (text, CSV, JSON); a missing shard fails with status 2, naming
# it and its variants; plot writes the script and data (and the image with
# gnuplot), whole or not at all.
set -u
hv=$1; tool=$2
d=$(mktemp -d /tmp/hv_cli_merge.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir "$d/r"
"$tool" "$d/r" 2 2 base no-M1:kvm.h_ipi_redirect=0 <<R || fail "results_tool"
0,0,ops_per_s,100
0,0,wake.latency_ns.count,3
0,0,wake.latency_ns.p50,10
0,0,wake.latency_ns@n,3
0,0,wake.latency_ns@100,1
0,0,wake.latency_ns@200,2
0,1,ops_per_s,102
0,1,wake.latency_ns.count,1
0,1,wake.latency_ns.p50,12
0,1,wake.latency_ns@n,1
0,1,wake.latency_ns@100,1
1,0,ops_per_s,150
1,0,wake.latency_ns.count,0
1,0,wake.latency_ns.p50,5
1,0,wake.latency_ns@n,0
1,1,ops_per_s,154
1,1,wake.latency_ns.count,2
1,1,wake.latency_ns.p50,7
1,1,wake.latency_ns@n,2
1,1,wake.latency_ns@300,2
R
out=$("$hv" merge "$d/r") || fail "merge failed: $out"
echo "$out" | grep -Eq '^ops_per_s +1/s +101 ± 12.71 +152 ± 25.41 \[\+51 ± ' || fail "merge table: $out"
echo "$out" | grep -q '^# no-M1: paired t on the per-run differences' || fail "merge names the test: $out"
"$hv" merge "$d/r" --csv > "$d/m.csv" || fail "merge --csv"
grep -q '^variant,kvm.h_ipi_redirect,run,metric,value,unit,lo,hi$' "$d/m.csv" && grep -q '^no-M1,0,1,ops_per_s,154,1/s,,$' "$d/m.csv" \
    || fail "merge --csv tidy rows: $(cat "$d/m.csv")"
"$hv" merge "$d/r" --json -o "$d/m.json" || fail "merge --json"
grep -q '"variants": \["base", "no-M1"\]' "$d/m.json" || fail "merge json content"
grep -q '"source": "test"' "$d/m.json" || fail "merge json source"
# Deterministic: the same inputs give byte-identical outputs, in any file order.
"$hv" merge "$d/r" --json -o "$d/m2.json" || fail "merge --json again"
"$hv" merge "$d/r/shard-0002-of-0002.csv" "$d/r/shard-0001-of-0002.csv" --json -o "$d/m3.json" || fail "merge files"
cmp -s "$d/m.json" "$d/m2.json" && cmp -s "$d/m.json" "$d/m3.json" || fail "merge output differs between runs"
"$hv" show-config smoke --json > "$d/c1" && "$hv" show-config smoke --json > "$d/c2" && cmp -s "$d/c1" "$d/c2" || fail "show-config differs"
mkdir "$d/half"; cp "$d/r/shard-0001-of-0002.csv" "$d/half/"
"$hv" merge "$d/half" >/dev/null 2>"$d/err"; st=$?
[ $st = 2 ] || fail "incomplete merge exit $st"
grep -q "shard 2/2 is missing (no shard-0002-of-0002.csv): no results for base (run 1), no-M1 (run 1); expected every shard: run it with --shard 2/2" "$d/err" || fail "missing shard message: $(cat "$d/err")"
"$hv" plot "$d/r" --kind bars --metric ops_per_s -o "$d/p.svg" 2>"$d/err" || fail "plot: $(cat "$d/err")"
[ -s "$d/p.gp" ] && [ -s "$d/p.dat" ] || fail "plot script/data"
if command -v gnuplot >/dev/null 2>&1; then
    grep -q "<svg" "$d/p.svg" || fail "no svg"
else
    echo "# SKIP image: gnuplot not installed"
fi
# plot reads merge's (and compare's) --json and --csv too; a CDF from the buckets.
"$hv" merge "$d/r" --csv -o "$d/m.csv" 2>"$d/err"; st=$?
[ $st = 2 ] && grep -q "cannot write '$d/m.csv': it already exists; expected a new file (--force replaces it)" "$d/err" \
    || fail "merge -o over a file without --force: $st $(cat "$d/err")"
"$hv" merge "$d/r" --csv -o "$d/m.csv" --force || fail "merge --csv -o --force"
for in in m.json m.csv; do
    "$hv" plot "$d/$in" --kind cdf --metric wake.latency_ns -o "$d/cdf-$in.svg" 2>"$d/err" || fail "plot $in: $(cat "$d/err")"
    # variant base: 4 samples pooled, 2 at 100 and 2 at 200: the CDF rises
    # across [100,101) and [200,201), flat between
    grep -A5 '^# series 0: base' "$d/cdf-$in.dat" | tail -4 | tr '\n' ' ' | grep -q '^100 0 0 101 0.5 0 200 0.5 0 201 1 0 $' \
        || fail "cdf data from $in: $(cat "$d/cdf-$in.dat")"
done
grep -q '"histograms": {' "$d/m.json" || fail "merge --json has no histograms"
grep -q '^no-M1,0,1,wake.latency_ns.bucket,2,count,300,302$' "$d/m.csv" || fail "merge --csv bucket rows"
"$hv" plot "$d/r" --kind bars --x kvm.h_ipi_redirect -o "$d/x.svg" 2>"$d/err"; st=$?
[ $st = 2 ] && grep -q "option --x does nothing with --kind bars" "$d/err" || fail "--x with bars: $st $(cat "$d/err")"
# Without gnuplot on PATH: the script and data, and how to render them.
rm -f "$d/q.svg"
env PATH=/nonexistent "$hv" plot "$d/r" --kind curve -o "$d/q.svg" 2>"$d/err" || fail "plot without gnuplot: $(cat "$d/err")"
grep -q "gnuplot is not installed.*render with: gnuplot $d/q.gp" "$d/err" || fail "no render hint: $(cat "$d/err")"
[ -s "$d/q.gp" ] && [ ! -e "$d/q.svg" ] || fail "q.gp missing or q.svg present"
ls -a "$d" | grep -q '\.tmp' && fail "temporary files left: $(ls -a "$d")"
echo "ok"
