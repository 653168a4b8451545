#include "scn/value.h"

#include "base/hv.h"
#include "scn/text.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *scn_type_name(scn_type t)
{
    switch (t) {
#define SCN_TYPE_NAME(n, ty, s) case SCN_T_##n: return s;
        SCN_TYPES(SCN_TYPE_NAME)
#undef SCN_TYPE_NAME
    }
    return "?";
}

const char *scn_type_unit(scn_type t)
{
    switch (t) {
    case SCN_T_TIME:
    case SCN_T_NS:
        return "ns";
    case SCN_T_PERCENT:
        return "fraction";
    default:
        return "";
    }
}

void scn_fmt_double(double x, char *buf, size_t n)
{
    if (isnan(x)) {
        snprintf(buf, n, "nan");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, n, x > 0 ? "inf" : "-inf");
        return;
    }
    if (x == 0) {
        snprintf(buf, n, signbit(x) ? "-0" : "0");
        return;
    }
    if (x == floor(x) && fabs(x) < 1e17) { /* integers in plain digits */
        snprintf(buf, n, "%.0f", x);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

int scn_enum_name(const char *enums, int i, char *buf, size_t n)
{
    const char *p = enums;
    for (int k = 0; k < i; k++) {
        p = strchr(p, '|');
        if (!p)
            return -1;
        p++;
    }
    size_t l = strcspn(p, "|");
    if (l + 1 > n)
        l = n - 1;
    memcpy(buf, p, l);
    buf[l] = 0;
    return 0;
}

static void enum_list(const char *enums, char *buf, size_t n)
{
    /* "a|b|c" -> "a, b or c" */
    size_t o = 0;
    char name[128];
    int cnt = 0;
    while (scn_enum_name(enums, cnt, name, sizeof name) == 0)
        cnt++;
    buf[0] = 0;
    for (int i = 0; i < cnt && o < n; i++) {
        scn_enum_name(enums, i, name, sizeof name);
        o += (size_t)snprintf(buf + o, n - o, "%s%s", i == 0 ? "" : i == cnt - 1 ? " or " : ", ", name);
    }
}

/* Exact decimal "123.456" times 10^k into *out. Returns 0, -1 not a
 * number, -2 not a whole number, -3 overflow. */
static int decimal_times(const char *s, size_t len, int k, uint64_t *out)
{
    size_t i = 0;
    uint64_t x = 0;
    int digits = 0, fd = 0, scaled = 0;
    for (; i < len; i++) {
        if (s[i] == '.') {
            if (fd || digits == 0)
                return -1;
            fd = 1; /* seen the point; count fraction digits below */
            continue;
        }
        if (!(s[i] >= '0' && s[i] <= '9'))
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (fd) {
            fd++;
            if (scaled == k) { /* beyond ns resolution: only zeros */
                if (d)
                    return -2;
                continue;
            }
            scaled++;
        } else
            digits++;
        if (x > (UINT64_MAX - d) / 10)
            return -3;
        x = x * 10 + d;
    }
    if (digits == 0 || fd == 1)
        return -1;
    for (; scaled < k; scaled++) {
        if (x > UINT64_MAX / 10)
            return -3;
        x *= 10;
    }
    *out = x;
    return 0;
}

static int parse_time(const scn_valspec *v, const char *text, uint64_t *out, char *why, size_t whyn)
{
    char q[SCN_QUOTE_BUF], uq[SCN_QUOTE_BUF];
    const char *qt = scn_quote(text, q);
    int unit_required = v->type == SCN_T_TIME;
    size_t len = strlen(text);
    size_t nlen = 0;
    while (nlen < len && ((text[nlen] >= '0' && text[nlen] <= '9') || text[nlen] == '.'))
        nlen++;
    const char *u = text + nlen;
    while (*u == ' ')
        u++;
    int mult = 0;
    const char *what = unit_required ? "a time with a unit ns, us, ms or s (e.g. 100ms)"
                                     : "an integer number of ns, optionally with a unit ns, us, ms or s";
    if (nlen == 0) {
        snprintf(why, whyn, "'%s' is not a time; expected %s", qt, what);
        return -1;
    }
    if (*u == 0) {
        if (unit_required) {
            snprintf(why, whyn, "missing unit in '%s'; expected %s", qt, what);
            return -1;
        }
    } else if (!strcmp(u, "ns"))
        mult = 0;
    else if (!strcmp(u, "us"))
        mult = 3;
    else if (!strcmp(u, "ms"))
        mult = 6;
    else if (!strcmp(u, "s"))
        mult = 9;
    else {
        snprintf(why, whyn, "unknown unit '%s' in '%s'; expected %s", scn_quote(u, uq), qt, what);
        return -1;
    }
    int rc = decimal_times(text, nlen, mult, out);
    if (rc == -1)
        snprintf(why, whyn, "'%s' is not a time; expected %s", qt, what);
    else if (rc == -2)
        snprintf(why, whyn, "'%s' is not a whole number of nanoseconds; expected %s", qt, what);
    else if (rc == -3)
        snprintf(why, whyn, "'%s' is too large; expected at most %.0Lf ns", qt, v->max);
    return rc ? -1 : 0;
}

static void range_text(const scn_valspec *v, char *buf, size_t n)
{
    if (v->type == SCN_T_DOUBLE || v->type == SCN_T_PERCENT) {
        char a[40], b[40];
        scn_fmt_double((double)v->min, a, sizeof a);
        scn_fmt_double((double)v->max, b, sizeof b);
        snprintf(buf, n, "a number in [%s, %s]%s", a, b, v->type == SCN_T_PERCENT ? " (as a fraction)" : "");
    } else
        snprintf(buf, n, "%s in [%.0Lf, %.0Lf]%s", v->type == SCN_T_UINT || v->type == SCN_T_INT ? "an integer" : "a time",
                 v->min, v->max, v->type == SCN_T_TIME || v->type == SCN_T_NS ? " ns" : "");
}

/* Decimal notation [sign] digits [. digits] [e|E [sign] digits] with at
 * least one mantissa digit (no hex, inf, nan, blanks). Returns the length
 * of the mantissa (where the exponent starts, or len), 0 if s is not one;
 * *nonzero: a mantissa digit is not 0. */
static size_t decimal_syntax(const char *s, size_t len, int *nonzero)
{
    size_t i = s[0] == '+' || s[0] == '-';
    size_t digits = 0;
    int point = 0;
    *nonzero = 0;
    for (; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.' && !point)
            point = 1;
        else if (s[i] >= '0' && s[i] <= '9') {
            digits++;
            *nonzero |= s[i] != '0';
        } else
            return 0;
    }
    if (!digits)
        return 0;
    size_t mant = i;
    if (i == len)
        return mant;
    i++;
    i += i < len && (s[i] == '+' || s[i] == '-');
    if (i == len)
        return 0;
    for (; i < len; i++)
        if (!(s[i] >= '0' && s[i] <= '9'))
            return 0;
    return mant;
}

/* The double nearest the decimal number s (len bytes, decimal_syntax,
 * mantissa mant bytes) times 10^shift: the exponent is moved, so there is
 * one rounding ("33.3%" is the double nearest 0.333). */
static double decimal_scaled(const char *s, size_t len, size_t mant, int shift)
{
    long long ex = 0;
    for (size_t i = mant + 1 + (mant + 1 < len && (s[mant + 1] == '+' || s[mant + 1] == '-')); i < len; i++)
        if (ex < 100000000) /* far beyond any double: saturate */
            ex = ex * 10 + (s[i] - '0');
    if (mant < len && s[mant + 1] == '-')
        ex = -ex;
    char *b = hv_xmalloc(mant + 32);
    snprintf(b, mant + 32, "%.*se%lld", (int)mant, s, ex + shift);
    double x = strtod(b, NULL);
    free(b);
    return x;
}

static int parse_double(const scn_valspec *v, const char *text, double *out, char *why, size_t whyn)
{
    char rng[160], q[SCN_QUOTE_BUF];
    range_text(v, rng, sizeof rng);
    const char *qt = scn_quote(text, q);
    size_t len = strlen(text);
    int pct = v->type == SCN_T_PERCENT && len && text[len - 1] == '%';
    size_t nlen = len - (size_t)pct;
    int nonzero;
    size_t mant = nlen ? decimal_syntax(text, nlen, &nonzero) : 0;
    if (!mant) {
        snprintf(why, whyn, "'%s' is not a number; expected %s%s", qt, rng,
                 v->type == SCN_T_PERCENT ? ", or a percentage like 50%" : "");
        return -1;
    }
    double x = decimal_scaled(text, nlen, mant, pct ? -2 : 0);
    if (isinf(x)) {
        snprintf(why, whyn, "'%s' is too large for a double (above %.17g); expected %s", qt, DBL_MAX, rng);
        return -1;
    }
    if (nonzero && fabs(x) < DBL_MIN) {
        snprintf(why, whyn, "'%s' is too small for a double (not 0 but below %.17g: it would be stored as %s); expected 0 or %s",
                 qt, DBL_MIN, x == 0 ? "0" : "a less precise subnormal", rng);
        return -1;
    }
    if (x == 0 && signbit(x)) {
        snprintf(why, whyn, "'%s' is a negative zero; expected 0 without a sign, or %s", qt, rng);
        return -1;
    }
    if ((long double)x < v->min || (long double)x > v->max) {
        snprintf(why, whyn, "%s is out of range; expected %s", qt, rng);
        return -1;
    }
    *out = x;
    return 0;
}

int scn_value_parse(const scn_valspec *v, const char *text, void *field, char *why, size_t whyn)
{
    char rng[160], q[SCN_QUOTE_BUF];
    const char *qt = scn_quote(text, q);
    switch (v->type) {
    case SCN_T_BOOL: {
        static const char *const t[] = {"true", "1", "on", "yes"}, *const f[] = {"false", "0", "off", "no"};
        for (int i = 0; i < 4; i++) {
            if (!strcmp(text, t[i])) {
                *(bool *)field = true;
                return 0;
            }
            if (!strcmp(text, f[i])) {
                *(bool *)field = false;
                return 0;
            }
        }
        snprintf(why, whyn, "'%s' is not a boolean; expected true, false, 1, 0, on or off", qt);
        return -1;
    }
    case SCN_T_UINT:
    case SCN_T_INT: {
        char *end;
        errno = 0;
        range_text(v, rng, sizeof rng);
        int neg = text[0] == '-';
        const char *digits = text + (text[0] == '-' || text[0] == '+');
        if (!(*digits >= '0' && *digits <= '9') || (v->type == SCN_T_UINT && (neg || text[0] == '+'))) {
            snprintf(why, whyn, "'%s' is not %s integer; expected %s", qt,
                     v->type == SCN_T_UINT ? "an unsigned" : "an", rng);
            return -1;
        }
        if (v->type == SCN_T_UINT) {
            unsigned long long x = strtoull(text, &end, 10);
            if (*end) {
                snprintf(why, whyn, "'%s' is not an unsigned integer; expected %s", qt, rng);
                return -1;
            }
            if (errno || (long double)x < v->min || (long double)x > v->max) {
                snprintf(why, whyn, "%s is out of range; expected %s", qt, rng);
                return -1;
            }
            *(uint64_t *)field = x;
        } else {
            long long x = strtoll(text, &end, 10);
            if (*end) {
                snprintf(why, whyn, "'%s' is not an integer; expected %s", qt, rng);
                return -1;
            }
            if (x == 0 && neg) {
                snprintf(why, whyn, "'%s' is a negative zero; expected 0 without a sign, or %s", qt, rng);
                return -1;
            }
            if (errno || (long double)x < v->min || (long double)x > v->max) {
                snprintf(why, whyn, "%s is out of range; expected %s", qt, rng);
                return -1;
            }
            *(int64_t *)field = x;
        }
        return 0;
    }
    case SCN_T_DOUBLE:
    case SCN_T_PERCENT:
        return parse_double(v, text, field, why, whyn);
    case SCN_T_TIME:
    case SCN_T_NS: {
        uint64_t x;
        if (parse_time(v, text, &x, why, whyn))
            return -1;
        if ((long double)x < v->min || (long double)x > v->max) {
            range_text(v, rng, sizeof rng);
            snprintf(why, whyn, "%s (%llu ns) is out of range; expected %s", qt, (unsigned long long)x, rng);
            return -1;
        }
        *(uint64_t *)field = x;
        return 0;
    }
    case SCN_T_ENUM: {
        char name[128], list[512];
        for (int i = 0; scn_enum_name(v->enums, i, name, sizeof name) == 0; i++)
            if (!strcmp(name, text)) {
                *(int *)field = i;
                return 0;
            }
        enum_list(v->enums, list, sizeof list);
        snprintf(why, whyn, "'%s' is not a valid choice; expected %s", qt, list);
        return -1;
    }
    case SCN_T_STRING: {
        size_t len = strlen(text);
        size_t bad = scn_utf8_check(text, len);
        if (bad < len) {
            snprintf(why, whyn, "invalid UTF-8 (byte 0x%02x at offset %zu of the value); expected UTF-8 text",
                     (unsigned char)text[bad], bad);
            return -1;
        }
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)text[i];
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                snprintf(why, whyn, "control character 0x%02x at offset %zu of the value; expected text without control characters but tab",
                         c, i);
                return -1;
            }
        }
        if (len + 1 > v->size) {
            snprintf(why, whyn, "text is %zu bytes long; expected at most %zu", len, v->size - 1);
            return -1;
        }
        memcpy(field, text, len + 1);
        return 0;
    }
    }
    snprintf(why, whyn, "internal: unknown type");
    return -1;
}

void scn_value_format(const scn_valspec *v, const void *field, char *buf, size_t n)
{
    switch (v->type) {
    case SCN_T_BOOL:
        snprintf(buf, n, "%s", *(const bool *)field ? "true" : "false");
        return;
    case SCN_T_UINT:
    case SCN_T_NS:
        snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)field);
        return;
    case SCN_T_INT:
        snprintf(buf, n, "%lld", (long long)*(const int64_t *)field);
        return;
    case SCN_T_DOUBLE:
        scn_fmt_double(*(const double *)field, buf, n);
        return;
    case SCN_T_PERCENT: {
        double x = *(const double *)field;
        for (int p = 1; p <= 17; p++) {
            char scaled[64];
            snprintf(buf, n, "%.*g", p, x * 100);
            snprintf(scaled, sizeof scaled, "%se-2", buf);
            if (!strpbrk(buf, "eE") && strtod(scaled, NULL) == x) {
                size_t l = strlen(buf);
                if (l + 1 < n)
                    buf[l] = '%', buf[l + 1] = 0;
                return;
            }
        }
        scn_fmt_double(x, buf, n);
        return;
    }
    case SCN_T_TIME: {
        uint64_t x = *(const uint64_t *)field;
        if (x && x % 1000000000u == 0)
            snprintf(buf, n, "%llus", (unsigned long long)(x / 1000000000u));
        else if (x && x % 1000000u == 0)
            snprintf(buf, n, "%llums", (unsigned long long)(x / 1000000u));
        else if (x && x % 1000u == 0)
            snprintf(buf, n, "%lluus", (unsigned long long)(x / 1000u));
        else
            snprintf(buf, n, "%lluns", (unsigned long long)x);
        return;
    }
    case SCN_T_ENUM:
        if (scn_enum_name(v->enums, *(const int *)field, buf, n))
            snprintf(buf, n, "?");
        return;
    case SCN_T_STRING:
        snprintf(buf, n, "%s", (const char *)field);
        return;
    }
}

int scn_value_json(const scn_valspec *v, const void *field, char *buf, size_t n)
{
    switch (v->type) {
    case SCN_T_BOOL:
    case SCN_T_UINT:
    case SCN_T_NS:
    case SCN_T_INT:
    case SCN_T_DOUBLE:
        scn_value_format(v, field, buf, n);
        return 0;
    case SCN_T_TIME:
        snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)field);
        return 0;
    case SCN_T_PERCENT:
        scn_fmt_double(*(const double *)field, buf, n);
        return 0;
    case SCN_T_ENUM:
    case SCN_T_STRING:
        return -1;
    }
    return -1;
}
