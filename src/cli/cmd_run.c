/* hvwake run — run one scenario and report it. */
#include "cli/cli.h"
#include "cli/run_model.h"

#include "base/hv.h"
#include "report/metrics.h"
#include "scn/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: hvwake run [NAME|FILE] [--set section.key=value]... [--seed N] [--run N]\n"
           "                  [--duration T] [--json|--csv] [-o FILE] [--trace FILE]\n"
           "                  [--timeline FILE] [--timeline-window T] [--kernel FILE] [--quiet]\n\n"
           "Run the scenario (a preset NAME or a FILE; default: the 'default' preset) for its\n"
           "warm-up and then its measured duration, and print its figures: a summary table\n"
           "(default), JSON or CSV, headed by the version, seed, run and effective configuration.\n\n"
           "  --set K=V            override a key (see hvwake keys)\n"
           "  --seed N, --run N    the RNG seed and the run number (default from [sim]: 1, 0)\n"
           "  --duration T         measured simulated time, e.g. 200ms (default [sim] duration, 100ms)\n"
           "  --json, --csv        output format (default: text table)\n"
           "  -o FILE              write the output there (default: stdout)\n"
           "  --trace FILE         ftrace-style text with the kvm_hv tracepoint formats\n"
           "  --timeline FILE      Chrome/Perfetto trace-event JSON, one track per hardware thread\n"
           "  --timeline-window T  trace/timeline only the first T after warm-up (default 5ms)\n"
           "  --kernel FILE        kvm_stat counters, debugfs timings per VCPU, XICS debugfs dumps\n"
           "  --quiet              no progress line on stderr\n\n"
           "Exit status: 0 success, 1 the model failed a check, 2 bad input.\n");
}

static FILE *open_w(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "hvwake run: cannot write '%s'; expected a writable file path\n", path);
    return f;
}

int cmd_run(int argc, char **argv)
{
    cli_scn_args a = {0};
    const char *trace = NULL, *timeline = NULL, *kernel = NULL;
    char *dur_set = NULL;
    des_time window = DES_MS(5);
    int quiet = 0, rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage();
            cli_scn_args_free(&a);
            return 0;
        }
        if (!strcmp(o, "--quiet")) {
            quiet = 1;
            continue;
        }
        if (!strcmp(o, "--trace") || !strcmp(o, "--timeline") || !strcmp(o, "--kernel") ||
            !strcmp(o, "--duration") || !strcmp(o, "--timeline-window")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake run: option %s needs a value; see hvwake run --help\n", o);
                rc = HV_EXIT_USAGE;
                break;
            }
            const char *v = argv[++i];
            if (!strcmp(o, "--trace"))
                trace = v;
            else if (!strcmp(o, "--timeline"))
                timeline = v;
            else if (!strcmp(o, "--kernel"))
                kernel = v;
            else if (!strcmp(o, "--duration")) {
                free(dur_set);
                size_t n = strlen(v) + 16;
                dur_set = hv_xmalloc(n);
                snprintf(dur_set, n, "sim.duration=%s", v);
            } else {
                uint64_t ns;
                char err[200];
                scn_valspec spec = {.type = SCN_T_TIME, .min = 1, .max = 1e15};
                if (scn_value_parse(&spec, v, &ns, err, sizeof err)) {
                    fprintf(stderr, "hvwake run: option --timeline-window: '%s': %s\n", v, err);
                    rc = HV_EXIT_USAGE;
                    break;
                }
                window = ns;
            }
            continue;
        }
        int r = cli_scn_arg("run", argc, argv, &i, &a, CLI_ACCEPT_OUTPUT);
        if (r < 0) {
            rc = HV_EXIT_USAGE;
            break;
        }
        if (r == 0) {
            fprintf(stderr, "hvwake run: unknown option '%s'; see hvwake run --help\n", o);
            rc = HV_EXIT_USAGE;
            break;
        }
    }
    if (!rc && dur_set) {
        a.sets = hv_xrealloc(a.sets, (a.nsets + 1) * sizeof *a.sets);
        a.sets[a.nsets++] = dur_set;
    }
    struct scenario s;
    int have = 0;
    if (!rc) {
        have = 1; /* scn_free in both cases (cli_scenario's contract) */
        if (cli_scenario("run", &a, &s) != 0)
            rc = HV_EXIT_USAGE;
    }
    if (!rc) {
        run_outputs o = {.window = window, .trace_cap = 2000000, .progress = !quiet};
        if (trace && !(o.trace = open_w(trace)))
            rc = HV_EXIT_USAGE;
        if (!rc && timeline && !(o.timeline = open_w(timeline)))
            rc = HV_EXIT_USAGE;
        if (!rc && kernel && !(o.kernel = open_w(kernel)))
            rc = HV_EXIT_USAGE;
        if (!rc) {
            rep_metrics m;
            rep_metrics_init(&m);
            rc = cli_run_model("run", &s, &o, &m);
            if (!rc)
                rc = cli_write_run("run", &a, &s, &m);
            rep_metrics_free(&m);
        }
        if (o.trace)
            fclose(o.trace);
        if (o.timeline)
            fclose(o.timeline);
        if (o.kernel)
            fclose(o.kernel);
    }
    if (have)
        scn_free(&s);
    cli_scn_args_free(&a);
    free(dur_set);
    return rc;
}
