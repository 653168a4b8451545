/*
 * workload/ycsb.c — YCSB clients and the MongoDB-like server; see ycsb.h.
 *
 * YCSB (core workloads A, B, C, F; CoreWorkload's operation choice,
 * ZipfianGenerator keys, doTransactionReadModifyWrite as a read then an
 * update) drives a server modelled on MongoDB's thread-per-connection
 * listener with document-level write locks.
 */
#include "workload/ycsb.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>

/* Percent of read, update, read-modify-write per workload (YCSB's
 * workloads/workloada, b, c, f). */
static const struct {
    unsigned read, update, rmw;
} mix[YCSB_NWORKLOADS] = {
    [YCSB_A] = {50, 50, 0},
    [YCSB_B] = {95, 5, 0},
    [YCSB_C] = {100, 0, 0},
    [YCSB_F] = {50, 0, 50},
};

/* Bytes of a request's or reply's header (the wire protocol's message
 * header, the BSON query); the value adds value_bytes where it travels. */
#define YCSB_HDR_BYTES 64u

/* pkt.tag: bit 0 the server operation (0 read, 1 update), bits 1-2 the
 * client operation (ycsb_op), bits 8.. the key. */
enum { SRV_READ = 0, SRV_UPDATE = 1 };
static uint64_t tag_of(int srv, int cop, uint64_t key) { return (uint64_t)srv | (uint64_t)cop << 1 | key << 8; }
static int tag_srv(uint64_t tag) { return (int)(tag & 1); }
static int tag_cop(uint64_t tag) { return (int)(tag >> 1 & 3); }
static uint64_t tag_key(uint64_t tag) { return tag >> 8; }

const char *ycsb_op_name(int op)
{
    static const char *const names[] = {
#define YCSB_OP_NAME(e, n) n,
        YCSB_OPS(YCSB_OP_NAME)
#undef YCSB_OP_NAME
    };
    return op >= 0 && op < YCSB_NOPS ? names[op] : "?";
}

ycsb_cfg ycsb_cfg_default(void)
{
    /* Sources and reasoning: workload/ycsb_options.def, docs/workloads.md. */
    return (ycsb_cfg){.workload = YCSB_A,
                      .records = 1000,
                      .theta = 0.99,
                      .clients = 32,
                      .think = 0,
                      .client_time = DES_US(10),
                      .rate = 0,
                      .read = DES_US(20),
                      .update = DES_US(30),
                      .service_sigma = 0.5,
                      .value_bytes = 1000};
}

static des_time now_of(const ycsb *w) { return des_now(w->m->sim); }

/* ---- the server: a worker thread per connection --------------------------- */

static void w_recv(guest_os *os, guest_thread *t);

static des_time service(ycsb_conn *c, const des_dist *d)
{
    double ns = des_dist_sample(d, &c->wrng);
    return ns < 1 ? 1 : (des_time)ns;
}

static void w_sent(guest_os *os, guest_thread *t, void *arg)
{
    (void)arg;
    w_recv(os, t);
}

static void w_reply(guest_os *os, guest_thread *t, void *arg)
{
    (void)os;
    ycsb_conn *c = arg;
    ycsb_vm *y = c->y;
    ycsb *w = y->w;
    guest_pkt p = c->req;
    p.bytes = YCSB_HDR_BYTES + (tag_srv(p.tag) == SRV_READ ? (uint32_t)w->cfg.value_bytes : 0u);
    y->busy--; /* the reply now travels (the socket holds it) */
    guest_net_send(y->nv->net, t, c->sock, p, w_sent, c);
}

/* The update is done: unlock (the key leaves the lock table at once if no
 * one waits; the FUTEX_WAKE's time, if any, comes before the reply). */
static void w_updated(guest_os *os, guest_thread *t, void *arg)
{
    ycsb_conn *c = arg;
    guest_mutex *m = c->lock;
    c->lock = NULL;
    guest_mutex_unlock(os, t, m, w_reply, c);
    keylock_release(&c->y->locks, tag_key(c->req.tag));
}

static void w_locked(guest_os *os, guest_thread *t, void *arg)
{
    ycsb_conn *c = arg;
    guest_thread_compute(os, t, service(c, &c->y->w->svc_update), w_updated, c);
}

static void w_got(guest_os *os, guest_thread *t, void *arg, const guest_pkt *p)
{
    ycsb_conn *c = arg;
    ycsb_vm *y = c->y;
    c->req = *p;
    y->busy++;
    if (tag_srv(p->tag) == SRV_READ) {
        guest_thread_compute(os, t, service(c, &y->w->svc_read), w_reply, c);
        return;
    }
    c->lock = keylock_get(&y->locks, tag_key(p->tag));
    if (c->lock->owner)
        y->w->lock_waits++;
    guest_mutex_lock(os, t, c->lock, w_locked, c);
}

static void w_recv(guest_os *os, guest_thread *t)
{
    ycsb_conn *c = t->ctx;
    (void)os;
    guest_net_recv(c->y->nv->net, t, c->sock, w_got, c);
}

static const guest_thread_ops worker_ops = {w_recv};

/* ---- the clients ------------------------------------------------------------ */

static void send_req(ycsb_conn *c, int srv, int cop, uint64_t key, des_time t0)
{
    ycsb *w = c->y->w;
    guest_pkt p = {.flow = c->i,
                   .sock = c->sock->id,
                   .bytes = YCSB_HDR_BYTES + (srv == SRV_UPDATE ? (uint32_t)w->cfg.value_bytes : 0u),
                   .tag = tag_of(srv, cop, key),
                   .t0 = t0};
    w->sent++;
    vnet_external_send(c->y->nv->dev, p);
}

/* CoreWorkload.doTransaction: the operation, then its key. */
static void start_op(ycsb_conn *c, des_rng *r, des_time t0)
{
    ycsb *w = c->y->w;
    unsigned pct = des_rng_below(r, 100);
    int cop = pct < mix[w->cfg.workload].read                                 ? YCSB_READ
              : pct < mix[w->cfg.workload].read + mix[w->cfg.workload].update ? YCSB_UPDATE
                                                                               : YCSB_RMW;
    uint64_t key = des_zipf_next(&w->zipf, r);
    send_req(c, cop == YCSB_UPDATE ? SRV_UPDATE : SRV_READ, cop, key, t0);
}

static void client_fire(des_sim *sim, void *obj, uint64_t arg)
{
    (void)arg;
    ycsb_conn *c = obj;
    if (c->y->gone)
        return; /* the server is gone: no more requests */
    start_op(c, &c->crng, des_now(sim));
}

/* Closed loop: the client's own time plus think time, then the next op. */
static void client_wait(ycsb_conn *c)
{
    ycsb *w = c->y->w;
    des_time z = w->cfg.client_time;
    if (w->cfg.think)
        z += (des_time)des_rng_exp(&c->crng, (double)w->cfg.think);
    des_after(w->m->sim, z ? z : 1, client_fire, c, 0);
}

/* A reply reached its client. */
static void external_rx(void *ctx, vnet *from, const guest_pkt *p)
{
    (void)from;
    ycsb_vm *y = ctx;
    ycsb *w = y->w;
    ycsb_conn *c = &y->conns[p->flow];
    if (y->gone)
        return; /* abandoned at the destroy: not a completion */
    w->received++;
    int cop = tag_cop(p->tag);
    if (cop == YCSB_RMW && tag_srv(p->tag) == SRV_READ) {
        send_req(c, SRV_UPDATE, YCSB_RMW, tag_key(p->tag), p->t0); /* the write half */
        return;
    }
    des_time lat = now_of(w) - p->t0;
    des_hist_add(&w->lat[cop], lat);
    des_hist_add(&w->lat_all, lat);
    w->ops[cop]++;
    if (w->cfg.rate == 0)
        client_wait(c);
}

static vnet *route(void *ctx, vnet *from, const guest_pkt *p)
{
    (void)ctx;
    (void)from;
    (void)p;
    return NULL; /* every client is outside the host */
}

/* Open loop: a Poisson arrival on a uniformly drawn connection. */
static void arrival(des_sim *sim, void *obj, uint64_t arg)
{
    (void)arg;
    ycsb_vm *y = obj;
    if (y->gone)
        return; /* the server is gone: the arrival process ends */
    ycsb_conn *c = &y->conns[des_rng_below(&y->arrivals, y->nconns)];
    start_op(c, &y->arrivals, des_now(sim));
    des_after(sim, (des_time)des_rng_exp(&y->arrivals, 1e9 / y->w->cfg.rate) + 1, arrival, y, 0);
}

/* The VM's QEMU quit (vnet_ops.quit): what it holds is abandoned. */
static void quit(void *ctx, vnet *v)
{
    (void)v;
    ycsb_vm *y = ctx;
    y->w->abandoned += netvm_in_flight(y->nv) + y->busy;
    y->gone = true;
}

/* ---- life cycle ---------------------------------------------------------------- */

static const char *conservation(void *ctx)
{
    ycsb *w = ctx;
    uint64_t f = ycsb_in_flight(w);
    if (w->sent == w->received + f + w->abandoned)
        return NULL;
    snprintf(w->err, sizeof w->err,
             "ycsb: requests sent %llu != replies received %llu + in flight %llu + abandoned %llu",
             (unsigned long long)w->sent, (unsigned long long)w->received, (unsigned long long)f,
             (unsigned long long)w->abandoned);
    return w->err;
}

ycsb *ycsb_new(model *m, const ycsb_cfg *cfg)
{
    HV_CHECK(cfg->workload >= 0 && cfg->workload < YCSB_NWORKLOADS && cfg->records >= 1 && cfg->clients >= 1);
    ycsb *w = hv_xcalloc(1, sizeof *w);
    w->m = m;
    w->cfg = *cfg;
    des_zipf_init(&w->zipf, cfg->records, cfg->theta);
    w->svc_read = des_dist_lognormal_mean_sigma((double)cfg->read, cfg->service_sigma);
    w->svc_update = des_dist_lognormal_mean_sigma((double)cfg->update, cfg->service_sigma);
    for (int k = 0; k < YCSB_NOPS; k++)
        des_hist_init(&w->lat[k]);
    des_hist_init(&w->lat_all);
    model_add_checks(m, NULL, conservation, w);
    return w;
}

void ycsb_add_vm(ycsb *w, kvm_vm *vm, const guest_cfg *gc, const net_cfg *nc)
{
    ycsb_vm *y = hv_xcalloc(1, sizeof *y);
    y->w = w;
    y->index = vm->index;
    keylock_init(&y->locks);
    vnet_ops ops = {route, external_rx, quit, y};
    w->destroys |= vm->cfg.destroy_at != 0;
    y->nv = netvm_new(w->m, vm, gc, nc, &ops);
    y->nconns = (uint32_t)w->cfg.clients;
    y->conns = hv_xcalloc(y->nconns, sizeof *y->conns);
    uint64_t seed = w->m->seed, run = w->m->run;
    y->arrivals = des_rng_stream(seed, run, des_rng_id(YCSB_RNG_KIND_ARRIVALS, y->index));
    for (uint32_t i = 0; i < y->nconns; i++) {
        ycsb_conn *c = &y->conns[i];
        c->y = y;
        c->i = i;
        uint32_t id = y->index << 16 | i;
        c->crng = des_rng_stream(seed, run, des_rng_id(YCSB_RNG_KIND_CLIENT, id));
        c->wrng = des_rng_stream(seed, run, des_rng_id(YCSB_RNG_KIND_WORKER, id));
        c->sock = guest_net_socket(y->nv->net);
        char name[24];
        snprintf(name, sizeof name, "conn%u", i);
        c->worker = guest_thread_new(y->nv->os, name, i % vm->n_vcpus, &worker_ops, c);
        if (w->cfg.rate == 0)
            client_wait(c);
    }
    if (w->cfg.rate > 0)
        des_after(w->m->sim, (des_time)des_rng_exp(&y->arrivals, 1e9 / w->cfg.rate) + 1, arrival, y, 0);
    w->vms = hv_xrealloc(w->vms, (w->nvms + 1) * sizeof *w->vms);
    w->vms[w->nvms++] = y;
    kvm_vm_start(w->m->kvm, vm);
}

void ycsb_free(ycsb *w)
{
    if (!w)
        return;
    for (uint32_t i = 0; i < w->nvms; i++) {
        ycsb_vm *y = w->vms[i];
        keylock_free(&y->locks);
        netvm_free(y->nv);
        free(y->conns);
        free(y);
    }
    for (int k = 0; k < YCSB_NOPS; k++)
        des_hist_free(&w->lat[k]);
    des_hist_free(&w->lat_all);
    free(w->vms);
    free(w);
}

void ycsb_reset_stats(ycsb *w)
{
    for (int k = 0; k < YCSB_NOPS; k++) {
        des_hist_reset(&w->lat[k]);
        w->ops[k] = 0;
    }
    des_hist_reset(&w->lat_all);
    w->lock_waits = 0;
    for (uint32_t i = 0; i < w->nvms; i++)
        guest_os_reset_stats(w->vms[i]->nv->os);
}

uint64_t ycsb_in_flight(const ycsb *w)
{
    uint64_t f = 0;
    for (uint32_t i = 0; i < w->nvms; i++)
        if (!w->vms[i]->gone)
            f += netvm_in_flight(w->vms[i]->nv) + w->vms[i]->busy;
    return f;
}

uint32_t ycsb_n_vms(const ycsb *w) { return w->nvms; }

guest_os *ycsb_vm_os(const ycsb *w, uint32_t i) { return w->vms[i]->nv->os; }
