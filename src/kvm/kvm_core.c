/*
 * kvm/kvm_core.c — the whole core entering and leaving the guest, thread by
 * thread as Linux 4.6-4.11 does it on POWER8. See kvm.h and docs/kvm.md
 * ("Entry", "Exit").
 *
 * Mirrors (book3s_hv.c, book3s_hv_rmhandlers.S, book3s_hv_builtin.c,
 * book3s_hv_interrupts.S):
 *   entry   kvmppc_run_core's start loop (kvmppc_start_thread,
 *           kvmppc_ipi_thread, kvmppc_create_dtl_entry, trace_kvm_guest_enter;
 *           thread 0 is started even without a VCPU), __kvmppc_vcore_entry,
 *           kvmppc_hv_entry: every thread sets its entry_exit_map bit
 *           (secondary_too_late once an exit began); the primary switches the
 *           partition and sets in_guest WITHOUT waiting for the secondaries;
 *           each thread loads its guest state (kvmppc_got_guest) and only then
 *           a secondary waits for in_guest (no_switch_exit if an exit began
 *           meanwhile); a primary without a VCPU naps (kvmppc_primary_no_guest,
 *           NAPPING_NOVCPU) and wakes for the exit or a late joiner
 *           (kvm_novcpu_wakeup / kvm_novcpu_exit).
 *   exit    guest_exit_cont: rm_exit starts, kvmhv_commence_exit (the first
 *           exiter IPIs every entered thread unless HDEC), VCPU_CPU and
 *           VCPU_THREAD_CPU = -1 ("stop others sending VCPU interrupts to
 *           this physical CPU"), then the state save; kvmhv_switch_to_host:
 *           the primary switches back once every entered thread COMMENCED its
 *           exit (not once they saved), the secondaries wait for in_guest = 0
 *           after their save, clear their vcpu/vcore pointers and spin in
 *           kvm_no_guest while hwthread_req is set.
 *   release kvmppc_release_hwthread (kvm_runner.c, after kvmppc_wait_for_nap):
 *           a spinning secondary goes back through the powernv offline loop
 *           (KVM_HWTHREAD_IN_KERNEL for kvm_offline_return) to nap
 *           (KVM_HWTHREAD_IN_NAP), where kvmppc_grab_hwthread can take it again.
 *
 * Every VCPU step is a des event on v->ev (kvm__vcpu_at); thread 0's
 * core-level steps (start loop, partition switch, switch back, the
 * no-VCPU nap) are on vc->pev.
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "kvm/read_intr.h"
#include "kvm/vcore_sync.h"

/* Thread 0's core-level state (vc->p0). */
enum {
    P0_IDLE,       /* not in KVM for this vcore */
    P0_START,      /* the runner's start loop and __kvmppc_vcore_entry */
    P0_SWITCHING,  /* in kvmppc_hv_entry: the partition switch */
    P0_VCPU,       /* its VCPU (ptid 0) runs: the VCPU's own steps */
    P0_NOVCPU,     /* no VCPU: napping (NAPPING_NOVCPU) or waking */
    P0_EXIT_WAIT,  /* kvmhv_switch_to_host: waiting for every exit bit */
    P0_BACK,       /* switching back / back in the host */
};

static void st_start(des_sim *sim, void *obj, uint64_t arg);
static void st_p0_entry(des_sim *sim, void *obj, uint64_t arg);
static void st_p0_switched(des_sim *sim, void *obj, uint64_t arg);
static void st_p0_switched_back(des_sim *sim, void *obj, uint64_t arg);
static void st_p0_back(des_sim *sim, void *obj, uint64_t arg);
static void st_p0_novcpu_woken(des_sim *sim, void *obj, uint64_t arg);
static void st_loaded(des_sim *sim, void *obj, uint64_t arg);
static void st_enter(des_sim *sim, void *obj, uint64_t arg);
static void st_saved(des_sim *sim, void *obj, uint64_t arg);
static void st_secondary_home(des_sim *sim, void *obj, uint64_t arg);
static void st_offline_napped(des_sim *sim, void *obj, uint64_t arg);
static void primary_no_guest(kvm_vcore *vc);
static void p0_switch_check(kvm_vcore *vc);

static void p0_at(kvm_vcore *vc, des_time delay, des_fn step)
{
    kvm_sys *s = vc->vm->sys;
    HV_CHECK(!des_pending(s->sim, vc->pev));
    vc->pev = des_after(s->sim, delay, step, vc, 0);
}

/* ---- signalling ----------------------------------------------------------- */

/* An IPI a loop sends after the work that precedes it in the loop
 * (kvmppc_start_thread, kvmhv_interrupt_vcore): sent at now + delay. */
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

des_time kvm__core_send_cost(kvm_sys *s, int from, int to, bool virt)
{
    bool same = hw_cpu_core(s->hw, from) == hw_cpu_core(s->hw, to);
    if (same && s->hw->cfg.msgsnd)
        return kvm__cost(s, from, HW_COST_msgsnd); /* smp_mb(); msgsnd */
    /* An MFRR store: real mode a bare stbcix after the caller's barrier;
     * virtual mode out_8 = sync; stb, the sync waiting for the previous
     * cache-inhibited store (xics_wake_cpu). */
    des_time c = kvm__cost(s, from, HW_COST_xics_ci_store);
    if (virt)
        c += kvm__cost(s, from, HW_COST_xics_sync);
    return c;
}

/* ---- entry: the start loop (kvmppc_run_core) --------------------------------- */

static bool vcpu_runnable(const kvm_vcpu *v) { return v && v->vstate == KVM_VCPU_RUNNABLE; }

/* kvmppc_start_thread(vcpu or NULL, vc) for thread p: the PACA stores
 * (kvm_vcpu, ptid, smp_wmb, kvm_vcore) and the VCPU's cpu fields. */
static void start_thread(kvm_vcore *vc, unsigned p, kvm_vcpu *v)
{
    kvm_sys *s = vc->vm->sys;
    int cpu = vc->pcpu + (int)p;
    hw_thread *t = kvm__thr(s, cpu);
    t->kvm_vcpu = v;
    t->ptid = (uint8_t)p;
    t->kvm_vcore = vc;
    if (v) {
        v->thread_cpu = cpu;
        v->cpu = vc->pcpu;
        v->hwt = cpu;
        vc->started |= (uint8_t)(1u << p);
    }
    if (p != 0)
        vc->loaded |= (uint8_t)(1u << p);
    /* A secondary spinning in kvm_no_guest (hwthread_req set) sees its vcore
     * pointer at once: kvm_secondary_got_guest without waiting for the IPI. */
    if (v && p != 0 && t->hwthread_state == HW_HWTHREAD_IN_KVM && t->mode == HW_MODE_KVM_RM &&
        v->act == KVM_ACT_OUT && !des_pending(s->sim, v->ev))
        kvm__vcpu_at(v, 0, kvm__core_spinner_go, 0);
}

void kvm__core_run(kvm_vcore *vc, int pcpu)
{
    kvm_sys *s = vc->vm->sys;
    HV_CHECK(hw_cpu_thread_in_core(s->hw, pcpu) == 0);
    HV_CHECK(vc->p0 == P0_IDLE && vc->runner);
    vc->pcpu = pcpu;
    /* init_master_vcore */
    vc->entry_exit_map = 0;
    vc->napping_threads = 0;
    vc->in_guest = false;
    vc->hdec_pending = false;
    vc->started = 0;
    vc->loaded = 0;
    vc->start_next = 0;
    vc->p0 = P0_START;
    kvm__m1_set_host_core(s, pcpu, 0); /* kvmppc_clear_host_core: in_host = 0 */
    st_start(s->sim, vc, 0);
}

/* One iteration of the start loop: the next thread to start, in ptid order
 * (thread 0 even without a VCPU); at the end vcore_state = RUNNING, the
 * lock drops, and __kvmppc_vcore_entry takes thread 0 into real mode. */
static void st_start(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcore *vc = obj;
    kvm_sys *s = vc->vm->sys;
    int pcpu = vc->pcpu;
    while (vc->start_next < 8) {
        unsigned p = (unsigned)vc->start_next++;
        kvm_vcpu *v = vc->vcpus[p];
        if (!vcpu_runnable(v) && p != 0)
            continue;
        if (!vcpu_runnable(v))
            v = NULL;
        start_thread(vc, p, v);
        des_time d = kvm__cost(s, pcpu, HW_COST_kvm_start_thread);
        if (p != 0) {
            /* kvmppc_ipi_thread from the runner's thread 0: same core. */
            des_time send = kvm__core_send_cost(s, pcpu, pcpu + (int)p, true);
            send_ipi_at(s, send, pcpu, pcpu + (int)p);
            d += send;
        }
        if (v) /* trace_kvm_guest_enter, in the runner's task */
            kvm__trace(s, (uint32_t)pcpu, KVM_TR_GUEST_ENTER, KVM_TR_WHO(vc->vm->index, vc->runner->id),
                       v->id, v->pending, v->ceded);
        p0_at(vc, d, st_start);
        return;
    }
    /* vc->vcore_state = VCORE_RUNNING; trace; unlock; __kvmppc_vcore_entry */
    vc->state = KVM_VCORE_RUNNING;
    kvm__trace(s, (uint32_t)pcpu, KVM_TR_RUN_CORE, KVM_TR_WHO(vc->vm->index, vc->runner->id),
               (uint64_t)__builtin_popcount(vc->runnable), 0, 0);
    kvm__runner_unlocked(vc);
    p0_at(vc, kvm__cost(s, pcpu, HW_COST_kvm_vcore_entry), st_p0_entry);
}

/* ---- entry: kvmppc_hv_entry ---------------------------------------------------- */

static kvm_vcpu *p0_vcpu(const kvm_vcore *vc)
{
    hw_thread *t = kvm__thr(vc->vm->sys, vc->pcpu);
    return t->kvm_vcpu;
}

/* Thread 0 in kvmppc_hv_entry: its rm_entry starts, it sets its entry bit
 * and switches the partition (the TLB flush on the VM's first entry on
 * this core), without waiting for any secondary. */
static void st_p0_entry(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcore *vc = obj;
    kvm_sys *s = vc->vm->sys;
    kvm_vcpu *v = p0_vcpu(vc);
    if (v)
        kvm__vcpu_set_act(s, v, KVM_ACT_ENTRY);
    kvm_eem_result r = kvm_eem_enter(vc->entry_exit_map, 0);
    HV_CHECK(r.ok); /* nothing can exit before the partition switch */
    vc->entry_exit_map = r.map;
    vc->p0 = P0_SWITCHING;
    des_time d = kvm__cost(s, vc->pcpu, HW_COST_kvm_partition_switch);
    int core = hw_cpu_core(s->hw, vc->pcpu);
    if (vc->vm->need_tlb_flush[core]) {
        vc->vm->need_tlb_flush[core] = 0;
        d += kvm__cost(s, vc->pcpu, HW_COST_kvm_tlb_flush);
    }
    p0_at(vc, d, st_p0_switched);
}

/* in_guest = 1 ("signal secondaries to continue"): waiting secondaries go
 * on; thread 0 loads its VCPU's state, or naps with no VCPU. */
static void st_p0_switched(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcore *vc = obj;
    kvm_sys *s = vc->vm->sys;
    vc->in_guest = true;
    des_hist_add(&s->m3->entry_ns, des_now(s->sim) - vc->entry_t0);
    for (unsigned p = 1; p < 8; p++) {
        kvm_vcpu *w = vc->vcpus[p];
        if (w && w->act == KVM_ACT_WAIT_IN)
            kvm__vcpu_at(w, kvm__cost(s, w->hwt, HW_COST_kvm_guest_enter), st_enter, 0);
    }
    kvm_vcpu *v = p0_vcpu(vc);
    if (v) {
        vc->p0 = P0_VCPU;
        kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_guest_load), st_loaded, 0);
        return;
    }
    primary_no_guest(vc);
}

/* secondary_too_late: trap 0, rm_exit, straight to kvmhv_switch_to_host
 * (it waits for in_guest = 0 like any secondary); the VCPU stays runnable
 * for the next entry. */
static void st_too_late(des_sim *sim, void *obj, uint64_t arg)
{
    (void)arg;
    kvm_vcpu *v = obj;
    v->trap = 0;
    v->exit_cause = KVM_EXIT_PULLED;
    kvm__vcpu_set_act(kvm__sys(v), v, KVM_ACT_EXIT);
    v->thread_cpu = -1;
    v->cpu = -1;
    st_saved(sim, v, 0);
}

void kvm__core_secondary_enter(kvm_vcpu *v)
{
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    kvm__vcpu_set_act(s, v, KVM_ACT_ENTRY); /* kvmppc_hv_entry: rm_entry starts */
    kvm_eem_result r = kvm_eem_enter(vc->entry_exit_map, v->ptid);
    if (!r.ok) {
        /* refused after the SLB clear and the entry-map loop, which a
         * thread that goes on pays inside kvm_guest_load */
        vc->st.secondary_too_late++;
        kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_entry_map), st_too_late, 0);
        return;
    }
    vc->entry_exit_map = r.map;
    kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_guest_load), st_loaded, 0);
}

/* The guest state is loaded (kvmppc_got_guest): the primary goes on; a
 * secondary waits for in_guest, or takes no_switch_exit if an exit began. */
static void st_loaded(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    if (v->ptid == 0 || vc->in_guest) {
        kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_guest_enter), st_enter, 0);
        return;
    }
    if (kvm_eem_exiting(vc->entry_exit_map)) {
        kvm__core_exit(v, KVM_EXIT_PULLED, 0); /* no_switch_exit: trap 0 */
        return;
    }
    kvm__vcpu_set_act(s, v, KVM_ACT_WAIT_IN); /* HMT_LOW, spin on in_guest */
}

static void st_enter(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm__vcpu_enter_guest(obj, false);
}

/* ---- the primary without a VCPU (kvmppc_primary_no_guest) ------------------ */

static void primary_no_guest(kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    hw_thread *t = kvm__thr(s, vc->pcpu);
    vc->p0 = P0_NOVCPU;
    vc->napping_threads |= 1u; /* it counts as napping for H_CEDE */
    if (kvm_eem_exiting(vc->entry_exit_map)) {
        kvm__core_novcpu_exit(vc, 0);
        return;
    }
    t->napping = HW_NAPPING_NOVCPU;
    hw_nap_enter(s->hw, t, HW_MODE_GUEST_NAP);
}

/* kvm_novcpu_wakeup: thread 0 woke from its NOVCPU nap. The wake reason is
 * decided at once (kvmppc_check_wake_reason; for an XICS IPI the
 * read_intr accesses are charged as a delay, without the host_ipi race
 * window a VCPU thread's read_intr models): an exit under way, a reason
 * for the host (>= 0) or an expired HDEC -> kvm_novcpu_exit; a guest IPI
 * with a VCPU now assigned (a late-joining ptid 0) -> kvmppc_got_guest;
 * else nap again. */
void kvm__core_novcpu_wake(kvm_vcore *vc, hw_wake_reason cause)
{
    kvm_sys *s = vc->vm->sys;
    hw_thread *t = kvm__thr(s, vc->pcpu);
    t->napping = HW_NAPPING_NONE;
    hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
    des_time d = kvm__cost(s, vc->pcpu, HW_COST_kvm_cede_wake);
    int r = 0; /* kvmppc_check_wake_reason: 1 host, 0 nothing, -1 guest IPI */
    if (cause == HW_WAKE_HV_DOORBELL) {
        hw_doorbell_clear(t);
        d += kvm__cost(s, vc->pcpu, HW_COST_msgsnd);
        r = t->host_ipi ? 1 : -1;
    } else if (cause == HW_WAKE_EXTERNAL) {
        if (t->host_ipi) {
            r = 1;
        } else {
            uint32_t xirr = hw_icp_accept(t);
            d += kvm__cost(s, vc->pcpu, HW_COST_xics_ci_load);
            kvm_ri_step st = kvm_ri_classify(xirr);
            if (st.actions & KVM_RI_ACT_SAVE_XIRR)
                t->saved_xirr = xirr;
            if (st.done) {
                r = st.result == KVM_RI_HOST ? 1 : 0;
            } else {
                hw_icp_write_mfrr(s->hw, t, HW_PRI_LOWEST);
                hw_icp_eoi(s->hw, t, xirr);
                d += 2 * kvm__cost(s, vc->pcpu, HW_COST_xics_ci_store) +
                     kvm__cost(s, vc->pcpu, HW_COST_xics_sync);
                if (t->host_ipi) {
                    hw_icp_write_mfrr(s->hw, t, HW_IPI_PRIORITY); /* raced with the host */
                    r = 1;
                } else {
                    t->saved_xirr = 0;
                    r = -1;
                    kvm__m1_guest_ipi(s, vc->pcpu); /* race R5 when it was a redirect's */
                }
            }
        }
    } else if (cause == HW_WAKE_DECREMENTER) {
        hw_dec_clear(t); /* DEC = HDEC: the time slice ended */
    } else {
        r = 1;
    }
    vc->p0_wake = r;
    p0_at(vc, d, st_p0_novcpu_woken);
}

static void st_p0_novcpu_woken(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcore *vc = obj;
    kvm_sys *s = vc->vm->sys;
    if (kvm_eem_exiting(vc->entry_exit_map)) {
        kvm__core_novcpu_exit(vc, vc->p0_wake > 0 ? KVM_TRAP_EXTERNAL : 0);
        return;
    }
    vc->napping_threads &= (uint8_t)~1u;
    if (vc->p0_wake >= 0) {
        kvm__core_novcpu_exit(vc, vc->p0_wake > 0 ? KVM_TRAP_EXTERNAL : 0);
        return;
    }
    kvm_vcpu *v = p0_vcpu(vc);
    if (!v) {
        primary_no_guest(vc);
        return;
    }
    /* a latecomer: rm_entry, kvmppc_got_guest (in_guest is already set) */
    vc->p0 = P0_VCPU;
    kvm__vcpu_set_act(s, v, KVM_ACT_ENTRY);
    kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_guest_load), st_loaded, 0);
}

/* kvm_novcpu_exit: kvmhv_commence_exit for thread 0, then
 * kvmhv_switch_to_host. */
void kvm__core_novcpu_exit(kvm_vcore *vc, uint32_t trap)
{
    kvm_sys *s = vc->vm->sys;
    vc->napping_threads &= (uint8_t)~1u;
    kvm_eem_result r = kvm_eem_exit(vc->entry_exit_map, 0);
    vc->entry_exit_map = r.map;
    if (r.ok)
        kvm__core_commence_exit(vc, 0, KVM_EXIT_HOST_IPI, trap, vc->pcpu,
                                kvm__cost(s, vc->pcpu, HW_COST_kvm_exit_commence));
    kvm__core_exiting(vc);
    vc->p0 = P0_EXIT_WAIT;
    p0_switch_check(vc);
}

/* ---- exit ------------------------------------------------------------------------- */

/* kvmhv_commence_exit's IPIs, by the first exiter on thread `from` (ptid
 * me): to every thread that set its entry bit, itself excepted, unless the
 * exit is an HDEC (every thread takes that one). `delay` is the exit path
 * before the sends; the sends follow one smp_mb, back to back. */
void kvm__core_commence_exit(kvm_vcore *vc, unsigned me, kvm_exit_cause cause, uint32_t trap,
                             int from, des_time delay)
{
    kvm_sys *s = vc->vm->sys;
    vc->first_exit = cause;
    vc->st.exits_by_cause[cause]++;
    if (cause == KVM_EXIT_HOST_IPI && me != 0 && s->m3->on)
        s->m3->st.host_ipi_exits++; /* a parked secondary's host IPI pulled the core out */
    if (trap == KVM_TRAP_HV_DECREMENTER)
        return;
    uint32_t in = kvm_eem_entered(vc->entry_exit_map) & ~(1u << me);
    for (unsigned q = 0; q < 8; q++) {
        if (!(in & (1u << q)))
            continue;
        int to = vc->pcpu + (int)q;
        delay += kvm__core_send_cost(s, from, to, false);
        send_ipi_at(s, delay, from, to);
    }
}

/* An exit bit was set: secondaries waiting for in_guest take
 * no_switch_exit; the primary may be able to switch back. */
void kvm__core_exiting(kvm_vcore *vc)
{
    for (unsigned p = 1; p < 8; p++) {
        kvm_vcpu *w = vc->vcpus[p];
        if (w && w->act == KVM_ACT_WAIT_IN)
            kvm__core_exit(w, KVM_EXIT_PULLED, 0); /* no_switch_exit */
    }
}

void kvm__core_exit(kvm_vcpu *v, kvm_exit_cause cause, uint32_t trap)
{
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    if (v->act == KVM_ACT_GUEST)
        kvm__vcpu_pause(v);
    des_cancel(s->sim, &v->ev);
    kvm__vcpu_set_act(s, v, KVM_ACT_EXIT); /* mc_cont: rm_exit starts */
    v->exit_cause = cause;
    v->trap = trap;
    kvm_eem_result r = kvm_eem_exit(vc->entry_exit_map, v->ptid);
    vc->entry_exit_map = r.map;
    des_time d = kvm__cost(s, v->hwt, HW_COST_kvm_exit_commence);
    if (r.ok)
        kvm__core_commence_exit(vc, v->ptid, cause, trap, v->hwt, d);
    /* "Stop others sending VCPU interrupts to this physical CPU" */
    v->thread_cpu = -1;
    v->cpu = -1;
    kvm__vcpu_at(v, d + kvm__cost(s, v->hwt, HW_COST_kvm_guest_save), st_saved, 0);
    kvm__core_exiting(vc);
    p0_switch_check(vc);
}

/* kvmhv_switch_to_host, after the state save: a secondary waits for
 * in_guest = 0; thread 0 waits for every exit bit (p0_switch_check). */
static void st_saved(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    if (v->ptid == 0) {
        vc->p0 = P0_EXIT_WAIT;
        p0_switch_check(vc);
        return;
    }
    v->saved = true;
    if (!vc->in_guest)
        kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_switch_to_host_tail), st_secondary_home, 0);
}

/* The primary switches back once the exit map equals the entry map. */
static void p0_switch_check(kvm_vcore *vc)
{
    if (vc->p0 != P0_EXIT_WAIT || !kvm_eem_all_out(vc->entry_exit_map))
        return;
    kvm_sys *s = vc->vm->sys;
    vc->p0 = P0_BACK;
    p0_at(vc, vc->in_guest ? kvm__cost(s, vc->pcpu, HW_COST_kvm_exit_switch_back) : 0,
          st_p0_switched_back);
}

static void st_p0_switched_back(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcore *vc = obj;
    kvm_sys *s = vc->vm->sys;
    vc->in_guest = false; /* "Signal secondary CPUs to continue" */
    for (unsigned p = 1; p < 8; p++) {
        kvm_vcpu *w = vc->vcpus[p];
        if (w && w->saved && w->act == KVM_ACT_EXIT && !des_pending(s->sim, w->ev))
            kvm__vcpu_at(w, kvm__cost(s, w->hwt, HW_COST_kvm_switch_to_host_tail),
                         st_secondary_home, 0);
    }
    p0_at(vc, kvm__cost(s, vc->pcpu, HW_COST_kvm_switch_to_host_tail), st_p0_back);
}

/* Thread 0 is back in the host partition: its VCPU's rm_exit ends and the
 * runner continues in virtual mode (kvm_runner.c). */
static void st_p0_back(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcore *vc = obj;
    kvm_sys *s = vc->vm->sys;
    kvm_vcpu *v = p0_vcpu(vc);
    if (v) {
        kvm__vcpu_set_act(s, v, KVM_ACT_OUT);
        v->hwt = -1;
    }
    vc->p0 = P0_IDLE;
    kvm__runner_core_exited(vc);
}

/* A secondary after kvmhv_switch_to_host: rm_exit ends, it clears its
 * vcpu and vcore pointers (kvmppc_run_core then assumes its VCPU state is
 * visible) and spins in kvm_no_guest while hwthread_req is set. */
static void st_secondary_home(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vcpu *v = obj;
    kvm_sys *s = kvm__sys(v);
    kvm_vcore *vc = v->vc;
    int cpu = v->hwt;
    hw_thread *t = kvm__thr(s, cpu);
    kvm__vcpu_set_act(s, v, KVM_ACT_OUT);
    v->saved = false;
    v->hwt = -1;
    t->kvm_vcpu = NULL;
    t->kvm_vcore = NULL;
    vc->loaded &= (uint8_t)~(1u << v->ptid);
    if (s->m3->on) { /* M3: "the secondary hardcode to jmp back to the stopper func" */
        kvm__m3_return(s, cpu);
        return;
    }
    kvm__core_no_guest(s, cpu);
}

/* ---- kvm_no_guest, release and the offline loop ---------------------------------- */

void kvm__core_no_guest(kvm_sys *s, int cpu)
{
    hw_thread *t = kvm__thr(s, cpu);
    if (!t->hwthread_req && kvm__m3_parked(s, cpu)) {
        kvm__m3_return(s, cpu); /* released: back into its stopper, not the offline loop */
        return;
    }
    if (t->hwthread_req) {
        /* HMT_LOW spin, checking kvm_vcore (KVM_HWTHREAD_IN_KVM) */
        t->hwthread_state = HW_HWTHREAD_IN_KVM;
        t->napping = HW_NAPPING_NONE;
        if (t->mode != HW_MODE_KVM_RM)
            hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
        return;
    }
    /* hwthread_req = 0: KVM_HWTHREAD_IN_KERNEL, pnv_wakeup_loss, the
     * offline loop, then nap (KVM_HWTHREAD_IN_NAP). */
    t->hwthread_state = HW_HWTHREAD_IN_KERNEL;
    if (t->mode != HW_MODE_KVM_RM)
        hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
    des_after(s->sim, kvm__cost(s, cpu, HW_COST_kvm_offline_return), st_offline_napped, s,
              (uint64_t)cpu);
}

static void st_offline_napped(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    kvm_sys *s = obj;
    hw_thread *t = kvm__thr(s, (int)arg);
    if (t->hwthread_state != HW_HWTHREAD_IN_KERNEL)
        return; /* grabbed and started again meanwhile */
    t->host_ipi = 0; /* kvmppc_set_host_ipi(cpu, 0) in pnv_smp_cpu_kill_self */
    t->hwthread_state = HW_HWTHREAD_IN_NAP;
    hw_nap_enter(s->hw, t, HW_MODE_OFFLINE_NAP);
}

/* kvmppc_release_hwthread(cpu): hwthread_req = 0 and the pointers cleared;
 * a thread spinning in kvm_no_guest goes back to the offline loop (M3: a
 * parked secondary goes back into its stopper, woken by an IPI from pcpu
 * if it naps trapped). */
des_time kvm__core_release_hwthread(kvm_sys *s, int pcpu, int cpu)
{
    hw_thread *t = kvm__thr(s, cpu);
    if (kvm__m3_parked(s, cpu))
        return kvm__m3_release(s, pcpu, cpu);
    t->hwthread_req = 0;
    t->kvm_vcpu = NULL;
    t->kvm_vcore = NULL;
    if (hw_cpu_thread_in_core(s->hw, cpu) != 0 && t->hwthread_state == HW_HWTHREAD_IN_KVM &&
        t->mode == HW_MODE_KVM_RM)
        kvm__core_no_guest(s, cpu);
    return 0;
}

bool kvm__core_entered(const kvm_vcore *vc)
{
    return vc->pcpu >= 0 && (vc->p0 == P0_START || vc->p0 == P0_SWITCHING || vc->in_guest);
}

/* ---- late joiners (kvmppc_run_vcpu) -------------------------------------------- */

void kvm__core_late_join(kvm_vcore *vc, kvm_vcpu *v, int from_cpu)
{
    kvm_sys *s = vc->vm->sys;
    if (!(v->hwt < 0 && vc->pcpu >= 0)) HV_DIE("late join vm %s vcpu %u hwt %d act %s pcpu %d p0 %d state %d started %x loaded %x", v->vm->cfg.name, v->id, v->hwt, kvm_act_name(v->act), vc->pcpu, vc->p0, vc->state, vc->started, vc->loaded);
    int cpu = vc->pcpu + (int)v->ptid;
    start_thread(vc, v->ptid, v);
    vc->st.late_joins++;
    /* trace_kvm_guest_enter in the joiner's own task (kvmppc_run_vcpu) */
    kvm__trace(s, (uint32_t)(from_cpu >= 0 ? from_cpu : cpu), KVM_TR_GUEST_ENTER,
               KVM_TR_WHO(vc->vm->index, v->id), v->id, v->pending, v->ceded);
    /* kvmppc_ipi_thread from the joiner's CPU (another core: an MFRR write) */
    if (from_cpu >= 0)
        send_ipi_at(s, kvm__core_send_cost(s, from_cpu, cpu, true), from_cpu, cpu);
    else
        hw_send_xics_ipi(s->hw, -1, cpu, HW_IPI_PRIORITY);
}

/* A secondary spinning in kvm_no_guest found a vcore: kvm_secondary_got_guest. */
void kvm__core_spinner_go(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm__core_secondary_enter(obj);
}

/* ---- HDEC ----------------------------------------------------------------------- */

void kvm__core_hdec(kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    bool taken = false;
    for (unsigned p = 0; p < 8; p++) {
        kvm_vcpu *v = vc->vcpus[p];
        if (!v || v->hwt < 0)
            continue;
        hw_thread *t = kvm__thr(s, v->hwt);
        if (v->act == KVM_ACT_GUEST) {
            kvm__core_exit(v, KVM_EXIT_HDEC, KVM_TRAP_HV_DECREMENTER);
            taken = true;
        } else if (v->act == KVM_ACT_CEDED && !des_pending(s->sim, t->wake_ev)) {
            /* DEC = min(DEC, HDEC) was set before the nap */
            vc->napping_threads &= (uint8_t)~(1u << v->ptid);
            t->napping = HW_NAPPING_NONE;
            hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
            kvm__core_exit(v, KVM_EXIT_HDEC, KVM_TRAP_HV_DECREMENTER);
            taken = true;
        }
        /* Threads in real mode see the exit at their next checkpoint. */
    }
    hw_thread *t0 = kvm__thr(s, vc->pcpu);
    if (vc->p0 == P0_NOVCPU && t0->napping == HW_NAPPING_NOVCPU && !des_pending(s->sim, t0->wake_ev)) {
        hw_raise_dec(s->hw, t0); /* DEC = HDEC wakes the no-VCPU primary */
        taken = true;
    }
    if (!taken && !kvm_eem_exiting(vc->entry_exit_map))
        vc->hdec_pending = true; /* the next thread entering the guest exits */
}
