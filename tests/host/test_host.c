/* host room: scheduler (fair share, placement, tick preemption), IPI demux
 * order and coalescing, call functions and kick_all_cpus_sync, hotplug,
 * KVM handover, cost override exactness. Checks run after every event. */
#include "base/hv.h"
#include "host_env.h"

static void fair_share(void)
{
    env e = env_new(1, 1, 1, NULL, NULL);
    host_task *a = host_task_new(e.h, "a", NULL, &env_spin_ops, NULL);
    host_task *b = host_task_new(e.h, "b", NULL, &env_spin_ops, NULL);
    host_task_start(e.h, a);
    host_task_start(e.h, b);
    des_run_until(e.s, DES_S(1));
    host_account(e.h);
    double ra = (double)a->run_ns, rb = (double)b->run_ns;
    TAP_CHECK(ra > 0.4e9 && rb > 0.4e9);
    TAP_NEAR(ra / (ra + rb), 0.5, 0.01); /* within 2% of each other */
    /* slice = sched_latency / 2 = 3 ms < the 10 ms tick: every tick (10 …
     * 990 ms; run_until stops before 1 s) preempts, one switch each plus the
     * first switch-in. */
    TAP_EQ(e.h->cpus[0].n_ticks, 99);
    TAP_EQ(e.h->cpus[0].n_preempt, 99);
    TAP_EQ(e.h->cpus[0].n_switches, 100);
    TAP_EQ(a->n_preempted + b->n_preempted, 99);
    env_done(&e);
}

typedef struct {
    host *h;
    host_task *t;
} wake_arg;
static void wake_it(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    (void)arg;
    wake_arg *w = obj;
    host_task_wake(w->h, w->t, -1);
}

static void wakeup_placement_idle(void)
{
    /* 1 chip x 4 cores, SMT-off host: CPUs 0, 8, 16, 24 */
    env e = env_new(1, 4, 8, NULL, NULL);
    TAP_CHECK(host_cpu_online(e.h, 8));
    TAP_CHECK(!host_cpu_online(e.h, 9));
    TAP_EQ(hw_thread_of(e.m, 9)->mode, HW_MODE_OFFLINE_NAP);
    host_cpumask m0 = env_only(0);
    host_task *hog = host_task_new(e.h, "hog", &m0, &env_spin_ops, NULL);
    int runs = 0;
    host_task *s = host_task_new(e.h, "sleeper", NULL, &env_sleeper_ops, &runs);
    host_task_start(e.h, hog);
    des_run_until(e.s, DES_US(100));
    TAP_EQ(hog->cpu, 0);
    /* put the sleeper's previous CPU on the busy CPU 0 */
    s->cpu = 0;
    host_task_start(e.h, s);
    des_run_until(e.s, DES_MS(1));
    TAP_EQ(runs, 1);
    TAP_EQ(s->cpu, 8); /* prev busy -> idle CPU of the same chip */
    TAP_EQ(s->state, HOST_TASK_SLEEPING);
    wake_arg w = {e.h, s};
    des_at(e.s, DES_MS(5), wake_it, &w, 0);
    des_run_until(e.s, DES_MS(6));
    TAP_EQ(runs, 2);
    TAP_EQ(s->cpu, 8); /* prev idle -> prev */
    TAP_EQ(e.h->cpus[8].n_demux[PPC_MSG_RESCHEDULE], 2);
    TAP_EQ(hw_thread_of(e.m, 8)->n_nap_exit[HW_WAKE_EXTERNAL], 2);
    TAP_EQ(s->wake_lat.n, 1);
    env_done(&e);
}

/* wakeup latency of an idle-CPU wakeup, for a given cost table */
static uint64_t idle_wakeup_latency(const hw_costs *costs)
{
    env e = env_new(1, 2, 8, NULL, costs);
    int runs = 0;
    host_task *s = host_task_new(e.h, "sleeper", NULL, &env_sleeper_ops, &runs);
    host_task_start(e.h, s);
    wake_arg w = {e.h, s};
    des_at(e.s, DES_MS(3), wake_it, &w, 0);
    des_run_until(e.s, DES_MS(5));
    TAP_EQ(runs, 2);
    TAP_EQ(s->wake_lat.n, 1);
    uint64_t lat = s->wake_lat.max;
    env_done(&e);
    return lat;
}

static void cost_override_exact(void)
{
    hw_costs c;
    hw_costs_init(&c);
    /* path: ttwu + XICS IPI + nap exit + irq entry + XIRR load + ack + resched + eoi +
     * irq exit + switch; with the two drawn rows (ttwu, switch) at 0 the
     * latency is exactly the sum of the constant rows (the waker is "another
     * context", so the IPI takes the remote latency). */
    hw_costs_set_name(&c, "sched_ttwu", 0);
    hw_costs_set_name(&c, "ctx_switch", 0);
    uint64_t path = (uint64_t)(c.value_ns[HW_COST_ipi_xics_remote] + c.value_ns[HW_COST_nap_exit] +
                               c.value_ns[HW_COST_irq_entry] + c.value_ns[HW_COST_xics_ci_load] +
                               c.value_ns[HW_COST_ipi_ack] +
                               c.value_ns[HW_COST_msg_reschedule] + c.value_ns[HW_COST_irq_eoi] +
                               c.value_ns[HW_COST_irq_exit]);
    TAP_EQ(idle_wakeup_latency(&c), path);
    hw_costs_init(&c);
    uint64_t base = idle_wakeup_latency(&c);
    /* the drawn rows: SEXP, at least half their mean each (400 + 600 ns) */
    TAP_CHECK(base >= path + 1000);
    int rc = hw_costs_set_name(&c, "nap_exit", c.value_ns[HW_COST_nap_exit] + 1000);
    TAP_EQ(rc, HV_OK);
    uint64_t slower = idle_wakeup_latency(&c);
    TAP_EQ(slower, base + 1000);
    hw_costs_init(&c);
    rc = hw_costs_set_name(&c, "msg_reschedule", c.value_ns[HW_COST_msg_reschedule] + 333);
    TAP_EQ(rc, HV_OK);
    uint64_t slower2 = idle_wakeup_latency(&c);
    TAP_EQ(slower2, base + 333);
}

static void tick_preemption(void)
{
    host_cfg hc = host_cfg_default();
    hc.sched_wakeup_granularity = DES_S(1); /* no wakeup preemption: only the tick */
    hw_costs c;
    hw_costs_init(&c);
    hw_costs_set_name(&c, "sched_ttwu", 0); /* b is runnable at exactly 2 ms */
    env e = env_new(1, 1, 1, &hc, &c);
    host_task *a = host_task_new(e.h, "a", NULL, &env_spin_ops, NULL);
    host_task *b = host_task_new(e.h, "b", NULL, &env_spin_ops, NULL);
    host_task_start(e.h, a);
    des_run_until(e.s, DES_MS(2));
    host_task_start(e.h, b);
    des_run_until(e.s, DES_MS(9));
    TAP_EQ(b->n_switch_in, 0); /* waits for the tick at 10 ms */
    des_run_until(e.s, DES_MS(11));
    TAP_EQ(b->n_switch_in, 1);
    /* it waited from 2 ms to the 10 ms tick, then the tick's irq entry,
     * handler and irq exit, until __schedule picked it */
    TAP_EQ(b->sched_lat.max, DES_MS(8) + (uint64_t)(c.value_ns[HW_COST_irq_entry] +
                                                     c.value_ns[HW_COST_tick] +
                                                     c.value_ns[HW_COST_irq_exit]));
    des_run_until(e.s, DES_MS(200));
    /* ticks at 10 … 190 ms, each preempting the task that ran 10 ms (a
     * slice is 3 ms): a first, then turn about */
    TAP_EQ(e.h->cpus[0].n_ticks, 19);
    TAP_EQ(a->n_preempted, 10);
    TAP_EQ(b->n_preempted, 9);
    env_done(&e);
}

/* --- IPI demux --- */
typedef struct {
    int order[16];
    int n;
} rec_t;
static rec_t rec;
static des_time rm_action(void *ctx, int cpu)
{
    (void)ctx;
    (void)cpu;
    rec.order[rec.n++] = PPC_MSG_RM_HOST_ACTION;
    return 0;
}
static void call_fn(void *arg)
{
    (void)arg;
    rec.order[rec.n++] = PPC_MSG_CALL_FUNCTION;
}

static void ipi_demux_order_and_coalescing(void)
{
    env e = env_new(1, 2, 8, NULL, NULL);
    rec.n = 0;
    host_set_rm_host_action(e.h, rm_action, NULL);
    hw_thread *t8 = hw_thread_of(e.m, 8);
    host_call_function_single(e.h, 0, 8, call_fn, NULL);
    host_send_ipi(e.h, 0, 8, PPC_MSG_TICK_BROADCAST);
    host_send_ipi(e.h, 0, 8, PPC_MSG_RM_HOST_ACTION);
    host_send_ipi(e.h, 0, 8, PPC_MSG_NMI_IPI);
    host_send_ipi(e.h, 0, 8, PPC_MSG_NMI_IPI); /* coalesced */
    TAP_EQ(t8->host_ipi, 1);
    TAP_EQ(hw_msg_count(t8->ipi_msgs), 4);
    des_run_until(e.s, DES_MS(1));
    TAP_EQ(rec.n, 2);
    TAP_EQ(rec.order[0], PPC_MSG_RM_HOST_ACTION); /* first, although sent after CALL_FUNCTION */
    TAP_EQ(rec.order[1], PPC_MSG_CALL_FUNCTION);
    TAP_EQ(t8->host_ipi, 0);
    TAP_EQ(t8->ipi_msgs, 0);
    TAP_EQ(t8->icp.mfrr, 0xff);
    TAP_EQ(e.h->ipi_coalesced[PPC_MSG_NMI_IPI], 1);
    TAP_EQ(e.h->ipi_raised[PPC_MSG_NMI_IPI], 1);
    TAP_EQ(e.h->ipi_demuxed[PPC_MSG_NMI_IPI], 1);
    TAP_EQ(e.h->ipi_demuxed[PPC_MSG_TICK_BROADCAST], 1);
    /* five IPIs raised the line; one interrupt on the napping CPU took them
     * all, later arrivals found an empty word (spurious demux passes) */
    TAP_EQ(t8->n_xics_in, 5);
    TAP_EQ(e.h->cpus[8].n_irqs, 1);
    TAP_EQ(t8->mode, HW_MODE_HOST_NAP);
    env_done(&e);
}

static int kicked;
static void kick_done(void *arg)
{
    (void)arg;
    kicked++;
}

static void kick_all_sync(void)
{
    env e = env_new(2, 2, 8, NULL, NULL);
    host_task *hog = host_task_new(e.h, "hog", NULL, &env_spin_ops, NULL);
    host_task_start(e.h, hog);
    des_run_until(e.s, DES_US(500));
    kicked = 0;
    host_kick_all_cpus_sync(e.h, 0, kick_done, NULL);
    des_run_until(e.s, DES_US(501));
    TAP_EQ(kicked, 0);
    des_run_until(e.s, DES_MS(1));
    TAP_EQ(kicked, 1);
    TAP_EQ(e.h->ipi_demuxed[PPC_MSG_CALL_FUNCTION], 3); /* CPUs 8, 16, 24 */
    env_done(&e);
}

static int notes[8], nnotes;
static void hp_note(void *ctx, int cpu, host_hotplug_event ev)
{
    (void)ctx;
    notes[nnotes++] = cpu * 10 + (int)ev;
}

static void hotplug(void)
{
    host_cfg hc = host_cfg_default();
    hc.hotplug_core = 1;
    hc.hotplug_off_at = DES_MS(20);
    hc.hotplug_on_at = DES_MS(60);
    env e = env_new(1, 2, 8, &hc, NULL);
    nnotes = 0;
    host_register_hotplug(e.h, hp_note, NULL);
    host_cpumask m8 = env_only(8);
    host_task *pinned = host_task_new(e.h, "pinned", &m8, &env_spin_ops, NULL);
    host_task *other = host_task_new(e.h, "other", NULL, &env_spin_ops, NULL);
    host_task_start(e.h, pinned);
    host_task_start(e.h, other);
    des_run_until(e.s, DES_MS(10));
    TAP_EQ(pinned->cpu, 8);
    des_run_until(e.s, DES_MS(30));
    TAP_CHECK(!host_cpu_online(e.h, 8));
    TAP_EQ(hw_thread_of(e.m, 8)->mode, HW_MODE_OFFLINE_NAP);
    TAP_EQ(pinned->cpu, 0); /* affinity broken, as select_fallback_rq does */
    TAP_EQ(e.h->affinity_broken, 1);
    TAP_EQ(nnotes, 1);
    TAP_EQ(notes[0], 8 * 10 + HOST_HOTPLUG_DEAD);
    /* an IPI to the offline CPU is flushed by its offline loop */
    host_send_ipi(e.h, 0, 8, PPC_MSG_RESCHEDULE);
    des_run_until(e.s, DES_MS(40));
    TAP_EQ(hw_thread_of(e.m, 8)->ipi_msgs, 0);
    TAP_EQ(hw_thread_of(e.m, 8)->mode, HW_MODE_OFFLINE_NAP);
    TAP_EQ(host_cpu_down(e.h, 8), HV_EINVAL);
    des_run_until(e.s, DES_MS(100));
    TAP_CHECK(host_cpu_online(e.h, 8));
    TAP_EQ(nnotes, 2);
    TAP_EQ(notes[1], 8 * 10 + HOST_HOTPLUG_ONLINE);
    /* the CPU came back and took a waiting task */
    TAP_CHECK(e.h->cpus[8].curr != NULL);
    TAP_EQ(e.h->cpus[8].acct_ns[HOST_ACCT_OFFLINE], DES_MS(40)); /* offline 20 -> 60 ms */
    env_done(&e);
}

static void down_ev(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    host_cpu_down(obj, (int)arg);
}
static void up_ev(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    host_cpu_up(obj, (int)arg);
}

/* Offlining a CPU in the middle of its IPI handler loses nothing. */
static void hotplug_mid_demux(void)
{
    env e = env_new(1, 2, 8, NULL, NULL);
    rec.n = 0;
    host_set_rm_host_action(e.h, rm_action, NULL);
    des_run_until(e.s, DES_MS(1));
    host_send_ipi(e.h, 0, 8, PPC_MSG_RM_HOST_ACTION);
    host_send_ipi(e.h, 0, 8, PPC_MSG_RESCHEDULE);
    /* arrival 894..1000 + nap 2000 + entry 200 + ack 150: inside the first message */
    des_at(e.s, DES_MS(1) + 3400, down_ev, e.h, 8);
    des_run_until(e.s, DES_MS(2));
    TAP_CHECK(!host_cpu_online(e.h, 8));
    TAP_EQ(rec.n, 1);
    TAP_EQ(e.h->ipi_demuxed[PPC_MSG_RM_HOST_ACTION], 1);
    TAP_EQ(e.h->ipi_demuxed[PPC_MSG_RESCHEDULE], 1);
    TAP_EQ(hw_thread_of(e.m, 8)->icp.cppr, 0xff); /* EOIed */
    TAP_CHECK(host_conservation(e.h) == NULL);
    des_at(e.s, DES_MS(3), up_ev, e.h, 8);
    des_run_until(e.s, DES_MS(4));
    host_send_ipi(e.h, 0, 8, PPC_MSG_RM_HOST_ACTION);
    des_run_until(e.s, DES_MS(5));
    TAP_EQ(rec.n, 2); /* it still takes interrupts */
    env_done(&e);
}

/* --- KVM handover --- */
typedef struct {
    int intr, ticks, back;
    des_time entered; /* when the runner handed its CPU over */
} kvm_log;
static kvm_log klog;
static void k_intr(void *ctx, int cpu, hw_wake_reason cause)
{
    (void)ctx;
    (void)cpu;
    (void)cause;
    klog.intr++;
}
static void k_tick(void *ctx, int cpu)
{
    (void)ctx;
    (void)cpu;
    klog.ticks++;
}
static const host_kvm_hooks khooks = {.intr = k_intr, .host_tick = k_tick};
static void runner_back(host *h, host_task *t, void *arg)
{
    (void)arg;
    klog.back++;
    host_task_block(h, t);
}
static void runner_run(host *h, host_task *t)
{
    klog.entered = des_now(h->sim);
    host_cpu_enter_kvm(h, t->cpu, &khooks, NULL);
}
static const host_task_ops runner_ops = {.run = runner_run};
static void leave(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    host *h = obj;
    host_cpu_leave_kvm(h, (int)arg, runner_back, NULL);
}

static void kvm_handover(void)
{
    env e = env_new(1, 2, 8, NULL, NULL);
    klog = (kvm_log){0};
    host_cpumask m8 = env_only(8);
    host_task *r = host_task_new(e.h, "vcpu-runner", &m8, &runner_ops, NULL);
    host_task *other = host_task_new(e.h, "other", &m8, &env_spin_ops, NULL);
    host_task_start(e.h, r);
    des_run_until(e.s, DES_US(100));
    TAP_EQ(e.h->cpus[8].state, HOST_CPU_KVM);
    host_task_start(e.h, other); /* wants CPU 8, which is in KVM */
    des_run_until(e.s, DES_MS(1));
    host_smp_send_reschedule(e.h, 0, 8);
    des_run_until(e.s, DES_MS(25));
    TAP_EQ(other->n_switch_in, 0); /* nothing else runs on a handed-over CPU */
    TAP_EQ(klog.intr, 1);          /* the RESCHEDULE IPI reached the KVM hooks */
    TAP_EQ(klog.ticks, 2);         /* host ticks at 10 and 20 ms */
    TAP_EQ(hw_thread_of(e.m, 8)->host_ipi, 1);
    des_at(e.s, DES_MS(25), leave, e.h, 8);
    des_run_until(e.s, DES_MS(26));
    TAP_EQ(hw_thread_of(e.m, 8)->host_ipi, 0);
    /* the first woke idle CPU 8 for the runner; the second was pending in
     * KVM and is handled on return */
    TAP_EQ(e.h->cpus[8].n_demux[PPC_MSG_RESCHEDULE], 2);
    TAP_EQ(e.h->cpus[8].curr, other); /* the replayed tick preempted the runner */
    /* the runner's vruntime includes its 25 ms in KVM: the other catches up first */
    des_run_until(e.s, DES_MS(80));
    TAP_EQ(klog.back, 1);
    /* in at 25 ms, out for the runner's done() (which blocks), in again */
    TAP_EQ(other->n_switch_in, 2);
    TAP_EQ(r->state, HOST_TASK_SLEEPING);
    TAP_EQ(e.h->cpus[8].acct_ns[HOST_ACCT_KVM], DES_MS(25) - klog.entered);
    env_done(&e);
}

static int grabbed;
static void off_kvm(void *ctx, int cpu, hw_wake_reason cause)
{
    env *e = ctx;
    grabbed++;
    TAP_EQ(cause, HW_WAKE_HV_DOORBELL);
    hw_thread *t = hw_thread_of(e->m, cpu);
    hw_doorbell_clear(t);
    t->hwthread_state = HW_HWTHREAD_IN_KVM;
    hw_set_mode(e->m, t, HW_MODE_KVM_RM);
}

/* KVM grabs an offline secondary: hwthread_req + a doorbell; the offline
 * loop hands the woken thread to KVM instead of napping again. */
static void offline_secondary_to_kvm(void)
{
    env e = env_new(1, 1, 8, NULL, NULL);
    grabbed = 0;
    host_set_offline_kvm_entry(e.h, off_kvm, &e);
    hw_thread *t3 = hw_thread_of(e.m, 3);
    hw_ipi_thread(e.m, 0, 3); /* no hwthread_req: flushed, naps again */
    des_run_until(e.s, DES_US(10));
    TAP_EQ(grabbed, 0);
    TAP_EQ(t3->mode, HW_MODE_OFFLINE_NAP);
    t3->hwthread_req = 1;
    hw_ipi_thread(e.m, 0, 3);
    des_run_until(e.s, DES_US(20));
    TAP_EQ(grabbed, 1);
    TAP_EQ(t3->mode, HW_MODE_KVM_RM);
    TAP_EQ(t3->n_nap_exit[HW_WAKE_HV_DOORBELL], 2);
    /* KVM releases it */
    t3->hwthread_req = 0;
    t3->hwthread_state = HW_HWTHREAD_IN_NAP;
    host_restore_sink(e.h, 3);
    hw_nap_enter(e.m, t3, HW_MODE_OFFLINE_NAP);
    TAP_CHECK(host_check(e.h) == NULL);
    env_done(&e);
}

static void secondaries_online(void)
{
    host_cfg hc = host_cfg_default();
    hc.secondaries = HOST_SECONDARIES_ONLINE;
    env e = env_new(1, 2, 8, &hc, NULL);
    for (int c = 0; c < 16; c++)
        TAP_CHECK(host_cpu_online(e.h, c));
    TAP_EQ(hw_thread_of(e.m, 9)->mode, HW_MODE_HOST_NAP);
    /* the reschedule IPI inside a core goes by doorbell */
    host_task *s = host_task_new(e.h, "s", NULL, &env_sleeper_ops, NULL);
    s->cpu = 9;
    host_task_start(e.h, s);
    des_run_until(e.s, DES_MS(1));
    host_smp_send_reschedule(e.h, 8, 9);
    des_run_until(e.s, DES_MS(2));
    TAP_EQ(hw_thread_of(e.m, 9)->n_doorbell_in, 1);
    env_done(&e);
}

static void wake_local(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    wake_arg *w = obj;
    host_task_wake(w->h, w->t, (int)arg);
}

/* A wake "from" the CPU that has gone idle by the time the ttwu completes
 * still reaches it (IPI), and a wake of an awake task coalesces. */
static void local_wake_of_idle_cpu(void)
{
    env e = env_new(1, 1, 1, NULL, NULL);
    int runs = 0;
    host_task *s = host_task_new(e.h, "s", NULL, &env_sleeper_ops, &runs);
    host_task_start(e.h, s);
    des_run_until(e.s, DES_MS(1));
    wake_arg w = {e.h, s};
    des_at(e.s, DES_MS(2), wake_local, &w, 0);
    des_at(e.s, DES_MS(2), wake_local, &w, 0); /* coalesces */
    des_run_until(e.s, DES_MS(3));
    TAP_EQ(runs, 2);
    TAP_EQ(e.h->wakeups_coalesced, 1);
    TAP_EQ(e.h->wakeups_consumed, 1);
    env_done(&e);
}

/* The checks can fail: break invariants by hand and see them reported. */
static void checks_catch_breakage(void)
{
    env e = env_new(1, 2, 8, NULL, NULL);
    host_task *a = host_task_new(e.h, "a", NULL, &env_spin_ops, NULL);
    host_task_start(e.h, a);
    des_run_until(e.s, DES_MS(1));
    TAP_CHECK(host_check(e.h) == NULL);
    int cpu = a->cpu, other = cpu == 0 ? 8 : 0;
    e.h->cpus[other].curr = a; /* one task current on two CPUs */
    TAP_CONTAINS(host_check(e.h), "I-host-unique");
    e.h->cpus[other].curr = NULL;
    a->state = HOST_TASK_SLEEPING; /* current task not running */
    char want[128];
    snprintf(want, sizeof want, "I-host-unique: cpu %d current task a is sleeping on cpu %d", cpu, cpu);
    TAP_STREQ(host_check(e.h), want);
    a->state = HOST_TASK_RUNNING;
    hw_thread_of(e.m, 8)->icp.xisr = 2; /* presented with no priority */
    TAP_CONTAINS(host_check(e.h), "I-hw-icp");
    hw_thread_of(e.m, 8)->icp.xisr = 0;
    e.h->ipi_raised[PPC_MSG_NMI_IPI]++; /* a raised message that vanished */
    TAP_CONTAINS(host_conservation(e.h), "nmi_ipi");
    e.h->ipi_raised[PPC_MSG_NMI_IPI]--;
    e.h->wakeups_sent++;
    TAP_CONTAINS(host_conservation(e.h), "wakeups");
    e.h->wakeups_sent--;
    TAP_CHECK(host_check(e.h) == NULL);
    env_done(&e);
}

/* Idle balance (host__pull_task): a CPU going idle pulls from the online CPU
 * with the most tasks among those with a queued task allowed on it; ties go
 * to the lowest CPU number. CPU 3 runs ten tasks pinned to it, each 2 ms of
 * work before it sleeps; at 1 ms group A (na spinners, allowed on CPU 1, and
 * on 3 when a_moves) and group C (nc spinners, allowed on 2 and 3) start and
 * land on CPUs 1 and 2 (CPU 3 is the busier). When CPU 3's last task sleeps
 * it pulls one task and runs it forever, so that is the only migration.
 * Returns the group it came from: 'A', 'C', or '-' (none, or several). */
typedef struct {
    host *h;
    host_task **t;
    int n;
} start_arg;
static void start_them(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    (void)arg;
    start_arg *a = obj;
    for (int i = 0; i < a->n; i++)
        host_task_start(a->h, a->t[i]);
}
static void work_then_sleep_done(host *h, host_task *t, void *arg)
{
    (void)arg;
    host_task_block(h, t);
}
static void work_then_sleep_run(host *h, host_task *t) { host_task_compute(h, t, DES_MS(2), work_then_sleep_done, NULL); }
static const host_task_ops work_then_sleep_ops = {.run = work_then_sleep_run};

static char pulled_group(int na, bool a_moves, int nc)
{
    env e = env_new(1, 4, 1, NULL, NULL);
    host_cpumask only3 = env_only(3), a_aff = env_only(1), c_aff = env_only(2);
    host_cpumask_set(&c_aff, 3);
    if (a_moves)
        host_cpumask_set(&a_aff, 3);
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        host_task_start(e.h, host_task_new(e.h, name, &only3, &work_then_sleep_ops, NULL));
    }
    host_task *g[32];
    int n = 0;
    for (int i = 0; i < na + nc && n < 32; i++) {
        char name[16];
        snprintf(name, sizeof name, "%c%d", i < na ? 'a' : 'c', i);
        g[n++] = host_task_new(e.h, name, i < na ? &a_aff : &c_aff, &env_spin_ops, NULL);
    }
    start_arg sa = {e.h, g, n};
    des_at(e.s, DES_MS(1), start_them, &sa, 0);
    des_run_until(e.s, DES_MS(30));
    uint64_t ma = 0, mc = 0;
    for (int i = 0; i < n; i++) {
        TAP_EQ(g[i]->cpu, g[i]->n_migrations ? 3 : i < na ? 1 : 2);
        *(i < na ? &ma : &mc) += g[i]->n_migrations;
    }
    TAP_CHECK((e.h->cpus[3].curr != NULL) == (ma + mc > 0));
    env_done(&e);
    return ma + mc != 1 ? '-' : ma ? 'A' : 'C';
}

static void idle_balance_busiest(void)
{
    TAP_EQ(pulled_group(9, true, 3), 'A');  /* 9 tasks (the top load level) against 3 */
    TAP_EQ(pulled_group(3, true, 5), 'C');  /* the busier CPU 2 */
    TAP_EQ(pulled_group(3, true, 3), 'A');  /* a tie: the lower CPU number */
    TAP_EQ(pulled_group(9, false, 2), 'C'); /* CPU 1's tasks may not run on 3 */
    TAP_EQ(pulled_group(9, false, 0), '-'); /* nothing to pull: CPU 3 stays idle */
}

int main(void)
{
    TAP_RUN(fair_share);
    TAP_RUN(wakeup_placement_idle);
    TAP_RUN(idle_balance_busiest);
    TAP_RUN(cost_override_exact);
    TAP_RUN(tick_preemption);
    TAP_RUN(ipi_demux_order_and_coalescing);
    TAP_RUN(kick_all_sync);
    TAP_RUN(hotplug);
    TAP_RUN(hotplug_mid_demux);
    TAP_RUN(kvm_handover);
    TAP_RUN(offline_secondary_to_kvm);
    TAP_RUN(secondaries_online);
    TAP_RUN(local_wake_of_idle_cpu);
    TAP_RUN(checks_catch_breakage);
    return tap_done();
}
