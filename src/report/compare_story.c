/* report/compare_story.c — the paragraph under a compare; see compare_story.h. */
#include "report/compare_story.h"

#include "report/output.h"

#include <math.h>
#include <stdbool.h>

/* A number for a sentence: whole units from 100 on, else 3 digits. */
static void num(FILE *f, double x, bool sign)
{
    if (fabs(x) >= 100)
        fprintf(f, sign ? "%+.0f" : "%.0f", x);
    else
        fprintf(f, sign ? "%+.3g" : "%.3g", x);
}

/* "-6.2% (-9528 ± 1800 ns, significant)" */
static void change(FILE *f, const rep_compare *c, size_t m, size_t from, size_t to)
{
    rep_diff d = rep_compare_diff(c, m, from, to);
    const char *unit = rep_metric_unit(c->metric[m]);
    if (isnan(d.diff)) {
        fprintf(f, "(undefined in %s: no samples there)", c->st[m * c->nv + from].n ? c->vname[to] : c->vname[from]);
        return;
    }
    if (isfinite(d.ratio))
        fprintf(f, "%+.1f%% ", (d.ratio - 1) * 100);
    fprintf(f, "(");
    num(f, d.diff, true);
    if (isfinite(d.ci)) {
        fprintf(f, " ± ");
        num(f, d.ci, false);
        fprintf(f, " %s, %s)", unit, d.significant ? "significant" : "not significant");
    } else {
        fprintf(f, " %s, no interval from fewer than 2 runs)", unit);
    }
}

static void step(FILE *f, const rep_compare *c, size_t from, size_t to)
{
    fprintf(f, "  %s against %s:", c->vname[to], c->vname[from]);
    int any = 0;
    for (size_t m = 0; m < c->nm; m++) {
        if (!c->st[m * c->nv + from].n && !c->st[m * c->nv + to].n)
            continue; /* no samples in either: nothing to say */
        fprintf(f, "%s %s ", any++ ? ";" : "", c->metric[m]);
        change(f, c, m, from, to);
    }
    fprintf(f, ".\n");
}

static void summary(FILE *f, const rep_compare *c, size_t from, size_t to)
{
    fprintf(f, "  %s over %s:", c->vname[to], c->vname[from]);
    int any = 0;
    for (size_t m = 0; m < c->nm; m++) {
        rep_diff d = rep_compare_diff(c, m, from, to);
        if (!d.significant || !isfinite(d.ratio))
            continue;
        fprintf(f, "%s %s %s %.1f%%", any ? "," : "", c->metric[m], d.diff < 0 ? "down" : "up",
                fabs(d.ratio - 1) * 100);
        any = 1;
    }
    fprintf(f, "%s\n", any ? "." : " no significant change in these metrics.");
}

int rep_compare_write_story(FILE *f, const rep_compare *c)
{
    if (c->nv < 2)
        return fprintf(f, "\nOne variant: nothing to compare.\n") < 0 ? -1 : 0;
    size_t n = c->nm ? c->st[0].n : 0;
    /* The test of every pair the paragraph compares (each variant against
     * the one before it and against the first). */
    int paired = 0, welch = 0;
    for (size_t v = 1; v < c->nv; v++) {
        rep_test t[2] = {rep_compare_test_between(c, v - 1, v), rep_compare_test_between(c, 0, v)};
        for (int k = 0; k < 2; k++) {
            paired |= t[k] == REP_TEST_PAIRED;
            welch |= t[k] == REP_TEST_WELCH;
        }
    }
    const char *test = paired && welch ? "95% intervals of each difference (paired t where two variants ran on the "
                                         "same random streams, else Welch)"
                       : paired        ? "95% paired-t intervals of each difference (the variants ran on the same "
                                         "random streams)"
                                       : "95% Welch intervals of each difference";
    fprintf(f, "\nWhat this shows (computed from the runs above: %zu replication%s per variant, %s; significant = "
               "the interval excludes 0):\n",
            n, n == 1 ? "" : "s", test);
    for (size_t v = 1; v < c->nv; v++)
        step(f, c, v - 1, v);
    for (size_t v = 2; v < c->nv; v++)
        step(f, c, 0, v);
    fprintf(f, "In short:\n");
    for (size_t v = 1; v < c->nv; v++)
        summary(f, c, v - 1, v);
    return ferror(f) ? -1 : 0;
}
