/* hvwake validate — the KVM model against published POWER8 timings. */
#include "base/hv.h"
#include "cli/cli.h"
#include "workload/validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int cmd_validate(int argc, char **argv)
{
    uint64_t seed = 1, run = 0, ms = 50;
    double tol = 10.0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return cli_help("validate");
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "hvwake validate: option '%s' is unknown or lacks its value; see --help\n", o);
            return HV_EXIT_USAGE;
        }
        const char *v = argv[++i];
        int rc;
        if (!strcmp(o, "--seed"))
            rc = cli_parse_u64("validate", o, v, 0, UINT64_MAX, &seed);
        else if (!strcmp(o, "--run"))
            rc = cli_parse_u64("validate", o, v, 0, UINT64_MAX, &run);
        else if (!strcmp(o, "--duration-ms"))
            rc = cli_parse_u64("validate", o, v, 1, 100000, &ms);
        else if (!strcmp(o, "--tolerance"))
            rc = cli_parse_double("validate", o, v, 0, 100, &tol);
        else {
            rc = cli_unknown_option("validate", o);
        }
        if (rc)
            return rc;
    }
    if (cli_pairs_once("validate", argc, argv))
        return HV_EXIT_USAGE;
    validate_row r[VALIDATE_ROWS];
    char err[512];
    const char *e = validate_run(NULL, seed, run, DES_MS(ms), r, err, sizeof err);
    if (e) {
        fprintf(stderr, "hvwake validate: model check failed: %s\n", e);
        return HV_EXIT_CHECK;
    }
    printf("hvwake %s validate: seed %llu run %llu, %llu ms per setting\n", HV_VERSION,
           (unsigned long long)seed, (unsigned long long)run, (unsigned long long)ms);
    printf("published: POWER8, 32-VCPU guest, 8 threads/vcore, Fedora 20 boot (66feed61cdf6)\n\n");
    printf("%-9s %-7s %14s %12s %9s %10s\n", "timing", "msgsnd", "published_ns", "model_ns", "error", "samples");
    int bad = 0;
    for (int i = 0; i < VALIDATE_ROWS; i++) {
        bool out = fabs(r[i].err) * 100 > tol;
        bad |= out;
        printf("%-9s %-7s %14.1f %12.1f %+8.1f%% %10llu%s\n", r[i].name, r[i].msgsnd ? "on" : "off",
               r[i].published, r[i].model, 100 * r[i].err, (unsigned long long)r[i].count,
               out ? "  OUT OF TOLERANCE" : "");
    }
    printf("\nmsgsnd delta (published / model): rm_entry %.1f / %.1f, rm_exit %.1f / %.1f, "
           "rm_intr %.1f / %.1f ns\n",
           r[0].published - r[3].published, r[0].model - r[3].model, r[1].published - r[4].published,
           r[1].model - r[4].model, r[2].published - r[5].published, r[2].model - r[5].model);
    return bad ? HV_EXIT_CHECK : 0;
}
