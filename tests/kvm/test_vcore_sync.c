/* entry_exit_map and cede-napping rules (I-entry-exit-sync). */
#include "des/rng.h"
#include "kvm/vcore_sync.h"
#include "tap.h"

static void enter_then_exit(void)
{
    uint32_t m = 0;
    kvm_eem_result r = kvm_eem_enter(m, 0);
    TAP_CHECK(r.ok);
    m = kvm_eem_enter(r.map, 3).map;
    TAP_EQ(m, 0x09);
    r = kvm_eem_exit(m, 3);
    TAP_CHECK(r.ok); /* first exiter */
    m = r.map;
    TAP_EQ(m, 0x809);
    TAP_CHECK(kvm_eem_exiting(m));
    TAP_EQ(kvm_eem_still_in(m), 0x01);
    TAP_CHECK(!kvm_eem_all_out(m));
    r = kvm_eem_enter(m, 5); /* secondary_too_late */
    TAP_CHECK(!r.ok);
    TAP_EQ(r.map, m);
    r = kvm_eem_exit(m, 0);
    TAP_CHECK(!r.ok); /* not first */
    TAP_CHECK(kvm_eem_all_out(r.map));
    char msg[96];
    TAP_CHECK(kvm_eem_check(r.map, msg, sizeof msg) == NULL);
    /* exited without entering: the message is written to the caller's buffer */
    TAP_CHECK(kvm_eem_check(0x200, msg, sizeof msg) == msg);
    TAP_STREQ(msg, "entry_exit_map 0x200: a thread exited without entering");
}

static void random_rounds_keep_invariant(void)
{
    /* Random interleavings of enter/exit by 8 threads: no thread enters after
     * the first exit, exactly one first exiter per round, check() holds. */
    des_rng r = des_rng_stream(7, 0, 1);
    for (int round = 0; round < 20000; round++) {
        uint32_t m = 0;
        int firsts = 0, entered_after_exit = 0;
        for (int step = 0; step < 24; step++) {
            unsigned t = des_rng_below(&r, 8);
            if (des_rng_below(&r, 2)) {
                kvm_eem_result e = kvm_eem_enter(m, t);
                if (e.ok && kvm_eem_exiting(m))
                    entered_after_exit++;
                m = e.map;
            } else if (kvm_eem_entered(m) & (1u << t) && !(kvm_eem_exited(m) & (1u << t))) {
                kvm_eem_result e = kvm_eem_exit(m, t);
                firsts += e.ok;
                m = e.map;
            }
            char msg[96];
            if (kvm_eem_check(m, msg, sizeof msg)) {
                TAP_STREQ(msg, "");
                return;
            }
        }
        TAP_EQ(entered_after_exit, 0);
        TAP_CHECK(firsts <= 1);
    }
}

static void cede_all_napping(void)
{
    uint32_t m = 0x0f; /* threads 0..3 entered */
    TAP_CHECK(!kvm_cede_all_napping(0x00, m, 0));
    TAP_CHECK(!kvm_cede_all_napping(0x03, m, 2));
    TAP_CHECK(kvm_cede_all_napping(0x07, m, 3));
    TAP_CHECK(kvm_cede_all_napping(0x00, 0x01, 0)); /* single thread vcore */
}

int main(void)
{
    TAP_RUN(enter_then_exit);
    TAP_RUN(random_rounds_keep_invariant);
    TAP_RUN(cede_all_napping);
    return tap_done();
}
