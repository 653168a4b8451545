/*
 * kvm/kvm_m3.h — M3: secondary hardware threads online in the host, parked
 * by a stopper while a guest runs on their core. The 2014 RFC "powerKVM,
 * release the compute power of secondary hwthread on host" (Liu Ping Fan,
 * linuxppc-dev, 17 Oct 2014; never merged). docs/m3-secondaries.md.
 *
 * Overview (host.secondaries = online; kvm_m3.c, the RFC's patch in [])
 *   Every thread is a Linux CPU running host tasks. VCPU tasks run only on
 *   thread 0 of a core: their system mask (host.h, the RFC's sys_cpumask)
 *   holds the primaries ["sched: introduce sys_cpumask in tsk to adapt
 *   asymmetric system", "powerpc: kvm: ensure vcpu-thread run only on
 *   primary hwthread"]; host tasks run anywhere.
 *
 *   Entry. The runner, on the primary with preemption off, after
 *   kvmppc_run_core's prep, replaces kvmppc_grab_hwthread by
 *   stop_cpus_async on every secondary of its (sub)core ["sched: introduce
 *   stop_cpus_async() to schedule special tsk on cpu"; host_stop_cpu_async,
 *   cost m3_stop_queue each], then checks the flags (m3_flag_poll per
 *   pass). Each secondary's stopper (stop class: it preempts whatever host
 *   task runs there) "brings cpuX to a special state, signals flag and is
 *   trapped" (m3_stopper_park): the CPU is handed to KVM
 *   (host_cpu_enter_kvm), hwthread_req = 1, flag = the entry's generation,
 *   then nap (HW_MODE_OFFLINE_NAP), where a wake goes to kvm_start_guest.
 *   When every flag is in, the runner goes on as 4.x does (start loop,
 *   IPIs, real mode: kvm_core.c). The wait — the stoppers' wakeups,
 *   preemption, nap exits — is entry latency (m3.park_wait_ns).
 *
 *   Timeout (what the RFC leaves open). If a flag is missing after
 *   m3_park_timeout (kvmppc_grab_hwthread's 10000 x udelay(1)), the runner
 *   abandons this entry: the generation is closed (a stopper that runs later
 *   returns at once: m3.stale_stoppers), the secondaries already trapped are
 *   released back to the host, preemption is back on and the runner retries
 *   from kvmppc_run_vcpu's loop (m3.park_timeouts). Upstream's
 *   on_primary_thread failure returns -EBUSY to every runnable VCPU and QEMU
 *   stops the VM ("This is probably because your SMT is enabled"); the RFC
 *   could not have meant that, and running with fewer threads is not
 *   possible on POWER8 (the whole core must be in the partition).
 *
 *   Exit. A secondary that ran a VCPU "hardcodes to jmp back to the stopper
 *   func" after kvmhv_switch_to_host (its vcpu and vcore pointers cleared,
 *   the host partition restored): m3_stopper_return, then the stopper
 *   returns to the scheduler (host_cpu_leave_kvm, host_stop_done) and the
 *   preempted task continues. A secondary that had no VCPU (still trapped
 *   in nap, or spinning in kvm_no_guest) is released by the runner's
 *   kvmppc_release_hwthread: hwthread_req = 0 and an IPI (kvmppc_ipi_thread)
 *   wakes it into the same return.
 *
 *   Timers. While a secondary is parked its host timers (tick, hrtimers)
 *   cannot fire: they fire when it returns (host.h: late). The anti-tickless
 *   kthread on the primary ["powerpc: kvm: introduce a kthread on primary
 *   thread to anti tickless"] is modelled as its hrtimer: at entry it is
 *   armed on the primary for the earliest host hrtimer of the parked
 *   secondaries, no sooner than m3_timer_threshold after the entry (the
 *   RFC's threshold "to avoid the primary has too small time slice"); its
 *   expiry is the primary's HDEC: the whole core exits and the secondaries
 *   return (m3.timer_exits). The kthread's own run is not modelled. The
 *   tick is the primary's own: every CPU's tick falls on the same period
 *   boundary, so a secondary's tick waits only for the primary's HDEC exit.
 *   Timebase: the primary restores the host timebase (TBU40) before
 *   in_guest = 0 and a secondary returns only after that; it then
 *   reprograms its decrementer (in m3_stopper_return) and the timers that
 *   expired meanwhile run.
 *
 *   Host IPIs. A host IPI to a secondary running a VCPU sets host_ipi: the
 *   guest-exit path sees a host IPI and the whole core exits (M2's path,
 *   m3.host_ipi_exits when that secondary is the first exiter). A host IPI
 *   to a parked secondary without a VCPU wakes it into kvm_no_guest, which
 *   leaves it pending (XICS not accepted, doorbell not cleared) and spins;
 *   it is taken when the secondary returns (m3.host_ipis_deferred). On the
 *   return the stopper runs the doorbell handler if host_ipi or a message is
 *   left with no interrupt condition ("we will invoke the handler explicitly
 *   in the guest exit path", kvmppc_check_wake_reason).
 *
 * State
 *   per thread (kvm_m3_thread, [ncpus]): state (KVM_M3_STATES), gen (the
 *   entry it is parked for, its flag), parked_at / released_at (ns),
 *   stolen_ns (time parked since the stats reset: the scheduler does not
 *   know it), deferred (a host IPI is held).
 *   per (sub)core, indexed by its primary (kvm_m3_core, [ncpus]): gen
 *   (entries tried), parking (an entry's park is open: from the stopper
 *   requests to the release), t0 (when the requests went out), the kthread's
 *   hrtimer.
 *
 * Invariants (kvm_check)
 *   I-m3-parked    a PARKED secondary belongs to an open park of its core
 *                  with the same generation (none is left behind by an exit
 *                  or a timeout); a RELEASED one has hwthread_req = 0 and
 *                  returns within kvm.lost_wakeup_ns.
 *   I-m3-flags     while its vcore enters or runs the guest, every secondary
 *                  of the core is PARKED for that entry (entry waited for
 *                  every flag).
 *   with I-core-partition and I-vcpu-primary (kvm.h) for both modes.
 *   Conservation: parks = returns + parked now.
 *
 * Concurrency contract: single-threaded, owned by the DES thread.
 */
#ifndef HV_KVM_KVM_M3_H
#define HV_KVM_KVM_M3_H

#include <stdbool.h>
#include <stdint.h>

#include "des/hist.h"
#include "host/host.h"

#define KVM_M3_STATES(X)                                                     \
    X(KVM_M3_HOST, "host")           /* a Linux CPU, in the host */          \
    X(KVM_M3_PARKED, "parked")       /* trapped by its stopper for an entry */ \
    X(KVM_M3_RELEASED, "released")   /* released; the IPI that wakes it is on its way */ \
    X(KVM_M3_RETURNING, "returning") /* on its way back into its stopper */
typedef enum {
#define KVM_M3_E(e, n) e,
    KVM_M3_STATES(KVM_M3_E)
#undef KVM_M3_E
} kvm_m3_state;
const char *kvm_m3_state_name(int s);

/* M3's counters, X(area, name): the field and the metric "<area>.<name>"
 * (report/m3_view.c emits them in list order). */
#define KVM_M3_COUNTERS(X)                                                   \
    X(m3, parks)              /* kvm_m3.c: a secondary trapped by its stopper */ \
    X(m3, parks_preempting)   /* ... while a host task was runnable there (preempted or waiting) */ \
    X(m3, stale_stoppers)     /* a stopper that ran for an entry no longer parking */ \
    X(m3, park_timeouts)      /* entries abandoned after m3_park_timeout */ \
    X(m3, timer_exits)        /* HDEC exits by the anti-tickless kthread's timer */ \
    X(m3, host_ipi_exits)     /* kvm_core.c: whole-core exits begun by a secondary's host IPI */ \
    X(m3, host_ipis_deferred) /* parked secondaries without a VCPU holding a host IPI until their return */ \
    X(m3, returns)            /* secondaries back in the host */

#define KVM_M3_COUNTER_FIELD(area, name) uint64_t name;
typedef struct kvm_m3_stats {
    KVM_M3_COUNTERS(KVM_M3_COUNTER_FIELD)
} kvm_m3_stats;
#undef KVM_M3_COUNTER_FIELD

typedef struct kvm_m3_thread {
    kvm_m3_state state;
    uint32_t gen;
    des_time parked_at, released_at;
    des_time stolen_ns;
    bool deferred;
} kvm_m3_thread;

typedef struct kvm_m3_core {
    uint32_t gen;
    bool parking;
    des_time t0;
    host_hrtimer kthread;
} kvm_m3_core;

typedef struct kvm_m3 {
    bool on;                 /* host.secondaries = online */
    kvm_m3_thread *thr;      /* [ncpus] */
    kvm_m3_core *core;       /* [ncpus], at each (sub)core's primary */
    kvm_m3_stats st;
    uint64_t parks_total, returns_total; /* conservation (never reset) */
    des_time stats_since;    /* the last kvm_reset_stats */
    des_hist park_wait_ns;   /* stop_cpus_async -> every flag in */
    des_hist entry_ns;       /* both modes: kvmppc_run_core's start -> in_guest (kvm.entry_latency_ns) */
} kvm_m3;

struct kvm_sys;
/* Time secondary cpu has been parked since the stats reset, ongoing park
 * included (the time the scheduler does not know about). */
des_time kvm_m3_stolen_ns(const struct kvm_sys *s, int cpu);

#endif
