/* report/guest_view.c — guest.* metrics. See report/guest_view.h. */
#include "report/guest_view.h"

#include <string.h>

void rep_guest_view(rep_metrics *out, guest *const *g, size_t n, des_time measured)
{
    guest_stats t;
    memset(&t, 0, sizeof t);
    uint64_t ncpu = 0;
    for (size_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < g[i]->vm->n_vcpus; k++, ncpu++) {
            const guest_stats *c = &g[i]->cpus[k].st;
#define GUEST_ADD(name) t.name += c->name;
            GUEST_COUNTERS(GUEST_ADD)
#undef GUEST_ADD
            t.work_items += c->work_items;
            t.busy_ns += c->busy_ns;
        }
    double secs = measured ? (double)measured * 1e-9 : 1;
    rep_metric(out, (double)n, "guest.vms");
    rep_metric(out, (double)ncpu, "guest.vcpus");
    rep_metric(out, (double)t.work_items / secs, "guest.work_items_per_s");
    rep_metric(out, ncpu && measured ? (double)t.busy_ns / ((double)measured * (double)ncpu) : 0,
               "guest.busy_frac");
#define GUEST_EMIT(name) rep_metric(out, (double)t.name, "guest." #name);
    GUEST_COUNTERS(GUEST_EMIT)
#undef GUEST_EMIT
}

void rep_guest_os_view(rep_metrics *out, guest_os *const *os, size_t n, des_time measured)
{
    guest_os_stats t;
    memset(&t, 0, sizeof t);
    uint64_t ncpu = 0, nthreads = 0;
    for (size_t i = 0; i < n; i++) {
        des_time now = guest_os_now(os[i]);
        nthreads += os[i]->nthreads;
        for (uint32_t k = 0; k < os[i]->vm->n_vcpus; k++, ncpu++) {
            const guest_vcpu *c = &os[i]->cpus[k];
#define GUEST_OS_ADD(name) t.name += c->st.name;
            GUEST_OS_COUNTERS(GUEST_OS_ADD)
#undef GUEST_OS_ADD
            t.busy_ns += c->st.busy_ns + (c->idle ? 0 : now - c->busy_since);
        }
    }
    rep_metric(out, (double)n, "guest.os.vms");
    rep_metric(out, (double)ncpu, "guest.os.vcpus");
    rep_metric(out, (double)nthreads, "guest.os.threads");
    rep_metric(out, ncpu && measured ? (double)t.busy_ns / ((double)measured * (double)ncpu) : 0,
               "guest.os.busy_frac");
#define GUEST_OS_EMIT(name) rep_metric(out, (double)t.name, "guest.os." #name);
    GUEST_OS_COUNTERS(GUEST_OS_EMIT)
#undef GUEST_OS_EMIT
}
