/* Unit tests for src/http/form.c: application/x-www-form-urlencoded bodies
 * (Open311's POST) as JSON objects of strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/form.h"

/* Parse text; fail the test unless it parses. */
static json_t *parse(const char *text)
{
    json_t *o = NULL;
    tx_err err = {0};
    int rc = http_form_to_json(text, strlen(text), &o, &err);
    if (rc != 0)
        fail_msg("'%s' did not parse: %s", text, err.msg[TX_LANG_EN]);
    assert_true(json_is_object(o));
    return o;
}

/* Parse len bytes of text and expect the 400. */
static void refuse(const char *text, size_t len)
{
    json_t *o = NULL;
    tx_err err = {0};
    assert_int_equal(http_form_to_json(text, len, &o, &err), -1);
    assert_null(o);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.code, "malformed_form");
    assert_string_equal(err.field, "body");
    assert_true(strlen(err.msg[TX_LANG_EN]) > 0);
    assert_true(strlen(err.msg[TX_LANG_ZH]) > 0);
}

static const char *str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v == NULL)
        fail_msg("'%s' is not a string", key);
    return v;
}

static void test_the_spec_example_request_parses_field_by_field(void **state)
{
    (void)state;
    json_t *o = parse("api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043"
                      "&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111"
                      "&account_id=123456&first_name=john&last_name=smith&phone=111111111"
                      "&description=A+large+sinkhole+is+destroying+the+street"
                      "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
                      "&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001");
    assert_string_equal(str(o, "api_key"), "xyz");
    assert_string_equal(str(o, "service_code"), "001");
    assert_string_equal(str(o, "lat"), "37.76524078");
    assert_string_equal(str(o, "long"), "-122.4212043");
    assert_string_equal(str(o, "address_string"), "1234 5th street");
    assert_string_equal(str(o, "email"), "smit333@sfgov.edu");
    assert_string_equal(str(o, "description"), "A large sinkhole is destroying the street");
    assert_string_equal(str(o, "media_url"), "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg");
    assert_string_equal(str(o, "attribute[WHISPAWN]"), "123456");
    assert_string_equal(str(o, "attribute[WHISDORN]"), "COISL001");
    assert_int_equal(json_object_size(o), 16);
    json_decref(o);
}

static void test_multivaluelist_attributes_become_arrays(void **state)
{
    (void)state;
    json_t *o = parse("attribute[code1][]=value1&attribute[code1][]=value2&attribute[code1][]=value3");
    json_t *a = json_object_get(o, "attribute[code1]");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 3);
    assert_string_equal(json_string_value(json_array_get(a, 0)), "value1");
    assert_string_equal(json_string_value(json_array_get(a, 2)), "value3");
    json_decref(o);
}

static void test_a_bracketed_name_is_an_array_even_with_one_value(void **state)
{
    (void)state;
    json_t *o = parse("attribute%5Bwhen%5D%5B%5D=night");
    json_t *a = json_object_get(o, "attribute[when]");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(json_string_value(json_array_get(a, 0)), "night");
    json_decref(o);
}

static void test_a_repeated_name_becomes_an_array_in_order(void **state)
{
    (void)state;
    json_t *o = parse("a=1&b=x&a=2&a=3");
    json_t *a = json_object_get(o, "a");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 3);
    assert_string_equal(json_string_value(json_array_get(a, 1)), "2");
    assert_string_equal(str(o, "b"), "x");
    json_decref(o);
}

static void test_chinese_text_and_plus_signs_decode(void **state)
{
    (void)state;
    json_t *o = parse("description=%E6%B1%A1%E6%B0%B4%E5%A4%96%E6%BA%A2+3%E6%A0%8B&phone=%2B8613900000001");
    assert_string_equal(str(o, "description"), "污水外溢 3栋");
    assert_string_equal(str(o, "phone"), "+8613900000001");
    json_decref(o);
}

static void test_empty_pieces_are_skipped_and_a_bare_name_is_empty(void **state)
{
    (void)state;
    json_t *o = parse("&a=1&&flag&b=&");
    assert_string_equal(str(o, "a"), "1");
    assert_string_equal(str(o, "flag"), "");
    assert_string_equal(str(o, "b"), "");
    assert_int_equal(json_object_size(o), 3);
    json_decref(o);
}

static void test_an_empty_body_is_an_empty_object(void **state)
{
    (void)state;
    json_t *o = parse("");
    assert_int_equal(json_object_size(o), 0);
    json_decref(o);
}

static void test_equals_signs_in_a_value_are_kept(void **state)
{
    (void)state;
    json_t *o = parse("k=a=b%3Dc");
    assert_string_equal(str(o, "k"), "a=b=c");
    json_decref(o);
}

static void test_newlines_in_a_description_are_kept_for_the_handler_to_judge(void **state)
{
    (void)state;
    json_t *o = parse("description=line1%0D%0Aline2");
    assert_string_equal(str(o, "description"), "line1\r\nline2");
    json_decref(o);
}

static void test_malformed_bodies_are_400(void **state)
{
    (void)state;
    refuse("a=%zz", 5);        /* not hex */
    refuse("a=%4", 4);         /* truncated escape */
    refuse("a=b%00c", 7);      /* an encoded NUL */
    refuse("=value", 6);       /* no name */
    refuse("a=%C3%28", 8);     /* not UTF-8 */
    refuse("%FF=1", 5);        /* a name that is not UTF-8 */
    refuse("a=\xff", 3);       /* raw bytes that are not UTF-8 */
}

static void test_a_raw_nul_byte_is_refused_not_cut_short(void **state)
{
    (void)state;
    refuse("a=1\0b=2", 7);
}

static void test_more_fields_than_allowed_are_refused(void **state)
{
    (void)state;
    size_t n = HTTP_FORM_MAX_FIELDS + 1;
    char *body = malloc(n * 4 + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(body + len, "%sa=1", i ? "&" : "");
    refuse(body, len);
    /* exactly the limit is fine: one name, HTTP_FORM_MAX_FIELDS values */
    json_t *o = NULL;
    tx_err err = {0};
    size_t at_limit = len - 4;
    assert_int_equal(http_form_to_json(body, at_limit, &o, &err), 0);
    assert_int_equal(json_array_size(json_object_get(o, "a")), HTTP_FORM_MAX_FIELDS);
    json_decref(o);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_spec_example_request_parses_field_by_field),
        cmocka_unit_test(test_multivaluelist_attributes_become_arrays),
        cmocka_unit_test(test_a_bracketed_name_is_an_array_even_with_one_value),
        cmocka_unit_test(test_a_repeated_name_becomes_an_array_in_order),
        cmocka_unit_test(test_chinese_text_and_plus_signs_decode),
        cmocka_unit_test(test_empty_pieces_are_skipped_and_a_bare_name_is_empty),
        cmocka_unit_test(test_an_empty_body_is_an_empty_object),
        cmocka_unit_test(test_equals_signs_in_a_value_are_kept),
        cmocka_unit_test(test_newlines_in_a_description_are_kept_for_the_handler_to_judge),
        cmocka_unit_test(test_malformed_bodies_are_400),
        cmocka_unit_test(test_a_raw_nul_byte_is_refused_not_cut_short),
        cmocka_unit_test(test_more_fields_than_allowed_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
