/*
 * report/m3_view.h — the figures of a host shared between VMs and host
 * tasks, M3's in particular (kvm/kvm_m3.h; docs/m3-secondaries.md). Shown
 * when the model runs VMs beside host load tasks or with secondaries
 * online, in both modes, so `compare --vary host.secondaries=offline,online`
 * has every row on both sides.
 *
 * Metric names (stable; documented in docs/metrics.md):
 *   m3.<counter>              KVM_M3_COUNTERS (kvm/kvm_m3.h), in list order
 *   m3.stolen_frac            mean over the online secondaries of the time
 *                             parked (the scheduler does not know it)
 *   m3.stolen_max_frac        the most parked secondary's fraction
 *   m3.host_cpu_spread_frac   the host load tasks' work done (completed
 *                             CPU time): standard deviation over the mean
 *                             (0 = fair)
 *   m3.host_cpu_shortfall_frac  1 - least work done over the mean
 *   kvm.entry_latency_ns.*    kvmppc_run_core's start -> in_guest
 *   m3.park_wait_ns.*         stop_cpus_async -> every flag in (online)
 */
#ifndef HV_REPORT_M3_VIEW_H
#define HV_REPORT_M3_VIEW_H

#include "kvm/kvm.h"
#include "report/metrics.h"
#include "workload/hostload.h"

/* l may be NULL (no host load); elapsed = the measured interval (ns). */
void rep_m3_view(rep_metrics *out, const kvm_sys *s, const hostload *l, des_time elapsed);

#endif
