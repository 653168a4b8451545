/*
 * workload/boot.h — a boot-like guest mix, the calibration workload of
 * `hvwake validate` (docs/validation.md).
 *
 * The published POWER8 real-mode timings (66feed61cdf6) come from a 32-VCPU
 * guest (8 threads per vcore) booting Fedora 20 to the login prompt. No trace
 * of that boot exists; this generator reproduces its shape, not its code:
 * every VCPU alternates busy phases and idle phases.
 *   busy: work items of Exp(busy_mean) guest time; after each item, with
 *         probability p_hpte an HPT hypercall (H_ENTER, real mode), with
 *         p_ipi a wakeup of work on a random other VCPU (H_IPI when it is
 *         idle), with p_vm a virtual-mode hypercall (whole-core exit); the
 *         phase ends with probability p_idle;
 *   idle: the guest timer is armed Exp(idle_mean) ahead and the VCPU cedes;
 *         the timer starts the next busy phase.
 * The mix's free parameters were chosen so the ratio of real-mode interrupt
 * intervals to guest entries is close to the published sample counts
 * (3.6M rm_intr for 1.0M rm_entry).
 */
#ifndef HV_WORKLOAD_BOOT_H
#define HV_WORKLOAD_BOOT_H

#include "guest/guest.h"
#include "workload/model.h"

/* The generator's parameters: scenario section [mix] (mix_options.def). */
typedef struct mix_cfg {
    des_time busy_mean, idle_mean, wake_work;
    double p_hpte, p_ipi, p_vm, p_idle;
    double p_user;      /* a userspace exit (QEMU) after a work item */
    des_time user_work; /* its QEMU work */
} mix_cfg;
mix_cfg mix_cfg_default(void);

typedef struct boot_cfg {
    uint64_t vcpus, threads_per_vcore;
    mix_cfg mix;
} boot_cfg;
/* The calibration VM: 32 VCPUs, 8 threads per vcore, the default mix. */
boot_cfg boot_cfg_default(void);

typedef struct boot {
    mix_cfg cfg;
    kvm_vm *vm;
    guest *g;
    des_rng rng;
} boot;

/* Create the VM (pinned from core first_core) with its guest and start it. */
boot *boot_new(model *m, const boot_cfg *cfg, int64_t first_core);
/* Run the mix on an existing VM (not started yet); starts it. dev (may be
 * NULL) supplies the guest's device_irq hook. */
boot *boot_attach(model *m, kvm_vm *vm, const mix_cfg *mix, uint32_t rng_index,
                  const guest_ops *dev);
void boot_free(boot *b);

/* Aggregated debugfs timings over every VCPU: means in ns and counts. */
typedef struct boot_timings {
    double mean[KVM_TM_COUNT];
    uint64_t count[KVM_TM_COUNT];
} boot_timings;
void boot_timings_of(const kvm_vm *vm, boot_timings *out);

#endif
