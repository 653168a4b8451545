/* Scenario-level checks of the model rooms; see model_validate.h. */
#include "scn/model_validate.h"

#include "base/hv.h"
#include "hw/costs.h"
#include "scn/scenario.h"

#include <stdbool.h>

int scn_cost_lookup(const char *name)
{
    int i = hw_cost_find(name);
    return i < 0 ? -1 : i;
}

const char *scn_cost_name(int i)
{
    return i >= 0 && i < HW_COST_COUNT ? hw_cost_row_get(i)->name : NULL;
}

int scn_validate_hw(const struct scenario *s, scn_errors *e)
{
    const char *key;
    const char *why = hw_cfg_validate(&s->hw, &key);
    if (!why)
        return 0;
    scn_reject(s, e, "hw", NULL, key, "%s", why);
    return HV_EPARSE;
}

int scn_validate_host(const struct scenario *s, scn_errors *e)
{
    uint64_t cores = s->hw.chips * s->hw.cores_per_chip;
    if (s->host.hotplug_core >= (int64_t)cores) {
        scn_reject(s, e, "host", NULL, "hotplug_core",
                   "core %lld does not exist (the machine has %llu cores); expected -1 (none) or a core below %llu",
                   (long long)s->host.hotplug_core, (unsigned long long)cores, (unsigned long long)cores);
        return HV_EPARSE;
    }
    if (s->host.hotplug_core >= 0 && s->host.hotplug_on_at && s->host.hotplug_on_at <= s->host.hotplug_off_at) {
        scn_reject(s, e, "host", NULL, "hotplug_on_at",
                   "not after host.hotplug_off_at (%llu ns): the core must go offline before it comes back; "
                   "expected 0 (never) or a later time",
                   (unsigned long long)s->host.hotplug_off_at);
        return HV_EPARSE;
    }
    return 0;
}

/* A VM fits when its vcores are no wider than a core, pinned vcores stay on
 * the machine, and the pinned VMs do not share a core. */
int scn_validate_vms(const struct scenario *s, scn_errors *e)
{
    /* An impossible machine is reported by scn_validate_hw; what would not
     * fit on it is noise. */
    if (hw_cfg_validate(&s->hw, NULL))
        return 0;
    int rc = 0;
    uint64_t cores = s->hw.chips * s->hw.cores_per_chip;
    uint64_t tpc = s->hw.threads_per_core / (s->hw.subcores_per_core ? s->hw.subcores_per_core : 1);
    unsigned char used[4096] = {0}; /* cores pinned so far (the first 4096) */
    for (size_t i = 0; i < s->n_vm; i++) {
        const struct vm_cfg *v = &s->vm[i];
        const char *name = s->vm_name[i];
        if (v->threads_per_vcore != 1 && v->threads_per_vcore != 2 && v->threads_per_vcore != 4 &&
            v->threads_per_vcore != 8) {
            scn_reject(s, e, "vm", name, "threads_per_vcore",
                       "a vcore has a power of two threads; expected 1, 2, 4 or 8");
            rc = HV_EPARSE;
            continue;
        }
        if (v->threads_per_vcore > tpc) {
            scn_reject(s, e, "vm", name, "threads_per_vcore",
                       "a vcore runs on one (sub)core, which has %llu threads here; expected at most %llu",
                       (unsigned long long)tpc, (unsigned long long)tpc);
            rc = HV_EPARSE;
            continue;
        }
        uint64_t vcores = (v->vcpus + v->threads_per_vcore - 1) / v->threads_per_vcore;
        if (v->first_core >= 0) {
            if ((uint64_t)v->first_core + vcores > cores) {
                scn_reject(s, e, "vm", name, "first_core",
                           "its %llu vcores pinned from core %lld do not fit the %llu cores of the machine; "
                           "expected -1 (not pinned) or at most %llu",
                           (unsigned long long)vcores, (long long)v->first_core, (unsigned long long)cores,
                           (unsigned long long)(cores - (vcores < cores ? vcores : cores)));
                rc = HV_EPARSE;
                continue;
            }
            for (uint64_t c = (uint64_t)v->first_core; c < (uint64_t)v->first_core + vcores; c++) {
                if (c < sizeof used && used[c]) {
                    scn_reject(s, e, "vm", name, "first_core",
                               "core %llu is already pinned to another VM's vcore; expected VMs pinned to distinct cores",
                               (unsigned long long)c);
                    rc = HV_EPARSE;
                    break;
                }
                if (c < sizeof used)
                    used[c] = 1;
            }
        } else if (vcores > cores) {
            scn_reject(s, e, "vm", name, "vcpus", "%llu vcores cannot fit on %llu cores; expected at most %llu VCPUs",
                       (unsigned long long)vcores, (unsigned long long)cores,
                       (unsigned long long)(cores * v->threads_per_vcore));
            rc = HV_EPARSE;
        }
    }
    return rc;
}

int scn_validate_workloads(const struct scenario *s, scn_errors *e)
{
    int rc = 0;
    size_t servers = 0, clients = 0;
    const char *last_client = NULL;
    for (size_t i = 0; i < s->n_vm; i++) {
        const struct vm_cfg *v = &s->vm[i];
        const char *name = s->vm_name[i];
        bool os = v->guest != KVM_VM_GUEST_MIX && v->guest != KVM_VM_GUEST_IDLE;
        if (os && v->dev_irq_rate > 0) {
            scn_reject(s, e, "vm", name, "dev_irq_rate",
                       "the synthetic device is for guest = mix or idle; this guest has a virtio-net device");
            rc = HV_EPARSE;
        }
        if (v->destroy_at && os) {
            scn_reject(s, e, "vm", name, "destroy_at",
                       "destroying a VM is modelled for guest = mix or idle (their programs stop with the "
                       "VM); this guest's workload (clients, vhost-net) would keep sending to it; expected 0 (never)");
            rc = HV_EPARSE;
        } else if (v->destroy_at && v->dev_irq_rate > 0) {
            scn_reject(s, e, "vm", name, "destroy_at",
                       "the VM's synthetic device (dev_irq_rate) would keep raising interrupts after its "
                       "destroy; expected 0 (never) or dev_irq_rate = 0");
            rc = HV_EPARSE;
        } else if (v->destroy_at >= s->sim.warmup + s->sim.duration) {
            scn_reject(s, e, "vm", name, "destroy_at",
                       "at or after the end of the run (sim.warmup + sim.duration = %llu ns): the VM would "
                       "never be destroyed; expected 0 (never) or an earlier time",
                       (unsigned long long)(s->sim.warmup + s->sim.duration));
            rc = HV_EPARSE;
        }
        if (v->guest == KVM_VM_GUEST_NETSERVER) {
            servers++;
        }
        if (v->guest == KVM_VM_GUEST_NETPERF) {
            clients++;
            last_client = name;
        }
    }
    if (s->tcp_rr.client == TCP_RR_CLIENT_EXTERNAL && clients) {
        scn_reject(s, e, "vm", last_client, "guest",
                   "a netperf VM needs tcp_rr.client = vm (with client = external the clients are outside the host)");
        rc = HV_EPARSE;
    }
    if (s->tcp_rr.client == TCP_RR_CLIENT_VM && clients != servers) {
        scn_reject(s, e, "tcp_rr", NULL, "client",
                   "client = vm pairs the i-th netperf VM with the i-th netserver VM, but there are %zu netperf and %zu netserver VMs",
                   clients, servers);
        rc = HV_EPARSE;
    }
    return rc;
}
