/*
 * kvm/kvm_cfg.h — the configuration of the kvm room: [kvm]
 * (kvm_options.def) and [vm "name"] (vm_options.def), their choices and the
 * structs they fill. A part of kvm/kvm.h, which includes it: include
 * kvm/kvm.h.
 */
#ifndef HV_KVM_KVM_CFG_H
#define HV_KVM_KVM_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "des/des.h"

/* The [kvm] and [vm] choices, X(enum, choice); the order is the stored
 * value (scn/scenario.c checks it). kvm.redirect_policy: KVM_HC_POLICIES. */
#define KVM_REDIRECT_SENDS(X) X(KVM_REDIRECT_SEND_4_11, "4.11") X(KVM_REDIRECT_SEND_4_6, "4.6")
#define KVM_GUEST_IPIS(X) X(KVM_GUEST_IPI_TARGETED, "targeted") X(KVM_GUEST_IPI_RESCHEDULE, "reschedule")
/* vm.guest: what runs in the VM (workload/): the generic mix, an idle
 * guest, the ycsb server, a netperf TCP_RR server or client. */
#define KVM_VM_GUESTS(X)                                                     \
    X(KVM_VM_GUEST_MIX, "mix") X(KVM_VM_GUEST_IDLE, "idle") X(KVM_VM_GUEST_YCSB, "ycsb") \
    X(KVM_VM_GUEST_NETSERVER, "netserver") X(KVM_VM_GUEST_NETPERF, "netperf")
/* kvm.h_prod: H_PROD as 4.6-4.10 did it (marks the target prodded, tests and
 * wakes the caller's cede state) or as 8464c8842de2 fixed it (4.11: kicks a
 * ceded target; prodded counts as runnable). */
#define KVM_H_PRODS(X) X(KVM_H_PROD_FIXED, "fixed") X(KVM_H_PROD_4_6, "4.6")
/* kvm.wake_policy: faithful = the kernel's paths; oracle = the lower bound:
 * a real-mode H_IPI whose target is not loaded kicks it at zero cost at the
 * instant of the H_IPI (no exit, no redirect; hipi.oracle), as if
 * kvmppc_fast_vcpu_kick_hv ran for free on the CPU the target's runner task
 * sleeps on. */
#define KVM_WAKE_POLICIES(X) X(KVM_WAKE_FAITHFUL, "faithful") X(KVM_WAKE_ORACLE, "oracle")
#define KVM_CHOICE_ENUM(e, n) e,
enum { KVM_REDIRECT_SENDS(KVM_CHOICE_ENUM) };
enum { KVM_GUEST_IPIS(KVM_CHOICE_ENUM) };
enum { KVM_H_PRODS(KVM_CHOICE_ENUM) };
enum { KVM_WAKE_POLICIES(KVM_CHOICE_ENUM) };
enum { KVM_VM_GUESTS(KVM_CHOICE_ENUM) };
#undef KVM_CHOICE_ENUM

typedef struct kvm_cfg {
    bool h_ipi_redirect;
    int redirect_policy; /* kvm_hc_policy */
    int redirect_send;   /* KVM_REDIRECT_SEND_* */
    int guest_ipi;       /* KVM_GUEST_IPI_* */
    int h_prod;          /* KVM_H_PROD_* */
    int wake_policy;     /* KVM_WAKE_* */
    uint64_t halt_poll_ns, halt_poll_ns_grow, halt_poll_ns_shrink, halt_poll_ns_grow_start;
    bool real_mode, real_mode_dbg;
    bool no_drain_dbg;   /* debug: skip the drains of pending RM_HOST_ACTIONs (VM destroy, CPU offline) */
    des_time lost_wakeup_ns; /* check bound: a pending wakeup older than this is lost */
} kvm_cfg;
kvm_cfg kvm_cfg_default(void);

#define KVM_VM_NAME_MAX 32
typedef struct vm_cfg {
    char name[KVM_VM_NAME_MAX];
    uint64_t vcpus;
    uint64_t count; /* scenario level: copies of a [vm] section (scn_vms); KVM ignores it */
    uint64_t threads_per_vcore;
    int64_t first_core; /* pin vcore i's VCPU tasks to core first_core + i; -1 = scheduler */
    int guest;          /* KVM_VM_GUEST_* (what runs in it: workload/) */
    /* a virtio-like device served by a vhost task (workload/vhost.h) */
    double dev_irq_rate;  /* interrupts per second; 0 = no device */
    uint64_t dev_queues;  /* MSI sources, spread over the VCPUs */
    des_time dev_work;    /* vhost CPU time per interrupt */
    des_time dev_handler; /* guest handler time per interrupt */
    des_time destroy_at;  /* QEMU quits and the VM is destroyed at this time; 0 = never */
} vm_cfg;

#endif
