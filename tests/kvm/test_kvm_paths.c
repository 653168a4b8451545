/*
 * The order of the entry, exit and virtual-mode paths, read off the model's
 * trace (the KVM_TR_* records and the hw mode records) with every invariant
 * checked after every event (kvm_check: a thread in its exit path has
 * thread_cpu = cpu = -1 before its save; a secondary in KVM left the kernel):
 *  - entry: the primary does not wait for the secondaries (a slow secondary
 *    wake does not delay the primary's guest entry); a secondary loads its
 *    state first and then waits for the primary's partition switch;
 *  - exit: the exit IPIs go out before the first exiter's state save;
 *  - virtual-mode hcalls run in the VCPU's own task (kvm_hcall_* between its
 *    kvmppc_run_vcpu exit and re-entry), the runner role moves between VCPU
 *    tasks, and VCPUs join a running vcore late from another core;
 *  - H_PROD: 4.6 never wakes the ceded target, fixed kicks it;
 *  - release and grab: a released secondary naps kvm_offline_return after
 *    its exit, and a runner re-entering meanwhile waits in udelay(1) steps.
 */
#include "tap.h"
#include "base/hv.h"
#include "workload/boot.h"
#include "workload/hcall.h"

#define TR(k) (KVM_TRACE_BASE + (k))

typedef struct run {
    model *m;
    boot *b;
    des_trace tr;
    hw_costs costs;
} run;

/* A 16-VCPU boot mix (2 vcores of 8), its VCPU threads floating on a
 * 6-core chip, traced from 0 to dur; cost overrides as name/value pairs. */
static void run_boot(run *r, des_time dur, uint64_t seed, const char *const *names,
                     const double *values, int n, double p_user)
{
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = 6;
    host_cfg hc = host_cfg_default();
    kvm_cfg kc = kvm_cfg_default();
    hw_costs_init(&r->costs);
    for (int i = 0; i < n; i++)
        TAP_EQ(hw_costs_set_name(&r->costs, names[i], values[i]), HV_OK);
    des_trace_init(&r->tr, 4000000, 0, dur);
    r->m = model_new(&hw, &hc, &kc, &r->costs, seed, 0, &r->tr);
    des_enable_checks(r->m->sim, true);
    boot_cfg bc = boot_cfg_default();
    bc.vcpus = 16;
    bc.mix.p_user = p_user;
    r->b = boot_new(r->m, &bc, -1);
    const char *e = model_run(r->m, dur);
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
    TAP_EQ(r->tr.dropped, 0);
}

static void run_free(run *r)
{
    boot_free(r->b);
    model_free(r->m);
    des_trace_free(&r->tr);
}

static bool is_act(const des_trace_rec *x, kvm_act a, uint64_t vcpu)
{
    return x->kind == TR(KVM_TR_ACT) && x->a[0] == a && x->a[2] == vcpu;
}

/* The first record from i on of an activity a of vcpu; -1 if none. */
static long next_act(const des_trace *tr, size_t i, kvm_act a, uint64_t vcpu)
{
    for (; i < tr->n; i++)
        if (is_act(&tr->recs[i], a, vcpu))
            return (long)i;
    return -1;
}

/* Entry: with every secondary's wake made very slow (a nap exit of 50 us),
 * the primary enters the guest before any secondary even starts its
 * rm_entry: it switched the partition without waiting for them. */
static void entry_primary_does_not_wait(void)
{
    const char *n[] = {"nap_exit"};
    double v[] = {50000};
    run r;
    run_boot(&r, DES_MS(2), 5, n, v, 1, 0);
    int rounds = 0, early = 0;
    for (size_t i = 0; i < r.tr.n; i++) {
        const des_trace_rec *x = &r.tr.recs[i];
        if (!is_act(x, KVM_ACT_ENTRY, 0)) /* vcpu 0: ptid 0 of vcore 0, the primary */
            continue;
        long g = next_act(&r.tr, i, KVM_ACT_GUEST, 0);
        long s = next_act(&r.tr, i, KVM_ACT_ENTRY, 1);
        if (g < 0 || s < 0)
            continue;
        rounds++;
        early += r.tr.recs[g].t < r.tr.recs[s].t;
    }
    printf("# %d entries of vcore 0, the primary in the guest first in %d\n", rounds, early);
    TAP_LT(0, rounds);
    TAP_EQ(early, rounds);
    run_free(&r);
}

/* Entry: with a slow partition switch (50 us), every secondary loads its
 * guest state first (rm_entry ENTRY -> WAIT_IN at least half the mean
 * kvm_guest_load later: an SEXP draw) and enters the guest only after the
 * primary's switch. */
static void entry_secondaries_load_then_wait(void)
{
    const char *n[] = {"kvm_partition_switch"};
    double v[] = {50000};
    run r;
    run_boot(&r, DES_MS(2), 5, n, v, 1, 0);
    des_time load_min = (des_time)(r.costs.value_ns[HW_COST_kvm_guest_load] / 2);
    int waits = 0;
    for (size_t i = 0; i < r.tr.n; i++) {
        const des_trace_rec *x = &r.tr.recs[i];
        if (x->kind != TR(KVM_TR_ACT) || x->a[0] != KVM_ACT_ENTRY || x->a[2] % 8 == 0)
            continue;
        uint64_t vcpu = x->a[2];
        long w = next_act(&r.tr, i, KVM_ACT_WAIT_IN, vcpu);
        long g = next_act(&r.tr, i, KVM_ACT_GUEST, vcpu);
        if (w < 0 || g < 0 || w > g)
            continue; /* a latecomer after the switch does not wait */
        waits++;
        TAP_LE(x->t + load_min, r.tr.recs[w].t);
        /* its vcore's start loop ended (kvmppc_run_core Enter) at least one
         * partition switch (>= 25 us: half the SEXP mean) before */
        long rc = -1;
        for (long j = (long)i; j >= 0 && rc < 0; j--) {
            const des_trace_rec *y = &r.tr.recs[j];
            if (y->kind == TR(KVM_TR_RUN_CORE) && y->a[2] == 0 && kvm_tr_who_vcpu(y->a[0]) / 8 == vcpu / 8)
                rc = j;
        }
        TAP_CHECK(rc >= 0);
        if (rc >= 0)
            TAP_LE(r.tr.recs[rc].t + 25000, r.tr.recs[g].t);
    }
    printf("# %d secondary entries waited for the partition switch\n", waits);
    TAP_LT(10, waits);
    run_free(&r);
}

/* Exit: with a long state save (50 us), the threads the first exiter pulls
 * out leave the guest within a few us of its exit: the IPIs went out first. */
static void exit_ipis_before_save(void)
{
    const char *n[] = {"kvm_guest_save"};
    double v[] = {50000};
    run r;
    run_boot(&r, DES_MS(3), 7, n, v, 1, 0);
    int pulled = 0;
    des_time worst = 0;
    for (size_t i = 0; i < r.tr.n; i++) {
        const des_trace_rec *x = &r.tr.recs[i];
        if (x->kind != TR(KVM_TR_ACT) || x->a[0] != KVM_ACT_EXIT)
            continue;
        /* the first exiter of a round: no other thread of its vcore in EXIT */
        uint64_t base = x->a[2] - x->a[2] % 8;
        bool first = true;
        for (uint64_t q = base; q < base + 8 && first; q++) {
            if (q == x->a[2])
                continue;
            long e = -1;
            for (long j = (long)i - 1; j >= 0; j--) {
                const des_trace_rec *y = &r.tr.recs[j];
                if (y->kind == TR(KVM_TR_ACT) && y->a[2] == q) {
                    e = y->a[0] == KVM_ACT_EXIT ? j : -1;
                    break;
                }
            }
            first = e < 0;
        }
        if (!first)
            continue;
        for (uint64_t q = base; q < base + 8; q++) {
            if (q == x->a[2])
                continue;
            long e = next_act(&r.tr, i, KVM_ACT_EXIT, q);
            if (e < 0 || r.tr.recs[e].t > x->t + 25000)
                continue;
            pulled++;
            if (r.tr.recs[e].t - x->t > worst)
                worst = r.tr.recs[e].t - x->t;
        }
    }
    printf("# %d threads pulled out, the latest %llu ns after the first exiter\n", pulled,
           (unsigned long long)worst);
    TAP_LT(10, pulled);
    TAP_LT(worst, (des_time)10000);
    run_free(&r);
}

/* Virtual-mode hcalls: each kvm_hcall_enter/exit pair sits on one track
 * between that VCPU's kvmppc_run_vcpu exit and its next enter (its own
 * task); the runner role moves between tasks (a runner whose VCPU goes to
 * userspace wakes another); VCPUs join late from a CPU of another core. */
static void virtual_hcalls_in_own_task(void)
{
    run r;
    run_boot(&r, DES_MS(5), 9, NULL, NULL, 0, 0.02);
    int hcalls = 0;
    for (size_t i = 0; i < r.tr.n; i++) {
        const des_trace_rec *x = &r.tr.recs[i];
        if (x->kind != TR(KVM_TR_HCALL_ENTER))
            continue;
        hcalls++;
        long before = -1, exit = -1, after = -1;
        for (long j = (long)i - 1; j >= 0 && before < 0; j--) {
            const des_trace_rec *y = &r.tr.recs[j];
            if (y->kind == TR(KVM_TR_RUN_VCPU) && y->a[0] == x->a[0])
                before = j;
        }
        for (size_t j = i + 1; j < r.tr.n && after < 0; j++) {
            const des_trace_rec *y = &r.tr.recs[j];
            if (y->kind == TR(KVM_TR_HCALL_EXIT) && y->a[0] == x->a[0] && exit < 0)
                exit = (long)j;
            if (y->kind == TR(KVM_TR_RUN_VCPU) && y->a[0] == x->a[0])
                after = (long)j;
        }
        if (after < 0)
            continue; /* still in the host at the end of the trace */
        TAP_CHECK(before >= 0 && exit >= 0 && exit < after);
        if (before < 0 || exit < 0)
            continue;
        TAP_EQ(r.tr.recs[before].a[1], 1); /* kvmppc_run_vcpu exit */
        TAP_EQ(r.tr.recs[after].a[1], 0);  /* kvmppc_run_vcpu enter */
        TAP_EQ(r.tr.recs[before].track, x->track);
        TAP_EQ(r.tr.recs[exit].track, x->track);
        TAP_EQ(r.tr.recs[after].track, x->track);
    }
    uint64_t runners = 0, seen[16] = {0};
    for (size_t i = 0; i < r.tr.n; i++) {
        const des_trace_rec *x = &r.tr.recs[i];
        if (x->kind == TR(KVM_TR_RUN_CORE) && x->a[2] == 0 && kvm_tr_who_vcpu(x->a[0]) < 16 &&
            !seen[kvm_tr_who_vcpu(x->a[0])]++)
            runners++;
    }
    uint64_t late = 0;
    for (uint32_t c = 0; c < r.b->vm->n_vcores; c++)
        late += r.b->vm->vcores[c].st.late_joins;
    /* a late joiner's kvm_guest_enter comes from its task's CPU, another core */
    int remote = 0;
    for (size_t i = 0; i < r.tr.n; i++) {
        const des_trace_rec *x = &r.tr.recs[i];
        if (x->kind != TR(KVM_TR_GUEST_ENTER))
            continue;
        long e = next_act(&r.tr, i, KVM_ACT_ENTRY, x->a[1]);
        if (e >= 0 && hw_cpu_core(r.m->hw, (int)r.tr.recs[e].track) != hw_cpu_core(r.m->hw, (int)x->track))
            remote++;
    }
    printf("# %d virtual-mode hcalls, %llu VCPUs were runners, %llu late joins, %d remote guest_enter\n",
           hcalls, (unsigned long long)runners, (unsigned long long)late, remote);
    TAP_LT(10, hcalls);
    TAP_LT(2, runners);
    TAP_LT(0, late);
    TAP_LE((uint64_t)remote, late);
    TAP_LT(0, remote);
    run_free(&r);
}

/* H_PROD to a ceded VCPU of the caller's vcore: fixed kicks the target
 * (its wakeup is timed), 4.6 never wakes it (no wakeup at all: it comes back
 * only as a side effect of the caller's whole-core exit). */
static void h_prod_both_semantics(void)
{
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = 4;
    host_cfg hc = host_cfg_default();
    hcall_cfg c = hcall_cfg_default();
    c.kind = HCALL_PROD_CEDED;
    hcall_result fixed, old;
    kvm_cfg k = kvm_cfg_default();
    TAP_CHECK(hcall_bench_run(&hw, &hc, &k, NULL, &c, 3, 0, DES_MS(10), &fixed) == NULL);
    k.h_prod = KVM_H_PROD_4_6;
    TAP_CHECK(hcall_bench_run(&hw, &hc, &k, NULL, &c, 3, 0, DES_MS(10), &old) == NULL);
    printf("# H_PROD fixed: %llu calls, %llu target wakeups; 4.6: %llu calls, %llu\n",
           (unsigned long long)fixed.calls, (unsigned long long)fixed.wake.n,
           (unsigned long long)old.calls, (unsigned long long)old.wake.n);
    TAP_LT(100, fixed.calls);
    TAP_LE(fixed.calls, fixed.wake.n);
    TAP_LT(100, old.calls);
    TAP_EQ(old.wake.n, 0);
    hcall_result_free(&fixed);
    hcall_result_free(&old);
}

/* Release and grab: a secondary that ends its exit spins in kvm_no_guest
 * until the runner releases it, then naps kvm_offline_return later; a
 * runner that re-enters while a secondary is on that path (made longer than
 * the runner's post-exit work here) waits for it in udelay(1) steps. */
static void release_then_grab(void)
{
    const char *n[] = {"kvm_offline_return"};
    double v[] = {8000}; /* longer than post_guest_process: the runner catches it */
    run r;
    run_boot(&r, DES_MS(5), 11, n, v, 1, 0);
    des_time ret = (des_time)r.costs.value_ns[HW_COST_kvm_offline_return];
    int released = 0;
    for (size_t i = 0; i < r.tr.n; i++) {
        const des_trace_rec *x = &r.tr.recs[i];
        /* a secondary's rm_exit ends (ACT OUT on its thread) */
        if (x->kind != TR(KVM_TR_ACT) || x->a[0] != KVM_ACT_OUT || x->track % 8 == 0)
            continue;
        for (size_t j = i + 1; j < r.tr.n; j++) {
            const des_trace_rec *y = &r.tr.recs[j];
            if (y->track != x->track)
                continue;
            if (y->kind == HW_TRACE_MODE && y->a[0] == HW_MODE_OFFLINE_NAP) {
                TAP_LE(x->t + ret, y->t);
                released++;
                break;
            }
            if (y->kind == TR(KVM_TR_ACT))
                break; /* started again from the kvm_no_guest spin or the return path */
        }
    }
    uint64_t grabs = 0;
    for (uint32_t k = 0; k < r.b->vm->n_vcpus; k++)
        grabs += r.b->vm->vcpus[k].st.grab_waits;
    printf("# %d secondaries released to nap, %llu udelay(1) grab waits\n", released,
           (unsigned long long)grabs);
    TAP_LT(10, released);
    TAP_LT(0, grabs);
    run_free(&r);
}

int main(void)
{
    TAP_RUN(entry_primary_does_not_wait);
    TAP_RUN(entry_secondaries_load_then_wait);
    TAP_RUN(exit_ipis_before_save);
    TAP_RUN(virtual_hcalls_in_own_task);
    TAP_RUN(h_prod_both_semantics);
    TAP_RUN(release_then_grab);
    return tap_done();
}
