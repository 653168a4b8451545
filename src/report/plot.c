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

int rep_plot_kind_parse(const char *s)
{
    if (!strcmp(s, "bars"))
        return REP_PLOT_BARS;
    if (!strcmp(s, "curve"))
        return REP_PLOT_CURVE;
    if (!strcmp(s, "cdf"))
        return REP_PLOT_CDF;
    return -1;
}

static long find_metric(const rep_compare *c, const char *name)
{
    for (size_t m = 0; m < c->nm; m++)
        if (!strcmp(c->metric[m], name))
            return (long)m;
    return -1;
}

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

/* x of a variant for curves: the number after the last '='. */
static int variant_x(const char *name, double *x)
{
    const char *eq = strrchr(name, '=');
    if (!eq)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(eq + 1, &end);
    if (end == eq + 1 || errno || (*end && *end != ','))
        return -1;
    *x = v;
    return 0;
}

static const char *const qsfx[] = {"min", "p50", "p90", "p99", "p999", "max"};
static const double qval[] = {0, 0.5, 0.9, 0.99, 0.999, 1};

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

int rep_plot_write(const rep_compare *c, rep_plot_kind kind, const char *metric, const char *out,
                   const char *dat_path, FILE *d, FILE *f, scn_errors *e)
{
    size_t ol = strlen(out);
    int png = ol > 4 && !strcmp(out + ol - 4, ".png");
    char pick[512] = "";
    if (kind == REP_PLOT_CDF) {
        if (metric)
            snprintf(pick, sizeof pick, "%s", metric);
        else
            for (size_t m = 0; m < c->nm && !pick[0]; m++) {
                size_t l = strlen(c->metric[m]);
                if (l > 5 && !strcmp(c->metric[m] + l - 5, ".p999"))
                    snprintf(pick, sizeof pick, "%.*s", (int)(l - 5), c->metric[m]);
            }
        char probe[600];
        snprintf(probe, sizeof probe, "%s.p50", pick);
        if (!pick[0] || find_metric(c, probe) < 0) {
            scn_error(e, "plot", 0, "no distribution '%s' in the results; expected a prefix P with P.p50, P.p99 ... (e.g. wake.latency_ns)",
                      pick);
            return HV_EPARSE;
        }
    } else {
        if (metric)
            snprintf(pick, sizeof pick, "%s", metric);
        else if (c->nm)
            snprintf(pick, sizeof pick, "%s", c->metric[0]);
        if (!pick[0] || find_metric(c, pick) < 0) {
            scn_error(e, "plot", 0, "no metric '%s' in the results; expected one of the metric names of the results", pick);
            return HV_EPARSE;
        }
    }
    const char *unit = rep_metric_unit(kind == REP_PLOT_CDF ? qsfx[1] : pick);
    if (kind == REP_PLOT_CDF) {
        char probe[600];
        snprintf(probe, sizeof probe, "%s.p50", pick);
        unit = rep_metric_unit(probe);
    }
    long m = kind == REP_PLOT_CDF ? -1 : find_metric(c, pick);
    int numeric_x = 1;
    for (size_t v = 0; v < c->nv; v++) {
        double x;
        numeric_x &= variant_x(c->vname[v], &x) == 0;
    }
    fprintf(d, "# hvwake plot data: %s\n", pick);
    if (kind == REP_PLOT_BARS || kind == REP_PLOT_CURVE) {
        fprintf(d, "# index x mean ci variant\n");
        for (size_t v = 0; v < c->nv; v++) {
            const rep_stat *s = &c->st[(size_t)m * c->nv + v];
            double x = (double)v;
            if (kind == REP_PLOT_CURVE && numeric_x)
                variant_x(c->vname[v], &x);
            fprintf(d, "%zu ", v);
            dnum(d, x);
            fputc(' ', d);
            dnum(d, s->mean);
            fputc(' ', d);
            dnum(d, isnan(s->ci) ? 0 : s->ci);
            fputc(' ', d);
            fputc('"', d);
            for (const char *p = c->vname[v]; *p; p++)
                fputc(*p == '"' ? '\'' : *p, d);
            fputs("\"\n", d);
        }
    } else {
        for (size_t v = 0; v < c->nv; v++) {
            fprintf(d, "%s# variant %zu: %s\n# value quantile\n", v ? "\n\n" : "", v, c->vname[v]);
            for (size_t q = 0; q < 6; q++) {
                char name[600];
                snprintf(name, sizeof name, "%s.%s", pick, qsfx[q]);
                long k = find_metric(c, name);
                if (k < 0)
                    continue;
                dnum(d, c->st[(size_t)k * c->nv + v].mean);
                fputc(' ', d);
                dnum(d, qval[q]);
                fputc('\n', d);
            }
        }
    }
    fprintf(f, "# hvwake plot (%s): render with  gnuplot %.*s.gp\n",
            kind == REP_PLOT_BARS ? "bars" : kind == REP_PLOT_CURVE ? "curve" : "cdf", (int)(ol - 4), out);
    if (png)
        fputs("set terminal pngcairo size 900,560 noenhanced\n", f);
    else
        fputs("set terminal svg size 900,560 dynamic noenhanced\n", f);
    /* hvwake renders into a temporary file (gnuplot -e "outfile='...'")
     * and renames it: the image is whole or absent. */
    fputs("if (!exists(\"outfile\")) outfile = ", f);
    gp_str(f, out);
    fputs("\nset output outfile\nset datafile commentschars '#'\nset key outside right top\nset grid\n", f);
    fputs("set title ", f);
    gp_str(f, pick);
    fputc('\n', f);
    char ylab[700];
    snprintf(ylab, sizeof ylab, "%s (%s)", pick, unit);
    if (kind == REP_PLOT_BARS) {
        fputs("set ylabel ", f);
        gp_str(f, ylab);
        fputs("\nset style fill solid 0.6 border -1\nset boxwidth 0.6\nset xtics rotate by -30\n"
              "set yrange [0:*]\nset offsets 0.5, 0.5, 0, 0\nplot ",
              f);
        gp_str(f, dat_path);
        fputs(" using 1:3:xtic(5) with boxes notitle, \\\n     ", f);
        gp_str(f, dat_path);
        fputs(" using 1:3:4 with yerrorbars lc rgb 'black' pt 0 notitle\n", f);
    } else if (kind == REP_PLOT_CURVE) {
        fputs("set ylabel ", f);
        gp_str(f, ylab);
        fputs("\nset xlabel ", f);
        gp_str(f, numeric_x ? "varied value" : "variant");
        fputs("\nplot ", f);
        gp_str(f, dat_path);
        fputs(" using 2:3:4 with yerrorlines notitle\n", f);
    } else {
        fputs("set xlabel ", f);
        gp_str(f, ylab);
        fputs("\nset ylabel 'quantile'\nset logscale x\nset yrange [0:1]\nplot ", f);
        for (size_t v = 0; v < c->nv; v++) {
            fputs(v ? ", \\\n     " : "", f);
            gp_str(f, dat_path);
            fprintf(f, " index %zu using 1:2 with linespoints title ", v);
            gp_str(f, c->vname[v]);
        }
        fputc('\n', f);
    }
    return 0;
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
