#include "scn/scenario.h"

#include "base/hv.h"

int sim_cfg_validate(const struct scenario *s, scn_errors *e)
{
    /* The run ends at warmup + duration: keep it representable with room. */
    if (s->sim.warmup > UINT64_MAX / 4 - s->sim.duration) {
        scn_reject(s, e, "sim", NULL, "warmup", "warm-up plus duration is too long; expected a sum below %llu ns",
                   (unsigned long long)(UINT64_MAX / 4));
        return HV_EPARSE;
    }
    return 0;
}
