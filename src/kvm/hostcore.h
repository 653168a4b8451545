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

/* Which free core the redirect picks (kvm.redirect_policy). */
#define KVM_HC_POLICIES(X)                                                   \
    X(KVM_HC_POLICY_UPSTREAM, "upstream")

typedef enum {
#define KVM_HC_PENUM(e, n) e,
    KVM_HC_POLICIES(KVM_HC_PENUM)
#undef KVM_HC_PENUM
} kvm_hc_policy;

/*
 * Committer: read core c's word (*cur) and try to CAS it from old to new;
 * returns true on success. The DES passes a plain compare-and-store on an
 * array; the live engine an atomic_compare_exchange_strong.
 */
typedef struct kvm_hc_ops {
    uint64_t (*load)(void *ctx, int core);
    bool (*cas)(void *ctx, int core, uint64_t old, uint64_t new_word);
    void *ctx;
} kvm_hc_ops;

/*
 * find_available_hostcore(action): the upstream scan tries cores
 * my_core+1 .. n-1, then 0 .. my_core-1 (never my own core); each candidate
 * is read once and, if (1,0), CASed once; a failed CAS moves on to the next
 * core (the same core is not retried). Returns the reserved core or -1.
 * *probes (optional) receives the number of cores examined (the real-mode
 * work, which the cost model charges).
 */
int kvm_hc_find(const kvm_hc_ops *ops, int n_cores, int my_core, kvm_hc_policy policy,
                uint32_t action, int *probes);

#endif
