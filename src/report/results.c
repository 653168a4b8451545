/* Results files: the rep_results object and the reader of one shard file
 * (its header, its jobs, the checks of merge against the files read
 * before); see results.h. Directories and completeness: results_dir.c. */
#include "report/results.h"
#include "report/results_internal.h"

#include "base/hv.h"

#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void rep_results_init(rep_results *r) { memset(r, 0, sizeof *r); }

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void rep_results_free(rep_results *r)
{
    size_t jobs = r->nv * r->replications;
    for (size_t j = 0; r->runs && j < jobs; j++)
        rep_metrics_free(&r->runs[j]);
    free(r->runs);
    free(r->have);
    free_strv(r->where, jobs);
    free_strv(r->vname, r->nv);
    free_strv(r->vsets, r->nv);
    free(r->stream);
    free_strv(r->files, r->nfiles);
    free(r->shard);
    free(r->version);
    free(r->source);
    free(r->scenario);
    free(r->first);
    rep_config_free(&r->config);
    memset(r, 0, sizeof *r);
}

void rep_results_compare(const rep_results *r, rep_compare *c)
{
    rep_variant_runs *vr = hv_xcalloc(r->nv + 1, sizeof *vr);
    for (size_t v = 0; v < r->nv; v++)
        vr[v] = (rep_variant_runs){r->vname[v], r->replications, &r->runs[v * r->replications], r->stream[v]};
    rep_compare_build(c, r->nv, vr);
    free(vr);
}

rep_header rep_results_header(const rep_results *r)
{
    return (rep_header){r->version, r->scenario, r->seed, 0, &r->config, r->source};
}

/* One file's header, as read. */
typedef struct fhdr {
    char *version, *source, *scenario;
    unsigned lversion, lsource, lscenario, lseed, lreps, lshard; /* lines; 0 = absent */
    unsigned long long seed, reps, si, sn;
    size_t nv;
    char **vname, **vsets;
    unsigned *lvar;
    rep_stream *stream;
    unsigned char *have_stream;
    rep_config cfg;
    unsigned *lcfg;
} fhdr;

static void fhdr_free(fhdr *h)
{
    free(h->version);
    free(h->source);
    free(h->scenario);
    free_strv(h->vname, h->nv);
    free_strv(h->vsets, h->nv);
    free(h->lvar);
    free(h->stream);
    free(h->have_stream);
    rep_config_free(&h->cfg);
    free(h->lcfg);
}

/* The reading of one file. */
typedef struct reader {
    rep_results *r;
    const char *path;
    scn_errors *e;
    unsigned line;
    int failed, rows, ended;
    fhdr h;
    /* the open job */
    int open;
    size_t v, run, nrows, jobs;
    unsigned from;
    uint32_t crc;
    rep_metrics cur;
} reader;

static int bad(reader *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(reader *d, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    scn_error(d->e, d->path, d->line, "%s", msg);
    d->failed = 1;
    return -1;
}

static int set_once(reader *d, char **slot, unsigned *lslot, const char *key, const char *val)
{
    if (*lslot)
        return bad(d, "'# %s' twice (also line %u); expected it once", key, *lslot);
    *slot = hv_xstrdup(val);
    *lslot = d->line;
    return 0;
}

static int num_once(reader *d, unsigned long long *slot, unsigned *lslot, const char *key, const char *val,
                    unsigned long long min, unsigned long long max)
{
    if (*lslot)
        return bad(d, "'# %s' twice (also line %u); expected it once", key, *lslot);
    if (rep__parse_u(val, max, slot) || *slot < min)
        return bad(d, "%s '%.40s' is not valid; expected an integer in [%llu, %llu]", key, val, min, max);
    *lslot = d->line;
    return 0;
}

static int header_line(reader *d, char *l)
{
    fhdr *h = &d->h;
    if (!*l)
        return bad(d, "unexpected empty line in the header; expected '# key value' or the column names");
    if (strncmp(l, "# ", 2))
        return bad(d, "unexpected line '%.60s' in the header; expected '# key value' or the column names", l);
    char *key = l + 2, *val = strchr(key, ' ');
    if (val)
        *val++ = 0;
    else
        val = key + strlen(key);
    if (!strcmp(key, "hvwake"))
        return set_once(d, &h->version, &h->lversion, key, val);
    if (!strcmp(key, "source"))
        return set_once(d, &h->source, &h->lsource, key, val);
    if (!strcmp(key, "scenario"))
        return set_once(d, &h->scenario, &h->lscenario, key, val);
    if (!strcmp(key, "seed"))
        return num_once(d, &h->seed, &h->lseed, key, val, 0, UINT64_MAX);
    if (!strcmp(key, "replications"))
        return num_once(d, &h->reps, &h->lreps, key, val, 1, 1000000);
    if (!strcmp(key, "shard")) {
        char *sl = strchr(val, '/');
        if (h->lshard)
            return bad(d, "'# shard' twice (also line %u); expected it once", h->lshard);
        if (!sl || (*sl = 0, rep__parse_u(val, 1000000, &h->si)) || rep__parse_u(sl + 1, 1000000, &h->sn) || !h->si ||
            h->si > h->sn)
            return bad(d, "shard is not I/N; expected 1 <= I <= N");
        h->lshard = d->line;
        return 0;
    }
    if (!strcmp(key, "stream")) {
        unsigned long long idx, seed, run0;
        int end = 0;
        if (sscanf(val, "%llu %llu %llu%n", &idx, &seed, &run0, &end) != 3 || val[end])
            return bad(d, "cannot parse '# stream'; expected '# stream INDEX SEED RUN'");
        if (!h->nv || idx != h->nv - 1 || h->have_stream[idx])
            return bad(d, "'# stream %llu' after variant %zu; expected one stream right after its variant", idx,
                       h->nv ? h->nv - 1 : 0);
        h->stream[idx] = (rep_stream){seed, run0};
        h->have_stream[idx] = 1;
        return 0;
    }
    if (!strcmp(key, "variant") || !strcmp(key, "set")) {
        char *sp = strchr(val, ' ');
        unsigned long long idx;
        if (!sp || (*sp = 0, rep__parse_u(val, 100000, &idx)))
            return bad(d, "cannot parse '# %s'; expected '# %s INDEX TEXT'", key, key);
        if (key[0] == 's') {
            if (!h->nv || idx != h->nv - 1)
                return bad(d, "'# set %llu' after variant %zu; expected the sets right after their variant", idx,
                           h->nv ? h->nv - 1 : 0);
            size_t ol = strlen(h->vsets[idx]), al = strlen(sp + 1);
            h->vsets[idx] = hv_xrealloc(h->vsets[idx], ol + al + 2);
            snprintf(h->vsets[idx] + ol, al + 2, "%s\n", sp + 1);
            return 0;
        }
        if (idx != h->nv)
            return bad(d, "variant %llu out of order; expected variant %zu", idx, h->nv);
        h->vname = hv_xrealloc(h->vname, (h->nv + 1) * sizeof *h->vname);
        h->vsets = hv_xrealloc(h->vsets, (h->nv + 1) * sizeof *h->vsets);
        h->lvar = hv_xrealloc(h->lvar, (h->nv + 1) * sizeof *h->lvar);
        h->stream = hv_xrealloc(h->stream, (h->nv + 1) * sizeof *h->stream);
        h->have_stream = hv_xrealloc(h->have_stream, h->nv + 1);
        h->have_stream[h->nv] = 0;
        h->vname[h->nv] = hv_xstrdup(sp + 1);
        h->vsets[h->nv] = hv_xstrdup("");
        h->lvar[h->nv++] = d->line;
        return 0;
    }
    if (!strcmp(key, "config")) {
        size_t ll = strlen(val);
        char *eq = strchr(val, '='), *op = strrchr(val, '(');
        if (!eq || !op || op <= eq || op[-1] != ' ' || !ll || val[ll - 1] != ')')
            return bad(d, "cannot parse '# config'; expected '# config KEY=VALUE (ORIGIN)'");
        *eq = 0;
        op[-1] = 0;
        val[ll - 1] = 0;
        rep_config_add(&h->cfg, val, eq + 1, NULL, op + 1);
        h->lcfg = hv_xrealloc(h->lcfg, h->cfg.n * sizeof *h->lcfg);
        h->lcfg[h->cfg.n - 1] = d->line;
        return 0;
    }
    return bad(d, "unknown header line '# %.40s'; expected hvwake, source, scenario, seed, replications, shard, "
                  "variant, stream, set or config",
               key);
}

/* The first difference between this file's header and the first file's,
 * or 0. */
static int differs(reader *d)
{
    rep_results *r = d->r;
    fhdr *h = &d->h;
    const char *first = r->first;
#define DIFF(ln, ...) (d->line = (ln), bad(d, __VA_ARGS__))
    if (strcmp(h->version, r->version))
        return DIFF(h->lversion, "hvwake %s wrote this file, hvwake %s wrote %s; expected shards of one experiment, "
                                 "written by the same hvwake", h->version, r->version, first);
    if (strcmp(h->source, r->source))
        return DIFF(h->lsource, "source revision %s, but %s in %s; expected shards of one experiment, built from "
                                "the same source", h->source, r->source, first);
    if (strcmp(h->scenario, r->scenario))
        return DIFF(h->lscenario, "scenario '%s', but '%s' in %s; expected shards of one experiment", h->scenario,
                    r->scenario, first);
    if (h->seed != r->seed)
        return DIFF(h->lseed, "seed %llu, but %llu in %s; expected shards of one experiment", h->seed,
                    (unsigned long long)r->seed, first);
    if (h->reps != r->replications)
        return DIFF(h->lreps, "%llu replications, but %zu in %s; expected shards of one experiment", h->reps,
                    r->replications, first);
    if (h->sn != r->shard_n)
        return DIFF(h->lshard, "shard %llu/%llu, but %s is a shard of %u; expected shards of one split", h->si, h->sn,
                    first, r->shard_n);
    if (h->nv != r->nv)
        return DIFF(h->lvar[h->nv < r->nv ? h->nv - 1 : r->nv], "%zu variants, but %zu in %s; expected shards of one "
                    "experiment", h->nv, r->nv, first);
    for (size_t v = 0; v < h->nv; v++)
        if (h->stream[v].seed != r->stream[v].seed || h->stream[v].run0 != r->stream[v].run0)
            return DIFF(h->lvar[v], "variant %zu ('%s') runs seed %llu from run %llu, but seed %llu from run %llu in "
                        "%s; expected shards of one experiment", v, h->vname[v],
                        (unsigned long long)h->stream[v].seed, (unsigned long long)h->stream[v].run0,
                        (unsigned long long)r->stream[v].seed, (unsigned long long)r->stream[v].run0, first);
        else if (strcmp(h->vname[v], r->vname[v]) || strcmp(h->vsets[v], r->vsets[v]))
            return DIFF(h->lvar[v], "variant %zu is '%s'%s, but '%s' in %s; expected shards of one experiment", v,
                        h->vname[v], strcmp(h->vname[v], r->vname[v]) ? "" : " with other assignments",
                        r->vname[v], first);
    for (size_t i = 0; i < h->cfg.n; i++) {
        const rep_setting *s = &h->cfg.v[i];
        size_t k = 0;
        while (k < r->config.n && strcmp(r->config.v[k].name, s->name))
            k++;
        if (k == r->config.n)
            return DIFF(h->lcfg[i], "%s = %s, but %s has no %s; expected shards of one experiment (the same "
                        "configuration)", s->name, s->text, first, s->name);
        if (strcmp(r->config.v[k].text, s->text))
            return DIFF(h->lcfg[i], "%s = %s, but %s in %s; expected shards of one experiment (the same "
                        "configuration)", s->name, s->text, r->config.v[k].text, first);
    }
    for (size_t k = 0; k < r->config.n; k++) {
        size_t i = 0;
        while (i < h->cfg.n && strcmp(r->config.v[k].name, h->cfg.v[i].name))
            i++;
        if (i == h->cfg.n)
            return DIFF(d->line, "no %s, but %s has %s = %s; expected shards of one experiment (the same "
                        "configuration)", r->config.v[k].name, first, r->config.v[k].name, r->config.v[k].text);
    }
#undef DIFF
    return 0;
}

/* The column line: the header is complete; adopt it or compare it. */
static int header_done(reader *d)
{
    rep_results *r = d->r;
    fhdr *h = &d->h;
    if (!h->lversion || !h->lsource || !h->lscenario || !h->lseed || !h->lreps || !h->lshard || !h->nv)
        return bad(d, "the header lacks %s; expected a complete results header",
                   !h->lversion ? "'# hvwake'" : !h->lsource ? "'# source'" : !h->lscenario ? "'# scenario'"
                   : !h->lseed ? "'# seed'" : !h->lreps ? "'# replications'" : !h->lshard ? "'# shard'"
                   : "variants");
    for (size_t v = 0; v < h->nv; v++)
        if (!h->have_stream[v])
            return bad(d, "variant %zu ('%s', line %u) has no '# stream' line; expected one after it", v, h->vname[v],
                       h->lvar[v]);
    if (r->first) {
        unsigned here = d->line;
        if (differs(d))
            return -1;
        d->line = here;
    } else {
        r->first = hv_xstrdup(d->path);
        r->version = hv_xstrdup(h->version);
        r->source = hv_xstrdup(h->source);
        r->scenario = hv_xstrdup(h->scenario);
        r->seed = h->seed;
        r->replications = (size_t)h->reps;
        r->shard_n = (unsigned)h->sn;
        r->shard = hv_xcalloc(r->shard_n + 1, 1);
        r->nv = h->nv;
        r->vname = hv_xcalloc(h->nv, sizeof *r->vname);
        r->vsets = hv_xcalloc(h->nv, sizeof *r->vsets);
        r->stream = hv_xcalloc(h->nv, sizeof *r->stream);
        memcpy(r->stream, h->stream, h->nv * sizeof *r->stream);
        for (size_t v = 0; v < h->nv; v++) {
            r->vname[v] = hv_xstrdup(h->vname[v]);
            r->vsets[v] = hv_xstrdup(h->vsets[v]);
        }
        r->config = h->cfg;
        rep_config_init(&h->cfg);
        size_t jobs = r->nv * r->replications;
        r->runs = hv_xcalloc(jobs + 1, sizeof *r->runs);
        r->have = hv_xcalloc(jobs + 1, 1);
        r->where = hv_xcalloc(jobs + 1, sizeof *r->where);
    }
    r->shard[h->si] = 1;
    d->rows = 1;
    return 0;
}

/* The first run of variant v read so far, or -1. */
static long first_run(const rep_results *r, size_t v)
{
    for (size_t k = 0; k < r->replications; k++)
        if (r->have[v * r->replications + k])
            return (long)k;
    return -1;
}

static int job_end(reader *d, const char *l)
{
    rep_results *r = d->r;
    unsigned long long v, run, n;
    unsigned crc;
    int end = 0;
    if (sscanf(l, "# job %llu %llu rows %llu crc32 %8x%n", &v, &run, &n, &crc, &end) != 4 || l[end])
        return bad(d, "cannot parse the job line; expected '# job V R rows N crc32 X'");
    if (!d->open)
        return bad(d, "end line of job variant %llu run %llu without its rows; expected rows first", v, run);
    if (v != d->v || run != d->run)
        return bad(d, "end line of job variant %llu run %llu inside job variant %zu run %zu (rows from line %u); "
                      "expected that job's end line", v, run, d->v, d->run, d->from);
    if (n != d->nrows)
        return bad(d, "job variant %zu run %zu has %zu rows (lines %u-%u), its end line says %llu; expected its "
                      "full metric set (rows were lost or added)", d->v, d->run, d->nrows, d->from, d->line - 1, n);
    if (crc != d->crc)
        return bad(d, "job variant %zu run %zu (lines %u-%u): its rows' checksum is %08x, its end line says %08x; "
                      "expected unchanged rows (the file was modified or damaged)", d->v, d->run, d->from,
                   d->line - 1, (unsigned)d->crc, crc);
    char why[400];
    if (rep_metrics_end_flat(&d->cur, why, sizeof why))
        return bad(d, "job variant %zu run %zu: %s", d->v, d->run, why);
    long k0 = first_run(r, d->v);
    if (k0 >= 0) {
        size_t j0 = d->v * r->replications + (size_t)k0;
        const rep_metrics *m0 = &r->runs[j0];
        for (size_t i = 0; i < m0->n || i < d->cur.n; i++)
            if (i >= m0->n || i >= d->cur.n || strcmp(m0->rows[i].name, d->cur.rows[i].name))
                return bad(d, "job variant %zu run %zu: metric %zu is '%.80s', run %ld (%s) has '%.80s'; expected "
                              "the same metrics in every run of a variant", d->v, d->run, i + 1,
                           i < d->cur.n ? d->cur.rows[i].name : "(none)", k0, r->where[j0],
                           i < m0->n ? m0->rows[i].name : "(none)");
    }
    size_t j = d->v * r->replications + d->run;
    r->runs[j] = d->cur;
    rep_metrics_init(&d->cur);
    r->have[j] = 1;
    char w[4200];
    snprintf(w, sizeof w, "%s:%u", d->path, d->line);
    r->where[j] = hv_xstrdup(w);
    d->open = 0;
    d->jobs++;
    return 0;
}

static int row(reader *d, char *l, uint32_t crc)
{
    rep_results *r = d->r;
    char *f[5];
    unsigned long long v, run;
    double val;
    if (rep__csv_split(l, f, 5) != 4)
        return bad(d, "bad row; expected variant,run,metric,value");
    if (rep__parse_u(f[0], r->nv - 1, &v))
        return bad(d, "variant '%.20s' is not valid; expected an integer in [0, %zu]", f[0], r->nv - 1);
    if (rep__parse_u(f[1], r->replications - 1, &run))
        return bad(d, "run '%.20s' is not valid; expected an integer in [0, %zu]", f[1], r->replications - 1);
    if (!*f[2])
        return bad(d, "empty metric name; expected variant,run,metric,value");
    if (rep__parse_value(f[3], &val))
        return bad(d, "value '%.40s' is not valid; expected a finite decimal number, or nothing for an undefined "
                      "value", f[3]);
    size_t j = (size_t)v * r->replications + (size_t)run;
    if (!d->open) {
        if (r->have[j])
            return bad(d, "job variant %llu run %llu is also in %s; expected each job once", v, run, r->where[j]);
        if (j % d->h.sn != d->h.si - 1)
            return bad(d, "job variant %llu run %llu (job %zu) is not one of shard %llu/%llu's; expected jobs j "
                          "with j mod %llu = %llu", v, run, j, d->h.si, d->h.sn, d->h.sn, d->h.si - 1);
        d->open = 1;
        d->v = (size_t)v;
        d->run = (size_t)run;
        d->from = d->line;
        d->nrows = 0;
        rep_metrics_init(&d->cur);
    } else if (v != d->v || run != d->run)
        return bad(d, "row of job variant %llu run %llu, but job variant %zu run %zu (rows from line %u) has no end "
                      "line; expected its '# job' line first (rows were lost)", v, run, d->v, d->run, d->from);
    char why[400];
    if (rep_metrics_add_flat(&d->cur, f[2], val, why, sizeof why))
        return bad(d, "job variant %zu run %zu: %s", d->v, d->run, why);
    d->nrows++;
    d->crc = crc;
    return 0;
}

static int file_end(reader *d, const char *l, uint32_t crc_before)
{
    unsigned long long n;
    unsigned crc;
    int end = 0;
    if (sscanf(l, "# end jobs %llu crc32 %8x%n", &n, &crc, &end) != 2 || l[end])
        return bad(d, "cannot parse the end line; expected '# end jobs N crc32 X'");
    if (d->open)
        return bad(d, "the end line comes inside job variant %zu run %zu (rows from line %u); expected that job's "
                      "end line first (rows were lost)", d->v, d->run, d->from);
    size_t want = 0, jobs = d->r->nv * d->r->replications;
    for (size_t j = 0; j < jobs; j++)
        want += j % d->h.sn == d->h.si - 1;
    if (n != d->jobs || n != want)
        return bad(d, "%zu jobs, the end line says %llu, shard %llu/%llu has %zu; expected every job of the shard",
                   d->jobs, n, d->h.si, d->h.sn, want);
    if (crc != crc_before)
        return bad(d, "the file's checksum is %08x, its end line says %08x; expected an unchanged file (a header "
                      "line was modified or damaged)", (unsigned)crc_before, crc);
    d->ended = 1;
    return 0;
}

static void line_of(reader *d, char *l, size_t ll, uint32_t crc_before, uint32_t row_crc)
{
    if (d->line == 1) {
        if (!strcmp(l, "# hvwake-results 1") || !strcmp(l, "# hvwake-results 2"))
            bad(d, "results format %c (an older hvwake) has no %s; expected format 3: run the sweep again", l[17],
                l[17] == '1' ? "checksums" : "histogram buckets");
        else if (strcmp(l, REP_RESULTS_MAGIC))
            bad(d, "not a results file; expected a first line '%s'", REP_RESULTS_MAGIC);
        return;
    }
    if (strlen(l) != ll)
        bad(d, "a NUL byte in the line; expected text (the file is damaged)");
    else if (d->ended)
        bad(d, "text after the end line; expected nothing");
    else if (!d->rows)
        (void)(!strcmp(l, "variant,run,metric,value") ? header_done(d) : header_line(d, l));
    else if (!strncmp(l, "# job ", 6))
        job_end(d, l);
    else if (!strncmp(l, "# end ", 6))
        file_end(d, l, crc_before);
    else if (l[0] == '#' || !ll)
        bad(d, "unexpected %s; expected a row, a '# job' or the '# end' line", ll ? "comment line" : "empty line");
    else
        row(d, l, row_crc);
}

int rep_results_read_stream(rep_results *r, FILE *f, const char *name, int header_only, scn_errors *e)
{
    r->files = hv_xrealloc(r->files, (r->nfiles + 1) * sizeof *r->files);
    r->files[r->nfiles++] = hv_xstrdup(name);
    reader d = {.r = r, .path = name, .e = e};
    char *l = NULL;
    size_t cap = 0;
    ssize_t got;
    uint32_t crc = 0;
    while (!d.failed && !(header_only && d.rows) && (got = getline(&l, &cap, f)) > 0) {
        d.line++;
        size_t ll = (size_t)got;
        uint32_t before = crc, row_crc = rep_crc32(d.open ? d.crc : 0, l, ll);
        crc = rep_crc32(crc, l, ll);
        if (l[ll - 1] != '\n') {
            bad(&d, "the file ends inside this line (no newline): it is truncated; expected complete lines up to "
                    "the '# end' line");
            break;
        }
        l[--ll] = 0;
        line_of(&d, l, ll, before, row_crc);
    }
    if (!d.failed && ferror(f))
        bad(&d, "read error: %s", strerror(errno));
    else if (!d.failed && !d.line)
        bad(&d, "empty; expected a results file");
    else if (!d.failed && !d.ended && !(header_only && d.rows)) {
        if (d.open)
            bad(&d, "the file ends inside job variant %zu run %zu (rows at lines %u-%u, no end line): it is "
                    "truncated", d.v, d.run, d.from, d.line);
        else
            bad(&d, "the file ends %s without its '# end' line: it is truncated",
                d.rows ? "after its last job" : "in its header");
    }
    free(l);
    rep_metrics_free(&d.cur);
    fhdr_free(&d.h);
    return d.failed ? HV_EPARSE : 0;
}
