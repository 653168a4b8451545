/*
 * host/host_irq.c — interrupts, the tick and IPIs: what an interrupt does
 * once taken (XIRR or doorbell, the message demux, EOI), the offline flush,
 * the periodic tick, rescheduling, muxed IPIs and cross-CPU calls. Mirrors
 * arch/powerpc/kernel/smp.c (smp_muxed_ipi_message_pass,
 * smp_ipi_demux_relaxed), arch/powerpc/platforms/powernv/smp.c
 * (pnv_cause_ipi), sysdev/xics/icp-native.c (icp_native_ipi_action,
 * icp_native_get_xirr, icp_native_flush_interrupt), kernel/smp.c
 * (generic_smp_call_function_interrupt, smp_call_function_single,
 * kick_all_cpus_sync) and kernel/sched/core.c (resched_curr).
 */
#include "host/host_internal.h"

#include "base/hv.h"

#include <stdlib.h>

/* ---------- interrupts ---------- */

static void run_calls(host_cpu *c)
{
    /* generic_smp_call_function_interrupt: run every queued function */
    uint32_t n = c->ncalls;
    host_call *list = c->calls;
    c->calls = NULL;
    c->ncalls = c->capcalls = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (list[i].fn)
            list[i].fn(list[i].arg);
        if (list[i].sync && --list[i].sync->remaining == 0) {
            kick_sync *s = list[i].sync;
            s->done(s->arg);
        }
    }
    free(list);
}

/* The effect of one demultiplexed message; returns extra handler time. */
des_time host__msg_effect(host_cpu *c, int msg)
{
    host *h = c->h;
    h->ipi_demuxed[msg]++;
    c->n_demux[msg]++;
    switch (msg) {
    case PPC_MSG_RM_HOST_ACTION:
        return h->rm_action ? h->rm_action(h->rm_action_ctx, c->cpu) : 0;
    case PPC_MSG_CALL_FUNCTION:
        run_calls(c);
        return 0;
    case PPC_MSG_RESCHEDULE:
        if (c->online)
            c->need_resched = true; /* scheduler_ipi */
        return 0;
    default:
        return 0;
    }
}

static const hw_cost_id msg_cost[PPC_MSG_COUNT] = {
    [PPC_MSG_CALL_FUNCTION] = HW_COST_msg_call_function,
    [PPC_MSG_RESCHEDULE] = HW_COST_msg_reschedule,
    [PPC_MSG_TICK_BROADCAST] = HW_COST_msg_tick_broadcast,
    [PPC_MSG_NMI_IPI] = HW_COST_msg_nmi,
    [PPC_MSG_RM_HOST_ACTION] = HW_COST_msg_rm_host_action,
};

void host__take_messages(host_cpu *c)
{
    uint64_t all;
    c->t->ipi_msgs = hw_msg_xchg(c->t->ipi_msgs, &all);
    c->demux_all |= all;
}

void host__next_msg(host_cpu *c)
{
    if (!c->demux_all && c->t->ipi_msgs)
        host__take_messages(c); /* while (messages != 0) loop */
    if (c->demux_all) {
        int order[PPC_MSG_COUNT];
        hw_msg_demux_order(c->demux_all, order);
        c->cur_msg = order[0];
        c->demux_all &= ~hw_msg_bit(order[0]);
        host__step(c, PH_MSG, host__cost(c, msg_cost[order[0]]));
        return;
    }
    if (c->demux_src == SRC_XICS)
        host__step(c, PH_EOI, host__cost(c, HW_COST_irq_eoi));
    else
        host__step(c, PH_IRQ_EXIT, host__cost(c, HW_COST_irq_exit));
}

/* icp_native_ipi_action's first half: clear host_ipi (store 0, then full
 * barrier; pairs with the sender's barrier before its store of 1). */
static void ipi_ack(host_cpu *c)
{
    c->t->host_ipi = 0;
    hw_icp_write_mfrr(c->h->hw, c->t, HW_PRI_LOWEST);
}

void host__irq_entry_done(host_cpu *c)
{
    hw_thread *t = c->t;
    c->demux_src = SRC_NONE;
    if (t->saved_xirr) { /* icp_native_get_xirr: the XIRR latched by KVM (kvmppc_get_xics_latch) first */
        c->xirr = t->saved_xirr;
        t->saved_xirr = 0;
    } else if (hw_icp_presented(t)) {
        c->xirr = hw_icp_accept(t);
    } else {
        c->xirr = 0;
    }
    if ((c->xirr & 0xffffff) == HW_XICS_IPI) {
        c->demux_src = SRC_XICS;
        ipi_ack(c);
        host__step(c, PH_IPI_ACK, host__cost(c, HW_COST_ipi_ack));
    } else if (t->doorbell) {
        hw_doorbell_clear(t);
        c->demux_src = SRC_DOORBELL;
        t->host_ipi = 0;
        host__step(c, PH_IPI_ACK, host__cost(c, HW_COST_ipi_ack));
    } else if (t->dec) {
        /* timer_interrupt: the expired hrtimers (hrtimer_interrupt), then
         * the tick if it is due; a decrementer with nothing else is the tick */
        hw_dec_clear(t);
        uint32_t n = host__hrtimers_expired(c);
        bool tick = c->tick_due || n == 0;
        c->tick_due = false;
        if (n) {
            c->hrtimer_tick = tick;
            host__step(c, PH_HRTIMER, n * host__cost(c, HW_COST_hrtimer_expire));
        } else {
            host__step(c, PH_TICK, host__cost(c, HW_COST_tick));
        }
    } else {
        if (c->xirr) /* a non-IPI source: nothing else modelled, EOI it */
            hw_icp_eoi(c->h->hw, t, c->xirr);
        host__step(c, PH_IRQ_EXIT, host__cost(c, HW_COST_irq_exit));
    }
}

/* icp_native_flush_interrupt / the offline loop: clear everything, run
 * pending messages at once (no time: the thread is offline). */
void host__offline_flush(host_cpu *c)
{
    hw_thread *t = c->t;
    t->host_ipi = 0;
    if (t->saved_xirr)
        t->saved_xirr = 0;
    if (hw_icp_presented(t)) {
        uint32_t x = hw_icp_accept(t);
        hw_icp_write_mfrr(c->h->hw, t, HW_PRI_LOWEST);
        hw_icp_eoi(c->h->hw, t, x);
    }
    hw_doorbell_clear(t);
    hw_dec_clear(t);
    c->tick_due = false;
    host__take_messages(c);
    int order[PPC_MSG_COUNT];
    int n = hw_msg_demux_order(c->demux_all, order);
    c->demux_all = 0;
    for (int i = 0; i < n; i++)
        host__msg_effect(c, order[i]);
    if (c->ncalls)
        run_calls(c);
    c->msgs_since = DES_TIME_MAX;
}

/* ---------- tick ---------- */

static void tick_fire(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    host_cpu *c = obj;
    c->tick_ev = DES_HANDLE_NONE;
    if (!c->online || c->state == HOST_CPU_IDLE)
        return;
    host__tick_arm(c);
    if (c->state == HOST_CPU_KVM) {
        c->tick_pending = true;
        if (c->kvm_hooks && c->kvm_hooks->host_tick)
            c->kvm_hooks->host_tick(c->kvm_ctx, c->cpu);
        return;
    }
    c->tick_due = true;
    hw_raise_dec(c->h->hw, c->t);
}

void host__tick_arm(host_cpu *c)
{
    if (des_pending(c->h->sim, c->tick_ev))
        return;
    des_time p = c->h->tick_period, now = host__now(c->h);
    c->tick_ev = des_at(c->h->sim, (now / p + 1) * p, tick_fire, c, 0);
}

/* ---------- resched and IPIs ---------- */

void host__resched_cpu(host *h, int cpu, int from_cpu)
{
    host_cpu *c = &h->cpus[cpu];
    if (c->need_resched)
        return;
    c->need_resched = true;
    if (from_cpu == cpu) {
        /* a local wakeup: the waker's CPU sees need_resched on its way out
         * of the kernel or of the task callback; the ttwu delay may have
         * let it go idle or into KVM meanwhile, then it needs the IPI */
        if (c->state == HOST_CPU_TASK && !c->curr->in_cb) {
            host__pause_task(c);
            host__dispatch(c);
            return;
        }
        if (c->state == HOST_CPU_KERNEL || c->state == HOST_CPU_TASK)
            return;
    }
    host_smp_send_reschedule(h, from_cpu, cpu);
}

void host_send_ipi(host *h, int from_cpu, int to_cpu, int msg)
{
    HV_CHECK(msg >= 0 && msg < PPC_MSG_COUNT);
    HV_CHECK(to_cpu >= 0 && (uint32_t)to_cpu < h->hw->ncpus);
    hw_thread *t = hw_thread_of(h->hw, to_cpu);
    h->ipi_sent[msg]++;
    if (t->ipi_msgs == 0)
        h->cpus[to_cpu].msgs_since = host__now(h);
    /* smp_muxed_ipi_set_message: smp_mb(), then the byte store */
    if (hw_set_message(t, msg))
        h->ipi_coalesced[msg]++;
    else
        h->ipi_raised[msg]++;
    /* icp_native_cause_ipi: kvmppc_set_host_ipi (smp_mb(); host_ipi = 1),
     * then the doorbell or the MFRR write. */
    t->host_ipi = 1;
    hw_machine *m = h->hw;
    if (m->cfg.msgsnd && from_cpu >= 0 && hw_cpu_core(m, from_cpu) == hw_cpu_core(m, to_cpu))
        hw_send_doorbell(m, from_cpu, to_cpu);
    else
        hw_send_xics_ipi(m, from_cpu, to_cpu, HW_IPI_PRIORITY);
}

void host_smp_send_reschedule(host *h, int from_cpu, int to_cpu)
{
    host_send_ipi(h, from_cpu, to_cpu, PPC_MSG_RESCHEDULE);
}

static void queue_call(host *h, int cpu, host_done_fn fn, void *arg, kick_sync *s)
{
    host_cpu *c = &h->cpus[cpu];
    if (c->ncalls == c->capcalls) {
        c->capcalls = c->capcalls ? 2 * c->capcalls : 4;
        c->calls = hv_xrealloc(c->calls, c->capcalls * sizeof *c->calls);
    }
    c->calls[c->ncalls++] = (host_call){fn, arg, s};
}

void host_call_function_single(host *h, int from_cpu, int cpu, host_done_fn fn, void *arg)
{
    queue_call(h, cpu, fn, arg, NULL);
    host_send_ipi(h, from_cpu, cpu, PPC_MSG_CALL_FUNCTION);
}

static void kick_done_now(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kick_sync *s = obj;
    s->done(s->arg);
}

void host_kick_all_cpus_sync(host *h, int from_cpu, host_done_fn done, void *arg)
{
    kick_sync *s = hv_xcalloc(1, sizeof *s);
    s->next = h->syncs;
    h->syncs = s;
    s->done = done;
    s->arg = arg;
    for (uint32_t i = 0; i < h->hw->ncpus; i++)
        if (h->cpus[i].online && (int)i != from_cpu)
            s->remaining++;
    if (s->remaining == 0) {
        des_after(h->sim, 0, kick_done_now, s, 0);
        return;
    }
    for (uint32_t i = 0; i < h->hw->ncpus; i++)
        if (h->cpus[i].online && (int)i != from_cpu) {
            queue_call(h, (int)i, NULL, NULL, s);
            host_send_ipi(h, from_cpu, (int)i, PPC_MSG_CALL_FUNCTION);
        }
}

void host_restore_sink(host *h, int cpu) { hw_set_sink(h->cpus[cpu].t, host_thread_sink, &h->cpus[cpu]); }

void host_set_offline_kvm_entry(host *h, host_offline_kvm_fn fn, void *ctx)
{
    h->offline_kvm = fn;
    h->offline_kvm_ctx = ctx;
}

void host_set_rm_host_action(host *h, host_rm_action_fn fn, void *ctx)
{
    h->rm_action = fn;
    h->rm_action_ctx = ctx;
}

/* smp_muxed_ipi_set_message alone (the message byte, counted as
 * host_send_ipi counts it), for senders that raise the IPI by their own
 * means: KVM real mode's 4.6 icp_native_cause_ipi_rm (an MFRR write without
 * host_ipi). */
void host_post_message(host *h, int to_cpu, int msg)
{
    HV_CHECK(msg >= 0 && msg < PPC_MSG_COUNT);
    HV_CHECK(to_cpu >= 0 && (uint32_t)to_cpu < h->hw->ncpus);
    hw_thread *t = hw_thread_of(h->hw, to_cpu);
    h->ipi_sent[msg]++;
    if (t->ipi_msgs == 0)
        h->cpus[to_cpu].msgs_since = des_now(h->sim);
    if (hw_set_message(t, msg))
        h->ipi_coalesced[msg]++;
    else
        h->ipi_raised[msg]++;
}
