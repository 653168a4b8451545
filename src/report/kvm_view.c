/* Views of the KVM layer; see kvm_view.h. */
#include "report/kvm_view.h"

#include "base/hv.h"
#include "host/host.h"
#include "kvm/kvm.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sums of each scope's counters over the model (kvm/kvm_stats.h KVM_*_COUNTERS). */
#define KVM_ADD(area, n) t->n += c->n;
static void sum_vcpus(const kvm_sys *s, kvm_vcpu_stats *t)
{
    memset(t, 0, sizeof *t);
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t k = 0; k < s->vms[i]->n_vcpus; k++) {
            const kvm_vcpu_stats *c = &s->vms[i]->vcpus[k].st;
            KVM_VCPU_COUNTERS(KVM_ADD)
        }
}

static void sum_vcores(const kvm_sys *s, kvm_vcore_stats *t)
{
    memset(t, 0, sizeof *t);
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t k = 0; k < s->vms[i]->n_vcores; k++) {
            const kvm_vcore_stats *c = &s->vms[i]->vcores[k].st;
            KVM_VCORE_COUNTERS(KVM_ADD)
            for (int e = 0; e < KVM_EXIT_NCAUSES; e++)
                t->exits_by_cause[e] += c->exits_by_cause[e];
        }
}
#undef KVM_ADD

/* M1's distributions, how evenly the host cores took the kicks (Gini of
 * the per-core counts over every core of the machine, and the busiest
 * core's count in percent of the mean), and the host work it delayed. */
static void m1_metrics(const kvm_sys *s, rep_metrics *m)
{
    rep_metric_hist(m, &s->scan_probes, "m1.scan_probes");
    rep_metric_hist(m, &s->kick_delay_ns, "m1.kick_delay_ns");
    rep_metric_hist(m, &s->r5_delay_ns, "m1.r5_delay_ns");
    uint32_t n = s->rm_core ? s->hw->ncores : 0;
    uint64_t *x = hv_xcalloc(n + 1, sizeof *x), total = 0, max = 0;
    for (uint32_t c = 0; c < n; c++) {
        x[c] = s->rm_core[c].handled;
        total += x[c];
        max = x[c] > max ? x[c] : max;
    }
    qsort(x, n, sizeof *x, cmp_u64);
    double weighted = 0; /* G = 2 sum(i x_(i)) / (n sum x) - (n + 1) / n, i from 1, ascending */
    for (uint32_t i = 0; i < n; i++)
        weighted += (double)(i + 1) * (double)x[i];
    free(x);
    double gini = total ? 2.0 * weighted / ((double)n * (double)total) - (double)(n + 1) / n : 0.0;
    rep_metric(m, gini, "m1.redirect_gini_frac");
    rep_metric(m, total ? 100.0 * (double)max * n / (double)total : 0.0, "m1.redirect_core_max_pct");
    rep_metric(m, (double)s->host->rm_action_task_ns, "m1.host_task_delay_ns");
}

void rep_kvm_metrics(const kvm_sys *s, des_time elapsed, rep_metrics *m)
{
    kvm_vcpu_stats vcpu;
    kvm_vcore_stats vcore;
    sum_vcpus(s, &vcpu);
    sum_vcores(s, &vcore);
    double secs = elapsed ? (double)elapsed * 1e-9 : 1.0;
#define KVM_EMIT_VCPU(area, n) rep_metric(m, (double)vcpu.n, #area "." #n);
    KVM_VCPU_COUNTERS(KVM_EMIT_VCPU)
#undef KVM_EMIT_VCPU
    rep_metric(m, (double)vcpu.exits / secs, "kvm.exits_per_s");
    uint64_t hipi[KVM_HIPI_NOUTCOMES] = {0}, total = 0;
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (int o = 0; o < KVM_HIPI_NOUTCOMES; o++)
            hipi[o] += s->vms[i]->st.hipi[o];
    for (int o = 0; o < KVM_HIPI_NOUTCOMES; o++) {
        rep_metric(m, (double)hipi[o], "hipi.%s", kvm_hipi_outcome_name(o));
        total += hipi[o];
    }
    rep_metric(m, (double)total, "hipi.total");
    uint64_t whole = 0;
    bool mmio = kvm_has_mmio(s); /* no mmio row for a model without MMIO devices */
    for (int c = 0; c < KVM_EXIT_NCAUSES; c++) {
        if (c != KVM_EXIT_MMIO || mmio)
            rep_metric(m, (double)vcore.exits_by_cause[c], "kvm.core_exits.%s", kvm_exit_cause_name(c));
        whole += vcore.exits_by_cause[c];
    }
    rep_metric(m, (double)whole, "kvm.core_exits.total");
#define KVM_EMIT_VCORE(area, n) rep_metric(m, (double)vcore.n, #area "." #n);
    KVM_VCORE_COUNTERS(KVM_EMIT_VCORE)
#undef KVM_EMIT_VCORE
#define KVM_EMIT_SYS(area, n) rep_metric(m, (double)s->st.n, #area "." #n);
    KVM_SYS_COUNTERS(KVM_EMIT_SYS)
#undef KVM_EMIT_SYS
    m1_metrics(s, m);
    des_hist w;
    des_hist_init(&w);
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t k = 0; k < s->vms[i]->n_vcpus; k++)
            des_hist_merge(&w, &s->vms[i]->vcpus[k].wake_ns);
    rep_metric_hist(m, &w, "wake.latency_ns");
    des_hist_free(&w);
    for (int k = 0; k < KVM_TM_COUNT; k++) {
        uint64_t n = 0, tot = 0;
        for (uint32_t i = 0; i < s->n_vms; i++)
            for (uint32_t v = 0; v < s->vms[i]->n_vcpus; v++) {
                n += s->vms[i]->vcpus[v].tm[k].count;
                tot += s->vms[i]->vcpus[v].tm[k].total;
            }
        rep_metric(m, (double)n, "timing.%s.count", kvm_tm_name(k));
        rep_metric(m, n ? (double)tot / (double)n : 0.0, "timing.%s.mean_ns", kvm_tm_name(k));
    }
}

static rep_tl_class tl_classify(const des_trace_rec *r, const void *ctx)
{
    (void)ctx;
    if (r->kind == HW_TRACE_MODE)
        return REP_TL_STATE; /* host, host_nap, offline_nap, kvm_rm, guest, guest_nap */
    if (r->kind < KVM_TRACE_BASE)
        return REP_TL_IGNORE;
    switch (r->kind - KVM_TRACE_BASE) {
    case KVM_TR_ACT: return REP_TL_IGNORE; /* the hw modes are the states */
    case KVM_TR_IPI_OUT: return REP_TL_FLOW_OUT;
    case KVM_TR_IPI_IN: return REP_TL_FLOW_IN;
    case KVM_TR_GUEST_EXIT:
    case KVM_TR_HCALL_ENTER:
    case KVM_TR_VCORE_BLOCKED: return REP_TL_INSTANT;
    }
    return REP_TL_IGNORE;
}

static const char *tl_name(const des_trace_rec *r, const void *ctx)
{
    (void)ctx;
    if (r->kind == HW_TRACE_MODE)
        return hw_mode_name((int)r->a[0]);
    switch (r->kind - KVM_TRACE_BASE) {
    case KVM_TR_ACT: return r->a[0] == KVM_ACT_OUT ? "host" : kvm_act_name((int)r->a[0]);
    case KVM_TR_IPI_OUT:
    case KVM_TR_IPI_IN: return "ipi";
    case KVM_TR_GUEST_EXIT: return "guest_exit";
    case KVM_TR_HCALL_ENTER: return "hcall (virtual mode)";
    case KVM_TR_VCORE_BLOCKED: return "vcore_blocked";
    }
    return "?";
}

static void tl_track(uint32_t track, char *buf, size_t n, const void *ctx)
{
    const kvm_sys *s = ctx;
    snprintf(buf, n, "cpu %u (core %d thread %d)", track, hw_cpu_core(s->hw, (int)track),
             hw_cpu_thread_in_core(s->hw, (int)track));
}

rep_timeline_spec rep_kvm_timeline_spec(const kvm_sys *s)
{
    return (rep_timeline_spec){tl_classify, tl_name, tl_track, s};
}
