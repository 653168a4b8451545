/*
 * xics/xics_hcall.c — the guest's XICS hcalls (H_XIRR, H_XIRR_X, H_CPPR,
 * H_EOI, H_IPI, H_IPOLL), one body each with a mode parameter
 * (kvmppc_h_* in book3s_xics.c, kvmppc_rm_h_* in book3s_hv_rm_xics.c), the
 * real-mode hand-off (xics_rm_defer_kick, xics_check_too_hard /
 * check_too_hard, xics_rm_complete = kvmppc_xics_rm_complete) and the two
 * dispatchers (the real-mode hcall table, kvmppc_xics_hcall).
 */
#include "xics/xics_internal.h"

#include "base/hv.h"

/* ---- hcalls ---------------------------------------------------------------------- */

/* Entry of every hcall: real mode needs an XICS in real_mode and a caller
 * ICP (else H_TOO_HARD: the virtual-mode path decides); virtual mode needs a
 * caller ICP (kvmppc_xics_hcall: H_HARDWARE). */
static int enter(struct xics *x, enum xics_mode m, uint32_t caller, struct xics__ctx *c,
                 struct xics_effects *fx)
{
    struct xics_icp *icp = xics_find_server(x, caller);
    if (m == XICS_REAL && (!x->real_mode || !icp))
        return XICS_H_TOO_HARD;
    if (!icp)
        return XICS_H_HARDWARE;
    c->x = x;
    c->m = m;
    c->caller = icp;
    c->fx = fx;
    return 0;
}

static int done(const struct xics__ctx *c) { return xics__rm(c) ? XICS_RC_FINISH : XICS_H_SUCCESS; }

/* H_XIRR: kvmppc_h_xirr / kvmppc_rm_h_xirr. */
int xics_h_xirr(struct xics *x, enum xics_mode m, uint32_t caller, uint32_t *xirr,
                struct xics_effects *fx)
{
    struct xics__ctx c;
    int rc = enter(x, m, caller, &c, fx);
    if (rc)
        return rc;
    /* First remove EE from the processor (owner lowers its own line). */
    xics_fx_push(fx, XICS_FX_LOWER, caller);
    struct xics_icp_tx t;
    for (;;) {
        uint64_t old = xics__icp_load(c.caller);
        t = xics_icp_accept(old);
        if (!t.write || xics__icp_commit(&c, c.caller, old, t.next))
            break;
    }
    if (xirr)
        *xirr = t.xirr;
    return done(&c);
}

/* H_XIRR_X: no real-mode handler in the 4.6 table; virtual mode = H_XIRR. */
int xics_h_xirr_x(struct xics *x, enum xics_mode m, uint32_t caller, uint32_t *xirr,
                  struct xics_effects *fx)
{
    if (m == XICS_REAL)
        return XICS_H_TOO_HARD;
    return xics_h_xirr(x, XICS_VIRT, caller, xirr, fx);
}

/* H_CPPR: kvmppc_h_cppr / kvmppc_rm_h_cppr (Set_CPPR -> Down_CPPR or
 * Up_CPPR). CPPR is written only by its owner, so the comparison with the
 * current value can be made outside the transaction. */
int xics_h_cppr(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t cppr,
                struct xics_effects *fx)
{
    struct xics__ctx c;
    int rc = enter(x, m, caller, &c, fx);
    if (rc)
        return rc;
    if (cppr > 0xFF)
        return XICS_H_PARAMETER;
    uint8_t cur = xics_icp_cppr(xics__icp_load(c.caller));
    if (cppr > cur) {
        xics__down_cppr(&c, c.caller, (uint8_t)cppr);
        return done(&c);
    }
    if (cppr == cur)
        return XICS_H_SUCCESS;
    /* Up_CPPR / Reject_Current: drop EE first; the commit sets it again. */
    xics_fx_push(fx, XICS_FX_LOWER, caller);
    struct xics_icp_tx t;
    for (;;) {
        uint64_t old = xics__icp_load(c.caller);
        t = xics_icp_up_cppr(old, (uint8_t)cppr);
        if (xics__icp_commit(&c, c.caller, old, t.next))
            break;
    }
    xics__handle_reject(&c, c.caller, t.reject, &c.caller->n_reject);
    return done(&c);
}

/* H_EOI: kvmppc_h_eoi / kvmppc_rm_h_eoi (3.10–4.9 LSI handling): EOI =
 * Down_CPPR to the XIRR's CPPR; then, for a device source, redeliver an LSI
 * whose line is still asserted, and notify ack notifiers. */
int xics_h_eoi(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t xirr,
               struct xics_effects *fx)
{
    struct xics__ctx c;
    int rc = enter(x, m, caller, &c, fx);
    if (rc)
        return rc;
    if (xirr > 0xFFFFFFFFull)
        return XICS_H_PARAMETER;
    uint32_t irq = (uint32_t)xirr & 0xFFFFFF;
    xics__down_cppr(&c, c.caller, (uint8_t)(xirr >> 24));
    if (irq == XICS_IPI) /* IPIs have no EOI */
        return done(&c);
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics)
        return xics__rm(&c) ? XICS_RC_FINISH : XICS_H_PARAMETER;
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    xics__ics_lock(x, ics);
    bool asserted = s->asserted; /* the kernel peeks locklessly */
    xics__ics_unlock(x, ics);
    if (asserted) {
        if (xics__rm(&c) && x->cfg.rm_defer) {
            c.caller->rm_action |= XICS_RM_REJECT;
            c.caller->rm_reject = irq;
        } else {
            if (xics__rm(&c))
                CNT_INC(c.caller->n_reject);
            xics__deliver(&c, c.caller, irq, false);
        }
    }
    if (x->ack_notifiers) {
        if (xics__rm(&c)) {
            c.caller->rm_action |= XICS_RM_NOTIFY_EOI;
            c.caller->rm_eoied_irq = irq;
        } else {
            xics_fx_push(fx, XICS_FX_NOTIFY_EOI, irq);
        }
    }
    return done(&c);
}

/* H_IPI: kvmppc_h_ipi / kvmppc_rm_h_ipi (Set_MFRR, Check_IPI, IPI, reject,
 * resend when MFRR is made less favoured). Counters go to the sender. */
int xics_h_ipi(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t server,
               uint64_t mfrr, struct xics_effects *fx)
{
    struct xics__ctx c;
    int rc = enter(x, m, caller, &c, fx);
    if (rc)
        return rc;
    struct xics_icp *icp = c.caller->server == server
                               ? c.caller
                               : (server <= UINT32_MAX ? xics_find_server(x, (uint32_t)server) : NULL);
    if (!icp || mfrr > 0xFF)
        return XICS_H_PARAMETER;
    struct xics_icp_tx t;
    for (;;) {
        uint64_t old = xics__icp_load(icp);
        t = xics_icp_set_mfrr(old, (uint8_t)mfrr);
        if (xics__icp_commit(&c, icp, old, t.next))
            break;
    }
    xics__handle_reject(&c, icp, t.reject, &c.caller->n_reject);
    if (t.resend)
        xics__handle_resend(&c, icp, &c.caller->n_check_resend);
    return done(&c);
}

/* H_IPOLL: kvmppc_h_ipoll; virtual mode only in the 4.6 table. */
int xics_h_ipoll(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t server,
                 uint64_t *r4, uint64_t *r5)
{
    if (m == XICS_REAL)
        return XICS_H_TOO_HARD;
    struct xics_icp *self = xics_find_server(x, caller);
    if (!self)
        return XICS_H_HARDWARE;
    struct xics_icp *icp = self->server == server
                               ? self
                               : (server <= UINT32_MAX ? xics_find_server(x, (uint32_t)server) : NULL);
    if (!icp)
        return XICS_H_PARAMETER;
    uint64_t w = xics__icp_load(icp);
    if (r4)
        *r4 = xics_icp_xirr(w);
    if (r5)
        *r5 = xics_icp_mfrr(w);
    return XICS_H_SUCCESS;
}

int xics_rm_defer_kick(struct xics *x, uint32_t caller, uint32_t target)
{
    struct xics_icp *icp = xics_find_server(x, caller);
    if (!icp)
        return HV_ENOENT;
    if ((icp->rm_action & XICS_RM_KICK_VCPU) && icp->rm_kick_target != target)
        CNT_INC(icp->n_rm_kick_overwrite);
    icp->rm_action |= XICS_RM_KICK_VCPU;
    icp->rm_kick_target = target;
    return HV_OK;
}

int xics_check_too_hard(const struct xics *x, uint32_t caller)
{
    struct xics_icp *icp = xics_find_server(x, caller);
    return (x->real_mode_dbg || (icp && icp->rm_action)) ? XICS_H_TOO_HARD : XICS_H_SUCCESS;
}

int xics_rm_finish(const struct xics *x, uint32_t caller, int rc)
{
    return rc == XICS_RC_FINISH ? xics_check_too_hard(x, caller) : rc;
}

/* kvmppc_xics_rm_complete. */
int xics_rm_complete(struct xics *x, uint32_t caller, struct xics_effects *fx)
{
    struct xics__ctx c;
    int rc = enter(x, XICS_VIRT, caller, &c, fx);
    if (rc)
        return rc;
    struct xics_icp *icp = c.caller;
    uint32_t a = icp->rm_action;
    if (a & XICS_RM_KICK_VCPU) {
        CNT_INC(icp->n_rm_kick_vcpu);
        xics_fx_push(fx, XICS_FX_KICK, icp->rm_kick_target);
    }
    if (a & XICS_RM_CHECK_RESEND) {
        CNT_INC(icp->n_rm_check_resend);
        struct xics_icp *t = xics_find_server(x, icp->rm_resend_icp);
        if (t)
            xics__check_resend(&c, t);
    }
    if (a & XICS_RM_REJECT) {
        CNT_INC(icp->n_rm_reject);
        xics__deliver(&c, icp, icp->rm_reject, false);
    }
    if (a & XICS_RM_NOTIFY_EOI) {
        CNT_INC(icp->n_rm_notify_eoi);
        xics_fx_push(fx, XICS_FX_NOTIFY_EOI, icp->rm_eoied_irq);
    }
    icp->rm_action = 0;
    return XICS_H_SUCCESS;
}

int xics_rm_hcall(struct xics *x, uint32_t caller, unsigned hcall,
                  const uint64_t args[2], uint64_t ret[2], struct xics_effects *fx)
{
    uint32_t xirr = 0;
    int rc;
    switch (hcall) {
    case XICS_H_XIRR:
        rc = xics_h_xirr(x, XICS_REAL, caller, &xirr, fx);
        if (rc == XICS_RC_FINISH && ret)
            ret[0] = xirr;
        return rc;
    case XICS_H_CPPR:
        return xics_h_cppr(x, XICS_REAL, caller, args[0], fx);
    case XICS_H_EOI:
        return xics_h_eoi(x, XICS_REAL, caller, args[0], fx);
    case XICS_H_IPI:
        return xics_h_ipi(x, XICS_REAL, caller, args[0], args[1], fx);
    default: /* H_IPOLL, H_XIRR_X and anything else: not in the table */
        return XICS_H_TOO_HARD;
    }
}

/* kvmppc_xics_hcall. */
int xics_hcall(struct xics *x, uint32_t caller, unsigned hcall,
               const uint64_t args[2], uint64_t ret[2], struct xics_effects *fx)
{
    uint32_t xirr = 0;
    int rc;
    if (!xics_find_server(x, caller))
        return XICS_H_HARDWARE;
    switch (hcall) {
    case XICS_H_XIRR_X:
        rc = xics_h_xirr_x(x, XICS_VIRT, caller, &xirr, fx);
        if (ret)
            ret[0] = xirr; /* ret[1] = timebase: the caller's clock */
        return rc;
    case XICS_H_IPOLL:
        return xics_h_ipoll(x, XICS_VIRT, caller, args[0], ret ? &ret[0] : NULL,
                            ret ? &ret[1] : NULL);
    }
    if (!xics_is_hcall(hcall))
        return XICS_H_PARAMETER;
    if (x->real_mode)
        return xics_rm_complete(x, caller, fx);
    switch (hcall) {
    case XICS_H_XIRR:
        rc = xics_h_xirr(x, XICS_VIRT, caller, &xirr, fx);
        if (ret)
            ret[0] = xirr;
        return rc;
    case XICS_H_CPPR:
        return xics_h_cppr(x, XICS_VIRT, caller, args[0], fx);
    case XICS_H_EOI:
        return xics_h_eoi(x, XICS_VIRT, caller, args[0], fx);
    default:
        return xics_h_ipi(x, XICS_VIRT, caller, args[0], args[1], fx);
    }
}
