/*
 * report/progress.h — the progress line on stderr.
 *
 *   [hvwake] sim 42.0 ms / 110.0 ms (38%)  12.3 M events/s  ETA 3 s
 *   [hvwake] sweep: 12/40 runs done, 2 running  elapsed 1:03  ETA 3 min
 *
 * The first for one run (simulated time), the second for the runs of a
 * sweep or compare (cli/pool.h): its ETA assumes the runs left take as
 * long on average as those done. Shown only when the stream is a terminal
 * and the work has lasted more than a second of wall-clock time (the
 * environment variable HVWAKE_PROGRESS_AFTER=S changes that second, e.g. 0
 * to draw at once); redrawn at most 4 times a second with '\r';
 * rep_progress_done() erases it. It never goes to stdout and never into a
 * results file, so outputs stay deterministic.
 *
 * Concurrency: single owner (the thread that runs the engine).
 */
#ifndef HV_REPORT_PROGRESS_H
#define HV_REPORT_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct rep_progress {
    FILE *f;
    int enabled;          /* isatty(f) at init; tests may set it */
    uint64_t end_ns;      /* simulated end time */
    double t0, last;      /* wall-clock seconds: start, last draw */
    double after;         /* seconds before the first draw (default 1) */
    int drawn;            /* a line was drawn (last is its time) */
    int shown;            /* a line is on the terminal */
    double (*clock)(void); /* wall clock in seconds; tests may replace it */
} rep_progress;

void rep_progress_init(rep_progress *p, FILE *f, uint64_t end_ns);
/* Call every so often (e.g. every 2^16 events): cheap when not drawing. */
void rep_progress_update(rep_progress *p, uint64_t now_ns, uint64_t events);
/* The runs line: done of total runs finished, running now. */
void rep_progress_runs(rep_progress *p, const char *cmd, size_t done, size_t total, size_t running);
/* Erase the line (before a message, and at the end). */
void rep_progress_done(rep_progress *p);
/* The line text (without '\r'), for tests. */
void rep_progress_format(char *buf, size_t n, uint64_t now_ns, uint64_t end_ns, uint64_t events,
                         double elapsed_s);
void rep_progress_runs_format(char *buf, size_t n, const char *cmd, size_t done, size_t total, size_t running,
                              double elapsed_s);

#endif
