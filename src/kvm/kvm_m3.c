/*
 * kvm/kvm_m3.c — M3: the secondaries of a core online in the host, parked
 * by their stoppers for a guest entry and returned to the host after the
 * exit. See kvm/kvm_m3.h (the protocol, its sources and choices) and
 * docs/m3-secondaries.md.
 *
 * Mirrors the RFC's protocol (linuxppc-dev, 17 Oct 2014, "[RFC 00/11]"):
 *   cpu1 (primary)                      cpuX (secondary)
 *                                       bring cpuX to a special state
 *                                       signal flag and trapped
 *   check for flag
 *   set up guest env and ipi cpuX
 * on top of the 4.x paths it replaces or extends: on_primary_thread /
 * kvmppc_grab_hwthread (the park instead of the grab), kvm_start_guest /
 * kvm_no_guest (a trapped secondary woken without a VCPU),
 * kvmppc_release_hwthread (the release IPI) and the offline loop's return
 * (pnv_wakeup_loss: here the return into the stopper).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"

#include <stdlib.h>

const char *kvm_m3_state_name(int s)
{
    static const char *const names[] = {
#define KVM_M3_N(e, n) n,
        KVM_M3_STATES(KVM_M3_N)
#undef KVM_M3_N
    };
    return s >= 0 && (size_t)s < HV_ARRAY_LEN(names) ? names[s] : "?";
}

static void kthread_fire(host *h, host_hrtimer *tm, int cpu)
{
    (void)h;
    (void)tm;
    (void)cpu; /* the kthread wakes and sleeps again: its run is not modelled */
}

void kvm__m3_init(kvm_sys *s)
{
    kvm_m3 *m = hv_xcalloc(1, sizeof *m);
    m->on = s->host->cfg.secondaries == HOST_SECONDARIES_ONLINE;
    m->thr = hv_xcalloc(s->hw->ncpus, sizeof *m->thr);
    m->core = hv_xcalloc(s->hw->ncpus, sizeof *m->core);
    for (uint32_t i = 0; i < s->hw->ncpus; i++)
        host_hrtimer_init(&m->core[i].kthread, kthread_fire, s);
    des_hist_init(&m->park_wait_ns);
    des_hist_init(&m->entry_ns);
    s->m3 = m;
}

void kvm__m3_free(kvm_sys *s)
{
    kvm_m3 *m = s->m3;
    if (!m)
        return;
    for (uint32_t i = 0; i < s->hw->ncpus; i++)
        host_hrtimer_cancel(s->host, &m->core[i].kthread);
    des_hist_free(&m->park_wait_ns);
    des_hist_free(&m->entry_ns);
    free(m->thr);
    free(m->core);
    free(m);
    s->m3 = NULL;
}

void kvm__m3_reset(kvm_sys *s)
{
    kvm_m3 *m = s->m3;
    des_time now = des_now(s->sim);
    for (uint32_t i = 0; i < s->hw->ncpus; i++)
        m->thr[i].stolen_ns = 0;
    m->st = (kvm_m3_stats){0};
    m->stats_since = now;
    des_hist_reset(&m->park_wait_ns);
    des_hist_reset(&m->entry_ns);
}

des_time kvm_m3_stolen_ns(const kvm_sys *s, int cpu)
{
    const kvm_m3 *m = s->m3;
    const kvm_m3_thread *r = &m->thr[cpu];
    des_time d = r->stolen_ns;
    if (r->state != KVM_M3_HOST) {
        des_time from = r->parked_at > m->stats_since ? r->parked_at : m->stats_since;
        d += des_now(s->sim) - from;
    }
    return d;
}

bool kvm__m3_parked(const kvm_sys *s, int cpu) { return s->m3->thr[cpu].state != KVM_M3_HOST; }

/* The (sub)core's primary of a thread, and its number of threads. */
static int primary_of(const kvm_sys *s, int cpu) { return cpu & ~(int)(s->hw->threads_per_subcore - 1); }
static int nthreads(const kvm_sys *s) { return (int)s->hw->threads_per_subcore; }

static bool stale(const kvm_sys *s, int cpu, uint32_t gen)
{
    const kvm_m3_core *c = &s->m3->core[primary_of(s, cpu)];
    return !c->parking || c->gen != gen;
}

/* ---- the secondary: the stopper's work ------------------------------------ */

static void stopper_back(host *h, host_task *t, void *arg)
{
    (void)arg;
    host_stop_done(h, t); /* the stopper returns to the scheduler */
}

/* Back in the stopper: stolen time ends, the host owns the CPU again. */
static void st_home(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    kvm_sys *s = obj;
    int cpu = (int)arg;
    kvm_m3 *m = s->m3;
    kvm_m3_thread *r = &m->thr[cpu];
    hw_thread *t = kvm__thr(s, cpu);
    r->stolen_ns = kvm_m3_stolen_ns(s, cpu);
    r->state = KVM_M3_HOST;
    if (r->deferred)
        m->st.host_ipis_deferred++;
    r->deferred = false;
    m->st.returns++;
    m->returns_total++;
    /* "we will invoke the handler explicitly in the guest exit path": a host
     * IPI whose doorbell a kvm_start_guest consumed leaves host_ipi or a
     * message with no interrupt condition; the doorbell handler runs. */
    if ((t->host_ipi || t->ipi_msgs) && hw_thread_intr_pending(t) == HW_WAKE_NONE)
        t->doorbell = 1;
    host_cpu_leave_kvm(s->host, cpu, stopper_back, NULL);
}

void kvm__m3_return(kvm_sys *s, int cpu)
{
    kvm_m3_thread *r = &s->m3->thr[cpu];
    hw_thread *t = kvm__thr(s, cpu);
    HV_CHECK(r->state == KVM_M3_PARKED || r->state == KVM_M3_RELEASED);
    t->hwthread_req = 0;
    t->kvm_vcpu = NULL;
    t->kvm_vcore = NULL;
    t->napping = HW_NAPPING_NONE;
    t->hwthread_state = HW_HWTHREAD_IN_KVM;
    if (t->mode != HW_MODE_KVM_RM)
        hw_set_mode(s->hw, t, HW_MODE_KVM_RM);
    r->state = KVM_M3_RETURNING;
    des_after(s->sim, kvm__cost(s, cpu, HW_COST_m3_stopper_return), st_home, s, (uint64_t)cpu);
}

/* "signal flag and trapped": the CPU is KVM's, the flag is up, nap. */
static void stopper_trap(host *h, host_task *ht, void *arg)
{
    kvm_sys *s = arg;
    kvm_m3 *m = s->m3;
    int cpu = ht->cpu;
    kvm_m3_thread *r = &m->thr[cpu];
    if (stale(s, cpu, r->gen)) { /* the entry was abandoned meanwhile */
        m->st.stale_stoppers++;
        host_stop_done(h, ht);
        return;
    }
    static const host_kvm_hooks parked = {NULL, NULL}; /* its timers wait: late */
    host_cpu_enter_kvm(h, cpu, &parked, s);
    hw_thread *t = kvm__thr(s, cpu);
    hw_set_sink(t, kvm__intr_sink, s);
    t->kvm_vcpu = NULL;
    t->kvm_vcore = NULL;
    t->napping = HW_NAPPING_NONE;
    t->hwthread_req = 1;
    t->hwthread_state = HW_HWTHREAD_IN_NAP;
    r->state = KVM_M3_PARKED;
    r->parked_at = des_now(s->sim);
    r->deferred = false;
    m->st.parks++;
    m->parks_total++;
    hw_nap_enter(s->hw, t, HW_MODE_OFFLINE_NAP);
}

/* The stopper's work for entry `gen` of its core. */
static void stopper_fn(host *h, host_task *ht, void *arg, uint64_t gen)
{
    kvm_sys *s = arg;
    kvm_m3 *m = s->m3;
    int cpu = ht->cpu;
    if (stale(s, cpu, (uint32_t)gen)) {
        m->st.stale_stoppers++;
        host_stop_done(h, ht);
        return;
    }
    m->thr[cpu].gen = (uint32_t)gen;
    if (!host_cpu_single_task(h, cpu))
        m->st.parks_preempting++; /* a host task was preempted or waits */
    host_task_compute(h, ht, kvm__cost(s, cpu, HW_COST_m3_stopper_park), stopper_trap, s);
}

/* ---- the primary: park, check the flags, timeout ---------------------------- */

static bool all_flags(const kvm_sys *s, int pcpu, uint32_t gen)
{
    for (int p = 1; p < nthreads(s); p++) {
        const kvm_m3_thread *r = &s->m3->thr[pcpu + p];
        if (r->state != KVM_M3_PARKED || r->gen != gen)
            return false;
    }
    return true;
}

/* The anti-tickless kthread: the primary's timer covers the secondaries'
 * earliest host hrtimer, no sooner than the threshold. */
static void arm_kthread(kvm_sys *s, int pcpu)
{
    des_time due = DES_TIME_MAX;
    for (int p = 1; p < nthreads(s); p++) {
        des_time d = host_cpu_next_hrtimer(s->host, pcpu + p);
        if (d < due)
            due = d;
    }
    if (due == DES_TIME_MAX)
        return;
    des_time floor = des_now(s->sim) + kvm__cost(s, pcpu, HW_COST_m3_timer_threshold);
    host_hrtimer_start(s->host, &s->m3->core[pcpu].kthread, pcpu, due > floor ? due : floor);
}

static des_time release_all(kvm_sys *s, int pcpu)
{
    des_time d = 0;
    for (int p = 1; p < nthreads(s); p++)
        d += kvm__m3_release(s, pcpu, pcpu + p);
    return d;
}

static void park_poll(host *h, host_task *t, void *arg)
{
    kvm_vcore *vc = arg;
    kvm_sys *s = vc->vm->sys;
    kvm_m3 *m = s->m3;
    int pcpu = t->cpu;
    kvm_m3_core *c = &m->core[pcpu];
    des_time now = des_now(s->sim);
    if (all_flags(s, pcpu, c->gen)) {
        des_hist_add(&m->park_wait_ns, now - c->t0);
        arm_kthread(s, pcpu);
        kvm__runner_enter(h, t, vc);
        return;
    }
    if (now - c->t0 >= kvm__cost(s, pcpu, HW_COST_m3_park_timeout)) {
        m->st.park_timeouts++;
        des_time d = release_all(s, pcpu);
        kvm__m3_closed(s, pcpu);
        kvm__runner_retry(h, t, vc, d);
        return;
    }
    host_task_compute(h, t, kvm__cost(s, pcpu, HW_COST_m3_flag_poll), park_poll, vc);
}

void kvm__m3_park(host *h, host_task *t, kvm_vcore *vc)
{
    kvm_sys *s = vc->vm->sys;
    int pcpu = t->cpu;
    HV_CHECK(primary_of(s, pcpu) == pcpu);
    kvm_m3_core *c = &s->m3->core[pcpu];
    HV_CHECK(!c->parking);
    c->gen++;
    c->parking = true;
    c->t0 = des_now(s->sim);
    des_time d = 0;
    for (int p = 1; p < nthreads(s); p++) {
        /* an offline secondary queues nothing: its flag never comes (timeout) */
        host_stop_cpu_async(h, pcpu, pcpu + p, stopper_fn, s, c->gen);
        d += kvm__cost(s, pcpu, HW_COST_m3_stop_queue);
    }
    host_task_compute(h, t, d, park_poll, vc);
}

/* ---- release -------------------------------------------------------------- */

des_time kvm__m3_release(kvm_sys *s, int pcpu, int cpu)
{
    kvm_m3_thread *r = &s->m3->thr[cpu];
    if (r->state != KVM_M3_PARKED)
        return 0; /* back in the host already (it ran a VCPU), or never parked */
    hw_thread *t = kvm__thr(s, cpu);
    t->hwthread_req = 0;
    if (t->mode == HW_MODE_OFFLINE_NAP) {
        /* trapped in nap: the IPI wakes it into the return (kvmppc_ipi_thread) */
        r->state = KVM_M3_RELEASED;
        r->released_at = des_now(s->sim);
        hw_ipi_thread(s->hw, pcpu, cpu);
        return kvm__core_send_cost(s, pcpu, cpu, true);
    }
    /* spinning in kvm_no_guest: it sees hwthread_req = 0 */
    HV_CHECK(t->mode == HW_MODE_KVM_RM && !t->kvm_vcore);
    kvm__m3_return(s, cpu);
    return 0;
}

void kvm__m3_closed(kvm_sys *s, int pcpu)
{
    kvm_m3_core *c = &s->m3->core[pcpu];
    c->parking = false;
    /* an expired kthread timer still runs (late) when the primary takes its
     * decrementer; a pending one is cancelled with the park */
    if (!c->kthread.expired)
        host_hrtimer_cancel(s->host, &c->kthread);
}

/* ---- interrupts on a parked secondary ------------------------------------- */

bool kvm__m3_hold_host_ipi(kvm_sys *s, hw_thread *t)
{
    kvm_m3_thread *r = &s->m3->thr[t->cpu];
    if (r->state == KVM_M3_HOST || !t->host_ipi)
        return false;
    r->deferred = true;
    return true;
}

void kvm__m3_primary_timer(kvm_sys *s, int pcpu)
{
    if (s->m3->on && s->m3->core[pcpu].kthread.expired)
        s->m3->st.timer_exits++;
}
