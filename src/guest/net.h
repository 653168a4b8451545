/*
 * guest/net.h — the guest side of a virtio-net device (the virtio_net
 * driver and a minimal TCP socket layer) on the guest kernel (guest/os.h),
 * and the virtqueues it shares with the host's vhost-net (workload/vnet.h).
 *
 * Overview (drivers/net/virtio_net.c and net/ of Linux 4.x, reduced)
 *   The device has `queues` queue pairs. Queue q's receive interrupt is MSI
 *   source XICS_FIRST_IRQ + q, routed to VCPU q mod VCPUs (virtnet_set_affinity);
 *   its notify register is notify_base + q (the transmit kick; an
 *   ioeventfd the host registers).
 *   Receive: the host puts packets on q's rx ring and raises the MSI only
 *   when the guest has callbacks enabled (guest_net_rx_push says so; event
 *   index semantics: one interrupt until the guest re-enables). The hard-IRQ
 *   handler (vring_interrupt -> napi_schedule: net.irq_handler of guest time)
 *   disables callbacks and raises the NET_RX softirq on that VCPU; the poll
 *   (virtnet_poll) receives one packet per net.rx_pkt (+ copy) of kernel
 *   work, up to the NAPI budget (64), delivering each to its socket
 *   (tcp_v4_rcv -> sock_def_readable, which wakes a reader blocked in
 *   recv); with the ring empty it re-enables callbacks (napi_complete) and
 *   polls again if packets raced in.
 *   Transmit: guest_net_send runs tcp_sendmsg ... start_xmit (net.send +
 *   copy of thread time), puts the packet on the tx ring of the sending
 *   VCPU's queue (XPS) and, when the host wants notifications, kicks: an
 *   MMIO store to the notify register (virtqueue_notify), which exits the
 *   whole core; the host disables notifications while its worker drains the
 *   ring (vhost_disable_notify) and re-enables them when it is empty.
 *   Receive-buffer refills and TX-completion interrupts are not modelled
 *   (vhost-net suppresses the refill kicks; 4.x virtio_net frees transmitted
 *   buffers in start_xmit, without TX interrupts). No ACK-only packets
 *   (request/response traffic piggybacks its ACKs).
 *
 * State
 *   guest_vq: a FIFO of packets (guest_pktq), cb_enabled (rx: the guest wants
 *   an interrupt), notify (tx: the host wants a kick).
 *   guest_sock: received packets not yet read, the reader blocked in recv
 *   (NULL if none) and its continuation.
 *
 * Concurrency contract: single-threaded (the DES thread); the "shared
 * memory" accesses of the host side are the guest_net_rx_push /
 * guest_net_tx_* calls.
 */
#ifndef HV_GUEST_NET_H
#define HV_GUEST_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ring.h"
#include "guest/os.h"

/* Scenario keys: [net] (guest/net_options.def), field name = key. */
typedef struct net_cfg {
    uint64_t queues;
    des_time latency;     /* one way to and from clients outside the host (workload/vnet.c) */
    des_time irq_handler; /* vring_interrupt + napi_schedule */
    des_time napi;        /* virtnet_poll and net_rx_action per poll */
    des_time rx_pkt;      /* per packet: receive_buf ... tcp_v4_rcv, sock_def_readable */
    des_time recv;        /* recvmsg per message */
    des_time send;        /* sendmsg per message: tcp_sendmsg ... start_xmit */
    des_time copy_per_kb; /* guest copy of payload, per 1024 bytes (recv and send) */
} net_cfg;
net_cfg net_cfg_default(void);

/* NAPI_POLL_WEIGHT: packets per poll before net_rx_action polls again. */
#define GUEST_NET_BUDGET 64

typedef struct guest_pkt {
    uint32_t flow;  /* the workload's connection (the host routes by it) */
    uint32_t sock;  /* destination socket in the receiving guest */
    uint32_t bytes; /* payload */
    uint64_t tag;   /* workload data */
    des_time t0;    /* workload timestamp */
} guest_pkt;

/* A FIFO of packets that grows (a virtqueue's ring, a socket's receive
 * queue; workload/vnet.c's backlogs and link): guest_pkt in an hv_ring. */
typedef struct guest_pktq {
    hv_ring ring;
} guest_pktq;
static inline uint32_t guest_pktq_len(const guest_pktq *q) { return q->ring.n; }
static inline const guest_pkt *guest_pktq_head(const guest_pktq *q) { return hv_ring_at(&q->ring, 0); }
static inline void guest_pktq_push(guest_pktq *q, guest_pkt p)
{
    *(guest_pkt *)hv_ring_push(&q->ring, sizeof p) = p;
}
static inline guest_pkt guest_pktq_pop(guest_pktq *q)
{
    guest_pkt p;
    hv_ring_pop(&q->ring, &p);
    return p;
}
static inline void guest_pktq_free(guest_pktq *q) { hv_ring_free(&q->ring); }

typedef struct guest_vq {
    guest_pktq pkts;
    bool cb_enabled; /* rx ring: the guest wants an interrupt */
    bool notify;     /* tx ring: the host wants a kick */
} guest_vq;

typedef struct guest_netq {
    guest_vq rx, tx;
    uint32_t irq;          /* MSI source of rx */
    uint64_t notify_addr;  /* MMIO address of the tx kick */
    bool napi_scheduled;
    uint32_t napi_left;    /* budget left in this poll */
} guest_netq;

typedef struct guest_net guest_net;
/* A received message handed to the reader, in thread context. */
typedef void (*guest_recv_fn)(guest_os *os, guest_thread *t, void *arg, const guest_pkt *p);

typedef struct guest_sock {
    guest_net *net;
    uint32_t id;
    guest_pktq q;            /* received, not yet read */
    guest_thread *reader;    /* blocked in recv, or NULL */
    guest_recv_fn recv_fn;
    void *recv_arg;
    guest_pkt cur;           /* the message being read ... */
    bool reading;            /* ... between leaving q and the reader's fn */
    /* the message being sent (one at a time per socket) */
    bool sending;
    guest_pkt tx;
    guest_thread_fn tx_done;
    void *tx_arg;
} guest_sock;

/* Per-device counters (emitted by the workload views): packets and kicks. */
typedef struct guest_net_stats {
    uint64_t rx_pkts, tx_pkts, kicks, rx_irqs, polls;
} guest_net_stats;

struct guest_net {
    guest_os *os;
    net_cfg cfg;
    guest_netq *q;
    uint32_t nq;
    guest_sock **socks;
    uint32_t nsocks, capsocks;
    guest_net_stats st;
};

/* The device on os's VM: queues, their MSI sources in the VM's XICS (call
 * before the VM runs); os's device_irq hook must be guest_net_irq with this
 * net as ctx (guest_net_os_ops). */
guest_net *guest_net_new(guest_os *os, const net_cfg *cfg, uint64_t notify_base);
void guest_net_free(guest_net *n);
guest_os_ops guest_net_os_ops(guest_net *n);
des_time guest_net_irq(guest_os *os, guest_vcpu *c, uint32_t irq, void *ctx);
/* A new socket; its id is what packets name in guest_pkt.sock. */
guest_sock *guest_net_socket(guest_net *n);

/* Thread context: read one message (block until one arrives), then fn. */
void guest_net_recv(guest_net *n, guest_thread *t, guest_sock *s, guest_recv_fn fn, void *arg);
/* Thread context: send p on socket s (sendmsg ... start_xmit, then the kick
 * if the host wants one), then done. */
void guest_net_send(guest_net *n, guest_thread *t, guest_sock *s, guest_pkt p, guest_thread_fn done,
                    void *arg);

/* ---- the host's side of the rings (workload/vnet.c) ---- */
/* Put p on q's rx ring; true if the guest must be interrupted (callbacks
 * were enabled; they are now off until the guest re-enables them). */
bool guest_net_rx_push(guest_net *n, uint32_t q, guest_pkt p);
/* Take the next packet of q's tx ring; false if empty. */
bool guest_net_tx_pop(guest_net *n, uint32_t q, guest_pkt *p);
/* vhost_disable_notify / vhost_enable_notify on q's tx ring; enable returns
 * true if the ring is still empty (else the host must keep draining). */
void guest_net_tx_notify_off(guest_net *n, uint32_t q);
bool guest_net_tx_notify_on(guest_net *n, uint32_t q);
/* Which queue a flow's packets arrive on (the host's tun_select_queue by
 * flow hash). */
uint32_t guest_net_rx_queue(const guest_net *n, uint32_t sock);

#endif
