/*
 * report/host_view.h — fills a rep_metrics from the hw/host/hostload state
 * (read-only; call host_account first so that times are up to date).
 *
 * Metric names (stable; documented in docs/machine.md):
 *   host.cpus_online                     online Linux CPUs at the end
 *   host.cpu.{task,irq,sched,idle,kvm}_frac  mean over online CPUs of the
 *                                        fraction of time in each state
 *   host.cpu.busy_frac                   task + irq + sched + kvm
 *   host.ipi.<msg>                       messages demultiplexed, per PPC_MSG
 *   host.ipi.raised, host.ipi.coalesced, host.ipi.sent
 *   host.ctx_switches, host.preemptions, host.ticks, host.irqs, host.migrations
 *   host.wakeups, host.wakeups_coalesced
 *   host.task.wakeup_latency_ns.*, host.task.sched_latency_ns.*  (all tasks)
 *   hw.signals.xics, hw.signals.doorbell, hw.nap.entries,
 *   hw.nap.exits.<reason>, hw.thread.<mode>_frac (mean over all threads)
 *   hostload.tasks, hostload.work_per_s (CPU-seconds of work per second),
 *   hostload.jobs, hostload.misses,
 *   hostload.sched_latency_ns.*, hostload.wakeup_latency_ns.*
 *   (.* = count, mean, min, p50, p90, p99, p999, max)
 */
#ifndef HV_REPORT_HOST_VIEW_H
#define HV_REPORT_HOST_VIEW_H

#include "report/metrics.h"
#include "workload/hostload.h"

void rep_host_view(rep_metrics *out, const host *h);
void rep_hostload_view(rep_metrics *out, const hostload *l);
/* Host-only run: build (costs NULL = defaults), run for duration, check
 * end-of-run conservation, fill out. Returns NULL or the failed check. */
const char *rep_host_only_run(const hw_cfg *hwc, const host_cfg *hc, const hostload_cfg *lc,
                              const hw_costs *costs, uint64_t seed, uint64_t run,
                              des_time duration, rep_metrics *out);

#endif
