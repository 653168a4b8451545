/*
 * report/figure.h — what a plot shows, computed once from results: the
 * gnuplot scripts of `hvwake plot` (report/plot.h) and the inline SVG of
 * `hvwake report` (report/svg.h) both draw a rep_figure.
 *
 * Kinds:
 *   bars   one metric, one bar per variant: the mean over its runs with
 *          its 95% confidence interval (report/compare.h).
 *   curve  one metric against a varied key (x): one line per value of the
 *          other varied keys, labelled "k=v, ...", points at the mean with
 *          95% CI error bars. x is the key's value in the key's stored unit
 *          (TIME keys in ns, PERCENT as a fraction, booleans 0/1) when every
 *          value is a number; otherwise the values are categories in order
 *          of appearance. The x label names the key and its unit.
 *   cdf    a distribution P (report/metrics.h histograms): per variant the
 *          empirical CDF of its histogram pooled over the variant's runs:
 *          rising across each bucket [lo, hi) from the fraction of samples
 *          below lo to the fraction below hi, flat between buckets (points
 *          (lo, F(lo)) and (hi, F(hi)), the first left out where the
 *          previous bucket ends at lo); log-scale x. A variant without
 *          samples has no line (the note says so). Series and bar labels
 *          drop "KEY=" for the keys every variant sets (key_title or the
 *          x label names them).
 * Ranges cover every point and error bar, padded by 5%, so error bars stay
 * inside the frame. Deterministic: the same results give the same figure.
 */
#ifndef HV_REPORT_FIGURE_H
#define HV_REPORT_FIGURE_H

#include <stddef.h>

#include "report/compare.h"
#include "report/results.h"
#include "scn/errors.h"

typedef enum { REP_PLOT_BARS, REP_PLOT_CURVE, REP_PLOT_CDF } rep_plot_kind;

/* "bars" / "curve" / "cdf" -> kind; -1 if unknown. */
int rep_plot_kind_parse(const char *s);
const char *rep_plot_kind_name(rep_plot_kind k);

typedef struct rep_point {
    double x, y, ci; /* ci: half-width of the error bar (0: none) */
} rep_point;

typedef struct rep_series {
    char *name;
    rep_point *p;
    size_t n;
} rep_series;

typedef struct rep_figure {
    rep_plot_kind kind;
    char *metric;           /* the metric (bars, curve) or distribution (cdf) */
    char *title, *xlabel, *ylabel;
    int xlog;               /* log-scale x (cdf) */
    char **xtics;           /* categories at x = 0, 1, ... (bars; curve on a non-numeric key) */
    size_t nxtics;
    rep_series *s;
    size_t ns;
    double xmin, xmax, ymin, ymax;
    char *note;             /* what the reader must know (a variant without samples) */
    char *key_title;        /* what the series names are values of ("kvm.guest_ipi, ..."), or NULL */
} rep_figure;

/* Fill f (free it with rep_figure_free); 0, or HV_EPARSE with a message in
 * e and nothing to free (no such metric or distribution, no varied key for
 * a curve, a key named by xkey that is not varied). metric NULL: the first metric (bars, curve) or the first
 * distribution (cdf); xkey NULL: the last numeric varied key. */
int rep_figure_make(rep_figure *f, rep_plot_kind kind, const rep_results *r, const rep_compare *c,
                    const char *metric, const char *xkey, scn_errors *e);
void rep_figure_free(rep_figure *f);

/* The unit of a scenario key's stored value ("ns", "fraction", "" …) and
 * the value of text as a number in it; -1 if it is not a number. */
int rep_key_number(const char *key, const char *text, double *x, const char **unit);

#endif
