/* Unit tests for src/domain/routing.c: whose duty a report is, and why.
 *
 * The expectations are written from routing.h (and the 御珑名苑 story it
 * tells), not from routing.c: which rule applies is checked by giving every
 * candidate rule a distinct handler or id and asking which one came out;
 * the reasons are checked for the words a resident must read in them, in
 * both languages, and that they are well-formed UTF-8 text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/routing.h"

/* The place: 淡水街道 > 白云社区 > 白云第一网格 > 御珑名苑 (managed by 御珑物业).
 * Other ids are areas the report is not in. */
enum {
    STREET = 3,
    COMMUNITY = 5,
    GRID = 9,
    COMPOUND = 40,
    COMPANY = 70,
    DEPT = 80, /* 惠阳区市政和代建事务中心 */
    OTHER_DEPT = 81,
    OTHER_STREET = 4,
    OTHER_COMMUNITY = 6,
    OTHER_GRID = 10,
    OTHER_COMPOUND = 41,
    CAT = 100, /* the report's category (sewage, say) */
    OTHER_CAT = 101,
};

static const char *const STREET_NAME = "淡水街道";
static const char *const COMMUNITY_NAME = "白云社区";
static const char *const GRID_NAME = "白云第一网格";
static const char *const COMPOUND_NAME = "御珑名苑";
static const char *const COMPANY_NAME = "御珑物业服务有限公司";
static const char *const DEPT_NAME = "惠阳区市政和代建事务中心";

/* ---- places ---- */

/* Inside 御珑名苑's red line; with_company: its property company is on record. */
static tx_route_place inside_compound(int with_company)
{
    tx_route_place p;
    memset(&p, 0, sizeof p);
    p.street = (tx_route_area){STREET, STREET_NAME};
    p.community = (tx_route_area){COMMUNITY, COMMUNITY_NAME};
    p.grid = (tx_route_area){GRID, GRID_NAME};
    p.compound = (tx_route_area){COMPOUND, COMPOUND_NAME};
    p.inside_red_line = 1;
    if (with_company) {
        p.property_company_id = COMPANY;
        p.property_company_name = COMPANY_NAME;
    }
    return p;
}

/* In the grid, outside every red line; named: the reporter named 御珑名苑. */
static tx_route_place outside_compound(int named)
{
    tx_route_place p;
    memset(&p, 0, sizeof p);
    p.street = (tx_route_area){STREET, STREET_NAME};
    p.community = (tx_route_area){COMMUNITY, COMMUNITY_NAME};
    p.grid = (tx_route_area){GRID, GRID_NAME};
    if (named)
        p.named_compound = (tx_route_area){COMPOUND, COMPOUND_NAME};
    return p;
}

/* In the community but in no grid (and outside every red line). */
static tx_route_place no_grid(void)
{
    tx_route_place p = outside_compound(0);
    p.grid = (tx_route_area){0, NULL};
    return p;
}

/* In the street but in no community. */
static tx_route_place no_community(void)
{
    tx_route_place p;
    memset(&p, 0, sizeof p);
    p.street = (tx_route_area){STREET, STREET_NAME};
    return p;
}

/* ---- rules ---- */

static tx_route_rule rule(int64_t id, int64_t category, tx_route_where where, int64_t area, tx_case_handler h,
                          tx_tier tier)
{
    tx_route_rule r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.category_id = category;
    r.where = where;
    r.area_id = area;
    r.handler = h;
    r.tier = tier;
    r.note[0] = "";
    r.note[1] = "";
    if (h == TX_HANDLER_DEPARTMENT) {
        r.org_id = DEPT;
        r.org_name = DEPT_NAME;
    }
    return r;
}

static tx_route_decision decide(const tx_route_place *p, int64_t category, const tx_route_rule *rules, int n)
{
    tx_route_decision d;
    memset(&d, 0xA5, sizeof d); /* garbage: the function must fill everything */
    tx_route_decide(p, category, rules, n, &d);
    return d;
}

/* The id of the rule applied, 0 when none was. */
static int64_t applied(const tx_route_decision *d)
{
    return d->rule ? d->rule->id : 0;
}

static void expect_has(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL)
        fail_msg("expected \"%s\" in the reason \"%s\"", needle, text);
}

static void expect_lacks(const char *text, const char *needle)
{
    if (strstr(text, needle) != NULL)
        fail_msg("did not expect \"%s\" in the reason \"%s\"", needle, text);
}

/* needle a comes before needle b in text (both present). */
static void expect_order(const char *text, const char *a, const char *b)
{
    const char *pa = strstr(text, a), *pb = strstr(text, b);
    if (pa == NULL || pb == NULL || pa >= pb)
        fail_msg("expected \"%s\" before \"%s\" in \"%s\"", a, b, text);
}

/* Well-formed UTF-8 (no truncated or overlong sequences, no surrogates),
 * written out here rather than borrowed from base/utf8. */
static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int extra;
        unsigned min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            min = 0x80;
            c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            min = 0x800;
            c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            min = 0x10000;
            c &= 0x07;
        } else {
            return 0;
        }
        for (int i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        p += extra + 1;
    }
    return 1;
}

/* Every decision: a handler, its id, a valid tier, the owner, reasons. */
static void expect_sane(const tx_route_place *p, const tx_route_decision *d)
{
    assert_int_not_equal(d->handler, TX_HANDLER_NONE);
    assert_true((unsigned)d->handler < TX_HANDLER__COUNT);
    assert_true((unsigned)d->tier < TX_TIER__COUNT);
    assert_int_equal(d->owner_id, p->community.id);
    assert_true(d->reason[0][0] != '\0');
    assert_true(d->reason[1][0] != '\0');
    assert_non_null(memchr(d->reason[0], '\0', sizeof d->reason[0]));
    assert_non_null(memchr(d->reason[1], '\0', sizeof d->reason[1]));
    assert_true(utf8_ok(d->reason[0]));
    assert_true(utf8_ok(d->reason[1]));
    /* the id names the party of the kind (routing.h: area id for the
     * offices, organisation id otherwise) */
    switch (d->handler) {
    case TX_HANDLER_GRID_WORKER:
        assert_int_not_equal(p->grid.id, 0);
        assert_int_equal(d->handler_id, p->grid.id);
        break;
    case TX_HANDLER_COMMUNITY_OFFICE: assert_int_equal(d->handler_id, p->community.id); break;
    case TX_HANDLER_STREET_OFFICE: assert_int_equal(d->handler_id, p->street.id); break;
    case TX_HANDLER_PROPERTY_COMPANY:
        assert_true(p->inside_red_line);
        assert_int_equal(d->handler_id, p->property_company_id);
        break;
    case TX_HANDLER_DEPARTMENT: assert_true(d->handler_id != 0); break;
    default: fail_msg("handler %d", (int)d->handler);
    }
}

/* ---- where codes ---- */

static void test_where_codes_are_stable_and_round_trip(void **state)
{
    (void)state;
    assert_string_equal(tx_route_where_code(TX_WHERE_ANY), "any");
    assert_string_equal(tx_route_where_code(TX_WHERE_INSIDE), "inside");
    assert_string_equal(tx_route_where_code(TX_WHERE_OUTSIDE), "outside");
    for (int w = 0; w < TX_WHERE__COUNT; w++) {
        tx_route_where out = (tx_route_where)-1;
        const char *code = tx_route_where_code((tx_route_where)w);
        assert_non_null(code);
        assert_int_equal(tx_route_where_parse(code, &out), 0);
        assert_int_equal(out, w);
    }
}

static void test_where_rejects_invalid_values_and_codes(void **state)
{
    (void)state;
    assert_null(tx_route_where_code(TX_WHERE__COUNT));
    assert_null(tx_route_where_code((tx_route_where)(TX_WHERE__COUNT + 7)));
    assert_null(tx_route_where_code((tx_route_where)-1));
    static const char *const bad[] = {"",   "ANY", "Inside", "inside ",  " outside", "anywhere",
                                      "in", "out", "none",   "inside\n", "outsid",   "红线内"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tx_route_where out = TX_WHERE_INSIDE;
        if (tx_route_where_parse(bad[i], &out) != -1)
            fail_msg("\"%s\" parsed", bad[i]);
    }
    tx_route_where out = TX_WHERE_INSIDE;
    assert_int_equal(tx_route_where_parse(NULL, &out), -1);
}

/* ---- which rule: specificity ---- */

static void test_a_deeper_area_override_beats_a_shallower_one_and_none(void **state)
{
    (void)state;
    /* the more specific rules have the higher ids, so the lowest-id tie
     * break cannot be what picks them */
    tx_route_rule rules[] = {
        rule(1, 0, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(2, 0, TX_WHERE_ANY, STREET, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(3, 0, TX_WHERE_ANY, COMMUNITY, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(4, 0, TX_WHERE_ANY, GRID, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(5, 0, TX_WHERE_ANY, COMPOUND, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
    };
    tx_route_place in = inside_compound(1), out = outside_compound(1), ng = no_grid();
    tx_route_decision d;
    for (int n = 5; n >= 1; n--) {
        /* with rules 1..n, inside the compound the deepest of them applies */
        d = decide(&in, CAT, rules, n);
        assert_int_equal(applied(&d), n);
    }
    /* outside the red line the compound's rule does not apply (even though
     * the reporter named that compound): the grid's does */
    d = decide(&out, CAT, rules, 5);
    assert_int_equal(applied(&d), 4);
    /* in no grid: the community's */
    d = decide(&ng, CAT, rules, 5);
    assert_int_equal(applied(&d), 3);
    /* the same, whatever the order of the table */
    tx_route_rule reversed[5];
    for (int i = 0; i < 5; i++)
        reversed[i] = rules[4 - i];
    d = decide(&in, CAT, reversed, 5);
    assert_int_equal(applied(&d), 5);
    d = decide(&out, CAT, reversed, 5);
    assert_int_equal(applied(&d), 4);
}

static void test_an_area_override_applies_only_where_the_report_lies(void **state)
{
    (void)state;
    tx_route_rule rules[] = {
        rule(1, 0, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(2, 0, TX_WHERE_ANY, OTHER_STREET, TX_HANDLER_STREET_OFFICE, TX_TIER_STREET),
        rule(3, 0, TX_WHERE_ANY, OTHER_COMMUNITY, TX_HANDLER_COMMUNITY_OFFICE, TX_TIER_COMMUNITY),
        rule(4, 0, TX_WHERE_ANY, OTHER_GRID, TX_HANDLER_COMMUNITY_OFFICE, TX_TIER_COMMUNITY),
        rule(5, 0, TX_WHERE_ANY, OTHER_COMPOUND, TX_HANDLER_STREET_OFFICE, TX_TIER_STREET),
    };
    tx_route_place in = inside_compound(1);
    tx_route_decision d = decide(&in, CAT, rules, 5);
    assert_int_equal(applied(&d), 1);
    assert_int_equal(d.handler, TX_HANDLER_GRID_WORKER);
}

static void test_any_area_override_beats_a_named_category_and_place(void **state)
{
    (void)state;
    tx_route_rule rules[] = {
        rule(1, CAT, TX_WHERE_INSIDE, 0, TX_HANDLER_PROPERTY_COMPANY, TX_TIER_GRID),
        rule(2, 0, TX_WHERE_ANY, STREET, TX_HANDLER_COMMUNITY_OFFICE, TX_TIER_COMMUNITY),
    };
    tx_route_place in = inside_compound(1);
    tx_route_decision d = decide(&in, CAT, rules, 2);
    assert_int_equal(applied(&d), 2);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
}

static void test_a_named_category_beats_any_category_even_with_a_named_place(void **state)
{
    (void)state;
    tx_route_rule rules[] = {
        rule(1, 0, TX_WHERE_INSIDE, 0, TX_HANDLER_PROPERTY_COMPANY, TX_TIER_GRID),
        rule(2, CAT, TX_WHERE_ANY, 0, TX_HANDLER_DEPARTMENT, TX_TIER_COMMUNITY),
    };
    tx_route_place in = inside_compound(1);
    tx_route_decision d = decide(&in, CAT, rules, 2);
    assert_int_equal(applied(&d), 2);
    assert_int_equal(d.handler, TX_HANDLER_DEPARTMENT);
    /* a rule for another category never applies */
    d = decide(&in, OTHER_CAT, rules, 2);
    assert_int_equal(applied(&d), 1);
    tx_route_rule only_other[] = {rule(3, OTHER_CAT, TX_WHERE_ANY, 0, TX_HANDLER_STREET_OFFICE, TX_TIER_STREET)};
    d = decide(&in, CAT, only_other, 1);
    assert_null(d.rule);
    assert_int_equal(d.handler, TX_HANDLER_GRID_WORKER);
}

static void test_a_named_place_beats_any_place_and_applies_only_on_its_side(void **state)
{
    (void)state;
    tx_route_rule rules[] = {
        rule(1, CAT, TX_WHERE_ANY, 0, TX_HANDLER_COMMUNITY_OFFICE, TX_TIER_COMMUNITY),
        rule(2, CAT, TX_WHERE_INSIDE, 0, TX_HANDLER_PROPERTY_COMPANY, TX_TIER_GRID),
        rule(3, CAT, TX_WHERE_OUTSIDE, 0, TX_HANDLER_DEPARTMENT, TX_TIER_COMMUNITY),
    };
    tx_route_place in = inside_compound(1), out = outside_compound(1), plain = outside_compound(0);
    tx_route_decision d = decide(&in, CAT, rules, 3);
    assert_int_equal(applied(&d), 2);
    d = decide(&out, CAT, rules, 3);
    assert_int_equal(applied(&d), 3);
    d = decide(&plain, CAT, rules, 3);
    assert_int_equal(applied(&d), 3);
    /* without the outside rule, a point outside falls to "any" */
    d = decide(&out, CAT, rules, 2);
    assert_int_equal(applied(&d), 1);
    /* an inside-only table does not apply outside at all */
    d = decide(&out, CAT, &rules[1], 1);
    assert_null(d.rule);
    /* an outside-only table does not apply inside */
    d = decide(&in, CAT, &rules[2], 1);
    assert_null(d.rule);
}

static void test_ties_go_to_the_lowest_rule_id_whatever_the_order(void **state)
{
    (void)state;
    tx_route_rule a[] = {
        rule(7, CAT, TX_WHERE_ANY, 0, TX_HANDLER_STREET_OFFICE, TX_TIER_STREET),
        rule(5, CAT, TX_WHERE_ANY, 0, TX_HANDLER_COMMUNITY_OFFICE, TX_TIER_COMMUNITY),
        rule(9, CAT, TX_WHERE_ANY, 0, TX_HANDLER_DEPARTMENT, TX_TIER_COMMUNITY),
    };
    tx_route_place in = inside_compound(1);
    tx_route_decision d = decide(&in, CAT, a, 3);
    assert_int_equal(applied(&d), 5);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
    tx_route_rule b[] = {a[2], a[1], a[0]};
    d = decide(&in, CAT, b, 3);
    assert_int_equal(applied(&d), 5);
    /* a tie among area overrides of the same depth, too */
    tx_route_rule c[] = {
        rule(12, 0, TX_WHERE_ANY, GRID, TX_HANDLER_STREET_OFFICE, TX_TIER_STREET),
        rule(11, 0, TX_WHERE_ANY, GRID, TX_HANDLER_COMMUNITY_OFFICE, TX_TIER_COMMUNITY),
    };
    d = decide(&in, CAT, c, 2);
    assert_int_equal(applied(&d), 11);
}

static void test_the_full_order_of_specificity(void **state)
{
    (void)state;
    /* Eight rules for every combination of (category named?, place named?)
     * × (area override?), all applying inside the compound; removing the
     * winner each time must yield the next one in the order of routing.h:
     * area, then category, then place, then lowest id. */
    tx_route_rule all[] = {
        rule(1, 0, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(2, 0, TX_WHERE_INSIDE, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(3, CAT, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(4, CAT, TX_WHERE_INSIDE, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(5, 0, TX_WHERE_ANY, COMMUNITY, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(6, 0, TX_WHERE_INSIDE, COMMUNITY, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(7, CAT, TX_WHERE_ANY, COMMUNITY, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(8, CAT, TX_WHERE_INSIDE, COMMUNITY, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
        rule(9, 0, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID), /* ties with 1 */
    };
    static const int64_t want[] = {8, 7, 6, 5, 4, 3, 2, 1, 9};
    tx_route_place in = inside_compound(1);
    tx_route_rule left[9];
    int n = 9;
    memcpy(left, all, sizeof all);
    for (int k = 0; k < 9; k++) {
        tx_route_decision d = decide(&in, CAT, left, n);
        if (applied(&d) != want[k])
            fail_msg("step %d: rule %lld applied, want %lld", k, (long long)applied(&d), (long long)want[k]);
        int j = 0;
        for (int i = 0; i < n; i++)
            if (left[i].id != want[k])
                left[j++] = left[i];
        n = j;
    }
    tx_route_decision d = decide(&in, CAT, left, 0);
    assert_null(d.rule);
}

static void test_no_rule_defaults_to_the_grid_worker_and_says_so(void **state)
{
    (void)state;
    tx_route_place in = outside_compound(0);
    tx_route_decision d = decide(&in, CAT, NULL, 0);
    assert_null(d.rule);
    assert_int_equal(d.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(d.handler_id, GRID);
    assert_int_equal(d.tier, TX_TIER_GRID);
    assert_int_equal(d.owner_id, COMMUNITY);
    expect_has(d.reason[0], "没有专门规则");
    expect_has(d.reason[1], "no specific rule");
    expect_has(d.reason[0], GRID_NAME);
    expect_has(d.reason[1], GRID_NAME);
    expect_sane(&in, &d);
    /* and without a grid: the community office */
    tx_route_place ng = no_grid();
    d = decide(&ng, CAT, NULL, 0);
    assert_null(d.rule);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(d.handler_id, COMMUNITY);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
    expect_sane(&ng, &d);
}

/* ---- every handler kind ---- */

static void test_a_grid_worker_rule_goes_to_the_grid_of_the_place_at_the_rules_tier(void **state)
{
    (void)state;
    tx_route_place out = outside_compound(0);
    tx_route_rule r = rule(1, CAT, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID);
    tx_route_decision d = decide(&out, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(d.handler_id, GRID);
    assert_int_equal(d.tier, TX_TIER_GRID);
    assert_ptr_equal(d.rule, &r);
    expect_has(d.reason[1], "grid worker");
    expect_has(d.reason[1], GRID_NAME);
    expect_has(d.reason[0], "网格员");
    expect_sane(&out, &d);
    /* the tier the case starts at is the rule's */
    r.tier = TX_TIER_COMMUNITY;
    d = decide(&out, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
}

static void test_a_community_office_rule_goes_to_the_community_never_below_its_tier(void **state)
{
    (void)state;
    tx_route_place in = inside_compound(1);
    tx_route_rule r = rule(1, CAT, TX_WHERE_ANY, 0, TX_HANDLER_COMMUNITY_OFFICE, TX_TIER_COMMUNITY);
    tx_route_decision d = decide(&in, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(d.handler_id, COMMUNITY);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
    expect_has(d.reason[0], COMMUNITY_NAME);
    expect_has(d.reason[1], COMMUNITY_NAME);
    expect_sane(&in, &d);
    /* the community's office does not work at grid tier */
    r.tier = TX_TIER_GRID;
    d = decide(&in, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
    /* a rule that starts it higher keeps its tier */
    r.tier = TX_TIER_STREET;
    d = decide(&in, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(d.tier, TX_TIER_STREET);
}

static void test_a_street_office_rule_goes_to_the_street_at_street_tier(void **state)
{
    (void)state;
    tx_route_place in = inside_compound(1);
    tx_route_rule r = rule(1, CAT, TX_WHERE_ANY, 0, TX_HANDLER_STREET_OFFICE, TX_TIER_GRID);
    tx_route_decision d = decide(&in, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_STREET_OFFICE);
    assert_int_equal(d.handler_id, STREET);
    assert_int_equal(d.tier, TX_TIER_STREET);
    assert_int_equal(d.owner_id, COMMUNITY); /* the community still owns it */
    expect_has(d.reason[0], "街道");
    expect_has(d.reason[1], "street office");
    expect_sane(&in, &d);
}

static void test_a_property_company_rule_inside_a_managed_compound_goes_to_its_company(void **state)
{
    (void)state;
    tx_route_place in = inside_compound(1);
    tx_route_rule r = rule(1, CAT, TX_WHERE_INSIDE, 0, TX_HANDLER_PROPERTY_COMPANY, TX_TIER_GRID);
    tx_route_decision d = decide(&in, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_PROPERTY_COMPANY);
    assert_int_equal(d.handler_id, COMPANY);
    assert_int_equal(d.tier, TX_TIER_GRID);
    assert_int_equal(d.owner_id, COMMUNITY);
    expect_has(d.reason[0], COMPANY_NAME);
    expect_has(d.reason[1], COMPANY_NAME);
    expect_has(d.reason[0], "红线内");
    expect_has(d.reason[1], "inside the red line of 御珑名苑");
    expect_lacks(d.reason[0], "红线外");
    expect_lacks(d.reason[1], "outside");
    expect_order(d.reason[1], "inside the red line", COMPANY_NAME);
    expect_sane(&in, &d);
    /* a place-any property rule works the same inside */
    r.where = TX_WHERE_ANY;
    d = decide(&in, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_PROPERTY_COMPANY);
    assert_int_equal(d.handler_id, COMPANY);
}

static void test_a_department_rule_is_a_referral_by_the_community_at_community_tier(void **state)
{
    (void)state;
    tx_route_place out = outside_compound(1);
    tx_route_rule r = rule(1, CAT, TX_WHERE_OUTSIDE, 0, TX_HANDLER_DEPARTMENT, TX_TIER_COMMUNITY);
    r.note[0] = "公共污水管网";
    r.note[1] = "public sewer";
    tx_route_decision d = decide(&out, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_DEPARTMENT);
    assert_int_equal(d.handler_id, DEPT);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
    assert_int_equal(d.owner_id, COMMUNITY); /* 首接负责 */
    /* the 御珑名苑 story, in both languages, in order */
    expect_has(d.reason[1], "outside the red line of 御珑名苑");
    expect_has(d.reason[1], "public sewer");
    expect_has(d.reason[1], DEPT_NAME);
    expect_has(d.reason[1], "referred by 白云社区");
    expect_order(d.reason[1], "outside the red line", "public sewer");
    expect_order(d.reason[1], "public sewer", "referred by");
    expect_has(d.reason[0], "御珑名苑");
    expect_has(d.reason[0], "红线外");
    expect_has(d.reason[0], "公共污水管网");
    expect_has(d.reason[0], DEPT_NAME);
    expect_has(d.reason[0], "由白云社区转交");
    expect_order(d.reason[0], "红线外", "公共污水管网");
    /* the notes stay in their own language */
    expect_lacks(d.reason[0], "public sewer");
    expect_lacks(d.reason[1], "公共污水管网");
    expect_sane(&out, &d);
    /* starting at grid tier is not possible for a referral */
    r.tier = TX_TIER_GRID;
    d = decide(&out, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_DEPARTMENT);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
    /* another department: its own id and name */
    r.org_id = OTHER_DEPT;
    r.org_name = "惠阳区城市管理和综合执法局";
    d = decide(&out, CAT, &r, 1);
    assert_int_equal(d.handler_id, OTHER_DEPT);
    expect_has(d.reason[0], "惠阳区城市管理和综合执法局");
    expect_lacks(d.reason[0], DEPT_NAME);
    /* in no grid too: still the department, referred by the community */
    tx_route_place ng = no_grid();
    d = decide(&ng, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_DEPARTMENT);
    assert_int_equal(d.handler_id, OTHER_DEPT);
    expect_has(d.reason[1], "referred by 白云社区");
}

/* ---- fallbacks ---- */

static void test_property_duty_outside_a_red_line_falls_back_to_the_grid_worker(void **state)
{
    (void)state;
    /* a place-any property rule, and the reporter named the compound but
     * the point is outside its red line: not the company's duty */
    tx_route_place out = outside_compound(1);
    tx_route_rule r = rule(1, CAT, TX_WHERE_ANY, 0, TX_HANDLER_PROPERTY_COMPANY, TX_TIER_GRID);
    tx_route_decision d = decide(&out, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(d.handler_id, GRID);
    assert_int_equal(d.tier, TX_TIER_GRID);
    expect_has(d.reason[1], "outside the red line of 御珑名苑");
    expect_has(d.reason[1], "not the property company's duty");
    expect_has(d.reason[1], "grid worker");
    expect_order(d.reason[1], "outside the red line of 御珑名苑", "not the property company's duty");
    expect_order(d.reason[1], "not the property company's duty", "grid worker");
    expect_has(d.reason[0], "红线外");
    expect_has(d.reason[0], "御珑名苑");
    expect_has(d.reason[0], "不属于物业公司的职责");
    expect_has(d.reason[0], "网格员");
    expect_sane(&out, &d);
    /* a compound on record for the company does not matter outside */
    out.property_company_id = COMPANY;
    out.property_company_name = COMPANY_NAME;
    d = decide(&out, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(d.handler_id, GRID);
    /* outside and in no grid: the community office */
    tx_route_place ng = no_grid();
    d = decide(&ng, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(d.handler_id, COMMUNITY);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
    expect_has(d.reason[1], "not the property company's duty");
    expect_has(d.reason[1], "in no grid");
    expect_sane(&ng, &d);
}

static void test_a_compound_without_a_company_on_record_falls_back_to_the_grid_worker(void **state)
{
    (void)state;
    tx_route_place in = inside_compound(0);
    tx_route_rule r = rule(1, CAT, TX_WHERE_INSIDE, 0, TX_HANDLER_PROPERTY_COMPANY, TX_TIER_GRID);
    tx_route_decision d = decide(&in, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(d.handler_id, GRID);
    assert_int_equal(d.tier, TX_TIER_GRID);
    assert_ptr_equal(d.rule, &r); /* the rule applied, but could not be followed */
    expect_has(d.reason[1], "no property company on record");
    expect_has(d.reason[0], "没有登记物业公司");
    expect_has(d.reason[1], "inside the red line of 御珑名苑");
    expect_sane(&in, &d);
    /* a compound in no grid, without a company: the community office */
    in.grid = (tx_route_area){0, NULL};
    d = decide(&in, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(d.handler_id, COMMUNITY);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
    expect_sane(&in, &d);
}

static void test_a_grid_duty_where_there_is_no_grid_goes_to_the_community_office(void **state)
{
    (void)state;
    tx_route_place ng = no_grid();
    tx_route_rule r = rule(1, CAT, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID);
    tx_route_decision d = decide(&ng, CAT, &r, 1);
    assert_int_equal(d.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(d.handler_id, COMMUNITY);
    assert_int_equal(d.tier, TX_TIER_COMMUNITY);
    expect_has(d.reason[1], "in no grid");
    expect_has(d.reason[1], COMMUNITY_NAME);
    expect_has(d.reason[0], "不属于任何网格");
    expect_sane(&ng, &d);
}

static void test_a_place_in_no_community_goes_to_the_street_triage_whatever_the_rules(void **state)
{
    (void)state;
    tx_route_place nc = no_community();
    tx_route_rule rules[] = {
        rule(1, CAT, TX_WHERE_ANY, 0, TX_HANDLER_DEPARTMENT, TX_TIER_COMMUNITY),
        rule(2, CAT, TX_WHERE_ANY, STREET, TX_HANDLER_PROPERTY_COMPANY, TX_TIER_GRID),
        rule(3, 0, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID),
    };
    for (int n = 0; n <= 3; n++) {
        tx_route_decision d = decide(&nc, CAT, rules, n);
        assert_int_equal(d.handler, TX_HANDLER_STREET_OFFICE);
        assert_int_equal(d.handler_id, STREET);
        assert_int_equal(d.tier, TX_TIER_STREET);
        assert_int_equal(d.owner_id, 0);
        assert_null(d.rule);
        expect_has(d.reason[1], "no community");
        expect_has(d.reason[1], "street office");
        expect_has(d.reason[0], "不在本街道任何社区");
        expect_has(d.reason[0], "街道");
        expect_sane(&nc, &d);
    }
}

/* ---- reasons ---- */

static void test_the_reason_names_where_the_report_lies(void **state)
{
    (void)state;
    tx_route_rule r = rule(1, 0, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID);
    /* inside the red line */
    tx_route_place p = inside_compound(1);
    tx_route_decision d = decide(&p, CAT, &r, 1);
    expect_has(d.reason[0], "御珑名苑");
    expect_has(d.reason[0], "红线内");
    expect_has(d.reason[1], "inside the red line of 御珑名苑");
    expect_has(d.reason[0], COMMUNITY_NAME);
    /* outside the named compound */
    p = outside_compound(1);
    d = decide(&p, CAT, &r, 1);
    expect_has(d.reason[0], "御珑名苑");
    expect_has(d.reason[0], "红线外");
    expect_lacks(d.reason[0], "红线内");
    expect_has(d.reason[1], "outside the red line of 御珑名苑");
    /* outside, no compound named: the grid and community, outside any red line */
    p = outside_compound(0);
    d = decide(&p, CAT, &r, 1);
    expect_lacks(d.reason[0], "御珑名苑");
    expect_lacks(d.reason[1], "御珑名苑");
    expect_has(d.reason[0], GRID_NAME);
    expect_has(d.reason[1], "outside any compound's red line");
    expect_has(d.reason[1], GRID_NAME);
    /* no grid */
    p = no_grid();
    d = decide(&p, CAT, &r, 1);
    expect_has(d.reason[1], "in no grid");
    expect_has(d.reason[0], "不在任何网格");
    /* the reporter named the compound and the point is in another one's
     * red line: the reason names the one it is in */
    p = inside_compound(1);
    p.named_compound = (tx_route_area){OTHER_COMPOUND, "金湖豪庭"};
    d = decide(&p, CAT, &r, 1);
    expect_has(d.reason[1], "inside the red line of 御珑名苑");
    expect_lacks(d.reason[1], "outside the red line");
}

static void test_the_rules_note_is_part_of_the_reason_in_each_language(void **state)
{
    (void)state;
    tx_route_place out = outside_compound(0);
    tx_route_rule r = rule(1, CAT, TX_WHERE_ANY, 0, TX_HANDLER_GRID_WORKER, TX_TIER_GRID);
    r.note[0] = "网格员先行劝导";
    r.note[1] = "the grid worker talks to those responsible first";
    tx_route_decision d = decide(&out, CAT, &r, 1);
    expect_has(d.reason[0], "网格员先行劝导");
    expect_has(d.reason[1], "the grid worker talks to those responsible first");
    expect_lacks(d.reason[0], "talks to");
    expect_lacks(d.reason[1], "先行劝导");
    /* "no specific rule" is for when there is none */
    expect_lacks(d.reason[1], "no specific rule");
    expect_lacks(d.reason[0], "没有专门规则");
    /* an empty note adds nothing but the decision */
    r.note[0] = r.note[1] = "";
    tx_route_decision e = decide(&out, CAT, &r, 1);
    assert_true(strlen(e.reason[0]) < strlen(d.reason[0]));
    assert_true(strlen(e.reason[1]) < strlen(d.reason[1]));
    expect_sane(&out, &e);
}

static void test_reasons_stay_well_formed_utf8_with_the_longest_names_and_notes(void **state)
{
    (void)state;
    /* Area and organisation names may be 100 characters (the importers'
     * limit) and a rule's note 200 (io_parse_rule's); zh text is 3 bytes a
     * character. Whatever does not fit must not leave half a character:
     * the reason is stored and served as JSON text. Shift the alignment
     * with 0-2 ASCII letters in front so that a cut cannot land on a
     * character boundary by luck every time. */
    char names[4][400], note_zh[700], note_en[300];
    for (int shift = 0; shift < 3; shift++) {
        for (int k = 0; k < 4; k++) {
            char *s = names[k];
            int i = 0;
            for (; i < shift; i++)
                s[i] = 'A';
            size_t len = (size_t)i;
            for (int c = shift; c < 100; c++) {
                memcpy(s + len, k == 0 ? "御" : k == 1 ? "珑" : k == 2 ? "白" : "云", 3);
                len += 3;
            }
            s[len] = '\0';
        }
        size_t len = 0;
        for (int i = 0; i < shift; i++)
            note_zh[len++] = 'n';
        for (int c = shift; c < 200; c++) {
            memcpy(note_zh + len, "管", 3);
            len += 3;
        }
        note_zh[len] = '\0';
        memset(note_en, 'e', 200);
        note_en[200] = '\0';

        tx_route_place places[4];
        places[0] = inside_compound(1);
        places[1] = outside_compound(1);
        places[2] = no_grid();
        places[3] = inside_compound(0);
        for (int pi = 0; pi < 4; pi++) {
            tx_route_place *p = &places[pi];
            p->street.name = names[3];
            p->community.name = names[2];
            if (p->grid.id)
                p->grid.name = names[1];
            if (p->compound.id)
                p->compound.name = names[0];
            if (p->named_compound.id)
                p->named_compound.name = names[0];
            if (p->property_company_id)
                p->property_company_name = names[1];
            for (int h = TX_HANDLER_GRID_WORKER; h < TX_HANDLER__COUNT; h++) {
                tx_route_rule r = rule(1, CAT, TX_WHERE_ANY, 0, (tx_case_handler)h, TX_TIER_GRID);
                r.note[0] = note_zh;
                r.note[1] = note_en;
                if (h == TX_HANDLER_DEPARTMENT)
                    r.org_name = names[3];
                tx_route_decision d = decide(p, CAT, &r, 1);
                if (!utf8_ok(d.reason[0]) || !utf8_ok(d.reason[1]))
                    fail_msg("place %d, handler %s, shift %d: a reason is not well-formed UTF-8 (%zu/%zu bytes)", pi,
                             tx_case_handler_code((tx_case_handler)h), shift, strlen(d.reason[0]), strlen(d.reason[1]));
                expect_sane(p, &d);
            }
        }
    }
}

/* ---- never NONE ---- */

static void test_every_table_and_place_yields_a_handler(void **state)
{
    (void)state;
    tx_route_place places[] = {inside_compound(1),  inside_compound(0), outside_compound(1),
                               outside_compound(0), no_grid(),          no_community()};
    /* every handler value a table could hold, NONE and nonsense included */
    int handlers[] = {
        TX_HANDLER_NONE,       TX_HANDLER_GRID_WORKER,   TX_HANDLER_COMMUNITY_OFFICE, TX_HANDLER_PROPERTY_COMPANY,
        TX_HANDLER_DEPARTMENT, TX_HANDLER_STREET_OFFICE, TX_HANDLER__COUNT,           77};
    int checked = 0;
    for (size_t pi = 0; pi < sizeof places / sizeof places[0]; pi++)
        for (size_t hi = 0; hi < sizeof handlers / sizeof handlers[0]; hi++)
            for (int t = 0; t < TX_TIER__COUNT; t++)
                for (int w = 0; w < TX_WHERE__COUNT; w++) {
                    tx_route_rule r = rule(1, 0, (tx_route_where)w, 0, (tx_case_handler)handlers[hi], (tx_tier)t);
                    if (handlers[hi] == TX_HANDLER_DEPARTMENT) {
                        r.org_id = DEPT;
                        r.org_name = DEPT_NAME;
                    }
                    tx_route_decision d = decide(&places[pi], CAT, &r, 1);
                    expect_sane(&places[pi], &d);
                    checked++;
                }
    assert_int_equal(checked, 6 * 8 * 3 * 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_where_codes_are_stable_and_round_trip),
        cmocka_unit_test(test_where_rejects_invalid_values_and_codes),
        cmocka_unit_test(test_a_deeper_area_override_beats_a_shallower_one_and_none),
        cmocka_unit_test(test_an_area_override_applies_only_where_the_report_lies),
        cmocka_unit_test(test_any_area_override_beats_a_named_category_and_place),
        cmocka_unit_test(test_a_named_category_beats_any_category_even_with_a_named_place),
        cmocka_unit_test(test_a_named_place_beats_any_place_and_applies_only_on_its_side),
        cmocka_unit_test(test_ties_go_to_the_lowest_rule_id_whatever_the_order),
        cmocka_unit_test(test_the_full_order_of_specificity),
        cmocka_unit_test(test_no_rule_defaults_to_the_grid_worker_and_says_so),
        cmocka_unit_test(test_a_grid_worker_rule_goes_to_the_grid_of_the_place_at_the_rules_tier),
        cmocka_unit_test(test_a_community_office_rule_goes_to_the_community_never_below_its_tier),
        cmocka_unit_test(test_a_street_office_rule_goes_to_the_street_at_street_tier),
        cmocka_unit_test(test_a_property_company_rule_inside_a_managed_compound_goes_to_its_company),
        cmocka_unit_test(test_a_department_rule_is_a_referral_by_the_community_at_community_tier),
        cmocka_unit_test(test_property_duty_outside_a_red_line_falls_back_to_the_grid_worker),
        cmocka_unit_test(test_a_compound_without_a_company_on_record_falls_back_to_the_grid_worker),
        cmocka_unit_test(test_a_grid_duty_where_there_is_no_grid_goes_to_the_community_office),
        cmocka_unit_test(test_a_place_in_no_community_goes_to_the_street_triage_whatever_the_rules),
        cmocka_unit_test(test_the_reason_names_where_the_report_lies),
        cmocka_unit_test(test_the_rules_note_is_part_of_the_reason_in_each_language),
        cmocka_unit_test(test_reasons_stay_well_formed_utf8_with_the_longest_names_and_notes),
        cmocka_unit_test(test_every_table_and_place_yields_a_handler),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
