/*
 * kvm/kvm_vm.c — building the KVM layer and its VMs (vcores, VCPUs, the
 * in-kernel XICS with one ICP per VCPU), starting the VCPU tasks, the
 * reporting counters' reset, and the name tables. See kvm.h.
 *
 * Mirrors: kvmppc_core_init_vm_hv, kvmppc_core_vcpu_create_hv,
 * kvmppc_xics_create / kvmppc_xics_create_icp (book3s_xics.c).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"

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
NAME_FN(kvm_vcpu_state_name, KVM_VCPU_STATES, KVM_N2)
NAME_FN(kvm_vm_life_name, KVM_VM_LIVES, KVM_N2)
#undef KVM_N2

kvm_cfg kvm_cfg_default(void)
{
    return (kvm_cfg){
        .h_ipi_redirect = true,
        .redirect_policy = KVM_HC_POLICY_UPSTREAM,
        .redirect_send = KVM_REDIRECT_SEND_4_11,
        .guest_ipi = KVM_GUEST_IPI_TARGETED,
        .h_prod = KVM_H_PROD_FIXED,
        .halt_poll_ns = 10000,
        .halt_poll_ns_grow = 2,
        .halt_poll_ns_shrink = 0,
        .halt_poll_ns_grow_start = 10000,
        .real_mode = true,
        .real_mode_dbg = false,
        .wake_policy = KVM_WAKE_FAITHFUL,
        .no_drain_dbg = false,
        .lost_wakeup_ns = DES_MS(10),
    };
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
    s->next_pid = KVM_FIRST_PID;
    des_hist_init(&s->scan_probes);
    des_hist_init(&s->kick_delay_ns);
    des_hist_init(&s->r5_delay_ns);
    kvm__m1_init(s);
    kvm__m3_init(s);
    /* Offline secondaries belong to KVM (kvm_no_guest): install its sink on
     * every thread that is not a Linux CPU. */
    for (uint32_t cpu = 0; cpu < hw->ncpus; cpu++)
        if (!host_cpu_online(h, (int)cpu) && hw_cpu_thread_in_core(hw, (int)cpu) != 0)
            hw_set_sink(hw_thread_of(hw, (int)cpu), kvm__intr_sink, s);
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
        free(vm->ioeventfds);
        free(vm->quit_hooks);
        xics_destroy(vm->xics);
        free(vm->vcpus);
        free(vm->vcores);
        free(vm->need_tlb_flush);
        free(vm);
    }
    free(s->vms);
    free(s->rm_core);
    des_hist_free(&s->scan_probes);
    des_hist_free(&s->kick_delay_ns);
    des_hist_free(&s->r5_delay_ns);
    kvm__m3_free(s);
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
    vm->pid = s->next_pid; /* QEMU's main thread; call_rcu is pid + 1 */
    s->next_pid += 2 + (uint32_t)cfg->vcpus;
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
    /* kvmppc_core_init_vm_hv: cpumask_setall(&kvm->arch.need_tlb_flush) ("this
     * lpid might have previously been used"): the first entry on each core
     * flushes the TLB. */
    vm->need_tlb_flush = hv_xcalloc(s->hw->ncores, 1);
    memset(vm->need_tlb_flush, 1, s->hw->ncores);
    for (uint32_t i = 0; i < vm->n_vcores; i++) {
        kvm_vcore *vc = &vm->vcores[i];
        vc->vm = vm;
        vc->index = i;
        vc->pcpu = -1;
        vc->last_pcpu = -1;
        vc->state = KVM_VCORE_INACTIVE;
        vc->cpu_pin = cfg->first_core >= 0
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
        v->pid = vm->pid + 2 + k;
        v->thread_cpu = -1;
        v->cpu = -1;
        v->hwt = -1;
        v->act = KVM_ACT_OUT;
        v->vstate = KVM_VCPU_NOTREADY;
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

void kvm_vm_start(kvm_sys *s, kvm_vm *vm)
{
    host_cpumask prim = {0};
    for (uint32_t cpu = 0; cpu < s->hw->ncpus; cpu++)
        if (hw_cpu_thread_in_core(s->hw, (int)cpu) == 0)
            host_cpumask_set(&prim, (int)cpu);
    for (uint32_t k = 0; k < vm->n_vcpus; k++) {
        kvm_vcpu *v = &vm->vcpus[k];
        if (!v->gops)
            HV_DIE("vm %s vcpu %u has no guest program", vm->cfg.name, k);
        char name[32];
        snprintf(name, sizeof name, "%.16s/vcpu%u", vm->cfg.name, k);
        /* The affinity is QEMU's (every CPU), or first_core's pin of every
         * VCPU task of a vcore to its core's thread 0; the system mask (the
         * M3 RFC's sys_cpumask) keeps every VCPU task on thread 0 of a core
         * (on_primary_thread). */
        host_cpumask aff;
        host_cpumask_fill(&aff, (int)s->hw->ncpus);
        if (v->vc->cpu_pin >= 0) {
            aff = (host_cpumask){0};
            host_cpumask_set(&aff, v->vc->cpu_pin);
        }
        v->task = host_task_new(s->host, name, &aff, &kvm__runner_task_ops, v);
        host_task_set_sys_cpumask(v->task, &prim);
        host_task_start(s->host, v->task);
    }
    kvm__destroy_arm(vm);
}

void kvm_reset_stats(kvm_sys *s)
{
    for (uint32_t i = 0; i < s->n_vms; i++) {
        kvm_vm *vm = s->vms[i];
        memset(&vm->st, 0, sizeof vm->st);
        for (uint32_t k = 0; k < vm->n_vcpus; k++) {
            kvm_vcpu *v = &vm->vcpus[k];
            memset(&v->st, 0, sizeof v->st);
            memset(v->tm, 0, sizeof v->tm);
            des_hist_reset(&v->wake_ns);
        }
        for (uint32_t c = 0; c < vm->n_vcores; c++)
            memset(&vm->vcores[c].st, 0, sizeof vm->vcores[c].st);
    }
    memset(&s->st, 0, sizeof s->st);
    des_hist_reset(&s->scan_probes);
    des_hist_reset(&s->kick_delay_ns);
    des_hist_reset(&s->r5_delay_ns);
    for (uint32_t c = 0; s->rm_core && c < s->hw->ncores; c++)
        s->rm_core[c].handled = 0;
    kvm__m3_reset(s);
}
