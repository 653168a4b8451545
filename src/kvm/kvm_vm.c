/*
 * kvm/kvm_vm.c — building the KVM layer (VMs, vcores, VCPUs, XICS, the M1
 * per-core array), name tables, and the invariant checks. See kvm.h.
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"
#include "host/host.h"
#include "kvm/vcore_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_FN(fn, LIST, M)                                                 \
    const char *fn(int x)                                                    \
    {                                                                        \
        static const char *const names[] = {LIST(M)};                        \
        return x >= 0 && (size_t)x < HV_ARRAY_LEN(names) ? names[x] : "?";  \
    }
#define KVM_N2(e, n) n,
NAME_FN(kvm_vcore_state_name, KVM_VCORE_STATES, KVM_N2)
NAME_FN(kvm_tm_name, KVM_TIMINGS, KVM_N2)
NAME_FN(kvm_exit_cause_name, KVM_EXIT_CAUSES, KVM_N2)
NAME_FN(kvm_hipi_outcome_name, KVM_HIPI_OUTCOMES, KVM_N2)
NAME_FN(kvm_act_name, KVM_ACTS, KVM_N2)
#undef KVM_N2

const char *kvm_hcall_name(unsigned h)
{
    switch (h) {
    case KVM_H_ENTER: return "H_ENTER";
    case KVM_H_CEDE: return "H_CEDE";
    case KVM_H_CONFER: return "H_CONFER";
    case KVM_H_PROD: return "H_PROD";
    case KVM_H_NULL: return "H_NULL";
    case KVM_H_GENERIC: return "H_GENERIC";
    case KVM_H_USER: return "H_USER";
    }
    return xics_hcall_name(h);
}

kvm_cfg kvm_cfg_default(void)
{
    return (kvm_cfg){
        .h_ipi_redirect = true,
        .redirect_policy = KVM_HC_POLICY_UPSTREAM,
        .redirect_send = KVM_REDIRECT_SEND_4_11,
        .guest_ipi = KVM_GUEST_IPI_TARGETED,
        .halt_poll_ns = 10000,
        .halt_poll_ns_grow = 2,
        .halt_poll_ns_shrink = 0,
        .halt_poll_ns_grow_start = 10000,
        .real_mode = true,
        .real_mode_dbg = false,
        .lost_wakeup_ns = DES_MS(10),
    };
}

/* ---- M1: the DES committer over rm_core ---------------------------------- */

static uint64_t hc_load(void *ctx, int core) { return ((kvm_sys *)ctx)->rm_core[core].rm_state; }
static bool hc_cas(void *ctx, int core, uint64_t old, uint64_t nw)
{
    kvm_rm_core *c = &((kvm_sys *)ctx)->rm_core[core];
    if (c->rm_state != old)
        return false;
    c->rm_state = nw;
    return true;
}

const kvm_hc_ops *kvm_hc_des_ops(kvm_sys *s)
{
    static kvm_hc_ops ops;
    ops = (kvm_hc_ops){hc_load, hc_cas, s};
    return &ops;
}

/* kvmppc_cpu_notify: only thread 0 of a core matters. */
static void hotplug(void *ctx, int cpu, host_hotplug_event ev)
{
    kvm_sys *s = ctx;
    if (!s->rm_core || hw_cpu_thread_in_core(s->hw, cpu) != 0)
        return;
    kvm_rm_core *c = &s->rm_core[hw_cpu_core(s->hw, cpu)];
    c->rm_state = kvm_hc_with_in_host(c->rm_state, ev == HOST_HOTPLUG_ONLINE);
}

/* kvmppc_xics_ipi_action -> rm_host_ipi_action, on thread 0 of the reserved
 * core, in hard-IRQ context. Returns its handler time. */
static des_time rm_host_action(void *ctx, int cpu)
{
    kvm_sys *s = ctx;
    des_time t = kvm_cost(s, cpu, HW_COST_kvm_rm_host_action);
    if (!s->rm_core)
        return t;
    kvm_rm_core *c = &s->rm_core[hw_cpu_core(s->hw, cpu)];
    if (!c->rm_data) {
        s->redirect_spurious++;
        return t;
    }
    HV_CHECK(kvm_hc_action(c->rm_state) == KVM_HC_ACTION_KICK_VCPU);
    kvm_vcpu *v = c->rm_data;
    if (kvm_hc_in_host(c->rm_state) == 0)
        s->redirect_delayed++; /* race R5: the core was in a guest meanwhile */
    kvm_fast_vcpu_kick(s, v, cpu);
    t += kvm_cost(s, cpu, HW_COST_kvm_kick);
    c->rm_data = NULL;                       /* then smp_wmb() ... */
    c->rm_state = kvm_hc_released(c->rm_state); /* ... then rm_action = 0 */
    s->redirect_handled++;
    return t;
}

kvm_sys *kvm_sys_new(des_sim *sim, hw_machine *hw, struct host *h, const kvm_cfg *cfg,
                     des_trace *trace, uint64_t seed, uint64_t run)
{
    kvm_sys *s = hv_xcalloc(1, sizeof *s);
    s->sim = sim;
    s->hw = hw;
    s->host = h;
    s->cfg = *cfg;
    s->trace = trace;
    s->seed = seed;
    s->run = run;
    /* kvmppc_alloc_host_rm_ops: in_host = 1 for every online thread-0 CPU. */
    s->rm_core = hv_xcalloc(hw->ncores, sizeof *s->rm_core);
    for (uint32_t c = 0; c < hw->ncores; c++)
        s->rm_core[c].rm_state =
            kvm_hc_make(host_cpu_online(h, hw_core_first_cpu(hw, (int)c)) ? 1 : 0, 0);
    host_register_hotplug(h, hotplug, s);
    host_set_rm_host_action(h, rm_host_action, s);
    /* Offline secondaries belong to KVM (kvm_no_guest): install its sink on
     * every thread that is not a Linux CPU. */
    for (uint32_t cpu = 0; cpu < hw->ncpus; cpu++)
        if (!host_cpu_online(h, (int)cpu) && hw_cpu_thread_in_core(hw, (int)cpu) != 0)
            hw_set_sink(hw_thread_of(hw, (int)cpu), kvm_thread_intr, s);
    return s;
}

void kvm_sys_free(kvm_sys *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->n_vms; i++) {
        kvm_vm *vm = s->vms[i];
        for (uint32_t k = 0; k < vm->n_vcpus; k++)
            des_hist_free(&vm->vcpus[k].wake_ns);
        xics_fx_fini(&vm->fx);
        xics_destroy(vm->xics);
        free(vm->vcpus);
        free(vm->vcores);
        free(vm);
    }
    free(s->vms);
    free(s->rm_core);
    free(s);
}

const char *kvm_vm_cfg_check(const vm_cfg *c)
{
    if (c->vcpus < 1 || c->vcpus > 1024)
        return "vcpus must be between 1 and 1024";
    if (c->threads_per_vcore != 1 && c->threads_per_vcore != 2 && c->threads_per_vcore != 4 &&
        c->threads_per_vcore != 8)
        return "threads_per_vcore must be 1, 2, 4 or 8";
    return NULL;
}

kvm_vm *kvm_vm_new(kvm_sys *s, const vm_cfg *cfg)
{
    const char *bad = kvm_vm_cfg_check(cfg);
    if (bad)
        HV_DIE("vm '%s': %s", cfg->name, bad);
    kvm_vm *vm = hv_xcalloc(1, sizeof *vm);
    vm->sys = s;
    vm->index = s->n_vms;
    vm->cfg = *cfg;
    vm->n_vcpus = (uint32_t)cfg->vcpus;
    uint32_t tpv = (uint32_t)cfg->threads_per_vcore;
    vm->n_vcores = (vm->n_vcpus + tpv - 1) / tpv;
    vm->vcpus = hv_xcalloc(vm->n_vcpus, sizeof *vm->vcpus);
    vm->vcores = hv_xcalloc(vm->n_vcores, sizeof *vm->vcores);
    struct xics_cfg xc = {
        .nr_servers = vm->n_vcpus,
        .real_mode = s->cfg.real_mode,
        .real_mode_dbg = s->cfg.real_mode_dbg,
        .ack_notifiers = false,
        .rm_defer = false,
        .commit = XICS_COMMIT_PLAIN,
    };
    vm->xics = xics_create(&xc);
    for (uint32_t i = 0; i < vm->n_vcores; i++) {
        kvm_vcore *vc = &vm->vcores[i];
        vc->vm = vm;
        vc->index = i;
        vc->pcpu = -1;
        vc->state = KVM_VCORE_INACTIVE;
        vc->runner_cpu_pin = cfg->first_core >= 0
                                 ? hw_core_first_cpu(s->hw, (int)(cfg->first_core + (int64_t)i))
                                 : -1;
    }
    for (uint32_t k = 0; k < vm->n_vcpus; k++) {
        kvm_vcpu *v = &vm->vcpus[k];
        kvm_vcore *vc = &vm->vcores[k / tpv];
        v->vm = vm;
        v->vc = vc;
        v->id = k;
        v->ptid = k % tpv;
        v->server = k;
        v->thread_cpu = -1;
        v->cpu = -1;
        v->act = KVM_ACT_OUT;
        v->tm_cur = KVM_TM_NONE;
        des_hist_init(&v->wake_ns);
        v->rng = des_rng_stream(s->seed, s->run,
                                des_rng_id(KVM_RNG_KIND_VCPU, vm->index * 4096u + k));
        vc->vcpus[v->ptid] = v;
        vc->n_vcpus++;
        if (xics_create_icp(vm->xics, v->server) != HV_OK)
            HV_DIE("vm '%s': cannot create ICP %u", cfg->name, v->server);
    }
    s->vms = hv_xrealloc(s->vms, (s->n_vms + 1) * sizeof *s->vms);
    s->vms[s->n_vms++] = vm;
    return vm;
}

void kvm_reset_stats(kvm_sys *s)
{
    for (uint32_t i = 0; i < s->n_vms; i++) {
        kvm_vm *vm = s->vms[i];
        memset(vm->hipi, 0, sizeof vm->hipi);
        for (uint32_t k = 0; k < vm->n_vcpus; k++) {
            kvm_vcpu *v = &vm->vcpus[k];
            memset(&v->st, 0, sizeof v->st);
            memset(v->tm, 0, sizeof v->tm);
            des_hist_reset(&v->wake_ns);
        }
        for (uint32_t c = 0; c < vm->n_vcores; c++) {
            memset(vm->vcores[c].exits_by_cause, 0, sizeof vm->vcores[c].exits_by_cause);
            vm->vcores[c].entries = vm->vcores[c].late_joins = vm->vcores[c].too_late = 0;
        }
    }
    memset(s->exits_by_cause, 0, sizeof s->exits_by_cause);
    s->redirect_handled = s->redirect_spurious = s->redirect_delayed = s->hdec_exits = 0;
}

/* ---- checks --------------------------------------------------------------- */

static char check_msg[256];

#define FAIL(...)                                                            \
    do {                                                                     \
        snprintf(check_msg, sizeof check_msg, __VA_ARGS__);                  \
        return check_msg;                                                    \
    } while (0)

const char *kvm_check(const kvm_sys *s)
{
    for (uint32_t i = 0; i < s->n_vms; i++) {
        const kvm_vm *vm = s->vms[i];
        const char *xm = xics_check(vm->xics);
        if (xm)
            FAIL("vm %s: xics: %s", vm->cfg.name, xm);
        for (uint32_t c = 0; c < vm->n_vcores; c++) {
            const kvm_vcore *vc = &vm->vcores[c];
            const char *em = kvm_eem_check(vc->entry_exit_map);
            if (em)
                FAIL("vm %s vcore %u: %s", vm->cfg.name, c, em);
            bool woken = false;
            for (unsigned p = 0; p < 8; p++) {
                const kvm_vcpu *v = vc->vcpus[p];
                if (!v)
                    continue;
                if (v->pending || v->prodded || !v->ceded)
                    woken = true;
                /* I-entry-exit-sync: nobody runs guest code after its exit bit. */
                if (v->act == KVM_ACT_GUEST &&
                    (kvm_eem_exited(vc->entry_exit_map) & (1u << v->ptid)))
                    FAIL("vm %s vcpu %u in the guest after its exit bit", vm->cfg.name, v->id);
                /* I-one-completion */
                if (v->hcalls_issued != v->hcall_done_count + (v->hcall_active ? 1u : 0u))
                    FAIL("vm %s vcpu %u: %llu hcalls issued but %llu completed (+%d in flight)",
                         vm->cfg.name, v->id, (unsigned long long)v->hcalls_issued,
                         (unsigned long long)v->hcall_done_count, v->hcall_active);
                /* I-raise-before-signal: a wakeup being timed has its cause pending. */
                if (v->wake_t0 && !v->pending && !v->prodded && v->act == KVM_ACT_OUT &&
                    !v->hcall_active)
                    FAIL("vm %s vcpu %u: wakeup under way with nothing pending", vm->cfg.name, v->id);
                if (v->thread_cpu >= 0) {
                    const hw_thread *t = hw_thread_of(s->hw, v->thread_cpu);
                    /* I-core-partition */
                    if (t->kvm_vcpu && t->kvm_vcpu != v)
                        FAIL("cpu %d runs vcpu %u of vm %s but holds another vcpu", v->thread_cpu,
                             v->id, vm->cfg.name);
                    if (v->act != KVM_ACT_OUT && t->mode != HW_MODE_KVM_RM &&
                        t->mode != HW_MODE_GUEST && t->mode != HW_MODE_GUEST_NAP &&
                        t->mode != HW_MODE_OFFLINE_NAP)
                        FAIL("cpu %d (vm %s vcpu %u, %s) is in host mode %s", v->thread_cpu,
                             vm->cfg.name, v->id, kvm_act_name(v->act), hw_mode_name(t->mode));
                    /* I-host-ipi-classification: a host IPI that arrived is never
                     * left with the thread in the guest. */
                    if (v->act == KVM_ACT_GUEST && t->host_ipi && hw_icp_presented(t))
                        FAIL("cpu %d: host IPI presented while vcpu %u stays in the guest",
                             v->thread_cpu, v->id);
                }
            }
            /* No lost wakeup: a wakeup may be in flight (an M1 redirect, a
             * virtual-mode kick), but never for longer than the bound. */
            if (vc->state == KVM_VCORE_SLEEPING && vc->wq_sleeper && woken)
                for (unsigned p = 0; p < 8; p++) {
                    const kvm_vcpu *v = vc->vcpus[p];
                    if (v && v->wake_t0 && des_now(s->sim) - v->wake_t0 > s->cfg.lost_wakeup_ns)
                        FAIL("vm %s vcore %u sleeps while vcpu %u has waited %llu ns for a wakeup",
                             vm->cfg.name, c, v->id,
                             (unsigned long long)(des_now(s->sim) - v->wake_t0));
                }
            (void)woken;
        }
    }
    if (s->rm_core)
        for (uint32_t c = 0; c < s->hw->ncores; c++) {
            const kvm_rm_core *r = &s->rm_core[c];
            if (r->rm_data && kvm_hc_action(r->rm_state) == 0)
                FAIL("core %u: rm_data set with rm_action 0 (I-reservation-exclusive)", c);
        }
    return NULL;
}
