/*
 * report/guest_view.h — guest.* metrics: read-only view of the guests of a
 * run (docs/metrics.md "guest.*").
 *
 *   guest.vms, guest.vcpus            VMs and VCPUs
 *   guest.work_items_per_s            work items completed per measured second
 *   guest.busy_frac                   guest CPU time / (VCPUs x measured time)
 *   guest.<counter>                   every row of GUEST_COUNTERS (guest.h),
 *                                     summed over every VCPU, in list order
 */
#ifndef HV_REPORT_GUEST_VIEW_H
#define HV_REPORT_GUEST_VIEW_H

#include <stddef.h>

#include "guest/guest.h"
#include "guest/os.h"
#include "report/metrics.h"

/* The n guests of a run measured for `measured` ns (0: rates use 1 s). */
void rep_guest_view(rep_metrics *out, guest *const *g, size_t n, des_time measured);

/* guest.os.*: the guest kernels (guest/os.h) of a run:
 *   guest.os.vms, guest.os.vcpus, guest.os.threads
 *   guest.os.busy_frac                time not idle / (VCPUs x measured)
 *   guest.os.<counter>                every row of GUEST_OS_COUNTERS,
 *                                     summed over every VCPU, in list order */
void rep_guest_os_view(rep_metrics *out, guest_os *const *os, size_t n, des_time measured);

#endif
