#include "scn/text.h"

#include <stdio.h>
#include <string.h>

_Static_assert(SCN_QUOTE_BUF > SCN_QUOTE_MAX, "a short text is copied whole into the buffer");

size_t scn_utf8_check(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Lead byte: sequence length and the allowed range of the second
         * byte (RFC 3629, section 4), which rules out overlong forms,
         * surrogates and code points above U+10FFFF. */
        size_t n;
        unsigned lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf)
            n = 2;
        else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            if (c == 0xe0)
                lo = 0xa0;
            else if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f;
        } else
            return i; /* 0x80..0xc1 (continuation or overlong lead), 0xf5.. */
        if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < n; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf)
                return i;
        i += n;
    }
    return len;
}

const char *scn_quote_n(const char *s, size_t len, char buf[SCN_QUOTE_BUF])
{
    if (len <= SCN_QUOTE_MAX) {
        memcpy(buf, s, len);
        buf[len] = 0;
        return buf;
    }
    /* Cut before a continuation byte's lead, so a well-formed text stays
     * well-formed. */
    size_t h = SCN_QUOTE_HEAD;
    while (h > 0 && ((unsigned char)s[h] & 0xc0) == 0x80)
        h--;
    snprintf(buf, SCN_QUOTE_BUF, "%.*s...(%zu bytes)", (int)h, s, len);
    return buf;
}

const char *scn_quote(const char *s, char buf[SCN_QUOTE_BUF])
{
    size_t len = strlen(s);
    return len <= SCN_QUOTE_MAX ? s : scn_quote_n(s, len, buf);
}
