/* hw/costs.c — the cost table. See hw/costs.h. */
#include "hw/costs.h"

#include "base/hv.h"

#include <math.h>
#include <string.h>

static const hw_cost_row rows[HW_COST_COUNT] = {
#define HW_COST_ROW(name, v, dist, qde, src) {#name, (double)(v), HW_DIST_##dist, #qde[0], src},
#define COST HW_COST_ROW
#include "hw/costs.def"
#undef COST
#undef HW_COST_ROW
};

const hw_cost_row *hw_cost_row_get(int id)
{
    HV_CHECK(id >= 0 && id < HW_COST_COUNT);
    return &rows[id];
}

const char *hw_dist_name(hw_dist d)
{
    static const char *n[] = {"const", "uniform", "exp", "sexp", "logn"};
    return (unsigned)d < HV_ARRAY_LEN(n) ? n[d] : "?";
}

int hw_cost_find(const char *name)
{
    for (int i = 0; i < HW_COST_COUNT; i++)
        if (!strcmp(rows[i].name, name))
            return i;
    return HV_ENOENT;
}

void hw_costs_init(hw_costs *c)
{
    for (int i = 0; i < HW_COST_COUNT; i++)
        c->value_ns[i] = rows[i].value_ns;
}

int hw_costs_set(hw_costs *c, int id, double value_ns)
{
    if (id < 0 || id >= HW_COST_COUNT || !isfinite(value_ns) || value_ns < 0)
        return HV_EINVAL;
    c->value_ns[id] = value_ns;
    return HV_OK;
}

int hw_costs_set_name(hw_costs *c, const char *name, double value_ns)
{
    int id = hw_cost_find(name);
    return id < 0 ? id : hw_costs_set(c, id, value_ns);
}

des_dist hw_cost_dist(const hw_costs *c, int id)
{
    HV_CHECK(id >= 0 && id < HW_COST_COUNT);
    double m = c->value_ns[id];
    switch (rows[id].dist) {
    case HW_DIST_UNIFORM:
        return des_dist_uniform(0.75 * m, 1.25 * m);
    case HW_DIST_EXP:
        return des_dist_exp(m);
    case HW_DIST_SEXP:
        return des_dist_shifted_exp(m / 2, m / 2);
    case HW_DIST_LOGN:
        return m > 0 ? des_dist_lognormal_mean_sigma(m, 0.5) : des_dist_const(0);
    case HW_DIST_CONST:
    default:
        return des_dist_const(m);
    }
}

/* llround(v) for v > 0 (half away from zero), without the library call on
 * every draw: t = trunc(v) and v - t are exact for every double v < 2^63
 * (above 2^52 a double is an integer), so t + (v - t >= 0.5) is llround's
 * result. Beyond 2^63 (no cost is near) it is llround's own. */
static inline des_time round_ns(double v)
{
    if (!(v < 0x1p63))
        return (des_time)llround(v);
    des_time t = (des_time)v;
    return v - (double)t >= 0.5 ? t + 1 : t;
}

des_time hw_cost_draw(const hw_costs *c, int id, des_rng *r)
{
    HV_CHECK(id >= 0 && id < HW_COST_COUNT);
    double v;
    if (rows[id].dist == HW_DIST_CONST || c->value_ns[id] == 0) {
        v = c->value_ns[id];
    } else {
        des_dist d = hw_cost_dist(c, id);
        v = des_dist_sample(&d, r);
    }
    return v <= 0 ? 0 : round_ns(v);
}
