/* Build, run and measure one scenario; see run_model.h. */
#include "cli/run_model.h"

#include "base/hv.h"
#include "guest/guest.h"
#include "report/guest_view.h"
#include "report/host_view.h"
#include "report/kstat.h"
#include "report/ktrace.h"
#include "report/kvm_view.h"
#include "report/m3_view.h"
#include "report/progress.h"
#include "report/sim_view.h"
#include "report/tcp_rr_view.h"
#include "report/ycsb_view.h"
#include "report/timeline.h"
#include "scn/model_validate.h"
#include "scn/scenario.h"
#include "workload/boot.h"
#include "workload/hostload.h"
#include "workload/model.h"
#include "workload/tcp_rr.h"
#include "workload/vhost.h"
#include "workload/ycsb.h"

#include <stdlib.h>
#include <string.h>

typedef struct vmrun {
    kvm_vm *vm;
    boot *mix;   /* guest = mix */
    guest *idle; /* guest = idle */
    vhost *dev;  /* its device, if dev_irq_rate > 0 */
} vmrun;

/* The request/response workloads of a run (NULL when no VM runs them). */
typedef struct wlrun {
    ycsb *ycsb;
    tcp_rr *tcp_rr;
} wlrun;

/* The work-item guest of a VM (mix or idle), or NULL. */
static guest *guest_of(const vmrun *r) { return r->mix ? r->mix->g : r->idle; }

static void reset_all(model *m, hostload *l, vmrun *vr, size_t nvm, const wlrun *wl)
{
    host_reset_stats(m->host);
    kvm_reset_stats(m->kvm);
    if (l)
        hostload_reset_stats(l);
    for (size_t i = 0; i < nvm; i++)
        if (guest_of(&vr[i]))
            guest_reset_stats(guest_of(&vr[i]));
    if (wl->ycsb)
        ycsb_reset_stats(wl->ycsb);
    if (wl->tcp_rr)
        tcp_rr_reset_stats(wl->tcp_rr);
}

/* Build every VM, then its guest: the mix or idle guest and the synthetic
 * device per VM in order, then the ycsb servers in order, then the tcp_rr
 * pairs (the i-th netperf VM with the i-th netserver VM). */
static void build_vms(model *m, const struct scenario *s, const vm_cfg *vms, size_t nvm, vmrun *vr, wlrun *wl)
{
    for (size_t i = 0; i < nvm; i++)
        vr[i].vm = kvm_vm_new(m->kvm, &vms[i]);
    size_t nserver = 0, nclient = 0;
    for (size_t i = 0; i < nvm; i++) {
        const vm_cfg *vc = &vms[i];
        if (vc->guest == KVM_VM_GUEST_YCSB) {
            if (!wl->ycsb)
                wl->ycsb = ycsb_new(m, &s->ycsb);
            ycsb_add_vm(wl->ycsb, vr[i].vm, &s->guest, &s->net);
            continue;
        }
        if (vc->guest == KVM_VM_GUEST_NETSERVER || vc->guest == KVM_VM_GUEST_NETPERF) {
            nserver += vc->guest == KVM_VM_GUEST_NETSERVER;
            nclient += vc->guest == KVM_VM_GUEST_NETPERF;
            continue;
        }
        if (vc->dev_irq_rate > 0) {
            vhost_cfg dc = {vc->dev_irq_rate, vc->dev_queues, vc->dev_work, vc->dev_handler};
            vr[i].dev = vhost_new(m, vr[i].vm, &dc, (uint32_t)i);
        }
        guest_ops dev = {.device_irq = vr[i].dev ? vhost_guest_irq : NULL, .dev_ctx = vr[i].dev};
        if (vc->guest == KVM_VM_GUEST_MIX) {
            vr[i].mix = boot_attach(m, vr[i].vm, &s->mix, (uint32_t)i, &dev);
        } else {
            vr[i].idle = guest_new(vr[i].vm, &dev);
            kvm_vm_start(m->kvm, vr[i].vm);
        }
    }
    if (!nserver)
        return;
    wl->tcp_rr = tcp_rr_new(m, &s->tcp_rr);
    size_t ci = 0;
    for (size_t i = 0; i < nvm; i++) {
        if (vms[i].guest != KVM_VM_GUEST_NETSERVER)
            continue;
        kvm_vm *client = NULL;
        if (nclient) { /* the next netperf VM (scn_validate_workloads: counts match) */
            while (vms[ci].guest != KVM_VM_GUEST_NETPERF)
                ci++;
            client = vr[ci++].vm;
        }
        tcp_rr_add_pair(wl->tcp_rr, vr[i].vm, client, &s->guest, &s->net);
    }
}

static void views(rep_metrics *out, model *m, const struct scenario *s, const vmrun *vr, size_t nvm,
                  const wlrun *wl, hostload *l, des_time dur)
{
    rep_sim_view(out, m->sim, s->sim.warmup);
    rep_host_view(out, m->host);
    if (l)
        rep_hostload_view(out, l);
    rep_kvm_metrics(m->kvm, dur, out);
    if (nvm && (l || s->host.secondaries == HOST_SECONDARIES_ONLINE))
        rep_m3_view(out, m->kvm, l, dur); /* a host shared by VMs and host tasks (M3) */
    guest **gs = hv_xcalloc(nvm + 1, sizeof *gs);
    guest_os **os = hv_xcalloc(nvm + 1, sizeof *os);
    size_t ng = 0, nos = 0;
    for (size_t i = 0; i < nvm; i++)
        if (guest_of(&vr[i]))
            gs[ng++] = guest_of(&vr[i]);
    for (uint32_t i = 0; wl->ycsb && i < ycsb_n_vms(wl->ycsb); i++)
        os[nos++] = ycsb_vm_os(wl->ycsb, i);
    for (uint32_t i = 0; wl->tcp_rr && i < wl->tcp_rr->nvms; i++)
        os[nos++] = wl->tcp_rr->vms[i]->nv->os;
    if (ng || !nos) /* the work-item guests' rows, unless every VM runs the guest kernel */
        rep_guest_view(out, gs, ng, dur);
    if (nos)
        rep_guest_os_view(out, os, nos, dur);
    free(gs);
    free(os);
    if (wl->ycsb)
        rep_ycsb_view(out, wl->ycsb, dur);
    if (wl->tcp_rr)
        rep_tcp_rr_view(out, wl->tcp_rr, dur);
}

int cli_run_model(const char *cmd, const struct scenario *s, const run_outputs *o, rep_metrics *out)
{
    hw_costs costs;
    hw_costs_init(&costs);
    for (size_t i = 0; i < s->n_cost; i++)
        if (hw_costs_set(&costs, s->cost[i].index, (double)s->cost[i].ns) != HV_OK)
            HV_DIE("cost override %s = %llu ns rejected by the cost table", s->cost[i].name,
                   (unsigned long long)s->cost[i].ns);
    des_time warm = s->sim.warmup, dur = s->sim.duration;
    des_trace tr, *trp = NULL;
    if (o && (o->trace || o->timeline)) {
        des_time end = o->window ? warm + o->window : warm + dur;
        des_trace_init(&tr, o->trace_cap ? o->trace_cap : 1000000, warm, end);
        trp = &tr;
    }
    model *m = model_new(&s->hw, &s->host, &s->kvm, &costs, s->sim.seed, s->sim.run, trp);
    des_enable_checks(m->sim, s->sim.checks);
    size_t nvm;
    vm_cfg *vms = scn_vms(s, &nvm);
    vmrun *vr = hv_xcalloc(nvm + 1, sizeof *vr);
    wlrun wl = {0};
    build_vms(m, s, vms, nvm, vr, &wl);
    hostload *l = s->hostload.tasks ? hostload_new(m->host, &s->hostload, s->sim.seed, s->sim.run) : NULL;
    const run_marks *mk = o ? o->marks : NULL;
    if (mk)
        mk->mark(mk->ctx, RUN_MARK_BUILT, m->sim);

    rep_progress pg;
    rep_progress_init(&pg, stderr, warm + dur);
    if (!o || !o->progress)
        pg.enabled = 0;
    const char *e = NULL;
    des_time step = (warm + dur) / 100 + 1;
    /* warm-up, then the measured part, in steps for the progress line */
    for (des_time t = 0; t < warm && !e;) {
        des_time d = warm - t < step ? warm - t : step;
        e = model_run(m, d);
        t += d;
        rep_progress_update(&pg, des_now(m->sim), des_get_stats(m->sim).run);
    }
    /* kvm_stat's counters: total since boot, current over the last second
     * (the whole measured duration when it is shorter) */
    rep_kstat ks;
    rep_kstat_init(&ks, m->kvm);
    des_time window = dur < DES_S(1) ? dur : DES_S(1);
    if (!e) {
        rep_kstat_boot(&ks, m->kvm);
        reset_all(m, l, vr, nvm, &wl);
        hw_trace_modes(m->hw); /* the timeline starts with every thread's mode */
    }
    for (des_time t = 0; t < dur && !e;) {
        if (t == dur - window)
            rep_kstat_window(&ks, m->kvm, window);
        des_time d = dur - t < step ? dur - t : step;
        if (t < dur - window && d > dur - window - t)
            d = dur - window - t; /* stop at the window's start */
        e = model_run(m, d);
        t += d;
        rep_progress_update(&pg, des_now(m->sim), des_get_stats(m->sim).run);
    }
    rep_progress_done(&pg);
    if (mk)
        mk->mark(mk->ctx, RUN_MARK_RAN, m->sim);
    int rc = 0;
    if (e) {
        fprintf(stderr, "hvwake %s: model check failed at t=%llu ns: %s\n", cmd,
                (unsigned long long)des_now(m->sim), e);
        rc = HV_EXIT_CHECK;
    } else {
        views(out, m, s, vr, nvm, &wl, l, dur);
        if (o && o->kernel)
            rep_kvm_kernel(m->kvm, &ks, o->kernel);
        if (trp) {
            /* Kept and dropped records: in the files (the ftrace header,
             * the timeline's otherData), here, and on stderr. */
            rep_metric(out, (double)trp->n, "trace.records");
            rep_metric(out, (double)trp->dropped, "trace.dropped");
            if (trp->dropped)
                fprintf(stderr, "hvwake %s: the trace buffer was full (%zu records): %llu later records in the "
                        "window were dropped; a shorter --timeline-window or a larger --trace-limit keeps them\n",
                        cmd, trp->cap, (unsigned long long)trp->dropped);
        }
        if (trp && o->trace) {
            if (o->trace_dat)
                rep_kvm_tracedat(m->kvm, trp, o->trace);
            else
                rep_kvm_ftrace(m->kvm, trp, o->trace);
        }
        if (trp && o->timeline) {
            rep_timeline_spec spec = rep_kvm_timeline_spec(m->kvm);
            rep_timeline_write(o->timeline, trp, &spec, des_now(m->sim)); /* write errors: at commit */
        }
    }
    for (size_t i = 0; i < nvm; i++) {
        if (vr[i].mix)
            boot_free(vr[i].mix);
        else
            guest_free(vr[i].idle);
        vhost_free(vr[i].dev);
    }
    ycsb_free(wl.ycsb);
    tcp_rr_free(wl.tcp_rr);
    free(vr);
    free(vms);
    if (l)
        hostload_free(l);
    rep_kstat_free(&ks);
    model_free(m);
    if (trp)
        des_trace_free(trp);
    return rc;
}
