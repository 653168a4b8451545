/*
 * scn/model_validate.h — scenario-level checks of the model rooms'
 * configurations: things that parse but do not fit (a VM that does not fit
 * the machine, an impossible topology). They live in scn/ so that the model
 * rooms do not depend on the scenario system.
 */
#ifndef HV_SCN_MODEL_VALIDATE_H
#define HV_SCN_MODEL_VALIDATE_H

struct scenario;
struct scn_errors;

int scn_validate_hw(const struct scenario *s, struct scn_errors *e);
int scn_validate_host(const struct scenario *s, struct scn_errors *e);
int scn_validate_vms(const struct scenario *s, struct scn_errors *e);
/* The workloads' VMs: a synthetic device only with the mix or idle guest;
 * destroy_at only for a mix or idle guest without a device, and before the
 * end of the run; tcp_rr.client = vm needs as many netperf VMs as
 * netserver VMs (paired in order), client = external none. */
int scn_validate_workloads(const struct scenario *s, struct scn_errors *e);

/* The cost-table hooks of scn_parse_opts: row index of name (-1: none) and
 * the name of row i (NULL past the end). */
int scn_cost_lookup(const char *name);
const char *scn_cost_name(int i);

#endif
