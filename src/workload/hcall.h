/*
 * workload/hcall.h — the hypercall microbenchmark (like kvm-unit-tests): a
 * guest VCPU loops issuing one hcall and times the round trip as the guest
 * sees it (issue -> return to the guest).
 *
 * Kinds (hcall.kind):
 *   null          H_NULL, a real-mode hcall with an empty body
 *   ipi_running   H_IPI to a VCPU of the same vcore that is running guest code
 *   ipi_ceded     H_IPI to a VCPU of the same vcore napping in H_CEDE
 *   ipi_sleeping  H_IPI to a VCPU whose vcore sleeps (not loaded: M1 redirect
 *                 or the H_TOO_HARD fallback)
 *   prod_ceded    H_PROD to a ceded VCPU of the same vcore (virtual mode)
 *   cede_timer    H_CEDE of a lone VCPU woken by its guest timer; the time is
 *                 measured from the timer expiry to the return
 * The guest's shape is hcall.vcpus VCPUs of hcall.threads_per_vcore (the
 * default 2 and 2; ipi_sleeping uses 1 thread per vcore unless a shape is
 * given; cede_timer always runs 1 VCPU alone). VCPU 0 is the caller; the
 * target is VCPU 1 for the same-vcore kinds and the first VCPU of the next
 * vcore for ipi_sleeping. Every other VCPU runs the guest OS
 * (guest/guest.h): idle -> H_CEDE, an IPI -> H_XIRR, H_IPI(self, 0xff),
 * H_EOI. Between calls the caller computes for hcall.gap so the target
 * settles. The VCPU threads float (the host scheduler places them) on a
 * chip with two cores more than the guest has vcores (at least 4).
 *
 * Results: round trip (hist), the target's wakeup latency (raise -> back in
 * the guest), whole-core exits of the caller's vcore by cause and the VM's
 * H_IPI outcomes while recording.
 */
#ifndef HV_WORKLOAD_HCALL_H
#define HV_WORKLOAD_HCALL_H

#include "des/hist.h"
#include "host/host.h"
#include "hw/hw.h"
#include "kvm/kvm.h"

#define HCALL_KINDS(X)                                                       \
    X(HCALL_NULL, "null")                                                    \
    X(HCALL_IPI_RUNNING, "ipi_running")                                      \
    X(HCALL_IPI_CEDED, "ipi_ceded")                                          \
    X(HCALL_IPI_SLEEPING, "ipi_sleeping")                                    \
    X(HCALL_PROD_CEDED, "prod_ceded")                                        \
    X(HCALL_CEDE_TIMER, "cede_timer")
typedef enum {
#define HCALL_E(e, n) e,
    HCALL_KINDS(HCALL_E)
#undef HCALL_E
    HCALL_NKINDS
} hcall_kind;
const char *hcall_kind_name(int k);

/* Scenario keys: workload/hcall_options.def. */
typedef struct hcall_cfg {
    int kind;           /* hcall_kind */
    des_time gap;       /* caller compute between calls */
    des_time cede_timeout; /* cede_timer: guest timer armed before H_CEDE */
    des_time warmup;    /* calls issued before this time are not recorded */
    uint64_t vcpus;     /* guest VCPUs (0: the kind's default shape) */
    uint64_t threads_per_vcore; /* VCPUs per vcore (0: the kind's default shape) */
} hcall_cfg;
hcall_cfg hcall_cfg_default(void);
/* NULL, or why cfg's shape cannot run its kind (e.g. a same-vcore kind with
 * 1 thread per vcore). */
const char *hcall_cfg_check(const hcall_cfg *cfg);

typedef struct hcall_result {
    des_hist rtt;       /* round trip, ns */
    des_hist wake;      /* target wakeup latency, ns (the whole run) */
    uint64_t calls;     /* recorded calls */
    uint64_t exits;     /* whole-core exits of the caller's vcore while recording */
    uint64_t exits_by_cause[KVM_EXIT_NCAUSES]; /* ... by the first exiter's cause */
    uint64_t hipi[KVM_HIPI_NOUTCOMES];         /* the VM's H_IPI outcomes while recording */
} hcall_result;

/* Build a model, run it for duration, fill *out (hists initialised here;
 * free with hcall_result_free). Returns NULL or a failed check. */
const char *hcall_bench_run(const hw_cfg *hwc, const host_cfg *hc, const kvm_cfg *kc,
                            const hw_costs *costs, const hcall_cfg *cfg, uint64_t seed,
                            uint64_t run, des_time duration, hcall_result *out);
void hcall_result_free(hcall_result *r);

#endif
