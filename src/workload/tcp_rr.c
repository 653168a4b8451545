/*
 * workload/tcp_rr.c — netperf TCP_RR; see tcp_rr.h.
 *
 * Mirrors netperf's send_tcp_rr (the client: send the request, recv the
 * response, count a transaction) and recv_tcp_rr (netserver: recv, send).
 */
#include "workload/tcp_rr.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>

tcp_rr_cfg tcp_rr_cfg_default(void)
{
    /* Sources and reasoning: workload/tcp_rr_options.def, docs/workloads.md. */
    return (tcp_rr_cfg){.streams = 1,
                        .vcore = 1,
                        .client = TCP_RR_CLIENT_EXTERNAL,
                        .request_bytes = 1,
                        .response_bytes = 1,
                        .client_time = DES_US(5)};
}

static void record(tcp_rr *w, des_time t0)
{
    w->received++;
    des_hist_add(&w->rtt, des_now(w->m->sim) - t0);
    w->transactions++;
}

/* ---- netserver --------------------------------------------------------------- */

static void s_run(guest_os *os, guest_thread *t);

static void s_sent(guest_os *os, guest_thread *t, void *arg)
{
    (void)arg;
    s_run(os, t);
}

static void s_got(guest_os *os, guest_thread *t, void *arg, const guest_pkt *p)
{
    (void)os;
    tcp_rr_stream *st = arg;
    guest_pkt r = {.flow = st->s,
                   .sock = st->csock ? st->csock->id : st->s,
                   .bytes = (uint32_t)st->server->w->cfg.response_bytes,
                   .tag = p->tag,
                   .t0 = p->t0};
    guest_net_send(st->server->nv->net, t, st->ssock, r, s_sent, st);
}

static void s_run(guest_os *os, guest_thread *t)
{
    (void)os;
    tcp_rr_stream *st = t->ctx;
    guest_net_recv(st->server->nv->net, t, st->ssock, s_got, st);
}

static const guest_thread_ops netserver_ops = {s_run};

/* ---- netperf in a VM ------------------------------------------------------------ */

static void c_run(guest_os *os, guest_thread *t);

static void c_got(guest_os *os, guest_thread *t, void *arg, const guest_pkt *p)
{
    tcp_rr_stream *st = arg;
    if (st->client->gone) { /* abandoned at the server's destroy: recv again, for good */
        guest_net_recv(st->client->nv->net, t, st->csock, c_got, st);
        return;
    }
    record(st->server->w, p->t0);
    c_run(os, t);
}

static void c_sent(guest_os *os, guest_thread *t, void *arg)
{
    (void)os;
    tcp_rr_stream *st = arg;
    guest_net_recv(st->client->nv->net, t, st->csock, c_got, st);
}

static void c_run(guest_os *os, guest_thread *t)
{
    tcp_rr_stream *st = t->ctx;
    tcp_rr *w = st->server->w;
    guest_pkt q = {.flow = st->s,
                   .sock = st->ssock->id,
                   .bytes = (uint32_t)w->cfg.request_bytes,
                   .t0 = guest_os_now(os)};
    w->sent++;
    guest_net_send(st->client->nv->net, t, st->csock, q, c_sent, st);
}

static const guest_thread_ops netperf_ops = {c_run};

/* ---- netperf outside the host ---------------------------------------------------- */

static void ext_send(des_sim *sim, void *obj, uint64_t arg)
{
    (void)arg;
    tcp_rr_stream *st = obj;
    tcp_rr *w = st->server->w;
    if (st->server->gone)
        return; /* the server is gone: no more requests */
    guest_pkt q = {.flow = st->s,
                   .sock = st->ssock->id,
                   .bytes = (uint32_t)w->cfg.request_bytes,
                   .t0 = des_now(sim)};
    w->sent++;
    vnet_external_send(st->server->nv->dev, q);
}

static void external_rx(void *ctx, vnet *from, const guest_pkt *p)
{
    (void)from;
    tcp_rr_vm *v = ctx;
    tcp_rr *w = v->w;
    HV_CHECK(v->is_server && p->flow < v->nstreams);
    if (v->gone)
        return; /* abandoned at the destroy: not a transaction */
    record(w, p->t0);
    des_after(w->m->sim, w->cfg.client_time ? w->cfg.client_time : 1, ext_send, &v->streams[p->flow], 0);
}

static vnet *route(void *ctx, vnet *from, const guest_pkt *p)
{
    (void)from;
    (void)p;
    tcp_rr_vm *v = ctx;
    return v->peer ? v->peer->nv->dev : NULL;
}

/* The QEMU of v's VM quit (vnet_ops.quit): the pair's messages in flight
 * are abandoned (once, whichever of the pair goes first). */
static void quit(void *ctx, vnet *dev)
{
    (void)dev;
    tcp_rr_vm *v = ctx;
    if (v->gone)
        return; /* its peer went first */
    v->gone = true;
    v->w->abandoned += netvm_in_flight(v->nv);
    if (v->peer) {
        v->peer->gone = true;
        v->w->abandoned += netvm_in_flight(v->peer->nv);
    }
}

/* ---- life cycle -------------------------------------------------------------------- */

static const char *conservation(void *ctx)
{
    tcp_rr *w = ctx;
    uint64_t f = tcp_rr_in_flight(w);
    if (w->sent == w->received + f + w->abandoned)
        return NULL;
    snprintf(w->err, sizeof w->err,
             "tcp_rr: requests sent %llu != responses received %llu + in flight %llu + abandoned %llu",
             (unsigned long long)w->sent, (unsigned long long)w->received, (unsigned long long)f,
             (unsigned long long)w->abandoned);
    return w->err;
}

tcp_rr *tcp_rr_new(model *m, const tcp_rr_cfg *cfg)
{
    HV_CHECK(cfg->streams >= 1);
    tcp_rr *w = hv_xcalloc(1, sizeof *w);
    w->m = m;
    w->cfg = *cfg;
    des_hist_init(&w->rtt);
    model_add_checks(m, NULL, conservation, w);
    return w;
}

static tcp_rr_vm *add_vm(tcp_rr *w, kvm_vm *vm, bool server, const guest_cfg *gc, const net_cfg *nc)
{
    tcp_rr_vm *v = hv_xcalloc(1, sizeof *v);
    v->w = w;
    v->is_server = server;
    vnet_ops ops = {route, external_rx, quit, v};
    w->destroys |= vm->cfg.destroy_at != 0;
    v->nv = netvm_new(w->m, vm, gc, nc, &ops);
    w->vms = hv_xrealloc(w->vms, (w->nvms + 1) * sizeof *w->vms);
    w->vms[w->nvms++] = v;
    return v;
}

/* The first VCPU of guest core (vcore + s) mod cores. */
static uint32_t start_vcpu(const tcp_rr *w, const kvm_vm *vm, uint32_t s)
{
    return (uint32_t)((w->cfg.vcore + s) % vm->n_vcores * vm->cfg.threads_per_vcore);
}

void tcp_rr_add_pair(tcp_rr *w, kvm_vm *server, kvm_vm *client, const guest_cfg *gc,
                     const net_cfg *nc)
{
    tcp_rr_vm *sv = add_vm(w, server, true, gc, nc);
    tcp_rr_vm *cv = client ? add_vm(w, client, false, gc, nc) : NULL;
    if (cv) {
        sv->peer = cv;
        cv->peer = sv;
    }
    sv->nstreams = (uint32_t)w->cfg.streams;
    sv->streams = hv_xcalloc(sv->nstreams, sizeof *sv->streams);
    for (uint32_t s = 0; s < sv->nstreams; s++) {
        tcp_rr_stream *st = &sv->streams[s];
        st->server = sv;
        st->client = cv;
        st->s = s;
        char name[24];
        st->ssock = guest_net_socket(sv->nv->net);
        snprintf(name, sizeof name, "netserver%u", s);
        st->sthread = guest_thread_new(sv->nv->os, name, start_vcpu(w, server, s), &netserver_ops, st);
        if (cv) {
            st->csock = guest_net_socket(cv->nv->net);
            snprintf(name, sizeof name, "netperf%u", s);
            st->cthread = guest_thread_new(cv->nv->os, name, start_vcpu(w, client, s), &netperf_ops, st);
        } else {
            /* staggered first requests, deterministic */
            des_after(w->m->sim, 1 + w->cfg.client_time * s / sv->nstreams, ext_send, st, 0);
        }
    }
    w->nstreams += sv->nstreams;
    kvm_vm_start(w->m->kvm, server);
    if (client)
        kvm_vm_start(w->m->kvm, client);
}

void tcp_rr_free(tcp_rr *w)
{
    if (!w)
        return;
    for (uint32_t i = 0; i < w->nvms; i++) {
        netvm_free(w->vms[i]->nv);
        free(w->vms[i]->streams);
        free(w->vms[i]);
    }
    des_hist_free(&w->rtt);
    free(w->vms);
    free(w);
}

void tcp_rr_reset_stats(tcp_rr *w)
{
    des_hist_reset(&w->rtt);
    w->transactions = 0;
    for (uint32_t i = 0; i < w->nvms; i++)
        guest_os_reset_stats(w->vms[i]->nv->os);
}

uint64_t tcp_rr_in_flight(const tcp_rr *w)
{
    uint64_t f = 0;
    for (uint32_t i = 0; i < w->nvms; i++)
        if (!w->vms[i]->gone)
            f += netvm_in_flight(w->vms[i]->nv);
    return f;
}
