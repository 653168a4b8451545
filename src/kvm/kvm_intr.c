/*
 * kvm/kvm_intr.c — interrupts and nap on a thread KVM owns: the hw sink,
 * M2's kvmppc_read_intr driven step by step with the ICP accesses timed
 * between the steps, doorbells, a secondary clearing the IPI that started
 * it, and H_CEDE: nap in the guest, wake, kvm_end_cede. See kvm.h and
 * docs/kvm.md ("Interrupts on a thread in the guest", "Cede").
 *
 * Mirrors: kvmppc_interrupt_hv's external and doorbell paths,
 * kvm_start_guest, kvmppc_h_cede, kvm_end_cede (book3s_hv_rmhandlers.S),
 * kvmppc_read_intr and kvmppc_check_wake_reason (book3s_hv_builtin.c, the
 * pure decisions in read_intr.h). Real-mode code runs with interrupts off:
 * a condition raised meanwhile stays pending in hw and is taken at the
 * next return to the guest or nap (checkpoints).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "kvm/read_intr.h"
#include "kvm/vcore_sync.h"

/* Why read_intr runs: what to do with its result. */
enum ri_purpose { RI_START, RI_GUEST, RI_CEDE };

static void st_ri_xirr(des_sim *sim, void *obj, uint64_t why);
static void st_ri_recheck(des_sim *sim, void *obj, uint64_t why);
static void st_ri_host(des_sim *sim, void *obj, uint64_t why);
static void st_intr_return(des_sim *sim, void *obj, uint64_t arg);
static void st_doorbell_cleared(des_sim *sim, void *obj, uint64_t why);
static void st_doorbell_host(des_sim *sim, void *obj, uint64_t arg);
static void st_cede_nap(des_sim *sim, void *obj, uint64_t arg);
static void st_cede_resume(des_sim *sim, void *obj, uint64_t arg);
static void st_cede_to_host(des_sim *sim, void *obj, uint64_t arg);
static void ri_finish(kvm_vcpu *v, enum ri_purpose why, kvm_ri_result r, bool device);
static void cede_exit(kvm_vcpu *v, kvm_exit_cause cause);
static void cede_resume(kvm_vcpu *v);

/* ---- kvmppc_read_intr, step by step ------------------------------------- */

static void ri_begin(kvm_vcpu *v, enum ri_purpose why, des_time before)
{
    kvm_sys *s = kvm__sys(v);
    hw_thread *t = kvm__thr(s, v->hwt);
    kvm_ri_step st = kvm_ri_check_host_ipi(t->host_ipi);
    if (st.done) {
        /* Leave the ICP to Linux. Finish after the handling cost. */
        kvm__vcpu_at(v, before, st_ri_host, why);
        return;
    }
    kvm__vcpu_at(v, before + kvm__cost(s, v->hwt, HW_COST_xics_ci_load), st_ri_xirr, why);
}

static void ri_xirr(kvm_vcpu *v, enum ri_purpose why)
{
    kvm_sys *s = kvm__sys(v);
    hw_thread *t = kvm__thr(s, v->hwt);
    uint32_t xirr = hw_icp_accept(t);
    kvm_ri_step st = kvm_ri_classify(xirr);
    if (st.actions & KVM_RI_ACT_SAVE_XIRR)
        t->saved_xirr = xirr;
    if (st.done) {
        ri_finish(v, why, st.result, st.result == KVM_RI_HOST);
        return;
    }
    if (st.actions & KVM_RI_ACT_CLEAR_MFRR)
        hw_icp_write_mfrr(s->hw, t, HW_PRI_LOWEST);
    if (st.actions & KVM_RI_ACT_EOI)
        hw_icp_eoi(s->hw, t, xirr);
    /* MFRR = 0xff and the EOI, then smp_mb: it waits for both stores */
    kvm__vcpu_at(v, 2 * kvm__cost(s, v->hwt, HW_COST_xics_ci_store) + kvm__cost(s, v->hwt, HW_COST_xics_sync),
                 st_ri_recheck, why);
}

static void ri_recheck(kvm_vcpu *v, enum ri_purpose why)
{
    kvm_sys *s = kvm__sys(v);
    hw_thread *t = kvm__thr(s, v->hwt);
    kvm_ri_step st = kvm_ri_recheck(t->host_ipi);
    if (st.actions & KVM_RI_ACT_REARM_MFRR) {
        /* We raced with the host: resend that IPI. */
        hw_icp_write_mfrr(s->hw, t, HW_IPI_PRIORITY);
        kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_xics_ci_store) + kvm__cost(s, v->hwt, HW_COST_xics_sync),
                     st_ri_host, why);
        return;
    }
    if (st.actions & KVM_RI_ACT_CLEAR_SAVED)
        t->saved_xirr = 0;
    if (st.result == KVM_RI_GUEST_IPI)
        kvm__m1_guest_ipi(s, v->hwt); /* a redirect's IPI swallowed here is race R5 */
    ri_finish(v, why, st.result, false);
}

static void ri_finish(kvm_vcpu *v, enum ri_purpose why, kvm_ri_result r, bool device)
{
    kvm_sys *s = kvm__sys(v);
    hw_thread *t = kvm__thr(s, v->hwt);
    kvm_exit_cause cause = t->host_ipi || !device ? KVM_EXIT_HOST_IPI : KVM_EXIT_EXT_DEVICE;
    v->intr_trap = KVM_TRAP_EXTERNAL; /* the C kvmppc_read_intr's caller sets r12 = 0x500 */
    switch (why) {
    case RI_START:
        kvm__core_secondary_enter(v);
        return;
    case RI_CEDE:
        if (r == KVM_RI_HOST)
            cede_exit(v, cause);
        else
            cede_resume(v);
        return;
    case RI_GUEST:
        if (r == KVM_RI_HOST) {
            kvm__core_exit(v, cause, KVM_TRAP_EXTERNAL);
            return;
        }
        kvm__vcpu_at(v, 0, st_intr_return, 0); /* resume after an interrupt (joins an exit under way) */
        return;
    }
}

static void st_ri_xirr(des_sim *sim, void *obj, uint64_t why)
{
    (void)sim;
    ri_xirr(obj, (enum ri_purpose)why);
}

static void st_ri_recheck(des_sim *sim, void *obj, uint64_t why)
{
    (void)sim;
    ri_recheck(obj, (enum ri_purpose)why);
}

/* read_intr's result is "host" (host_ipi seen, or the MFRR re-raised). */
static void st_ri_host(des_sim *sim, void *obj, uint64_t why)
{
    (void)sim;
    ri_finish(obj, (enum ri_purpose)why, KVM_RI_HOST, false);
}

/* An interrupt handled in real mode: back to the guest, or join an exit. */
static void st_intr_return(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm__vcpu_enter_guest(obj, true);
}

/* ---- interrupts on a thread in the guest, doorbells --------------------- */

/* The wakeup IPI traced to v arrived: close its arrow in the timeline. */
static void flow_in(kvm_sys *s, kvm_vcpu *v)
{
    if (v->flow_id) {
        kvm__trace(s, (uint32_t)v->hwt, KVM_TR_IPI_IN, v->flow_id, 0, 1, 0);
        v->flow_id = 0;
    }
}

void kvm__intr_guest(kvm_vcpu *v, hw_wake_reason cause)
{
    kvm_sys *s = kvm__sys(v);
    flow_in(s, v);
    kvm__vcpu_pause(v);
    kvm__vcpu_set_act(s, v, KVM_ACT_RM);
    des_time c = kvm__cost(s, v->hwt, HW_COST_kvm_rm_intr);
    if (cause == HW_WAKE_HV_DOORBELL) {
        hw_thread *t = kvm__thr(s, v->hwt);
        v->intr_trap = KVM_TRAP_H_DOORBELL;
        if (t->host_ipi) {
            /* H_DOORBELL with host_ipi set: a host IPI; Linux takes the
             * doorbell after the exit. */
            kvm__vcpu_at(v, c, st_doorbell_host, 0);
            return;
        }
        /* A guest poke: taking the interrupt consumed the doorbell (no msgclr). */
        hw_doorbell_clear(t);
        kvm__vcpu_at(v, c, st_doorbell_cleared, RI_GUEST);
        return;
    }
    HV_CHECK_I64(cause, ==, HW_WAKE_EXTERNAL);
    ri_begin(v, RI_GUEST, c);
}

/* A doorbell with host_ipi set on a thread in the guest: exit (trap 0xe80). */
static void st_doorbell_host(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm__core_exit(obj, KVM_EXIT_HOST_IPI, KVM_TRAP_H_DOORBELL);
}

static void st_doorbell_cleared(des_sim *sim, void *obj, uint64_t why)
{
    (void)sim;
    if ((enum ri_purpose)why == RI_START)
        kvm__core_secondary_enter(obj);
    else
        kvm__vcpu_enter_guest(obj, true); /* a guest poke; joins an exit under way */
}

/* ---- H_CEDE: nap in the guest and wake ------------------------------------ */

void kvm__intr_cede(kvm_vcpu *v)
{
    /* kvmppc_h_cede (book3s_hv_rmhandlers.S). */
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    v->st.cede++;
    v->ceded = true;
    if (v->prodded || v->pending) {
        /* Already prodded (or something pending): cancel the cede. */
        v->prodded = false;
        v->ceded = false;
        kvm__hcall_rm_return(v, XICS_H_SUCCESS, 0);
        return;
    }
    if (kvm_cede_all_napping(vc->napping_threads, vc->entry_exit_map, v->ptid)) {
        /* kvm_cede_exit with trap 0 ("hcall is handled", r3 = H_SUCCESS):
         * the VCPU stays ceded, the host does no exit handling, and the
         * H_CEDE returns when the VCPU next enters the guest. */
        v->st.hcalls_rm++;
        kvm__core_exit(v, KVM_EXIT_CEDE, 0);
        return;
    }
    vc->napping_threads |= (uint8_t)(1u << v->ptid);
    kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_cede_nap), st_cede_nap, 0);
}

static void st_cede_nap(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    hw_thread *t = kvm__thr(s, v->hwt);
    if (kvm_eem_exiting(vc->entry_exit_map) || vc->hdec_pending || v->pending || v->prodded) {
        /* Something arrived while saving state: do not nap. An expired
         * HDEC counts (kvmppc_h_cede naps with DEC = min(DEC, HDEC), so
         * it would wake at once; HDEC exits send no exit IPIs). */
        vc->napping_threads &= (uint8_t)~(1u << v->ptid);
        v->prodded = false;
        v->hcall_rc = XICS_H_SUCCESS;
        v->st.hcalls_rm++;
        kvm__vcpu_enter_guest(v, false);
        return;
    }
    kvm__vcpu_set_act(s, v, KVM_ACT_CEDED);
    t->napping = HW_NAPPING_CEDE;
    hw_nap_enter(s->hw, t, HW_MODE_GUEST_NAP);
}

static void cede_wake(kvm_vcpu *v, hw_wake_reason cause)
{
    kvm_sys *s = kvm__sys(v);
    hw_thread *t = kvm__thr(s, v->hwt);
    flow_in(s, v);
    t->napping = HW_NAPPING_NONE;
    kvm__vcpu_set_act(s, v, KVM_ACT_RM); /* wake handling counts as rm_intr */
    des_time c = kvm__cost(s, v->hwt, HW_COST_kvm_cede_wake);
    /* kvmppc_check_wake_reason's r12: 0x500 external, 0xe80 doorbell, 0 else */
    v->intr_trap = cause == HW_WAKE_EXTERNAL      ? KVM_TRAP_EXTERNAL
                   : cause == HW_WAKE_HV_DOORBELL ? KVM_TRAP_H_DOORBELL
                                                  : 0;
    if (cause == HW_WAKE_HV_DOORBELL)
        c += kvm__cost(s, v->hwt, HW_COST_msgsnd); /* msgclr */
    /* A doorbell is a KVM poke unless a host IPI set host_ipi. */
    switch (kvm_check_wake_reason(cause, !t->host_ipi)) {
    case KVM_WAKE_ACT_READ_INTR:
        ri_begin(v, RI_CEDE, c);
        return;
    case KVM_WAKE_ACT_NOTHING:
        if (cause == HW_WAKE_HV_DOORBELL)
            hw_doorbell_clear(t);
        if (cause == HW_WAKE_DECREMENTER)
            hw_dec_clear(t);
        kvm__vcpu_at(v, c, st_cede_resume, 0);
        return;
    case KVM_WAKE_ACT_HOST:
        kvm__vcpu_at(v, c, st_cede_to_host, 0);
        return;
    }
}

/* kvm_end_cede: the thread leaves the napping set, then exits if the wake
 * needs the host (cede_exit), else resumes after the H_CEDE (cede_resume:
 * kvmppc_cede_reentry, which joins an exit under way). */
static void cede_exit(kvm_vcpu *v, kvm_exit_cause cause)
{
    v->vc->napping_threads &= (uint8_t)~(1u << v->ptid);
    kvm__core_exit(v, cause, v->intr_trap);
}

static void cede_resume(kvm_vcpu *v)
{
    v->vc->napping_threads &= (uint8_t)~(1u << v->ptid);
    if (!v->hcall_active || v->hcall != KVM_H_CEDE)
        HV_DIE("vcpu %u woke from cede without an H_CEDE in flight", v->id);
    v->hcall_rc = XICS_H_SUCCESS;
    v->st.hcalls_rm++;
    kvm__vcpu_enter_guest(v, true);
}

/* kvm_end_cede done, nothing for the host: resume after the H_CEDE. */
static void st_cede_resume(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    cede_resume(obj);
}

/* kvm_end_cede done, the wake needs the host (a host IPI). */
static void st_cede_to_host(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    cede_exit(obj, KVM_EXIT_HOST_IPI);
}

/* ---- the hw sink ------------------------------------------------------------ */

/* A secondary woke with its vcpu set (kvm_start_guest): clear the IPI that
 * woke it, then kvmppc_hv_entry. Woken from winkle (host.offline_idle), it
 * first takes the state-loss restore path (pnv_wakeup_tb_loss). */
static void secondary_start(kvm_vcpu *v, hw_wake_reason cause)
{
    kvm_sys *s = kvm__sys(v);
    hw_thread *t = kvm__thr(s, v->hwt);
    bool m3 = kvm__m3_parked(s, v->hwt); /* trapped by its stopper: it napped, never winkled */
    des_time pre = t->mode == HW_MODE_OFFLINE_NAP && !m3 &&
                           s->host->cfg.offline_idle == HOST_OFFLINE_IDLE_WINKLE
                       ? kvm__cost(s, v->hwt, HW_COST_winkle_restore)
                       : 0;
    /* kvm_start_guest: out of nap; the vcpu is not timed until
     * kvmppc_hv_entry (it loads its vcpu pointer after clearing the IPI). */
    hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
    t->hwthread_state = HW_HWTHREAD_IN_KVM;
    if (cause == HW_WAKE_HV_DOORBELL) {
        /* msgclr; M3 keeps a host IPI's doorbell (the M2 path takes it in the guest) */
        if (!(m3 && t->host_ipi))
            hw_doorbell_clear(t);
        kvm__vcpu_at(v, pre + kvm__cost(s, v->hwt, HW_COST_msgsnd), st_doorbell_cleared, RI_START);
        return;
    }
    if (cause == HW_WAKE_EXTERNAL) {
        ri_begin(v, RI_START, pre);
        return;
    }
    kvm__vcpu_at(v, pre, kvm__core_spinner_go, 0);
}

/* Clear whatever woke an idle thread KVM owns (a stray or late IPI,
 * kvmppc_check_wake_reason / icp_native_flush_interrupt). */
static void clear_stray(kvm_sys *s, hw_thread *t)
{
    hw_doorbell_clear(t);
    hw_dec_clear(t);
    if (hw_icp_presented(t)) {
        uint32_t xirr = hw_icp_accept(t);
        hw_icp_write_mfrr(s->hw, t, HW_PRI_LOWEST);
        hw_icp_eoi(s->hw, t, xirr);
    }
}

void kvm__intr_sink(void *ctx, hw_thread *t, hw_wake_reason cause, bool from_nap)
{
    kvm_sys *s = ctx;
    if (from_nap && t->napping == HW_NAPPING_NOVCPU) {
        kvm__core_novcpu_wake(t->kvm_vcore, cause); /* kvm_novcpu_wakeup */
        return;
    }
    kvm_vcpu *v = t->kvm_vcpu;
    if (!v) {
        /* M3: a parked secondary keeps a host IPI for the host (its return) */
        bool m3 = kvm__m3_parked(s, (int)t->cpu);
        bool held = m3 && kvm__m3_hold_host_ipi(s, t);
        if (!from_nap)
            return; /* an idle thread that is not napping keeps the condition */
        if (!held)
            clear_stray(s, t);
        if (t->hwthread_req || m3) {
            /* grabbed by a runner: kvm_start_guest -> kvm_no_guest, spin */
            t->hwthread_state = HW_HWTHREAD_IN_KVM;
            hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
            kvm__core_no_guest(s, (int)t->cpu);
        } else {
            hw_nap_enter(s->hw, t, HW_MODE_OFFLINE_NAP); /* the offline loop naps again */
        }
        return;
    }
    if (from_nap) {
        if (v->act == KVM_ACT_OUT && v->hwt == (int)t->cpu) {
            secondary_start(v, cause);
            return;
        }
        if (v->act == KVM_ACT_CEDED) {
            cede_wake(v, cause);
            return;
        }
        HV_DIE("cpu %u woke from nap with vcpu %u in activity %s", t->cpu, v->id, kvm_act_name(v->act));
    }
    if (v->act == KVM_ACT_GUEST && cause != HW_WAKE_DECREMENTER)
        kvm__intr_guest(v, cause);
    /* Otherwise the thread is in real mode with interrupts off: the
     * condition stays pending and is taken at the next checkpoint. */
}
