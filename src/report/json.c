/* A strict JSON reader; see json.h. */
#include "report/json.h"

#include "base/hv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *p, *end, *start;
    char *why;
    size_t whyn;
    int failed, depth;
} parser;

static int fail(parser *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parser *s, const char *fmt, ...)
{
    if (s->failed)
        return -1;
    s->failed = 1;
    unsigned line = 1, col = 1;
    for (const char *q = s->start; q < s->p && q < s->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*q & 0xc0) != 0x80)
            col++;
    }
    int o = snprintf(s->why, s->whyn, "line %u, column %u: ", line, col);
    va_list ap;
    va_start(ap, fmt);
    if (o >= 0 && (size_t)o < s->whyn)
        vsnprintf(s->why + o, s->whyn - (size_t)o, fmt, ap);
    va_end(ap);
    return -1;
}

static void ws(parser *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int hex4(parser *s, unsigned *u)
{
    *u = 0;
    for (int k = 0; k < 4; k++) {
        if (s->p >= s->end)
            return fail(s, "the text ends inside a \\u escape; expected 4 hex digits");
        char c = *s->p++;
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
        if (d == 16)
            return fail(s, "'%c' in a \\u escape; expected 4 hex digits", c);
        *u = *u * 16 + d;
    }
    return 0;
}

static void put_utf8(char **o, unsigned c)
{
    char *q = *o;
    if (c < 0x80)
        *q++ = (char)c;
    else if (c < 0x800) {
        *q++ = (char)(0xc0 | c >> 6);
        *q++ = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        *q++ = (char)(0xe0 | c >> 12);
        *q++ = (char)(0x80 | (c >> 6 & 0x3f));
        *q++ = (char)(0x80 | (c & 0x3f));
    } else {
        *q++ = (char)(0xf0 | c >> 18);
        *q++ = (char)(0x80 | (c >> 12 & 0x3f));
        *q++ = (char)(0x80 | (c >> 6 & 0x3f));
        *q++ = (char)(0x80 | (c & 0x3f));
    }
    *o = q;
}

/* A string at s->p (the opening quote); *out is malloc'd. */
static int string(parser *s, char **out)
{
    const char *q = ++s->p;
    while (q < s->end && *q != '"')
        q += *q == '\\' ? 2 : 1;
    if (q >= s->end)
        return fail(s, "the text ends inside a string; expected its closing quote");
    char *buf = hv_xmalloc((size_t)(q - s->p) + 1), *o = buf;
    while (*s->p != '"') {
        unsigned char c = (unsigned char)*s->p;
        if (c < 0x20) {
            free(buf);
            return fail(s, "control character 0x%02x in a string; expected it escaped", c);
        }
        if (c != '\\') {
            *o++ = *s->p++;
            continue;
        }
        s->p++;
        char e = *s->p++;
        const char *esc = strchr("\"\\/bfnrt", e);
        if (e && esc) {
            *o++ = "\"\\/\b\f\n\r\t"[esc - "\"\\/bfnrt"];
            continue;
        }
        unsigned u, lo;
        if (e != 'u') {
            free(buf);
            s->p--;
            return fail(s, "unknown escape '\\%c'; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", e);
        }
        if (hex4(s, &u)) {
            free(buf);
            return -1;
        }
        if (u >= 0xd800 && u < 0xdc00) {
            if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' || (s->p += 2, hex4(s, &lo)) || lo < 0xdc00 ||
                lo > 0xdfff) {
                free(buf);
                return fail(s, "a lone high surrogate \\u%04x; expected a low surrogate after it", u);
            }
            u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        } else if ((u >= 0xdc00 && u < 0xe000) || u == 0) {
            free(buf);
            return fail(s, "\\u%04x is %s; expected a character", u, u ? "a lone low surrogate" : "NUL");
        }
        put_utf8(&o, u);
    }
    s->p++;
    *o = 0;
    *out = buf;
    return 0;
}

static int number(parser *s, double *out)
{
    const char *q = s->p;
    if (q < s->end && *q == '-')
        q++;
    if (q < s->end && *q == '0')
        q++;
    else if (q < s->end && *q >= '1' && *q <= '9')
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
    else
        return fail(s, "not a value; expected a number, string, object, array, true, false or null");
    if (q < s->end && *q == '.') {
        if (++q >= s->end || *q < '0' || *q > '9')
            return fail(s, "a number with no digit after '.'; expected digits");
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < s->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < s->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= s->end || *q < '0' || *q > '9')
            return fail(s, "a number with no exponent digits; expected digits");
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < s->end && *q >= '0' && *q <= '9')
        return fail(s, "a number with a leading zero; expected none");
    char tmp[400];
    if ((size_t)(q - s->p) >= sizeof tmp)
        return fail(s, "a number of %zu characters; expected at most %zu", (size_t)(q - s->p), sizeof tmp - 1);
    memcpy(tmp, s->p, (size_t)(q - s->p));
    tmp[q - s->p] = 0;
    errno = 0;
    *out = strtod(tmp, NULL);
    if (!isfinite(*out))
        return fail(s, "number %.40s is out of range; expected a finite double", tmp);
    s->p = q;
    return 0;
}

static int value(parser *s, rep_json *v);

static int word(parser *s, const char *w)
{
    size_t l = strlen(w);
    if ((size_t)(s->end - s->p) < l || memcmp(s->p, w, l))
        return -1;
    s->p += l;
    return 0;
}

static int container(parser *s, rep_json *v, int obj)
{
    if (++s->depth > 64)
        return fail(s, "nesting deeper than 64; expected flatter data");
    v->type = obj ? REP_JSON_OBJECT : REP_JSON_ARRAY;
    s->p++;
    ws(s);
    size_t cap = 0;
    if (s->p < s->end && *s->p == (obj ? '}' : ']')) {
        s->p++;
        s->depth--;
        return 0;
    }
    for (;;) {
        if (v->n == cap) {
            cap = cap ? cap * 2 : 8;
            v->item = hv_xrealloc(v->item, cap * sizeof *v->item);
            if (obj)
                v->key = hv_xrealloc(v->key, cap * sizeof *v->key);
        }
        rep_json *it = &v->item[v->n];
        memset(it, 0, sizeof *it);
        if (obj) {
            ws(s);
            if (s->p >= s->end || *s->p != '"')
                return fail(s, "not a member name; expected a string (a trailing comma?)");
            char *k;
            if (string(s, &k))
                return -1;
            for (size_t i = 0; i < v->n; i++)
                if (!strcmp(v->key[i], k)) {
                    fail(s, "member \"%.60s\" twice; expected each name once", k);
                    free(k);
                    return -1;
                }
            v->key[v->n] = k;
            ws(s);
            if (s->p >= s->end || *s->p != ':')
                return v->n++, fail(s, "no ':' after the member name; expected ':'");
            s->p++;
        }
        v->n++;
        if (value(s, it))
            return -1;
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == (obj ? '}' : ']')) {
            s->p++;
            s->depth--;
            return 0;
        }
        return fail(s, "%s; expected ',' or '%c'", s->p < s->end ? "unexpected character" : "the text ends",
                    obj ? '}' : ']');
    }
}

static int value(parser *s, rep_json *v)
{
    ws(s);
    if (s->p >= s->end)
        return fail(s, "the text ends; expected a value");
    switch (*s->p) {
    case '{':
        return container(s, v, 1);
    case '[':
        return container(s, v, 0);
    case '"':
        v->type = REP_JSON_STRING;
        return string(s, &v->str);
    case 't':
    case 'f':
    case 'n':
        if (!word(s, "true") || !word(s, "false")) {
            v->type = REP_JSON_BOOL;
            v->num = s->p[-4] == 't';
            return 0;
        }
        if (!word(s, "null")) {
            v->type = REP_JSON_NULL;
            return 0;
        }
        return fail(s, "not a value; expected true, false or null");
    default:
        v->type = REP_JSON_NUMBER;
        return number(s, &v->num);
    }
}

static void free_value(rep_json *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free_value(&v->item[i]);
        if (v->key)
            free(v->key[i]);
    }
    free(v->item);
    free(v->key);
    free(v->str);
    memset(v, 0, sizeof *v);
}

int rep_json_parse(rep_json_doc *d, const char *text, size_t len, char *why, size_t whyn)
{
    memset(d, 0, sizeof *d);
    parser s = {text, text + len, text, why, whyn, 0, 0};
    if (memchr(text, 0, len))
        return fail(&s, "a NUL byte in the text; expected JSON text"), -1;
    if (!value(&s, &d->root)) {
        ws(&s);
        if (s.p < s.end)
            fail(&s, "text after the value; expected nothing");
    }
    if (s.failed)
        free_value(&d->root);
    return s.failed ? -1 : 0;
}

void rep_json_free(rep_json_doc *d) { free_value(&d->root); }

const rep_json *rep_json_get(const rep_json *o, const char *name)
{
    if (!o || o->type != REP_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->key[i], name))
            return &o->item[i];
    return NULL;
}
