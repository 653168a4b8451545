/*
 * kvm/kvm_internal.h — what kvm_core.c (real mode, hardware threads) and
 * kvm_runner.c (virtual mode, the vcore runner task in the host) share.
 * Not part of the room's API.
 */
#ifndef HV_KVM_KVM_INTERNAL_H
#define HV_KVM_KVM_INTERNAL_H

#include "kvm/kvm.h"

/* Trace record kinds of the kvm room (des/trace.h); report/ formats them. */
#define KVM_TRACE_KINDS(X)                                                   \
    X(KVM_TR_ACT)            /* a0 act, a1 vm, a2 vcpu: thread activity */   \
    X(KVM_TR_GUEST_ENTER)    /* a0 vm, a1 vcpu, a2 pending, a3 ceded */      \
    X(KVM_TR_GUEST_EXIT)     /* a0 vm, a1 vcpu, a2 trap, a3 ceded */         \
    X(KVM_TR_HCALL_ENTER)    /* a0 vm, a1 vcpu, a2 hcall, a3 r4 */           \
    X(KVM_TR_HCALL_EXIT)     /* a0 vm, a1 vcpu, a2 rc, a3 ret kind */        \
    X(KVM_TR_RUN_CORE)       /* a0 vm, a1 runner vcpu, a2 runnable, a3 0 enter 1 exit */ \
    X(KVM_TR_VCORE_BLOCKED)  /* a0 vm, a1 runner vcpu, a2 runnable, a3 0 enter 1 exit */ \
    X(KVM_TR_IPI_OUT)        /* a0 flow id, a1 to cpu, a2 kind */            \
    X(KVM_TR_IPI_IN)         /* a0 flow id, a1 from cpu, a2 kind */
enum {
#define KVM_TRK(e) e,
    KVM_TRACE_KINDS(KVM_TRK)
#undef KVM_TRK
    KVM_TR_COUNT
};
/* Trace kinds of the kvm room start here (des_trace kinds are per room). */
#define KVM_TRACE_BASE 0x200

/* trap numbers for kvm_guest_exit (trace_hv.h kvm_trace_symbol_exit). */
enum {
    KVM_TRAP_EXTERNAL = 0x500,
    KVM_TRAP_HV_DECREMENTER = 0x980,
    KVM_TRAP_SYSCALL = 0xc00,
    KVM_TRAP_H_DOORBELL = 0xe80,
};

static inline hw_thread *kvm_thr(kvm_sys *s, int cpu) { return hw_thread_of(s->hw, cpu); }
static inline des_time kvm_now(kvm_sys *s) { return des_now(s->sim); }
static inline des_time kvm_cost(kvm_sys *s, int cpu, hw_cost_id id)
{
    return hw_cost(s->hw, kvm_thr(s, cpu), id);
}

/* --- kvm_core.c (real mode) --- */
/* kvmppc_start_thread for every secondary VCPU, then the primary enters real
 * mode after `delay` (the runner's C-side work); called by the runner. */
void kvm_core_start(kvm_vcore *vc, int pcpu, des_time delay);
/* kvmppc_run_vcpu for a VCPU back from userspace while its vcore runs:
 * kvmppc_start_thread from the joiner's CPU (a late joiner). */
void kvm_core_late_join(kvm_vcore *vc, kvm_vcpu *v, int from_cpu);
/* A host timer fired on thread 0 while the core is in the guest: HDEC exit. */
void kvm_core_hdec(kvm_vcore *vc);
/* Raise v's external line from host context (virtual mode): pending bit,
 * queue_intr, then a kick unless v == self. */
void kvm_vm_raise(kvm_sys *s, kvm_vcpu *v, int from_cpu);
/* The hw sink KVM installs on a thread it owns. */
void kvm_thread_intr(void *ctx, hw_thread *t, hw_wake_reason cause, bool from_nap);
/* Account a wakeup sent to v (wakeups sent = consumed + coalesced + pending). */
void kvm_wake_note(kvm_sys *s, kvm_vcpu *v);
void kvm_tm_switch(kvm_sys *s, kvm_vcpu *v, kvm_tm tm);
void kvm_set_act(kvm_sys *s, kvm_vcpu *v, kvm_act a);
void kvm_trace(kvm_sys *s, uint32_t track, int kind, uint64_t a0, uint64_t a1, uint64_t a2,
               uint64_t a3);

/* --- kvm_vm.c --- */
/* The M1 committer over sys->rm_core (plain compare-and-store). */
const kvm_hc_ops *kvm_hc_des_ops(kvm_sys *s);

/* --- kvm_runner.c (virtual mode, host side) --- */
/* Every thread of vc is out of the guest and the primary switched back:
 * the runner continues in virtual mode on pcpu. */
void kvm_runner_core_exited(kvm_vcore *vc);
/* kvmppc_fast_vcpu_kick_hv from host context on from_cpu. */
void kvm_fast_vcpu_kick(kvm_sys *s, kvm_vcpu *v, int from_cpu);
/* smp_send_reschedule(to) from KVM (host_ipi set: a host IPI). */
void kvm_host_resched(kvm_sys *s, int from_cpu, int to_cpu);
/* M1 redirect: post PPC_MSG_RM_HOST_ACTION to thread 0 of hcore. */
void kvm_redirect_send(kvm_sys *s, int from_cpu, int hcore);

#endif
