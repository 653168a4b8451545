/*
 * tests/host/host_env.h — the small host the host room's tests run on
 * (test_host.c, test_host_stop.c): one engine, one machine, one host with
 * its checks after every event, and the task behaviours they share.
 * Header-only (static inline), so that env_done's TAP checks count in the
 * test that calls it.
 */
#ifndef HV_TESTS_HOST_ENV_H
#define HV_TESTS_HOST_ENV_H

#include "host/host.h"
#include "tap.h"

typedef struct env {
    des_sim *s;
    hw_machine *m;
    host *h;
} env;

/* chips x cores x threads, seed 42, run 0; hc and costs may be NULL (the
 * defaults). */
static inline env env_new(uint64_t chips, uint64_t cores, uint64_t threads, const host_cfg *hc,
                          const hw_costs *costs)
{
    env e;
    e.s = des_new();
    hw_cfg c = hw_cfg_default();
    c.chips = chips;
    c.cores_per_chip = cores;
    c.threads_per_core = threads;
    host_cfg d = host_cfg_default();
    e.m = hw_new(e.s, &c, costs, 42, 0);
    e.h = host_new(e.s, e.m, hc ? hc : &d, 42, 0);
    host_install_checks(e.h);
    des_enable_checks(e.s, true);
    return e;
}

/* Account, check the host's and the engine's conservation, free. */
static inline void env_done(env *e)
{
    host_account(e->h);
    TAP_CHECK(host_conservation(e->h) == NULL);
    TAP_CHECK(des_conservation(e->s) == NULL);
    host_free(e->h);
    hw_free(e->m);
    des_free(e->s);
}

/* The mask of one CPU. */
static inline host_cpumask env_only(int cpu)
{
    host_cpumask m = {{0}};
    host_cpumask_set(&m, cpu);
    return m;
}

/* spin: computes 1 ms at a time, forever. */
static inline void env_spin_done(host *h, host_task *t, void *arg)
{
    (void)arg;
    host_task_compute(h, t, DES_MS(1), env_spin_done, NULL);
}
static inline void env_spin_run(host *h, host_task *t) { env_spin_done(h, t, NULL); }
static const host_task_ops env_spin_ops = {.run = env_spin_run};

/* sleeper: blocks whenever it runs; counts its runs in *(int *)t->ctx when
 * ctx is not NULL. */
static inline void env_sleeper_run(host *h, host_task *t)
{
    int *runs = t->ctx;
    if (runs)
        (*runs)++;
    host_task_block(h, t);
}
static const host_task_ops env_sleeper_ops = {.run = env_sleeper_run};

#endif
