#include "report/progress.h"

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
    if (frac > 0 && elapsed_s > 0) {
        double left = elapsed_s * (1 - frac) / frac;
        if (left >= 3600)
            snprintf(eta, sizeof eta, "%.1f h", left / 3600);
        else if (left >= 60)
            snprintf(eta, sizeof eta, "%.0f min", left / 60);
        else
            snprintf(eta, sizeof eta, "%.0f s", left);
    } else
        snprintf(eta, sizeof eta, "?");
    snprintf(buf, n, "[hvwake] sim %s / %s (%.0f%%)  %.1f M events/s  ETA %s", a, b, frac * 100, rate / 1e6, eta);
}

void rep_progress_update(rep_progress *p, uint64_t now_ns, uint64_t events)
{
    if (!p->enabled)
        return;
    double t = p->clock();
    if (t - p->t0 < 1.0 || t - p->last < 0.25)
        return;
    p->last = t;
    char line[200];
    rep_progress_format(line, sizeof line, now_ns, p->end_ns, events, t - p->t0);
    fprintf(p->f, "\r%-78s", line);
    fflush(p->f);
    p->shown = 1;
}

void rep_progress_done(rep_progress *p)
{
    if (p->shown) {
        fprintf(p->f, "\r%78s\r", "");
        fflush(p->f);
        p->shown = 0;
    }
}
