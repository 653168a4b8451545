/*
 * des/des_internal.h — the engine's private seam: the types and constants
 * its files share, and nothing else includes. Code outside src/des/ uses
 * des/des.h only. The queue's design is the comment at the top of des.c.
 *
 * Files
 *   des.c      the hot core: pool, radix queue, schedule, the run loop and
 *              the public API. Every function the event loop, des_at,
 *              des_after, rq_push and rq_pop_front inline is there or
 *              static inline here.
 *   des_run.c  the sorted runs (des__run_*), reached only from des.c's
 *              out-of-line rq_redistribute.
 *   des_aux.c  the early heap (des__early_*, out of line), the
 *              stale-entry sweep (des__sweep_stale), stats, memory
 *              accounting, the conservation check and the check hook.
 */
#ifndef HV_DES_DES_INTERNAL_H
#define HV_DES_DES_INTERNAL_H

#include "des/des.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct des_rec {
    des_fn fn;          /* NULL while the slot is free */
    void *obj;
    uint64_t arg;
    des_time t;         /* event time (des_event_time) */
    uint32_t gen;       /* bumped on release */
    uint32_t next_free; /* free list link (idx + 1), 0 = end */
    uint64_t pad_[3];   /* to one cache line */
} des_rec;
_Static_assert(sizeof(des_rec) == 64, "an event record is one cache line");

typedef struct des_ent {
    des_time t;
    uint32_t idx;
    uint32_t gen;
} des_ent;
_Static_assert(sizeof(des_ent) == 16, "queue entry is 16 bytes");

/* Early-heap entry: seq orders equal times (FIFO). */
typedef struct des_early {
    des_time t;
    uint64_t seq;
    uint32_t idx, gen;
} des_early;

#define RQ_BITS 8
#define RQ_DIGITS (1u << RQ_BITS)      /* 256 buckets per level */
#define RQ_LEVELS (64 / RQ_BITS)       /* 8 levels */
#define RQ_WORDS (RQ_DIGITS / 64)      /* bitmap words per level */
#define RQ_PREFETCH 512                /* see rq_front */
#define RQ_AHEAD 8                     /* see rq_pop_front */
#define RUN_MIN 8                      /* see des_run.c: buckets of */
#define RUN_MAX 32768                  /* RUN_MIN..RUN_MAX entries are sorted, */
#define RUN_SMALL 512                  /* least run capacity; records of runs up to it prefetched whole */
#define RUN_RANK 16                    /* up to this many by rank placement */
#define RUN_AHEAD 32                   /* see find_front */
#define RUN_PENDING 512                /* only with this many events pending */
#define RUN_SHIFTS 8                   /* see run_bin_sort */

typedef struct rq_bucket {
    des_ent *e;
    uint32_t head, n, cap; /* entries e[head..n) are queued */
} rq_bucket;

struct des_sim {
    des_time now;
    uint64_t seq;
    /* pool */
    des_rec *pool;
    uint32_t pool_cap, free_head;
    /* radix queue */
    des_time last;
    uint64_t rq_n;                           /* entries in buckets (live + stale) */
    uint64_t rq_cap;                         /* entries of all bucket arrays, spares included */
    des_ent *spare[32];                      /* emptied big arrays of 2^k entries (rq_recycle) */
    uint32_t level_mask;                     /* bit l: level l has a non-empty bucket */
    uint32_t word_mask[RQ_LEVELS];           /* bit w: bitmap[l][w] != 0 */
    uint64_t bitmap[RQ_LEVELS][RQ_WORDS];    /* bit d: bucket (l, d) non-empty */
    rq_bucket b[RQ_LEVELS][RQ_DIGITS];
    /* the sorted run: entries run[run_h..run_n), in (time, seq) order, all
     * <= last; see des_run.c */
    uint32_t run_h, run_n;
    uint32_t run_cap;          /* entries of run, run_tmp and run_cnt (grown on use) */
    des_ent *run, *run_tmp;    /* the run and the radix sort's second buffer */
    uint32_t *run_cnt;         /* run_bin_sort's bin counts */
    des_time lead_cur, lead_prev; /* least t - now scheduled since the last and the
                                   * previous run decision (des__run_lead_ok) */
    /* early heap (keys < last) */
    des_early *early;
    size_t early_n, early_cap;
    uint64_t stale; /* queue entries whose slot was cancelled */
    des_stats st; /* st.scheduled is seq, filled in by des_get_stats */
    bool stop;
    des_check_fn check;
    void *check_ctx;
    bool checks_on;
    char check_msg[160]; /* the message des_conservation returns */
};

/* Bucket (l, d) is empty: reset it and clear its bit, and the word and
 * level bits when they become 0. */
static inline void des__rq_mark_empty(des_sim *s, unsigned l, unsigned d)
{
    rq_bucket *bk = &s->b[l][d];
    bk->head = bk->n = 0;
    if (!(s->bitmap[l][d / 64] &= ~(1ull << (d % 64))) && !(s->word_mask[l] &= ~(1u << (d / 64))))
        s->level_mask &= ~(1u << l);
}

/* Is the queue entry {idx, gen} still the live event of its slot? */
static inline bool des__ent_live(const des_sim *s, uint32_t idx, uint32_t gen)
{
    const des_rec *h = &s->pool[idx];
    return h->fn != NULL && h->gen == gen;
}

/* des_run.c: sort bucket bk (level l, keys in [m, mx], m < mx) into the
 * run; may a bucket spanning span ns become a run. */
void des__run_form(des_sim *s, const rq_bucket *bk, unsigned l, des_time m, des_time mx);
bool des__run_lead_ok(des_sim *s, des_time span);

/* des_aux.c: the early heap (keys < last), out of line (rare: PHOLD never
 * uses it), and the sweep of cancelled entries. */
__attribute__((noinline)) void des__early_push(des_sim *s, des_early e);
__attribute__((noinline)) des_early des__early_pop(des_sim *s);
void des__sweep_stale(des_sim *s);

#endif
