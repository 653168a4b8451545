#include "des/trace.h"

#include "base/hv.h"

#include <stdlib.h>
#include <string.h>

void des_trace_init(des_trace *tr, size_t cap, des_time start, des_time end)
{
    memset(tr, 0, sizeof *tr);
    HV_CHECK(start <= end);
    tr->cap = cap;
    tr->win_start = start;
    tr->win_end = end;
    tr->on = cap > 0;
    if (cap)
        tr->recs = hv_xcalloc(cap, sizeof *tr->recs);
}

void des_trace_free(des_trace *tr)
{
    free(tr->recs);
    memset(tr, 0, sizeof *tr);
}
