#include "tap.h"
#include "xics/xics.h"
static void t_smoke(void) { TAP_EQ(xics_icp_xirr(xics_icp_make(0xff, 0xff, 0xff, 0, 0)), 0xff000000u); }
int main(void) { TAP_RUN(t_smoke); return tap_done(); }
