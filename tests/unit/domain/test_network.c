/* Unit tests for src/domain/network.c: the network's vocabulary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/network.h"

static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

static int is_code(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
            return 0;
    return 1;
}

/* Check one vocabulary: codes are snake_case, distinct, parse back; names
 * exist in zh (with Chinese text) and en. */
#define CHECK_VOCABULARY(prefix, type, count)                                                                          \
    do {                                                                                                               \
        for (int i = 0; i < (count); i++) {                                                                            \
            const char *code = prefix##_code((type)i);                                                                 \
            assert_non_null(code);                                                                                     \
            if (!is_code(code))                                                                                        \
                fail_msg("%s is not a snake_case code", code);                                                         \
            type back = (type)-1;                                                                                      \
            if (prefix##_parse(code, &back) != 0 || (int)back != i)                                                    \
                fail_msg("%s does not parse back to %d", code, i);                                                     \
            const char *zh = prefix##_name((type)i, 0), *en = prefix##_name((type)i, 1);                              \
            assert_non_null(zh);                                                                                       \
            assert_non_null(en);                                                                                       \
            assert_true(has_non_ascii(zh));                                                                            \
            assert_false(has_non_ascii(en));                                                                           \
            for (int j = i + 1; j < (count); j++)                                                                      \
                assert_string_not_equal(code, prefix##_code((type)j));                                                 \
        }                                                                                                              \
        assert_null(prefix##_code((type)(count)));                                                                     \
        assert_null(prefix##_name((type)(count), 0));                                                                  \
        assert_null(prefix##_code((type)-1));                                                                          \
        type untouched = (type)0;                                                                                      \
        assert_int_equal(prefix##_parse("no_such_code", &untouched), -1);                                             \
        assert_int_equal(prefix##_parse("", &untouched), -1);                                                         \
        assert_int_equal(prefix##_parse(NULL, &untouched), -1);                                                       \
        assert_int_equal(untouched, 0);                                                                                \
    } while (0)

static void test_network_area_kind_codes_round_trip(void **state)
{
    (void)state;
    CHECK_VOCABULARY(tx_area_kind, tx_area_kind, TX_AREA__COUNT);
    assert_string_equal(tx_area_kind_code(TX_AREA_COMMUNITY), "community");
    assert_string_equal(tx_area_kind_code(TX_AREA_COMPOUND), "compound");
    assert_string_equal(tx_area_kind_name(TX_AREA_GRID, 0), "网格");
    assert_string_equal(tx_area_kind_name(TX_AREA_STREET, 0), "街道");
    assert_string_equal(tx_area_kind_name(TX_AREA_COMPOUND, 0), "小区");
}

static void test_network_org_kind_codes_round_trip(void **state)
{
    (void)state;
    CHECK_VOCABULARY(tx_org_kind, tx_org_kind, TX_ORG__COUNT);
    assert_string_equal(tx_org_kind_code(TX_ORG_COMPOUND_PARTY_BRANCH), "compound_party_branch");
    assert_string_equal(tx_org_kind_code(TX_ORG_MEMBER_UNIT), "member_unit");
    assert_string_equal(tx_org_kind_code(TX_ORG_DISTRICT_DEPARTMENT), "district_department");
    assert_string_equal(tx_org_kind_name(TX_ORG_COMPOUND_PARTY_BRANCH, 0), "小区党支部");
}

static void test_network_unit_type_codes_round_trip(void **state)
{
    (void)state;
    CHECK_VOCABULARY(tx_unit_type, tx_unit_type, TX_UNIT__COUNT);
    assert_string_equal(tx_unit_type_code(TX_UNIT_GOVERNMENT_ORGAN), "government_organ");
    assert_string_equal(tx_unit_type_name(TX_UNIT_ENTERPRISE, 0), "企业");
}

static void test_network_membership_role_codes_round_trip(void **state)
{
    (void)state;
    CHECK_VOCABULARY(tx_membership_role, tx_membership_role, TX_MROLE__COUNT);
    assert_string_equal(tx_membership_role_code(TX_MROLE_PART_TIME_MEMBER), "part_time_member");
    assert_string_equal(tx_membership_role_name(TX_MROLE_PART_TIME_MEMBER, 0), "兼职委员");
    assert_string_equal(tx_membership_role_name(TX_MROLE_GRID_WORKER, 0), "网格员");
}

static void test_network_codes_are_case_sensitive(void **state)
{
    (void)state;
    tx_area_kind k;
    assert_int_equal(tx_area_kind_parse("Community", &k), -1);
    assert_int_equal(tx_area_kind_parse("community ", &k), -1);
    assert_int_equal(tx_area_kind_parse("社区", &k), -1);
}

static void test_network_area_parent_kinds(void **state)
{
    (void)state;
    assert_int_equal(tx_area_parent_kind(TX_AREA_CITY), -1);
    assert_int_equal(tx_area_parent_kind(TX_AREA_DISTRICT), TX_AREA_CITY);
    assert_int_equal(tx_area_parent_kind(TX_AREA_STREET), TX_AREA_DISTRICT);
    assert_int_equal(tx_area_parent_kind(TX_AREA_COMMUNITY), TX_AREA_STREET);
    assert_int_equal(tx_area_parent_kind(TX_AREA_GRID), TX_AREA_COMMUNITY);
    assert_int_equal(tx_area_parent_kind(TX_AREA_COMPOUND), TX_AREA_GRID);
    assert_int_equal(tx_area_parent_kind(TX_AREA__COUNT), -1);
    assert_int_equal(tx_area_parent_kind((tx_area_kind)-1), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_area_kind_codes_round_trip),
        cmocka_unit_test(test_network_org_kind_codes_round_trip),
        cmocka_unit_test(test_network_unit_type_codes_round_trip),
        cmocka_unit_test(test_network_membership_role_codes_round_trip),
        cmocka_unit_test(test_network_codes_are_case_sensitive),
        cmocka_unit_test(test_network_area_parent_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
