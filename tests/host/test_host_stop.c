/* host room, what M3 needs of it: the stopper (stop class: preempts at
 * once, never preempted, outside CFS, FIFO works, refused on an offline
 * CPU, parked by hotplug), the RFC's sys_cpumask (never left, not even by
 * select_fallback_rq), and hrtimers on the decrementer (lateness on a busy,
 * an idle, a KVM-held and an offline CPU; cancel; per primary/secondary).
 * Host checks run after every event. */
#include "base/hv.h"
#include "host_env.h"

/* cores x threads on one chip, the secondaries online or offline. */
static env mk(uint64_t cores, uint64_t threads, bool online)
{
    host_cfg hc = host_cfg_default();
    hc.secondaries = online ? HOST_SECONDARIES_ONLINE : HOST_SECONDARIES_OFFLINE;
    return env_new(1, cores, threads, &hc, NULL);
}

/* ---- the stopper -------------------------------------------------------- */

typedef struct {
    int n;
    uint64_t data[8];
    des_time at[8], done_at[8];
    host_task_state victim[8]; /* the spinning task's state when the work ran */
    host_task *spin;
} stop_log;

static void work_end(host *h, host_task *t, void *arg)
{
    stop_log *l = arg;
    l->done_at[l->n - 1] = des_now(h->sim);
    host_stop_done(h, t);
}

static void work(host *h, host_task *t, void *arg, uint64_t data)
{
    stop_log *l = arg;
    TAP_CHECK(t->stop_class);
    l->data[l->n] = data;
    l->at[l->n] = des_now(h->sim);
    l->victim[l->n] = l->spin ? l->spin->state : HOST_TASK_NEW;
    l->n++;
    host_task_compute(h, t, DES_US(100), work_end, l);
}

typedef struct {
    env *e;
    stop_log *l;
} stop_arg;
static void queue_two(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    (void)arg;
    stop_arg *a = obj;
    TAP_CHECK(host_stop_cpu_async(a->e->h, 0, 1, work, a->l, 1));
    TAP_CHECK(host_stop_cpu_async(a->e->h, 0, 1, work, a->l, 2));
}

typedef struct {
    env *e;
    host_task *t;
} wake_arg;
static void wake_it(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    (void)arg;
    wake_arg *w = obj;
    host_task_wake(w->e->h, w->t, 0);
}

/* A stopper work queued from CPU 0 preempts the task spinning on CPU 1 at
 * once (resched IPI, switch), runs its works in order, is not preempted by a
 * wakeup that would preempt any CFS task, charges no vruntime, and the
 * preempted task continues after it. */
static void stopper_preempts(void)
{
    env e = mk(1, 2, true);
    stop_log l = {0};
    host_cpumask m1 = env_only(1);
    l.spin = host_task_new(e.h, "spin", &m1, &env_spin_ops, NULL);
    host_task *late = host_task_new(e.h, "late", &m1, &env_sleeper_ops, NULL);
    host_task_start(e.h, l.spin);
    host_task_start(e.h, late);
    des_run_until(e.s, DES_MS(1));
    TAP_EQ(e.h->cpus[1].curr, l.spin);
    stop_arg a = {&e, &l};
    des_at(e.s, DES_MS(2), queue_two, &a, 0);
    wake_arg w = {&e, late}; /* a sleeper's wakeup credit would preempt the spinner */
    des_at(e.s, DES_MS(2) + DES_US(30), wake_it, &w, 0);
    des_run_until(e.s, DES_MS(3));
    TAP_EQ(l.n, 2);
    TAP_EQ(l.data[0], 1);
    TAP_EQ(l.data[1], 2);
    TAP_EQ(l.victim[0], HOST_TASK_RUNNABLE); /* preempted, queued */
    /* ttwu (>= 400 ns), the doorbell, the interrupt, a switch: a few us */
    printf("# stopper ran %llu ns after the queueing\n", (unsigned long long)(l.at[0] - DES_MS(2)));
    TAP_LT(DES_US(1), l.at[0] - DES_MS(2));
    TAP_LT(l.at[0] - DES_MS(2), DES_US(20));
    /* the second work follows the first at once, each 100 us long: the
     * wakeup at +30 us preempted neither */
    TAP_EQ(l.done_at[0] - l.at[0], DES_US(100));
    TAP_EQ(l.at[1], l.done_at[0]);
    TAP_EQ(l.done_at[1] - l.at[1], DES_US(100));
    host_task *st = e.h->stoppers[1].t;
    TAP_EQ(st->n_preempted, 0);
    TAP_EQ(st->vruntime, 0); /* update_curr_stop: no vruntime */
    TAP_EQ(st->state, HOST_TASK_SLEEPING);
    TAP_EQ(e.h->stoppers[1].queued, 2);
    TAP_EQ(e.h->stoppers[1].done, 2);
    TAP_CHECK(l.spin->n_switch_in >= 2); /* back on CPU 1 after the stopper */
    TAP_EQ(l.spin->cpu, 1);
    TAP_CHECK(e.h->cpus[1].curr == l.spin || e.h->cpus[1].curr == late);
    env_done(&e);
}

/* An offline CPU's stopper takes no work; a CPU going offline parks its
 * stopper and drops the works it had queued. */
static void stopper_offline(void)
{
    env e = mk(2, 8, false);
    stop_log l = {0};
    TAP_CHECK(!host_stop_cpu_async(e.h, 0, 1, work, &l, 1)); /* a secondary: offline */
    TAP_CHECK(host_stop_cpu_async(e.h, 0, 8, work, &l, 2));
    TAP_EQ(host_cpu_down(e.h, 8), HV_OK); /* before the stopper's ttwu completes */
    des_run_until(e.s, DES_MS(1));
    TAP_EQ(l.n, 0);
    TAP_EQ(e.h->stoppers[8].t->state, HOST_TASK_SLEEPING);
    TAP_EQ(host_cpu_up(e.h, 8), HV_OK);
    TAP_CHECK(host_stop_cpu_async(e.h, 0, 8, work, &l, 3));
    des_run_until(e.s, DES_MS(2));
    TAP_EQ(l.n, 1);
    TAP_EQ(l.data[0], 3);
    env_done(&e);
}

/* ---- sys_cpumask --------------------------------------------------------- */

static void wake_from(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    wake_arg *w = obj;
    host_task_wake(w->e->h, w->t, (int)arg);
}

/* A task whose system mask holds the primaries 0 and 8 runs only there,
 * whoever wakes it, though its affinity allows every CPU and the
 * secondaries are idle while both primaries are busy; when the affinity
 * allows no online CPU, select_fallback_rq widens the affinity inside the
 * system mask (I-host-mask is checked after every event). */
static void sys_cpumask_kept(void)
{
    env e = mk(2, 8, true);
    host_cpumask prim = env_only(0);
    host_cpumask_set(&prim, 8);
    host_task *t = host_task_new(e.h, "vcpu", NULL, &env_sleeper_ops, NULL);
    host_task_set_sys_cpumask(t, &prim);
    host_task_start(e.h, t);
    host_cpumask m0 = env_only(0), m8 = env_only(8);
    host_task *hog0 = host_task_new(e.h, "hog0", &m0, &env_spin_ops, NULL);
    host_task *hog8 = host_task_new(e.h, "hog8", &m8, &env_spin_ops, NULL);
    host_task_start(e.h, hog0);
    host_task_start(e.h, hog8);
    des_run_until(e.s, DES_MS(1));
    wake_arg w = {&e, t};
    for (int i = 0; i < 16; i++)
        des_at(e.s, DES_MS(2) + (des_time)i * DES_MS(7), wake_from, &w, (uint64_t)i);
    des_run_until(e.s, DES_MS(120));
    printf("# %llu wakeups, %llu switch-ins, last on cpu %d\n", (unsigned long long)t->n_wakeups,
           (unsigned long long)t->n_switch_in, t->cpu);
    TAP_LE(8, t->n_switch_in);
    TAP_CHECK(t->cpu == 0 || t->cpu == 8);
    host_cpumask aff0 = env_only(0);
    host_task *u = host_task_new(e.h, "vcpu-pinned", &aff0, &env_sleeper_ops, NULL);
    host_task_set_sys_cpumask(u, &prim);
    host_task_start(e.h, u);
    des_run_until(e.s, DES_MS(121));
    for (int c = 0; c < 8; c++)
        TAP_EQ(host_cpu_down(e.h, c), HV_OK);
    wake_arg wu = {&e, u};
    des_at(e.s, DES_MS(122), wake_from, &wu, 9);
    des_run_until(e.s, DES_MS(130));
    TAP_LE(1, u->n_switch_in);
    TAP_EQ(u->cpu, 8); /* in the system mask, not one of the idle online secondaries */
    TAP_CHECK(host_cpumask_test(&u->affinity, 8));
    TAP_CHECK(hog0->cpu >= 9); /* no system mask: the fallback took an idle secondary */
    env_done(&e);
}

/* ---- hrtimers ---------------------------------------------------------------- */

typedef struct {
    int n, cpu;
    des_time at;
} hr_log;

static void hr_fn(host *h, host_hrtimer *tm, int cpu)
{
    hr_log *l = tm->arg;
    l->n++;
    l->cpu = cpu;
    l->at = des_now(h->sim);
}

typedef struct {
    int ticks;
} tick_log;
static tick_log klog;
static void k_tick(void *ctx, int cpu)
{
    (void)ctx;
    (void)cpu;
    klog.ticks++;
}
static const host_kvm_hooks khooks = {.intr = NULL, .host_tick = k_tick};
static void runner_back(host *h, host_task *t, void *arg)
{
    (void)arg;
    host_task_block(h, t);
}
static void runner_run(host *h, host_task *t) { host_cpu_enter_kvm(h, t->cpu, &khooks, NULL); }
static const host_task_ops runner_ops = {.run = runner_run};
static void leave(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    host_cpu_leave_kvm(obj, (int)arg, runner_back, NULL);
}

/* On a busy CPU an hrtimer fires after the interrupt entry and its expiry
 * work; on an idle one after the nap exit as well; a secondary's lateness
 * goes to the secondaries' histogram. */
static void hrtimer_busy_idle(void)
{
    env e = mk(1, 2, true);
    host_cpumask m0 = env_only(0);
    host_task *spin = host_task_new(e.h, "spin", &m0, &env_spin_ops, NULL);
    host_task_start(e.h, spin);
    des_run_until(e.s, DES_US(100));
    hr_log a = {0}, b = {0};
    host_hrtimer ta, tb;
    host_hrtimer_init(&ta, hr_fn, &a);
    host_hrtimer_init(&tb, hr_fn, &b);
    host_hrtimer_start(e.h, &ta, 0, DES_US(500));
    host_hrtimer_start(e.h, &tb, 1, DES_US(700)); /* CPU 1: idle, a secondary */
    TAP_EQ(host_cpu_next_hrtimer(e.h, 0), DES_US(500));
    des_run_until(e.s, DES_MS(1));
    const hw_costs *c = &e.m->costs;
    TAP_EQ(a.n, 1);
    TAP_EQ(a.cpu, 0);
    TAP_EQ(a.at, DES_US(500) + (des_time)c->value_ns[HW_COST_irq_entry] +
                     (des_time)c->value_ns[HW_COST_hrtimer_expire]);
    TAP_EQ(b.n, 1);
    TAP_EQ(b.cpu, 1);
    TAP_EQ(b.at, DES_US(700) + (des_time)c->value_ns[HW_COST_nap_exit] +
                     (des_time)c->value_ns[HW_COST_irq_entry] +
                     (des_time)c->value_ns[HW_COST_hrtimer_expire]);
    TAP_EQ(e.h->hrtimer_late[0].n, 1);
    TAP_EQ(e.h->hrtimer_late[1].n, 1);
    TAP_EQ(host_cpu_next_hrtimer(e.h, 0), DES_TIME_MAX);
    /* a cancelled timer never runs */
    host_hrtimer_start(e.h, &ta, 0, DES_MS(2));
    host_hrtimer_cancel(e.h, &ta);
    des_run_until(e.s, DES_MS(3));
    TAP_EQ(a.n, 1);
    TAP_EQ(e.h->hrtimers_fired, 2);
    env_done(&e);
}

/* On a CPU handed to KVM the expiry calls the host_tick hook (a primary's
 * HDEC) and the timer runs when the CPU comes back; with the tick due in
 * the same decrementer interrupt both run, the tick counted once. */
static void hrtimer_in_kvm(void)
{
    env e = mk(1, 1, true);
    klog = (tick_log){0};
    host_cpumask m0 = env_only(0);
    host_task *r = host_task_new(e.h, "runner", &m0, &runner_ops, NULL);
    host_task_start(e.h, r);
    des_run_until(e.s, DES_US(100));
    TAP_EQ(e.h->cpus[0].state, HOST_CPU_KVM);
    hr_log a = {0};
    host_hrtimer ta;
    host_hrtimer_init(&ta, hr_fn, &a);
    host_hrtimer_start(e.h, &ta, 0, DES_MS(5));
    des_at(e.s, DES_MS(15), leave, e.h, 0);
    des_run_until(e.s, DES_MS(14));
    TAP_EQ(a.n, 0);
    TAP_EQ(klog.ticks, 2); /* the hrtimer at 5 ms and the tick at 10 ms */
    uint64_t ticks = e.h->cpus[0].n_ticks;
    des_run_until(e.s, DES_MS(16));
    TAP_EQ(a.n, 1);
    TAP_CHECK(a.at >= DES_MS(15));
    TAP_EQ(e.h->cpus[0].n_ticks, ticks + 1);
    TAP_CHECK(e.h->hrtimer_late[0].max >= DES_MS(10));
    env_done(&e);
}

/* A timer on a CPU that went offline runs at its expiry from another
 * context (hrtimers_dead_cpu). */
static void hrtimer_offline(void)
{
    env e = mk(2, 8, false);
    hr_log a = {0};
    host_hrtimer ta;
    host_hrtimer_init(&ta, hr_fn, &a);
    host_hrtimer_start(e.h, &ta, 8, DES_MS(2));
    TAP_EQ(host_cpu_down(e.h, 8), HV_OK);
    des_run_until(e.s, DES_MS(3));
    TAP_EQ(a.n, 1);
    TAP_EQ(a.cpu, -1);
    TAP_EQ(a.at, DES_MS(2));
    env_done(&e);
}

int main(void)
{
    TAP_RUN(stopper_preempts);
    TAP_RUN(stopper_offline);
    TAP_RUN(sys_cpumask_kept);
    TAP_RUN(hrtimer_busy_idle);
    TAP_RUN(hrtimer_in_kvm);
    TAP_RUN(hrtimer_offline);
    return tap_done();
}
