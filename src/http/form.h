/* form: application/x-www-form-urlencoded request bodies (Open311's POST)
 * as a JSON object of strings, so handlers read them with the same call_body_*
 * helpers as JSON bodies. */
#ifndef TX_HTTP_FORM_H
#define TX_HTTP_FORM_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

/* Most fields (name=value pairs) one form may have. */
#define HTTP_FORM_MAX_FIELDS 1000

/* Parse body[0..len) ("a=1&b=x+y&c%5B%5D=2") into a new JSON object:
 *   - names and values are percent-decoded, '+' is a space;
 *   - a name given once maps to a string ("a": "1");
 *   - a name given more than once maps to an array of its values, in order;
 *   - a name ending in "[]" (attribute[code][]=v) is stored without the
 *     "[]" and always as an array, even for one value;
 *   - empty pieces ("a=1&&b=2", a trailing '&') are skipped; a piece without
 *     '=' is a name with an empty value.
 * An empty body gives an empty object. Returns 0 and sets *out (owned by
 * the caller), or -1 with a 400 in err when the body is malformed: a bad
 * escape, a NUL byte (raw or encoded), an empty name, text that is not UTF-8, or more
 * than HTTP_FORM_MAX_FIELDS fields. */
int http_form_to_json(const char *body, size_t len, json_t **out, tx_err *err);

#endif
