/* Help texts, the manual page and the bash completion, all from the command
 * table (cli/commands.c); `hvwake help`. */
#include "cli/cli.h"

#include "base/hv.h"
#include "scn/errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cli_cmd *cli_find(const char *name)
{
    for (size_t i = 0; i < cli_ncommands; i++)
        if (!strcmp(cli_commands[i].name, name))
            return &cli_commands[i];
    return NULL;
}

/* Every option of c in order: its own, then its groups'. fn(ctx, opt). */
static void each_option(const cli_cmd *c, void (*fn)(void *, const cli_opt *), void *ctx)
{
    const int force = __builtin_ctz(CLI_G_FORCE); /* --force comes last */
    for (int g = 0; g < CLI_NGROUPS; g++)
        if (c->groups & (1u << g) && g != force)
            for (const cli_opt *o = cli_groups[g]; o->flag; o++)
                fn(ctx, o);
    for (const cli_opt *o = c->opts; o->flag; o++)
        fn(ctx, o);
    if (c->groups & CLI_G_FORCE)
        for (const cli_opt *o = cli_groups[force]; o->flag; o++)
            fn(ctx, o);
}

/* s wrapped at width, each line after the first indented by indent; the
 * first line starts at column col. */
static void wrap(FILE *f, const char *s, int col, int indent, int width)
{
    while (*s) {
        int room = width - col;
        size_t n = strlen(s);
        if ((int)n > room) {
            n = (size_t)(room > 10 ? room : 10);
            while (n > 0 && s[n] != ' ')
                n--;
            if (!n) { /* a word longer than the line */
                n = strcspn(s, " ");
            }
        }
        fprintf(f, "%.*s\n", (int)n, s);
        s += n;
        while (*s == ' ')
            s++;
        if (*s)
            fprintf(f, "%*s", indent, "");
        col = indent;
    }
}

static void help_option(void *ctx, const cli_opt *o)
{
    FILE *f = ctx;
    char left[200];
    snprintf(left, sizeof left, "  %s%s%s", o->flag, o->arg ? " " : "", o->arg ? o->arg : "");
    if (strlen(left) >= 24)
        fprintf(f, "%s\n%26s", left, "");
    else
        fprintf(f, "%-26s", left);
    wrap(f, o->help, 26, 26, 100);
}

static void print_help(FILE *f, const cli_cmd *c)
{
    fprintf(f, "usage: hvwake %s%s%s [options]\n\n", c->name, *c->args ? " " : "", c->args);
    wrap(f, c->description, 0, 0, 88);
    fputs("\noptions:\n", f);
    each_option(c, help_option, f);
    fputs("  --help, -h              this text (= hvwake help ", f);
    fprintf(f, "%s)\n", c->name);
    if (c->after) {
        fputc('\n', f);
        wrap(f, c->after, 0, 0, 88);
    }
}

int cli_help(const char *name)
{
    const cli_cmd *c = cli_find(name);
    if (!c)
        HV_DIE("command '%s' is not in the command table", name);
    print_help(stdout, c);
    return 0;
}

static void list_commands(FILE *f)
{
    for (size_t i = 0; i < cli_ncommands; i++)
        fprintf(f, "  %-13s %s\n", cli_commands[i].name, cli_commands[i].summary);
}

void cli_usage(FILE *f)
{
    fprintf(f, "usage: hvwake [--help] [--version] COMMAND [ARGS]\n\n"
               "hvwake %s: an executable, calibrated model of POWER KVM-HV VCPU wakeups.\n\ncommands:\n",
            HV_VERSION);
    list_commands(f);
    fprintf(f, "\n'hvwake help COMMAND' (= 'hvwake COMMAND --help') describes a command and its options with\n"
               "their defaults. Exit status: 0 success, 1 a model check failed, 2 bad input, 3 an output\n"
               "could not be written (or a worker was killed). Guarantees: docs/cli.md.\n");
}

typedef struct names {
    const char *v[200];
    size_t n;
} names;

static void collect(void *ctx, const cli_opt *o)
{
    names *n = ctx;
    if (n->n < 200)
        n->v[n->n++] = o->flag;
}

int cli_unknown_option(const char *cmd, const char *opt)
{
    const cli_cmd *c = cli_find(cmd);
    names n = {{0}, 0};
    if (c)
        each_option(c, collect, &n);
    n.v[n.n < 199 ? n.n : 199] = NULL;
    const char *best = n.n ? scn_suggest(opt, n.v) : NULL;
    fprintf(stderr, "hvwake %s: unknown option '%s'; ", cmd, opt);
    if (best)
        fprintf(stderr, "did you mean '%s'? ", best);
    if (!n.n)
        fprintf(stderr, "expected no option but --help");
    else {
        fputs("expected one of", stderr);
        for (size_t i = 0; i < n.n; i++)
            fprintf(stderr, " %s", n.v[i]);
    }
    fprintf(stderr, " (see hvwake %s --help)\n", cmd);
    return HV_EXIT_USAGE;
}

/* ---- the manual page ---- */

/* troff text: \ as \e, - as \-, a leading . or ' protected. */
static void roff(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (; *s; s++)
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else
            fputc(*s, f);
}

static void man_option(void *ctx, const cli_opt *o)
{
    FILE *f = ctx;
    fputs(".TP\n.B ", f);
    roff(f, o->flag);
    if (o->arg) {
        fputs(" \" \" \\fI", f);
        roff(f, o->arg);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    roff(f, o->help);
    fputc('\n', f);
}

static void man(FILE *f)
{
    fprintf(f, ".\\\" hvwake(1), generated by 'hvwake help --man' from the command table (src/cli/commands.c)\n"
               ".TH HVWAKE 1 \"\" \"hvwake %s\" \"User Commands\"\n.SH NAME\nhvwake \\- an executable, calibrated "
               "model of POWER KVM\\-HV VCPU wakeups\n.SH SYNOPSIS\n.B hvwake\n[\\fB\\-\\-help\\fR] "
               "[\\fB\\-\\-version\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n.SH DESCRIPTION\n",
            HV_VERSION);
    roff(f, "hvwake models how a POWER8 KVM-HV (Book3S HV) host wakes virtual CPUs: the XICS interrupt controller "
            "as KVM emulates it, real-mode and virtual-mode hypercalls, whole-core guest entry and exit, "
            "cede/nap/kick/prod, halt polling, the host scheduler, and the wakeup mechanisms M1 (H_IPI redirect), "
            "M2 (host/guest IPI differentiation) and M3 (secondary threads online). Same seed and inputs give "
            "byte-identical output.");
    fputs("\n.SH COMMANDS\n", f);
    for (size_t i = 0; i < cli_ncommands; i++) {
        const cli_cmd *c = &cli_commands[i];
        fputs(".SS \"hvwake ", f);
        roff(f, c->name);
        if (*c->args) {
            fputc(' ', f);
            roff(f, c->args);
        }
        fputs(" [options]\"\n", f);
        roff(f, c->description);
        fputc('\n', f);
        each_option(c, man_option, f);
        if (c->after) {
            fputs(".PP\n", f);
            roff(f, c->after);
            fputc('\n', f);
        }
    }
    fputs(".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\nthe model failed a check (an invariant or a conservation "
          "law)\n.TP\n2\nbad input: file:line: what is wrong; what was expected\n.TP\n3\nan output could not be "
          "written, or a worker of sweep or compare was killed by a signal\n.SH SEE ALSO\n",
          f);
    roff(f, "docs/cli.md (commands and guarantees), docs/cluster.md (sweeps on Slurm, GNU parallel, Kubernetes), "
            "docs/scenarios.md, docs/metrics.md in the source tree.");
    fputc('\n', f);
}

/* ---- bash completion ---- */

static void comp_words(void *ctx, const cli_opt *o)
{
    FILE *f = ctx;
    fprintf(f, " %s", o->flag);
}

/* The first word of every command once ("bench" for bench phold and bench
 * hcall); with `after`, the second words of the commands starting with it. */
static void first_words(FILE *f, const char *after)
{
    for (size_t i = 0; i < cli_ncommands; i++) {
        const char *n = cli_commands[i].name;
        size_t l = strcspn(n, " ");
        if (after) {
            if (n[l] && strlen(after) == l && !strncmp(n, after, l))
                fprintf(f, " %s", n + l + 1);
            continue;
        }
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcspn(cli_commands[k].name, " ") == l && !strncmp(cli_commands[k].name, n, l);
        if (!seen)
            fprintf(f, " %.*s", (int)l, n);
    }
}

/* The completion of an option's value: files, directories, keys for --set,
 * the choices of "a|b|c", nothing for a number. */
static void comp_value(void *ctx, const cli_opt *o)
{
    FILE *f = ((void **)ctx)[0];
    const cli_cmd *c = ((void **)ctx)[1];
    const char *a = o->arg;
    if (!a)
        return;
    fprintf(f, "    \"%s %s\") ", c->name, o->flag);
    if (!strcmp(o->flag, "--set"))
        fputs("compopt -o nospace 2>/dev/null; COMPREPLY=($(compgen -W \"$(hvwake keys 2>/dev/null | awk '$1 ~ "
              "/^[a-z_]+\\.[a-z_.*]+$/ {print $1\"=\"}')\" -- \"$cur\"))",
              f);
    else if (!strcmp(a, "DIR"))
        fputs("COMPREPLY=($(compgen -d -- \"$cur\"))", f);
    else if (!strncmp(a, "FILE", 4))
        fputs("COMPREPLY=($(compgen -f -- \"$cur\"))", f);
    else if (strchr(a, '|')) {
        fputs("COMPREPLY=($(compgen -W \"", f);
        for (const char *p = a; *p; p++)
            fputc(*p == '|' ? ' ' : *p, f);
        fputs("\" -- \"$cur\"))", f);
    } else
        fputs("COMPREPLY=()", f);
    fputs("; return ;;\n", f);
}

static void completion(FILE *f)
{
    fprintf(f, "# bash completion for hvwake %s, generated by 'hvwake help --completion' from the command table\n"
               "# (src/cli/commands.c). Installed by cmake --install as share/bash-completion/completions/hvwake.\n"
               "_hvwake() {\n    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
               "    local cmd=\"${COMP_WORDS[1]}\"\n"
               "    [ \"$cmd\" = bench ] && cmd=\"bench ${COMP_WORDS[2]}\"\n"
               "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n        COMPREPLY=($(compgen -W \"--help --version",
            HV_VERSION);
    first_words(f, NULL);
    fputs("\" -- \"$cur\"))\n        return\n    fi\n"
          "    if [ \"${COMP_WORDS[1]}\" = bench ] && [ \"$COMP_CWORD\" -eq 2 ]; then\n"
          "        COMPREPLY=($(compgen -W \"",
          f);
    first_words(f, "bench");
    fputs("\" -- \"$cur\"))\n        return\n    fi\n    case \"$cmd $prev\" in\n", f);
    for (size_t i = 0; i < cli_ncommands; i++) {
        void *ctx[2] = {f, (void *)&cli_commands[i]};
        each_option(&cli_commands[i], comp_value, ctx);
    }
    fputs("    esac\n    local opts=\"--help\"\n    case \"$cmd\" in\n", f);
    for (size_t i = 0; i < cli_ncommands; i++) {
        const cli_cmd *c = &cli_commands[i];
        fprintf(f, "    \"%s\") opts=\"--help", c->name);
        each_option(c, comp_words, f);
        fputs("\" ;;\n", f);
    }
    fputs("    esac\n    if [[ \"$cur\" == -* ]]; then\n        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
          "    elif [ \"$cmd\" = help ]; then\n        COMPREPLY=($(compgen -W \"",
          f);
    first_words(f, NULL);
    fputs("\" -- \"$cur\"))\n    else\n        case \"$cmd\" in\n", f);
    for (size_t i = 0; i < cli_ncommands; i++)
        if (strstr(cli_commands[i].args, "NAME|FILE"))
            fprintf(f, "        \"%s\") COMPREPLY=($(compgen -W \"$(hvwake scenarios 2>/dev/null | awk '{print "
                       "$1}')\" -- \"$cur\") $(compgen -f -- \"$cur\")) ;;\n",
                    cli_commands[i].name);
    fputs("        *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n        esac\n    fi\n}\n"
          "complete -F _hvwake hvwake\n",
          f);
}

int cmd_help(int argc, char **argv)
{
    if (argc == 1) {
        cli_usage(stdout);
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "--man") || !strcmp(argv[1], "--completion"))) {
        (argv[1][2] == 'm' ? man : completion)(stdout);
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
        return cli_help("help");
    char name[64];
    snprintf(name, sizeof name, "%s%s%s", argv[1], argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
    if (argc <= 3 && cli_find(name))
        return cli_help(name);
    if (argv[1][0] == '-')
        return cli_unknown_option("help", argv[1]);
    fprintf(stderr, "hvwake help: no command '%s'; expected one of:", name);
    for (size_t i = 0; i < cli_ncommands; i++)
        fprintf(stderr, " %s%s", cli_commands[i].name, i + 1 < cli_ncommands ? "," : "");
    fputc('\n', stderr);
    return HV_EXIT_USAGE;
}
