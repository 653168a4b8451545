/* The harness checks itself: a failing check must mark the test failed. */
#include "tap.h"

#include <stdlib.h>

static void checks_pass(void)
{
    TAP_EQ(3u, 3);
    TAP_EQ(-1, -1);
    TAP_NEAR(1.0, 1.0 + 1e-12, 1e-9);
    TAP_STREQ("a", "a");
    TAP_CONTAINS("hello world", "lo w");
    TAP_CHECK(1 + 1 == 2);
    TAP_LE(2, 2);
    TAP_LT(1.5, 2);
}

static void failing_check_is_caught(void)
{
    /* Run a failing check, observe that it set the flag, then undo it. */
    TAP_EQ(1, 2);
    int caught = tap_cur_failed_;
    tap_cur_failed_ = 0;
    TAP_CHECK(caught == 1);
    TAP_STREQ("x", "y");
    caught = tap_cur_failed_;
    tap_cur_failed_ = 0;
    TAP_CHECK(caught == 1);
    TAP_LT(2, 2);
    caught = tap_cur_failed_;
    tap_cur_failed_ = 0;
    TAP_CHECK(caught == 1);
    TAP_LE(3, 2);
    caught = tap_cur_failed_;
    tap_cur_failed_ = 0;
    TAP_CHECK(caught == 1);
}

static void returns(void) {}
static void exits_3(void) { _exit(3); }
static void aborts(void) { abort(); }

/* tap_exit_status: a child's exit status, 0 when fn returns, -1 when it
 * ends by a signal. */
static void exit_status_of_a_child(void)
{
    TAP_EQ(tap_exit_status(returns), 0);
    TAP_EQ(tap_exit_status(exits_3), 3);
    TAP_EQ(tap_exit_status(aborts), -1);
}

static int calls;
static int bump(void) { return ++calls; }

static void operands_evaluated_once(void)
{
    calls = 0;
    TAP_EQ(bump(), 1);
    TAP_EQ(calls, 1);
    TAP_LE(bump(), 2);
    TAP_EQ(calls, 2);
}

int main(void)
{
    TAP_RUN(operands_evaluated_once);
    TAP_RUN(checks_pass);
    TAP_RUN(failing_check_is_caught);
    TAP_RUN(exit_status_of_a_child);
    return tap_done();
}
