#include "des/rng.h"

#include "base/hv.h"

#include <math.h>
#include <pthread.h>

uint64_t des_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void des_rng_seed(des_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = des_splitmix64(&seed);
}

des_rng des_rng_stream(uint64_t seed, uint64_t run, uint64_t entity)
{
    /* Mix the three coordinates through splitmix64 so nearby tuples give
     * unrelated states; then seed the generator from the mix. */
    uint64_t st = seed;
    uint64_t a = des_splitmix64(&st);
    st = a ^ run;
    uint64_t b = des_splitmix64(&st);
    st = b ^ entity;
    uint64_t c = des_splitmix64(&st);
    des_rng r;
    des_rng_seed(&r, c);
    return r;
}

double des_rng_exp(des_rng *r, double mean) { return -mean * log(des_rng_u01(r)); }

/*
 * Ziggurat for Exp(1) (Marsaglia & Tsang, "The Ziggurat Method for
 * Generating Random Variables", J. Stat. Software 5(8), 2000), 256 layers.
 *
 * The area under f(x) = e^-x is covered by 256 pieces of equal area V:
 *   layer 0      the base: [0, R] x [0, f(R)] plus the tail x > R, drawn as
 *                one rectangle of width X[0] = V / f(R);
 *   layer i>=1   the rectangle [0, X[i]] x [f(X[i]), f(X[i+1])], with
 *                X[1] = R > X[2] > ... > X[255] > X[256] = 0 (f(0) = 1).
 * R and V are the constants for which the 256 equal-area pieces end exactly
 * at the mode; X[i+1] = f^-1(V / X[i] + f(X[i])) follows from "area = V".
 * A draw picks a layer i uniformly (low 8 bits) and z = U * X[i] (53 high
 * bits). z < X[i+1] lies under the curve in every case (about 98.9% of
 * draws: one multiply, one compare). Otherwise layer 0 is the tail, and
 * R + Exp(1) is exact there (memorylessness); a layer i >= 1 is the wedge
 * between X[i+1] and X[i]: accept if a uniform height in
 * [f(X[i]), f(X[i+1])] falls under f(z), else draw again. Every accepted
 * point is uniform under the curve, so z is exactly Exp(1).
 * The tables are computed here, once, on first use (pthread_once).
 */
#define ZIG_N 256
static const double zig_r = 7.69711747013104972;
static const double zig_v = 0.0039496598225815571993;
static double zig_x[ZIG_N + 1]; /* X[i] as above */
static double zig_f[ZIG_N + 1]; /* f(X[i]) */
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_build(void)
{
    zig_x[0] = zig_v / exp(-zig_r);
    zig_x[1] = zig_r;
    for (int i = 1; i < ZIG_N - 1; i++)
        zig_x[i + 1] = -log(zig_v / zig_x[i] + exp(-zig_x[i]));
    zig_x[ZIG_N] = 0;
    for (int i = 0; i <= ZIG_N; i++)
        zig_f[i] = exp(-zig_x[i]);
}

double des_rng_exp_zig(des_rng *r, double mean)
{
    pthread_once(&zig_once, zig_build);
    for (;;) {
        uint64_t u = des_rng_next(r);
        unsigned i = (unsigned)(u & (ZIG_N - 1));
        double z = (double)(u >> 11) * 0x1.0p-53 * zig_x[i]; /* U in [0,1) */
        if (z < zig_x[i + 1])
            return z * mean;
        if (i == 0) /* the tail beyond R */
            return (zig_r - log(des_rng_u01(r))) * mean;
        double y = zig_f[i] + (des_rng_u01(r) - 0x1.0p-53) * (zig_f[i + 1] - zig_f[i]);
        if (y < exp(-z))
            return z * mean;
    }
}

double des_rng_normal(des_rng *r)
{
    /* Box-Muller, one value per call (deterministic, no cached state). */
    double u1 = des_rng_u01(r), u2 = des_rng_u01(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

des_dist des_dist_lognormal_mean_sigma(double mean, double sigma)
{
    HV_CHECK(mean > 0 && sigma >= 0);
    return (des_dist){DES_DIST_LOGNORMAL, log(mean) - 0.5 * sigma * sigma, sigma, 0};
}

des_dist des_dist_lognormal_mean_p99(double mean, double p99)
{
    HV_CHECK(p99 > mean && mean > 0);
    /* mean = exp(mu + s^2/2), p99 = exp(mu + z*s), z = 2.326347874:
     * s^2/2 - z*s + ln(p99/mean) = 0  ->  s = z - sqrt(z^2 - 2 ln(p99/mean)). */
    const double z = 2.3263478740408408;
    double k = log(p99 / mean), disc = z * z - 2.0 * k;
    HV_CHECK(disc >= 0);
    return des_dist_lognormal_mean_sigma(mean, z - sqrt(disc));
}

double des_dist_sample(const des_dist *d, des_rng *r)
{
    switch (d->kind) {
    case DES_DIST_CONST:
        return d->a;
    case DES_DIST_UNIFORM:
        return d->a + (d->b - d->a) * (des_rng_u01(r) - 0x1.0p-53);
    case DES_DIST_EXP:
        return des_rng_exp(r, d->a);
    case DES_DIST_SHIFTED_EXP:
        return d->a + des_rng_exp(r, d->b);
    case DES_DIST_LOGNORMAL:
        return exp(d->a + d->b * des_rng_normal(r));
    case DES_DIST_EMPIRICAL: {
        const des_empirical *e = d->emp;
        double u = des_rng_u01(r);
        int i = 1;
        while (i < e->n - 1 && e->cum[i] < u)
            i++;
        double c0 = e->cum[i - 1], c1 = e->cum[i];
        double f = c1 > c0 ? (u - c0) / (c1 - c0) : 1.0;
        if (f < 0)
            f = 0;
        return e->val[i - 1] + f * (e->val[i] - e->val[i - 1]);
    }
    }
    HV_DIE("unknown distribution kind %d", (int)d->kind);
}

double des_dist_mean(const des_dist *d)
{
    switch (d->kind) {
    case DES_DIST_CONST:
        return d->a;
    case DES_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case DES_DIST_EXP:
        return d->a;
    case DES_DIST_SHIFTED_EXP:
        return d->a + d->b;
    case DES_DIST_LOGNORMAL:
        return exp(d->a + 0.5 * d->b * d->b);
    case DES_DIST_EMPIRICAL: {
        const des_empirical *e = d->emp;
        double m = e->cum[0] * e->val[0]; /* point mass at the first value */
        for (int i = 1; i < e->n; i++)
            m += (e->cum[i] - e->cum[i - 1]) * 0.5 * (e->val[i] + e->val[i - 1]);
        return m;
    }
    }
    HV_DIE("unknown distribution kind %d", (int)d->kind);
}

static double zeta(uint64_t n, double theta)
{
    double s = 0;
    for (uint64_t i = 1; i <= n; i++)
        s += 1.0 / pow((double)i, theta);
    return s;
}

void des_zipf_init(des_zipf *z, uint64_t n, double theta)
{
    HV_CHECK(n >= 1 && theta > 0 && theta < 1);
    z->n = n;
    z->theta = theta;
    z->zeta2 = zeta(2, theta);
    z->zetan = zeta(n, theta);
    z->alpha = 1.0 / (1.0 - theta);
    z->eta = (1 - pow(2.0 / (double)n, 1 - theta)) / (1 - z->zeta2 / z->zetan);
}

uint64_t des_zipf_next(const des_zipf *z, des_rng *r)
{
    /* YCSB ZipfianGenerator.nextLong (Gray et al., "Quickly generating
     * billion-record synthetic databases"). */
    double u = des_rng_u01(r) - 0x1.0p-53; /* [0,1) */
    double uz = u * z->zetan;
    if (uz < 1.0)
        return 0;
    if (uz < 1.0 + pow(0.5, z->theta))
        return z->n > 1 ? 1 : 0;
    uint64_t v = (uint64_t)((double)z->n * pow(z->eta * u - z->eta + 1, z->alpha));
    return v >= z->n ? z->n - 1 : v;
}
