/*
 * workload/vhost.h — device interrupts into a VM: one vhost-like host task
 * per VM that raises the VM's virtual MSI sources, as KVM does for a virtio
 * device backed by vhost (vhost worker -> irqfd -> kvm_set_irq ->
 * ics_deliver_irq -> icp_deliver_irq; book3s_xics.c), all in host context:
 * the target VCPU's external line is raised in virtual mode and the VCPU is
 * kicked (kvmppc_fast_vcpu_kick).
 *
 * Packets arrive as a Poisson process at `rate` per second into a backlog;
 * the task, woken by an arrival, serves the backlog one packet at a time:
 * `work` of host CPU time (workload time from the scenario, not a cost-table
 * latency), then it raises source FIRST_IRQ + q for
 * queue q; queues are spread round-robin over the VM's VCPUs (the source's
 * server). The guest takes the interrupt with its XICS handler (H_XIRR,
 * handler time `handler` as guest work, H_EOI).
 */
#ifndef HV_WORKLOAD_VHOST_H
#define HV_WORKLOAD_VHOST_H

#include "guest/guest.h"
#include "host/host.h"
#include "workload/model.h"

typedef struct vhost_cfg {
    double rate;        /* device interrupts per second (0 = no device) */
    uint64_t queues;    /* MSI sources, one per queue */
    des_time work;      /* vhost CPU time per interrupt */
    des_time handler;   /* guest handler time per interrupt */
} vhost_cfg;

typedef struct vhost {
    vhost_cfg cfg;
    kvm_vm *vm;
    model *m;
    host_task *task;
    des_rng rng;
    uint64_t next_q;
    bool started;
    uint64_t backlog; /* packets arrived, not yet raised */
    uint64_t raised, delivered_sources;
    des_handle timer;
} vhost;

/* Create the sources in the VM's XICS (priority DEFAULT_PRIORITY) and the
 * host task (started). g's device_irq hook must route to vhost_guest_irq. */
vhost *vhost_new(model *m, kvm_vm *vm, const vhost_cfg *cfg, uint32_t rng_index);
void vhost_free(vhost *v);
/* guest_ops.device_irq for a guest whose VM has a vhost (ctx = vhost). */
des_time vhost_guest_irq(guest *g, guest_cpu *c, uint32_t irq, void *ctx);

#endif
