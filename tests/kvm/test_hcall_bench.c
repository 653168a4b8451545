/* The KVM model end to end through the hcall microbenchmark. */
#include "tap.h"
#include "workload/hcall.h"

static hw_cfg small_hw(void)
{
    hw_cfg h = hw_cfg_default();
    h.chips = 1;
    h.cores_per_chip = 4;
    return h;
}

static void run_kind(int kind, hcall_result *r, kvm_cfg kc)
{
    hw_cfg hw = small_hw();
    host_cfg hc = host_cfg_default();
    hcall_cfg c = hcall_cfg_default();
    c.kind = kind;
    const char *e = hcall_bench_run(&hw, &hc, &kc, NULL, &c, 1, 0, DES_MS(20), r);
    if (e)
        printf("# %s: %s\n", hcall_kind_name(kind), e);
    TAP_CHECK(e == NULL);
    printf("# %-13s calls %6llu  rtt mean %8.1f p50 %6llu p99 %7llu ns  exits/call %.3f  wake mean %.1f (n %llu)\n",
           hcall_kind_name(kind), (unsigned long long)r->calls, des_hist_mean(&r->rtt),
           (unsigned long long)des_hist_quantile(&r->rtt, 0.5),
           (unsigned long long)des_hist_quantile(&r->rtt, 0.99),
           r->calls ? (double)r->exits / (double)r->calls : 0.0, des_hist_mean(&r->wake),
           (unsigned long long)r->wake.n);
    printf("#   H_IPI outcomes:");
    for (int o = 0; o < KVM_HIPI_NOUTCOMES; o++)
        if (r->hipi[o])
            printf(" %s=%llu", kvm_hipi_outcome_name(o), (unsigned long long)r->hipi[o]);
    printf("\n");
}

static void null_hcall_stays_in_real_mode(void)
{
    hcall_result r;
    run_kind(HCALL_NULL, &r, kvm_cfg_default());
    TAP_CHECK(r.calls > 100);
    TAP_CHECK(des_hist_mean(&r.rtt) > 0);
    /* Only host ticks (HDEC) pull the core out: far less than one per call. */
    TAP_CHECK(r.exits * 20 < r.calls);
    hcall_result_free(&r);
}

static void all_kinds_run(void)
{
    for (int k = 0; k < HCALL_NKINDS; k++) {
        hcall_result r;
        run_kind(k, &r, kvm_cfg_default());
        TAP_CHECK(r.calls > 10);
        hcall_result_free(&r);
    }
}

int main(void)
{
    TAP_RUN(null_hcall_stays_in_real_mode);
    TAP_RUN(all_kinds_run);
    return tap_done();
}
