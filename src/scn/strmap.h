/*
 * scn/strmap.h — a small hash map from byte strings to size_t, for the
 * lookups that must stay linear in the input size (the INI reader's
 * "each key once per section in a file" check).
 *
 * State: open addressing with linear probing in a table of `cap` slots,
 * cap a power of two (0 before the first insertion); a slot is empty when
 * its key is NULL. Each slot owns a copy of its key (len bytes plus a NUL)
 * and keeps the key's 64-bit FNV-1a hash.
 *
 * Invariants: n < cap / 2 after every insertion (the table doubles before
 * it gets fuller), so a probe sequence always ends at an empty slot; a key
 * is stored at most once. There is no removal (nothing needs it).
 *
 * Cost: insertion and lookup take O(1) expected time for keys that do not
 * collide on purpose; the hash is not keyed (a scenario file is the user's
 * own input, not an adversary's), so crafted colliding keys can make them
 * linear in n.
 *
 * Concurrency: single owner.
 */
#ifndef HV_SCN_STRMAP_H
#define HV_SCN_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct scn_strmap_slot {
    char *key;     /* NULL: empty */
    size_t len;
    uint64_t hash;
    size_t val;
} scn_strmap_slot;

typedef struct scn_strmap {
    scn_strmap_slot *slot;
    size_t cap, n;
} scn_strmap;

void scn_strmap_init(scn_strmap *m);
void scn_strmap_free(scn_strmap *m);
/* The value stored for the len bytes at key (need not be NUL-terminated),
 * or NULL. */
size_t *scn_strmap_get(const scn_strmap *m, const char *key, size_t len);
/* Store key -> val unless key is present. Returns NULL when it stored it,
 * else the value already there (left unchanged). */
size_t *scn_strmap_put(scn_strmap *m, const char *key, size_t len, size_t val);
/* 64-bit FNV-1a of len bytes (exposed for the tests). */
uint64_t scn_strmap_hash(const char *key, size_t len);

#endif
