/* A VM with the guest kernel and a virtio-net device; see netvm.h. */
#include "workload/netvm.h"

#include "base/hv.h"

#include <stdlib.h>

static const char *check(void *ctx)
{
    netvm *n = ctx;
    return guest_os_check(n->os);
}

static const char *conservation(void *ctx)
{
    netvm *n = ctx;
    const char *e = guest_os_conservation(n->os);
    if (!e)
        e = vnet_conservation(n->dev, n->err, sizeof n->err);
    return e;
}

netvm *netvm_new(model *m, kvm_vm *vm, const guest_cfg *gc, const net_cfg *nc, const vnet_ops *ops)
{
    netvm *n = hv_xcalloc(1, sizeof *n);
    n->m = m;
    n->vm = vm;
    n->os = guest_os_new(vm, gc, NULL);
    n->net = guest_net_new(n->os, nc, NETVM_NOTIFY_BASE);
    n->os->ops = guest_net_os_ops(n->net);
    n->dev = vnet_new(m, n->net, NETVM_NOTIFY_BASE, ops);
    model_add_checks(m, check, conservation, n);
    return n;
}

void netvm_free(netvm *n)
{
    if (!n)
        return;
    vnet_free(n->dev);
    guest_net_free(n->net);
    guest_os_free(n->os);
    free(n);
}

uint64_t netvm_in_flight(const netvm *n)
{
    uint64_t k = vnet_held(n->dev) + vnet_guest_held(n->dev);
    for (uint32_t i = 0; i < n->net->nsocks; i++) {
        const guest_sock *s = n->net->socks[i];
        k += (s->reading ? 1u : 0u) + (s->sending ? 1u : 0u);
    }
    return k;
}
