/*
 * kvm/kvm_runner.c — the virtual-mode side: the vcore runner task
 * (kvmppc_run_vcpu / kvmppc_run_core in book3s_hv.c), exit handling
 * (kvmppc_handle_exit_hv), virtual-mode hypercalls (kvmppc_pseries_do_hcall),
 * halt polling and sleeping (kvmppc_vcore_blocked). See kvm.h.
 *
 * The runner is the host task of the vcore's ptid-0 VCPU. Its flow, in task
 * context (host/host.h), is a small state machine:
 *   run_core:  compute kvm_run_core_prep -> host_cpu_enter_kvm ->
 *              kvm__core_start (real mode, kvm_core.c)
 *   exited:    host_cpu_leave_kvm -> (runner runs again) set_host_core (M1),
 *              compute wait_for_nap + per-VCPU exit handling -> post:
 *              virtual-mode hcalls and their kicks, emulated MMIO stores
 *              (kvm_mmio.c: ioeventfd or QEMU)
 *   decide:    some VCPU runnable -> run_core; else vcore_blocked:
 *              poll (vc->halt_poll_ns) in kvm_poll_check steps, then
 *              prepare_to_swait, re-check, sleep (host_task_block); a kick
 *              wakes it (host_task_wake); grow/shrink vc->halt_poll_ns.
 * The other VCPU tasks wait in kvmppc_wait_for_exec; they run only for
 * their VCPU's userspace work (H_USER) and then rejoin the vcore.
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "kvm/vcore_sync.h"

enum { R_NEW, R_RUNNING, R_SLEEPING };

static void run_core(host *h, host_task *t, kvm_vcore *vc);

/* kvmppc_vcore_check_block inverted: some VCPU can run. */
static bool vcore_woken(const kvm_vcore *vc)
{
    for (unsigned p = 0; p < 8; p++) {
        const kvm_vcpu *v = vc->vcpus[p];
        if (v && !v->away && (v->pending || v->prodded || !v->ceded))
            return true;
    }
    return false;
}

/* ---- host hooks while the CPU is in KVM --------------------------------- */

static void hook_intr(void *ctx, int cpu, hw_wake_reason cause)
{
    kvm_vcore *vc = ctx;
    kvm__intr_sink(vc->vm->sys, hw_thread_of(vc->vm->sys->hw, cpu), cause, false);
}

static void hook_tick(void *ctx, int cpu)
{
    (void)cpu;
    kvm_vcore *vc = ctx;
    if (vc->state == KVM_VCORE_RUNNING)
        kvm__core_hdec(vc);
}

static const host_kvm_hooks hooks = {hook_intr, hook_tick};

/* ---- entry ---------------------------------------------------------------- */

static void runner_enter(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    int cpu = t->cpu;
    HV_CHECK(hw_cpu_thread_in_core(s->hw, cpu) == 0); /* on_primary_thread */
    host_cpu_enter_kvm(h, cpu, &hooks, vc);
    hw_set_sink(hw_thread_of(s->hw, cpu), kvm__intr_sink, s);
    kvm__core_start(vc, cpu, 0);
}

static void run_core(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    vc->rstate = R_RUNNING;
    vc->state = KVM_VCORE_INACTIVE;
    host_task_compute(h, t, kvm__cost(s, t->cpu, HW_COST_kvm_run_core_prep), runner_enter, vc);
}

/* ---- after the core left the guest ---------------------------------------- */

static void vcore_blocked(host *h, host_task *t, kvm_vcore *vc);

static void runner_decide(host *h, host_task *t, kvm_vcore *vc)
{
    vc->state = KVM_VCORE_INACTIVE;
    if (vcore_woken(vc))
        run_core(h, t, vc);
    else
        vcore_blocked(h, t, vc);
}

/* The runner's own VCPU was in userspace: its task did the work itself (the
 * kernel would hand the runner role to another VCPU meanwhile; here the
 * vcore waits — a simplification, docs/kvm.md). */
static void runner_user_done(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    vc->vcpus[0]->away = false;
    runner_decide(h, t, vc);
}

static void runner_post(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    for (unsigned p = 0; p < 8; p++) {
        kvm_vcpu *v = vc->vcpus[p];
        if (v && v->hcall_active && v->hcall_needs_vm)
            kvm__hcall_virtual(v, t->cpu);
        if (v)
            kvm__mmio_virtual(v, t->cpu);
    }
    /* VCPUs leaving for userspace: their own tasks do the QEMU work. */
    for (unsigned p = 1; p < 8; p++) {
        kvm_vcpu *v = vc->vcpus[p];
        if (v && v->user_pending)
            host_task_wake(h, v->task, t->cpu);
    }
    kvm_vcpu *r = vc->vcpus[0];
    if (r->user_pending) {
        r->user_pending = false;
        host_task_compute(h, t, kvm__cost(s, t->cpu, HW_COST_kvm_user_exit) + r->user_work,
                          runner_user_done, vc);
        return;
    }
    runner_decide(h, t, vc);
}

static void runner_after_exit(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    int pcpu = vc->pcpu;
    kvm__m1_set_host_core(s, pcpu, 1); /* kvmppc_set_host_core, after wait_for_nap */
    kvm__trace(s, (uint32_t)pcpu, KVM_TR_RUN_CORE, vc->vm->index, vc->vcpus[0]->id, vc->n_vcpus, 1);
    des_time cost = kvm__cost(s, pcpu, HW_COST_kvm_wait_for_nap);
    for (unsigned p = 0; p < 8; p++) {
        kvm_vcpu *v = vc->vcpus[p];
        if (!v)
            continue;
        /* kvmppc_handle_exit_hv for every VCPU that ran. */
        v->st.exits++;
        if (v->exit_cause == KVM_EXIT_HOST_IPI || v->exit_cause == KVM_EXIT_EXT_DEVICE)
            v->st.ext_intr++;
        if (v->exit_cause == KVM_EXIT_HDEC)
            v->st.dec++;
        v->cpu = -1;
        cost += kvm__cost(s, pcpu, HW_COST_kvm_handle_exit);
        if (v->hcall_active && v->hcall_needs_vm)
            cost += kvm__cost(s, pcpu, HW_COST_kvm_vm_hcall);
        cost += kvm__mmio_cost(v, pcpu);
    }
    vc->pcpu = -1;
    host_task_compute(h, t, cost, runner_post, vc);
}

void kvm__runner_core_exited(kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    host_cpu_leave_kvm(s->host, vc->pcpu, runner_after_exit, vc);
}

/* ---- blocking: halt polling and sleeping (kvmppc_vcore_blocked) ---------- */

static void finish_block(kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    uint64_t max = s->cfg.halt_poll_ns;
    des_time block_ns = des_now(s->sim) - vc->block_start;
    if (max) {
        if (block_ns <= vc->halt_poll_ns) {
            /* the poll time was right */
        } else if (vc->halt_poll_ns && block_ns > max) {
            /* shrink_halt_poll_ns */
            vc->halt_poll_ns = s->cfg.halt_poll_ns_shrink ? vc->halt_poll_ns / s->cfg.halt_poll_ns_shrink : 0;
        } else if (vc->halt_poll_ns < max && block_ns < max) {
            /* grow_halt_poll_ns: from 0 to the grow start, then times grow */
            vc->halt_poll_ns = vc->halt_poll_ns == 0 && s->cfg.halt_poll_ns_grow ? s->cfg.halt_poll_ns_grow_start
                                                                                 : vc->halt_poll_ns * s->cfg.halt_poll_ns_grow;
        }
        if (vc->halt_poll_ns > max)
            vc->halt_poll_ns = max;
    } else {
        vc->halt_poll_ns = 0;
    }
    vc->state = KVM_VCORE_INACTIVE;
}

static void sleep_or_run(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    kvm_vcpu *r = vc->vcpus[0];
    /* prepare_to_swait, then re-check: no wakeup can be lost between. */
    if (vcore_woken(vc)) {
        finish_block(vc);
        run_core(h, t, vc);
        return;
    }
    vc->state = KVM_VCORE_SLEEPING;
    vc->wq_sleeper = true;
    vc->rstate = R_SLEEPING;
    r->st.halt_successful_wait++;
    kvm__trace(s, (uint32_t)t->cpu, KVM_TR_VCORE_BLOCKED, vc->vm->index, r->id, vc->n_vcpus, 0);
    host_task_block(h, t);
}

static void poll_step(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    kvm_vcpu *r = vc->vcpus[0];
    des_time now = des_now(s->sim);
    if (vcore_woken(vc)) {
        r->st.halt_successful_poll++;
        r->st.halt_poll_success_ns += now - vc->block_start;
        finish_block(vc);
        run_core(h, t, vc);
        return;
    }
    if (now >= vc->poll_end) {
        r->st.halt_poll_fail_ns += now - vc->block_start;
        sleep_or_run(h, t, vc);
        return;
    }
    des_time step = kvm__cost(s, t->cpu, HW_COST_kvm_poll_check);
    if (step > vc->poll_end - now)
        step = vc->poll_end - now;
    host_task_compute(h, t, step ? step : 1, poll_step, vc);
}

static void vcore_blocked(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    vc->block_start = des_now(s->sim);
    if (vc->halt_poll_ns) {
        vc->state = KVM_VCORE_POLLING;
        vc->poll_end = vc->block_start + vc->halt_poll_ns;
        vc->vcpus[0]->st.halt_attempted_poll++;
        poll_step(h, t, vc);
        return;
    }
    sleep_or_run(h, t, vc);
}

/* ---- the VCPU task behaviour ------------------------------------------------ */

/* Back from userspace (kvmppc_run_vcpu): join the vcore. */
static void user_done(host *h, host_task *t, void *arg)
{
    kvm_vcpu *v = arg;
    kvm_vcore *vc = v->vc;
    v->away = false;
    if (vc->state == KVM_VCORE_RUNNING && vc->pcpu >= 0 && !kvm_eem_exiting(vc->entry_exit_map)) {
        kvm__core_late_join(vc, v, t->cpu); /* a late joiner */
    } else if (vc->wq_sleeper) {
        vc->wq_sleeper = false; /* the vcore is runnable again */
        host_task_wake(h, vc->vcpus[0]->task, t->cpu);
    }
    host_task_block(h, t); /* kvmppc_wait_for_exec */
}

static void vcpu_task_run(host *h, host_task *t)
{
    kvm_vcpu *v = t->ctx;
    kvm_vcore *vc = v->vc;
    if (v->ptid != 0) {
        if (v->user_pending) {
            v->user_pending = false;
            host_task_compute(h, t, kvm__cost(v->vm->sys, t->cpu, HW_COST_kvm_user_exit) + v->user_work,
                              user_done, v);
            return;
        }
        host_task_block(h, t); /* kvmppc_wait_for_exec: the runner drives us */
        return;
    }
    kvm_sys *s = v->vm->sys;
    switch (vc->rstate) {
    case R_NEW:
        run_core(h, t, vc);
        return;
    case R_SLEEPING: {
        kvm_vcpu *r = vc->vcpus[0];
        r->st.halt_wait_ns += des_now(s->sim) - vc->block_start;
        kvm__trace(s, (uint32_t)t->cpu, KVM_TR_VCORE_BLOCKED, vc->vm->index, r->id, vc->n_vcpus, 1);
        vc->wq_sleeper = false;
        finish_block(vc);
        if (vcore_woken(vc))
            run_core(h, t, vc);
        else
            vcore_blocked(h, t, vc); /* a spurious wakeup */
        return;
    }
    default:
        HV_DIE("vcore runner of vm %s vcore %u scheduled in state %d", vc->vm->cfg.name, vc->index,
               vc->rstate);
    }
}

const host_task_ops kvm__runner_task_ops = {vcpu_task_run};
