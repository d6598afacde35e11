/* utf8: validation of UTF-8 text received from outside (JSON strings,
 * query strings, CSV fields). */
#ifndef TX_BASE_UTF8_H
#define TX_BASE_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is valid UTF-8: no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequence. */
int tx_utf8_valid(const char *s, size_t len);

/* Cut s (NUL-terminated) back to its last complete UTF-8 character, so
 * that text truncated at a byte limit (snprintf into a fixed buffer) stays
 * valid. Returns s. */
char *tx_utf8_trim(char *s);

#endif
