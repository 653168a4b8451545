/* hvwake — entry point and subcommand table. See cli/cli.h. */
#include "cli/cli.h"

#include "base/hv.h"
#include "report/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    rep_out_stdout_init();
    if (argc < 2) {
        cli_usage(stderr);
        return HV_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        cli_usage(stdout);
        return cli_stdout_check("--help");
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hvwake %s (source %s)\n", HV_VERSION, hv_source());
        return cli_stdout_check("--version");
    }
    /* A command of two words ("bench hcall") takes argv from its second. */
    char two[128];
    snprintf(two, sizeof two, "%s %s", argv[1], argc > 2 ? argv[2] : "");
    const cli_cmd *c = argc > 2 ? cli_find(two) : NULL;
    int skip = c ? 2 : 1;
    if (!c)
        c = cli_find(argv[1]);
    if (c) {
        /* Every command's standard output is checked once it is done: a
         * table that did not reach a full disk is an error (a command that
         * failed has said why already). */
        int rc = c->fn(argc - skip, argv + skip);
        return rc ? rc : cli_stdout_check(c->name);
    }
    /* "hvwake bench" alone, or with something else: the commands it starts. */
    size_t l = strlen(argv[1]);
    int group = 0;
    for (size_t i = 0; i < cli_ncommands; i++)
        group |= !strncmp(cli_commands[i].name, argv[1], l) && cli_commands[i].name[l] == ' ';
    if (group && argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
        for (size_t i = 0; i < cli_ncommands; i++)
            if (!strncmp(cli_commands[i].name, argv[1], l) && cli_commands[i].name[l] == ' ')
                printf("  hvwake %-12s %s\n", cli_commands[i].name, cli_commands[i].summary);
        return cli_stdout_check(argv[1]);
    }
    if (group && argc > 2)
        fprintf(stderr, "hvwake %s: unknown command '%s'; expected one of:", argv[1], argv[2]);
    else if (group)
        fprintf(stderr, "hvwake %s: no command; expected one of:", argv[1]);
    else
        fprintf(stderr, "hvwake: unknown command '%s'; expected one of:", argv[1]);
    for (size_t i = 0; i < cli_ncommands; i++)
        if (!group || (!strncmp(cli_commands[i].name, argv[1], l) && cli_commands[i].name[l] == ' '))
            fprintf(stderr, " %s", cli_commands[i].name);
    fprintf(stderr, " (see hvwake --help)\n");
    return HV_EXIT_USAGE;
}
