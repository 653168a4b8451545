/*
 * report/json.h — a strict JSON reader (RFC 8259) for the outputs hvwake
 * reads back: run --json and compare/merge --json (plot, report).
 *
 * rep_json_parse() builds a tree of values from a whole text: objects keep
 * their members in order (duplicate names are an error), numbers are
 * doubles (strtod of the literal; a literal that overflows is an error),
 * strings are UTF-8 with every escape decoded (\uXXXX, surrogate pairs;
 * a lone surrogate or a NUL is an error). Anything else — trailing text,
 * a trailing comma, NaN, a leading zero, control characters in strings,
 * nesting deeper than 64 — is refused with "line L, column C: what is
 * wrong; expected ...". The tree is owned by the rep_json_doc; values
 * point into it.
 */
#ifndef HV_REPORT_JSON_H
#define HV_REPORT_JSON_H

#include <stddef.h>

typedef enum { REP_JSON_NULL, REP_JSON_BOOL, REP_JSON_NUMBER, REP_JSON_STRING, REP_JSON_ARRAY, REP_JSON_OBJECT } rep_json_type;

typedef struct rep_json {
    rep_json_type type;
    double num;              /* NUMBER; BOOL: 0 or 1 */
    char *str;               /* STRING */
    size_t n;                /* ARRAY, OBJECT: members */
    struct rep_json *item;   /* ARRAY, OBJECT: n values */
    char **key;              /* OBJECT: n names */
} rep_json;

typedef struct rep_json_doc {
    rep_json root;
} rep_json_doc;

/* Parse text[0..len). 0, or -1 with the reason in why. */
int rep_json_parse(rep_json_doc *d, const char *text, size_t len, char *why, size_t whyn);
void rep_json_free(rep_json_doc *d);
/* The member name of an object, or NULL (also when o is not an object). */
const rep_json *rep_json_get(const rep_json *o, const char *name);

#endif
