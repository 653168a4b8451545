/*
 * xics/xics_deliver.c — delivery with the reject/resend loop and the
 * resend scans, shared by every entry point: icp_deliver_irq,
 * ics_check_resend, icp_check_resend and icp_down_cppr (book3s_xics.c) and
 * their real-mode twins (icp_rm_deliver_irq ... in book3s_hv_rm_xics.c),
 * one body each with the real-mode differences behind xics__rm().
 */
#include "xics/xics_internal.h"

#include "base/hv.h"

/* ---- delivery, reject and resend (icp_deliver_irq / icp_check_resend) ---- */

/* Used for new interrupts, resends and rejects alike: "the reject path boils
 * down to a failed delivery. Always." Loops until the interrupt is presented
 * somewhere, parked as resend (with NEED_RESEND observed still set after the
 * map bit was published), or parked as masked_pending. Follows the >= 4.8
 * ordering: resend := 1, smp_wmb, map bit, smp_mb, re-check. */
void xics__deliver(struct xics__ctx *c, struct xics_icp *icp, uint32_t irq, bool check_resend_only)
{
    struct xics *x = c->x;
again:;
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics) {
        CNT_INC(x->err_noics);
        return;
    }
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    xics__ics_lock(x, ics);
    if (!icp || s->server != icp->server) {
        icp = xics_find_server(x, s->server);
        if (!icp) {
            CNT_INC(x->err_noicp);
            goto out;
        }
    }
    if (check_resend_only && !s->resend)
        goto out;
    s->resend = 0;
    /* Masked: kept as masked_pending, also for rejects and resends (the
     * kernel deliberately differs from PAPR here so nothing is lost). */
    if (s->priority == XICS_MASKED) {
        s->masked_pending = 1;
        goto out;
    }
    struct xics_icp_tx t;
    for (;;) {
        uint64_t old = xics__icp_load(icp);
        t = xics_icp_try_deliver(old, irq, s->priority);
        if (xics__icp_commit(c, icp, old, t.next))
            break;
    }
    if (t.ok) {
        if (t.reject && t.reject != XICS_IPI) {
            /* We displaced somebody: deliver it again from scratch; it may
             * already be acceptable, or have moved to another server. */
            xics__ics_unlock(x, ics);
            if (xics__rm(c))
                CNT_INC(icp->n_reject);
            irq = t.reject;
            check_resend_only = false;
            goto again;
        }
    } else {
        xics__step(x, XICS_STEP_DELIVER_FAILED, icp->server, irq);
        s->resend = 1;
        /* smp_wmb: resend visible before the map bit; pairs with the
         * acquire fence at the top of xics__check_resend(). */
        atomic_thread_fence(memory_order_release);
        uint32_t id = ics->icsid;
        atomic_fetch_or_explicit(&icp->resend_map[id / 64], 1ull << (id % 64),
                                 memory_order_relaxed);
        xics__step(x, XICS_STEP_BEFORE_RECHECK, icp->server, irq);
        /* smp_mb: the map bit before the re-read of NEED_RESEND; pairs with
         * the owner's CAS clearing NEED_RESEND before its map scan. */
        atomic_thread_fence(memory_order_seq_cst);
        if (!xics_icp_need_resend(xics__icp_load(icp))) {
            /* The owner cleared NEED_RESEND after our commit and may have
             * scanned before our map bit: retry ourselves. */
            CNT_INC(x->n_recheck_retry);
            s->resend = 0;
            xics__ics_unlock(x, ics);
            check_resend_only = false;
            goto again;
        }
    }
out:
    xics__ics_unlock(x, ics);
}

/* ics_check_resend: redeliver every source of ics with resend set. Only
 * existing sources can have resend set (every delivery starts from an
 * existing source), so the scan walks the existing ones. */
static void ics_check_resend(struct xics__ctx *c, struct xics_ics *ics, struct xics_icp *icp)
{
    for (uint32_t k = 0; k < ics->n_exists; k++) {
        struct xics_source *s = &ics->src[ics->exists_idx[k]];
        xics__ics_lock(c->x, ics);
        bool r = s->resend;
        xics__ics_unlock(c->x, ics);
        if (r)
            xics__deliver(c, icp, s->number, true);
    }
}

/* icp_check_resend: test-and-clear each resend_map bit, rescan that ICS. */
void xics__check_resend(struct xics__ctx *c, struct xics_icp *icp)
{
    struct xics *x = c->x;
    /* smp_rmb: order the map loads after the caller's NEED_RESEND test. */
    atomic_thread_fence(memory_order_acquire);
    uint32_t max = atomic_load_explicit(&x->max_icsid, memory_order_relaxed);
    for (uint32_t w = 0; w <= max / 64; w++) {
        uint64_t bits = atomic_load_explicit(&icp->resend_map[w], memory_order_relaxed);
        while (bits) {
            uint32_t b = (uint32_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            uint32_t id = w * 64 + b;
            if (id > max)
                break;
            uint64_t m = 1ull << b;
            if (!(atomic_fetch_and_explicit(&icp->resend_map[w], ~m,
                                            memory_order_seq_cst) & m))
                continue;
            struct xics_ics *ics = xics_find_ics(x, id << XICS_ICS_SHIFT);
            if (ics)
                ics_check_resend(c, ics, icp);
        }
    }
}

/* A reject found by a transaction on icp: redeliver it now, or (3.10-style
 * real mode, cfg.rm_defer) record it for virtual mode. */
void xics__handle_reject(struct xics__ctx *c, struct xics_icp *icp, uint32_t reject,
                          xics_counter *rm_counter)
{
    if (!reject || reject == XICS_IPI)
        return;
    if (xics__rm(c) && c->x->cfg.rm_defer) {
        c->caller->rm_action |= XICS_RM_REJECT;
        c->caller->rm_reject = reject;
        return;
    }
    if (xics__rm(c))
        CNT_INC(*rm_counter);
    xics__deliver(c, icp, reject, false);
}

/* A resend latched by a transaction on icp. */
void xics__handle_resend(struct xics__ctx *c, struct xics_icp *icp, xics_counter *rm_counter)
{
    if (xics__rm(c) && c->x->cfg.rm_defer) {
        c->caller->rm_action |= XICS_RM_CHECK_RESEND;
        c->caller->rm_resend_icp = icp->server;
        return;
    }
    if (xics__rm(c))
        CNT_INC(*rm_counter);
    xics__check_resend(c, icp);
}

/* icp_down_cppr / icp_rm_down_cppr (shared by H_CPPR and H_EOI). */
void xics__down_cppr(struct xics__ctx *c, struct xics_icp *icp, uint8_t cppr)
{
    struct xics_icp_tx t;
    for (;;) {
        uint64_t old = xics__icp_load(icp);
        t = xics_icp_down_cppr(old, cppr);
        if (xics__icp_commit(c, icp, old, t.next))
            break;
    }
    /* Resends are asynchronous to the ICP update (bus transactions in HW). */
    if (t.resend)
        xics__handle_resend(c, icp, &icp->n_check_resend);
}
