#!/bin/sh
# sweep_shards.sh HVWAKE — a sweep run whole (2 worker processes) and as two
# shards must merge to byte-identical tables.
hv=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
args="smoke --vary kvm.h_ipi_redirect=1,0 --replications 2 --set sim.duration=2ms --set sim.warmup=0ns"
"$hv" sweep $args --out "$dir/all" --jobs 2 2>/dev/null || { echo "whole sweep failed"; exit 1; }
"$hv" sweep $args --out "$dir/sh" --shard 1/2 2>/dev/null || { echo "shard 1 failed"; exit 1; }
"$hv" sweep $args --out "$dir/sh" --shard 2/2 2>/dev/null || { echo "shard 2 failed"; exit 1; }
"$hv" merge "$dir/all" > "$dir/a.txt" || { echo "merge whole failed"; exit 1; }
"$hv" merge "$dir/sh" > "$dir/b.txt" || { echo "merge shards failed"; exit 1; }
grep -q "hipi.redirected" "$dir/a.txt" || { echo "no hipi.redirected in the table"; cat "$dir/a.txt"; exit 1; }
# The headers name their sources; compare the tables only.
grep -v '^#' "$dir/a.txt" > "$dir/a2.txt"; grep -v '^#' "$dir/b.txt" > "$dir/b2.txt"
cmp -s "$dir/a2.txt" "$dir/b2.txt" || { echo "tables differ:"; diff "$dir/a2.txt" "$dir/b2.txt" | head; exit 1; }
"$hv" merge "$dir/sh/shard-0001-of-0002.csv" >/dev/null 2>&1 && { echo "merge of one shard of two must fail (missing jobs)"; exit 1; }
echo "ok: shards merge to the whole"
