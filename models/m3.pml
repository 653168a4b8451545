/*
 * models/m3.pml — the vcore sleep/wake handshake: set the pending bit, then
 * wake; arm the wait, then re-check.
 *
 * The algorithm (kvm-mechanisms.md A.9, C.12 R8; book3s_hv.c):
 *
 *   waker (icp_rm_set_vcpu_irq + kvmppc_fast_vcpu_kick_hv, or the M1
 *     handler): set_bit(EXTERNAL_LEVEL, &vcpu->pending_exceptions), then
 *     swake_up(&vc->wq): if the runner is on the wait queue, take it off
 *     and wake it
 *   runner (kvmppc_vcore_blocked): prepare_to_swait(&vc->wq) (on the
 *     queue, set_current_state: smp_mb), then kvmppc_vcore_check_block
 *     (re-check pending): pending -> finish_swait, run the VCPU; else
 *     schedule() until woken; a woken runner runs the VCPU, which takes its
 *     pending interrupt
 *
 * Model: two wakeups (two raises), one runner looping forever. Sequential
 * consistency.
 *
 * Switch (-D): BUG_CHECK_BEFORE_ARM — the runner checks pending before it
 * is on the wait queue (check, then arm, then sleep).
 *
 * Property (LTL, pan -a -N no_lost_wakeup):
 *   no_lost_wakeup  [] (pending -> <> !pending)  every raise is taken
 */
bit pending;    /* the VCPU's pending interrupt */
bit waiting;    /* the runner is on the vcore wait queue */

proctype Waker() {
    pending = 1;                           /* set_bit: raise before signal */
    atomic {                               /* swake_up */
        if
        :: waiting -> waiting = 0
        :: else -> skip
        fi
    }
}

proctype Runner() {
end_run:
    do
    :: pending -> pending = 0              /* runs: the guest takes it */
    :: else ->
#ifdef BUG_CHECK_BEFORE_ARM
        if
        :: pending -> skip
        :: else ->
            waiting = 1;
end_sleep:  waiting == 0                   /* schedule() until woken */
        fi
#else
        waiting = 1;                       /* prepare_to_swait (smp_mb) */
        if
        :: pending -> waiting = 0          /* finish_swait: do not sleep */
        :: else ->
end_sleep:  waiting == 0                   /* schedule() until woken */
        fi
#endif
    od
}

init {
    atomic {
        run Runner();
        run Waker();
        run Waker()
    }
}

ltl no_lost_wakeup { [] (pending -> <> !pending) }
