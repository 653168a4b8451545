/*
 * report/plot.h — plots of results through gnuplot.
 *
 * rep_plot_write() writes OUT.gp (a gnuplot script) and OUT.dat (its data)
 * next to OUT (".svg" or ".png") for a figure (report/figure.h: bars,
 * curve, cdf); rep_plot_render() runs gnuplot on the script when gnuplot
 * is on PATH (cli renders into a temporary file and renames it to OUT),
 * and otherwise says how to render. The data file is headed by the hvwake
 * version, source revision and scenario of the results; one gnuplot data
 * block (index) per series. Bars have no key (the variants label the x
 * axis, rotated to stay readable); curves and CDFs have one titled line
 * per series; the ranges are the figure's, so error bars stay inside the
 * frame. Output is deterministic.
 */
#ifndef HV_REPORT_PLOT_H
#define HV_REPORT_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "report/figure.h"
#include "report/output.h"
#include "scn/errors.h"

/* OUT.gp and OUT.dat for an image OUT; 0, or HV_EPARSE (message in e)
 * unless OUT ends in .svg or .png. */
int rep_plot_paths(const char *out, char *script, char *dat, size_t n, scn_errors *e);
/* The data of fig to d and the script to f. dat_path is the data file's
 * name the script reads; the script writes the image to OUT unless gnuplot
 * sets `outfile` first. h: the results' header (version, source,
 * scenario). Write errors are the caller's (f and d are rep_out files). */
void rep_plot_write(const rep_figure *fig, const rep_header *h, const char *out, const char *dat_path, FILE *d,
                    FILE *f);
/* Run gnuplot on script, rendering into image (gnuplot -e "outfile='IMAGE'";
 * NULL: the script's own OUT). 0 rendered; 1 gnuplot not installed
 * (nothing done); -1 gnuplot failed. */
int rep_plot_render(const char *script, const char *image);

#endif
