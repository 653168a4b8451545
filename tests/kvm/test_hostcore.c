/* M1 host-core word: states, reserve CAS, and the redirect policies' scans
 * as pure functions: upstream against the kernel's order, every policy's
 * order a permutation of the other cores, each policy's choice on crafted
 * states, lost CASes. */
#include "kvm/hostcore.h"
#include "tap.h"

typedef struct {
    uint64_t w[16];
    bool idle[16];   /* thread 0 naps in the host idle loop */
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
static bool idle(void *ctx, int c) { return ((cores *)ctx)->idle[c]; }

/* n cores, the ones in the `free` mask available, the rest busy. */
static cores machine(int n, unsigned free)
{
    cores k = {.fail_cas_on = -1};
    for (int c = 0; c < n; c++)
        k.w[c] = kvm_hc_make((free >> c) & 1, 0);
    return k;
}

static kvm_hc_req req(kvm_hc_policy p, int n, int my)
{
    return (kvm_hc_req){.policy = p, .action = KVM_HC_ACTION_KICK_VCPU, .n_cores = n,
                        .cores_per_chip = n, .my_core = my, .target_core = -1, .warm_core = -1};
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
    TAP_STREQ(kvm_hc_policy_name(KVM_HC_POLICY_WARM), "warm");
}

/* find_available_hostcore's two grab_next_hostcore passes, as the kernel
 * writes them: my_core+1 .. n-1, then 0 .. my_core-1. */
static int kernel_order(int n, int my, int *o)
{
    int k = 0;
    for (int c = my + 1; c < n; c++)
        o[k++] = c;
    for (int c = 0; c < my; c++)
        o[k++] = c;
    return k;
}

static void upstream_is_the_kernels_order(void)
{
    int bad = 0, cases = 0;
    for (int n = 1; n <= 16; n++)
        for (int my = 0; my < n; my++) {
            int a[16], b[16];
            kvm_hc_req r = req(KVM_HC_POLICY_UPSTREAM, n, my);
            r.rotor = 7; /* only rotate reads it */
            int na = kvm_hc_order(&r, a), nb = kernel_order(n, my, b);
            cases++;
            if (na != nb || memcmp(a, b, (size_t)na * sizeof *a))
                bad++;
        }
    TAP_EQ(cases, 136);
    TAP_EQ(bad, 0);
}

/* Every policy's order holds every core but my own exactly once, for any
 * inputs (targets and warm cores on and off the machine, any rotor). */
static void every_order_is_a_permutation(void)
{
    int bad = 0, cases = 0;
    for (int p = 0; p < KVM_HC_NPOLICIES; p++)
        for (int n = 1; n <= 12; n++)
            for (int my = 0; my < n; my++)
                for (int t = -1; t <= n; t++) {
                    kvm_hc_req r = req((kvm_hc_policy)p, n, my);
                    r.cores_per_chip = n >= 4 ? n / 4 + (n % 4 != 0) : 1; /* uneven last chip */
                    r.target_core = t < n ? t : -1;
                    r.warm_core = t;
                    r.rotor = (uint32_t)(t + 3) * 5u;
                    int o[16], seen[16] = {0}, k = kvm_hc_order(&r, o);
                    cases++;
                    if (k != n - 1) {
                        bad++;
                        continue;
                    }
                    for (int i = 0; i < k; i++)
                        if (o[i] < 0 || o[i] >= n || o[i] == my || seen[o[i]]++)
                            bad++;
                }
    TAP_LT(3000, cases);
    TAP_EQ(bad, 0);
}

static void upstream_scan(void)
{
    cores k = machine(8, 1u << 1 | 1u << 6); /* cores 1 and 6 in host */
    kvm_hc_ops ops = {ld, cas, NULL, &k};
    kvm_hc_req r = req(KVM_HC_POLICY_UPSTREAM, 8, 3);
    /* From core 3: scans 4,5,6 -> reserves 6. */
    kvm_hc_found f = kvm_hc_find(&ops, &r);
    TAP_EQ(f.core, 6);
    TAP_EQ(f.probes, 3);
    TAP_EQ(f.cas_failures, 0);
    /* Again from 3: 6 is reserved now; 4..7 then 0..2 -> 1. */
    f = kvm_hc_find(&ops, &r);
    TAP_EQ(f.core, 1);
    TAP_EQ(f.probes, 6);
    /* Nothing left: every core but my own was read. */
    f = kvm_hc_find(&ops, &r);
    TAP_EQ(f.core, -1);
    TAP_EQ(f.probes, 7);
    /* Never my own core, even if it is in host. */
    k.w[3] = kvm_hc_make(1, 0);
    TAP_EQ(kvm_hc_find(&ops, &r).core, -1);
}

static void lost_cas_moves_on(void)
{
    cores k = machine(4, 0xf);
    k.fail_cas_on = 2;
    kvm_hc_ops ops = {ld, cas, NULL, &k};
    kvm_hc_req r = req(KVM_HC_POLICY_UPSTREAM, 4, 1);
    /* From 1: core 2 loses its CAS to another reserver, so 3 is taken. */
    kvm_hc_found f = kvm_hc_find(&ops, &r);
    TAP_EQ(f.core, 3);
    TAP_EQ(f.cas_failures, 1);
    TAP_EQ(f.probes, 2);
    TAP_EQ(kvm_hc_state_of(k.w[2]), KVM_HC_RESERVED);
}

/* rotate: the upstream circle started rotor places later; successive
 * rotors start on each other core once. */
static void rotate_spreads(void)
{
    int o[16], first[16] = {0}, seq[7] = {4, 5, 6, 7, 0, 1, 2}; /* upstream from 3 */
    for (uint32_t rot = 0; rot < 14; rot++) {
        kvm_hc_req r = req(KVM_HC_POLICY_ROTATE, 8, 3);
        r.rotor = rot;
        kvm_hc_order(&r, o);
        if (rot < 7)
            first[o[0]]++;
        TAP_EQ(o[0], seq[rot % 7]);
    }
    for (int c = 0; c < 8; c++)
        TAP_EQ(first[c], c == 3 ? 0 : 1);
    kvm_hc_req r = req(KVM_HC_POLICY_ROTATE, 8, 3);
    r.rotor = 5; /* starts at 4 + 5 = 9 -> 1 (mod 8, 3 skipped): 1 2 4 5 6 7 0 */
    kvm_hc_order(&r, o);
    int want[7] = {1, 2, 4, 5, 6, 7, 0};
    TAP_CHECK(memcmp(o, want, sizeof want) == 0);
    /* The choice: first free core from the rotated start. */
    cores k = machine(8, 1u << 0 | 1u << 5);
    kvm_hc_ops ops = {ld, cas, NULL, &k};
    TAP_EQ(kvm_hc_find(&ops, &r).core, 5);
    r.rotor = 0;
    k = machine(8, 1u << 0 | 1u << 5);
    TAP_EQ(kvm_hc_find(&ops, &r).core, 5);
    r.rotor = 4; /* 0 1 2 4 5 6 7 -> 0 */
    k = machine(8, 1u << 0 | 1u << 5);
    TAP_EQ(kvm_hc_find(&ops, &r).core, 0);
}

/* nearest: 2 chips x 4 cores, target on core 5 (chip 1, position 1). */
static void nearest_by_distance(void)
{
    kvm_hc_req r = req(KVM_HC_POLICY_NEAREST, 8, 6);
    r.cores_per_chip = 4;
    r.target_core = 5;
    int o[8], k = kvm_hc_order(&r, o);
    /* chip 1 around position 1 (above first), my core 6 left out; then chip 0 the same way */
    int want[7] = {5, 4, 7, 1, 2, 0, 3};
    TAP_EQ(k, 7);
    TAP_CHECK(memcmp(o, want, sizeof want) == 0);
    cores m = machine(8, 1u << 0 | 1u << 3 | 1u << 7);
    kvm_hc_ops ops = {ld, cas, NULL, &m};
    TAP_EQ(kvm_hc_find(&ops, &r).core, 7); /* the same chip, two away */
    m = machine(8, 1u << 0 | 1u << 3);
    TAP_EQ(kvm_hc_find(&ops, &r).core, 0); /* the other chip, one away from position 1 */
    /* The target's core itself when free. */
    m = machine(8, 1u << 5 | 1u << 7);
    TAP_EQ(kvm_hc_find(&ops, &r).core, 5);
    /* Unknown target: the upstream order (7 first from my core 6). */
    r.target_core = -1;
    m = machine(8, 1u << 0 | 1u << 7);
    TAP_EQ(kvm_hc_find(&ops, &r).core, 7);
    /* Upstream would take 0 here; nearest of 1 takes 2 over 0 (above first on a tie). */
    r = req(KVM_HC_POLICY_NEAREST, 8, 7);
    r.cores_per_chip = 4;
    r.target_core = 1;
    m = machine(8, 1u << 0 | 1u << 2);
    TAP_EQ(kvm_hc_find(&ops, &r).core, 2);
}

/* idle / busy: the upstream order, the preferred kind of free core first,
 * else any free core. */
static void idle_and_busy_prefer(void)
{
    cores k = machine(8, 1u << 2 | 1u << 4 | 1u << 6);
    k.idle[4] = true;
    kvm_hc_ops ops = {ld, cas, idle, &k};
    kvm_hc_req r = req(KVM_HC_POLICY_IDLE, 8, 0);
    kvm_hc_found f = kvm_hc_find(&ops, &r);
    TAP_EQ(f.core, 4);
    TAP_EQ(f.hints, 2);  /* 2 (busy: put aside), 4 */
    TAP_EQ(f.probes, 4); /* 1 2 3 4 */
    k = machine(8, 1u << 2 | 1u << 4 | 1u << 6);
    k.idle[4] = true;
    r.policy = KVM_HC_POLICY_BUSY;
    TAP_EQ(kvm_hc_find(&ops, &r).core, 2);
    /* No idle core free: idle takes the first free one after all. */
    k = machine(8, 1u << 2 | 1u << 6);
    r.policy = KVM_HC_POLICY_IDLE;
    f = kvm_hc_find(&ops, &r);
    TAP_EQ(f.core, 2);
    TAP_EQ(f.probes, 7 + 1); /* every core, then 2 again */
    TAP_EQ(f.hints, 2);
    /* No busy core free: busy takes an idle one. */
    k = machine(8, 1u << 5);
    k.idle[5] = true;
    r.policy = KVM_HC_POLICY_BUSY;
    TAP_EQ(kvm_hc_find(&ops, &r).core, 5);
    /* Without the hint (ops->host_idle NULL) both scan as upstream. */
    kvm_hc_ops plain = {ld, cas, NULL, &k};
    k = machine(8, 1u << 2 | 1u << 4);
    k.idle[4] = true;
    r.policy = KVM_HC_POLICY_IDLE;
    f = kvm_hc_find(&plain, &r);
    TAP_EQ(f.core, 2);
    TAP_EQ(f.hints, 0);
}

/* warm: the runner's core first, then upstream. */
static void warm_first(void)
{
    cores k = machine(8, 1u << 2 | 1u << 5);
    kvm_hc_ops ops = {ld, cas, NULL, &k};
    kvm_hc_req r = req(KVM_HC_POLICY_WARM, 8, 0);
    r.warm_core = 5;
    kvm_hc_found f = kvm_hc_find(&ops, &r);
    TAP_EQ(f.core, 5);
    TAP_EQ(f.probes, 1);
    /* The warm core busy: the upstream order. */
    k = machine(8, 1u << 2 | 1u << 6);
    TAP_EQ(kvm_hc_find(&ops, &r).core, 2);
    /* The warm core is my own (the target's runner ran where I run): upstream. */
    r.warm_core = 0;
    k = machine(8, 1u << 0 | 1u << 6);
    TAP_EQ(kvm_hc_find(&ops, &r).core, 6);
    int o[8];
    r.warm_core = 6;
    kvm_hc_order(&r, o);
    int want[7] = {6, 1, 2, 3, 4, 5, 7};
    TAP_CHECK(memcmp(o, want, sizeof want) == 0);
}

int main(void)
{
    TAP_RUN(states_and_transitions);
    TAP_RUN(upstream_is_the_kernels_order);
    TAP_RUN(every_order_is_a_permutation);
    TAP_RUN(upstream_scan);
    TAP_RUN(lost_cas_moves_on);
    TAP_RUN(rotate_spreads);
    TAP_RUN(nearest_by_distance);
    TAP_RUN(idle_and_busy_prefer);
    TAP_RUN(warm_first);
    return tap_done();
}
