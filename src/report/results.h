/*
 * report/results.h — the results directory of sweep, and merge.
 *
 * A sweep of N shards writes N files into one directory, each named
 * rep_results_file_name() = "shard-IIII-of-NNNN.csv" (1/1 for an unsharded
 * sweep). A file is CSV with '#' lines (read with comment='#'); format 2:
 *
 *   # hvwake-results 2                  format and version (first line)
 *   # hvwake 0.1.0                      program version
 *   # source v0.1.0-12-gabc123          source revision (hv_source())
 *   # scenario default
 *   # seed 1
 *   # replications 4                    R
 *   # shard 2/4
 *   # variant 0 base                    every variant: index and name,
 *   # variant 1 no-M1                   then its assignments, if any
 *   # set 1 kvm.h_ipi_redirect=0
 *   # config sim.seed=1 (default)       the base configuration, every key
 *   variant,run,metric,value
 *   1,0,sim.events,123456               one job's metrics (its full set),
 *   ...
 *   # job 1 0 metrics 187 crc32 1a2b3c4d   then its end line
 *   ...                                 the shard's jobs, in job order
 *   # end jobs 2 crc32 0badf00d         the last line
 *
 * Values are the shortest decimal text that reads back to the same double
 * (empty = NaN), so a merge is exact. A job's crc32 is the CRC-32 (IEEE, as
 * zlib's crc32()) of its row lines, newlines included; the end line's crc32
 * covers every byte of the file before it. Configuration values are written
 * on one line (rep_text_oneline).
 *
 * The reader (merge, plot) refuses, naming the file and line:
 *   - another format, a header line it does not know or twice, rows before
 *     a complete header;
 *   - a row that does not parse: variant < V, run < R, a metric name, a
 *     finite decimal number or nothing (NaN); "nan", "inf", hex or an
 *     overflowing value are errors;
 *   - a job whose rows are not followed by its end line, whose row count or
 *     checksum differs from it, a job twice, a job of another shard;
 *   - a file without its end line (truncated), with text after it, whose
 *     job count is not the shard's or whose checksum differs (a changed
 *     header);
 *   - files of different experiments: the first difference in hvwake
 *     version, source revision, scenario, seed, replications, shard count,
 *     variants (names and assignments) or any configuration value;
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

#define REP_RESULTS_MAGIC "# hvwake-results 2"

/* CRC-32 (IEEE 802.3, reflected, as zlib): crc = rep_crc32(crc, p, n),
 * starting from 0. */
uint32_t rep_crc32(uint32_t crc, const void *p, size_t n);

/* "shard-0002-of-0004.csv" */
void rep_results_file_name(char *buf, size_t n, unsigned shard_i, unsigned shard_n);

/* ---- writing (sweep) ---- */
typedef struct rep_results_writer {
    FILE *f;
    uint32_t crc; /* of every byte written so far */
    size_t jobs;
} rep_results_writer;

/* The header (h: version, source, scenario, seed, base configuration). */
int rep_results_begin(rep_results_writer *w, FILE *f, const rep_header *h, size_t replications,
                      scn_shard shard, const scn_variants *vs);
/* One job: its rows, then its end line. */
int rep_results_job(rep_results_writer *w, size_t variant, size_t run, const rep_metrics *m);
/* The file's end line. Every function returns 0 or HV_EIO (ferror). */
int rep_results_end(rep_results_writer *w);

/* ---- reading (merge, plot) ---- */
typedef struct rep_results {
    char *version, *source, *scenario;
    uint64_t seed;
    size_t replications;
    unsigned shard_n;      /* the files' shard count */
    unsigned char *shard;  /* [shard_n + 1]: shard i was read */
    size_t nv;
    char **vname;
    char **vsets;          /* per variant: its assignments, one per line */
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

#endif
