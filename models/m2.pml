/*
 * models/m2.pml — M2 (Herrenschmidt, 2013): telling host IPIs from guest
 * IPIs in real mode, against a host IPI arriving concurrently.
 *
 * The algorithm (kvm-mechanisms.md D.2, D.3, D.7; kvmppc_read_intr in
 * book3s_hv_builtin.c, icp_native_cause_ipi / icp_native_ipi_action in
 * sysdev/xics/icp-native.c):
 *
 *   host IPI sender (Linux, another CPU): smp_mb; message |= MSG (the
 *     muxed message byte); kvmppc_set_host_ipi: smp_mb; host_ipi = 1;
 *     smp_mb; MFRR = IPI_PRIORITY (cause_ipi)
 *   guest IPI sender (KVM real mode, kvmhv_rm_send_ipi): set_bit(pending of
 *     the target VCPU); smp_mb; MFRR = IPI_PRIORITY — no host_ipi
 *   the target thread, in the guest, takes the external interrupt
 *     (kvmppc_read_intr):
 *       1  host_ipi set            -> return 1: exit; the ICP is not touched
 *       2  XIRR load (accept)      -> XISR = IPI
 *       3  MFRR = 0xFF; store XIRR (EOI); smp_mb
 *       4  re-check host_ipi: set  -> MFRR = IPI_PRIORITY (re-raise), return 1
 *                             clear -> return -1: a guest wakeup, consumed
 *     return 1: exit to the host; Linux takes the IPI (icp_native_ipi_action:
 *       host_ipi = 0, MFRR = 0xFF, demux the messages); re-enter the guest
 *     in the guest: a pending VCPU interrupt is delivered (MER / 0x500)
 *
 * Model: one thread, one host IPI, one guest IPI; the thread may exit and
 * re-enter any number of times (each exit needs an IPI, so runs are finite).
 * MFRR is one bit (an IPI requested at IPI priority or not); accepting an
 * IPI presents it while the bit is set. Sequential consistency.
 *
 * Switch (-D): BUG_NO_RECHECK — step 4 removed (the IPI is always treated
 * as a guest IPI after the first check).
 *
 * Properties (LTL, pan -a -N NAME):
 *   host_ipi_not_swallowed  [] (msg -> <> !msg)     the host handles its message
 *   guest_ipi_not_lost      [] (gpend -> <> !gpend) the guest takes its interrupt
 */
bit msg;        /* the host message byte (e.g. PPC_MSG_CALL_FUNCTION) */
bit host_ipi;
bit mfrr;       /* MFRR more favoured than 0xFF: an IPI requested */
bit gpend;      /* the VCPU's EXTERNAL_LEVEL pending bit */
bit in_guest = 1;

proctype HostSender() {
    msg = 1;
    host_ipi = 1;
    mfrr = 1
}

proctype GuestSender() {
    gpend = 1;
    mfrr = 1
}

proctype Thread() {
end_run:
    do
    :: in_guest && mfrr ->                 /* external interrupt: kvmppc_read_intr */
        if
        :: host_ipi -> in_guest = 0        /* 1: exit, the IPI stays pending */
        :: else ->
            mfrr = 0;                      /* 2, 3: accept, MFRR = 0xFF, EOI */
#ifdef BUG_NO_RECHECK
            skip                           /* -1: a guest IPI */
#else
            if
            :: host_ipi -> mfrr = 1; in_guest = 0   /* 4: re-raise, exit */
            :: else -> skip                /* -1: a guest IPI, consumed */
            fi
#endif
        fi
    :: in_guest && gpend -> gpend = 0      /* the guest takes its interrupt */
    :: !in_guest && mfrr ->                /* Linux: icp_native_ipi_action */
        host_ipi = 0;
        mfrr = 0;
        msg = 0                            /* demux: the message handled */
    :: !in_guest && !mfrr -> in_guest = 1  /* back into the guest */
    od
}

init {
    atomic {
        run Thread();
        run HostSender();
        run GuestSender()
    }
}

ltl host_ipi_not_swallowed { [] (msg -> <> !msg) }
ltl guest_ipi_not_lost { [] (gpend -> <> !gpend) }
