/*
 * live/live_internal.h — the live engine's shared state (see live.h for the
 * protocol, the barrier table and the invariants). Private to src/live/.
 */
#ifndef HV_LIVE_LIVE_INTERNAL_H
#define HV_LIVE_LIVE_INTERNAL_H

#include "live/live.h"

#include "des/rng.h"
#include "xics/xics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Built with ASan: I-no-UAF is recorded, not fatal, so that the access to
 * the freed VCPU reaches ASan (live_violation). */
#if defined(__SANITIZE_ADDRESS__)
#define LIVE_ASAN 1
#else
#define LIVE_ASAN 0
#endif

/* BOOK3S_IRQPRIO_EXTERNAL_LEVEL in pending_exceptions. */
#define LIVE_PEND_EXTERNAL 1u

/* RNG entity kinds of the live engine: LIVE_RNG_* in des/rng.h (DES_RNG_KINDS). */

typedef struct live_vcpu {
    uint32_t server;            /* XICS server number = index in the VM */
    unsigned epoch;             /* the VM's number (1, 2, ...) */
    _Atomic uint32_t pending;   /* LIVE_PEND_EXTERNAL: raised, not yet lowered */
    _Atomic uint32_t waiting;   /* futex: 1 = the runner sleeps on the vcore wq */
    _Atomic uint64_t raise_ts;  /* closed load: ns the sender issued its H_IPI, 0 none */
    _Atomic uint64_t accepted;  /* IPIs the runner accepted and handled */
    _Atomic uint64_t queue_intr, halt_wakeup, kicks; /* kernel stat names */
} live_vcpu;

typedef struct live_core {
    _Alignas(128) _Atomic uint64_t rm_state; /* kvm/hostcore.h word */
    _Atomic(live_vcpu *) rm_data;
    _Atomic uint64_t msgs;                   /* hw/ipimsg.h word */
    _Atomic uint32_t host_ipi;
    _Atomic uint32_t idle;                   /* futex word */
    _Atomic uint64_t csd_req, csd_ack;       /* kick_all_cpus_sync */
    /* checker shadow (I-reservation-*, I-no-UAF) */
    _Atomic uint64_t chk_reserved, chk_released;
    _Atomic(live_vcpu *) chk_vcpu;           /* what the reserver stores */
    _Atomic unsigned chk_epoch;              /* the reserver's VM */
    /* counters */
    _Atomic uint64_t handled, reserved_left_host, guest_entries, guest_ipi_exits;
    bool host;                               /* a host core with a thread */
    unsigned index;
    des_rng rng;                             /* owned by the core's thread */
    pthread_t th;
    struct live_sys *sys;
} live_core;

typedef struct live_vm {
    unsigned epoch;
    struct xics *x;
    uint32_t n;                /* senders + targets */
    live_vcpu **vcpu;          /* [server]: senders first, then targets */
} live_vm;

/* One thread's view: a sender or a runner. Histograms are owned by the
 * thread and merged after it is joined. */
typedef struct live_worker {
    struct live_sys *sys;
    live_vm *vm;
    live_vcpu *me;
    unsigned index;            /* sender or runner number */
    unsigned my_core;          /* senders: the core they run the guest on */
    des_rng rng;
    struct xics_effects fx, fx2;
    des_hist send_ns, direct_ns, find_ns, wake_ns;
    uint64_t t_defer;          /* ns the last deferred raise started */
    uint64_t hipi, raises, redirected, fallback, finds, probes, cas_tries, cas_fails,
        accepts, wakeups;
    pthread_t th;
} live_worker;

typedef struct live_sys {
    live_cfg cfg;
    unsigned ncores;           /* host cores + sender cores */
    live_core *core;           /* [ncores] */
    _Atomic int stop_cores;    /* host-core threads leave */
    _Atomic int stop_vcpus;    /* runners leave (VM destroy) */
    _Atomic int stop_senders;  /* duration runs: senders stop */
    _Atomic unsigned senders_running; /* senders of this VM that started */
    _Atomic unsigned freed_upto; /* VCPUs of VMs 1..freed_upto are freed */
    _Atomic uint64_t drains;
    uint64_t redirected_before;  /* redirects of the VMs before this one (main thread) */
    _Atomic uint64_t violations;
    _Atomic int violation_set;
    char violation[256];
    unsigned *cpus;            /* allowed CPUs (pinning) */
    unsigned ncpus;
    _Atomic unsigned next_cpu;
} live_sys;

/* ---- helpers (live_sys.c) ---- */
uint64_t live_now_ns(void);
void live_futex_wait(_Atomic uint32_t *w, uint32_t val);
void live_futex_wake(_Atomic uint32_t *w);
/* A seeded random yield at a protocol point (cfg.yield_pct). */
void live_yield_point(const live_sys *s, des_rng *r);
/* A broken invariant: print "live: <msg>" and exit(1); with fatal false
 * (I-no-UAF under ASan, so that ASan sees the access) record it only. */
void live_violation(live_sys *s, bool fatal, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Pin the calling thread to the next allowed CPU (cfg.pin). HV_OK / HV_EIO. */
int live_pin_self(live_sys *s);

/* ---- host cores (live_core.c) ---- */
void *live_core_main(void *arg);
/* The sender side of a host IPI to core c's thread 0: set_message(msg),
 * kvmppc_set_host_ipi, full barrier, cause the IPI (futex or nothing). */
void live_send_host_ipi(live_sys *s, live_core *c, int msg);
/* kick_all_cpus_sync(): CALL_FUNCTION to every host core, wait for each. */
void live_kick_all_cpus_sync(live_sys *s);

/* ---- VCPUs (live_vcpu.c) ---- */
/* kvmppc_fast_vcpu_kick_hv: wake the runner if it sleeps. */
void live_kick(live_vcpu *v);
void *live_sender_main(void *arg);
void *live_runner_main(void *arg);

#endif
