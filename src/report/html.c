/* `hvwake report`: the HTML page; see html.h. */
#include "report/html.h"

#include "base/hv.h"
#include "report/figure.h"
#include "report/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DIFFS = 40, MAX_BARS = 8, MAX_CURVES = 4 };

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1b1b1b;background:#fafafa}"
    "header{background:#17324d;color:#fff;padding:18px 32px}header h1{margin:0 0 6px;font-size:24px}"
    "header p{margin:0;opacity:.9;font-size:14px}nav{padding:8px 32px;background:#e8eef4;font-size:14px}"
    "nav a{margin-right:16px;color:#17324d}main{padding:8px 32px 40px;max-width:1400px}"
    "section{margin:28px 0}h2{border-bottom:2px solid #17324d;padding-bottom:4px;font-size:20px}"
    "h3{font-size:16px;margin:20px 0 6px}p.note{font-size:13px;color:#444;max-width:900px}"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0 14px;background:#fff}"
    "th,td{border:1px solid #d4d9de;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef1f4}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "td.sig{background:#fff3d6;font-weight:600}td.up::before{content:'\\25B2 ';color:#b35c00}"
    "td.down::before{content:'\\25BC ';color:#0061a8}code{font-size:12px}"
    ".figs{display:flex;flex-wrap:wrap;gap:18px}.figure{background:#fff;border:1px solid #d4d9de}"
    "details{margin:8px 0}summary{cursor:pointer;font-weight:600}.ok{color:#1a7f37;font-weight:600}"
    ".bad{color:#b00020;font-weight:600}span.ratio{color:#555;font-weight:400;margin-left:6px}"
    ".dist{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}";

static void esc(FILE *f, const char *s) { rep_xml_text(f, s); }

static void numtext(double v, char *buf, size_t n) { rep_fmt_num(v, buf, n); }

/* A td with a statistic: its exact value in data-value. */
static void td_value(FILE *f, double v, const char *cls, const char *shown)
{
    char exact[64];
    rep_json_number(v, exact, sizeof exact);
    fprintf(f, "<td class=\"num%s%s\" data-value=\"%s\">", cls ? " " : "", cls ? cls : "", exact);
    esc(f, shown);
    fputs("</td>", f);
}

static void td_stat(FILE *f, const rep_stat *s)
{
    char a[48], b[48], t[120];
    numtext(s->mean, a, sizeof a);
    numtext(s->ci, b, sizeof b);
    if (s->n > 1)
        snprintf(t, sizeof t, "%s ± %s", a, b);
    else
        snprintf(t, sizeof t, "%s", a);
    td_value(f, s->mean, NULL, s->n ? t : "-");
}

static void td_diff(FILE *f, const rep_diff *d)
{
    char a[48], b[48], t[140], r[48];
    numtext(d->diff, a, sizeof a);
    numtext(d->ci, b, sizeof b);
    if (isnan(d->ci))
        snprintf(t, sizeof t, "%s%s", d->diff > 0 ? "+" : "", a);
    else
        snprintf(t, sizeof t, "%s%s ± %s", d->diff > 0 ? "+" : "", a, b);
    char exact[64];
    rep_json_number(d->diff, exact, sizeof exact);
    fprintf(f, "<td class=\"num%s\" data-value=\"%s\">", d->significant ? (d->diff > 0 ? " sig up" : " sig down") : "",
            exact);
    esc(f, t);
    if (isnan(d->ratio))
        snprintf(r, sizeof r, "-");
    else
        snprintf(r, sizeof r, "×%.3f", d->ratio);
    rep_json_number(d->ratio, exact, sizeof exact);
    fprintf(f, " <span class=\"ratio\" data-value=\"%s\">", exact);
    esc(f, r);
    fputs("</span></td>", f);
}

static const char *test_text(rep_test t)
{
    return t == REP_TEST_PAIRED ? "paired t" : t == REP_TEST_WELCH ? "Welch t" : "-";
}

/* The variant's assignments as "k=v, k=v" (or "the scenario as given"). */
static void sets_text(FILE *f, const char *sets)
{
    if (!*sets) {
        fputs("<i>the scenario as given</i>", f);
        return;
    }
    for (const char *p = sets; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        char buf[1200];
        snprintf(buf, sizeof buf, "%.*s", (int)l, p);
        fputs("<code>", f);
        esc(f, buf);
        fputs("</code> ", f);
        p += l + (nl != NULL);
    }
}

static void header(FILE *f, const rep_results *r, const char *const *inputs, size_t ninputs)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>hvwake report: ",
          f);
    esc(f, r->scenario);
    fprintf(f, "</title>\n<meta name=\"generator\" content=\"hvwake %s (source ", HV_VERSION);
    esc(f, hv_source());
    fprintf(f, ")\">\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>hvwake report: ", css);
    esc(f, r->scenario);
    fputs("</h1>\n<p>", f);
    if (r->nv == 1 && r->replications == 1)
        fputs("one run", f);
    else
        fprintf(f, "%zu variant%s × %zu run%s", r->nv, r->nv == 1 ? "" : "s", r->replications,
                r->replications == 1 ? "" : "s");
    fputs(" · written by hvwake ", f);
    esc(f, r->version);
    fputs(" from source ", f);
    esc(f, r->source);
    fprintf(f, " · seed %llu · from ", (unsigned long long)r->seed);
    for (size_t i = 0; i < ninputs; i++) {
        fputs(i ? ", " : "", f);
        fputs("<code>", f);
        esc(f, inputs[i]);
        fputs("</code>", f);
    }
    fputs("</p>\n</header>\n<nav><a href=\"#experiment\">Experiment</a><a href=\"#distributions\">Distributions</a>",
          f);
    if (r->nv > 1)
        fputs("<a href=\"#figures\">Figures</a><a href=\"#differences\">Differences</a>", f);
    fputs("<a href=\"#metrics\">All metrics</a>"
          "<a href=\"#checks\">Checks</a><a href=\"#configuration\">Configuration</a></nav>\n<main>\n",
          f);
}

static void experiment(FILE *f, const rep_results *r, const rep_compare *c)
{
    fputs("<section id=\"experiment\">\n<h2>Experiment</h2>\n<table id=\"variants\">\n<tr><th>#</th><th>variant</th>"
          "<th>assignments</th><th>seed</th><th>runs</th><th>differences to the first</th></tr>\n",
          f);
    for (size_t v = 0; v < r->nv; v++) {
        fprintf(f, "<tr><td>%zu</td><td>", v);
        esc(f, r->vname[v]);
        fputs("</td><td>", f);
        sets_text(f, r->vsets[v]);
        fprintf(f, "</td><td class=\"num\">%llu</td><td class=\"num\">%llu", (unsigned long long)r->stream[v].seed,
                (unsigned long long)r->stream[v].run0);
        if (r->replications > 1)
            fprintf(f, "–%llu", (unsigned long long)(r->stream[v].run0 + r->replications - 1));
        fprintf(f, "</td><td>%s</td></tr>\n", v ? test_text(rep_compare_test(c, v)) : "(the baseline)");
    }
    fputs("</table>\n<p class=\"note\">Each statistic is the mean over a variant's runs with the half-width of its "
          "95% confidence interval (Student t). A variant that ran on the first variant's seed and runs saw the "
          "same random draws (common random numbers): its difference to the first is a <b>paired t</b> interval "
          "over the per-run differences. Variants on other streams are independent: <b>Welch t</b>. A difference "
          "is significant (highlighted) when its interval excludes 0. Runs where a value is undefined (a "
          "distribution with no samples) are left out.</p>\n</section>\n",
          f);
}

/* Metrics with a significant difference, largest relative change first. */
static size_t significant(const rep_compare *c, size_t *out)
{
    size_t n = 0;
    double *key = hv_xcalloc(c->nm + 1, sizeof *key);
    for (size_t m = 0; m < c->nm; m++) {
        double best = -1;
        for (size_t v = 1; v < c->nv; v++) {
            const rep_diff *d = &c->df[m * c->nv + v];
            if (!d->significant)
                continue;
            double k = isnan(d->ratio) ? INFINITY : fabs(d->ratio - 1);
            best = k > best ? k : best;
        }
        if (best >= 0) {
            key[m] = best;
            size_t i = n++;
            for (; i > 0 && key[out[i - 1]] < best; i--) /* stable: ties keep the metric order */
                out[i] = out[i - 1];
            out[i] = m;
        }
    }
    free(key);
    return n;
}

static void stat_table_head(FILE *f, const rep_compare *c, const char *id, int diffs)
{
    fprintf(f, "<table id=\"%s\">\n<tr><th>metric</th><th>unit</th>", id);
    for (size_t v = 0; v < c->nv; v++) {
        fputs("<th>", f);
        esc(f, c->vname[v]);
        fputs(c->nv == 1 && c->st[0].n == 1 ? " (value)" : " (mean ± 95% CI)", f);
        fputs("</th>", f);
        if (v && diffs)
            fputs("<th>difference ± 95% CI, ratio</th>", f);
    }
    fputs("</tr>\n", f);
}

static void stat_row(FILE *f, const rep_compare *c, size_t m, int diffs)
{
    fprintf(f, "<tr data-metric=\"");
    esc(f, c->metric[m]);
    fputs("\"><td><code>", f);
    esc(f, c->metric[m]);
    fputs("</code></td><td>", f);
    esc(f, rep_metric_unit(c->metric[m]));
    fputs("</td>", f);
    for (size_t v = 0; v < c->nv; v++) {
        td_stat(f, &c->st[m * c->nv + v]);
        if (v && diffs)
            td_diff(f, &c->df[m * c->nv + v]);
    }
    fputs("</tr>\n", f);
}

static void differences(FILE *f, const rep_compare *c, const size_t *sig, size_t nsig)
{
    fputs("<section id=\"differences\">\n<h2>Differences</h2>\n", f);
    fprintf(f, "<p class=\"note\">%zu of %zu metrics differ significantly from <b>", nsig, c->nm);
    esc(f, c->vname[0]);
    fputs("</b> in at least one variant", f);
    if (nsig > MAX_DIFFS)
        fprintf(f, "; the %d with the largest relative change are shown (every metric: <a href=\"#metrics\">All "
                   "metrics</a>)", MAX_DIFFS);
    fputs(". ▲ / ▼: a significant increase / decrease.</p>\n", f);
    if (nsig) {
        stat_table_head(f, c, "differences-table", 1);
        for (size_t i = 0; i < nsig && i < MAX_DIFFS; i++)
            stat_row(f, c, sig[i], 1);
        fputs("</table>\n", f);
    }
    fputs("</section>\n", f);
}

static void figure(FILE *f, rep_plot_kind kind, const rep_results *r, const rep_compare *c, const char *metric,
                   const char *xkey, const char *id)
{
    rep_figure fig;
    scn_errors e;
    scn_errors_init(&e);
    if (!rep_figure_make(&fig, kind, r, c, metric, xkey, &e)) {
        rep_svg_figure(f, &fig, id);
        rep_figure_free(&fig);
    }
    scn_errors_free(&e);
}

/* The numeric varied keys with 3 values or more (curves). */
static size_t curve_keys(const rep_results *r, char out[][256], size_t max)
{
    char **keys, val[1200], seen[64][64];
    size_t nk = rep_results_keys(r, &keys), n = 0;
    for (size_t k = 0; k < nk && n < max; k++) {
        size_t ns = 0;
        int numeric = 1;
        for (size_t v = 0; v < r->nv && numeric; v++) {
            double x;
            const char *u;
            numeric = rep_results_value(r, v, keys[k], val, sizeof val) && !rep_key_number(keys[k], val, &x, &u);
            size_t i = 0;
            while (numeric && i < ns && strcmp(seen[i], val))
                i++;
            if (numeric && i == ns && ns < 64)
                snprintf(seen[ns++], sizeof seen[0], "%.63s", val);
        }
        if (numeric && ns >= 3)
            snprintf(out[n++], 256, "%s", keys[k]);
    }
    rep_results_keys_free(keys, nk);
    return n;
}

static void figures(FILE *f, const rep_results *r, const rep_compare *c, const size_t *sig, size_t nsig)
{
    fputs("<section id=\"figures\">\n<h2>Figures</h2>\n", f);
    if (!nsig)
        fputs("<p class=\"note\">No metric differs significantly between the variants.</p>\n", f);
    else
        fputs("<p class=\"note\">The metrics that differ most: each variant's mean with its 95% confidence interval."
              "</p>\n",
              f);
    fputs("<div class=\"figs\">\n", f);
    char id[64];
    for (size_t i = 0; i < nsig && i < MAX_BARS; i++) {
        snprintf(id, sizeof id, "bars-%zu", i);
        figure(f, REP_PLOT_BARS, r, c, c->metric[sig[i]], NULL, id);
    }
    fputs("</div>\n", f);
    char keys[8][256];
    size_t nk = curve_keys(r, keys, 8);
    for (size_t k = 0; k < nk; k++) {
        fputs("<h3>Against <code>", f);
        esc(f, keys[k]);
        fputs("</code></h3>\n<div class=\"figs\">\n", f);
        for (size_t i = 0; i < nsig && i < MAX_CURVES; i++) {
            snprintf(id, sizeof id, "curve-%zu-%zu", k, i);
            figure(f, REP_PLOT_CURVE, r, c, c->metric[sig[i]], keys[k], id);
        }
        fputs("</div>\n", f);
    }
    fputs("</section>\n", f);
}

static void distributions(FILE *f, const rep_results *r, const rep_compare *c)
{
    fputs("<section id=\"distributions\">\n<h2>Distributions</h2>\n<p class=\"note\">Each histogram as recorded "
          "(buckets at most 0.78% wide): the cumulative distribution of every sample of a variant, its runs pooled, "
          "and its quantiles (means over the runs).</p>\n",
          f);
    static const char *const q[] = {"count", "mean", "min", "p50", "p90", "p99", "p999", "max"};
    /* Every histogram once, most samples (all runs) first, ties in order
     * of appearance. */
    size_t nh = 0;
    const char **name = NULL;
    uint64_t *total = NULL;
    for (size_t j = 0; j < r->nv * r->replications; j++)
        for (size_t h = 0; h < r->runs[j].nh; h++) {
            const rep_hist *hist = &r->runs[j].hists[h];
            size_t i = 0;
            while (i < nh && strcmp(name[i], hist->name))
                i++;
            if (i == nh) {
                name = hv_xrealloc(name, (nh + 1) * sizeof *name);
                total = hv_xrealloc(total, (nh + 1) * sizeof *total);
                name[nh] = hist->name;
                total[nh++] = 0;
            }
            total[i] += hist->n;
        }
    size_t shown = 0;
    for (size_t left = nh; left > 0; left--) {
        size_t best = nh;
        for (size_t i = 0; i < nh; i++)
            if (name[i] && (best == nh || total[i] > total[best]))
                best = i;
        char id[64], m[400];
        snprintf(id, sizeof id, "cdf-%zu", shown++);
        fputs("<h3><code>", f);
        esc(f, name[best]);
        fputs("</code></h3>\n<div class=\"dist\">\n", f);
        figure(f, REP_PLOT_CDF, r, c, name[best], NULL, id);
        fprintf(f, "<table class=\"quantiles\">\n<tr><th>variant</th>");
        for (size_t k = 0; k < 8; k++)
            fprintf(f, "<th>%s</th>", q[k]);
        fputs("</tr>\n", f);
        for (size_t v = 0; v < c->nv; v++) {
            fputs("<tr><td>", f);
            esc(f, c->vname[v]);
            fputs("</td>", f);
            for (size_t k = 0; k < 8; k++) {
                snprintf(m, sizeof m, "%s.%s", name[best], q[k]);
                long i = rep_compare_find(c, m);
                if (i < 0)
                    fputs("<td></td>", f);
                else
                    td_stat(f, &c->st[(size_t)i * c->nv + v]);
            }
            fputs("</tr>\n", f);
        }
        fputs("</table>\n</div>\n", f);
        name[best] = NULL;
    }
    free(name);
    free(total);
    if (!shown)
        fputs("<p class=\"note\">The results hold no histogram.</p>\n", f);
    fputs("</section>\n", f);
}

static void metrics(FILE *f, const rep_compare *c)
{
    fputs("<section id=\"metrics\">\n<h2>All metrics</h2>\n<p class=\"note\">Grouped by the first part of the "
          "name (docs/metrics.md); units from the name's suffix.</p>\n",
          f);
    size_t done = 0;
    unsigned char *used = hv_xcalloc(c->nm + 1, 1);
    while (done < c->nm) {
        size_t first = 0;
        while (used[first])
            first++;
        const char *dot = strchr(c->metric[first], '.');
        size_t gl = dot ? (size_t)(dot - c->metric[first]) : strlen(c->metric[first]);
        char group[256], id[300];
        snprintf(group, sizeof group, "%.*s", (int)gl, c->metric[first]);
        snprintf(id, sizeof id, "metrics-%s", group);
        fputs("<details open>\n<summary><code>", f);
        esc(f, group);
        fputs(".*</code></summary>\n", f);
        stat_table_head(f, c, id, c->nv > 1);
        for (size_t m = first; m < c->nm; m++) {
            const char *d2 = strchr(c->metric[m], '.');
            size_t l = d2 ? (size_t)(d2 - c->metric[m]) : strlen(c->metric[m]);
            if (used[m] || l != gl || strncmp(c->metric[m], group, gl))
                continue;
            used[m] = 1;
            done++;
            stat_row(f, c, m, c->nv > 1);
        }
        fputs("</table>\n</details>\n", f);
    }
    free(used);
    fputs("</section>\n", f);
}

static double run_value(const rep_metrics *m, const char *name)
{
    long k = rep_metric_find(m, name);
    return k >= 0 ? m->rows[k].value : NAN;
}

static void checks(FILE *f, const rep_results *r)
{
    size_t jobs = r->nv * r->replications, have = 0, holds = 0;
    for (size_t j = 0; j < jobs; j++) {
        const rep_metrics *m = &r->runs[j];
        double sch = run_value(m, "sim.events_scheduled"), run = run_value(m, "sim.events"),
               can = run_value(m, "sim.events_cancelled"), pen = run_value(m, "sim.events_pending");
        if (isnan(sch) || isnan(run) || isnan(can) || isnan(pen))
            continue;
        have++;
        holds += sch == run + can + pen;
    }
    const char *checks_on = "(not recorded)";
    for (size_t i = 0; i < r->config.n; i++)
        if (!strcmp(r->config.v[i].name, "sim.checks"))
            checks_on = r->config.v[i].text;
    fputs("<section id=\"checks\">\n<h2>Checks</h2>\n<table>\n<tr><th>check</th><th>result</th></tr>\n", f);
    fprintf(f, "<tr><td>end-of-run conservation (workload/model.h: engine events, host IPIs and wakeups, hardware "
               "signals, KVM wakeups balance)</td><td class=\"ok\">passed in all %zu run%s</td></tr>\n",
            jobs, jobs == 1 ? "" : "s");
    fputs("<tr><td>engine event conservation, recomputed here from the metrics: <code>sim.events_scheduled = "
          "sim.events + sim.events_cancelled + sim.events_pending</code></td>",
          f);
    if (!have)
        fputs("<td>not recorded (no sim.* metrics)</td></tr>\n", f);
    else
        fprintf(f, "<td class=\"%s\">holds in %zu of %zu run%s</td></tr>\n", holds == have ? "ok" : "bad", holds,
                have, have == 1 ? "" : "s");
    fputs("<tr><td>invariant checks of every room after every event (<code>sim.checks</code>)</td><td>", f);
    esc(f, checks_on);
    fputs(": they run in builds with HV_CHECKS (the dev, asan and tsan presets); a release build runs the "
          "end-of-run checks only</td></tr>\n</table>\n<p class=\"note\">hvwake writes results only for runs that "
          "passed every check: a failed check ends it with status 1 and no output (docs/cli.md, "
          "\"Guarantees\").</p>\n</section>\n",
          f);
}

static void config_row(FILE *f, const rep_setting *s)
{
    fputs("<tr><td><code>", f);
    esc(f, s->name);
    fputs("</code></td><td><code>", f);
    esc(f, s->text);
    fputs("</code></td><td>", f);
    esc(f, s->origin);
    fputs("</td></tr>\n", f);
}

static void configuration(FILE *f, const rep_results *r)
{
    fputs("<section id=\"configuration\">\n<h2>Configuration</h2>\n<p class=\"note\">The base configuration of every "
          "variant (each variant then applies its assignments, above), with where each value came from: a "
          "scenario file and line, a preset, <code>--set</code>, or the default.</p>\n"
          "<h3>Not at the default</h3>\n<table id=\"config-set\">\n<tr><th>key</th><th>value</th><th>from</th></tr>\n",
          f);
    for (size_t i = 0; i < r->config.n; i++)
        if (strcmp(r->config.v[i].origin, "default"))
            config_row(f, &r->config.v[i]);
    fprintf(f, "</table>\n<details>\n<summary>Every key (%zu)</summary>\n<table id=\"config-all\">\n<tr><th>key</th>"
               "<th>value</th><th>from</th></tr>\n",
            r->config.n);
    for (size_t i = 0; i < r->config.n; i++)
        config_row(f, &r->config.v[i]);
    fputs("</table>\n</details>\n</section>\n", f);
}

int rep_html_write(FILE *f, const rep_results *r, const rep_compare *c, const char *const *inputs, size_t ninputs)
{
    header(f, r, inputs, ninputs);
    experiment(f, r, c);
    size_t *sig = hv_xcalloc(c->nm + 1, sizeof *sig), nsig = r->nv > 1 ? significant(c, sig) : 0;
    distributions(f, r, c);
    if (r->nv > 1) {
        figures(f, r, c, sig, nsig);
        differences(f, c, sig, nsig);
    }
    metrics(f, c);
    checks(f, r);
    configuration(f, r);
    fputs("</main>\n<footer style=\"padding:12px 32px;font-size:12px;color:#555\">hvwake report: every figure and "
          "number on this page comes from the results named above.</footer>\n</body>\n</html>\n",
          f);
    free(sig);
    return ferror(f) ? HV_EIO : 0;
}
