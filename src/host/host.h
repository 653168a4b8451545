/*
 * host/host.h — the host Linux model: online CPUs, tasks, per-CPU CFS-like
 * run queues, wakeup placement, the tick, IPIs and their demux, hotplug,
 * and handing a CPU over to KVM.
 *
 * Overview
 *   POWER8 KVM hosts run SMT-off: the first thread of every (sub)core is a
 *   Linux CPU, the secondaries are offline napping (HW_MODE_OFFLINE_NAP,
 *   hwthread_state IN_NAP) and available to KVM. host.secondaries = online
 *   makes every thread a Linux CPU (M3; KVM parks the secondaries of a core
 *   with the stopper below while a guest runs on it: kvm/kvm_m3.h).
 *
 *   A host CPU is in one host_cpu_state at a time:
 *     OFFLINE  not a Linux CPU (hardware offline nap, host offline sink);
 *     IDLE     nothing to run, napping (HW_MODE_HOST_NAP), tick stopped (nohz);
 *     TASK     its current task's code runs (compute in progress);
 *     KERNEL   interrupt handling or a context switch (cost-table steps);
 *     KVM      handed over to the KVM layer by its current task.
 *   Kernel work is a sequence of steps, each a cost-table row: irq_entry,
 *   then the source (tick; or ipi_ack + one msg_* per message in demux order
 *   + irq_eoi), irq_exit, and on need_resched ctx_switch. An interrupt that
 *   arrives in TASK pauses the task (its remaining compute resumes later);
 *   one that arrives in KERNEL waits for irq_exit (level-triggered).
 *
 * Tasks
 *   A task has an affinity mask, a state (host_task_state) and a behaviour
 *   (host_task_ops.run + ctx) supplied by its creator. run(h, t) is called in
 *   the task's context when it gets a CPU with nothing to resume (first
 *   start, after a wakeup, after host_task_compute(.., NULL, ..) ends). In
 *   task context a behaviour calls exactly one of:
 *     host_task_compute(h, t, ns, done, arg)  use ns of CPU (preemptible;
 *         interrupts and preemption pause it; done(h, t, arg) runs in task
 *         context when the ns are used, or run() again if done is NULL);
 *     host_task_block(h, t)     sleep until host_task_wake;
 *     host_task_exit(h, t)      die;
 *     host_cpu_enter_kvm(...)   hand the CPU to KVM.
 *   Returning without one is a fatal error.
 *   Two per-task masks, as the M3 RFC's "sched: introduce sys_cpumask in
 *   tsk to adapt asymmetric system": the affinity (sched_setaffinity, the
 *   user's) and the system mask (sys_cpumask, set by the kernel: KVM keeps
 *   VCPU tasks on primary threads). A task runs only on online CPUs in both;
 *   select_fallback_rq may widen the affinity, never the system mask.
 *
 *   The stop class (kernel/stop_machine.c, stop_sched_class): one stopper
 *   task per CPU ("migration/N"), created on first use. It is picked before
 *   every other task, preempts whatever runs when it is enqueued, is never
 *   preempted by a wakeup or the tick, and is outside CFS (its time is not
 *   vruntime). host_stop_cpu_async(h, from, cpu, fn, arg, data)
 *   (cpu_stop_queue_work, the RFC's stop_cpus_async for one CPU) queues
 *   fn(h, stopper, arg, data) and wakes the stopper; fn runs in the
 *   stopper's task context and ends its work with host_stop_done(h, t)
 *   (directly or from a later continuation), after which the stopper runs
 *   its next work or sleeps.
 *
 *   host_task_wake(h, t, from_cpu) may be called from any context: after
 *   sched_ttwu the task is placed (previous CPU if idle, else an idle CPU of
 *   the same chip, else the least loaded allowed CPU), enqueued with CFS
 *   sleeper credit, and the target is rescheduled (RESCHEDULE IPI when it is
 *   remote) if it is idle or the wakee's vruntime leads by more than
 *   sched_wakeup_granularity. A wake of a task that is not sleeping is
 *   coalesced: wakeups sent = consumed + coalesced.
 *
 * IPIs
 *   host_send_ipi = smp_muxed_ipi_message_pass: set_message (hw_set_message,
 *   full barrier + byte store), then cause_ipi (pnv_cause_ipi:
 *   doorbell_try_core_ipi, else icp_native_cause_ipi): set host_ipi (2019
 *   order: full barrier, then store 1), then a doorbell if the target is in
 *   the sender's core and hw.msgsnd is on, else an MFRR write of
 *   IPI_PRIORITY. The handler (icp_native_ipi_action /
 *   doorbell_exception) clears host_ipi (store 0, then full barrier),
 *   writes MFRR = 0xff, and demuxes: xchg the word with 0, RM_HOST_ACTION
 *   first, then CALL_FUNCTION, RESCHEDULE, TICK_BROADCAST, NMI_IPI, looping
 *   while new messages arrived. Offline CPUs flush (icp_native_flush_interrupt)
 *   and nap again. A saved_xirr left by KVM real mode is consumed first
 *   (icp_native_get_xirr -> kvmppc_get_xics_latch).
 *
 * Handing a CPU to KVM
 *   host_cpu_enter_kvm(h, cpu, hooks, ctx), from the task context of the
 *   CPU's current task (a VCPU runner): the CPU goes to state KVM; the host
 *   runs nothing else there. The hardware thread's sink stays the host's
 *   unless KVM installs its own (hw_set_sink); while it is the host's,
 *   interrupts are forwarded to hooks->intr. The host tick on that CPU calls
 *   hooks->host_tick (in reality HDEC = host timer expiry forces an exit) and
 *   is replayed when the CPU comes back. host_cpu_leave_kvm(h, cpu, done,
 *   arg) returns it: the host re-installs its sink, sets HW_MODE_HOST,
 *   processes pending interrupts (ICP, doorbell, saved_xirr, the missed
 *   tick) and need_resched, and when the runner next runs, done(h, t, arg)
 *   is called in its task context. Host timers (the tick, hrtimers) due on a
 *   CPU handed to KVM call hooks->host_tick (a primary: HDEC) and fire when
 *   it comes back: late.
 *
 * hrtimers (kernel/time/hrtimer.c, on the CPU's decrementer)
 *   host_hrtimer_start(h, tm, cpu, at) arms tm on cpu's clock event device
 *   (hrtimer_start from a task on cpu). At `at` the timer expires: on a CPU
 *   the host runs, the decrementer interrupt (timer_interrupt ->
 *   hrtimer_interrupt) runs every expired timer's callback fn(h, tm, cpu)
 *   in interrupt context (cost hrtimer_expire each), then the tick if it is
 *   due; on a CPU handed to KVM it waits (a primary's expiry is its HDEC:
 *   hooks->host_tick); on an offline CPU it runs at once from another
 *   context (cpu = -1, as hrtimers_dead_cpu migrates them). Its lateness
 *   (callback time - at) is kept per class of CPU: primary threads and
 *   secondaries (M3's drawback 2).
 *
 * Hooks for KVM
 *   host_set_rm_host_action(h, fn, ctx): PPC_MSG_RM_HOST_ACTION handler
 *   (M1's kvmppc_xics_ipi_action); its return value is the extra handler
 *   time in ns (from KVM's cost rows).
 *   host_register_hotplug(h, fn, ctx): fn(ctx, cpu, HOST_HOTPLUG_ONLINE /
 *   HOST_HOTPLUG_DEAD) (kvmppc_cpu_notify: M1 sets/clears in_host there).
 *   host_kick_all_cpus_sync(h, from_cpu, done, arg): a CALL_FUNCTION to
 *   every other online CPU; done(arg) runs once every one handled it (VM
 *   destroy drains RM_HOST_ACTION with it: RM_HOST_ACTION is demuxed first).
 *
 * Invariants (host_check, after every event with HV_CHECKS)
 *   I-host-online   only online CPUs have a current task or queued tasks;
 *                   an offline CPU's thread is napping or owned by KVM.
 *   I-host-unique   a RUNNING task is the current task of exactly the CPU it
 *                   names; no task is current on two CPUs or queued twice.
 *   I-host-rq       queued tasks are RUNNABLE on that CPU; sum over CPUs of
 *                   (queued + current) == number of RUNNABLE + RUNNING tasks;
 *                   nq_fixed counts the queued tasks allowed on that CPU
 *                   only; a CPU is in exactly one h->queued_nr level, the
 *                   one of its task count (host__nr_level; kept in
 *                   nr_level), iff it has a queued task allowed elsewhere
 *                   (nq > nq_fixed), in h->online_cpus iff
 *                   online, in h->idle_cpus iff online with neither a
 *                   current nor a queued task.
 *   I-host-state    TASK => current task with compute; IDLE => no current task.
 *   I-host-ipi-age  a message pending on an online CPU not in KVM is younger
 *                   than host.ipi_pending_max.
 *   I-host-mask     a queued or running task is on a CPU of its system mask.
 *   I-host-stop     a stopper is queued or runs only on its own CPU.
 *   Conservation (host_conservation, end of run): per message type,
 *   raised == demuxed + pending; wakeups sent == consumed + coalesced.
 *
 * Simplifications (docs/machine.md)
 *   CFS without weights/nice, cgroups or PELT; balancing only at wakeup,
 *   when a CPU goes idle (pull) and at the tick (push to an idle CPU).
 *   try_to_wake_up is a delay (sched_ttwu) before the enqueue, not CPU time
 *   of the waker. IRQ time is not charged to the task's vruntime. Hotplug
 *   transitions are instantaneous.
 *
 * RNG: hw thread streams for costs drawn on a CPU; task kind
 *   HOST_RNG_KIND_TASK (des/rng.h) + task id for sched_ttwu draws.
 *
 * Concurrency contract: single-threaded (the DES thread of one model).
 */
#ifndef HV_HOST_HOST_H
#define HV_HOST_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ring.h"
#include "des/des.h"
#include "des/hist.h"
#include "hw/hw.h"

/* Scenario keys: host/host_options.def (field name = key name). */
/* host.secondaries: X(enum, choice) */
#define HOST_SECONDARIES(X)                                                 \
    X(HOST_SECONDARIES_OFFLINE, "offline")                                  \
    X(HOST_SECONDARIES_ONLINE, "online")
typedef enum {
#define HOST_SEC_ENUM(e, n) e,
    HOST_SECONDARIES(HOST_SEC_ENUM)
#undef HOST_SEC_ENUM
} host_secondaries;
/* host.offline_idle: the idle instruction of the powernv offline loop
 * (pnv_smp_cpu_kill_self picks winkle, else sleep, else nap from what the
 * firmware advertises). */
#define HOST_OFFLINE_IDLES(X)                                               \
    X(HOST_OFFLINE_IDLE_NAP, "nap")                                         \
    X(HOST_OFFLINE_IDLE_WINKLE, "winkle")
typedef enum {
#define HOST_OI_ENUM(e, n) e,
    HOST_OFFLINE_IDLES(HOST_OI_ENUM)
#undef HOST_OI_ENUM
} host_offline_idle;
typedef struct host_cfg {
    uint64_t hz;
    int secondaries; /* host_secondaries */
    int offline_idle; /* host_offline_idle */
    des_time sched_latency, sched_min_granularity, sched_wakeup_granularity;
    int64_t hotplug_core;
    des_time hotplug_off_at, hotplug_on_at;
    des_time ipi_pending_max;
} host_cfg;
host_cfg host_cfg_default(void);

typedef struct host_cpumask {
    uint64_t w[HW_MAX_CPUS / 64];
} host_cpumask;
static inline void host_cpumask_set(host_cpumask *m, int c) { m->w[c >> 6] |= 1ull << (c & 63); }
static inline void host_cpumask_clear(host_cpumask *m, int c) { m->w[c >> 6] &= ~(1ull << (c & 63)); }
static inline bool host_cpumask_test(const host_cpumask *m, int c) { return (m->w[c >> 6] >> (c & 63)) & 1; }
/* The first CPU >= from and < n in both a and b (b NULL: in a), or -1. */
static inline int host_cpumask_next_and(const host_cpumask *a, const host_cpumask *b, int from, int n)
{
    for (int c = from; c < n;) {
        uint64_t w = a->w[c >> 6] & (b ? b->w[c >> 6] : ~0ull);
        w >>= c & 63;
        if (w) {
            c += __builtin_ctzll(w);
            return c < n ? c : -1;
        }
        c = (c | 63) + 1;
    }
    return -1;
}
static inline int host_cpumask_next(const host_cpumask *m, int from, int n)
{
    return host_cpumask_next_and(m, NULL, from, n);
}
void host_cpumask_fill(host_cpumask *m, int ncpus);
/* Levels of host.queued_nr: CPUs with 1 .. HOST_NR_LEVELS - 1 tasks each
 * one level, the last HOST_NR_LEVELS or more. */
#define HOST_NR_LEVELS 8

/* X(enum, name) */
#define HOST_TASK_STATES(X)                                                 \
    X(HOST_TASK_NEW, "new")                                                 \
    X(HOST_TASK_RUNNABLE, "runnable")                                       \
    X(HOST_TASK_RUNNING, "running")                                         \
    X(HOST_TASK_SLEEPING, "sleeping")                                       \
    X(HOST_TASK_WAKING, "waking")                                           \
    X(HOST_TASK_DEAD, "dead")
typedef enum {
#define HOST_TS_ENUM(e, s) e,
    HOST_TASK_STATES(HOST_TS_ENUM)
#undef HOST_TS_ENUM
    HOST_TASK_STATE_COUNT
} host_task_state;
const char *host_task_state_name(int s);

#define HOST_CPU_STATES(X)                                                  \
    X(HOST_CPU_OFFLINE, "offline")                                          \
    X(HOST_CPU_IDLE, "idle")                                                \
    X(HOST_CPU_TASK, "task")                                                \
    X(HOST_CPU_KERNEL, "kernel")                                            \
    X(HOST_CPU_KVM, "kvm")
typedef enum {
#define HOST_CS_ENUM(e, s) e,
    HOST_CPU_STATES(HOST_CS_ENUM)
#undef HOST_CS_ENUM
    HOST_CPU_STATE_COUNT
} host_cpu_state;
const char *host_cpu_state_name(int s);

/* Time accounting per CPU. X(enum, name) */
#define HOST_ACCTS(X)                                                       \
    X(HOST_ACCT_TASK, "task")                                               \
    X(HOST_ACCT_IRQ, "irq")                                                 \
    X(HOST_ACCT_SCHED, "sched")                                             \
    X(HOST_ACCT_IDLE, "idle")                                               \
    X(HOST_ACCT_KVM, "kvm")                                                 \
    X(HOST_ACCT_OFFLINE, "offline")
typedef enum {
#define HOST_AC_ENUM(e, s) e,
    HOST_ACCTS(HOST_AC_ENUM)
#undef HOST_AC_ENUM
    HOST_ACCT_COUNT
} host_acct;
const char *host_acct_name(int a);

typedef struct host host;
typedef struct host_task host_task;
typedef void (*host_task_fn)(host *h, host_task *t, void *arg);

typedef struct host_task_ops {
    void (*run)(host *h, host_task *t);
} host_task_ops;

struct host_task {
    uint32_t id;
    char name[32];
    host_task_state state;
    host_cpumask affinity;
    host_cpumask sys_mask; /* sys_cpumask: the kernel's mask (default: every CPU) */
    host_cpumask allowed;  /* affinity & sys_mask: where it may run */
    int only_cpu;          /* the one CPU of allowed, -1 if none or several */
    bool stop_class;       /* the CPU's stopper (stop_sched_class) */
    const host_task_ops *ops;
    void *ctx;
    int cpu; /* CPU it runs or is queued on, or last ran on; -1 = never ran */
    /* compute in progress */
    bool has_work;
    des_time work_left;
    host_task_fn work_done;
    void *work_arg;
    /* scheduler */
    des_time vruntime, exec_start, slice_start_run;
    des_time runnable_since;
    des_time wake_at; /* DES_TIME_MAX = not woken */
    bool in_cb, kvm_req;
    bool preempt_off; /* preempt_disable(): need_resched waits until it is back on */
    /* statistics */
    des_time run_ns, wait_ns;
    uint64_t n_wakeups, n_switch_in, n_preempted, n_migrations;
    des_hist wake_lat;  /* host_task_wake -> running, ns */
    des_hist sched_lat; /* runnable -> running, ns */
    des_rng rng;
    host *h;
    int wake_from; /* waker's CPU for the pending ttwu (-1: other context) */
};

typedef struct host_kvm_hooks {
    /* An interrupt reached the CPU's thread while handed over and the host
     * sink is installed (KVM decides: host_ipi, ICP). */
    void (*intr)(void *ctx, int cpu, hw_wake_reason cause);
    /* The host tick expired on the CPU (HDEC): KVM should exit soon. */
    void (*host_tick)(void *ctx, int cpu);
} host_kvm_hooks;

typedef enum { HOST_HOTPLUG_ONLINE, HOST_HOTPLUG_DEAD } host_hotplug_event;
typedef void (*host_hotplug_fn)(void *ctx, int cpu, host_hotplug_event ev);
typedef des_time (*host_rm_action_fn)(void *ctx, int cpu);
typedef void (*host_offline_kvm_fn)(void *ctx, int cpu, hw_wake_reason cause);
typedef void (*host_done_fn)(void *arg);

typedef struct host_call host_call;

typedef struct host_hrtimer host_hrtimer;
typedef void (*host_hrtimer_fn)(host *h, host_hrtimer *tm, int cpu);
/* An hrtimer (struct hrtimer): owned by its user, armed on one CPU. */
struct host_hrtimer {
    host *h;
    host_hrtimer_fn fn;
    void *arg;
    int cpu;            /* the CPU it is armed on, -1 = not armed */
    des_time due;       /* expiry (absolute ns) */
    des_handle ev;      /* the expiry event while it is not yet due */
    bool expired;       /* due, waiting for its CPU's timer interrupt */
    host_hrtimer *next; /* the CPU's list of armed timers */
};

/* A CPU's stopper and its queue of works (struct cpu_stopper). */
typedef void (*host_stop_fn)(host *h, host_task *t, void *arg, uint64_t data);
typedef struct host_stop_work {
    host_stop_fn fn;
    void *arg;
    uint64_t data;
} host_stop_work;
typedef struct host_stopper {
    host_task *t;        /* NULL until first used */
    hv_ring q;           /* pending works: host_stop_work, FIFO */
    bool busy;           /* a work's fn runs (until host_stop_done) */
    uint64_t queued, done;
} host_stopper;

typedef struct host_cpu {
    int cpu;
    hw_thread *t;
    host *h;
    bool online, pending_offline;
    host_cpu_state state;
    host_task *curr;
    host_task **rq;
    uint32_t nq, capq;
    uint32_t nq_fixed; /* queued tasks allowed on this CPU only (only_cpu) */
    int nr_level;      /* the queued_nr level this CPU is in, -1 = none */
    bool need_resched;
    des_handle ev; /* kernel step or compute completion */
    int phase, cur_msg, demux_src;
    uint64_t demux_all;
    uint32_t xirr;
    des_handle tick_ev;
    bool tick_pending;
    const host_kvm_hooks *kvm_hooks;
    void *kvm_ctx;
    host_call *calls;
    uint32_t ncalls, capcalls;
    host_hrtimer *timers;  /* armed hrtimers on this CPU (expired ones included) */
    bool tick_due;         /* the pending decrementer interrupt includes the tick */
    bool hrtimer_tick;     /* PH_HRTIMER: run the tick after the expired hrtimers */
    des_time min_vruntime;
    des_time msgs_since; /* when the message word last became non-zero */
    des_time irq_t0;     /* when the interrupt being handled was entered */
    bool irq_rm_action;  /* ... and it demuxed PPC_MSG_RM_HOST_ACTION */
    /* accounting */
    host_acct acct;
    des_time acct_since, acct_ns[HOST_ACCT_COUNT];
    uint64_t n_switches, n_ticks, n_irqs, n_preempt, n_demux[PPC_MSG_COUNT];
} host_cpu;

struct host {
    des_sim *sim;
    hw_machine *hw;
    host_cfg cfg;
    uint64_t seed, run;
    host_cpu *cpus; /* [hw->ncpus] */
    /* CPUs by what the scheduler searches for (host__cpu_masks keeps them):
     * online; idle (online, no current task, empty run queue); queued by
     * load: queued_nr[k] holds the CPUs with a queued task that may run on
     * another CPU (nq > nq_fixed) and k + 1 tasks in all (nr_running, the
     * current one included), the last level k + 1 or more (host__pull_task
     * searches from the top; a CPU whose queued tasks are all pinned to it
     * can give none) */
    host_cpumask online_cpus, idle_cpus, queued_nr[HOST_NR_LEVELS];
    uint32_t n_queued_nr[HOST_NR_LEVELS]; /* CPUs in each level (empty levels are skipped) */
    host_task **tasks;
    uint32_t ntasks, captasks;
    des_time tick_period;
    host_rm_action_fn rm_action;
    void *rm_action_ctx;
    host_offline_kvm_fn offline_kvm;
    void *offline_kvm_ctx;
    host_hotplug_fn hotplug_fn[4];
    void *hotplug_ctx[4];
    int nhotplug;
    /* counters */
    uint64_t ipi_sent[PPC_MSG_COUNT], ipi_raised[PPC_MSG_COUNT], ipi_coalesced[PPC_MSG_COUNT],
        ipi_demuxed[PPC_MSG_COUNT];
    uint64_t wakeups_sent, wakeups_consumed, wakeups_coalesced;
    struct kick_sync *syncs; /* every kick_all_cpus_sync record (freed with the host) */
    host_stopper *stoppers; /* [hw->ncpus] */
    /* hrtimers: armed ever (reports show them only then), fired since the
     * stats reset, and their lateness on primary threads and secondaries */
    uint64_t hrtimers_armed, hrtimers_fired;
    des_hist hrtimer_late[2]; /* [0] primary threads, [1] secondaries (ns) */
    uint64_t migrations, affinity_broken, hotplug_offline, hotplug_online, kvm_enters;
    /* Interrupt time (entry to exit) of the interrupts that demuxed
     * RM_HOST_ACTION on a CPU with a current task: the host work M1's
     * redirects delayed (reporting, zeroed by host_reset_stats). */
    des_time rm_action_task_ns;
    /* Values of the conservation counters at the last host_reset_stats:
     * reports show the difference (the counters themselves never reset). */
    uint64_t base_ipi_sent[PPC_MSG_COUNT], base_ipi_raised[PPC_MSG_COUNT],
        base_ipi_coalesced[PPC_MSG_COUNT], base_ipi_demuxed[PPC_MSG_COUNT];
    uint64_t base_wakeups_consumed, base_wakeups_coalesced;
    char check_msg[256]; /* the message host_check / host_conservation return */
};

/* Build the host on hw: brings the Linux CPUs online (idle, napping) and
 * schedules the hotplug events of cfg. */
host *host_new(des_sim *sim, hw_machine *hw, const host_cfg *cfg, uint64_t seed, uint64_t run);
void host_free(host *h);
/* Register host_check (which runs hw_check first) with des_set_check. */
void host_install_checks(host *h);

/* --- tasks --- */
host_task *host_task_new(host *h, const char *name, const host_cpumask *affinity,
                         const host_task_ops *ops, void *ctx);
/* The RFC's sys_cpumask (before host_task_start). */
void host_task_set_sys_cpumask(host_task *t, const host_cpumask *m);
/* wake_up_new_task: place and enqueue after sched_ttwu. */
void host_task_start(host *h, host_task *t);
void host_task_compute(host *h, host_task *t, des_time ns, host_task_fn done, void *arg);
void host_task_block(host *h, host_task *t);
void host_task_exit(host *h, host_task *t);
/* from_cpu: the CPU the waker runs on, or -1 (another context). */
void host_task_wake(host *h, host_task *t, int from_cpu);
/* preempt_disable / preempt_enable for t, in its task context: while off,
 * a need_resched (wakeup or tick preemption) waits; interrupts are still
 * taken. Turning it back on lets a pending need_resched switch at once. */
void host_task_preempt(host *h, host_task *t, bool on);
/* single_task_running() on cpu: no other task is queued there. */
static inline bool host_cpu_single_task(const host *h, int cpu) { return h->cpus[cpu].nq == 0; }

/* --- IPIs --- */
/* smp_muxed_ipi_message_pass(to_cpu, msg) from from_cpu (-1: unknown). */
void host_send_ipi(host *h, int from_cpu, int to_cpu, int msg);
void host_smp_send_reschedule(host *h, int from_cpu, int to_cpu);
/* set_message only (no cause_ipi, host_ipi untouched): the caller raises
 * the IPI itself (KVM 4.6 real-mode redirect). */
void host_post_message(host *h, int to_cpu, int msg);
/* smp_call_function_single(cpu, fn, arg, wait=0): fn(arg) runs in the
 * target's CALL_FUNCTION handler. */
void host_call_function_single(host *h, int from_cpu, int cpu, host_done_fn fn, void *arg);
void host_kick_all_cpus_sync(host *h, int from_cpu, host_done_fn done, void *arg);
void host_set_rm_host_action(host *h, host_rm_action_fn fn, void *ctx);

/* --- the stopper (stop_machine.c) --- */
/* cpu_stop_queue_work on cpu from from_cpu (-1: another context): queue
 * fn(h, stopper, arg, data) and wake cpu's stopper (created on first use).
 * False (nothing queued) when cpu is offline. */
bool host_stop_cpu_async(host *h, int from_cpu, int cpu, host_stop_fn fn, void *arg, uint64_t data);
/* In the stopper's task context: the current work is done. */
void host_stop_done(host *h, host_task *t);

/* --- hrtimers --- */
void host_hrtimer_init(host_hrtimer *tm, host_hrtimer_fn fn, void *arg);
/* Arm (or re-arm) tm on cpu to expire at `at` (now if in the past). */
void host_hrtimer_start(host *h, host_hrtimer *tm, int cpu, des_time at);
void host_hrtimer_cancel(host *h, host_hrtimer *tm);
/* The earliest expiry armed on cpu (expired ones included); DES_TIME_MAX if none. */
des_time host_cpu_next_hrtimer(const host *h, int cpu);

/* --- hotplug --- */
int host_cpu_down(host *h, int cpu); /* HV_EINVAL if already offline */
int host_cpu_up(host *h, int cpu);   /* HV_EINVAL if already online */
void host_register_hotplug(host *h, host_hotplug_fn fn, void *ctx);
static inline bool host_cpu_online(const host *h, int cpu) { return h->cpus[cpu].online; }

/* --- KVM handover --- */
void host_cpu_enter_kvm(host *h, int cpu, const host_kvm_hooks *hooks, void *ctx);
void host_cpu_leave_kvm(host *h, int cpu, host_task_fn done, void *arg);
/* The host's sink for a thread (ctx = &h->cpus[cpu]). */
void host_thread_sink(void *ctx, hw_thread *t, hw_wake_reason cause, bool from_nap);
/* Re-install the host's sink on cpu's thread (after KVM installed its own on
 * a secondary it grabbed or on a handed-over CPU). */
void host_restore_sink(host *h, int cpu);
/* Offline secondaries: when an offline thread wakes from nap with
 * hwthread_req set, the host's offline loop hands it to KVM (the powernv
 * wakeup path branches to kvm_start_guest) by calling fn(ctx, cpu, cause)
 * instead of flushing; fn must move the thread out of nap (hw_set_mode) or
 * nap it again. Without fn (or with hwthread_req clear) the host flushes
 * pending IPIs and naps again. */
void host_set_offline_kvm_entry(host *h, host_offline_kvm_fn fn, void *ctx);

/* --- accounting, checks --- */
void host_account(host *h); /* bring acct_ns and hw mode_ns up to now */
/* End of warm-up: zero the reporting counters, times and histograms of the
 * host, its CPUs and tasks, and of hw (hw_reset_stats); conservation
 * counters keep counting and get a baseline instead. */
void host_reset_stats(host *h);
/* NULL, or the first broken invariant (hw's first) as a message held in
 * h->check_msg or h->hw->check_msg (valid until the next check). */
const char *host_check(host *h);
const char *host_conservation(host *h);

#endif
