/* report/sim_view.h on a tiny engine run: counts match the engine's. */
#include "report/sim_view.h"
#include "tap.h"

static void tick(des_sim *sim, void *obj, uint64_t arg)
{
    (void)obj;
    if (arg < 9)
        des_after(sim, DES_US(1), tick, NULL, arg + 1);
}

static void t_view(void)
{
    des_sim *sim = des_new();
    des_after(sim, DES_US(1), tick, NULL, 0);
    des_handle h = des_after(sim, DES_MS(1), tick, NULL, 100);
    des_after(sim, DES_MS(2), tick, NULL, 100);
    des_cancel(sim, &h);
    des_run_until(sim, DES_US(20));
    rep_metrics m;
    rep_metrics_init(&m);
    rep_sim_view(&m, sim, DES_US(5));
    TAP_EQ(m.n, 9);
    TAP_STREQ(m.rows[0].name, "sim.time_ns");
    TAP_NEAR(m.rows[rep_metric_find(&m, "sim.measured_ns")].value, 15000, 0);
    TAP_NEAR(m.rows[rep_metric_find(&m, "sim.events")].value, 10, 0);
    TAP_NEAR(m.rows[rep_metric_find(&m, "sim.events_scheduled")].value, 12, 0);
    TAP_NEAR(m.rows[rep_metric_find(&m, "sim.events_cancelled")].value, 1, 0);
    TAP_NEAR(m.rows[rep_metric_find(&m, "sim.events_pending")].value, 1, 0);
    TAP_CHECK(m.rows[rep_metric_find(&m, "sim.events_pending_peak")].value >= 2);
    rep_metrics_free(&m);
    des_free(sim);
}

int main(void)
{
    TAP_RUN(t_view);
    return tap_done();
}
