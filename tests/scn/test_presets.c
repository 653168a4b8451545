/* Embedded presets: every .ini file of scenarios/ is in the binary, byte for byte,
 * and builds against the real option table without errors. */
#include "scn/presets.h"
#include "scn/scenario.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void t_list(void)
{
    TAP_CHECK(scn_preset_count() >= 2);
    TAP_CHECK(scn_preset_find("default") != NULL);
    TAP_CHECK(scn_preset_find("default.ini") == scn_preset_find("default"));
    TAP_CHECK(scn_preset_find("preset:smoke") == scn_preset_find("smoke"));
    TAP_CHECK(scn_preset_find("nope") == NULL);
    for (size_t i = 1; i < scn_preset_count(); i++)
        TAP_CHECK(strcmp(scn_preset_at(i - 1)->name, scn_preset_at(i)->name) < 0);
    TAP_CHECK(scn_preset_at(scn_preset_count()) == NULL);
    char d[200];
    TAP_STREQ(scn_preset_description(scn_preset_find("default"), d, sizeof d),
              "the default: the ycsb preset (YCSB-A, one 16-VCPU guest with 1 thread/vcore, 32 external clients)");
    /* names sort by strcmp, so "ycsb" comes before "ycsb-smt8" */
    TAP_CHECK(scn_preset_find("ycsb") < scn_preset_find("ycsb-smt8"));
}

static void t_bytes(void)
{
    /* The embedded text is the file. */
    const scn_preset *p = scn_preset_find("default");
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/default.ini", HV_SOURCE_DIR);
    FILE *f = fopen(path, "rb");
    TAP_CHECK(f != NULL);
    if (!f || !p)
        return;
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    TAP_EQ(n, p->len);
    TAP_CHECK(memcmp(buf, p->text, n) == 0);
    TAP_EQ(p->text[p->len], 0);
}

static void t_all_build(void)
{
    for (size_t i = 0; i < scn_preset_count(); i++) {
        struct scenario s;
        scn_errors e;
        scn_errors_init(&e);
        int rc = scn_build(&s, scn_preset_at(i)->name, NULL, 0, NULL, &e);
        TAP_EQ(rc, 0);
        if (rc) {
            printf("#   preset %s:\n", scn_preset_at(i)->name);
            scn_errors_print(&e, stdout, "#     ");
        }
        TAP_CHECK(scn_description(&s)[0] != 0);
        scn_errors_free(&e);
        scn_free(&s);
    }
}

int main(void)
{
    TAP_RUN(t_list);
    TAP_RUN(t_bytes);
    TAP_RUN(t_all_build);
    return tap_done();
}
