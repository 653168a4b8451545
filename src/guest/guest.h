/*
 * guest/guest.h — the guest OS of a VM, one small kernel per VCPU, driving
 * KVM through the kvm_guest_ops interface (kvm/kvm.h).
 *
 * Overview (a Linux pseries guest on XICS, reduced to what matters for
 * wakeups; guest instructions are not emulated, work is time)
 *   Each VCPU has a FIFO run queue of work items. A work item is guest CPU
 *   time, optionally followed by waking work on another VCPU (a thread
 *   wakeup: try_to_wake_up on the guest side) and a completion callback for
 *   the workload's measurements.
 *   next(): in order of priority
 *     0. at boot, H_CPPR(0xff) (xics_setup_cpu: accept every priority);
 *     1. the interrupt handler's hypercalls (the icp_hv driver,
 *        guest/icp_client.h): H_XIRR; for an IPI, H_IPI(self, 0xff)
 *        (icp_hv_ipi_action clears the MFRR); then H_EOI(xirr). The handler
 *        itself runs inline when H_XIRR returns: a device source's callback
 *        (ops.device_irq) queues its work; an IPI has none (the wakeup's
 *        work is queued already);
 *     2. hypercalls the workload queued (guest_hcall), in order;
 *     2b. outgoing wakeup IPIs: H_IPI(server, IPI_PRIORITY) to each idle
 *        target (smp_send_reschedule in the guest; a busy target notices its
 *        queue without an IPI);
 *     3. the head work item: COMPUTE(ns), then its follow-ups;
 *     4. idle: H_CEDE (the idle loop, pseries_dedicated_idle), with the
 *        guest timer armed when the workload asked for a wakeup.
 *   A VCPU is "idle" from the moment it decides to cede until its H_CEDE
 *   returns.
 *
 * Simplifications
 *   MSR[EE] is always on in the guest; the guest's own scheduler is FIFO per
 *   VCPU; no guest timer tick (the tick does not leave the guest on POWER8:
 *   its only effect would be guest CPU time); device interrupts are handled
 *   like the kernel's (H_XIRR, handler time, H_EOI) with the workload's
 *   callback run as the handler.
 *
 * Concurrency contract: single-threaded (the DES thread).
 */
#ifndef HV_GUEST_GUEST_H
#define HV_GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ring.h"
#include "guest/icp_client.h"
#include "kvm/kvm.h"

typedef struct guest guest;
typedef struct guest_cpu guest_cpu;

/* A workload callback run in the guest when work completes or a device
 * interrupt is handled: may queue more work (guest_queue / guest_wake). */
typedef void (*guest_fn)(guest *g, guest_cpu *c, void *arg, uint64_t a);

typedef struct guest_work {
    des_time ns;       /* guest CPU time */
    guest_fn done;     /* called when the time is used (may be NULL) */
    void *arg;
    uint64_t a;
} guest_work;

/* Guest counters, each declared once, per VCPU: a row X(name) is the
 * uint64_t field `name` of guest_stats and the metric "guest.<name>" (a
 * count), zeroed by guest_reset_stats, summed over every VCPU of every guest
 * and emitted in list order by report/guest_view.c. The comment names where
 * it is counted (guest.c). Adding a counter: a row here and its increment. */
#define GUEST_COUNTERS(X)                                                    \
    X(wakeups)       /* guest_wake: work woken on this VCPU */               \
    X(ipis_sent)     /* an H_IPI sent for a wakeup returned */              \
    X(ipis_received) /* H_XIRR returned an IPI */                           \
    X(cedes)         /* the idle loop issued H_CEDE */                      \
    X(device_irqs)   /* H_XIRR returned a device source */

typedef struct guest_stats {
#define GUEST_COUNTER_FIELD(name) uint64_t name;
    GUEST_COUNTERS(GUEST_COUNTER_FIELD)
#undef GUEST_COUNTER_FIELD
    /* inputs of derived figures (report/guest_view.c) */
    uint64_t work_items; /* work items completed: guest.work_items_per_s */
    des_time busy_ns;    /* their guest CPU time: guest.busy_frac */
} guest_stats;

/* Per-VCPU guest state. */
struct guest_cpu {
    guest *g;
    kvm_vcpu *v;
    uint32_t index;
    hv_ring q;          /* run queue: guest_work, FIFO */
    /* hypercalls the workload asked for (issued before work) */
    kvm_gact *hq;
    uint32_t nhq, caphq;
    /* the XICS driver: interrupt handler progress, outgoing wakeup IPIs */
    guest_icp icp;
    bool idle;          /* decided to cede; until the H_CEDE returns */
    bool running_work;  /* the head item's COMPUTE was issued */
    bool booted;        /* H_CPPR(0xff) done (xics_setup_cpu) */
    int inflight;       /* source of the hypercall in flight (guest.c) */
    guest_stats st;
};

typedef struct guest_ops {
    /* A device interrupt (irq >= 16) was accepted on c; return the handler time. */
    des_time (*device_irq)(guest *g, guest_cpu *c, uint32_t irq, void *ctx);
    void *dev_ctx; /* ctx of device_irq */
    /* The guest timer (decrementer) fired on c (guest_set_timer). */
    void (*timer)(guest *g, guest_cpu *c, void *ctx);
    void *ctx; /* ctx of timer */
} guest_ops;

struct guest {
    kvm_vm *vm;
    guest_cpu *cpus; /* [vm->n_vcpus] */
    guest_ops ops;
};

guest *guest_new(kvm_vm *vm, const guest_ops *ops);
void guest_free(guest *g);
/* End of warm-up: zero every VCPU's counters (st). */
void guest_reset_stats(guest *g);

/* Queue work on c (from the workload or from a callback running on c). */
void guest_queue(guest *g, guest_cpu *c, guest_work w);
/* Wake work on `to` from a callback running on `from`: queue it and, if `to`
 * is idle, send it an IPI (H_IPI) from `from`. `from` may be NULL when the
 * wakeup comes from outside the guest (then no IPI: the caller raises a
 * device interrupt instead). */
void guest_wake(guest *g, guest_cpu *from, guest_cpu *to, guest_work w);
static inline bool guest_cpu_idle(const guest_cpu *c) { return c->idle; }
/* Issue a hypercall from c before its next work item (e.g. H_ENTER). */
void guest_hcall(guest *g, guest_cpu *c, unsigned hcall, uint64_t a0, uint64_t a1);
/* Arm c's decrementer at absolute time `at`; ops.timer runs when it fires. */
void guest_set_timer(guest *g, guest_cpu *c, des_time at);

extern const kvm_guest_ops guest_kvm_ops;

#endif
