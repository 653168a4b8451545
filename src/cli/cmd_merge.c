/* hvwake merge — join the shard result files of compare/sweep into one table. */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/compare.h"
#include "report/results.h"

#include <stdio.h>
#include <string.h>

int cli_read_results(const char *cmd, int n, char **paths, rep_results *r)
{
    scn_errors e;
    scn_errors_init(&e);
    rep_results_init(r);
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed |= rep_results_read_path(r, paths[i], &e) != 0;
    if (!failed)
        failed |= rep_results_complete(r, &e) != 0;
    if (failed) {
        char pfx[64];
        snprintf(pfx, sizeof pfx, "hvwake %s: ", cmd);
        scn_errors_print(&e, stderr, pfx);
    }
    scn_errors_free(&e);
    return failed ? HV_EXIT_USAGE : 0;
}

int cmd_merge(int argc, char **argv)
{
    int fmt = 0; /* 0 text, 1 csv, 2 json */
    const char *out = NULL;
    char *paths[256];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            printf("usage: hvwake merge DIR|FILE... [--csv|--json] [-o FILE]\n\n"
                   "Join the result files of a sharded compare/sweep (shard-I-of-N.csv in DIR) and\n"
                   "print the comparison: per metric and variant the mean over replications with its\n"
                   "95%% confidence interval, and the difference and ratio to the first variant.\n"
                   "Fails (status 2) if the files disagree, a job is missing, or one appears twice.\n\n"
                   "  --csv      wide CSV: metric,unit,VARIANT.n,.mean,.ci,.diff,.diff_ci,.ratio ...\n"
                   "  --json     JSON (docs/metrics.md)\n"
                   "  -o FILE    write there instead of stdout\n");
            return 0;
        }
        if (!strcmp(o, "--csv"))
            fmt = 1;
        else if (!strcmp(o, "--json"))
            fmt = 2;
        else if (!strcmp(o, "-o") || !strcmp(o, "--output")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake merge: option %s needs a file name\n", o);
                return HV_EXIT_USAGE;
            }
            out = argv[++i];
        } else if (o[0] == '-' && o[1]) {
            fprintf(stderr, "hvwake merge: unknown option '%s'; expected --csv, --json or -o FILE\n", o);
            return HV_EXIT_USAGE;
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
    rep_results r;
    int rc = cli_read_results("merge", np, paths, &r);
    if (rc) {
        rep_results_free(&r);
        return rc;
    }
    rep_compare c;
    rep_results_compare(&r, &c);
    rep_header h = rep_results_header(&r);
    FILE *f = cli_open_out("merge", out);
    if (!f)
        rc = HV_EXIT_USAGE;
    else {
        int w = fmt == 1 ? rep_compare_write_csv(f, &h, &c) : fmt == 2 ? rep_compare_write_json(f, &h, &c)
                                                                      : rep_compare_write_text(f, &h, &c);
        if (f != stdout && fclose(f))
            w = HV_EIO;
        if (w) {
            fprintf(stderr, "hvwake merge: write failed\n");
            rc = HV_EXIT_USAGE;
        }
    }
    rep_compare_free(&c);
    rep_results_free(&r);
    return rc;
}
