/*
 * guest/os_vcpu.c — what each VCPU of the guest kernel runs (its
 * kvm_guest_ops program): the XICS interrupt handler's hypercalls, the tick,
 * the outgoing reschedule IPIs, kernel work, context switches, the current
 * thread's work and the idle loop's H_CEDE, in the priority order of
 * guest/os.h.
 *
 * Mirrors: xics_setup_cpu (H_CPPR 0xff), icp_hv_get_irq (H_XIRR),
 * icp_hv_ipi_action (H_IPI(self, 0xff)) -> smp_ipi_demux -> scheduler_ipi,
 * icp_hv_eoi (H_EOI), irq_exit -> do_softirq, timer_interrupt ->
 * tick_sched_timer -> scheduler_tick, tick_nohz_idle_enter/exit,
 * __schedule / context_switch, pseries idle: shared_cede_loop ->
 * cede_processor (H_CEDE), smp_send_reschedule -> icp_hv_cause_ipi (H_IPI).
 */
#include "guest/os_internal.h"

#include "base/hv.h"
#include "kvm/read_intr.h"

#include <stdlib.h>
#include <string.h>

/* The hypercall in flight. */
enum { IF_NONE, IF_BOOT, IF_IRQ, IF_RESCHED_IPI, IF_CEDE };

static kvm_gact issue(guest_vcpu *c, int from, kvm_gact a)
{
    c->inflight = from;
    return a;
}

static kvm_gact compute(guest_vcpu *c, int owner, des_time ns)
{
    c->owner = owner;
    return (kvm_gact){.kind = KVM_GACT_COMPUTE, .ns = ns ? ns : 1};
}

static des_time now_of(const guest_vcpu *c) { return guest_os_now(c->os); }

/* ---- queues ----------------------------------------------------------------- */

void guest__queue_ipi(guest_vcpu *from, guest_vcpu *to)
{
    /* one already queued to it: the target's message word coalesces */
    if (guest_icp_queue_ipi(&from->icp, to->v->server))
        from->os->ipis_queued++;
}

static guest_kwork *kw_head(guest_vcpu *c) { return hv_ring_at(&c->kw, 0); }

void guest_kwork_queue(guest_os *os, guest_vcpu *c, guest_kwork w)
{
    *(guest_kwork *)hv_ring_push(&c->kw, sizeof w) = w;
    if (c->kso_mode && c->ksoftirqd->state == GUEST_THREAD_BLOCKED)
        guest_thread_wake(os, c->ksoftirqd, c, false); /* raise_softirq -> wakeup_softirqd */
}

void guest__kwork_push_front(guest_vcpu *c, guest_kwork w)
{
    HV_CHECK(!c->kw_running); /* never ahead of a head item whose compute is issued */
    *(guest_kwork *)hv_ring_push_front(&c->kw, sizeof w) = w;
}

static guest_kwork kw_pop(guest_vcpu *c)
{
    guest_kwork w;
    hv_ring_pop(&c->kw, &w);
    return w;
}

/* ---- the tick (NO_HZ idle) ------------------------------------------------------- */

static void tick_arm(guest_vcpu *c)
{
    des_time period = DES_S(1) / c->os->cfg.hz, now = now_of(c);
    c->tick_at = (now / period + 1) * period; /* the next jiffy boundary */
    kvm_vcpu_set_timer(c->v, c->tick_at);
}

static void tick_stop(guest_vcpu *c)
{
    c->tick_at = 0;
    kvm_vcpu_set_timer(c->v, 0);
}

/* ---- completions ----------------------------------------------------------------- */

/* An interrupt paused the compute of a thread, kernel work or a switch:
 * its rest goes back to its owner (re-issued later). */
static void take_back(guest_vcpu *c)
{
    des_time left = kvm_vcpu_take_paused(c->v);
    if (!left)
        left = 1;
    switch (c->owner) {
    case GUEST_OWN_THREAD:
        c->curr->work_left = left;
        break;
    case GUEST_OWN_KWORK:
        kw_head(c)->ns = left;
        c->kw_running = false;
        break;
    case GUEST_OWN_SWITCH:
        c->switch_left = left;
        break;
    default:
        HV_DIE("guest vcpu %u: paused compute of owner %d", c->index, c->owner);
    }
    c->owner = GUEST_OWN_NONE;
}

static void irq_handler_done(guest_vcpu *c)
{
    if (guest_icp_xisr(&c->icp) == XICS_IPI)
        guest__ttwu_pending(c); /* scheduler_ipi -> sched_ttwu_pending */
    guest_icp_handler_done(&c->icp);
}

static void os_compute_done(void *ctx, kvm_vcpu *v)
{
    guest_vcpu *c = ctx;
    (void)v;
    int owner = c->owner;
    c->owner = GUEST_OWN_NONE;
    switch (owner) {
    case GUEST_OWN_THREAD: {
        guest_thread *t = c->curr;
        HV_CHECK(t && t->has_work && !t->is_store);
        t->has_work = false;
        t->work_left = 0;
        guest_thread_fn fn = t->done;
        t->done = NULL;
        if (fn)
            guest__thread_cb(t, fn, t->done_arg);
        return;
    }
    case GUEST_OWN_KWORK: {
        c->kw_running = false;
        guest_kwork w = kw_pop(c);
        if (w.fn)
            w.fn(c->os, c, w.arg, w.a);
        return;
    }
    case GUEST_OWN_IRQ:
        irq_handler_done(c);
        return;
    case GUEST_OWN_TICK:
        c->st.ticks++;
        guest__check_preempt_tick(c); /* scheduler_tick */
        if (!c->idle)
            tick_arm(c);
        return;
    case GUEST_OWN_SWITCH:
        c->switching = false;
        return;
    }
    HV_DIE("guest vcpu %u: compute done with no owner", c->index);
}

static void os_mmio_done(void *ctx, kvm_vcpu *v, uint64_t addr)
{
    guest_vcpu *c = ctx;
    (void)v;
    guest_thread *t = c->curr;
    HV_CHECK(t && t->has_work && t->is_store && t->store_addr == addr);
    t->has_work = false;
    t->is_store = false;
    guest_thread_fn fn = t->done;
    t->done = NULL;
    if (fn)
        guest__thread_cb(t, fn, t->done_arg);
}

/* ---- scheduling ----------------------------------------------------------------- */

/* __schedule at a preemption point: put a preempted curr back, pick the
 * leftmost; a different thread than the last costs a context switch. */
static void schedule(guest_vcpu *c)
{
    c->need_resched = false;
    guest_thread *cur = c->curr;
    if (cur && !c->nr)
        return;
    guest__update_curr(c);
    if (cur) {
        cur->state = GUEST_THREAD_RUNNABLE;
        guest__enqueue(c, cur);
        c->curr = NULL;
    }
    guest_thread *t = guest__pick(c);
    if (!t)
        return;
    t->state = GUEST_THREAD_RUNNING;
    t->cpu = c;
    t->slice_start = t->sum_exec;
    c->curr = t;
    c->exec_start = now_of(c);
    if (t == cur)
        return;
    if (cur)
        c->st.preemptions++;
    if (t != c->prev || c->switching) {
        c->switching = true;
        c->switch_left = c->os->cfg.ctx_switch;
        c->st.ctx_switches++;
    }
    c->prev = t;
}

static void leave_idle(guest_vcpu *c)
{
    c->idle = false;
    c->busy_since = now_of(c);
    tick_arm(c);
}

/* ---- next() ------------------------------------------------------------------------ */

static void run_thread(guest_os *os, guest_thread *t, void *arg)
{
    (void)arg;
    t->ops->run(os, t);
}

static kvm_gact os_next(void *ctx, kvm_vcpu *v)
{
    guest_vcpu *c = ctx;
    if (!c->booted)
        return issue(c, IF_BOOT, guest_icp_setup());
    if (v->compute_paused) {
        /* hard-IRQ and tick handlers do not nest: resume them */
        if (c->owner == GUEST_OWN_IRQ || c->owner == GUEST_OWN_TICK)
            return (kvm_gact){.kind = KVM_GACT_RESUME};
        take_back(c);
    }
    for (;;) {
        /* 2. interrupt and tick handlers */
        kvm_gact a;
        if (guest_icp_irq_hcall(&c->icp, v->server, &a))
            return issue(c, IF_IRQ, a);
        if (c->icp.phase == GUEST_ICP_HANDLER) {
            uint32_t xisr = guest_icp_xisr(&c->icp);
            des_time ns = c->os->cfg.irq;
            if (xisr == XICS_IPI)
                ns += c->os->cfg.ipi_handler;
            else if (c->os->ops.device_irq)
                ns += c->os->ops.device_irq(c->os, c, xisr, c->os->ops.ctx);
            return compute(c, GUEST_OWN_IRQ, ns);
        }
        if (c->tick_pending) {
            c->tick_pending = false;
            return compute(c, GUEST_OWN_TICK, c->os->cfg.tick);
        }
        /* 3. reschedule IPIs */
        if (guest_icp_ipi_hcall(&c->icp, &a))
            return issue(c, IF_RESCHED_IPI, a);
        /* 4. kernel work (softirq), unless it is ksoftirqd's */
        if (!c->kw.n)
            c->kw_since = 0;
        if (c->kw.n && !c->kso_mode) {
            des_time now = now_of(c);
            if (!c->kw_since) {
                c->kw_since = now;
            } else if (now - c->kw_since >= c->os->cfg.softirq_max) {
                /* MAX_SOFTIRQ_TIME: the rest goes to ksoftirqd */
                c->kso_mode = true;
                c->kw_since = 0;
                c->st.softirq_deferrals++;
                if (c->ksoftirqd->state == GUEST_THREAD_BLOCKED)
                    guest_thread_wake(c->os, c->ksoftirqd, c, false);
                continue;
            }
            if (kw_head(c)->ns) {
                c->kw_running = true;
                return compute(c, GUEST_OWN_KWORK, kw_head(c)->ns);
            }
            guest_kwork w = kw_pop(c);
            if (w.fn)
                w.fn(c->os, c, w.arg, w.a);
            continue;
        }
        /* 5. schedule */
        if (c->need_resched || !c->curr)
            schedule(c);
        if (c->switching)
            return compute(c, GUEST_OWN_SWITCH, c->switch_left);
        /* 6. the current thread */
        guest_thread *t = c->curr;
        if (t) {
            if (t->has_work && t->is_store)
                return (kvm_gact){.kind = KVM_GACT_MMIO, .addr = t->store_addr};
            if (t->has_work)
                return compute(c, GUEST_OWN_THREAD, t->work_left);
            guest_thread_fn fn = t->done;
            t->done = NULL;
            if (fn)
                guest__thread_cb(t, fn, t->done_arg); /* after a wait */
            else
                guest__thread_cb(t, run_thread, NULL);
            continue;
        }
        /* 7. idle */
        c->idle = true;
        c->idle_since = now_of(c);
        c->st.busy_ns += c->idle_since - c->busy_since;
        tick_stop(c);
        c->st.cedes++;
        return issue(c, IF_CEDE, kvm_gact_hcall(KVM_H_CEDE, 0, 0));
    }
}

/* ---- hypercall returns and interrupts ----------------------------------------------- */

static void os_hcall_ret(void *ctx, kvm_vcpu *v, unsigned h, long rc, uint64_t r4, uint64_t r5)
{
    guest_vcpu *c = ctx;
    (void)v;
    (void)rc;
    (void)r5;
    int from = c->inflight;
    c->inflight = IF_NONE;
    switch (from) {
    case IF_BOOT:
        c->booted = true;
        c->busy_since = now_of(c);
        tick_arm(c);
        return;
    case IF_RESCHED_IPI:
        guest_icp_ipi_ret(&c->icp);
        c->os->ipis_sent++;
        c->st.resched_ipis++;
        return;
    case IF_CEDE:
        leave_idle(c);
        return;
    case IF_IRQ:
        break;
    default:
        HV_DIE("guest vcpu %u: %s returned with no hcall in flight", c->index, kvm_hcall_name(h));
    }
    switch (guest_icp_irq_ret(&c->icp, r4)) {
    case GUEST_ICP_GOT_IPI:
        c->st.ipis_received++;
        break;
    case GUEST_ICP_GOT_DEVICE:
        c->st.device_irqs++;
        break;
    case GUEST_ICP_GOT_NOTHING:
        break;
    }
}

static void os_interrupt(void *ctx, kvm_vcpu *v, int vector)
{
    guest_vcpu *c = ctx;
    (void)v;
    if (vector == KVM_INJECT_EXTERNAL)
        guest_icp_deliver(&c->icp);
    else if (vector == KVM_INJECT_DECREMENTER && c->tick_at && !c->idle)
        c->tick_pending = true; /* a stale decrementer (tick stopped) is ignored */
}

/* ---- ksoftirqd ------------------------------------------------------------------ */

static void ks_run(guest_os *os, guest_thread *t);

static void ks_done(guest_os *os, guest_thread *t, void *arg)
{
    guest_vcpu *c = arg;
    guest_kwork w = c->kso_item;
    if (w.fn)
        w.fn(os, c, w.arg, w.a);
    ks_run(os, t);
}

/* run_ksoftirqd: the kernel work queued on its VCPU, one item at a time;
 * with none left the work goes back to interrupt context and it sleeps. */
static void ks_run(guest_os *os, guest_thread *t)
{
    guest_vcpu *c = t->ctx;
    if (c->kso_mode && c->kw.n) {
        c->kso_item = kw_pop(c);
        guest_thread_compute(os, t, c->kso_item.ns ? c->kso_item.ns : 1, ks_done, c);
        return;
    }
    c->kso_mode = false;
    guest_thread_wait(os, t, NULL, NULL);
}

const guest_thread_ops guest__ksoftirqd_ops = {ks_run};

const kvm_guest_ops guest__os_kvm_ops = {os_next, os_compute_done, os_hcall_ret, os_interrupt,
                                         os_mmio_done};
