/*
 * scn/value.h — typed scenario values: parse text into a config field and
 * print a field back as canonical text (re-parseable) and as a JSON literal.
 *
 * Types (the TYPE column of OPT rows, docs/scenarios.md "Value types"):
 *   BOOL     true/false, 1/0, on/off, yes/no          C type bool
 *   UINT     decimal integer >= 0                     uint64_t
 *   INT      decimal integer, optional sign           int64_t
 *   DOUBLE   decimal or exponent notation, any        double
 *            length; the nearest double, which must
 *            be 0 or normal (|x| >= DBL_MIN, finite)
 *   PERCENT  "50%" or a fraction "0.5"; stored 0.5    double (fraction)
 *            (the double nearest the decimal / 100)
 *   TIME     number + required unit ns|us|ms|s        uint64_t ns
 *            ("1.5ms"; must be a whole number of ns)
 *   NS       integer ns, unit optional ("10000", "10us")  uint64_t ns
 *   ENUM     one of the row's names "a|b|c"           int index
 *   STRING   UTF-8 without control characters but     char[N]
 *            tab, at most field size - 1 bytes
 *
 * Exactness (docs/scenarios.md "Input rules"): a value is stored as
 * written or refused, never clamped: integers exactly; a double that
 * would underflow (to 0 or a subnormal) or overflow is an error, and so is
 * a negative zero of any numeric type. Ranges: [min, max] of the row, in
 * the stored unit (ns for TIME/NS, a fraction for PERCENT), checked on the
 * stored value; unused for BOOL, ENUM, STRING. Messages quote the text
 * shortened (scn/text.h), so their "expected ..." part is always there.
 */
#ifndef HV_SCN_VALUE_H
#define HV_SCN_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(name, C type, text) */
#define SCN_TYPES(X)                                                        \
    X(BOOL, bool, "bool")                                                   \
    X(UINT, uint64_t, "uint")                                               \
    X(INT, int64_t, "int")                                                  \
    X(DOUBLE, double, "double")                                             \
    X(PERCENT, double, "percent")                                           \
    X(TIME, uint64_t, "time")                                               \
    X(NS, uint64_t, "ns")                                                   \
    X(ENUM, int, "enum")                                                    \
    X(STRING, char *, "string")

typedef enum {
#define SCN_TYPE_ENUM(n, t, s) SCN_T_##n,
    SCN_TYPES(SCN_TYPE_ENUM)
#undef SCN_TYPE_ENUM
} scn_type;

/* The C type a config field of each TYPE must have (STRING: a char array,
 * which decays to char *). Checked at compile time by scn/options.c. */
#define SCN_CTYPE_BOOL bool
#define SCN_CTYPE_UINT uint64_t
#define SCN_CTYPE_INT int64_t
#define SCN_CTYPE_DOUBLE double
#define SCN_CTYPE_PERCENT double
#define SCN_CTYPE_TIME uint64_t
#define SCN_CTYPE_NS uint64_t
#define SCN_CTYPE_ENUM int
#define SCN_CTYPE_STRING char *

/* Field declarations for generating a config struct from .def rows:
 *   #define OPT(s, k, T, d, mn, mx, h) SCN_FIELD_##T(k)
 *   #define OPT_ENUM(s, k, d, LIST, h) SCN_FIELD_ENUM(k)
 * (see scn/sim.h). STRING fields are char[SCN_STRING_LEN]. */
#define SCN_STRING_LEN 128
#define SCN_FIELD_BOOL(k) bool k;
#define SCN_FIELD_UINT(k) uint64_t k;
#define SCN_FIELD_INT(k) int64_t k;
#define SCN_FIELD_DOUBLE(k) double k;
#define SCN_FIELD_PERCENT(k) double k;
#define SCN_FIELD_TIME(k) uint64_t k;
#define SCN_FIELD_NS(k) uint64_t k;
#define SCN_FIELD_ENUM(k) int k;
#define SCN_FIELD_STRING(k) char k[SCN_STRING_LEN];

/* The "a|b|c" choice string of an ENUM key, built from the room's X-list
 * LIST(X) with rows X(ENUMERATOR, "name"): the list's string literals
 * "|a" "|b" "|c" joined, past the first '|'. An OPT_ENUM row names LIST,
 * so the enum and its choice strings are one list; scn/scenario.c asserts
 * at compile time that each ENUMERATOR equals its position (the int the
 * key stores). */
#define SCN_ENUM_CHOICE_(e, n) "|" n
#define SCN_ENUM_CHOICES(LIST) (&(LIST(SCN_ENUM_CHOICE_))[1])

const char *scn_type_name(scn_type t);
/* Unit shown by `hvwake keys` and in headers ("ns", "fraction", "" …). */
const char *scn_type_unit(scn_type t);

typedef struct scn_valspec {
    scn_type type;
    long double min, max; /* stored units */
    const char *enums;    /* "a|b|c" for ENUM (SCN_ENUM_CHOICES) */
    size_t size;          /* field size (STRING limit = size - 1) */
} scn_valspec;

/* Parse text into *field. Returns 0, or -1 and writes "what is wrong;
 * what was expected" into why. */
int scn_value_parse(const scn_valspec *v, const char *text, void *field, char *why, size_t whyn);
/* Canonical text of *field (re-parseable by scn_value_parse to the same
 * value): TIME in the largest exact unit ("100ms"), PERCENT as "50%". */
void scn_value_format(const scn_valspec *v, const void *field, char *buf, size_t n);
/* JSON literal of *field: numbers (TIME/NS as integer ns, PERCENT as the
 * fraction), true/false, or NULL for ENUM and STRING (then the JSON value is
 * the text of scn_value_format, as a string). */
int scn_value_json(const scn_valspec *v, const void *field, char *buf, size_t n);
/* The i-th name of an enum list into buf; 0, or -1 past the end. */
int scn_enum_name(const char *enums, int i, char *buf, size_t n);
/* Shortest decimal text of x that strtod() reads back as x (at most 17
 * significant digits; integers below 1e17 in plain digits: "100", not
 * "1e+02"); "nan", "inf", "-inf" for non-finite values. */
void scn_fmt_double(double x, char *buf, size_t n);

#endif
