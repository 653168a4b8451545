/*
 * kvm/kvm_stats.h — the reporting counters of the kvm room, each declared
 * once. A part of kvm/kvm.h, which includes it: include kvm/kvm.h.
 *
 * A row X(area, name) of a scope's list is the uint64_t field `name` of that
 * scope's stats struct (`st`) and the metric "<area>.<name>", whose unit is
 * its name's suffix (docs/metrics.md: _ns, none = count). kvm_reset_stats
 * zeroes every st at the end of the warm-up; report/kvm_view.c sums each
 * scope over the model and emits the rows in list order. The comment names
 * where it is counted. Adding a counter: a row here and its increment.
 * Families indexed by a printed enum (H_IPI outcomes, exit causes) sit in the
 * same structs as arrays and are emitted per enum name.
 */
#ifndef HV_KVM_KVM_STATS_H
#define HV_KVM_KVM_STATS_H

#include <stdint.h>

#include "kvm/kvm_enums.h"

/* Per VCPU: the kvm_stat counters (book3s.c debugfs_entries names, printed
 * bare by rep_kvm_stat). */
#define KVM_VCPU_COUNTERS(X)                                                 \
    X(kvm, exits)                /* kvm_runner.c: kvmppc_handle_exit_hv (an exit with a trap) */ \
    X(kvm, ext_intr)             /* kvm_runner.c: ... trap EXTERNAL or H_DOORBELL */ \
    X(kvm, dec)                  /* kvm_runner.c: ... trap HV_DECREMENTER */ \
    X(kvm, queue_intr)           /* kvm_irq.c: its external line raised */  \
    X(kvm, halt_wakeup)          /* kvm_irq.c: a kick woke its sleeping runner */ \
    X(kvm, sig)                  /* kvm_runner.c: removed for a pending signal (a VM's destroy) */ \
    X(kvm, halt_successful_poll) /* kvm_runner.c: the runner's poll saw a wakeup */ \
    X(kvm, halt_attempted_poll)  /* kvm_runner.c: the runner started polling */ \
    X(kvm, halt_successful_wait) /* kvm_runner.c: the runner went to sleep */ \
    X(kvm, halt_poll_success_ns) /* kvm_runner.c: time polled, with a wakeup */ \
    X(kvm, halt_poll_fail_ns)    /* kvm_runner.c: time polled, without */    \
    X(kvm, halt_wait_ns)         /* kvm_runner.c: time slept */              \
    X(kvm, hcalls)               /* kvm_hcall.c: hypercalls issued */        \
    X(kvm, hcalls_rm)            /* kvm_hcall.c, kvm_intr.c: completed in real mode */ \
    X(kvm, hcalls_vm)            /* kvm_hcall.c: completed in virtual mode */ \
    X(kvm, cede)                 /* kvm_intr.c: H_CEDE in real mode */       \
    X(kvm, prod)                 /* kvm_hcall.c: H_PROD received */          \
    X(kvm, user_exits)           /* kvm_hcall.c, kvm_mmio.c: H_USER and MMIO for QEMU */ \
    X(kvm, grab_waits)           /* kvm_runner.c: its task, as runner, waited udelay(1) in kvmppc_grab_hwthread */

/* Per vcore. */
#define KVM_VCORE_COUNTERS(X)                                                \
    X(kvm, late_joins)           /* kvm_core.c: a VCPU joined it running (kvmppc_start_thread from its task) */ \
    X(kvm, secondary_too_late)   /* kvm_core.c: ... refused, an exit had begun */

/* Per KVM instance: M1. */
#define KVM_SYS_COUNTERS(X)                                                  \
    X(m1, redirect_handled)      /* kvm_m1.c: RM_HOST_ACTION kicked a VCPU */ \
    X(m1, redirect_spurious)     /* kvm_m1.c: ... found no stashed VCPU */    \
    X(m1, redirect_delayed)      /* kvm_m1.c: ... while its core's in_host was 0 (it entered a guest: R5's window) */ \
    X(m1, no_free_core)          /* kvm_m1.c: a scan found no free core: H_TOO_HARD */ \
    X(m1, cas_failures)          /* kvm_m1.c: reserving CASes lost to another sender */ \
    X(m1, scan_hints)            /* kvm_m1.c: host-idle hints read (idle, busy policies) */ \
    X(m1, r5_swallowed)          /* kvm_m1.c: a reserved core in the guest took its redirect IPI as a guest IPI (4.6 send) */ \
    X(m1, destroy_inflight)      /* kvm_destroy.c: redirects to a VM's VCPUs still pending when its destroy began */ \
    X(m1, offline_drained)       /* kvm_m1.c: redirects a CPU going offline handled from its IPI flush */

#define KVM_COUNTER_FIELD(area, name) uint64_t name;
typedef struct kvm_vcpu_stats {
    KVM_VCPU_COUNTERS(KVM_COUNTER_FIELD)
} kvm_vcpu_stats;
typedef struct kvm_vcore_stats {
    KVM_VCORE_COUNTERS(KVM_COUNTER_FIELD)
    uint64_t exits_by_cause[KVM_EXIT_NCAUSES]; /* kvm_core.c: kvm.core_exits.<cause> */
} kvm_vcore_stats;
typedef struct kvm_vm_stats {
    uint64_t hipi[KVM_HIPI_NOUTCOMES];         /* kvm_hcall.c: hipi.<outcome> */
} kvm_vm_stats;
typedef struct kvm_sys_stats {
    KVM_SYS_COUNTERS(KVM_COUNTER_FIELD)
} kvm_sys_stats;
#undef KVM_COUNTER_FIELD

#endif
