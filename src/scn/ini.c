#define _XOPEN_SOURCE 700 /* realpath */
#include "scn/ini.h"

#include "base/hv.h"

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

static void add_entry(reader *r, const char *sec, const char *inst, const char *key, size_t klen,
                      const char *val, const char *file, unsigned line, unsigned secline)
{
    scn_ini *ini = r->ini;
    /* Duplicate within the same file. */
    for (size_t i = 0; i < ini->n; i++) {
        scn_ini_entry *e = &ini->e[i];
        if (key && e->key && e->file == file && !strcmp(e->section, sec) && strlen(e->key) == klen &&
            !strncmp(e->key, key, klen) &&
            ((!e->instance && !inst) || (e->instance && inst && !strcmp(e->instance, inst)))) {
            char secname[200];
            if (inst)
                snprintf(secname, sizeof secname, "[%.64s \"%.64s\"]", sec, inst);
            else
                snprintf(secname, sizeof secname, "[%.64s]", sec);
            err(r, file, line, "duplicate key '%.*s' in %s (first set at line %u); expected each key once per section in a file",
                (int)klen, key, secname, e->line);
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
    if (!r->load) {
        err(r, file, line, "include '%s' is not allowed here; expected a self-contained scenario", path);
        return;
    }
    if (r->depth >= SCN_INI_DEPTH_MAX) {
        err(r, file, line, "includes nested deeper than %d; expected a shallower include chain",
            SCN_INI_DEPTH_MAX);
        return;
    }
    char *name = NULL, *id = NULL, *buf = NULL;
    size_t len = 0;
    const char *why = "cannot read it";
    int rc = r->load(r->ctx, file, path, &name, &id, &buf, &len, &why);
    if (rc) {
        err(r, file, line, "cannot include '%s': %s; expected a readable scenario file", path, why);
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
                path, chain);
            free(name);
            free(id);
            free(buf);
            return;
        }
    }
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
                skip_ws(p + 1));
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
    size_t pos = 0;
    unsigned lineno = 0;
    /* Binary check first: one message for the whole file. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            unsigned ln = 1;
            for (size_t j = 0; j < i; j++)
                ln += buf[j] == '\n';
            err(r, file, ln, "binary data (byte 0x%02x at offset %zu); expected a text scenario file", c, i);
            r->depth--;
            return;
        }
    }
    while (pos < len) {
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
            const char *q = skip_ws(p + 1);
            const char *ns = q;
            while (*q && *q != ']' && *q != ' ' && *q != '\t' && *q != '"')
                q++;
            size_t nl = (size_t)(q - ns);
            if (!is_lower_ident(ns, nl)) {
                err(r, file, lineno, "bad section name '%.*s'; expected lower-case letters, digits and '_', starting with a letter",
                    (int)nl, ns);
                have_section = 0;
                continue;
            }
            memcpy(section, ns, nl);
            section[nl] = 0;
            q = skip_ws(q);
            have_instance = 0;
            if (*q == '"') {
                const char *is = ++q;
                while (is_inst_char(*q))
                    q++;
                if (*q != '"' || q == is) {
                    err(r, file, lineno, "bad instance name in section header; expected [%s \"NAME\"] with NAME of letters, digits, '_' or '-'",
                        section);
                    have_section = 0;
                    continue;
                }
                memcpy(instance, is, (size_t)(q - is));
                instance[q - is] = 0;
                have_instance = 1;
                q = skip_ws(q + 1);
            }
            if (*q != ']') {
                err(r, file, lineno, "section header is not closed; expected ']'");
                have_section = 0;
                continue;
            }
            if (!rest_is_comment(q + 1)) {
                err(r, file, lineno, "trailing characters '%s' after the section header; expected end of line or a comment",
                    skip_ws(q + 1));
                have_section = 0;
                continue;
            }
            have_section = 1;
            secline = lineno;
            add_entry(r, section, have_instance ? instance : NULL, NULL, 0, NULL, file, lineno, secline);
            continue;
        }
        /* key = value */
        const char *ks = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\t')
            p++;
        size_t kl = (size_t)(p - ks);
        p = skip_ws(p);
        if (*p != '=') {
            err(r, file, lineno, "cannot parse '%s'; expected 'key = value', '[section]' or a comment", line);
            continue;
        }
        if (!is_lower_ident(ks, kl)) {
            err(r, file, lineno, "bad key '%.*s'; expected lower-case letters, digits and '_', starting with a letter",
                (int)kl, ks);
            continue;
        }
        p = skip_ws(p + 1);
        if (parse_value(r, file, lineno, p, value))
            continue;
        if (kl == 7 && !strncmp(ks, "include", 7)) {
            if (have_section)
                err(r, file, lineno, "'include' inside [%s]; expected includes before the first section", section);
            else
                do_include(r, file, lineno, value);
            continue;
        }
        if (!have_section) {
            err(r, file, lineno, "key '%.*s' outside any section; expected a [section] header first (or 'include = FILE')",
                (int)kl, ks);
            continue;
        }
        add_entry(r, section, have_instance ? instance : NULL, ks, kl, value, file, lineno, secline);
    }
    r->depth--;
}

int scn_ini_read_buffer(scn_ini *ini, const char *name, const char *buf, size_t len,
                        scn_ini_loader load, const void *ctx, scn_errors *errs)
{
    reader r = {.ini = ini, .load = load, .ctx = ctx, .errs = errs};
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
    reader r = {.ini = ini, .load = load, .ctx = ctx, .errs = errs};
    const char *iname = intern_file(ini, name);
    read_buffer(&r, iname, id, buf, len);
    free(name);
    free(id);
    free(buf);
    return r.failed ? HV_EPARSE : 0;
}
