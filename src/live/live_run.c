/* Live engine: the run — host cores up, then `epochs` VM lifetimes (create,
 * run senders and runners, settle or not, destroy with the drain, free),
 * with the checker's quiescent-point checks. See live.h. */
#define _GNU_SOURCE /* CPU_SET for the pinning list */
#include "live/live_internal.h"

#include "base/hv.h"
#include "hw/ipimsg.h"
#include "kvm/hostcore.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static void start(pthread_t *th, void *(*fn)(void *), void *arg)
{
    int rc = pthread_create(th, NULL, fn, arg);
    if (rc)
        HV_DIE("live: pthread_create: %s", strerror(rc));
}

static void join(pthread_t th)
{
    int rc = pthread_join(th, NULL);
    if (rc)
        HV_DIE("live: pthread_join: %s", strerror(rc));
}

/* Sender j runs the guest on core ((2j+1) * ncores) / (2 * senders): spread
 * evenly, so the upstream scan (my_core+1 .. then 0 ..) starts at different
 * places. Its word stays (0, 0): that core is in a guest. */
static void layout(live_sys *s)
{
    const live_cfg *c = &s->cfg;
    s->ncores = c->cores + c->senders;
    if (posix_memalign((void **)&s->core, 128, s->ncores * sizeof *s->core))
        HV_DIE("live: out of memory for %u cores", s->ncores);
    memset(s->core, 0, s->ncores * sizeof *s->core);
    for (unsigned i = 0; i < s->ncores; i++) {
        live_core *k = &s->core[i];
        k->index = i;
        k->sys = s;
        k->host = true;
        k->rng = des_rng_stream(c->seed, 0, des_rng_id(LIVE_RNG_CORE, i));
    }
    for (unsigned j = 0; j < c->senders; j++)
        s->core[((2 * j + 1) * s->ncores) / (2 * c->senders)].host = false;
    /* kvmppc_alloc_host_rm_ops: in_host = 1 for every online thread 0. */
    for (unsigned i = 0; i < s->ncores; i++)
        atomic_store_explicit(&s->core[i].rm_state, kvm_hc_make(s->core[i].host, 0),
                              memory_order_relaxed);
}

static unsigned sender_core(const live_sys *s, unsigned j)
{
    return ((2 * j + 1) * s->ncores) / (2 * s->cfg.senders);
}

static void allowed_cpus(live_sys *s)
{
    cpu_set_t set;
    s->ncpus = 0;
    s->cpus = hv_xcalloc(CPU_SETSIZE, sizeof *s->cpus);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (unsigned i = 0; i < CPU_SETSIZE; i++)
            if (CPU_ISSET(i, &set))
                s->cpus[s->ncpus++] = i;
    if (!s->ncpus)
        s->cpus[s->ncpus++] = 0;
}

/* kvm_create_vm + the VCPUs (each its own allocation) + the XICS device. */
static live_vm *vm_create(live_sys *s, unsigned epoch)
{
    const live_cfg *c = &s->cfg;
    live_vm *vm = hv_xcalloc(1, sizeof *vm);
    vm->epoch = epoch;
    vm->n = c->senders + c->targets;
    struct xics_cfg xc = {.nr_servers = vm->n, .real_mode = true, .commit = XICS_COMMIT_ATOMIC};
    vm->x = xics_create(&xc);
    vm->vcpu = hv_xcalloc(vm->n, sizeof *vm->vcpu);
    struct xics_effects fx = {0};
    for (uint32_t i = 0; i < vm->n; i++) {
        vm->vcpu[i] = hv_xcalloc(1, sizeof *vm->vcpu[i]);
        vm->vcpu[i]->server = i;
        vm->vcpu[i]->epoch = epoch;
        HV_CHECK(xics_create_icp(vm->x, i) == HV_OK);
        /* The guest opens its CPPR (H_CPPR 0xFF) before taking interrupts. */
        uint64_t args[2] = {0xFF, 0}, ret[2];
        int rc = xics_rm_hcall(vm->x, i, XICS_H_CPPR, args, ret, &fx);
        HV_CHECK(xics_rm_finish(vm->x, i, rc) == XICS_H_SUCCESS);
        xics_fx_reset(&fx);
    }
    xics_fx_fini(&fx);
    return vm;
}

static void worker_init(live_worker *w, live_sys *s, live_vm *vm, live_vcpu *me, unsigned index,
                        uint32_t kind)
{
    memset(w, 0, sizeof *w);
    w->sys = s;
    w->vm = vm;
    w->me = me;
    w->index = index;
    w->rng = des_rng_stream(s->cfg.seed, vm->epoch, des_rng_id(kind, index));
    des_hist_init(&w->send_ns);
    des_hist_init(&w->direct_ns);
    des_hist_init(&w->find_ns);
    des_hist_init(&w->wake_ns);
}

/* Fold a joined worker into the result and free its buffers. */
static void worker_fold(live_worker *w, live_result *r)
{
    r->hipi += w->hipi;
    r->raises += w->raises;
    r->redirected += w->redirected;
    r->fallback += w->fallback;
    r->finds += w->finds;
    r->probes += w->probes;
    r->cas_tries += w->cas_tries;
    r->cas_fails += w->cas_fails;
    r->accepts += w->accepts;
    r->wakeups += w->wakeups;
    des_hist_merge(&r->send_ns, &w->send_ns);
    des_hist_merge(&r->direct_ns, &w->direct_ns);
    des_hist_merge(&r->find_ns, &w->find_ns);
    des_hist_merge(&r->wake_ns, &w->wake_ns);
    des_hist_free(&w->send_ns);
    des_hist_free(&w->direct_ns);
    des_hist_free(&w->find_ns);
    des_hist_free(&w->wake_ns);
    xics_fx_fini(&w->fx);
    xics_fx_fini(&w->fx2);
}

static uint64_t sum_handled(const live_sys *s)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < s->ncores; i++)
        n += atomic_load_explicit(&s->core[i].handled, memory_order_relaxed);
    return n;
}

/* A target is settled when its runner sleeps with nothing pending and its
 * ICP holds no IPI. Checker loads are relaxed throughout: the checker must
 * not add the synchronisation the protocol is supposed to provide. */
static bool settled(const live_vm *vm, uint32_t first)
{
    for (uint32_t i = first; i < vm->n; i++) {
        const live_vcpu *v = vm->vcpu[i];
        uint64_t w = xics_icp_word(vm->x, i);
        if (atomic_load_explicit(&v->pending, memory_order_relaxed) ||
            atomic_load_explicit(&v->waiting, memory_order_relaxed) != 1 ||
            xics_icp_xisr(w) != XICS_IRQ_SPURIOUS || xics_icp_mfrr(w) != XICS_LOWEST_PRIORITY)
            return false;
    }
    return true;
}

/* I-no-lost-wakeup: with the senders stopped, every redirect is handled and
 * every target ends asleep with nothing pending, within the watchdog; then
 * the XICS state is quiescent and xics_check() must pass. */
static void settle(live_sys *s, live_vm *vm, uint64_t redirected)
{
    uint64_t t0 = live_now_ns();
    while (sum_handled(s) != redirected || !settled(vm, s->cfg.senders)) {
        if (live_now_ns() - t0 > s->cfg.watchdog_ns)
            live_violation(s, true, "VM %u did not settle: %llu of %llu redirects handled, "
                           "targets %s (I-no-lost-wakeup)", vm->epoch,
                           (unsigned long long)sum_handled(s), (unsigned long long)redirected,
                           settled(vm, s->cfg.senders) ? "idle" : "still pending or awake");
        sched_yield();
    }
    const char *bad = xics_check(vm->x);
    if (bad)
        live_violation(s, true, "VM %u: xics_check: %s (I-ICP)", vm->epoch, bad);
}

/* I-no-UAF at free time: no core's rm_data points into the VM and no
 * RM_HOST_ACTION is pending. Then (after a drain) every reservation is
 * released: reserved == released and the word is (in_host, 0). */
static void check_destroy(live_sys *s, const live_vm *vm, bool drained)
{
    for (unsigned i = 0; i < s->ncores; i++) {
        live_core *c = &s->core[i];
        live_vcpu *d = atomic_load_explicit(&c->rm_data, memory_order_relaxed);
        uint64_t msgs = atomic_load_explicit(&c->msgs, memory_order_relaxed);
        for (uint32_t k = 0; d && k < vm->n; k++)
            if (d == vm->vcpu[k])
                live_violation(s, !LIVE_ASAN, "VM %u: VCPU %u freed while core %u's rm_data "
                               "points to it (I-no-UAF)", vm->epoch, k, i);
        if (hw_msg_test(msgs, PPC_MSG_RM_HOST_ACTION))
            live_violation(s, !LIVE_ASAN, "VM %u: VCPUs freed with an RM_HOST_ACTION pending "
                           "on core %u (I-no-UAF)", vm->epoch, i);
        if (!drained)
            continue;
        uint64_t res = atomic_load_explicit(&c->chk_reserved, memory_order_relaxed);
        uint64_t rel = atomic_load_explicit(&c->chk_released, memory_order_relaxed);
        uint64_t w = atomic_load_explicit(&c->rm_state, memory_order_relaxed);
        if (res != rel || kvm_hc_action(w) || d)
            live_violation(s, true, "core %u after the drain: reserved %llu, released %llu, "
                           "state %s, rm_data %s (I-reservation-released)", i,
                           (unsigned long long)res, (unsigned long long)rel,
                           kvm_hc_state_name(kvm_hc_state_of(w)), d ? "set" : "NULL");
    }
}

/* kvm_arch_destroy_vm: the VCPU threads are gone; drain; free. */
static void vm_destroy(live_sys *s, live_vm *vm)
{
    bool drain = s->cfg.bug != LIVE_BUG_NO_DRAIN;
    if (drain)
        live_kick_all_cpus_sync(s);
    check_destroy(s, vm, drain);
    atomic_store_explicit(&s->freed_upto, vm->epoch, memory_order_relaxed);
    for (uint32_t i = 0; i < vm->n; i++)
        free(vm->vcpu[i]); /* kvmppc_core_vcpu_free: really freed */
    free(vm->vcpu);
    xics_destroy(vm->x);
    free(vm);
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* One VM lifetime. settle_it: wait for quiescence before destroying (else
 * destroy with messages in flight, which is what the drain is for). */
static void epoch(live_sys *s, unsigned e, bool settle_it, live_result *r)
{
    const live_cfg *c = &s->cfg;
    live_vm *vm = vm_create(s, e);
    live_worker *snd = hv_xcalloc(c->senders, sizeof *snd);
    live_worker *run = hv_xcalloc(c->targets, sizeof *run);
    for (unsigned t = 0; t < c->targets; t++) {
        worker_init(&run[t], s, vm, vm->vcpu[c->senders + t], t, LIVE_RNG_RUNNER);
        start(&run[t].th, live_runner_main, &run[t]);
    }
    atomic_store_explicit(&s->stop_senders, 0, memory_order_relaxed);
    for (unsigned j = 0; j < c->senders; j++) {
        worker_init(&snd[j], s, vm, vm->vcpu[j], j, LIVE_RNG_SENDER);
        snd[j].my_core = sender_core(s, j);
        start(&snd[j].th, live_sender_main, &snd[j]);
    }
    /* The measured window opens when every sender runs (thread start-up
     * can take longer than a short duration) and closes when all are done. */
    while (atomic_load_explicit(&s->senders_running, memory_order_acquire) < c->senders)
        sched_yield();
    uint64_t t0 = live_now_ns();
    if (!c->iterations) {
        sleep_ns(c->duration_ns);
        atomic_store_explicit(&s->stop_senders, 1, memory_order_release);
    }
    uint64_t redirected = 0;
    for (unsigned j = 0; j < c->senders; j++) {
        join(snd[j].th);
        redirected += snd[j].redirected;
    }
    r->elapsed_s += (double)(live_now_ns() - t0) * 1e-9;
    atomic_store_explicit(&s->senders_running, 0, memory_order_relaxed);
    if (settle_it)
        settle(s, vm, s->redirected_before + redirected);
    /* The VCPU threads leave (their tasks exit before the VM is destroyed). */
    atomic_store_explicit(&s->stop_vcpus, 1, memory_order_release);
    for (unsigned t = 0; t < c->targets; t++)
        live_kick(run[t].me);
    for (unsigned t = 0; t < c->targets; t++)
        join(run[t].th);
    atomic_store_explicit(&s->stop_vcpus, 0, memory_order_relaxed);
    s->redirected_before += redirected;
    for (unsigned j = 0; j < c->senders; j++)
        worker_fold(&snd[j], r);
    for (unsigned t = 0; t < c->targets; t++)
        worker_fold(&run[t], r);
    r->icp_cas_fails += atomic_load_explicit(&vm->x->n_cas_fail, memory_order_relaxed);
    vm_destroy(s, vm);
    free(snd);
    free(run);
}

int live_run(const live_cfg *cfg, live_result *r)
{
    const char *bad = live_cfg_check(cfg);
    if (bad) {
        snprintf(r->violation, sizeof r->violation, "%s", bad);
        return HV_EINVAL;
    }
    live_sys *s = hv_xcalloc(1, sizeof *s);
    s->cfg = *cfg;
    allowed_cpus(s);
    r->cpus = s->ncpus;
    layout(s);
    for (unsigned i = 0; i < s->ncores; i++)
        if (s->core[i].host)
            start(&s->core[i].th, live_core_main, &s->core[i]);
    for (unsigned e = 1; e <= cfg->epochs; e++)
        epoch(s, e, e % 2 == 0 || e == cfg->epochs, r);
    atomic_store_explicit(&s->stop_cores, 1, memory_order_release);
    for (unsigned i = 0; i < s->ncores; i++) {
        live_core *c = &s->core[i];
        if (!c->host)
            continue;
        if (atomic_exchange_explicit(&c->idle, 0, memory_order_seq_cst))
            live_futex_wake(&c->idle);
        join(c->th);
        r->handled += atomic_load_explicit(&c->handled, memory_order_relaxed);
        r->reserved_left_host += atomic_load_explicit(&c->reserved_left_host, memory_order_relaxed);
        r->guest_entries += atomic_load_explicit(&c->guest_entries, memory_order_relaxed);
        r->guest_ipi_exits += atomic_load_explicit(&c->guest_ipi_exits, memory_order_relaxed);
    }
    r->drains = atomic_load_explicit(&s->drains, memory_order_relaxed);
    /* Every reservation handled exactly once (each VM ended with a drain). */
    if (cfg->bug != LIVE_BUG_NO_DRAIN && r->handled != r->redirected)
        live_violation(s, true, "%llu redirects but %llu handler kicks (I-reservation-released)",
                       (unsigned long long)r->redirected, (unsigned long long)r->handled);
    r->violations = atomic_load_explicit(&s->violations, memory_order_relaxed);
    if (r->violations)
        memcpy(r->violation, s->violation, sizeof r->violation);
    free(s->core);
    free(s->cpus);
    free(s);
    return r->violations ? HV_ECHECK : HV_OK;
}
