/* A FIFO that grows; see base/ring.h. */
#include "base/ring.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FIRST_CAP = 8 };

/* Make room for one more: a full ring's queue moves, in order, to the front
 * of a buffer twice as large. */
static void grow(hv_ring *r, size_t size)
{
    HV_CHECK(size > 0);
    if (!r->cap)
        r->size = size;
    HV_CHECK_U64(size, ==, r->size);
    if (r->n < r->cap)
        return;
    uint32_t cap = r->cap ? 2 * r->cap : FIRST_CAP;
    HV_CHECK_U64(cap, >, r->cap);
    unsigned char *b = hv_xcalloc(cap, size);
    for (uint32_t i = 0; i < r->n; i++)
        memcpy(b + (size_t)i * size, hv_ring_at(r, i), size);
    free(r->buf);
    r->buf = b;
    r->head = 0;
    r->cap = cap;
}

void *hv_ring_at(const hv_ring *r, uint32_t i)
{
    HV_CHECK_U64(i, <, r->n);
    return r->buf + (size_t)((r->head + i) % r->cap) * r->size;
}

void *hv_ring_push(hv_ring *r, size_t size)
{
    grow(r, size);
    r->n++;
    return hv_ring_at(r, r->n - 1);
}

void *hv_ring_push_front(hv_ring *r, size_t size)
{
    grow(r, size);
    r->head = (r->head + r->cap - 1) % r->cap;
    r->n++;
    return hv_ring_at(r, 0);
}

void hv_ring_pop(hv_ring *r, void *out)
{
    memcpy(out, hv_ring_at(r, 0), r->size);
    r->head = (r->head + 1) % r->cap;
    r->n--;
}

void hv_ring_clear(hv_ring *r)
{
    r->head = 0;
    r->n = 0;
}

void hv_ring_free(hv_ring *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

const char *hv_ring_check(const hv_ring *r, char *msg, size_t len)
{
    if (r->n > r->cap || (r->cap ? r->head >= r->cap : r->head != 0) ||
        (r->buf != NULL) != (r->cap > 0) || (r->cap && !r->size)) {
        snprintf(msg, len, "ring: n %u, cap %u, head %u, size %zu, buffer %s", r->n, r->cap, r->head,
                 r->size, r->buf ? "allocated" : "none");
        return msg;
    }
    return NULL;
}
