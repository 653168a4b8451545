/* The CSV fields and numbers of the results readers (results.c,
 * results_import.c); see results_internal.h. */
#include "report/results_internal.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>

int rep__csv_split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            char *o = ++p;
            f[n++] = o;
            for (;;) {
                if (!*p)
                    return -1;
                if (*p == '"' && p[1] == '"') {
                    *o++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else
                    *o++ = *p++;
            }
            *o = 0;
            if (*p == 0)
                return n;
            if (*p != ',')
                return -1;
            p++;
        } else {
            f[n++] = p;
            char *c = strchr(p, ',');
            if (!c)
                return n;
            *c = 0;
            p = c + 1;
        }
    }
}

int rep__parse_u(const char *s, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (max - (unsigned)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out = v;
    return 0;
}

int rep__parse_value(const char *s, double *out)
{
    if (!*s) {
        *out = NAN;
        return 0;
    }
    const char *p = s + (*s == '-');
    size_t d = strspn(p, "0123456789");
    if (!d)
        return -1;
    p += d;
    if (*p == '.') {
        if (!(d = strspn(p + 1, "0123456789")))
            return -1;
        p += 1 + d;
    }
    if (*p == 'e' || *p == 'E') {
        p += 1 + (p[1] == '+' || p[1] == '-');
        if (!(d = strspn(p, "0123456789")))
            return -1;
        p += d;
    }
    if (*p)
        return -1;
    errno = 0;
    double v = strtod(s, NULL);
    if (!isfinite(v) || (errno == ERANGE && v != 0))
        return -1;
    *out = v;
    return 0;
}
