/* Figures as inline SVG; see svg.h. */
#include "report/svg.h"

#include "base/hv.h"
#include "report/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Okabe-Ito, without the yellow (too pale on white). */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};
#define NCOL (sizeof palette / sizeof palette[0])

enum { W = 760, ML = 84, MR = 24, MT = 40, PH = 300 }; /* width, margins, plot height */

void rep_xml_text(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
}

void rep_tick_label(double v, char *buf, size_t n)
{
    double a = fabs(v);
    static const struct { double div; const char *sfx; } si[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    if (a == 0) {
        snprintf(buf, n, "0");
        return;
    }
    for (size_t i = 0; i < sizeof si / sizeof si[0]; i++)
        if (a >= si[i].div) {
            snprintf(buf, n, "%.4g%s", v / si[i].div, si[i].sfx);
            return;
        }
    if (a >= 1e-3)
        snprintf(buf, n, "%.4g", v);
    else
        snprintf(buf, n, "%.2g", v);
}

typedef struct frame {
    double x0, x1, y0, y1; /* data ranges */
    int log;
    double px0, px1, py0, py1; /* pixels: left, right, bottom, top */
} frame;

static double X(const frame *fr, double x)
{
    double t = fr->log ? (log10(x) - log10(fr->x0)) / (log10(fr->x1) - log10(fr->x0)) : (x - fr->x0) / (fr->x1 - fr->x0);
    return fr->px0 + t * (fr->px1 - fr->px0);
}

static double Y(const frame *fr, double y) { return fr->py0 - (y - fr->y0) / (fr->y1 - fr->y0) * (fr->py0 - fr->py1); }

/* Round linear ticks in [lo, hi]: a step of 1, 2 or 5 x 10^k, about 5 of them. */
static double tick_step(double lo, double hi)
{
    double raw = (hi - lo) / 5, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void text(FILE *f, double x, double y, const char *anchor, const char *extra, const char *s)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor, extra ? extra : "");
    rep_xml_text(f, s);
    fputs("</text>\n", f);
}

/* The x ticks of a log axis: decades, then 2 and 5 times them if fewer
 * than 3 fit, then round linear steps if still fewer. Returns the count. */
static size_t log_ticks(const frame *fr, double *t, size_t max)
{
    size_t n = 0;
    for (double d = pow(10, ceil(log10(fr->x0))); d <= fr->x1 && n < max; d *= 10)
        t[n++] = d;
    if (n < 3) {
        n = 0;
        for (double d = pow(10, floor(log10(fr->x0))); d <= fr->x1 && n + 3 <= max; d *= 10)
            for (int k = 0; k < 3; k++) {
                double v = d * (k == 0 ? 1 : k == 1 ? 2 : 5);
                if (v >= fr->x0 && v <= fr->x1)
                    t[n++] = v;
            }
    }
    if (n < 3) {
        n = 0;
        double st = tick_step(fr->x0, fr->x1);
        for (double x = ceil(fr->x0 / st) * st; x <= fr->x1 + st * 1e-9 && n < max; x += st)
            t[n++] = x;
    }
    return n;
}

static void axes(FILE *f, const frame *fr, const rep_figure *fig)
{
    char lab[64];
    fprintf(f, "<g class=\"grid\" stroke=\"#ddd\" stroke-width=\"1\">\n");
    /* y ticks */
    double st = tick_step(fr->y0, fr->y1);
    for (double y = ceil(fr->y0 / st) * st; y <= fr->y1 + st * 1e-9; y += st) {
        double py = Y(fr, fabs(y) < st * 1e-9 ? 0 : y);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", fr->px0, py, fr->px1, py);
    }
    /* x ticks (categories have none: their labels are enough) */
    double lt[64];
    size_t nlt = fr->log ? log_ticks(fr, lt, 64) : 0;
    if (!fig->nxtics && fr->log) {
        for (size_t i = 0; i < nlt; i++)
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", X(fr, lt[i]), fr->py0,
                    X(fr, lt[i]), fr->py1);
    } else if (!fig->nxtics) {
        double sx = tick_step(fr->x0, fr->x1);
        for (double x = ceil(fr->x0 / sx) * sx; x <= fr->x1 + sx * 1e-9; x += sx)
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", X(fr, x), fr->py0, X(fr, x), fr->py1);
    }
    fputs("</g>\n<g class=\"ticks\" font-size=\"12\" fill=\"#333\">\n", f);
    for (double y = ceil(fr->y0 / st) * st; y <= fr->y1 + st * 1e-9; y += st) {
        rep_tick_label(fabs(y) < st * 1e-9 ? 0 : y, lab, sizeof lab);
        text(f, fr->px0 - 6, Y(fr, y) + 4, "end", NULL, lab);
    }
    if (fig->nxtics) {
        int rotate = 0;
        for (size_t i = 0; i < fig->nxtics; i++)
            rotate |= strlen(fig->xtics[i]) * 7 > (fr->px1 - fr->px0) / (double)fig->nxtics;
        for (size_t i = 0; i < fig->nxtics; i++) {
            char tr[96];
            double x = X(fr, (double)i), y = fr->py0 + 16;
            snprintf(tr, sizeof tr, " transform=\"rotate(-30 %.1f %.1f)\"", x, y);
            text(f, x, y, rotate ? "end" : "middle", rotate ? tr : NULL, fig->xtics[i]);
        }
    } else if (fr->log) {
        for (size_t i = 0; i < nlt; i++) {
            rep_tick_label(lt[i], lab, sizeof lab);
            text(f, X(fr, lt[i]), fr->py0 + 16, "middle", NULL, lab);
        }
    } else {
        double sx = tick_step(fr->x0, fr->x1);
        for (double x = ceil(fr->x0 / sx) * sx; x <= fr->x1 + sx * 1e-9; x += sx) {
            rep_tick_label(fabs(x) < sx * 1e-9 ? 0 : x, lab, sizeof lab);
            text(f, X(fr, x), fr->py0 + 16, "middle", NULL, lab);
        }
    }
    fputs("</g>\n", f);
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#555\"/>\n", fr->px0,
            fr->py1, fr->px1 - fr->px0, fr->py0 - fr->py1);
}

/* A vertical error bar with caps at x from y - ci to y + ci. */
static void errbar(FILE *f, const frame *fr, double x, double y, double ci)
{
    if (!(ci > 0) || isnan(y))
        return;
    double a = Y(fr, y - ci), b = Y(fr, y + ci);
    fprintf(f, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh10M%.1f %.1fh10\" stroke=\"#222\" fill=\"none\"/>\n", x, a, b,
            x - 5, a, x - 5, b);
}

static void tooltip(FILE *f, const char *name, const rep_point *p, int xcat, const char *xname)
{
    char a[48], b[48], c[48];
    rep_fmt_num(p->y, a, sizeof a);
    rep_fmt_num(p->ci, b, sizeof b);
    rep_fmt_num(p->x, c, sizeof c);
    fputs("<title>", f);
    rep_xml_text(f, name);
    fputs(": ", f);
    if (!xcat) {
        fprintf(f, "x = %s, ", c);
    } else if (xname) {
        rep_xml_text(f, xname);
        fputs(", ", f);
    }
    fprintf(f, "%s", a);
    if (p->ci > 0)
        fprintf(f, " &#177; %s (95%% CI)", b);
    fputs("</title>", f);
}

void rep_svg_figure(FILE *f, const rep_figure *fig, const char *id)
{
    size_t longest = 0;
    for (size_t i = 0; i < fig->nxtics; i++)
        longest = strlen(fig->xtics[i]) > longest ? strlen(fig->xtics[i]) : longest;
    int legend = fig->kind != REP_PLOT_BARS && fig->ns > 0;
    double below = 44 + (fig->nxtics ? (double)(longest < 48 ? longest : 48) * 3.6 : 0);
    double legend_h = legend ? 22.0 * (double)fig->ns + (fig->key_title ? 22 : 0) + 8 : 0;
    double h = MT + PH + below + legend_h + (fig->note ? 18 : 0);
    frame fr = {fig->xmin, fig->xmax, fig->ymin, fig->ymax, fig->xlog, ML, W - MR, MT + PH, MT};
    if (!(fr.x1 > fr.x0))
        fr.x1 = fr.x0 + 1;
    if (!(fr.y1 > fr.y0))
        fr.y1 = fr.y0 + 1;
    fprintf(f, "<svg id=\"%s\" class=\"figure\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
            "viewBox=\"0 0 %d %.0f\" font-family=\"sans-serif\" role=\"img\">\n", id, W, h, W, h);
    fputs("<title>", f);
    rep_xml_text(f, fig->title);
    fputs("</title>\n", f);
    text(f, W / 2.0, 22, "middle", " font-size=\"14\" font-weight=\"bold\"", fig->title);
    axes(f, &fr, fig);
    char clip[200];
    snprintf(clip, sizeof clip, "%s-clip", id);
    fprintf(f, "<clipPath id=\"%s\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>\n", clip,
            fr.px0, fr.py1, fr.px1 - fr.px0, fr.py0 - fr.py1);
    fprintf(f, "<g clip-path=\"url(#%s)\">\n", clip);
    for (size_t i = 0; i < fig->ns; i++) {
        const rep_series *s = &fig->s[i];
        const char *col = palette[i % NCOL];
        if (fig->kind == REP_PLOT_BARS) {
            double bw = (fr.px1 - fr.px0) / (fr.x1 - fr.x0) * 0.6;
            for (size_t k = 0; k < s->n; k++) {
                const rep_point *p = &s->p[k];
                if (isnan(p->y))
                    continue;
                double x = X(&fr, p->x), y = Y(&fr, p->y), y0 = Y(&fr, fr.y0 > 0 ? fr.y0 : fr.y1 < 0 ? fr.y1 : 0);
                fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                        "fill-opacity=\"0.75\">", x - bw / 2, y < y0 ? y : y0, bw, fabs(y0 - y), palette[k % NCOL]);
                tooltip(f, k < fig->nxtics ? fig->xtics[k] : s->name, p, 1, NULL);
                fputs("</rect>\n", f);
                errbar(f, &fr, x, p->y, p->ci);
            }
            continue;
        }
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" points=\"", col,
                fig->kind == REP_PLOT_CDF ? "1.8" : "2");
        for (size_t k = 0; k < s->n; k++)
            if (!isnan(s->p[k].y) && (!fr.log || s->p[k].x > 0))
                fprintf(f, "%s%.1f,%.1f", k ? " " : "", X(&fr, s->p[k].x), Y(&fr, s->p[k].y));
        fputs("\"/>\n", f);
        if (fig->kind != REP_PLOT_CURVE)
            continue;
        for (size_t k = 0; k < s->n; k++) {
            const rep_point *p = &s->p[k];
            if (isnan(p->y))
                continue;
            errbar(f, &fr, X(&fr, p->x), p->y, p->ci);
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">", X(&fr, p->x), Y(&fr, p->y), col);
            size_t xi = (size_t)p->x;
            tooltip(f, s->name, p, fig->nxtics > 0, fig->nxtics && xi < fig->nxtics ? fig->xtics[xi] : NULL);
            fputs("</circle>\n", f);
        }
    }
    fputs("</g>\n", f);
    /* axis labels, legend, note */
    double ly = fr.py0 + below - 10;
    text(f, (fr.px0 + fr.px1) / 2, ly, "middle", " font-size=\"13\"", fig->xlabel);
    char tr[96];
    snprintf(tr, sizeof tr, " font-size=\"13\" transform=\"rotate(-90 16 %.1f)\"", (fr.py0 + fr.py1) / 2);
    text(f, 16, (fr.py0 + fr.py1) / 2, "middle", tr, fig->ylabel);
    double y = fr.py0 + below + 8;
    if (legend && fig->key_title) {
        text(f, fr.px0, y + 6, "start", " font-size=\"12\" font-weight=\"bold\"", fig->key_title);
        y += 22;
    }
    for (size_t i = 0; legend && i < fig->ns; i++, y += 22) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n",
                fr.px0, y + 2, fr.px0 + 28, y + 2, palette[i % NCOL]);
        text(f, fr.px0 + 36, y + 6, "start", " font-size=\"12\"", fig->s[i].name);
    }
    if (fig->note)
        text(f, fr.px0, y + 6, "start", " font-size=\"12\" fill=\"#a33\"", fig->note);
    fputs("</svg>\n", f);
}
