/* hvwake — entry point and subcommand table. See cli/cli.h. */
#include "cli/cli.h"

#include "base/hv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_cmd commands[] = {
    {"run", cmd_run, "run a scenario and report it (table, JSON, CSV, traces)"},
    {"sweep", cmd_sweep, "every variant x replication in parallel processes or shards (then merge)"},
    {"compare", cmd_compare, "one scenario under several settings, side by side with 95% CIs"},
    {"bench", cmd_bench, "engine benchmarks (bench phold)"},
    {"validate", cmd_validate, "the KVM model against published POWER8 timings"},
    {"costs", cmd_costs, "print the cost table with sources"},
    {"keys", cmd_keys, "every scenario key: type, default, range, unit, help"},
    {"scenarios", cmd_scenarios, "the preset scenarios built in (and their files)"},
    {"show-config", cmd_show_config, "effective configuration and where each value came from"},
    {"merge", cmd_merge, "join sharded compare/sweep results into one table"},
    {"plot", cmd_plot, "plot results with gnuplot (svg, png)"},
    {"report", cmd_report, "one self-contained HTML page of results: tables, CDFs, figures, checks"},
    {"live", cmd_live, "M1 and the wake handshakes on real threads: measure, or --stress validate"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: hvwake [--help] [--version] COMMAND [ARGS]\n\n"
               "hvwake %s: an executable, calibrated model of POWER KVM-HV VCPU wakeups.\n\n"
               "commands:\n",
            HV_VERSION);
    for (size_t i = 0; i < HV_ARRAY_LEN(commands); i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'hvwake COMMAND --help' describes a command and its options with their defaults.\n"
               "Exit status: 0 success, 1 a model check failed, 2 bad input, 3 an output could not be\n"
               "written (or a sweep worker was killed). Guarantees: docs/cli.md.\n");
}

int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max,
                  uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-') {
        fprintf(stderr, "hvwake %s: option %s: missing or negative value; expected an integer in [%llu, %llu]\n",
                cmd, opt, (unsigned long long)min, (unsigned long long)max);
        return HV_EXIT_USAGE;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        fprintf(stderr, "hvwake %s: option %s: '%s' is not valid; expected an integer in [%llu, %llu]\n",
                cmd, opt, s, (unsigned long long)min, (unsigned long long)max);
        return HV_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *s, double min, double max,
                     double *out)
{
    char *end;
    errno = 0;
    double v = s && *s ? strtod(s, &end) : 0;
    if (!s || !*s || errno || *end || !(v >= min && v <= max)) {
        fprintf(stderr, "hvwake %s: option %s: '%s' is not valid; expected a number in [%g, %g]\n",
                cmd, opt, s ? s : "", min, max);
        return HV_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    cli_signals_init();
    if (argc < 2) {
        usage(stderr);
        return HV_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return cli_stdout_check("--help");
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hvwake %s (source %s)\n", HV_VERSION, hv_source());
        return cli_stdout_check("--version");
    }
    for (size_t i = 0; i < HV_ARRAY_LEN(commands); i++)
        if (!strcmp(argv[1], commands[i].name)) {
            /* Every command's standard output is checked once it is done:
             * a table that did not reach a full disk is an error (a command
             * that failed has said why already). */
            int rc = commands[i].fn(argc - 1, argv + 1);
            return rc ? rc : cli_stdout_check(commands[i].name);
        }
    fprintf(stderr, "hvwake: unknown command '%s'; expected one of:", argv[1]);
    for (size_t i = 0; i < HV_ARRAY_LEN(commands); i++)
        fprintf(stderr, " %s", commands[i].name);
    fprintf(stderr, " (see hvwake --help)\n");
    return HV_EXIT_USAGE;
}
