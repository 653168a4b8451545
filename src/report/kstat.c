/* The --kernel file: kvm_stat, debugfs timings, XICS dumps; see kstat.h. */
#include "report/kstat.h"

#include "base/hv.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* book3s.c debugfs_entries of 4.9 (all VCPU_STAT), the files of
 * /sys/kernel/debug/kvm on a Book3S HV host. */
static const char *const kernel_names[] = {
    "exits", "mmio", "sig", "sysc", "inst_emu", "dec", "ext_intr", "queue_intr",
    "halt_poll_success_ns", "halt_poll_fail_ns", "halt_wait_ns", "halt_successful_poll",
    "halt_attempted_poll", "halt_successful_wait", "halt_poll_invalid", "halt_wakeup", "pf_storage",
    "sp_storage", "pf_instruc", "sp_instruc", "ld", "ld_slow", "st", "st_slow", "pthru_all", "pthru_host",
    "pthru_bad_aff",
};

/* The model's per-VCPU counters by name (kvm/kvm_stats.h KVM_VCPU_COUNTERS). */
typedef struct counter {
    const char *name;
    size_t off;
} counter;
static const counter model[] = {
#define KSTAT_ROW(area, n) {#n, offsetof(kvm_vcpu_stats, n)},
    KVM_VCPU_COUNTERS(KSTAT_ROW)
#undef KSTAT_ROW
};

static uint64_t get(const kvm_vcpu_stats *st, size_t off)
{
    uint64_t v;
    memcpy(&v, (const char *)st + off, sizeof v);
    return v;
}

/* The model counter named like a kernel file, or NULL. */
static const counter *model_of(const char *name)
{
    for (size_t i = 0; i < HV_ARRAY_LEN(model); i++)
        if (!strcmp(model[i].name, name))
            return &model[i];
    return NULL;
}

static bool is_kernel(const char *name)
{
    for (size_t i = 0; i < HV_ARRAY_LEN(kernel_names); i++)
        if (!strcmp(kernel_names[i], name))
            return true;
    return false;
}

/* ---- snapshots --------------------------------------------------------------------- */

void rep_kstat_init(rep_kstat *k, const kvm_sys *s)
{
    k->n = 0;
    for (uint32_t i = 0; i < s->n_vms; i++)
        k->n += s->vms[i]->n_vcpus;
    k->boot = hv_xcalloc(k->n + 1, sizeof *k->boot);
    k->window = hv_xcalloc(k->n + 1, sizeof *k->window);
    k->window_ns = 0;
}

void rep_kstat_free(rep_kstat *k)
{
    free(k->boot);
    free(k->window);
    memset(k, 0, sizeof *k);
}

static void take(kvm_vcpu_stats *dst, const kvm_sys *s)
{
    size_t j = 0;
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t v = 0; v < s->vms[i]->n_vcpus; v++)
            dst[j++] = s->vms[i]->vcpus[v].st;
}

void rep_kstat_boot(rep_kstat *k, const kvm_sys *s) { take(k->boot, s); }

void rep_kstat_window(rep_kstat *k, const kvm_sys *s, des_time len)
{
    take(k->window, s);
    k->window_ns = len;
}

/* ---- kvm_stat -1 ------------------------------------------------------------------- */

typedef struct line {
    const char *name;
    uint64_t total, current;
} line;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const line *)a)->name, ((const line *)b)->name);
}

/* Sum one counter over the VCPUs of vm (every VM when vm is NULL). */
static void sum(const kvm_sys *s, const rep_kstat *k, const kvm_vm *vm, const counter *c, line *l)
{
    l->total = l->current = 0;
    if (!c)
        return;
    size_t j = 0;
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t v = 0; v < s->vms[i]->n_vcpus; v++, j++) {
            if (vm && s->vms[i] != vm)
                continue;
            uint64_t now = get(&s->vms[i]->vcpus[v].st, c->off);
            l->total += get(&k->boot[j], c->off) + now;
            l->current += now - get(&k->window[j], c->off);
        }
}

static void batch(const kvm_sys *s, const rep_kstat *k, const kvm_vm *vm, bool kernel, FILE *f)
{
    line ls[HV_ARRAY_LEN(kernel_names) + HV_ARRAY_LEN(model)];
    size_t n = 0;
    if (kernel) {
        for (size_t i = 0; i < HV_ARRAY_LEN(kernel_names); i++) {
            ls[n].name = kernel_names[i];
            sum(s, k, vm, model_of(kernel_names[i]), &ls[n++]);
        }
    } else {
        for (size_t i = 0; i < HV_ARRAY_LEN(model); i++)
            if (!is_kernel(model[i].name)) {
                ls[n].name = model[i].name;
                sum(s, k, vm, &model[i], &ls[n++]);
            }
    }
    qsort(ls, n, sizeof *ls, by_name);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%-42s%10" PRIu64 "%10" PRIu64 "\n", ls[i].name, ls[i].total, ls[i].current);
}

static void window_note(const rep_kstat *k, FILE *f)
{
    if (k->window_ns >= DES_S(1))
        fprintf(f, "# total: since the VMs started (warm-up included); current: the increase over the last 1 s of "
                   "simulated time, as kvm_stat -1 samples\n");
    else
        fprintf(f, "# total: since the VMs started (warm-up included); current: the increase over the measured "
                   "%g ms (kvm_stat -1 samples 1 s)\n",
                (double)k->window_ns / 1e6);
}

void rep_kvm_kernel(const kvm_sys *s, const rep_kstat *k, FILE *f)
{
    fprintf(f, "==> kvm_stat -1 -d <==\n# every VM: /sys/kernel/debug/kvm/<name>, book3s.c debugfs_entries\n");
    window_note(k, f);
    batch(s, k, NULL, true, f);
    for (uint32_t i = 0; i < s->n_vms; i++) {
        const kvm_vm *vm = s->vms[i];
        fprintf(f, "\n==> kvm_stat -1 -d -p %u <==\n# vm %s (-g %s): /sys/kernel/debug/kvm/%u-%d/<name>\n",
                vm->pid, vm->cfg.name, vm->cfg.name, vm->pid, REP_KSTAT_VM_FD);
        batch(s, k, vm, true, f);
    }
    fprintf(f, "\n==> hvwake counters (the model's own, not kernel files) <==\n");
    window_note(k, f);
    batch(s, k, NULL, false, f);
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t v = 0; v < s->vms[i]->n_vcpus; v++) {
            const kvm_vcpu *vp = &s->vms[i]->vcpus[v];
            fprintf(f, "\n==> kvm/vm%u/vcpu%u/timings <==\n", s->vms[i]->pid, vp->id);
            for (int a = 0; a < KVM_TM_COUNT; a++)
                fprintf(f, "%s: %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", kvm_tm_name(a), vp->tm[a].count,
                        vp->tm[a].total, vp->tm[a].min, vp->tm[a].max);
        }
    for (uint32_t i = 0; i < s->n_vms; i++) {
        fprintf(f, "\n==> powerpc/kvm-xics-%016" PRIx64 " <==\n# vm %s (pid %u)\n",
                UINT64_C(0xc000000ff0000000) + ((uint64_t)i << 16), s->vms[i]->cfg.name, s->vms[i]->pid);
        xics_dump(s->vms[i]->xics, f, false);
    }
}
