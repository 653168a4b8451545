/*
 * report/output.h — run outputs: the plain-text summary, JSON and CSV of one
 * run's metrics (report/metrics.h), each headed by the version, scenario,
 * seed, run and the effective configuration with provenance.
 *
 * Formats (docs/metrics.md, docs/cli.md):
 *   text  header lines (version, source revision, scenario, seed, run), the configuration, then two aligned tables: scalar
 *         metrics (metric | value | unit) and distributions (rows of
 *         PREFIX.count/.mean/.min/.p50/.p90/.p99/.p999/.max as added by
 *         rep_metric_hist), units in the headers.
 *   JSON  {"hvwake": VERSION, "source": REVISION, "scenario": NAME, "seed": S, "run": R,
 *          "config": {"sim.seed": 1, ...}, "origin": {"sim.seed": "default"},
 *          "metrics": {"dotted.name": number, ...},
 *          "histograms": {"wake.latency_ns": {"unit": "ns", "count": N,
 *                         "buckets": [[lo, hi, count], ...]}, ...}}
 *         One member per line, insertion order; numbers are the shortest text
 *         that reads back to the same double; NaN/Inf are null; strings are
 *         escaped (\" \\ \b \f \n \r \t, other controls \u00XX; UTF-8
 *         passes through).
 *   CSV   "# key value" header lines (read with comment='#'), then
 *         "metric,value,unit,lo,hi", one row per metric (lo, hi empty),
 *         then one row "PREFIX.bucket,COUNT,count,LO,HI" per histogram
 *         bucket (RFC 4180 quoting). compare and merge write the tidy
 *         form of report/results.h.
 *   An undefined value (NaN: a statistic of no samples) is null in JSON,
 *   an empty cell in CSV and "-" in text.
 * Output depends only on the inputs: byte-identical for identical inputs.
 *
 * Units come from the metric name (docs/metrics.md): the last name component
 * (without a .count/.mean/.pNN/... suffix) ending in _ns -> ns, _us -> us,
 * _frac -> fraction, _per_s -> 1/s, _bytes -> bytes, else count.
 */
#ifndef HV_REPORT_OUTPUT_H
#define HV_REPORT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/metrics.h"

/* The effective configuration, flat: what the header echoes. */
typedef struct rep_setting {
    char *name;   /* "sim.duration", "vm.db.vcpus", "cost.rm_entry" */
    char *text;   /* canonical, re-parseable by --set: "100ms" */
    char *json;   /* JSON literal (100000000, true), or NULL: text as a string */
    char *origin; /* "default", "file.ini:12", "--set" */
} rep_setting;

typedef struct rep_config {
    rep_setting *v;
    size_t n, cap;
} rep_config;

void rep_config_init(rep_config *c);
void rep_config_free(rep_config *c);
void rep_config_add(rep_config *c, const char *name, const char *text, const char *json, const char *origin);
/* Same signature as scn_visit_fn: scn_visit(s, rep_config_visit, &config). */
void rep_config_visit(void *config, const char *name, const char *text, const char *json,
                      const char *origin);

typedef struct rep_header {
    const char *version;      /* HV_VERSION */
    const char *scenario;     /* preset name or file */
    uint64_t seed, run;
    const rep_config *config; /* may be NULL */
    const char *source;       /* hv_source(): the source revision; NULL = "unknown" */
} rep_header;

/* h->source, or "unknown". */
const char *rep_header_source(const rep_header *h);

/* JSON string literal of s (with quotes). */
void rep_json_string(FILE *f, const char *s);
/* JSON number text of v: shortest round-trip decimal; "null" if not finite. */
void rep_json_number(double v, char *buf, size_t n);
/* One histogram as a JSON member: "NAME": {"unit": U, "count": N,
 * "buckets": [[lo, hi, count], ...]} (values in [lo, hi), in the unit). */
void rep_json_hist(FILE *f, const rep_hist *h);
/* The CSV rows of a run's metrics: LEAD NAME,VALUE,UNIT,, per metric (an
 * empty value for null), then LEAD NAME.bucket,COUNT,count,LO,HI per
 * bucket of each histogram (LEAD: the leading cells of the tidy forms, ""
 * for a run). */
void rep_csv_metric_rows(FILE *f, const char *lead, const rep_metrics *m);
/* CSV field (quoted if it holds , " CR or LF). */
void rep_csv_field(FILE *f, const char *s);
/* s for one line of a text header: control characters as \n, \t, \xHH
 * (truncated to fit buf). Returns buf. */
const char *rep_text_oneline(const char *s, char *buf, size_t n);
/* Unit of a metric from its name (see above). */
const char *rep_metric_unit(const char *name);

int rep_write_text(FILE *f, const rep_header *h, const rep_metrics *m);
int rep_write_json(FILE *f, const rep_header *h, const rep_metrics *m);
int rep_write_csv(FILE *f, const rep_header *h, const rep_metrics *m);

#endif
