/*
 * guest/icp_client.c — the guest's XICS driver; see guest/icp_client.h.
 *
 * Mirrors: icp_hv_set_cpu_priority (H_CPPR), icp_hv_get_irq (H_XIRR),
 * icp_hv_ipi_action (H_IPI(self, 0xff)), icp_hv_eoi (H_EOI),
 * icp_hv_cause_ipi (H_IPI(server, IPI_PRIORITY)).
 */
#include "guest/icp_client.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *guest_icp_phase_name(int phase)
{
    static const char *const names[] = {
#define GUEST_ICP_PHASE_NAME(e, n) n,
        GUEST_ICP_PHASES(GUEST_ICP_PHASE_NAME)
#undef GUEST_ICP_PHASE_NAME
    };
    return phase >= 0 && phase < GUEST_ICP_NPHASES ? names[phase] : "?";
}

kvm_gact guest_icp_setup(void) { return kvm_gact_hcall(XICS_H_CPPR, XICS_LOWEST_PRIORITY, 0); }

bool guest_icp_irq_hcall(guest_icp *s, uint32_t self_server, kvm_gact *out)
{
    if (s->phase == GUEST_ICP_NONE && s->pending) {
        s->pending = false;
        s->phase = GUEST_ICP_XIRR;
    }
    switch (s->phase) {
    case GUEST_ICP_XIRR:
        *out = kvm_gact_hcall(XICS_H_XIRR, 0, 0);
        return true;
    case GUEST_ICP_IPI_CLEAR:
        *out = kvm_gact_hcall(XICS_H_IPI, self_server, XICS_LOWEST_PRIORITY);
        return true;
    case GUEST_ICP_EOI:
        *out = kvm_gact_hcall(XICS_H_EOI, s->xirr, 0);
        return true;
    case GUEST_ICP_NONE:
    case GUEST_ICP_HANDLER:
    case GUEST_ICP_NPHASES:
        break;
    }
    return false;
}

guest_icp_got guest_icp_irq_ret(guest_icp *s, uint64_t r4)
{
    switch (s->phase) {
    case GUEST_ICP_XIRR:
        s->xirr = (uint32_t)r4;
        if (guest_icp_xisr(s) == 0) {
            s->phase = GUEST_ICP_NONE; /* spurious: nothing to EOI */
            return GUEST_ICP_GOT_NOTHING;
        }
        if (guest_icp_xisr(s) == XICS_IPI) {
            s->phase = GUEST_ICP_IPI_CLEAR;
            return GUEST_ICP_GOT_IPI;
        }
        s->phase = GUEST_ICP_HANDLER;
        return GUEST_ICP_GOT_DEVICE;
    case GUEST_ICP_IPI_CLEAR:
        s->phase = GUEST_ICP_HANDLER;
        return GUEST_ICP_GOT_NOTHING;
    case GUEST_ICP_EOI:
        s->phase = GUEST_ICP_NONE;
        return GUEST_ICP_GOT_NOTHING;
    case GUEST_ICP_NONE:
    case GUEST_ICP_HANDLER:
    case GUEST_ICP_NPHASES:
        break;
    }
    HV_DIE("guest ICP: a hypercall returned in phase %s, where none was issued",
           guest_icp_phase_name(s->phase));
}

void guest_icp_handler_done(guest_icp *s)
{
    if (s->phase != GUEST_ICP_HANDLER)
        HV_DIE("guest ICP: handler done in phase %s", guest_icp_phase_name(s->phase));
    s->phase = GUEST_ICP_EOI;
}

bool guest_icp_queue_ipi(guest_icp *s, uint32_t server)
{
    for (uint32_t i = 0; i < s->nipis; i++)
        if (s->ipis[i] == server)
            return false;
    if (s->nipis == s->capipis) {
        s->capipis = s->capipis ? 2 * s->capipis : 4;
        s->ipis = hv_xrealloc(s->ipis, s->capipis * sizeof *s->ipis);
    }
    s->ipis[s->nipis++] = server;
    return true;
}

bool guest_icp_ipi_hcall(const guest_icp *s, kvm_gact *out)
{
    if (!s->nipis)
        return false;
    *out = kvm_gact_hcall(XICS_H_IPI, s->ipis[0], XICS_IPI_PRIORITY);
    return true;
}

void guest_icp_ipi_ret(guest_icp *s)
{
    HV_CHECK(s->nipis > 0);
    memmove(s->ipis, s->ipis + 1, (s->nipis - 1) * sizeof *s->ipis);
    s->nipis--;
}

void guest_icp_free(guest_icp *s)
{
    free(s->ipis);
    memset(s, 0, sizeof *s);
}

const char *guest_icp_check(const guest_icp *s, char *msg, size_t len)
{
    uint32_t xisr = guest_icp_xisr(s);
    if ((int)s->phase < 0 || s->phase >= GUEST_ICP_NPHASES) {
        snprintf(msg, len, "guest ICP: phase %d", (int)s->phase);
        return msg;
    }
    if (s->phase >= GUEST_ICP_IPI_CLEAR && xisr == 0) {
        snprintf(msg, len, "guest ICP: phase %s with XISR 0", guest_icp_phase_name(s->phase));
        return msg;
    }
    if (s->phase == GUEST_ICP_IPI_CLEAR && xisr != XICS_IPI) {
        snprintf(msg, len, "guest ICP: clearing the MFRR for XISR %u, not an IPI", xisr);
        return msg;
    }
    if (s->nipis > s->capipis) {
        snprintf(msg, len, "guest ICP: %u IPIs queued in %u slots", s->nipis, s->capipis);
        return msg;
    }
    for (uint32_t i = 0; i < s->nipis; i++)
        for (uint32_t k = i + 1; k < s->nipis; k++)
            if (s->ipis[i] == s->ipis[k]) {
                snprintf(msg, len, "guest ICP: IPI to server %u queued twice (slots %u and %u)",
                         s->ipis[i], i, k);
                return msg;
            }
    return NULL;
}
