/* Scenario plumbing shared by the commands (cli/cli.h): options, the base
 * scenario, variants. */
#include "cli/cli.h"

#include "base/hv.h"
#include "scn/scenario.h"
#include "scn/variants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const scn_parse_opts *cli_parse_opts(void)
{
    /* The cost table (hw/costs.def): [cost] keys are its row names. */
    static const scn_parse_opts po = {scn_cost_lookup, scn_cost_name, 0};
    return &po;
}

static void push(const char ***v, size_t *n, const char *s)
{
    *v = hv_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = s;
}

/* A --set K=V or a shorthand (--seed N for sim.seed), in command-line order. */
static void push_set(cli_scn_args *a, const char *flag, const char *key, const char *val)
{
    a->sets = hv_xrealloc(a->sets, (a->nsets + 1) * sizeof *a->sets);
    a->sets[a->nsets++] = (cli_set){val, flag, key};
}

int cli_scn_arg(const char *cmd, int argc, char **argv, int *i, cli_scn_args *a, int accept)
{
    const char *o = argv[*i];
    static const struct { const char *opt, *key; int need; } valued[] = {
        {"--set", NULL, 0},
        {"--seed", "sim.seed", 0},
        {"--run", "sim.run", 0},
        {"--duration", "sim.duration", CLI_ACCEPT_DURATION},
        {"--vary", NULL, CLI_ACCEPT_VARY},
        {"--variant", NULL, CLI_ACCEPT_VARY},
        {"--shard", NULL, CLI_ACCEPT_SHARD},
        {"-o", NULL, CLI_ACCEPT_OUTPUT},
    };
    size_t k = 0;
    const char *val = NULL;
    for (; k < HV_ARRAY_LEN(valued) && !val; k++) {
        size_t l = strlen(valued[k].opt);
        if (!strcmp(o, valued[k].opt)) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "hvwake %s: option %s needs a value (see hvwake %s --help)\n", cmd, o, cmd);
                return -1;
            }
            val = argv[++*i];
        } else if (!strncmp(o, valued[k].opt, l) && o[l] == '=' && o[1] == '-')
            val = o + l + 1;
    }
    if (!val) {
        if (accept & CLI_ACCEPT_OUTPUT) {
            int r = cli_format_arg(cmd, o, &a->format);
            if (r)
                return r;
        }
        if (o[0] == '-')
            return 0;
        if (a->src) {
            fprintf(stderr, "hvwake %s: a second scenario '%s' after '%s'; expected one NAME|FILE\n", cmd, o, a->src);
            return -1;
        }
        a->src = o;
        return 1;
    }
    const char *opt = valued[--k].opt;
    if (valued[k].need && !(accept & valued[k].need)) {
        fprintf(stderr, "hvwake %s: option %s is not used by this command (see hvwake %s --help)\n", cmd, opt, cmd);
        return -1;
    }
    if (!strcmp(opt, "--set") || valued[k].key)
        push_set(a, opt, valued[k].key, val);
    else if (!strcmp(opt, "--vary"))
        push(&a->vary, &a->nvary, val);
    else if (!strcmp(opt, "--variant"))
        push(&a->variant, &a->nvariant, val);
    else if (cli_once(cmd, opt, !strcmp(opt, "--shard") ? &a->shard : &a->out, val))
        return -1;
    return 1;
}

void cli_scn_args_free(cli_scn_args *a)
{
    free(a->sets);
    free(a->vary);
    free(a->variant);
    memset(a, 0, sizeof *a);
}

static void print_errors(const char *cmd, scn_errors *e)
{
    char pfx[64];
    snprintf(pfx, sizeof pfx, "hvwake %s: ", cmd);
    scn_errors_print(e, stderr, pfx);
}

/* The base: the scenario file or preset, then every --set and shorthand in
 * order, each labelled with its flag. Not validated. */
static int load_base(const cli_scn_args *a, struct scenario *s, scn_errors *e)
{
    scn_init(s);
    int failed = scn_load(s, a->src ? a->src : "default", cli_parse_opts(), e) != 0;
    for (size_t k = 0; k < a->nsets; k++)
        failed |= (a->sets[k].key ? scn_set_flag(s, a->sets[k].key, a->sets[k].assign, a->sets[k].flag, cli_parse_opts(), e)
                                  : scn_set(s, a->sets[k].assign, a->sets[k].flag, cli_parse_opts(), e)) != 0;
    return failed;
}

int cli_scenario(const char *cmd, const cli_scn_args *a, struct scenario *s)
{
    scn_errors e;
    scn_errors_init(&e);
    int failed = load_base(a, s, &e); /* validate only what parsed */
    if (!failed)
        failed = scn_validate(s, &e) != 0;
    if (failed)
        print_errors(cmd, &e);
    scn_errors_free(&e);
    return failed ? HV_EXIT_USAGE : 0;
}

int cli_build_variants(const char *cmd, const cli_scn_args *a, scn_variants *vs, struct scenario **out)
{
    scn_errors e;
    scn_errors_init(&e);
    *out = NULL;
    if (scn_variants_expand(vs, a->vary, a->nvary, a->variant, a->nvariant, &e)) {
        print_errors(cmd, &e);
        scn_errors_free(&e);
        scn_variants_free(vs);
        return HV_EXIT_USAGE;
    }
    /* The base (file + --set) once, so its errors print once; then each
     * variant is a copy of it with the variant's assignments, validated. */
    struct scenario base;
    int failed = load_base(a, &base, &e);
    struct scenario *s = NULL;
    if (!failed) {
        s = hv_xcalloc(vs->n, sizeof *s);
        for (size_t v = 0; v < vs->n; v++) {
            scn_copy(&s[v], &base);
            int rc = scn_variant_apply(&s[v], &vs->v[v], cli_parse_opts(), &e);
            if (!rc)
                rc = scn_validate(&s[v], &e);
            failed |= rc != 0;
        }
    }
    scn_free(&base);
    if (failed) {
        print_errors(cmd, &e);
        for (size_t v = 0; s && v < vs->n; v++)
            scn_free(&s[v]);
        free(s);
        scn_variants_free(vs);
        scn_errors_free(&e);
        return HV_EXIT_USAGE;
    }
    scn_errors_free(&e);
    *out = s;
    return 0;
}
