/* Fuzz target "form": application/x-www-form-urlencoded request bodies as
 * Open311's POST gets them (http_form_to_json, src/http/form.c, over the
 * query string's splitting and decoding in src/http/query.c).
 *
 * Input: the raw body.
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch: the result is
 * an object, or -1 with a 400 "malformed_form" error in both languages;
 * every member name is non-empty UTF-8; every value is a string or a
 * non-empty array of strings; no more than HTTP_FORM_MAX_FIELDS values in
 * all, and never more values than the body has '&'-separated pieces. */
#include <jansson.h>

#include "fuzz.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *obj = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (http_form_to_json((const char *)data, size, &obj, &err)) {
        fuzz_check_err(&err);
        assert(err.status == 400 && strcmp(err.code, "malformed_form") == 0);
        assert(obj == NULL);
        return 0;
    }
    assert(json_is_object(obj) && err.status == 0);
    size_t pieces = 1, values = 0;
    for (size_t i = 0; i < size; i++)
        pieces += data[i] == '&';
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        assert(key[0] != '\0' && tx_utf8_valid(key, strlen(key)));
        if (json_is_string(v)) {
            values++;
            continue;
        }
        assert(json_is_array(v) && json_array_size(v) > 0);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            assert(json_is_string(x));
            values++;
        }
    }
    assert(values <= HTTP_FORM_MAX_FIELDS && values <= pieces);
    json_decref(obj);
    return 0;
}
