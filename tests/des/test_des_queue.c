/*
 * The engine's queue against a reference model, at scale and under random
 * interleavings of schedule / cancel / run, including handlers that
 * schedule and cancel while running (themselves, run and pending events),
 * peeks that move the radix queue ahead of now, stale handles after slot
 * reuse, the stale-entry sweep, large pending sets, FIFO ties, run_while,
 * stop, the check hook and conservation.
 */
#include "base/hv.h"
#include "des/des.h"
#include "des/rng.h"
#include "tap.h"

#include <stdlib.h>

/* ---- reference model: every event ever scheduled, linear scans ------- */

enum { ST_PENDING, ST_RUN, ST_CANCELLED };

typedef struct ref_ev {
    des_time t;
    uint64_t seq;
    int state;
    des_handle h;
} ref_ev;

typedef struct world {
    des_sim *sim;
    des_rng rng;
    ref_ev *ev;
    uint64_t n, cap, seq;
    uint64_t mismatches; /* order or state disagreements */
    uint64_t ran;
    int depth_budget;    /* handler actions left (bounds the growth) */
    des_time grid;       /* delays are multiples of this (ties) */
    bool by_order;       /* check the order invariant instead of ref_next */
    int far;             /* w_delay: 0 as below; 1 far ahead (1-2 ms); 2 far,
                          * and 1 in 8 at now or within 1 us */
    des_time prev_t;     /* by_order: the last event run */
    uint64_t prev_seq;
} world;

static void handler(des_sim *s, void *obj, uint64_t id);

/* Index of the reference's next event: min (t, seq) over pending. */
static int64_t ref_next(const world *w)
{
    int64_t best = -1;
    for (uint64_t i = 0; i < w->n; i++) {
        const ref_ev *e = &w->ev[i];
        if (e->state != ST_PENDING)
            continue;
        if (best < 0 || e->t < w->ev[best].t || (e->t == w->ev[best].t && e->seq < w->ev[best].seq))
            best = (int64_t)i;
    }
    return best;
}

static void w_schedule(world *w, des_time t)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 1024;
        w->ev = realloc(w->ev, w->cap * sizeof *w->ev);
    }
    uint64_t id = w->n++;
    w->ev[id] = (ref_ev){t, w->seq++, ST_PENDING, des_at(w->sim, t, handler, w, id)};
}

static des_time w_delay(world *w)
{
    if (w->far) {
        uint32_t k = des_rng_below(&w->rng, 16);
        if (w->far == 2 && k == 0)
            return 0;
        if (w->far == 2 && k == 1)
            return des_rng_below(&w->rng, 1000);
        return 1000000 + des_rng_below(&w->rng, 1000000);
    }
    /* Mostly short, some zero, some long; on the grid for ties. */
    uint32_t k = des_rng_below(&w->rng, 10);
    des_time d = k == 0 ? 0 : k < 7 ? des_rng_below(&w->rng, 50) : des_rng_below(&w->rng, 100000);
    return d * w->grid;
}

/* Cancel a random event (any state) through a copy of its handle; the
 * engine's answer must match the model. */
static void w_cancel_random(world *w)
{
    if (!w->n)
        return;
    uint64_t id = des_rng_below(&w->rng, (uint32_t)w->n);
    des_handle h = w->ev[id].h;
    bool want = w->ev[id].state == ST_PENDING;
    if (des_pending(w->sim, h) != want)
        w->mismatches++;
    if (want && des_event_time(w->sim, h) != w->ev[id].t)
        w->mismatches++;
    bool got = des_cancel(w->sim, &h);
    if (got != want)
        w->mismatches++;
    if (h.idx != 0 || h.gen != 0)
        w->mismatches++;
    if (want)
        w->ev[id].state = ST_CANCELLED;
}

static void handler(des_sim *s, void *obj, uint64_t id)
{
    world *w = obj;
    if (w->by_order) {
        /* Large worlds: ref_next is a linear scan. Events are run in
         * (time, seq) order iff each one run is after the previous one in
         * that order (a time is never below now) and every event is run or
         * cancelled in the end (checked by the caller). */
        const ref_ev *e = &w->ev[id];
        if (w->ran && (e->t < w->prev_t || (e->t == w->prev_t && e->seq < w->prev_seq)))
            w->mismatches++;
        if (e->state != ST_PENDING || des_now(s) != e->t)
            w->mismatches++;
        w->prev_t = e->t;
        w->prev_seq = e->seq;
    } else if (ref_next(w) != (int64_t)id || w->ev[id].state != ST_PENDING ||
               des_now(s) != w->ev[id].t) {
        w->mismatches++;
    }
    w->ev[id].state = ST_RUN;
    w->ran++;
    /* A running event is no longer pending: cancelling itself is a no-op. */
    des_handle self = w->ev[id].h;
    if (des_pending(s, self) || des_cancel(s, &self))
        w->mismatches++;
    if (w->depth_budget <= 0)
        return;
    int k = (int)des_rng_below(&w->rng, 4);
    for (int i = 0; i < k && w->depth_budget > 0; i++, w->depth_budget--) {
        if (des_rng_below(&w->rng, 3))
            w_schedule(w, des_now(s) + w_delay(w));
        else
            w_cancel_random(w);
    }
}

static void world_init(world *w, uint64_t seed, des_time grid, int budget)
{
    *w = (world){0};
    w->sim = des_new();
    des_rng_seed(&w->rng, seed);
    w->grid = grid;
    w->depth_budget = budget;
}

static void world_check_stats(world *w)
{
    des_stats st = des_get_stats(w->sim);
    uint64_t pend = 0, run = 0, canc = 0;
    for (uint64_t i = 0; i < w->n; i++) {
        pend += w->ev[i].state == ST_PENDING;
        run += w->ev[i].state == ST_RUN;
        canc += w->ev[i].state == ST_CANCELLED;
    }
    TAP_EQ(st.scheduled, w->n);
    TAP_EQ(st.pending, pend);
    TAP_EQ(st.run, run);
    TAP_EQ(st.cancelled, canc);
    TAP_CHECK(des_conservation(w->sim) == NULL);
}

static void world_free(world *w)
{
    des_free(w->sim);
    free(w->ev);
}

/* Run w to the end: every step matched the reference, nothing is left, more
 * than min_ran events ran (not checked when 0), the engine's counts agree;
 * then free it. */
static void world_finish(world *w, uint64_t min_ran)
{
    des_run_until(w->sim, DES_TIME_MAX);
    TAP_EQ(w->mismatches, 0);
    TAP_CHECK(ref_next(w) < 0);
    if (min_ran)
        TAP_CHECK(w->ran > min_ran);
    world_check_stats(w);
    world_free(w);
}

/* Random top-level operations between runs, several seeds and grids. */
static void random_interleavings_match_reference(void)
{
    static const des_time grids[] = {1, 7, 1000, 1000000};
    for (uint64_t seed = 1; seed <= 12; seed++) {
        world w;
        world_init(&w, seed, grids[seed % 4], 3000);
        for (int op = 0; op < 400; op++) {
            uint32_t k = des_rng_below(&w.rng, 10);
            if (k < 4) {
                w_schedule(&w, des_now(w.sim) + w_delay(&w));
            } else if (k < 6) {
                w_cancel_random(&w);
            } else if (k < 7) {
                /* Peek: may move the radix queue's base beyond now. */
                int64_t nx = ref_next(&w);
                des_time want = nx < 0 ? DES_TIME_MAX : w.ev[nx].t;
                if (des_next_time(w.sim) != want)
                    w.mismatches++;
            } else {
                des_time end = des_now(w.sim) + (des_time)des_rng_below(&w.rng, 300) * w.grid;
                des_run_until(w.sim, end);
                if (des_now(w.sim) != end)
                    w.mismatches++;
                int64_t nx = ref_next(&w);
                if (nx >= 0 && w.ev[nx].t < end)
                    w.mismatches++;
            }
        }
        world_finish(&w, 0);
    }
}

/* Sorted runs: with >= 4096 events pending, a lowest bucket of 16..512
 * entries is sorted into a run instead of being moved to the levels below.
 * Preload thousands of events so that the buckets near the front hold tens
 * to hundreds of them, then run with handlers that schedule into the run's
 * range (below the run's last key: the early heap), at now (ties), far
 * ahead, and cancel events inside the run; peeks, runs to random ends, a
 * mass cancel (the sweep compacts the run). */
static void sorted_runs_keep_order(void)
{
    static const des_time grids[] = {1, 3, 1000};
    for (uint64_t seed = 1; seed <= 6; seed++) {
        world w;
        world_init(&w, seed, grids[seed % 3], 60000);
        w.by_order = true;
        for (int i = 0; i < 20000; i++)
            w_schedule(&w, (des_time)des_rng_below(&w.rng, 20000 * 200) * w.grid);
        for (int op = 0; op < 300; op++) {
            uint32_t k = des_rng_below(&w.rng, 20);
            if (op == 20) {
                /* Peek (the front bucket becomes a run), then cancel two
                 * thirds of the pending events: the sweep runs (stale
                 * entries outnumber live ones) with a run pending. */
                int64_t nx = ref_next(&w);
                if (des_next_time(w.sim) != (nx < 0 ? DES_TIME_MAX : w.ev[nx].t))
                    w.mismatches++;
                for (uint64_t i = 0; i < w.n; i++)
                    if (w.ev[i].state == ST_PENDING && des_rng_below(&w.rng, 3)) {
                        des_handle h = w.ev[i].h;
                        if (!des_cancel(w.sim, &h))
                            w.mismatches++;
                        w.ev[i].state = ST_CANCELLED;
                    }
            } else if (k < 4) {
                for (int i = 0; i < 50; i++)
                    w_schedule(&w, des_now(w.sim) + w_delay(&w));
            } else if (k < 8) {
                w_cancel_random(&w);
            } else if (k < 9) {
                int64_t nx = ref_next(&w);
                des_time want = nx < 0 ? DES_TIME_MAX : w.ev[nx].t;
                if (des_next_time(w.sim) != want)
                    w.mismatches++;
            } else {
                des_time end = des_now(w.sim) + (des_time)des_rng_below(&w.rng, 20000) * w.grid;
                des_run_until(w.sim, end);
                if (des_now(w.sim) != end)
                    w.mismatches++;
            }
        }
        world_finish(&w, 20000);
    }
}

/* Big runs: a bucket of more than 512 entries (here ~1200, 65 us wide) is
 * sorted whole when every lead (t - now) scheduled lately exceeds its span.
 * 20000 events 1 s ahead, then handlers that schedule 1-2 ms ahead (big
 * runs stay allowed), then also at now and within 1 us (into a big run's
 * range: the early heap, and no big runs while such leads are seen), and
 * cancel pending events, some inside the run; peeks and runs to random
 * ends in between. */
static void big_runs_keep_order(void)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        world w;
        world_init(&w, seed, 1, 60000);
        w.by_order = true;
        w.far = 1;
        for (int i = 0; i < 20000; i++)
            w_schedule(&w, 1000000000 + des_rng_below(&w.rng, 1u << 20));
        for (int op = 0; op < 200; op++) {
            if (op == 100)
                w.far = 2;
            uint32_t k = des_rng_below(&w.rng, 8);
            if (k < 2) {
                w_cancel_random(&w);
            } else if (k < 3) {
                int64_t nx = ref_next(&w);
                if (des_next_time(w.sim) != (nx < 0 ? DES_TIME_MAX : w.ev[nx].t))
                    w.mismatches++;
            } else {
                des_time end = des_now(w.sim) + des_rng_below(&w.rng, 20000);
                if (des_now(w.sim) < 1000000000)
                    end = 1000000000;
                des_run_until(w.sim, end);
                if (des_now(w.sim) != end)
                    w.mismatches++;
            }
        }
        world_finish(&w, 20000);
    }
}

/* ---- FIFO ties at scale ------------------------------------------------ */

typedef struct order_log {
    uint64_t *id;
    des_time *t;
    uint64_t n;
} order_log;

static void log_event(des_sim *s, void *obj, uint64_t id)
{
    order_log *l = obj;
    l->id[l->n] = id;
    l->t[l->n] = des_now(s);
    l->n++;
}

/* n events at `distinct` distinct times, scheduled in a random time order;
 * they must run by time, and by scheduling order (id) within a time. */
static uint64_t run_ties(uint64_t n, uint32_t distinct, des_time spacing, uint64_t seed)
{
    des_sim *s = des_new();
    des_rng r;
    des_rng_seed(&r, seed);
    order_log l = {malloc(n * sizeof(uint64_t)), malloc(n * sizeof(des_time)), 0};
    for (uint64_t i = 0; i < n; i++)
        des_at(s, (des_time)des_rng_below(&r, distinct) * spacing, log_event, &l, i);
    des_run_until(s, DES_TIME_MAX);
    uint64_t bad = l.n != n;
    for (uint64_t i = 1; i < l.n; i++)
        bad += l.t[i] < l.t[i - 1] || (l.t[i] == l.t[i - 1] && l.id[i] < l.id[i - 1]);
    free(l.id);
    free(l.t);
    des_free(s);
    return bad;
}

static void fifo_ties_at_scale(void)
{
    uint64_t bad[4];
    bad[0] = run_ties(200000, 200, 1000000, 1); /* ~1000 per time */
    bad[1] = run_ties(100000, 1, 0, 2);         /* all at time 0 */
    bad[2] = run_ties(100000, 5000, 1, 3);      /* dense ns times */
    bad[3] = run_ties(100000, 100, 1ull << 40, 4); /* far apart */
    for (int i = 0; i < 4; i++)
        TAP_EQ(bad[i], 0);
}

/* A bucket sorted into a run whose times sit in a narrow cluster, in
 * descending order with ties, plus one far outlier: the binned sort puts
 * the cluster into one or two bins and gives up (too many insertion
 * moves), the radix sort takes over. With 1000 events kept far ahead
 * (so the run path is on), every bucket of the cluster must still run by
 * time and, within a time, by scheduling order. */
static void clustered_run_keeps_order(void)
{
    enum { FAR = 1000, CLUSTER = 300 };
    des_sim *s = des_new();
    order_log l = {malloc((FAR + CLUSTER + 1) * sizeof(uint64_t)),
                   malloc((FAR + CLUSTER + 1) * sizeof(des_time)), 0};
    for (uint64_t i = 0; i < FAR; i++)
        des_at(s, (1ull << 40) + i, log_event, &l, i);
    /* Level-2 bucket [65536, 131072): 300 events at 150 descending times,
     * two per time, then the outlier 60 us above them. */
    for (uint64_t i = 0; i < CLUSTER; i++)
        des_at(s, 70000 + 200 - i / 2, log_event, &l, FAR + i);
    des_at(s, 130000, log_event, &l, FAR + CLUSTER);
    des_run_until(s, DES_TIME_MAX);
    uint64_t bad = l.n != FAR + CLUSTER + 1;
    for (uint64_t i = 1; i < l.n; i++)
        bad += l.t[i] < l.t[i - 1] || (l.t[i] == l.t[i - 1] && l.id[i] < l.id[i - 1]);
    TAP_EQ(bad, 0);
    TAP_EQ(l.t[0], 70000 + 200 - (CLUSTER - 1) / 2);
    TAP_EQ(l.t[CLUSTER], 130000);
    free(l.id);
    free(l.t);
    des_free(s);
}

/* Ties created while running: a handler at time T schedules more events
 * at T and at T + d; all at one time still run in scheduling order. */
typedef struct chain {
    order_log log;
    int budget;
} chain;

static void chain_event(des_sim *s, void *obj, uint64_t id)
{
    chain *c = obj;
    log_event(s, &c->log, id);
    if (c->budget > 0) {
        c->budget -= 2;
        des_after(s, 0, chain_event, c, id * 2 + 1000000);
        des_after(s, 1000, chain_event, c, id * 2 + 1000001);
    }
}

static void fifo_ties_while_running(void)
{
    des_sim *s = des_new();
    chain c = {{malloc(100000 * sizeof(uint64_t)), malloc(100000 * sizeof(des_time)), 0}, 60000};
    for (uint64_t i = 0; i < 100; i++)
        des_at(s, 5000, chain_event, &c, i);
    des_run_until(s, DES_TIME_MAX);
    /* Check against a replay of the rule with a plain model: events at the
     * same time run in the order they were scheduled. Recorded order must
     * be non-decreasing in time, and within a time ids follow the
     * scheduling order, which here is: the log order of their parents,
     * zero-delay children right after their parent's own time group. */
    uint64_t bad = 0;
    for (uint64_t i = 1; i < c.log.n; i++)
        bad += c.log.t[i] < c.log.t[i - 1];
    TAP_EQ(bad, 0);
    TAP_EQ(c.log.n, des_get_stats(s).run);
    /* The first 100 at t=5000 are the initial ones in order, then their
     * zero-delay children in their parents' order. */
    for (uint64_t i = 0; i < 100; i++)
        bad += c.log.id[i] != i || c.log.id[100 + i] != i * 2 + 1000000;
    TAP_EQ(bad, 0);
    free(c.log.id);
    free(c.log.t);
    des_free(s);
}

/* ---- a million pending events ------------------------------------------ */

static void large_pending_set(void)
{
    enum { N = 1000000 };
    des_sim *s = des_new();
    des_rng r;
    des_rng_seed(&r, 9);
    order_log l = {malloc(N * sizeof(uint64_t)), malloc(N * sizeof(des_time)), 0};
    for (uint64_t i = 0; i < N; i++) {
        /* Spread over 2^50 ns with clustered ties. */
        des_time t = (des_rng_next(&r) >> 14) & ~(des_time)0xfff;
        des_at(s, t, log_event, &l, i);
    }
    TAP_EQ(des_get_stats(s).pending, N);
    TAP_EQ(des_get_stats(s).peak_pending, N);
    TAP_CHECK(des_bytes_per_event(s) < 200);
    des_run_until(s, DES_TIME_MAX);
    uint64_t bad = l.n != N;
    for (uint64_t i = 1; i < l.n; i++)
        bad += l.t[i] < l.t[i - 1] || (l.t[i] == l.t[i - 1] && l.id[i] < l.id[i - 1]);
    TAP_EQ(bad, 0);
    free(l.id);
    free(l.t);
    des_free(s);
}

/* ---- handles ---------------------------------------------------------- */

static void nop(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    (void)arg;
    (*(int *)obj)++;
}

static void stale_handle_after_slot_reuse(void)
{
    des_sim *s = des_new();
    int runs = 0;
    des_handle a = des_at(s, 10, nop, &runs, 0);
    des_run_until(s, 20);
    des_handle b = des_at(s, 30, nop, &runs, 0); /* reuses a's slot */
    TAP_EQ(b.idx, a.idx);
    TAP_CHECK(b.gen != a.gen);
    TAP_CHECK(!des_pending(s, a));
    des_handle a2 = a;
    TAP_CHECK(!des_cancel(s, &a2)); /* must not cancel b */
    TAP_CHECK(des_pending(s, b));
    TAP_EQ(des_event_time(s, b), 30);
    /* Cancel b, reuse again, the cancelled handle stays stale. */
    des_handle b2 = b;
    TAP_CHECK(des_cancel(s, &b2));
    des_handle c = des_at(s, 40, nop, &runs, 0);
    TAP_EQ(c.idx, b.idx);
    TAP_CHECK(!des_cancel(s, &b));
    TAP_CHECK(des_pending(s, c));
    des_handle none = DES_HANDLE_NONE, wild = {999999, 1};
    TAP_CHECK(!des_pending(s, none) && !des_cancel(s, &none));
    TAP_CHECK(!des_pending(s, wild) && !des_cancel(s, &wild));
    des_run_until(s, 100);
    TAP_EQ(runs, 2);
    TAP_CHECK(des_conservation(s) == NULL);
    des_free(s);
}

/* Many cancellations trigger the stale-entry sweep; order and ties hold. */
static void mass_cancel_sweep_keeps_order(void)
{
    enum { N = 50000 };
    des_sim *s = des_new();
    des_handle *h = malloc(N * sizeof *h);
    order_log l = {malloc(N * sizeof(uint64_t)), malloc(N * sizeof(des_time)), 0};
    for (uint64_t i = 0; i < N; i++)
        h[i] = des_at(s, (des_time)(i % 97) * 1000, log_event, &l, i);
    uint64_t kept = 0;
    for (uint64_t i = 0; i < N; i++) {
        if (i % 10 == 3) {
            kept++;
            continue;
        }
        if (!des_cancel(s, &h[i]))
            l.n += 1000000; /* force a failure below */
    }
    TAP_EQ(des_get_stats(s).pending, kept);
    TAP_CHECK(des_bytes_per_event(s) < 400);
    des_run_until(s, DES_TIME_MAX);
    TAP_EQ(l.n, kept);
    uint64_t bad = 0;
    for (uint64_t i = 0; i < l.n; i++) {
        bad += l.id[i] % 10 != 3;
        if (i)
            bad += l.t[i] < l.t[i - 1] || (l.t[i] == l.t[i - 1] && l.id[i] < l.id[i - 1]);
    }
    TAP_EQ(bad, 0);
    TAP_CHECK(des_conservation(s) == NULL);
    free(h);
    free(l.id);
    free(l.t);
    des_free(s);
}

/* ---- early keys: scheduling below a peeked-ahead queue ------------------ */

static void schedule_below_peeked_front(void)
{
    des_sim *s = des_new();
    order_log l = {malloc(64 * sizeof(uint64_t)), malloc(64 * sizeof(des_time)), 0};
    des_at(s, 1000000, log_event, &l, 1);
    TAP_EQ(des_next_time(s), 1000000); /* the queue's base is now 10^6 */
    des_run_until(s, 500);             /* nothing runs; now = 500 */
    TAP_EQ(des_now(s), 500);
    des_at(s, 700, log_event, &l, 2);
    des_at(s, 600, log_event, &l, 3);
    des_at(s, 700, log_event, &l, 4); /* tie with 2, after it */
    des_at(s, 1000000, log_event, &l, 5); /* tie with 1, after it */
    des_at(s, 999999, log_event, &l, 6);
    TAP_EQ(des_next_time(s), 600);
    des_run_until(s, 650);
    des_at(s, 650, log_event, &l, 7);
    des_run_until(s, DES_TIME_MAX);
    uint64_t want[] = {3, 7, 2, 4, 6, 1, 5};
    TAP_EQ(l.n, 7);
    for (int i = 0; i < 7; i++)
        TAP_EQ(l.id[i], want[i]);
    free(l.id);
    free(l.t);
    des_free(s);
}

/* ---- run_while, stop, check hook ---------------------------------------- */

static bool below(des_sim *s, void *ctx) { return des_now(s) < *(des_time *)ctx; }

static void stopper(des_sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    (*(int *)obj)++;
    des_stop(s);
}

static void run_while_and_stop(void)
{
    des_sim *s = des_new();
    int runs = 0;
    for (des_time t = 10; t <= 100; t += 10)
        des_at(s, t, nop, &runs, 0);
    des_time lim = 35;
    uint64_t n;
    /* pred is tested before each event: runs 10, 20, 30, 40 (now 30 < 35
     * before 40), then now = 40 stops it. */
    n = des_run_while(s, below, &lim);
    TAP_EQ(n, 4);
    TAP_EQ(des_now(s), 40);
    des_at(s, 55, stopper, &runs, 0);
    n = des_run_until(s, 1000); /* 50, then the stopper at 55 */
    TAP_EQ(n, 2);
    TAP_EQ(des_now(s), 55); /* stopped: now is not moved to end */
    n = des_run_while(s, below, &lim);
    TAP_EQ(n, 0);
    lim = 1000;
    n = des_run_while(s, below, &lim);
    TAP_EQ(n, 5);
    TAP_EQ(des_now(s), 100); /* run_while never advances past events */
    TAP_EQ(des_next_time(s), DES_TIME_MAX);
    n = des_run_until(s, 50); /* end before now: now stays */
    TAP_EQ(n, 0);
    TAP_EQ(des_now(s), 100);
    TAP_EQ(runs, 11);
    des_free(s);
}

typedef struct hook {
    uint64_t calls;
    des_sim *sim;
    uint64_t last_run_seen;
    uint64_t lag; /* calls where stats.run was not the event just run */
} hook;

static const char *count_hook(des_sim *s, void *ctx)
{
    hook *h = ctx;
    h->calls++;
    uint64_t run = des_get_stats(s).run;
    if (run != h->last_run_seen + 1)
        h->lag++;
    h->last_run_seen = run;
    return NULL;
}

static void respawn(des_sim *s, void *obj, uint64_t n)
{
    (void)obj;
    if (n)
        des_after(s, 3, respawn, NULL, n - 1);
}

static void check_hook_after_every_event(void)
{
    des_sim *s = des_new();
    hook h = {0};
    des_set_check(s, count_hook, &h);
    des_enable_checks(s, true);
    for (int i = 0; i < 10; i++)
        des_at(s, (des_time)i, respawn, NULL, 99);
    des_run_until(s, 1000000);
    uint64_t run = des_get_stats(s).run;
    TAP_EQ(run, 1000);
#if HV_CHECKS
    TAP_EQ(h.calls, run);
    TAP_EQ(h.lag, 0);
#else
    TAP_EQ(h.calls, 0);
#endif
    /* Disabled: not called. */
    des_enable_checks(s, false);
    des_at(s, des_now(s), respawn, NULL, 5);
    des_run_until(s, 2000000);
    TAP_EQ(des_get_stats(s).run, run + 6);
    TAP_EQ(h.calls, HV_CHECKS ? run : 0);
    des_free(s);
}

/* ---- fatal paths: run in a child, expect exit status 1 ------------------ */

static const char *failing_check(des_sim *s, void *ctx)
{
    (void)ctx;
    return des_now(s) >= 30 ? "test invariant broken on purpose" : NULL;
}

static void schedule_in_the_past(void)
{
    des_sim *s = des_new();
    des_run_until(s, 100);
    des_at(s, 99, respawn, NULL, 0); /* fatal */
    des_free(s);
}

static void check_hook_reports(void)
{
    des_sim *s = des_new();
    des_set_check(s, failing_check, NULL);
    des_enable_checks(s, true);
    for (des_time t = 10; t <= 50; t += 10)
        des_at(s, t, respawn, NULL, 0);
    des_run_until(s, 100); /* fatal at t = 30 when HV_CHECKS */
    des_free(s);
}

static void after_overflow(void)
{
    des_sim *s = des_new();
    des_run_until(s, DES_TIME_MAX - 5);
    des_after(s, 10, respawn, NULL, 0); /* fatal: overflow */
    des_free(s);
}

static void fatal_errors_exit_1(void)
{
    int st = tap_exit_status(schedule_in_the_past);
    TAP_EQ(st, 1);
    st = tap_exit_status(after_overflow);
    TAP_EQ(st, 1);
    st = tap_exit_status(check_hook_reports);
    TAP_EQ(st, HV_CHECKS ? 1 : 0);
}

int main(void)
{
    TAP_RUN(random_interleavings_match_reference);
    TAP_RUN(sorted_runs_keep_order);
    TAP_RUN(big_runs_keep_order);
    TAP_RUN(fifo_ties_at_scale);
    TAP_RUN(clustered_run_keeps_order);
    TAP_RUN(fifo_ties_while_running);
    TAP_RUN(large_pending_set);
    TAP_RUN(stale_handle_after_slot_reuse);
    TAP_RUN(mass_cancel_sweep_keeps_order);
    TAP_RUN(schedule_below_peeked_front);
    TAP_RUN(run_while_and_stop);
    TAP_RUN(check_hook_after_every_event);
    TAP_RUN(fatal_errors_exit_1);
    return tap_done();
}
