/* query: form-urlencoded parsing and UTF-8 validation (see query.h). */
#include "http/query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long http_pct_decode(const char *src, size_t len, char *out, int plus_is_space)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = src[i];
        if (ch == '%') {
            if (i + 2 >= len)
                return -1;
            int hi = hexval(src[i + 1]), lo = hexval(src[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            ch = (char)(hi * 16 + lo);
            i += 2;
        } else if (ch == '+' && plus_is_space) {
            ch = ' ';
        }
        /* A NUL, escaped or raw, would cut the decoded C string short
         * silently (found by the query fuzzer: a raw NUL made an empty
         * name pass as a non-empty one). */
        if (ch == '\0')
            return -1;
        out[o++] = ch;
    }
    out[o] = '\0';
    return (long)o;
}

int http_query_parse(const char *q, size_t len, char **names, char **values, int max, char **buf)
{
    *buf = NULL;
    if (len == 0)
        return 0;
    /* Decoded text is never longer than the input: one buffer of len+1 per
     * byte position is enough for every name and value with terminators. */
    char *b = malloc(len * 2 + 2);
    if (b == NULL)
        return -1;
    size_t used = 0;
    int n = 0;
    size_t i = 0;
    while (i <= len) {
        size_t end = i;
        while (end < len && q[end] != '&')
            end++;
        if (end > i) {
            if (n == max) {
                free(b);
                return -1;
            }
            size_t eq = i;
            while (eq < end && q[eq] != '=')
                eq++;
            long nl = http_pct_decode(q + i, eq - i, b + used, 1);
            if (nl <= 0) {
                free(b);
                return -1;
            }
            names[n] = b + used;
            used += (size_t)nl + 1;
            size_t vstart = eq < end ? eq + 1 : end;
            long vl = http_pct_decode(q + vstart, end - vstart, b + used, 1);
            if (vl < 0) {
                free(b);
                return -1;
            }
            values[n] = b + used;
            used += (size_t)vl + 1;
            n++;
        }
        i = end + 1;
    }
    *buf = b;
    return n;
}
