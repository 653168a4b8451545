/* report/results.h: shard files round-trip exactly; merge checks
 * completeness, duplicates and consistency. */
#define _XOPEN_SOURCE 700
#include "report/results.h"
#include "scn/variants.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static const char *vnames[] = {"base", "kvm.h_ipi_redirect=0"};
enum { NV = 2, R = 3 };

static double value(size_t v, size_t r, int k) { return (double)(v + 1) * 1000 + (double)r / 3 + k * 0.1; }

/* Write an N-shard experiment into dir/sub; skip job `skip` (or -1); write
 * job `dup` into two shards (or -1). */
static void write_shards(const char *sub, unsigned n, long skip, long dup, const char *scenario)
{
    char d[256];
    snprintf(d, sizeof d, "%s/%s", dir, sub);
    mkdir(d, 0700);
    rep_config c;
    rep_config_init(&c);
    rep_config_add(&c, "sim.seed", "1", "1", "default");
    rep_config_add(&c, "sim.label", "a (b)", NULL, "x.ini:2");
    rep_header h = {"0.1.0", scenario, 1, 0, &c};
    for (unsigned i = 1; i <= n; i++) {
        char name[64], path[400];
        rep_results_file_name(name, sizeof name, i, n);
        snprintf(path, sizeof path, "%s/%s", d, name);
        FILE *f = fopen(path, "w");
        TAP_CHECK(f != NULL);
        if (!f)
            continue;
        rep_results_write_header(f, &h, R, i, n, NV, vnames);
        for (size_t j = 0; j < NV * R; j++) {
            int mine = scn_shard_owns((scn_shard){i, n}, j) || ((long)j == dup && i == n && !scn_shard_owns((scn_shard){n, n}, j));
            if (!mine || (long)j == skip)
                continue;
            rep_metrics m;
            rep_metrics_init(&m);
            rep_metric(&m, value(j / R, j % R, 0), "ops_per_s");
            rep_metric(&m, value(j / R, j % R, 1), "wake.latency_ns.p99");
            if (j == 0)
                rep_metric(&m, NAN, "undefined");
            rep_results_write_run(f, j / R, j % R, &m);
            rep_metrics_free(&m);
        }
        fclose(f);
    }
    rep_config_free(&c);
}

static void t_roundtrip(void)
{
    write_shards("ok", 4, -1, -1, "default");
    char d[256];
    snprintf(d, sizeof d, "%s/ok", dir);
    rep_results r;
    scn_errors e;
    scn_errors_init(&e);
    rep_results_init(&r);
    TAP_EQ(rep_results_read_path(&r, d, &e), 0);
    TAP_EQ(rep_results_complete(&r, &e), 0);
    if (e.n)
        scn_errors_print(&e, stdout, "#   ");
    TAP_EQ(r.nfiles, 4);
    TAP_EQ(r.nv, NV);
    TAP_EQ(r.replications, R);
    TAP_STREQ(r.vname[1], "kvm.h_ipi_redirect=0");
    TAP_STREQ(r.scenario, "default");
    TAP_EQ(r.config.n, 2);
    if (r.config.n == 2) {
        TAP_STREQ(r.config.v[1].text, "a (b)");
        TAP_STREQ(r.config.v[1].origin, "x.ini:2");
    }
    /* Values exactly as written. */
    int exact = 1;
    for (size_t j = 0; j < NV * R; j++) {
        const rep_metrics *m = &r.runs[j];
        exact &= m->n >= 2 && m->rows[rep_metric_find(m, "ops_per_s")].value == value(j / R, j % R, 0) &&
                 m->rows[rep_metric_find(m, "wake.latency_ns.p99")].value == value(j / R, j % R, 1);
    }
    TAP_CHECK(exact);
    TAP_CHECK(isnan(r.runs[0].rows[rep_metric_find(&r.runs[0], "undefined")].value));
    rep_compare c;
    rep_results_compare(&r, &c);
    TAP_NEAR(c.st[0].mean, 1000 + 1.0 / 3, 1e-9);
    TAP_NEAR(c.df[1].diff, 1000, 1e-9);
    /* Merging one file after another gives the same as the directory. */
    rep_results r2;
    rep_results_init(&r2);
    for (unsigned i = 4; i >= 1; i--) {
        char name[64], path[400];
        rep_results_file_name(name, sizeof name, i, 4);
        snprintf(path, sizeof path, "%s/%s", d, name);
        TAP_EQ(rep_results_read(&r2, path, &e), 0);
    }
    TAP_EQ(rep_results_complete(&r2, &e), 0);
    rep_compare c2;
    rep_results_compare(&r2, &c2);
    TAP_EQ(c2.nm, c.nm);
    TAP_CHECK(c2.st[0].mean == c.st[0].mean && c2.df[1].ci == c.df[1].ci);
    rep_compare_free(&c);
    rep_compare_free(&c2);
    rep_results_free(&r);
    rep_results_free(&r2);
    scn_errors_free(&e);
    char name[64];
    rep_results_file_name(name, sizeof name, 3, 16);
    TAP_STREQ(name, "shard-0003-of-0016.csv");
}

static const char *merge_error(const char *sub, const char *extra)
{
    static char msg[1024];
    char d[256];
    snprintf(d, sizeof d, "%s/%s", dir, sub);
    rep_results r;
    scn_errors e;
    scn_errors_init(&e);
    rep_results_init(&r);
    int rc = rep_results_read_path(&r, d, &e);
    if (extra)
        rc |= rep_results_read_path(&r, extra, &e);
    if (!rc)
        rc = rep_results_complete(&r, &e);
    snprintf(msg, sizeof msg, "%s", rc ? (e.n ? e.msg[0] : "(rc but no message)") : "(merged)");
    rep_results_free(&r);
    scn_errors_free(&e);
    return msg;
}

static void t_errors(void)
{
    write_shards("missing", 3, 4, -1, "default");
    TAP_STREQ(merge_error("missing", NULL), "missing job: variant 1 (kvm.h_ipi_redirect=0) run 1; expected every shard's file");
    write_shards("dup", 2, -1, 2, "default");
    TAP_CONTAINS(merge_error("dup", NULL), "shard-0002-of-0002.csv:");
    TAP_CONTAINS(merge_error("dup", NULL), "job variant 0 run 2 is also in");
    write_shards("other", 1, -1, -1, "smoke");
    char other[300];
    snprintf(other, sizeof other, "%s/other/shard-0001-of-0001.csv", dir);
    TAP_CONTAINS(merge_error("ok", other), "shard-0001-of-0001.csv: scenario differs from the first file's; expected shards of one experiment");
    char d[256];
    snprintf(d, sizeof d, "%s/empty", dir);
    mkdir(d, 0700);
    TAP_CONTAINS(merge_error("empty", NULL), "no shard-*.csv files");
    TAP_CONTAINS(merge_error("nonexistent", NULL), "cannot open");
    /* Broken files. */
    struct {
        const char *text, *msg;
    } bad[] = {
        {"hello\n", "bad.csv:1: not a results file; expected a first line '# hvwake-results 1'"},
        {"# hvwake-results 1\n# seed 1\n# replications 1\n# variant 0 a\nvariant,run,metric,value\n0,1,x,1\n",
         "bad.csv:6: bad row; expected variant < 1, run < 1"},
        {"# hvwake-results 1\n# seed 1\n# replications 1\n# variant 0 a\nvariant,run,metric,value\n0,0,x,1\n0,0,x,2\n",
         "bad.csv:7: metric 'x' twice for variant 0 run 0"},
        {"# hvwake-results 1\n# seed 1\n# replications 1\n# variant 0 a\nvariant,run,metric,value\n0,0,x,abc\n",
         "bad.csv:6: bad row"},
        {"# hvwake-results 1\n# seed 1\n# variant 0 a\nvariant,run,metric,value\n", "header lacks seed, replications or variants"},
        {"# hvwake-results 1\n# bogus\n", "bad.csv:2: unexpected header line '# bogus'"},
        {"# hvwake-results 1\n# seed 1\n# replications 1\n# variant 1 a\n", "bad.csv:4: variant 1 out of order; expected variant 0"},
        {"# hvwake-results 1\n# seed 1\n", "no column header"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/bad.csv", dir);
        FILE *f = fopen(path, "w");
        fputs(bad[i].text, f);
        fclose(f);
        rep_results r;
        scn_errors e;
        scn_errors_init(&e);
        rep_results_init(&r);
        TAP_EQ(rep_results_read(&r, path, &e), -7);
        TAP_CONTAINS(e.n ? e.msg[0] : "(no error)", bad[i].msg);
        rep_results_free(&r);
        scn_errors_free(&e);
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hv_rep_results_XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    TAP_RUN(t_roundtrip);
    TAP_RUN(t_errors);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd))
        printf("# could not remove %s\n", dir);
    return tap_done();
}
