#include "des/hist.h"

#include "base/hv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void des_hist_init(des_hist *h) { memset(h, 0, sizeof *h); }

void des_hist_free(des_hist *h)
{
    for (int i = 0; i < 64; i++)
        free(h->rows[i]);
    memset(h, 0, sizeof *h);
}

void des_hist_reset(des_hist *h)
{
    des_hist_free(h);
    des_hist_init(h);
}

/* Row 0 holds exact values [0, HIST_SUB); row e (e >= SUB_BITS) holds
 * [2^e, 2^(e+1)) in HIST_SUB linear buckets. */
static inline void locate(uint64_t v, int *row, uint32_t *sub)
{
    if (v < HIST_SUB) {
        *row = 0;
        *sub = (uint32_t)v;
        return;
    }
    int e = 63 - __builtin_clzll(v);
    *row = e;
    *sub = (uint32_t)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

static inline uint64_t bucket_lo(int row, uint32_t sub);
static inline uint64_t bucket_width(int row);

/* The reported value of a bucket: its midpoint (exact in row 0). */
static inline uint64_t bucket_mid(int row, uint32_t sub) { return bucket_lo(row, sub) + bucket_width(row) / 2; }

/* Add (hi:lo) to the exact 128-bit sum. */
static inline void sum_add(des_hist *h, uint64_t lo, uint64_t hi)
{
    uint64_t old = h->sum_lo;
    h->sum_lo += lo;
    h->sum_hi += hi + (h->sum_lo < old);
}

void des_hist_add(des_hist *h, uint64_t v)
{
    int row;
    uint32_t sub;
    locate(v, &row, &sub);
    if (!h->rows[row])
        h->rows[row] = hv_xcalloc(HIST_SUB, sizeof(uint32_t));
    if (h->rows[row][sub] == UINT32_MAX)
        HV_DIE("histogram bucket overflow at value %llu", (unsigned long long)v);
    h->rows[row][sub]++;
    if (h->n == 0 || v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    h->n++;
    h->sum += (double)v;
    sum_add(h, v, 0);
}

void des_hist_merge(des_hist *dst, const des_hist *src)
{
    if (src->n == 0)
        return;
    for (int r = 0; r < 64; r++) {
        if (!src->rows[r])
            continue;
        if (!dst->rows[r])
            dst->rows[r] = hv_xcalloc(HIST_SUB, sizeof(uint32_t));
        for (uint32_t s = 0; s < HIST_SUB; s++) {
            if (dst->rows[r][s] > UINT32_MAX - src->rows[r][s])
                HV_DIE("histogram merge: bucket (%d,%u) overflows: %u + %u", r, s,
                       dst->rows[r][s], src->rows[r][s]);
            dst->rows[r][s] += src->rows[r][s];
        }
    }
    if (dst->n == 0 || src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    dst->n += src->n;
    dst->sum += src->sum;
    sum_add(dst, src->sum_lo, src->sum_hi);
}

uint64_t des_hist_quantile(const des_hist *h, double q)
{
    if (h->n == 0)
        return 0;
    if (q <= 0)
        return h->min;
    if (q > 1)
        q = 1;
    double qn = q * (double)h->n, near = nearbyint(qn);
    uint64_t rank = fabs(qn - near) <= 1e-9 * qn ? (uint64_t)near : (uint64_t)ceil(qn);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (int r = 0; r < 64; r++) {
        if (!h->rows[r])
            continue;
        for (uint32_t s = 0; s < HIST_SUB; s++) {
            seen += h->rows[r][s];
            if (seen >= rank) {
                uint64_t v = bucket_mid(r, s);
                return v < h->min ? h->min : v > h->max ? h->max : v;
            }
        }
    }
    return h->max;
}

double des_hist_mean(const des_hist *h)
{
    if (!h->n)
        return 0.0;
    /* Integer part exactly when the sum fits 64 bits, then the remainder. */
    if (!h->sum_hi)
        return (double)(h->sum_lo / h->n) + (double)(h->sum_lo % h->n) / (double)h->n;
    return ((double)h->sum_hi * 0x1.0p64 + (double)h->sum_lo) / (double)h->n;
}

static inline uint64_t bucket_lo(int row, uint32_t sub)
{
    return row == 0 ? sub : ((uint64_t)1 << row) | ((uint64_t)sub << (row - HIST_SUB_BITS));
}

static inline uint64_t bucket_width(int row) { return row == 0 ? 1 : (uint64_t)1 << (row - HIST_SUB_BITS); }

void des_hist_buckets(const des_hist *h, des_hist_bucket_fn fn, void *ctx)
{
    for (int r = 0; r < 64; r++) {
        if (!h->rows[r])
            continue;
        for (uint32_t s = 0; s < HIST_SUB; s++)
            if (h->rows[r][s]) {
                uint64_t lo = bucket_lo(r, s);
                /* the last bucket of row 63 ends at 2^64: its hi wraps to 0,
                 * so it is given as UINT64_MAX (values up to 2^64 - 1) */
                uint64_t hi = lo + bucket_width(r);
                fn(ctx, lo, hi ? hi : UINT64_MAX, h->rows[r][s]);
            }
    }
}

void des_hist_bucket_of(uint64_t v, uint64_t *lo, uint64_t *hi)
{
    int row;
    uint32_t sub;
    locate(v, &row, &sub);
    *lo = bucket_lo(row, sub);
    *hi = *lo + bucket_width(row);
    if (!*hi)
        *hi = UINT64_MAX;
}

uint64_t des_hist_bytes(const des_hist *h)
{
    uint64_t b = sizeof *h;
    for (int r = 0; r < 64; r++)
        if (h->rows[r])
            b += HIST_SUB * sizeof(uint32_t);
    return b;
}
