/*
 * workload/model.h — one model instance: engine, machine, host and KVM built
 * from their configurations, with every room's invariant check run after
 * each event (HV_CHECKS) and the end-of-run conservation checks.
 *
 * Workloads create VMs and guests on top (kvm_vm_new, guest_new, …) before
 * the first model_run.
 */
#ifndef HV_WORKLOAD_MODEL_H
#define HV_WORKLOAD_MODEL_H

#include "des/des.h"
#include "des/trace.h"
#include "host/host.h"
#include "hw/hw.h"
#include "kvm/kvm.h"

/* A workload's check: NULL, or what is broken (a message it holds). */
typedef const char *(*model_check_fn)(void *ctx);
typedef struct model_checks {
    model_check_fn check;        /* after every event when checks are on (may be NULL) */
    model_check_fn conservation; /* at the end of every model_run (may be NULL) */
    void *ctx;
} model_checks;

typedef struct model {
    des_sim *sim;
    hw_machine *hw;
    host *host;
    kvm_sys *kvm;
    des_trace *trace; /* NULL = no trace */
    uint64_t seed, run;
    model_checks *wl; /* the workloads' checks, in registration order */
    uint32_t nwl;
} model;

/* costs NULL = the table's defaults; trace may be NULL. */
model *model_new(const hw_cfg *hwc, const host_cfg *hc, const kvm_cfg *kc, const hw_costs *costs,
                 uint64_t seed, uint64_t run, des_trace *trace);
/* Chain a workload's checks after the rooms' (guest kernels, devices,
 * request conservation). */
void model_add_checks(model *m, model_check_fn check, model_check_fn conservation, void *ctx);
/* Run until now + duration. Returns NULL, or the first failed end-of-run
 * conservation check (events, host IPIs and wakeups, hw signals, KVM
 * wakeups, then the workloads' in registration order). */
const char *model_run(model *m, des_time duration);
void model_free(model *m);

#endif
