/*
 * report/compare.h — statistics over replications, for `hvwake compare`,
 * `sweep` and `merge`.
 *
 * For each variant (a scenario with some keys changed) and each metric, R
 * replications (runs 0..R-1, independent RNG streams) give a sample; we
 * report:
 *   mean, sample standard deviation (n - 1), and the half-width of the 95%
 *   confidence interval of the mean, t(0.975, n-1) * sd / sqrt(n) (0 when
 *   n = 1: no interval from one run — shown as such, never invented);
 *   against the first variant (the baseline): the difference of means with
 *   its 95% interval (Welch: unequal variances, Welch-Satterthwaite df),
 *   "significant" when that interval excludes 0, and the ratio of means
 *   (NaN when the baseline mean is 0).
 * t quantiles: exact values for df 1..30 (table), a 4-term Cornish-Fisher
 * expansion beyond (error < 1e-6); non-integer df below 30 interpolate in
 * 1/df between table rows (error < 1e-4).
 */
#ifndef HV_REPORT_COMPARE_H
#define HV_REPORT_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "report/metrics.h"
#include "report/output.h"

typedef struct rep_stat {
    size_t n;
    double mean, sd, ci; /* ci: half-width of the 95% interval */
} rep_stat;

typedef struct rep_diff {
    double diff, ci;  /* mean(v) - mean(base), half-width of its 95% interval */
    double ratio;     /* mean(v) / mean(base); NaN if mean(base) == 0 */
    double df;        /* Welch-Satterthwaite degrees of freedom */
    int significant;  /* the interval excludes 0 */
} rep_diff;

/* The 0.975 quantile of Student's t with df degrees of freedom (df >= 1;
 * smaller df is taken as 1; infinite df gives the normal quantile). */
double rep_t975(double df);
rep_stat rep_stat_of(const double *x, size_t n);
/* v against base. With fewer than 2 runs on either side: ci = NaN. */
rep_diff rep_diff_of(rep_stat base, rep_stat v);

/* A compare table: nv variants x nm metrics. */
typedef struct rep_variant_runs {
    const char *name;         /* "base", "kvm.h_ipi_redirect=0" */
    size_t nruns;
    const rep_metrics *runs;  /* nruns metric sets, one per replication */
} rep_variant_runs;

typedef struct rep_compare {
    size_t nv, nm;
    char **vname;   /* nv */
    char **metric;  /* nm: union of metric names, order of first appearance */
    rep_stat *st;   /* [m * nv + v] */
    rep_diff *df;   /* [m * nv + v]; v = 0 is the baseline (diff 0) */
} rep_compare;

void rep_compare_build(rep_compare *c, size_t nv, const rep_variant_runs *v);
void rep_compare_free(rep_compare *c);
/* Side by side: metric, unit, per variant "mean ± ci", and for v > 0 the
 * difference to the baseline "+d ± ci (ratio x) *" (* = significant). */
int rep_compare_write_text(FILE *f, const rep_header *h, const rep_compare *c);
/* metric,unit,V.n,V.mean,V.ci[,V.diff,V.diff_ci,V.ratio] per variant V. */
int rep_compare_write_csv(FILE *f, const rep_header *h, const rep_compare *c);
/* {"hvwake":..., "config":..., "variants": [names], "metrics": {"name":
 * [{"n","mean","sd","ci","diff","diff_ci","ratio","significant"}...]}} */
int rep_compare_write_json(FILE *f, const rep_header *h, const rep_compare *c);

#endif
