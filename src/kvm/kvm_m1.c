/*
 * kvm/kvm_m1.c — M1, the H_IPI redirect (Linux 4.6, Suresh Warrier): the
 * per-core host-state array over hostcore.h, the real-mode reservation and
 * RM_HOST_ACTION send, the host core's handler, the hotplug notifier, the
 * set/clear of in_host around guest entry and exit, and what M1's reports
 * measure (scan length, kick delay, race R5). See kvm.h, docs/kvm.md ("M1")
 * and docs/m1-redirect.md.
 *
 * Mirrors: kvmppc_alloc_host_rm_ops, kvmppc_cpu_notify (book3s_hv.c),
 * icp_rm_set_vcpu_irq's redirect branch, find_available_hostcore and
 * icp_send_hcore_msg (book3s_hv_rm_xics.c), rm_host_ipi_action /
 * kvmppc_xics_ipi_action, kvmppc_set_host_core / kvmppc_clear_host_core
 * (book3s_hv_builtin.c).
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"

_Static_assert(HW_MAX_CPUS <= KVM_HC_MAX_CORES, "a machine's cores fit one scan");

/* ---- the DES committer over rm_core --------------------------------------- */

static uint64_t hc_load(void *ctx, int core) { return ((kvm_sys *)ctx)->rm_core[core].rm_state; }
static bool hc_cas(void *ctx, int core, uint64_t old, uint64_t nw)
{
    kvm_rm_core *c = &((kvm_sys *)ctx)->rm_core[core];
    if (c->rm_state != old)
        return false;
    c->rm_state = nw;
    return true;
}
/* paca[thread 0].kvm_hstate.hwthread_state == KVM_HWTHREAD_IN_NAP, which the
 * host idle loop stores before it naps (power7_enter_nap_mode): the model's
 * host_nap mode. */
static bool hc_host_idle(void *ctx, int core)
{
    kvm_sys *s = ctx;
    return kvm__thr(s, hw_core_first_cpu(s->hw, core))->mode == HW_MODE_HOST_NAP;
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
 * core, in hard-IRQ context. Returns its handler time. A CPU going offline
 * runs it from the flush of its pending IPIs (host_cpu_down: interrupts
 * come back on after take_cpu_down, before the CPU parks); kvm.no_drain_dbg
 * drops it there instead, the R6 bug the checks must catch. */
static des_time rm_host_action(void *ctx, int cpu)
{
    kvm_sys *s = ctx;
    des_time t = kvm__cost(s, cpu, HW_COST_kvm_rm_host_action);
    if (!s->rm_core)
        return t;
    kvm_rm_core *c = &s->rm_core[hw_cpu_core(s->hw, cpu)];
    if (!c->rm_data) {
        s->st.redirect_spurious++;
        return t;
    }
    if (!host_cpu_online(s->host, cpu)) {
        if (s->cfg.no_drain_dbg)
            return t; /* debug: dropped as the CPU dies */
        s->st.offline_drained++;
    }
    HV_CHECK(kvm_hc_action(c->rm_state) == KVM_HC_ACTION_KICK_VCPU);
    kvm_vcpu *v = c->rm_data;
    if (v->vm->life == KVM_VM_FREED)
        HV_DIE("core %d: RM_HOST_ACTION kicks vcpu %u of vm %s, freed at %llu ns (I-no-UAF)",
               hw_cpu_core(s->hw, cpu), v->id, v->vm->cfg.name, (unsigned long long)v->vm->freed_at);
    if (kvm_hc_in_host(c->rm_state) == 0)
        s->st.redirect_delayed++; /* the core was in a guest meanwhile (R5's window) */
    kvm__irq_kick(s, v, cpu);
    t += kvm__cost(s, cpu, HW_COST_kvm_kick);
    des_time waited = des_now(s->sim) - c->sent_at;
    des_hist_add(&s->kick_delay_ns, waited);
    if (c->r5)
        des_hist_add(&s->r5_delay_ns, waited);
    c->r5 = false;
    c->handled++;
    c->rm_data = NULL;                       /* then smp_wmb() ... */
    c->rm_state = kvm_hc_released(c->rm_state); /* ... then rm_action = 0 */
    c->n_released++;
    s->st.redirect_handled++;
    return t;
}

void kvm__m1_init(kvm_sys *s)
{
    hw_machine *hw = s->hw;
    /* kvmppc_alloc_host_rm_ops: in_host = 1 for every online thread-0 CPU. */
    s->rm_core = hv_xcalloc(hw->ncores, sizeof *s->rm_core);
    s->hc_ops = (kvm_hc_ops){hc_load, hc_cas, hc_host_idle, s};
    for (uint32_t c = 0; c < hw->ncores; c++)
        s->rm_core[c].rm_state =
            kvm_hc_make(host_cpu_online(s->host, hw_core_first_cpu(hw, (int)c)) ? 1 : 0, 0);
    host_register_hotplug(s->host, hotplug, s);
    host_set_rm_host_action(s->host, rm_host_action, s);
}

void kvm__m1_set_host_core(kvm_sys *s, int pcpu, uint32_t in_host)
{
    if (!s->rm_core)
        return;
    kvm_rm_core *c = &s->rm_core[hw_cpu_core(s->hw, pcpu)];
    c->rm_state = kvm_hc_with_in_host(c->rm_state, in_host);
}

void kvm__m1_guest_ipi(kvm_sys *s, int cpu)
{
    if (!s->rm_core || hw_cpu_thread_in_core(s->hw, cpu) != 0)
        return;
    kvm_rm_core *c = &s->rm_core[hw_cpu_core(s->hw, cpu)];
    if (c->rm_data && !c->r5 && hw_msg_test(kvm__thr(s, cpu)->ipi_msgs, PPC_MSG_RM_HOST_ACTION)) {
        c->r5 = true; /* the kick now waits for this CPU's next host IPI */
        s->st.r5_swallowed++;
    }
}

/* Post PPC_MSG_RM_HOST_ACTION to thread 0 of hcore. */
static void redirect_send(kvm_sys *s, int from_cpu, int hcore)
{
    int hcpu = hw_core_first_cpu(s->hw, hcore);
    if (s->cfg.redirect_send == KVM_REDIRECT_SEND_4_11) {
        /* kvmppc_set_host_ipi + kvmhv_rm_send_ipi: a host IPI. */
        host_send_ipi(s->host, from_cpu, hcpu, PPC_MSG_RM_HOST_ACTION);
    } else {
        /* 4.6 icp_native_cause_ipi_rm: MFRR write, host_ipi not set (R5). */
        host_post_message(s->host, hcpu, PPC_MSG_RM_HOST_ACTION);
        hw_send_xics_ipi(s->hw, from_cpu, hcpu, HW_IPI_PRIORITY);
    }
}

/* The core of a CPU, or -1. */
static int core_of(const kvm_sys *s, int cpu) { return cpu >= 0 ? hw_cpu_core(s->hw, cpu) : -1; }

bool kvm__m1_redirect(kvm_vcpu *caller, kvm_vcpu *tv, des_time *cost)
{
    kvm_sys *s = caller->vm->sys;
    if (!s->cfg.h_ipi_redirect || !s->rm_core || s->cfg.guest_ipi != KVM_GUEST_IPI_TARGETED)
        return false;
    int my_core = hw_cpu_core(s->hw, caller->hwt);
    const kvm_vcore *tvc = tv->vc;
    const kvm_vcpu *runner = tvc->runner ? tvc->runner : tv; /* whose task the kick wakes */
    kvm_hc_req req = {
        .policy = (kvm_hc_policy)s->cfg.redirect_policy,
        .action = KVM_HC_ACTION_KICK_VCPU,
        .n_cores = (int)s->hw->ncores,
        .cores_per_chip = (int)s->hw->cfg.cores_per_chip,
        .my_core = my_core,
        .target_core = core_of(s, tvc->last_pcpu),
        .warm_core = core_of(s, runner->task ? runner->task->cpu : -1),
        .rotor = s->rm_core[my_core].rotor++,
    };
    kvm_hc_found f = kvm_hc_find(&s->hc_ops, &req);
    des_hist_add(&s->scan_probes, (uint64_t)f.probes);
    s->st.cas_failures += (uint64_t)f.cas_failures;
    s->st.scan_hints += (uint64_t)f.hints;
    *cost += (des_time)f.probes * kvm__cost(s, caller->hwt, HW_COST_kvm_hostcore_probe);
    if (f.hints)
        *cost += (des_time)f.hints * kvm__cost(s, caller->hwt, HW_COST_kvm_hostcore_hint);
    if (f.core < 0) {
        s->st.no_free_core++;
        return false;
    }
    kvm_rm_core *c = &s->rm_core[f.core];
    c->n_reserved++;
    c->rm_data = tv; /* after the reserving CAS + smp_wmb */
    c->sent_at = des_now(s->sim);
    c->r5 = false;
    redirect_send(s, caller->hwt, f.core);
    *cost += kvm__cost(s, caller->hwt, HW_COST_kvm_redirect_send) +
             kvm__cost(s, caller->hwt, HW_COST_xics_ci_store); /* the MFRR store (never a doorbell: another core) */
    return true;
}
