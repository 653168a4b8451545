/* M1 host-core word: states, reserve CAS, upstream circular scan. */
#include "kvm/hostcore.h"
#include "tap.h"

typedef struct {
    uint64_t w[16];
    int fail_cas_on; /* core whose CAS fails once (a concurrent reserver), or -1 */
} cores;

static uint64_t ld(void *ctx, int c) { return ((cores *)ctx)->w[c]; }
static bool cas(void *ctx, int c, uint64_t old, uint64_t nw)
{
    cores *k = ctx;
    if (c == k->fail_cas_on) {
        k->fail_cas_on = -1;
        k->w[c] = kvm_hc_make(1, KVM_HC_ACTION_KICK_VCPU); /* the other reserver won */
        return false;
    }
    if (k->w[c] != old)
        return false;
    k->w[c] = nw;
    return true;
}

static void states_and_transitions(void)
{
    uint64_t w = kvm_hc_make(1, 0), n;
    TAP_EQ(kvm_hc_state_of(w), KVM_HC_AVAILABLE);
    TAP_CHECK(kvm_hc_try_reserve(w, KVM_HC_ACTION_KICK_VCPU, &n));
    TAP_EQ(kvm_hc_state_of(n), KVM_HC_RESERVED);
    TAP_CHECK(!kvm_hc_try_reserve(n, KVM_HC_ACTION_KICK_VCPU, &w)); /* exclusive */
    uint64_t left = kvm_hc_with_in_host(n, 0);                     /* guest entry */
    TAP_EQ(kvm_hc_state_of(left), KVM_HC_RESERVED_LEFT_HOST);
    TAP_EQ(kvm_hc_state_of(kvm_hc_released(left)), KVM_HC_BUSY);
    TAP_EQ(kvm_hc_state_of(kvm_hc_released(n)), KVM_HC_AVAILABLE);
    TAP_CHECK(!kvm_hc_try_reserve(kvm_hc_make(0, 0), 1, &n)); /* busy core */
    TAP_STREQ(kvm_hc_state_name(KVM_HC_RESERVED_LEFT_HOST), "reserved_left_host");
}

static void circular_scan_after_own_core(void)
{
    cores k = {.fail_cas_on = -1};
    for (int c = 0; c < 8; c++)
        k.w[c] = kvm_hc_make(c == 1 || c == 6, 0); /* cores 1 and 6 in host */
    kvm_hc_ops ops = {ld, cas, &k};
    int probes;
    /* From core 3: scans 4,5,6 -> reserves 6. */
    TAP_EQ(kvm_hc_find(&ops, 8, 3, KVM_HC_POLICY_UPSTREAM, 1, &probes), 6);
    TAP_EQ(probes, 3);
    /* Again from 3: 6 is reserved now; 4..7 then 0..2 -> 1. */
    TAP_EQ(kvm_hc_find(&ops, 8, 3, KVM_HC_POLICY_UPSTREAM, 1, &probes), 1);
    TAP_EQ(probes, 6);
    /* Nothing left. */
    TAP_EQ(kvm_hc_find(&ops, 8, 3, KVM_HC_POLICY_UPSTREAM, 1, &probes), -1);
    TAP_EQ(probes, 7); /* every core but my own */
    /* Never my own core, even if it is in host. */
    k.w[3] = kvm_hc_make(1, 0);
    TAP_EQ(kvm_hc_find(&ops, 8, 3, KVM_HC_POLICY_UPSTREAM, 1, &probes), -1);
}

static void lost_cas_moves_on(void)
{
    cores k = {.fail_cas_on = 2};
    for (int c = 0; c < 4; c++)
        k.w[c] = kvm_hc_make(1, 0);
    kvm_hc_ops ops = {ld, cas, &k};
    /* From 1: core 2 loses its CAS to another reserver, so 3 is taken. */
    TAP_EQ(kvm_hc_find(&ops, 4, 1, KVM_HC_POLICY_UPSTREAM, 1, NULL), 3);
    TAP_EQ(kvm_hc_state_of(k.w[2]), KVM_HC_RESERVED);
}

int main(void)
{
    TAP_RUN(states_and_transitions);
    TAP_RUN(circular_scan_after_own_core);
    TAP_RUN(lost_cas_moves_on);
    return tap_done();
}
