/* Fuzz target "query": query strings as the server splits them
 * (http_query_parse, src/http/query.c, with CALL_MAX_QUERY pairs as in
 * http/server.c) and percent-decoding alone (http_pct_decode, both with '+'
 * as a space, as for queries, and without, as for path segments).
 *
 * Input: the raw query string, without the '?'.
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch: a parse gives
 * -1 or 0..max pairs; every name is non-empty; no name or value is longer
 * than the input, and all of them lie inside the one decoded buffer;
 * decoding never writes more than the input's length plus the terminator,
 * and the result has no NUL before its end. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/call.h"
#include "http/query.h"

static void check_decode(const char *s, size_t len, int plus_is_space)
{
    /* Exactly len + 1 bytes, so that ASan catches a write past them. */
    char *out = malloc(len + 1);
    assert(out != NULL);
    long n = http_pct_decode(s, len, out, plus_is_space);
    assert(n >= -1 && n <= (long)len);
    if (n >= 0) {
        assert(out[n] == '\0');
        assert(strlen(out) == (size_t)n);
        if (plus_is_space)
            assert(memchr(out, '+', (size_t)n) == NULL || memchr(s, '%', len) != NULL);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *q = (const char *)data;
    char *names[CALL_MAX_QUERY], *values[CALL_MAX_QUERY], *buf = NULL;
    int n = http_query_parse(q, size, names, values, CALL_MAX_QUERY, &buf);
    assert(n >= -1 && n <= CALL_MAX_QUERY);
    if (n < 0 || size == 0)
        assert(buf == NULL);
    for (int i = 0; i < n; i++) {
        size_t nl = strlen(names[i]), vl = strlen(values[i]);
        assert(nl > 0 && nl <= size && vl <= size);
        /* Inside the buffer of 2 * size + 2 bytes the parser allocates. */
        assert(names[i] >= buf && names[i] + nl < buf + 2 * size + 2);
        assert(values[i] >= buf && values[i] + vl < buf + 2 * size + 2);
    }
    free(buf);
    check_decode(q, size, 1);
    check_decode(q, size, 0);
    return 0;
}
