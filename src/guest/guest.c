/* The guest OS per VCPU; see guest.h. */
#include "guest/guest.h"

#include "base/hv.h"
#include "kvm/read_intr.h"

#include <stdlib.h>
#include <string.h>

enum { IRQ_NONE, IRQ_XIRR, IRQ_IPI_CLEAR, IRQ_EOI };

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
        free(g->cpus[i].ipis);
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
    if (from && was_idle && from != to) {
        /* Already an IPI pending to this target from this CPU? Coalesce. */
        for (uint32_t i = 0; i < from->nipis; i++)
            if (from->ipis[i] == to->v->server)
                return;
        if (from->nipis == from->capipis) {
            from->capipis = from->capipis ? from->capipis * 2 : 4;
            from->ipis = hv_xrealloc(from->ipis, from->capipis * sizeof *from->ipis);
        }
        from->ipis[from->nipis++] = to->v->server;
    }
}

static kvm_gact hcall(unsigned nr, uint64_t a0, uint64_t a1)
{
    return (kvm_gact){.kind = KVM_GACT_HCALL, .hcall = nr, .args = {a0, a1}};
}

void guest_hcall(guest *g, guest_cpu *c, unsigned nr, uint64_t a0, uint64_t a1)
{
    (void)g;
    if (c->nhq == c->caphq) {
        c->caphq = c->caphq ? c->caphq * 2 : 4;
        c->hq = hv_xrealloc(c->hq, c->caphq * sizeof *c->hq);
    }
    c->hq[c->nhq++] = hcall(nr, a0, a1);
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
    /* 0. boot: xics_setup_cpu lowers the CPPR to accept every priority */
    if (!c->booted)
        return issue(c, IF_BOOT, hcall(XICS_H_CPPR, XICS_LOWEST_PRIORITY, 0));
    /* 1. the interrupt handler */
    if (c->irq_pending && c->irq_phase == IRQ_NONE) {
        c->irq_pending = false;
        c->irq_phase = IRQ_XIRR;
    }
    switch (c->irq_phase) {
    case IRQ_XIRR:
        return issue(c, IF_IRQ, hcall(XICS_H_XIRR, 0, 0));
    case IRQ_IPI_CLEAR:
        return issue(c, IF_IRQ, hcall(XICS_H_IPI, c->v->server, XICS_LOWEST_PRIORITY));
    case IRQ_EOI:
        return issue(c, IF_IRQ, hcall(XICS_H_EOI, c->irq_xirr, 0));
    }
    /* 2. queued hypercalls */
    if (c->nhq)
        return issue(c, IF_QUEUED, c->hq[0]);
    /* 2b. wakeup IPIs */
    if (c->nipis)
        return issue(c, IF_WAKE_IPI, hcall(XICS_H_IPI, c->ipis[0], XICS_IPI_PRIORITY));
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
    return issue(c, IF_CEDE, hcall(KVM_H_CEDE, 0, 0));
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
        memmove(c->ipis, c->ipis + 1, (c->nipis - 1) * sizeof *c->ipis);
        c->nipis--;
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
    switch (c->irq_phase) {
    case IRQ_XIRR: {
        uint32_t xirr = (uint32_t)r4, xisr = xirr & 0xffffff;
        c->irq_xirr = xirr;
        if (xisr == 0) {
            c->irq_phase = IRQ_NONE; /* spurious: nothing to EOI */
        } else if (xisr == XICS_IPI) {
            c->st.ipis_received++;
            c->irq_phase = IRQ_IPI_CLEAR;
        } else {
            c->st.device_irqs++;
            des_time t = c->g->ops.device_irq ? c->g->ops.device_irq(c->g, c, xisr, c->g->ops.dev_ctx) : 0;
            if (t)
                guest_queue(c->g, c, (guest_work){.ns = t});
            c->irq_phase = IRQ_EOI;
        }
        return;
    }
    case IRQ_IPI_CLEAR:
        c->irq_phase = IRQ_EOI;
        return;
    case IRQ_EOI:
        c->irq_phase = IRQ_NONE;
        return;
    }
    HV_DIE("guest vcpu %u: interrupt handler in phase %d", c->index, c->irq_phase);
}

static void g_interrupt(void *ctx, kvm_vcpu *v, int vector)
{
    guest_cpu *c = ctx;
    (void)v;
    if (vector == KVM_INJECT_EXTERNAL)
        c->irq_pending = true;
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
