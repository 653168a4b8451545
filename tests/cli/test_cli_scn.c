/* cli/cli_scn.c: argument parsing, variant building, run output, and a
 * sharded experiment written with the results writer and merged back — the
 * building blocks of run/compare/sweep, with made-up metrics in place of
 * the model. */
#define _XOPEN_SOURCE 700
#include "cli/cli.h"
#include "report/outfile.h"
#include "report/output.h"
#include "report/results.h"
#include "scn/scenario.h"
#include "scn/variants.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static char dir[64];

static int parse(cli_scn_args *a, int accept, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        int r = cli_scn_arg("test", argc, argv, &i, a, accept);
        if (r <= 0)
            return r < 0 ? -1 : i + 100; /* not ours: its index + 100 */
    }
    return 0;
}

static void t_args(void)
{
    cli_scn_args a;
    char *argv[] = {"smoke", "--set", "sim.seed=3", "--set=sim.run=1", "--seed", "9", "--vary", "sim.run=0,1",
                    "--variant", "x:sim.label=a", "--shard", "2/3", "--json", "-o", "out.json", "--run=4"};
    TAP_EQ(parse(&a, CLI_ACCEPT_VARY | CLI_ACCEPT_OUTPUT | CLI_ACCEPT_SHARD, 16, argv), 0);
    TAP_STREQ(a.src, "smoke");
    TAP_EQ(a.nsets, 4);
    TAP_STREQ(a.sets[1].assign, "sim.run=1");
    TAP_STREQ(a.sets[2].assign, "9");
    TAP_STREQ(a.sets[2].key, "sim.seed");
    TAP_STREQ(a.sets[2].flag, "--seed");
    TAP_STREQ(a.sets[3].assign, "4");
    TAP_STREQ(a.sets[3].key, "sim.run");
    TAP_EQ(a.nvary, 1);
    TAP_EQ(a.nvariant, 1);
    TAP_STREQ(a.shard, "2/3");
    TAP_EQ(a.format, CLI_FMT_JSON);
    TAP_STREQ(a.out, "out.json");
    cli_scn_args_free(&a);
    char *v2[] = {"--vary", "sim.run=0,1"};
    TAP_EQ(parse(&a, 0, 2, v2), -1); /* not accepted by this command */
    cli_scn_args_free(&a);
    char *v3[] = {"--set"};
    TAP_EQ(parse(&a, 0, 1, v3), -1);
    cli_scn_args_free(&a);
    char *v4[] = {"a.ini", "b.ini"};
    TAP_EQ(parse(&a, 0, 2, v4), -1); /* a second scenario is an error */
    cli_scn_args_free(&a);
    char *v5[] = {"--csv", "--json"};
    TAP_EQ(parse(&a, 0, 2, v5), 100); /* not accepted: not ours */
    cli_scn_args_free(&a);
    /* Conflicting or repeated options are errors, never last-one-wins. */
    printf("# expected errors follow:\n");
    TAP_EQ(parse(&a, CLI_ACCEPT_OUTPUT, 2, v5), -1);
    cli_scn_args_free(&a);
    char *v6[] = {"--json", "--json"};
    TAP_EQ(parse(&a, CLI_ACCEPT_OUTPUT, 2, v6), -1);
    cli_scn_args_free(&a);
    char *v7[] = {"-o", "a", "-o", "b"};
    TAP_EQ(parse(&a, CLI_ACCEPT_OUTPUT, 4, v7), -1);
    cli_scn_args_free(&a);
    char *v8[] = {"--shard", "1/2"};
    TAP_EQ(parse(&a, CLI_ACCEPT_VARY, 2, v8), -1); /* compare: no --shard */
    cli_scn_args_free(&a);
    char *v9[] = {"--shard", "1/2", "--shard=2/2"};
    TAP_EQ(parse(&a, CLI_ACCEPT_SHARD, 3, v9), -1);
    cli_scn_args_free(&a);
    /* --duration is --set sim.duration=, in command-line order. */
    char *v10[] = {"--duration", "5ms", "--set", "sim.duration=7ms", "--duration=9ms"};
    TAP_EQ(parse(&a, CLI_ACCEPT_DURATION, 5, v10), 0);
    TAP_EQ(a.nsets, 3);
    TAP_STREQ(a.sets[0].assign, "5ms");
    TAP_STREQ(a.sets[0].flag, "--duration");
    TAP_STREQ(a.sets[1].flag, "--set");
    TAP_STREQ(a.sets[2].assign, "9ms");
    TAP_STREQ(a.sets[2].key, "sim.duration");
    struct scenario s;
    TAP_EQ(cli_scenario("test", &a, &s), 0);
    TAP_EQ(s.sim.duration, 9000000);
    scn_free(&s);
    cli_scn_args_free(&a);
    char *v11[] = {"--set", "sim.duration=7ms", "--duration", "5ms"};
    TAP_EQ(parse(&a, CLI_ACCEPT_DURATION, 4, v11), 0);
    TAP_EQ(cli_scenario("test", &a, &s), 0);
    TAP_EQ(s.sim.duration, 5000000);
    char b[64];
    TAP_STREQ(scn_origin(&s, "sim", NULL, "duration", b, sizeof b), "--duration");
    scn_free(&s);
    cli_scn_args_free(&a);
    char *v12[] = {"--duration", "5ms"};
    TAP_EQ(parse(&a, 0, 2, v12), -1); /* not accepted by this command */
    cli_scn_args_free(&a);
}

static void t_variants(void)
{
    cli_scn_args a;
    char *argv[] = {"smoke", "--set", "sim.seed=5", "--vary", "sim.warmup=0ms,2ms", "--variant", "long:sim.duration=1s",
                    "--variant", "short:"};
    TAP_EQ(parse(&a, CLI_ACCEPT_VARY, 9, argv), 0);
    scn_variants vs;
    struct scenario *s;
    TAP_EQ(cli_build_variants("test", &a, &vs, &s), 0);
    TAP_EQ(vs.n, 4);
    if (vs.n == 4) {
        TAP_STREQ(vs.v[1].name, "long,sim.warmup=2ms");
        TAP_EQ(s[1].sim.duration, 1000000000);
        TAP_EQ(s[1].sim.warmup, 2000000);
        TAP_EQ(s[1].sim.seed, 5);
        TAP_EQ(s[2].sim.duration, 10000000); /* smoke */
        char b[64];
        TAP_STREQ(scn_origin(&s[1], "sim", NULL, "duration", b, sizeof b), "--variant long");
        TAP_STREQ(scn_origin(&s[3], "sim", NULL, "warmup", b, sizeof b), "--vary");
        TAP_STREQ(scn_origin(&s[3], "sim", NULL, "seed", b, sizeof b), "--set");
    }
    for (size_t v = 0; v < vs.n; v++)
        scn_free(&s[v]);
    free(s);
    scn_variants_free(&vs);
    cli_scn_args_free(&a);
    /* Errors: all or nothing. */
    char *bad[] = {"smoke", "--vary", "sim.warmup=1ms,5"};
    TAP_EQ(parse(&a, CLI_ACCEPT_VARY, 3, bad), 0);
    printf("# expected error follows:\n");
    TAP_EQ(cli_build_variants("test", &a, &vs, &s), 2);
    TAP_CHECK(s == NULL);
    cli_scn_args_free(&a);
    char *bad2[] = {"smok", "--vary", "sim.warmup=1ms,2ms"};
    TAP_EQ(parse(&a, CLI_ACCEPT_VARY, 3, bad2), 0);
    TAP_EQ(cli_build_variants("test", &a, &vs, &s), 2);
    cli_scn_args_free(&a);
    /* A key in two places would lose one value: refused. */
    char *twice[][5] = {
        {"smoke", "--vary", "sim.warmup=1ms,2ms", "--vary", "sim.warmup=3ms,4ms"},
        {"smoke", "--variant", "a:sim.warmup=1ms,sim.seed=2", "--variant", "b:sim.seed=3,sim.seed=4"},
        {"smoke", "--variant", "a:sim.warmup=1ms", "--vary", "sim.warmup=3ms,4ms"},
    };
    for (int k = 0; k < 3; k++) {
        TAP_EQ(parse(&a, CLI_ACCEPT_VARY, 5, twice[k]), 0);
        TAP_EQ(cli_build_variants("test", &a, &vs, &s), 2);
        cli_scn_args_free(&a);
    }
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

static void t_write_run(void)
{
    cli_scn_args a;
    char out[128];
    snprintf(out, sizeof out, "%s/run.json", dir);
    char *argv[] = {"smoke", "--seed", "11", "--json", "-o", out};
    TAP_EQ(parse(&a, CLI_ACCEPT_OUTPUT, 6, argv), 0);
    struct scenario s;
    TAP_EQ(cli_scenario("test", &a, &s), 0);
    rep_metrics m;
    rep_metrics_init(&m);
    rep_metric(&m, 12345, "sim.events");
    rep_out o;
    TAP_EQ(cli_out_open("test", &o, a.out, 0), 0);
    TAP_EQ(cli_write_run(o.f, a.format, &s, &m), 0);
    TAP_EQ(cli_outs_commit("test", &o, 1), 0);
    char *j = slurp(out);
    TAP_CONTAINS(j, "\"scenario\": \"smoke\",\n  \"seed\": 11,\n  \"run\": 0,");
    TAP_CONTAINS(j, "\"sim.seed\": \"--seed\"");
    TAP_CONTAINS(j, "\"sim.events\": 12345");
    free(j);
    TAP_EQ(cli_out_open("test", &o, a.out, 0), 0);
    TAP_EQ(cli_write_run(o.f, CLI_FMT_CSV, &s, &m), 0);
    /* Until the commit the previous file is intact. */
    j = slurp(out);
    TAP_CONTAINS(j, "\"sim.events\": 12345");
    free(j);
    TAP_EQ(cli_outs_commit("test", &o, 1), 0);
    j = slurp(out);
    TAP_CONTAINS(j, "# seed 11\n");
    TAP_CONTAINS(j, "metric,value,unit,lo,hi\nsim.events,12345,count,,\n");
    free(j);
    printf("# expected error follows:\n");
    TAP_EQ(cli_out_open("test", &o, "/nonexistent/dir/x", 0), 3);
    rep_metrics_free(&m);
    scn_free(&s);
    cli_scn_args_free(&a);
}

/* A 2-shard sweep as the sweep command writes it. */
static void t_sharded_sweep(void)
{
    cli_scn_args a;
    char *argv[] = {"smoke", "--vary", "sim.warmup=0ms,1ms,2ms"};
    TAP_EQ(parse(&a, CLI_ACCEPT_VARY, 3, argv), 0);
    scn_variants vs;
    struct scenario *s;
    TAP_EQ(cli_build_variants("test", &a, &vs, &s), 0);
    size_t R = 2;
    char rdir[128];
    snprintf(rdir, sizeof rdir, "%s/results/a", dir);
    TAP_EQ(cli_mkdirs("test", rdir), 0);
    for (unsigned sh = 1; sh <= 2; sh++) {
        char name[64], path[300];
        rep_results_file_name(name, sizeof name, sh, 2);
        snprintf(path, sizeof path, "%s/%s", rdir, name);
        FILE *f = fopen(path, "w");
        TAP_CHECK(f != NULL);
        if (!f)
            continue;
        rep_config c;
        rep_header h = cli_header(&s[0], &c);
        rep_results_writer w;
        rep_stream st[3] = {{1, 0}, {1, 0}, {1, 0}};
        rep_results_begin(&w, f, &h, R, (scn_shard){sh, 2}, &vs, st);
        rep_config_free(&c);
        for (size_t j = 0; j < vs.n * R; j++) {
            if (!scn_shard_owns((scn_shard){sh, 2}, j))
                continue;
            size_t v = j / R, r = j % R;
            rep_metrics m;
            rep_metrics_init(&m);
            /* "model": latency grows with the warm-up, plus noise by run */
            rep_metric(&m, (double)s[v].sim.warmup / 1000 + (double)r, "wake.latency_ns.p50");
            rep_results_job(&w, v, r, &m);
            rep_metrics_free(&m);
        }
        TAP_EQ(rep_results_end(&w), 0);
        fclose(f);
    }
    rep_results r;
    scn_errors e;
    scn_errors_init(&e);
    rep_results_init(&r);
    TAP_EQ(rep_results_read_path(&r, rdir, &e), 0);
    TAP_EQ(rep_results_complete(&r, &e), 0);
    rep_compare c;
    rep_results_compare(&r, &c);
    TAP_EQ(c.nv, 3);
    TAP_STREQ(c.vname[2], "sim.warmup=2ms");
    TAP_NEAR(c.st[2].mean, 2000.5, 1e-9);
    TAP_NEAR(c.df[2].diff, 2000, 1e-9);
    TAP_EQ(r.config.n > 0, 1);
    rep_compare_free(&c);
    rep_results_free(&r);
    scn_errors_free(&e);
    for (size_t v = 0; v < vs.n; v++)
        scn_free(&s[v]);
    free(s);
    scn_variants_free(&vs);
    cli_scn_args_free(&a);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hv_cli_scn_XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    TAP_RUN(t_args);
    TAP_RUN(t_variants);
    TAP_RUN(t_write_run);
    TAP_RUN(t_sharded_sweep);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd))
        printf("# could not remove %s\n", dir);
    return tap_done();
}
