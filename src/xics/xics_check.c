/*
 * xics/xics_check.c — xics_check (every invariant of xics/xics.h),
 * xics_equal, and the debugfs dump (xics_debug_show in book3s_xics.c).
 */
#include "xics/xics_internal.h"

#include "base/hv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- checks ------------------------------------------------------------------------ */

static const char *fail(struct xics *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *fail(struct xics *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->check_msg, sizeof x->check_msg, fmt, ap);
    va_end(ap);
    return x->check_msg;
}

static bool map_bit(const struct xics_icp *icp, uint32_t id)
{
    return (atomic_load_explicit(&icp->resend_map[id / 64],
                                 memory_order_relaxed) >> (id % 64)) & 1;
}

/* A real-mode hcall recorded CHECK_RESEND for server sv (3.10-style
 * deferral): the rescan is due at its virtual-mode completion. */
static bool rescan_due(const struct xics *x, uint32_t sv)
{
    for (uint32_t i = 0; i < x->nr_servers; i++) {
        const struct xics_icp *c = x->icp[i];
        if (c && (c->rm_action & XICS_RM_CHECK_RESEND) && c->rm_resend_icp == sv)
            return true;
    }
    return false;
}

#define WORD_FMT "CPPR:%#x MFRR:%#x PPRI:%#x XISR:%#x NR:%d OUT:%d"
#define WORD_ARGS(w) xics_icp_cppr(w), xics_icp_mfrr(w), xics_icp_ppri(w),   \
        xics_icp_xisr(w), xics_icp_need_resend(w), xics_icp_out_ee(w)

const char *xics_check(struct xics *x)
{
    for (uint32_t sv = 0; sv < x->nr_servers; sv++) {
        struct xics_icp *icp = x->icp[sv];
        if (!icp)
            continue;
        uint64_t w = xics__icp_load(icp);
        if (icp->server != sv)
            return fail(x, "I-ICP-atomic: ICP at %u says server %u", sv, icp->server);
        if (w & XICS_ICP_RESERVED_MASK)
            return fail(x, "I-ICP-atomic: server %u word 0x%016llx has reserved bits",
                        sv, (unsigned long long)w);
        if (xics_icp_seal(w) != w)
            return fail(x, "I-ICP-atomic: server %u OUT_EE != (XISR && PPRI < CPPR): " WORD_FMT,
                        sv, WORD_ARGS(w));
        uint32_t xisr = xics_icp_xisr(w);
        uint8_t ppri = xics_icp_ppri(w), cppr = xics_icp_cppr(w), mfrr = xics_icp_mfrr(w);
        if (xisr == 0 && ppri != 0xFF)
            return fail(x, "I-ICP-consistent: server %u XISR 0 with PPRI != 0xff: " WORD_FMT,
                        sv, WORD_ARGS(w));
        if (xisr == XICS_IPI && !(ppri < cppr && ppri <= mfrr))
            return fail(x, "I-ICP-consistent: server %u IPI needs PPRI < CPPR, PPRI <= MFRR: " WORD_FMT,
                        sv, WORD_ARGS(w));
        if (xisr != 0 && xisr != XICS_IPI) {
            if (!(ppri < cppr && ppri < mfrr))
                return fail(x, "I-ICP-consistent: server %u source needs PPRI < CPPR, MFRR: " WORD_FMT,
                            sv, WORD_ARGS(w));
            if (!xics_find_ics(x, xisr))
                return fail(x, "I-ICP-consistent: server %u XISR %#x has no ICS", sv, xisr);
        }
        if (mfrr < cppr && !(xisr != 0 && ppri <= mfrr))
            return fail(x, "I-no-lost-IPI: server %u MFRR < CPPR but no IPI presented: " WORD_FMT,
                        sv, WORD_ARGS(w));
        if (xics_icp_need_resend(w)) {
            bool any = false;
            for (uint32_t i = 0; i < XICS_RESEND_WORDS && !any; i++)
                any = atomic_load_explicit(&icp->resend_map[i], memory_order_relaxed) != 0;
            if (!any)
                return fail(x, "I-no-lost-IRQ: server %u NEED_RESEND with an empty resend_map", sv);
        }
        if (icp->rm_action & ~XICS_RM_ALL)
            return fail(x, "rm_action: server %u has undefined flags %#x", sv, icp->rm_action);
    }
    uint32_t max = atomic_load_explicit(&x->max_icsid, memory_order_relaxed);
    for (uint32_t id = 0; id <= max; id++) {
        struct xics_ics *ics = xics_find_ics(x, id << XICS_ICS_SHIFT);
        if (!ics)
            continue;
        for (uint32_t k = 0; k < ics->n_exists; k++) {
            const struct xics_source *s = &ics->src[ics->exists_idx[k]];
            if (!s->exists)
                return fail(x, "ICS: irq %#x listed but not existing", s->number);
            if (s->masked_pending && s->priority != XICS_MASKED)
                return fail(x, "I-no-lost-IRQ: irq %#x masked_pending but unmasked (prio %#x)",
                            s->number, s->priority);
            if (s->priority != XICS_MASKED && !xics_find_server(x, s->server))
                return fail(x, "ICS: irq %#x unmasked to unknown server %u", s->number, s->server);
            if (s->resend) {
                bool ok = false;
                for (uint32_t sv = 0; sv < x->nr_servers && !ok; sv++)
                    ok = x->icp[sv] && map_bit(x->icp[sv], id) &&
                         (xics_icp_need_resend(xics__icp_load(x->icp[sv])) || rescan_due(x, sv));
                if (!ok)
                    return fail(x, "I-no-lost-IRQ: irq %#x resend but no ICP has map bit %u "
                                "and NEED_RESEND (or a recorded CHECK_RESEND)", s->number, id);
            }
        }
    }
    return NULL;
}

bool xics_equal(const struct xics *a, const struct xics *b)
{
    if (a->nr_servers != b->nr_servers)
        return false;
    for (uint32_t sv = 0; sv < a->nr_servers; sv++) {
        const struct xics_icp *p = a->icp[sv], *q = b->icp[sv];
        if (!p != !q)
            return false;
        if (!p)
            continue;
        if (xics__icp_load(p) != xics__icp_load(q) || p->rm_action != q->rm_action)
            return false;
        for (uint32_t i = 0; i < XICS_RESEND_WORDS; i++)
            if (atomic_load_explicit(&p->resend_map[i], memory_order_relaxed) !=
                atomic_load_explicit(&q->resend_map[i], memory_order_relaxed))
                return false;
    }
    uint32_t max = atomic_load_explicit(&a->max_icsid, memory_order_relaxed);
    if (max != atomic_load_explicit(&b->max_icsid, memory_order_relaxed))
        return false;
    for (uint32_t id = 0; id <= max; id++) {
        const struct xics_ics *p = xics_find_ics(a, id << XICS_ICS_SHIFT);
        const struct xics_ics *q = xics_find_ics(b, id << XICS_ICS_SHIFT);
        if (!p != !q)
            return false;
        if (p && memcmp(p->src, q->src, sizeof p->src) != 0)
            return false;
    }
    return true;
}

/* ---- debugfs dump (xics_debug_show) --------------------------------------------------- */

void xics_dump(const struct xics *x, FILE *out, bool existing_only)
{
    unsigned long t_kick = 0, t_rm_resend = 0, t_rm_reject = 0, t_notify = 0;
    unsigned long t_check_resend = 0, t_reject = 0;
    fprintf(out, "=========\nICP state\n=========\n");
    for (uint32_t sv = 0; sv < x->nr_servers; sv++) {
        const struct xics_icp *icp = x->icp[sv];
        if (!icp)
            continue;
        uint64_t w = xics__icp_load(icp);
        fprintf(out, "cpu server %#lx XIRR:%#x PPRI:%#x CPPR:%#x MFRR:%#x OUT:%d NR:%d\n",
                (unsigned long)icp->server, xics_icp_xisr(w), xics_icp_ppri(w),
                xics_icp_cppr(w), xics_icp_mfrr(w), xics_icp_out_ee(w),
                xics_icp_need_resend(w));
        t_kick += CNT_GET(icp->n_rm_kick_vcpu);
        t_notify += CNT_GET(icp->n_rm_notify_eoi);
        t_rm_resend += CNT_GET(icp->n_rm_check_resend);
        t_rm_reject += CNT_GET(icp->n_rm_reject);
        t_check_resend += CNT_GET(icp->n_check_resend);
        t_reject += CNT_GET(icp->n_reject);
    }
    fprintf(out, "ICP Guest->Host totals: kick_vcpu=%lu check_resend=%lu reject=%lu notify_eoi=%lu\n",
            t_kick, t_rm_resend, t_rm_reject, t_notify);
    fprintf(out, "ICP Real Mode totals: check_resend=%lu resend=%lu\n", t_check_resend, t_reject);
    for (uint32_t id = 0; id <= XICS_MAX_ICS_ID; id++) {
        struct xics_ics *ics = xics_find_ics(x, id << XICS_ICS_SHIFT);
        if (!ics)
            continue;
        fprintf(out, "=========\nICS state for ICS 0x%x\n=========\n", id);
        xics__ics_lock(x, ics);
        for (uint32_t i = 0; i < XICS_IRQ_PER_ICS; i++) {
            const struct xics_source *s = &ics->src[i];
            if (existing_only && !s->exists)
                continue;
            fprintf(out, "irq 0x%06x: server %#x prio %#x save prio %#x asserted %d resend %d masked pending %d\n",
                    s->number, s->server, s->priority, s->saved_priority, s->asserted,
                    s->resend, s->masked_pending);
        }
        xics__ics_unlock(x, ics);
    }
}

size_t xics_dump_buf(const struct xics *x, char *buf, size_t len, bool existing_only)
{
    char *mem = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&mem, &n);
    HV_CHECK(f != NULL);
    xics_dump(x, f, existing_only);
    HV_CHECK(fclose(f) == 0);
    if (len) {
        size_t k = n < len - 1 ? n : len - 1;
        memcpy(buf, mem, k);
        buf[k] = '\0';
    }
    free(mem);
    return n;
}
