/*
 * kvm/kvm_irq.c — raising a VCPU's external line and kicking it, and the
 * device side of the in-kernel XICS. See kvm.h.
 *
 * Mirrors: icp_try_update's raise (book3s_xics.c: queue the
 * EXTERNAL_LEVEL irqprio, kvmppc_fast_vcpu_kick), kvmppc_fast_vcpu_kick_hv
 * (book3s_hv.c), kvm_set_irq -> ics_deliver_irq (irqfd), xics_set_source
 * (KVM_DEV_XICS_GRP_SOURCES).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"

/* Account one wakeup sent to v: consumed now if v runs guest code, else
 * timed until v is back in the guest (or coalesced with one under way). */
void kvm__irq_wake_note(kvm_sys *s, kvm_vcpu *v)
{
    if (v->act == KVM_ACT_GUEST)
        s->wakeups_consumed++;
    else if (!v->wake_t0)
        v->wake_t0 = des_now(s->sim);
    else
        s->wakeups_coalesced++;
}

void kvm__irq_raise_virt(kvm_sys *s, kvm_vcpu *v, int from_cpu)
{
    /* Virtual-mode raise (icp_try_update in book3s_xics.c): queue the
     * EXTERNAL_LEVEL irqprio and kick. */
    v->st.queue_intr++;
    v->pending |= KVM_PEND_EXTERNAL;
    s->wakeups_sent++;
    kvm__irq_wake_note(s, v);
    kvm__irq_kick(s, v, from_cpu);
}

void kvm__irq_kick(kvm_sys *s, kvm_vcpu *v, int from_cpu)
{
    kvm_vcore *vc = v->vc;
    if (vc->wq_sleeper) {
        /* swake_up on the vcore wait queue */
        vc->wq_sleeper = false;
        v->st.halt_wakeup++;
        host_task_wake(s->host, vc->vcpus[0]->task, from_cpu);
        return;
    }
    if (v->thread_cpu >= 0) {
        /* kvmppc_ipi_thread: doorbell in the same core, else the MFRR. */
        if (from_cpu >= 0)
            hw_ipi_thread(s->hw, from_cpu, v->thread_cpu);
        else
            hw_send_xics_ipi(s->hw, -1, v->thread_cpu, HW_IPI_PRIORITY);
        return;
    }
    /* A polling or busy runner sees the pending bit at its next check. */
    if (v->cpu >= 0 && host_cpu_online(s->host, v->cpu))
        host_smp_send_reschedule(s->host, from_cpu, v->cpu);
}

/* ---- the device side ------------------------------------------------------ */

int kvm_set_irq(kvm_vm *vm, uint32_t irq, int level, int from_cpu)
{
    xics_fx_reset(&vm->fx);
    int rc = xics_irq_line(vm->xics, irq, level, &vm->fx);
    if (rc != HV_OK)
        return rc;
    for (uint32_t i = 0; i < vm->fx.n; i++) {
        struct xics_effect e = vm->fx.v[i];
        if (e.kind == XICS_FX_RAISE) {
            HV_CHECK(e.arg < vm->n_vcpus);
            kvm__irq_raise_virt(vm->sys, &vm->vcpus[e.arg], from_cpu); /* icp_try_update + kick */
        }
    }
    xics_fx_reset(&vm->fx);
    return HV_OK;
}

int kvm_set_irq_source(kvm_vm *vm, uint32_t irq, const struct xics_source_cfg *c)
{
    xics_fx_reset(&vm->fx);
    int rc = xics_set_source(vm->xics, irq, c, &vm->fx);
    xics_fx_reset(&vm->fx);
    return rc;
}
