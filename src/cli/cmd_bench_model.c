/*
 * hvwake bench model — the whole model's speed and memory on a scenario
 * (bench/scale.sh): the run of `hvwake run`, timed, with its reports
 * dropped. Prints one RESULT line of wall-clock and memory figures; they
 * vary from run to run and machine to machine, so they never enter an
 * output of the model (its metrics, goldens, results files).
 */
#include "cli/cli.h"
#include "cli/run_model.h"

#include "base/hv.h"
#include "des/des.h"
#include "report/metrics.h"
#include "scn/model_validate.h"
#include "scn/scenario.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

typedef struct bench_marks {
    double t0, t_built, t_ran;
    long long heap_built, heap_end; /* -1: not available */
    des_stats st;
    double engine_bytes;
} bench_marks;

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Bytes of heap in use (malloc'ed and not freed, mmapped blocks included),
 * or -1 where the C library does not say: not glibc, or glibc's allocator
 * replaced (a sanitizer's reports nothing in use). */
static long long heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    size_t n = mi.uordblks + mi.hblkhd;
    return n ? (long long)n : -1;
#else
    return -1;
#endif
}

static void mark(void *ctx, int phase, des_sim *sim)
{
    bench_marks *b = ctx;
    if (phase == RUN_MARK_BUILT) {
        b->t_built = wall_s();
        b->heap_built = heap_in_use();
    } else {
        b->t_ran = wall_s();
        b->heap_end = heap_in_use();
        b->st = des_get_stats(sim);
        b->engine_bytes = des_bytes_per_event(sim);
    }
}

int cmd_bench_model(int argc, char **argv)
{
    const char *cmd = "bench model";
    cli_scn_args a = {0};
    int rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            cli_scn_args_free(&a);
            return cli_help(cmd);
        }
        int r = cli_scn_arg(cmd, argc, argv, &i, &a, CLI_ACCEPT_DURATION);
        if (r == 0)
            cli_unknown_option(cmd, o);
        if (r <= 0)
            rc = HV_EXIT_USAGE;
    }
    struct scenario s;
    int have = !rc;
    if (!rc)
        rc = cli_scenario(cmd, &a, &s);
    if (!rc) {
        bench_marks b = {0};
        run_marks mk = {mark, &b};
        run_outputs ro = {.marks = &mk};
        rep_metrics m;
        rep_metrics_init(&m);
        long long heap_base = heap_in_use();
        b.t0 = wall_s();
        rc = cli_run_model(cmd, &s, &ro, &m);
        rep_metrics_free(&m);
        if (!rc) {
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            uint64_t vcpus = 0, cores = s.hw.chips * s.hw.cores_per_chip;
            for (size_t i = 0; i < s.n_vm; i++)
                vcpus += s.vm[i].vcpus * s.vm[i].count;
            double loop = b.t_ran - b.t_built;
            printf("RESULT engine=hvwake-model scenario=%s seed=%llu run=%llu vms=%zu vcpus=%llu cores=%llu "
                   "threads=%llu sim_ns=%llu events=%llu build_s=%.6f loop_s=%.6f ev_per_s=%.0f "
                   "peak_pending=%llu engine_bytes_per_event=%.1f heap_base=%lld heap_built=%lld heap_end=%lld "
                   "rss_peak_kb=%ld\n",
                   scn_source(&s), (unsigned long long)s.sim.seed, (unsigned long long)s.sim.run,
                   scn_vm_total(&s), (unsigned long long)vcpus, (unsigned long long)cores,
                   (unsigned long long)(cores * s.hw.threads_per_core),
                   (unsigned long long)(s.sim.warmup + s.sim.duration), (unsigned long long)b.st.run,
                   b.t_built - b.t0, loop, loop > 0 ? (double)b.st.run / loop : 0.0,
                   (unsigned long long)b.st.peak_pending, b.engine_bytes, heap_base, b.heap_built, b.heap_end,
                   ru.ru_maxrss);
        }
    }
    if (have)
        scn_free(&s);
    cli_scn_args_free(&a);
    return rc;
}
