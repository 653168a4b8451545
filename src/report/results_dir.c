/* Results files by path: a file, a directory of shards, the headers of a
 * directory checked before a sweep adds its shard, and the completeness of
 * what was read (every shard); see results.h. */
#include "report/results.h"
#include "report/outfile.h"

#include "base/hv.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* A file given twice (by name or through its directory) is named once,
 * instead of one error per job of it. 1 if path was read already. */
static int read_before(const rep_results *r, const char *path, scn_errors *e)
{
    for (size_t i = 0; i < r->nfiles; i++)
        if (rep_out_same_path(path, r->files[i])) {
            scn_error(e, path, 0, "given twice (also as %s); expected each results file once", r->files[i]);
            return 1;
        }
    return 0;
}

int rep_results_read(rep_results *r, const char *path, scn_errors *e)
{
    if (read_before(r, path, e))
        return HV_EPARSE;
    FILE *f = fopen(path, "rb");
    if (!f) {
        scn_error(e, path, 0, "cannot read: %s; expected a results file", strerror(errno));
        return HV_EPARSE;
    }
    int rc = rep_results_read_stream(r, f, path, 0, e);
    fclose(f);
    return rc;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every shard-*.csv of dir in name order, but skip; -1 if dir cannot be
 * read. */
static long shard_files(const char *dir, const char *skip, char ***out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (!strncmp(de->d_name, "shard-", 6) && l > 4 && !strcmp(de->d_name + l - 4, ".csv") &&
            (!skip || strcmp(de->d_name, skip))) {
            names = hv_xrealloc(names, (n + 1) * sizeof *names);
            size_t pl = strlen(dir) + l + 2;
            names[n] = hv_xmalloc(pl);
            snprintf(names[n++], pl, "%s/%s", dir, de->d_name);
        }
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmpstr);
    *out = names;
    return (long)n;
}

/* Read every file of names (freeing them); header_only as for streams. */
static int read_files(rep_results *r, char **names, size_t n, int header_only, scn_errors *e)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (!header_only && read_before(r, names[i], e)) {
            failed = 1;
            free(names[i]);
            continue;
        }
        FILE *f = fopen(names[i], "rb");
        if (!f)
            scn_error(e, names[i], 0, "cannot read: %s; expected a results file", strerror(errno));
        failed |= !f || rep_results_read_stream(r, f, names[i], header_only, e) != 0;
        if (f)
            fclose(f);
        free(names[i]);
    }
    free(names);
    return failed ? HV_EPARSE : 0;
}

int rep_results_read_path(rep_results *r, const char *path, scn_errors *e)
{
    struct stat st;
    if (stat(path, &st)) {
        scn_error(e, path, 0, "cannot open: %s; expected a results directory or file", strerror(errno));
        return HV_EPARSE;
    }
    if (!S_ISDIR(st.st_mode))
        return rep_results_read(r, path, e);
    char **names;
    long n = shard_files(path, NULL, &names);
    if (n < 0)
        scn_error(e, path, 0, "cannot open directory: %s; expected a results directory", strerror(errno));
    else if (!n) {
        scn_error(e, path, 0, "no shard-*.csv files; expected the output directory of a sweep");
        free(names);
    }
    return n > 0 ? read_files(r, names, (size_t)n, 0, e) : HV_EPARSE;
}

int rep_results_check_dir(rep_results *r, const char *dir, const char *skip, scn_errors *e)
{
    char **names;
    long n = shard_files(dir, skip, &names);
    if (n == 0)
        free(names);
    return n > 0 ? read_files(r, names, (size_t)n, 1, e) : 0; /* no directory yet: nothing to match */
}

/* snprintf at *o into buf[n], clamped (a long list is cut, never overrun). */
static void appendf(char *buf, size_t n, size_t *o, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void appendf(char *buf, size_t n, size_t *o, const char *fmt, ...)
{
    if (*o >= n - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *o, n - *o, fmt, ap);
    va_end(ap);
    *o = w < 0 ? n - 1 : *o + (size_t)w >= n ? n - 1 : *o + (size_t)w;
}

/* Append "NAME (runs 0,2,...)", the runs of variant v that shard s holds;
 * 0 if it holds none. */
static int shard_runs(const rep_results *r, unsigned s, size_t v, char *buf, size_t n, size_t *o)
{
    size_t R = r->replications, N = r->shard_n;
    size_t k0 = (s - 1 + N - (v * R) % N) % N; /* the first run k with (v R + k) mod N = s - 1 */
    if (k0 >= R)
        return 0;
    appendf(buf, n, o, "%s (run%s %zu", r->vname[v], k0 + N < R ? "s" : "", k0);
    int shown = 1;
    for (size_t k = k0 + N; k < R; k += N)
        if (shown++ < 4)
            appendf(buf, n, o, ",%zu", k);
        else {
            appendf(buf, n, o, ",...");
            break;
        }
    appendf(buf, n, o, ")");
    return 1;
}

int rep_results_complete(const rep_results *r, scn_errors *e)
{
    if (!r->first) {
        scn_error(e, NULL, 0, "no results read; expected at least one results file");
        return HV_EPARSE;
    }
    int missing = 0;
    for (unsigned s = 1; s <= r->shard_n; s++) {
        if (r->shard[s])
            continue;
        char name[64], list[700];
        size_t o = 0, shown = 0, more = 0;
        list[0] = 0;
        rep_results_file_name(name, sizeof name, s, r->shard_n);
        for (size_t v = 0; v < r->nv; v++) {
            if (shown < 8) {
                size_t o0 = o;
                if (shown)
                    appendf(list, sizeof list, &o, ", ");
                if (shard_runs(r, s, v, list, sizeof list, &o))
                    shown++;
                else
                    list[o = o0] = 0;
            } else {
                size_t k0 = (s - 1 + r->shard_n - (v * r->replications) % r->shard_n) % r->shard_n;
                more += k0 < r->replications;
            }
        }
        if (more)
            appendf(list, sizeof list, &o, " and %zu more variants", more);
        scn_error(e, NULL, 0, "shard %u/%u is missing (no %s): no results for %s; expected every shard: run it "
                  "with --shard %u/%u", s, r->shard_n, name, list, s, r->shard_n);
        missing = 1;
    }
    /* A shard file that was read is complete: its end line counted every
     * job of the shard, each checked to be the shard's and new. */
    return missing ? HV_EPARSE : 0;
}
