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

void des_trace_drop(des_trace *tr, uint16_t kind)
{
    if (!tr->dropped_by_kind)
        tr->dropped_by_kind = hv_xcalloc(UINT16_MAX + 1, sizeof *tr->dropped_by_kind);
    tr->dropped++;
    tr->dropped_by_kind[kind]++;
}

uint64_t des_trace_dropped_kind(const des_trace *tr, uint16_t kind)
{
    return tr->dropped_by_kind ? tr->dropped_by_kind[kind] : 0;
}

void des_trace_free(des_trace *tr)
{
    free(tr->recs);
    free(tr->dropped_by_kind);
    memset(tr, 0, sizeof *tr);
}
