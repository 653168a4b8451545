/* What a plot shows; see figure.h. */
#include "report/figure.h"

#include "base/hv.h"
#include "scn/value.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int rep_plot_kind_parse(const char *s)
{
    for (int k = REP_PLOT_BARS; k <= REP_PLOT_CDF; k++)
        if (!strcmp(s, rep_plot_kind_name((rep_plot_kind)k)))
            return k;
    return -1;
}

const char *rep_plot_kind_name(rep_plot_kind k)
{
    return k == REP_PLOT_BARS ? "bars" : k == REP_PLOT_CURVE ? "curve" : "cdf";
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    char buf[1200];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return hv_xstrdup(buf);
}

int rep_key_number(const char *key, const char *text, double *x, const char **unit)
{
    const scn_valspec *spec = rep_key_spec(key);
    char lit[64], *end;
    *unit = spec ? scn_type_unit(spec->type) : "";
    if (spec && spec->type == SCN_T_BOOL) {
        if (rep_value_json(key, text, lit, sizeof lit))
            return -1;
        *x = !strcmp(lit, "true");
        return 0;
    }
    if (spec && !rep_value_json(key, text, lit, sizeof lit))
        text = lit;
    else if (spec)
        return -1; /* enums, strings */
    *x = strtod(text, &end);
    return end == text || *end || !isfinite(*x) ? -1 : 0;
}

static rep_series *add_series(rep_figure *f, const char *name)
{
    f->s = hv_xrealloc(f->s, (f->ns + 1) * sizeof *f->s);
    rep_series *s = &f->s[f->ns++];
    memset(s, 0, sizeof *s);
    s->name = hv_xstrdup(name);
    return s;
}

static void add_point(rep_series *s, double x, double y, double ci)
{
    s->p = hv_xrealloc(s->p, (s->n + 1) * sizeof *s->p);
    s->p[s->n++] = (rep_point){x, y, isnan(ci) ? 0 : ci};
}

/* Ranges over every point and error bar, padded 5% (log x: by a factor). */
static void ranges(rep_figure *f, int y_from_zero)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = y_from_zero ? 0 : INFINITY, y1 = y_from_zero ? 0 : -INFINITY;
    for (size_t i = 0; i < f->ns; i++)
        for (size_t k = 0; k < f->s[i].n; k++) {
            const rep_point *p = &f->s[i].p[k];
            if (isnan(p->y))
                continue;
            x0 = fmin(x0, p->x);
            x1 = fmax(x1, p->x);
            y0 = fmin(y0, p->y - p->ci);
            y1 = fmax(y1, p->y + p->ci);
        }
    if (!isfinite(x0)) { /* nothing to draw */
        x0 = 0;
        x1 = 1;
        y0 = 0;
        y1 = 1;
    }
    if (f->xlog) {
        x0 = x0 > 0 ? x0 / 1.1 : 1;
        x1 = x1 > x0 ? x1 * 1.1 : x0 * 10;
    } else {
        double dx = x1 > x0 ? (x1 - x0) * 0.05 : fabs(x0) * 0.05 + 0.5;
        x0 -= dx;
        x1 += dx;
    }
    double dy = y1 > y0 ? (y1 - y0) * 0.05 : fabs(y0) * 0.05 + 1;
    f->xmin = x0;
    f->xmax = x1;
    f->ymin = y_from_zero && y0 >= 0 ? 0 : y0 - dy;
    f->ymax = y1 + dy;
}

/* 1 if every variant assigns the key of length kl at key. */
static int everywhere(const rep_results *r, const char *key, size_t kl)
{
    char k[256];
    snprintf(k, sizeof k, "%.*s", (int)kl, key);
    for (size_t v = 0; v < r->nv; v++)
        if (!rep_results_assigns(r, v, k))
            return 0;
    return 1;
}

/* A variant's label: its name, with "KEY=" dropped from each part "KEY=V"
 * whose KEY every variant assigns (the axis label names those keys). */
static char *short_label(const rep_results *r, const char *name, char *keys, size_t nkeys)
{
    char *out = hv_xcalloc(strlen(name) + 1 + strlen(name) / 2 + 1, 1);
    size_t o = 0;
    for (const char *p = name; *p;) {
        const char *comma = strchr(p, ','), *eq = strchr(p, '=');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        int drop = eq && eq < p + l && everywhere(r, p, (size_t)(eq - p));
        if (drop && keys) { /* the first variant names the keys */
            size_t kl = strlen(keys);
            snprintf(keys + kl, nkeys - kl, "%s%.*s", kl ? ", " : "", (int)(eq - p), p);
        }
        o += (size_t)sprintf(out + o, "%s%.*s", o ? ", " : "", drop ? (int)(l - (size_t)(eq - p) - 1) : (int)l,
                             drop ? eq + 1 : p);
        p += l + (comma != NULL);
    }
    return out;
}

static int bars(rep_figure *f, const rep_results *r, const rep_compare *c, long m)
{
    rep_series *s = add_series(f, f->metric);
    f->xtics = hv_xcalloc(c->nv + 1, sizeof *f->xtics);
    char keys[1000] = "";
    for (size_t v = 0; v < c->nv; v++) {
        const rep_stat *st = &c->st[(size_t)m * c->nv + v];
        add_point(s, (double)v, st->mean, st->ci);
        f->xtics[f->nxtics++] = short_label(r, c->vname[v], v ? NULL : keys, sizeof keys);
    }
    f->title = fmt("%s: mean over %zu run%s, 95%% CI", f->metric, r->replications, r->replications == 1 ? "" : "s");
    f->xlabel = hv_xstrdup(keys[0] ? keys : "variant");
    f->ylabel = fmt("%s (%s)", f->metric, rep_metric_unit(f->metric));
    ranges(f, 1);
    f->xmin = -0.6;
    f->xmax = (double)c->nv - 0.4;
    return 0;
}

static int curve(rep_figure *f, const rep_results *r, const rep_compare *c, long m, const char *xkey, scn_errors *e)
{
    char **keys;
    size_t nk = rep_results_keys(r, &keys), xi = nk;
    char val[1200];
    const char *unit = "";
    /* x: the key named, or the last key whose values are all numbers. */
    for (size_t k = nk; k-- > 0 && xi == nk;) {
        if (xkey && strcmp(keys[k], xkey))
            continue;
        int numeric = 1;
        for (size_t v = 0; v < r->nv && numeric; v++) {
            double x;
            const char *u;
            numeric = rep_results_value(r, v, keys[k], val, sizeof val) && !rep_key_number(keys[k], val, &x, &u);
        }
        if (numeric || xkey || k == 0)
            xi = k;
    }
    if (xi == nk) {
        if (xkey)
            scn_error(e, "plot", 0, "--x %s is not a varied key of the results; expected one of the keys the variants "
                      "set", xkey);
        else
            scn_error(e, "plot", 0, "no varied key in the results; expected variants of --vary or --variant "
                      "assignments for a curve");
        rep_results_keys_free(keys, nk);
        return HV_EPARSE;
    }
    int numeric = 1;
    for (size_t v = 0; v < r->nv && numeric; v++) {
        double x;
        numeric = rep_results_value(r, v, keys[xi], val, sizeof val) && !rep_key_number(keys[xi], val, &x, &unit);
    }
    for (size_t v = 0; v < c->nv; v++) {
        /* The series: the values of the other keys. */
        char name[2000] = "";
        size_t o = 0;
        for (size_t k = 0; k < nk; k++)
            if (k != xi && rep_results_value(r, v, keys[k], val, sizeof val))
                o += (size_t)snprintf(name + o, o < sizeof name ? sizeof name - o : 0, "%s%s=%s", o ? ", " : "",
                                      keys[k], val);
        if (o >= sizeof name)
            o = sizeof name - 1;
        if (!o)
            snprintf(name, sizeof name, "%s", f->metric);
        rep_series *s = NULL;
        for (size_t i = 0; i < f->ns && !s; i++)
            if (!strcmp(f->s[i].name, name))
                s = &f->s[i];
        if (!s)
            s = add_series(f, name);
        const char *xv = rep_results_value(r, v, keys[xi], val, sizeof val);
        double x = 0;
        const char *u;
        if (numeric)
            rep_key_number(keys[xi], xv, &x, &u);
        else { /* a category: its index in order of appearance */
            size_t i = 0;
            while (i < f->nxtics && strcmp(f->xtics[i], xv ? xv : "-"))
                i++;
            if (i == f->nxtics) {
                f->xtics = hv_xrealloc(f->xtics, (f->nxtics + 1) * sizeof *f->xtics);
                f->xtics[f->nxtics++] = hv_xstrdup(xv ? xv : "-");
            }
            x = (double)i;
        }
        const rep_stat *st = &c->st[(size_t)m * c->nv + v];
        add_point(s, x, st->mean, st->ci);
    }
    f->title = fmt("%s against %s: mean over %zu run%s, 95%% CI", f->metric, keys[xi], r->replications,
                   r->replications == 1 ? "" : "s");
    f->xlabel = numeric && *unit ? fmt("%s (%s)", keys[xi], unit) : hv_xstrdup(keys[xi]);
    f->ylabel = fmt("%s (%s)", f->metric, rep_metric_unit(f->metric));
    ranges(f, 0);
    if (!numeric) {
        f->xmin = -0.5;
        f->xmax = (double)f->nxtics - 0.5;
    }
    rep_results_keys_free(keys, nk);
    return 0;
}

static int cdf(rep_figure *f, const rep_results *r)
{
    f->xlog = 1;
    char empty[600] = "", keys[1000] = "";
    size_t eo = 0;
    for (size_t v = 0; v < r->nv; v++) {
        rep_hist pooled = {0};
        for (size_t k = 0; k < r->replications; k++) {
            const rep_hist *h = rep_hist_find(&r->runs[v * r->replications + k], f->metric);
            if (h)
                rep_hist_pool(&pooled, h);
        }
        if (!pooled.n) {
            if (eo < sizeof empty)
                eo += (size_t)snprintf(empty + eo, sizeof empty - eo, "%s%s", eo ? ", " : "", r->vname[v]);
            free(pooled.b);
            continue;
        }
        char *label = short_label(r, r->vname[v], f->ns ? NULL : keys, sizeof keys);
        rep_series *s = add_series(f, label);
        free(label);
        /* The CDF rises across a bucket [lo, hi) and is flat between
         * buckets: (lo, F before) then (hi, F after), the lo point left out
         * where the previous bucket ends there. A value of 0 is drawn at 1
         * (log scale). */
        uint64_t cum = 0;
        for (size_t i = 0; i < pooled.nb; i++) {
            if (!i || pooled.b[i].lo != pooled.b[i - 1].hi)
                add_point(s, (double)(pooled.b[i].lo ? pooled.b[i].lo : 1), (double)cum / (double)pooled.n, 0);
            cum += pooled.b[i].count;
            add_point(s, (double)pooled.b[i].hi, (double)cum / (double)pooled.n, 0);
        }
        free(pooled.b);
    }
    f->title = fmt("%s: cumulative distribution, every sample of a variant's %zu run%s", f->metric, r->replications,
                   r->replications == 1 ? "" : "s");
    char probe[600];
    snprintf(probe, sizeof probe, "%s.p50", f->metric);
    f->xlabel = fmt("%s (%s, log scale)", f->metric, rep_metric_unit(probe));
    f->ylabel = hv_xstrdup("fraction of samples below");
    if (eo)
        f->note = fmt("no samples: %s", empty);
    if (keys[0])
        f->key_title = hv_xstrdup(keys);
    ranges(f, 1);
    f->ymin = 0;
    f->ymax = 1.02;
    return 0;
}

int rep_figure_make(rep_figure *f, rep_plot_kind kind, const rep_results *r, const rep_compare *c,
                    const char *metric, const char *xkey, scn_errors *e)
{
    memset(f, 0, sizeof *f);
    f->kind = kind;
    if (kind == REP_PLOT_CDF) {
        const char *pick = metric;
        for (size_t j = 0; !pick && j < r->nv * r->replications; j++)
            if (r->runs[j].nh)
                pick = r->runs[j].hists[0].name;
        int found = 0;
        for (size_t j = 0; pick && j < r->nv * r->replications && !found; j++)
            found = rep_hist_find(&r->runs[j], pick) != NULL;
        if (!found) {
            scn_error(e, "plot", 0, "no distribution '%s' in the results; expected the name of a histogram (e.g. "
                      "wake.latency_ns)", pick ? pick : "");
            return HV_EPARSE;
        }
        f->metric = hv_xstrdup(pick);
        return cdf(f, r);
    }
    long m = metric ? rep_compare_find(c, metric) : c->nm ? 0 : -1;
    if (m < 0) {
        scn_error(e, "plot", 0, "no metric '%s' in the results; expected one of the metric names of the results",
                  metric ? metric : "");
        return HV_EPARSE;
    }
    f->metric = hv_xstrdup(c->metric[m]);
    int rc = kind == REP_PLOT_BARS ? bars(f, r, c, m) : curve(f, r, c, m, xkey, e);
    if (rc)
        rep_figure_free(f); /* nothing to free for the caller on an error */
    return rc;
}

void rep_figure_free(rep_figure *f)
{
    for (size_t i = 0; i < f->ns; i++) {
        free(f->s[i].name);
        free(f->s[i].p);
    }
    for (size_t i = 0; i < f->nxtics; i++)
        free(f->xtics[i]);
    free(f->s);
    free(f->xtics);
    free(f->metric);
    free(f->title);
    free(f->xlabel);
    free(f->ylabel);
    free(f->note);
    free(f->key_title);
    memset(f, 0, sizeof *f);
}
