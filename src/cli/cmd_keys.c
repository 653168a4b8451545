/* hvwake keys — every scenario key: type, default, range, unit, help. */
#include "cli/cli.h"

#include "base/hv.h"
#include "scn/scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void range(const scn_opt *o, char *b, size_t n)
{
    const scn_valspec *v = &o->spec;
    switch (v->type) {
    case SCN_T_BOOL:
        snprintf(b, n, "true|false");
        return;
    case SCN_T_ENUM:
        snprintf(b, n, "%s", v->enums);
        return;
    case SCN_T_STRING:
        snprintf(b, n, "text, < %zu bytes", v->size);
        return;
    case SCN_T_DOUBLE:
    case SCN_T_PERCENT: {
        char a[40], c[40];
        scn_fmt_double((double)v->min, a, sizeof a);
        scn_fmt_double((double)v->max, c, sizeof c);
        snprintf(b, n, "[%s, %s]", a, c);
        return;
    }
    case SCN_T_TIME:
    case SCN_T_NS: {
        char a[40], c[40];
        uint64_t lo = (uint64_t)v->min, hi = v->max >= 18446744073709551615.0L ? UINT64_MAX : (uint64_t)v->max;
        scn_valspec t = {SCN_T_TIME, 0, 0, NULL, 0};
        scn_value_format(&t, &lo, a, sizeof a);
        scn_value_format(&t, &hi, c, sizeof c);
        snprintf(b, n, "[%s, %s]", a, c);
        return;
    }
    default:
        snprintf(b, n, "[%.0Lf, %.0Lf]", v->min, v->max);
    }
}

static const char *unit_of(const scn_opt *o)
{
    const char *u = scn_type_unit(o->spec.type);
    return u[0] ? u : "-";
}

static void key_name(const scn_opt *o, char *b, size_t n)
{
    if (o->instances)
        snprintf(b, n, "%s.NAME.%s", o->section, o->key);
    else
        snprintf(b, n, "%s.%s", o->section, o->key);
}

void cli_print_keys(FILE *f, const char *section)
{
    char name[128], def[200], rng[300];
    int w[4] = {3, 4, 7, 5}; /* key, type, default, range */
    for (size_t i = 0; i < scn_n_opts; i++) {
        const scn_opt *o = &scn_opts[i];
        if (section && strcmp(section, o->section))
            continue;
        key_name(o, name, sizeof name);
        range(o, rng, sizeof rng);
        int l[4] = {(int)strlen(name), (int)strlen(scn_type_name(o->spec.type)), o->def[0] ? (int)strlen(o->def) : 2,
                    (int)strlen(rng)};
        for (int k = 0; k < 4; k++)
            w[k] = l[k] > w[k] ? l[k] : w[k];
    }
    fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-8s  %s\n", w[0], "key", w[1], "type", w[2], "default", w[3], "range",
            "unit", "help");
    for (size_t si = 0; si < scn_n_sections; si++) {
        const scn_section *sec = &scn_sections[si];
        if (section && strcmp(section, sec->name))
            continue;
        if (sec->instances)
            fprintf(f, "\n[%s \"NAME\"]  %s (up to %d)\n", sec->name, sec->help, sec->instances);
        else
            fprintf(f, "\n[%s]  %s\n", sec->name, sec->help);
        for (size_t i = 0; i < scn_n_opts; i++) {
            const scn_opt *o = &scn_opts[i];
            if (strcmp(o->section, sec->name))
                continue;
            key_name(o, name, sizeof name);
            snprintf(def, sizeof def, "%s", o->def[0] ? o->def : "\"\"");
            range(o, rng, sizeof rng);
            fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-8s  %s\n", w[0], name, w[1], scn_type_name(o->spec.type), w[2], def,
                    w[3], rng, unit_of(o), o->help);
        }
    }
    if (!section || !strcmp(section, "cost"))
        fprintf(f, "\n[cost]  overrides of the cost table: cost.NAME = TIME for any row of 'hvwake costs'\n");
}

int cmd_keys(int argc, char **argv)
{
    const char *section = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            return cli_help("keys");
        }
        if (argv[i][0] == '-' || section) {
            fprintf(stderr, "hvwake keys: unexpected argument '%s'; expected at most one SECTION (see --help)\n", argv[i]);
            return HV_EXIT_USAGE;
        }
        section = argv[i];
    }
    if (section && strcmp(section, "cost") && !scn_find_section(section)) {
        const char *cand[65];
        size_t k = 0;
        for (size_t i = 0; i < scn_n_sections && k < 64; i++)
            cand[k++] = scn_sections[i].name;
        cand[k] = NULL;
        const char *best = scn_suggest(section, cand);
        fprintf(stderr, "hvwake keys: unknown section '%s'; %s%s%s\n", section, best ? "did you mean '" : "expected a section name (hvwake keys)",
                best ? best : "", best ? "'?" : "");
        return HV_EXIT_USAGE;
    }
    cli_print_keys(stdout, section);
    return 0;
}
