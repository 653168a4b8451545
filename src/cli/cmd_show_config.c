/* hvwake show-config — the effective configuration and where each value came from. */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/output.h"
#include "report/metrics.h"
#include "scn/scenario.h"

#include <stdio.h>
#include <string.h>

int cmd_show_config(int argc, char **argv)
{
    cli_scn_args a = {0};
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            cli_scn_args_free(&a);
            return cli_help("show-config");
        }
        if (!strcmp(o, "--json")) {
            if (json++) {
                fprintf(stderr, "hvwake show-config: option --json given twice; expected it once\n");
                cli_scn_args_free(&a);
                return HV_EXIT_USAGE;
            }
            continue;
        }
        int r = cli_scn_arg("show-config", argc, argv, &i, &a, 0);
        if (r < 0) {
            cli_scn_args_free(&a);
            return HV_EXIT_USAGE;
        }
        if (r == 0) {
            cli_unknown_option("show-config", o);
            cli_scn_args_free(&a);
            return HV_EXIT_USAGE;
        }
    }
    struct scenario s;
    int rc = cli_scenario("show-config", &a, &s);
    cli_scn_args_free(&a);
    if (rc) {
        scn_free(&s);
        return rc;
    }
    if (json) {
        rep_config c;
        rep_header h = cli_header(&s, &c);
        rep_metrics m;
        rep_metrics_init(&m);
        rep_write_json(stdout, &h, &m);
        rep_metrics_free(&m);
        rep_config_free(&c);
    } else {
        printf("# hvwake %s: effective configuration of '%s'\n", HV_VERSION, scn_source(&s));
        if (scn_description(&s)[0])
            printf("# %s\n", scn_description(&s));
        printf("# each value is followed by where it came from\n\n");
        scn_write_ini(&s, stdout);
    }
    scn_free(&s);
    return 0;
}
