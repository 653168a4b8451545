#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char hv_source_revision[]; /* generated: cmake/source_rev.cmake */

const char *hv_source(void) { return hv_source_revision; }

const char *hv_err_name(int err)
{
    switch (err) {
#define HV_ERR_NAME(e, v, n, m) case v: return n;
        HV_ERRORS(HV_ERR_NAME)
#undef HV_ERR_NAME
    }
    return "E?";
}

const char *hv_err_msg(int err)
{
    switch (err) {
#define HV_ERR_MSG(e, v, n, m) case v: return m;
        HV_ERRORS(HV_ERR_MSG)
#undef HV_ERR_MSG
    }
    return "unknown error";
}

void hv_die(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(HV_EXIT_CHECK);
}

void *hv_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        HV_DIE("out of memory allocating %zu bytes", n);
    return p;
}

void *hv_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        HV_DIE("out of memory allocating %zu x %zu bytes", n, size);
    return p;
}

void *hv_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        HV_DIE("out of memory reallocating to %zu bytes", n);
    return q;
}

char *hv_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(hv_xmalloc(n), s, n);
}
