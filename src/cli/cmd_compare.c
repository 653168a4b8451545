/* hvwake compare — one scenario under several settings, side by side. */
#include "cli/cli.h"
#include "cli/pool.h"

#include "base/hv.h"
#include "report/compare.h"
#include "report/compare_story.h"
#include "report/metrics.h"
#include "report/outfile.h"
#include "report/results.h"
#include "report/output.h"
#include "scn/scenario.h"
#include "scn/variants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_compare(int argc, char **argv)
{
    cli_scn_args a = {0};
    const char *reps_arg = NULL, *jobs_arg = NULL;
    uint64_t reps = 0, jobs = 0;
    int rc = 0, force = 0, quiet = 0;
    cli_table tab = {0};
    for (int i = 1; i < argc && !rc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            cli_scn_args_free(&a);
            return cli_help("compare");
        }
        int *flag = !strcmp(o, "--force") ? &force : !strcmp(o, "--quiet") ? &quiet : NULL;
        if (flag) {
            if ((*flag)++) {
                fprintf(stderr, "hvwake compare: option %s given twice; expected it once\n", o);
                rc = HV_EXIT_USAGE;
            }
            continue;
        }
        const char **slot = !strcmp(o, "--replications") ? &reps_arg : !strcmp(o, "--jobs") ? &jobs_arg : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake compare: option %s needs a value\n", o);
                rc = HV_EXIT_USAGE;
            } else if (!(rc = cli_once("compare", o, slot, argv[++i])))
                rc = slot == &jobs_arg ? cli_parse_u64("compare", o, jobs_arg, 1, 1024, &jobs)
                                       : cli_parse_u64("compare", o, reps_arg, 1, 100000, &reps);
            continue;
        }
        int tr = cli_table_arg("compare", argc, argv, &i, &tab);
        if (tr) {
            rc = tr < 0 ? HV_EXIT_USAGE : 0;
            continue;
        }
        int r = cli_scn_arg("compare", argc, argv, &i, &a, CLI_ACCEPT_VARY | CLI_ACCEPT_OUTPUT);
        if (r == 0)
            cli_unknown_option("compare", o);
        if (r <= 0)
            rc = HV_EXIT_USAGE;
    }
    if (!rc)
        rc = cli_table_check("compare", &tab, a.format);
    if (!rc && !a.nvary && !a.nvariant) {
        fprintf(stderr, "hvwake compare: nothing to compare; expected --vary K=V1,V2 or --variant NAME:K=V\n");
        rc = HV_EXIT_USAGE;
    }
    struct scenario base;
    int have_base = !rc;
    if (!rc)
        rc = cli_scenario("compare", &a, &base);
    if (!rc && !reps)
        reps = base.sim.replications;
    if (!rc && !jobs)
        jobs = cli_cpus();
    scn_variants vs = {0};
    struct scenario *sc = NULL;
    if (!rc)
        rc = cli_build_variants("compare", &a, &vs, &sc);
    rep_out out = {0};
    if (!rc)
        rc = cli_out_open("compare", &out, a.out, force ? 0 : REP_OUT_NOREPLACE); /* before anything runs */
    rep_results res;
    rep_results_init(&res);
    if (!rc) {
        rep_config cfg;
        rep_header h = cli_header(&base, &cfg);
        rep_stream *st = hv_xcalloc(vs.n + 1, sizeof *st);
        for (size_t v = 0; v < vs.n; v++) /* every variant: runs run0 .. run0+R-1 of its seed */
            st[v] = (rep_stream){sc[v].sim.seed, sc[v].sim.run};
        rep_results_local(&res, &h, (size_t)reps, &vs, st);
        free(st);
        rep_config_free(&cfg);
    }
    cli_pool_result pr = {0};
    if (!rc) {
        cli_pool p = {.cmd = "compare", .sc = sc, .vs = &vs, .reps = reps, .shard = {1, 1}, .workers = jobs,
                      .progress = !quiet};
        pr = cli_pool_run(&p, res.runs, res.have);
        rc = pr.status;
        if (rc && !pr.signal)
            fprintf(stderr, "hvwake compare: %zu of the %zu runs failed; nothing written\n", pr.owned - pr.done,
                    pr.owned);
    }
    if (!rc && !pr.signal) {
        rep_compare c;
        rep_results_compare(&res, &c);
        rc = cli_write_results("compare", out.f, a.format, &res, &c, &tab);
        rep_compare_free(&c);
    }
    if (!pr.signal)
        pr.signal = cli_signal_caught(); /* while the output was written */
    if (!rc && !pr.signal)
        rc = cli_outs_commit("compare", &out, 1);
    else
        cli_outs_abort(&out, 1);
    cli_signals_defer(0);
    rep_results_free(&res);
    for (size_t v = 0; sc && v < vs.n; v++)
        scn_free(&sc[v]);
    free(sc);
    scn_variants_free(&vs);
    if (have_base)
        scn_free(&base);
    cli_scn_args_free(&a);
    if (pr.signal) {
        fprintf(stderr, "hvwake compare: interrupted by %s; stopped the workers; nothing written\n",
                cli_signame(pr.signal));
        cli_signal_exit(pr.signal);
    }
    return rc;
}
