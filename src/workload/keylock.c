/* Per-key locks; see keylock.h. */
#include "workload/keylock.h"

#include "base/hv.h"

#include <stdlib.h>
#include <string.h>

static uint32_t slot_of(const keylock *k, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull; /* Fibonacci hashing */
    return (uint32_t)(h >> 32) & (k->cap - 1);
}

void keylock_init(keylock *k) { memset(k, 0, sizeof *k); }

void keylock_free(keylock *k)
{
    for (uint32_t i = 0; i < k->cap; i++)
        if (k->t[i].m) {
            guest_mutex_free(k->t[i].m);
            free(k->t[i].m);
        }
    for (uint32_t i = 0; i < k->npool; i++) {
        guest_mutex_free(k->pool[i]);
        free(k->pool[i]);
    }
    free(k->t);
    free(k->pool);
}

static void put(keylock *k, uint64_t key, guest_mutex *m)
{
    uint32_t i = slot_of(k, key);
    while (k->t[i].m)
        i = (i + 1) & (k->cap - 1);
    k->t[i] = (keylock_slot){key, m};
}

static void grow(keylock *k)
{
    keylock_slot *old = k->t;
    uint32_t oldcap = k->cap;
    k->cap = oldcap ? 2 * oldcap : 16;
    k->t = hv_xcalloc(k->cap, sizeof *k->t);
    for (uint32_t i = 0; i < oldcap; i++)
        if (old[i].m)
            put(k, old[i].key, old[i].m);
    free(old);
}

guest_mutex *keylock_get(keylock *k, uint64_t key)
{
    if (k->cap) {
        for (uint32_t i = slot_of(k, key); k->t[i].m; i = (i + 1) & (k->cap - 1))
            if (k->t[i].key == key)
                return k->t[i].m;
    }
    if (2 * (k->n + 1) > k->cap)
        grow(k);
    guest_mutex *m;
    if (k->npool) {
        m = k->pool[--k->npool];
    } else {
        m = hv_xcalloc(1, sizeof *m);
        k->allocated++;
    }
    put(k, key, m);
    k->n++;
    return m;
}

void keylock_release(keylock *k, uint64_t key)
{
    HV_CHECK(k->cap);
    uint32_t i = slot_of(k, key);
    while (k->t[i].m && k->t[i].key != key)
        i = (i + 1) & (k->cap - 1);
    guest_mutex *m = k->t[i].m;
    HV_CHECK(m != NULL);
    if (m->owner || m->waiters.n)
        return;
    /* backward-shift deletion */
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & (k->cap - 1);
        if (!k->t[j].m)
            break;
        uint32_t home = slot_of(k, k->t[j].key);
        /* move j into the hole i unless its home lies cyclically in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            k->t[i] = k->t[j];
            i = j;
        }
    }
    k->t[i] = (keylock_slot){0, NULL};
    k->n--;
    if (k->npool == k->cappool) {
        k->cappool = k->cappool ? 2 * k->cappool : 8;
        k->pool = hv_xrealloc(k->pool, k->cappool * sizeof *k->pool);
    }
    k->pool[k->npool++] = m;
}
