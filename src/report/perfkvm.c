/* perf kvm stat report from a kvm_hv text trace; see perfkvm.h. */
#include "report/perfkvm.h"

#include "base/hv.h"
#include "report/ktrace.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { VMEXIT, HCALL, NKIND };      /* the two analyses (perf runs one per invocation) */
enum { CACHE = 4096 };              /* EVENTS_CACHE_SIZE (util/kvm-stat.h): the hash order of ties */
#define NO_EVENT ((size_t)-1)

/* util/stat.c struct stats, with kvm_event_stats' time. */
typedef struct kstats {
    uint64_t n, min, max, time;
    double mean, m2;
} kstats;

typedef struct kevent {
    uint64_t key;
    size_t created; /* creation order: the newest sits first in its hash bucket */
    kstats st;
} kevent;

/* perf's struct vcpu_event_record per thread, one per analysis, and the
 * wakeup figure's pending Exit. */
typedef struct thread {
    uint32_t pid;
    bool record; /* perf's record exists: the thread traced a kvm_guest_enter */
    int vcpu;
    uint64_t start[NKIND];
    size_t last[NKIND];
    uint64_t blocked_exit; /* 0: none pending */
} thread;

struct rep_pkvm {
    int vcpu;
    thread *th;
    size_t nth, capth;
    kevent *ev[NKIND];
    size_t nev[NKIND], capev[NKIND];
    kstats wake[3]; /* poll, wait, woken runner to entry */
    size_t events;
};

rep_pkvm *rep_pkvm_new(int vcpu)
{
    rep_pkvm *a = hv_xcalloc(1, sizeof *a);
    a->vcpu = vcpu;
    for (int i = 0; i < 3; i++)
        a->wake[i].min = UINT64_MAX;
    return a;
}

void rep_pkvm_free(rep_pkvm *a)
{
    if (!a)
        return;
    free(a->th);
    for (int k = 0; k < NKIND; k++)
        free(a->ev[k]);
    free(a);
}

size_t rep_pkvm_events(const rep_pkvm *a) { return a->events; }

static void update(kstats *s, uint64_t v)
{
    s->n++;
    double delta = (double)v - s->mean;
    s->mean += delta / (double)s->n;
    s->m2 += delta * ((double)v - s->mean);
    s->max = v > s->max ? v : s->max;
    s->min = v < s->min ? v : s->min;
    s->time += v;
}

/* stddev_stats / rel_stddev_stats: the standard error of the mean, in % of it. */
static double rel_stddev(const kstats *s)
{
    if (s->n < 2 || s->mean == 0)
        return 0;
    return 100.0 * sqrt(s->m2 / (double)(s->n - 1) / (double)s->n) / s->mean;
}

static thread *find_thread(rep_pkvm *a, uint32_t pid)
{
    for (size_t i = 0; i < a->nth; i++)
        if (a->th[i].pid == pid)
            return &a->th[i];
    return NULL;
}

static size_t find_event(rep_pkvm *a, int kind, uint64_t key)
{
    for (size_t i = 0; i < a->nev[kind]; i++)
        if (a->ev[kind][i].key == key)
            return i;
    if (a->nev[kind] == a->capev[kind]) {
        a->capev[kind] = a->capev[kind] ? 2 * a->capev[kind] : 16;
        a->ev[kind] = hv_xrealloc(a->ev[kind], a->capev[kind] * sizeof *a->ev[kind]);
    }
    kevent *e = &a->ev[kind][a->nev[kind]];
    *e = (kevent){.key = key, .created = a->nev[kind], .st = {.min = UINT64_MAX}};
    return a->nev[kind]++;
}

/* ---- parsing ----------------------------------------------------------------------- */

typedef struct line {
    uint32_t pid;
    uint64_t ts; /* ns */
    const char *name, *fields;
    size_t namelen;
} line;

static int fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return HV_EPARSE;
}

static bool starts(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

/* Not an event: comments and the banners trace-cmd and ftrace print. */
static bool banner(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return !*s || *s == '\n' || *s == '#' || starts(s, "cpus=") || starts(s, "version = ") ||
           (starts(s, "CPU ") && strstr(s, " is empty")) || starts(s, "CPU:");
}

/* "COMM-PID [(TGID)] [CPU] [FLAGS] SECS.FRAC: EVENT: FIELDS" */
static int split(const char *s, line *l, char *err, size_t n)
{
    const char *b = NULL;
    for (const char *p = strstr(s, " ["); p && !b; p = strstr(p + 1, " [")) {
        const char *q = p + 2;
        while (isdigit((unsigned char)*q))
            q++;
        if (q > p + 2 && *q == ']')
            b = p;
    }
    if (!b)
        return fail(err, n, "no CPU column; expected an ftrace event line 'COMM-PID [CPU] SECS.USECS: EVENT: ...'");
    const char *e = b; /* back over "(TGID)" and spaces to PID */
    while (e > s && e[-1] == ' ')
        e--;
    if (e > s && e[-1] == ')') {
        while (e > s && e[-1] != '(')
            e--;
        if (e > s)
            e--;
        while (e > s && e[-1] == ' ')
            e--;
    }
    const char *d = e;
    while (d > s && isdigit((unsigned char)d[-1]))
        d--;
    if (d == e || d == s || d[-1] != '-')
        return fail(err, n, "no '-PID' before the CPU column; expected 'COMM-PID [CPU]'");
    l->pid = (uint32_t)strtoul(d, NULL, 10);
    const char *p = strchr(b + 2, ']') + 1;
    while (*p == ' ')
        p++;
    const char *tok = p; /* irq-info flags, when the next token is not the time */
    while (*tok && *tok != ' ' && *tok != ':')
        tok++;
    if (*tok == ' ') {
        p = tok;
        while (*p == ' ')
            p++;
    }
    char *end;
    uint64_t sec = strtoull(p, &end, 10);
    if (end == p || *end != '.')
        return fail(err, n, "no timestamp after the CPU column; expected SECS.FRACTION:");
    const char *f = end + 1, *fe = f;
    uint64_t frac = 0;
    while (isdigit((unsigned char)*fe) && fe - f < 9)
        frac = frac * 10 + (uint64_t)(*fe++ - '0');
    if (fe == f || *fe != ':')
        return fail(err, n, "bad timestamp fraction; expected 1 to 9 digits then ':'");
    for (ptrdiff_t k = fe - f; k < 9; k++)
        frac *= 10;
    l->ts = sec * 1000000000u + frac;
    p = fe + 1;
    while (*p == ' ')
        p++;
    const char *ne = p;
    while (*ne && *ne != ' ' && *ne != '\n')
        ne++;
    if (ne == p || ne[-1] != ':')
        return fail(err, n, "no 'EVENT:' after the timestamp");
    l->name = starts(p, "kvm_hv:") ? p + 7 : p;
    l->namelen = (size_t)(ne - 1 - l->name);
    while (*ne == ' ')
        ne++;
    l->fields = ne;
    return 0;
}

static bool is(const line *l, const char *name)
{
    return strlen(name) == l->namelen && !strncmp(l->name, name, l->namelen);
}

/* "VCPU N:" */
static int vcpu_of(const line *l, int *vcpu, char *err, size_t n)
{
    char *end;
    if (!starts(l->fields, "VCPU "))
        return fail(err, n, "%.*s: expected 'VCPU N:'", (int)l->namelen, l->name);
    long v = strtol(l->fields + 5, &end, 10);
    if (end == l->fields + 5 || *end != ':' || v < 0)
        return fail(err, n, "%.*s: expected 'VCPU N:'", (int)l->namelen, l->name);
    *vcpu = (int)v;
    return 0;
}

/* The value after "tag" in the fields: a name of table or a hex number. */
static int code_of(const line *l, const char *tag, int table, uint64_t *v, char *err, size_t n)
{
    const char *p = strstr(l->fields, tag);
    if (!p)
        return fail(err, n, "%.*s: no '%s'", (int)l->namelen, l->name, tag);
    p += strlen(tag);
    size_t len = strcspn(p, " ,\n");
    if (len > 2 && starts(p, "0x")) {
        char *end;
        *v = strtoull(p + 2, &end, 16);
        if ((size_t)(end - p) == len)
            return 0;
    } else if (rep_ksym_value(table, p, len, v)) {
        return 0;
    }
    return fail(err, n, "%.*s: '%.*s' after '%s' is neither a kernel name nor 0x-hex", (int)l->namelen, l->name,
                (int)len, p, tag);
}

/* ---- perf's handle_kvm_event ----------------------------------------------------------- */

static void begin(rep_pkvm *a, thread *t, int kind, uint64_t key, uint64_t ts)
{
    t->last[kind] = find_event(a, kind, key);
    t->start[kind] = ts;
}

static void end(rep_pkvm *a, thread *t, int kind, uint64_t ts)
{
    if (!t->start[kind] || t->last[kind] == NO_EVENT)
        return; /* the begin event is not caught */
    size_t e = t->last[kind];
    uint64_t t0 = t->start[kind];
    t->last[kind] = NO_EVENT;
    t->start[kind] = 0;
    if (ts >= t0)
        update(&a->ev[kind][e].st, ts - t0);
}

int rep_pkvm_line(rep_pkvm *a, const char *s, char *err, size_t n)
{
    if (banner(s) || starts(s, "#####"))
        return 0;
    line l;
    int rc = split(s, &l, err, n);
    if (rc)
        return rc;
    bool enter = is(&l, "kvm_guest_enter"), exit_ = is(&l, "kvm_guest_exit"), hin = is(&l, "kvm_hcall_enter"),
         hout = is(&l, "kvm_hcall_exit"), blocked = is(&l, "kvmppc_vcore_blocked"),
         wakeup = is(&l, "kvmppc_vcore_wakeup");
    if (!(enter || exit_ || hin || hout || blocked || wakeup))
        return 0;
    a->events++;
    thread *t = find_thread(a, l.pid);
    if (!t) {
        if (a->nth == a->capth) {
            a->capth = a->capth ? 2 * a->capth : 64;
            a->th = hv_xrealloc(a->th, a->capth * sizeof *a->th);
        }
        t = &a->th[a->nth++];
        *t = (thread){.pid = l.pid, .vcpu = -1, .last = {NO_EVENT, NO_EVENT}};
    }
    if (wakeup) {
        bool waited = starts(l.fields, "wait time ");
        char *end_;
        if (!waited && !starts(l.fields, "poll time "))
            return fail(err, n, "kvmppc_vcore_wakeup: expected 'poll time N ns' or 'wait time N ns'");
        uint64_t ns = strtoull(l.fields + 10, &end_, 10);
        if (end_ == l.fields + 10 || !starts(end_, " ns"))
            return fail(err, n, "kvmppc_vcore_wakeup: expected 'poll time N ns' or 'wait time N ns'");
        update(&a->wake[waited], ns);
        return 0;
    }
    if (blocked) {
        if (starts(l.fields, "Exit "))
            t->blocked_exit = l.ts;
        else if (!starts(l.fields, "Enter "))
            return fail(err, n, "kvmppc_vcore_blocked: expected 'Enter' or 'Exit'");
        return 0;
    }
    int vcpu = -1;
    uint64_t key = 0;
    if (enter || exit_ || hin)
        rc = vcpu_of(&l, &vcpu, err, n);
    if (!rc && (exit_ || hin))
        rc = exit_ ? code_of(&l, "trap=", REP_KSYM_EXIT, &key, err, n)
                   : code_of(&l, "hcall=", REP_KSYM_HCALL, &key, err, n);
    if (rc)
        return rc;
    if (enter && t->blocked_exit) {
        if (l.ts >= t->blocked_exit)
            update(&a->wake[2], l.ts - t->blocked_exit);
        t->blocked_exit = 0;
    }
    if (enter && !t->record) { /* per_vcpu_record: the first kvm_guest_enter gives the VCPU id */
        t->record = true;
        t->vcpu = vcpu;
    }
    if (!t->record || (a->vcpu >= 0 && t->vcpu != a->vcpu))
        return 0;
    if (exit_ || hin)
        begin(a, t, exit_ ? VMEXIT : HCALL, key, l.ts);
    else
        end(a, t, enter ? VMEXIT : HCALL, l.ts);
    return 0;
}

/* ---- print_result ---------------------------------------------------------------------- */

/* perf's result tree: bigger (by count, or by mean with --key time) first;
 * ties in insertion order, which walks the hash buckets (key mod 4096) and
 * each bucket's list newest first. */
static int tie(const kevent *a, const kevent *b)
{
    if (a->key % CACHE != b->key % CACHE)
        return a->key % CACHE < b->key % CACHE ? -1 : 1;
    return a->created > b->created ? -1 : 1;
}

static int by_samples(const void *x, const void *y)
{
    const kevent *a = x, *b = y;
    return a->st.n != b->st.n ? (a->st.n > b->st.n ? -1 : 1) : tie(a, b);
}

static int by_time(const void *x, const void *y)
{
    const kevent *a = x, *b = y;
    return a->st.mean != b->st.mean ? (a->st.mean > b->st.mean ? -1 : 1) : tie(a, b);
}

static const char *decode(int kind, uint64_t key)
{
    if (kind == VMEXIT && key == 0)
        return "RETURN_TO_HOST"; /* perf's book3s_hv_exits.h has it, the kernel's table not */
    const char *s = rep_ksym_name(kind == VMEXIT ? REP_KSYM_EXIT : REP_KSYM_HCALL, key);
    return s ? s : "UNKNOWN";
}

static void table(const rep_pkvm *a, int kind, int key, FILE *f)
{
    size_t n = 0;
    kevent *v = hv_xcalloc(a->nev[kind] + 1, sizeof *v);
    uint64_t count = 0, time = 0;
    for (size_t i = 0; i < a->nev[kind]; i++)
        if (a->ev[kind][i].st.n) { /* event_is_valid */
            v[n++] = a->ev[kind][i];
            count += a->ev[kind][i].st.n;
            time += a->ev[kind][i].st.time;
        }
    qsort(v, n, sizeof *v, key == REP_PKVM_KEY_TIME ? by_time : by_samples);
    fprintf(f, "\n\nAnalyze events for all VMs, ");
    if (a->vcpu < 0)
        fprintf(f, "all VCPUs:\n\n");
    else
        fprintf(f, "VCPU %d:\n\n", a->vcpu);
    fprintf(f, "%40s %10s %9s %9s %11s %11s %16s \n\n", kind == VMEXIT ? "VM-EXIT" : "HCALL-EVENT", "Samples",
            "Samples%", "Time%", "Min Time", "Max Time", "Avg time");
    for (size_t i = 0; i < n; i++) {
        const kstats *s = &v[i].st;
        fprintf(f, "%40s %10" PRIu64 " %8.2f%% %8.2f%% %9.2fus %9.2fus %9.2fus ( +-%7.2f%% )\n",
                decode(kind, v[i].key), s->n, (double)s->n / (double)count * 100,
                (double)s->time / (double)time * 100, (double)s->min / 1e3, (double)s->max / 1e3,
                (double)s->time / (double)s->n / 1e3, rel_stddev(s));
    }
    fprintf(f, "\nTotal Samples:%" PRIu64 ", Total events handled time:%.2fus.\n\n", count, (double)time / 1e3);
    free(v);
}

void rep_pkvm_report(const rep_pkvm *a, int events, int key, FILE *f)
{
    if (events & REP_PKVM_VMEXIT)
        table(a, VMEXIT, key, f);
    if (events & REP_PKVM_HCALL)
        table(a, HCALL, key, f);
    if (events != REP_PKVM_ALL)
        return; /* one perf table, as perf prints it */
    static const char *const what[] = {"vcore blocked, polled (wakeup: poll)",
                                       "vcore blocked, slept (wakeup: wait)", "woken runner to guest entry"};
    fprintf(f, "hvwake wakeups (kvmppc_vcore_wakeup, kvmppc_vcore_blocked Exit to the thread's next "
               "kvm_guest_enter; every VCPU):\n\n");
    fprintf(f, "%40s %10s %11s %11s %16s \n\n", "WAKEUP", "Samples", "Min Time", "Max Time", "Avg time");
    for (int i = 0; i < 3; i++) {
        const kstats *s = &a->wake[i];
        if (!s->n) {
            fprintf(f, "%40s %10d %11s %11s %16s\n", what[i], 0, "-", "-", "-");
            continue;
        }
        fprintf(f, "%40s %10" PRIu64 " %9.2fus %9.2fus %9.2fus ( +-%7.2f%% )\n", what[i], s->n,
                (double)s->min / 1e3, (double)s->max / 1e3, (double)s->time / (double)s->n / 1e3, rel_stddev(s));
    }
}
