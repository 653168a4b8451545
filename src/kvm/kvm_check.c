/*
 * kvm/kvm_check.c — the kvm room's invariants (kvm_check, after every event
 * with checks on) and its end-of-run conservation check. See kvm.h
 * ("Invariants") and docs/kvm.md.
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "kvm/vcore_sync.h"

#include <stdio.h>

/* ---- checks --------------------------------------------------------------- */

#define FAIL(...)                                                            \
    do {                                                                     \
        snprintf(s->check_msg, sizeof s->check_msg, __VA_ARGS__);            \
        return s->check_msg;                                                 \
    } while (0)

/* M1's per-core records: I-reservation-exclusive, I-reservation-released
 * (each reservation released exactly once, within kvm.lost_wakeup_ns unless
 * race R5 swallowed its IPI; none left on a CPU that went offline), I-no-UAF
 * (no pending RM_HOST_ACTION holds a freed VCPU). */
static const char *check_rm_cores(kvm_sys *s)
{
    if (s->rm_core)
        for (uint32_t c = 0; c < s->hw->ncores; c++) {
            const kvm_rm_core *r = &s->rm_core[c];
            uint64_t outstanding = kvm_hc_action(r->rm_state) != 0;
            if (r->rm_data && !outstanding)
                FAIL("core %u: rm_data set with rm_action 0 (I-reservation-exclusive)", c);
            if (r->n_reserved != r->n_released + outstanding)
                FAIL("core %u: %llu reservations, %llu released, %llu outstanding (I-reservation-released: "
                     "each is released exactly once)",
                     c, (unsigned long long)r->n_reserved, (unsigned long long)r->n_released,
                     (unsigned long long)outstanding);
            if (r->rm_data && r->rm_data->vm->life == KVM_VM_FREED)
                FAIL("core %u: a pending RM_HOST_ACTION holds vcpu %u of vm %s, freed at %llu ns "
                     "(I-no-UAF: kick_all_cpus_sync must drain it before the VCPUs are freed)",
                     c, r->rm_data->id, r->rm_data->vm->cfg.name,
                     (unsigned long long)r->rm_data->vm->freed_at);
            /* F.1.8's bound; a redirect swallowed by race R5 (4.6) waits
             * for its CPU's next host IPI, however long that takes */
            if (outstanding && !r->r5 && des_now(s->sim) - r->sent_at > s->cfg.lost_wakeup_ns)
                FAIL("core %u: reserved for %llu ns (kvm.lost_wakeup_ns %llu) and its IPI not taken as a "
                     "guest IPI (I-reservation-released)",
                     c, (unsigned long long)(des_now(s->sim) - r->sent_at),
                     (unsigned long long)s->cfg.lost_wakeup_ns);
            int cpu = hw_core_first_cpu(s->hw, (int)c);
            if (outstanding && !host_cpu_online(s->host, cpu))
                FAIL("core %u: reserved (rm_data vcpu %d) while its CPU %d is offline: its pending "
                     "RM_HOST_ACTION was dropped as the CPU died (I-reservation-released, race R6)",
                     c, r->rm_data ? (int)r->rm_data->id : -1, cpu);
        }
    return NULL;
}

const char *kvm_check(kvm_sys *s)
{
    for (uint32_t i = 0; i < s->n_vms; i++) {
        const kvm_vm *vm = s->vms[i];
        if (vm->life == KVM_VM_FREED) {
            /* I-no-UAF: nothing runs, waits or is timed on a freed VCPU */
            for (uint32_t k = 0; k < vm->n_vcpus; k++) {
                const kvm_vcpu *v = &vm->vcpus[k];
                if (v->hwt >= 0 || des_pending(s->sim, v->ev) || des_pending(s->sim, v->dec_ev))
                    FAIL("vm %s vcpu %u used after it was freed at %llu ns (on cpu %d, step pending %d, "
                         "timer pending %d; I-no-UAF)",
                         vm->cfg.name, v->id, (unsigned long long)vm->freed_at, v->hwt,
                         des_pending(s->sim, v->ev), des_pending(s->sim, v->dec_ev));
            }
            continue;
        }
        const char *xm = xics_check(vm->xics);
        if (xm)
            FAIL("vm %s: xics: %s", vm->cfg.name, xm);
        for (uint32_t c = 0; c < vm->n_vcores; c++) {
            const kvm_vcore *vc = &vm->vcores[c];
            char em[96];
            if (kvm_eem_check(vc->entry_exit_map, em, sizeof em))
                FAIL("vm %s vcore %u: %s", vm->cfg.name, c, em);
            bool woken = false;
            for (unsigned p = 0; p < 8; p++) {
                const kvm_vcpu *v = vc->vcpus[p];
                if (!v)
                    continue;
                if (v->pending || v->prodded || !v->ceded)
                    woken = true;
                /* I-entry-exit-sync: nobody runs guest code after its exit bit. */
                if (v->act == KVM_ACT_GUEST &&
                    (kvm_eem_exited(vc->entry_exit_map) & (1u << v->ptid)))
                    FAIL("vm %s vcpu %u in the guest after its exit bit", vm->cfg.name, v->id);
                /* I-one-completion */
                if (v->hcalls_issued != v->hcall_done_count + (v->hcall_active ? 1u : 0u))
                    FAIL("vm %s vcpu %u: %llu hcalls issued but %llu completed (+%d in flight)",
                         vm->cfg.name, v->id, (unsigned long long)v->hcalls_issued,
                         (unsigned long long)v->hcall_done_count, v->hcall_active);
                if (v->mmio_issued != v->mmio_done_count + (v->mmio_active ? 1u : 0u))
                    FAIL("vm %s vcpu %u: %llu MMIO stores issued but %llu completed (+%d in flight)",
                         vm->cfg.name, v->id, (unsigned long long)v->mmio_issued,
                         (unsigned long long)v->mmio_done_count, v->mmio_active);
                /* I-raise-before-signal: a wakeup being timed has its cause pending. */
                if (v->wake_t0 && !v->pending && !v->prodded && v->act == KVM_ACT_OUT &&
                    !v->hcall_active)
                    FAIL("vm %s vcpu %u: wakeup under way with nothing pending", vm->cfg.name, v->id);
                /* kvmhv_commence_exit stops others sending to an exiting
                 * thread before its state save: thread_cpu = cpu = -1. */
                if (v->act == KVM_ACT_EXIT && (v->thread_cpu >= 0 || v->cpu >= 0))
                    FAIL("vm %s vcpu %u in the exit path with thread_cpu %d cpu %d (not -1)",
                         vm->cfg.name, v->id, v->thread_cpu, v->cpu);
                if (v->act != KVM_ACT_OUT && v->hwt < 0)
                    FAIL("vm %s vcpu %u in activity %s on no hardware thread", vm->cfg.name, v->id,
                         kvm_act_name(v->act));
                if (v->hwt >= 0) {
                    const hw_thread *t = hw_thread_of(s->hw, v->hwt);
                    /* HDEC sends no exit IPIs: a thread napping in cede
                     * while the core leaves (or must leave) for HDEC would
                     * never join the exit (the kernel naps with DEC =
                     * min(DEC, HDEC), so it wakes at once). */
                    if (v->act == KVM_ACT_CEDED && !des_pending(s->sim, t->wake_ev) &&
                        (vc->hdec_pending || (kvm_eem_exiting(vc->entry_exit_map) &&
                                              vc->first_exit == KVM_EXIT_HDEC)))
                        FAIL("vm %s vcpu %u naps in cede through an HDEC exit of its vcore",
                             vm->cfg.name, v->id);
                    /* I-core-partition */
                    if (t->kvm_vcpu && t->kvm_vcpu != v)
                        FAIL("cpu %d runs vcpu %u of vm %s but holds another vcpu", v->hwt,
                             v->id, vm->cfg.name);
                    if (v->act != KVM_ACT_OUT && t->mode != HW_MODE_KVM_RM &&
                        t->mode != HW_MODE_GUEST && t->mode != HW_MODE_GUEST_NAP &&
                        t->mode != HW_MODE_OFFLINE_NAP)
                        FAIL("cpu %d (vm %s vcpu %u, %s) is in host mode %s", v->hwt,
                             vm->cfg.name, v->id, kvm_act_name(v->act), hw_mode_name(t->mode));
                    /* a secondary in KVM has left the kernel (kvm_start_guest) */
                    if (v->act != KVM_ACT_OUT && v->ptid != 0 &&
                        t->hwthread_state == HW_HWTHREAD_IN_KERNEL)
                        FAIL("cpu %d runs vcpu %u of vm %s while KVM_HWTHREAD_IN_KERNEL", v->hwt,
                             v->id, vm->cfg.name);
                    /* I-host-ipi-classification: a host IPI that arrived is never
                     * left with the thread in the guest. */
                    if (v->act == KVM_ACT_GUEST && t->host_ipi && hw_icp_presented(t))
                        FAIL("cpu %d: host IPI presented while vcpu %u stays in the guest",
                             v->hwt, v->id);
                }
            }
            /* No lost wakeup: a wakeup may be in flight (an M1 redirect, a
             * virtual-mode kick), but never for longer than the bound. */
            if (vc->state == KVM_VCORE_SLEEPING && vc->wq_sleeper && woken)
                for (unsigned p = 0; p < 8; p++) {
                    const kvm_vcpu *v = vc->vcpus[p];
                    if (v && v->wake_t0 && des_now(s->sim) - v->wake_t0 > s->cfg.lost_wakeup_ns)
                        FAIL("vm %s vcore %u sleeps while vcpu %u has waited %llu ns for a wakeup",
                             vm->cfg.name, c, v->id,
                             (unsigned long long)(des_now(s->sim) - v->wake_t0));
                }
        }
    }
    return check_rm_cores(s);
}

const char *kvm_conservation(kvm_sys *s)
{
    /* also at the end of every run, so that builds without the per-event
     * checks see a reservation left behind */
    const char *e = check_rm_cores(s);
    if (e)
        return e;
    uint64_t pending = 0;
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t k = 0; k < s->vms[i]->n_vcpus; k++)
            pending += s->vms[i]->vcpus[k].wake_t0 != 0;
    if (s->wakeups_sent != s->wakeups_consumed + s->wakeups_coalesced + pending) {
        snprintf(s->check_msg, sizeof s->check_msg,
                 "kvm: wakeups sent %llu != consumed %llu + coalesced %llu + pending %llu",
                 (unsigned long long)s->wakeups_sent, (unsigned long long)s->wakeups_consumed,
                 (unsigned long long)s->wakeups_coalesced, (unsigned long long)pending);
        return s->check_msg;
    }
    return NULL;
}
