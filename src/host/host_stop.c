/*
 * host/host_stop.c — the per-CPU stopper of the stop scheduling class and
 * its work queue. Mirrors kernel/stop_machine.c (cpu_stop_queue_work,
 * cpu_stopper_thread, the "migration/N" kthreads) and kernel/sched/
 * stop_task.c (stop_sched_class: the scheduling rules live in
 * host_sched.c); host_stop_cpu_async is the M3 RFC's stop_cpus_async()
 * for one CPU ("sched: introduce stop_cpus_async() to schedule special tsk
 * on cpu"): it queues and wakes, and returns without waiting. See
 * host/host.h ("The stop class").
 *
 * Simplifications: the stopper exists from its first use (the kernel
 * creates it at boot; it has no cost until it runs); a CPU going offline
 * parks its stopper and drops its queued works (their done flag stays
 * false, as cpu_stop_signal_done(done, false) leaves it).
 */
#include "host/host_internal.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>

static void stopper_run(host *h, host_task *t);
static const host_task_ops stopper_ops = {stopper_run};

static host_stopper *stopper_of(host *h, const host_task *t) { return &h->stoppers[t->cpu]; }

/* cpu_stopper_thread: run the next work, or sleep until one is queued. */
static void stopper_run(host *h, host_task *t)
{
    host_stopper *st = stopper_of(h, t);
    HV_CHECK(!st->busy);
    if (st->q.n == 0) {
        host_task_block(h, t);
        return;
    }
    host_stop_work w;
    hv_ring_pop(&st->q, &w);
    st->busy = true;
    w.fn(h, t, w.arg, w.data);
}

void host_stop_done(host *h, host_task *t)
{
    HV_CHECK(t->stop_class);
    host_stopper *st = stopper_of(h, t);
    HV_CHECK(st->busy);
    st->busy = false;
    st->done++;
    stopper_run(h, t);
}

/* The stopper of cpu: created asleep on its CPU the first time it is needed. */
static host_task *stopper_task(host *h, int cpu)
{
    host_stopper *st = &h->stoppers[cpu];
    if (st->t)
        return st->t;
    char name[32];
    snprintf(name, sizeof name, "migration/%d", cpu);
    host_cpumask one = {0};
    host_cpumask_set(&one, cpu);
    host_task *t = host_task_new(h, name, &one, &stopper_ops, NULL);
    t->stop_class = true;
    t->state = HOST_TASK_SLEEPING;
    t->cpu = cpu;
    st->t = t;
    return t;
}

bool host_stop_cpu_async(host *h, int from_cpu, int cpu, host_stop_fn fn, void *arg, uint64_t data)
{
    HV_CHECK(cpu >= 0 && (uint32_t)cpu < h->hw->ncpus);
    if (!h->cpus[cpu].online)
        return false; /* the stopper is disabled: the work is not queued */
    host_task *t = stopper_task(h, cpu);
    host_stopper *st = &h->stoppers[cpu];
    *(host_stop_work *)hv_ring_push(&st->q, sizeof(host_stop_work)) = (host_stop_work){fn, arg, data};
    st->queued++;
    host_task_wake(h, t, from_cpu); /* wake_up_process(stopper->thread) */
    return true;
}

/* CPU offline (stop_machine_park): the stopper sleeps, its works are dropped. */
void host__stopper_park(host *h, int cpu)
{
    host_stopper *st = &h->stoppers[cpu];
    if (!st->t)
        return;
    hv_ring_clear(&st->q);
    st->busy = false;
}

void host__stoppers_free(host *h)
{
    for (uint32_t i = 0; i < h->hw->ncpus; i++)
        hv_ring_free(&h->stoppers[i].q);
    free(h->stoppers);
}
