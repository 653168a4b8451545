/* hvwake report — one self-contained HTML page of results (report/html.h). */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/html.h"
#include "report/outfile.h"
#include "report/results.h"

#include <stdio.h>
#include <string.h>

int cmd_report(int argc, char **argv)
{
    const char *out = NULL;
    char *paths[256];
    int np = 0, force = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return cli_help("report");
        }
        if (!strcmp(o, "--force")) {
            if (force++) {
                fprintf(stderr, "hvwake report: option --force given twice; expected it once\n");
                return HV_EXIT_USAGE;
            }
        } else if (!strcmp(o, "-o")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake report: option -o needs a value (see hvwake report --help)\n");
                return HV_EXIT_USAGE;
            }
            if (cli_once("report", o, &out, argv[++i]))
                return HV_EXIT_USAGE;
        } else if (o[0] == '-' && o[1]) {
            return cli_unknown_option("report", o);
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
        rc = cli_out_open("report", &o, out, force ? 0 : REP_OUT_NOREPLACE);
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
