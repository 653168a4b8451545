/*
 * des/phold.h — the PHOLD benchmark on the des engine.
 *
 * Definition (identical to ../shared/bench-anchors, so counts and checksums
 * can be compared): N LPs; each starts with E events at Exp(mean 1.0) time
 * units; processing an event at time t schedules one event at
 * t + 0.1 + Exp(1.0) to a destination uniform over all N LPs with
 * probability `remote` (else to itself); draws are taken in the order
 * destination, then delay, from one xoshiro256** stream seeded with `seed`.
 * Events with time < end are processed. One time unit is 1 s = 10^9 ns of
 * des_time; with grid_ns > 0 every delay (and initial time) is rounded to a
 * multiple of grid_ns.
 *
 * The checksum folds the per-LP event counts (chk = chk * 1000003 + count[i]),
 * as the anchors do.
 */
#ifndef HV_DES_PHOLD_H
#define HV_DES_PHOLD_H

#include <stdint.h>

typedef struct phold_params {
    uint32_t lps;      /* N */
    uint32_t events;   /* E per LP */
    double end;        /* time units */
    uint64_t seed;
    double remote;     /* fraction sent to a random LP */
    uint64_t grid_ns;  /* 0 = none */
    int zig;           /* 1 = ziggurat exponential sampler */
} phold_params;

typedef struct phold_result {
    uint64_t events;        /* committed (run) events */
    double loop_s;          /* wall seconds of the event loop */
    double init_s;
    double ev_per_s;
    uint64_t peak_pending;
    double bytes_per_event;
    uint64_t chk;
    uint64_t last_ts_ns;
} phold_result;

phold_result phold_run(const phold_params *p);

#endif
