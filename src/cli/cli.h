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
int bench_hcall(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_costs(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_scenarios(int argc, char **argv);
int cmd_show_config(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_live(int argc, char **argv);

/* ---- scenario plumbing for commands (cli/cli_scn.c) ----
 * A command taking a scenario loops over argv and offers each argument to
 * cli_scn_arg(), which understands (as allowed by `accept`):
 *   NAME|FILE                 the scenario (first non-option argument)
 *   --set K=V, --set=K=V      override a key (repeatable)
 *   --seed N, --run N         short for --set sim.seed=N / sim.run=N
 *   --vary K=V1,V2|K=LO..HI[/S], --variant NAME:K=V,...   (CLI_ACCEPT_VARY)
 *   --shard I/N                                          (CLI_ACCEPT_VARY)
 *   --json, --csv, -o FILE                               (CLI_ACCEPT_OUTPUT)
 * then calls cli_scenario() (one scenario) or cli_build_variants() (every
 * variant, all built and validated before anything runs). Errors print as
 * "hvwake CMD: where: what; expected" and give HV_EXIT_USAGE. */
enum { CLI_ACCEPT_VARY = 1, CLI_ACCEPT_OUTPUT = 2 };
enum { CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_CSV };

typedef struct cli_scn_args {
    const char *src;          /* preset name or file; NULL = "default" */
    const char **sets;        /* "section.key=value", in order */
    size_t nsets;
    const char **vary, **variant;
    size_t nvary, nvariant;
    const char *shard;        /* "I/N" or NULL */
    int format;               /* CLI_FMT_* */
    const char *out;          /* -o FILE, NULL = stdout */
    char **owned;             /* strings built for --seed/--run */
    size_t nowned;
} cli_scn_args;

/* 1 consumed (advancing *i past a value), 0 not one of ours, -1 error
 * printed. */
int cli_scn_arg(const char *cmd, int argc, char **argv, int *i, cli_scn_args *a, int accept);
void cli_scn_args_free(cli_scn_args *a);
/* Build and validate a->src + a->sets into s (free s with scn_free in both
 * cases). 0 or HV_EXIT_USAGE. */
int cli_scenario(const char *cmd, const cli_scn_args *a, struct scenario *s);
/* Expand a's --vary/--variant into *vs and build one scenario per variant
 * (base + --set + the variant's assignments, validated) into *out
 * (vs->n scenarios; free each with scn_free, then the array, then
 * scn_variants_free). All or nothing: 0, or HV_EXIT_USAGE with every error
 * printed and nothing to free. */
struct scn_variants;
int cli_build_variants(const char *cmd, const cli_scn_args *a, struct scn_variants *vs,
                       struct scenario **out);
/* The parse options of this build (cost table hook). */
const struct scn_parse_opts *cli_parse_opts(void);
/* The output header of a scenario: fills c (free with rep_config_free). */
struct rep_header cli_header(const struct scenario *s, struct rep_config *c);
/* stdout for NULL or "-", else the opened file (NULL + message on error). */
FILE *cli_open_out(const char *cmd, const char *path);
/* One run's output in a->format to a->out (stdout if NULL), headed by the
 * version, scenario, seed, run and effective configuration of s. Exit code. */
struct rep_metrics;
int cli_write_run(const char *cmd, const cli_scn_args *a, const struct scenario *s,
                  const struct rep_metrics *m);
/* Create DIR (and parents) and open DIR/shard-I-of-N.csv with the results
 * header (report/results.h) for variants vs and R replications; base is the
 * base scenario (its configuration is echoed). NULL + message on error. */
FILE *cli_results_open(const char *cmd, const char *dir, unsigned shard_i, unsigned shard_n,
                       const struct scenario *base, size_t replications,
                       const struct scn_variants *vs);
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
