#!/bin/sh
# progress_tty.sh HVWAKE — sweep and compare draw a progress line (runs
# done of the total, running, elapsed, ETA) on a terminal, under a pseudo-
# terminal from script(1): never in their outputs (the shard file and the
# table are the bytes of a run without a terminal), and not with --quiet.
# Exits 77 when script(1) is missing.
hv=$1
command -v script >/dev/null 2>&1 || { echo "SKIP: script(1) is not installed (util-linux)"; exit 77; }
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
cd "$d" || exit 1
bad=0
# The line is drawn at once (HVWAKE_PROGRESS_AFTER=0; by default after a
# second), however fast the machine runs the 8 runs.
HVWAKE_PROGRESS_AFTER=0; export HVWAKE_PROGRESS_AFTER
args="smoke --vary kvm.h_ipi_redirect=1,0 --replications 4 --set sim.duration=6ms --jobs 2"
tty() { script -qec "$1" /dev/null < /dev/null > "$2" 2>&1; }
line='\[hvwake\] (sweep|compare): [0-9]+/8 runs done, [0-2] running  elapsed [0-9]+:[0-9][0-9]  ETA '
tty "'$hv' sweep $args --out t" sweep.tty || { echo "not ok - sweep on a terminal: $(cat sweep.tty)"; bad=1; }
"$hv" sweep $args --out plain 2>/dev/null || { echo "not ok - sweep"; bad=1; }
grep -Eq "$line" sweep.tty && echo "ok - sweep: the progress line on the terminal" || { echo "not ok - sweep: no progress line: $(cat -A sweep.tty)"; bad=1; }
cmp -s t/shard-0001-of-0001.csv plain/shard-0001-of-0001.csv && echo "ok - sweep: the shard file is the same bytes" \
    || { echo "not ok - sweep: the shard file differs on a terminal"; bad=1; }
tty "'$hv' sweep $args --out q --quiet" quiet.tty
grep -q '\[hvwake\]' quiet.tty && { echo "not ok - sweep --quiet: $(cat -A quiet.tty)"; bad=1; } || echo "ok - sweep --quiet: no progress line"
tty "'$hv' compare $args > table.tty-out" compare.tty
"$hv" compare $args > table.plain 2>/dev/null
grep -Eq "$line" compare.tty && echo "ok - compare: the progress line on the terminal" || { echo "not ok - compare: no progress line: $(cat -A compare.tty)"; bad=1; }
cmp -s table.tty-out table.plain && echo "ok - compare: the table is the same bytes" || { echo "not ok - compare: the table differs"; bad=1; }
tty "'$hv' compare $args --quiet > /dev/null" cquiet.tty
grep -q '\[hvwake\]' cquiet.tty && { echo "not ok - compare --quiet: $(cat -A cquiet.tty)"; bad=1; } || echo "ok - compare --quiet: no progress line"
exit $bad
