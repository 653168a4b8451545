/*
 * kvm/kvm_vcpu.c — a VCPU on its hardware thread: its activity and the
 * debugfs timing accumulators, its step events, running guest code and
 * going (back) into the guest, and its decrementer. See kvm.h.
 *
 * Mirrors: kvmhv_accumulate_time (book3s_hv_rmhandlers.S, EXIT_TIMING),
 * deliver_guest_interrupt / fast_guest_return (book3s_hv_rmhandlers.S),
 * kvmppc_decrementer_func (book3s_hv.c). Every loaded VCPU has at most one
 * pending step (v->ev); each step is a des event with at most one typed
 * operand, scheduled with kvm__vcpu_at by the file that owns it.
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "kvm/read_intr.h"
#include "kvm/vcore_sync.h"

static void st_compute_done(des_sim *sim, void *obj, uint64_t arg);

void kvm__vcpu_at(kvm_vcpu *v, des_time delay, des_fn step, uint64_t arg)
{
    kvm_sys *sy = kvm__sys(v);
    HV_CHECK(!des_pending(sy->sim, v->ev));
    v->ev = des_after(sy->sim, delay, step, v, arg);
}

/* ---- timing accumulators (kvmhv_accumulate_time) ---------------------- */

/* The kernel's accumulators switch where kvmhv_accumulate_time runs, which
 * is not where the thread starts or stops running guest code:
 * fast_guest_return calls it for `guest` before the register restores and
 * the hrfid (kvm_hrfid_tail before guest code runs), and the interrupt path
 * after the interrupt vector and kvmppc_interrupt_hv's register save
 * (kvm_intr_save after guest code stopped). Both stretches are inside the
 * real-mode costs around them (kvm_guest_enter, kvm_rm_hcall, kvm_rm_intr,
 * kvm_cede_wake, kvm_exit_commence), whose floors exceed them: the boundary
 * moves, no time is added. So a guest interval is never shorter than
 * kvm_hrfid_tail + kvm_intr_save: the hardware minimum for an interrupt
 * taken right after the hrfid, or an hcall issued at once. */
static void tm_switch(kvm_sys *s, kvm_vcpu *v, kvm_tm tm)
{
    des_time at = des_now(s->sim);
    if (tm == KVM_TM_GUEST)
        at -= kvm__cost(s, v->hwt, HW_COST_kvm_hrfid_tail);
    else if (v->tm_cur == KVM_TM_GUEST)
        at += kvm__cost(s, v->hwt, HW_COST_kvm_intr_save);
    if (v->tm_cur != KVM_TM_NONE) {
        if (at < v->tm_since)
            HV_DIE("vm %s vcpu %u: timing %s -> %s at %llu ns precedes the interval's start %llu ns",
                   v->vm->cfg.name, v->id, kvm_tm_name((int)v->tm_cur), kvm_tm_name((int)tm),
                   (unsigned long long)at, (unsigned long long)v->tm_since);
        des_time d = at - v->tm_since;
        kvm_timing *a = &v->tm[v->tm_cur];
        if (a->count == 0 || d < a->min)
            a->min = d;
        if (d > a->max)
            a->max = d;
        a->count++;
        a->total += d;
    }
    v->tm_cur = tm;
    v->tm_since = at;
}

static const kvm_tm act_tm[] = {
    [KVM_ACT_OUT] = KVM_TM_NONE,     [KVM_ACT_ENTRY] = KVM_TM_RM_ENTRY,
    [KVM_ACT_WAIT_IN] = KVM_TM_RM_ENTRY, [KVM_ACT_GUEST] = KVM_TM_GUEST,
    [KVM_ACT_RM] = KVM_TM_RM_INTR,   [KVM_ACT_CEDED] = KVM_TM_CEDE,
    [KVM_ACT_EXIT] = KVM_TM_RM_EXIT,
};

void kvm__vcpu_set_act(kvm_sys *s, kvm_vcpu *v, kvm_act a)
{
    /* ENTRY -> WAIT_IN stays in rm_entry: no new interval. */
    if (act_tm[a] != v->tm_cur || (a != KVM_ACT_WAIT_IN && a != v->act))
        tm_switch(s, v, act_tm[a]);
    v->act = a;
    if (v->hwt >= 0) {
        hw_thread *t = kvm__thr(s, v->hwt);
        hw_mode m = a == KVM_ACT_GUEST ? HW_MODE_GUEST : HW_MODE_KVM_RM;
        if (a != KVM_ACT_CEDED && a != KVM_ACT_OUT && t->mode != m)
            hw_set_mode(s->hw, t, m);
        kvm__trace(s, (uint32_t)v->hwt, KVM_TR_ACT, a, v->vm->index, v->id, 0);
    }
}

/* ---- guest execution --------------------------------------------------- */

void kvm__vcpu_pause(kvm_vcpu *v)
{
    kvm_sys *s = kvm__sys(v);
    if (v->in_compute && des_pending(s->sim, v->ev)) {
        v->act_left = des_event_time(s->sim, v->ev) - des_now(s->sim);
        des_cancel(s->sim, &v->ev);
    }
}

static void guest_continue(kvm_vcpu *v)
{
    if (v->in_compute && !v->compute_paused) {
        kvm__vcpu_at(v, v->act_left, st_compute_done, 0);
        return;
    }
    kvm_gact a = v->gops->next(v->gctx, v);
    if (a.kind == KVM_GACT_RESUME) {
        if (!v->in_compute)
            HV_DIE("vm %s vcpu %u: guest resumed with no paused compute", v->vm->cfg.name, v->id);
        v->compute_paused = false;
        kvm__vcpu_at(v, v->act_left, st_compute_done, 0);
    } else if (a.kind == KVM_GACT_COMPUTE) {
        if (v->in_compute)
            HV_DIE("vm %s vcpu %u: new compute while one is paused", v->vm->cfg.name, v->id);
        v->in_compute = true;
        v->act_left = a.ns;
        kvm__vcpu_at(v, a.ns, st_compute_done, 0);
    } else if (a.kind == KVM_GACT_MMIO) {
        if (v->in_compute)
            HV_DIE("vm %s vcpu %u: MMIO store while a compute is paused", v->vm->cfg.name, v->id);
        kvm__mmio_start(v, a.addr);
    } else {
        kvm__hcall_start(v, &a);
    }
}

des_time kvm_vcpu_take_paused(kvm_vcpu *v)
{
    if (!v->in_compute || !v->compute_paused)
        return 0;
    des_time left = v->act_left;
    v->in_compute = false;
    v->compute_paused = false;
    v->act_left = 0;
    return left;
}

static void st_compute_done(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    v->in_compute = false;
    v->act_left = 0;
    v->gops->compute_done(v->gctx, v);
    guest_continue(v);
}

/* deliver_guest_interrupt + fast_guest_return: the thread goes (back) into
 * the guest.
 *   after_intr: it just handled an interrupt (read_intr / doorbell): if
 *     another thread is exiting it joins the exit (mandatory), as the
 *     kernel's check of entry_exit_map >= 0x100 after read_intr does.
 *   otherwise (hcall return, cede re-entry, first entry): it returns to the
 *     guest; an exit under way reaches it as the exit IPI, taken right away
 *     if it is already pending, else when it arrives. An HDEC exit sends no
 *     IPI: the thread leaves at once. */
void kvm__vcpu_enter_guest(kvm_vcpu *v, bool after_intr)
{
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    hw_thread *t = kvm__thr(s, v->hwt);
    bool exiting = kvm_eem_exiting(vc->entry_exit_map);
    if (vc->hdec_pending && !exiting) {
        kvm__core_exit(v, KVM_EXIT_HDEC, KVM_TRAP_HV_DECREMENTER);
        return;
    }
    if (exiting && vc->first_exit == KVM_EXIT_HDEC) {
        kvm__core_exit(v, KVM_EXIT_PULLED, KVM_TRAP_HV_DECREMENTER); /* HDEC hits every thread */
        return;
    }
    if (exiting && after_intr) {
        kvm__core_exit(v, KVM_EXIT_PULLED, v->intr_trap); /* joining is mandatory */
        return;
    }
    v->ceded = false; /* fast_guest_return clears ceded */
    kvm__vcpu_set_act(s, v, KVM_ACT_GUEST);
    if (v->wake_t0) {
        des_hist_add(&v->wake_ns, des_now(s->sim) - v->wake_t0);
        v->wake_t0 = 0;
        s->wakeups_consumed++;
    }
    if (v->hcall_active && !v->hcall_needs_vm) {
        v->hcall_active = false;
        v->hcall_done_count++;
        v->gops->hcall_ret(v->gctx, v, v->hcall, v->hcall_rc, v->ret[0], v->ret[1]);
    }
    if (v->mmio_active && !v->mmio_needs_vm) {
        v->mmio_active = false;
        v->mmio_done_count++;
        v->gops->mmio_done(v->gctx, v, v->mmio_addr);
    }
    kvm_deliver d = kvm_deliver_guest_interrupt((v->pending & KVM_PEND_EXTERNAL) && !v->ext_injected,
                                                true, (v->pending & KVM_PEND_DEC) != 0);
    if (d.inject == KVM_INJECT_EXTERNAL) {
        v->ext_injected = true; /* injected; lowered when the guest accepts (H_XIRR) */
        v->compute_paused = v->in_compute;
        v->gops->interrupt(v->gctx, v, KVM_INJECT_EXTERNAL);
    } else if (d.inject == KVM_INJECT_DECREMENTER) {
        v->pending &= ~KVM_PEND_DEC;
        v->compute_paused = v->in_compute;
        v->gops->interrupt(v->gctx, v, KVM_INJECT_DECREMENTER);
    }
    hw_wake_reason pend = hw_thread_intr_pending(t);
    if (pend != HW_WAKE_NONE && pend != HW_WAKE_DECREMENTER) {
        kvm__intr_guest(v, pend); /* taken right after the hrfid */
        return;
    }
    guest_continue(v);
}

/* ---- the guest program and its decrementer ------------------------------ */

void kvm_vcpu_set_guest(kvm_vcpu *v, const kvm_guest_ops *ops, void *ctx)
{
    v->gops = ops;
    v->gctx = ctx;
}

static void dec_fire(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = kvm__sys(v);
    v->pending |= KVM_PEND_DEC;
    switch (v->act) {
    case KVM_ACT_CEDED:
        hw_raise_dec(s->hw, kvm__thr(s, v->hwt)); /* wakes it: reason decrementer */
        return;
    case KVM_ACT_GUEST:
        /* Delivered to the guest directly (no hypervisor involvement). */
        kvm__vcpu_pause(v);
        v->pending &= ~KVM_PEND_DEC;
        v->compute_paused = v->in_compute;
        v->gops->interrupt(v->gctx, v, KVM_INJECT_DECREMENTER);
        guest_continue(v);
        return;
    case KVM_ACT_OUT:
        /* kvmppc_decrementer_func: queue the DEC and kick the vcpu. */
        kvm__irq_kick(s, v, -1);
        return;
    default:
        return; /* delivered at the next entry */
    }
}

void kvm_vcpu_set_timer(kvm_vcpu *v, des_time when)
{
    kvm_sys *s = kvm__sys(v);
    des_cancel(s->sim, &v->dec_ev);
    if (when)
        v->dec_ev = des_at(s->sim, when < des_now(s->sim) ? des_now(s->sim) : when, dec_fire, v, 0);
}
