#!/bin/sh
# merge.sh HVWAKE RESULTS_TOOL — merge refuses shards of different
# experiments (duration, machine, VM size, hvwake version, source revision:
# the first difference, with file and line) and damaged shards (cut inside a
# number, cut between rows or jobs, a value turned into 1e296 or nan, a
# renamed metric, an empty line: the file and the exact line); a failed
# merge leaves a previous -o file intact; -o may not be an input.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

"$hv" sweep $SMALL --out good 2>/dev/null || fail "reference sweep"
"$hv" merge good -o prev.txt || fail "reference merge"
keep prev.txt
S=good/shard-0001-of-0001.csv

# Shards of different experiments, put together as a cluster mix-up would.
n=0
for diff in "sim.duration=2ms:sim\.duration = 2ms, but 1ms in" \
            "hw.cores_per_chip=8:hw\.cores_per_chip = 8, but 10 in" \
            "vm.db.vcpus=8:vm\.db\.vcpus = 8, but 16 in"; do
    n=$((n + 1)); set=${diff%%:*}; msg=${diff#*:}
    "$hv" sweep $SMALL --out x$n --shard 1/2 2>/dev/null || fail "sweep x$n 1/2"
    "$hv" sweep $SMALL --set "$set" --out y$n --shard 2/2 2>/dev/null || fail "sweep y$n 2/2"
    cp y$n/shard-0002-of-0002.csv x$n/
    line=$(grep -n "^# config ${set%%=*}=" x$n/shard-0002-of-0002.csv | cut -d: -f1)
    expect "shards differing in $set" 2 "^hvwake merge: x$n/shard-0002-of-0002\.csv:$line: $msg x$n/shard-0001-of-0002\.csv; expected shards of one experiment" \
        "$hv" merge x$n -o prev.txt
    expect "sweep into a directory of another experiment ($set)" 2 "x$n/shard-0001-of-0002\.csv:$line: ${set%%=*} = [0-9a-z]+, but [0-9a-z]+ in this sweep" \
        "$hv" sweep $SMALL --set "$set" --out x$n --shard 1/2
done
# Another hvwake version or source revision (written by results_tool).
mkdir v
printf '0,0,m,1\n0,1,m,2\n' | "$tool" v 2 2 base --version 0.1.0 --source abc --skip 2 || fail "results_tool"
mkdir w && printf '0,0,m,1\n0,1,m,2\n' | "$tool" w 2 2 base --version 0.0.9 --source abc --skip 1 && cp w/* v/
expect "shards of another hvwake version" 2 "v/shard-0002-of-0002\.csv:2: hvwake 0\.0\.9 wrote this file, hvwake 0\.1\.0 wrote v/shard-0001-of-0002\.csv" \
    "$hv" merge v -o prev.txt
printf '0,0,m,1\n0,1,m,2\n' | "$tool" w 2 2 base --version 0.1.0 --source def --skip 1 && cp w/* v/
expect "shards of another source revision" 2 "v/shard-0002-of-0002\.csv:3: source revision def, but abc in v/shard-0001-of-0002\.csv" \
    "$hv" merge v -o prev.txt
unchanged "merges of different experiments" prev.txt

# Damaged shards. L: the first row, E: the first job's end line.
L=$(grep -n '^0,0,' $S | head -1 | cut -d: -f1)
E=$(grep -n '^# job 0 0 ' $S | cut -d: -f1)
last=$(wc -l < $S)
damaged() { # NAME STATUS REGEX — merge d/ after the caller wrote d/shard-0001-of-0001.csv
    expect "$1" 2 "^hvwake merge: d/shard-0001-of-0001\.csv:$2" "$hv" merge d -o prev.txt
}
mkdir d
D=d/shard-0001-of-0001.csv
# cut inside a number (the first row's value, in its middle)
{ head -n $((L - 1)) $S; sed -n "${L}p" $S | tr -d '\n' | head -c 22; } > $D
damaged "cut inside a number" "$L: the file ends inside this line \(no newline\): it is truncated"
# cut between two rows of a job: a job with part of its metrics
head -n $((L + 5)) $S > $D
damaged "cut between rows" "$((L + 5)): the file ends inside job variant 0 run 0 \(rows at lines $L-$((L + 5)), no end line\)"
# cut between jobs
head -n $E $S > $D
damaged "cut between jobs" "$E: the file ends after its last job without its '# end' line: it is truncated"
# a value turned into 1e296, or nan
sed "$((L + 3))s/,[^,]*\$/,1e296/" $S > $D
damaged "a value turned into 1e296" "$E: job variant 0 run 0 \(lines $L-$((E - 1))\): its rows' checksum is [0-9a-f]{8}, its end line says [0-9a-f]{8}"
sed "$((L + 3))s/,[^,]*\$/,nan/" $S > $D
damaged "a value turned into nan" "$((L + 3)): value 'nan' is not valid; expected a finite decimal number"
# a renamed metric
sed "$((L + 1))s/^0,0,\([a-z]*\)\./0,0,\1x./" $S > $D
damaged "a renamed metric" "$E: job variant 0 run 0 \(lines $L-$((E - 1))\): its rows' checksum"
# an empty line: every later line number stays exact
sed "$((L + 2))G" $S > $D
damaged "an empty line" "$((L + 3)): unexpected empty line; expected a row"
# a changed header line
sed "s/^# seed 1\$/# seed 2/" $S > $D
damaged "a changed header" "$last: the file's checksum is [0-9a-f]{8}, its end line says [0-9a-f]{8}"
unchanged "merges of damaged shards" prev.txt

# merge's own output.
expect "merge -o an input" 2 "-o 'good/\./shard-0001-of-0001\.csv' is the input good/shard-0001-of-0001\.csv" \
    "$hv" merge good -o good/./shard-0001-of-0001.csv
expect "merge > /dev/full" 3 "cannot write 'standard output': No space left on device" sh -c '"$0" merge good > /dev/full' "$hv"
expect "merge -o /dev/full" 3 "cannot write '/dev/full': No space left on device" "$hv" merge good -o /dev/full
expect "merge --json --csv" 2 "option --csv conflicts with --json" "$hv" merge good --json --csv
expect "plot -o into a missing directory" 3 "cannot write 'nodir/p\.dat': No such file" "$hv" plot good -o nodir/p.svg
no_temps "merge and plot" .
finish
