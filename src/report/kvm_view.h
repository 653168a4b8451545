/*
 * report/kvm_view.h — read-only views of the KVM layer: metrics and the
 * timeline. The kernel's own formats are ktrace.h (the kvm_hv tracepoints,
 * trace.dat) and kstat.h (kvm_stat, the debugfs timings, the XICS dump).
 *
 *   rep_kvm_metrics   kvm.* / hipi.* / wake.* / timing.* dotted metrics
 *                     (docs/metrics.md)
 *   rep_kvm_timeline_spec  the timeline: one track per hardware thread whose
 *                     states are its hw modes (host, host_nap, offline_nap,
 *                     kvm_rm, guest, guest_nap), with guest-IPI arrows and
 *                     instants for exits, virtual-mode hcalls, vcore blocks
 */
#ifndef HV_REPORT_KVM_VIEW_H
#define HV_REPORT_KVM_VIEW_H

#include <stdio.h>

#include "kvm/kvm.h"
#include "report/metrics.h"
#include "report/timeline.h"

void rep_kvm_metrics(const kvm_sys *s, des_time elapsed, rep_metrics *m);
rep_timeline_spec rep_kvm_timeline_spec(const kvm_sys *s);

#endif
