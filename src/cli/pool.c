/* The runs of an experiment in worker processes; see cli/pool.h. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "cli/pool.h"

#include "cli/cli.h"
#include "cli/run_model.h"

#include "base/hv.h"
#include "report/progress.h"
#include "scn/scenario.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

uint64_t cli_cpus(void)
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (uint64_t)CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint64_t)n : 1;
}

const char *cli_signame(int sig)
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

/* A new temporary file without a name ($TMPDIR, else /tmp), open for
 * reading and writing, or NULL with errno set. */
static FILE *anon_file(char *dir, size_t n)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, n, "%s", t && t[0] ? t : "/tmp");
    char path[4200];
    snprintf(path, sizeof path, "%s/.hvwake-run-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

/* In the worker: run one job, write "HEXVALUE\tname" lines and "end N"
 * into f. The exit status is the job's: 0, HV_EXIT_CHECK, or HV_EXIT_IO. */
static int worker(const char *cmd, const struct scenario *s, size_t j, FILE *f)
{
    rep_metrics m;
    rep_metrics_init(&m);
    int rc = cli_run_model(cmd, s, NULL, &m);
    if (!rc) {
        size_t n = rep_metrics_nflat(&m);
        for (size_t i = 0; i < n; i++) {
            char name[300];
            double v;
            rep_metrics_flat(&m, i, name, sizeof name, &v);
            fprintf(f, "%a\t%s\n", v, name);
        }
        fprintf(f, "end %zu\n", n);
        if (fflush(f) || ferror(f)) {
            fprintf(stderr, "hvwake %s: job %zu: cannot write its results (a temporary file): %s\n", cmd, j,
                    strerror(errno));
            rc = HV_EXIT_IO;
        }
    }
    rep_metrics_free(&m);
    return rc;
}

/* A worker's file back into m. 0, or -1 if it is not whole. */
static int collect(FILE *f, rep_metrics *m)
{
    rewind(f);
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
    return bad ? -1 : 0;
}

typedef struct run {
    const cli_pool *p;
    size_t njob, running, owned, done;
    pid_t *pid;          /* [njob]: the worker of job j, 0 if none was started */
    FILE **file;         /* [njob]: its results file, until read back */
    int *status;         /* [njob]: its exit code (HV_EXIT_IO: killed, or not started) */
    int stop;            /* a worker could not be started: start nothing more */
    pid_t parent;
    rep_progress pg;
    rep_metrics *runs;
    unsigned char *have;
} run;

static void start(run *w, size_t j, const sigset_t *orig)
{
    const cli_pool *p = w->p;
    struct scenario *s = &p->sc[j / p->reps];
    char dir[4100];
    FILE *f = anon_file(dir, sizeof dir);
    if (!f) {
        rep_progress_done(&w->pg);
        fprintf(stderr, "hvwake %s: job %zu: cannot create a temporary file in %s: %s\n", p->cmd, j, dir,
                strerror(errno));
        w->status[j] = HV_EXIT_IO;
        w->stop = 1;
        return;
    }
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
        s->sim.run += j % p->reps;
        _exit(worker(p->cmd, s, j, f));
    }
    if (c < 0) {
        rep_progress_done(&w->pg);
        fprintf(stderr, "hvwake %s: job %zu: cannot start a worker: %s\n", p->cmd, j, strerror(errno));
        fclose(f);
        w->status[j] = HV_EXIT_IO;
        w->stop = 1;
        return;
    }
    w->pid[j] = c;
    w->file[j] = f;
    w->running++;
}

/* Record one finished worker (status st of pid): read its results back. */
static void finished(run *w, pid_t pid, int st)
{
    const cli_pool *p = w->p;
    for (size_t j = 0; j < w->njob; j++) {
        if (!w->file[j] || w->pid[j] != pid)
            continue;
        w->running--;
        const char *vn = p->vs->v[j / p->reps].name;
        size_t r = j % p->reps;
        if (WIFSIGNALED(st)) {
            int sig = WTERMSIG(st);
            rep_progress_done(&w->pg);
            fprintf(stderr, "hvwake %s: job %zu (variant %s, run %zu): the worker was killed by %s (signal %d: %s)\n",
                    p->cmd, j, vn, r, cli_signame(sig), sig, strsignal(sig));
            w->status[j] = HV_EXIT_IO;
        } else if ((w->status[j] = WEXITSTATUS(st))) {
            rep_progress_done(&w->pg);
            fprintf(stderr, "hvwake %s: job %zu (variant %s, run %zu) failed with status %d (%s)\n", p->cmd, j, vn,
                    r, w->status[j], w->status[j] == HV_EXIT_CHECK ? "a model check failed" : "see its message above");
        } else if (collect(w->file[j], &w->runs[j])) {
            rep_progress_done(&w->pg);
            fprintf(stderr, "hvwake %s: job %zu (variant %s, run %zu): its worker's results are incomplete\n", p->cmd,
                    j, vn, r);
            w->status[j] = HV_EXIT_IO;
        } else {
            w->have[j] = 1;
            w->done++;
        }
        fclose(w->file[j]);
        w->file[j] = NULL;
        return;
    }
}

/* Stop every worker (SIGTERM) and reap them. */
static void stop_all(run *w)
{
    for (size_t j = 0; j < w->njob; j++)
        if (w->file[j])
            kill(w->pid[j], SIGTERM);
    while (w->running) {
        int st;
        pid_t c = waitpid(-1, &st, 0);
        if (c < 0)
            break;
        for (size_t j = 0; j < w->njob; j++)
            if (w->file[j] && w->pid[j] == c) {
                fclose(w->file[j]);
                w->file[j] = NULL;
                w->running--;
            }
    }
}

static void child_noop(int sig) { (void)sig; }

cli_pool_result cli_pool_run(const cli_pool *p, rep_metrics *runs, unsigned char *have)
{
    run w = {.p = p, .njob = p->vs->n * p->reps, .parent = getpid(), .runs = runs, .have = have};
    w.pid = hv_xcalloc(w.njob + 1, sizeof *w.pid);
    w.file = hv_xcalloc(w.njob + 1, sizeof *w.file);
    w.status = hv_xcalloc(w.njob + 1, sizeof *w.status);
    for (size_t j = 0; j < w.njob; j++)
        w.owned += scn_shard_owns(p->shard, j);
    rep_progress_init(&w.pg, stderr, 0);
    w.pg.enabled &= p->progress;

    /* SIGCHLD and the stop signals are blocked except inside pselect, so
     * none is missed; the stop signals are only recorded (deferred). */
    struct sigaction sa = {.sa_handler = child_noop}, old_chld;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, &old_chld);
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
        for (; next < w.njob && w.running < p->workers && !w.stop; next++)
            if (scn_shard_owns(p->shard, next))
                start(&w, next, &orig);
        if (!w.running)
            break;
        rep_progress_runs(&w.pg, p->cmd, w.done, w.owned, w.running);
        int st;
        pid_t c = waitpid(-1, &st, WNOHANG);
        if (c > 0)
            finished(&w, c, st);
        else if (c == 0) { /* until SIGCHLD, a stop signal, or the next redraw */
            struct timespec redraw = {0, 250000000};
            pselect(0, NULL, NULL, NULL, w.pg.enabled ? &redraw : NULL, &orig);
        } else
            HV_DIE("waitpid: %s", strerror(errno));
    }
    cli_pool_result res = {.signal = cli_signal_caught(), .owned = w.owned, .done = w.done};
    if (res.signal)
        stop_all(&w);
    rep_progress_done(&w.pg);
    sigprocmask(SIG_SETMASK, &orig, NULL);
    sigaction(SIGCHLD, &old_chld, NULL);
    for (size_t j = 0; j < w.njob && !res.status; j++)
        res.status = w.status[j]; /* the lowest failed job's status */
    if (!res.signal && !res.status && w.done != w.owned)
        res.status = HV_EXIT_IO; /* a job never started */
    free(w.pid);
    free(w.file);
    free(w.status);
    return res;
}
