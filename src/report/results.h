/*
 * report/results.h — the results directory of compare/sweep, and merge.
 *
 * A run of N shards writes N files into one directory, each named
 * rep_results_file_name() = "shard-IIII-of-NNNN.csv" (1/1 for an unsharded
 * run). A file is CSV with '#' header lines:
 *
 *   # hvwake-results 1                  format and version (first line)
 *   # hvwake 0.1.0                      program version
 *   # scenario default
 *   # seed 1
 *   # replications 4                    R
 *   # shard 2/4
 *   # variant 0 base                    every variant, index and name
 *   # variant 1 kvm.h_ipi_redirect=0
 *   # config sim.seed=1 (default)       the base configuration echo
 *   variant,run,metric,value
 *   1,0,sim.events,123456               the shard's jobs, any order
 *
 * Values are the shortest text that reads back to the same double (empty =
 * NaN), so a merge is exact. `hvwake merge DIR|FILE...` reads every file,
 * checks that they describe the same experiment (scenario, seed,
 * replications, variants), that no job (variant, run) appears twice and that
 * none is missing, and prints the compare table (report/compare.h).
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

#define REP_RESULTS_MAGIC "# hvwake-results 1"

typedef struct rep_results {
    char *version, *scenario;
    uint64_t seed;
    size_t replications;
    size_t nv;
    char **vname;
    rep_config config;
    rep_metrics *runs;    /* [v * replications + r] */
    unsigned char *have;  /* job seen */
    char **where;         /* file that held the job (for duplicate messages) */
    size_t nfiles;
} rep_results;

/* "shard-0002-of-0004.csv" */
void rep_results_file_name(char *buf, size_t n, unsigned shard_i, unsigned shard_n);
int rep_results_write_header(FILE *f, const rep_header *h, size_t replications, unsigned shard_i,
                             unsigned shard_n, size_t nv, const char *const *vnames);
int rep_results_write_run(FILE *f, size_t variant, size_t run, const rep_metrics *m);

void rep_results_init(rep_results *r);
void rep_results_free(rep_results *r);
/* Add one file. Errors "FILE:LINE: ..." into e; returns 0 or HV_EPARSE. */
int rep_results_read(rep_results *r, const char *path, scn_errors *e);
/* A directory: every shard-*.csv in it (in name order), or a single file. */
int rep_results_read_path(rep_results *r, const char *path, scn_errors *e);
/* Every job present? Else one error per missing job (at most 20 listed). */
int rep_results_complete(const rep_results *r, scn_errors *e);
void rep_results_compare(const rep_results *r, rep_compare *c);
/* The header of merged output (points into r). */
rep_header rep_results_header(const rep_results *r);

#endif
