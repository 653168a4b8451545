/*
 * report/tcp_rr_view.h — tcp_rr.* metrics (docs/metrics.md "tcp_rr.*"):
 *   tcp_rr.streams                         streams in all
 *   tcp_rr.transactions, tcp_rr.transactions_per_s   completed (measured)
 *   tcp_rr.stream_transactions_per_s       per stream (netperf's figure)
 *   tcp_rr.rtt_ns.*                        round trip of a transaction
 *   tcp_rr.in_flight                       requests in flight at the end
 *   tcp_rr.abandoned                       messages abandoned at a VM's
 *                                          destroy (only with a destroy_at)
 *   tcp_rr.*_per_op                        report/per_op.h, per transaction
 */
#ifndef HV_REPORT_TCP_RR_VIEW_H
#define HV_REPORT_TCP_RR_VIEW_H

#include "report/metrics.h"
#include "workload/tcp_rr.h"

void rep_tcp_rr_view(rep_metrics *out, const tcp_rr *w, des_time measured);

#endif
