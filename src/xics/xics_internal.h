/*
 * xics/xics_internal.h — what the xics room's files share (the xics__
 * prefix, like libuv's uv__). Not part of the room's API: xics/xics.h is.
 *
 *   xics.c          create/destroy, ICPs, lookups, names, the effect list
 *   xics_icp.c      the ICP word's pure transitions and its commit
 *   xics_deliver.c  delivery, reject and resend (one body for both modes)
 *   xics_hcall.c    the hcalls, the real-mode hand-off, the dispatchers
 *   xics_ics.c      ICS creation, sources, device lines, RTAS
 *   xics_check.c    xics_check, xics_equal, the debugfs dump
 *
 * Concurrency contract: as xics/xics.h (each function below states the
 * ordering it provides where it touches shared words).
 */
#ifndef HV_XICS_XICS_INTERNAL_H
#define HV_XICS_XICS_INTERNAL_H

#include "xics/xics.h"

/* One operation's context: the XICS, the mode, the calling ICP (NULL for
 * device / RTAS / userspace callers) and the caller's effect list. */
struct xics__ctx {
    struct xics *x;
    enum xics_mode m;
    struct xics_icp *caller;
    struct xics_effects *fx;
};

static inline bool xics__rm(const struct xics__ctx *c) { return c->m == XICS_REAL; }

#define CNT_INC(ctr) atomic_fetch_add_explicit(&(ctr), 1, memory_order_relaxed)
#define CNT_GET(ctr) atomic_load_explicit(&(ctr), memory_order_relaxed)

static inline void xics__ics_lock(const struct xics *x, struct xics_ics *ics)
{
    if (x->cfg.commit != XICS_COMMIT_ATOMIC)
        return;
    /* arch_spin_lock; pairs with xics__ics_unlock's release. */
    while (atomic_flag_test_and_set_explicit(&ics->lock, memory_order_acquire))
        ;
}

static inline void xics__ics_unlock(const struct xics *x, struct xics_ics *ics)
{
    if (x->cfg.commit == XICS_COMMIT_ATOMIC)
        atomic_flag_clear_explicit(&ics->lock, memory_order_release);
}

/* The test hook at a named step (enum xics_step), if any. */
static inline void xics__step(struct xics *x, enum xics_step s, uint32_t server, uint32_t irq)
{
    if (x->step)
        x->step(x, s, server, irq, x->step_arg);
}

/* READ_ONCE(icp->state); acquire pairs with the seq_cst CAS of a committer. */
static inline uint64_t xics__icp_load(const struct xics_icp *icp)
{
    return atomic_load_explicit(&icp->state, memory_order_acquire);
}

/* xics_icp.c */
bool xics__icp_commit(struct xics__ctx *c, struct xics_icp *icp, uint64_t old, uint64_t next);

/* xics_deliver.c */
void xics__deliver(struct xics__ctx *c, struct xics_icp *icp, uint32_t irq, bool check_resend_only);
void xics__check_resend(struct xics__ctx *c, struct xics_icp *icp);
void xics__handle_reject(struct xics__ctx *c, struct xics_icp *icp, uint32_t reject,
                         xics_counter *rm_counter);
void xics__handle_resend(struct xics__ctx *c, struct xics_icp *icp, xics_counter *rm_counter);
void xics__down_cppr(struct xics__ctx *c, struct xics_icp *icp, uint8_t cppr);

#endif
