/*
 * hvwake sweep — every variant x replication of a scenario, in parallel
 * worker processes on this machine (--jobs), or only this shard's share
 * (--shard i/N) so a Slurm job array or GNU parallel spreads the sweep over
 * a cluster; `hvwake merge DIR...` joins the shard files.
 *
 * Job j = variant * R + run. The parent, before any job runs: refuses a DIR
 * holding shard files of another experiment (results.h: the first
 * difference) and an existing DIR/shard-I-of-N.csv (unless --force), opens
 * the shard file's temporary file (the directory must be writable), removes
 * what dead sweeps of this host left in DIR, and makes a private
 * staging directory DIR/.sweep-HOST-PID. Each worker process runs one job
 * and writes its metrics (exact hex values) to STAGING/job-J with an end
 * line; the parent reads back only the jobs whose worker exited 0 in this
 * run, in job order, so the output depends neither on the order workers
 * finish in nor on files left by an earlier, interrupted sweep (staging
 * directories of dead sweeps on this host are removed).
 *
 * The shard file is renamed into place only when every job succeeded: it
 * exists only whole and right. A failed job (its exit status, or the signal
 * that killed it) leaves no shard file; merge then names the shard and its
 * variants, and `--shard I/N` re-runs it alone. SIGINT, SIGTERM or SIGHUP
 * to the parent stop every worker (SIGTERM, then wait), remove the staging
 * directory and the temporary file, and end the parent by that signal; on
 * Linux a worker also dies with its parent (PR_SET_PDEATHSIG).
 */
#include "cli/cli.h"
#include "cli/run_model.h"

#include "base/hv.h"
#include "report/metrics.h"
#include "report/outfile.h"
#include "report/results.h"
#include "scn/scenario.h"
#include "scn/variants.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static const char *signame(int sig)
{
    switch (sig) {
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGPIPE: return "SIGPIPE";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGXCPU: return "SIGXCPU";
    }
    return "signal";
}

static char *job_path(const char *staging, size_t j)
{
    size_t n = strlen(staging) + 32;
    char *p = hv_xmalloc(n);
    snprintf(p, n, "%s/job-%zu", staging, j);
    return p;
}

/* In the worker: run one job, write "HEXVALUE\tname" lines and "end N".
 * The exit status is the job's: 0, HV_EXIT_CHECK, or HV_EXIT_IO. */
static int worker(const struct scenario *s, const char *path)
{
    rep_metrics m;
    rep_metrics_init(&m);
    int rc = cli_run_model("sweep", s, NULL, &m);
    if (!rc) {
        FILE *f = fopen(path, "w");
        if (f) {
            size_t n = rep_metrics_nflat(&m);
            for (size_t i = 0; i < n; i++) {
                char name[300];
                double v;
                rep_metrics_flat(&m, i, name, sizeof name, &v);
                fprintf(f, "%a\t%s\n", v, name);
            }
            fprintf(f, "end %zu\n", n);
        }
        if (!f || ferror(f) | fclose(f)) {
            fprintf(stderr, "hvwake sweep: cannot write '%s': %s\n", path, strerror(errno));
            rc = HV_EXIT_IO;
        }
    }
    rep_metrics_free(&m);
    return rc;
}

/* A worker's file back into m. 0, or -1 if it is not whole. */
static int collect(const char *path, rep_metrics *m)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024], why[400];
    int ended = 0, bad = 0;
    size_t rows = 0;
    while (!bad && !ended && fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        char *tab = strchr(line, '\t'), *end;
        unsigned long long n;
        bad = !l || line[l - 1] != '\n';
        line[l ? l - 1 : 0] = 0;
        if (!bad && !strncmp(line, "end ", 4))
            ended = sscanf(line, "end %llu", &n) == 1 && n == rows && !rep_metrics_end_flat(m, why, sizeof why);
        else if (!bad && tab) {
            *tab = 0;
            double v = strtod(line, &end);
            bad = *end != 0 || !tab[1] || rep_metrics_add_flat(m, tab + 1, v, why, sizeof why);
            rows++;
        } else
            bad = 1;
    }
    bad |= ferror(f) || !ended || fgetc(f) != EOF;
    fclose(f);
    return bad ? -1 : 0;
}

/* rm -r of a staging directory (it holds only job files). */
static void remove_staging(const char *staging)
{
    DIR *d = opendir(staging);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                char p[4300];
                snprintf(p, sizeof p, "%s/%s", staging, de->d_name);
                unlink(p);
            }
        closedir(d);
    }
    rmdir(staging);
}

/* What sweeps on this host left in DIR and whose process is gone (a
 * SIGKILL, a crash): staging directories .sweep-HOST-PID and temporary
 * files .NAME.tmp-HOST-PID-K. Removed (nothing would read them). Those of
 * live processes (other shards into the same DIR) and of other hosts stay. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid = 0;
        int staging = (pid = rep_out_stale(de->d_name, ".sweep")) != 0;
        if (!staging && !(pid = rep_out_stale(de->d_name, ".tmp")))
            continue;
        char p[4300];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        fprintf(stderr, "hvwake sweep: removing %s, left by an interrupted run (process %ld is gone)\n", p, pid);
        if (staging)
            remove_staging(p);
        else
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

typedef struct sweep {
    char staging[4300];
    size_t njob, reps, running;
    uint64_t jobs;
    scn_shard shard;
    const scn_variants *vs;
    struct scenario *sc;
    pid_t *pid;    /* [njob]: the worker of job j, 0 if none was started */
    int *status;   /* [njob]: its exit code (HV_EXIT_IO: killed, or no fork) */
    unsigned char *live; /* [njob]: started and not yet reaped */
    int stop;      /* fork failed: start nothing more */
    pid_t parent;
} sweep;

static void start(sweep *w, size_t j, const sigset_t *orig)
{
    struct scenario *s = &w->sc[j / w->reps];
    char *p = job_path(w->staging, j);
    fflush(stdout);
    fflush(stderr);
    pid_t c = fork();
    if (c == 0) {
        cli_signals_default();
        sigprocmask(SIG_SETMASK, orig, NULL);
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* no orphan if the parent is killed */
        if (getppid() != w->parent)
            _exit(HV_EXIT_IO);
#endif
        s->sim.run += j % w->reps;
        _exit(worker(s, p));
    }
    free(p);
    if (c < 0) {
        fprintf(stderr, "hvwake sweep: job %zu: cannot start a worker: %s\n", j, strerror(errno));
        w->status[j] = HV_EXIT_IO;
        w->stop = 1;
        return;
    }
    w->pid[j] = c;
    w->live[j] = 1;
    w->running++;
}

/* Record one finished worker (status st of pid). */
static void finished(sweep *w, pid_t pid, int st)
{
    for (size_t j = 0; j < w->njob; j++) {
        if (!w->live[j] || w->pid[j] != pid)
            continue;
        w->live[j] = 0;
        w->running--;
        const char *vn = w->vs->v[j / w->reps].name;
        size_t run = j % w->reps;
        if (WIFSIGNALED(st)) {
            int sig = WTERMSIG(st);
            fprintf(stderr, "hvwake sweep: job %zu (variant %s, run %zu): the worker was killed by %s (signal %d: "
                    "%s)\n", j, vn, run, signame(sig), sig, strsignal(sig));
            w->status[j] = HV_EXIT_IO;
        } else if ((w->status[j] = WEXITSTATUS(st)))
            fprintf(stderr, "hvwake sweep: job %zu (variant %s, run %zu) failed with status %d (%s)\n", j, vn, run,
                    w->status[j], w->status[j] == HV_EXIT_CHECK ? "a model check failed" : "see its message above");
        return;
    }
}

/* Run every job of the shard; signals SIGINT/SIGTERM/SIGHUP/SIGCHLD are
 * blocked except inside sigsuspend, so none is missed. Returns the signal
 * that interrupted the sweep (its workers stopped and reaped), or 0. The
 * caller leaves signals deferred until its output is committed. */
static int run_jobs(sweep *w)
{
    sigset_t block, orig;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &orig);
    cli_signals_defer(1);
    size_t next = 0;
    while (!cli_signal_caught()) {
        for (; next < w->njob && w->running < w->jobs && !w->stop; next++)
            if (scn_shard_owns(w->shard, next))
                start(w, next, &orig);
        if (!w->running)
            break;
        int st;
        pid_t p = waitpid(-1, &st, WNOHANG);
        if (p > 0)
            finished(w, p, st);
        else if (p == 0)
            sigsuspend(&orig); /* until SIGCHLD or a stop signal */
        else
            HV_DIE("waitpid: %s", strerror(errno));
    }
    int sig = cli_signal_caught();
    if (sig) {
        for (size_t j = 0; j < w->njob; j++)
            if (w->live[j])
                kill(w->pid[j], SIGTERM);
        while (w->running) {
            int st;
            pid_t p = waitpid(-1, &st, 0);
            if (p < 0)
                break;
            for (size_t j = 0; j < w->njob; j++)
                if (w->live[j] && w->pid[j] == p)
                    w->live[j] = 0;
            w->running--;
        }
    }
    sigprocmask(SIG_SETMASK, &orig, NULL);
    return sig;
}

static void child_noop(int sig) { (void)sig; }

int cmd_sweep(int argc, char **argv)
{
    cli_scn_args a = {0};
    const char *dir = NULL, *reps_arg = NULL, *jobs_arg = NULL;
    uint64_t reps = 0, jobs = 0;
    int force = 0, rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            cli_scn_args_free(&a);
            return cli_help("sweep");
        }
        if (!strcmp(o, "--force")) {
            force = 1;
            continue;
        }
        const char **slot = !strcmp(o, "--out") ? &dir : !strcmp(o, "--replications") ? &reps_arg
                            : !strcmp(o, "--jobs") ? &jobs_arg : NULL;
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
    if (!rc && !jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (uint64_t)n : 1;
    }
    scn_variants vs = {0};
    struct scenario *sc = NULL;
    if (!rc)
        rc = cli_build_variants("sweep", &a, &vs, &sc);
    /* The outputs, before any job runs. */
    char name[64], path[4200];
    rep_out out = {0};
    rep_config cfg = {0};
    rep_header h = {0};
    rep_stream *streams = NULL;
    sweep w = {.reps = reps, .jobs = jobs, .shard = shard, .vs = &vs, .sc = sc, .parent = getpid()};
    if (!rc) {
        h = cli_header(&base, &cfg);
        rep_results_file_name(name, sizeof name, shard.i, shard.n);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        streams = hv_xcalloc(vs.n, sizeof *streams);
        for (size_t v = 0; v < vs.n; v++) /* job j runs run0 + j % R (start()) */
            streams[v] = (rep_stream){sc[v].sim.seed, sc[v].sim.run};
        rc = check_dir(dir, force ? name : NULL, &h, reps, shard, &vs, streams);
    }
    if (!rc)
        rc = cli_mkdirs("sweep", dir);
    if (!rc)
        rc = cli_out_open("sweep", &out, path, force ? 0 : REP_OUT_NOREPLACE);
    if (!rc) {
        remove_stale(dir);
        snprintf(w.staging, sizeof w.staging, "%s/.sweep-%s-%ld", dir, rep_out_host(), (long)w.parent);
        if (mkdir(w.staging, 0777)) {
            fprintf(stderr, "hvwake sweep: cannot create '%s': %s\n", w.staging, strerror(errno));
            rc = HV_EXIT_IO;
            w.staging[0] = 0;
        }
    }
    int sig = 0, failed = 0;
    size_t done = 0, owned = 0;
    if (!rc) {
        w.njob = vs.n * reps;
        w.pid = hv_xcalloc(w.njob + 1, sizeof *w.pid);
        w.status = hv_xcalloc(w.njob + 1, sizeof *w.status);
        w.live = hv_xcalloc(w.njob + 1, 1);
        struct sigaction sa = {.sa_handler = child_noop}, old_chld;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGCHLD, &sa, &old_chld);
        sig = run_jobs(&w);
        sigaction(SIGCHLD, &old_chld, NULL);
        for (size_t j = 0; j < w.njob; j++) {
            owned += scn_shard_owns(shard, j);
            done += w.pid[j] && !w.status[j];
            if (w.status[j] && !failed)
                failed = w.status[j]; /* the lowest failed job's status */
        }
        if (!sig && !failed && done != owned)
            failed = HV_EXIT_IO; /* a job never started (no fork) */
    }
    /* The shard file, in job order, only if every job succeeded. */
    rep_results_writer rw;
    if (!rc && !sig && !failed) {
        rep_results_begin(&rw, out.f, &h, reps, shard, &vs, streams);
        for (size_t j = 0; j < w.njob && !failed; j++) {
            if (!w.pid[j])
                continue;
            char *p = job_path(w.staging, j);
            rep_metrics m;
            rep_metrics_init(&m);
            if (collect(p, &m)) {
                fprintf(stderr, "hvwake sweep: job %zu: its worker's file %s is incomplete\n", j, p);
                failed = HV_EXIT_IO;
                done--;
            } else
                rep_results_job(&rw, j / reps, j % reps, &m);
            rep_metrics_free(&m);
            free(p);
        }
        rep_results_end(&rw);
    }
    if (w.staging[0])
        remove_staging(w.staging);
    if (!sig)
        sig = cli_signal_caught(); /* while the shard file was written */
    if (!rc && !sig && !failed)
        rc = cli_outs_commit("sweep", &out, 1);
    else
        cli_outs_abort(&out, 1);
    cli_signals_defer(0);
    if (sig)
        fprintf(stderr, "hvwake sweep: interrupted by %s; stopped the workers; %s not written\n", signame(sig), path);
    else if (!rc && failed)
        fprintf(stderr, "hvwake sweep: %zu of the shard's %zu jobs failed; %s not written (run the shard again with "
                "--shard %u/%u)\n", owned - done, owned, path, shard.i, shard.n);
    else if (!rc)
        fprintf(stderr, "hvwake sweep: %zu jobs of %zu written to %s (shard %u/%u); hvwake merge %s prints the table\n",
                done, w.njob, path, shard.i, shard.n, dir);
    free(w.pid);
    free(w.status);
    free(w.live);
    free(streams);
    rep_config_free(&cfg);
    for (size_t v = 0; sc && v < vs.n; v++)
        scn_free(&sc[v]);
    free(sc);
    scn_variants_free(&vs);
    if (have_base)
        scn_free(&base);
    cli_scn_args_free(&a);
    if (sig)
        cli_signal_exit(sig);
    return rc ? rc : failed;
}
