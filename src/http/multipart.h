/* multipart: a strict parser of multipart/form-data request bodies
 * (RFC 7578 over RFC 2046 §5.1), for the routes that take uploads.
 *
 * It works on the body already in memory and copies nothing of the data:
 * each part points into the body. Everything it reads is bounded by explicit
 * lengths (it is fuzzed), and anything malformed is refused with a reason
 * rather than guessed at. */
#ifndef TX_HTTP_MULTIPART_H
#define TX_HTTP_MULTIPART_H

#include <stddef.h>

#include "base/err.h"

#define HTTP_MULTIPART_BOUNDARY_MAX 70  /* RFC 2046: 1 to 70 characters */
#define HTTP_MULTIPART_LINE_MAX 1024    /* one part header line, without CRLF */
#define HTTP_MULTIPART_HEADERS_MAX 16   /* header lines of one part */
#define HTTP_MULTIPART_NAME_MAX 100     /* bytes of a field name */
#define HTTP_MULTIPART_FILENAME_MAX 255 /* bytes of a filename */
#define HTTP_MULTIPART_TYPE_MAX 127     /* bytes of a part's Content-Type */

typedef struct {
    char name[HTTP_MULTIPART_NAME_MAX + 1];         /* form field name, UTF-8 */
    char filename[HTTP_MULTIPART_FILENAME_MAX + 1]; /* UTF-8; "" when has_filename is 0 */
    int has_filename;                               /* a filename parameter was sent (even empty) */
    char content_type[HTTP_MULTIPART_TYPE_MAX + 1]; /* as sent, trimmed; "text/plain" when absent */
    const char *data;                               /* into the body; not copied, not terminated */
    size_t len;
} http_multipart_part;

/* Check that a Content-Type header value (len bytes, not necessarily
 * terminated) is multipart/form-data with a valid boundary parameter, and
 * copy the boundary (unquoted) into out, NUL-terminated; outsz must be at
 * least HTTP_MULTIPART_BOUNDARY_MAX + 1. Returns 0, or -1 when the type is
 * another one, the parameters are malformed, or the boundary is missing,
 * repeated, longer than 70 characters or uses characters RFC 2046 does not
 * allow. */
int http_multipart_boundary(const char *content_type, size_t len, char *out, size_t outsz);

/* Parse body[0..len) delimited by boundary into at most max parts, setting
 * *n to their number. A preamble before the first boundary line and an
 * epilogue after the closing one are ignored. Each part must have a
 * Content-Disposition: form-data header with a name; Content-Type is
 * optional; Content-Transfer-Encoding, if sent, must be 7bit, 8bit or
 * binary (nothing is decoded); other headers are ignored (RFC 7578 §4.8).
 * Returns 0, or -1 with err set to 400 "malformed_multipart" on field
 * "body", saying what is wrong and in which part. The parts point into
 * body, which must outlive them. */
int http_multipart_parse(const char *body, size_t len, const char *boundary, http_multipart_part *parts, int max,
                         int *n, tx_err *err);

#endif
