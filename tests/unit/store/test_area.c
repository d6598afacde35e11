/* Unit tests for src/store/sqlite/area.c: listing, getting, placing,
 * writing and deleting areas (store.h), on a temporary migrated database
 * with a small hierarchy inserted as SQL. */
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

/* 惠州市 > 惠阳区 > 淡水街道 > 星河社区 (grids XH-G1, XH-G2; compound
 * 星河丹堤 in XH-G1) and 白云社区 (grid BY-G1). */
static const char fixture_sql[] =
    "INSERT INTO area (id, kind, code, name, name_en, parent_id) VALUES"
    " (1, 'city', 'HZ', '惠州市', 'Huizhou', NULL),"
    " (2, 'district', 'HY', '惠阳区', 'Huiyang District', 1),"
    " (3, 'street', 'DS', '淡水街道', 'Danshui Subdistrict', 2),"
    " (4, 'community', 'XH', '星河社区', 'Xinghe Community', 3),"
    " (5, 'community', 'BY', '白云社区', 'Baiyun Community', 3),"
    " (6, 'grid', 'XH-G1', '星河第一网格', NULL, 4),"
    " (7, 'grid', 'XH-G2', '星河第二网格', NULL, 4),"
    " (8, 'compound', 'XH-G1-K1', '星河丹堤', 'Xinghe Dandi', 6),"
    " (9, 'grid', 'BY-G1', '白云第一网格', NULL, 5);"
    "UPDATE area SET boundary = '{\"type\":\"Polygon\",\"coordinates\":[[[114.4,22.7],[114.5,22.7],[114.5,22.8],"
    "[114.4,22.8],[114.4,22.7]]]}', population_resident = 20000, founded = '2011-10', "
    "extra = '{\"source\":\"survey\"}' WHERE id = 8;";

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

/* The codes of a FeatureCollection's features, comma-separated, in order. */
static void codes_of(json_t *fc, char *out, size_t size)
{
    out[0] = '\0';
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        const char *code = json_string_value(json_object_get(json_object_get(f, "properties"), "code"));
        if (i)
            strncat(out, ",", size - strlen(out) - 1);
        strncat(out, code ? code : "?", size - strlen(out) - 1);
    }
}

static void expect_list(fixture *f, const store_area_filter *flt, const char *codes)
{
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_area_list(f->c, flt, &out, &err))
        fail_msg("area list: %s", err.msg[TX_LANG_EN]);
    assert_string_equal(json_string_value(json_object_get(out, "type")), "FeatureCollection");
    char got[512];
    codes_of(out, got, sizeof got);
    assert_string_equal(got, codes);
    json_decref(out);
}

static store_area_in area_in(const char *kind, const char *code, const char *name, const char *parent_code)
{
    return (store_area_in){.kind = kind, .code = code, .name = name, .parent_code = parent_code};
}

/* Whether text contains the number n on its own (not inside a longer one). */
static int names_number(const char *text, long n)
{
    char num[24];
    snprintf(num, sizeof num, "%ld", n);
    size_t len = strlen(num);
    for (const char *p = strstr(text, num); p; p = strstr(p + 1, num))
        if (!(p > text && p[-1] >= '0' && p[-1] <= '9') && !(p[len] >= '0' && p[len] <= '9'))
            return 1;
    return 0;
}

/* A 409 in_use whose messages (both languages) give the count, and whose
 * English one says what it counts. */
static void expect_in_use(const tx_err *err, long count, const char *what)
{
    assert_int_equal(err->status, 409);
    assert_string_equal(err->code, "in_use");
    for (int lang = 0; lang < 2; lang++)
        if (!names_number(err->msg[lang], count))
            fail_msg("message \"%s\" does not give the count %ld", err->msg[lang], count);
    if (strstr(err->msg[TX_LANG_EN], what) == NULL)
        fail_msg("message \"%s\" does not mention %s", err->msg[TX_LANG_EN], what);
}

/* ---- list and get ------------------------------------------------------- */

static void test_area_list_without_filter_lists_every_area_parents_first(void **state)
{
    fixture *f = *state;
    store_area_filter flt = {0};
    expect_list(f, &flt, "HZ,HY,DS,BY,XH,BY-G1,XH-G1,XH-G2,XH-G1-K1");
}

static void test_area_list_filters_by_kind(void **state)
{
    fixture *f = *state;
    store_area_filter flt = {.kind = "grid"};
    expect_list(f, &flt, "BY-G1,XH-G1,XH-G2");
    flt.kind = "community";
    expect_list(f, &flt, "BY,XH");
    flt.kind = "village";
    expect_list(f, &flt, "");
}

static void test_area_list_filters_by_parent(void **state)
{
    fixture *f = *state;
    store_area_filter flt = {.parent_id = 4};
    expect_list(f, &flt, "XH-G1,XH-G2");
    flt.parent_id = 3;
    expect_list(f, &flt, "BY,XH");
    flt.parent_id = 8; /* a compound has no children */
    expect_list(f, &flt, "");
}

static void test_area_list_filters_by_a_substring_of_the_chinese_name(void **state)
{
    fixture *f = *state;
    store_area_filter flt = {.name = "星河"};
    expect_list(f, &flt, "XH,XH-G1,XH-G2,XH-G1-K1");
    flt.name = "丹堤";
    expect_list(f, &flt, "XH-G1-K1");
    flt.name = "网格";
    flt.kind = "grid";
    flt.parent_id = 4;
    expect_list(f, &flt, "XH-G1,XH-G2");
}

static void test_area_list_filters_by_a_substring_of_the_english_name(void **state)
{
    fixture *f = *state;
    store_area_filter flt = {.name = "Baiyun"};
    expect_list(f, &flt, "BY");
    flt.name = "Dandi";
    expect_list(f, &flt, "XH-G1-K1");
    flt.name = "District";
    expect_list(f, &flt, "HY");
    flt.name = "Nowhere";
    expect_list(f, &flt, "");
}

static void test_area_list_gives_boundaries_only_when_asked(void **state)
{
    fixture *f = *state;
    store_area_filter flt = {.kind = "compound"};
    json_t *out;
    tx_err err;
    assert_int_equal(store_area_list(f->c, &flt, &out, &err), 0);
    json_t *feat = json_array_get(json_object_get(out, "features"), 0);
    assert_true(json_is_null(json_object_get(feat, "geometry")));
    json_decref(out);
    flt.with_geometry = 1;
    assert_int_equal(store_area_list(f->c, &flt, &out, &err), 0);
    feat = json_array_get(json_object_get(out, "features"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(feat, "geometry"), "type")), "Polygon");
    json_decref(out);
}

static void test_area_get_gives_the_feature_with_its_parent_and_extra_properties(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    tx_err err;
    assert_int_equal(store_area_get(f->c, 8, &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(out, "type")), "Feature");
    assert_int_equal(json_integer_value(json_object_get(out, "id")), 8);
    json_t *p = json_object_get(out, "properties");
    assert_int_equal(json_integer_value(json_object_get(p, "id")), 8);
    assert_string_equal(json_string_value(json_object_get(p, "kind")), "compound");
    assert_string_equal(json_string_value(json_object_get(p, "code")), "XH-G1-K1");
    assert_string_equal(json_string_value(json_object_get(p, "name")), "星河丹堤");
    assert_int_equal(json_integer_value(json_object_get(p, "parent_id")), 6);
    assert_string_equal(json_string_value(json_object_get(p, "parent_code")), "XH-G1");
    assert_int_equal(json_integer_value(json_object_get(p, "population_resident")), 20000);
    assert_string_equal(json_string_value(json_object_get(p, "founded")), "2011-10");
    assert_string_equal(json_string_value(json_object_get(p, "source")), "survey");
    assert_true(json_is_object(json_object_get(out, "geometry")));
    json_decref(out);
}

static void test_area_get_of_an_unknown_id_is_404(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_area_get(f->c, 999, &out, &err), -1);
    assert_null(out);
    assert_int_equal(err.status, 404);
    assert_string_equal(err.code, "not_found");
}

static void test_area_id_by_code_finds_the_area_or_says_404(void **state)
{
    fixture *f = *state;
    int64_t id = 0;
    tx_err err;
    assert_int_equal(store_area_id_by_code(f->c, "BY-G1", &id, &err), 0);
    assert_int_equal(id, 9);
    assert_int_equal(store_area_id_by_code(f->c, "NOPE", &id, &err), -1);
    assert_int_equal(err.status, 404);
}

/* ---- ancestry ------------------------------------------------------------ */

static void test_ancestry_lists_the_area_then_its_ancestors_nearest_first(void **state)
{
    fixture *f = *state;
    int64_t ids[16];
    int n = -1;
    tx_err err;
    assert_int_equal(store_area_ancestry(f->c, 8, ids, 16, &n, &err), 0);
    assert_int_equal(n, 6);
    static const int64_t expect[] = {8, 6, 4, 3, 2, 1};
    for (int i = 0; i < 6; i++)
        assert_int_equal(ids[i], expect[i]);
    assert_int_equal(store_area_ancestry(f->c, 1, ids, 16, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 1);
}

static void test_ancestry_stops_at_max(void **state)
{
    fixture *f = *state;
    int64_t ids[3];
    int n = -1;
    tx_err err;
    assert_int_equal(store_area_ancestry(f->c, 8, ids, 3, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], 8);
    assert_int_equal(ids[2], 4);
}

static void test_ancestry_of_no_area_is_empty(void **state)
{
    fixture *f = *state;
    int64_t ids[4];
    int n = -1;
    tx_err err;
    assert_int_equal(store_area_ancestry(f->c, 0, ids, 4, &n, &err), 0);
    assert_int_equal(n, 0);
}

/* ---- put, update, delete ------------------------------------------------- */

static void test_area_put_inserts_under_the_parent_named_by_code(void **state)
{
    fixture *f = *state;
    store_area_in a = area_in("compound", "BY-G1-K1", "御珑名苑", "BY-G1");
    a.population_resident = 3000;
    a.has_population_resident = 1;
    int64_t id = 0;
    tx_err err;
    assert_int_equal(store_area_put(f->c, &a, 0, &id, &err), 0);
    assert_true(id > 9);
    assert_int_equal(tmpdb_int(f->c, "SELECT parent_id FROM area WHERE code = 'BY-G1-K1'"), 9);
    assert_int_equal(tmpdb_int(f->c, "SELECT population_resident FROM area WHERE code = 'BY-G1-K1'"), 3000);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM area WHERE code = 'BY-G1-K1' AND households IS NULL"), 1);
}

static void test_area_put_of_a_stored_code_is_409_unless_replacing(void **state)
{
    fixture *f = *state;
    store_area_in a = area_in("grid", "XH-G2", "星河第二网格（新）", "XH");
    int64_t id = 0;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_area_put(f->c, &a, 0, &id, &err), -1);
    assert_int_equal(err.status, 409);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM area WHERE name = '星河第二网格'"), 1);
    assert_int_equal(store_area_put(f->c, &a, 1, &id, &err), 0);
    assert_int_equal(id, 7);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM area WHERE name = '星河第二网格（新）' AND id = 7"), 1);
}

static void test_area_put_with_an_unknown_parent_is_400_naming_parent_code(void **state)
{
    fixture *f = *state;
    store_area_in a = area_in("grid", "ZZ-G1", "某网格", "ZZ");
    int64_t id;
    tx_err err;
    assert_int_equal(store_area_put(f->c, &a, 0, &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "parent_code");
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM area WHERE code = 'ZZ-G1'"), 0);
}

static void test_area_update_changes_fields_and_may_change_the_code(void **state)
{
    fixture *f = *state;
    store_area_in a = area_in("grid", "XH-G9", "星河第九网格", "XH");
    tx_err err;
    assert_int_equal(store_area_update(f->c, 7, &a, &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT id FROM area WHERE code = 'XH-G9' AND name = '星河第九网格'"), 7);
    /* Keeping its own code is no clash. */
    assert_int_equal(store_area_update(f->c, 7, &a, &err), 0);
}

static void test_area_update_to_a_code_another_area_has_is_409(void **state)
{
    fixture *f = *state;
    store_area_in a = area_in("grid", "XH-G1", "星河第二网格", "XH");
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_area_update(f->c, 7, &a, &err), -1);
    assert_int_equal(err.status, 409);
    assert_string_equal(err.field, "code");
    assert_int_equal(tmpdb_int(f->c, "SELECT id FROM area WHERE code = 'XH-G2'"), 7);
}

static void test_area_update_refuses_an_area_as_its_own_parent(void **state)
{
    fixture *f = *state;
    store_area_in a = area_in("grid", "XH-G2", "星河第二网格", "XH-G2");
    tx_err err;
    assert_int_equal(store_area_update(f->c, 7, &a, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "parent_code");
}

static void test_area_update_of_an_unknown_id_is_404(void **state)
{
    fixture *f = *state;
    store_area_in a = area_in("grid", "NEW-G", "新网格", "XH");
    tx_err err;
    assert_int_equal(store_area_update(f->c, 999, &a, &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_area_delete_removes_a_leaf_area(void **state)
{
    fixture *f = *state;
    tx_err err;
    json_t *out = NULL;
    assert_int_equal(store_area_delete(f->c, 8, &err), 0);
    assert_int_equal(store_area_get(f->c, 8, &out, &err), -1);
    assert_int_equal(err.status, 404);
    assert_int_equal(store_area_delete(f->c, 8, &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_area_delete_is_409_while_child_areas_remain_and_says_how_many(void **state)
{
    fixture *f = *state;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_area_delete(f->c, 4, &err), -1);
    expect_in_use(&err, 2, "child");
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM area WHERE id = 4"), 1);
}

static void test_area_delete_is_409_while_organisations_are_located_there(void **state)
{
    fixture *f = *state;
    tmpdb_exec(f->c, "INSERT INTO organisation (kind, code, name, area_id) VALUES"
                     " ('owners_committee', 'OC1', '星河丹堤业委会', 8), ('venue', 'V1', '驿站', 8),"
                     " ('association', 'A1', '协会', 8)");
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_area_delete(f->c, 8, &err), -1);
    expect_in_use(&err, 3, "organisation");
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM area WHERE id = 8"), 1);
}

static void test_area_delete_is_409_while_accounts_are_scoped_to_it(void **state)
{
    fixture *f = *state;
    tx_err err;
    tx_scope sc;
    int64_t uid;
    assert_int_equal(store_scope_resolve(f->c, TX_ROLE_GRID_WORKER, "BY-G1", &sc, &err), 0);
    assert_int_equal(store_user_add(f->c, "gw1", TX_ROLE_GRID_WORKER, &sc, "$argon2id$fake", &uid, &err), 0);
    tx_err_clear(&err);
    assert_int_equal(store_area_delete(f->c, 9, &err), -1);
    expect_in_use(&err, 1, "account");
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM area WHERE id = 9"), 1);
}

/* ---- export and rows ------------------------------------------------------ */

static void test_area_export_is_the_import_format_parents_first(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    tx_err err;
    assert_int_equal(store_area_export(f->c, &out, &err), 0);
    json_t *features = json_object_get(out, "features");
    assert_int_equal(json_array_size(features), 9);
    json_t *seen = json_object();
    size_t i;
    json_t *feat;
    json_array_foreach(features, i, feat)
    {
        json_t *p = json_object_get(feat, "properties");
        assert_null(json_object_get(p, "id"));
        assert_null(json_object_get(p, "parent_id"));
        /* Absent fields are left out, not null. */
        assert_null(json_object_get(p, "households"));
        const char *parent = json_string_value(json_object_get(p, "parent_code"));
        if (parent)
            assert_non_null(json_object_get(seen, parent));
        json_object_set_new(seen, json_string_value(json_object_get(p, "code")), json_true());
    }
    json_decref(seen);
    json_decref(out);
}

static void test_area_rows_list_areas_for_the_locator(void **state)
{
    fixture *f = *state;
    json_t *rows = NULL;
    tx_err err;
    assert_int_equal(store_area_rows(f->c, &rows, &err), 0);
    assert_true(json_array_size(rows) >= 1);
    size_t i;
    json_t *row;
    int found = 0;
    json_array_foreach(rows, i, row)
    {
        if (json_integer_value(json_array_get(row, 0)) == 8) {
            found = 1;
            assert_string_equal(json_string_value(json_array_get(row, 1)), "compound");
            assert_int_equal(json_integer_value(json_array_get(row, 2)), 6);
            assert_string_equal(json_string_value(json_array_get(row, 3)), "XH-G1-K1");
            assert_string_equal(json_string_value(json_array_get(row, 4)), "星河丹堤");
            assert_non_null(strstr(json_string_value(json_array_get(row, 5)), "Polygon"));
        }
    }
    assert_true(found);
    json_decref(rows);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_area_list_without_filter_lists_every_area_parents_first),
        T(test_area_list_filters_by_kind),
        T(test_area_list_filters_by_parent),
        T(test_area_list_filters_by_a_substring_of_the_chinese_name),
        T(test_area_list_filters_by_a_substring_of_the_english_name),
        T(test_area_list_gives_boundaries_only_when_asked),
        T(test_area_get_gives_the_feature_with_its_parent_and_extra_properties),
        T(test_area_get_of_an_unknown_id_is_404),
        T(test_area_id_by_code_finds_the_area_or_says_404),
        T(test_ancestry_lists_the_area_then_its_ancestors_nearest_first),
        T(test_ancestry_stops_at_max),
        T(test_ancestry_of_no_area_is_empty),
        T(test_area_put_inserts_under_the_parent_named_by_code),
        T(test_area_put_of_a_stored_code_is_409_unless_replacing),
        T(test_area_put_with_an_unknown_parent_is_400_naming_parent_code),
        T(test_area_update_changes_fields_and_may_change_the_code),
        T(test_area_update_to_a_code_another_area_has_is_409),
        T(test_area_update_refuses_an_area_as_its_own_parent),
        T(test_area_update_of_an_unknown_id_is_404),
        T(test_area_delete_removes_a_leaf_area),
        T(test_area_delete_is_409_while_child_areas_remain_and_says_how_many),
        T(test_area_delete_is_409_while_organisations_are_located_there),
        T(test_area_delete_is_409_while_accounts_are_scoped_to_it),
        T(test_area_export_is_the_import_format_parents_first),
        T(test_area_rows_list_areas_for_the_locator),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
