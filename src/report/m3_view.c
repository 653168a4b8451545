/* Views of a host shared between VMs and host tasks (M3); see m3_view.h. */
#include "report/m3_view.h"

#include "kvm/kvm_m3.h"

#include <math.h>

void rep_m3_view(rep_metrics *out, const kvm_sys *s, const hostload *l, des_time elapsed)
{
    const kvm_m3 *m = s->m3;
#define M3_EMIT(area, n) rep_metric(out, (double)m->st.n, #area "." #n);
    KVM_M3_COUNTERS(M3_EMIT)
#undef M3_EMIT
    double sum = 0, max = 0;
    int n = 0;
    for (uint32_t cpu = 0; cpu < s->hw->ncpus; cpu++) {
        if (hw_cpu_thread_in_core(s->hw, (int)cpu) == 0 || !host_cpu_online(s->host, (int)cpu))
            continue;
        double f = elapsed ? (double)kvm_m3_stolen_ns(s, (int)cpu) / (double)elapsed : 0;
        sum += f;
        max = f > max ? f : max;
        n++;
    }
    rep_metric(out, n ? sum / n : 0, "m3.stolen_frac");
    rep_metric(out, max, "m3.stolen_max_frac");
    double mean = 0, var = 0, least = 0;
    uint64_t k = l ? l->cfg.tasks : 0;
    for (uint64_t i = 0; i < k; i++) {
        double x = (double)l->tasks[i].work_ns;
        mean += x;
        least = i == 0 || x < least ? x : least;
    }
    mean = k ? mean / (double)k : 0;
    for (uint64_t i = 0; i < k; i++) {
        double d = (double)l->tasks[i].work_ns - mean;
        var += d * d;
    }
    rep_metric(out, mean > 0 ? sqrt(var / (double)k) / mean : 0, "m3.host_cpu_spread_frac");
    rep_metric(out, mean > 0 ? 1 - least / mean : 0, "m3.host_cpu_shortfall_frac");
    rep_metric_hist(out, &m->entry_ns, "kvm.entry_latency_ns");
    rep_metric_hist(out, &m->park_wait_ns, "m3.park_wait_ns");
}
