/*
 * scn/scenario_internal.h — what the scenario system's files share (the
 * scn__ prefix, like libuv's uv__). Not part of the API: scn/scenario.h is.
 *
 *   scenario.c        the option table from scn/rooms.def, lookups,
 *                     provenance, instances, validate and scn_reject
 *   scenario_apply.c  applying one key, one [cost] override, an INI file;
 *                     "did you mean" hints
 *   scenario_load.c   presets, files and includes, --set, scn_build
 *   scenario_write.c  scn_get_text, scn_visit, scn_write_ini
 *
 * Concurrency: as scn/scenario.h (single owner).
 */
#ifndef HV_SCN_SCENARIO_INTERNAL_H
#define HV_SCN_SCENARIO_INTERNAL_H

#include <stdio.h>

#include "scn/ini.h"
#include "scn/scenario.h"

/* Where one value came from. */
typedef struct scn__origin {
    const char *where;  /* NULL: default; interned */
    unsigned line;      /* 0: where is a label (--set) */
    const char *assign; /* with a label: the assignment as typed
                           ("vm.*.vcpus=4"), for messages; interned */
    unsigned char flag; /* the label is a flag standing for the assignment's
                           key (--duration for sim.duration, scn_set_flag):
                           messages show "FLAG VALUE", as typed */
} scn__origin;

struct scn_meta {
    char *source;
    char *top;   /* display name of the top file ("my.ini", "preset:smoke") */
    char *lead_comment;
    char **strs;
    size_t nstrs;
    size_t nslots;
    scn__origin *slot;              /* per (option, instance) */
    scn__origin cost[SCN_COST_MAX];
};

/* scenario.c */
/* First provenance slot of option opt_index (one slot per instance). */
size_t scn__slot_base(size_t opt_index);
/* s interned in m (owned by m, compared by pointer). */
const char *scn__intern(scn_meta *m, const char *s);
/* Option o's field of instance inst (0 for plain sections). */
void *scn__field_ptr(struct scenario *s, const scn_opt *o, int inst);
const void *scn__field_cptr(const struct scenario *s, const scn_opt *o, int inst);
/* Instances of an instance section, and the name of instance i. */
size_t scn__count(const struct scenario *s, const scn_section *sec);
const char *scn__name(const struct scenario *s, const scn_section *sec, size_t i);
/* New instance at its defaults; -1 if the section is full. */
int scn__add_instance(struct scenario *s, const scn_section *sec, const char *name);
/* The provenance text: "default", "FILE:LINE" or the label. */
void scn__format_origin(const scn__origin *o, char *buf, size_t n);
/* Where a message about the value points: as scn__format_origin, but a
 * label is followed by the assignment as typed ("--set vm.*.vcpus=4",
 * shortened if long). */
void scn__format_where(const scn__origin *o, char *buf, size_t n);
/* 1 if a message at o already shows key: an assignment of exactly that key
 * typed on the command line ("--set sim.duration=5") or a flag standing for
 * it ("--duration 5"; line 0 in both); its "KEY: " would say it twice. */
int scn__key_shown(const scn__origin *o, unsigned line, const char *key);
/* Index of the [cost] override name, or -1. */
int scn__find_cost(const struct scenario *s, const char *name);

/* scenario_apply.c */
/* Every section name, then "cost", then NULL, into names; returns names. */
#define SCN__SECTION_NAMES (64 + 2)
const char **scn__section_names(const char *names[SCN__SECTION_NAMES]);
void scn__key_hint(const char *section, const char *key, char *buf, size_t n);
int scn__apply_cost(struct scenario *s, const char *name, const char *value, const scn__origin *org,
                    const char *where, unsigned line, const scn_parse_opts *po, scn_errors *e);
/* Set section[inst].key = value (inst 0 for plain sections). */
int scn__apply_opt(struct scenario *s, const scn_opt *o, int inst, const char *instname,
                   const char *value, const scn__origin *org, const char *where, unsigned line,
                   scn_errors *e);
int scn__apply_ini(struct scenario *s, const scn_ini *ini, const scn_parse_opts *po, scn_errors *e);

#endif
