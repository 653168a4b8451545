/* report/progress.h: silent when not a terminal or under a second; a line
 * redrawn at most 4 times a second after that; erased at the end. */
#define _XOPEN_SOURCE 700
#include "report/progress.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static double fake_now;
static double fake_clock(void) { return fake_now; }

static void t_format(void)
{
    char b[200];
    rep_progress_format(b, sizeof b, 42000000, 110000000, 24600000, 2.0);
    TAP_STREQ(b, "[hvwake] sim 42.0 ms / 110.0 ms (38%)  12.3 M events/s  ETA 3 s");
    rep_progress_format(b, sizeof b, 0, 2000000000, 0, 0);
    TAP_STREQ(b, "[hvwake] sim 0.0 us / 2.00 s (0%)  0.0 M events/s  ETA ?");
    rep_progress_format(b, sizeof b, 1000, 1000000000000ull, 1000, 10);
    TAP_CONTAINS(b, "ETA 2777777.8 h");
}

/* The runs line: the ETA assumes the runs left take as long as those done. */
static void t_runs(void)
{
    char b[200];
    rep_progress_runs_format(b, sizeof b, "sweep", 10, 40, 2, 63);
    TAP_STREQ(b, "[hvwake] sweep: 10/40 runs done, 2 running  elapsed 1:03  ETA 3 min");
    rep_progress_runs_format(b, sizeof b, "compare", 0, 6, 2, 1.5);
    TAP_STREQ(b, "[hvwake] compare: 0/6 runs done, 2 running  elapsed 0:02  ETA ?");
    rep_progress_runs_format(b, sizeof b, "compare", 6, 6, 0, 7200);
    TAP_STREQ(b, "[hvwake] compare: 6/6 runs done, 0 running  elapsed 2:00:00  ETA 0 s");
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    rep_progress pr;
    rep_progress_init(&pr, f, 0);
    pr.enabled = 1;
    pr.clock = fake_clock;
    fake_now = pr.t0 = pr.last = 100;
    fake_now = 100.9;
    rep_progress_runs(&pr, "sweep", 1, 4, 2); /* under a second: nothing */
    fflush(f);
    TAP_EQ(n, 0);
    fake_now = 102;
    rep_progress_runs(&pr, "sweep", 1, 4, 2);
    fflush(f);
    TAP_CONTAINS(p, "\r[hvwake] sweep: 1/4 runs done, 2 running  elapsed 0:02  ETA 6 s");
    rep_progress_done(&pr);
    fclose(f);
    free(p);
}

static void t_gating(void)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    rep_progress pr;
    rep_progress_init(&pr, f, 1000000);
    TAP_EQ(pr.enabled, 0); /* a memory stream is not a terminal */
    pr.clock = fake_clock;
    fake_now = pr.t0 = pr.last = 100;
    fake_now = 105;
    rep_progress_update(&pr, 500000, 10);
    fflush(f);
    TAP_EQ(n, 0);
    pr.enabled = 1; /* as if stderr were a terminal */
    fake_now = 100.5;
    rep_progress_update(&pr, 500000, 10); /* under a second: nothing */
    fflush(f);
    TAP_EQ(n, 0);
    fake_now = 101.5;
    rep_progress_update(&pr, 500000, 10);
    fflush(f);
    TAP_CHECK(n > 0);
    TAP_CONTAINS(p, "\r[hvwake] sim 500.0 us / 1.0 ms (50%)");
    size_t n1 = n;
    fake_now = 101.6; /* within 0.25 s of the last draw */
    rep_progress_update(&pr, 600000, 20);
    fflush(f);
    TAP_EQ(n, n1);
    fake_now = 101.8;
    rep_progress_update(&pr, 600000, 20);
    fflush(f);
    TAP_CHECK(n > n1);
    rep_progress_done(&pr);
    fflush(f);
    TAP_CHECK(p[n - 1] == '\r');
    TAP_EQ(pr.shown, 0);
    fclose(f);
    free(p);
}

int main(void)
{
    TAP_RUN(t_format);
    TAP_RUN(t_runs);
    TAP_RUN(t_gating);
    return tap_done();
}
