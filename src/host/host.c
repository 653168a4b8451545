/*
 * host/host.c — building and freeing the host, the names of its printed
 * enums, accounting, the stats reset and the checks (host_check,
 * host_conservation). See host/host.h (the room's spec) and
 * host/host_internal.h (what the room's files share).
 */
#include "host/host_internal.h"

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

void host__acct(host_cpu *c, host_acct a)
{
    des_time now = host__now(c->h);
    c->acct_ns[c->acct] += now - c->acct_since;
    c->acct_since = now;
    c->acct = a;
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
    h->stoppers = hv_xcalloc(hw->ncpus, sizeof *h->stoppers);
    des_hist_init(&h->hrtimer_late[0]);
    des_hist_init(&h->hrtimer_late[1]);
    for (uint32_t i = 0; i < hw->ncpus; i++) {
        host_cpu *c = &h->cpus[i];
        c->cpu = (int)i;
        c->h = h;
        c->t = hw_thread_of(hw, (int)i);
        c->state = HOST_CPU_OFFLINE;
        c->acct = HOST_ACCT_OFFLINE;
        c->acct_since = des_now(sim);
        c->msgs_since = DES_TIME_MAX;
        c->nr_level = -1;
        hw_set_sink(c->t, host_thread_sink, c);
        bool linux_cpu = cfg->secondaries == HOST_SECONDARIES_ONLINE ||
                         hw_cpu_is_subcore_primary(hw, (int)i);
        if (linux_cpu) {
            c->online = true;
            host__cpu_masks(c);
            c->state = HOST_CPU_IDLE;
            host__acct(c, HOST_ACCT_IDLE);
            c->t->hwthread_state = HW_HWTHREAD_IN_KERNEL;
            hw_nap_enter(hw, c->t, HW_MODE_HOST_NAP);
        }
    }
    if (cfg->hotplug_core >= 0) {
        HV_CHECK_U64(cfg->hotplug_core, <, hw->ncores);
        des_at(sim, cfg->hotplug_off_at, host__hotplug_event, h, 0);
        if (cfg->hotplug_on_at > cfg->hotplug_off_at)
            des_at(sim, cfg->hotplug_on_at, host__hotplug_event, h, 1);
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
    host__stoppers_free(h);
    des_hist_free(&h->hrtimer_late[0]);
    des_hist_free(&h->hrtimer_late[1]);
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
        host__acct(&h->cpus[i], h->cpus[i].acct);
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
    h->rm_action_task_ns = 0;
    h->hrtimers_fired = 0;
    des_hist_reset(&h->hrtimer_late[0]);
    des_hist_reset(&h->hrtimer_late[1]);
    for (int m = 0; m < PPC_MSG_COUNT; m++) {
        h->base_ipi_sent[m] = h->ipi_sent[m];
        h->base_ipi_raised[m] = h->ipi_raised[m];
        h->base_ipi_coalesced[m] = h->ipi_coalesced[m];
        h->base_ipi_demuxed[m] = h->ipi_demuxed[m];
    }
    h->base_wakeups_consumed = h->wakeups_consumed;
    h->base_wakeups_coalesced = h->wakeups_coalesced;
    hw_reset_stats(h->hw);
}

/* ---------- checks ---------- */

const char *host_check(host *h)
{
    const char *e = hw_check(h->hw);
    if (e)
        return e;
    uint64_t queued = 0;
    uint32_t nlevel[HOST_NR_LEVELS] = {0};
    des_time now = des_now(h->sim);
#define FAIL(...)                                                           \
    do {                                                                    \
        snprintf(h->check_msg, sizeof h->check_msg, __VA_ARGS__);           \
        return h->check_msg;                                                \
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
        if (c->curr) {
            if (!host_cpumask_test(&c->curr->sys_mask, (int)i))
                FAIL("I-host-mask: cpu %u runs task %s outside its system mask", i, c->curr->name);
            if (c->curr->stop_class && h->stoppers[i].t != c->curr)
                FAIL("I-host-stop: cpu %u runs the stopper %s of another cpu", i, c->curr->name);
        }
        if (c->state == HOST_CPU_TASK && !(c->curr && c->curr->has_work))
            FAIL("I-host-state: cpu %u in task state without a computing task", i);
        if (c->state == HOST_CPU_IDLE && c->curr)
            FAIL("I-host-state: idle cpu %u has a current task", i);
        uint32_t fixed = 0;
        for (uint32_t k = 0; k < c->nq; k++)
            fixed += c->rq[k]->only_cpu == (int)i;
        if (c->nq_fixed != fixed)
            FAIL("I-host-rq: cpu %u counts %u queued tasks allowed on it only, its queue holds %u", i, c->nq_fixed,
                 fixed);
        int lv = host__nr_level(c);
        for (int k = 0; k < HOST_NR_LEVELS; k++)
            if (host_cpumask_test(&h->queued_nr[k], (int)i) != (k == lv))
                FAIL("I-host-rq: cpu %u has %u queued tasks and %s current one but is %sin the mask of queued "
                     "CPUs of level %d",
                     i, c->nq, c->curr ? "a" : "no", k == lv ? "not " : "", k);
        if (lv >= 0)
            nlevel[lv]++;
        if (c->nr_level != lv)
            FAIL("I-host-rq: cpu %u records level %d of queued CPUs, its queue is of level %d", i, c->nr_level, lv);
        if (host_cpumask_test(&h->online_cpus, (int)i) != c->online)
            FAIL("I-host-rq: cpu %u is %s but %sin the mask of online CPUs", i, c->online ? "online" : "offline",
                 c->online ? "not " : "");
        bool idle = c->online && !c->curr && c->nq == 0;
        if (host_cpumask_test(&h->idle_cpus, (int)i) != idle)
            FAIL("I-host-rq: cpu %u is %sidle (online %d, current %s, %u queued) but %sin the mask of idle CPUs", i,
                 idle ? "" : "not ", c->online, c->curr ? c->curr->name : "none", c->nq, idle ? "not " : "");
        for (uint32_t k = 0; k < c->nq; k++) {
            const host_task *q = c->rq[k];
            if (q->state != HOST_TASK_RUNNABLE || q->cpu != (int)i || q == c->curr)
                FAIL("I-host-rq: cpu %u queued task %s is %s on cpu %d", i, q->name,
                     host_task_state_name(q->state), q->cpu);
            if (!host_cpumask_test(&q->sys_mask, (int)i))
                FAIL("I-host-mask: cpu %u has task %s queued outside its system mask", i, q->name);
            if (q->stop_class && h->stoppers[i].t != q)
                FAIL("I-host-stop: cpu %u has the stopper %s of another cpu queued", i, q->name);
        }
        queued += c->nq + (c->curr ? 1 : 0);
        if (c->online && c->state != HOST_CPU_KVM && c->msgs_since != DES_TIME_MAX &&
            c->t->ipi_msgs && now - c->msgs_since > h->cfg.ipi_pending_max)
            FAIL("I-host-ipi-age: cpu %u has had messages 0x%llx pending for %llu ns", i,
                 (unsigned long long)c->t->ipi_msgs,
                 (unsigned long long)(now - c->msgs_since));
    }
    for (int k = 0; k < HOST_NR_LEVELS; k++)
        if (h->n_queued_nr[k] != nlevel[k])
            FAIL("I-host-rq: %u CPUs counted in level %d of queued CPUs, %u in it", h->n_queued_nr[k], k, nlevel[k]);
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

const char *host_conservation(host *h)
{
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
            snprintf(h->check_msg, sizeof h->check_msg, "host: %s raised %llu != demuxed %llu + pending %llu",
                     hw_msg_name(msg), (unsigned long long)h->ipi_raised[msg],
                     (unsigned long long)h->ipi_demuxed[msg], (unsigned long long)pending);
            return h->check_msg;
        }
    }
    if (h->wakeups_sent != h->wakeups_consumed + h->wakeups_coalesced) {
        snprintf(h->check_msg, sizeof h->check_msg, "host: wakeups sent %llu != consumed %llu + coalesced %llu",
                 (unsigned long long)h->wakeups_sent, (unsigned long long)h->wakeups_consumed,
                 (unsigned long long)h->wakeups_coalesced);
        return h->check_msg;
    }
    return NULL;
}
