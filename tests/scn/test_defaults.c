/*
 * The model rooms' C default functions (used by tests, validate and the
 * benchmarks) must equal the scenario defaults of their .def rows (used by
 * every scenario): one default, written twice, kept equal by this test.
 */
#include "scn/scenario.h"
#include "tap.h"


static void room_defaults_match_the_option_table(void)
{
    struct scenario s;
    scn_init(&s);
    hw_cfg hw = hw_cfg_default();
    TAP_EQ(hw.chips, s.hw.chips);
    TAP_EQ(hw.cores_per_chip, s.hw.cores_per_chip);
    TAP_EQ(hw.threads_per_core, s.hw.threads_per_core);
    TAP_EQ(hw.subcores_per_core, s.hw.subcores_per_core);
    TAP_EQ(hw.msgsnd, s.hw.msgsnd);
    host_cfg hc = host_cfg_default();
    TAP_EQ(hc.hz, s.host.hz);
    TAP_EQ(hc.secondaries, s.host.secondaries);
    TAP_EQ(hc.sched_latency, s.host.sched_latency);
    TAP_EQ(hc.sched_min_granularity, s.host.sched_min_granularity);
    TAP_EQ(hc.sched_wakeup_granularity, s.host.sched_wakeup_granularity);
    TAP_EQ(hc.hotplug_core, s.host.hotplug_core);
    TAP_EQ(hc.ipi_pending_max, s.host.ipi_pending_max);
    kvm_cfg k = kvm_cfg_default();
    TAP_EQ(k.h_ipi_redirect, s.kvm.h_ipi_redirect);
    TAP_EQ(k.redirect_policy, s.kvm.redirect_policy);
    TAP_EQ(k.redirect_send, s.kvm.redirect_send);
    TAP_EQ(k.guest_ipi, s.kvm.guest_ipi);
    TAP_EQ(k.halt_poll_ns, s.kvm.halt_poll_ns);
    TAP_EQ(k.halt_poll_ns_grow, s.kvm.halt_poll_ns_grow);
    TAP_EQ(k.halt_poll_ns_shrink, s.kvm.halt_poll_ns_shrink);
    TAP_EQ(k.halt_poll_ns_grow_start, s.kvm.halt_poll_ns_grow_start);
    TAP_EQ(k.real_mode, s.kvm.real_mode);
    TAP_EQ(k.real_mode_dbg, s.kvm.real_mode_dbg);
    TAP_EQ(k.lost_wakeup_ns, s.kvm.lost_wakeup_ns);
    mix_cfg mx = mix_cfg_default();
    TAP_EQ(mx.busy_mean, s.mix.busy_mean);
    TAP_EQ(mx.idle_mean, s.mix.idle_mean);
    TAP_EQ(mx.wake_work, s.mix.wake_work);
    TAP_NEAR(mx.p_hpte, s.mix.p_hpte, 0);
    TAP_NEAR(mx.p_ipi, s.mix.p_ipi, 0);
    TAP_NEAR(mx.p_vm, s.mix.p_vm, 0);
    TAP_NEAR(mx.p_idle, s.mix.p_idle, 0);
    TAP_NEAR(mx.p_user, s.mix.p_user, 0);
    TAP_EQ(mx.user_work, s.mix.user_work);
    hostload_cfg hl = hostload_cfg_default();
    TAP_EQ(hl.tasks, s.hostload.tasks);
    TAP_EQ(hl.kind, s.hostload.kind);
    TAP_EQ(hl.period, s.hostload.period);
    TAP_NEAR(hl.duty, s.hostload.duty, 0);
    TAP_EQ(hl.chunk, s.hostload.chunk);
    scn_free(&s);
}

int main(void)
{
    TAP_RUN(room_defaults_match_the_option_table);
    return tap_done();
}
