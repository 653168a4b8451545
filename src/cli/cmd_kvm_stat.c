/*
 * hvwake kvm-stat — `perf kvm stat report` for POWER from a kvm_hv trace
 * (report/perfkvm.h): hvwake's (--trace F or F.dat) or a real host's.
 *
 * A trace.dat is read through `trace-cmd report -t` run as a child process
 * (its nanosecond timestamps); trace-cmd is looked up in PATH when one is
 * given, and its absence is an error that says so. Text (the trace file,
 * `trace-cmd report` output, "-" for standard input) is read directly.
 */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/perfkvm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int is_tracedat(FILE *f)
{
    char magic[10];
    size_t n = fread(magic, 1, sizeof magic, f);
    rewind(f);
    return n == sizeof magic && !memcmp(magic, "\027\010Dtracing", sizeof magic);
}

/* `trace-cmd report -t -i path` as a child; *pid its process, NULL if it
 * could not be started (errno). */
static FILE *trace_cmd(const char *path, pid_t *pid)
{
    int fd[2];
    if (pipe(fd))
        return NULL;
    *pid = fork();
    if (*pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return NULL;
    }
    if (*pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execlp("trace-cmd", "trace-cmd", "report", "-t", "-i", path, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    return fdopen(fd[0], "r");
}

/* Feed every line of in; 0 or HV_EXIT_USAGE with file:line: on stderr. */
static int feed(rep_pkvm *a, FILE *in, const char *name)
{
    char *buf = NULL, err[256];
    size_t cap = 0, lineno = 0;
    int rc = 0;
    while (!rc && getline(&buf, &cap, in) >= 0) {
        lineno++;
        if (rep_pkvm_line(a, buf, err, sizeof err)) {
            fprintf(stderr, "hvwake kvm-stat: %s:%zu: %s\n", name, lineno, err);
            rc = HV_EXIT_USAGE;
        }
    }
    if (!rc && ferror(in)) {
        fprintf(stderr, "hvwake kvm-stat: cannot read '%s': %s\n", name, strerror(errno));
        rc = HV_EXIT_USAGE;
    }
    free(buf);
    return rc;
}

static int read_trace(rep_pkvm *a, const char *path)
{
    if (!strcmp(path, "-"))
        return feed(a, stdin, "standard input");
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "hvwake kvm-stat: cannot open '%s': %s\n", path, strerror(errno));
        return HV_EXIT_USAGE;
    }
    if (!is_tracedat(f)) {
        int rc = feed(a, f, path);
        fclose(f);
        return rc;
    }
    fclose(f);
    pid_t pid;
    FILE *in = trace_cmd(path, &pid);
    if (!in) {
        fprintf(stderr, "hvwake kvm-stat: cannot run trace-cmd: %s\n", strerror(errno));
        return HV_EXIT_USAGE;
    }
    char name[300];
    snprintf(name, sizeof name, "%s (trace-cmd report)", path);
    int rc = feed(a, in, name), status = 0;
    fclose(in);
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            fprintf(stderr, "hvwake kvm-stat: '%s' is a trace.dat; reading it needs trace-cmd, which is not "
                            "installed (apt-get install trace-cmd), or give the text of `trace-cmd report`\n",
                    path);
        else
            fprintf(stderr, "hvwake kvm-stat: trace-cmd report -i '%s' failed (status %d)\n", path,
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return HV_EXIT_USAGE;
    }
    return rc;
}

int cmd_kvm_stat(int argc, char **argv)
{
    const char *path = NULL, *event = NULL, *vcpu_arg = NULL, *key = NULL;
    int rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h"))
            return cli_help("kvm-stat");
        const char **slot = !strcmp(o, "--event") ? &event : !strcmp(o, "--vcpu") ? &vcpu_arg
                            : !strcmp(o, "--key") ? &key : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hvwake kvm-stat: option %s needs a value; see hvwake kvm-stat --help\n", o);
                rc = HV_EXIT_USAGE;
            } else {
                rc = cli_once("kvm-stat", o, slot, argv[++i]);
            }
        } else if (o[0] == '-' && o[1]) {
            rc = cli_unknown_option("kvm-stat", o);
        } else if (path) {
            fprintf(stderr, "hvwake kvm-stat: one trace at a time: '%s' and '%s'\n", path, o);
            rc = HV_EXIT_USAGE;
        } else {
            path = o;
        }
    }
    if (!rc && !path) {
        fprintf(stderr, "hvwake kvm-stat: no trace; expected FILE (see hvwake kvm-stat --help)\n");
        rc = HV_EXIT_USAGE;
    }
    int events = REP_PKVM_ALL, sort = REP_PKVM_KEY_SAMPLE;
    if (!rc && event) {
        events = !strcmp(event, "vmexit") ? REP_PKVM_VMEXIT : !strcmp(event, "hcall") ? REP_PKVM_HCALL : 0;
        if (!events) {
            fprintf(stderr, "hvwake kvm-stat: option --event: '%s'; expected vmexit or hcall\n", event);
            rc = HV_EXIT_USAGE;
        }
    }
    if (!rc && key) {
        sort = !strcmp(key, "sample") ? REP_PKVM_KEY_SAMPLE : !strcmp(key, "time") ? REP_PKVM_KEY_TIME : -1;
        if (sort < 0) {
            fprintf(stderr, "hvwake kvm-stat: option --key: '%s'; expected sample or time\n", key);
            rc = HV_EXIT_USAGE;
        }
    }
    uint64_t vcpu = 0;
    if (!rc && vcpu_arg)
        rc = cli_parse_u64("kvm-stat", "--vcpu", vcpu_arg, 0, 1u << 20, &vcpu);
    if (rc)
        return rc;
    rep_pkvm *a = rep_pkvm_new(vcpu_arg ? (int)vcpu : -1);
    rc = read_trace(a, path);
    if (!rc && !rep_pkvm_events(a)) {
        fprintf(stderr, "hvwake kvm-stat: '%s' has no kvm_hv events; expected a trace of kvm_guest_enter/exit "
                        "and kvm_hcall_enter/exit (trace-cmd record -e kvm_hv, or hvwake run --trace)\n",
                path);
        rc = HV_EXIT_USAGE;
    }
    if (!rc)
        rep_pkvm_report(a, events, sort, stdout);
    rep_pkvm_free(a);
    return rc;
}
