/*
 * Emulated MMIO stores (kvm/kvm_mmio.c): a guest program on VCPU 0 of a
 * 2-VCPU vcore (2 threads) loops COMPUTE, MMIO store. Every store exits the
 * whole core with cause mmio (both VCPUs leave: two kvm.exits per store);
 * a store to an ioeventfd's address calls its function once, in host
 * context on the runner's CPU; a store to an address with no ioeventfd is a
 * userspace exit (kvm.user_exits) and completes all the same; every store
 * completes exactly once (mmio_done), and the ftrace trap is
 * H_DATA_STORAGE. VCPU 1 runs the guest OS idle loop (cedes).
 */
#include "base/hv.h"
#include "guest/guest.h"
#include "tap.h"
#include "workload/model.h"

typedef struct prog {
    uint64_t addr;
    bool stored;      /* the last action was the store */
    uint64_t issued, done;
    uint64_t signals; /* ioeventfd calls */
    int signal_cpu;
} prog;

static kvm_gact p_next(void *ctx, kvm_vcpu *v)
{
    prog *p = ctx;
    (void)v;
    if (p->stored || p->issued == p->done) {
        if (!p->stored) {
            p->stored = true;
            return (kvm_gact){.kind = KVM_GACT_COMPUTE, .ns = DES_US(20)};
        }
        p->stored = false;
        p->issued++;
        return (kvm_gact){.kind = KVM_GACT_MMIO, .addr = p->addr};
    }
    HV_DIE("next() with a store in flight");
}

static void p_compute_done(void *ctx, kvm_vcpu *v)
{
    (void)ctx;
    (void)v;
}

static void p_hcall_ret(void *ctx, kvm_vcpu *v, unsigned h, long rc, uint64_t r4, uint64_t r5)
{
    (void)ctx, (void)v, (void)h, (void)rc, (void)r4, (void)r5;
    HV_DIE("no hcalls expected");
}

static void p_interrupt(void *ctx, kvm_vcpu *v, int vector)
{
    (void)ctx, (void)v, (void)vector;
}

static void p_mmio_done(void *ctx, kvm_vcpu *v, uint64_t addr)
{
    prog *p = ctx;
    (void)v;
    TAP_EQ(addr, p->addr);
    p->done++;
}

static const kvm_guest_ops ops = {p_next, p_compute_done, p_hcall_ret, p_interrupt, p_mmio_done};

static void signal_fn(void *ctx, kvm_vm *vm, uint64_t addr, int cpu)
{
    prog *p = ctx;
    (void)vm;
    TAP_EQ(addr, p->addr);
    p->signals++;
    p->signal_cpu = cpu;
}

static void run(bool with_ioeventfd, prog *p, uint64_t *exits, uint64_t *core_mmio,
                uint64_t *user_exits, des_trace *tr)
{
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = 4;
    host_cfg hc = host_cfg_default();
    kvm_cfg kc = kvm_cfg_default();
    model *m = model_new(&hw, &hc, &kc, NULL, 5, 0, tr);
    des_enable_checks(m->sim, true);
    vm_cfg vc = {.name = "mmio", .vcpus = 2, .threads_per_vcore = 2, .first_core = 1};
    kvm_vm *vm = kvm_vm_new(m->kvm, &vc);
    guest *g = guest_new(vm, NULL); /* VCPU 1: boots and cedes */
    *p = (prog){.addr = 0x100000, .signal_cpu = -1};
    kvm_vcpu_set_guest(&vm->vcpus[0], &ops, p);
    TAP_EQ(kvm_has_mmio(m->kvm), false);
    if (with_ioeventfd) {
        TAP_EQ(kvm_vm_add_ioeventfd(vm, p->addr, signal_fn, p), HV_OK);
        TAP_EQ(kvm_vm_add_ioeventfd(vm, p->addr, signal_fn, p), HV_EEXIST);
        TAP_EQ(kvm_has_mmio(m->kvm), true);
    }
    kvm_vm_start(m->kvm, vm);
    const char *e = model_run(m, DES_MS(5));
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
    TAP_EQ(kvm_has_mmio(m->kvm), true);
    *exits = vm->vcpus[0].st.exits + vm->vcpus[1].st.exits;
    *core_mmio = vm->vcores[0].st.exits_by_cause[KVM_EXIT_MMIO];
    *user_exits = vm->vcpus[0].st.user_exits;
    guest_free(g);
    model_free(m);
}

static void ioeventfd_store(void)
{
    prog p;
    uint64_t exits, core_mmio, user;
    des_trace tr;
    des_trace_init(&tr, 100000, 0, DES_MS(5));
    run(true, &p, &exits, &core_mmio, &user, &tr);
    printf("# %llu stores, %llu done, %llu signals, %llu mmio core exits, %llu VCPU exits\n",
           (unsigned long long)p.issued, (unsigned long long)p.done, (unsigned long long)p.signals,
           (unsigned long long)core_mmio, (unsigned long long)exits);
    TAP_LT(100, p.done);
    TAP_LE(p.done, p.issued);
    TAP_LE(p.issued, p.done + 1);
    TAP_EQ(p.signals, p.done + (p.issued - p.done)); /* signalled in the exit, before the return */
    TAP_LE(core_mmio, p.issued);
    TAP_LE(p.issued - 1, core_mmio); /* every store's exit started the core's exit ... */
    TAP_LE(exits, 2 * p.issued + 4); /* ... and both VCPUs left (a host tick may add one) */
    TAP_LE(2 * p.done, exits);
    TAP_EQ(user, 0);
    TAP_EQ(p.signal_cpu, 8); /* the runner's CPU: thread 0 of core 1 */
    /* the exit's trap in the trace: H_DATA_STORAGE (0xe00) */
    uint64_t hdsi = 0;
    for (size_t i = 0; i < tr.n; i++)
        if (tr.recs[i].kind == KVM_TRACE_BASE + KVM_TR_GUEST_EXIT && tr.recs[i].a[2] == 0xe00)
            hdsi++;
    TAP_EQ(hdsi, core_mmio);
    TAP_EQ(KVM_TRAP_H_DATA_STORAGE, 0xe00); /* printed by the kernel's kvm_trace_symbol_exit (report/ktrace_sym.def) */
    TAP_STREQ(kvm_exit_cause_name(KVM_EXIT_MMIO), "mmio");
    des_trace_free(&tr);
}

static void store_for_qemu(void)
{
    prog p;
    uint64_t exits, core_mmio, user;
    run(false, &p, &exits, &core_mmio, &user, NULL);
    printf("# %llu stores, %llu done, %llu user exits\n", (unsigned long long)p.issued,
           (unsigned long long)p.done, (unsigned long long)user);
    TAP_LT(50, p.done);
    TAP_EQ(p.signals, 0);
    TAP_LE(p.done, user);
    TAP_LE(user, p.issued);
}

int main(void)
{
    TAP_RUN(ioeventfd_store);
    TAP_RUN(store_for_qemu);
    return tap_done();
}
