/*
 * hw/hw.h — the POWER8 machine: topology, per-thread PACA-like state, the
 * physical ICP per thread, msgsnd doorbells, the decrementer line, nap, and
 * DES-timed signal delivery to a per-thread interrupt sink.
 *
 * Overview
 *   chips x cores_per_chip x threads_per_core hardware threads. Linux CPU
 *   numbering: cpu = core * threads_per_core + thread, core numbers run
 *   chip-major (core = chip * cores_per_chip + core_in_chip). Split-core:
 *   a core runs as 1, 2 or 4 subcores of threads_per_core / subcores
 *   threads; subcore k starts at thread {0,4,2,6}[k] (subcore.c).
 *
 *   Signals are timed: hw_send_xics_ipi / hw_send_doorbell schedule an
 *   arrival after the cost-table latency (ipi_xics_core / _chip / _remote,
 *   ipi_doorbell_core). On arrival the level condition is set (ICP XISR
 *   presented, doorbell pending) and the thread's owner is told through its
 *   sink. A napping thread first wakes: after nap_exit the sink is called
 *   with from_nap = true and the wake reason SRR1 would carry.
 *
 * Sinks (who handles a thread's interrupts)
 *   Each thread has one sink {intr, ctx}, installed by its current owner:
 *   the host for the CPUs it runs (host/host.h), the KVM layer while the
 *   thread is in KVM/guest (it decides with host_ipi and the ICP, as
 *   kvmppc_read_intr does). intr(ctx, t, cause, from_nap) is called:
 *     - when an interrupt condition is raised on a thread that is not
 *       napping (cause = its kind, from_nap = false);
 *     - when a napping thread finishes waking (from_nap = true, cause = the
 *       decoded wake reason); the sink must move the thread out of its nap
 *       mode (hw_set_mode) or nap again (hw_nap_enter).
 *   Conditions are level-triggered and stay set until the owner clears them
 *   (hw_icp_accept / hw_icp_eoi, hw_doorbell_clear, hw_dec_clear); an owner
 *   that is busy (interrupts off) just re-checks hw_thread_intr_pending()
 *   when it re-enables. A thread without a sink keeps its conditions.
 *
 * State per thread (hw_thread)
 *   mode            hw_mode, exactly one at a time (I-hw-mode).
 *   host_ipi        0/1, the M2 flag: set by host IPI senders (full barrier
 *                   then store), cleared by the host handler (store then full
 *                   barrier) — see host/host.h.
 *   hwthread_req    0/1, the primary's request that this secondary stay in KVM.
 *   hwthread_state  IN_KERNEL / IN_NAP / IN_KVM.
 *   kvm_vcore, kvm_vcpu  opaque pointers of the KVM layer; NULL = none.
 *   napping         0, HW_NAPPING_CEDE 1, HW_NAPPING_NOVCPU 2.
 *   ptid            thread number within its (sub)core.
 *   saved_xirr      XIRR real mode accepted on the host's behalf; 0 = none.
 *   icp             physical ICP: mfrr, cppr (0xff = least favoured /
 *                   accept everything, 0 = all masked), xisr (0 = nothing
 *                   presented, 2 = XICS_IPI), pending_pri (0xff = none).
 *   doorbell        1 while a msgsnd doorbell is pending.
 *   dec             1 while a decrementer interrupt is pending.
 *   ipi_msgs        the IPI message word (hw/ipimsg.h).
 *   mode_ns[]       time spent in each mode (ns), up to mode_since.
 *
 * Invariants (hw_check)
 *   I-hw-mode     mode is a valid hw_mode; napping in {0,1,2}; host_ipi and
 *                 hwthread_req in {0,1}; hwthread_state valid.
 *   I-hw-icp      xisr == 0 <=> pending_pri == 0xff; xisr != 0 =>
 *                 pending_pri < cppr (presented only when more favoured).
 *   I-hw-msgs     ipi_msgs has no bits outside the message bytes.
 *   I-hw-wake     a nap wake is scheduled only while the thread naps.
 *   Conservation (hw_conservation, end of run): signals sent == arrived +
 *   in flight.
 *
 * Simplifications (docs/machine.md)
 *   The physical ICP has one source, the IPI (XISR 2); device interrupts are
 *   not modelled at this level. The MFRR write takes effect on arrival (the
 *   quoted latencies are send -> handler). When several conditions are
 *   pending at wake time the reason is the one that triggered the wake.
 *   Privileged doorbells (msgsndp) are decoded but not generated.
 *
 * Concurrency contract: single-threaded, owned by the DES thread of one model.
 */
#ifndef HV_HW_HW_H
#define HV_HW_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "des/des.h"
#include "des/rng.h"
#include "des/trace.h"
#include "hw/costs.h"
#include "hw/ipimsg.h"

#define HW_MAX_CPUS 2048

/* Scenario keys: hw/hw_options.def (field name = key name). */
typedef struct hw_cfg {
    uint64_t chips;
    uint64_t cores_per_chip;
    uint64_t threads_per_core;
    uint64_t subcores_per_core;
    bool msgsnd;
} hw_cfg;
/* Defaults as in hw_options.def: 2 chips x 10 cores x 8 threads, 1 subcore, msgsnd. */
hw_cfg hw_cfg_default(void);
/* NULL or what is wrong with cfg (threads a power of two, split needs 8 threads,
 * total CPUs <= HW_MAX_CPUS); then *key (if key is not NULL) is the hw_cfg
 * field, i.e. the scenario key, that is wrong ("subcores_per_core" when
 * split-core meets fewer than 8 threads). */
const char *hw_cfg_validate(const hw_cfg *cfg, const char **key);

/* X(enum, name) */
#define HW_MODES(X)                                                         \
    X(HW_MODE_HOST, "host")                  /* running host Linux */       \
    X(HW_MODE_HOST_NAP, "host_nap")          /* host idle loop, napping */  \
    X(HW_MODE_OFFLINE_NAP, "offline_nap")    /* offline in Linux, napping */\
    X(HW_MODE_KVM_RM, "kvm_rm")              /* KVM real-mode code */       \
    X(HW_MODE_GUEST, "guest")                /* running guest code */       \
    X(HW_MODE_GUEST_NAP, "guest_nap")        /* napping after H_CEDE */

typedef enum {
#define HW_MODE_ENUM(e, s) e,
    HW_MODES(HW_MODE_ENUM)
#undef HW_MODE_ENUM
    HW_MODE_COUNT
} hw_mode;
const char *hw_mode_name(int mode);
static inline bool hw_mode_is_nap(hw_mode m)
{
    return m == HW_MODE_HOST_NAP || m == HW_MODE_OFFLINE_NAP || m == HW_MODE_GUEST_NAP;
}

typedef enum { HW_HWTHREAD_IN_KERNEL, HW_HWTHREAD_IN_NAP, HW_HWTHREAD_IN_KVM } hw_hwthread_state;
enum { HW_NAPPING_NONE = 0, HW_NAPPING_CEDE = 1, HW_NAPPING_NOVCPU = 2 };

/* SRR1 wake field on nap exit (P8: SRR1[42:45], SRR1_WAKEMASK_P8 0x003c0000)
 * and, for a thread that is not napping, the kind of interrupt.
 * X(enum, field value, name) */
#define HW_WAKE_REASONS(X)                                                  \
    X(HW_WAKE_NONE, 0, "none")                                              \
    X(HW_WAKE_HV_DOORBELL, 3, "hv_doorbell")                                \
    X(HW_WAKE_PRIV_DOORBELL, 5, "priv_doorbell")                            \
    X(HW_WAKE_DECREMENTER, 6, "decrementer")                                \
    X(HW_WAKE_EXTERNAL, 8, "external")

typedef enum {
#define HW_WAKE_ENUM(e, v, s) e = v,
    HW_WAKE_REASONS(HW_WAKE_ENUM)
#undef HW_WAKE_ENUM
} hw_wake_reason;
const char *hw_wake_name(int reason);
#define HW_SRR1_WAKE_SHIFT 18
#define HW_SRR1_WAKEMASK_P8 0x003c0000ull
/* The SRR1 value a wake with reason r leaves (wake field only). */
static inline uint64_t hw_srr1_for(hw_wake_reason r) { return (uint64_t)r << HW_SRR1_WAKE_SHIFT; }
/* kvmppc_check_wake_reason's decode of the P8 wake field; unknown values
 * come back as themselves (the caller treats them as "host must handle"). */
static inline hw_wake_reason hw_wake_decode(uint64_t srr1)
{
    return (hw_wake_reason)((srr1 & HW_SRR1_WAKEMASK_P8) >> HW_SRR1_WAKE_SHIFT);
}

/* XICS constants (PAPR / kernel xics.h). */
enum { HW_XICS_IPI = 2, HW_XICS_IRQ_SPURIOUS = 0, HW_IPI_PRIORITY = 4, HW_PRI_LOWEST = 0xff };

typedef struct hw_icp {
    uint8_t mfrr;        /* 0xff = no IPI requested */
    uint8_t cppr;        /* 0xff = accept all */
    uint8_t pending_pri; /* priority of the presented source; 0xff = none */
    uint32_t xisr;       /* presented source; 0 = none */
} hw_icp;

typedef struct hw_thread hw_thread;
typedef void (*hw_intr_fn)(void *ctx, hw_thread *t, hw_wake_reason cause, bool from_nap);
typedef struct hw_sink {
    hw_intr_fn intr;
    void *ctx;
} hw_sink;

typedef struct hw_machine hw_machine;

struct hw_thread {
    /* topology (constant) */
    uint32_t cpu, core, chip, thread, subcore;
    /* PACA-like state */
    hw_mode mode;
    uint8_t host_ipi, hwthread_req, napping, ptid;
    hw_hwthread_state hwthread_state;
    void *kvm_vcore, *kvm_vcpu;
    uint32_t saved_xirr;
    hw_icp icp;
    uint8_t doorbell, dec;
    uint64_t ipi_msgs;
    hw_sink sink;
    /* nap */
    des_handle wake_ev;     /* pending nap wake, or none */
    hw_wake_reason wake_reason;
    uint64_t nap_gen;       /* incremented by every hw_nap_enter */
    /* accounting */
    des_time mode_since;
    des_time mode_ns[HW_MODE_COUNT];
    uint64_t n_xics_in, n_doorbell_in, n_dec, n_nap_enter, n_nap_exit[16];
    uint64_t n_msg_set[PPC_MSG_COUNT], n_msg_coalesced[PPC_MSG_COUNT];
    des_rng rng;            /* stream for draws made on this thread */
    hw_machine *m;
};

struct hw_machine {
    des_sim *sim;
    hw_cfg cfg;
    hw_costs costs;
    uint32_t ncpus, ncores, threads_shift, threads_per_subcore;
    hw_thread *threads; /* [ncpus] */
    uint64_t signals_sent, signals_arrived, signals_inflight;
    des_trace *trace; /* optional: every mode change is recorded (HW_TRACE_MODE) */
    char check_msg[256]; /* the message hw_check / hw_conservation return */
};

/* Trace record kind of hw (des/trace.h): a thread entered mode a0
 * (hw_mode), track = CPU number. The timeline shows these as its states. */
enum { HW_TRACE_MODE = 0x100 };
/* Record every thread's current mode now (the start of a trace window). */
void hw_trace_modes(hw_machine *m);

/* Build a machine on sim; costs NULL = defaults. Every thread starts in
 * HW_MODE_OFFLINE_NAP with no sink (the host brings its CPUs online).
 * Fatal if hw_cfg_validate fails. */
hw_machine *hw_new(des_sim *sim, const hw_cfg *cfg, const hw_costs *costs, uint64_t seed,
                   uint64_t run);
void hw_free(hw_machine *m);

/* --- topology --- */
static inline hw_thread *hw_thread_of(hw_machine *m, int cpu) { return &m->threads[cpu]; }
static inline int hw_cpu_thread_in_core(const hw_machine *m, int cpu)
{
    return cpu & (int)(m->cfg.threads_per_core - 1);
}
static inline int hw_cpu_core(const hw_machine *m, int cpu) { return cpu >> m->threads_shift; }
static inline int hw_core_first_cpu(const hw_machine *m, int core) { return core << m->threads_shift; }
static inline int hw_cpu_chip(const hw_machine *m, int cpu)
{
    return hw_cpu_core(m, cpu) / (int)m->cfg.cores_per_chip;
}
/* Subcore k's first thread: {0,4,2,6}[k] (for 2 subcores: 0, 4). */
int hw_subcore_first_thread(const hw_machine *m, int k);
/* Subcore of a thread number within its core. */
int hw_thread_subcore(const hw_machine *m, int thread);
/* True if cpu is the first thread of its subcore (a Linux CPU when the host runs SMT-off). */
bool hw_cpu_is_subcore_primary(const hw_machine *m, int cpu);

/* --- mode and accounting --- */
void hw_set_mode(hw_machine *m, hw_thread *t, hw_mode mode);
/* Bring mode_ns up to now (call before reading mode_ns). */
void hw_account(hw_machine *m);
/* Zero the per-thread reporting counters and mode times (not the signal
 * conservation counters). */
void hw_reset_stats(hw_machine *m);
void hw_set_sink(hw_thread *t, hw_intr_fn intr, void *ctx);

/* --- cost access --- */
des_time hw_cost(hw_machine *m, hw_thread *t, hw_cost_id id);

/* --- physical ICP (load XIRR = accept, store XIRR = EOI) --- */
/* MFRR store, effective now (Set_MFRR). Presents the IPI if more favoured
 * than CPPR and any presented source, and raises EXTERNAL. */
void hw_icp_write_mfrr(hw_machine *m, hw_thread *t, uint8_t pri);
/* Load XIRR: returns (CPPR << 24) | XISR and accepts (CPPR = pending
 * priority, XISR = 0). Returns XISR 0 when nothing is presented. */
uint32_t hw_icp_accept(hw_thread *t);
/* Store XIRR (EOI): CPPR = xirr >> 24; re-presents the IPI if the MFRR is
 * still more favoured than the new CPPR. */
void hw_icp_eoi(hw_machine *m, hw_thread *t, uint32_t xirr);
static inline bool hw_icp_presented(const hw_thread *t) { return t->icp.xisr != 0; }

/* --- signalling (timed) --- */
/* XICS IPI: after the latency for (from, to) (from < 0: treated as another
 * chip), write MFRR = pri on the target. */
void hw_send_xics_ipi(hw_machine *m, int from_cpu, int to_cpu, uint8_t pri);
/* msgsnd doorbell within one core (fatal otherwise); arrives after ipi_doorbell_core. */
void hw_send_doorbell(hw_machine *m, int from_cpu, int to_cpu);
void hw_doorbell_clear(hw_thread *t);
/* kvmppc_ipi_thread / kvmhv_rm_send_ipi on POWER8: a doorbell if the target
 * is in the sender's core and hw.msgsnd is on, else an MFRR write of
 * IPI_PRIORITY. Does not touch host_ipi. */
void hw_ipi_thread(hw_machine *m, int from_cpu, int to_cpu);
/* Decrementer interrupt now (timer expiry); level until hw_dec_clear. */
void hw_raise_dec(hw_machine *m, hw_thread *t);
void hw_dec_clear(hw_thread *t);
/* Some condition pending that would interrupt the thread: presented ICP,
 * doorbell or decrementer; returns its kind (HW_WAKE_NONE if none). */
hw_wake_reason hw_thread_intr_pending(const hw_thread *t);

/* --- nap --- */
/* Enter nap in mode (a nap mode). If a condition is already pending the
 * thread wakes after nap_exit. */
void hw_nap_enter(hw_machine *m, hw_thread *t, hw_mode mode);

/* --- message word helpers on a thread (set_message) --- */
/* smp_muxed_ipi_set_message: full barrier, then set the byte. Returns true
 * if the message was already pending (coalesced). */
bool hw_set_message(hw_thread *t, int msg);

/* --- checks --- */
/* NULL, or the first broken invariant as a message held in m->check_msg
 * (valid until the next check of m). */
const char *hw_check(hw_machine *m);
const char *hw_conservation(hw_machine *m);

#endif
