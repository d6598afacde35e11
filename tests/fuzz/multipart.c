/* Fuzz target "multipart": multipart/form-data uploads (photos of a case)
 * as the server takes them: the boundary from the Content-Type header
 * (http_multipart_boundary) and the body split into parts
 * (http_multipart_parse), both in src/http/multipart.c.
 *
 * Input: the Content-Type header value, a '\n', then the body. When the
 * header gives no boundary the body is still parsed, with the boundary
 * "tongxin-fuzz", so that the body's grammar is fuzzed on every input.
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch: a boundary that
 * is accepted is 1-70 characters RFC 2046 allows, not ending in a space; a
 * parse gives 1..max parts, or -1 with a 400 "malformed_multipart" error in
 * both languages; each part's data lies inside the body, in order and
 * without overlap, and holds no delimiter line; names are non-empty UTF-8
 * of at most HTTP_MULTIPART_NAME_MAX bytes; filenames are UTF-8 and empty
 * unless one was sent; every part has a content type. */
#define _GNU_SOURCE
#include <string.h>

#include "fuzz.h"
#include "http/multipart.h"

#define MAX_PARTS 8

static int bchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t ctlen;
    const uint8_t *ct = fuzz_piece(&data, &size, '\n', &ctlen);
    char boundary[HTTP_MULTIPART_BOUNDARY_MAX + 1];
    if (http_multipart_boundary((const char *)ct, ctlen, boundary, sizeof boundary) == 0) {
        size_t bl = strlen(boundary);
        assert(bl >= 1 && bl <= HTTP_MULTIPART_BOUNDARY_MAX && boundary[bl - 1] != ' ');
        for (size_t i = 0; i < bl; i++)
            assert(bchar((unsigned char)boundary[i]));
    } else {
        assert(boundary[0] == '\0');
        memcpy(boundary, "tongxin-fuzz", sizeof "tongxin-fuzz");
    }
    /* The body in a buffer of its own exact size: a read past it is ASan's. */
    char *body = malloc(size ? size : 1);
    assert(body != NULL);
    if (size)
        memcpy(body, data, size);
    http_multipart_part parts[MAX_PARTS];
    int n = -1;
    tx_err err;
    tx_err_clear(&err);
    if (http_multipart_parse(body, size, boundary, parts, MAX_PARTS, &n, &err)) {
        fuzz_check_err(&err);
        assert(err.status == 400 && strcmp(err.code, "malformed_multipart") == 0);
        free(body);
        return 0;
    }
    assert(n >= 1 && n <= MAX_PARTS && err.status == 0);
    char delim[4 + HTTP_MULTIPART_BOUNDARY_MAX];
    size_t dlen = 4 + strlen(boundary);
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, dlen - 4);
    const char *prev_end = body;
    for (int i = 0; i < n; i++) {
        const http_multipart_part *pt = &parts[i];
        assert(pt->data >= prev_end && pt->data + pt->len <= body + size);
        assert(memmem(pt->data, pt->len, delim, dlen) == NULL);
        prev_end = pt->data + pt->len;
        size_t nl = strlen(pt->name), fl = strlen(pt->filename);
        assert(nl >= 1 && nl <= HTTP_MULTIPART_NAME_MAX && tx_utf8_valid(pt->name, nl));
        assert(fl <= HTTP_MULTIPART_FILENAME_MAX && tx_utf8_valid(pt->filename, fl));
        assert(pt->has_filename || fl == 0);
        assert(pt->content_type[0] != '\0' && strlen(pt->content_type) <= HTTP_MULTIPART_TYPE_MAX);
    }
    free(body);
    return 0;
}
