/*
 * hvwake sweep — every variant x replication of a scenario, in parallel
 * worker processes on this machine (--jobs), or only this shard's share
 * (--shard i/N) so a Slurm job array or GNU parallel spreads the sweep over
 * a cluster; `hvwake merge DIR...` joins the shard files.
 *
 * Job j = variant * R + run. Each worker process runs one job and writes its
 * metrics (name, exact value) to DIR/.job-J.tmp; the parent collects them and
 * writes the shard file in job order, so the output does not depend on the
 * order the workers finish in.
 */
#include "cli/cli.h"
#include "cli/run_model.h"

#include "base/hv.h"
#include "report/metrics.h"
#include "report/results.h"
#include "scn/scenario.h"
#include "scn/variants.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void)
{
    printf("usage: hvwake sweep [NAME|FILE] --out DIR (--vary K=V1,V2|K=LO..HI/STEP | --variant NAME:K=V)...\n"
           "                    [--replications R] [--jobs N] [--shard I/N] [--set K=V]... [--seed N]\n\n"
           "Run every variant x replication of the scenario and write the results to\n"
           "DIR/shard-I-of-N.csv (report/results.h); `hvwake merge DIR` prints the table.\n\n"
           "  --out DIR          results directory (created)\n"
           "  --vary, --variant  the variants, as for compare\n"
           "  --replications R   runs per variant (default [sim] replications)\n"
           "  --jobs N           worker processes (default: the online CPUs)\n"
           "  --shard I/N        run only the jobs j with j mod N == I-1 (for clusters)\n");
}

static char *job_path(const char *dir, size_t j)
{
    size_t n = strlen(dir) + 48;
    char *p = hv_xmalloc(n);
    snprintf(p, n, "%s/.job-%zu.tmp", dir, j);
    return p;
}

/* In the worker: run one job, write "value\tname" lines. Exit status. */
static int worker(const struct scenario *s, const char *path)
{
    rep_metrics m;
    rep_metrics_init(&m);
    int rc = cli_run_model("sweep", s, NULL, &m);
    if (!rc) {
        FILE *f = fopen(path, "w");
        if (!f)
            return HV_EXIT_USAGE;
        for (size_t i = 0; i < m.n; i++)
            fprintf(f, "%a\t%s\n", m.rows[i].value, m.rows[i].name);
        rc = fclose(f) ? HV_EXIT_USAGE : 0;
    }
    rep_metrics_free(&m);
    return rc;
}

static int collect(const char *path, rep_metrics *m)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        char *name = tab + 1;
        name[strcspn(name, "\n")] = 0;
        rep_metric(m, strtod(line, NULL), "%s", name);
    }
    fclose(f);
    remove(path);
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    cli_scn_args a = {0};
    const char *dir = NULL;
    uint64_t reps = 0, jobs = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage();
            cli_scn_args_free(&a);
            return 0;
        }
        if (!strcmp(o, "--out") || !strcmp(o, "--replications") || !strcmp(o, "--jobs")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake sweep: option %s needs a value; see hvwake sweep --help\n", o);
                cli_scn_args_free(&a);
                return HV_EXIT_USAGE;
            }
            const char *v = argv[++i];
            int rc = 0;
            if (!strcmp(o, "--out"))
                dir = v;
            else if (!strcmp(o, "--replications"))
                rc = cli_parse_u64("sweep", o, v, 1, 100000, &reps);
            else
                rc = cli_parse_u64("sweep", o, v, 1, 1024, &jobs);
            if (rc) {
                cli_scn_args_free(&a);
                return rc;
            }
            continue;
        }
        int r = cli_scn_arg("sweep", argc, argv, &i, &a, CLI_ACCEPT_VARY);
        if (r <= 0) {
            if (r == 0)
                fprintf(stderr, "hvwake sweep: unknown option '%s'; see hvwake sweep --help\n", o);
            cli_scn_args_free(&a);
            return HV_EXIT_USAGE;
        }
    }
    if (!dir || (!a.nvary && !a.nvariant)) {
        fprintf(stderr, "hvwake sweep: %s; expected --out DIR and at least one --vary or --variant\n",
                !dir ? "no output directory" : "nothing to sweep");
        cli_scn_args_free(&a);
        return HV_EXIT_USAGE;
    }
    scn_shard shard = {1, 1};
    if (a.shard) {
        scn_errors e = {0};
        if (scn_shard_parse(a.shard, &shard, &e)) {
            fprintf(stderr, "hvwake sweep: %s\n", e.n ? e.msg[0] : "bad --shard");
            scn_errors_free(&e);
            cli_scn_args_free(&a);
            return HV_EXIT_USAGE;
        }
        scn_errors_free(&e);
    }
    struct scenario base;
    if (cli_scenario("sweep", &a, &base)) {
        scn_free(&base);
        cli_scn_args_free(&a);
        return HV_EXIT_USAGE;
    }
    if (!reps)
        reps = base.sim.replications;
    if (!jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (uint64_t)n : 1;
    }
    scn_variants vs = {0};
    struct scenario *sc = NULL;
    int rc = cli_build_variants("sweep", &a, &vs, &sc);
    FILE *out = NULL;
    if (!rc && !(out = cli_results_open("sweep", dir, shard.i, shard.n, &base, reps, &vs)))
        rc = HV_EXIT_USAGE;
    size_t njob = rc ? 0 : vs.n * reps, done = 0, running = 0, next = 0;
    pid_t *pid = hv_xcalloc(njob + 1, sizeof *pid);
    int failed = 0;
    fflush(stdout);
    fflush(stderr);
    while (!rc && (next < njob || running)) {
        /* start workers up to --jobs */
        while (next < njob && running < jobs) {
            size_t j = next++;
            if (!scn_shard_owns(shard, j))
                continue;
            struct scenario *s = &sc[j / reps];
            uint64_t run0 = s->sim.run;
            s->sim.run = run0 + j % reps;
            char *p = job_path(dir, j);
            pid_t c = fork();
            if (c == 0)
                _exit(worker(s, p));
            s->sim.run = run0;
            free(p);
            if (c < 0) {
                fprintf(stderr, "hvwake sweep: fork failed: %s\n", strerror(errno));
                rc = HV_EXIT_USAGE;
                break;
            }
            pid[j] = c;
            running++;
        }
        if (!running)
            break;
        int st;
        pid_t w = wait(&st);
        if (w < 0)
            break;
        running--;
        done++;
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : HV_EXIT_CHECK;
        if (code) {
            failed = failed ? failed : code;
            for (size_t j = 0; j < njob; j++)
                if (pid[j] == w)
                    fprintf(stderr, "hvwake sweep: job %zu (variant %s, run %zu) failed with status %d\n", j,
                            vs.v[j / reps].name, (size_t)(j % reps), code);
        }
    }
    /* the shard file, in job order */
    for (size_t j = 0; !rc && j < njob; j++) {
        if (!pid[j])
            continue;
        char *p = job_path(dir, j);
        rep_metrics m;
        rep_metrics_init(&m);
        if (collect(p, &m) == 0)
            rep_results_write_run(out, j / reps, j % reps, &m);
        rep_metrics_free(&m);
        free(p);
    }
    if (out && fclose(out))
        rc = HV_EXIT_USAGE;
    if (!rc && !failed)
        fprintf(stderr, "hvwake sweep: %zu jobs of %zu written to %s (shard %u/%u); hvwake merge %s prints the table\n",
                done, njob, dir, shard.i, shard.n, dir);
    free(pid);
    for (size_t v = 0; v < vs.n && sc; v++)
        scn_free(&sc[v]);
    free(sc);
    scn_variants_free(&vs);
    scn_free(&base);
    cli_scn_args_free(&a);
    return rc ? rc : failed;
}
