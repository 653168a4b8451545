/* report/host_view.c — host/hw/hostload metrics. See report/host_view.h. */
#include "report/host_view.h"

#include "base/hv.h"

void rep_host_view(rep_metrics *out, const host *h)
{
    const hw_machine *m = h->hw;
    double now = (double)des_now(h->sim);
    double frac[HOST_ACCT_COUNT] = {0};
    int online = 0;
    uint64_t sw = 0, pre = 0, ticks = 0, irqs = 0;
    for (uint32_t i = 0; i < m->ncpus; i++) {
        const host_cpu *c = &h->cpus[i];
        sw += c->n_switches;
        pre += c->n_preempt;
        ticks += c->n_ticks;
        irqs += c->n_irqs;
        if (!c->online)
            continue;
        online++;
        des_time tot = 0;
        for (int a = 0; a < HOST_ACCT_COUNT; a++)
            tot += c->acct_ns[a];
        for (int a = 0; a < HOST_ACCT_COUNT; a++)
            frac[a] += tot ? (double)c->acct_ns[a] / (double)tot : 0;
    }
    rep_metric(out, online, "host.cpus_online");
    for (int a = 0; a < HOST_ACCT_COUNT; a++)
        if (a != HOST_ACCT_OFFLINE)
            rep_metric(out, online ? frac[a] / online : 0, "host.cpu.%s_frac", host_acct_name(a));
    rep_metric(out,
               online ? (frac[HOST_ACCT_TASK] + frac[HOST_ACCT_IRQ] + frac[HOST_ACCT_SCHED] +
                         frac[HOST_ACCT_KVM]) / online
                      : 0,
               "host.cpu.busy_frac");
    uint64_t raised = 0, coal = 0, sent = 0;
    for (int msg = 0; msg < PPC_MSG_COUNT; msg++) {
        rep_metric(out, (double)(h->ipi_demuxed[msg] - h->base_ipi_demuxed[msg]), "host.ipi.%s",
                   hw_msg_name(msg));
        raised += h->ipi_raised[msg] - h->base_ipi_raised[msg];
        coal += h->ipi_coalesced[msg] - h->base_ipi_coalesced[msg];
        sent += h->ipi_sent[msg] - h->base_ipi_sent[msg];
    }
    rep_metric(out, (double)sent, "host.ipi.sent");
    rep_metric(out, (double)raised, "host.ipi.raised");
    rep_metric(out, (double)coal, "host.ipi.coalesced");
    rep_metric(out, (double)sw, "host.ctx_switches");
    rep_metric(out, (double)pre, "host.preemptions");
    rep_metric(out, (double)ticks, "host.ticks");
    rep_metric(out, (double)irqs, "host.irqs");
    rep_metric(out, (double)h->migrations, "host.migrations");
    rep_metric(out, (double)(h->wakeups_consumed - h->base_wakeups_consumed), "host.wakeups");
    rep_metric(out, (double)(h->wakeups_coalesced - h->base_wakeups_coalesced), "host.wakeups_coalesced");
    des_hist wl, sl;
    des_hist_init(&wl);
    des_hist_init(&sl);
    for (uint32_t i = 0; i < h->ntasks; i++) {
        if (h->tasks[i]->stop_class)
            continue; /* the stoppers (M3's parking): kvm/kvm_m3.h measures them */
        des_hist_merge(&wl, &h->tasks[i]->wake_lat);
        des_hist_merge(&sl, &h->tasks[i]->sched_lat);
    }
    rep_metric_hist(out, &wl, "host.task.wakeup_latency_ns");
    rep_metric_hist(out, &sl, "host.task.sched_latency_ns");
    des_hist_free(&wl);
    des_hist_free(&sl);
    if (h->hrtimers_armed) { /* only models with hrtimers (periodic host load, M3's kthread) */
        rep_metric(out, (double)h->hrtimers_fired, "host.hrtimer.fired");
        rep_metric_hist(out, &h->hrtimer_late[0], "host.hrtimer.primary_late_ns");
        rep_metric_hist(out, &h->hrtimer_late[1], "host.hrtimer.secondary_late_ns");
    }

    uint64_t xics = 0, db = 0, nent = 0, nexit[16] = {0};
    double mode[HW_MODE_COUNT] = {0};
    for (uint32_t i = 0; i < m->ncpus; i++) {
        const hw_thread *t = &m->threads[i];
        xics += t->n_xics_in;
        db += t->n_doorbell_in;
        nent += t->n_nap_enter;
        for (int r = 0; r < 16; r++)
            nexit[r] += t->n_nap_exit[r];
        for (int k = 0; k < HW_MODE_COUNT; k++)
            mode[k] += now > 0 ? (double)t->mode_ns[k] / now : 0;
    }
    rep_metric(out, (double)xics, "hw.signals.xics");
    rep_metric(out, (double)db, "hw.signals.doorbell");
    rep_metric(out, (double)nent, "hw.nap.entries");
    static const hw_wake_reason reasons[] = {HW_WAKE_EXTERNAL, HW_WAKE_DECREMENTER,
                                             HW_WAKE_HV_DOORBELL, HW_WAKE_PRIV_DOORBELL};
    for (size_t r = 0; r < HV_ARRAY_LEN(reasons); r++)
        rep_metric(out, (double)nexit[reasons[r]], "hw.nap.exits.%s", hw_wake_name(reasons[r]));
    for (int k = 0; k < HW_MODE_COUNT; k++)
        rep_metric(out, m->ncpus ? mode[k] / m->ncpus : 0, "hw.thread.%s_frac", hw_mode_name(k));
}

void rep_hostload_view(rep_metrics *out, const hostload *l)
{
    double el = (double)(des_now(l->h->sim) - l->start);
    rep_metric(out, (double)l->cfg.tasks, "hostload.tasks");
    rep_metric(out, el > 0 ? (double)l->work_ns / el : 0, "hostload.work_per_s");
    rep_metric(out, (double)l->jobs, "hostload.jobs");
    rep_metric(out, (double)l->misses, "hostload.misses");
    des_hist hs, hw;
    des_hist_init(&hs);
    des_hist_init(&hw);
    hostload_sched_latency(l, &hs);
    hostload_wakeup_latency(l, &hw);
    rep_metric_hist(out, &hs, "hostload.sched_latency_ns");
    rep_metric_hist(out, &hw, "hostload.wakeup_latency_ns");
    des_hist_free(&hs);
    des_hist_free(&hw);
}

const char *rep_host_only_run(const hw_cfg *hwc, const host_cfg *hc, const hostload_cfg *lc,
                              const hw_costs *costs, uint64_t seed, uint64_t run,
                              des_time duration, rep_metrics *out)
{
    hostload_model *m = hostload_model_new(hwc, hc, lc, costs, seed, run);
    const char *e = hostload_model_run(m, duration);
    rep_host_view(out, m->host);
    rep_hostload_view(out, m->load);
    hostload_model_free(m);
    return e;
}
