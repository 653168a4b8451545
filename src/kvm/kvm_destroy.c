/*
 * kvm/kvm_destroy.c — destroying a VM while the other VMs run
 * (vm.NAME.destroy_at): QEMU quits, the VCPU tasks leave KVM_RUN, and the
 * VM is destroyed with M1's drain. See kvm_enums.h (KVM_VM_LIVES) and
 * docs/m1-redirect.md ("VM destroy and CPU offline under fire").
 *
 * Mirrors: QEMU's exit signalling every VCPU thread (signal_wake_up: an
 * interruptible sleep is woken, a running task is kicked with
 * kick_process -> smp_send_reschedule), the signal checks of
 * kvmppc_vcpu_run_hv / kvmppc_run_vcpu (-EINTR, signal_exits; in
 * kvm_runner.c), then, when the last VCPU thread is gone and the VM's last
 * reference drops, kvm_arch_destroy_vm: kick_all_cpus_sync() (a synchronous
 * CALL_FUNCTION to every other online CPU; the demux serves
 * RM_HOST_ACTION first, so every redirect posted before it has kicked)
 * before kvmppc_core_vcpu_free per VCPU (its timer cancelled),
 * kvmppc_core_destroy_vm_hv and kvmppc_xics_free.
 * QEMU's device teardown (kvm_vm_on_quit hooks): do_vm_stop's
 * pause_all_vcpus (the signals above) then vm_state_notify, whose virtio
 * handlers stop vhost (vhost_net_stop), and the close of the vhost-net and
 * tap fds at exit (vhost_net_release -> vhost_dev_stop, vhost_dev_cleanup:
 * the worker kthread stopped); workload/vnet.c models the device's side.
 *
 * Simplifications: every VCPU thread gets its signal at destroy_at at once;
 * QEMU's own teardown takes no time; the freed objects stay allocated
 * (poisoned: life FREED) so that kvm_check can catch a later use (I-no-UAF).
 * kvm.no_drain_dbg frees without kick_all_cpus_sync (the bug the check
 * must catch).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"

/* kvmppc_core_vcpu_free for each VCPU, kvmppc_core_destroy_vm_hv,
 * kvmppc_xics_free: nothing of the VM may be used from here on. */
static void vm_free(kvm_vm *vm)
{
    kvm_sys *s = vm->sys;
    for (uint32_t k = 0; k < vm->n_vcpus; k++) {
        kvm_vcpu *v = &vm->vcpus[k];
        HV_CHECK(v->act == KVM_ACT_OUT && !des_pending(s->sim, v->ev));
        des_cancel(s->sim, &v->dec_ev); /* hrtimer_cancel(&vcpu->arch.dec_timer) */
    }
    vm->life = KVM_VM_FREED;
    vm->freed_at = des_now(s->sim);
}

static void drained(void *arg) { vm_free(arg); }

/* kvm_arch_destroy_vm, from the CPU of the last VCPU thread to exit. */
static void vm_destroy(kvm_vm *vm, int cpu)
{
    kvm_sys *s = vm->sys;
    vm->life = KVM_VM_DRAINING;
    for (uint32_t c = 0; c < s->hw->ncores; c++)
        s->st.destroy_inflight += s->rm_core[c].rm_data && s->rm_core[c].rm_data->vm == vm;
    if (s->cfg.no_drain_dbg) {
        vm_free(vm); /* debug: no kick_all_cpus_sync */
        return;
    }
    host_kick_all_cpus_sync(s->host, cpu, drained, vm);
}

void kvm__destroy_task_exit(host *h, host_task *t, kvm_vcpu *v)
{
    kvm_vm *vm = v->vm;
    HV_CHECK(vm->life == KVM_VM_STOPPING && v->vstate != KVM_VCPU_RUNNABLE);
    host_task_exit(h, t);
    if (++vm->n_exited == vm->n_vcpus)
        vm_destroy(vm, t->cpu);
}

/* destroy_at: QEMU quits; every VCPU thread gets a signal. */
static void stop(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm_vm *vm = obj;
    host *h = vm->sys->host;
    vm->life = KVM_VM_STOPPING;
    for (uint32_t k = 0; k < vm->n_vcpus; k++) {
        host_task *t = vm->vcpus[k].task;
        if (t->state == HOST_TASK_SLEEPING)
            host_task_wake(h, t, -1); /* an interruptible sleep ends */
        else if (t->state == HOST_TASK_RUNNING && h->cpus[t->cpu].curr == t)
            host_smp_send_reschedule(h, -1, t->cpu); /* kick_process */
    }
    for (uint32_t i = 0; i < vm->n_quit_hooks; i++)
        vm->quit_hooks[i].fn(vm->quit_hooks[i].ctx, vm); /* vm_state_notify, fds closed */
}

void kvm_vm_on_quit(kvm_vm *vm, kvm_quit_fn fn, void *ctx)
{
    HV_CHECK(fn != NULL);
    vm->quit_hooks = hv_xrealloc(vm->quit_hooks, (vm->n_quit_hooks + 1) * sizeof *vm->quit_hooks);
    vm->quit_hooks[vm->n_quit_hooks++] = (kvm_quit_hook){fn, ctx};
}

void kvm__destroy_arm(kvm_vm *vm)
{
    if (vm->cfg.destroy_at)
        des_at(vm->sys->sim, vm->cfg.destroy_at, stop, vm, 0);
}
