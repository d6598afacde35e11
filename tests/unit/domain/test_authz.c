/* Unit tests for src/domain/authz.c: who may do what where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/authz.h"

enum { A = TX_AUTHZ_ALLOW, U = TX_AUTHZ_NEED_AUTH, F = TX_AUTHZ_FORBIDDEN };

/* The product's access rules, written out independently of authz.c:
 * expected[action][role] for the route-level gate (place NULL). */
static const int expected[TX_ACT__COUNT][TX_ROLE__COUNT] = {
    /*                        anon res grid comm street dept unit vol api */
    [TX_ACT_PUBLIC] = /*   */ {A, A, A, A, A, A, A, A, A},
    [TX_ACT_SIGN_IN] = /*  */ {A, A, A, A, A, A, A, A, A},
    [TX_ACT_SELF] = /*     */ {U, A, A, A, A, A, A, A, A},
    [TX_ACT_AREA_WRITE] = {U, F, F, F, A, F, F, F, F},
    [TX_ACT_ORG_WRITE] = {U, F, F, A, A, F, F, F, F},
    [TX_ACT_PERSON_READ] = {U, F, A, A, A, A, F, F, F},
    [TX_ACT_PERSON_WRITE] = {U, F, F, A, A, F, F, F, F},
    [TX_ACT_EXPORT_PERSONAL] = {U, F, F, F, A, F, F, F, F},
    [TX_ACT_CALENDAR_WRITE] = {U, F, F, F, A, F, F, F, F},
    [TX_ACT_CASE_QUEUE] = {U, F, A, A, A, A, A, F, F},
    [TX_ACT_CATALOGUE_WRITE] = {U, F, F, F, A, F, F, F, F},
    [TX_ACT_WEBHOOK_WRITE] = {U, F, F, F, A, F, F, F, F},
    [TX_ACT_LIST_WRITE] = {U, F, F, A, A, F, A, F, F},
    [TX_ACT_ACCOUNT_WRITE] = {U, F, F, F, A, F, F, F, F},
};

static const int scoped[TX_ACT__COUNT] = {
    [TX_ACT_AREA_WRITE] = 1,  [TX_ACT_ORG_WRITE] = 1,        [TX_ACT_PERSON_READ] = 1,
    [TX_ACT_PERSON_WRITE] = 1, [TX_ACT_EXPORT_PERSONAL] = 1, [TX_ACT_LIST_WRITE] = 1,
    [TX_ACT_ACCOUNT_WRITE] = 1,
};

/* A principal of role r with the scope its role takes, id 7. */
static tx_principal who(tx_role r)
{
    tx_principal p;
    memset(&p, 0, sizeof p);
    p.role = r;
    if (r != TX_ROLE_ANONYMOUS)
        p.user_id = 1;
    p.scope.kind = tx_role_scope_kind(r);
    p.scope.id = p.scope.kind == TX_SCOPE_NONE ? 0 : 7;
    return p;
}

static void test_authz_route_gate_matrix_actions_by_roles(void **state)
{
    (void)state;
    for (int a = 0; a < TX_ACT__COUNT; a++)
        for (int r = 0; r < TX_ROLE__COUNT; r++) {
            tx_principal p = who((tx_role)r);
            int got = (int)tx_authz_decide(&p, (tx_action)a, NULL);
            if (got != expected[a][r])
                fail_msg("%s by %s: got %d, want %d", tx_action_name((tx_action)a), tx_role_name((tx_role)r), got,
                         expected[a][r]);
        }
}

static void test_authz_anonymous_gets_401_for_every_non_public_action(void **state)
{
    (void)state;
    tx_principal p = who(TX_ROLE_ANONYMOUS);
    for (int a = 0; a < TX_ACT__COUNT; a++) {
        tx_authz d = tx_authz_decide(&p, (tx_action)a, NULL);
        if (a == TX_ACT_PUBLIC || a == TX_ACT_SIGN_IN)
            assert_int_equal(d, TX_AUTHZ_ALLOW);
        else
            assert_int_equal(d, TX_AUTHZ_NEED_AUTH);
    }
}

static void test_authz_in_scope_place_is_allowed_for_every_permitted_role(void **state)
{
    (void)state;
    /* the scope id (7) appears somewhere in the ancestry, in both lists */
    const int64_t areas[] = {31, 12, 7, 1};
    const int64_t orgs[] = {44, 7};
    tx_place place = {areas, 4, orgs, 2};
    for (int a = 0; a < TX_ACT__COUNT; a++)
        for (int r = 0; r < TX_ROLE__COUNT; r++) {
            tx_principal p = who((tx_role)r);
            int got = (int)tx_authz_decide(&p, (tx_action)a, &place);
            if (got != expected[a][r])
                fail_msg("%s by %s in scope: got %d, want %d", tx_action_name((tx_action)a),
                         tx_role_name((tx_role)r), got, expected[a][r]);
        }
}

static void test_authz_out_of_scope_place_is_forbidden_for_scoped_actions(void **state)
{
    (void)state;
    const int64_t areas[] = {31, 12, 1};
    const int64_t orgs[] = {44, 45};
    tx_place place = {areas, 3, orgs, 2};
    for (int a = 0; a < TX_ACT__COUNT; a++)
        for (int r = 0; r < TX_ROLE__COUNT; r++) {
            tx_principal p = who((tx_role)r);
            int want = expected[a][r];
            if (want == A && scoped[a])
                want = F;
            int got = (int)tx_authz_decide(&p, (tx_action)a, &place);
            if (got != want)
                fail_msg("%s by %s out of scope: got %d, want %d", tx_action_name((tx_action)a),
                         tx_role_name((tx_role)r), got, want);
        }
}

static void test_authz_area_scope_is_matched_against_areas_only(void **state)
{
    (void)state;
    tx_principal p = who(TX_ROLE_COMMUNITY_STAFF); /* area 7 */
    const int64_t areas[] = {31, 12};
    const int64_t orgs[] = {7}; /* an organisation with the same id does not count */
    tx_place place = {areas, 2, orgs, 1};
    assert_int_equal(tx_authz_decide(&p, TX_ACT_PERSON_READ, &place), TX_AUTHZ_FORBIDDEN);

    tx_principal d = who(TX_ROLE_DEPARTMENT_STAFF); /* org 7 */
    const int64_t areas7[] = {7};
    tx_place area_only = {areas7, 1, NULL, 0};
    assert_int_equal(tx_authz_decide(&d, TX_ACT_PERSON_READ, &area_only), TX_AUTHZ_FORBIDDEN);
    tx_place org_place = {NULL, 0, orgs, 1};
    assert_int_equal(tx_authz_decide(&d, TX_ACT_PERSON_READ, &org_place), TX_AUTHZ_ALLOW);
}

static void test_authz_place_itself_as_scope_is_covered(void **state)
{
    (void)state;
    tx_principal p = who(TX_ROLE_GRID_WORKER);
    const int64_t areas[] = {7};
    tx_place place = {areas, 1, NULL, 0};
    assert_int_equal(tx_authz_decide(&p, TX_ACT_PERSON_READ, &place), TX_AUTHZ_ALLOW);
}

static void test_authz_empty_place_is_not_covered_by_a_scoped_grant(void **state)
{
    (void)state;
    tx_place empty = {NULL, 0, NULL, 0};
    tx_principal p = who(TX_ROLE_STREET_ADMIN);
    assert_int_equal(tx_authz_decide(&p, TX_ACT_AREA_WRITE, &empty), TX_AUTHZ_FORBIDDEN);
    assert_int_equal(tx_authz_decide(&p, TX_ACT_EXPORT_PERSONAL, &empty), TX_AUTHZ_FORBIDDEN);
    /* unscoped actions do not look at the place */
    assert_int_equal(tx_authz_decide(&p, TX_ACT_SELF, &empty), TX_AUTHZ_ALLOW);
    assert_int_equal(tx_authz_decide(&p, TX_ACT_PUBLIC, &empty), TX_AUTHZ_ALLOW);
}

static void test_authz_wrong_role_in_scope_is_still_forbidden(void **state)
{
    (void)state;
    tx_principal p = who(TX_ROLE_GRID_WORKER);
    const int64_t areas[] = {7};
    tx_place place = {areas, 1, NULL, 0};
    assert_int_equal(tx_authz_decide(&p, TX_ACT_AREA_WRITE, &place), TX_AUTHZ_FORBIDDEN);
    assert_int_equal(tx_authz_decide(&p, TX_ACT_PERSON_WRITE, &place), TX_AUTHZ_FORBIDDEN);
    tx_principal anon = who(TX_ROLE_ANONYMOUS);
    assert_int_equal(tx_authz_decide(&anon, TX_ACT_PERSON_READ, &place), TX_AUTHZ_NEED_AUTH);
}

static void test_authz_invalid_action_or_role_is_forbidden(void **state)
{
    (void)state;
    tx_principal p = who(TX_ROLE_STREET_ADMIN);
    assert_int_equal(tx_authz_decide(&p, TX_ACT__COUNT, NULL), TX_AUTHZ_FORBIDDEN);
    assert_int_equal(tx_authz_decide(&p, (tx_action)-1, NULL), TX_AUTHZ_FORBIDDEN);
    p.role = TX_ROLE__COUNT;
    assert_int_equal(tx_authz_decide(&p, TX_ACT_PUBLIC, NULL), TX_AUTHZ_FORBIDDEN);
    p.role = (tx_role)-1;
    assert_int_equal(tx_authz_decide(&p, TX_ACT_PUBLIC, NULL), TX_AUTHZ_FORBIDDEN);
}

static void test_authz_action_names_and_labels(void **state)
{
    (void)state;
    static const char *const names[TX_ACT__COUNT] = {
        "public", "sign_in", "self", "area_write", "org_write", "person_read", "person_write", "export_personal",
        "calendar_write", "case_queue", "catalogue_write", "webhook_write", "list_write", "account_write",
    };
    for (int a = 0; a < TX_ACT__COUNT; a++) {
        assert_string_equal(tx_action_name((tx_action)a), names[a]);
        const char *zh = tx_action_label((tx_action)a, 0), *en = tx_action_label((tx_action)a, 1);
        assert_true(strlen(zh) > 0 && strlen(en) > 0);
        assert_string_not_equal(zh, en);
    }
    assert_string_equal(tx_action_label(TX_ACT_AREA_WRITE, 1), "change areas");
    assert_string_equal(tx_action_label(TX_ACT_AREA_WRITE, 0), "修改区域");
    assert_null(tx_action_name(TX_ACT__COUNT));
    assert_string_equal(tx_action_label(TX_ACT__COUNT, 1), "");
}

/* Granting a role and scope to an account or key: street admins only, the
 * scope within their own, never a role above their own. */
static void test_authz_grant_only_within_own_scope(void **state)
{
    (void)state;
    tx_principal admin = who(TX_ROLE_STREET_ADMIN); /* area 7 */
    const int64_t inside[] = {31, 12, 7, 1};        /* a grid below the street */
    const int64_t itself[] = {7, 1};                /* the street itself */
    const int64_t above[] = {1};                    /* the district above it */
    const int64_t beside[] = {8, 1};                /* another street */
    tx_place in = {inside, 4, NULL, 0}, same = {itself, 2, NULL, 0}, up = {above, 1, NULL, 0},
             other = {beside, 2, NULL, 0};
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_GRID_WORKER, &in), TX_AUTHZ_ALLOW);
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_COMMUNITY_STAFF, &in), TX_AUTHZ_ALLOW);
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_STREET_ADMIN, &same), TX_AUTHZ_ALLOW);
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_STREET_ADMIN, &up), TX_AUTHZ_FORBIDDEN);
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_COMMUNITY_STAFF, &other), TX_AUTHZ_FORBIDDEN);
    /* an organisation's place: its area's ancestry and its own ancestry */
    const int64_t org_areas[] = {12, 7, 1};
    const int64_t orgs[] = {44};
    tx_place unit = {org_areas, 3, orgs, 1};
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_MEMBER_UNIT, &unit), TX_AUTHZ_ALLOW);
    const int64_t dept_areas[] = {1};
    tx_place dept = {dept_areas, 1, orgs, 1};
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_DEPARTMENT_STAFF, &dept), TX_AUTHZ_FORBIDDEN);
    /* a scoped role needs a place; the roles without a scope need none */
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_GRID_WORKER, NULL), TX_AUTHZ_FORBIDDEN);
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_RESIDENT, NULL), TX_AUTHZ_ALLOW);
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_VOLUNTEER, NULL), TX_AUTHZ_ALLOW);
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_API_CLIENT, NULL), TX_AUTHZ_ALLOW);
    /* nobody is made anonymous, and nothing outside the role table */
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE_ANONYMOUS, NULL), TX_AUTHZ_FORBIDDEN);
    assert_int_equal(tx_authz_grant(&admin, TX_ROLE__COUNT, &in), TX_AUTHZ_FORBIDDEN);
}

static void test_authz_grant_refused_to_everyone_but_street_admins(void **state)
{
    (void)state;
    const int64_t areas[] = {31, 12, 7, 1};
    const int64_t orgs[] = {7};
    tx_place place = {areas, 4, orgs, 1};
    for (int r = 0; r < TX_ROLE__COUNT; r++) {
        if (r == TX_ROLE_STREET_ADMIN)
            continue;
        tx_principal p = who((tx_role)r);
        tx_authz want = r == TX_ROLE_ANONYMOUS ? TX_AUTHZ_NEED_AUTH : TX_AUTHZ_FORBIDDEN;
        /* not even their own kind of account, in their own scope */
        assert_int_equal(tx_authz_grant(&p, (tx_role)r == TX_ROLE_ANONYMOUS ? TX_ROLE_RESIDENT : (tx_role)r, &place),
                         want);
        assert_int_equal(tx_authz_grant(&p, TX_ROLE_RESIDENT, NULL), want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_authz_route_gate_matrix_actions_by_roles),
        cmocka_unit_test(test_authz_anonymous_gets_401_for_every_non_public_action),
        cmocka_unit_test(test_authz_in_scope_place_is_allowed_for_every_permitted_role),
        cmocka_unit_test(test_authz_out_of_scope_place_is_forbidden_for_scoped_actions),
        cmocka_unit_test(test_authz_area_scope_is_matched_against_areas_only),
        cmocka_unit_test(test_authz_place_itself_as_scope_is_covered),
        cmocka_unit_test(test_authz_empty_place_is_not_covered_by_a_scoped_grant),
        cmocka_unit_test(test_authz_wrong_role_in_scope_is_still_forbidden),
        cmocka_unit_test(test_authz_invalid_action_or_role_is_forbidden),
        cmocka_unit_test(test_authz_action_names_and_labels),
        cmocka_unit_test(test_authz_grant_only_within_own_scope),
        cmocka_unit_test(test_authz_grant_refused_to_everyone_but_street_admins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
