/*
 * xics/xics_icp.c — the ICP state word: its pure transitions (PAPR
 * Accept_Interrupt, Down_CPPR, Up_CPPR, Set_MFRR, icp_try_to_deliver) and
 * the commit that seals OUT_EE and stores or CASes the word
 * (icp_try_update / icp_rm_try_update in book3s_xics.c /
 * book3s_hv_rm_xics.c).
 */
#include "xics/xics_internal.h"

#include "base/hv.h"

#include <string.h>

/* ---- the ICP word and its pure transitions ------------------------------ */

uint64_t xics_icp_seal(uint64_t w)
{
    bool out = xics_icp_xisr(w) != 0 && xics_icp_ppri(w) < xics_icp_cppr(w);
    return out ? (w | XICS_ICP_OUT_EE_BIT) : (w & ~XICS_ICP_OUT_EE_BIT);
}

uint64_t xics_icp_make(uint8_t cppr, uint8_t mfrr, uint8_t ppri, uint32_t xisr,
                       bool need_resend)
{
    uint64_t w = 0;
    w = xics_icp_with_cppr(w, cppr);
    w = xics_icp_with_mfrr(w, mfrr);
    w = xics_icp_with_ppri(w, ppri);
    w = xics_icp_with_xisr(w, xisr);
    w = xics_icp_with_need_resend(w, need_resend);
    return xics_icp_seal(w);
}

static struct xics_icp_tx tx_init(uint64_t s)
{
    struct xics_icp_tx t;
    memset(&t, 0, sizeof t);
    t.next = s;
    t.write = true;
    return t;
}

/* ICP State: Accept_Interrupt. Return the pending interrupt with the current
 * CPPR; then clear XISR and set CPPR to the pending priority. */
struct xics_icp_tx xics_icp_accept(uint64_t s)
{
    struct xics_icp_tx t = tx_init(s);
    t.xirr = xics_icp_xirr(s);
    if (xics_icp_xisr(s) == 0) {
        t.write = false;
        return t;
    }
    t.next = xics_icp_with_cppr(t.next, xics_icp_ppri(s));
    t.next = xics_icp_with_ppri(t.next, XICS_MASKED);
    t.next = xics_icp_with_xisr(t.next, 0);
    return t;
}

/* ICP State: Down_CPPR, with the cut-down Resend / Check_IPI / IPI: a pending
 * interrupt cannot be trumped by the IPI here (that was handled when MFRR was
 * set), so only an IPI is (re)presented and no reject is possible; the
 * NEED_RESEND latch is taken and cleared. */
struct xics_icp_tx xics_icp_down_cppr(uint64_t s, uint8_t cppr)
{
    struct xics_icp_tx t = tx_init(s);
    uint8_t mfrr = xics_icp_mfrr(s);
    t.next = xics_icp_with_cppr(t.next, cppr);
    if (mfrr < cppr && mfrr <= xics_icp_ppri(s)) {
        t.next = xics_icp_with_ppri(t.next, mfrr);
        t.next = xics_icp_with_xisr(t.next, XICS_IPI);
    }
    t.resend = xics_icp_need_resend(s);
    t.next = xics_icp_with_need_resend(t.next, false);
    return t;
}

/* ICP State: Up_CPPR with Reject_Current: a pending interrupt not more
 * favoured than the new CPPR is taken back (and redelivered by the caller
 * unless it is the IPI, which MFRR still holds). */
struct xics_icp_tx xics_icp_up_cppr(uint64_t s, uint8_t cppr)
{
    struct xics_icp_tx t = tx_init(s);
    t.next = xics_icp_with_cppr(t.next, cppr);
    if (cppr <= xics_icp_ppri(s)) {
        t.reject = xics_icp_xisr(s);
        t.next = xics_icp_with_xisr(t.next, 0);
        t.next = xics_icp_with_ppri(t.next, XICS_MASKED);
    }
    return t;
}

/* ICP State: Set_MFRR, Check_IPI, IPI. If the new MFRR beats CPPR and the
 * pending priority, the IPI is presented and the displaced XISR rejected.
 * Not in PAPR: whenever MFRR is made less favoured, a previously rejected
 * interrupt may need a resend, so NEED_RESEND is latched and cleared. */
struct xics_icp_tx xics_icp_set_mfrr(uint64_t s, uint8_t mfrr)
{
    struct xics_icp_tx t = tx_init(s);
    t.next = xics_icp_with_mfrr(t.next, mfrr);
    if (mfrr < xics_icp_cppr(s) && mfrr <= xics_icp_ppri(s)) {
        t.reject = xics_icp_xisr(s);
        t.next = xics_icp_with_ppri(t.next, mfrr);
        t.next = xics_icp_with_xisr(t.next, XICS_IPI);
    }
    if (mfrr > xics_icp_mfrr(s)) {
        t.resend = xics_icp_need_resend(s);
        t.next = xics_icp_with_need_resend(t.next, false);
    }
    return t;
}

/* icp_try_to_deliver: present irq if it beats CPPR, MFRR and the pending
 * priority (rejecting the pending XISR), else set NEED_RESEND so that the
 * next CPPR change rescans. */
struct xics_icp_tx xics_icp_try_deliver(uint64_t s, uint32_t irq, uint8_t prio)
{
    struct xics_icp_tx t = tx_init(s);
    t.ok = xics_icp_cppr(s) > prio && xics_icp_mfrr(s) > prio &&
           xics_icp_ppri(s) > prio;
    if (t.ok) {
        t.reject = xics_icp_xisr(s);
        t.next = xics_icp_with_xisr(t.next, irq);
        t.next = xics_icp_with_ppri(t.next, prio);
    } else {
        t.next = xics_icp_with_need_resend(t.next, true);
    }
    return t;
}

/* icp_try_update / icp_rm_try_update: seal OUT_EE, commit, and on success
 * report RAISE when the new word calls for it — unconditionally, never a
 * lower (only the owner lowers its own line, before its transaction). */
bool xics__icp_commit(struct xics__ctx *c, struct xics_icp *icp, uint64_t old, uint64_t next)
{
    struct xics *x = c->x;
    next = xics_icp_seal(next);
    xics__step(x, XICS_STEP_BEFORE_COMMIT, icp->server, 0);
    if (x->cfg.commit == XICS_COMMIT_ATOMIC) {
        uint64_t expect = old;
        /* cmpxchg64: fully ordered; pairs with icp_load's acquire and with
         * the smp_mb before the need_resend re-check in xics__deliver(). */
        if (!atomic_compare_exchange_strong_explicit(&icp->state, &expect, next,
                                                     memory_order_seq_cst,
                                                     memory_order_acquire)) {
            CNT_INC(x->n_cas_fail);
            return false;
        }
    } else {
        if (atomic_load_explicit(&icp->state, memory_order_relaxed) != old) {
            CNT_INC(x->n_cas_fail);
            return false;
        }
        atomic_store_explicit(&icp->state, next, memory_order_relaxed);
    }
    if (xics_icp_out_ee(next))
        xics_fx_push(c->fx, XICS_FX_RAISE, icp->server);
    return true;
}
