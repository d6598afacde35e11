/* Unit tests for src/store/sqlite/audit.c: the audit trail, store-wide
 * counts and the readiness ping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/time.h"
#include "tmpdb.h"

typedef tmpdb_fixture fixture;

static int setup(void **state)
{
    *state = tmpdb_fixture_open(NULL);
    return 0;
}

static int teardown(void **state)
{
    tmpdb_fixture_close(*state);
    return 0;
}

static void test_audit_records_entry_with_all_fields(void **state)
{
    fixture *f = *state;
    tx_err err;
    int64_t before = tx_now_ms();
    assert_int_equal(store_audit(f->c, "user:admin", "area.create", "area", 42, "{\"code\":\"C1\"}", &err), 0);
    int64_t after = tx_now_ms();
    json_t *list = NULL;
    assert_int_equal(store_audit_list(f->c, 10, &list, &err), 0);
    assert_int_equal(json_array_size(list), 1);
    json_t *e = json_array_get(list, 0);
    assert_true(json_integer_value(json_object_get(e, "id")) > 0);
    json_int_t at = json_integer_value(json_object_get(e, "at"));
    assert_true(at >= before && at <= after);
    assert_string_equal(json_string_value(json_object_get(e, "actor")), "user:admin");
    assert_string_equal(json_string_value(json_object_get(e, "action")), "area.create");
    assert_string_equal(json_string_value(json_object_get(e, "object_kind")), "area");
    assert_int_equal(json_integer_value(json_object_get(e, "object_id")), 42);
    assert_string_equal(json_string_value(json_object_get(e, "detail")), "{\"code\":\"C1\"}");
    json_decref(list);
}

static void test_audit_without_object_id_or_detail_stores_null(void **state)
{
    fixture *f = *state;
    tx_err err;
    assert_int_equal(store_audit(f->c, "cli", "init", "store", 0, NULL, &err), 0);
    json_t *list = NULL;
    assert_int_equal(store_audit_list(f->c, 10, &list, &err), 0);
    json_t *e = json_array_get(list, 0);
    assert_true(json_is_null(json_object_get(e, "object_id")));
    assert_true(json_is_null(json_object_get(e, "detail")));
    json_decref(list);
}

static void test_audit_list_is_newest_first_and_limited(void **state)
{
    fixture *f = *state;
    tx_err err;
    char action[32];
    for (int i = 1; i <= 5; i++) {
        snprintf(action, sizeof action, "step.%d", i);
        assert_int_equal(store_audit(f->c, "cli", action, "thing", i, NULL, &err), 0);
    }
    json_t *list = NULL;
    assert_int_equal(store_audit_list(f->c, 3, &list, &err), 0);
    assert_int_equal(json_array_size(list), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "action")), "step.5");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "action")), "step.4");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "action")), "step.3");
    json_int_t prev = INT64_MAX;
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_int_t id = json_integer_value(json_object_get(json_array_get(list, i), "id"));
        assert_true(id < prev);
        prev = id;
    }
    json_decref(list);
    assert_int_equal(store_audit_list(f->c, 100, &list, &err), 0);
    assert_int_equal(json_array_size(list), 5);
    json_decref(list);
}

static void test_audit_list_of_empty_trail_is_empty_array(void **state)
{
    fixture *f = *state;
    tx_err err;
    json_t *list = NULL;
    assert_int_equal(store_audit_list(f->c, 10, &list, &err), 0);
    assert_true(json_is_array(list));
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
}

static void test_audit_requires_actor(void **state)
{
    fixture *f = *state;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_audit(f->c, NULL, "x", "y", 1, NULL, &err), -1);
    assert_true(err.status >= 400);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM audit"), 0);
}

static void test_stats_has_promised_keys_on_empty_store(void **state)
{
    fixture *f = *state;
    tx_err err;
    json_t *o = NULL;
    assert_int_equal(store_stats(f->c, &o, &err), 0);
    static const char *const flat[] = {"communities",        "grids",         "compounds",
                                       "compound_party_branches", "member_units", "part_time_members",
                                       "people",             "current_memberships", "api_keys_active",
                                       "audit_entries"};
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
        json_t *v = json_object_get(o, flat[i]);
        if (!json_is_integer(v))
            fail_msg("stats has no integer \"%s\"", flat[i]);
        assert_int_equal(json_integer_value(v), 0);
    }
    assert_true(json_is_object(json_object_get(o, "areas_by_kind")));
    assert_true(json_is_object(json_object_get(o, "organisations_by_kind")));
    assert_true(json_is_object(json_object_get(o, "users_by_role")));
    json_decref(o);
}

static void test_stats_counts_what_is_kept(void **state)
{
    fixture *f = *state;
    tmpdb_exec(f->c,
               "INSERT INTO area (id, kind, code, name) VALUES (1, 'street', 'S', 's');"
               "INSERT INTO area (id, kind, code, name, parent_id) VALUES (2, 'community', 'C', 'c', 1),"
               " (3, 'grid', 'G1', 'g', 2), (4, 'grid', 'G2', 'g', 2), (5, 'compound', 'K', 'k', 3);"
               "INSERT INTO organisation (id, kind, code, name) VALUES (1, 'member_unit', 'U1', 'u'),"
               " (2, 'member_unit', 'U2', 'u'), (3, 'compound_party_branch', 'B', 'b'),"
               " (4, 'community_party_committee', 'P', 'p');"
               "INSERT INTO person (id, name, created_at) VALUES (1, 'a', 1), (2, 'b', 1), (3, 'c', 1);"
               "INSERT INTO membership (person_id, org_id, role, represents_org_id, start_date, end_date) VALUES"
               " (1, 4, 'part_time_member', 1, '2024-01-01', NULL),"
               " (1, 4, 'part_time_member', 2, '2024-01-01', NULL),"
               " (2, 4, 'part_time_member', 2, '2020-01-01', '2023-01-01'),"
               " (3, 4, 'secretary', NULL, '2024-01-01', NULL);"
               "INSERT INTO user_account (login, role, pwhash, created_at, disabled) VALUES"
               " ('a', 'resident', 'h', 1, 0), ('b', 'resident', 'h', 1, 0), ('c', 'resident', 'h', 1, 1),"
               " ('d', 'volunteer', 'h', 1, 0);"
               "INSERT INTO api_key (name, key_hash, prefix, role, created_at, revoked_at) VALUES"
               " ('k1', 'h1', 'p', 'api_client', 1, NULL), ('k2', 'h2', 'p', 'api_client', 1, 5);");
    tx_err err;
    assert_int_equal(store_audit(f->c, "cli", "x", "y", 0, NULL, &err), 0);
    json_t *o = NULL;
    assert_int_equal(store_stats(f->c, &o, &err), 0);
#define N(key) json_integer_value(json_object_get(o, key))
    assert_int_equal(N("communities"), 1);
    assert_int_equal(N("grids"), 2);
    assert_int_equal(N("compounds"), 1);
    assert_int_equal(N("compound_party_branches"), 1);
    assert_int_equal(N("member_units"), 2);
    assert_int_equal(N("part_time_members"), 1); /* distinct people, current only */
    assert_int_equal(N("people"), 3);
    assert_int_equal(N("current_memberships"), 3);
    assert_int_equal(N("api_keys_active"), 1);
    assert_int_equal(N("audit_entries"), 1);
#undef N
    json_t *areas = json_object_get(o, "areas_by_kind");
    assert_int_equal(json_integer_value(json_object_get(areas, "street")), 1);
    assert_int_equal(json_integer_value(json_object_get(areas, "grid")), 2);
    json_t *orgs = json_object_get(o, "organisations_by_kind");
    assert_int_equal(json_integer_value(json_object_get(orgs, "member_unit")), 2);
    json_t *users = json_object_get(o, "users_by_role");
    assert_int_equal(json_integer_value(json_object_get(users, "resident")), 2); /* the disabled one is not counted */
    assert_int_equal(json_integer_value(json_object_get(users, "volunteer")), 1);
    json_decref(o);
}

static void test_stats_twice_sees_new_rows(void **state)
{
    fixture *f = *state;
    tx_err err;
    json_t *o = NULL;
    assert_int_equal(store_stats(f->c, &o, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(o, "audit_entries")), 0);
    json_decref(o);
    assert_int_equal(store_audit(f->c, "cli", "x", "y", 0, NULL, &err), 0);
    assert_int_equal(store_stats(f->c, &o, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(o, "audit_entries")), 1);
    json_decref(o);
}

static void test_ping_answers(void **state)
{
    fixture *f = *state;
    tx_err err;
    assert_int_equal(store_ping(f->c, &err), 0);
    assert_int_equal(store_ping(f->c, &err), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_audit_records_entry_with_all_fields),
        T(test_audit_without_object_id_or_detail_stores_null),
        T(test_audit_list_is_newest_first_and_limited),
        T(test_audit_list_of_empty_trail_is_empty_array),
        T(test_audit_requires_actor),
        T(test_stats_has_promised_keys_on_empty_store),
        T(test_stats_counts_what_is_kept),
        T(test_stats_twice_sees_new_rows),
        T(test_ping_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
