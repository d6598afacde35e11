/* form: urlencoded bodies as JSON objects (see form.h). The splitting and
 * percent-decoding are the query string's (http/query.c). */
#include "http/form.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "http/query.h"

static int malformed(tx_err *err, const char *why_zh, const char *why_en)
{
    return tx_err_set_reason(err, 400, "malformed_form", "body", M_FORM_BODY, 0, 0, NULL, why_zh, why_en);
}

/* Add value under key: a string the first time, an array from the second
 * time on (or from the first, when always_array). */
static int add_value(json_t *obj, const char *key, const char *value, int always_array)
{
    json_t *v = json_string(value);
    if (v == NULL)
        return -1;
    json_t *have = json_object_get(obj, key);
    if (have == NULL)
        return json_object_set_new(obj, key, always_array ? json_pack("[o]", v) : v);
    if (json_is_array(have))
        return json_array_append_new(have, v);
    return json_object_set_new(obj, key, json_pack("[O, o]", have, v));
}

int http_form_to_json(const char *body, size_t len, json_t **out, tx_err *err)
{
    /* A raw NUL would cut the text it is in short, silently. */
    if (len && memchr(body, '\0', len) != NULL)
        return malformed(err, "含 NUL 字节", "a NUL byte");
    /* Every field but the last ends at a '&': that bounds the count. */
    size_t pieces = 1;
    for (size_t i = 0; i < len; i++)
        pieces += body[i] == '&';
    if (pieces > (size_t)HTTP_FORM_MAX_FIELDS * 4)
        return malformed(err, "字段过多", "too many fields");
    char **names = malloc(pieces * sizeof *names), **values = malloc(pieces * sizeof *values);
    char *buf = NULL;
    json_t *obj = json_object();
    int rc = -1;
    if (names == NULL || values == NULL || obj == NULL) {
        tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        goto done;
    }
    int n = http_query_parse(body, len, names, values, (int)pieces, &buf);
    if (n < 0) {
        malformed(err, "百分号转义错误、含 NUL 字节或字段名为空", "a bad percent-escape, a NUL byte or an empty name");
        goto done;
    }
    if (n > HTTP_FORM_MAX_FIELDS) {
        malformed(err, "字段过多", "too many fields");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        if (!tx_utf8_valid(names[i], nl) || !tx_utf8_valid(values[i], strlen(values[i]))) {
            malformed(err, "不是 UTF-8 文本", "text that is not UTF-8");
            goto done;
        }
        int always_array = nl > 2 && strcmp(names[i] + nl - 2, "[]") == 0;
        if (always_array)
            names[i][nl - 2] = '\0';
        if (add_value(obj, names[i], values[i], always_array)) {
            tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
            goto done;
        }
    }
    *out = obj;
    obj = NULL;
    rc = 0;
done:
    json_decref(obj);
    free(buf);
    free(names);
    free(values);
    return rc;
}
