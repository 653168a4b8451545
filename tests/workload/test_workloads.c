/*
 * The request/response workloads against queueing laws and their own
 * bookkeeping, with every invariant checked after every event:
 *   - Little's law for ycsb's closed loop: clients = throughput x (mean
 *     latency + mean client time + mean think), within 2%;
 *   - the open loop completes what it is offered below saturation (the
 *     operation rate is the Poisson rate within 4 standard deviations);
 *   - requests are conserved: sent = received + in flight, at the end of
 *     every run (the model's end-of-run check) and here, and the check
 *     fails when the books do not balance;
 *   - tcp_rr: per stream, transactions per second x mean round trip = 1
 *     (netperf in a VM sends the next request as it gets the response),
 *     and 1 with the client time added for a client outside the host;
 *   - determinism: the same seed gives the same figures.
 */
#include "tap.h"
#include "workload/tcp_rr.h"
#include "workload/ycsb.h"

static model *new_model(uint64_t seed, uint64_t run)
{
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = 10;
    host_cfg hc = host_cfg_default();
    kvm_cfg kc = kvm_cfg_default();
    model *m = model_new(&hw, &hc, &kc, NULL, seed, run, NULL);
    des_enable_checks(m->sim, true);
    return m;
}

static kvm_vm *new_vm(model *m, const char *name, uint64_t vcpus, uint64_t tpv)
{
    vm_cfg vc = {.vcpus = vcpus, .threads_per_vcore = tpv};
    snprintf(vc.name, sizeof vc.name, "%s", name);
    vc.first_core = -1;
    return kvm_vm_new(m->kvm, &vc);
}

/* Run warm-up then dur; the ycsb figures of the measured part. */
static ycsb *run_ycsb(model *m, const ycsb_cfg *yc, uint64_t vcpus, des_time warm, des_time dur)
{
    guest_cfg gc = guest_cfg_default();
    net_cfg nc = net_cfg_default();
    nc.queues = 2;
    ycsb *w = ycsb_new(m, yc);
    ycsb_add_vm(w, new_vm(m, "db", vcpus, 1), &gc, &nc);
    const char *e = model_run(m, warm);
    ycsb_reset_stats(w);
    if (!e)
        e = model_run(m, dur);
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
    return w;
}

static uint64_t ops(const ycsb *w)
{
    uint64_t n = 0;
    for (int k = 0; k < YCSB_NOPS; k++)
        n += w->ops[k];
    return n;
}

static void littles_law_closed_loop(void)
{
    static const int workloads[] = {YCSB_A, YCSB_F};
    for (int i = 0; i < 2; i++) {
        model *m = new_model(11, 0);
        ycsb_cfg yc = ycsb_cfg_default();
        yc.workload = workloads[i];
        yc.clients = 16;
        yc.think = DES_US(40);
        des_time dur = DES_MS(60);
        ycsb *w = run_ycsb(m, &yc, 8, DES_MS(5), dur);
        double x = (double)ops(w) / ((double)dur * 1e-9);
        double r = des_hist_mean(&w->lat_all) * 1e-9, z = (double)(yc.client_time + yc.think) * 1e-9;
        double n = x * (r + z);
        printf("# workload %s: %llu ops, X %.0f/s, R %.1f us, Z %.1f us: X(R+Z) = %.3f for %llu clients\n",
               i ? "f" : "a", (unsigned long long)ops(w), x, r * 1e6, z * 1e6, n,
               (unsigned long long)yc.clients);
        TAP_LT(2000, ops(w));
        TAP_NEAR(n / (double)yc.clients, 1.0, 0.02);
        if (i == 1)
            TAP_LT(100, w->ops[YCSB_RMW]);
        ycsb_free(w);
        model_free(m);
    }
}

static void open_loop_rate(void)
{
    model *m = new_model(12, 0);
    ycsb_cfg yc = ycsb_cfg_default();
    yc.clients = 16;
    yc.rate = 40000;
    des_time dur = DES_MS(100);
    ycsb *w = run_ycsb(m, &yc, 8, DES_MS(5), dur);
    double expect = yc.rate * (double)dur * 1e-9, sd = sqrt(expect);
    printf("# offered %.0f operations (sd %.0f), completed %llu, in flight %llu\n", expect, sd,
           (unsigned long long)ops(w), (unsigned long long)ycsb_in_flight(w));
    TAP_NEAR((double)ops(w), expect, 4 * sd);
    TAP_LT((double)ycsb_in_flight(w), 0.01 * expect); /* below saturation: nothing piles up */
    ycsb_free(w);
    model_free(m);
}

static void conservation(void)
{
    model *m = new_model(13, 0);
    ycsb_cfg yc = ycsb_cfg_default();
    yc.clients = 24;
    ycsb *w = run_ycsb(m, &yc, 4, DES_MS(1), DES_MS(7)); /* ends with requests everywhere */
    uint64_t f = ycsb_in_flight(w);
    printf("# sent %llu, received %llu, in flight %llu\n", (unsigned long long)w->sent,
           (unsigned long long)w->received, (unsigned long long)f);
    TAP_LT(0, f);
    TAP_EQ(w->sent, w->received + f);
    /* a reply that vanished is caught by the model's end-of-run check */
    w->received--;
    const char *e = model_run(m, 0);
    TAP_CHECK(e != NULL);
    if (e)
        TAP_CONTAINS(e, "ycsb: requests sent");
    w->received++;
    TAP_CHECK(model_run(m, 0) == NULL);
    ycsb_free(w);
    model_free(m);
}

static tcp_rr *run_rr(model *m, int client, uint64_t streams, des_time dur)
{
    guest_cfg gc = guest_cfg_default();
    net_cfg nc = net_cfg_default();
    tcp_rr_cfg rc = tcp_rr_cfg_default();
    rc.client = client;
    rc.streams = streams;
    tcp_rr *w = tcp_rr_new(m, &rc);
    kvm_vm *s = new_vm(m, "srv", 4, 1);
    kvm_vm *c = client == TCP_RR_CLIENT_VM ? new_vm(m, "cli", 4, 1) : NULL;
    tcp_rr_add_pair(w, s, c, &gc, &nc);
    const char *e = model_run(m, DES_MS(2));
    tcp_rr_reset_stats(w);
    if (!e)
        e = model_run(m, dur);
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
    return w;
}

static void tcp_rr_little(void)
{
    for (int client = 0; client < 2; client++) {
        model *m = new_model(14, 0);
        des_time dur = DES_MS(40);
        tcp_rr *w = run_rr(m, client, 2, dur);
        double tps = (double)w->transactions / ((double)dur * 1e-9) / (double)w->nstreams;
        double cycle = des_hist_mean(&w->rtt) * 1e-9;
        if (client == TCP_RR_CLIENT_EXTERNAL)
            cycle += (double)w->cfg.client_time * 1e-9;
        printf("# %s: %llu transactions, %.0f/s per stream, RTT %.1f us: tps x cycle = %.4f\n",
               client ? "vm" : "external", (unsigned long long)w->transactions, tps,
               des_hist_mean(&w->rtt) * 1e-3, tps * cycle);
        TAP_LT(200, w->transactions);
        TAP_NEAR(tps * cycle, 1.0, 0.02);
        TAP_EQ(w->sent, w->received + tcp_rr_in_flight(w));
        tcp_rr_free(w);
        model_free(m);
    }
}

static void deterministic(void)
{
    uint64_t a[2], l[2];
    for (int k = 0; k < 2; k++) {
        model *m = new_model(15, 3);
        ycsb_cfg yc = ycsb_cfg_default();
        yc.clients = 8;
        ycsb *w = run_ycsb(m, &yc, 4, DES_MS(1), DES_MS(5));
        a[k] = ops(w);
        l[k] = des_hist_quantile(&w->lat_all, 0.99);
        ycsb_free(w);
        model_free(m);
    }
    TAP_EQ(a[0], a[1]);
    TAP_EQ(l[0], l[1]);
}

int main(void)
{
    TAP_RUN(littles_law_closed_loop);
    TAP_RUN(open_loop_rate);
    TAP_RUN(conservation);
    TAP_RUN(tcp_rr_little);
    TAP_RUN(deterministic);
    return tap_done();
}
