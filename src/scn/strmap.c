#include "scn/strmap.h"

#include "base/hv.h"

#include <stdlib.h>
#include <string.h>

void scn_strmap_init(scn_strmap *m) { memset(m, 0, sizeof *m); }

void scn_strmap_free(scn_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slot[i].key);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

uint64_t scn_strmap_hash(const char *key, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a offset basis and prime */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static scn_strmap_slot *find(const scn_strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        scn_strmap_slot *s = &m->slot[i];
        if (!s->key || (s->hash == h && s->len == len && !memcmp(s->key, key, len)))
            return s;
    }
}

static void grow(scn_strmap *m)
{
    scn_strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->slot = hv_xcalloc(m->cap, sizeof *m->slot);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slot[i].key)
            *find(m, old.slot[i].key, old.slot[i].len, old.slot[i].hash) = old.slot[i];
    free(old.slot);
}

size_t *scn_strmap_get(const scn_strmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    scn_strmap_slot *s = find(m, key, len, scn_strmap_hash(key, len));
    return s->key ? &s->val : NULL;
}

size_t *scn_strmap_put(scn_strmap *m, const char *key, size_t len, size_t val)
{
    if (2 * (m->n + 1) >= m->cap)
        grow(m);
    uint64_t h = scn_strmap_hash(key, len);
    scn_strmap_slot *s = find(m, key, len, h);
    if (s->key)
        return &s->val;
    s->key = hv_xmalloc(len + 1);
    memcpy(s->key, key, len);
    s->key[len] = 0;
    s->len = len;
    s->hash = h;
    s->val = val;
    m->n++;
    return NULL;
}
