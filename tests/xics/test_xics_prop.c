/*
 * tests/xics/test_xics_prop.c — property tests of the XICS emulation.
 *
 * Two VMs with identical configuration run the same random stream of
 * operations in lockstep:
 *   A  real_mode = true: every hcall goes through the real-mode handler, a
 *      fake KVM layer carries out its effects (RAISE of a VCPU that is "not
 *      loaded" — a per-operation coin — goes to xics_rm_defer_kick), then
 *      xics_rm_finish(); on H_TOO_HARD the virtual-mode entry xics_hcall()
 *      completes it;
 *   B  real_mode = false: the same hcall runs in virtual mode only.
 * Device line changes and RTAS calls run on both. After every operation:
 *   - xics_check() passes on both;
 *   - A and B are in the same state (xics_equal) — also with the 3.10-style
 *     deferral, where completion runs CHECK_RESEND before REJECT, i.e. in
 *     the other order than virtual mode does — return the same codes and
 *     XIRRs, and (without the deferral) produce the same
 *     RAISE/LOWER/NOTIFY_EOI sequence (KICK only exists in A);
 *   - the virtual-mode completion never changes an ICP word when reject
 *     and resend are done in real mode (I-one-completion);
 *   - no lost interrupt: a ghost model tracks every MSI fired and not yet
 *     accepted, every asserted LSI not in service, every IPI requested and
 *     not yet accepted; each must be presented (some XISR), parked as
 *     resend, or masked_pending; IPIs are checked by the drain.
 * At the end the guest unmasks everything, lowers LSI lines and drains every
 * ICP (CPPR 0xFF, XIRR/EOI until empty): every ghost must have been
 * presented, and no source may stay resend or masked_pending.
 *
 * The random guest follows PAPR: an EOI never makes CPPR more favoured
 * (PAPR calls that a software error and the kernel does not handle it).
 *
 * Arguments: [ops_per_config] (default 250000; 4 configurations, so 10^6
 * operations per run). Deterministic: fixed seeds.
 */
#include "tap.h"
#include "base/hv.h"
#include "xics/xics.h"

#include <stdlib.h>

#define NSERV 8      /* server numbers 0..7; ICPs on a sparse subset */
#define MAXSRC 24
#define STK 64

struct rng { uint64_t s; };
static uint64_t rnd(struct rng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint32_t below(struct rng *r, uint32_t n) { return (uint32_t)(rnd(r) % n); }

struct sim {
    struct xics *a, *b;
    bool defer;
    struct rng r;
    uint32_t icps[NSERV], n_icps;
    uint32_t irq[MAXSRC], n_src;
    bool lsi[MAXSRC];
    bool msi_pending[MAXSRC];
    bool ipi_raised[NSERV];
    uint32_t stk[NSERV][STK];
    uint32_t depth[NSERV];
    bool loaded[NSERV];
    struct xics_effects fa, fa2, fb;
    uint64_t ops, too_hard, kicks, overwrites, raises, presented, failures;
    char fail_msg[512];
};

static void sim_fail(struct sim *s, const char *what)
{
    if (!s->failures++)
        snprintf(s->fail_msg, sizeof s->fail_msg, "op %llu: %s", (unsigned long long)s->ops, what);
}

static int slot_of(const struct sim *s, uint32_t irq)
{
    for (uint32_t i = 0; i < s->n_src; i++)
        if (s->irq[i] == irq)
            return (int)i;
    return -1;
}

static struct xics *mk(const struct xics_cfg *cfg, bool real_mode)
{
    struct xics_cfg c = *cfg;
    c.real_mode = real_mode;
    return xics_create(&c);
}

static void sim_init(struct sim *s, uint64_t seed, const struct xics_cfg *cfg)
{
    memset(s, 0, sizeof *s);
    s->r.s = seed;
    s->defer = cfg->rm_defer;
    s->a = mk(cfg, true);
    s->b = mk(cfg, false);
    for (uint32_t sv = 0; sv < NSERV; sv++) {
        if (sv != 0 && below(&s->r, 3) == 0)
            continue; /* sparse server numbers */
        s->icps[s->n_icps++] = sv;
        HV_CHECK(xics_create_icp(s->a, sv) == HV_OK);
        HV_CHECK(xics_create_icp(s->b, sv) == HV_OK);
    }
    /* two ICS blocks: 16.. and 2048.. */
    for (uint32_t i = 0; i < MAXSRC; i++) {
        uint32_t irq = i < 16 ? 16 + i : 2048 + (i - 16);
        struct xics_source_cfg c = {
            .server = s->icps[below(&s->r, s->n_icps)],
            .priority = below(&s->r, 4) == 0 ? 0xFF : 1 + below(&s->r, 9),
            .masked = below(&s->r, 8) == 0,
            .lsi = below(&s->r, 4) == 0,
        };
        s->irq[s->n_src] = irq;
        s->lsi[s->n_src] = c.lsi;
        s->n_src++;
        HV_CHECK(xics_set_source(s->a, irq, &c, &s->fa) == HV_OK);
        HV_CHECK(xics_set_source(s->b, irq, &c, &s->fb) == HV_OK);
    }
    /* random valid start: each ICP gets a random CPPR and maybe an IPI */
    for (uint32_t k = 0; k < s->n_icps; k++) {
        uint32_t sv = s->icps[k];
        uint8_t cppr = (uint8_t)(below(&s->r, 2) ? 0xFF : below(&s->r, 256));
        xics_fx_reset(&s->fa);
        HV_CHECK(xics_h_cppr(s->a, XICS_VIRT, sv, cppr, &s->fa) >= 0);
        HV_CHECK(xics_h_cppr(s->b, XICS_VIRT, sv, cppr, &s->fb) >= 0);
    }
}

static void sim_fini(struct sim *s)
{
    xics_destroy(s->a);
    xics_destroy(s->b);
    xics_fx_fini(&s->fa);
    xics_fx_fini(&s->fa2);
    xics_fx_fini(&s->fb);
}

/* RAISE / LOWER / NOTIFY_EOI of A (real + completion) vs B. */
static bool same_fx(const struct sim *s)
{
    uint32_t j = 0;
    const struct xics_effects *parts[2] = {&s->fa, &s->fa2};
    for (int p = 0; p < 2; p++)
        for (uint32_t i = 0; i < parts[p]->n; i++) {
            const struct xics_effect *e = &parts[p]->v[i];
            if (e->kind == XICS_FX_KICK)
                continue;
            if (j >= s->fb.n || s->fb.v[j].kind != e->kind || s->fb.v[j].arg != e->arg)
                return false;
            j++;
        }
    return j == s->fb.n;
}

/* One hcall on both VMs. Returns A's rc; *r4 = A's r4. */
static int hcall(struct sim *s, uint32_t caller, unsigned h, uint64_t a0, uint64_t a1, uint64_t *r4)
{
    uint64_t args[2] = {a0, a1}, ra[2] = {0, 0}, rb[2] = {0, 0};
    xics_fx_reset(&s->fa);
    xics_fx_reset(&s->fa2);
    xics_fx_reset(&s->fb);
    for (uint32_t k = 0; k < NSERV; k++)
        s->loaded[k] = below(&s->r, 2);
    /* A: real mode, the KVM layer's effect processing, finish, completion */
    int rc = xics_rm_hcall(s->a, caller, h, args, ra, &s->fa);
    for (uint32_t i = 0; i < s->fa.n; i++) {
        const struct xics_effect *e = &s->fa.v[i];
        if (e->kind != XICS_FX_RAISE)
            continue;
        s->raises++;
        if (e->arg != caller && !s->loaded[e->arg]) {
            struct xics_icp *c = xics_find_server(s->a, caller);
            if (c && (c->rm_action & XICS_RM_KICK_VCPU) && c->rm_kick_target != e->arg)
                s->overwrites++;
            HV_CHECK(xics_rm_defer_kick(s->a, caller, e->arg) == HV_OK);
        }
    }
    rc = xics_rm_finish(s->a, caller, rc);
    if (rc == XICS_H_TOO_HARD) {
        s->too_hard++;
        uint64_t words[NSERV];
        for (uint32_t k = 0; k < NSERV; k++)
            words[k] = xics_icp_word(s->a, k);
        struct xics_icp *c = xics_find_server(s->a, caller);
        bool recorded = c && c->rm_action;
        rc = xics_hcall(s->a, caller, h, args, ra, &s->fa2);
        for (uint32_t i = 0; i < s->fa2.n; i++)
            s->kicks += s->fa2.v[i].kind == XICS_FX_KICK;
        if (!s->defer && h != XICS_H_XIRR_X && h != XICS_H_IPOLL) {
            for (uint32_t k = 0; k < NSERV; k++)
                if (xics_icp_word(s->a, k) != words[k])
                    sim_fail(s, "I-one-completion: virtual mode changed an ICP word");
            if (!recorded && s->fa2.n)
                sim_fail(s, "completion with nothing recorded produced effects");
        }
        if (c && c->rm_action)
            sim_fail(s, "rm_action not cleared by completion");
    }
    /* B: virtual mode only */
    int rcb = xics_hcall(s->b, caller, h, args, rb, &s->fb);
    bool eoi_no_ics = h == XICS_H_EOI && (a0 & 0xFFFFFF) != XICS_IPI &&
                      a0 <= 0xFFFFFFFF && !xics_find_ics(s->a, (uint32_t)a0 & 0xFFFFFF);
    if (rc != rcb && !(eoi_no_ics && rc == XICS_H_SUCCESS && rcb == XICS_H_PARAMETER))
        sim_fail(s, "return codes differ between real+completion and virtual-only");
    if (ra[0] != rb[0] || ra[1] != rb[1])
        sim_fail(s, "r4/r5 differ between real+completion and virtual-only");
    if (!s->defer && !same_fx(s))
        sim_fail(s, "RAISE/LOWER/NOTIFY sequences differ");
    if (r4)
        *r4 = ra[0];
    return rc;
}

/* Non-hcall operations run identically on both VMs. */
#define BOTH(call_a, call_b)                                                \
    do {                                                                    \
        xics_fx_reset(&s->fa);                                              \
        xics_fx_reset(&s->fb);                                              \
        int ra_ = (call_a), rb_ = (call_b);                                 \
        if (ra_ != rb_)                                                     \
            sim_fail(s, "device/RTAS return codes differ");                 \
        if (!s->defer && (s->fa.n != s->fb.n ||                             \
                          (s->fa.n && memcmp(s->fa.v, s->fb.v, s->fa.n * sizeof *s->fa.v)))) \
            sim_fail(s, "device/RTAS effects differ");                      \
    } while (0)

static void accepted(struct sim *s, uint32_t sv, uint32_t xirr)
{
    uint32_t irq = xirr & 0xFFFFFF;
    if (!irq)
        return;
    s->presented++;
    if (irq == XICS_IPI) {
        s->ipi_raised[sv] = false;
    } else {
        int k = slot_of(s, irq);
        if (k < 0)
            sim_fail(s, "accepted an unknown source");
        else
            s->msi_pending[k] = false;
    }
    if (s->depth[sv] < STK)
        s->stk[sv][s->depth[sv]++] = xirr;
    else
        sim_fail(s, "in-service stack overflow");
}

static bool in_service(const struct sim *s, uint32_t irq)
{
    for (uint32_t k = 0; k < s->n_icps; k++) {
        uint32_t sv = s->icps[k];
        for (uint32_t d = 0; d < s->depth[sv]; d++)
            if ((s->stk[sv][d] & 0xFFFFFF) == irq)
                return true;
    }
    return false;
}

static bool presented_somewhere(const struct xics *x, uint32_t irq)
{
    for (uint32_t sv = 0; sv < NSERV; sv++)
        if (xics_find_server(x, sv) && xics_icp_xisr(xics_icp_word(x, sv)) == irq)
            return true;
    return false;
}

/* No lost interrupt, on A (B is equal or compared separately). */
static void ghost_check(struct sim *s, const struct xics *x)
{
    for (uint32_t k = 0; k < s->n_src; k++) {
        const struct xics_source *src = xics_source(x, s->irq[k]);
        /* an edge not yet accepted, or a level (LSI, or any source set with
         * KVM_INTERRUPT_SET_LEVEL) that is not in service */
        bool owed = s->msi_pending[k] || (src->asserted && !in_service(s, s->irq[k]));
        if (owed && !presented_somewhere(x, s->irq[k]) && !src->resend && !src->masked_pending) {
            char m[128];
            snprintf(m, sizeof m, "I-no-lost-IRQ: irq %#x owed but not presented, resend "
                     "or masked_pending", s->irq[k]);
            sim_fail(s, m);
        }
    }
    for (uint32_t sv = 0; sv < NSERV; sv++)
        if (s->ipi_raised[sv] && xics_icp_mfrr(xics_icp_word(x, sv)) == 0xFF)
            sim_fail(s, "I-no-lost-IPI: requested IPI vanished from MFRR");
}

static uint8_t any_prio(struct rng *r)
{
    static const uint8_t common[] = {0xFF, 0xFF, 0, 4, 5, 6};
    return below(r, 2) ? common[below(r, HV_ARRAY_LEN(common))] : (uint8_t)below(r, 256);
}

static void eoi_top(struct sim *s, uint32_t sv)
{
    uint32_t xirr = s->stk[sv][--s->depth[sv]];
    uint8_t cur = xics_icp_cppr(xics_icp_word(s->a, sv));
    uint8_t c = (uint8_t)(xirr >> 24);
    if (c < cur) /* PAPR: EOI must not raise CPPR */
        c = cur;
    hcall(s, sv, XICS_H_EOI, ((uint64_t)c << 24) | (xirr & 0xFFFFFF), 0, NULL);
}

static void step_once(struct sim *s)
{
    struct rng *r = &s->r;
    uint32_t sv = s->icps[below(r, s->n_icps)];
    uint32_t k = below(r, s->n_src), irq = s->irq[k];
    uint64_t r4 = 0;
    switch (below(r, 14)) {
    case 0: case 1:
        hcall(s, sv, below(r, 4) ? XICS_H_XIRR : XICS_H_XIRR_X, 0, 0, &r4);
        accepted(s, sv, (uint32_t)r4);
        break;
    case 2: case 3:
        if (s->depth[sv]) {
            eoi_top(s, sv);
        } else { /* a stray but PAPR-conforming EOI */
            uint8_t cur = xics_icp_cppr(xics_icp_word(s->a, sv));
            uint8_t c = (uint8_t)(cur + below(r, 256 - cur));
            uint32_t i = below(r, 4) == 0 ? XICS_IPI : (below(r, 8) ? irq : 5000);
            hcall(s, sv, XICS_H_EOI, ((uint64_t)c << 24) | i, 0, NULL);
        }
        break;
    case 4:
        hcall(s, sv, XICS_H_CPPR, any_prio(r), 0, NULL);
        break;
    case 5: case 6: {
        uint64_t target = below(r, 10) ? s->icps[below(r, s->n_icps)] : below(r, NSERV + 2);
        uint8_t m = any_prio(r);
        int rc = hcall(s, sv, XICS_H_IPI, target, m, NULL);
        if (rc == XICS_H_SUCCESS && target < NSERV)
            s->ipi_raised[target] = m != 0xFF;
        break;
    }
    case 7:
        hcall(s, sv, XICS_H_IPOLL, below(r, NSERV + 1), 0, NULL);
        if (s->depth[sv] && below(r, 2)) /* the guest clears its own IPI */
            hcall(s, sv, XICS_H_IPI, sv, 0xFF, NULL), s->ipi_raised[sv] = false;
        break;
    case 8: case 9: {
        static const int lv[] = {XICS_LINE_SET, XICS_LINE_HIGH, XICS_LINE_LOW, XICS_LINE_UNSET,
                                 XICS_LINE_SET_LEVEL};
        int l = lv[below(r, HV_ARRAY_LEN(lv))];
        BOTH(xics_irq_line(s->a, irq, l, &s->fa), xics_irq_line(s->b, irq, l, &s->fb));
        if (l != XICS_LINE_LOW && l != XICS_LINE_UNSET && !(s->lsi[k] && l == XICS_LINE_HIGH))
            s->msi_pending[k] = true; /* an edge (an LSI raised high is a level) */
        break;
    }
    case 10:
        BOTH(xics_int_off(s->a, irq), xics_int_off(s->b, irq));
        break;
    case 11:
        BOTH(xics_int_on(s->a, irq, &s->fa), xics_int_on(s->b, irq, &s->fb));
        break;
    case 12: {
        uint32_t to = below(r, 8) ? s->icps[below(r, s->n_icps)] : below(r, NSERV + 1);
        uint32_t p = below(r, 16) ? any_prio(r) : 0x100;
        BOTH(xics_set_xive(s->a, irq, to, p, &s->fa), xics_set_xive(s->b, irq, to, p, &s->fb));
        uint32_t gs = 0, gp = 0;
        BOTH(xics_get_xive(s->a, irq, &gs, &gp), xics_get_xive(s->b, irq, &gs, &gp));
        break;
    }
    default: { /* an hcall from / to anywhere, including nowhere */
        uint32_t target = below(r, NSERV);
        uint8_t m = any_prio(r);
        if (hcall(s, below(r, NSERV + 1), XICS_H_IPI, target, m, NULL) == XICS_H_SUCCESS)
            s->ipi_raised[target] = m != 0xFF;
        break;
    }
    }
    s->ops++;
    const char *bad = xics_check(s->a);
    if (bad)
        sim_fail(s, bad);
    bad = xics_check(s->b);
    if (bad)
        sim_fail(s, bad);
    if (!xics_equal(s->a, s->b))
        sim_fail(s, "states differ: real mode + completion vs virtual only");
    ghost_check(s, s->a);
}

static void drain(struct sim *s)
{
    for (uint32_t k = 0; k < s->n_src; k++) {
        if (xics_source(s->a, s->irq[k])->asserted)
            BOTH(xics_irq_line(s->a, s->irq[k], XICS_LINE_LOW, &s->fa),
                 xics_irq_line(s->b, s->irq[k], XICS_LINE_LOW, &s->fb));
    }
    for (uint32_t k = 0; k < s->n_icps; k++)
        while (s->depth[s->icps[k]])
            eoi_top(s, s->icps[k]);
    for (uint32_t k = 0; k < s->n_src; k++) {
        uint32_t to = s->icps[k % s->n_icps];
        BOTH(xics_set_xive(s->a, s->irq[k], to, XICS_DEFAULT_PRIORITY, &s->fa),
             xics_set_xive(s->b, s->irq[k], to, XICS_DEFAULT_PRIORITY, &s->fb));
    }
    for (int pass = 0, got = 1; got && pass < 1000; pass++) {
        got = 0;
        for (uint32_t k = 0; k < s->n_icps; k++) {
            uint32_t sv = s->icps[k];
            hcall(s, sv, XICS_H_CPPR, 0xFF, 0, NULL);
            for (int n = 0; n < 1000; n++) {
                uint64_t r4 = 0;
                hcall(s, sv, XICS_H_XIRR, 0, 0, &r4);
                if (!(r4 & 0xFFFFFF))
                    break;
                got = 1;
                accepted(s, sv, (uint32_t)r4);
                if ((r4 & 0xFFFFFF) == XICS_IPI)
                    hcall(s, sv, XICS_H_IPI, sv, 0xFF, NULL);
                eoi_top(s, sv);
            }
        }
    }
    for (uint32_t k = 0; k < s->n_src; k++) {
        const struct xics_source *a = xics_source(s->a, s->irq[k]);
        if (s->msi_pending[k] || a->resend || a->masked_pending) {
            char m[128];
            snprintf(m, sizeof m, "drain: irq %#x never presented (pending %d resend %d mp %d)",
                     s->irq[k], s->msi_pending[k], a->resend, a->masked_pending);
            sim_fail(s, m);
        }
    }
    for (uint32_t sv = 0; sv < NSERV; sv++)
        if (s->ipi_raised[sv])
            sim_fail(s, "drain: an IPI was never presented");
    for (uint32_t k = 0; k < s->n_icps; k++) {
        uint64_t w = xics_icp_word(s->a, s->icps[k]);
        if (xics_icp_xisr(w) || xics_icp_mfrr(w) != 0xFF || xics_icp_cppr(w) != 0xFF)
            sim_fail(s, "drain: an ICP is not idle");
    }
    const char *bad = xics_check(s->a);
    if (bad)
        sim_fail(s, bad);
}

static uint64_t g_ops = 250000;

static void run_config(const char *name, uint64_t seed, struct xics_cfg cfg)
{
    struct sim *s = hv_xmalloc(sizeof *s);
    sim_init(s, seed, &cfg);
    for (uint64_t i = 0; i < g_ops && !s->failures; i++)
        step_once(s);
    if (!s->failures)
        drain(s);
    printf("# %s seed %llu: %llu ops, %llu raises, %llu presented, %llu H_TOO_HARD, "
           "%llu kicks, %llu kick overwrites, %llu CAS retries\n", name,
           (unsigned long long)seed, (unsigned long long)s->ops,
           (unsigned long long)s->raises, (unsigned long long)s->presented,
           (unsigned long long)s->too_hard, (unsigned long long)s->kicks,
           (unsigned long long)s->overwrites,
           (unsigned long long)atomic_load(&s->a->n_cas_fail));
    if (s->failures)
        printf("#   first failure (%llu total): %s\n", (unsigned long long)s->failures, s->fail_msg);
    TAP_CHECK(s->failures == 0);
    TAP_CHECK(s->presented > s->ops / 20); /* the run did something */
    sim_fini(s);
    free(s);
}

static void t_default(void)
{
    run_config("4.6 default, ack notifiers", 1,
               (struct xics_cfg){.nr_servers = NSERV, .ack_notifiers = true});
}
static void t_real_mode_dbg(void)
{
    run_config("real_mode_dbg", 2, (struct xics_cfg){.nr_servers = NSERV, .real_mode_dbg = true});
}
static void t_rm_defer(void)
{
    run_config("3.10-style rm_defer", 3,
               (struct xics_cfg){.nr_servers = NSERV, .rm_defer = true, .ack_notifiers = true});
}
static void t_atomic_commit(void)
{
    run_config("atomic commit", 4,
               (struct xics_cfg){.nr_servers = NSERV, .commit = XICS_COMMIT_ATOMIC});
}

int main(int argc, char **argv)
{
    if (argc > 1)
        g_ops = strtoull(argv[1], NULL, 10);
    TAP_RUN(t_default);
    TAP_RUN(t_real_mode_dbg);
    TAP_RUN(t_rm_defer);
    TAP_RUN(t_atomic_commit);
    return tap_done();
}
