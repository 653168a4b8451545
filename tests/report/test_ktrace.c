/*
 * test_ktrace HVWAKE — hvwake's text trace (run --trace F) read as real
 * tools read /sys/kernel/tracing/trace:
 *   - every event line matches Perfetto's systrace line tokenizer (both the
 *     regex of src/trace_processor/importers/systrace/systrace_line_tokenizer.cc,
 *     and its older form) and catapult's ftrace importer regex for the
 *     default irq-info format (lineREWithIRQInfo);
 *   - the fields of each event match a regex derived from its TP_printk
 *     format in arch/powerpc/kvm/trace_hv.h (written out below, as the
 *     spec: %d -> -?[0-9]+, %lx -> [0-9a-f]+, %s -> the names the kernel
 *     can print there or 0x-hex);
 *   - the header is ftrace's, with #P and the entry counts;
 *   - lines are in time order, each thread has one
 *     name, the tgids agree with the thread's VM, kvm_guest_exit comes from
 *     thread 0 of a core (the runner's CPU), hvwake's own hcall numbers and
 *     H_DOORBELL never print as names, and RESUME_HOST prints H_TOO_HARD;
 *   - every kvm_hv tracepoint the model emits appears;
 *   - the checks reject broken lines (they can fail).
 */
#include "tap.h"

#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *hv;

/* ---- the regexes ----------------------------------------------------------------------- */

/* Perfetto's tokenizer regex (\d -> [0-9], \s -> [[:space:]], \S -> [^[:space:]]) */
#define PERFETTO                                                                                        \
    "-([0-9]+)[[:space:]]+\\(?[[:space:]]*([0-9]+|-+)?\\)?[[:space:]]?\\[([0-9]+)\\][[:space:]]*"      \
    "[a-zA-Z0-9.]{0,5}[[:space:]]*([0-9]+\\.[0-9]+):[[:space:]]+([^[:space:]]+):"
#define PERFETTO_OLD                                                                                    \
    "-([0-9]+)[[:space:]]+\\(?[[:space:]]*([0-9]+|-+)?\\)?[[:space:]]?\\[([0-9]+)\\][[:space:]]*"      \
    "[a-zA-Z0-9.]{0,4}[[:space:]]+([0-9]+\\.[0-9]+):[[:space:]]+([^[:space:]]+):"
/* catapult: ^\s*(.+)-(\d+)\s+\[(\d+)\]\s+[dX.][N.][Hhs.][0-9a-f.]\s+(\d+\.\d+):\s+(\S+):\s(.*)$ */
#define CATAPULT                                                                                        \
    "^[[:space:]]*(.+)-([0-9]+)[[:space:]]+\\[([0-9]+)\\][[:space:]]+[dX.][N.][Hhs.][0-9a-f.]"          \
    "[[:space:]]+([0-9]+\\.[0-9]+):[[:space:]]+([^[:space:]]+):[[:space:]](.*)$"

/* trace_hv.h's TP_printk formats; %s fields take the list given (NULL:
 * any of the alternatives written in the format itself, e.g. Exit/Enter). */
typedef struct tpfmt {
    const char *name, *fmt, *s1, *s2;
} tpfmt;

static char exits[4096], hcalls[8192], kvmrets[256], hrcs[8192];

static const tpfmt fmts[] = {
    {"kvm_guest_enter", "VCPU %d: pc=0x%lx pexcp=0x%lx ceded=%d", NULL, NULL},
    {"kvm_guest_exit", "VCPU %d: trap=%s pc=0x%lx msr=0x%lx, ceded=%d", exits, NULL},
    {"kvm_hcall_enter", "VCPU %d: hcall=%s GPR4-7=0x%lx,0x%lx,0x%lx,0x%lx", hcalls, NULL},
    {"kvm_hcall_exit", "VCPU %d: ret=%s hcall_rc=%s", kvmrets, hrcs},
    {"kvmppc_run_core", "%s runner_vcpu==%d runnable=%d tgid=%d", "Exit|Enter", NULL},
    {"kvmppc_vcore_blocked", "%s runner_vcpu=%d runnable=%d tgid=%d", "Exit|Enter", NULL},
    {"kvmppc_vcore_wakeup", "%s time %lld ns, tgid=%d", "wait|poll", NULL},
    {"kvmppc_run_vcpu_enter", "VCPU %d: tgid=%d", NULL, NULL},
    {"kvmppc_run_vcpu_exit", "VCPU %d: exit=%d, ret=%d", NULL, NULL},
};
#define NFMT (sizeof fmts / sizeof fmts[0])

static void add_names(char *buf, size_t n, const char *name)
{
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, "%s%s", l ? "|" : "", name);
}

/* The kernel's symbol names, from the same table hvwake prints with. */
static void symbol_lists(void)
{
#define KSYM_EXIT(v, nm) add_names(exits, sizeof exits, #nm);
#define KSYM_HCALL(v, nm) add_names(hcalls, sizeof hcalls, #nm);
#define KSYM_KVMRET(v, nm) add_names(kvmrets, sizeof kvmrets, #nm);
#define KSYM_HRC(v, nm) add_names(hrcs, sizeof hrcs, #nm);
#include "report/ktrace_sym.def"
#undef KSYM_EXIT
#undef KSYM_HCALL
#undef KSYM_KVMRET
#undef KSYM_HRC
}

/* TP_printk format -> anchored ERE. */
static void derive(const tpfmt *t, char *re, size_t n)
{
    size_t k = 0;
    int s = 0;
    re[k++] = '^';
    for (const char *p = t->fmt; *p && k < n - 64; p++) {
        if (*p == '%') {
            const char *q = p + 1;
            while (*q == 'l')
                q++;
            const char *add = *q == 'd' ? "-?[0-9]+" : *q == 'x' || *q == 'u' ? "[0-9a-f]+" : NULL;
            if (*q == 's') {
                const char *list = s++ == 0 ? t->s1 : t->s2;
                k += (size_t)snprintf(re + k, n - k, "(%s|0x[0-9a-f]+)", list);
            } else {
                k += (size_t)snprintf(re + k, n - k, "%s", add ? add : "?");
            }
            p = q;
        } else {
            if (strchr(".[]()*+?{}|^$\\", *p))
                re[k++] = '\\';
            re[k++] = *p;
        }
    }
    snprintf(re + k, n - k, "$");
}

static regex_t rx_perfetto, rx_perfetto_old, rx_catapult, rx_fmt[NFMT];

static void compile(regex_t *r, const char *re)
{
    int rc = regcomp(r, re, REG_EXTENDED);
    if (rc) {
        char msg[200];
        regerror(rc, r, msg, sizeof msg);
        printf("# regcomp %s: %s\n", re, msg);
        exit(1);
    }
}

/* ---- one line ------------------------------------------------------------------------- */

typedef struct ev {
    char comm[32], name[40], fields[200];
    long pid, cpu;
    double ts;
} ev;

/* NULL, or why the line is not a valid kvm_hv trace line. */
static const char *check_line(const char *text, ev *e)
{
    char line[512]; /* without its newline: '.' would match it */
    snprintf(line, sizeof line, "%.*s", (int)strcspn(text, "\n"), text);
    regmatch_t m[8];
    if (regexec(&rx_perfetto, line, 8, m, 0) || regexec(&rx_perfetto_old, line, 8, m, 0))
        return "Perfetto's systrace tokenizer rejects it";
    if (regexec(&rx_catapult, line, 8, m, 0))
        return "catapult's ftrace regex rejects it";
    snprintf(e->comm, sizeof e->comm, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
    char *comm = e->comm;
    while (*comm == ' ')
        memmove(comm, comm + 1, strlen(comm));
    e->pid = strtol(line + m[2].rm_so, NULL, 10);
    e->cpu = strtol(line + m[3].rm_so, NULL, 10);
    e->ts = strtod(line + m[4].rm_so, NULL);
    snprintf(e->name, sizeof e->name, "%.*s", (int)(m[5].rm_eo - m[5].rm_so), line + m[5].rm_so);
    snprintf(e->fields, sizeof e->fields, "%.*s", (int)(m[6].rm_eo - m[6].rm_so), line + m[6].rm_so);
    for (size_t i = 0; i < NFMT; i++)
        if (!strcmp(e->name, fmts[i].name))
            return regexec(&rx_fmt[i], e->fields, 0, NULL, 0) ? "the fields do not match the event's TP_printk"
                                                               : NULL;
    return "not a kvm_hv tracepoint";
}

/* ---- the trace of one run --------------------------------------------------------------- */

static int seen[NFMT];

static void check_trace(const char *args, int ncpu_online)
{
    char cmd[1024], path[] = "/tmp/hvwake-ktrace-XXXXXX";
    int fd = mkstemp(path);
    TAP_CHECK(fd >= 0);
    snprintf(cmd, sizeof cmd, "%s run %s --quiet --trace %s.txt > /dev/null", hv, args, path);
    TAP_EQ(system(cmd), 0);
    char txt[64];
    snprintf(txt, sizeof txt, "%s.txt", path);
    FILE *f = fopen(txt, "r");
    TAP_CHECK(f != NULL);
    if (!f)
        return;
    static const char *const header[] = {
        "# tracer: nop\n", "#\n", NULL, "#\n",
        "#                              _-----=> irqs-off\n",
        "#                             / _----=> need-resched\n",
        "#                            | / _---=> hardirq/softirq\n",
        "#                            || / _--=> preempt-depth\n",
        "#                            ||| /     delay\n",
        "#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION\n",
        "#              | |       |   ||||       |         |\n"};
    char line[512];
    unsigned long in = 0, written = 0;
    int ncpu = -1;
    for (size_t i = 0; i < sizeof header / sizeof header[0]; i++) {
        TAP_CHECK(fgets(line, sizeof line, f) != NULL);
        if (header[i])
            TAP_STREQ(line, header[i]);
        else
            TAP_EQ(sscanf(line, "# entries-in-buffer/entries-written: %lu/%lu   #P:%d", &in, &written, &ncpu), 3);
    }
    TAP_EQ(ncpu, ncpu_online);
    unsigned long n = 0, bad = 0;
    ev prev = {0}, e;
    static long comm_of[1 << 16][2]; /* pid -> (vcpu in its name, tgid) */
    memset(comm_of, 0, sizeof comm_of);
    while (fgets(line, sizeof line, f)) {
        const char *why = check_line(line, &e);
        n++;
        if (why) {
            if (bad++ < 5)
                printf("# %s: %s", why, line);
            continue;
        }
        for (size_t i = 0; i < NFMT; i++)
            seen[i] += !strcmp(e.name, fmts[i].name);
        /* in time order (ties, by CPU, are finer than the printed us: the
         * trace.dat test compares the order with trace-cmd's merge) */
        if (n > 1 && e.ts < prev.ts && bad++ < 5)
            printf("# out of order after [%03ld] %.6f: %s", prev.cpu, prev.ts, line);
        prev = e;
        /* one name per thread: "CPU n/KVM", pid = tgid + 2 + n */
        long vcpu;
        TAP_EQ(sscanf(e.comm, "CPU %ld/KVM", &vcpu), 1);
        TAP_CHECK(e.pid > 0 && e.pid < (1 << 16));
        if (comm_of[e.pid][0] == 0)
            comm_of[e.pid][0] = vcpu + 1;
        TAP_EQ(comm_of[e.pid][0], vcpu + 1);
        const char *tg = strstr(e.fields, "tgid=");
        if (tg)
            TAP_EQ(strtol(tg + 5, NULL, 10), e.pid - 2 - vcpu);
        if (!strcmp(e.name, "kvm_guest_exit"))
            TAP_EQ(e.cpu % 8, 0); /* post_guest_process: the runner's CPU, thread 0 */
        if (!strcmp(e.name, "kvm_hcall_enter")) {
            TAP_CHECK(!strstr(e.fields, "H_NULL") && !strstr(e.fields, "H_GENERIC") && !strstr(e.fields, "H_USER"));
            if (strstr(e.fields, "hcall=H_IPI "))
                TAP_CONTAINS(e.fields, ",0x4,0x0,0x0"); /* GPR5 = IPI_PRIORITY */
        }
        if (!strcmp(e.name, "kvm_guest_exit"))
            TAP_CHECK(!strstr(e.fields, "H_DOORBELL"));
        if (strstr(e.fields, "ret=RESUME_HOST "))
            TAP_CONTAINS(e.fields, "hcall_rc=H_TOO_HARD");
    }
    fclose(f);
    TAP_EQ(bad, 0);
    TAP_EQ(n, in);
    TAP_EQ(in, written);
    printf("# %s: %lu lines\n", args, n);
    remove(txt);
    remove(path);
}

static void grammar_and_formats(void)
{
    /* every event kind: userspace exits, no M1 (H_IPI in virtual mode), an
     * idle VM (vcore blocking), a device, long idle phases */
    check_trace("mix --set sim.warmup=1ms --set sim.duration=3ms --set mix.p_user=0.02 "
                "--set kvm.h_ipi_redirect=0 --set vm.vm3.guest=idle --set vm.vm2.dev_irq_rate=20000 "
                "--set mix.idle_mean=300us",
                20);
    check_trace("calibration --set sim.warmup=1ms --set sim.duration=2ms", 6);
    /* the default: ycsb's MMIO exits (H_DATA_STORAGE, RESUME_PAGE_FAULT) */
    check_trace("smoke --set sim.warmup=1ms --set sim.duration=2ms", 20);
    for (size_t i = 0; i < NFMT; i++) {
        printf("# %-22s %d\n", fmts[i].name, seen[i]);
        TAP_LT(0, seen[i]);
    }
}

/* The checks can fail: broken lines are rejected, each for its reason. */
static void rejects(void)
{
    static const char *const bad[] = {
        /* no -PID */
        "       CPU 7/KVM  [056] ....     0.001000: kvm_guest_exit: VCPU 6: trap=0xe80 pc=0x0 msr=0x0, ceded=1\n",
        /* no irq-info flags (catapult's IRQ-info regex wants them) */
        "       CPU 7/KVM-4009  [056]     0.001000: kvm_guest_exit: VCPU 6: trap=0xe80 pc=0x0 msr=0x0, ceded=1\n",
        /* an hvwake name where the kernel prints hex */
        "       CPU 7/KVM-4009  [056] ....     0.001000: kvm_guest_exit: VCPU 6: trap=H_DOORBELL pc=0x0 msr=0x0, ceded=1\n",
        "       CPU 3/KVM-4005  [136] ....     0.001004: kvm_hcall_enter: VCPU 3: hcall=H_GENERIC GPR4-7=0x0,0x0,0x0,0x0\n",
        /* a field missing */
        "       CPU 3/KVM-4005  [136] ....     0.001004: kvm_hcall_enter: VCPU 3: hcall=H_IPI GPR4-7=0x6\n",
        /* run_core's double == */
        "       CPU 7/KVM-4009  [056] ....     0.001002: kvmppc_run_core: Exit runner_vcpu=7 runnable=7 tgid=4000\n",
        /* no timestamp */
        "       CPU 7/KVM-4009  [056] .... kvmppc_run_vcpu_enter: VCPU 8: tgid=4054\n",
        /* not kvm_hv */
        "          <idle>-0     [000] d...     0.002188: sched_switch: prev_comm=swapper\n",
    };
    ev e;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        TAP_CHECK(check_line(bad[i], &e) != NULL);
    const char *good =
        "       CPU 7/KVM-4009  [056] ....     0.001002: kvmppc_run_core: Exit runner_vcpu==7 runnable=7 tgid=4000\n";
    TAP_CHECK(check_line(good, &e) == NULL);
    TAP_STREQ(e.comm, "CPU 7/KVM");
    TAP_EQ(e.pid, 4009);
    TAP_EQ(e.cpu, 56);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: test_ktrace HVWAKE\n");
        return 2;
    }
    hv = argv[1];
    symbol_lists();
    compile(&rx_perfetto, PERFETTO);
    compile(&rx_perfetto_old, PERFETTO_OLD);
    compile(&rx_catapult, CATAPULT);
    for (size_t i = 0; i < NFMT; i++) {
        char re[16384];
        derive(&fmts[i], re, sizeof re);
        compile(&rx_fmt[i], re);
    }
    TAP_RUN(rejects);
    TAP_RUN(grammar_and_formats);
    return tap_done();
}
