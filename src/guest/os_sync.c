/*
 * guest/os_sync.c — a futex-backed mutex for guest threads (guest/os.h):
 * pthread_mutex_lock's fast path (an uncontended atomic, no time), and on
 * contention FUTEX_WAIT (guest.futex of kernel time, then sleep);
 * pthread_mutex_unlock with waiters: FUTEX_WAKE (guest.futex) of the first
 * waiter, which gets the mutex handed over (a simplification of glibc's
 * "wake one, let it retry": no lock stealing).
 *
 * Mirrors: futex_wait / futex_wake (kernel/futex.c); the wakeup is an
 * ordinary try_to_wake_up, not sync (the waker keeps running).
 */
#include "guest/os_internal.h"

#include "base/hv.h"


void guest_mutex_free(guest_mutex *m) { hv_ring_free(&m->waiters); }

/* After FUTEX_WAIT's kernel time, or after a wakeup: the mutex is ours once
 * it was handed over; otherwise sleep (again). */
static void after_wait(guest_os *os, guest_thread *t, void *arg)
{
    (void)arg;
    if (t->lock_m->owner == t) {
        guest_thread_fn done = t->lock_done;
        void *darg = t->lock_arg;
        t->lock_m = NULL;
        t->lock_done = NULL;
        t->lock_arg = NULL;
        done(os, t, darg);
        return;
    }
    guest_thread_wait(os, t, after_wait, NULL);
}

void guest_mutex_lock(guest_os *os, guest_thread *t, guest_mutex *m, guest_thread_fn done, void *arg)
{
    HV_CHECK(m->owner != t && !t->lock_m);
    if (!m->owner) {
        m->owner = t;
        done(os, t, arg);
        return;
    }
    m->contended++;
    *(guest_thread **)hv_ring_push(&m->waiters, sizeof t) = t;
    t->lock_m = m;
    t->lock_done = done;
    t->lock_arg = arg;
    guest_thread_compute(os, t, os->cfg.futex, after_wait, NULL);
}

void guest_mutex_unlock(guest_os *os, guest_thread *t, guest_mutex *m, guest_thread_fn done,
                        void *arg)
{
    HV_CHECK(m->owner == t);
    if (!m->waiters.n) {
        m->owner = NULL;
        done(os, t, arg);
        return;
    }
    guest_thread *w;
    hv_ring_pop(&m->waiters, &w);
    m->owner = w;
    guest_thread_wake(os, w, t->cpu, false);
    guest_thread_compute(os, t, os->cfg.futex, done, arg);
}
