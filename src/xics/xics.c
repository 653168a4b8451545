/*
 * xics/xics.c — building and tearing down an XICS (xics_create,
 * xics_create_icp, xics_set_icp), server and source lookups, the names of
 * the printed lists and the effect list. Mirrors kvmppc_xics_create /
 * kvmppc_xics_create_icp and kvmppc_xics_set_icp (book3s_xics.c). The
 * specification is xics/xics.h; xics/xics_internal.h lists the room's files.
 */
#include "xics/xics_internal.h"

#include "base/hv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- names --------------------------------------------------------------- */

const char *xics_hrc_name(int rc)
{
    switch (rc) {
#define XICS_HRC_NAME(e, v, n) case v: return n;
        XICS_HRCS(XICS_HRC_NAME)
#undef XICS_HRC_NAME
    }
    return "H_?";
}

const char *xics_hcall_name(unsigned hcall)
{
    switch (hcall) {
#define XICS_HCALL_NAME(e, v, n) case v: return n;
        XICS_HCALLS(XICS_HCALL_NAME)
#undef XICS_HCALL_NAME
    }
    return "H_?";
}

bool xics_is_hcall(unsigned hcall)
{
    switch (hcall) {
#define XICS_HCALL_IS(e, v, n) case v: return true;
        XICS_HCALLS(XICS_HCALL_IS)
#undef XICS_HCALL_IS
    }
    return false;
}

const char *xics_fx_name(unsigned kind)
{
    static const char *const names[] = {
#define XICS_FX_NAME(e, n) n,
        XICS_FX_KINDS(XICS_FX_NAME)
#undef XICS_FX_NAME
    };
    return kind < XICS_FX_NKINDS ? names[kind] : "FX?";
}

/* ---- effects ------------------------------------------------------------- */

void xics_fx_reset(struct xics_effects *fx) { fx->n = 0; }

void xics_fx_fini(struct xics_effects *fx)
{
    free(fx->v);
    fx->v = NULL;
    fx->n = fx->cap = 0;
}

void xics_fx_push(struct xics_effects *fx, uint32_t kind, uint32_t arg)
{
    if (fx->n == fx->cap) {
        fx->cap = fx->cap ? fx->cap * 2 : 8;
        fx->v = hv_xrealloc(fx->v, fx->cap * sizeof *fx->v);
    }
    fx->v[fx->n].kind = kind;
    fx->v[fx->n].arg = arg;
    fx->n++;
}

char *xics_fx_str(const struct xics_effects *fx, char *buf, size_t len)
{
    size_t at = 0;
    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (uint32_t i = 0; i < fx->n && at < len; i++) {
        int k = snprintf(buf + at, len - at, "%s%s(%" PRIu32 ")", i ? " " : "",
                         xics_fx_name(fx->v[i].kind), fx->v[i].arg);
        if (k < 0)
            break;
        at += (size_t)k;
    }
    return buf;
}

/* ---- lookups ---------------------------------------------------------------- */

struct xics_icp *xics_find_server(const struct xics *x, uint32_t server)
{
    if (!x || server >= x->nr_servers)
        return NULL;
    return x->icp[server];
}

struct xics_ics *xics_find_ics(const struct xics *x, uint32_t irq)
{
    uint32_t icsid = irq >> XICS_ICS_SHIFT;
    if (!x || icsid > XICS_MAX_ICS_ID)
        return NULL;
    /* Pairs with the release store in xics_create_ics (smp_wmb there). */
    return atomic_load_explicit(&x->ics[icsid], memory_order_acquire);
}

const struct xics_source *xics_source(const struct xics *x, uint32_t irq)
{
    struct xics_ics *ics = xics_find_ics(x, irq);
    return ics ? &ics->src[irq & (XICS_IRQ_PER_ICS - 1)] : NULL;
}

uint64_t xics_icp_word(const struct xics *x, uint32_t server)
{
    struct xics_icp *icp = xics_find_server(x, server);
    return icp ? xics__icp_load(icp) : 0;
}

/* ---- lifecycle ---------------------------------------------------------------- */

struct xics *xics_create(const struct xics_cfg *cfg)
{
    HV_CHECK(cfg != NULL);
    HV_CHECK_U64(cfg->nr_servers, >=, 1);
    HV_CHECK_U64(cfg->nr_servers, <=, XICS_MAX_SERVERS);
    HV_CHECK(cfg->commit == XICS_COMMIT_PLAIN || cfg->commit == XICS_COMMIT_ATOMIC);
    struct xics *x = hv_xcalloc(1, sizeof *x);
    x->cfg = *cfg;
    x->real_mode = cfg->real_mode;
    x->real_mode_dbg = cfg->real_mode_dbg;
    x->ack_notifiers = cfg->ack_notifiers;
    x->nr_servers = cfg->nr_servers;
    x->icp = hv_xcalloc(cfg->nr_servers, sizeof *x->icp);
    for (uint32_t i = 0; i <= XICS_MAX_ICS_ID; i++)
        atomic_init(&x->ics[i], NULL);
    atomic_init(&x->max_icsid, 0);
    atomic_init(&x->err_noics, 0);
    atomic_init(&x->err_noicp, 0);
    atomic_init(&x->n_cas_fail, 0);
    atomic_init(&x->n_recheck_retry, 0);
    return x;
}

void xics_destroy(struct xics *x)
{
    if (!x)
        return;
    for (uint32_t i = 0; i < x->nr_servers; i++)
        free(x->icp[i]);
    free(x->icp);
    for (uint32_t i = 0; i <= XICS_MAX_ICS_ID; i++)
        free(atomic_load_explicit(&x->ics[i], memory_order_relaxed));
    free(x);
}

int xics_create_icp(struct xics *x, uint32_t server)
{
    if (server >= x->nr_servers)
        return HV_ERANGE;
    if (x->icp[server])
        return HV_EEXIST;
    struct xics_icp *icp = hv_xcalloc(1, sizeof *icp);
    atomic_init(&icp->state, XICS_ICP_RESET_WORD);
    icp->server = server;
    for (uint32_t i = 0; i < XICS_RESEND_WORDS; i++)
        atomic_init(&icp->resend_map[i], 0);
    atomic_init(&icp->n_rm_kick_vcpu, 0);
    atomic_init(&icp->n_rm_check_resend, 0);
    atomic_init(&icp->n_rm_reject, 0);
    atomic_init(&icp->n_rm_notify_eoi, 0);
    atomic_init(&icp->n_check_resend, 0);
    atomic_init(&icp->n_reject, 0);
    atomic_init(&icp->n_rm_kick_overwrite, 0);
    x->icp[server] = icp;
    x->nr_icps++;
    return HV_OK;
}

int xics_set_icp(struct xics *x, uint32_t server, uint8_t cppr, uint8_t mfrr,
                 uint8_t ppri, uint32_t xisr, struct xics_effects *fx)
{
    struct xics_icp *icp = xics_find_server(x, server);
    if (!icp)
        return HV_ENOENT;
    if (xisr > XICS_ICP_XISR_MASK)
        return HV_EINVAL;
    if (xisr == 0) {
        if (ppri != 0xFF)
            return HV_EINVAL;
    } else if (xisr == XICS_IPI) {
        if (ppri != mfrr || ppri >= cppr)
            return HV_EINVAL;
    } else {
        if (ppri >= mfrr || ppri >= cppr || !xics_find_ics(x, xisr))
            return HV_EINVAL;
    }
    struct xics__ctx c = {x, XICS_VIRT, NULL, fx};
    /* Deassert the target's line; the commit raises it again if needed. */
    xics_fx_push(fx, XICS_FX_LOWER, server);
    bool resend;
    for (;;) {
        uint64_t old = xics__icp_load(icp);
        uint64_t next = xics_icp_make(cppr, mfrr, ppri, xisr, false);
        if (mfrr <= xics_icp_mfrr(old)) {
            resend = false;
            next = xics_icp_with_need_resend(next, xics_icp_need_resend(old));
        } else {
            resend = xics_icp_need_resend(old);
        }
        if (xics__icp_commit(&c, icp, old, next))
            break;
    }
    if (resend)
        xics__check_resend(&c, icp);
    return HV_OK;
}
