/* Unit tests for src/store/sqlite/person.c: people (with and without their
 * personal data), where they are placed, and their dated memberships
 * (store.h), on a temporary migrated database filled by SQL.
 *
 * Dates: a membership is current on D when it started on or before D and
 * has not ended by D — end_date is exclusive: the day someone leaves, they
 * are no longer a member. */
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

/* 淡水街道 (3) > 星河 (4) > grid XH-G1 (6) > 星河丹堤 (7); 白云 (5).
 * People: 张三 (星河 cadre), 李四 (星河 part-time member for XH-MU01),
 * 王五 (星河 cadre who left in 2022), 赵六 (白云 cadre), 钱七 (no
 * memberships), 孙八 (secretary of the 星河丹堤 branch). */
static const char fixture_sql[] =
    "INSERT INTO area (id, kind, code, name, parent_id) VALUES"
    " (2, 'district', 'HY', '惠阳区', NULL), (3, 'street', 'DS', '淡水街道', 2),"
    " (4, 'community', 'XH', '星河社区', 3), (5, 'community', 'BY', '白云社区', 3),"
    " (6, 'grid', 'XH-G1', '星河第一网格', 4), (7, 'compound', 'XH-K1', '星河丹堤', 6);"
    "INSERT INTO organisation (id, kind, unit_type, code, name, area_id, parent_id) VALUES"
    " (11, 'community_party_committee', NULL, 'XH-PC', '星河社区党委', 4, NULL),"
    " (12, 'member_unit', 'public_institution', 'XH-MU01', '华南师范大学附属惠阳学校', 4, NULL),"
    " (13, 'venue', NULL, 'XH-V01', '星河社区党群服务驿站', 4, 11),"
    " (15, 'community_general_branch', NULL, 'BY-PC', '白云社区党总支部', 5, NULL),"
    " (16, 'compound_party_branch', NULL, 'XH-K1-PB', '星河丹堤小区党支部', 7, 11);"
    "INSERT INTO person (id, code, name, phone, party_member, notes, created_at) VALUES"
    " (1, 'P1', '张三', '13900000001', 1, '虚构', 0), (2, 'P2', '李四', '13900000002', 0, NULL, 0),"
    " (3, 'P3', '王五', '13900000003', 1, NULL, 0), (4, 'P4', '赵六', NULL, 1, NULL, 0),"
    " (5, 'P5', '钱七', '13900000005', 0, NULL, 0), (6, 'P6', '孙八', NULL, 1, NULL, 0);"
    "INSERT INTO membership (id, person_id, org_id, role, represents_org_id, start_date, end_date) VALUES"
    " (101, 1, 11, 'cadre', NULL, '2020-01-01', NULL),"
    " (102, 2, 11, 'part_time_member', 12, '2021-06-01', NULL),"
    " (103, 3, 11, 'cadre', NULL, '2018-03-01', '2022-07-01'),"
    " (104, 4, 15, 'cadre', NULL, '2019-01-01', NULL),"
    " (105, 6, 16, 'secretary', NULL, '2023-05-01', NULL);";

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

static json_t *people(fixture *f, store_person_filter flt, int with_personal)
{
    if (flt.limit == 0)
        flt.limit = 100;
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_person_list(f->c, &flt, with_personal, &out, &err))
        fail_msg("person list: %s", err.msg[TX_LANG_EN]);
    return out;
}

/* The codes of the listed people, in list order, comma-separated. */
static void expect_people(fixture *f, store_person_filter flt, const char *codes)
{
    json_t *out = people(f, flt, 0);
    char got[256] = "";
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(out, "items"), i, p)
    {
        if (i)
            strcat(got, ",");
        strcat(got, json_string_value(json_object_get(p, "code")));
    }
    json_int_t total = json_integer_value(json_object_get(out, "total"));
    size_t n = json_array_size(json_object_get(out, "items"));
    json_decref(out); /* before any failure, so that a failure leaks nothing */
    assert_string_equal(got, codes);
    assert_int_equal(total, n);
}

/* The membership ids listed for org (or person) on as_of, comma-separated. */
static void expect_memberships(fixture *f, int64_t org, int64_t person, const char *as_of, const char *ids)
{
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_membership_list(f->c, org, person, as_of, 0, &out, &err))
        fail_msg("membership list: %s", err.msg[TX_LANG_EN]);
    int64_t got[32];
    size_t n = 0, i;
    json_t *m;
    json_array_foreach(json_object_get(out, "items"), i, m) if (n < 32) got[n++] = json_integer_value(json_object_get(m, "id"));
    /* Compare as sorted sets: the list's order is its own business. */
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            if (got[b] < got[a]) {
                int64_t t = got[a];
                got[a] = got[b];
                got[b] = t;
            }
    char s[256] = "";
    for (size_t k = 0; k < n; k++) {
        char one[24];
        snprintf(one, sizeof one, "%s%lld", k ? "," : "", (long long)got[k]);
        strcat(s, one);
    }
    json_decref(out);
    if (strcmp(s, ids) != 0)
        fail_msg("memberships current on %s: got [%s], expected [%s]", as_of ? as_of : "(any day)", s, ids);
}

/* ---- people ---------------------------------------------------------------- */

static void test_person_list_with_personal_data_has_name_and_phone(void **state)
{
    fixture *f = *state;
    json_t *out = people(f, (store_person_filter){0}, 1);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 6);
    json_t *p1 = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(p1, "code")), "P1");
    assert_string_equal(json_string_value(json_object_get(p1, "name")), "张三");
    assert_string_equal(json_string_value(json_object_get(p1, "phone")), "13900000001");
    assert_true(json_is_true(json_object_get(p1, "party_member")));
    assert_int_equal(json_integer_value(json_object_get(p1, "memberships")), 1);
    json_decref(out);
}

static void test_person_list_without_personal_data_has_no_name_or_phone_keys_at_all(void **state)
{
    fixture *f = *state;
    json_t *out = people(f, (store_person_filter){0}, 0);
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 6);
    size_t i;
    json_t *p;
    json_array_foreach(items, i, p)
    {
        assert_null(json_object_get(p, "name"));
        assert_null(json_object_get(p, "phone"));
        assert_null(json_object_get(p, "notes"));
        assert_non_null(json_object_get(p, "id"));
        assert_non_null(json_object_get(p, "code"));
        assert_non_null(json_object_get(p, "party_member"));
        assert_non_null(json_object_get(p, "memberships"));
    }
    /* Nor anywhere in the text. */
    char *text = json_dumps(out, 0);
    assert_null(strstr(text, "张三"));
    assert_null(strstr(text, "139000"));
    free(text);
    json_decref(out);
    /* The same for one person. */
    tx_err err;
    assert_int_equal(store_person_get(f->c, 1, 0, &out, &err), 0);
    assert_null(json_object_get(out, "name"));
    assert_null(json_object_get(out, "phone"));
    json_decref(out);
    assert_int_equal(store_person_get(f->c, 1, 1, &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(out, "name")), "张三");
    json_decref(out);
}

static void test_person_get_of_an_unknown_id_is_404(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    tx_err err;
    assert_int_equal(store_person_get(f->c, 999, 1, &out, &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_person_list_by_area_has_only_people_with_a_current_membership_there(void **state)
{
    fixture *f = *state;
    /* 星河: 张三, 李四, and 孙八 through the compound branch below it; not
     * 王五, who left; not 赵六 (白云); not 钱七 (no membership). */
    expect_people(f, (store_person_filter){.area_id = 4}, "P1,P2,P6");
    expect_people(f, (store_person_filter){.area_id = 5}, "P4");
    expect_people(f, (store_person_filter){.area_id = 7}, "P6");
    expect_people(f, (store_person_filter){.area_id = 3}, "P1,P2,P4,P6");
    expect_people(f, (store_person_filter){0}, "P1,P2,P3,P4,P5,P6");
}

static void test_person_list_by_organisation_has_its_current_members(void **state)
{
    fixture *f = *state;
    expect_people(f, (store_person_filter){.org_id = 11}, "P1,P2");
    expect_people(f, (store_person_filter){.org_id = 12}, "");
}

static void test_person_list_q_matches_code(void **state)
{
    fixture *f = *state;
    expect_people(f, (store_person_filter){.q = "P4"}, "P4");
}

static void test_person_list_pages_with_a_total(void **state)
{
    fixture *f = *state;
    json_t *out = people(f, (store_person_filter){.limit = 4, .offset = 4}, 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 6);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "code")),
                        "P5");
    json_decref(out);
}

static void test_a_person_without_a_code_gets_P_and_their_id(void **state)
{
    fixture *f = *state;
    store_person_in p = {.name = "周九", .phone = "13900000009"};
    int64_t id = 0;
    tx_err err;
    assert_int_equal(store_person_put(f->c, &p, 0, &id, NULL, &err), 0);
    assert_true(id > 6);
    json_t *out;
    assert_int_equal(store_person_get(f->c, id, 0, &out, &err), 0);
    char expect[32];
    snprintf(expect, sizeof expect, "P%lld", (long long)id);
    assert_string_equal(json_string_value(json_object_get(out, "code")), expect);
    json_decref(out);
    /* With replace too. */
    int64_t id2 = 0;
    assert_int_equal(store_person_put(f->c, &p, 1, &id2, NULL, &err), 0);
    assert_true(id2 != id);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM person WHERE id = %lld AND code = 'P%lld'", (long long)id2,
             (long long)id2);
    assert_int_equal(tmpdb_int(f->c, sql), 1);
}

static void test_person_put_of_a_stored_code_is_409_unless_replacing(void **state)
{
    fixture *f = *state;
    store_person_in p = {.code = "P2", .name = "李四（改）", .party_member = 1};
    int64_t id = 0;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_person_put(f->c, &p, 0, &id, NULL, &err), -1);
    assert_int_equal(err.status, 409);
    assert_int_equal(store_person_put(f->c, &p, 1, &id, NULL, &err), 0);
    assert_int_equal(id, 2);
    assert_int_equal(tmpdb_int(f->c, "SELECT party_member FROM person WHERE id = 2 AND name = '李四（改）'"), 1);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM person"), 6);
}

static void test_person_update_to_a_code_another_person_has_is_409(void **state)
{
    fixture *f = *state;
    store_person_in p = {.code = "P1", .name = "李四"};
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_person_update(f->c, 2, &p, &err), -1);
    assert_int_equal(err.status, 409);
    assert_int_equal(store_person_update(f->c, 999, &(store_person_in){.code = "P999", .name = "无"}, &err), -1);
    assert_int_equal(err.status, 404);
}

/* ---- place ---------------------------------------------------------------- */

static int has(const int64_t *ids, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

static void test_person_place_gives_the_areas_of_current_memberships_and_their_ancestors(void **state)
{
    fixture *f = *state;
    int64_t areas[16], orgs[16];
    int na = -1, no = -1;
    tx_err err;
    assert_int_equal(store_person_place(f->c, 6, 0, areas, &na, orgs, &no, 16, &err), 0);
    /* 孙八's branch is in 星河丹堤: the compound, grid, community, street, district. */
    assert_int_equal(na, 5);
    assert_true(has(areas, na, 7) && has(areas, na, 6) && has(areas, na, 4) && has(areas, na, 3) &&
                has(areas, na, 2));
    assert_false(has(areas, na, 5));
    assert_int_equal(no, 1);
    assert_int_equal(orgs[0], 16);
    assert_int_equal(store_person_place(f->c, 2, 0, areas, &na, orgs, &no, 16, &err), 0);
    assert_int_equal(na, 3);
    assert_true(has(areas, na, 4) && has(areas, na, 3) && has(areas, na, 2));
    assert_int_equal(no, 1);
    assert_int_equal(orgs[0], 11);
}

static void test_person_place_ignores_ended_memberships(void **state)
{
    fixture *f = *state;
    int64_t areas[16], orgs[16];
    int na = -1, no = -1;
    tx_err err;
    assert_int_equal(store_person_place(f->c, 3, 0, areas, &na, orgs, &no, 16, &err), 0);
    assert_int_equal(na, 0);
    assert_int_equal(no, 0);
    assert_int_equal(store_person_place(f->c, 5, 0, areas, &na, orgs, &no, 16, &err), 0);
    assert_int_equal(na, 0);
    assert_int_equal(no, 0);
}

static void test_a_membership_ending_in_the_future_is_current_today_for_list_and_place(void **state)
{
    fixture *f = *state;
    /* 钱七 joins the 白云 organisation for a term that ends in 2099: today
     * they are a member there (end_date is the day they leave), so 白云
     * lists them and they are placed in 白云. */
    tmpdb_exec(f->c, "INSERT INTO membership (person_id, org_id, role, start_date, end_date) VALUES"
                     " (5, 15, 'cadre', '2024-01-01', '2099-12-31')");
    expect_people(f, (store_person_filter){.area_id = 5}, "P4,P5");
    int64_t areas[16], orgs[16];
    int na = -1, no = -1;
    tx_err err;
    assert_int_equal(store_person_place(f->c, 5, 0, areas, &na, orgs, &no, 16, &err), 0);
    assert_true(has(areas, na, 5));
    assert_int_equal(no, 1);
}

/* ---- memberships ------------------------------------------------------------ */

static void test_membership_add_by_codes_and_again_gives_the_same_membership(void **state)
{
    fixture *f = *state;
    store_membership_in m = {.person_code = "P5", .org_code = "XH-PC", .role = "part_time_member",
                             .represents_code = "XH-MU01", .start_date = "2024-01-01"};
    int64_t id = 0, id2 = 0;
    tx_err err;
    assert_int_equal(store_membership_add(f->c, &m, &id, &err), 0);
    assert_int_equal(store_membership_add(f->c, &m, &id2, &err), 0);
    assert_int_equal(id, id2);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM membership WHERE person_id = 5"), 1);
    int64_t org = 0;
    assert_int_equal(store_membership_org(f->c, id, &org, &err), 0);
    assert_int_equal(org, 11);
    assert_int_equal(store_membership_org(f->c, 9999, &org, &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_membership_add_by_ids(void **state)
{
    fixture *f = *state;
    store_membership_in m = {.person_id = 5, .org_id = 16, .role = "member", .start_date = "2024-02-01"};
    int64_t id = 0;
    tx_err err;
    assert_int_equal(store_membership_add(f->c, &m, &id, &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT org_id FROM membership WHERE person_id = 5"), 16);
    m.person_id = 999;
    assert_int_equal(store_membership_add(f->c, &m, &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "person_id");
}

static void test_membership_representing_an_organisation_that_is_not_a_member_unit_is_400(void **state)
{
    fixture *f = *state;
    store_membership_in m = {.person_code = "P5", .org_code = "XH-PC", .role = "part_time_member",
                             .represents_code = "XH-V01", .start_date = "2024-01-01"};
    int64_t id;
    tx_err err;
    assert_int_equal(store_membership_add(f->c, &m, &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "represents_code");
    m.represents_code = NULL;
    m.represents_id = 13;
    assert_int_equal(store_membership_add(f->c, &m, &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "represents_id");
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM membership WHERE person_id = 5"), 0);
}

static void test_membership_end_sets_the_end_date(void **state)
{
    fixture *f = *state;
    tx_err err;
    assert_int_equal(store_membership_end(f->c, 101, "2026-03-01", &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM membership WHERE id = 101 AND end_date = '2026-03-01'"), 1);
    /* Ending on the day it started is allowed. */
    assert_int_equal(store_membership_end(f->c, 105, "2023-05-01", &err), 0);
}

static void test_membership_end_of_an_ended_membership_is_409(void **state)
{
    fixture *f = *state;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_membership_end(f->c, 103, "2025-01-01", &err), -1);
    assert_int_equal(err.status, 409);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM membership WHERE id = 103 AND end_date = '2022-07-01'"), 1);
}

static void test_membership_end_before_its_start_is_400(void **state)
{
    fixture *f = *state;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_membership_end(f->c, 102, "2021-05-31", &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "end_date");
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM membership WHERE id = 102 AND end_date IS NULL"), 1);
}

static void test_membership_end_of_an_unknown_id_is_404(void **state)
{
    fixture *f = *state;
    tx_err err;
    assert_int_equal(store_membership_end(f->c, 9999, "2025-01-01", &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_membership_ended_on_a_day_is_not_current_that_day_but_was_the_day_before(void **state)
{
    fixture *f = *state;
    /* 王五 (103) left on 2022-07-01. */
    expect_memberships(f, 11, 0, "2022-07-01", "101,102");
    expect_memberships(f, 11, 0, "2022-06-30", "101,102,103");
}

static void test_membership_starting_after_a_day_is_not_current_that_day(void **state)
{
    fixture *f = *state;
    /* 李四 (102) starts 2021-06-01: not on 2021-05-31, yes on the day. */
    expect_memberships(f, 11, 0, "2021-05-31", "101,103");
    expect_memberships(f, 11, 0, "2021-06-01", "101,102,103");
    /* Before anyone started. */
    expect_memberships(f, 11, 0, "2017-12-31", "");
}

static void test_membership_list_without_a_day_lists_every_membership(void **state)
{
    fixture *f = *state;
    expect_memberships(f, 11, 0, NULL, "101,102,103");
    expect_memberships(f, 0, 3, NULL, "103");
    expect_memberships(f, 0, 3, "2026-11-25", "");
}

static void test_membership_list_shows_person_names_only_with_personal_data(void **state)
{
    fixture *f = *state;
    json_t *out;
    tx_err err;
    assert_int_equal(store_membership_list(f->c, 11, 0, NULL, 0, &out, &err), 0);
    char *text = json_dumps(out, 0);
    assert_null(strstr(text, "张三"));
    assert_null(strstr(text, "person_name"));
    free(text);
    json_decref(out);
    assert_int_equal(store_membership_list(f->c, 0, 2, NULL, 1, &out, &err), 0);
    json_t *m = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "person_name")), "李四");
    assert_string_equal(json_string_value(json_object_get(m, "represents_code")), "XH-MU01");
    assert_string_equal(json_string_value(json_object_get(m, "org_code")), "XH-PC");
    json_decref(out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_person_list_with_personal_data_has_name_and_phone),
        T(test_person_list_without_personal_data_has_no_name_or_phone_keys_at_all),
        T(test_person_get_of_an_unknown_id_is_404),
        T(test_person_list_by_area_has_only_people_with_a_current_membership_there),
        T(test_person_list_by_organisation_has_its_current_members),
        T(test_person_list_q_matches_code),
        T(test_person_list_pages_with_a_total),
        T(test_a_person_without_a_code_gets_P_and_their_id),
        T(test_person_put_of_a_stored_code_is_409_unless_replacing),
        T(test_person_update_to_a_code_another_person_has_is_409),
        T(test_person_place_gives_the_areas_of_current_memberships_and_their_ancestors),
        T(test_person_place_ignores_ended_memberships),
        T(test_a_membership_ending_in_the_future_is_current_today_for_list_and_place),
        T(test_membership_add_by_codes_and_again_gives_the_same_membership),
        T(test_membership_add_by_ids),
        T(test_membership_representing_an_organisation_that_is_not_a_member_unit_is_400),
        T(test_membership_end_sets_the_end_date),
        T(test_membership_end_of_an_ended_membership_is_409),
        T(test_membership_end_before_its_start_is_400),
        T(test_membership_end_of_an_unknown_id_is_404),
        T(test_membership_ended_on_a_day_is_not_current_that_day_but_was_the_day_before),
        T(test_membership_starting_after_a_day_is_not_current_that_day),
        T(test_membership_list_without_a_day_lists_every_membership),
        T(test_membership_list_shows_person_names_only_with_personal_data),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
