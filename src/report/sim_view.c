#include "report/sim_view.h"

#include "base/hv.h"

void rep_sim_view(rep_metrics *m, des_sim *sim, des_time warmup_ns)
{
    const char *bad = des_conservation(sim);
    if (bad)
        HV_DIE("engine conservation: %s", bad);
    des_stats st = des_get_stats(sim);
    des_time now = des_now(sim);
    rep_metric(m, (double)now, "sim.time_ns");
    rep_metric(m, (double)warmup_ns, "sim.warmup_ns");
    rep_metric(m, (double)(now > warmup_ns ? now - warmup_ns : 0), "sim.measured_ns");
    rep_metric(m, (double)st.run, "sim.events");
    rep_metric(m, (double)st.scheduled, "sim.events_scheduled");
    rep_metric(m, (double)st.cancelled, "sim.events_cancelled");
    rep_metric(m, (double)st.pending, "sim.events_pending");
    rep_metric(m, (double)st.peak_pending, "sim.events_pending_peak");
    rep_metric(m, des_bytes_per_event(sim), "sim.engine_event_bytes");
}
