/*
 * kvm/kvm_runner.c — the virtual-mode side: every VCPU's host task
 * (kvmppc_vcpu_run_hv, kvmppc_run_vcpu), the task that runs a vcore (the
 * runner: kvmppc_run_core before and after real mode, post_guest_process,
 * kvmppc_handle_exit_hv), virtual-mode hypercalls in the VCPU's own task,
 * halt polling and sleeping (kvmppc_vcore_blocked). See kvm.h and
 * docs/kvm.md ("The VCPU tasks and the runner").
 *
 * A VCPU task, in its task context (host/host.h):
 *   run_vcpu_enter  kvmppc_run_vcpu: the VCPU becomes RUNNABLE; it joins a
 *                   running vcore late (kvmppc_start_thread from this CPU),
 *                   wakes a sleeping runner, or waits for the lock;
 *   run_vcpu_loop   while RUNNABLE: if the vcore is busy, sleep in
 *                   kvmppc_wait_for_exec; else become its runner
 *                   (vc->runner): every runnable VCPU ceded -> vcore_blocked,
 *                   else run_core; then loop;
 *   loop_done       the VCPU left the runnable set (RESUME_HOST): wake the
 *                   lowest runnable VCPU's task to take the runner role,
 *                   then its host work (host_work: the virtual-mode hcall,
 *                   an emulated MMIO store (kvm_mmio.c), userspace), then kvmppc_run_vcpu again;
 *   signal_exit     its VM is being destroyed (a signal pending,
 *                   kvm_destroy.c): -EINTR, the task exits.
 * The runner's kvmppc_run_core: prep + kvmppc_grab_hwthread (waiting in
 * udelay(1) steps while a secondary is KVM_HWTHREAD_IN_KERNEL), hand the
 * CPU to KVM (kvm_core.c runs the start loop and real mode), and after
 * thread 0 is back: kvmppc_wait_for_nap, kvmppc_release_hwthread,
 * kvmppc_set_host_core, post_guest_process (kvm_guest_exit per VCPU,
 * kvmppc_handle_exit_hv for a trap, RESUME_HOST VCPUs removed and their
 * tasks woken). Preemption is off from the start of kvmppc_run_core to the
 * end of post_guest_process, as the kernel's preempt_disable() is.
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "kvm/vcore_sync.h"

static void run_vcpu_enter(host *h, host_task *t, kvm_vcpu *v);
static void run_vcpu_loop(host *h, host_task *t, kvm_vcpu *v);
static void post_step(host *h, host_task *t, void *arg);
static void run_core(host *h, host_task *t, kvm_vcore *vc);
static void vcore_blocked(host *h, host_task *t, kvm_vcore *vc);

static bool prodded_runs(const kvm_vcpu *v)
{
    return v->prodded && v->vm->sys->cfg.h_prod == KVM_H_PROD_FIXED;
}

/* kvmppc_vcore_check_block inverted: some runnable VCPU can run. */
static bool vcore_woken(const kvm_vcore *vc)
{
    for (unsigned p = 0; p < 8; p++) {
        const kvm_vcpu *v = vc->vcpus[p];
        if (v && v->vstate == KVM_VCPU_RUNNABLE && (v->pending || prodded_runs(v) || !v->ceded))
            return true;
    }
    return false;
}

/* ---- host hooks while the runner's CPU is in KVM --------------------------- */

static void hook_intr(void *ctx, int cpu, hw_wake_reason cause)
{
    kvm_vcore *vc = ctx;
    kvm__intr_sink(vc->vm->sys, hw_thread_of(vc->vm->sys->hw, cpu), cause, false);
}

static void hook_tick(void *ctx, int cpu)
{
    kvm_vcore *vc = ctx;
    if (vc->state != KVM_VCORE_RUNNING)
        return;
    if (!kvm_eem_exiting(vc->entry_exit_map))
        kvm__m3_primary_timer(vc->vm->sys, cpu);
    kvm__core_hdec(vc);
}

static const host_kvm_hooks hooks = {hook_intr, hook_tick};

/* ---- kvmppc_run_core: before real mode ------------------------------------- */

void kvm__runner_enter(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    int cpu = t->cpu;
    host_cpu_enter_kvm(h, cpu, &hooks, vc);
    hw_set_sink(hw_thread_of(s->hw, cpu), kvm__intr_sink, s);
    kvm__core_run(vc, cpu);
}

/* kvmppc_grab_hwthread for every secondary of the core: hwthread_req = 1
 * (its vcpu/vcore pointers cleared), then wait in udelay(1) steps while a
 * thread is still KVM_HWTHREAD_IN_KERNEL (on its way back to nap). */
static void grab_step(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    int pcpu = t->cpu;
    bool busy = false;
    for (int p = 1; p < (int)s->hw->threads_per_subcore; p++) {
        hw_thread *th = hw_thread_of(s->hw, pcpu + p);
        if (!th->hwthread_req) {
            th->kvm_vcpu = NULL;
            th->kvm_vcore = NULL;
            th->napping = HW_NAPPING_NONE;
            th->hwthread_req = 1; /* after smp_wmb; then smp_mb */
        }
        busy |= th->hwthread_state == HW_HWTHREAD_IN_KERNEL;
    }
    if (busy) {
        if (++vc->grab_steps > 10000)
            HV_DIE("KVM: couldn't grab a secondary of cpu %d (vm %s vcore %u)", pcpu,
                   vc->vm->cfg.name, vc->index);
        vc->runner->st.grab_waits++;
        host_task_compute(h, t, kvm__cost(s, pcpu, HW_COST_udelay_step), grab_step, vc);
        return;
    }
    kvm__runner_enter(h, t, vc);
}

static void prep_done(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    HV_CHECK(hw_cpu_thread_in_core(vc->vm->sys->hw, t->cpu) == 0); /* on_primary_thread */
    if (vc->vm->sys->m3->on) { /* M3: stop_cpus_async instead of the grab */
        kvm__m3_park(h, t, vc);
        return;
    }
    vc->grab_steps = 0;
    grab_step(h, t, vc);
}

static void run_core(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    host_task_preempt(h, t, false); /* vc->lock, then preempt_disable until post_guest_process */
    vc->entry_t0 = des_now(s->sim);
    host_task_compute(h, t, kvm__cost(s, t->cpu, HW_COST_kvm_run_core_prep), prep_done, vc);
}

static void retry_done(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_vcpu *r = vc->runner;
    HV_CHECK(r && r->task == t);
    vc->runner = NULL;
    host_task_preempt(h, t, true);
    run_vcpu_loop(h, t, r);
}

void kvm__runner_retry(host *h, host_task *t, kvm_vcore *vc, des_time delay)
{
    host_task_compute(h, t, delay, retry_done, vc);
}

void kvm__runner_unlocked(kvm_vcore *vc)
{
    uint8_t late = vc->locked_arrivals;
    vc->locked_arrivals = 0;
    for (unsigned p = 0; p < 8; p++) {
        kvm_vcpu *v = vc->vcpus[p];
        if ((late & (1u << p)) && v->vstate == KVM_VCPU_RUNNABLE && !(vc->started & (1u << p)))
            kvm__core_late_join(vc, v, v->task->cpu);
    }
}

/* ---- kvmppc_run_core: after real mode --------------------------------------- */

static void runner_done(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_vcpu *r = vc->runner;
    HV_CHECK(r && r->task == t);
    vc->runner = NULL;
    run_vcpu_loop(h, t, r);
}

/* kvmppc_handle_exit_hv: the kvm_stat counters and the resume kind. */
static bool handle_exit(kvm_vcpu *v)
{
    v->st.exits++;
    switch (v->trap) {
    case KVM_TRAP_EXTERNAL:
    case KVM_TRAP_H_DOORBELL:
        v->st.ext_intr++;
        return true;
    case KVM_TRAP_HV_DECREMENTER:
        v->st.dec++;
        return true;
    case KVM_TRAP_SYSCALL:
        return !v->hcall_needs_vm; /* KVM_EXIT_PAPR_HCALL: RESUME_HOST */
    case KVM_TRAP_H_DATA_STORAGE:
        return false; /* RESUME_PAGE_FAULT: kvmppc_book3s_hv_page_fault in its task */
    default:
        return true;
    }
}

static void post_yield(host *h, host_task *t, void *arg) { runner_done(h, t, arg); }

/* post_guest_process, one runnable VCPU per step in ptid order. */
static void post_step(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    while (vc->post_next < 8) {
        kvm_vcpu *v = vc->vcpus[vc->post_next++];
        if (!v || v->vstate != KVM_VCPU_RUNNABLE)
            continue;
        kvm__trace(s, (uint32_t)t->cpu, KVM_TR_GUEST_EXIT, KVM_TR_WHO(vc->vm->index, vc->runner->id), v->id,
                   v->trap, v->ceded);
        des_time d = kvm__cost(s, t->cpu, HW_COST_kvm_post_guest);
        bool resume_guest = true;
        if (v->trap) {
            d += kvm__cost(s, t->cpu, HW_COST_kvm_handle_exit);
            resume_guest = handle_exit(v);
        }
        v->trap = 0;
        if (!resume_guest) {
            /* kvmppc_remove_runnable + wake_up(&vcpu->arch.cpu_run) */
            v->vstate = KVM_VCPU_BUSY_IN_HOST;
            vc->runnable &= (uint8_t)~(1u << v->ptid);
            if (v->task_waiting) {
                v->task_waiting = false;
                host_task_wake(h, v->task, t->cpu);
            }
        }
        host_task_compute(h, t, d, post_step, vc);
        return;
    }
    /* out: vcore_state = VCORE_INACTIVE, trace_kvmppc_run_core(vc, 1) */
    vc->state = KVM_VCORE_INACTIVE;
    kvm__trace(s, (uint32_t)t->cpu, KVM_TR_RUN_CORE, KVM_TR_WHO(vc->vm->index, vc->runner->id),
               (uint64_t)__builtin_popcount(vc->runnable), 1, 0);
    vc->last_pcpu = vc->pcpu;
    vc->pcpu = -1;
    /* preempt_enable(): a pending need_resched switches here, the vcore
     * stays with this runner (the kernel's VCORE_PREEMPT is not modelled:
     * a VCPU arriving meanwhile waits for the runner to come back) */
    host_task_preempt(h, t, true);
    host_task_compute(h, t, 0, post_yield, vc);
}

/* kvmppc_wait_for_nap: poll until every secondary cleared its kvm_vcore;
 * then release the threads, set the host core, post_guest_process. */
static void nap_wait(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    int pcpu = t->cpu;
    if (vc->loaded) {
        host_task_compute(h, t, kvm__cost(s, pcpu, HW_COST_kvm_wait_for_nap), nap_wait, vc);
        return;
    }
    des_time d = 0;
    for (int p = 0; p < (int)s->hw->threads_per_subcore; p++)
        d += kvm__core_release_hwthread(s, pcpu, pcpu + p);
    if (s->m3->on)
        kvm__m3_closed(s, pcpu);
    kvm__m1_set_host_core(s, pcpu, 1); /* kvmppc_set_host_core */
    vc->post_next = 0;
    if (d) { /* M3: the IPIs that wake the trapped secondaries */
        host_task_compute(h, t, d, post_step, vc);
        return;
    }
    post_step(h, t, vc);
}

static void runner_after_exit(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    HV_CHECK(t->cpu == vc->pcpu);
    host_task_compute(h, t, kvm__cost(vc->vm->sys, t->cpu, HW_COST_kvm_vcore_exit), nap_wait, vc);
}

void kvm__runner_core_exited(kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    vc->state = KVM_VCORE_EXITING;
    host_cpu_leave_kvm(s->host, vc->pcpu, runner_after_exit, vc);
}

/* ---- blocking: halt polling and sleeping (kvmppc_vcore_blocked) ---------- */

/* The end of kvmppc_vcore_blocked (out:): adjust the poll time, then
 * trace_kvmppc_vcore_wakeup(do_sleep, block_ns) in the runner's task on cpu. */
static void finish_block(kvm_vcore *vc, int cpu, bool waited)
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
    kvm__trace(s, (uint32_t)cpu, KVM_TR_VCORE_WAKEUP, KVM_TR_WHO(vc->vm->index, vc->runner->id), waited,
               block_ns, 0);
}

static void sleep_or_run(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    kvm_vcpu *r = vc->runner;
    /* prepare_to_swait, then re-check: no wakeup can be lost between. With
     * a signal pending (the VM stops) schedule() returns at once. */
    if (vcore_woken(vc) || vc->vm->life != KVM_VM_LIVE) {
        finish_block(vc, t->cpu, false);
        runner_done(h, t, vc);
        return;
    }
    vc->state = KVM_VCORE_SLEEPING;
    vc->wq_sleeper = true;
    r->st.halt_successful_wait++;
    kvm__trace(s, (uint32_t)t->cpu, KVM_TR_VCORE_BLOCKED, KVM_TR_WHO(vc->vm->index, r->id),
               (uint64_t)__builtin_popcount(vc->runnable), 0, 0);
    host_task_block(h, t);
}

/* The sleeping runner was woken (swake_up): back from schedule(). */
static void sleep_done(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    kvm_vcpu *r = vc->runner;
    r->st.halt_wait_ns += des_now(s->sim) - vc->block_start;
    kvm__trace(s, (uint32_t)t->cpu, KVM_TR_VCORE_BLOCKED, KVM_TR_WHO(vc->vm->index, r->id),
               (uint64_t)__builtin_popcount(vc->runnable), 1, 0);
    vc->wq_sleeper = false;
    finish_block(vc, t->cpu, true);
    runner_done(h, t, vc);
}

/* One iteration of the polling loop: stop on a runnable VCPU, at the poll
 * end, or when another task waits for this CPU (!single_task_running()). */
static void poll_step(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    kvm_vcpu *r = vc->runner;
    des_time now = des_now(s->sim);
    if (vcore_woken(vc)) {
        r->st.halt_successful_poll++;
        r->st.halt_poll_success_ns += now - vc->block_start;
        finish_block(vc, t->cpu, false);
        runner_done(h, t, vc);
        return;
    }
    if (now >= vc->poll_end || !host_cpu_single_task(h, t->cpu)) {
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
        vc->runner->st.halt_attempted_poll++;
        poll_step(h, t, vc);
        return;
    }
    sleep_or_run(h, t, vc);
}

/* ---- the VCPU task: kvmppc_vcpu_run_hv / kvmppc_run_vcpu ------------------- */

static void user_done(host *h, host_task *t, void *arg)
{
    run_vcpu_enter(h, t, arg);
}

/* The host work of an exit is done: kvmppc_vcpu_run_hv's loop goes back
 * into the guest (is_kvmppc_resume_guest), unless the work needs QEMU
 * (RESUME_HOST): out of KVM_RUN to QEMU and back first. */
static void after_host_work(host *h, host_task *t, kvm_vcpu *v)
{
    if (v->user_pending) {
        v->user_pending = false;
        host_task_compute(h, t, kvm__cost(v->vm->sys, t->cpu, HW_COST_kvm_user_exit) + v->user_work,
                          user_done, v);
        return;
    }
    run_vcpu_enter(h, t, v);
}

/* kvmppc_pseries_do_hcall, in the VCPU's task after kvm_hcall_enter. */
static void hcall_done(host *h, host_task *t, void *arg)
{
    kvm_vcpu *v = arg;
    kvm__hcall_virtual(v, t->cpu);
    after_host_work(h, t, v);
}

/* The emulated MMIO store done (kvmppc_book3s_hv_page_fault): the
 * ioeventfd signalled, or out to QEMU and back. */
static void mmio_done(host *h, host_task *t, void *arg)
{
    kvm_vcpu *v = arg;
    kvm__mmio_virtual(v, t->cpu);
    after_host_work(h, t, v);
}

/* kvmppc_vcpu_run_hv after kvmppc_run_vcpu returned: the host work, from
 * trace_kvm_hcall_enter (r3 = the hcall, r4 and r5 its arguments). */
static void host_work(host *h, host_task *t, kvm_vcpu *v)
{
    kvm_sys *s = v->vm->sys;
    if (v->mmio_active && v->mmio_needs_vm) {
        host_task_compute(h, t, kvm__mmio_cost(v, t->cpu), mmio_done, v);
        return;
    }
    HV_CHECK(v->hcall_active && v->hcall_needs_vm);
    kvm__trace(s, (uint32_t)t->cpu, KVM_TR_HCALL_ENTER, KVM_TR_WHO(v->vm->index, v->id), v->hcall, v->args[0],
               v->args[1]);
    host_task_compute(h, t, kvm__cost(s, t->cpu, HW_COST_kvm_vm_hcall), hcall_done, v);
}

/* A VCPU left the runnable set and its task leaves kvmppc_run_vcpu: if the
 * vcore is idle with VCPUs still runnable, wake one to run it. */
static void hand_on(host *h, host_task *t, kvm_vcore *vc)
{
    if (vc->runnable && vc->state == KVM_VCORE_INACTIVE && !vc->runner) {
        /* "Wake up some vcpu to run the core": the lowest runnable one */
        for (unsigned p = 0; p < 8; p++) {
            kvm_vcpu *w = vc->vcpus[p];
            if (w && w->vstate == KVM_VCPU_RUNNABLE) {
                if (w->task_waiting) {
                    w->task_waiting = false;
                    host_task_wake(h, w->task, t->cpu);
                }
                break;
            }
        }
    }
}

/* The VCPU left the runnable set: hand the runner role on, do the work. */
static void loop_done(host *h, host_task *t, kvm_vcpu *v)
{
    hand_on(h, t, v->vc);
    /* trace_kvmppc_run_vcpu_exit: the VCPU left for its hcall (handle_exit's
     * KVM_EXIT_PAPR_HCALL, vcpu->arch.ret = RESUME_HOST) or its MMIO page
     * fault (RESUME_PAGE_FAULT, exit_reason still KVM_EXIT_UNKNOWN) */
    bool mmio = v->mmio_active && v->mmio_needs_vm;
    HV_CHECK(mmio || v->hcall_needs_vm);
    kvm__trace(v->vm->sys, (uint32_t)t->cpu, KVM_TR_RUN_VCPU, KVM_TR_WHO(v->vm->index, v->id), 1,
               mmio ? KVM_RUN_EXIT_UNKNOWN : KVM_RUN_EXIT_PAPR_HCALL, mmio ? KVM_RESUME_PAGE_FAULT : KVM_RESUME_HOST);
    host_work(h, t, v);
}

/* kvmppc_run_vcpu with a signal pending (the VM stops, kvm_destroy.c): out
 * of the loop; wait (uninterruptibly) while another task runs the vcore,
 * then kvmppc_remove_runnable with -EINTR (signal_exits), wake a VCPU to
 * run the core, and the task exits. */
static void signal_exit(host *h, host_task *t, kvm_vcpu *v)
{
    kvm_vcore *vc = v->vc;
    if (vc->state == KVM_VCORE_RUNNING || vc->state == KVM_VCORE_EXITING ||
        (vc->state == KVM_VCORE_INACTIVE && vc->runner)) {
        v->task_waiting = true;
        host_task_block(h, t);
        return;
    }
    v->vstate = KVM_VCPU_BUSY_IN_HOST;
    vc->runnable &= (uint8_t)~(1u << v->ptid);
    v->st.sig++;
    hand_on(h, t, vc);
    /* trace_kvmppc_run_vcpu_exit: exit_reason KVM_EXIT_INTR, ret -EINTR */
    kvm__trace(v->vm->sys, (uint32_t)t->cpu, KVM_TR_RUN_VCPU, KVM_TR_WHO(v->vm->index, v->id), 1,
               KVM_RUN_EXIT_INTR, (uint64_t)(int64_t)KVM_RET_EINTR);
    kvm__destroy_task_exit(h, t, v);
}

static void run_vcpu_loop(host *h, host_task *t, kvm_vcpu *v)
{
    kvm_vcore *vc = v->vc;
    if (v->vstate != KVM_VCPU_RUNNABLE) {
        loop_done(h, t, v);
        return;
    }
    if (v->vm->life != KVM_VM_LIVE) {
        signal_exit(h, t, v);
        return;
    }
    if (vc->state != KVM_VCORE_INACTIVE || vc->runner) {
        v->task_waiting = true; /* kvmppc_wait_for_exec */
        host_task_block(h, t);
        return;
    }
    /* kvmppc_core_prepare_to_enter, and count the ceded VCPUs */
    int n_ceded = 0, n_runnable = 0;
    for (unsigned p = 0; p < 8; p++) {
        kvm_vcpu *w = vc->vcpus[p];
        if (!w || w->vstate != KVM_VCPU_RUNNABLE)
            continue;
        n_runnable++;
        if (!w->pending && !prodded_runs(w))
            n_ceded += w->ceded;
        else
            w->ceded = false;
    }
    vc->runner = v;
    if (n_ceded == n_runnable)
        vcore_blocked(h, t, vc);
    else
        run_core(h, t, vc);
}

static void run_vcpu_enter(host *h, host_task *t, kvm_vcpu *v)
{
    kvm_sys *s = v->vm->sys;
    kvm_vcore *vc = v->vc;
    if (v->vm->life != KVM_VM_LIVE) {
        /* kvmppc_vcpu_run_hv: signal_pending -> -EINTR before kvmppc_run_vcpu */
        v->vstate = KVM_VCPU_BUSY_IN_HOST;
        kvm__destroy_task_exit(h, t, v);
        return;
    }
    kvm__trace(s, (uint32_t)t->cpu, KVM_TR_RUN_VCPU, KVM_TR_WHO(v->vm->index, v->id), 0, 0, 0);
    v->vstate = KVM_VCPU_RUNNABLE;
    v->ceded = false;
    vc->runnable |= (uint8_t)(1u << v->ptid);
    if (vc->runner && vc->state == KVM_VCORE_INACTIVE) {
        vc->locked_arrivals |= (uint8_t)(1u << v->ptid); /* the runner holds vc->lock */
    } else if (vc->state == KVM_VCORE_RUNNING && !kvm_eem_exiting(vc->entry_exit_map)) {
        kvm__core_late_join(vc, v, t->cpu);
    } else if (vc->state == KVM_VCORE_SLEEPING && vc->wq_sleeper) {
        vc->wq_sleeper = false; /* swake_up(&vc->wq) */
        host_task_wake(h, vc->runner->task, t->cpu);
    }
    run_vcpu_loop(h, t, v);
}

static void vcpu_task_run(host *h, host_task *t)
{
    kvm_vcpu *v = t->ctx;
    kvm_vcore *vc = v->vc;
    if (vc->runner == v && vc->state == KVM_VCORE_SLEEPING) {
        sleep_done(h, t, vc);
        return;
    }
    switch (v->vstate) {
    case KVM_VCPU_NOTREADY: /* the first KVM_RUN */
        run_vcpu_enter(h, t, v);
        return;
    case KVM_VCPU_BUSY_IN_HOST: /* woken by post_guest_process */
        loop_done(h, t, v);
        return;
    case KVM_VCPU_RUNNABLE: /* woken in kvmppc_wait_for_exec */
        v->task_waiting = false;
        run_vcpu_loop(h, t, v);
        return;
    }
    HV_DIE("vm %s vcpu %u: task run in state %d", v->vm->cfg.name, v->id, v->vstate);
}

const host_task_ops kvm__runner_task_ops = {vcpu_task_run};
