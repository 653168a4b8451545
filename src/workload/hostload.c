/* workload/hostload.c — host load tasks and the host-only model. See workload/hostload.h. */
#include "workload/hostload.h"

#include "base/hv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

hostload_cfg hostload_cfg_default(void)
{
    return (hostload_cfg){.tasks = 0, .kind = HOSTLOAD_CPU, .period = DES_MS(10), .duty = 0.5,
                          .chunk = DES_MS(1)};
}

static void cpu_chunk_done(host *h, host_task *t, void *arg);

static void cpu_run(host *h, host_task *t)
{
    hostload_task *lt = t->ctx;
    host_task_compute(h, t, lt->load->cfg.chunk, cpu_chunk_done, NULL);
}

static void cpu_chunk_done(host *h, host_task *t, void *arg)
{
    (void)arg;
    hostload_task *lt = t->ctx;
    lt->load->work_ns += lt->load->cfg.chunk;
    lt->work_ns += lt->load->cfg.chunk;
    host_task_compute(h, t, lt->load->cfg.chunk, cpu_chunk_done, NULL);
}

static const host_task_ops cpu_ops = {.run = cpu_run};

static des_time job_ns(const hostload *l) { return (des_time)llround((double)l->cfg.period * l->cfg.duty); }

static void job_done(host *h, host_task *t, void *arg);

/* clock_nanosleep(TIMER_ABSTIME, next_release): the hrtimer is armed on the
 * CPU the task sleeps on. */
static void sleep_until_release(host *h, host_task *t, hostload_task *lt)
{
    host_hrtimer_start(h, &lt->timer, t->cpu, lt->next_release);
    host_task_block(h, t);
}

static void periodic_run(host *h, host_task *t)
{
    hostload_task *lt = t->ctx;
    if (lt->backlog == 0) { /* first start: sleep until the first release */
        sleep_until_release(h, t, lt);
        return;
    }
    lt->backlog--;
    host_task_compute(h, t, job_ns(lt->load), job_done, NULL);
}

/* The job is done: the next release, or at once when it is already due
 * (an overrun: the job did not finish within its period). */
static void job_done(host *h, host_task *t, void *arg)
{
    (void)arg;
    hostload_task *lt = t->ctx;
    hostload *l = lt->load;
    l->jobs++;
    l->work_ns += job_ns(l);
    lt->work_ns += job_ns(l);
    lt->next_release += l->cfg.period;
    if (lt->next_release <= des_now(h->sim)) {
        l->releases++;
        l->misses++;
        lt->backlog++;
        periodic_run(h, t);
        return;
    }
    sleep_until_release(h, t, lt);
}

static const host_task_ops periodic_ops = {.run = periodic_run};

/* hrtimer_wakeup in the timer interrupt of the CPU the task slept on. */
static void release(host *h, host_hrtimer *tm, int cpu)
{
    hostload_task *lt = tm->arg;
    lt->load->releases++;
    lt->backlog++;
    host_task_wake(h, lt->t, cpu);
}

hostload *hostload_new(host *h, const hostload_cfg *cfg, uint64_t seed, uint64_t run)
{
    hostload *l = hv_xcalloc(1, sizeof *l);
    l->h = h;
    l->cfg = *cfg;
    l->start = des_now(h->sim);
    HV_CHECK(cfg->chunk > 0 && cfg->period > 0);
    l->tasks = hv_xcalloc(cfg->tasks ? cfg->tasks : 1, sizeof *l->tasks);
    for (uint64_t i = 0; i < cfg->tasks; i++) {
        hostload_task *lt = &l->tasks[i];
        char name[32];
        snprintf(name, sizeof name, "hostload/%llu", (unsigned long long)i);
        lt->load = l;
        lt->rng = des_rng_stream(seed, run, des_rng_id(HOSTLOAD_RNG_KIND_TASK, (uint32_t)i));
        lt->t = host_task_new(h, name, NULL, cfg->kind == HOSTLOAD_PERIODIC ? &periodic_ops : &cpu_ops,
                              lt);
        host_hrtimer_init(&lt->timer, release, lt);
        if (cfg->kind == HOSTLOAD_PERIODIC)
            lt->next_release = l->start + (des_time)(des_rng_u01(&lt->rng) * (double)cfg->period);
        host_task_start(h, lt->t);
    }
    return l;
}

void hostload_free(hostload *l)
{
    if (!l)
        return;
    for (uint64_t i = 0; i < l->cfg.tasks; i++)
        host_hrtimer_cancel(l->h, &l->tasks[i].timer);
    free(l->tasks);
    free(l);
}

void hostload_sched_latency(const hostload *l, des_hist *out)
{
    for (uint64_t i = 0; i < l->cfg.tasks; i++)
        des_hist_merge(out, &l->tasks[i].t->sched_lat);
}

void hostload_wakeup_latency(const hostload *l, des_hist *out)
{
    for (uint64_t i = 0; i < l->cfg.tasks; i++)
        des_hist_merge(out, &l->tasks[i].t->wake_lat);
}

hostload_model *hostload_model_new(const hw_cfg *hwc, const host_cfg *hc, const hostload_cfg *lc,
                                   const hw_costs *costs, uint64_t seed, uint64_t run)
{
    hostload_model *m = hv_xcalloc(1, sizeof *m);
    m->sim = des_new();
    m->hw = hw_new(m->sim, hwc, costs, seed, run);
    m->host = host_new(m->sim, m->hw, hc, seed, run);
    host_install_checks(m->host);
    m->load = hostload_new(m->host, lc, seed, run);
    return m;
}

const char *hostload_model_run(hostload_model *m, des_time duration)
{
    des_run_until(m->sim, des_now(m->sim) + duration);
    host_account(m->host);
    const char *e = des_conservation(m->sim);
    if (!e)
        e = host_conservation(m->host);
    return e;
}

void hostload_model_free(hostload_model *m)
{
    if (!m)
        return;
    hostload_free(m->load);
    host_free(m->host);
    hw_free(m->hw);
    des_free(m->sim);
    free(m);
}

void hostload_reset_stats(hostload *l)
{
    l->work_ns = l->jobs = l->misses = l->releases = 0;
    for (uint64_t i = 0; i < l->cfg.tasks; i++)
        l->tasks[i].work_ns = 0;
    l->start = des_now(l->h->sim);
}
