/* hvwake costs — print the cost table with sources (hw/costs.def). */
#include "cli/cli.h"

#include "base/hv.h"
#include "hw/costs.h"

#include <stdio.h>
#include <string.h>

int cmd_costs(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            return cli_help("costs");
        }
        return cli_unknown_option("costs", argv[i]);
    }
    printf("%-20s %10s %-8s %s  %s\n", "name", "mean_ns", "dist", "k", "source");
    for (int i = 0; i < HW_COST_COUNT; i++) {
        const hw_cost_row *r = hw_cost_row_get(i);
        printf("%-20s %10.0f %-8s %c  %s\n", r->name, r->value_ns, hw_dist_name(r->dist), r->qde,
               r->source);
    }
    return 0;
}
