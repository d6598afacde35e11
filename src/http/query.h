/* query: application/x-www-form-urlencoded parsing (query strings and form
 * bodies) and percent-decoding of path segments. */
#ifndef TX_HTTP_QUERY_H
#define TX_HTTP_QUERY_H

#include <stddef.h>

/* Percent-decode src[0..len) into out (room for len+1 bytes), turning '+'
 * into a space when plus_is_space. Returns the decoded length, or -1 on a
 * malformed escape or a NUL byte (raw or encoded). */
long http_pct_decode(const char *src, size_t len, char *out, int plus_is_space);

/* Split a query string (without '?') into at most max name/value pairs.
 * Decoded strings are stored in *buf (malloc'd, caller frees; NULL when the
 * query is empty). Returns the number of pairs, or -1 when malformed or there
 * are more than max. */
int http_query_parse(const char *q, size_t len, char **names, char **values, int max, char **buf);

#endif
