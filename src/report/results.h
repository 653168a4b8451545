/*
 * report/results.h — the results directory of sweep, and merge.
 *
 * A sweep of N shards writes N files into one directory, each named
 * rep_results_file_name() = "shard-IIII-of-NNNN.csv" (1/1 for an unsharded
 * sweep). A file is CSV with '#' lines (read with comment='#'); format 3:
 *
 *   # hvwake-results 3                  format and version (first line)
 *   # hvwake 0.1.0                      program version
 *   # source v0.1.0-12-gabc123          source revision (hv_source())
 *   # scenario default
 *   # seed 1
 *   # replications 4                    R
 *   # shard 2/4
 *   # variant 0 base                    every variant: index and name,
 *   # stream 0 1 0                      the seed and first run of its runs,
 *   # variant 1 no-M1                   then its assignments, if any
 *   # stream 1 1 0
 *   # set 1 kvm.h_ipi_redirect=0
 *   # config sim.seed=1 (default)       the base configuration, every key
 *   variant,run,metric,value
 *   1,0,sim.events,123456               one job's rows: its metrics (its full
 *   ...                                 set), then its histograms in the flat
 *   1,0,wake.latency_ns@n,3             form of report/metrics.h (NAME@n =
 *   1,0,wake.latency_ns@1024,2          the total, NAME@LOWER = the count of
 *   1,0,wake.latency_ns@1032,1          the bucket starting at LOWER)
 *   # job 1 0 rows 190 crc32 1a2b3c4d   then its end line
 *   ...                                 the shard's jobs, in job order
 *   # end jobs 2 crc32 0badf00d         the last line
 *
 * Values are the shortest decimal text that reads back to the same double
 * (empty = NaN), so a merge is exact. A job's crc32 is the CRC-32 (IEEE, as
 * zlib's crc32()) of its row lines, newlines included; the end line's crc32
 * covers every byte of the file before it. Configuration values are written
 * on one line (rep_text_oneline). Variants whose stream equals variant 0's
 * ran on the same random numbers: their differences are paired
 * (report/compare.h).
 *
 * The reader (merge, plot) refuses, naming the file and line:
 *   - another format, a header line it does not know or twice, rows before
 *     a complete header;
 *   - a row that does not parse: variant < V, run < R, a metric name, a
 *     finite decimal number or nothing (NaN); "nan", "inf", hex or an
 *     overflowing value are errors;
 *   - a job whose rows are not followed by its end line, whose row count or
 *     checksum differs from it, a job twice, a job of another shard; a
 *     histogram row out of place, out of order, or whose buckets do not add
 *     up to its total;
 *   - a file without its end line (truncated), with text after it, whose
 *     job count is not the shard's or whose checksum differs (a changed
 *     header);
 *   - files of different experiments: the first difference in hvwake
 *     version, source revision, scenario, seed, replications, shard count,
 *     variants (names, streams and assignments) or any configuration value;
 *   - every run of a variant must have the same metric names, in order.
 * Only the first error of each file is reported (the rest would follow
 * from it). rep_results_complete() then names every shard with no file and
 * the variants it would have held.
 */
#ifndef HV_REPORT_RESULTS_H
#define HV_REPORT_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/compare.h"
#include "report/metrics.h"
#include "report/output.h"
#include "scn/errors.h"
#include "scn/variants.h"

#define REP_RESULTS_MAGIC "# hvwake-results 3"

/* CRC-32 (IEEE 802.3, reflected, as zlib): crc = rep_crc32(crc, p, n),
 * starting from 0. */
uint32_t rep_crc32(uint32_t crc, const void *p, size_t n);

/* "shard-0002-of-0004.csv" */
void rep_results_file_name(char *buf, size_t n, unsigned shard_i, unsigned shard_n);

/* ---- writing (sweep; report/results_write.c) ---- */
typedef struct rep_results_writer {
    FILE *f;
    uint32_t crc; /* of every byte written so far */
    size_t jobs;
} rep_results_writer;

/* The header (h: version, source, scenario, seed, base configuration;
 * streams[v]: variant v's seed and first run). */
int rep_results_begin(rep_results_writer *w, FILE *f, const rep_header *h, size_t replications,
                      scn_shard shard, const scn_variants *vs, const rep_stream *streams);
/* One job: its rows, then its end line. */
int rep_results_job(rep_results_writer *w, size_t variant, size_t run, const rep_metrics *m);
/* The file's end line. Every function returns 0 or HV_EIO (ferror). */
int rep_results_end(rep_results_writer *w);

/* ---- reading (merge, plot) ----
 * report/results.c: the object and the reader of one file;
 * report/results_dir.c: files by path, directories, completeness. */
typedef struct rep_results {
    char *version, *source, *scenario;
    uint64_t seed;
    size_t replications;
    unsigned shard_n;      /* the files' shard count */
    unsigned char *shard;  /* [shard_n + 1]: shard i was read */
    size_t nv;
    char **vname;
    char **vsets;          /* per variant: its assignments, one per line */
    rep_stream *stream;    /* per variant: its seed and first run */
    rep_config config;
    char *first;           /* the first file read (differences name it) */
    rep_metrics *runs;     /* [v * replications + r] */
    unsigned char *have;   /* job seen */
    char **where;          /* "FILE:LINE" of the job's end line */
    char **files;          /* every file read */
    size_t nfiles;
} rep_results;

void rep_results_init(rep_results *r);
void rep_results_free(rep_results *r);
/* Add one file. Errors "FILE:LINE: ..." into e; returns 0 or HV_EPARSE. */
int rep_results_read(rep_results *r, const char *path, scn_errors *e);
/* The same from an open stream named name; header_only: stop after the
 * header (checked against the files read before, or adopted), reading no
 * job (sweep compares a directory's files with its own header this way). */
int rep_results_read_stream(rep_results *r, FILE *f, const char *name, int header_only, scn_errors *e);
/* A directory: every shard-*.csv in it (in name order), or a single file. */
int rep_results_read_path(rep_results *r, const char *path, scn_errors *e);
/* The header of every shard-*.csv in dir but the file named skip (a
 * missing dir has none), checked against r's first header: a sweep adds
 * its file only to shards of the same experiment. 0 or HV_EPARSE. */
int rep_results_check_dir(rep_results *r, const char *dir, const char *skip, scn_errors *e);
/* Every shard and job present, and each variant's runs with the same
 * metrics? Else one error per missing shard (its variants and runs) and
 * per inconsistency. 0 or HV_EPARSE. */
int rep_results_complete(const rep_results *r, scn_errors *e);
void rep_results_compare(const rep_results *r, rep_compare *c);
/* The header of merged output (points into r). */
rep_header rep_results_header(const rep_results *r);

/* ---- every input of plot and report (report/results_import.c) ----
 * Results directories and files (the shards of one sweep: read and checked
 * as merge does), or one output of run, compare or merge in --json or
 * --csv (told apart by their first bytes). A run is one variant named
 * "run N" with one replication. Refused with the file and line (CSV) or
 * line and column (JSON): anything that does not parse, a job twice or
 * missing, a histogram whose buckets are not hvwake's or do not add up to
 * its count. 0 or HV_EPARSE. */
int rep_results_read_any(rep_results *r, int n, char *const *paths, scn_errors *e);

/* ---- an experiment run in this process (compare) ----
 * The header, variants and streams as a sweep would write them, every job
 * empty: the caller fills runs[v * R + k] and sets have[]. */
void rep_results_local(rep_results *r, const rep_header *h, size_t replications, const scn_variants *vs,
                       const rep_stream *streams);

/* ---- outputs of compare and merge (report/results_export.c) ----
 * JSON: {"hvwake", "source", "scenario", "seed", "replications",
 *   "config": {KEY: typed value}, "origin": {KEY: "where it was set"},
 *   "variants": [NAME...], "variant_sets": [{KEY: typed value}...],
 *   "streams": [{"seed", "run"}...], "tests": ["none", "paired"...],
 *   "metrics": {NAME: [{"n", "mean", "sd", "ci"[, "diff", "diff_ci",
 *     "ratio", "significant", "test"]} per variant]},
 *   "runs": [{"variant": V, "run": RUN, "metrics": {...},
 *     "histograms": {...}} per job]}
 * (values typed by the option table: numbers, TIME in ns, booleans;
 * strings otherwise). Tidy CSV: the '#' header of a results file (without
 * format and shard lines), then
 *   variant,KEY1,...,KEYk,run,metric,value,unit,lo,hi
 * one row per (variant, run, metric) and per histogram bucket
 * (metric PREFIX.bucket, value its count, lo/hi its bounds), with one
 * column per varied key holding the variant's value (its assignment, or
 * the base configuration's). RUN is the sim.run the job ran with. */
int rep_results_write_json(FILE *f, const rep_results *r, const rep_compare *c);
int rep_results_write_csv(FILE *f, const rep_results *r);
/* Every key a variant assigns (the varied keys), in order of first
 * appearance; free with rep_results_keys_free. */
size_t rep_results_keys(const rep_results *r, char ***keys);
void rep_results_keys_free(char **keys, size_t n);
/* 1 if variant v assigns key. */
int rep_results_assigns(const rep_results *r, size_t v, const char *key);
/* Variant v's value of key as text: its assignment, else the base
 * configuration's; NULL if neither has it. */
const char *rep_results_value(const rep_results *r, size_t v, const char *key, char *buf, size_t n);
/* The JSON literal of a configuration value from its text, typed by the
 * option table (TIME/NS as integer ns, PERCENT as a fraction, booleans);
 * -1 for strings, enums and unknown keys (write the text as a string). */
int rep_value_json(const char *name, const char *text, char *buf, size_t n);
/* The value spec of a configuration name ("sim.duration", "vm.db.vcpus",
 * "vm.*.vcpus", "cost.NAME"), or NULL if no key has that name. */
struct scn_valspec;
const struct scn_valspec *rep_key_spec(const char *name);

#endif
