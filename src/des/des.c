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
 * The sorted run (des_run.c)
 *   With >= RUN_PENDING events pending, a lowest bucket of RUN_MIN..RUN_MAX
 *   entries and more than one time is sorted, stably, into run[] instead of
 *   being moved to the levels below, and popped from there in order; last
 *   becomes the run's largest key, keys scheduled below it while the run
 *   lasts go to the early heap, and the front is the run's or the early
 *   heap's (the run wins ties: its entries were scheduled first). A bucket
 *   becomes a run only if its time span is below the least lead (t - now)
 *   scheduled lately, so that what is scheduled while it lasts lands above
 *   it, not in the early heap (a model that schedules a few ns ahead never
 *   forms runs: its early-heap traffic cost more than the sort saved). The
 *   code and the argument are in des_run.c; docs/performance.md has the
 *   numbers.
 *
 * Keys below last (the "early" heap)
 *   Looking at the front (des_next_time, or des_run_until meeting an event
 *   at or after `end`) may move last up to the next event's time m while
 *   now stays below m; a handler or caller may then schedule at t in
 *   [now, m). Such keys cannot enter the radix part. They go to a small
 *   binary heap ordered by (t, seq); all its keys are < last <= every radix
 *   key, and last does not move while it is non-empty (it is drained
 *   first), so the global order is: early heap, then radix queue.
 *   PHOLD never uses it; a model that runs in steps uses it briefly. Its
 *   code is in des_aux.c, with the stale-entry sweep, stats and checks.
 *
 * Types, constants and the helpers the files share: des_internal.h.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE (Linux) */
#include "des/des_internal.h"

#include "base/hv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
        des__rq_mark_empty(s, l, d);
        rq_mark_nonempty(s, 0, d0);
        return (rq_pos){z, 0, d0};
    }
    uint32_t c = bk->n - bk->head;
    if (c >= RUN_MIN && c <= RUN_MAX && s->st.pending >= RUN_PENDING && s->run_h == s->run_n &&
        des__run_lead_ok(s, mx - m)) {
        des__run_form(s, bk, l, m, mx);
        des__rq_mark_empty(s, l, d);
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
    des__rq_mark_empty(s, l, d);
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
        des__rq_mark_empty(s, p.l, p.d);
    return e;
}

/* ---- pool ----------------------------------------------------------- */

des_sim *des_new(void)
{
    des_sim *s = hv_xcalloc(1, sizeof *s);
    s->lead_cur = DES_TIME_MAX; /* see des__run_lead_ok */
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
        des__early_push(s, (des_early){t, seq, idx, h->gen});
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
    return des__ent_live(s, h.idx - 1, h.gen);
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
            des__sweep_stale(s);
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
    while (s->early_n && !des__ent_live(s, s->early[0].idx, s->early[0].gen)) {
        des__early_pop(s);
        s->stale--;
    }
    while (s->run_h < s->run_n && !des__ent_live(s, s->run[s->run_h].idx, s->run[s->run_h].gen)) {
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
            if (des__ent_live(s, e->idx, e->gen)) {
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
        if (des__ent_live(s, e->idx, e->gen)) {
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
        idx = des__early_pop(s).idx;
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
