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

rep_stat rep_stat_of(const double *x, size_t n)
{
    rep_stat s = {n, NAN, NAN, NAN};
    if (!n)
        return s;
    /* Two-pass mean/variance (stable, deterministic). */
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    s.mean = sum / (double)n;
    if (n == 1) {
        s.sd = 0;
        s.ci = 0;
        return s;
    }
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - s.mean) * (x[i] - s.mean);
    s.sd = sqrt(ss / (double)(n - 1));
    s.ci = rep_t975((double)(n - 1)) * s.sd / sqrt((double)n);
    return s;
}

rep_diff rep_diff_of(rep_stat b, rep_stat v)
{
    rep_diff d = {v.mean - b.mean, NAN, b.mean != 0 ? v.mean / b.mean : NAN, NAN, 0};
    if (b.n < 2 || v.n < 2)
        return d;
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

void rep_compare_build(rep_compare *c, size_t nv, const rep_variant_runs *v)
{
    memset(c, 0, sizeof *c);
    c->nv = nv;
    c->vname = hv_xcalloc(nv, sizeof *c->vname);
    size_t cap = 0;
    for (size_t i = 0; i < nv; i++) {
        c->vname[i] = hv_xstrdup(v[i].name);
        for (size_t r = 0; r < v[i].nruns; r++)
            for (size_t k = 0; k < v[i].runs[r].n; k++) {
                const char *name = v[i].runs[r].rows[k].name;
                size_t j;
                for (j = 0; j < c->nm && strcmp(c->metric[j], name); j++)
                    ;
                if (j < c->nm)
                    continue;
                if (c->nm == cap) {
                    cap = cap ? cap * 2 : 64;
                    c->metric = hv_xrealloc(c->metric, cap * sizeof *c->metric);
                }
                c->metric[c->nm++] = hv_xstrdup(name);
            }
    }
    c->st = hv_xcalloc(c->nm * nv + 1, sizeof *c->st);
    c->df = hv_xcalloc(c->nm * nv + 1, sizeof *c->df);
    size_t maxr = 1;
    for (size_t i = 0; i < nv; i++)
        maxr = v[i].nruns > maxr ? v[i].nruns : maxr;
    double *x = hv_xcalloc(maxr, sizeof *x);
    for (size_t m = 0; m < c->nm; m++) {
        for (size_t i = 0; i < nv; i++) {
            size_t n = 0;
            for (size_t r = 0; r < v[i].nruns; r++) {
                long k = rep_metric_find(&v[i].runs[r], c->metric[m]);
                if (k >= 0)
                    x[n++] = v[i].runs[r].rows[k].value;
            }
            c->st[m * nv + i] = rep_stat_of(x, n);
        }
        for (size_t i = 0; i < nv; i++)
            c->df[m * nv + i] = rep_diff_of(c->st[m * nv], c->st[m * nv + i]);
    }
    free(x);
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
    memset(c, 0, sizeof *c);
}

/* 4 significant digits without exponents in the usual range. */
static void num(double v, char *buf, size_t n)
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
    num(s->mean, a, sizeof a);
    num(s->ci, b, sizeof b);
    int o = s->n > 1 ? snprintf(buf, n, "%s ± %s", a, b) : snprintf(buf, n, "%s", a);
    if (v == 0 || o < 0 || (size_t)o >= n || !c->st[m * c->nv].n)
        return;
    const rep_diff *df = &c->df[m * c->nv + v];
    num(df->diff, d, sizeof d);
    num(df->ci, dc, sizeof dc);
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

static void csvnum(FILE *f, double v)
{
    char b[64];
    rep_json_number(v, b, sizeof b);
    fputc(',', f);
    if (strcmp(b, "null"))
        fputs(b, f);
}

int rep_compare_write_csv(FILE *f, const rep_header *h, const rep_compare *c)
{
    char t[1024];
    fprintf(f, "# hvwake %s\n# source %s\n# scenario %s\n# seed %llu\n", h->version ? h->version : "?",
            rep_header_source(h), h->scenario ? h->scenario : "", (unsigned long long)h->seed);
    if (h->config)
        for (size_t i = 0; i < h->config->n; i++)
            fprintf(f, "# config %s=%s (%s)\n", h->config->v[i].name,
                    rep_text_oneline(h->config->v[i].text, t, sizeof t), h->config->v[i].origin);
    fputs("metric,unit", f);
    static const char *const cols[] = {"n", "mean", "ci", "diff", "diff_ci", "ratio"};
    for (size_t v = 0; v < c->nv; v++)
        for (int k = 0; k < (v ? 6 : 3); k++) {
            char col[400];
            snprintf(col, sizeof col, "%s.%s", c->vname[v], cols[k]);
            fputc(',', f);
            rep_csv_field(f, col);
        }
    fputc('\n', f);
    for (size_t m = 0; m < c->nm; m++) {
        rep_csv_field(f, c->metric[m]);
        fputc(',', f);
        rep_csv_field(f, rep_metric_unit(c->metric[m]));
        for (size_t v = 0; v < c->nv; v++) {
            const rep_stat *s = &c->st[m * c->nv + v];
            fprintf(f, ",%zu", s->n);
            csvnum(f, s->mean);
            csvnum(f, s->ci);
            if (v) {
                const rep_diff *d = &c->df[m * c->nv + v];
                csvnum(f, d->diff);
                csvnum(f, d->ci);
                csvnum(f, d->ratio);
            }
        }
        fputc('\n', f);
    }
    return ferror(f) ? HV_EIO : 0;
}

int rep_compare_write_json(FILE *f, const rep_header *h, const rep_compare *c)
{
    char b[64];
    fputs("{\n  \"hvwake\": ", f);
    rep_json_string(f, h->version ? h->version : "");
    fputs(",\n  \"source\": ", f);
    rep_json_string(f, rep_header_source(h));
    fputs(",\n  \"scenario\": ", f);
    rep_json_string(f, h->scenario ? h->scenario : "");
    fprintf(f, ",\n  \"seed\": %llu,\n  \"config\": {", (unsigned long long)h->seed);
    size_t nc = h->config ? h->config->n : 0;
    for (size_t i = 0; i < nc; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        rep_json_string(f, h->config->v[i].name);
        fputs(": ", f);
        if (h->config->v[i].json)
            fputs(h->config->v[i].json, f);
        else
            rep_json_string(f, h->config->v[i].text);
    }
    fputs(nc ? "\n  },\n  \"variants\": [" : "},\n  \"variants\": [", f);
    for (size_t v = 0; v < c->nv; v++) {
        fputs(v ? ", " : "", f);
        rep_json_string(f, c->vname[v]);
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
            rep_json_number(s->mean, b, sizeof b);
            fprintf(f, ", \"mean\": %s", b);
            rep_json_number(s->sd, b, sizeof b);
            fprintf(f, ", \"sd\": %s", b);
            rep_json_number(s->ci, b, sizeof b);
            fprintf(f, ", \"ci\": %s", b);
            if (v) {
                rep_json_number(d->diff, b, sizeof b);
                fprintf(f, ", \"diff\": %s", b);
                rep_json_number(d->ci, b, sizeof b);
                fprintf(f, ", \"diff_ci\": %s", b);
                rep_json_number(d->ratio, b, sizeof b);
                fprintf(f, ", \"ratio\": %s, \"significant\": %s", b, d->significant ? "true" : "false");
            }
            fputc('}', f);
        }
        fputc(']', f);
    }
    fputs(c->nm ? "\n  }\n}\n" : "}\n}\n", f);
    return ferror(f) ? HV_EIO : 0;
}
