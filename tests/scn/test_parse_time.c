/*
 * A guard against quadratic parsing (issue 18: 80k entries took 18 s, a
 * 2 MB file 93 s, because the duplicate-key check scanned every entry).
 * Each case reads 10^5 entries and must take under GUARD_S seconds of CPU
 * time: about a hundred times what a linear reader needs in a sanitizer
 * build, and a small fraction of what a quadratic one needs anywhere (10^5
 * entries = 5 * 10^9 comparisons). Not a benchmark: bench/scn-parse.sh
 * measures; this only fails when the cost is of the wrong order.
 */
#include "scn/ini.h"
#include "scn/scenario.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 100000
#define GUARD_S 5.0

static char *buf;
static size_t len;

static void start(void)
{
    free(buf);
    buf = malloc((size_t)N * 48 + 64);
    len = 0;
}

#define ADD(...) (len += (size_t)sprintf(buf + len, __VA_ARGS__))

static double cpu_s(clock_t t0) { return (double)(clock() - t0) / CLOCKS_PER_SEC; }

/* 10^5 distinct keys: every one goes through the duplicate check. */
static void t_reader(void)
{
    start();
    ADD("[sim]\n");
    for (int i = 0; i < N; i++)
        ADD("k%06d = %d\n", i, i);
    scn_ini ini;
    scn_errors e;
    scn_ini_init(&ini);
    scn_errors_init(&e);
    clock_t t0 = clock();
    TAP_EQ(scn_ini_read_buffer(&ini, "big.ini", buf, len, NULL, NULL, &e), 0);
    double s = cpu_s(t0);
    printf("# %d entries, %zu bytes: %.3f s CPU\n", N, len, s);
    TAP_EQ(ini.n, N + 1);
    TAP_STREQ(ini.e[N].key, "k099999");
    TAP_CHECK(s < GUARD_S);
    /* The duplicate check still works at that size. */
    ADD("k050000 = 1\n");
    scn_ini_free(&ini);
    scn_errors_free(&e);
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read_buffer(&ini, "big.ini", buf, len, NULL, NULL, &e), -7);
    TAP_STREQ(e.n ? e.msg[0] : "", "big.ini:100002: duplicate key 'k050000' in [sim] (first set at line 50002); "
                                   "expected each key once per section in a file");
    scn_ini_free(&ini);
    scn_errors_free(&e);
}

/* A valid scenario of 10^5 entries (sections reopened; their keys once
 * each), read and applied. */
static void t_scenario(void)
{
    start();
    for (int i = 0; i < N / 2; i++)
        ADD("[sim]\n# %d\n[vm \"v%d\"]\n", i, i % 4);
    ADD("[fake]\ncount = 5\n");
    struct scenario s;
    scn_errors e;
    scn_init(&s);
    scn_errors_init(&e);
    clock_t t0 = clock();
    TAP_EQ(scn_load_buffer(&s, "big.ini", buf, len, NULL, &e), 0);
    TAP_EQ(scn_validate(&s, &e), 0);
    double sec = cpu_s(t0);
    printf("# %d entries, %zu bytes: %.3f s CPU\n", N, len, sec);
    TAP_EQ(s.n_vm, 4);
    TAP_EQ(s.fake.count, 5);
    TAP_CHECK(sec < GUARD_S);
    scn_errors_free(&e);
    scn_free(&s);
}

/* 10^5 errors: reading stops at the bound. */
static void t_errors(void)
{
    start();
    ADD("[sim]\n");
    for (int i = 0; i < N; i++)
        ADD("durration%d = 1ms\n", i);
    struct scenario s;
    scn_errors e;
    scn_init(&s);
    scn_errors_init(&e);
    clock_t t0 = clock();
    TAP_EQ(scn_load_buffer(&s, "bad.ini", buf, len, NULL, &e), -7);
    double sec = cpu_s(t0);
    printf("# %d bad entries, %zu bytes: %.3f s CPU\n", N, len, sec);
    TAP_EQ(e.n, SCN_ERRORS_MAX);
    TAP_EQ(e.stopped, 1);
    TAP_CHECK(sec < GUARD_S);
    scn_errors_free(&e);
    scn_free(&s);
}

int main(void)
{
    TAP_RUN(t_reader);
    TAP_RUN(t_scenario);
    TAP_RUN(t_errors);
    free(buf);
    return tap_done();
}
