/*
 * live/live.h — the live engine: M1 (H_IPI redirect), the IPI message demux,
 * the VM-destroy drain, the vcore sleep/wake handshake and the XICS ICP word,
 * run on real POSIX threads with C11 atomics.
 *
 * OVERVIEW
 *   The simulator interleaves threads only at event boundaries; real CPUs
 *   interleave anywhere. This engine runs the very same pure modules as the
 *   simulator — the M1 per-core word and its scan (kvm/hostcore.h,
 *   kvm_hc_find with an atomic committer), the PPC_MSG_* word and its demux
 *   order (hw/ipimsg.h), the XICS hcalls (xics/xics.h in XICS_COMMIT_ATOMIC)
 *   — under real concurrency, checks cross-field invariants while it runs,
 *   and measures the protocol on the machine it runs on.
 *
 *   Threads (one pthread each, optionally pinned round-robin to the CPUs the
 *   process may use):
 *   - host core c (thread 0 of a POWER8 core, SMT off): idles until an "IPI"
 *     (a futex sleep, or a spin on its message word), enters the guest now
 *     and then (in_host := 0, polls host_ipi like the exit path's read_intr,
 *     in_host := 1 on exit), and runs the host IPI handler
 *     (icp_native_ipi_action: clear host_ipi, smp_ipi_demux with
 *     RM_HOST_ACTION first, rm_host_ipi_action, the call-function ack).
 *     Host-core threads outlive VMs, like host CPUs.
 *   - sender s: a VCPU of the VM running in the guest on its own core
 *     (in_host = 0 for good) that issues real-mode H_IPIs
 *     (kvmppc_rm_h_ipi: xics_rm_hcall) to target VCPUs and carries out the
 *     RAISE effects (icp_rm_set_vcpu_irq): pending bit, then M1's
 *     find_available_hostcore + icp_send_hcore_msg (≥4.11 form: rm_data,
 *     set_message, set_host_ipi, cause IPI), or, with no free core or
 *     redirect off, xics_rm_defer_kick -> H_TOO_HARD -> the virtual-mode
 *     completion (xics_hcall) whose KICK the sender performs itself — the
 *     exit-to-host path as it looks in user space: a futex wake in the
 *     sender's thread.
 *   - runner t: the task of a target VCPU that is not running, asleep on its
 *     vcore wait queue (kvmppc_vcore_blocked: arm the wait, re-check
 *     pending, sleep on a futex). Woken by the kick
 *     (kvmppc_fast_vcpu_kick_hv: swake_up), it lowers its line, accepts
 *     (H_XIRR), clears the IPI (H_IPI self 0xFF) and EOIs (H_EOI) until
 *     nothing is pending — the owner side of the ICP word while senders CAS
 *     the same word from other threads.
 *   - the main thread creates and destroys the VMs: a run is `epochs` VM
 *     lifetimes. Destroy (kvm_arch_destroy_vm): the VCPU threads are gone,
 *     then kick_all_cpus_sync() — a CALL_FUNCTION message to every host core
 *     and a wait for each acknowledgement — and only then are the VCPU
 *     objects free()d, each separately (so a missing drain is a
 *     use-after-free that ASan reports).
 *
 *   Simplifications (docs/verification.md): targets are never loaded on a
 *   hardware thread (the M1 case); one action (KICK_VCPU); the physical ICP
 *   and MFRR are not modelled (the "IPI" is the futex wake or the message
 *   word itself); host cores do not go offline; the 4.6 send variant (R5)
 *   is checked in the Promela model only (models/m1.pml), the live engine
 *   sends the ≥4.11 way (host_ipi set).
 *
 * STATE (per core, one 128-byte line like struct kvmppc_host_rm_core)
 *   rm_state   the kvm/hostcore.h word (in_host | rm_action << 32)
 *   rm_data    the VCPU to kick, NULL when none
 *   msgs       the PPC_MSG_* word of the core's thread 0 (hw/ipimsg.h)
 *   host_ipi   1 = a host IPI was sent and not yet taken (paca host_ipi)
 *   idle       futex word: 1 = thread 0 sleeps in the idle loop
 *   csd_req / csd_ack   kick_all_cpus_sync request and acknowledgement
 *   per VCPU: pending (EXTERNAL_LEVEL bit), waiting (futex: 1 = asleep on
 *   the vcore wait queue), raise_ts (closed load: when the sender issued
 *   its H_IPI), accepted (IPIs the runner took).
 *
 * INVARIANTS (checked while running; a broken one prints "live: invariant
 * broken: ..." and exits 1 — except I-no-UAF under ASan, which is recorded
 * (live_run returns HV_ECHECK) so that the access itself reaches ASan)
 *   I-reservation-exclusive  a successful reserving CAS finds no outstanding
 *                            reservation on that core (shadow counters).
 *   I-reservation-released   a release matches exactly one reservation; at
 *                            every drain reserved == released and
 *                            every rm word is (in_host, 0) with rm_data NULL;
 *                            at the end handler kicks == redirects.
 *   I-published-before-send  an RM_HOST_ACTION message taken by the handler
 *                            finds rm_data set, to the VCPU its reserver
 *                            stored (R2, R3).
 *   I-no-UAF                 no VCPU is freed while some core's rm_data
 *                            points to it or an RM_HOST_ACTION is pending; no
 *                            kick reaches a VCPU of a freed VM.
 *   I-no-lost-wakeup         after the senders stop, every redirect is
 *                            handled and every target consumes its pending
 *                            interrupt within the watchdog.
 *   I-ICP                    xics_check() once a VM settles (every second VM
 *                            and the last), with every target ICP idle
 *                            (XISR 0, MFRR 0xFF) and its runner asleep.
 *
 * BARRIERS: which C11 ordering stands for each kernel barrier
 *   kernel (POWER)                      C11 in this engine
 *   cmpxchg64 (reserve, rm_state)       atomic_compare_exchange_strong seq_cst
 *                                       (fully ordered: sync ... sync)
 *   READ_ONCE(rm_state)                 atomic_load acquire
 *   smp_wmb after the reserving CAS     subsumed by the seq_cst CAS; rm_data
 *     (lwsync), then rm_data = vcpu     is stored with release
 *   smp_mb + byte store                 atomic_fetch_or seq_cst on msgs
 *     (smp_muxed_ipi_set_message)
 *   kvmppc_set_host_ipi: smp_mb; st 1   atomic_store seq_cst
 *   smp_mb before cause_ipi / msgsnd    atomic_thread_fence seq_cst
 *   kvmppc_clear_host_ipi: st 0; smp_mb atomic_store seq_cst
 *   smp_ipi_demux: mb(); xchg           atomic_exchange seq_cst
 *   handler reads rm_data (ordered by   atomic_load acquire
 *     the IPI's delivery)
 *   rm_data = NULL; smp_wmb (lwsync);   relaxed store of NULL, then the clear
 *     rm_action = 0                     by CAS with release
 *   kvmppc_set/clear_host_core (plain   CAS loop relaxed (entry: the smp_wmb
 *     32-bit store of in_host)          of kvmppc_start_thread follows) /
 *                                       release (exit: spin_unlock follows)
 *   set_bit(pending_exceptions)         atomic_fetch_or seq_cst
 *   prepare_to_swait + set_current_     atomic_store seq_cst of waiting,
 *     state (smp_mb), then re-check     then the load of pending
 *   swake_up (wakes if on the queue)    atomic_exchange seq_cst of waiting
 *   csd_unlock: smp_store_release       atomic_store release of csd_ack
 *   csd_lock_wait: smp_cond_load_acquire atomic_load acquire of csd_ack
 *   isync (context synchronisation)     no counterpart: user space has no
 *                                       instruction-fetch or MMU context
 *   (The XICS ICP word's own table is in xics/xics.h.)
 *
 * CONCURRENCY CONTRACT
 *   live_run() is not reentrant: it owns the threads it starts and joins
 *   them all before returning. Inside: the reserve is lock-free (a failed
 *   CAS moves to the next core); the handler's and the in_host CAS loops
 *   are lock-free; runners and idle cores sleep on futexes; the drain
 *   blocks until every host core has acknowledged. The checker's shadow
 *   counters are atomics ordered by the protocol's own barriers (each one
 *   says which); its loads from the main thread are relaxed, so that the
 *   checker adds no synchronisation the protocol is supposed to provide.
 *
 * BUG SWITCHES (cfg.bug; tests/live show the checker catches each)
 *   no-drain       destroy frees the VCPUs without kick_all_cpus_sync
 *                  (R4): the checker reports a VCPU freed while referenced;
 *                  under ASan the handler's later kick is a use-after-free.
 *   release-order  the handler clears rm_action before rm_data (R2): a new
 *                  reservation's rm_data is overwritten with NULL, its
 *                  message finds no data and the core stays reserved.
 *   relaxed-ack    the drain's acknowledgement without release/acquire: the
 *                  kick's last access to the VCPU is no longer ordered before
 *                  free(); ThreadSanitizer reports the race (no other build
 *                  can see a missing barrier on x86).
 */
#ifndef HV_LIVE_LIVE_H
#define HV_LIVE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "des/hist.h"

/* How a sender raises the "IPI" at a reserved core's thread 0. */
#define LIVE_SIGNALS(X)                                                     \
    X(LIVE_SIGNAL_FUTEX, "futex") /* futex wake of a sleeping core thread */ \
    X(LIVE_SIGNAL_SPIN, "spin")   /* none: the core spins on its msg word */

typedef enum {
#define LIVE_SIG_ENUM(e, n) e,
    LIVE_SIGNALS(LIVE_SIG_ENUM)
#undef LIVE_SIG_ENUM
    LIVE_SIGNAL_COUNT
} live_signal;

/* How senders pace their H_IPIs. */
#define LIVE_LOADS(X)                                                       \
    X(LIVE_LOAD_OPEN, "open")     /* back to back: stress, coalescing */    \
    X(LIVE_LOAD_CLOSED, "closed") /* wait until the target took it */

typedef enum {
#define LIVE_LOAD_ENUM(e, n) e,
    LIVE_LOADS(LIVE_LOAD_ENUM)
#undef LIVE_LOAD_ENUM
    LIVE_LOAD_COUNT
} live_load;

#define LIVE_BUGS(X)                                                        \
    X(LIVE_BUG_NONE, "none")                                                \
    X(LIVE_BUG_NO_DRAIN, "no-drain")                                        \
    X(LIVE_BUG_RELEASE_ORDER, "release-order")                              \
    X(LIVE_BUG_RELAXED_ACK, "relaxed-ack")

typedef enum {
#define LIVE_BUG_ENUM(e, n) e,
    LIVE_BUGS(LIVE_BUG_ENUM)
#undef LIVE_BUG_ENUM
    LIVE_BUG_COUNT
} live_bug;

const char *live_signal_name(live_signal s);
const char *live_load_name(live_load l);
const char *live_bug_name(live_bug b);
/* Index of name in the list, or -1. */
int live_signal_parse(const char *name);
int live_load_parse(const char *name);
int live_bug_parse(const char *name);

#define LIVE_MAX_THREADS 256u /* per kind: cores, senders, targets */

typedef struct live_cfg {
    unsigned cores;        /* host cores, one thread each (>= 1) */
    unsigned senders;      /* H_IPI senders, one thread each (>= 1) */
    unsigned targets;      /* target VCPUs, one runner thread each (>= 1) */
    live_signal signal;
    live_load load;
    bool redirect;         /* h_ipi_redirect: M1 on, else always the fallback */
    bool pin;              /* pin threads round-robin to the allowed CPUs */
    uint64_t iterations;   /* H_IPIs per sender per VM; 0: run for duration_ns */
    uint64_t duration_ns;  /* per VM, when iterations == 0 */
    unsigned epochs;       /* VM lifetimes (create, run, destroy) >= 1 */
    unsigned guest_pct;    /* % of host-core wakeups that enter the guest first */
    unsigned guest_len;    /* mean guest phase, in yields (>= 1) */
    unsigned yield_pct;    /* % chance of a yield at each protocol point */
    uint64_t seed;
    uint64_t watchdog_ns;  /* bound for "eventually" (no lost wakeup) */
    live_bug bug;
} live_cfg;

/* Defaults for the stress validator (cores, senders and targets 4, 2000
 * iterations, 4 VMs, futex, open load, yields 10%). */
live_cfg live_cfg_default(void);

typedef struct live_result {
    unsigned cpus;           /* CPUs the process may run on */
    uint64_t hipi;           /* H_IPIs issued */
    uint64_t raises;         /* RAISEs of another VCPU (the rest coalesced in XICS) */
    uint64_t redirected;     /* reservations (kvm_hc_find found a core) */
    uint64_t fallback;       /* H_TOO_HARD + virtual-mode kick by the sender */
    uint64_t handled;        /* rm_host_ipi_action runs that kicked */
    uint64_t reserved_left_host; /* guest entries of a reserved core (R5 window) */
    uint64_t finds, probes, cas_tries, cas_fails;
    uint64_t guest_entries, guest_ipi_exits;
    uint64_t accepts;        /* IPIs the targets accepted (H_XIRR) */
    uint64_t wakeups;        /* runners woken from their futex sleep */
    uint64_t drains;         /* kick_all_cpus_sync calls */
    uint64_t icp_cas_fails;  /* XICS ICP word CAS retries */
    uint64_t violations;     /* broken invariants (run returns HV_ECHECK) */
    double elapsed_s;        /* wall time the senders ran (all started .. all done) */
    des_hist send_ns;        /* sender side of a redirect: reserve+publish+signal */
    des_hist direct_ns;      /* sender side of the fallback: defer + complete + futex wake */
    des_hist find_ns;        /* one kvm_hc_find */
    des_hist wake_ns;        /* H_IPI issued -> target accepted the IPI */
    char violation[256];     /* the first broken invariant */
} live_result;

void live_result_init(live_result *r);
void live_result_free(live_result *r);

/* NULL, or what is wrong with cfg ("what; expected") for the CLI. */
const char *live_cfg_check(const live_cfg *cfg);

/* Run cfg.epochs VM lifetimes with the checker on. HV_OK, HV_ECHECK (a
 * violation; r->violation says which) or HV_EIO (a thread could not be
 * created or pinned; r->violation says why). */
int live_run(const live_cfg *cfg, live_result *r);

/*
 * The measurement plan of `hvwake live` (one run of duration_ns per row,
 * closed load rows first):
 *   paths  base cores/senders/targets, closed load, yields 0:
 *          redirect + futex, redirect + spin, fallback (redirect off: the
 *          sender wakes the target with a futex syscall in its own thread);
 *   scan   closed load, futex, redirect on, for senders 1, 2, 4 ..
 *          base.senders x cores 2, 4, 8 .. base.cores (each list ends at the
 *          base value). (An open load saturates: every core stays reserved
 *          and the scan measures only its no-free-core path.)
 * Rows are appended to *rows (*n of them, free with live_rows_free) even on
 * failure; returns HV_OK or the first run's error (violation in its row).
 */
typedef struct live_row {
    const char *table;     /* "paths" or "scan" */
    live_cfg cfg;
    live_result r;
} live_row;

int live_measure(const live_cfg *base, uint64_t duration_ns, live_row **rows, size_t *n);
void live_rows_free(live_row *rows, size_t n);

/* CPUs this process may run on (sched_getaffinity). */
unsigned live_cpus(void);

#endif
