/* Unit tests for src/store/sqlite/lists.c (store/lists.h): needs, resources,
 * projects and plans written and read back, the filters, commitments
 * against a resource's capacity (409), claims and their confirmation,
 * progress rolled up from milestones and sub-projects, templates, the
 * public board, CSV exports and the figures — on a temporary migrated
 * database filled by SQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tmpdb.h"
#include "store/lists.h"

typedef tmpdb_fixture fixture;

/* 淡水街道 > 星河 (grid > compound 星河丹堤), 白云; member units of 星河
 * (school, bank) and of 白云. */
static const char fixture_sql[] =
    "INSERT INTO area (id, kind, code, name, parent_id, boundary) VALUES"
    " (3, 'street', 'DS', '淡水街道', NULL, NULL),"
    " (4, 'community', 'XH', '星河社区', 3, '{\"type\":\"Polygon\",\"coordinates\":[[[114.40,22.70],[114.41,22.70],[114.41,22.71],[114.40,22.71],[114.40,22.70]]]}'),"
    " (5, 'community', 'BY', '白云社区', 3, '{\"type\":\"Polygon\",\"coordinates\":[[[114.50,22.70],[114.51,22.70],[114.51,22.71],[114.50,22.71],[114.50,22.70]]]}'),"
    " (6, 'grid', 'XH-G1', '星河第一网格', 4, NULL), (7, 'compound', 'XH-K1', '星河丹堤', 6, NULL);"
    "INSERT INTO organisation (id, kind, unit_type, code, name, area_id) VALUES"
    " (10, 'member_unit', 'public_institution', 'XH-MU01', '华南师范大学附属惠阳学校', 4),"
    " (11, 'member_unit', 'enterprise', 'XH-MU03', '惠州农商行惠阳支行', 4),"
    " (12, 'member_unit', 'enterprise', 'BY-MU01', '白云物流', 5);";

static int setup(void **state)
{
    *state = tmpdb_fixture_open(fixture_sql);
    return 0;
}

static int teardown(void **state)
{
    tmpdb_fixture_close(*state);
    return 0;
}

static int64_t put(fixture *f, store_list_kind k, int64_t id, const char *json)
{
    json_t *in = json_loads(json, 0, NULL);
    assert_non_null(in);
    tx_err err;
    tx_err_clear(&err);
    int64_t out = 0;
    if (store_lists_put(f->c, k, id, in, "test", 1000, &out, &err))
        fail_msg("put %s: %s [%s]", json, err.msg[TX_LANG_EN], err.field);
    json_decref(in);
    return out;
}

static json_t *get(fixture *f, store_list_kind k, int64_t id, int personal)
{
    json_t *o = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_lists_get(f->c, k, id, personal, &o, &err))
        fail_msg("get: %s", err.msg[TX_LANG_EN]);
    return o;
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static void test_need_written_and_read_back_with_its_places(void **state)
{
    fixture *f = *state;
    int64_t id = put(f, STORE_LIST_NEED, 0,
                     "{\"code\":\"N1\",\"community_code\":\"XH\",\"area_code\":\"XH-K1\",\"title\":\"场地\",\"kind\":\"venue\","
                     "\"quantity\":2,\"quantity_unit\":\"处\",\"wanted_by\":\"2026-07-01\",\"raised_by_code\":\"XH-MU01\"}");
    json_t *n = get(f, STORE_LIST_NEED, id, 0);
    assert_string_equal(json_string_value(json_object_get(n, "status")), "open");
    assert_string_equal(json_string_value(json_object_get(json_object_get(n, "community"), "code")), "XH");
    assert_string_equal(json_string_value(json_object_get(json_object_get(n, "area"), "name")), "星河丹堤");
    assert_string_equal(json_string_value(json_object_get(json_object_get(n, "raised_by"), "code")), "XH-MU01");
    assert_true(num(n, "quantity") == 2);
    assert_int_equal(json_array_size(json_object_get(n, "claims")), 0);
    json_decref(n);
    /* a patch keeps what it does not name */
    put(f, STORE_LIST_NEED, id, "{\"urgency\":\"high\"}");
    n = get(f, STORE_LIST_NEED, id, 0);
    assert_string_equal(json_string_value(json_object_get(n, "urgency")), "high");
    assert_string_equal(json_string_value(json_object_get(n, "title")), "场地");
    json_decref(n);
    int64_t areas[16], orgs[16];
    int na, no;
    tx_err err;
    assert_int_equal(store_lists_place(f->c, STORE_LIST_NEED, id, areas, &na, orgs, &no, 16, &err), 0);
    assert_int_equal(na, 2);
    assert_int_equal(areas[0], 4);
    assert_int_equal(areas[1], 3);
    assert_int_equal(no, 0);
}

static void test_unknown_codes_and_taken_codes_are_refused(void **state)
{
    fixture *f = *state;
    tx_err err;
    int64_t id;
    json_t *in = json_pack("{s:s, s:s, s:s}", "community_code", "NOPE", "title", "x", "kind", "venue");
    assert_int_equal(store_lists_put(f->c, STORE_LIST_NEED, 0, in, "t", 1, &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "community_code");
    json_decref(in);
    put(f, STORE_LIST_NEED, 0, "{\"code\":\"SAME\",\"community_code\":\"XH\",\"title\":\"a\",\"kind\":\"venue\"}");
    in = json_pack("{s:s, s:s, s:s, s:s}", "code", "SAME", "community_code", "XH", "title", "b", "kind", "venue");
    assert_int_equal(store_lists_put(f->c, STORE_LIST_NEED, 0, in, "t", 1, &id, &err), -1);
    assert_int_equal(err.status, 409);
    json_decref(in);
}

static void test_filters_by_area_kind_status_unit_and_text(void **state)
{
    fixture *f = *state;
    put(f, STORE_LIST_RESOURCE, 0,
        "{\"community_code\":\"XH\",\"org_code\":\"XH-MU01\",\"title\":\"礼堂\",\"kind\":\"venue\",\"quantity\":1}");
    put(f, STORE_LIST_RESOURCE, 0,
        "{\"community_code\":\"XH\",\"org_code\":\"XH-MU03\",\"title\":\"讲座\",\"kind\":\"expertise\",\"quantity\":4,"
        "\"contact_name\":\"王\",\"contact_phone\":\"13900001111\"}");
    put(f, STORE_LIST_RESOURCE, 0,
        "{\"community_code\":\"BY\",\"org_code\":\"BY-MU01\",\"title\":\"货车\",\"kind\":\"equipment\",\"quantity\":2}");
    struct {
        store_list_filter f;
        int total;
    } cases[] = {
        {{.limit = 100}, 3},
        {{.area_id = 3, .limit = 100}, 3},
        {{.area_id = 4, .limit = 100}, 2},
        {{.kind = "venue", .limit = 100}, 1},
        {{.status = "available", .limit = 100}, 3},
        {{.status = "withdrawn", .limit = 100}, 0},
        {{.unit_id = 11, .limit = 100}, 1},
        {{.q = "货", .limit = 100}, 1},
        {{.limit = 1}, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *out;
        tx_err err;
        assert_int_equal(store_lists_list(f->c, STORE_LIST_RESOURCE, &cases[i].f, 0, &out, &err), 0);
        assert_int_equal(json_integer_value(json_object_get(out, "total")), cases[i].total);
        size_t n = json_array_size(json_object_get(out, "items"));
        assert_int_equal(n, cases[i].total < cases[i].f.limit ? cases[i].total : cases[i].f.limit);
        char *text = json_dumps(out, 0);
        assert_null(strstr(text, "13900001111"));
        free(text);
        json_decref(out);
    }
    json_t *out;
    tx_err err;
    store_list_filter all = {.unit_id = 11, .limit = 10};
    assert_int_equal(store_lists_list(f->c, STORE_LIST_RESOURCE, &all, 1, &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(out, "items"), 0),
                                                           "contact_phone")),
                        "13900001111");
    json_decref(out);
}

static void test_commitments_beyond_capacity_are_409_and_the_status_follows(void **state)
{
    fixture *f = *state;
    int64_t r = put(f, STORE_LIST_RESOURCE, 0,
                    "{\"community_code\":\"XH\",\"org_code\":\"XH-MU01\",\"title\":\"志愿者\",\"kind\":\"volunteers\","
                    "\"quantity\":10}");
    int64_t p = put(f, STORE_LIST_PROJECT, 0, "{\"community_code\":\"XH\",\"title\":\"捡跑\",\"status\":\"active\"}");
    int64_t c1, c2;
    tx_err err;
    assert_int_equal(store_commitment_add(f->c, p, r, 0, 6, NULL, 2000, &c1, &err), 0);
    assert_int_equal(store_commitment_add(f->c, p, r, 0, 5, NULL, 2000, &c2, &err), -1);
    assert_int_equal(err.status, 409);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM project_resource"), 1);
    assert_int_equal(store_commitment_add(f->c, p, r, 0, 4, NULL, 2000, &c2, &err), 0);
    json_t *o = get(f, STORE_LIST_RESOURCE, r, 0);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "committed");
    assert_true(num(o, "remaining") == 0);
    json_decref(o);
    int64_t pid;
    assert_int_equal(store_commitment_deliver(f->c, c1, 6, 3000, &pid, &err), 0);
    assert_int_equal(pid, p);
    assert_int_equal(store_commitment_deliver(f->c, c2, 5, 3000, &pid, &err), -1);
    assert_int_equal(err.status, 400);
    assert_int_equal(store_commitment_deliver(f->c, c2, 4, 3000, &pid, &err), 0);
    o = get(f, STORE_LIST_RESOURCE, r, 0);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "used_up");
    assert_true(num(o, "delivered") == 10);
    json_decref(o);
}

static void test_claim_confirmed_makes_a_project_and_commits(void **state)
{
    fixture *f = *state;
    int64_t n = put(f, STORE_LIST_NEED, 0,
                    "{\"community_code\":\"XH\",\"title\":\"讲座\",\"kind\":\"expertise\",\"quantity\":2}");
    int64_t r = put(f, STORE_LIST_RESOURCE, 0,
                    "{\"community_code\":\"XH\",\"org_code\":\"XH-MU03\",\"title\":\"讲座\",\"kind\":\"expertise\","
                    "\"quantity\":3}");
    int64_t cl, p;
    tx_err err;
    /* another unit's resource is not its to offer */
    assert_int_equal(store_claim_add(f->c, n, 10, r, 2, NULL, "t", 1, &cl, &err), -1);
    assert_string_equal(err.field, "resource_id");
    assert_int_equal(store_claim_add(f->c, n, 11, r, 0, "可以", "t", 1, &cl, &err), 0);
    assert_int_equal(store_claim_add(f->c, n, 11, r, 0, NULL, "t", 1, &p, &err), -1);
    assert_int_equal(err.status, 409);
    json_t *o = get(f, STORE_LIST_NEED, n, 0);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "matched");
    json_decref(o);
    assert_int_equal(store_claim_decide(f->c, cl, 1, 0, "t", 2, &p, &err), 0);
    assert_true(p > 0);
    o = get(f, STORE_LIST_PROJECT, p, 0);
    assert_int_equal(json_array_size(json_object_get(o, "needs")), 1);
    /* the need's quantity (2) was committed */
    assert_true(num(json_array_get(json_object_get(o, "commitments"), 0), "quantity") == 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "units"), 0), "code")),
                        "XH-MU03");
    json_decref(o);
    o = get(f, STORE_LIST_NEED, n, 0);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "in_project");
    json_decref(o);
    assert_int_equal(store_claim_decide(f->c, cl, 1, 0, "t", 2, &p, &err), -1);
    assert_int_equal(err.status, 409);
}

static void test_claim_beyond_capacity_is_409(void **state)
{
    fixture *f = *state;
    int64_t n = put(f, STORE_LIST_NEED, 0, "{\"community_code\":\"XH\",\"title\":\"场地\",\"kind\":\"venue\",\"quantity\":5}");
    int64_t r = put(f, STORE_LIST_RESOURCE, 0,
                    "{\"community_code\":\"XH\",\"org_code\":\"XH-MU01\",\"title\":\"教室\",\"kind\":\"venue\",\"quantity\":1}");
    int64_t cl, p;
    tx_err err;
    assert_int_equal(store_claim_add(f->c, n, 10, r, 0, NULL, "t", 1, &cl, &err), 0);
    assert_int_equal(store_claim_decide(f->c, cl, 1, 0, "t", 2, &p, &err), -1);
    assert_int_equal(err.status, 409);
}

static void test_progress_rolls_up_from_milestones_and_sub_projects(void **state)
{
    fixture *f = *state;
    int64_t top = put(f, STORE_LIST_PROJECT, 0, "{\"community_code\":\"XH\",\"title\":\"示范点\",\"status\":\"active\"}");
    char body[256];
    snprintf(body, sizeof body,
             "{\"community_code\":\"XH\",\"title\":\"驿站\",\"parent_id\":%lld,\"weight\":3,"
             "\"milestones\":[{\"title\":\"a\",\"done_date\":\"2026-01-01\"},{\"title\":\"b\",\"weight\":3}]}",
             (long long)top);
    int64_t a = put(f, STORE_LIST_PROJECT, 0, body);
    snprintf(body, sizeof body,
             "{\"community_code\":\"XH\",\"title\":\"妇联\",\"parent_id\":%lld,\"milestones\":[{\"title\":\"x\","
             "\"progress\":100}]}",
             (long long)top);
    put(f, STORE_LIST_PROJECT, 0, body);
    json_t *o = get(f, STORE_LIST_PROJECT, a, 0);
    assert_true(num(o, "progress") == 25);
    json_decref(o);
    o = get(f, STORE_LIST_PROJECT, top, 0);
    /* (25 × 3 + 100 × 1) / 4 */
    assert_true(num(o, "progress") == 43.8 || num(o, "progress") == 43.7);
    assert_int_equal(json_array_size(json_object_get(o, "children")), 2);
    json_decref(o);
    /* a sub-project moved out: its old parent rolls up without it */
    snprintf(body, sizeof body, "{\"parent_id\":null}");
    put(f, STORE_LIST_PROJECT, a, body);
    o = get(f, STORE_LIST_PROJECT, top, 0);
    assert_true(num(o, "progress") == 100);
    json_decref(o);
    snprintf(body, sizeof body, "{\"parent_id\":%lld}", (long long)top);
    put(f, STORE_LIST_PROJECT, a, body);
    /* a project cannot become its own ancestor */
    snprintf(body, sizeof body, "{\"parent_id\":%lld}", (long long)a);
    json_t *in = json_loads(body, 0, NULL);
    int64_t id;
    tx_err err;
    assert_int_equal(store_lists_put(f->c, STORE_LIST_PROJECT, top, in, "t", 1, &id, &err), -1);
    assert_int_equal(err.status, 409);
    json_decref(in);
}

static void test_copy_board_csv_and_figures(void **state)
{
    fixture *f = *state;
    int64_t p = put(f, STORE_LIST_PROJECT, 0,
                    "{\"community_code\":\"XH\",\"title\":\"示范\",\"status\":\"active\",\"demonstration\":true,"
                    "\"milestones\":[{\"title\":\"a\",\"done_date\":\"2026-01-01\"}]}");
    int64_t copy;
    tx_err err;
    assert_int_equal(store_project_copy(f->c, p, 5, "COPY-1", "t", 5, &copy, &err), 0);
    json_t *o = get(f, STORE_LIST_PROJECT, copy, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "community"), "code")), "BY");
    assert_int_equal(json_integer_value(json_object_get(o, "template_id")), p);
    assert_true(num(o, "progress") == 0);
    assert_null(json_string_value(json_object_get(json_array_get(json_object_get(o, "milestones"), 0), "done_date")));
    json_decref(o);
    put(f, STORE_LIST_RESOURCE, 0,
        "{\"community_code\":\"XH\",\"org_code\":\"XH-MU03\",\"title\":\"讲座\",\"kind\":\"expertise\",\"quantity\":4,"
        "\"contact_name\":\"王\",\"contact_phone\":\"13900001111\"}");
    put(f, STORE_LIST_PLAN, 0, "{\"community_code\":\"XH\",\"year\":2026,\"title\":\"方案\",\"goals\":[{\"title\":\"g\"}]}");
    assert_int_equal(store_demonstration_site(f->c, 7, 1, "2026-03-01", NULL, &err), 0);
    json_t *b;
    assert_int_equal(store_board(f->c, 4, &b, &err), 0);
    char *text = json_dumps(b, 0);
    assert_null(strstr(text, "13900001111"));
    assert_null(strstr(text, "王"));
    free(text);
    assert_int_equal(json_array_size(json_object_get(b, "projects")), 1);
    assert_int_equal(json_array_size(json_object_get(b, "demonstration_sites")), 1);
    assert_true(json_is_object(json_object_get(b, "plan")));
    json_decref(b);
    char *csv;
    size_t len;
    assert_int_equal(store_lists_csv(f->c, STORE_LIST_RESOURCE, 0, &csv, &len, &err), 0);
    assert_true(strncmp(csv, "id,code,community_code,", 23) == 0);
    assert_null(strstr(csv, "13900001111"));
    free(csv);
    assert_int_equal(store_lists_csv(f->c, STORE_LIST_PROJECT, 5, &csv, &len, &err), 0);
    assert_non_null(strstr(csv, "COPY-1"));
    assert_null(strstr(csv, ",XH,")); /* cut to 白云: the original stays out */
    free(csv);
    json_t *s;
    assert_int_equal(store_lists_stats(f->c, 3, NULL, NULL, &s, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "projects"), "started")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "resources"), "offered")), 1);
    assert_int_equal(json_array_size(json_object_get(s, "by_unit")), 1);
    json_decref(s);
    assert_int_equal(store_lists_stats(f->c, 0, "1971-01-01", "1971-01-02", &s, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "projects"), "started")), 0);
    json_decref(s);
}

static void test_match_candidates_are_available_resources_of_the_kind_with_places(void **state)
{
    fixture *f = *state;
    int64_t n = put(f, STORE_LIST_NEED, 0, "{\"community_code\":\"XH\",\"title\":\"场地\",\"kind\":\"venue\"}");
    put(f, STORE_LIST_RESOURCE, 0,
        "{\"community_code\":\"BY\",\"org_code\":\"BY-MU01\",\"title\":\"仓库\",\"kind\":\"venue\",\"quantity\":1}");
    put(f, STORE_LIST_RESOURCE, 0,
        "{\"community_code\":\"XH\",\"org_code\":\"XH-MU01\",\"title\":\"礼堂\",\"kind\":\"venue\",\"quantity\":1,"
        "\"status\":\"withdrawn\"}");
    put(f, STORE_LIST_RESOURCE, 0,
        "{\"community_code\":\"XH\",\"org_code\":\"XH-MU03\",\"title\":\"讲座\",\"kind\":\"expertise\",\"quantity\":1}");
    json_t *out;
    tx_err err;
    assert_int_equal(store_match_candidates(f->c, n, &out, &err), 0);
    json_t *res = json_object_get(out, "resources");
    assert_int_equal(json_array_size(res), 1);
    json_t *r = json_array_get(res, 0);
    assert_string_equal(json_string_value(json_object_get(r, "title")), "仓库");
    assert_true(num(r, "lon") > 114.5 && num(r, "lat") > 22.7);
    assert_true(num(json_object_get(out, "need"), "lon") > 114.4);
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_need_written_and_read_back_with_its_places, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_codes_and_taken_codes_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters_by_area_kind_status_unit_and_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commitments_beyond_capacity_are_409_and_the_status_follows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_claim_confirmed_makes_a_project_and_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_beyond_capacity_is_409, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_rolls_up_from_milestones_and_sub_projects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_board_csv_and_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_match_candidates_are_available_resources_of_the_kind_with_places, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
