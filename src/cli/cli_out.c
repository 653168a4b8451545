/* Output plumbing shared by the commands (cli/cli.h): output files, option
 * checks, standard output, signals. */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/compare_story.h"
#include "report/outfile.h"
#include "report/output.h"
#include "report/results.h"
#include "scn/scenario.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_out_open(const char *cmd, rep_out *o, const char *path, int flags)
{
    char err[4400];
    int rc = rep_out_open(o, path, flags, err, sizeof err);
    if (!rc)
        return 0;
    fprintf(stderr, "hvwake %s: %s\n", cmd, err);
    return rc == HV_EIO ? HV_EXIT_IO : HV_EXIT_USAGE; /* a directory or an existing file: the user's to change */
}

int cli_outs_commit(const char *cmd, rep_out *o, size_t n)
{
    char err[4400];
    int rc = 0;
    /* Close all first: a write error anywhere keeps every previous file. */
    for (size_t i = 0; i < n; i++)
        if (rep_out_close(&o[i], err, sizeof err) && !rc) {
            fprintf(stderr, "hvwake %s: %s%s\n", cmd, err,
                    o[i].tmp ? "; nothing was written (a previous file is unchanged)" : "");
            rc = HV_EXIT_IO;
        }
    for (size_t i = 0; i < n; i++) {
        if (rc) {
            rep_out_abort(&o[i]);
            continue;
        }
        if (rep_out_commit(&o[i], err, sizeof err)) {
            fprintf(stderr, "hvwake %s: %s\n", cmd, err);
            rc = HV_EXIT_IO;
        }
    }
    return rc;
}

void cli_outs_abort(rep_out *o, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rep_out_abort(&o[i]);
}

int cli_outs_distinct(const char *cmd, size_t n, const char *const *flags, const char *const *paths)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < i; k++)
            if (paths[i] && paths[k] && rep_out_same_path(paths[i], paths[k])) {
                fprintf(stderr, "hvwake %s: %s '%s' and %s '%s' are the same file; expected a different file for "
                        "each output\n", cmd, flags[k], paths[k], flags[i], paths[i]);
                return HV_EXIT_USAGE;
            }
    return 0;
}

int cli_once(const char *cmd, const char *opt, const char **slot, const char *val)
{
    if (*slot) {
        fprintf(stderr, "hvwake %s: option %s given twice ('%s', then '%s'); expected it once\n", cmd, opt, *slot,
                val);
        return HV_EXIT_USAGE;
    }
    *slot = val;
    return 0;
}

int cli_pairs_once(const char *cmd, int argc, char **argv)
{
    return cli_pairs_once_but(cmd, argc, argv, NULL);
}

int cli_pairs_once_but(const char *cmd, int argc, char **argv, const char *repeatable)
{
    for (int i = 1; i + 1 < argc; i += 2)
        for (int k = 1; k < i; k += 2)
            if (!strcmp(argv[i], argv[k]) && !(repeatable && !strcmp(argv[i], repeatable))) {
                fprintf(stderr, "hvwake %s: option %s given twice ('%s', then '%s'); expected it once\n", cmd, argv[i],
                        argv[k + 1], argv[i + 1]);
                return HV_EXIT_USAGE;
            }
    return 0;
}

int cli_format_arg(const char *cmd, const char *o, int *format)
{
    int f = !strcmp(o, "--json") ? CLI_FMT_JSON : !strcmp(o, "--csv") ? CLI_FMT_CSV : CLI_FMT_TEXT;
    if (f == CLI_FMT_TEXT)
        return 0;
    if (*format != CLI_FMT_TEXT) {
        const char *was = *format == CLI_FMT_JSON ? "--json" : "--csv";
        if (f == *format)
            fprintf(stderr, "hvwake %s: option %s given twice; expected it once\n", cmd, o);
        else
            fprintf(stderr, "hvwake %s: option %s conflicts with %s; expected one output format\n", cmd, o, was);
        return -1;
    }
    *format = f;
    return 1;
}

int cli_stdout_check(const char *cmd)
{
    rep_out o = {.f = stdout};
    char err[256];
    if (!rep_out_close(&o, err, sizeof err))
        return 0;
    fprintf(stderr, "hvwake %s: %s\n", cmd, err);
    return HV_EXIT_IO;
}

int cli_mkdirs(const char *cmd, const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    int bad = 0;
    for (char *q = p + 1; *q && !bad; q++)
        if (*q == '/') {
            *q = 0;
            bad = mkdir(p, 0777) && errno != EEXIST;
            *q = '/';
        }
    struct stat st;
    if (!bad && mkdir(p, 0777) && (errno != EEXIST || stat(p, &st) || !S_ISDIR(st.st_mode)))
        bad = 1;
    if (bad)
        fprintf(stderr, "hvwake %s: cannot create directory '%s': %s; expected a writable directory\n", cmd, dir,
                strerror(errno ? errno : ENOTDIR));
    return bad ? HV_EXIT_IO : 0;
}

rep_header cli_header(const struct scenario *s, rep_config *c)
{
    rep_config_init(c);
    scn_visit(s, rep_config_visit, c);
    return (rep_header){HV_VERSION, scn_source(s), s->sim.seed, s->sim.run, c, hv_source()};
}

int cli_write_run(FILE *f, int format, const struct scenario *s, const rep_metrics *m)
{
    rep_config c;
    rep_header h = cli_header(s, &c);
    int rc = format == CLI_FMT_JSON  ? rep_write_json(f, &h, m)
             : format == CLI_FMT_CSV ? rep_write_csv(f, &h, m)
                                     : rep_write_text(f, &h, m);
    rep_config_free(&c);
    return rc;
}

int cli_table_arg(const char *cmd, int argc, char **argv, int *i, cli_table *t)
{
    const char *o = argv[*i];
    if (!strcmp(o, "--explain")) {
        if (t->explain++) {
            fprintf(stderr, "hvwake %s: option --explain given twice; expected it once\n", cmd);
            return -1;
        }
        return 1;
    }
    if (strcmp(o, "--metrics"))
        return 0;
    if (*i + 1 >= argc || !argv[*i + 1][0]) {
        fprintf(stderr, "hvwake %s: option --metrics needs a list of metric names (A,B,...)\n", cmd);
        return -1;
    }
    return cli_once(cmd, o, &t->metrics, argv[++*i]) ? -1 : 1;
}

int cli_table_check(const char *cmd, const cli_table *t, int format)
{
    if (t->explain && format != CLI_FMT_TEXT) {
        fprintf(stderr, "hvwake %s: --explain writes under the text table; expected no --json or --csv with it\n",
                cmd);
        return HV_EXIT_USAGE;
    }
    return 0;
}

int cli_write_results(const char *cmd, FILE *f, int format, const rep_results *r, rep_compare *c,
                      const cli_table *t)
{
    char why[400];
    if (t->metrics && rep_compare_select(c, t->metrics, why, sizeof why)) {
        fprintf(stderr, "hvwake %s: --metrics: %s\n", cmd, why);
        return HV_EXIT_USAGE;
    }
    if (format == CLI_FMT_JSON)
        rep_results_write_json(f, r, c);
    else if (format == CLI_FMT_CSV)
        rep_results_write_csv(f, r);
    else {
        rep_header h = rep_results_header(r);
        rep_compare_write_text(f, &h, c);
        if (t->explain)
            rep_compare_write_story(f, c);
    }
    return 0;
}

/* ---- signals ----
 * Not deferred: a SIGINT, SIGTERM, SIGHUP or SIGPIPE removes every
 * temporary output file (rep_out_remove_temps) and then ends the process as
 * the signal would have (default action, re-raised). Deferred (sweep's
 * parent while it waits): the signal is only recorded, and the sweep stops
 * its workers, cleans up and calls cli_signal_exit(). */
static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
static int installed[HV_ARRAY_LEN(handled)];
static volatile sig_atomic_t deferred, caught;

static void on_signal(int sig)
{
    if (deferred) {
        if (!caught)
            caught = sig;
        return;
    }
    rep_out_remove_temps();
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns (sig is blocked in it) */
}

void cli_signals_init(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < HV_ARRAY_LEN(handled); i++)
        if (!sigaction(handled[i], NULL, &old) && old.sa_handler != SIG_IGN) /* nohup, & keep theirs */
            installed[i] = !sigaction(handled[i], &sa, NULL);
    /* A file-size limit (ulimit -f) makes the write fail with EFBIG, which
     * is reported with the path, instead of killing the process. */
    signal(SIGXFSZ, SIG_IGN);
}

void cli_signals_defer(int on) { deferred = on; }

int cli_signal_caught(void) { return caught; }

void cli_signals_default(void)
{
    for (size_t i = 0; i < HV_ARRAY_LEN(handled); i++)
        if (installed[i])
            signal(handled[i], SIG_DFL);
}

void cli_signal_exit(int sig)
{
    fflush(stdout);
    deferred = 0;
    signal(sig, SIG_DFL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    raise(sig);
    exit(128 + sig); /* not reached unless the signal is ignored */
}
