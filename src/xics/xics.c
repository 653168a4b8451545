/*
 * xics/xics.c — ICP/ICS emulation (see xics.h for the specification).
 *
 * Structure: the pure transitions on the ICP word (xics_icp_*), the commit
 * (icp_commit: seal OUT_EE, store or CAS, report RAISE), delivery with the
 * reject/resend loop (deliver), resend scans, then the hcalls — one body
 * per hcall, with the real/virtual difference confined to a few `rm()`
 * branches — the real-mode completion, RTAS, checks and the debugfs dump.
 */
#include "xics/xics.h"

#include "base/hv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- context, locks, counters ---------------------------------------------- */

struct ctx {
    struct xics *x;
    enum xics_mode m;
    struct xics_icp *caller; /* NULL for device / RTAS / userspace callers */
    struct xics_effects *fx;
};

static bool rm(const struct ctx *c) { return c->m == XICS_REAL; }

#define CNT_INC(ctr) atomic_fetch_add_explicit(&(ctr), 1, memory_order_relaxed)
#define CNT_GET(ctr) atomic_load_explicit((xics_counter *)&(ctr), memory_order_relaxed)

static void ics_lock(const struct xics *x, struct xics_ics *ics)
{
    if (x->cfg.commit != XICS_COMMIT_ATOMIC)
        return;
    /* arch_spin_lock; pairs with ics_unlock's release. */
    while (atomic_flag_test_and_set_explicit(&ics->lock, memory_order_acquire))
        ;
}

static void ics_unlock(const struct xics *x, struct xics_ics *ics)
{
    if (x->cfg.commit == XICS_COMMIT_ATOMIC)
        atomic_flag_clear_explicit(&ics->lock, memory_order_release);
}

static void step(struct xics *x, enum xics_step s, uint32_t server, uint32_t irq)
{
    if (x->step)
        x->step(x, s, server, irq, x->step_arg);
}

/* READ_ONCE(icp->state); acquire pairs with the seq_cst CAS of a committer. */
static uint64_t icp_load(const struct xics_icp *icp)
{
    return atomic_load_explicit((_Atomic uint64_t *)&icp->state, memory_order_acquire);
}

/* icp_try_update / icp_rm_try_update: seal OUT_EE, commit, and on success
 * report RAISE when the new word calls for it — unconditionally, never a
 * lower (only the owner lowers its own line, before its transaction). */
static bool icp_commit(struct ctx *c, struct xics_icp *icp, uint64_t old, uint64_t next)
{
    struct xics *x = c->x;
    next = xics_icp_seal(next);
    step(x, XICS_STEP_BEFORE_COMMIT, icp->server, 0);
    if (x->cfg.commit == XICS_COMMIT_ATOMIC) {
        uint64_t expect = old;
        /* cmpxchg64: fully ordered; pairs with icp_load's acquire and with
         * the smp_mb before the need_resend re-check in deliver(). */
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
    if (rm(c) && c->caller) {
        c->caller->rm_dbgstate = next;
        c->caller->rm_dbgtgt = icp->server;
    }
    return true;
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
    return atomic_load_explicit((_Atomic(struct xics_ics *) *)&x->ics[icsid],
                                memory_order_acquire);
}

const struct xics_source *xics_source(const struct xics *x, uint32_t irq)
{
    struct xics_ics *ics = xics_find_ics(x, irq);
    return ics ? &ics->src[irq & (XICS_IRQ_PER_ICS - 1)] : NULL;
}

uint64_t xics_icp_word(const struct xics *x, uint32_t server)
{
    struct xics_icp *icp = xics_find_server(x, server);
    return icp ? icp_load(icp) : 0;
}

/* ---- delivery, reject and resend (icp_deliver_irq / icp_check_resend) ---- */

static void check_resend(struct ctx *c, struct xics_icp *icp);

/* Used for new interrupts, resends and rejects alike: "the reject path boils
 * down to a failed delivery. Always." Loops until the interrupt is presented
 * somewhere, parked as resend (with NEED_RESEND observed still set after the
 * map bit was published), or parked as masked_pending. Follows the >= 4.8
 * ordering: resend := 1, smp_wmb, map bit, smp_mb, re-check. */
static void deliver(struct ctx *c, struct xics_icp *icp, uint32_t irq, bool check_resend_only)
{
    struct xics *x = c->x;
again:;
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics) {
        CNT_INC(x->err_noics);
        return;
    }
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    ics_lock(x, ics);
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
        uint64_t old = icp_load(icp);
        t = xics_icp_try_deliver(old, irq, s->priority);
        if (icp_commit(c, icp, old, t.next))
            break;
    }
    if (t.ok) {
        if (t.reject && t.reject != XICS_IPI) {
            /* We displaced somebody: deliver it again from scratch; it may
             * already be acceptable, or have moved to another server. */
            ics_unlock(x, ics);
            if (rm(c))
                CNT_INC(icp->n_reject);
            irq = t.reject;
            check_resend_only = false;
            goto again;
        }
    } else {
        step(x, XICS_STEP_DELIVER_FAILED, icp->server, irq);
        s->resend = 1;
        /* smp_wmb: resend visible before the map bit; pairs with the
         * acquire fence at the top of check_resend(). */
        atomic_thread_fence(memory_order_release);
        uint32_t id = ics->icsid;
        atomic_fetch_or_explicit(&icp->resend_map[id / 64], 1ull << (id % 64),
                                 memory_order_relaxed);
        step(x, XICS_STEP_BEFORE_RECHECK, icp->server, irq);
        /* smp_mb: the map bit before the re-read of NEED_RESEND; pairs with
         * the owner's CAS clearing NEED_RESEND before its map scan. */
        atomic_thread_fence(memory_order_seq_cst);
        if (!xics_icp_need_resend(icp_load(icp))) {
            /* The owner cleared NEED_RESEND after our commit and may have
             * scanned before our map bit: retry ourselves. */
            CNT_INC(x->n_recheck_retry);
            s->resend = 0;
            ics_unlock(x, ics);
            check_resend_only = false;
            goto again;
        }
    }
out:
    ics_unlock(x, ics);
}

/* ics_check_resend: redeliver every source of ics with resend set. Only
 * existing sources can have resend set (every delivery starts from an
 * existing source), so the scan walks the existing ones. */
static void ics_check_resend(struct ctx *c, struct xics_ics *ics, struct xics_icp *icp)
{
    for (uint32_t k = 0; k < ics->n_exists; k++) {
        struct xics_source *s = &ics->src[ics->exists_idx[k]];
        ics_lock(c->x, ics);
        bool r = s->resend;
        ics_unlock(c->x, ics);
        if (r)
            deliver(c, icp, s->number, true);
    }
}

/* icp_check_resend: test-and-clear each resend_map bit, rescan that ICS. */
static void check_resend(struct ctx *c, struct xics_icp *icp)
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
static void handle_reject(struct ctx *c, struct xics_icp *icp, uint32_t reject,
                          xics_counter *rm_counter)
{
    if (!reject || reject == XICS_IPI)
        return;
    if (rm(c) && c->x->cfg.rm_defer) {
        c->caller->rm_action |= XICS_RM_REJECT;
        c->caller->rm_reject = reject;
        return;
    }
    if (rm(c))
        CNT_INC(*rm_counter);
    deliver(c, icp, reject, false);
}

/* A resend latched by a transaction on icp. */
static void handle_resend(struct ctx *c, struct xics_icp *icp, xics_counter *rm_counter)
{
    if (rm(c) && c->x->cfg.rm_defer) {
        c->caller->rm_action |= XICS_RM_CHECK_RESEND;
        c->caller->rm_resend_icp = icp->server;
        return;
    }
    if (rm(c))
        CNT_INC(*rm_counter);
    check_resend(c, icp);
}

/* icp_down_cppr / icp_rm_down_cppr (shared by H_CPPR and H_EOI). */
static void down_cppr(struct ctx *c, struct xics_icp *icp, uint8_t cppr)
{
    struct xics_icp_tx t;
    for (;;) {
        uint64_t old = icp_load(icp);
        t = xics_icp_down_cppr(old, cppr);
        if (icp_commit(c, icp, old, t.next))
            break;
    }
    /* Resends are asynchronous to the ICP update (bus transactions in HW). */
    if (t.resend)
        handle_resend(c, icp, &icp->n_check_resend);
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
    ics_lock(x, ics);
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
    ics_unlock(x, ics);
    if (cfg->pending) {
        struct ctx c = {x, XICS_VIRT, NULL, fx};
        deliver(&c, NULL, irq, false);
    }
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
    struct ctx c = {x, XICS_VIRT, NULL, fx};
    /* Deassert the target's line; the commit raises it again if needed. */
    xics_fx_push(fx, XICS_FX_LOWER, server);
    bool resend;
    for (;;) {
        uint64_t old = icp_load(icp);
        uint64_t next = xics_icp_make(cppr, mfrr, ppri, xisr, false);
        if (mfrr <= xics_icp_mfrr(old)) {
            resend = false;
            next = xics_icp_with_need_resend(next, xics_icp_need_resend(old));
        } else {
            resend = xics_icp_need_resend(old);
        }
        if (icp_commit(&c, icp, old, next))
            break;
    }
    if (resend)
        check_resend(&c, icp);
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
    ics_lock(x, ics);
    if (!s->exists) {
        ics_unlock(x, ics);
        return HV_EINVAL;
    }
    if ((level == XICS_LINE_HIGH && s->lsi) || level == XICS_LINE_SET_LEVEL) {
        s->asserted = 1;
    } else if (level == XICS_LINE_LOW || level == XICS_LINE_UNSET) {
        s->asserted = 0;
        ics_unlock(x, ics);
        return HV_OK;
    }
    ics_unlock(x, ics);
    struct ctx c = {x, XICS_VIRT, NULL, fx};
    deliver(&c, NULL, irq, false);
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
    ics_lock(x, ics);
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
    ics_unlock(x, ics);
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
        struct ctx c = {x, XICS_VIRT, NULL, fx};
        deliver(&c, icp, irq, false);
    }
    return XICS_RTAS_OK;
}

int xics_get_xive(const struct xics *x, uint32_t irq, uint32_t *server, uint32_t *priority)
{
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics)
        return XICS_RTAS_PARAM_ERROR;
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    ics_lock(x, ics);
    if (server)
        *server = s->server;
    if (priority)
        *priority = s->priority;
    ics_unlock(x, ics);
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
    ics_lock(x, ics);
    uint32_t server = s->server;
    ics_unlock(x, ics);
    struct xics_icp *icp = xics_find_server(x, server);
    if (!icp)
        return XICS_RTAS_PARAM_ERROR;
    if (write_xive(x, ics, s, XIVE_ON, 0, 0)) {
        struct ctx c = {x, XICS_VIRT, NULL, fx};
        deliver(&c, icp, irq, false);
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

/* ---- hcalls ---------------------------------------------------------------------- */

/* Entry of every hcall: real mode needs an XICS in real_mode and a caller
 * ICP (else H_TOO_HARD: the virtual-mode path decides); virtual mode needs a
 * caller ICP (kvmppc_xics_hcall: H_HARDWARE). */
static int enter(struct xics *x, enum xics_mode m, uint32_t caller, struct ctx *c,
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

static int done(const struct ctx *c) { return rm(c) ? XICS_RC_FINISH : XICS_H_SUCCESS; }

/* H_XIRR: kvmppc_h_xirr / kvmppc_rm_h_xirr. */
int xics_h_xirr(struct xics *x, enum xics_mode m, uint32_t caller, uint32_t *xirr,
                struct xics_effects *fx)
{
    struct ctx c;
    int rc = enter(x, m, caller, &c, fx);
    if (rc)
        return rc;
    /* First remove EE from the processor (owner lowers its own line). */
    xics_fx_push(fx, XICS_FX_LOWER, caller);
    struct xics_icp_tx t;
    for (;;) {
        uint64_t old = icp_load(c.caller);
        t = xics_icp_accept(old);
        if (!t.write || icp_commit(&c, c.caller, old, t.next))
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
    struct ctx c;
    int rc = enter(x, m, caller, &c, fx);
    if (rc)
        return rc;
    if (cppr > 0xFF)
        return XICS_H_PARAMETER;
    uint8_t cur = xics_icp_cppr(icp_load(c.caller));
    if (cppr > cur) {
        down_cppr(&c, c.caller, (uint8_t)cppr);
        return done(&c);
    }
    if (cppr == cur)
        return XICS_H_SUCCESS;
    /* Up_CPPR / Reject_Current: drop EE first; the commit sets it again. */
    xics_fx_push(fx, XICS_FX_LOWER, caller);
    struct xics_icp_tx t;
    for (;;) {
        uint64_t old = icp_load(c.caller);
        t = xics_icp_up_cppr(old, (uint8_t)cppr);
        if (icp_commit(&c, c.caller, old, t.next))
            break;
    }
    handle_reject(&c, c.caller, t.reject, &c.caller->n_reject);
    return done(&c);
}

/* H_EOI: kvmppc_h_eoi / kvmppc_rm_h_eoi (3.10–4.9 LSI handling): EOI =
 * Down_CPPR to the XIRR's CPPR; then, for a device source, redeliver an LSI
 * whose line is still asserted, and notify ack notifiers. */
int xics_h_eoi(struct xics *x, enum xics_mode m, uint32_t caller, uint64_t xirr,
               struct xics_effects *fx)
{
    struct ctx c;
    int rc = enter(x, m, caller, &c, fx);
    if (rc)
        return rc;
    if (xirr > 0xFFFFFFFFull)
        return XICS_H_PARAMETER;
    uint32_t irq = (uint32_t)xirr & 0xFFFFFF;
    down_cppr(&c, c.caller, (uint8_t)(xirr >> 24));
    if (irq == XICS_IPI) /* IPIs have no EOI */
        return done(&c);
    struct xics_ics *ics = xics_find_ics(x, irq);
    if (!ics)
        return rm(&c) ? XICS_RC_FINISH : XICS_H_PARAMETER;
    struct xics_source *s = &ics->src[irq & (XICS_IRQ_PER_ICS - 1)];
    ics_lock(x, ics);
    bool asserted = s->asserted; /* the kernel peeks locklessly */
    ics_unlock(x, ics);
    if (asserted) {
        if (rm(&c) && x->cfg.rm_defer) {
            c.caller->rm_action |= XICS_RM_REJECT;
            c.caller->rm_reject = irq;
        } else {
            if (rm(&c))
                CNT_INC(c.caller->n_reject);
            deliver(&c, c.caller, irq, false);
        }
    }
    if (x->ack_notifiers) {
        if (rm(&c)) {
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
    struct ctx c;
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
        uint64_t old = icp_load(icp);
        t = xics_icp_set_mfrr(old, (uint8_t)mfrr);
        if (icp_commit(&c, icp, old, t.next))
            break;
    }
    handle_reject(&c, icp, t.reject, &c.caller->n_reject);
    if (t.resend)
        handle_resend(&c, icp, &c.caller->n_check_resend);
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
    uint64_t w = icp_load(icp);
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
    struct ctx c;
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
            check_resend(&c, t);
    }
    if (a & XICS_RM_REJECT) {
        CNT_INC(icp->n_rm_reject);
        deliver(&c, icp, icp->rm_reject, false);
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
    return (atomic_load_explicit((_Atomic uint64_t *)&icp->resend_map[id / 64],
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
        uint64_t w = icp_load(icp);
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
                         (xics_icp_need_resend(icp_load(x->icp[sv])) || rescan_due(x, sv));
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
        if (icp_load(p) != icp_load(q) || p->rm_action != q->rm_action)
            return false;
        for (uint32_t i = 0; i < XICS_RESEND_WORDS; i++)
            if (atomic_load_explicit((_Atomic uint64_t *)&p->resend_map[i], memory_order_relaxed) !=
                atomic_load_explicit((_Atomic uint64_t *)&q->resend_map[i], memory_order_relaxed))
                return false;
    }
    uint32_t max = atomic_load_explicit((_Atomic uint32_t *)&a->max_icsid, memory_order_relaxed);
    if (max != atomic_load_explicit((_Atomic uint32_t *)&b->max_icsid, memory_order_relaxed))
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
        uint64_t w = icp_load(icp);
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
        ics_lock(x, ics);
        for (uint32_t i = 0; i < XICS_IRQ_PER_ICS; i++) {
            const struct xics_source *s = &ics->src[i];
            if (existing_only && !s->exists)
                continue;
            fprintf(out, "irq 0x%06x: server %#x prio %#x save prio %#x asserted %d resend %d masked pending %d\n",
                    s->number, s->server, s->priority, s->saved_priority, s->asserted,
                    s->resend, s->masked_pending);
        }
        ics_unlock(x, ics);
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
