/* hw room: topology numbering, split-core, message word demux order and
 * coalescing, physical ICP, timed signalling, nap wake reasons, cost table. */
#include "base/hv.h"
#include "hw/hw.h"
#include "tap.h"

#include <math.h>

static void topology_numbering(void)
{
    des_sim *s = des_new();
    hw_cfg c = hw_cfg_default();
    c.chips = 2;
    c.cores_per_chip = 3;
    hw_machine *m = hw_new(s, &c, NULL, 1, 0);
    TAP_EQ(m->ncpus, 48);
    TAP_EQ(m->ncores, 6);
    TAP_EQ(m->threads_shift, 3);
    /* cpu = core * 8 + thread */
    TAP_EQ(hw_cpu_core(m, 29), 3);
    TAP_EQ(hw_cpu_thread_in_core(m, 29), 5);
    TAP_EQ(hw_core_first_cpu(m, 3), 24);
    TAP_EQ(hw_cpu_chip(m, 23), 0);
    TAP_EQ(hw_cpu_chip(m, 24), 1);
    TAP_EQ(m->threads[29].chip, 1);
    TAP_EQ(m->threads[29].ptid, 5);
    TAP_CHECK(hw_cpu_is_subcore_primary(m, 24));
    TAP_CHECK(!hw_cpu_is_subcore_primary(m, 28));
    TAP_EQ(m->threads[5].mode, HW_MODE_OFFLINE_NAP);
    hw_free(m);
    c.threads_per_core = 4;
    m = hw_new(s, &c, NULL, 1, 0);
    TAP_EQ(m->ncpus, 24);
    TAP_EQ(hw_cpu_core(m, 13), 3);
    TAP_EQ(hw_cpu_thread_in_core(m, 13), 1);
    hw_free(m);
    c.threads_per_core = 6;
    const char *key = NULL;
    TAP_STREQ(hw_cfg_validate(&c, &key), "hw.threads_per_core must be 1, 2, 4 or 8");
    TAP_STREQ(key, "threads_per_core");
    des_free(s);
}

static void split_core(void)
{
    des_sim *s = des_new();
    hw_cfg c = hw_cfg_default();
    c.chips = 1;
    c.cores_per_chip = 1;
    c.subcores_per_core = 4;
    hw_machine *m = hw_new(s, &c, NULL, 1, 0);
    TAP_EQ(m->threads_per_subcore, 2);
    int want_first[4] = {0, 4, 2, 6};
    for (int k = 0; k < 4; k++)
        TAP_EQ(hw_subcore_first_thread(m, k), want_first[k]);
    int want_sub[8] = {0, 0, 2, 2, 1, 1, 3, 3};
    for (int t = 0; t < 8; t++) {
        TAP_EQ(m->threads[t].subcore, want_sub[t]);
        TAP_EQ(m->threads[t].ptid, t & 1);
    }
    TAP_CHECK(hw_cpu_is_subcore_primary(m, 2));
    TAP_CHECK(!hw_cpu_is_subcore_primary(m, 3));
    hw_free(m);
    c.subcores_per_core = 2;
    m = hw_new(s, &c, NULL, 1, 0);
    TAP_EQ(m->threads[3].subcore, 0);
    TAP_EQ(m->threads[4].subcore, 1);
    TAP_EQ(m->threads[7].ptid, 3);
    hw_free(m);
    c.threads_per_core = 4;
    const char *key = NULL;
    TAP_STREQ(hw_cfg_validate(&c, &key), "split-core needs hw.threads_per_core = 8 (threads_per_subcore 8, 4 or 2)");
    TAP_STREQ(key, "subcores_per_core");
    c.threads_per_core = 8;
    c.subcores_per_core = 3;
    TAP_STREQ(hw_cfg_validate(&c, &key), "hw.subcores_per_core must be 1, 2 or 4");
    TAP_STREQ(key, "subcores_per_core");
    c.subcores_per_core = 1;
    TAP_CHECK(hw_cfg_validate(&c, &key) == NULL);
    TAP_CHECK(key == NULL);
    des_free(s);
}

static void message_word(void)
{
    TAP_EQ(hw_msg_bit(PPC_MSG_RESCHEDULE), 0x100);
    TAP_EQ(hw_msg_bit(PPC_MSG_RM_HOST_ACTION), 0x100000000ull);
    TAP_STREQ(hw_msg_name(PPC_MSG_RM_HOST_ACTION), "rm_host_action");
    uint64_t w = 0;
    w = hw_msg_set(w, PPC_MSG_TICK_BROADCAST);
    w = hw_msg_set(w, PPC_MSG_RM_HOST_ACTION);
    w = hw_msg_set(w, PPC_MSG_CALL_FUNCTION);
    w = hw_msg_set(w, PPC_MSG_CALL_FUNCTION); /* coalesces */
    TAP_EQ(hw_msg_count(w), 3);
    uint64_t all;
    w = hw_msg_xchg(w, &all);
    TAP_EQ(w, 0);
    int order[PPC_MSG_COUNT];
    int n = hw_msg_demux_order(all, order);
    TAP_EQ(n, 3);
    TAP_EQ(order[0], PPC_MSG_RM_HOST_ACTION);
    TAP_EQ(order[1], PPC_MSG_CALL_FUNCTION);
    TAP_EQ(order[2], PPC_MSG_TICK_BROADCAST);
    TAP_EQ(all & ~HW_MSG_VALID_MASK, 0);

    des_sim *s = des_new();
    hw_cfg c = hw_cfg_default();
    hw_machine *m = hw_new(s, &c, NULL, 1, 0);
    hw_thread *t = hw_thread_of(m, 8);
    TAP_CHECK(!hw_set_message(t, PPC_MSG_RESCHEDULE));
    TAP_CHECK(hw_set_message(t, PPC_MSG_RESCHEDULE));
    TAP_EQ(t->n_msg_set[PPC_MSG_RESCHEDULE], 1);
    TAP_EQ(t->n_msg_coalesced[PPC_MSG_RESCHEDULE], 1);
    TAP_CHECK(hw_check(m) == NULL);
    t->ipi_msgs |= 1ull << 60;
    TAP_STREQ(hw_check(m), "cpu 8 (mode offline_nap): I-hw-msgs: bits outside the message bytes");
    t->ipi_msgs = 0;
    hw_free(m);
    des_free(s);
}

typedef struct {
    int n;
    hw_wake_reason cause[8];
    bool from_nap[8];
    des_time when[8];
    des_sim *s;
} sink_log;

static void log_sink(void *ctx, hw_thread *t, hw_wake_reason cause, bool from_nap)
{
    sink_log *l = ctx;
    if (l->n < 8) {
        l->cause[l->n] = cause;
        l->from_nap[l->n] = from_nap;
        l->when[l->n] = des_now(l->s);
    }
    l->n++;
    if (from_nap)
        hw_set_mode(t->m, t, HW_MODE_HOST);
}

static void signalling_and_nap(void)
{
    des_sim *s = des_new();
    hw_cfg c = hw_cfg_default();
    hw_machine *m = hw_new(s, &c, NULL, 1, 0);
    sink_log l = {.s = s};
    hw_thread *t1 = hw_thread_of(m, 1), *t16 = hw_thread_of(m, 16);
    hw_set_mode(m, t1, HW_MODE_HOST);
    hw_set_sink(t1, log_sink, &l);
    /* in-core XICS IPI: 894 ns, presents XISR 2 */
    m->cfg.msgsnd = false;
    hw_ipi_thread(m, 0, 1);
    des_run_until(s, 10000);
    TAP_EQ(l.n, 1);
    TAP_EQ(l.cause[0], HW_WAKE_EXTERNAL);
    TAP_EQ(l.when[0], 894);
    TAP_CHECK(hw_icp_presented(t1));
    uint32_t xirr = hw_icp_accept(t1);
    TAP_EQ(xirr, 0xff000002u);
    TAP_EQ(t1->icp.cppr, HW_IPI_PRIORITY);
    hw_icp_write_mfrr(m, t1, HW_PRI_LOWEST);
    hw_icp_eoi(m, t1, xirr);
    TAP_EQ(t1->icp.cppr, 0xff);
    TAP_CHECK(!hw_icp_presented(t1));
    TAP_EQ(l.n, 1);
    /* EOI with the MFRR still set re-presents */
    hw_icp_write_mfrr(m, t1, HW_IPI_PRIORITY);
    TAP_EQ(l.n, 2);
    xirr = hw_icp_accept(t1);
    hw_icp_eoi(m, t1, xirr);
    TAP_EQ(l.n, 3);
    TAP_CHECK(hw_icp_presented(t1));
    xirr = hw_icp_accept(t1);
    hw_icp_write_mfrr(m, t1, HW_PRI_LOWEST);
    hw_icp_eoi(m, t1, xirr);
    /* doorbell with msgsnd on: 512 ns */
    m->cfg.msgsnd = true;
    des_time t0 = des_now(s);
    hw_ipi_thread(m, 0, 1);
    des_run_until(s, t0 + 10000);
    TAP_EQ(l.n, 4);
    TAP_EQ(l.cause[3], HW_WAKE_HV_DOORBELL);
    TAP_EQ(l.when[3] - t0, 512);
    hw_doorbell_clear(t1);
    /* cross-core from msgsnd goes by XICS: chip latency; napping target adds nap_exit */
    hw_set_sink(t16, log_sink, &l);
    hw_nap_enter(m, t16, HW_MODE_HOST_NAP);
    t0 = des_now(s);
    hw_ipi_thread(m, 0, 16);
    des_run_until(s, t0 + 100000);
    TAP_EQ(l.n, 5);
    TAP_CHECK(l.from_nap[4]);
    TAP_EQ(l.cause[4], HW_WAKE_EXTERNAL);
    TAP_EQ(l.when[4] - t0, (uint64_t)(m->costs.value_ns[HW_COST_ipi_xics_chip] +
                                      m->costs.value_ns[HW_COST_nap_exit]));
    TAP_EQ(t16->mode, HW_MODE_HOST);
    TAP_EQ(t16->n_nap_exit[HW_WAKE_EXTERNAL], 1);
    TAP_CHECK(hw_check(m) == NULL);
    TAP_CHECK(hw_conservation(m) == NULL);
    TAP_EQ(m->signals_sent, 3);
    /* decrementer on a napping thread: wake reason 6 */
    hw_thread *t24 = hw_thread_of(m, 24);
    hw_set_sink(t24, log_sink, &l);
    hw_nap_enter(m, t24, HW_MODE_HOST_NAP);
    t0 = des_now(s);
    hw_raise_dec(m, t24);
    des_run_until(s, t0 + 100000);
    TAP_EQ(l.n, 6);
    TAP_EQ(l.cause[5], HW_WAKE_DECREMENTER);
    TAP_EQ(l.when[5] - t0, (uint64_t)m->costs.value_ns[HW_COST_nap_exit]);
    hw_free(m);
    des_free(s);
}

static void wake_decode(void)
{
    TAP_EQ(hw_wake_decode(0x00200000), HW_WAKE_EXTERNAL);
    TAP_EQ(hw_wake_decode(0x00180000), HW_WAKE_DECREMENTER);
    TAP_EQ(hw_wake_decode(0x00140000), HW_WAKE_PRIV_DOORBELL);
    TAP_EQ(hw_wake_decode(0x000c0000), HW_WAKE_HV_DOORBELL);
    TAP_EQ(hw_srr1_for(HW_WAKE_EXTERNAL), 0x00200000);
    TAP_STREQ(hw_wake_name(HW_WAKE_DECREMENTER), "decrementer");
}

static void cost_table(void)
{
    hw_costs c;
    hw_costs_init(&c);
    int id = hw_cost_find("ipi_xics_core");
    TAP_EQ(id, HW_COST_ipi_xics_core);
    TAP_EQ(hw_cost_find("rm_entry"), HV_ENOENT); /* must emerge, never a row */
    TAP_EQ(hw_cost_find("rm_exit"), HV_ENOENT);
    TAP_EQ(hw_cost_find("rm_intr"), HV_ENOENT);
    TAP_NEAR(c.value_ns[HW_COST_ipi_doorbell_core], 512, 0);
    TAP_EQ(hw_cost_row_get(HW_COST_ipi_doorbell_core)->qde, 'Q');
    TAP_EQ(hw_costs_set_name(&c, "nap_exit", 3000), HV_OK);
    TAP_EQ(hw_costs_set_name(&c, "nope", 3000), HV_ENOENT);
    TAP_EQ(hw_costs_set(&c, id, -1), HV_EINVAL);
    des_rng r;
    des_rng_seed(&r, 1);
    TAP_EQ(hw_cost_draw(&c, HW_COST_nap_exit, &r), 3000);
    /* every row has a source and a sane kind */
    for (int i = 0; i < HW_COST_COUNT; i++) {
        const hw_cost_row *row = hw_cost_row_get(i);
        TAP_CHECK(row->qde == 'Q' || row->qde == 'D' || row->qde == 'E');
        TAP_CHECK(row->source && row->source[0]);
    }
    /* SEXP draws have the row's mean */
    double sum = 0;
    for (int i = 0; i < 20000; i++)
        sum += (double)hw_cost_draw(&c, HW_COST_ctx_switch, &r);
    TAP_NEAR(sum / 20000, c.value_ns[HW_COST_ctx_switch], 30);
}

/* A draw rounds to whole ns exactly as llround does (half away from zero),
 * at halves, next to them and across the range of doubles. */
static void cost_rounding(void)
{
    hw_costs c;
    hw_costs_init(&c);
    des_rng r;
    des_rng_seed(&r, 7);
    static const double v[] = {0.25, 0.5, 0.75, 1.5, 2.5, 0.49999999999999994, 4503599627370495.5,
                               4503599627370496.0, 9007199254740993.0, 1e18, 9.2233720368547748e18};
    int bad = 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        double x[3] = {v[i], nextafter(v[i], 0), nextafter(v[i], INFINITY)};
        for (int k = 0; k < 3; k++) {
            if (x[k] >= 0x1p63)
                continue;
            hw_costs_set(&c, HW_COST_ipi_xics_core, x[k]); /* a CONST row */
            if (hw_cost_draw(&c, HW_COST_ipi_xics_core, &r) != (des_time)llround(x[k])) {
                printf("# %.17g: draw %llu, llround %lld\n", x[k],
                       (unsigned long long)hw_cost_draw(&c, HW_COST_ipi_xics_core, &r), llround(x[k]));
                bad++;
            }
        }
    }
    for (int i = 0; i < 200000; i++) {
        double x = ldexp(des_rng_u01(&r), (int)(des_rng_next(&r) % 64)); /* [0, 2^63) */
        hw_costs_set(&c, HW_COST_ipi_xics_core, x);
        if (hw_cost_draw(&c, HW_COST_ipi_xics_core, &r) != (x <= 0 ? 0 : (des_time)llround(x)))
            bad++;
    }
    TAP_EQ(bad, 0);
}

int main(void)
{
    TAP_RUN(topology_numbering);
    TAP_RUN(split_core);
    TAP_RUN(message_word);
    TAP_RUN(signalling_and_nap);
    TAP_RUN(wake_decode);
    TAP_RUN(cost_table);
    TAP_RUN(cost_rounding);
    return tap_done();
}
