/* The hcall microbenchmark; see hcall.h. */
#include "workload/hcall.h"

#include "base/hv.h"
#include "guest/guest.h"
#include "workload/model.h"

#include <string.h>

const char *hcall_kind_name(int k)
{
    static const char *const n[] = {
#define HCALL_N(e, s) s,
        HCALL_KINDS(HCALL_N)
#undef HCALL_N
    };
    return k >= 0 && k < HCALL_NKINDS ? n[k] : "?";
}

hcall_cfg hcall_cfg_default(void)
{
    return (hcall_cfg){.kind = HCALL_NULL,
                       .gap = DES_US(20),
                       .cede_timeout = DES_US(50),
                       .warmup = DES_MS(1)};
}

/* The shape a kind runs with: VCPUs, threads per vcore, the target. */
static void shape(const hcall_cfg *cfg, uint64_t *vcpus, uint64_t *tpv, uint32_t *target)
{
    bool given = cfg->vcpus || cfg->threads_per_vcore;
    *vcpus = cfg->vcpus ? cfg->vcpus : 2;
    *tpv = cfg->threads_per_vcore ? cfg->threads_per_vcore : 2;
    *target = 1;
    if (cfg->kind == HCALL_IPI_SLEEPING) {
        if (!given)
            *tpv = 1;
        *target = (uint32_t)*tpv;
    } else if (cfg->kind == HCALL_CEDE_TIMER) {
        *vcpus = *tpv = 1;
        *target = 0;
    }
}

const char *hcall_cfg_check(const hcall_cfg *cfg)
{
    uint64_t vcpus, tpv;
    uint32_t target;
    shape(cfg, &vcpus, &tpv, &target);
    if (tpv != 1 && tpv != 2 && tpv != 4 && tpv != 8)
        return "threads per vcore must be 1, 2, 4 or 8";
    if (vcpus < 1 || vcpus > 1024)
        return "VCPUs must be between 1 and 1024";
    if (cfg->kind == HCALL_IPI_SLEEPING && vcpus <= tpv)
        return "ipi_sleeping needs a second vcore: more VCPUs than threads per vcore";
    if (cfg->kind != HCALL_IPI_SLEEPING && cfg->kind != HCALL_CEDE_TIMER && cfg->kind != HCALL_NULL &&
        (tpv < 2 || vcpus < 2))
        return "this kind targets a VCPU of the caller's vcore: at least 2 threads per vcore and 2 VCPUs";
    return NULL;
}

typedef struct bench {
    hcall_cfg cfg;
    model *m;
    kvm_vm *vm;
    guest *g;
    hcall_result *out;
    bool computing, calling;
    des_time t_issue, t_expire;
    kvm_vcore_stats vc0; /* the caller's vcore when recording started */
    kvm_vm_stats vm0;    /* the VM when recording started */
    bool recording;
    uint32_t target;     /* the target VCPU's id (server) */
} bench;

static kvm_gact caller_next(void *ctx, kvm_vcpu *v)
{
    bench *b = ctx;
    if (b->computing)
        return (kvm_gact){.kind = KVM_GACT_RESUME};
    if (!b->calling) {
        b->computing = true;
        return (kvm_gact){.kind = KVM_GACT_COMPUTE, .ns = b->cfg.gap};
    }
    des_time now = des_now(b->m->sim);
    if (!b->recording && now >= b->cfg.warmup) {
        b->recording = true;
        b->vc0 = v->vc->st;
        b->vm0 = v->vm->st;
    }
    b->t_issue = now;
    kvm_gact a = {.kind = KVM_GACT_HCALL};
    switch ((hcall_kind)b->cfg.kind) {
    case HCALL_NULL:
        a.hcall = KVM_H_NULL;
        break;
    case HCALL_IPI_RUNNING:
    case HCALL_IPI_CEDED:
    case HCALL_IPI_SLEEPING:
        a.hcall = XICS_H_IPI;
        a.args[0] = b->target;
        a.args[1] = XICS_IPI_PRIORITY;
        break;
    case HCALL_PROD_CEDED:
        a.hcall = KVM_H_PROD;
        a.args[0] = b->target;
        break;
    case HCALL_CEDE_TIMER:
        a.hcall = KVM_H_CEDE;
        b->t_expire = now + b->cfg.cede_timeout;
        kvm_vcpu_set_timer(v, b->t_expire);
        break;
    case HCALL_NKINDS:
        HV_DIE("bad hcall kind");
    }
    return a;
}

static void caller_compute_done(void *ctx, kvm_vcpu *v)
{
    (void)v;
    bench *b = ctx;
    b->computing = false;
    b->calling = true;
}

static void caller_ret(void *ctx, kvm_vcpu *v, unsigned h, long rc, uint64_t r4, uint64_t r5)
{
    (void)v;
    (void)r4;
    (void)r5;
    bench *b = ctx;
    if (rc != 0)
        HV_DIE("hcall benchmark: %s returned %ld", kvm_hcall_name(h), rc);
    b->calling = false;
    if (!b->recording)
        return;
    des_time now = des_now(b->m->sim);
    des_time t0 = b->cfg.kind == HCALL_CEDE_TIMER ? b->t_expire : b->t_issue;
    des_hist_add(&b->out->rtt, now >= t0 ? now - t0 : 0);
    b->out->calls++;
}

static void caller_intr(void *ctx, kvm_vcpu *v, int vector)
{
    (void)ctx;
    (void)v;
    (void)vector; /* the caller takes no external interrupts; a DEC is its timer */
}

static const kvm_guest_ops caller_ops = {caller_next, caller_compute_done, caller_ret, caller_intr, NULL};

/* ipi_running: the target keeps a long work item queued. */
static void busy_again(guest *g, guest_cpu *c, void *arg, uint64_t a)
{
    (void)arg;
    guest_queue(g, c, (guest_work){.ns = (des_time)a, .done = busy_again, .a = a});
}

const char *hcall_bench_run(const hw_cfg *hwc, const host_cfg *hc, const kvm_cfg *kc,
                            const hw_costs *costs, const hcall_cfg *cfg, uint64_t seed,
                            uint64_t run, des_time duration, hcall_result *out)
{
    memset(out, 0, sizeof *out);
    des_hist_init(&out->rtt);
    des_hist_init(&out->wake);
    bench b = {.cfg = *cfg, .out = out};
    b.m = model_new(hwc, hc, kc, costs, seed, run, NULL);
    const char *bad = hcall_cfg_check(cfg);
    if (bad)
        HV_DIE("hcall benchmark %s: %s", hcall_kind_name(cfg->kind), bad);
    vm_cfg vc = {.name = "bench", .first_core = -1};
    shape(cfg, &vc.vcpus, &vc.threads_per_vcore, &b.target);
    b.vm = kvm_vm_new(b.m->kvm, &vc);
    b.g = guest_new(b.vm, NULL);
    kvm_vcpu_set_guest(&b.vm->vcpus[0], &caller_ops, &b);
    if (cfg->kind == HCALL_IPI_RUNNING)
        guest_queue(b.g, &b.g->cpus[b.target], (guest_work){.ns = DES_MS(1), .done = busy_again, .a = DES_MS(1)});
    kvm_vm_start(b.m->kvm, b.vm);
    const char *e = model_run(b.m, duration);
    if (b.recording) {
        const kvm_vcore_stats *now = &b.vm->vcpus[0].vc->st;
        for (int c = 0; c < KVM_EXIT_NCAUSES; c++) {
            out->exits_by_cause[c] = now->exits_by_cause[c] - b.vc0.exits_by_cause[c];
            out->exits += out->exits_by_cause[c];
        }
        for (int o = 0; o < KVM_HIPI_NOUTCOMES; o++)
            out->hipi[o] = b.vm->st.hipi[o] - b.vm0.hipi[o];
    }
    if (b.target > 0)
        des_hist_merge(&out->wake, &b.vm->vcpus[b.target].wake_ns);
    guest_free(b.g);
    model_free(b.m);
    return e;
}

void hcall_result_free(hcall_result *r)
{
    des_hist_free(&r->rtt);
    des_hist_free(&r->wake);
}
