/*
 * report/metrics.h — the metrics sink: an ordered list of (dotted name,
 * number) pairs that every output format (table, JSON, CSV, compare) reads,
 * and the buckets of every distribution added with rep_metric_hist().
 *
 * Names are stable and documented in docs/metrics.md ("hipi.too_hard",
 * "wake.latency_ns.p99", "host.cpu.busy_frac" …). A name added twice is a
 * fatal error (one figure, one name). Insertion order is kept (it is the
 * report order); lookups are linear (reports are small).
 *
 * Distributions: rep_metric_hist(m, h, "P") adds the eight rows P.count,
 * .mean, .min, .p50, .p90, .p99, .p999, .max and keeps h's non-empty
 * buckets as the histogram P (des/hist.h geometry: [lo, hi), exact below
 * 128, 128 slices per octave above). With no samples, P.count is 0 and the
 * seven statistics are NaN (undefined: JSON null, CSV empty, text "-"),
 * never 0; the histogram has no buckets.
 *
 * Flat form (results files; the workers of sweep and compare): every
 * metric row, then every histogram's buckets as rows "P@LO" = count, in
 * order. rep_metrics_flat() gives row i of it; rep_metrics_add_flat()
 * takes one back (a bucket row needs its histogram's P.count row before
 * it, and buckets in increasing order).
 *
 * Model rooms never include this header: report/ reads the model and fills
 * the sink (report/<room>_view.c).
 */
#ifndef HV_REPORT_METRICS_H
#define HV_REPORT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "des/hist.h"

typedef struct rep_metric_row {
    char *name;
    double value;
} rep_metric_row;

/* One non-empty bucket: values in [lo, hi), count of them. */
typedef struct rep_bucket {
    uint64_t lo, hi, count;
} rep_bucket;

/* The buckets of one distribution, increasing lo, non-overlapping. */
typedef struct rep_hist {
    char *name;        /* the prefix: "wake.latency_ns" */
    rep_bucket *b;
    size_t nb, cap;
    uint64_t n;        /* sum of the counts */
    uint64_t total;    /* read back (rep_metrics_add_flat): the declared n */
} rep_hist;

typedef struct rep_metrics {
    rep_metric_row *rows;
    size_t n, cap;
    rep_hist *hists;
    size_t nh, hcap;
} rep_metrics;

void rep_metrics_init(rep_metrics *m);
void rep_metrics_free(rep_metrics *m);
/* Add name = value; name is printf-formatted. Fatal if already present. */
void rep_metric(rep_metrics *m, double value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add PREFIX.count, .mean, .min, .p50, .p90, .p99, .p999, .max of h and
 * its buckets as the histogram PREFIX. */
void rep_metric_hist(rep_metrics *m, const des_hist *h, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Index of name, or -1. */
long rep_metric_find(const rep_metrics *m, const char *name);
/* The histogram named prefix, or NULL. */
const rep_hist *rep_hist_find(const rep_metrics *m, const char *prefix);
/* Add the buckets of src into dst (pooling runs): counts of equal buckets
 * add up. Buckets of one geometry never partly overlap. */
void rep_hist_pool(rep_hist *dst, const rep_hist *src);

/* The flat form (see above): number of rows, and row i as name and value. */
size_t rep_metrics_nflat(const rep_metrics *m);
void rep_metrics_flat(const rep_metrics *m, size_t i, char *name, size_t n, double *value);
/* Take one flat row back. 0, or -1 with the reason in why ("what is wrong;
 * what was expected"). */
int rep_metrics_add_flat(rep_metrics *m, const char *name, double value, char *why, size_t whyn);
/* After the last flat row: every histogram's buckets add up to its
 * declared total. 0, or -1 with the reason. */
int rep_metrics_end_flat(const rep_metrics *m, char *why, size_t whyn);

#endif
