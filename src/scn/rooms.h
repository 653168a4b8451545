/*
 * scn/rooms.h — the headers declaring every section's config struct
 * (struct <section>_cfg) and validate hook. One line per room; keep in step
 * with scn/rooms.def.
 */
#ifndef HV_SCN_ROOMS_H
#define HV_SCN_ROOMS_H

#include "scn/sim.h"
/* ---- model rooms: add their header here when they land ----
 * #include "hw/hw.h"
 * #include "host/host.h"
 * #include "kvm/kvm.h"
 * #include "guest/guest.h"
 * #include "workload/workload.h"
 */

#endif
