#include "report/compare.h"

#include "base/hv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* t(0.975, df) for df = 1..30. */
static const double t975[31] = {
    0, 12.706204736175, 4.302652729749, 3.182446305284, 2.776445105198, 2.570581835636,
    2.446911851145, 2.364624251593, 2.306004135204, 2.262157162798, 2.228138851986,
    2.200985160092, 2.178812829667, 2.160368656463, 2.144786687918, 2.131449545560,
    2.119905299221, 2.109815577833, 2.100922040241, 2.093024054408, 2.085963447266,
    2.079613844728, 2.073873067904, 2.068657610419, 2.063898561628, 2.059538552753,
    2.055529438643, 2.051830516480, 2.048407141795, 2.045229642133, 2.042272456301,
};

double rep_t975(double df)
{
    if (!(df >= 1))
        df = 1;
    if (df <= 30) {
        double lo = floor(df);
        if (lo == df)
            return t975[(int)lo];
        double hi = lo + 1, x = 1 / df, xl = 1 / lo, xh = 1 / hi;
        return t975[(int)hi] + (t975[(int)lo] - t975[(int)hi]) * (x - xh) / (xl - xh);
    }
    const double z = 1.959963984540054;
    double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
    double g1 = (z3 + z) / 4;
    double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
    double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
    double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
    if (isinf(df))
        return z;
    return z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df);
}

const char *rep_test_name(rep_test t)
{
    static const char *const names[] = {
#define REP_TEST_NAME(e, n) n,
        REP_TESTS(REP_TEST_NAME)
#undef REP_TEST_NAME
    };
    return (unsigned)t < HV_ARRAY_LEN(names) ? names[t] : "?";
}

rep_stat rep_stat_of(const double *x, size_t n)
{
    rep_stat s = {0, NAN, NAN, NAN};
    /* Two-pass mean/variance over the defined values (stable,
     * deterministic). */
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            s.n++;
        }
    if (!s.n)
        return s;
    s.mean = sum / (double)s.n;
    if (s.n == 1) {
        s.sd = 0;
        s.ci = 0;
        return s;
    }
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            ss += (x[i] - s.mean) * (x[i] - s.mean);
    s.sd = sqrt(ss / (double)(s.n - 1));
    s.ci = rep_t975((double)(s.n - 1)) * s.sd / sqrt((double)s.n);
    return s;
}

rep_diff rep_diff_of(rep_stat b, rep_stat v)
{
    rep_diff d = {v.mean - b.mean, NAN, b.mean != 0 ? v.mean / b.mean : NAN, NAN, 0, REP_TEST_NONE, 0};
    if (b.n < 2 || v.n < 2)
        return d;
    d.test = REP_TEST_WELCH;
    double vb = b.sd * b.sd / (double)b.n, vv = v.sd * v.sd / (double)v.n;
    double se2 = vb + vv;
    if (se2 == 0) {
        d.ci = 0;
        d.df = (double)(b.n + v.n - 2);
        d.significant = d.diff != 0;
        return d;
    }
    d.df = se2 * se2 / (vb * vb / (double)(b.n - 1) + vv * vv / (double)(v.n - 1));
    d.ci = rep_t975(d.df) * sqrt(se2);
    d.significant = fabs(d.diff) > d.ci;
    return d;
}

rep_diff rep_diff_paired(const double *b, const double *v, size_t n, rep_stat bs, rep_stat vs)
{
    double *d = hv_xcalloc(n + 1, sizeof *d);
    for (size_t k = 0; k < n; k++)
        d[k] = isnan(b[k]) || isnan(v[k]) ? NAN : v[k] - b[k];
    rep_stat s = rep_stat_of(d, n);
    free(d);
    rep_diff r = {s.mean, NAN, bs.mean != 0 ? vs.mean / bs.mean : NAN, NAN, s.n, REP_TEST_NONE, 0};
    /* Every run paired: the same number as the difference of the means, as
     * that, without the rounding residue of averaging the differences. */
    if (s.n == bs.n && s.n == vs.n)
        r.diff = vs.mean - bs.mean;
    if (s.n < 2)
        return r;
    r.test = REP_TEST_PAIRED;
    r.df = (double)(s.n - 1);
    r.ci = s.ci;
    r.significant = r.ci == 0 ? r.diff != 0 : fabs(r.diff) > r.ci;
    return r;
}

long rep_compare_find(const rep_compare *c, const char *metric)
{
    for (size_t m = 0; m < c->nm; m++)
        if (!strcmp(c->metric[m], metric))
            return (long)m;
    return -1;
}

rep_test rep_compare_test(const rep_compare *c, size_t v) { return v < c->nv ? c->test[v] : REP_TEST_NONE; }

/* The value of metric name in each run of v (NaN where absent). */
static void values(const rep_variant_runs *v, const char *name, double *x)
{
    for (size_t r = 0; r < v->nruns; r++) {
        long k = rep_metric_find(&v->runs[r], name);
        x[r] = k >= 0 ? v->runs[r].rows[k].value : NAN;
    }
}

/* Run k of variant v for metric m (c->x holds maxr slots per pair). */
static const double *runs_of(const rep_compare *c, size_t m, size_t v) { return &c->x[(m * c->nv + v) * c->maxr]; }

/* Two variants ran on the same random streams: their runs pair up. */
static int same_streams(const rep_compare *c, size_t a, size_t b)
{
    return c->stream[a].seed == c->stream[b].seed && c->stream[a].run0 == c->stream[b].run0;
}

static rep_test test_between(const rep_compare *c, size_t from, size_t to)
{
    size_t n = c->nruns[from] < c->nruns[to] ? c->nruns[from] : c->nruns[to];
    return from == to || n < 2 ? REP_TEST_NONE : same_streams(c, from, to) ? REP_TEST_PAIRED : REP_TEST_WELCH;
}

rep_diff rep_compare_diff(const rep_compare *c, size_t m, size_t from, size_t to)
{
    rep_stat b = c->st[m * c->nv + from], s = c->st[m * c->nv + to];
    if (test_between(c, from, to) != REP_TEST_PAIRED)
        return rep_diff_of(b, s);
    size_t n = c->nruns[from] < c->nruns[to] ? c->nruns[from] : c->nruns[to];
    return rep_diff_paired(runs_of(c, m, from), runs_of(c, m, to), n, b, s);
}

rep_test rep_compare_test_between(const rep_compare *c, size_t from, size_t to)
{
    return from < c->nv && to < c->nv ? test_between(c, from, to) : REP_TEST_NONE;
}

void rep_compare_build(rep_compare *c, size_t nv, const rep_variant_runs *v)
{
    memset(c, 0, sizeof *c);
    c->nv = nv;
    c->vname = hv_xcalloc(nv, sizeof *c->vname);
    c->test = hv_xcalloc(nv + 1, sizeof *c->test);
    c->nruns = hv_xcalloc(nv + 1, sizeof *c->nruns);
    c->stream = hv_xcalloc(nv + 1, sizeof *c->stream);
    c->maxr = 1;
    size_t cap = 0;
    for (size_t i = 0; i < nv; i++) {
        c->vname[i] = hv_xstrdup(v[i].name);
        c->nruns[i] = v[i].nruns;
        c->stream[i] = v[i].stream;
        c->maxr = v[i].nruns > c->maxr ? v[i].nruns : c->maxr;
        for (size_t r = 0; r < v[i].nruns; r++)
            for (size_t k = 0; k < v[i].runs[r].n; k++) {
                const char *name = v[i].runs[r].rows[k].name;
                if (rep_compare_find(c, name) >= 0)
                    continue;
                if (c->nm == cap) {
                    cap = cap ? cap * 2 : 64;
                    c->metric = hv_xrealloc(c->metric, cap * sizeof *c->metric);
                }
                c->metric[c->nm++] = hv_xstrdup(name);
            }
    }
    /* Paired against the baseline when on its seed and runs (common random
     * numbers). */
    for (size_t i = 0; i < nv; i++)
        c->test[i] = test_between(c, 0, i);
    c->st = hv_xcalloc(c->nm * nv + 1, sizeof *c->st);
    c->df = hv_xcalloc(c->nm * nv + 1, sizeof *c->df);
    c->x = hv_xcalloc(c->nm * nv * c->maxr + 1, sizeof *c->x);
    for (size_t m = 0; m < c->nm; m++)
        for (size_t i = 0; i < nv; i++) {
            double *x = &c->x[(m * nv + i) * c->maxr];
            values(&v[i], c->metric[m], x);
            c->st[m * nv + i] = rep_stat_of(x, v[i].nruns);
        }
    for (size_t m = 0; m < c->nm; m++)
        for (size_t i = 0; i < nv; i++)
            c->df[m * nv + i] = rep_compare_diff(c, m, 0, i);
}

int rep_compare_select(rep_compare *c, const char *list, char *why, size_t whyn)
{
    size_t n = 0, cap = 0;
    long *keep = NULL;
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)l, p);
        long i = l < sizeof name ? rep_compare_find(c, name) : -1;
        if (i < 0) {
            snprintf(why, whyn, "no metric named '%.*s' in these runs; expected names as `hvwake run --json` "
                                "prints them", (int)(l < 200 ? l : 200), p);
            free(keep);
            return -1;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            keep = hv_xrealloc(keep, cap * sizeof *keep);
        }
        keep[n++] = i;
        p += l + (p[l] == ',');
    }
    size_t nv = c->nv, r = c->maxr;
    char **metric = hv_xcalloc(n + 1, sizeof *metric);
    rep_stat *st = hv_xcalloc(n * nv + 1, sizeof *st);
    rep_diff *df = hv_xcalloc(n * nv + 1, sizeof *df);
    double *x = hv_xcalloc(n * nv * r + 1, sizeof *x);
    for (size_t k = 0; k < n; k++) {
        size_t m = (size_t)keep[k];
        metric[k] = hv_xstrdup(c->metric[m]);
        memcpy(&st[k * nv], &c->st[m * nv], nv * sizeof *st);
        memcpy(&df[k * nv], &c->df[m * nv], nv * sizeof *df);
        memcpy(&x[k * nv * r], &c->x[m * nv * r], nv * r * sizeof *x);
    }
    for (size_t m = 0; m < c->nm; m++)
        free(c->metric[m]);
    free(c->metric);
    free(c->st);
    free(c->df);
    free(c->x);
    free(keep);
    c->metric = metric;
    c->st = st;
    c->df = df;
    c->x = x;
    c->nm = n;
    return 0;
}

void rep_compare_free(rep_compare *c)
{
    for (size_t i = 0; i < c->nv; i++)
        free(c->vname[i]);
    for (size_t i = 0; i < c->nm; i++)
        free(c->metric[i]);
    free(c->vname);
    free(c->metric);
    free(c->st);
    free(c->df);
    free(c->x);
    free(c->test);
    free(c->nruns);
    free(c->stream);
    memset(c, 0, sizeof *c);
}

void rep_fmt_num(double v, char *buf, size_t n)
{
    double a = fabs(v);
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (v == floor(v) && a < 1e15)
        snprintf(buf, n, "%.0f", v);
    else if (a >= 1000 && a < 1e15)
        snprintf(buf, n, "%.0f", v);
    else if (a >= 1e-3 && a < 1000)
        snprintf(buf, n, "%.*f", 3 - (int)floor(log10(a)), v);
    else
        snprintf(buf, n, "%.4g", v);
}

static void cell(const rep_compare *c, size_t m, size_t v, char *buf, size_t n)
{
    const rep_stat *s = &c->st[m * c->nv + v];
    char a[40], b[40], d[40], dc[40], r[40];
    if (!s->n) {
        snprintf(buf, n, "-");
        return;
    }
    rep_fmt_num(s->mean, a, sizeof a);
    rep_fmt_num(s->ci, b, sizeof b);
    int o = s->n > 1 ? snprintf(buf, n, "%s ± %s", a, b) : snprintf(buf, n, "%s", a);
    if (v == 0 || o < 0 || (size_t)o >= n || !c->st[m * c->nv].n)
        return;
    const rep_diff *df = &c->df[m * c->nv + v];
    rep_fmt_num(df->diff, d, sizeof d);
    rep_fmt_num(df->ci, dc, sizeof dc);
    if (isnan(df->ratio))
        snprintf(r, sizeof r, "-");
    else
        snprintf(r, sizeof r, "%.3f", df->ratio);
    if (isnan(df->ci))
        snprintf(buf + o, n - (size_t)o, " [%s%s x%s]", df->diff > 0 ? "+" : "", d, r);
    else
        snprintf(buf + o, n - (size_t)o, " [%s%s ± %s x%s%s]", df->diff > 0 ? "+" : "", d, dc, r,
                 df->significant ? " *" : "");
}

/* Display width of a UTF-8 string (counts code points). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

static void pad(FILE *f, const char *s, size_t w, int right)
{
    size_t l = width(s);
    if (right)
        for (size_t i = l; i < w; i++)
            fputc(' ', f);
    fputs(s, f);
    if (!right)
        for (size_t i = l; i < w; i++)
            fputc(' ', f);
}

int rep_compare_write_text(FILE *f, const rep_header *h, const rep_compare *c)
{
    char t[1024];
    fprintf(f, "# hvwake %s\n# source %s\n# scenario %s\n# seed %llu\n", h->version ? h->version : "?",
            rep_header_source(h), h->scenario ? h->scenario : "", (unsigned long long)h->seed);
    if (h->config)
        for (size_t i = 0; i < h->config->n; i++)
            fprintf(f, "# config %s = %s  (%s)\n", h->config->v[i].name,
                    rep_text_oneline(h->config->v[i].text, t, sizeof t), h->config->v[i].origin);
    fprintf(f, "# mean ± 95%% CI over replications; [difference to %s ± CI, ratio; * significant]\n",
            c->nv ? c->vname[0] : "");
    for (size_t v = 1; v < c->nv; v++)
        fprintf(f, "# %s: %s\n", c->vname[v],
                c->test[v] == REP_TEST_PAIRED  ? "paired t on the per-run differences (the same seed and runs as the "
                                                 "first variant: common random numbers)"
                : c->test[v] == REP_TEST_WELCH ? "Welch t (independent runs: another seed or other runs)"
                                               : "no interval (fewer than 2 runs)");
    size_t nv = c->nv;
    size_t *w = hv_xcalloc(nv + 2, sizeof *w);
    char buf[300];
    w[0] = width("metric");
    w[1] = width("unit");
    for (size_t v = 0; v < nv; v++)
        w[v + 2] = width(c->vname[v]);
    for (size_t m = 0; m < c->nm; m++) {
        w[0] = width(c->metric[m]) > w[0] ? width(c->metric[m]) : w[0];
        size_t ul = width(rep_metric_unit(c->metric[m]));
        w[1] = ul > w[1] ? ul : w[1];
        for (size_t v = 0; v < nv; v++) {
            cell(c, m, v, buf, sizeof buf);
            w[v + 2] = width(buf) > w[v + 2] ? width(buf) : w[v + 2];
        }
    }
    pad(f, "metric", w[0], 0);
    fputs("  ", f);
    pad(f, "unit", w[1], 0);
    for (size_t v = 0; v < nv; v++) {
        fputs("  ", f);
        pad(f, c->vname[v], w[v + 2], 1);
    }
    fputc('\n', f);
    for (size_t m = 0; m < c->nm; m++) {
        pad(f, c->metric[m], w[0], 0);
        fputs("  ", f);
        pad(f, rep_metric_unit(c->metric[m]), w[1], 0);
        for (size_t v = 0; v < nv; v++) {
            cell(c, m, v, buf, sizeof buf);
            fputs("  ", f);
            pad(f, buf, w[v + 2], 1);
        }
        fputc('\n', f);
    }
    free(w);
    return ferror(f) ? HV_EIO : 0;
}
