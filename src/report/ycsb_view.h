/*
 * report/ycsb_view.h — ycsb.* metrics (docs/metrics.md "ycsb.*"):
 *   ycsb.vms, ycsb.clients                 server VMs, connections in all
 *   ycsb.ops, ycsb.ops_per_s               operations completed (measured)
 *   ycsb.latency_ns.*                      operation latency at the client
 *   ycsb.<op>.ops, ycsb.<op>.latency_ns.*  per operation type (read,
 *                                          update, rmw)
 *   ycsb.lock_waits, ycsb.lock_waits_per_op  updates that waited for a
 *                                          document lock
 *   ycsb.in_flight                         requests in flight at the end
 *   ycsb.abandoned                         requests abandoned at a VM's
 *                                          destroy (only with a destroy_at)
 *   ycsb.*_per_op                          report/per_op.h (call after the
 *                                          kvm and guest views)
 */
#ifndef HV_REPORT_YCSB_VIEW_H
#define HV_REPORT_YCSB_VIEW_H

#include "report/metrics.h"
#include "workload/ycsb.h"

void rep_ycsb_view(rep_metrics *out, const ycsb *w, des_time measured);

#endif
