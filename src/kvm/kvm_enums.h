/*
 * kvm/kvm_enums.h — the enums of the kvm room that print (X-lists with
 * their names), the hypercall table, and the kernel's constants the model's
 * exits and tracepoints carry. A part of kvm/kvm.h, which includes it:
 * include kvm/kvm.h.
 */
#ifndef HV_KVM_KVM_ENUMS_H
#define HV_KVM_KVM_ENUMS_H

#include <stdint.h>

#include "xics/xics.h"

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

#endif
