/*
 * scn/rooms.h — the headers declaring every section's config struct
 * (struct <section>_cfg) and validate hook. One line per room; keep in step
 * with scn/rooms.def.
 */
#ifndef HV_SCN_ROOMS_H
#define HV_SCN_ROOMS_H

#include "scn/sim.h"
/* ---- model rooms ---- */
#include "host/host.h"
#include "hw/hw.h"
#include "kvm/kvm.h"
#include "guest/net.h"
#include "guest/os.h"
#include "scn/model_validate.h"
#include "workload/boot.h"
#include "workload/hostload.h"
#include "workload/tcp_rr.h"
#include "workload/ycsb.h"

#endif
