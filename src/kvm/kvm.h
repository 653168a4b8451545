/*
 * kvm/kvm.h — KVM-HV on POWER8: VMs, vcores, VCPUs, whole-core guest entry
 * and exit, real-mode and virtual-mode hypercalls, cede/nap/kick/prod, halt
 * polling, M1 (H_IPI redirect) and M2 (host/guest IPI differentiation).
 *
 * Overview (kernel functions mirrored, Linux 4.6-4.11; docs/kvm.md)
 *   A VM has VCPUs grouped in vcores of threads_per_vcore (ptid = vcpu id
 *   mod threads_per_vcore). Each VCPU is a host task (its QEMU thread) in
 *   kvmppc_run_vcpu (kvm_runner.c): any of a vcore's VCPU tasks can be its
 *   runner (vc->runner) and drive the whole core (kvmppc_run_core) from its
 *   own CPU; the others wait (kvmppc_wait_for_exec), or join a running vcore
 *   late (kvmppc_start_thread from their CPU). A vcore runs on one whole
 *   physical core: VCPU ptid p on thread pcpu + p (POWER8).
 *
 *   Entry (kvm_runner.c, kvm_core.c): the runner grabs the secondaries
 *   (waiting in udelay(1) steps while one is KVM_HWTHREAD_IN_KERNEL), clears
 *   the core's M1 in_host, starts each runnable VCPU's thread with
 *   kvmppc_ipi_thread (doorbell or XICS per hw.msgsnd), and enters real
 *   mode. Every thread sets its entry_exit_map bit (secondary_too_late once
 *   an exit began); the primary switches the partition and sets in_guest
 *   without waiting for the secondaries; each thread loads its guest state
 *   and only then a secondary waits for in_guest. Thread 0 with no runnable
 *   VCPU naps (kvmppc_primary_no_guest).
 *
 *   In the guest a VCPU runs its guest program (kvm_guest_ops, supplied by
 *   guest/ or a workload): compute segments, hypercalls and emulated MMIO
 *   stores (an HDSI: whole-core exit, emulated in virtual mode by the VCPU's
 *   own task, handed to an ioeventfd or to QEMU; kvm_mmio.c). Hypercalls try
 *   the real-mode table (hcall_try_real_mode, KVM_HCALLS); anything else, or
 *   H_TOO_HARD, exits the whole core, and the VCPU's own task finishes it in
 *   virtual mode (kvmppc_vcpu_run_hv -> kvmppc_pseries_do_hcall /
 *   kvmppc_xics_hcall, which only completes what real mode recorded), then
 *   re-enters kvmppc_run_vcpu.
 *
 *   Raising a VCPU's external line from real mode (icp_rm_set_vcpu_irq):
 *   self -> LPCR[MER]; loaded on a thread (thread_cpu >= 0) ->
 *   kvmhv_rm_send_ipi (no host_ipi); not loaded -> M1 redirect to a free host
 *   core (kvm.h_ipi_redirect; the core per kvm.redirect_policy, hostcore.h)
 *   or the fallback (rm_action KICK -> H_TOO_HARD); with kvm.wake_policy =
 *   oracle a kick at no cost instead (the bound).
 *   With kvm.guest_ipi = reschedule (pre-2013) a loaded target is poked with
 *   smp_send_reschedule to thread 0 of its core, with host_ipi set: the whole
 *   core exits.
 *
 *   Interrupts reaching a thread in the guest or napping in cede go through
 *   kvmppc_read_intr (kvm/read_intr.h): host_ipi -> exit; guest IPI -> clear,
 *   EOI, stay, unless another thread is already exiting (joining is
 *   mandatory). The first exiting thread sends exit IPIs to every entered
 *   thread (kvmhv_commence_exit) before its state save and sets its
 *   thread_cpu/cpu to -1; the primary switches back once every entered
 *   thread commenced its exit; the secondaries wait for that, then spin in
 *   kvm_no_guest until the runner releases them (after kvmppc_wait_for_nap)
 *   back to the offline loop; the runner sets the core's in_host and runs
 *   post_guest_process (kvmppc_handle_exit_hv per VCPU with a trap).
 *
 *   H_CEDE naps the thread in the guest (napping_threads) unless every
 *   entered thread would be napping, which exits the vcore (trap 0); when
 *   every runnable VCPU has ceded with nothing pending, the runner polls
 *   (kvm.halt_poll_ns with the kernel's grow/shrink, stopping when another
 *   task waits for its CPU) and then sleeps on the vcore wait queue
 *   (kvmppc_vcore_blocked: prepare_to_swait, then re-check). Kicks
 *   (kvmppc_fast_vcpu_kick_hv): wake the wait queue, and IPI the loaded
 *   thread, else smp_send_reschedule(vcpu->cpu). H_PROD per kvm.h_prod.
 *
 * Timings (CONFIG_KVM_BOOK3S_HV_EXIT_TIMING, debugfs vcpuN/timings)
 *   Each loaded VCPU is always in exactly one accumulator: rm_entry (from the
 *   start of its thread's entry path to guest entry; for a secondary woken by
 *   an IPI this includes clearing that IPI), guest, rm_intr (real-mode
 *   handling that returns to the guest: hcalls and interrupts), cede (napping
 *   in H_CEDE while other threads run), rm_exit (from the decision to exit to
 *   the thread leaving the guest context: napping again for a secondary, the
 *   partition switched back for the primary). count/total/min/max per
 *   accumulator, as the kernel reports them. The boundaries are where the
 *   kernel calls kvmhv_accumulate_time: `guest` opens kvm_hrfid_tail before
 *   guest code runs (the restores and hrfid after the call) and closes
 *   kvm_intr_save after it stops (the interrupt entry and register save
 *   before the call); both stretches lie inside the real-mode costs around
 *   them, so only the accounting moves (kvm_vcpu.c).
 *
 * Invariants (kvm_check, after every event when checks are on)
 *   I-core-partition    every thread of a core in guest/KVM context runs the
 *                       same vcore; while a vcore is in the guest no thread of
 *                       its core runs host code (its Linux CPUs are KVM's).
 *   I-entry-exit-sync   entry_exit_map consistent (vcore_sync.h); no thread
 *                       in the guest after its exit bit is set.
 *   I-one-completion    a hypercall completes once (real mode, or real mode
 *                       plus one virtual-mode completion).
 *   I-raise-before-signal  a VCPU signalled for an external interrupt has
 *                       the EXTERNAL_LEVEL pending bit set.
 *   I-host-ipi-classification  a thread with host_ipi set is never resumed
 *                       in the guest.
 *   I-reservation-exclusive / -released (M1, hostcore.h): one reservation
 *                       per core, each released exactly once, none left on
 *                       an offline CPU.
 *   I-no-UAF            a destroyed VM's VCPUs are freed only after every
 *                       RM_HOST_ACTION for them ran (kvm_destroy.c); nothing
 *                       of a freed VM runs or waits afterwards.
 *   I-vcpu-primary      a VCPU task runs or waits only on thread 0 of a core.
 *   M3 (host.secondaries = online): kvm/kvm_m3.h.
 *   No lost wakeup: a VCPU with a pending exception is never left with its
 *   vcore sleeping (checked at the end of the run and when the runner sleeps).
 *
 * Simplifications (docs/kvm.md lists them all)
 *   No piggybacking, no dynamic micro-threading (split-core off), no MMU
 *   faults, no VCORE_PREEMPT; userspace exits are the H_USER hcall; guest
 *   code is time drawn by the guest program; MSR[EE] is 1 whenever the guest
 *   runs, so a pending external interrupt is injected at the next return to
 *   the guest; HDEC exits are taken by every thread at once.
 *
 * Parts: kvm/kvm_cfg.h the configuration, kvm/kvm_enums.h the enums that
 * print and the hypercall table, kvm/kvm_stats.h the reporting counters;
 * this header includes them, and code outside the room includes only it.
 *
 * Concurrency contract: single-threaded, owned by the DES thread.
 */
#ifndef HV_KVM_KVM_H
#define HV_KVM_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "des/des.h"
#include "des/hist.h"
#include "des/rng.h"
#include "des/trace.h"
#include "hw/hw.h"
#include "kvm/hostcore.h"
#include "kvm/kvm_cfg.h"   /* configuration: [kvm] and [vm "name"] */
#include "kvm/kvm_enums.h" /* enums that print, hypercalls, kernel constants */
#include "kvm/kvm_stats.h" /* reporting counters, each declared once */
#include "xics/xics.h"

struct host;
struct host_task;

/* ---- the guest program interface (implemented by guest/ and workloads) -- */

/* COMPUTE: run guest code for ns. HCALL: sc 1. RESUME: continue the compute
 * segment an interrupt paused (the guest returns it when its handler is done).
 * MMIO: a store to an emulated MMIO address (a virtio notify): the HDSI
 * exits the whole core, virtual mode emulates it (an ioeventfd registered
 * with kvm_vm_add_ioeventfd, else QEMU) and mmio_done() runs when the VCPU is
 * back in the guest (kvm_mmio.c). */
typedef enum { KVM_GACT_COMPUTE, KVM_GACT_HCALL, KVM_GACT_RESUME, KVM_GACT_MMIO } kvm_gact_kind;
typedef struct kvm_gact {
    kvm_gact_kind kind;
    des_time ns;      /* COMPUTE: guest time */
    unsigned hcall;   /* HCALL: number */
    uint64_t args[2]; /* HCALL: r4, r5 */
    uint64_t addr;    /* MMIO: guest physical address stored to */
} kvm_gact;
/* The HCALL action: hypercall nr with r4 = a0, r5 = a1. */
static inline kvm_gact kvm_gact_hcall(unsigned nr, uint64_t a0, uint64_t a1)
{
    return (kvm_gact){.kind = KVM_GACT_HCALL, .hcall = nr, .args = {a0, a1}};
}

struct kvm_vcpu;
typedef struct kvm_guest_ops {
    /* What the VCPU does next: called when it is in the guest with nothing
     * running, or with a compute segment paused by an interrupt delivery. */
    kvm_gact (*next)(void *ctx, struct kvm_vcpu *v);
    /* The last COMPUTE segment completed. */
    void (*compute_done)(void *ctx, struct kvm_vcpu *v);
    /* The hcall issued by the last HCALL action returned (r3, r4, r5). */
    void (*hcall_ret)(void *ctx, struct kvm_vcpu *v, unsigned hcall, long rc, uint64_t r4,
                      uint64_t r5);
    /* An interrupt was delivered to the guest (0x500 external, 0x900 dec);
     * called before next(). */
    void (*interrupt)(void *ctx, struct kvm_vcpu *v, int vector);
    /* The MMIO store of the last MMIO action completed (required by guests
     * that issue MMIO; may be NULL otherwise). */
    void (*mmio_done)(void *ctx, struct kvm_vcpu *v, uint64_t addr);
} kvm_guest_ops;

/* ---- objects ------------------------------------------------------------ */

typedef struct kvm_timing {
    uint64_t count, total, min, max;
} kvm_timing;

struct kvm_vm;
struct kvm_vcore;
struct kvm_sys;

typedef struct kvm_vcpu {
    struct kvm_vm *vm;
    struct kvm_vcore *vc;
    uint32_t id, ptid, server; /* server = XICS server number (= id) */
    struct host_task *task;    /* its QEMU thread */
    uint32_t pid;              /* that thread's pid in the kernel-format outputs (kvm_vm_new) */
    /* vcpu->arch */
    uint32_t pending;          /* KVM_PEND_* */
    bool ceded, prodded;
    int thread_cpu;            /* vcpu->arch.thread_cpu: its thread while loaded, -1 from
                                * kvmhv_commence_exit on (what IPI senders read) */
    int cpu;                   /* vcpu->cpu: thread 0 of that core, -1 likewise */
    int hwt;                   /* the hardware thread running its code, else -1 */
    /* vcpu->arch.state and its task (kvmppc_run_vcpu, kvmppc_vcpu_run_hv) */
    kvm_vcpu_state vstate;     /* KVM_VCPU_*: RUNNABLE = in the vcore's runnable set */
    bool task_waiting;         /* its task sleeps in kvmppc_wait_for_exec */
    bool user_pending;         /* its host work continues in userspace (QEMU) */
    des_time user_work;        /* QEMU work of the current userspace exit */
    uint32_t trap;             /* vcpu->arch.trap of the exit being handled; 0 = none */
    uint32_t intr_trap;        /* the trap of the interrupt its thread last took (0x500, 0xe80) */
    bool saved;                /* its exit saved the state: waiting for in_guest = 0 */
    bool ext_injected;         /* 0x500 delivered to the guest, not yet accepted (H_XIRR) */
    /* the current thread activity */
    kvm_act act;
    des_handle ev;             /* the pending step of the activity */
    des_time act_left;         /* guest compute remaining when interrupted */
    bool in_compute;           /* a guest COMPUTE segment is running or paused */
    bool compute_paused;       /* an interrupt was delivered during it: ask next() */
    /* hypercall in flight */
    bool hcall_active;         /* issued, not yet returned to the guest */
    bool hcall_needs_vm;       /* exited to finish in virtual mode */
    unsigned hcall;
    uint64_t args[2], ret[2];
    long hcall_rc;
    uint64_t hcalls_issued;    /* I-one-completion: issued (never reset) ... */
    uint64_t hcall_done_count; /* ... and completed */
    /* emulated MMIO store in flight (kvm_mmio.c) */
    bool mmio_active;          /* issued, not yet returned to the guest */
    bool mmio_needs_vm;        /* exited; virtual mode has not emulated it yet */
    uint64_t mmio_addr;
    uint64_t mmio_issued, mmio_done_count; /* I-one-completion for MMIO (never reset) */
    kvm_exit_cause exit_cause;
    /* guest decrementer (its timer) */
    des_handle dec_ev;
    /* guest program */
    const kvm_guest_ops *gops;
    void *gctx;
    /* accounting */
    kvm_tm tm_cur;
    des_time tm_since;
    kvm_timing tm[KVM_TM_COUNT];
    kvm_vcpu_stats st;
    des_hist wake_ns;          /* H_IPI raise -> target back in the guest */
    des_time wake_t0;          /* 0 = no wakeup being timed */
    uint64_t flow_id;          /* trace: the IPI arrow to close on arrival */
    des_rng rng;
} kvm_vcpu;

typedef struct kvm_vcore {
    struct kvm_vm *vm;
    uint32_t index;
    uint32_t n_vcpus;
    kvm_vcpu *vcpus[8];        /* by ptid; NULL if absent */
    kvm_vcore_state state;
    int pcpu;                  /* thread 0 of the core it runs on, else -1 */
    int last_pcpu;             /* pcpu of its last run (-1: never ran): M1's nearest policy */
    int cpu_pin;               /* its VCPU tasks' CPU (vm.first_core), -1 = scheduler */
    struct kvm_vcpu *runner;   /* vc->runner: the VCPU whose task drives the core */
    uint8_t runnable;          /* runnable_threads[] as a ptid mask */
    uint8_t started;           /* threads given a VCPU by kvmppc_start_thread this round */
    uint8_t loaded;            /* secondaries whose PACA kvm_vcore is set (kvmppc_wait_for_nap) */
    uint8_t locked_arrivals;   /* VCPUs that became runnable while the runner held vc->lock */
    uint32_t entry_exit_map;
    uint8_t napping_threads;
    bool in_guest;
    bool hdec_pending;         /* an HDEC arrived while no thread could take it */
    kvm_exit_cause first_exit;
    /* thread 0 of the core (the primary), with or without a VCPU (kvm_core.c) */
    int p0;                    /* its core-level state, P0_* */
    des_handle pev;            /* its pending core-level step */
    int start_next;            /* the start loop's next ptid */
    int p0_wake;               /* a no-VCPU primary's wake reason (check_wake_reason) */
    int grab_steps;            /* kvmppc_grab_hwthread's udelay(1) steps this entry */
    des_time entry_t0;         /* this entry's kvmppc_run_core start (kvm.entry_latency_ns) */
    int post_next;             /* post_guest_process's next ptid */
    /* halt polling */
    uint64_t halt_poll_ns;     /* vc->halt_poll_ns */
    des_time block_start, poll_end;
    bool wq_sleeper;           /* the runner sleeps on vc->wq and no kick woke it yet */
    kvm_vcore_stats st;
} kvm_vcore;

/* An ioeventfd (kvm_vm_add_ioeventfd): fn runs in host context on cpu
 * when the guest stores to addr (eventfd_signal; it may wake a host task). */
typedef void (*kvm_ioeventfd_fn)(void *ctx, struct kvm_vm *vm, uint64_t addr, int cpu);
typedef struct kvm_ioeventfd {
    uint64_t addr;
    kvm_ioeventfd_fn fn;
    void *ctx;
} kvm_ioeventfd;

/* A device's teardown when its VM's QEMU quits (kvm_vm_on_quit). */
typedef void (*kvm_quit_fn)(void *ctx, struct kvm_vm *vm);
typedef struct kvm_quit_hook {
    kvm_quit_fn fn;
    void *ctx;
} kvm_quit_hook;

typedef struct kvm_vm {
    struct kvm_sys *sys;
    uint32_t index;
    vm_cfg cfg;
    /* Its QEMU process's pid (the tgid of its VCPU threads) in the
     * kernel-format outputs: the main thread is pid, call_rcu pid + 1, VCPU k
     * pid + 2 + k, as QEMU starts them; VMs take consecutive blocks from
     * KVM_FIRST_PID (kvm_vm_new). */
    uint32_t pid;
    struct xics *xics;
    struct xics_effects fx;    /* scratch: effects of the XICS operation under way (kvm_irq.c) */
    uint32_t n_vcpus, n_vcores;
    kvm_vcpu *vcpus;
    kvm_vcore *vcores;
    uint8_t *need_tlb_flush;   /* [ncores]: kvm->arch.need_tlb_flush (set at creation) */
    kvm_ioeventfd *ioeventfds; /* the VM's kvm_io_bus (MMIO), registration order */
    uint32_t n_ioeventfds;
    kvm_quit_hook *quit_hooks; /* kvm_vm_on_quit, registration order */
    uint32_t n_quit_hooks;
    kvm_vm_life life;          /* kvm_destroy.c */
    uint32_t n_exited;         /* VCPU tasks that left KVM_RUN for good (stopping) */
    des_time freed_at;         /* when the VCPUs were freed (life FREED) */
    kvm_vm_stats st;
} kvm_vm;

/* Per physical core (M1 rm_core): the host-state word and the stashed VCPU,
 * the rotate policy's rotor, and what the reports and checks need. */
typedef struct kvm_rm_core {
    uint64_t rm_state;   /* hostcore.h word */
    kvm_vcpu *rm_data;
    uint32_t rotor;      /* rotate: scans started from this core (a PACA field) */
    des_time sent_at;    /* when its pending RM_HOST_ACTION was posted */
    bool r5;             /* ... and its IPI was taken as a guest IPI (race R5) */
    uint64_t handled;    /* kicks its handler did (reporting; zeroed at the warm-up's end) */
    uint64_t n_reserved, n_released; /* never reset: I-reservation-released */
} kvm_rm_core;

typedef struct kvm_sys {
    des_sim *sim;
    hw_machine *hw;
    struct host *host;
    kvm_cfg cfg;
    kvm_vm **vms;
    uint32_t n_vms;
    kvm_rm_core *rm_core;      /* [ncores]; NULL if ops not allocated */
    kvm_hc_ops hc_ops;         /* M1's committer over rm_core (plain compare-and-store) */
    des_trace *trace;
    uint64_t seed, run;
    uint32_t next_pid;         /* the next VM's QEMU pid */
    kvm_sys_stats st;
    des_hist scan_probes;      /* kvm_m1.c: words read per redirect scan */
    des_hist kick_delay_ns;    /* kvm_m1.c: RM_HOST_ACTION posted -> its handler kicked */
    des_hist r5_delay_ns;      /* kvm_m1.c: ... for the redirects swallowed as guest IPIs (R5) */
    /* conservation (never reset): sent = consumed + coalesced + pending */
    uint64_t wakeups_sent, wakeups_consumed, wakeups_coalesced;
    uint64_t mmio_exits;       /* MMIO stores emulated since the start (never reset) */
    struct kvm_m3 *m3;         /* M3 (kvm/kvm_m3.h): parking state, its stats, entry latency */
    char check_msg[256];       /* the message kvm_check / kvm_conservation return */
} kvm_sys;

/* The first VM's QEMU pid: an identity for the kernel-format outputs, above
 * the kernel threads and daemons a host starts first. */
#define KVM_FIRST_PID 4000u

/* ---- API ----------------------------------------------------------------- */

/* Build the KVM layer on a host: allocates the M1 per-core array
 * (kvmppc_alloc_host_rm_ops: in_host = 1 for online thread-0 CPUs), registers
 * the hotplug notifier and the RM_HOST_ACTION handler, and takes the offline
 * secondaries (their hw sink). trace may be NULL. */
kvm_sys *kvm_sys_new(des_sim *sim, hw_machine *hw, struct host *h, const kvm_cfg *cfg,
                     des_trace *trace, uint64_t seed, uint64_t run);
void kvm_sys_free(kvm_sys *s);
/* NULL or what is wrong with a VM configuration. */
const char *kvm_vm_cfg_check(const vm_cfg *c);
/* Create a VM: vcores, VCPUs, the in-kernel XICS with one ICP per VCPU. */
kvm_vm *kvm_vm_new(kvm_sys *s, const vm_cfg *cfg);
/* Give a VCPU its guest program (before kvm_vm_start). */
void kvm_vcpu_set_guest(kvm_vcpu *v, const kvm_guest_ops *ops, void *ctx);
/* Create and start the VCPU tasks (KVM_RUN); with cfg.destroy_at, arm the
 * VM's destruction then (kvm_destroy.c). */
void kvm_vm_start(kvm_sys *s, kvm_vm *vm);
/* Arm the VCPU's guest decrementer at absolute time `at` (0 = disarm). */
void kvm_vcpu_set_timer(kvm_vcpu *v, des_time at);
/* End of warm-up: zero the reporting counters (kvm_stat, timings, H_IPI
 * outcomes, exits by cause, wakeup latency); conservation counters stay. */
void kvm_reset_stats(kvm_sys *s);
/* Invariants (kvm.h header); NULL or the first broken one as a message held
 * in s->check_msg (valid until the next check). */
const char *kvm_check(kvm_sys *s);
/* End of run: wakeups sent == consumed + coalesced + still pending; NULL or
 * a message in s->check_msg. */
const char *kvm_conservation(kvm_sys *s);

/* Device side (kvm_irq.c). kvm_set_irq: an in-kernel interrupt source fires
 * from host context on from_cpu (-1: no CPU), as irqfd does: kvm_set_irq ->
 * ics_deliver_irq -> icp_deliver_irq; the target VCPU's line is raised in
 * virtual mode and the VCPU kicked. level is an enum xics_level. Returns
 * HV_OK or the xics_irq_line error (no such source).
 * kvm_set_irq_source: configure a source of the VM's XICS before it runs
 * (KVM_DEV_XICS_GRP_SOURCES, xics_set_source); HV_OK or its error. */
int kvm_set_irq(kvm_vm *vm, uint32_t irq, int level, int from_cpu);
int kvm_set_irq_source(kvm_vm *vm, uint32_t irq, const struct xics_source_cfg *c);

/* MMIO side (kvm_mmio.c). kvm_vm_add_ioeventfd: KVM_IOEVENTFD on addr (a
 * virtio notify register) before the VM runs: a guest store to addr is
 * emulated in virtual mode and signals fn(ctx, vm, addr, cpu) in host
 * context on the runner's CPU; a store to an address with no ioeventfd goes
 * to QEMU (a userspace exit). HV_OK, or HV_EEXIST if addr has one. */
int kvm_vm_add_ioeventfd(kvm_vm *vm, uint64_t addr, kvm_ioeventfd_fn fn, void *ctx);
/* Destroy side (kvm_destroy.c). kvm_vm_on_quit: at the VM's destroy_at,
 * once its VCPU threads are signalled, QEMU tears its devices down: fn(ctx,
 * vm) runs then, in registration order (a vhost-net device stops its
 * workers; its workload's clients stop). fn must not touch the VM's VCPUs
 * or XICS afterwards: the VM is freed once they have left KVM_RUN. */
void kvm_vm_on_quit(kvm_vm *vm, kvm_quit_fn fn, void *ctx);
/* Whether the model has an MMIO device or saw an MMIO store (reports show
 * the mmio exit cause only then). */
bool kvm_has_mmio(const kvm_sys *s);

/* For a guest program, in interrupt() or next() while an interrupt paused
 * its compute segment (v->compute_paused): take the segment's remaining
 * guest time and drop it, so the guest can run other code and issue the
 * rest later (a guest context switch). Returns 0 with nothing paused. */
des_time kvm_vcpu_take_paused(kvm_vcpu *v);

#endif
