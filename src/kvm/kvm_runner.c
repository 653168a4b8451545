/*
 * kvm/kvm_runner.c — the virtual-mode side: the vcore runner task
 * (kvmppc_run_vcpu / kvmppc_run_core in book3s_hv.c), exit handling, virtual
 * mode hypercalls, kicks, halt polling and sleeping. See kvm.h.
 *
 * The runner is the host task of the vcore's ptid-0 VCPU. Its flow, in task
 * context (host/host.h), is a small state machine:
 *   run_core:  compute kvm_run_core_prep -> host_cpu_enter_kvm ->
 *              kvm_core_start (real mode, kvm_core.c)
 *   exited:    host_cpu_leave_kvm -> (runner runs again) set_host_core (M1),
 *              compute wait_for_nap + per-VCPU exit handling -> post:
 *              virtual-mode hcalls and their kicks
 *   decide:    some VCPU runnable -> run_core; else vcore_blocked:
 *              poll (vc->halt_poll_ns) in kvm_poll_check steps, then
 *              prepare_to_swait, re-check, sleep (host_task_block); a kick
 *              wakes it (host_task_wake); grow/shrink vc->halt_poll_ns.
 * The other VCPU tasks wait in kvmppc_wait_for_exec: they block once and are
 * never needed again (VCPUs never leave to userspace in this model).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "host/host.h"
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
    kvm_thread_intr(vc->vm->sys, hw_thread_of(vc->vm->sys->hw, cpu), cause, false);
}

static void hook_tick(void *ctx, int cpu)
{
    (void)cpu;
    kvm_vcore *vc = ctx;
    if (vc->state == KVM_VCORE_RUNNING)
        kvm_core_hdec(vc);
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
    hw_set_sink(hw_thread_of(s->hw, cpu), kvm_thread_intr, s);
    kvm_core_start(vc, cpu, 0);
}

static void run_core(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    vc->rstate = R_RUNNING;
    vc->state = KVM_VCORE_INACTIVE;
    host_task_compute(h, t, kvm_cost(s, t->cpu, HW_COST_kvm_run_core_prep), runner_enter, vc);
}

/* ---- after the core left the guest ---------------------------------------- */

/* Virtual-mode completion of one VCPU's hypercall (kvmppc_pseries_do_hcall). */
static void vm_hcall(kvm_sys *s, kvm_vcpu *v, int cpu)
{
    kvm_vm *vm = v->vm;
    uint32_t track = (uint32_t)cpu;
    kvm_trace(s, track, KVM_TR_HCALL_ENTER, vm->index, v->id, v->hcall, v->args[0]);
    long rc = XICS_H_SUCCESS;
    v->st.hcalls_vm++;
    if (xics_is_hcall(v->hcall)) {
        uint64_t ret[2] = {v->ret[0], v->ret[1]};
        xics_fx_reset(&vm->fx);
        rc = xics_hcall(vm->xics, v->server, v->hcall, v->args, ret, &vm->fx);
        if (v->hcall == XICS_H_IPI && !(v->exit_cause == KVM_EXIT_HCALL_TOO_HARD))
            vm->hipi[KVM_HIPI_VIRTUAL]++;
        v->ret[0] = ret[0];
        v->ret[1] = ret[1];
        if (v->hcall == XICS_H_XIRR_X)
            v->ret[1] = des_now(s->sim);
        for (uint32_t i = 0; i < vm->fx.n; i++) {
            struct xics_effect e = vm->fx.v[i];
            switch (e.kind) {
            case XICS_FX_KICK:
                HV_CHECK(e.arg < vm->n_vcpus);
                kvm_fast_vcpu_kick(s, &vm->vcpus[e.arg], cpu);
                break;
            case XICS_FX_RAISE:
                HV_CHECK(e.arg < vm->n_vcpus);
                if (&vm->vcpus[e.arg] == v) {
                    v->pending |= KVM_PEND_EXTERNAL;
                    v->st.queue_intr++;
                } else {
                    kvm_vm_raise(s, &vm->vcpus[e.arg], cpu);
                }
                break;
            case XICS_FX_LOWER:
                v->pending &= ~KVM_PEND_EXTERNAL;
                v->ext_injected = false;
                break;
            case XICS_FX_NOTIFY_EOI:
                break; /* no ack notifiers are registered in this model */
            }
        }
        xics_fx_reset(&vm->fx);
    } else {
        switch (v->hcall) {
        case KVM_H_CEDE:
            /* kvmppc_h_cede in virtual mode: the VCPU stays ceded; the vcore
             * blocks if every VCPU has ceded. Returns when it next enters. */
            v->ceded = true;
            if (v->prodded || v->pending) {
                v->prodded = false;
                v->ceded = false;
            }
            break;
        case KVM_H_PROD: {
            uint64_t target = v->args[0];
            if (target >= vm->n_vcpus) {
                rc = XICS_H_PARAMETER;
                break;
            }
            kvm_vcpu *tv = &vm->vcpus[target];
            tv->prodded = true;
            tv->st.prod++;
            s->wakeups_sent++;
            kvm_wake_note(s, tv);
            kvm_fast_vcpu_kick(s, tv, cpu);
            break;
        }
        case KVM_H_USER:
            /* KVM_EXIT_PAPR_HCALL / MMIO to QEMU: the VCPU leaves the runnable
             * set until its task has done the userspace work; the hcall
             * returns when it next enters the guest. */
            v->away = true;
            v->user_pending = true;
            v->user_work = (des_time)v->args[0];
            v->st.user_exits++;
            break;
        default: /* H_CONFER, generic: nothing to do in the model */
            break;
        }
    }
    v->hcall_rc = rc;
    v->hcall_needs_vm = false;
    kvm_trace(s, track, KVM_TR_HCALL_EXIT, vm->index, v->id, (uint64_t)rc, 0);
}

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
            vm_hcall(s, v, t->cpu);
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
        host_task_compute(h, t, kvm_cost(s, t->cpu, HW_COST_kvm_user_exit) + r->user_work,
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
    /* kvmppc_set_host_core: in_host = 1 (plain store, after wait_for_nap). */
    if (s->rm_core) {
        kvm_rm_core *c = &s->rm_core[hw_cpu_core(s->hw, pcpu)];
        c->rm_state = kvm_hc_with_in_host(c->rm_state, 1);
    }
    kvm_trace(s, (uint32_t)pcpu, KVM_TR_RUN_CORE, vc->vm->index, vc->vcpus[0]->id, vc->n_vcpus, 1);
    des_time cost = kvm_cost(s, pcpu, HW_COST_kvm_wait_for_nap);
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
        cost += kvm_cost(s, pcpu, HW_COST_kvm_handle_exit);
        if (v->hcall_active && v->hcall_needs_vm)
            cost += kvm_cost(s, pcpu, HW_COST_kvm_vm_hcall);
    }
    vc->pcpu = -1;
    host_task_compute(h, t, cost, runner_post, vc);
}

void kvm_runner_core_exited(kvm_vcore *vc)
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
    kvm_trace(s, (uint32_t)t->cpu, KVM_TR_VCORE_BLOCKED, vc->vm->index, r->id, vc->n_vcpus, 0);
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
    des_time step = kvm_cost(s, t->cpu, HW_COST_kvm_poll_check);
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
    kvm_sys *s = v->vm->sys;
    v->away = false;
    if (vc->state == KVM_VCORE_RUNNING && vc->pcpu >= 0 && !kvm_eem_exiting(vc->entry_exit_map)) {
        kvm_core_late_join(vc, v, t->cpu); /* a late joiner */
    } else if (vc->wq_sleeper) {
        vc->wq_sleeper = false; /* the vcore is runnable again */
        host_task_wake(h, vc->vcpus[0]->task, t->cpu);
    }
    (void)s;
    host_task_block(h, t); /* kvmppc_wait_for_exec */
}

static void vcpu_task_run(host *h, host_task *t)
{
    kvm_vcpu *v = t->ctx;
    kvm_vcore *vc = v->vc;
    if (v->ptid != 0) {
        if (v->user_pending) {
            v->user_pending = false;
            host_task_compute(h, t, kvm_cost(v->vm->sys, t->cpu, HW_COST_kvm_user_exit) + v->user_work,
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
        kvm_trace(s, (uint32_t)t->cpu, KVM_TR_VCORE_BLOCKED, vc->vm->index, r->id, vc->n_vcpus, 1);
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

static const host_task_ops vcpu_task_ops = {vcpu_task_run};

void kvm_vcpu_set_guest(kvm_vcpu *v, const kvm_guest_ops *ops, void *ctx)
{
    v->gops = ops;
    v->gctx = ctx;
}

void kvm_vm_start(kvm_sys *s, kvm_vm *vm)
{
    host_cpumask prim = {0};
    for (uint32_t cpu = 0; cpu < s->hw->ncpus; cpu++)
        if (hw_cpu_thread_in_core(s->hw, (int)cpu) == 0)
            host_cpumask_set(&prim, (int)cpu);
    for (uint32_t k = 0; k < vm->n_vcpus; k++) {
        kvm_vcpu *v = &vm->vcpus[k];
        if (!v->gops)
            HV_DIE("vm %s vcpu %u has no guest program", vm->cfg.name, k);
        char name[32];
        snprintf(name, sizeof name, "%.16s/vcpu%u", vm->cfg.name, k);
        host_cpumask aff = prim;
        /* first_core pins the runners (the vcores' cores); the other VCPU
         * threads, which run only for userspace work, float. */
        if (v->vc->runner_cpu_pin >= 0 && v->ptid == 0) {
            aff = (host_cpumask){0};
            host_cpumask_set(&aff, v->vc->runner_cpu_pin);
        }
        v->task = host_task_new(s->host, name, &aff, &vcpu_task_ops, v);
        host_task_start(s->host, v->task);
    }
}

/* ---- kicks and host IPIs ---------------------------------------------------- */

void kvm_fast_vcpu_kick(kvm_sys *s, kvm_vcpu *v, int from_cpu)
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

void kvm_host_resched(kvm_sys *s, int from_cpu, int to_cpu)
{
    host_smp_send_reschedule(s->host, from_cpu, to_cpu);
}

void kvm_redirect_send(kvm_sys *s, int from_cpu, int hcore)
{
    int hcpu = hw_core_first_cpu(s->hw, hcore);
    if (s->cfg.redirect_send == KVM_REDIRECT_SEND_4_11) {
        /* kvmppc_set_host_ipi + kvmhv_rm_send_ipi: a host IPI. */
        host_send_ipi(s->host, from_cpu, hcpu, PPC_MSG_RM_HOST_ACTION);
    } else {
        /* 4.6 icp_native_cause_ipi_rm: MFRR write, host_ipi not set (R5). */
        host_post_message(s->host, hcpu, PPC_MSG_RM_HOST_ACTION);
        hw_send_xics_ipi(s->hw, from_cpu, hcpu, HW_IPI_PRIORITY);
    }
}

const char *kvm_conservation(const kvm_sys *s)
{
    static char msg[200];
    uint64_t pending = 0;
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t k = 0; k < s->vms[i]->n_vcpus; k++)
            pending += s->vms[i]->vcpus[k].wake_t0 != 0;
    if (s->wakeups_sent != s->wakeups_consumed + s->wakeups_coalesced + pending) {
        snprintf(msg, sizeof msg,
                 "kvm: wakeups sent %llu != consumed %llu + coalesced %llu + pending %llu",
                 (unsigned long long)s->wakeups_sent, (unsigned long long)s->wakeups_consumed,
                 (unsigned long long)s->wakeups_coalesced, (unsigned long long)pending);
        return msg;
    }
    return NULL;
}
