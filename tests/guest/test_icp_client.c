/*
 * guest/icp_client.h, the guest's XICS driver: the hypercalls of each
 * phase and the phase after each return, for an IPI (H_XIRR, H_IPI(self,
 * 0xff), handler, H_EOI), a device source (H_XIRR, handler, H_EOI) and a
 * spurious XISR (H_XIRR only); an interrupt delivered during a handler
 * waits for the H_EOI; outgoing IPIs in order, coalesced per server; the
 * invariants check; a return in a phase with no hypercall is fatal.
 */
#include "base/hv.h"
#include "guest/icp_client.h"
#include "tap.h"

#include <stdio.h>

enum { SELF = 5 };

static int check_ok(const guest_icp *s)
{
    char msg[128];
    const char *e = guest_icp_check(s, msg, sizeof msg);
    if (e)
        printf("# %s\n", e);
    return e == NULL;
}

/* The hypercall due now: number and arguments, or -1 when none is. */
static long due(guest_icp *s, uint64_t *a0, uint64_t *a1)
{
    kvm_gact a;
    if (!guest_icp_irq_hcall(s, SELF, &a))
        return -1;
    TAP_EQ(a.kind, KVM_GACT_HCALL);
    *a0 = a.args[0];
    *a1 = a.args[1];
    return (long)a.hcall;
}

static void setup_is_h_cppr(void)
{
    kvm_gact a = guest_icp_setup();
    TAP_EQ(a.kind, KVM_GACT_HCALL);
    TAP_EQ(a.hcall, XICS_H_CPPR);
    TAP_EQ(a.args[0], XICS_LOWEST_PRIORITY);
}

static void ipi(void)
{
    guest_icp s = {0};
    uint64_t a0, a1;
    TAP_EQ(due(&s, &a0, &a1), -1); /* nothing delivered */
    guest_icp_deliver(&s);
    TAP_EQ(due(&s, &a0, &a1), XICS_H_XIRR);
    TAP_EQ(s.pending, 0);
    TAP_EQ(guest_icp_irq_ret(&s, 0xff000000u | XICS_IPI), GUEST_ICP_GOT_IPI);
    TAP_EQ(s.phase, GUEST_ICP_IPI_CLEAR);
    TAP_CHECK(check_ok(&s));
    TAP_EQ(due(&s, &a0, &a1), XICS_H_IPI); /* icp_hv_ipi_action: own MFRR cleared */
    TAP_EQ(a0, SELF);
    TAP_EQ(a1, XICS_LOWEST_PRIORITY);
    TAP_EQ(guest_icp_irq_ret(&s, 0), GUEST_ICP_GOT_NOTHING);
    TAP_EQ(s.phase, GUEST_ICP_HANDLER);
    TAP_EQ(due(&s, &a0, &a1), -1); /* the kernel's handler runs */
    guest_icp_deliver(&s);         /* does not nest */
    TAP_EQ(due(&s, &a0, &a1), -1);
    guest_icp_handler_done(&s);
    TAP_EQ(due(&s, &a0, &a1), XICS_H_EOI);
    TAP_EQ(a0, 0xff000000u | XICS_IPI);
    TAP_EQ(guest_icp_irq_ret(&s, 0), GUEST_ICP_GOT_NOTHING);
    TAP_EQ(s.phase, GUEST_ICP_NONE);
    TAP_EQ(due(&s, &a0, &a1), XICS_H_XIRR); /* the one delivered meanwhile */
    guest_icp_free(&s);
}

static void device_and_spurious(void)
{
    guest_icp s = {0};
    uint64_t a0, a1;
    guest_icp_deliver(&s);
    TAP_EQ(due(&s, &a0, &a1), XICS_H_XIRR);
    TAP_EQ(guest_icp_irq_ret(&s, 0xff000000u | 4100u), GUEST_ICP_GOT_DEVICE);
    TAP_EQ(s.phase, GUEST_ICP_HANDLER);
    TAP_EQ(guest_icp_xisr(&s), 4100);
    guest_icp_handler_done(&s);
    TAP_EQ(due(&s, &a0, &a1), XICS_H_EOI);
    TAP_EQ(a0, 0xff000000u | 4100u);
    guest_icp_irq_ret(&s, 0);
    guest_icp_deliver(&s);
    TAP_EQ(due(&s, &a0, &a1), XICS_H_XIRR);
    TAP_EQ(guest_icp_irq_ret(&s, 0xff000000u), GUEST_ICP_GOT_NOTHING); /* spurious: no EOI */
    TAP_EQ(s.phase, GUEST_ICP_NONE);
    TAP_EQ(due(&s, &a0, &a1), -1);
    guest_icp_free(&s);
}

static void outgoing_ipis(void)
{
    guest_icp s = {0};
    kvm_gact a;
    TAP_CHECK(!guest_icp_ipi_hcall(&s, &a));
    for (uint32_t server = 10; server < 16; server++)
        TAP_CHECK(guest_icp_queue_ipi(&s, server));
    TAP_CHECK(!guest_icp_queue_ipi(&s, 12)); /* coalesced */
    TAP_EQ(s.nipis, 6);
    TAP_CHECK(check_ok(&s));
    for (uint32_t server = 10; server < 16; server++) {
        TAP_CHECK(guest_icp_ipi_hcall(&s, &a));
        TAP_EQ(a.hcall, XICS_H_IPI);
        TAP_EQ(a.args[0], server);
        TAP_EQ(a.args[1], XICS_IPI_PRIORITY);
        guest_icp_ipi_ret(&s);
    }
    TAP_CHECK(!guest_icp_ipi_hcall(&s, &a));
    TAP_CHECK(guest_icp_queue_ipi(&s, 12)); /* sent: a new one queues */
    guest_icp_free(&s);
}

static void check_finds_broken_states(void)
{
    char msg[128];
    guest_icp s = {0};
    s.phase = GUEST_ICP_EOI; /* with XISR 0 */
    TAP_CHECK(guest_icp_check(&s, msg, sizeof msg) != NULL);
    s.phase = GUEST_ICP_IPI_CLEAR;
    s.xirr = 4100; /* a device source */
    TAP_CHECK(guest_icp_check(&s, msg, sizeof msg) != NULL);
    TAP_CONTAINS(msg, "4100");
    s.phase = GUEST_ICP_NONE;
    guest_icp_queue_ipi(&s, 3);
    guest_icp_queue_ipi(&s, 4);
    TAP_CHECK(check_ok(&s));
    s.ipis[1] = 3;
    TAP_CHECK(guest_icp_check(&s, msg, sizeof msg) != NULL);
    TAP_CONTAINS(msg, "server 3");
    guest_icp_free(&s);
}

static void return_with_none_issued(void)
{
    guest_icp s = {0};
    guest_icp_irq_ret(&s, 0);
}

static void handler_done_twice(void)
{
    guest_icp s = {0};
    guest_icp_deliver(&s);
    kvm_gact a;
    guest_icp_irq_hcall(&s, SELF, &a);
    guest_icp_irq_ret(&s, 4100);
    guest_icp_handler_done(&s);
    guest_icp_handler_done(&s);
}

static void misuse_is_fatal(void)
{
    TAP_EQ(tap_exit_status(return_with_none_issued), HV_EXIT_CHECK);
    TAP_EQ(tap_exit_status(handler_done_twice), HV_EXIT_CHECK);
}

int main(void)
{
    TAP_RUN(setup_is_h_cppr);
    TAP_RUN(ipi);
    TAP_RUN(device_and_spurious);
    TAP_RUN(outgoing_ipis);
    TAP_RUN(check_finds_broken_states);
    TAP_RUN(misuse_is_fatal);
    return tap_done();
}
