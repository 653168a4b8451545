/*
 * kvm/kvm_irq.c — carrying out the XICS's effects: the one interpreter of
 * an effects list (xics/xics.h EFFECTS CONTRACT), with the raise of a VCPU's
 * external line once per mode, the kick, and the device side of the
 * in-kernel XICS. See kvm.h.
 *
 * Mirrors: icp_rm_set_vcpu_irq / icp_rm_clr_vcpu_irq (book3s_hv_rm_xics.c,
 * real mode), icp_try_update's raise and kvmppc_xics_rm_complete's kick
 * (book3s_xics.c, virtual mode), kvmppc_fast_vcpu_kick_hv (book3s_hv.c),
 * kvm_set_irq -> ics_deliver_irq (irqfd), xics_set_source
 * (KVM_DEV_XICS_GRP_SOURCES). The kernel keeps the two raises as two
 * hand-written copies of the effect handling; here one loop dispatches on
 * the mode.
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

void kvm__irq_kick(kvm_sys *s, kvm_vcpu *v, int from_cpu)
{
    kvm_vcore *vc = v->vc;
    if (vc->wq_sleeper) {
        /* swake_up on the vcore wait queue (vcpu->arch.wqp = &vc->wq) */
        vc->wq_sleeper = false;
        v->st.halt_wakeup++;
        host_task_wake(s->host, vc->runner->task, from_cpu);
    }
    /* ... and, in the same call, kvmppc_ipi_thread(thread_cpu): a doorbell
     * in the same core, else the MFRR; thread_cpu < 0 (not loaded, or past
     * kvmhv_commence_exit) sends nothing ... */
    if (v->thread_cpu >= 0) {
        if (from_cpu >= 0)
            hw_ipi_thread(s->hw, from_cpu, v->thread_cpu);
        else
            hw_send_xics_ipi(s->hw, -1, v->thread_cpu, HW_IPI_PRIORITY);
        return;
    }
    /* ... else smp_send_reschedule(vcpu->cpu) when it is a valid online CPU. */
    if (v->cpu >= 0 && host_cpu_online(s->host, v->cpu))
        host_smp_send_reschedule(s->host, from_cpu, v->cpu);
}

/* ---- the raise, once per mode ------------------------------------------- */

/* Real mode, on the caller's thread (icp_rm_set_vcpu_irq), in order: the
 * EXTERNAL pending bit and queue_intr (raise before signal); self -> MER;
 * loaded -> kvmhv_rm_send_ipi (no host_ipi), or with guest_ipi = reschedule
 * smp_send_reschedule to thread 0 of its core; not loaded -> the oracle's
 * free kick (kvm.wake_policy = oracle), M1, else the fallback (rm_action
 * KICK -> H_TOO_HARD). *cost grows by the real-mode work. */
static kvm_hipi_outcome raise_real(kvm_vcpu *caller, kvm_vcpu *tv, des_time *cost)
{
    kvm_sys *s = caller->vm->sys;
    tv->st.queue_intr++;
    tv->pending |= KVM_PEND_EXTERNAL; /* raise before signal */
    s->wakeups_sent++;
    if (tv == caller) {
        caller->ext_injected = false; /* LPCR[MER] set: presented on return to the guest */
        s->wakeups_consumed++;
        return KVM_HIPI_SELF;
    }
    kvm__irq_wake_note(s, tv);
    if (tv->thread_cpu >= 0) {
        if (s->cfg.guest_ipi == KVM_GUEST_IPI_RESCHEDULE) {
            /* Pre-2013: smp_send_reschedule to thread 0 of the target's core. */
            host_smp_send_reschedule(s->host, caller->hwt, tv->cpu);
            *cost += kvm__core_send_cost(s, caller->hwt, tv->cpu, false);
            return KVM_HIPI_RESCHED;
        }
        /* kvmhv_rm_send_ipi: doorbell within the core, else MFRR; no host_ipi. */
        hw_ipi_thread(s->hw, caller->hwt, tv->thread_cpu);
        *cost += kvm__core_send_cost(s, caller->hwt, tv->thread_cpu, false);
        tv->flow_id = s->wakeups_sent;
        kvm__trace(s, (uint32_t)caller->hwt, KVM_TR_IPI_OUT, tv->flow_id,
                   (uint64_t)tv->thread_cpu, 1, 0);
        return KVM_HIPI_LOADED;
    }
    if (s->cfg.wake_policy == KVM_WAKE_ORACLE) {
        /* The bound: kvmppc_fast_vcpu_kick_hv at no cost, now, as if it ran
         * on the CPU the target's runner sleeps on (its wakeup is local). */
        const kvm_vcore *vc = tv->vc;
        kvm__irq_kick(s, tv, vc->wq_sleeper ? vc->runner->task->cpu : -1);
        return KVM_HIPI_ORACLE;
    }
    if (kvm__m1_redirect(caller, tv, cost))
        return KVM_HIPI_REDIRECTED;
    /* Fallback: rm_action KICK -> H_TOO_HARD, the kick happens in virtual mode. */
    xics_rm_defer_kick(caller->vm->xics, caller->server, tv->server);
    return KVM_HIPI_TOO_HARD;
}

/* Virtual mode, in host context on cpu (icp_try_update): queue the
 * EXTERNAL_LEVEL irqprio, then kick unless tv is the caller itself
 * (change_self: it sees the bit when it next enters the guest). */
static void raise_virt(kvm_sys *s, const kvm_vcpu *caller, kvm_vcpu *tv, int cpu)
{
    tv->st.queue_intr++;
    tv->pending |= KVM_PEND_EXTERNAL;
    if (tv == caller)
        return;
    s->wakeups_sent++;
    kvm__irq_wake_note(s, tv);
    kvm__irq_kick(s, tv, cpu);
}

/* ---- the interpreter -------------------------------------------------------- */

struct xics_effects *kvm__irq_fx(kvm_vm *vm)
{
    HV_CHECK_U64(vm->fx.n, ==, 0);
    return &vm->fx;
}

static kvm_vcpu *target(kvm_vm *vm, const struct xics_effect *e)
{
    HV_CHECK_U64(e->arg, <, vm->n_vcpus); /* server == VCPU id */
    return &vm->vcpus[e->arg];
}

kvm_hipi_outcome kvm__irq_effects(kvm_vm *vm, enum xics_mode mode, kvm_vcpu *caller, int cpu,
                                  des_time *cost)
{
    if (mode == XICS_REAL)
        HV_CHECK(caller && cost && cpu == caller->hwt);
    kvm_hipi_outcome out = KVM_HIPI_NO_RAISE;
    for (uint32_t i = 0; i < vm->fx.n; i++) {
        const struct xics_effect *e = &vm->fx.v[i];
        switch (e->kind) {
        case XICS_FX_RAISE:
            if (mode == XICS_REAL) {
                out = raise_real(caller, target(vm, e), cost);
            } else {
                raise_virt(vm->sys, caller, target(vm, e), cpu);
                out = KVM_HIPI_VIRTUAL;
            }
            continue;
        case XICS_FX_LOWER: /* icp_rm_clr_vcpu_irq / kvmppc_core_dequeue_external: own line */
            HV_CHECK(caller != NULL);
            HV_CHECK_U64(e->arg, ==, caller->server);
            caller->pending &= ~KVM_PEND_EXTERNAL;
            caller->ext_injected = false;
            continue;
        case XICS_FX_KICK: /* kvmppc_xics_rm_complete: the kick real mode recorded */
            if (mode != XICS_VIRT)
                break;
            kvm__irq_kick(vm->sys, target(vm, e), cpu);
            continue;
        case XICS_FX_NOTIFY_EOI:
            /* kvm_notify_acked_irq: no ack notifiers are registered in this
             * model (the XICS is created with ack_notifiers = false). */
            if (mode != XICS_VIRT)
                break;
            continue;
        }
        HV_DIE("vm %s: XICS effect %s(%u) cannot be carried out in %s mode", vm->cfg.name,
               xics_fx_name(e->kind), e->arg, mode == XICS_REAL ? "real" : "virtual");
    }
    xics_fx_reset(&vm->fx);
    return out;
}

/* ---- the device side ------------------------------------------------------ */

int kvm_set_irq(kvm_vm *vm, uint32_t irq, int level, int from_cpu)
{
    int rc = xics_irq_line(vm->xics, irq, level, kvm__irq_fx(vm));
    kvm__irq_effects(vm, XICS_VIRT, NULL, from_cpu, NULL);
    return rc;
}

int kvm_set_irq_source(kvm_vm *vm, uint32_t irq, const struct xics_source_cfg *c)
{
    int rc = xics_set_source(vm->xics, irq, c, kvm__irq_fx(vm));
    kvm__irq_effects(vm, XICS_VIRT, NULL, -1, NULL);
    return rc;
}
