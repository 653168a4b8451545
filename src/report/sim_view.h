/*
 * report/sim_view.h — the sim.* metrics: what the engine did in a run
 * (docs/metrics.md). Read-only view of the engine; deterministic (no
 * wall-clock figure ever enters the metrics: those go to the progress line
 * on stderr only).
 */
#ifndef HV_REPORT_SIM_VIEW_H
#define HV_REPORT_SIM_VIEW_H

#include "des/des.h"
#include "report/metrics.h"

/* Adds, in this order:
 *   sim.time_ns              simulated time at the end (warm-up included)
 *   sim.warmup_ns            warm-up (not measured)
 *   sim.measured_ns          simulated time measured (time_ns - warmup_ns)
 *   sim.events               events run (handlers called)
 *   sim.events_scheduled     des_at/des_after calls
 *   sim.events_cancelled     events cancelled
 *   sim.events_pending       still pending at the end
 *   sim.events_pending_peak  maximum pending at any time
 *   sim.engine_event_bytes  engine memory per pending-event slot (bytes)
 * and fails (HV_DIE) if scheduled != run + cancelled + pending. */
void rep_sim_view(rep_metrics *m, des_sim *sim, des_time warmup_ns);

#endif
