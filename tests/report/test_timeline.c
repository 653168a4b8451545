/* Trace recorder window/capacity and the timeline JSON writer. */
#include "report/timeline.h"
#include "tap.h"

#include <stdlib.h>

enum { K_STATE, K_IPI_OUT, K_IPI_IN, K_MARK };
static const char *states[] = {"host", "guest", "nap"};

static rep_tl_class classify(const des_trace_rec *r, const void *ctx)
{
    (void)ctx;
    switch (r->kind) {
    case K_STATE: return REP_TL_STATE;
    case K_IPI_OUT: return REP_TL_FLOW_OUT;
    case K_IPI_IN: return REP_TL_FLOW_IN;
    case K_MARK: return REP_TL_INSTANT;
    }
    return REP_TL_IGNORE;
}
static const char *name(const des_trace_rec *r, const void *ctx)
{
    (void)ctx;
    return r->kind == K_STATE ? states[r->a[0]] : r->kind == K_MARK ? "mark \"x\"" : "ipi";
}
static void track_name(uint32_t t, char *buf, size_t n, const void *ctx)
{
    (void)ctx;
    snprintf(buf, n, "cpu %u", t);
}

static char *render(const des_trace *tr, des_time end)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rep_timeline_spec spec = {classify, name, track_name, NULL};
    TAP_EQ(rep_timeline_write(f, tr, &spec, end), 0);
    fclose(f);
    return buf;
}

/* Minimal structural JSON check: balanced brackets outside strings, valid
 * escapes, no control characters in strings. */
static int json_ok(const char *s)
{
    int depth = 0, in = 0;
    for (; *s; s++) {
        if (in) {
            if (*s == '\\') {
                s++;
                if (!*s || !strchr("\"\\/bfnrtu", *s))
                    return 0;
            } else if (*s == '"')
                in = 0;
            else if ((unsigned char)*s < 0x20)
                return 0;
        } else if (*s == '"')
            in = 1;
        else if (*s == '{' || *s == '[')
            depth++;
        else if (*s == '}' || *s == ']') {
            if (--depth < 0)
                return 0;
        }
    }
    return depth == 0 && !in;
}

static void window_and_capacity(void)
{
    des_trace tr;
    des_trace_init(&tr, 3, 100, 200);
    des_trace_emit(&tr, 50, 0, K_STATE, 0, 0, 0, 0);  /* before the window */
    des_trace_emit(&tr, 100, 0, K_STATE, 1, 0, 0, 0); /* kept */
    des_trace_emit(&tr, 150, 1, K_STATE, 2, 0, 0, 0); /* kept */
    des_trace_emit(&tr, 199, 1, K_MARK, 0, 0, 0, 0);  /* kept */
    des_trace_emit(&tr, 199, 1, K_MARK, 0, 0, 0, 0);  /* full: dropped */
    des_trace_emit(&tr, 200, 1, K_MARK, 0, 0, 0, 0);  /* after the window */
    TAP_EQ(tr.n, 3);
    TAP_EQ(tr.dropped, 1);
    des_trace_free(&tr);
    des_trace off;
    des_trace_init(&off, 0, 0, 10);
    des_trace_emit(&off, 1, 0, K_STATE, 0, 0, 0, 0);
    TAP_EQ(off.n, 0);
    des_trace_emit(NULL, 1, 0, K_STATE, 0, 0, 0, 0); /* no recorder: no-op */
}

static void spans_flows_and_escaping(void)
{
    des_trace tr;
    des_trace_init(&tr, 16, 0, 1000000);
    des_trace_emit(&tr, 1000, 8, K_STATE, 0, 0, 0, 0);
    des_trace_emit(&tr, 2500, 8, K_STATE, 1, 0, 0, 0);
    des_trace_emit(&tr, 3000, 8, K_IPI_OUT, 42, 0, 0, 0);
    des_trace_emit(&tr, 3512, 9, K_IPI_IN, 42, 0, 0, 0);
    des_trace_emit(&tr, 3512, 9, K_STATE, 1, 0, 0, 0);
    des_trace_emit(&tr, 4000, 9, K_MARK, 7, 0, 0, 0);
    char *j = render(&tr, 5000);
    TAP_CHECK(json_ok(j));
    TAP_CONTAINS(j, "\"name\":\"host\",\"ts\":1.000,\"dur\":1.500");  /* closed by the next state */
    TAP_CONTAINS(j, "\"name\":\"guest\",\"ts\":2.500,\"dur\":2.500"); /* closed at the end */
    TAP_CONTAINS(j, "\"ph\":\"s\",\"cat\":\"flow\",\"pid\":1,\"tid\":8,\"id\":42");
    TAP_CONTAINS(j, "\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"flow\",\"pid\":1,\"tid\":9,\"id\":42");
    TAP_CONTAINS(j, "\"name\":\"mark \\\"x\\\"\"");
    TAP_CONTAINS(j, "\"args\":{\"name\":\"cpu 9\"}");
    /* Deterministic: the same trace renders byte-identically. */
    char *j2 = render(&tr, 5000);
    TAP_STREQ(j, j2);
    free(j);
    free(j2);
    des_trace_free(&tr);
}

int main(void)
{
    TAP_RUN(window_and_capacity);
    TAP_RUN(spans_flows_and_escaping);
    return tap_done();
}
