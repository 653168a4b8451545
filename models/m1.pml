/*
 * models/m1.pml — M1, the H_IPI redirect (Linux 4.6, Suresh Warrier), with
 * concurrent guest entry of the reserved core and VM destroy.
 *
 * The algorithm (kvm-mechanisms.md C.5-C.9, C.12; book3s_hv_rm_xics.c,
 * book3s_hv.c, arch/powerpc/kernel/smp.c):
 *
 *   sender (a VCPU in real mode, kvmppc_rm_h_ipi -> icp_rm_set_vcpu_irq):
 *     set_bit(EXTERNAL_LEVEL, &V->pending)          raise before signal
 *     for each core c (find_available_hostcore):
 *       old = READ_ONCE(rm_state[c]); if in_host && !rm_action:
 *         CAS(rm_state[c], old, old | rm_action = KICK) -> reserved, stop
 *     reserved c:                                    icp_send_hcore_msg
 *       smp_wmb(); rm_data[c] = V
 *       smp_mb(); message[c] |= RM_HOST_ACTION       smp_muxed_ipi_set_message
 *       (>= 4.11) smp_mb(); host_ipi[c] = 1          kvmppc_set_host_ipi
 *       smp_mb(); IPI to thread 0 of c               (4.6: MFRR store only)
 *     none: rm_action |= KICK on the caller's ICP -> H_TOO_HARD -> the
 *       virtual-mode completion kicks V (the sender's own exit)
 *   host core c, thread 0:
 *     in the host: takes the IPI (icp_native_ipi_action): host_ipi = 0,
 *       MFRR = 0xFF, smp_ipi_demux: do { all = xchg(message, 0);
 *       RM_HOST_ACTION first -> rm_host_ipi_action; CALL_FUNCTION -> ack }
 *       while (message)
 *     rm_host_ipi_action: if (rm_data) { kick(rm_data) (rm_action KICK);
 *       rm_data = NULL; smp_wmb(); rm_action = 0 }
 *     guest entry: in_host = 0 (plain store, the word may be reserved: R5);
 *       in the guest an IPI runs kvmppc_read_intr: host_ipi -> exit (the IPI
 *       stays pending for Linux); else accept, MFRR = 0xFF, EOI, re-check
 *       host_ipi (set -> re-raise MFRR, exit; clear -> a guest IPI,
 *       consumed, stay); the guest also exits for other reasons; exit:
 *       in_host = 1
 *   VM destroy (kvm_arch_destroy_vm): no VCPU runs (the senders are done);
 *     kick_all_cpus_sync(): CALL_FUNCTION (with host_ipi) to every core and
 *     wait for each ack; then the VCPUs are freed. Or the VM lives on.
 *
 * Model: one target VCPU V, NSENDERS senders (each raises V once), NCORES
 * host cores, each entering the guest at most MAXG times. A kick is V being
 * woken: it runs and takes its interrupt (vpend = 0). Sequential
 * consistency; a removed barrier is modelled as the reordering it allows.
 *
 * Switches (-D): SEND_46 (the 4.6 send: no host_ipi; race R5),
 * BUG_NO_BARRIER (rm_data may become visible after the message and the
 * IPI: the barriers between them removed, R3), BUG_DEMUX_ORDER
 * (CALL_FUNCTION handled before RM_HOST_ACTION, R4), BUG_RELEASE_ORDER
 * (the handler clears rm_action before rm_data, R2), BUG_NO_DRAIN (destroy
 * frees without kick_all_cpus_sync, R4).
 *
 * Properties (LTL, run with pan -a -N NAME):
 *   no_lost_wakeup  [] (vpend -> <> !vpend)      every raise ends in a kick
 *   no_uaf          [] !uaf                      no kick of a freed VCPU
 *   released        every reservation is eventually released
 *   exclusive       [] !double_reserved          one reservation per core
 */
#ifndef NCORES
#define NCORES 2
#endif
#ifndef NSENDERS
#define NSENDERS 2
#endif
#ifndef MAXG
#define MAXG 1
#endif
#define KICK 1

bit in_host[NCORES];
bit rm_action[NCORES];      /* 0 free, KICK reserved */
bit rm_data[NCORES];        /* 1 = &V */
bit msg_rm[NCORES];         /* PPC_MSG_RM_HOST_ACTION byte */
bit msg_call[NCORES];       /* PPC_MSG_CALL_FUNCTION byte */
bit host_ipi[NCORES];
bit ipi[NCORES];            /* the physical IPI (MFRR) of thread 0 */
bit ack[NCORES];            /* the call-function acknowledgement */
byte owners[NCORES];        /* checker: outstanding reservations */
bit vpend;                  /* V's EXTERNAL_LEVEL pending bit */
bit freed;                  /* V's memory is freed */
bit uaf;                    /* a kick touched freed V */
bit double_reserved;
byte done;                  /* senders finished */

inline kick() {
    if
    :: freed -> uaf = 1
    :: else -> skip
    fi;
    vpend = 0
}

/* rm_host_ipi_action on core c */
inline rm_host_ipi_action(c) {
    if
    :: rm_data[c] ->
        assert(rm_action[c] == KICK);
        kick();
#ifdef BUG_RELEASE_ORDER
        owners[c]--;
        rm_action[c] = 0;
        rm_data[c] = 0
#else
        rm_data[c] = 0;
        owners[c]--;
        rm_action[c] = 0   /* after smp_wmb */
#endif
    :: else -> skip        /* nothing published: return */
    fi
}

/* smp_ipi_demux on core c */
inline demux(c) {
    bit all_rm, all_call;
    do
    :: msg_rm[c] || msg_call[c] ->
        atomic { all_rm = msg_rm[c]; all_call = msg_call[c]; msg_rm[c] = 0; msg_call[c] = 0 };
#ifdef BUG_DEMUX_ORDER
        if :: all_call -> ack[c] = 1 :: else -> skip fi;
        if :: all_rm -> rm_host_ipi_action(c) :: else -> skip fi
#else
        if :: all_rm -> rm_host_ipi_action(c) :: else -> skip fi;
        if :: all_call -> ack[c] = 1 :: else -> skip fi
#endif
    :: else -> break
    od
}

proctype Core(byte c) {
    byte guests = 0;
end_idle:
    do
    :: in_host[c] && guests < MAXG ->          /* a vcore enters on this core */
        in_host[c] = 0;
        guests++;
        do
        :: ipi[c] ->                           /* kvmppc_read_intr */
            if
            :: host_ipi[c] -> break            /* host IPI: exit, IPI left pending */
            :: else ->
                ipi[c] = 0;                    /* accept, MFRR = 0xFF, EOI */
                if
                :: host_ipi[c] -> ipi[c] = 1; break  /* raced with the host: re-raise */
                :: else -> skip                /* a guest IPI: consumed (R5 with 4.6) */
                fi
            fi
        :: break                               /* the guest exits for another reason */
        od;
        in_host[c] = 1
    :: in_host[c] && ipi[c] ->                 /* icp_native_ipi_action */
        ipi[c] = 0;
        host_ipi[c] = 0;
        demux(c)
    od
}

proctype Sender() {
    byte c = 0;
    bit got = 0;
    vpend = 1;                                 /* set_bit: raise before signal */
    do
    :: c < NCORES ->
        atomic {
            if
            :: in_host[c] && rm_action[c] == 0 ->
                rm_action[c] = KICK;
                owners[c]++;
                if :: owners[c] > 1 -> double_reserved = 1 :: else -> skip fi;
                got = 1
            :: else -> skip
            fi
        };
        if :: got -> break :: else -> c++ fi
    :: else -> break
    od;
    if
    :: got ->
#ifdef BUG_NO_BARRIER
        msg_rm[c] = 1;
#ifndef SEND_46
        host_ipi[c] = 1;
#endif
        ipi[c] = 1;
        rm_data[c] = 1                         /* the store became visible last */
#else
        rm_data[c] = 1;                        /* after smp_wmb */
        msg_rm[c] = 1;                         /* smp_mb; set_message */
#ifndef SEND_46
        host_ipi[c] = 1;                       /* kvmppc_set_host_ipi */
#endif
        ipi[c] = 1                             /* smp_mb; cause the IPI */
#endif
    :: else -> kick()                          /* H_TOO_HARD: the virtual-mode kick */
    fi;
    done++
}

proctype Destroyer() {
    byte c;
    done == NSENDERS;                          /* no VCPU of the VM runs */
    if
    :: skip                                    /* the VM lives on */
    :: true ->
#ifndef BUG_NO_DRAIN
        for (c : 0 .. NCORES - 1) {            /* kick_all_cpus_sync */
            msg_call[c] = 1;
            host_ipi[c] = 1;
            ipi[c] = 1
        }
        for (c : 0 .. NCORES - 1) {
            ack[c] == 1
        }
#endif
        freed = 1
    fi
}

init {
    byte i;
    atomic {
        for (i : 0 .. NCORES - 1) { in_host[i] = 1 }
        for (i : 0 .. NCORES - 1) { run Core(i) }
        for (i : 1 .. NSENDERS) { run Sender() }
        run Destroyer()
    }
}

ltl no_lost_wakeup { [] (vpend -> <> !vpend) }
ltl no_uaf { [] !uaf }
ltl released { [] ((rm_action[0] == KICK -> <> (rm_action[0] == 0)) &&
                   (rm_action[NCORES - 1] == KICK -> <> (rm_action[NCORES - 1] == 0))) }
ltl exclusive { [] !double_reserved }
