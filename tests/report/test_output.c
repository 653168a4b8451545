/* report/output.h: JSON validity, escaping, number round trip, CSV, text,
 * determinism byte for byte. */
#define _XOPEN_SOURCE 700
#include "report/output.h"
#include "json_check.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct buf {
    char *p;
    size_t n;
    FILE *f;
} buf;

static FILE *bopen(buf *b)
{
    b->p = NULL;
    b->n = 0;
    b->f = open_memstream(&b->p, &b->n);
    return b->f;
}

static char *bclose(buf *b)
{
    fclose(b->f);
    return b->p;
}

static void fill(rep_metrics *m, rep_config *c)
{
    rep_metrics_init(m);
    rep_metric(m, 123456789, "sim.events");
    rep_metric(m, 0.1, "host.cpu.busy_frac");
    rep_metric(m, 1.0 / 3, "hipi.redirect_frac");
    rep_metric(m, 1e-300, "tiny");
    rep_metric(m, -2.5e21, "huge_neg");
    rep_metric(m, NAN, "undefined");
    rep_metric(m, 5e-324, "denormal");
    rep_metric(m, 4503599627370497.0, "big_int");
    des_hist h;
    des_hist_init(&h);
    for (uint64_t v = 1; v <= 1000; v++)
        des_hist_add(&h, v * 100);
    rep_metric_hist(m, &h, "wake.latency_ns");
    des_hist_free(&h);
    des_hist_init(&h); /* no samples: undefined statistics, never 0 */
    rep_metric_hist(m, &h, "idle.gap_ns");
    rep_metric(m, 42, "name \"with\" quotes\\and\ttab\x01");
    rep_config_init(c);
    rep_config_add(c, "sim.seed", "1", "1", "default");
    rep_config_add(c, "sim.duration", "100ms", "100000000", "x.ini:3");
    rep_config_add(c, "sim.label", "caf\xc3\xa9 \"q\" \\ \n\x1f", NULL, "--set");
    rep_config_add(c, "sim.checks", "true", "true", "default");
}

typedef struct chk {
    const rep_metrics *m;
    int seen, bad;
} chk;

static void on_num(void *ctx, const char *key, double v)
{
    chk *c = ctx;
    long k = rep_metric_find(c->m, key);
    if (k < 0)
        return; /* a config member */
    c->seen++;
    double want = c->m->rows[k].value;
    if (!(v == want || (isnan(want) && 0))) {
        printf("#   %s: %.17g read back as %.17g\n", key, want, v);
        c->bad++;
    }
}

static void t_json(void)
{
    rep_metrics m;
    rep_config c;
    fill(&m, &c);
    rep_header h = {"0.1.0", "default", 7, 3, &c, "v-test"};
    buf b;
    TAP_EQ(rep_write_json(bopen(&b), &h, &m), 0);
    char *text = bclose(&b);
    chk k = {&m, 0, 0};
    TAP_EQ(json_parse(text, on_num, &k), 0);
    TAP_EQ(k.bad, 0);
    TAP_EQ(k.seen, (int)m.n - 8); /* NaN is null: "undefined" and idle.gap_ns's 7 statistics */
    TAP_CONTAINS(text, "\"hvwake\": \"0.1.0\",\n  \"source\": \"v-test\",\n  \"scenario\"");
    TAP_CONTAINS(text, "\"seed\": 7,\n  \"run\": 3,");
    TAP_CONTAINS(text, "\"sim.duration\": 100000000");
    TAP_CONTAINS(text, "\"sim.checks\": true");
    TAP_CONTAINS(text, "\"sim.label\": \"caf\xc3\xa9 \\\"q\\\" \\\\ \\n\\u001f\"");
    TAP_CONTAINS(text, "\"sim.duration\": \"x.ini:3\"");
    TAP_CONTAINS(text, "\"undefined\": null");
    TAP_CONTAINS(text, "\"host.cpu.busy_frac\": 0.1,");
    TAP_CONTAINS(text, "\"sim.events\": 123456789,");
    TAP_CONTAINS(text, "\"name \\\"with\\\" quotes\\\\and\\ttab\\u0001\": 42");
    TAP_CONTAINS(text, "\"wake.latency_ns.p99\": ");
    TAP_CONTAINS(text, "\"idle.gap_ns.count\": 0,\n    \"idle.gap_ns.mean\": null,");
    TAP_CONTAINS(text, "\"idle.gap_ns.max\": null,");
    TAP_CONTAINS(text, "\n  \"histograms\": {\n    \"wake.latency_ns\": {\"unit\": \"ns\", \"count\": 1000, "
                       "\"buckets\": [[100, 101, 1], [200, 201, 1], [300, 302, 1], ");
    TAP_CONTAINS(text, "[99840, 100352, 2]]},\n    \"idle.gap_ns\": {\"unit\": \"ns\", \"count\": 0, \"buckets\": []}\n  }\n}\n");
    /* Byte-identical on a second write. */
    buf b2;
    rep_write_json(bopen(&b2), &h, &m);
    char *text2 = bclose(&b2);
    TAP_STREQ(text, text2);
    /* The parser in this test rejects broken JSON (so the test can fail). */
    TAP_CHECK(json_parse("{\"a\": 1,}", NULL, NULL) != 0);
    TAP_CHECK(json_parse("{\"a\": nan}", NULL, NULL) != 0);
    TAP_CHECK(json_parse("{\"a\": \"\x01\"}", NULL, NULL) != 0);
    TAP_CHECK(json_parse("{\"a\": 01}", NULL, NULL) != 0);
    TAP_CHECK(json_parse("[1, 2] x", NULL, NULL) != 0);
    /* python3's json module agrees, when python3 is there. */
    if (system("python3 -c 'import json' >/dev/null 2>&1") == 0) {
        char path[] = "/tmp/hv_rep_json_XXXXXX";
        int fd = mkstemp(path);
        TAP_CHECK(fd >= 0);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "w");
            fputs(text, f);
            fclose(f);
            char cmd[640];
            snprintf(cmd, sizeof cmd,
                     "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
                     "assert d[\"metrics\"][\"hipi.redirect_frac\"] == 1/3; assert d[\"run\"] == 3; "
                     "h=d[\"histograms\"][\"wake.latency_ns\"]; assert sum(b[2] for b in h[\"buckets\"]) == 1000; "
                     "assert all(a[1] <= b[0] for a, b in zip(h[\"buckets\"], h[\"buckets\"][1:])); "
                     "assert d[\"metrics\"][\"idle.gap_ns.p50\"] is None' %s",
                     path);
            TAP_EQ(system(cmd), 0);
            unlink(path);
        }
    } else
        printf("# python3 not found: JSON checked by the built-in parser only\n");
    /* Empty metrics and no config are still valid. */
    rep_metrics e;
    rep_metrics_init(&e);
    rep_header h0 = {"0.1.0", "x", 1, 0, NULL, NULL};
    buf b3;
    rep_write_json(bopen(&b3), &h0, &e);
    char *t3 = bclose(&b3);
    TAP_EQ(json_parse(t3, NULL, NULL), 0);
    TAP_CONTAINS(t3, "\"source\": \"unknown\""); /* no revision known */
    free(t3);
    free(text);
    free(text2);
    rep_metrics_free(&m);
    rep_config_free(&c);
}

static void t_numbers(void)
{
    char b[64];
    double v[] = {0.1, 1.0 / 3, 2.0 / 3, 1e21, 1e-7, 123456789012345678.0, -0.0, 5e-324, 1.7976931348623157e308};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        rep_json_number(v[i], b, sizeof b);
        TAP_CHECK(strtod(b, NULL) == v[i]);
        TAP_EQ(json_parse(b, NULL, NULL), 0);
    }
    rep_json_number(0.1, b, sizeof b);
    TAP_STREQ(b, "0.1");
    rep_json_number(-0.0, b, sizeof b);
    TAP_STREQ(b, "0");
    rep_json_number(INFINITY, b, sizeof b);
    TAP_STREQ(b, "null");
    rep_json_number(100, b, sizeof b);
    TAP_STREQ(b, "100");
}

static void t_units(void)
{
    TAP_STREQ(rep_metric_unit("wake.latency_ns.p99"), "ns");
    TAP_STREQ(rep_metric_unit("wake.latency_ns.count"), "count");
    TAP_STREQ(rep_metric_unit("host.cpu.busy_frac"), "fraction");
    TAP_STREQ(rep_metric_unit("ycsb.ops_per_s"), "1/s");
    TAP_STREQ(rep_metric_unit("mem.entity_bytes"), "bytes");
    TAP_STREQ(rep_metric_unit("hipi.too_hard"), "count");
    TAP_STREQ(rep_metric_unit("sim.wall_s"), "s");
}

static void t_csv_text(void)
{
    rep_metrics m;
    rep_config c;
    fill(&m, &c);
    rep_header h = {"0.1.0", "default", 7, 3, &c, "v-test"};
    buf b;
    rep_write_csv(bopen(&b), &h, &m);
    char *csv = bclose(&b);
    TAP_CONTAINS(csv, "# hvwake 0.1.0\n# source v-test\n# scenario default\n# seed 7\n# run 3\n");
    TAP_CONTAINS(csv, "# config sim.duration=100ms (x.ini:3)\n");
    TAP_CONTAINS(csv, "\nmetric,value,unit,lo,hi\nsim.events,123456789,count,,\n");
    TAP_CONTAINS(csv, "\nundefined,,count,,\n");
    TAP_CONTAINS(csv, "\"name \"\"with\"\" quotes\\and\ttab\x01\",42,count,,\n");
    rep_write_text(bopen(&b), &h, &m);
    char *txt = bclose(&b);
    TAP_CONTAINS(txt, "# seed 7\n");
    TAP_CONTAINS(txt, "#   sim.duration = 100ms");
    TAP_CONTAINS(txt, "(x.ini:3)");
    TAP_CONTAINS(txt, "\nmetric ");
    TAP_CONTAINS(txt, " 123456789  count\n");
    TAP_CONTAINS(txt, "#   sim.label    = caf\xc3\xa9 \"q\" \\ \\n\\x1f  (--set)\n");
    TAP_CONTAINS(txt, "distribution (unit)");
    TAP_CONTAINS(txt, "wake.latency_ns (ns)");
    TAP_CONTAINS(txt, "p99.9");
    /* Scalar rows are aligned: every value column ends at the same offset. */
    const char *l1 = strstr(txt, "sim.events"), *l2 = strstr(txt, "host.cpu.busy_frac");
    TAP_CHECK(l1 && l2 && strchr(l1, '\n') - strstr(l1, " count") == strchr(l2, '\n') - strstr(l2, " fraction") - 3);
    const char *gap = strstr(txt, "\nidle.gap_ns (ns)  ");
    TAP_CHECK(gap != NULL);
    if (gap) { /* count 0, then seven undefined statistics */
        char line[300];
        snprintf(line, sizeof line, "%.*s", (int)(strchr(gap + 1, '\n') - gap - 1), gap + 1);
        int dashes = 0;
        for (char *t = strtok(line + 17, " "); t; t = strtok(NULL, " "))
            dashes += !strcmp(t, "-") ? 1 : !strcmp(t, "0") && !dashes ? 0 : 100;
        TAP_EQ(dashes, 7);
    }
    TAP_CONTAINS(csv, "\nidle.gap_ns.count,0,count,,\nidle.gap_ns.mean,,ns,,\n");
    TAP_CONTAINS(csv, "\nwake.latency_ns.bucket,1,count,100,101\nwake.latency_ns.bucket,1,count,200,201\n");
    TAP_CONTAINS(csv, "\nwake.latency_ns.bucket,2,count,99840,100352\n");
    TAP_CHECK(!strstr(csv, "idle.gap_ns.bucket")); /* no buckets, no rows */
    free(csv);
    free(txt);
    rep_metrics_free(&m);
    rep_config_free(&c);
}

int main(void)
{
    TAP_RUN(t_json);
    TAP_RUN(t_numbers);
    TAP_RUN(t_units);
    TAP_RUN(t_csv_text);
    return tap_done();
}
