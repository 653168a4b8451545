/* report/figure.h and report/plot.h: the figures computed from results
 * (bars, a curve over two varied keys, a CDF from the histograms' buckets)
 * and their gnuplot script and data; the PNG/SVG only when gnuplot is
 * installed (else a TAP SKIP line says so). */
#define _XOPEN_SOURCE 700
#include "report/figure.h"
#include "report/plot.h"
#include "tap.h"

#include <math.h>
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

/* 2 x 3 variants (kvm.guest_ipi x kvm.halt_poll_ns), 2 runs each: ops_per_s
 * = 100 (v + 1) + run; wake.latency_ns uniform on 10 (v + 1) .. 1000 x 10
 * (v + 1), every value once per run; variant 5 has no samples. */
static void build(rep_results *r, rep_config *cfg)
{
    static char *s[6][2] = {{"kvm.guest_ipi=targeted", "kvm.halt_poll_ns=0"},
                            {"kvm.guest_ipi=targeted", "kvm.halt_poll_ns=10us"},
                            {"kvm.guest_ipi=targeted", "kvm.halt_poll_ns=50us"},
                            {"kvm.guest_ipi=reschedule", "kvm.halt_poll_ns=0"},
                            {"kvm.guest_ipi=reschedule", "kvm.halt_poll_ns=10us"},
                            {"kvm.guest_ipi=reschedule", "kvm.halt_poll_ns=50us"}};
    static char names[6][80];
    scn_variant vv[6];
    rep_stream st[6];
    for (int v = 0; v < 6; v++) {
        snprintf(names[v], sizeof names[v], "%s,%s", s[v][0], s[v][1]);
        vv[v] = (scn_variant){names[v], "--vary", s[v], NULL, 2};
        st[v] = (rep_stream){1, 0};
    }
    scn_variants vs = {vv, 6};
    rep_config_init(cfg);
    rep_header h = {"0.1.0", "smoke", 1, 0, cfg, "v-test"};
    rep_results_local(r, &h, 2, &vs, st);
    for (size_t j = 0; j < 12; j++) {
        size_t v = j / 2;
        rep_metric(&r->runs[j], 100.0 * (double)(v + 1) + (double)(j % 2), "ops_per_s");
        des_hist hist;
        des_hist_init(&hist);
        for (uint64_t x = 1; v != 5 && x <= 1000; x++)
            des_hist_add(&hist, x * 10 * (v + 1));
        rep_metric_hist(&r->runs[j], &hist, "wake.latency_ns");
        des_hist_free(&hist);
        r->have[j] = 1;
    }
}

static void t_figures(void)
{
    rep_results r;
    rep_config cfg;
    build(&r, &cfg);
    rep_compare c;
    rep_results_compare(&r, &c);
    scn_errors e;
    scn_errors_init(&e);
    rep_figure f;
    /* bars: one series, the variants as categories, CI half-widths. */
    TAP_EQ(rep_figure_make(&f, REP_PLOT_BARS, &r, &c, "ops_per_s", NULL, &e), 0);
    TAP_EQ(f.ns, 1);
    TAP_EQ(f.nxtics, 6);
    TAP_NEAR(f.s[0].p[2].y, 300.5, 1e-12);
    TAP_NEAR(f.s[0].p[2].ci, 12.706204736174998 * sqrt(0.5) / sqrt(2), 1e-9);
    TAP_CHECK(f.ymax >= 600.5 + f.s[0].p[5].ci); /* error bars inside the frame */
    TAP_NEAR(f.ymin, 0, 0);
    rep_figure_free(&f);
    /* curve: x = the last numeric key (kvm.halt_poll_ns, in ns), one line
     * per kvm.guest_ipi value. */
    TAP_EQ(rep_figure_make(&f, REP_PLOT_CURVE, &r, &c, "ops_per_s", NULL, &e), 0);
    TAP_EQ(f.ns, 2);
    TAP_STREQ(f.ns ? f.s[0].name : "", "kvm.guest_ipi=targeted");
    TAP_STREQ(f.ns > 1 ? f.s[1].name : "", "kvm.guest_ipi=reschedule");
    TAP_STREQ(f.xlabel, "kvm.halt_poll_ns (ns)");
    TAP_EQ(f.ns ? f.s[0].n : 0, 3);
    if (f.ns == 2) {
        TAP_NEAR(f.s[0].p[1].x, 10000, 0);
        TAP_NEAR(f.s[1].p[2].x, 50000, 0);
        TAP_NEAR(f.s[1].p[2].y, 600.5, 1e-12);
        TAP_CHECK(f.ymax >= 600.5 + f.s[1].p[2].ci && f.ymin <= 100.5 - f.s[0].p[0].ci);
        TAP_CHECK(f.xmin < 0 && f.xmax > 50000);
    }
    TAP_EQ(f.nxtics, 0);
    rep_figure_free(&f);
    /* curve over the enum key: categories. */
    TAP_EQ(rep_figure_make(&f, REP_PLOT_CURVE, &r, &c, "ops_per_s", "kvm.guest_ipi", &e), 0);
    TAP_EQ(f.ns, 3);
    TAP_EQ(f.nxtics, 2);
    TAP_STREQ(f.nxtics ? f.xtics[1] : "", "reschedule");
    TAP_STREQ(f.ns ? f.s[1].name : "", "kvm.halt_poll_ns=10us");
    rep_figure_free(&f);
    /* cdf: the pooled buckets of both runs, from 0 to 1. */
    TAP_EQ(rep_figure_make(&f, REP_PLOT_CDF, &r, &c, NULL, NULL, &e), 0);
    TAP_STREQ(f.metric, "wake.latency_ns");
    TAP_EQ(f.ns, 5); /* variant 5 has no samples: no line, a note */
    TAP_CONTAINS(f.note ? f.note : "", "no samples: kvm.guest_ipi=reschedule,kvm.halt_poll_ns=50us");
    if (f.ns == 5) {
        const rep_hist *h0 = rep_hist_find(&r.runs[0], "wake.latency_ns");
        size_t want = 0; /* (lo, F) where a bucket does not start where the previous ended, (hi, F) always */
        for (size_t i = 0; i < h0->nb; i++)
            want += 1 + (!i || h0->b[i].lo != h0->b[i - 1].hi);
        TAP_EQ(f.s[0].n, want);
        TAP_NEAR(f.s[0].p[0].y, 0, 0);
        TAP_NEAR(f.s[0].p[f.s[0].n - 1].y, 1, 1e-15);
        TAP_NEAR(f.s[0].p[f.s[0].n - 1].x, (double)h0->b[h0->nb - 1].hi, 0);
        /* the median: half the samples are below 10 * 500 + 10 */
        size_t k = 0;
        while (k < f.s[0].n && f.s[0].p[k].y < 0.5)
            k++;
        TAP_CHECK(k < f.s[0].n && f.s[0].p[k].x >= 5000 && f.s[0].p[k].x <= 5010 * 1.008);
        int monotone = 1;
        for (size_t i = 1; i < f.s[0].n; i++)
            monotone &= f.s[0].p[i].x > f.s[0].p[i - 1].x && f.s[0].p[i].y >= f.s[0].p[i - 1].y;
        TAP_CHECK(monotone);
    }
    TAP_EQ(f.xlog, 1);
    rep_figure_free(&f);
    /* errors */
    TAP_EQ(rep_figure_make(&f, REP_PLOT_BARS, &r, &c, "nope", NULL, &e), -7);
    TAP_EQ(rep_figure_make(&f, REP_PLOT_CDF, &r, &c, "ops_per_s", NULL, &e), -7);
    TAP_EQ(rep_figure_make(&f, REP_PLOT_CURVE, &r, &c, "ops_per_s", "kvm.nope", &e), -7);
    TAP_EQ(e.n, 3);
    if (e.n == 3) {
        TAP_CONTAINS(e.msg[0], "no metric 'nope' in the results");
        TAP_CONTAINS(e.msg[1], "no distribution 'ops_per_s'");
        TAP_CONTAINS(e.msg[2], "--x kvm.nope is not a varied key");
    }
    scn_errors_free(&e);
    rep_compare_free(&c);
    rep_results_free(&r);
    rep_config_free(&cfg);
}

static int have_gnuplot(void) { return system("gnuplot --version >/dev/null 2>&1") == 0; }

static void t_scripts(void)
{
    rep_results r;
    rep_config cfg;
    build(&r, &cfg);
    rep_compare c;
    rep_results_compare(&r, &c);
    rep_header h = rep_results_header(&r);
    static const struct {
        rep_plot_kind k;
        const char *metric, *ext, *want_gp, *want_dat;
    } cases[] = {
        {REP_PLOT_BARS, "ops_per_s", "svg", "unset key\n", "0 100.5 6.353102368087499 \"targeted, 0\"\n"},
        {REP_PLOT_CURVE, "ops_per_s", "svg", "index 1 using 1:2:3 with yerrorlines title 'kvm.guest_ipi=reschedule'",
         "# series 1: kvm.guest_ipi=reschedule\n# x y ci\n0 400.5 "},
        {REP_PLOT_CDF, "wake.latency_ns", "png", "set logscale x", "# series 4: reschedule, 10us\n"},
    };
    int gp = have_gnuplot();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[256], script[512], dat[512], other[300];
        snprintf(out, sizeof out, "%s/p%zu.%s", dir, i, cases[i].ext);
        snprintf(other, sizeof other, "%s/.p%zu.tmp", dir, i);
        scn_errors e;
        scn_errors_init(&e);
        TAP_EQ(rep_plot_paths(out, script, dat, sizeof script, &e), 0);
        rep_figure fig;
        TAP_EQ(rep_figure_make(&fig, cases[i].k, &r, &c, cases[i].metric, NULL, &e), 0);
        FILE *df = fopen(dat, "w"), *sf = fopen(script, "w");
        TAP_CHECK(df && sf);
        if (!df || !sf)
            continue;
        rep_plot_write(&fig, &h, out, dat, df, sf);
        rep_figure_free(&fig);
        fclose(df);
        fclose(sf);
        size_t len;
        char *s = slurp(script, &len), *d = slurp(dat, &len);
        TAP_CONTAINS(s, "if (!exists(\"outfile\")) outfile = '");
        TAP_CONTAINS(s, "set output outfile\n");
        TAP_CONTAINS(s, "set yrange [");
        TAP_CONTAINS(s, cases[i].want_gp);
        TAP_CONTAINS(s, i == 2 ? "set terminal pngcairo" : "set terminal svg");
        TAP_CONTAINS(d, "# hvwake 0.1.0, source v-test, scenario smoke: ");
        TAP_CONTAINS(d, cases[i].want_dat);
        if (i == 0) /* short labels: the axis names the keys */
            TAP_CONTAINS(s, "set xlabel 'kvm.guest_ipi, kvm.halt_poll_ns'\n");
        if (i == 2)
            TAP_CONTAINS(s, "set key title 'kvm.guest_ipi, kvm.halt_poll_ns'\n");
        if (i == 1)
            TAP_CONTAINS(s, "set xlabel 'kvm.halt_poll_ns (ns)'\n");
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
    scn_errors e;
    scn_errors_init(&e);
    char script[512], dat[512], out[256];
    snprintf(out, sizeof out, "%s/x.pdf", dir);
    TAP_EQ(rep_plot_paths(out, script, dat, sizeof script, &e), -7);
    TAP_CONTAINS(e.n ? e.msg[0] : "", "x.pdf: unknown output type; expected a file name ending in .svg or .png");
    scn_errors_free(&e);
    TAP_EQ(rep_plot_kind_parse("cdf"), REP_PLOT_CDF);
    TAP_EQ(rep_plot_kind_parse("pie"), -1);
    rep_compare_free(&c);
    rep_results_free(&r);
    rep_config_free(&cfg);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hv_rep_plot_XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    TAP_RUN(t_figures);
    TAP_RUN(t_scripts);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd))
        printf("# could not remove %s\n", dir);
    return tap_done();
}
