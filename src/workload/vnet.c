/*
 * workload/vnet.c — vhost-net workers, the host bridge and the external
 * link; see vnet.h.
 *
 * Mirrors: vhost_worker, handle_tx / handle_rx (drivers/vhost/net.c),
 * vhost_disable_notify / vhost_enable_notify, vhost_signal -> eventfd_signal
 * -> irqfd (virt/kvm/eventfd.c), ioeventfd_write, tun_net_xmit ->
 * sk_data_ready -> vhost_poll_wakeup -> vhost_work_queue -> wake_up_process;
 * at the VM's destroy vhost_net_stop, vhost_net_release (vhost_dev_stop,
 * vhost_net_flush, vhost_dev_cleanup -> kthread_stop) and tun_chr_close.
 */
#include "workload/vnet.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>

static des_time cost(vnet_worker *w, hw_cost_id id)
{
    hw_machine *hw = w->v->m->hw;
    return hw_cost(hw, hw_thread_of(hw, w->task->cpu), id);
}

static void wake_worker(vnet_worker *w, int from_cpu)
{
    if (w->task->state == HOST_TASK_SLEEPING) {
        w->wakeups++;
        host_task_wake(w->v->m->host, w->task, from_cpu);
    }
}

/* ---- the worker ------------------------------------------------------------ */

static void serve(host *h, host_task *t, vnet_worker *w);

/* A packet got onto the bridge toward dst: the flow's queue's worker. */
static void bridge_to(vnet *dst, guest_pkt p, int from_cpu)
{
    vnet_worker *w = &dst->w[guest_net_rx_queue(dst->net, p.sock)];
    dst->handed++;
    if (dst->stopped) {
        dst->dropped++; /* the VM's tap is gone */
        return;
    }
    guest_pktq_push(&w->backlog, p);
    wake_worker(w, from_cpu);
}

static void wire_out_arrive(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    vnet *v = obj;
    guest_pkt p = guest_pktq_pop(&v->wire_out);
    v->delivered++;
    v->ops.external_rx(v->ops.ctx, v, &p);
}

static void tx_done(host *h, host_task *t, void *arg)
{
    vnet_worker *w = arg;
    vnet *v = w->v;
    guest_pkt p = w->cur;
    w->holding = false;
    w->tx_pkts++;
    vnet *dst = v->ops.route(v->ops.ctx, v, &p);
    v->delivered++; /* out of this device's hands */
    if (dst) {
        bridge_to(dst, p, t->cpu);
    } else {
        v->handed++; /* onto the external link */
        guest_pktq_push(&v->wire_out, p);
        des_after(v->m->sim, v->net->cfg.latency, wire_out_arrive, v, 0);
    }
    serve(h, t, w);
}

static void signal_done(host *h, host_task *t, void *arg)
{
    vnet_worker *w = arg;
    if (w->v->stopped) { /* vhost_dev_stop: no interrupt into a VM being destroyed */
        serve(h, t, w);
        return;
    }
    w->irqs++;
    if (kvm_set_irq(w->v->vm, w->v->net->q[w->q].irq, XICS_LINE_HIGH, t->cpu) != HV_OK)
        HV_DIE("vnet: MSI of queue %u of vm %s does not exist", w->q, w->v->vm->cfg.name);
    serve(h, t, w);
}

static void rx_done(host *h, host_task *t, void *arg)
{
    vnet_worker *w = arg;
    vnet *v = w->v;
    w->holding = false;
    if (v->stopped) {
        v->dropped++; /* the receive under way at the stop */
        serve(h, t, w);
        return;
    }
    w->rx_pkts++;
    v->delivered++;
    if (guest_net_rx_push(v->net, w->q, w->cur)) {
        host_task_compute(h, t, cost(w, HW_COST_vhost_signal), signal_done, w);
        return;
    }
    serve(h, t, w);
}

/* One packet per step, transmit and receive in turn, then sleep; once the
 * device is stopped, drop the backlog and exit (kthread_stop). */
static void serve(host *h, host_task *t, vnet_worker *w)
{
    vnet *v = w->v;
    if (v->stopped) {
        v->dropped += guest_pktq_len(&w->backlog);
        while (guest_pktq_len(&w->backlog))
            (void)guest_pktq_pop(&w->backlog);
        host_task_exit(h, t);
        return;
    }
    for (int tries = 0; tries < 2; tries++, w->tx_turn = !w->tx_turn) {
        if (w->tx_turn) {
            guest_net_tx_notify_off(v->net, w->q);
            if (guest_net_tx_pop(v->net, w->q, &w->cur)) {
                v->handed++;
                w->holding = true;
                w->tx_turn = false;
                host_task_compute(h, t, cost(w, HW_COST_vhost_tx_pkt), tx_done, w);
                return;
            }
        } else if (guest_pktq_len(&w->backlog)) {
            w->cur = guest_pktq_pop(&w->backlog);
            w->holding = true;
            w->tx_turn = true;
            host_task_compute(h, t, cost(w, HW_COST_vhost_rx_pkt), rx_done, w);
            return;
        }
    }
    if (!guest_net_tx_notify_on(v->net, w->q)) {
        w->tx_turn = true; /* a packet raced in: vhost_enable_notify says go on */
        serve(h, t, w);
        return;
    }
    host_task_block(h, t);
}

static void worker_run(host *h, host_task *t) { serve(h, t, t->ctx); }

static const host_task_ops worker_ops = {worker_run};

/* ioeventfd: the guest kicked queue (addr - notify_base). */
static void kicked(void *ctx, kvm_vm *vm, uint64_t addr, int cpu)
{
    (void)vm;
    vnet *v = ctx;
    vnet_worker *w = &v->w[addr - v->notify_base];
    w->kicks++;
    wake_worker(w, cpu);
}

/* ---- the external link --------------------------------------------------------- */

static void wire_in_arrive(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    vnet *v = obj;
    guest_pkt p = guest_pktq_pop(&v->wire_in);
    v->delivered++;
    bridge_to(v, p, -1); /* the physical NIC's interrupt context */
}

void vnet_external_send(vnet *v, guest_pkt p)
{
    v->handed++;
    guest_pktq_push(&v->wire_in, p);
    des_after(v->m->sim, v->net->cfg.latency, wire_in_arrive, v, 0);
}

/* ---- the VM's destroy ------------------------------------------------------------- */

/* kvm_vm_on_quit: QEMU stops and closes the device. */
static void quit(void *ctx, kvm_vm *vm)
{
    (void)vm;
    vnet *v = ctx;
    v->stopped = true;
    for (uint32_t q = 0; q < v->nq; q++)
        if (v->w[q].task->state == HOST_TASK_SLEEPING)
            host_task_wake(v->m->host, v->w[q].task, -1); /* kthread_stop */
    if (v->ops.quit)
        v->ops.quit(v->ops.ctx, v);
}

/* ---- life cycle, accounting ------------------------------------------------------ */

vnet *vnet_new(model *m, guest_net *net, uint64_t notify_base, const vnet_ops *ops)
{
    HV_CHECK(ops && ops->route && ops->external_rx);
    vnet *v = hv_xcalloc(1, sizeof *v);
    v->m = m;
    v->vm = net->os->vm;
    v->net = net;
    v->ops = *ops;
    v->nq = net->nq;
    v->notify_base = notify_base;
    v->w = hv_xcalloc(v->nq, sizeof *v->w);
    kvm_vm_on_quit(v->vm, quit, v);
    host_cpumask all;
    host_cpumask_fill(&all, (int)m->hw->ncpus);
    for (uint32_t q = 0; q < v->nq; q++) {
        vnet_worker *w = &v->w[q];
        w->v = v;
        w->q = q;
        w->tx_turn = true;
        char name[32];
        snprintf(name, sizeof name, "vhost-%.12s-%u", v->vm->cfg.name, q);
        w->task = host_task_new(m->host, name, &all, &worker_ops, w);
        host_task_start(m->host, w->task);
        if (kvm_vm_add_ioeventfd(v->vm, notify_base + q, kicked, v) != HV_OK)
            HV_DIE("vnet: notify register %llu of vm %s taken", (unsigned long long)(notify_base + q),
                   v->vm->cfg.name);
    }
    return v;
}

void vnet_free(vnet *v)
{
    if (!v)
        return;
    for (uint32_t q = 0; q < v->nq; q++)
        guest_pktq_free(&v->w[q].backlog);
    free(v->w);
    guest_pktq_free(&v->wire_in);
    guest_pktq_free(&v->wire_out);
    free(v);
}

uint64_t vnet_held(const vnet *v)
{
    uint64_t n = guest_pktq_len(&v->wire_in) + guest_pktq_len(&v->wire_out);
    for (uint32_t q = 0; q < v->nq; q++)
        n += guest_pktq_len(&v->w[q].backlog) + (v->w[q].holding ? 1u : 0u);
    return n;
}

uint64_t vnet_guest_held(const vnet *v)
{
    const guest_net *n = v->net;
    uint64_t k = 0;
    for (uint32_t q = 0; q < n->nq; q++)
        k += guest_pktq_len(&n->q[q].rx.pkts) + guest_pktq_len(&n->q[q].tx.pkts);
    for (uint32_t i = 0; i < n->nsocks; i++)
        k += guest_pktq_len(&n->socks[i]->q);
    return k;
}

const char *vnet_conservation(const vnet *v, char *err, size_t errlen)
{
    uint64_t held = vnet_held(v);
    if (v->handed == v->delivered + v->dropped + held)
        return NULL;
    snprintf(err, errlen, "vnet %s: packets handed %llu != delivered %llu + dropped %llu + held %llu",
             v->vm->cfg.name, (unsigned long long)v->handed, (unsigned long long)v->delivered,
             (unsigned long long)v->dropped, (unsigned long long)held);
    return err;
}
