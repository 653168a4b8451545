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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct scenario;
struct scn_parse_opts;
struct rep_config;
struct rep_header;
struct rep_results;

typedef struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_cmd;

int cmd_bench(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_scenarios(int argc, char **argv);
int cmd_show_config(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plot(int argc, char **argv);

/* ---- scenario plumbing for commands (cli/cli_scn.c) ----
 * A command taking a scenario loops over argv and offers each argument to
 * cli_scn_arg() (NAME|FILE, --set K=V, --set=K=V), then calls
 * cli_scenario() once: it builds and validates, prints every error as
 * "hvwake CMD: where: what; expected" and returns HV_EXIT_USAGE, or 0.
 * Free the scenario with scn_free() in both cases. */
typedef struct cli_scn_args {
    const char *src;          /* preset name or file; NULL = "default" */
    const char **sets;        /* --set values, in order */
    size_t nsets;
} cli_scn_args;
/* 1 consumed (advancing *i past a value), 0 not a scenario argument,
 * -1 error printed. */
int cli_scn_arg(const char *cmd, int argc, char **argv, int *i, cli_scn_args *a);
void cli_scn_args_free(cli_scn_args *a);
int cli_scenario(const char *cmd, const cli_scn_args *a, struct scenario *s);
/* The parse options of this build (cost table hook). */
const struct scn_parse_opts *cli_parse_opts(void);
/* The output header of a scenario: fills c (free with rep_config_free). */
struct rep_header cli_header(const struct scenario *s, struct rep_config *c);
/* stdout for NULL or "-", else the opened file (NULL + message on error). */
FILE *cli_open_out(const char *cmd, const char *path);
/* Every key of the option table (one section, or all for NULL). */
void cli_print_keys(FILE *f, const char *section);
/* Read result files/directories and check completeness (merge, plot). */
int cli_read_results(const char *cmd, int n, char **paths, struct rep_results *r);

/* Option-value parsers shared by subcommands: return 0 and set *out, or
 * print "hvwake CMD: option OPT: ..." and return HV_EXIT_USAGE. */
int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max,
                  uint64_t *out);
int cli_parse_double(const char *cmd, const char *opt, const char *s, double min, double max,
                     double *out);

#endif
