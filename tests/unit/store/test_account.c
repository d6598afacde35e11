/* Unit tests for src/store/sqlite/account.c: scopes, users, sessions and API
 * keys, on a temporary migrated database (store_sync on its connection). */
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

/* Areas: city > district > street S1 > community C1 > grid G1 > compound K1.
 * Organisations: a district department, a member unit, a street party committee. */
static const char fixture_sql[] =
    "INSERT INTO area (id, kind, code, name) VALUES (1, 'city', 'CITY', '市'), (2, 'district', 'D', '区');"
    "INSERT INTO area (id, kind, code, name, parent_id) VALUES (3, 'street', 'S1', '街道', 2),"
    " (4, 'community', 'C1', '社区', 3), (5, 'grid', 'G1', '网格', 4), (6, 'compound', 'K1', '小区', 5);"
    "INSERT INTO organisation (id, kind, code, name, area_id) VALUES"
    " (10, 'district_department', 'DEPT1', '民政局', 2),"
    " (11, 'member_unit', 'UNIT1', '成员单位', 3),"
    " (12, 'street_party_committee', 'SPC1', '街道党工委', 3);";

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

static const tx_scope no_scope = {TX_SCOPE_NONE, 0, ""};

static int64_t add_user(fixture *f, const char *login, tx_role role, const char *scope_code)
{
    tx_err err;
    tx_err_clear(&err);
    tx_scope sc;
    if (store_scope_resolve(f->c, role, scope_code, &sc, &err))
        fail_msg("scope %s for %s: %s", scope_code ? scope_code : "(none)", login, err.msg[TX_LANG_EN]);
    int64_t id = 0;
    if (store_user_add(f->c, login, role, &sc, "$argon2id$fakehash-of-" "secret", &id, &err))
        fail_msg("user_add %s: %s", login, err.msg[TX_LANG_EN]);
    assert_true(id > 0);
    return id;
}

/* ---- scopes ---- */

static void expect_scope_ok(fixture *f, tx_role role, const char *code, tx_scope_kind kind, int64_t id)
{
    tx_scope sc;
    tx_err err;
    tx_err_clear(&err);
    if (store_scope_resolve(f->c, role, code, &sc, &err) != 0)
        fail_msg("%s with scope %s refused: %s", tx_role_name(role), code, err.msg[TX_LANG_EN]);
    assert_int_equal(sc.kind, kind);
    assert_int_equal(sc.id, id);
    assert_string_equal(sc.code, code);
}

static void expect_scope_error(fixture *f, tx_role role, const char *code)
{
    tx_scope sc;
    tx_err err;
    tx_err_clear(&err);
    if (store_scope_resolve(f->c, role, code, &sc, &err) != -1)
        fail_msg("%s with scope %s accepted", tx_role_name(role), code ? code : "(null)");
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "scope");
}

static void test_scope_resolve_fits_role_to_area_kind(void **state)
{
    fixture *f = *state;
    expect_scope_ok(f, TX_ROLE_GRID_WORKER, "G1", TX_SCOPE_AREA, 5);
    expect_scope_ok(f, TX_ROLE_COMMUNITY_STAFF, "C1", TX_SCOPE_AREA, 4);
    expect_scope_ok(f, TX_ROLE_STREET_ADMIN, "S1", TX_SCOPE_AREA, 3);
    expect_scope_ok(f, TX_ROLE_STREET_ADMIN, "D", TX_SCOPE_AREA, 2);
    expect_scope_ok(f, TX_ROLE_STREET_ADMIN, "CITY", TX_SCOPE_AREA, 1);
    expect_scope_error(f, TX_ROLE_GRID_WORKER, "C1");
    expect_scope_error(f, TX_ROLE_GRID_WORKER, "K1");
    expect_scope_error(f, TX_ROLE_COMMUNITY_STAFF, "G1");
    expect_scope_error(f, TX_ROLE_STREET_ADMIN, "C1");
}

static void test_scope_resolve_fits_role_to_organisation_kind(void **state)
{
    fixture *f = *state;
    expect_scope_ok(f, TX_ROLE_DEPARTMENT_STAFF, "DEPT1", TX_SCOPE_ORG, 10);
    expect_scope_ok(f, TX_ROLE_MEMBER_UNIT, "UNIT1", TX_SCOPE_ORG, 11);
    expect_scope_error(f, TX_ROLE_DEPARTMENT_STAFF, "UNIT1");
    /* an area code is not an organisation */
    expect_scope_error(f, TX_ROLE_DEPARTMENT_STAFF, "S1");
}

static void test_scope_resolve_member_unit_needs_a_member_unit(void **state)
{
    fixture *f = *state;
    /* account.h: a member unit's scope is "a member unit (organisation)" */
    expect_scope_error(f, TX_ROLE_MEMBER_UNIT, "SPC1");
    expect_scope_error(f, TX_ROLE_MEMBER_UNIT, "DEPT1");
}

static void test_scope_resolve_missing_scope_for_scoped_role_names_scope(void **state)
{
    fixture *f = *state;
    tx_scope sc;
    tx_err err;
    assert_int_equal(store_scope_resolve(f->c, TX_ROLE_GRID_WORKER, NULL, &sc, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "scope");
    assert_string_equal(err.code, "missing_field");
    assert_int_equal(store_scope_resolve(f->c, TX_ROLE_DEPARTMENT_STAFF, "", &sc, &err), -1);
    assert_string_equal(err.field, "scope");
}

static void test_scope_resolve_unknown_code_names_scope(void **state)
{
    fixture *f = *state;
    expect_scope_error(f, TX_ROLE_GRID_WORKER, "NO-SUCH-GRID");
    expect_scope_error(f, TX_ROLE_MEMBER_UNIT, "NO-SUCH-UNIT");
}

static void test_scope_resolve_scope_given_to_unscoped_role_is_error(void **state)
{
    fixture *f = *state;
    expect_scope_error(f, TX_ROLE_RESIDENT, "G1");
    expect_scope_error(f, TX_ROLE_VOLUNTEER, "C1");
    /* without one it resolves to no scope */
    tx_scope sc;
    memset(&sc, 0x55, sizeof sc);
    tx_err err;
    assert_int_equal(store_scope_resolve(f->c, TX_ROLE_RESIDENT, NULL, &sc, &err), 0);
    assert_int_equal(sc.kind, TX_SCOPE_NONE);
    assert_int_equal(sc.id, 0);
    assert_int_equal(store_scope_resolve(f->c, TX_ROLE_VOLUNTEER, "", &sc, &err), 0);
    assert_int_equal(sc.kind, TX_SCOPE_NONE);
}

/* ---- users ---- */

static void test_user_add_and_duplicate_login_is_409(void **state)
{
    fixture *f = *state;
    int64_t a = add_user(f, "alice", TX_ROLE_RESIDENT, NULL);
    int64_t b = add_user(f, "bob", TX_ROLE_GRID_WORKER, "G1");
    assert_true(a != b);
    tx_err err;
    tx_err_clear(&err);
    int64_t id = 0;
    assert_int_equal(store_user_add(f->c, "alice", TX_ROLE_VOLUNTEER, &no_scope, "h2", &id, &err), -1);
    assert_int_equal(err.status, 409);
    assert_string_equal(err.code, "duplicate");
    assert_string_equal(err.field, "login");
    assert_int_equal(id, 0);
    /* the first alice is unchanged */
    char hash[128];
    tx_principal p;
    assert_int_equal(store_user_for_login(f->c, "alice", hash, &p, &err), 0);
    assert_int_equal(p.role, TX_ROLE_RESIDENT);
}

static void test_user_list_never_includes_password_hash(void **state)
{
    fixture *f = *state;
    add_user(f, "zed", TX_ROLE_STREET_ADMIN, "S1");
    add_user(f, "amy", TX_ROLE_RESIDENT, NULL);
    json_t *list = NULL;
    tx_err err;
    assert_int_equal(store_user_list(f->c, &list, &err), 0);
    assert_int_equal(json_array_size(list), 2);
    char *text = json_dumps(list, 0);
    assert_null(strstr(text, "fakehash"));
    assert_null(strstr(text, "argon2"));
    assert_null(strstr(text, "pwhash"));
    free(text);
    /* ordered by login, with the documented keys only */
    json_t *first = json_array_get(list, 0), *second = json_array_get(list, 1);
    assert_string_equal(json_string_value(json_object_get(first, "login")), "amy");
    assert_string_equal(json_string_value(json_object_get(second, "login")), "zed");
    static const char *const keys[] = {"id", "login", "role", "scope", "disabled", "created_at"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(first, keys[i]));
    assert_int_equal(json_object_size(first), 6);
    assert_true(json_is_null(json_object_get(first, "scope")));
    json_t *sc = json_object_get(second, "scope");
    assert_string_equal(json_string_value(json_object_get(sc, "kind")), "area");
    assert_int_equal(json_integer_value(json_object_get(sc, "id")), 3);
    assert_string_equal(json_string_value(json_object_get(sc, "code")), "S1");
    assert_string_equal(json_string_value(json_object_get(second, "role")), "street_admin");
    assert_true(json_is_false(json_object_get(second, "disabled")));
    json_decref(list);
}

static void test_user_for_login_returns_hash_and_principal(void **state)
{
    fixture *f = *state;
    int64_t id = add_user(f, "gw", TX_ROLE_GRID_WORKER, "G1");
    char hash[128];
    tx_principal p;
    tx_err err;
    assert_int_equal(store_user_for_login(f->c, "gw", hash, &p, &err), 0);
    assert_string_equal(hash, "$argon2id$fakehash-of-secret");
    assert_int_equal(p.user_id, id);
    assert_int_equal(p.apikey_id, 0);
    assert_int_equal(p.role, TX_ROLE_GRID_WORKER);
    assert_string_equal(p.login, "gw");
    assert_int_equal(p.scope.kind, TX_SCOPE_AREA);
    assert_int_equal(p.scope.id, 5);
    assert_string_equal(p.scope.code, "G1");
    assert_int_equal(store_user_for_login(f->c, "nobody", hash, &p, &err), 1);
}

/* A session for user id, valid from now for one hour. */
static void add_session(fixture *f, int64_t user, const char *hash, int64_t now)
{
    tx_err err;
    tx_err_clear(&err);
    if (store_session_create(f->c, user, hash, "csrf-" "token", now, now + 3600 * 1000, &err))
        fail_msg("session_create: %s", err.msg[TX_LANG_EN]);
}

static int resolve(fixture *f, const char *hash, int64_t now, tx_principal *p)
{
    char csrf[64];
    tx_err err;
    tx_err_clear(&err);
    return store_session_resolve(f->c, hash, now, p, csrf, &err);
}

#define NOW 1800000000000LL

static void test_user_set_password_ends_sessions(void **state)
{
    fixture *f = *state;
    int64_t id = add_user(f, "carol", TX_ROLE_RESIDENT, NULL);
    add_session(f, id, "h-carol-1", NOW);
    add_session(f, id, "h-carol-2", NOW);
    int64_t other = add_user(f, "dave", TX_ROLE_RESIDENT, NULL);
    add_session(f, other, "h-dave", NOW);
    tx_principal p;
    assert_int_equal(resolve(f, "h-carol-1", NOW + 1, &p), 0);
    tx_err err;
    assert_int_equal(store_user_set_password(f->c, "carol", "$argon2id$new", &err), 0);
    assert_int_equal(resolve(f, "h-carol-1", NOW + 2, &p), 1);
    assert_int_equal(resolve(f, "h-carol-2", NOW + 2, &p), 1);
    assert_int_equal(resolve(f, "h-dave", NOW + 2, &p), 0); /* others keep theirs */
    char hash[128];
    assert_int_equal(store_user_for_login(f->c, "carol", hash, &p, &err), 0);
    assert_string_equal(hash, "$argon2id$new");
    /* unknown login */
    tx_err_clear(&err);
    assert_int_equal(store_user_set_password(f->c, "nobody", "x", &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_user_disable_ends_sessions_and_blocks_login_lookup(void **state)
{
    fixture *f = *state;
    int64_t id = add_user(f, "erin", TX_ROLE_COMMUNITY_STAFF, "C1");
    add_session(f, id, "h-erin", NOW);
    tx_err err;
    assert_int_equal(store_user_set_disabled(f->c, "erin", 1, &err), 0);
    tx_principal p;
    char hash[128];
    assert_int_equal(resolve(f, "h-erin", NOW + 1, &p), 1);
    assert_int_equal(store_user_for_login(f->c, "erin", hash, &p, &err), 1);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM session WHERE token_hash = 'h-erin'"), 0);
    /* listed as disabled */
    json_t *list = NULL;
    assert_int_equal(store_user_list(f->c, &list, &err), 0);
    assert_true(json_is_true(json_object_get(json_array_get(list, 0), "disabled")));
    json_decref(list);
    /* enabled again: can sign in, the old session stays gone */
    assert_int_equal(store_user_set_disabled(f->c, "erin", 0, &err), 0);
    assert_int_equal(store_user_for_login(f->c, "erin", hash, &p, &err), 0);
    assert_int_equal(resolve(f, "h-erin", NOW + 2, &p), 1);
    tx_err_clear(&err);
    assert_int_equal(store_user_set_disabled(f->c, "nobody", 1, &err), -1);
    assert_int_equal(err.status, 404);
}

/* ---- sessions ---- */

static void test_session_create_resolve_expire_delete(void **state)
{
    fixture *f = *state;
    int64_t id = add_user(f, "frank", TX_ROLE_STREET_ADMIN, "S1");
    tx_err err;
    assert_int_equal(store_session_create(f->c, id, "h-frank", "csrf-frank", NOW, NOW + 1000, &err), 0);
    tx_principal p;
    char csrf[64] = "";
    assert_int_equal(store_session_resolve(f->c, "h-frank", NOW + 999, &p, csrf, &err), 0);
    assert_string_equal(csrf, "csrf-frank");
    assert_int_equal(p.user_id, id);
    assert_int_equal(p.role, TX_ROLE_STREET_ADMIN);
    assert_string_equal(p.login, "frank");
    assert_int_equal(p.scope.kind, TX_SCOPE_AREA);
    assert_string_equal(p.scope.code, "S1");
    /* expired at expires_at */
    assert_int_equal(store_session_resolve(f->c, "h-frank", NOW + 1000, &p, csrf, &err), 1);
    assert_int_equal(store_session_resolve(f->c, "h-unknown", NOW, &p, csrf, &err), 1);
    /* delete */
    assert_int_equal(store_session_delete(f->c, "h-frank", &err), 0);
    assert_int_equal(store_session_resolve(f->c, "h-frank", NOW + 1, &p, csrf, &err), 1);
    /* deleting what is not there is fine */
    assert_int_equal(store_session_delete(f->c, "h-frank", &err), 0);
}

static void test_session_create_sweeps_the_users_expired_sessions(void **state)
{
    fixture *f = *state;
    int64_t id = add_user(f, "gina", TX_ROLE_RESIDENT, NULL);
    tx_err err;
    assert_int_equal(store_session_create(f->c, id, "h-old", "c", NOW - 5000, NOW - 1000, &err), 0);
    assert_int_equal(store_session_create(f->c, id, "h-new", "c", NOW, NOW + 1000, &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM session WHERE token_hash = 'h-old'"), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM session WHERE token_hash = 'h-new'"), 1);
}

static void test_session_of_unscoped_user_has_no_scope(void **state)
{
    fixture *f = *state;
    int64_t id = add_user(f, "hank", TX_ROLE_VOLUNTEER, NULL);
    add_session(f, id, "h-hank", NOW);
    tx_principal p;
    assert_int_equal(resolve(f, "h-hank", NOW + 1, &p), 0);
    assert_int_equal(p.role, TX_ROLE_VOLUNTEER);
    assert_int_equal(p.scope.kind, TX_SCOPE_NONE);
    assert_int_equal(p.scope.id, 0);
}

/* ---- API keys ---- */

static void test_apikey_create_resolve_revoke(void **state)
{
    fixture *f = *state;
    tx_err err;
    tx_scope sc;
    assert_int_equal(store_scope_resolve(f->c, TX_ROLE_DEPARTMENT_STAFF, "DEPT1", &sc, &err), 0);
    int64_t id = 0;
    assert_int_equal(store_apikey_create(f->c, "importer", "kh-1", "tx_abcd", TX_ROLE_DEPARTMENT_STAFF, &sc, &id, &err),
                     0);
    assert_true(id > 0);
    tx_principal p;
    assert_int_equal(store_apikey_resolve(f->c, "kh-1", &p, &err), 0);
    assert_int_equal(p.apikey_id, id);
    assert_int_equal(p.user_id, 0);
    assert_string_equal(p.login, "importer");
    assert_int_equal(p.role, TX_ROLE_DEPARTMENT_STAFF);
    assert_int_equal(p.scope.kind, TX_SCOPE_ORG);
    assert_int_equal(p.scope.id, 10);
    assert_string_equal(p.scope.code, "DEPT1");
    assert_int_equal(store_apikey_resolve(f->c, "kh-unknown", &p, &err), 1);
    assert_int_equal(store_apikey_revoke(f->c, id, &err), 0);
    assert_int_equal(store_apikey_resolve(f->c, "kh-1", &p, &err), 1);
    /* revoking twice, or an unknown key, is 404 */
    tx_err_clear(&err);
    assert_int_equal(store_apikey_revoke(f->c, id, &err), -1);
    assert_int_equal(err.status, 404);
    tx_err_clear(&err);
    assert_int_equal(store_apikey_revoke(f->c, 9999, &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_apikey_api_client_role_resolves(void **state)
{
    fixture *f = *state;
    tx_err err;
    int64_t id;
    assert_int_equal(store_apikey_create(f->c, "robot", "kh-robot", "tx_rob", TX_ROLE_API_CLIENT, &no_scope, &id, &err),
                     0);
    tx_principal p;
    assert_int_equal(store_apikey_resolve(f->c, "kh-robot", &p, &err), 0);
    assert_int_equal(p.role, TX_ROLE_API_CLIENT);
    assert_int_equal(p.scope.kind, TX_SCOPE_NONE);
}

static void test_apikey_list_shows_keys_without_hash(void **state)
{
    fixture *f = *state;
    tx_err err;
    int64_t a, b;
    assert_int_equal(store_apikey_create(f->c, "one", "secret-hash-1", "tx_one", TX_ROLE_API_CLIENT, &no_scope, &a, &err),
                     0);
    assert_int_equal(store_apikey_create(f->c, "two", "secret-hash-2", "tx_two", TX_ROLE_API_CLIENT, &no_scope, &b, &err),
                     0);
    assert_int_equal(store_apikey_revoke(f->c, b, &err), 0);
    json_t *list = NULL;
    assert_int_equal(store_apikey_list(f->c, &list, &err), 0);
    assert_int_equal(json_array_size(list), 2);
    char *text = json_dumps(list, 0);
    assert_null(strstr(text, "secret-hash"));
    assert_null(strstr(text, "key_hash"));
    free(text);
    json_t *k1 = json_array_get(list, 0), *k2 = json_array_get(list, 1);
    assert_int_equal(json_integer_value(json_object_get(k1, "id")), a);
    assert_string_equal(json_string_value(json_object_get(k1, "name")), "one");
    assert_string_equal(json_string_value(json_object_get(k1, "prefix")), "tx_one");
    assert_string_equal(json_string_value(json_object_get(k1, "role")), "api_client");
    assert_true(json_integer_value(json_object_get(k1, "created_at")) > 0);
    assert_true(json_is_null(json_object_get(k1, "revoked_at")));
    assert_true(json_integer_value(json_object_get(k2, "revoked_at")) > 0);
    assert_int_equal(json_object_size(k1), 6);
    json_decref(list);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_scope_resolve_fits_role_to_area_kind),
        T(test_scope_resolve_fits_role_to_organisation_kind),
        T(test_scope_resolve_member_unit_needs_a_member_unit),
        T(test_scope_resolve_missing_scope_for_scoped_role_names_scope),
        T(test_scope_resolve_unknown_code_names_scope),
        T(test_scope_resolve_scope_given_to_unscoped_role_is_error),
        T(test_user_add_and_duplicate_login_is_409),
        T(test_user_list_never_includes_password_hash),
        T(test_user_for_login_returns_hash_and_principal),
        T(test_user_set_password_ends_sessions),
        T(test_user_disable_ends_sessions_and_blocks_login_lookup),
        T(test_session_create_resolve_expire_delete),
        T(test_session_create_sweeps_the_users_expired_sessions),
        T(test_session_of_unscoped_user_has_no_scope),
        T(test_apikey_create_resolve_revoke),
        T(test_apikey_api_client_role_resolves),
        T(test_apikey_list_shows_keys_without_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
