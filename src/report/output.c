#include "report/output.h"

#include "base/hv.h"
#include "scn/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rep_config_init(rep_config *c) { memset(c, 0, sizeof *c); }

void rep_config_free(rep_config *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].name);
        free(c->v[i].text);
        free(c->v[i].json);
        free(c->v[i].origin);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

void rep_config_add(rep_config *c, const char *name, const char *text, const char *json, const char *origin)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->v = hv_xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = (rep_setting){hv_xstrdup(name), hv_xstrdup(text), json ? hv_xstrdup(json) : NULL,
                                 hv_xstrdup(origin ? origin : "")};
}

void rep_config_visit(void *config, const char *name, const char *text, const char *json, const char *origin)
{
    rep_config_add(config, name, text, json, origin);
}

void rep_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void rep_json_number(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "null");
        return;
    }
    if (v == 0) { /* -0 reads back as 0 in JSON consumers; write 0 */
        snprintf(buf, n, "0");
        return;
    }
    scn_fmt_double(v, buf, n);
}

void rep_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static const char *const hist_sfx[] = {".count", ".mean", ".min", ".p50", ".p90", ".p99", ".p999", ".max"};
#define NSFX 8

const char *rep_metric_unit(const char *name)
{
    char base[256];
    snprintf(base, sizeof base, "%s", name);
    size_t l = strlen(base);
    for (int i = 0; i < NSFX; i++) {
        size_t sl = strlen(hist_sfx[i]);
        if (l > sl && !strcmp(base + l - sl, hist_sfx[i])) {
            if (i == 0)
                return "count";
            base[l - sl] = 0;
            break;
        }
    }
    l = strlen(base);
    static const struct { const char *sfx, *unit; } u[] = {
        {"_ns", "ns"}, {"_us", "us"}, {"_ms", "ms"}, {"_s", "s"}, {"_frac", "fraction"},
        {"_per_s", "1/s"}, {"_bytes", "bytes"}, {"_pct", "%"},
    };
    /* longest suffix first: _per_s before _s, _ns_per_op before _per_op */
    if (l > 6 && !strcmp(base + l - 6, "_per_s"))
        return "1/s";
    if (l > 10 && !strcmp(base + l - 10, "_ns_per_op"))
        return "ns/op";
    if (l > 7 && !strcmp(base + l - 7, "_per_op"))
        return "1/op";
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        size_t sl = strlen(u[i].sfx);
        if (l > sl && !strcmp(base + l - sl, u[i].sfx))
            return u[i].unit;
    }
    return "count";
}

/* Length of the distribution group starting at row i (NSFX) or 0. */
static int hist_group(const rep_metrics *m, size_t i, char *prefix, size_t pn)
{
    if (i + NSFX > m->n)
        return 0;
    const char *n0 = m->rows[i].name;
    size_t l = strlen(n0), sl = strlen(hist_sfx[0]);
    if (l <= sl || strcmp(n0 + l - sl, hist_sfx[0]))
        return 0;
    size_t pl = l - sl;
    for (int k = 1; k < NSFX; k++) {
        const char *nk = m->rows[i + (size_t)k].name;
        if (strncmp(nk, n0, pl) || strcmp(nk + pl, hist_sfx[k]))
            return 0;
    }
    snprintf(prefix, pn, "%.*s", (int)pl, n0);
    return NSFX;
}

static void text_number(double v, char *buf, size_t n)
{
    if (!isfinite(v)) /* undefined (a statistic of no samples) */
        snprintf(buf, n, "%s", isnan(v) ? "-" : v > 0 ? "inf" : "-inf");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.6g", v);
}

const char *rep_text_oneline(const char *s, char *buf, size_t n)
{
    size_t o = 0;
    for (; *s && o + 5 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n')
            o += (size_t)snprintf(buf + o, n - o, "\\n");
        else if (c == '\t')
            o += (size_t)snprintf(buf + o, n - o, "\\t");
        else if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
    }
    buf[o] = 0;
    return buf;
}

const char *rep_header_source(const rep_header *h) { return h->source ? h->source : "unknown"; }

static void header_lines(FILE *f, const rep_header *h, const char *pfx)
{
    fprintf(f, "%shvwake %s\n", pfx, h->version ? h->version : "?");
    fprintf(f, "%ssource %s\n", pfx, rep_header_source(h));
    fprintf(f, "%sscenario %s\n", pfx, h->scenario ? h->scenario : "");
    fprintf(f, "%sseed %llu\n", pfx, (unsigned long long)h->seed);
    fprintf(f, "%srun %llu\n", pfx, (unsigned long long)h->run);
}

int rep_write_text(FILE *f, const rep_header *h, const rep_metrics *m)
{
    header_lines(f, h, "# ");
    if (h->config && h->config->n) {
        size_t wn = 0, wv = 0;
        for (size_t i = 0; i < h->config->n; i++) {
            size_t a = strlen(h->config->v[i].name), b = strlen(h->config->v[i].text);
            wn = a > wn ? a : wn;
            wv = b > wv ? b : wv;
        }
        if (wv > 40)
            wv = 40;
        fprintf(f, "# config:\n");
        char t[1024];
        for (size_t i = 0; i < h->config->n; i++)
            fprintf(f, "#   %-*s = %-*s  (%s)\n", (int)wn, h->config->v[i].name, (int)wv,
                    rep_text_oneline(h->config->v[i].text, t, sizeof t), h->config->v[i].origin);
    }
    /* Scalars. */
    size_t wname = strlen("metric"), wval = strlen("value");
    char num[64], prefix[256];
    for (size_t i = 0; i < m->n;) {
        int g = hist_group(m, i, prefix, sizeof prefix);
        if (g) {
            i += (size_t)g;
            continue;
        }
        text_number(m->rows[i].value, num, sizeof num);
        char nm[1024];
        size_t a = strlen(rep_text_oneline(m->rows[i].name, nm, sizeof nm)), b = strlen(num);
        wname = a > wname ? a : wname;
        wval = b > wval ? b : wval;
        i++;
    }
    int any = 0;
    for (size_t i = 0; i < m->n;) {
        int g = hist_group(m, i, prefix, sizeof prefix);
        if (g) {
            i += (size_t)g;
            continue;
        }
        if (!any++)
            fprintf(f, "\n%-*s  %*s  %s\n", (int)wname, "metric", (int)wval, "value", "unit");
        text_number(m->rows[i].value, num, sizeof num);
        char nm[1024];
        fprintf(f, "%-*s  %*s  %s\n", (int)wname, rep_text_oneline(m->rows[i].name, nm, sizeof nm), (int)wval, num,
                rep_metric_unit(m->rows[i].name));
        i++;
    }
    /* Distributions. */
    size_t wd = strlen("distribution"), wc[NSFX];
    static const char *const col[NSFX] = {"count", "mean", "min", "p50", "p90", "p99", "p99.9", "max"};
    for (int k = 0; k < NSFX; k++)
        wc[k] = strlen(col[k]);
    for (size_t i = 0; i < m->n;) {
        int g = hist_group(m, i, prefix, sizeof prefix);
        if (!g) {
            i++;
            continue;
        }
        char label[300];
        snprintf(label, sizeof label, "%s (%s)", prefix, rep_metric_unit(m->rows[i + 1].name));
        wd = strlen(label) > wd ? strlen(label) : wd;
        for (int k = 0; k < NSFX; k++) {
            text_number(m->rows[i + (size_t)k].value, num, sizeof num);
            wc[k] = strlen(num) > wc[k] ? strlen(num) : wc[k];
        }
        i += (size_t)g;
    }
    any = 0;
    for (size_t i = 0; i < m->n;) {
        int g = hist_group(m, i, prefix, sizeof prefix);
        if (!g) {
            i++;
            continue;
        }
        if (!any++) {
            fprintf(f, "\n%-*s", (int)wd, "distribution (unit)");
            for (int k = 0; k < NSFX; k++)
                fprintf(f, "  %*s", (int)wc[k], col[k]);
            fputc('\n', f);
        }
        char label[300];
        snprintf(label, sizeof label, "%s (%s)", prefix, rep_metric_unit(m->rows[i + 1].name));
        fprintf(f, "%-*s", (int)wd, label);
        for (int k = 0; k < NSFX; k++) {
            text_number(m->rows[i + (size_t)k].value, num, sizeof num);
            fprintf(f, "  %*s", (int)wc[k], num);
        }
        fputc('\n', f);
        i += (size_t)g;
    }
    return ferror(f) ? HV_EIO : 0;
}

int rep_write_json(FILE *f, const rep_header *h, const rep_metrics *m)
{
    char num[64];
    fputs("{\n  \"hvwake\": ", f);
    rep_json_string(f, h->version ? h->version : "");
    fputs(",\n  \"source\": ", f);
    rep_json_string(f, rep_header_source(h));
    fputs(",\n  \"scenario\": ", f);
    rep_json_string(f, h->scenario ? h->scenario : "");
    fprintf(f, ",\n  \"seed\": %llu,\n  \"run\": %llu,\n  \"config\": {", (unsigned long long)h->seed,
            (unsigned long long)h->run);
    size_t nc = h->config ? h->config->n : 0;
    for (size_t i = 0; i < nc; i++) {
        const rep_setting *s = &h->config->v[i];
        fputs(i ? ",\n    " : "\n    ", f);
        rep_json_string(f, s->name);
        fputs(": ", f);
        if (s->json)
            fputs(s->json, f);
        else
            rep_json_string(f, s->text);
    }
    fputs(nc ? "\n  },\n  \"origin\": {" : "},\n  \"origin\": {", f);
    for (size_t i = 0; i < nc; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        rep_json_string(f, h->config->v[i].name);
        fputs(": ", f);
        rep_json_string(f, h->config->v[i].origin);
    }
    fputs(nc ? "\n  },\n  \"metrics\": {" : "},\n  \"metrics\": {", f);
    for (size_t i = 0; i < m->n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        rep_json_string(f, m->rows[i].name);
        rep_json_number(m->rows[i].value, num, sizeof num);
        fprintf(f, ": %s", num);
    }
    fputs(m->n ? "\n  },\n  \"histograms\": {" : "},\n  \"histograms\": {", f);
    for (size_t i = 0; i < m->nh; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        rep_json_hist(f, &m->hists[i]);
    }
    fputs(m->nh ? "\n  }\n}\n" : "}\n}\n", f);
    return ferror(f) ? HV_EIO : 0;
}

void rep_json_hist(FILE *f, const rep_hist *h)
{
    char unit[300];
    snprintf(unit, sizeof unit, "%s.p50", h->name);
    rep_json_string(f, h->name);
    fputs(": {\"unit\": ", f);
    rep_json_string(f, rep_metric_unit(unit));
    fprintf(f, ", \"count\": %llu, \"buckets\": [", (unsigned long long)h->n);
    for (size_t k = 0; k < h->nb; k++)
        fprintf(f, "%s[%llu, %llu, %llu]", k ? ", " : "", (unsigned long long)h->b[k].lo,
                (unsigned long long)h->b[k].hi, (unsigned long long)h->b[k].count);
    fputs("]}", f);
}

void rep_csv_metric_rows(FILE *f, const char *lead, const rep_metrics *m)
{
    char num[64];
    for (size_t i = 0; i < m->n; i++) {
        fputs(lead, f);
        rep_csv_field(f, m->rows[i].name);
        rep_json_number(m->rows[i].value, num, sizeof num);
        fprintf(f, ",%s,", strcmp(num, "null") ? num : "");
        rep_csv_field(f, rep_metric_unit(m->rows[i].name));
        fputs(",,\n", f);
    }
    for (size_t i = 0; i < m->nh; i++) {
        const rep_hist *h = &m->hists[i];
        for (size_t k = 0; k < h->nb; k++) {
            fputs(lead, f);
            rep_csv_field(f, h->name);
            fprintf(f, ".bucket,%llu,count,%llu,%llu\n", (unsigned long long)h->b[k].count,
                    (unsigned long long)h->b[k].lo, (unsigned long long)h->b[k].hi);
        }
    }
}

static void csv_header(FILE *f, const rep_header *h)
{
    header_lines(f, h, "# ");
    char t[1024];
    if (h->config)
        for (size_t i = 0; i < h->config->n; i++)
            fprintf(f, "# config %s=%s (%s)\n", h->config->v[i].name, rep_text_oneline(h->config->v[i].text, t, sizeof t),
                    h->config->v[i].origin);
}

int rep_write_csv(FILE *f, const rep_header *h, const rep_metrics *m)
{
    csv_header(f, h);
    fputs("metric,value,unit,lo,hi\n", f);
    rep_csv_metric_rows(f, "", m);
    return ferror(f) ? HV_EIO : 0;
}
