/* Whole-core entry/exit words; see vcore_sync.h. */
#include "kvm/vcore_sync.h"

#include "base/hv.h"

#include <stdio.h>

kvm_eem_result kvm_eem_enter(uint32_t map, unsigned ptid)
{
    HV_CHECK(ptid < 8);
    if (kvm_eem_exiting(map)) /* secondary_too_late */
        return (kvm_eem_result){false, map};
    return (kvm_eem_result){true, map | (1u << ptid)};
}

kvm_eem_result kvm_eem_exit(uint32_t map, unsigned ptid)
{
    HV_CHECK(ptid < 8);
    bool first = !kvm_eem_exiting(map);
    return (kvm_eem_result){first, map | (1u << (ptid + KVM_EEM_EXIT_SHIFT))};
}

bool kvm_eem_all_out(uint32_t map) { return kvm_eem_exited(map) == kvm_eem_entered(map); }

uint32_t kvm_eem_still_in(uint32_t map) { return kvm_eem_entered(map) & ~kvm_eem_exited(map); }

const char *kvm_eem_check(uint32_t map, char *buf, size_t len)
{
    if (map >> 16) {
        snprintf(buf, len, "entry_exit_map 0x%x has bits above 15", map);
        return buf;
    }
    if (kvm_eem_exited(map) & ~kvm_eem_entered(map)) {
        snprintf(buf, len, "entry_exit_map 0x%x: a thread exited without entering", map);
        return buf;
    }
    return NULL;
}

bool kvm_cede_all_napping(uint8_t napping, uint32_t map, unsigned ptid)
{
    HV_CHECK(ptid < 8);
    uint32_t entered = kvm_eem_entered(map);
    return ((napping | (1u << ptid)) & entered) == entered;
}
