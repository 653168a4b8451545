#include "scn/scenario.h"

#include "base/hv.h"

int fake_cfg_validate(const struct scenario *s, scn_errors *e)
{
    uint64_t threads = s->fake.count * 8, used = 0;
    int rc = 0;
    for (size_t i = 0; i < s->n_vm; i++) {
        used += s->vm[i].vcpus;
        if (used > threads) {
            scn_reject(s, e, "vm", s->vm_name[i], "vcpus",
                       "the VM does not fit the machine (%llu VCPUs in all, %llu threads); expected at most %llu VCPUs",
                       (unsigned long long)used, (unsigned long long)threads,
                       (unsigned long long)(threads - (used - s->vm[i].vcpus)));
            rc = HV_EPARSE;
        }
    }
    return rc;
}
