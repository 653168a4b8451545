/* scn/strmap.h: insert, find, refuse a second insertion, grow, and keep
 * the load below one half. */
#include "scn/strmap.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static void t_basic(void)
{
    scn_strmap m;
    scn_strmap_init(&m);
    TAP_CHECK(scn_strmap_get(&m, "a", 1) == NULL); /* empty, no table yet */
    TAP_CHECK(scn_strmap_put(&m, "sim.seed", 8, 2) == NULL);
    TAP_CHECK(scn_strmap_put(&m, "sim.run", 7, 3) == NULL);
    size_t *v = scn_strmap_get(&m, "sim.seed", 8);
    TAP_CHECK(v != NULL);
    TAP_EQ(v ? *v : 0, 2);
    /* Present: the first value stays and is returned. */
    v = scn_strmap_put(&m, "sim.seed", 8, 9);
    TAP_CHECK(v != NULL);
    TAP_EQ(v ? *v : 0, 2);
    TAP_EQ(m.n, 2);
    /* Keys are len bytes: a prefix is another key, a NUL inside counts. */
    TAP_CHECK(scn_strmap_get(&m, "sim.see", 7) == NULL);
    TAP_CHECK(scn_strmap_get(&m, "sim.seedx", 8) != NULL);
    TAP_CHECK(scn_strmap_put(&m, "a\0b", 3, 5) == NULL);
    TAP_CHECK(scn_strmap_get(&m, "a\0c", 3) == NULL);
    TAP_CHECK(scn_strmap_get(&m, "a", 1) == NULL);
    TAP_CHECK(scn_strmap_put(&m, "", 0, 7) == NULL);
    v = scn_strmap_get(&m, "", 0);
    TAP_EQ(v ? *v : 0, 7);
    scn_strmap_free(&m);
    TAP_EQ(m.cap, 0);
}

static void t_many(void)
{
    scn_strmap m;
    scn_strmap_init(&m);
    enum { N = 50000 };
    char k[32];
    for (size_t i = 0; i < N; i++) {
        int l = snprintf(k, sizeof k, "vm.v%zu.vcpus", i);
        TAP_CHECK(scn_strmap_put(&m, k, (size_t)l, i) == NULL);
        if (2 * m.n >= m.cap) {
            TAP_CHECK(!"load reached one half");
            break;
        }
    }
    TAP_EQ(m.n, N);
    TAP_EQ(m.cap & (m.cap - 1), 0); /* a power of two */
    size_t wrong = 0;
    for (size_t i = 0; i < N; i++) {
        int l = snprintf(k, sizeof k, "vm.v%zu.vcpus", i);
        size_t *v = scn_strmap_get(&m, k, (size_t)l);
        wrong += !v || *v != i;
        wrong += scn_strmap_put(&m, k, (size_t)l, 0) == NULL;
    }
    TAP_EQ(wrong, 0);
    TAP_EQ(m.n, N);
    TAP_CHECK(scn_strmap_get(&m, "vm.v50000.vcpus", 15) == NULL);
    /* Every stored key is where its hash and probing lead. */
    size_t stored = 0;
    for (size_t i = 0; i < m.cap; i++)
        if (m.slot[i].key) {
            stored++;
            wrong += m.slot[i].hash != scn_strmap_hash(m.slot[i].key, m.slot[i].len);
        }
    TAP_EQ(stored, N);
    TAP_EQ(wrong, 0);
    scn_strmap_free(&m);
}

static void t_hash(void)
{
    /* FNV-1a 64 reference values (the empty string is the offset basis). */
    TAP_EQ(scn_strmap_hash("", 0), 0xcbf29ce484222325ull);
    TAP_EQ(scn_strmap_hash("a", 1), 0xaf63dc4c8601ec8cull);
    TAP_EQ(scn_strmap_hash("foobar", 6), 0x85944171f73967e8ull);
}

int main(void)
{
    TAP_RUN(t_basic);
    TAP_RUN(t_many);
    TAP_RUN(t_hash);
    return tap_done();
}
