/* report/results.h outputs and the other inputs of plot and report: compare
 * JSON and tidy CSV, run JSON and CSV, written and read back exactly
 * (metrics, NaN, histograms, variants, streams, configuration); damaged
 * inputs refused with the place; report/json.h on valid and invalid text. */
#define _XOPEN_SOURCE 700
#include "report/json.h"
#include "report/results.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void t_json_parser(void)
{
    rep_json_doc d;
    char why[300];
    const char *ok = "{\"a\": [1, -2.5e3, true, false, null], \"b\": \"x\\u00e9\\ud83d\\ude00\\n\", \"c\": {}}";
    TAP_EQ(rep_json_parse(&d, ok, strlen(ok), why, sizeof why), 0);
    const rep_json *a = rep_json_get(&d.root, "a"), *b = rep_json_get(&d.root, "b");
    TAP_CHECK(a && a->type == REP_JSON_ARRAY && a->n == 5);
    if (a && a->n == 5) {
        TAP_NEAR(a->item[1].num, -2500, 0);
        TAP_EQ(a->item[2].type, REP_JSON_BOOL);
        TAP_NEAR(a->item[2].num, 1, 0);
        TAP_NEAR(a->item[3].num, 0, 0);
        TAP_EQ(a->item[4].type, REP_JSON_NULL);
    }
    TAP_STREQ(b ? b->str : "", "x\xc3\xa9\xf0\x9f\x98\x80\n");
    TAP_CHECK(rep_json_get(&d.root, "nope") == NULL);
    rep_json_free(&d);
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"{\"a\": 1,}", "line 1, column 9: not a member name; expected a string (a trailing comma?)"},
        {"{\"a\": 1, \"a\": 2}", "member \"a\" twice"},
        {"[01]", "leading zero"},
        {"[NaN]", "not a value"},
        {"\"\\ud800\"", "a lone high surrogate"},
        {"\"\\u0000\"", "NUL"},
        {"[1]\n x", "line 2, column 2: text after the value"},
        {"[1e999]", "out of range"},
        {"\"a\tb\"", "control character 0x09"},
        {"[1,", "the text ends; expected a value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = 0;
        TAP_EQ(rep_json_parse(&d, bad[i].text, strlen(bad[i].text), why, sizeof why), -1);
        TAP_CONTAINS(why, bad[i].why);
    }
}

static void fill_run(rep_metrics *m, size_t v, size_t k)
{
    rep_metrics_init(m);
    rep_metric(m, 1000.0 * (double)(v + 1) + (double)k / 3, "ops_per_s");
    rep_metric(m, NAN, "undefined");
    des_hist h;
    des_hist_init(&h);
    for (uint64_t x = 1; x <= 300; x++)
        des_hist_add(&h, x * 37 * (v + 1) + k);
    rep_metric_hist(m, &h, "wake.latency_ns");
    des_hist_free(&h);
    des_hist_init(&h);
    rep_metric_hist(m, &h, "idle.gap_ns");
}

static int same_metrics(const rep_metrics *a, const rep_metrics *b, int empty_hists)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->rows[i].name, b->rows[i].name) ||
            !(a->rows[i].value == b->rows[i].value || (isnan(a->rows[i].value) && isnan(b->rows[i].value))))
            return 0;
    for (size_t i = 0; i < a->nh; i++) {
        const rep_hist *x = &a->hists[i], *y = rep_hist_find(b, x->name);
        if (!y) {
            if (x->nb || !empty_hists) /* CSV has no rows for an empty histogram */
                return 0;
            continue;
        }
        if (x->nb != y->nb || x->n != y->n)
            return 0;
        for (size_t k = 0; k < x->nb; k++)
            if (x->b[k].lo != y->b[k].lo || x->b[k].hi != y->b[k].hi || x->b[k].count != y->b[k].count)
                return 0;
    }
    return 1;
}

static char *write_file(const char *name, int (*fn)(FILE *, const void *, const void *), const void *a,
                        const void *b)
{
    static char path[200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    TAP_CHECK(f != NULL);
    TAP_EQ(fn(f, a, b), 0);
    fclose(f);
    return path;
}

static int w_json(FILE *f, const void *r, const void *c) { return rep_results_write_json(f, r, c); }
static int w_csv(FILE *f, const void *r, const void *c)
{
    (void)c;
    return rep_results_write_csv(f, r);
}
static int w_run_json(FILE *f, const void *h, const void *m) { return rep_write_json(f, h, m); }
static int w_run_csv(FILE *f, const void *h, const void *m) { return rep_write_csv(f, h, m); }

/* Read the results file path back into *back, expecting nv variants
 * (checked; the reader's errors printed). False, with back freed, when it
 * could not be read so. */
static int read_back(rep_results *back, char *path, size_t nv)
{
    scn_errors e;
    scn_errors_init(&e);
    int rc = rep_results_read_any(back, 1, &path, &e);
    TAP_EQ(rc, 0);
    if (e.n)
        scn_errors_print(&e, stdout, "#   ");
    scn_errors_free(&e);
    TAP_EQ(back->nv, nv);
    if (rc || back->nv != nv) {
        rep_results_free(back);
        return 0;
    }
    return 1;
}

static void t_compare_roundtrip(void)
{
    rep_config cfg;
    rep_config_init(&cfg);
    rep_config_add(&cfg, "sim.seed", "3", "3", "default");
    rep_config_add(&cfg, "sim.duration", "20ms", "20000000", "x.ini:4");
    rep_config_add(&cfg, "kvm.h_ipi_redirect", "true", "true", "default");
    rep_header h = {"0.1.0", "smoke", 3, 0, &cfg, "v-test"};
    char *s0[] = {NULL}, *s1[] = {"kvm.h_ipi_redirect=0"};
    scn_variant vv[2] = {{"base", "--vary", s0, NULL, 0}, {"no, M1", "--variant", s1, NULL, 1}};
    scn_variants vs = {vv, 2};
    rep_stream st[2] = {{3, 0}, {3, 0}};
    rep_results r;
    rep_results_local(&r, &h, 2, &vs, st);
    for (size_t j = 0; j < 4; j++) {
        fill_run(&r.runs[j], j / 2, j % 2);
        r.have[j] = 1;
    }
    rep_compare c;
    rep_results_compare(&r, &c);
    for (int form = 0; form < 2; form++) {
        char *path = write_file(form ? "c.csv" : "c.json", form ? w_csv : w_json, &r, &c);
        rep_results back;
        if (!read_back(&back, path, 2))
            continue;
        TAP_EQ(back.replications, 2);
        TAP_STREQ(back.vname[1], "no, M1");
        TAP_STREQ(back.vsets[1], form ? "kvm.h_ipi_redirect=0\n" : "kvm.h_ipi_redirect=false\n");
        TAP_EQ(back.stream[1].seed, 3);
        TAP_STREQ(back.scenario, "smoke");
        TAP_STREQ(back.source, "v-test");
        TAP_EQ(back.config.n, 3);
        if (back.config.n == 3) {
            TAP_STREQ(back.config.v[1].text, "20ms"); /* ns typed back to the key's text */
            TAP_STREQ(back.config.v[1].origin, "x.ini:4");
        }
        int same = 1;
        for (size_t j = 0; j < 4; j++)
            same &= back.have[j] && same_metrics(&r.runs[j], &back.runs[j], form);
        TAP_CHECK(same);
        rep_compare c2;
        rep_results_compare(&back, &c2);
        TAP_EQ(c2.test[1], REP_TEST_PAIRED);
        TAP_CHECK(c2.df[1].ci == c.df[1].ci);
        rep_compare_free(&c2);
        rep_results_free(&back);
    }
    /* The JSON types what it can: numbers, booleans, TIME in ns. */
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    rep_results_write_json(f, &r, &c);
    fclose(f);
    TAP_CONTAINS(p, "\"sim.duration\": 20000000,");
    TAP_CONTAINS(p, "\"origin\": {\n    \"sim.seed\": \"default\",\n    \"sim.duration\": \"x.ini:4\"");
    TAP_CONTAINS(p, "\"variant_sets\": [{}, {\"kvm.h_ipi_redirect\": false}]");
    TAP_CONTAINS(p, "\"tests\": [\"none\", \"paired\"]");
    TAP_CONTAINS(p, "\"significant\": true, \"test\": \"paired\"}");
    TAP_CONTAINS(p, "{\"variant\": 1, \"run\": 1, \"metrics\": {");
    TAP_CONTAINS(p, "\"idle.gap_ns\": {\"unit\": \"ns\", \"count\": 0, \"buckets\": []}");
    free(p);
    f = open_memstream(&p, &n);
    rep_results_write_csv(f, &r);
    fclose(f);
    TAP_CONTAINS(p, "# variant 1 no, M1\n# stream 1 3 0\n# set 1 kvm.h_ipi_redirect=0\n");
    TAP_CONTAINS(p, "\nvariant,kvm.h_ipi_redirect,run,metric,value,unit,lo,hi\nbase,true,0,ops_per_s,1000,1/s,,\n");
    TAP_CONTAINS(p, "\n\"no, M1\",0,1,wake.latency_ns.bucket,1,count,75,76\n");
    TAP_CONTAINS(p, "\n\"no, M1\",0,1,undefined,,count,,\n");
    free(p);
    rep_compare_free(&c);
    rep_results_free(&r);
    rep_config_free(&cfg);
}

static void t_run_roundtrip(void)
{
    rep_config cfg;
    rep_config_init(&cfg);
    rep_config_add(&cfg, "sim.warmup", "1ms", "1000000", "default");
    rep_header h = {"0.1.0", "smoke", 5, 2, &cfg, "v-test"};
    rep_metrics m;
    fill_run(&m, 0, 0);
    for (int form = 0; form < 2; form++) {
        char *path = write_file(form ? "r.csv" : "r.json", form ? w_run_csv : w_run_json, &h, &m);
        rep_results back;
        if (!read_back(&back, path, 1))
            continue;
        TAP_STREQ(back.nv ? back.vname[0] : "", "run 2");
        TAP_EQ(back.nv ? back.stream[0].run0 : 0, 2);
        TAP_CHECK(back.nv && same_metrics(&m, &back.runs[0], form));
        TAP_STREQ(back.config.n ? back.config.v[0].text : "", "1ms");
        rep_results_free(&back);
    }
    rep_metrics_free(&m);
    rep_config_free(&cfg);
}

/* Damaged inputs: refused with the place. */
static void t_refused(void)
{
    static const struct {
        const char *name, *text, *msg;
    } cases[] = {
        {"a.json", "{\"hvwake\": \"0.1.0\", \"scenario\": \"x\", \"seed\": 1,}", "a.json: line 1, column 48: not a "
                                                                           "member name"},
        {"b.json", "{\"hvwake\": \"0.1.0\", \"scenario\": \"x\", \"seed\": 1, \"run\": 0, \"config\": {}, \"metrics\": "
                   "{\"x.count\": 2}, \"histograms\": {\"x\": {\"count\": 2, \"buckets\": [[200, 202, 2]]}}}",
         "histogram \"x\" bucket 0 [200, 202) is not a bucket of hvwake's histograms; expected [200, 201)"},
        {"c.json", "{\"hvwake\": \"0.1.0\", \"scenario\": \"x\", \"seed\": 1, \"run\": 0, \"config\": {}, \"metrics\": "
                   "{\"x.count\": 3}, \"histograms\": {\"x\": {\"count\": 3, \"buckets\": [[200, 201, 2]]}}}",
         "histogram 'x' has buckets counting 2, its total says 3"},
        {"d.json", "{\"hvwake\": \"0.1.0\", \"scenario\": \"x\", \"seed\": 1}", "no \"runs\" and no \"run\""},
        {"e.csv", "# hvwake 0.1.0\n# scenario x\n# seed 1\n# run 0\nmetric,value,unit,lo,hi\na,1,count,,\na,2,count,,\n",
         "e.csv:7: metric 'a' twice"},
        {"f.csv", "# hvwake 0.1.0\n# scenario x\n# seed 1\n# replications 2\n# variant 0 base\n# stream 0 1 0\n"
                  "variant,run,metric,value,unit,lo,hi\nbase,0,a,1,count,,\n",
         "f.csv:8: no rows of variant 'base' run 1; expected every run"},
        {"g.csv", "# hvwake 0.1.0\n# scenario x\n# seed 1\n# run 0\nmetric,value,unit,lo,hi\na,nan,count,,\n",
         "g.csv:6: value 'nan' is not valid"},
        {"h.txt", "hello\n", "h.txt:1: not an output of hvwake"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[200];
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *f = fopen(path, "w");
        fputs(cases[i].text, f);
        fclose(f);
        rep_results r;
        scn_errors e;
        scn_errors_init(&e);
        char *p = path;
        TAP_EQ(rep_results_read_any(&r, 1, &p, &e), -7);
        TAP_CONTAINS(e.n ? e.msg[0] : "(no error)", cases[i].msg);
        rep_results_free(&r);
        scn_errors_free(&e);
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hv_rep_io_XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    TAP_RUN(t_json_parser);
    TAP_RUN(t_compare_roundtrip);
    TAP_RUN(t_run_roundtrip);
    TAP_RUN(t_refused);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd))
        printf("# could not remove %s\n", dir);
    return tap_done();
}
