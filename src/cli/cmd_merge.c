/* hvwake merge — join the shard result files of a sweep into one table (or
 * show any results — a compare's --json or --csv — as compare does). */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/compare.h"
#include "report/outfile.h"
#include "report/results.h"

#include <stdio.h>
#include <string.h>

int cmd_merge(int argc, char **argv)
{
    int fmt = CLI_FMT_TEXT, force = 0;
    cli_table tab = {0};
    const char *out = NULL;
    char *paths[256];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return cli_help("merge");
        }
        int f = cli_format_arg("merge", o, &fmt);
        if (f < 0)
            return HV_EXIT_USAGE;
        if (f)
            continue;
        int tr = cli_table_arg("merge", argc, argv, &i, &tab);
        if (tr < 0)
            return HV_EXIT_USAGE;
        if (tr)
            continue;
        if (!strcmp(o, "--force")) {
            if (force++) {
                fprintf(stderr, "hvwake merge: option --force given twice; expected it once\n");
                return HV_EXIT_USAGE;
            }
        } else if (!strcmp(o, "-o")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake merge: option %s needs a file name\n", o);
                return HV_EXIT_USAGE;
            }
            if (cli_once("merge", "-o", &out, argv[++i]))
                return HV_EXIT_USAGE;
        } else if (o[0] == '-' && o[1]) {
            return cli_unknown_option("merge", o);
        } else if (np < 256)
            paths[np++] = argv[i];
        else {
            fprintf(stderr, "hvwake merge: more than 256 inputs; expected a directory instead\n");
            return HV_EXIT_USAGE;
        }
    }
    if (!np) {
        fprintf(stderr, "hvwake merge: no input; expected DIR or FILE... (see --help)\n");
        return HV_EXIT_USAGE;
    }
    if (cli_table_check("merge", &tab, fmt))
        return HV_EXIT_USAGE;
    rep_results r;
    scn_errors e;
    scn_errors_init(&e);
    int rc = rep_results_read_any(&r, np, paths, &e) ? HV_EXIT_USAGE : 0;
    if (rc)
        scn_errors_print(&e, stderr, "hvwake merge: ");
    scn_errors_free(&e);
    for (size_t i = 0; !rc && out && i < r.nfiles; i++)
        if (rep_out_same_path(out, r.files[i])) {
            fprintf(stderr, "hvwake merge: -o '%s' is the input %s; expected another file\n", out, r.files[i]);
            rc = HV_EXIT_USAGE;
        }
    rep_out o = {0};
    if (!rc)
        rc = cli_out_open("merge", &o, out, force ? 0 : REP_OUT_NOREPLACE);
    if (!rc) {
        rep_compare c;
        rep_results_compare(&r, &c);
        rc = cli_write_results("merge", o.f, fmt, &r, &c, &tab);
        rep_compare_free(&c);
        if (!rc)
            rc = cli_outs_commit("merge", &o, 1);
        else
            cli_outs_abort(&o, 1);
    }
    rep_results_free(&r);
    return rc;
}
