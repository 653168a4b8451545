/*
 * hvwake sweep — every variant x replication of a scenario, in parallel
 * worker processes on this machine (--jobs, cli/pool.h), or only this
 * shard's share (--shard i/N) so a Slurm job array, GNU parallel or a
 * Kubernetes indexed Job spreads the sweep over a cluster; `hvwake merge
 * DIR...` joins the shard files. --emit-slurm writes the job array instead
 * of running anything (cli/emit_slurm.h).
 *
 * Job j = variant * R + run. The parent, before any job runs: refuses a DIR
 * holding shard files of another experiment (results.h: the first
 * difference) and an existing DIR/shard-I-of-N.csv (unless --force), opens
 * the shard file's temporary file (the directory must be writable) and
 * removes the temporary files dead sweeps of this host left in DIR. The
 * pool runs the shard's jobs and reads back only what its own workers
 * wrote in this run, by job index, so the output depends neither on the
 * order workers finish in nor on their number.
 *
 * The shard file is renamed into place only when every job succeeded: it
 * exists only whole and right. A failed job (its exit status, or the signal
 * that killed it) leaves no shard file; merge then names the shard and its
 * variants, and `--shard I/N` re-runs it alone. SIGINT, SIGTERM or SIGHUP
 * to the parent stop every worker (SIGTERM, then wait), remove the
 * temporary file, and end the parent by that signal.
 */
#include "cli/cli.h"
#include "cli/emit_slurm.h"
#include "cli/pool.h"

#include "base/hv.h"
#include "report/metrics.h"
#include "report/outfile.h"
#include "report/results.h"
#include "scn/scenario.h"
#include "scn/variants.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The temporary files (.NAME.tmp-HOST-PID-K) that sweeps of this host
 * whose process is gone (a SIGKILL, a crash) left in DIR: removed (nothing
 * would read them). Those of live processes (other shards into the same
 * DIR) and of other hosts stay. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid = rep_out_stale(de->d_name);
        if (!pid)
            continue;
        char p[4300];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        fprintf(stderr, "hvwake sweep: removing %s, left by an interrupted run (process %ld is gone)\n", p, pid);
        unlink(p);
    }
    closedir(d);
}

/* DIR may hold shard files already, but only of this experiment (a sweep
 * never adds a file that merge would refuse): the header this sweep will
 * write is read back first, then every shard-*.csv header of DIR (but its
 * own file with --force) is checked against it. */
static int check_dir(const char *dir, const char *own, const rep_header *h, size_t reps, scn_shard shard,
                     const scn_variants *vs, const rep_stream *streams)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    rep_results_writer w;
    if (!m)
        HV_DIE("open_memstream failed (out of memory)");
    rep_results_begin(&w, m, h, reps, shard, vs, streams);
    fclose(m);
    rep_results r;
    rep_results_init(&r);
    scn_errors e;
    scn_errors_init(&e);
    FILE *f = fmemopen(buf, len, "r");
    int rc = !f || rep_results_read_stream(&r, f, "this sweep", 1, &e);
    if (f)
        fclose(f);
    if (!rc)
        rc = rep_results_check_dir(&r, dir, own, &e);
    if (rc) {
        scn_errors_print(&e, stderr, "hvwake sweep: ");
        fprintf(stderr, "hvwake sweep: %s holds results of another experiment; expected an empty directory or "
                "shards of this one (use another --out, or remove those files)\n", dir);
    }
    scn_errors_free(&e);
    rep_results_free(&r);
    free(buf);
    return rc ? HV_EXIT_USAGE : 0;
}

/* The options of --emit-slurm, and the local run's: each given where it
 * does something. 0 or HV_EXIT_USAGE. */
static int check_mode(const char *emit, const char *shard, const char *jobs, int quiet, const char *const *emit_opts)
{
    static const char *const names[] = {"--shards", "--cpus-per-task", "--partition", "--time"};
    const char *bad = NULL, *why = NULL;
    if (emit && shard)
        bad = "--shard", why = "the job array runs every shard; expected no --shard";
    else if (emit && jobs)
        bad = "--jobs", why = "each array task runs --cpus-per-task workers; expected --cpus-per-task";
    else if (emit && quiet)
        bad = "--quiet", why = "nothing runs here; expected no --quiet";
    for (int k = 0; !bad && !emit && k < 4; k++)
        if (emit_opts[k])
            bad = names[k], why = "it is an option of the emitted job array; expected --emit-slurm DIR with it";
    if (!bad)
        return 0;
    fprintf(stderr, "hvwake sweep: option %s does nothing %s --emit-slurm: %s\n", bad, emit ? "with" : "without", why);
    return HV_EXIT_USAGE;
}

int cmd_sweep(int argc, char **argv)
{
    cli_scn_args a = {0};
    const char *dir = NULL, *reps_arg = NULL, *jobs_arg = NULL, *emit = NULL;
    const char *eo[4] = {NULL}; /* --shards, --cpus-per-task, --partition, --time */
    uint64_t reps = 0, jobs = 0, shards = 0, cpus = 0;
    int force = 0, quiet = 0, rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            cli_scn_args_free(&a);
            return cli_help("sweep");
        }
        int *flag = !strcmp(o, "--force") ? &force : !strcmp(o, "--quiet") ? &quiet : NULL;
        if (flag) {
            if ((*flag)++) {
                fprintf(stderr, "hvwake sweep: option %s given twice; expected it once\n", o);
                rc = HV_EXIT_USAGE;
            }
            continue;
        }
        const char **slot = !strcmp(o, "--out") ? &dir : !strcmp(o, "--replications") ? &reps_arg
                            : !strcmp(o, "--jobs") ? &jobs_arg : !strcmp(o, "--emit-slurm") ? &emit
                            : !strcmp(o, "--shards") ? &eo[0] : !strcmp(o, "--cpus-per-task") ? &eo[1]
                            : !strcmp(o, "--partition") ? &eo[2] : !strcmp(o, "--time") ? &eo[3] : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake sweep: option %s needs a value; see hvwake sweep --help\n", o);
                rc = HV_EXIT_USAGE;
            } else
                rc = cli_once("sweep", o, slot, argv[++i]);
            continue;
        }
        int r = cli_scn_arg("sweep", argc, argv, &i, &a, CLI_ACCEPT_VARY | CLI_ACCEPT_SHARD);
        if (r == 0)
            cli_unknown_option("sweep", o);
        if (r <= 0)
            rc = HV_EXIT_USAGE;
    }
    if (!rc && reps_arg)
        rc = cli_parse_u64("sweep", "--replications", reps_arg, 1, 100000, &reps);
    if (!rc && jobs_arg)
        rc = cli_parse_u64("sweep", "--jobs", jobs_arg, 1, 1024, &jobs);
    if (!rc && eo[0])
        rc = cli_parse_u64("sweep", "--shards", eo[0], 1, 100000, &shards);
    if (!rc && eo[1])
        rc = cli_parse_u64("sweep", "--cpus-per-task", eo[1], 1, 1024, &cpus);
    if (!rc)
        rc = check_mode(emit, a.shard, jobs_arg, quiet, eo);
    if (!rc && (!dir || (!a.nvary && !a.nvariant))) {
        fprintf(stderr, "hvwake sweep: %s; expected --out DIR and at least one --vary or --variant\n",
                !dir ? "no output directory" : "nothing to sweep");
        rc = HV_EXIT_USAGE;
    }
    scn_shard shard = {1, 1};
    if (!rc && a.shard) {
        scn_errors e;
        scn_errors_init(&e);
        if (scn_shard_parse(a.shard, &shard, &e)) {
            scn_errors_print(&e, stderr, "hvwake sweep: ");
            rc = HV_EXIT_USAGE;
        }
        scn_errors_free(&e);
    }
    struct scenario base;
    int have_base = !rc;
    if (!rc)
        rc = cli_scenario("sweep", &a, &base);
    if (!rc && !reps)
        reps = base.sim.replications;
    if (!rc && !jobs)
        jobs = cli_cpus();
    scn_variants vs = {0};
    struct scenario *sc = NULL;
    if (!rc)
        rc = cli_build_variants("sweep", &a, &vs, &sc);
    if (!rc && emit) {
        cli_emit e = {.dir = emit, .out = dir, .partition = eo[2], .time = eo[3], .shards = shards, .cpus = cpus,
                      .force = force, .a = &a, .reps = reps, .njob = vs.n * reps, .base = &base, .argc = argc,
                      .argv = argv};
        rc = cli_emit_check(&e);
        if (!rc)
            rc = cli_emit_slurm(&e); /* and nothing runs */
    }
    /* The outputs, before any job runs. */
    char name[64], path[4200];
    rep_out out = {0};
    rep_config cfg = {0};
    rep_header h = {0};
    rep_stream *streams = NULL;
    if (!rc && !emit) {
        h = cli_header(&base, &cfg);
        rep_results_file_name(name, sizeof name, shard.i, shard.n);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        streams = hv_xcalloc(vs.n, sizeof *streams);
        for (size_t v = 0; v < vs.n; v++) /* job j runs run0 + j % R (cli/pool.h) */
            streams[v] = (rep_stream){sc[v].sim.seed, sc[v].sim.run};
        rc = check_dir(dir, force ? name : NULL, &h, reps, shard, &vs, streams);
        if (!rc)
            rc = cli_mkdirs("sweep", dir);
        if (!rc)
            rc = cli_out_open("sweep", &out, path, force ? 0 : REP_OUT_NOREPLACE);
        if (!rc)
            remove_stale(dir);
    }
    cli_pool_result pr = {0};
    size_t njob = vs.n * reps;
    rep_metrics *runs = NULL;
    unsigned char *have = NULL;
    if (!rc && !emit) {
        runs = hv_xcalloc(njob + 1, sizeof *runs);
        have = hv_xcalloc(njob + 1, 1);
        for (size_t j = 0; j < njob; j++)
            rep_metrics_init(&runs[j]);
        cli_pool p = {.cmd = "sweep", .sc = sc, .vs = &vs, .reps = reps, .shard = shard, .workers = jobs,
                      .progress = !quiet};
        pr = cli_pool_run(&p, runs, have);
        /* The shard file, in job order, only if every job succeeded. */
        if (!pr.signal && !pr.status) {
            rep_results_writer rw;
            rep_results_begin(&rw, out.f, &h, reps, shard, &vs, streams);
            for (size_t j = 0; j < njob; j++)
                if (have[j])
                    rep_results_job(&rw, j / reps, j % reps, &runs[j]);
            rep_results_end(&rw);
        }
        if (!pr.signal)
            pr.signal = cli_signal_caught(); /* while the shard file was written */
        if (!pr.signal && !pr.status)
            rc = cli_outs_commit("sweep", &out, 1);
        else
            cli_outs_abort(&out, 1);
        cli_signals_defer(0);
        if (pr.signal)
            fprintf(stderr, "hvwake sweep: interrupted by %s; stopped the workers; %s not written\n",
                    cli_signame(pr.signal), path);
        else if (!rc && pr.status)
            fprintf(stderr, "hvwake sweep: %zu of the shard's %zu jobs failed; %s not written (run the shard again "
                    "with --shard %u/%u)\n", pr.owned - pr.done, pr.owned, path, shard.i, shard.n);
        else if (!rc)
            fprintf(stderr, "hvwake sweep: %zu jobs of %zu written to %s (shard %u/%u); hvwake merge %s prints the "
                    "table\n", pr.done, njob, path, shard.i, shard.n, dir);
    }
    for (size_t j = 0; runs && j < njob; j++)
        rep_metrics_free(&runs[j]);
    free(runs);
    free(have);
    free(streams);
    rep_config_free(&cfg);
    for (size_t v = 0; sc && v < vs.n; v++)
        scn_free(&sc[v]);
    free(sc);
    scn_variants_free(&vs);
    if (have_base)
        scn_free(&base);
    cli_scn_args_free(&a);
    if (pr.signal)
        cli_signal_exit(pr.signal);
    return rc ? rc : pr.status;
}
