/*
 * report/outfile.h — output files written whole or not at all.
 *
 * Every file hvwake writes (-o, --trace, --timeline, --kernel, shard files,
 * plot scripts and data, merge output) goes through a rep_out:
 *
 *   rep_out_open    creates a temporary file next to the target, in the same
 *                   directory (".NAME.tmp-HOST-PID-K", so the final rename
 *                   stays on one file system and merge's "shard-*" scan
 *                   never sees it). Opening is the check that the directory exists and
 *                   is writable: callers open every output before the work
 *                   starts.
 *   rep_out_close   fflush, fsync and fclose the temporary file: every write
 *                   error (ENOSPC, EFBIG, EIO, a short write) surfaces here
 *                   at the latest, with the path and strerror in the message.
 *   rep_out_commit  closes if needed, then renames the temporary file onto
 *                   the target: readers see the old content or the new,
 *                   never a part. With REP_OUT_NOREPLACE an existing
 *                   regular file is never replaced (refused at open, and
 *                   the commit links with link(2), atomic: a file created
 *                   meanwhile is EEXIST, an error); hvwake's commands pass
 *                   it unless --force.
 *   rep_out_abort   closes and removes the temporary file; the target is
 *                   untouched (a previous result survives a failed run).
 *
 * Written in place, without a temporary file: NULL or "-" (standard output,
 * checked with fflush + ferror at close) and targets that exist and are not
 * regular files (/dev/null, /dev/full, a FIFO, a terminal) — renaming over
 * those would be wrong. A symbolic link is followed: the file it names is
 * replaced, the link stays. A replaced regular file keeps its permission
 * bits; a new one gets 0666 minus the umask (REP_OUT_EXEC: 0777, a script
 * or a program).
 *
 * Signals: rep_out_remove_temps() unlinks every temporary file still open
 * and is async-signal-safe, for a SIGINT/SIGTERM handler that then re-raises
 * (cli/cli_out.c). At most REP_OUT_MAX outputs are open at once.
 *
 * Errors are returned as text in err ("cannot write 'PATH': REASON"), the
 * caller prefixes "hvwake CMD: "; functions return 0 or HV_EIO.
 * Concurrency: single-threaded callers; the temp table is read by a signal
 * handler (pointer-sized slots, set before the file exists, cleared before
 * it is freed). A zeroed rep_out is a valid unopened output: close, commit
 * and abort do nothing on it.
 */
#ifndef HV_REPORT_OUTFILE_H
#define HV_REPORT_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#define REP_OUT_MAX 16

enum { REP_OUT_NOREPLACE = 1, REP_OUT_EXEC = 2 };

struct rep_sink;
typedef struct rep_out {
    FILE *f;      /* write here; NULL once closed */
    struct rep_sink *sink; /* f's file descriptor and its first write error (files) */
    char *path;   /* as given; NULL = standard output */
    char *target; /* what the rename replaces (symlinks followed) */
    char *tmp;    /* temporary file; NULL when written in place */
    int flags;    /* REP_OUT_* */
    int slot;     /* 1 + index in the temp table; 0 if none */
    int failed;   /* a close/commit failed: only abort is left */
} rep_out;

/* Standard output keeps the errno of its first failed write from here on
 * (main calls it first): a later close reports that error, not EIO. */
void rep_out_stdout_init(void);
/* Open an output for path (NULL or "-": standard output). 0, or with the
 * reason in err: HV_EINVAL (path is a directory), HV_EEXIST
 * (REP_OUT_NOREPLACE and the target exists), HV_EIO (a missing or
 * unwritable directory, too many outputs). */
int rep_out_open(rep_out *o, const char *path, int flags, char *err, size_t n);
/* Flush, sync and close (standard output: flush only). 0 or HV_EIO. */
int rep_out_close(rep_out *o, char *err, size_t n);
/* Close (if open) and rename into place. 0 or HV_EIO (the temporary file is
 * removed, the target unchanged). */
int rep_out_commit(rep_out *o, char *err, size_t n);
/* Drop the output: close and remove the temporary file. Safe on a committed,
 * aborted or zeroed rep_out. */
void rep_out_abort(rep_out *o);
/* The name to show for the output: the path, or "standard output". */
const char *rep_out_name(const rep_out *o);

/* This host's name as used in temporary names ('/' and '.' as '_'). */
const char *rep_out_host(void);
/* If name is a temporary file (".NAME.tmp-HOST-PID-K") left by a process
 * of this host that is gone, its PID; else 0 (not one, another host's, or
 * its process is alive). A SIGKILLed process leaves such files; nothing
 * reads them, and the next sweep into the directory removes them. */
long rep_out_stale(const char *name);
/* Unlink every open temporary file. Async-signal-safe. */
void rep_out_remove_temps(void);
/* 1 if paths a and b name the same file (the same directory entry, whether
 * or not it exists yet: "x", "./x" and "d/../x" are the same); "-" and NULL
 * (standard output) are the same as each other only. */
int rep_out_same_path(const char *a, const char *b);

#endif
