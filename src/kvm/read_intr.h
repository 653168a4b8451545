/*
 * kvm/read_intr.h — M2: telling host IPIs from guest IPIs in real mode.
 *
 * Overview
 *   Mirrors kvmppc_read_intr()/kvmppc_read_one_intr() (book3s_hv_builtin.c,
 *   C version since 37f55d30df2e, 2016; the 2014 assembly in
 *   book3s_hv_rmhandlers.S has the same decisions). It runs in real mode on a
 *   hardware thread that took an external interrupt while in the guest, or
 *   that woke from nap with SRR1 wake reason "external" (kvmppc_check_wake_reason).
 *
 *   The decision is a sequence of reads and writes on shared state (the
 *   thread's host_ipi byte and its physical ICP), so it is expressed as three
 *   pure steps; the driver performs the returned actions between them and may
 *   let other events run in between (that is how the host_ipi race of
 *   kvm-mechanisms.md D.7 happens in the model):
 *
 *     step 1  kvm_ri_check_host_ipi(host_ipi)
 *               host_ipi != 0           -> KVM_RI_HOST (1); the physical ICP
 *                                          is not touched, Linux takes the
 *                                          interrupt after the exit
 *               else                    -> continue: load XIRR (accept)
 *     step 2  kvm_ri_classify(xirr)     (after the cache-inhibited XIRR load;
 *                                        saved_xirr := xirr, full barrier)
 *               XISR == 0               -> KVM_RI_NONE (0): spurious or an
 *                                          MER-induced exit
 *               XISR != XICS_IPI        -> KVM_RI_HOST (1): a device
 *                                          interrupt, latched in saved_xirr
 *               XISR == XICS_IPI        -> actions MFRR := 0xFF, store XIRR
 *                                          (EOI), full barrier; continue
 *     step 3  kvm_ri_recheck(host_ipi)  (host_ipi read again)
 *               host_ipi != 0           -> action MFRR := IPI_PRIORITY
 *                                          (re-raise: "we raced with the
 *                                          host"), KVM_RI_HOST (1)
 *               else                    -> saved_xirr := 0, KVM_RI_GUEST_IPI
 *                                          (-1): a guest wakeup, consumed
 *
 *   What the caller does with the result (kvmppc_interrupt_hv / nap wake):
 *   1 -> exit to the host (trap 0x500); 0 or -1 -> stay in the guest unless
 *   another thread of the vcore is already exiting (joining an exit under way
 *   is mandatory), with LPCR[MER] := pending EXTERNAL_LEVEL and a 0x500
 *   injected if MSR[EE] (kvm_deliver_guest_interrupt below).
 *
 * Simplifications
 *   No OPAL fallback (every thread has xics_phys), no XIVE, no passthrough
 *   (return codes 2 / -2), so the "again" loop of kvmppc_read_intr never
 *   repeats.
 *
 * Concurrency contract
 *   Pure functions. The driver must perform the actions of a step before the
 *   next step, in the listed order; the live engine does them on atomics with
 *   the barriers named above (smp_mb after the XIRR load, after the EOI).
 */
#ifndef HV_KVM_READ_INTR_H
#define HV_KVM_READ_INTR_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw.h"

/* Return values of kvmppc_read_intr(). */
#define KVM_RI_RESULTS(X)                                                    \
    X(KVM_RI_GUEST_IPI, -1, "guest_ipi")                                     \
    X(KVM_RI_NONE, 0, "none")                                                \
    X(KVM_RI_HOST, 1, "host")

typedef enum {
#define KVM_RI_ENUM(e, v, n) e = v,
    KVM_RI_RESULTS(KVM_RI_ENUM)
#undef KVM_RI_ENUM
} kvm_ri_result;

const char *kvm_ri_result_name(kvm_ri_result r);

/* Actions for the driver, performed in bit order. */
enum {
    KVM_RI_ACT_LOAD_XIRR = 1u << 0,  /* cache-inhibited load of XIRR: accept */
    KVM_RI_ACT_SAVE_XIRR = 1u << 1,  /* saved_xirr := xirr (the latch) */
    KVM_RI_ACT_CLEAR_MFRR = 1u << 2, /* MFRR := 0xFF */
    KVM_RI_ACT_EOI = 1u << 3,        /* store XIRR := xirr (EOI, restores CPPR) */
    KVM_RI_ACT_REARM_MFRR = 1u << 4, /* MFRR := IPI_PRIORITY (re-raise the host IPI) */
    KVM_RI_ACT_CLEAR_SAVED = 1u << 5 /* saved_xirr := 0 */
};

typedef struct kvm_ri_step {
    bool done;            /* true: result is final; false: run the next step */
    kvm_ri_result result; /* valid when done */
    uint32_t actions;     /* KVM_RI_ACT_* to perform now */
} kvm_ri_step;

kvm_ri_step kvm_ri_check_host_ipi(uint8_t host_ipi);
kvm_ri_step kvm_ri_classify(uint32_t xirr);
kvm_ri_step kvm_ri_recheck(uint8_t host_ipi);

/*
 * deliver_guest_interrupt (book3s_hv_rmhandlers.S): on every return to the
 * guest, LPCR[MER] := pending EXTERNAL_LEVEL; if MSR[EE] is set, a pending
 * external interrupt is injected as 0x500, else a negative guest DEC as 0x900.
 */
typedef enum {
    KVM_INJECT_NONE = 0,
    KVM_INJECT_EXTERNAL = 0x500,
    KVM_INJECT_DECREMENTER = 0x900
} kvm_inject;

typedef struct kvm_deliver {
    bool mer;          /* new LPCR[MER] */
    kvm_inject inject; /* interrupt synthesised into the guest */
} kvm_deliver;

kvm_deliver kvm_deliver_guest_interrupt(bool ext_pending, bool msr_ee, bool dec_negative);

/*
 * kvmppc_check_wake_reason: what a thread leaving nap does next, from the
 * decoded SRR1 wake field (hw_wake_reason, hw/hw.h: external 8, decrementer
 * 6, privileged doorbell 5, hypervisor doorbell 3, anything else).
 */
typedef enum {
    KVM_WAKE_ACT_READ_INTR, /* external: run kvmppc_read_intr; trap 0x500 */
    KVM_WAKE_ACT_NOTHING,   /* 0: nothing for the host (decrementer, msgsndp) */
    KVM_WAKE_ACT_HOST       /* 1: the host must handle it (trap H_DOORBELL or other) */
} kvm_wake_action;

/*
 * 2014 semantics (S8): hypervisor doorbell -> host (trap H_DOORBELL). With
 * msgsnd used for intra-core KVM signalling (2015, 66feed61cdf6) a doorbell
 * from KVM is a guest poke: pass doorbell_is_kvm_poke = true to get NOTHING
 * (the woken thread then re-examines its vcpu / pending exceptions).
 */
kvm_wake_action kvm_check_wake_reason(hw_wake_reason w, bool doorbell_is_kvm_poke);

#endif
