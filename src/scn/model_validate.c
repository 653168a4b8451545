/* Scenario-level checks of the model rooms; see model_validate.h. */
#include "scn/model_validate.h"

#include "base/hv.h"
#include "hw/costs.h"
#include "scn/scenario.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

size_t scn_vm_total(const struct scenario *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_vm; i++)
        n += (size_t)s->vm[i].count;
    return n;
}

/* The name of copy k of section i: the section's name, or with count > 1
 * the name followed by k. */
static void copy_name(const struct scenario *s, size_t i, uint64_t k, char *buf, size_t n)
{
    if (s->vm[i].count > 1)
        snprintf(buf, n, "%s%llu", s->vm_name[i], (unsigned long long)k);
    else
        snprintf(buf, n, "%s", s->vm_name[i]);
}

static uint64_t vcores_of(const struct vm_cfg *v) { return (v->vcpus + v->threads_per_vcore - 1) / v->threads_per_vcore; }

struct vm_cfg *scn_vms(const struct scenario *s, size_t *n)
{
    *n = scn_vm_total(s);
    if (!*n)
        return NULL;
    vm_cfg *out = hv_xcalloc(*n, sizeof *out), *o = out;
    for (size_t i = 0; i < s->n_vm; i++)
        for (uint64_t k = 0; k < s->vm[i].count; k++, o++) {
            *o = s->vm[i];
            copy_name(s, i, k, o->name, sizeof o->name);
            if (o->first_core >= 0)
                o->first_core += (int64_t)(k * vcores_of(o));
        }
    return out;
}

typedef struct vm_named {
    char name[SCN_NAME_MAX + 24]; /* a section name and a 64-bit copy number, whole */
    size_t sec;
} vm_named;

static int by_name(const void *a, const void *b)
{
    const vm_named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->sec > y->sec) - (x->sec < y->sec);
}

static unsigned decimal_digits(uint64_t v)
{
    unsigned d = 1;
    while (v >= 10)
        v /= 10, d++;
    return d;
}

/* The copies: their names fit KVM_VM_NAME_MAX, no two VMs share a name
 * (a copy "a11" of [vm "a"] and one of [vm "a1"]), at most SCN_VMS_MAX
 * VMs in all. Each error is reported at a count key that makes it. */
static int validate_copies(const struct scenario *s, scn_errors *e)
{
    int rc = 0;
    uint64_t total = 0;
    size_t most = 0;
    for (size_t i = 0; i < s->n_vm; i++) {
        const vm_cfg *v = &s->vm[i];
        const char *name = s->vm_name[i];
        if (v->count > 1 && strlen(name) + decimal_digits(v->count - 1) > KVM_VM_NAME_MAX - 1) {
            scn_reject(s, e, "vm", name, "count",
                       "the name of its last copy, %s%llu, is longer than %d bytes; expected a shorter [vm] name "
                       "or fewer copies",
                       name, (unsigned long long)(v->count - 1), KVM_VM_NAME_MAX - 1);
            rc = HV_EPARSE;
        }
        total += v->count;
        if (v->count > s->vm[most].count)
            most = i;
    }
    if (total > SCN_VMS_MAX) { /* blamed on the section with the most copies */
        scn_reject(s, e, "vm", s->vm_name[most], "count", "the VMs number %llu in all; expected at most %d",
                   (unsigned long long)total, SCN_VMS_MAX);
        return HV_EPARSE;
    }
    vm_named *all = hv_xcalloc((size_t)total + 1, sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < s->n_vm; i++)
        for (uint64_t k = 0; k < s->vm[i].count; k++, n++) {
            copy_name(s, i, k, all[n].name, sizeof all[n].name);
            all[n].sec = i;
        }
    qsort(all, n, sizeof *all, by_name);
    for (size_t j = 1; j < n; j++) {
        if (strcmp(all[j - 1].name, all[j].name))
            continue;
        /* two sections (instance names are unique): blame the later one
         * that has copies */
        size_t a = all[j - 1].sec, b = all[j].sec;
        size_t blame = s->vm[b].count > 1 ? b : a;
        size_t other = blame == b ? a : b;
        scn_reject(s, e, "vm", s->vm_name[blame], "count",
                   "its copy %s has the name of %s [vm \"%s\"]; expected distinct VM names", all[j].name,
                   s->vm[other].count > 1 ? "a copy of" : "the VM", s->vm_name[other]);
        rc = HV_EPARSE;
    }
    free(all);
    return rc;
}

/* A VM fits when its vcores are no wider than a core, pinned vcores stay on
 * the machine, and the pinned VMs do not share a core. */
int scn_validate_vms(const struct scenario *s, scn_errors *e)
{
    int rc = validate_copies(s, e);
    /* An impossible machine is reported by scn_validate_hw; what would not
     * fit on it is noise. */
    if (hw_cfg_validate(&s->hw, NULL))
        return rc;
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
        uint64_t vcores = vcores_of(v);
        if (v->first_core >= 0) {
            /* the copies' vcores, pinned one after the other */
            uint64_t pinned = vcores * v->count;
            if ((uint64_t)v->first_core + pinned > cores) {
                if (v->count > 1)
                    scn_reject(s, e, "vm", name, "first_core",
                               "its %llu copies of %llu vcores each, pinned one after the other from core %lld, do "
                               "not fit the %llu cores of the machine; expected -1 (not pinned) or at most %llu",
                               (unsigned long long)v->count, (unsigned long long)vcores, (long long)v->first_core,
                               (unsigned long long)cores,
                               (unsigned long long)(pinned < cores ? cores - pinned : 0));
                else
                    scn_reject(s, e, "vm", name, "first_core",
                               "its %llu vcores pinned from core %lld do not fit the %llu cores of the machine; "
                               "expected -1 (not pinned) or at most %llu",
                               (unsigned long long)vcores, (long long)v->first_core, (unsigned long long)cores,
                               (unsigned long long)(cores - (vcores < cores ? vcores : cores)));
                rc = HV_EPARSE;
                continue;
            }
            for (uint64_t c = (uint64_t)v->first_core; c < (uint64_t)v->first_core + pinned; c++) {
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
        if (v->destroy_at && v->dev_irq_rate > 0) {
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
        if (v->guest == KVM_VM_GUEST_NETSERVER)
            servers += (size_t)v->count;
        if (v->guest == KVM_VM_GUEST_NETPERF) {
            clients += (size_t)v->count;
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
