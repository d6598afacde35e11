/* Unit tests for src/store/sqlite/catalogue.c: case categories (put, list,
 * get), routing rules (add, list, delete), the catalogue snapshot intake
 * and the sweep decide from, and the version that tells servers to reload
 * it — on a temporary migrated database filled by SQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tmpdb.h"

typedef tmpdb_fixture fixture;

/* Areas: 惠阳区 > 淡水街道 (id 3) > 星河 (4: compound 星河丹堤 9) and 白云
 * (5: grid BY-G1 6 > compounds 御珑名苑 7, 金湖豪庭 8, 白云花园 10); a
 * second street 秋长街道 with a higher id but a code and name that sort
 * first. Organisations: two district departments and three property
 * companies; 星河丹堤物业 manages 9, 御珑物业 manages 7 and 8, nobody 10. */
static const char fixture_sql[] =
    "INSERT INTO area (id, kind, code, name, parent_id) VALUES"
    " (2, 'district', 'HY', '惠阳区', NULL), (3, 'street', 'DS', '淡水街道', 2),"
    " (4, 'community', 'DS-XH', '星河社区', 3), (5, 'community', 'DS-BY', '白云社区', 3),"
    " (6, 'grid', 'DS-BY-G01', '白云第一网格', 5), (7, 'compound', 'DS-BY-K01', '御珑名苑', 6),"
    " (8, 'compound', 'DS-BY-K02', '金湖豪庭', 6), (9, 'compound', 'DS-XH-K01', '星河丹堤', 4),"
    " (10, 'compound', 'DS-BY-K03', '白云花园', 6), (11, 'street', 'AA', '阿秋长街道', 2);"
    "INSERT INTO organisation (id, kind, code, name, area_id) VALUES"
    " (18, 'district_department', 'HY-SZDJ', '惠阳区市政和代建事务中心', 2),"
    " (19, 'district_department', 'HY-CGJ', '惠阳区城市管理和综合执法局', 2),"
    " (20, 'property_company', 'BY-PM01', '御珑物业服务有限公司', 5),"
    " (21, 'property_company', 'XH-PM01', '星河丹堤物业服务中心', 4);"
    "INSERT INTO managed_compound (org_id, area_id) VALUES (21, 9), (20, 8), (20, 7);";

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

/* ---- helpers ---- */

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (j == NULL)
        fail_msg("bad JSON in test: %s (%s)", e.text, text);
    return j;
}

/* store_category_put of a JSON text; 0 or -1 with *err. */
static int put(fixture *f, const char *text, int replace, int64_t *id, tx_err *err)
{
    json_t *in = parse(text);
    tx_err_clear(err);
    int rc = store_category_put(f->c, in, replace, id, err);
    json_decref(in);
    return rc;
}

static int64_t must_put(fixture *f, const char *text, int replace)
{
    tx_err err;
    int64_t id = -1;
    if (put(f, text, replace, &id, &err))
        fail_msg("category put refused: %s [%s]", err.msg[TX_LANG_EN], err.field);
    assert_true(id > 0);
    return id;
}

static json_t *get(fixture *f, const char *code)
{
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_category_get(f->c, code, &out, &err))
        fail_msg("category get %s: %s", code, err.msg[TX_LANG_EN]);
    return out;
}

static const char *s_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s is not a string", key);
    return json_string_value(v);
}

static json_int_t i_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", key);
    return json_integer_value(v);
}

/* deadlines.<which> of a category is {kind, n}. */
static void expect_deadline(const json_t *cat, const char *which, const char *kind, int n)
{
    const json_t *d = json_object_get(json_object_get(cat, "deadlines"), which);
    assert_non_null(d);
    assert_string_equal(s_of(d, "kind"), kind);
    assert_int_equal(i_of(d, "n"), n);
}

static int64_t version(fixture *f)
{
    int64_t v = -1;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_catalogue_version(f->c, &v, &err), 0);
    return v;
}

static int64_t rule_add(fixture *f, store_rule_in r)
{
    int64_t id = -1;
    tx_err err;
    tx_err_clear(&err);
    if (store_rule_add(f->c, &r, &id, &err))
        fail_msg("rule add refused: %s [%s]", err.msg[TX_LANG_EN], err.field);
    assert_true(id > 0);
    return id;
}

static int rule_count(fixture *f)
{
    int n = -1;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_rule_count(f->c, &n, &err), 0);
    return n;
}

static store_catalogue *load(fixture *f)
{
    store_catalogue *cat = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_catalogue_load(f->c, &cat, &err))
        fail_msg("catalogue load: %s", err.msg[TX_LANG_EN]);
    assert_non_null(cat);
    return cat;
}

/* A category with only the required fields, and one with every field. */
static const char SEWAGE[] = "{\"code\": \"sewage\", \"name\": \"污水与排水\", \"name_en\": \"Sewage and drainage\", "
                             "\"group\": \"市政设施\", \"group_en\": \"Public works\"}";

static const char SEWAGE_FULL[] =
    "{\"code\": \"sewage\", \"name\": \"污水与排水\", \"name_en\": \"Sewage and drainage\", "
    "\"group\": \"市政设施\", \"group_en\": \"Public works\", \"description\": \"污水外溢、井盖缺失\", "
    "\"description_en\": \"Overflowing sewers\", \"keywords\": \"污水,sewer\", "
    "\"attributes\": [{\"code\": \"smell\", \"datatype\": \"singlevaluelist\", \"description\": \"有无异味\", "
    "\"values\": [{\"key\": \"y\", \"name\": \"有\"}]}], "
    "\"deadlines\": {\"accept\": {\"kind\": \"working_hours\", \"n\": 1}, "
    "\"contact\": {\"kind\": \"hours\", \"n\": 3}, \"resolve\": {\"kind\": \"working_days\", \"n\": 7}}, "
    "\"remind_hours\": 6, \"duplicate_radius_m\": 250, \"active\": true, \"sort\": 20}";

/* ---- categories ---------------------------------------------------------- */

static void test_category_insert_with_only_the_required_fields_takes_the_defaults(void **state)
{
    fixture *f = *state;
    int64_t id = must_put(f, SEWAGE, 0);
    json_t *c = get(f, "sewage");
    assert_int_equal(i_of(c, "id"), id);
    assert_string_equal(s_of(c, "code"), "sewage");
    assert_string_equal(s_of(c, "name"), "污水与排水");
    assert_string_equal(s_of(c, "name_en"), "Sewage and drainage");
    assert_string_equal(s_of(c, "group"), "市政设施");
    assert_string_equal(s_of(c, "group_en"), "Public works");
    assert_string_equal(s_of(c, "description"), "");
    assert_string_equal(s_of(c, "keywords"), "");
    assert_true(json_is_null(json_object_get(c, "attributes")));
    /* the migration's defaults: 2 and 4 working hours, 5 working days */
    expect_deadline(c, "accept", "working_hours", 2);
    expect_deadline(c, "contact", "working_hours", 4);
    expect_deadline(c, "resolve", "working_days", 5);
    assert_int_equal(i_of(c, "remind_hours"), 4);
    assert_int_equal(i_of(c, "duplicate_radius_m"), 100);
    assert_true(json_is_true(json_object_get(c, "active")));
    assert_int_equal(i_of(c, "sort"), 0);
    json_decref(c);
}

static void test_category_insert_keeps_every_field_given(void **state)
{
    fixture *f = *state;
    must_put(f, SEWAGE_FULL, 0);
    json_t *c = get(f, "sewage");
    assert_string_equal(s_of(c, "description"), "污水外溢、井盖缺失");
    assert_string_equal(s_of(c, "description_en"), "Overflowing sewers");
    assert_string_equal(s_of(c, "keywords"), "污水,sewer");
    const json_t *attrs = json_object_get(c, "attributes");
    assert_true(json_is_array(attrs));
    assert_int_equal(json_array_size(attrs), 1);
    assert_string_equal(s_of(json_array_get(attrs, 0), "code"), "smell");
    expect_deadline(c, "accept", "working_hours", 1);
    expect_deadline(c, "contact", "hours", 3);
    expect_deadline(c, "resolve", "working_days", 7);
    assert_int_equal(i_of(c, "remind_hours"), 6);
    assert_int_equal(i_of(c, "duplicate_radius_m"), 250);
    assert_int_equal(i_of(c, "sort"), 20);
    json_decref(c);
}

static void test_category_update_keeps_the_fields_it_leaves_out(void **state)
{
    fixture *f = *state;
    int64_t id = must_put(f, SEWAGE_FULL, 0);
    int64_t id2 = must_put(f, "{\"code\": \"sewage\", \"name\": \"排水问题\", \"group_en\": \"Drainage\"}", 1);
    assert_int_equal(id2, id);
    json_t *c = get(f, "sewage");
    assert_int_equal(i_of(c, "id"), id);
    assert_string_equal(s_of(c, "name"), "排水问题");
    assert_string_equal(s_of(c, "group_en"), "Drainage");
    /* everything else as it was */
    assert_string_equal(s_of(c, "name_en"), "Sewage and drainage");
    assert_string_equal(s_of(c, "group"), "市政设施");
    assert_string_equal(s_of(c, "description"), "污水外溢、井盖缺失");
    assert_string_equal(s_of(c, "description_en"), "Overflowing sewers");
    assert_string_equal(s_of(c, "keywords"), "污水,sewer");
    assert_int_equal(json_array_size(json_object_get(c, "attributes")), 1);
    expect_deadline(c, "accept", "working_hours", 1);
    expect_deadline(c, "contact", "hours", 3);
    expect_deadline(c, "resolve", "working_days", 7);
    assert_int_equal(i_of(c, "remind_hours"), 6);
    assert_int_equal(i_of(c, "duplicate_radius_m"), 250);
    assert_true(json_is_true(json_object_get(c, "active")));
    assert_int_equal(i_of(c, "sort"), 20);
    json_decref(c);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM category"), 1);
}

static void test_category_update_merges_deadlines_one_by_one(void **state)
{
    fixture *f = *state;
    must_put(f, SEWAGE_FULL, 0);
    must_put(f, "{\"code\": \"sewage\", \"deadlines\": {\"resolve\": {\"kind\": \"hours\", \"n\": 48}}}", 1);
    json_t *c = get(f, "sewage");
    expect_deadline(c, "accept", "working_hours", 1);
    expect_deadline(c, "contact", "hours", 3);
    expect_deadline(c, "resolve", "hours", 48);
    assert_string_equal(s_of(c, "name"), "污水与排水");
    json_decref(c);
    must_put(f, "{\"code\": \"sewage\", \"deadlines\": {\"accept\": {\"kind\": \"minutes\", \"n\": 30}}}", 1);
    c = get(f, "sewage");
    expect_deadline(c, "accept", "minutes", 30);
    expect_deadline(c, "contact", "hours", 3);
    expect_deadline(c, "resolve", "hours", 48);
    json_decref(c);
}

static void test_category_update_can_retire_and_clear(void **state)
{
    fixture *f = *state;
    must_put(f, SEWAGE_FULL, 0);
    must_put(f, "{\"code\": \"sewage\", \"active\": false, \"attributes\": null, \"remind_hours\": 0}", 1);
    json_t *c = get(f, "sewage");
    assert_true(json_is_false(json_object_get(c, "active")));
    assert_true(json_is_null(json_object_get(c, "attributes")));
    assert_int_equal(i_of(c, "remind_hours"), 0);
    assert_string_equal(s_of(c, "name"), "污水与排水");
    json_decref(c);
}

static void test_category_duplicate_code_without_replace_is_409_and_changes_nothing(void **state)
{
    fixture *f = *state;
    must_put(f, SEWAGE_FULL, 0);
    tx_err err;
    int64_t id = -7;
    assert_int_equal(put(f,
                         "{\"code\": \"sewage\", \"name\": \"别的\", \"name_en\": \"x\", \"group\": \"g\", "
                         "\"group_en\": \"g\"}",
                         0, &id, &err),
                     -1);
    assert_int_equal(err.status, 409);
    assert_string_equal(err.code, "duplicate");
    assert_string_equal(err.field, "code");
    assert_non_null(strstr(err.msg[TX_LANG_EN], "sewage"));
    json_t *c = get(f, "sewage");
    assert_string_equal(s_of(c, "name"), "污水与排水");
    assert_int_equal(i_of(c, "sort"), 20);
    json_decref(c);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM category"), 1);
}

static void test_category_replace_of_a_new_code_inserts_it(void **state)
{
    fixture *f = *state;
    int64_t a = must_put(f, SEWAGE, 1);
    int64_t b = must_put(f,
                         "{\"code\": \"road\", \"name\": \"道路破损\", \"name_en\": \"Road\", \"group\": \"市政\", "
                         "\"group_en\": \"Public works\", \"deadlines\": {\"resolve\": {\"kind\": \"working_days\", "
                         "\"n\": 7}}}",
                         1);
    assert_int_not_equal(a, b);
    json_t *c = get(f, "road");
    assert_int_equal(i_of(c, "id"), b);
    expect_deadline(c, "resolve", "working_days", 7);
    expect_deadline(c, "accept", "working_hours", 2);
    json_decref(c);
}

static void test_category_list_orders_by_sort_and_hides_retired_ones(void **state)
{
    fixture *f = *state;
    must_put(f,
             "{\"code\": \"c\", \"name\": \"丙\", \"name_en\": \"C\", \"group\": \"g\", \"group_en\": \"g\", "
             "\"sort\": 5}",
             0);
    must_put(f,
             "{\"code\": \"a\", \"name\": \"甲\", \"name_en\": \"A\", \"group\": \"g\", \"group_en\": \"g\", "
             "\"sort\": 30}",
             0);
    must_put(f,
             "{\"code\": \"b\", \"name\": \"乙\", \"name_en\": \"B\", \"group\": \"g\", \"group_en\": \"g\", "
             "\"sort\": 5, \"active\": false}",
             0);
    must_put(f,
             "{\"code\": \"d\", \"name\": \"丁\", \"name_en\": \"D\", \"group\": \"g\", \"group_en\": \"g\", "
             "\"sort\": -3}",
             0);
    tx_err err;
    json_t *out = NULL;
    assert_int_equal(store_category_list(f->c, 0, &out, &err), 0);
    char got[64] = "";
    for (size_t i = 0; i < json_array_size(out); i++)
        strcat(got, s_of(json_array_get(out, i), "code"));
    assert_string_equal(got, "dca");
    json_decref(out);
    assert_int_equal(store_category_list(f->c, 1, &out, &err), 0);
    got[0] = '\0';
    for (size_t i = 0; i < json_array_size(out); i++)
        strcat(got, s_of(json_array_get(out, i), "code"));
    /* equal sort: by id, so c (inserted first) before b */
    assert_string_equal(got, "dcba");
    assert_true(json_is_false(json_object_get(json_array_get(out, 2), "active")));
    json_decref(out);
}

static void test_category_get_of_an_unknown_code_is_404(void **state)
{
    fixture *f = *state;
    must_put(f, SEWAGE, 0);
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_category_get(f->c, "sewer", &out, &err), -1);
    assert_null(out);
    assert_int_equal(err.status, 404);
    assert_string_equal(err.field, "service_code");
    assert_non_null(strstr(err.msg[TX_LANG_EN], "sewer"));
}

/* ---- rules ---------------------------------------------------------------- */

static void test_rule_add_and_list_show_codes_and_names(void **state)
{
    fixture *f = *state;
    must_put(f, SEWAGE, 0);
    int64_t r1 = rule_add(f, (store_rule_in){.category_code = "sewage",
                                             .where = TX_WHERE_OUTSIDE,
                                             .handler = TX_HANDLER_DEPARTMENT,
                                             .org_code = "HY-SZDJ",
                                             .tier = TX_TIER_COMMUNITY,
                                             .note = "公共污水管网",
                                             .note_en = "public sewer"});
    int64_t r2 = rule_add(f, (store_rule_in){.where = TX_WHERE_ANY,
                                             .area_code = "DS-BY",
                                             .handler = TX_HANDLER_COMMUNITY_OFFICE,
                                             .tier = TX_TIER_COMMUNITY});
    assert_true(r2 > r1);
    assert_int_equal(rule_count(f), 2);
    json_t *out = NULL;
    tx_err err;
    assert_int_equal(store_rule_list(f->c, &out, &err), 0);
    assert_int_equal(json_array_size(out), 2);
    json_t *a = json_array_get(out, 0), *b = json_array_get(out, 1);
    assert_int_equal(i_of(a, "id"), r1);
    assert_string_equal(s_of(a, "service_code"), "sewage");
    assert_string_equal(s_of(a, "place"), "outside");
    assert_true(json_is_null(json_object_get(a, "area")));
    assert_string_equal(s_of(a, "handler"), "department");
    json_t *org = json_object_get(a, "org");
    assert_int_equal(i_of(org, "id"), 18);
    assert_string_equal(s_of(org, "code"), "HY-SZDJ");
    assert_string_equal(s_of(org, "name"), "惠阳区市政和代建事务中心");
    assert_string_equal(s_of(a, "tier"), "community");
    assert_string_equal(s_of(a, "note"), "公共污水管网");
    assert_string_equal(s_of(a, "note_en"), "public sewer");
    assert_int_equal(i_of(b, "id"), r2);
    assert_true(json_is_null(json_object_get(b, "service_code")));
    assert_string_equal(s_of(b, "place"), "any");
    json_t *area = json_object_get(b, "area");
    assert_int_equal(i_of(area, "id"), 5);
    assert_string_equal(s_of(area, "code"), "DS-BY");
    assert_string_equal(s_of(area, "name"), "白云社区");
    assert_true(json_is_null(json_object_get(b, "org")));
    assert_string_equal(s_of(b, "handler"), "community_office");
    assert_string_equal(s_of(b, "note"), "");
    assert_string_equal(s_of(b, "note_en"), "");
    json_decref(out);
}

static void expect_rule_refused(fixture *f, store_rule_in r, const char *field, const char *code)
{
    int before = rule_count(f);
    int64_t id = -7;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_rule_add(f->c, &r, &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.code, "unknown_code");
    assert_string_equal(err.field, field);
    if (strstr(err.msg[TX_LANG_EN], code) == NULL || strstr(err.msg[TX_LANG_ZH], code) == NULL)
        fail_msg("the message does not name %s: %s / %s", code, err.msg[TX_LANG_EN], err.msg[TX_LANG_ZH]);
    assert_int_equal(rule_count(f), before);
}

static void test_rule_add_with_an_unknown_code_names_the_field(void **state)
{
    fixture *f = *state;
    must_put(f, SEWAGE, 0);
    expect_rule_refused(f, (store_rule_in){.category_code = "sewer", .handler = TX_HANDLER_GRID_WORKER}, "service_code",
                        "sewer");
    expect_rule_refused(
        f, (store_rule_in){.category_code = "sewage", .area_code = "DS-NOPE", .handler = TX_HANDLER_GRID_WORKER},
        "area", "DS-NOPE");
    expect_rule_refused(f,
                        (store_rule_in){.category_code = "sewage",
                                        .handler = TX_HANDLER_DEPARTMENT,
                                        .org_code = "HY-NOPE",
                                        .tier = TX_TIER_COMMUNITY},
                        "org", "HY-NOPE");
    /* codes are not names: the name of a department is no code */
    expect_rule_refused(f, (store_rule_in){.handler = TX_HANDLER_DEPARTMENT, .org_code = "惠阳区市政和代建事务中心"},
                        "org", "惠阳区市政和代建事务中心");
    assert_int_equal(rule_count(f), 0);
}

static void test_rule_delete_removes_one_and_404s_after(void **state)
{
    fixture *f = *state;
    int64_t a = rule_add(f, (store_rule_in){.handler = TX_HANDLER_GRID_WORKER});
    int64_t b = rule_add(f, (store_rule_in){.handler = TX_HANDLER_STREET_OFFICE, .tier = TX_TIER_STREET});
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_rule_delete(f->c, a, &err), 0);
    assert_int_equal(rule_count(f), 1);
    json_t *out = NULL;
    assert_int_equal(store_rule_list(f->c, &out, &err), 0);
    assert_int_equal(json_array_size(out), 1);
    assert_int_equal(i_of(json_array_get(out, 0), "id"), b);
    json_decref(out);
    tx_err_clear(&err);
    assert_int_equal(store_rule_delete(f->c, a, &err), -1);
    assert_int_equal(err.status, 404);
    tx_err_clear(&err);
    assert_int_equal(store_rule_delete(f->c, 99999, &err), -1);
    assert_int_equal(err.status, 404);
    assert_int_equal(rule_count(f), 1);
}

/* ---- the snapshot ----------------------------------------------------------- */

static void test_catalogue_load_has_categories_with_their_deadlines(void **state)
{
    fixture *f = *state;
    int64_t sewage = must_put(f, SEWAGE_FULL, 0);
    int64_t road = must_put(f,
                            "{\"code\": \"road\", \"name\": \"道路破损\", \"name_en\": \"Road\", \"group\": \"市政\", "
                            "\"group_en\": \"Public works\", \"active\": false}",
                            0);
    store_catalogue *cat = load(f);
    assert_int_equal(cat->n_categories, 2); /* retired ones too: old cases keep their category */
    const store_category *k = store_catalogue_category(cat, "sewage");
    assert_non_null(k);
    assert_int_equal(k->id, sewage);
    assert_string_equal(k->name, "污水与排水");
    assert_string_equal(k->name_en, "Sewage and drainage");
    assert_string_equal(k->group_name, "市政设施");
    assert_string_equal(k->group_name_en, "Public works");
    assert_int_equal(k->accept.kind, TX_DUR_WORKING_HOURS);
    assert_int_equal(k->accept.n, 1);
    assert_int_equal(k->contact.kind, TX_DUR_HOURS);
    assert_int_equal(k->contact.n, 3);
    assert_int_equal(k->resolve.kind, TX_DUR_WORKING_DAYS);
    assert_int_equal(k->resolve.n, 7);
    assert_int_equal(k->remind_hours, 6);
    assert_int_equal(k->duplicate_radius_m, 250);
    assert_int_equal(k->active, 1);
    assert_true(json_is_array(k->attributes));
    assert_ptr_equal(store_catalogue_category_by_id(cat, sewage), k);
    const store_category *r = store_catalogue_category(cat, "road");
    assert_non_null(r);
    assert_int_equal(r->id, road);
    assert_int_equal(r->active, 0);
    assert_null(r->attributes);
    assert_int_equal(r->resolve.kind, TX_DUR_WORKING_DAYS);
    assert_int_equal(r->resolve.n, 5);
    assert_null(store_catalogue_category(cat, "sewer"));
    assert_null(store_catalogue_category(cat, NULL));
    assert_null(store_catalogue_category_by_id(cat, 987654));
    store_catalogue_free(cat);
}

static void test_catalogue_load_has_rules_with_ids_and_department_names(void **state)
{
    fixture *f = *state;
    int64_t sewage = must_put(f, SEWAGE, 0);
    int64_t r1 = rule_add(f, (store_rule_in){.category_code = "sewage",
                                             .where = TX_WHERE_OUTSIDE,
                                             .handler = TX_HANDLER_DEPARTMENT,
                                             .org_code = "HY-SZDJ",
                                             .tier = TX_TIER_COMMUNITY,
                                             .note = "公共污水管网",
                                             .note_en = "public sewer"});
    int64_t r2 = rule_add(f, (store_rule_in){.category_code = "sewage",
                                             .where = TX_WHERE_INSIDE,
                                             .handler = TX_HANDLER_PROPERTY_COMPANY,
                                             .tier = TX_TIER_GRID});
    int64_t r3 = rule_add(
        f, (store_rule_in){.area_code = "DS-BY-G01", .handler = TX_HANDLER_STREET_OFFICE, .tier = TX_TIER_STREET});
    store_catalogue *cat = load(f);
    assert_int_equal(cat->n_rules, 3);
    const tx_route_rule *a = &cat->rules[0], *b = &cat->rules[1], *c = &cat->rules[2];
    assert_int_equal(a->id, r1);
    assert_int_equal(a->category_id, sewage);
    assert_int_equal(a->where, TX_WHERE_OUTSIDE);
    assert_int_equal(a->area_id, 0);
    assert_int_equal(a->handler, TX_HANDLER_DEPARTMENT);
    assert_int_equal(a->org_id, 18);
    assert_string_equal(a->org_name, "惠阳区市政和代建事务中心");
    assert_int_equal(a->tier, TX_TIER_COMMUNITY);
    assert_string_equal(a->note[0], "公共污水管网");
    assert_string_equal(a->note[1], "public sewer");
    assert_int_equal(b->id, r2);
    assert_int_equal(b->where, TX_WHERE_INSIDE);
    assert_int_equal(b->handler, TX_HANDLER_PROPERTY_COMPANY);
    assert_int_equal(b->org_id, 0);
    assert_int_equal(b->tier, TX_TIER_GRID);
    assert_int_equal(c->id, r3);
    assert_int_equal(c->category_id, 0);
    assert_int_equal(c->where, TX_WHERE_ANY);
    assert_int_equal(c->area_id, 6);
    assert_int_equal(c->handler, TX_HANDLER_STREET_OFFICE);
    assert_int_equal(c->tier, TX_TIER_STREET);
    /* the snapshot routes: outside a red line in 白云, sewage is the department's */
    tx_route_place p = {.street = {3, "淡水街道"}, .community = {5, "白云社区"}, .grid = {6, "白云第一网格"}};
    tx_route_decision d;
    tx_route_decide(&p, sewage, cat->rules, cat->n_rules, &d);
    /* the grid override (r3) is more specific than the category's rule */
    assert_non_null(d.rule);
    assert_int_equal(d.rule->id, r3);
    tx_route_place q = {.street = {3, "淡水街道"}, .community = {4, "星河社区"}};
    tx_route_decide(&q, sewage, cat->rules, cat->n_rules, &d);
    assert_non_null(d.rule);
    assert_int_equal(d.rule->id, r1);
    assert_int_equal(d.handler_id, 18);
    assert_non_null(strstr(d.reason[0], "惠阳区市政和代建事务中心"));
    store_catalogue_free(cat);
}

static void test_catalogue_load_has_managed_compounds_sorted_with_company_names(void **state)
{
    fixture *f = *state;
    store_catalogue *cat = load(f);
    assert_int_equal(cat->n_managed, 3);
    for (int i = 1; i < cat->n_managed; i++)
        assert_true(cat->managed[i - 1].compound_id < cat->managed[i].compound_id);
    assert_int_equal(cat->managed[0].compound_id, 7);
    assert_int_equal(cat->managed[1].compound_id, 8);
    assert_int_equal(cat->managed[2].compound_id, 9);
    const char *name = "x";
    assert_int_equal(store_catalogue_manager(cat, 7, &name), 20);
    assert_string_equal(name, "御珑物业服务有限公司");
    assert_int_equal(store_catalogue_manager(cat, 8, &name), 20);
    assert_string_equal(name, "御珑物业服务有限公司");
    assert_int_equal(store_catalogue_manager(cat, 9, &name), 21);
    assert_string_equal(name, "星河丹堤物业服务中心");
    /* no company on record, not a compound, nothing */
    name = "x";
    assert_int_equal(store_catalogue_manager(cat, 10, &name), 0);
    assert_null(name);
    name = "x";
    assert_int_equal(store_catalogue_manager(cat, 5, &name), 0);
    assert_null(name);
    name = "x";
    assert_int_equal(store_catalogue_manager(cat, 0, &name), 0);
    assert_null(name);
    store_catalogue_free(cat);
    /* a second company for one compound: the compound still has one */
    tmpdb_exec(f->c, "INSERT INTO organisation (id, kind, code, name, area_id) VALUES (22, 'property_company', "
                     "'BY-PM02', '白云第二物业', 5); INSERT INTO managed_compound (org_id, area_id) VALUES (22, 7);");
    cat = load(f);
    for (int i = 1; i < cat->n_managed; i++)
        assert_true(cat->managed[i - 1].compound_id <= cat->managed[i].compound_id);
    int64_t m = store_catalogue_manager(cat, 7, &name);
    assert_true(m == 20 || m == 22);
    assert_string_equal(name, m == 20 ? "御珑物业服务有限公司" : "白云第二物业");
    assert_int_equal(store_catalogue_manager(cat, 9, &name), 21);
    store_catalogue_free(cat);
}

static void test_catalogue_load_has_the_first_street_as_home(void **state)
{
    fixture *f = *state;
    store_catalogue *cat = load(f);
    assert_int_equal(cat->home_street_id, 3);
    assert_string_equal(cat->home_street_name, "淡水街道");
    store_catalogue_free(cat);
}

static void test_catalogue_load_without_any_street_has_no_home(void **state)
{
    (void)state;
    fixture *f = tmpdb_fixture_open(NULL);
    store_catalogue *cat = load(f);
    assert_int_equal(cat->home_street_id, 0);
    assert_string_equal(cat->home_street_name, "");
    assert_int_equal(cat->n_categories, 0);
    assert_int_equal(cat->n_rules, 0);
    assert_int_equal(cat->n_managed, 0);
    assert_int_equal(cat->n_exceptions, 0);
    store_catalogue_free(cat);
    tmpdb_fixture_close(f);
}

static void test_catalogue_load_has_the_stored_calendar(void **state)
{
    fixture *f = *state;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_calendar_put(f->c, "2026-10-01", "holiday", "国庆节", &err), 0);
    assert_int_equal(store_calendar_put(f->c, "2026-10-10", "workday", "国庆节", &err), 0);
    store_catalogue *cat = load(f);
    assert_int_equal(cat->n_exceptions, 2);
    int32_t oct1, oct8, oct10, oct11;
    assert_int_equal(tx_cal_parse_date("2026-10-01", &oct1), 0);  /* a Thursday */
    assert_int_equal(tx_cal_parse_date("2026-10-08", &oct8), 0);  /* a Thursday */
    assert_int_equal(tx_cal_parse_date("2026-10-10", &oct10), 0); /* a Saturday */
    assert_int_equal(tx_cal_parse_date("2026-10-11", &oct11), 0); /* a Sunday */
    assert_int_equal(tx_cal_is_workday(&cat->calendar, oct1), 0);
    assert_int_equal(tx_cal_is_workday(&cat->calendar, oct8), 1);
    assert_int_equal(tx_cal_is_workday(&cat->calendar, oct10), 1);
    assert_int_equal(tx_cal_is_workday(&cat->calendar, oct11), 0);
    store_catalogue_free(cat);
}

/* ---- the version ------------------------------------------------------------ */

/* The version after fn moved past the one before it. */
#define EXPECT_MOVES(f, what, stmt)                                                                                    \
    do {                                                                                                               \
        int64_t before_ = version(f);                                                                                  \
        stmt;                                                                                                          \
        int64_t after_ = version(f);                                                                                   \
        if (after_ <= before_)                                                                                         \
            fail_msg("%s did not move the catalogue version (%lld → %lld)", what, (long long)before_,                  \
                     (long long)after_);                                                                               \
    } while (0)

static void test_catalogue_version_moves_with_every_input_of_the_snapshot(void **state)
{
    fixture *f = *state;
    tx_err err;
    int64_t rid = 0;
    /* reads do not move it */
    int64_t v0 = version(f);
    store_catalogue *cat = load(f);
    assert_int_equal(cat->version, v0);
    store_catalogue_free(cat);
    assert_int_equal(version(f), v0);

    EXPECT_MOVES(f, "a new category", must_put(f, SEWAGE, 0));
    EXPECT_MOVES(f, "a changed category", must_put(f, "{\"code\": \"sewage\", \"name\": \"排水\"}", 1));
    EXPECT_MOVES(f, "a new rule",
                 rid = rule_add(f, (store_rule_in){.category_code = "sewage", .handler = TX_HANDLER_GRID_WORKER}));
    EXPECT_MOVES(f, "a changed rule", tmpdb_exec(f->c, "UPDATE route_rule SET tier = 'community'"));
    EXPECT_MOVES(f, "a deleted rule", assert_int_equal(store_rule_delete(f->c, rid, &err), 0));
    EXPECT_MOVES(f, "a calendar day",
                 assert_int_equal(store_calendar_put(f->c, "2026-10-01", "holiday", "国庆", &err), 0));
    EXPECT_MOVES(f, "a replaced calendar day",
                 assert_int_equal(store_calendar_put(f->c, "2026-10-01", "workday", "国庆", &err), 0));
    EXPECT_MOVES(f, "a deleted calendar day", assert_int_equal(store_calendar_delete(f->c, "2026-10-01", &err), 0));
    EXPECT_MOVES(f, "a managed compound", tmpdb_exec(f->c, "INSERT INTO managed_compound VALUES (21, 10)"));
    EXPECT_MOVES(f, "a compound changing hands",
                 tmpdb_exec(f->c, "UPDATE managed_compound SET org_id = 20 WHERE area_id = 10"));
    EXPECT_MOVES(f, "a compound no longer managed",
                 tmpdb_exec(f->c, "DELETE FROM managed_compound WHERE area_id = 10"));
    EXPECT_MOVES(f, "a new area",
                 tmpdb_exec(f->c, "INSERT INTO area (id, kind, code, name, parent_id) VALUES "
                                  "(12, 'street', 'DS2', '新街道', 2)"));
    EXPECT_MOVES(f, "a renamed street", tmpdb_exec(f->c, "UPDATE area SET name = '淡水' WHERE id = 3"));
    EXPECT_MOVES(f, "a deleted category", tmpdb_exec(f->c, "DELETE FROM category WHERE code = 'sewage'"));
    /* and the snapshot carries the version it was read at */
    int64_t v = version(f);
    cat = load(f);
    assert_int_equal(cat->version, v);
    assert_string_equal(cat->home_street_name, "淡水");
    store_catalogue_free(cat);
}

static void test_catalogue_version_moves_when_a_name_in_the_snapshot_changes(void **state)
{
    /* The snapshot carries the departments' and property companies' names
     * (rules' org_name, managed compounds' org_name) and routing writes
     * them into every case's reason. Renaming one must make servers reload,
     * or new cases name the old organisation. */
    fixture *f = *state;
    must_put(f, SEWAGE, 0);
    rule_add(f, (store_rule_in){.category_code = "sewage",
                                .handler = TX_HANDLER_DEPARTMENT,
                                .org_code = "HY-SZDJ",
                                .tier = TX_TIER_COMMUNITY});
    EXPECT_MOVES(f, "renaming the department of a rule",
                 tmpdb_exec(f->c, "UPDATE organisation SET name = '惠阳区市政事务中心' WHERE id = 18"));
    EXPECT_MOVES(f, "renaming a managing property company",
                 tmpdb_exec(f->c, "UPDATE organisation SET name = '御珑物业' WHERE id = 20"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_category_insert_with_only_the_required_fields_takes_the_defaults, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_category_insert_keeps_every_field_given, setup, teardown),
        cmocka_unit_test_setup_teardown(test_category_update_keeps_the_fields_it_leaves_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_category_update_merges_deadlines_one_by_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_category_update_can_retire_and_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_category_duplicate_code_without_replace_is_409_and_changes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_category_replace_of_a_new_code_inserts_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_category_list_orders_by_sort_and_hides_retired_ones, setup, teardown),
        cmocka_unit_test_setup_teardown(test_category_get_of_an_unknown_code_is_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_add_and_list_show_codes_and_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_add_with_an_unknown_code_names_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_delete_removes_one_and_404s_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_load_has_categories_with_their_deadlines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_load_has_rules_with_ids_and_department_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_load_has_managed_compounds_sorted_with_company_names, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_load_has_the_first_street_as_home, setup, teardown),
        cmocka_unit_test(test_catalogue_load_without_any_street_has_no_home),
        cmocka_unit_test_setup_teardown(test_catalogue_load_has_the_stored_calendar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_version_moves_with_every_input_of_the_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_version_moves_when_a_name_in_the_snapshot_changes, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
