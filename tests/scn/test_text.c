/* scn/text.h: the UTF-8 check (RFC 3629's well-formed table) and the
 * shortening of long texts in messages. */
#include "scn/text.h"
#include "tap.h"

#include <string.h>

static size_t check(const char *s) { return scn_utf8_check(s, strlen(s)); }

static void t_utf8(void)
{
    TAP_EQ(check(""), 0);
    TAP_EQ(check("plain ascii"), 11);
    TAP_EQ(check("caf\xc3\xa9"), 5);                       /* U+00E9 */
    TAP_EQ(check("\xe2\x9c\x93"), 3);                      /* U+2713 */
    TAP_EQ(check("\xf0\x9f\x98\x80"), 4);                  /* U+1F600 */
    TAP_EQ(check("\xf4\x8f\xbf\xbf"), 4);                  /* U+10FFFF */
    TAP_EQ(check("\xed\x9f\xbf"), 3);                      /* U+D7FF */
    TAP_EQ(check("\xee\x80\x80"), 3);                      /* U+E000 */
    TAP_EQ(scn_utf8_check("a\0b", 3), 3);                  /* NUL is UTF-8 */
    /* Ill-formed: the offset of the sequence's first byte. */
    TAP_EQ(check("caf\xe9"), 3);                           /* Latin-1 */
    TAP_EQ(check("ab\x80"), 2);                            /* lone continuation */
    TAP_EQ(check("\xc0\xaf"), 0);                          /* overlong '/' */
    TAP_EQ(check("\xc1\xbf"), 0);
    TAP_EQ(check("x\xe0\x80\xaf"), 1);                     /* overlong, 3 bytes */
    TAP_EQ(check("\xf0\x80\x80\xaf"), 0);                  /* overlong, 4 bytes */
    TAP_EQ(check("\xed\xa0\x80"), 0);                      /* surrogate U+D800 */
    TAP_EQ(check("\xed\xbf\xbf"), 0);                      /* surrogate U+DFFF */
    TAP_EQ(check("\xf4\x90\x80\x80"), 0);                  /* U+110000 */
    TAP_EQ(check("\xf5\x80\x80\x80"), 0);
    TAP_EQ(check("\xff"), 0);
    TAP_EQ(check("ok\xe2\x9c"), 2);                        /* cut at the end */
    TAP_EQ(check("\xe2\x28\xa1"), 0);                      /* bad second byte */
    TAP_EQ(check("\xf0\x9f\x98\x28"), 0);                  /* bad fourth byte */
    /* Length-limited: the bytes past len do not count. */
    TAP_EQ(scn_utf8_check("\xc3\xa9", 1), 0);
}

static void t_quote(void)
{
    char b[SCN_QUOTE_BUF];
    const char *s = "short";
    TAP_CHECK(scn_quote(s, b) == s);
    char at[SCN_QUOTE_MAX + 1];
    memset(at, 'a', SCN_QUOTE_MAX);
    at[SCN_QUOTE_MAX] = 0;
    TAP_CHECK(scn_quote(at, b) == at); /* exactly at the limit: whole */
    char big[200];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = 0;
    TAP_STREQ(scn_quote(big, b), "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...(199 bytes)");
    /* Never cut inside a character: U+00E9 straddling byte 60 goes whole
     * to the tail. */
    memset(big, 'c', sizeof big - 1);
    memcpy(big + 59, "\xc3\xa9", 2);
    TAP_STREQ(scn_quote(big, b), "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc...(199 bytes)");
    TAP_EQ(scn_utf8_check(b, strlen(b)), strlen(b));
    TAP_STREQ(scn_quote_n("abcdef", 3, b), "abc");
}

int main(void)
{
    TAP_RUN(t_utf8);
    TAP_RUN(t_quote);
    return tap_done();
}
