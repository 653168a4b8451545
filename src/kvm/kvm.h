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
#include "xics/xics.h"

struct host;
struct host_task;

/* ---- configuration: [kvm] (kvm_options.def) and [vm "name"] (vm_options.def) */

/* The [kvm] and [vm] choices, X(enum, choice); the order is the stored
 * value (scn/scenario.c checks it). kvm.redirect_policy: KVM_HC_POLICIES. */
#define KVM_REDIRECT_SENDS(X) X(KVM_REDIRECT_SEND_4_11, "4.11") X(KVM_REDIRECT_SEND_4_6, "4.6")
#define KVM_GUEST_IPIS(X) X(KVM_GUEST_IPI_TARGETED, "targeted") X(KVM_GUEST_IPI_RESCHEDULE, "reschedule")
/* vm.guest: what runs in the VM (workload/): the generic mix, an idle
 * guest, the ycsb server, a netperf TCP_RR server or client. */
#define KVM_VM_GUESTS(X)                                                     \
    X(KVM_VM_GUEST_MIX, "mix") X(KVM_VM_GUEST_IDLE, "idle") X(KVM_VM_GUEST_YCSB, "ycsb") \
    X(KVM_VM_GUEST_NETSERVER, "netserver") X(KVM_VM_GUEST_NETPERF, "netperf")
/* kvm.h_prod: H_PROD as 4.6-4.10 did it (marks the target prodded, tests and
 * wakes the caller's cede state) or as 8464c8842de2 fixed it (4.11: kicks a
 * ceded target; prodded counts as runnable). */
#define KVM_H_PRODS(X) X(KVM_H_PROD_FIXED, "fixed") X(KVM_H_PROD_4_6, "4.6")
/* kvm.wake_policy: faithful = the kernel's paths; oracle = the lower bound:
 * a real-mode H_IPI whose target is not loaded kicks it at zero cost at the
 * instant of the H_IPI (no exit, no redirect; hipi.oracle), as if
 * kvmppc_fast_vcpu_kick_hv ran for free on the CPU the target's runner task
 * sleeps on. */
#define KVM_WAKE_POLICIES(X) X(KVM_WAKE_FAITHFUL, "faithful") X(KVM_WAKE_ORACLE, "oracle")
#define KVM_CHOICE_ENUM(e, n) e,
enum { KVM_REDIRECT_SENDS(KVM_CHOICE_ENUM) };
enum { KVM_GUEST_IPIS(KVM_CHOICE_ENUM) };
enum { KVM_H_PRODS(KVM_CHOICE_ENUM) };
enum { KVM_WAKE_POLICIES(KVM_CHOICE_ENUM) };
enum { KVM_VM_GUESTS(KVM_CHOICE_ENUM) };
#undef KVM_CHOICE_ENUM

typedef struct kvm_cfg {
    bool h_ipi_redirect;
    int redirect_policy; /* kvm_hc_policy */
    int redirect_send;   /* KVM_REDIRECT_SEND_* */
    int guest_ipi;       /* KVM_GUEST_IPI_* */
    int h_prod;          /* KVM_H_PROD_* */
    int wake_policy;     /* KVM_WAKE_* */
    uint64_t halt_poll_ns, halt_poll_ns_grow, halt_poll_ns_shrink, halt_poll_ns_grow_start;
    bool real_mode, real_mode_dbg;
    bool no_drain_dbg;   /* debug: skip the drains of pending RM_HOST_ACTIONs (VM destroy, CPU offline) */
    des_time lost_wakeup_ns; /* check bound: a pending wakeup older than this is lost */
} kvm_cfg;
kvm_cfg kvm_cfg_default(void);

#define KVM_VM_NAME_MAX 32
typedef struct vm_cfg {
    char name[KVM_VM_NAME_MAX];
    uint64_t vcpus;
    uint64_t count; /* scenario level: copies of a [vm] section (scn_vms); KVM ignores it */
    uint64_t threads_per_vcore;
    int64_t first_core; /* pin vcore i's VCPU tasks to core first_core + i; -1 = scheduler */
    int guest;          /* KVM_VM_GUEST_* (what runs in it: workload/) */
    /* a virtio-like device served by a vhost task (workload/vhost.h) */
    double dev_irq_rate;  /* interrupts per second; 0 = no device */
    uint64_t dev_queues;  /* MSI sources, spread over the VCPUs */
    des_time dev_work;    /* vhost CPU time per interrupt */
    des_time dev_handler; /* guest handler time per interrupt */
    des_time destroy_at;  /* QEMU quits and the VM is destroyed at this time; 0 = never */
} vm_cfg;

/* ---- enums that print ------------------------------------------------- */

/* A VM's life (vm.NAME.destroy_at; kvm_destroy.c): live; stopping from
 * destroy_at (QEMU quits: every VCPU task has a signal pending and leaves
 * KVM_RUN; its devices are torn down, kvm_vm_on_quit); draining once every
 * VCPU task has exited (kvm_arch_destroy_vm: kick_all_cpus_sync); freed when the drain is done (kvmppc_core_vcpu_free,
 * kvmppc_core_destroy_vm_hv, kvmppc_xics_free: the model keeps the memory,
 * poisoned, so a later use is caught). */
#define KVM_VM_LIVES(X)                                                      \
    X(KVM_VM_LIVE, "live") X(KVM_VM_STOPPING, "stopping") X(KVM_VM_DRAINING, "draining") \
    X(KVM_VM_FREED, "freed")
typedef enum {
#define KVM_E0(e, n) e,
    KVM_VM_LIVES(KVM_E0)
#undef KVM_E0
} kvm_vm_life;
const char *kvm_vm_life_name(int l);

#define KVM_VCORE_STATES(X)                                                  \
    X(KVM_VCORE_INACTIVE, "inactive")                                        \
    X(KVM_VCORE_PREEMPT, "preempted")                                        \
    X(KVM_VCORE_SLEEPING, "sleeping")                                        \
    X(KVM_VCORE_POLLING, "polling")                                          \
    X(KVM_VCORE_RUNNING, "running")                                          \
    X(KVM_VCORE_EXITING, "exiting")
typedef enum {
#define KVM_E1(e, n) e,
    KVM_VCORE_STATES(KVM_E1)
#undef KVM_E1
    KVM_VCORE_NSTATES
} kvm_vcore_state;
const char *kvm_vcore_state_name(int s);

/* Debugfs timing accumulators, in the kernel's order. */
#define KVM_TIMINGS(X)                                                       \
    X(KVM_TM_RM_ENTRY, "rm_entry")                                           \
    X(KVM_TM_RM_INTR, "rm_intr")                                             \
    X(KVM_TM_RM_EXIT, "rm_exit")                                             \
    X(KVM_TM_GUEST, "guest")                                                 \
    X(KVM_TM_CEDE, "cede")
typedef enum {
#define KVM_E2(e, n) e,
    KVM_TIMINGS(KVM_E2)
#undef KVM_E2
    KVM_TM_COUNT,
    KVM_TM_NONE = KVM_TM_COUNT
} kvm_tm;
const char *kvm_tm_name(int tm);

/* Why a whole core left the guest (the first exiting thread's reason). */
#define KVM_EXIT_CAUSES(X)                                                   \
    X(KVM_EXIT_HCALL_TOO_HARD, "hcall_too_hard")  /* rm handler: H_TOO_HARD */ \
    X(KVM_EXIT_HCALL_VIRT, "hcall_virtual")       /* no real-mode handler */ \
    X(KVM_EXIT_CEDE, "cede")                      /* every thread ceded */   \
    X(KVM_EXIT_HOST_IPI, "host_ipi")              /* read_intr: host IPI */  \
    X(KVM_EXIT_EXT_DEVICE, "ext_device")          /* read_intr: device irq */\
    X(KVM_EXIT_HDEC, "hdec")                      /* host timer (HDEC) */    \
    X(KVM_EXIT_PULLED, "pulled")                  /* another thread exited */\
    X(KVM_EXIT_MMIO, "mmio")                      /* emulated MMIO (HDSI) */
typedef enum {
#define KVM_E3(e, n) e,
    KVM_EXIT_CAUSES(KVM_E3)
#undef KVM_E3
    KVM_EXIT_NCAUSES
} kvm_exit_cause;
const char *kvm_exit_cause_name(int c);

/* Outcome of raising a VCPU's external line from an H_IPI (B.7). */
#define KVM_HIPI_OUTCOMES(X)                                                 \
    X(KVM_HIPI_NO_RAISE, "no_raise")        /* MFRR not presented */          \
    X(KVM_HIPI_SELF, "self")                /* target == caller: MER */       \
    X(KVM_HIPI_LOADED, "loaded")            /* IPI to the loaded thread */    \
    X(KVM_HIPI_REDIRECTED, "redirected")    /* M1: a host core kicks */       \
    X(KVM_HIPI_TOO_HARD, "too_hard")        /* fallback: exit, kick in VM */  \
    X(KVM_HIPI_ORACLE, "oracle")            /* wake_policy oracle: free kick */ \
    X(KVM_HIPI_RESCHED, "resched")          /* pre-M2: reschedule IPI */      \
    X(KVM_HIPI_VIRTUAL, "virtual")          /* handled in virtual mode */     \
    X(KVM_HIPI_ERROR, "error")              /* H_PARAMETER etc. */
typedef enum {
#define KVM_E4(e, n) e,
    KVM_HIPI_OUTCOMES(KVM_E4)
#undef KVM_E4
    KVM_HIPI_NOUTCOMES
} kvm_hipi_outcome;
const char *kvm_hipi_outcome_name(int o);

/* Trace records of the kvm room (des/trace.h kinds KVM_TRACE_BASE + k).
 * The kvm_hv tracepoint records (report/ktrace.c prints them as
 * trace_hv.h's TP_printk does, and writes them to trace.dat) are emitted
 * where the kernel calls the tracepoint, on the CPU of the task that calls
 * it (the record's track), and carry in a0 the emitting task: every kvm_hv
 * tracepoint fires in a VCPU's QEMU thread (the runner's for the start
 * loop, post_guest_process and blocking), KVM_TR_WHO(vm index, that VCPU's
 * id). The other kinds are for the timeline. */
#define KVM_TRACE_KINDS(X)                                                   \
    X(KVM_TR_ACT)            /* a0 act, a1 vm, a2 vcpu: thread activity */   \
    X(KVM_TR_GUEST_ENTER)    /* a0 who, a1 vcpu, a2 pending_exceptions, a3 ceded */ \
    X(KVM_TR_GUEST_EXIT)     /* a0 who, a1 vcpu, a2 trap, a3 ceded */         \
    X(KVM_TR_HCALL_ENTER)    /* a0 who, a1 req (r3), a2 r4, a3 r5 */          \
    X(KVM_TR_HCALL_EXIT)     /* a0 who, a1 ret (KVM_RESUME_*), a2 r3 */       \
    X(KVM_TR_RUN_CORE)       /* a0 who (the runner), a1 n_runnable, a2 where: 0 enter 1 exit */ \
    X(KVM_TR_VCORE_BLOCKED)  /* a0 who (the runner), a1 n_runnable, a2 where */ \
    X(KVM_TR_VCORE_WAKEUP)   /* a0 who (the runner), a1 waited (slept), a2 block ns */ \
    X(KVM_TR_RUN_VCPU)       /* a0 who, a1 where, a2 kvm_run exit_reason, a3 vcpu->arch.ret */ \
    X(KVM_TR_IPI_OUT)        /* a0 flow id, a1 to cpu, a2 kind */            \
    X(KVM_TR_IPI_IN)         /* a0 flow id, a1 from cpu, a2 kind */
enum {
#define KVM_TRK(e) e,
    KVM_TRACE_KINDS(KVM_TRK)
#undef KVM_TRK
    KVM_TR_COUNT
};
/* The emitting task of a kvm_hv record: VCPU vcpu of the VM with index vm. */
#define KVM_TR_WHO(vm, vcpu) (((uint64_t)(vm) << 32) | (uint32_t)(vcpu))
static inline uint32_t kvm_tr_who_vm(uint64_t who) { return (uint32_t)(who >> 32); }
static inline uint32_t kvm_tr_who_vcpu(uint64_t who) { return (uint32_t)who; }
/* Trace kinds of the kvm room start here (des_trace kinds are per room). */
#define KVM_TRACE_BASE 0x200

/* The traps the model's exits carry in vcpu->arch.trap (BOOK3S_INTERRUPT_*,
 * kvm_asm.h; 0 for a cede exit, no_switch_exit and secondary_too_late). The
 * kvm_guest_exit tracepoint prints them through the kernel's
 * kvm_trace_symbol_exit (report/ktrace.c), which has no H_DOORBELL. */
#define KVM_TRAPS(X)                                                         \
    X(KVM_TRAP_EXTERNAL, 0x500)                                              \
    X(KVM_TRAP_HV_DECREMENTER, 0x980)                                        \
    X(KVM_TRAP_SYSCALL, 0xc00)                                               \
    X(KVM_TRAP_H_DATA_STORAGE, 0xe00)                                        \
    X(KVM_TRAP_H_DOORBELL, 0xe80)
enum {
#define KVM_E6(e, v) e = v,
    KVM_TRAPS(KVM_E6)
#undef KVM_E6
};

/* Hypercalls, one list: the kernel's hcall_real_table and the switch of
 * kvmppc_pseries_do_hcall in one table. A row is
 *   KVM_HCALL(enum, number, name, real-mode handler, virtual-mode handler)
 * (PAPR numbers, trace_hv.h names). The handlers are the static functions
 * of kvm_hcall.c: the real-mode one runs on the thread and ends the hcall
 * there (back to the guest) or exits the whole core; rm_none means no
 * real-mode handler (the core exits, hcall_virtual). The virtual-mode one
 * runs in the runner after the exit and returns the PAPR code. The XICS
 * rows are xics/xics.h's own list (xics knows nothing of kvm), given their
 * handlers by KVM_HCALL_XICS. To expand: define KVM_HCALL(e, nr, name, rm,
 * vm), write KVM_HCALLS, undefine KVM_HCALL. A number in no row is handled
 * as H_GENERIC. */
#define KVM_HCALLS_KVM                                                       \
    /* HPT insert (book3s_hv_rm_mmu.c): real mode; stands for the HPT family */ \
    KVM_HCALL(KVM_H_ENTER, 0x08, "H_ENTER", rm_h_enter, vm_h_nop)           \
    KVM_HCALL(KVM_H_CEDE, 0xE0, "H_CEDE", rm_h_cede, vm_h_cede)             \
    /* the kernel's kvmppc_rm_h_confer (spin <= 10 us for the other threads) \
     * is not modelled: H_CONFER goes to virtual mode */                     \
    KVM_HCALL(KVM_H_CONFER, 0xE4, "H_CONFER", rm_none, vm_h_nop)            \
    KVM_HCALL(KVM_H_PROD, 0xE8, "H_PROD", rm_none, vm_h_prod)               \
    /* not PAPR: hvwake's real-mode hcall with an empty body ("null hcall") */ \
    KVM_HCALL(KVM_H_NULL, 0x1F0, "H_NULL", rm_h_null, vm_h_nop)             \
    /* not PAPR: any other virtual-mode hcall */                             \
    KVM_HCALL(KVM_H_GENERIC, 0x1F4, "H_GENERIC", rm_none, vm_h_nop)         \
    /* not PAPR: an exit QEMU handles in userspace (MMIO, console); r4 = its \
     * work in ns */                                                         \
    KVM_HCALL(KVM_H_USER, 0x1F8, "H_USER", rm_none, vm_h_user)
/* The XICS rows' real-mode handler: hcall_real_table of 4.6-4.11 has
 * H_EOI, H_CPPR, H_IPI and H_XIRR; H_IPOLL and H_XIRR_X are virtual-mode
 * only (their real-mode handlers came later). */
#define KVM_XICS_RM_XICS_H_EOI rm_h_xics
#define KVM_XICS_RM_XICS_H_CPPR rm_h_xics
#define KVM_XICS_RM_XICS_H_IPI rm_h_xics
#define KVM_XICS_RM_XICS_H_XIRR rm_h_xics
#define KVM_XICS_RM_XICS_H_IPOLL rm_none
#define KVM_XICS_RM_XICS_H_XIRR_X rm_none
#define KVM_HCALL_XICS(e, nr, name) KVM_HCALL(e, nr, name, KVM_XICS_RM_##e, vm_h_xics)
#define KVM_HCALLS XICS_HCALLS(KVM_HCALL_XICS) KVM_HCALLS_KVM
enum kvm_hcall { /* the XICS numbers are enum xics_hcall */
#define KVM_HCALL(e, nr, name, rm, vm) e = nr,
    KVM_HCALLS_KVM
#undef KVM_HCALL
};
const char *kvm_hcall_name(unsigned hcall); /* "H_?" when unknown */

/* vcpu->arch.pending_exceptions bits: 1 << BOOK3S_IRQPRIO_* of Linux 4.6-4.11
 * (kvm_asm.h: DECREMENTER 15, EXTERNAL_LEVEL 17, the bit the XICS sets). */
enum { KVM_PEND_EXTERNAL = 1u << 17, KVM_PEND_DEC = 1u << 15 };

/* What kvmppc_run_vcpu / kvmppc_pseries_do_hcall return (RESUME_*, kvm_asm.h;
 * RESUME_PAGE_FAULT = RESUME_GUEST | RESUME_FLAG_ARCH1, kvm_book3s.h) and the
 * kvm_run exit_reason of an hcall exit (KVM_EXIT_PAPR_HCALL, uapi kvm.h; a
 * page fault leaves kvmppc_handle_exit_hv's KVM_EXIT_UNKNOWN; a VCPU removed
 * for a pending signal KVM_EXIT_INTR with ret -EINTR), as the kvm_hv
 * tracepoints print them. */
enum { KVM_RESUME_GUEST = 0, KVM_RESUME_HOST = 2, KVM_RESUME_PAGE_FAULT = 4 };
enum { KVM_RUN_EXIT_UNKNOWN = 0, KVM_RUN_EXIT_INTR = 10, KVM_RUN_EXIT_PAPR_HCALL = 19 };
/* vcpu->arch.ret of a VCPU removed for a pending signal (a VM's destroy). */
enum { KVM_RET_EINTR = -4 };

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

/* ---- reporting counters, each declared once ------------------------------
 * A row X(area, name) of a scope's list is the uint64_t field `name` of that
 * scope's stats struct (`st`) and the metric "<area>.<name>", whose unit is
 * its name's suffix (docs/metrics.md: _ns, none = count). kvm_reset_stats
 * zeroes every st at the end of the warm-up; report/kvm_view.c sums each
 * scope over the model and emits the rows in list order. The comment names
 * where it is counted. Adding a counter: a row here and its increment.
 * Families indexed by a printed enum (H_IPI outcomes, exit causes) sit in the
 * same structs as arrays and are emitted per enum name. */

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

/* vcpu->arch.state (kvm_host.h KVMPPC_VCPU_*). */
#define KVM_VCPU_STATES(X)                                                   \
    X(KVM_VCPU_NOTREADY, "notready")         /* not in KVM_RUN (first run) */ \
    X(KVM_VCPU_RUNNABLE, "runnable")         /* in the vcore's runnable set */ \
    X(KVM_VCPU_BUSY_IN_HOST, "busy_in_host") /* its task works in the host */
typedef enum {
#define KVM_E7(e, n) e,
    KVM_VCPU_STATES(KVM_E7)
#undef KVM_E7
} kvm_vcpu_state;
const char *kvm_vcpu_state_name(int s);

/* What a loaded VCPU's thread is doing (drives the timing accumulator). */
#define KVM_ACTS(X)                                                          \
    X(KVM_ACT_OUT, "out")          /* not loaded */                          \
    X(KVM_ACT_ENTRY, "entry")      /* real-mode entry path */                \
    X(KVM_ACT_WAIT_IN, "wait_in")  /* waiting for the primary's in_guest */  \
    X(KVM_ACT_GUEST, "guest")      /* running guest code */                  \
    X(KVM_ACT_RM, "rm")            /* real-mode hcall/interrupt handling */  \
    X(KVM_ACT_CEDED, "ceded")      /* napping in H_CEDE */                   \
    X(KVM_ACT_EXIT, "exit")        /* real-mode exit path */
typedef enum {
#define KVM_E5(e, n) e,
    KVM_ACTS(KVM_E5)
#undef KVM_E5
} kvm_act;
const char *kvm_act_name(int a);

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
