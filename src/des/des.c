/*
 * des/des.c — the engine: pooled event records and a monotone radix queue
 * keyed on the 64-bit nanosecond time. See des.h for the contract and
 * docs/performance.md for the measurements behind the design.
 *
 * Event records (the pool)
 *   pool[idx] = {fn, obj, arg, t, gen, next_free}, padded to 64 bytes
 *   and 64-byte aligned: one cache line per event. Running an event reads
 *   its line (the one cache miss per event at large sizes, prefetched, see
 *   rq_front); the handler's des_at() takes the slot just released (LIFO
 *   free list), so scheduling writes a line that is already in cache. (An
 *   earlier split into a 32-byte hot part and a 16-byte {t, seq} part cost
 *   a second miss per event, a write to a cold line: 9.2 M vs 14.4 M
 *   events/s at PHOLD L; see docs/performance.md.)
 *   A slot is live while fn != NULL. Releasing a slot (event ran or was
 *   cancelled) bumps gen, so every handle and queue entry taken earlier for
 *   it becomes stale.
 *
 * Queue entries
 *   {t, idx, gen}, 16 bytes. Cancellation is lazy: des_cancel releases the
 *   slot at once, the entry stays in the queue and is dropped when it
 *   reaches the front (gen no longer matches). When stale entries outnumber
 *   live ones (and there are many), one sweep drops them all (amortised
 *   O(1) per cancel; memory stays within 2x the pending set).
 *
 * The radix queue (a radix heap with 8-bit digits)
 *   `last` is a time <= every key in the radix part (the last key popped or
 *   the minimum found by the last redistribution). A key k != last is kept
 *   in bucket (level, digit): level = index of the highest byte in which k
 *   and last differ, digit = that byte of k. Keys equal to last sit in level
 *   0 with digit = low byte of last. Every level-0 bucket therefore holds a
 *   single time value, and buckets order the keys: all of level 0 < all of
 *   level 1 < ...; within a level, by digit.
 *     pop: if level 0 is not empty, its lowest non-empty bucket holds the
 *       minimum; take its front. Otherwise take the lowest non-empty bucket B
 *       (lowest level, then lowest digit). If B holds one entry, that is the
 *       minimum: pop it in place. If all of B's entries have one time, B
 *       becomes that time's level-0 bucket (arrays swapped, order kept).
 *       Else find B's minimum m, set last = m and move every entry of B to
 *       its bucket relative to m (a lower level; all lower levels are empty
 *       at that point).
 *     Changing last to m keeps every other entry's bucket valid: m shares
 *     all bytes above B's level with the old last and B's digit is the
 *     lowest of its level, so the highest byte in which any other key
 *     differs from m is the same as before.
 *   FIFO ties, exactly: the bucket of a key is a function of (key, last)
 *   only, so equal keys are always in the same bucket; entries are appended
 *   in scheduling order and a redistribution moves them in their order into
 *   empty buckets, so each bucket stays in scheduling order for equal keys;
 *   level-0 buckets are popped from the front.
 *   Cost: an entry moves at most once per level (8) and in practice once or
 *   twice (PHOLD S to L), each move a sequential read and an append; no
 *   comparisons on (time, seq) at all. A mask of non-empty levels, one of
 *   non-empty bitmap words per level and a 256-bit bitmap per level find
 *   the lowest non-empty bucket with count-trailing-zeros, no scan.
 *
 * The sorted run (run_form)
 *   With >= RUN_PENDING events pending, a lowest bucket of RUN_MIN..RUN_MAX
 *   entries and more than one time is sorted, stably, into run[] instead of
 *   being moved to the levels below, and popped from there in order; last
 *   becomes the run's largest key, keys scheduled below it while the run
 *   lasts go to the early heap, and the front is the run's or the early
 *   heap's (the run wins ties: its entries were scheduled first). A bucket
 *   becomes a run only if its time span is below the least lead (t - now)
 *   scheduled lately, so that what is scheduled while it lasts lands above
 *   it, not in the early heap (a model that schedules a few ns ahead never
 *   forms runs: its early-heap traffic cost more than the sort saved). See
 *   run_form for the argument and docs/performance.md for the numbers.
 *
 * Keys below last (the "early" heap)
 *   Looking at the front (des_next_time, or des_run_until meeting an event
 *   at or after `end`) may move last up to the next event's time m while
 *   now stays below m; a handler or caller may then schedule at t in
 *   [now, m). Such keys cannot enter the radix part. They go to a small
 *   binary heap ordered by (t, seq); all its keys are < last <= every radix
 *   key, and last does not move while it is non-empty (it is drained
 *   first), so the global order is: early heap, then radix queue.
 *   PHOLD never uses it; a model that runs in steps uses it briefly.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE (Linux) */
#include "des/des.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
#define RUN_MIN 8                      /* see run_form: buckets of */
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
     * <= last; see run_form */
    uint32_t run_h, run_n;
    uint32_t run_cap;          /* entries of run, run_tmp and run_cnt (grown on use) */
    des_ent *run, *run_tmp;    /* the run and the radix sort's second buffer */
    uint32_t *run_cnt;         /* run_bin_sort's bin counts */
    des_time lead_cur, lead_prev; /* least t - now scheduled since the last and the
                                   * previous run decision (run_lead_ok) */
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

/* ---- radix queue ------------------------------------------------------- */

/* Level of key k relative to last (k >= last): 0 if they differ only in the
 * low byte (or not at all), else the index of the highest differing byte. */
static inline unsigned rq_level(des_time k, des_time last)
{
    /* 63 ^ clz is the index of the highest set bit; x | 1 makes equal keys
     * level 0 without a branch. */
    return (unsigned)(63 ^ __builtin_clzll((k ^ last) | 1)) / RQ_BITS;
}

static inline unsigned rq_digit(des_time k, unsigned level)
{
    return (unsigned)(k >> (level * RQ_BITS)) & (RQ_DIGITS - 1);
}

static inline void rq_mark_nonempty(des_sim *s, unsigned l, unsigned d)
{
    s->bitmap[l][d / 64] |= 1ull << (d % 64);
    s->word_mask[l] |= 1u << (d / 64);
    s->level_mask |= 1u << l;
}

/* Bucket arrays of more than RQ_SPARE_MIN entries are recycled: an
 * emptied one goes to spare[log2 cap] (linked through its first entry),
 * and a bucket that outgrows its array takes one of twice the size from
 * there before asking malloc. Over a long run every high-level bucket
 * gets its turn to be big (at PHOLD L each level-3 bucket fills to ~16k
 * entries once per 4.3 s of simulated time); recycled arrays serve the
 * next ones, so the steady state needs no new memory: no page faults in
 * the loop, and the array just emptied is still warm. When the total
 * capacity exceeds 4x the pool (and 4096 entries), emptied arrays are
 * freed instead, so memory stays O(peak pending). The hvwake model's
 * buckets stay below RQ_SPARE_MIN: its queue is as before. */
#define RQ_SPARE_MIN 256

static void rq_recycle(des_sim *s, des_ent *e, uint32_t cap)
{
    if (s->rq_cap > 4 * (uint64_t)s->pool_cap + 4096) {
        s->rq_cap -= cap;
        free(e);
        return;
    }
    unsigned k = (unsigned)__builtin_ctz(cap);
    memcpy(e, &s->spare[k], sizeof s->spare[k]);
    s->spare[k] = e;
}

/* A full bucket: slide a partly popped level-0 bucket down, or double the
 * array. Out of line: rare, and it keeps the inlined append small. */
static __attribute__((noinline)) void rq_grow(des_sim *s, rq_bucket *bk, unsigned l, unsigned d)
{
    if (bk->head) {
        memmove(bk->e, bk->e + bk->head, (size_t)(bk->n - bk->head) * sizeof *bk->e);
        bk->n -= bk->head;
        bk->head = 0;
    }
    if (bk->n == bk->cap) {
        if (bk->cap > UINT32_MAX / 2)
            HV_DIE("des: bucket (%u,%u) exceeds %u entries", l, d, bk->cap);
        uint32_t cap = bk->cap ? bk->cap * 2 : 16;
        des_ent *a = cap > RQ_SPARE_MIN ? s->spare[__builtin_ctz(cap)] : NULL;
        if (a) {
            memcpy(&s->spare[__builtin_ctz(cap)], a, sizeof s->spare[0]);
            memcpy(a, bk->e, (size_t)bk->n * sizeof *a);
            if (bk->cap > RQ_SPARE_MIN) {
                rq_recycle(s, bk->e, bk->cap);
            } else {
                s->rq_cap -= bk->cap;
                free(bk->e);
            }
            bk->e = a;
        } else {
            bk->e = hv_xrealloc(bk->e, (size_t)cap * sizeof *bk->e);
            s->rq_cap += cap - bk->cap;
        }
        bk->cap = cap;
    }
}

/* Append e to bucket (l, d): the schedule path. Always inlined (measured:
 * +5% events/s at every PHOLD size). */
static inline __attribute__((always_inline)) void rq_append(des_sim *s, unsigned l, unsigned d,
                                                            des_ent e)
{
    rq_bucket *bk = &s->b[l][d];
    uint32_t n = bk->n;
    if (__builtin_expect(n == bk->cap, 0)) {
        rq_grow(s, bk, l, d);
        n = bk->n;
    }
    if (n == bk->head)
        rq_mark_nonempty(s, l, d);
    /* Fetch the next line of the tail for writing. At 10^6 pending the
     * buckets that new events go to are hundreds of cold arrays, appended
     * to in turn: without this, a store misses every 4 appends and the
     * stores stall the loop (perf: ~60% of schedule's samples on stores;
     * PHOLD L +13-16% events/s, S and M -1-3%). Integer arithmetic: the
     * line may lie past the array, which a prefetch may touch. */
    __builtin_prefetch((const void *)((uintptr_t)(bk->e + n) + 64), 1);
    bk->e[n] = e;
    bk->n = n + 1;
}

static inline void rq_push(des_sim *s, des_ent e)
{
    unsigned l = rq_level(e.t, s->last);
    rq_append(s, l, rq_digit(e.t, l), e);
    s->rq_n++;
}

static inline void rq_mark_empty(des_sim *s, unsigned l, unsigned d)
{
    rq_bucket *bk = &s->b[l][d];
    bk->head = bk->n = 0;
    if (!(s->bitmap[l][d / 64] &= ~(1ull << (d % 64))) && !(s->word_mask[l] &= ~(1u << (d / 64))))
        s->level_mask &= ~(1u << l);
}

/* Lowest non-empty digit of level l (the level must be non-empty). */
static inline unsigned rq_low_digit(const des_sim *s, unsigned l)
{
    unsigned w = (unsigned)__builtin_ctz(s->word_mask[l]);
    return w * 64 + (unsigned)__builtin_ctzll(s->bitmap[l][w]);
}

/* Where the minimum of the radix part is: bucket (l, d). */
typedef struct rq_pos {
    rq_bucket *bk;
    unsigned l, d;
} rq_pos;

/* An emptied bucket keeps a small array for reuse and hands a big one to
 * rq_recycle. */
static inline void rq_free_big(des_sim *s, rq_bucket *bk)
{
    if (bk->cap > RQ_SPARE_MIN) {
        rq_recycle(s, bk->e, bk->cap);
        bk->e = NULL;
        bk->cap = 0;
    }
}

/* The sorted run. A lowest bucket (l, d), l >= 1, of RUN_MIN..RUN_MAX
 * entries with more than one time is not moved into the levels below l
 * (about two appends per entry and a bitmap search per pop, most target
 * buckets holding one entry) but sorted, stably, into run[], which is then
 * popped in order (run_rank_sort up to RUN_RANK entries, else
 * run_bin_sort, or run_radix_sort when that gives up).
 * Only with RUN_PENDING or more events pending (docs/performance.md:
 * measured gains at 1024 and more; below, the model's queue and memory
 * figures stay as they were). At PHOLD M a lowest bucket holds ~250
 * entries; at L a level-3 bucket holds ~16k, and sorting it whole (a big
 * run) saves moving every entry into 256 level-2 buckets and
 * forming 256 runs from them. Entries of one time stay in scheduling order
 * (the sorts are stable and the bucket was), so the run is in (time, seq)
 * order.
 *   last is set to mx, the run's largest key: valid for every other bucket
 * (mx lies in bucket (l, d)'s range, the argument of a redistribution),
 * and every radix key is >= mx. Keys scheduled below mx while the run is
 * not empty go to the early heap (t < last). The front is then: the run's
 * front if it is <= the early heap's front (run entries were all scheduled
 * before any early entry: the run is formed only when the early heap is
 * empty), else the early heap's; the radix part only when both are empty
 * (its keys are >= mx, and a radix key equal to a run key was scheduled
 * later: it is in no bucket when the run is formed, all of which hold
 * keys > mx). */

/* The common sort: one counting pass on the high bits of t - m (2^k >= c
 * bins over [m, mx], about one entry a bin), a stable scatter into run[],
 * then an insertion pass on t that fixes the few entries of a bin out of
 * order (strict compare: equal times keep their order). The insertion pass
 * gives up after RUN_SHIFTS * c moves (clustered times and a far outlier
 * put many entries in one bin): then false, run[] is scratch and src is
 * untouched. With pool, the counting pass also prefetches each entry's
 * record. cnt holds at least 2^k entries. */
static bool run_bin_sort(des_ent *run, uint32_t *cnt, const des_ent *src, uint32_t c, des_time m,
                         des_time mx, const des_rec *pool)
{
    unsigned lb = 32 - (unsigned)__builtin_clz(c - 1);      /* 2^lb >= c */
    unsigned bits = 64 - (unsigned)__builtin_clzll(mx - m); /* mx - m < 2^bits */
    unsigned sh = bits > lb ? bits - lb : 0;
    uint32_t nb = 1u << lb;
    memset(cnt, 0, nb * sizeof cnt[0]);
    if (pool)
        for (uint32_t i = 0; i < c; i++) {
            cnt[(src[i].t - m) >> sh]++;
            __builtin_prefetch(&pool[src[i].idx]);
        }
    else
        for (uint32_t i = 0; i < c; i++)
            cnt[(src[i].t - m) >> sh]++;
    for (uint32_t v = 0, sum = 0; v < nb; v++) {
        uint32_t x = cnt[v];
        cnt[v] = sum;
        sum += x;
    }
    for (uint32_t i = 0; i < c; i++)
        run[cnt[(src[i].t - m) >> sh]++] = src[i];
    uint32_t moves = 0;
    for (uint32_t i = 1; i < c; i++) {
        if (run[i].t >= run[i - 1].t)
            continue;
        des_ent e = run[i];
        uint32_t j = i;
        do {
            run[j] = run[j - 1];
            j--;
        } while (j > 0 && run[j - 1].t > e.t);
        run[j] = e;
        moves += i - j;
        if (moves > RUN_SHIFTS * c)
            return false;
    }
    return true;
}

/* Few entries: place each at its rank, the number of entries before it in
 * (time, position) order; branch-free and stable. For the ~15-entry runs
 * of PHOLD S it is faster than run_bin_sort's data-dependent branches,
 * though it executes more instructions (S 1.046x events/s; Sg 0.96x when
 * used up to 32 entries). Prefetches every record. */
static void run_rank_sort(des_ent *run, const des_ent *src, uint32_t c, const des_rec *pool)
{
    des_time tk[RUN_RANK];
    for (uint32_t i = 0; i < c; i++) {
        tk[i] = src[i].t;
        __builtin_prefetch(&pool[src[i].idx]);
    }
    for (uint32_t i = 0; i < c; i++) {
        des_time t = tk[i];
        uint32_t r = 0;
        for (uint32_t j = 0; j < i; j++)
            r += tk[j] <= t;
        for (uint32_t j = i + 1; j < c; j++)
            r += tk[j] < t;
        run[r] = src[i];
    }
}

/* The fallback: an LSD radix sort on the low l bytes of t, a byte per
 * pass, passes over bytes that all entries share skipped, ping-ponging
 * between tmp and run so that the last pass writes run. */
static void run_radix_sort(des_ent *run, des_ent *tmp, const des_ent *src, uint32_t c, unsigned l)
{
    uint32_t cnt[RQ_LEVELS - 1][RQ_DIGITS];
    memset(cnt, 0, (size_t)l * sizeof cnt[0]);
    for (uint32_t i = 0; i < c; i++) {
        des_time t = src[i].t;
        for (unsigned b = 0; b < l; b++)
            cnt[b][(t >> (8 * b)) & 0xff]++;
    }
    unsigned pass[RQ_LEVELS], np = 0;
    for (unsigned b = 0; b < l; b++)
        if (cnt[b][(src[0].t >> (8 * b)) & 0xff] != c)
            pass[np++] = b; /* np >= 1: the bucket holds more than one time */
    des_ent *out = (np & 1) ? run : tmp;
    for (unsigned k = 0; k < np; k++) {
        unsigned b = pass[k];
        uint32_t *h = cnt[b], sum = 0;
        for (unsigned v = 0; v < RQ_DIGITS; v++) {
            uint32_t x = h[v];
            h[v] = sum;
            sum += x;
        }
        for (uint32_t i = 0; i < c; i++)
            out[h[(src[i].t >> (8 * b)) & 0xff]++] = src[i];
        src = out;
        out = out == run ? tmp : run;
    }
}

/* Sort bucket bk (level l, keys in [m, mx], m < mx) into the run. The run
 * arrays grow to the largest run formed (a power of two, at least
 * RUN_SMALL); the run is empty, so nothing is kept. Records: a small run
 * is the next few hundred events, all prefetched while counting; a big
 * one prefetches RUN_AHEAD here and then RUN_AHEAD pops ahead
 * (find_front), so as not to evict its own records. */
static void run_form(des_sim *s, const rq_bucket *bk, unsigned l, des_time m, des_time mx)
{
    const des_ent *src = bk->e + bk->head;
    uint32_t c = bk->n - bk->head;
    if (c > s->run_cap) {
        uint32_t cap = c <= RUN_SMALL ? RUN_SMALL : 1u << (32 - __builtin_clz(c - 1));
        free(s->run);
        free(s->run_tmp);
        free(s->run_cnt);
        s->run = hv_xcalloc(cap, sizeof *s->run);
        s->run_tmp = hv_xcalloc(cap, sizeof *s->run_tmp);
        s->run_cnt = hv_xcalloc(cap, sizeof *s->run_cnt);
        s->run_cap = cap;
    }
    s->run_h = 0;
    s->run_n = c;
    s->rq_n -= c;
    s->last = mx;
    if (c <= RUN_RANK) {
        run_rank_sort(s->run, src, c, s->pool);
        return;
    }
    bool small = c <= RUN_SMALL;
    if (!run_bin_sort(s->run, s->run_cnt, src, c, m, mx, small ? s->pool : NULL))
        run_radix_sort(s->run, s->run_tmp, src, c, l);
    if (!small)
        for (uint32_t i = 0; i < RUN_AHEAD; i++)
            __builtin_prefetch(&s->pool[s->run[i].idx]);
}

/* May a bucket spanning span ns become a run? Only if span is below the
 * least lead (t - now) scheduled since the previous decision and in the
 * window before it: then what handlers
 * schedule while the run lasts lands above it, in the radix part, rather
 * than below its last key, in the early heap. (PHOLD's leads are at least
 * 0.1 s: its level-1 to level-3 buckets, up to 16.7 ms, qualify, its 4.3 s
 * level-4 buckets never. hvwake's model schedules at now + a few ns, so it
 * forms no runs: with runs, at 48 VMs of e880-ycsb and more (over
 * RUN_PENDING pending), its near events went to the early heap, whose
 * pushes and pops were 39% of the loop's instructions; docs/performance.md,
 * "Profile, before and after", fix 5.) lead_prev starts at 0: no run before a window of leads. */
static bool run_lead_ok(des_sim *s, des_time span)
{
    des_time lead = s->lead_cur < s->lead_prev ? s->lead_cur : s->lead_prev;
    s->lead_prev = s->lead_cur;
    s->lead_cur = DES_TIME_MAX;
    return span < lead;
}

static __attribute__((noinline)) rq_pos rq_redistribute(des_sim *s, unsigned l, unsigned d);

/* Find the bucket whose front is the minimum (the radix part must not be
 * empty). If level 0 is empty, the lowest non-empty bucket B is either a
 * single entry (then that entry is the minimum and is popped from B
 * directly: setting last to it keeps every other entry's bucket valid, by
 * the same argument as a redistribution) or is redistributed around its
 * minimum into the lower levels, or sorted into a run (then pos.bk is
 * NULL: the front is the run's head). */
static inline __attribute__((always_inline)) rq_pos rq_front(des_sim *s)
{
    if (s->level_mask & 1u) {
        unsigned d = rq_low_digit(s, 0);
        return (rq_pos){&s->b[0][d], 0, d};
    }
    unsigned l = (unsigned)__builtin_ctz(s->level_mask);
    unsigned d = rq_low_digit(s, l);
    rq_bucket *bk = &s->b[l][d];
    if (bk->n - bk->head == 1)
        return (rq_pos){bk, l, d};
    return rq_redistribute(s, l, d);
}

/* Move the entries [src, end) to their buckets relative to m (the
 * redistribution loop). Every target is at a level below the source's and
 * starts empty (head == n == 0), so its bitmap bit is set on every append,
 * unconditionally (no unpredictable "was it empty" branch); the word-mask
 * and level bits are returned as one mask, bit level * RQ_WORDS + word,
 * for the caller to apply once. With pf, each entry's record is
 * prefetched. */
static inline __attribute__((always_inline)) uint32_t rq_move(des_sim *s, const des_ent *src,
                                                             const des_ent *end, des_time m, bool pf)
{
    _Static_assert(RQ_LEVELS * RQ_WORDS <= 32, "word bits of all levels fit a uint32_t");
    rq_bucket *b0 = &s->b[0][0];
    uint64_t *bm = &s->bitmap[0][0];
    const des_rec *pool = s->pool;
    uint32_t words = 0;
    for (; src < end; src++) {
        des_ent e = *src;
        unsigned nl = rq_level(e.t, m);
        unsigned bi = nl * RQ_DIGITS + rq_digit(e.t, nl); /* bucket index */
        if (pf)
            __builtin_prefetch(&pool[e.idx]);
        rq_bucket *tb = b0 + bi;
        uint32_t n = tb->n;
        if (__builtin_expect(n == tb->cap, 0)) {
            rq_grow(s, tb, nl, bi % RQ_DIGITS);
            n = tb->n;
        }
        tb->e[n] = e;
        tb->n = n + 1;
        bm[bi / 64] |= 1ull << (bi % 64);
        words |= 1u << (bi / 64);
    }
    return words;
}

/* rq_front's slow path, out of line so that the common case (a level-0
 * bucket or a single-entry bucket) inlines into the run loop: bucket (l, d)
 * is the lowest non-empty one, l > 0, and it holds several entries. */
static __attribute__((noinline)) rq_pos rq_redistribute(des_sim *s, unsigned l, unsigned d)
{
    rq_bucket *bk = &s->b[l][d];
    des_time m = DES_TIME_MAX, mx = 0;
    for (uint32_t i = bk->head; i < bk->n; i++) {
        des_time t = bk->e[i].t;
        m = t < m ? t : m;
        mx = t > mx ? t : mx;
    }
    s->last = m;
    if (m == mx) {
        /* One time only (ties, e.g. a time grid): the whole bucket is the
         * level-0 bucket of that time, in the same order. Swap the arrays
         * instead of moving the entries; the level-0 bucket is empty. */
        unsigned d0 = rq_digit(m, 0);
        rq_bucket *z = &s->b[0][d0], tmp = *z;
        *z = *bk;
        *bk = tmp;
        rq_mark_empty(s, l, d);
        rq_mark_nonempty(s, 0, d0);
        return (rq_pos){z, 0, d0};
    }
    uint32_t c = bk->n - bk->head;
    if (c >= RUN_MIN && c <= RUN_MAX && s->st.pending >= RUN_PENDING && s->run_h == s->run_n &&
        run_lead_ok(s, mx - m)) {
        run_form(s, bk, l, m, mx);
        rq_mark_empty(s, l, d);
        rq_free_big(s, bk);
        return (rq_pos){NULL, 0, 0};
    }
    /* A bucket of at most RQ_PREFETCH entries is the next few hundred events
     * to run: start fetching their records now. At large sizes the pool is
     * far bigger than the cache and this is the one cache miss per event;
     * bigger buckets are not prefetched (they would evict each other). */
    const des_ent *src = bk->e + bk->head, *end = bk->e + bk->n;
    uint32_t words = c <= RQ_PREFETCH ? rq_move(s, src, end, m, true) : rq_move(s, src, end, m, false);
    uint32_t lv = 0;
    for (unsigned k = 0; k < l; k++) {
        uint32_t w = (words >> (k * RQ_WORDS)) & ((1u << RQ_WORDS) - 1);
        s->word_mask[k] |= w;
        lv |= (uint32_t)(w != 0) << k;
    }
    s->level_mask |= lv;
    rq_mark_empty(s, l, d);
    rq_free_big(s, bk);
    d = rq_low_digit(s, 0);
    return (rq_pos){&s->b[0][d], 0, d};
}

/* Remove the front entry of the bucket found by rq_front. In a bucket of
 * many entries (ties), fetch the record RQ_AHEAD pops ahead. */
static inline __attribute__((always_inline)) des_ent rq_pop_front(des_sim *s, rq_pos p)
{
    if (p.bk->head + RQ_AHEAD < p.bk->n)
        __builtin_prefetch(&s->pool[p.bk->e[p.bk->head + RQ_AHEAD].idx]);
    des_ent e = p.bk->e[p.bk->head++];
    s->last = e.t;
    s->rq_n--;
    if (p.bk->head == p.bk->n)
        rq_mark_empty(s, p.l, p.d);
    return e;
}

/* ---- early heap (binary, keys < last) --------------------------------- */

static inline bool early_less(const des_early *a, const des_early *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static __attribute__((noinline)) void early_push(des_sim *s, des_early e)
{
    if (s->early_n == s->early_cap) {
        s->early_cap = s->early_cap ? s->early_cap * 2 : 64;
        s->early = hv_xrealloc(s->early, s->early_cap * sizeof *s->early);
    }
    size_t i = s->early_n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!early_less(&e, &s->early[p]))
            break;
        s->early[i] = s->early[p];
        i = p;
    }
    s->early[i] = e;
}

static __attribute__((noinline)) des_early early_pop(des_sim *s)
{
    des_early top = s->early[0], last = s->early[--s->early_n];
    size_t i = 0, n = s->early_n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && early_less(&s->early[c + 1], &s->early[c]))
            c++;
        if (!early_less(&s->early[c], &last))
            break;
        s->early[i] = s->early[c];
        i = c;
    }
    if (n)
        s->early[i] = last;
    return top;
}

/* ---- pool ----------------------------------------------------------- */

des_sim *des_new(void)
{
    des_sim *s = hv_xcalloc(1, sizeof *s);
    s->lead_cur = DES_TIME_MAX; /* see run_lead_ok */
    s->checks_on = HV_CHECKS;
    return s;
}

void des_free(des_sim *s)
{
    if (!s)
        return;
    for (unsigned l = 0; l < RQ_LEVELS; l++)
        for (unsigned d = 0; d < RQ_DIGITS; d++)
            free(s->b[l][d].e);
    for (unsigned k = 0; k < 32; k++)
        while (s->spare[k]) {
            des_ent *a = s->spare[k];
            memcpy(&s->spare[k], a, sizeof s->spare[k]);
            free(a);
        }
    free(s->run);
    free(s->run_tmp);
    free(s->run_cnt);
    free(s->early);
    free(s->pool);
    free(s);
}

des_time des_now(const des_sim *s) { return s->now; }

/* Pool arrays of 2 MB and more are 2 MB aligned and, where the kernel
 * offers transparent huge pages on request (madvise mode), backed by huge
 * pages: the pool is read at random, one record per event, and with 4 KB
 * pages a million pending events would also cost a TLB miss per event. */
#define POOL_HUGE ((size_t)2 << 20)

static void *pool_array(void *old, size_t old_bytes, size_t bytes)
{
    /* Records are 64-byte lines: align small pools to 64 bytes too. */
    size_t align = bytes < POOL_HUGE ? 64 : POOL_HUGE;
    size_t sz = (bytes + align - 1) & ~(align - 1);
    void *p;
    if (posix_memalign(&p, align, sz) != 0)
        HV_DIE("des: out of memory for %zu bytes of event pool", sz);
#ifdef MADV_HUGEPAGE
    if (align == POOL_HUGE)
        (void)madvise(p, sz, MADV_HUGEPAGE); /* advice only; failure is harmless */
#endif
    if (old_bytes)
        memcpy(p, old, old_bytes);
    free(old);
    return p;
}

static __attribute__((noinline)) void pool_grow(des_sim *s)
{
    uint32_t old = s->pool_cap;
    if (old > UINT32_MAX / 2)
        HV_DIE("des: more than %u pending events", old);
    uint32_t cap = old ? old * 2 : 256;
    s->pool = pool_array(s->pool, (size_t)old * sizeof *s->pool, (size_t)cap * sizeof *s->pool);
    memset(s->pool + old, 0, (size_t)(cap - old) * sizeof *s->pool);
    /* Chain the new slots so the lowest index is handed out first. */
    for (uint32_t i = cap; i > old; i--) {
        s->pool[i - 1].next_free = s->free_head;
        s->free_head = i;
    }
    s->pool_cap = cap;
}

static inline uint32_t rec_alloc(des_sim *s)
{
    if (!s->free_head)
        pool_grow(s);
    uint32_t idx = s->free_head - 1;
    s->free_head = s->pool[idx].next_free;
    return idx;
}

static inline void rec_release(des_sim *s, uint32_t idx)
{
    des_rec *h = &s->pool[idx];
    h->gen++;
    h->fn = NULL;
    h->next_free = s->free_head;
    s->free_head = idx + 1;
}

/* ---- stale-entry sweep -------------------------------------------------- */

static inline bool ent_live(const des_sim *s, uint32_t idx, uint32_t gen)
{
    const des_rec *h = &s->pool[idx];
    return h->fn != NULL && h->gen == gen;
}

/* Drop every cancelled entry from the radix buckets and the early heap.
 * Order is kept (compaction in place), so FIFO ties are unaffected. */
static void sweep_stale(des_sim *s)
{
    for (unsigned l = 0; l < RQ_LEVELS; l++) {
        if (!(s->level_mask & (1u << l)))
            continue;
        for (unsigned d = 0; d < RQ_DIGITS; d++) {
            rq_bucket *bk = &s->b[l][d];
            if (bk->n == bk->head)
                continue;
            uint32_t w = 0;
            for (uint32_t i = bk->head; i < bk->n; i++)
                if (ent_live(s, bk->e[i].idx, bk->e[i].gen))
                    bk->e[w++] = bk->e[i];
            s->rq_n -= (bk->n - bk->head) - w;
            if (w == 0)
                rq_mark_empty(s, l, d);
            else {
                bk->head = 0;
                bk->n = w;
            }
        }
    }
    /* The run: compact in place, order kept. */
    uint32_t w = 0;
    for (uint32_t i = s->run_h; i < s->run_n; i++)
        if (ent_live(s, s->run[i].idx, s->run[i].gen))
            s->run[w++] = s->run[i];
    s->run_h = 0;
    s->run_n = w;
    /* The early heap: filter, then rebuild by re-pushing (it is small). */
    size_t n = s->early_n;
    s->early_n = 0;
    des_early *tmp = s->early;
    s->early = NULL;
    s->early_cap = 0;
    for (size_t i = 0; i < n; i++)
        if (ent_live(s, tmp[i].idx, tmp[i].gen))
            early_push(s, tmp[i]);
    free(tmp);
    s->stale = 0;
}

/* ---- API --------------------------------------------------------------- */

/* des_at's body, inlined into des_at and des_after (the handlers' path). */
static inline des_handle schedule(des_sim *s, des_time t, des_fn fn, void *obj, uint64_t arg)
{
    if (t < s->now)
        HV_DIE("des_at: time %llu is before now %llu", (unsigned long long)t,
               (unsigned long long)s->now);
    HV_CHECK(fn != NULL);
    uint32_t idx = rec_alloc(s);
    des_rec *h = &s->pool[idx];
    h->fn = fn;
    h->obj = obj;
    h->arg = arg;
    h->t = t;
    uint64_t seq = s->seq++; /* also the count of des_at calls */
    des_time lead = t - s->now;
    s->lead_cur = lead < s->lead_cur ? lead : s->lead_cur;
    if (t >= s->last)
        rq_push(s, (des_ent){t, idx, h->gen});
    else
        early_push(s, (des_early){t, seq, idx, h->gen});
    if (++s->st.pending > s->st.peak_pending)
        s->st.peak_pending = s->st.pending;
    return (des_handle){idx + 1, h->gen};
}

des_handle des_at(des_sim *s, des_time t, des_fn fn, void *obj, uint64_t arg)
{
    return schedule(s, t, fn, obj, arg);
}

des_handle des_after(des_sim *s, des_time delay, des_fn fn, void *obj, uint64_t arg)
{
    if (delay > DES_TIME_MAX - s->now)
        HV_DIE("des_after: now %llu + delay %llu overflows", (unsigned long long)s->now,
               (unsigned long long)delay);
    return schedule(s, s->now + delay, fn, obj, arg);
}

bool des_pending(const des_sim *s, des_handle h)
{
    if (h.idx == 0 || h.idx > s->pool_cap)
        return false;
    return ent_live(s, h.idx - 1, h.gen);
}

des_time des_event_time(const des_sim *s, des_handle h)
{
    if (!des_pending(s, h))
        HV_DIE("des_event_time: handle {%u,%u} is not pending", h.idx, h.gen);
    return s->pool[h.idx - 1].t;
}

bool des_cancel(des_sim *s, des_handle *h)
{
    bool was = des_pending(s, *h);
    if (was) {
        rec_release(s, h->idx - 1);
        s->st.cancelled++;
        s->st.pending--;
        /* Its queue entry is now stale; sweep when stale ones dominate. */
        if (++s->stale > 1024 && s->stale > s->st.pending)
            sweep_stale(s);
    }
    *h = DES_HANDLE_NONE;
    return was;
}

/* The front of the queue: drop stale entries until a live one is first.
 * Returns false if nothing is pending. On true, f->src tells which part
 * holds it (radix buckets, run, early heap) and f->t its time; for the
 * radix part f->pos is its bucket. */
enum { SRC_RADIX, SRC_EARLY, SRC_RUN };

typedef struct front {
    int src;
    rq_pos pos;
    des_time t;
} front;

/* find_front with a non-empty early heap: drop stale fronts, then the run
 * (if any) or the early heap holds the front. Returns false if the early
 * heap turned out empty (all stale): look again. */
static __attribute__((noinline)) bool find_front_early(des_sim *s, front *f)
{
    while (s->early_n && !ent_live(s, s->early[0].idx, s->early[0].gen)) {
        early_pop(s);
        s->stale--;
    }
    while (s->run_h < s->run_n && !ent_live(s, s->run[s->run_h].idx, s->run[s->run_h].gen)) {
        s->run_h++;
        s->stale--;
    }
    if (!s->early_n)
        return false;
    if (s->run_h < s->run_n && s->run[s->run_h].t <= s->early[0].t) {
        f->src = SRC_RUN;
        f->t = s->run[s->run_h].t;
    } else {
        f->src = SRC_EARLY;
        f->t = s->early[0].t;
    }
    return true;
}

static inline __attribute__((always_inline)) bool find_front(des_sim *s, front *f)
{
    for (;;) {
        if (__builtin_expect(s->early_n != 0, 0) && find_front_early(s, f))
            return true;
        if (s->run_h < s->run_n) {
            const des_ent *e = &s->run[s->run_h];
            if (s->run_h + RUN_AHEAD < s->run_n)
                __builtin_prefetch(&s->pool[e[RUN_AHEAD].idx]);
            if (ent_live(s, e->idx, e->gen)) {
                f->src = SRC_RUN;
                f->t = e->t;
                return true;
            }
            s->run_h++;
            s->stale--;
            continue;
        }
        if (!s->rq_n)
            return false;
        rq_pos p = rq_front(s);
        if (!p.bk)
            continue; /* a run was formed */
        const des_ent *e = &p.bk->e[p.bk->head];
        if (ent_live(s, e->idx, e->gen)) {
            f->src = SRC_RADIX;
            f->pos = p;
            f->t = e->t;
            return true;
        }
        rq_pop_front(s, p);
        s->stale--;
    }
}

des_time des_next_time(des_sim *s)
{
    front f;
    return find_front(s, &f) ? f.t : DES_TIME_MAX;
}

static inline void run_front(des_sim *s, const front *f)
{
    uint32_t idx;
    if (f->src == SRC_RADIX)
        idx = rq_pop_front(s, f->pos).idx;
    else if (f->src == SRC_RUN)
        idx = s->run[s->run_h++].idx;
    else
        idx = early_pop(s).idx;
    des_rec *h = &s->pool[idx];
    des_fn fn = h->fn;
    void *obj = h->obj;
    uint64_t arg = h->arg;
    s->now = f->t;
    rec_release(s, idx);
    s->st.pending--;
    s->st.run++;
    fn(s, obj, arg);
#if HV_CHECKS
    if (s->checks_on && s->check) {
        const char *msg = s->check(s, s->check_ctx);
        if (msg)
            HV_DIE("invariant broken at t=%llu ns after event %llu: %s",
                   (unsigned long long)s->now, (unsigned long long)s->st.run, msg);
    }
#endif
}

uint64_t des_run_until(des_sim *s, des_time end)
{
    uint64_t n0 = s->st.run;
    front f;
    s->stop = false;
    while (!s->stop && find_front(s, &f) && f.t < end)
        run_front(s, &f);
    if (!s->stop && end > s->now)
        s->now = end;
    return s->st.run - n0;
}

uint64_t des_run_while(des_sim *s, des_pred_fn pred, void *ctx)
{
    uint64_t n0 = s->st.run;
    front f;
    s->stop = false;
    while (!s->stop && find_front(s, &f) && pred(s, ctx))
        run_front(s, &f);
    return s->st.run - n0;
}

void des_stop(des_sim *s) { s->stop = true; }

des_stats des_get_stats(const des_sim *s)
{
    des_stats st = s->st;
    st.scheduled = s->seq;
    return st;
}

double des_bytes_per_event(const des_sim *s)
{
    /* Pool slots plus every queue array allocated (spares included), per
     * pool slot. */
    size_t bytes = (size_t)s->pool_cap * sizeof(des_rec) + (size_t)s->rq_cap * sizeof(des_ent);
    bytes += s->early_cap * sizeof(des_early);
    bytes += (size_t)s->run_cap * (2 * sizeof(des_ent) + sizeof(uint32_t));
    size_t slots = s->pool_cap ? s->pool_cap : 1;
    return (double)bytes / (double)slots;
}

const char *des_conservation(des_sim *s)
{
    des_stats st = des_get_stats(s);
    if (st.scheduled == st.run + st.cancelled + st.pending)
        return NULL;
    snprintf(s->check_msg, sizeof s->check_msg, "events scheduled %llu != run %llu + cancelled %llu + pending %llu",
             (unsigned long long)st.scheduled, (unsigned long long)s->st.run,
             (unsigned long long)s->st.cancelled, (unsigned long long)s->st.pending);
    return s->check_msg;
}

void des_set_check(des_sim *s, des_check_fn fn, void *ctx)
{
    s->check = fn;
    s->check_ctx = ctx;
}

void des_enable_checks(des_sim *s, bool on) { s->checks_on = on; }
