/*
 * workload/ycsb.h — YCSB against a MongoDB-like server in each VM whose
 * guest is `ycsb`, with the clients outside the host.
 *
 * Overview (docs/workloads.md "ycsb")
 *   Server, per VM: the guest kernel (guest/os.h) with a virtio-net device
 *   (workload/netvm.h); one connection per client and one worker thread per
 *   connection (MongoDB's thread-per-connection model), thread i starting
 *   on VCPU i mod VCPUs. A worker loops: recv a request; a read runs its
 *   service time; an update takes the document's lock (a futex mutex per
 *   key, workload/keylock.h: hot keys make writers wait and hand the lock
 *   over with a wakeup across VCPUs), runs its service time, unlocks; then
 *   it sends the reply (the kick may exit the core) and reads again.
 *   Service times are lognormal with the key's mean and ycsb.service_sigma.
 *   Requests carry 64 bytes of header; a read reply and an update request
 *   carry value_bytes (reads return the document; YCSB's update writes one
 *   field, counted as the whole value: a bound).
 *   Clients: `clients` per VM, each on its own connection. Operations by the
 *   workload's proportions (A: read 50 / update 50; B: 95 / 5; C: read 100;
 *   F: read 50 / read-modify-write 50), keys by YCSB's Zipfian generator
 *   over `records` keys (theta). A read-modify-write is two requests, the
 *   update sent when the read's reply arrives (YCSB's db.read then
 *   db.update), timed as one operation. Closed loop (rate = 0): a client
 *   sends its next operation client_time + Exp(think) after the previous
 *   one completed (its first after one such draw). Open loop (rate > 0):
 *   operations arrive as a Poisson process of that rate per VM on a
 *   uniformly drawn connection, whatever is outstanding (TCP keeps them in
 *   order on the connection). Latency: from the client's send (open loop:
 *   the arrival) to the last reply reaching the client.
 *
 * A VM's destroy (vm.NAME.destroy_at; workload/vnet.h): the server
 *   vanishes without a reset, so its clients' TCP connections see no more
 *   replies: at the quit every request still in flight to or from that VM
 *   (the network path's buffers, the workers' hands) is abandoned
 *   (ycsb.abandoned), replies that still reach a client afterwards are
 *   ignored (neither completed nor in the latency), and its clients send
 *   nothing more (their pending sends and open-loop arrivals do nothing).
 *   The other VMs' clients run on.
 *
 * Measurements (reset at the end of the warm-up): operations and latency
 * per operation type and overall, lock waits. Conservation (never reset,
 * checked at the end of every run): requests sent = replies received +
 * requests in flight (the network path's buffers, the workers' hands, for
 * the VMs not destroyed) + requests abandoned.
 *
 * RNG: YCSB_RNG_KIND_CLIENT (VM index × 65536 + connection) for a closed-loop
 * client's draws, YCSB_RNG_KIND_WORKER (same index) for a worker's service
 * times, YCSB_RNG_KIND_ARRIVALS (VM index) for the open-loop process.
 *
 * Concurrency contract: single-threaded (the DES thread).
 */
#ifndef HV_WORKLOAD_YCSB_H
#define HV_WORKLOAD_YCSB_H

#include "des/hist.h"
#include "des/rng.h"
#include "workload/keylock.h"
#include "workload/netvm.h"

/* ycsb.workload: X(enum, choice); the proportions of each are the table
 * in ycsb.c (A: read 50 / update 50; B: 95 / 5; C: read 100; F: read 50 /
 * read-modify-write 50: YCSB's core workloads). */
#define YCSB_WORKLOADS(X) X(YCSB_A, "a") X(YCSB_B, "b") X(YCSB_C, "c") X(YCSB_F, "f")
enum {
#define YCSB_WL_ENUM(e, n) e,
    YCSB_WORKLOADS(YCSB_WL_ENUM)
#undef YCSB_WL_ENUM
    YCSB_NWORKLOADS
};

/* Operation types, in report order. */
#define YCSB_OPS(X) X(YCSB_READ, "read") X(YCSB_UPDATE, "update") X(YCSB_RMW, "rmw")
typedef enum {
#define YCSB_OP_ENUM(e, n) e,
    YCSB_OPS(YCSB_OP_ENUM)
#undef YCSB_OP_ENUM
    YCSB_NOPS
} ycsb_op;
const char *ycsb_op_name(int op);

/* Scenario keys: [ycsb] (workload/ycsb_options.def), field name = key. */
typedef struct ycsb_cfg {
    int workload; /* YCSB_A ... */
    uint64_t records;
    double theta;
    uint64_t clients;
    des_time think, client_time;
    double rate;
    des_time read, update;
    double service_sigma;
    uint64_t value_bytes;
} ycsb_cfg;
ycsb_cfg ycsb_cfg_default(void);

typedef struct ycsb ycsb;
typedef struct ycsb_vm ycsb_vm;

typedef struct ycsb_conn {
    ycsb_vm *y;
    uint32_t i;
    guest_sock *sock;
    guest_thread *worker;
    des_rng crng, wrng;
    /* the worker's request under way */
    guest_pkt req;
    guest_mutex *lock;
} ycsb_conn;

struct ycsb_vm {
    ycsb *w;
    uint32_t index;
    netvm *nv;
    ycsb_conn *conns;
    uint32_t nconns;
    des_rng arrivals;
    keylock locks;
    uint64_t busy; /* requests a worker holds (received, reply not yet sent) */
    bool gone;     /* the VM was destroyed: its clients stopped */
};

struct ycsb {
    model *m;
    ycsb_cfg cfg;
    des_zipf zipf;
    des_dist svc_read, svc_update;
    ycsb_vm **vms;
    uint32_t nvms;
    /* measured (reset at the end of the warm-up) */
    des_hist lat[YCSB_NOPS], lat_all;
    uint64_t ops[YCSB_NOPS], lock_waits;
    /* conservation (never reset) */
    uint64_t sent, received, abandoned;
    bool destroys; /* a VM has a destroy_at (ycsb.abandoned is reported) */
    char err[192];
};

ycsb *ycsb_new(model *m, const ycsb_cfg *cfg);
/* Run the server on vm (not started yet) and its clients; starts the VM. */
void ycsb_add_vm(ycsb *w, kvm_vm *vm, const guest_cfg *gc, const net_cfg *nc);
void ycsb_free(ycsb *w);
void ycsb_reset_stats(ycsb *w);
/* Requests in flight (network path and workers) of the VMs not destroyed. */
uint64_t ycsb_in_flight(const ycsb *w);
/* The guest kernels of its VMs (for the guest.os view). */
uint32_t ycsb_n_vms(const ycsb *w);
guest_os *ycsb_vm_os(const ycsb *w, uint32_t i);

#endif
