/* Scenario plumbing shared by the commands that take a scenario (cli/cli.h). */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/output.h"
#include "scn/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const scn_parse_opts *cli_parse_opts(void)
{
    /* The cost table (hw/costs.def) plugs in here when the hw room lands:
     *   static const scn_parse_opts po = {hw_cost_lookup, hw_cost_name};
     */
    static const scn_parse_opts po = {NULL, NULL, 0};
    return &po;
}

int cli_scn_arg(const char *cmd, int argc, char **argv, int *i, cli_scn_args *a)
{
    const char *o = argv[*i];
    if (!strcmp(o, "--set")) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "hvwake %s: option --set needs a value; expected --set section.key=value\n", cmd);
            return -1;
        }
        o = argv[++*i];
    } else if (!strncmp(o, "--set=", 6))
        o += 6;
    else if (o[0] != '-' && !a->src) {
        a->src = o;
        return 1;
    } else
        return 0;
    a->sets = hv_xrealloc(a->sets, (a->nsets + 1) * sizeof *a->sets);
    a->sets[a->nsets++] = o;
    return 1;
}

int cli_scenario(const char *cmd, const cli_scn_args *a, struct scenario *s)
{
    scn_errors e;
    scn_errors_init(&e);
    int rc = scn_build(s, a->src, a->sets, a->nsets, cli_parse_opts(), &e);
    if (rc) {
        char pfx[64];
        snprintf(pfx, sizeof pfx, "hvwake %s: ", cmd);
        scn_errors_print(&e, stderr, pfx);
        scn_errors_free(&e);
        return HV_EXIT_USAGE;
    }
    scn_errors_free(&e);
    return 0;
}

void cli_scn_args_free(cli_scn_args *a)
{
    free(a->sets);
    memset(a, 0, sizeof *a);
}

rep_header cli_header(const struct scenario *s, rep_config *c)
{
    rep_config_init(c);
    scn_visit(s, rep_config_visit, c);
    return (rep_header){HV_VERSION, scn_source(s), s->sim.seed, s->sim.run, c};
}

FILE *cli_open_out(const char *cmd, const char *path)
{
    if (!path || !strcmp(path, "-"))
        return stdout;
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "hvwake %s: cannot write '%s'; expected a writable path\n", cmd, path);
    return f;
}
