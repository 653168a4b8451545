/*
 * workload/keylock.h — per-key (document) locks of the MongoDB-like server:
 * a map from the keys locked right now to their guest mutexes (guest/os.h),
 * the mutexes recycled from a pool. Memory is O(keys locked or waited on),
 * at most one per worker thread, whatever the record count.
 *
 * The map is open addressing with linear probing over a power-of-two table
 * kept at most half full, removal by backward shift (no tombstones), so a
 * lookup costs O(1) expected.
 */
#ifndef HV_WORKLOAD_KEYLOCK_H
#define HV_WORKLOAD_KEYLOCK_H

#include <stdint.h>

#include "guest/os.h"

typedef struct keylock_slot {
    uint64_t key;
    guest_mutex *m; /* NULL = empty slot */
} keylock_slot;

typedef struct keylock {
    keylock_slot *t;
    uint32_t cap, n;
    guest_mutex **pool;
    uint32_t npool, cappool;
    uint64_t allocated; /* mutexes ever allocated (bounded by the peak of n) */
} keylock;

void keylock_init(keylock *k);
void keylock_free(keylock *k);
/* The mutex of key, created unlocked if the key has none. */
guest_mutex *keylock_get(keylock *k, uint64_t key);
/* Forget key's mutex if it is free with no waiters (back to the pool). */
void keylock_release(keylock *k, uint64_t key);

#endif
