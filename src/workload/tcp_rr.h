/*
 * workload/tcp_rr.h — netperf TCP_RR: streams of request/response
 * transactions of small messages, between two VMs of the host or between
 * a VM and a client outside the host.
 *
 * Overview (docs/workloads.md "tcp_rr")
 *   Every VM whose guest is `netserver` runs `streams` netserver threads,
 *   each on its own connection: recv a request, send the response, again.
 *   The client side of each stream:
 *     tcp_rr.client = vm: the i-th VM whose guest is `netperf` drives the
 *       i-th netserver VM: a netperf thread per stream loops send the
 *       request, recv the response (one transaction, its round trip timed
 *       from the send to the response in the guest); the messages cross
 *       both VMs' vhost workers and the host bridge;
 *     tcp_rr.client = external: a client outside the host per stream sends
 *       the next request client_time after the previous response arrived;
 *       the round trip is timed at the client (two link latencies included).
 *   Stream s's threads start on the first VCPU of guest core (vcore + s)
 *   mod cores (a guest core is a vcore: threads_per_vcore VCPUs): by
 *   default not the core of VCPU 0, which takes queue 0's receive
 *   interrupt (netserver's child and netperf are placed by fork balancing,
 *   which spreads new tasks over idle cores first). No think time (netperf
 *   TCP_RR runs back to back).
 *
 * A VM's destroy (vm.NAME.destroy_at; workload/vnet.h): its pair's
 *   streams stop. The messages in flight in the pair (both VMs' network
 *   paths) are abandoned (tcp_rr.abandoned): a response that still
 *   arrives is not a transaction; external clients send nothing more (their
 *   pending sends do nothing); with client = vm, a netperf whose server VM
 *   is gone waits in recv for good (no reset comes from a vanished VM), and
 *   a netserver whose netperf VM is gone answers into the void (the reply
 *   is dropped at the gone VM's device) and waits in recv.
 *
 * Measurements (reset at the end of the warm-up): transactions and their
 * round trips. Conservation (never reset): requests sent = responses
 * received + messages in flight (pairs not destroyed) + abandoned.
 *
 * RNG: none (the streams' first requests are staggered by client_time /
 * streams, deterministically).
 *
 * Concurrency contract: single-threaded (the DES thread).
 */
#ifndef HV_WORKLOAD_TCP_RR_H
#define HV_WORKLOAD_TCP_RR_H

#include "des/hist.h"
#include "workload/netvm.h"

/* tcp_rr.client: X(enum, choice) */
#define TCP_RR_CLIENTS(X) X(TCP_RR_CLIENT_EXTERNAL, "external") X(TCP_RR_CLIENT_VM, "vm")
enum {
#define TCP_RR_CL_ENUM(e, n) e,
    TCP_RR_CLIENTS(TCP_RR_CL_ENUM)
#undef TCP_RR_CL_ENUM
};

/* Scenario keys: [tcp_rr] (workload/tcp_rr_options.def), field name = key. */
typedef struct tcp_rr_cfg {
    uint64_t streams;
    uint64_t vcore;
    int client; /* TCP_RR_CLIENT_* */
    uint64_t request_bytes, response_bytes;
    des_time client_time;
} tcp_rr_cfg;
tcp_rr_cfg tcp_rr_cfg_default(void);

typedef struct tcp_rr tcp_rr;
typedef struct tcp_rr_vm tcp_rr_vm;

typedef struct tcp_rr_stream {
    tcp_rr_vm *server;
    tcp_rr_vm *client;   /* NULL: outside the host */
    uint32_t s;
    guest_sock *ssock, *csock; /* csock: in the client VM */
    guest_thread *sthread, *cthread;
    des_time t0;         /* netperf: the request's send */
} tcp_rr_stream;

struct tcp_rr_vm {
    tcp_rr *w;
    netvm *nv;
    tcp_rr_vm *peer;     /* the other VM of the pair, or NULL */
    bool is_server;
    tcp_rr_stream *streams; /* on the server VM */
    uint32_t nstreams;
    bool gone;           /* this VM or its peer was destroyed: its streams stopped */
};

struct tcp_rr {
    model *m;
    tcp_rr_cfg cfg;
    tcp_rr_vm **vms;
    uint32_t nvms, nstreams;
    /* measured */
    des_hist rtt;
    uint64_t transactions;
    /* conservation (never reset) */
    uint64_t sent, received, abandoned;
    bool destroys; /* a VM has a destroy_at (tcp_rr.abandoned is reported) */
    char err[192];
};

tcp_rr *tcp_rr_new(model *m, const tcp_rr_cfg *cfg);
/* A netserver VM and, with client = vm, its netperf VM (else NULL); both
 * not started yet: this starts them. */
void tcp_rr_add_pair(tcp_rr *w, kvm_vm *server, kvm_vm *client, const guest_cfg *gc,
                     const net_cfg *nc);
void tcp_rr_free(tcp_rr *w);
void tcp_rr_reset_stats(tcp_rr *w);
/* Messages in flight in the pairs not destroyed. */
uint64_t tcp_rr_in_flight(const tcp_rr *w);

#endif
