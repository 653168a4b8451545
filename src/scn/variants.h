/*
 * scn/variants.h — variants and jobs for compare/sweep: --vary, --variant,
 * --shard.
 *
 * A variant is a named list of assignments applied with scn_set on top of
 * the base scenario (after the base's --set options).
 *   --variant NAME:k=v[,k=v...]   one explicit variant (assignments split
 *                                  at commas; NAME: [A-Za-z0-9_.=+-]+)
 *   --vary k=v1,v2,...            one axis; several --vary give the
 *                                  cartesian product, the first axis
 *                                  varying slowest
 *   --vary k=LO..HI[/STEP]        integer range, inclusive (STEP default 1)
 * Without --variant the explicit list is one empty variant "base". The
 * result is explicit x product, in that order. A variant's name is its
 * explicit name, then ",k=v" for each axis ("base" is dropped when there
 * are axes: "kvm.halt_poll_ns=0"). Origins: "--variant NAME" / "--vary".
 * At most SCN_VARIANTS_MAX variants. A key (as written before '=') may
 * appear once: in one --vary, or once in a --variant and in no --vary;
 * anything else is an error (one of the values would be lost).
 *
 * Jobs: variant v, replication r (0 <= r < R) is job j = v * R + r.
 * --shard I/N (1 <= I <= N) selects the jobs with j % N == I - 1: a
 * deterministic round-robin split, independent of machine and timing,
 * whose union over I = 1..N is every job exactly once.
 */
#ifndef HV_SCN_VARIANTS_H
#define HV_SCN_VARIANTS_H

#include <stddef.h>

#include "scn/errors.h"
#include "scn/scenario.h"

#define SCN_VARIANTS_MAX 10000

typedef struct scn_variant {
    char *name;
    char *origin;   /* "--variant NAME" or "--vary" */
    char **sets;    /* "section.key=value" */
    char **origins; /* per set */
    size_t nsets;
} scn_variant;

typedef struct scn_variants {
    scn_variant *v;
    size_t n;
} scn_variants;

/* Expand; 0 or HV_EPARSE with messages (where: "--vary ARG" /
 * "--variant ARG"). Keys are checked when applied (scn_variant_apply). */
int scn_variants_expand(scn_variants *out, const char *const *vary, size_t nvary,
                        const char *const *variant, size_t nvariant, scn_errors *e);
void scn_variants_free(scn_variants *vs);
/* scn_set every assignment of v on s. Build every variant before running
 * any (nothing runs on a half-valid configuration). */
int scn_variant_apply(struct scenario *s, const scn_variant *v, const scn_parse_opts *po, scn_errors *e);

typedef struct scn_shard {
    unsigned i, n; /* 1 <= i <= n; {1, 1} = everything */
} scn_shard;

/* Parse "I/N"; 0 or HV_EPARSE. */
int scn_shard_parse(const char *text, scn_shard *out, scn_errors *e);
/* 1 if job j belongs to the shard. */
int scn_shard_owns(scn_shard s, size_t job);

#endif
