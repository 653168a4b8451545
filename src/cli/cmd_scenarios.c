/* hvwake scenarios — the presets embedded in the binary. */
#include "cli/cli.h"

#include "base/hv.h"
#include "scn/presets.h"

#include <stdio.h>
#include <string.h>

int cmd_scenarios(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
        return cli_help("scenarios");
    if (argc > 2) {
        fprintf(stderr, "hvwake scenarios: too many arguments; expected at most one NAME\n");
        return HV_EXIT_USAGE;
    }
    if (argc == 2) {
        const scn_preset *p = scn_preset_find(argv[1]);
        if (!p) {
            fprintf(stderr, "hvwake scenarios: no preset '%s'; expected one of the names 'hvwake scenarios' lists\n",
                    argv[1]);
            return HV_EXIT_USAGE;
        }
        fwrite(p->text, 1, p->len, stdout);
        return 0;
    }
    size_t w = 4;
    for (size_t i = 0; i < scn_preset_count(); i++)
        w = strlen(scn_preset_at(i)->name) > w ? strlen(scn_preset_at(i)->name) : w;
    for (size_t i = 0; i < scn_preset_count(); i++) {
        char d[300];
        const scn_preset *p = scn_preset_at(i);
        printf("%-*s  %s\n", (int)w, p->name, scn_preset_description(p, d, sizeof d));
    }
    return 0;
}
