/*
 * des/trace.h — the model's trace recorder: a bounded buffer of fixed-size
 * records that model rooms emit and report/ formats (ftrace-style text with
 * the kernel's tracepoint formats, Chrome/Perfetto timeline JSON).
 *
 * State
 *   recs[0..n)    records in emission order (which is simulated-time order,
 *                 since the engine never goes back in time)
 *   cap           maximum records kept; later records are counted in
 *                 `dropped`, and per kind (des_trace_dropped_kind), so a
 *                 formatter can say how many of its own records were lost
 *                 (ftrace's entries-in-buffer/entries-written)
 *   [win_start, win_end)  only records with time in the window are kept
 *                 (--timeline-window), so big runs stay small
 *   on            false: des_trace_emit is a cheap no-op
 *
 * A record holds simulated time, a track (a hardware thread, a task …
 * chosen by the emitter), a kind (an id from the emitting room's X-macro
 * list of trace kinds) and four integer arguments. Records carry only
 * simulated time and identities — no wall clock, no addresses — so traces
 * are byte-identical across runs (golden tests diff them).
 *
 * Concurrency: single owner (the DES thread).
 */
#ifndef HV_DES_TRACE_H
#define HV_DES_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "des/des.h"

typedef struct des_trace_rec {
    des_time t;
    uint32_t track;
    uint16_t kind;
    uint16_t pad;
    uint64_t a[4];
} des_trace_rec;

typedef struct des_trace {
    des_trace_rec *recs;
    size_t n, cap;
    des_time win_start, win_end;
    uint64_t dropped; /* records in the window that did not fit */
    uint64_t *dropped_by_kind; /* [65536], allocated at the first drop */
    bool on;
} des_trace;

/* cap records at most, window [start, end). cap = 0 leaves the trace off. */
void des_trace_init(des_trace *tr, size_t cap, des_time start, des_time end);
void des_trace_free(des_trace *tr);
/* Count a record that did not fit (the slow path of des_trace_emit). */
void des_trace_drop(des_trace *tr, uint16_t kind);
/* Records of this kind that did not fit. */
uint64_t des_trace_dropped_kind(const des_trace *tr, uint16_t kind);

static inline void des_trace_emit(des_trace *tr, des_time t, uint32_t track, uint16_t kind,
                                  uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    if (!tr || !tr->on || t < tr->win_start || t >= tr->win_end)
        return;
    if (tr->n == tr->cap) {
        des_trace_drop(tr, kind);
        return;
    }
    des_trace_rec *r = &tr->recs[tr->n++];
    r->t = t;
    r->track = track;
    r->kind = kind;
    r->pad = 0;
    r->a[0] = a0;
    r->a[1] = a1;
    r->a[2] = a2;
    r->a[3] = a3;
}

#endif
