/* M1 per-core host state; see hostcore.h. */
#include "kvm/hostcore.h"

#include "base/hv.h"

kvm_hc_state kvm_hc_state_of(uint64_t w)
{
    bool in = kvm_hc_in_host(w) != 0, res = kvm_hc_action(w) != 0;
    return in ? (res ? KVM_HC_RESERVED : KVM_HC_AVAILABLE)
              : (res ? KVM_HC_RESERVED_LEFT_HOST : KVM_HC_BUSY);
}

const char *kvm_hc_state_name(kvm_hc_state s)
{
    switch (s) {
#define KVM_HC_NAME(e, n) case e: return n;
        KVM_HC_STATES(KVM_HC_NAME)
#undef KVM_HC_NAME
    }
    return "?";
}

bool kvm_hc_try_reserve(uint64_t old, uint32_t action, uint64_t *out)
{
    HV_CHECK(action != 0);
    if (!kvm_hc_in_host(old) || kvm_hc_action(old))
        return false;
    *out = kvm_hc_make(kvm_hc_in_host(old), action);
    return true;
}

/* grab_next_hostcore: one pass over [start, end). */
static int grab_range(const kvm_hc_ops *ops, int start, int end, uint32_t action, int *probes)
{
    for (int c = start; c < end; c++) {
        uint64_t old = ops->load(ops->ctx, c), nw;
        (*probes)++;
        if (!kvm_hc_try_reserve(old, action, &nw))
            continue;
        if (ops->cas(ops->ctx, c, old, nw))
            return c; /* the caller issues the write barrier before rm_data */
    }
    return -1;
}

int kvm_hc_find(const kvm_hc_ops *ops, int n_cores, int my_core, kvm_hc_policy policy,
                uint32_t action, int *probes)
{
    int dummy = 0, *p = probes ? probes : &dummy;
    *p = 0;
    HV_CHECK(my_core >= 0 && my_core < n_cores);
    switch (policy) {
    case KVM_HC_POLICY_UPSTREAM: {
        int c = grab_range(ops, my_core + 1, n_cores, action, p);
        if (c < 0)
            c = grab_range(ops, 0, my_core, action, p);
        return c;
    }
    }
    HV_DIE("unknown redirect policy %d", (int)policy);
}
