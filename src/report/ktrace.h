/*
 * report/ktrace.h — the kvm_hv tracepoints of Linux 4.6-4.11, as the kernel
 * records and prints them, and the two files made of them:
 *
 *   rep_kvm_ftrace    the text of /sys/kernel/tracing/trace (the "trace"
 *                     file with the default options, nop tracer)
 *   rep_kvm_tracedat  a trace.dat (trace-cmd.dat(5), version 6) that
 *                     `trace-cmd report` and KernelShark read (tracedat.c)
 *
 * The events (arch/powerpc/kvm/trace_hv.h, in its order, with the symbol
 * tables of ktrace_sym.def):
 *
 *   kvm_guest_enter        VCPU %d: pc=0x%lx pexcp=0x%lx ceded=%d
 *   kvm_guest_exit         VCPU %d: trap=%s pc=0x%lx msr=0x%lx, ceded=%d
 *   kvm_page_fault_enter   (format only: the model has no HPT faults)
 *   kvm_page_fault_exit    (format only)
 *   kvm_hcall_enter        VCPU %d: hcall=%s GPR4-7=0x%lx,0x%lx,0x%lx,0x%lx
 *   kvm_hcall_exit         VCPU %d: ret=%s hcall_rc=%s
 *   kvmppc_run_core        %s runner_vcpu==%d runnable=%d tgid=%d
 *   kvmppc_vcore_blocked   %s runner_vcpu=%d runnable=%d tgid=%d
 *   kvmppc_vcore_wakeup    %s time %lld ns, tgid=%d
 *   kvmppc_run_vcpu_enter  VCPU %d: tgid=%d
 *   kvmppc_run_vcpu_exit   VCPU %d: exit=%d, ret=%d
 *
 * Where the model has no value for a field, the field is 0 and docs/cli.md
 * says so: pc and msr (no guest instruction stream), GPR6 and GPR7 (the
 * guest programs pass at most two hcall arguments). H_NULL, H_GENERIC and
 * H_USER are hvwake's own hcall numbers: like any number missing from
 * kvm_trace_symbol_hcall they print as hex, as __print_symbolic does.
 *
 * Each record of the kvm room that stands for a tracepoint (kvm/kvm_enums.h
 * KVM_TRACE_KINDS) becomes one event on its record's CPU, in the emitting
 * VCPU thread: comm "CPU <id>/KVM" (QEMU's VCPU thread name with
 * debug-threads, libvirt's default), pid and tgid from kvm_vm.pid.
 * Concurrency: single-threaded; reads the model only.
 */
#ifndef HV_REPORT_KTRACE_H
#define HV_REPORT_KTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "des/trace.h"
#include "kvm/kvm.h"

#define REP_KEVS(X)                                                          \
    X(REP_KEV_GUEST_ENTER, "kvm_guest_enter")                                \
    X(REP_KEV_GUEST_EXIT, "kvm_guest_exit")                                  \
    X(REP_KEV_PAGE_FAULT_ENTER, "kvm_page_fault_enter")                      \
    X(REP_KEV_PAGE_FAULT_EXIT, "kvm_page_fault_exit")                        \
    X(REP_KEV_HCALL_ENTER, "kvm_hcall_enter")                                \
    X(REP_KEV_HCALL_EXIT, "kvm_hcall_exit")                                  \
    X(REP_KEV_RUN_CORE, "kvmppc_run_core")                                   \
    X(REP_KEV_VCORE_BLOCKED, "kvmppc_vcore_blocked")                         \
    X(REP_KEV_VCORE_WAKEUP, "kvmppc_vcore_wakeup")                           \
    X(REP_KEV_RUN_VCPU_ENTER, "kvmppc_run_vcpu_enter")                       \
    X(REP_KEV_RUN_VCPU_EXIT, "kvmppc_run_vcpu_exit")
enum {
#define REP_KEV_E(e, n) e,
    REP_KEVS(REP_KEV_E)
#undef REP_KEV_E
    REP_KEV_COUNT
};

/* The kernel assigns event IDs when kvm-hv.ko loads; hvwake's are fixed:
 * REP_KEV_ID0 + the event's index above. */
#define REP_KEV_ID0 1100
/* The largest raw entry (common fields + TP_STRUCT__entry), in bytes. */
#define REP_KEV_RAW_MAX 64

/* One event as the kernel's ring buffer holds it. */
typedef struct rep_kev {
    des_time ts;      /* ns */
    uint32_t cpu;
    uint32_t pid;     /* common_pid: the emitting thread */
    char comm[16];    /* its name (TASK_COMM_LEN) */
    int id;           /* REP_KEV_* */
    uint64_t f[8];    /* the TP_STRUCT__entry fields in order, as stored */
} rep_kev;

/* The event record r stands for (false: r is no tracepoint). */
bool rep_kev_from(const kvm_sys *s, const des_trace_rec *r, rep_kev *e);
/* The raw entry (common_type, common_flags, common_preempt_count,
 * common_pid, then the fields at their offsets, little-endian) into buf
 * (REP_KEV_RAW_MAX bytes); returns its size. */
size_t rep_kev_raw(const rep_kev *e, uint8_t *buf);
/* The event's format file as tracefs shows it (events/kvm_hv/NAME/format). */
void rep_kev_format(int id, FILE *f);

/* The kernel's symbol tables (ktrace_sym.def) for readers of traces. */
enum { REP_KSYM_EXIT, REP_KSYM_HCALL };
/* The name of value in table, or NULL. */
const char *rep_ksym_name(int table, uint64_t value);
/* The value of the name s[0..len) in table; false if absent. */
bool rep_ksym_value(int table, const char *s, size_t len, uint64_t *value);

/* The text trace. Write errors surface at the caller's rep_out close. */
void rep_kvm_ftrace(const kvm_sys *s, const des_trace *tr, FILE *f);
/* The trace.dat (tracedat.c). */
void rep_kvm_tracedat(const kvm_sys *s, const des_trace *tr, FILE *f);

#endif
