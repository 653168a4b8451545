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

/* I-core-partition for the core of an active vcore: while it enters (from
 * the start loop) or is in the guest, no secondary of its (sub)core runs
 * host code, nor thread 0 once in_guest is set, and each online thread is
 * KVM's; the threads in guest context all run this vcore. M3's
 * I-m3-flags: every secondary is parked for this entry. */
static const char *core_partition(kvm_sys *s, const kvm_vcore *vc)
{
    if (!kvm__core_entered(vc))
        return NULL; /* no thread of the core is in guest context for it */
    int tps = (int)s->hw->threads_per_subcore;
    const hw_thread *thr = &s->hw->threads[vc->pcpu];
    const host_cpu *hc = &s->host->cpus[vc->pcpu];
    const kvm_m3 *m3 = s->m3->on ? s->m3 : NULL;
    for (int p = 0; p < tps; p++) {
        const hw_thread *t = &thr[p];
        hw_mode mode = t->mode;
        int cpu = vc->pcpu + p;
        if ((mode == HW_MODE_GUEST || mode == HW_MODE_GUEST_NAP) && t->kvm_vcore != vc)
            FAIL("I-core-partition: cpu %d is in %s for another vcore than vm %s vcore %u on its core",
                 cpu, hw_mode_name(mode), vc->vm->cfg.name, vc->index);
        /* thread 0 runs the start loop in the host partition (virtual
         * mode) until __kvmppc_vcore_entry; after it, thread 0 keeps its
         * host mode until its VCPU's activity starts or it naps without one
         * (the model gives the no-VCPU primary's real-mode path, and a
         * ptid-0 latecomer's load during the switch, no mode of their own:
         * docs/kvm.md) */
        if ((mode == HW_MODE_HOST || mode == HW_MODE_HOST_NAP) &&
            (p > 0 || (vc->in_guest && t->kvm_vcpu && ((const kvm_vcpu *)t->kvm_vcpu)->act != KVM_ACT_OUT)))
            FAIL("I-core-partition: cpu %d runs host code (%s) while vm %s vcore %u enters or runs the guest on its core",
                 cpu, hw_mode_name(mode), vc->vm->cfg.name, vc->index);
        if (hc[p].online && hc[p].state != HOST_CPU_KVM)
            FAIL("I-core-partition: Linux cpu %d is %s, not KVM's, while vm %s vcore %u enters or runs the guest on its core",
                 cpu, host_cpu_state_name(hc[p].state), vc->vm->cfg.name, vc->index);
        if (m3 && p > 0) {
            const kvm_m3_thread *r = &m3->thr[cpu];
            uint32_t gen = m3->core[vc->pcpu].gen;
            if (r->state != KVM_M3_PARKED || r->gen != gen)
                FAIL("I-m3-flags: secondary %d is %s (flag %u) while vm %s vcore %u enters or runs entry %u",
                     cpu, kvm_m3_state_name(r->state), r->gen, vc->vm->cfg.name, vc->index, gen);
        }
    }
    return NULL;
}

/* I-m3-parked: no secondary is left parked outside an open park. */
static const char *m3_check(kvm_sys *s)
{
    const kvm_m3 *m = s->m3;
    des_time now = des_now(s->sim);
    for (uint32_t cpu = 0; cpu < s->hw->ncpus; cpu++) {
        const kvm_m3_thread *r = &m->thr[cpu];
        const hw_thread *t = hw_thread_of(s->hw, (int)cpu);
        int pcpu = (int)cpu & ~(int)(s->hw->threads_per_subcore - 1);
        const kvm_m3_core *c = &m->core[pcpu];
        if (r->state == KVM_M3_PARKED && (!c->parking || r->gen != c->gen))
            FAIL("I-m3-parked: secondary %u is parked for entry %u of cpu %d, whose park is %s (entry %u)",
                 cpu, r->gen, pcpu, c->parking ? "open" : "closed", c->gen);
        if (r->state == KVM_M3_RELEASED && (t->hwthread_req || now - r->released_at > s->cfg.lost_wakeup_ns))
            FAIL("I-m3-parked: secondary %u released %llu ns ago (hwthread_req %u) is not back in the host",
                 cpu, (unsigned long long)(now - r->released_at), t->hwthread_req);
        if (r->state == KVM_M3_HOST && host_cpu_online(s->host, (int)cpu) &&
            s->host->cpus[cpu].state == HOST_CPU_KVM && hw_cpu_thread_in_core(s->hw, (int)cpu) != 0)
            FAIL("I-m3-parked: secondary %u is KVM's but not parked", cpu);
    }
    return NULL;
}

const char *kvm_check(kvm_sys *s)
{
    const int tmask = (int)s->hw->cfg.threads_per_core - 1; /* cpu & tmask: the thread in its core */
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
            if (vc->pcpu >= 0) {
                const char *pm = core_partition(s, vc);
                if (pm)
                    return pm;
            }
            bool woken = false;
            for (unsigned p = 0; p < 8; p++) {
                const kvm_vcpu *v = vc->vcpus[p];
                if (!v)
                    continue;
                if (v->pending || v->prodded || !v->ceded)
                    woken = true;
                /* I-vcpu-primary: the system mask keeps VCPU tasks on thread 0 */
                if (v->task && (v->task->cpu & tmask) &&
                    (v->task->state == HOST_TASK_RUNNING || v->task->state == HOST_TASK_RUNNABLE))
                    FAIL("I-vcpu-primary: vm %s vcpu %u's task is %s on secondary cpu %d", vm->cfg.name,
                         v->id, host_task_state_name(v->task->state), v->task->cpu);
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
    if (s->m3->on) {
        const char *mm = m3_check(s);
        if (mm)
            return mm;
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
    uint64_t parked = 0;
    for (uint32_t cpu = 0; cpu < s->hw->ncpus; cpu++)
        parked += s->m3->thr[cpu].state != KVM_M3_HOST;
    if (s->m3->parks_total != s->m3->returns_total + parked) {
        snprintf(s->check_msg, sizeof s->check_msg, "m3: parks %llu != returns %llu + parked now %llu",
                 (unsigned long long)s->m3->parks_total, (unsigned long long)s->m3->returns_total,
                 (unsigned long long)parked);
        return s->check_msg;
    }
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
