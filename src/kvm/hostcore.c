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

const char *kvm_hc_policy_name(int p)
{
    switch (p) {
#define KVM_HC_PNAME(e, n) case e: return n;
        KVM_HC_POLICIES(KVM_HC_PNAME)
#undef KVM_HC_PNAME
    }
    return "?";
}

/* The other cores in circle order from my_core+1 (the upstream order),
 * rotated to begin `start` places later. */
static int order_circle(const kvm_hc_req *r, uint32_t start, int *order)
{
    int n = r->n_cores, m = n - 1;
    for (int i = 0; i < m; i++) {
        int j = (int)((start + (uint32_t)i) % (uint32_t)m);
        order[i] = (r->my_core + 1 + j) % n;
    }
    return m;
}

/* Cores by distance from r->target_core: rings of chips (the target's, then
 * the next above, the next below, ...), and within each chip cores by
 * |core-in-chip difference| from the target's position, the one above first. */
static int order_nearest(const kvm_hc_req *r, int *order)
{
    int n = r->n_cores, cpc = r->cores_per_chip, k = 0;
    int nchips = (n + cpc - 1) / cpc, tchip = r->target_core / cpc, tpos = r->target_core % cpc;
    for (int dc = 0; dc < nchips; dc++)
        for (int side = 0; side < (dc ? 2 : 1); side++) {
            int chip = side ? tchip - dc : tchip + dc;
            if (chip < 0 || chip >= nchips)
                continue;
            for (int d = 0; d < cpc; d++)
                for (int up = 1; up >= (d ? 0 : 1); up--) {
                    int pos = up ? tpos + d : tpos - d, c = chip * cpc + pos;
                    if (pos >= 0 && pos < cpc && c < n && c != r->my_core)
                        order[k++] = c;
                }
        }
    return k;
}

int kvm_hc_order(const kvm_hc_req *r, int *order)
{
    HV_CHECK(r->n_cores >= 1 && r->n_cores <= KVM_HC_MAX_CORES);
    HV_CHECK(r->my_core >= 0 && r->my_core < r->n_cores);
    switch (r->policy) {
    case KVM_HC_POLICY_UPSTREAM:
    case KVM_HC_POLICY_IDLE:
    case KVM_HC_POLICY_BUSY:
        return order_circle(r, 0, order);
    case KVM_HC_POLICY_ROTATE:
        return order_circle(r, r->rotor, order);
    case KVM_HC_POLICY_NEAREST:
        if (r->target_core < 0 || r->target_core >= r->n_cores || r->cores_per_chip < 1)
            return order_circle(r, 0, order);
        return order_nearest(r, order);
    case KVM_HC_POLICY_WARM: {
        int k = order_circle(r, 0, order), w = r->warm_core;
        if (w < 0 || w >= r->n_cores || w == r->my_core)
            return k;
        /* move w to the front, the rest keeps the upstream order */
        int i = 0;
        while (order[i] != w)
            i++;
        for (; i > 0; i--)
            order[i] = order[i - 1];
        order[0] = w;
        return k;
    }
    case KVM_HC_NPOLICIES:
        break;
    }
    HV_DIE("unknown redirect policy %d", (int)r->policy);
}

/* One candidate: read its word (a probe); not free -> 0. For a preference
 * policy (want: 0 busy, 1 idle, -1 none) a free core whose hint differs is
 * put aside -> 0. Else CAS: 1 reserved, 0 lost the CAS (counted). */
static int try_core(const kvm_hc_ops *ops, const kvm_hc_req *r, int c, int want, int *later,
                    int *nlater, kvm_hc_found *f)
{
    uint64_t old = ops->load(ops->ctx, c), nw;
    f->probes++;
    if (!kvm_hc_try_reserve(old, r->action, &nw))
        return 0;
    if (want >= 0) {
        f->hints++;
        if (ops->host_idle(ops->ctx, c) != (want == 1)) {
            later[(*nlater)++] = c;
            return 0;
        }
    }
    if (ops->cas(ops->ctx, c, old, nw))
        return 1;
    f->cas_failures++;
    return 0;
}

kvm_hc_found kvm_hc_find(const kvm_hc_ops *ops, const kvm_hc_req *r)
{
    int order[KVM_HC_MAX_CORES], later[KVM_HC_MAX_CORES], nlater = 0;
    kvm_hc_found f = {.core = -1};
    int n = kvm_hc_order(r, order);
    int want = -1;
    if (ops->host_idle && r->policy == KVM_HC_POLICY_IDLE)
        want = 1;
    else if (ops->host_idle && r->policy == KVM_HC_POLICY_BUSY)
        want = 0;
    for (int i = 0; i < n; i++)
        if (try_core(ops, r, order[i], want, later, &nlater, &f)) {
            f.core = order[i]; /* the caller issues the write barrier before rm_data */
            return f;
        }
    /* idle / busy: the free cores put aside, in order, read again */
    for (int i = 0; i < nlater; i++)
        if (try_core(ops, r, later[i], -1, NULL, NULL, &f)) {
            f.core = later[i];
            return f;
        }
    return f;
}
