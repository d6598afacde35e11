/* Unit tests for src/io/network_csv.c: organisations, people and
 * memberships imported as CSV (io.h) into a temporary database holding the
 * small hand-made street of fixture.h, each import in its own store_sync
 * write transaction.
 *
 * The contract under test (io.h): the header must be exactly the export
 * header; errors name the line and column (err.field "line 3 column
 * unit_type", both messages saying line and column); an import is all or
 * nothing; the same file twice does not double anything; export → import
 * → export gives the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define ORG_HEADER "code,kind,unit_type,name,name_en,area_code,parent_code,manages,notes\n"
#define PEOPLE_HEADER "code,name,phone,party_member,notes\n"
#define MEMBERSHIP_HEADER "person_code,org_code,role,represents_code,start_date,end_date\n"

/* Organisations of the small street: parents before children. */
static const char orgs_csv[] = ORG_HEADER
    "DS-PWC,street_party_committee,,淡水测试街道党工委,,DS-S,,,\n"                          /* line 2 */
    "C1-PC,community_party_committee,,西社区党委,West Community Party Committee,C1,DS-PWC,,\n" /* 3 */
    "C1-MU1,member_unit,enterprise,西社区某科技公司,,C1,,,虚构示例数据\n"                     /* 4 */
    "C1-MU2,member_unit,public_institution,西社区某学校,,C1,,,\n"                              /* 5 */
    "C1-PM1,property_company,,西一物业,,C1,C1-MU1,C1-G1-K1;C1-G1-K2,\n"                        /* 6 */
    "C1-V1,venue,,西社区党群服务驿站,,C1,C1-PC,,\"驿站, 一楼\n每周开放\"\n"                    /* 7-8 */
    "C1-G1-K1-PB,compound_party_branch,,西一花园小区党支部,,C1-G1-K1,C1-PC,,\n";             /* 9 */

static const char people_csv[] = PEOPLE_HEADER
    "P1,张三,13900000001,1,\n"
    "P2,李四,+86 139-0000-0002,0,虚构\n"
    "P3,王五,,1,\n"
    "P4,赵六,,0,\n";

static const char memberships_csv[] = MEMBERSHIP_HEADER
    "P1,C1-PC,secretary,,2021-01-01,\n"
    "P1,C1-PC,cadre,,2021-01-01,\n"
    "P2,C1-PC,part_time_member,C1-MU1,2022-03-01,\n"
    "P3,C1-PC,part_time_member,C1-PM1,2022-03-01,2024-06-30\n"
    "P4,C1-G1-K1-PB,secretary,,2023-05-01,\n";

typedef struct {
    fx_db d;
} fixture;

/* The small street's areas only. */
static int setup_areas(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fx_db_open(&f->d);
    json_t *doc = fx_small_street();
    fx_must_import_areas(&f->d, doc);
    json_decref(doc);
    *state = f;
    return 0;
}

/* An empty database. */
static int setup_empty(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fx_db_open(&f->d);
    *state = f;
    return 0;
}

/* Areas, organisations and people (memberships left to the test). */
static int setup_people(void **state)
{
    setup_areas(state);
    fixture *f = *state;
    fx_must_import_csv(&f->d, FX_ORGS, orgs_csv);
    fx_must_import_csv(&f->d, FX_PEOPLE, people_csv);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    fx_db_close(&f->d);
    free(f);
    return 0;
}

/* Importing text into sheet is refused with 400 invalid_import naming
 * line and column (err.field "line L column C", and both messages), and
 * table keeps its row count. */
static void expect_refused(fixture *f, fx_sheet sheet, const char *text, int line, const char *column,
                           const char *table)
{
    int64_t before = fx_count(&f->d, table);
    tx_err err;
    int n = -1;
    if (fx_import_csv(&f->d, sheet, text, &n, &err) != -1)
        fail_msg("import accepted; expected a refusal at line %d column %s", line, column);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.code, "invalid_import");
    char field[64];
    snprintf(field, sizeof field, "line %d column %s", line, column);
    if (strcmp(err.field, field) != 0)
        fail_msg("err.field is \"%s\", expected \"%s\" (message: %s)", err.field, field, err.msg[TX_LANG_EN]);
    /* Both messages name the line and the column; the wording is the
     * message catalogue's business. */
    for (int lang = 0; lang < 2; lang++)
        if (!fx_names_number(err.msg[lang], line) || !fx_has(err.msg[lang], column))
            fail_msg("%s message \"%s\" does not name line %d and column %s", lang ? "English" : "Chinese",
                     err.msg[lang], line, column);
    assert_int_equal(fx_count(&f->d, table), before);
}

/* orgs_csv with one more line appended. */
static char *orgs_plus(const char *line)
{
    size_t a = strlen(orgs_csv), b = strlen(line);
    char *s = malloc(a + b + 1);
    assert_non_null(s);
    memcpy(s, orgs_csv, a);
    memcpy(s + a, line, b + 1);
    return s;
}

/* ---- organisations ------------------------------------------------------ */

static void test_organisations_import_with_their_areas_parents_and_managed_compounds(void **state)
{
    fixture *f = *state;
    assert_int_equal(fx_must_import_csv(&f->d, FX_ORGS, orgs_csv), 7);
    assert_int_equal(fx_count(&f->d, "organisation"), 7);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM organisation o JOIN area a ON a.id = o.area_id "
                                            "JOIN organisation p ON p.id = o.parent_id WHERE o.code = 'C1-PC' AND "
                                            "a.code = 'C1' AND p.code = 'DS-PWC'"),
                     1);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM organisation WHERE code = 'C1-MU2' AND unit_type = "
                                            "'public_institution'"),
                     1);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM managed_compound m JOIN organisation o ON o.id = "
                                            "m.org_id WHERE o.code = 'C1-PM1'"),
                     2);
    /* A quoted field keeps its comma and line break. */
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM organisation WHERE code = 'C1-V1' AND notes = "
                                            "'驿站, 一楼' || char(10) || '每周开放'"),
                     1);
}

static void test_organisations_header_must_match_exactly_and_line_1_is_named(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {
        "code,kind,type,name,name_en,area_code,parent_code,manages,notes\nX,venue,,名,,C1,,,\n",
        "kind,code,unit_type,name,name_en,area_code,parent_code,manages,notes\n",
        "code,kind,unit_type,name,name_en,area_code,parent_code,manages\n",
        "code,kind,unit_type,name,name_en,area_code,parent_code,manages,notes,extra\n",
        "Code,kind,unit_type,name,name_en,area_code,parent_code,manages,notes\n",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tx_err err;
        int n = -1;
        assert_int_equal(fx_import_csv(&f->d, FX_ORGS, bad[i], &n, &err), -1);
        assert_int_equal(err.status, 400);
        assert_string_equal(err.field, "line 1");
        assert_true(fx_names_number(err.msg[TX_LANG_EN], 1));
        assert_true(fx_names_number(err.msg[TX_LANG_ZH], 1));
        /* The message shows the header it wants. */
        assert_true(fx_has(err.msg[TX_LANG_EN], "code,kind,unit_type,name,name_en,area_code,parent_code,manages,notes"));
        assert_int_equal(fx_count(&f->d, "organisation"), 0);
    }
}

static void test_organisations_header_after_a_byte_order_mark_is_accepted(void **state)
{
    fixture *f = *state;
    char *text = malloc(strlen(orgs_csv) + 4);
    assert_non_null(text);
    memcpy(text, "\xEF\xBB\xBF", 3);
    memcpy(text + 3, orgs_csv, strlen(orgs_csv) + 1);
    assert_int_equal(fx_must_import_csv(&f->d, FX_ORGS, text), 7);
    free(text);
}

static void test_organisations_with_crlf_line_ends_import_the_same(void **state)
{
    fixture *f = *state;
    /* Rewrite every LF outside quotes as CRLF (the notes field's line break
     * inside quotes is data and stays). */
    size_t n = strlen(orgs_csv);
    char *text = malloc(2 * n + 1), *o = text;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (orgs_csv[i] == '"')
            quoted = !quoted;
        if (orgs_csv[i] == '\n' && !quoted)
            *o++ = '\r';
        *o++ = orgs_csv[i];
    }
    *o = '\0';
    assert_int_equal(fx_must_import_csv(&f->d, FX_ORGS, text), 7);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM organisation WHERE notes LIKE '%' || char(13) || "
                                            "'%' OR name LIKE '%' || char(13) || '%'"),
                     0);
    free(text);
}

static void test_member_unit_without_unit_type_names_line_and_column(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-MU3,member_unit,,没有类型的单位,,C1,,,\n");
    expect_refused(f, FX_ORGS, text, 10, "unit_type", "organisation");
    free(text);
    text = orgs_plus("C1-MU3,member_unit,bank,类型未知的单位,,C1,,,\n");
    expect_refused(f, FX_ORGS, text, 10, "unit_type", "organisation");
    free(text);
}

static void test_unit_type_on_an_organisation_that_is_not_a_member_unit_is_refused(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-A1,association,enterprise,西社区书画协会,,C1,,,\n");
    expect_refused(f, FX_ORGS, text, 10, "unit_type", "organisation");
    free(text);
}

static void test_unknown_organisation_kind_names_column_kind(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-X1,club,,俱乐部,,C1,,,\n");
    expect_refused(f, FX_ORGS, text, 10, "kind", "organisation");
    free(text);
}

static void test_unknown_area_code_names_line_and_column_area_code(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-A1,association,,西社区书画协会,,C9,,,\n");
    expect_refused(f, FX_ORGS, text, 10, "area_code", "organisation");
    free(text);
}

static void test_unknown_parent_code_names_column_parent_code(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-VT1,volunteer_team,,西社区志愿者服务队,,C1,NO-SUCH-ORG,,\n");
    expect_refused(f, FX_ORGS, text, 10, "parent_code", "organisation");
    free(text);
}

static void test_manages_on_an_organisation_that_is_not_a_property_company_is_refused(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-OC1,owners_committee,,西一花园业主委员会,,C1-G1-K1,,C1-G1-K1,\n");
    expect_refused(f, FX_ORGS, text, 10, "manages", "organisation");
    free(text);
}

static void test_manages_naming_a_grid_instead_of_a_compound_is_refused(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-PM2,property_company,,西二物业,,C1,,C1-G2-K1;C1-G2,\n");
    expect_refused(f, FX_ORGS, text, 10, "manages", "organisation");
    assert_int_equal(fx_count(&f->d, "managed_compound"), 0);
    free(text);
    text = orgs_plus("C1-PM2,property_company,,西二物业,,C1,,NO-SUCH-COMPOUND,\n");
    expect_refused(f, FX_ORGS, text, 10, "manages", "organisation");
    free(text);
}

static void test_bad_organisation_code_and_missing_name_are_refused(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1 A1,association,,协会,,C1,,,\n");
    expect_refused(f, FX_ORGS, text, 10, "code", "organisation");
    free(text);
    text = orgs_plus("C1-A1,association,,,,C1,,,\n");
    expect_refused(f, FX_ORGS, text, 10, "name", "organisation");
    free(text);
}

static void test_a_line_with_the_wrong_number_of_columns_is_refused_with_its_line(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-A1,association,,协会,,C1,,\n");
    tx_err err;
    int n;
    assert_int_equal(fx_import_csv(&f->d, FX_ORGS, text, &n, &err), -1);
    assert_int_equal(err.status, 400);
    assert_true(fx_names_number(err.msg[TX_LANG_EN], 10));
    assert_true(fx_names_number(err.msg[TX_LANG_ZH], 10));
    assert_int_equal(fx_count(&f->d, "organisation"), 0);
    free(text);
}

static void test_malformed_csv_is_refused_with_the_line_of_the_record(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-A1,association,,协\"会,,C1,,,\n");
    tx_err err;
    int n;
    assert_int_equal(fx_import_csv(&f->d, FX_ORGS, text, &n, &err), -1);
    assert_int_equal(err.status, 400);
    assert_true(fx_names_number(err.msg[TX_LANG_EN], 10));
    assert_true(fx_names_number(err.msg[TX_LANG_ZH], 10));
    assert_int_equal(fx_count(&f->d, "organisation"), 0);
    free(text);
}

static void test_an_error_on_the_last_line_keeps_nothing_of_the_earlier_lines(void **state)
{
    fixture *f = *state;
    char *text = orgs_plus("C1-A1,association,,西社区书画协会,,NOWHERE,,,\n");
    expect_refused(f, FX_ORGS, text, 10, "area_code", "organisation");
    assert_int_equal(fx_count(&f->d, "organisation"), 0);
    assert_int_equal(fx_count(&f->d, "managed_compound"), 0);
    free(text);
}

static void test_reimporting_organisations_replaces_them_by_code(void **state)
{
    fixture *f = *state;
    assert_int_equal(fx_must_import_csv(&f->d, FX_ORGS, orgs_csv), 7);
    int64_t id = tmpdb_sync_int(f->d.s, "SELECT id FROM organisation WHERE code = 'C1-MU2'");
    assert_int_equal(fx_must_import_csv(&f->d, FX_ORGS, orgs_csv), 7);
    assert_int_equal(fx_count(&f->d, "organisation"), 7);
    assert_int_equal(fx_count(&f->d, "managed_compound"), 2);
    /* A changed line replaces the stored organisation, keeping its id. */
    assert_int_equal(fx_must_import_csv(&f->d, FX_ORGS,
                                        ORG_HEADER "C1-MU2,member_unit,government_organ,西社区某机关,,C1,,,\n"
                                                   "C1-PM1,property_company,,西一物业,,C1,C1-MU1,C1-G1-K2,\n"),
                     2);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT id FROM organisation WHERE code = 'C1-MU2' AND unit_type = "
                                            "'government_organ' AND name = '西社区某机关'"),
                     id);
    assert_int_equal(fx_count(&f->d, "managed_compound"), 1);
}

/* ---- people ------------------------------------------------------------ */

static void test_people_import_with_names_phones_and_party_flags(void **state)
{
    fixture *f = *state;
    assert_int_equal(fx_must_import_csv(&f->d, FX_PEOPLE, people_csv), 4);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT party_member FROM person WHERE code = 'P1'"), 1);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT party_member FROM person WHERE code = 'P2'"), 0);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM person WHERE code = 'P2' AND phone = "
                                            "'+86 139-0000-0002'"),
                     1);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM person WHERE code = 'P3' AND phone IS NULL"), 1);
}

static void test_people_header_must_match_exactly(void **state)
{
    fixture *f = *state;
    tx_err err;
    int n;
    assert_int_equal(fx_import_csv(&f->d, FX_PEOPLE, "code,name,mobile,party_member,notes\nP1,张三,,1,\n", &n, &err),
                     -1);
    assert_string_equal(err.field, "line 1");
    assert_int_equal(fx_count(&f->d, "person"), 0);
}

static void test_a_bad_phone_number_names_column_phone(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {"139-CALL-ME", "12", "123456789012345678901", "139/0000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, PEOPLE_HEADER "P1,张三,13900000001,1,\nP2,李四,%s,0,\n", bad[i]);
        expect_refused(f, FX_PEOPLE, text, 3, "phone", "person");
    }
}

static void test_party_member_must_be_0_or_1(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {"yes", "2", "true", "01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, PEOPLE_HEADER "P1,张三,,%s,\n", bad[i]);
        expect_refused(f, FX_PEOPLE, text, 2, "party_member", "person");
    }
}

static void test_a_person_without_a_name_is_refused(void **state)
{
    fixture *f = *state;
    expect_refused(f, FX_PEOPLE, PEOPLE_HEADER "P1,张三,,1,\nP2,,,0,\n", 3, "name", "person");
}

static void test_people_import_is_all_or_nothing(void **state)
{
    fixture *f = *state;
    expect_refused(f, FX_PEOPLE, PEOPLE_HEADER "P1,张三,,1,\nP2,李四,,0,\nP3,王五,,0,\nP4,赵六,phone?,0,\n", 5, "phone",
                   "person");
    assert_int_equal(fx_count(&f->d, "person"), 0);
}

/* ---- memberships ------------------------------------------------------- */

static void test_memberships_import_with_roles_units_and_dates(void **state)
{
    fixture *f = *state;
    assert_int_equal(fx_must_import_csv(&f->d, FX_MEMBERSHIPS, memberships_csv), 5);
    assert_int_equal(fx_count(&f->d, "membership"), 5);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM membership m JOIN person p ON p.id = m.person_id "
                                            "JOIN organisation r ON r.id = m.represents_org_id WHERE p.code = 'P2' AND "
                                            "r.code = 'C1-MU1' AND m.role = 'part_time_member'"),
                     1);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM membership WHERE end_date = '2024-06-30'"), 1);
}

static void test_an_unknown_role_names_column_role(void **state)
{
    fixture *f = *state;
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,C1-PC,cadre,,2021-01-01,\nP2,C1-PC,chairman,,2021-01-01,\n",
                   3, "role", "membership");
}

static void test_a_part_time_member_must_name_the_unit_represented(void **state)
{
    fixture *f = *state;
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P2,C1-PC,part_time_member,,2022-03-01,\n", 2,
                   "represents_code", "membership");
}

static void test_only_a_part_time_member_represents_a_unit(void **state)
{
    fixture *f = *state;
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,C1-PC,cadre,C1-MU1,2021-01-01,\n", 2, "represents_code",
                   "membership");
}

static void test_represents_must_point_to_a_member_unit(void **state)
{
    fixture *f = *state;
    /* A venue is not a member unit (nor a property company). */
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P2,C1-PC,part_time_member,C1-V1,2022-03-01,\n", 2,
                   "represents_code", "membership");
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P2,C1-PC,part_time_member,NO-SUCH-UNIT,2022-03-01,\n", 2,
                   "represents_code", "membership");
}

static void test_an_end_date_before_the_start_date_is_refused(void **state)
{
    fixture *f = *state;
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,C1-PC,cadre,,2021-01-01,2020-12-31\n", 2, "end_date",
                   "membership");
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,C1-PC,cadre,,2021-01-01,2021-02-30\n", 2, "end_date",
                   "membership");
    /* Ending the day it starts is allowed. */
    assert_int_equal(fx_must_import_csv(&f->d, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,C1-PC,cadre,,2021-01-01,2021-01-01\n"),
                     1);
}

static void test_a_bad_start_date_names_column_start_date(void **state)
{
    fixture *f = *state;
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,C1-PC,cadre,,2021-1-1,\n", 2, "start_date", "membership");
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,C1-PC,cadre,,,\n", 2, "start_date", "membership");
}

static void test_a_start_date_with_a_sign_or_space_in_it_is_refused(void **state)
{
    fixture *f = *state;
    /* Memberships are compared by date as text: "2021-+1-01" would sort
     * before every real date. Only digits may stand where digits go. */
    static const char *const bad[] = {"2021-+1-01", "2021-01- 1", "2021- 1-01", "2021-01-+1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, MEMBERSHIP_HEADER "P1,C1-PC,cadre,,%s,\n", bad[i]);
        tx_err err;
        int n;
        if (fx_import_csv(&f->d, FX_MEMBERSHIPS, text, &n, &err) != -1)
            fail_msg("start_date \"%s\" was accepted as a date", bad[i]);
        assert_string_equal(err.field, "line 2 column start_date");
        assert_int_equal(fx_count(&f->d, "membership"), 0);
    }
}

static void test_an_unknown_person_code_names_column_person_code(void **state)
{
    fixture *f = *state;
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,C1-PC,cadre,,2021-01-01,\nP99,C1-PC,cadre,,2021-01-01,\n", 3,
                   "person_code", "membership");
    expect_refused(f, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P1,NO-SUCH-ORG,cadre,,2021-01-01,\n", 2, "org_code",
                   "membership");
}

static void test_an_error_on_the_last_membership_line_keeps_none_of_the_file(void **state)
{
    fixture *f = *state;
    size_t n = strlen(memberships_csv);
    char *text = malloc(n + 64);
    memcpy(text, memberships_csv, n);
    strcpy(text + n, "P4,C1-PC,cadre,,2023-13-01,\n"); /* line 7 */
    expect_refused(f, FX_MEMBERSHIPS, text, 7, "start_date", "membership");
    assert_int_equal(fx_count(&f->d, "membership"), 0);
    free(text);
}

static void test_importing_the_same_memberships_twice_does_not_duplicate_them(void **state)
{
    fixture *f = *state;
    assert_int_equal(fx_must_import_csv(&f->d, FX_MEMBERSHIPS, memberships_csv), 5);
    size_t len1;
    char *first = fx_export_csv(&f->d, 3, &len1);
    assert_int_equal(fx_must_import_csv(&f->d, FX_MEMBERSHIPS, memberships_csv), 5);
    assert_int_equal(fx_count(&f->d, "membership"), 5);
    size_t len2;
    char *second = fx_export_csv(&f->d, 3, &len2);
    assert_string_equal(first, second);
    free(first);
    free(second);
}

static void test_reimporting_a_membership_with_an_end_date_ends_the_stored_one(void **state)
{
    fixture *f = *state;
    assert_int_equal(fx_must_import_csv(&f->d, FX_MEMBERSHIPS, memberships_csv), 5);
    assert_int_equal(fx_must_import_csv(&f->d, FX_MEMBERSHIPS, MEMBERSHIP_HEADER "P2,C1-PC,part_time_member,C1-MU1,"
                                                                                 "2022-03-01,2025-01-01\n"),
                     1);
    assert_int_equal(fx_count(&f->d, "membership"), 5);
    assert_int_equal(tmpdb_sync_int(f->d.s, "SELECT count(*) FROM membership m JOIN person p ON p.id = m.person_id "
                                            "WHERE p.code = 'P2' AND m.end_date = '2025-01-01'"),
                     1);
}

/* ---- round trips -------------------------------------------------------- */

static void test_a_property_company_managing_hundreds_of_compounds_exports_every_one(void **state)
{
    fixture *f = *state;
    /* 400 compounds (without boundaries) in one grid, all managed by one
     * company: the export must list all 400, or the round trip loses them. */
    enum { N = 400 };
    json_t *doc = json_pack("{s:s, s:[]}", "type", "FeatureCollection", "features");
    json_t *features = json_object_get(doc, "features");
    size_t cap = N * 32 + 256, len = 0;
    char *line = malloc(cap);
    len += (size_t)snprintf(line + len, cap - len, ORG_HEADER "BIG-PM,property_company,,大物业,,C1,,");
    for (int i = 0; i < N; i++) {
        char code[32];
        snprintf(code, sizeof code, "C1-G2-COMPOUND-%04d", i);
        json_array_append_new(features, fx_feature("compound", code, "小区", "C1-G2", NULL));
        len += (size_t)snprintf(line + len, cap - len, "%s%s", i ? ";" : "", code);
    }
    snprintf(line + len, cap - len, ",\n");
    fx_must_import_areas(&f->d, doc);
    json_decref(doc);
    fx_must_import_csv(&f->d, FX_ORGS, line);
    free(line);
    assert_int_equal(fx_count(&f->d, "managed_compound"), N);
    json_t *areas = fx_export_areas(&f->d);
    char *orgs = fx_export_csv(&f->d, 1, NULL);
    fx_db fresh;
    fx_db_open(&fresh);
    fx_must_import_areas(&fresh, areas);
    tx_err err;
    int rc = fx_import_csv(&fresh, FX_ORGS, orgs, NULL, &err);
    int64_t managed = fx_count(&fresh, "managed_compound");
    json_decref(areas);
    free(orgs);
    fx_db_close(&fresh);
    if (rc != 0)
        fail_msg("the organisations export does not import again: %s", err.msg[TX_LANG_EN]);
    if (managed != N)
        fail_msg("exported and imported again, the company manages %lld compounds instead of %d", (long long)managed,
                 N);
}

static void test_small_network_export_import_export_gives_identical_bytes(void **state)
{
    fixture *f = *state;
    fx_must_import_csv(&f->d, FX_MEMBERSHIPS, memberships_csv);
    json_t *areas = fx_export_areas(&f->d);
    char *orgs = fx_export_csv(&f->d, 1, NULL), *people = fx_export_csv(&f->d, 2, NULL),
         *mships = fx_export_csv(&f->d, 3, NULL);
    /* Everything that went in comes out (in some order). */
    assert_int_equal(strlen(orgs), strlen(orgs_csv));
    assert_non_null(strstr(orgs, "C1-PM1,property_company,,西一物业,,C1,C1-MU1,C1-G1-K1;C1-G1-K2,\n"));
    assert_non_null(strstr(orgs, "\"驿站, 一楼\n每周开放\""));
    assert_int_equal(strlen(people), strlen(people_csv));
    assert_int_equal(strlen(mships), strlen(memberships_csv));
    fx_db fresh;
    fx_db_open(&fresh);
    fx_must_import_areas(&fresh, areas);
    fx_must_import_csv(&fresh, FX_ORGS, orgs);
    fx_must_import_csv(&fresh, FX_PEOPLE, people);
    fx_must_import_csv(&fresh, FX_MEMBERSHIPS, mships);
    char *orgs2 = fx_export_csv(&fresh, 1, NULL), *people2 = fx_export_csv(&fresh, 2, NULL),
         *mships2 = fx_export_csv(&fresh, 3, NULL);
    assert_string_equal(orgs, orgs2);
    assert_string_equal(people, people2);
    assert_string_equal(mships, mships2);
    free(orgs);
    free(people);
    free(mships);
    free(orgs2);
    free(people2);
    free(mships2);
    json_decref(areas);
    fx_db_close(&fresh);
}

static void test_demo_street_network_export_import_export_gives_identical_bytes(void **state)
{
    fixture *f = *state;
    demo_street st;
    assert_int_equal(demo_street_generate(1, &st), 0);
    fx_load_demo(&f->d, &st);
    assert_int_equal(fx_count(&f->d, "organisation"), 522);
    json_t *areas = fx_export_areas(&f->d);
    size_t lo, lp, lm;
    char *orgs = fx_export_csv(&f->d, 1, &lo), *people = fx_export_csv(&f->d, 2, &lp),
         *mships = fx_export_csv(&f->d, 3, &lm);
    /* As many bytes of people and memberships as the generator wrote. */
    assert_int_equal(lp, strlen(st.people_csv));
    assert_int_equal(lm, strlen(st.memberships_csv));
    fx_db fresh;
    fx_db_open(&fresh);
    fx_must_import_areas(&fresh, areas);
    fx_must_import_csv(&fresh, FX_ORGS, orgs);
    fx_must_import_csv(&fresh, FX_PEOPLE, people);
    fx_must_import_csv(&fresh, FX_MEMBERSHIPS, mships);
    size_t lo2, lp2, lm2;
    char *orgs2 = fx_export_csv(&fresh, 1, &lo2), *people2 = fx_export_csv(&fresh, 2, &lp2),
         *mships2 = fx_export_csv(&fresh, 3, &lm2);
    assert_int_equal(lo, lo2);
    assert_memory_equal(orgs, orgs2, lo);
    assert_int_equal(lp, lp2);
    assert_memory_equal(people, people2, lp);
    assert_int_equal(lm, lm2);
    assert_memory_equal(mships, mships2, lm);
    free(orgs);
    free(people);
    free(mships);
    free(orgs2);
    free(people2);
    free(mships2);
    json_decref(areas);
    fx_db_close(&fresh);
    demo_street_free(&st);
}

typedef struct {
    char *csv;
    size_t len;
} plain_export;

/* store_person_export_csv without personal data. */
static int export_people_plain(store_conn *c, void *arg, tx_err *err)
{
    plain_export *out = arg;
    return store_person_export_csv(c, 0, 0, &out->csv, &out->len, err);
}

static void test_people_export_without_personal_data_leaves_names_and_phones_empty(void **state)
{
    fixture *f = *state;
    plain_export out = {0};
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_sync(f->d.s, 0, export_people_plain, &out, &err), 0);
    char *text = malloc(out.len + 1);
    assert_non_null(text);
    memcpy(text, out.csv, out.len);
    text[out.len] = '\0';
    assert_string_equal(text, PEOPLE_HEADER "P1,,,1,\nP2,,,0,\nP3,,,1,\nP4,,,0,\n");
    assert_null(strstr(text, "139"));
    free(text);
    free(out.csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_organisations_import_with_their_areas_parents_and_managed_compounds,
                                        setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_organisations_header_must_match_exactly_and_line_1_is_named, setup_areas,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_organisations_header_after_a_byte_order_mark_is_accepted, setup_areas,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_organisations_with_crlf_line_ends_import_the_same, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_member_unit_without_unit_type_names_line_and_column, setup_areas,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unit_type_on_an_organisation_that_is_not_a_member_unit_is_refused,
                                        setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_organisation_kind_names_column_kind, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_area_code_names_line_and_column_area_code, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_parent_code_names_column_parent_code, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_manages_on_an_organisation_that_is_not_a_property_company_is_refused,
                                        setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_manages_naming_a_grid_instead_of_a_compound_is_refused, setup_areas,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_organisation_code_and_missing_name_are_refused, setup_areas,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_line_with_the_wrong_number_of_columns_is_refused_with_its_line,
                                        setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_csv_is_refused_with_the_line_of_the_record, setup_areas,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_error_on_the_last_line_keeps_nothing_of_the_earlier_lines, setup_areas,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reimporting_organisations_replaces_them_by_code, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_people_import_with_names_phones_and_party_flags, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_people_header_must_match_exactly, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_a_bad_phone_number_names_column_phone, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_party_member_must_be_0_or_1, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_a_person_without_a_name_is_refused, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_people_import_is_all_or_nothing, setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_memberships_import_with_roles_units_and_dates, setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_an_unknown_role_names_column_role, setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_a_part_time_member_must_name_the_unit_represented, setup_people,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_only_a_part_time_member_represents_a_unit, setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_represents_must_point_to_a_member_unit, setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_an_end_date_before_the_start_date_is_refused, setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_a_bad_start_date_names_column_start_date, setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_a_start_date_with_a_sign_or_space_in_it_is_refused, setup_people,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_unknown_person_code_names_column_person_code, setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_an_error_on_the_last_membership_line_keeps_none_of_the_file,
                                        setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_importing_the_same_memberships_twice_does_not_duplicate_them,
                                        setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_reimporting_a_membership_with_an_end_date_ends_the_stored_one,
                                        setup_people, teardown),
        cmocka_unit_test_setup_teardown(test_a_property_company_managing_hundreds_of_compounds_exports_every_one,
                                        setup_areas, teardown),
        cmocka_unit_test_setup_teardown(test_small_network_export_import_export_gives_identical_bytes, setup_people,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_demo_street_network_export_import_export_gives_identical_bytes,
                                        setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_people_export_without_personal_data_leaves_names_and_phones_empty,
                                        setup_people, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
