/* Output files written whole or not at all; see outfile.h. */
#define _GNU_SOURCE /* fopencookie (and realpath) */
#include "report/outfile.h"

#include "base/hv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

/* A stream over a file descriptor that keeps the errno of its first failed
 * write: stdio keeps only an error flag, and by the time the output is
 * closed errno may be another call's (or 0, when the failed write was an
 * earlier flush and nothing is left to flush). */
struct rep_sink {
    int fd;
    int own; /* close fd with the stream */
    int err; /* the first write or close error, 0 if none */
};

static ssize_t sink_write(void *c, const char *buf, size_t n)
{
    struct rep_sink *s = c;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(s->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (!s->err)
                s->err = w < 0 ? errno : EIO;
            return (ssize_t)done; /* fopencookie(3): 0 on error, never negative */
        }
        done += (size_t)w;
    }
    return (ssize_t)n;
}

static int sink_close(void *c)
{
    struct rep_sink *s = c;
    if (s->own && close(s->fd)) {
        if (!s->err)
            s->err = errno;
        return -1;
    }
    return 0;
}

static FILE *sink_open(struct rep_sink *s)
{
    cookie_io_functions_t io = {.read = NULL, .write = sink_write, .seek = NULL, .close = sink_close};
    return fopencookie(s, "w", io);
}

/* Standard output through a sink (rep_out_stdout_init). */
static struct rep_sink stdout_sink = {.fd = STDOUT_FILENO};
static FILE *stdout_stream;

void rep_out_stdout_init(void)
{
    if (stdout_stream)
        return;
    fflush(stdout);
    FILE *f = sink_open(&stdout_sink);
    if (!f)
        return; /* stdio's stdout then, with its errno as it comes */
    /* glibc: stdout is a variable that may be assigned (the manual's
     * "Standard Streams"); the original stays open, unused */
    stdout = stdout_stream = f;
}

/* The temporary files now open, for rep_out_remove_temps (signal context). */
static char *volatile temps[REP_OUT_MAX];

/* 1 + the slot now holding tmp, or 0 if the table is full. */
static int take_slot(char *tmp)
{
    for (int i = 0; i < REP_OUT_MAX; i++)
        if (!temps[i]) {
            temps[i] = tmp;
            return i + 1;
        }
    return 0;
}

void rep_out_remove_temps(void)
{
    for (int i = 0; i < REP_OUT_MAX; i++) {
        char *p = temps[i];
        if (p)
            unlink(p);
    }
}

const char *rep_out_host(void)
{
    static char host[65];
    if (!host[0]) {
        if (gethostname(host, sizeof host - 1) || !host[0])
            snprintf(host, sizeof host, "localhost");
        for (char *p = host; *p; p++)
            if (*p == '/' || *p == '.')
                *p = '_'; /* one file name component, no dots to confuse the pattern */
    }
    return host;
}

long rep_out_stale(const char *name)
{
    char pre[100];
    snprintf(pre, sizeof pre, ".tmp-%s-", rep_out_host());
    const char *at = name[0] == '.' ? strstr(name, pre) : NULL;
    if (!at)
        return 0;
    char *end;
    long pid = strtol(at + strlen(pre), &end, 10);
    if (pid <= 0 || *end != '-' || !end[1] || strspn(end + 1, "0123456789") != strlen(end + 1))
        return 0;
    return kill((pid_t)pid, 0) == 0 || errno != ESRCH ? 0 : pid; /* alive, or not ours to judge */
}

const char *rep_out_name(const rep_out *o) { return o->path ? o->path : "standard output"; }

static int fail(rep_out *o, char *err, size_t n, int e, const char *what)
{
    snprintf(err, n, "cannot write '%s': %s%s", rep_out_name(o), what ? what : strerror(e ? e : EIO),
             e == ENOENT && !what ? " (the directory does not exist)" : "");
    o->failed = 1;
    return HV_EIO;
}

/* An open that failed leaves nothing behind (o zeroed, like after abort). */
static int open_fail(rep_out *o, char *err, size_t n, int e, const char *what, int rc)
{
    fail(o, err, n, e, what);
    rep_out_abort(o);
    return rc;
}

/* Directory and last component of p ("." for a bare name). */
static void split(const char *p, char *dir, size_t dn, const char **base)
{
    const char *sl = strrchr(p, '/');
    if (!sl) {
        snprintf(dir, dn, ".");
        *base = p;
    } else {
        snprintf(dir, dn, "%.*s", sl == p ? 1 : (int)(sl - p), p);
        *base = sl + 1;
    }
}

/* o writes to fd through a sink of its own (closed with it). */
static int attach(rep_out *o, int fd, char *err, size_t n)
{
    o->sink = hv_xcalloc(1, sizeof *o->sink);
    *o->sink = (struct rep_sink){.fd = fd, .own = 1};
    o->f = sink_open(o->sink);
    if (!o->f) {
        int e = errno;
        close(fd);
        return open_fail(o, err, n, e, NULL, HV_EIO);
    }
    return 0;
}

int rep_out_open(rep_out *o, const char *path, int flags, char *err, size_t n)
{
    memset(o, 0, sizeof *o);
    o->flags = flags;
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    o->path = hv_xstrdup(path);
    char real[PATH_MAX];
    struct stat st;
    int exists = stat(path, &st) == 0;
    o->target = hv_xstrdup(exists && realpath(path, real) ? real : path);
    if (exists && S_ISDIR(st.st_mode))
        return open_fail(o, err, n, 0, "it is a directory; expected a file name", HV_EINVAL);
    if (exists && S_ISREG(st.st_mode) && (flags & REP_OUT_NOREPLACE))
        return open_fail(o, err, n, 0, "it already exists; expected a new file (--force replaces it)", HV_EEXIST);
    if (exists && !S_ISREG(st.st_mode)) { /* a device or FIFO: written in place */
        int dfd = open(path, O_WRONLY | O_TRUNC);
        if (dfd < 0)
            return open_fail(o, err, n, errno, NULL, HV_EIO);
        return attach(o, dfd, err, n);
    }
    char dir[PATH_MAX];
    const char *base;
    split(o->target, dir, sizeof dir, &base);
    size_t tl = strlen(dir) + 320;
    o->tmp = hv_xmalloc(tl);
    int fd = -1, e = EEXIST;
    for (unsigned k = 0; k < 1000 && fd < 0 && e == EEXIST; k++) {
        snprintf(o->tmp, tl, "%s/.%.200s.tmp-%s-%ld-%u", dir, base, rep_out_host(), (long)getpid(), k);
        /* registered before it exists: a signal in between unlinks nothing */
        if (!(o->slot = take_slot(o->tmp)))
            return open_fail(o, err, n, 0, "too many open outputs", HV_EIO);
        fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL, flags & REP_OUT_EXEC ? 0777 : 0666);
        if (fd < 0) {
            e = errno;
            temps[o->slot - 1] = NULL;
            o->slot = 0;
        }
    }
    if (fd < 0) {
        free(o->tmp);
        o->tmp = NULL;
        return open_fail(o, err, n, e, NULL, HV_EIO);
    }
    if (exists)
        (void)fchmod(fd, st.st_mode & 07777);
    return attach(o, fd, err, n);
}

int rep_out_close(rep_out *o, char *err, size_t n)
{
    if (o->failed)
        return fail(o, err, n, 0, "an earlier write failed");
    if (!o->f)
        return 0;
    FILE *f = o->f;
    o->f = NULL;
    struct rep_sink *s = o->sink ? o->sink : f == stdout && stdout_stream == stdout ? &stdout_sink : NULL;
    errno = 0;
    int bad = fflush(f) != 0;
    int e = errno;
    bad |= ferror(f) != 0;
    if (bad && s && s->err)
        e = s->err; /* the write that failed, whenever it was */
    if (!bad && o->tmp && fsync(s ? s->fd : fileno(f)) && errno != EINVAL) {
        bad = 1;
        e = errno;
    }
    if (f != stdout) {
        errno = 0;
        if (fclose(f) && !bad) {
            bad = 1;
            e = s && s->err ? s->err : errno;
        }
    }
    return bad ? fail(o, err, n, e, NULL) : 0;
}

static void release(rep_out *o)
{
    if (o->slot)
        temps[o->slot - 1] = NULL;
    free(o->sink);
    free(o->path);
    free(o->target);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int rep_out_commit(rep_out *o, char *err, size_t n)
{
    if (rep_out_close(o, err, n)) {
        rep_out_abort(o);
        return HV_EIO;
    }
    int rc = 0;
    if (o->tmp) {
        int e = 0;
        if (o->flags & REP_OUT_NOREPLACE) {
            /* link(2) fails with EEXIST instead of replacing: atomic no-clobber.
             * File systems without hard links get a check-then-rename. */
            if (link(o->tmp, o->target) == 0)
                unlink(o->tmp);
            else if ((e = errno) != EEXIST && access(o->target, F_OK) != 0)
                e = rename(o->tmp, o->target) ? errno : 0;
            else
                e = EEXIST;
            if (e == EEXIST)
                rc = fail(o, err, n, 0, "it appeared while this run wrote it; not replaced (--force replaces it)");
        } else if (rename(o->tmp, o->target))
            e = errno;
        if (e && !rc)
            rc = fail(o, err, n, e, NULL);
        if (rc)
            unlink(o->tmp);
    }
    release(o);
    return rc;
}

void rep_out_abort(rep_out *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}

/* The directory entry p names: its directory resolved, then its last
 * component (a missing directory: p as written). */
static void canon(const char *p, char *out, size_t n)
{
    char dir[PATH_MAX], real[PATH_MAX];
    const char *base;
    if (realpath(p, real)) {
        snprintf(out, n, "%s", real);
        return;
    }
    split(p, dir, sizeof dir, &base);
    if (realpath(dir, real))
        snprintf(out, n, "%s/%s", real, base);
    else
        snprintf(out, n, "%s", p);
}

int rep_out_same_path(const char *a, const char *b)
{
    int sa = !a || !strcmp(a, "-"), sb = !b || !strcmp(b, "-");
    if (sa || sb)
        return sa && sb;
    char ca[PATH_MAX + 256], cb[PATH_MAX + 256];
    canon(a, ca, sizeof ca);
    canon(b, cb, sizeof cb);
    return !strcmp(ca, cb);
}
