/*
 * kvm/kvm_hcall.c — hypercalls on the thread in real mode: the trap, the
 * real-mode table (XICS, H_CEDE, the HPT family, the null hcall) and the
 * return to the guest; anything else exits the whole core and finishes in
 * virtual mode (kvm_runner.c). See kvm.h and docs/kvm.md ("In the guest").
 *
 * Mirrors: kvmppc_interrupt_hv's sc 1 path and hcall_try_real_mode /
 * hcall_real_table (book3s_hv_rmhandlers.S), the XICS real-mode handlers
 * (book3s_hv_rm_xics.c, through xics_rm_hcall), kvmppc_rm_h_enter
 * (book3s_hv_rm_mmu.c).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"

static void st_hcall_dispatch(des_sim *sim, void *obj, uint64_t arg);
static void st_hcall_return(des_sim *sim, void *obj, uint64_t arg);

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
    kvm__vcpu_at(v, kvm__cost(s, v->thread_cpu, HW_COST_kvm_rm_hcall), st_hcall_dispatch, 0);
}

void kvm__hcall_rm_return(kvm_vcpu *v, long rc, des_time cost)
{
    v->hcall_rc = rc;
    v->st.hcalls_rm++;
    kvm__vcpu_at(v, cost, st_hcall_return, 0);
}

static void hcall_dispatch(kvm_vcpu *v)
{
    kvm_sys *s = kvm__sys(v);
    kvm_vm *vm = v->vm;
    unsigned h = v->hcall;
    if (xics_is_hcall(h)) {
        des_time cost = kvm__cost(s, v->thread_cpu, HW_COST_kvm_rm_xics);
        uint64_t ret[2] = {0, 0};
        int rc = xics_rm_hcall(vm->xics, v->server, h, v->args, ret, kvm__irq_fx(vm));
        kvm_hipi_outcome raised = kvm__irq_effects(vm, XICS_REAL, v, v->thread_cpu, &cost);
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
            vm->hipi[out]++;
        if (h == XICS_H_XIRR_X)
            ret[1] = des_now(s->sim); /* r5 = timebase */
        v->ret[0] = ret[0];
        v->ret[1] = ret[1];
        if (rc == XICS_H_TOO_HARD) {
            v->hcall_needs_vm = true;
            kvm__core_exit(v, KVM_EXIT_HCALL_TOO_HARD);
            return;
        }
        kvm__hcall_rm_return(v, rc, cost);
        return;
    }
    switch (h) {
    case KVM_H_CEDE:
        kvm__intr_cede(v);
        return;
    case KVM_H_NULL:
        kvm__hcall_rm_return(v, XICS_H_SUCCESS, 0);
        return;
    case KVM_H_ENTER: /* kvmppc_rm_h_enter & co: an HPT update in real mode */
        kvm__hcall_rm_return(v, XICS_H_SUCCESS, kvm__cost(s, v->thread_cpu, HW_COST_kvm_rm_hpte));
        return;
    default: /* H_PROD, H_CONFER and the rest: virtual mode only */
        v->hcall_needs_vm = true;
        kvm__core_exit(v, KVM_EXIT_HCALL_VIRT);
        return;
    }
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
