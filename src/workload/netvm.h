/*
 * workload/netvm.h — a VM that runs the guest kernel (guest/os.h) with a
 * virtio-net device: its guest OS, the guest driver (guest/net.h) and the
 * host side (workload/vnet.h), with their checks chained into the model
 * (guest_os_check after every event; guest and device conservation at the
 * end of every run). The request/response workloads (ycsb, tcp_rr) build
 * their VMs with it.
 */
#ifndef HV_WORKLOAD_NETVM_H
#define HV_WORKLOAD_NETVM_H

#include "guest/net.h"
#include "guest/os.h"
#include "workload/model.h"
#include "workload/vnet.h"

/* The guest-physical address of queue 0's notify register (virtio-pci's
 * notify region; queue q at + q). */
#define NETVM_NOTIFY_BASE 0x200000000ull

typedef struct netvm {
    model *m;
    kvm_vm *vm;
    guest_os *os;
    guest_net *net;
    vnet *dev;
    char err[192];
} netvm;

/* Guest kernel, device and host side on vm (created, not started). */
netvm *netvm_new(model *m, kvm_vm *vm, const guest_cfg *gc, const net_cfg *nc, const vnet_ops *ops);
void netvm_free(netvm *n);
/* Messages the network path holds for this VM: the host side's and the
 * guest's rings and socket queues (including a socket's message being
 * read or sent). */
uint64_t netvm_in_flight(const netvm *n);

#endif
