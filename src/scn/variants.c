#include "scn/variants.h"

#include "base/hv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_set(scn_variant *v, const char *set, const char *origin)
{
    v->sets = hv_xrealloc(v->sets, (v->nsets + 1) * sizeof *v->sets);
    v->origins = hv_xrealloc(v->origins, (v->nsets + 1) * sizeof *v->origins);
    v->sets[v->nsets] = hv_xstrdup(set);
    v->origins[v->nsets++] = hv_xstrdup(origin);
}

static void free_variant(scn_variant *v)
{
    for (size_t i = 0; i < v->nsets; i++) {
        free(v->sets[i]);
        free(v->origins[i]);
    }
    free(v->sets);
    free(v->origins);
    free(v->name);
    free(v->origin);
    memset(v, 0, sizeof *v);
}

void scn_variants_free(scn_variants *vs)
{
    for (size_t i = 0; i < vs->n; i++)
        free_variant(&vs->v[i]);
    free(vs->v);
    memset(vs, 0, sizeof *vs);
}

/* The key of "key=value" (spaces before '=' dropped) into k. */
static void key_of(const char *set, char *k, size_t n)
{
    size_t l = strcspn(set, "=");
    while (l && set[l - 1] == ' ')
        l--;
    snprintf(k, n, "%.*s", (int)l, set);
}

typedef struct axis {
    char key[256];
    char **vals;
    size_t n;
} axis;

static int parse_u(const char *s, size_t len, long long *out)
{
    char b[32];
    if (!len || len >= sizeof b)
        return -1;
    memcpy(b, s, len);
    b[len] = 0;
    char *end;
    errno = 0;
    long long x = strtoll(b, &end, 10);
    if (*end || errno)
        return -1;
    *out = x;
    return 0;
}

static int parse_axis(axis *a, const char *arg, scn_errors *e)
{
    char where[300];
    snprintf(where, sizeof where, "--vary %s", arg);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof a->key || !eq[1]) {
        scn_error(e, where, 0, "cannot parse; expected KEY=V1,V2,... or KEY=LO..HI[/STEP]");
        return -1;
    }
    memcpy(a->key, arg, (size_t)(eq - arg));
    a->key[eq - arg] = 0;
    const char *vals = eq + 1;
    const char *dots = strstr(vals, "..");
    if (dots && !strchr(vals, ',')) {
        long long lo, hi, step = 1;
        const char *slash = strchr(dots, '/');
        size_t hl = slash ? (size_t)(slash - dots - 2) : strlen(dots + 2);
        if (parse_u(vals, (size_t)(dots - vals), &lo) || parse_u(dots + 2, hl, &hi) ||
            (slash && parse_u(slash + 1, strlen(slash + 1), &step)) || step <= 0 || hi < lo) {
            scn_error(e, where, 0, "bad range '%s'; expected LO..HI or LO..HI/STEP with integers LO <= HI and STEP > 0",
                      vals);
            return -1;
        }
        if ((hi - lo) / step + 1 > SCN_VARIANTS_MAX) {
            scn_error(e, where, 0, "range has %lld values; expected at most %d", (hi - lo) / step + 1,
                      SCN_VARIANTS_MAX);
            return -1;
        }
        for (long long x = lo; x <= hi; x += step) {
            char b[32];
            snprintf(b, sizeof b, "%lld", x);
            a->vals = hv_xrealloc(a->vals, (a->n + 1) * sizeof *a->vals);
            a->vals[a->n++] = hv_xstrdup(b);
            if (x > hi - step)
                break;
        }
        return 0;
    }
    const char *p = vals;
    for (;;) {
        size_t l = strcspn(p, ",");
        if (!l) {
            scn_error(e, where, 0, "empty value in the list; expected KEY=V1,V2,...");
            return -1;
        }
        a->vals = hv_xrealloc(a->vals, (a->n + 1) * sizeof *a->vals);
        char *v = hv_xmalloc(l + 1);
        memcpy(v, p, l);
        v[l] = 0;
        for (size_t i = 0; i < a->n; i++)
            if (!strcmp(a->vals[i], v)) {
                scn_error(e, where, 0, "value '%s' listed twice; expected distinct values", v);
                free(v);
                return -1;
            }
        a->vals[a->n++] = v;
        if (!p[l])
            break;
        p += l + 1;
    }
    return 0;
}

static int name_ok(const char *s, size_t l)
{
    if (!l)
        return 0;
    for (size_t i = 0; i < l; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.=+-", s[i]))
            return 0;
    return 1;
}

static int parse_variant(scn_variant *v, const char *arg, scn_errors *e)
{
    char where[300];
    snprintf(where, sizeof where, "--variant %s", arg);
    const char *colon = strchr(arg, ':');
    if (!colon || !name_ok(arg, (size_t)(colon - arg))) {
        scn_error(e, where, 0, "cannot parse; expected NAME:KEY=VALUE[,KEY=VALUE...] with NAME of letters, digits, _ . = + -");
        return -1;
    }
    v->name = hv_xmalloc((size_t)(colon - arg) + 1);
    memcpy(v->name, arg, (size_t)(colon - arg));
    v->name[colon - arg] = 0;
    size_t ol = strlen(v->name) + 12;
    v->origin = hv_xmalloc(ol);
    snprintf(v->origin, ol, "--variant %s", v->name);
    const char *p = colon + 1;
    if (!*p)
        return 0; /* NAME: with no changes = the base */
    for (;;) {
        size_t l = strcspn(p, ",");
        char *set = hv_xmalloc(l + 1);
        memcpy(set, p, l);
        set[l] = 0;
        if (!strchr(set, '=') || set[0] == '=') {
            scn_error(e, where, 0, "'%s' is not an assignment; expected KEY=VALUE", set);
            free(set);
            return -1;
        }
        char key[256], prev[256];
        key_of(set, key, sizeof key);
        for (size_t i = 0; i < v->nsets; i++) {
            key_of(v->sets[i], prev, sizeof prev);
            if (!strcmp(key, prev)) {
                scn_error(e, where, 0, "key %s assigned twice ('%s', then '%s'); expected each key once per variant",
                          key, v->sets[i], set);
                free(set);
                return -1;
            }
        }
        add_set(v, set, v->origin);
        free(set);
        if (!p[l])
            break;
        p += l + 1;
    }
    return 0;
}

int scn_variants_expand(scn_variants *out, const char *const *vary, size_t nvary,
                        const char *const *variant, size_t nvariant, scn_errors *e)
{
    memset(out, 0, sizeof *out);
    int failed = 0;
    axis *ax = hv_xcalloc(nvary + 1, sizeof *ax);
    for (size_t i = 0; i < nvary; i++)
        failed |= parse_axis(&ax[i], vary[i], e) != 0;
    scn_variant *ex = hv_xcalloc(nvariant + 1, sizeof *ex);
    size_t nex = nvariant;
    for (size_t i = 0; i < nvariant; i++) {
        failed |= parse_variant(&ex[i], variant[i], e) != 0;
        for (size_t j = 0; j < i && !failed; j++)
            if (ex[j].name && ex[i].name && !strcmp(ex[j].name, ex[i].name)) {
                char where[300];
                snprintf(where, sizeof where, "--variant %s", variant[i]);
                scn_error(e, where, 0, "variant name '%s' used twice; expected distinct names", ex[i].name);
                failed = 1;
            }
    }
    /* A key in two places would silently lose one of them. */
    for (size_t i = 0; i < nvary && !failed; i++) {
        char where[300];
        snprintf(where, sizeof where, "--vary %s", vary[i]);
        for (size_t k = 0; k < i && !failed; k++)
            if (!strcmp(ax[i].key, ax[k].key)) {
                scn_error(e, where, 0, "key %s is also varied by --vary %s; expected each key in one --vary",
                          ax[i].key, vary[k]);
                failed = 1;
            }
        for (size_t x = 0; x < nvariant && !failed; x++)
            for (size_t k = 0; k < ex[x].nsets && !failed; k++) {
                char key[256];
                key_of(ex[x].sets[k], key, sizeof key);
                if (!strcmp(ax[i].key, key)) {
                    scn_error(e, where, 0, "key %s is also set by --variant %s; expected each key in one place "
                              "(the --vary value would replace the variant's)", key, variant[x]);
                    failed = 1;
                }
            }
    }
    if (!nvariant) {
        nex = 1;
        ex[0].name = hv_xstrdup("base");
        ex[0].origin = hv_xstrdup("--vary");
    }
    size_t total = nex;
    for (size_t i = 0; i < nvary && !failed; i++) {
        if (ax[i].n && total > SCN_VARIANTS_MAX / ax[i].n) {
            scn_error(e, "--vary", 0, "too many variants; expected at most %d in all", SCN_VARIANTS_MAX);
            failed = 1;
        }
        total *= ax[i].n;
    }
    if (!failed) {
        out->v = hv_xcalloc(total, sizeof *out->v);
        out->n = total;
        size_t per = total / nex;
        for (size_t k = 0; k < total; k++) {
            const scn_variant *b = &ex[k / per];
            scn_variant *v = &out->v[k];
            for (size_t s = 0; s < b->nsets; s++)
                add_set(v, b->sets[s], b->origins[s]);
            char name[2048];
            size_t o = (size_t)snprintf(name, sizeof name, "%s", nvary && !nvariant ? "" : b->name);
            size_t idx = k % per, stride = per;
            for (size_t i = 0; i < nvary; i++) {
                stride /= ax[i].n;
                const char *val = ax[i].vals[(idx / stride) % ax[i].n];
                char set[1024];
                snprintf(set, sizeof set, "%s=%s", ax[i].key, val);
                add_set(v, set, "--vary");
                if (o < sizeof name)
                    o += (size_t)snprintf(name + o, sizeof name - o, "%s%s", o ? "," : "", set);
            }
            v->name = hv_xstrdup(name);
            v->origin = hv_xstrdup(b->origin);
        }
    }
    for (size_t i = 0; i < nvary; i++) {
        for (size_t j = 0; j < ax[i].n; j++)
            free(ax[i].vals[j]);
        free(ax[i].vals);
    }
    free(ax);
    for (size_t i = 0; i < nex; i++)
        free_variant(&ex[i]);
    free(ex);
    return failed ? HV_EPARSE : 0;
}

int scn_variant_apply(struct scenario *s, const scn_variant *v, const scn_parse_opts *po, scn_errors *e)
{
    int failed = 0;
    for (size_t i = 0; i < v->nsets; i++)
        failed |= scn_set(s, v->sets[i], v->origins[i], po, e) != 0;
    return failed ? HV_EPARSE : 0;
}

int scn_shard_parse(const char *text, scn_shard *out, scn_errors *e)
{
    unsigned i, n;
    char tail;
    char where[128];
    snprintf(where, sizeof where, "--shard %.100s", text);
    if (sscanf(text, "%u/%u%c", &i, &n, &tail) != 2 || text[0] == '-' || strchr(text, '-') ||
        strchr(text, '+') || strchr(text, ' ')) {
        scn_error(e, where, 0, "cannot parse; expected I/N with 1 <= I <= N (e.g. 3/8)");
        return HV_EPARSE;
    }
    if (n < 1 || i < 1 || i > n) {
        scn_error(e, where, 0, "shard %u of %u does not exist; expected 1 <= I <= N", i, n);
        return HV_EPARSE;
    }
    out->i = i;
    out->n = n;
    return 0;
}

int scn_shard_owns(scn_shard s, size_t job) { return s.n <= 1 || job % s.n == s.i - 1; }
