/*
 * report/perfkvm.h — `perf kvm stat report` for POWER (Book3S HV), computed
 * from a text trace of the kvm_hv tracepoints: hvwake's own (--trace) or
 * one recorded on a real host (`trace-cmd record -e kvm_hv` then `trace-cmd
 * report`, or /sys/kernel/tracing/trace). Used by `hvwake kvm-stat`.
 *
 * Input lines (ftrace's trace file, trace-cmd report, with or without the
 * irq-info flags, a "(tgid)" column, a "kvm_hv:" system prefix, µs or ns
 * timestamps):  COMM-PID [CPU] FLAGS SECS.FRAC: EVENT: FIELDS
 * Lines starting with '#', empty lines and trace-cmd's "cpus=N",
 * "version = N", "CPU N is empty", "CPU:N [LOST N EVENTS]" and ftrace's
 * "##### CPU N buffer started ####" are not events; events other than the
 * kvm_hv ones are skipped; anything else is an error (file:line).
 *
 * What perf does, and so what this does (tools/perf/builtin-kvm.c,
 * arch/powerpc/util/kvm-stat.c):
 *   VM-EXIT      begins at kvm_hv:kvm_guest_exit, keyed by its trap, ends at
 *                the next kvm_hv:kvm_guest_enter; HCALL-EVENT begins at
 *                kvm_hcall_enter, keyed by req, ends at kvm_hcall_exit.
 *   Pairing is per thread (the event's pid), not per VCPU field: a thread's
 *   events count only after its first kvm_guest_enter (which gives the
 *   thread its VCPU id for --vcpu); a begin replaces the thread's pending
 *   begin; an end without a begin is ignored. On POWER the runner thread
 *   emits kvm_guest_exit for every VCPU of its vcore, then kvm_guest_enter
 *   for each at the next entry, so a VM-EXIT sample is the runner's time
 *   from the last exit it traced to its next entry, keyed by that last
 *   exit's trap — as perf reports it.
 *   Names: perf's book3s_hv_exits.h (kvm_trace_symbol_exit plus 0x0
 *   RETURN_TO_HOST) and book3s_hcalls.h; other codes print as UNKNOWN.
 *   Table: Samples, Samples%, Time%, Min/Max Time, Avg time ( +- the
 *   relative standard error of the mean ), sorted by samples (or by average
 *   time, --key time), descending; ties in perf's hash order (key mod 4096,
 *   then the newest event first).
 * Then hvwake's wakeup figures, from events perf does not use:
 *   kvmppc_vcore_wakeup   the vcore's blocked time, polled (poll) or slept
 *                         (wait), as the event's ns field
 *   woken runner to entry from a kvmppc_vcore_blocked Exit to the same
 *                         thread's next kvm_guest_enter
 */
#ifndef HV_REPORT_PERFKVM_H
#define HV_REPORT_PERFKVM_H

#include <stddef.h>
#include <stdio.h>

typedef struct rep_pkvm rep_pkvm;

enum { REP_PKVM_VMEXIT = 1, REP_PKVM_HCALL = 2, REP_PKVM_ALL = 3 };
enum { REP_PKVM_KEY_SAMPLE, REP_PKVM_KEY_TIME };

/* vcpu: only that VCPU's events (perf's --vcpu), -1 for all. */
rep_pkvm *rep_pkvm_new(int vcpu);
void rep_pkvm_free(rep_pkvm *a);
/* Feed one line (without or with its newline). 0, or HV_EPARSE with
 * "what is wrong, what was expected" in err. */
int rep_pkvm_line(rep_pkvm *a, const char *line, char *err, size_t n);
/* kvm_hv events read so far. */
size_t rep_pkvm_events(const rep_pkvm *a);
/* The tables (events: REP_PKVM_*, key: REP_PKVM_KEY_*); with both perf
 * tables, hvwake's wakeup figures after them. */
void rep_pkvm_report(const rep_pkvm *a, int events, int key, FILE *f);

#endif
