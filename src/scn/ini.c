#define _XOPEN_SOURCE 700 /* realpath */
#include "scn/ini.h"

#include "base/hv.h"
#include "scn/strmap.h"
#include "scn/text.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scn_ini_init(scn_ini *ini) { memset(ini, 0, sizeof *ini); }

void scn_ini_free(scn_ini *ini)
{
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->e[i].section);
        free(ini->e[i].instance);
        free(ini->e[i].key);
        free(ini->e[i].value);
    }
    free(ini->e);
    for (size_t i = 0; i < ini->nfiles; i++)
        free(ini->files[i]);
    free(ini->files);
    free(ini->lead_comment);
    memset(ini, 0, sizeof *ini);
}

int scn_read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT || errno == ENOTDIR ? HV_ENOENT : HV_EIO;
    size_t cap = 4096, n = 0;
    char *b = hv_xmalloc(cap + 1);
    for (;;) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                fclose(f);
                free(b);
                return HV_EIO;
            }
            break;
        }
        if (cap >= (16u << 20)) {
            fclose(f);
            free(b);
            return HV_ERANGE;
        }
        cap *= 2;
        b = hv_xrealloc(b, cap + 1);
    }
    fclose(f);
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

int scn_ini_file_loader(const void *ctx, const char *from, const char *path, char **name, char **id,
                        char **buf, size_t *len, const char **why)
{
    (void)ctx;
    char composed[PATH_MAX];
    if (from && path[0] != '/') {
        const char *slash = strrchr(from, '/');
        int dl = slash ? (int)(slash - from) : 0;
        if (snprintf(composed, sizeof composed, "%.*s%s%s", dl, from, slash ? "/" : "", path) >=
            (int)sizeof composed) {
            *why = "path too long";
            return HV_ERANGE;
        }
    } else if (snprintf(composed, sizeof composed, "%s", path) >= (int)sizeof composed) {
        *why = "path too long";
        return HV_ERANGE;
    }
    int rc = scn_read_file(composed, buf, len);
    if (rc) {
        *why = rc == HV_ENOENT ? "no such file" : rc == HV_ERANGE ? "file larger than 16 MiB"
                                                                  : "cannot read it";
        return rc;
    }
    char *real = realpath(composed, NULL);
    *id = real ? real : hv_xstrdup(composed);
    *name = hv_xstrdup(composed);
    return 0;
}

/* ---- the reader ---- */

typedef struct reader {
    scn_ini *ini;
    scn_ini_loader load;
    const void *ctx;
    scn_errors *errs;
    const char *stack[SCN_INI_DEPTH_MAX + 1]; /* ids of the files being read */
    int depth;
    size_t total; /* bytes of every file read so far */
    int failed;
} reader;

static int is_lower_ident(const char *s, size_t n)
{
    if (n == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static int is_inst_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Rest of the line after a construct: nothing, or a comment. */
static int rest_is_comment(const char *p)
{
    p = skip_ws(p);
    return *p == 0 || *p == '#' || *p == ';';
}

static void err(reader *r, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void err(reader *r, const char *file, unsigned line, const char *fmt, ...)
{
    char m[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    scn_error(r->errs, file, line, "%s", m);
    r->failed = 1;
}

/* One file's keys, for "each key once per section in a file": the map
 * holds "section.key" or "section.instance.key" (no part contains a dot)
 * -> the line that set it. */
static void add_entry(reader *r, scn_strmap *seen, const char *sec, const char *inst, const char *key,
                      size_t klen, const char *val, const char *file, unsigned line, unsigned secline)
{
    scn_ini *ini = r->ini;
    if (key) {
        char id[3 * (SCN_INI_LINE_MAX + 1)];
        int n = inst ? snprintf(id, sizeof id, "%s.%s.%.*s", sec, inst, (int)klen, key)
                     : snprintf(id, sizeof id, "%s.%.*s", sec, (int)klen, key);
        size_t *first = scn_strmap_put(seen, id, (size_t)n, line);
        if (first) {
            char secname[200];
            if (inst)
                snprintf(secname, sizeof secname, "[%.64s \"%.64s\"]", sec, inst);
            else
                snprintf(secname, sizeof secname, "[%.64s]", sec);
            char q[SCN_QUOTE_BUF];
            err(r, file, line, "duplicate key '%s' in %s (first set at line %zu); expected each key once per section in a file",
                scn_quote_n(key, klen, q), secname, *first);
            return;
        }
    }
    if (ini->n == ini->cap) {
        ini->cap = ini->cap ? ini->cap * 2 : 32;
        ini->e = hv_xrealloc(ini->e, ini->cap * sizeof *ini->e);
    }
    char *k = NULL;
    if (key) {
        k = hv_xmalloc(klen + 1);
        memcpy(k, key, klen);
        k[klen] = 0;
    }
    ini->e[ini->n++] = (scn_ini_entry){hv_xstrdup(sec), inst ? hv_xstrdup(inst) : NULL, k,
                                       val ? hv_xstrdup(val) : NULL, file, line, secline};
}

static const char *intern_file(scn_ini *ini, const char *name)
{
    ini->files = hv_xrealloc(ini->files, (ini->nfiles + 1) * sizeof *ini->files);
    ini->files[ini->nfiles] = hv_xstrdup(name);
    return ini->files[ini->nfiles++];
}

static void read_buffer(reader *r, const char *file, const char *id, const char *buf, size_t len);

static void do_include(reader *r, const char *file, unsigned line, const char *path)
{
    char q[SCN_QUOTE_BUF];
    if (!r->load) {
        err(r, file, line, "include '%s' is not allowed here; expected a self-contained scenario",
            scn_quote(path, q));
        return;
    }
    if (r->depth >= SCN_INI_DEPTH_MAX) {
        err(r, file, line, "includes nested deeper than %d; expected a shallower include chain",
            SCN_INI_DEPTH_MAX);
        return;
    }
    if (r->ini->nfiles >= SCN_INI_FILES_MAX) {
        err(r, file, line, "too many includes at '%s'; expected at most %d files read in all (each include counts)",
            scn_quote(path, q), SCN_INI_FILES_MAX);
        return;
    }
    char *name = NULL, *id = NULL, *buf = NULL;
    size_t len = 0;
    const char *why = "cannot read it";
    int rc = r->load(r->ctx, file, path, &name, &id, &buf, &len, &why);
    if (rc) {
        err(r, file, line, "cannot include '%s': %s; expected a readable scenario file", scn_quote(path, q), why);
        return;
    }
    if (len > SCN_INI_TOTAL_MAX - r->total) {
        err(r, file, line, "include '%s' makes the scenario %zu bytes long with its includes; expected at most %d",
            scn_quote(path, q), r->total + len, SCN_INI_TOTAL_MAX);
        free(name);
        free(id);
        free(buf);
        return;
    }
    for (int i = 0; i < r->depth; i++) {
        if (!strcmp(r->stack[i], id)) {
            char chain[900];
            size_t o = 0;
            chain[0] = 0;
            for (int j = i; j < r->depth && o < sizeof chain; j++)
                o += (size_t)snprintf(chain + o, sizeof chain - o, "%s -> ", r->stack[j]);
            if (o < sizeof chain)
                snprintf(chain + o, sizeof chain - o, "%s", id);
            err(r, file, line, "include cycle: '%s' is already being read (%s); expected includes without cycles",
                scn_quote(path, q), chain);
            free(name);
            free(id);
            free(buf);
            return;
        }
    }
    r->total += len;
    const char *iname = intern_file(r->ini, name);
    read_buffer(r, iname, id, buf, len);
    free(name);
    free(id);
    free(buf);
}

/* Parse a value starting at p (after '=' and blanks) into out (size
 * SCN_INI_LINE_MAX + 1). Returns 0 or -1 with an error reported. */
static int parse_value(reader *r, const char *file, unsigned line, const char *p, char *out)
{
    size_t o = 0;
    char q[SCN_QUOTE_BUF];
    if (*p == '"') {
        p++;
        for (;;) {
            if (*p == 0) {
                err(r, file, line, "unterminated quoted value; expected a closing '\"'");
                return -1;
            }
            if (*p == '"')
                break;
            if (*p == '\\') {
                if (p[1] != '"' && p[1] != '\\') {
                    err(r, file, line, "unknown escape '\\%c' in quoted value; expected \\\" or \\\\",
                        p[1] ? p[1] : ' ');
                    return -1;
                }
                p++;
            }
            out[o++] = *p++;
        }
        out[o] = 0;
        if (!rest_is_comment(p + 1)) {
            err(r, file, line, "trailing characters '%s' after the quoted value; expected end of line or a comment",
                scn_quote(skip_ws(p + 1), q));
            return -1;
        }
        return 0;
    }
    /* Unquoted: up to an inline comment (whitespace then # or ;). */
    if (*p == '#' || *p == ';') {
        err(r, file, line, "empty value; expected a value after '=' (use \"\" for an empty string)");
        return -1;
    }
    const char *end = p;
    while (*end && !((*end == '#' || *end == ';') && end > p && (end[-1] == ' ' || end[-1] == '\t')))
        end++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (end == p) {
        err(r, file, line, "empty value; expected a value after '=' (use \"\" for an empty string)");
        return -1;
    }
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = 0;
    return 0;
}

/* The file is UTF-8 text: no NUL or other control byte but tab, LF and
 * the CR of a CRLF, every byte part of a well-formed UTF-8 sequence.
 * Reports the first problem (one message for the whole file) and returns
 * -1. */
static int check_text(reader *r, const char *file, const char *buf, size_t start, size_t len)
{
    size_t bad = start + scn_utf8_check(buf + start, len - start);
    size_t i = start;
    int lone_cr = 0;
    while (i < bad) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\r' && (i + 1 == len || buf[i + 1] != '\n')) {
            lone_cr = 1;
            break;
        }
        if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            break;
        i++;
    }
    if (i == len)
        return 0;
    unsigned ln = 1;
    for (size_t j = 0; j < i; j++)
        ln += buf[j] == '\n';
    if (lone_cr)
        err(r, file, ln, "carriage return not followed by a line feed (offset %zu); expected LF or CRLF line ends", i);
    else if (i < bad)
        err(r, file, ln, "binary data (byte 0x%02x at offset %zu); expected a text scenario file",
            (unsigned char)buf[i], i);
    else
        err(r, file, ln, "invalid UTF-8 (byte 0x%02x at offset %zu); expected UTF-8 text",
            (unsigned char)buf[i], i);
    return -1;
}

static void read_buffer(reader *r, const char *file, const char *id, const char *buf, size_t len)
{
    r->stack[r->depth++] = id;
    char section[SCN_INI_LINE_MAX + 1] = "", instance[SCN_INI_LINE_MAX + 1] = "";
    int have_section = 0, have_instance = 0;
    unsigned secline = 0;
    int top = r->depth == 1 && r->ini->nfiles == 1;
    int lead = top; /* still in the leading comment block */
    char line[SCN_INI_LINE_MAX + 2];
    char value[SCN_INI_LINE_MAX + 1];
    char q[SCN_QUOTE_BUF];
    /* A UTF-8 byte-order mark at the start is skipped. */
    size_t pos = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
    unsigned lineno = 0;
    if (check_text(r, file, buf, pos, len)) {
        r->depth--;
        return;
    }
    scn_strmap seen;
    scn_strmap_init(&seen);
    while (pos < len && !scn_errors_at_limit(r->errs)) {
        lineno++;
        size_t start = pos;
        while (pos < len && buf[pos] != '\n')
            pos++;
        size_t n = pos - start;
        if (pos < len)
            pos++; /* the newline */
        if (n && buf[start + n - 1] == '\r')
            n--;
        if (n > SCN_INI_LINE_MAX) {
            err(r, file, lineno, "line is %zu bytes long; expected at most %d", n, SCN_INI_LINE_MAX);
            continue;
        }
        memcpy(line, buf + start, n);
        line[n] = 0;
        const char *p = skip_ws(line);
        if (*p == 0) {
            lead = 0;
            continue;
        }
        if (*p == '#' || *p == ';') {
            if (lead && !r->ini->lead_comment) {
                const char *c = skip_ws(p + 1);
                while (*c == '#' || *c == ';')
                    c = skip_ws(c + 1);
                if (*c)
                    r->ini->lead_comment = hv_xstrdup(c);
            }
            continue;
        }
        lead = 0;
        if (*p == '[') {
            const char *q0 = skip_ws(p + 1);
            const char *ns = q0;
            while (*q0 && *q0 != ']' && *q0 != ' ' && *q0 != '\t' && *q0 != '"')
                q0++;
            size_t nl = (size_t)(q0 - ns);
            if (!is_lower_ident(ns, nl)) {
                err(r, file, lineno, "bad section name '%s'; expected lower-case letters, digits and '_', starting with a letter",
                    scn_quote_n(ns, nl, q));
                have_section = 0;
                continue;
            }
            memcpy(section, ns, nl);
            section[nl] = 0;
            q0 = skip_ws(q0);
            have_instance = 0;
            if (*q0 == '"') {
                const char *is = ++q0;
                while (is_inst_char(*q0))
                    q0++;
                if (*q0 != '"' || q0 == is) {
                    err(r, file, lineno, "bad instance name in section header; expected [%s \"NAME\"] with NAME of letters, digits, '_' or '-'",
                        scn_quote(section, q));
                    have_section = 0;
                    continue;
                }
                memcpy(instance, is, (size_t)(q0 - is));
                instance[q0 - is] = 0;
                have_instance = 1;
                q0 = skip_ws(q0 + 1);
            }
            if (*q0 != ']') {
                err(r, file, lineno, "section header is not closed; expected ']'");
                have_section = 0;
                continue;
            }
            if (!rest_is_comment(q0 + 1)) {
                err(r, file, lineno, "trailing characters '%s' after the section header; expected end of line or a comment",
                    scn_quote(skip_ws(q0 + 1), q));
                have_section = 0;
                continue;
            }
            have_section = 1;
            secline = lineno;
            add_entry(r, &seen, section, have_instance ? instance : NULL, NULL, 0, NULL, file, lineno, secline);
            continue;
        }
        /* key = value */
        const char *ks = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\t')
            p++;
        size_t kl = (size_t)(p - ks);
        p = skip_ws(p);
        if (*p != '=') {
            err(r, file, lineno, "cannot parse '%s'; expected 'key = value', '[section]' or a comment",
                scn_quote(line, q));
            continue;
        }
        if (!is_lower_ident(ks, kl)) {
            err(r, file, lineno, "bad key '%s'; expected lower-case letters, digits and '_', starting with a letter",
                scn_quote_n(ks, kl, q));
            continue;
        }
        p = skip_ws(p + 1);
        if (parse_value(r, file, lineno, p, value))
            continue;
        if (kl == 7 && !strncmp(ks, "include", 7)) {
            if (have_section)
                err(r, file, lineno, "'include' inside [%s]; expected includes before the first section",
                    scn_quote(section, q));
            else
                do_include(r, file, lineno, value);
            continue;
        }
        if (!have_section) {
            err(r, file, lineno, "key '%s' outside any section; expected a [section] header first (or 'include = FILE')",
                scn_quote_n(ks, kl, q));
            continue;
        }
        add_entry(r, &seen, section, have_instance ? instance : NULL, ks, kl, value, file, lineno, secline);
    }
    scn_strmap_free(&seen);
    r->depth--;
}

int scn_ini_read_buffer(scn_ini *ini, const char *name, const char *buf, size_t len,
                        scn_ini_loader load, const void *ctx, scn_errors *errs)
{
    reader r = {.ini = ini, .load = load, .ctx = ctx, .errs = errs, .total = len};
    const char *iname = intern_file(ini, name);
    read_buffer(&r, iname, iname, buf, len);
    return r.failed ? HV_EPARSE : 0;
}

int scn_ini_read(scn_ini *ini, const char *path, scn_ini_loader load, const void *ctx, scn_errors *errs)
{
    char *name = NULL, *id = NULL, *buf = NULL;
    size_t len = 0;
    const char *why = "cannot read it";
    int rc = load(ctx, NULL, path, &name, &id, &buf, &len, &why);
    if (rc) {
        scn_error(errs, path, 0, "cannot read the scenario: %s; expected a readable file or a preset name (hvwake scenarios)",
                  why);
        return HV_EPARSE;
    }
    reader r = {.ini = ini, .load = load, .ctx = ctx, .errs = errs, .total = len};
    const char *iname = intern_file(ini, name);
    read_buffer(&r, iname, id, buf, len);
    free(name);
    free(id);
    free(buf);
    return r.failed ? HV_EPARSE : 0;
}
