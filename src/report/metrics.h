/*
 * report/metrics.h — the metrics sink: an ordered list of (dotted name,
 * number) pairs that every output format (table, JSON, CSV, compare) reads.
 *
 * Names are stable and documented in docs/metrics.md ("hipi.too_hard",
 * "wake.latency_ns.p99", "host.cpu.busy_frac" …). A name added twice is a
 * fatal error (one figure, one name). Insertion order is kept (it is the
 * report order); lookups are linear (reports are small).
 *
 * Model rooms never include this header: report/ reads the model and fills
 * the sink (report/<room>_view.c).
 */
#ifndef HV_REPORT_METRICS_H
#define HV_REPORT_METRICS_H

#include <stddef.h>

#include "des/hist.h"

typedef struct rep_metric_row {
    char *name;
    double value;
} rep_metric_row;

typedef struct rep_metrics {
    rep_metric_row *rows;
    size_t n, cap;
} rep_metrics;

void rep_metrics_init(rep_metrics *m);
void rep_metrics_free(rep_metrics *m);
/* Add name = value; name is printf-formatted. Fatal if already present. */
void rep_metric(rep_metrics *m, double value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add PREFIX.count, .mean, .min, .p50, .p90, .p99, .p999, .max of h. */
void rep_metric_hist(rep_metrics *m, const des_hist *h, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Index of name, or -1. */
long rep_metric_find(const rep_metrics *m, const char *name);

#endif
