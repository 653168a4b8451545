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

/* ---- the command table (cli/commands.c) ----
 * One row per command: the one source of the help texts, the man page and
 * the completion (cli/help.c). Options are the command's own rows plus the
 * shared groups it names (cli_scn_arg's options and --force). */
typedef struct cli_opt {
    const char *flag; /* "--kind", "-o" */
    const char *arg;  /* its value ("N", "FILE", "bars|curve|cdf" = choices), NULL for a flag */
    const char *help;
} cli_opt;

enum { CLI_G_SCN = 1, CLI_G_DURATION = 2, CLI_G_VARY = 4, CLI_G_OUTPUT = 8, CLI_G_FORCE = 16, CLI_G_TABLE = 32, CLI_NGROUPS = 6 };

typedef struct cli_cmd {
    const char *name;                 /* "run", "bench hcall" */
    int (*fn)(int argc, char **argv); /* argv[0] is the command's last word */
    const char *args;                 /* positional arguments: "[NAME|FILE]" */
    const char *summary;              /* one line */
    const char *description;          /* a paragraph */
    unsigned groups;                  /* CLI_G_* */
    const cli_opt *opts;              /* ends with a NULL flag */
    const char *after;                /* a paragraph after the options, or NULL */
} cli_cmd;

extern const cli_cmd cli_commands[];
extern const size_t cli_ncommands;
extern const cli_opt *const cli_groups[CLI_NGROUPS]; /* bit k of groups: cli_groups[k] */

/* The row of name ("run", "bench hcall"), or NULL. */
const cli_cmd *cli_find(const char *name);
/* `hvwake NAME --help`: usage, description, every option, the paragraph
 * after. Returns 0. */
int cli_help(const char *name);
/* "hvwake CMD: unknown option 'X'; expected one of ... (see hvwake CMD
 * --help)", with a suggestion when one is close. Returns HV_EXIT_USAGE. */
int cli_unknown_option(const char *cmd, const char *opt);

/* `hvwake --help`: every command with its summary. */
void cli_usage(FILE *f);
int cmd_help(int argc, char **argv);
int cmd_bench_phold(int argc, char **argv);
int cmd_bench_model(int argc, char **argv);
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
int cmd_report(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_kvm_stat(int argc, char **argv);

/* ---- scenario plumbing for commands (cli/cli_scn.c) ----
 * A command taking a scenario loops over argv and offers each argument to
 * cli_scn_arg(), which understands (as allowed by `accept`):
 *   NAME|FILE                 the scenario (first non-option argument)
 *   --set K=V, --set=K=V      override a key (repeatable, applied in order)
 *   --seed N, --run N         short for --set sim.seed=N / sim.run=N
 *   --duration T              short for --set sim.duration=T (CLI_ACCEPT_DURATION)
 *   --vary K=V1,V2|K=LO..HI[/S], --variant NAME:K=V,...   (CLI_ACCEPT_VARY)
 *   --shard I/N                                          (CLI_ACCEPT_SHARD)
 *   --json | --csv, -o FILE                              (CLI_ACCEPT_OUTPUT)
 * The shorthands apply in command-line order with the --set options, each
 * labelled with the flag typed (messages and provenance say "--duration").
 * Single-valued options (--shard, -o, the format) given twice, --json with
 * --csv, or a second scenario are errors, never last-one-wins.
 * Then cli_scenario() (one scenario) or cli_build_variants() (every
 * variant, all built and validated before anything runs). Errors print as
 * "hvwake CMD: where: what; expected" and give HV_EXIT_USAGE. */
enum { CLI_ACCEPT_VARY = 1, CLI_ACCEPT_OUTPUT = 2, CLI_ACCEPT_SHARD = 4, CLI_ACCEPT_DURATION = 8 };
enum { CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_CSV };

typedef struct cli_set {
    const char *assign;       /* "section.key=value"; a shorthand's value ("5ms") */
    const char *flag;         /* the option typed: "--set", "--seed", "--duration" */
    const char *key;          /* a shorthand's key ("sim.duration"); NULL for --set */
} cli_set;

typedef struct cli_scn_args {
    const char *src;          /* preset name or file; NULL = "default" */
    cli_set *sets;            /* in command-line order */
    size_t nsets;
    const char **vary, **variant;
    size_t nvary, nvariant;
    const char *shard;        /* "I/N" or NULL */
    int format;               /* CLI_FMT_* */
    const char *out;          /* -o FILE, NULL = stdout */
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
/* Every key of the option table (one section, or all for NULL). */
void cli_print_keys(FILE *f, const char *section);

/* ---- outputs (cli/cli_out.c) ----
 * Every output file is a rep_out (report/outfile.h): written to a temporary
 * file next to it and renamed into place only when complete. Commands open
 * every output before the work starts (a missing or read-only directory
 * fails at once), write, then cli_outs_commit(). Messages:
 * "hvwake CMD: cannot write 'PATH': REASON"; status HV_EXIT_IO, or
 * HV_EXIT_USAGE when the path names a directory or, with
 * REP_OUT_NOREPLACE, a file that exists. */
struct rep_out;
int cli_out_open(const char *cmd, struct rep_out *o, const char *path, int flags);
/* Close all; if every one closed cleanly rename each into place, else
 * remove every temporary file (no previous file is touched). 0 or
 * HV_EXIT_IO. */
int cli_outs_commit(const char *cmd, struct rep_out *o, size_t n);
void cli_outs_abort(struct rep_out *o, size_t n);
/* Two output options naming one file ("-o x --trace ./x"): an error naming
 * both flags. paths[i] NULL = not given. 0 or HV_EXIT_USAGE. */
int cli_outs_distinct(const char *cmd, size_t n, const char *const *flags, const char *const *paths);
/* A single-valued option: *slot = val, or "option OPT given twice" when
 * *slot is already set. 0 or HV_EXIT_USAGE. */
int cli_once(const char *cmd, const char *opt, const char **slot, const char *val);
/* For commands whose every option takes one value (validate, bench), once
 * argv parsed as OPTION VALUE pairs: an option given twice is an error. 0
 * or HV_EXIT_USAGE. */
int cli_pairs_once(const char *cmd, int argc, char **argv);
/* The same, except that the option `repeatable` may be given several times. */
int cli_pairs_once_but(const char *cmd, int argc, char **argv, const char *repeatable);
/* --json / --csv into *format: 1 consumed, 0 not one of them, -1 repeated
 * or conflicting (message printed). */
int cli_format_arg(const char *cmd, const char *o, int *format);
/* Flush standard output after a command: a write error (a full disk, a
 * closed pipe's EPIPE) prints "hvwake CMD: cannot write 'standard output':
 * REASON". 0 or HV_EXIT_IO. main() calls it after every command. */
int cli_stdout_check(const char *cmd);
/* mkdir -p. 0 or HV_EXIT_IO with a message. */
int cli_mkdirs(const char *cmd, const char *dir);
/* The output header of a scenario: fills c (free with rep_config_free). */
struct rep_header cli_header(const struct scenario *s, struct rep_config *c);
/* One run's output in format (CLI_FMT_*), headed by the version, source,
 * scenario, seed, run and effective configuration of s. 0 or HV_EIO. */
struct rep_metrics;
int cli_write_run(FILE *f, int format, const struct scenario *s, const struct rep_metrics *m);

/* The table options of compare and merge: --metrics A,B (the table and its
 * statistics show only these, in this order) and --explain (the paragraph
 * under the text table, report/compare_story.h). */
typedef struct cli_table {
    const char *metrics;
    int explain;
} cli_table;
/* argv[*i] is --metrics LIST or --explain: 1 taken (and *i advanced past
 * its value), 0 not one of them, -1 bad (the message printed). */
int cli_table_arg(const char *cmd, int argc, char **argv, int *i, cli_table *t);
/* Once every option is parsed: --explain needs the text table. 0 or
 * HV_EXIT_USAGE. */
int cli_table_check(const char *cmd, const cli_table *t, int format);

/* Compare or merge output in format: the table (with t's options), JSON or
 * the tidy CSV (report/results.h). 0, or HV_EXIT_USAGE when --metrics names
 * a metric the runs do not have (nothing written). Write errors surface at
 * the output's commit. */
struct rep_compare;
int cli_write_results(const char *cmd, FILE *f, int format, const struct rep_results *r, struct rep_compare *c,
                      const cli_table *t);

/* Signals (main installs them): SIGINT, SIGTERM, SIGHUP, SIGPIPE remove
 * every temporary output and end the process as the signal would; SIGXFSZ
 * is ignored (a file-size limit fails the write with EFBIG, reported with
 * the path). cli_signals_defer(1) only records the signal
 * (cli_signal_caught()) for a caller that cleans up itself and then calls
 * cli_signal_exit(); cli_signals_default() restores the default actions
 * (a forked worker). */
void cli_signals_init(void);
void cli_signals_defer(int on);
int cli_signal_caught(void);
void cli_signals_default(void);
_Noreturn void cli_signal_exit(int sig);

/* Option-value parsers shared by subcommands: return 0 and set *out, or
 * print "hvwake CMD: option OPT: ..." and return HV_EXIT_USAGE. */
int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max,
                  uint64_t *out);
int cli_parse_double(const char *cmd, const char *opt, const char *s, double min, double max,
                     double *out);

#endif
