#ifndef HV_TESTS_SCN_FAKE_ROOMS_H
#define HV_TESTS_SCN_FAKE_ROOMS_H
#include "scn/sim.h"
#include "fake.h"
#endif
