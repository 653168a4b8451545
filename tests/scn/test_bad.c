/* The bad-input corpus (tests/scn/bad): every file fails with the expected
 * "file:line: what is wrong; what was expected" message, and so does every
 * bad --set. A file added to the folder without an expectation fails here.
 * An expectation is the whole first message after "DIR/" (exact: the
 * message is exactly that), or for the include cycles, whose messages hold
 * real paths, its beginning. tests/scn/bad_cli.sh runs the files that use
 * only [sim] through the hvwake program (exit status 2). */
#include "scn/scenario.h"
#include "tap.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static const struct {
    const char *file, *msg;
} corpus[] = {
    /* Issue 18: no silent clamping, UTF-8, BOM, long text, error bound. */
    {"underflow.ini", "underflow.ini:2: fake.gain: '1e-400' is too small for a double (not 0 but below 2.2250738585072014e-308: it would be stored as 0); expected 0 or a number in [0, 10]"},
    {"negative_zero.ini", "negative_zero.ini:2: fake.offset: '-0' is a negative zero; expected 0 without a sign, or an integer in [-100, 100]"},
    {"overflow.ini", "overflow.ini:2: fake.gain: '1e999' is too large for a double (above 1.7976931348623157e+308); expected a number in [0, 10]"},
    {"lone_cr.ini", "lone_cr.ini:2: carriage return not followed by a line feed (offset 15); expected LF or CRLF line ends"},
    {"latin1_label.ini", "latin1_label.ini:3: invalid UTF-8 (byte 0xe9 at offset 55); expected UTF-8 text"},
    {"bom_then_error.ini", "bom_then_error.ini:3: sim.seed: 'abc' is not an unsigned integer; expected an integer in [0, 18446744073709551615]"},
    {"long_value.ini", "long_value.ini:2: sim.duration: unknown unit 'minutes' in '111111111111111111111111111111111111111111111111111111111111...(908 bytes)'; expected a time with a unit ns, us, ms or s (e.g. 100ms)"},
    {"long_number.ini", "long_number.ini:3: fake.gain: 12.5000000000000000000000000000000000000000000000000000000000000000000 is out of range; expected a number in [0, 10]"},
    {"many_errors.ini", "many_errors.ini:2: unknown key 'k1' in [sim]; expected one of: seed run replications duration warmup checks label description (hvwake keys)"},

    {"unknown_section.ini", "unknown_section.ini:1: unknown section [simm]; did you mean [sim]?"},
    {"unknown_key.ini", "unknown_key.ini:3: unknown key 'durration' in [sim]; did you mean 'duration'?"},
    {"wrong_type.ini", "wrong_type.ini:2: sim.seed: 'abc' is not an unsigned integer; expected an integer in [0, 18446744073709551615]"},
    {"out_of_range.ini", "out_of_range.ini:2: sim.replications: 0 is out of range; expected an integer in [1, 100000]"},
    {"missing_unit.ini", "missing_unit.ini:2: sim.duration: missing unit in '100'; expected a time with a unit ns, us, ms or s (e.g. 100ms)"},
    {"wrong_unit.ini", "wrong_unit.ini:2: sim.duration: unknown unit 'min' in '100min'; expected a time with a unit ns, us, ms or s (e.g. 100ms)"},
    {"fractional_ns.ini", "fractional_ns.ini:2: sim.duration: '0.5ns' is not a whole number of nanoseconds; expected a time with a unit ns, us, ms or s (e.g. 100ms)"},
    {"duplicate_key.ini", "duplicate_key.ini:4: duplicate key 'seed' in [sim] (first set at line 2); expected each key once per section in a file"},
    {"include_cycle_a.ini", "include_cycle_b.ini:2: include cycle: 'include_cycle_a.ini' is already being read"},
    {"include_cycle_b.ini", "include_cycle_a.ini:1: include cycle: 'include_cycle_b.ini' is already being read"},
    {"missing_include.ini", "missing_include.ini:1: cannot include 'does_not_exist.ini': no such file; expected a readable scenario file"},
    {"binary.ini", "binary.ini:3: binary data (byte 0x00 at offset 15); expected a text scenario file"},
    {"long_line.ini", "long_line.ini:2: line is 1108 bytes long; expected at most 1024"},
    {"trailing_garbage.ini", "trailing_garbage.ini:1: trailing characters 'seed = 1' after the section header; expected end of line or a comment"},
    {"bad_enum.ini", "bad_enum.ini:2: fake.policy: 'best' is not a valid choice; expected upstream, nearest or oracle"},
    {"bad_bool.ini", "bad_bool.ini:2: sim.checks: 'maybe' is not a boolean; expected true, false, 1, 0, on or off"},
    {"vm_does_not_fit.ini", "vm_does_not_fit.ini:8: vm.web.vcpus = 4: the VM does not fit the machine (10 VCPUs in all, 8 threads); expected at most 2 VCPUs"},
    {"no_instance.ini", "no_instance.ini:1: section [vm] needs an instance name; expected [vm \"NAME\"]"},
    {"unterminated_quote.ini", "unterminated_quote.ini:2: unterminated quoted value; expected a closing '\"'"},
    {"key_outside_section.ini", "key_outside_section.ini:1: key 'seed' outside any section; expected a [section] header first (or 'include = FILE')"},
};

static void t_corpus(void)
{
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, corpus[i].file);
        struct scenario s;
        scn_errors e;
        scn_errors_init(&e);
        int rc = scn_build(&s, path, NULL, 0, NULL, &e);
        TAP_EQ(rc, -7);
        char want[700];
        snprintf(want, sizeof want, "%s/%s", dir, corpus[i].msg);
        const char *got = e.n ? e.msg[0] : "(no error)";
        if (strncmp(corpus[i].file, "include_cycle", 13))
            TAP_STREQ(got, want);
        else
            TAP_CHECK(!strncmp(got, want, strlen(want)));
        /* Stopped at the bound (many_errors.ini), or every error kept. */
        TAP_EQ(e.stopped, !strcmp(corpus[i].file, "many_errors.ini"));
        TAP_EQ(e.dropped, 0);
        scn_errors_free(&e);
        scn_free(&s);
    }
}

static void t_every_file_covered(void)
{
    DIR *d = opendir(dir);
    TAP_CHECK(d != NULL);
    if (!d)
        return;
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        files++;
        int found = 0;
        for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++)
            found |= !strcmp(corpus[i].file, de->d_name);
        if (!found)
            printf("#   %s has no expected message\n", de->d_name);
        TAP_CHECK(found);
    }
    closedir(d);
    TAP_EQ(files, sizeof corpus / sizeof corpus[0]);
}

static void t_bad_set(void)
{
    static const struct {
        const char *set, *msg;
    } sets[] = {
        {"sim.durration=5ms", "--set sim.durration=5ms: unknown key 'durration' in [sim]; did you mean 'duration'?"},
        {"sim.duration=5", "--set sim.duration=5: missing unit in '5'"},
        {"sim.seed=-1", "--set sim.seed=-1: '-1' is not an unsigned integer"},
        {"sim.replications=100001", "--set sim.replications=100001: 100001 is out of range; expected an integer in [1, 100000]"},
        {"sim", "--set sim: cannot parse the assignment; expected section.key=value"},
        {"sin.seed=1", "--set sin.seed=1: unknown section 'sin'; did you mean 'sim'?"},
        {"vm.nope.vcpus=1", "no [vm \"nope\"] in the scenario"},
        {"cost.rm_entry=1us", "cost.rm_entry: no cost table is built into this program"},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        struct scenario s;
        scn_errors e;
        scn_errors_init(&e);
        const char *one[] = {sets[i].set};
        TAP_EQ(scn_build(&s, "smoke", one, 1, NULL, &e), -7);
        TAP_CONTAINS(e.n ? e.msg[0] : "(no error)", sets[i].msg);
        scn_errors_free(&e);
        scn_free(&s);
    }
}

/* Issue 18: the whole message of a bad --set names the assignment as
 * typed, shortened when long (validation errors: test_scn_scenario). */
static void t_bad_set_exact(void)
{
    static char long_set[3100] = "sim.duration=";
    memset(long_set + strlen(long_set), '9', 3000);
    strcat(long_set, "x");
    static const struct {
        const char *set, *msg;
    } sets[] = {
        {"fake.gain=1e-400", "--set fake.gain=1e-400: '1e-400' is too small for a double (not 0 but below "
                             "2.2250738585072014e-308: it would be stored as 0); expected 0 or a number in [0, 10]"},
        {"fake.gain=-0.0", "--set fake.gain=-0.0: '-0.0' is a negative zero; expected 0 without a sign, or a "
                           "number in [0, 10]"},
        {"sim.label=caf\xe9", "--set sim.label=caf\xe9: invalid UTF-8 (byte 0xe9 at offset 3 of the value); "
                              "expected UTF-8 text"},
        {"sim.label=a\nb", "--set sim.label=a\nb: control character 0x0a at offset 1 of the value; expected "
                           "text without control characters but tab"},
        {long_set, "--set sim.duration=99999999999999999999999999999999999999999999999...(3014 bytes): "
                   "unknown unit 'x' in '999999999999999999999999999999999999999999999999999999999999...(3001 bytes)'; "
                   "expected a time with a unit ns, us, ms or s (e.g. 100ms)"},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        struct scenario s;
        scn_errors e;
        scn_errors_init(&e);
        const char *one[] = {sets[i].set};
        TAP_EQ(scn_build(&s, "smoke", one, 1, NULL, &e), -7);
        TAP_EQ(e.n, 1);
        TAP_STREQ(e.n ? e.msg[0] : "(no error)", sets[i].msg);
        scn_errors_free(&e);
        scn_free(&s);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: test_scn_bad DIR\n");
        return 1;
    }
    dir = argv[1];
    TAP_RUN(t_corpus);
    TAP_RUN(t_every_file_covered);
    TAP_RUN(t_bad_set);
    TAP_RUN(t_bad_set_exact);
    return tap_done();
}
