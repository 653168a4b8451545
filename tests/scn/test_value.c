/* scn/value.h: every type parses, rejects, prints canonically and round-trips. */
#include "scn/value.h"
#include "tap.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char why[512];

static int ok_u(scn_type t, const char *text, long double mn, long double mx, uint64_t want)
{
    scn_valspec v = {t, mn, mx, NULL, 8};
    uint64_t x = 0xdead;
    int rc = scn_value_parse(&v, text, &x, why, sizeof why);
    if (rc || x != want)
        printf("#   '%s' -> rc %d x %llu (%s)\n", text, rc, (unsigned long long)x, rc ? why : "");
    return !rc && x == want;
}

static const char *bad(scn_type t, const char *text, long double mn, long double mx)
{
    scn_valspec v = {t, mn, mx, "a|bb|ccc", 8};
    char field[16];
    why[0] = 0;
    if (scn_value_parse(&v, text, field, why, sizeof why) == 0)
        return "(accepted)";
    return why;
}

static void t_bool(void)
{
    scn_valspec v = {SCN_T_BOOL, 0, 0, NULL, 1};
    const char *t[] = {"true", "1", "on", "yes"}, *f[] = {"false", "0", "off", "no"};
    for (int i = 0; i < 4; i++) {
        bool b = false;
        TAP_EQ(scn_value_parse(&v, t[i], &b, why, sizeof why), 0);
        TAP_EQ(b, 1);
        TAP_EQ(scn_value_parse(&v, f[i], &b, why, sizeof why), 0);
        TAP_EQ(b, 0);
    }
    TAP_STREQ(bad(SCN_T_BOOL, "True", 0, 0), "'True' is not a boolean; expected true, false, 1, 0, on or off");
    TAP_CONTAINS(bad(SCN_T_BOOL, "2", 0, 0), "is not a boolean");
}

static void t_ints(void)
{
    TAP_CHECK(ok_u(SCN_T_UINT, "0", 0, 10, 0));
    TAP_CHECK(ok_u(SCN_T_UINT, "18446744073709551615", 0, UINT64_MAX, UINT64_MAX));
    TAP_STREQ(bad(SCN_T_UINT, "18446744073709551616", 0, UINT64_MAX),
              "18446744073709551616 is out of range; expected an integer in [0, 18446744073709551615]");
    TAP_STREQ(bad(SCN_T_UINT, "11", 1, 10), "11 is out of range; expected an integer in [1, 10]");
    TAP_STREQ(bad(SCN_T_UINT, "0", 1, 10), "0 is out of range; expected an integer in [1, 10]");
    TAP_STREQ(bad(SCN_T_UINT, "-1", 0, 10), "'-1' is not an unsigned integer; expected an integer in [0, 10]");
    TAP_CONTAINS(bad(SCN_T_UINT, "1.5", 0, 10), "'1.5' is not an unsigned integer");
    TAP_CONTAINS(bad(SCN_T_UINT, "0x10", 0, 100), "is not an unsigned integer");
    TAP_CONTAINS(bad(SCN_T_UINT, "", 0, 100), "is not an unsigned integer");
    TAP_CONTAINS(bad(SCN_T_UINT, " 1", 0, 100), "is not an unsigned integer");
    scn_valspec v = {SCN_T_INT, -5, 5, NULL, 8};
    int64_t x;
    TAP_EQ(scn_value_parse(&v, "-5", &x, why, sizeof why), 0);
    TAP_EQ(x, -5);
    TAP_EQ(scn_value_parse(&v, "+4", &x, why, sizeof why), 0);
    TAP_EQ(x, 4);
    TAP_STREQ(bad(SCN_T_INT, "-6", -5, 5), "-6 is out of range; expected an integer in [-5, 5]");
    TAP_CONTAINS(bad(SCN_T_INT, "--1", -5, 5), "is not an integer");
}

static void t_doubles(void)
{
    scn_valspec v = {SCN_T_DOUBLE, -1, 1e6, NULL, 8};
    double d;
    TAP_EQ(scn_value_parse(&v, "2.5e3", &d, why, sizeof why), 0);
    TAP_NEAR(d, 2500, 0);
    TAP_CONTAINS(bad(SCN_T_DOUBLE, "nan", 0, 1), "'nan' is not a number; expected a number in [0, 1]");
    TAP_CONTAINS(bad(SCN_T_DOUBLE, "inf", 0, 1), "is not a number");
    TAP_CONTAINS(bad(SCN_T_DOUBLE, "0x1p3", 0, 100), "is not a number");
    TAP_STREQ(bad(SCN_T_DOUBLE, "1e999", 0, 1),
              "'1e999' is too large for a double (above 1.7976931348623157e+308); expected a number in [0, 1]");
    TAP_STREQ(bad(SCN_T_DOUBLE, "1.5", 0, 1), "1.5 is out of range; expected a number in [0, 1]");
    scn_valspec p = {SCN_T_PERCENT, 0, 1, NULL, 8};
    TAP_EQ(scn_value_parse(&p, "50%", &d, why, sizeof why), 0);
    TAP_NEAR(d, 0.5, 0);
    TAP_EQ(scn_value_parse(&p, "0.25", &d, why, sizeof why), 0);
    TAP_NEAR(d, 0.25, 0);
    TAP_EQ(scn_value_parse(&p, "7%", &d, why, sizeof why), 0);
    char out[64];
    scn_value_format(&p, &d, out, sizeof out);
    TAP_STREQ(out, "7%");
    TAP_STREQ(bad(SCN_T_PERCENT, "150%", 0, 1), "150% is out of range; expected a number in [0, 1] (as a fraction)");
    TAP_CONTAINS(bad(SCN_T_PERCENT, "%", 0, 1), "is not a number");
    TAP_CONTAINS(bad(SCN_T_PERCENT, "5%%", 0, 1), "is not a number");
}

static void t_time(void)
{
    TAP_CHECK(ok_u(SCN_T_TIME, "100ms", 0, 1e15, 100000000));
    TAP_CHECK(ok_u(SCN_T_TIME, "1.5ms", 0, 1e15, 1500000));
    TAP_CHECK(ok_u(SCN_T_TIME, "1.5 us", 0, 1e15, 1500));
    TAP_CHECK(ok_u(SCN_T_TIME, "3s", 0, 1e15, 3000000000ull));
    TAP_CHECK(ok_u(SCN_T_TIME, "0.000000001s", 0, 1e15, 1));
    TAP_CONTAINS(bad(SCN_T_TIME, "2.50000ns", 0, 1e15), "not a whole number"); 
    TAP_CHECK(ok_u(SCN_T_TIME, "7.000ns", 0, 1e15, 7));
    TAP_CHECK(ok_u(SCN_T_TIME, "18446744073709551615ns", 0, UINT64_MAX, UINT64_MAX));
    TAP_STREQ(bad(SCN_T_TIME, "100", 0, 1e15),
              "missing unit in '100'; expected a time with a unit ns, us, ms or s (e.g. 100ms)");
    TAP_STREQ(bad(SCN_T_TIME, "5min", 0, 1e15),
              "unknown unit 'min' in '5min'; expected a time with a unit ns, us, ms or s (e.g. 100ms)");
    TAP_CONTAINS(bad(SCN_T_TIME, "1.5ns", 0, 1e15), "is not a whole number of nanoseconds");
    TAP_CONTAINS(bad(SCN_T_TIME, "ms", 0, 1e15), "'ms' is not a time");
    TAP_CONTAINS(bad(SCN_T_TIME, "1..5ms", 0, 1e15), "is not a time");
    TAP_CONTAINS(bad(SCN_T_TIME, "5.ms", 0, 1e15), "is not a time");
    TAP_CONTAINS(bad(SCN_T_TIME, "-5ms", 0, 1e15), "is not a time");
    TAP_CONTAINS(bad(SCN_T_TIME, "99999999999s", 0, 1e30), "is too large");
    TAP_STREQ(bad(SCN_T_TIME, "2s", 1, 1e9), "2s (2000000000 ns) is out of range; expected a time in [1, 1000000000] ns");
    /* NS: unit optional. */
    TAP_CHECK(ok_u(SCN_T_NS, "10000", 0, 1e9, 10000));
    TAP_CHECK(ok_u(SCN_T_NS, "10us", 0, 1e9, 10000));
    TAP_CONTAINS(bad(SCN_T_NS, "10 parsecs", 0, 1e9), "unknown unit 'parsecs'");
}

static void t_enum_string(void)
{
    scn_valspec v = {SCN_T_ENUM, 0, 0, "a|bb|ccc", sizeof(int)};
    int x = -1;
    TAP_EQ(scn_value_parse(&v, "ccc", &x, why, sizeof why), 0);
    TAP_EQ(x, 2);
    TAP_STREQ(bad(SCN_T_ENUM, "b", 0, 0), "'b' is not a valid choice; expected a, bb or ccc");
    char name[8];
    TAP_EQ(scn_enum_name("a|bb|ccc", 1, name, sizeof name), 0);
    TAP_STREQ(name, "bb");
    TAP_EQ(scn_enum_name("a|bb|ccc", 3, name, sizeof name), -1);
    scn_valspec s = {SCN_T_STRING, 0, 0, NULL, 8};
    char str[8];
    TAP_EQ(scn_value_parse(&s, "1234567", str, why, sizeof why), 0);
    TAP_STREQ(str, "1234567");
    TAP_STREQ(bad(SCN_T_STRING, "12345678", 0, 0), "text is 8 bytes long; expected at most 7");
}

/* Nothing is clamped: a number a double cannot hold (underflow to 0 or to
 * a subnormal, overflow) or a negative zero is an error; a long but valid
 * number is read, not refused; percentages round once. */
static void t_exact(void)
{
    TAP_STREQ(bad(SCN_T_DOUBLE, "1e-400", 0, 10),
              "'1e-400' is too small for a double (not 0 but below 2.2250738585072014e-308: it would be stored as 0); "
              "expected 0 or a number in [0, 10]");
    TAP_STREQ(bad(SCN_T_DOUBLE, "5e-324", 0, 10),
              "'5e-324' is too small for a double (not 0 but below 2.2250738585072014e-308: it would be stored as a less "
              "precise subnormal); expected 0 or a number in [0, 10]");
    TAP_CONTAINS(bad(SCN_T_DOUBLE, "-1e-400", -1, 10), "'-1e-400' is too small for a double");
    TAP_CONTAINS(bad(SCN_T_PERCENT, "1e-307%", 0, 1), "'1e-307%' is too small for a double");
    TAP_STREQ(bad(SCN_T_DOUBLE, "-0", 0, 10), "'-0' is a negative zero; expected 0 without a sign, or a number in [0, 10]");
    TAP_CONTAINS(bad(SCN_T_DOUBLE, "-0.0e5", -1, 10), "'-0.0e5' is a negative zero");
    TAP_CONTAINS(bad(SCN_T_PERCENT, "-0%", 0, 1), "'-0%' is a negative zero");
    TAP_STREQ(bad(SCN_T_INT, "-0", -5, 5), "'-0' is a negative zero; expected 0 without a sign, or an integer in [-5, 5]");
    TAP_CONTAINS(bad(SCN_T_UINT, "-0", 0, 5), "'-0' is not an unsigned integer");
    TAP_CONTAINS(bad(SCN_T_PERCENT, "1e311%", 0, 1), "'1e311%' is too large for a double");
    /* Zeros written any other way are 0. */
    scn_valspec v = {SCN_T_DOUBLE, 0, 10, NULL, 8};
    const char *zeros[] = {"0", "+0", "0.0", "0e-400", "000.000e+99999999999999999999"};
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
        double d = 1;
        TAP_EQ(scn_value_parse(&v, zeros[i], &d, why, sizeof why), 0);
        TAP_CHECK(d == 0 && !signbit(d));
    }
    scn_valspec iv = {SCN_T_INT, -5, 5, NULL, 8};
    int64_t i64 = 1;
    TAP_EQ(scn_value_parse(&iv, "+0", &i64, why, sizeof why), 0);
    TAP_EQ(i64, 0);
    /* 64 characters and more: read exactly like a short one. */
    double d = 0;
    TAP_EQ(scn_value_parse(&v, "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899",
                           &d, why, sizeof why), 0);
    TAP_CHECK(d == 3.141592653589793);
    TAP_EQ(scn_value_parse(&v, "0.0000000000000000000000000000000000000000000000000000000000000000000000001e72",
                           &d, why, sizeof why), 0);
    TAP_CHECK(d == 0.1);
    char hundred[128] = "1";
    memset(hundred + 1, '0', 99);
    hundred[100] = 0;
    TAP_STREQ(bad(SCN_T_DOUBLE, hundred, 0, 10),
              "100000000000000000000000000000000000000000000000000000000000...(100 bytes) is out of range; expected a number in [0, 10]");
    /* Percentages: the double nearest the decimal / 100, also with an exponent. */
    scn_valspec p = {SCN_T_PERCENT, 0, 1, NULL, 8};
    TAP_EQ(scn_value_parse(&p, "5e1%", &d, why, sizeof why), 0);
    TAP_CHECK(d == 0.5);
    TAP_EQ(scn_value_parse(&p, "0.333e2%", &d, why, sizeof why), 0);
    TAP_CHECK(d == 0.333);
    TAP_EQ(scn_value_parse(&p, "33.3%", &d, why, sizeof why), 0);
    TAP_CHECK(d == 0.333);
    /* Malformed numbers. */
    const char *nan_forms[] = {"1e", "1e+", ".", "-", "1.2.3", "1e5.0", "e5", "1 ", "0x10", "1_000"};
    for (size_t i = 0; i < sizeof nan_forms / sizeof nan_forms[0]; i++)
        TAP_CONTAINS(bad(SCN_T_DOUBLE, nan_forms[i], 0, 10), "is not a number; expected a number in [0, 10]");
    TAP_EQ(scn_value_parse(&v, ".5", &d, why, sizeof why), 0);
    TAP_CHECK(d == 0.5);
    TAP_EQ(scn_value_parse(&v, "5.", &d, why, sizeof why), 0);
    TAP_CHECK(d == 5);
}

/* A very long value is shortened in the message, whose "expected" part is
 * always there; strings are UTF-8 without control characters. */
#define X59 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
static void t_long_and_text(void)
{
    static char huge[5001];
    memset(huge, 'x', 5000);
    char w[300];
    scn_valspec types[] = {{SCN_T_BOOL, 0, 0, NULL, 1}, {SCN_T_UINT, 0, 9, NULL, 8}, {SCN_T_INT, 0, 9, NULL, 8},
                           {SCN_T_DOUBLE, 0, 9, NULL, 8}, {SCN_T_PERCENT, 0, 1, NULL, 8},
                           {SCN_T_TIME, 0, 9, NULL, 8}, {SCN_T_NS, 0, 9, NULL, 8},
                           {SCN_T_ENUM, 0, 0, "a|bb", 4}, {SCN_T_STRING, 0, 0, NULL, 8}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        char field[16];
        TAP_EQ(scn_value_parse(&types[i], huge, field, w, sizeof w), -1);
        TAP_CONTAINS(w, "; expected ");
        TAP_CHECK(strlen(w) < 250);
    }
    TAP_STREQ(w, "text is 5000 bytes long; expected at most 7");
    TAP_EQ(scn_value_parse(&types[3], huge, w, w, sizeof w), -1);
    TAP_STREQ(w, "'x"X59"...(5000 bytes)' is not a number; "
                 "expected a number in [0, 9]");
    huge[4990] = '5';
    memcpy(huge, "5", 1);
    TAP_EQ(scn_value_parse(&types[5], huge, w, w, sizeof w), -1);
    TAP_STREQ(w, "unknown unit 'x"X59"...(4999 bytes)' in '5"X59"...(5000 bytes)'; "
                 "expected a time with a unit ns, us, ms or s (e.g. 100ms)");

    scn_valspec s = {SCN_T_STRING, 0, 0, NULL, 32};
    char str[32];
    TAP_EQ(scn_value_parse(&s, "caf\xc3\xa9 \xe2\x9c\x93\tok", str, why, sizeof why), 0);
    TAP_STREQ(str, "caf\xc3\xa9 \xe2\x9c\x93\tok");
    TAP_STREQ(bad(SCN_T_STRING, "caf\xe9", 0, 0), "invalid UTF-8 (byte 0xe9 at offset 3 of the value); expected UTF-8 text");
    TAP_STREQ(bad(SCN_T_STRING, "a\nb", 0, 0),
              "control character 0x0a at offset 1 of the value; expected text without control characters but tab");
    TAP_CONTAINS(bad(SCN_T_STRING, "\x7f", 0, 0), "control character 0x7f at offset 0");
}

/* Canonical text re-parses to the same value; JSON literals as documented. */
static void t_roundtrip(void)
{
    char out[128], js[64];
    scn_valspec t = {SCN_T_TIME, 0, 1e18, NULL, 8};
    uint64_t times[] = {0, 1, 999, 1000, 1500, 2000000, 3000000000ull, 1234567891ull};
    const char *want[] = {"0ns", "1ns", "999ns", "1us", "1500ns", "2ms", "3s", "1234567891ns"};
    for (int i = 0; i < 8; i++) {
        scn_value_format(&t, &times[i], out, sizeof out);
        TAP_STREQ(out, want[i]);
        uint64_t back;
        TAP_EQ(scn_value_parse(&t, out, &back, why, sizeof why), 0);
        TAP_EQ(back, times[i]);
        TAP_EQ(scn_value_json(&t, &times[i], js, sizeof js), 0);
    }
    TAP_STREQ(js, "1234567891");
    scn_valspec d = {SCN_T_DOUBLE, -1e300, 1e300, NULL, 8};
    double ds[] = {0.1, 1.0 / 3, 1e-300, 123456789.125, -2.5, DBL_MIN};
    for (int i = 0; i < 6; i++) {
        scn_value_format(&d, &ds[i], out, sizeof out);
        double back;
        TAP_EQ(scn_value_parse(&d, out, &back, why, sizeof why), 0);
        TAP_CHECK(back == ds[i]);
    }
    scn_fmt_double(0.1, out, sizeof out);
    TAP_STREQ(out, "0.1");
    scn_fmt_double(1e21, out, sizeof out);
    TAP_STREQ(out, "1e+21");
    scn_valspec p = {SCN_T_PERCENT, 0, 1, NULL, 8};
    for (int i = 0; i <= 1000; i++) {
        double x = i / 1000.0, back;
        scn_value_format(&p, &x, out, sizeof out);
        if (scn_value_parse(&p, out, &back, why, sizeof why) || back != x) {
            TAP_CHECK(!"percent round trip");
            printf("#   %.17g -> %s\n", x, out);
            break;
        }
    }
    bool b = true;
    scn_valspec bs = {SCN_T_BOOL, 0, 0, NULL, 1};
    TAP_EQ(scn_value_json(&bs, &b, js, sizeof js), 0);
    TAP_STREQ(js, "true");
    int e = 1;
    scn_valspec es = {SCN_T_ENUM, 0, 0, "x|y", sizeof(int)};
    TAP_EQ(scn_value_json(&es, &e, js, sizeof js), -1);
    scn_value_format(&es, &e, out, sizeof out);
    TAP_STREQ(out, "y");
    TAP_STREQ(scn_type_name(SCN_T_PERCENT), "percent");
    TAP_STREQ(scn_type_unit(SCN_T_TIME), "ns");
}

int main(void)
{
    TAP_RUN(t_bool);
    TAP_RUN(t_ints);
    TAP_RUN(t_doubles);
    TAP_RUN(t_time);
    TAP_RUN(t_enum_string);
    TAP_RUN(t_roundtrip);
    TAP_RUN(t_exact);
    TAP_RUN(t_long_and_text);
    return tap_done();
}
