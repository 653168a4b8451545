/* hvwake run — run one scenario and report it. */
#include "cli/cli.h"
#include "cli/run_model.h"

#include "base/hv.h"
#include "report/metrics.h"
#include "report/outfile.h"
#include "scn/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OUT_MAIN, OUT_TRACE, OUT_TIMELINE, OUT_KERNEL, NOUT };

/* --trace F.dat writes a trace.dat, any other name the text trace. */
static int is_tracedat(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 4 && !strcmp(path + n - 4, ".dat");
}

int cmd_run(int argc, char **argv)
{
    cli_scn_args a = {0};
    static const char *const flag[NOUT] = {"-o", "--trace", "--timeline", "--kernel"};
    const char *path[NOUT] = {0}, *window_arg = NULL, *limit_arg = NULL;
    int quiet = 0, force = 0, rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            cli_scn_args_free(&a);
            return cli_help("run");
        }
        if (!strcmp(o, "--quiet") || !strcmp(o, "--force")) {
            int *seen = o[2] == 'q' ? &quiet : &force;
            if ((*seen)++) {
                fprintf(stderr, "hvwake run: option %s given twice; expected it once\n", o);
                rc = HV_EXIT_USAGE;
            }
            continue;
        }
        const char **slot = !strcmp(o, "--trace")             ? &path[OUT_TRACE]
                            : !strcmp(o, "--timeline")        ? &path[OUT_TIMELINE]
                            : !strcmp(o, "--kernel")          ? &path[OUT_KERNEL]
                            : !strcmp(o, "--timeline-window") ? &window_arg
                            : !strcmp(o, "--trace-limit")     ? &limit_arg
                                                              : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake run: option %s needs a value; see hvwake run --help\n", o);
                rc = HV_EXIT_USAGE;
            } else
                rc = cli_once("run", o, slot, argv[++i]);
            continue;
        }
        int r = cli_scn_arg("run", argc, argv, &i, &a, CLI_ACCEPT_OUTPUT | CLI_ACCEPT_DURATION);
        if (r == 0)
            cli_unknown_option("run", o);
        if (r <= 0)
            rc = HV_EXIT_USAGE;
    }
    path[OUT_MAIN] = a.out;
    /* Options that would do nothing are errors, naming the flag typed. */
    if (!rc && (window_arg || limit_arg) && !path[OUT_TRACE] && !path[OUT_TIMELINE]) {
        fprintf(stderr, "hvwake run: option %s does nothing without --trace or --timeline; expected one of them "
                "with it\n", window_arg ? "--timeline-window" : "--trace-limit");
        rc = HV_EXIT_USAGE;
    }
    run_outputs ro = {.window = DES_MS(5), .trace_cap = 2000000, .progress = !quiet};
    if (!rc && window_arg) {
        uint64_t ns;
        char err[200];
        scn_valspec spec = {.type = SCN_T_TIME, .min = 1, .max = 1e15};
        if (scn_value_parse(&spec, window_arg, &ns, err, sizeof err)) {
            fprintf(stderr, "hvwake run: option --timeline-window: %s\n", err); /* err quotes the value */
            rc = HV_EXIT_USAGE;
        }
        ro.window = ns;
    }
    uint64_t cap = ro.trace_cap;
    if (!rc && limit_arg)
        rc = cli_parse_u64("run", "--trace-limit", limit_arg, 1, 1000000000, &cap);
    ro.trace_cap = (size_t)cap;
    if (!rc)
        rc = cli_outs_distinct("run", NOUT, flag, path);
    struct scenario s;
    int have = !rc; /* scn_free in both cases (cli_scenario's contract) */
    if (!rc)
        rc = cli_scenario("run", &a, &s);
    /* Every output is opened (a temporary file next to it) before the run. */
    rep_out out[NOUT] = {0};
    size_t nopen = 0;
    for (; !rc && nopen < NOUT; nopen++)
        if (nopen == OUT_MAIN || path[nopen])
            rc = cli_out_open("run", &out[nopen], path[nopen], force ? 0 : REP_OUT_NOREPLACE);
    if (!rc) {
        ro.trace = out[OUT_TRACE].f;
        ro.trace_dat = is_tracedat(path[OUT_TRACE]);
        ro.timeline = out[OUT_TIMELINE].f;
        ro.kernel = out[OUT_KERNEL].f;
        rep_metrics m;
        rep_metrics_init(&m);
        rc = cli_run_model("run", &s, &ro, &m);
        if (!rc)
            cli_write_run(out[OUT_MAIN].f, a.format, &s, &m);
        rep_metrics_free(&m);
    }
    if (!rc)
        rc = cli_outs_commit("run", out, NOUT);
    else
        cli_outs_abort(out, NOUT);
    if (have)
        scn_free(&s);
    cli_scn_args_free(&a);
    return rc;
}
