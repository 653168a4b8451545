/* hvwake plot — gnuplot script + data from results, rendered when gnuplot is installed. */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/outfile.h"
#include "report/figure.h"
#include "report/plot.h"
#include "report/results.h"

#include <stdio.h>
#include <string.h>

int cmd_plot(int argc, char **argv)
{
    const char *out = NULL, *metric = NULL, *kind_arg = NULL, *xkey = NULL;
    int kind = REP_PLOT_BARS, force = 0;
    char *paths[256];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return cli_help("plot");
        }
        if ((!strcmp(o, "--kind") || !strcmp(o, "--metric") || !strcmp(o, "--x") || !strcmp(o, "-o")) && i + 1 >= argc) {
            fprintf(stderr, "hvwake plot: option %s needs a value (see --help)\n", o);
            return HV_EXIT_USAGE;
        }
        if (!strcmp(o, "--force")) {
            if (force++) {
                fprintf(stderr, "hvwake plot: option --force given twice; expected it once\n");
                return HV_EXIT_USAGE;
            }
        } else if (!strcmp(o, "--kind")) {
            if (cli_once("plot", o, &kind_arg, argv[++i]))
                return HV_EXIT_USAGE;
            kind = rep_plot_kind_parse(kind_arg);
            if (kind < 0) {
                fprintf(stderr, "hvwake plot: option --kind: '%s' is not valid; expected bars, curve or cdf\n", argv[i]);
                return HV_EXIT_USAGE;
            }
        } else if (!strcmp(o, "--metric") || !strcmp(o, "--x") || !strcmp(o, "-o")) {
            if (cli_once("plot", o, o[1] == 'o' ? &out : o[2] == 'x' ? &xkey : &metric, argv[++i]))
                return HV_EXIT_USAGE;
        } else if (o[0] == '-' && o[1]) {
            return cli_unknown_option("plot", o);
        } else if (np < 256)
            paths[np++] = argv[i];
    }
    if (!np || !out) {
        fprintf(stderr, "hvwake plot: %s; expected RESULTS... -o FILE.svg|FILE.png\n", np ? "no -o FILE" : "no RESULTS");
        return HV_EXIT_USAGE;
    }
    scn_errors e;
    scn_errors_init(&e);
    char script[4200], dat[4200];
    if (rep_plot_paths(out, script, dat, sizeof script, &e)) {
        scn_errors_print(&e, stderr, "hvwake plot: ");
        scn_errors_free(&e);
        return HV_EXIT_USAGE;
    }
    if (xkey && kind != REP_PLOT_CURVE) {
        fprintf(stderr, "hvwake plot: option --x does nothing with --kind %s; expected it with --kind curve only\n",
                rep_plot_kind_name((rep_plot_kind)kind));
        scn_errors_free(&e);
        return HV_EXIT_USAGE;
    }
    rep_results r;
    int rc = rep_results_read_any(&r, np, paths, &e) ? HV_EXIT_USAGE : 0;
    rep_compare c = {0};
    rep_figure fig = {0};
    if (!rc) {
        rep_results_compare(&r, &c);
        if (rep_figure_make(&fig, (rep_plot_kind)kind, &r, &c, metric, xkey, &e))
            rc = HV_EXIT_USAGE;
    }
    if (rc)
        scn_errors_print(&e, stderr, "hvwake plot: ");
    /* dat and script are written whole, then gnuplot renders into the
     * image's temporary file, renamed to OUT only if gnuplot succeeds. */
    rep_out o[3] = {{0}};
    int nr = force ? 0 : REP_OUT_NOREPLACE;
    if (!rc)
        rc = cli_out_open("plot", &o[0], dat, nr);
    if (!rc)
        rc = cli_out_open("plot", &o[1], script, nr);
    if (!rc)
        rc = cli_out_open("plot", &o[2], out, nr);
    if (!rc) {
        rep_header h = rep_results_header(&r);
        rep_plot_write(&fig, &h, out, dat, o[0].f, o[1].f);
    }
    rep_figure_free(&fig);
    rep_compare_free(&c);
    if (!rc)
        rc = cli_outs_commit("plot", o, 2);
    if (!rc) {
        int g = rep_plot_render(script, o[2].tmp ? o[2].tmp : out);
        if (g == 0 && !(rc = cli_outs_commit("plot", &o[2], 1)))
            fprintf(stderr, "hvwake plot: wrote %s (script %s)\n", out, script);
        else if (g == 1)
            fprintf(stderr, "hvwake plot: gnuplot is not installed; wrote %s and its data; render with: gnuplot %s\n",
                    script, script);
        else if (g < 0) {
            fprintf(stderr, "hvwake plot: gnuplot failed on %s; %s is unchanged, the script and data are kept\n",
                    script, out);
            rc = HV_EXIT_CHECK;
        }
    }
    cli_outs_abort(o, 3);
    scn_errors_free(&e);
    rep_results_free(&r);
    return rc;
}
