/* hvwake compare — one scenario under several settings, side by side. */
#include "cli/cli.h"
#include "cli/run_model.h"

#include "base/hv.h"
#include "report/compare.h"
#include "report/compare_story.h"
#include "report/metrics.h"
#include "report/outfile.h"
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
           "  --metrics A,B,...    show only these metrics, in this order (text, JSON, CSV)\n"
           "  --explain            under the text table, what it shows: each variant against the\n"
           "                       one before it (and the first), with 95%% intervals, computed\n"
           "  --set K=V, --seed N  as for run\n"
           "  --json, --csv, -o F  output format and file\n\n"
           "Example: hvwake compare --vary kvm.h_ipi_redirect=1,0 --replications 3\n");
}

/* --metrics: keep only the named metrics of every run, in the list's order;
 * a name no run has is bad input. */
static int select_metrics(rep_metrics *runs, size_t n, const char *list)
{
    for (size_t r = 0; r < n; r++) {
        rep_metrics keep;
        rep_metrics_init(&keep);
        for (const char *p = list; *p;) {
            size_t l = strcspn(p, ",");
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)l, p);
            long i = rep_metric_find(&runs[r], name);
            if (i < 0) {
                fprintf(stderr, "hvwake compare: --metrics: no metric named '%s' in this scenario's runs; "
                                "expected names as `hvwake run --json` prints them\n", name);
                rep_metrics_free(&keep);
                return HV_EXIT_USAGE;
            }
            rep_metric(&keep, runs[r].rows[i].value, "%s", name);
            p += l + (p[l] == ',');
        }
        rep_metrics_free(&runs[r]);
        runs[r] = keep;
    }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    cli_scn_args a = {0};
    const char *reps_arg = NULL;
    uint64_t reps = 0;
    int rc = 0;
    const char *metrics = NULL;
    int explain = 0;
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
        if (!strcmp(o, "--metrics")) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                fprintf(stderr, "hvwake compare: option --metrics needs a list of metric names\n");
                rc = HV_EXIT_USAGE;
            } else {
                rc = cli_once("compare", o, &metrics, argv[++i]);
            }
            continue;
        }
        if (!strcmp(o, "--explain")) {
            explain = 1;
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
    rep_metrics *runs = hv_xcalloc(vs.n * reps + 1, sizeof *runs);
    rep_variant_runs *vr = hv_xcalloc(vs.n + 1, sizeof *vr);
    for (size_t v = 0; v < vs.n && !rc; v++) {
        uint64_t run0 = sc[v].sim.run;
        for (uint64_t r = 0; r < reps && !rc; r++) {
            sc[v].sim.run = run0 + r; /* independent streams per replication */
            rep_metrics_init(&runs[v * reps + r]);
            rc = cli_run_model("compare", &sc[v], NULL, &runs[v * reps + r]);
        }
        sc[v].sim.run = run0;
        vr[v] = (rep_variant_runs){vs.v[v].name, (size_t)reps, &runs[v * reps]};
    }
    if (!rc && metrics)
        rc = select_metrics(runs, vs.n * reps, metrics);
    if (!rc) {
        rep_compare c;
        rep_compare_build(&c, vs.n, vr);
        rep_config cfg;
        rep_header h = cli_header(&base, &cfg);
        if (a.format == CLI_FMT_JSON)
            rep_compare_write_json(out.f, &h, &c);
        else if (a.format == CLI_FMT_CSV)
            rep_compare_write_csv(out.f, &h, &c);
        else
            rep_compare_write_text(out.f, &h, &c);
        if (explain && a.format == CLI_FMT_TEXT)
            rep_compare_write_story(out.f, &c);
        rep_config_free(&cfg);
        rep_compare_free(&c);
        rc = cli_outs_commit("compare", &out, 1);
    } else
        cli_outs_abort(&out, 1);
    for (size_t k = 0; k < vs.n * reps; k++)
        rep_metrics_free(&runs[k]);
    free(runs);
    free(vr);
    for (size_t v = 0; sc && v < vs.n; v++)
        scn_free(&sc[v]);
    free(sc);
    scn_variants_free(&vs);
    if (have_base)
        scn_free(&base);
    cli_scn_args_free(&a);
    return rc;
}
