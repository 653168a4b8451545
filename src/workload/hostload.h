/*
 * workload/hostload.h — host CPU load: CPU-bound or periodic host tasks
 * (e.g. a Java service beside the VMs), and a host-only model runner.
 *
 * Overview
 *   kind = cpu: each task computes `chunk` after `chunk` forever; work done
 *   is counted per completed chunk.
 *   kind = periodic: each task is released every `period` (first release at
 *   a per-task random phase in [0, period)): it sleeps until its release in
 *   clock_nanosleep(TIMER_ABSTIME), an hrtimer armed on the CPU it sleeps on
 *   (host/host.h "hrtimers": the timer interrupt of that CPU wakes it, late
 *   when KVM holds the CPU), computes duty*period, then sleeps until the
 *   next release. A job that ends after its next release is an overrun
 *   (counted as a deadline miss); the next job starts right after.
 *
 * State
 *   work_ns     CPU time of completed work units (ns).
 *   jobs, misses  completed periodic jobs; overruns.
 *   Scheduling latency (runnable -> running) and wakeup latency
 *   (host_task_wake -> running) are the host tasks' histograms.
 *
 * RNG: kind HOSTLOAD_RNG_KIND_TASK (des/rng.h) + task index (release phases).
 *
 * Host-only model (hostload_model): des engine + hw + host + hostload from
 *   configs, cost table (NULL = defaults), seed and run. hostload_model_run
 *   runs for a duration with per-event checks when HV_CHECKS (hw_check +
 *   host_check), accounts time, and returns NULL or the first failed
 *   end-of-run conservation check (events, signals, IPI messages raised =
 *   demuxed + pending, wakeups sent = consumed + coalesced).
 *
 * Concurrency contract: single-threaded (the DES thread).
 */
#ifndef HV_WORKLOAD_HOSTLOAD_H
#define HV_WORKLOAD_HOSTLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "host/host.h"

/* hostload.kind: X(enum, choice) */
#define HOSTLOAD_KINDS(X)                                                   \
    X(HOSTLOAD_CPU, "cpu")                                                  \
    X(HOSTLOAD_PERIODIC, "periodic")
typedef enum {
#define HOSTLOAD_KIND_ENUM(e, n) e,
    HOSTLOAD_KINDS(HOSTLOAD_KIND_ENUM)
#undef HOSTLOAD_KIND_ENUM
} hostload_kind;

/* Scenario keys: workload/hostload_options.def (field name = key name). */
typedef struct hostload_cfg {
    uint64_t tasks;
    int kind; /* hostload_kind */
    des_time period;
    double duty; /* 0..1 */
    des_time chunk;
} hostload_cfg;
hostload_cfg hostload_cfg_default(void);

typedef struct hostload_task {
    struct hostload *load;
    host_task *t;
    des_time next_release;
    host_hrtimer timer; /* its clock_nanosleep */
    uint64_t backlog; /* releases not yet started */
    des_time work_ns; /* CPU time of its completed work units since the stats reset */
    des_rng rng;
} hostload_task;

typedef struct hostload {
    host *h;
    hostload_cfg cfg;
    hostload_task *tasks;
    uint64_t work_ns, jobs, misses, releases;
    des_time start;
} hostload;

/* Create and start cfg->tasks tasks on h (affinity: every CPU). */
hostload *hostload_new(host *h, const hostload_cfg *cfg, uint64_t seed, uint64_t run);
void hostload_free(hostload *l);
/* End of warm-up: work, jobs, misses and releases count from now. */
void hostload_reset_stats(hostload *l);
/* Merge the tasks' histograms into out (initialised by the caller). */
void hostload_sched_latency(const hostload *l, des_hist *out);
void hostload_wakeup_latency(const hostload *l, des_hist *out);

typedef struct hostload_model {
    des_sim *sim;
    hw_machine *hw;
    host *host;
    hostload *load;
} hostload_model;

hostload_model *hostload_model_new(const hw_cfg *hw, const host_cfg *hc, const hostload_cfg *lc,
                                   const hw_costs *costs, uint64_t seed, uint64_t run);
/* Run until now + duration; NULL or the first failed conservation check. */
const char *hostload_model_run(hostload_model *m, des_time duration);
void hostload_model_free(hostload_model *m);

#endif
