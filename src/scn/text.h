/*
 * scn/text.h — checks and quoting of the text a user wrote.
 *
 * Every scenario text (file, --set value) must be UTF-8, because it reaches
 * outputs whose formats require it (JSON: RFC 8259 section 8.1). The
 * check follows RFC 3629 (the Unicode "well-formed UTF-8" table): a
 * sequence of 1 to 4 bytes, no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF.
 *
 * Error messages quote what the user wrote; a very long text is shortened
 * so that the rest of the message ("...; expected ...") is always shown.
 *
 * Concurrency: pure functions.
 */
#ifndef HV_SCN_TEXT_H
#define HV_SCN_TEXT_H

#include <stddef.h>

/* Offset of the first byte of s[0..len) that does not belong to a
 * well-formed UTF-8 sequence (a truncated sequence at the end counts as
 * ill-formed at its first byte), or len when all of it is UTF-8. */
size_t scn_utf8_check(const char *s, size_t len);

/* Texts up to SCN_QUOTE_MAX bytes are quoted whole; longer ones as their
 * first SCN_QUOTE_HEAD bytes (cut back to a character boundary), "...",
 * and their length: "aaaa...(5000 bytes)". */
#define SCN_QUOTE_MAX 80
#define SCN_QUOTE_HEAD 60
#define SCN_QUOTE_BUF (SCN_QUOTE_HEAD + 40)
/* s itself when short enough, else the shortened form written into buf
 * (SCN_QUOTE_BUF bytes). */
const char *scn_quote(const char *s, char buf[SCN_QUOTE_BUF]);
/* Same for the len bytes at s (need not be NUL-terminated); always writes
 * into buf. */
const char *scn_quote_n(const char *s, size_t len, char buf[SCN_QUOTE_BUF]);

#endif
