/*
 * scn/scenario.c — the option table generated from scn/rooms.def (with a
 * _Static_assert per row that the field has the row's C type), section
 * and key lookup, the provenance of every value (init, copy, free,
 * scn_origin, scn_description), instances, and the validate pass with
 * scn_reject. The scenario system's spec is scn/scenario.h;
 * scn/scenario_internal.h lists the files and what they share.
 */
#include "scn/scenario_internal.h"

#include "base/hv.h"
#include "scn/text.h"

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
/* ENUM: the field is an int, and each enumerator of the X-list equals its
 * position in the list (the index the key stores and prints). */
#define ENUM_POS(e, n) e##_scn_pos_,
#define ENUM_AT_POS(e, n)                                                   \
    _Static_assert((int)e == (int)e##_scn_pos_, "ENUM choice \"" n "\": " #e         \
                   " is not its position in its X-list");
#define OPT_ENUM(s, k, d, LIST, h)                                          \
    _Static_assert(_Generic(((struct s##_cfg *)0)->k, int: 1, default: 0),  \
                   "scenario key " #s "." #k ": an ENUM field must be int"); \
    enum { LIST(ENUM_POS) };                                                \
    LIST(ENUM_AT_POS)
#include SCN_ROOMS_TABLE
#undef SECTION
#undef INSTANCES
#undef VALIDATE
#undef OPT
#undef OPT_ENUM
#undef ENUM_POS
#undef ENUM_AT_POS

#define FIELD_SIZE(s, k) sizeof(((struct s##_cfg *)0)->k)

const scn_opt scn_opts[] = {
#define SECTION(n, h)
#define INSTANCES(n, max, h)
#define VALIDATE(fn)
#define OPT(s, k, T, d, mn, mx, h)                                          \
    {#s, #k, {SCN_T_##T, (long double)(mn), (long double)(mx), NULL, FIELD_SIZE(s, k)}, d, h,    \
     SCN_MAX_##s, offsetof(struct scenario, s), sizeof(struct s##_cfg), offsetof(struct s##_cfg, k)},
#define OPT_ENUM(s, k, d, LIST, h)                                          \
    {#s, #k, {SCN_T_ENUM, 0, 0, SCN_ENUM_CHOICES(LIST), FIELD_SIZE(s, k)}, d, h, SCN_MAX_##s, offsetof(struct scenario, s), \
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

size_t scn__slot_base(size_t opt_index)
{
    size_t b = 0;
    for (size_t i = 0; i < opt_index; i++)
        b += scn_opts[i].instances ? (size_t)scn_opts[i].instances : 1;
    return b;
}

const char *scn__intern(scn_meta *m, const char *s)
{
    for (size_t i = 0; i < m->nstrs; i++)
        if (!strcmp(m->strs[i], s))
            return m->strs[i];
    m->strs = hv_xrealloc(m->strs, (m->nstrs + 1) * sizeof *m->strs);
    return m->strs[m->nstrs++] = hv_xstrdup(s);
}

static size_t field_off(const scn_opt *o, int inst)
{
    return o->sec_off + (size_t)(inst > 0 ? inst : 0) * o->stride + o->field_off;
}
void *scn__field_ptr(struct scenario *s, const scn_opt *o, int inst) { return (char *)s + field_off(o, inst); }
const void *scn__field_cptr(const struct scenario *s, const scn_opt *o, int inst)
{
    return (const char *)s + field_off(o, inst);
}

static size_t *count_ptr(struct scenario *s, const scn_section *sec) { return (size_t *)((char *)s + sec->count_off); }
size_t scn__count(const struct scenario *s, const scn_section *sec)
{
    return *(const size_t *)((const char *)s + sec->count_off);
}

static char *name_ptr(struct scenario *s, const scn_section *sec, size_t i)
{
    return (char *)s + sec->names_off + i * SCN_NAME_MAX;
}
const char *scn__name(const struct scenario *s, const scn_section *sec, size_t i)
{
    return (const char *)s + sec->names_off + i * SCN_NAME_MAX;
}

static void set_default(struct scenario *s, const scn_opt *o, int inst)
{
    char why[512];
    if (scn_value_parse(&o->spec, o->def, scn__field_ptr(s, o, inst), why, sizeof why))
        HV_DIE("default of scenario key %s.%s: %s", o->section, o->key, why);
    s->meta->slot[scn__slot_base((size_t)(o - scn_opts)) + (size_t)(inst > 0 ? inst : 0)] = (scn__origin){NULL, 0, NULL, 0};
}

void scn_init(struct scenario *s)
{
    memset(s, 0, sizeof *s);
    s->meta = hv_xcalloc(1, sizeof *s->meta);
    s->meta->nslots = scn__slot_base(scn_n_opts);
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

static const char *rebase(scn_meta *to, const char *p) { return p ? scn__intern(to, p) : NULL; }

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
        m->slot[i] = (scn__origin){rebase(m, f->slot[i].where), f->slot[i].line, rebase(m, f->slot[i].assign),
                                   f->slot[i].flag};
    for (size_t i = 0; i < SCN_COST_MAX; i++)
        m->cost[i] = (scn__origin){rebase(m, f->cost[i].where), f->cost[i].line, rebase(m, f->cost[i].assign),
                                   f->cost[i].flag};
    dst->meta = m;
}

const char *scn_source(const struct scenario *s) { return s->meta->source ? s->meta->source : ""; }

const char *scn_description(const struct scenario *s)
{
    /* The top file's own description key (or a --set), else its leading
     * comment, else a description inherited from an include. */
    const scn_opt *o = scn_find_opt("sim", "description");
    const char *d = o ? scn__field_cptr(s, o, 0) : "";
    int own = 0;
    if (o && d[0]) {
        const scn__origin *org = &s->meta->slot[scn__slot_base((size_t)(o - scn_opts))];
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
    size_t n = scn__count(s, sec);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(scn__name(s, sec, i), name))
            return (int)i;
    return -1;
}

/* New instance at its defaults; -1 if the section is full. */
int scn__add_instance(struct scenario *s, const scn_section *sec, const char *name)
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

void scn__format_origin(const scn__origin *o, char *buf, size_t n)
{
    if (!o->where)
        snprintf(buf, n, "default");
    else if (o->line)
        snprintf(buf, n, "%s:%u", o->where, o->line);
    else
        snprintf(buf, n, "%s", o->where);
}

void scn__format_where(const scn__origin *o, char *buf, size_t n)
{
    char q[SCN_QUOTE_BUF];
    const char *eq = o->assign ? strchr(o->assign, '=') : NULL;
    if (o->where && !o->line && o->assign && o->flag && eq)
        snprintf(buf, n, "%s %s", o->where, scn_quote(eq + 1, q)); /* "--duration 5", as typed */
    else if (o->where && !o->line && o->assign)
        snprintf(buf, n, "%s %s", o->where, scn_quote(o->assign, q));
    else
        scn__format_origin(o, buf, n);
}

int scn__key_shown(const scn__origin *org, unsigned line, const char *key)
{
    size_t l = strlen(key);
    return !line && org->assign && (org->flag || (!strncmp(org->assign, key, l) && org->assign[l] == '='));
}

int scn__find_cost(const struct scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_cost; i++)
        if (!strcmp(s->cost[i].name, name))
            return (int)i;
    return -1;
}

/* The provenance of section[.instance].key (a default for unknown ones). */
static scn__origin origin_of(const struct scenario *s, const char *section, const char *instance,
                             const char *key)
{
    scn__origin o = {NULL, 0, NULL, 0};
    if (!strcmp(section, "cost")) {
        int c = scn__find_cost(s, key);
        if (c >= 0)
            o = s->meta->cost[c];
    } else {
        const scn_opt *op = scn_find_opt(section, key);
        int inst = instance ? scn_instance(s, section, instance) : 0;
        if (op && inst >= 0)
            o = s->meta->slot[scn__slot_base((size_t)(op - scn_opts)) + (size_t)inst];
    }
    return o;
}

const char *scn_origin(const struct scenario *s, const char *section, const char *instance,
                       const char *key, char *buf, size_t n)
{
    scn__origin o = origin_of(s, section, instance, key);
    scn__format_origin(&o, buf, n);
    return buf;
}

int scn_validate(const struct scenario *s, scn_errors *e)
{
    size_t before = scn_errors_count(e);
    int failed = 0;
    for (size_t i = 0; validators[i]; i++)
        failed |= validators[i](s, e) != 0;
    return failed || scn_errors_count(e) != before ? HV_EPARSE : 0;
}

void scn_reject(const struct scenario *s, scn_errors *e, const char *section, const char *instance,
                const char *key, const char *fmt, ...)
{
    char org[300], val[300], msg[800];
    scn__origin o = origin_of(s, section, instance, key);
    scn__format_where(&o, org, sizeof org);
    if (scn_get_text(s, section, instance, key, val, sizeof val))
        snprintf(val, sizeof val, "?");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char name[300];
    if (instance)
        snprintf(name, sizeof name, "%s.%s.%s", section, instance, key);
    else
        snprintf(name, sizeof name, "%s.%s", section, key);
    if (scn__key_shown(&o, o.line, name)) /* "--set vm.db.vcpus=200: what is wrong" */
        scn_error(e, org, 0, "%s", msg);
    else
        scn_error(e, org, 0, "%s = %s: %s", name, val, msg);
}
