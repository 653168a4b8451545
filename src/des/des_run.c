/*
 * des/des_run.c — the sorted runs of the radix queue (see des.c's design
 * comment, "The sorted run"): a bucket sorted whole instead of being moved
 * down the levels. Reached only from des.c's out-of-line rq_redistribute,
 * once per bucket, never from the per-event path.
 *
 *   A lowest bucket (l, d), l >= 1, of RUN_MIN..RUN_MAX
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
 * keys > mx).
 */
#include "des/des_internal.h"

#include "base/hv.h"

#include <stdlib.h>
#include <string.h>

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
void des__run_form(des_sim *s, const rq_bucket *bk, unsigned l, des_time m, des_time mx)
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
bool des__run_lead_ok(des_sim *s, des_time span)
{
    des_time lead = s->lead_cur < s->lead_prev ? s->lead_cur : s->lead_prev;
    s->lead_prev = s->lead_cur;
    s->lead_cur = DES_TIME_MAX;
    return span < lead;
}
