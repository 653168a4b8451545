/*
 * M2 decision table: kvmppc_read_intr's outcome for every combination of
 * host_ipi (first read), XIRR source and host_ipi (re-check), with the ICP
 * actions in order; plus deliver_guest_interrupt and check_wake_reason.
 */
#include "kvm/read_intr.h"
#include "tap.h"

typedef struct {
    const char *name;
    uint8_t host_ipi_1;   /* host_ipi at the first check */
    uint32_t xirr;        /* value the XIRR load returns */
    uint8_t host_ipi_2;   /* host_ipi at the re-check (IPI case only) */
    int result;           /* expected kvmppc_read_intr return */
    uint32_t actions;     /* all actions performed, in any step */
    int steps;            /* steps executed */
} row;

/* Drive the three steps as the DES/live driver does. */
static kvm_ri_step run(const row *r, uint32_t *acts, int *steps)
{
    *acts = 0;
    *steps = 1;
    kvm_ri_step s = kvm_ri_check_host_ipi(r->host_ipi_1);
    *acts |= s.actions;
    if (s.done)
        return s;
    (*steps)++;
    s = kvm_ri_classify(r->xirr);
    *acts |= s.actions;
    if (s.done)
        return s;
    (*steps)++;
    s = kvm_ri_recheck(r->host_ipi_2);
    *acts |= s.actions;
    return s;
}

static void decision_table(void)
{
    enum {
        L = KVM_RI_ACT_LOAD_XIRR, S = KVM_RI_ACT_SAVE_XIRR, C = KVM_RI_ACT_CLEAR_MFRR,
        E = KVM_RI_ACT_EOI, R = KVM_RI_ACT_REARM_MFRR, Z = KVM_RI_ACT_CLEAR_SAVED
    };
    const row rows[] = {
        {"host IPI pending: exit, ICP untouched", 1, 0x00000002, 0, 1, 0, 1},
        {"nothing pending (spurious / MER exit)", 0, 0xff000000, 0, 0, L | S, 2},
        {"device interrupt: latch and exit", 0, 0x05001234, 0, 1, L | S, 2},
        {"guest IPI: clear, EOI, stay", 0, 0x04000002, 0, -1, L | S | C | E | Z, 3},
        {"guest IPI raced by host IPI: re-raise, exit", 0, 0x04000002, 1, 1, L | S | C | E | R, 3},
        {"host_ipi set first wins over a device irq", 1, 0x05001234, 0, 1, 0, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint32_t acts;
        int steps;
        kvm_ri_step s = run(&rows[i], &acts, &steps);
        printf("# %s\n", rows[i].name);
        TAP_CHECK(s.done);
        TAP_EQ(s.result, rows[i].result);
        TAP_EQ(acts, rows[i].actions);
        TAP_EQ(steps, rows[i].steps);
    }
}

static void host_ipi_classification_invariant(void)
{
    /* I-host-ipi-classification: if host_ipi is seen set at either read, the
     * result is "host"; a pure guest IPI never exits. Exhaustive over the
     * interesting XISR classes. */
    const uint32_t xirrs[] = {0xff000000, 0x04000002, 0x05000010, 0x05fffffe};
    for (int h1 = 0; h1 < 2; h1++)
        for (int h2 = 0; h2 < 2; h2++)
            for (size_t k = 0; k < 4; k++) {
                row r = {"", (uint8_t)h1, xirrs[k], (uint8_t)h2, 0, 0, 0};
                uint32_t acts;
                int steps;
                kvm_ri_step s = run(&r, &acts, &steps);
                uint32_t xisr = xirrs[k] & 0xffffff;
                if (h1 || (xisr == 2 && h2))
                    TAP_EQ(s.result, KVM_RI_HOST);
                if (!h1 && xisr == 2 && !h2)
                    TAP_EQ(s.result, KVM_RI_GUEST_IPI);
                /* A re-raise happens exactly when the IPI was cleared under a
                 * concurrent host IPI. */
                TAP_EQ(!!(acts & KVM_RI_ACT_REARM_MFRR), (!h1 && xisr == 2 && h2));
                /* The MFRR is only cleared for IPIs. */
                TAP_EQ(!!(acts & KVM_RI_ACT_CLEAR_MFRR), (!h1 && xisr == 2));
            }
}

static void deliver_guest_interrupt_table(void)
{
    kvm_deliver d = kvm_deliver_guest_interrupt(true, true, false);
    TAP_CHECK(d.mer);
    TAP_EQ(d.inject, KVM_INJECT_EXTERNAL);
    d = kvm_deliver_guest_interrupt(true, false, true); /* EE off: MER only */
    TAP_CHECK(d.mer);
    TAP_EQ(d.inject, KVM_INJECT_NONE);
    d = kvm_deliver_guest_interrupt(false, true, true);
    TAP_CHECK(!d.mer);
    TAP_EQ(d.inject, KVM_INJECT_DECREMENTER);
    d = kvm_deliver_guest_interrupt(false, true, false);
    TAP_CHECK(!d.mer);
    TAP_EQ(d.inject, KVM_INJECT_NONE);
}

static void wake_reasons(void)
{
    TAP_EQ(kvm_check_wake_reason(HW_WAKE_EXTERNAL, false), KVM_WAKE_ACT_READ_INTR);
    TAP_EQ(kvm_check_wake_reason(HW_WAKE_DECREMENTER, false), KVM_WAKE_ACT_NOTHING);
    TAP_EQ(kvm_check_wake_reason(HW_WAKE_PRIV_DOORBELL, false), KVM_WAKE_ACT_NOTHING);
    TAP_EQ(kvm_check_wake_reason(HW_WAKE_HV_DOORBELL, false), KVM_WAKE_ACT_HOST);
    TAP_EQ(kvm_check_wake_reason(HW_WAKE_HV_DOORBELL, true), KVM_WAKE_ACT_NOTHING);
    TAP_EQ(kvm_check_wake_reason(HW_WAKE_NONE, true), KVM_WAKE_ACT_HOST);
    TAP_STREQ(kvm_ri_result_name(KVM_RI_GUEST_IPI), "guest_ipi");
}

int main(void)
{
    TAP_RUN(decision_table);
    TAP_RUN(host_ipi_classification_invariant);
    TAP_RUN(deliver_guest_interrupt_table);
    TAP_RUN(wake_reasons);
    return tap_done();
}
