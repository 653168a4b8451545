/* The boot-like calibration mix; see boot.h. */
#include "workload/boot.h"

#include "base/hv.h"

#include <stdlib.h>

mix_cfg mix_cfg_default(void)
{
    /* Fitted once with the cost table (docs/validation.md). */
    return (mix_cfg){.busy_mean = 4760,
                     .idle_mean = DES_US(70),
                     .wake_work = DES_US(3),
                     .p_hpte = 0.63,
                     .p_ipi = 0.066,
                     .p_vm = 0.031,
                     .p_idle = 0.070,
                     .p_user = 0,
                     .user_work = DES_US(10)};
}

boot_cfg boot_cfg_default(void)
{
    return (boot_cfg){.vcpus = 32, .threads_per_vcore = 8, .mix = mix_cfg_default()};
}

static void busy_item(guest *g, guest_cpu *c, void *arg, uint64_t a);

static void queue_item(boot *b, guest_cpu *c)
{
    des_time ns = (des_time)(des_rng_exp(&b->rng, (double)b->cfg.busy_mean) + 1);
    guest_queue(b->g, c, (guest_work){.ns = ns, .done = busy_item, .arg = b});
}

static void busy_item(guest *g, guest_cpu *c, void *arg, uint64_t a)
{
    (void)a;
    boot *b = arg;
    if (des_rng_u01(&b->rng) <= b->cfg.p_hpte)
        guest_hcall(g, c, KVM_H_ENTER, 0, 0);
    if (des_rng_u01(&b->rng) <= b->cfg.p_vm)
        guest_hcall(g, c, KVM_H_GENERIC, 0, 0);
    if (b->cfg.p_user > 0 && des_rng_u01(&b->rng) <= b->cfg.p_user)
        guest_hcall(g, c, KVM_H_USER, b->cfg.user_work, 0);
    if (g->vm->n_vcpus > 1 && des_rng_u01(&b->rng) <= b->cfg.p_ipi) {
        uint32_t t = des_rng_below(&b->rng, g->vm->n_vcpus - 1);
        if (t >= c->index)
            t++;
        guest_wake(g, c, &g->cpus[t], (guest_work){.ns = b->cfg.wake_work});
    }
    if (des_rng_u01(&b->rng) <= b->cfg.p_idle) {
        des_time now = des_now(g->vm->sys->sim);
        guest_set_timer(g, c, now + (des_time)des_rng_exp(&b->rng, (double)b->cfg.idle_mean) + 1);
        return;
    }
    queue_item(b, c);
}

static void timer(guest *g, guest_cpu *c, void *ctx)
{
    (void)g;
    queue_item(ctx, c);
}

boot *boot_attach(model *m, kvm_vm *vm, const mix_cfg *mix, uint32_t rng_index,
                  const guest_ops *dev)
{
    boot *b = hv_xcalloc(1, sizeof *b);
    b->cfg = *mix;
    b->rng = des_rng_stream(m->seed, m->run, des_rng_id(BOOT_RNG_KIND, rng_index));
    b->vm = vm;
    guest_ops ops = {.timer = timer, .ctx = b};
    if (dev) {
        ops.device_irq = dev->device_irq;
        ops.dev_ctx = dev->dev_ctx;
    }
    b->g = guest_new(b->vm, &ops);
    for (uint32_t i = 0; i < b->vm->n_vcpus; i++)
        queue_item(b, &b->g->cpus[i]);
    kvm_vm_start(m->kvm, b->vm);
    return b;
}

boot *boot_new(model *m, const boot_cfg *cfg, int64_t first_core)
{
    vm_cfg vc = {.name = "boot", .vcpus = cfg->vcpus, .threads_per_vcore = cfg->threads_per_vcore,
                 .first_core = first_core};
    return boot_attach(m, kvm_vm_new(m->kvm, &vc), &cfg->mix, 0, NULL);
}

void boot_free(boot *b)
{
    if (!b)
        return;
    guest_free(b->g);
    free(b);
}

void boot_timings_of(const kvm_vm *vm, boot_timings *out)
{
    for (int k = 0; k < KVM_TM_COUNT; k++) {
        uint64_t n = 0, tot = 0;
        for (uint32_t i = 0; i < vm->n_vcpus; i++) {
            n += vm->vcpus[i].tm[k].count;
            tot += vm->vcpus[i].tm[k].total;
        }
        out->count[k] = n;
        out->mean[k] = n ? (double)tot / (double)n : 0;
    }
}
