/*
 * report/plot.h — plots of compare/merge results through gnuplot.
 *
 * rep_plot_write() writes OUT.gp (a gnuplot script) and OUT.dat (its data)
 * next to OUT (".svg" or ".png"); rep_plot_render() runs gnuplot on the
 * script when gnuplot is on PATH (cli renders into a temporary file and
 * renames it to OUT), and otherwise says how to render. Kinds:
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
#include <stdio.h>

#include "report/compare.h"
#include "scn/errors.h"

typedef enum { REP_PLOT_BARS, REP_PLOT_CURVE, REP_PLOT_CDF } rep_plot_kind;

/* "bars" / "curve" / "cdf" -> kind; -1 if unknown. */
int rep_plot_kind_parse(const char *s);
/* OUT.gp and OUT.dat for an image OUT; 0, or HV_EPARSE (message in e)
 * unless OUT ends in .svg or .png. */
int rep_plot_paths(const char *out, char *script, char *dat, size_t n, scn_errors *e);
/* Write the data to d and the script to f. metric: the metric (bars,
 * curve) or distribution prefix (cdf); NULL picks the first metric (bars,
 * curve) or the first distribution (cdf). dat_path is the data file's name
 * the script reads; the script writes the image to OUT unless gnuplot sets
 * `outfile` first. Returns 0, or HV_EPARSE with a message in e (no such
 * metric). Write errors are the caller's (f and d are rep_out files). */
int rep_plot_write(const rep_compare *c, rep_plot_kind kind, const char *metric, const char *out,
                   const char *dat_path, FILE *d, FILE *f, scn_errors *e);
/* Run gnuplot on script, rendering into image (gnuplot -e "outfile='IMAGE'";
 * NULL: the script's own OUT). 0 rendered; 1 gnuplot not installed
 * (nothing done); -1 gnuplot failed. */
int rep_plot_render(const char *script, const char *image);

#endif
