/* Unit tests for src/http/query.c: percent-decoding and query strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/query.h"

/* Decode s whole; returns the length (-1 on error) and leaves the text in out. */
static long decode(const char *s, char *out, int plus)
{
    return http_pct_decode(s, strlen(s), out, plus);
}

static void test_pct_decode_passes_plain_text(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(decode("hello-world_1.2~", out, 0), 16);
    assert_string_equal(out, "hello-world_1.2~");
    assert_int_equal(decode("", out, 0), 0);
    assert_string_equal(out, "");
}

static void test_pct_decode_decodes_valid_escapes(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(decode("%41%62c", out, 0), 3);
    assert_string_equal(out, "Abc");
    /* upper and lower case hex */
    assert_int_equal(decode("%E7%99%BD%e4%ba%91", out, 0), 6);
    assert_string_equal(out, "白云");
    assert_int_equal(decode("a%2Fb%20c%25", out, 0), 6);
    assert_string_equal(out, "a/b c%");
}

static void test_pct_decode_plus_is_space_only_when_asked(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(decode("a+b", out, 0), 3);
    assert_string_equal(out, "a+b");
    assert_int_equal(decode("a+b", out, 1), 3);
    assert_string_equal(out, "a b");
    /* an encoded plus stays a plus */
    assert_int_equal(decode("a%2Bb", out, 1), 3);
    assert_string_equal(out, "a+b");
}

static void test_pct_decode_rejects_bad_escapes(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(decode("%", out, 0), -1);
    assert_int_equal(decode("abc%", out, 0), -1);
    assert_int_equal(decode("%0", out, 0), -1);
    assert_int_equal(decode("abc%4", out, 0), -1);
    assert_int_equal(decode("%G1", out, 0), -1);
    assert_int_equal(decode("%1G", out, 0), -1);
    assert_int_equal(decode("%%41", out, 0), -1);
    assert_int_equal(decode("% 1", out, 0), -1);
}

static void test_pct_decode_rejects_decoded_nul(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(decode("%00", out, 0), -1);
    assert_int_equal(decode("ab%00cd", out, 1), -1);
}

static void test_pct_decode_respects_length(void **state)
{
    (void)state;
    char out[64];
    /* only the first 3 bytes are input: "%41" and then nothing */
    assert_int_equal(http_pct_decode("%41%42", 3, out, 0), 1);
    assert_string_equal(out, "A");
    /* an escape cut by the length is malformed, not read past the end */
    assert_int_equal(http_pct_decode("%41%42", 5, out, 0), -1);
    assert_int_equal(http_pct_decode("ab%41", 2, out, 0), 2);
    assert_string_equal(out, "ab");
}

/* ---- query strings ---- */

static int parse(const char *q, char **names, char **values, int max, char **buf)
{
    return http_query_parse(q, strlen(q), names, values, max, buf);
}

static void test_query_empty_gives_no_pairs_and_no_buffer(void **state)
{
    (void)state;
    char *names[4], *values[4], *buf = (char *)1;
    assert_int_equal(parse("", names, values, 4, &buf), 0);
    assert_null(buf);
}

static void test_query_several_pairs_are_decoded_in_order(void **state)
{
    (void)state;
    char *names[8], *values[8], *buf = NULL;
    assert_int_equal(parse("kind=grid&q=%E7%99%BD%E4%BA%91+3&limit=20", names, values, 8, &buf), 3);
    assert_string_equal(names[0], "kind");
    assert_string_equal(values[0], "grid");
    assert_string_equal(names[1], "q");
    assert_string_equal(values[1], "白云 3");
    assert_string_equal(names[2], "limit");
    assert_string_equal(values[2], "20");
    free(buf);
}

static void test_query_missing_equals_gives_empty_value(void **state)
{
    (void)state;
    char *names[4], *values[4], *buf = NULL;
    assert_int_equal(parse("verbose&x=1", names, values, 4, &buf), 2);
    assert_string_equal(names[0], "verbose");
    assert_string_equal(values[0], "");
    assert_string_equal(names[1], "x");
    assert_string_equal(values[1], "1");
    free(buf);
}

static void test_query_empty_values_are_kept(void **state)
{
    (void)state;
    char *names[4], *values[4], *buf = NULL;
    assert_int_equal(parse("a=&b=", names, values, 4, &buf), 2);
    assert_string_equal(names[0], "a");
    assert_string_equal(values[0], "");
    assert_string_equal(names[1], "b");
    assert_string_equal(values[1], "");
    free(buf);
}

static void test_query_value_may_contain_equals(void **state)
{
    (void)state;
    char *names[4], *values[4], *buf = NULL;
    assert_int_equal(parse("expr=a=b", names, values, 4, &buf), 1);
    assert_string_equal(names[0], "expr");
    assert_string_equal(values[0], "a=b");
    free(buf);
}

static void test_query_empty_segments_from_double_ampersand_are_skipped(void **state)
{
    (void)state;
    char *names[4], *values[4], *buf = NULL;
    assert_int_equal(parse("a=1&&b=2&", names, values, 4, &buf), 2);
    assert_string_equal(names[0], "a");
    assert_string_equal(names[1], "b");
    assert_string_equal(values[1], "2");
    free(buf);
    buf = NULL;
    assert_int_equal(parse("&&", names, values, 4, &buf), 0);
    free(buf);
}

static void test_query_too_many_pairs_is_an_error(void **state)
{
    (void)state;
    char *names[2], *values[2], *buf = NULL;
    assert_int_equal(parse("a=1&b=2", names, values, 2, &buf), 2);
    free(buf);
    buf = (char *)1;
    assert_int_equal(parse("a=1&b=2&c=3", names, values, 2, &buf), -1);
    assert_null(buf);
}

static void test_query_empty_name_is_an_error(void **state)
{
    (void)state;
    char *names[4], *values[4], *buf = (char *)1;
    assert_int_equal(parse("=1", names, values, 4, &buf), -1);
    assert_null(buf);
    buf = (char *)1;
    assert_int_equal(parse("a=1&=2", names, values, 4, &buf), -1);
    assert_null(buf);
}

static void test_query_bad_escape_is_an_error(void **state)
{
    (void)state;
    char *names[4], *values[4], *buf = (char *)1;
    assert_int_equal(parse("a=%ZZ", names, values, 4, &buf), -1);
    assert_null(buf);
    buf = (char *)1;
    assert_int_equal(parse("a%=1", names, values, 4, &buf), -1);
    assert_null(buf);
    buf = (char *)1;
    assert_int_equal(parse("a=1%00", names, values, 4, &buf), -1);
    assert_null(buf);
}

static void test_query_long_input_fits_its_buffer(void **state)
{
    (void)state;
    /* many one-letter pairs: the worst case for terminators */
    char q[2 * 32];
    size_t n = 0;
    for (int i = 0; i < 32; i++) {
        q[n++] = (char)('a' + i % 26);
        q[n++] = '&';
    }
    q[--n] = '\0';
    char *names[32], *values[32], *buf = NULL;
    assert_int_equal(http_query_parse(q, n, names, values, 32, &buf), 32);
    assert_string_equal(names[31], "f");
    assert_string_equal(values[31], "");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pct_decode_passes_plain_text),
        cmocka_unit_test(test_pct_decode_decodes_valid_escapes),
        cmocka_unit_test(test_pct_decode_plus_is_space_only_when_asked),
        cmocka_unit_test(test_pct_decode_rejects_bad_escapes),
        cmocka_unit_test(test_pct_decode_rejects_decoded_nul),
        cmocka_unit_test(test_pct_decode_respects_length),
        cmocka_unit_test(test_query_empty_gives_no_pairs_and_no_buffer),
        cmocka_unit_test(test_query_several_pairs_are_decoded_in_order),
        cmocka_unit_test(test_query_missing_equals_gives_empty_value),
        cmocka_unit_test(test_query_empty_values_are_kept),
        cmocka_unit_test(test_query_value_may_contain_equals),
        cmocka_unit_test(test_query_empty_segments_from_double_ampersand_are_skipped),
        cmocka_unit_test(test_query_too_many_pairs_is_an_error),
        cmocka_unit_test(test_query_empty_name_is_an_error),
        cmocka_unit_test(test_query_bad_escape_is_an_error),
        cmocka_unit_test(test_query_long_input_fits_its_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
