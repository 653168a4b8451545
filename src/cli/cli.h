/*
 * cli/cli.h — the hvwake command line: one table of subcommands (cli/main.c),
 * one file per subcommand (cli/cmd_<name>.c).
 *
 * A subcommand gets argv starting at its own name and returns the process
 * exit status: 0 success, 1 a model check failed, 2 bad input
 * (HV_EXIT_* in base/hv.h). Bad options print "hvwake CMD: what is wrong;
 * what was expected" on stderr.
 */
#ifndef HV_CLI_CLI_H
#define HV_CLI_CLI_H

#include <stdint.h>

typedef struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_cmd;

int cmd_bench(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_costs(int argc, char **argv);

/* Option-value parsers shared by subcommands: return 0 and set *out, or
 * print "hvwake CMD: option OPT: ..." and return HV_EXIT_USAGE. */
int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max,
                  uint64_t *out);
int cli_parse_double(const char *cmd, const char *opt, const char *s, double min, double max,
                     double *out);

#endif
