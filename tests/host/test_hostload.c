/* hostload + host-only model: the 2 chips x 10 cores, 40-task scenario with
 * checks on, determinism, periodic tasks, metrics names. */
#include "base/hv.h"
#include "report/host_view.h"
#include "tap.h"

static double get(const rep_metrics *m, const char *name)
{
    long i = rep_metric_find(m, name);
    if (i < 0) {
        printf("#   missing metric %s\n", name);
        return -1;
    }
    return m->rows[i].value;
}

static void host_only_40_tasks(void)
{
    hw_cfg hw = hw_cfg_default(); /* 2 chips x 10 cores x 8 threads */
    host_cfg hc = host_cfg_default();
    hostload_cfg lc = hostload_cfg_default();
    lc.tasks = 40;
    rep_metrics m;
    rep_metrics_init(&m);
    const char *e = rep_host_only_run(&hw, &hc, &lc, NULL, 1, 0, DES_MS(300), &m);
    TAP_CHECK(e == NULL);
    if (e)
        printf("#   %s\n", e);
    TAP_EQ(get(&m, "host.cpus_online"), 20);
    /* 40 CPU-bound tasks on 20 CPUs: almost all CPU time is work */
    TAP_CHECK(get(&m, "hostload.work_per_s") > 19.0);
    TAP_CHECK(get(&m, "hostload.work_per_s") <= 20.0);
    TAP_CHECK(get(&m, "host.cpu.busy_frac") > 0.97);
    TAP_CHECK(get(&m, "host.ctx_switches") > 500);
    /* every CPU is busy, so none stops its tick: 20 CPUs x ticks at 10 … 290 ms */
    TAP_EQ(get(&m, "host.ticks"), 20 * 29);
    TAP_CHECK(get(&m, "hostload.sched_latency_ns.p99") > 0);
    /* 140 of the 160 threads are offline secondaries napping throughout */
    TAP_NEAR(get(&m, "hw.thread.offline_nap_frac"), 140.0 / 160.0, 0);
    TAP_CHECK(rep_metric_find(&m, "host.ipi.reschedule") >= 0);
    rep_metrics_free(&m);
}

static void determinism(void)
{
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = 6;
    host_cfg hc = host_cfg_default();
    hostload_cfg lc = hostload_cfg_default();
    lc.tasks = 9;
    lc.kind = HOSTLOAD_PERIODIC;
    lc.period = DES_MS(4);
    lc.duty = 0.4;
    rep_metrics a, b, c;
    rep_metrics_init(&a);
    rep_metrics_init(&b);
    rep_metrics_init(&c);
    TAP_CHECK(rep_host_only_run(&hw, &hc, &lc, NULL, 7, 0, DES_MS(200), &a) == NULL);
    TAP_CHECK(rep_host_only_run(&hw, &hc, &lc, NULL, 7, 0, DES_MS(200), &b) == NULL);
    TAP_CHECK(rep_host_only_run(&hw, &hc, &lc, NULL, 7, 1, DES_MS(200), &c) == NULL);
    TAP_EQ(a.n, b.n);
    int same = 1, diff = 0;
    for (size_t i = 0; i < a.n && i < b.n; i++) {
        /* the same value, bit for bit (a statistic of an empty distribution,
         * e.g. the secondaries' hrtimer lateness on an SMT-off host, may be NaN) */
        if (strcmp(a.rows[i].name, b.rows[i].name) ||
            memcmp(&a.rows[i].value, &b.rows[i].value, sizeof a.rows[i].value))
            same = 0;
        if (i < c.n && a.rows[i].value != c.rows[i].value)
            diff = 1;
    }
    TAP_CHECK(same);
    TAP_CHECK(diff); /* another run number gives other draws */
    TAP_CHECK(get(&a, "hostload.jobs") > 400);
    /* one wakeup per release: 9 tasks x 200 ms / 4 ms */
    TAP_EQ(get(&a, "host.wakeups"), 9 * 50);
    TAP_CHECK(get(&a, "host.ipi.reschedule") > 100);
    TAP_CHECK(get(&a, "hostload.wakeup_latency_ns.p50") > 2000);
    TAP_NEAR(get(&a, "hostload.work_per_s"), 9 * 0.4, 0.2);
    rep_metrics_free(&a);
    rep_metrics_free(&b);
    rep_metrics_free(&c);
}

static void overload_misses(void)
{
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = 1;
    host_cfg hc = host_cfg_default();
    hostload_cfg lc = hostload_cfg_default();
    lc.tasks = 3;
    lc.kind = HOSTLOAD_PERIODIC;
    lc.duty = 0.5; /* 150% demand on one CPU */
    rep_metrics m;
    rep_metrics_init(&m);
    TAP_CHECK(rep_host_only_run(&hw, &hc, &lc, NULL, 3, 0, DES_MS(500), &m) == NULL);
    TAP_CHECK(get(&m, "hostload.misses") > 10);
    TAP_CHECK(get(&m, "hostload.work_per_s") > 0.95);
    rep_metrics_free(&m);
}

static void hotplug_under_load(void)
{
    hw_cfg hw = hw_cfg_default();
    host_cfg hc = host_cfg_default();
    hc.hotplug_core = 3;
    hc.hotplug_off_at = DES_MS(50);
    hc.hotplug_on_at = DES_MS(120);
    hostload_cfg lc = hostload_cfg_default();
    lc.tasks = 30;
    lc.kind = HOSTLOAD_PERIODIC;
    lc.duty = 0.5;
    rep_metrics m;
    rep_metrics_init(&m);
    TAP_CHECK(rep_host_only_run(&hw, &hc, &lc, NULL, 5, 0, DES_MS(200), &m) == NULL);
    TAP_EQ(get(&m, "host.cpus_online"), 20);
    TAP_CHECK(get(&m, "hostload.jobs") > 500);
    TAP_CHECK(get(&m, "host.migrations") > 0);
    rep_metrics_free(&m);
}

int main(void)
{
    TAP_RUN(host_only_40_tasks);
    TAP_RUN(determinism);
    TAP_RUN(overload_misses);
    TAP_RUN(hotplug_under_load);
    return tap_done();
}
