#include "des/phold.h"

#include "base/hv.h"
#include "des/des.h"
#include "des/rng.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

typedef struct phold {
    des_rng rng;
    uint64_t *count;
    uint32_t n;
    uint64_t remote_thr;
    int always_remote, zig;
    uint64_t grid;
    uint64_t last;
} phold;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* llround(x) for 0 <= x < 2^53, without the library call: x - trunc(x) is
 * exact in that range, so the half-way test is exact too. (The signed
 * conversion is one instruction; the unsigned one is not, on x86-64.) */
static inline uint64_t round_pos(double x)
{
    int64_t f = (int64_t)x;
    return (uint64_t)f + (x - (double)f >= 0.5);
}

/* Time units (1.0 = 1 s) to ns, on the grid if any. */
static inline des_time to_ns(const phold *p, double units)
{
    if (p->grid)
        return (des_time)round_pos(units * 1e9 / (double)p->grid) * p->grid;
    return (des_time)round_pos(units * 1e9);
}

/* One Exp(1) draw: the ziggurat, or inversion exactly as des_rng_exp(r, 1.0)
 * computes it (-1.0 * log(u) == -log(u)), inlined here. */
static inline double exp1(phold *p)
{
    return p->zig ? des_rng_exp_zig(&p->rng, 1.0) : -log(des_rng_u01(&p->rng));
}

static void phold_event(des_sim *sim, void *obj, uint64_t lp)
{
    phold *p = obj;
    p->count[lp]++;
    p->last = des_now(sim);
    uint32_t dst = (p->always_remote || des_rng_next(&p->rng) < p->remote_thr)
                       ? des_rng_below(&p->rng, p->n)
                       : (uint32_t)lp;
    des_after(sim, to_ns(p, 0.1 + exp1(p)), phold_event, p, dst);
}

phold_result phold_run(const phold_params *pp)
{
    phold_result res = {0};
    phold p = {0};
    des_rng_seed(&p.rng, pp->seed);
    p.n = pp->lps;
    p.count = hv_xcalloc(pp->lps, sizeof *p.count);
    p.always_remote = pp->remote >= 1.0;
    p.remote_thr = p.always_remote ? UINT64_MAX : (uint64_t)(pp->remote * 18446744073709551616.0);
    p.zig = pp->zig;
    p.grid = pp->grid_ns;
    double t0 = now_s();
    des_sim *sim = des_new();
    for (uint32_t i = 0; i < pp->lps; i++)
        for (uint32_t k = 0; k < pp->events; k++) {
            des_at(sim, to_ns(&p, exp1(&p)), phold_event, &p, i);
        }
    double t1 = now_s();
    des_time end = p.grid ? (des_time)llround(pp->end * 1e9 / (double)p.grid) * p.grid
                          : (des_time)llround(pp->end * 1e9);
    des_run_until(sim, end);
    double t2 = now_s();
    des_stats st = des_get_stats(sim);
    const char *bad = des_conservation(sim);
    if (bad)
        HV_DIE("phold: %s", bad);
    res.events = st.run;
    res.init_s = t1 - t0;
    res.loop_s = t2 - t1;
    res.ev_per_s = res.loop_s > 0 ? (double)st.run / res.loop_s : 0;
    res.peak_pending = st.peak_pending;
    res.bytes_per_event = des_bytes_per_event(sim);
    uint64_t chk = 0;
    for (uint32_t i = 0; i < pp->lps; i++)
        chk = chk * 1000003u + p.count[i];
    res.chk = chk;
    res.last_ts_ns = p.last;
    des_free(sim);
    free(p.count);
    return res;
}
