/*
 * tests/xics/test_xics_live.c — stress validator of the XICS emulation on
 * real threads (XICS_COMMIT_ATOMIC): each thread is one VCPU that owns one
 * ICP and issues random hcalls in real mode (all targets "loaded", so only
 * NOTIFY_EOI / real_mode_dbg send it to the virtual-mode completion), fires
 * random MSIs and flips LSI lines and masks from any thread. Run under
 * ThreadSanitizer by the tsan workflow (label `live`).
 *
 * Every 1024 operations all threads meet at a barrier and one runs
 * xics_check() on the quiescent state. After the threads join: xics_check()
 * passes again; then a
 * single-threaded drain (lines low, unmask all, CPPR 0xFF, XIRR/EOI until
 * empty) must leave every ICP idle and no source resend or masked_pending,
 * and every source that was ever fired must have been presented at least
 * once (edges coalesce, so counts are not compared). This is the no-lost
 * interrupt property under real concurrency.
 *
 * Arguments: [threads] [iterations per thread] [seed] (default 4 50000 1).
 */
#include "tap.h"
#include "base/hv.h"
#include "xics/xics.h"

#include <pthread.h>
#include <stdlib.h>

#define NSRC 16
#define STK 64

static unsigned g_threads = 4;
static unsigned long g_iters = 50000;
static unsigned long long g_seed = 1;

static struct xics *g_x;
static pthread_barrier_t g_bar;
static _Atomic unsigned long long g_checkpoints, g_check_fail;
static char g_check_msg[256];
#define CHECK_EVERY 1024
static _Atomic int g_fired[NSRC];
static _Atomic int g_presented[NSRC];
static _Atomic unsigned long long g_too_hard, g_raises;

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

struct vcpu {
    uint32_t server;
    uint64_t rng;
    uint32_t stk[STK];
    uint32_t depth;
    struct xics_effects fx, fx2;
    pthread_t th;
};

/* Widen the race windows: spin a little at the step points (between a
 * failed delivery's commit and its NEED_RESEND re-check, before commits).
 * Spinning, not yielding: these points can hold the ICS spinlock, whose
 * holder the kernel never lets go off-CPU. */
static _Thread_local uint64_t t_rng = 1;
static void spin_hook(struct xics *x, enum xics_step st, uint32_t server, uint32_t irq, void *arg)
{
    (void)x, (void)server, (void)irq, (void)arg;
    uint64_t r = rnd(&t_rng);
    unsigned n = st != XICS_STEP_BEFORE_COMMIT ? (unsigned)(r % 4096) : (unsigned)(r % 64);
    for (volatile unsigned i = 0; i < n; i++)
        ;
}

static void note_presented(uint32_t xirr)
{
    uint32_t irq = xirr & 0xFFFFFF;
    if (irq >= 16 && irq < 16 + NSRC)
        atomic_store(&g_presented[irq - 16], 1);
}

/* Real mode, effects (everyone loaded), finish, completion. */
static int hcall(struct vcpu *v, unsigned h, uint64_t a0, uint64_t a1, uint64_t *r4)
{
    uint64_t args[2] = {a0, a1}, ret[2] = {0, 0};
    xics_fx_reset(&v->fx);
    xics_fx_reset(&v->fx2);
    int rc = xics_rm_hcall(g_x, v->server, h, args, ret, &v->fx);
    for (uint32_t i = 0; i < v->fx.n; i++)
        if (v->fx.v[i].kind == XICS_FX_RAISE)
            atomic_fetch_add_explicit(&g_raises, 1, memory_order_relaxed);
    rc = xics_rm_finish(g_x, v->server, rc);
    if (rc == XICS_H_TOO_HARD) {
        atomic_fetch_add_explicit(&g_too_hard, 1, memory_order_relaxed);
        rc = xics_hcall(g_x, v->server, h, args, ret, &v->fx2);
    }
    if (r4)
        *r4 = ret[0];
    return rc;
}

static void eoi_top(struct vcpu *v)
{
    uint32_t xirr = v->stk[--v->depth];
    uint8_t cur = xics_icp_cppr(xics_icp_word(g_x, v->server)); /* owner's own CPPR */
    uint8_t c = (uint8_t)(xirr >> 24);
    hcall(v, XICS_H_EOI, ((uint64_t)(c < cur ? cur : c) << 24) | (xirr & 0xFFFFFF), 0, NULL);
}

static void accept(struct vcpu *v)
{
    uint64_t r4 = 0;
    hcall(v, XICS_H_XIRR, 0, 0, &r4);
    uint32_t xirr = (uint32_t)r4;
    if (!(xirr & 0xFFFFFF))
        return;
    note_presented(xirr);
    if ((xirr & 0xFFFFFF) == XICS_IPI)
        hcall(v, XICS_H_IPI, v->server, 0xFF, NULL);
    if (v->depth < STK)
        v->stk[v->depth++] = xirr;
    else
        eoi_top(v);
}

static void *run(void *arg)
{
    struct vcpu *v = arg;
    t_rng = v->rng ^ 0x5555;
    for (unsigned long i = 0; i < g_iters; i++) {
        uint64_t r = rnd(&v->rng);
        uint32_t src = 16 + (uint32_t)((r >> 8) % NSRC);
        if (i % CHECK_EVERY == CHECK_EVERY - 1) {
            /* Quiescent checkpoint: everyone stops, one thread checks. */
            if (pthread_barrier_wait(&g_bar) == PTHREAD_BARRIER_SERIAL_THREAD) {
                const char *bad = xics_check(g_x);
                atomic_fetch_add(&g_checkpoints, 1);
                if (bad && !atomic_fetch_add(&g_check_fail, 1))
                    snprintf(g_check_msg, sizeof g_check_msg, "%s", bad);
            }
            pthread_barrier_wait(&g_bar);
        }
        switch (r % 10) {
        case 0: case 1:
            accept(v);
            break;
        case 2: case 3:
            if (v->depth)
                eoi_top(v);
            break;
        case 4:
            hcall(v, XICS_H_CPPR, (r >> 16) & 1 ? 0xFF : (r >> 24) & 0xFF, 0, NULL);
            break;
        case 5: case 6:
            hcall(v, XICS_H_IPI, (r >> 16) % g_threads, (r >> 24) & 1 ? 0xFF : 4 + ((r >> 25) & 3),
                  NULL);
            break;
        case 7:
            atomic_store(&g_fired[src - 16], 1);
            xics_fx_reset(&v->fx);
            HV_CHECK(xics_irq_line(g_x, src, XICS_LINE_SET, &v->fx) == HV_OK);
            break;
        case 8:
            xics_fx_reset(&v->fx);
            if ((r >> 16) & 1)
                HV_CHECK(xics_int_off(g_x, src) == XICS_RTAS_OK);
            else
                HV_CHECK(xics_int_on(g_x, src, &v->fx) == XICS_RTAS_OK);
            break;
        default:
            xics_fx_reset(&v->fx);
            HV_CHECK(xics_set_xive(g_x, src, (uint32_t)((r >> 16) % g_threads),
                                   4 + (uint32_t)((r >> 24) % 4), &v->fx) == XICS_RTAS_OK);
            break;
        }
    }
    return NULL;
}

static void drain(struct vcpu *v)
{
    for (int pass = 0, got = 1; got && pass < 100; pass++) {
        got = 0;
        for (unsigned t = 0; t < g_threads; t++) {
            hcall(&v[t], XICS_H_CPPR, 0xFF, 0, NULL);
            for (int n = 0; n < 100; n++) {
                uint32_t before = v[t].depth;
                accept(&v[t]);
                if (v[t].depth == before)
                    break;
                got = 1;
                eoi_top(&v[t]);
            }
        }
    }
}

static void t_stress(void)
{
    struct xics_cfg cfg = {.nr_servers = g_threads, .real_mode = true, .ack_notifiers = true,
                           .commit = XICS_COMMIT_ATOMIC};
    g_x = xics_create(&cfg);
    struct vcpu *v = hv_xcalloc(g_threads, sizeof *v);
    struct xics_effects fx = {0};
    for (unsigned t = 0; t < g_threads; t++) {
        TAP_CHECK(xics_create_icp(g_x, t) == HV_OK);
        v[t].server = t;
        v[t].rng = g_seed * 1000003u + t;
    }
    for (uint32_t i = 0; i < NSRC; i++) {
        struct xics_source_cfg c = {.server = i % g_threads, .priority = 3 + i % 5};
        TAP_CHECK(xics_set_source(g_x, 16 + i, &c, &fx) == HV_OK);
    }
    for (unsigned t = 0; t < g_threads; t++) /* open every CPPR */
        hcall(&v[t], XICS_H_CPPR, 0xFF, 0, NULL);
    g_x->step = spin_hook;
    TAP_CHECK(pthread_barrier_init(&g_bar, NULL, g_threads) == 0);
    for (unsigned t = 0; t < g_threads; t++)
        TAP_CHECK(pthread_create(&v[t].th, NULL, run, &v[t]) == 0);
    for (unsigned t = 0; t < g_threads; t++)
        TAP_CHECK(pthread_join(v[t].th, NULL) == 0);

    g_x->step = NULL;
    pthread_barrier_destroy(&g_bar);
    TAP_EQ(atomic_load(&g_check_fail), 0);
    if (atomic_load(&g_check_fail))
        printf("#   at a checkpoint: %s\n", g_check_msg);
    const char *bad = xics_check(g_x);
    TAP_CHECK(bad == NULL);
    if (bad)
        printf("#   after join: %s\n", bad);

    /* drain, single-threaded: lines low, finish in-service interrupts, then
     * hcalls only (CPPR 0xFF, XIRR/EOI until empty). A source still parked
     * as resend must now be masked: otherwise its resend was lost (nobody
     * will rescan it). Then unmask everything (set-xive redelivers) and
     * drain again. */
    for (uint32_t i = 0; i < NSRC; i++) {
        xics_fx_reset(&fx);
        TAP_CHECK(xics_irq_line(g_x, 16 + i, XICS_LINE_LOW, &fx) == HV_OK);
    }
    for (unsigned t = 0; t < g_threads; t++)
        while (v[t].depth)
            eoi_top(&v[t]);
    drain(v);
    for (uint32_t i = 0; i < NSRC; i++) {
        const struct xics_source *s = xics_source(g_x, 16 + i);
        if (s->resend && s->priority != XICS_MASKED)
            printf("#   irq %#x: resend lost (unmasked, never rescanned)\n", 16 + i);
        TAP_CHECK(!(s->resend && s->priority != XICS_MASKED));
    }
    for (uint32_t i = 0; i < NSRC; i++) {
        xics_fx_reset(&fx);
        TAP_CHECK(xics_set_xive(g_x, 16 + i, i % g_threads, XICS_DEFAULT_PRIORITY, &fx) ==
                  XICS_RTAS_OK);
    }
    drain(v);
    for (unsigned t = 0; t < g_threads; t++) {
        uint64_t w = xics_icp_word(g_x, t);
        TAP_EQ(xics_icp_xisr(w), 0);
        TAP_EQ(xics_icp_mfrr(w), 0xFF);
        TAP_EQ(xics_icp_cppr(w), 0xFF);
    }
    for (uint32_t i = 0; i < NSRC; i++) {
        const struct xics_source *s = xics_source(g_x, 16 + i);
        TAP_EQ(s->resend, 0);
        TAP_EQ(s->masked_pending, 0);
        if (atomic_load(&g_fired[i]))
            TAP_EQ(atomic_load(&g_presented[i]), 1);
    }
    bad = xics_check(g_x);
    TAP_CHECK(bad == NULL);
    printf("# %u threads x %lu ops, seed %llu: %llu checkpoints, %llu raises, %llu H_TOO_HARD, "
           "%llu CAS retries, %llu re-check retries\n", g_threads, g_iters, g_seed, atomic_load(&g_checkpoints),
           atomic_load(&g_raises), atomic_load(&g_too_hard),
           (unsigned long long)atomic_load(&g_x->n_cas_fail),
           (unsigned long long)atomic_load(&g_x->n_recheck_retry));
    for (unsigned t = 0; t < g_threads; t++) {
        xics_fx_fini(&v[t].fx);
        xics_fx_fini(&v[t].fx2);
    }
    xics_fx_fini(&fx);
    free(v);
    xics_destroy(g_x);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        g_threads = (unsigned)strtoul(argv[1], NULL, 10);
    if (argc > 2)
        g_iters = strtoul(argv[2], NULL, 10);
    if (argc > 3)
        g_seed = strtoull(argv[3], NULL, 10);
    if (g_threads < 1 || g_threads > 64) {
        fprintf(stderr, "usage: test_xics_live [threads 1..64] [iterations] [seed]\n");
        return 2;
    }
    TAP_RUN(t_stress);
    return tap_done();
}
