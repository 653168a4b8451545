/*
 * guest/net.c — the guest's virtio-net driver and sockets; see guest/net.h.
 *
 * Mirrors (Linux 4.x): vring_interrupt -> skb_recv_done -> virtqueue_disable_cb
 * + napi_schedule; net_rx_action -> virtnet_poll -> receive_buf ->
 * napi_gro_receive ... tcp_v4_rcv -> sock_def_readable; napi_complete +
 * virtqueue_enable_cb (re-poll when packets raced in); tcp_recvmsg;
 * tcp_sendmsg ... dev_queue_xmit (XPS queue of the sending CPU) ->
 * start_xmit -> virtqueue_kick (virtqueue_kick_prepare, vp_notify).
 */
#include "guest/net.h"

#include "base/hv.h"

#include <stdlib.h>
#include <string.h>

net_cfg net_cfg_default(void)
{
    /* Sources and reasoning: guest/net_options.def, docs/workloads.md. */
    return (net_cfg){.queues = 1,
                     .latency = DES_US(10),
                     .irq_handler = 500,
                     .napi = 500,
                     .rx_pkt = DES_US(3),
                     .recv = 1500,
                     .send = DES_US(4),
                     .copy_per_kb = 100};
}

static des_time copy_ns(const guest_net *n, uint32_t bytes)
{
    return n->cfg.copy_per_kb * bytes / 1024;
}

/* ---- the device -------------------------------------------------------------- */

guest_net *guest_net_new(guest_os *os, const net_cfg *cfg, uint64_t notify_base)
{
    HV_CHECK(cfg->queues >= 1);
    guest_net *n = hv_xcalloc(1, sizeof *n);
    n->os = os;
    n->cfg = *cfg;
    n->nq = (uint32_t)cfg->queues;
    n->q = hv_xcalloc(n->nq, sizeof *n->q);
    kvm_vm *vm = os->vm;
    for (uint32_t q = 0; q < n->nq; q++) {
        guest_netq *nq = &n->q[q];
        nq->irq = XICS_FIRST_IRQ + q;
        nq->notify_addr = notify_base + q;
        nq->rx.cb_enabled = true;
        nq->tx.notify = true;
        struct xics_source_cfg sc = {.server = q % vm->n_vcpus, .priority = XICS_DEFAULT_PRIORITY};
        if (kvm_set_irq_source(vm, nq->irq, &sc) != HV_OK)
            HV_DIE("vm %s: cannot create the MSI source of net queue %u", vm->cfg.name, q);
    }
    return n;
}

void guest_net_free(guest_net *n)
{
    if (!n)
        return;
    for (uint32_t q = 0; q < n->nq; q++) {
        guest_pktq_free(&n->q[q].rx.pkts);
        guest_pktq_free(&n->q[q].tx.pkts);
    }
    for (uint32_t i = 0; i < n->nsocks; i++) {
        guest_pktq_free(&n->socks[i]->q);
        free(n->socks[i]);
    }
    free(n->socks);
    free(n->q);
    free(n);
}

guest_os_ops guest_net_os_ops(guest_net *n) { return (guest_os_ops){guest_net_irq, n}; }

guest_sock *guest_net_socket(guest_net *n)
{
    guest_sock *s = hv_xcalloc(1, sizeof *s);
    s->net = n;
    s->id = n->nsocks;
    if (n->nsocks == n->capsocks) {
        n->capsocks = n->capsocks ? 2 * n->capsocks : 16;
        n->socks = hv_xrealloc(n->socks, n->capsocks * sizeof *n->socks);
    }
    n->socks[n->nsocks++] = s;
    return s;
}

uint32_t guest_net_rx_queue(const guest_net *n, uint32_t sock) { return sock % n->nq; }

/* ---- receive: interrupt, NAPI poll, delivery ---------------------------------- */

static void poll_step(guest_os *os, guest_vcpu *c, void *arg, uint64_t a);

static void napi_schedule(guest_net *n, guest_vcpu *c, uint32_t q)
{
    guest_netq *nq = &n->q[q];
    if (nq->napi_scheduled)
        return;
    nq->napi_scheduled = true;
    nq->rx.cb_enabled = false; /* virtqueue_disable_cb */
    nq->napi_left = GUEST_NET_BUDGET;
    n->st.polls++;
    guest_kwork_queue(n->os, c, (guest_kwork){.ns = n->cfg.napi, .fn = poll_step, .arg = n, .a = q});
}

des_time guest_net_irq(guest_os *os, guest_vcpu *c, uint32_t irq, void *ctx)
{
    (void)os;
    guest_net *n = ctx;
    HV_CHECK(irq >= XICS_FIRST_IRQ && irq - XICS_FIRST_IRQ < n->nq);
    n->st.rx_irqs++;
    napi_schedule(n, c, irq - XICS_FIRST_IRQ);
    return n->cfg.irq_handler;
}

/* tcp_v4_rcv ... sock_def_readable: queue the message, wake the reader (a
 * wakeup from softirq: not sync, the interrupted context does not block). */
static void deliver(guest_net *n, guest_vcpu *c, guest_pkt p)
{
    HV_CHECK(p.sock < n->nsocks);
    guest_sock *s = n->socks[p.sock];
    guest_pktq_push(&s->q, p);
    n->st.rx_pkts++;
    if (s->reader) {
        guest_thread *t = s->reader;
        s->reader = NULL;
        guest_thread_wake(n->os, t, c, false);
    }
}

static void rx_one(guest_os *os, guest_vcpu *c, void *arg, uint64_t a)
{
    guest_net *n = arg;
    deliver(n, c, guest_pktq_pop(&n->q[a].rx.pkts));
    poll_step(os, c, arg, a);
}

/* One step of virtnet_poll: the next packet's receive time, or a new poll
 * when the budget is used up, or napi_complete with the ring empty. */
static void poll_step(guest_os *os, guest_vcpu *c, void *arg, uint64_t a)
{
    guest_net *n = arg;
    guest_netq *nq = &n->q[a];
    if (!guest_pktq_len(&nq->rx.pkts)) {
        nq->napi_scheduled = false;
        nq->rx.cb_enabled = true; /* napi_complete + virtqueue_enable_cb */
        return;
    }
    if (!nq->napi_left) {
        nq->napi_left = GUEST_NET_BUDGET;
        n->st.polls++;
        guest_kwork_queue(os, c, (guest_kwork){.ns = n->cfg.napi, .fn = poll_step, .arg = n, .a = a});
        return;
    }
    nq->napi_left--;
    des_time ns = n->cfg.rx_pkt + copy_ns(n, guest_pktq_head(&nq->rx.pkts)->bytes);
    guest_kwork_queue(os, c, (guest_kwork){.ns = ns, .fn = rx_one, .arg = n, .a = a});
}

/* ---- sockets: recv and send (thread context) -------------------------------------- */

static void recv_done(guest_os *os, guest_thread *t, void *arg)
{
    guest_sock *s = arg;
    s->reading = false;
    s->recv_fn(os, t, s->recv_arg, &s->cur);
}

static void read_now(guest_os *os, guest_thread *t, guest_sock *s)
{
    s->cur = guest_pktq_pop(&s->q);
    s->reading = true;
    guest_thread_compute(os, t, s->net->cfg.recv + copy_ns(s->net, s->cur.bytes), recv_done, s);
}

static void recv_wake(guest_os *os, guest_thread *t, void *arg)
{
    guest_sock *s = arg;
    if (!guest_pktq_len(&s->q)) {
        s->reader = t; /* nothing yet: sleep again */
        guest_thread_wait(os, t, recv_wake, s);
        return;
    }
    read_now(os, t, s);
}

void guest_net_recv(guest_net *n, guest_thread *t, guest_sock *s, guest_recv_fn fn, void *arg)
{
    HV_CHECK(s->net == n && !s->reader);
    s->recv_fn = fn;
    s->recv_arg = arg;
    if (guest_pktq_len(&s->q)) {
        read_now(n->os, t, s);
        return;
    }
    s->reader = t;
    guest_thread_wait(n->os, t, recv_wake, s);
}

static void xmit(guest_os *os, guest_thread *t, void *arg)
{
    guest_sock *s = arg;
    guest_net *n = s->net;
    guest_netq *nq = &n->q[t->cpu->index % n->nq]; /* XPS: the sending VCPU's queue */
    guest_pktq_push(&nq->tx.pkts, s->tx);
    n->st.tx_pkts++;
    s->sending = false;
    if (nq->tx.notify) {
        nq->tx.notify = false; /* until the host re-enables it */
        n->st.kicks++;
        guest_thread_store(os, t, nq->notify_addr, s->tx_done, s->tx_arg);
        return;
    }
    s->tx_done(os, t, s->tx_arg);
}

void guest_net_send(guest_net *n, guest_thread *t, guest_sock *s, guest_pkt p, guest_thread_fn done,
                    void *arg)
{
    HV_CHECK(s->net == n && !s->sending && done);
    s->sending = true;
    s->tx = p;
    s->tx_done = done;
    s->tx_arg = arg;
    guest_thread_compute(n->os, t, n->cfg.send + copy_ns(n, p.bytes), xmit, s);
}

/* ---- the host's side -------------------------------------------------------------- */

bool guest_net_rx_push(guest_net *n, uint32_t q, guest_pkt p)
{
    HV_CHECK(q < n->nq);
    guest_vq *rx = &n->q[q].rx;
    guest_pktq_push(&rx->pkts, p);
    if (!rx->cb_enabled)
        return false;
    rx->cb_enabled = false; /* event index: one interrupt until re-enabled */
    return true;
}

bool guest_net_tx_pop(guest_net *n, uint32_t q, guest_pkt *p)
{
    HV_CHECK(q < n->nq);
    if (!guest_pktq_len(&n->q[q].tx.pkts))
        return false;
    *p = guest_pktq_pop(&n->q[q].tx.pkts);
    return true;
}

void guest_net_tx_notify_off(guest_net *n, uint32_t q) { n->q[q].tx.notify = false; }

bool guest_net_tx_notify_on(guest_net *n, uint32_t q)
{
    n->q[q].tx.notify = true;
    return guest_pktq_len(&n->q[q].tx.pkts) == 0;
}
