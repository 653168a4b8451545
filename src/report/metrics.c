#include "report/metrics.h"

#include "base/hv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rep_metrics_init(rep_metrics *m) { memset(m, 0, sizeof *m); }

void rep_metrics_free(rep_metrics *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->rows[i].name);
    free(m->rows);
    memset(m, 0, sizeof *m);
}

long rep_metric_find(const rep_metrics *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->rows[i].name, name))
            return (long)i;
    return -1;
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

void rep_metric_hist(rep_metrics *m, const des_hist *h, const char *fmt, ...)
{
    char p[200];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(p, sizeof p, fmt, ap);
    va_end(ap);
    HV_CHECK(len > 0 && (size_t)len < sizeof p);
    rep_metric(m, (double)h->n, "%s.count", p);
    rep_metric(m, des_hist_mean(h), "%s.mean", p);
    rep_metric(m, (double)(h->n ? h->min : 0), "%s.min", p);
    rep_metric(m, (double)des_hist_quantile(h, 0.50), "%s.p50", p);
    rep_metric(m, (double)des_hist_quantile(h, 0.90), "%s.p90", p);
    rep_metric(m, (double)des_hist_quantile(h, 0.99), "%s.p99", p);
    rep_metric(m, (double)des_hist_quantile(h, 0.999), "%s.p999", p);
    rep_metric(m, (double)h->max, "%s.max", p);
}
