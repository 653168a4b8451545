/*
 * report/kstat.h — the --kernel file: what kvm_stat and debugfs show on a
 * Linux 4.6-4.11 KVM-HV host, for the model's VMs.
 *
 *   kvm_stat -1 -d        kvm_stat's batch output with the debugfs provider
 *                         (tools/kvm/kvm_stat/kvm_stat, batch()): one line
 *                         per file of /sys/kernel/debug/kvm, "%-42s%10d%10d"
 *                         name, total, current, names in sorted (ASCII)
 *                         order. The names are book3s.c's debugfs_entries,
 *                         all VCPU_STAT, summed over every VCPU; a name the
 *                         model does not count is 0 (docs/metrics.md says
 *                         which and why). total: since the VMs started (the
 *                         warm-up included); current: kvm_stat's 1-second
 *                         delta, here the increase over the last second of
 *                         simulated time, or over the whole measured
 *                         duration when that is shorter (the section says
 *                         which).
 *   kvm_stat -1 -d -p P   the same per VM: the files of kvm/<pid>-<fd>/
 *                         (one directory per VM since 4.7; -g NAME finds
 *                         the pid from QEMU's -name)
 *   hvwake counters       the model's own per-VCPU counters (KVM_VCPU_COUNTERS
 *                         rows with no kernel file), in the same layout and
 *                         window, under a heading that says they are not the
 *                         kernel's
 *   kvm/vm<pid>/vcpu<N>/timings   book3s_hv.c's EXIT_TIMING file per VCPU
 *                         ("%s: %llu %llu %llu %llu": count total min max)
 *   powerpc/kvm-xics-<p>  book3s_xics.c's xics_debug_show per VM, every
 *                         source of every ICS (xics_dump)
 *
 * The file names use each VM's QEMU pid (kvm_vm.pid), QEMU's VM file
 * descriptor REP_KSTAT_VM_FD, and for the XICS file, whose kernel name
 * holds the struct's address (%p), a made-up kernel address per VM.
 * Concurrency: single-threaded; reads the model only.
 */
#ifndef HV_REPORT_KSTAT_H
#define HV_REPORT_KSTAT_H

#include <stdio.h>

#include "kvm/kvm.h"

/* The VM fd in QEMU (/dev/kvm, then KVM_CREATE_VM), as kvm/<pid>-<fd> shows. */
#define REP_KSTAT_VM_FD 11

/* Per-VCPU counters at two instants, in VM then VCPU order. */
typedef struct rep_kstat {
    size_t n;
    kvm_vcpu_stats *boot;   /* at the end of the warm-up, before the reset */
    kvm_vcpu_stats *window; /* at the start of the `current` window */
    des_time window_ns;     /* its length */
} rep_kstat;

void rep_kstat_init(rep_kstat *k, const kvm_sys *s);
void rep_kstat_free(rep_kstat *k);
/* The counters before kvm_reset_stats (the end of the warm-up). */
void rep_kstat_boot(rep_kstat *k, const kvm_sys *s);
/* The `current` window starts now and lasts `len` (to the end of the run). */
void rep_kstat_window(rep_kstat *k, const kvm_sys *s, des_time len);
/* The whole --kernel file. */
void rep_kvm_kernel(const kvm_sys *s, const rep_kstat *k, FILE *f);

#endif
