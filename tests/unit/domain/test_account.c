/* Unit tests for src/domain/account.c: role names, parsing, scope kinds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/account.h"

static const char *const grantable[] = {"resident",         "grid_worker", "community_staff", "street_admin",
                                        "department_staff", "member_unit", "volunteer"};

static void test_role_every_grantable_name_parses_back(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof grantable / sizeof grantable[0]; i++) {
        tx_role r = TX_ROLE__COUNT;
        if (tx_role_parse(grantable[i], &r) != 0)
            fail_msg("'%s' does not parse", grantable[i]);
        assert_string_equal(tx_role_name(r), grantable[i]);
    }
}

static void test_role_names_of_every_value_round_trip(void **state)
{
    (void)state;
    for (int r = TX_ROLE_RESIDENT; r < TX_ROLE_API_CLIENT; r++) {
        const char *name = tx_role_name((tx_role)r);
        assert_non_null(name);
        tx_role back;
        assert_int_equal(tx_role_parse(name, &back), 0);
        assert_int_equal(back, r);
    }
    /* names are distinct */
    for (int a = 0; a < TX_ROLE__COUNT; a++)
        for (int b = a + 1; b < TX_ROLE__COUNT; b++)
            assert_string_not_equal(tx_role_name((tx_role)a), tx_role_name((tx_role)b));
}

static void test_role_anonymous_and_api_client_are_not_parseable(void **state)
{
    (void)state;
    tx_role r = TX_ROLE_VOLUNTEER;
    assert_string_equal(tx_role_name(TX_ROLE_ANONYMOUS), "anonymous");
    assert_string_equal(tx_role_name(TX_ROLE_API_CLIENT), "api_client");
    assert_int_equal(tx_role_parse("anonymous", &r), -1);
    assert_int_equal(tx_role_parse("api_client", &r), -1);
    assert_int_equal(r, TX_ROLE_VOLUNTEER); /* untouched */
}

static void test_role_unknown_names_are_refused(void **state)
{
    (void)state;
    tx_role r;
    assert_int_equal(tx_role_parse("", &r), -1);
    assert_int_equal(tx_role_parse("admin", &r), -1);
    assert_int_equal(tx_role_parse("Street_Admin", &r), -1);
    assert_int_equal(tx_role_parse("street_admin ", &r), -1);
    assert_int_equal(tx_role_parse("street", &r), -1);
}

static void test_role_name_of_invalid_value_is_null(void **state)
{
    (void)state;
    assert_null(tx_role_name(TX_ROLE__COUNT));
    assert_null(tx_role_name((tx_role)-1));
    assert_null(tx_role_name((tx_role)1000));
}

static void test_role_scope_kind_per_role(void **state)
{
    (void)state;
    assert_int_equal(tx_role_scope_kind(TX_ROLE_ANONYMOUS), TX_SCOPE_NONE);
    assert_int_equal(tx_role_scope_kind(TX_ROLE_RESIDENT), TX_SCOPE_NONE);
    assert_int_equal(tx_role_scope_kind(TX_ROLE_GRID_WORKER), TX_SCOPE_AREA);
    assert_int_equal(tx_role_scope_kind(TX_ROLE_COMMUNITY_STAFF), TX_SCOPE_AREA);
    assert_int_equal(tx_role_scope_kind(TX_ROLE_STREET_ADMIN), TX_SCOPE_AREA);
    assert_int_equal(tx_role_scope_kind(TX_ROLE_DEPARTMENT_STAFF), TX_SCOPE_ORG);
    assert_int_equal(tx_role_scope_kind(TX_ROLE_MEMBER_UNIT), TX_SCOPE_ORG);
    assert_int_equal(tx_role_scope_kind(TX_ROLE_VOLUNTEER), TX_SCOPE_NONE);
    assert_int_equal(tx_role_scope_kind(TX_ROLE_API_CLIENT), TX_SCOPE_NONE);
}

static void test_role_is_staff_only_for_staff_roles(void **state)
{
    (void)state;
    assert_false(tx_role_is_staff(TX_ROLE_ANONYMOUS));
    assert_false(tx_role_is_staff(TX_ROLE_RESIDENT));
    assert_true(tx_role_is_staff(TX_ROLE_GRID_WORKER));
    assert_true(tx_role_is_staff(TX_ROLE_COMMUNITY_STAFF));
    assert_true(tx_role_is_staff(TX_ROLE_STREET_ADMIN));
    assert_true(tx_role_is_staff(TX_ROLE_DEPARTMENT_STAFF));
    assert_false(tx_role_is_staff(TX_ROLE_MEMBER_UNIT));
    assert_false(tx_role_is_staff(TX_ROLE_VOLUNTEER));
    assert_false(tx_role_is_staff(TX_ROLE_API_CLIENT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_every_grantable_name_parses_back),
        cmocka_unit_test(test_role_names_of_every_value_round_trip),
        cmocka_unit_test(test_role_anonymous_and_api_client_are_not_parseable),
        cmocka_unit_test(test_role_unknown_names_are_refused),
        cmocka_unit_test(test_role_name_of_invalid_value_is_null),
        cmocka_unit_test(test_role_scope_kind_per_role),
        cmocka_unit_test(test_role_is_staff_only_for_staff_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
