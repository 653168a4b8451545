/* The guest OS per VCPU; see guest.h. */
#include "guest/guest.h"

#include "base/hv.h"
#include "kvm/read_intr.h"

#include <stdlib.h>
#include <string.h>

guest *guest_new(kvm_vm *vm, const guest_ops *ops)
{
    guest *g = hv_xcalloc(1, sizeof *g);
    g->vm = vm;
    if (ops)
        g->ops = *ops;
    g->cpus = hv_xcalloc(vm->n_vcpus, sizeof *g->cpus);
    for (uint32_t i = 0; i < vm->n_vcpus; i++) {
        guest_cpu *c = &g->cpus[i];
        c->g = g;
        c->v = &vm->vcpus[i];
        c->index = i;
        kvm_vcpu_set_guest(c->v, &guest_kvm_ops, c);
    }
    return g;
}

void guest_free(guest *g)
{
    if (!g)
        return;
    for (uint32_t i = 0; i < g->vm->n_vcpus; i++) {
        hv_ring_free(&g->cpus[i].q);
        guest_icp_free(&g->cpus[i].icp);
        free(g->cpus[i].hq);
    }
    free(g->cpus);
    free(g);
}

void guest_reset_stats(guest *g)
{
    for (uint32_t i = 0; i < g->vm->n_vcpus; i++)
        memset(&g->cpus[i].st, 0, sizeof g->cpus[i].st);
}

void guest_queue(guest *g, guest_cpu *c, guest_work w)
{
    (void)g;
    *(guest_work *)hv_ring_push(&c->q, sizeof w) = w;
}

void guest_wake(guest *g, guest_cpu *from, guest_cpu *to, guest_work w)
{
    to->st.wakeups++;
    bool was_idle = to->idle && to->q.n == 0;
    guest_queue(g, to, w);
    if (from && was_idle && from != to)
        guest_icp_queue_ipi(&from->icp, to->v->server); /* one already queued to it coalesces */
}

void guest_hcall(guest *g, guest_cpu *c, unsigned nr, uint64_t a0, uint64_t a1)
{
    (void)g;
    if (c->nhq == c->caphq) {
        c->caphq = c->caphq ? c->caphq * 2 : 4;
        c->hq = hv_xrealloc(c->hq, c->caphq * sizeof *c->hq);
    }
    c->hq[c->nhq++] = kvm_gact_hcall(nr, a0, a1);
}

void guest_set_timer(guest *g, guest_cpu *c, des_time at)
{
    (void)g;
    kvm_vcpu_set_timer(c->v, at);
}

/* Where the hypercall in flight came from (what its return means). */
enum { IF_NONE, IF_BOOT, IF_IRQ, IF_QUEUED, IF_WAKE_IPI, IF_CEDE };

static kvm_gact issue(guest_cpu *c, int from, kvm_gact a)
{
    c->inflight = from;
    return a;
}

static kvm_gact g_next(void *ctx, kvm_vcpu *v)
{
    guest_cpu *c = ctx;
    (void)v;
    kvm_gact a;
    /* 0. boot: xics_setup_cpu lowers the CPPR to accept every priority */
    if (!c->booted)
        return issue(c, IF_BOOT, guest_icp_setup());
    /* 1. the interrupt handler's hypercalls */
    if (guest_icp_irq_hcall(&c->icp, c->v->server, &a))
        return issue(c, IF_IRQ, a);
    /* 2. queued hypercalls */
    if (c->nhq)
        return issue(c, IF_QUEUED, c->hq[0]);
    /* 2b. wakeup IPIs */
    if (guest_icp_ipi_hcall(&c->icp, &a))
        return issue(c, IF_WAKE_IPI, a);
    /* 3. work: the interrupted item first */
    if (c->running_work)
        return (kvm_gact){.kind = KVM_GACT_RESUME};
    if (c->q.n) {
        c->running_work = true;
        c->idle = false;
        return (kvm_gact){.kind = KVM_GACT_COMPUTE, .ns = ((guest_work *)hv_ring_at(&c->q, 0))->ns};
    }
    /* 4. idle */
    c->idle = true;
    c->st.cedes++;
    return issue(c, IF_CEDE, kvm_gact_hcall(KVM_H_CEDE, 0, 0));
}

static void finish_work(guest_cpu *c)
{
    guest_work w;
    hv_ring_pop(&c->q, &w);
    c->running_work = false;
    c->st.work_items++;
    c->st.busy_ns += w.ns;
    if (w.done)
        w.done(c->g, c, w.arg, w.a);
}

static void g_hcall_ret(void *ctx, kvm_vcpu *v, unsigned h, long rc, uint64_t r4, uint64_t r5)
{
    guest_cpu *c = ctx;
    (void)v;
    (void)r5;
    (void)rc;
    int from = c->inflight;
    c->inflight = IF_NONE;
    switch (from) {
    case IF_BOOT:
        c->booted = true;
        return;
    case IF_QUEUED:
        memmove(c->hq, c->hq + 1, (c->nhq - 1) * sizeof *c->hq);
        c->nhq--;
        return;
    case IF_WAKE_IPI:
        guest_icp_ipi_ret(&c->icp);
        c->st.ipis_sent++;
        return;
    case IF_CEDE:
        c->idle = false;
        return;
    case IF_IRQ:
        break;
    default:
        HV_DIE("guest vcpu %u: %s returned with no hcall in flight", c->index, kvm_hcall_name(h));
    }
    switch (guest_icp_irq_ret(&c->icp, r4)) {
    case GUEST_ICP_GOT_IPI:
        c->st.ipis_received++;
        break;
    case GUEST_ICP_GOT_DEVICE: {
        c->st.device_irqs++;
        uint32_t xisr = guest_icp_xisr(&c->icp);
        des_time t = c->g->ops.device_irq ? c->g->ops.device_irq(c->g, c, xisr, c->g->ops.dev_ctx) : 0;
        if (t)
            guest_queue(c->g, c, (guest_work){.ns = t});
        break;
    }
    case GUEST_ICP_GOT_NOTHING:
        break;
    }
    /* This guest's handler runs inline: the device callback above; an IPI's
     * wakeup work is queued already. */
    if (c->icp.phase == GUEST_ICP_HANDLER)
        guest_icp_handler_done(&c->icp);
}

static void g_interrupt(void *ctx, kvm_vcpu *v, int vector)
{
    guest_cpu *c = ctx;
    (void)v;
    if (vector == KVM_INJECT_EXTERNAL)
        guest_icp_deliver(&c->icp);
    else if (vector == KVM_INJECT_DECREMENTER && c->g->ops.timer)
        c->g->ops.timer(c->g, c, c->g->ops.ctx);
}

static void g_compute_done(void *ctx, kvm_vcpu *v)
{
    (void)v;
    guest_cpu *c = ctx;
    HV_CHECK(c->running_work);
    finish_work(c);
}

const kvm_guest_ops guest_kvm_ops = {g_next, g_compute_done, g_hcall_ret, g_interrupt, NULL};
