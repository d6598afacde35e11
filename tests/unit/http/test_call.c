/* Unit tests for src/http/call.c: the helpers handlers use. Calls are built
 * directly (zeroed, body from json_loads), as the HTTP layer would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/utf8.h"
#include "http/call.h"

/* A zeroed call with body (JSON text, or NULL for none). */
static tx_call *new_call(const char *body)
{
    tx_call *c = calloc(1, sizeof *c);
    c->lang = TX_LANG_EN;
    if (body) {
        json_error_t je;
        c->body = json_loads(body, JSON_REJECT_DUPLICATES, &je);
        if (c->body == NULL)
            fail_msg("bad test JSON %s: %s", body, je.text);
    }
    return c;
}

static void free_call(tx_call *c)
{
    json_decref(c->body);
    json_decref(c->out);
    free(c);
}

static void assert_field_error(const tx_call *c, int status, const char *code, const char *field)
{
    assert_int_equal(c->err.status, status);
    assert_non_null(c->err.code);
    assert_string_equal(c->err.code, code);
    assert_string_equal(c->err.field, field);
    assert_true(strlen(c->err.msg[TX_LANG_EN]) > 0);
    assert_true(strlen(c->err.msg[TX_LANG_ZH]) > 0);
}

/* ---- call_body_str ---- */

static void test_call_body_str_required_present(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"name\":\"白云社区\"}");
    const char *s = NULL;
    assert_int_equal(call_body_str(c, "name", 1, 100, &s), 0);
    assert_string_equal(s, "白云社区");
    assert_int_equal(c->err.status, 0);
    free_call(c);
}

static void test_call_body_str_required_missing_is_400_naming_field(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"other\":\"x\"}");
    const char *s = "untouched";
    assert_int_equal(call_body_str(c, "name", 1, 100, &s), -1);
    assert_field_error(c, 400, "missing_field", "name");
    assert_string_equal(s, "untouched");
    assert_string_equal(c->err.msg[TX_LANG_EN], "field 'name' is required");
    free_call(c);

    /* null counts as absent; so does a call without a body */
    c = new_call("{\"name\":null}");
    assert_int_equal(call_body_str(c, "name", 1, 100, &s), -1);
    assert_field_error(c, 400, "missing_field", "name");
    free_call(c);
    c = new_call(NULL);
    assert_int_equal(call_body_str(c, "name", 1, 100, &s), -1);
    assert_field_error(c, 400, "missing_field", "name");
    free_call(c);
}

static void test_call_body_str_optional_missing_leaves_out_untouched(void **state)
{
    (void)state;
    tx_call *c = new_call("{}");
    const char *s = "default";
    assert_int_equal(call_body_str(c, "notes", 0, 100, &s), 0);
    assert_string_equal(s, "default");
    assert_int_equal(c->err.status, 0);
    free_call(c);
}

static void test_call_body_str_wrong_type_is_400(void **state)
{
    (void)state;
    const char *bodies[] = {"{\"name\":5}", "{\"name\":true}", "{\"name\":[\"a\"]}", "{\"name\":{}}"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        tx_call *c = new_call(bodies[i]);
        const char *s = NULL;
        assert_int_equal(call_body_str(c, "name", 0, 100, &s), -1);
        assert_field_error(c, 400, "invalid_field", "name");
        assert_null(s);
        free_call(c);
    }
}

static void test_call_body_str_counts_characters_not_bytes(void **state)
{
    (void)state;
    const char *s = NULL;
    /* 4 CJK characters are 12 bytes */
    tx_call *c = new_call("{\"name\":\"白云社区\"}");
    assert_int_equal(call_body_str(c, "name", 1, 4, &s), 0);
    assert_int_equal(call_body_str(c, "name", 1, 3, &s), -1);
    assert_field_error(c, 400, "invalid_field", "name");
    assert_string_equal(c->err.msg[TX_LANG_EN], "field 'name' is longer than 3 characters");
    free_call(c);
    /* a 4-byte emoji is one character */
    c = new_call("{\"e\":\"\\ud83d\\ude00x\"}");
    assert_int_equal(call_body_str(c, "e", 1, 2, &s), 0);
    assert_int_equal(call_body_str(c, "e", 1, 1, &s), -1);
    free_call(c);
    /* ASCII: exactly max is fine */
    c = new_call("{\"a\":\"abcde\"}");
    assert_int_equal(call_body_str(c, "a", 1, 5, &s), 0);
    assert_int_equal(call_body_str(c, "a", 1, 4, &s), -1);
    free_call(c);
}

static void test_call_body_str_refuses_control_characters(void **state)
{
    (void)state;
    const char *bad[] = {"{\"n\":\"a\\u0001b\"}", "{\"n\":\"\\u001b[31m\"}", "{\"n\":\"del\\u007f\"}", "{\"n\":\"bell\\u0007\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tx_call *c = new_call(bad[i]);
        const char *s = NULL;
        if (call_body_str(c, "n", 1, 100, &s) != -1)
            fail_msg("accepted %s", bad[i]);
        assert_field_error(c, 400, "invalid_field", "n");
        assert_null(s);
        free_call(c);
    }
}

static void test_call_body_str_refuses_embedded_nul(void **state)
{
    (void)state;
    /* jansson keeps a \u0000 when asked to (JSON_ALLOW_NUL); build it directly */
    tx_call *c = new_call("{}");
    json_object_set_new(c->body, "n", json_stringn("nul\0byte", 8));
    const char *s = NULL;
    assert_int_equal(call_body_str(c, "n", 1, 100, &s), -1);
    assert_field_error(c, 400, "invalid_field", "n");
    assert_null(s);
    free_call(c);
}

static void test_call_body_text_allows_newline_and_tab(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"notes\":\"line one\\nline\\ttwo\"}");
    const char *s = NULL;
    assert_int_equal(call_body_text(c, "notes", 1, 100, &s), 0);
    assert_string_equal(s, "line one\nline\ttwo");
    free_call(c);
}

static void test_call_body_str_refuses_newline_in_a_one_line_field(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"name\":\"line one\\nline two\"}");
    const char *s = NULL;
    assert_int_equal(call_body_str(c, "name", 1, 100, &s), -1);
    assert_field_error(c, 400, "invalid_field", "name");
    assert_null(s);
    free_call(c);
}

static void test_call_body_str_empty_required_is_missing_optional_is_kept(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"name\":\"\"}");
    const char *s = NULL;
    assert_int_equal(call_body_str(c, "name", 1, 100, &s), -1);
    assert_field_error(c, 400, "missing_field", "name");
    free_call(c);
    c = new_call("{\"name\":\"\"}");
    s = NULL;
    assert_int_equal(call_body_str(c, "name", 0, 100, &s), 0);
    assert_non_null(s);
    assert_string_equal(s, "");
    free_call(c);
}

static void test_call_body_str_type_message_follows_language(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"name\":5}");
    c->lang = TX_LANG_ZH;
    const char *s = NULL;
    assert_int_equal(call_body_str(c, "name", 1, 10, &s), -1);
    assert_string_equal(c->err.msg[TX_LANG_ZH], "字段“name”必须是字符串");
    free_call(c);
}

/* ---- call_body_int ---- */

static void test_call_body_int_within_bounds(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"n\":5,\"lo\":1,\"hi\":10,\"neg\":-3}");
    int64_t v = 0;
    assert_int_equal(call_body_int(c, "n", 1, 1, 10, &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(call_body_int(c, "lo", 1, 1, 10, &v), 0); /* bounds are inclusive */
    assert_int_equal(v, 1);
    assert_int_equal(call_body_int(c, "hi", 1, 1, 10, &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(call_body_int(c, "neg", 1, -5, 0, &v), 0);
    assert_true(v == -3);
    assert_int_equal(c->err.status, 0);
    free_call(c);
}

static void test_call_body_int_out_of_bounds_is_400(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"n\":11,\"m\":0}");
    int64_t v = 77;
    assert_int_equal(call_body_int(c, "n", 1, 1, 10, &v), -1);
    assert_field_error(c, 400, "invalid_field", "n");
    assert_string_equal(c->err.msg[TX_LANG_EN], "field 'n' must be an integer from 1 to 10");
    assert_int_equal(call_body_int(c, "m", 0, 1, 10, &v), -1);
    assert_field_error(c, 400, "invalid_field", "m");
    assert_int_equal(v, 77);
    free_call(c);
}

static void test_call_body_int_wrong_type_is_400(void **state)
{
    (void)state;
    const char *bodies[] = {"{\"n\":\"5\"}", "{\"n\":5.0}", "{\"n\":true}", "{\"n\":[5]}"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        tx_call *c = new_call(bodies[i]);
        int64_t v = 77;
        assert_int_equal(call_body_int(c, "n", 0, 0, 100, &v), -1);
        assert_field_error(c, 400, "invalid_field", "n");
        assert_int_equal(v, 77);
        free_call(c);
    }
}

static void test_call_body_int_missing(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"n\":null}");
    int64_t v = 77;
    assert_int_equal(call_body_int(c, "n", 0, 0, 100, &v), 0);
    assert_int_equal(v, 77);
    assert_int_equal(call_body_int(c, "n", 1, 0, 100, &v), -1);
    assert_field_error(c, 400, "missing_field", "n");
    free_call(c);
}

static void test_call_body_int_extremes(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"big\":9223372036854775807,\"small\":-9223372036854775808}");
    int64_t v = 0;
    assert_int_equal(call_body_int(c, "big", 1, INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(call_body_int(c, "small", 1, INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(call_body_int(c, "big", 1, 0, INT64_MAX - 1, &v), -1);
    free_call(c);
}

/* ---- call_body_bool ---- */

static void test_call_body_bool(void **state)
{
    (void)state;
    tx_call *c = new_call("{\"t\":true,\"f\":false,\"n\":1,\"s\":\"true\"}");
    int v = 7;
    assert_int_equal(call_body_bool(c, "t", 1, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(call_body_bool(c, "f", 1, &v), 0);
    assert_int_equal(v, 0);
    v = 7;
    assert_int_equal(call_body_bool(c, "missing", 0, &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(call_body_bool(c, "n", 0, &v), -1);
    assert_field_error(c, 400, "invalid_field", "n");
    assert_int_equal(call_body_bool(c, "s", 0, &v), -1);
    assert_field_error(c, 400, "invalid_field", "s");
    assert_int_equal(call_body_bool(c, "missing", 1, &v), -1);
    assert_field_error(c, 400, "missing_field", "missing");
    assert_int_equal(v, 7);
    free_call(c);
}

/* ---- call_body_only ---- */

static void test_call_body_only_accepts_known_fields(void **state)
{
    (void)state;
    static const char *const allowed[] = {"name", "code", "notes", NULL};
    tx_call *c = new_call("{\"name\":\"a\",\"code\":\"b\"}");
    assert_int_equal(call_body_only(c, allowed), 0);
    assert_int_equal(c->err.status, 0);
    free_call(c);
    c = new_call("{}");
    assert_int_equal(call_body_only(c, allowed), 0);
    free_call(c);
}

static void test_call_body_only_names_unknown_field(void **state)
{
    (void)state;
    static const char *const allowed[] = {"name", "code", NULL};
    tx_call *c = new_call("{\"name\":\"a\",\"colour\":\"red\"}");
    assert_int_equal(call_body_only(c, allowed), -1);
    assert_field_error(c, 400, "unknown_field", "colour");
    assert_string_equal(c->err.msg[TX_LANG_EN], "unknown field 'colour'");
    free_call(c);
    /* a prefix of an allowed name is not that name */
    c = new_call("{\"nam\":1}");
    assert_int_equal(call_body_only(c, allowed), -1);
    assert_field_error(c, 400, "unknown_field", "nam");
    free_call(c);
}

static void test_call_body_only_long_cjk_field_name_stays_valid_utf8(void **state)
{
    (void)state;
    static const char *const allowed[] = {"name", NULL};
    /* "x" and 30 CJK characters: longer than the 63 bytes echoed back, with
     * the cut inside a character */
    char body[256] = "{\"x";
    for (int i = 0; i < 30; i++)
        strcat(body, "字");
    strcat(body, "\":1}");
    tx_call *c = new_call(body);
    int rc = call_body_only(c, allowed);
    tx_err e = c->err;
    free_call(c);
    assert_int_equal(rc, -1);
    assert_int_equal(e.status, 400);
    assert_true(strlen(e.field) > 0);
    if (!tx_utf8_valid(e.field, strlen(e.field)))
        fail_msg("the echoed field name is not valid UTF-8 (cut inside a character)");
    for (int lang = 0; lang < 2; lang++)
        if (!tx_utf8_valid(e.msg[lang], strlen(e.msg[lang])))
            fail_msg("msg[%d] is not valid UTF-8", lang);
}

/* ---- query and path parameters ---- */

static void set_query(tx_call *c, int n, char *pairs[][2])
{
    for (int i = 0; i < n; i++) {
        c->query[i].name = pairs[i][0];
        c->query[i].value = pairs[i][1];
    }
    c->nquery = n;
}

static void test_call_query_finds_first_value_or_null(void **state)
{
    (void)state;
    char n1[] = "kind", v1[] = "grid", n2[] = "q", v2[] = "白云", n3[] = "kind", v3[] = "street";
    char *pairs[][2] = {{n1, v1}, {n2, v2}, {n3, v3}};
    tx_call *c = new_call(NULL);
    set_query(c, 3, pairs);
    assert_string_equal(call_query(c, "kind"), "grid");
    assert_string_equal(call_query(c, "q"), "白云");
    assert_null(call_query(c, "limit"));
    assert_null(call_query(c, "Kind"));
    free_call(c);
}

static void test_call_query_id_parses_positive_ids(void **state)
{
    (void)state;
    char n1[] = "area", v1[] = "42", n2[] = "empty", v2[] = "", n3[] = "max", v3[] = "9223372036854775807";
    char *pairs[][2] = {{n1, v1}, {n2, v2}, {n3, v3}};
    tx_call *c = new_call(NULL);
    set_query(c, 3, pairs);
    int64_t id = -1;
    assert_int_equal(call_query_id(c, "area", &id), 0);
    assert_int_equal(id, 42);
    id = -1;
    assert_int_equal(call_query_id(c, "absent", &id), 0);
    assert_int_equal(id, 0);
    id = -1;
    assert_int_equal(call_query_id(c, "empty", &id), 0);
    assert_int_equal(id, 0);
    assert_int_equal(call_query_id(c, "max", &id), 0);
    assert_true(id == INT64_MAX);
    assert_int_equal(c->err.status, 0);
    free_call(c);
}

static void test_call_query_id_rejects_malformed_ids(void **state)
{
    (void)state;
    const char *bad[] = {"0", "-3", "abc", "12x", "99999999999999999999", " 5", "+5", "05", "1.5", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[] = "area", value[32];
        strcpy(value, bad[i]);
        char *pairs[][2] = {{name, value}};
        tx_call *c = new_call(NULL);
        set_query(c, 1, pairs);
        int64_t id = -1;
        if (call_query_id(c, "area", &id) != -1)
            fail_msg("accepted area=%s", bad[i]);
        assert_field_error(c, 400, "invalid_query", "area");
        free_call(c);
    }
}

static void test_call_param_id(void **state)
{
    (void)state;
    tx_call *c = new_call(NULL);
    strcpy(c->params[0], "17");
    strcpy(c->params[1], "abc");
    c->nparams = 2;
    int64_t id = 0;
    assert_int_equal(call_param_id(c, 0, &id), 0);
    assert_int_equal(id, 17);
    assert_int_equal(c->err.status, 0);
    assert_int_equal(call_param_id(c, 1, &id), -1);
    assert_int_equal(c->err.status, 404);
    assert_string_equal(c->err.code, "not_found");
    assert_string_equal(c->err.msg[TX_LANG_EN], "'abc' is not a valid id");
    tx_err_clear(&c->err);
    assert_int_equal(call_param_id(c, 2, &id), -1); /* no such parameter */
    assert_int_equal(c->err.status, 404);
    free_call(c);
}

/* ---- responses and authorization ---- */

static void test_call_json_sets_status_and_replaces_body(void **state)
{
    (void)state;
    tx_call *c = new_call(NULL);
    assert_int_equal(call_json(c, 201, json_pack("{s:i}", "id", 1)), 0);
    assert_int_equal(c->status, 201);
    assert_int_equal(json_integer_value(json_object_get(c->out, "id")), 1);
    /* a second response replaces (and releases) the first */
    assert_int_equal(call_json(c, 200, json_pack("{s:i}", "id", 2)), 0);
    assert_int_equal(c->status, 200);
    assert_int_equal(json_integer_value(json_object_get(c->out, "id")), 2);
    free_call(c);
}

static void test_call_fail_copies_error(void **state)
{
    (void)state;
    tx_call *c = new_call(NULL);
    tx_err e;
    tx_err_set(&e, 409, "duplicate", "code", M_DUPLICATE, "area", "baiyun");
    assert_int_equal(call_fail(c, &e), -1);
    assert_int_equal(c->err.status, 409);
    assert_string_equal(c->err.field, "code");
    assert_string_equal(c->err.msg[TX_LANG_EN], e.msg[TX_LANG_EN]);
    free_call(c);
}

static void test_call_actor_names_the_principal(void **state)
{
    (void)state;
    tx_call *c = new_call(NULL);
    char out[96];
    call_actor(c, out, sizeof out);
    assert_string_equal(out, "anonymous");
    c->who.user_id = 3;
    strcpy(c->who.login, "admin");
    call_actor(c, out, sizeof out);
    assert_string_equal(out, "user:admin");
    c->who.user_id = 0;
    c->who.apikey_id = 12;
    strcpy(c->who.login, "importer");
    call_actor(c, out, sizeof out);
    assert_string_equal(out, "apikey:importer");
    free_call(c);
}

static void test_call_authorize_sets_401_for_anonymous(void **state)
{
    (void)state;
    tx_call *c = new_call(NULL);
    c->who.role = TX_ROLE_ANONYMOUS;
    assert_int_equal(call_authorize(c, TX_ACT_AREA_WRITE, NULL), -1);
    assert_int_equal(c->err.status, 401);
    assert_string_equal(c->err.code, "unauthenticated");
    free_call(c);
}

static void test_call_authorize_sets_403_for_wrong_role_and_out_of_scope(void **state)
{
    (void)state;
    tx_call *c = new_call(NULL);
    c->who.role = TX_ROLE_RESIDENT;
    c->who.user_id = 1;
    assert_int_equal(call_authorize(c, TX_ACT_AREA_WRITE, NULL), -1);
    assert_int_equal(c->err.status, 403);
    assert_string_equal(c->err.code, "forbidden");
    assert_string_equal(c->err.msg[TX_LANG_EN], "your role (resident) may not change areas here");
    free_call(c);

    c = new_call(NULL);
    c->who.role = TX_ROLE_STREET_ADMIN;
    c->who.user_id = 1;
    c->who.scope.kind = TX_SCOPE_AREA;
    c->who.scope.id = 7;
    const int64_t elsewhere[] = {8, 2};
    tx_place out_of_scope = {elsewhere, 2, NULL, 0};
    assert_int_equal(call_authorize(c, TX_ACT_AREA_WRITE, &out_of_scope), -1);
    assert_int_equal(c->err.status, 403);
    free_call(c);
}

static void test_call_authorize_allows_in_scope(void **state)
{
    (void)state;
    tx_call *c = new_call(NULL);
    c->who.role = TX_ROLE_STREET_ADMIN;
    c->who.user_id = 1;
    c->who.scope.kind = TX_SCOPE_AREA;
    c->who.scope.id = 7;
    const int64_t inside[] = {30, 12, 7};
    tx_place place = {inside, 3, NULL, 0};
    assert_int_equal(call_authorize(c, TX_ACT_AREA_WRITE, &place), 0);
    assert_int_equal(call_authorize(c, TX_ACT_AREA_WRITE, NULL), 0);
    assert_int_equal(c->err.status, 0);
    free_call(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_body_str_required_present),
        cmocka_unit_test(test_call_body_str_required_missing_is_400_naming_field),
        cmocka_unit_test(test_call_body_str_optional_missing_leaves_out_untouched),
        cmocka_unit_test(test_call_body_str_wrong_type_is_400),
        cmocka_unit_test(test_call_body_str_counts_characters_not_bytes),
        cmocka_unit_test(test_call_body_str_refuses_control_characters),
        cmocka_unit_test(test_call_body_str_refuses_embedded_nul),
        cmocka_unit_test(test_call_body_text_allows_newline_and_tab),
        cmocka_unit_test(test_call_body_str_refuses_newline_in_a_one_line_field),
        cmocka_unit_test(test_call_body_str_empty_required_is_missing_optional_is_kept),
        cmocka_unit_test(test_call_body_str_type_message_follows_language),
        cmocka_unit_test(test_call_body_int_within_bounds),
        cmocka_unit_test(test_call_body_int_out_of_bounds_is_400),
        cmocka_unit_test(test_call_body_int_wrong_type_is_400),
        cmocka_unit_test(test_call_body_int_missing),
        cmocka_unit_test(test_call_body_int_extremes),
        cmocka_unit_test(test_call_body_bool),
        cmocka_unit_test(test_call_body_only_accepts_known_fields),
        cmocka_unit_test(test_call_body_only_names_unknown_field),
        cmocka_unit_test(test_call_body_only_long_cjk_field_name_stays_valid_utf8),
        cmocka_unit_test(test_call_query_finds_first_value_or_null),
        cmocka_unit_test(test_call_query_id_parses_positive_ids),
        cmocka_unit_test(test_call_query_id_rejects_malformed_ids),
        cmocka_unit_test(test_call_param_id),
        cmocka_unit_test(test_call_json_sets_status_and_replaces_body),
        cmocka_unit_test(test_call_fail_copies_error),
        cmocka_unit_test(test_call_actor_names_the_principal),
        cmocka_unit_test(test_call_authorize_sets_401_for_anonymous),
        cmocka_unit_test(test_call_authorize_sets_403_for_wrong_role_and_out_of_scope),
        cmocka_unit_test(test_call_authorize_allows_in_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
