/* scn/variants.h: --vary / --variant expansion, application, sharding. */
#include "scn/variants.h"
#include "tap.h"

#include <string.h>

static const char *first(const scn_errors *e) { return e->n ? e->msg[0] : "(no error)"; }

static void t_vary_product(void)
{
    scn_variants vs;
    scn_errors e;
    scn_errors_init(&e);
    const char *vary[] = {"fake.count=2,4", "fake.policy=upstream,nearest,oracle"};
    TAP_EQ(scn_variants_expand(&vs, vary, 2, NULL, 0, &e), 0);
    TAP_EQ(vs.n, 6);
    if (vs.n == 6) {
        TAP_STREQ(vs.v[0].name, "fake.count=2,fake.policy=upstream");
        TAP_STREQ(vs.v[1].name, "fake.count=2,fake.policy=nearest");
        TAP_STREQ(vs.v[3].name, "fake.count=4,fake.policy=upstream");
        TAP_STREQ(vs.v[5].name, "fake.count=4,fake.policy=oracle");
        TAP_EQ(vs.v[5].nsets, 2);
        TAP_STREQ(vs.v[5].sets[0], "fake.count=4");
        TAP_STREQ(vs.v[5].origins[1], "--vary");
    }
    scn_variants_free(&vs);
    /* No options at all: one empty "base" variant. */
    TAP_EQ(scn_variants_expand(&vs, NULL, 0, NULL, 0, &e), 0);
    TAP_EQ(vs.n, 1);
    TAP_STREQ(vs.v[0].name, "base");
    TAP_EQ(vs.v[0].nsets, 0);
    scn_variants_free(&vs);
    /* Ranges. */
    const char *r[] = {"vm.*.vcpus=1..9/4"};
    TAP_EQ(scn_variants_expand(&vs, r, 1, NULL, 0, &e), 0);
    TAP_EQ(vs.n, 3);
    if (vs.n == 3)
        TAP_STREQ(vs.v[2].name, "vm.*.vcpus=9");
    scn_variants_free(&vs);
    const char *r2[] = {"sim.seed=3..3"};
    TAP_EQ(scn_variants_expand(&vs, r2, 1, NULL, 0, &e), 0);
    TAP_EQ(vs.n, 1);
    scn_variants_free(&vs);
    TAP_EQ(e.n, 0);
    scn_errors_free(&e);
}

static void t_explicit(void)
{
    scn_variants vs;
    scn_errors e;
    scn_errors_init(&e);
    const char *var[] = {"old:fake.policy=upstream,fake.flag=off", "new:fake.policy=oracle", "same:"};
    const char *vary[] = {"sim.seed=1,2"};
    TAP_EQ(scn_variants_expand(&vs, vary, 1, var, 3, &e), 0);
    TAP_EQ(vs.n, 6);
    if (vs.n == 6) {
        TAP_STREQ(vs.v[0].name, "old,sim.seed=1");
        TAP_STREQ(vs.v[1].name, "old,sim.seed=2");
        TAP_STREQ(vs.v[2].name, "new,sim.seed=1");
        TAP_STREQ(vs.v[5].name, "same,sim.seed=2");
        TAP_EQ(vs.v[0].nsets, 3);
        TAP_STREQ(vs.v[0].sets[1], "fake.flag=off");
        TAP_STREQ(vs.v[0].origins[0], "--variant old");
        TAP_EQ(vs.v[5].nsets, 1);
    }
    /* Apply: provenance follows. */
    struct scenario s;
    scn_init(&s);
    TAP_EQ(scn_variant_apply(&s, &vs.v[2], NULL, &e), 0);
    TAP_EQ(s.fake.policy, 2);
    char b[64];
    TAP_STREQ(scn_origin(&s, "fake", NULL, "policy", b, sizeof b), "--variant new");
    TAP_STREQ(scn_origin(&s, "sim", NULL, "seed", b, sizeof b), "--vary");
    scn_free(&s);
    scn_variants_free(&vs);
    /* A bad key surfaces when applied, with its origin. */
    const char *badv[] = {"x:fake.cuont=1"};
    TAP_EQ(scn_variants_expand(&vs, NULL, 0, badv, 1, &e), 0);
    scn_init(&s);
    TAP_EQ(scn_variant_apply(&s, &vs.v[0], NULL, &e), -7);
    TAP_CONTAINS(first(&e), "--variant x fake.cuont=1: unknown key 'cuont' in [fake]; did you mean 'count'?");
    scn_free(&s);
    scn_variants_free(&vs);
    scn_errors_free(&e);
}

static void t_errors(void)
{
    struct {
        const char *vary, *variant, *msg;
    } bad[] = {
        {"fake.count", NULL, "--vary fake.count: cannot parse; expected KEY=V1,V2,... or KEY=LO..HI[/STEP]"},
        {"fake.count=", NULL, "cannot parse"},
        {"fake.count=1,,2", NULL, "empty value in the list"},
        {"fake.count=1,2,1", NULL, "value '1' listed twice"},
        {"fake.count=5..1", NULL, "bad range '5..1'"},
        {"fake.count=1..5/0", NULL, "bad range"},
        {"fake.count=a..b", NULL, "bad range"},
        {"fake.count=0..100000", NULL, "range has 100001 values; expected at most 10000"},
        {NULL, "noname", "--variant noname: cannot parse; expected NAME:KEY=VALUE"},
        {NULL, "a b:x=1", "cannot parse"},
        {NULL, "v:fake.count", "'fake.count' is not an assignment; expected KEY=VALUE"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scn_variants vs;
        scn_errors e;
        scn_errors_init(&e);
        TAP_EQ(scn_variants_expand(&vs, &bad[i].vary, bad[i].vary ? 1 : 0, &bad[i].variant, bad[i].variant ? 1 : 0, &e),
               -7);
        TAP_CONTAINS(first(&e), bad[i].msg);
        scn_variants_free(&vs);
        scn_errors_free(&e);
    }
    scn_variants vs;
    scn_errors e;
    scn_errors_init(&e);
    const char *dup[] = {"a:x=1", "a:x=2"};
    TAP_EQ(scn_variants_expand(&vs, NULL, 0, dup, 2, &e), -7);
    TAP_CONTAINS(first(&e), "variant name 'a' used twice");
    scn_variants_free(&vs);
    const char *big[] = {"a=1..100", "b=1..100", "c=1..100"};
    TAP_EQ(scn_variants_expand(&vs, big, 3, NULL, 0, &e), -7);
    scn_variants_free(&vs);
    scn_errors_free(&e);
}

static void t_shards(void)
{
    scn_errors e;
    scn_errors_init(&e);
    scn_shard s;
    TAP_EQ(scn_shard_parse("3/8", &s, &e), 0);
    TAP_EQ(s.i, 3);
    TAP_EQ(s.n, 8);
    const char *bad[] = {"0/4", "5/4", "1/0", "x", "1/2/3", "-1/4", "1/4x", " 1/4", "1/+4"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scn_shard t;
        TAP_EQ(scn_shard_parse(bad[i], &t, &e), -7);
    }
    TAP_CONTAINS(e.msg[0], "--shard 0/4: shard 0 of 4 does not exist; expected 1 <= I <= N");
    TAP_EQ(e.n, 9);
    if (e.n != 9)
        scn_errors_print(&e, stdout, "#   ");
    TAP_CONTAINS(e.msg[3], "--shard x: cannot parse; expected I/N");
    /* Every job in exactly one shard, for several N; balanced within 1. */
    for (unsigned n = 1; n <= 7; n++) {
        size_t count[8] = {0};
        for (size_t j = 0; j < 100; j++) {
            int owners = 0;
            for (unsigned i = 1; i <= n; i++)
                if (scn_shard_owns((scn_shard){i, n}, j)) {
                    owners++;
                    count[i]++;
                }
            TAP_EQ(owners, 1);
        }
        for (unsigned i = 1; i <= n; i++)
            TAP_CHECK(count[i] >= 100 / n && count[i] <= 100 / n + 1);
    }
    TAP_CHECK(scn_shard_owns((scn_shard){2, 3}, 4));
    TAP_CHECK(!scn_shard_owns((scn_shard){2, 3}, 5));
    scn_errors_free(&e);
}

int main(void)
{
    TAP_RUN(t_vary_product);
    TAP_RUN(t_explicit);
    TAP_RUN(t_errors);
    TAP_RUN(t_shards);
    return tap_done();
}
