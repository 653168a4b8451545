#include "scn/errors.h"

#include "base/hv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void scn_errors_init(scn_errors *e) { memset(e, 0, sizeof *e); }

void scn_errors_free(scn_errors *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->msg[i]);
    free(e->msg);
    memset(e, 0, sizeof *e);
}

size_t scn_errors_count(const scn_errors *e) { return e->n + e->dropped; }

int scn_errors_at_limit(scn_errors *e)
{
    if (e->n < SCN_ERRORS_MAX)
        return 0;
    e->stopped = 1;
    return 1;
}

void scn_error(scn_errors *e, const char *where, unsigned line, const char *fmt, ...)
{
    if (e->n >= SCN_ERRORS_MAX) {
        e->dropped++;
        return;
    }
    char body[1024], full[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (where && line)
        snprintf(full, sizeof full, "%s:%u: %s", where, line, body);
    else if (where)
        snprintf(full, sizeof full, "%s: %s", where, body);
    else
        snprintf(full, sizeof full, "%s", body);
    if (!e->msg)
        e->msg = hv_xcalloc(SCN_ERRORS_MAX, sizeof *e->msg);
    e->msg[e->n++] = hv_xstrdup(full);
}

void scn_errors_print(const scn_errors *e, FILE *f, const char *prefix)
{
    for (size_t i = 0; i < e->n; i++)
        fprintf(f, "%s%s\n", prefix, e->msg[i]);
    if (e->dropped)
        fprintf(f, "%s... and %zu more errors\n", prefix, e->dropped);
    if (e->stopped)
        fprintf(f, "%s... stopped after %d errors (the limit); the rest of the input was not checked\n", prefix,
                SCN_ERRORS_MAX);
}

unsigned scn_edit_distance(const char *a, const char *b)
{
    /* Optimal string alignment: insertions, deletions, substitutions and
     * transpositions of neighbours each cost 1. */
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 1000;
    unsigned d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *scn_suggest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    unsigned bestd = 1000;
    size_t lw = strlen(word);
    unsigned limit = lw / 3 > 1 ? (unsigned)(lw / 3) : 1;
    for (size_t i = 0; candidates[i]; i++) {
        if (!strcasecmp(word, candidates[i]))
            return candidates[i];
        unsigned d = scn_edit_distance(word, candidates[i]);
        if (d < bestd) {
            bestd = d;
            best = candidates[i];
        }
    }
    return bestd <= limit ? best : NULL;
}
