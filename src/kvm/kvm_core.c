/*
 * kvm/kvm_core.c — the whole core entering and leaving the guest: the
 * runner's kvmppc_start_thread for each secondary, the secondaries and the
 * primary arriving in kvmppc_hv_entry, the partition switch, and the exit
 * every thread takes together once one thread starts it (HDEC included).
 * See kvm.h and docs/kvm.md ("Entry", "Exit").
 *
 * Mirrors: kvmppc_run_core's start of the threads and kvmppc_start_thread /
 * kvmppc_ipi_thread (book3s_hv.c), kvmppc_hv_entry, secondary_too_late,
 * kvmhv_commence_exit, guest_exit_cont and kvmhv_switch_to_host, kvm_no_guest
 * (book3s_hv_rmhandlers.S); entry_exit_map is vcore_sync.h.
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "kvm/vcore_sync.h"

static void st_primary_enter(des_sim *sim, void *obj, uint64_t arg);
static void st_primary_switched(des_sim *sim, void *obj, uint64_t arg);
static void st_guest_loaded(des_sim *sim, void *obj, uint64_t arg);
static void st_exit_saved(des_sim *sim, void *obj, uint64_t arg);
static void st_switched_back(des_sim *sim, void *obj, uint64_t arg);
static void secondary_out(kvm_vcpu *v);
static void primary_try_switch(kvm_vcore *vc);
static void vcore_maybe_done(kvm_vcore *vc);

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
    kvm__vcpu_at(vc->vcpus[0], d, st_primary_enter, 0);
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
    vc->st.late_joins++;
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
    kvm__vcpu_at(p, kvm__cost(vc->vm->sys, p->thread_cpu, HW_COST_kvm_partition_switch), st_primary_switched, 0);
}

void kvm__core_secondary_enter(kvm_vcpu *v)
{
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    kvm_eem_result r = kvm_eem_enter(vc->entry_exit_map, v->ptid);
    if (!r.ok) {
        /* secondary_too_late: back to nap; the vcpu did not run this round. */
        vc->st.secondary_too_late++;
        vc->saved_mask |= 1u << v->ptid;
        secondary_out(v);
        primary_try_switch(vc);
        vcore_maybe_done(vc);
        return;
    }
    vc->entry_exit_map = r.map;
    kvm__vcpu_set_act(s, v, KVM_ACT_ENTRY); /* kvmppc_hv_entry: rm_entry starts */
    if (!vc->in_guest) {
        kvm__vcpu_set_act(s, v, KVM_ACT_WAIT_IN);
        primary_check_arrivals(vc);
        return;
    }
    kvm__vcpu_at(v, kvm__cost(s, v->thread_cpu, HW_COST_kvm_guest_load), st_guest_loaded, 0);
}

static void st_primary_enter(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_vcore *vc = v->vc;
    kvm__vcpu_set_act(kvm__sys(v), v, KVM_ACT_ENTRY);
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
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    vc->in_guest = true; /* signal secondaries to continue */
    for (unsigned p = 1; p < 8; p++) {
        kvm_vcpu *w = vc->vcpus[p];
        if (w && w->act == KVM_ACT_WAIT_IN)
            kvm__vcpu_at(w, kvm__cost(s, w->thread_cpu, HW_COST_kvm_guest_load), st_guest_loaded, 0);
    }
    kvm__vcpu_at(v, kvm__cost(s, v->thread_cpu, HW_COST_kvm_guest_load), st_guest_loaded, 0);
}

static void st_guest_loaded(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm__vcpu_enter_guest(obj, false);
}

/* ---- whole-core exit ---------------------------------------------------- */

void kvm__core_exit(kvm_vcpu *v, kvm_exit_cause cause)
{
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    if (v->act == KVM_ACT_GUEST)
        kvm__vcpu_pause(v);
    des_cancel(s->sim, &v->ev);
    kvm__vcpu_set_act(s, v, KVM_ACT_EXIT);
    v->exit_cause = cause;
    kvm_eem_result r = kvm_eem_exit(vc->entry_exit_map, v->ptid);
    vc->entry_exit_map = r.map;
    des_time cost = kvm__cost(s, v->thread_cpu, HW_COST_kvm_guest_save);
    if (r.ok) {
        /* kvmhv_commence_exit: the first exiter pulls the others out. */
        vc->first_exit = cause;
        vc->st.exits_by_cause[cause]++;
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
                    : cause == KVM_EXIT_MMIO ? KVM_TRAP_H_DATA_STORAGE
                                             : KVM_TRAP_EXTERNAL;
    kvm__trace(s, (uint32_t)v->thread_cpu, KVM_TR_GUEST_EXIT, v->vm->index, v->id, trap, v->ceded);
    kvm__vcpu_at(v, cost, st_exit_saved, 0);
}

static void secondary_out(kvm_vcpu *v)
{
    /* Clear kvm_vcpu, lwsync, clear kvm_vcore, nap (kvm_no_guest). */
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    hw_thread *t = kvm__thr(s, v->thread_cpu);
    t->kvm_vcpu = NULL;
    t->kvm_vcore = NULL;
    t->hwthread_req = 0;
    t->napping = HW_NAPPING_NONE;
    kvm__vcpu_set_act(s, v, KVM_ACT_OUT);
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
    kvm__vcpu_at(p, kvm__cost(vc->vm->sys, p->thread_cpu, HW_COST_kvm_exit_switch_back), st_switched_back, 0);
}

static void vcore_maybe_done(kvm_vcore *vc)
{
    if (vc->in_guest || vc->exit_switching || vc->threads_out != 0 || vc->state != KVM_VCORE_RUNNING)
        return;
    vc->state = KVM_VCORE_EXITING;
    kvm__runner_core_exited(vc);
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
    kvm_sys *s = kvm__sys(v);
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
    kvm__vcpu_set_act(s, v, KVM_ACT_OUT);
    v->thread_cpu = -1; /* reset on guest exit, as the assembly path does */
    vc->threads_out &= ~1u;
    vcore_maybe_done(vc);
}

/* ---- HDEC ------------------------------------------------------------------ */

void kvm__core_hdec(kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    bool taken = false;
    for (unsigned p = 0; p < 8; p++) {
        kvm_vcpu *v = vc->vcpus[p];
        if (!v || v->thread_cpu < 0)
            continue;
        hw_thread *t = kvm__thr(s, v->thread_cpu);
        if (v->act == KVM_ACT_GUEST) {
            kvm__core_exit(v, KVM_EXIT_HDEC);
            taken = true;
        } else if (v->act == KVM_ACT_CEDED && !des_pending(s->sim, t->wake_ev)) {
            vc->napping_threads &= (uint8_t)~(1u << v->ptid);
            t->napping = HW_NAPPING_NONE;
            hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
            kvm__core_exit(v, KVM_EXIT_HDEC);
            taken = true;
        }
        /* Threads in real mode see the exit at their next checkpoint. */
    }
    if (!taken && !kvm_eem_exiting(vc->entry_exit_map))
        vc->hdec_pending = true; /* the next thread entering the guest exits */
}
