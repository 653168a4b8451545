/*
 * des/rng.h — random streams and distributions.
 *
 * Generator: xoshiro256** (Blackman & Vigna), seeded by splitmix64 exactly as
 * the PHOLD reference programs do (../shared/bench-anchors), so PHOLD runs can
 * be compared event for event.
 *
 * Streams: every entity draws from its own stream derived from
 * (seed, run, entity id) by des_rng_stream(); adding an entity never changes
 * the draws of the others. Entity ids are stable names (see docs/rng.md):
 * callers build them with des_rng_id(kind, index), kind from DES_RNG_KINDS.
 *
 * Distributions (des_dist) carry their parameters in nanoseconds or plain
 * numbers; des_dist_sample() draws one value, des_dist_mean() gives the
 * analytical mean. Kinds:
 *   CONST(a)                    always a
 *   UNIFORM(a, b)               uniform on [a, b)
 *   EXP(mean a)                 exponential
 *   SHIFTED_EXP(shift a, mean b) a + Exp(b)
 *   LOGNORMAL(mu a, sigma b)    exp(N(mu, sigma)); des_dist_lognormal_mean_p99()
 *                               and _mean_sigma() build it from a mean
 *   EMPIRICAL(table)            inverse-CDF over a table of (value, cum. prob)
 * Zipfian (YCSB's generator, theta 0.99 by default) is des_zipf.
 *
 * Concurrency: a des_rng is owned by one thread.
 */
#ifndef HV_DES_RNG_H
#define HV_DES_RNG_H

#include <stdint.h>

typedef struct des_rng {
    uint64_t s[4];
} des_rng;

uint64_t des_splitmix64(uint64_t *state);
/* Seed the way the PHOLD anchors do: four splitmix64 outputs from seed. */
void des_rng_seed(des_rng *r, uint64_t seed);
/* Independent stream for (seed, run, entity). */
des_rng des_rng_stream(uint64_t seed, uint64_t run, uint64_t entity);
/* Every entity kind of the model, in one list (so no two rooms pick the same
 * tag): X(NAME, tag, "entity", "index"). The names keep the prefix of the
 * room that draws from the stream; docs/architecture.md's table is this
 * list (tests/des/test_rng.c checks it). */
#define DES_RNG_KINDS(X)                                                    \
    X(HW_RNG_KIND_THREAD, 0x100, "hardware thread (cost draws on it)", "CPU number") \
    X(HOST_RNG_KIND_TASK, 0x200, "host task (wakeup draws)", "task id")     \
    X(HOSTLOAD_RNG_KIND_TASK, 0x300, "host load task", "task number")       \
    X(KVM_RNG_KIND_VCPU, 0x400, "KVM VCPU", "VM index × 4096 + VCPU id")    \
    X(BOOT_RNG_KIND, 0x500, "guest mix generator", "VM index")              \
    X(VHOST_RNG_KIND, 0x600, "vhost device", "VM index") \
    X(LIVE_RNG_CORE, 0x700, "live engine: host-core thread (stream run = 0)", "core index") \
    X(LIVE_RNG_SENDER, 0x701, "live engine: sender thread (stream run = VM number)", "sender") \
    X(LIVE_RNG_RUNNER, 0x702, "live engine: target VCPU runner (stream run = VM number)", "target") \
    X(YCSB_RNG_KIND_CLIENT, 0x800, "ycsb client (closed loop)", "VM index × 65536 + connection") \
    X(YCSB_RNG_KIND_WORKER, 0x801, "ycsb worker thread (service times)", "VM index × 65536 + connection") \
    X(YCSB_RNG_KIND_ARRIVALS, 0x802, "ycsb open-loop arrivals", "VM index")
enum {
#define DES_RNG_KIND_ENUM(e, v, entity, index) e = v,
    DES_RNG_KINDS(DES_RNG_KIND_ENUM)
#undef DES_RNG_KIND_ENUM
};

/* Stable entity id from a kind tag (DES_RNG_KINDS) and an index within
 * that kind. */
static inline uint64_t des_rng_id(uint32_t kind, uint32_t index)
{
    return ((uint64_t)kind << 32) | index;
}

static inline uint64_t des_rng_rotl_(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t des_rng_next(des_rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = des_rng_rotl_(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = des_rng_rotl_(s[3], 45);
    return res;
}
/* Uniform in (0, 1] (53 bits), as the anchors draw it. */
static inline double des_rng_u01(des_rng *r) { return ((des_rng_next(r) >> 11) + 1) * 0x1.0p-53; }
/* Uniform integer in [0, n), Lemire multiply-shift on the high 32 bits. */
static inline uint32_t des_rng_below(des_rng *r, uint32_t n)
{
    return (uint32_t)(((des_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}
/* Exponential by inversion (-mean * log(u)), the anchors' sampler. */
double des_rng_exp(des_rng *r, double mean);
/* Exponential by the ziggurat method: exact, faster, different stream. */
double des_rng_exp_zig(des_rng *r, double mean);
/* Standard normal. */
double des_rng_normal(des_rng *r);

typedef struct des_empirical {
    int n;              /* number of points, >= 2 */
    const double *val;  /* values, non-decreasing */
    const double *cum;  /* cumulative probabilities, non-decreasing, cum[n-1] = 1 */
} des_empirical;

typedef enum {
    DES_DIST_CONST,
    DES_DIST_UNIFORM,
    DES_DIST_EXP,
    DES_DIST_SHIFTED_EXP,
    DES_DIST_LOGNORMAL,
    DES_DIST_EMPIRICAL,
} des_dist_kind;

typedef struct des_dist {
    des_dist_kind kind;
    double a, b;
    const des_empirical *emp;
} des_dist;

static inline des_dist des_dist_const(double v) { return (des_dist){DES_DIST_CONST, v, 0, 0}; }
static inline des_dist des_dist_uniform(double lo, double hi) { return (des_dist){DES_DIST_UNIFORM, lo, hi, 0}; }
static inline des_dist des_dist_exp(double mean) { return (des_dist){DES_DIST_EXP, mean, 0, 0}; }
static inline des_dist des_dist_shifted_exp(double shift, double mean)
{
    return (des_dist){DES_DIST_SHIFTED_EXP, shift, mean, 0};
}
des_dist des_dist_lognormal_mean_sigma(double mean, double sigma);
/* Lognormal with the given mean and 99th percentile (p99 > mean > 0). */
des_dist des_dist_lognormal_mean_p99(double mean, double p99);

double des_dist_sample(const des_dist *d, des_rng *r);
double des_dist_mean(const des_dist *d);

/* YCSB ZipfianGenerator over [0, n) with constant theta (0.99 in YCSB). */
typedef struct des_zipf {
    uint64_t n;
    double theta, alpha, zetan, eta, zeta2;
} des_zipf;
void des_zipf_init(des_zipf *z, uint64_t n, double theta);
uint64_t des_zipf_next(const des_zipf *z, des_rng *r);

#endif
