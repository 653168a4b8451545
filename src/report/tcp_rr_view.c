/* report/tcp_rr_view.c — tcp_rr.* metrics; see tcp_rr_view.h. */
#include "report/tcp_rr_view.h"

#include "report/per_op.h"

void rep_tcp_rr_view(rep_metrics *out, const tcp_rr *w, des_time measured)
{
    double secs = measured ? (double)measured * 1e-9 : 1;
    rep_metric(out, (double)w->nstreams, "tcp_rr.streams");
    rep_metric(out, (double)w->transactions, "tcp_rr.transactions");
    rep_metric(out, (double)w->transactions / secs, "tcp_rr.transactions_per_s");
    rep_metric(out, (double)w->transactions / secs / (double)w->nstreams,
               "tcp_rr.stream_transactions_per_s");
    rep_metric_hist(out, &w->rtt, "tcp_rr.rtt_ns");
    rep_metric(out, (double)tcp_rr_in_flight(w), "tcp_rr.in_flight");
    if (w->destroys)
        rep_metric(out, (double)w->abandoned, "tcp_rr.abandoned");
    rep_per_op(out, "tcp_rr", (double)w->transactions);
}
