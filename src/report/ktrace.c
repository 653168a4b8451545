/* The kvm_hv tracepoints and the text trace; see ktrace.h. */
#include "report/ktrace.h"

#include "base/hv.h"
#include "host/host.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- the events (trace_hv.h TRACE_EVENTs) --------------------------------- */

typedef struct kfield {
    const char *type, *name;
    uint8_t off, size, sgn;
} kfield;

/* TP_STRUCT__entry as laid out on ppc64 (LP64, natural alignment) after the
 * 8-byte common fields; size = sizeof the raw struct; fmt = the print fmt
 * line of the format file, {EXIT} {HCALL} {KVMRET} {HRC} standing for the
 * symbol lists the preprocessor expands there. */
typedef struct ktp {
    uint8_t nf, size;
    kfield f[8];
    const char *fmt;
} ktp;

static const ktp tps[REP_KEV_COUNT] = {
    [REP_KEV_GUEST_ENTER] = {4, 40,
        {{"int", "vcpu_id", 8, 4, 1}, {"unsigned long", "pc", 16, 8, 0},
         {"unsigned long", "pending_exceptions", 24, 8, 0}, {"u8", "ceded", 32, 1, 0}},
        "\"VCPU %d: pc=0x%lx pexcp=0x%lx ceded=%d\", REC->vcpu_id, REC->pc, REC->pending_exceptions, "
        "REC->ceded"},
    [REP_KEV_GUEST_EXIT] = {5, 40,
        {{"int", "vcpu_id", 8, 4, 1}, {"int", "trap", 12, 4, 1}, {"unsigned long", "pc", 16, 8, 0},
         {"unsigned long", "msr", 24, 8, 0}, {"u8", "ceded", 32, 1, 0}},
        "\"VCPU %d: trap=%s pc=0x%lx msr=0x%lx, ceded=%d\", REC->vcpu_id, __print_symbolic(REC->trap, "
        "{EXIT}), REC->pc, REC->msr, REC->ceded"},
    [REP_KEV_PAGE_FAULT_ENTER] = {8, 64,
        {{"int", "vcpu_id", 8, 4, 1}, {"unsigned long", "hpte_v", 16, 8, 0},
         {"unsigned long", "hpte_r", 24, 8, 0}, {"unsigned long", "gpte_r", 32, 8, 0},
         {"unsigned long", "ea", 40, 8, 0}, {"u64", "base_gfn", 48, 8, 0}, {"u32", "slot_flags", 56, 4, 0},
         {"u32", "dsisr", 60, 4, 0}},
        "\"VCPU %d: hpte=0x%lx:0x%lx guest=0x%lx ea=0x%lx,%x slot=0x%llx,0x%x\", REC->vcpu_id, "
        "REC->hpte_v, REC->hpte_r, REC->gpte_r, REC->ea, REC->dsisr, REC->base_gfn, REC->slot_flags"},
    [REP_KEV_PAGE_FAULT_EXIT] = {4, 40,
        {{"int", "vcpu_id", 8, 4, 1}, {"unsigned long", "hpte_v", 16, 8, 0},
         {"unsigned long", "hpte_r", 24, 8, 0}, {"long", "ret", 32, 8, 1}},
        "\"VCPU %d: hpte=0x%lx:0x%lx ret=0x%lx\", REC->vcpu_id, REC->hpte_v, REC->hpte_r, REC->ret"},
    [REP_KEV_HCALL_ENTER] = {6, 56,
        {{"int", "vcpu_id", 8, 4, 1}, {"unsigned long", "req", 16, 8, 0}, {"unsigned long", "gpr4", 24, 8, 0},
         {"unsigned long", "gpr5", 32, 8, 0}, {"unsigned long", "gpr6", 40, 8, 0},
         {"unsigned long", "gpr7", 48, 8, 0}},
        "\"VCPU %d: hcall=%s GPR4-7=0x%lx,0x%lx,0x%lx,0x%lx\", REC->vcpu_id, __print_symbolic(REC->req, "
        "{HCALL}), REC->gpr4, REC->gpr5, REC->gpr6, REC->gpr7"},
    [REP_KEV_HCALL_EXIT] = {3, 32,
        {{"int", "vcpu_id", 8, 4, 1}, {"unsigned long", "ret", 16, 8, 0}, {"unsigned long", "hcall_rc", 24, 8, 0}},
        "\"VCPU %d: ret=%s hcall_rc=%s\", REC->vcpu_id, __print_symbolic(REC->ret, {KVMRET}), "
        "__print_symbolic(REC->ret & (1<<1) ? 9999 : REC->hcall_rc, {HRC})"},
    [REP_KEV_RUN_CORE] = {4, 24,
        {{"int", "n_runnable", 8, 4, 1}, {"int", "runner_vcpu", 12, 4, 1}, {"int", "where", 16, 4, 1},
         {"pid_t", "tgid", 20, 4, 1}},
        "\"%s runner_vcpu==%d runnable=%d tgid=%d\", REC->where ? \"Exit\" : \"Enter\", REC->runner_vcpu, "
        "REC->n_runnable, REC->tgid"},
    [REP_KEV_VCORE_BLOCKED] = {4, 24,
        {{"int", "n_runnable", 8, 4, 1}, {"int", "runner_vcpu", 12, 4, 1}, {"int", "where", 16, 4, 1},
         {"pid_t", "tgid", 20, 4, 1}},
        "\"%s runner_vcpu=%d runnable=%d tgid=%d\", REC->where ? \"Exit\" : \"Enter\", REC->runner_vcpu, "
        "REC->n_runnable, REC->tgid"},
    [REP_KEV_VCORE_WAKEUP] = {3, 24,
        {{"__u64", "ns", 8, 8, 0}, {"int", "waited", 16, 4, 1}, {"pid_t", "tgid", 20, 4, 1}},
        "\"%s time %lld ns, tgid=%d\", REC->waited ? \"wait\" : \"poll\", REC->ns, REC->tgid"},
    [REP_KEV_RUN_VCPU_ENTER] = {2, 16,
        {{"int", "vcpu_id", 8, 4, 1}, {"pid_t", "tgid", 12, 4, 1}},
        "\"VCPU %d: tgid=%d\", REC->vcpu_id, REC->tgid"},
    [REP_KEV_RUN_VCPU_EXIT] = {3, 20,
        {{"int", "vcpu_id", 8, 4, 1}, {"int", "exit", 12, 4, 1}, {"int", "ret", 16, 4, 1}},
        "\"VCPU %d: exit=%d, ret=%d\", REC->vcpu_id, REC->exit, REC->ret"},
};

static const char *kev_name(int id)
{
    static const char *const names[] = {
#define REP_KEV_N(e, n) n,
        REP_KEVS(REP_KEV_N)
#undef REP_KEV_N
    };
    return id >= 0 && id < REP_KEV_COUNT ? names[id] : "?";
}

/* ---- the symbol tables (ktrace_sym.def) ------------------------------------- */

typedef struct ksym {
    long value;
    const char *text, *name;
} ksym;

#define KSYM_ROW(v, n) {(long)(v), #v, #n},
static const ksym sym_exit[] = {
#define KSYM_EXIT KSYM_ROW
#include "report/ktrace_sym.def"
#undef KSYM_EXIT
    {0, NULL, NULL}};
static const ksym sym_hcall[] = {
#define KSYM_HCALL KSYM_ROW
#include "report/ktrace_sym.def"
#undef KSYM_HCALL
    {0, NULL, NULL}};
static const ksym sym_kvmret[] = {
#define KSYM_KVMRET KSYM_ROW
#include "report/ktrace_sym.def"
#undef KSYM_KVMRET
    {0, NULL, NULL}};
static const ksym sym_hrc[] = {
#define KSYM_HRC KSYM_ROW
#include "report/ktrace_sym.def"
#undef KSYM_HRC
    {0, NULL, NULL}};
#undef KSYM_ROW

/* __print_symbolic (trace_print_symbols_seq): the first name whose value
 * equals val as an unsigned long, else "0x%lx". */
static const char *symbolic(const ksym *t, uint64_t val, char *tmp, size_t n)
{
    for (; t->name; t++)
        if ((uint64_t)t->value == val)
            return t->name;
    snprintf(tmp, n, "0x%" PRIx64, val);
    return tmp;
}

static const ksym *table_of(int table) { return table == REP_KSYM_EXIT ? sym_exit : sym_hcall; }

const char *rep_ksym_name(int table, uint64_t value)
{
    for (const ksym *p = table_of(table); p->name; p++)
        if ((uint64_t)p->value == value)
            return p->name;
    return NULL;
}

bool rep_ksym_value(int table, const char *s, size_t len, uint64_t *value)
{
    for (const ksym *p = table_of(table); p->name; p++)
        if (strlen(p->name) == len && !strncmp(p->name, s, len)) {
            *value = (uint64_t)p->value;
            return true;
        }
    return false;
}

static void sym_list(const ksym *t, FILE *f)
{
    for (const ksym *p = t; p->name; p++)
        fprintf(f, "%s{%s, \"%s\"}", p == t ? "" : ", ", p->text, p->name);
}

/* ---- records to events ---------------------------------------------------------- */

static int tracepoint_kind(int k)
{
    return k == KVM_TR_GUEST_ENTER || k == KVM_TR_GUEST_EXIT || k == KVM_TR_HCALL_ENTER ||
           k == KVM_TR_HCALL_EXIT || k == KVM_TR_RUN_CORE || k == KVM_TR_VCORE_BLOCKED ||
           k == KVM_TR_VCORE_WAKEUP || k == KVM_TR_RUN_VCPU;
}

static bool is_tracepoint(const des_trace_rec *r)
{
    return r->kind >= KVM_TRACE_BASE && tracepoint_kind(r->kind - KVM_TRACE_BASE);
}

bool rep_kev_from(const kvm_sys *s, const des_trace_rec *r, rep_kev *e)
{
    if (!is_tracepoint(r))
        return false;
    uint32_t vmi = kvm_tr_who_vm(r->a[0]), id = kvm_tr_who_vcpu(r->a[0]);
    HV_CHECK_U64(vmi, <, s->n_vms);
    const kvm_vm *vm = s->vms[vmi];
    HV_CHECK_U64(id, <, vm->n_vcpus);
    memset(e, 0, sizeof *e);
    e->ts = r->t;
    e->cpu = r->track;
    e->pid = vm->vcpus[id].pid;
    char comm[32]; /* the kernel keeps TASK_COMM_LEN - 1 = 15 characters */
    snprintf(comm, sizeof comm, "CPU %u/KVM", id);
    snprintf(e->comm, sizeof e->comm, "%.15s", comm);
    uint64_t *f = e->f;
    switch (r->kind - KVM_TRACE_BASE) {
    case KVM_TR_GUEST_ENTER: /* vcpu_id, pc, pending_exceptions, ceded */
        e->id = REP_KEV_GUEST_ENTER;
        f[0] = r->a[1], f[2] = r->a[2], f[3] = r->a[3];
        break;
    case KVM_TR_GUEST_EXIT: /* vcpu_id, trap, pc, msr, ceded */
        e->id = REP_KEV_GUEST_EXIT;
        f[0] = r->a[1], f[1] = r->a[2], f[4] = r->a[3];
        break;
    case KVM_TR_HCALL_ENTER: /* vcpu_id, req, gpr4, gpr5, gpr6, gpr7 */
        e->id = REP_KEV_HCALL_ENTER;
        f[0] = id, f[1] = r->a[1], f[2] = r->a[2], f[3] = r->a[3];
        break;
    case KVM_TR_HCALL_EXIT: /* vcpu_id, ret, hcall_rc */
        e->id = REP_KEV_HCALL_EXIT;
        f[0] = id, f[1] = r->a[1], f[2] = r->a[2];
        break;
    case KVM_TR_RUN_CORE: /* n_runnable, runner_vcpu, where, tgid */
    case KVM_TR_VCORE_BLOCKED:
        e->id = r->kind - KVM_TRACE_BASE == KVM_TR_RUN_CORE ? REP_KEV_RUN_CORE : REP_KEV_VCORE_BLOCKED;
        f[0] = r->a[1], f[1] = id, f[2] = r->a[2], f[3] = vm->pid;
        break;
    case KVM_TR_VCORE_WAKEUP: /* ns, waited, tgid */
        e->id = REP_KEV_VCORE_WAKEUP;
        f[0] = r->a[2], f[1] = r->a[1], f[2] = vm->pid;
        break;
    default: /* KVM_TR_RUN_VCPU: vcpu_id, tgid | vcpu_id, exit, ret */
        e->id = r->a[1] ? REP_KEV_RUN_VCPU_EXIT : REP_KEV_RUN_VCPU_ENTER;
        f[0] = id;
        f[1] = r->a[1] ? r->a[2] : vm->pid;
        f[2] = r->a[3];
        break;
    }
    return true;
}

/* ---- TP_printk ------------------------------------------------------------------ */

/* TP_printk's output for e (after "name: "), NUL-terminated in buf. */
static void kev_print(const rep_kev *e, char *buf, size_t n)
{
    const uint64_t *f = e->f;
    char a[24], b[24];
    switch (e->id) {
    case REP_KEV_GUEST_ENTER:
        snprintf(buf, n, "VCPU %d: pc=0x%" PRIx64 " pexcp=0x%" PRIx64 " ceded=%d", (int)f[0], f[1], f[2],
                 (int)(uint8_t)f[3]);
        return;
    case REP_KEV_GUEST_EXIT: /* the int trap as __print_symbolic's unsigned long */
        snprintf(buf, n, "VCPU %d: trap=%s pc=0x%" PRIx64 " msr=0x%" PRIx64 ", ceded=%d", (int)f[0],
                 symbolic(sym_exit, (uint64_t)(int64_t)(int32_t)f[1], a, sizeof a), f[2], f[3],
                 (int)(uint8_t)f[4]);
        return;
    case REP_KEV_HCALL_ENTER:
        snprintf(buf, n, "VCPU %d: hcall=%s GPR4-7=0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64,
                 (int)f[0], symbolic(sym_hcall, f[1], a, sizeof a), f[2], f[3], f[4], f[5]);
        return;
    case REP_KEV_HCALL_EXIT: /* RESUME_FLAG_HOST (1 << 1) prints H_TOO_HARD (9999) */
        snprintf(buf, n, "VCPU %d: ret=%s hcall_rc=%s", (int)f[0], symbolic(sym_kvmret, f[1], a, sizeof a),
                 symbolic(sym_hrc, f[1] & 2 ? 9999 : f[2], b, sizeof b));
        return;
    case REP_KEV_RUN_CORE:
        snprintf(buf, n, "%s runner_vcpu==%d runnable=%d tgid=%d", f[2] ? "Exit" : "Enter", (int)f[1], (int)f[0],
                 (int)f[3]);
        return;
    case REP_KEV_VCORE_BLOCKED:
        snprintf(buf, n, "%s runner_vcpu=%d runnable=%d tgid=%d", f[2] ? "Exit" : "Enter", (int)f[1], (int)f[0],
                 (int)f[3]);
        return;
    case REP_KEV_VCORE_WAKEUP:
        snprintf(buf, n, "%s time %lld ns, tgid=%d", f[1] ? "wait" : "poll", (long long)f[0], (int)f[2]);
        return;
    case REP_KEV_RUN_VCPU_ENTER:
        snprintf(buf, n, "VCPU %d: tgid=%d", (int)f[0], (int)f[1]);
        return;
    case REP_KEV_RUN_VCPU_EXIT:
        snprintf(buf, n, "VCPU %d: exit=%d, ret=%d", (int)f[0], (int)f[1], (int)f[2]);
        return;
    }
    HV_DIE("kvm_hv event %s has no printer (the model never emits it)", kev_name(e->id));
}

/* trace_print_context + the event: "%16s-%-5d [%03d] ", the irq-info flags
 * (irqs on, no need-resched, task context, preempt count 0 on the
 * non-preemptible kernels POWER hosts run: "....", common_flags 0), then
 * " %5lu.%06lu: " of ns2usecs (rounded to the nearest microsecond). */
static void kev_line(const rep_kev *e, char *buf, size_t n)
{
    char text[160];
    kev_print(e, text, sizeof text);
    unsigned long long us = (e->ts + 500) / 1000;
    snprintf(buf, n, "%16s-%-5u [%03u] .... %5llu.%06llu: %s: %s\n", e->comm, e->pid, e->cpu, us / 1000000,
             us % 1000000, kev_name(e->id), text);
}

/* ---- the raw entry and the format file ---------------------------------------------- */

static void put_le(uint8_t *p, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

size_t rep_kev_raw(const rep_kev *e, uint8_t *buf)
{
    const ktp *t = &tps[e->id];
    memset(buf, 0, t->size);
    put_le(buf, (uint64_t)(REP_KEV_ID0 + e->id), 2); /* common_type; flags and preempt_count 0 */
    put_le(buf + 4, e->pid, 4);
    for (unsigned i = 0; i < t->nf; i++)
        put_le(buf + t->f[i].off, e->f[i], t->f[i].size);
    return t->size;
}

void rep_kev_format(int id, FILE *f)
{
    const ktp *t = &tps[id];
    fprintf(f, "name: %s\nID: %d\nformat:\n", kev_name(id), REP_KEV_ID0 + id);
    fputs("\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
          "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
          "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
          "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n",
          f);
    for (unsigned i = 0; i < t->nf; i++)
        fprintf(f, "\tfield:%s %s;\toffset:%u;\tsize:%u;\tsigned:%u;\n", t->f[i].type, t->f[i].name, t->f[i].off,
                t->f[i].size, t->f[i].sgn);
    fputs("\nprint fmt: ", f);
    for (const char *p = t->fmt; *p; p++) {
        static const struct {
            const char *key;
            const ksym *t;
        } lists[] = {{"{EXIT}", sym_exit}, {"{HCALL}", sym_hcall}, {"{KVMRET}", sym_kvmret}, {"{HRC}", sym_hrc}};
        size_t k = 0;
        while (k < HV_ARRAY_LEN(lists) && strncmp(p, lists[k].key, strlen(lists[k].key)))
            k++;
        if (k < HV_ARRAY_LEN(lists)) {
            sym_list(lists[k].t, f);
            p += strlen(lists[k].key) - 1;
        } else {
            fputc(*p, f);
        }
    }
    fputc('\n', f);
}

/* ---- the trace file ----------------------------------------------------------------- */

/* Records of tr that are tracepoints, in the kernel trace file's order: by
 * time, then CPU (the per-CPU buffers merged), then emission order. Returns
 * their count; *idx (caller frees) indexes tr->recs. */
static size_t sorted_records(const des_trace *tr, size_t **idx)
{
    size_t n = 0;
    for (size_t i = 0; i < tr->n; i++)
        n += is_tracepoint(&tr->recs[i]);
    size_t *x = hv_xcalloc(n + 1, sizeof *x);
    size_t k = 0;
    for (size_t i = 0; i < tr->n; i++)
        if (is_tracepoint(&tr->recs[i]))
            x[k++] = i;
    /* Records are in time order; within one time, a stable insertion sort by
     * CPU (the kernel's iterator takes the lowest CPU on a tie). */
    for (size_t i = 1; i < n; i++) {
        size_t v = x[i], j = i;
        const des_trace_rec *r = &tr->recs[v];
        while (j > 0 && tr->recs[x[j - 1]].t == r->t && tr->recs[x[j - 1]].track > r->track) {
            x[j] = x[j - 1];
            j--;
        }
        x[j] = v;
    }
    *idx = x;
    return n;
}

/* Tracepoint records the full buffer dropped (they count as written). */
static uint64_t dropped_records(const des_trace *tr)
{
    uint64_t lost = 0;
    for (int k = 0; k < KVM_TR_COUNT; k++)
        if (tracepoint_kind(k))
            lost += des_trace_dropped_kind(tr, (uint16_t)(KVM_TRACE_BASE + k));
    return lost;
}

/* The host's online CPUs (the header's #P). */
static int online_cpus(const kvm_sys *s)
{
    int n = 0;
    for (uint32_t c = 0; c < s->hw->ncpus; c++)
        n += host_cpu_online(s->host, (int)c);
    return n;
}

void rep_kvm_ftrace(const kvm_sys *s, const des_trace *tr, FILE *f)
{
    size_t *idx;
    size_t n = sorted_records(tr, &idx);
    /* print_event_info and print_func_help_header_irq (kernel/trace/trace.c);
     * entries-written also counts what the full buffer dropped. */
    fprintf(f, "# tracer: nop\n#\n# entries-in-buffer/entries-written: %zu/%" PRIu64 "   #P:%d\n#\n", n,
            (uint64_t)n + dropped_records(tr), online_cpus(s));
    fputs("#                              _-----=> irqs-off\n"
          "#                             / _----=> need-resched\n"
          "#                            | / _---=> hardirq/softirq\n"
          "#                            || / _--=> preempt-depth\n"
          "#                            ||| /     delay\n"
          "#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION\n"
          "#              | |       |   ||||       |         |\n",
          f);
    for (size_t i = 0; i < n; i++) {
        rep_kev e;
        char line[256];
        HV_CHECK(rep_kev_from(s, &tr->recs[idx[i]], &e));
        kev_line(&e, line, sizeof line);
        fputs(line, f);
    }
    free(idx);
}
