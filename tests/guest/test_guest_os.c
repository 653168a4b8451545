/*
 * The guest kernel's scheduler rules (guest/os.h), each on a small VM whose
 * threads follow a script (compute, wake another thread, wait), with every
 * invariant checked after every event:
 *   - a wakeup onto an idle VCPU outside the waker's LLC goes through the
 *     wake_list with one reschedule IPI (H_IPI), and the thread runs on
 *     its previous VCPU;
 *   - a sync wakeup by a thread about to block, with nothing else on its
 *     VCPU, pulls the wakee there (wake_affine): no IPI;
 *   - a busy previous VCPU gives the wakee to an idle LLC sibling
 *     (select_idle_sibling);
 *   - a wakeup onto a busy VCPU of the same LLC whose current thread does
 *     not lead by the wakeup granularity neither preempts nor sends an IPI;
 *   - NO_HZ: an idle VCPU takes no tick, a busy one one per jiffy;
 *   - two CPU-bound threads on one VCPU share it by tick preemption;
 *   - a contended futex mutex is handed over with a wakeup.
 */
#include "guest/os.h"
#include "tap.h"
#include "workload/model.h"

#include <string.h>

enum { S_COMPUTE, S_WAKE, S_WAKE_SYNC, S_WAIT, S_LOCK, S_UNLOCK, S_END };
typedef struct step {
    int kind;
    des_time ns;  /* S_COMPUTE */
    int other;    /* S_WAKE*: the thread woken */
} step;
#define COMPUTE(ns) {S_COMPUTE, (ns), 0}
#define WAKE(o) {S_WAKE, 0, (o)}
#define WAKE_SYNC(o) {S_WAKE_SYNC, 0, (o)}
#define WAIT {S_WAIT, 0, 0}
#define LOCK {S_LOCK, 0, 0}
#define UNLOCK {S_UNLOCK, 0, 0}
#define END {S_END, 0, 0}

typedef struct script {
    const step *s;
    int pc;
    guest_thread *t;
    struct world *w;
    int ran_on[8];   /* VCPU at the start of each step */
    des_time at[8];  /* time of each step's start */
} script;

typedef struct world {
    model *m;
    kvm_vm *vm;
    guest_os *os;
    script sc[4];
    int n;
    guest_mutex mu;
} world;

static void next_step(guest_os *os, guest_thread *t, void *arg);

static void run(guest_os *os, guest_thread *t) { next_step(os, t, NULL); }
static const guest_thread_ops ops = {run};

static void next_step(guest_os *os, guest_thread *t, void *arg)
{
    (void)arg;
    script *c = t->ctx;
    for (;;) {
        const step *st = &c->s[c->pc];
        if (c->pc < 8) {
            c->ran_on[c->pc] = (int)t->cpu->index;
            c->at[c->pc] = guest_os_now(os);
        }
        c->pc++;
        switch (st->kind) {
        case S_COMPUTE:
            guest_thread_compute(os, t, st->ns, next_step, NULL);
            return;
        case S_WAKE:
        case S_WAKE_SYNC:
            guest_thread_wake(os, c->w->sc[st->other].t, t->cpu, st->kind == S_WAKE_SYNC);
            continue;
        case S_WAIT:
            guest_thread_wait(os, t, next_step, NULL);
            return;
        case S_LOCK:
            guest_mutex_lock(os, t, &c->w->mu, next_step, NULL);
            return;
        case S_UNLOCK:
            guest_mutex_unlock(os, t, &c->w->mu, next_step, NULL);
            return;
        case S_END:
            c->pc--; /* stays here: sleeps for good */
            guest_thread_wait(os, t, next_step, NULL);
            return;
        }
    }
}

static const char *os_check(void *ctx) { return guest_os_check(ctx); }
static const char *os_cons(void *ctx) { return guest_os_conservation(ctx); }

/* A VM of vcpus VCPUs (threads_per_vcore tpv) with one script per thread,
 * thread i starting on cpu[i]. */
static void world_run(world *w, uint64_t vcpus, uint64_t tpv, const step *const *scripts,
                      const uint32_t *cpu, int n, des_time dur, const guest_cfg *gc)
{
    memset(w, 0, sizeof *w);
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = 6;
    host_cfg hc = host_cfg_default();
    kvm_cfg kc = kvm_cfg_default();
    w->m = model_new(&hw, &hc, &kc, NULL, 7, 0, NULL);
    des_enable_checks(w->m->sim, true);
    /* The host scheduler places the VCPU tasks: pinned (first_core), the
     * tasks of a vcore share its thread 0, and a second VCPU's first entry
     * waits for the runner to give up that CPU, as in the kernel. */
    vm_cfg vc = {.name = "t", .vcpus = vcpus, .threads_per_vcore = tpv, .first_core = -1};
    w->vm = kvm_vm_new(w->m->kvm, &vc);
    guest_cfg g = gc ? *gc : guest_cfg_default();
    w->os = guest_os_new(w->vm, &g, NULL);
    model_add_checks(w->m, os_check, os_cons, w->os);
    w->n = n;
    for (int i = 0; i < n; i++) {
        w->sc[i] = (script){.s = scripts[i], .w = w};
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        w->sc[i].t = guest_thread_new(w->os, name, cpu[i], &ops, &w->sc[i]);
    }
    kvm_vm_start(w->m->kvm, w->vm);
    const char *e = model_run(w->m, dur);
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
}

static void world_free(world *w)
{
    guest_mutex_free(&w->mu);
    guest_os_free(w->os);
    model_free(w->m);
}

static uint64_t sum(const world *w, size_t off)
{
    uint64_t s = 0;
    for (uint32_t i = 0; i < w->vm->n_vcpus; i++)
        s += *(const uint64_t *)((const char *)&w->os->cpus[i].st + off);
    return s;
}
#define SUM(w, f) sum(w, offsetof(guest_os_stats, f))

static const step sleeper[] = {WAIT, COMPUTE(DES_US(10)), END};

/* VCPUs {0,1} and {2,3} are two LLCs (2 threads per vcore). */
static void remote_wake_ipi(void)
{
    static const step waker[] = {COMPUTE(DES_US(50)), WAKE(1), COMPUTE(DES_US(50)), END};
    const step *sc[] = {waker, sleeper};
    uint32_t cpu[] = {0, 2};
    world w;
    world_run(&w, 4, 2, sc, cpu, 2, DES_MS(1), NULL);
    TAP_EQ(w.sc[1].ran_on[1], 2);           /* its previous VCPU */
    TAP_EQ(w.os->cpus[0].st.resched_ipis, 1); /* one H_IPI, from the waker's VCPU */
    TAP_EQ(w.os->cpus[2].st.ipis_received, 1);
    TAP_EQ(SUM(&w, wakeups), 1);
    TAP_EQ(SUM(&w, wakeups_remote), 1);
    TAP_EQ(SUM(&w, wakeups_idle_target), 1);
    TAP_EQ(SUM(&w, wakeups_affine), 0);
    world_free(&w);
}

static void sync_wake_affine(void)
{
    static const step waker[] = {COMPUTE(DES_US(50)), WAKE_SYNC(1), END};
    const step *sc[] = {waker, sleeper};
    uint32_t cpu[] = {0, 2};
    world w;
    world_run(&w, 4, 2, sc, cpu, 2, DES_MS(1), NULL);
    TAP_EQ(w.sc[1].ran_on[1], 0); /* pulled to the waker's VCPU */
    TAP_EQ(SUM(&w, wakeups_affine), 1);
    TAP_EQ(SUM(&w, resched_ipis), 0);
    world_free(&w);
    /* wake_affine off: it stays on its previous VCPU, with an IPI */
    guest_cfg g = guest_cfg_default();
    g.wake_affine = false;
    world_run(&w, 4, 2, sc, cpu, 2, DES_MS(1), &g);
    TAP_EQ(w.sc[1].ran_on[1], 2);
    TAP_EQ(SUM(&w, resched_ipis), 1);
    world_free(&w);
}

static void idle_sibling(void)
{
    static const step waker[] = {COMPUTE(DES_US(50)), WAKE(1), END};
    static const step hog[] = {COMPUTE(DES_MS(1)), END};
    const step *sc[] = {waker, sleeper, hog};
    uint32_t cpu[] = {0, 2, 2}; /* the sleeper blocks first, then the hog keeps VCPU 2 busy */
    world w;
    world_run(&w, 4, 2, sc, cpu, 3, DES_MS(2), NULL);
    TAP_EQ(w.sc[1].ran_on[1], 3); /* VCPU 2 busy: its idle sibling */
    TAP_EQ(w.os->cpus[3].st.ipis_received, 1);
    world_free(&w);
}

static void same_llc_no_preempt(void)
{
    /* waker on VCPU 2 wakes the sleeper whose VCPU 3 runs a hog, and VCPU 2
     * stays busy, so no idle sibling: the sleeper waits for the hog without
     * an IPI (the hog leads by less than the wakeup granularity). */
    static const step waker[] = {COMPUTE(DES_US(50)), WAKE(1), COMPUTE(DES_MS(2)), END};
    static const step hog[] = {COMPUTE(DES_US(500)), END};
    const step *sc[] = {waker, sleeper, hog};
    uint32_t cpu[] = {2, 3, 3};
    world w;
    world_run(&w, 4, 2, sc, cpu, 3, DES_MS(3), NULL);
    TAP_EQ(w.sc[1].ran_on[1], 3);
    TAP_EQ(SUM(&w, resched_ipis), 0);
    TAP_EQ(SUM(&w, preemptions), 0);
    TAP_LE(w.sc[2].at[1], w.sc[1].at[1]); /* after the hog is done */
    world_free(&w);
}

static void nohz_tick(void)
{
    static const step busy[] = {COMPUTE(DES_MS(55)), END};
    const step *sc[] = {busy};
    uint32_t cpu[] = {0};
    world w;
    world_run(&w, 2, 1, sc, cpu, 1, DES_MS(60), NULL);
    printf("# ticks: busy vcpu %llu, idle vcpu %llu\n", (unsigned long long)w.os->cpus[0].st.ticks,
           (unsigned long long)w.os->cpus[1].st.ticks);
    TAP_EQ(w.os->cpus[0].st.ticks, 5); /* 10, 20, 30, 40, 50 ms at HZ = 100 */
    TAP_EQ(w.os->cpus[1].st.ticks, 0); /* idle: no tick */
    world_free(&w);
}

static void tick_preemption(void)
{
    static const step busy[] = {COMPUTE(DES_MS(100)), END};
    const step *sc[] = {busy, busy};
    uint32_t cpu[] = {0, 0};
    world w;
    world_run(&w, 1, 1, sc, cpu, 2, DES_MS(60), NULL);
    uint64_t pre = w.os->cpus[0].st.preemptions;
    des_time a = w.sc[0].t->sum_exec, b = w.sc[1].t->sum_exec;
    printf("# preemptions %llu, runtimes %llu / %llu ns\n", (unsigned long long)pre,
           (unsigned long long)a, (unsigned long long)b);
    TAP_LE(4, pre);         /* switched at (nearly) every tick */
    TAP_LE(DES_MS(20), a);  /* both progressed */
    TAP_LE(DES_MS(20), b);
    world_free(&w);
}

static void mutex_handover(void)
{
    static const step a[] = {LOCK, COMPUTE(DES_US(100)), UNLOCK, END};
    static const step b[] = {COMPUTE(DES_US(20)), LOCK, COMPUTE(DES_US(10)), UNLOCK, END};
    const step *sc[] = {a, b};
    uint32_t cpu[] = {0, 1};
    world w;
    world_run(&w, 2, 1, sc, cpu, 2, DES_MS(1), NULL);
    TAP_EQ(w.mu.contended, 1);
    TAP_CHECK(w.mu.owner == NULL && w.mu.waiters.n == 0);
    TAP_LE(w.sc[0].at[2], w.sc[1].at[2]); /* b's critical section after a's unlock */
    TAP_EQ(SUM(&w, wakeups), 1);
    world_free(&w);
}

int main(void)
{
    TAP_RUN(remote_wake_ipi);
    TAP_RUN(sync_wake_affine);
    TAP_RUN(idle_sibling);
    TAP_RUN(same_llc_no_preempt);
    TAP_RUN(nohz_tick);
    TAP_RUN(tick_preemption);
    TAP_RUN(mutex_handover);
    return tap_done();
}
