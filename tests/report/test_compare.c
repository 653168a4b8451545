/* report/compare.h on known inputs. Expected values from an independent
 * computation (regularised incomplete beta + bisection, see the commit);
 * the paired and Welch intervals of t_design worked by hand (comments). */
#define _XOPEN_SOURCE 700
#include "report/compare.h"
#include "report/results.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>

/* The text table of c (seed in its header), for the caller to free. */
static char *compare_text(const rep_compare *c, uint64_t seed)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    rep_header h = {"0.1.0", "default", seed, 0, NULL, "v-test"};
    rep_compare_write_text(f, &h, c);
    fclose(f);
    return p;
}

static void t_t975(void)
{
    TAP_NEAR(rep_t975(1), 12.706204736175, 1e-12);
    TAP_NEAR(rep_t975(2), 4.302652729749, 1e-12);
    TAP_NEAR(rep_t975(6), 2.446911851145, 1e-12);
    TAP_NEAR(rep_t975(30), 2.042272456301, 1e-12);
    /* Beyond the table: the expansion. */
    TAP_NEAR(rep_t975(31), 2.039513446396, 1e-6);
    TAP_NEAR(rep_t975(35), 2.030107928250, 1e-6);
    TAP_NEAR(rep_t975(40), 2.021075390306, 1e-6);
    TAP_NEAR(rep_t975(60), 2.000297822014, 1e-7);
    TAP_NEAR(rep_t975(120), 1.979930405082, 1e-8);
    TAP_NEAR(rep_t975(1000), 1.962339080826, 1e-9);
    TAP_NEAR(rep_t975(INFINITY), 1.959963984540, 1e-12);
    /* Between rows: interpolated. */
    TAP_NEAR(rep_t975(12.5), 2.169185942713, 1e-4);
    TAP_NEAR(rep_t975(0.3), 12.706204736175, 1e-12);
    /* Monotone decreasing. */
    for (double df = 1; df < 200; df += 0.25)
        TAP_CHECK(rep_t975(df + 0.25) < rep_t975(df));
}

static void t_stat(void)
{
    double x[] = {1, 2, 3, 4, 5};
    rep_stat s = rep_stat_of(x, 5);
    TAP_EQ(s.n, 5);
    TAP_NEAR(s.mean, 3, 0);
    TAP_NEAR(s.sd, sqrt(2.5), 1e-15);
    TAP_NEAR(s.ci, 1.9632431614775552, 1e-11);
    rep_stat one = rep_stat_of(x, 1);
    TAP_NEAR(one.mean, 1, 0);
    TAP_NEAR(one.ci, 0, 0);
    rep_stat none = rep_stat_of(x, 0);
    TAP_CHECK(isnan(none.mean));
    double c[] = {7, 7, 7};
    rep_stat k = rep_stat_of(c, 3);
    TAP_NEAR(k.sd, 0, 0);
    TAP_NEAR(k.ci, 0, 0);
}

static void t_diff(void)
{
    double a[] = {1, 2, 3, 4, 5}, b[] = {2, 4, 6, 8, 10};
    rep_diff d = rep_diff_of(rep_stat_of(a, 5), rep_stat_of(b, 5));
    TAP_NEAR(d.diff, 3, 1e-15);
    TAP_NEAR(d.ratio, 2, 1e-15);
    TAP_NEAR(d.df, 5.882352941176471, 1e-12);
    TAP_NEAR(d.ci, 3.8877416437369714, 1e-3);
    TAP_EQ(d.significant, 0); /* 3 < 3.89 */
    double c[] = {10, 11, 10, 11, 10};
    rep_diff e = rep_diff_of(rep_stat_of(a, 5), rep_stat_of(c, 5));
    TAP_EQ(e.significant, 1);
    /* One run: no interval. */
    rep_diff f = rep_diff_of(rep_stat_of(a, 1), rep_stat_of(b, 1));
    TAP_NEAR(f.diff, 1, 0);
    TAP_CHECK(isnan(f.ci));
    TAP_EQ(f.significant, 0);
    /* Zero baseline: ratio undefined. */
    double z[] = {0, 0};
    rep_diff g = rep_diff_of(rep_stat_of(z, 2), rep_stat_of(a, 2));
    TAP_CHECK(isnan(g.ratio));
}

static void t_table(void)
{
    rep_metrics r0[3], r1[3];
    for (int i = 0; i < 3; i++) {
        rep_metrics_init(&r0[i]);
        rep_metrics_init(&r1[i]);
        rep_metric(&r0[i], 100 + i, "ops_per_s");
        rep_metric(&r0[i], 10, "wake.latency_ns.p99");
        rep_metric(&r1[i], 200 + 2 * i, "ops_per_s");
        if (i < 2)
            rep_metric(&r1[i], 5, "wake.latency_ns.p99");
        rep_metric(&r1[i], 1, "only.in.v1");
    }
    rep_variant_runs v[] = {{"base", 3, r0, {1, 0}}, {"kvm.h_ipi_redirect=0", 3, r1, {2, 0}}};
    rep_compare c;
    rep_compare_build(&c, 2, v);
    TAP_EQ(c.nm, 3);
    TAP_STREQ(c.metric[2], "only.in.v1");
    TAP_NEAR(c.st[0 * 2 + 0].mean, 101, 1e-12);
    TAP_NEAR(c.st[0 * 2 + 1].mean, 202, 1e-12);
    TAP_NEAR(c.df[0 * 2 + 1].diff, 101, 1e-12);
    TAP_NEAR(c.df[0 * 2 + 1].ratio, 2, 1e-12);
    TAP_EQ(c.df[0 * 2 + 1].significant, 1);
    TAP_EQ(c.df[0 * 2 + 1].test, REP_TEST_WELCH); /* another seed: independent */
    TAP_EQ(rep_compare_test(&c, 1), REP_TEST_WELCH);
    TAP_EQ(c.st[1 * 2 + 1].n, 2);
    TAP_EQ(c.st[2 * 2 + 0].n, 0);
    char *p = compare_text(&c, 1);
    TAP_CONTAINS(p, "metric               unit      ");
    TAP_CONTAINS(p, "101 ± 2.484");
    TAP_CONTAINS(p, "[+101 ± ");
    TAP_CONTAINS(p, "x2.000 *]");
    TAP_CONTAINS(p, "# kvm.h_ipi_redirect=0: Welch t (independent runs: another seed or other runs)\n");
    free(p);
    rep_compare_free(&c);
    for (int i = 0; i < 3; i++) {
        rep_metrics_free(&r0[i]);
        rep_metrics_free(&r1[i]);
    }
}

/* The same data under both designs. Base b = 10 12 14 16 18, variant
 * v = 11 14 15 19 20 (runs 0..4). Paired: d = 1 2 1 3 2, mean 1.8,
 * sd sqrt(0.7), ci t(4) sqrt(0.7/5) = 1.0388506 -> significant. Welch:
 * sd(b) = sqrt(10), sd(v) = sqrt(13.7), se^2 = 4.74, df = 4.74^2 / (2^2/4 +
 * 2.74^2/4) = 7.8100, ci = t(7.81) sqrt(4.74) ~ 5.03 -> not significant
 * (the run-to-run spread hides what the common streams reveal). */
static void t_design(void)
{
    double b[] = {10, 12, 14, 16, 18}, v[] = {11, 14, 15, 19, 20};
    rep_stat sb = rep_stat_of(b, 5), sv = rep_stat_of(v, 5);
    rep_diff p = rep_diff_paired(b, v, 5, sb, sv);
    TAP_EQ(p.test, REP_TEST_PAIRED);
    TAP_EQ(p.n, 5);
    TAP_NEAR(p.diff, 1.8, 1e-12);
    TAP_NEAR(p.ci, 1.038850633683645, 1e-12);
    TAP_NEAR(p.df, 4, 0);
    TAP_EQ(p.significant, 1);
    TAP_NEAR(p.ratio, 15.8 / 14, 1e-12);
    rep_diff w = rep_diff_of(sb, sv);
    TAP_EQ(w.test, REP_TEST_WELCH);
    TAP_NEAR(w.diff, 1.8, 1e-12);
    TAP_NEAR(w.df, 4.74 * 4.74 / (1 + 2.74 * 2.74 / 4), 1e-9);
    TAP_NEAR(w.ci, rep_t975(w.df) * sqrt(4.74), 1e-12);
    TAP_CHECK(w.ci > 5.0 && w.ci < 5.1);
    TAP_EQ(w.significant, 0);
    /* An undefined value (a distribution with no samples in that run)
     * drops its pair: d = 1 2 3 2, mean 2, sd sqrt(2/3), ci t(3) sd / 2. */
    double bn[] = {10, 12, NAN, 16, 18};
    rep_diff q = rep_diff_paired(bn, v, 5, rep_stat_of(bn, 5), sv);
    TAP_EQ(q.n, 4);
    TAP_NEAR(q.diff, 2, 1e-12);
    TAP_NEAR(q.ci, 1.2992282636252301, 1e-9);
    TAP_EQ(rep_stat_of(bn, 5).n, 4);
    /* One pair: no interval, nothing significant. */
    rep_diff one = rep_diff_paired(b, v, 1, rep_stat_of(b, 1), rep_stat_of(v, 1));
    TAP_EQ(one.test, REP_TEST_NONE);
    TAP_CHECK(isnan(one.ci));
    TAP_EQ(one.significant, 0);
    /* Through rep_compare_build: the stream decides the test. */
    rep_metrics rb[5], rv[5], rw[5];
    for (int i = 0; i < 5; i++) {
        rep_metrics_init(&rb[i]);
        rep_metrics_init(&rv[i]);
        rep_metrics_init(&rw[i]);
        rep_metric(&rb[i], b[i], "x");
        rep_metric(&rv[i], v[i], "x");
        rep_metric(&rw[i], v[i], "x");
    }
    rep_variant_runs vr[] = {{"base", 5, rb, {7, 0}}, {"same", 5, rv, {7, 0}}, {"other-seed", 5, rw, {8, 0}}};
    rep_compare c;
    rep_compare_build(&c, 3, vr);
    TAP_EQ(c.test[0], REP_TEST_NONE);
    TAP_EQ(c.test[1], REP_TEST_PAIRED);
    TAP_EQ(c.test[2], REP_TEST_WELCH);
    TAP_NEAR(c.df[1].ci, 1.038850633683645, 1e-12);
    TAP_EQ(c.df[1].significant, 1);
    TAP_NEAR(c.df[2].ci, w.ci, 1e-12);
    TAP_EQ(c.df[2].significant, 0);
    /* Other run numbers of the same seed are independent too. */
    vr[1].stream.run0 = 5;
    rep_compare c2;
    rep_compare_build(&c2, 2, vr);
    TAP_EQ(c2.test[1], REP_TEST_WELCH);
    char *txt = compare_text(&c, 7);
    TAP_CONTAINS(txt, "# same: paired t on the per-run differences (the same seed and runs as the first variant: "
                      "common random numbers)\n# other-seed: Welch t");
    TAP_CONTAINS(txt, "[+1.800 ± 1.039 x1.129 *]");
    free(txt);
    rep_compare_free(&c);
    rep_compare_free(&c2);
    for (int i = 0; i < 5; i++) {
        rep_metrics_free(&rb[i]);
        rep_metrics_free(&rv[i]);
        rep_metrics_free(&rw[i]);
    }
}

int main(void)
{
    TAP_RUN(t_t975);
    TAP_RUN(t_stat);
    TAP_RUN(t_diff);
    TAP_RUN(t_table);
    TAP_RUN(t_design);
    return tap_done();
}
