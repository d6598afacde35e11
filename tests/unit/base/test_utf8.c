/* Unit tests for src/base/utf8.c: UTF-8 validation of outside text
 * (formerly http_utf8_valid in src/http/query.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/utf8.h"

#define VALID(lit) tx_utf8_valid((lit), sizeof(lit) - 1)

static void test_utf8_accepts_ascii_and_empty(void **state)
{
    (void)state;
    assert_true(tx_utf8_valid("", 0));
    assert_true(VALID("hello, world ~"));
    /* an embedded NUL is a valid code point; callers that refuse it check separately */
    assert_true(VALID("a\0b"));
}

static void test_utf8_accepts_cjk(void **state)
{
    (void)state;
    assert_true(VALID("同心"));
    assert_true(VALID("白云社区 第3网格"));
    assert_true(VALID("\xC3\xA9"));     /* é, 2 bytes */
    assert_true(VALID("\xED\x9F\xBF")); /* U+D7FF, just below the surrogates */
    assert_true(VALID("\xEE\x80\x80")); /* U+E000, just above them */
    assert_true(VALID("\xEF\xBF\xBF")); /* U+FFFF */
}

static void test_utf8_accepts_four_byte_emoji(void **state)
{
    (void)state;
    assert_true(VALID("\xF0\x9F\x98\x80"));       /* U+1F600 */
    assert_true(VALID("ok \xF0\x9F\x91\x8D ok")); /* U+1F44D inside text */
    assert_true(VALID("\xF0\x90\x80\x80"));       /* U+10000 */
    assert_true(VALID("\xF4\x8F\xBF\xBF"));       /* U+10FFFF, the last code point */
}

static void test_utf8_rejects_overlong_forms(void **state)
{
    (void)state;
    assert_false(VALID("\xC0\x80"));         /* NUL in two bytes */
    assert_false(VALID("\xC1\xBF"));         /* U+007F in two bytes */
    assert_false(VALID("\xC0\xAF"));         /* '/' in two bytes */
    assert_false(VALID("\xE0\x80\x80"));     /* NUL in three */
    assert_false(VALID("\xE0\x9F\xBF"));     /* U+07FF in three */
    assert_false(VALID("\xF0\x80\x80\x80")); /* NUL in four */
    assert_false(VALID("\xF0\x8F\xBF\xBF")); /* U+FFFF in four */
}

static void test_utf8_rejects_surrogates(void **state)
{
    (void)state;
    assert_false(VALID("\xED\xA0\x80")); /* U+D800 */
    assert_false(VALID("\xED\xAF\xBF")); /* U+DBFF */
    assert_false(VALID("\xED\xB0\x80")); /* U+DC00 */
    assert_false(VALID("\xED\xBF\xBF")); /* U+DFFF */
    assert_false(VALID("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair for U+1F600 */
}

static void test_utf8_rejects_truncated_sequences(void **state)
{
    (void)state;
    assert_false(VALID("\xC3"));
    assert_false(VALID("\xE5\x90"));
    assert_false(VALID("\xF0\x9F\x98"));
    assert_false(VALID("abc\xE5"));
    /* the length bounds the check: a valid character cut by len is invalid */
    assert_false(tx_utf8_valid("同", 2));
    assert_true(tx_utf8_valid("同", 3));
    /* a lead byte followed by a non-continuation byte */
    assert_false(VALID("\xE5x\x90"));
    assert_false(VALID("\xC3 "));
}

static void test_utf8_rejects_above_u10ffff(void **state)
{
    (void)state;
    assert_false(VALID("\xF4\x90\x80\x80")); /* U+110000 */
    assert_false(VALID("\xF5\x80\x80\x80"));
    assert_false(VALID("\xF7\xBF\xBF\xBF"));
    assert_false(VALID("\xF8\x88\x80\x80\x80")); /* old 5-byte form */
    assert_false(VALID("\xFC\x84\x80\x80\x80\x80"));
    assert_false(VALID("\xFE"));
    assert_false(VALID("\xFF"));
}

static void test_utf8_rejects_bare_continuation_bytes(void **state)
{
    (void)state;
    assert_false(VALID("\x80"));
    assert_false(VALID("\xBF"));
    assert_false(VALID("a\x80z"));
    assert_false(VALID("\xC3\xA9\xA9")); /* one continuation too many */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_accepts_ascii_and_empty),
        cmocka_unit_test(test_utf8_accepts_cjk),
        cmocka_unit_test(test_utf8_accepts_four_byte_emoji),
        cmocka_unit_test(test_utf8_rejects_overlong_forms),
        cmocka_unit_test(test_utf8_rejects_surrogates),
        cmocka_unit_test(test_utf8_rejects_truncated_sequences),
        cmocka_unit_test(test_utf8_rejects_above_u10ffff),
        cmocka_unit_test(test_utf8_rejects_bare_continuation_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
