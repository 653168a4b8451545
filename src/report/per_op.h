/*
 * report/per_op.h — the mechanism figures of a request/response workload
 * per operation: read from the kvm.*, hipi.*, wake.* and guest.os.* rows
 * already in the sink (add those views first), divided by the workload's
 * completed operations (a tcp_rr transaction is an operation). Rows
 * (docs/metrics.md):
 *   <area>.hipi_per_op              H_IPIs (hipi.total)
 *   <area>.hipi_not_running_per_op  H_IPIs whose target was not loaded
 *                                   (hipi.redirected + hipi.too_hard)
 *   <area>.hipi_too_hard_per_op     H_IPIs that exited the sender's core
 *   <area>.guest_ipis_per_op        reschedule IPIs the guests sent
 *   <area>.wakeups_per_op           VCPUs raised while not in the guest
 *                                   (ceded, or with the vcore out or
 *                                   asleep: wake.latency_ns.count)
 *   <area>.vcore_wakeups_per_op     sleeping vcore runners woken (kvm.halt_wakeup)
 *   <area>.exits_per_op             VCPU exits to the host (kvm.exits)
 *   <area>.core_exits_per_op        whole-core exits (kvm.core_exits.total)
 *   <area>.halt_poll_ns_per_op      host CPU time spent halt-polling
 *                                   (kvm.halt_poll_success_ns + fail_ns)
 */
#ifndef HV_REPORT_PER_OP_H
#define HV_REPORT_PER_OP_H

#include "report/metrics.h"

void rep_per_op(rep_metrics *out, const char *area, double ops);

#endif
