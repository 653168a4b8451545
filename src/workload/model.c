#include "workload/model.h"

#include "base/hv.h"

#include <stdlib.h>

static const char *check_all(des_sim *sim, void *ctx)
{
    (void)sim;
    model *m = ctx;
    const char *e = host_check(m->host); /* runs hw_check first */
    if (!e)
        e = kvm_check(m->kvm);
    for (uint32_t i = 0; i < m->nwl && !e; i++)
        if (m->wl[i].check)
            e = m->wl[i].check(m->wl[i].ctx);
    return e;
}

void model_add_checks(model *m, model_check_fn check, model_check_fn conservation, void *ctx)
{
    m->wl = hv_xrealloc(m->wl, (m->nwl + 1) * sizeof *m->wl);
    m->wl[m->nwl++] = (model_checks){check, conservation, ctx};
}

model *model_new(const hw_cfg *hwc, const host_cfg *hc, const kvm_cfg *kc, const hw_costs *costs,
                 uint64_t seed, uint64_t run, des_trace *trace)
{
    model *m = hv_xcalloc(1, sizeof *m);
    m->seed = seed;
    m->run = run;
    m->trace = trace;
    m->sim = des_new();
    m->hw = hw_new(m->sim, hwc, costs, seed, run);
    m->hw->trace = trace;
    m->host = host_new(m->sim, m->hw, hc, seed, run);
    m->kvm = kvm_sys_new(m->sim, m->hw, m->host, kc, trace, seed, run);
    des_set_check(m->sim, check_all, m);
    return m;
}

const char *model_run(model *m, des_time duration)
{
    des_run_until(m->sim, des_now(m->sim) + duration);
    host_account(m->host);
    hw_account(m->hw);
    const char *e = des_conservation(m->sim);
    if (!e)
        e = hw_conservation(m->hw);
    if (!e)
        e = host_conservation(m->host);
    if (!e)
        e = kvm_conservation(m->kvm);
    for (uint32_t i = 0; i < m->nwl && !e; i++)
        if (m->wl[i].conservation)
            e = m->wl[i].conservation(m->wl[i].ctx);
    return e;
}

void model_free(model *m)
{
    if (!m)
        return;
    free(m->wl);
    kvm_sys_free(m->kvm);
    host_free(m->host);
    hw_free(m->hw);
    des_free(m->sim);
    free(m);
}
