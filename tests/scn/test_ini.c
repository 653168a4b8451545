/* scn/ini.h: the reader's accepted forms and every rejection. */
#define _XOPEN_SOURCE 700
#include "scn/ini.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static int parse(scn_ini *ini, scn_errors *e, const char *text)
{
    scn_ini_init(ini);
    scn_errors_init(e);
    return scn_ini_read_buffer(ini, "t.ini", text, strlen(text), NULL, NULL, e);
}

static void done(scn_ini *ini, scn_errors *e)
{
    scn_ini_free(ini);
    scn_errors_free(e);
}

/* The k-th key entry (section headers are entries with key NULL). */
static const scn_ini_entry *kv(const scn_ini *ini, size_t k)
{
    static const scn_ini_entry none = {"?", NULL, "?", "?", "?", 0, 0};
    for (size_t i = 0; i < ini->n; i++)
        if (ini->e[i].key && k-- == 0)
            return &ini->e[i];
    return &none;
}

static size_t nkv(const scn_ini *ini)
{
    size_t n = 0;
    for (size_t i = 0; i < ini->n; i++)
        n += ini->e[i].key != NULL;
    return n;
}

static const char *first(const scn_errors *e) { return e->n ? e->msg[0] : "(no error)"; }

static void t_forms(void)
{
    scn_ini ini;
    scn_errors e;
    int rc = parse(&ini, &e,
                   "# Leading comment line\n"
                   "; more\n"
                   "\n"
                   "[sim]\n"
                   "seed = 3\n"
                   "  label=  \"a # b ; \\\"q\\\" \\\\\"   # trailing comment\n"
                   "duration = 5 ms ; inline\n"
                   "path = a#b\n"
                   "[vm \"db-1\"]  # comment\r\n"
                   "vcpus\t=\t8\r\n"
                   "[ vm \"web\" ]\n"
                   "vcpus = 2");
    TAP_EQ(rc, 0);
    TAP_EQ(e.n, 0);
    TAP_EQ(nkv(&ini), 6);
    TAP_EQ(ini.n, 9); /* + 3 section headers */
    TAP_CHECK(ini.e[0].key == NULL && ini.e[0].value == NULL && ini.e[0].line == 4);
    TAP_STREQ(ini.lead_comment, "Leading comment line");
    TAP_STREQ(kv(&ini, 0)->section, "sim");
    TAP_CHECK(kv(&ini, 0)->instance == NULL);
    TAP_STREQ(kv(&ini, 0)->key, "seed");
    TAP_STREQ(kv(&ini, 0)->value, "3");
    TAP_EQ(kv(&ini, 0)->line, 5);
    TAP_STREQ(kv(&ini, 1)->value, "a # b ; \"q\" \\");
    TAP_STREQ(kv(&ini, 2)->value, "5 ms");
    TAP_STREQ(kv(&ini, 3)->value, "a#b");
    TAP_STREQ(kv(&ini, 4)->instance, "db-1");
    TAP_STREQ(kv(&ini, 4)->value, "8");
    TAP_EQ(kv(&ini, 4)->line, 10);
    TAP_STREQ(kv(&ini, 5)->instance, "web");
    TAP_STREQ(kv(&ini, 5)->file, "t.ini");
    done(&ini, &e);
}

static void expect_error(const char *text, const char *sub)
{
    scn_ini ini;
    scn_errors e;
    int rc = parse(&ini, &e, text);
    TAP_EQ(rc, -7 /* HV_EPARSE */);
    TAP_CONTAINS(first(&e), sub);
    done(&ini, &e);
}

static void t_errors(void)
{
    expect_error("[sim]\nseed 3\n", "t.ini:2: cannot parse 'seed 3'; expected 'key = value'");
    expect_error("[Sim]\n", "t.ini:1: bad section name 'Sim'; expected lower-case");
    expect_error("[sim\n", "t.ini:1: section header is not closed; expected ']'");
    expect_error("[sim] x\n", "t.ini:1: trailing characters 'x' after the section header");
    expect_error("[vm \"a.b\"]\n", "bad instance name in section header");
    expect_error("[vm \"\"]\n", "bad instance name in section header");
    expect_error("[sim]\nseed = \"3\" x\n", "t.ini:2: trailing characters 'x' after the quoted value");
    expect_error("[sim]\nseed = \"3\n", "unterminated quoted value");
    expect_error("[sim]\nseed = \"\\n\"\n", "unknown escape");
    expect_error("[sim]\nseed =\n", "t.ini:2: empty value; expected a value");
    expect_error("[sim]\nseed = # c\n", "empty value");
    expect_error("seed = 1\n", "t.ini:1: key 'seed' outside any section");
    expect_error("[sim]\nSeed = 1\n", "bad key 'Seed'");
    expect_error("[sim]\nseed = 1\nrun = 0\nseed = 2\n", "t.ini:4: duplicate key 'seed' in [sim] (first set at line 2)");
    expect_error("[vm \"a\"]\nx = 1\n[vm \"a\"]\nx = 2\n", "t.ini:4: duplicate key 'x' in [vm \"a\"]");
    expect_error("[sim]\ninclude = x.ini\n", "t.ini:2: 'include' inside [sim]; expected includes before the first section");
    expect_error("include = x.ini\n", "include 'x.ini' is not allowed here");
    /* Same key in two instances, or two sections: fine. */
    scn_ini ini;
    scn_errors e;
    TAP_EQ(parse(&ini, &e, "[vm \"a\"]\nx = 1\n[vm \"b\"]\nx = 2\n[sim]\nx = 3\n"), 0);
    done(&ini, &e);
    /* Every error is reported, not just the first. */
    TAP_EQ(parse(&ini, &e, "[sim]\na\nb\nc = \n"), -7);
    TAP_EQ(e.n, 3);
    done(&ini, &e);
}

static void t_binary_and_long(void)
{
    char buf[64] = "[sim]\nseed = 1\n";
    size_t l = strlen(buf);
    buf[l] = 0;
    memcpy(buf + l, "x\0y\n", 4);
    scn_ini ini;
    scn_errors e;
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read_buffer(&ini, "b.ini", buf, l + 4, NULL, NULL, &e), -7);
    TAP_CONTAINS(first(&e), "b.ini:3: binary data (byte 0x00 at offset 16); expected a text scenario file");
    TAP_EQ(ini.n, 0); /* nothing from a binary file */
    done(&ini, &e);
    expect_error("[sim]\nseed = \x01\n", "binary data (byte 0x01");
    char *big = malloc(3000);
    memset(big, 'a', 2999);
    big[2999] = 0;
    memcpy(big, "[sim]\nk = ", 10);
    expect_error(big, "t.ini:2: line is 2993 bytes long; expected at most 1024");
    /* Exactly at the limit is fine. */
    big[6 + 1024] = 0;
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read_buffer(&ini, "t.ini", big, strlen(big), NULL, NULL, &e), 0);
    done(&ini, &e);
    free(big);
}

/* A byte-order mark at the start is skipped; text must be UTF-8. */
static void t_bom_and_utf8(void)
{
    scn_ini ini;
    scn_errors e;
    TAP_EQ(parse(&ini, &e, "\xef\xbb\xbf# d\xc3\xa9j\xc3\xa0 vu\n[sim]\nlabel = caf\xc3\xa9\n"), 0);
    TAP_STREQ(ini.lead_comment, "d\xc3\xa9j\xc3\xa0 vu");
    TAP_STREQ(kv(&ini, 0)->value, "caf\xc3\xa9");
    TAP_EQ(kv(&ini, 0)->line, 3);
    done(&ini, &e);
    TAP_EQ(parse(&ini, &e, "\xef\xbb\xbf[sim]\n"), 0);
    TAP_EQ(ini.n, 1);
    done(&ini, &e);
    /* Only at the start: elsewhere U+FEFF is text like any other. */
    expect_error("[sim]\n\xef\xbb\xbfseed = 1\n", "t.ini:2: bad key '\xef\xbb\xbfseed'");
    /* Latin-1, a lone continuation byte, a cut sequence: one message with
     * the line and the file offset; nothing of the file is read. */
    TAP_EQ(parse(&ini, &e, "[sim]\nseed = 1\nlabel = caf\xe9\n"), -7);
    TAP_STREQ(first(&e), "t.ini:3: invalid UTF-8 (byte 0xe9 at offset 26); expected UTF-8 text");
    TAP_EQ(e.n, 1);
    TAP_EQ(ini.n, 0);
    done(&ini, &e);
    expect_error("\xef\xbb\xbf[sim]\n# \x80\n", "t.ini:2: invalid UTF-8 (byte 0x80 at offset 11)");
    expect_error("[sim]\nlabel = \xe2\x9c", "t.ini:2: invalid UTF-8 (byte 0xe2 at offset 14)");
    /* The first problem wins, binary or not UTF-8. */
    expect_error("[sim]\n\x01\xe9\n", "t.ini:2: binary data (byte 0x01 at offset 6)");
    expect_error("[sim]\n\xe9\x01\n", "t.ini:2: invalid UTF-8 (byte 0xe9 at offset 6)");
    /* CR only before LF: a lone CR would end up in a value or the
     * description (found by fuzz_scn). */
    expect_error("# d\r x\n[sim]\n", "t.ini:1: carriage return not followed by a line feed (offset 3); expected LF or CRLF line ends");
    expect_error("[sim]\r\nseed = 1\r", "t.ini:2: carriage return not followed by a line feed (offset 15)");
    TAP_EQ(parse(&ini, &e, "# d\r\n[sim]\r\nseed = 1\r\n"), 0);
    TAP_STREQ(ini.lead_comment, "d");
    done(&ini, &e);
}

/* Long input text is shortened in messages; the "expected" part stays. */
static void t_long_text_in_messages(void)
{
    char line[1100] = "[sim]\n";
    memset(line + 6, 'k', 1000);
    strcpy(line + 1006, "\n");
    expect_error(line, "t.ini:2: cannot parse 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...(1000 bytes)'; "
                       "expected 'key = value', '[section]' or a comment");
    memset(line + 6, 'K', 1000);
    line[6] = '[';
    expect_error(line, "t.ini:2: bad section name 'KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK...(999 bytes)'; "
                       "expected lower-case letters");
    strcpy(line, "[sim] ");
    memset(line + 6, 'x', 1000);
    strcpy(line + 1006, "\n");
    expect_error(line, "...(1000 bytes)' after the section header; expected end of line or a comment");
}

/* The reader stops at SCN_ERRORS_MAX errors and says so. */
static void t_error_bound(void)
{
    size_t n = 100000, o = 0;
    char *buf = malloc(n * 8 + 16);
    o += (size_t)sprintf(buf, "[sim]\n");
    for (size_t i = 0; i < n; i++)
        o += (size_t)sprintf(buf + o, "bad %zu\n", i % 10);
    scn_ini ini;
    scn_errors e;
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read_buffer(&ini, "t.ini", buf, o, NULL, NULL, &e), -7);
    TAP_EQ(e.n, SCN_ERRORS_MAX);
    TAP_EQ(e.dropped, 0);
    TAP_EQ(e.stopped, 1);
    TAP_CONTAINS(e.msg[SCN_ERRORS_MAX - 1], "t.ini:51: cannot parse 'bad 9'");
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    scn_errors_print(&e, f, "p: ");
    fclose(f);
    TAP_CONTAINS(out, "p: t.ini:2: cannot parse 'bad 0'");
    TAP_CONTAINS(out, "\np: ... stopped after 50 errors (the limit); the rest of the input was not checked\n");
    free(out);
    done(&ini, &e);
    free(buf);
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    TAP_CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void t_includes(void)
{
    write_file("base.ini", "[sim]\nseed = 1\nrun = 1\n");
    write_file("top.ini", "include = base.ini\ninclude = sub/mid.ini\n[sim]\nseed = 2\n");
    char d[256];
    snprintf(d, sizeof d, "%s/sub", tmpdir);
    mkdir(d, 0700);
    write_file("sub/mid.ini", "include = ../base.ini\n[sim]\nduration = 1ms\n");
    char top[256];
    snprintf(top, sizeof top, "%s/top.ini", tmpdir);
    scn_ini ini;
    scn_errors e;
    scn_ini_init(&ini);
    scn_errors_init(&e);
    int rc = scn_ini_read(&ini, top, scn_ini_file_loader, NULL, &e);
    TAP_EQ(rc, 0);
    TAP_EQ(e.n, 0);
    /* base, then mid's base again, mid, then top: an includer comes after. */
    TAP_EQ(nkv(&ini), 6);
    if (nkv(&ini) == 6) {
        TAP_CONTAINS(kv(&ini, 0)->file, "/base.ini");
        TAP_CONTAINS(kv(&ini, 4)->file, "sub/mid.ini");
        TAP_STREQ(kv(&ini, 5)->key, "seed");
        TAP_STREQ(kv(&ini, 5)->value, "2");
        TAP_STREQ(kv(&ini, 5)->file, top);
        TAP_EQ(kv(&ini, 5)->line, 4);
    }
    done(&ini, &e);

    /* Cycle: a -> b -> a. */
    write_file("a.ini", "include = b.ini\n[sim]\nseed = 1\n");
    write_file("b.ini", "\ninclude = a.ini\n");
    snprintf(top, sizeof top, "%s/a.ini", tmpdir);
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read(&ini, top, scn_ini_file_loader, NULL, &e), -7);
    TAP_CONTAINS(first(&e), "b.ini:2: include cycle: 'a.ini' is already being read");
    done(&ini, &e);

    /* Self include. */
    write_file("self.ini", "include = ./self.ini\n");
    snprintf(top, sizeof top, "%s/self.ini", tmpdir);
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read(&ini, top, scn_ini_file_loader, NULL, &e), -7);
    TAP_CONTAINS(first(&e), "self.ini:1: include cycle");
    done(&ini, &e);

    /* Missing include, missing top file. */
    write_file("m.ini", "include = nope.ini\n");
    snprintf(top, sizeof top, "%s/m.ini", tmpdir);
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read(&ini, top, scn_ini_file_loader, NULL, &e), -7);
    TAP_CONTAINS(first(&e), "m.ini:1: cannot include 'nope.ini': no such file; expected a readable scenario file");
    done(&ini, &e);
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read(&ini, "/nonexistent/x.ini", scn_ini_file_loader, NULL, &e), -7);
    TAP_CONTAINS(first(&e), "/nonexistent/x.ini: cannot read the scenario: no such file");
    done(&ini, &e);

    /* Depth limit: a chain of 20 files. */
    for (int i = 0; i < 20; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "d%d.ini", i);
        snprintf(text, sizeof text, "include = d%d.ini\n", i + 1);
        write_file(name, text);
    }
    write_file("d20.ini", "[sim]\nseed = 1\n");
    snprintf(top, sizeof top, "%s/d0.ini", tmpdir);
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read(&ini, top, scn_ini_file_loader, NULL, &e), -7);
    TAP_CONTAINS(first(&e), "includes nested deeper than 16");
    done(&ini, &e);

    /* Files in all: 16 levels of 2 includes each would be 2^16 - 1 reads. */
    for (int i = 1; i < 16; i++) {
        char name[32], text[96];
        snprintf(name, sizeof name, "w%d.ini", i);
        snprintf(text, sizeof text, "include = w%d.ini\ninclude = w%d.ini\n", i + 1, i + 1);
        write_file(name, text);
    }
    write_file("w16.ini", "[sim]\nseed = 1\n");
    snprintf(top, sizeof top, "%s/w9.ini", tmpdir); /* 8 levels, 255 files: fine */
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read(&ini, top, scn_ini_file_loader, NULL, &e), 0);
    TAP_EQ(ini.nfiles, 255);
    done(&ini, &e);
    snprintf(top, sizeof top, "%s/w1.ini", tmpdir);
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read(&ini, top, scn_ini_file_loader, NULL, &e), -7);
    /* Read depth first, the 257th file would come from line 2 of a w13. */
    TAP_CONTAINS(first(&e), "w13.ini:2: too many includes at 'w14.ini'; expected at most 256 files read in all (each include counts)");
    TAP_EQ(ini.nfiles, SCN_INI_FILES_MAX);
    done(&ini, &e);

    /* Bytes in all: a 9 MiB file included twice. */
    FILE *f = NULL;
    char path[256];
    snprintf(path, sizeof path, "%s/nine.ini", tmpdir);
    f = fopen(path, "w");
    TAP_CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 9 * 1024 * 16; i++)
            fprintf(f, "%63s\n", "# comment");
        fclose(f);
    }
    write_file("twice.ini", "include = nine.ini\ninclude = nine.ini\n");
    snprintf(top, sizeof top, "%s/twice.ini", tmpdir);
    scn_ini_init(&ini);
    scn_errors_init(&e);
    TAP_EQ(scn_ini_read(&ini, top, scn_ini_file_loader, NULL, &e), -7);
    TAP_CONTAINS(first(&e), "twice.ini:2: include 'nine.ini' makes the scenario 18874406 bytes long with its includes; expected at most 16777216");
    done(&ini, &e);
}

static void t_suggest(void)
{
    const char *const c[] = {"duration", "warmup", "seed", "run", NULL};
    TAP_STREQ(scn_suggest("durration", c), "duration");
    TAP_STREQ(scn_suggest("Seed", c), "seed");
    TAP_STREQ(scn_suggest("warmpu", c), "warmup");
    TAP_CHECK(scn_suggest("colour", c) == NULL);
    TAP_EQ(scn_edit_distance("kitten", "sitting"), 3);
    TAP_EQ(scn_edit_distance("", "abc"), 3);
    TAP_EQ(scn_edit_distance("same", "same"), 0);
}

static void t_errors_cap(void)
{
    scn_errors e;
    scn_errors_init(&e);
    for (int i = 0; i < SCN_ERRORS_MAX + 5; i++)
        scn_error(&e, "f", (unsigned)i + 1, "e%d", i);
    TAP_EQ(e.n, SCN_ERRORS_MAX);
    TAP_EQ(scn_errors_count(&e), SCN_ERRORS_MAX + 5);
    TAP_STREQ(e.msg[0], "f:1: e0");
    scn_error(&e, NULL, 0, "x");
    scn_errors_free(&e);
    scn_errors_init(&e);
    scn_error(&e, "--set a=b", 0, "what; expected");
    TAP_STREQ(e.msg[0], "--set a=b: what; expected");
    scn_errors_free(&e);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hv_scn_ini_XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    TAP_RUN(t_forms);
    TAP_RUN(t_errors);
    TAP_RUN(t_binary_and_long);
    TAP_RUN(t_bom_and_utf8);
    TAP_RUN(t_long_text_in_messages);
    TAP_RUN(t_error_bound);
    TAP_RUN(t_includes);
    TAP_RUN(t_suggest);
    TAP_RUN(t_errors_cap);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", tmpdir);
    return tap_done();
}
