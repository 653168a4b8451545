/*
 * report/results_internal.h — what the reader of results files (results.c)
 * and the importer of the other inputs of plot and report
 * (results_import.c) share, defined in results_csv.c; no code outside
 * report/results*.c includes it.
 */
#ifndef HV_REPORT_RESULTS_INTERNAL_H
#define HV_REPORT_RESULTS_INTERNAL_H

/* Split a CSV line into at most max fields (RFC 4180 quotes handled in
 * place). The number of fields, or -1. */
int rep__csv_split(char *line, char **f, int max);
/* Decimal digits only, at most max. 0 or -1. */
int rep__parse_u(const char *s, unsigned long long max, unsigned long long *out);
/* A value as the writers write it: empty (NaN) or a finite decimal number
 * -?D+(.D+)?([eE][+-]?D+)?. 0 or -1. */
int rep__parse_value(const char *s, double *out);

#endif
