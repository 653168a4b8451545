/* hvwake report — one self-contained HTML page of results (report/html.h). */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/html.h"
#include "report/outfile.h"
#include "report/results.h"

#include <stdio.h>
#include <string.h>

static void usage(void)
{
    printf("usage: hvwake report RESULTS... -o FILE.html\n\n"
           "RESULTS: a results directory or shard files of a sweep, or one output of run, compare\n"
           "or merge (--json or --csv). Writes one self-contained HTML page (inline SVG and CSS,\n"
           "nothing loaded from the network): the experiment and its provenance, the significant\n"
           "differences with their test, the distributions (CDFs of the histograms), per-variant\n"
           "bars and curves with 95%% CI error bars, every metric by group, the checks that ran and\n"
           "the configuration.\n\n"
           "  -o FILE    the page (required)\n");
}

int cmd_report(int argc, char **argv)
{
    const char *out = NULL;
    char *paths[256];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage();
            return 0;
        }
        if (!strcmp(o, "-o")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake report: option -o needs a value (see hvwake report --help)\n");
                return HV_EXIT_USAGE;
            }
            if (cli_once("report", o, &out, argv[++i]))
                return HV_EXIT_USAGE;
        } else if (o[0] == '-' && o[1]) {
            fprintf(stderr, "hvwake report: unknown option '%s'; expected -o FILE (see hvwake report --help)\n", o);
            return HV_EXIT_USAGE;
        } else if (np < 256)
            paths[np++] = argv[i];
        else {
            fprintf(stderr, "hvwake report: more than 256 inputs; expected a directory instead\n");
            return HV_EXIT_USAGE;
        }
    }
    if (!np || !out) {
        fprintf(stderr, "hvwake report: %s; expected RESULTS... -o FILE.html\n", np ? "no -o FILE" : "no RESULTS");
        return HV_EXIT_USAGE;
    }
    scn_errors e;
    scn_errors_init(&e);
    rep_results r;
    int rc = rep_results_read_any(&r, np, paths, &e) ? HV_EXIT_USAGE : 0;
    if (rc)
        scn_errors_print(&e, stderr, "hvwake report: ");
    scn_errors_free(&e);
    for (size_t i = 0; !rc && i < r.nfiles; i++)
        if (rep_out_same_path(out, r.files[i])) {
            fprintf(stderr, "hvwake report: -o '%s' is the input %s; expected another file\n", out, r.files[i]);
            rc = HV_EXIT_USAGE;
        }
    rep_out o = {0};
    if (!rc)
        rc = cli_out_open("report", &o, out, 0);
    if (!rc) {
        rep_compare c;
        rep_results_compare(&r, &c);
        rep_html_write(o.f, &r, &c, (const char *const *)paths, (size_t)np); /* write errors: at commit */
        rep_compare_free(&c);
        rc = cli_outs_commit("report", &o, 1);
    }
    if (!rc)
        fprintf(stderr, "hvwake report: wrote %s\n", out);
    rep_results_free(&r);
    return rc;
}
