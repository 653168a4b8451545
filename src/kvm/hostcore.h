/*
 * kvm/hostcore.h — M1: the per-core host state word and the search for a
 * free host core (H_IPI redirect, Linux 4.6, Suresh Warrier).
 *
 * Overview
 *   Mirrors union kvmppc_rm_state / struct kvmppc_host_rm_core
 *   (asm/kvm_ppc.h) and find_available_hostcore()/grab_next_hostcore()
 *   (book3s_hv_rm_xics.c). One record per physical core, indexed by
 *   cpu >> threads_shift; only thread 0 of a core runs host code (SMT off).
 *
 * State word (uint64, changed as a whole by CAS when reserving):
 *   bits  0..31  in_host    1 = thread 0 of the core runs the host (possibly
 *                            idle-napping); 0 = the core is in a guest or
 *                            offline. Written with a plain 32-bit store by
 *                            kvmppc_set_host_core / kvmppc_clear_host_core
 *                            and the CPU hotplug notifier; never looks at
 *                            rm_action.
 *   bits 32..63  rm_action  0 = free; else the reserved action
 *                            (XICS_RM_KICK_VCPU = 1 is the only one used).
 *   (The kernel overlays two u32 on one u64 in memory order; the placement
 *   is irrelevant to the semantics as long as one CAS covers both halves.)
 *   rm_data     the VCPU to kick (opaque), written after the reservation.
 *
 *   States (in_host, rm_action): AVAILABLE (1,0), RESERVED (1,A),
 *   BUSY (0,0), RESERVED_LEFT_HOST (0,A) — the last is race R5.
 *
 * Invariants
 *   I-reservation-exclusive: at most one reservation per core: a reserve
 *     succeeds only from (1, 0).
 *   I-host-core-validity: the reserving CAS observed in_host == 1.
 *   I-reservation-released: the handler clears rm_data, then (after a write
 *     barrier) rm_action: rm_data != NULL implies rm_action != 0 whenever the
 *     handler can observe it.
 *
 * Concurrency contract
 *   kvm_hc_try_reserve is the pure transition of the reserving CAS;
 *   kvm_hc_with_in_host / kvm_hc_released give the effect of the plain
 *   32-bit stores on the word. kvm_hc_find runs the scan against any
 *   committer (plain store in the DES, atomic CAS in the live engine) through
 *   a callback, so the scan itself exists once.
 */
#ifndef HV_KVM_HOSTCORE_H
#define HV_KVM_HOSTCORE_H

#include <stdbool.h>
#include <stdint.h>

#define KVM_HC_ACTION_KICK_VCPU 1u /* XICS_RM_KICK_VCPU */

static inline uint32_t kvm_hc_in_host(uint64_t w) { return (uint32_t)w; }
static inline uint32_t kvm_hc_action(uint64_t w) { return (uint32_t)(w >> 32); }
static inline uint64_t kvm_hc_make(uint32_t in_host, uint32_t action)
{
    return ((uint64_t)action << 32) | in_host;
}
_Static_assert(sizeof(uint64_t) == 8, "the host-core word is one 64-bit CAS");

#define KVM_HC_STATES(X)                                                     \
    X(KVM_HC_AVAILABLE, "available")                                         \
    X(KVM_HC_RESERVED, "reserved")                                           \
    X(KVM_HC_BUSY, "busy")                                                   \
    X(KVM_HC_RESERVED_LEFT_HOST, "reserved_left_host")

typedef enum {
#define KVM_HC_ENUM(e, n) e,
    KVM_HC_STATES(KVM_HC_ENUM)
#undef KVM_HC_ENUM
} kvm_hc_state;

kvm_hc_state kvm_hc_state_of(uint64_t w);
const char *kvm_hc_state_name(kvm_hc_state s);

/* The reserving CAS: succeeds (returns true, *out = new) only from
 * in_host != 0 && rm_action == 0. */
bool kvm_hc_try_reserve(uint64_t old, uint32_t action, uint64_t *out);
/* Plain store of the in_host half (set/clear host core, hotplug). */
static inline uint64_t kvm_hc_with_in_host(uint64_t w, uint32_t in_host)
{
    return kvm_hc_make(in_host, kvm_hc_action(w));
}
/* Plain store rm_action = 0 (end of rm_host_ipi_action). */
static inline uint64_t kvm_hc_released(uint64_t w) { return kvm_hc_make(kvm_hc_in_host(w), 0); }

/*
 * Which free core the redirect picks (kvm.redirect_policy). Every policy
 * is an order of the candidate cores (every core but the sender's, each
 * once: kvm_hc_order), tried by the one scan below; idle and busy add a
 * preference read from each free candidate's PACA. docs/m1-redirect.md
 * gives each one's reasoning and measures them.
 *   upstream  find_available_hostcore: my_core+1 .. n-1, then 0 .. my_core-1.
 *   nearest   by distance from the target's last core (the core its vcore
 *             last ran on): that core, then the cores of its chip by
 *             |index difference| (the one above first on a tie), then the
 *             other chips by chip distance, the same way. The redirect IPI
 *             and the kick's follow-up stay on the chip.
 *   rotate    the upstream circle, started `rotor` cores later: each sender
 *             core advances its own rotor per scan (a PACA field: no shared
 *             line), so redirects spread instead of piling on the cores just
 *             above the sender (the load the kernel comment worries about).
 *   idle      the upstream order, cores whose thread 0 naps in the host idle
 *             loop first (paca->kvm_hstate.hwthread_state == KVM_HWTHREAD_IN_NAP,
 *             which power7_enter_nap_mode stores): no host task to interrupt.
 *   busy      the upstream order, cores running host code first: no nap exit
 *             to pay before the handler runs.
 *   warm      the core the target's runner task last ran on, then the
 *             upstream order: the kick's wakeup of that task is then a local
 *             one (no reschedule IPI, no second nap exit) and its cache warm.
 * A policy whose input is unknown (target_core / warm_core -1, no host_idle
 * hint) falls back to the upstream order.
 */
#define KVM_HC_POLICIES(X)                                                   \
    X(KVM_HC_POLICY_UPSTREAM, "upstream")                                    \
    X(KVM_HC_POLICY_NEAREST, "nearest")                                      \
    X(KVM_HC_POLICY_ROTATE, "rotate")                                        \
    X(KVM_HC_POLICY_IDLE, "idle")                                            \
    X(KVM_HC_POLICY_BUSY, "busy")                                            \
    X(KVM_HC_POLICY_WARM, "warm")

typedef enum {
#define KVM_HC_PENUM(e, n) e,
    KVM_HC_POLICIES(KVM_HC_PENUM)
#undef KVM_HC_PENUM
    KVM_HC_NPOLICIES
} kvm_hc_policy;
const char *kvm_hc_policy_name(int p);

/* Most cores a scan handles (rm_core entries; the machine's and the live
 * engine's limits are checked against it where they are defined). */
#define KVM_HC_MAX_CORES 2048

/*
 * Committer: read core c's word and try to CAS it from old to new (true on
 * success). The DES passes a plain compare-and-store on an array; the live
 * engine an atomic_compare_exchange_strong. host_idle (may be NULL: no
 * hint) says whether thread 0 of core c naps in the host idle loop.
 */
typedef struct kvm_hc_ops {
    uint64_t (*load)(void *ctx, int core);
    bool (*cas)(void *ctx, int core, uint64_t old, uint64_t new_word);
    bool (*host_idle)(void *ctx, int core);
    void *ctx;
} kvm_hc_ops;

/* One scan's inputs; a policy reads only its own fields. */
typedef struct kvm_hc_req {
    kvm_hc_policy policy;
    uint32_t action;     /* the rm_action to set (!= 0) */
    int n_cores;         /* rm_core entries, <= KVM_HC_MAX_CORES */
    int cores_per_chip;  /* chip of core c = c / cores_per_chip (nearest) */
    int my_core;         /* the sender's core: never a candidate */
    int target_core;     /* nearest: the core the target's vcore last ran on; -1 unknown */
    int warm_core;       /* warm: the core of the CPU its runner task last ran on; -1 unknown */
    uint32_t rotor;      /* rotate: the sender core's scans so far */
} kvm_hc_req;

/* One scan's outcome. */
typedef struct kvm_hc_found {
    int core;          /* the reserved core, or -1 (no free core) */
    int probes;        /* words read (candidates examined; the real-mode work) */
    int hints;         /* host_idle hints read (idle, busy) */
    int cas_failures;  /* CASes lost to a concurrent reserver (the next candidate is tried) */
} kvm_hc_found;

/* The candidate order of r->policy (pure): every core but my_core, each
 * once, into order[]; returns how many (n_cores - 1). */
int kvm_hc_order(const kvm_hc_req *r, int *order);

/*
 * find_available_hostcore(action) generalised: tries the candidates in
 * kvm_hc_order; each is read once and, if (1,0) (and, for idle / busy, its
 * host_idle hint matches), CASed once; a failed CAS moves on to the next
 * candidate (the same core is not retried). idle / busy then try the free
 * candidates whose hint did not match, in order, reading each again. The
 * upstream policy is exactly the kernel's scan. Returns the reserved core
 * (the caller issues the write barrier before storing rm_data) or -1.
 */
kvm_hc_found kvm_hc_find(const kvm_hc_ops *ops, const kvm_hc_req *r);

#endif
