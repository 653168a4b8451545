/*
 * report/timeline.h — a Chrome/Perfetto trace-event JSON timeline from the
 * model's trace records (des/trace.h), one track per hardware thread (or any
 * track the emitter chose), viewable in chrome://tracing, ui.perfetto.dev or
 * speedscope.
 *
 * The emitting room supplies a spec that classifies its record kinds:
 *   STATE     the track enters state name(rec) at rec->t; the previous state
 *             of that track ends there (a complete "X" slice); states still
 *             open at the end close at `end`
 *   INSTANT   a zero-length "i" event on the track
 *   FLOW_OUT  the start of an arrow (flow id rec->a[0]) from this track
 *   FLOW_IN   the end of arrow rec->a[0] on this track
 *   IGNORE    not shown
 * Times are written in microseconds with nanosecond precision (3 decimals).
 * Output is deterministic: tracks' metadata sorted by track id, events in
 * record order, spans emitted when they close.
 */
#ifndef HV_REPORT_TIMELINE_H
#define HV_REPORT_TIMELINE_H

#include <stdio.h>

#include "des/trace.h"

typedef enum {
    REP_TL_IGNORE,
    REP_TL_STATE,
    REP_TL_INSTANT,
    REP_TL_FLOW_OUT,
    REP_TL_FLOW_IN,
} rep_tl_class;

typedef struct rep_timeline_spec {
    rep_tl_class (*classify)(const des_trace_rec *r, const void *ctx);
    const char *(*name)(const des_trace_rec *r, const void *ctx);
    /* Human name of a track ("cpu 8 (core 1 thread 0)"). */
    void (*track_name)(uint32_t track, char *buf, size_t n, const void *ctx);
    const void *ctx; /* the emitter's model, read only */
} rep_timeline_spec;

/* Write the JSON document; returns 0 or HV_EIO. */
int rep_timeline_write(FILE *f, const des_trace *tr, const rep_timeline_spec *spec, des_time end);

#endif
