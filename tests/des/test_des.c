/* Engine basics: ordering, FIFO ties, cancel, run-until, stop, conservation. */
#include "des/des.h"
#include "tap.h"

typedef struct {
    uint64_t order[64];
    int n;
} trace;

static void rec(des_sim *s, void *obj, uint64_t arg)
{
    (void)s;
    trace *t = obj;
    t->order[t->n++] = arg;
}

static void time_order_and_fifo_ties(void)
{
    des_sim *s = des_new();
    trace t = {0};
    des_at(s, 30, rec, &t, 3);
    des_at(s, 10, rec, &t, 1);
    des_at(s, 20, rec, &t, 20);
    des_at(s, 20, rec, &t, 21);
    des_at(s, 20, rec, &t, 22);
    des_run_until(s, 100);
    TAP_EQ(t.n, 5);
    uint64_t want[] = {1, 20, 21, 22, 3};
    for (int i = 0; i < 5; i++)
        TAP_EQ(t.order[i], want[i]);
    TAP_EQ(des_now(s), 100);
    TAP_CHECK(des_conservation(s) == NULL);
    des_free(s);
}

static void cancel_and_stale_handle(void)
{
    des_sim *s = des_new();
    trace t = {0};
    des_handle a = des_at(s, 5, rec, &t, 1);
    des_handle b = des_at(s, 6, rec, &t, 2);
    des_handle copy = a;
    TAP_CHECK(des_pending(s, a));
    TAP_CHECK(des_cancel(s, &a));
    TAP_CHECK(!des_cancel(s, &copy)); /* stale: already cancelled */
    des_run_until(s, 10);
    TAP_EQ(t.n, 1);
    TAP_EQ(t.order[0], 2);
    TAP_CHECK(!des_pending(s, b)); /* ran */
    des_stats st = des_get_stats(s);
    TAP_EQ(st.scheduled, 2);
    TAP_EQ(st.run, 1);
    TAP_EQ(st.cancelled, 1);
    TAP_EQ(st.pending, 0);
    des_free(s);
}

static void stopper(des_sim *s, void *obj, uint64_t arg)
{
    rec(s, obj, arg);
    des_stop(s);
}

static void run_until_excludes_end_and_stop(void)
{
    des_sim *s = des_new();
    trace t = {0};
    des_at(s, 10, rec, &t, 1);
    des_at(s, 20, stopper, &t, 2);
    des_at(s, 30, rec, &t, 3);
    des_at(s, 40, rec, &t, 4);
    des_run_until(s, 40); /* stops at the stopper */
    TAP_EQ(t.n, 2);
    TAP_EQ(des_now(s), 20);
    des_run_until(s, 40); /* 30 runs, 40 does not (time < end) */
    TAP_EQ(t.n, 3);
    TAP_EQ(des_now(s), 40);
    TAP_EQ(des_get_stats(s).pending, 1);
    des_free(s);
}

int main(void)
{
    TAP_RUN(time_order_and_fifo_ties);
    TAP_RUN(cancel_and_stale_handle);
    TAP_RUN(run_until_excludes_end_and_stop);
    return tap_done();
}
