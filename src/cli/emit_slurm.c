/* hvwake sweep --emit-slurm DIR: the sweep as a Slurm job array; see
 * cli/emit_slurm.h. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli/emit_slurm.h"

#include "base/hv.h"
#include "report/outfile.h"
#include "report/output.h"
#include "report/results.h"
#include "scn/scenario.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_ARRAY = 1000 }; /* Slurm's default MaxArraySize is 1001: indexes 1..1000 */

/* Slurm's time limit formats (sbatch --time): M, M:S, H:M:S, D-H, D-H:M,
 * D-H:M:S: an optional DAYS- and then one to three fields of digits
 * separated by ':'. */
static int slurm_time_ok(const char *t)
{
    const char *dash = strchr(t, '-');
    if (dash && (dash == t || strspn(t, "0123456789") != (size_t)(dash - t)))
        return 0;
    const char *p = dash ? dash + 1 : t;
    for (int fields = 1;; fields++) {
        size_t d = strspn(p, "0123456789");
        if (!d || fields > 3)
            return 0;
        p += d;
        if (!*p)
            return 1;
        if (*p++ != ':')
            return 0;
    }
}

int cli_emit_check(const cli_emit *e)
{
    if (e->time && !slurm_time_ok(e->time)) {
        fprintf(stderr, "hvwake sweep: option --time: '%s' is not a Slurm time limit; expected MINUTES, MM:SS, "
                "HH:MM:SS, DAYS-HH, DAYS-HH:MM or DAYS-HH:MM:SS\n", e->time);
        return HV_EXIT_USAGE;
    }
    if (e->partition && (!e->partition[0] || strspn(e->partition, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                   "0123456789_.,-") != strlen(e->partition))) {
        fprintf(stderr, "hvwake sweep: option --partition: '%s' is not a partition name; expected letters, digits "
                "and _ . - (a comma between several)\n", e->partition);
        return HV_EXIT_USAGE;
    }
    if (e->shards > e->njob) {
        fprintf(stderr, "hvwake sweep: option --shards: %llu shards for %zu jobs; expected at most %zu (a shard "
                "with no job)\n", (unsigned long long)e->shards, e->njob, e->njob);
        return HV_EXIT_USAGE;
    }
    return 0;
}

/* s as one shell word: as it is when it holds only characters no shell
 * treats specially, else '...' with each ' as '\''. */
static void sh_word(FILE *f, const char *s)
{
    if (s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,@+%-") == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* The absolute, resolved path of a directory that exists, into buf. */
static int absdir(const char *flag, const char *dir, char *buf)
{
    if (realpath(dir, buf))
        return 0;
    fprintf(stderr, "hvwake sweep: %s '%s': %s\n", flag, dir, strerror(errno));
    return HV_EXIT_IO;
}

/* DIR's absolute path goes into #SBATCH lines. 0 or HV_EXIT_USAGE. */
static int sbatch_path(const char *typed, const char *abs)
{
    if (!strpbrk(abs, " \t\n\r'\"\\%"))
        return 0;
    fprintf(stderr, "hvwake sweep: --emit-slurm %s: its path '%s' holds a blank, quote, backslash or %% that #SBATCH "
            "lines cannot carry; expected another directory\n", typed, abs);
    return HV_EXIT_USAGE;
}

/* OUT must hold no results: a shard file or merged.txt. */
static int out_empty(const char *out, const char *dir)
{
    DIR *d = opendir(out); /* as typed: the message names it so */
    if (!d)
        return 0;
    struct dirent *de;
    char name[300] = "";
    while (!name[0] && (de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if ((!strncmp(de->d_name, "shard-", 6) && l > 4 && !strcmp(de->d_name + l - 4, ".csv")) ||
            !strcmp(de->d_name, "merged.txt"))
            snprintf(name, sizeof name, "%s", de->d_name);
    }
    closedir(d);
    if (!name[0])
        return 0;
    fprintf(stderr, "hvwake sweep: --out %s holds results already (%s); expected a new results directory (the "
            "array's tasks never replace a shard; %s/submit.sh SHARDS re-runs shards of an emitted sweep)\n", out,
            name, dir);
    return HV_EXIT_USAGE;
}

/* The frozen scenario: the base as a scenario file. Read back as DIR's
 * copy would be, it must give every value of the base. */
static int freeze(const cli_emit *e, const char *path, char **text, size_t *len)
{
    FILE *m = open_memstream(text, len);
    if (!m)
        HV_DIE("open_memstream failed (out of memory)");
    fprintf(m, "# the base configuration of a sweep emitted for Slurm by hvwake %s (source %s): '%s' with its "
            "--set options; each value is followed by where it came from\n", HV_VERSION, hv_source(),
            scn_source(e->base));
    if (scn_description(e->base)[0])
        fprintf(m, "# %s\n", scn_description(e->base));
    fputc('\n', m);
    scn_write_ini(e->base, m);
    fclose(m);
    struct scenario back;
    scn_init(&back);
    scn_errors er;
    scn_errors_init(&er);
    int bad = scn_load_buffer(&back, path, *text, *len, cli_parse_opts(), &er) || scn_validate(&back, &er);
    rep_config want, got;
    rep_config_init(&want);
    rep_config_init(&got);
    scn_visit(e->base, rep_config_visit, &want);
    scn_visit(&back, rep_config_visit, &got);
    if (bad)
        scn_errors_print(&er, stderr, "hvwake sweep: ");
    for (size_t i = 0; !bad && i < want.n; i++)
        if (i >= got.n || strcmp(want.v[i].name, got.v[i].name) || strcmp(want.v[i].text, got.v[i].text)) {
            fprintf(stderr, "hvwake sweep: %s = %s, but %s reads back as %s = %s\n", want.v[i].name, want.v[i].text,
                    path, i < got.n ? got.v[i].name : "nothing", i < got.n ? got.v[i].text : "");
            bad = 1;
        }
    if (!bad && got.n != want.n) {
        fprintf(stderr, "hvwake sweep: %s reads back with %zu values, the base has %zu\n", path, got.n, want.n);
        bad = 1;
    }
    if (bad)
        fprintf(stderr, "hvwake sweep: the frozen scenario does not give the sweep's configuration; expected the same "
                "values (a bug: please report it)\n");
    rep_config_free(&want);
    rep_config_free(&got);
    scn_errors_free(&er);
    scn_free(&back);
    return bad ? HV_EXIT_CHECK : 0;
}

/* The version line the scripts check: the copy must be this binary. */
static void version_check(FILE *f)
{
    fprintf(f, "version='hvwake %s (source %s)'\n", HV_VERSION, hv_source());
    fprintf(f, "[ \"$(\"$dir/hvwake\" --version)\" = \"$version\" ] || {\n"
               "    echo \"$0: $dir/hvwake is not $version (the binary the scripts were emitted with)\" >&2; exit 2; }\n");
}

static void head(FILE *f, const cli_emit *e, const char *what)
{
    fprintf(f, "#!/bin/sh\n# %s\n# Emitted by hvwake %s (source %s) from: hvwake", what, HV_VERSION, hv_source());
    for (int i = 0; i < e->argc; i++) {
        fputc(' ', f);
        sh_word(f, e->argv[i]);
    }
    fputc('\n', f);
}

static void sbatch_common(FILE *f, const cli_emit *e)
{
    if (e->partition)
        fprintf(f, "#SBATCH --partition=%s\n", e->partition);
    if (e->time)
        fprintf(f, "#SBATCH --time=%s\n", e->time);
}

static void write_sweep(FILE *f, const cli_emit *e, const char *dir, const char *out, uint64_t n, uint64_t cpus)
{
    head(f, e, "The sweep as a Slurm job array: task I runs shard I of N (hvwake sweep --shard I/N).");
    fprintf(f, "#SBATCH --job-name=hvwake-sweep\n#SBATCH --array=1-%llu\n#SBATCH --cpus-per-task=%llu\n"
               "#SBATCH --output=%s/logs/sweep-%%A-%%a.out\n",
            (unsigned long long)n, (unsigned long long)cpus, dir);
    sbatch_common(f, e);
    fprintf(f, "set -u\ndir=");
    sh_word(f, dir);
    fputc('\n', f);
    version_check(f);
    fprintf(f, ": \"${SLURM_ARRAY_TASK_ID:?is not set; expected a job array task (sbatch --array=1-%llu, or "
               "$dir/submit.sh)}\"\n",
            (unsigned long long)n);
    fprintf(f, "exec \"$dir/hvwake\" sweep \"$dir/scenario.ini\"");
    for (size_t k = 0; k < e->a->nvary; k++) {
        fputs(" --vary ", f);
        sh_word(f, e->a->vary[k]);
    }
    for (size_t k = 0; k < e->a->nvariant; k++) {
        fputs(" --variant ", f);
        sh_word(f, e->a->variant[k]);
    }
    fprintf(f, " --replications %zu --out ", e->reps);
    sh_word(f, out);
    fprintf(f, " --shard \"$SLURM_ARRAY_TASK_ID/%llu\" --jobs \"${SLURM_CPUS_PER_TASK:-%llu}\"\n",
            (unsigned long long)n, (unsigned long long)cpus);
}

static void write_merge(FILE *f, const cli_emit *e, const char *dir, const char *out, uint64_t n)
{
    head(f, e, "The merge of the sweep's shards, once every array task has ended (submit.sh submits it so).");
    fprintf(f, "#SBATCH --job-name=hvwake-merge\n#SBATCH --cpus-per-task=1\n#SBATCH --output=%s/logs/merge-%%j.out\n",
            dir);
    sbatch_common(f, e);
    fprintf(f, "set -u\ndir=");
    sh_word(f, dir);
    fprintf(f, "\nout=");
    sh_word(f, out);
    fputc('\n', f);
    version_check(f);
    fprintf(f, "missing=\ni=1\nwhile [ \"$i\" -le %llu ]; do\n"
               "    [ -e \"$(printf '%%s/shard-%%04d-of-%%04d.csv' \"$out\" \"$i\" %llu)\" ] || missing=\"${missing:+$missing,}$i\"\n"
               "    i=$((i + 1))\ndone\n",
            (unsigned long long)n, (unsigned long long)n);
    fprintf(f, "\"$dir/hvwake\" merge \"$out\" -o \"$out/merged.txt\" && { echo \"hvwake: the table is in "
               "$out/merged.txt\"; exit 0; }\n"
               "status=$?\n"
               "[ -z \"$missing\" ] || echo \"hvwake: shards $missing of %llu did not complete; re-run only them: "
               "$dir/submit.sh $missing\" >&2\n"
               "exit $status\n",
            (unsigned long long)n);
}

static void write_submit(FILE *f, const cli_emit *e, const char *dir, const char *out, uint64_t n)
{
    head(f, e, "Submits the sweep's job array, then its merge with --dependency=afterany on the array.");
    fprintf(f, "# usage: submit.sh [SHARDS]   SHARDS (e.g. 3,7-9): only these (re-run those that failed)\n"
               "set -eu\ndir=");
    sh_word(f, dir);
    fprintf(f, "\nout=");
    sh_word(f, out);
    fprintf(f, "\n[ $# -le 1 ] || { echo \"usage: $0 [SHARDS]\" >&2; exit 2; }\n"
               "sweep=$(sbatch --parsable ${1:+--array=\"$1\"} \"$dir/sweep.sbatch\")\n"
               "sweep=${sweep%%%%;*}\n"
               "merge=$(sbatch --parsable --dependency=afterany:\"$sweep\" \"$dir/merge.sbatch\")\n"
               "merge=${merge%%%%;*}\n"
               "echo \"hvwake: job array $sweep runs shards ${1:-1-%llu} of %llu into $out; job $merge merges them "
               "into $out/merged.txt once they end (logs: $dir/logs)\"\n",
            (unsigned long long)n, (unsigned long long)n);
}

/* The running binary's bytes into f. 0 or HV_EXIT_IO. */
static int copy_self(FILE *f)
{
    FILE *in = fopen("/proc/self/exe", "rb");
    if (!in) {
        fprintf(stderr, "hvwake sweep: cannot read the running binary (/proc/self/exe): %s\n", strerror(errno));
        return HV_EXIT_IO;
    }
    char buf[1 << 16];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, k, f);
    int bad = ferror(in);
    fclose(in);
    if (bad) {
        fprintf(stderr, "hvwake sweep: cannot read the running binary (/proc/self/exe)\n");
        return HV_EXIT_IO;
    }
    return 0;
}

int cli_emit_slurm(const cli_emit *e)
{
    uint64_t n = e->shards ? e->shards : e->njob < MAX_ARRAY ? e->njob : MAX_ARRAY;
    uint64_t cpus = e->cpus ? e->cpus : 1;
    char dir[PATH_MAX], out[PATH_MAX], logs[PATH_MAX + 8], cwd[PATH_MAX], lex[2 * PATH_MAX + 2];
    /* DIR as written, made absolute (before anything is created), then
     * resolved (symbolic links) */
    if (e->dir[0] == '/' || !getcwd(cwd, sizeof cwd))
        cwd[0] = 0;
    snprintf(lex, sizeof lex, "%s%s%.*s", cwd, cwd[0] ? "/" : "", PATH_MAX, e->dir);
    int rc = sbatch_path(e->dir, lex);
    if (!rc)
        rc = cli_mkdirs("sweep", e->dir);
    if (!rc)
        rc = absdir("--emit-slurm", e->dir, dir);
    if (!rc)
        rc = sbatch_path(e->dir, dir);
    if (!rc) {
        snprintf(logs, sizeof logs, "%s/logs", dir);
        rc = cli_mkdirs("sweep", logs);
    }
    if (!rc)
        rc = cli_mkdirs("sweep", e->out);
    if (!rc)
        rc = absdir("--out", e->out, out);
    if (!rc)
        rc = out_empty(e->out, e->dir);
    char *text = NULL;
    size_t len = 0;
    char scn_path[PATH_MAX + 16];
    snprintf(scn_path, sizeof scn_path, "%s/scenario.ini", dir);
    if (!rc)
        rc = freeze(e, scn_path, &text, &len);
    static const char *const names[] = {"hvwake", "scenario.ini", "sweep.sbatch", "merge.sbatch", "submit.sh"};
    enum { NOUT = 5 };
    rep_out o[NOUT] = {{0}};
    for (size_t i = 0; i < NOUT && !rc; i++) {
        char p[PATH_MAX + 32];
        snprintf(p, sizeof p, "%s/%s", e->dir, names[i]);
        int exec = i != 1;
        rc = cli_out_open("sweep", &o[i], p, (e->force ? 0 : REP_OUT_NOREPLACE) | (exec ? REP_OUT_EXEC : 0));
    }
    if (!rc)
        rc = copy_self(o[0].f);
    if (!rc) {
        fwrite(text, 1, len, o[1].f);
        write_sweep(o[2].f, e, dir, out, n, cpus);
        write_merge(o[3].f, e, dir, out, n);
        write_submit(o[4].f, e, dir, out, n);
        rc = cli_outs_commit("sweep", o, NOUT);
    } else
        cli_outs_abort(o, NOUT);
    free(text);
    if (!rc)
        fprintf(stderr, "hvwake sweep: %zu jobs in %llu shards of a Slurm job array written to %s (sweep.sbatch, "
                "merge.sbatch, submit.sh, scenario.ini, hvwake); %s/submit.sh submits it, the table will be in "
                "%s/merged.txt\n", e->njob, (unsigned long long)n, e->dir, e->dir, e->out);
    return rc;
}
