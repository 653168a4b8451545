#!/bin/sh
# emit.sh HVWAKE RESULTS_TOOL — sweep --emit-slurm DIR without Slurm: the
# emitted files are never replaced without --force; options that do
# nothing there, a bad --time or --partition, too many --shards, a DIR
# #SBATCH lines cannot carry, an --out that holds results: refused before
# anything is written. The emitted scripts run as plain shell scripts
# (SLURM_ARRAY_TASK_ID set by hand): the experiment is frozen (editing the
# scenario file afterwards changes nothing), the merge of a missing shard
# fails naming it and the submit.sh line that re-runs it, and submit.sh
# submits the merge with --dependency=afterany on the array (a stand-in
# sbatch records the calls). tests/cluster/ runs the same on a real Slurm.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
V="--vary kvm.h_ipi_redirect=1,0 --replications 2"
cat > my.ini <<'INI'
include = preset:smoke
[sim]
duration = 1ms
warmup = 0ns
INI
"$hv" sweep my.ini $V --out local 2>/dev/null && "$hv" merge local | grep -v '^#' > local.txt || fail "the local sweep"

expect "emit" 0 "^hvwake sweep: 4 jobs in 3 shards of a Slurm job array written to job \(sweep\.sbatch, merge\.sbatch, submit\.sh, scenario\.ini, hvwake\); job/submit\.sh submits it, the table will be in res/merged\.txt$" \
    "$hv" sweep my.ini $V --out res --emit-slurm job --shards 3
for f in hvwake sweep.sbatch merge.sbatch submit.sh; do [ -x job/$f ] || fail "job/$f is not executable"; done
[ -d job/logs ] && [ -f job/scenario.ini ] && echo "ok - emit: the files and job/logs" || fail "emit: $(ls -l job)"
grep -q '^#SBATCH --array=1-3$' job/sweep.sbatch && grep -q -- '--shard "$SLURM_ARRAY_TASK_ID/3"' job/sweep.sbatch \
    && echo "ok - sweep.sbatch: one array task per shard" || fail "sweep.sbatch: $(cat job/sweep.sbatch)"
keep job/hvwake job/scenario.ini job/sweep.sbatch job/merge.sbatch job/submit.sh

# Never replaced without --force; every file refused before any is written.
expect "emit again" 2 "^hvwake sweep: cannot write 'job/hvwake': it already exists; expected a new file \(--force replaces it\)$" \
    "$hv" sweep my.ini $V --out res2 --emit-slurm job --shards 2
unchanged "emit again" job/hvwake job/scenario.ini job/sweep.sbatch job/merge.sbatch job/submit.sh
no_temps "emit again" job
expect "emit --force" 0 "4 jobs in 2 shards" "$hv" sweep my.ini $V --out res2 --emit-slurm job --shards 2 --force
grep -q '^#SBATCH --array=1-2$' job/sweep.sbatch && echo "ok - emit --force replaced the scripts" || fail "emit --force: $(cat job/sweep.sbatch)"
"$hv" sweep my.ini $V --out res --emit-slurm job --shards 3 --force 2>/dev/null || fail "emit back"

# Refused, and nothing written.
E="my.ini $V --out res3"
expect "--emit-slurm --jobs" 2 "option --jobs does nothing with --emit-slurm: each array task runs --cpus-per-task workers" \
    "$hv" sweep $E --emit-slurm e1 --jobs 2
expect "--emit-slurm --shard" 2 "option --shard does nothing with --emit-slurm: the job array runs every shard" \
    "$hv" sweep $E --emit-slurm e1 --shard 1/2
expect "--emit-slurm --quiet" 2 "option --quiet does nothing with --emit-slurm" "$hv" sweep $E --emit-slurm e1 --quiet
for o in "--shards 2" "--cpus-per-task 2" "--partition p" "--time 10"; do
    expect "$o without --emit-slurm" 2 "option ${o% *} does nothing without --emit-slurm: it is an option of the emitted job array" \
        "$hv" sweep $E $o
done
expect "--time 1:2:3:4" 2 "option --time: '1:2:3:4' is not a Slurm time limit; expected MINUTES, MM:SS, HH:MM:SS, DAYS-HH" \
    "$hv" sweep $E --emit-slurm e1 --time 1:2:3:4
expect "--partition 'a b'" 2 "option --partition: 'a b' is not a partition name" "$hv" sweep $E --emit-slurm e1 --partition "a b"
expect "--shards 5 for 4 jobs" 2 "option --shards: 5 shards for 4 jobs; expected at most 4" "$hv" sweep $E --emit-slurm e1 --shards 5
[ -e e1 ] || [ -e res3 ] && fail "refused options created a directory"
expect "DIR with a blank" 2 "holds a blank, quote, backslash or % that #SBATCH lines cannot carry" \
    "$hv" sweep $E --emit-slurm "e 2"
[ -e "e 2" ] && fail "a refused DIR was created"
expect "--out holding results" 2 "^hvwake sweep: --out local holds results already \(shard-0001-of-0001\.csv\); expected a new results directory" \
    "$hv" sweep my.ini $V --out local --emit-slurm e3
[ -e e3/hvwake ] && fail "a refused emit wrote e3/hvwake"

# The scripts, without Slurm. The scenario file changed after the emit
# changes nothing: scenario.ini is the experiment, frozen.
sed -i 's/duration = 1ms/duration = 2ms/' my.ini
expect "sweep.sbatch without an array task" 2 "SLURM_ARRAY_TASK_ID: is not set; expected a job array task" sh job/sweep.sbatch
for i in 1 3; do SLURM_ARRAY_TASK_ID=$i sh job/sweep.sbatch 2>/dev/null || fail "task $i"; done
expect "merge.sbatch without shard 2" 2 "hvwake: shards 2 of 3 did not complete; re-run only them: $T/job/submit\.sh 2$" sh job/merge.sbatch
SLURM_ARRAY_TASK_ID=2 sh job/sweep.sbatch 2>/dev/null || fail "task 2"
expect "merge.sbatch" 0 "^hvwake: the table is in $T/res/merged\.txt$" sh job/merge.sbatch
grep -v '^#' res/merged.txt > cluster.txt
[ -s local.txt ] && cmp -s local.txt cluster.txt && echo "ok - the emitted sweep's table is the local sweep's (my.ini as it was)" \
    || fail "tables differ: $(diff local.txt cluster.txt | head -5)"
expect "merge.sbatch again" 2 "cannot write '$T/res/merged\.txt': it already exists" sh job/merge.sbatch

# submit.sh: the array, then the merge after it (afterany), through a
# stand-in sbatch that prints job ids as sbatch --parsable does.
mkdir bin && cat > bin/sbatch <<'SH'
#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls"
n=$(wc -l < "$(dirname "$0")/calls"); echo "$((40 + n));cluster"
SH
chmod +x bin/sbatch
PATH="$T/bin:$PATH" sh job/submit.sh 2,3 > submit.out || fail "submit.sh: $(cat submit.out)"
printf '%s\n' "--parsable --array=2,3 $T/job/sweep.sbatch" "--parsable --dependency=afterany:41 $T/job/merge.sbatch" > calls.want
cmp -s calls.want bin/calls && echo "ok - submit.sh 2,3: the array, then the merge with --dependency=afterany" \
    || fail "sbatch calls: $(cat bin/calls)"
grep -q "^hvwake: job array 41 runs shards 2,3 of 3 into $T/res; job 42 merges them into $T/res/merged.txt" submit.out \
    && echo "ok - submit.sh names the jobs" || fail "submit.sh: $(cat submit.out)"

# The scripts check the binary they run is the one that emitted them.
printf '#!/bin/sh\necho "hvwake 0.0.0 (source x)"\n' > job/hvwake
expect "another binary" 2 "job/hvwake is not hvwake [^ ]+ \(source [^)]+\) \(the binary the scripts were emitted with\)" \
    env SLURM_ARRAY_TASK_ID=1 sh job/sweep.sbatch
finish
