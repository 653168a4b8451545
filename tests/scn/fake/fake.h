/* A test-only room: one plain section [fake] with a key of every type, and
 * an instance section [vm "NAME"]. Wired through fake_rooms.def. */
#ifndef HV_TESTS_SCN_FAKE_H
#define HV_TESTS_SCN_FAKE_H

#include <stdbool.h>
#include <stdint.h>

/* The ENUM keys' choices, X(enum, choice). */
#define FAKE_POLICIES(X) X(FAKE_POLICY_UPSTREAM, "upstream") X(FAKE_POLICY_NEAREST, "nearest") X(FAKE_POLICY_ORACLE, "oracle")
#define FAKE_WORKLOADS(X) X(FAKE_WORKLOAD_YCSB, "ycsb") X(FAKE_WORKLOAD_TCP_RR, "tcp_rr") X(FAKE_WORKLOAD_HCALL, "hcall")
#define FAKE_CHOICE_ENUM(e, n) e,
enum { FAKE_POLICIES(FAKE_CHOICE_ENUM) };
enum { FAKE_WORKLOADS(FAKE_CHOICE_ENUM) };
#undef FAKE_CHOICE_ENUM

/* Hand-written (not generated): the types are checked against the rows. */
struct fake_cfg {
    bool flag;
    uint64_t count;
    int64_t offset;
    double gain;
    double load;
    uint64_t period;
    uint64_t poll_ns;
    int policy;
    char name[16];
};

struct vm_cfg {
    uint64_t vcpus;
    uint64_t threads_per_vcore;
    int workload;
};

struct scenario;
struct scn_errors;
/* A VM must fit the machine: sum of vm.*.vcpus <= fake.count * 8. */
int fake_cfg_validate(const struct scenario *s, struct scn_errors *e);

#endif
