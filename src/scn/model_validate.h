/*
 * scn/model_validate.h — scenario-level checks of the model rooms'
 * configurations: things that parse but do not fit (a VM that does not fit
 * the machine, an impossible topology). They live in scn/ so that the model
 * rooms do not depend on the scenario system.
 */
#ifndef HV_SCN_MODEL_VALIDATE_H
#define HV_SCN_MODEL_VALIDATE_H

#include <stddef.h>

struct scenario;
struct scn_errors;
struct vm_cfg;

/* The VMs a scenario describes. A [vm "NAME"] section stands for one VM
 * named NAME, or with count = N > 1 for N identical VMs NAME0 .. NAME<N-1>,
 * in that order, copy k pinned from first_core + k x (its vcores) when
 * first_core is set. At most SCN_VMS_MAX VMs in all (scn_validate_vms). */
#define SCN_VMS_MAX 1024
size_t scn_vm_total(const struct scenario *s);
/* Every VM in order (sections in order, each section's copies in order),
 * with its name and pinning filled in; *n = scn_vm_total(s). Heap array
 * (free it); NULL when there is none. */
struct vm_cfg *scn_vms(const struct scenario *s, size_t *n);

int scn_validate_hw(const struct scenario *s, struct scn_errors *e);
int scn_validate_host(const struct scenario *s, struct scn_errors *e);
/* Every VM fits the machine; the copies' names fit and every VM's name is
 * distinct; at most SCN_VMS_MAX VMs. */
int scn_validate_vms(const struct scenario *s, struct scn_errors *e);
/* The workloads' VMs: a synthetic device only with the mix or idle guest;
 * destroy_at (any guest) only for a VM without a synthetic device, and
 * before the end of the run; tcp_rr.client = vm needs as many netperf VMs as
 * netserver VMs (paired in order), client = external none. */
int scn_validate_workloads(const struct scenario *s, struct scn_errors *e);

/* The cost-table hooks of scn_parse_opts: row index of name (-1: none) and
 * the name of row i (NULL past the end). */
int scn_cost_lookup(const char *name);
const char *scn_cost_name(int i);

#endif
