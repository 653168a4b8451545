/*
 * host/host_sched.c — the CFS-like scheduler: per-CPU run queues, wakeup
 * placement, the tick's preemption and push balance, and the task API.
 * Mirrors kernel/sched/fair.c (update_curr, place_entity, pick_next_entity,
 * check_preempt_wakeup, select_task_rq_fair, idle_balance, task_tick_fair)
 * and kernel/sched/core.c (try_to_wake_up, wake_up_new_task,
 * scheduler_tick). Simplifications: host/host.h.
 */
#include "host/host_internal.h"

#include "base/hv.h"

#include <stdio.h>
#include <string.h>

/* ---------- run queue ---------- */

static uint32_t nr_running(const host_cpu *c) { return c->nq + (c->curr ? 1u : 0u); }
static bool cpu_idle(const host_cpu *c) { return c->online && !c->curr && c->nq == 0; }

/* The stop class is outside CFS: no vruntime, not in min_vruntime. */
void host__update_min_vruntime(host_cpu *c)
{
    des_time m = DES_TIME_MAX;
    if (c->curr && !c->curr->stop_class)
        m = c->curr->vruntime;
    for (uint32_t i = 0; i < c->nq; i++)
        if (!c->rq[i]->stop_class && c->rq[i]->vruntime < m)
            m = c->rq[i]->vruntime;
    if (m != DES_TIME_MAX && m > c->min_vruntime)
        c->min_vruntime = m;
}

void host__rq_add(host_cpu *c, host_task *t)
{
    if (c->nq == c->capq) {
        c->capq = c->capq ? 2 * c->capq : 8;
        c->rq = hv_xrealloc(c->rq, c->capq * sizeof *c->rq);
    }
    c->rq[c->nq++] = t;
    c->nq_fixed += t->only_cpu == c->cpu;
    host__cpu_masks(c);
    t->cpu = c->cpu;
    t->state = HOST_TASK_RUNNABLE;
    t->runnable_since = host__now(c->h);
}

void host__rq_del(host_cpu *c, host_task *t)
{
    for (uint32_t i = 0; i < c->nq; i++)
        if (c->rq[i] == t) {
            memmove(&c->rq[i], &c->rq[i + 1], (c->nq - i - 1) * sizeof *c->rq);
            c->nq--;
            c->nq_fixed -= t->only_cpu == c->cpu;
            host__cpu_masks(c);
            return;
        }
    HV_DIE("task %s not queued on cpu %d", t->name, c->cpu);
}

/* pick_next_task: the stopper first (stop_sched_class), else the leftmost
 * (smallest vruntime; ties: earliest queued). */
host_task *host__rq_pick(const host_cpu *c)
{
    host_task *best = NULL;
    for (uint32_t i = 0; i < c->nq; i++) {
        if (c->rq[i]->stop_class)
            return c->rq[i];
        if (!best || c->rq[i]->vruntime < best->vruntime)
            best = c->rq[i];
    }
    return best;
}

/* Charge the running task's time since exec_start. */
void host__update_curr(host_cpu *c)
{
    host_task *t = c->curr;
    if (!t)
        return;
    des_time now = host__now(c->h);
    if (now > t->exec_start) {
        des_time d = now - t->exec_start;
        if (!t->stop_class) /* update_curr_stop charges no vruntime */
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

/* The task's two masks (affinity and the RFC's sys_cpumask) allow cpu. */
static bool may_run(const host_task *t, int cpu) { return host_cpumask_test(&t->allowed, cpu); }

/* t->allowed = affinity & sys_mask, after either changed. */
static void masks_changed(host_task *t)
{
    int n = 0;
    for (size_t k = 0; k < HV_ARRAY_LEN(t->allowed.w); k++) {
        t->allowed.w[k] = t->affinity.w[k] & t->sys_mask.w[k];
        n += __builtin_popcountll(t->allowed.w[k]);
    }
    t->only_cpu = n == 1 ? host_cpumask_next(&t->allowed, 0, HW_MAX_CPUS) : -1;
}

static bool allowed(const host *h, const host_task *t, int cpu)
{
    return h->cpus[cpu].online && may_run(t, cpu);
}

/* The first idle CPU t may run on in [from, to), or -1. */
static int idle_allowed(const host *h, const host_task *t, int from, int to)
{
    return host_cpumask_next_and(&h->idle_cpus, &t->allowed, from, to);
}

/* select_task_rq: prev if idle; else an idle CPU in prev's chip (the first
 * after prev, wrapping around the chip); else the least loaded allowed CPU
 * (ties: prev, then the first from prev on, wrapping around the machine).
 * The searches walk the masks of idle and online CPUs (h->idle_cpus,
 * h->online_cpus): a chip's CPUs are one range of CPU numbers, and no CPU
 * is less loaded than an idle one, so the least loaded is the first idle
 * allowed CPU from prev on when there is one. */
int host__select_cpu(host *h, host_task *t)
{
    hw_machine *m = h->hw;
    int n = (int)m->ncpus, prev = t->cpu, c;
    if (prev >= 0 && allowed(h, t, prev) && cpu_idle(&h->cpus[prev]))
        return prev;
    if (prev >= 0) {
        int cpc = (int)m->cfg.cores_per_chip, chip = hw_cpu_chip(m, prev);
        int lo = hw_core_first_cpu(m, chip * cpc), hi = hw_core_first_cpu(m, (chip + 1) * cpc);
        if (hi > n)
            hi = n;
        if ((c = idle_allowed(h, t, prev + 1, hi)) >= 0 || (c = idle_allowed(h, t, lo, prev)) >= 0)
            return c;
    }
    int start = prev >= 0 ? prev : 0;
    if ((c = idle_allowed(h, t, start, n)) >= 0 || (c = idle_allowed(h, t, 0, start)) >= 0)
        return c;
    int best = -1;
    uint32_t best_nr = UINT32_MAX;
    for (int pass = 0; pass < 2; pass++) /* the online CPUs from start on, then before it */
        for (c = host_cpumask_next_and(&h->online_cpus, &t->allowed, pass ? 0 : start, pass ? start : n);
             c >= 0; c = host_cpumask_next_and(&h->online_cpus, &t->allowed, c + 1, pass ? start : n)) {
            uint32_t nr = nr_running(&h->cpus[c]);
            if (nr < best_nr) {
                best = c;
                best_nr = nr;
            }
        }
    if (best < 0) { /* no allowed online CPU: break affinity (select_fallback_rq), never the system mask */
        h->affinity_broken++;
        for (int i = 0; i < n; i++) {
            c = (start + i) % n;
            if (h->cpus[c].online && host_cpumask_test(&t->sys_mask, c) && nr_running(&h->cpus[c]) < best_nr) {
                best = c;
                best_nr = nr_running(&h->cpus[c]);
            }
        }
        HV_CHECK(best >= 0);
        host_cpumask_set(&t->affinity, best);
        masks_changed(t);
    }
    return best;
}

/* Enqueue t on cpu (from a wakeup, a migration or a preemption elsewhere). */
void host__enqueue_on(host *h, host_task *t, int cpu, int from_cpu, bool wakeup)
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
    host__rq_add(c, t);
    /* check_preempt_curr: the stop class preempts every other task */
    if (!c->curr || (t->stop_class && !c->curr->stop_class)) {
        host__resched_cpu(h, cpu, from_cpu);
    } else if (wakeup && !c->curr->stop_class && c->curr->vruntime > t->vruntime &&
               c->curr->vruntime - t->vruntime > h->cfg.sched_wakeup_granularity) {
        host__resched_cpu(h, cpu, from_cpu);
    }
}

/* The first task of o's run queue that may run on cpu, or NULL. */
static host_task *first_allowed(const host_cpu *o, int cpu)
{
    for (uint32_t k = 0; k < o->nq; k++)
        if (may_run(o->rq[k], cpu))
            return o->rq[k];
    return NULL;
}

/* Pull one waiting task from the busiest allowed queue (idle balance; ties:
 * the lowest CPU number): the online CPU other than c with the most tasks
 * (nr_running) that has a queued task allowed on c, if it has two or more.
 * Only CPUs with queued tasks allowed elsewhere can give one, and
 * h->queued_nr holds them by load: the top level (HOST_NR_LEVELS tasks or more) is searched for the
 * exact busiest, then each level below it, down to two tasks, for its first
 * CPU in CPU order. */
host_task *host__pull_task(host_cpu *c)
{
    host *h = c->h;
    int n = (int)h->hw->ncpus;
    host_cpu *busiest = NULL;
    host_task *pick = NULL;
    const host_cpumask *top = &h->queued_nr[HOST_NR_LEVELS - 1];
    for (int i = h->n_queued_nr[HOST_NR_LEVELS - 1] ? host_cpumask_next(top, 0, n) : -1; i >= 0;
         i = host_cpumask_next(top, i + 1, n)) {
        host_cpu *o = &h->cpus[i];
        if (o == c || !o->online || (busiest && nr_running(o) <= nr_running(busiest)))
            continue;
        host_task *t = first_allowed(o, c->cpu);
        if (t) {
            busiest = o;
            pick = t;
        }
    }
    for (int lv = HOST_NR_LEVELS - 2; !pick && lv >= 1; lv--) {
        if (!h->n_queued_nr[lv])
            continue;
        const host_cpumask *m = &h->queued_nr[lv];
        for (int i = host_cpumask_next(m, 0, n); i >= 0 && !pick; i = host_cpumask_next(m, i + 1, n)) {
            host_cpu *o = &h->cpus[i];
            if (o != c && o->online && (pick = first_allowed(o, c->cpu)) != NULL)
                busiest = o;
        }
    }
    if (!pick || nr_running(busiest) < 2)
        return NULL;
    host__rq_del(busiest, pick);
    migrate_vruntime(pick, busiest, c);
    pick->n_migrations++;
    h->migrations++;
    des_time since = pick->runnable_since;
    host__rq_add(c, pick);
    pick->runnable_since = since;
    return pick;
}

/* scheduler_tick: charge the task, preempt it if its slice is used. */
void host__scheduler_tick(host_cpu *c)
{
    host *h = c->h;
    c->n_ticks++;
    host_task *t = c->curr;
    if (!t || t->state != HOST_TASK_RUNNING)
        return;
    host__update_curr(c);
    host__update_min_vruntime(c);
    if (c->nq == 0 || t->stop_class) /* task_tick_stop: never preempted */
        goto balance;
    des_time slice = h->cfg.sched_latency / nr_running(c);
    if (slice < h->cfg.sched_min_granularity)
        slice = h->cfg.sched_min_granularity;
    des_time ran = t->run_ns - t->slice_start_run;
    host_task *left = host__rq_pick(c);
    if (ran > slice)
        c->need_resched = true;
    else if (ran >= h->cfg.sched_min_granularity && t->vruntime > left->vruntime &&
             t->vruntime - left->vruntime > slice)
        c->need_resched = true;
balance:
    /* push one waiting task to an idle allowed CPU (nohz idle balance; the
     * first idle CPU that one of them may run on) */
    if (c->nq > 0) {
        for (int i = host_cpumask_next(&h->idle_cpus, 0, (int)h->hw->ncpus); i >= 0;
             i = host_cpumask_next(&h->idle_cpus, i + 1, (int)h->hw->ncpus)) {
            host_cpu *o = &h->cpus[i];
            if (o == c || !cpu_idle(o))
                continue;
            for (uint32_t k = 0; k < c->nq; k++) {
                host_task *w = c->rq[k];
                if (may_run(w, o->cpu)) {
                    des_time since = w->runnable_since;
                    host__rq_del(c, w);
                    migrate_vruntime(w, c, o);
                    w->n_migrations++;
                    h->migrations++;
                    host__rq_add(o, w);
                    w->runnable_since = since;
                    host__resched_cpu(h, o->cpu, c->cpu);
                    return;
                }
            }
        }
    }
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
    host_cpumask_fill(&t->sys_mask, (int)h->hw->ncpus);
    masks_changed(t);
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
    if (t->stop_class && !h->cpus[t->cpu].online) {
        t->state = HOST_TASK_SLEEPING; /* a parked stopper (its CPU went offline) */
        return;
    }
    int cpu = host__select_cpu(h, t);
    host__enqueue_on(h, t, cpu, t->wake_from, true);
}

static void wake_after_ttwu(host *h, host_task *t, int from_cpu)
{
    t->state = HOST_TASK_WAKING;
    t->wake_at = host__now(h);
    t->wake_from = from_cpu;
    des_time d = hw_cost_draw(&h->hw->costs, HW_COST_sched_ttwu, &t->rng);
    des_after(h->sim, d, do_wake, t, 0);
}

void host_task_set_sys_cpumask(host_task *t, const host_cpumask *m)
{
    HV_CHECK(t->state == HOST_TASK_NEW);
    t->sys_mask = *m;
    masks_changed(t);
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

void host__check_task_ctx(host_task *t, const char *what)
{
    if (!t->in_cb || t->state != HOST_TASK_RUNNING || t->has_work || t->kvm_req)
        HV_DIE("%s(%s): not in the task's context or an action is already chosen", what,
               t->name);
}

void host_task_compute(host *h, host_task *t, des_time ns, host_task_fn done, void *arg)
{
    HV_CHECK(t->h == h);
    host__check_task_ctx(t, "host_task_compute");
    t->has_work = true;
    t->work_left = ns;
    t->work_done = done;
    t->work_arg = arg;
}

void host_task_preempt(host *h, host_task *t, bool on)
{
    HV_CHECK(t->h == h);
    host__check_task_ctx(t, "host_task_preempt");
    t->preempt_off = !on;
}

void host_task_block(host *h, host_task *t)
{
    HV_CHECK(t->h == h);
    host__check_task_ctx(t, "host_task_block");
    t->state = HOST_TASK_SLEEPING;
}

void host_task_exit(host *h, host_task *t)
{
    HV_CHECK(t->h == h);
    host__check_task_ctx(t, "host_task_exit");
    t->state = HOST_TASK_DEAD;
}
