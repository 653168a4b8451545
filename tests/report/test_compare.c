/* report/compare.h on known inputs. Expected values from an independent
 * computation (regularised incomplete beta + bisection, see the commit). */
#define _XOPEN_SOURCE 700
#include "report/compare.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>

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
    rep_variant_runs v[] = {{"base", 3, r0}, {"kvm.h_ipi_redirect=0", 3, r1}};
    rep_compare c;
    rep_compare_build(&c, 2, v);
    TAP_EQ(c.nm, 3);
    TAP_STREQ(c.metric[2], "only.in.v1");
    TAP_NEAR(c.st[0 * 2 + 0].mean, 101, 1e-12);
    TAP_NEAR(c.st[0 * 2 + 1].mean, 202, 1e-12);
    TAP_NEAR(c.df[0 * 2 + 1].diff, 101, 1e-12);
    TAP_NEAR(c.df[0 * 2 + 1].ratio, 2, 1e-12);
    TAP_EQ(c.df[0 * 2 + 1].significant, 1);
    TAP_EQ(c.st[1 * 2 + 1].n, 2);
    TAP_EQ(c.st[2 * 2 + 0].n, 0);
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    rep_header h = {"0.1.0", "default", 1, 0, NULL, "v-test"};
    rep_compare_write_text(f, &h, &c);
    fclose(f);
    TAP_CONTAINS(p, "metric               unit      ");
    TAP_CONTAINS(p, "101 ± 2.484");
    TAP_CONTAINS(p, "[+101 ± ");
    TAP_CONTAINS(p, "x2.000 *]");
    free(p);
    f = open_memstream(&p, &n);
    rep_compare_write_csv(f, &h, &c);
    fclose(f);
    TAP_CONTAINS(p, "metric,unit,base.n,base.mean,base.ci,kvm.h_ipi_redirect=0.n,kvm.h_ipi_redirect=0.mean,");
    TAP_CONTAINS(p, "\nops_per_s,1/s,3,101,2.4841377117500634,3,202,");
    TAP_CONTAINS(p, "\nonly.in.v1,count,0,,,3,1,0,,,\n");
    free(p);
    f = open_memstream(&p, &n);
    rep_compare_write_json(f, &h, &c);
    fclose(f);
    TAP_CONTAINS(p, "\"variants\": [\"base\", \"kvm.h_ipi_redirect=0\"]");
    TAP_CONTAINS(p, "\"ops_per_s\": [{\"n\": 3, \"mean\": 101, \"sd\": 1, ");
    TAP_CONTAINS(p, "\"ratio\": 2, \"significant\": true}");
    free(p);
    rep_compare_free(&c);
    for (int i = 0; i < 3; i++) {
        rep_metrics_free(&r0[i]);
        rep_metrics_free(&r1[i]);
    }
}

int main(void)
{
    TAP_RUN(t_t975);
    TAP_RUN(t_stat);
    TAP_RUN(t_diff);
    TAP_RUN(t_table);
    return tap_done();
}
