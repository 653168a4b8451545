/* The calibration check; see validate.h. */
#include "workload/validate.h"

#include <stdio.h>

/* Published means (quoted, commit 66feed61cdf6; docs/costs.md has the URL). */
static const struct {
    const char *name;
    kvm_tm tm;
    double before, after;
} published[] = {
    {"rm_entry", KVM_TM_RM_ENTRY, 3387.6, 3060.1},
    {"rm_exit", KVM_TM_RM_EXIT, 4561.5, 4244.1},
    {"rm_intr", KVM_TM_RM_INTR, 1660.0, 1342.3},
};

const char *validate_run(const hw_costs *costs, uint64_t seed, uint64_t run, des_time duration,
                         validate_row rows[VALIDATE_ROWS], char *err, size_t errlen)
{
    int n = 0;
    for (int ms = 0; ms <= 1; ms++) {
        hw_cfg hw = hw_cfg_default();
        hw.chips = 1;
        hw.cores_per_chip = 6;
        hw.msgsnd = ms;
        host_cfg hc = host_cfg_default();
        kvm_cfg kc = kvm_cfg_default();
        boot_cfg bc = boot_cfg_default();
        model *m = model_new(&hw, &hc, &kc, costs, seed, run, NULL);
        boot *b = boot_new(m, &bc, -1);
        const char *e = model_run(m, duration);
        boot_timings t;
        boot_timings_of(b->vm, &t);
        if (e)
            snprintf(err, errlen, "msgsnd=%d: %s", ms, e);
        boot_free(b);
        model_free(m);
        if (e)
            return err;
        for (size_t i = 0; i < sizeof published / sizeof published[0]; i++) {
            validate_row *r = &rows[n++];
            r->name = published[i].name;
            r->msgsnd = ms;
            r->published = ms ? published[i].after : published[i].before;
            r->model = t.mean[published[i].tm];
            r->count = t.count[published[i].tm];
            r->err = r->model / r->published - 1.0;
        }
    }
    return NULL;
}
