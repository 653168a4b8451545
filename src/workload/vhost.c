/* Device interrupts through a vhost-like host task; see vhost.h. */
#include "workload/vhost.h"

#include "base/hv.h"
#include "kvm/kvm.h"

#include <stdlib.h>

static void vh_run(host *h, host_task *t);

static void arm(vhost *v);

/* A packet arrives (open Poisson process): queue it, wake the worker. */
static void arrival(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    vhost *v = obj;
    v->backlog++;
    arm(v);
    if (v->task->state == HOST_TASK_SLEEPING)
        host_task_wake(v->m->host, v->task, -1); /* the NIC's interrupt wakes the worker */
}

static void arm(vhost *v)
{
    double gap = des_rng_exp(&v->rng, 1e9 / v->cfg.rate);
    v->timer = des_after(v->m->sim, (des_time)gap + 1, arrival, v, 0);
}

static void raise_irq(host *h, host_task *t, void *arg);

/* Serve the backlog, one packet at a time, then sleep. */
static void serve(host *h, host_task *t, vhost *v)
{
    if (v->backlog)
        host_task_compute(h, t, v->cfg.work, raise_irq, v);
    else
        host_task_block(h, t);
}

/* In task context after the vhost work: kvm_set_irq for the next queue. */
static void raise_irq(host *h, host_task *t, void *arg)
{
    vhost *v = arg;
    kvm_vm *vm = v->vm;
    uint32_t irq = XICS_FIRST_IRQ + (uint32_t)(v->next_q++ % v->cfg.queues);
    v->backlog--;
    if (kvm_set_irq(vm, irq, XICS_LINE_SET, t->cpu) != HV_OK)
        HV_DIE("vhost: irq %u of vm %s does not exist", irq, vm->cfg.name);
    v->raised++;
    serve(h, t, v);
}

static void vh_run(host *h, host_task *t)
{
    vhost *v = t->ctx;
    if (!v->started) {
        v->started = true;
        arm(v); /* first start: wait for the first packet */
    }
    serve(h, t, v);
}

static const host_task_ops vh_ops = {vh_run};

vhost *vhost_new(model *m, kvm_vm *vm, const vhost_cfg *cfg, uint32_t rng_index)
{
    HV_CHECK(cfg->rate > 0 && cfg->queues >= 1);
    vhost *v = hv_xcalloc(1, sizeof *v);
    v->cfg = *cfg;
    v->vm = vm;
    v->m = m;
    v->rng = des_rng_stream(m->seed, m->run, des_rng_id(VHOST_RNG_KIND, rng_index));
    for (uint64_t q = 0; q < cfg->queues; q++) {
        struct xics_source_cfg sc = {.server = (uint32_t)(q % vm->n_vcpus),
                                     .priority = XICS_DEFAULT_PRIORITY};
        if (kvm_set_irq_source(vm, XICS_FIRST_IRQ + (uint32_t)q, &sc) != HV_OK)
            HV_DIE("vhost: cannot create source %llu of vm %s", (unsigned long long)q, vm->cfg.name);
    }
    host_cpumask all;
    host_cpumask_fill(&all, (int)m->hw->ncpus);
    char name[32];
    snprintf(name, sizeof name, "vhost-%.20s", vm->cfg.name);
    v->task = host_task_new(m->host, name, &all, &vh_ops, v);
    host_task_start(m->host, v->task);
    return v;
}

void vhost_free(vhost *v) { free(v); }

des_time vhost_guest_irq(guest *g, guest_cpu *c, uint32_t irq, void *ctx)
{
    (void)g;
    (void)c;
    (void)irq;
    vhost *v = ctx;
    v->delivered_sources++;
    return v->cfg.handler;
}
