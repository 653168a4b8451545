/* Imports: the inputs of plot and report besides results files, read back
 * into a rep_results: compare/merge --json and --csv (tidy, as
 * results_export.c writes them), run --json and --csv; and
 * rep_results_read_any, which tells them from results files and
 * directories (results.c, results_dir.c). See results.h. */
#include "report/results.h"
#include "report/json.h"
#include "report/results_internal.h"

#include "base/hv.h"
#include "scn/scenario.h"
#include "scn/value.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A number of the configuration as the text a scenario would hold ("100ms"
 * for a TIME key in ns), typed by the option table; plain digits else. */
static void value_text(const char *name, double v, char *buf, size_t n)
{
    const scn_valspec *spec = rep_key_spec(name);
    if (spec && (spec->type == SCN_T_TIME || spec->type == SCN_T_NS) && v >= 0 && v == floor(v) && v < 1.8e19) {
        uint64_t ns = (uint64_t)v;
        scn_value_format(spec, &ns, buf, n);
    } else if (spec && spec->type == SCN_T_PERCENT)
        scn_value_format(spec, &v, buf, n);
    else
        rep_json_number(v, buf, n);
}

/* ---- JSON ---- */

/* A file being read (JSON or CSV): where its records go, the errors (the
 * first one of the file is reported, then it has failed). */
typedef struct rin {
    rep_results *r;
    const char *path;
    scn_errors *e;
    unsigned line; /* the CSV line being read; 0 in JSON */
    int failed;
} rin;

static int bad(rin *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(rin *in, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!in->failed)
        scn_error(in->e, in->path, in->line, "%s", msg);
    in->failed = 1;
    return -1;
}

/* A whole number in [0, 2^53]. */
static int jint(const rep_json *v, uint64_t *out)
{
    if (!v || v->type != REP_JSON_NUMBER || v->num < 0 || v->num > 9007199254740992.0 || v->num != floor(v->num))
        return -1;
    *out = (uint64_t)v->num;
    return 0;
}

static const rep_json *jmember(rin *j, const rep_json *o, const char *name, rep_json_type t, const char *where)
{
    const rep_json *v = rep_json_get(o, name);
    static const char *const tn[] = {"null", "a boolean", "a number", "a string", "an array", "an object"};
    if (!v || v->type != t) {
        bad(j, "%s\"%s\" is %s; expected %s", where, name, v ? tn[v->type] : "missing", tn[t]);
        return NULL;
    }
    return v;
}

/* A JSON value as configuration text. */
static void jtext(const char *name, const rep_json *v, char *buf, size_t n)
{
    if (v->type == REP_JSON_STRING)
        snprintf(buf, n, "%s", v->str);
    else if (v->type == REP_JSON_BOOL)
        snprintf(buf, n, "%s", v->num ? "true" : "false");
    else if (v->type == REP_JSON_NUMBER)
        value_text(name, v->num, buf, n);
    else
        snprintf(buf, n, "null");
}

static int jconfig(rin *j, const rep_json *root)
{
    const rep_json *c = jmember(j, root, "config", REP_JSON_OBJECT, ""), *o = rep_json_get(root, "origin");
    if (!c)
        return -1;
    for (size_t i = 0; i < c->n; i++) {
        char text[1200];
        const rep_json *org = rep_json_get(o, c->key[i]);
        jtext(c->key[i], &c->item[i], text, sizeof text);
        rep_config_add(&j->r->config, c->key[i], text, NULL, org && org->type == REP_JSON_STRING ? org->str : "");
    }
    return 0;
}

/* One job's "metrics" and "histograms" into m. */
static int jjob(rin *j, const rep_json *metrics, const rep_json *hists, rep_metrics *m, const char *where)
{
    char why[400];
    for (size_t i = 0; i < metrics->n; i++) {
        const rep_json *v = &metrics->item[i];
        if (v->type != REP_JSON_NUMBER && v->type != REP_JSON_NULL)
            return bad(j, "%smetric \"%.80s\" is not a number or null; expected one", where, metrics->key[i]);
        if (rep_metrics_add_flat(m, metrics->key[i], v->type == REP_JSON_NULL ? NAN : v->num, why, sizeof why))
            return bad(j, "%s%s", where, why);
    }
    for (size_t i = 0; hists && i < hists->n; i++) {
        const rep_json *h = &hists->item[i], *b = rep_json_get(h, "buckets");
        uint64_t total;
        char name[300];
        if (jint(rep_json_get(h, "count"), &total) || !b || b->type != REP_JSON_ARRAY)
            return bad(j, "%shistogram \"%.80s\" has no whole \"count\" or no \"buckets\" array; expected both",
                        where, hists->key[i]);
        snprintf(name, sizeof name, "%s@n", hists->key[i]);
        if (rep_metrics_add_flat(m, name, (double)total, why, sizeof why))
            return bad(j, "%s%s", where, why);
        for (size_t k = 0; k < b->n; k++) {
            uint64_t lo, hi, cnt, blo, bhi;
            const rep_json *t = &b->item[k];
            if (t->type != REP_JSON_ARRAY || t->n != 3 || jint(&t->item[0], &lo) || jint(&t->item[1], &hi) ||
                jint(&t->item[2], &cnt))
                return bad(j, "%shistogram \"%.80s\" bucket %zu is not [lo, hi, count]; expected three whole numbers",
                            where, hists->key[i], k);
            des_hist_bucket_of(lo, &blo, &bhi);
            if (blo != lo || bhi != hi)
                return bad(j, "%shistogram \"%.80s\" bucket %zu [%llu, %llu) is not a bucket of hvwake's histograms; "
                            "expected [%llu, %llu)", where, hists->key[i], k, (unsigned long long)lo,
                            (unsigned long long)hi, (unsigned long long)blo, (unsigned long long)bhi);
            snprintf(name, sizeof name, "%s@%llu", hists->key[i], (unsigned long long)lo);
            if (rep_metrics_add_flat(m, name, (double)cnt, why, sizeof why))
                return bad(j, "%s%s", where, why);
        }
    }
    if (rep_metrics_end_flat(m, why, sizeof why))
        return bad(j, "%s%s", where, why);
    return 0;
}

static void local_header(rep_results *r, const char *version, const char *source, const char *scenario,
                         uint64_t seed, size_t nv, size_t reps)
{
    r->version = hv_xstrdup(version);
    r->source = hv_xstrdup(source);
    r->scenario = hv_xstrdup(scenario);
    r->seed = seed;
    r->replications = reps;
    r->shard_n = 1;
    r->shard = hv_xcalloc(2, 1);
    r->shard[1] = 1;
    r->nv = nv;
    r->vname = hv_xcalloc(nv + 1, sizeof *r->vname);
    r->vsets = hv_xcalloc(nv + 1, sizeof *r->vsets);
    r->stream = hv_xcalloc(nv + 1, sizeof *r->stream);
    r->runs = hv_xcalloc(nv * reps + 1, sizeof *r->runs);
    r->have = hv_xcalloc(nv * reps + 1, 1);
    r->where = hv_xcalloc(nv * reps + 1, sizeof *r->where);
}

static int from_json(rin *j, const rep_json *root)
{
    rep_results *r = j->r;
    const rep_json *ver = jmember(j, root, "hvwake", REP_JSON_STRING, ""), *src = rep_json_get(root, "source"),
                   *scn = jmember(j, root, "scenario", REP_JSON_STRING, ""), *runs = rep_json_get(root, "runs");
    uint64_t seed, reps = 1, run = 0;
    if (!ver || !scn)
        return -1;
    if (jint(rep_json_get(root, "seed"), &seed))
        return bad(j, "\"seed\" is not a whole number; expected the output of hvwake run, compare or merge --json");
    if (!runs) { /* hvwake run --json: one variant, one run */
        if (jint(rep_json_get(root, "run"), &run))
            return bad(j, "no \"runs\" and no \"run\"; expected the output of hvwake run, compare or merge --json");
        const rep_json *m = jmember(j, root, "metrics", REP_JSON_OBJECT, "");
        if (!m)
            return -1;
        local_header(r, ver->str, src && src->type == REP_JSON_STRING ? src->str : "unknown", scn->str, seed, 1, 1);
        char name[64];
        snprintf(name, sizeof name, "run %llu", (unsigned long long)run);
        r->vname[0] = hv_xstrdup(name);
        r->vsets[0] = hv_xstrdup("");
        r->stream[0] = (rep_stream){seed, run};
        if (jconfig(j, root) || jjob(j, m, rep_json_get(root, "histograms"), &r->runs[0], ""))
            return -1;
        r->have[0] = 1;
        return 0;
    }
    const rep_json *vn = jmember(j, root, "variants", REP_JSON_ARRAY, ""),
                   *vsets = jmember(j, root, "variant_sets", REP_JSON_ARRAY, ""),
                   *st = jmember(j, root, "streams", REP_JSON_ARRAY, "");
    if (!vn || !vsets || !st || runs->type != REP_JSON_ARRAY)
        return bad(j, "\"runs\" is not an array; expected the output of hvwake compare or merge --json");
    if (jint(rep_json_get(root, "replications"), &reps) || !reps || reps > 1000000 || !vn->n || vsets->n != vn->n ||
        st->n != vn->n)
        return bad(j, "\"replications\", \"variants\", \"variant_sets\" and \"streams\" do not agree; expected "
                       "R >= 1 and one entry per variant");
    local_header(r, ver->str, src && src->type == REP_JSON_STRING ? src->str : "unknown", scn->str, seed, vn->n,
                 (size_t)reps);
    for (size_t v = 0; v < vn->n; v++) {
        const rep_json *s = &vsets->item[v];
        uint64_t sd, r0;
        if (vn->item[v].type != REP_JSON_STRING || s->type != REP_JSON_OBJECT ||
            jint(rep_json_get(&st->item[v], "seed"), &sd) || jint(rep_json_get(&st->item[v], "run"), &r0))
            return bad(j, "variant %zu: its name, assignments or stream are not a string, an object and {seed, "
                           "run}; expected them", v);
        r->vname[v] = hv_xstrdup(vn->item[v].str);
        r->stream[v] = (rep_stream){sd, r0};
        size_t l = 1;
        char text[1200];
        for (size_t k = 0; k < s->n; k++)
            l += strlen(s->key[k]) + sizeof text + 2;
        r->vsets[v] = hv_xcalloc(l, 1);
        for (size_t k = 0; k < s->n; k++) {
            jtext(s->key[k], &s->item[k], text, sizeof text);
            size_t o = strlen(r->vsets[v]);
            snprintf(r->vsets[v] + o, l - o, "%s=%s\n", s->key[k], text);
        }
    }
    if (jconfig(j, root))
        return -1;
    for (size_t i = 0; i < runs->n; i++) {
        const rep_json *o = &runs->item[i], *m = rep_json_get(o, "metrics");
        uint64_t v, rn;
        char where[64];
        snprintf(where, sizeof where, "runs[%zu]: ", i);
        if (jint(rep_json_get(o, "variant"), &v) || v >= r->nv || jint(rep_json_get(o, "run"), &rn) ||
            rn < r->stream[v].run0 || rn - r->stream[v].run0 >= reps || !m || m->type != REP_JSON_OBJECT)
            return bad(j, "%sno valid \"variant\", \"run\" or \"metrics\"; expected a variant index, a run of its "
                           "stream and an object", where);
        size_t job = (size_t)v * r->replications + (size_t)(rn - r->stream[v].run0);
        if (r->have[job])
            return bad(j, "%svariant %llu run %llu twice; expected each job once", where, (unsigned long long)v,
                        (unsigned long long)rn);
        if (jjob(j, m, rep_json_get(o, "histograms"), &r->runs[job], where))
            return -1;
        r->have[job] = 1;
    }
    for (size_t job = 0; job < r->nv * r->replications; job++)
        if (!r->have[job])
            return bad(j, "no run %llu of variant '%s'; expected every job of the experiment",
                        (unsigned long long)(r->stream[job / reps].run0 + job % reps), r->vname[job / reps]);
    return 0;
}

/* ---- CSV (run --csv, compare/merge --csv) ---- */


/* A bucket row "P.bucket,COUNT,count,LO,HI" into m: its histogram is
 * declared on its first bucket with the run's P.count as the total. */
static int bucket_row(rin *c, rep_metrics *m, const char *metric, double value, const char *lo_s, const char *hi_s)
{
    size_t l = strlen(metric);
    char prefix[256], name[300], why[400];
    unsigned long long lo, hi;
    uint64_t blo, bhi;
    if (l <= 7 || strcmp(metric + l - 7, ".bucket") || l - 7 >= sizeof prefix)
        return bad(c, "lo and hi given for metric '%.80s'; expected them only on NAME.bucket rows", metric);
    snprintf(prefix, sizeof prefix, "%.*s", (int)(l - 7), metric);
    if (rep__parse_u(lo_s, UINT64_MAX, &lo) || rep__parse_u(hi_s, UINT64_MAX, &hi))
        return bad(c, "bucket bounds '%.30s', '%.30s' are not whole numbers; expected LO and HI", lo_s, hi_s);
    des_hist_bucket_of(lo, &blo, &bhi);
    if (blo != lo || bhi != hi)
        return bad(c, "bucket [%llu, %llu) is not a bucket of hvwake's histograms; expected [%llu, %llu)", lo, hi,
                    (unsigned long long)blo, (unsigned long long)bhi);
    if (!rep_hist_find(m, prefix)) {
        snprintf(name, sizeof name, "%s.count", prefix);
        long k = rep_metric_find(m, name);
        if (k < 0)
            return bad(c, "bucket of '%.80s' without a %s row before it in this run; expected the distribution's "
                           "rows first", prefix, name);
        snprintf(name, sizeof name, "%s@n", prefix);
        if (rep_metrics_add_flat(m, name, m->rows[k].value, why, sizeof why))
            return bad(c, "%s", why);
    }
    snprintf(name, sizeof name, "%s@%llu", prefix, lo);
    if (rep_metrics_add_flat(m, name, value, why, sizeof why))
        return bad(c, "%s", why);
    return 0;
}

typedef struct chdr {
    char *version, *source, *scenario;
    unsigned long long seed, run, reps;
    int have_run, have_reps;
} chdr;

static int csv_header(rin *c, chdr *h, char *l)
{
    rep_results *r = c->r;
    char *key = l + 2, *val = strchr(key, ' ');
    if (strncmp(l, "# ", 2) || !val)
        return bad(c, "unexpected header line '%.60s'; expected '# key value'", l);
    *val++ = 0;
    char **str = !strcmp(key, "hvwake") ? &h->version : !strcmp(key, "source") ? &h->source
               : !strcmp(key, "scenario") ? &h->scenario : NULL;
    if (str) {
        free(*str);
        *str = hv_xstrdup(val);
        return 0;
    }
    int seed = !strcmp(key, "seed"), run = !strcmp(key, "run"), reps = !strcmp(key, "replications");
    if (seed || run || reps) {
        unsigned long long *slot = seed ? &h->seed : run ? &h->run : &h->reps;
        if (rep__parse_u(val, reps ? 1000000 : UINT64_MAX, slot) || (reps && !*slot))
            return bad(c, "%s '%.30s' is not valid; expected a whole number%s", key, val, reps ? " >= 1" : "");
        h->have_run |= run;
        h->have_reps |= reps;
        return 0;
    }
    if (!strcmp(key, "config")) {
        char *eq = strchr(val, '='), *op = strrchr(val, '(');
        size_t ll = strlen(val);
        if (!eq || !op || op <= eq || op[-1] != ' ' || val[ll - 1] != ')')
            return bad(c, "cannot parse '# config'; expected '# config KEY=VALUE (ORIGIN)'");
        *eq = 0;
        op[-1] = 0;
        val[ll - 1] = 0;
        rep_config_add(&r->config, val, eq + 1, NULL, op + 1);
        return 0;
    }
    if (!strcmp(key, "variant") || !strcmp(key, "stream") || !strcmp(key, "set")) {
        char *sp = strchr(val, ' ');
        unsigned long long idx, sd, r0;
        int variant = key[0] == 'v';
        if (!sp || (*sp = 0, rep__parse_u(val, 100000, &idx)) || (variant ? idx != r->nv : idx + 1 != r->nv))
            return bad(c, "'# %s %.20s' out of order; expected variants 0, 1, ... each with its stream and sets",
                        key, val);
        if (variant) {
            r->vname = hv_xrealloc(r->vname, (r->nv + 1) * sizeof *r->vname);
            r->vsets = hv_xrealloc(r->vsets, (r->nv + 1) * sizeof *r->vsets);
            r->stream = hv_xrealloc(r->stream, (r->nv + 1) * sizeof *r->stream);
            r->vname[r->nv] = hv_xstrdup(sp + 1);
            r->vsets[r->nv] = hv_xstrdup("");
            r->stream[r->nv++] = (rep_stream){h->seed, 0};
        } else if (key[1] == 't') {
            int end = 0;
            if (sscanf(sp + 1, "%llu %llu%n", &sd, &r0, &end) != 2 || sp[1 + end])
                return bad(c, "cannot parse '# stream'; expected '# stream INDEX SEED RUN'");
            r->stream[idx] = (rep_stream){sd, r0};
        } else {
            size_t ol = strlen(r->vsets[idx]), al = strlen(sp + 1);
            r->vsets[idx] = hv_xrealloc(r->vsets[idx], ol + al + 2);
            snprintf(r->vsets[idx] + ol, al + 2, "%s\n", sp + 1);
        }
        return 0;
    }
    return bad(c, "unknown header line '# %.40s'; expected the header of hvwake run, compare or merge --csv", key);
}

static int from_csv(rin *c, char *text)
{
    rep_results *r = c->r;
    chdr h = {0};
    char *save = NULL, *l;
    int tidy = -1; /* 0: run --csv, 1: compare/merge --csv */
    size_t nk = 0, cur = (size_t)-1;
    for (l = text; l && !c->failed; l = save) {
        char *nl = strchr(l, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = 0;
        else if (!*l)
            break;
        c->line++;
        if (!nl) {
            bad(c, "the file ends inside this line (no newline): it is truncated; expected complete lines");
            break;
        }
        if (tidy < 0 && l[0] == '#') {
            csv_header(c, &h, l);
            continue;
        }
        char *f[64];
        int nf = rep__csv_split(l, f, 64);
        if (tidy < 0) { /* the column names */
            if (!h.version || !h.scenario)
                return bad(c, "no '# hvwake' or '# scenario' line before the columns; expected an hvwake CSV output");
            tidy = nf == 5 && !strcmp(f[0], "metric") ? 0 : nf >= 7 && !strcmp(f[0], "variant") ? 1 : -2;
            if (tidy == -2 || (tidy == 1 && (strcmp(f[nf - 5], "metric") || strcmp(f[nf - 6], "run"))))
                return bad(c, "columns '%.60s...'; expected metric,value,unit,lo,hi (run --csv) or variant,KEYS...,"
                               "run,metric,value,unit,lo,hi (compare or merge --csv)", f[0]);
            nk = tidy ? (size_t)nf - 7 : 0;
            if (tidy ? !r->nv || !h.have_reps : !h.have_run)
                return bad(c, "the header lacks %s; expected a complete header", tidy ? "'# replications' or the "
                            "variants" : "'# run'");
            if (!tidy) {
                r->nv = 1;
                r->vname = hv_xcalloc(2, sizeof *r->vname);
                r->vsets = hv_xcalloc(2, sizeof *r->vsets);
                r->stream = hv_xcalloc(2, sizeof *r->stream);
                char name[64];
                snprintf(name, sizeof name, "run %llu", h.run);
                r->vname[0] = hv_xstrdup(name);
                r->vsets[0] = hv_xstrdup("");
                r->stream[0] = (rep_stream){h.seed, h.run};
                h.reps = 1;
            }
            /* local_header allocates the variant arrays anew: keep ours */
            char **vn = r->vname, **vs = r->vsets;
            rep_stream *st = r->stream;
            size_t nv = r->nv;
            local_header(r, h.version, h.source ? h.source : "unknown", h.scenario, h.seed, nv, (size_t)h.reps);
            free(r->vname);
            free(r->vsets);
            free(r->stream);
            r->vname = vn;
            r->vsets = vs;
            r->stream = st;
            continue;
        }
        if ((size_t)nf != (tidy ? nk + 7 : 5)) {
            bad(c, "%d fields; expected %zu", nf, tidy ? nk + 7 : (size_t)5);
            break;
        }
        char **g = tidy ? f + nk + 2 : f; /* metric, value, unit, lo, hi */
        size_t job = 0;
        if (tidy) {
            size_t v = 0;
            unsigned long long rn;
            while (v < r->nv && strcmp(r->vname[v], f[0]))
                v++;
            if (v == r->nv) {
                bad(c, "variant '%.80s' is not in the header; expected one of its variants", f[0]);
                break;
            }
            if (rep__parse_u(f[nk + 1], UINT64_MAX, &rn) || rn < r->stream[v].run0 ||
                rn - r->stream[v].run0 >= r->replications) {
                bad(c, "run '%.30s' is not one of variant '%.80s' (runs %llu..%llu); expected one", f[nk + 1], f[0],
                     (unsigned long long)r->stream[v].run0,
                     (unsigned long long)(r->stream[v].run0 + r->replications - 1));
                break;
            }
            job = v * r->replications + (size_t)(rn - r->stream[v].run0);
        }
        if (job != cur) {
            char why[400];
            if (cur != (size_t)-1 && rep_metrics_end_flat(&r->runs[cur], why, sizeof why)) {
                bad(c, "%s", why);
                break;
            }
            if (r->have[job]) {
                bad(c, "rows of variant '%.80s' run %llu after other rows; expected each run's rows together",
                     r->vname[job / r->replications],
                     (unsigned long long)(r->stream[job / r->replications].run0 + job % r->replications));
                break;
            }
            r->have[job] = 1;
            cur = job;
        }
        double value;
        char why[400];
        if (rep__parse_value(g[1], &value)) {
            bad(c, "value '%.40s' is not valid; expected a finite decimal number, or nothing", g[1]);
            break;
        }
        if (*g[3] || *g[4])
            bucket_row(c, &r->runs[job], g[0], value, g[3], g[4]);
        else if (strchr(g[0], '@') || rep_metrics_add_flat(&r->runs[job], g[0], value, why, sizeof why))
            bad(c, "%s", strchr(g[0], '@') ? "a metric name with '@'; expected a metric" : why);
    }
    char why[400];
    if (!c->failed && tidy < 0)
        bad(c, "no column line; expected an hvwake CSV output");
    if (!c->failed && cur != (size_t)-1 && rep_metrics_end_flat(&r->runs[cur], why, sizeof why))
        bad(c, "%s", why);
    for (size_t job = 0; !c->failed && job < r->nv * r->replications; job++)
        if (!r->have[job])
            bad(c, "no rows of variant '%.80s' run %llu; expected every run of the experiment",
                 r->vname[job / r->replications],
                 (unsigned long long)(r->stream[job / r->replications].run0 + job % r->replications));
    free(h.version);
    free(h.source);
    free(h.scenario);
    return c->failed ? -1 : 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            buf = hv_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (!got)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static int results_file(const char *path)
{
    struct stat st;
    if (stat(path, &st))
        return 0;
    if (S_ISDIR(st.st_mode))
        return 1;
    FILE *f = fopen(path, "rb");
    char head[32] = "";
    if (f) {
        if (!fgets(head, sizeof head, f))
            head[0] = 0;
        fclose(f);
    }
    return !strncmp(head, "# hvwake-results", 16);
}

int rep_results_read_any(rep_results *r, int n, char *const *paths, scn_errors *e)
{
    rep_results_init(r);
    int shards = 1;
    for (int i = 0; i < n; i++)
        shards &= results_file(paths[i]);
    if (shards || n != 1) {
        if (!shards) {
            scn_error(e, NULL, 0, "%d inputs, not all results files or directories; expected the shards of one sweep, "
                      "or one output of run, compare or merge (--json or --csv)", n);
            return HV_EPARSE;
        }
        int failed = 0;
        for (int i = 0; i < n; i++)
            failed |= rep_results_read_path(r, paths[i], e) != 0;
        return failed || rep_results_complete(r, e) ? HV_EPARSE : 0;
    }
    size_t len = 0;
    char *text = slurp(paths[0], &len);
    if (!text) {
        scn_error(e, paths[0], 0, "cannot open: %s; expected a results directory or an output of hvwake",
                  strerror(errno));
        return HV_EPARSE;
    }
    r->files = hv_xcalloc(1, sizeof *r->files);
    r->files[r->nfiles++] = hv_xstrdup(paths[0]);
    r->first = hv_xstrdup(paths[0]);
    size_t sk = strspn(text, " \t\r\n");
    int rc;
    if (text[sk] == '{') {
        rep_json_doc d;
        char why[600];
        rin j = {r, paths[0], e, 0, 0};
        if (rep_json_parse(&d, text, len, why, sizeof why)) {
            scn_error(e, paths[0], 0, "%s", why);
            rc = -1;
        } else {
            rc = from_json(&j, &d.root);
            rep_json_free(&d);
        }
    } else if (!strncmp(text, "# hvwake ", 9)) {
        rin c = {r, paths[0], e, 0, 0};
        rc = strlen(text) != len ? bad(&c, "a NUL byte in the file; expected text") : from_csv(&c, text);
    } else {
        scn_error(e, paths[0], 1, "not an output of hvwake; expected a results directory or file, or the --json or "
                  "--csv output of run, compare or merge");
        rc = -1;
    }
    free(text);
    return rc ? HV_EPARSE : 0;
}
