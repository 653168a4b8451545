/*
 * cli/emit_slurm.h — `hvwake sweep … --emit-slurm DIR`: the sweep as a
 * Slurm job array, written into DIR instead of run (docs/cluster.md).
 *
 *   DIR/hvwake        a copy of the running binary (a rebuild of the
 *                     original cannot change the experiment; the scripts
 *                     check its --version line, source revision included);
 *   DIR/scenario.ini  the sweep's base configuration, the scenario with
 *                     every --set applied, frozen as `hvwake show-config`
 *                     prints it (each value followed by where it came
 *                     from); read back before anything is written and
 *                     checked to give every value of the base: a later
 *                     edit of the scenario file changes nothing;
 *   DIR/sweep.sbatch  a job array of N tasks (--array=1-N), task i runs
 *                     `hvwake sweep DIR/scenario.ini VARIANTS --out OUT
 *                     --shard i/N --jobs $SLURM_CPUS_PER_TASK` (OUT and DIR
 *                     absolute; logs in DIR/logs);
 *   DIR/merge.sbatch  `hvwake merge OUT -o OUT/merged.txt`; on a missing
 *                     shard merge names it (its variants and runs) and the
 *                     script prints the submit.sh line that re-runs only
 *                     the missing shards;
 *   DIR/submit.sh     submits sweep.sbatch, then merge.sbatch with
 *                     --dependency=afterany on the array: the merge runs
 *                     once every task has ended, whether or not it
 *                     succeeded, so a failed shard is reported instead of
 *                     leaving the merge pending for ever (afterok would);
 *                     `submit.sh 3,7` re-runs only shards 3 and 7 and a
 *                     new merge.
 *
 * Every file is written whole or not at all, all or none of them, and an
 * existing one is refused unless force (cli/cli.h outputs). OUT must hold
 * no results yet: the array's tasks never replace a shard. DIR's absolute
 * path appears in #SBATCH lines, so it is refused when it holds a
 * character they cannot carry (blank, quote, backslash, '%').
 */
#ifndef HV_CLI_EMIT_SLURM_H
#define HV_CLI_EMIT_SLURM_H

#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"

struct scenario;

typedef struct cli_emit {
    const char *dir;             /* --emit-slurm DIR, as typed */
    const char *out;             /* --out, as typed */
    const char *partition;       /* --partition, or NULL */
    const char *time;            /* --time (Slurm's format), or NULL */
    uint64_t shards;             /* --shards, or 0: one per job, at most 1000 */
    uint64_t cpus;               /* --cpus-per-task, or 0: 1 */
    int force;
    const cli_scn_args *a;       /* the scenario, --set and the variants, as typed */
    size_t reps;                 /* R */
    size_t njob;                 /* variants x R */
    const struct scenario *base; /* the scenario with every --set applied */
    int argc;                    /* the command line, recorded in the scripts */
    char **argv;
} cli_emit;

/* Check the --partition and --time values: 0 or HV_EXIT_USAGE. */
int cli_emit_check(const cli_emit *e);
/* Write DIR. 0, HV_EXIT_USAGE (a file exists, OUT holds results, a path
 * #SBATCH cannot carry), HV_EXIT_IO, or HV_EXIT_CHECK when the frozen
 * scenario does not read back to the base (a bug). */
int cli_emit_slurm(const cli_emit *e);

#endif
