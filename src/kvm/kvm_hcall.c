/*
 * kvm/kvm_hcall.c — hypercalls: the trap, the real-mode handlers run on the
 * thread, the return to the guest, and the virtual-mode handlers the runner
 * runs after a whole-core exit. Which handler serves which hcall is the one
 * list KVM_HCALLS (kvm_enums.h). See docs/kvm.md ("In the guest").
 *
 * Mirrors: kvmppc_interrupt_hv's sc 1 path and hcall_try_real_mode /
 * hcall_real_table (book3s_hv_rmhandlers.S), the XICS real-mode handlers
 * (book3s_hv_rm_xics.c, through xics_rm_hcall), kvmppc_rm_h_enter
 * (book3s_hv_rm_mmu.c), kvmppc_h_cede (book3s_hv_rmhandlers.S, in
 * kvm_intr.c), kvmppc_pseries_do_hcall and kvmppc_xics_hcall (book3s_hv.c,
 * book3s_xics.c).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"

static void st_hcall_dispatch(des_sim *sim, void *obj, uint64_t arg);
static void st_hcall_return(des_sim *sim, void *obj, uint64_t arg);

const char *kvm_hcall_name(unsigned h)
{
    switch (h) {
#define KVM_HCALL(e, nr, name, rm, vm) case nr: return name;
        KVM_HCALLS
#undef KVM_HCALL
    }
    return "H_?";
}

void kvm__hcall_start(kvm_vcpu *v, const kvm_gact *a)
{
    kvm_sys *s = kvm__sys(v);
    HV_CHECK(!v->hcall_active);
    v->hcall_active = true;
    v->hcall_needs_vm = false;
    v->hcall = a->hcall;
    v->args[0] = a->args[0];
    v->args[1] = a->args[1];
    v->ret[0] = v->ret[1] = 0;
    v->hcall_rc = 0;
    v->st.hcalls++;
    v->hcalls_issued++;
    kvm__vcpu_set_act(s, v, KVM_ACT_RM);
    kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_rm_hcall), st_hcall_dispatch, 0);
}

void kvm__hcall_rm_return(kvm_vcpu *v, long rc, des_time cost)
{
    v->hcall_rc = rc;
    v->st.hcalls_rm++;
    kvm__vcpu_at(v, cost, st_hcall_return, 0);
}

/* ---- real-mode handlers (KVM_HCALLS column 4) ----------------------------- */

/* No real-mode handler: the whole core exits, the hcall runs in virtual mode. */
static void rm_none(kvm_vcpu *v)
{
    v->hcall_needs_vm = true;
    kvm__core_exit(v, KVM_EXIT_HCALL_VIRT, KVM_TRAP_SYSCALL);
}

/* The XICS hcalls (xics_rm_hcall): the transition, its effects carried out
 * in real mode, then check_too_hard; H_TOO_HARD exits the core and the
 * virtual-mode handler completes what real mode recorded. */
static void rm_h_xics(kvm_vcpu *v)
{
    kvm_sys *s = kvm__sys(v);
    kvm_vm *vm = v->vm;
    unsigned h = v->hcall;
    des_time cost = kvm__cost(s, v->hwt, HW_COST_kvm_rm_xics);
    uint64_t ret[2] = {0, 0};
    int rc = xics_rm_hcall(vm->xics, v->server, h, v->args, ret, kvm__irq_fx(vm));
    kvm_hipi_outcome raised = kvm__irq_effects(vm, XICS_REAL, v, v->hwt, &cost);
    kvm_hipi_outcome out = KVM_HIPI_VIRTUAL;
    if (rc == XICS_RC_FINISH) {
        out = raised;
        rc = xics_rm_finish(vm->xics, v->server, rc);
        if (rc == XICS_H_TOO_HARD && out != KVM_HIPI_TOO_HARD)
            out = KVM_HIPI_TOO_HARD; /* another recorded action (reject, EOI notify) */
    } else if (rc != XICS_H_TOO_HARD) {
        out = rc == XICS_H_SUCCESS ? KVM_HIPI_NO_RAISE : KVM_HIPI_ERROR;
    }
    if (h == XICS_H_IPI)
        vm->st.hipi[out]++;
    if (h == XICS_H_XIRR_X)
        ret[1] = des_now(s->sim); /* r5 = timebase */
    v->ret[0] = ret[0];
    v->ret[1] = ret[1];
    if (rc == XICS_H_TOO_HARD) {
        v->hcall_needs_vm = true;
        kvm__core_exit(v, KVM_EXIT_HCALL_TOO_HARD, KVM_TRAP_SYSCALL); /* hcall_real_fallback */
        return;
    }
    kvm__hcall_rm_return(v, rc, cost);
}

static void rm_h_cede(kvm_vcpu *v) { kvm__intr_cede(v); }

static void rm_h_null(kvm_vcpu *v) { kvm__hcall_rm_return(v, XICS_H_SUCCESS, 0); }

/* kvmppc_rm_h_enter & co: an HPT update in real mode. */
static void rm_h_enter(kvm_vcpu *v)
{
    kvm__hcall_rm_return(v, XICS_H_SUCCESS, kvm__cost(kvm__sys(v), v->hwt, HW_COST_kvm_rm_hpte));
}

/* hcall_try_real_mode: the real-mode table, by hcall number. */
static void hcall_dispatch(kvm_vcpu *v)
{
    switch (v->hcall) {
#define KVM_HCALL(e, nr, name, rm, vm) case nr: rm(v); return;
        KVM_HCALLS
#undef KVM_HCALL
    }
    rm_none(v); /* not in the list: a generic virtual-mode hcall */
}

static void st_hcall_dispatch(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    hcall_dispatch(obj);
}

/* Real-mode hcall done: back to the guest. */
static void st_hcall_return(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm__vcpu_enter_guest(obj, false);
}

/* ---- virtual-mode handlers (KVM_HCALLS column 5), in the VCPU's task on cpu - */

/* H_CONFER, H_GENERIC and the rest: nothing to do in the model. */
static long vm_h_nop(kvm_vcpu *v, int cpu)
{
    (void)v;
    (void)cpu;
    return XICS_H_SUCCESS;
}

/* kvmppc_xics_hcall: with real mode on, complete what real mode recorded
 * (xics_rm_complete); H_XIRR_X and H_IPOLL in full. */
static long vm_h_xics(kvm_vcpu *v, int cpu)
{
    kvm_vm *vm = v->vm;
    uint64_t ret[2] = {v->ret[0], v->ret[1]};
    long rc = xics_hcall(vm->xics, v->server, v->hcall, v->args, ret, kvm__irq_fx(vm));
    if (v->hcall == XICS_H_IPI && !(v->exit_cause == KVM_EXIT_HCALL_TOO_HARD))
        vm->st.hipi[KVM_HIPI_VIRTUAL]++;
    v->ret[0] = ret[0];
    v->ret[1] = ret[1];
    if (v->hcall == XICS_H_XIRR_X)
        v->ret[1] = des_now(vm->sys->sim);
    kvm__irq_effects(vm, XICS_VIRT, v, cpu, NULL);
    return rc;
}

/* kvmppc_h_cede in virtual mode: the VCPU stays ceded; the vcore blocks if
 * every VCPU has ceded. Returns when it next enters. */
static long vm_h_cede(kvm_vcpu *v, int cpu)
{
    (void)cpu;
    v->ceded = true;
    if (v->prodded || v->pending) {
        v->prodded = false;
        v->ceded = false;
    }
    return XICS_H_SUCCESS;
}

/* kvmppc_pseries_do_hcall's H_PROD: the target's prodded = 1, smp_mb, then
 *   fixed (8464c8842de2, Linux 4.11): if the target has ceded, kick it
 *     (kvmppc_fast_vcpu_kick_hv); prodded also counts as runnable;
 *   4.6 (4.6-4.10): if the CALLER has ceded, wake the caller's generic
 *     wait queue — the caller runs (its ceded is 0) and HV KVM never sleeps
 *     there: nothing more happens; the target sees prodded only at its next
 *     real-mode H_CEDE ("we were waking the wrong vcpu"). */
static long vm_h_prod(kvm_vcpu *v, int cpu)
{
    kvm_vm *vm = v->vm;
    uint64_t target = v->args[0];
    if (target >= vm->n_vcpus)
        return XICS_H_PARAMETER;
    kvm_vcpu *tv = &vm->vcpus[target];
    tv->prodded = true;
    tv->st.prod++;
    if (vm->sys->cfg.h_prod == KVM_H_PROD_FIXED && tv->ceded) {
        vm->sys->wakeups_sent++;
        kvm__irq_wake_note(vm->sys, tv);
        kvm__irq_kick(vm->sys, tv, cpu);
    }
    return XICS_H_SUCCESS;
}

/* Not handled in the kernel (kvmppc_pseries_do_hcall's default): RESUME_HOST,
 * the VCPU's task returns to QEMU with KVM_EXIT_PAPR_HCALL and does the
 * userspace work (r4 = its ns); the hcall returns when it next enters. */
static long vm_h_user(kvm_vcpu *v, int cpu)
{
    (void)cpu;
    v->user_pending = true;
    v->user_work = (des_time)v->args[0];
    v->st.user_exits++;
    return XICS_H_TOO_HARD; /* QEMU supplies r3 */
}

void kvm__hcall_virtual(kvm_vcpu *v, int cpu)
{
    kvm_sys *s = kvm__sys(v);
    kvm_vm *vm = v->vm;
    v->st.hcalls_vm++;
    long rc;
    switch (v->hcall) {
#define KVM_HCALL(e, nr, name, rm, vm) case nr: rc = vm(v, cpu); break;
        KVM_HCALLS
#undef KVM_HCALL
    default:
        rc = vm_h_nop(v, cpu);
        break;
    }
    v->hcall_rc = v->user_pending ? XICS_H_SUCCESS : rc;
    v->hcall_needs_vm = false;
    /* trace_kvm_hcall_exit(vcpu, ret): RESUME_GUEST with r3 = the return
     * code, or RESUME_HOST for an hcall QEMU does, r3 still the hcall number
     * (QEMU supplies the return code; the tracepoint prints H_TOO_HARD). */
    if (v->user_pending)
        kvm__trace(s, (uint32_t)cpu, KVM_TR_HCALL_EXIT, KVM_TR_WHO(vm->index, v->id), KVM_RESUME_HOST, v->hcall,
                   0);
    else
        kvm__trace(s, (uint32_t)cpu, KVM_TR_HCALL_EXIT, KVM_TR_WHO(vm->index, v->id), KVM_RESUME_GUEST,
                   (uint64_t)rc, 0);
}
