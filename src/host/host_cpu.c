/*
 * host/host_cpu.c — what a host CPU does next: the kernel-step machine
 * (irq entry, demux steps, irq exit, context switch, task compute), idle,
 * and the host's interrupt sink. Mirrors kernel/sched/core.c (__schedule,
 * context_switch), kernel/softirq.c (irq_enter / irq_exit), the powernv
 * idle loop (power7_idle: nap until an interrupt) and, for offline threads,
 * pnv_smp_cpu_kill_self's wakeup branch to kvm_start_guest.
 */
#include "host/host_internal.h"

#include "base/hv.h"

static void schedule(host_cpu *c);
static void after_task_cb(host_cpu *c, host_task *t);
static void go_idle(host_cpu *c);

/* ---------- CPU handling ---------- */

static void cpu_event(des_sim *sim, void *obj, uint64_t arg);

void host__step(host_cpu *c, int phase, des_time d)
{
    HV_CHECK(!des_pending(c->h->sim, c->ev));
    c->phase = phase;
    c->ev = des_after(c->h->sim, d, cpu_event, c, 0);
}

/* Pause the running task (interrupt or preemption) and enter the kernel. */
void host__pause_task(host_cpu *c)
{
    HV_CHECK(c->state == HOST_CPU_TASK);
    host_task *t = c->curr;
    des_time now = host__now(c->h);
    if (c->phase == PH_WORK && des_cancel(c->h->sim, &c->ev)) {
        des_time ran = now - t->exec_start;
        HV_CHECK_U64(ran, <=, t->work_left);
        t->work_left -= ran;
    }
    host__update_curr(c);
    c->phase = PH_NONE;
    c->state = HOST_CPU_KERNEL;
}

static void irq_enter(host_cpu *c)
{
    c->state = HOST_CPU_KERNEL;
    host__acct(c, HOST_ACCT_IRQ);
    c->n_irqs++;
    c->irq_t0 = host__now(c->h);
    c->irq_rm_action = false;
    des_time d = host__cost(c, HW_COST_irq_entry);
    /* icp_native_get_irq: a cache-inhibited XIRR load, unless KVM real mode
     * latched the XIRR (kvmppc_get_xics_latch) or it is a doorbell. */
    if (!c->t->saved_xirr && hw_icp_presented(c->t))
        d += host__cost(c, HW_COST_xics_ci_load);
    host__step(c, PH_IRQ_ENTRY, d);
}

static bool intr_pending(const host_cpu *c)
{
    return hw_thread_intr_pending(c->t) != HW_WAKE_NONE || c->t->saved_xirr != 0;
}

/* Decide what a CPU leaving kernel code does next. */
void host__dispatch(host_cpu *c)
{
    HV_CHECK(c->state == HOST_CPU_KERNEL);
    if (intr_pending(c)) {
        irq_enter(c);
        return;
    }
    if (c->pending_offline && !(c->curr && c->curr->preempt_off)) {
        c->pending_offline = false;
        host_cpu_down(c->h, c->cpu);
        return;
    }
    host_task *t = c->curr;
    if (t && t->state == HOST_TASK_RUNNING && (!c->need_resched || t->preempt_off)) {
        /* resume the task */
        c->state = HOST_CPU_TASK;
        host__acct(c, HOST_ACCT_TASK);
        t->exec_start = host__now(c->h);
        if (t->has_work) {
            c->phase = PH_WORK;
            c->ev = des_after(c->h->sim, t->work_left, cpu_event, c, 0);
        } else {
            /* nothing to resume: the behaviour decides */
            t->in_cb = true;
            t->ops->run(c->h, t);
            t->in_cb = false;
            after_task_cb(c, t);
        }
        return;
    }
    schedule(c);
}

/* __schedule: requeue a preempted current task, pick the leftmost. */
static void schedule(host_cpu *c)
{
    host *h = c->h;
    c->need_resched = false;
    host_task *prev = c->curr;
    if (prev) {
        host__update_curr(c);
        if (prev->state == HOST_TASK_RUNNING) {
            prev->n_preempted++;
            c->n_preempt++;
            c->curr = NULL;
            host__rq_add(c, prev);
        } else {
            c->curr = NULL;
            host__cpu_masks(c);
        }
    }
    host__update_min_vruntime(c);
    host_task *next = host__rq_pick(c);
    if (!next) {
        go_idle(c);
        return;
    }
    host__rq_del(c, next);
    next->wait_ns += host__now(h) - next->runnable_since;
    des_hist_add(&next->sched_lat, host__now(h) - next->runnable_since);
    next->state = HOST_TASK_RUNNING;
    next->cpu = c->cpu;
    c->curr = next;
    /* set_next_entity: its runtime counts from the pick, so an interrupt
     * that preempts it before it runs charges it only the time since */
    next->exec_start = host__now(h);
    host__cpu_masks(c);
    if (next == prev) { /* picked again: no switch */
        host__dispatch(c);
        return;
    }
    c->n_switches++;
    host__acct(c, HOST_ACCT_SCHED);
    host__step(c, PH_SWITCH, host__cost(c, HW_COST_ctx_switch));
}

static void switch_done(host_cpu *c)
{
    host_task *t = c->curr;
    HV_CHECK(t && t->state == HOST_TASK_RUNNING);
    t->n_switch_in++;
    t->slice_start_run = t->run_ns;
    if (t->wake_at != DES_TIME_MAX) {
        des_hist_add(&t->wake_lat, host__now(c->h) - t->wake_at);
        t->wake_at = DES_TIME_MAX;
    }
    host__dispatch(c);
}

static void go_idle(host_cpu *c)
{
    if (host__pull_task(c)) {
        schedule(c);
        return;
    }
    c->state = HOST_CPU_IDLE;
    c->phase = PH_NONE;
    host__acct(c, HOST_ACCT_IDLE);
    des_cancel(c->h->sim, &c->tick_ev); /* nohz idle */
    hw_nap_enter(c->h->hw, c->t, HW_MODE_HOST_NAP);
}

static void after_task_cb(host_cpu *c, host_task *t)
{
    HV_CHECK(c->curr == t);
    if (t->kvm_req) {
        t->kvm_req = false;
        c->state = HOST_CPU_KVM;
        host__acct(c, HOST_ACCT_KVM);
        c->phase = PH_NONE;
        return;
    }
    if (t->state == HOST_TASK_RUNNING && !t->has_work)
        HV_DIE("task %s: behaviour returned without compute, block, exit or KVM entry", t->name);
    host__update_curr(c);
    c->state = HOST_CPU_KERNEL;
    if (t->state != HOST_TASK_RUNNING) {
        c->curr = NULL;
        host__cpu_masks(c);
        schedule(c);
        return;
    }
    host__dispatch(c); /* handles pending interrupts and need_resched, else runs the work */
}

static void work_done(host_cpu *c)
{
    host_task *t = c->curr;
    HV_CHECK(t && t->has_work);
    host__update_curr(c);
    t->work_left = 0;
    t->has_work = false;
    host_task_fn fn = t->work_done;
    void *arg = t->work_arg;
    t->work_done = NULL;
    t->in_cb = true;
    if (fn)
        fn(c->h, t, arg);
    else
        t->ops->run(c->h, t);
    t->in_cb = false;
    after_task_cb(c, t);
}

static void cpu_event(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    host_cpu *c = obj;
    c->ev = DES_HANDLE_NONE;
    int ph = c->phase;
    c->phase = PH_NONE;
    switch (ph) {
    case PH_IRQ_ENTRY:
        host__irq_entry_done(c);
        break;
    case PH_IPI_ACK:
        host__take_messages(c);
        host__next_msg(c);
        break;
    case PH_MSG: {
        c->irq_rm_action |= c->cur_msg == PPC_MSG_RM_HOST_ACTION;
        des_time extra = host__msg_effect(c, c->cur_msg);
        if (extra)
            host__step(c, PH_MSG_EXTRA, extra);
        else
            host__next_msg(c);
        break;
    }
    case PH_MSG_EXTRA:
        host__next_msg(c);
        break;
    case PH_EOI:
        hw_icp_eoi(c->h->hw, c->t, c->xirr);
        host__step(c, PH_IRQ_EXIT, host__cost(c, HW_COST_irq_exit));
        break;
    case PH_TICK:
        host__scheduler_tick(c);
        host__step(c, PH_IRQ_EXIT, host__cost(c, HW_COST_irq_exit));
        break;
    case PH_HRTIMER:
        host__run_hrtimers(c);
        if (c->hrtimer_tick) {
            c->hrtimer_tick = false;
            host__step(c, PH_TICK, host__cost(c, HW_COST_tick));
        } else {
            host__step(c, PH_IRQ_EXIT, host__cost(c, HW_COST_irq_exit));
        }
        break;
    case PH_IRQ_EXIT:
        if (c->irq_rm_action && c->curr) /* M1's handler delayed this task */
            c->h->rm_action_task_ns += host__now(c->h) - c->irq_t0;
        c->irq_rm_action = false;
        host__dispatch(c);
        break;
    case PH_SWITCH:
        switch_done(c);
        break;
    case PH_WORK:
        work_done(c);
        break;
    default:
        HV_DIE("cpu %d: event in phase %d", c->cpu, ph);
    }
    if (c->t->ipi_msgs == 0)
        c->msgs_since = DES_TIME_MAX;
}

/* The host's interrupt sink for its online CPUs and its offline threads. */
void host_thread_sink(void *ctx, hw_thread *t, hw_wake_reason cause, bool from_nap)
{
    host_cpu *c = ctx;
    HV_CHECK(c->t == t);
    if (!c->online) {
        if (from_nap && t->hwthread_req && c->h->offline_kvm) {
            c->h->offline_kvm(c->h->offline_kvm_ctx, c->cpu, cause);
        } else if (from_nap) {
            host__offline_flush(c);
            hw_nap_enter(c->h->hw, t, HW_MODE_OFFLINE_NAP);
        }
        return;
    }
    switch (c->state) {
    case HOST_CPU_IDLE:
        HV_CHECK(from_nap);
        hw_set_mode(c->h->hw, t, HW_MODE_HOST);
        c->state = HOST_CPU_KERNEL;
        host__tick_arm(c);
        irq_enter(c);
        break;
    case HOST_CPU_TASK:
        host__pause_task(c);
        irq_enter(c);
        break;
    case HOST_CPU_KERNEL:
        break; /* level: taken at irq_exit / dispatch */
    case HOST_CPU_KVM:
        if (c->kvm_hooks && c->kvm_hooks->intr)
            c->kvm_hooks->intr(c->kvm_ctx, c->cpu, cause);
        break;
    default:
        HV_DIE("cpu %d: interrupt in state %s", c->cpu, host_cpu_state_name(c->state));
    }
}

