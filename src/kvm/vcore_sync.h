/*
 * kvm/vcore_sync.h — the per-vcore words threads use to enter and leave the
 * guest together (POWER8 whole-core rule), as pure functions.
 *
 * entry_exit_map (uint32, book3s_hv_rmhandlers.S since ~4.1; was
 * entry_exit_count in 2014):
 *   bits 0..7   thread ptid has entered the guest this round
 *   bits 8..15  thread ptid has started exiting
 *   A thread may enter only while no exit bit is set (else it goes to
 *   secondary_too_late); "some thread is exiting" is map >= 0x100; the primary
 *   switches the partition back only when every entered thread has exited.
 *   Invariant I-entry-exit-sync: exit bits are a subset of entry bits, and no
 *   entry bit is added once an exit bit is set.
 *
 * napping_threads (uint8): threads napping in H_CEDE. kvmppc_h_cede: if the
 *   ceding thread would make every entered thread napping, the vcore exits to
 *   the host instead (kvm_cede_exit) and the host handles the cede.
 *
 * Concurrency: the kernel updates these with lwarx/stwcx. loops; here they are
 * pure functions old -> new, committed by the driver (plain store in the DES,
 * CAS in a live engine).
 */
#ifndef HV_KVM_VCORE_SYNC_H
#define HV_KVM_VCORE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KVM_EEM_EXIT_SHIFT 8

typedef struct kvm_eem_result {
    bool ok;      /* enter: allowed; exit: this thread is the first exiter */
    uint32_t map; /* new value */
} kvm_eem_result;

static inline bool kvm_eem_exiting(uint32_t map) { return map >= (1u << KVM_EEM_EXIT_SHIFT); }
static inline uint32_t kvm_eem_entered(uint32_t map) { return map & 0xffu; }
static inline uint32_t kvm_eem_exited(uint32_t map) { return (map >> KVM_EEM_EXIT_SHIFT) & 0xffu; }

/* Thread ptid tries to enter (kvmppc_hv_entry). Refused once any exit began. */
kvm_eem_result kvm_eem_enter(uint32_t map, unsigned ptid);
/* Thread ptid starts exiting; ok = it is the first (it must pull the others
 * out: kvmhv_commence_exit). */
kvm_eem_result kvm_eem_exit(uint32_t map, unsigned ptid);
/* Every entered thread has exited (the primary may switch back). */
bool kvm_eem_all_out(uint32_t map);
/* Threads that entered and have not started exiting: the exit IPI targets. */
uint32_t kvm_eem_still_in(uint32_t map);
/* I-entry-exit-sync as a check: NULL, or a message written to buf (len
 * bytes) and returned. */
const char *kvm_eem_check(uint32_t map, char *buf, size_t len);

/* kvmppc_h_cede: would ptid napping make every entered thread napping? */
bool kvm_cede_all_napping(uint8_t napping, uint32_t map, unsigned ptid);

#endif
