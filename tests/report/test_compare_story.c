/* report/compare_story.c: the paragraph under a compare states each step's
 * change with its interval, significant exactly when the interval excludes
 * 0 (Welch for variants on different random streams, paired t for
 * variants on the same ones, named in the paragraph), and the summary
 * names only the significant changes. */
#define _XOPEN_SOURCE 700
#include "report/compare_story.h"
#include "tap.h"

#include <stdlib.h>

static void story(void)
{
    /* three variants, three runs each: ops_per_s rises 100 -> 100 -> 200
     * (noise +-1), latency_ns falls 50 -> 40 -> 40 */
    rep_metrics r[3][3];
    static const double ops[3] = {100, 100, 200}, lat[3] = {50, 40, 40};
    rep_variant_runs v[3];
    static const char *names[3] = {"base", "m2", "m2+m1"};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 3; i++) {
            rep_metrics_init(&r[k][i]);
            rep_metric(&r[k][i], ops[k] + i - 1, "x.ops_per_s");
            rep_metric(&r[k][i], lat[k] + (i - 1) * 0.5, "x.latency_ns");
            if (k == 2) /* a metric the others have no samples of */
                rep_metric(&r[k][i], 7 + i, "x.late_ns");
        }
        /* independent runs: each variant on its own runs of seed 1 */
        v[k] = (rep_variant_runs){names[k], 3, r[k], {1, 3 * (uint64_t)k}};
    }
    rep_compare c;
    rep_compare_build(&c, 3, v);
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    TAP_EQ(rep_compare_write_story(f, &c), 0);
    fclose(f);
    printf("%s", p);
    TAP_CONTAINS(p, "3 replications per variant, 95% Welch intervals of each difference;");
    TAP_CONTAINS(p, "  m2 against base: x.ops_per_s +0.0% (+0 ± 2.27 1/s, not significant); "
                    "x.latency_ns -20.0% (-10 ± 1.13 ns, significant).");
    TAP_CONTAINS(p, "  m2+m1 against m2: x.ops_per_s +100.0% (+100 ± 2.27 1/s, significant)");
    TAP_CONTAINS(p, "  m2+m1 against base: x.ops_per_s +100.0% (+100 ± 2.27 1/s, significant); "
                    "x.latency_ns -20.0% (-10 ± 1.13 ns, significant); x.late_ns (undefined in base: no samples "
                    "there).");
    TAP_CONTAINS(p, "  m2+m1 against m2: x.ops_per_s +100.0% (+100 ± 2.27 1/s, significant); x.latency_ns +0.0% "
                    "(+0 ± 1.13 ns, not significant); x.late_ns (undefined in m2: no samples there).\n");
    TAP_CONTAINS(p, "  m2 over base: x.latency_ns down 20.0%.\n");
    TAP_CONTAINS(p, "  m2+m1 over m2: x.ops_per_s up 100.0%.\n");
    free(p);
    rep_compare_free(&c);
    /* the same runs of the same seed (as compare runs variants): run k of
     * each saw the same draws, the noise cancels in the paired differences */
    for (int k = 0; k < 3; k++)
        v[k].stream = (rep_stream){1, 0};
    rep_compare_build(&c, 3, v);
    f = open_memstream(&p, &n);
    TAP_EQ(rep_compare_write_story(f, &c), 0);
    fclose(f);
    printf("%s", p);
    TAP_CONTAINS(p, "3 replications per variant, 95% paired-t intervals of each difference (the variants ran on "
                    "the same random streams);");
    TAP_CONTAINS(p, "  m2 against base: x.ops_per_s +0.0% (+0 ± 0 1/s, not significant); "
                    "x.latency_ns -20.0% (-10 ± 0 ns, significant).");
    TAP_CONTAINS(p, "  m2+m1 against base: x.ops_per_s +100.0% (+100 ± 0 1/s, significant)");
    free(p);
    rep_compare_free(&c);
    /* one pair on another seed: both tests, named */
    v[2].stream = (rep_stream){2, 0};
    rep_compare_build(&c, 3, v);
    f = open_memstream(&p, &n);
    TAP_EQ(rep_compare_write_story(f, &c), 0);
    fclose(f);
    TAP_CONTAINS(p, "95% intervals of each difference (paired t where two variants ran on the same random "
                    "streams, else Welch)");
    TAP_CONTAINS(p, "  m2+m1 against m2: x.ops_per_s +100.0% (+100 ± 2.27 1/s, significant)");
    free(p);
    rep_compare_free(&c);
    /* one replication: no interval, said so */
    rep_variant_runs one[2] = {{"a", 1, r[0], {1, 0}}, {"b", 1, r[2], {1, 0}}};
    rep_compare_build(&c, 2, one);
    f = open_memstream(&p, &n);
    rep_compare_write_story(f, &c);
    fclose(f);
    TAP_CONTAINS(p, "no interval from fewer than 2 runs");
    TAP_CONTAINS(p, "  b over a: no significant change in these metrics.\n");
    free(p);
    rep_compare_free(&c);
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 3; i++)
            rep_metrics_free(&r[k][i]);
}

int main(void)
{
    TAP_RUN(story);
    return tap_done();
}
