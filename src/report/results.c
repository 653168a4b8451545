#include "report/results.h"

#include "base/hv.h"
#include "scn/ini.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void rep_results_file_name(char *buf, size_t n, unsigned shard_i, unsigned shard_n)
{
    snprintf(buf, n, "shard-%04u-of-%04u.csv", shard_i, shard_n);
}

int rep_results_write_header(FILE *f, const rep_header *h, size_t replications, unsigned shard_i,
                             unsigned shard_n, size_t nv, const char *const *vnames)
{
    fprintf(f, "%s\n# hvwake %s\n# scenario %s\n# seed %llu\n# replications %zu\n# shard %u/%u\n",
            REP_RESULTS_MAGIC, h->version ? h->version : "?", h->scenario ? h->scenario : "",
            (unsigned long long)h->seed, replications, shard_i, shard_n);
    for (size_t v = 0; v < nv; v++)
        fprintf(f, "# variant %zu %s\n", v, vnames[v]);
    if (h->config)
        for (size_t i = 0; i < h->config->n; i++)
            fprintf(f, "# config %s=%s (%s)\n", h->config->v[i].name, h->config->v[i].text, h->config->v[i].origin);
    fputs("variant,run,metric,value\n", f);
    return ferror(f) ? HV_EIO : 0;
}

int rep_results_write_run(FILE *f, size_t variant, size_t run, const rep_metrics *m)
{
    char num[64];
    for (size_t i = 0; i < m->n; i++) {
        fprintf(f, "%zu,%zu,", variant, run);
        rep_csv_field(f, m->rows[i].name);
        rep_json_number(m->rows[i].value, num, sizeof num);
        fprintf(f, ",%s\n", strcmp(num, "null") ? num : "");
    }
    return ferror(f) ? HV_EIO : 0;
}

void rep_results_init(rep_results *r) { memset(r, 0, sizeof *r); }

void rep_results_free(rep_results *r)
{
    size_t jobs = r->nv * r->replications;
    for (size_t j = 0; j < jobs; j++) {
        rep_metrics_free(&r->runs[j]);
        free(r->where[j]);
    }
    free(r->runs);
    free(r->have);
    free(r->where);
    for (size_t v = 0; v < r->nv; v++)
        free(r->vname[v]);
    free(r->vname);
    free(r->version);
    free(r->scenario);
    rep_config_free(&r->config);
    memset(r, 0, sizeof *r);
}

/* Split a CSV line into at most max fields (quotes handled in place). */
static int csv_split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            char *o = ++p;
            f[n++] = o;
            for (;;) {
                if (!*p)
                    return -1;
                if (*p == '"' && p[1] == '"') {
                    *o++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else
                    *o++ = *p++;
            }
            *o = 0;
            if (*p == 0)
                return n;
            if (*p != ',')
                return -1;
            p++;
        } else {
            f[n++] = p;
            char *c = strchr(p, ',');
            if (!c)
                return n;
            *c = 0;
            p = c + 1;
        }
    }
}

typedef struct fhdr {
    char version[64], scenario[512];
    unsigned long long seed;
    size_t reps;
    int have_seed, have_reps;
    size_t nv;
    char **vname;
} fhdr;

static int same_header(rep_results *r, const fhdr *h, const char *path, scn_errors *e)
{
    if (!r->nfiles) {
        r->version = hv_xstrdup(h->version);
        r->scenario = hv_xstrdup(h->scenario);
        r->seed = h->seed;
        r->replications = h->reps;
        r->nv = h->nv;
        r->vname = hv_xcalloc(h->nv + 1, sizeof *r->vname);
        for (size_t v = 0; v < h->nv; v++)
            r->vname[v] = hv_xstrdup(h->vname[v]);
        size_t jobs = r->nv * r->replications;
        r->runs = hv_xcalloc(jobs + 1, sizeof *r->runs);
        r->have = hv_xcalloc(jobs + 1, 1);
        r->where = hv_xcalloc(jobs + 1, sizeof *r->where);
        return 0;
    }
    const char *what = NULL;
    if (strcmp(r->scenario, h->scenario))
        what = "scenario";
    else if (r->seed != h->seed)
        what = "seed";
    else if (r->replications != h->reps)
        what = "replications";
    else if (r->nv != h->nv)
        what = "number of variants";
    else
        for (size_t v = 0; v < h->nv && !what; v++)
            if (strcmp(r->vname[v], h->vname[v]))
                what = "variant names";
    if (what) {
        scn_error(e, path, 0, "%s differs from the first file's; expected shards of one experiment", what);
        return -1;
    }
    return 0;
}

int rep_results_read(rep_results *r, const char *path, scn_errors *e)
{
    char *buf;
    size_t len;
    int rc = scn_read_file(path, &buf, &len);
    if (rc) {
        scn_error(e, path, 0, "cannot read: %s; expected a results file", hv_err_msg(rc));
        return HV_EPARSE;
    }
    fhdr h;
    memset(&h, 0, sizeof h);
    int failed = 0, in_rows = 0, cfg_first = r->nfiles == 0;
    unsigned line = 0;
    char *save = NULL;
    size_t before = scn_errors_count(e);
    rep_config cfg;
    rep_config_init(&cfg);
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        size_t ll = strlen(l);
        if (ll && l[ll - 1] == '\r')
            l[--ll] = 0;
        if (line == 1) {
            if (strcmp(l, REP_RESULTS_MAGIC)) {
                scn_error(e, path, 1, "not a results file; expected a first line '%s'", REP_RESULTS_MAGIC);
                failed = 1;
                break;
            }
            continue;
        }
        if (!in_rows) {
            unsigned long long a;
            size_t idx;
            int off = 0;
            if (sscanf(l, "# hvwake %63s", h.version) == 1)
                continue;
            if (!strncmp(l, "# scenario ", 11)) {
                snprintf(h.scenario, sizeof h.scenario, "%s", l + 11);
                continue;
            }
            if (!strcmp(l, "# scenario"))
                continue;
            if (sscanf(l, "# seed %llu", &a) == 1) {
                h.seed = a;
                h.have_seed = 1;
                continue;
            }
            if (sscanf(l, "# replications %zu", &h.reps) == 1 && h.reps > 0 && h.reps <= 1000000) {
                h.have_reps = 1;
                continue;
            }
            if (!strncmp(l, "# shard ", 8))
                continue;
            if (sscanf(l, "# variant %zu %n", &idx, &off) == 1 && off > 0) {
                if (idx != h.nv || h.nv >= 100000) {
                    scn_error(e, path, line, "variant %zu out of order; expected variant %zu", idx, h.nv);
                    failed = 1;
                    break;
                }
                h.vname = hv_xrealloc(h.vname, (h.nv + 1) * sizeof *h.vname);
                h.vname[h.nv++] = hv_xstrdup(l + off);
                continue;
            }
            if (!strncmp(l, "# config ", 9)) {
                char *body = l + 9, *eq = strchr(body, '='), *op = strrchr(body, '(');
                if (eq && op && op > eq && op[-1] == ' ' && l[ll - 1] == ')') {
                    *eq = 0;
                    op[-1] = 0;
                    l[ll - 1] = 0;
                    rep_config_add(&cfg, body, eq + 1, NULL, op + 1);
                }
                continue;
            }
            if (!strcmp(l, "variant,run,metric,value")) {
                if (!h.have_seed || !h.have_reps || !h.nv) {
                    scn_error(e, path, line, "header lacks seed, replications or variants; expected a complete results header");
                    failed = 1;
                    break;
                }
                if (same_header(r, &h, path, e)) {
                    failed = 1;
                    break;
                }
                in_rows = 1;
                continue;
            }
            scn_error(e, path, line, "unexpected header line '%.80s'; expected '# key value' or the column names", l);
            failed = 1;
            break;
        }
        if (!ll)
            continue;
        char *f[5];
        char *end;
        if (csv_split(l, f, 5) != 4) {
            scn_error(e, path, line, "bad row; expected variant,run,metric,value");
            failed = 1;
            continue;
        }
        errno = 0;
        unsigned long long v = strtoull(f[0], &end, 10);
        int bad = *end || !*f[0] || v >= r->nv;
        unsigned long long run = strtoull(f[1], &end, 10);
        bad |= *end || !*f[1] || run >= r->replications;
        double val = NAN;
        if (*f[3]) {
            val = strtod(f[3], &end);
            bad |= *end != 0;
        }
        if (bad || errno || !*f[2]) {
            scn_error(e, path, line, "bad row; expected variant < %zu, run < %zu, a metric name and a number", r->nv,
                      r->replications);
            failed = 1;
            continue;
        }
        size_t j = (size_t)v * r->replications + (size_t)run;
        if (r->have[j] && strcmp(r->where[j], path)) {
            scn_error(e, path, line, "job variant %llu run %llu is also in %s; expected each job in one shard", v, run,
                      r->where[j]);
            failed = 1;
            continue;
        }
        if (!r->have[j]) {
            r->have[j] = 1;
            r->where[j] = hv_xstrdup(path);
            rep_metrics_init(&r->runs[j]);
        }
        if (rep_metric_find(&r->runs[j], f[2]) >= 0) {
            scn_error(e, path, line, "metric '%s' twice for variant %llu run %llu; expected one value", f[2], v, run);
            failed = 1;
            continue;
        }
        rep_metric(&r->runs[j], val, "%s", f[2]);
    }
    if (!failed && !in_rows) {
        scn_error(e, path, line, "no column header; expected 'variant,run,metric,value'");
        failed = 1;
    }
    if (!failed && cfg_first) {
        rep_config_free(&r->config);
        r->config = cfg;
    } else
        rep_config_free(&cfg);
    for (size_t v = 0; v < h.nv; v++)
        free(h.vname[v]);
    free(h.vname);
    free(buf);
    if (in_rows || r->nfiles)
        r->nfiles += in_rows;
    return failed || scn_errors_count(e) != before ? HV_EPARSE : 0;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int rep_results_read_path(rep_results *r, const char *path, scn_errors *e)
{
    struct stat st;
    if (stat(path, &st)) {
        scn_error(e, path, 0, "cannot open: %s; expected a results directory or file", strerror(errno));
        return HV_EPARSE;
    }
    if (!S_ISDIR(st.st_mode))
        return rep_results_read(r, path, e);
    DIR *d = opendir(path);
    if (!d) {
        scn_error(e, path, 0, "cannot open directory: %s; expected a results directory", strerror(errno));
        return HV_EPARSE;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (!strncmp(de->d_name, "shard-", 6) && l > 4 && !strcmp(de->d_name + l - 4, ".csv")) {
            names = hv_xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = hv_xstrdup(de->d_name);
        }
    }
    closedir(d);
    if (!n) {
        scn_error(e, path, 0, "no shard-*.csv files; expected the output directory of compare/sweep");
        free(names);
        return HV_EPARSE;
    }
    qsort(names, n, sizeof *names, cmpstr);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pl = strlen(path) + strlen(names[i]) + 2;
        char *full = hv_xmalloc(pl);
        snprintf(full, pl, "%s/%s", path, names[i]);
        failed |= rep_results_read(r, full, e) != 0;
        free(full);
        free(names[i]);
    }
    free(names);
    return failed ? HV_EPARSE : 0;
}

int rep_results_complete(const rep_results *r, scn_errors *e)
{
    size_t missing = 0;
    for (size_t v = 0; v < r->nv; v++)
        for (size_t k = 0; k < r->replications; k++)
            if (!r->have[v * r->replications + k]) {
                if (missing < 20)
                    scn_error(e, NULL, 0, "missing job: variant %zu (%s) run %zu; expected every shard's file", v,
                              r->vname[v], k);
                missing++;
            }
    if (missing > 20)
        scn_error(e, NULL, 0, "%zu jobs missing in all", missing);
    if (!r->nfiles) {
        scn_error(e, NULL, 0, "no results read; expected at least one results file");
        return HV_EPARSE;
    }
    return missing ? HV_EPARSE : 0;
}

void rep_results_compare(const rep_results *r, rep_compare *c)
{
    rep_variant_runs *vr = hv_xcalloc(r->nv + 1, sizeof *vr);
    for (size_t v = 0; v < r->nv; v++)
        vr[v] = (rep_variant_runs){r->vname[v], r->replications, &r->runs[v * r->replications]};
    rep_compare_build(c, r->nv, vr);
    free(vr);
}

rep_header rep_results_header(const rep_results *r)
{
    return (rep_header){r->version, r->scenario, r->seed, 0, &r->config};
}
