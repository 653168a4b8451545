/*
 * libFuzzer target: the scenario reader and the option table behind it
 * (fake room set: every value type, instances, [cost]).
 *
 * Build and run (docs/scenarios.md, "Fuzzing"):
 *   cmake --workflow --preset fuzz
 *   mkdir -p build/fuzz/corpus
 *   build/fuzz/tests/scn/fuzz_scn -runs=1000000 -max_len=4096 \
 *       build/fuzz/corpus scenarios tests/scn/bad
 *
 * Properties checked beyond "no crash, no sanitizer report":
 *   - a rejected input has at least one error message, an accepted one none;
 *   - an accepted scenario's INI echo (scn_write_ini) loads back without
 *     errors to the same values (names and canonical text, in order);
 *   - every value of an accepted scenario (what reaches the JSON and text
 *     outputs) is UTF-8 without control characters other than tab;
 *   - the first line, used as a --set assignment, never crashes, and if it
 *     is accepted the same holds for the values.
 */
#define _XOPEN_SOURCE 700
#include "scn/scenario.h"
#include "scn/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const costs[] = {"rm_entry", "rm_exit", "xics_ipi", NULL};
static int cost_lookup(const char *n)
{
    for (int i = 0; costs[i]; i++)
        if (!strcmp(costs[i], n))
            return i;
    return -1;
}
static const char *cost_name(int i) { return i >= 0 && i < 3 ? costs[i] : NULL; }
static const scn_parse_opts po = {cost_lookup, cost_name, 1};

typedef struct acc {
    char *p;
    size_t n;
    FILE *f;
} acc;

static void visit(void *ctx, const char *name, const char *text, const char *json, const char *origin)
{
    (void)json;
    (void)origin;
    acc *a = ctx;
    fprintf(a->f, "%s=%s\n", name, text);
}

/* Outputs get UTF-8 text only: names, values and origins. */
static void text_ok(const char *t)
{
    size_t l = strlen(t);
    if (scn_utf8_check(t, l) != l)
        abort();
    for (size_t i = 0; i < l; i++)
        if (((unsigned char)t[i] < 0x20 && t[i] != '\t') || t[i] == 0x7f)
            abort();
}

static void visit_text(void *ctx, const char *name, const char *text, const char *json, const char *origin)
{
    (void)ctx;
    text_ok(name);
    text_ok(text);
    if (json)
        text_ok(json);
    text_ok(origin);
}

static void echo(const struct scenario *s, acc *a)
{
    a->p = NULL;
    a->n = 0;
    a->f = open_memstream(&a->p, &a->n);
    scn_visit(s, visit, a);
    fclose(a->f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scenario s;
    scn_errors e;
    scn_init(&s);
    scn_errors_init(&e);
    int rc = scn_load_buffer(&s, "fuzz.ini", (const char *)data, size, &po, &e);
    if (rc == 0)
        rc = scn_validate(&s, &e);
    if ((rc != 0) != (scn_errors_count(&e) != 0))
        abort();
    if (rc == 0) {
        scn_visit(&s, visit_text, NULL);
        text_ok(scn_description(&s));
        char *ini = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&ini, &len);
        scn_write_ini(&s, f);
        fclose(f);
        struct scenario s2;
        scn_errors e2;
        scn_init(&s2);
        scn_errors_init(&e2);
        if (scn_load_buffer(&s2, "echo.ini", ini, len, &po, &e2)) {
            scn_errors_print(&e2, stderr, "echo: ");
            fprintf(stderr, "---\n%s---\n", ini);
            abort();
        }
        acc a, b;
        echo(&s, &a);
        echo(&s2, &b);
        if (a.n != b.n || memcmp(a.p, b.p, a.n)) {
            fprintf(stderr, "echo differs:\n%s---\n%s", a.p, b.p);
            abort();
        }
        free(a.p);
        free(b.p);
        free(ini);
        scn_errors_free(&e2);
        scn_free(&s2);
    }
    scn_errors_free(&e);
    scn_free(&s);
    /* The first line as a --set. */
    size_t l = 0;
    while (l < size && l < 300 && data[l] != '\n' && data[l] != 0)
        l++;
    char set[301];
    memcpy(set, data, l);
    set[l] = 0;
    scn_init(&s);
    scn_errors_init(&e);
    rc = scn_set(&s, set, "--set", &po, &e);
    if ((rc != 0) != (e.n != 0))
        abort();
    if (rc == 0)
        scn_visit(&s, visit_text, NULL);
    scn_errors_free(&e);
    scn_free(&s);
    return 0;
}
