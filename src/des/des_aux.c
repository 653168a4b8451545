/*
 * des/des_aux.c — the engine's out-of-line parts: the early heap (keys
 * below last, see des.c's design comment), the sweep of cancelled entries,
 * stats, memory accounting, the conservation check and the check hook.
 * Nothing here runs per event on PHOLD; the model uses the early heap
 * briefly (des.c's design comment).
 */
#include "des/des_internal.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- early heap (binary, keys < last) --------------------------------- */

static inline bool early_less(const des_early *a, const des_early *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

void des__early_push(des_sim *s, des_early e)
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

des_early des__early_pop(des_sim *s)
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

/* ---- stale-entry sweep -------------------------------------------------- */

/* Drop every cancelled entry from the radix buckets and the early heap.
 * Order is kept (compaction in place), so FIFO ties are unaffected. */
void des__sweep_stale(des_sim *s)
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
                if (des__ent_live(s, bk->e[i].idx, bk->e[i].gen))
                    bk->e[w++] = bk->e[i];
            s->rq_n -= (bk->n - bk->head) - w;
            if (w == 0)
                des__rq_mark_empty(s, l, d);
            else {
                bk->head = 0;
                bk->n = w;
            }
        }
    }
    /* The run: compact in place, order kept. */
    uint32_t w = 0;
    for (uint32_t i = s->run_h; i < s->run_n; i++)
        if (des__ent_live(s, s->run[i].idx, s->run[i].gen))
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
        if (des__ent_live(s, tmp[i].idx, tmp[i].gen))
            des__early_push(s, tmp[i]);
    free(tmp);
    s->stale = 0;
}

/* ---- stats, accounting, checks ----------------------------------------- */

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
