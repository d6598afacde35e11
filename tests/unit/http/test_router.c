/* Unit tests for src/http/router.c: http_route_match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/server.h"

static int dummy(tx_call *call, store_conn *c)
{
    (void)call;
    (void)c;
    return 0;
}

enum {
    R_AREAS_LIST,
    R_AREAS_CREATE,
    R_AREAS_GET,
    R_AREAS_PUT,
    R_AREAS_DELETE,
    R_AREA_CHILDREN,
    R_HEALTH,
    R_ABOUT,
    R_COUNT
};

static const tx_route routes[R_COUNT] = {
    [R_AREAS_LIST] = {"GET", "/api/v1/areas", "areas.list", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, dummy},
    [R_AREAS_CREATE] = {"POST", "/api/v1/areas", "areas.create", TX_ACT_AREA_WRITE, ROUTE_WRITE, BODY_JSON, dummy},
    [R_AREAS_GET] = {"GET", "/api/v1/areas/{id}", "areas.get", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, dummy},
    [R_AREAS_PUT] = {"PUT", "/api/v1/areas/{id}", "areas.put", TX_ACT_AREA_WRITE, ROUTE_WRITE, BODY_JSON, dummy},
    [R_AREAS_DELETE] = {"DELETE", "/api/v1/areas/{id}", "areas.delete", TX_ACT_AREA_WRITE, ROUTE_WRITE, BODY_NONE,
                        dummy},
    [R_AREA_CHILDREN] = {"GET", "/api/v1/areas/{id}/children/{kind}", "areas.children", TX_ACT_PUBLIC, ROUTE_READ,
                         BODY_NONE, dummy},
    [R_HEALTH] = {"GET", "/healthz", "health", TX_ACT_PUBLIC, ROUTE_SYNC, BODY_NONE, dummy},
    [R_ABOUT] = {"POST", "/api/v1/about/refresh", "about.refresh", TX_ACT_SELF, ROUTE_SYNC, BODY_NONE, dummy},
};

typedef struct {
    char params[CALL_MAX_PARAMS][160];
    int nparams;
    char allow[64];
} result;

static int match(const char *method, const char *path, result *r)
{
    memset(r, 0, sizeof *r);
    r->nparams = -1;
    return http_route_match(routes, R_COUNT, method, path, strlen(path), r->params, &r->nparams, r->allow,
                            sizeof r->allow);
}

static void test_router_matches_literal_path(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("GET", "/api/v1/areas", &r), R_AREAS_LIST);
    assert_int_equal(r.nparams, 0);
    assert_int_equal(match("POST", "/api/v1/areas", &r), R_AREAS_CREATE);
    assert_int_equal(match("GET", "/healthz", &r), R_HEALTH);
}

static void test_router_captures_id_segment(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("GET", "/api/v1/areas/42", &r), R_AREAS_GET);
    assert_int_equal(r.nparams, 1);
    assert_string_equal(r.params[0], "42");
    assert_int_equal(match("DELETE", "/api/v1/areas/7", &r), R_AREAS_DELETE);
    assert_string_equal(r.params[0], "7");
}

static void test_router_captures_several_segments_in_order(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("GET", "/api/v1/areas/12/children/grid", &r), R_AREA_CHILDREN);
    assert_int_equal(r.nparams, 2);
    assert_string_equal(r.params[0], "12");
    assert_string_equal(r.params[1], "grid");
}

static void test_router_percent_decodes_captures(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("GET", "/api/v1/areas/%E7%99%BD%E4%BA%91", &r), R_AREAS_GET);
    assert_string_equal(r.params[0], "白云");
    /* a path is not a form: '+' stays '+' */
    assert_int_equal(match("GET", "/api/v1/areas/a+b", &r), R_AREAS_GET);
    assert_string_equal(r.params[0], "a+b");
    /* an encoded slash is part of the one segment */
    assert_int_equal(match("GET", "/api/v1/areas/a%2Fb", &r), R_AREAS_GET);
    assert_string_equal(r.params[0], "a/b");
}

static void test_router_trailing_slash_does_not_match(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("GET", "/api/v1/areas/", &r), -1);
    assert_int_equal(match("GET", "/api/v1/areas/42/", &r), -1);
    assert_int_equal(match("GET", "/healthz/", &r), -1);
    assert_string_equal(r.allow, "");
}

static void test_router_unknown_path_is_minus_one(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("GET", "/nope", &r), -1);
    assert_int_equal(match("GET", "", &r), -1);
    assert_int_equal(match("GET", "/api/v1/area", &r), -1);
    assert_int_equal(match("GET", "/api/v1/areass", &r), -1);
    assert_int_equal(match("GET", "/api/v1/areas/1/children", &r), -1);
    assert_int_equal(match("GET", "/API/v1/areas", &r), -1);
    assert_string_equal(r.allow, "");
}

static void test_router_other_method_gives_405_with_allow_list(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("PATCH", "/api/v1/areas/42", &r), -2);
    assert_string_equal(r.allow, "GET, PUT, DELETE");
    assert_int_equal(match("DELETE", "/api/v1/areas", &r), -2);
    assert_string_equal(r.allow, "GET, POST");
    assert_int_equal(match("POST", "/healthz", &r), -2);
    assert_string_equal(r.allow, "GET");
}

static void test_router_head_is_answered_by_get_route(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("HEAD", "/healthz", &r), R_HEALTH);
    assert_int_equal(match("HEAD", "/api/v1/areas/9", &r), R_AREAS_GET);
    assert_string_equal(r.params[0], "9");
    /* HEAD where only POST exists is a 405 */
    assert_int_equal(match("HEAD", "/api/v1/about/refresh", &r), -2);
    assert_string_equal(r.allow, "POST");
}

static void test_router_method_is_case_sensitive(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("get", "/healthz", &r), -2);
}

static void test_router_too_long_segment_does_not_match(void **state)
{
    (void)state;
    char path[400] = "/api/v1/areas/";
    size_t base = strlen(path);
    memset(path + base, '9', 159);
    path[base + 159] = '\0';
    result r;
    assert_int_equal(match("GET", path, &r), R_AREAS_GET); /* 159 bytes fit with the terminator */
    assert_int_equal(strlen(r.params[0]), 159);
    memset(path + base, '9', 160);
    path[base + 160] = '\0';
    assert_int_equal(match("GET", path, &r), -1);
    memset(path + base, '9', 300);
    path[base + 300] = '\0';
    assert_int_equal(match("GET", path, &r), -1);
}

static void test_router_bad_escapes_do_not_match(void **state)
{
    (void)state;
    result r;
    assert_int_equal(match("GET", "/api/v1/areas/%", &r), -1);
    assert_int_equal(match("GET", "/api/v1/areas/%G1", &r), -1);
    assert_int_equal(match("GET", "/api/v1/areas/%0", &r), -1);
    assert_int_equal(match("GET", "/api/v1/areas/a%00b", &r), -1);
    assert_int_equal(match("GET", "/api/v1/areas/1/children/%ZZ", &r), -1);
}

static void test_router_uses_only_pathlen_bytes(void **state)
{
    (void)state;
    result r;
    memset(&r, 0, sizeof r);
    const char *full = "/api/v1/areas/42?kind=grid";
    int idx = http_route_match(routes, R_COUNT, "GET", full, 16, r.params, &r.nparams, r.allow, sizeof r.allow);
    assert_int_equal(idx, R_AREAS_GET);
    assert_string_equal(r.params[0], "42");
}

static void test_router_small_allow_buffer_is_not_overrun(void **state)
{
    (void)state;
    char params[CALL_MAX_PARAMS][160];
    int np = 0;
    struct {
        char allow[8];
        char guard[8];
    } b;
    memset(&b, 'G', sizeof b);
    const char *path = "/api/v1/areas/42";
    assert_int_equal(http_route_match(routes, R_COUNT, "PATCH", path, strlen(path), params, &np, b.allow,
                                      sizeof b.allow),
                     -2);
    assert_true(strlen(b.allow) < sizeof b.allow);
    assert_string_equal(b.allow, "GET");
    for (size_t i = 0; i < sizeof b.guard; i++)
        assert_int_equal(b.guard[i], 'G');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_router_matches_literal_path),
        cmocka_unit_test(test_router_captures_id_segment),
        cmocka_unit_test(test_router_captures_several_segments_in_order),
        cmocka_unit_test(test_router_percent_decodes_captures),
        cmocka_unit_test(test_router_trailing_slash_does_not_match),
        cmocka_unit_test(test_router_unknown_path_is_minus_one),
        cmocka_unit_test(test_router_other_method_gives_405_with_allow_list),
        cmocka_unit_test(test_router_head_is_answered_by_get_route),
        cmocka_unit_test(test_router_method_is_case_sensitive),
        cmocka_unit_test(test_router_too_long_segment_does_not_match),
        cmocka_unit_test(test_router_bad_escapes_do_not_match),
        cmocka_unit_test(test_router_uses_only_pathlen_bytes),
        cmocka_unit_test(test_router_small_allow_buffer_is_not_overrun),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
