/*
 * host/host_kvm.c — handing a CPU to KVM and back, and CPU hotplug.
 * Mirrors the kvmppc_hv_entry handover of the VCPU runner's CPU
 * (kvmppc_run_core from the host side), kernel/cpu.c (cpu_down / cpu_up
 * with their notifier chain) and kernel/sched/core.c (migrate_tasks).
 * Hotplug transitions are instantaneous (host/host.h).
 */
#include "host/host_internal.h"

#include "base/hv.h"

/* ---------- KVM handover ---------- */

void host_cpu_enter_kvm(host *h, int cpu, const host_kvm_hooks *hooks, void *ctx)
{
    host_cpu *c = &h->cpus[cpu];
    HV_CHECK(c->curr && c->state == HOST_CPU_TASK);
    host__check_task_ctx(c->curr, "host_cpu_enter_kvm");
    c->curr->kvm_req = true;
    c->kvm_hooks = hooks;
    c->kvm_ctx = ctx;
    c->tick_pending = false;
    h->kvm_enters++;
}

void host_cpu_leave_kvm(host *h, int cpu, host_task_fn done, void *arg)
{
    host_cpu *c = &h->cpus[cpu];
    HV_CHECK(c->state == HOST_CPU_KVM && c->curr);
    host_task *t = c->curr;
    host__update_curr(c);
    hw_set_sink(c->t, host_thread_sink, c);
    hw_set_mode(h->hw, c->t, HW_MODE_HOST);
    c->t->hwthread_state = HW_HWTHREAD_IN_KERNEL;
    c->kvm_hooks = NULL;
    c->kvm_ctx = NULL;
    t->has_work = true;
    t->work_left = 0;
    t->work_done = done;
    t->work_arg = arg;
    if (c->tick_pending) {
        c->tick_pending = false;
        c->tick_due = true;
        c->t->dec = 1; /* the missed tick is taken now */
    }
    if (host__hrtimers_expired(c))
        c->t->dec = 1; /* and the hrtimers that expired meanwhile: late */
    if (c->t->ipi_msgs)
        c->msgs_since = host__now(h); /* the age check restarts when the host owns the CPU again */
    c->state = HOST_CPU_KERNEL;
    host__acct(c, HOST_ACCT_IRQ);
    host__dispatch(c);
}

/* ---------- hotplug ---------- */

void host_register_hotplug(host *h, host_hotplug_fn fn, void *ctx)
{
    HV_CHECK(h->nhotplug < (int)HV_ARRAY_LEN(h->hotplug_fn));
    h->hotplug_fn[h->nhotplug] = fn;
    h->hotplug_ctx[h->nhotplug++] = ctx;
}

static void notify(host *h, int cpu, host_hotplug_event ev)
{
    for (int i = 0; i < h->nhotplug; i++)
        h->hotplug_fn[i](h->hotplug_ctx[i], cpu, ev);
}

int host_cpu_down(host *h, int cpu)
{
    host_cpu *c = &h->cpus[cpu];
    if (!c->online)
        return HV_EINVAL;
    /* The runner must leave KVM first; a task with preemption off (a VCPU
     * runner from kvmppc_run_core to the end of post_guest_process) holds
     * off the stopper of take_cpu_down until it turns it back on. */
    if (c->state == HOST_CPU_KVM || (c->curr && c->curr->preempt_off)) {
        c->pending_offline = true;
        return HV_OK;
    }
    if (c->state == HOST_CPU_TASK)
        host__pause_task(c);
    des_cancel(h->sim, &c->ev);
    /* an interrupt cut short: finish its message and EOI its XIRR, else
     * the message is lost and the CPPR stays raised */
    int ph = c->phase;
    if (ph == PH_MSG)
        host__msg_effect(c, c->cur_msg);
    if (c->demux_src == SRC_XICS &&
        (ph == PH_IPI_ACK || ph == PH_MSG || ph == PH_MSG_EXTRA || ph == PH_EOI))
        hw_icp_eoi(h->hw, c->t, c->xirr);
    c->demux_src = SRC_NONE;
    c->phase = PH_NONE;
    c->pending_offline = false;
    /* migrate the current and queued tasks away (migrate_tasks) */
    c->online = false;
    host_task *cur = c->curr;
    c->curr = NULL;
    host__cpu_masks(c);
    if (cur) {
        host__update_curr(c);
        cur->state = HOST_TASK_RUNNABLE;
        host__rq_add(c, cur);
    }
    host__stopper_park(h, cpu);
    while (c->nq) {
        host_task *t = c->rq[0];
        host__rq_del(c, t);
        if (t->stop_class) { /* stop_machine_park: it sleeps, its works are dropped */
            t->state = HOST_TASK_SLEEPING;
            t->has_work = false;
            t->work_done = NULL;
            continue;
        }
        t->state = HOST_TASK_WAKING;
        int to = host__select_cpu(h, t);
        des_time since = t->runnable_since;
        host__enqueue_on(h, t, to, -1, false);
        t->runnable_since = since;
    }
    c->need_resched = false;
    des_cancel(h->sim, &c->tick_ev);
    host__offline_flush(c);
    host__hrtimers_dead_cpu(c);
    c->state = HOST_CPU_OFFLINE;
    host__acct(c, HOST_ACCT_OFFLINE);
    c->t->hwthread_state = HW_HWTHREAD_IN_NAP;
    if (hw_mode_is_nap(c->t->mode))
        hw_set_mode(h->hw, c->t, HW_MODE_OFFLINE_NAP); /* a pending wake goes to the offline sink */
    else
        hw_nap_enter(h->hw, c->t, HW_MODE_OFFLINE_NAP);
    h->hotplug_offline++;
    notify(h, cpu, HOST_HOTPLUG_DEAD);
    return HV_OK;
}

int host_cpu_up(host *h, int cpu)
{
    host_cpu *c = &h->cpus[cpu];
    if (c->online)
        return HV_EINVAL;
    HV_CHECK(c->t->mode == HW_MODE_OFFLINE_NAP);
    c->online = true;
    host__cpu_masks(c);
    c->t->hwthread_state = HW_HWTHREAD_IN_KERNEL;
    hw_set_sink(c->t, host_thread_sink, c);
    hw_set_mode(h->hw, c->t, HW_MODE_HOST_NAP); /* idle in the host, tick stopped */
    c->state = HOST_CPU_IDLE;
    host__acct(c, HOST_ACCT_IDLE);
    c->min_vruntime = 0;
    h->hotplug_online++;
    notify(h, cpu, HOST_HOTPLUG_ONLINE);
    /* newidle balance: pull work if some queue has waiting tasks */
    if (host__pull_task(c)) {
        c->need_resched = false;
        host_smp_send_reschedule(h, -1, cpu);
    }
    return HV_OK;
}

void host__hotplug_event(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    host *h = obj;
    hw_machine *m = h->hw;
    int core = (int)h->cfg.hotplug_core;
    for (int th = 0; th < (int)m->cfg.threads_per_core; th++) {
        int cpu = hw_core_first_cpu(m, core) + th;
        bool linux_cpu = h->cfg.secondaries == HOST_SECONDARIES_ONLINE ||
                         hw_cpu_is_subcore_primary(m, cpu);
        if (!linux_cpu)
            continue;
        if (arg)
            host_cpu_up(h, cpu);
        else
            host_cpu_down(h, cpu);
    }
}
