/* report/plot.h: the script and data are always checked; the PNG/SVG only
 * when gnuplot is installed (else a TAP SKIP line says so). */
#define _XOPEN_SOURCE 700
#include "report/plot.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = calloc(1, 1 << 20);
    *len = fread(b, 1, (1 << 20) - 1, f);
    fclose(f);
    return b;
}

static void build(rep_compare *c, rep_metrics r[3][2])
{
    for (int v = 0; v < 3; v++)
        for (int k = 0; k < 2; k++) {
            rep_metrics_init(&r[v][k]);
            rep_metric(&r[v][k], 100.0 * (v + 1) + k, "ops_per_s");
            des_hist h;
            des_hist_init(&h);
            for (uint64_t x = 1; x <= 1000; x++)
                des_hist_add(&h, x * (uint64_t)(v + 1) * 10);
            rep_metric_hist(&r[v][k], &h, "wake.latency_ns");
            des_hist_free(&h);
        }
    rep_variant_runs vr[] = {{"kvm.halt_poll_ns=0", 2, r[0], {1, 0}}, {"kvm.halt_poll_ns=10000", 2, r[1], {1, 0}},
                             {"kvm.halt_poll_ns=50000", 2, r[2], {1, 0}}};
    rep_compare_build(c, 3, vr);
}

static int have_gnuplot(void) { return system("gnuplot --version >/dev/null 2>&1") == 0; }

static void t_scripts(void)
{
    rep_metrics r[3][2];
    rep_compare c;
    build(&c, r);
    static const struct {
        rep_plot_kind k;
        const char *metric, *ext, *want_gp, *want_dat;
    } cases[] = {
        {REP_PLOT_BARS, "ops_per_s", "svg", "with boxes", "0 0 100.5 "},
        {REP_PLOT_CURVE, NULL, "svg", "using 2:3:4 with yerrorlines", "2 50000 300.5 "},
        {REP_PLOT_CDF, "wake.latency_ns", "png", "set logscale x", "# variant 2: kvm.halt_poll_ns=50000"},
        {REP_PLOT_CDF, NULL, "svg", "index 2 using 1:2 with linespoints title 'kvm.halt_poll_ns=50000'", " 0.999\n"},
    };
    int gp = have_gnuplot();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[256], script[512], dat[512], other[300];
        snprintf(out, sizeof out, "%s/p%zu.%s", dir, i, cases[i].ext);
        snprintf(other, sizeof other, "%s/.p%zu.tmp", dir, i);
        scn_errors e;
        scn_errors_init(&e);
        TAP_EQ(rep_plot_paths(out, script, dat, sizeof script, &e), 0);
        FILE *df = fopen(dat, "w"), *sf = fopen(script, "w");
        TAP_CHECK(df && sf);
        if (!df || !sf)
            continue;
        int rc = rep_plot_write(&c, cases[i].k, cases[i].metric, out, dat, df, sf, &e);
        fclose(df);
        fclose(sf);
        TAP_EQ(rc, 0);
        size_t len;
        char *s = slurp(script, &len), *d = slurp(dat, &len);
        TAP_CONTAINS(s, "if (!exists(\"outfile\")) outfile = '");
        TAP_CONTAINS(s, "set output outfile\n");
        TAP_CONTAINS(s, cases[i].want_gp);
        TAP_CONTAINS(s, i == 2 ? "set terminal pngcairo" : "set terminal svg");
        TAP_CONTAINS(d, cases[i].want_dat);
        free(s);
        free(d);
        scn_errors_free(&e);
        if (!gp)
            continue;
        /* Into another file (hvwake's temporary), then as the user would. */
        TAP_EQ(rep_plot_render(script, other), 0);
        TAP_CHECK(access(out, F_OK) != 0);
        TAP_EQ(rep_plot_render(script, NULL), 0);
        for (int k = 0; k < 2; k++) {
            char *img = slurp(k ? out : other, &len);
            TAP_CHECK(img != NULL);
            if (img && i == 2)
                TAP_CHECK(len > 8 && !memcmp(img, "\x89PNG\r\n\x1a\n", 8));
            if (img && i != 2)
                TAP_CONTAINS(img, "<svg");
            free(img);
        }
    }
    if (!gp)
        printf("ok - render # SKIP gnuplot is not installed: scripts checked, images not rendered\n");
    /* Errors. */
    scn_errors e;
    scn_errors_init(&e);
    char script[512], dat[512], out[256];
    snprintf(out, sizeof out, "%s/x.pdf", dir);
    TAP_EQ(rep_plot_paths(out, script, dat, sizeof script, &e), -7);
    snprintf(out, sizeof out, "%s/x.svg", dir);
    FILE *null = fopen("/dev/null", "w");
    TAP_EQ(rep_plot_write(&c, REP_PLOT_BARS, "nope", out, dat, null, null, &e), -7);
    TAP_EQ(rep_plot_write(&c, REP_PLOT_CDF, "ops_per_s", out, dat, null, null, &e), -7);
    fclose(null);
    TAP_EQ(e.n, 3);
    TAP_CONTAINS(e.msg[0], "x.pdf: unknown output type; expected a file name ending in .svg or .png");
    TAP_CONTAINS(e.msg[1], "no metric 'nope' in the results");
    TAP_CONTAINS(e.msg[2], "no distribution 'ops_per_s'");
    scn_errors_free(&e);
    TAP_EQ(rep_plot_kind_parse("cdf"), REP_PLOT_CDF);
    TAP_EQ(rep_plot_kind_parse("pie"), -1);
    rep_compare_free(&c);
    for (int v = 0; v < 3; v++)
        for (int k = 0; k < 2; k++)
            rep_metrics_free(&r[v][k]);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hv_rep_plot_XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    TAP_RUN(t_scripts);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd))
        printf("# could not remove %s\n", dir);
    return tap_done();
}
