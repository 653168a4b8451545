/*
 * des/hist.h — counters' companion: a log-linear histogram of uint64 values
 * (nanoseconds, counts) with bounded relative error.
 *
 * State
 *   Values below 2^HIST_SUB_BITS are counted exactly. Above, a value v with
 *   highest set bit e is counted in one of 2^HIST_SUB_BITS linear sub-buckets
 *   of [2^e, 2^(e+1)); the reported value of a bucket is its midpoint, so the
 *   relative error of any quantile is at most 2^-(HIST_SUB_BITS+1) (0.39% with
 *   7 bits; the requirement is 1%). Rows (one per exponent) are allocated on
 *   first use, so an unused histogram costs ~0.6 KB.
 *   n, min, max are exact, and so is the mean: the sum is kept exactly in
 *   128 bits (sum_hi:sum_lo); `sum` is the same sum as a double, for
 *   convenience.
 *
 * Quantiles use the nearest-rank definition: the q-quantile is the smallest
 * recorded value v with count(<= v) >= ceil(q * n) (q in (0, 1]; q = 0 gives
 * min; q * n within 1e-9 relative of an integer counts as that integer, so
 * 0.07 * 100 is rank 7, not 8). The result is the midpoint of v's bucket,
 * clamped to [min, max]: exact below 2^HIST_SUB_BITS, else within 0.39%.
 * Bucket counts are 32-bit: more than 2^32 - 1 values in one bucket (by
 * des_hist_add or des_hist_merge) is a fatal error.
 *
 * Concurrency: single owner.
 */
#ifndef HV_DES_HIST_H
#define HV_DES_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)

typedef struct des_hist {
    uint64_t n;
    double sum;
    uint64_t min, max;
    uint64_t sum_lo, sum_hi; /* exact sum of values, 128 bits */
    uint32_t *rows[64]; /* rows[e] for e >= HIST_SUB_BITS; rows[0] = exact low values */
} des_hist;

void des_hist_init(des_hist *h);
void des_hist_free(des_hist *h);
void des_hist_reset(des_hist *h);
void des_hist_add(des_hist *h, uint64_t v);
void des_hist_merge(des_hist *dst, const des_hist *src);
uint64_t des_hist_quantile(const des_hist *h, double q);
double des_hist_mean(const des_hist *h);
/* Bytes used by this histogram. */
uint64_t des_hist_bytes(const des_hist *h);

/* The buckets, for export (report/metrics.h): fn(ctx, lo, hi, count) for
 * every bucket with a non-zero count, in increasing order. A bucket holds
 * the values [lo, hi): below 2^HIST_SUB_BITS one value (hi = lo + 1), above
 * a 2^-HIST_SUB_BITS slice of an octave [2^e, 2^(e+1)). */
typedef void (*des_hist_bucket_fn)(void *ctx, uint64_t lo, uint64_t hi, uint64_t count);
void des_hist_buckets(const des_hist *h, des_hist_bucket_fn fn, void *ctx);
/* The bucket [*lo, *hi) that holds v (the same geometry). */
void des_hist_bucket_of(uint64_t v, uint64_t *lo, uint64_t *hi);

#endif
