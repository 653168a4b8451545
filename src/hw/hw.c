/* hw/hw.c — the POWER8 machine. See hw/hw.h. */
#include "hw/hw.h"

#include "base/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *mode_names[] = {
#define HW_MODE_NAME(e, s) s,
    HW_MODES(HW_MODE_NAME)
#undef HW_MODE_NAME
};

const char *hw_mode_name(int mode)
{
    return mode >= 0 && mode < HW_MODE_COUNT ? mode_names[mode] : "?";
}

const char *hw_wake_name(int reason)
{
    switch (reason) {
#define HW_WAKE_CASE(e, v, s)                                               \
    case v:                                                                 \
        return s;
        HW_WAKE_REASONS(HW_WAKE_CASE)
#undef HW_WAKE_CASE
    default:
        return "other";
    }
}

const char *hw_msg_name(int msg)
{
    switch (msg) {
#define HW_MSG_CASE(e, n, s)                                                \
    case n:                                                                 \
        return s;
        HW_PPC_MSGS(HW_MSG_CASE)
#undef HW_MSG_CASE
    default:
        return "?";
    }
}

hw_cfg hw_cfg_default(void)
{
    return (hw_cfg){.chips = 2, .cores_per_chip = 10, .threads_per_core = 8,
                    .subcores_per_core = 1, .msgsnd = true};
}

const char *hw_cfg_validate(const hw_cfg *c, const char **key)
{
    const char *k = NULL, *why = NULL;
    uint64_t t = c->threads_per_core;
    if (c->chips < 1 || c->cores_per_chip < 1)
        k = "chips", why = "hw.chips and hw.cores_per_chip must be >= 1";
    else if (t != 1 && t != 2 && t != 4 && t != 8)
        k = "threads_per_core", why = "hw.threads_per_core must be 1, 2, 4 or 8";
    else if (c->subcores_per_core != 1 && c->subcores_per_core != 2 && c->subcores_per_core != 4)
        k = "subcores_per_core", why = "hw.subcores_per_core must be 1, 2 or 4";
    else if (c->subcores_per_core > 1 && t != 8)
        k = "subcores_per_core", why = "split-core needs hw.threads_per_core = 8 (threads_per_subcore 8, 4 or 2)";
    else if (c->chips * c->cores_per_chip * t > HW_MAX_CPUS)
        k = "chips", why = "too many hardware threads (more than HW_MAX_CPUS)";
    if (key)
        *key = k;
    return why;
}

static const int subcore_thread_map[4] = {0, 4, 2, 6};

int hw_subcore_first_thread(const hw_machine *m, int k)
{
    HV_CHECK(k >= 0 && (uint64_t)k < m->cfg.subcores_per_core);
    return subcore_thread_map[k];
}

int hw_thread_subcore(const hw_machine *m, int thread)
{
    for (int k = 0; (uint64_t)k < m->cfg.subcores_per_core; k++) {
        int f = subcore_thread_map[k];
        if (thread >= f && thread < f + (int)m->threads_per_subcore)
            return k;
    }
    HV_DIE("thread %d belongs to no subcore", thread);
}

bool hw_cpu_is_subcore_primary(const hw_machine *m, int cpu)
{
    int th = hw_cpu_thread_in_core(m, cpu);
    return hw_subcore_first_thread(m, hw_thread_subcore(m, th)) == th;
}

hw_machine *hw_new(des_sim *sim, const hw_cfg *cfg, const hw_costs *costs, uint64_t seed,
                   uint64_t run)
{
    const char *err = hw_cfg_validate(cfg, NULL);
    if (err)
        HV_DIE("hw_new: %s", err);
    hw_machine *m = hv_xcalloc(1, sizeof *m);
    m->sim = sim;
    m->cfg = *cfg;
    if (costs)
        m->costs = *costs;
    else
        hw_costs_init(&m->costs);
    m->ncores = (uint32_t)(cfg->chips * cfg->cores_per_chip);
    m->ncpus = m->ncores * (uint32_t)cfg->threads_per_core;
    while ((1u << m->threads_shift) < cfg->threads_per_core)
        m->threads_shift++;
    m->threads_per_subcore = (uint32_t)(cfg->threads_per_core / cfg->subcores_per_core);
    m->threads = hv_xcalloc(m->ncpus, sizeof *m->threads);
    for (uint32_t c = 0; c < m->ncpus; c++) {
        hw_thread *t = &m->threads[c];
        t->m = m;
        t->cpu = c;
        t->core = c >> m->threads_shift;
        t->chip = t->core / (uint32_t)cfg->cores_per_chip;
        t->thread = c & (uint32_t)(cfg->threads_per_core - 1);
        t->subcore = (uint32_t)hw_thread_subcore(m, (int)t->thread);
        t->ptid = (uint8_t)(t->thread - (uint32_t)subcore_thread_map[t->subcore]);
        t->mode = HW_MODE_OFFLINE_NAP;
        t->hwthread_state = HW_HWTHREAD_IN_NAP;
        t->icp = (hw_icp){.mfrr = HW_PRI_LOWEST, .cppr = HW_PRI_LOWEST,
                          .pending_pri = HW_PRI_LOWEST, .xisr = 0};
        t->mode_since = des_now(sim);
        t->rng = des_rng_stream(seed, run, des_rng_id(HW_RNG_KIND_THREAD, c));
    }
    return m;
}

void hw_free(hw_machine *m)
{
    if (!m)
        return;
    free(m->threads);
    free(m);
}

void hw_set_mode(hw_machine *m, hw_thread *t, hw_mode mode)
{
    HV_CHECK(mode >= 0 && mode < HW_MODE_COUNT);
    des_time now = des_now(m->sim);
    t->mode_ns[t->mode] += now - t->mode_since;
    t->mode_since = now;
    if (mode != t->mode)
        des_trace_emit(m->trace, now, t->cpu, HW_TRACE_MODE, (uint64_t)mode, 0, 0, 0);
    t->mode = mode;
}

void hw_account(hw_machine *m)
{
    for (uint32_t c = 0; c < m->ncpus; c++)
        hw_set_mode(m, &m->threads[c], m->threads[c].mode);
}

void hw_set_sink(hw_thread *t, hw_intr_fn intr, void *ctx)
{
    t->sink.intr = intr;
    t->sink.ctx = ctx;
}

des_time hw_cost(hw_machine *m, hw_thread *t, hw_cost_id id)
{
    return hw_cost_draw(&m->costs, id, &t->rng);
}

/* --- interrupt raising and nap --- */

static void nap_wake(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    hw_thread *t = obj;
    t->wake_ev = DES_HANDLE_NONE;
    HV_CHECK(hw_mode_is_nap(t->mode));
    hw_wake_reason r = hw_wake_decode(hw_srr1_for(t->wake_reason));
    t->n_nap_exit[r & 15]++;
    uint64_t gen = t->nap_gen;
    if (t->sink.intr)
        t->sink.intr(t->sink.ctx, t, r, true);
    if (gen == t->nap_gen && hw_mode_is_nap(t->mode))
        HV_DIE("cpu %u woke from nap (%s) but its owner left it in mode %s", t->cpu,
               hw_wake_name(r), hw_mode_name(t->mode));
}

static void raise_intr(hw_machine *m, hw_thread *t, hw_wake_reason cause)
{
    if (hw_mode_is_nap(t->mode)) {
        if (!des_pending(m->sim, t->wake_ev)) {
            t->wake_reason = cause;
            t->wake_ev = des_after(m->sim, hw_cost(m, t, HW_COST_nap_exit), nap_wake, t, 0);
        }
        return;
    }
    if (t->sink.intr)
        t->sink.intr(t->sink.ctx, t, cause, false);
}

void hw_nap_enter(hw_machine *m, hw_thread *t, hw_mode mode)
{
    HV_CHECK(hw_mode_is_nap(mode));
    HV_CHECK(!des_pending(m->sim, t->wake_ev));
    hw_set_mode(m, t, mode);
    t->nap_gen++;
    t->n_nap_enter++;
    hw_wake_reason r = hw_thread_intr_pending(t);
    if (r != HW_WAKE_NONE)
        raise_intr(m, t, r);
}

hw_wake_reason hw_thread_intr_pending(const hw_thread *t)
{
    if (t->icp.xisr)
        return HW_WAKE_EXTERNAL;
    if (t->doorbell)
        return HW_WAKE_HV_DOORBELL;
    if (t->dec)
        return HW_WAKE_DECREMENTER;
    return HW_WAKE_NONE;
}

/* --- physical ICP --- */

void hw_icp_write_mfrr(hw_machine *m, hw_thread *t, uint8_t pri)
{
    hw_icp *p = &t->icp;
    p->mfrr = pri;
    /* Check_IPI: present if more favoured than CPPR and than what is presented. */
    if (pri < p->cppr && pri < p->pending_pri) {
        p->xisr = HW_XICS_IPI;
        p->pending_pri = pri;
        raise_intr(m, t, HW_WAKE_EXTERNAL);
    }
}

uint32_t hw_icp_accept(hw_thread *t)
{
    hw_icp *p = &t->icp;
    uint32_t xirr = ((uint32_t)p->cppr << 24) | p->xisr;
    if (p->xisr) {
        p->cppr = p->pending_pri;
        p->xisr = 0;
        p->pending_pri = HW_PRI_LOWEST;
    }
    return xirr;
}

void hw_icp_eoi(hw_machine *m, hw_thread *t, uint32_t xirr)
{
    hw_icp *p = &t->icp;
    p->cppr = (uint8_t)(xirr >> 24);
    if (p->mfrr < p->cppr && p->mfrr < p->pending_pri) {
        p->xisr = HW_XICS_IPI;
        p->pending_pri = p->mfrr;
        raise_intr(m, t, HW_WAKE_EXTERNAL);
    }
}

/* --- timed signalling --- */

enum { SIG_XICS = 0, SIG_DOORBELL = 1 };

static void xics_arrive(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    hw_thread *t = obj;
    hw_machine *m = t->m;
    m->signals_arrived++;
    m->signals_inflight--;
    t->n_xics_in++;
    hw_icp_write_mfrr(m, t, (uint8_t)arg);
}

static void doorbell_arrive(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    hw_thread *t = obj;
    hw_machine *m = t->m;
    m->signals_arrived++;
    m->signals_inflight--;
    t->n_doorbell_in++;
    t->doorbell = 1;
    raise_intr(m, t, HW_WAKE_HV_DOORBELL);
}

void hw_send_xics_ipi(hw_machine *m, int from_cpu, int to_cpu, uint8_t pri)
{
    HV_CHECK(to_cpu >= 0 && (uint32_t)to_cpu < m->ncpus);
    hw_thread *t = &m->threads[to_cpu];
    hw_cost_id id = HW_COST_ipi_xics_remote;
    if (from_cpu >= 0 && hw_cpu_core(m, from_cpu) == (int)t->core)
        id = HW_COST_ipi_xics_core;
    else if (from_cpu >= 0 && hw_cpu_chip(m, from_cpu) == (int)t->chip)
        id = HW_COST_ipi_xics_chip;
    m->signals_sent++;
    m->signals_inflight++;
    des_after(m->sim, hw_cost(m, t, id), xics_arrive, t, pri);
}

void hw_send_doorbell(hw_machine *m, int from_cpu, int to_cpu)
{
    HV_CHECK(to_cpu >= 0 && (uint32_t)to_cpu < m->ncpus);
    HV_CHECK(from_cpu >= 0 && (uint32_t)from_cpu < m->ncpus);
    /* POWER8 msgsnd is addressed by TIR: same core only. */
    HV_CHECK_I64(hw_cpu_core(m, from_cpu), ==, hw_cpu_core(m, to_cpu));
    hw_thread *t = &m->threads[to_cpu];
    m->signals_sent++;
    m->signals_inflight++;
    des_after(m->sim, hw_cost(m, t, HW_COST_ipi_doorbell_core), doorbell_arrive, t, 0);
}

void hw_doorbell_clear(hw_thread *t) { t->doorbell = 0; }

void hw_ipi_thread(hw_machine *m, int from_cpu, int to_cpu)
{
    if (m->cfg.msgsnd && from_cpu >= 0 && hw_cpu_core(m, from_cpu) == hw_cpu_core(m, to_cpu))
        hw_send_doorbell(m, from_cpu, to_cpu);
    else
        hw_send_xics_ipi(m, from_cpu, to_cpu, HW_IPI_PRIORITY);
}

void hw_raise_dec(hw_machine *m, hw_thread *t)
{
    t->dec = 1;
    t->n_dec++;
    raise_intr(m, t, HW_WAKE_DECREMENTER);
}

void hw_dec_clear(hw_thread *t) { t->dec = 0; }

bool hw_set_message(hw_thread *t, int msg)
{
    HV_CHECK(msg >= 0 && msg < PPC_MSG_COUNT);
    /* smp_mb() then the byte store (pairs with the receiver's xchg). */
    bool was = hw_msg_test(t->ipi_msgs, msg);
    t->ipi_msgs = hw_msg_set(t->ipi_msgs, msg);
    if (was)
        t->n_msg_coalesced[msg]++;
    else
        t->n_msg_set[msg]++;
    return was;
}

/* --- checks --- */

const char *hw_check(hw_machine *m)
{
    for (uint32_t c = 0; c < m->ncpus; c++) {
        const hw_thread *t = &m->threads[c];
        const char *what = NULL;
        if ((unsigned)t->mode >= HW_MODE_COUNT)
            what = "I-hw-mode: invalid mode";
        else if (t->napping > HW_NAPPING_NOVCPU || t->host_ipi > 1 || t->hwthread_req > 1 ||
                 (unsigned)t->hwthread_state > HW_HWTHREAD_IN_KVM)
            what = "I-hw-mode: napping/host_ipi/hwthread_req/hwthread_state out of range";
        else if ((t->icp.xisr == 0) != (t->icp.pending_pri == HW_PRI_LOWEST))
            what = "I-hw-icp: xisr == 0 must go with pending_pri == 0xff";
        else if (t->icp.xisr && !(t->icp.pending_pri < t->icp.cppr))
            what = "I-hw-icp: presented source not more favoured than CPPR";
        else if (t->ipi_msgs & ~HW_MSG_VALID_MASK)
            what = "I-hw-msgs: bits outside the message bytes";
        else if (des_pending(m->sim, t->wake_ev) && !hw_mode_is_nap(t->mode))
            what = "I-hw-wake: nap wake scheduled for a thread that is not napping";
        if (what) {
            snprintf(m->check_msg, sizeof m->check_msg, "cpu %u (mode %s): %s", c,
                     hw_mode_name(t->mode), what);
            return m->check_msg;
        }
    }
    return NULL;
}

const char *hw_conservation(hw_machine *m)
{
    if (m->signals_sent != m->signals_arrived + m->signals_inflight) {
        snprintf(m->check_msg, sizeof m->check_msg,
                 "hw: signals sent %llu != arrived %llu + in flight %llu",
                 (unsigned long long)m->signals_sent, (unsigned long long)m->signals_arrived,
                 (unsigned long long)m->signals_inflight);
        return m->check_msg;
    }
    return NULL;
}

void hw_reset_stats(hw_machine *m)
{
    hw_account(m);
    for (uint32_t i = 0; i < m->ncpus; i++) {
        hw_thread *t = &m->threads[i];
        memset(t->mode_ns, 0, sizeof t->mode_ns);
        t->n_xics_in = t->n_doorbell_in = t->n_dec = t->n_nap_enter = 0;
        memset(t->n_nap_exit, 0, sizeof t->n_nap_exit);
        memset(t->n_msg_set, 0, sizeof t->n_msg_set);
        memset(t->n_msg_coalesced, 0, sizeof t->n_msg_coalesced);
    }
}

void hw_trace_modes(hw_machine *m)
{
    for (uint32_t c = 0; c < m->ncpus; c++)
        des_trace_emit(m->trace, des_now(m->sim), c, HW_TRACE_MODE, (uint64_t)m->threads[c].mode, 0, 0,
                       0);
}
