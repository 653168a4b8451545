/* Live engine: the VCPU side — real-mode H_IPI senders (the raise with M1's
 * redirect or the H_TOO_HARD fallback), the kick, and the target VCPUs'
 * runners (vcore sleep/wake handshake, then H_XIRR / H_IPI / H_EOI on their
 * own ICP). See live.h for the barrier table. */
#include "live/live_internal.h"

#include "base/hv.h"
#include "hw/ipimsg.h"
#include "kvm/hostcore.h"

#include <sched.h>

void live_kick(live_vcpu *v)
{
    /* swake_up on the vcore wait queue: take the runner off it and wake it.
     * The seq_cst exchange pairs with the runner's seq_cst arm (store of
     * waiting = 1) before its re-check of pending. */
    if (atomic_exchange_explicit(&v->waiting, 0, memory_order_seq_cst)) {
        live_futex_wake(&v->waiting);
        atomic_fetch_add_explicit(&v->halt_wakeup, 1, memory_order_relaxed);
    }
    atomic_fetch_add_explicit(&v->kicks, 1, memory_order_relaxed);
}

/* ---- M1 committer: kvm_hc_find over the atomic words -------------------- */

_Static_assert(2 * LIVE_MAX_THREADS <= KVM_HC_MAX_CORES, "host and sender cores fit one scan");

static uint64_t hc_load(void *ctx, int core)
{
    live_worker *w = ctx;
    /* READ_ONCE(rm_core[core].rm_state.raw) */
    return atomic_load_explicit(&w->sys->core[core].rm_state, memory_order_acquire);
}

static bool hc_cas(void *ctx, int core, uint64_t old, uint64_t nw)
{
    live_worker *w = ctx;
    live_yield_point(w->sys, &w->rng); /* widen the read-to-CAS window (R1) */
    w->cas_tries++;
    /* cmpxchg64, fully ordered: the acquire half pairs with the handler's
     * release clear of rm_action (clear_action in live_core.c). */
    if (atomic_compare_exchange_strong_explicit(&w->sys->core[core].rm_state, &old, nw,
                                                memory_order_seq_cst, memory_order_acquire))
        return true;
    w->cas_fails++;
    return false;
}

/* Checker at a successful reservation: none outstanding on that core. */
static void check_reserve(live_worker *w, live_core *c, live_vcpu *tv)
{
    uint64_t res = atomic_fetch_add_explicit(&c->chk_reserved, 1, memory_order_relaxed);
    uint64_t rel = atomic_load_explicit(&c->chk_released, memory_order_relaxed);
    if (res != rel)
        live_violation(w->sys, true, "core %u reserved by sender %u while a reservation is "
                       "outstanding (reserved %llu, released %llu; I-reservation-exclusive)",
                       c->index, w->index, (unsigned long long)res, (unsigned long long)rel);
    atomic_store_explicit(&c->chk_vcpu, tv, memory_order_relaxed);
    atomic_store_explicit(&c->chk_epoch, tv->epoch, memory_order_relaxed);
}

/* icp_rm_set_vcpu_irq for a target that is not loaded (4.6+, ≥4.11 send).
 * Returns true when the kick is deferred to the virtual-mode completion. */
static bool raise_vcpu(live_worker *w, live_vcpu *tv)
{
    live_sys *s = w->sys;
    uint64_t t0 = live_now_ns();
    atomic_fetch_add_explicit(&tv->queue_intr, 1, memory_order_relaxed);
    /* set_bit(EXTERNAL_LEVEL): raise before signal; pairs with the runner's
     * re-check after arming its wait. */
    atomic_fetch_or_explicit(&tv->pending, LIVE_PEND_EXTERNAL, memory_order_seq_cst);
    if (tv == w->me)
        return false; /* LPCR[MER] on self: presented on return to the guest */
    w->raises++;
    if (s->cfg.redirect) {
        /* the upstream scan: no host-idle hints, no topology here */
        kvm_hc_ops ops = {hc_load, hc_cas, NULL, w};
        kvm_hc_req req = {.policy = KVM_HC_POLICY_UPSTREAM, .action = KVM_HC_ACTION_KICK_VCPU,
                          .n_cores = (int)s->ncores, .cores_per_chip = (int)s->ncores,
                          .my_core = (int)w->my_core, .target_core = -1, .warm_core = -1};
        kvm_hc_found f = kvm_hc_find(&ops, &req);
        int hc = f.core;
        des_hist_add(&w->find_ns, live_now_ns() - t0);
        w->finds++;
        w->probes += (uint64_t)f.probes;
        if (hc >= 0) {
            /* icp_send_hcore_msg (≥4.11) */
            live_core *c = &s->core[hc];
            check_reserve(w, c, tv);
            live_yield_point(s, &w->rng);
            /* smp_wmb(); rm_data = vcpu: release (the seq_cst CAS already
             * orders rm_action before it); pairs with the handler's acquire. */
            atomic_store_explicit(&c->rm_data, tv, memory_order_release);
            live_yield_point(s, &w->rng);
            live_send_host_ipi(s, c, PPC_MSG_RM_HOST_ACTION);
            w->redirected++;
            des_hist_add(&w->send_ns, live_now_ns() - t0);
            return false;
        }
    }
    /* Fallback: this_icp->rm_action |= KICK_VCPU, rm_kick_target = V. */
    HV_CHECK(xics_rm_defer_kick(w->vm->x, w->me->server, tv->server) == HV_OK);
    w->t_defer = t0; /* the cost runs until the virtual-mode kick (hcall) */
    return true;
}

/* Effects of an XICS hcall, in order. Real mode: RAISE -> raise_vcpu; LOWER
 * only on the caller's own line, already lowered before its transaction.
 * Virtual mode: RAISE and KICK -> the pending bit (RAISE) and a kick. */
static bool do_effects(live_worker *w, const struct xics_effects *fx, bool real)
{
    bool deferred = false;
    for (uint32_t i = 0; i < fx->n; i++) {
        const struct xics_effect *e = &fx->v[i];
        HV_CHECK(e->arg < w->vm->n);
        live_vcpu *v = w->vm->vcpu[e->arg];
        switch (e->kind) {
        case XICS_FX_RAISE:
            if (real) {
                deferred |= raise_vcpu(w, v);
                break;
            }
            atomic_fetch_or_explicit(&v->pending, LIVE_PEND_EXTERNAL, memory_order_seq_cst);
            if (v != w->me)
                live_kick(v);
            break;
        case XICS_FX_LOWER:
            HV_CHECK_U64(e->arg, ==, w->me->server);
            break;
        case XICS_FX_KICK:
            live_kick(v);
            break;
        default:
            HV_DIE("live: unexpected XICS effect %s(%u)", xics_fx_name(e->kind), e->arg);
        }
    }
    return deferred;
}

/* One hcall the real-mode way: xics_rm_hcall, effects, xics_rm_finish; on
 * H_TOO_HARD the virtual-mode completion (kvmppc_xics_hcall) whose kick the
 * caller performs itself. Returns the final code; *r4 the first result. */
static int hcall(live_worker *w, unsigned h, uint64_t a0, uint64_t a1, uint64_t *r4)
{
    uint64_t args[2] = {a0, a1}, ret[2] = {0, 0};
    struct xics *x = w->vm->x;
    uint32_t me = w->me->server;
    xics_fx_reset(&w->fx);
    int rc = xics_rm_hcall(x, me, h, args, ret, &w->fx);
    bool deferred = do_effects(w, &w->fx, true);
    rc = xics_rm_finish(x, me, rc);
    if (rc == XICS_H_TOO_HARD) {
        xics_fx_reset(&w->fx2);
        rc = xics_hcall(x, me, h, args, ret, &w->fx2);
        do_effects(w, &w->fx2, false);
        if (deferred) {
            w->fallback++;
            des_hist_add(&w->direct_ns, live_now_ns() - w->t_defer);
        }
    }
    if (r4)
        *r4 = ret[0];
    return rc;
}

static bool stop_flag(_Atomic int *f) { return atomic_load_explicit(f, memory_order_acquire) != 0; }

/* The guest of a target VCPU after its wakeup: lower the line
 * (icp_rm_clr_vcpu_irq, before the H_XIRR transaction), accept, clear the
 * IPI, EOI, until nothing is pending. */
static void service(live_worker *w)
{
    live_vcpu *me = w->me;
    for (;;) {
        atomic_fetch_and_explicit(&me->pending, ~LIVE_PEND_EXTERNAL, memory_order_seq_cst);
        uint64_t r4 = 0;
        HV_CHECK_I64(hcall(w, XICS_H_XIRR, 0, 0, &r4), ==, XICS_H_SUCCESS);
        uint32_t xirr = (uint32_t)r4;
        uint32_t xisr = xirr & (uint32_t)XICS_ICP_XISR_MASK;
        if (xisr == XICS_IRQ_SPURIOUS)
            return;
        if (xisr != XICS_IPI)
            live_violation(w->sys, true, "VCPU %u accepted XISR %#x; only IPIs exist here",
                           me->server, xisr);
        /* Linux's IPI handler (icp_hv_ipi_action): clear MFRR first, then
         * handle the messages — here: take the latency sample and count the
         * IPI (a sender that waits for the count raises the next one after
         * the clear, so it cannot be lost in MFRR) — then EOI. */
        HV_CHECK_I64(hcall(w, XICS_H_IPI, me->server, XICS_LOWEST_PRIORITY, NULL), ==,
                     XICS_H_SUCCESS);
        uint64_t ts = atomic_exchange_explicit(&me->raise_ts, 0, memory_order_relaxed);
        if (ts)
            des_hist_add(&w->wake_ns, live_now_ns() - ts);
        w->accepts++;
        atomic_fetch_add_explicit(&me->accepted, 1, memory_order_release); /* pairs with wait_accepted */
        HV_CHECK_I64(hcall(w, XICS_H_EOI, xirr, 0, NULL), ==, XICS_H_SUCCESS);
    }
}

void *live_runner_main(void *arg)
{
    live_worker *w = arg;
    live_sys *s = w->sys;
    live_vcpu *me = w->me;
    if (live_pin_self(s) != HV_OK)
        live_violation(s, false, "runner %u: could not pin its thread", w->index);
    while (!stop_flag(&s->stop_vcpus)) {
        if (atomic_load_explicit(&me->pending, memory_order_seq_cst) & LIVE_PEND_EXTERNAL) {
            service(w);
            continue;
        }
        /* kvmppc_vcore_blocked: prepare_to_swait (arm, smp_mb), then
         * re-check; pairs with raise_vcpu's set_bit and live_kick's
         * exchange. */
        atomic_store_explicit(&me->waiting, 1, memory_order_seq_cst);
        if ((atomic_load_explicit(&me->pending, memory_order_seq_cst) & LIVE_PEND_EXTERNAL) ||
            stop_flag(&s->stop_vcpus)) {
            atomic_store_explicit(&me->waiting, 0, memory_order_relaxed); /* finish_swait */
            continue;
        }
        while (atomic_load_explicit(&me->waiting, memory_order_acquire) == 1 &&
               !stop_flag(&s->stop_vcpus))
            live_futex_wait(&me->waiting, 1);
        w->wakeups++;
    }
    return NULL;
}

/* Wait until the target has accepted one more IPI than seq0 (closed load). */
static void wait_accepted(live_worker *w, live_vcpu *tv, uint64_t seq0)
{
    uint64_t t0 = live_now_ns();
    while (atomic_load_explicit(&tv->accepted, memory_order_acquire) == seq0) {
        if (live_now_ns() - t0 > w->sys->cfg.watchdog_ns)
            live_violation(w->sys, true, "VCPU %u did not take the IPI of sender %u "
                           "(I-no-lost-wakeup)", tv->server, w->index);
        sched_yield();
    }
}

void *live_sender_main(void *arg)
{
    live_worker *w = arg;
    live_sys *s = w->sys;
    const live_cfg *cfg = &s->cfg;
    if (live_pin_self(s) != HV_OK)
        live_violation(s, false, "sender %u: could not pin its thread", w->index);
    atomic_fetch_add_explicit(&s->senders_running, 1, memory_order_release);
    uint32_t first = cfg->senders; /* servers of the targets: senders first */
    unsigned next = w->index;      /* closed load: own targets, round robin */
    for (uint64_t i = 0; cfg->iterations ? i < cfg->iterations : !stop_flag(&s->stop_senders);
         i++) {
        live_vcpu *tv;
        uint64_t seq0 = 0;
        if (cfg->load == LIVE_LOAD_CLOSED) {
            tv = w->vm->vcpu[first + next];
            next += cfg->senders; /* targets t with t % senders == index */
            if (next >= cfg->targets)
                next = w->index;
            seq0 = atomic_load_explicit(&tv->accepted, memory_order_acquire);
            atomic_store_explicit(&tv->raise_ts, live_now_ns(), memory_order_relaxed);
        } else {
            tv = w->vm->vcpu[first + des_rng_below(&w->rng, cfg->targets)];
        }
        w->hipi++;
        HV_CHECK_I64(hcall(w, XICS_H_IPI, tv->server, XICS_IPI_PRIORITY, NULL), ==,
                     XICS_H_SUCCESS);
        if (cfg->load == LIVE_LOAD_CLOSED)
            wait_accepted(w, tv, seq0);
        live_yield_point(s, &w->rng);
    }
    return NULL;
}
