#include "scn/scenario.h"

#include "base/hv.h"
#include "scn/ini.h"
#include "scn/presets.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table, from scn/rooms.def ---- */

/* Every field has the C type its row declares (STRING: a char array). */
#define SECTION(n, h)
#define INSTANCES(n, max, h)
#define VALIDATE(fn)
#define OPT(s, k, T, d, mn, mx, h)                                          \
    _Static_assert(_Generic(((struct s##_cfg *)0)->k, SCN_CTYPE_##T: 1, default: 0), \
                   "scenario key " #s "." #k ": field type does not match " #T);
#define OPT_ENUM(s, k, d, v, h)                                             \
    _Static_assert(_Generic(((struct s##_cfg *)0)->k, int: 1, default: 0),  \
                   "scenario key " #s "." #k ": an ENUM field must be int");
#include SCN_ROOMS_TABLE
#undef SECTION
#undef INSTANCES
#undef VALIDATE
#undef OPT
#undef OPT_ENUM

#define FIELD_SIZE(s, k) sizeof(((struct s##_cfg *)0)->k)

const scn_opt scn_opts[] = {
#define SECTION(n, h)
#define INSTANCES(n, max, h)
#define VALIDATE(fn)
#define OPT(s, k, T, d, mn, mx, h)                                          \
    {#s, #k, {SCN_T_##T, (long double)(mn), (long double)(mx), NULL, FIELD_SIZE(s, k)}, d, h,    \
     SCN_MAX_##s, offsetof(struct scenario, s), sizeof(struct s##_cfg), offsetof(struct s##_cfg, k)},
#define OPT_ENUM(s, k, d, v, h)                                             \
    {#s, #k, {SCN_T_ENUM, 0, 0, v, FIELD_SIZE(s, k)}, d, h, SCN_MAX_##s, offsetof(struct scenario, s), \
     sizeof(struct s##_cfg), offsetof(struct s##_cfg, k)},
#include SCN_ROOMS_TABLE
#undef SECTION
#undef INSTANCES
#undef VALIDATE
#undef OPT
#undef OPT_ENUM
};
const size_t scn_n_opts = HV_ARRAY_LEN(scn_opts);

const scn_section scn_sections[] = {
#define SECTION(n, h) {#n, h, 0, 0, 0},
#define INSTANCES(n, max, h) {#n, h, (max), offsetof(struct scenario, n_##n), offsetof(struct scenario, n##_name)},
#define VALIDATE(fn)
#define OPT(...)
#define OPT_ENUM(...)
#include SCN_ROOMS_TABLE
#undef SECTION
#undef INSTANCES
#undef VALIDATE
#undef OPT
#undef OPT_ENUM
};
const size_t scn_n_sections = HV_ARRAY_LEN(scn_sections);

typedef int (*validate_fn)(const struct scenario *, scn_errors *);
static const validate_fn validators[] = {
#define SECTION(n, h)
#define INSTANCES(n, max, h)
#define VALIDATE(fn) fn,
#define OPT(...)
#define OPT_ENUM(...)
#include SCN_ROOMS_TABLE
#undef SECTION
#undef INSTANCES
#undef VALIDATE
#undef OPT
#undef OPT_ENUM
    NULL};

const scn_opt *scn_find_opt(const char *section, const char *key)
{
    for (size_t i = 0; i < scn_n_opts; i++)
        if (!strcmp(scn_opts[i].section, section) && !strcmp(scn_opts[i].key, key))
            return &scn_opts[i];
    return NULL;
}

const scn_section *scn_find_section(const char *name)
{
    for (size_t i = 0; i < scn_n_sections; i++)
        if (!strcmp(scn_sections[i].name, name))
            return &scn_sections[i];
    return NULL;
}

/* ---- meta: provenance ---- */

typedef struct origin {
    const char *where; /* NULL: default; interned */
    unsigned line;     /* 0: where is a label (--set) */
} origin;

struct scn_meta {
    char *source;
    char *top;   /* display name of the top file ("my.ini", "preset:smoke") */
    char *lead_comment;
    char **strs;
    size_t nstrs;
    size_t nslots;
    origin *slot;              /* per (option, instance) */
    origin cost[SCN_COST_MAX];
};

static size_t slot_base(size_t opt_index)
{
    size_t b = 0;
    for (size_t i = 0; i < opt_index; i++)
        b += scn_opts[i].instances ? (size_t)scn_opts[i].instances : 1;
    return b;
}

static const char *intern(scn_meta *m, const char *s)
{
    for (size_t i = 0; i < m->nstrs; i++)
        if (!strcmp(m->strs[i], s))
            return m->strs[i];
    m->strs = hv_xrealloc(m->strs, (m->nstrs + 1) * sizeof *m->strs);
    return m->strs[m->nstrs++] = hv_xstrdup(s);
}

static void *field_ptr(const struct scenario *s, const scn_opt *o, int inst)
{
    return (char *)s + o->sec_off + (size_t)(inst > 0 ? inst : 0) * o->stride + o->field_off;
}

static size_t *count_ptr(const struct scenario *s, const scn_section *sec)
{
    return (size_t *)((char *)s + sec->count_off);
}

static char *name_ptr(const struct scenario *s, const scn_section *sec, size_t i)
{
    return (char *)s + sec->names_off + i * SCN_NAME_MAX;
}

static void set_default(struct scenario *s, const scn_opt *o, int inst)
{
    char why[512];
    if (scn_value_parse(&o->spec, o->def, field_ptr(s, o, inst), why, sizeof why))
        HV_DIE("default of scenario key %s.%s: %s", o->section, o->key, why);
    s->meta->slot[slot_base((size_t)(o - scn_opts)) + (size_t)(inst > 0 ? inst : 0)] = (origin){NULL, 0};
}

void scn_init(struct scenario *s)
{
    memset(s, 0, sizeof *s);
    s->meta = hv_xcalloc(1, sizeof *s->meta);
    s->meta->nslots = slot_base(scn_n_opts);
    s->meta->slot = hv_xcalloc(s->meta->nslots, sizeof *s->meta->slot);
    for (size_t i = 0; i < scn_n_opts; i++)
        if (!scn_opts[i].instances)
            set_default(s, &scn_opts[i], 0);
}

void scn_free(struct scenario *s)
{
    if (s->meta) {
        for (size_t i = 0; i < s->meta->nstrs; i++)
            free(s->meta->strs[i]);
        free(s->meta->strs);
        free(s->meta->slot);
        free(s->meta->source);
        free(s->meta->top);
        free(s->meta->lead_comment);
        free(s->meta);
    }
    s->meta = NULL;
}

static const char *rebase(const scn_meta *from, scn_meta *to, const char *p)
{
    (void)from;
    return p ? intern(to, p) : NULL;
}

void scn_copy(struct scenario *dst, const struct scenario *src)
{
    memcpy(dst, src, sizeof *dst);
    scn_meta *m = hv_xcalloc(1, sizeof *m);
    const scn_meta *f = src->meta;
    m->source = f->source ? hv_xstrdup(f->source) : NULL;
    m->top = f->top ? hv_xstrdup(f->top) : NULL;
    m->lead_comment = f->lead_comment ? hv_xstrdup(f->lead_comment) : NULL;
    m->nslots = f->nslots;
    m->slot = hv_xcalloc(m->nslots, sizeof *m->slot);
    for (size_t i = 0; i < m->nslots; i++)
        m->slot[i] = (origin){rebase(f, m, f->slot[i].where), f->slot[i].line};
    for (size_t i = 0; i < SCN_COST_MAX; i++)
        m->cost[i] = (origin){rebase(f, m, f->cost[i].where), f->cost[i].line};
    dst->meta = m;
}

const char *scn_source(const struct scenario *s) { return s->meta->source ? s->meta->source : ""; }

const char *scn_description(const struct scenario *s)
{
    /* The top file's own description key (or a --set), else its leading
     * comment, else a description inherited from an include. */
    const scn_opt *o = scn_find_opt("sim", "description");
    const char *d = o ? field_ptr(s, o, 0) : "";
    int own = 0;
    if (o && d[0]) {
        const origin *org = &s->meta->slot[slot_base((size_t)(o - scn_opts))];
        own = org->where && (!org->line || (s->meta->top && !strcmp(org->where, s->meta->top)));
    }
    if (own)
        return d;
    if (s->meta->lead_comment)
        return s->meta->lead_comment;
    return d;
}

int scn_instance(const struct scenario *s, const char *section, const char *name)
{
    const scn_section *sec = scn_find_section(section);
    if (!sec || !sec->instances)
        return -1;
    size_t n = *count_ptr(s, sec);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name_ptr(s, sec, i), name))
            return (int)i;
    return -1;
}

/* New instance at its defaults; -1 if the section is full. */
static int add_instance(struct scenario *s, const scn_section *sec, const char *name)
{
    size_t *n = count_ptr(s, sec);
    if (*n >= (size_t)sec->instances)
        return -1;
    int idx = (int)(*n)++;
    snprintf(name_ptr(s, sec, (size_t)idx), SCN_NAME_MAX, "%s", name);
    for (size_t i = 0; i < scn_n_opts; i++)
        if (!strcmp(scn_opts[i].section, sec->name))
            set_default(s, &scn_opts[i], idx);
    return idx;
}

static void format_origin(const origin *o, char *buf, size_t n)
{
    if (!o->where)
        snprintf(buf, n, "default");
    else if (o->line)
        snprintf(buf, n, "%s:%u", o->where, o->line);
    else
        snprintf(buf, n, "%s", o->where);
}

static int find_cost(const struct scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_cost; i++)
        if (!strcmp(s->cost[i].name, name))
            return (int)i;
    return -1;
}

const char *scn_origin(const struct scenario *s, const char *section, const char *instance,
                       const char *key, char *buf, size_t n)
{
    origin o = {NULL, 0};
    if (!strcmp(section, "cost")) {
        int c = find_cost(s, key);
        if (c >= 0)
            o = s->meta->cost[c];
    } else {
        const scn_opt *op = scn_find_opt(section, key);
        int inst = instance ? scn_instance(s, section, instance) : 0;
        if (op && inst >= 0)
            o = s->meta->slot[slot_base((size_t)(op - scn_opts)) + (size_t)inst];
    }
    format_origin(&o, buf, n);
    return buf;
}

/* ---- applying values ---- */

static const char **section_names(void)
{
    static const char *names[64 + 2];
    size_t k = 0;
    for (size_t i = 0; i < scn_n_sections && k < 64; i++)
        names[k++] = scn_sections[i].name;
    names[k++] = "cost";
    names[k] = NULL;
    return names;
}

static void key_hint(const char *section, const char *key, char *buf, size_t n)
{
    const char *cand[512];
    size_t k = 0;
    for (size_t i = 0; i < scn_n_opts && k < 511; i++)
        if (!strcmp(scn_opts[i].section, section))
            cand[k++] = scn_opts[i].key;
    cand[k] = NULL;
    const char *best = scn_suggest(key, cand);
    if (best) {
        snprintf(buf, n, "did you mean '%s'?", best);
        return;
    }
    size_t o = (size_t)snprintf(buf, n, "expected one of:");
    for (size_t i = 0; i < k && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, " %s", cand[i]);
    if (o < n)
        snprintf(buf + o, n - o, " (hvwake keys)");
}

static void cost_hint(const scn_parse_opts *po, const char *name, char *buf, size_t n)
{
    buf[0] = 0;
    if (!po || !po->cost_name) {
        snprintf(buf, n, "expected a cost-table row name (hvwake costs)");
        return;
    }
    const char *cand[1024];
    size_t k = 0;
    for (int i = 0; k < 1023; i++) {
        const char *c = po->cost_name(i);
        if (!c)
            break;
        cand[k++] = c;
    }
    cand[k] = NULL;
    const char *best = scn_suggest(name, cand);
    if (best)
        snprintf(buf, n, "did you mean '%s'?", best);
    else
        snprintf(buf, n, "expected a cost-table row name (hvwake costs)");
}

static int apply_cost(struct scenario *s, const char *name, const char *value, const origin *org,
                      const char *where, unsigned line, const scn_parse_opts *po, scn_errors *e)
{
    char hint[256], why[512];
    if (!po || !po->cost_lookup) {
        scn_error(e, where, line, "cost.%s: no cost table is built into this program; expected no [cost] keys", name);
        return -1;
    }
    int idx = po->cost_lookup(name);
    if (idx < 0) {
        cost_hint(po, name, hint, sizeof hint);
        scn_error(e, where, line, "unknown cost '%s'; %s", name, hint);
        return -1;
    }
    if (strlen(name) >= SCN_COST_NAME_MAX) {
        scn_error(e, where, line, "cost name '%s' is too long; expected at most %d bytes", name,
                  SCN_COST_NAME_MAX - 1);
        return -1;
    }
    static const scn_valspec spec = {SCN_T_TIME, 0, 1e12L, NULL, 0};
    uint64_t ns;
    if (scn_value_parse(&spec, value, &ns, why, sizeof why)) {
        scn_error(e, where, line, "cost.%s: %s", name, why);
        return -1;
    }
    int c = find_cost(s, name);
    if (c < 0) {
        if (s->n_cost >= SCN_COST_MAX) {
            scn_error(e, where, line, "too many [cost] overrides; expected at most %d", SCN_COST_MAX);
            return -1;
        }
        c = (int)s->n_cost++;
        snprintf(s->cost[c].name, sizeof s->cost[c].name, "%s", name);
    }
    s->cost[c].index = idx;
    s->cost[c].ns = ns;
    s->meta->cost[c] = *org;
    return 0;
}

/* Set section[instance].key = value. inst is an index (0 for plain). */
static int apply_opt(struct scenario *s, const scn_opt *o, int inst, const char *instname, const char *value,
                     const origin *org, const char *where, unsigned line, scn_errors *e)
{
    char why[512];
    /* Parse into a scratch buffer first: a bad value leaves the field as it was. */
    union {
        bool b;
        uint64_t u;
        int64_t i;
        double d;
        int en;
        char str[1024];
    } tmp;
    scn_valspec spec = o->spec;
    if (spec.size > sizeof tmp.str)
        spec.size = sizeof tmp.str;
    if (scn_value_parse(&spec, value, &tmp, why, sizeof why)) {
        if (instname)
            scn_error(e, where, line, "%s.%s.%s: %s", o->section, instname, o->key, why);
        else
            scn_error(e, where, line, "%s.%s: %s", o->section, o->key, why);
        return -1;
    }
    void *f = field_ptr(s, o, inst);
    if (spec.type == SCN_T_STRING)
        memcpy(f, tmp.str, strlen(tmp.str) + 1);
    else
        memcpy(f, &tmp, o->spec.size);
    s->meta->slot[slot_base((size_t)(o - scn_opts)) + (size_t)inst] = *org;
    return 0;
}

typedef struct reported {
    char section[64];
    const char *file;
} reported;

static int apply_ini(struct scenario *s, const scn_ini *ini, const scn_parse_opts *po, scn_errors *e)
{
    int failed = 0;
    reported rep[32];
    size_t nrep = 0;
    for (size_t i = 0; i < ini->n; i++) {
        const scn_ini_entry *en = &ini->e[i];
        origin org = {intern(s->meta, en->file), en->line};
        if (!strcmp(en->section, "cost")) {
            if (en->instance) {
                if (!en->key) {
                    scn_error(e, en->file, en->section_line, "section [cost] takes no instance name; expected [cost]");
                    failed = 1;
                }
            } else if (en->key && apply_cost(s, en->key, en->value, &org, en->file, en->line, po, e))
                failed = 1;
            continue;
        }
        const scn_section *sec = scn_find_section(en->section);
        if (!sec) {
            int seen = 0;
            for (size_t r = 0; r < nrep; r++)
                if (rep[r].file == en->file && !strcmp(rep[r].section, en->section))
                    seen = 1;
            if (!seen && !en->key) {
                const char *best = scn_suggest(en->section, section_names());
                char hint[512];
                if (best)
                    snprintf(hint, sizeof hint, "did you mean [%s]?", best);
                else {
                    size_t o = (size_t)snprintf(hint, sizeof hint, "expected one of:");
                    for (const char **n = section_names(); *n && o < sizeof hint; n++)
                        o += (size_t)snprintf(hint + o, sizeof hint - o, " [%s]", *n);
                }
                scn_error(e, en->file, en->section_line, "unknown section [%s]; %s", en->section, hint);
                if (nrep < HV_ARRAY_LEN(rep)) {
                    snprintf(rep[nrep].section, sizeof rep[nrep].section, "%s", en->section);
                    rep[nrep++].file = en->file;
                }
            }
            failed = 1;
            continue;
        }
        int inst = 0;
        if (sec->instances) {
            if (!en->instance) {
                if (!en->key)
                    scn_error(e, en->file, en->section_line,
                              "section [%s] needs an instance name; expected [%s \"NAME\"]", sec->name, sec->name);
                failed = 1;
                continue;
            }
            if (strlen(en->instance) >= SCN_NAME_MAX) {
                if (!en->key)
                    scn_error(e, en->file, en->section_line,
                              "instance name '%s' is too long; expected at most %d bytes", en->instance,
                              SCN_NAME_MAX - 1);
                failed = 1;
                continue;
            }
            inst = scn_instance(s, sec->name, en->instance);
            if (inst < 0)
                inst = add_instance(s, sec, en->instance);
            if (inst < 0) {
                if (!en->key)
                    scn_error(e, en->file, en->section_line, "too many [%s] sections; expected at most %d",
                              sec->name, sec->instances);
                failed = 1;
                continue;
            }
        } else if (en->instance) {
            if (!en->key)
                scn_error(e, en->file, en->section_line, "section [%s] takes no instance name; expected [%s]",
                          sec->name, sec->name);
            failed = 1;
            continue;
        }
        if (!en->key)
            continue; /* the header: the instance exists now */
        const scn_opt *o = scn_find_opt(sec->name, en->key);
        if (!o) {
            char hint[600];
            key_hint(sec->name, en->key, hint, sizeof hint);
            scn_error(e, en->file, en->line, "unknown key '%s' in [%s]; %s", en->key, sec->name, hint);
            failed = 1;
            continue;
        }
        if (apply_opt(s, o, inst, en->instance, en->value, &org, en->file, en->line, e))
            failed = 1;
    }
    return failed ? HV_EPARSE : 0;
}

/* Loader: "preset:NAME" and includes from a preset go to the embedded
 * presets; everything else to the file system. */
static int loader(void *ctx, const char *from, const char *path, char **name, char **id, char **buf,
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
    int rc2 = apply_ini(s, ini, po, e);
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
    int is_file = strchr(src, '/') || (l > 4 && !strcmp(src + l - 4, ".ini"));
    const scn_preset *p = is_file && strncmp(src, "preset:", 7) ? NULL : scn_preset_find(src);
    int rc;
    if (p) {
        char name[128];
        snprintf(name, sizeof name, "preset:%s", p->name);
        rc = scn_ini_read_buffer(&ini, name, p->text, p->len, loader, (void *)po, e);
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
        rc = scn_ini_read(&ini, src, loader, (void *)po, e);
    return load_common(s, &ini, rc, po, e);
}

int scn_load_buffer(struct scenario *s, const char *name, const char *buf, size_t len,
                    const scn_parse_opts *po, scn_errors *e)
{
    scn_ini ini;
    scn_ini_init(&ini);
    free(s->meta->source);
    s->meta->source = hv_xstrdup(name);
    int rc = scn_ini_read_buffer(&ini, name, buf, len, loader, (void *)po, e);
    return load_common(s, &ini, rc, po, e);
}

int scn_set(struct scenario *s, const char *assign, const char *origin_label, const scn_parse_opts *po,
            scn_errors *e)
{
    char where[300];
    snprintf(where, sizeof where, "%s %s", origin_label, assign);
    origin org = {intern(s->meta, origin_label), 0};
    const char *eq = strchr(assign, '=');
    char lhs[256];
    if (!eq || eq == assign || (size_t)(eq - assign) >= sizeof lhs) {
        scn_error(e, where, 0, "cannot parse the assignment; expected section.key=value or section.instance.key=value");
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
        return apply_cost(s, parts[1], value, &org, where, 0, po, e) ? HV_EPARSE : 0;
    }
    const scn_section *sec = scn_find_section(parts[0]);
    if (!sec) {
        const char *best = scn_suggest(parts[0], section_names());
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
        key_hint(sec->name, key, hint, sizeof hint);
        scn_error(e, where, 0, "unknown key '%s' in [%s]; %s", key, sec->name, hint);
        return HV_EPARSE;
    }
    if (!sec->instances) {
        if (np != 2) {
            scn_error(e, where, 0, "[%s] has no instances; expected %s.%s=value", sec->name, sec->name, key);
            return HV_EPARSE;
        }
        return apply_opt(s, o, 0, NULL, value, &org, where, 0, e) ? HV_EPARSE : 0;
    }
    if (np != 3) {
        scn_error(e, where, 0, "[%s] is an instance section; expected %s.NAME.%s=value or %s.*.%s=value",
                  sec->name, sec->name, key, sec->name, key);
        return HV_EPARSE;
    }
    size_t n = *count_ptr(s, sec);
    if (!strcmp(parts[1], "*")) {
        int failed = 0;
        for (size_t i = 0; i < n; i++)
            failed |= apply_opt(s, o, (int)i, name_ptr(s, sec, i), value, &org, where, 0, e) != 0;
        return failed ? HV_EPARSE : 0;
    }
    int inst = scn_instance(s, sec->name, parts[1]);
    if (inst < 0) {
        const char *cand[SCN_NAME_MAX * 16 + 1];
        size_t k = 0;
        for (size_t i = 0; i < n && k < HV_ARRAY_LEN(cand) - 1; i++)
            cand[k++] = name_ptr(s, sec, i);
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
    return apply_opt(s, o, inst, parts[1], value, &org, where, 0, e) ? HV_EPARSE : 0;
}

int scn_validate(const struct scenario *s, scn_errors *e)
{
    size_t before = scn_errors_count(e);
    int failed = 0;
    for (size_t i = 0; validators[i]; i++)
        failed |= validators[i](s, e) != 0;
    return failed || scn_errors_count(e) != before ? HV_EPARSE : 0;
}

int scn_build(struct scenario *s, const char *src, const char *const *sets, size_t nsets,
              const scn_parse_opts *po, scn_errors *e)
{
    scn_init(s);
    int failed = scn_load(s, src ? src : "default", po, e) != 0;
    for (size_t i = 0; i < nsets; i++)
        failed |= scn_set(s, sets[i], "--set", po, e) != 0;
    if (failed)
        return HV_EPARSE; /* validate only what parsed */
    return scn_validate(s, e);
}

void scn_reject(const struct scenario *s, scn_errors *e, const char *section, const char *instance,
                const char *key, const char *fmt, ...)
{
    char org[300], val[300], msg[800];
    scn_origin(s, section, instance, key, org, sizeof org);
    if (scn_get_text(s, section, instance, key, val, sizeof val))
        snprintf(val, sizeof val, "?");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (instance)
        scn_error(e, org, 0, "%s.%s.%s = %s: %s", section, instance, key, val, msg);
    else
        scn_error(e, org, 0, "%s.%s = %s: %s", section, key, val, msg);
}

int scn_get_text(const struct scenario *s, const char *section, const char *instance, const char *key,
                 char *buf, size_t n)
{
    if (!strcmp(section, "cost")) {
        int c = find_cost(s, key);
        if (c < 0)
            return -1;
        static const scn_valspec spec = {SCN_T_TIME, 0, 0, NULL, 0};
        scn_value_format(&spec, &s->cost[c].ns, buf, n);
        return 0;
    }
    const scn_opt *o = scn_find_opt(section, key);
    if (!o)
        return -1;
    int inst = 0;
    if (o->instances) {
        if (!instance || (inst = scn_instance(s, section, instance)) < 0)
            return -1;
    }
    scn_value_format(&o->spec, field_ptr(s, o, inst), buf, n);
    return 0;
}

void scn_visit(const struct scenario *s, scn_visit_fn fn, void *ctx)
{
    char name[256], text[1100], json[64], org[300];
    static const scn_valspec tspec = {SCN_T_TIME, 0, 0, NULL, 0};
    for (size_t si = 0; si < scn_n_sections; si++) {
        const scn_section *sec = &scn_sections[si];
        size_t ninst = sec->instances ? *count_ptr(s, sec) : 1;
        for (size_t in = 0; in < ninst; in++) {
            for (size_t i = 0; i < scn_n_opts; i++) {
                const scn_opt *o = &scn_opts[i];
                if (strcmp(o->section, sec->name))
                    continue;
                const void *f = field_ptr(s, o, (int)in);
                if (sec->instances)
                    snprintf(name, sizeof name, "%s.%s.%s", sec->name, name_ptr(s, sec, in), o->key);
                else
                    snprintf(name, sizeof name, "%s.%s", sec->name, o->key);
                scn_value_format(&o->spec, f, text, sizeof text);
                int isnum = scn_value_json(&o->spec, f, json, sizeof json) == 0;
                format_origin(&s->meta->slot[slot_base(i) + in], org, sizeof org);
                fn(ctx, name, text, isnum ? json : NULL, org);
            }
        }
    }
    for (size_t c = 0; c < s->n_cost; c++) {
        snprintf(name, sizeof name, "cost.%s", s->cost[c].name);
        scn_value_format(&tspec, &s->cost[c].ns, text, sizeof text);
        snprintf(json, sizeof json, "%llu", (unsigned long long)s->cost[c].ns);
        format_origin(&s->meta->cost[c], org, sizeof org);
        fn(ctx, name, text, json, org);
    }
}

/* v as an INI value: quoted (with \" and \\) when it would not read back. */
static void ini_value(const char *v, char *out, size_t n)
{
    size_t l = strlen(v), o = 0;
    int quote = !l || strpbrk(v, "#;\"\\") || v[0] == ' ' || v[0] == '\t' || v[l - 1] == ' ' ||
                v[l - 1] == '\t';
    if (!quote) {
        snprintf(out, n, "%s", v);
        return;
    }
    if (n < 3) {
        out[0] = 0;
        return;
    }
    out[o++] = '"';
    for (; *v && o + 3 < n; v++) {
        if (*v == '"' || *v == '\\')
            out[o++] = '\\';
        out[o++] = *v;
    }
    out[o++] = '"';
    out[o] = 0;
}

typedef struct ini_ctx {
    FILE *f;
    char cur[200];
} ini_ctx;

static void ini_visit(void *vctx, const char *name, const char *text, const char *json, const char *org)
{
    (void)json;
    ini_ctx *c = vctx;
    /* name: sec.key or sec.inst.key */
    char sec[128], head[200];
    const char *d1 = strchr(name, '.');
    const char *d2 = strrchr(name, '.');
    snprintf(sec, sizeof sec, "%.*s", (int)(d1 - name), name);
    if (d1 != d2 && strcmp(sec, "cost"))
        snprintf(head, sizeof head, "[%s \"%.*s\"]", sec, (int)(d2 - d1 - 1), d1 + 1);
    else
        snprintf(head, sizeof head, "[%s]", sec);
    if (strcmp(head, c->cur)) {
        fprintf(c->f, "%s%s\n", c->cur[0] ? "\n" : "", head);
        snprintf(c->cur, sizeof c->cur, "%s", head);
    }
    const char *key = strcmp(sec, "cost") ? d2 + 1 : d1 + 1;
    char val[2 * SCN_INI_LINE_MAX + 3], line[3 * SCN_INI_LINE_MAX];
    ini_value(text, val, sizeof val);
    snprintf(line, sizeof line, "%s = %s", key, val);
    fprintf(c->f, "%-40s # %s\n", line, org);
}

void scn_write_ini(const struct scenario *s, FILE *f)
{
    ini_ctx c = {f, ""};
    scn_visit(s, ini_visit, &c);
}
