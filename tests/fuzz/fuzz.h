/* fuzz: what every fuzz target of tests/fuzz/ checks alike.
 *
 * Each target is one file, <name>.c, with LLVMFuzzerTestOneInput; its seeds
 * are in tests/fuzz/corpus/<name>/. assert() is the targets' oracle: the
 * harnesses are built without NDEBUG, and a failed assertion aborts, which
 * libFuzzer reports as a crash with the input that caused it. */
#ifndef TX_FUZZ_H
#define TX_FUZZ_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/utf8.h"

/* An error the way the API shapes it: a known status and code, and a
 * message in both languages that is valid UTF-8 (it is echoed to the
 * client, fuzzed text and all), as is the field it names. */
static inline void fuzz_check_err(const tx_err *err)
{
    assert(err->status >= 400 && err->status <= 599);
    assert(err->code != NULL);
    assert(tx_utf8_valid(err->field, strlen(err->field)));
    for (int l = 0; l < 2; l++)
        assert(err->msg[l][0] != '\0' && tx_utf8_valid(err->msg[l], strlen(err->msg[l])));
}

/* data[0..size) as a new NUL-terminated string of exactly size + 1 bytes
 * (so ASan sees a read past its end); text with a NUL in it is cut there,
 * as every C-string entry point would see it. The caller frees it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    assert(s != NULL);
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The next piece of *data up to sep (not included), advancing past it; the
 * rest when there is no sep. For inputs made of several fields. */
static inline const uint8_t *fuzz_piece(const uint8_t **data, size_t *size, uint8_t sep, size_t *len)
{
    const uint8_t *start = *data;
    const uint8_t *end = *size ? memchr(start, sep, *size) : NULL;
    *len = end ? (size_t)(end - start) : *size;
    *data += *len + (end != NULL);
    *size -= *len + (end != NULL);
    return start;
}

#endif
