/*
 * report/compare.h — statistics over replications, for `hvwake compare`,
 * `sweep` and `merge`.
 *
 * For each variant (a scenario with some keys changed) and each metric, R
 * replications (runs run0 .. run0+R-1 of one seed) give a sample; we
 * report:
 *   mean, sample standard deviation (n - 1), and the half-width of the 95%
 *   confidence interval of the mean, t(0.975, n-1) * sd / sqrt(n) (0 when
 *   n = 1: no interval from one run — shown as such, never invented). Runs
 *   whose value is undefined (NaN: a statistic of no samples) are left
 *   out; n counts the others.
 *   Against the first variant (the baseline): the difference of means with
 *   its 95% interval, "significant" when that interval excludes 0, and the
 *   ratio of means (NaN when the baseline mean is 0). The interval uses the
 *   design:
 *     paired — the variant ran with the baseline's seed and runs (compare
 *       and sweep run every variant with the same streams: common random
 *       numbers), so run k of both saw the same random draws: the
 *       difference is the mean of the per-run differences d_k over the runs
 *       where both are defined, with the interval t(0.975, n-1) sd(d) /
 *       sqrt(n) (a paired t interval);
 *     Welch — independent runs (another seed or other run numbers):
 *       unequal variances, Welch-Satterthwaite degrees of freedom.
 *   With fewer than 2 runs (pairs) there is no interval (NaN) and nothing
 *   is significant. When the runs' spread is 0 the interval is 0 and any
 *   non-zero difference is significant.
 * t quantiles: exact values for df 1..30 (table), a 4-term Cornish-Fisher
 * expansion beyond (error < 1e-6); non-integer df below 30 interpolate in
 * 1/df between table rows (error < 1e-4).
 */
#ifndef HV_REPORT_COMPARE_H
#define HV_REPORT_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/metrics.h"
#include "report/output.h"

typedef struct rep_stat {
    size_t n;
    double mean, sd, ci; /* ci: half-width of the 95% interval */
} rep_stat;

/* The test behind a difference: X(ENUM, "name") */
#define REP_TESTS(X)                                                        \
    X(REP_TEST_NONE, "none")     /* the baseline itself, or < 2 runs */     \
    X(REP_TEST_PAIRED, "paired") /* same seed and runs: paired t */         \
    X(REP_TEST_WELCH, "welch")   /* independent runs: Welch t */

typedef enum {
#define REP_TEST_ENUM(e, n) e,
    REP_TESTS(REP_TEST_ENUM)
#undef REP_TEST_ENUM
} rep_test;

const char *rep_test_name(rep_test t);

typedef struct rep_diff {
    double diff, ci;  /* mean(v) - mean(base), half-width of its 95% interval */
    double ratio;     /* mean(v) / mean(base); NaN if mean(base) == 0 */
    double df;        /* degrees of freedom of the interval */
    size_t n;         /* pairs (paired) */
    rep_test test;
    int significant;  /* the interval excludes 0 */
} rep_diff;

/* The random streams a variant's runs used: seed, and runs run0 ..
 * run0 + R - 1. Two variants with equal streams are paired. */
typedef struct rep_stream {
    uint64_t seed, run0;
} rep_stream;

/* The 0.975 quantile of Student's t with df degrees of freedom (df >= 1;
 * smaller df is taken as 1; infinite df gives the normal quantile). */
double rep_t975(double df);
/* Over the defined (non-NaN) values of x[0..n). */
rep_stat rep_stat_of(const double *x, size_t n);
/* v against base, independent runs (Welch). With fewer than 2 runs on
 * either side: ci = NaN. */
rep_diff rep_diff_of(rep_stat base, rep_stat v);
/* v against base, paired run by run: b[k] and v[k] are run k of each (NaN:
 * undefined, the pair is left out). The ratio is of the two means given. */
rep_diff rep_diff_paired(const double *b, const double *v, size_t n, rep_stat base, rep_stat vs);

/* A compare table: nv variants x nm metrics. */
typedef struct rep_variant_runs {
    const char *name;         /* "base", "kvm.h_ipi_redirect=0" */
    size_t nruns;
    const rep_metrics *runs;  /* nruns metric sets: runs[k] is run run0 + k */
    rep_stream stream;
} rep_variant_runs;

typedef struct rep_compare {
    size_t nv, nm;
    char **vname;        /* nv */
    char **metric;       /* nm: union of metric names, order of first appearance */
    rep_stat *st;        /* [m * nv + v] */
    rep_diff *df;        /* [m * nv + v]; v = 0 is the baseline (diff 0) */
    rep_test *test;      /* nv: the test of each variant against the baseline */
    size_t *nruns;       /* nv: runs of each variant */
    rep_stream *stream;  /* nv: the streams they ran on */
    size_t maxr;         /* the largest nruns */
    double *x;           /* [(m * nv + v) * maxr + k]: run k's value (NaN: undefined) */
} rep_compare;

void rep_compare_build(rep_compare *c, size_t nv, const rep_variant_runs *v);
void rep_compare_free(rep_compare *c);
/* Variant to against variant from for metric m, with the test their
 * streams allow (paired when they share seed and runs, else Welch). */
rep_diff rep_compare_diff(const rep_compare *c, size_t m, size_t from, size_t to);
rep_test rep_compare_test_between(const rep_compare *c, size_t from, size_t to);
/* Keep only the metrics named in the comma-separated list, in its order
 * (compare/merge --metrics); -1 with the reason in why if one is absent. */
int rep_compare_select(rep_compare *c, const char *list, char *why, size_t whyn);
/* Side by side: metric, unit, per variant "mean ± ci", and for v > 0 the
 * difference to the baseline "+d ± ci (ratio x) *" (* = significant); a
 * header line names the test of each variant's differences. */
int rep_compare_write_text(FILE *f, const rep_header *h, const rep_compare *c);
/* The test of variant v's differences (the same for every metric): paired
 * when its stream is the baseline's and it has 2 runs or more. */
rep_test rep_compare_test(const rep_compare *c, size_t v);
/* A number as the tables show it: 4 significant digits, whole numbers in
 * plain digits, "-" for NaN. */
void rep_fmt_num(double v, char *buf, size_t n);
/* Index of a metric, or -1. */
long rep_compare_find(const rep_compare *c, const char *metric);

#endif
