/*
 * scn/scenario_load.c — where values come from: presets and files with
 * their includes (scn_load, scn_load_buffer; the loader sends
 * "preset:NAME" and includes from a preset to the embedded presets), one
 * --set assignment (scn_set), and scn_build (init, load, sets, validate).
 */
#include "scn/scenario_internal.h"

#include "base/hv.h"
#include "scn/presets.h"
#include "scn/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loader: "preset:NAME" and includes from a preset go to the embedded
 * presets; everything else to the file system. */
static int loader(const void *ctx, const char *from, const char *path, char **name, char **id, char **buf,
                  size_t *len, const char **why)
{
    const scn_parse_opts *po = ctx;
    int from_preset = from && !strncmp(from, "preset:", 7);
    if (!strncmp(path, "preset:", 7) || from_preset) {
        const scn_preset *p = scn_preset_find(path);
        if (!p) {
            *why = "no such preset (hvwake scenarios)";
            return HV_ENOENT;
        }
        size_t l = strlen(p->name) + 8;
        *name = hv_xmalloc(l);
        snprintf(*name, l, "preset:%s", p->name);
        *id = hv_xstrdup(*name);
        *buf = hv_xmalloc(p->len + 1);
        memcpy(*buf, p->text, p->len + 1);
        *len = p->len;
        return 0;
    }
    if (po && po->presets_only && from) {
        *why = "file includes are disabled here (only preset:NAME)";
        return HV_EINVAL;
    }
    return scn_ini_file_loader(NULL, from, path, name, id, buf, len, why);
}

static int load_common(struct scenario *s, scn_ini *ini, int rc, const scn_parse_opts *po, scn_errors *e)
{
    free(s->meta->lead_comment);
    s->meta->lead_comment = ini->lead_comment ? hv_xstrdup(ini->lead_comment) : NULL;
    free(s->meta->top);
    s->meta->top = ini->nfiles ? hv_xstrdup(ini->files[0]) : NULL;
    int rc2 = scn__apply_ini(s, ini, po, e);
    scn_ini_free(ini);
    return rc ? rc : rc2;
}

int scn_load(struct scenario *s, const char *src, const scn_parse_opts *po, scn_errors *e)
{
    scn_ini ini;
    scn_ini_init(&ini);
    free(s->meta->source);
    s->meta->source = hv_xstrdup(src);
    size_t l = strlen(src);
    size_t bad = scn_utf8_check(src, l);
    if (bad < l) {
        /* The name is copied into every output, JSON included. */
        scn_error(e, src, 0, "the scenario name is not UTF-8 (byte 0x%02x at offset %zu); expected a UTF-8 name",
                  (unsigned char)src[bad], bad);
        return HV_EPARSE;
    }
    int is_file = strchr(src, '/') || (l > 4 && !strcmp(src + l - 4, ".ini"));
    const scn_preset *p = is_file && strncmp(src, "preset:", 7) ? NULL : scn_preset_find(src);
    int rc;
    if (p) {
        char name[128];
        snprintf(name, sizeof name, "preset:%s", p->name);
        rc = scn_ini_read_buffer(&ini, name, p->text, p->len, loader, po, e);
    } else if (!is_file) {
        const char *cand[256];
        size_t k = 0;
        for (size_t i = 0; i < scn_preset_count() && k < 255; i++)
            cand[k++] = scn_preset_at(i)->name;
        cand[k] = NULL;
        const char *best = scn_suggest(src, cand);
        if (best)
            scn_error(e, src, 0, "no such preset; did you mean '%s'? (a file name needs a '/' or the .ini suffix)", best);
        else
            scn_error(e, src, 0, "no such preset; expected a preset name (hvwake scenarios) or a file (with a '/' or the .ini suffix)");
        scn_ini_free(&ini);
        return HV_EPARSE;
    } else
        rc = scn_ini_read(&ini, src, loader, po, e);
    return load_common(s, &ini, rc, po, e);
}

int scn_load_buffer(struct scenario *s, const char *name, const char *buf, size_t len,
                    const scn_parse_opts *po, scn_errors *e)
{
    scn_ini ini;
    scn_ini_init(&ini);
    free(s->meta->source);
    s->meta->source = hv_xstrdup(name);
    int rc = scn_ini_read_buffer(&ini, name, buf, len, loader, po, e);
    return load_common(s, &ini, rc, po, e);
}

static int set_assign(struct scenario *s, const char *assign, const scn__origin org, const scn_parse_opts *po,
                      scn_errors *e);

int scn_set(struct scenario *s, const char *assign, const char *origin_label, const scn_parse_opts *po,
            scn_errors *e)
{
    scn__origin org = {scn__intern(s->meta, origin_label), 0, scn__intern(s->meta, assign), 0};
    return set_assign(s, assign, org, po, e);
}

int scn_set_flag(struct scenario *s, const char *key, const char *value, const char *flag, const scn_parse_opts *po,
                 scn_errors *e)
{
    size_t l = strlen(key) + strlen(value) + 2;
    char *assign = hv_xmalloc(l);
    snprintf(assign, l, "%s=%s", key, value);
    scn__origin org = {scn__intern(s->meta, flag), 0, scn__intern(s->meta, assign), 1};
    int rc = set_assign(s, assign, org, po, e);
    free(assign);
    return rc;
}

static int set_assign(struct scenario *s, const char *assign, const scn__origin org, const scn_parse_opts *po,
                      scn_errors *e)
{
    char where[300];
    scn__format_where(&org, where, sizeof where);
    const char *eq = strchr(assign, '=');
    char lhs[256];
    if (!eq || eq == assign) {
        scn_error(e, where, 0, "cannot parse the assignment; expected section.key=value or section.instance.key=value");
        return HV_EPARSE;
    }
    if ((size_t)(eq - assign) >= sizeof lhs) {
        scn_error(e, where, 0, "the key name is %zu bytes long; expected section.key or section.instance.key of at most %zu bytes",
                  (size_t)(eq - assign), sizeof lhs - 1);
        return HV_EPARSE;
    }
    size_t ll = (size_t)(eq - assign);
    while (ll && (assign[ll - 1] == ' '))
        ll--;
    memcpy(lhs, assign, ll);
    lhs[ll] = 0;
    const char *value = eq + 1;
    while (*value == ' ')
        value++;
    if (!*value) {
        scn_error(e, where, 0, "empty value; expected a value after '='");
        return HV_EPARSE;
    }
    char *parts[4] = {0};
    int np = 0;
    for (char *p = lhs; np < 4;) {
        parts[np++] = p;
        char *dot = strchr(p, '.');
        if (!dot)
            break;
        *dot = 0;
        p = dot + 1;
    }
    if (np < 2 || np > 3) {
        scn_error(e, where, 0, "'%s' is not a key name; expected section.key or section.instance.key", lhs);
        return HV_EPARSE;
    }
    if (!strcmp(parts[0], "cost")) {
        if (np != 2) {
            scn_error(e, where, 0, "cost keys take no instance; expected cost.NAME=value");
            return HV_EPARSE;
        }
        return scn__apply_cost(s, parts[1], value, &org, where, 0, po, e) ? HV_EPARSE : 0;
    }
    const scn_section *sec = scn_find_section(parts[0]);
    if (!sec) {
        const char *names[SCN__SECTION_NAMES];
        const char *best = scn_suggest(parts[0], scn__section_names(names));
        if (best)
            scn_error(e, where, 0, "unknown section '%s'; did you mean '%s'?", parts[0], best);
        else
            scn_error(e, where, 0, "unknown section '%s'; expected a section of 'hvwake keys'", parts[0]);
        return HV_EPARSE;
    }
    const char *key = parts[np - 1];
    const scn_opt *o = scn_find_opt(sec->name, key);
    if (!o) {
        char hint[600];
        scn__key_hint(sec->name, key, hint, sizeof hint);
        scn_error(e, where, 0, "unknown key '%s' in [%s]; %s", key, sec->name, hint);
        return HV_EPARSE;
    }
    if (!sec->instances) {
        if (np != 2) {
            scn_error(e, where, 0, "[%s] has no instances; expected %s.%s=value", sec->name, sec->name, key);
            return HV_EPARSE;
        }
        return scn__apply_opt(s, o, 0, NULL, value, &org, where, 0, e) ? HV_EPARSE : 0;
    }
    if (np != 3) {
        scn_error(e, where, 0, "[%s] is an instance section; expected %s.NAME.%s=value or %s.*.%s=value",
                  sec->name, sec->name, key, sec->name, key);
        return HV_EPARSE;
    }
    size_t n = scn__count(s, sec);
    if (!strcmp(parts[1], "*")) {
        int failed = 0;
        for (size_t i = 0; i < n; i++)
            failed |= scn__apply_opt(s, o, (int)i, scn__name(s, sec, i), value, &org, where, 0, e) != 0;
        return failed ? HV_EPARSE : 0;
    }
    int inst = scn_instance(s, sec->name, parts[1]);
    if (inst < 0) {
        const char *cand[SCN_NAME_MAX * 16 + 1];
        size_t k = 0;
        for (size_t i = 0; i < n && k < HV_ARRAY_LEN(cand) - 1; i++)
            cand[k++] = scn__name(s, sec, i);
        cand[k] = NULL;
        const char *best = scn_suggest(parts[1], cand);
        if (best)
            scn_error(e, where, 0, "no [%s \"%s\"] in the scenario; did you mean '%s'? (--set cannot add instances)",
                      sec->name, parts[1], best);
        else
            scn_error(e, where, 0, "no [%s \"%s\"] in the scenario; expected the name of a [%s \"NAME\"] section of the scenario (--set cannot add instances)",
                      sec->name, parts[1], sec->name);
        return HV_EPARSE;
    }
    return scn__apply_opt(s, o, inst, parts[1], value, &org, where, 0, e) ? HV_EPARSE : 0;
}

int scn_build(struct scenario *s, const char *src, const char *const *sets, size_t nsets,
              const scn_parse_opts *po, scn_errors *e)
{
    scn_init(s);
    int failed = scn_load(s, src ? src : "default", po, e) != 0;
    for (size_t i = 0; i < nsets && !scn_errors_at_limit(e); i++)
        failed |= scn_set(s, sets[i], "--set", po, e) != 0;
    if (failed)
        return HV_EPARSE; /* validate only what parsed */
    return scn_validate(s, e);
}
