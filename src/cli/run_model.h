/*
 * cli/run_model.h — build the model a scenario describes, run it (warm-up,
 * then the measured duration), and collect its metrics. Shared by run,
 * compare and sweep.
 */
#ifndef HV_CLI_RUN_MODEL_H
#define HV_CLI_RUN_MODEL_H

#include <stdio.h>

#include "des/trace.h"
#include "report/metrics.h"

struct scenario;

/* Hooks for `hvwake bench model` (cli/cmd_bench_model.c): mark(ctx, phase,
 * sim) is called once the model is built (RUN_MARK_BUILT, before the first
 * event) and once its event loop has ended (RUN_MARK_RAN, before the
 * reports), so wall-clock and memory figures can be taken there. Nothing
 * it measures reaches an output of the model. */
enum { RUN_MARK_BUILT, RUN_MARK_RAN };
struct des_sim;
typedef struct run_marks {
    void (*mark)(void *ctx, int phase, struct des_sim *sim);
    void *ctx;
} run_marks;

typedef struct run_outputs {
    FILE *trace;        /* the kvm_hv tracepoints (report/ktrace.h), or NULL */
    int trace_dat;      /* ... as a trace.dat, else as the text of the trace file */
    FILE *timeline;     /* Chrome/Perfetto JSON, or NULL */
    FILE *kernel;       /* kvm_stat, debugfs timings, XICS dumps, or NULL */
    des_time window;    /* trace/timeline window from the end of warm-up; 0 = all */
    size_t trace_cap;   /* trace records kept */
    int progress;       /* progress line on stderr (terminal only) */
    const run_marks *marks; /* or NULL */
} run_outputs;

/* 0, HV_EXIT_CHECK with the failed check printed on stderr. With a trace
 * (o->trace or o->timeline) the metrics gain trace.records and
 * trace.dropped, and dropped records are reported on stderr. Write errors
 * on o's files are the caller's to find (they are rep_out files). */
int cli_run_model(const char *cmd, const struct scenario *s, const run_outputs *o, rep_metrics *m);

#endif
