/*
 * base/ring.h: FIFO order through growth with the queue wrapped around the
 * end of the buffer, push_front on an empty and on a wrapped ring, clear,
 * free, the invariants check (on a sound and on a broken ring) and the
 * fatal checks: an element size other than the first push's, a pop from an
 * empty ring.
 */
#include "base/hv.h"
#include "base/ring.h"
#include "tap.h"

#include <stdio.h>

typedef struct item {
    uint64_t id;
    uint32_t tag;
} item;

static void push(hv_ring *r, uint64_t id) { *(item *)hv_ring_push(r, sizeof(item)) = (item){id, (uint32_t)id * 3}; }

static uint64_t pop(hv_ring *r)
{
    item it;
    hv_ring_pop(r, &it);
    TAP_EQ(it.tag, (uint32_t)it.id * 3);
    return it.id;
}

static int check_ok(const hv_ring *r)
{
    char msg[128];
    const char *e = hv_ring_check(r, msg, sizeof msg);
    if (e)
        printf("# %s\n", e);
    return e == NULL;
}

/* A zeroed ring is empty with no buffer; the first push allocates. */
static void zeroed_is_empty(void)
{
    hv_ring r = {0};
    TAP_CHECK(check_ok(&r));
    TAP_EQ(r.n, 0);
    TAP_CHECK(r.buf == NULL);
    push(&r, 7);
    TAP_EQ(r.n, 1);
    TAP_EQ(r.cap, 8);
    TAP_EQ(r.size, sizeof(item));
    TAP_EQ(pop(&r), 7);
    TAP_EQ(r.n, 0);
    hv_ring_free(&r);
    TAP_CHECK(r.buf == NULL && r.cap == 0 && r.n == 0 && r.head == 0);
}

/* Grow while the queue wraps around the end of the buffer: order holds. */
static void fifo_through_growth(void)
{
    hv_ring r = {0};
    uint64_t next_in = 0, next_out = 0;
    for (int i = 0; i < 6; i++)
        push(&r, next_in++);
    for (int i = 0; i < 5; i++)
        TAP_EQ(pop(&r), next_out++);
    TAP_EQ(r.head, 5); /* the queue now wraps once 3 more are pushed */
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 11 * (round + 1); i++)
            push(&r, next_in++);
        TAP_CHECK(check_ok(&r));
        for (int i = 0; i < 7 * (round + 1); i++)
            TAP_EQ(pop(&r), next_out++);
    }
    TAP_EQ(r.n, next_in - next_out);
    TAP_LE(r.cap, 2 * (next_in - next_out) + 8);
    for (uint32_t i = 0; i < r.n; i++)
        TAP_EQ(((item *)hv_ring_at(&r, i))->id, next_out + i);
    while (r.n)
        TAP_EQ(pop(&r), next_out++);
    TAP_EQ(next_out, next_in);
    hv_ring_free(&r);
}

/* push_front puts an element ahead of the head, also across the buffer's
 * start and through a growth. */
static void push_front(void)
{
    hv_ring r = {0};
    *(item *)hv_ring_push_front(&r, sizeof(item)) = (item){100, 300};
    TAP_EQ(r.n, 1);
    push(&r, 101);
    for (uint64_t id = 99; id >= 90; id--)
        *(item *)hv_ring_push_front(&r, sizeof(item)) = (item){id, (uint32_t)id * 3};
    TAP_CHECK(check_ok(&r));
    TAP_EQ(r.n, 12);
    for (uint64_t id = 90; id <= 101; id++)
        TAP_EQ(pop(&r), id);
    hv_ring_free(&r);
}

static void clear_keeps_buffer(void)
{
    hv_ring r = {0};
    for (uint64_t i = 0; i < 20; i++)
        push(&r, i);
    pop(&r);
    uint32_t cap = r.cap;
    hv_ring_clear(&r);
    TAP_EQ(r.n, 0);
    TAP_EQ(r.head, 0);
    TAP_EQ(r.cap, cap);
    push(&r, 42);
    TAP_EQ(pop(&r), 42);
    hv_ring_free(&r);
}

static void check_reports_fields(void)
{
    hv_ring r = {0};
    push(&r, 1);
    r.n = r.cap + 1; /* broken on purpose */
    char msg[128];
    const char *e = hv_ring_check(&r, msg, sizeof msg);
    TAP_CHECK(e != NULL);
    if (e)
        TAP_CONTAINS(e, "n 9, cap 8");
    r.n = 1;
    r.head = r.cap;
    TAP_CHECK(hv_ring_check(&r, msg, sizeof msg) != NULL);
    r.head = 0;
    TAP_CHECK(check_ok(&r));
    hv_ring_free(&r);
}

static void other_size(void)
{
    hv_ring r = {0};
    push(&r, 1);
    *(uint32_t *)hv_ring_push(&r, sizeof(uint32_t)) = 2; /* fatal */
}

static void pop_empty(void)
{
    hv_ring r = {0};
    push(&r, 1);
    pop(&r);
    pop(&r); /* fatal */
}

static void misuse_is_fatal(void)
{
    TAP_EQ(tap_exit_status(other_size), HV_EXIT_CHECK);
    TAP_EQ(tap_exit_status(pop_empty), HV_EXIT_CHECK);
}

int main(void)
{
    TAP_RUN(zeroed_is_empty);
    TAP_RUN(fifo_through_growth);
    TAP_RUN(push_front);
    TAP_RUN(clear_keeps_buffer);
    TAP_RUN(check_reports_fields);
    TAP_RUN(misuse_is_fatal);
    return tap_done();
}
