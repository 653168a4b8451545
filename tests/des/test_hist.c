/*
 * The log-linear histogram against exact nearest-rank percentiles of the
 * sorted samples, over light- and heavy-tailed, small and huge values;
 * merge; exact n, min, mean, max.
 */
#include "des/hist.h"
#include "des/rng.h"
#include "tap.h"

#include <stdlib.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank (1-based) of q among n, with the documented rounding rule. */
static uint64_t nearest_rank(double q, uint64_t n)
{
    double qn = q * (double)n, near = nearbyint(qn);
    uint64_t r = fabs(qn - near) <= 1e-9 * qn ? (uint64_t)near : (uint64_t)ceil(qn);
    return r < 1 ? 1 : r > n ? n : r;
}

static const double qs[] = {0,   0.001, 0.01, 0.1,   0.25,   0.5, 0.75,
                            0.9, 0.99,  0.999, 0.9999, 0.99999, 1.0};
#define NQ (int)(sizeof qs / sizeof qs[0])

/* Add x[0..n) to a histogram and compare every quantile with the exact
 * one: equal below 2^HIST_SUB_BITS, else relative error <= 2^-(SUB_BITS+1)
 * (the documented bound, well inside the 1% requirement). Also exact n,
 * min, max and mean. Returns the number of violations. */
static int check_against_sorted(uint64_t *x, uint64_t n, const char *what)
{
    des_hist h;
    des_hist_init(&h);
    uint64_t sum = 0;
    int sum_fits = 1;
    for (uint64_t i = 0; i < n; i++) {
        des_hist_add(&h, x[i]);
        if (sum > UINT64_MAX - x[i])
            sum_fits = 0;
        sum += x[i];
    }
    qsort(x, n, sizeof *x, cmp_u64);
    int bad = 0;
    for (int k = 0; k < NQ; k++) {
        uint64_t exact = qs[k] == 0 ? x[0] : x[nearest_rank(qs[k], n) - 1];
        uint64_t got = des_hist_quantile(&h, qs[k]);
        double err = fabs((double)got - (double)exact);
        double tol = exact < HIST_SUB ? 0 : (double)exact / (double)(2 * HIST_SUB);
        if (err > tol) {
            printf("#   %s q=%g: hist %llu exact %llu (rel err %.5f)\n", what, qs[k],
                   (unsigned long long)got, (unsigned long long)exact, err / (double)exact);
            bad++;
        }
    }
    TAP_EQ(h.n, n);
    TAP_EQ(h.min, x[0]);
    TAP_EQ(h.max, x[n - 1]);
    if (sum_fits) {
        double mean = (double)(sum / n) + (double)(sum % n) / (double)n;
        TAP_NEAR(des_hist_mean(&h), mean, 0);
    }
    des_hist_free(&h);
    return bad;
}

enum { N = 200000 };

static void small_values_exact(void)
{
    des_rng r;
    des_rng_seed(&r, 1);
    uint64_t *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++)
        x[i] = des_rng_below(&r, 100);
    int bad = check_against_sorted(x, N, "uniform[0,100)");
    TAP_EQ(bad, 0);
    free(x);
}

static void exponential(void)
{
    des_rng r;
    des_rng_seed(&r, 2);
    uint64_t *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++)
        x[i] = (uint64_t)des_rng_exp(&r, 10000.0);
    int bad = check_against_sorted(x, N, "exp(1e4)");
    TAP_EQ(bad, 0);
    free(x);
}

static void lognormal_heavy_tail(void)
{
    des_rng r;
    des_rng_seed(&r, 3);
    uint64_t *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++)
        x[i] = (uint64_t)exp(8.0 + 2.5 * des_rng_normal(&r)); /* 1 .. ~1e8 */
    int bad = check_against_sorted(x, N, "lognormal(8,2.5)");
    TAP_EQ(bad, 0);
    free(x);
}

static void pareto_heavy_tail(void)
{
    des_rng r;
    des_rng_seed(&r, 4);
    uint64_t *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++) {
        double v = 1000.0 * pow(des_rng_u01(&r), -1.0 / 1.1); /* alpha 1.1 */
        x[i] = v > 1e18 ? (uint64_t)1e18 : (uint64_t)v;
    }
    int bad = check_against_sorted(x, N, "pareto(1.1)");
    TAP_EQ(bad, 0);
    free(x);
}

static void huge_values(void)
{
    des_rng r;
    des_rng_seed(&r, 5);
    uint64_t *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++)
        x[i] = des_rng_next(&r) | (1ull << 63); /* top row */
    int bad = check_against_sorted(x, N, "2^63..2^64");
    TAP_EQ(bad, 0);
    /* Mean exact beyond 64-bit sums: 8 x 2^62 = 2^65. */
    des_hist h;
    des_hist_init(&h);
    for (int i = 0; i < 8; i++)
        des_hist_add(&h, 1ull << 62);
    TAP_NEAR(des_hist_mean(&h), 0x1.0p62, 0);
    TAP_EQ(des_hist_quantile(&h, 0.5), 1ull << 62);
    des_hist_free(&h);
    free(x);
}

static void mixture_and_edges(void)
{
    /* Small exact values mixed with large ones, few samples. */
    uint64_t x[] = {0, 1, 5, 127, 128, 129, 1000, 65535, 65536, 1ull << 40, 12345678901ull};
    uint64_t n = sizeof x / sizeof x[0];
    int bad = check_against_sorted(x, n, "mixture");
    TAP_EQ(bad, 0);
    uint64_t one[] = {777};
    bad = check_against_sorted(one, 1, "single");
    TAP_EQ(bad, 0);
    /* Rank rounding: q * n = 7.000000000000001 is rank 7. */
    des_hist h;
    des_hist_init(&h);
    for (uint64_t v = 1; v <= 100; v++)
        des_hist_add(&h, v);
    TAP_EQ(des_hist_quantile(&h, 0.07), 7);
    TAP_EQ(des_hist_quantile(&h, 0.071), 8);
    TAP_EQ(des_hist_quantile(&h, 0.5), 50);
    TAP_EQ(des_hist_quantile(&h, 0.0), 1);
    TAP_EQ(des_hist_quantile(&h, 1.0), 100);
    TAP_NEAR(des_hist_mean(&h), 50.5, 0);
    des_hist_reset(&h);
    TAP_EQ(h.n, 0);
    TAP_EQ(des_hist_quantile(&h, 0.5), 0);
    TAP_NEAR(des_hist_mean(&h), 0, 0);
    des_hist_free(&h);
}

static void merge_equals_union(void)
{
    des_rng r;
    des_rng_seed(&r, 6);
    des_hist a, b, all, empty;
    des_hist_init(&a);
    des_hist_init(&b);
    des_hist_init(&all);
    des_hist_init(&empty);
    for (int i = 0; i < N; i++) {
        uint64_t v = (uint64_t)exp(6.0 + 2.0 * des_rng_normal(&r));
        des_hist_add(i % 3 ? &a : &b, v);
        des_hist_add(&all, v);
    }
    des_hist_merge(&a, &empty); /* no-op */
    des_hist_merge(&empty, &b); /* into an empty one */
    TAP_EQ(empty.n, b.n);
    TAP_EQ(empty.min, b.min);
    TAP_EQ(empty.max, b.max);
    des_hist_merge(&a, &b);
    TAP_EQ(a.n, all.n);
    TAP_EQ(a.min, all.min);
    TAP_EQ(a.max, all.max);
    TAP_NEAR(des_hist_mean(&a), des_hist_mean(&all), 0);
    int differ = 0;
    for (int k = 0; k < NQ; k++)
        differ += des_hist_quantile(&a, qs[k]) != des_hist_quantile(&all, qs[k]);
    TAP_EQ(differ, 0);
    TAP_EQ(des_hist_bytes(&a), des_hist_bytes(&all));
    des_hist_free(&a);
    des_hist_free(&b);
    des_hist_free(&all);
    des_hist_free(&empty);
}

int main(void)
{
    TAP_RUN(small_values_exact);
    TAP_RUN(exponential);
    TAP_RUN(lognormal_heavy_tail);
    TAP_RUN(pareto_heavy_tail);
    TAP_RUN(huge_values);
    TAP_RUN(mixture_and_edges);
    TAP_RUN(merge_equals_union);
    return tap_done();
}
