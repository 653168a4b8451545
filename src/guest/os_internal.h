/*
 * guest/os_internal.h — the private seam of the guest kernel (guest/os.h):
 * what os.c (threads, run queues, wakeups), os_vcpu.c (the program each
 * VCPU runs: interrupts, tick, kernel work, switching, idle) and os_sync.c
 * (the futex mutex) share. Nothing outside src/guest/ includes it.
 */
#ifndef HV_GUEST_OS_INTERNAL_H
#define HV_GUEST_OS_INTERNAL_H

#include "guest/os.h"

/* What the compute in flight on a VCPU belongs to (guest_vcpu.owner). */
enum { GUEST_OWN_NONE, GUEST_OWN_THREAD, GUEST_OWN_KWORK, GUEST_OWN_IRQ, GUEST_OWN_TICK,
       GUEST_OWN_SWITCH };

/* --- os.c --- */
/* update_curr: charge the current thread the time since exec_start. */
void guest__update_curr(guest_vcpu *c);
/* Put a RUNNABLE thread on c's run queue (it is placed already). */
void guest__enqueue(guest_vcpu *c, guest_thread *t);
/* pick_next_entity: remove and return the leftmost queued thread, or NULL. */
guest_thread *guest__pick(guest_vcpu *c);
/* sched_ttwu_pending: enqueue c's wake_list (in its IPI handler). */
void guest__ttwu_pending(guest_vcpu *c);
/* check_preempt_tick for c's current thread. */
void guest__check_preempt_tick(guest_vcpu *c);
/* Call a thread-context function: exactly one action must follow. */
void guest__thread_cb(guest_thread *t, guest_thread_fn fn, void *arg);

/* --- os_vcpu.c --- */
/* smp_send_reschedule from `from` to `to`: queue the H_IPI on from. */
void guest__queue_ipi(guest_vcpu *from, guest_vcpu *to);
/* Kernel work that runs next on c (ttwu's time inside the waker). */
void guest__kwork_push_front(guest_vcpu *c, guest_kwork w);
extern const kvm_guest_ops guest__os_kvm_ops;
/* The behaviour of a VCPU's ksoftirqd thread (ctx = the guest_vcpu). */
extern const guest_thread_ops guest__ksoftirqd_ops;

#endif
