/* Live engine: the measurement plan of `hvwake live` (see live.h). */
#include "live/live.h"

#include "base/hv.h"

#include <stdlib.h>

static int add(live_row **rows, size_t *n, const char *table, const live_cfg *cfg)
{
    *rows = hv_xrealloc(*rows, (*n + 1) * sizeof **rows);
    live_row *row = &(*rows)[(*n)++];
    row->table = table;
    row->cfg = *cfg;
    live_result_init(&row->r);
    return live_run(&row->cfg, &row->r);
}

/* 1, 2, 4 ... below top, then top itself. */
static unsigned next_step(unsigned v, unsigned top) { return v * 2 < top ? v * 2 : top; }

int live_measure(const live_cfg *base, uint64_t duration_ns, live_row **rows, size_t *n)
{
    live_cfg c = *base;
    c.iterations = 0;
    c.duration_ns = duration_ns;
    c.epochs = 1;
    c.yield_pct = 0;
    c.bug = LIVE_BUG_NONE;
    *rows = NULL;
    *n = 0;

    c.load = LIVE_LOAD_CLOSED;
    c.redirect = true;
    c.signal = LIVE_SIGNAL_FUTEX;
    int rc = add(rows, n, "paths", &c);
    c.signal = LIVE_SIGNAL_SPIN;
    if (rc == HV_OK)
        rc = add(rows, n, "paths", &c);
    c.signal = LIVE_SIGNAL_FUTEX;
    c.redirect = false;
    if (rc == HV_OK)
        rc = add(rows, n, "paths", &c);

    c.redirect = true; /* still closed load: free cores exist, senders race for them */
    for (unsigned s = 1; rc == HV_OK; s = next_step(s, base->senders)) {
        for (unsigned k = base->cores < 2 ? base->cores : 2; rc == HV_OK;
             k = next_step(k, base->cores)) {
            c.senders = s;
            c.cores = k;
            rc = add(rows, n, "scan", &c);
            if (k == base->cores)
                break;
        }
        if (s == base->senders)
            break;
    }
    return rc;
}

void live_rows_free(live_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        live_result_free(&rows[i].r);
    free(rows);
}
