/*
 * host/host_timer.c — hrtimers on a CPU's decrementer. Mirrors
 * kernel/time/hrtimer.c (hrtimer_start_range_ns on the arming CPU's base,
 * hrtimer_interrupt -> __hrtimer_run_queues, hrtimers_dead_cpu) and the
 * powerpc clock event device (decrementer_set_next_event, timer_interrupt).
 * See host/host.h ("hrtimers").
 *
 * Expiry is an event at the timer's time; what it does depends on who owns
 * the CPU: the host raises the decrementer (the interrupt runs the expired
 * callbacks: host_irq.c, PH_HRTIMER); KVM (a runner's CPU, or a secondary
 * M3 parked) sees hooks->host_tick and the timer waits until the CPU comes
 * back to the host (host_cpu_leave_kvm raises the decrementer then); an
 * offline CPU's timer runs at once from another context.
 *
 * Simplifications: one clock base, no slack ranges, no timer migration at
 * arming time (timers stay on the CPU that armed them, as a task arming
 * before it sleeps does).
 */
#include "host/host_internal.h"

#include "base/hv.h"

static void unlink_timer(host_cpu *c, host_hrtimer *tm)
{
    for (host_hrtimer **p = &c->timers; *p; p = &(*p)->next)
        if (*p == tm) {
            *p = tm->next;
            tm->next = NULL;
            return;
        }
    HV_DIE("hrtimer not on cpu %d's list", c->cpu);
}

void host_hrtimer_init(host_hrtimer *tm, host_hrtimer_fn fn, void *arg)
{
    *tm = (host_hrtimer){.fn = fn, .arg = arg, .cpu = -1, .ev = DES_HANDLE_NONE};
}

void host_hrtimer_cancel(host *h, host_hrtimer *tm)
{
    if (tm->cpu < 0)
        return;
    des_cancel(h->sim, &tm->ev);
    unlink_timer(&h->cpus[tm->cpu], tm);
    tm->cpu = -1;
    tm->expired = false;
}

/* Run one timer's callback (its CPU, or -1 from another context). */
static void run_timer(host *h, host_hrtimer *tm, int cpu, int cls)
{
    des_time now = host__now(h);
    h->hrtimers_fired++;
    des_hist_add(&h->hrtimer_late[cls], now - tm->due);
    tm->fn(h, tm, cpu);
}

static int cpu_class(const host *h, int cpu) { return hw_cpu_is_subcore_primary(h->hw, cpu) ? 0 : 1; }

static void expire(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    host_hrtimer *tm = obj;
    host *h = tm->h;
    host_cpu *c = &h->cpus[tm->cpu];
    tm->ev = DES_HANDLE_NONE;
    if (!c->online) { /* hrtimers_dead_cpu: runs elsewhere */
        int cls = cpu_class(h, tm->cpu);
        unlink_timer(c, tm);
        tm->cpu = -1;
        run_timer(h, tm, -1, cls);
        return;
    }
    tm->expired = true;
    if (c->state == HOST_CPU_KVM) {
        if (c->kvm_hooks && c->kvm_hooks->host_tick)
            c->kvm_hooks->host_tick(c->kvm_ctx, c->cpu);
        return; /* the decrementer is raised when the CPU comes back */
    }
    hw_raise_dec(h->hw, c->t);
}

void host_hrtimer_start(host *h, host_hrtimer *tm, int cpu, des_time at)
{
    HV_CHECK(cpu >= 0 && (uint32_t)cpu < h->hw->ncpus);
    host_hrtimer_cancel(h, tm);
    host_cpu *c = &h->cpus[cpu];
    des_time now = host__now(h);
    tm->h = h;
    tm->cpu = cpu;
    tm->due = at < now ? now : at;
    tm->expired = false;
    tm->next = c->timers;
    c->timers = tm;
    h->hrtimers_armed++;
    tm->ev = des_at(h->sim, tm->due, expire, tm, 0);
}

des_time host_cpu_next_hrtimer(const host *h, int cpu)
{
    des_time m = DES_TIME_MAX;
    for (const host_hrtimer *tm = h->cpus[cpu].timers; tm; tm = tm->next)
        if (tm->due < m)
            m = tm->due;
    return m;
}

uint32_t host__hrtimers_expired(const host_cpu *c)
{
    uint32_t n = 0;
    for (const host_hrtimer *tm = c->timers; tm; tm = tm->next)
        n += tm->expired;
    return n;
}

/* __hrtimer_run_queues in the decrementer interrupt: every expired timer,
 * in expiry order (ties: the order they were armed); a callback may re-arm. */
void host__run_hrtimers(host_cpu *c)
{
    host *h = c->h;
    for (;;) {
        host_hrtimer *first = NULL;
        for (host_hrtimer *tm = c->timers; tm; tm = tm->next)
            if (tm->expired && (!first || tm->due <= first->due))
                first = tm;
        if (!first)
            return;
        unlink_timer(c, first);
        first->cpu = -1;
        first->expired = false;
        run_timer(h, first, c->cpu, cpu_class(h, c->cpu));
    }
}

/* CPU offline: the expired timers run now from another context; the
 * others run so when they expire (expire() sees the CPU offline). */
void host__hrtimers_dead_cpu(host_cpu *c)
{
    host *h = c->h;
    for (;;) {
        host_hrtimer *tm = c->timers;
        while (tm && !tm->expired)
            tm = tm->next;
        if (!tm)
            return;
        unlink_timer(c, tm);
        tm->cpu = -1;
        tm->expired = false;
        run_timer(h, tm, -1, cpu_class(h, c->cpu));
    }
}
