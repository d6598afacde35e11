/* Unit tests for src/store/sqlite/org.c: listing organisations with their
 * filters and paging, placing them for authorization, writing and deleting
 * them (store.h), on a temporary migrated database filled by SQL. */
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

/* Areas: 惠阳区 > 淡水街道 > 星河 (grid XH-G1 > compounds XH-K1, XH-K2) and
 * 白云 (grid BY-G1). Organisations: the street committee, each community's
 * party organisation, member units of three types, a compound branch, a
 * property company managing XH-K1, a district department. */
static const char fixture_sql[] =
    "INSERT INTO area (id, kind, code, name, parent_id) VALUES"
    " (2, 'district', 'HY', '惠阳区', NULL), (3, 'street', 'DS', '淡水街道', 2),"
    " (4, 'community', 'XH', '星河社区', 3), (5, 'community', 'BY', '白云社区', 3),"
    " (6, 'grid', 'XH-G1', '星河第一网格', 4), (7, 'compound', 'XH-K1', '星河丹堤', 6),"
    " (8, 'compound', 'XH-K2', '金湖豪庭', 6), (9, 'grid', 'BY-G1', '白云第一网格', 5);"
    "INSERT INTO organisation (id, kind, unit_type, code, name, name_en, area_id, parent_id) VALUES"
    " (10, 'street_party_committee', NULL, 'DS-PWC', '淡水街道党工委', NULL, 3, NULL),"
    " (11, 'community_party_committee', NULL, 'XH-PC', '星河社区党委', 'Xinghe Community Party Committee', 4, 10),"
    " (12, 'member_unit', 'public_institution', 'XH-MU01', '华南师范大学附属惠阳学校', 'SCNU Huiyang School', 4, NULL),"
    " (13, 'member_unit', 'enterprise', 'XH-MU02', '星河智善惠州分公司', NULL, 4, NULL),"
    " (14, 'member_unit', 'enterprise', 'BY-MU01', '惠州农商行白云分理处', NULL, 5, NULL),"
    " (15, 'community_general_branch', NULL, 'BY-PC', '白云社区党总支部', NULL, 5, 10),"
    " (16, 'compound_party_branch', NULL, 'XH-K1-PB', '星河丹堤小区党支部', NULL, 7, 11),"
    " (17, 'property_company', NULL, 'XH-PM01', '星河丹堤物业服务中心', NULL, 4, 13),"
    " (18, 'district_department', NULL, 'HY-SZDJ', '惠阳区市政和代建事务中心', NULL, 2, NULL),"
    " (19, 'member_unit', 'new_social_organisation', 'BY-MU02', '白云社工服务中心', NULL, 9, NULL);"
    "INSERT INTO managed_compound (org_id, area_id) VALUES (17, 7);";

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

/* List with flt; check the total and the codes of the items (sorted, so
 * that the check does not depend on the list's order). */
static json_t *list(fixture *f, store_org_filter flt)
{
    if (flt.limit == 0)
        flt.limit = 100;
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_org_list(f->c, &flt, &out, &err))
        fail_msg("org list: %s", err.msg[TX_LANG_EN]);
    return out;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void expect_codes(fixture *f, store_org_filter flt, int total, const char *sorted_codes)
{
    json_t *out = list(f, flt);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), total);
    json_t *items = json_object_get(out, "items");
    const char *codes[64];
    size_t n = json_array_size(items);
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++)
        codes[i] = json_string_value(json_object_get(json_array_get(items, i), "code"));
    qsort(codes, n, sizeof codes[0], cmp_str);
    char got[1024] = "";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(got, ",");
        strcat(got, codes[i]);
    }
    assert_string_equal(got, sorted_codes);
    json_decref(out);
}

/* ---- list ---------------------------------------------------------------- */

static void test_org_list_filters_by_kind(void **state)
{
    fixture *f = *state;
    expect_codes(f, (store_org_filter){.kind = "member_unit"}, 4, "BY-MU01,BY-MU02,XH-MU01,XH-MU02");
    expect_codes(f, (store_org_filter){.kind = "property_company"}, 1, "XH-PM01");
    expect_codes(f, (store_org_filter){.kind = "womens_federation"}, 0, "");
}

static void test_org_list_filters_by_unit_type(void **state)
{
    fixture *f = *state;
    expect_codes(f, (store_org_filter){.unit_type = "enterprise"}, 2, "BY-MU01,XH-MU02");
    expect_codes(f, (store_org_filter){.unit_type = "public_institution"}, 1, "XH-MU01");
}

static void test_org_list_by_area_includes_organisations_of_areas_below_it(void **state)
{
    fixture *f = *state;
    /* 星河: its own organisations and the compound branch of 星河丹堤. */
    expect_codes(f, (store_org_filter){.area_id = 4}, 5, "XH-K1-PB,XH-MU01,XH-MU02,XH-PC,XH-PM01");
    /* 白云: including the unit located in its grid. */
    expect_codes(f, (store_org_filter){.area_id = 5}, 3, "BY-MU01,BY-MU02,BY-PC");
    /* The compound alone. */
    expect_codes(f, (store_org_filter){.area_id = 7}, 1, "XH-K1-PB");
    /* The district: everything. */
    expect_codes(f, (store_org_filter){.area_id = 2}, 10,
                 "BY-MU01,BY-MU02,BY-PC,DS-PWC,HY-SZDJ,XH-K1-PB,XH-MU01,XH-MU02,XH-PC,XH-PM01");
    /* The street: not the district department above it. */
    expect_codes(f, (store_org_filter){.area_id = 3}, 9,
                 "BY-MU01,BY-MU02,BY-PC,DS-PWC,XH-K1-PB,XH-MU01,XH-MU02,XH-PC,XH-PM01");
}

static void test_org_list_q_matches_name_code_or_english_name(void **state)
{
    fixture *f = *state;
    expect_codes(f, (store_org_filter){.q = "师范"}, 1, "XH-MU01");
    expect_codes(f, (store_org_filter){.q = "XH-MU"}, 2, "XH-MU01,XH-MU02");
    expect_codes(f, (store_org_filter){.q = "Party Committee"}, 1, "XH-PC");
    expect_codes(f, (store_org_filter){.q = "星河丹堤"}, 2, "XH-K1-PB,XH-PM01");
    expect_codes(f, (store_org_filter){.q = "不存在"}, 0, "");
}

static void test_org_list_filters_combine(void **state)
{
    fixture *f = *state;
    expect_codes(f, (store_org_filter){.kind = "member_unit", .area_id = 4}, 2, "XH-MU01,XH-MU02");
    expect_codes(f, (store_org_filter){.kind = "member_unit", .unit_type = "enterprise", .area_id = 5}, 1, "BY-MU01");
    expect_codes(f, (store_org_filter){.parent_id = 10}, 2, "BY-PC,XH-PC");
}

static void test_org_list_pages_keep_the_total_and_cover_every_item_once(void **state)
{
    fixture *f = *state;
    json_t *all = list(f, (store_org_filter){.limit = 100});
    json_t *all_items = json_object_get(all, "items");
    assert_int_equal(json_array_size(all_items), 10);
    int page = 0;
    for (int offset = 0; offset < 12; offset += 3, page++) {
        json_t *out = list(f, (store_org_filter){.limit = 3, .offset = offset});
        assert_int_equal(json_integer_value(json_object_get(out, "total")), 10);
        assert_int_equal(json_integer_value(json_object_get(out, "limit")), 3);
        assert_int_equal(json_integer_value(json_object_get(out, "offset")), offset);
        json_t *items = json_object_get(out, "items");
        size_t expect = offset + 3 <= 10 ? 3 : (size_t)(10 - offset);
        assert_int_equal(json_array_size(items), expect);
        for (size_t i = 0; i < json_array_size(items); i++)
            assert_true(json_equal(json_array_get(items, i), json_array_get(all_items, (size_t)offset + i)));
        json_decref(out);
    }
    assert_int_equal(page, 4);
    /* Past the end: no items, same total. */
    json_t *out = list(f, (store_org_filter){.limit = 3, .offset = 50});
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 10);
    json_decref(out);
    json_decref(all);
}

static void test_org_items_carry_area_parent_and_managed_compounds(void **state)
{
    fixture *f = *state;
    json_t *out = list(f, (store_org_filter){.q = "XH-PM01"});
    json_t *pm = json_array_get(json_object_get(out, "items"), 0);
    assert_int_equal(json_integer_value(json_object_get(pm, "id")), 17);
    assert_string_equal(json_string_value(json_object_get(pm, "kind")), "property_company");
    json_t *area = json_object_get(pm, "area");
    assert_int_equal(json_integer_value(json_object_get(area, "id")), 4);
    assert_string_equal(json_string_value(json_object_get(area, "code")), "XH");
    assert_string_equal(json_string_value(json_object_get(area, "kind")), "community");
    assert_int_equal(json_integer_value(json_object_get(pm, "parent_id")), 13);
    assert_string_equal(json_string_value(json_object_get(pm, "parent_code")), "XH-MU02");
    json_t *manages = json_object_get(pm, "manages");
    assert_int_equal(json_array_size(manages), 1);
    assert_string_equal(json_string_value(json_array_get(manages, 0)), "XH-K1");
    json_decref(out);
    /* Organisations that are not property companies list no compounds. */
    out = list(f, (store_org_filter){.q = "XH-MU01"});
    json_t *unit = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(unit, "unit_type")), "public_institution");
    json_t *m = json_object_get(unit, "manages");
    assert_true(m == NULL || json_array_size(m) == 0);
    json_decref(out);
}

static void test_org_get_of_an_unknown_id_is_404(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    tx_err err;
    assert_int_equal(store_org_get(f->c, 999, &out, &err), -1);
    assert_int_equal(err.status, 404);
    assert_int_equal(store_org_get(f->c, 16, &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(out, "code")), "XH-K1-PB");
    json_decref(out);
}

/* ---- place ---------------------------------------------------------------- */

static void test_org_place_gives_its_area_with_ancestors_and_its_parent_chain(void **state)
{
    fixture *f = *state;
    int64_t areas[16], orgs[16];
    int na = -1, no = -1;
    tx_err err;
    assert_int_equal(store_org_place(f->c, 16, areas, &na, orgs, &no, 16, &err), 0);
    static const int64_t expect_areas[] = {7, 6, 4, 3, 2};
    static const int64_t expect_orgs[] = {16, 11, 10};
    assert_int_equal(na, 5);
    for (int i = 0; i < na; i++)
        assert_int_equal(areas[i], expect_areas[i]);
    assert_int_equal(no, 3);
    for (int i = 0; i < no; i++)
        assert_int_equal(orgs[i], expect_orgs[i]);
}

static void test_org_place_of_an_organisation_without_parent(void **state)
{
    fixture *f = *state;
    int64_t areas[16], orgs[16];
    int na = -1, no = -1;
    tx_err err;
    assert_int_equal(store_org_place(f->c, 18, areas, &na, orgs, &no, 16, &err), 0);
    assert_int_equal(na, 1);
    assert_int_equal(areas[0], 2);
    assert_int_equal(no, 1);
    assert_int_equal(orgs[0], 18);
}

static void test_org_place_of_an_unknown_id_is_404(void **state)
{
    fixture *f = *state;
    int64_t areas[4], orgs[4];
    int na, no;
    tx_err err;
    assert_int_equal(store_org_place(f->c, 999, areas, &na, orgs, &no, 4, &err), -1);
    assert_int_equal(err.status, 404);
}

/* ---- put, update, delete --------------------------------------------------- */

static void test_org_put_resolves_area_and_parent_codes_and_manages(void **state)
{
    fixture *f = *state;
    store_org_in o = {.code = "XH-PM02", .kind = "property_company", .name = "金湖物业", .area_code = "XH",
                      .parent_code = "BY-MU01", .manages = "XH-K2;XH-K1"};
    int64_t id = 0;
    tx_err err;
    assert_int_equal(store_org_put(f->c, &o, 0, &id, &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT area_id FROM organisation WHERE code = 'XH-PM02'"), 4);
    assert_int_equal(tmpdb_int(f->c, "SELECT parent_id FROM organisation WHERE code = 'XH-PM02'"), 14);
    json_t *out;
    assert_int_equal(store_org_get(f->c, id, &out, &err), 0);
    json_t *m = json_object_get(out, "manages");
    assert_int_equal(json_array_size(m), 2);
    assert_string_equal(json_string_value(json_array_get(m, 0)), "XH-K1");
    assert_string_equal(json_string_value(json_array_get(m, 1)), "XH-K2");
    json_decref(out);
    /* Again without replace: 409. */
    assert_int_equal(store_org_put(f->c, &o, 0, &id, &err), -1);
    assert_int_equal(err.status, 409);
}

static void test_org_put_with_an_unknown_area_code_is_400_naming_area_code(void **state)
{
    fixture *f = *state;
    store_org_in o = {.code = "X1", .kind = "venue", .name = "驿站", .area_code = "NOWHERE"};
    int64_t id;
    tx_err err;
    assert_int_equal(store_org_put(f->c, &o, 0, &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "area_code");
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM organisation WHERE code = 'X1'"), 0);
}

static void test_org_put_managing_a_grid_is_400_naming_manages(void **state)
{
    fixture *f = *state;
    store_org_in o = {.code = "PM9", .kind = "property_company", .name = "物业", .area_code = "XH",
                      .manages = "XH-G1"};
    int64_t id;
    tx_err err;
    assert_int_equal(store_org_put(f->c, &o, 0, &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "manages");
}

static void test_org_update_to_a_code_another_organisation_has_is_409(void **state)
{
    fixture *f = *state;
    store_org_in o = {.code = "XH-MU01", .kind = "member_unit", .unit_type = "enterprise", .name = "星河智善",
                      .area_code = "XH"};
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_org_update(f->c, 13, &o, &err), -1);
    assert_int_equal(err.status, 409);
    assert_int_equal(tmpdb_int(f->c, "SELECT id FROM organisation WHERE code = 'XH-MU02'"), 13);
}

static void test_org_update_refuses_an_organisation_as_its_own_parent(void **state)
{
    fixture *f = *state;
    store_org_in o = {.code = "XH-PC", .kind = "community_party_committee", .name = "星河社区党委", .area_code = "XH",
                      .parent_code = "XH-PC"};
    tx_err err;
    assert_int_equal(store_org_update(f->c, 11, &o, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "parent_code");
}

static void test_org_delete_is_409_while_child_organisations_remain(void **state)
{
    fixture *f = *state;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_org_delete(f->c, 10, &err), -1);
    assert_int_equal(err.status, 409);
    assert_string_equal(err.code, "in_use");
    assert_non_null(strstr(err.msg[TX_LANG_EN], "2"));
    assert_non_null(strstr(err.msg[TX_LANG_EN], "child"));
    /* A leaf without members goes. */
    assert_int_equal(store_org_delete(f->c, 19, &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM organisation WHERE id = 19"), 0);
}

static void test_org_delete_is_409_while_someone_is_a_current_member(void **state)
{
    fixture *f = *state;
    tmpdb_exec(f->c, "INSERT INTO person (id, code, name, created_at) VALUES (1, 'P1', '张三', 0);"
                     "INSERT INTO membership (person_id, org_id, role, represents_org_id, start_date) VALUES"
                     " (1, 11, 'part_time_member', 12, '2022-01-01')");
    tx_err err;
    tx_err_clear(&err);
    /* The represented unit counts as well as the organisation. */
    assert_int_equal(store_org_delete(f->c, 12, &err), -1);
    assert_int_equal(err.status, 409);
    assert_string_equal(err.code, "in_use");
    assert_non_null(strstr(err.msg[TX_LANG_EN], "membership"));
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM organisation WHERE id = 12"), 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_org_list_filters_by_kind),
        T(test_org_list_filters_by_unit_type),
        T(test_org_list_by_area_includes_organisations_of_areas_below_it),
        T(test_org_list_q_matches_name_code_or_english_name),
        T(test_org_list_filters_combine),
        T(test_org_list_pages_keep_the_total_and_cover_every_item_once),
        T(test_org_items_carry_area_parent_and_managed_compounds),
        T(test_org_get_of_an_unknown_id_is_404),
        T(test_org_place_gives_its_area_with_ancestors_and_its_parent_chain),
        T(test_org_place_of_an_organisation_without_parent),
        T(test_org_place_of_an_unknown_id_is_404),
        T(test_org_put_resolves_area_and_parent_codes_and_manages),
        T(test_org_put_with_an_unknown_area_code_is_400_naming_area_code),
        T(test_org_put_managing_a_grid_is_400_naming_manages),
        T(test_org_update_to_a_code_another_organisation_has_is_409),
        T(test_org_update_refuses_an_organisation_as_its_own_parent),
        T(test_org_delete_is_409_while_child_organisations_remain),
        T(test_org_delete_is_409_while_someone_is_a_current_member),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
