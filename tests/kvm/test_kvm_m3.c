/*
 * M3 (kvm/kvm_m3.h): secondaries online, parked by their stoppers for each
 * guest entry. Every scenario runs with every invariant checked after every
 * event — I-core-partition (no secondary runs host code while its core
 * enters or runs a guest; the guest threads of a core run one vcore),
 * I-vcpu-primary and I-host-mask (a secondary never gets a VCPU task),
 * I-m3-flags (entry waited for every flag), I-m3-parked (no secondary left
 * parked after an exit or a timeout) — and the end-of-run conservation
 * (parks = returns + parked now). On top of those:
 *  - entry waits for every flag: with a slow stopper the shortest entry is
 *    longer than the slowest park, and every entry parked every secondary;
 *  - the stopper preempts a host task, which continues after the return; a
 *    CPU-bound task on a parked secondary loses what is stolen;
 *  - every parked secondary returns: with an idle guest, every secondary
 *    is back in the host;
 *  - a timeout leaves the core consistent: entries abandoned and retried,
 *    stale stoppers, the guest still runs;
 *  - timers: a host hrtimer on a parked secondary fires late, at the next
 *    exit; the anti-tickless kthread bounds it by the threshold;
 *  - host IPIs: to a secondary running a VCPU, a whole-core exit (M2's
 *    path); to a parked secondary without a VCPU, held until its return;
 *  - the checks can fail.
 */
#include "tap.h"
#include "base/hv.h"
#include "guest/guest.h"
#include "kvm/kvm_m3.h"
#include "workload/boot.h"
#include "workload/model.h"

static model *mk(uint64_t cores, bool online, const char *const *names, const double *values, int n)
{
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = cores;
    host_cfg hc = host_cfg_default();
    hc.secondaries = online ? HOST_SECONDARIES_ONLINE : HOST_SECONDARIES_OFFLINE;
    kvm_cfg kc = kvm_cfg_default();
    hw_costs costs;
    hw_costs_init(&costs);
    for (int i = 0; i < n; i++)
        TAP_EQ(hw_costs_set_name(&costs, names[i], values[i]), HV_OK);
    model *m = model_new(&hw, &hc, &kc, &costs, 3, 0, NULL);
    des_enable_checks(m->sim, true);
    return m;
}

static bool run_ok(model *m, des_time d)
{
    const char *e = model_run(m, d);
    if (e)
        printf("# %s\n", e);
    return e == NULL;
}

static int ncpu_threads(const model *m) { return (int)m->hw->threads_per_subcore; }

/* ---- a guest that only computes: it leaves the guest only for the host
 * timer (HDEC) and whatever the host forces ------------------------------- */

static kvm_gact spin_next(void *ctx, kvm_vcpu *v)
{
    (void)ctx;
    if (v->compute_paused)
        return (kvm_gact){.kind = KVM_GACT_RESUME};
    return (kvm_gact){.kind = KVM_GACT_COMPUTE, .ns = DES_MS(1)};
}
static void spin_compute_done(void *ctx, kvm_vcpu *v) { (void)ctx, (void)v; }
static void spin_hcall_ret(void *ctx, kvm_vcpu *v, unsigned hc, long rc, uint64_t r4, uint64_t r5)
{
    (void)ctx, (void)v, (void)hc, (void)rc, (void)r4, (void)r5;
}
static void spin_interrupt(void *ctx, kvm_vcpu *v, int vector) { (void)ctx, (void)v, (void)vector; }
static const kvm_guest_ops spin_ops = {spin_next, spin_compute_done, spin_hcall_ret, spin_interrupt, NULL};

/* A started VM of one vcore of n VCPUs on core 0, each VCPU running ops. */
static kvm_vm *vcore_vm(model *m, const char *name, uint64_t n, const kvm_guest_ops *ops)
{
    vm_cfg c = {0};
    snprintf(c.name, sizeof c.name, "%s", name);
    c.vcpus = n;
    c.threads_per_vcore = n;
    c.first_core = 0;
    kvm_vm *vm = kvm_vm_new(m->kvm, &c);
    for (uint32_t k = 0; k < vm->n_vcpus; k++)
        kvm_vcpu_set_guest(&vm->vcpus[k], ops, NULL);
    kvm_vm_start(m->kvm, vm);
    return vm;
}

/* A 2-VCPU VM (one vcore of 2 threads) computing on core 0. */
static kvm_vm *spin_vm(model *m) { return vcore_vm(m, "spin", 2, &spin_ops); }

/* ---- host tasks for the tests ------------------------------------------- */

/* A CPU-bound task computing 10 us chunks; ctx counts the chunks done
 * (its work: the task's run_ns also holds the time it was charged while
 * waiting to be switched in, docs/machine.md). */
static void hog_done(host *h, host_task *t, void *arg);
static void hog_run(host *h, host_task *t) { host_task_compute(h, t, DES_US(10), hog_done, NULL); }
static void hog_done(host *h, host_task *t, void *arg)
{
    (void)arg;
    if (t->ctx)
        ++*(uint64_t *)t->ctx;
    host_task_compute(h, t, DES_US(10), hog_done, NULL);
}
static const host_task_ops hog_ops = {hog_run};

static host_task *pinned(model *m, const char *name, int cpu, const host_task_ops *ops, void *ctx)
{
    host_cpumask one = {{0}};
    host_cpumask_set(&one, cpu);
    host_task *t = host_task_new(m->host, name, &one, ops, ctx);
    host_task_start(m->host, t);
    return t;
}

/* A periodic hrtimer on one CPU, re-armed by its callback (HRTIMER_RESTART
 * with hrtimer_forward: the next expiry after now). */
typedef struct ticker {
    host_hrtimer tm;
    des_time next, period;
} ticker;
static void ticker_fire(host *h, host_hrtimer *tm, int cpu)
{
    ticker *k = tm->arg;
    while (k->next <= des_now(h->sim))
        k->next += k->period;
    host_hrtimer_start(h, tm, cpu, k->next);
}

static const kvm_m3 *m3(const model *m) { return m->kvm->m3; }

/* The boot mix on m: vcpus VCPUs, threads_per_vcore of them per vcore,
 * floating (first_core -1) or from first_core on. */
static boot *mix(model *m, uint64_t vcpus, uint64_t threads_per_vcore, int first_core)
{
    boot_cfg bc = boot_cfg_default();
    bc.vcpus = vcpus;
    bc.threads_per_vcore = threads_per_vcore;
    return boot_new(m, &bc, first_core);
}

/* ---- entry waits for every flag ------------------------------------------- */

/* The boot mix floating on 4 cores with every secondary online and idle:
 * no VCPU task is ever placed on one (I-vcpu-primary, I-host-mask), each
 * entry parks all 7 secondaries, and with a stopper's park of 50 us (mean)
 * the shortest entry is longer than the shortest wait for the 7 flags,
 * itself at least the park's floor (SEXP: half the mean). */
static void entry_waits_for_every_flag(void)
{
    const char *n[] = {"m3_stopper_park"};
    double v[] = {50000};
    model *m = mk(4, true, n, v, 1);
    boot *b = mix(m, 16, 4, -1);
    TAP_CHECK(run_ok(m, DES_MS(20)));
    const kvm_m3 *x = m3(m);
    uint64_t entries = x->entry_ns.n;
    printf("# %llu entries, %llu parks, park wait min %llu ns, entry min %llu ns\n",
           (unsigned long long)entries, (unsigned long long)x->st.parks,
           (unsigned long long)x->park_wait_ns.min, (unsigned long long)x->entry_ns.min);
    TAP_LT(10, entries);
    TAP_LE(entries, x->park_wait_ns.n); /* one park may be done, its entry not yet */
    TAP_LE(x->park_wait_ns.n, entries + 1);
    TAP_LE(7 * entries, x->st.parks);
    TAP_LE(DES_US(25), x->park_wait_ns.min);
    TAP_LT(x->park_wait_ns.min, x->entry_ns.min);
    TAP_EQ(x->st.park_timeouts, 0);
    boot_free(b);
    model_free(m);
}

/* ---- the stopper preempts, the task continues; what is stolen ------------ */

/* CPU-bound host tasks pinned to the 7 secondaries of core 0, where a
 * 2-VCPU boot mix runs (it cedes, so the core comes and goes), and one on a
 * secondary of core 1: each park preempts the task on its secondary, which
 * continues after the return; it gets the time its CPU was not parked, the
 * control task all of it. */
static void stopper_preempts_and_steals(void)
{
    model *m = mk(2, true, NULL, NULL, 0);
    boot *b = mix(m, 2, 2, 0);
    kvm_vm *vm = b->vm;
    host_task *hog[8];
    uint64_t chunks[8] = {0}, ctl_chunks = 0;
    for (int p = 1; p < 8; p++)
        hog[p] = pinned(m, "hog", p, &hog_ops, &chunks[p]);
    pinned(m, "control", 9, &hog_ops, &ctl_chunks);
    TAP_CHECK(run_ok(m, DES_MS(5)));
    kvm_reset_stats(m->kvm);
    chunks[3] = ctl_chunks = 0;
    des_time t0 = des_now(m->sim);
    TAP_CHECK(run_ok(m, DES_MS(60)));
    host_account(m->host);
    des_time el = des_now(m->sim) - t0;
    const kvm_m3 *x = m3(m);
    double stolen = (double)kvm_m3_stolen_ns(m->kvm, 3) / (double)el;
    double got = (double)(chunks[3] * DES_US(10)) / (double)el;
    double ctl = (double)(ctl_chunks * DES_US(10)) / (double)el;
    printf("# secondary 3: stolen %.3f, its task got %.3f; control got %.3f; %llu parks (%llu preempting)\n",
           stolen, got, ctl, (unsigned long long)x->st.parks, (unsigned long long)x->st.parks_preempting);
    TAP_LT(0.1, stolen);
    TAP_LT(0.1, got);
    /* the rest: the stopper's switches and interrupts, a chunk cut short */
    TAP_LT(got + stolen, 1.0);
    TAP_LT(0.95, got + stolen);
    TAP_LT(0.99, ctl);
    TAP_LT(0, x->st.parks_preempting);
    TAP_LE(x->st.parks_preempting, x->st.parks);
    /* preempted by the parks that found it running (the others found it
     * waiting: the stopper's next work came before it was switched back in),
     * and switched back in after each */
    printf("# its task: preempted %llu times, switched in %llu times, %llu parks of its cpu\n",
           (unsigned long long)hog[3]->n_preempted, (unsigned long long)hog[3]->n_switch_in,
           (unsigned long long)(x->st.parks / 7));
    TAP_LT(x->st.parks / 7 / 2, hog[3]->n_preempted);
    TAP_LE(hog[3]->n_preempted, hog[3]->n_switch_in);
    TAP_EQ(hog[3]->cpu, 3);
    TAP_LT(0, vm->vcpus[1].tm[KVM_TM_GUEST].total);
    boot_free(b);
    model_free(m);
}

/* ---- every parked secondary returns ---------------------------------------- */

static kvm_gact idle_next(void *ctx, kvm_vcpu *v)
{
    (void)ctx;
    if (v->compute_paused)
        return (kvm_gact){.kind = KVM_GACT_RESUME};
    return (kvm_gact){.kind = KVM_GACT_HCALL, .hcall = KVM_H_CEDE};
}
static const kvm_guest_ops idle_ops = {idle_next, spin_compute_done, spin_hcall_ret, spin_interrupt, NULL};

/* A VM whose VCPUs only cede: each entry ends in a cede exit and the vcore
 * sleeps; at the end every secondary is back in the host, no Linux CPU of
 * core 0 is left to KVM, and every park was matched by a return. */
static void every_parked_secondary_returns(void)
{
    model *m = mk(2, true, NULL, NULL, 0);
    kvm_vm *vm = vcore_vm(m, "idle", 4, &idle_ops);
    TAP_CHECK(run_ok(m, DES_MS(5)));
    const kvm_m3 *x = m3(m);
    printf("# %llu parks, %llu returns, vcore %s\n", (unsigned long long)x->parks_total,
           (unsigned long long)x->returns_total, kvm_vcore_state_name(vm->vcores[0].state));
    TAP_LT(0, x->parks_total);
    TAP_EQ(x->parks_total, x->returns_total);
    TAP_EQ(vm->vcores[0].state, KVM_VCORE_SLEEPING);
    for (int p = 1; p < ncpu_threads(m); p++) {
        TAP_EQ(x->thr[p].state, KVM_M3_HOST);
        TAP_CHECK(m->host->cpus[p].state != HOST_CPU_KVM);
        TAP_EQ(hw_thread_of(m->hw, p)->hwthread_req, 0);
    }
    model_free(m);
}

/* ---- a timeout leaves the core consistent ------------------------------------ */

/* With a bound of 4 us on the wait for the flags, many entries are
 * abandoned: the trapped secondaries go back, late stoppers return at once,
 * the runner retries; every invariant holds throughout and the guest still
 * runs. */
static void timeout_leaves_core_consistent(void)
{
    const char *n[] = {"m3_park_timeout"};
    double v[] = {4000};
    model *m = mk(4, true, n, v, 1);
    boot *b = mix(m, 16, 4, -1);
    TAP_CHECK(run_ok(m, DES_MS(20)));
    const kvm_m3 *x = m3(m);
    uint64_t hcalls = 0;
    for (uint32_t k = 0; k < b->vm->n_vcpus; k++)
        hcalls += b->vm->vcpus[k].hcalls_issued;
    printf("# %llu timeouts, %llu stale stoppers, %llu entries, %llu hcalls\n",
           (unsigned long long)x->st.park_timeouts, (unsigned long long)x->st.stale_stoppers,
           (unsigned long long)x->entry_ns.n, (unsigned long long)hcalls);
    TAP_LT(10, x->st.park_timeouts);
    TAP_LT(0, x->st.stale_stoppers);
    TAP_LT(0, x->entry_ns.n);
    TAP_LT(100, hcalls);
    for (int cpu = 0; cpu < (int)m->hw->ncpus; cpu++) {
        int pcpu = cpu & ~7;
        if (x->thr[cpu].state == KVM_M3_PARKED)
            TAP_CHECK(x->core[pcpu].parking && x->core[pcpu].gen == x->thr[cpu].gen);
    }
    boot_free(b);
    model_free(m);
}

/* ---- timers: late, and the anti-tickless kthread ----------------------------- */

/* A 500 us periodic hrtimer on secondary 3 of core 0, where the spinning
 * VM computes: it fires only when the core leaves the guest. Without the kthread (threshold 1 s) that is the host tick's HDEC,
 * up to 10 ms late; with a 100 us threshold the kthread's timer on the
 * primary forces the exit: m3.timer_exits, and no more than the threshold
 * plus an exit and a return late. */
static des_time late_max(double threshold_ns, uint64_t *timer_exits, uint64_t *fired)
{
    const char *n[] = {"m3_timer_threshold"};
    double v[] = {threshold_ns};
    model *m = mk(2, true, n, v, 1);
    spin_vm(m);
    ticker k = {.next = DES_US(500), .period = DES_US(500)};
    host_hrtimer_init(&k.tm, ticker_fire, &k);
    host_hrtimer_start(m->host, &k.tm, 3, k.next);
    TAP_CHECK(run_ok(m, DES_MS(5)));
    kvm_reset_stats(m->kvm);
    host_reset_stats(m->host);
    TAP_CHECK(run_ok(m, DES_MS(40)));
    des_time late = m->host->hrtimer_late[1].max;
    *timer_exits = m3(m)->st.timer_exits;
    *fired = m->host->hrtimer_late[1].n;
    host_hrtimer_cancel(m->host, &k.tm);
    model_free(m);
    return late;
}

static void timers_late_and_kthread(void)
{
    uint64_t ex_off, ex_on, f_off, f_on;
    des_time off = late_max(1e9, &ex_off, &f_off);
    des_time on = late_max(100000, &ex_on, &f_on);
    printf("# secondary hrtimer lateness max: %llu ns without the kthread (%llu fired, %llu timer exits), "
           "%llu ns with a 100 us threshold (%llu fired, %llu timer exits)\n",
           (unsigned long long)off, (unsigned long long)f_off, (unsigned long long)ex_off,
           (unsigned long long)on, (unsigned long long)f_on, (unsigned long long)ex_on);
    TAP_EQ(ex_off, 0);
    TAP_LT(DES_MS(5), off);  /* waits for the 10 ms tick's HDEC */
    TAP_LT(50, ex_on);
    TAP_LT(on, DES_US(150)); /* threshold + the exit + the return */
    TAP_LT(f_off, f_on);     /* a late periodic timer skips periods */
}

/* ---- host IPIs ------------------------------------------------------------------ */

typedef struct {
    des_time ran;
    int n;
} call_log;
static void call_fn(void *arg)
{
    call_log *l = arg;
    l->n++;
}
typedef struct {
    model *m;
    int cpu;
    call_log *l;
} call_arg;
static void send_call(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    (void)arg;
    call_arg *a = obj;
    host_call_function_single(a->m->host, -1, a->cpu, call_fn, a->l);
}
static void note_done(des_sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    call_log *l = obj;
    if (l->n && !l->ran)
        l->ran = des_now(s);
}

/* smp_call_function_single to secondary 1 (running VCPU 1 of the spinning
 * VM: both its VCPU tasks are pinned to CPU 0, so VCPU 1 joins at the first
 * HDEC exit, 10 ms) pulls the whole core out at once (host_ipi, M2's path;
 * the secondary is the first exiter); to secondary 5 (parked, no VCPU) it
 * is held until the core's next exit (the 20 ms tick's HDEC). */
static void host_ipis_on_secondaries(void)
{
    model *m = mk(2, true, NULL, NULL, 0);
    kvm_vm *vm = spin_vm(m);
    TAP_CHECK(run_ok(m, DES_MS(12)));
    TAP_EQ(vm->vcpus[1].act, KVM_ACT_GUEST);
    kvm_reset_stats(m->kvm);
    call_log l1 = {0}, l5 = {0};
    call_arg a1 = {m, 1, &l1}, a5 = {m, 5, &l5};
    des_at(m->sim, DES_US(14500), send_call, &a1, 0);
    des_at(m->sim, DES_US(16500), send_call, &a5, 0);
    for (des_time t = DES_US(14500); t < DES_MS(22); t += DES_US(1)) {
        des_at(m->sim, t, note_done, &l1, 0);
        des_at(m->sim, t, note_done, &l5, 0);
    }
    TAP_CHECK(run_ok(m, DES_MS(12)));
    const kvm_m3 *x = m3(m);
    uint64_t host_ipi_exits = m->kvm->vms[0]->vcores[0].st.exits_by_cause[KVM_EXIT_HOST_IPI];
    printf("# to a VCPU's secondary: ran after %llu ns; to an idle parked one: after %llu ns; "
           "host_ipi exits %llu (by a secondary %llu), deferred %llu\n",
           (unsigned long long)(l1.ran - DES_US(14500)), (unsigned long long)(l5.ran - DES_US(16500)),
           (unsigned long long)host_ipi_exits, (unsigned long long)x->st.host_ipi_exits,
           (unsigned long long)x->st.host_ipis_deferred);
    TAP_EQ(l1.n, 1);
    TAP_EQ(l5.n, 1);
    TAP_EQ(host_ipi_exits, 1);
    TAP_EQ(x->st.host_ipi_exits, 1);
    TAP_LT(l1.ran - DES_US(14500), DES_US(30)); /* IPI, exit, return, the handler */
    TAP_LE(DES_MS(20), l5.ran);                 /* held until the HDEC exit at 20 ms */
    TAP_EQ(x->st.host_ipis_deferred, 1);
    model_free(m);
}

/* ---- the checks can fail ---------------------------------------------------------- */

static void checks_catch_breakage(void)
{
    model *m = mk(2, true, NULL, NULL, 0);
    kvm_vm *vm = spin_vm(m);
    TAP_CHECK(run_ok(m, DES_MS(3)));
    kvm_sys *s = m->kvm;
    kvm_vcore *vc = &vm->vcores[0];
    TAP_CHECK(vc->in_guest);
    TAP_CHECK(kvm_check(s) == NULL);
    /* a secondary back in the host while its core runs the guest */
    kvm_m3_thread saved = s->m3->thr[4];
    s->m3->thr[4].state = KVM_M3_HOST;
    const char *e = kvm_check(s);
    TAP_CHECK(e != NULL);
    if (e)
        TAP_CONTAINS(e, "I-m3-flags");
    s->m3->thr[4] = saved;
    /* ... running host code */
    hw_thread *t4 = hw_thread_of(m->hw, 4);
    hw_mode mode = t4->mode;
    t4->mode = HW_MODE_HOST;
    e = kvm_check(s);
    if (e)
        TAP_CONTAINS(e, "I-core-partition");
    TAP_CHECK(e != NULL);
    t4->mode = mode;
    /* a secondary left parked after its core's park closed */
    s->m3->core[0].parking = false;
    e = kvm_check(s);
    TAP_CHECK(e != NULL);
    if (e)
        TAP_CONTAINS(e, "I-m3-parked");
    s->m3->core[0].parking = true;
    /* a VCPU task on a secondary */
    host_task *vt = vm->vcpus[0].task;
    host_task_state st = vt->state;
    int cpu = vt->cpu;
    vt->state = HOST_TASK_RUNNABLE;
    vt->cpu = 9;
    e = kvm_check(s);
    TAP_CHECK(e != NULL);
    if (e)
        TAP_CONTAINS(e, "I-vcpu-primary");
    vt->state = st;
    vt->cpu = cpu;
    TAP_CHECK(kvm_check(s) == NULL);
    TAP_CHECK(run_ok(m, DES_MS(1)));
    model_free(m);
}

int main(void)
{
    TAP_RUN(entry_waits_for_every_flag);
    TAP_RUN(stopper_preempts_and_steals);
    TAP_RUN(every_parked_secondary_returns);
    TAP_RUN(timeout_leaves_core_consistent);
    TAP_RUN(timers_late_and_kthread);
    TAP_RUN(host_ipis_on_secondaries);
    TAP_RUN(checks_catch_breakage);
    return tap_done();
}
