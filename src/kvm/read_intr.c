/* M2 real-mode interrupt classification; see read_intr.h. */
#include "kvm/read_intr.h"

#include "xics/xics.h"

const char *kvm_ri_result_name(kvm_ri_result r)
{
    switch (r) {
#define KVM_RI_NAME(e, v, n) case e: return n;
        KVM_RI_RESULTS(KVM_RI_NAME)
#undef KVM_RI_NAME
    }
    return "?";
}

kvm_ri_step kvm_ri_check_host_ipi(uint8_t host_ipi)
{
    /* "see if a host IPI is pending": leave the ICP alone for Linux. */
    if (host_ipi)
        return (kvm_ri_step){true, KVM_RI_HOST, 0};
    return (kvm_ri_step){false, KVM_RI_NONE, KVM_RI_ACT_LOAD_XIRR};
}

kvm_ri_step kvm_ri_classify(uint32_t xirr)
{
    uint32_t xisr = xirr & 0xffffffu;
    /* The XIRR is always latched first; the host driver consumes it. */
    if (xisr == 0)
        return (kvm_ri_step){true, KVM_RI_NONE, KVM_RI_ACT_SAVE_XIRR};
    if (xisr != XICS_IPI)
        return (kvm_ri_step){true, KVM_RI_HOST, KVM_RI_ACT_SAVE_XIRR};
    /* A guest-or-host IPI: clear it and EOI, then re-check host_ipi. */
    return (kvm_ri_step){false, KVM_RI_NONE,
                         KVM_RI_ACT_SAVE_XIRR | KVM_RI_ACT_CLEAR_MFRR | KVM_RI_ACT_EOI};
}

kvm_ri_step kvm_ri_recheck(uint8_t host_ipi)
{
    if (host_ipi) /* we raced with the host: resend that IPI */
        return (kvm_ri_step){true, KVM_RI_HOST, KVM_RI_ACT_REARM_MFRR};
    return (kvm_ri_step){true, KVM_RI_GUEST_IPI, KVM_RI_ACT_CLEAR_SAVED};
}

kvm_deliver kvm_deliver_guest_interrupt(bool ext_pending, bool msr_ee, bool dec_negative)
{
    kvm_deliver d = {ext_pending, KVM_INJECT_NONE};
    if (msr_ee) {
        if (ext_pending)
            d.inject = KVM_INJECT_EXTERNAL;
        else if (dec_negative)
            d.inject = KVM_INJECT_DECREMENTER;
    }
    return d;
}

kvm_wake_action kvm_check_wake_reason(hw_wake_reason w, bool doorbell_is_kvm_poke)
{
    switch (w) {
    case HW_WAKE_EXTERNAL:
        return KVM_WAKE_ACT_READ_INTR;
    case HW_WAKE_DECREMENTER:
    case HW_WAKE_PRIV_DOORBELL:
        return KVM_WAKE_ACT_NOTHING;
    case HW_WAKE_HV_DOORBELL:
        return doorbell_is_kvm_poke ? KVM_WAKE_ACT_NOTHING : KVM_WAKE_ACT_HOST;
    case HW_WAKE_NONE:
        break;
    }
    return KVM_WAKE_ACT_HOST;
}
