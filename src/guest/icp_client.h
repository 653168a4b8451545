/*
 * guest/icp_client.h — the pseries guest's XICS driver (the icp-hv client of
 * arch/powerpc/sysdev/xics/icp-hv.c) as one small state machine, shared by
 * both guest kernels of this room: guest/guest.c (the work-item guest of the
 * boot mix) and guest/os_vcpu.c (the Linux-like kernel). It says which
 * hypercall a VCPU issues next to set up its ICP, to take, acknowledge and
 * end an external interrupt and to send IPIs, and where a return leads; the
 * kernel issues the hypercall, reports its return, and runs the handler in
 * between (its own concern: the mix guest's device callback inline, the
 * kernel's hard-IRQ time as a compute).
 *
 * Mirrors (icp-hv.c unless named)
 *   xics_setup_cpu -> icp_hv_set_cpu_priority: H_CPPR(0xff) at boot, every
 *     priority accepted (guest_icp_setup);
 *   do_IRQ -> icp_hv_get_irq: H_XIRR; an XISR of 0 (XICS_IRQ_SPURIOUS) is no
 *     interrupt: nothing to handle, no EOI;
 *   an IPI (XISR 2): icp_hv_ipi_action clears the VCPU's own MFRR,
 *     H_IPI(self, 0xff), then smp_ipi_demux (the kernel's handler);
 *   a device source: the handler of its irq;
 *   icp_hv_eoi: H_EOI(xirr) once the handler is over;
 *   smp_send_reschedule (smp_muxed_ipi_message_pass) -> icp_hv_cause_ipi:
 *     H_IPI(server, IPI_PRIORITY) (guest_icp_queue_ipi, then the hcall).
 *
 * State
 *   phase (GUEST_ICP_PHASES): NONE no interrupt under way; XIRR H_XIRR due;
 *     IPI_CLEAR H_IPI(self, 0xff) due; HANDLER the kernel's handler runs
 *     (guest_icp_handler_done ends it); EOI H_EOI due.
 *   xirr: what H_XIRR returned (CPPR byte and XISR), from its return until
 *     the H_EOI returns.
 *   pending: an external interrupt (0x500) was delivered and the handler
 *     has not started (the next guest_icp_irq_hcall starts it).
 *   ipis/nipis/capipis: outgoing IPIs, server numbers in the order queued,
 *     at most one per server (the target's MFRR is one byte: a second IPI
 *     to a server already queued coalesces).
 *
 * Invariants (guest_icp_check): phase is a GUEST_ICP_PHASES row; from
 * IPI_CLEAR to EOI the XISR is not 0; IPI_CLEAR only for an IPI;
 * nipis <= capipis; no server twice in ipis.
 *
 * Simplifications: H_EOI carries the XIRR as H_XIRR returned it
 * (icp_hv_eoi builds it from xics_pop_cppr() and the source: the same
 * value here, as hard interrupts do not nest); an XISR with no Linux
 * mapping (icp_hv_get_irq's xics_mask_unknown_vec) does not occur.
 *
 * Concurrency contract: single-threaded (the DES thread).
 */
#ifndef HV_GUEST_ICP_CLIENT_H
#define HV_GUEST_ICP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm/kvm.h"

/* X(enum, name) */
#define GUEST_ICP_PHASES(X)                                                 \
    X(GUEST_ICP_NONE, "none")                                               \
    X(GUEST_ICP_XIRR, "xirr")                                               \
    X(GUEST_ICP_IPI_CLEAR, "ipi_clear")                                     \
    X(GUEST_ICP_HANDLER, "handler")                                         \
    X(GUEST_ICP_EOI, "eoi")

typedef enum {
#define GUEST_ICP_PHASE_ENUM(e, n) e,
    GUEST_ICP_PHASES(GUEST_ICP_PHASE_ENUM)
#undef GUEST_ICP_PHASE_ENUM
    GUEST_ICP_NPHASES
} guest_icp_phase;

/* What a hypercall's return brought (guest_icp_irq_ret). */
typedef enum {
    GUEST_ICP_GOT_NOTHING, /* not H_XIRR's return, or a spurious XISR */
    GUEST_ICP_GOT_IPI,     /* H_XIRR returned XICS_IPI */
    GUEST_ICP_GOT_DEVICE   /* H_XIRR returned a device source */
} guest_icp_got;

typedef struct guest_icp {
    guest_icp_phase phase;
    uint32_t xirr;
    bool pending;
    uint32_t *ipis;
    uint32_t nipis, capipis;
} guest_icp;

const char *guest_icp_phase_name(int phase);

/* H_CPPR(0xff): the boot hypercall (xics_setup_cpu). */
kvm_gact guest_icp_setup(void);

/* An external interrupt (0x500) was delivered. */
static inline void guest_icp_deliver(guest_icp *s) { s->pending = true; }
/* The interrupt handler's hypercall due now, if any, into *out: a pending
 * interrupt starts the handler (NONE -> XIRR). False when no hypercall is
 * due: no interrupt under way, or in HANDLER (the kernel's handler runs). */
bool guest_icp_irq_hcall(guest_icp *s, uint32_t self_server, kvm_gact *out);
/* The hypercall guest_icp_irq_hcall gave returned (r4: H_XIRR's value):
 * the next phase. H_XIRR -> NONE (spurious), IPI_CLEAR (an IPI) or HANDLER
 * (a device); H_IPI(self) -> HANDLER; H_EOI -> NONE. */
guest_icp_got guest_icp_irq_ret(guest_icp *s, uint64_t r4);
/* The kernel's handler is over: HANDLER -> EOI. */
void guest_icp_handler_done(guest_icp *s);
/* The source being handled (the XISR of xirr). */
static inline uint32_t guest_icp_xisr(const guest_icp *s) { return s->xirr & 0xffffff; }

/* Queue an IPI to server; false when one is queued already (coalesced). */
bool guest_icp_queue_ipi(guest_icp *s, uint32_t server);
/* H_IPI(first queued server, IPI_PRIORITY) into *out; false if none. */
bool guest_icp_ipi_hcall(const guest_icp *s, kvm_gact *out);
/* That H_IPI returned: the server leaves the queue. */
void guest_icp_ipi_ret(guest_icp *s);

void guest_icp_free(guest_icp *s);
/* NULL when the invariants hold, else msg (len bytes) describing the first
 * broken one with the values involved. */
const char *guest_icp_check(const guest_icp *s, char *msg, size_t len);

#endif
