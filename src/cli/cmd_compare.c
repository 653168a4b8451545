/* hvwake compare — one scenario under several settings, side by side. */
#include "cli/cli.h"
#include "cli/run_model.h"

#include "base/hv.h"
#include "report/compare.h"
#include "report/metrics.h"
#include "report/outfile.h"
#include "report/results.h"
#include "report/output.h"
#include "scn/scenario.h"
#include "scn/variants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: hvwake compare [NAME|FILE] (--vary K=V1,V2[,...] | --variant NAME:K=V[,K=V...])...\n"
           "                      [--replications R] [--set K=V]... [--seed N] [--json|--csv] [-o FILE]\n\n"
           "Run the scenario (default: the 'default' preset) under every variant and print one\n"
           "side-by-side table: each metric's mean and 95%% confidence interval over R\n"
           "replications (runs 0..R-1, independent RNG streams), and for every variant after the\n"
           "first its difference (with a 95%% Welch interval; * = significant) and ratio against\n"
           "the first. --vary with several keys runs every combination. Every variant is built\n"
           "and validated before anything runs.\n\n"
           "  --vary K=V1,V2       one variant per value (K=LO..HI/STEP for ranges)\n"
           "  --variant NAME:K=V   a named variant with its own assignments\n"
           "  --replications R     runs per variant (default [sim] replications, 1)\n"
           "  --set K=V, --seed N  as for run\n"
           "  --json, --csv, -o F  output format and file\n\n"
           "Example: hvwake compare --vary kvm.h_ipi_redirect=1,0 --replications 3\n");
}

int cmd_compare(int argc, char **argv)
{
    cli_scn_args a = {0};
    const char *reps_arg = NULL;
    uint64_t reps = 0;
    int rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage();
            cli_scn_args_free(&a);
            return 0;
        }
        if (!strcmp(o, "--replications")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake compare: option --replications needs a value\n");
                rc = HV_EXIT_USAGE;
            } else if (!(rc = cli_once("compare", o, &reps_arg, argv[++i])))
                rc = cli_parse_u64("compare", o, reps_arg, 1, 100000, &reps);
            continue;
        }
        int r = cli_scn_arg("compare", argc, argv, &i, &a, CLI_ACCEPT_VARY | CLI_ACCEPT_OUTPUT);
        if (r == 0)
            fprintf(stderr, "hvwake compare: unknown option '%s'; see hvwake compare --help\n", o);
        if (r <= 0)
            rc = HV_EXIT_USAGE;
    }
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
    scn_variants vs = {0};
    struct scenario *sc = NULL;
    if (!rc)
        rc = cli_build_variants("compare", &a, &vs, &sc);
    rep_out out = {0};
    if (!rc)
        rc = cli_out_open("compare", &out, a.out, 0); /* before anything runs */
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
    for (size_t v = 0; v < vs.n && !rc; v++) {
        uint64_t run0 = sc[v].sim.run;
        for (uint64_t r = 0; r < reps && !rc; r++) {
            sc[v].sim.run = run0 + r; /* independent streams per replication */
            rc = cli_run_model("compare", &sc[v], NULL, &res.runs[v * reps + r]);
            res.have[v * reps + r] = !rc;
        }
        sc[v].sim.run = run0;
    }
    if (!rc) {
        rep_compare c;
        rep_results_compare(&res, &c);
        cli_write_results(out.f, a.format, &res, &c); /* a write error fails the commit */
        rep_compare_free(&c);
        rc = cli_outs_commit("compare", &out, 1);
    } else
        cli_outs_abort(&out, 1);
    rep_results_free(&res);
    for (size_t v = 0; sc && v < vs.n; v++)
        scn_free(&sc[v]);
    free(sc);
    scn_variants_free(&vs);
    if (have_base)
        scn_free(&base);
    cli_scn_args_free(&a);
    return rc;
}
