/*
 * workload/vnet.h — the host side of a VM's virtio-net device (vhost-net)
 * and the network beyond it: one vhost worker task per queue pair, the
 * ioeventfd of each queue's notify register, the host bridge between VMs
 * of the host, and the link to clients outside the host.
 *
 * Overview (drivers/vhost/net.c, vhost.c, drivers/net/tun.c of Linux 4.x)
 *   QEMU opens one vhost-net device per queue pair, so each queue q has its
 *   own worker task (vhost_worker) on the host scheduler; it sleeps until
 *   work arrives and serves, one packet at a time, alternately:
 *     transmit (handle_tx): notifications off (vhost_disable_notify), take
 *       the next packet of the guest's tx ring: vhost_tx_pkt of host CPU
 *       (tun_sendmsg, netif_rx, the bridge); the workload routes it
 *       (ops.route): to another VM of the host (its device's worker for the
 *       flow's queue gets it in its backlog and is woken from this CPU, as
 *       tun_net_xmit -> sk_data_ready -> vhost_poll_wakeup does) or out of
 *       the host (the client gets it net.latency later, ops.external_rx);
 *     receive (handle_rx): the next packet of its backlog (from the bridge
 *       or the physical NIC): vhost_rx_pkt, onto the guest's rx ring; if the
 *       guest wants an interrupt, vhost_signal and the MSI: kvm_set_irq
 *       from this CPU (irqfd, kvm_arch_set_irq_inatomic on book3s).
 *   With nothing left it re-enables tx notifications (vhost_enable_notify:
 *   if a packet raced in it goes on) and sleeps. The guest's kick (an MMIO
 *   store to q's notify register) reaches it through the ioeventfd: KVM
 *   signals the eventfd from the VCPU runner's CPU, which wakes the worker
 *   (host_task_wake from that CPU).
 *   A packet from a client outside the host arrives net.latency after it
 *   was sent (wire, switch, physical NIC and bridge: their host CPU time is
 *   not modelled) and wakes the worker of the flow's queue from no CPU.
 *
 * The VM's destroy (vm.NAME.destroy_at; kvm_vm_on_quit): QEMU stops the
 *   device (vhost_net_stop) and closes it (vhost_net_release ->
 *   vhost_dev_stop, vhost_net_flush, vhost_dev_cleanup -> kthread_stop)
 *   and the tap. The model: the device is stopped at once; each worker
 *   finishes the step under way (the flush), then drops its backlog and
 *   exits (a sleeping worker is woken to do so, as kthread_stop does). A
 *   transmit under way still leaves (the packet was in the tap); a receive
 *   under way is dropped and raises no interrupt; packets that reach the
 *   device afterwards (from the bridge or the external link) are dropped:
 *   the tap is gone. Then ops.quit tells the workload. Nothing of the
 *   device touches the VM's VCPUs or XICS after the stop. Packets in the
 *   guest's rings and sockets stay there (the guest's memory goes with
 *   QEMU).
 *
 * Conservation: every packet handed to the host side (a guest transmit or
 * an external send) is delivered (to a guest's rx ring or to an outside
 * client), dropped (after the VM's destroy) or still held: vnet_held counts
 * the packets on the wire, in the workers' backlogs and in the hands of a
 * worker; guest_net's rings and sockets hold the rest.
 *
 * Concurrency contract: single-threaded (the DES thread).
 */
#ifndef HV_WORKLOAD_VNET_H
#define HV_WORKLOAD_VNET_H

#include "guest/net.h"
#include "workload/model.h"

typedef struct vnet vnet;

typedef struct vnet_ops {
    /* Where a packet the guest of `from` sent goes: another device of the
     * host, or NULL for outside the host. */
    vnet *(*route)(void *ctx, vnet *from, const guest_pkt *p);
    /* A packet from `from` reached its client outside the host. */
    void (*external_rx)(void *ctx, vnet *from, const guest_pkt *p);
    /* The VM's QEMU quit (its destroy_at), after the device stopped; may be
     * NULL. */
    void (*quit)(void *ctx, vnet *v);
    void *ctx;
} vnet_ops;

typedef struct vnet_worker {
    vnet *v;
    uint32_t q;
    host_task *task;
    guest_pktq backlog;  /* received from the bridge or the NIC, not yet on the rx ring */
    bool holding;        /* a packet is in the worker's hands (between pop and hand-off) */
    guest_pkt cur;
    bool tx_turn;        /* alternate transmit and receive */
    uint64_t kicks, wakeups, tx_pkts, rx_pkts, irqs;
} vnet_worker;

struct vnet {
    model *m;
    kvm_vm *vm;
    guest_net *net;
    vnet_ops ops;
    vnet_worker *w;      /* [net->nq] */
    uint32_t nq;
    uint64_t notify_base;
    guest_pktq wire_in, wire_out; /* on the external link (FIFO: one latency) */
    bool stopped;        /* the VM's QEMU quit: vhost_dev_stop, the tap closed */
    uint64_t handed, delivered, dropped; /* conservation (never reset) */
};

/* The host side of net (a device whose notify registers start at
 * notify_base, as given to guest_net_new): a worker per queue, started, and
 * an ioeventfd per notify register. */
vnet *vnet_new(model *m, guest_net *net, uint64_t notify_base, const vnet_ops *ops);
void vnet_free(vnet *v);
/* A client outside the host sends p to this VM's guest now. */
void vnet_external_send(vnet *v, guest_pkt p);
/* Packets the host side holds (wire, backlogs, workers' hands). */
uint64_t vnet_held(const vnet *v);
/* Packets in the guest's rings and socket queues. */
uint64_t vnet_guest_held(const vnet *v);
/* NULL, or what broke: handed != delivered + dropped + held (message in a buffer of
 * the caller's, errlen bytes). */
const char *vnet_conservation(const vnet *v, char *err, size_t errlen);

#endif
