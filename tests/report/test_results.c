/* report/results.h: shard files round-trip exactly; merge refuses damaged
 * files (naming file and line), files of different experiments (naming the
 * first difference) and names missing shards with their variants. */
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
enum { NV = 2, R = 3 };

static double value(size_t v, size_t r, int k) { return (double)(v + 1) * 1000 + (double)r / 3 + k * 0.1; }

/* What may differ between the experiments written below. */
typedef struct exp_def {
    const char *version, *source, *scenario, *duration, *v1set;
    unsigned long long seed;
    const char *metric1; /* name of the second metric in run 1 of variant 1 */
    unsigned long long run0; /* variant 1's first run */
} exp_def;

static const exp_def base_exp = {"0.1.0", "v0.1.0-7-gabc", "default", "10ms", "kvm.h_ipi_redirect=0", 1,
                                 "wake.latency_ns.p99", 0};

/* Write shards of an n-shard experiment into dir/sub, all but `skip`. */
static void write_shards(const char *sub, unsigned n, unsigned skip, const exp_def *x)
{
    char d[256];
    snprintf(d, sizeof d, "%s/%s", dir, sub);
    mkdir(d, 0700);
    rep_config c;
    rep_config_init(&c);
    rep_config_add(&c, "sim.seed", "1", "1", "default");
    rep_config_add(&c, "sim.duration", x->duration, NULL, "x.ini:3");
    rep_config_add(&c, "sim.label", "a (b)", NULL, "x.ini:2");
    rep_header h = {x->version, x->scenario, x->seed, 0, &c, x->source};
    char *sets0[] = {NULL}, *sets1[] = {(char *)x->v1set};
    scn_variant v[NV] = {{"base", "--vary", sets0, NULL, 0}, {"no-M1", "--variant no-M1", sets1, NULL, 1}};
    scn_variants vs = {v, NV};
    for (unsigned i = 1; i <= n; i++) {
        if (i == skip)
            continue;
        char name[64], path[400];
        rep_results_file_name(name, sizeof name, i, n);
        snprintf(path, sizeof path, "%s/%s", d, name);
        FILE *f = fopen(path, "w");
        TAP_CHECK(f != NULL);
        if (!f)
            continue;
        rep_results_writer w;
        rep_stream st[NV] = {{x->seed, 0}, {x->seed, x->run0}};
        rep_results_begin(&w, f, &h, R, (scn_shard){i, n}, &vs, st);
        for (size_t j = 0; j < NV * R; j++) {
            if (!scn_shard_owns((scn_shard){i, n}, j))
                continue;
            rep_metrics m;
            rep_metrics_init(&m);
            rep_metric(&m, value(j / R, j % R, 0), "ops_per_s");
            rep_metric(&m, value(j / R, j % R, 1), "%s", j == 4 ? x->metric1 : "wake.latency_ns.p99");
            if (j < R)
                rep_metric(&m, NAN, "undefined"); /* every run of variant 0 */
            rep_results_job(&w, j / R, j % R, &m);
            rep_metrics_free(&m);
        }
        TAP_EQ(rep_results_end(&w), 0);
        fclose(f);
    }
    rep_config_free(&c);
}

static void t_crc(void)
{
    TAP_EQ(rep_crc32(0, "123456789", 9), 0xcbf43926u); /* the CRC-32 check value */
    TAP_EQ(rep_crc32(rep_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
    TAP_EQ(rep_crc32(0, "", 0), 0);
}

static void t_roundtrip(void)
{
    write_shards("ok", 4, 0, &base_exp);
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
    TAP_STREQ(r.vname[1], "no-M1");
    TAP_STREQ(r.vsets[1], "kvm.h_ipi_redirect=0\n");
    TAP_STREQ(r.scenario, "default");
    TAP_STREQ(r.source, "v0.1.0-7-gabc");
    TAP_EQ(r.config.n, 3);
    if (r.config.n == 3) {
        TAP_STREQ(r.config.v[2].text, "a (b)");
        TAP_STREQ(r.config.v[2].origin, "x.ini:2");
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
    rep_header h = rep_results_header(&r);
    TAP_STREQ(rep_header_source(&h), "v0.1.0-7-gabc");
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

/* The first error of merging dir/sub (and extra), or "(merged)". */
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

static void t_missing_and_duplicate(void)
{
    write_shards("missing", 3, 2, &base_exp);
    TAP_STREQ(merge_error("missing", NULL), "shard 2/3 is missing (no shard-0002-of-0003.csv): no results for base "
                                            "(run 1), no-M1 (run 1); expected every shard: run it with --shard 2/3");
    char one[400];
    snprintf(one, sizeof one, "%s/ok/shard-0001-of-0004.csv", dir);
    /* A file given twice (here: in its directory and by name) is named
     * once, not once per job. */
    const char *m = merge_error("ok", one);
    TAP_CONTAINS(m, "/ok/shard-0001-of-0004.csv: given twice (also as ");
    /* A copy of a shard is another file: its jobs are the duplicates. */
    char cmd[900], copy[400];
    snprintf(copy, sizeof copy, "%s/copy.csv", dir);
    snprintf(cmd, sizeof cmd, "cp %s %s", one, copy);
    TAP_EQ(system(cmd), 0);
    m = merge_error("ok", copy);
    TAP_CONTAINS(m, "copy.csv:");
    TAP_CONTAINS(m, "job variant 0 run 0 is also in ");
}

/* Shards of another experiment: the first difference, at its line. */
static void t_different(void)
{
    static const struct {
        const char *sub;
        exp_def x;
        const char *msg;
    } cases[] = {
        {"v", {"0.0.9", "v0.1.0-7-gabc", "default", "10ms", "kvm.h_ipi_redirect=0", 1, NULL, 0},
         "shard-0002-of-0004.csv:2: hvwake 0.0.9 wrote this file, hvwake 0.1.0 wrote "},
        {"s", {"0.1.0", "v0.1.0-9-gdef", "default", "10ms", "kvm.h_ipi_redirect=0", 1, NULL, 0},
         "shard-0002-of-0004.csv:3: source revision v0.1.0-9-gdef, but v0.1.0-7-gabc in "},
        {"n", {"0.1.0", "v0.1.0-7-gabc", "smoke", "10ms", "kvm.h_ipi_redirect=0", 1, NULL, 0},
         "shard-0002-of-0004.csv:4: scenario 'smoke', but 'default' in "},
        {"seed", {"0.1.0", "v0.1.0-7-gabc", "default", "10ms", "kvm.h_ipi_redirect=0", 2, NULL, 0},
         "shard-0002-of-0004.csv:5: seed 2, but 1 in "},
        {"set", {"0.1.0", "v0.1.0-7-gabc", "default", "10ms", "kvm.guest_ipi=reschedule", 1, NULL, 0},
         "shard-0002-of-0004.csv:10: variant 1 is 'no-M1' with other assignments, but 'no-M1' in "},
        {"dur", {"0.1.0", "v0.1.0-7-gabc", "default", "20ms", "kvm.h_ipi_redirect=0", 1, NULL, 0},
         "shard-0002-of-0004.csv:14: sim.duration = 20ms, but 10ms in "},
        {"stream", {"0.1.0", "v0.1.0-7-gabc", "default", "10ms", "kvm.h_ipi_redirect=0", 1, NULL, 5},
         "shard-0002-of-0004.csv:10: variant 1 ('no-M1') runs seed 1 from run 5, but seed 1 from run 0 in "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        exp_def x = cases[i].x;
        x.metric1 = base_exp.metric1;
        write_shards(cases[i].sub, 4, 0, &x);
        /* ok/ first, then one file of the other experiment. */
        char d[300];
        snprintf(d, sizeof d, "%s/%s/shard-0002-of-0004.csv", dir, cases[i].sub);
        const char *m = merge_error("ok", d);
        TAP_CONTAINS(m, cases[i].msg);
        TAP_CONTAINS(m, "/ok/shard-0001-of-0004.csv; expected shards of one");
    }
    /* Same experiment, another split. */
    write_shards("split", 2, 0, &base_exp);
    TAP_CONTAINS(merge_error("ok", NULL), "(merged)");
    char d[300];
    snprintf(d, sizeof d, "%s/split", dir);
    TAP_CONTAINS(merge_error("ok", d), "shard-0001-of-0002.csv:7: shard 1/2, but ");
    /* A metric renamed in one run (checksums right): every run of a variant
     * must have the same metrics. */
    exp_def x = base_exp;
    x.metric1 = "wake.latency_ns.p98";
    write_shards("renamed", 1, 0, &x);
    TAP_CONTAINS(merge_error("renamed", NULL), "job variant 1 run 1: metric 2 is 'wake.latency_ns.p98', run 0 (");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = calloc(1, 1 << 16);
    size_t n = fread(b, 1, (1 << 16) - 1, f);
    b[n] = 0;
    fclose(f);
    return b;
}

/* good with the first `from` at or after line `after` replaced by `to`, or
 * cut right after (cut 1) or before (cut 2) it. */
static void damage(const char *good, const char *path, int after, const char *from, const char *to, int cut)
{
    const char *p = good;
    for (int l = 1; l < after && p; l++)
        p = strchr(p, '\n') + 1;
    const char *at = p ? strstr(p, from) : NULL;
    TAP_CHECK(at != NULL);
    FILE *f = fopen(path, "w");
    if (!at || !f) {
        if (f)
            fclose(f);
        return;
    }
    fwrite(good, 1, (size_t)(at - good), f);
    if (cut == 1)
        fputs(from, f);
    else if (!cut)
        fprintf(f, "%s%s", to, at + strlen(from));
    fclose(f);
}

/* Every kind of damage is refused with the file and the exact line. */
static void t_damaged(void)
{
    char good_path[300], path[300];
    snprintf(good_path, sizeof good_path, "%s/ok/shard-0001-of-0004.csv", dir);
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    char *good = slurp(good_path);
    TAP_CHECK(good != NULL);
    if (!good)
        return;
    /* good: 1-15 header, 16 column names, 17-19 job (0,0), 20 its end,
     * 21-22 job (1,1), 23 its end, 24 the end line. */
    static const struct {
        int after;
        const char *from, *to;
        int cut; /* 1: cut after `from`, 2: cut before it */
        const char *msg;
    } cases[] = {
        /* cut inside a number, inside a line, between rows, between jobs */
        {17, "1000.1", NULL, 1, "bad.csv:18: the file ends inside this line (no newline): it is truncated"},
        {18, "0,0,undefined", NULL, 2, "bad.csv:18: the file ends inside job variant 0 run 0 (rows at lines 17-18, "
                                       "no end line): it is truncated"},
        {20, "# job 0 0", NULL, 1, "bad.csv:20: the file ends inside this line"},
        {20, "1,1,ops", NULL, 2, "bad.csv:20: the file ends after its last job without its '# end' line"},
        {21, "1,1,wake", NULL, 2, "bad.csv:21: the file ends inside job variant 1 run 1 (rows at lines 21-21"},
        {24, "# end", NULL, 1, "bad.csv:24: the file ends inside this line"},
        /* changed values and names */
        {17, "0,0,ops_per_s,1000\n", "0,0,ops_per_s,1e296\n", 0,
         "bad.csv:20: job variant 0 run 0 (lines 17-19): its rows' checksum is "},
        {17, "0,0,ops_per_s,1000\n", "0,0,ops_per_s,nan\n", 0, "bad.csv:17: value 'nan' is not valid; expected a finite"},
        {17, "0,0,ops_per_s,1000\n", "0,0,ops_per_s,inf\n", 0, "bad.csv:17: value 'inf' is not valid"},
        {17, "0,0,ops_per_s,1000\n", "0,0,ops_per_s,1e999\n", 0, "bad.csv:17: value '1e999' is not valid"},
        {17, "0,0,ops_per_s,1000\n", "0,0,ops_per_s,0x1p3\n", 0, "bad.csv:17: value '0x1p3' is not valid"},
        {18, "wake.latency_ns.p99", "wake.latency_ns.p90", 0, "bad.csv:20: job variant 0 run 0 (lines 17-19): its "
                                                              "rows' checksum"},
        {18, "0,0,wake.latency_ns.p99,1000.1\n", "", 0, "bad.csv:19: job variant 0 run 0 has 2 rows (lines 17-18), "
                                                        "its end line says 3"},
        {15, "a (b)", "a (c)", 0, "bad.csv:24: the file's checksum is "},
        /* lines added, moved or of the wrong job */
        {19, "\n# job 0 0", "\n\n# job 0 0", 0, "bad.csv:20: unexpected empty line; expected a row"},
        {3, "\n# scenario", "\n\n# scenario", 0, "bad.csv:4: unexpected empty line in the header"},
        {21, "1,1,", "1,0,", 0, "bad.csv:21: job variant 1 run 0 (job 3) is not one of shard 1/4's"},
        {22, "1,1,wake", "1,2,wake", 0, "bad.csv:22: row of job variant 1 run 2, but job variant 1 run 1 (rows from "
                                        "line 21) has no end line"},
        {24, "\n", "\nmore\n", 0, "bad.csv:25: text after the end line"},
        {1, "# hvwake-results 3", "# hvwake-results 1", 0, "bad.csv:1: results format 1 (an older hvwake) has no "
                                                           "checksums"},
        {1, "# hvwake-results 3", "# hvwake-results 2", 0, "bad.csv:1: results format 2 (an older hvwake) has no "
                                                           "histogram buckets; expected format 3"},
        {9, "# stream 0 1 0\n", "", 0, "bad.csv:15: variant 0 ('base', line 8) has no '# stream' line"},
        {7, "# shard 1/4", "# shard 1/4\n# seed 1", 0, "bad.csv:8: '# seed' twice (also line 5)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        damage(good, path, cases[i].after, cases[i].from, cases[i].to, cases[i].cut);
        rep_results r;
        scn_errors e;
        scn_errors_init(&e);
        rep_results_init(&r);
        TAP_EQ(rep_results_read(&r, path, &e), -7);
        TAP_CONTAINS(e.n ? e.msg[0] : "(no error)", cases[i].msg);
        TAP_EQ(e.n, 1); /* the first error only */
        rep_results_free(&r);
        scn_errors_free(&e);
    }
    /* A byte turned into NUL. */
    FILE *f = fopen(path, "w");
    const char *at = strstr(good, "\n0,0,ops");
    fwrite(good, 1, (size_t)(at - good) + 5, f);
    fputc(0, f);
    fputs(at + 6, f);
    fclose(f);
    TAP_CONTAINS(merge_error("bad.csv", NULL), "/bad.csv:17: a NUL byte in the line; expected text (the file is "
                                               "damaged)");
    free(good);
    /* Not results at all. */
    char d[256];
    snprintf(d, sizeof d, "%s/empty", dir);
    mkdir(d, 0700);
    TAP_CONTAINS(merge_error("empty", NULL), "no shard-*.csv files");
    TAP_CONTAINS(merge_error("nonexistent", NULL), "cannot open");
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hv_rep_results_XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    TAP_RUN(t_crc);
    TAP_RUN(t_roundtrip);
    TAP_RUN(t_missing_and_duplicate);
    TAP_RUN(t_different);
    TAP_RUN(t_damaged);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd))
        printf("# could not remove %s\n", dir);
    return tap_done();
}
