/* hvwake bench phold — the engine benchmark (des/phold.h). */
#include "base/hv.h"
#include "cli/cli.h"
#include "des/phold.h"

#include <stdio.h>
#include <string.h>

int cmd_bench_phold(int argc, char **argv)
{
    phold_params p = {.lps = 1024, .events = 1, .end = 1000, .seed = 1, .remote = 1.0};
    const char *cmd = "bench phold";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return cli_help("bench phold");
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "hvwake %s: option '%s' is unknown or lacks its value; see --help\n", cmd, o);
            return HV_EXIT_USAGE;
        }
        const char *v = argv[++i];
        uint64_t u;
        int rc = 0;
        if (!strcmp(o, "--lps")) {
            rc = cli_parse_u64(cmd, o, v, 1, UINT32_MAX, &u);
            p.lps = (uint32_t)u;
        } else if (!strcmp(o, "--events")) {
            rc = cli_parse_u64(cmd, o, v, 1, 1u << 20, &u);
            p.events = (uint32_t)u;
        } else if (!strcmp(o, "--end")) {
            rc = cli_parse_double(cmd, o, v, 0, 1e9, &p.end);
        } else if (!strcmp(o, "--seed")) {
            rc = cli_parse_u64(cmd, o, v, 0, UINT64_MAX, &p.seed);
        } else if (!strcmp(o, "--remote")) {
            rc = cli_parse_double(cmd, o, v, 0, 1, &p.remote);
        } else if (!strcmp(o, "--grid")) {
            rc = cli_parse_u64(cmd, o, v, 0, 1000000000000ull, &p.grid_ns);
        } else if (!strcmp(o, "--sampler")) {
            if (!strcmp(v, "log"))
                p.zig = 0;
            else if (!strcmp(v, "zig"))
                p.zig = 1;
            else {
                fprintf(stderr, "hvwake %s: option --sampler: '%s' is not valid; expected log or zig\n", cmd, v);
                rc = HV_EXIT_USAGE;
            }
        } else {
            rc = cli_unknown_option(cmd, o);
        }
        if (rc)
            return rc;
    }
    if (cli_pairs_once(cmd, argc, argv))
        return HV_EXIT_USAGE;
    phold_result r = phold_run(&p);
    printf("RESULT engine=hvwake sampler=%s seed=%llu N=%u E=%u tend=%g remote=%g grid_ns=%llu events=%llu "
           "init_s=%.6f loop_s=%.6f ev_per_s=%.0f peak_pending=%llu bytes_per_event=%.1f chk=%016llx\n",
           p.zig ? "zig" : "log", (unsigned long long)p.seed, p.lps, p.events, p.end, p.remote,
           (unsigned long long)p.grid_ns,
           (unsigned long long)r.events, r.init_s, r.loop_s, r.ev_per_s,
           (unsigned long long)r.peak_pending, r.bytes_per_event, (unsigned long long)r.chk);
    return 0;
}
