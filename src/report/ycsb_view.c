/* report/ycsb_view.c — ycsb.* metrics; see ycsb_view.h. */
#include "report/ycsb_view.h"

#include "report/per_op.h"

void rep_ycsb_view(rep_metrics *out, const ycsb *w, des_time measured)
{
    double secs = measured ? (double)measured * 1e-9 : 1;
    uint64_t ops = 0;
    for (int k = 0; k < YCSB_NOPS; k++)
        ops += w->ops[k];
    rep_metric(out, (double)w->nvms, "ycsb.vms");
    rep_metric(out, (double)w->nvms * (double)w->cfg.clients, "ycsb.clients");
    rep_metric(out, (double)ops, "ycsb.ops");
    rep_metric(out, (double)ops / secs, "ycsb.ops_per_s");
    rep_metric_hist(out, &w->lat_all, "ycsb.latency_ns");
    for (int k = 0; k < YCSB_NOPS; k++) {
        rep_metric(out, (double)w->ops[k], "ycsb.%s.ops", ycsb_op_name(k));
        rep_metric_hist(out, &w->lat[k], "ycsb.%s.latency_ns", ycsb_op_name(k));
    }
    rep_metric(out, (double)w->lock_waits, "ycsb.lock_waits");
    rep_metric(out, ops ? (double)w->lock_waits / (double)ops : 0, "ycsb.lock_waits_per_op");
    rep_metric(out, (double)ycsb_in_flight(w), "ycsb.in_flight");
    if (w->destroys)
        rep_metric(out, (double)w->abandoned, "ycsb.abandoned");
    rep_per_op(out, "ycsb", (double)ops);
}
