/*
 * scn/errors.h — collected user-input errors.
 *
 * Bad scenario input is never fatal inside the library: every problem found
 * is appended here as one line "WHERE:LINE: what is wrong; what was expected"
 * (or "WHERE: ..." when there is no line, e.g. a --set option), and the
 * function returns HV_EPARSE. The command prints them all and exits with
 * status 2 (HV_EXIT_USAGE). Nothing runs on a half-valid configuration.
 *
 * At most SCN_ERRORS_MAX messages are kept. A reader of a long input (the
 * INI reader, applying a file's entries) stops as soon as that many are
 * kept (scn_errors_at_limit): a file full of errors is read only up to its
 * SCN_ERRORS_MAX-th, and the summary line says so: "... stopped after 50
 * errors (the limit); the rest of the input was not checked". Errors
 * added beyond the bound anyway (checks that do not stop) are counted only
 * and summarised as "... and N more errors".
 *
 * Concurrency: single owner.
 */
#ifndef HV_SCN_ERRORS_H
#define HV_SCN_ERRORS_H

#include <stddef.h>
#include <stdio.h>

#define SCN_ERRORS_MAX 50

typedef struct scn_errors {
    char **msg;     /* the kept messages, in the order found */
    size_t n;       /* kept */
    size_t dropped; /* counted beyond SCN_ERRORS_MAX */
    int stopped;    /* a reader stopped at the bound */
} scn_errors;

void scn_errors_init(scn_errors *e);
void scn_errors_free(scn_errors *e);
/* Total number of errors (kept + dropped). */
size_t scn_errors_count(const scn_errors *e);
/* 1 when SCN_ERRORS_MAX messages are kept: the caller must stop reading
 * its input (this records that it stopped, for the summary line). */
int scn_errors_at_limit(scn_errors *e);
/* Append "where:line: message" (line 0: "where: message"; where NULL:
 * "message"). */
void scn_error(scn_errors *e, const char *where, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Print every message, one per line, each prefixed by prefix (may be ""),
 * then the summary lines of a stop or of dropped messages. */
void scn_errors_print(const scn_errors *e, FILE *f, const char *prefix);

/* Edit distance (optimal string alignment: insert, delete, substitute,
 * swap neighbours), for "did you mean"; strings of up to 63 bytes, longer
 * ones compare as far apart. */
unsigned scn_edit_distance(const char *a, const char *b);
/* The candidate closest to word if it is close enough to be a likely typo
 * (distance <= max(1, strlen(word) / 3), or a case-insensitive match), else
 * NULL. candidates is NULL-terminated. */
const char *scn_suggest(const char *word, const char *const *candidates);

#endif
