/*
 * kvm/kvm_internal.h — the kvm room's private seam: what its files share
 * with each other, and nothing else includes (as libuv's uv__ helpers).
 * Code outside src/kvm/ uses kvm/kvm.h only.
 *
 * Naming: kvm__<file>_<what> lives in src/kvm/kvm_<file>.c; the static
 * inline helpers below have no file.
 */
#ifndef HV_KVM_KVM_INTERNAL_H
#define HV_KVM_KVM_INTERNAL_H

#include "host/host.h"
#include "kvm/kvm.h"
#include "kvm/kvm_m3.h"

static inline hw_thread *kvm__thr(kvm_sys *s, int cpu) { return hw_thread_of(s->hw, cpu); }
static inline des_time kvm__cost(kvm_sys *s, int cpu, hw_cost_id id)
{
    return hw_cost(s->hw, kvm__thr(s, cpu), id);
}
/* A trace record of kind KVM_TR_* (kvm_enums.h) on a track (a CPU number). */
static inline void kvm__trace(kvm_sys *s, uint32_t track, int kind, uint64_t a0, uint64_t a1,
                              uint64_t a2, uint64_t a3)
{
    des_trace_emit(s->trace, des_now(s->sim), track, (uint16_t)(KVM_TRACE_BASE + kind), a0, a1,
                   a2, a3);
}

static inline kvm_sys *kvm__sys(const kvm_vcpu *v) { return v->vm->sys; }

/* --- kvm_vcpu.c: a VCPU on its thread --- */
/* Schedule v's next step, step(sim, v, arg), after delay: a loaded VCPU has
 * at most one pending step (v->ev, checked). */
void kvm__vcpu_at(kvm_vcpu *v, des_time delay, des_fn step, uint64_t arg);
/* v's thread activity (drives its timing accumulator, the hw mode and the
 * KVM_TR_ACT trace). */
void kvm__vcpu_set_act(kvm_sys *s, kvm_vcpu *v, kvm_act a);
/* An interrupt or exit stops the guest compute segment under way (its rest
 * is kept in v->act_left). */
void kvm__vcpu_pause(kvm_vcpu *v);
/* deliver_guest_interrupt + fast_guest_return: v goes (back) into the guest,
 * or joins an exit under way (after_intr: it just handled an interrupt). */
void kvm__vcpu_enter_guest(kvm_vcpu *v, bool after_intr);

/* --- kvm_hcall.c: hypercalls (the handlers of KVM_HCALLS) --- */
/* sc 1: the guest issued a hypercall (then the real-mode table). */
void kvm__hcall_start(kvm_vcpu *v, const kvm_gact *a);
/* The real-mode handler is done with rc after cost: back to the guest. */
void kvm__hcall_rm_return(kvm_vcpu *v, long rc, des_time cost);
/* kvmppc_pseries_do_hcall: the runner, on cpu after the core left the
 * guest, runs v's hcall in virtual mode (the KVM_HCALLS virtual handler). */
void kvm__hcall_virtual(kvm_vcpu *v, int cpu);

/* --- kvm_intr.c: interrupts, doorbells and cede on a thread KVM owns --- */
/* The hw sink KVM installs on a thread it owns (ctx = the kvm_sys). */
void kvm__intr_sink(void *ctx, hw_thread *t, hw_wake_reason cause, bool from_nap);
/* An interrupt condition taken by v's thread while it runs guest code. */
void kvm__intr_guest(kvm_vcpu *v, hw_wake_reason cause);
/* kvmppc_h_cede: the real-mode H_CEDE handler. */
void kvm__intr_cede(kvm_vcpu *v);

/* --- kvm_core.c: the whole core entering and leaving the guest --- */
/* kvmppc_run_core from the start loop on: the runner's task holds vc->lock
 * and has handed pcpu (thread 0 of the core) to KVM; the runnable VCPUs
 * are started, thread 0 enters real mode. */
void kvm__core_run(kvm_vcore *vc, int pcpu);
/* The cost to `from` of one IPI to thread `to` as kvmppc_ipi_thread (virt)
 * or kvmhv_rm_send_ipi (real mode) send it: a doorbell in the same core
 * with hw.msgsnd, else an MFRR store (virtual mode: sync; stb). */
des_time kvm__core_send_cost(kvm_sys *s, int from, int to, bool virt);
/* kvmppc_run_vcpu for a VCPU joining a running vcore: kvmppc_start_thread
 * from the joiner's CPU (a late joiner). */
void kvm__core_late_join(kvm_vcore *vc, kvm_vcpu *v, int from_cpu);
/* A secondary cleared the IPI that started it: kvmppc_hv_entry (or
 * secondary_too_late once an exit began). */
void kvm__core_secondary_enter(kvm_vcpu *v);
/* A secondary spinning in kvm_no_guest was given a VCPU (a des step). */
void kvm__core_spinner_go(des_sim *sim, void *obj, uint64_t arg);
/* v's thread leaves the guest for cause with vcpu->arch.trap = trap
 * (guest_exit_cont): rm_exit, kvmhv_commence_exit, save, switch to host. */
void kvm__core_exit(kvm_vcpu *v, kvm_exit_cause cause, uint32_t trap);
/* The first exiter's IPIs (kvmhv_commence_exit -> kvmhv_interrupt_vcore)
 * from thread `from` (ptid me), sent after `delay`. */
void kvm__core_commence_exit(kvm_vcore *vc, unsigned me, kvm_exit_cause cause, uint32_t trap,
                             int from, des_time delay);
/* An exit bit was set: waiting secondaries take no_switch_exit. */
void kvm__core_exiting(kvm_vcore *vc);
/* Thread 0 without a VCPU woke from its NOVCPU nap (kvm_novcpu_wakeup). */
void kvm__core_novcpu_wake(kvm_vcore *vc, hw_wake_reason cause);
/* Thread 0 without a VCPU leaves (kvm_novcpu_exit). */
void kvm__core_novcpu_exit(kvm_vcore *vc, uint32_t trap);
/* kvm_no_guest on cpu: spin while hwthread_req is set, else back to the
 * offline loop and nap. */
void kvm__core_no_guest(kvm_sys *s, int cpu);
/* kvmppc_release_hwthread(cpu); returns the time it costs the caller on
 * pcpu (M3: the IPI that wakes a trapped secondary). */
des_time kvm__core_release_hwthread(kvm_sys *s, int pcpu, int cpu);
/* The vcore entering (the start loop, the partition switch) or in the
 * guest (in_guest): its core's secondaries must be KVM's. */
bool kvm__core_entered(const kvm_vcore *vc);
/* A host timer fired on thread 0 while the core is in the guest: HDEC exit. */
void kvm__core_hdec(kvm_vcore *vc);

/* --- kvm_irq.c: carrying out XICS effects, raising and kicking VCPUs --- */
/* The VM's scratch effects list for the next XICS operation; it is empty
 * between operations (checked): only kvm__irq_effects empties it. */
struct xics_effects *kvm__irq_fx(kvm_vm *vm);
/* Carry out, in order, the effects the last XICS operation left in vm->fx,
 * then empty it. The one interpreter, by mode:
 *   XICS_REAL  on caller's thread in real mode (cpu = its thread): RAISE is
 *              icp_rm_set_vcpu_irq (*cost grows by the work it does), LOWER
 *              the caller's own line; KICK and NOTIFY_EOI are fatal (real
 *              mode records them in rm_action instead).
 *   XICS_VIRT  in host context on cpu (-1: none); caller is the VCPU whose
 *              hcall it is, or NULL for a device (kvm_set_irq): RAISE queues
 *              and kicks unless the target is the caller, LOWER needs a
 *              caller, KICK kicks, NOTIFY_EOI has no notifier to call.
 * Returns the outcome of the last RAISE (KVM_HIPI_VIRTUAL in virtual mode),
 * KVM_HIPI_NO_RAISE if none. */
kvm_hipi_outcome kvm__irq_effects(kvm_vm *vm, enum xics_mode mode, kvm_vcpu *caller, int cpu,
                                  des_time *cost);
/* Account a wakeup sent to v (wakeups sent = consumed + coalesced + pending). */
void kvm__irq_wake_note(kvm_sys *s, kvm_vcpu *v);
/* kvmppc_fast_vcpu_kick_hv from host context on from_cpu (-1: none). */
void kvm__irq_kick(kvm_sys *s, kvm_vcpu *v, int from_cpu);

/* --- kvm_m3.c: M3, online secondaries parked by a stopper (kvm_m3.h) --- */
void kvm__m3_init(kvm_sys *s);
void kvm__m3_free(kvm_sys *s);
void kvm__m3_reset(kvm_sys *s);
/* cpu is a secondary M3 has parked or is returning (not KVM_M3_HOST). */
bool kvm__m3_parked(const kvm_sys *s, int cpu);
/* The runner t on the primary, preemption off, after kvmppc_run_core's
 * prep: stop_cpus_async on every secondary, then check the flags; when all
 * are in, kvm__runner_enter; after m3_park_timeout, abandon and
 * kvm__runner_retry. */
void kvm__m3_park(host *h, host_task *t, kvm_vcore *vc);
/* A parked secondary goes back into its stopper and the host. */
void kvm__m3_return(kvm_sys *s, int cpu);
/* kvmppc_release_hwthread for a parked secondary: hwthread_req = 0, and an
 * IPI from pcpu if it naps trapped; returns the IPI's cost to pcpu. */
des_time kvm__m3_release(kvm_sys *s, int pcpu, int cpu);
/* The runner's release loop is done: the park of pcpu's core is closed. */
void kvm__m3_closed(kvm_sys *s, int pcpu);
/* A parked secondary without a VCPU took an interrupt: a host IPI stays
 * pending for the host (returns true: do not clear it). */
bool kvm__m3_hold_host_ipi(kvm_sys *s, hw_thread *t);
/* The primary's timer expired in the guest (its HDEC): was it the
 * anti-tickless kthread's? (counts m3.timer_exits) */
void kvm__m3_primary_timer(kvm_sys *s, int pcpu);

/* --- kvm_m1.c: M1, the H_IPI redirect over sys->rm_core --- */
/* kvmppc_alloc_host_rm_ops, the hotplug notifier, the RM_HOST_ACTION handler. */
void kvm__m1_init(kvm_sys *s);
/* The real-mode raise of tv, not loaded, from caller: when M1 applies and a
 * free host core is reserved, stash tv there, post RM_HOST_ACTION and return
 * true; *cost grows by the real-mode work done (probes, sends). */
bool kvm__m1_redirect(kvm_vcpu *caller, kvm_vcpu *tv, des_time *cost);
/* kvmppc_set_host_core / kvmppc_clear_host_core for pcpu's core (plain store). */
void kvm__m1_set_host_core(kvm_sys *s, int pcpu, uint32_t in_host);
/* kvmppc_read_intr on cpu decided that an XICS IPI was for the guest (no
 * host_ipi) and cleared it: if cpu is thread 0 of a core with a redirect
 * pending, that redirect's IPI was swallowed (race R5, the 4.6 send): its
 * kick now waits for the CPU's next host IPI (m1.r5_swallowed). */
void kvm__m1_guest_ipi(kvm_sys *s, int cpu);

/* --- kvm_destroy.c: destroying a VM while the others run --- */
/* Arm vm->cfg.destroy_at (from kvm_vm_start). */
void kvm__destroy_arm(kvm_vm *vm);
/* v's task (in its task context) left KVM_RUN with -EINTR because its VM
 * is stopping, and QEMU's VCPU thread ends: the task exits; the last one
 * destroys the VM (kvm_arch_destroy_vm). */
void kvm__destroy_task_exit(host *h, host_task *t, kvm_vcpu *v);

/* --- kvm_mmio.c: emulated MMIO stores (HDSI, ioeventfd, QEMU) --- */
/* The guest stored to an emulated MMIO address: the real-mode HDSI, then a
 * whole-core exit (cause mmio, trap H_DATA_STORAGE). */
void kvm__mmio_start(kvm_vcpu *v, uint64_t addr);
/* kvmppc_book3s_hv_page_fault's MMIO emulation in the VCPU's own task on
 * cpu: its time, then the store itself (the ioeventfd's fn, or a
 * userspace exit to QEMU: v->user_pending). */
des_time kvm__mmio_cost(kvm_vcpu *v, int cpu);
void kvm__mmio_virtual(kvm_vcpu *v, int cpu);

/* --- kvm_runner.c: virtual mode, the VCPU tasks and the vcore runner --- */
/* Thread 0 is back in the host partition: the runner continues in
 * virtual mode on pcpu (kvmppc_run_core after __kvmppc_vcore_entry). */
void kvm__runner_core_exited(kvm_vcore *vc);
/* The start loop is done and vc->lock dropped: VCPUs that became runnable
 * meanwhile join (kvmppc_run_vcpu after taking the lock). */
void kvm__runner_unlocked(kvm_vcore *vc);
/* The behaviour of the VCPU tasks (kvm_vm_start creates them). */
extern const host_task_ops kvm__runner_task_ops;
/* The runner t hands its CPU to KVM and the start loop begins (after the
 * grab, or M3's park). */
void kvm__runner_enter(host *h, host_task *t, kvm_vcore *vc);
/* The entry was abandoned before real mode (M3's park timed out): after
 * delay of the runner's time, preemption on, and back to
 * kvmppc_run_vcpu's loop, which tries again. */
void kvm__runner_retry(host *h, host_task *t, kvm_vcore *vc, des_time delay);

#endif
