/*
 * xics/xics_ics.c — the source side: creating an ICS and configuring its
 * sources (kvmppc_xics_create_ics, xics_set_source for the tests and the
 * model), a device asserting a line (ics_deliver_irq) and the RTAS calls
 * set-xive, get-xive, int-on, int-off (kvmppc_xics_set_xive, _get_xive,
 * _int_on, _int_off in book3s_xics.c, reached via kvm_rtas_*).
 */
#include "xics/xics_internal.h"

#include "base/hv.h"

#include <stdlib.h>

int xics_create_ics(struct xics *x, uint32_t irq)
{
    uint32_t icsid = irq >> XICS_ICS_SHIFT;
    if (icsid > XICS_MAX_ICS_ID)
        return HV_ERANGE;
    if (xics_find_ics(x, irq))
        return HV_OK;
    struct xics_ics *ics = hv_xcalloc(1, sizeof *ics);
    atomic_flag_clear(&ics->lock);
    ics->icsid = (uint16_t)icsid;
    for (uint32_t i = 0; i < XICS_IRQ_PER_ICS; i++) {
        ics->src[i].number = (icsid << XICS_ICS_SHIFT) | i;
        ics->src[i].priority = XICS_MASKED;
        ics->src[i].saved_priority = XICS_MASKED;
    }
    /* smp_wmb + publish: pairs with xics_find_ics's acquire load. */
    atomic_store_explicit(&x->ics[icsid], ics, memory_order_release);
    if (icsid > atomic_load_explicit(&x->max_icsid, memory_order_relaxed))
        atomic_store_explicit(&x->max_icsid, icsid, memory_order_relaxed);
    return HV_OK;
}

int xics_set_source(struct xics *x, uint32_t irq, const struct xics_source_cfg *cfg,
                    struct xics_effects *fx)
{
    if (irq < XICS_FIRST_IRQ || irq >= XICS_NR_IRQS || cfg->priority > 0xFF)
        return HV_ERANGE;
    if (cfg->priority != XICS_MASKED && !xics_find_server(x, cfg->server))
        return HV_EINVAL;
    int rc = xics_create_ics(x, irq);
    if (rc != HV_OK)
        return rc;
    struct xics_ics *ics = xics_find_ics(x, irq);
    uint32_t idx = irq & (XICS_IRQ_PER_ICS - 1);
    struct xics_source *s = &ics->src[idx];
    xics__ics_lock(x, ics);
    s->server = cfg->server;
    s->saved_priority = (uint8_t)cfg->priority;
    s->priority = cfg->masked ? XICS_MASKED : (uint8_t)cfg->priority;
    s->resend = 0;
    s->masked_pending = 0;
    s->lsi = cfg->lsi;
    s->asserted = cfg->lsi && cfg->pending;
    if (!s->exists)
        ics->exists_idx[ics->n_exists++] = (uint16_t)idx;
    s->exists = 1;
    xics__ics_unlock(x, ics);
    if (cfg->pending) {
        struct xics__ctx c = {x, XICS_VIRT, NULL, fx};
        xics__deliver(&c, NULL, irq, false);
    }
    return HV_OK;
}

/* ---- device side ---------------------------------------------------------------- */

/* ics_deliver_irq. */
int xics_irq_line(struct xics *x, uint32_t irq, int level, struct xics_effects *fx)
{
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics)
        return HV_EINVAL;
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    xics__ics_lock(x, ics);
    if (!s->exists) {
        xics__ics_unlock(x, ics);
        return HV_EINVAL;
    }
    if ((level == XICS_LINE_HIGH && s->lsi) || level == XICS_LINE_SET_LEVEL) {
        s->asserted = 1;
    } else if (level == XICS_LINE_LOW || level == XICS_LINE_UNSET) {
        s->asserted = 0;
        xics__ics_unlock(x, ics);
        return HV_OK;
    }
    xics__ics_unlock(x, ics);
    struct xics__ctx c = {x, XICS_VIRT, NULL, fx};
    xics__deliver(&c, NULL, irq, false);
    return HV_OK;
}

/* ---- RTAS ------------------------------------------------------------------------ */

enum xive_op { XIVE_SET, XIVE_ON, XIVE_OFF };

/* write_xive: under the ICS lock, set-xive (server, priority, saved =
 * priority), int-on (priority = saved) or int-off (saved = priority,
 * priority = MASKED). Returns whether the caller must redeliver: something
 * was waiting (masked_pending or resend) and the source is now unmasked.
 * The kernel computes the int-on/int-off values from an unlocked read of the
 * source; here they are read under the lock (same result, no data race). */
static bool write_xive(struct xics *x, struct xics_ics *ics, struct xics_source *s,
                       enum xive_op op, uint32_t server, uint8_t prio)
{
    bool again = false;
    xics__ics_lock(x, ics);
    switch (op) {
    case XIVE_SET:
        s->server = server;
        s->priority = prio;
        s->saved_priority = prio;
        break;
    case XIVE_ON:
        s->priority = s->saved_priority;
        break;
    case XIVE_OFF:
        s->saved_priority = s->priority;
        s->priority = XICS_MASKED;
        break;
    }
    if ((s->masked_pending || s->resend) && s->priority != XICS_MASKED) {
        s->masked_pending = 0;
        again = true;
    }
    xics__ics_unlock(x, ics);
    return again;
}

/* kvmppc_xics_set_xive via kvm_rtas_set_xive. */
int xics_set_xive(struct xics *x, uint32_t irq, uint32_t server, uint32_t priority,
                  struct xics_effects *fx)
{
    struct xics_ics *ics = xics_find_ics(x, irq);
    struct xics_icp *icp = xics_find_server(x, server);
    if (!ics || !icp || priority > 0xFF)
        return XICS_RTAS_PARAM_ERROR;
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    if (write_xive(x, ics, s, XIVE_SET, server, (uint8_t)priority)) {
        struct xics__ctx c = {x, XICS_VIRT, NULL, fx};
        xics__deliver(&c, icp, irq, false);
    }
    return XICS_RTAS_OK;
}

int xics_get_xive(const struct xics *x, uint32_t irq, uint32_t *server, uint32_t *priority)
{
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics)
        return XICS_RTAS_PARAM_ERROR;
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    xics__ics_lock(x, ics);
    if (server)
        *server = s->server;
    if (priority)
        *priority = s->priority;
    xics__ics_unlock(x, ics);
    return XICS_RTAS_OK;
}

/* kvmppc_xics_int_on: restore the saved priority; RTAS error when the
 * source's server has no ICP. */
int xics_int_on(struct xics *x, uint32_t irq, struct xics_effects *fx)
{
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics)
        return XICS_RTAS_PARAM_ERROR;
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    xics__ics_lock(x, ics);
    uint32_t server = s->server;
    xics__ics_unlock(x, ics);
    struct xics_icp *icp = xics_find_server(x, server);
    if (!icp)
        return XICS_RTAS_PARAM_ERROR;
    if (write_xive(x, ics, s, XIVE_ON, 0, 0)) {
        struct xics__ctx c = {x, XICS_VIRT, NULL, fx};
        xics__deliver(&c, icp, irq, false);
    }
    return XICS_RTAS_OK;
}

/* kvmppc_xics_int_off: mask, saving the current priority. */
int xics_int_off(struct xics *x, uint32_t irq)
{
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics)
        return XICS_RTAS_PARAM_ERROR;
    write_xive(x, ics, &ics->src[irq & (XICS_IRQ_PER_ICS - 1)], XIVE_OFF, 0, 0);
    return XICS_RTAS_OK;
}
