/* The metrics sink and its histograms; see metrics.h. */
#include "report/metrics.h"

#include "base/hv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rep_metrics_init(rep_metrics *m) { memset(m, 0, sizeof *m); }

static void hist_free(rep_hist *h)
{
    free(h->name);
    free(h->b);
    memset(h, 0, sizeof *h);
}

void rep_metrics_free(rep_metrics *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->rows[i].name);
    free(m->rows);
    for (size_t i = 0; i < m->nh; i++)
        hist_free(&m->hists[i]);
    free(m->hists);
    memset(m, 0, sizeof *m);
}

long rep_metric_find(const rep_metrics *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->rows[i].name, name))
            return (long)i;
    return -1;
}

const rep_hist *rep_hist_find(const rep_metrics *m, const char *prefix)
{
    for (size_t i = 0; i < m->nh; i++)
        if (!strcmp(m->hists[i].name, prefix))
            return &m->hists[i];
    return NULL;
}

static void add(rep_metrics *m, const char *name, double value)
{
    if (rep_metric_find(m, name) >= 0)
        HV_DIE("metric '%s' added twice", name);
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->rows = hv_xrealloc(m->rows, m->cap * sizeof *m->rows);
    }
    m->rows[m->n++] = (rep_metric_row){hv_xstrdup(name), value};
}

void rep_metric(rep_metrics *m, double value, const char *fmt, ...)
{
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    HV_CHECK(len > 0 && (size_t)len < sizeof name);
    add(m, name, value);
}

static rep_hist *new_hist(rep_metrics *m, const char *prefix)
{
    if (rep_hist_find(m, prefix))
        HV_DIE("histogram '%s' added twice", prefix);
    if (m->nh == m->hcap) {
        m->hcap = m->hcap ? m->hcap * 2 : 8;
        m->hists = hv_xrealloc(m->hists, m->hcap * sizeof *m->hists);
    }
    rep_hist *h = &m->hists[m->nh++];
    memset(h, 0, sizeof *h);
    h->name = hv_xstrdup(prefix);
    return h;
}

static void push_bucket(rep_hist *h, uint64_t lo, uint64_t hi, uint64_t count)
{
    if (h->nb == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->b = hv_xrealloc(h->b, h->cap * sizeof *h->b);
    }
    h->b[h->nb++] = (rep_bucket){lo, hi, count};
    h->n += count;
}

static void on_bucket(void *ctx, uint64_t lo, uint64_t hi, uint64_t count) { push_bucket(ctx, lo, hi, count); }

void rep_metric_hist(rep_metrics *m, const des_hist *h, const char *fmt, ...)
{
    char p[200];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(p, sizeof p, fmt, ap);
    va_end(ap);
    HV_CHECK(len > 0 && (size_t)len < sizeof p);
    /* No samples: the statistics are undefined, not 0. */
    double none = h->n ? 0 : NAN;
    rep_metric(m, (double)h->n, "%s.count", p);
    rep_metric(m, none + des_hist_mean(h), "%s.mean", p);
    rep_metric(m, none + (double)h->min, "%s.min", p);
    rep_metric(m, none + (double)des_hist_quantile(h, 0.50), "%s.p50", p);
    rep_metric(m, none + (double)des_hist_quantile(h, 0.90), "%s.p90", p);
    rep_metric(m, none + (double)des_hist_quantile(h, 0.99), "%s.p99", p);
    rep_metric(m, none + (double)des_hist_quantile(h, 0.999), "%s.p999", p);
    rep_metric(m, none + (double)h->max, "%s.max", p);
    rep_hist *r = new_hist(m, p);
    des_hist_buckets(h, on_bucket, r);
    HV_CHECK_U64(r->n, ==, h->n);
    r->total = r->n;
}

void rep_hist_pool(rep_hist *dst, const rep_hist *src)
{
    rep_bucket *b = hv_xcalloc(dst->nb + src->nb + 1, sizeof *b);
    size_t i = 0, k = 0, n = 0;
    while (i < dst->nb || k < src->nb) {
        if (k == src->nb || (i < dst->nb && dst->b[i].lo < src->b[k].lo))
            b[n++] = dst->b[i++];
        else if (i == dst->nb || src->b[k].lo < dst->b[i].lo)
            b[n++] = src->b[k++];
        else {
            HV_CHECK_U64(dst->b[i].hi, ==, src->b[k].hi);
            b[n] = dst->b[i++];
            b[n++].count += src->b[k++].count;
        }
    }
    free(dst->b);
    dst->b = b;
    dst->nb = n;
    dst->cap = dst->nb + src->nb + 1;
    dst->n += src->n;
    dst->total += src->total;
}

/* ---- the flat form ---- */

size_t rep_metrics_nflat(const rep_metrics *m)
{
    size_t n = m->n;
    for (size_t i = 0; i < m->nh; i++)
        n += 1 + m->hists[i].nb;
    return n;
}

void rep_metrics_flat(const rep_metrics *m, size_t i, char *name, size_t n, double *value)
{
    if (i < m->n) {
        snprintf(name, n, "%s", m->rows[i].name);
        *value = m->rows[i].value;
        return;
    }
    i -= m->n;
    for (size_t k = 0; k < m->nh; k++) {
        const rep_hist *h = &m->hists[k];
        if (i == 0) { /* the histogram's declaration: its total */
            snprintf(name, n, "%s@n", h->name);
            *value = (double)h->n;
            return;
        }
        if (i <= h->nb) {
            snprintf(name, n, "%s@%llu", h->name, (unsigned long long)h->b[i - 1].lo);
            *value = (double)h->b[i - 1].count;
            return;
        }
        i -= 1 + h->nb;
    }
    HV_DIE("flat row past the end");
}

/* An integer value that a double holds exactly. */
static int whole(double v, uint64_t *out)
{
    if (!(v >= 0 && v <= 9007199254740992.0) || v != floor(v))
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int rep_metrics_add_flat(rep_metrics *m, const char *name, double value, char *why, size_t whyn)
{
    const char *at = strchr(name, '@');
    if (!at) {
        if (m->nh) {
            snprintf(why, whyn, "metric '%.80s' after the histogram rows; expected every metric before them", name);
            return -1;
        }
        if (rep_metric_find(m, name) >= 0) {
            snprintf(why, whyn, "metric '%.80s' twice; expected one value", name);
            return -1;
        }
        add(m, name, value);
        return 0;
    }
    char prefix[200];
    uint64_t v;
    if ((size_t)(at - name) >= sizeof prefix || at == name) {
        snprintf(why, whyn, "histogram row '%.80s' has no name before '@'; expected NAME@n or NAME@LOWER", name);
        return -1;
    }
    snprintf(prefix, sizeof prefix, "%.*s", (int)(at - name), name);
    if (whole(value, &v)) {
        snprintf(why, whyn, "histogram row '%.80s': count %g is not a whole number; expected a count", name, value);
        return -1;
    }
    rep_hist *h = m->nh ? &m->hists[m->nh - 1] : NULL;
    if (!strcmp(at + 1, "n")) {
        if (rep_hist_find(m, prefix)) {
            snprintf(why, whyn, "histogram '%.80s' twice; expected it once", prefix);
            return -1;
        }
        if (rep_metrics_end_flat(m, why, whyn))
            return -1;
        new_hist(m, prefix)->total = v;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long lo = strtoull(at + 1, &end, 10);
    uint64_t blo, bhi;
    if (at[1] < '0' || at[1] > '9' || *end || errno) {
        snprintf(why, whyn, "histogram row '%.80s': '%.30s' is not a bucket; expected NAME@n or NAME@LOWER", name,
                 at + 1);
        return -1;
    }
    des_hist_bucket_of(lo, &blo, &bhi);
    if (!h || strcmp(h->name, prefix)) {
        snprintf(why, whyn, "bucket row '%.80s' outside its histogram; expected it after '%s@n'", name, prefix);
        return -1;
    }
    if (blo != lo || !v || (h->nb && h->b[h->nb - 1].lo >= lo)) {
        snprintf(why, whyn, "bucket row '%.80s' with count %llu: %s; expected non-empty buckets in increasing order",
                 name, (unsigned long long)v,
                 blo != lo ? "not a bucket's lower bound" : !v ? "an empty bucket" : "out of order");
        return -1;
    }
    if (v > h->total - h->n) {
        snprintf(why, whyn, "histogram '%.80s': its buckets count more than its total %llu; expected the same",
                 prefix, (unsigned long long)h->total);
        return -1;
    }
    push_bucket(h, lo, bhi, v);
    return 0;
}

int rep_metrics_end_flat(const rep_metrics *m, char *why, size_t whyn)
{
    const rep_hist *h = m->nh ? &m->hists[m->nh - 1] : NULL;
    if (h && h->n != h->total) {
        snprintf(why, whyn, "histogram '%.80s' has buckets counting %llu, its total says %llu; expected the same "
                 "(rows were lost)", h->name, (unsigned long long)h->n, (unsigned long long)h->total);
        return -1;
    }
    return 0;
}
