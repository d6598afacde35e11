/* Unit tests for src/base/err.c: the error type and its bilingual messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/utf8.h"

static void test_err_set_returns_minus_one_and_keeps_status_and_code(void **state)
{
    (void)state;
    tx_err e;
    tx_err_clear(&e);
    static const char code[] = "missing_field";
    assert_int_equal(tx_err_set(&e, 400, code, "name", M_FIELD_REQUIRED, "name"), -1);
    assert_int_equal(e.status, 400);
    assert_ptr_equal(e.code, code); /* static storage: kept, not copied */
    assert_string_equal(e.field, "name");
}

static void test_err_set_renders_both_languages(void **state)
{
    (void)state;
    tx_err e;
    tx_err_set(&e, 400, "missing_field", "name", M_FIELD_REQUIRED, "name");
    assert_string_equal(e.msg[TX_LANG_EN], "field 'name' is required");
    assert_string_equal(e.msg[TX_LANG_ZH], "缺少字段“name”");

    tx_err_set(&e, 429, "throttled", NULL, M_LOGIN_THROTTLED, 42);
    assert_string_equal(e.msg[TX_LANG_EN], "too many failed logins; try again in 42 seconds");
    assert_string_equal(e.msg[TX_LANG_ZH], "登录失败次数过多，请 42 秒后再试");

    tx_err_set(&e, 405, "method_not_allowed", NULL, M_METHOD_NOT_ALLOWED, "PATCH", "GET, PUT");
    assert_string_equal(e.msg[TX_LANG_EN], "method PATCH is not allowed here; allowed: GET, PUT");
    assert_string_equal(e.msg[TX_LANG_ZH], "此处不允许 PATCH 方法；允许：GET, PUT");
}

static void test_err_msg_text_gives_templates_by_language(void **state)
{
    (void)state;
    assert_string_equal(tx_msg_text(M_FIELD_REQUIRED, TX_LANG_EN), "field '%s' is required");
    assert_string_equal(tx_msg_text(M_FIELD_REQUIRED, TX_LANG_ZH), "缺少字段“%s”");
    /* every message exists in both languages and they differ (zh is not a copy of en) */
    for (int id = 0; id < M__COUNT; id++) {
        const char *zh = tx_msg_text((tx_msg)id, TX_LANG_ZH), *en = tx_msg_text((tx_msg)id, TX_LANG_EN);
        assert_non_null(zh);
        assert_non_null(en);
        assert_true(strlen(zh) > 0 && strlen(en) > 0);
        if (strcmp(en, "%s") != 0) /* pass-through messages are "%s" in both on purpose */
            assert_string_not_equal(zh, en);
    }
}

static void test_err_set_null_field_gives_empty_field(void **state)
{
    (void)state;
    tx_err e;
    memset(&e, 'x', sizeof e);
    tx_err_set(&e, 500, "internal", NULL, M_INTERNAL);
    assert_string_equal(e.field, "");
    assert_string_equal(e.msg[TX_LANG_EN], "internal error; the request was not carried out");
}

static void test_err_set_accepts_null_err_pointer(void **state)
{
    (void)state;
    assert_int_equal(tx_err_set(NULL, 400, "invalid_field", "x", M_FIELD_INVALID, "x", "why"), -1);
}

static void test_err_set_truncates_long_field_and_terminates(void **state)
{
    (void)state;
    char longfield[200];
    memset(longfield, 'f', sizeof longfield - 1);
    longfield[sizeof longfield - 1] = '\0';
    tx_err e;
    tx_err_set(&e, 400, "invalid_field", longfield, M_FIELD_REQUIRED, "f");
    assert_int_equal(strlen(e.field), sizeof e.field - 1);
    assert_memory_equal(e.field, longfield, sizeof e.field - 1);
}

static void test_err_set_truncates_long_message_and_terminates(void **state)
{
    (void)state;
    char reason[1000];
    memset(reason, 'r', sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    tx_err e;
    tx_err_set(&e, 400, "invalid_field", "x", M_FIELD_INVALID, "x", reason);
    for (int lang = 0; lang < 2; lang++) {
        assert_int_equal(strlen(e.msg[lang]), sizeof e.msg[lang] - 1);
    }
    assert_memory_equal(e.msg[TX_LANG_EN], "field 'x' is invalid: rrr", 25);
}

/* A truncated field or message must still be UTF-8: the API puts both in a
 * JSON string, and jansson refuses (drops) text that is not valid UTF-8. */
static void test_err_truncation_keeps_field_and_message_valid_utf8(void **state)
{
    (void)state;
    /* "a" and 30 CJK characters = 91 bytes: longer than field[64], and the
     * 63-byte cut falls inside a character */
    char cjk[200] = "a";
    for (int i = 0; i < 30; i++)
        strcat(cjk, "字");
    tx_err e;
    tx_err_set(&e, 400, "unknown_field", cjk, M_FIELD_UNKNOWN, cjk);
    assert_true(strlen(e.field) < sizeof e.field);
    if (!tx_utf8_valid(e.field, strlen(e.field)))
        fail_msg("field truncated in the middle of a character");

    /* 200 CJK characters in the message: longer than msg[320] in both languages */
    char longcjk[700] = "";
    for (int i = 0; i < 200; i++)
        strcat(longcjk, "云");
    tx_err_set(&e, 409, "duplicate", "login", M_DUPLICATE, "login", longcjk);
    for (int lang = 0; lang < 2; lang++) {
        assert_true(strlen(e.msg[lang]) < sizeof e.msg[lang]);
        if (!tx_utf8_valid(e.msg[lang], strlen(e.msg[lang])))
            fail_msg("msg[%d] truncated in the middle of a character", lang);
    }
}

static void test_err_set_reason_renders_each_language_with_its_own_reason(void **state)
{
    (void)state;
    tx_err e;
    assert_int_equal(tx_err_set_reason(&e, 400, "invalid_field", "code", M_FIELD_INVALID, 0, 0, "code", "已被占用",
                                       "already taken"),
                     -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "invalid_field");
    assert_string_equal(e.field, "code");
    assert_string_equal(e.msg[TX_LANG_EN], "field 'code' is invalid: already taken");
    assert_string_equal(e.msg[TX_LANG_ZH], "字段“code”无效：已被占用");

    tx_err_set_reason(&e, 400, "invalid_csv", "file", M_IMPORT_CSV, 12, 3, "code", "重复", "duplicate");
    assert_string_equal(e.msg[TX_LANG_EN], "line 12, column 3 (code): duplicate");
    assert_string_equal(e.msg[TX_LANG_ZH], "第 12 行第 3 列（code）：重复");

    tx_err_set_reason(&e, 400, "invalid_geojson", "file", M_IMPORT_FEATURE, 7, 99, "kind", "未知", "unknown");
    assert_string_equal(e.msg[TX_LANG_EN], "features[7], property 'kind': unknown");

    tx_err_set_reason(&e, 409, "conflict", NULL, M_CONFLICT, 0, 0, NULL, "仍被引用", "still referenced");
    assert_string_equal(e.msg[TX_LANG_EN], "still referenced");
    assert_string_equal(e.msg[TX_LANG_ZH], "仍被引用");
    assert_string_equal(e.field, "");

    /* a missing reason renders as empty, never as "(null)" */
    tx_err_set_reason(&e, 409, "conflict", NULL, M_CONFLICT, 0, 0, NULL, NULL, NULL);
    assert_string_equal(e.msg[TX_LANG_EN], "");
    assert_int_equal(tx_err_set_reason(NULL, 400, "x", NULL, M_CONFLICT, 0, 0, NULL, "a", "b"), -1);
}

static void test_err_invalid_macro_is_400_naming_field(void **state)
{
    (void)state;
    tx_err e;
    assert_int_equal(tx_err_invalid(&e, "phone", "格式不对", "bad format"), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "invalid_field");
    assert_string_equal(e.field, "phone");
    assert_string_equal(e.msg[TX_LANG_EN], "field 'phone' is invalid: bad format");
    assert_string_equal(e.msg[TX_LANG_ZH], "字段“phone”无效：格式不对");
}

static void test_err_clear_resets_to_no_error(void **state)
{
    (void)state;
    tx_err e;
    tx_err_set(&e, 404, "not_found", "id", M_ID_INVALID, "abc");
    tx_err_clear(&e);
    assert_int_equal(e.status, 0);
    assert_null(e.code);
    assert_string_equal(e.field, "");
    assert_string_equal(e.msg[0], "");
    assert_string_equal(e.msg[1], "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_set_returns_minus_one_and_keeps_status_and_code),
        cmocka_unit_test(test_err_set_renders_both_languages),
        cmocka_unit_test(test_err_msg_text_gives_templates_by_language),
        cmocka_unit_test(test_err_set_null_field_gives_empty_field),
        cmocka_unit_test(test_err_set_accepts_null_err_pointer),
        cmocka_unit_test(test_err_set_truncates_long_field_and_terminates),
        cmocka_unit_test(test_err_set_truncates_long_message_and_terminates),
        cmocka_unit_test(test_err_truncation_keeps_field_and_message_valid_utf8),
        cmocka_unit_test(test_err_set_reason_renders_each_language_with_its_own_reason),
        cmocka_unit_test(test_err_invalid_macro_is_400_naming_field),
        cmocka_unit_test(test_err_clear_resets_to_no_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
