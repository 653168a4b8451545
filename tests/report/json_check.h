/* A tiny strict JSON parser for the tests (RFC 8259 subset: no duplicate
 * check). json_parse() returns 0 if the whole text is one valid value; for
 * every number member of an object it calls on_num(key, value). */
#ifndef HV_TESTS_JSON_CHECK_H
#define HV_TESTS_JSON_CHECK_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef void (*json_num_fn)(void *ctx, const char *key, double v);

typedef struct jp {
    const char *p;
    json_num_fn fn;
    void *ctx;
    char key[512];
    int depth;
} jp;

static void jws(jp *j)
{
    while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
        j->p++;
}

static int jstring(jp *j, char *out, size_t n)
{
    size_t o = 0;
    if (*j->p != '"')
        return -1;
    j->p++;
    while (*j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20 || !c)
            return -1;
        if (c == '\\') {
            j->p++;
            char e = *j->p;
            if (e == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (!isxdigit((unsigned char)j->p[k]))
                        return -1;
                unsigned v = (unsigned)strtoul((char[]){j->p[1], j->p[2], j->p[3], j->p[4], 0}, NULL, 16);
                c = (unsigned char)v;
                j->p += 4;
            } else if (strchr("\"\\/bfnrt", e) && e) {
                c = (unsigned char)(e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e);
            } else
                return -1;
        }
        if (out && o + 1 < n)
            out[o++] = (char)c;
        j->p++;
    }
    if (out)
        out[o] = 0;
    j->p++;
    return 0;
}

static int jvalue(jp *j);

static int jnumber(jp *j, double *v)
{
    const char *s = j->p;
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (isdigit((unsigned char)*s))
            s++;
    else
        return -1;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return -1;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return -1;
        while (isdigit((unsigned char)*s))
            s++;
    }
    *v = strtod(j->p, NULL);
    j->p = s;
    return 0;
}

static int jvalue(jp *j)
{
    jws(j);
    if (++j->depth > 64)
        return -1;
    int rc = 0;
    if (*j->p == '{') {
        j->p++;
        jws(j);
        if (*j->p == '}')
            j->p++;
        else
            for (;;) {
                jws(j);
                char key[512];
                if (jstring(j, key, sizeof key))
                    return -1;
                jws(j);
                if (*j->p++ != ':')
                    return -1;
                jws(j);
                if (*j->p == '-' || isdigit((unsigned char)*j->p)) {
                    double v;
                    if (jnumber(j, &v))
                        return -1;
                    if (j->fn)
                        j->fn(j->ctx, key, v);
                } else if (jvalue(j))
                    return -1;
                jws(j);
                if (*j->p == ',') {
                    j->p++;
                    continue;
                }
                if (*j->p++ != '}')
                    return -1;
                break;
            }
    } else if (*j->p == '[') {
        j->p++;
        jws(j);
        if (*j->p == ']')
            j->p++;
        else
            for (;;) {
                if (jvalue(j))
                    return -1;
                jws(j);
                if (*j->p == ',') {
                    j->p++;
                    continue;
                }
                if (*j->p++ != ']')
                    return -1;
                break;
            }
    } else if (*j->p == '"')
        rc = jstring(j, NULL, 0);
    else if (!strncmp(j->p, "true", 4))
        j->p += 4;
    else if (!strncmp(j->p, "false", 5))
        j->p += 5;
    else if (!strncmp(j->p, "null", 4))
        j->p += 4;
    else {
        double v;
        rc = jnumber(j, &v);
    }
    j->depth--;
    return rc;
}

static int json_parse(const char *text, json_num_fn fn, void *ctx)
{
    jp j = {text, fn, ctx, "", 0};
    if (jvalue(&j))
        return -1;
    jws(&j);
    return *j.p ? -1 : 0;
}

#endif
