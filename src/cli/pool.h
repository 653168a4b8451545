/*
 * cli/pool.h — the runs of an experiment in worker processes (sweep,
 * compare).
 *
 * Jobs: j = v·R + r for variant v < vs->n and replication r < R; job j runs
 * variant v's scenario with sim.run = its first run + r. The parent starts
 * a worker process (fork) for each job its shard owns, in job order, at
 * most `workers` at a time. A worker runs its job (cli_run_model) and
 * writes its metrics in their flat form (report/metrics.h) with exact hex
 * values and an end line into a temporary file the parent created and
 * unlinked before the fork ($TMPDIR, else /tmp): the file has no name, so
 * a crash or a SIGKILL leaves nothing behind, and no file of an earlier
 * run can be read in its place. When a worker exits 0 the parent reads its
 * file back into runs[j]. Results are kept by job index: they depend
 * neither on the order workers finish in nor on how many run at once
 * (`--jobs 1` and `--jobs 8` give the same bytes).
 *
 * Failures: a worker that exits non-zero (its status: HV_EXIT_CHECK for a
 * model check, HV_EXIT_IO when it could not write its file) or is killed
 * by a signal (HV_EXIT_IO) is named on stderr with its job, variant and
 * run; the other jobs still run, so every failure is reported.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP are deferred (cli_signals_defer(1))
 * while the pool runs: one stops every worker (SIGTERM, then wait) and
 * cli_pool_run() returns it, still deferred, for the caller to clean up
 * its outputs and end with cli_signal_exit(). On Linux a worker also dies
 * with its parent (PR_SET_PDEATHSIG): no orphans.
 *
 * Progress: with p->progress and stderr a terminal, a line on stderr
 * (report/progress.h: runs done of the total, running, elapsed, estimated
 * time left), redrawn 4 times a second, erased before any message and at
 * the end; never on stdout or in a file.
 *
 * Concurrency: one pool at a time per process (it owns SIGCHLD).
 */
#ifndef HV_CLI_POOL_H
#define HV_CLI_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "report/metrics.h"
#include "scn/variants.h"

struct scenario;

typedef struct cli_pool {
    const char *cmd;          /* "sweep", "compare": the messages' prefix */
    struct scenario *sc;      /* [vs->n]: each variant's scenario (sim.run = its first run) */
    const scn_variants *vs;
    size_t reps;              /* R */
    scn_shard shard;          /* run the jobs it owns; {1, 1}: all */
    uint64_t workers;         /* at most this many workers at once (>= 1) */
    int progress;             /* the progress line (on a terminal only) */
} cli_pool;

typedef struct cli_pool_result {
    int signal;   /* SIGINT, SIGTERM or SIGHUP that stopped the pool, or 0 */
    int status;   /* the lowest failed job's status, 0 if none failed */
    size_t owned; /* jobs of the shard */
    size_t done;  /* of them, succeeded and read back */
} cli_pool_result;

/* Run every job the shard owns. runs has vs->n * reps initialised slots;
 * runs[j] receives job j's metrics and have[j] is set to 1 when it
 * succeeded (slots of other jobs are untouched). Signals stay deferred on
 * return (see above). */
cli_pool_result cli_pool_run(const cli_pool *p, rep_metrics *runs, unsigned char *have);

/* The CPUs this process may run on (its affinity mask, as a Slurm task or
 * taskset sets it; else the online CPUs), at least 1: --jobs' default. */
uint64_t cli_cpus(void);

/* The name of a signal as "SIGTERM" ("signal" if not one of the usual). */
const char *cli_signame(int sig);

#endif
