#include "report/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void rep_progress_init(rep_progress *p, FILE *f, uint64_t end_ns)
{
    memset(p, 0, sizeof *p);
    p->f = f;
    p->enabled = isatty(fileno(f));
    p->end_ns = end_ns;
    p->clock = mono;
    p->t0 = p->clock();
    p->last = p->t0;
    p->after = 1.0;
    const char *e = getenv("HVWAKE_PROGRESS_AFTER");
    char *end;
    double a = e && *e ? strtod(e, &end) : -1;
    if (a >= 0 && !*end)
        p->after = a;
}

static void simtime(char *b, size_t n, uint64_t ns)
{
    if (ns >= 1000000000u)
        snprintf(b, n, "%.2f s", (double)ns / 1e9);
    else if (ns >= 1000000u)
        snprintf(b, n, "%.1f ms", (double)ns / 1e6);
    else
        snprintf(b, n, "%.1f us", (double)ns / 1e3);
}

/* A wall-clock span as the line shows it: "42 s", "3 min", "1.5 h". */
static void span(char *b, size_t n, double s)
{
    if (s >= 3600)
        snprintf(b, n, "%.1f h", s / 3600);
    else if (s >= 60)
        snprintf(b, n, "%.0f min", s / 60);
    else
        snprintf(b, n, "%.0f s", s);
}

void rep_progress_format(char *buf, size_t n, uint64_t now_ns, uint64_t end_ns, uint64_t events,
                         double elapsed_s)
{
    char a[32], b[32], eta[32];
    simtime(a, sizeof a, now_ns);
    simtime(b, sizeof b, end_ns);
    double frac = end_ns ? (double)now_ns / (double)end_ns : 0;
    if (frac > 1)
        frac = 1;
    double rate = elapsed_s > 0 ? (double)events / elapsed_s : 0;
    if (frac > 0 && elapsed_s > 0)
        span(eta, sizeof eta, elapsed_s * (1 - frac) / frac);
    else
        snprintf(eta, sizeof eta, "?");
    snprintf(buf, n, "[hvwake] sim %s / %s (%.0f%%)  %.1f M events/s  ETA %s", a, b, frac * 100, rate / 1e6, eta);
}

void rep_progress_runs_format(char *buf, size_t n, const char *cmd, size_t done, size_t total, size_t running,
                              double elapsed_s)
{
    char el[32], eta[32];
    unsigned long t = (unsigned long)(elapsed_s + 0.5);
    if (t >= 3600)
        snprintf(el, sizeof el, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(el, sizeof el, "%lu:%02lu", t / 60, t % 60);
    if (done && done < total)
        span(eta, sizeof eta, elapsed_s * (double)(total - done) / (double)done);
    else
        snprintf(eta, sizeof eta, done ? "0 s" : "?");
    snprintf(buf, n, "[hvwake] %s: %zu/%zu runs done, %zu running  elapsed %s  ETA %s", cmd, done, total, running,
             el, eta);
}

/* The time to draw (p->after seconds after the start, then every 0.25 s),
 * or -1. */
static double due(rep_progress *p)
{
    if (!p->enabled)
        return -1;
    double t = p->clock();
    if (t - p->t0 < p->after || (p->drawn && t - p->last < 0.25))
        return -1;
    p->last = t;
    p->drawn = 1;
    return t - p->t0;
}

static void draw(rep_progress *p, const char *line)
{
    fprintf(p->f, "\r%-78s", line);
    fflush(p->f);
    p->shown = 1;
}

void rep_progress_update(rep_progress *p, uint64_t now_ns, uint64_t events)
{
    double el = due(p);
    if (el < 0)
        return;
    char line[200];
    rep_progress_format(line, sizeof line, now_ns, p->end_ns, events, el);
    draw(p, line);
}

void rep_progress_runs(rep_progress *p, const char *cmd, size_t done, size_t total, size_t running)
{
    double el = due(p);
    if (el < 0)
        return;
    char line[200];
    rep_progress_runs_format(line, sizeof line, cmd, done, total, running, el);
    draw(p, line);
}

void rep_progress_done(rep_progress *p)
{
    if (p->shown) {
        fprintf(p->f, "\r%78s\r", "");
        fflush(p->f);
        p->shown = 0;
    }
}
