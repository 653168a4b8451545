/*
 * tests/kvm/preset_env.h — running an embedded preset as `hvwake run` does,
 * for the model tests that judge its metrics (test_m1.c,
 * test_destroy_workloads.c). Header-only (static inline), so that its TAP
 * checks count in the test that calls it.
 */
#ifndef HV_TESTS_KVM_PRESET_ENV_H
#define HV_TESTS_KVM_PRESET_ENV_H

#include "cli/run_model.h"
#include "scn/model_validate.h"
#include "scn/scenario.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>

/* Run preset with the assignments (NULL-terminated) under the program name
 * prog; the metrics in *m (initialised even when the scenario is refused). */
static inline void preset_run(const char *prog, const char *preset, const char *const *sets, rep_metrics *m)
{
    struct scenario s;
    scn_errors e;
    scn_errors_init(&e);
    scn_parse_opts po = {scn_cost_lookup, scn_cost_name, 0};
    size_t n = 0;
    while (sets[n])
        n++;
    int rc = scn_build(&s, preset, sets, n, &po, &e);
    if (rc)
        printf("# %s\n", e.n ? e.msg[0] : "?");
    TAP_EQ(rc, 0);
    rep_metrics_init(m);
    if (!rc)
        TAP_EQ(cli_run_model(prog, &s, NULL, m), 0);
    scn_free(&s);
    scn_errors_free(&e);
}

/* The value of metric name (a failed check and NaN when it is missing). */
static inline double preset_metric(const rep_metrics *m, const char *name)
{
    long i = rep_metric_find(m, name);
    if (i < 0)
        printf("# no metric %s\n", name);
    TAP_CHECK(i >= 0);
    return i >= 0 ? m->rows[i].value : NAN;
}

#endif
