/*
 * tests/xics/test_xics_spec.c — table-driven spec tests of the XICS
 * emulation, keyed by the PAPR state names, plus the races the kernel
 * comments describe (driven through the step hook), real/virtual mode
 * hand-off, bad arguments, xics_check() negatives and the debugfs dump.
 *
 * Fixture: servers 0, 1, 2 (of 4; server 3 has no ICP), one ICS with
 *   16 MSI prio 5 -> 0     17 MSI prio 3 -> 0     18 LSI prio 5 -> 0
 *   19 MSI prio 6 -> 1     20 MSI masked (saved 5) -> 0
 *   21 MSI prio 7 -> 0
 * State strings (before/after): "16:R" resend, "16:M" masked_pending,
 * "18:A" asserted, "S0:map1" resend_map word 0 of server 0, "S0:act8"
 * rm_action, "S0:rej1" n_reject, "S0:cres1" n_check_resend.
 */
#include "tap.h"
#include "base/hv.h"
#include "xics/xics.h"

#include <stdlib.h>

/* Raw word (a constant expression for the tables); OUT_EE is sealed by
 * xics_icp_seal() — the library's one place — when the row is used. */
#define W(c, m, p, x, nr)                                                   \
    (((uint64_t)(c) << XICS_ICP_CPPR_SHIFT) | ((uint64_t)(m) << XICS_ICP_MFRR_SHIFT) | \
     ((uint64_t)(p) << XICS_ICP_PPRI_SHIFT) | (uint64_t)(x) |               \
     ((nr) ? XICS_ICP_NEED_RESEND_BIT : 0))
#define WS(c, m, p, x, nr) xics_icp_seal(W(c, m, p, x, nr))
#define RESET XICS_ICP_RESET_WORD

enum { F_REAL = 1, F_ACK = 2, F_DEFER = 4, F_DBG = 8 };
enum op { OP_XIRR, OP_XIRR_X, OP_CPPR, OP_EOI, OP_IPI, OP_IPOLL, OP_LINE,
          OP_SET_XIVE, OP_GET_XIVE, OP_INT_ON, OP_INT_OFF };

static struct xics *fixture(int flags)
{
    struct xics_cfg cfg = {.nr_servers = 4, .real_mode = true,
                           .ack_notifiers = (flags & F_ACK) != 0,
                           .rm_defer = (flags & F_DEFER) != 0,
                           .real_mode_dbg = (flags & F_DBG) != 0,
                           .commit = XICS_COMMIT_PLAIN};
    struct xics *x = xics_create(&cfg);
    struct xics_effects fx = {0};
    for (uint32_t s = 0; s < 3; s++)
        HV_CHECK(xics_create_icp(x, s) == HV_OK);
    static const struct { uint32_t irq, server, prio; bool masked, lsi; } src[] = {
        {16, 0, 5, false, false}, {17, 0, 3, false, false}, {18, 0, 5, false, true},
        {19, 1, 6, false, false}, {20, 0, 5, true, false},  {21, 0, 7, false, false},
    };
    for (size_t i = 0; i < HV_ARRAY_LEN(src); i++) {
        struct xics_source_cfg c = {.server = src[i].server, .priority = src[i].prio,
                                    .masked = src[i].masked, .lsi = src[i].lsi};
        HV_CHECK(xics_set_source(x, src[i].irq, &c, &fx) == HV_OK);
    }
    HV_CHECK(fx.n == 0);
    xics_fx_fini(&fx);
    return x;
}

static struct xics_source *src_mut(struct xics *x, uint32_t irq)
{
    return &xics_find_ics(x, irq)->src[irq & (XICS_IRQ_PER_ICS - 1)];
}

static void set_word(struct xics *x, uint32_t server, uint64_t w)
{
    atomic_store(&xics_find_server(x, server)->state, w);
}

/* Apply a state string to the fixture. */
static void pre(struct xics *x, const char *s)
{
    while (s && *s) {
        unsigned a = 0;
        char kind[16] = {0};
        unsigned long long v = 0;
        int n = 0;
        if (sscanf(s, "S%u:%15[a-z]%llx%n", &a, kind, &v, &n) == 3) {
            struct xics_icp *icp = xics_find_server(x, a);
            if (!strcmp(kind, "map"))
                atomic_store(&icp->resend_map[0], v);
            else if (!strcmp(kind, "act"))
                icp->rm_action = (uint32_t)v;
            else
                HV_DIE("bad pre token %s", s);
        } else if (sscanf(s, "%u:%15[A-Z]%n", &a, kind, &n) == 2) {
            struct xics_source *src = src_mut(x, a);
            for (const char *k = kind; *k; k++) {
                if (*k == 'R') src->resend = 1;
                else if (*k == 'M') src->masked_pending = 1;
                else if (*k == 'A') src->asserted = 1;
                else HV_DIE("bad pre flag %c", *k);
            }
        } else {
            HV_DIE("bad pre string at \"%s\"", s);
        }
        s += n;
        while (*s == ' ')
            s++;
    }
}

/* Summary of everything but the ICP words (which rows compare directly). */
static const char *summ(struct xics *x)
{
    static char buf[1024];
    size_t at = 0;
    buf[0] = '\0';
#define APP(...) at += (size_t)snprintf(buf + at, sizeof buf - at, __VA_ARGS__)
    struct xics_ics *ics = xics_find_ics(x, 16);
    for (uint32_t k = 0; k < ics->n_exists; k++) {
        const struct xics_source *s = &ics->src[ics->exists_idx[k]];
        if (s->resend || s->masked_pending || s->asserted)
            APP("%s%u:%s%s%s", at ? " " : "", s->number, s->resend ? "R" : "",
                s->masked_pending ? "M" : "", s->asserted ? "A" : "");
    }
    for (uint32_t sv = 0; sv < x->nr_servers; sv++) {
        struct xics_icp *icp = xics_find_server(x, sv);
        if (!icp)
            continue;
        uint64_t m = atomic_load(&icp->resend_map[0]);
        if (m)
            APP("%sS%u:map%llx", at ? " " : "", sv, (unsigned long long)m);
        if (icp->rm_action)
            APP("%sS%u:act%x", at ? " " : "", sv, icp->rm_action);
        if (atomic_load(&icp->n_reject))
            APP("%sS%u:rej%llu", at ? " " : "", sv, (unsigned long long)atomic_load(&icp->n_reject));
        if (atomic_load(&icp->n_check_resend))
            APP("%sS%u:cres%llu", at ? " " : "", sv,
                (unsigned long long)atomic_load(&icp->n_check_resend));
    }
#undef APP
    return buf;
}

struct row {
    const char *name;
    int flags;
    enum op op;
    uint32_t caller;
    uint64_t a0, a1, a2;
    uint64_t w0, w1;       /* before: words of servers 0 and 1 */
    const char *pre;
    int rc;                /* real mode: after xics_rm_finish() */
    uint64_t r4;           /* XIRR / IPOLL r4 / get-xive server<<8|prio */
    uint64_t e0, e1;       /* after */
    const char *post;
    const char *fx;
};

static int run_op(struct xics *x, const struct row *r, uint64_t *r4, struct xics_effects *fx)
{
    enum xics_mode m = (r->flags & F_REAL) ? XICS_REAL : XICS_VIRT;
    uint32_t xirr = 0, sv = 0, pr = 0;
    uint64_t r5 = 0;
    int rc;
    switch (r->op) {
    case OP_XIRR: rc = xics_h_xirr(x, m, r->caller, &xirr, fx); *r4 = xirr; break;
    case OP_XIRR_X: rc = xics_h_xirr_x(x, m, r->caller, &xirr, fx); *r4 = xirr; break;
    case OP_CPPR: rc = xics_h_cppr(x, m, r->caller, r->a0, fx); break;
    case OP_EOI: rc = xics_h_eoi(x, m, r->caller, r->a0, fx); break;
    case OP_IPI: rc = xics_h_ipi(x, m, r->caller, r->a0, r->a1, fx); break;
    case OP_IPOLL: rc = xics_h_ipoll(x, m, r->caller, r->a0, r4, &r5); *r4 |= r5 << 32; break;
    case OP_LINE: rc = xics_irq_line(x, (uint32_t)r->a0, (int)(int64_t)r->a1, fx); break;
    case OP_SET_XIVE: rc = xics_set_xive(x, (uint32_t)r->a0, (uint32_t)r->a1, (uint32_t)r->a2, fx); break;
    case OP_GET_XIVE: rc = xics_get_xive(x, (uint32_t)r->a0, &sv, &pr); *r4 = (uint64_t)sv << 8 | pr; break;
    case OP_INT_ON: rc = xics_int_on(x, (uint32_t)r->a0, fx); break;
    case OP_INT_OFF: rc = xics_int_off(x, (uint32_t)r->a0); break;
    default: rc = -12345;
    }
    if (m == XICS_REAL)
        rc = xics_rm_finish(x, r->caller, rc);
    return rc;
}

static void run_table(const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        struct xics *x = fixture(r->flags);
        struct xics_effects fx = {0};
        set_word(x, 0, xics_icp_seal(r->w0));
        set_word(x, 1, xics_icp_seal(r->w1));
        pre(x, r->pre);
        uint64_t r4 = 0;
        int rc = run_op(x, r, &r4, &fx);
        char fxs[512];
        xics_fx_str(&fx, fxs, sizeof fxs);
        int before = tap_cur_failed_;
        tap_cur_failed_ = 0;
        TAP_EQ(rc, r->rc);
        TAP_EQ(r4, r->r4);
        TAP_EQ(xics_icp_word(x, 0), xics_icp_seal(r->e0));
        TAP_EQ(xics_icp_word(x, 1), xics_icp_seal(r->e1));
        TAP_EQ(xics_icp_word(x, 2), RESET);
        TAP_STREQ(summ(x), r->post ? r->post : "");
        TAP_STREQ(fxs, r->fx ? r->fx : "");
        const char *bad = xics_check(x);
        TAP_CHECK(bad == NULL);
        if (bad)
            printf("#   xics_check: %s\n", bad);
        if (tap_cur_failed_)
            printf("#   ^ in row \"%s\"\n", r->name);
        tap_cur_failed_ |= before;
        xics_fx_fini(&fx);
        xics_destroy(x);
    }
}

#define IDLE RESET /* CPPR 0: nothing deliverable */
#define OPEN W(0xff, 0xff, 0xff, 0, 0)

/* ---- H_XIRR / H_XIRR_X: Accept_Interrupt ------------------------------- */
static const struct row accept_rows[] = {
    {.name = "Accept_Interrupt: source pending", .op = OP_XIRR,
     .w0 = W(0xff, 0xff, 5, 16, 0), .w1 = IDLE, .r4 = 0xff000010,
     .e0 = W(5, 0xff, 0xff, 0, 0), .e1 = IDLE, .fx = "LOWER(0)"},
    {.name = "Accept_Interrupt: nothing pending, no write", .op = OP_XIRR,
     .w0 = OPEN, .w1 = IDLE, .r4 = 0xff000000, .e0 = OPEN, .e1 = IDLE, .fx = "LOWER(0)"},
    {.name = "Accept_Interrupt: IPI pending", .op = OP_XIRR,
     .w0 = W(0xff, 4, 4, 2, 0), .w1 = IDLE, .r4 = 0xff000002,
     .e0 = W(4, 4, 0xff, 0, 0), .e1 = IDLE, .fx = "LOWER(0)"},
    {.name = "Accept_Interrupt: NEED_RESEND untouched", .op = OP_XIRR,
     .w0 = W(0xff, 0xff, 5, 16, 1), .w1 = IDLE, .pre = "21:R S0:map1", .r4 = 0xff000010,
     .e0 = W(5, 0xff, 0xff, 0, 1), .e1 = IDLE, .post = "21:R S0:map1", .fx = "LOWER(0)"},
    {.name = "Accept_Interrupt real mode", .flags = F_REAL, .op = OP_XIRR,
     .w0 = W(0xff, 0xff, 5, 16, 0), .w1 = IDLE, .r4 = 0xff000010,
     .e0 = W(5, 0xff, 0xff, 0, 0), .e1 = IDLE, .fx = "LOWER(0)"},
    {.name = "H_XIRR_X virtual mode = Accept", .op = OP_XIRR_X,
     .w0 = W(0xff, 0xff, 5, 16, 0), .w1 = IDLE, .r4 = 0xff000010,
     .e0 = W(5, 0xff, 0xff, 0, 0), .e1 = IDLE, .fx = "LOWER(0)"},
    {.name = "H_XIRR_X has no real-mode handler", .flags = F_REAL, .op = OP_XIRR_X,
     .w0 = W(0xff, 0xff, 5, 16, 0), .w1 = IDLE, .rc = XICS_H_TOO_HARD,
     .e0 = W(0xff, 0xff, 5, 16, 0), .e1 = IDLE},
};

/* ---- H_CPPR: Set_CPPR, Down_CPPR, Up_CPPR ------------------------------ */
static const struct row cppr_rows[] = {
    {.name = "Set_CPPR: equal value is a no-op", .op = OP_CPPR, .a0 = 5,
     .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .e0 = W(5, 0xff, 0xff, 0, 0), .e1 = IDLE},
    {.name = "Down_CPPR: nothing pending", .op = OP_CPPR, .a0 = 0xff,
     .w0 = IDLE, .w1 = IDLE, .e0 = OPEN, .e1 = IDLE},
    {.name = "Down_CPPR + Check_IPI: MFRR now beats CPPR, IPI presented", .op = OP_CPPR, .a0 = 0xff,
     .w0 = W(0, 4, 0xff, 0, 0), .w1 = IDLE, .e0 = W(0xff, 4, 4, 2, 0), .e1 = IDLE, .fx = "RAISE(0)"},
    {.name = "Down_CPPR: MFRR not below new CPPR, no IPI", .op = OP_CPPR, .a0 = 4,
     .w0 = W(0, 4, 0xff, 0, 0), .w1 = IDLE, .e0 = W(4, 4, 0xff, 0, 0), .e1 = IDLE},
    {.name = "Down_CPPR + Resend: scan presents the parked source", .op = OP_CPPR, .a0 = 0xff,
     .w0 = W(0, 0xff, 0xff, 0, 1), .w1 = IDLE, .pre = "16:R S0:map1",
     .e0 = W(0xff, 0xff, 5, 16, 0), .e1 = IDLE, .fx = "RAISE(0)"},
    {.name = "Down_CPPR + Resend: still not deliverable, parked again", .op = OP_CPPR, .a0 = 4,
     .w0 = W(3, 0xff, 0xff, 0, 1), .w1 = IDLE, .pre = "16:R S0:map1",
     .e0 = W(4, 0xff, 0xff, 0, 1), .e1 = IDLE, .post = "16:R S0:map1"},
    {.name = "Down_CPPR + Resend: two parked sources, best presented, other re-parked",
     .op = OP_CPPR, .a0 = 0xff, .w0 = W(4, 0xff, 0xff, 0, 1), .w1 = IDLE,
     .pre = "16:R 21:R S0:map1",
     .e0 = W(0xff, 0xff, 5, 16, 1), .e1 = IDLE, .post = "21:R S0:map1", .fx = "RAISE(0) RAISE(0)"},
    {.name = "Down_CPPR + Resend real mode counts n_check_resend", .flags = F_REAL, .op = OP_CPPR,
     .a0 = 0xff, .w0 = W(0, 0xff, 0xff, 0, 1), .w1 = IDLE, .pre = "16:R S0:map1",
     .e0 = W(0xff, 0xff, 5, 16, 0), .e1 = IDLE, .post = "S0:cres1", .fx = "RAISE(0)"},
    {.name = "Down_CPPR + Resend real mode 3.10-style defers CHECK_RESEND", .flags = F_REAL | F_DEFER,
     .op = OP_CPPR, .a0 = 0xff, .w0 = W(0, 0xff, 0xff, 0, 1), .w1 = IDLE, .pre = "16:R S0:map1",
     .rc = XICS_H_TOO_HARD, .e0 = OPEN, .e1 = IDLE, .post = "16:R S0:map1 S0:act2"},
    {.name = "Up_CPPR + Reject_Current: source redelivered, parked as resend", .op = OP_CPPR, .a0 = 5,
     .w0 = W(0xff, 0xff, 5, 16, 0), .w1 = IDLE,
     .e0 = W(5, 0xff, 0xff, 0, 1), .e1 = IDLE, .post = "16:R S0:map1", .fx = "LOWER(0)"},
    {.name = "Up_CPPR with a pending resend: reject joins it, no scan", .op = OP_CPPR, .a0 = 4,
     .w0 = W(0xff, 0xff, 5, 16, 1), .w1 = IDLE, .pre = "21:R S0:map1",
     .e0 = W(4, 0xff, 0xff, 0, 1), .e1 = IDLE, .post = "16:R 21:R S0:map1", .fx = "LOWER(0)"},
    {.name = "Up_CPPR: IPI leaves XISR only, MFRR keeps it", .op = OP_CPPR, .a0 = 4,
     .w0 = W(0xff, 4, 4, 2, 0), .w1 = IDLE, .e0 = W(4, 4, 0xff, 0, 0), .e1 = IDLE, .fx = "LOWER(0)"},
    {.name = "Up_CPPR: more favoured pending survives and re-raises", .op = OP_CPPR, .a0 = 5,
     .w0 = W(0xff, 0xff, 3, 17, 0), .w1 = IDLE,
     .e0 = W(5, 0xff, 3, 17, 0), .e1 = IDLE, .fx = "LOWER(0) RAISE(0)"},
    {.name = "Up_CPPR real mode counts n_reject", .flags = F_REAL, .op = OP_CPPR, .a0 = 5,
     .w0 = W(0xff, 0xff, 5, 16, 0), .w1 = IDLE,
     .e0 = W(5, 0xff, 0xff, 0, 1), .e1 = IDLE, .post = "16:R S0:map1 S0:rej1", .fx = "LOWER(0)"},
    {.name = "Up_CPPR real mode 3.10-style defers REJECT", .flags = F_REAL | F_DEFER, .op = OP_CPPR,
     .a0 = 5, .w0 = W(0xff, 0xff, 5, 16, 0), .w1 = IDLE, .rc = XICS_H_TOO_HARD,
     .e0 = W(5, 0xff, 0xff, 0, 0), .e1 = IDLE, .post = "S0:act4", .fx = "LOWER(0)"},
    {.name = "Set_CPPR: CPPR > 0xff is H_PARAMETER", .op = OP_CPPR, .a0 = 0x100,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_H_PARAMETER, .e0 = OPEN, .e1 = IDLE},
};

/* ---- H_EOI --------------------------------------------------------------- */
static const struct row eoi_rows[] = {
    {.name = "EOI: Down_CPPR to the XIRR's CPPR, MSI done", .op = OP_EOI, .a0 = 0xff000010,
     .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .e0 = OPEN, .e1 = IDLE},
    {.name = "EOI of an LSI still asserted: re-delivered", .op = OP_EOI, .a0 = 0xff000012,
     .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .pre = "18:A",
     .e0 = W(0xff, 0xff, 5, 18, 0), .e1 = IDLE, .post = "18:A", .fx = "RAISE(0)"},
    {.name = "EOI of an LSI no longer asserted: nothing", .op = OP_EOI, .a0 = 0xff000012,
     .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .e0 = OPEN, .e1 = IDLE},
    {.name = "EOI of an LSI still asserted, real mode counts n_reject", .flags = F_REAL, .op = OP_EOI,
     .a0 = 0xff000012, .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .pre = "18:A",
     .e0 = W(0xff, 0xff, 5, 18, 0), .e1 = IDLE, .post = "18:A S0:rej1", .fx = "RAISE(0)"},
    {.name = "EOI of a source re-asserted while in service: Resend presents it", .op = OP_EOI,
     .a0 = 0xff000010, .w0 = W(5, 0xff, 0xff, 0, 1), .w1 = IDLE, .pre = "16:R S0:map1",
     .e0 = W(0xff, 0xff, 5, 16, 0), .e1 = IDLE, .fx = "RAISE(0)"},
    {.name = "EOI of an IPI whose MFRR is still set: IPI re-presented", .op = OP_EOI,
     .a0 = 0xff000002, .w0 = W(4, 4, 0xff, 0, 0), .w1 = IDLE,
     .e0 = W(0xff, 4, 4, 2, 0), .e1 = IDLE, .fx = "RAISE(0)"},
    {.name = "EOI of an IPI: no ICS EOI, no notification", .flags = F_ACK, .op = OP_EOI,
     .a0 = 0xff000002, .w0 = W(4, 0xff, 0xff, 0, 0), .w1 = IDLE, .e0 = OPEN, .e1 = IDLE},
    {.name = "EOI with ack notifiers: NOTIFY_EOI", .flags = F_ACK, .op = OP_EOI, .a0 = 0xff000010,
     .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .e0 = OPEN, .e1 = IDLE, .fx = "NOTIFY_EOI(16)"},
    {.name = "EOI with ack notifiers, real mode: rm_action NOTIFY_EOI, H_TOO_HARD",
     .flags = F_ACK | F_REAL, .op = OP_EOI, .a0 = 0xff000010,
     .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .rc = XICS_H_TOO_HARD,
     .e0 = OPEN, .e1 = IDLE, .post = "S0:act8"},
    {.name = "EOI of an IRQ with no ICS: H_PARAMETER after Down_CPPR", .op = OP_EOI,
     .a0 = 0xff000000 | 5000, .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE,
     .rc = XICS_H_PARAMETER, .e0 = OPEN, .e1 = IDLE},
    {.name = "EOI of an IRQ with no ICS, real mode: success", .flags = F_REAL, .op = OP_EOI,
     .a0 = 0xff000000 | 5000, .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .e0 = OPEN, .e1 = IDLE},
    {.name = "EOI: XIRR wider than 32 bits is H_PARAMETER", .op = OP_EOI, .a0 = 0x1ff000010ull,
     .w0 = W(5, 0xff, 0xff, 0, 0), .w1 = IDLE, .rc = XICS_H_PARAMETER,
     .e0 = W(5, 0xff, 0xff, 0, 0), .e1 = IDLE},
};

/* ---- H_IPI: Set_MFRR, Check_IPI, IPI, reject, resend ---------------------- */
static const struct row ipi_rows[] = {
    {.name = "Set_MFRR: CPPR more favoured, nothing presented", .op = OP_IPI, .a0 = 1, .a1 = 4,
     .w0 = OPEN, .w1 = IDLE, .e0 = OPEN, .e1 = W(0, 4, 0xff, 0, 0)},
    {.name = "Set_MFRR + Check_IPI + IPI: presented", .op = OP_IPI, .a0 = 1, .a1 = 4,
     .w0 = OPEN, .w1 = OPEN, .e0 = OPEN, .e1 = W(0xff, 4, 4, 2, 0), .fx = "RAISE(1)"},
    {.name = "Check_IPI: IPI displaces a less favoured source, reject parks it", .op = OP_IPI,
     .a0 = 1, .a1 = 4, .w0 = OPEN, .w1 = W(0xff, 0xff, 6, 19, 0),
     .e0 = OPEN, .e1 = W(0xff, 4, 4, 2, 1), .post = "19:R S1:map1", .fx = "RAISE(1) RAISE(1)"},
    {.name = "Check_IPI: reject real mode counts the sender's n_reject", .flags = F_REAL, .op = OP_IPI,
     .a0 = 1, .a1 = 4, .w0 = OPEN, .w1 = W(0xff, 0xff, 6, 19, 0),
     .e0 = OPEN, .e1 = W(0xff, 4, 4, 2, 1), .post = "19:R S0:rej1 S1:map1", .fx = "RAISE(1) RAISE(1)"},
    {.name = "Check_IPI: equal priority also displaces (mfrr <= PPRI)", .op = OP_IPI,
     .a0 = 1, .a1 = 6, .w0 = OPEN, .w1 = W(0xff, 0xff, 6, 19, 0),
     .e0 = OPEN, .e1 = W(0xff, 6, 6, 2, 1), .post = "19:R S1:map1", .fx = "RAISE(1) RAISE(1)"},
    {.name = "Check_IPI: more favoured source stays, unconditional re-raise", .op = OP_IPI,
     .a0 = 0, .a1 = 4, .caller = 1, .w0 = W(0xff, 0xff, 3, 17, 0), .w1 = OPEN,
     .e0 = W(0xff, 4, 3, 17, 0), .e1 = OPEN, .fx = "RAISE(0)"},
    {.name = "H_IPI to a VCPU whose MFRR is already more favoured: IPI not retracted",
     .op = OP_IPI, .a0 = 1, .a1 = 5, .w0 = OPEN, .w1 = W(0xff, 3, 3, 2, 0),
     .e0 = OPEN, .e1 = W(0xff, 5, 3, 2, 0), .fx = "RAISE(1)"},
    {.name = "Set_MFRR less favoured with NEED_RESEND: resend scan presents", .op = OP_IPI,
     .a0 = 1, .a1 = 0xff, .w0 = OPEN, .w1 = W(0x10, 0x20, 0xff, 0, 1), .pre = "19:R S1:map1",
     .e0 = OPEN, .e1 = W(0x10, 0xff, 6, 19, 0), .fx = "RAISE(1)"},
    {.name = "Set_MFRR less favoured, real mode counts the sender's n_check_resend",
     .flags = F_REAL, .op = OP_IPI, .a0 = 1, .a1 = 0xff, .w0 = OPEN,
     .w1 = W(0x10, 0x20, 0xff, 0, 1), .pre = "19:R S1:map1",
     .e0 = OPEN, .e1 = W(0x10, 0xff, 6, 19, 0), .post = "S0:cres1", .fx = "RAISE(1)"},
    {.name = "Set_MFRR more favoured: NEED_RESEND kept, no scan", .op = OP_IPI,
     .a0 = 1, .a1 = 0x10, .w0 = OPEN, .w1 = W(0x10, 0x20, 0xff, 0, 1), .pre = "19:R S1:map1",
     .e0 = OPEN, .e1 = W(0x10, 0x10, 0xff, 0, 1), .post = "19:R S1:map1"},
    {.name = "H_IPI to self", .op = OP_IPI, .a0 = 0, .a1 = 4,
     .w0 = OPEN, .w1 = IDLE, .e0 = W(0xff, 4, 4, 2, 0), .e1 = IDLE, .fx = "RAISE(0)"},
    {.name = "H_IPI to self real mode (RAISE(self) -> MER, no exit)", .flags = F_REAL, .op = OP_IPI,
     .a0 = 0, .a1 = 4, .w0 = OPEN, .w1 = IDLE, .e0 = W(0xff, 4, 4, 2, 0), .e1 = IDLE,
     .fx = "RAISE(0)"},
    {.name = "H_IPI real mode with real_mode_dbg: H_TOO_HARD, state done", .flags = F_REAL | F_DBG,
     .op = OP_IPI, .a0 = 1, .a1 = 4, .w0 = OPEN, .w1 = OPEN, .rc = XICS_H_TOO_HARD,
     .e0 = OPEN, .e1 = W(0xff, 4, 4, 2, 0), .fx = "RAISE(1)"},
    {.name = "H_IPI 3.10-style defers the reject", .flags = F_REAL | F_DEFER, .op = OP_IPI,
     .a0 = 1, .a1 = 4, .w0 = OPEN, .w1 = W(0xff, 0xff, 6, 19, 0), .rc = XICS_H_TOO_HARD,
     .e0 = OPEN, .e1 = W(0xff, 4, 4, 2, 0), .post = "S0:act4", .fx = "RAISE(1)"},
    {.name = "H_IPI to a server without ICP: H_PARAMETER", .op = OP_IPI, .a0 = 3, .a1 = 4,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_H_PARAMETER, .e0 = OPEN, .e1 = IDLE},
    {.name = "H_IPI to a server out of range: H_PARAMETER", .op = OP_IPI, .a0 = 1ull << 40, .a1 = 4,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_H_PARAMETER, .e0 = OPEN, .e1 = IDLE},
    {.name = "H_IPI real mode to unknown server: H_PARAMETER, no exit", .flags = F_REAL,
     .op = OP_IPI, .a0 = 3, .a1 = 4, .w0 = OPEN, .w1 = IDLE, .rc = XICS_H_PARAMETER,
     .e0 = OPEN, .e1 = IDLE},
    {.name = "H_IPI with MFRR > 0xff: H_PARAMETER", .op = OP_IPI, .a0 = 1, .a1 = 0x104,
     .w0 = OPEN, .w1 = OPEN, .rc = XICS_H_PARAMETER, .e0 = OPEN, .e1 = OPEN},
    {.name = "H_IPOLL: r4 = CPPR<<24|XISR, r5 = MFRR", .op = OP_IPOLL, .a0 = 1,
     .w0 = OPEN, .w1 = W(0xff, 4, 4, 2, 0), .r4 = 0xff000002 | (4ull << 32),
     .e0 = OPEN, .e1 = W(0xff, 4, 4, 2, 0)},
    {.name = "H_IPOLL unknown server: H_PARAMETER", .op = OP_IPOLL, .a0 = 3,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_H_PARAMETER, .e0 = OPEN, .e1 = IDLE},
    {.name = "H_IPOLL has no real-mode handler", .flags = F_REAL, .op = OP_IPOLL, .a0 = 1,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_H_TOO_HARD, .e0 = OPEN, .e1 = IDLE},
};

/* ---- ICS: device delivery and RTAS masking ------------------------------- */
static const struct row ics_rows[] = {
    {.name = "ics_deliver_irq: MSI presented", .op = OP_LINE, .a0 = 16, .a1 = XICS_LINE_SET,
     .w0 = OPEN, .w1 = IDLE, .e0 = W(0xff, 0xff, 5, 16, 0), .e1 = IDLE, .fx = "RAISE(0)"},
    {.name = "ics_deliver_irq: masked source -> masked_pending", .op = OP_LINE, .a0 = 20,
     .a1 = XICS_LINE_SET, .w0 = OPEN, .w1 = IDLE, .e0 = OPEN, .e1 = IDLE, .post = "20:M"},
    {.name = "ics_deliver_irq: CPPR more favoured -> resend + NEED_RESEND", .op = OP_LINE,
     .a0 = 16, .a1 = XICS_LINE_SET, .w0 = W(3, 0xff, 0xff, 0, 0), .w1 = IDLE,
     .e0 = W(3, 0xff, 0xff, 0, 1), .e1 = IDLE, .post = "16:R S0:map1"},
    {.name = "ics_deliver_irq: MFRR at least as favoured -> resend", .op = OP_LINE,
     .a0 = 16, .a1 = XICS_LINE_SET, .w0 = W(0xff, 5, 5, 2, 0), .w1 = IDLE,
     .e0 = W(0xff, 5, 5, 2, 1), .e1 = IDLE, .post = "16:R S0:map1", .fx = "RAISE(0)"},
    {.name = "ics_deliver_irq: more favoured source rejects the pending one", .op = OP_LINE,
     .a0 = 17, .a1 = XICS_LINE_SET, .w0 = W(0xff, 0xff, 5, 16, 0), .w1 = IDLE,
     .e0 = W(0xff, 0xff, 3, 17, 1), .e1 = IDLE, .post = "16:R S0:map1", .fx = "RAISE(0) RAISE(0)"},
    {.name = "ics_deliver_irq: an IPI displaced by a more favoured source is dropped (MFRR keeps it)",
     .op = OP_LINE, .a0 = 17, .a1 = XICS_LINE_SET, .w0 = W(0xff, 5, 5, 2, 0), .w1 = IDLE,
     .e0 = W(0xff, 5, 3, 17, 0), .e1 = IDLE, .fx = "RAISE(0)"},
    {.name = "ics_deliver_irq: LSI level high asserts and delivers", .op = OP_LINE, .a0 = 18,
     .a1 = XICS_LINE_HIGH, .w0 = OPEN, .w1 = IDLE, .e0 = W(0xff, 0xff, 5, 18, 0), .e1 = IDLE,
     .post = "18:A", .fx = "RAISE(0)"},
    {.name = "ics_deliver_irq: LSI level low deasserts, no delivery", .op = OP_LINE, .a0 = 18,
     .a1 = XICS_LINE_LOW, .w0 = OPEN, .w1 = IDLE, .pre = "18:A", .e0 = OPEN, .e1 = IDLE},
    {.name = "ics_deliver_irq: MSI level low does nothing", .op = OP_LINE, .a0 = 16,
     .a1 = XICS_LINE_LOW, .w0 = OPEN, .w1 = IDLE, .e0 = OPEN, .e1 = IDLE},
    {.name = "ics_deliver_irq: source does not exist", .op = OP_LINE, .a0 = 22,
     .a1 = XICS_LINE_SET, .w0 = OPEN, .w1 = IDLE, .rc = HV_EINVAL, .e0 = OPEN, .e1 = IDLE},
    {.name = "ics_deliver_irq: no ICS", .op = OP_LINE, .a0 = 5000,
     .a1 = XICS_LINE_SET, .w0 = OPEN, .w1 = IDLE, .rc = HV_EINVAL, .e0 = OPEN, .e1 = IDLE},
    {.name = "int_on: masked_pending redelivered", .op = OP_INT_ON, .a0 = 20,
     .w0 = OPEN, .w1 = IDLE, .pre = "20:M", .e0 = W(0xff, 0xff, 5, 20, 0), .e1 = IDLE,
     .fx = "RAISE(0)"},
    {.name = "int_off: masked, nothing delivered", .op = OP_INT_OFF, .a0 = 16,
     .w0 = OPEN, .w1 = IDLE, .e0 = OPEN, .e1 = IDLE},
    {.name = "set_xive: retarget a parked source, delivered at the new server", .op = OP_SET_XIVE,
     .a0 = 16, .a1 = 1, .a2 = 5, .w0 = W(3, 0xff, 0xff, 0, 1), .w1 = OPEN, .pre = "16:R S0:map1",
     .e0 = W(3, 0xff, 0xff, 0, 1), .e1 = W(0xff, 0xff, 5, 16, 0), .post = "S0:map1",
     .fx = "RAISE(1)"},
    {.name = "set_xive: masking keeps resend (no delivery)", .op = OP_SET_XIVE,
     .a0 = 16, .a1 = 0, .a2 = 0xff, .w0 = W(3, 0xff, 0xff, 0, 1), .w1 = IDLE, .pre = "16:R S0:map1",
     .e0 = W(3, 0xff, 0xff, 0, 1), .e1 = IDLE, .post = "16:R S0:map1"},
    {.name = "get_xive", .op = OP_GET_XIVE, .a0 = 19, .w0 = OPEN, .w1 = IDLE,
     .r4 = (1u << 8) | 6, .e0 = OPEN, .e1 = IDLE},
    {.name = "set_xive: unknown server -> RTAS -3", .op = OP_SET_XIVE, .a0 = 16, .a1 = 3, .a2 = 5,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_RTAS_PARAM_ERROR, .e0 = OPEN, .e1 = IDLE},
    {.name = "set_xive: priority > 0xff -> RTAS -3", .op = OP_SET_XIVE, .a0 = 16, .a1 = 0,
     .a2 = 0x100, .w0 = OPEN, .w1 = IDLE, .rc = XICS_RTAS_PARAM_ERROR, .e0 = OPEN, .e1 = IDLE},
    {.name = "set_xive: no ICS -> RTAS -3", .op = OP_SET_XIVE, .a0 = 5000, .a1 = 0, .a2 = 5,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_RTAS_PARAM_ERROR, .e0 = OPEN, .e1 = IDLE},
    {.name = "get_xive: no ICS -> RTAS -3", .op = OP_GET_XIVE, .a0 = 5000,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_RTAS_PARAM_ERROR, .e0 = OPEN, .e1 = IDLE},
    {.name = "int_on: no ICS -> RTAS -3", .op = OP_INT_ON, .a0 = 5000,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_RTAS_PARAM_ERROR, .e0 = OPEN, .e1 = IDLE},
    {.name = "int_off: no ICS -> RTAS -3", .op = OP_INT_OFF, .a0 = 5000,
     .w0 = OPEN, .w1 = IDLE, .rc = XICS_RTAS_PARAM_ERROR, .e0 = OPEN, .e1 = IDLE},
};

static void t_accept(void) { run_table(accept_rows, HV_ARRAY_LEN(accept_rows)); }
static void t_cppr(void) { run_table(cppr_rows, HV_ARRAY_LEN(cppr_rows)); }
static void t_eoi(void) { run_table(eoi_rows, HV_ARRAY_LEN(eoi_rows)); }
static void t_ipi(void) { run_table(ipi_rows, HV_ARRAY_LEN(ipi_rows)); }
static void t_ics(void) { run_table(ics_rows, HV_ARRAY_LEN(ics_rows)); }

/* ---- races via the step hook ---------------------------------------------- */

struct race {
    enum xics_step at;
    int fired;
    int kind; /* 0: owner H_CPPR(0xff) on server 0; 1: H_IPI(0, 4) from 1 */
    struct xics_effects fx;
};

static void race_hook(struct xics *x, enum xics_step s, uint32_t server, uint32_t irq, void *arg)
{
    struct race *r = arg;
    (void)server;
    (void)irq;
    if (s != r->at || r->fired)
        return;
    r->fired = 1;
    if (r->kind == 0)
        TAP_EQ(xics_h_cppr(x, XICS_VIRT, 0, 0xff, &r->fx), XICS_H_SUCCESS);
    else
        TAP_EQ(xics_h_ipi(x, XICS_VIRT, 1, 0, 4, &r->fx), XICS_H_SUCCESS);
}

/* icp_deliver_irq: the owner clears NEED_RESEND (Down_CPPR) after the failed
 * delivery committed it but before the map bit is published; its scan finds
 * nothing, so the deliverer's re-check must retry — and presents. */
static void t_race_need_resend_cleared(void)
{
    struct xics *x = fixture(0);
    struct race r = {.at = XICS_STEP_DELIVER_FAILED};
    struct xics_effects fx = {0};
    set_word(x, 0, WS(5, 0xff, 0xff, 0, 0));
    x->step = race_hook;
    x->step_arg = &r;
    TAP_EQ(xics_irq_line(x, 16, XICS_LINE_SET, &fx), HV_OK);
    TAP_EQ(r.fired, 1);
    TAP_EQ(atomic_load(&x->n_recheck_retry), 1);
    TAP_EQ(xics_icp_word(x, 0), WS(0xff, 0xff, 5, 16, 0));
    TAP_EQ(xics_source(x, 16)->resend, 0);
    TAP_STREQ(summ(x), "S0:map1"); /* a stale map bit: harmless */
    TAP_CHECK(xics_check(x) == NULL);
    xics_fx_fini(&fx);
    xics_fx_fini(&r.fx);
    xics_destroy(x);
}

/* Same race, the owner clears NEED_RESEND after the map bit is published: its
 * scan presents the source; the deliverer's re-check still retries and parks
 * a duplicate (the kernel does the same; MSIs tolerate it). */
static void t_race_need_resend_cleared_late(void)
{
    struct xics *x = fixture(0);
    struct race r = {.at = XICS_STEP_BEFORE_RECHECK};
    struct xics_effects fx = {0};
    set_word(x, 0, WS(5, 0xff, 0xff, 0, 0));
    x->step = race_hook;
    x->step_arg = &r;
    TAP_EQ(xics_irq_line(x, 16, XICS_LINE_SET, &fx), HV_OK);
    TAP_EQ(xics_icp_word(x, 0), WS(0xff, 0xff, 5, 16, 1));
    TAP_STREQ(summ(x), "16:R S0:map1");
    TAP_CHECK(xics_check(x) == NULL);
    xics_fx_fini(&fx);
    xics_fx_fini(&r.fx);
    xics_destroy(x);
}

/* Without the re-check the race loses the interrupt: show that xics_check
 * catches the resulting state (so the race test above can fail). */
static void t_race_without_recheck_is_caught(void)
{
    struct xics *x = fixture(0);
    set_word(x, 0, WS(0xff, 0xff, 0xff, 0, 0)); /* owner already cleared NR */
    pre(x, "16:R S0:map1");                      /* deliverer parked it */
    const char *bad = xics_check(x);
    TAP_CONTAINS(bad, "I-no-lost-IRQ");
    xics_destroy(x);
}

/* A commit loses its CAS: another VCPU's H_IPI lands between the owner's
 * snapshot and its commit (XICS_COMMIT_ATOMIC, one thread); Accept retries
 * and takes the IPI; the displaced source is parked. */
static void t_race_cas_retry(void)
{
    struct xics_cfg cfg = {.nr_servers = 2, .real_mode = true, .commit = XICS_COMMIT_ATOMIC};
    struct xics *x = xics_create(&cfg);
    struct xics_effects fx = {0};
    TAP_EQ(xics_create_icp(x, 0), HV_OK);
    TAP_EQ(xics_create_icp(x, 1), HV_OK);
    struct xics_source_cfg sc = {.server = 0, .priority = 5};
    TAP_EQ(xics_set_source(x, 16, &sc, &fx), HV_OK);
    set_word(x, 0, WS(0xff, 0xff, 5, 16, 0));
    struct race r = {.at = XICS_STEP_BEFORE_COMMIT, .kind = 1};
    x->step = race_hook;
    x->step_arg = &r;
    uint32_t xirr = 0;
    TAP_EQ(xics_h_xirr(x, XICS_VIRT, 0, &xirr, &fx), XICS_H_SUCCESS);
    TAP_EQ(xirr, 0xff000002);
    TAP_EQ(xics_icp_word(x, 0), WS(4, 4, 0xff, 0, 1));
    TAP_EQ(xics_source(x, 16)->resend, 1);
    TAP_EQ(atomic_load(&x->n_cas_fail), 1);
    TAP_CHECK(xics_check(x) == NULL);
    xics_fx_fini(&fx);
    xics_fx_fini(&r.fx);
    xics_destroy(x);
}

/* PAPR: an EOI that makes CPPR more favoured is a software error the kernel
 * deliberately does not handle (no Reject_Current): the pending source stays
 * behind a CPPR it does not beat. xics_check reports the result. */
static void t_eoi_raising_cppr_is_not_handled(void)
{
    struct xics *x = fixture(0);
    struct xics_effects fx = {0};
    set_word(x, 0, WS(5, 0xff, 3, 17, 0));
    TAP_EQ(xics_h_eoi(x, XICS_VIRT, 0, 0x02000010, &fx), XICS_H_SUCCESS);
    TAP_EQ(xics_icp_word(x, 0), WS(2, 0xff, 3, 17, 0));
    TAP_EQ(xics_icp_out_ee(xics_icp_word(x, 0)), 0);
    TAP_CONTAINS(xics_check(x), "I-ICP-consistent");
    xics_fx_fini(&fx);
    xics_destroy(x);
}

/* ---- real mode -> virtual completion ----------------------------------- */

static void t_rm_kick_completion(void)
{
    struct xics *x = fixture(0);
    struct xics_effects fx = {0};
    char b[256];
    set_word(x, 1, xics_icp_seal(OPEN));
    uint64_t args[2] = {1, 4}, ret[2] = {0, 0};
    int rc = xics_rm_hcall(x, 0, XICS_H_IPI, args, ret, &fx);
    TAP_EQ(rc, XICS_RC_FINISH);
    TAP_STREQ(xics_fx_str(&fx, b, sizeof b), "RAISE(1)");
    /* The KVM layer finds server 1 not loaded and no free host core. */
    TAP_EQ(xics_rm_defer_kick(x, 0, 1), HV_OK);
    TAP_EQ(xics_rm_finish(x, 0, rc), XICS_H_TOO_HARD);
    uint64_t w1 = xics_icp_word(x, 1);
    xics_fx_reset(&fx);
    TAP_EQ(xics_hcall(x, 0, XICS_H_IPI, args, ret, &fx), XICS_H_SUCCESS);
    TAP_STREQ(xics_fx_str(&fx, b, sizeof b), "KICK(1)");
    TAP_EQ(xics_icp_word(x, 1), w1); /* never redone */
    TAP_EQ(xics_find_server(x, 0)->rm_action, 0);
    TAP_EQ(atomic_load(&xics_find_server(x, 0)->n_rm_kick_vcpu), 1);
    /* A second target overwrites the first (the kernel hazard), counted. */
    TAP_EQ(xics_rm_defer_kick(x, 0, 1), HV_OK);
    TAP_EQ(xics_rm_defer_kick(x, 0, 2), HV_OK);
    TAP_EQ(atomic_load(&xics_find_server(x, 0)->n_rm_kick_overwrite), 1);
    TAP_EQ(xics_rm_defer_kick(x, 3, 1), HV_ENOENT);
    xics_fx_fini(&fx);
    xics_destroy(x);
}

static void t_rm_complete_order(void)
{
    struct xics *x = fixture(0);
    struct xics_effects fx = {0};
    char b[256];
    struct xics_icp *icp = xics_find_server(x, 0);
    set_word(x, 0, xics_icp_seal(OPEN));
    set_word(x, 1, WS(0x10, 0xff, 0xff, 0, 1));
    pre(x, "19:R S1:map1");
    icp->rm_action = XICS_RM_ALL;
    icp->rm_kick_target = 2;
    icp->rm_resend_icp = 1;
    icp->rm_reject = 16;
    icp->rm_eoied_irq = 18;
    TAP_EQ(xics_rm_complete(x, 0, &fx), XICS_H_SUCCESS);
    TAP_STREQ(xics_fx_str(&fx, b, sizeof b), "KICK(2) RAISE(1) RAISE(0) NOTIFY_EOI(18)");
    TAP_EQ(icp->rm_action, 0);
    TAP_EQ(atomic_load(&icp->n_rm_kick_vcpu), 1);
    TAP_EQ(atomic_load(&icp->n_rm_check_resend), 1);
    TAP_EQ(atomic_load(&icp->n_rm_reject), 1);
    TAP_EQ(atomic_load(&icp->n_rm_notify_eoi), 1);
    /* the scan does not clear NEED_RESEND: the transaction that latched it did */
    TAP_EQ(xics_icp_word(x, 1), WS(0x10, 0xff, 6, 19, 1));
    TAP_EQ(xics_icp_word(x, 0), WS(0xff, 0xff, 5, 16, 0));
    /* Completion with nothing recorded does nothing. */
    xics_fx_reset(&fx);
    TAP_EQ(xics_rm_complete(x, 0, &fx), XICS_H_SUCCESS);
    TAP_EQ(fx.n, 0);
    xics_fx_fini(&fx);
    xics_destroy(x);
}

/* real_mode off: real mode hands everything to virtual mode, which runs the
 * whole hcall; real_mode_dbg: H_CPPR to the current value is still final. */
static void t_rm_modes(void)
{
    struct xics *x = fixture(0);
    struct xics_effects fx = {0};
    uint64_t args[2] = {1, 4}, ret[2] = {0, 0};
    set_word(x, 1, xics_icp_seal(OPEN));
    x->real_mode = false;
    TAP_EQ(xics_rm_hcall(x, 0, XICS_H_IPI, args, ret, &fx), XICS_H_TOO_HARD);
    TAP_EQ(xics_icp_word(x, 1), OPEN);
    TAP_EQ(xics_hcall(x, 0, XICS_H_IPI, args, ret, &fx), XICS_H_SUCCESS);
    TAP_EQ(xics_icp_word(x, 1), WS(0xff, 4, 4, 2, 0));
    x->real_mode = true;
    x->real_mode_dbg = true;
    set_word(x, 0, WS(5, 0xff, 0xff, 0, 0));
    args[0] = 5;
    int rc = xics_rm_hcall(x, 0, XICS_H_CPPR, args, ret, &fx);
    TAP_EQ(xics_rm_finish(x, 0, rc), XICS_H_SUCCESS);
    args[0] = 6;
    rc = xics_rm_hcall(x, 0, XICS_H_CPPR, args, ret, &fx);
    TAP_EQ(xics_rm_finish(x, 0, rc), XICS_H_TOO_HARD);
    TAP_EQ(xics_check_too_hard(x, 0), XICS_H_TOO_HARD);
    /* H_XIRR through the dispatchers: r4 carries the XIRR. */
    x->real_mode_dbg = false;
    set_word(x, 0, WS(0xff, 0xff, 5, 16, 0));
    rc = xics_rm_hcall(x, 0, XICS_H_XIRR, args, ret, &fx);
    TAP_EQ(xics_rm_finish(x, 0, rc), XICS_H_SUCCESS);
    TAP_EQ(ret[0], 0xff000010);
    ret[0] = ret[1] = 0;
    args[0] = 0;
    TAP_EQ(xics_hcall(x, 0, XICS_H_IPOLL, args, ret, &fx), XICS_H_SUCCESS);
    TAP_EQ(ret[0], 0x05000000);
    TAP_EQ(ret[1], 0xff);
    xics_fx_fini(&fx);
    xics_destroy(x);
}

/* ---- bad arguments ------------------------------------------------------------ */

static void t_bad_args(void)
{
    struct xics *x = fixture(0);
    struct xics_effects fx = {0};
    uint64_t args[2] = {0, 0}, ret[2] = {0, 0};
    uint32_t xirr = 0;
    TAP_EQ(xics_create_icp(x, 4), HV_ERANGE);
    TAP_EQ(xics_create_icp(x, 0), HV_EEXIST);
    TAP_EQ(xics_create_ics(x, XICS_NR_IRQS), HV_ERANGE);
    struct xics_source_cfg sc = {.server = 0, .priority = 5};
    TAP_EQ(xics_set_source(x, 5, &sc, &fx), HV_ERANGE);
    TAP_EQ(xics_set_source(x, XICS_NR_IRQS, &sc, &fx), HV_ERANGE);
    sc.priority = 0x100;
    TAP_EQ(xics_set_source(x, 30, &sc, &fx), HV_ERANGE);
    sc.priority = 5;
    sc.server = 3;
    TAP_EQ(xics_set_source(x, 30, &sc, &fx), HV_EINVAL);
    sc.priority = 0xff; /* masked to an unknown server is allowed */
    TAP_EQ(xics_set_source(x, 30, &sc, &fx), HV_OK);
    /* callers without an ICP */
    TAP_EQ(xics_h_xirr(x, XICS_VIRT, 3, &xirr, &fx), XICS_H_HARDWARE);
    TAP_EQ(xics_h_xirr(x, XICS_REAL, 3, &xirr, &fx), XICS_H_TOO_HARD);
    TAP_EQ(xics_h_cppr(x, XICS_VIRT, 99, 5, &fx), XICS_H_HARDWARE);
    TAP_EQ(xics_h_ipi(x, XICS_VIRT, UINT32_MAX, 0, 5, &fx), XICS_H_HARDWARE);
    TAP_EQ(xics_hcall(x, 3, XICS_H_XIRR, args, ret, &fx), XICS_H_HARDWARE);
    TAP_EQ(xics_hcall(x, 0, 0xE0 /* H_CEDE */, args, ret, &fx), XICS_H_PARAMETER);
    TAP_EQ(xics_rm_hcall(x, 0, 0xE0, args, ret, &fx), XICS_H_TOO_HARD);
    TAP_EQ(xics_rm_complete(x, 3, &fx), XICS_H_HARDWARE);
    TAP_EQ(xics_h_ipoll(x, XICS_VIRT, 0, 1ull << 33, args, ret), XICS_H_PARAMETER);
    /* set_icp consistency (kvmppc_xics_set_icp) */
    TAP_EQ(xics_set_icp(x, 3, 0xff, 0xff, 0xff, 0, &fx), HV_ENOENT);
    TAP_EQ(xics_set_icp(x, 0, 0xff, 0xff, 5, 0, &fx), HV_EINVAL);
    TAP_EQ(xics_set_icp(x, 0, 0xff, 4, 5, XICS_IPI, &fx), HV_EINVAL);
    TAP_EQ(xics_set_icp(x, 0, 5, 0xff, 5, 16, &fx), HV_EINVAL);
    TAP_EQ(xics_set_icp(x, 0, 0xff, 0xff, 5, 5000, &fx), HV_EINVAL);
    TAP_EQ(xics_set_icp(x, 0, 0xff, 0xff, 5, 1u << 24, &fx), HV_EINVAL);
    xics_fx_reset(&fx);
    TAP_EQ(xics_set_icp(x, 0, 0xff, 0xff, 5, 16, &fx), HV_OK);
    TAP_EQ(xics_icp_word(x, 0), WS(0xff, 0xff, 5, 16, 0));
    char b[128];
    TAP_STREQ(xics_fx_str(&fx, b, sizeof b), "LOWER(0) RAISE(0)");
    /* nothing above corrupted the state */
    TAP_CHECK(xics_check(x) == NULL);
    /* deliveries that lose their ICS / ICP are counted, not fatal */
    struct xics_icp *icp = xics_find_server(x, 0);
    icp->rm_action = XICS_RM_REJECT;
    icp->rm_reject = 5000;
    TAP_EQ(xics_rm_complete(x, 0, &fx), XICS_H_SUCCESS);
    TAP_EQ(atomic_load(&x->err_noics), 1);
    src_mut(x, 30)->priority = 5; /* unmasked to server 3, which has no ICP */
    TAP_EQ(xics_int_on(x, 30, &fx), XICS_RTAS_PARAM_ERROR);
    icp->rm_action = XICS_RM_REJECT;
    icp->rm_reject = 30;
    TAP_EQ(xics_rm_complete(x, 0, &fx), XICS_H_SUCCESS);
    TAP_EQ(atomic_load(&x->err_noicp), 1);
    xics_fx_fini(&fx);
    xics_destroy(x);
}

/* ---- xics_check negatives: each invariant can fail ------------------------------ */

static void t_check_negatives(void)
{
    const struct { uint64_t w; const char *pre, *msg; } cases[] = {
        {(uint64_t)1 << 55 | XICS_ICP_RESET_WORD, "", "reserved bits"},
        {xics_icp_make(0xff, 0xff, 5, 16, 0) & ~XICS_ICP_OUT_EE_BIT, "", "OUT_EE"},
        {XICS_ICP_RESET_WORD | XICS_ICP_OUT_EE_BIT, "", "OUT_EE"},
        {xics_icp_make(0xff, 0xff, 5, 0, 0), "", "XISR 0 with PPRI"},
        {xics_icp_make(4, 4, 4, XICS_IPI, 0), "", "IPI needs"},
        {xics_icp_make(0xff, 3, 4, XICS_IPI, 0), "", "IPI needs"},
        {xics_icp_make(0xff, 5, 5, 16, 0), "", "source needs"},
        {xics_icp_make(0xff, 0xff, 5, 5000, 0), "", "has no ICS"},
        {xics_icp_make(0xff, 4, 0xff, 0, 0), "", "I-no-lost-IPI"},
        {xics_icp_make(0xff, 4, 5, 16, 0), "", "source needs"},
        {xics_icp_make(0xff, 0xff, 0xff, 0, 1), "", "NEED_RESEND with an empty"},
        {XICS_ICP_RESET_WORD, "16:R", "I-no-lost-IRQ: irq 0x10 resend"},
        {XICS_ICP_RESET_WORD, "16:R S0:map1", "I-no-lost-IRQ: irq 0x10 resend"},
        {XICS_ICP_RESET_WORD, "16:M", "masked_pending but unmasked"},
        {XICS_ICP_RESET_WORD, "S0:act10", "undefined flags"},
    };
    for (size_t i = 0; i < HV_ARRAY_LEN(cases); i++) {
        struct xics *x = fixture(0);
        TAP_CHECK(xics_check(x) == NULL);
        set_word(x, 0, cases[i].w);
        pre(x, cases[i].pre);
        TAP_CONTAINS(xics_check(x), cases[i].msg);
        xics_destroy(x);
    }
}

/* ---- pure transitions, names, dump -------------------------------------------- */

static void t_word_layout(void)
{
    uint64_t w = xics_icp_make(0x12, 0x34, 0x56, 0xABCDEF, 1);
    TAP_EQ(w, 0x0003563412ABCDEFull & ~XICS_ICP_OUT_EE_BIT); /* PPRI 0x56 >= CPPR 0x12 */
    TAP_EQ(xics_icp_xirr(w), 0x12ABCDEF);
    TAP_EQ(xics_icp_cppr(w), 0x12);
    TAP_EQ(xics_icp_mfrr(w), 0x34);
    TAP_EQ(xics_icp_ppri(w), 0x56);
    TAP_EQ(xics_icp_xisr(w), 0xABCDEF);
    TAP_EQ(xics_icp_need_resend(w), 1);
    TAP_EQ(xics_icp_out_ee(w), 0);
    TAP_EQ(xics_icp_out_ee(xics_icp_make(0x57, 0x34, 0x56, 0xABCDEF, 0)), 1);
    TAP_EQ(xics_icp_out_ee(xics_icp_make(0x57, 0x34, 0x56, 0, 0)), 0);
    TAP_EQ(XICS_ICP_RESET_WORD, xics_icp_make(0, 0xff, 0xff, 0, 0));
    /* transitions never touch OUT_EE; the commit seals */
    struct xics_icp_tx t = xics_icp_set_mfrr(xics_icp_make(0xff, 0xff, 0xff, 0, 0), 4);
    TAP_EQ(xics_icp_out_ee(t.next), 0);
    TAP_EQ(xics_icp_out_ee(xics_icp_seal(t.next)), 1);
    t = xics_icp_accept(xics_icp_make(0xff, 0xff, 0xff, 0, 0));
    TAP_EQ(t.write, 0);
    t = xics_icp_try_deliver(xics_icp_make(0xff, 0xff, 5, 16, 0), 17, 5);
    TAP_EQ(t.ok, 0);
    TAP_EQ(xics_icp_need_resend(t.next), 1);
}

static void t_names(void)
{
    TAP_STREQ(xics_hcall_name(XICS_H_IPI), "H_IPI");
    TAP_STREQ(xics_hcall_name(0x2FC), "H_XIRR_X");
    TAP_STREQ(xics_hcall_name(0x70), "H_IPOLL");
    TAP_STREQ(xics_hcall_name(0x123), "H_?");
    TAP_EQ(XICS_H_EOI, 0x64);
    TAP_EQ(XICS_H_CPPR, 0x68);
    TAP_EQ(XICS_H_XIRR, 0x74);
    TAP_STREQ(xics_hrc_name(9999), "H_TOO_HARD");
    TAP_STREQ(xics_hrc_name(-4), "H_PARAMETER");
    TAP_STREQ(xics_hrc_name(-1), "H_HARDWARE");
    TAP_STREQ(xics_fx_name(XICS_FX_NOTIFY_EOI), "NOTIFY_EOI");
    TAP_EQ(XICS_RM_KICK_VCPU | XICS_RM_CHECK_RESEND << 4 | XICS_RM_REJECT << 8 |
           XICS_RM_NOTIFY_EOI << 12, 0x8421);
    TAP_EQ(XICS_IPI, 2);
    TAP_EQ(XICS_IPI_PRIORITY, 4);
    TAP_EQ(XICS_DEFAULT_PRIORITY, 5);
}

/* Hide buffer sizes from -Wformat-truncation inside TAP_STREQ. */
__attribute__((noinline)) static const char *str(const char *p) { return p; }

static void t_dump(void)
{
    struct xics *x = fixture(0);
    set_word(x, 1, WS(0xff, 0xff, 6, 19, 0));
    pre(x, "16:R S0:map1");
    set_word(x, 0, WS(3, 0xff, 0xff, 0, 1));
    atomic_store(&xics_find_server(x, 0)->n_rm_kick_vcpu, 3);
    atomic_store(&xics_find_server(x, 1)->n_reject, 2);
    char buf[4096];
    size_t n = xics_dump_buf(x, buf, sizeof buf, true);
    TAP_EQ(n, strlen(buf));
    TAP_STREQ(str(buf), str(
              "=========\nICP state\n=========\n"
              "cpu server 0 XIRR:0 PPRI:0xff CPPR:0x3 MFRR:0xff OUT:0 NR:1\n"
              "cpu server 0x1 XIRR:0x13 PPRI:0x6 CPPR:0xff MFRR:0xff OUT:1 NR:0\n"
              "cpu server 0x2 XIRR:0 PPRI:0xff CPPR:0 MFRR:0xff OUT:0 NR:0\n"
              "ICP Guest->Host totals: kick_vcpu=3 check_resend=0 reject=0 notify_eoi=0\n"
              "ICP Real Mode totals: check_resend=0 resend=2\n"
              "=========\nICS state for ICS 0x0\n=========\n"
              "irq 0x000010: server 0 prio 0x5 save prio 0x5 asserted 0 resend 1 masked pending 0\n"
              "irq 0x000011: server 0 prio 0x3 save prio 0x3 asserted 0 resend 0 masked pending 0\n"
              "irq 0x000012: server 0 prio 0x5 save prio 0x5 asserted 0 resend 0 masked pending 0\n"
              "irq 0x000013: server 0x1 prio 0x6 save prio 0x6 asserted 0 resend 0 masked pending 0\n"
              "irq 0x000014: server 0 prio 0xff save prio 0x5 asserted 0 resend 0 masked pending 0\n"
              "irq 0x000015: server 0 prio 0x7 save prio 0x7 asserted 0 resend 0 masked pending 0\n"));
    /* the kernel's full form: all 1024 sources of the ICS */
    size_t need = xics_dump_buf(x, buf, sizeof buf, false);
    char *big = malloc(need + 1);
    TAP_EQ(xics_dump_buf(x, big, need + 1, false), need);
    size_t lines = 0;
    for (char *p = big; *p; p++)
        lines += *p == '\n';
    TAP_EQ(lines, 3 + 3 + 2 + 3 + 1024);
    TAP_CONTAINS(big, "irq 0x0003ff: server 0 prio 0xff save prio 0xff asserted 0");
    free(big);
    /* FILE* form, tiny buffer form */
    FILE *f = tmpfile();
    xics_dump(x, f, true);
    TAP_EQ((size_t)ftell(f), n);
    fclose(f);
    char tiny[8];
    TAP_EQ(xics_dump_buf(x, tiny, sizeof tiny, true), n);
    TAP_STREQ(str(tiny), "=======");
    xics_destroy(x);
}

int main(void)
{
    TAP_RUN(t_word_layout);
    TAP_RUN(t_names);
    TAP_RUN(t_accept);
    TAP_RUN(t_cppr);
    TAP_RUN(t_eoi);
    TAP_RUN(t_ipi);
    TAP_RUN(t_ics);
    TAP_RUN(t_race_need_resend_cleared);
    TAP_RUN(t_race_need_resend_cleared_late);
    TAP_RUN(t_race_without_recheck_is_caught);
    TAP_RUN(t_race_cas_retry);
    TAP_RUN(t_eoi_raising_cppr_is_not_handled);
    TAP_RUN(t_rm_kick_completion);
    TAP_RUN(t_rm_complete_order);
    TAP_RUN(t_rm_modes);
    TAP_RUN(t_bad_args);
    TAP_RUN(t_check_negatives);
    TAP_RUN(t_dump);
    return tap_done();
}
