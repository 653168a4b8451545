/*
 * tests/live/test_live_stress.c — the live engine's stress validator
 * (live/live.h) on real threads: several VM lifetimes per configuration,
 * seeded random yields at the protocol points, the checker on (a broken
 * invariant exits 1 with its message). Run under ThreadSanitizer by the tsan
 * workflow (label `live`) and under ASan by the asan workflow.
 *
 * Arguments: [cores] [senders] [targets] [iterations] [seed]
 * (default 4 2 4 1500 1): the configuration of the main runs; the others
 * derive from it (one core for many senders, redirect off, spin).
 */
#include "tap.h"
#include "base/hv.h"
#include "live/live.h"

#include <stdlib.h>

static live_cfg g_base;

/* Counters that must balance after a run whatever the interleaving. */
static void check_balance(const live_cfg *c, const live_result *r)
{
    TAP_EQ(r->violations, 0);
    TAP_EQ(r->hipi, (uint64_t)c->senders * c->iterations * c->epochs);
    TAP_EQ(r->drains, c->epochs);
    /* every reservation handled exactly once (the run checks it too) */
    TAP_EQ(r->handled, r->redirected);
    /* every raise either redirected or taken by the fallback */
    TAP_EQ(r->redirected + r->fallback, r->raises);
    if (c->redirect)
        TAP_EQ(r->finds, r->raises);
    else
        TAP_EQ(r->finds, 0);
    TAP_CHECK(r->cas_fails <= r->cas_tries);
    TAP_CHECK(r->accepts > 0);
    TAP_CHECK(r->raises > 0);
}

static void run_one(const char *what, live_cfg c)
{
    live_result r;
    live_result_init(&r);
    int rc = live_run(&c, &r);
    TAP_EQ(rc, HV_OK);
    if (rc != HV_OK)
        printf("#   %s: %s\n", what, r.violation);
    check_balance(&c, &r);
    printf("# %s: %llu H_IPIs, %llu redirected, %llu fallback, %llu CAS failed of %llu, "
           "%llu guest entries (%llu reserved), %llu ICP CAS retries\n", what,
           (unsigned long long)r.hipi, (unsigned long long)r.redirected,
           (unsigned long long)r.fallback, (unsigned long long)r.cas_fails,
           (unsigned long long)r.cas_tries, (unsigned long long)r.guest_entries,
           (unsigned long long)r.reserved_left_host, (unsigned long long)r.icp_cas_fails);
    live_result_free(&r);
}

static void t_futex(void) { run_one("futex", g_base); }

static void t_spin(void)
{
    live_cfg c = g_base;
    c.signal = LIVE_SIGNAL_SPIN;
    c.seed += 1;
    run_one("spin", c);
}

/* One host core for every sender: reservations collide, most raises fall
 * back, and the single core's word flips in_host under the scans. */
static void t_scarce(void)
{
    live_cfg c = g_base;
    c.cores = 1;
    c.senders = g_base.senders + 2;
    c.guest_pct = 50;
    c.seed += 2;
    run_one("scarce", c);
}

static void t_no_redirect(void)
{
    live_cfg c = g_base;
    c.redirect = false;
    c.seed += 3;
    live_result r;
    live_result_init(&r);
    TAP_EQ(live_run(&c, &r), HV_OK);
    check_balance(&c, &r);
    TAP_EQ(r.redirected, 0);
    TAP_EQ(r.fallback, r.raises);
    live_result_free(&r);
}

/* Closed load: every H_IPI is taken by its target (the sender waits), and
 * each one gives a wake-latency sample. */
static void t_closed(void)
{
    live_cfg c = g_base;
    c.load = LIVE_LOAD_CLOSED;
    c.iterations = g_base.iterations / 4 + 1;
    c.seed += 4;
    live_result r;
    live_result_init(&r);
    TAP_EQ(live_run(&c, &r), HV_OK);
    check_balance(&c, &r);
    TAP_EQ(r.accepts, r.hipi);
    TAP_EQ(r.wake_ns.n, r.hipi);
    live_result_free(&r);
}

/* The measurement plan: rows, tables, and samples in each. */
static void t_measure_plan(void)
{
    live_cfg c = live_cfg_default();
    c.cores = 4;
    c.senders = 2;
    c.targets = 2;
    live_row *rows;
    size_t n;
    TAP_EQ(live_measure(&c, 2000000, &rows, &n), HV_OK);
    /* paths: 3 rows; scan: senders {1, 2} x cores {2, 4} */
    TAP_EQ(n, 3 + 2 * 2);
    for (size_t i = 0; i < n && n == 7; i++) {
        TAP_STREQ(rows[i].table, i < 3 ? "paths" : "scan");
        TAP_EQ(rows[i].r.violations, 0);
        TAP_CHECK(rows[i].r.hipi > 0);
    }
    if (n == 7) {
        TAP_EQ(rows[0].cfg.signal, LIVE_SIGNAL_FUTEX);
        TAP_EQ(rows[1].cfg.signal, LIVE_SIGNAL_SPIN);
        TAP_EQ(rows[2].cfg.redirect, 0);
        TAP_CHECK(rows[2].r.direct_ns.n > 0);
        TAP_CHECK(rows[0].r.wake_ns.n > 0);
        TAP_EQ(rows[3].cfg.senders, 1);
        TAP_EQ(rows[3].cfg.cores, 2);
        TAP_EQ(rows[6].cfg.senders, 2);
        TAP_EQ(rows[6].cfg.cores, 4);
        TAP_CHECK(rows[6].r.finds > 0);
    }
    live_rows_free(rows, n);
}

static void t_cfg_check(void)
{
    live_cfg c = live_cfg_default();
    TAP_CHECK(live_cfg_check(&c) == NULL);
    c.cores = 0;
    TAP_CONTAINS(live_cfg_check(&c), "--cores");
    c = live_cfg_default();
    c.iterations = 0;
    TAP_CONTAINS(live_cfg_check(&c), "neither iterations nor a duration");
    c = live_cfg_default();
    c.load = LIVE_LOAD_CLOSED;
    c.targets = 1;
    TAP_CONTAINS(live_cfg_check(&c), "closed load");
    TAP_EQ(live_bug_parse("release-order"), LIVE_BUG_RELEASE_ORDER);
    TAP_EQ(live_bug_parse("nope"), -1);
    TAP_STREQ(live_signal_name(LIVE_SIGNAL_SPIN), "spin");
    TAP_EQ(live_load_parse("closed"), LIVE_LOAD_CLOSED);
}

int main(int argc, char **argv)
{
    g_base = live_cfg_default();
    unsigned long v[5] = {4, 2, 4, 1500, 1};
    for (int i = 1; i < argc && i <= 5; i++)
        v[i - 1] = strtoul(argv[i], NULL, 10);
    g_base.cores = (unsigned)v[0];
    g_base.senders = (unsigned)v[1];
    g_base.targets = (unsigned)v[2];
    g_base.iterations = v[3];
    g_base.seed = v[4];
    if (live_cfg_check(&g_base)) {
        fprintf(stderr, "usage: test_live_stress [cores] [senders] [targets] [iterations] [seed]: %s\n",
                live_cfg_check(&g_base));
        return 2;
    }
    TAP_RUN(t_cfg_check);
    TAP_RUN(t_futex);
    TAP_RUN(t_spin);
    TAP_RUN(t_scarce);
    TAP_RUN(t_no_redirect);
    TAP_RUN(t_closed);
    TAP_RUN(t_measure_plan);
    return tap_done();
}
