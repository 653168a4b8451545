/*
 * report/svg.h — a figure (report/figure.h) as inline SVG, for the HTML
 * report: axes with round ticks (1, 2, 5 x 10^k; decades on a log axis),
 * grid, bars or lines per series in a colour-blind-safe palette, 95% CI
 * error bars with caps, a legend below the frame (curve, cdf), the title
 * and axis labels, and a <title> tooltip on every bar and point. Text is
 * XML-escaped; coordinates are written with one decimal: the same figure
 * gives the same bytes.
 */
#ifndef HV_REPORT_SVG_H
#define HV_REPORT_SVG_H

#include <stdio.h>

#include "report/figure.h"

/* <svg ...>...</svg>; id: the element's id attribute. */
void rep_svg_figure(FILE *f, const rep_figure *fig, const char *id);
/* s with & < > " ' escaped (HTML and SVG text and attributes). */
void rep_xml_text(FILE *f, const char *s);
/* A number for an axis tick: 0.5, 20, 1.5k, 10M, 2e-05 … */
void rep_tick_label(double v, char *buf, size_t n);

#endif
