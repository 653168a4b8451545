/*
 * guest/os.c — the guest kernel's threads, run queues and wakeups: thread
 * creation and the thread-context actions, the CFS-like run queue per
 * VCPU, try_to_wake_up with its placement and reschedule IPIs, the tick's
 * preemption check. See guest/os.h.
 *
 * Mirrors (kernel/sched/, Linux 4.x): update_curr, update_min_vruntime,
 * place_entity, enqueue/pick_next_entity, try_to_wake_up ->
 * select_task_rq_fair (wake_affine_idle's sync rule, select_idle_sibling)
 * -> ttwu_queue (ttwu_queue_remote / ttwu_do_activate) ->
 * check_preempt_wakeup -> resched_curr, sched_ttwu_pending,
 * check_preempt_tick.
 */
#include "guest/os_internal.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *guest_thread_state_name(int s)
{
    static const char *const names[] = {
#define GUEST_TS_NAME(e, n) n,
        GUEST_THREAD_STATES(GUEST_TS_NAME)
#undef GUEST_TS_NAME
    };
    return s >= 0 && (size_t)s < HV_ARRAY_LEN(names) ? names[s] : "?";
}

des_time guest_os_now(const guest_os *os) { return des_now(os->vm->sys->sim); }

/* ---- the run queue: a binary heap by (vruntime, rq_seq) ------------------- */

static bool before(const guest_thread *a, const guest_thread *b)
{
    return a->vruntime != b->vruntime ? a->vruntime < b->vruntime : a->rq_seq < b->rq_seq;
}

static void heap_set(guest_vcpu *c, uint32_t i, guest_thread *t)
{
    c->rq[i] = t;
    t->rq_pos = i;
}

static void sift_up(guest_vcpu *c, uint32_t i)
{
    guest_thread *t = c->rq[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!before(t, c->rq[p]))
            break;
        heap_set(c, i, c->rq[p]);
        i = p;
    }
    heap_set(c, i, t);
}

static void sift_down(guest_vcpu *c, uint32_t i)
{
    guest_thread *t = c->rq[i];
    for (;;) {
        uint32_t l = 2 * i + 1, m = i;
        const guest_thread *best = t;
        if (l < c->nr && before(c->rq[l], best))
            m = l, best = c->rq[l];
        if (l + 1 < c->nr && before(c->rq[l + 1], best))
            m = l + 1;
        if (m == i)
            break;
        heap_set(c, i, c->rq[m]);
        i = m;
    }
    heap_set(c, i, t);
}

static void heap_remove(guest_vcpu *c, guest_thread *t)
{
    uint32_t i = t->rq_pos;
    HV_CHECK(i < c->nr && c->rq[i] == t);
    t->rq_pos = GUEST_NO_POS;
    c->nr--;
    c->os->nr_waiting--;
    if (i == c->nr)
        return;
    heap_set(c, i, c->rq[c->nr]);
    sift_down(c, i);
    sift_up(c, c->rq[i]->rq_pos);
}

/* update_min_vruntime: monotonic, the smaller of curr's and the leftmost's. */
static void update_min_vruntime(guest_vcpu *c)
{
    des_time vr = c->min_vruntime;
    bool have = false;
    if (c->curr) {
        vr = c->curr->vruntime;
        have = true;
    }
    if (c->nr) {
        des_time l = c->rq[0]->vruntime;
        vr = have && vr < l ? vr : l;
        have = true;
    }
    if (have && vr > c->min_vruntime)
        c->min_vruntime = vr;
}

void guest__update_curr(guest_vcpu *c)
{
    des_time now = guest_os_now(c->os);
    if (c->curr) {
        des_time d = now - c->exec_start;
        c->curr->vruntime += d;
        c->curr->sum_exec += d;
    }
    c->exec_start = now;
    update_min_vruntime(c);
}

void guest__enqueue(guest_vcpu *c, guest_thread *t)
{
    HV_CHECK(t->rq_pos == GUEST_NO_POS && t->state == GUEST_THREAD_RUNNABLE);
    if (c->nr == c->capq) {
        c->capq = c->capq ? 2 * c->capq : 4;
        c->rq = hv_xrealloc(c->rq, c->capq * sizeof *c->rq);
    }
    t->cpu = c;
    t->rq_seq = ++c->os->rq_seq;
    c->rq[c->nr] = t;
    t->rq_pos = c->nr++;
    c->os->nr_waiting++;
    sift_up(c, t->rq_pos);
}

guest_thread *guest__pick(guest_vcpu *c)
{
    if (!c->nr)
        return NULL;
    guest_thread *t = c->rq[0];
    heap_remove(c, t);
    return t;
}

/* ---- the OS and its threads ------------------------------------------------ */

guest_cfg guest_cfg_default(void)
{
    /* The defaults and their sources: guest/guest_options.def and
     * docs/workloads.md. */
    return (guest_cfg){.hz = 100,
                       .sched_latency = DES_MS(6),
                       .sched_min_granularity = DES_US(750),
                       .sched_wakeup_granularity = DES_MS(1),
                       .ttwu_queue = true,
                       .wake_affine = true,
                       .softirq_max = DES_MS(2),
                       .ctx_switch = 1200,
                       .ttwu = 800,
                       .irq = 500,
                       .ipi_handler = 300,
                       .tick = 1500,
                       .futex = 1000};
}

static unsigned ilog2u(uint64_t x)
{
    unsigned r = 0;
    while (x > 1) {
        x >>= 1;
        r++;
    }
    return r;
}

guest_os *guest_os_new(kvm_vm *vm, const guest_cfg *cfg, const guest_os_ops *ops)
{
    HV_CHECK(cfg->hz > 0);
    guest_os *os = hv_xcalloc(1, sizeof *os);
    os->vm = vm;
    os->cfg = *cfg;
    if (ops)
        os->ops = *ops;
    /* SCHED_TUNABLESCALING_LOG: factor 1 + ilog2(min(ncpus, 8)). */
    uint64_t factor = 1 + ilog2u(vm->n_vcpus < 8 ? vm->n_vcpus : 8);
    os->latency = cfg->sched_latency * factor;
    os->min_gran = cfg->sched_min_granularity * factor;
    os->wakeup_gran = cfg->sched_wakeup_granularity * factor;
    uint32_t tpv = (uint32_t)vm->cfg.threads_per_vcore;
    os->cpus = hv_xcalloc(vm->n_vcpus, sizeof *os->cpus);
    for (uint32_t i = 0; i < vm->n_vcpus; i++) {
        guest_vcpu *c = &os->cpus[i];
        c->os = os;
        c->v = &vm->vcpus[i];
        c->index = i;
        c->llc_first = i / tpv * tpv;
        c->llc_n = c->llc_first + tpv <= vm->n_vcpus ? tpv : vm->n_vcpus - c->llc_first;
        kvm_vcpu_set_guest(c->v, &guest__os_kvm_ops, c);
    }
    for (uint32_t i = 0; i < vm->n_vcpus; i++) {
        char name[24];
        snprintf(name, sizeof name, "ksoftirqd/%u", i);
        guest_vcpu *c = &os->cpus[i];
        c->ksoftirqd = guest_thread_new(os, name, i, &guest__ksoftirqd_ops, c);
        c->ksoftirqd->pinned = true;
    }
    return os;
}

void guest_os_free(guest_os *os)
{
    if (!os)
        return;
    for (uint32_t i = 0; i < os->vm->n_vcpus; i++) {
        free(os->cpus[i].rq);
        guest_icp_free(&os->cpus[i].icp);
        hv_ring_free(&os->cpus[i].kw);
    }
    for (uint32_t i = 0; i < os->nthreads; i++)
        free(os->threads[i]);
    free(os->threads);
    free(os->cpus);
    free(os);
}

void guest_os_reset_stats(guest_os *os)
{
    des_time now = guest_os_now(os);
    for (uint32_t i = 0; i < os->vm->n_vcpus; i++) {
        guest_vcpu *c = &os->cpus[i];
        memset(&c->st, 0, sizeof c->st);
        c->busy_since = now;
    }
}

guest_thread *guest_thread_new(guest_os *os, const char *name, uint32_t cpu,
                               const guest_thread_ops *ops, void *ctx)
{
    HV_CHECK(cpu < os->vm->n_vcpus && ops && ops->run);
    guest_thread *t = hv_xcalloc(1, sizeof *t);
    t->os = os;
    t->id = os->nthreads;
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ops = ops;
    t->ctx = ctx;
    t->rq_pos = GUEST_NO_POS;
    t->state = GUEST_THREAD_RUNNABLE;
    guest_vcpu *c = &os->cpus[cpu];
    t->vruntime = c->min_vruntime; /* place_entity for a new task (no START_DEBIT) */
    guest__enqueue(c, t);
    if (os->nthreads == os->capthreads) {
        os->capthreads = os->capthreads ? 2 * os->capthreads : 16;
        os->threads = hv_xrealloc(os->threads, os->capthreads * sizeof *os->threads);
    }
    os->threads[os->nthreads++] = t;
    return t;
}

/* ---- thread context ------------------------------------------------------------ */

void guest__thread_cb(guest_thread *t, guest_thread_fn fn, void *arg)
{
    HV_CHECK(!t->in_cb);
    t->in_cb = true;
    t->acted = false;
    fn(t->os, t, arg);
    if (!t->acted)
        HV_DIE("guest thread %s: returned from thread context without an action", t->name);
    t->in_cb = false;
}

/* The one action of a thread-context call, with its continuation. */
static void act(guest_thread *t, guest_thread_fn done, void *arg)
{
    if (!t->in_cb || t->acted)
        HV_DIE("guest thread %s: an action outside thread context or a second one", t->name);
    HV_CHECK(t->state == GUEST_THREAD_RUNNING && t->cpu->curr == t && !t->has_work);
    t->acted = true;
    t->done = done;
    t->done_arg = arg;
}

void guest_thread_compute(guest_os *os, guest_thread *t, des_time ns, guest_thread_fn done,
                          void *arg)
{
    (void)os;
    act(t, done, arg);
    HV_CHECK(ns > 0);
    t->has_work = true;
    t->is_store = false;
    t->work_left = ns;
}

void guest_thread_store(guest_os *os, guest_thread *t, uint64_t addr, guest_thread_fn done,
                        void *arg)
{
    (void)os;
    act(t, done, arg);
    t->has_work = true;
    t->is_store = true;
    t->store_addr = addr;
}

/* The thread leaves its VCPU (dequeue_task(DEQUEUE_SLEEP) + schedule). */
void guest_thread_wait(guest_os *os, guest_thread *t, guest_thread_fn done, void *arg)
{
    (void)os;
    act(t, done, arg);
    guest_vcpu *c = t->cpu;
    guest__update_curr(c);
    t->state = GUEST_THREAD_BLOCKED;
    c->curr = NULL;
    c->prev = t;
}

/* ---- wakeups --------------------------------------------------------------- */

static bool cpu_idle(const guest_vcpu *c) { return !c->curr && !c->nr && !c->wake_list; }

static bool same_llc(const guest_vcpu *a, const guest_vcpu *b) { return a->llc_first == b->llc_first; }

/* select_idle_sibling: the target if idle, else an idle VCPU of its LLC
 * (scanned from the target on), else the target. */
static guest_vcpu *select_idle_sibling(guest_os *os, guest_vcpu *target)
{
    if (cpu_idle(target))
        return target;
    for (uint32_t k = 1; k < target->llc_n; k++) {
        uint32_t i = target->llc_first + (target->index - target->llc_first + k) % target->llc_n;
        if (cpu_idle(&os->cpus[i]))
            return &os->cpus[i];
    }
    return target;
}

/* resched_curr from `from`: need_resched, and an IPI unless it is local or
 * need_resched was already set. */
static void resched(guest_vcpu *c, guest_vcpu *from)
{
    if (c->need_resched)
        return;
    c->need_resched = true;
    if (from != c)
        guest__queue_ipi(from, c);
}

/* check_preempt_wakeup (after the enqueue): an idle VCPU always; else the
 * wakee leads curr by more than the wakeup granularity. */
static void check_preempt(guest_vcpu *c, guest_thread *t, guest_vcpu *from)
{
    if (!c->curr) {
        resched(c, from);
        return;
    }
    guest__update_curr(c);
    if (c->curr->vruntime > t->vruntime && c->curr->vruntime - t->vruntime > c->os->wakeup_gran)
        resched(c, from);
}

/* place_entity for a wakeup, after renormalising to the new queue. */
static void place(guest_thread *t, guest_vcpu *to)
{
    guest_vcpu *last = t->cpu;
    if (last && last != to)
        t->vruntime = t->vruntime - last->min_vruntime + to->min_vruntime;
    des_time thresh = t->os->latency / 2;
    des_time floor = to->min_vruntime > thresh ? to->min_vruntime - thresh : 0;
    if (t->vruntime < floor)
        t->vruntime = floor;
    t->cpu = to;
}

void guest_thread_wake(guest_os *os, guest_thread *t, guest_vcpu *from, bool sync)
{
    HV_CHECK(from != NULL);
    os->wakes_issued++;
    if (t->state != GUEST_THREAD_BLOCKED) {
        os->wakes_coalesced++;
        from->st.wakeups_coalesced++;
        return;
    }
    os->wakes_done++;
    t->wakeups++;
    guest_vcpu *prev = t->cpu, *target = prev;
    if (t->pinned) {
        /* a per-CPU kernel thread stays on its VCPU */
    } else if (os->cfg.wake_affine && sync && from != prev && from->curr && !from->nr && !from->wake_list) {
        /* wake_affine_idle's "sync && nr_running == 1": the waker is about
         * to leave its VCPU empty, so the wakee takes it (Linux would still
         * prefer an idle LLC sibling of it; docs/workloads.md) */
        target = from;
        from->st.wakeups_affine++;
    } else {
        target = select_idle_sibling(os, target);
    }
    from->st.wakeups++;
    if (target != from)
        from->st.wakeups_remote++;
    if (cpu_idle(target))
        from->st.wakeups_idle_target++;
    place(t, target);
    t->state = GUEST_THREAD_RUNNABLE;
    /* try_to_wake_up's own time, on the waker, before its IPI goes out */
    guest__kwork_push_front(from, (guest_kwork){.ns = os->cfg.ttwu});
    if (os->cfg.ttwu_queue && !same_llc(from, target)) {
        /* ttwu_queue_remote: llist_add, IPI when the list was empty */
        bool first = target->wake_list == NULL;
        t->wake_next = target->wake_list;
        target->wake_list = t;
        t->on_wake_list = true;
        if (first)
            guest__queue_ipi(from, target);
        return;
    }
    guest__enqueue(target, t);
    check_preempt(target, t, from);
}

void guest__ttwu_pending(guest_vcpu *c)
{
    guest_thread *t = c->wake_list;
    c->wake_list = NULL;
    while (t) {
        guest_thread *next = t->wake_next;
        t->wake_next = NULL;
        t->on_wake_list = false;
        guest__enqueue(c, t);
        check_preempt(c, t, c);
        t = next;
    }
}

/* ---- the tick's preemption check -------------------------------------------------- */

void guest__check_preempt_tick(guest_vcpu *c)
{
    guest_thread *cur = c->curr;
    if (!cur || !c->nr)
        return;
    guest__update_curr(c);
    guest_os *os = c->os;
    uint64_t nr_running = c->nr + 1;
    des_time period = nr_running <= 8 ? os->latency : nr_running * os->min_gran;
    des_time ideal = period / nr_running;
    des_time ran = cur->sum_exec - cur->slice_start;
    if (ran > ideal) {
        c->need_resched = true;
        return;
    }
    if (ran < os->min_gran)
        return;
    const guest_thread *left = c->rq[0];
    if (cur->vruntime > left->vruntime && cur->vruntime - left->vruntime > ideal)
        c->need_resched = true;
}

/* ---- checks ------------------------------------------------------------------------ */

#define FAIL(...)                                                            \
    do {                                                                     \
        snprintf(os->check_msg, sizeof os->check_msg, __VA_ARGS__);          \
        return os->check_msg;                                                \
    } while (0)

const char *guest_os_check(guest_os *os)
{
    uint32_t queued = 0;
    for (uint32_t i = 0; i < os->vm->n_vcpus; i++) {
        const guest_vcpu *c = &os->cpus[i];
        queued += c->nr;
        char icp[96];
        if (guest_icp_check(&c->icp, icp, sizeof icp))
            FAIL("vm %s vcpu %u: %s", os->vm->cfg.name, i, icp);
        if (c->curr && (c->curr->state != GUEST_THREAD_RUNNING || c->curr->cpu != c))
            FAIL("vm %s vcpu %u: current thread %s is %s on vcpu %u", os->vm->cfg.name, i,
                 c->curr->name, guest_thread_state_name(c->curr->state), c->curr->cpu->index);
        for (uint32_t k = 0; k < c->nr; k++) {
            const guest_thread *t = c->rq[k];
            if (t->rq_pos != k || t->cpu != c || t->state != GUEST_THREAD_RUNNABLE)
                FAIL("vm %s vcpu %u: run queue slot %u holds %s (pos %u, %s)", os->vm->cfg.name, i,
                     k, t->name, t->rq_pos, guest_thread_state_name(t->state));
            if (k && before(t, c->rq[(k - 1) / 2]))
                FAIL("vm %s vcpu %u: run queue heap order broken at %u", os->vm->cfg.name, i, k);
        }
        for (const guest_thread *t = c->wake_list; t; t = t->wake_next)
            if (!t->on_wake_list || t->cpu != c || t->state != GUEST_THREAD_RUNNABLE ||
                t->rq_pos != GUEST_NO_POS)
                FAIL("vm %s vcpu %u: wake_list holds %s (%s)", os->vm->cfg.name, i, t->name,
                     guest_thread_state_name(t->state));
    }
    if (queued != os->nr_waiting)
        FAIL("vm %s: %u threads queued but nr_waiting %u", os->vm->cfg.name, queued, os->nr_waiting);
    for (uint32_t k = 0; k < os->nthreads; k++) {
        const guest_thread *t = os->threads[k];
        bool queued_t = t->rq_pos != GUEST_NO_POS || t->on_wake_list;
        if (t->state == GUEST_THREAD_RUNNING && t->cpu->curr != t)
            FAIL("vm %s: thread %s running but not current on vcpu %u", os->vm->cfg.name, t->name,
                 t->cpu->index);
        if (t->state == GUEST_THREAD_RUNNABLE && !queued_t)
            FAIL("vm %s: thread %s runnable but on no queue", os->vm->cfg.name, t->name);
        if (t->state != GUEST_THREAD_RUNNABLE && queued_t)
            FAIL("vm %s: thread %s is %s but queued", os->vm->cfg.name, t->name,
                 guest_thread_state_name(t->state));
    }
    return NULL;
}

const char *guest_os_conservation(guest_os *os)
{
    uint64_t queued = 0;
    for (uint32_t i = 0; i < os->vm->n_vcpus; i++)
        queued += os->cpus[i].icp.nipis;
    if (os->wakes_issued != os->wakes_done + os->wakes_coalesced)
        FAIL("vm %s: guest wakeups issued %llu != done %llu + coalesced %llu", os->vm->cfg.name,
             (unsigned long long)os->wakes_issued, (unsigned long long)os->wakes_done,
             (unsigned long long)os->wakes_coalesced);
    if (os->ipis_queued != os->ipis_sent + queued)
        FAIL("vm %s: guest reschedule IPIs queued %llu != sent %llu + still queued %llu",
             os->vm->cfg.name, (unsigned long long)os->ipis_queued,
             (unsigned long long)os->ipis_sent, (unsigned long long)queued);
    return NULL;
}
