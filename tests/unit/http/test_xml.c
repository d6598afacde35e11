/* Unit tests for src/http/xml.c: JSON-shaped data written as Open311's XML
 * (escaping, the shapes of the spec's examples, what XML cannot carry). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/xml.h"

static const http_xml_name names[] = {
    {"attributes", "attribute"}, {"values", "value"}, {"endpoints", "endpoint"}, {"formats", "format"}, {NULL, NULL},
};

static const char DECL[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/* Render JSON text under root (items of a top-level array named item). */
static char *render(const char *json, const char *root, const char *item)
{
    json_error_t je;
    json_t *v = json_loads(json, JSON_DECODE_ANY, &je);
    if (v == NULL)
        fail_msg("bad test JSON %s: %s", json, je.text);
    size_t len = 0;
    char *x = http_xml_render(v, root, item, names, &len);
    json_decref(v);
    assert_non_null(x);
    assert_int_equal(strlen(x), len);
    assert_memory_equal(x, DECL, sizeof DECL - 1);
    return x;
}

/* The document without its declaration. */
static const char *body(const char *x)
{
    return x + sizeof DECL - 1;
}

static char *escape(const char *s)
{
    char *e = http_xml_escape(s, strlen(s));
    assert_non_null(e);
    return e;
}

static void test_the_five_markup_characters_become_entities(void **state)
{
    (void)state;
    char *e = escape("a<b>&\"c'd");
    assert_string_equal(e, "a&lt;b&gt;&amp;&quot;c&apos;d");
    free(e);
    /* an entity in the input is escaped again, not passed through */
    e = escape("&amp;");
    assert_string_equal(e, "&amp;amp;");
    free(e);
}

static void test_chinese_text_and_line_breaks_are_kept(void **state)
{
    (void)state;
    char *e = escape("污水外溢\n御珑名苑\t3栋");
    assert_string_equal(e, "污水外溢\n御珑名苑\t3栋");
    free(e);
}

static void test_carriage_return_survives_as_a_character_reference(void **state)
{
    (void)state;
    char *e = escape("a\r\nb");
    assert_string_equal(e, "a&#13;\nb");
    free(e);
}

static void test_what_xml_cannot_carry_becomes_the_replacement_character(void **state)
{
    (void)state;
    /* C0 controls, DEL, a C1 control (U+0085), U+FFFE, U+FFFF */
    char *e = escape("a\x01" "b\x1f" "c\x7f" "d\xc2\x85" "e\xef\xbf\xbe" "f\xef\xbf\xbf" "g");
    assert_string_equal(e, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d\xef\xbf\xbd" "e\xef\xbf\xbd"
                           "f\xef\xbf\xbd" "g");
    free(e);
}

static void test_bytes_that_are_not_utf8_become_the_replacement_character(void **state)
{
    (void)state;
    /* a stray continuation byte, a truncated sequence, an overlong '/', a surrogate */
    char *e = escape("a\x80" "b\xe7\x99" "c\xc0\xaf" "d\xed\xa0\x80" "e");
#define R "\xef\xbf\xbd"
    /* each byte that starts no valid sequence is replaced on its own */
    assert_string_equal(e, "a" R "b" R R "c" R R "d" R R R "e");
#undef R
    free(e);
}

static void test_an_empty_string_escapes_to_nothing(void **state)
{
    (void)state;
    char *e = http_xml_escape("", 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    free(e);
}

static void test_a_top_level_array_is_the_root_holding_named_items(void **state)
{
    (void)state;
    char *x = render("[{\"service_code\":\"001\",\"metadata\":true,\"type\":\"realtime\"},{\"service_code\":\"002\"}]",
                     "services", "service");
    assert_string_equal(body(x), "<services>\n"
                                 "  <service>\n"
                                 "    <service_code>001</service_code>\n"
                                 "    <metadata>true</metadata>\n"
                                 "    <type>realtime</type>\n"
                                 "  </service>\n"
                                 "  <service>\n"
                                 "    <service_code>002</service_code>\n"
                                 "  </service>\n"
                                 "</services>\n");
    free(x);
}

static void test_an_empty_list_is_an_empty_root(void **state)
{
    (void)state;
    char *x = render("[]", "service_requests", "request");
    assert_string_equal(body(x), "<service_requests></service_requests>\n");
    free(x);
}

static void test_nested_arrays_are_named_as_in_the_service_definition_example(void **state)
{
    (void)state;
    char *x = render("{\"service_code\":\"DMV66\",\"attributes\":[{\"variable\":true,\"code\":\"WHISHETN\",\"order\":1,"
                     "\"values\":[{\"key\":\"123\",\"name\":\"Ford\"},{\"key\":\"124\",\"name\":\"Chrysler\"}]}]}",
                     "service_definition", NULL);
    assert_string_equal(body(x), "<service_definition>\n"
                                 "  <service_code>DMV66</service_code>\n"
                                 "  <attributes>\n"
                                 "    <attribute>\n"
                                 "      <variable>true</variable>\n"
                                 "      <code>WHISHETN</code>\n"
                                 "      <order>1</order>\n"
                                 "      <values>\n"
                                 "        <value>\n"
                                 "          <key>123</key>\n"
                                 "          <name>Ford</name>\n"
                                 "        </value>\n"
                                 "        <value>\n"
                                 "          <key>124</key>\n"
                                 "          <name>Chrysler</name>\n"
                                 "        </value>\n"
                                 "      </values>\n"
                                 "    </attribute>\n"
                                 "  </attributes>\n"
                                 "</service_definition>\n");
    free(x);
}

static void test_arrays_of_strings_repeat_their_item_element(void **state)
{
    (void)state;
    char *x = render("{\"endpoints\":[{\"formats\":[\"text/xml\",\"application/json\"]}]}", "discovery", NULL);
    assert_non_null(strstr(x, "<endpoints>\n    <endpoint>\n      <formats>\n        <format>text/xml</format>\n"
                              "        <format>application/json</format>\n      </formats>\n"));
    free(x);
}

static void test_an_array_without_a_name_has_item_elements(void **state)
{
    (void)state;
    char *x = render("{\"tags\":[\"a\",\"b\"]}", "r", NULL);
    assert_non_null(strstr(x, "<tags>\n    <item>a</item>\n    <item>b</item>\n  </tags>"));
    free(x);
}

static void test_null_is_an_empty_element_and_an_empty_string_an_empty_pair(void **state)
{
    (void)state;
    char *x = render("[{\"service_request_id\":\"7\",\"account_id\":null,\"zipcode\":\"\"}]", "service_requests",
                     "request");
    assert_non_null(strstr(x, "<account_id/>"));
    assert_non_null(strstr(x, "<zipcode></zipcode>"));
    free(x);
}

static void test_numbers_are_written_as_json_writes_them(void **state)
{
    (void)state;
    char *x = render("{\"lat\":22.7801234567,\"long\":114.0,\"order\":3,\"code\":-403}", "r", NULL);
    assert_non_null(strstr(x, "<lat>22.7801234567</lat>"));
    assert_non_null(strstr(x, "<long>114.0</long>"));
    assert_non_null(strstr(x, "<order>3</order>"));
    assert_non_null(strstr(x, "<code>-403</code>"));
    free(x);
}

static void test_text_is_escaped_inside_elements(void **state)
{
    (void)state;
    char *x = render("[{\"description\":\"<script>alert('x')</script> & more\"}]", "service_requests", "request");
    assert_non_null(strstr(x, "<description>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; more</description>"));
    assert_null(strstr(x, "<script>"));
    free(x);
}

static void test_members_whose_names_are_not_xml_names_are_left_out(void **state)
{
    (void)state;
    char *x = render("{\"ok\":1,\"1bad\":2,\"a b\":3,\"a<b\":4,\"\":5,\"_fine.name-2\":6}", "r", NULL);
    assert_string_equal(body(x), "<r>\n  <ok>1</ok>\n  <_fine.name-2>6</_fine.name-2>\n</r>\n");
    free(x);
}

static void test_the_errors_document_matches_the_spec_example(void **state)
{
    (void)state;
    char *x = render("[{\"code\":403,\"description\":\"Invalid api_key received -- can't proceed with create_request.\"}]",
                     "errors", "error");
    assert_string_equal(body(x), "<errors>\n"
                                 "  <error>\n"
                                 "    <code>403</code>\n"
                                 "    <description>Invalid api_key received -- can&apos;t proceed with "
                                 "create_request.</description>\n"
                                 "  </error>\n"
                                 "</errors>\n");
    free(x);
}

static void test_an_object_root_with_a_nested_object(void **state)
{
    (void)state;
    char *x = render("{\"a\":{\"b\":\"c\"},\"d\":{}}", "r", NULL);
    assert_string_equal(body(x), "<r>\n  <a>\n    <b>c</b>\n  </a>\n  <d></d>\n</r>\n");
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_five_markup_characters_become_entities),
        cmocka_unit_test(test_chinese_text_and_line_breaks_are_kept),
        cmocka_unit_test(test_carriage_return_survives_as_a_character_reference),
        cmocka_unit_test(test_what_xml_cannot_carry_becomes_the_replacement_character),
        cmocka_unit_test(test_bytes_that_are_not_utf8_become_the_replacement_character),
        cmocka_unit_test(test_an_empty_string_escapes_to_nothing),
        cmocka_unit_test(test_a_top_level_array_is_the_root_holding_named_items),
        cmocka_unit_test(test_an_empty_list_is_an_empty_root),
        cmocka_unit_test(test_nested_arrays_are_named_as_in_the_service_definition_example),
        cmocka_unit_test(test_arrays_of_strings_repeat_their_item_element),
        cmocka_unit_test(test_an_array_without_a_name_has_item_elements),
        cmocka_unit_test(test_null_is_an_empty_element_and_an_empty_string_an_empty_pair),
        cmocka_unit_test(test_numbers_are_written_as_json_writes_them),
        cmocka_unit_test(test_text_is_escaped_inside_elements),
        cmocka_unit_test(test_members_whose_names_are_not_xml_names_are_left_out),
        cmocka_unit_test(test_the_errors_document_matches_the_spec_example),
        cmocka_unit_test(test_an_object_root_with_a_nested_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
