/*
 * workload/validate.h — `hvwake validate`: the calibration check of the KVM
 * model against published POWER8 figures (docs/validation.md).
 *
 * Published (66feed61cdf6, "KVM: PPC: Book3S HV: Use msgsnd for signalling
 * threads on POWER8", 2015): a 32-VCPU guest with 8 threads per vcore
 * booting Fedora 20, aggregated debugfs timings, before -> after msgsnd:
 *   rm_entry 3387.6 -> 3060.1 ns, rm_exit 4561.5 -> 4244.1 ns,
 *   rm_intr 1660.0 -> 1342.3 ns.
 * The model runs the boot-like mix (workload/boot.h) twice with the same
 * seed, hw.msgsnd = 0 then 1, and everything else equal; each model mean
 * must be within the tolerance of the published one.
 */
#ifndef HV_WORKLOAD_VALIDATE_H
#define HV_WORKLOAD_VALIDATE_H

#include "hw/costs.h"
#include "workload/boot.h"

typedef struct validate_row {
    const char *name;   /* "rm_entry" ... */
    int msgsnd;         /* 0 before, 1 after */
    double published;   /* ns */
    double model;       /* ns */
    uint64_t count;     /* model samples */
    double err;         /* model / published - 1 */
} validate_row;

#define VALIDATE_ROWS 6

/* Run both settings (1 chip of 6 cores, the VM on cores 1-4) for duration;
 * costs NULL = defaults. Returns NULL, or err holding the failed model
 * check ("msgsnd=M: message", at most errlen bytes with the NUL). */
const char *validate_run(const hw_costs *costs, uint64_t seed, uint64_t run, des_time duration,
                         validate_row rows[VALIDATE_ROWS], char *err, size_t errlen);

#endif
