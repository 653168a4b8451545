/*
 * scn/scenario_write.c — the effective configuration out: one value's
 * canonical text (scn_get_text), every value in echo order with its
 * scn__origin (scn_visit, behind show-config and the echo in every output),
 * and the re-loadable INI text (scn_write_ini).
 */
#include "scn/scenario_internal.h"

#include "base/hv.h"

#include <stdio.h>
#include <string.h>

int scn_get_text(const struct scenario *s, const char *section, const char *instance, const char *key,
                 char *buf, size_t n)
{
    if (!strcmp(section, "cost")) {
        int c = scn__find_cost(s, key);
        if (c < 0)
            return -1;
        static const scn_valspec spec = {SCN_T_TIME, 0, 0, NULL, 0};
        scn_value_format(&spec, &s->cost[c].ns, buf, n);
        return 0;
    }
    const scn_opt *o = scn_find_opt(section, key);
    if (!o)
        return -1;
    int inst = 0;
    if (o->instances) {
        if (!instance || (inst = scn_instance(s, section, instance)) < 0)
            return -1;
    }
    scn_value_format(&o->spec, scn__field_cptr(s, o, inst), buf, n);
    return 0;
}

void scn_visit(const struct scenario *s, scn_visit_fn fn, void *ctx)
{
    char name[256], text[1100], json[64], org[300];
    static const scn_valspec tspec = {SCN_T_TIME, 0, 0, NULL, 0};
    for (size_t si = 0; si < scn_n_sections; si++) {
        const scn_section *sec = &scn_sections[si];
        size_t ninst = sec->instances ? scn__count(s, sec) : 1;
        for (size_t in = 0; in < ninst; in++) {
            for (size_t i = 0; i < scn_n_opts; i++) {
                const scn_opt *o = &scn_opts[i];
                if (strcmp(o->section, sec->name))
                    continue;
                const void *f = scn__field_cptr(s, o, (int)in);
                if (sec->instances)
                    snprintf(name, sizeof name, "%s.%s.%s", sec->name, scn__name(s, sec, in), o->key);
                else
                    snprintf(name, sizeof name, "%s.%s", sec->name, o->key);
                scn_value_format(&o->spec, f, text, sizeof text);
                int isnum = scn_value_json(&o->spec, f, json, sizeof json) == 0;
                scn__format_origin(&s->meta->slot[scn__slot_base(i) + in], org, sizeof org);
                fn(ctx, name, text, isnum ? json : NULL, org);
            }
        }
    }
    for (size_t c = 0; c < s->n_cost; c++) {
        snprintf(name, sizeof name, "cost.%s", s->cost[c].name);
        scn_value_format(&tspec, &s->cost[c].ns, text, sizeof text);
        snprintf(json, sizeof json, "%llu", (unsigned long long)s->cost[c].ns);
        scn__format_origin(&s->meta->cost[c], org, sizeof org);
        fn(ctx, name, text, json, org);
    }
}

/* v as an INI value: quoted (with \" and \\) when it would not read back. */
static void ini_value(const char *v, char *out, size_t n)
{
    size_t l = strlen(v), o = 0;
    int quote = !l || strpbrk(v, "#;\"\\") || v[0] == ' ' || v[0] == '\t' || v[l - 1] == ' ' ||
                v[l - 1] == '\t';
    if (!quote) {
        snprintf(out, n, "%s", v);
        return;
    }
    if (n < 3) {
        out[0] = 0;
        return;
    }
    out[o++] = '"';
    for (; *v && o + 3 < n; v++) {
        if (*v == '"' || *v == '\\')
            out[o++] = '\\';
        out[o++] = *v;
    }
    out[o++] = '"';
    out[o] = 0;
}

typedef struct ini_ctx {
    FILE *f;
    char cur[200];
} ini_ctx;

static void ini_visit(void *vctx, const char *name, const char *text, const char *json, const char *org)
{
    (void)json;
    ini_ctx *c = vctx;
    /* name: sec.key or sec.inst.key */
    char sec[128], head[200];
    const char *d1 = strchr(name, '.');
    const char *d2 = strrchr(name, '.');
    snprintf(sec, sizeof sec, "%.*s", (int)(d1 - name), name);
    if (d1 != d2 && strcmp(sec, "cost"))
        snprintf(head, sizeof head, "[%s \"%.*s\"]", sec, (int)(d2 - d1 - 1), d1 + 1);
    else
        snprintf(head, sizeof head, "[%s]", sec);
    if (strcmp(head, c->cur)) {
        fprintf(c->f, "%s%s\n", c->cur[0] ? "\n" : "", head);
        snprintf(c->cur, sizeof c->cur, "%s", head);
    }
    const char *key = strcmp(sec, "cost") ? d2 + 1 : d1 + 1;
    char val[2 * SCN_INI_LINE_MAX + 3], line[3 * SCN_INI_LINE_MAX];
    ini_value(text, val, sizeof val);
    snprintf(line, sizeof line, "%s = %s", key, val);
    fprintf(c->f, "%-40s # %s\n", line, org);
}

void scn_write_ini(const struct scenario *s, FILE *f)
{
    ini_ctx c = {f, ""};
    scn_visit(s, ini_visit, &c);
}
