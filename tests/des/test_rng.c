/*
 * RNG and distributions, tested statistically with fixed seeds (so every
 * run draws the same numbers: no flakiness, and a wrong sampler fails
 * every time). Bounds are about 5 standard errors of the estimate for the
 * sample size used, so a bias of a few standard errors is caught.
 */
#include "des/rng.h"
#include "tap.h"

#include <stdlib.h>

#define NS 1000000 /* samples per moment test */

typedef struct moments {
    double mean, var;
} moments;

static moments moments_of(const double *x, int n)
{
    double s = 0, ss = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    double m = s / n;
    for (int i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    return (moments){m, ss / (n - 1)};
}

static double *buf(void) { return malloc(NS * sizeof(double)); }

/* Pearson chi-square of observed counts against expected probabilities. */
static double chi2(const long *obs, const double *p, int k, long n)
{
    double c = 0;
    for (int i = 0; i < k; i++) {
        double e = p[i] * (double)n;
        c += (obs[i] - e) * (obs[i] - e) / e;
    }
    return c;
}

static void seeding_matches_anchors(void)
{
    /* First outputs of xoshiro256** seeded by splitmix64(1), as printed by
     * the reference programs' generator (same code path as PHOLD). */
    des_rng r;
    des_rng_seed(&r, 1);
    uint64_t st = 1;
    uint64_t s0 = des_splitmix64(&st);
    TAP_EQ(r.s[0], s0);
    TAP_EQ(s0, 0x910a2dec89025cc1ull); /* splitmix64 test vector, seed 1 */
    des_rng a, b;
    des_rng_seed(&a, 42);
    des_rng_seed(&b, 42);
    int differ = 0;
    for (int i = 0; i < 1000; i++)
        differ += des_rng_next(&a) != des_rng_next(&b);
    TAP_EQ(differ, 0);
}

static void uniform_moments(void)
{
    des_rng r;
    des_rng_seed(&r, 11);
    double *x = buf();
    double lo = 1, hi = 0;
    for (int i = 0; i < NS; i++) {
        x[i] = des_rng_u01(&r);
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    moments m = moments_of(x, NS);
    TAP_NEAR(m.mean, 0.5, 5 * sqrt(1.0 / 12 / NS));
    TAP_NEAR(m.var, 1.0 / 12, 5 * sqrt(1.0 / 180 / NS));
    TAP_CHECK(lo > 0 && hi <= 1);
    /* des_rng_below: uniform over [0, n), chi-square with 9 df. */
    long c[10] = {0};
    double p[10];
    for (int i = 0; i < 10; i++)
        p[i] = 0.1;
    for (int i = 0; i < NS; i++)
        c[des_rng_below(&r, 10)]++;
    TAP_CHECK(chi2(c, p, 10, NS) < 40); /* p ~ 5e-6 */
    /* des_dist_uniform on [a, b). */
    des_dist d = des_dist_uniform(100, 300);
    for (int i = 0; i < NS; i++)
        x[i] = des_dist_sample(&d, &r);
    m = moments_of(x, NS);
    TAP_NEAR(m.mean, 200, 5 * sqrt(40000.0 / 12 / NS));
    TAP_NEAR(m.var, 40000.0 / 12, 5 * 40000.0 * sqrt(1.0 / 180 / NS));
    TAP_NEAR(des_dist_mean(&d), 200, 1e-12);
    free(x);
}

/* Exp(1) checks shared by both samplers: moments, median, the tail beyond
 * the ziggurat's base (x > 7.7) and a 40-bin chi-square over [0, 8) that
 * covers every layer's wedge. */
static void check_exp(double (*draw)(des_rng *, double), uint64_t seed)
{
    des_rng r;
    des_rng_seed(&r, seed);
    double *x = buf();
    const int K = 41; /* 40 bins of 0.2 over [0, 8) and the tail [8, inf) */
    long c[41] = {0}, below_ln2 = 0, tail = 0;
    for (int i = 0; i < NS; i++) {
        x[i] = draw(&r, 3.0) / 3.0; /* the mean scales */
        int b = x[i] >= 8 ? 40 : (int)(x[i] / 0.2);
        c[b]++;
        below_ln2 += x[i] < log(2.0);
        tail += x[i] > 7.69711747013104972;
    }
    moments m = moments_of(x, NS);
    TAP_NEAR(m.mean, 1.0, 5 * sqrt(1.0 / NS));
    TAP_NEAR(m.var, 1.0, 5 * sqrt(8.0 / NS)); /* var of s^2 = (mu4 - 1)/n, mu4 = 9 */
    TAP_NEAR((double)below_ln2 / NS, 0.5, 5 * 0.5 / sqrt(NS));
    double pt = exp(-7.69711747013104972);
    TAP_NEAR((double)tail, pt * NS, 5 * sqrt(pt * NS));
    double p[41];
    for (int b = 0; b < 40; b++)
        p[b] = exp(-0.2 * b) - exp(-0.2 * (b + 1));
    p[40] = exp(-8.0);
    double c2 = chi2(c, p, K, NS);
    TAP_CHECK(c2 < 95); /* 40 df: p ~ 1e-6 */
    if (c2 >= 95)
        printf("#   chi2 = %g\n", c2);
    int neg = 0;
    for (int i = 0; i < NS; i++)
        neg += x[i] < 0;
    TAP_EQ(neg, 0);
    free(x);
}

static void exp_inversion(void) { check_exp(des_rng_exp, 21); }
static void exp_ziggurat(void) { check_exp(des_rng_exp_zig, 22); }

static void exp_ziggurat_is_its_own_stream(void)
{
    /* Deterministic, and not the same numbers as inversion. */
    des_rng a, b, c;
    des_rng_seed(&a, 5);
    des_rng_seed(&b, 5);
    des_rng_seed(&c, 5);
    int same = 0, differ = 0;
    for (int i = 0; i < 1000; i++) {
        double z = des_rng_exp_zig(&a, 1.0);
        differ += z != des_rng_exp_zig(&b, 1.0);
        same += z == des_rng_exp(&c, 1.0);
    }
    TAP_EQ(differ, 0);
    TAP_CHECK(same < 10);
}

static void normal_moments(void)
{
    des_rng r;
    des_rng_seed(&r, 31);
    double *x = buf();
    long within1 = 0;
    double s3 = 0;
    for (int i = 0; i < NS; i++) {
        x[i] = des_rng_normal(&r);
        within1 += fabs(x[i]) < 1;
        s3 += x[i] * x[i] * x[i];
    }
    moments m = moments_of(x, NS);
    TAP_NEAR(m.mean, 0, 5 / sqrt(NS));
    TAP_NEAR(m.var, 1, 5 * sqrt(2.0 / NS));
    TAP_NEAR(s3 / NS, 0, 5 * sqrt(15.0 / NS));
    double p1 = erf(1 / sqrt(2.0));
    TAP_NEAR((double)within1 / NS, p1, 5 * sqrt(p1 * (1 - p1) / NS));
    free(x);
}

static void shifted_exp_moments(void)
{
    des_rng r;
    des_rng_seed(&r, 41);
    double *x = buf();
    des_dist d = des_dist_shifted_exp(500, 2000);
    double lo = 1e300;
    for (int i = 0; i < NS; i++) {
        x[i] = des_dist_sample(&d, &r);
        lo = x[i] < lo ? x[i] : lo;
    }
    moments m = moments_of(x, NS);
    TAP_NEAR(m.mean, 2500, 5 * 2000 / sqrt(NS));
    TAP_NEAR(m.var, 4e6, 5 * 4e6 * sqrt(8.0 / NS));
    TAP_CHECK(lo >= 500);
    TAP_NEAR(des_dist_mean(&d), 2500, 1e-9);
    des_dist e = des_dist_exp(700);
    TAP_NEAR(des_dist_mean(&e), 700, 1e-12);
    des_dist k = des_dist_const(42);
    TAP_NEAR(des_dist_sample(&k, &r), 42, 0);
    free(x);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void lognormal_mean_sigma(void)
{
    des_rng r;
    des_rng_seed(&r, 51);
    double *x = buf();
    const double mean = 10000, s = 0.5;
    des_dist d = des_dist_lognormal_mean_sigma(mean, s);
    for (int i = 0; i < NS; i++)
        x[i] = des_dist_sample(&d, &r);
    moments m = moments_of(x, NS);
    double var = (exp(s * s) - 1) * mean * mean; /* sd = 5329 */
    TAP_NEAR(m.mean, mean, 5 * sqrt(var / NS));
    /* var of s^2 needs the 4th moment: for s = 0.5 about 5.3 var^2. */
    TAP_NEAR(m.var, var, 5 * var * sqrt(6.0 / NS));
    TAP_NEAR(des_dist_mean(&d), mean, 1e-6);
    /* The median is exp(mu). */
    qsort(x, NS, sizeof *x, cmp_double);
    TAP_NEAR(x[NS / 2], exp(d.a), exp(d.a) * 0.004);
    free(x);
}

static void lognormal_mean_p99(void)
{
    des_rng r;
    des_rng_seed(&r, 52);
    double *x = buf();
    const double mean = 2000, p99 = 9000;
    des_dist d = des_dist_lognormal_mean_p99(mean, p99);
    TAP_NEAR(des_dist_mean(&d), mean, 1e-6);
    long below = 0;
    for (int i = 0; i < NS; i++) {
        x[i] = des_dist_sample(&d, &r);
        below += x[i] <= p99;
    }
    TAP_NEAR((double)below / NS, 0.99, 5 * sqrt(0.99 * 0.01 / NS));
    moments m = moments_of(x, NS);
    double var = (exp(d.b * d.b) - 1) * mean * mean;
    TAP_NEAR(m.mean, mean, 6 * sqrt(var / NS));
    free(x);
}

static void empirical_table(void)
{
    /* 10% point mass at 100, then linear pieces 100..200 (60%) and
     * 200..1000 (30%). */
    static const double val[] = {100, 200, 1000};
    static const double cum[] = {0.1, 0.7, 1.0};
    des_empirical e = {3, val, cum};
    des_dist d = {DES_DIST_EMPIRICAL, 0, 0, &e};
    double mean = 0.1 * 100 + 0.6 * 150 + 0.3 * 600;
    double m2 = 0.1 * 1e4 + 0.6 * (1e4 + 2e4 + 4e4) / 3 + 0.3 * (4e4 + 2e5 + 1e6) / 3;
    double var = m2 - mean * mean;
    TAP_NEAR(des_dist_mean(&d), mean, 1e-9);
    des_rng r;
    des_rng_seed(&r, 61);
    double *x = buf();
    long at100 = 0, out = 0;
    for (int i = 0; i < NS; i++) {
        x[i] = des_dist_sample(&d, &r);
        at100 += x[i] == 100;
        out += x[i] < 100 || x[i] > 1000;
    }
    TAP_EQ(out, 0);
    moments m = moments_of(x, NS);
    TAP_NEAR(m.mean, mean, 5 * sqrt(var / NS));
    TAP_NEAR(m.var, var, 0.01 * var);
    TAP_NEAR((double)at100 / NS, 0.1, 5 * 0.3 / sqrt(NS));
    free(x);
}

/* The YCSB generator's exact law: V = 0 for u < 1/zeta(n), 1 for
 * u < (1 + 0.5^theta)/zeta(n), else floor(n (eta u - eta + 1)^alpha), which
 * is non-decreasing in u; so P(V >= k) = 1 - max(u1, u_k) for k >= 2 with
 * u_k the u at which the formula reaches k. Mean and variance follow. */
static void zipf_ycsb(void)
{
    const uint64_t n = 1000;
    des_zipf z;
    des_zipf_init(&z, n, 0.99);
    double zn = 0;
    for (uint64_t i = 1; i <= n; i++)
        zn += pow((double)i, -0.99);
    TAP_NEAR(z.zetan, zn, 1e-9);
    double u1 = (1 + pow(0.5, z.theta)) / z.zetan;
    double mean = 1 - 1 / z.zetan, m2 = mean; /* k = 1 term */
    for (uint64_t k = 2; k < n; k++) {
        double uk = (pow((double)k / (double)n, 1 / z.alpha) - 1 + z.eta) / z.eta;
        double lo = uk > u1 ? uk : u1;
        double pk = lo >= 1 ? 0 : 1 - lo;
        mean += pk;
        m2 += (2.0 * (double)k - 1) * pk;
    }
    double var = m2 - mean * mean;
    des_rng r;
    des_rng_seed(&r, 71);
    double s = 0, ss = 0;
    long c0 = 0, c1 = 0, out = 0;
    for (int i = 0; i < NS; i++) {
        uint64_t v = des_zipf_next(&z, &r);
        out += v >= n;
        c0 += v == 0;
        c1 += v == 1;
        s += (double)v;
        ss += (double)v * (double)v;
    }
    TAP_EQ(out, 0);
    double sm = s / NS, sv = ss / NS - sm * sm;
    TAP_NEAR(sm, mean, 5 * sqrt(var / NS));
    TAP_NEAR(sv, var, 0.02 * var);
    double p0 = 1 / z.zetan, p1 = pow(0.5, 0.99) / z.zetan;
    TAP_NEAR((double)c0 / NS, p0, 5 * sqrt(p0 * (1 - p0) / NS));
    TAP_NEAR((double)c1 / NS, p1, 5 * sqrt(p1 * (1 - p1) / NS));
}

static void streams_differ_and_reproduce(void)
{
    des_rng a = des_rng_stream(1, 0, des_rng_id(1, 0));
    des_rng a2 = des_rng_stream(1, 0, des_rng_id(1, 0));
    des_rng b = des_rng_stream(1, 0, des_rng_id(1, 1));
    des_rng c = des_rng_stream(1, 1, des_rng_id(1, 0));
    des_rng d = des_rng_stream(2, 0, des_rng_id(1, 0));
    des_rng e = des_rng_stream(1, 0, des_rng_id(2, 0));
    int same_b = 0, same_c = 0, same_d = 0, same_e = 0, differ = 0;
    double sab = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t x = des_rng_next(&a);
        differ += x != des_rng_next(&a2);
        uint64_t y = des_rng_next(&b);
        same_b += x == y;
        same_c += x == des_rng_next(&c);
        same_d += x == des_rng_next(&d);
        same_e += x == des_rng_next(&e);
        sab += ((double)(x >> 11) * 0x1.0p-53 - 0.5) * ((double)(y >> 11) * 0x1.0p-53 - 0.5);
    }
    TAP_EQ(differ, 0);
    TAP_EQ(same_b + same_c + same_d + same_e, 0);
    /* Adjacent entities are uncorrelated: correlation within 5 sigma. */
    TAP_NEAR(sab / 100000 * 12, 0, 5 / sqrt(100000));
    /* Many entities: their first draws are all distinct. */
    enum { M = 4096 };
    uint64_t *first = malloc(M * sizeof *first);
    for (uint32_t i = 0; i < M; i++) {
        des_rng s = des_rng_stream(7, 3, des_rng_id(5, i));
        first[i] = des_rng_next(&s);
    }
    int dup = 0;
    for (int i = 0; i < M; i++)
        for (int j = i + 1; j < M; j++)
            dup += first[i] == first[j];
    TAP_EQ(dup, 0);
    free(first);
}

/* DES_RNG_KINDS: distinct tags, and docs/architecture.md's "RNG entity
 * kinds" table is exactly the list, row for row and in order. */
static void entity_kinds_one_table(void)
{
    static const struct {
        uint32_t tag;
        const char *entity, *index;
    } kinds[] = {
#define ROW(e, v, entity, index) {e, entity, index},
        DES_RNG_KINDS(ROW)
#undef ROW
    };
    enum { N = sizeof kinds / sizeof kinds[0] };
    TAP_EQ(N, 12);
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            TAP_CHECK(kinds[i].tag != kinds[j].tag);
    FILE *f = fopen(HV_SOURCE_DIR "/docs/architecture.md", "r");
    TAP_CHECK(f != NULL);
    if (!f)
        return;
    char line[200], want[200];
    int row = 0, in_section = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            in_section = !strncmp(line, "### RNG entity kinds", 20);
        if (!in_section || strncmp(line, "| 0x", 4))
            continue;
        line[strcspn(line, "\n")] = 0;
        TAP_CHECK(row < N);
        if (row >= N)
            break;
        snprintf(want, sizeof want, "| 0x%x | %s | %s |", kinds[row].tag, kinds[row].entity,
                 kinds[row].index);
        TAP_STREQ(line, want);
        row++;
    }
    fclose(f);
    TAP_EQ(row, N);
}

int main(void)
{
    TAP_RUN(seeding_matches_anchors);
    TAP_RUN(uniform_moments);
    TAP_RUN(exp_inversion);
    TAP_RUN(exp_ziggurat);
    TAP_RUN(exp_ziggurat_is_its_own_stream);
    TAP_RUN(normal_moments);
    TAP_RUN(shifted_exp_moments);
    TAP_RUN(lognormal_mean_sigma);
    TAP_RUN(lognormal_mean_p99);
    TAP_RUN(empirical_table);
    TAP_RUN(zipf_ycsb);
    TAP_RUN(streams_differ_and_reproduce);
    TAP_RUN(entity_kinds_one_table);
    return tap_done();
}
