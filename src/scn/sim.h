/*
 * scn/sim.h — the [sim] section: simulation control (scn/sim_options.def).
 *
 * struct sim_cfg is generated from the .def rows (one field per key, named
 * as the key, typed by SCN_CTYPE_<TYPE>; STRING fields are char[128]).
 * A room may write its config struct by hand instead; scn/options.c checks
 * at compile time that every field has the type its row declares.
 */
#ifndef HV_SCN_SIM_H
#define HV_SCN_SIM_H

#include "scn/value.h"

struct sim_cfg {
#define OPT(s, k, T, d, mn, mx, h) SCN_FIELD_##T(k)
#define OPT_ENUM(s, k, d, LIST, h) SCN_FIELD_ENUM(k)
#include "scn/sim_options.def"
#undef OPT
#undef OPT_ENUM
};

struct scenario;
struct scn_errors;
/* [sim] checks that span keys (none fail today; the hook is the example). */
int sim_cfg_validate(const struct scenario *s, struct scn_errors *e);

#endif
