/* host/host.c — the host Linux model. See host/host.h. */
#include "host/host.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- names ---------- */

static const char *task_state_names[] = {
#define N(e, s) s,
    HOST_TASK_STATES(N)
#undef N
};
static const char *cpu_state_names[] = {
#define N(e, s) s,
    HOST_CPU_STATES(N)
#undef N
};
static const char *acct_names[] = {
#define N(e, s) s,
    HOST_ACCTS(N)
#undef N
};
const char *host_task_state_name(int s) { return s >= 0 && s < HOST_TASK_STATE_COUNT ? task_state_names[s] : "?"; }
const char *host_cpu_state_name(int s) { return s >= 0 && s < HOST_CPU_STATE_COUNT ? cpu_state_names[s] : "?"; }
const char *host_acct_name(int a) { return a >= 0 && a < HOST_ACCT_COUNT ? acct_names[a] : "?"; }

host_cfg host_cfg_default(void)
{
    return (host_cfg){.hz = 100, .secondaries = HOST_SECONDARIES_OFFLINE,
                      .sched_latency = DES_MS(6), .sched_min_granularity = DES_US(750),
                      .sched_wakeup_granularity = DES_MS(1), .hotplug_core = -1,
                      .hotplug_off_at = 0, .hotplug_on_at = 0, .ipi_pending_max = DES_MS(10)};
}

void host_cpumask_fill(host_cpumask *m, int ncpus)
{
    memset(m, 0, sizeof *m);
    for (int c = 0; c < ncpus; c++)
        host_cpumask_set(m, c);
}

struct host_call {
    host_done_fn fn;
    void *arg;
    struct kick_sync *sync;
};

typedef struct kick_sync {
    struct kick_sync *next;
    uint32_t remaining;
    host_done_fn done;
    void *arg;
} kick_sync;

/* Kernel steps. */
enum {
    PH_NONE,
    PH_IRQ_ENTRY,
    PH_IPI_ACK,
    PH_MSG,
    PH_MSG_EXTRA,
    PH_EOI,
    PH_TICK,
    PH_IRQ_EXIT,
    PH_SWITCH,
    PH_WORK, /* task compute completion (state TASK) */
};
enum { SRC_NONE, SRC_XICS, SRC_DOORBELL };

static void dispatch(host_cpu *c);
static void schedule(host_cpu *c);
static void after_task_cb(host_cpu *c, host_task *t);
static void resched_cpu(host *h, int cpu, int from_cpu);
static void go_idle(host_cpu *c);
static void offline_flush(host_cpu *c);
static void tick_arm(host_cpu *c);

static des_time now_of(const host *h) { return des_now(h->sim); }

static void acct(host_cpu *c, host_acct a)
{
    des_time now = now_of(c->h);
    c->acct_ns[c->acct] += now - c->acct_since;
    c->acct_since = now;
    c->acct = a;
}

static des_time cost(host_cpu *c, hw_cost_id id) { return hw_cost(c->h->hw, c->t, id); }

/* ---------- run queue ---------- */

static uint32_t nr_running(const host_cpu *c) { return c->nq + (c->curr ? 1u : 0u); }
static bool cpu_idle(const host_cpu *c) { return c->online && !c->curr && c->nq == 0; }

static void update_min_vruntime(host_cpu *c)
{
    des_time m = DES_TIME_MAX;
    if (c->curr)
        m = c->curr->vruntime;
    for (uint32_t i = 0; i < c->nq; i++)
        if (c->rq[i]->vruntime < m)
            m = c->rq[i]->vruntime;
    if (m != DES_TIME_MAX && m > c->min_vruntime)
        c->min_vruntime = m;
}

static void rq_add(host_cpu *c, host_task *t)
{
    if (c->nq == c->capq) {
        c->capq = c->capq ? 2 * c->capq : 8;
        c->rq = hv_xrealloc(c->rq, c->capq * sizeof *c->rq);
    }
    c->rq[c->nq++] = t;
    t->cpu = c->cpu;
    t->state = HOST_TASK_RUNNABLE;
    t->runnable_since = now_of(c->h);
}

static void rq_del(host_cpu *c, host_task *t)
{
    for (uint32_t i = 0; i < c->nq; i++)
        if (c->rq[i] == t) {
            memmove(&c->rq[i], &c->rq[i + 1], (c->nq - i - 1) * sizeof *c->rq);
            c->nq--;
            return;
        }
    HV_DIE("task %s not queued on cpu %d", t->name, c->cpu);
}

/* Leftmost (smallest vruntime; ties: earliest queued). */
static host_task *rq_pick(const host_cpu *c)
{
    host_task *best = NULL;
    for (uint32_t i = 0; i < c->nq; i++)
        if (!best || c->rq[i]->vruntime < best->vruntime)
            best = c->rq[i];
    return best;
}

/* Charge the running task's time since exec_start. */
static void update_curr(host_cpu *c)
{
    host_task *t = c->curr;
    if (!t)
        return;
    des_time now = now_of(c->h);
    if (now > t->exec_start) {
        des_time d = now - t->exec_start;
        t->vruntime += d;
        t->run_ns += d;
    }
    t->exec_start = now;
}

static void migrate_vruntime(host_task *t, host_cpu *from, host_cpu *to)
{
    /* place relative to the new queue, as CFS does across migrations */
    des_time rel = t->vruntime > from->min_vruntime ? t->vruntime - from->min_vruntime : 0;
    t->vruntime = to->min_vruntime + rel;
}

/* ---------- placement ---------- */

static bool allowed(const host *h, const host_task *t, int cpu)
{
    return h->cpus[cpu].online && host_cpumask_test(&t->affinity, cpu);
}

/* select_task_rq: prev if idle; else an idle CPU in prev's chip; else the
 * least loaded allowed CPU (ties: prev, then the first from prev on). */
static int select_cpu(host *h, host_task *t)
{
    hw_machine *m = h->hw;
    int n = (int)m->ncpus, prev = t->cpu;
    if (prev >= 0 && allowed(h, t, prev) && cpu_idle(&h->cpus[prev]))
        return prev;
    if (prev >= 0) {
        int chip = hw_cpu_chip(m, prev);
        for (int i = 1; i < n; i++) {
            int c = (prev + i) % n;
            if (hw_cpu_chip(m, c) == chip && allowed(h, t, c) && cpu_idle(&h->cpus[c]))
                return c;
        }
    }
    int best = -1;
    uint32_t best_nr = UINT32_MAX;
    int start = prev >= 0 ? prev : 0;
    for (int i = 0; i < n; i++) {
        int c = (start + i) % n;
        if (!allowed(h, t, c))
            continue;
        uint32_t nr = nr_running(&h->cpus[c]);
        if (nr < best_nr) {
            best = c;
            best_nr = nr;
        }
    }
    if (best < 0) { /* no allowed online CPU: break affinity (select_fallback_rq) */
        h->affinity_broken++;
        for (int i = 0; i < n; i++) {
            int c = (start + i) % n;
            if (h->cpus[c].online && nr_running(&h->cpus[c]) < best_nr) {
                best = c;
                best_nr = nr_running(&h->cpus[c]);
            }
        }
        HV_CHECK(best >= 0);
        host_cpumask_set(&t->affinity, best);
    }
    return best;
}

/* Enqueue t on cpu (from a wakeup, a migration or a preemption elsewhere). */
static void enqueue_on(host *h, host_task *t, int cpu, int from_cpu, bool wakeup)
{
    host_cpu *c = &h->cpus[cpu];
    if (t->cpu >= 0 && t->cpu != cpu) {
        migrate_vruntime(t, &h->cpus[t->cpu], c);
        t->n_migrations++;
        h->migrations++;
    } else if (t->cpu < 0) {
        t->vruntime = c->min_vruntime;
    }
    if (wakeup) {
        /* place_entity: sleeper credit of half a latency period */
        des_time credit = h->cfg.sched_latency / 2;
        des_time floor = c->min_vruntime > credit ? c->min_vruntime - credit : 0;
        if (t->vruntime < floor)
            t->vruntime = floor;
    }
    rq_add(c, t);
    /* check_preempt_curr */
    if (!c->curr) {
        resched_cpu(h, cpu, from_cpu);
    } else if (wakeup && c->curr->vruntime > t->vruntime &&
               c->curr->vruntime - t->vruntime > h->cfg.sched_wakeup_granularity) {
        resched_cpu(h, cpu, from_cpu);
    }
}

/* ---------- CPU handling ---------- */

static void cpu_event(des_sim *sim, void *obj, uint64_t arg);

static void step(host_cpu *c, int phase, des_time d)
{
    HV_CHECK(!des_pending(c->h->sim, c->ev));
    c->phase = phase;
    c->ev = des_after(c->h->sim, d, cpu_event, c, 0);
}

/* Pause the running task (interrupt or preemption) and enter the kernel. */
static void pause_task(host_cpu *c)
{
    HV_CHECK(c->state == HOST_CPU_TASK);
    host_task *t = c->curr;
    des_time now = now_of(c->h);
    if (c->phase == PH_WORK && des_cancel(c->h->sim, &c->ev)) {
        des_time ran = now - t->exec_start;
        HV_CHECK_U64(ran, <=, t->work_left);
        t->work_left -= ran;
    }
    update_curr(c);
    c->phase = PH_NONE;
    c->state = HOST_CPU_KERNEL;
}

static void irq_enter(host_cpu *c)
{
    c->state = HOST_CPU_KERNEL;
    acct(c, HOST_ACCT_IRQ);
    c->n_irqs++;
    step(c, PH_IRQ_ENTRY, cost(c, HW_COST_irq_entry));
}

static bool intr_pending(const host_cpu *c)
{
    return hw_thread_intr_pending(c->t) != HW_WAKE_NONE || c->t->saved_xirr != 0;
}

/* Decide what a CPU leaving kernel code does next. */
static void dispatch(host_cpu *c)
{
    HV_CHECK(c->state == HOST_CPU_KERNEL);
    if (intr_pending(c)) {
        irq_enter(c);
        return;
    }
    if (c->pending_offline) {
        c->pending_offline = false;
        host_cpu_down(c->h, c->cpu);
        return;
    }
    host_task *t = c->curr;
    if (!c->need_resched && t && t->state == HOST_TASK_RUNNING) {
        /* resume the task */
        c->state = HOST_CPU_TASK;
        acct(c, HOST_ACCT_TASK);
        t->exec_start = now_of(c->h);
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
        update_curr(c);
        if (prev->state == HOST_TASK_RUNNING) {
            prev->n_preempted++;
            c->n_preempt++;
            c->curr = NULL;
            rq_add(c, prev);
        } else {
            c->curr = NULL;
        }
    }
    update_min_vruntime(c);
    host_task *next = rq_pick(c);
    if (!next) {
        go_idle(c);
        return;
    }
    rq_del(c, next);
    next->wait_ns += now_of(h) - next->runnable_since;
    des_hist_add(&next->sched_lat, now_of(h) - next->runnable_since);
    next->state = HOST_TASK_RUNNING;
    next->cpu = c->cpu;
    c->curr = next;
    if (next == prev) { /* picked again: no switch */
        dispatch(c);
        return;
    }
    c->n_switches++;
    acct(c, HOST_ACCT_SCHED);
    step(c, PH_SWITCH, cost(c, HW_COST_ctx_switch));
}

static void switch_done(host_cpu *c)
{
    host_task *t = c->curr;
    HV_CHECK(t && t->state == HOST_TASK_RUNNING);
    t->n_switch_in++;
    t->slice_start_run = t->run_ns;
    if (t->wake_at != DES_TIME_MAX) {
        des_hist_add(&t->wake_lat, now_of(c->h) - t->wake_at);
        t->wake_at = DES_TIME_MAX;
    }
    dispatch(c);
}

/* Pull one waiting task from the busiest allowed queue (idle balance). */
static host_task *pull_task(host_cpu *c)
{
    host *h = c->h;
    host_cpu *busiest = NULL;
    host_task *pick = NULL;
    for (uint32_t i = 0; i < h->hw->ncpus; i++) {
        host_cpu *o = &h->cpus[i];
        if (o == c || !o->online || o->nq == 0)
            continue;
        if (busiest && nr_running(o) <= nr_running(busiest))
            continue;
        for (uint32_t k = 0; k < o->nq; k++)
            if (host_cpumask_test(&o->rq[k]->affinity, c->cpu)) {
                busiest = o;
                pick = o->rq[k];
                break;
            }
    }
    if (!pick || nr_running(busiest) < 2)
        return NULL;
    rq_del(busiest, pick);
    migrate_vruntime(pick, busiest, c);
    pick->n_migrations++;
    h->migrations++;
    des_time since = pick->runnable_since;
    rq_add(c, pick);
    pick->runnable_since = since;
    return pick;
}

static void go_idle(host_cpu *c)
{
    if (pull_task(c)) {
        schedule(c);
        return;
    }
    c->state = HOST_CPU_IDLE;
    c->phase = PH_NONE;
    acct(c, HOST_ACCT_IDLE);
    des_cancel(c->h->sim, &c->tick_ev); /* nohz idle */
    hw_nap_enter(c->h->hw, c->t, HW_MODE_HOST_NAP);
}

static void after_task_cb(host_cpu *c, host_task *t)
{
    HV_CHECK(c->curr == t);
    if (t->kvm_req) {
        t->kvm_req = false;
        c->state = HOST_CPU_KVM;
        acct(c, HOST_ACCT_KVM);
        c->phase = PH_NONE;
        return;
    }
    if (t->state == HOST_TASK_RUNNING && !t->has_work)
        HV_DIE("task %s: behaviour returned without compute, block, exit or KVM entry", t->name);
    update_curr(c);
    c->state = HOST_CPU_KERNEL;
    if (t->state != HOST_TASK_RUNNING) {
        c->curr = NULL;
        schedule(c);
        return;
    }
    dispatch(c); /* handles pending interrupts and need_resched, else runs the work */
}

static void work_done(host_cpu *c)
{
    host_task *t = c->curr;
    HV_CHECK(t && t->has_work);
    update_curr(c);
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
static des_time msg_effect(host_cpu *c, int msg)
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

static void take_messages(host_cpu *c)
{
    uint64_t all;
    c->t->ipi_msgs = hw_msg_xchg(c->t->ipi_msgs, &all);
    c->demux_all |= all;
}

static void next_msg(host_cpu *c)
{
    if (!c->demux_all && c->t->ipi_msgs)
        take_messages(c); /* while (messages != 0) loop */
    if (c->demux_all) {
        int order[PPC_MSG_COUNT];
        hw_msg_demux_order(c->demux_all, order);
        c->cur_msg = order[0];
        c->demux_all &= ~hw_msg_bit(order[0]);
        step(c, PH_MSG, cost(c, msg_cost[order[0]]));
        return;
    }
    if (c->demux_src == SRC_XICS)
        step(c, PH_EOI, cost(c, HW_COST_irq_eoi));
    else
        step(c, PH_IRQ_EXIT, cost(c, HW_COST_irq_exit));
}

/* icp_native_ipi_action's first half: clear host_ipi (store 0, then full
 * barrier; pairs with the sender's barrier before its store of 1). */
static void ipi_ack(host_cpu *c)
{
    c->t->host_ipi = 0;
    hw_icp_write_mfrr(c->h->hw, c->t, HW_PRI_LOWEST);
}

static void irq_entry_done(host_cpu *c)
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
        step(c, PH_IPI_ACK, cost(c, HW_COST_ipi_ack));
    } else if (t->doorbell) {
        hw_doorbell_clear(t);
        c->demux_src = SRC_DOORBELL;
        t->host_ipi = 0;
        step(c, PH_IPI_ACK, cost(c, HW_COST_ipi_ack));
    } else if (t->dec) {
        hw_dec_clear(t);
        step(c, PH_TICK, cost(c, HW_COST_tick));
    } else {
        if (c->xirr) /* a non-IPI source: nothing else modelled, EOI it */
            hw_icp_eoi(c->h->hw, t, c->xirr);
        step(c, PH_IRQ_EXIT, cost(c, HW_COST_irq_exit));
    }
}

/* scheduler_tick: charge the task, preempt it if its slice is used. */
static void scheduler_tick(host_cpu *c)
{
    host *h = c->h;
    c->n_ticks++;
    host_task *t = c->curr;
    if (!t || t->state != HOST_TASK_RUNNING)
        return;
    update_curr(c);
    update_min_vruntime(c);
    if (c->nq == 0)
        goto balance;
    des_time slice = h->cfg.sched_latency / nr_running(c);
    if (slice < h->cfg.sched_min_granularity)
        slice = h->cfg.sched_min_granularity;
    des_time ran = t->run_ns - t->slice_start_run;
    host_task *left = rq_pick(c);
    if (ran > slice)
        c->need_resched = true;
    else if (ran >= h->cfg.sched_min_granularity && t->vruntime > left->vruntime &&
             t->vruntime - left->vruntime > slice)
        c->need_resched = true;
balance:
    /* push one waiting task to an idle allowed CPU (nohz idle balance) */
    if (c->nq > 0) {
        for (uint32_t i = 0; i < h->hw->ncpus; i++) {
            host_cpu *o = &h->cpus[i];
            if (o == c || !cpu_idle(o))
                continue;
            for (uint32_t k = 0; k < c->nq; k++) {
                host_task *w = c->rq[k];
                if (host_cpumask_test(&w->affinity, o->cpu)) {
                    des_time since = w->runnable_since;
                    rq_del(c, w);
                    migrate_vruntime(w, c, o);
                    w->n_migrations++;
                    h->migrations++;
                    rq_add(o, w);
                    w->runnable_since = since;
                    resched_cpu(h, o->cpu, c->cpu);
                    return;
                }
            }
        }
    }
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
        irq_entry_done(c);
        break;
    case PH_IPI_ACK:
        take_messages(c);
        next_msg(c);
        break;
    case PH_MSG: {
        des_time extra = msg_effect(c, c->cur_msg);
        if (extra)
            step(c, PH_MSG_EXTRA, extra);
        else
            next_msg(c);
        break;
    }
    case PH_MSG_EXTRA:
        next_msg(c);
        break;
    case PH_EOI:
        hw_icp_eoi(c->h->hw, c->t, c->xirr);
        step(c, PH_IRQ_EXIT, cost(c, HW_COST_irq_exit));
        break;
    case PH_TICK:
        scheduler_tick(c);
        step(c, PH_IRQ_EXIT, cost(c, HW_COST_irq_exit));
        break;
    case PH_IRQ_EXIT:
        dispatch(c);
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
            offline_flush(c);
            hw_nap_enter(c->h->hw, t, HW_MODE_OFFLINE_NAP);
        }
        return;
    }
    switch (c->state) {
    case HOST_CPU_IDLE:
        HV_CHECK(from_nap);
        hw_set_mode(c->h->hw, t, HW_MODE_HOST);
        c->state = HOST_CPU_KERNEL;
        tick_arm(c);
        irq_enter(c);
        break;
    case HOST_CPU_TASK:
        pause_task(c);
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

/* icp_native_flush_interrupt / the offline loop: clear everything, run
 * pending messages at once (no time: the thread is offline). */
static void offline_flush(host_cpu *c)
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
    take_messages(c);
    int order[PPC_MSG_COUNT];
    int n = hw_msg_demux_order(c->demux_all, order);
    c->demux_all = 0;
    for (int i = 0; i < n; i++)
        msg_effect(c, order[i]);
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
    tick_arm(c);
    if (c->state == HOST_CPU_KVM) {
        c->tick_pending = true;
        if (c->kvm_hooks && c->kvm_hooks->host_tick)
            c->kvm_hooks->host_tick(c->kvm_ctx, c->cpu);
        return;
    }
    hw_raise_dec(c->h->hw, c->t);
}

static void tick_arm(host_cpu *c)
{
    if (des_pending(c->h->sim, c->tick_ev))
        return;
    des_time p = c->h->tick_period, now = now_of(c->h);
    c->tick_ev = des_at(c->h->sim, (now / p + 1) * p, tick_fire, c, 0);
}

/* ---------- resched and IPIs ---------- */

static void resched_cpu(host *h, int cpu, int from_cpu)
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
            pause_task(c);
            dispatch(c);
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
        h->cpus[to_cpu].msgs_since = now_of(h);
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

/* ---------- tasks ---------- */

host_task *host_task_new(host *h, const char *name, const host_cpumask *affinity,
                         const host_task_ops *ops, void *ctx)
{
    HV_CHECK(ops && ops->run);
    host_task *t = hv_xcalloc(1, sizeof *t);
    t->id = h->ntasks;
    snprintf(t->name, sizeof t->name, "%s", name);
    t->state = HOST_TASK_NEW;
    if (affinity)
        t->affinity = *affinity;
    else
        host_cpumask_fill(&t->affinity, (int)h->hw->ncpus);
    t->ops = ops;
    t->ctx = ctx;
    t->cpu = -1;
    t->h = h;
    t->wake_from = -1;
    t->wake_at = DES_TIME_MAX;
    des_hist_init(&t->wake_lat);
    des_hist_init(&t->sched_lat);
    t->rng = des_rng_stream(h->seed, h->run, des_rng_id(HOST_RNG_KIND_TASK, t->id));
    if (h->ntasks == h->captasks) {
        h->captasks = h->captasks ? 2 * h->captasks : 16;
        h->tasks = hv_xrealloc(h->tasks, h->captasks * sizeof *h->tasks);
    }
    h->tasks[h->ntasks++] = t;
    return t;
}

static void do_wake(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    host_task *t = obj;
    host *h = t->h;
    HV_CHECK(t->state == HOST_TASK_WAKING);
    int cpu = select_cpu(h, t);
    enqueue_on(h, t, cpu, t->wake_from, true);
}

static void wake_after_ttwu(host *h, host_task *t, int from_cpu)
{
    t->state = HOST_TASK_WAKING;
    t->wake_at = now_of(h);
    t->wake_from = from_cpu;
    des_time d = hw_cost_draw(&h->hw->costs, HW_COST_sched_ttwu, &t->rng);
    des_after(h->sim, d, do_wake, t, 0);
}

void host_task_start(host *h, host_task *t)
{
    HV_CHECK(t->state == HOST_TASK_NEW);
    wake_after_ttwu(h, t, -1);
    t->wake_at = DES_TIME_MAX; /* wake_up_new_task is not a wakeup */
}

void host_task_wake(host *h, host_task *t, int from_cpu)
{
    h->wakeups_sent++;
    if (t->state != HOST_TASK_SLEEPING) {
        h->wakeups_coalesced++;
        return;
    }
    h->wakeups_consumed++;
    t->n_wakeups++;
    wake_after_ttwu(h, t, from_cpu);
}

static void check_task_ctx(host_task *t, const char *what)
{
    if (!t->in_cb || t->state != HOST_TASK_RUNNING || t->has_work || t->kvm_req)
        HV_DIE("%s(%s): not in the task's context or an action is already chosen", what,
               t->name);
}

void host_task_compute(host *h, host_task *t, des_time ns, host_task_fn done, void *arg)
{
    (void)h;
    check_task_ctx(t, "host_task_compute");
    t->has_work = true;
    t->work_left = ns;
    t->work_done = done;
    t->work_arg = arg;
}

void host_task_block(host *h, host_task *t)
{
    (void)h;
    check_task_ctx(t, "host_task_block");
    t->state = HOST_TASK_SLEEPING;
}

void host_task_exit(host *h, host_task *t)
{
    (void)h;
    check_task_ctx(t, "host_task_exit");
    t->state = HOST_TASK_DEAD;
}

/* ---------- KVM handover ---------- */

void host_cpu_enter_kvm(host *h, int cpu, const host_kvm_hooks *hooks, void *ctx)
{
    host_cpu *c = &h->cpus[cpu];
    HV_CHECK(c->curr && c->state == HOST_CPU_TASK);
    check_task_ctx(c->curr, "host_cpu_enter_kvm");
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
    update_curr(c);
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
        c->t->dec = 1; /* the missed tick is taken now */
    }
    if (c->t->ipi_msgs)
        c->msgs_since = now_of(h); /* the age check restarts when the host owns the CPU again */
    c->state = HOST_CPU_KERNEL;
    acct(c, HOST_ACCT_IRQ);
    dispatch(c);
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
    if (c->state == HOST_CPU_KVM) { /* the runner must leave KVM first */
        c->pending_offline = true;
        return HV_OK;
    }
    if (c->state == HOST_CPU_TASK)
        pause_task(c);
    des_cancel(h->sim, &c->ev);
    /* an interrupt cut short: finish its message and EOI its XIRR, else
     * the message is lost and the CPPR stays raised */
    int ph = c->phase;
    if (ph == PH_MSG)
        msg_effect(c, c->cur_msg);
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
    if (cur) {
        update_curr(c);
        cur->state = HOST_TASK_RUNNABLE;
        rq_add(c, cur);
    }
    while (c->nq) {
        host_task *t = c->rq[0];
        rq_del(c, t);
        t->state = HOST_TASK_WAKING;
        int to = select_cpu(h, t);
        des_time since = t->runnable_since;
        enqueue_on(h, t, to, -1, false);
        t->runnable_since = since;
    }
    c->need_resched = false;
    des_cancel(h->sim, &c->tick_ev);
    offline_flush(c);
    c->state = HOST_CPU_OFFLINE;
    acct(c, HOST_ACCT_OFFLINE);
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
    c->t->hwthread_state = HW_HWTHREAD_IN_KERNEL;
    hw_set_sink(c->t, host_thread_sink, c);
    hw_set_mode(h->hw, c->t, HW_MODE_HOST_NAP); /* idle in the host, tick stopped */
    c->state = HOST_CPU_IDLE;
    acct(c, HOST_ACCT_IDLE);
    c->min_vruntime = 0;
    h->hotplug_online++;
    notify(h, cpu, HOST_HOTPLUG_ONLINE);
    /* newidle balance: pull work if some queue has waiting tasks */
    if (pull_task(c)) {
        c->need_resched = false;
        host_smp_send_reschedule(h, -1, cpu);
    }
    return HV_OK;
}

static void hotplug_event(des_sim *sim, void *obj, uint64_t arg)
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

/* ---------- construction ---------- */

host *host_new(des_sim *sim, hw_machine *hw, const host_cfg *cfg, uint64_t seed, uint64_t run)
{
    HV_CHECK(cfg->hz >= 1);
    host *h = hv_xcalloc(1, sizeof *h);
    h->sim = sim;
    h->hw = hw;
    h->cfg = *cfg;
    h->seed = seed;
    h->run = run;
    h->tick_period = DES_S(1) / cfg->hz;
    h->cpus = hv_xcalloc(hw->ncpus, sizeof *h->cpus);
    for (uint32_t i = 0; i < hw->ncpus; i++) {
        host_cpu *c = &h->cpus[i];
        c->cpu = (int)i;
        c->h = h;
        c->t = hw_thread_of(hw, (int)i);
        c->state = HOST_CPU_OFFLINE;
        c->acct = HOST_ACCT_OFFLINE;
        c->acct_since = des_now(sim);
        c->msgs_since = DES_TIME_MAX;
        hw_set_sink(c->t, host_thread_sink, c);
        bool linux_cpu = cfg->secondaries == HOST_SECONDARIES_ONLINE ||
                         hw_cpu_is_subcore_primary(hw, (int)i);
        if (linux_cpu) {
            c->online = true;
            c->state = HOST_CPU_IDLE;
            acct(c, HOST_ACCT_IDLE);
            c->t->hwthread_state = HW_HWTHREAD_IN_KERNEL;
            hw_nap_enter(hw, c->t, HW_MODE_HOST_NAP);
        }
    }
    if (cfg->hotplug_core >= 0) {
        HV_CHECK_U64(cfg->hotplug_core, <, hw->ncores);
        des_at(sim, cfg->hotplug_off_at, hotplug_event, h, 0);
        if (cfg->hotplug_on_at > cfg->hotplug_off_at)
            des_at(sim, cfg->hotplug_on_at, hotplug_event, h, 1);
    }
    return h;
}

void host_free(host *h)
{
    if (!h)
        return;
    for (uint32_t i = 0; i < h->ntasks; i++) {
        des_hist_free(&h->tasks[i]->wake_lat);
        des_hist_free(&h->tasks[i]->sched_lat);
        free(h->tasks[i]);
    }
    free(h->tasks);
    for (uint32_t i = 0; i < h->hw->ncpus; i++) {
        free(h->cpus[i].rq);
        free(h->cpus[i].calls);
    }
    free(h->cpus);
    while (h->syncs) {
        kick_sync *n = h->syncs->next;
        free(h->syncs);
        h->syncs = n;
    }
    free(h);
}

static const char *check_fn(des_sim *sim, void *ctx)
{
    (void)sim;
    return host_check(ctx);
}

void host_install_checks(host *h) { des_set_check(h->sim, check_fn, h); }

void host_account(host *h)
{
    for (uint32_t i = 0; i < h->hw->ncpus; i++)
        acct(&h->cpus[i], h->cpus[i].acct);
    hw_account(h->hw);
}

void host_reset_stats(host *h)
{
    host_account(h);
    for (uint32_t i = 0; i < h->hw->ncpus; i++) {
        host_cpu *c = &h->cpus[i];
        for (int a = 0; a < HOST_ACCT_COUNT; a++)
            c->acct_ns[a] = 0;
        c->n_switches = c->n_ticks = c->n_irqs = c->n_preempt = 0;
        for (int m = 0; m < PPC_MSG_COUNT; m++)
            c->n_demux[m] = 0;
    }
    for (uint32_t i = 0; i < h->ntasks; i++) {
        host_task *t = h->tasks[i];
        t->run_ns = t->wait_ns = 0;
        t->n_wakeups = t->n_switch_in = t->n_preempted = t->n_migrations = 0;
        des_hist_reset(&t->wake_lat);
        des_hist_reset(&t->sched_lat);
    }
    h->migrations = h->affinity_broken = h->kvm_enters = 0;
    for (int m = 0; m < PPC_MSG_COUNT; m++) {
        h->base_ipi_sent[m] = h->ipi_sent[m];
        h->base_ipi_raised[m] = h->ipi_raised[m];
        h->base_ipi_coalesced[m] = h->ipi_coalesced[m];
        h->base_ipi_demuxed[m] = h->ipi_demuxed[m];
    }
    h->base_wakeups_consumed = h->wakeups_consumed;
    h->base_wakeups_coalesced = h->wakeups_coalesced;
    h->stats_since = des_now(h->sim);
    hw_reset_stats(h->hw);
}

/* ---------- checks ---------- */

const char *host_check(const host *h)
{
    static _Thread_local char buf[256];
    const char *e = hw_check(h->hw);
    if (e)
        return e;
    uint64_t queued = 0;
    des_time now = des_now(h->sim);
#define FAIL(...)                                                           \
    do {                                                                    \
        snprintf(buf, sizeof buf, __VA_ARGS__);                             \
        return buf;                                                         \
    } while (0)
    for (uint32_t i = 0; i < h->hw->ncpus; i++) {
        const host_cpu *c = &h->cpus[i];
        if (!c->online && (c->curr || c->nq || c->state != HOST_CPU_OFFLINE))
            FAIL("I-host-online: offline cpu %u has tasks or state %s", i,
                 host_cpu_state_name(c->state));
        if (!c->online && !(hw_mode_is_nap(c->t->mode) || c->t->mode == HW_MODE_KVM_RM ||
                            c->t->mode == HW_MODE_GUEST))
            FAIL("I-host-online: offline cpu %u in mode %s", i, hw_mode_name(c->t->mode));
        if (c->online && c->state == HOST_CPU_OFFLINE)
            FAIL("I-host-online: online cpu %u in state offline", i);
        if (c->curr && (c->curr->state != HOST_TASK_RUNNING || c->curr->cpu != (int)i))
            FAIL("I-host-unique: cpu %u current task %s is %s on cpu %d", i, c->curr->name,
                 host_task_state_name(c->curr->state), c->curr->cpu);
        if (c->state == HOST_CPU_TASK && !(c->curr && c->curr->has_work))
            FAIL("I-host-state: cpu %u in task state without a computing task", i);
        if (c->state == HOST_CPU_IDLE && c->curr)
            FAIL("I-host-state: idle cpu %u has a current task", i);
        for (uint32_t k = 0; k < c->nq; k++)
            if (c->rq[k]->state != HOST_TASK_RUNNABLE || c->rq[k]->cpu != (int)i ||
                c->rq[k] == c->curr)
                FAIL("I-host-rq: cpu %u queued task %s is %s on cpu %d", i, c->rq[k]->name,
                     host_task_state_name(c->rq[k]->state), c->rq[k]->cpu);
        queued += c->nq + (c->curr ? 1 : 0);
        if (c->online && c->state != HOST_CPU_KVM && c->msgs_since != DES_TIME_MAX &&
            c->t->ipi_msgs && now - c->msgs_since > h->cfg.ipi_pending_max)
            FAIL("I-host-ipi-age: cpu %u has had messages 0x%llx pending for %llu ns", i,
                 (unsigned long long)c->t->ipi_msgs,
                 (unsigned long long)(now - c->msgs_since));
    }
    uint64_t live = 0;
    for (uint32_t i = 0; i < h->ntasks; i++)
        if (h->tasks[i]->state == HOST_TASK_RUNNABLE || h->tasks[i]->state == HOST_TASK_RUNNING)
            live++;
    if (live != queued)
        FAIL("I-host-rq: %llu runnable+running tasks but %llu queued+current",
             (unsigned long long)live, (unsigned long long)queued);
#undef FAIL
    return NULL;
}

const char *host_conservation(const host *h)
{
    static _Thread_local char buf[256];
    const char *e = hw_conservation(h->hw);
    if (e)
        return e;
    for (int msg = 0; msg < PPC_MSG_COUNT; msg++) {
        /* Outstanding copies: set in the word, taken into demux_all, or
         * being handled (PH_MSG: taken out of demux_all, counted as demuxed
         * when its handler's time is over). A CPU can hold more than one:
         * one being demultiplexed and a new one in the word. */
        uint64_t pending = 0;
        for (uint32_t i = 0; i < h->hw->ncpus; i++) {
            const host_cpu *c = &h->cpus[i];
            pending += hw_msg_test(c->t->ipi_msgs, msg);
            pending += (c->demux_all & hw_msg_bit(msg)) != 0;
            pending += c->phase == PH_MSG && c->cur_msg == msg;
        }
        if (h->ipi_raised[msg] != h->ipi_demuxed[msg] + pending) {
            snprintf(buf, sizeof buf, "host: %s raised %llu != demuxed %llu + pending %llu",
                     hw_msg_name(msg), (unsigned long long)h->ipi_raised[msg],
                     (unsigned long long)h->ipi_demuxed[msg], (unsigned long long)pending);
            return buf;
        }
    }
    if (h->wakeups_sent != h->wakeups_consumed + h->wakeups_coalesced) {
        snprintf(buf, sizeof buf, "host: wakeups sent %llu != consumed %llu + coalesced %llu",
                 (unsigned long long)h->wakeups_sent, (unsigned long long)h->wakeups_consumed,
                 (unsigned long long)h->wakeups_coalesced);
        return buf;
    }
    return NULL;
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
