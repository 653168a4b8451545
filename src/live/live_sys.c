/* Live engine: names, configuration, results and the OS primitives (futex,
 * clock, pinning, yields, violations). See live.h. */
#define _GNU_SOURCE /* syscall(SYS_futex), sched_getaffinity, pthread_setaffinity_np */
#include "live/live_internal.h"

#include "base/hv.h"

#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *const signal_names[] = {
#define N(e, n) n,
    LIVE_SIGNALS(N)
#undef N
};
static const char *const load_names[] = {
#define N(e, n) n,
    LIVE_LOADS(N)
#undef N
};
static const char *const bug_names[] = {
#define N(e, n) n,
    LIVE_BUGS(N)
#undef N
};

const char *live_signal_name(live_signal s) { return (unsigned)s < LIVE_SIGNAL_COUNT ? signal_names[s] : "?"; }
const char *live_load_name(live_load l) { return (unsigned)l < LIVE_LOAD_COUNT ? load_names[l] : "?"; }
const char *live_bug_name(live_bug b) { return (unsigned)b < LIVE_BUG_COUNT ? bug_names[b] : "?"; }

static int find_name(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}
int live_signal_parse(const char *name) { return find_name(signal_names, LIVE_SIGNAL_COUNT, name); }
int live_load_parse(const char *name) { return find_name(load_names, LIVE_LOAD_COUNT, name); }
int live_bug_parse(const char *name) { return find_name(bug_names, LIVE_BUG_COUNT, name); }

live_cfg live_cfg_default(void)
{
    return (live_cfg){
        .cores = 4, .senders = 2, .targets = 4, .signal = LIVE_SIGNAL_FUTEX,
        .load = LIVE_LOAD_OPEN, .redirect = true, .iterations = 2000, .epochs = 4,
        .guest_pct = 25, .guest_len = 8, .yield_pct = 10, .seed = 1,
        .watchdog_ns = 10ull * 1000 * 1000 * 1000, .bug = LIVE_BUG_NONE,
    };
}

const char *live_cfg_check(const live_cfg *c)
{
    if (c->cores < 1 || c->cores > LIVE_MAX_THREADS)
        return "--cores out of range; expected 1..256";
    if (c->senders < 1 || c->senders > LIVE_MAX_THREADS)
        return "--senders out of range; expected 1..256";
    if (c->targets < 1 || c->targets > LIVE_MAX_THREADS)
        return "--targets out of range; expected 1..256";
    if (c->epochs < 1)
        return "--epochs is 0; expected at least 1 VM";
    if (c->iterations == 0 && c->duration_ns == 0)
        return "neither iterations nor a duration; expected one of them > 0";
    if (c->load == LIVE_LOAD_CLOSED && c->targets < c->senders)
        return "closed load with fewer targets than senders; expected --targets >= --senders "
               "(each sender drives its own targets)";
    if (c->guest_pct > 100 || c->yield_pct > 100)
        return "a percentage above 100; expected 0..100";
    if (c->guest_len < 1)
        return "--guest-len is 0; expected at least 1 yield";
    if (c->watchdog_ns == 0)
        return "--watchdog is 0; expected a positive time";
    if ((unsigned)c->signal >= LIVE_SIGNAL_COUNT || (unsigned)c->load >= LIVE_LOAD_COUNT ||
        (unsigned)c->bug >= LIVE_BUG_COUNT)
        return "unknown signal, load or bug; expected one of the listed names";
    return NULL;
}

void live_result_init(live_result *r)
{
    memset(r, 0, sizeof *r);
    des_hist_init(&r->send_ns);
    des_hist_init(&r->direct_ns);
    des_hist_init(&r->find_ns);
    des_hist_init(&r->wake_ns);
}

void live_result_free(live_result *r)
{
    des_hist_free(&r->send_ns);
    des_hist_free(&r->direct_ns);
    des_hist_free(&r->find_ns);
    des_hist_free(&r->wake_ns);
}

unsigned live_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    int n = CPU_COUNT(&set);
    return n > 0 ? (unsigned)n : 1;
}

uint64_t live_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* FUTEX_WAIT_PRIVATE: sleeps while *w == val (returns at once otherwise, or
 * on a wake, or spuriously: callers loop on their condition). */
void live_futex_wait(_Atomic uint32_t *w, uint32_t val)
{
    syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

void live_futex_wake(_Atomic uint32_t *w)
{
    syscall(SYS_futex, (uint32_t *)w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

void live_yield_point(const live_sys *s, des_rng *r)
{
    if (s->cfg.yield_pct && des_rng_below(r, 100) < s->cfg.yield_pct)
        sched_yield();
}

void live_violation(live_sys *s, bool fatal, const char *fmt, ...)
{
    char msg[sizeof s->violation];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    atomic_fetch_add_explicit(&s->violations, 1, memory_order_relaxed);
    if (!atomic_exchange_explicit(&s->violation_set, 1, memory_order_acq_rel))
        memcpy(s->violation, msg, sizeof msg); /* read after every thread is joined */
    fprintf(stderr, "live: invariant broken: %s\n", msg);
    if (fatal) {
        fflush(stdout);
        _exit(HV_EXIT_CHECK);
    }
}

int live_pin_self(live_sys *s)
{
    if (!s->cfg.pin)
        return HV_OK;
    unsigned i = atomic_fetch_add_explicit(&s->next_cpu, 1, memory_order_relaxed);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(s->cpus[i % s->ncpus], &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0 ? HV_OK : HV_EIO;
}
