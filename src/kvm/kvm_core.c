/*
 * kvm/kvm_core.c — the real-mode side of KVM-HV on POWER8: hardware threads
 * entering, running and leaving the guest as a whole core. See kvm.h for the
 * model and docs/kvm.md for the mapping to book3s_hv_rmhandlers.S.
 *
 * Every loaded VCPU has at most one pending step event (v->ev); interrupts
 * reach threads through the hw sink (kvm__core_thread_intr). Real-mode code runs
 * with interrupts off: a condition raised meanwhile stays pending in hw and
 * is taken at the next return to the guest or nap (checkpoints).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "kvm/read_intr.h"
#include "kvm/vcore_sync.h"

#include <string.h>

/* Why read_intr runs: what to do with its result. */
enum ri_purpose { RI_START, RI_GUEST, RI_CEDE };

/* The steps of a thread (VCPU v): des events on v, at most one pending
 * (v->ev); arg, where a step takes one, is that step's typed operand. */
static void st_primary_enter(des_sim *sim, void *obj, uint64_t arg);
static void st_primary_switched(des_sim *sim, void *obj, uint64_t arg);
static void st_guest_loaded(des_sim *sim, void *obj, uint64_t arg);
static void st_compute_done(des_sim *sim, void *obj, uint64_t arg);
static void st_hcall_dispatch(des_sim *sim, void *obj, uint64_t arg);
static void st_hcall_return(des_sim *sim, void *obj, uint64_t arg);
static void st_intr_return(des_sim *sim, void *obj, uint64_t arg);
static void st_ri_xirr(des_sim *sim, void *obj, uint64_t why);
static void st_ri_recheck(des_sim *sim, void *obj, uint64_t why);
static void st_ri_host(des_sim *sim, void *obj, uint64_t why);
static void st_doorbell_cleared(des_sim *sim, void *obj, uint64_t why);
static void st_cede_nap(des_sim *sim, void *obj, uint64_t arg);
static void st_cede_resume(des_sim *sim, void *obj, uint64_t arg);
static void st_cede_to_host(des_sim *sim, void *obj, uint64_t arg);
static void st_exit_saved(des_sim *sim, void *obj, uint64_t arg);
static void st_switched_back(des_sim *sim, void *obj, uint64_t arg);
static void enter_guest_x(kvm_vcpu *v, bool after_intr);
static inline void enter_guest(kvm_vcpu *v) { enter_guest_x(v, false); }
static void thread_exit(kvm_vcpu *v, kvm_exit_cause cause);
static void guest_interrupt(kvm_vcpu *v, hw_wake_reason cause);

static inline kvm_sys *sys_of(kvm_vcpu *v) { return v->vm->sys; }

/* Schedule v's next step after delay. */
static void at(kvm_vcpu *v, des_time delay, des_fn step, uint64_t arg)
{
    kvm_sys *sy = sys_of(v);
    HV_CHECK(!des_pending(sy->sim, v->ev));
    v->ev = des_after(sy->sim, delay, step, v, arg);
}

/* An IPI a real-mode loop sends after the work that precedes it in the loop
 * (kvmppc_start_thread, kvmhv_commence_exit): sent at now + delay. */
static void ipi_later(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    kvm_sys *s = obj;
    hw_ipi_thread(s->hw, (int)(arg >> 32), (int)(arg & 0xffffffffu));
}

static void send_ipi_at(kvm_sys *s, des_time delay, int from, int to)
{
    if (delay == 0) {
        hw_ipi_thread(s->hw, from, to);
        return;
    }
    des_after(s->sim, delay, ipi_later, s, ((uint64_t)(uint32_t)from << 32) | (uint32_t)to);
}

/* ---- timing accumulators (kvmhv_accumulate_time) ---------------------- */

static void tm_switch(kvm_sys *s, kvm_vcpu *v, kvm_tm tm)
{
    des_time now = des_now(s->sim);
    if (v->tm_cur != KVM_TM_NONE) {
        des_time d = now - v->tm_since;
        kvm_timing *a = &v->tm[v->tm_cur];
        if (a->count == 0 || d < a->min)
            a->min = d;
        if (d > a->max)
            a->max = d;
        a->count++;
        a->total += d;
    }
    v->tm_cur = tm;
    v->tm_since = now;
}

static const kvm_tm act_tm[] = {
    [KVM_ACT_OUT] = KVM_TM_NONE,     [KVM_ACT_ENTRY] = KVM_TM_RM_ENTRY,
    [KVM_ACT_WAIT_IN] = KVM_TM_RM_ENTRY, [KVM_ACT_GUEST] = KVM_TM_GUEST,
    [KVM_ACT_RM] = KVM_TM_RM_INTR,   [KVM_ACT_CEDED] = KVM_TM_CEDE,
    [KVM_ACT_EXIT] = KVM_TM_RM_EXIT,
};

static void set_act(kvm_sys *s, kvm_vcpu *v, kvm_act a)
{
    /* ENTRY -> WAIT_IN stays in rm_entry: no new interval. */
    if (act_tm[a] != v->tm_cur || (a != KVM_ACT_WAIT_IN && a != v->act))
        tm_switch(s, v, act_tm[a]);
    v->act = a;
    if (v->thread_cpu >= 0) {
        hw_thread *t = kvm__thr(s, v->thread_cpu);
        hw_mode m = a == KVM_ACT_GUEST ? HW_MODE_GUEST : HW_MODE_KVM_RM;
        if (a != KVM_ACT_CEDED && a != KVM_ACT_OUT && t->mode != m)
            hw_set_mode(s->hw, t, m);
        kvm__trace(s, (uint32_t)v->thread_cpu, KVM_TR_ACT, a, v->vm->index, v->id, 0);
    }
}

/* ---- guest execution --------------------------------------------------- */

static void pause_guest(kvm_vcpu *v)
{
    kvm_sys *s = sys_of(v);
    if (v->in_compute && des_pending(s->sim, v->ev)) {
        v->act_left = des_event_time(s->sim, v->ev) - des_now(s->sim);
        des_cancel(s->sim, &v->ev);
    }
}

static void hcall_start(kvm_vcpu *v, const kvm_gact *a);

static void guest_continue(kvm_vcpu *v)
{
    if (v->in_compute && !v->compute_paused) {
        at(v, v->act_left, st_compute_done, 0);
        return;
    }
    kvm_gact a = v->gops->next(v->gctx, v);
    if (a.kind == KVM_GACT_RESUME) {
        if (!v->in_compute)
            HV_DIE("vm %s vcpu %u: guest resumed with no paused compute", v->vm->cfg.name, v->id);
        v->compute_paused = false;
        at(v, v->act_left, st_compute_done, 0);
    } else if (a.kind == KVM_GACT_COMPUTE) {
        if (v->in_compute)
            HV_DIE("vm %s vcpu %u: new compute while one is paused", v->vm->cfg.name, v->id);
        v->in_compute = true;
        v->act_left = a.ns;
        at(v, a.ns, st_compute_done, 0);
    } else {
        hcall_start(v, &a);
    }
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
static void enter_guest_x(kvm_vcpu *v, bool after_intr)
{
    kvm_sys *s = sys_of(v);
    kvm_vcore *vc = v->vc;
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    bool exiting = kvm_eem_exiting(vc->entry_exit_map);
    if (vc->hdec_pending && !exiting) {
        thread_exit(v, KVM_EXIT_HDEC);
        return;
    }
    if (exiting && (after_intr || vc->first_exit == KVM_EXIT_HDEC)) {
        thread_exit(v, KVM_EXIT_PULLED);
        return;
    }
    bool first_entry = v->act != KVM_ACT_RM;
    v->ceded = false; /* fast_guest_return clears ceded */
    set_act(s, v, KVM_ACT_GUEST);
    if (first_entry)
        kvm__trace(s, (uint32_t)v->thread_cpu, KVM_TR_GUEST_ENTER, v->vm->index, v->id, v->pending,
                  0);
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
        guest_interrupt(v, pend); /* taken right after the hrfid */
        return;
    }
    guest_continue(v);
}

/* ---- hypercalls -------------------------------------------------------- */

static void hcall_start(kvm_vcpu *v, const kvm_gact *a)
{
    kvm_sys *s = sys_of(v);
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
    set_act(s, v, KVM_ACT_RM);
    at(v, kvm__cost(s, v->thread_cpu, HW_COST_kvm_rm_hcall), st_hcall_dispatch, 0);
}

static void rm_return(kvm_vcpu *v, long rc, des_time cost)
{
    v->hcall_rc = rc;
    v->st.hcalls_rm++;
    at(v, cost, st_hcall_return, 0);
}

static void rm_cede(kvm_vcpu *v)
{
    /* kvmppc_h_cede (book3s_hv_rmhandlers.S). */
    kvm_sys *s = sys_of(v);
    kvm_vcore *vc = v->vc;
    v->st.cede++;
    v->ceded = true;
    if (v->prodded || v->pending) {
        /* Already prodded (or something pending): cancel the cede. */
        v->prodded = false;
        v->ceded = false;
        rm_return(v, XICS_H_SUCCESS, 0);
        return;
    }
    if (kvm_cede_all_napping(vc->napping_threads, vc->entry_exit_map, v->ptid)) {
        /* kvm_cede_exit: the host handles the cede (vcore may block). */
        v->hcall_needs_vm = true;
        thread_exit(v, KVM_EXIT_CEDE);
        return;
    }
    vc->napping_threads |= (uint8_t)(1u << v->ptid);
    at(v, kvm__cost(s, v->thread_cpu, HW_COST_kvm_cede_nap), st_cede_nap, 0);
}

static void hcall_dispatch(kvm_vcpu *v)
{
    kvm_sys *s = sys_of(v);
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
            thread_exit(v, KVM_EXIT_HCALL_TOO_HARD);
            return;
        }
        rm_return(v, rc, cost);
        return;
    }
    switch (h) {
    case KVM_H_CEDE:
        rm_cede(v);
        return;
    case KVM_H_NULL:
        rm_return(v, XICS_H_SUCCESS, 0);
        return;
    case KVM_H_ENTER: /* kvmppc_rm_h_enter & co: an HPT update in real mode */
        rm_return(v, XICS_H_SUCCESS, kvm__cost(s, v->thread_cpu, HW_COST_kvm_rm_hpte));
        return;
    default: /* H_PROD, H_CONFER and the rest: virtual mode only */
        v->hcall_needs_vm = true;
        thread_exit(v, KVM_EXIT_HCALL_VIRT);
        return;
    }
}

/* ---- interrupts: kvmppc_read_intr and doorbells ------------------------ */

static void ri_finish(kvm_vcpu *v, enum ri_purpose why, kvm_ri_result r, bool device);

static void ri_begin(kvm_vcpu *v, enum ri_purpose why, des_time before)
{
    kvm_sys *s = sys_of(v);
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    kvm_ri_step st = kvm_ri_check_host_ipi(t->host_ipi);
    if (st.done) {
        /* Leave the ICP to Linux. Finish after the handling cost. */
        at(v, before, st_ri_host, why);
        return;
    }
    at(v, before + kvm__cost(s, v->thread_cpu, HW_COST_rm_mmio_load), st_ri_xirr, why);
}

static void ri_xirr(kvm_vcpu *v, enum ri_purpose why)
{
    kvm_sys *s = sys_of(v);
    hw_thread *t = kvm__thr(s, v->thread_cpu);
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
    at(v, 2 * kvm__cost(s, v->thread_cpu, HW_COST_rm_mmio_store), st_ri_recheck, why);
}

static void ri_recheck(kvm_vcpu *v, enum ri_purpose why)
{
    kvm_sys *s = sys_of(v);
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    kvm_ri_step st = kvm_ri_recheck(t->host_ipi);
    if (st.actions & KVM_RI_ACT_REARM_MFRR) {
        /* We raced with the host: resend that IPI. */
        hw_icp_write_mfrr(s->hw, t, HW_IPI_PRIORITY);
        at(v, kvm__cost(s, v->thread_cpu, HW_COST_rm_mmio_store), st_ri_host, why);
        return;
    }
    if (st.actions & KVM_RI_ACT_CLEAR_SAVED)
        t->saved_xirr = 0;
    ri_finish(v, why, st.result, false);
}

static void cede_end(kvm_vcpu *v, bool to_host, kvm_exit_cause cause);
static void secondary_enter(kvm_vcpu *v);
static void primary_check_arrivals(kvm_vcore *vc);

static void ri_finish(kvm_vcpu *v, enum ri_purpose why, kvm_ri_result r, bool device)
{
    kvm_sys *s = sys_of(v);
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    kvm_exit_cause cause = t->host_ipi || !device ? KVM_EXIT_HOST_IPI : KVM_EXIT_EXT_DEVICE;
    switch (why) {
    case RI_START:
        secondary_enter(v);
        return;
    case RI_CEDE:
        cede_end(v, r == KVM_RI_HOST, cause);
        return;
    case RI_GUEST:
        if (r == KVM_RI_HOST) {
            thread_exit(v, cause);
            return;
        }
        at(v, 0, st_intr_return, 0); /* resume after an interrupt (joins an exit under way) */
        return;
    }
}

/* An interrupt condition on a thread running guest code. */
static void flow_in(kvm_sys *s, kvm_vcpu *v)
{
    if (v->flow_id) {
        kvm__trace(s, (uint32_t)v->thread_cpu, KVM_TR_IPI_IN, v->flow_id, 0, 1, 0);
        v->flow_id = 0;
    }
}

static void guest_interrupt(kvm_vcpu *v, hw_wake_reason cause)
{
    kvm_sys *s = sys_of(v);
    flow_in(s, v);
    pause_guest(v);
    set_act(s, v, KVM_ACT_RM);
    des_time c = kvm__cost(s, v->thread_cpu, HW_COST_kvm_rm_intr);
    if (cause == HW_WAKE_HV_DOORBELL) {
        hw_thread *t = kvm__thr(s, v->thread_cpu);
        if (t->host_ipi) {
            /* H_DOORBELL with host_ipi set: a host IPI; Linux takes the
             * doorbell after the exit. */
            at(v, c, st_ri_host, RI_GUEST);
            return;
        }
        hw_doorbell_clear(t);
        at(v, c + kvm__cost(s, v->thread_cpu, HW_COST_msgsnd), st_doorbell_cleared, RI_GUEST);
        return;
    }
    HV_CHECK_I64(cause, ==, HW_WAKE_EXTERNAL);
    ri_begin(v, RI_GUEST, c);
}

/* ---- H_CEDE nap and wake ------------------------------------------------ */

static void cede_wake(kvm_vcpu *v, hw_wake_reason cause)
{
    kvm_sys *s = sys_of(v);
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    flow_in(s, v);
    t->napping = HW_NAPPING_NONE;
    set_act(s, v, KVM_ACT_RM); /* wake handling counts as rm_intr */
    des_time c = kvm__cost(s, v->thread_cpu, HW_COST_kvm_cede_wake);
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
        at(v, c, st_cede_resume, 0);
        return;
    case KVM_WAKE_ACT_HOST:
        at(v, c, st_cede_to_host, 0);
        return;
    }
}

/* kvm_end_cede: leave the napping set; exit if the wake needs the host or
 * another thread is exiting, else resume after the H_CEDE. */
static void cede_end(kvm_vcpu *v, bool to_host, kvm_exit_cause cause)
{
    kvm_vcore *vc = v->vc;
    vc->napping_threads &= (uint8_t)~(1u << v->ptid);
    if (to_host) {
        thread_exit(v, cause);
        return;
    }
    if (!v->hcall_active || v->hcall != KVM_H_CEDE)
        HV_DIE("vcpu %u woke from cede without an H_CEDE in flight", v->id);
    v->hcall_rc = XICS_H_SUCCESS;
    v->st.hcalls_rm++;
    enter_guest_x(v, true); /* kvmppc_cede_reentry; joins an exit under way */
}

/* ---- whole-core exit ---------------------------------------------------- */

static void vcore_maybe_done(kvm_vcore *vc);

static void thread_exit(kvm_vcpu *v, kvm_exit_cause cause)
{
    kvm_sys *s = sys_of(v);
    kvm_vcore *vc = v->vc;
    if (v->act == KVM_ACT_GUEST)
        pause_guest(v);
    des_cancel(s->sim, &v->ev);
    set_act(s, v, KVM_ACT_EXIT);
    v->exit_cause = cause;
    kvm_eem_result r = kvm_eem_exit(vc->entry_exit_map, v->ptid);
    vc->entry_exit_map = r.map;
    des_time cost = kvm__cost(s, v->thread_cpu, HW_COST_kvm_guest_save);
    if (r.ok) {
        /* kvmhv_commence_exit: the first exiter pulls the others out. */
        vc->first_exit = cause;
        vc->exits_by_cause[cause]++;
        s->exits_by_cause[cause]++;
        if (cause != KVM_EXIT_HDEC) {
            uint32_t in = kvm_eem_still_in(vc->entry_exit_map);
            for (unsigned q = 0; q < 8; q++) {
                if (!(in & (1u << q)))
                    continue;
                cost += kvm__cost(s, v->thread_cpu,
                                 s->hw->cfg.msgsnd ? HW_COST_msgsnd : HW_COST_rm_mmio_store);
                send_ipi_at(s, cost, v->thread_cpu, vc->pcpu + (int)q);
            }
        }
    }
    uint32_t trap = cause == KVM_EXIT_HDEC                                     ? KVM_TRAP_HV_DECREMENTER
                    : cause == KVM_EXIT_HCALL_TOO_HARD || cause == KVM_EXIT_HCALL_VIRT ||
                              cause == KVM_EXIT_CEDE
                        ? KVM_TRAP_SYSCALL
                        : KVM_TRAP_EXTERNAL;
    kvm__trace(s, (uint32_t)v->thread_cpu, KVM_TR_GUEST_EXIT, v->vm->index, v->id, trap, v->ceded);
    at(v, cost, st_exit_saved, 0);
}

static void secondary_out(kvm_vcpu *v)
{
    /* Clear kvm_vcpu, lwsync, clear kvm_vcore, nap (kvm_no_guest). */
    kvm_sys *s = sys_of(v);
    kvm_vcore *vc = v->vc;
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    t->kvm_vcpu = NULL;
    t->kvm_vcore = NULL;
    t->hwthread_req = 0;
    t->napping = HW_NAPPING_NONE;
    set_act(s, v, KVM_ACT_OUT);
    v->thread_cpu = -1;
    vc->threads_out &= ~(1u << v->ptid);
    hw_nap_enter(s->hw, t, HW_MODE_OFFLINE_NAP);
}

/* The primary may switch back once every entered thread saved its state. */
static void primary_try_switch(kvm_vcore *vc)
{
    kvm_vcpu *p = vc->vcpus[0];
    uint32_t entered = kvm_eem_entered(vc->entry_exit_map);
    if (vc->exit_switching || p->act != KVM_ACT_EXIT || des_pending(vc->vm->sys->sim, p->ev))
        return;
    if (!kvm_eem_all_out(vc->entry_exit_map) || (vc->saved_mask & entered) != entered)
        return;
    vc->exit_switching = true;
    at(p, kvm__cost(vc->vm->sys, p->thread_cpu, HW_COST_kvm_exit_switch_back), st_switched_back, 0);
}

static void vcore_maybe_done(kvm_vcore *vc)
{
    if (vc->in_guest || vc->exit_switching || vc->threads_out != 0 || vc->state != KVM_VCORE_RUNNING)
        return;
    vc->state = KVM_VCORE_EXITING;
    kvm__runner_core_exited(vc);
}

/* ---- entry --------------------------------------------------------------- */

void kvm__core_start(kvm_vcore *vc, int pcpu, des_time delay)
{
    kvm_sys *s = vc->vm->sys;
    HV_CHECK(hw_cpu_thread_in_core(s->hw, pcpu) == 0);
    vc->pcpu = pcpu;
    vc->entry_exit_map = 0;
    vc->napping_threads = 0;
    vc->in_guest = false;
    vc->exit_switching = false;
    vc->saved_mask = 0;
    vc->hdec_pending = false;
    vc->threads_out = 0;
    vc->threads_started = 0;
    vc->primary_waiting = false;
    vc->state = KVM_VCORE_RUNNING;
    vc->entries++;
    kvm__m1_set_host_core(s, pcpu, 0); /* kvmppc_clear_host_core: in_host = 0 */
    des_time d = delay;
    for (unsigned p = 0; p < 8; p++) {
        kvm_vcpu *v = vc->vcpus[p];
        if (!v || (v->away && p != 0))
            continue; /* not in the runnable set (in userspace) */
        int cpu = pcpu + (int)p;
        hw_thread *t = kvm__thr(s, cpu);
        v->thread_cpu = cpu;
        v->cpu = pcpu;
        vc->threads_out |= 1u << p;
        vc->threads_started |= 1u << p;
        t->kvm_vcpu = v; /* then smp_wmb, then kvm_vcore */
        t->kvm_vcore = vc;
        t->ptid = (uint8_t)p;
        if (p == 0)
            continue;
        t->hwthread_req = 1;
        d += kvm__cost(s, pcpu, HW_COST_kvm_start_thread);
        /* kvmppc_ipi_thread from the runner's thread 0: same core. */
        d += kvm__cost(s, pcpu, s->hw->cfg.msgsnd ? HW_COST_msgsnd : HW_COST_rm_mmio_store);
        send_ipi_at(s, d, pcpu, cpu);
    }
    kvm__trace(s, (uint32_t)pcpu, KVM_TR_RUN_CORE, vc->vm->index, vc->vcpus[0]->id, vc->n_vcpus, 0);
    at(vc->vcpus[0], d, st_primary_enter, 0);
}

void kvm__core_late_join(kvm_vcore *vc, kvm_vcpu *v, int from_cpu)
{
    kvm_sys *s = vc->vm->sys;
    HV_CHECK(v->ptid != 0 && v->thread_cpu < 0 && vc->pcpu >= 0);
    int cpu = vc->pcpu + (int)v->ptid;
    hw_thread *t = kvm__thr(s, cpu);
    v->thread_cpu = cpu;
    v->cpu = vc->pcpu;
    vc->threads_out |= 1u << v->ptid; /* the exit waits for it (wait_for_nap) */
    t->kvm_vcpu = v;
    t->kvm_vcore = vc;
    t->ptid = (uint8_t)v->ptid;
    t->hwthread_req = 1;
    vc->late_joins++;
    /* kvmppc_ipi_thread from the joiner's CPU: another core, so an MFRR write */
    if (from_cpu >= 0)
        hw_ipi_thread(s->hw, from_cpu, cpu);
    else
        hw_send_xics_ipi(s->hw, -1, cpu, HW_IPI_PRIORITY);
}

/* The primary switches the partition once every started secondary has
 * arrived in kvmppc_hv_entry (its entry bit is set): it waits for the slowest
 * thread, so that no thread of the core is outside KVM when the LPID
 * changes. A modelling choice (docs/kvm.md): it is what makes a faster
 * thread wakeup (msgsnd) visible in rm_entry. */
static void primary_check_arrivals(kvm_vcore *vc)
{
    kvm_vcpu *p = vc->vcpus[0];
    if (!vc->primary_waiting || des_pending(vc->vm->sys->sim, p->ev))
        return;
    uint32_t want = vc->threads_started;
    if ((kvm_eem_entered(vc->entry_exit_map) & want) != want)
        return;
    vc->primary_waiting = false;
    at(p, kvm__cost(vc->vm->sys, p->thread_cpu, HW_COST_kvm_partition_switch), st_primary_switched, 0);
}

/* A secondary woke with its vcpu set (kvm_start_guest): clear the IPI that
 * woke it, then kvmppc_hv_entry. */
static void secondary_start(kvm_vcpu *v, hw_wake_reason cause)
{
    kvm_sys *s = sys_of(v);
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    /* kvm_start_guest: out of nap; the vcpu is not timed until
     * kvmppc_hv_entry (it loads its vcpu pointer after clearing the IPI). */
    hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
    if (cause == HW_WAKE_HV_DOORBELL) {
        hw_doorbell_clear(t);
        at(v, kvm__cost(s, v->thread_cpu, HW_COST_msgsnd), st_doorbell_cleared, RI_START);
        return;
    }
    if (cause == HW_WAKE_EXTERNAL) {
        ri_begin(v, RI_START, 0);
        return;
    }
    secondary_enter(v);
}

static void secondary_enter(kvm_vcpu *v)
{
    kvm_sys *s = sys_of(v);
    kvm_vcore *vc = v->vc;
    kvm_eem_result r = kvm_eem_enter(vc->entry_exit_map, v->ptid);
    if (!r.ok) {
        /* secondary_too_late: back to nap; the vcpu did not run this round. */
        vc->too_late++;
        vc->saved_mask |= 1u << v->ptid;
        secondary_out(v);
        primary_try_switch(vc);
        vcore_maybe_done(vc);
        return;
    }
    vc->entry_exit_map = r.map;
    set_act(s, v, KVM_ACT_ENTRY); /* kvmppc_hv_entry: rm_entry starts */
    if (!vc->in_guest) {
        set_act(s, v, KVM_ACT_WAIT_IN);
        primary_check_arrivals(vc);
        return;
    }
    at(v, kvm__cost(s, v->thread_cpu, HW_COST_kvm_guest_load), st_guest_loaded, 0);
}

/* ---- the steps ------------------------------------------------------------ */

static void st_primary_enter(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_vcore *vc = v->vc;
    set_act(sys_of(v), v, KVM_ACT_ENTRY);
    kvm_eem_result r = kvm_eem_enter(vc->entry_exit_map, 0);
    HV_CHECK(r.ok);
    vc->entry_exit_map = r.map;
    vc->primary_waiting = true;
    primary_check_arrivals(vc);
}

static void st_primary_switched(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = sys_of(v);
    kvm_vcore *vc = v->vc;
    vc->in_guest = true; /* signal secondaries to continue */
    for (unsigned p = 1; p < 8; p++) {
        kvm_vcpu *w = vc->vcpus[p];
        if (w && w->act == KVM_ACT_WAIT_IN)
            at(w, kvm__cost(s, w->thread_cpu, HW_COST_kvm_guest_load), st_guest_loaded, 0);
    }
    at(v, kvm__cost(s, v->thread_cpu, HW_COST_kvm_guest_load), st_guest_loaded, 0);
}

static void st_guest_loaded(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    enter_guest(obj);
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
    enter_guest_x(obj, false);
}

/* An interrupt handled in real mode: back to the guest, or join an exit. */
static void st_intr_return(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    enter_guest_x(obj, true);
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

static void st_doorbell_cleared(des_sim *sim, void *obj, uint64_t why)
{
    (void)sim;
    if ((enum ri_purpose)why == RI_START)
        secondary_enter(obj);
    else
        enter_guest_x(obj, true); /* a guest poke; joins an exit under way */
}

static void st_cede_nap(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = sys_of(v);
    kvm_vcore *vc = v->vc;
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    if (kvm_eem_exiting(vc->entry_exit_map) || v->pending || v->prodded) {
        /* Something arrived while saving state: do not nap. */
        vc->napping_threads &= (uint8_t)~(1u << v->ptid);
        v->prodded = false;
        v->hcall_rc = XICS_H_SUCCESS;
        v->st.hcalls_rm++;
        enter_guest(v);
        return;
    }
    set_act(s, v, KVM_ACT_CEDED);
    t->napping = HW_NAPPING_CEDE;
    hw_nap_enter(s->hw, t, HW_MODE_GUEST_NAP);
}

/* kvm_end_cede done, nothing for the host: resume after the H_CEDE. */
static void st_cede_resume(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    cede_end(obj, false, KVM_EXIT_PULLED);
}

/* kvm_end_cede done, the wake needs the host (a host IPI). */
static void st_cede_to_host(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    cede_end(obj, true, KVM_EXIT_HOST_IPI);
}

static void st_exit_saved(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_vcore *vc = v->vc;
    vc->saved_mask |= 1u << v->ptid;
    if (v->ptid != 0) {
        /* Secondaries wait for the primary to switch back, then nap. */
        if (!vc->in_guest && !vc->exit_switching) {
            secondary_out(v);
            vcore_maybe_done(vc);
        }
    }
    primary_try_switch(vc);
}

static void st_switched_back(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = sys_of(v);
    kvm_vcore *vc = v->vc;
    vc->in_guest = false;
    vc->exit_switching = false;
    for (unsigned p = 1; p < 8; p++) {
        kvm_vcpu *w = vc->vcpus[p];
        if (w && w->act == KVM_ACT_EXIT && !des_pending(s->sim, w->ev))
            secondary_out(w);
    }
    /* The primary is back in the host partition (virtual mode next). */
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    t->kvm_vcpu = NULL;
    t->kvm_vcore = NULL;
    set_act(s, v, KVM_ACT_OUT);
    v->thread_cpu = -1; /* reset on guest exit, as the assembly path does */
    vc->threads_out &= ~1u;
    vcore_maybe_done(vc);
}

/* ---- the hw sink --------------------------------------------------------- */

/* Clear whatever woke an idle thread (a stray or late IPI) and nap again. */
static void idle_stray(kvm_sys *s, hw_thread *t)
{
    hw_doorbell_clear(t);
    hw_dec_clear(t);
    if (hw_icp_presented(t)) {
        uint32_t xirr = hw_icp_accept(t);
        hw_icp_write_mfrr(s->hw, t, HW_PRI_LOWEST);
        hw_icp_eoi(s->hw, t, xirr);
    }
    hw_nap_enter(s->hw, t, HW_MODE_OFFLINE_NAP);
}

void kvm__core_thread_intr(void *ctx, hw_thread *t, hw_wake_reason cause, bool from_nap)
{
    kvm_sys *s = ctx;
    kvm_vcpu *v = t->kvm_vcpu;
    if (!v) {
        if (from_nap)
            idle_stray(s, t);
        return; /* an idle thread that is not napping keeps the condition */
    }
    if (from_nap) {
        if (v->act == KVM_ACT_OUT && v->thread_cpu == (int)t->cpu) {
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
        guest_interrupt(v, cause);
    /* Otherwise the thread is in real mode with interrupts off: the
     * condition stays pending and is taken at the next checkpoint. */
}

/* ---- HDEC and guest timers ---------------------------------------------- */

void kvm__core_hdec(kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    s->hdec_exits++;
    bool taken = false;
    for (unsigned p = 0; p < 8; p++) {
        kvm_vcpu *v = vc->vcpus[p];
        if (!v || v->thread_cpu < 0)
            continue;
        hw_thread *t = kvm__thr(s, v->thread_cpu);
        if (v->act == KVM_ACT_GUEST) {
            thread_exit(v, KVM_EXIT_HDEC);
            taken = true;
        } else if (v->act == KVM_ACT_CEDED && !des_pending(s->sim, t->wake_ev)) {
            vc->napping_threads &= (uint8_t)~(1u << v->ptid);
            t->napping = HW_NAPPING_NONE;
            hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
            thread_exit(v, KVM_EXIT_HDEC);
            taken = true;
        }
        /* Threads in real mode see the exit at their next checkpoint. */
    }
    if (!taken && !kvm_eem_exiting(vc->entry_exit_map))
        vc->hdec_pending = true; /* the next thread entering the guest exits */
}

static void dec_fire(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = sys_of(v);
    v->pending |= KVM_PEND_DEC;
    switch (v->act) {
    case KVM_ACT_CEDED:
        hw_raise_dec(s->hw, kvm__thr(s, v->thread_cpu)); /* wakes it: reason decrementer */
        return;
    case KVM_ACT_GUEST:
        /* Delivered to the guest directly (no hypervisor involvement). */
        pause_guest(v);
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
    kvm_sys *s = sys_of(v);
    des_cancel(s->sim, &v->dec_ev);
    if (when)
        v->dec_ev = des_at(s->sim, when < des_now(s->sim) ? des_now(s->sim) : when, dec_fire, v, 0);
}
