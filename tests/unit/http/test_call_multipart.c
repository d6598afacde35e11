/* Unit tests for call_multipart_parts (src/http/call.c): a BODY_MULTIPART
 * call as the HTTP layer leaves it (its own copy of the body, the boundary)
 * parsed by a handler. The parser itself is tested in test_multipart.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/call.h"

#define LIT(s) (s), (sizeof(s) - 1)

/* A zeroed call holding a copy of body, as server.c makes it. */
static tx_call *new_call(const char *boundary, const char *body, size_t len)
{
    tx_call *c = calloc(1, sizeof *c);
    c->lang = TX_LANG_EN;
    char *copy = malloc(len ? len : 1);
    memcpy(copy, body, len);
    c->raw_body = copy;
    c->raw_body_len = len;
    snprintf(c->multipart_boundary, sizeof c->multipart_boundary, "%s", boundary);
    return c;
}

static void free_call(tx_call *c)
{
    free((char *)c->raw_body);
    free(c);
}

static const char REPORT[] = "--B\r\n"
                             "Content-Disposition: form-data; name=\"description\"\r\n\r\n"
                             "垃圾桶满了\r\n"
                             "--B\r\n"
                             "Content-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n"
                             "Content-Type: image/png\r\n\r\n"
                             "\x89PNG\r\n\x1a\n\r\n"
                             "--B--\r\n";

static void test_call_multipart_parts_points_into_the_calls_body(void **state)
{
    (void)state;
    tx_call *c = new_call("B", LIT(REPORT));
    http_multipart_part parts[4];
    int n = -1;
    assert_int_equal(call_multipart_parts(c, parts, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(c->err.status, 0);
    assert_string_equal(parts[0].name, "description");
    assert_int_equal(parts[0].len, strlen("垃圾桶满了"));
    assert_memory_equal(parts[0].data, "垃圾桶满了", parts[0].len);
    assert_string_equal(parts[1].filename, "a.png");
    assert_string_equal(parts[1].content_type, "image/png");
    assert_int_equal(parts[1].len, 8);
    assert_true(parts[1].data > c->raw_body && parts[1].data + parts[1].len < c->raw_body + c->raw_body_len);
    free_call(c);
}

static void test_call_multipart_parts_sets_400_on_the_call(void **state)
{
    (void)state;
    tx_call *c = new_call("B", LIT("--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--"));
    http_multipart_part parts[4];
    int n = -1;
    assert_int_equal(call_multipart_parts(c, parts, 4, &n), -1);
    assert_int_equal(n, 0);
    assert_int_equal(c->err.status, 400);
    assert_string_equal(c->err.code, "malformed_multipart");
    assert_string_equal(c->err.field, "body");
    assert_string_equal(c->err.msg[TX_LANG_EN], "malformed multipart/form-data body: part 1: no Content-Disposition header");
    free_call(c);

    /* more parts than the handler takes */
    c = new_call("B", LIT(REPORT));
    assert_int_equal(call_multipart_parts(c, parts, 1, &n), -1);
    assert_int_equal(c->err.status, 400);
    assert_string_equal(c->err.msg[TX_LANG_ZH], "multipart/form-data 请求体格式错误：部分超过 1 个");
    free_call(c);
}

static void test_call_multipart_parts_without_a_body_is_400(void **state)
{
    (void)state;
    /* a call the HTTP layer gave no body (or no boundary: not a multipart route) */
    tx_call *c = calloc(1, sizeof *c);
    http_multipart_part parts[2];
    int n = -1;
    assert_int_equal(call_multipart_parts(c, parts, 2, &n), -1);
    assert_int_equal(c->err.status, 400);
    free(c);
    c = new_call("B", LIT(""));
    assert_int_equal(call_multipart_parts(c, parts, 2, &n), -1);
    assert_int_equal(c->err.status, 400);
    assert_string_equal(c->err.msg[TX_LANG_EN], "malformed multipart/form-data body: no boundary line");
    free_call(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_multipart_parts_points_into_the_calls_body),
        cmocka_unit_test(test_call_multipart_parts_sets_400_on_the_call),
        cmocka_unit_test(test_call_multipart_parts_without_a_body_is_400),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
