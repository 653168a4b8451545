/* Scenario and output plumbing shared by the commands (cli/cli.h). */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/output.h"
#include "report/results.h"
#include "scn/scenario.h"
#include "scn/variants.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int cli_scn_arg(const char *cmd, int argc, char **argv, int *i, cli_scn_args *a, int accept)
{
    const char *o = argv[*i];
    static const char *const valued[] = {"--set", "--seed", "--run", "--vary", "--variant", "--shard", "-o", NULL};
    const char *opt = NULL, *val = NULL;
    for (int k = 0; valued[k]; k++) {
        size_t l = strlen(valued[k]);
        if (!strcmp(o, valued[k])) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "hvwake %s: option %s needs a value (see hvwake %s --help)\n", cmd, o, cmd);
                return -1;
            }
            opt = valued[k];
            val = argv[++*i];
        } else if (!strncmp(o, valued[k], l) && o[l] == '=' && valued[k][1] == '-') {
            opt = valued[k];
            val = o + l + 1;
        }
        if (opt)
            break;
    }
    if (!opt) {
        if ((accept & CLI_ACCEPT_OUTPUT) && !strcmp(o, "--json")) {
            a->format = CLI_FMT_JSON;
            return 1;
        }
        if ((accept & CLI_ACCEPT_OUTPUT) && !strcmp(o, "--csv")) {
            a->format = CLI_FMT_CSV;
            return 1;
        }
        if (o[0] != '-' && !a->src) {
            a->src = o;
            return 1;
        }
        return 0;
    }
    int vary = !strcmp(opt, "--vary") || !strcmp(opt, "--variant") || !strcmp(opt, "--shard");
    if ((vary && !(accept & CLI_ACCEPT_VARY)) || (!strcmp(opt, "-o") && !(accept & CLI_ACCEPT_OUTPUT))) {
        fprintf(stderr, "hvwake %s: option %s is not used by this command (see hvwake %s --help)\n", cmd, opt, cmd);
        return -1;
    }
    if (!strcmp(opt, "--set"))
        push(&a->sets, &a->nsets, val);
    else if (!strcmp(opt, "--seed") || !strcmp(opt, "--run")) {
        size_t l = strlen(val) + 16;
        char *s = hv_xmalloc(l);
        snprintf(s, l, "sim.%s=%s", opt + 2, val);
        a->owned = hv_xrealloc(a->owned, (a->nowned + 1) * sizeof *a->owned);
        a->owned[a->nowned++] = s;
        push(&a->sets, &a->nsets, s);
    } else if (!strcmp(opt, "--vary"))
        push(&a->vary, &a->nvary, val);
    else if (!strcmp(opt, "--variant"))
        push(&a->variant, &a->nvariant, val);
    else if (!strcmp(opt, "--shard"))
        a->shard = val;
    else
        a->out = val;
    return 1;
}

void cli_scn_args_free(cli_scn_args *a)
{
    for (size_t i = 0; i < a->nowned; i++)
        free(a->owned[i]);
    free(a->owned);
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

int cli_scenario(const char *cmd, const cli_scn_args *a, struct scenario *s)
{
    scn_errors e;
    scn_errors_init(&e);
    int rc = scn_build(s, a->src, a->sets, a->nsets, cli_parse_opts(), &e);
    if (rc)
        print_errors(cmd, &e);
    scn_errors_free(&e);
    return rc ? HV_EXIT_USAGE : 0;
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
    scn_init(&base);
    int failed = scn_load(&base, a->src ? a->src : "default", cli_parse_opts(), &e) != 0;
    for (size_t k = 0; k < a->nsets; k++)
        failed |= scn_set(&base, a->sets[k], "--set", cli_parse_opts(), &e) != 0;
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
        fprintf(stderr, "hvwake %s: cannot write '%s': %s; expected a writable path\n", cmd, path, strerror(errno));
    return f;
}

int cli_write_run(const char *cmd, const cli_scn_args *a, const struct scenario *s, const rep_metrics *m)
{
    FILE *f = cli_open_out(cmd, a->out);
    if (!f)
        return HV_EXIT_USAGE;
    rep_config c;
    rep_header h = cli_header(s, &c);
    int rc = a->format == CLI_FMT_JSON  ? rep_write_json(f, &h, m)
             : a->format == CLI_FMT_CSV ? rep_write_csv(f, &h, m)
                                        : rep_write_text(f, &h, m);
    if (f != stdout)
        rc |= fclose(f) ? HV_EIO : 0;
    else
        fflush(f);
    rep_config_free(&c);
    if (rc) {
        fprintf(stderr, "hvwake %s: writing the output failed\n", cmd);
        return HV_EXIT_USAGE;
    }
    return 0;
}

static int mkdirs(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *q = p + 1; *q; q++)
        if (*q == '/') {
            *q = 0;
            if (mkdir(p, 0777) && errno != EEXIST)
                return -1;
            *q = '/';
        }
    return mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
}

FILE *cli_results_open(const char *cmd, const char *dir, unsigned shard_i, unsigned shard_n,
                       const struct scenario *base, size_t replications, const scn_variants *vs)
{
    if (mkdirs(dir)) {
        fprintf(stderr, "hvwake %s: cannot create '%s': %s; expected a writable directory\n", cmd, dir,
                strerror(errno));
        return NULL;
    }
    char name[64], path[4200];
    rep_results_file_name(name, sizeof name, shard_i, shard_n);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = cli_open_out(cmd, path);
    if (!f)
        return NULL;
    rep_config c;
    rep_header h = cli_header(base, &c);
    const char **names = hv_xcalloc(vs->n + 1, sizeof *names);
    for (size_t v = 0; v < vs->n; v++)
        names[v] = vs->v[v].name;
    rep_results_write_header(f, &h, replications, shard_i, shard_n, vs->n, names);
    free(names);
    rep_config_free(&c);
    return f;
}
