/*
 * host/host_internal.h — what the host room's files share (the host__
 * prefix, like libuv's uv__). Not part of the room's API: host/host.h is.
 *
 *   host.c        construction, names, accounting, stats reset, checks
 *   host_sched.c  run queues, placement, the scheduler tick, the task API
 *   host_cpu.c    the per-CPU kernel-step machine, idle, the interrupt sink
 *   host_irq.c    taking an interrupt, demux, offline flush, the tick timer,
 *                 rescheduling, IPIs and cross-CPU calls
 *   host_kvm.c    handover to KVM and back, CPU hotplug
 *   host_stop.c   the per-CPU stopper (stop class) and its work queue
 *   host_timer.c  hrtimers on the decrementer
 *
 * Concurrency contract: single-threaded (the DES thread of one model).
 */
#ifndef HV_HOST_HOST_INTERNAL_H
#define HV_HOST_HOST_INTERNAL_H

#include "host/host.h"

/* One queued smp_call_function entry (a CALL_FUNCTION message's work);
 * sync set when it is part of a kick_all_cpus_sync. */
struct host_call {
    host_done_fn fn;
    void *arg;
    struct kick_sync *sync;
};

/* A kick_all_cpus_sync in flight: done(arg) when remaining reaches 0.
 * Every record stays on host.syncs until host_free. */
typedef struct kick_sync {
    struct kick_sync *next;
    uint32_t remaining;
    host_done_fn done;
    void *arg;
} kick_sync;

/* Kernel steps (host_cpu.phase): the cost-table step in progress. */
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
    PH_WORK,     /* task compute completion (state TASK) */
    PH_HRTIMER,  /* the expired hrtimers' callbacks (then the tick if due) */
};
/* Where the interrupt being handled came from (host_cpu.demux_src). */
enum { SRC_NONE, SRC_XICS, SRC_DOORBELL };

static inline des_time host__now(const host *h) { return des_now(h->sim); }
static inline des_time host__cost(host_cpu *c, hw_cost_id id) { return hw_cost(c->h->hw, c->t, id); }

/* host.c */
void host__acct(host_cpu *c, host_acct a); /* close the running account, start a */
/* The queued_nr level of c: -1 when no queued task may run elsewhere (nq ==
 * nq_fixed), else its tasks (queued and current) less one, the last level
 * for HOST_NR_LEVELS or more. */
static inline int host__nr_level(const host_cpu *c)
{
    if (c->nq == c->nq_fixed)
        return -1;
    uint32_t nr = c->nq + (c->curr ? 1u : 0u);
    return nr >= HOST_NR_LEVELS ? HOST_NR_LEVELS - 1 : (int)nr - 1;
}

/* Bring c's bits of h->online_cpus, idle_cpus and queued_nr (with the
 * level counts) up to date: after every change of c->online, c->curr or
 * c->nq. */
static inline void host__cpu_masks(host_cpu *c)
{
    host *h = c->h;
    int n = c->cpu;
    if (c->online)
        host_cpumask_set(&h->online_cpus, n);
    else
        host_cpumask_clear(&h->online_cpus, n);
    if (c->online && !c->curr && c->nq == 0)
        host_cpumask_set(&h->idle_cpus, n);
    else
        host_cpumask_clear(&h->idle_cpus, n);
    int lv = host__nr_level(c);
    if (lv != c->nr_level) {
        if (c->nr_level >= 0) {
            host_cpumask_clear(&h->queued_nr[c->nr_level], n);
            h->n_queued_nr[c->nr_level]--;
        }
        if (lv >= 0) {
            host_cpumask_set(&h->queued_nr[lv], n);
            h->n_queued_nr[lv]++;
        }
        c->nr_level = lv;
    }
}

/* host_sched.c */
void host__update_min_vruntime(host_cpu *c);
void host__rq_add(host_cpu *c, host_task *t);
void host__rq_del(host_cpu *c, host_task *t);
host_task *host__rq_pick(const host_cpu *c);
void host__update_curr(host_cpu *c);
int host__select_cpu(host *h, host_task *t);
void host__enqueue_on(host *h, host_task *t, int cpu, int from_cpu, bool wakeup);
host_task *host__pull_task(host_cpu *c);
void host__scheduler_tick(host_cpu *c);
void host__check_task_ctx(host_task *t, const char *what);

/* host_cpu.c */
void host__step(host_cpu *c, int phase, des_time d);
void host__pause_task(host_cpu *c);
void host__dispatch(host_cpu *c);

/* host_irq.c */
des_time host__msg_effect(host_cpu *c, int msg);
void host__take_messages(host_cpu *c);
void host__next_msg(host_cpu *c);
void host__irq_entry_done(host_cpu *c);
void host__offline_flush(host_cpu *c);
void host__tick_arm(host_cpu *c);
void host__resched_cpu(host *h, int cpu, int from_cpu);

/* host_kvm.c */
void host__hotplug_event(des_sim *sim, void *obj, uint64_t arg);

/* host_stop.c */
void host__stopper_park(host *h, int cpu);
void host__stoppers_free(host *h);

/* host_timer.c */
uint32_t host__hrtimers_expired(const host_cpu *c);
void host__run_hrtimers(host_cpu *c);
void host__hrtimers_dead_cpu(host_cpu *c);

#endif
