/*
 * report/html.h — `hvwake report`: one self-contained HTML file for the
 * results of a run, a compare or a merged sweep (report/results.h).
 *
 * No network and no script: inline CSS and inline SVG figures
 * (report/svg.h), and a Content-Security-Policy that forbids loading
 * anything, so a browser that opens it fetches nothing. Sections:
 *   experiment     scenario, hvwake version and source revision, seed,
 *                  replications, the variants (assignments, seed and runs)
 *                  and the test their differences use (compare.h);
 *   distributions  every histogram, most samples first: the CDF of each
 *                  variant (its runs' buckets pooled) and its quantiles;
 *   figures        (several variants) bars with 95% CI error bars for the
 *                  metrics that differ most, and curves against each
 *                  numeric varied key with 3 values or more;
 *   differences    (several variants) the metrics with a significant
 *                  difference, largest relative change first: each
 *                  variant's mean ± 95% CI, its difference to the first ±
 *                  its CI and the ratio;
 *   metrics        every metric, grouped by the first component of its
 *                  dotted name (the room or mechanism), with its unit and
 *                  per variant mean ± CI (a run: its value);
 *   checks         the checks every run passed, and the engine's event
 *                  conservation recomputed from the sim.* metrics;
 *   configuration  the settings not at their default, with where each
 *                  came from, and the whole configuration.
 * Nothing is hard-coded about the model's metrics: groups come from the
 * names, histograms from the results. Each statistic on the page (a
 * mean, a difference, a ratio) carries its exact value in data-value
 * (shortest round-trip decimal), so a test can compare the page with the
 * JSON. The same results give the same bytes (no date; the paths shown
 * are the inputs as given).
 */
#ifndef HV_REPORT_HTML_H
#define HV_REPORT_HTML_H

#include <stdio.h>

#include "report/compare.h"
#include "report/results.h"

/* The report of r (c: its comparison) to f; inputs: the paths it was read
 * from, as the page names them. 0 or HV_EIO. */
int rep_html_write(FILE *f, const rep_results *r, const rep_compare *c, const char *const *inputs, size_t ninputs);

#endif
