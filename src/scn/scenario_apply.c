/*
 * scn/scenario_apply.c — applying values: one key (scn__apply_opt: parse
 * into scratch, then store with its provenance; a bad value leaves the
 * field as it was), one [cost] override (scn__apply_cost), a parsed INI
 * file (scn__apply_ini, every problem reported as file:line), and the
 * "did you mean" hints for unknown sections, keys and cost rows.
 */
#include "scn/scenario_internal.h"

#include "base/hv.h"
#include "scn/text.h"

#include <stdio.h>
#include <string.h>

/* ---- applying values ---- */

const char **scn__section_names(const char *names[SCN__SECTION_NAMES])
{
    size_t k = 0;
    for (size_t i = 0; i < scn_n_sections && k < 64; i++)
        names[k++] = scn_sections[i].name;
    names[k++] = "cost";
    names[k] = NULL;
    return names;
}

void scn__key_hint(const char *section, const char *key, char *buf, size_t n)
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

int scn__apply_cost(struct scenario *s, const char *name, const char *value, const scn__origin *org,
                      const char *where, unsigned line, const scn_parse_opts *po, scn_errors *e)
{
    char hint[256], why[512], q[SCN_QUOTE_BUF];
    const char *qn = scn_quote(name, q);
    if (!po || !po->cost_lookup) {
        scn_error(e, where, line, "cost.%s: no cost table is built into this program; expected no [cost] keys", qn);
        return -1;
    }
    int idx = po->cost_lookup(name);
    if (idx < 0) {
        cost_hint(po, name, hint, sizeof hint);
        scn_error(e, where, line, "unknown cost '%s'; %s", qn, hint);
        return -1;
    }
    if (strlen(name) >= SCN_COST_NAME_MAX) {
        scn_error(e, where, line, "cost name '%s' is too long; expected at most %d bytes", qn,
                  SCN_COST_NAME_MAX - 1);
        return -1;
    }
    static const scn_valspec spec = {SCN_T_TIME, 0, 1e12L, NULL, 0};
    uint64_t ns;
    if (scn_value_parse(&spec, value, &ns, why, sizeof why)) {
        char key[SCN_COST_NAME_MAX + 8];
        snprintf(key, sizeof key, "cost.%s", name);
        if (scn__key_shown(org, line, key))
            scn_error(e, where, line, "%s", why);
        else
            scn_error(e, where, line, "%s: %s", key, why);
        return -1;
    }
    int c = scn__find_cost(s, name);
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
int scn__apply_opt(struct scenario *s, const scn_opt *o, int inst, const char *instname, const char *value,
                     const scn__origin *org, const char *where, unsigned line, scn_errors *e)
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
        char key[400];
        if (instname)
            snprintf(key, sizeof key, "%s.%s.%s", o->section, instname, o->key);
        else
            snprintf(key, sizeof key, "%s.%s", o->section, o->key);
        if (scn__key_shown(org, line, key))
            scn_error(e, where, line, "%s", why);
        else
            scn_error(e, where, line, "%s: %s", key, why);
        return -1;
    }
    void *f = scn__field_ptr(s, o, inst);
    if (spec.type == SCN_T_STRING)
        memcpy(f, tmp.str, strlen(tmp.str) + 1);
    else
        memcpy(f, &tmp, o->spec.size);
    s->meta->slot[scn__slot_base((size_t)(o - scn_opts)) + (size_t)inst] = *org;
    return 0;
}

typedef struct reported {
    char section[64];
    const char *file;
} reported;

int scn__apply_ini(struct scenario *s, const scn_ini *ini, const scn_parse_opts *po, scn_errors *e)
{
    int failed = 0;
    reported rep[32];
    size_t nrep = 0;
    char q[SCN_QUOTE_BUF];
    for (size_t i = 0; i < ini->n; i++) {
        if (scn_errors_at_limit(e))
            return HV_EPARSE;
        const scn_ini_entry *en = &ini->e[i];
        scn__origin org = {scn__intern(s->meta, en->file), en->line, NULL, 0};
        if (!strcmp(en->section, "cost")) {
            if (en->instance) {
                if (!en->key) {
                    scn_error(e, en->file, en->section_line, "section [cost] takes no instance name; expected [cost]");
                    failed = 1;
                }
            } else if (en->key && scn__apply_cost(s, en->key, en->value, &org, en->file, en->line, po, e))
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
                const char *names[SCN__SECTION_NAMES];
                const char *best = scn_suggest(en->section, scn__section_names(names));
                char hint[512];
                if (best)
                    snprintf(hint, sizeof hint, "did you mean [%s]?", best);
                else {
                    size_t o = (size_t)snprintf(hint, sizeof hint, "expected one of:");
                    for (const char **n = names; *n && o < sizeof hint; n++)
                        o += (size_t)snprintf(hint + o, sizeof hint - o, " [%s]", *n);
                }
                scn_error(e, en->file, en->section_line, "unknown section [%s]; %s", scn_quote(en->section, q), hint);
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
                              "instance name '%s' is too long; expected at most %d bytes",
                              scn_quote(en->instance, q), SCN_NAME_MAX - 1);
                failed = 1;
                continue;
            }
            inst = scn_instance(s, sec->name, en->instance);
            if (inst < 0)
                inst = scn__add_instance(s, sec, en->instance);
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
            scn__key_hint(sec->name, en->key, hint, sizeof hint);
            scn_error(e, en->file, en->line, "unknown key '%s' in [%s]; %s", scn_quote(en->key, q), sec->name, hint);
            failed = 1;
            continue;
        }
        if (scn__apply_opt(s, o, inst, en->instance, en->value, &org, en->file, en->line, e))
            failed = 1;
    }
    return failed ? HV_EPARSE : 0;
}
