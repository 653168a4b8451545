/*
 * hw/ipimsg.h — the per-CPU IPI message word (struct cpu_messages,
 * arch/powerpc/kernel/smp.c) as pure functions on a uint64_t.
 *
 * Overview
 *   Each message is one byte of a 64-bit word; a set byte means "message
 *   pending". Numbers (PPC_MSG_*): CALL_FUNCTION 0, RESCHEDULE 1,
 *   TICK_BROADCAST 2, NMI_IPI 3 (was DEBUGGER_BREAK), RM_HOST_ACTION 4
 *   (powernv only, M1).
 *
 * Layout
 *   The kernel's IPI_MESSAGE(n) is 1 << (BITS_PER_LONG-8-8n) on big-endian
 *   and 1 << 8n on little-endian, so that byte n of the word is the message
 *   in memory order either way. hvwake uses the little-endian value:
 *   byte n = bits [8n, 8n+8), only bit 8n is ever set (the kernel stores 1
 *   into the byte). Bytes 5..7 are unused and must stay 0.
 *
 * Operations (sender / receiver)
 *   set_message   smp_muxed_ipi_set_message: smp_mb(), then a byte store of 1.
 *                 Pure form: new = hw_msg_set(old, msg). Setting an already
 *                 set byte is a coalesced message (one demux handles both).
 *   cause_ipi     the platform raise (XICS MFRR write or doorbell), with a
 *                 full barrier of its own (hw/hw.h, host/host.h).
 *   demux         smp_ipi_demux: mb(); do { all = xchg(word, 0);
 *                 RM_HOST_ACTION first, then CALL_FUNCTION, RESCHEDULE,
 *                 TICK_BROADCAST, NMI_IPI } while (word != 0).
 *                 Pure form: hw_msg_xchg + hw_msg_demux_order.
 *
 * Concurrency contract
 *   These functions are pure. A live (real-thread) driver applies
 *   hw_msg_set with an atomic OR preceded by a seq_cst fence (smp_mb), and
 *   the exchange with atomic_exchange (seq_cst, pairs with the sender's
 *   fence); the DES driver applies them with plain stores.
 */
#ifndef HV_HW_IPIMSG_H
#define HV_HW_IPIMSG_H

#include <stdbool.h>
#include <stdint.h>

/* X(enum, number, name) */
#define HW_PPC_MSGS(X)                                                      \
    X(PPC_MSG_CALL_FUNCTION, 0, "call_function")                            \
    X(PPC_MSG_RESCHEDULE, 1, "reschedule")                                  \
    X(PPC_MSG_TICK_BROADCAST, 2, "tick_broadcast")                          \
    X(PPC_MSG_NMI_IPI, 3, "nmi_ipi")                                        \
    X(PPC_MSG_RM_HOST_ACTION, 4, "rm_host_action")

typedef enum {
#define HW_MSG_ENUM(e, n, s) e = n,
    HW_PPC_MSGS(HW_MSG_ENUM)
#undef HW_MSG_ENUM
    PPC_MSG_COUNT
} hw_ppc_msg;

_Static_assert(PPC_MSG_COUNT <= 8, "one byte per message in a 64-bit word");

const char *hw_msg_name(int msg);

/* IPI_MESSAGE(msg), little-endian form. */
static inline uint64_t hw_msg_bit(int msg) { return (uint64_t)1 << (8 * msg); }
/* Mask of every valid message bit. */
#define HW_MSG_VALID_MASK                                                   \
    ((uint64_t)0x0000000101010101ull)
_Static_assert(PPC_MSG_COUNT == 5, "update HW_MSG_VALID_MASK");

static inline bool hw_msg_test(uint64_t word, int msg) { return (word & hw_msg_bit(msg)) != 0; }
/* set_message: the word after storing 1 into byte msg. */
static inline uint64_t hw_msg_set(uint64_t word, int msg) { return word | hw_msg_bit(msg); }
/* xchg(word, 0): returns the old word in *all, the new word (0). */
static inline uint64_t hw_msg_xchg(uint64_t word, uint64_t *all)
{
    *all = word;
    return 0;
}
/* The kernel's handling order for the messages in all: RM_HOST_ACTION
 * first, then ascending numbers. Writes them to out (PPC_MSG_COUNT slots)
 * and returns how many. */
static inline int hw_msg_demux_order(uint64_t all, int out[PPC_MSG_COUNT])
{
    int n = 0;
    if (hw_msg_test(all, PPC_MSG_RM_HOST_ACTION))
        out[n++] = PPC_MSG_RM_HOST_ACTION;
    for (int m = 0; m < PPC_MSG_COUNT; m++)
        if (m != PPC_MSG_RM_HOST_ACTION && hw_msg_test(all, m))
            out[n++] = m;
    return n;
}
/* Number of pending messages in word. */
static inline int hw_msg_count(uint64_t word)
{
    int n = 0;
    for (int m = 0; m < PPC_MSG_COUNT; m++)
        n += hw_msg_test(word, m);
    return n;
}

#endif
