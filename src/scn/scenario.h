/*
 * scn/scenario.h — the scenario: every room's configuration, where each
 * value came from, and the one option table that drives parsing, --set,
 * defaults, `hvwake keys`, `show-config` and the echo in every output.
 *
 * Overview
 *   scenario file(s) + --set  ->  scn_build()  ->  struct scenario
 *   1. scn_init: every key at its default (the "default" column of its row).
 *   2. scn_load: a preset name (`hvwake scenarios`) or a file, with includes;
 *      entries apply in file order, an includer's values override its
 *      includes' values.
 *   3. scn_set: "section.key=value", "section.instance.key=value",
 *      "section.*.key=value" (every instance), "cost.NAME=value".
 *   4. scn_validate: every room's VALIDATE hook (scn/rooms.def).
 *   Each step reports every problem it finds into scn_errors as
 *   "where:line: what is wrong; what was expected" and returns HV_EPARSE;
 *   the caller must not run a scenario whose build failed.
 *
 * State
 *   struct scenario holds, per section of scn/rooms.def, `struct X_cfg X`
 *   (plain section) or `n_X`, `X_name[max][SCN_NAME_MAX]`, `X[max]`
 *   (instance section, in order of first appearance), the [cost] overrides,
 *   and `meta` (owned, heap): the provenance of every value, the source
 *   name, the description. Copy with scn_copy (not `=`), free with scn_free.
 *   Provenance of a value: "default", "FILE:LINE", or the origin label
 *   given to scn_set ("--set", "--vary", "--variant NAME").
 *
 * Invariants
 *   Every field holds a value accepted by its row (type, range, enum); a
 *   value is never clamped. Instance names are unique per section.
 *
 * Concurrency: single owner; a built scenario may be read from any thread.
 */
#ifndef HV_SCN_SCENARIO_H
#define HV_SCN_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "scn/errors.h"
#include "scn/value.h"

/* Test builds substitute a fake room set (tests/scn). */
#ifndef SCN_ROOMS_HEADER
#define SCN_ROOMS_HEADER "scn/rooms.h"
#endif
#ifndef SCN_ROOMS_TABLE
#define SCN_ROOMS_TABLE "scn/rooms.def"
#endif
#include SCN_ROOMS_HEADER

#define SCN_NAME_MAX 32  /* instance name, including the NUL */
#define SCN_COST_MAX 256 /* [cost] overrides */
#define SCN_COST_NAME_MAX 64

/* One [cost] override: cost-table row `index` (from the lookup) = ns. */
typedef struct scn_cost {
    char name[SCN_COST_NAME_MAX];
    int index;
    uint64_t ns;
} scn_cost;

typedef struct scn_meta scn_meta;

/* Instance limits per section: SCN_MAX_<section> (0 = plain section). */
enum {
#define SECTION(n, h) SCN_MAX_##n = 0,
#define INSTANCES(n, max, h) SCN_MAX_##n = (max),
#define VALIDATE(fn)
#define OPT(...)
#define OPT_ENUM(...)
#include SCN_ROOMS_TABLE
#undef SECTION
#undef INSTANCES
#undef VALIDATE
#undef OPT
#undef OPT_ENUM
    SCN_MAX_unused_
};

struct scenario {
    /* ---- room config members: generated from scn/rooms.def ---- */
#define SECTION(n, h) struct n##_cfg n;
#define INSTANCES(n, max, h)                                                \
    size_t n_##n;                                                           \
    char n##_name[max][SCN_NAME_MAX];                                       \
    struct n##_cfg n[max];
#define VALIDATE(fn)
#define OPT(...)
#define OPT_ENUM(...)
#include SCN_ROOMS_TABLE
#undef SECTION
#undef INSTANCES
#undef VALIDATE
#undef OPT
#undef OPT_ENUM
    /* ---- [cost] overrides, in order of first appearance ---- */
    size_t n_cost;
    scn_cost cost[SCN_COST_MAX];
    /* ---- bookkeeping ---- */
    scn_meta *meta;
};

/* ---- the option table ---- */

typedef struct scn_opt {
    const char *section, *key;
    scn_valspec spec;    /* type, range, enum names, field size */
    const char *def;     /* default, as text */
    const char *help;
    int instances;       /* SCN_MAX_<section> */
    size_t sec_off;      /* offsetof(struct scenario, section) */
    size_t stride;       /* sizeof(struct section_cfg) */
    size_t field_off;    /* offsetof(struct section_cfg, key) */
} scn_opt;

typedef struct scn_section {
    const char *name, *help;
    int instances;       /* 0 plain; else max instances */
    size_t count_off;    /* offsetof n_<name> (instances only) */
    size_t names_off;    /* offsetof <name>_name */
} scn_section;

extern const scn_opt scn_opts[];
extern const size_t scn_n_opts;
extern const scn_section scn_sections[];
extern const size_t scn_n_sections;

const scn_opt *scn_find_opt(const char *section, const char *key);
const scn_section *scn_find_section(const char *name);

/* ---- parsing ---- */

typedef struct scn_parse_opts {
    /* Cost table: row index of name, or -1. NULL: no cost table, and any
     * [cost] key is an error. */
    int (*cost_lookup)(const char *name);
    /* i-th row name, NULL past the end (for "did you mean"); may be NULL. */
    const char *(*cost_name)(int i);
    /* 1: `include` may name presets only ("preset:NAME"), never a file
     * (fuzzing, untrusted input). */
    int presets_only;
} scn_parse_opts;

/* Every key at its default; no instances; no cost overrides. */
void scn_init(struct scenario *s);
void scn_free(struct scenario *s);
/* dst = src (deep; dst must not be initialised, or be freed first). */
void scn_copy(struct scenario *dst, const struct scenario *src);

/* Apply a preset (a name listed by scn_preset_*) or, if src names no
 * preset or contains a '/' or ends in ".ini", a file. po may be NULL. */
int scn_load(struct scenario *s, const char *src, const scn_parse_opts *po, scn_errors *e);
/* Apply an in-memory scenario named name (includes: "preset:NAME" only). */
int scn_load_buffer(struct scenario *s, const char *name, const char *buf, size_t len,
                    const scn_parse_opts *po, scn_errors *e);
/* Apply one assignment "section[.instance|.*].key=value" or
 * "cost.NAME=value"; origin labels the provenance ("--set"). Messages name
 * the place as "ORIGIN ASSIGNMENT: what is wrong" (the key is shown once). */
int scn_set(struct scenario *s, const char *assign, const char *origin, const scn_parse_opts *po,
            scn_errors *e);
/* The same for a flag that stands for key (--duration T is sim.duration=T):
 * the provenance is the flag, messages name "FLAG VALUE", as typed. */
int scn_set_flag(struct scenario *s, const char *key, const char *value, const char *flag, const scn_parse_opts *po,
                 scn_errors *e);
/* Run every room's VALIDATE hook. */
int scn_validate(const struct scenario *s, scn_errors *e);
/* init + load(src; NULL = the "default" preset) + each set + validate.
 * On HV_EPARSE the scenario is still initialised (free it) but unusable. */
int scn_build(struct scenario *s, const char *src, const char *const *sets, size_t nsets,
              const scn_parse_opts *po, scn_errors *e);

/* ---- provenance and lookup ---- */

/* Where a value came from: "default", "FILE:LINE" or the scn_set origin.
 * instance: NULL for plain sections; key may be a cost name for "cost". */
const char *scn_origin(const struct scenario *s, const char *section, const char *instance,
                       const char *key, char *buf, size_t n);
/* Index of instance name in section, or -1. */
int scn_instance(const struct scenario *s, const char *section, const char *name);
/* Validate hooks report with this: "ORIGIN: section.instance.key = VALUE:
 * message" where ORIGIN is the key's file:line, the option with the
 * assignment as typed ("--set vm.*.vcpus=4", "--vary kvm.x=1"), or
 * "default". key is the key that is wrong (of a check across keys, the
 * one whose value the message is about). */
void scn_reject(const struct scenario *s, scn_errors *e, const char *section, const char *instance,
                const char *key, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The scenario's name as given to scn_load ("default", "x.ini"). */
const char *scn_source(const struct scenario *s);
/* One line describing the scenario: the top file's own [sim] description
 * (or a --set of it), else the top file's leading comment, else a
 * description inherited from an include, else "". */
const char *scn_description(const struct scenario *s);

/* ---- echo ---- */

/* Canonical text of section[.instance].key (re-parseable), or -1. */
int scn_get_text(const struct scenario *s, const char *section, const char *instance, const char *key,
                 char *buf, size_t n);

/* Visit every effective value in echo order (sections of rooms.def; for
 * instance sections each instance in order; then the cost overrides):
 * name "sim.seed" / "vm.db.vcpus" / "cost.rm_entry", canonical text, JSON
 * literal (NULL: a string, write text quoted), origin. */
typedef void (*scn_visit_fn)(void *ctx, const char *name, const char *text, const char *json,
                             const char *origin);
void scn_visit(const struct scenario *s, scn_visit_fn fn, void *ctx);
/* The effective configuration as a re-loadable INI text, each value with its
 * origin as a comment. */
void scn_write_ini(const struct scenario *s, FILE *f);

#endif
