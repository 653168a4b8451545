/* Live engine: a host core's thread 0 — idle loop, guest phases, the host IPI
 * handler (icp_native_ipi_action -> smp_ipi_demux -> rm_host_ipi_action /
 * the call-function acknowledgement) and kick_all_cpus_sync. See live.h for
 * the barrier table; each atomic below names the operation it pairs with. */
#include "live/live_internal.h"

#include "base/hv.h"
#include "hw/ipimsg.h"
#include "kvm/hostcore.h"

#include <sched.h>


/* kvmppc_set_host_core / kvmppc_clear_host_core: the in_host half of the
 * word, never looking at rm_action. The kernel's plain 32-bit store becomes
 * a CAS loop applying kvm_hc_with_in_host (C11 has no store to half of a
 * 64-bit atomic object); it races with the reservers' CAS exactly as the
 * store does (a reserver that read the old word fails its CAS). */
static uint64_t set_in_host(live_core *c, uint32_t in_host, memory_order mo)
{
    uint64_t old = atomic_load_explicit(&c->rm_state, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&c->rm_state, &old,
                                                  kvm_hc_with_in_host(old, in_host), mo,
                                                  memory_order_relaxed))
        ;
    return kvm_hc_with_in_host(old, in_host);
}

/* The end of rm_host_ipi_action: rm_action = 0, with release so that the
 * NULL store of rm_data before it is visible to the next reserver (pairs with
 * the acquire of the reserving CAS in live_vcpu.c). */
static void clear_action(live_core *c, memory_order mo)
{
    uint64_t old = atomic_load_explicit(&c->rm_state, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&c->rm_state, &old, kvm_hc_released(old), mo,
                                                  memory_order_relaxed))
        ;
}

/* Checker: the reservation being handled is the one its reserver made, of a
 * VM whose VCPUs are not freed. The shadow was written by the reserver
 * before its release store of rm_data, which our acquire load read. */
static void check_kick_target(live_sys *s, live_core *c, live_vcpu *v)
{
    live_vcpu *want = atomic_load_explicit(&c->chk_vcpu, memory_order_relaxed);
    unsigned ep = atomic_load_explicit(&c->chk_epoch, memory_order_relaxed);
    if (v != want)
        live_violation(s, true, "core %u: rm_data is not the VCPU its reserver published "
                       "(I-published-before-send)", c->index);
    unsigned freed = atomic_load_explicit(&s->freed_upto, memory_order_relaxed);
    if (ep <= freed)
        live_violation(s, !LIVE_ASAN, "core %u: kick to a VCPU of VM %u, whose VCPUs are freed "
                       "(VMs 1..%u freed; I-no-UAF)", c->index, ep, freed);
}

/* rm_host_ipi_action (book3s_hv.c, 4.6): on thread 0 of the reserved core. */
static void rm_host_ipi_action(live_sys *s, live_core *c)
{
    /* Pairs with the reserver's release store of rm_data (and, through the
     * message, with set_message's seq_cst RMW). */
    live_vcpu *v = atomic_load_explicit(&c->rm_data, memory_order_acquire);
    if (!v) {
        /* The kernel returns quietly; in this protocol an RM_HOST_ACTION
         * message is only sent after rm_data, and only this handler clears
         * it, so NULL here means a reservation's data was lost (R2/R3). */
        live_violation(s, true, "core %u: RM_HOST_ACTION taken with rm_data NULL (reserved %llu, "
                       "released %llu): the reservation's data was overwritten (R2)", c->index,
                       (unsigned long long)atomic_load_explicit(&c->chk_reserved, memory_order_relaxed),
                       (unsigned long long)atomic_load_explicit(&c->chk_released, memory_order_relaxed));
        return;
    }
    uint64_t w = atomic_load_explicit(&c->rm_state, memory_order_relaxed); /* after the acquire */
    check_kick_target(s, c, v);
    if (kvm_hc_action(w) != KVM_HC_ACTION_KICK_VCPU)
        live_violation(s, true, "core %u: unexpected rm_action %u with rm_data set", c->index,
                       kvm_hc_action(w));
    live_kick(v);
    atomic_fetch_add_explicit(&c->handled, 1, memory_order_relaxed);
    live_yield_point(s, &c->rng);
    uint64_t released = atomic_fetch_add_explicit(&c->chk_released, 1, memory_order_relaxed);
    if (released >= atomic_load_explicit(&c->chk_reserved, memory_order_relaxed))
        live_violation(s, true, "core %u: release %llu without a reservation "
                       "(I-reservation-released)", c->index, (unsigned long long)released + 1);
    if (s->cfg.bug == LIVE_BUG_RELEASE_ORDER) {
        /* Injected bug: rm_action cleared first, then rm_data (R2 open). */
        clear_action(c, memory_order_release);
        live_yield_point(s, &c->rng);
        atomic_store_explicit(&c->rm_data, NULL, memory_order_relaxed);
    } else {
        /* p->rm_data = NULL; smp_wmb(); p->rm_state.rm_action = 0; */
        atomic_store_explicit(&c->rm_data, NULL, memory_order_relaxed);
        live_yield_point(s, &c->rng);
        clear_action(c, memory_order_release);
    }
}

/* generic_smp_call_function_interrupt for kick_all_cpus_sync's empty
 * function: csd_unlock = smp_store_release; pairs with the acquire load in
 * live_kick_all_cpus_sync. */
static void call_function(live_sys *s, live_core *c)
{
    uint64_t req = atomic_load_explicit(&c->csd_req, memory_order_relaxed);
    atomic_store_explicit(&c->csd_ack, req,
                          s->cfg.bug == LIVE_BUG_RELAXED_ACK ? memory_order_relaxed
                                                             : memory_order_release);
}

/* icp_native_ipi_action: kvmppc_clear_host_ipi (store 0; smp_mb), then
 * smp_ipi_demux: mb(); do { all = xchg(messages, 0); RM_HOST_ACTION first,
 * then the others } while (messages). */
static void handle_ipi(live_sys *s, live_core *c)
{
    atomic_store_explicit(&c->host_ipi, 0, memory_order_seq_cst);
    do {
        /* Pairs with set_message's seq_cst fetch_or (live_send_host_ipi). */
        uint64_t all = atomic_exchange_explicit(&c->msgs, 0, memory_order_seq_cst);
        int order[PPC_MSG_COUNT];
        int n = hw_msg_demux_order(all, order);
        for (int i = 0; i < n; i++) {
            switch (order[i]) {
            case PPC_MSG_RM_HOST_ACTION:
                rm_host_ipi_action(s, c);
                break;
            case PPC_MSG_CALL_FUNCTION:
                call_function(s, c);
                break;
            default:
                live_violation(s, true, "core %u: unexpected message %s", c->index,
                               hw_msg_name(order[i]));
            }
        }
    } while (atomic_load_explicit(&c->msgs, memory_order_seq_cst) != 0);
}

static bool ipi_pending(live_core *c)
{
    return atomic_load_explicit(&c->msgs, memory_order_seq_cst) != 0 ||
           atomic_load_explicit(&c->host_ipi, memory_order_seq_cst) != 0;
}

static bool stopping(const live_sys *s)
{
    return atomic_load_explicit(&s->stop_cores, memory_order_acquire) != 0;
}

/* The host idle loop until an IPI. futex: arm (idle = 1), re-check, sleep;
 * the seq_cst store pairs with the sender's seq_cst exchange of idle after
 * its seq_cst message store (no lost IPI: one of the two sees the other).
 * spin: poll the message word (yielding: threads may outnumber CPUs). */
static void idle_wait(live_sys *s, live_core *c)
{
    if (s->cfg.signal == LIVE_SIGNAL_SPIN) {
        while (!ipi_pending(c) && !stopping(s))
            sched_yield();
        return;
    }
    atomic_store_explicit(&c->idle, 1, memory_order_seq_cst);
    while (atomic_load_explicit(&c->idle, memory_order_acquire) == 1 && !ipi_pending(c) &&
           !stopping(s))
        live_futex_wait(&c->idle, 1);
    atomic_store_explicit(&c->idle, 0, memory_order_relaxed);
}

/* A vcore runs on this core: in_host := 0 (kvmppc_clear_host_core, before
 * kvmppc_start_thread's smp_wmb), the guest runs until its time is up or a
 * host IPI arrives (kvmppc_read_intr: host_ipi set -> exit), in_host := 1
 * (kvmppc_set_host_core, before spin_unlock(&vc->lock): release). */
static void guest_phase(live_sys *s, live_core *c)
{
    if (kvm_hc_state_of(set_in_host(c, 0, memory_order_relaxed)) == KVM_HC_RESERVED_LEFT_HOST)
        atomic_fetch_add_explicit(&c->reserved_left_host, 1, memory_order_relaxed); /* R5 */
    atomic_fetch_add_explicit(&c->guest_entries, 1, memory_order_relaxed);
    unsigned n = 1 + des_rng_below(&c->rng, 2 * s->cfg.guest_len);
    for (unsigned i = 0; i < n; i++) {
        if (atomic_load_explicit(&c->host_ipi, memory_order_seq_cst)) {
            atomic_fetch_add_explicit(&c->guest_ipi_exits, 1, memory_order_relaxed);
            break;
        }
        sched_yield();
    }
    set_in_host(c, 1, memory_order_release);
}

void *live_core_main(void *arg)
{
    live_core *c = arg;
    live_sys *s = c->sys;
    if (live_pin_self(s) != HV_OK)
        live_violation(s, false, "core %u: could not pin its thread", c->index);
    while (!stopping(s)) {
        idle_wait(s, c);
        /* Woken: sometimes a vcore enters first (the R5 window: a reserved
         * core leaves the host before it takes the IPI) ... */
        if (s->cfg.guest_pct && des_rng_below(&c->rng, 100) < s->cfg.guest_pct)
            guest_phase(s, c);
        if (ipi_pending(c))
            handle_ipi(s, c);
        /* ... or after the handler (the kicked vcore runs here), entering
         * while senders scan and CAS this core's word. */
        if (s->cfg.guest_pct && des_rng_below(&c->rng, 100) < s->cfg.guest_pct)
            guest_phase(s, c);
    }
    return NULL;
}

void live_send_host_ipi(live_sys *s, live_core *c, int msg)
{
    /* smp_muxed_ipi_set_message: smp_mb(); byte store -> one seq_cst RMW
     * (pairs with the handler's exchange). */
    atomic_fetch_or_explicit(&c->msgs, hw_msg_set(0, msg), memory_order_seq_cst);
    /* kvmppc_set_host_ipi: smp_mb(); host_ipi = 1 (pairs with the clear in
     * handle_ipi and with the guest phase's poll). */
    atomic_store_explicit(&c->host_ipi, 1, memory_order_seq_cst);
    /* smp_mb() before kvmhv_rm_send_ipi / cause_ipi. */
    atomic_thread_fence(memory_order_seq_cst);
    /* The IPI: wake the core's thread if it sleeps (pairs with idle_wait's
     * seq_cst arm). */
    if (s->cfg.signal == LIVE_SIGNAL_FUTEX &&
        atomic_exchange_explicit(&c->idle, 0, memory_order_seq_cst))
        live_futex_wake(&c->idle);
}

void live_kick_all_cpus_sync(live_sys *s)
{
    memory_order mo = s->cfg.bug == LIVE_BUG_RELAXED_ACK ? memory_order_relaxed
                                                         : memory_order_acquire;
    for (unsigned i = 0; i < s->ncores; i++) {
        live_core *c = &s->core[i];
        if (!c->host)
            continue;
        atomic_fetch_add_explicit(&c->csd_req, 1, memory_order_relaxed);
        live_send_host_ipi(s, c, PPC_MSG_CALL_FUNCTION);
    }
    for (unsigned i = 0; i < s->ncores; i++) {
        live_core *c = &s->core[i];
        if (!c->host)
            continue;
        uint64_t want = atomic_load_explicit(&c->csd_req, memory_order_relaxed);
        uint64_t t0 = live_now_ns();
        /* csd_lock_wait: smp_cond_load_acquire; pairs with call_function. */
        while (atomic_load_explicit(&c->csd_ack, mo) < want) {
            if (live_now_ns() - t0 > s->cfg.watchdog_ns)
                live_violation(s, true, "core %u did not acknowledge kick_all_cpus_sync",
                               c->index);
            sched_yield();
        }
    }
    atomic_fetch_add_explicit(&s->drains, 1, memory_order_relaxed);
}
