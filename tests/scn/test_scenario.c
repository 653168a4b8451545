/* scn/scenario.h against the fake room set: every type, instances, --set,
 * provenance, [cost], validate hooks, echo, copy. */
#define _XOPEN_SOURCE 700
#include "scn/scenario.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static const char *const fake_costs[] = {"rm_entry", "rm_exit", "xics_ipi", NULL};
static int cost_lookup(const char *name)
{
    for (int i = 0; fake_costs[i]; i++)
        if (!strcmp(fake_costs[i], name))
            return i;
    return -1;
}
static const char *cost_name(int i) { return i >= 0 && i < 3 ? fake_costs[i] : NULL; }
static const scn_parse_opts po = {cost_lookup, cost_name, 0};

static const char *first(const scn_errors *e) { return e->n ? e->msg[0] : "(no error)"; }

static int load(struct scenario *s, scn_errors *e, const char *text)
{
    scn_init(s);
    scn_errors_init(e);
    return scn_load_buffer(s, "t.ini", text, strlen(text), &po, e);
}

static void t_defaults(void)
{
    struct scenario s;
    scn_init(&s);
    TAP_EQ(s.sim.seed, 1);
    TAP_EQ(s.sim.duration, 100000000);
    TAP_EQ(s.sim.checks, 1);
    TAP_EQ(s.fake.flag, 0);
    TAP_EQ(s.fake.count, 4);
    TAP_EQ(s.fake.offset, -3);
    TAP_NEAR(s.fake.gain, 1.5, 0);
    TAP_NEAR(s.fake.load, 0.25, 0);
    TAP_EQ(s.fake.period, 10000);
    TAP_EQ(s.fake.poll_ns, 10000);
    TAP_EQ(s.fake.policy, 0);
    TAP_STREQ(s.fake.name, "fake");
    TAP_EQ(s.n_vm, 0);
    TAP_EQ(s.n_cost, 0);
    char b[64];
    TAP_STREQ(scn_origin(&s, "fake", NULL, "gain", b, sizeof b), "default");
    /* The table knows every row. */
    TAP_EQ(scn_n_opts, 8 + 12);
    TAP_EQ(scn_n_sections, 3);
    const scn_opt *o = scn_find_opt("vm", "vcpus");
    TAP_CHECK(o != NULL);
    if (o)
        TAP_EQ(o->instances, 4);
    TAP_CHECK(scn_find_opt("fake", "nope") == NULL);
    scn_free(&s);
}

static void t_load(void)
{
    struct scenario s;
    scn_errors e;
    int rc = load(&s, &e,
                  "# A test scenario\n"
                  "[fake]\n"
                  "flag = on\n"
                  "count = 8\n"
                  "offset = -100\n"
                  "gain = 2.5e-1\n"
                  "load = 75%\n"
                  "period = 1.5ms\n"
                  "poll_ns = 20us\n"
                  "policy = oracle\n"
                  "name = \"x # y\"\n"
                  "[vm \"db\"]\n"
                  "vcpus = 16\n"
                  "[vm \"web\"]\n"
                  "workload = tcp_rr\n"
                  "[cost]\n"
                  "rm_entry = 3060ns\n"
                  "[sim]\n"
                  "seed = 42\n");
    TAP_EQ(rc, 0);
    TAP_EQ(e.n, 0);
    TAP_EQ(s.fake.flag, 1);
    TAP_EQ(s.fake.count, 8);
    TAP_EQ(s.fake.offset, -100);
    TAP_NEAR(s.fake.gain, 0.25, 0);
    TAP_NEAR(s.fake.load, 0.75, 0);
    TAP_EQ(s.fake.period, 1500000);
    TAP_EQ(s.fake.poll_ns, 20000);
    TAP_EQ(s.fake.policy, 2);
    TAP_STREQ(s.fake.name, "x # y");
    TAP_EQ(s.n_vm, 2);
    TAP_STREQ(s.vm_name[0], "db");
    TAP_STREQ(s.vm_name[1], "web");
    TAP_EQ(s.vm[0].vcpus, 16);
    TAP_EQ(s.vm[0].workload, 0);
    TAP_EQ(s.vm[1].vcpus, 8); /* default for a new instance */
    TAP_EQ(s.vm[1].workload, 1);
    TAP_EQ(s.n_cost, 1);
    TAP_STREQ(s.cost[0].name, "rm_entry");
    TAP_EQ(s.cost[0].index, 0);
    TAP_EQ(s.cost[0].ns, 3060);
    TAP_EQ(s.sim.seed, 42);
    char b[128];
    TAP_STREQ(scn_origin(&s, "fake", NULL, "count", b, sizeof b), "t.ini:4");
    TAP_STREQ(scn_origin(&s, "vm", "db", "vcpus", b, sizeof b), "t.ini:13");
    TAP_STREQ(scn_origin(&s, "vm", "web", "vcpus", b, sizeof b), "default");
    TAP_STREQ(scn_origin(&s, "cost", NULL, "rm_entry", b, sizeof b), "t.ini:17");
    TAP_STREQ(scn_origin(&s, "sim", NULL, "run", b, sizeof b), "default");
    TAP_STREQ(scn_description(&s), "A test scenario");
    TAP_STREQ(scn_source(&s), "t.ini");
    TAP_EQ(scn_get_text(&s, "fake", NULL, "period", b, sizeof b), 0);
    TAP_STREQ(b, "1500us");
    TAP_EQ(scn_get_text(&s, "vm", "web", "workload", b, sizeof b), 0);
    TAP_STREQ(b, "tcp_rr");
    TAP_EQ(scn_get_text(&s, "vm", "nope", "workload", b, sizeof b), -1);
    TAP_EQ(scn_validate(&s, &e), 0);
    scn_errors_free(&e);
    scn_free(&s);
}

static void expect(const char *text, const char *sub)
{
    struct scenario s;
    scn_errors e;
    TAP_EQ(load(&s, &e, text), -7);
    TAP_CONTAINS(first(&e), sub);
    scn_errors_free(&e);
    scn_free(&s);
}

static void t_load_errors(void)
{
    expect("[fak]\nflag = 1\ncount = 2\n", "t.ini:1: unknown section [fak]; did you mean [fake]?");
    expect("[zzzzzz]\nx = 1\n", "unknown section [zzzzzz]; expected one of: [sim] [fake] [vm] [cost]");
    expect("[fake]\nflg = 1\n", "t.ini:2: unknown key 'flg' in [fake]; did you mean 'flag'?");
    expect("[fake]\nqqqqqqqqqqq = 1\n", "unknown key 'qqqqqqqqqqq' in [fake]; expected one of: flag count offset");
    expect("[fake]\ncount = 65\n", "t.ini:2: fake.count: 65 is out of range; expected an integer in [1, 64]");
    expect("[fake]\ncount = many\n", "fake.count: 'many' is not an unsigned integer");
    expect("[fake]\nperiod = 10\n", "t.ini:2: fake.period: missing unit in '10'");
    expect("[fake]\nperiod = 10 lightyears\n", "unknown unit 'lightyears'");
    expect("[fake]\npolicy = best\n", "fake.policy: 'best' is not a valid choice; expected upstream, nearest or oracle");
    expect("[fake]\nname = 0123456789abcdef\n", "fake.name: text is 16 bytes long; expected at most 15");
    expect("[vm]\nvcpus = 1\n", "t.ini:1: section [vm] needs an instance name; expected [vm \"NAME\"]");
    expect("[fake \"x\"]\nflag = 1\n", "section [fake] takes no instance name; expected [fake]");
    expect("[vm \"db\"]\nvcpus = 0\n", "t.ini:2: vm.db.vcpus: 0 is out of range; expected an integer in [1, 1024]");
    expect("[vm \"a\"]\nvcpus=1\n[vm \"b\"]\nvcpus=1\n[vm \"c\"]\nvcpus=1\n[vm \"d\"]\nvcpus=1\n[vm \"e\"]\nvcpus=1\n",
           "t.ini:9: too many [vm] sections; expected at most 4");
    expect("[cost]\nrm_entri = 1us\n", "t.ini:2: unknown cost 'rm_entri'; did you mean 'rm_entry'?");
    expect("[cost]\nrm_entry = 1\n", "cost.rm_entry: missing unit");
    expect("[vm \"0123456789012345678901234567890123\"]\nvcpus = 1\n", "instance name '0123456789012345678901234567890123' is too long");
    /* An unknown section is reported once, not once per key. */
    struct scenario s;
    scn_errors e;
    TAP_EQ(load(&s, &e, "[fak]\na = 1\nb = 2\nc = 3\n"), -7);
    TAP_EQ(e.n, 1);
    scn_errors_free(&e);
    scn_free(&s);
    /* No cost table: any [cost] key is an error. */
    scn_init(&s);
    scn_errors_init(&e);
    TAP_EQ(scn_load_buffer(&s, "c.ini", "[cost]\nx = 1ns\n", 15, NULL, &e), -7);
    TAP_CONTAINS(first(&e), "c.ini:2: cost.x: no cost table is built into this program");
    scn_errors_free(&e);
    scn_free(&s);
}

static void t_set(void)
{
    struct scenario s;
    scn_errors e;
    TAP_EQ(load(&s, &e, "[vm \"db\"]\nvcpus = 4\n[vm \"web\"]\nvcpus = 2\n"), 0);
    TAP_EQ(scn_set(&s, "sim.seed=9", "--set", &po, &e), 0);
    TAP_EQ(scn_set(&s, "fake.load = 10%", "--set", &po, &e), 0);
    TAP_EQ(scn_set(&s, "vm.web.vcpus=3", "--vary", &po, &e), 0);
    TAP_EQ(scn_set(&s, "vm.*.workload=hcall", "--set", &po, &e), 0);
    TAP_EQ(scn_set(&s, "cost.xics_ipi=894ns", "--set", &po, &e), 0);
    TAP_EQ(scn_set(&s, "sim.label=a=b", "--set", &po, &e), 0);
    TAP_EQ(e.n, 0);
    TAP_EQ(s.sim.seed, 9);
    TAP_NEAR(s.fake.load, 0.1, 1e-15);
    TAP_EQ(s.vm[1].vcpus, 3);
    TAP_EQ(s.vm[0].workload, 2);
    TAP_EQ(s.vm[1].workload, 2);
    TAP_EQ(s.cost[0].ns, 894);
    TAP_EQ(s.cost[0].index, 2);
    TAP_STREQ(s.sim.label, "a=b");
    char b[64];
    TAP_STREQ(scn_origin(&s, "vm", "web", "vcpus", b, sizeof b), "--vary");
    TAP_STREQ(scn_origin(&s, "vm", "db", "vcpus", b, sizeof b), "t.ini:2");
    TAP_STREQ(scn_origin(&s, "sim", NULL, "seed", b, sizeof b), "--set");
    /* Errors; a rejected value leaves the field as it was. */
    struct {
        const char *set, *msg;
    } bad[] = {
        {"sim.seed", "--set sim.seed: cannot parse the assignment; expected section.key=value"},
        {"=3", "cannot parse the assignment"},
        {"sim.seed=", "--set sim.seed=: empty value; expected a value after '='"},
        {"seed=3", "'seed' is not a key name; expected section.key or section.instance.key"},
        {"a.b.c.d=3", "is not a key name"},
        {"sim.sed=3", "--set sim.sed=3: unknown key 'sed' in [sim]; did you mean 'seed'?"},
        {"simm.seed=3", "unknown section 'simm'; did you mean 'sim'?"},
        {"sim.x.seed=3", "[sim] has no instances; expected sim.seed=value"},
        {"vm.vcpus=3", "[vm] is an instance section; expected vm.NAME.vcpus=value or vm.*.vcpus=value"},
        {"vm.wbe.vcpus=3", "no [vm \"wbe\"] in the scenario; did you mean 'web'? (--set cannot add instances)"},
        {"vm.zzzzzz.vcpus=3", "no [vm \"zzzzzz\"] in the scenario; expected the name of a [vm \"NAME\"] section"},
        {"vm.web.vcpus=2000", "--set vm.web.vcpus=2000: 2000 is out of range"},
        {"vm.*.vcpus=0", "vm.db.vcpus: 0 is out of range"},
        {"fake.count=-1", "--set fake.count=-1: '-1' is not an unsigned integer"},
        {"cost.rm_entry.x=1ns", "cost keys take no instance"},
        {"cost.nope=1ns", "unknown cost 'nope'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scn_errors_free(&e);
        scn_errors_init(&e);
        TAP_EQ(scn_set(&s, bad[i].set, "--set", &po, &e), -7);
        TAP_CONTAINS(first(&e), bad[i].msg);
    }
    TAP_EQ(s.vm[1].vcpus, 3);
    TAP_EQ(s.fake.count, 4);
    scn_errors_free(&e);
    scn_free(&s);
}

static void t_validate(void)
{
    struct scenario s;
    scn_errors e;
    /* 4 cores x 8 threads = 32: db 16 + web 24 does not fit. */
    TAP_EQ(load(&s, &e, "[fake]\ncount = 4\n[vm \"db\"]\nvcpus = 16\n[vm \"web\"]\nvcpus = 24\n"), 0);
    TAP_EQ(scn_validate(&s, &e), -7);
    TAP_STREQ(first(&e), "t.ini:6: vm.web.vcpus = 24: the VM does not fit the machine (40 VCPUs in all, 32 threads); expected at most 16 VCPUs");
    scn_errors_free(&e);
    scn_errors_init(&e);
    TAP_EQ(scn_set(&s, "fake.count=5", "--set", &po, &e), 0);
    TAP_EQ(scn_validate(&s, &e), 0);
    /* Reported at --set when the offending value came from there. */
    TAP_EQ(scn_set(&s, "vm.web.vcpus=30", "--set", &po, &e), 0);
    TAP_EQ(scn_validate(&s, &e), -7);
    TAP_STREQ(first(&e), "--set vm.web.vcpus=30: the VM does not fit the machine (46 VCPUs in all, 40 threads); expected at most 24 VCPUs");
    /* The assignment as typed, also for a wildcard, through a copy, and
     * shortened when long (the message itself is always whole). */
    char big[600] = "vm.*.vcpus = ";
    memset(big + strlen(big), '0', 500);
    strcat(big, "31");
    TAP_EQ(scn_set(&s, big, "--variant x", &po, &e), 0);
    struct scenario c;
    scn_copy(&c, &s);
    scn_errors_free(&e);
    scn_errors_init(&e);
    TAP_EQ(scn_validate(&c, &e), -7);
    TAP_STREQ(first(&e), "--variant x vm.*.vcpus = 00000000000000000000000000000000000000000000000...(515 bytes): "
                         "vm.web.vcpus = 31: the VM does not fit the machine (62 VCPUs in all, 40 threads); expected at most 9 VCPUs");
    scn_free(&c);
    scn_errors_free(&e);
    scn_free(&s);
}

typedef struct acc {
    char buf[8192];
    size_t o;
} acc;

static void visit(void *ctx, const char *name, const char *text, const char *json, const char *origin)
{
    acc *a = ctx;
    a->o += (size_t)snprintf(a->buf + a->o, sizeof a->buf - a->o, "%s=%s|%s|%s\n", name, text, json ? json : "S",
                             origin);
}

static void t_echo_and_roundtrip(void)
{
    struct scenario s, s2;
    scn_errors e;
    TAP_EQ(load(&s, &e, "[vm \"db\"]\nvcpus = 4\n[fake]\nname = \"a\\\"b;c\"\nload=33.3%\n[cost]\nrm_exit = 4.244us\n"), 0);
    acc a = {"", 0};
    scn_visit(&s, visit, &a);
    TAP_CONTAINS(a.buf, "sim.seed=1|1|default\n");
    TAP_CONTAINS(a.buf, "sim.duration=100ms|100000000|default\n");
    TAP_CONTAINS(a.buf, "fake.name=a\"b;c|S|t.ini:4\n");
    TAP_CONTAINS(a.buf, "fake.load=33.3%|0.333|t.ini:5\n");
    TAP_CONTAINS(a.buf, "fake.policy=upstream|S|default\n");
    TAP_CONTAINS(a.buf, "vm.db.vcpus=4|4|t.ini:2\nvm.db.threads_per_vcore=8|8|default\n");
    TAP_CONTAINS(a.buf, "cost.rm_exit=4244ns|4244|t.ini:7\n");
    /* Order: sections of rooms.def, then costs. */
    TAP_CHECK(strstr(a.buf, "sim.seed") < strstr(a.buf, "fake.flag"));
    TAP_CHECK(strstr(a.buf, "fake.flag") < strstr(a.buf, "vm.db.vcpus"));
    TAP_CHECK(strstr(a.buf, "vm.db.vcpus") < strstr(a.buf, "cost.rm_exit"));
    /* The INI echo loads back to the same values. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    scn_write_ini(&s, f);
    fclose(f);
    TAP_CONTAINS(text, "name = \"a\\\"b;c\"");
    scn_init(&s2);
    scn_errors_free(&e);
    scn_errors_init(&e);
    TAP_EQ(scn_load_buffer(&s2, "echo.ini", text, len, &po, &e), 0);
    TAP_CONTAINS(first(&e), "(no error)");
    acc b = {"", 0};
    scn_visit(&s2, visit, &b);
    /* Same names and values (origins differ). */
    char *pa = a.buf, *pb = b.buf;
    int same = 1;
    while (*pa && *pb) {
        size_t la = strcspn(pa, "|"), lb = strcspn(pb, "|");
        char *oa = strchr(pa + la + 1, '|'), *ob = strchr(pb + lb + 1, '|');
        same &= la == lb && !strncmp(pa, pb, la) && (oa - pa) == (ob - pb) && !strncmp(pa, pb, (size_t)(oa - pa));
        pa = strchr(pa, '\n') + 1;
        pb = strchr(pb, '\n') + 1;
    }
    TAP_CHECK(same && !*pa && !*pb);
    free(text);
    scn_free(&s2);
    /* Copy is deep: changing the copy leaves the original. */
    scn_copy(&s2, &s);
    TAP_EQ(scn_set(&s2, "vm.db.vcpus=2", "--set", &po, &e), 0);
    char o1[64], o2[64];
    TAP_EQ(s.vm[0].vcpus, 4);
    TAP_EQ(s2.vm[0].vcpus, 2);
    TAP_STREQ(scn_origin(&s, "vm", "db", "vcpus", o1, sizeof o1), "t.ini:2");
    TAP_STREQ(scn_origin(&s2, "vm", "db", "vcpus", o2, sizeof o2), "--set");
    scn_free(&s);
    TAP_STREQ(scn_origin(&s2, "fake", NULL, "name", o2, sizeof o2), "t.ini:4");
    scn_free(&s2);
    scn_errors_free(&e);
}

static void t_build(void)
{
    struct scenario s;
    scn_errors e;
    scn_errors_init(&e);
    const char *sets[] = {"sim.seed=5", "fake.count=2"};
    TAP_EQ(scn_build(&s, "smoke", sets, 2, &po, &e), 0);
    TAP_EQ(s.sim.seed, 5);
    TAP_EQ(s.sim.duration, 10000000);
    char b[64];
    TAP_STREQ(scn_origin(&s, "sim", NULL, "duration", b, sizeof b), "preset:smoke:7");
    TAP_STREQ(scn_origin(&s, "sim", NULL, "warmup", b, sizeof b), "preset:smoke:6");
    TAP_STREQ(scn_origin(&s, "sim", NULL, "run", b, sizeof b), "preset:default:18");
    scn_free(&s);
    /* Errors from every step; validate runs only when everything parsed
     * (fake.count=0 would also fail it). */
    const char *bad[] = {"sim.seed=x", "fake.count=0"};
    TAP_EQ(scn_build(&s, "smok", bad, 2, &po, &e), -7);
    TAP_EQ(e.n, 3);
    if (e.n != 3)
        scn_errors_print(&e, stdout, "#   ");
    TAP_CONTAINS(e.msg[0], "smok: no such preset; did you mean 'smoke'?");
    TAP_CONTAINS(e.msg[1], "--set sim.seed=x: 'x' is not an unsigned integer");
    scn_free(&s);
    scn_errors_free(&e);
    scn_errors_init(&e);
    TAP_EQ(scn_build(&s, "/nonexistent/a.ini", NULL, 0, &po, &e), -7);
    TAP_CONTAINS(first(&e), "/nonexistent/a.ini: cannot read the scenario: no such file");
    scn_free(&s);
    scn_errors_free(&e);
    scn_errors_init(&e);
    TAP_EQ(scn_build(&s, NULL, NULL, 0, &po, &e), 0);
    TAP_STREQ(scn_source(&s), "default");
    scn_free(&s);
    scn_errors_free(&e);
}

static void t_empty_instance(void)
{
    struct scenario s;
    scn_errors e;
    /* A section with no keys still exists, at its defaults. */
    TAP_EQ(load(&s, &e, "[vm \"idle\"]\n[vm \"db\"]\nvcpus = 2\n[vm \"spare\"] # nothing\n[fake]\n"), 0);
    TAP_EQ(s.n_vm, 3);
    TAP_STREQ(s.vm_name[0], "idle");
    TAP_STREQ(s.vm_name[2], "spare");
    TAP_EQ(s.vm[0].vcpus, 8);
    TAP_EQ(s.vm[1].vcpus, 2);
    scn_free(&s);
    scn_errors_free(&e);
    /* A bad header is reported once, not again for each of its keys. */
    TAP_EQ(load(&s, &e, "[vm]\nvcpus = 1\nworkload = hcall\n[sim \"x\"]\nseed = 1\n"), -7);
    TAP_EQ(e.n, 2);
    scn_free(&s);
    scn_errors_free(&e);
}

static void t_description(void)
{
    struct scenario s;
    scn_errors e;
    /* Own leading comment beats an included description. */
    TAP_EQ(load(&s, &e, "# mine\ninclude = preset:default\n"), 0);
    TAP_STREQ(scn_description(&s), "mine");
    scn_free(&s);
    scn_errors_free(&e);
    /* Own description key beats the comment. */
    TAP_EQ(load(&s, &e, "# mine\ninclude = preset:default\n[sim]\ndescription = key\n"), 0);
    TAP_STREQ(scn_description(&s), "key");
    scn_free(&s);
    scn_errors_free(&e);
    /* Nothing of its own: inherited. */
    TAP_EQ(load(&s, &e, "include = preset:default\n"), 0);
    TAP_CONTAINS(scn_description(&s), "POWER8 S822L-class host");
    scn_free(&s);
    scn_errors_free(&e);
}

int main(void)
{
    TAP_RUN(t_defaults);
    TAP_RUN(t_load);
    TAP_RUN(t_load_errors);
    TAP_RUN(t_set);
    TAP_RUN(t_validate);
    TAP_RUN(t_echo_and_roundtrip);
    TAP_RUN(t_build);
    TAP_RUN(t_description);
    TAP_RUN(t_empty_instance);
    return tap_done();
}
