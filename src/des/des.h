/*
 * des/des.h — the discrete-event engine: virtual clock and event queue.
 *
 * Overview
 *   Time is virtual, in nanoseconds (des_time, uint64_t). An event is a
 *   handler call fn(sim, obj, arg) at a time. Events are ordered by
 *   (time, seq) where seq is a 64-bit sequence number taken when the event
 *   is scheduled: equal times run in scheduling order, always (FIFO ties).
 *
 * State
 *   now        current virtual time; never decreases.
 *   seq        next sequence number (monotonic, never reused).
 *   pool       event records (time, fn, obj, arg, generation), pooled:
 *              no allocation per event in steady state; the pool grows by
 *              doubling when the pending set exceeds it.
 *   queue      a radix queue on the ns time with 8-bit digits (des.c,
 *              docs/performance.md): schedule and run are O(1) amortised
 *              (an entry moves at most once per byte of the time), FIFO
 *              ties hold by construction, cancellation is lazy (the entry
 *              is dropped when it reaches the front; a sweep compacts when
 *              cancelled entries outnumber pending ones); with 512 or
 *              more pending, a lowest bucket of 8..512 entries (up to 32768
 *              when its time span is below every lead t - now scheduled
 *              lately) is sorted into a run instead of being moved down
 *              (same order, fewer moves). 64 bytes of record plus ~40 bytes
 *              of queue per pending event at 10^6 pending.
 *   stats      scheduled, run, cancelled, pending, peak_pending.
 *
 * Invariants
 *   I-des-order      events run in non-decreasing (time, seq) order.
 *   I-des-monotone   des_at(t) with t < now is a fatal error.
 *   I-des-conserve   scheduled == run + cancelled + pending at all times;
 *                    des_conservation() checks it (end of every run).
 *
 * Handles
 *   des_at/des_after return a des_handle {idx, gen}. It stays valid until
 *   the event runs or is cancelled; after that des_cancel/des_pending on it
 *   report "not pending" (the generation no longer matches), so stale
 *   handles are harmless. The zero handle {0,0} is "none".
 *
 * Concurrency contract
 *   Single-threaded. A des_sim is owned by one thread. Handlers may schedule
 *   and cancel freely while running (including cancelling themselves, which
 *   is a no-op: a running event is no longer pending).
 *
 * Running
 *   des_run_until(sim, end): run every event with time < end, then set
 *     now = end (if not stopped). Returns the number of events run.
 *   des_run_while(sim, pred, ctx): run events while the queue is not empty
 *     and pred(sim, ctx) is true (tested before each event).
 *   des_stop(sim): from a handler; the current run call returns after that
 *     handler. A later run call resumes.
 *
 * Checks
 *   des_set_check(sim, fn, ctx): fn runs after every event when HV_CHECKS is
 *   compiled in and checks are enabled (des_enable_checks); it returns NULL
 *   or the first broken invariant as a message, which is fatal (exit 1).
 */
#ifndef HV_DES_DES_H
#define HV_DES_DES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t des_time;
#define DES_TIME_MAX UINT64_MAX

/* Unit helpers for readability; they are conversions, not latencies. */
#define DES_US(x) ((des_time)(x) * 1000u)
#define DES_MS(x) ((des_time)(x) * 1000000u)
#define DES_S(x) ((des_time)(x) * 1000000000u)

typedef struct des_sim des_sim;
typedef void (*des_fn)(des_sim *sim, void *obj, uint64_t arg);
typedef const char *(*des_check_fn)(des_sim *sim, void *ctx);
typedef bool (*des_pred_fn)(des_sim *sim, void *ctx);

typedef struct des_handle {
    uint32_t idx; /* pool index + 1; 0 = none */
    uint32_t gen; /* generation of the record when scheduled */
} des_handle;

#define DES_HANDLE_NONE ((des_handle){0, 0})

typedef struct des_stats {
    uint64_t scheduled;    /* des_at/des_after calls */
    uint64_t run;          /* handlers called */
    uint64_t cancelled;    /* successful des_cancel calls */
    uint64_t pending;      /* scheduled, not yet run nor cancelled */
    uint64_t peak_pending; /* maximum of pending over the run */
} des_stats;

des_sim *des_new(void);
void des_free(des_sim *sim);

des_time des_now(const des_sim *sim);

/* Schedule fn(sim, obj, arg) at absolute time t (t >= now, else fatal). */
des_handle des_at(des_sim *sim, des_time t, des_fn fn, void *obj, uint64_t arg);
/* Schedule at now + delay (fatal on overflow). */
des_handle des_after(des_sim *sim, des_time delay, des_fn fn, void *obj, uint64_t arg);
/* Cancel; returns true if the event was pending (and is now cancelled).
 * Clears *h. */
bool des_cancel(des_sim *sim, des_handle *h);
bool des_pending(const des_sim *sim, des_handle h);
/* Time of a pending event (fatal if not pending). */
des_time des_event_time(const des_sim *sim, des_handle h);

uint64_t des_run_until(des_sim *sim, des_time end);
uint64_t des_run_while(des_sim *sim, des_pred_fn pred, void *ctx);
void des_stop(des_sim *sim);

/* Time of the earliest pending event, or DES_TIME_MAX if none. */
des_time des_next_time(des_sim *sim);

des_stats des_get_stats(const des_sim *sim);
/* Bytes of engine memory per pending event slot (pool + queue). */
double des_bytes_per_event(const des_sim *sim);
/* Returns NULL if scheduled == run + cancelled + pending, else a message
 * held in the engine (valid until the next call). */
const char *des_conservation(des_sim *sim);

void des_set_check(des_sim *sim, des_check_fn fn, void *ctx);
void des_enable_checks(des_sim *sim, bool on);

#endif
