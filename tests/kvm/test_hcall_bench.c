/*
 * The KVM model end to end through the hcall microbenchmark (workload/
 * hcall.h): each kind pins the mechanism its name says, by exact relations
 * between counters taken over the same recording window (seed 1, 20 ms,
 * 1 chip x 4 cores):
 *  - which whole-core exits happen, by cause: none but host ticks (HDEC)
 *    for the real-mode kinds; exactly one per H_TOO_HARD without M1, one per
 *    reschedule IPI without M2, one per H_PROD and per lone H_CEDE;
 *  - which H_IPI outcome each call has (loaded / redirected / too_hard /
 *    resched);
 *  - whether the target has a wakeup to time (none when it runs guest code);
 *  - the order of round trips and wakeup latencies the mechanisms imply.
 * A call in flight when the run ends is counted where it started (its exit,
 * its H_IPI outcome) but has not returned: hence [calls, calls + 1].
 */
#include "tap.h"
#include "workload/hcall.h"

enum { IN_FLIGHT = 1 };

static hw_cfg small_hw(void)
{
    hw_cfg h = hw_cfg_default();
    h.chips = 1;
    h.cores_per_chip = 4;
    return h;
}

static void run(int kind, kvm_cfg kc, hcall_result *r)
{
    hw_cfg hw = small_hw();
    host_cfg hc = host_cfg_default();
    hcall_cfg c = hcall_cfg_default();
    c.kind = kind;
    const char *e = hcall_bench_run(&hw, &hc, &kc, NULL, &c, 1, 0, DES_MS(20), r);
    if (e)
        printf("# %s: %s\n", hcall_kind_name(kind), e);
    TAP_CHECK(e == NULL);
    printf("# %-13s redirect %d guest_ipi %d: calls %llu rtt mean %.1f ns, wake n %llu mean %.1f ns; exits:",
           hcall_kind_name(kind), kc.h_ipi_redirect, kc.guest_ipi, (unsigned long long)r->calls,
           des_hist_mean(&r->rtt), (unsigned long long)r->wake.n, des_hist_mean(&r->wake));
    for (int c2 = 0; c2 < KVM_EXIT_NCAUSES; c2++)
        if (r->exits_by_cause[c2])
            printf(" %s=%llu", kvm_exit_cause_name(c2), (unsigned long long)r->exits_by_cause[c2]);
    printf("; H_IPI:");
    for (int o = 0; o < KVM_HIPI_NOUTCOMES; o++)
        if (r->hipi[o])
            printf(" %s=%llu", kvm_hipi_outcome_name(o), (unsigned long long)r->hipi[o]);
    printf("\n");
    TAP_LT(100, r->calls); /* the loop ran */
}

/* Whole-core exits of causes outside `allowed` (a bit per kvm_exit_cause)
 * must be 0; HDEC (the host tick on the runner's CPU) is always allowed. */
static void exits_only(const hcall_result *r, unsigned allowed)
{
    allowed |= 1u << KVM_EXIT_HDEC;
    for (int c = 0; c < KVM_EXIT_NCAUSES; c++)
        if (!(allowed & (1u << c)) && r->exits_by_cause[c]) {
            printf("#   unexpected whole-core exits caused by %s\n", kvm_exit_cause_name(c));
            TAP_EQ(r->exits_by_cause[c], 0);
        }
}

static uint64_t raised(const hcall_result *r)
{
    uint64_t n = 0;
    for (int o = 0; o < KVM_HIPI_NOUTCOMES; o++)
        if (o != KVM_HIPI_NO_RAISE)
            n += r->hipi[o];
    return n;
}

static kvm_cfg no_m1(void)
{
    kvm_cfg k = kvm_cfg_default();
    k.h_ipi_redirect = false;
    return k;
}

static kvm_cfg no_m2(void)
{
    kvm_cfg k = kvm_cfg_default();
    k.guest_ipi = KVM_GUEST_IPI_RESCHEDULE;
    return k;
}

/* null: an empty real-mode hcall never leaves the guest. */
static void null_stays_in_real_mode(void)
{
    hcall_result r;
    run(HCALL_NULL, kvm_cfg_default(), &r);
    exits_only(&r, 0);
    TAP_EQ(raised(&r), 0);
    TAP_EQ(r.wake.n, 0); /* the idle target is never woken */
    hcall_result_free(&r);
}

/* H_IPI to a loaded target (M2 targeted): an IPI to its thread, no exit,
 * whether it runs guest code or naps in H_CEDE; only a napping target has a
 * wakeup to time; the sender's round trip does not depend on which. */
static void ipi_to_a_loaded_target(void)
{
    hcall_result run_, ced;
    run(HCALL_IPI_RUNNING, kvm_cfg_default(), &run_);
    run(HCALL_IPI_CEDED, kvm_cfg_default(), &ced);
    const hcall_result *both[] = {&run_, &ced};
    for (int i = 0; i < 2; i++) {
        const hcall_result *r = both[i];
        exits_only(r, 0);
        TAP_EQ(raised(r), r->hipi[KVM_HIPI_LOADED]);
        TAP_LE(r->calls, r->hipi[KVM_HIPI_LOADED]);
        TAP_LE(r->hipi[KVM_HIPI_LOADED], r->calls + IN_FLIGHT);
    }
    TAP_EQ(run_.wake.n, 0);
    TAP_LT(0, ced.wake.n);
    /* identical round trips: count, exact sum, min, max */
    TAP_EQ(run_.calls, ced.calls);
    TAP_EQ(run_.rtt.sum_lo, ced.rtt.sum_lo);
    TAP_EQ(run_.rtt.min, ced.rtt.min);
    TAP_EQ(run_.rtt.max, ced.rtt.max);
    hcall_result_free(&run_);
    hcall_result_free(&ced);
}

/* H_IPI to a VCPU whose vcore sleeps, M1 on: redirected to a host core (or
 * loaded, when the vcore happened to run), never H_TOO_HARD, no exit. */
static void ipi_sleeping_redirected(void)
{
    hcall_result r;
    run(HCALL_IPI_SLEEPING, kvm_cfg_default(), &r);
    exits_only(&r, 0);
    TAP_EQ(raised(&r), r.hipi[KVM_HIPI_REDIRECTED] + r.hipi[KVM_HIPI_LOADED]);
    TAP_LT(r.hipi[KVM_HIPI_LOADED], r.hipi[KVM_HIPI_REDIRECTED]);
    TAP_LE(raised(&r), r.calls + IN_FLIGHT);
    TAP_LT(0, r.wake.n);
    hcall_result_free(&r);
}

/* M1 off: every raise of a VCPU that is not loaded is H_TOO_HARD, and each
 * one is exactly one whole-core exit of the sender. */
static void ipi_sleeping_too_hard_without_m1(void)
{
    hcall_result r;
    run(HCALL_IPI_SLEEPING, no_m1(), &r);
    exits_only(&r, 1u << KVM_EXIT_HCALL_TOO_HARD);
    TAP_EQ(r.hipi[KVM_HIPI_REDIRECTED], 0);
    TAP_LT(0, r.hipi[KVM_HIPI_TOO_HARD]);
    TAP_EQ(r.exits_by_cause[KVM_EXIT_HCALL_TOO_HARD], r.hipi[KVM_HIPI_TOO_HARD]);
    TAP_EQ(raised(&r), r.hipi[KVM_HIPI_TOO_HARD] + r.hipi[KVM_HIPI_LOADED]);
    hcall_result_free(&r);
}

/* M2 off (guest_ipi = reschedule): every guest IPI is a reschedule IPI to
 * thread 0 with host_ipi set, and each pulls the whole core out once. */
static void reschedule_exits_once_per_ipi(void)
{
    const int kinds[] = {HCALL_IPI_RUNNING, HCALL_IPI_CEDED};
    for (int i = 0; i < 2; i++) {
        hcall_result r;
        run(kinds[i], no_m2(), &r);
        exits_only(&r, 1u << KVM_EXIT_HOST_IPI);
        TAP_EQ(raised(&r), r.hipi[KVM_HIPI_RESCHED]);
        /* one exit per reschedule IPI; the last may still be on its way */
        TAP_LE(r.exits_by_cause[KVM_EXIT_HOST_IPI], r.hipi[KVM_HIPI_RESCHED]);
        TAP_LE(r.hipi[KVM_HIPI_RESCHED], r.exits_by_cause[KVM_EXIT_HOST_IPI] + IN_FLIGHT);
        TAP_LE(r.calls, r.hipi[KVM_HIPI_RESCHED]);
        TAP_LE(r.hipi[KVM_HIPI_RESCHED], r.calls + IN_FLIGHT);
        hcall_result_free(&r);
    }
}

/* H_PROD has no real-mode handler: one exit per call (hcall_virtual). */
static void prod_exits_once_per_call(void)
{
    hcall_result r;
    run(HCALL_PROD_CEDED, kvm_cfg_default(), &r);
    exits_only(&r, 1u << KVM_EXIT_HCALL_VIRT);
    TAP_LE(r.calls, r.exits_by_cause[KVM_EXIT_HCALL_VIRT]);
    TAP_LE(r.exits_by_cause[KVM_EXIT_HCALL_VIRT], r.calls + IN_FLIGHT);
    TAP_EQ(raised(&r), 0);
    TAP_LT(0, r.wake.n);
    hcall_result_free(&r);
}

/* A lone VCPU's H_CEDE makes every entered thread napping: the vcore exits
 * (kvm_cede_exit), once per call. */
static void lone_cede_exits_once_per_call(void)
{
    hcall_result r;
    run(HCALL_CEDE_TIMER, kvm_cfg_default(), &r);
    exits_only(&r, 1u << KVM_EXIT_CEDE);
    TAP_LE(r.calls, r.exits_by_cause[KVM_EXIT_CEDE]);
    TAP_LE(r.exits_by_cause[KVM_EXIT_CEDE], r.calls + IN_FLIGHT);
    hcall_result_free(&r);
}

/* Round trips: an empty hcall < an H_IPI that sends an IPI < one that also
 * reserves a host core (M1) < one that exits the core (no M1); wakeups: a
 * napping thread of a running vcore < a sleeping vcore kicked by a host
 * core < one kicked after the sender's exit; a reschedule IPI costs the
 * target a whole-core exit. */
static void mechanisms_order(void)
{
    hcall_result null, ceded, sleep_m1, sleep_no_m1, ceded_no_m2;
    run(HCALL_NULL, kvm_cfg_default(), &null);
    run(HCALL_IPI_CEDED, kvm_cfg_default(), &ceded);
    run(HCALL_IPI_SLEEPING, kvm_cfg_default(), &sleep_m1);
    run(HCALL_IPI_SLEEPING, no_m1(), &sleep_no_m1);
    run(HCALL_IPI_CEDED, no_m2(), &ceded_no_m2);
    TAP_LT(des_hist_mean(&null.rtt), des_hist_mean(&ceded.rtt));
    TAP_LT(des_hist_mean(&ceded.rtt), des_hist_mean(&sleep_m1.rtt));
    TAP_LT(des_hist_mean(&sleep_m1.rtt), des_hist_mean(&sleep_no_m1.rtt));
    TAP_LT(des_hist_mean(&ceded.wake), des_hist_mean(&sleep_m1.wake));
    TAP_LT(des_hist_mean(&sleep_m1.wake), des_hist_mean(&sleep_no_m1.wake));
    TAP_LT(des_hist_mean(&ceded.wake), des_hist_mean(&ceded_no_m2.wake));
    hcall_result_free(&null);
    hcall_result_free(&ceded);
    hcall_result_free(&sleep_m1);
    hcall_result_free(&sleep_no_m1);
    hcall_result_free(&ceded_no_m2);
}

int main(void)
{
    TAP_RUN(null_stays_in_real_mode);
    TAP_RUN(ipi_to_a_loaded_target);
    TAP_RUN(ipi_sleeping_redirected);
    TAP_RUN(ipi_sleeping_too_hard_without_m1);
    TAP_RUN(reschedule_exits_once_per_ipi);
    TAP_RUN(prod_exits_once_per_call);
    TAP_RUN(lone_cede_exits_once_per_call);
    TAP_RUN(mechanisms_order);
    return tap_done();
}
