/*
 * report/plot.h — plots of compare/merge results through gnuplot.
 *
 * rep_plot_write() writes OUT.gp (a gnuplot script) and OUT.dat (its data)
 * next to OUT (".svg" or ".png"); rep_plot_render() runs `gnuplot OUT.gp`
 * when gnuplot is on PATH, and otherwise says how to render. Kinds:
 *   bars   one metric, one bar per variant (mean), 95% CI error bars;
 *   curve  one metric against the variants' last numeric "k=v" value (the
 *          --vary axis; else the variant index), mean with CI error bars;
 *   cdf    a distribution PREFIX (PREFIX.min/.p50/.p90/.p99/.p999/.max as
 *          written by rep_metric_hist): the quantile points per variant,
 *          log-scale latency axis.
 * Means across replications are plotted. Output is deterministic.
 */
#ifndef HV_REPORT_PLOT_H
#define HV_REPORT_PLOT_H

#include <stddef.h>

#include "report/compare.h"
#include "scn/errors.h"

typedef enum { REP_PLOT_BARS, REP_PLOT_CURVE, REP_PLOT_CDF } rep_plot_kind;

/* "bars" / "curve" / "cdf" -> kind; -1 if unknown. */
int rep_plot_kind_parse(const char *s);
/* Write OUT.gp and OUT.dat. metric: the metric (bars, curve) or
 * distribution prefix (cdf); NULL picks the first metric (bars, curve) or
 * the first distribution (cdf). Returns 0, or HV_EPARSE / HV_EIO with a
 * message in e. script_path receives OUT.gp. */
int rep_plot_write(const rep_compare *c, rep_plot_kind kind, const char *metric, const char *out,
                   char *script_path, size_t n, scn_errors *e);
/* Run gnuplot on script. 0 rendered; 1 gnuplot not installed (nothing
 * done); -1 gnuplot failed. */
int rep_plot_render(const char *script);

#endif
