#include "report/plot.h"

#include "base/hv.h"

#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

/* gnuplot string literal: single quotes, '' for a quote. */
static void gp_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static void dnum(FILE *f, double v)
{
    char b[64];
    rep_json_number(v, b, sizeof b);
    fputs(strcmp(b, "null") ? b : "NaN", f);
}

int rep_plot_paths(const char *out, char *script, char *dat, size_t n, scn_errors *e)
{
    size_t ol = strlen(out);
    if (ol <= 4 || (strcmp(out + ol - 4, ".png") && strcmp(out + ol - 4, ".svg"))) {
        scn_error(e, out, 0, "unknown output type; expected a file name ending in .svg or .png");
        return HV_EPARSE;
    }
    snprintf(script, n, "%.*s.gp", (int)(ol - 4), out);
    snprintf(dat, n, "%.*s.dat", (int)(ol - 4), out);
    return 0;
}

/* A data-file text field: double quotes (a quote becomes '). */
static void dat_str(FILE *d, const char *s)
{
    fputc('"', d);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : *s, d);
    fputc('"', d);
}

/* A line "set WHAT "S"" (S quoted for gnuplot). */
static void set_str(FILE *f, const char *what, const char *str)
{
    fprintf(f, "set %s ", what);
    gp_str(f, str);
    fputc('\n', f);
}

/* A line "set AXISrange [LO:HI]". */
static void set_range(FILE *f, const char *axis, double lo, double hi)
{
    fprintf(f, "set %srange [", axis);
    dnum(f, lo);
    fputc(':', f);
    dnum(f, hi);
    fputs("]\n", f);
}

void rep_plot_write(const rep_figure *fig, const rep_header *h, const char *out, const char *dat_path, FILE *d,
                    FILE *f)
{
    size_t ol = strlen(out);
    int png = ol > 4 && !strcmp(out + ol - 4, ".png");
    fprintf(d, "# hvwake %s, source %s, scenario %s: %s of %s\n", h->version ? h->version : "?",
            rep_header_source(h), h->scenario ? h->scenario : "", rep_plot_kind_name(fig->kind), fig->metric);
    if (fig->note)
        fprintf(d, "# %s\n", fig->note);
    for (size_t i = 0; i < fig->ns; i++) {
        const rep_series *s = &fig->s[i];
        fprintf(d, "%s# series %zu: %s\n# x y ci%s\n", i ? "\n\n" : "", i, s->name, fig->nxtics ? " label" : "");
        for (size_t k = 0; k < s->n; k++) {
            dnum(d, s->p[k].x);
            fputc(' ', d);
            dnum(d, s->p[k].y);
            fputc(' ', d);
            dnum(d, s->p[k].ci);
            size_t xi = (size_t)s->p[k].x;
            if (fig->nxtics && xi < fig->nxtics) {
                fputc(' ', d);
                dat_str(d, fig->xtics[xi]);
            }
            fputc('\n', d);
        }
    }
    fprintf(f, "# hvwake plot (%s): render with  gnuplot %.*s.gp\n", rep_plot_kind_name(fig->kind), (int)(ol - 4),
            out);
    if (png)
        fputs("set terminal pngcairo size 900,640 noenhanced\n", f);
    else
        fputs("set terminal svg size 900,640 dynamic noenhanced\n", f);
    /* hvwake renders into a temporary file (gnuplot -e "outfile='...'")
     * and renames it: the image is whole or absent. */
    fputs("if (!exists(\"outfile\")) outfile = ", f);
    gp_str(f, out);
    fputs("\nset output outfile\nset datafile commentschars '#'\nset grid\n", f);
    set_str(f, "title", fig->title);
    set_str(f, "xlabel", fig->xlabel);
    set_str(f, "ylabel", fig->ylabel);
    if (fig->xlog)
        fputs("set logscale x\n", f);
    set_range(f, "x", fig->xmin, fig->xmax);
    set_range(f, "y", fig->ymin, fig->ymax);
    if (fig->note) {
        fputs("set label 1 ", f);
        gp_str(f, fig->note);
        fputs(" at graph 0.01, graph 0.97 left\n", f);
    }
    if (fig->nxtics) { /* category labels: rotated when long, with room below and left for them */
        size_t longest = 0;
        for (size_t i = 0; i < fig->nxtics; i++)
            longest = strlen(fig->xtics[i]) > longest ? strlen(fig->xtics[i]) : longest;
        if (longest > 10) {
            size_t first = strlen(fig->xtics[0]) < 60 ? strlen(fig->xtics[0]) : 60;
            fprintf(f, "set xtics rotate by 30 right\nset bmargin %d\nset lmargin %d\n",
                    4 + (int)(longest < 60 ? longest : 60) / 4, 12 + (int)first * 4 / 5);
        }
    }
    if (fig->kind == REP_PLOT_BARS) {
        fputs("unset key\nset style fill solid 0.6 border -1\nset boxwidth 0.6\nplot ", f);
        gp_str(f, dat_path);
        fputs(" index 0 using 1:2:xtic(4) with boxes, \\\n     ", f);
        gp_str(f, dat_path);
        fputs(" index 0 using 1:2:3 with yerrorbars lc rgb 'black' ps 0\n", f);
        return;
    }
    fputs(fig->kind == REP_PLOT_CDF ? "set key inside left top Left reverse\n" : "set key below\n", f);
    if (fig->key_title)
        set_str(f, "key title", fig->key_title);
    if (!fig->ns) /* nothing to draw: an empty frame that says so */
        fputs("plot NaN title 'no samples'\n", f);
    else
        fputs("plot ", f);
    for (size_t i = 0; i < fig->ns; i++) {
        fputs(i ? ", \\\n     " : "", f);
        gp_str(f, dat_path);
        if (fig->kind == REP_PLOT_CURVE)
            fprintf(f, " index %zu using 1:2:3%s with yerrorlines title ", i, fig->nxtics ? ":xtic(4)" : "");
        else
            fprintf(f, " index %zu using 1:2 with lines title ", i);
        gp_str(f, fig->s[i].name);
    }
    if (fig->ns)
        fputc('\n', f);
}

int rep_plot_render(const char *script, const char *image)
{
    pid_t pid;
    char set[4300];
    size_t o = (size_t)snprintf(set, sizeof set, "outfile='");
    for (const char *p = image ? image : ""; *p && o + 3 < sizeof set; p++) {
        if (*p == '\'')
            set[o++] = '\'';
        set[o++] = *p;
    }
    snprintf(set + o, sizeof set - o, "'");
    char *argv[] = {"gnuplot", "-e", set, (char *)script, NULL};
    if (!image) {
        argv[1] = (char *)script;
        argv[2] = NULL;
    }
    int rc = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
    if (rc == ENOENT)
        return 1;
    if (rc)
        return -1;
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return 1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
