/*
 * xics/xics.h — the PAPR XICS interrupt controller exactly as KVM-HV
 * emulates it for a guest (Linux 4.6–4.9 baseline), as pure state machines.
 *
 * OVERVIEW
 *
 * One `struct xics` per VM. It holds the presentation controllers (ICP, one
 * per VCPU, found by *server number*) and the source controllers (ICS, 1024
 * sources each, created on demand). Guests talk to it through the hcalls
 * H_XIRR, H_XIRR_X, H_CPPR, H_EOI, H_IPI, H_IPOLL; RTAS talks to it through
 * set-xive / get-xive / int-on / int-off; devices assert sources with
 * xics_irq_line(). Nothing here has a clock, does I/O, sleeps or wakes
 * anything: every operation returns a PAPR return code plus a list of
 * *effects* (raise this VCPU's external line, lower mine, kick that VCPU,
 * notify an EOI) that the caller — the DES driver or a live engine — carries
 * out. Kernel sources mirrored: arch/powerpc/kvm/book3s_xics.c (virtual
 * mode), book3s_hv_rm_xics.c (real mode), book3s_xics.h. docs/xics.md is the
 * long form of this header.
 *
 * STATE
 *
 * ICP state word (kernel `union kvmppc_icp_state`), one uint64_t, changed
 * only by a whole-word compare-and-swap (I-ICP-atomic). Bit layout, from the
 * least significant bit:
 *
 *   bits  0..23  XISR         24  pending source: 0 = none (XICS_IRQ_SPURIOUS),
 *                                 2 = IPI (XICS_IPI), >= 16 a device source
 *   bits 24..31  CPPR          8  current processor priority (0 most favoured,
 *                                 0xFF least); so bits 0..31 are the XIRR
 *   bits 32..39  MFRR          8  IPI request priority, 0xFF = no IPI
 *   bits 40..47  PPRI          8  priority of the pending XISR, 0xFF = nothing
 *   bit  48      NEED_RESEND   1  a delivery to this ICP failed; the next
 *                                 Down_CPPR / less favoured MFRR rescans
 *   bit  49      OUT_EE        1  derived output line: XISR != 0 && PPRI < CPPR;
 *                                 computed in exactly one place, the commit
 *   bits 50..63  reserved      0  must be zero
 *
 * Reset state (kvmppc_xics_create_icp): CPPR 0, MFRR 0xFF, PPRI 0xFF, XISR 0.
 *
 * Per ICP besides the word: resend_map (one bit per ICS that may hold a
 * source needing a resend to this ICP), the real-mode hand-off (rm_action
 * flags and operands rm_kick_target, rm_resend_icp, rm_reject,
 * rm_eoied_irq), counters (below). The kernel's debug-only rm_dbgstate /
 * rm_dbgtgt are not modelled (nothing reads them).
 *
 * Per source (kernel `struct ics_irq_state`): number, server, priority
 * (0xFF = masked), saved_priority (restored by int-on), resend (a delivery
 * failed, waiting for the target's rescan), masked_pending (delivered while
 * masked), lsi, asserted (LSI line level), exists.
 *
 * COUNTERS (kernel names; shown by xics_dump())
 *   per ICP  n_rm_kick_vcpu, n_rm_check_resend, n_rm_reject, n_rm_notify_eoi
 *            — actions completed in virtual mode after a real-mode hcall
 *            returned H_TOO_HARD (kvmppc_xics_rm_complete);
 *            n_check_resend, n_reject — resend scans and reject redeliveries
 *            done in real mode (book3s_hv_rm_xics.c puts the ++ there);
 *            n_rm_kick_overwrite (hvwake) — xics_rm_defer_kick() replaced a
 *            different pending kick target (the kernel's single
 *            rm_kick_target hazard, kvm-mechanisms.md B.6).
 *   per VM   err_noics (delivery of an IRQ with no ICS), err_noicp (delivery
 *            to a server with no ICP) — the kernel counts these in real mode
 *            only; hvwake counts them in both modes;
 *            n_cas_fail (hvwake) — failed commits (retries) of ICP words;
 *            n_recheck_retry (hvwake) — a failed delivery found NEED_RESEND
 *            already cleared by the owner and retried (the B.5 step 9 race).
 *
 * INVARIANTS (kvm-mechanisms.md §F.1; xics_check() tests all of them)
 *   I-ICP-atomic      every committed word has OUT_EE == (XISR && PPRI < CPPR)
 *                     and zero reserved bits.
 *   I-ICP-consistent  XISR == 0 => PPRI == 0xFF; XISR == IPI => PPRI < CPPR
 *                     and PPRI <= MFRR (equality only at presentation: a
 *                     later less favoured MFRR does not retract the IPI);
 *                     other XISR => PPRI < CPPR, PPRI < MFRR, its ICS exists.
 *   I-no-lost-IRQ     resend => the source's ICS bit is set in the resend_map
 *                     of an ICP whose NEED_RESEND is 1 (or for which a
 *                     3.10-style CHECK_RESEND is recorded); NEED_RESEND => some
 *                     resend_map bit is set (a map bit without NEED_RESEND is
 *                     a harmless leftover of the re-check race, B.5 step 9);
 *                     masked_pending => priority == MASKED. (Delivered while
 *                     masked => masked_pending, not presented => resend:
 *                     these need history and are checked by the tests.)
 *   I-no-lost-IPI     MFRR < CPPR => XISR != 0 && PPRI <= MFRR (the IPI, or
 *                     something at least as favoured, is presented).
 *   plus: an existing unmasked source targets an existing ICP; rm_action
 *   holds only the four defined flags.
 *
 * CONCURRENCY CONTRACT
 *   commit mode XICS_COMMIT_PLAIN (the simulator): single-threaded; a commit
 *   is a compare-then-store, so a step hook that changes the word between
 *   snapshot and commit still forces a retry, exactly like a lost CAS.
 *   commit mode XICS_COMMIT_ATOMIC (a live engine): every ICP word change is
 *   atomic_compare_exchange_strong on an _Atomic uint64_t (seq_cst on
 *   success = the kernel's fully ordered cmpxchg64), ICS updates run under a
 *   per-ICS spinlock (kernel arch_spinlock_t), resend_map bits are atomic
 *   RMWs. May be called concurrently by any number of threads for
 *   *different callers*; each ICP's owner (its VCPU) calls the hcalls for
 *   that caller from one thread at a time, as in the kernel (CPPR and
 *   rm_action are written only by the owner). Progress: ICP updates are
 *   lock-free (a retry means another commit succeeded); ICS operations take
 *   a spinlock. Configuration (xics_create, xics_create_icp,
 *   xics_create_ics, xics_set_source) must finish before threads start,
 *   except that ICS creation publishes the block with a release store.
 *   xics_check() and xics_dump() need a quiescent state for exact results.
 *
 *   Which C11 ordering stands for each kernel barrier used here:
 *     cmpxchg64 (ICP commit)   atomic_compare_exchange_strong, seq_cst / acquire
 *     READ_ONCE(icp->state)    atomic_load, acquire
 *     smp_mb                   atomic_thread_fence(seq_cst)
 *     smp_wmb                  atomic_thread_fence(release)
 *     smp_rmb                  atomic_thread_fence(acquire)
 *     set_bit                  atomic_fetch_or, relaxed (ordered by the fences)
 *     test_and_clear_bit       atomic_fetch_and, seq_cst
 *     arch_spin_lock/unlock    atomic_flag test_and_set acquire / clear release
 *
 * REAL MODE AND VIRTUAL MODE
 *   Every hcall has ONE implementation with a mode parameter:
 *   - XICS_REAL (kvmppc_rm_h_*): does the state transition and, since 4.1,
 *     rejects and resends too; it cannot wake a sleeping thread, so a raise
 *     of a VCPU that is not loaded is deferred by the caller through
 *     xics_rm_defer_kick(); EOI with ack notifiers records NOTIFY_EOI.
 *   - XICS_VIRT (kvmppc_h_*): the whole operation in host context, for VMs
 *     with real_mode = false (and for H_XIRR_X / H_IPOLL always).
 *   The virtual-mode entry after a real-mode H_TOO_HARD is xics_hcall()
 *   (kvmppc_xics_hcall): with real_mode on it only completes the recorded
 *   actions (xics_rm_complete), never redoes the transition (I-one-completion).
 *
 * EFFECTS CONTRACT (for the KVM layer)
 *   RAISE(server)  a commit left OUT_EE set on that ICP (kernel: the success
 *                  path of icp_try_update): set the target's EXTERNAL_LEVEL
 *                  pending bit (queue_intr++), then signal it. Virtual mode:
 *                  kick it unless it is the caller. Real mode (B.7): caller
 *                  itself -> LPCR[MER]; loaded on a thread -> IPI to it; not
 *                  loaded -> H_IPI redirect to a host core (M1) or, failing
 *                  that, xics_rm_defer_kick(x, caller, server).
 *   LOWER(server)  the caller lowers its own external line (clear
 *                  EXTERNAL_LEVEL, LPCR[MER]) — emitted before the commit
 *                  that may raise it again, so process effects in order.
 *   KICK(server)   virtual-mode completion of a recorded kick:
 *                  kvmppc_fast_vcpu_kick(server's VCPU).
 *   NOTIFY_EOI(irq) kvm_notify_acked_irq(irq) (only when ack notifiers exist).
 *   Real-mode protocol for one hcall:
 *     rc = xics_rm_hcall(...) (or xics_h_*(x, XICS_REAL, ...));
 *     carry out fx in order (RAISE may call xics_rm_defer_kick);
 *     rc = xics_rm_finish(x, caller, rc);   // check_too_hard when rc says so
 *     if (rc == XICS_H_TOO_HARD) { exit to host; xics_hcall(... fx2) }.
 *
 * API — see the declarations below; every function that takes a server or
 * IRQ validates it and returns the PAPR / RTAS / HV_E* error the kernel
 * returns, never crashes on guest input.
 */
#ifndef HV_XICS_XICS_H
#define HV_XICS_XICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- constants (kernel values) ---------------------------------------- */

#define XICS_IRQ_SPURIOUS 0u
#define XICS_IPI 2u
#define XICS_IPI_PRIORITY 4u
#define XICS_DEFAULT_PRIORITY 5u
#define XICS_LOWEST_PRIORITY 0xFFu
#define XICS_MASKED 0xFFu            /* priority: masked; PPRI: nothing pending */
#define XICS_FIRST_IRQ 16u           /* KVMPPC_XICS_FIRST_IRQ */
#define XICS_ICS_SHIFT 10u
#define XICS_IRQ_PER_ICS 1024u       /* KVMPPC_XICS_IRQ_PER_ICS */
#define XICS_MAX_ICS_ID 1023u        /* KVMPPC_XICS_MAX_ICS_ID */
#define XICS_NR_IRQS ((XICS_MAX_ICS_ID + 1u) * XICS_IRQ_PER_ICS)
#define XICS_MAX_SERVERS 65536u      /* hvwake bound on server numbers */

/* rm_action flags (XICS_RM_*), kernel values. */
#define XICS_RM_KICK_VCPU 0x1u
#define XICS_RM_CHECK_RESEND 0x2u
#define XICS_RM_REJECT 0x4u
#define XICS_RM_NOTIFY_EOI 0x8u
#define XICS_RM_ALL 0xFu

/* PAPR return codes: X(enum, value, name). */
#define XICS_HRCS(X)                                                        \
    X(XICS_H_SUCCESS, 0, "H_SUCCESS")                                       \
    X(XICS_H_HARDWARE, -1, "H_HARDWARE")                                    \
    X(XICS_H_PARAMETER, -4, "H_PARAMETER")                                  \
    X(XICS_H_TOO_HARD, 9999, "H_TOO_HARD")
enum {
#define XICS_HRC_ENUM(e, v, n) e = v,
    XICS_HRCS(XICS_HRC_ENUM)
#undef XICS_HRC_ENUM
};
const char *xics_hrc_name(int rc);

/* Returned only by real-mode handlers: "state change done; finish with
 * xics_rm_finish() after carrying out the effects". Not a PAPR code. */
#define XICS_RC_FINISH 0x7FFF0001

/* RTAS status of set-xive / get-xive / int-on / int-off failures. */
#define XICS_RTAS_OK 0
#define XICS_RTAS_PARAM_ERROR (-3)

/* XICS hcalls: X(enum, number, name). Reused by the hcall tracepoints. */
#define XICS_HCALLS(X)                                                      \
    X(XICS_H_EOI, 0x64, "H_EOI")                                            \
    X(XICS_H_CPPR, 0x68, "H_CPPR")                                          \
    X(XICS_H_IPI, 0x6c, "H_IPI")                                            \
    X(XICS_H_IPOLL, 0x70, "H_IPOLL")                                        \
    X(XICS_H_XIRR, 0x74, "H_XIRR")                                          \
    X(XICS_H_XIRR_X, 0x2FC, "H_XIRR_X")
enum xics_hcall {
#define XICS_HCALL_ENUM(e, v, n) e = v,
    XICS_HCALLS(XICS_HCALL_ENUM)
#undef XICS_HCALL_ENUM
};
const char *xics_hcall_name(unsigned hcall); /* "H_?" when unknown */
bool xics_is_hcall(unsigned hcall);

/* ---- the ICP state word ------------------------------------------------ */

#define XICS_ICP_XISR_SHIFT 0
#define XICS_ICP_XISR_MASK 0xFFFFFFull
#define XICS_ICP_CPPR_SHIFT 24
#define XICS_ICP_MFRR_SHIFT 32
#define XICS_ICP_PPRI_SHIFT 40
#define XICS_ICP_NEED_RESEND_BIT (1ull << 48)
#define XICS_ICP_OUT_EE_BIT (1ull << 49)
#define XICS_ICP_RESERVED_MASK (~((1ull << 50) - 1))

_Static_assert(XICS_ICP_CPPR_SHIFT == 24, "XIRR = low 32 bits of the word");
_Static_assert((XICS_ICP_XISR_MASK >> 24) == 0, "XISR is 24 bits");
_Static_assert(XICS_ICP_PPRI_SHIFT + 8 <= 48, "PPRI below the flag bits");
_Static_assert((XICS_ICP_RESERVED_MASK & (XICS_ICP_NEED_RESEND_BIT |
               XICS_ICP_OUT_EE_BIT)) == 0, "flags are not reserved");
_Static_assert(XICS_ICP_RESERVED_MASK == 0xFFFC000000000000ull, "50 used bits");

static inline uint32_t xics_icp_xisr(uint64_t w) { return (uint32_t)(w & XICS_ICP_XISR_MASK); }
static inline uint8_t xics_icp_cppr(uint64_t w) { return (uint8_t)(w >> XICS_ICP_CPPR_SHIFT); }
static inline uint8_t xics_icp_mfrr(uint64_t w) { return (uint8_t)(w >> XICS_ICP_MFRR_SHIFT); }
static inline uint8_t xics_icp_ppri(uint64_t w) { return (uint8_t)(w >> XICS_ICP_PPRI_SHIFT); }
static inline bool xics_icp_need_resend(uint64_t w) { return (w & XICS_ICP_NEED_RESEND_BIT) != 0; }
static inline bool xics_icp_out_ee(uint64_t w) { return (w & XICS_ICP_OUT_EE_BIT) != 0; }
static inline uint32_t xics_icp_xirr(uint64_t w) { return (uint32_t)w; }

/* Setters return a new word; none touches OUT_EE (see xics_icp_seal). */
static inline uint64_t xics_icp_set_field_(uint64_t w, int shift, uint64_t mask, uint64_t v)
{
    return (w & ~(mask << shift)) | ((v & mask) << shift);
}
static inline uint64_t xics_icp_with_xisr(uint64_t w, uint32_t v) { return xics_icp_set_field_(w, XICS_ICP_XISR_SHIFT, XICS_ICP_XISR_MASK, v); }
static inline uint64_t xics_icp_with_cppr(uint64_t w, uint8_t v) { return xics_icp_set_field_(w, XICS_ICP_CPPR_SHIFT, 0xFF, v); }
static inline uint64_t xics_icp_with_mfrr(uint64_t w, uint8_t v) { return xics_icp_set_field_(w, XICS_ICP_MFRR_SHIFT, 0xFF, v); }
static inline uint64_t xics_icp_with_ppri(uint64_t w, uint8_t v) { return xics_icp_set_field_(w, XICS_ICP_PPRI_SHIFT, 0xFF, v); }
static inline uint64_t xics_icp_with_need_resend(uint64_t w, bool v)
{
    return v ? (w | XICS_ICP_NEED_RESEND_BIT) : (w & ~XICS_ICP_NEED_RESEND_BIT);
}

/* The one place OUT_EE is computed (kernel: first line of icp_try_update). */
uint64_t xics_icp_seal(uint64_t w);
/* A sealed word from its fields (tests, restore). */
uint64_t xics_icp_make(uint8_t cppr, uint8_t mfrr, uint8_t ppri, uint32_t xisr,
                       bool need_resend);
/* Reset state of a new ICP: CPPR 0, MFRR 0xFF, PPRI 0xFF, XISR 0. */
#define XICS_ICP_RESET_WORD                                                 \
    (((uint64_t)0xFF << XICS_ICP_MFRR_SHIFT) | ((uint64_t)0xFF << XICS_ICP_PPRI_SHIFT))

/* ---- pure transitions: old word + inputs -> new word + outputs ----------
 * `next` is not sealed (the commit seals it). `write` false means "no update"
 * (Accept with nothing pending). These are the bodies of the kernel's
 * do { snapshot; compute } while (!icp_try_update()) loops. */
struct xics_icp_tx {
    uint64_t next;
    uint32_t reject;   /* displaced XISR (0, XICS_IPI or a source) */
    uint32_t xirr;     /* Accept: the XIRR returned to the guest */
    bool resend;       /* a resend scan is due (need_resend latched) */
    bool ok;           /* try_deliver: presented */
    bool write;        /* commit needed */
};
/* Accept_Interrupt (kvmppc_h_xirr). */
struct xics_icp_tx xics_icp_accept(uint64_t s);
/* Down_CPPR with the cut-down Resend / Check_IPI / IPI (icp_down_cppr). */
struct xics_icp_tx xics_icp_down_cppr(uint64_t s, uint8_t cppr);
/* Up_CPPR with Reject_Current (kvmppc_h_cppr, raising branch). */
struct xics_icp_tx xics_icp_up_cppr(uint64_t s, uint8_t cppr);
/* Set_MFRR, Check_IPI, IPI, and the resend when MFRR is made less favoured
 * (kvmppc_h_ipi). */
struct xics_icp_tx xics_icp_set_mfrr(uint64_t s, uint8_t mfrr);
/* icp_try_to_deliver: present irq at prio or set NEED_RESEND. */
struct xics_icp_tx xics_icp_try_deliver(uint64_t s, uint32_t irq, uint8_t prio);

/* ---- effects ----------------------------------------------------------- */

#define XICS_FX_KINDS(X)                                                    \
    X(XICS_FX_RAISE, "RAISE")                                               \
    X(XICS_FX_LOWER, "LOWER")                                               \
    X(XICS_FX_KICK, "KICK")                                                 \
    X(XICS_FX_NOTIFY_EOI, "NOTIFY_EOI")
enum xics_fx_kind {
#define XICS_FX_ENUM(e, n) e,
    XICS_FX_KINDS(XICS_FX_ENUM)
#undef XICS_FX_ENUM
    XICS_FX_NKINDS
};
const char *xics_fx_name(unsigned kind);

struct xics_effect {
    uint32_t kind; /* enum xics_fx_kind */
    uint32_t arg;  /* server (RAISE, LOWER, KICK) or irq (NOTIFY_EOI) */
};
/* A growable list, zero-initialisable (`struct xics_effects fx = {0};`).
 * Operations append; the caller resets it between operations and frees it
 * with xics_fx_fini(). Reuse one per thread: no allocation in steady state. */
struct xics_effects {
    uint32_t n, cap;
    struct xics_effect *v;
};
void xics_fx_reset(struct xics_effects *fx);
void xics_fx_fini(struct xics_effects *fx);
void xics_fx_push(struct xics_effects *fx, uint32_t kind, uint32_t arg);
/* "RAISE(1) LOWER(0)" ("" when empty); returns buf. */
char *xics_fx_str(const struct xics_effects *fx, char *buf, size_t len);

/* ---- objects ----------------------------------------------------------- */

typedef _Atomic uint64_t xics_counter;

#define XICS_RESEND_WORDS ((XICS_MAX_ICS_ID + 1u) / 64u)

struct xics_icp {
    _Atomic uint64_t state;                          /* the word above */
    uint32_t server;                                 /* server number */
    _Atomic uint64_t resend_map[XICS_RESEND_WORDS];  /* bit per ICS id */
    /* Real-mode hand-off, written by the owner only (kernel comments). */
    uint32_t rm_action;                              /* XICS_RM_* */
    uint32_t rm_kick_target;                         /* server to kick */
    uint32_t rm_resend_icp;                          /* server to rescan */
    uint32_t rm_reject;                              /* irq to redeliver */
    uint32_t rm_eoied_irq;                           /* irq to notify */
    xics_counter n_rm_kick_vcpu, n_rm_check_resend, n_rm_reject,
        n_rm_notify_eoi, n_check_resend, n_reject, n_rm_kick_overwrite;
};

struct xics_source {
    uint32_t number;
    uint32_t server;
    uint8_t priority;       /* XICS_MASKED = masked */
    uint8_t saved_priority;
    uint8_t resend;
    uint8_t masked_pending;
    uint8_t lsi;
    uint8_t asserted;       /* LSI only */
    uint8_t exists;
    uint8_t zero_;          /* explicit padding, always 0 (memcmp-able) */
};
_Static_assert(sizeof(struct xics_source) == 16, "no hidden padding");

struct xics_ics {
    atomic_flag lock;       /* taken only in XICS_COMMIT_ATOMIC */
    uint16_t icsid;
    uint16_t n_exists;      /* sources with exists = 1 */
    uint16_t exists_idx[XICS_IRQ_PER_ICS]; /* their indices, creation order */
    struct xics_source src[XICS_IRQ_PER_ICS];
};

enum xics_commit { XICS_COMMIT_PLAIN, XICS_COMMIT_ATOMIC };
enum xics_mode { XICS_VIRT, XICS_REAL };

/* Step points where a test (or an interleaving explorer) may run another
 * operation, to reproduce the races the kernel comments describe. */
enum xics_step {
    XICS_STEP_BEFORE_COMMIT,  /* snapshot taken, transition computed */
    XICS_STEP_DELIVER_FAILED, /* try_deliver committed NEED_RESEND; the
                                 source's resend and map bit are not yet set */
    XICS_STEP_BEFORE_RECHECK, /* map bit set; need_resend not yet re-read */
};
struct xics;
typedef void (*xics_step_fn)(struct xics *x, enum xics_step step,
                             uint32_t server, uint32_t irq, void *arg);

struct xics_cfg {
    uint32_t nr_servers;   /* server numbers 0 .. nr_servers-1 may exist */
    bool real_mode;        /* kernel default true on POWER7+ */
    bool real_mode_dbg;    /* every real-mode hcall returns H_TOO_HARD */
    bool ack_notifiers;    /* VM has irq ack notifiers (drives NOTIFY_EOI) */
    bool rm_defer;         /* 3.10-style: real mode defers reject and resend
                              to virtual mode (rm_action REJECT/CHECK_RESEND);
                              default false = >= 4.1 behaviour */
    enum xics_commit commit;
};

struct xics {
    struct xics_cfg cfg;
    bool real_mode, real_mode_dbg, ack_notifiers;  /* may change at run time */
    uint32_t nr_servers;
    struct xics_icp **icp;                          /* [server] or NULL */
    uint32_t nr_icps;
    _Atomic(struct xics_ics *) ics[XICS_MAX_ICS_ID + 1];
    _Atomic uint32_t max_icsid;
    xics_counter err_noics, err_noicp, n_cas_fail, n_recheck_retry;
    xics_step_fn step;                              /* test hook or NULL */
    void *step_arg;
    char check_msg[256];
};

/* ---- lifecycle and configuration (hvwake API errors: HV_E*) ------------ */

struct xics *xics_create(const struct xics_cfg *cfg); /* dies on bad cfg */
void xics_destroy(struct xics *x);
/* kvmppc_xics_create_icp: HV_OK, HV_ERANGE (server >= nr_servers),
 * HV_EEXIST. */
int xics_create_icp(struct xics *x, uint32_t server);
struct xics_icp *xics_find_server(const struct xics *x, uint32_t server);
/* kvmppc_xics_create_ics for the block holding irq: HV_OK or HV_ERANGE. */
int xics_create_ics(struct xics *x, uint32_t irq);
struct xics_ics *xics_find_ics(const struct xics *x, uint32_t irq);
/* The source state of irq, or NULL when its ICS does not exist. */
const struct xics_source *xics_source(const struct xics *x, uint32_t irq);
uint64_t xics_icp_word(const struct xics *x, uint32_t server); /* 0 if none */

/* xics_set_source (KVM_DEV_XICS_GRP_SOURCES): creates the ICS on demand,
 * marks the source existing. HV_ERANGE (irq < 16 or >= XICS_NR_IRQS, prio >
 * 0xFF), HV_EINVAL (unmasked to an unknown server). A pending source is
 * delivered (effects). */
struct xics_source_cfg {
    uint32_t server;
    uint32_t priority;     /* saved priority; 0xFF = masked */
    bool masked;           /* priority := MASKED, saved = priority */
    bool lsi;
    bool pending;          /* LSI: asserted; MSI: deliver now */
};
int xics_set_source(struct xics *x, uint32_t irq, const struct xics_source_cfg *c,
                    struct xics_effects *fx);

/* kvmppc_xics_set_icp: load a userspace ICP state with the kernel's
 * consistency checks (HV_EINVAL / HV_ENOENT); rescans when MFRR is made less
 * favoured. */
int xics_set_icp(struct xics *x, uint32_t server, uint8_t cppr, uint8_t mfrr,
                 uint8_t ppri, uint32_t xisr, struct xics_effects *fx);

/* ---- device side (ics_deliver_irq) -------------------------------------- */

enum xics_level {
    XICS_LINE_LOW = 0,          /* LSI deasserted (and MSI: nothing) */
    XICS_LINE_HIGH = 1,         /* LSI asserted; MSI: fire */
    XICS_LINE_SET = -1,         /* KVM_INTERRUPT_SET: fire */
    XICS_LINE_UNSET = -2,       /* KVM_INTERRUPT_UNSET */
    XICS_LINE_SET_LEVEL = -3,   /* KVM_INTERRUPT_SET_LEVEL: asserted */
};
/* HV_OK, or HV_EINVAL when the ICS or the source does not exist. */
int xics_irq_line(struct xics *x, uint32_t irq, int level, struct xics_effects *fx);

/* ---- RTAS (book3s_rtas.c + kvmppc_xics_*): XICS_RTAS_OK or -3 ----------- */
int xics_set_xive(struct xics *x, uint32_t irq, uint32_t server, uint32_t priority,
                  struct xics_effects *fx);
int xics_get_xive(const struct xics *x, uint32_t irq, uint32_t *server,
                  uint32_t *priority);
int xics_int_on(struct xics *x, uint32_t irq, struct xics_effects *fx);
int xics_int_off(struct xics *x, uint32_t irq);

/* ---- hcalls -------------------------------------------------------------
 * caller = server number of the calling VCPU's ICP. Results in *out (r4)
 * and *out2 (r5) where the hcall has them (NULL allowed).
 * Virtual mode returns the final PAPR code. Real mode returns
 * XICS_RC_FINISH (state change done; carry out fx, then xics_rm_finish())
 * or a final code: H_TOO_HARD (real_mode off, no real-mode handler, no
 * caller ICP), H_PARAMETER (H_IPI to an unknown server; bad argument),
 * H_SUCCESS (H_CPPR to the current value). */
int xics_h_xirr(struct xics *x, enum xics_mode m, uint32_t caller, uint32_t *xirr,
                struct xics_effects *fx);
/* H_XIRR_X: Accept; r5 = timebase, which the caller (it has the clock) sets. */
int xics_h_xirr_x(struct xics *x, enum xics_mode m, uint32_t caller, uint32_t *xirr,
                  struct xics_effects *fx);
int xics_h_cppr(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t cppr,
                struct xics_effects *fx);
int xics_h_eoi(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t xirr,
               struct xics_effects *fx);
int xics_h_ipi(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t server,
               uint64_t mfrr, struct xics_effects *fx);
/* H_IPOLL: r4 = CPPR<<24 | XISR, r5 = MFRR of server; no state change. */
int xics_h_ipoll(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t server,
                 uint64_t *r4, uint64_t *r5);

/* Real-mode table dispatch (hcall_try_real_mode): args = r4, r5. */
int xics_rm_hcall(struct xics *x, uint32_t caller, unsigned hcall,
                  const uint64_t args[2], uint64_t ret[2], struct xics_effects *fx);
/* Virtual-mode entry (kvmppc_xics_hcall): H_XIRR_X and H_IPOLL run in full;
 * with real_mode on, the others only complete what real mode recorded
 * (xics_rm_complete); otherwise they run in full in virtual mode.
 * H_HARDWARE when the caller has no ICP; H_PARAMETER for a non-XICS hcall. */
int xics_hcall(struct xics *x, uint32_t caller, unsigned hcall,
               const uint64_t args[2], uint64_t ret[2], struct xics_effects *fx);

/* Fallback for a real-mode RAISE of a VCPU that is not loaded and could
 * not be redirected (icp_rm_set_vcpu_irq): caller rm_action |= KICK_VCPU,
 * rm_kick_target = target. HV_OK or HV_ENOENT (no such caller ICP). */
int xics_rm_defer_kick(struct xics *x, uint32_t caller, uint32_t target);
/* check_too_hard: H_TOO_HARD iff real_mode_dbg or caller rm_action != 0. */
int xics_check_too_hard(const struct xics *x, uint32_t caller);
/* rc == XICS_RC_FINISH ? xics_check_too_hard() : rc. */
int xics_rm_finish(const struct xics *x, uint32_t caller, int rc);
/* kvmppc_xics_rm_complete: in order KICK (effect KICK), CHECK_RESEND (rescan
 * rm_resend_icp), REJECT (redeliver rm_reject), NOTIFY_EOI (effect), each
 * bumping its n_rm_* counter; clears rm_action; H_SUCCESS. Internal
 * deliveries may add RAISE effects. */
int xics_rm_complete(struct xics *x, uint32_t caller, struct xics_effects *fx);

/* ---- checks and output -------------------------------------------------- */

/* NULL, or the first broken invariant (message valid until the next call). */
const char *xics_check(struct xics *x);
/* States equal (ICP words, resend maps, sources, rm_action); counters are
 * not compared. */
bool xics_equal(const struct xics *a, const struct xics *b);

/* The kernel's debugfs file (xics_debug_show): ICP lines in server order,
 * the two totals lines, then every source of every ICS (1024 lines per ICS)
 * or, with existing_only, only sources that exist. */
void xics_dump(const struct xics *x, FILE *out, bool existing_only);
/* Same into buf (always NUL-terminated); returns the length it needed. */
size_t xics_dump_buf(const struct xics *x, char *buf, size_t len, bool existing_only);

#endif
