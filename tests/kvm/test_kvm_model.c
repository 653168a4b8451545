/*
 * The KVM model's mechanisms and invariants:
 *  - M2: guest_ipi = reschedule pulls the whole core out for a guest IPI,
 *    targeted does not;
 *  - M1: H_IPI to a VCPU of a sleeping vcore is redirected to a host core
 *    (no exit), or falls back to H_TOO_HARD (one exit) when disabled;
 *  - randomized boot-like runs over many seeds and configurations with every
 *    invariant checked after every event (dev/asan builds) and the end-of-run
 *    conservation checks;
 *  - determinism: same seed, same timings.
 */
#include "tap.h"
#include "workload/boot.h"
#include "workload/hcall.h"
#include "workload/vhost.h"

static hw_cfg small_hw(void)
{
    hw_cfg h = hw_cfg_default();
    h.chips = 1;
    h.cores_per_chip = 4;
    return h;
}

static void bench(int kind, const kvm_cfg *kc, hcall_result *r)
{
    hw_cfg hw = small_hw();
    host_cfg hc = host_cfg_default();
    hcall_cfg c = hcall_cfg_default();
    c.kind = kind;
    const char *e = hcall_bench_run(&hw, &hc, kc, NULL, &c, 3, 0, DES_MS(10), r);
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
}

/* Whole-core exits of the caller's vcore other than host ticks (HDEC). */
static uint64_t exits_but_hdec(const hcall_result *r)
{
    return r->exits - r->exits_by_cause[KVM_EXIT_HDEC];
}

/* H_IPI to a ceded thread of a running vcore. M2 (targeted): an IPI to that
 * thread, 0 whole-core exits. Before M2 (reschedule): a reschedule IPI to
 * thread 0 with host_ipi set, exactly one whole-core exit (host_ipi) per
 * IPI. A call in flight at the end has its outcome counted, not its return:
 * outcomes are in [calls, calls + 1]. */
static void m2_targeted_vs_reschedule(void)
{
    kvm_cfg k = kvm_cfg_default();
    hcall_result t, r;
    bench(HCALL_IPI_CEDED, &k, &t);
    k.guest_ipi = KVM_GUEST_IPI_RESCHEDULE;
    bench(HCALL_IPI_CEDED, &k, &r);
    printf("# targeted: %llu calls, %llu loaded, %llu exits; reschedule: %llu calls, %llu resched, %llu host_ipi exits\n",
           (unsigned long long)t.calls, (unsigned long long)t.hipi[KVM_HIPI_LOADED],
           (unsigned long long)t.exits, (unsigned long long)r.calls,
           (unsigned long long)r.hipi[KVM_HIPI_RESCHED],
           (unsigned long long)r.exits_by_cause[KVM_EXIT_HOST_IPI]);
    TAP_LT(100, t.calls);
    TAP_EQ(exits_but_hdec(&t), 0);
    TAP_EQ(t.hipi[KVM_HIPI_RESCHED], 0);
    TAP_LE(t.calls, t.hipi[KVM_HIPI_LOADED]);
    TAP_LE(t.hipi[KVM_HIPI_LOADED], t.calls + 1);
    TAP_LT(100, r.calls);
    TAP_EQ(r.hipi[KVM_HIPI_LOADED], 0);
    TAP_EQ(r.exits_by_cause[KVM_EXIT_HOST_IPI], r.hipi[KVM_HIPI_RESCHED]);
    TAP_EQ(exits_but_hdec(&r), r.exits_by_cause[KVM_EXIT_HOST_IPI]);
    TAP_LE(r.calls, r.hipi[KVM_HIPI_RESCHED]);
    TAP_LE(r.hipi[KVM_HIPI_RESCHED], r.calls + 1);
    TAP_LT(des_hist_mean(&t.wake), des_hist_mean(&r.wake));
    hcall_result_free(&t);
    hcall_result_free(&r);
}

/* H_IPI to a VCPU whose vcore sleeps. M1 on: redirected to a free host core
 * (loaded when the vcore happened to run), never H_TOO_HARD, 0 whole-core
 * exits. M1 off: H_TOO_HARD, exactly one whole-core exit of the sender per
 * H_TOO_HARD, and a longer round trip. */
static void m1_redirect_vs_fallback(void)
{
    kvm_cfg k = kvm_cfg_default();
    hcall_result on, off;
    bench(HCALL_IPI_SLEEPING, &k, &on);
    k.h_ipi_redirect = false;
    bench(HCALL_IPI_SLEEPING, &k, &off);
    printf("# redirect on: redirected %llu too_hard %llu exits/call %.3f rtt %.0f; off: redirected %llu too_hard %llu exits/call %.3f rtt %.0f\n",
           (unsigned long long)on.hipi[KVM_HIPI_REDIRECTED], (unsigned long long)on.hipi[KVM_HIPI_TOO_HARD],
           (double)on.exits / (double)on.calls, des_hist_mean(&on.rtt),
           (unsigned long long)off.hipi[KVM_HIPI_REDIRECTED], (unsigned long long)off.hipi[KVM_HIPI_TOO_HARD],
           (double)off.exits / (double)off.calls, des_hist_mean(&off.rtt));
    TAP_LT(100, on.calls);
    TAP_EQ(on.hipi[KVM_HIPI_TOO_HARD], 0);
    TAP_LT(on.hipi[KVM_HIPI_LOADED], on.hipi[KVM_HIPI_REDIRECTED]);
    TAP_LE(on.hipi[KVM_HIPI_REDIRECTED] + on.hipi[KVM_HIPI_LOADED], on.calls + 1);
    TAP_EQ(exits_but_hdec(&on), 0); /* the sender's core stays in the guest */
    TAP_LT(100, off.calls);
    TAP_EQ(off.hipi[KVM_HIPI_REDIRECTED], 0);
    TAP_LT(0, off.hipi[KVM_HIPI_TOO_HARD]);
    TAP_EQ(off.exits_by_cause[KVM_EXIT_HCALL_TOO_HARD], off.hipi[KVM_HIPI_TOO_HARD]);
    TAP_EQ(exits_but_hdec(&off), off.exits_by_cause[KVM_EXIT_HCALL_TOO_HARD]);
    TAP_LT(des_hist_mean(&on.rtt), des_hist_mean(&off.rtt));
    TAP_LT(des_hist_mean(&on.wake), des_hist_mean(&off.wake));
    hcall_result_free(&on);
    hcall_result_free(&off);
}

typedef struct {
    boot_timings t;
    uint64_t exits, hipi[KVM_HIPI_NOUTCOMES];
} run_out;

/* NULL, or the failed check copied into err (the model is freed here). */
static const char *boot_run(uint64_t seed, const hw_cfg *hw, const kvm_cfg *k, const boot_cfg *bc,
                            des_time dur, run_out *o, char *err, size_t len)
{
    host_cfg hc = host_cfg_default();
    model *m = model_new(hw, &hc, k, NULL, seed, 0, NULL);
    boot *b = boot_new(m, bc, 1);
    const char *e = model_run(m, dur);
    boot_timings_of(b->vm, &o->t);
    o->exits = 0;
    for (uint32_t i = 0; i < b->vm->n_vcores; i++)
        for (int c = 0; c < KVM_EXIT_NCAUSES; c++)
            o->exits += b->vm->vcores[i].st.exits_by_cause[c];
    for (int i = 0; i < KVM_HIPI_NOUTCOMES; i++)
        o->hipi[i] = b->vm->st.hipi[i];
    if (e) {
        snprintf(err, len, "%s", e);
        e = err;
    }
    boot_free(b);
    model_free(m);
    return e;
}

static void randomized_configs_keep_invariants(void)
{
    des_rng r = des_rng_stream(42, 0, 7);
    int runs = 0;
    for (uint64_t seed = 1; seed <= 24; seed++) {
        hw_cfg hw = small_hw();
        hw.cores_per_chip = 6;
        hw.msgsnd = des_rng_below(&r, 2);
        kvm_cfg k = kvm_cfg_default();
        k.h_ipi_redirect = des_rng_below(&r, 2);
        k.guest_ipi = (int)des_rng_below(&r, 2);
        k.redirect_send = (int)des_rng_below(&r, 2);
        k.halt_poll_ns = des_rng_below(&r, 2) ? 10000 : 0;
        boot_cfg bc = boot_cfg_default();
        static const uint64_t tpv[] = {1, 2, 4, 8};
        bc.threads_per_vcore = tpv[des_rng_below(&r, 4)];
        bc.vcpus = bc.threads_per_vcore * (1 + des_rng_below(&r, 4));
        if (bc.vcpus / bc.threads_per_vcore > 4)
            bc.vcpus = 4 * bc.threads_per_vcore;
        bc.mix.p_ipi = 0.05 + 0.3 * des_rng_u01(&r);
        bc.mix.p_user = des_rng_below(&r, 2) ? 0.03 * des_rng_u01(&r) : 0;
        run_out o;
        char err[512];
        const char *e = boot_run(seed, &hw, &k, &bc, DES_MS(3), &o, err, sizeof err);
        if (e)
            printf("# seed %llu msgsnd %d redirect %d guest_ipi %d send %d poll %llu tpv %llu vcpus %llu: %s\n",
                   (unsigned long long)seed, hw.msgsnd, k.h_ipi_redirect, k.guest_ipi, k.redirect_send,
                   (unsigned long long)k.halt_poll_ns, (unsigned long long)bc.threads_per_vcore,
                   (unsigned long long)bc.vcpus, e);
        TAP_CHECK(e == NULL);
        TAP_CHECK(o.t.count[KVM_TM_GUEST] > 0);
        runs++;
    }
    TAP_EQ(runs, 24);
}

static void same_seed_same_timings(void)
{
    hw_cfg hw = small_hw();
    hw.cores_per_chip = 6;
    kvm_cfg k = kvm_cfg_default();
    boot_cfg bc = boot_cfg_default();
    run_out a, b, c;
    char err[512];
    TAP_CHECK(boot_run(5, &hw, &k, &bc, DES_MS(5), &a, err, sizeof err) == NULL);
    TAP_CHECK(boot_run(5, &hw, &k, &bc, DES_MS(5), &b, err, sizeof err) == NULL);
    TAP_CHECK(boot_run(6, &hw, &k, &bc, DES_MS(5), &c, err, sizeof err) == NULL);
    TAP_CHECK(memcmp(&a, &b, sizeof a) == 0);
    TAP_CHECK(memcmp(&a, &c, sizeof a) != 0);
}

static void device_interrupts_all_delivered(void)
{
    hw_cfg hw = small_hw();
    host_cfg hc = host_cfg_default();
    kvm_cfg k = kvm_cfg_default();
    model *m = model_new(&hw, &hc, &k, NULL, 11, 0, NULL);
    vm_cfg vc = {.name = "dev", .vcpus = 4, .threads_per_vcore = 2, .first_core = 1};
    kvm_vm *vm = kvm_vm_new(m->kvm, &vc);
    vhost_cfg dc = {.rate = 100000, .queues = 4, .work = 1000, .handler = 2000};
    vhost *vh = vhost_new(m, vm, &dc, 0);
    guest_ops ops = {.device_irq = vhost_guest_irq, .dev_ctx = vh};
    guest *g = guest_new(vm, &ops);
    kvm_vm_start(m->kvm, vm);
    const char *e = model_run(m, DES_MS(5));
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
    uint64_t got = 0;
    for (uint32_t i = 0; i < vm->n_vcpus; i++)
        got += g->cpus[i].st.device_irqs;
    printf("# raised %llu, taken by the guest %llu\n", (unsigned long long)vh->raised, (unsigned long long)got);
    TAP_CHECK(vh->raised > 300);
    /* every raised MSI is taken, but for at most one per queue in flight */
    TAP_CHECK(got <= vh->raised && vh->raised - got <= dc.queues);
    TAP_CHECK(xics_check(vm->xics) == NULL);
    guest_free(g);
    vhost_free(vh);
    model_free(m);
}

static void late_joiners(void)
{
    /* VCPUs leave for userspace and come back while their vcore runs:
     * kvmppc_start_thread on a running vcore, or secondary_too_late once an
     * exit began; every invariant holds throughout. */
    hw_cfg hw = small_hw();
    hw.cores_per_chip = 6;
    kvm_cfg k = kvm_cfg_default();
    host_cfg hc = host_cfg_default();
    model *m = model_new(&hw, &hc, &k, NULL, 21, 0, NULL);
    boot_cfg bc = boot_cfg_default();
    bc.vcpus = 16;
    bc.mix.p_user = 0.03;
    boot *b = boot_new(m, &bc, -1);
    const char *e = model_run(m, DES_MS(5));
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
    uint64_t late = 0, too_late = 0, user = 0, vmode = 0;
    for (uint32_t c = 0; c < b->vm->n_vcores; c++) {
        late += b->vm->vcores[c].st.late_joins;
        too_late += b->vm->vcores[c].st.secondary_too_late;
    }
    for (uint32_t i = 0; i < b->vm->n_vcpus; i++) {
        user += b->vm->vcpus[i].st.user_exits;
        vmode += b->vm->vcpus[i].st.hcalls_vm;
    }
    printf("# user exits %llu, late joins %llu, too late %llu\n", (unsigned long long)user,
           (unsigned long long)late, (unsigned long long)too_late);
    /* Both outcomes of joining a running vcore happen; a late join is a VCPU
     * whose task handled its exit in the host (a virtual-mode hcall, a
     * userspace exit) and came back (kvmppc_run_vcpu): one per such exit at
     * most (refusals also hit secondaries the runner started, so they are
     * not bounded by them). */
    TAP_LT(0, late);
    TAP_LT(0, too_late);
    TAP_LE(late, vmode);
    TAP_LE(user, vmode);
    boot_free(b);
    model_free(m);
}

int main(void)
{
    TAP_RUN(late_joiners);
    TAP_RUN(device_interrupts_all_delivered);
    TAP_RUN(m2_targeted_vs_reschedule);
    TAP_RUN(m1_redirect_vs_fallback);
    TAP_RUN(randomized_configs_keep_invariants);
    TAP_RUN(same_seed_same_timings);
    return tap_done();
}
