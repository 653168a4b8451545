/*
 * Calibration: with one set of component costs and only hw.msgsnd changed,
 * the boot-like mix reproduces the published POWER8 rm_entry, rm_exit and
 * rm_intr means (66feed61cdf6) within +-10% each, and the msgsnd deltas
 * have the published sign.
 */
#include "tap.h"
#include "workload/validate.h"

static void within_ten_percent(void)
{
    validate_row r[VALIDATE_ROWS];
    char err[512];
    const char *e = validate_run(NULL, 1, 0, DES_MS(20), r, err, sizeof err);
    if (e)
        printf("# %s\n", e);
    TAP_CHECK(e == NULL);
    for (int i = 0; i < VALIDATE_ROWS; i++) {
        printf("# %-8s msgsnd=%d published %7.1f model %7.1f (%+.1f%%, n=%llu)\n", r[i].name,
               r[i].msgsnd, r[i].published, r[i].model, 100 * r[i].err,
               (unsigned long long)r[i].count);
        TAP_CHECK(r[i].count > 1000);
        TAP_NEAR(r[i].err, 0.0, 0.10);
    }
    /* msgsnd makes every phase faster, as published. */
    for (int i = 0; i < 3; i++)
        TAP_CHECK(r[i + 3].model < r[i].model);
}

int main(void)
{
    TAP_RUN(within_ten_percent);
    return tap_done();
}
