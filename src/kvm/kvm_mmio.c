/*
 * kvm/kvm_mmio.c — an emulated MMIO store from the guest (a virtio notify,
 * the "kick" of a virtqueue): the HDSI trap, the whole-core exit, and the
 * emulation in virtual mode that hands the store to an ioeventfd (in the
 * kernel) or to QEMU. See kvm.h (KVM_GACT_MMIO, kvm_vm_add_ioeventfd).
 *
 * Mirrors: kvmppc_interrupt_hv for trap 0xe00 (BOOK3S_INTERRUPT_H_DATA_STORAGE)
 * -> kvmppc_hdsi -> kvmppc_hpte_hv_fault (book3s_hv_rm_mmu.c: the HPTE of an
 * emulated-MMIO page is not valid, so real mode gives up and the thread
 * takes the exit path, pulling the whole core out); then kvmppc_handle_exit_hv
 * -> kvmppc_book3s_hv_page_fault -> kvmppc_hv_emulate_mmio -> kvmppc_emulate_mmio
 * -> kvmppc_handle_store -> kvm_io_bus_write (virt/kvm/kvm_main.c) ->
 * ioeventfd_write -> eventfd_signal (virt/kvm/eventfd.c), or, with no device
 * on the bus, KVM_EXIT_MMIO to QEMU. The VCPU's PC is advanced and it
 * re-enters with the vcore; the store is complete when it is back in the
 * guest (mmio_done).
 *
 * Time: kvm_rm_hdsi in real mode (counted in rm_intr, as the kernel's
 * timing accounting does until the exit starts), the exit (rm_exit), then
 * (RESUME_PAGE_FAULT: the VCPU leaves the runnable set) kvm_mmio_emulate
 * (+ kvm_ioeventfd) in the VCPU's own task; a store for QEMU is a
 * userspace exit of qemu_mmio QEMU work.
 */
#include "kvm/kvm_internal.h"

#include "base/hv.h"

static void st_hdsi_exit(des_sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    (void)arg;
    kvm__core_exit(obj, KVM_EXIT_MMIO, KVM_TRAP_H_DATA_STORAGE);
}

void kvm__mmio_start(kvm_vcpu *v, uint64_t addr)
{
    kvm_sys *s = kvm__sys(v);
    HV_CHECK(!v->mmio_active && !v->hcall_active);
    if (!v->gops->mmio_done)
        HV_DIE("vm %s vcpu %u: MMIO store from a guest program without mmio_done", v->vm->cfg.name,
               v->id);
    v->mmio_active = true;
    v->mmio_needs_vm = true;
    v->mmio_addr = addr;
    v->mmio_issued++;
    kvm__vcpu_set_act(s, v, KVM_ACT_RM);
    kvm__vcpu_at(v, kvm__cost(s, v->hwt, HW_COST_kvm_rm_hdsi), st_hdsi_exit, 0);
}

static const kvm_ioeventfd *find_ioeventfd(const kvm_vm *vm, uint64_t addr)
{
    for (uint32_t i = 0; i < vm->n_ioeventfds; i++)
        if (vm->ioeventfds[i].addr == addr)
            return &vm->ioeventfds[i];
    return NULL;
}

des_time kvm__mmio_cost(kvm_vcpu *v, int cpu)
{
    kvm_sys *s = kvm__sys(v);
    if (!v->mmio_active || !v->mmio_needs_vm)
        return 0;
    des_time c = kvm__cost(s, cpu, HW_COST_kvm_mmio_emulate);
    if (find_ioeventfd(v->vm, v->mmio_addr))
        c += kvm__cost(s, cpu, HW_COST_kvm_ioeventfd);
    return c;
}

void kvm__mmio_virtual(kvm_vcpu *v, int cpu)
{
    kvm_sys *s = kvm__sys(v);
    if (!v->mmio_active || !v->mmio_needs_vm)
        return;
    v->mmio_needs_vm = false;
    s->mmio_exits++;
    const kvm_ioeventfd *e = find_ioeventfd(v->vm, v->mmio_addr);
    if (e) {
        e->fn(e->ctx, v->vm, v->mmio_addr, cpu); /* eventfd_signal */
        return;
    }
    /* KVM_EXIT_MMIO: QEMU emulates the store (as vm_h_user). */
    v->user_pending = true;
    v->user_work = kvm__cost(s, cpu, HW_COST_qemu_mmio);
    v->st.user_exits++;
}

int kvm_vm_add_ioeventfd(kvm_vm *vm, uint64_t addr, kvm_ioeventfd_fn fn, void *ctx)
{
    HV_CHECK(fn != NULL);
    if (find_ioeventfd(vm, addr))
        return HV_EEXIST;
    vm->ioeventfds = hv_xrealloc(vm->ioeventfds, (vm->n_ioeventfds + 1) * sizeof *vm->ioeventfds);
    vm->ioeventfds[vm->n_ioeventfds++] = (kvm_ioeventfd){addr, fn, ctx};
    return HV_OK;
}

bool kvm_has_mmio(const kvm_sys *s)
{
    if (s->mmio_exits)
        return true;
    for (uint32_t i = 0; i < s->n_vms; i++)
        if (s->vms[i]->n_ioeventfds)
            return true;
    return false;
}
