/* report/per_op.c — mechanism figures per operation; see per_op.h. */
#include "report/per_op.h"

#include <math.h>

static double row(const rep_metrics *m, const char *name)
{
    long i = rep_metric_find(m, name);
    return i < 0 ? NAN : m->rows[i].value;
}

void rep_per_op(rep_metrics *out, const char *area, double ops)
{
    double d = ops > 0 ? ops : NAN;
    rep_metric(out, row(out, "hipi.total") / d, "%s.hipi_per_op", area);
    rep_metric(out, (row(out, "hipi.redirected") + row(out, "hipi.too_hard") + row(out, "hipi.oracle")) / d,
               "%s.hipi_not_running_per_op", area);
    rep_metric(out, row(out, "hipi.too_hard") / d, "%s.hipi_too_hard_per_op", area);
    rep_metric(out, row(out, "guest.os.resched_ipis") / d, "%s.guest_ipis_per_op", area);
    rep_metric(out, row(out, "wake.latency_ns.count") / d, "%s.wakeups_per_op", area);
    rep_metric(out, row(out, "kvm.halt_wakeup") / d, "%s.vcore_wakeups_per_op", area);
    rep_metric(out, row(out, "kvm.exits") / d, "%s.exits_per_op", area);
    rep_metric(out, row(out, "kvm.core_exits.total") / d, "%s.core_exits_per_op", area);
    rep_metric(out, (row(out, "kvm.halt_poll_success_ns") + row(out, "kvm.halt_poll_fail_ns")) / d,
               "%s.halt_poll_ns_per_op", area);
}
