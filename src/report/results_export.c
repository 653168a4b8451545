/* Exports: results of compare and merge as outputs, JSON and the tidy CSV
 * (results_import.c reads them back), the configuration values typed by
 * the option table for both; the experiment of a compare held in memory.
 * See results.h. */
#include "report/results.h"

#include "base/hv.h"
#include "scn/scenario.h"
#include "scn/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rep_results_local(rep_results *r, const rep_header *h, size_t reps, const scn_variants *vs,
                       const rep_stream *streams)
{
    rep_results_init(r);
    r->version = hv_xstrdup(h->version ? h->version : "?");
    r->source = hv_xstrdup(rep_header_source(h));
    r->scenario = hv_xstrdup(h->scenario ? h->scenario : "");
    r->seed = h->seed;
    r->replications = reps;
    r->shard_n = 1;
    r->shard = hv_xcalloc(2, 1);
    r->shard[1] = 1;
    r->nv = vs->n;
    r->vname = hv_xcalloc(vs->n + 1, sizeof *r->vname);
    r->vsets = hv_xcalloc(vs->n + 1, sizeof *r->vsets);
    r->stream = hv_xcalloc(vs->n + 1, sizeof *r->stream);
    for (size_t v = 0; v < vs->n; v++) {
        r->vname[v] = hv_xstrdup(vs->v[v].name);
        size_t l = 1;
        for (size_t k = 0; k < vs->v[v].nsets; k++)
            l += strlen(vs->v[v].sets[k]) + 1;
        r->vsets[v] = hv_xcalloc(l, 1);
        for (size_t k = 0; k < vs->v[v].nsets; k++) {
            strcat(r->vsets[v], vs->v[v].sets[k]);
            strcat(r->vsets[v], "\n");
        }
        r->stream[v] = streams[v];
    }
    for (size_t i = 0; h->config && i < h->config->n; i++) {
        const rep_setting *s = &h->config->v[i];
        rep_config_add(&r->config, s->name, s->text, s->json, s->origin);
    }
    size_t jobs = vs->n * reps;
    r->runs = hv_xcalloc(jobs + 1, sizeof *r->runs);
    r->have = hv_xcalloc(jobs + 1, 1);
    r->where = hv_xcalloc(jobs + 1, sizeof *r->where);
    for (size_t j = 0; j < jobs; j++)
        rep_metrics_init(&r->runs[j]);
}

const scn_valspec *rep_key_spec(const char *name)
{
    const char *dot = strchr(name, '.'), *last = strrchr(name, '.');
    static const scn_valspec time_spec = {SCN_T_TIME, 0, 1e18L, NULL, 0};
    if (!dot)
        return NULL;
    if ((size_t)(dot - name) == 4 && !strncmp(name, "cost", 4))
        return &time_spec; /* [cost] rows are TIME */
    char section[64];
    snprintf(section, sizeof section, "%.*s", (int)(dot - name), name);
    const scn_opt *o = scn_find_opt(section, last + 1); /* section.key, section.NAME.key, section.*.key */
    return o ? &o->spec : NULL;
}

int rep_value_json(const char *name, const char *text, char *buf, size_t n)
{
    const scn_valspec *spec = rep_key_spec(name);
    if (!spec || spec->type == SCN_T_ENUM || spec->type == SCN_T_STRING)
        return -1;
    union {
        bool b;
        uint64_t u;
        int64_t i;
        double d;
        int e;
    } field;
    char why[300];
    if (scn_value_parse(spec, text, &field, why, sizeof why))
        return -1;
    return scn_value_json(spec, &field, buf, n);
}

/* "key": literal, typed by the option table (a string if not a number). */
static void json_setting(FILE *f, const char *name, const char *text, const char *json)
{
    char lit[64];
    rep_json_string(f, name);
    fputs(": ", f);
    if (json)
        fputs(json, f);
    else if (!rep_value_json(name, text, lit, sizeof lit))
        fputs(lit, f);
    else
        rep_json_string(f, text);
}

static void json_num(FILE *f, const char *key, double v)
{
    char b[64];
    rep_json_number(v, b, sizeof b);
    fprintf(f, ", \"%s\": %s", key, b);
}

/* Variant v's assignments, "k=v\n..." split into key and value. */
typedef struct assign {
    char key[256], *val;
} assign;

static size_t assigns(const char *sets, assign **out)
{
    size_t n = 0;
    *out = NULL;
    for (const char *p = sets; *p;) {
        const char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (eq && eq < p + l) {
            *out = hv_xrealloc(*out, (n + 1) * sizeof **out);
            snprintf((*out)[n].key, sizeof (*out)[n].key, "%.*s", (int)(eq - p), p);
            (*out)[n].val = hv_xmalloc(l - (size_t)(eq - p));
            snprintf((*out)[n].val, l - (size_t)(eq - p), "%.*s", (int)(l - (size_t)(eq - p) - 1), eq + 1);
            n++;
        }
        p += l + (nl != NULL);
    }
    return n;
}

static void assigns_free(assign *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(a[i].val);
    free(a);
}

static void json_metrics(FILE *f, const rep_metrics *m, const char *ind)
{
    char b[64];
    fputs("{", f);
    for (size_t i = 0; i < m->n; i++) {
        fprintf(f, "%s%s  ", i ? "," : "", "\n");
        fputs(ind, f);
        rep_json_string(f, m->rows[i].name);
        rep_json_number(m->rows[i].value, b, sizeof b);
        fprintf(f, ": %s", b);
    }
    fprintf(f, "%s%s}", m->n ? "\n" : "", m->n ? ind : "");
}

int rep_results_write_json(FILE *f, const rep_results *r, const rep_compare *c)
{
    fputs("{\n  \"hvwake\": ", f);
    rep_json_string(f, r->version);
    fputs(",\n  \"source\": ", f);
    rep_json_string(f, r->source);
    fputs(",\n  \"scenario\": ", f);
    rep_json_string(f, r->scenario);
    fprintf(f, ",\n  \"seed\": %llu,\n  \"replications\": %zu,\n  \"config\": {", (unsigned long long)r->seed,
            r->replications);
    for (size_t i = 0; i < r->config.n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        json_setting(f, r->config.v[i].name, r->config.v[i].text, r->config.v[i].json);
    }
    fputs(r->config.n ? "\n  },\n  \"origin\": {" : "},\n  \"origin\": {", f);
    for (size_t i = 0; i < r->config.n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        rep_json_string(f, r->config.v[i].name);
        fputs(": ", f);
        rep_json_string(f, r->config.v[i].origin);
    }
    fputs(r->config.n ? "\n  },\n  \"variants\": [" : "},\n  \"variants\": [", f);
    for (size_t v = 0; v < r->nv; v++) {
        fputs(v ? ", " : "", f);
        rep_json_string(f, r->vname[v]);
    }
    fputs("],\n  \"variant_sets\": [", f);
    for (size_t v = 0; v < r->nv; v++) {
        assign *a;
        size_t na = assigns(r->vsets[v], &a);
        fputs(v ? ", {" : "{", f);
        for (size_t k = 0; k < na; k++) {
            fputs(k ? ", " : "", f);
            json_setting(f, a[k].key, a[k].val, NULL);
        }
        fputc('}', f);
        assigns_free(a, na);
    }
    fputs("],\n  \"streams\": [", f);
    for (size_t v = 0; v < r->nv; v++)
        fprintf(f, "%s{\"seed\": %llu, \"run\": %llu}", v ? ", " : "", (unsigned long long)r->stream[v].seed,
                (unsigned long long)r->stream[v].run0);
    fputs("],\n  \"tests\": [", f);
    for (size_t v = 0; v < c->nv; v++) {
        fputs(v ? ", " : "", f);
        rep_json_string(f, rep_test_name(rep_compare_test(c, v)));
    }
    fputs("],\n  \"metrics\": {", f);
    for (size_t m = 0; m < c->nm; m++) {
        fputs(m ? ",\n    " : "\n    ", f);
        rep_json_string(f, c->metric[m]);
        fputs(": [", f);
        for (size_t v = 0; v < c->nv; v++) {
            const rep_stat *s = &c->st[m * c->nv + v];
            const rep_diff *d = &c->df[m * c->nv + v];
            fprintf(f, "%s{\"n\": %zu", v ? ", " : "", s->n);
            json_num(f, "mean", s->mean);
            json_num(f, "sd", s->sd);
            json_num(f, "ci", s->ci);
            if (v) {
                json_num(f, "diff", d->diff);
                json_num(f, "diff_ci", d->ci);
                json_num(f, "ratio", d->ratio);
                fprintf(f, ", \"significant\": %s, \"test\": \"%s\"", d->significant ? "true" : "false",
                        rep_test_name(d->test));
            }
            fputc('}', f);
        }
        fputc(']', f);
    }
    fputs(c->nm ? "\n  },\n  \"runs\": [" : "},\n  \"runs\": [", f);
    for (size_t j = 0; j < r->nv * r->replications; j++) {
        size_t v = j / r->replications, k = j % r->replications;
        const rep_metrics *m = &r->runs[j];
        fprintf(f, "%s\n    {\"variant\": %zu, \"run\": %llu, \"metrics\": ", j ? "," : "", v,
                (unsigned long long)(r->stream[v].run0 + k));
        json_metrics(f, m, "    ");
        fputs(", \"histograms\": {", f);
        for (size_t i = 0; i < m->nh; i++) {
            fputs(i ? ",\n      " : "\n      ", f);
            rep_json_hist(f, &m->hists[i]);
        }
        fputs(m->nh ? "\n    }}" : "}}", f);
    }
    fputs(r->nv && r->replications ? "\n  ]\n}\n" : "]\n}\n", f);
    return ferror(f) ? HV_EIO : 0;
}

size_t rep_results_keys(const rep_results *r, char ***out)
{
    size_t n = 0;
    *out = NULL;
    for (size_t v = 0; v < r->nv; v++) {
        assign *a;
        size_t na = assigns(r->vsets[v], &a);
        for (size_t k = 0; k < na; k++) {
            size_t i = 0;
            while (i < n && strcmp((*out)[i], a[k].key))
                i++;
            if (i == n) {
                *out = hv_xrealloc(*out, (n + 1) * sizeof **out);
                (*out)[n++] = hv_xstrdup(a[k].key);
            }
        }
        assigns_free(a, na);
    }
    return n;
}

void rep_results_keys_free(char **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

int rep_results_assigns(const rep_results *r, size_t v, const char *key)
{
    assign *a;
    size_t na = assigns(r->vsets[v], &a);
    int found = 0;
    for (size_t k = 0; k < na; k++)
        found |= !strcmp(a[k].key, key);
    assigns_free(a, na);
    return found;
}

const char *rep_results_value(const rep_results *r, size_t v, const char *key, char *buf, size_t n)
{
    assign *a;
    size_t na = assigns(r->vsets[v], &a);
    const char *got = NULL;
    for (size_t k = 0; k < na; k++)
        if (!strcmp(a[k].key, key)) {
            snprintf(buf, n, "%s", a[k].val);
            got = buf;
        }
    assigns_free(a, na);
    for (size_t i = 0; !got && i < r->config.n; i++)
        if (!strcmp(r->config.v[i].name, key)) {
            snprintf(buf, n, "%s", r->config.v[i].text);
            got = buf;
        }
    return got;
}

int rep_results_write_csv(FILE *f, const rep_results *r)
{
    char t[4096];
    fprintf(f, "# hvwake %s\n# source %s\n# scenario %s\n# seed %llu\n# replications %zu\n", r->version, r->source,
            r->scenario, (unsigned long long)r->seed, r->replications);
    for (size_t v = 0; v < r->nv; v++) {
        fprintf(f, "# variant %zu %s\n# stream %zu %llu %llu\n", v, rep_text_oneline(r->vname[v], t, sizeof t), v,
                (unsigned long long)r->stream[v].seed, (unsigned long long)r->stream[v].run0);
        assign *a;
        size_t na = assigns(r->vsets[v], &a);
        for (size_t k = 0; k < na; k++)
            fprintf(f, "# set %zu %s=%s\n", v, a[k].key, rep_text_oneline(a[k].val, t, sizeof t));
        assigns_free(a, na);
    }
    for (size_t i = 0; i < r->config.n; i++)
        fprintf(f, "# config %s=%s (%s)\n", r->config.v[i].name, rep_text_oneline(r->config.v[i].text, t, sizeof t),
                r->config.v[i].origin);
    char **keys;
    size_t nk = rep_results_keys(r, &keys);
    fputs("variant", f);
    for (size_t k = 0; k < nk; k++) {
        fputc(',', f);
        rep_csv_field(f, keys[k]);
    }
    fputs(",run,metric,value,unit,lo,hi\n", f);
    char *lead = NULL;
    size_t leadn = 0;
    for (size_t j = 0; j < r->nv * r->replications; j++) {
        size_t v = j / r->replications;
        const rep_metrics *m = &r->runs[j];
        /* The leading cells of every row of this run. */
        FILE *lf = open_memstream(&lead, &leadn);
        if (!lf)
            HV_DIE("open_memstream failed (out of memory)");
        rep_csv_field(lf, r->vname[v]);
        for (size_t k = 0; k < nk; k++) {
            char val[1100];
            fputc(',', lf);
            if (rep_results_value(r, v, keys[k], val, sizeof val))
                rep_csv_field(lf, val);
        }
        fprintf(lf, ",%llu,", (unsigned long long)(r->stream[v].run0 + j % r->replications));
        fclose(lf);
        rep_csv_metric_rows(f, lead, m);
        free(lead);
        lead = NULL;
    }
    rep_results_keys_free(keys, nk);
    return ferror(f) ? HV_EIO : 0;
}
