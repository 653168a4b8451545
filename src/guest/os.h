/*
 * guest/os.h — a Linux-like guest kernel (pseries on XICS, the 4.x era) for
 * the request/response workloads: guest threads on VCPUs, a small CFS-like
 * scheduler per VCPU, wakeup placement and the reschedule IPI, interrupt
 * handling with H_XIRR / H_EOI, softirq work, the guest tick with NO_HZ
 * idle, and the idle loop's H_CEDE. It drives KVM through kvm_guest_ops
 * (kvm/kvm.h), one program per VCPU. Guest code is not emulated: work is
 * time. (guest/guest.h is the older work-item guest that runs the boot-like
 * mix; both live in this room.)
 *
 * Overview (kernel functions mirrored; docs/workloads.md "The guest OS")
 *   Threads. A thread (task_struct) runs a behaviour supplied by its
 *   creator: ops.run(os, t) is called in thread context when the thread
 *   gets its VCPU with nothing to continue; in thread context a behaviour
 *   calls exactly one of guest_thread_compute (use guest CPU time, then
 *   done()), guest_thread_wait (sleep until guest_thread_wake, then done(),
 *   or run() again when done is NULL) or guest_thread_store (an MMIO store,
 *   e.g. a virtio notify: the whole core exits; done() when it completed).
 *   A done() callback is thread context again.
 *
 *   Scheduler, per VCPU (kernel/sched/fair.c, reduced): one run queue
 *   ordered by vruntime (ties by enqueue order); vruntime advances with the
 *   time a thread is current (update_curr: wall time, interrupts included,
 *   as without IRQ_TIME_ACCOUNTING); a woken thread gets
 *   max(its vruntime, min_vruntime - sched_latency/2) (place_entity with
 *   GENTLE_FAIR_SLEEPERS), renormalised when it moves to another VCPU.
 *   sched_latency, sched_min_granularity and sched_wakeup_granularity are
 *   the [guest] keys times 1 + ilog2(min(VCPUs, 8)) (SCHED_TUNABLESCALING_LOG).
 *   Preemption: check_preempt_wakeup (curr.vruntime - wakee.vruntime >
 *   wakeup granularity, or the VCPU is idle) and check_preempt_tick (curr
 *   ran longer than its slice max(latency / nr_running, min_granularity)).
 *   need_resched is acted on when the VCPU returns from an interrupt or a
 *   thread's compute segment ends (no kernel preemption inside a segment).
 *
 *   Wakeup (try_to_wake_up from a thread, softirq or interrupt context on a
 *   VCPU `from`; `sync` = the waker is a thread about to block, WF_SYNC):
 *   select_task_rq: wake-affine to `from` when sync, from != prev, the
 *   waker is the only thread on `from` and nothing else is queued there
 *   (wake_affine_idle's "sync && nr_running == 1": the waker leaves it
 *   empty); otherwise the thread's previous VCPU, or, if that is busy, an
 *   idle VCPU among its LLC siblings (select_idle_sibling; the LLC is the
 *   vcore's threads: QEMU threads= is the guest's SMT, and the 4.x powerpc
 *   topology's LLC is the SMT level).
 *   ttwu_queue: a target outside the waker's LLC (guest.ttwu_queue) gets
 *   the thread on its wake_list and a reschedule IPI when the list was
 *   empty (ttwu_queue_remote; the idle loop never polls: pseries shared
 *   cede); the target enqueues it in its IPI handler (sched_ttwu_pending).
 *   Same LLC (or ttwu_queue off): enqueue now; check_preempt_curr; an idle
 *   target or a due preemption sets need_resched and, on another VCPU,
 *   sends the reschedule IPI unless need_resched was already set
 *   (resched_curr). The IPI is smp_send_reschedule -> icp_hv_cause_ipi:
 *   H_IPI(server, IPI_PRIORITY), issued from `from` after the ttwu time.
 *
 *   Interrupts (icp_hv driver): an external interrupt runs H_XIRR; an IPI
 *   then H_IPI(self, 0xff) (icp_hv_ipi_action clears the MFRR), the IPI
 *   handler (smp_ipi_demux -> scheduler_ipi: the wake_list), H_EOI; a
 *   device source the driver's hard-IRQ handler (os ops.device_irq: its
 *   time and its effects, e.g. napi_schedule), H_EOI; then irq_exit runs
 *   the softirq work the handler raised (guest_kwork) before anything else.
 *   Hard interrupts do not nest: one that arrives during a handler waits for
 *   it (MSR[EE] = 0 in hard-IRQ context). Kernel work that has run for
 *   guest.softirq_max without the VCPU going back to a thread or to idle
 *   is handed to the VCPU's ksoftirqd thread (__do_softirq's
 *   MAX_SOFTIRQ_TIME -> wakeup_softirqd), which drains it as an ordinary,
 *   pinned thread competing with the others, then gives it back.
 *
 *   Tick: the decrementer fires every 1/hz (jiffy boundaries) while the
 *   VCPU is not idle: timer_interrupt + scheduler_tick (guest.tick of guest
 *   time, then check_preempt_tick). Idle stops it (NO_HZ idle,
 *   tick_nohz_idle_enter) and leaving idle re-arms it.
 *
 *   Idle: nothing to run -> H_CEDE (cpuidle-pseries "Shared Cede": QEMU
 *   marks the VPA shared, and 4.x shared partitions have no snooze state).
 *   No load balancing (periodic, newidle or at fork): a thread stays on the
 *   VCPU its wakeups place it on (docs/workloads.md says why).
 *
 *   Execution on a VCPU, in order of priority each time KVM asks (next()):
 *     1. boot: H_CPPR(0xff) (xics_setup_cpu);
 *     2. the interrupt handler's steps (H_XIRR, H_IPI(self), handler time,
 *        H_EOI) and the tick handler;
 *     3. outgoing reschedule IPIs (H_IPI), in order;
 *     4. kernel work (guest_kwork: softirq, ttwu time), FIFO, unless it is
 *        ksoftirqd's (then ksoftirqd runs it as a thread);
 *     5. a context switch (guest.ctx_switch) when need_resched or the
 *        current thread stopped and another thread is picked;
 *     6. the current thread: its compute rest, its store, or ops.run;
 *     7. idle: H_CEDE.
 *   An interrupt delivered while a thread's or kernel work's compute runs
 *   takes its rest back (kvm_vcpu_take_paused) and re-issues it later.
 *
 * State
 *   guest_thread: state (GUEST_THREAD_STATES), cpu (the VCPU it runs or is
 *   queued on, or last ran on), vruntime and sum_exec (ns), its work in
 *   progress (work_left ns, done, store address), its place in the run
 *   queue heap (rq_pos, GUEST_NO_POS when not queued), wake_list link.
 *   guest_vcpu: curr (NULL = idle task), rq (a binary heap), min_vruntime,
 *   need_resched, the wake_list, the outgoing IPI list, the kernel work
 *   FIFO, the interrupt handler phase, idle (from the decision to cede
 *   until H_CEDE returns).
 *   Memory: per VCPU O(threads queued there), per thread O(1); no step
 *   scans the VCPUs or threads of the VM (select_idle_sibling scans the
 *   target's LLC: at most 8 VCPUs).
 *
 * Invariants (guest_os_check)
 *   a RUNNING thread is curr of exactly its VCPU; a RUNNABLE thread is in
 *   exactly one run queue (its cpu's) or on one wake_list; a BLOCKED thread
 *   is in neither; rq heap order holds; nr_waiting = queued threads; each
 *   VCPU's XICS driver state holds (guest_icp_check).
 *   Conservation (guest_os_conservation): wakeups issued = woken +
 *   coalesced (the thread was not blocked); IPIs queued = sent + still
 *   queued.
 *
 * Simplifications (docs/workloads.md): one scheduling class, equal
 * weights, no cgroups; no load balancing (threads start on the VCPU their
 * creator names); no kernel preemption inside a compute segment;
 * softirq work runs at irq_exit or in ksoftirqd; the guest's own timers other
 * than the tick are not modelled.
 *
 * RNG: none (the guest kernel's times are the [guest] keys; workloads draw
 * their own).
 *
 * Concurrency contract: single-threaded (the DES thread).
 */
#ifndef HV_GUEST_OS_H
#define HV_GUEST_OS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ring.h"
#include "guest/icp_client.h"
#include "kvm/kvm.h"

/* Scenario keys: [guest] (guest/guest_options.def), field name = key. */
typedef struct guest_cfg {
    uint64_t hz;
    des_time sched_latency, sched_min_granularity, sched_wakeup_granularity;
    bool ttwu_queue;
    bool wake_affine;
    des_time softirq_max;
    des_time ctx_switch, ttwu, irq, ipi_handler, tick, futex;
} guest_cfg;
guest_cfg guest_cfg_default(void);

#define GUEST_THREAD_STATES(X)                                               \
    X(GUEST_THREAD_RUNNABLE, "runnable")                                     \
    X(GUEST_THREAD_RUNNING, "running")                                       \
    X(GUEST_THREAD_BLOCKED, "blocked")
typedef enum {
#define GUEST_TS_ENUM(e, n) e,
    GUEST_THREAD_STATES(GUEST_TS_ENUM)
#undef GUEST_TS_ENUM
} guest_thread_state;
const char *guest_thread_state_name(int s);

typedef struct guest_os guest_os;
typedef struct guest_thread guest_thread;
typedef struct guest_vcpu guest_vcpu;

/* A continuation in thread context. */
typedef void (*guest_thread_fn)(guest_os *os, guest_thread *t, void *arg);
/* Kernel work done on a VCPU (softirq, a driver's poll): may wake threads,
 * queue more kernel work, send packets. */
typedef void (*guest_kfn)(guest_os *os, guest_vcpu *c, void *arg, uint64_t a);

typedef struct guest_thread_ops {
    void (*run)(guest_os *os, guest_thread *t);
} guest_thread_ops;

#define GUEST_NO_POS UINT32_MAX

struct guest_thread {
    guest_os *os;
    uint32_t id;
    char name[24];
    guest_thread_state state;
    guest_vcpu *cpu;          /* runs / queued / last ran on */
    const guest_thread_ops *ops;
    void *ctx;
    /* CFS */
    des_time vruntime, sum_exec, slice_start; /* slice_start: sum_exec when picked */
    uint32_t rq_pos;          /* index in cpu->rq, GUEST_NO_POS when not queued */
    uint64_t rq_seq;          /* enqueue order (ties) */
    guest_thread *wake_next;  /* wake_list link */
    bool on_wake_list;
    /* work in progress (thread context) */
    bool has_work;            /* compute or store pending */
    bool is_store;
    des_time work_left;
    uint64_t store_addr;
    guest_thread_fn done;     /* after the compute/store, or after a wait */
    void *done_arg;
    bool in_cb;               /* run()/done() under way: one action expected */
    bool acted;
    uint64_t wakeups;         /* times woken (never reset) */
    bool pinned;              /* a per-CPU kernel thread: always woken on cpu */
    /* a contended guest_mutex_lock under way (os_sync.c) */
    struct guest_mutex *lock_m;
    guest_thread_fn lock_done;
    void *lock_arg;
};

/* Guest kernel counters per VCPU, each declared once: a row X(name) is the
 * uint64_t field `name` of guest_os_stats and the metric "guest.os.<name>"
 * (report/guest_view.c, summed over the VCPUs of every such guest, list
 * order). The comment names where it is counted (guest/os*.c). */
#define GUEST_OS_COUNTERS(X)                                                 \
    X(wakeups)          /* os.c: try_to_wake_up of a blocked thread */       \
    X(wakeups_remote)   /* os.c: ... placed on another VCPU than the waker's */ \
    X(wakeups_affine)   /* os.c: ... pulled to the waker's VCPU (wake_affine) */ \
    X(wakeups_idle_target) /* os.c: ... whose target VCPU was idle */        \
    X(wakeups_coalesced) /* os.c: a wake of a thread that was not blocked */ \
    X(resched_ipis)     /* os_vcpu.c: reschedule H_IPIs sent */              \
    X(ipis_received)    /* os_vcpu.c: H_XIRR returned an IPI */              \
    X(device_irqs)      /* os_vcpu.c: H_XIRR returned a device source */     \
    X(ticks)            /* os_vcpu.c: guest timer ticks handled */          \
    X(ctx_switches)     /* os_vcpu.c: context switches to another thread */  \
    X(preemptions)      /* os_vcpu.c: ... of a thread that was still runnable */ \
    X(cedes)            /* os_vcpu.c: the idle loop's H_CEDE */             \
    X(softirq_deferrals) /* os_vcpu.c: softirq work handed to ksoftirqd */

typedef struct guest_os_stats {
#define GUEST_OS_FIELD(name) uint64_t name;
    GUEST_OS_COUNTERS(GUEST_OS_FIELD)
#undef GUEST_OS_FIELD
    des_time busy_ns; /* time not idle: guest.os.busy_frac */
} guest_os_stats;

typedef struct guest_kwork {
    des_time ns;
    guest_kfn fn;
    void *arg;
    uint64_t a;
} guest_kwork;

struct guest_vcpu {
    guest_os *os;
    kvm_vcpu *v;
    uint32_t index;
    uint32_t llc_first, llc_n; /* its LLC siblings: VCPUs [first, first + n) */
    /* scheduler */
    guest_thread *curr;        /* NULL: the idle task */
    guest_thread **rq;         /* heap by (vruntime, rq_seq) */
    uint32_t nr, capq;
    des_time min_vruntime, exec_start;
    bool need_resched;
    guest_thread *wake_list;   /* ttwu_queue_remote, LIFO as llist */
    guest_thread *prev;        /* last thread that ran (a switch to another costs ctx_switch) */
    bool switching;            /* the context switch's compute is under way */
    des_time switch_left;
    hv_ring kw;                /* kernel work: guest_kwork, FIFO */
    bool kw_running;           /* the head item's compute is issued */
    des_time kw_since;         /* kernel work running since (0: none under way) */
    guest_thread *ksoftirqd;   /* this VCPU's ksoftirqd (pinned) */
    bool kso_mode;             /* kernel work is ksoftirqd's until it drains it */
    guest_kwork kso_item;      /* the item ksoftirqd is running */
    /* interrupts: the XICS driver (the handler's phase, the outgoing
     * reschedule IPIs in order), the tick */
    guest_icp icp;
    bool tick_pending, in_tick;
    /* what the compute in flight belongs to (os_vcpu.c) */
    int owner;
    bool booted;
    int inflight;              /* the hcall in flight (os_vcpu.c) */
    bool idle;                 /* decided to cede; until H_CEDE returns */
    des_time idle_since, busy_since;
    des_time tick_at;          /* the armed tick, 0 = stopped */
    guest_os_stats st;
};

typedef struct guest_os_ops {
    /* A device interrupt (source irq) was accepted on c: run the driver's
     * hard-IRQ handler; return its guest time (the effects, e.g. kernel
     * work for the softirq, may be queued now). */
    des_time (*device_irq)(guest_os *os, guest_vcpu *c, uint32_t irq, void *ctx);
    void *ctx;
} guest_os_ops;

struct guest_os {
    kvm_vm *vm;
    guest_cfg cfg;
    des_time latency, min_gran, wakeup_gran; /* scaled (SCHED_TUNABLESCALING_LOG) */
    guest_vcpu *cpus;          /* [vm->n_vcpus] */
    guest_thread **threads;
    uint32_t nthreads, capthreads;
    guest_os_ops ops;
    uint64_t rq_seq;
    uint32_t nr_waiting;       /* threads queued (not current) over every VCPU */
    /* conservation (never reset) */
    uint64_t wakes_issued, wakes_done, wakes_coalesced;
    uint64_t ipis_queued, ipis_sent;
    char check_msg[160];
};

/* The guest kernel of vm: installs its program on every VCPU (before
 * kvm_vm_start). ops may be NULL (no devices). */
guest_os *guest_os_new(kvm_vm *vm, const guest_cfg *cfg, const guest_os_ops *ops);
void guest_os_free(guest_os *os);
/* End of warm-up: zero every VCPU's counters. */
void guest_os_reset_stats(guest_os *os);
const char *guest_os_check(guest_os *os);
const char *guest_os_conservation(guest_os *os);
des_time guest_os_now(const guest_os *os);

/* A thread, runnable on VCPU cpu from the start (wake_up_new_task on the
 * CPU its creator chose). */
guest_thread *guest_thread_new(guest_os *os, const char *name, uint32_t cpu,
                               const guest_thread_ops *ops, void *ctx);

/* Thread context: exactly one per run()/done(). */
void guest_thread_compute(guest_os *os, guest_thread *t, des_time ns, guest_thread_fn done,
                          void *arg);
void guest_thread_wait(guest_os *os, guest_thread *t, guest_thread_fn done, void *arg);
void guest_thread_store(guest_os *os, guest_thread *t, uint64_t addr, guest_thread_fn done,
                        void *arg);

/* try_to_wake_up(t) by code running on `from` (a thread, kernel work or an
 * interrupt handler); sync: the waker is a thread about to block (WF_SYNC).
 * A thread that is not blocked is left alone (counted as coalesced). */
void guest_thread_wake(guest_os *os, guest_thread *t, guest_vcpu *from, bool sync);
/* Queue kernel work on c (softirq context: runs before threads). */
void guest_kwork_queue(guest_os *os, guest_vcpu *c, guest_kwork w);

/* The VCPU a thread's code is running on (its cpu; for callers that only
 * know the thread). */
static inline guest_vcpu *guest_thread_cpu(const guest_thread *t) { return t->cpu; }

/* A futex-backed mutex (pthread mutex on FUTEX_WAIT / FUTEX_WAKE): the
 * owner, and a FIFO of waiting threads. Unlock hands the mutex to the first
 * waiter and wakes it (not sync: the waker keeps running). */
typedef struct guest_mutex {
    guest_thread *owner;
    hv_ring waiters;     /* guest_thread *, FIFO */
    uint64_t contended;  /* lock attempts that had to wait */
} guest_mutex;
void guest_mutex_free(guest_mutex *m);
/* Thread context: take m, then done(); if it is held, FUTEX_WAIT (guest.futex
 * of time), block, and done() once it is handed over. */
void guest_mutex_lock(guest_os *os, guest_thread *t, guest_mutex *m, guest_thread_fn done, void *arg);
/* Thread context: release m (the owner); with waiters FUTEX_WAKE (guest.futex)
 * and the handover; then done(). */
void guest_mutex_unlock(guest_os *os, guest_thread *t, guest_mutex *m, guest_thread_fn done,
                        void *arg);

#endif
