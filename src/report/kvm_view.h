/*
 * report/kvm_view.h — read-only views of the KVM layer: metrics, and the
 * kernel's own text formats so POWER engineers can read them as on a host.
 *
 *   rep_kvm_metrics   kvm.* / hipi.* / wake.* / timing.* dotted metrics
 *                     (docs/metrics.md)
 *   rep_kvm_stat      kvm_stat-style totals of the debugfs counters
 *                     (book3s.c debugfs_entries names)
 *   rep_kvm_timings   per-VCPU debugfs `timings` files
 *                     (CONFIG_KVM_BOOK3S_HV_EXIT_TIMING: "name: count total min max")
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
void rep_kvm_stat(const kvm_sys *s, FILE *f);
void rep_kvm_timings(const kvm_sys *s, FILE *f);
rep_timeline_spec rep_kvm_timeline_spec(const kvm_sys *s);

#endif
