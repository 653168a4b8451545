/*
 * hw/costs.h — the cost table (rows in hw/costs.def; sources in
 * docs/costs.md; printed by `hvwake costs`).
 *
 * Overview
 *   Every latency the model uses is a named row. A hw_costs value holds the
 *   current value (mean, ns) of each row for one model instance; it starts
 *   from the defaults of costs.def and a scenario's [cost] section may
 *   override any row by name (hw_cost_find + hw_costs_set). Nothing else in
 *   the code holds a latency constant.
 *
 * Distributions (built from the row's mean m, in ns):
 *   CONST    always m
 *   UNIFORM  uniform on [0.75 m, 1.25 m)
 *   EXP      exponential, mean m
 *   SEXP     shifted exponential: m/2 + Exp(m/2) (a floor plus a tail)
 *   LOGN     lognormal with mean m and sigma 0.5
 *   Changing a row's value scales its distribution; a CONST row changed by
 *   d changes every use of it by exactly d.
 *
 * State
 *   hw_costs.value_ns[id]  >= 0, ns (double; draws round to the nearest ns)
 *
 * Concurrency contract: a hw_costs is owned by one model (one thread).
 */
#ifndef HV_HW_COSTS_H
#define HV_HW_COSTS_H

#include "des/des.h"
#include "des/rng.h"

typedef enum {
#define COST(name, v, dist, qde, src) HW_COST_##name,
#include "hw/costs.def"
#undef COST
    HW_COST_COUNT
} hw_cost_id;

typedef enum { HW_DIST_CONST, HW_DIST_UNIFORM, HW_DIST_EXP, HW_DIST_SEXP, HW_DIST_LOGN } hw_dist;

typedef struct hw_cost_row {
    const char *name;
    double value_ns; /* default mean */
    hw_dist dist;
    char qde;        /* 'Q', 'D' or 'E' */
    const char *source;
} hw_cost_row;

typedef struct hw_costs {
    double value_ns[HW_COST_COUNT];
} hw_costs;

/* The default table row of id (0 <= id < HW_COST_COUNT). */
const hw_cost_row *hw_cost_row_get(int id);
const char *hw_dist_name(hw_dist d);
/* Row index of name, or HV_ENOENT. */
int hw_cost_find(const char *name);
void hw_costs_init(hw_costs *c);
/* Set row id's mean; HV_EINVAL if id is out of range or value < 0 / not finite. */
int hw_costs_set(hw_costs *c, int id, double value_ns);
/* By name: HV_ENOENT if no such row. */
int hw_costs_set_name(hw_costs *c, const char *name, double value_ns);
/* The des_dist of row id at its current value. */
des_dist hw_cost_dist(const hw_costs *c, int id);
/* One draw of row id, rounded to ns (>= 0). CONST rows do not touch r. */
des_time hw_cost_draw(const hw_costs *c, int id, des_rng *r);

#endif
