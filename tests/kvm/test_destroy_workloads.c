/*
 * VM destroy under fire for the workload guests (vm.NAME.destroy_at on
 * ycsb, netserver and netperf VMs; kvm/kvm_destroy.c, workload/vnet.h), on
 * the model with every invariant checked after every event (dev and asan
 * builds) and every conservation law at the end of each run:
 *  - ycsb-overcommit with the 4.6 send (redirects kept pending, race R5):
 *    the destroy finds redirects in flight and drains them; the destroyed
 *    VM's clients abandon at most one request each; the other VMs keep
 *    completing requests after the destroy;
 *  - tcp-rr-2vm: destroying either VM of the pair stops its streams, each
 *    abandoning its one message in flight; no transaction completes after;
 *  - determinism: the same run twice gives the same metrics.
 * Without the drain (kvm.no_drain_dbg) the check fires: a CLI test
 * (tests/kvm/CMakeLists.txt).
 */
#include "preset_env.h"

#include <math.h>
#include <string.h>

static void run(const char *preset, const char *const *sets, rep_metrics *m)
{
    preset_run("test_destroy_workloads", preset, sets, m);
}
static double get(const rep_metrics *m, const char *name) { return preset_metric(m, name); }

/* db2 (16 VCPUs, 32 closed-loop clients) is destroyed at 3 ms. */
#define YCSB_FIRE "kvm.redirect_send=4.6", "vm.db2.destroy_at=3ms"

static void ycsb_overcommit_destroy(void)
{
    rep_metrics d, after;
    run("ycsb-overcommit", (const char *[]){"sim.warmup=2ms", "sim.duration=4ms", YCSB_FIRE, NULL}, &d);
    /* measured from 4 ms: only after the destroy */
    run("ycsb-overcommit", (const char *[]){"sim.warmup=4ms", "sim.duration=2ms", YCSB_FIRE, NULL}, &after);
    printf("# db2 destroyed at 3 ms: %.0f redirects in flight drained, %.0f signal exits, %.0f requests "
           "abandoned; %.0f ops/s from 4 ms on\n",
           get(&d, "m1.destroy_inflight"), get(&d, "kvm.sig"), get(&d, "ycsb.abandoned"),
           get(&after, "ycsb.ops_per_s"));
    TAP_LT(0, get(&d, "m1.destroy_inflight")); /* drained by kick_all_cpus_sync, checks held */
    TAP_LT(0, get(&d, "kvm.sig"));
    TAP_LE(get(&d, "kvm.sig"), 16);            /* db2's VCPUs only */
    TAP_LT(0, get(&d, "ycsb.abandoned"));
    TAP_LE(get(&d, "ycsb.abandoned"), 32);     /* one request at most per closed-loop client */
    TAP_LT(100, get(&after, "ycsb.ops"));      /* db and db3 run on */
    TAP_EQ(get(&after, "ycsb.abandoned"), get(&d, "ycsb.abandoned")); /* never reset */
    rep_metrics_free(&d);
    rep_metrics_free(&after);
}

static void tcp_rr_2vm_destroy(void)
{
    const char *vms[] = {"vm.server.destroy_at=3ms", "vm.client.destroy_at=3ms"};
    for (int i = 0; i < 2; i++) {
        rep_metrics m;
        run("tcp-rr-2vm", (const char *[]){"sim.warmup=4ms", "sim.duration=2ms", "tcp_rr.streams=2", vms[i], NULL},
            &m);
        printf("# %s: %.0f messages abandoned, %.0f transactions from 4 ms on\n", vms[i],
               get(&m, "tcp_rr.abandoned"), get(&m, "tcp_rr.transactions"));
        TAP_EQ(get(&m, "tcp_rr.abandoned"), 2); /* netperf in a VM: one message per stream, always */
        TAP_EQ(get(&m, "tcp_rr.transactions"), 0);
        TAP_EQ(get(&m, "tcp_rr.in_flight"), 0);
        rep_metrics_free(&m);
    }
}

static void deterministic(void)
{
    rep_metrics a, b;
    const char *const sets[] = {"sim.warmup=2ms", "sim.duration=4ms", YCSB_FIRE, NULL};
    run("ycsb-overcommit", sets, &a);
    run("ycsb-overcommit", sets, &b);
    size_t n = rep_metrics_nflat(&a), diff = 0;
    TAP_EQ(n, rep_metrics_nflat(&b));
    for (size_t i = 0; i < n && i < rep_metrics_nflat(&b); i++) {
        char na[128], nb[128];
        double va, vb;
        rep_metrics_flat(&a, i, na, sizeof na, &va);
        rep_metrics_flat(&b, i, nb, sizeof nb, &vb);
        diff += strcmp(na, nb) != 0 || memcmp(&va, &vb, sizeof va) != 0; /* bit for bit */
    }
    printf("# %zu metric rows, %zu differ\n", n, diff);
    TAP_LT(100, n);
    TAP_EQ(diff, 0);
    rep_metrics_free(&a);
    rep_metrics_free(&b);
}

int main(void)
{
    TAP_RUN(ycsb_overcommit_destroy);
    TAP_RUN(tcp_rr_2vm_destroy);
    TAP_RUN(deterministic);
    return tap_done();
}
