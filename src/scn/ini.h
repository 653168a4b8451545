/*
 * scn/ini.h — the scenario file reader: a small, strict INI dialect.
 *
 * Format (docs/scenarios.md):
 *   # comment            ; comment          (whole lines; also after a value
 *                                            when preceded by whitespace)
 *   include = other.ini                     (only before the first section;
 *                                            relative to the including file)
 *   [section]                               section: [a-z][a-z0-9_]*
 *   [section "instance"]                    instance: [A-Za-z0-9_-]+ (no dots)
 *   key = value                             key: [a-z][a-z0-9_]*
 *   key = "quoted value"                    \" and \\ escapes; may hold # ;
 *
 * The reader checks only the form; the meaning of sections, keys and values
 * is checked by scn/scenario.h against the option table. A UTF-8
 * byte-order mark at the start of a file is skipped. It rejects:
 *   - binary input (a NUL or other control byte other than tab, LF and the
 *     CR of a CRLF) and text that is not UTF-8 (scn/text.h), with the
 *     offset of the first bad byte (one message per file; nothing of such
 *     a file is read),
 *   - lines longer than SCN_INI_LINE_MAX bytes,
 *   - a key set twice in the same file (same section and instance); an
 *     included file may set what its includer sets again (the includer wins),
 *   - anything after a section header, a quoted value or an include but a
 *     comment, keys outside any section, empty values,
 *   - include cycles, includes nested deeper than SCN_INI_DEPTH_MAX,
 *     includes that cannot be read, more than SCN_INI_FILES_MAX files read
 *     in all (each include counts) or more than SCN_INI_TOTAL_MAX bytes in
 *     all (so that nested includes cannot multiply the work).
 * Every error is "file:line: what is wrong; what was expected" in errs;
 * reading stops once errs holds SCN_ERRORS_MAX messages.
 *
 * Cost: linear in the bytes read (the duplicate-key check is a hash map,
 * scn/strmap.h).
 *
 * State: an ordered list of entries (in the order they take effect: an
 * include's entries come where the include line is) and the file names
 * they came from (interned; entries point into them). Every section header
 * is itself an entry with key == value == NULL, so that a section without
 * keys (`[vm "idle"]`, all defaults) still exists.
 *
 * Concurrency: single owner.
 */
#ifndef HV_SCN_INI_H
#define HV_SCN_INI_H

#include <stddef.h>

#include "scn/errors.h"

#define SCN_INI_LINE_MAX 1024
#define SCN_INI_DEPTH_MAX 16
#define SCN_INI_FILES_MAX 256
#define SCN_INI_TOTAL_MAX (16 << 20)

typedef struct scn_ini_entry {
    char *section;    /* "sim" */
    char *instance;   /* "db" for [vm "db"], NULL for a plain section */
    char *key, *value;  /* both NULL for a section header */
    const char *file; /* display name of the file (owned by scn_ini.files) */
    unsigned line;    /* 1-based */
    unsigned section_line; /* line of the [section] header it is under */
} scn_ini_entry;

typedef struct scn_ini {
    scn_ini_entry *e;
    size_t n, cap;
    char **files;       /* display names of every file read, top file first */
    size_t nfiles;
    char *lead_comment; /* first comment line of the top file (text after '#'
                           and blanks), or NULL */
} scn_ini;

/*
 * Loader: resolve and read an include or the top file.
 *   from: the display name of the including file, NULL for the top file;
 *   path: as written after "include =" (or the name given for the top file).
 * On success return 0 and set *name (display name, malloc'ed), *id (identity
 * for cycle detection, malloc'ed; e.g. the real path), *buf (malloc'ed) and
 * *len. On failure return a negative HV_E* code and set *why (static text,
 * e.g. "no such file") — the reader reports it at the include line.
 */
typedef int (*scn_ini_loader)(const void *ctx, const char *from, const char *path, char **name,
                              char **id, char **buf, size_t *len, const char **why);

void scn_ini_init(scn_ini *ini);
void scn_ini_free(scn_ini *ini);

/* Read the top file `path` through load (with its includes) and append its
 * entries. Returns 0, or HV_EPARSE with messages in errs (entries read so
 * far stay, but the result must not be used). */
int scn_ini_read(scn_ini *ini, const char *path, scn_ini_loader load, const void *ctx, scn_errors *errs);
/* Same, for an in-memory buffer named name (includes go through load; load
 * may be NULL, and then any include is an error). */
int scn_ini_read_buffer(scn_ini *ini, const char *name, const char *buf, size_t len,
                        scn_ini_loader load, const void *ctx, scn_errors *errs);

/* The file-system loader: path relative to dirname(from) unless absolute;
 * id is realpath(). ctx unused. */
int scn_ini_file_loader(const void *ctx, const char *from, const char *path, char **name, char **id,
                        char **buf, size_t *len, const char **why);
/* Read a whole file (at most 16 MiB). 0 or HV_ENOENT / HV_EIO / HV_ERANGE. */
int scn_read_file(const char *path, char **buf, size_t *len);

#endif
