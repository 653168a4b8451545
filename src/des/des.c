/*
 * des/des.c — baseline engine: pooled event records, 4-ary min-heap of
 * (time, seq, idx, gen) entries, lazy cancellation by generation.
 * See des.h for the contract.
 */
#include "des/des.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct des_rec {
    des_time t;
    uint64_t seq;
    des_fn fn;
    void *obj;
    uint64_t arg;
    uint32_t gen;
    uint32_t next_free; /* free list link (idx+1), 0 = end */
} des_rec;

typedef struct des_ent {
    des_time t;
    uint64_t seq;
    uint32_t idx;
    uint32_t gen;
} des_ent;

struct des_sim {
    des_time now;
    uint64_t seq;
    des_rec *pool;
    uint32_t pool_cap, free_head;
    des_ent *heap;
    size_t heap_n, heap_cap;
    des_stats st;
    bool stop;
    des_check_fn check;
    void *check_ctx;
    bool checks_on;
};

static inline bool ent_less(const des_ent *a, const des_ent *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void heap_push(des_sim *s, des_ent e)
{
    if (s->heap_n == s->heap_cap) {
        s->heap_cap = s->heap_cap ? s->heap_cap * 2 : 256;
        s->heap = hv_xrealloc(s->heap, s->heap_cap * sizeof *s->heap);
    }
    size_t i = s->heap_n++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!ent_less(&e, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = e;
}

static des_ent heap_pop(des_sim *s)
{
    des_ent top = s->heap[0], last = s->heap[--s->heap_n];
    size_t i = 0, n = s->heap_n;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (ent_less(&s->heap[k], &s->heap[best]))
                best = k;
        if (!ent_less(&s->heap[best], &last))
            break;
        s->heap[i] = s->heap[best];
        i = best;
    }
    if (n)
        s->heap[i] = last;
    return top;
}

des_sim *des_new(void)
{
    des_sim *s = hv_xcalloc(1, sizeof *s);
    s->checks_on = HV_CHECKS;
    return s;
}

void des_free(des_sim *s)
{
    if (!s)
        return;
    free(s->pool);
    free(s->heap);
    free(s);
}

des_time des_now(const des_sim *s) { return s->now; }

static uint32_t rec_alloc(des_sim *s)
{
    if (!s->free_head) {
        uint32_t old = s->pool_cap, cap = old ? old * 2 : 256;
        s->pool = hv_xrealloc(s->pool, (size_t)cap * sizeof *s->pool);
        memset(s->pool + old, 0, (size_t)(cap - old) * sizeof *s->pool);
        for (uint32_t i = cap; i > old; i--) {
            s->pool[i - 1].next_free = s->free_head;
            s->free_head = i;
        }
        s->pool_cap = cap;
    }
    uint32_t idx = s->free_head - 1;
    s->free_head = s->pool[idx].next_free;
    return idx;
}

static void rec_release(des_sim *s, uint32_t idx)
{
    s->pool[idx].gen++;
    s->pool[idx].fn = NULL;
    s->pool[idx].next_free = s->free_head;
    s->free_head = idx + 1;
}

des_handle des_at(des_sim *s, des_time t, des_fn fn, void *obj, uint64_t arg)
{
    if (t < s->now)
        HV_DIE("des_at: time %llu is before now %llu", (unsigned long long)t,
               (unsigned long long)s->now);
    HV_CHECK(fn != NULL);
    uint32_t idx = rec_alloc(s);
    des_rec *r = &s->pool[idx];
    r->t = t;
    r->seq = s->seq++;
    r->fn = fn;
    r->obj = obj;
    r->arg = arg;
    heap_push(s, (des_ent){t, r->seq, idx, r->gen});
    s->st.scheduled++;
    if (++s->st.pending > s->st.peak_pending)
        s->st.peak_pending = s->st.pending;
    return (des_handle){idx + 1, r->gen};
}

des_handle des_after(des_sim *s, des_time delay, des_fn fn, void *obj, uint64_t arg)
{
    if (delay > DES_TIME_MAX - s->now)
        HV_DIE("des_after: now %llu + delay %llu overflows", (unsigned long long)s->now,
               (unsigned long long)delay);
    return des_at(s, s->now + delay, fn, obj, arg);
}

bool des_pending(const des_sim *s, des_handle h)
{
    if (h.idx == 0 || h.idx > s->pool_cap)
        return false;
    const des_rec *r = &s->pool[h.idx - 1];
    return r->fn != NULL && r->gen == h.gen;
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
    }
    *h = DES_HANDLE_NONE;
    return was;
}

/* Drop cancelled entries from the top; return true if a live event is on top. */
static bool top_live(des_sim *s)
{
    while (s->heap_n) {
        const des_ent *e = &s->heap[0];
        const des_rec *r = &s->pool[e->idx];
        if (r->fn && r->gen == e->gen)
            return true;
        heap_pop(s);
    }
    return false;
}

des_time des_next_time(des_sim *s)
{
    return top_live(s) ? s->heap[0].t : DES_TIME_MAX;
}

static void run_one(des_sim *s)
{
    des_ent e = heap_pop(s);
    des_rec *r = &s->pool[e.idx];
    des_fn fn = r->fn;
    void *obj = r->obj;
    uint64_t arg = r->arg;
    s->now = e.t;
    rec_release(s, e.idx);
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
    s->stop = false;
    while (!s->stop && top_live(s) && s->heap[0].t < end)
        run_one(s);
    if (!s->stop && end > s->now)
        s->now = end;
    return s->st.run - n0;
}

uint64_t des_run_while(des_sim *s, des_pred_fn pred, void *ctx)
{
    uint64_t n0 = s->st.run;
    s->stop = false;
    while (!s->stop && top_live(s) && pred(s, ctx))
        run_one(s);
    return s->st.run - n0;
}

void des_stop(des_sim *s) { s->stop = true; }

des_stats des_get_stats(const des_sim *s) { return s->st; }

double des_bytes_per_event(const des_sim *s)
{
    size_t slots = s->pool_cap ? s->pool_cap : 1;
    return (double)(s->pool_cap * sizeof(des_rec) + s->heap_cap * sizeof(des_ent)) / (double)slots;
}

const char *des_conservation(const des_sim *s)
{
    static char msg[160];
    if (s->st.scheduled == s->st.run + s->st.cancelled + s->st.pending)
        return NULL;
    snprintf(msg, sizeof msg, "events scheduled %llu != run %llu + cancelled %llu + pending %llu",
             (unsigned long long)s->st.scheduled, (unsigned long long)s->st.run,
             (unsigned long long)s->st.cancelled, (unsigned long long)s->st.pending);
    return msg;
}

void des_set_check(des_sim *s, des_check_fn fn, void *ctx)
{
    s->check = fn;
    s->check_ctx = ctx;
}

void des_enable_checks(des_sim *s, bool on) { s->checks_on = on; }
