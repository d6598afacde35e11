/* Unit tests for src/domain/case_metrics.c: what one case adds to the
 * service figures, the rows it counts in, folding its events, and the rates
 * — read as the definitions of docs/METRICS.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/calendar.h"
#include "domain/case_metrics.h"

enum {
    STREET = 101,
    COMMUNITY = 201,
    OTHER_COMMUNITY = 202,
    GRID = 301,
    PROPERTY = 501,
    OTHER_PROPERTY = 502,
    DEPT = 601,
    OTHER_DEPT = 602,
    CATEGORY = 7,
};

#define MINUTE 60000LL
#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define T0 1773626400000LL /* 2026-03-16T10:00:00+08:00 */

/* A fresh web report at grid tier in GRID of COMMUNITY of STREET, due to be
 * contacted within 4 hours and resolved within 5 days. */
static tx_cm_case a_case(tx_case_state s)
{
    tx_cm_case c;
    tx_cm_case_init(&c);
    c.submitted_at = T0;
    c.category_id = CATEGORY;
    c.street_id = STREET;
    c.community_id = COMMUNITY;
    c.grid_id = GRID;
    c.channel = TX_CM_CH_WEB;
    c.state = s;
    c.due_contact = T0 + 4 * HOUR;
    c.due_resolve = T0 + 5 * DAY;
    return c;
}

static tx_cm_counts contribution(const tx_cm_case *c)
{
    tx_cm_counts v;
    tx_cm_contribution(c, &v);
    return v;
}

/* The counters of v that are 1, as "received,valid,…" (everything else must
 * be 0), so a test states the whole vector. */
static void assert_ones(const tx_cm_counts *v, const char *expected)
{
    char got[1024] = "";
    for (int k = 0; k < TX_CM__COUNT; k++) {
        if (v->n[k] != 0 && v->n[k] != 1)
            fail_msg("counter %s is %lld, not 0 or 1", tx_cm_counter_code((tx_cm_counter)k), (long long)v->n[k]);
        if (v->n[k]) {
            if (*got)
                strcat(got, ",");
            strcat(got, tx_cm_counter_code((tx_cm_counter)k));
        }
    }
    assert_string_equal(got, expected);
}

/* ---- vocabulary ---- */

static void test_counter_codes_are_unique_and_parse_back(void **state)
{
    (void)state;
    for (int k = 0; k < TX_CM__COUNT; k++) {
        const char *code = tx_cm_counter_code((tx_cm_counter)k);
        assert_non_null(code);
        tx_cm_counter back;
        assert_int_equal(tx_cm_counter_parse(code, &back), 0);
        assert_int_equal(back, k);
        for (int j = 0; j < k; j++)
            assert_string_not_equal(code, tx_cm_counter_code((tx_cm_counter)j));
    }
    assert_null(tx_cm_counter_code(TX_CM__COUNT));
    tx_cm_counter out;
    assert_int_equal(tx_cm_counter_parse("nonsense", &out), -1);
    assert_int_equal(tx_cm_counter_parse(NULL, &out), -1);
}

static void test_state_and_channel_counters_are_named_after_their_codes(void **state)
{
    (void)state;
    char name[64];
    for (int s = 0; s < TX_CASE__STATE_COUNT; s++) {
        snprintf(name, sizeof name, "state_%s", tx_case_state_code((tx_case_state)s));
        assert_string_equal(tx_cm_counter_code((tx_cm_counter)(TX_CM_STATE_SUBMITTED + s)), name);
    }
    for (int ch = 0; ch < TX_CM_CH__COUNT; ch++) {
        snprintf(name, sizeof name, "channel_%s", tx_cm_channel_code((tx_cm_channel)ch));
        assert_string_equal(tx_cm_counter_code((tx_cm_counter)(TX_CM_CHANNEL_WEB + ch)), name);
    }
}

static void test_channel_codes_match_the_schema_and_have_names(void **state)
{
    (void)state;
    static const char *const codes[] = {"web", "open311", "hotline", "staff", "patrol"}; /* cases.channel CHECK */
    for (int i = 0; i < 5; i++) {
        tx_cm_channel ch;
        assert_int_equal(tx_cm_channel_parse(codes[i], &ch), 0);
        assert_int_equal(ch, i);
        assert_non_null(tx_cm_channel_name(ch, 0));
        assert_non_null(tx_cm_channel_name(ch, 1));
    }
    tx_cm_channel ch;
    assert_int_equal(tx_cm_channel_parse("fax", &ch), -1);
    assert_null(tx_cm_channel_code(TX_CM_CH__COUNT));
}

static void test_rate_codes_and_names(void **state)
{
    (void)state;
    static const char *const codes[] = {"response", "resolution", "completion", "satisfaction",
                                        "on_time",  "grid_closure", "community_closure"};
    for (int i = 0; i < TX_CM_RATE__COUNT; i++) {
        assert_string_equal(tx_cm_rate_code((tx_cm_rate_kind)i), codes[i]);
        tx_cm_rate_kind k;
        assert_int_equal(tx_cm_rate_parse(codes[i], &k), 0);
        assert_int_equal(k, i);
    }
    assert_string_equal(tx_cm_rate_name(TX_CM_RATE_RESPONSE, 0), "响应率");
    assert_string_equal(tx_cm_rate_name(TX_CM_RATE_RESOLUTION, 0), "解决率");
    assert_string_equal(tx_cm_rate_name(TX_CM_RATE_SATISFACTION, 0), "满意率");
    assert_string_equal(tx_cm_rate_name(TX_CM_RATE_COMPLETION, 0), "办结率");
    assert_string_equal(tx_cm_rate_name(TX_CM_RATE_ON_TIME, 0), "按时办结率");
}

/* ---- the local day ---- */

static void test_a_case_is_counted_on_its_local_day_in_utc_plus_8(void **state)
{
    (void)state;
    int32_t d16, d15;
    assert_int_equal(tx_cal_parse_date("2026-03-16", &d16), 0);
    assert_int_equal(tx_cal_parse_date("2026-03-15", &d15), 0);
    int64_t midnight = (int64_t)d16 * DAY - 8 * HOUR; /* 2026-03-16T00:00:00+08:00 */
    assert_int_equal(tx_cm_day(T0), d16);
    assert_int_equal(tx_cm_day(midnight), d16);
    assert_int_equal(tx_cm_day(midnight - 1), d15); /* 23:59:59.999 the day before */
    assert_int_equal(tx_cm_day(midnight + DAY - 1), d16);
    assert_int_equal(tx_cm_day(midnight + DAY), d16 + 1);
    /* 1970-01-01T00:00:00Z is 08:00 local on day 0; the local midnight
     * before it is day 0 too, an instant before that is day -1 */
    assert_int_equal(tx_cm_day(0), 0);
    assert_int_equal(tx_cm_day(-8 * HOUR), 0);
    assert_int_equal(tx_cm_day(-8 * HOUR - 1), -1);
}

/* ---- one case's contribution ---- */

static void test_every_state_counts_in_received_its_state_and_its_channel(void **state)
{
    (void)state;
    static const char *const expected[TX_CASE__STATE_COUNT] = {
        [TX_CASE_SUBMITTED] = "received,valid,state_submitted,channel_web",
        [TX_CASE_ACCEPTED] = "received,valid,state_accepted,channel_web",
        [TX_CASE_DISPATCHED] = "received,valid,state_dispatched,channel_web",
        [TX_CASE_IN_PROGRESS] = "received,valid,state_in_progress,channel_web",
        [TX_CASE_RESOLVED] = "received,valid,state_resolved,channel_web",
        [TX_CASE_CLOSED] = "received,valid,state_closed,channel_web",
        [TX_CASE_RETURNED] = "received,valid,state_returned,channel_web",
        [TX_CASE_REOPENED] = "received,valid,state_reopened,channel_web",
        /* valid = received − merged − invalid */
        [TX_CASE_MERGED] = "received,state_merged,channel_web",
        [TX_CASE_INVALID] = "received,state_invalid,channel_web",
    };
    for (int s = 0; s < TX_CASE__STATE_COUNT; s++) {
        tx_cm_case c = a_case((tx_case_state)s);
        tx_cm_counts v = contribution(&c);
        assert_ones(&v, expected[s]);
    }
}

static void test_every_channel_counts_once(void **state)
{
    (void)state;
    for (int ch = 0; ch < TX_CM_CH__COUNT; ch++) {
        tx_cm_case c = a_case(TX_CASE_SUBMITTED);
        c.channel = (tx_cm_channel)ch;
        tx_cm_counts v = contribution(&c);
        int sum = 0;
        for (int k = TX_CM_CHANNEL_WEB; k <= TX_CM_CHANNEL_PATROL; k++)
            sum += (int)v.n[k];
        assert_int_equal(sum, 1);
        assert_int_equal(v.n[TX_CM_CHANNEL_WEB + ch], 1);
    }
}

static void test_unknown_state_or_channel_counts_as_received_only(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE__STATE_COUNT);
    c.channel = TX_CM_CH__COUNT;
    c.contacted_at = T0 + HOUR;
    tx_cm_counts v = contribution(&c);
    assert_ones(&v, "received");
}

static void test_merged_and_invalid_cases_count_in_nothing_else(void **state)
{
    (void)state;
    tx_case_state finals[] = {TX_CASE_MERGED, TX_CASE_INVALID};
    for (int i = 0; i < 2; i++) {
        tx_cm_case c = a_case(finals[i]);
        /* whatever else the snapshot says */
        c.contacted_at = T0 + HOUR;
        c.resolved_at = T0 + DAY;
        c.resolved_tier = TX_TIER_GRID;
        c.solved = TX_SOLVED_YES;
        c.satisfaction = TX_SAT_SATISFIED;
        c.handler = TX_HANDLER_PROPERTY_COMPANY;
        c.handler_id = PROPERTY;
        tx_cm_counts v = contribution(&c);
        assert_int_equal(v.n[TX_CM_RECEIVED], 1);
        assert_int_equal(v.n[TX_CM_VALID], 0);
        assert_int_equal(v.n[TX_CM_CONTACTED], 0);
        assert_int_equal(v.n[TX_CM_RESOLVED], 0);
        assert_int_equal(v.n[TX_CM_RATED], 0);
    }
}

/* 响应率: "cases whose first contact happened at or before due_contact". */
static void test_contact_at_the_deadline_is_on_time_one_ms_later_is_late(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_IN_PROGRESS);
    tx_cm_counts v = contribution(&c);
    assert_ones(&v, "received,valid,state_in_progress,channel_web"); /* not contacted: neither */
    c.contacted_at = c.due_contact;
    v = contribution(&c);
    assert_ones(&v, "received,valid,state_in_progress,channel_web,contacted,responded_on_time");
    c.contacted_at = c.due_contact + 1;
    v = contribution(&c);
    assert_ones(&v, "received,valid,state_in_progress,channel_web,contacted");
    c.contacted_at = T0 + MINUTE;
    v = contribution(&c);
    assert_int_equal(v.n[TX_CM_RESPONDED_ON_TIME], 1);
}

static void test_resolve_at_the_deadline_is_on_time_one_ms_later_is_late(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_RESOLVED);
    c.resolved_at = c.due_resolve;
    c.resolved_tier = TX_TIER_COMMUNITY;
    tx_cm_counts v = contribution(&c);
    assert_ones(&v, "received,valid,state_resolved,channel_web,resolved,resolved_on_time,resolved_in_community");
    c.resolved_at = c.due_resolve + 1;
    v = contribution(&c);
    assert_ones(&v, "received,valid,state_resolved,channel_web,resolved,resolved_in_community");
}

/* 小事不出网格，大事不出社区 */
static void test_resolved_at_grid_tier_and_without_leaving_the_community(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_CLOSED);
    c.resolved_at = T0 + DAY;
    c.resolved_tier = TX_TIER_GRID;
    tx_cm_counts v = contribution(&c);
    assert_int_equal(v.n[TX_CM_RESOLVED_AT_GRID], 1);
    assert_int_equal(v.n[TX_CM_RESOLVED_IN_COMMUNITY], 1);
    c.resolved_tier = TX_TIER_COMMUNITY;
    v = contribution(&c);
    assert_int_equal(v.n[TX_CM_RESOLVED_AT_GRID], 0);
    assert_int_equal(v.n[TX_CM_RESOLVED_IN_COMMUNITY], 1);
    /* referred to a department, resolved back in the community: it left */
    c.left_community = 1;
    v = contribution(&c);
    assert_int_equal(v.n[TX_CM_RESOLVED_AT_GRID], 0);
    assert_int_equal(v.n[TX_CM_RESOLVED_IN_COMMUNITY], 0);
    c.resolved_tier = TX_TIER_STREET;
    v = contribution(&c);
    assert_int_equal(v.n[TX_CM_RESOLVED], 1);
    assert_int_equal(v.n[TX_CM_RESOLVED_AT_GRID], 0);
    assert_int_equal(v.n[TX_CM_RESOLVED_IN_COMMUNITY], 0);
}

static void test_a_reopened_case_still_counts_its_latest_resolve(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_REOPENED);
    c.resolved_at = T0 + 2 * DAY;
    c.resolved_tier = TX_TIER_GRID;
    c.solved = TX_SOLVED_NO;
    c.satisfaction = TX_SAT_UNSATISFIED;
    tx_cm_counts v = contribution(&c);
    assert_ones(&v, "received,valid,state_reopened,channel_web,resolved,resolved_on_time,resolved_at_grid,"
                    "resolved_in_community,rated,unsatisfied");
}

static void test_every_rating_answer(void **state)
{
    (void)state;
    for (int s = 0; s < TX_SOLVED__COUNT; s++)
        for (int t = 0; t < TX_SAT__COUNT; t++) {
            tx_cm_case c = a_case(TX_CASE_CLOSED);
            c.solved = (tx_case_solved)s;
            c.satisfaction = (tx_case_satisfaction)t;
            tx_cm_counts v = contribution(&c);
            int rated = s != TX_SOLVED_UNANSWERED && t != TX_SAT_UNANSWERED;
            assert_int_equal(v.n[TX_CM_RATED], rated);
            assert_int_equal(v.n[TX_CM_SOLVED_YES], rated && s == TX_SOLVED_YES);
            assert_int_equal(v.n[TX_CM_SATISFIED], rated && t == TX_SAT_SATISFIED);
            assert_int_equal(v.n[TX_CM_BASICALLY_SATISFIED], rated && t == TX_SAT_BASICALLY_SATISFIED);
            assert_int_equal(v.n[TX_CM_UNSATISFIED], rated && t == TX_SAT_UNSATISFIED);
        }
}

/* ---- rows ---- */

static int has_row(const tx_cm_row *rows, int n, int64_t org, int64_t area)
{
    for (int i = 0; i < n; i++)
        if (rows[i].org_id == org && rows[i].area_id == area)
            return 1;
    return 0;
}

static void test_a_case_counts_in_its_street_community_and_grid_on_its_day(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_ACCEPTED);
    tx_cm_row rows[TX_CM_MAX_ROWS];
    int n = tx_cm_rows(&c, rows);
    assert_int_equal(n, 3);
    assert_true(has_row(rows, n, 0, STREET) && has_row(rows, n, 0, COMMUNITY) && has_row(rows, n, 0, GRID));
    for (int i = 0; i < n; i++) {
        assert_int_equal(rows[i].day, tx_cm_day(T0));
        assert_int_equal(rows[i].category_id, CATEGORY);
    }
}

static void test_a_case_outside_every_area_counts_under_area_0(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_SUBMITTED);
    c.grid_id = 0;
    c.community_id = 0;
    c.street_id = 0;
    tx_cm_row rows[TX_CM_MAX_ROWS];
    assert_int_equal(tx_cm_rows(&c, rows), 1);
    assert_true(has_row(rows, 1, 0, 0));
    /* no grid: street and community */
    c = a_case(TX_CASE_SUBMITTED);
    c.grid_id = 0;
    assert_int_equal(tx_cm_rows(&c, rows), 2);
    assert_true(has_row(rows, 2, 0, STREET) && has_row(rows, 2, 0, COMMUNITY));
}

static void test_offices_have_no_organisation_rows(void **state)
{
    (void)state;
    tx_case_handler offices[] = {TX_HANDLER_NONE, TX_HANDLER_GRID_WORKER, TX_HANDLER_COMMUNITY_OFFICE,
                                 TX_HANDLER_STREET_OFFICE};
    for (int i = 0; i < 4; i++) {
        tx_cm_case c = a_case(TX_CASE_DISPATCHED);
        c.handler = offices[i];
        c.handler_id = offices[i] == TX_HANDLER_NONE ? 0 : COMMUNITY;
        tx_cm_row rows[TX_CM_MAX_ROWS];
        int n = tx_cm_rows(&c, rows);
        assert_int_equal(n, 3);
        for (int j = 0; j < n; j++)
            assert_int_equal(rows[j].org_id, 0);
    }
}

static void test_the_property_company_handling_it_counts_it_at_its_community(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_IN_PROGRESS);
    c.handler = TX_HANDLER_PROPERTY_COMPANY;
    c.handler_id = PROPERTY;
    tx_cm_row rows[TX_CM_MAX_ROWS];
    int n = tx_cm_rows(&c, rows);
    assert_int_equal(n, 4);
    assert_true(has_row(rows, n, PROPERTY, COMMUNITY));
    /* without a community: at its street; without either: area 0 */
    c.community_id = 0;
    n = tx_cm_rows(&c, rows);
    assert_true(has_row(rows, n, PROPERTY, STREET));
    c.street_id = 0;
    n = tx_cm_rows(&c, rows);
    assert_true(has_row(rows, n, PROPERTY, 0));
}

static void test_a_department_counts_what_it_handles_and_what_was_referred_to_it(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_DISPATCHED);
    c.handler = TX_HANDLER_DEPARTMENT;
    c.handler_id = DEPT;
    c.department_id = DEPT;
    tx_cm_row rows[TX_CM_MAX_ROWS];
    int n = tx_cm_rows(&c, rows);
    assert_int_equal(n, 4); /* one row, though it is both handler and referred */
    assert_true(has_row(rows, n, DEPT, COMMUNITY));
    /* reported back: the community handles it; the department keeps it */
    c.handler = TX_HANDLER_COMMUNITY_OFFICE;
    c.handler_id = COMMUNITY;
    n = tx_cm_rows(&c, rows);
    assert_int_equal(n, 4);
    assert_true(has_row(rows, n, DEPT, COMMUNITY));
    /* then given to a property company: both count it */
    c.handler = TX_HANDLER_PROPERTY_COMPANY;
    c.handler_id = PROPERTY;
    n = tx_cm_rows(&c, rows);
    assert_int_equal(n, TX_CM_MAX_ROWS);
    assert_true(has_row(rows, n, DEPT, COMMUNITY) && has_row(rows, n, PROPERTY, COMMUNITY));
}

static void test_rows_are_distinct_when_ids_coincide(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_SUBMITTED);
    c.grid_id = COMMUNITY; /* bad data: the same area twice */
    tx_cm_row rows[TX_CM_MAX_ROWS];
    assert_int_equal(tx_cm_rows(&c, rows), 2);
}

/* ---- changes between two snapshots ---- */

static void test_a_new_case_adds_its_vector_to_each_row(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_SUBMITTED);
    tx_cm_row rows[TX_CM_MAX_ROWS];
    int n = tx_cm_rows(&c, rows);
    tx_cm_counts v = contribution(&c);
    tx_cm_change ch[2 * TX_CM_MAX_ROWS];
    assert_int_equal(tx_cm_changes(NULL, 0, NULL, rows, n, &v, ch), 3);
    for (int i = 0; i < 3; i++)
        assert_memory_equal(&ch[i].delta, &v, sizeof v);
}

static void test_a_step_that_changes_nothing_counted_writes_nothing(void **state)
{
    (void)state;
    tx_cm_case c = a_case(TX_CASE_IN_PROGRESS); /* a note, a reminder */
    tx_cm_row rows[TX_CM_MAX_ROWS];
    int n = tx_cm_rows(&c, rows);
    tx_cm_counts v = contribution(&c);
    tx_cm_change ch[2 * TX_CM_MAX_ROWS];
    assert_int_equal(tx_cm_changes(rows, n, &v, rows, n, &v, ch), 0);
}

static void test_a_state_change_moves_one_between_state_counters_on_every_row(void **state)
{
    (void)state;
    tx_cm_case a = a_case(TX_CASE_DISPATCHED), b = a_case(TX_CASE_IN_PROGRESS);
    tx_cm_row ra[TX_CM_MAX_ROWS], rb[TX_CM_MAX_ROWS];
    int na = tx_cm_rows(&a, ra), nb = tx_cm_rows(&b, rb);
    tx_cm_counts va = contribution(&a), vb = contribution(&b);
    tx_cm_change ch[2 * TX_CM_MAX_ROWS];
    int n = tx_cm_changes(ra, na, &va, rb, nb, &vb, ch);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < TX_CM__COUNT; k++)
            assert_int_equal(ch[i].delta.n[k], k == TX_CM_STATE_DISPATCHED ? -1 : k == TX_CM_STATE_IN_PROGRESS ? 1 : 0);
}

static void test_a_new_handler_takes_the_case_from_the_old_ones_rows(void **state)
{
    (void)state;
    tx_cm_case a = a_case(TX_CASE_DISPATCHED), b = a_case(TX_CASE_DISPATCHED);
    a.handler = TX_HANDLER_PROPERTY_COMPANY;
    a.handler_id = PROPERTY;
    b.handler = TX_HANDLER_PROPERTY_COMPANY;
    b.handler_id = OTHER_PROPERTY;
    tx_cm_row ra[TX_CM_MAX_ROWS], rb[TX_CM_MAX_ROWS];
    int na = tx_cm_rows(&a, ra), nb = tx_cm_rows(&b, rb);
    tx_cm_counts va = contribution(&a), vb = contribution(&b);
    tx_cm_change ch[2 * TX_CM_MAX_ROWS];
    int n = tx_cm_changes(ra, na, &va, rb, nb, &vb, ch);
    assert_int_equal(n, 2); /* the area rows do not change */
    for (int i = 0; i < n; i++) {
        if (ch[i].row.org_id == OTHER_PROPERTY)
            assert_memory_equal(&ch[i].delta, &vb, sizeof vb);
        else {
            assert_int_equal(ch[i].row.org_id, PROPERTY);
            assert_int_equal(ch[i].delta.n[TX_CM_RECEIVED], -1);
            assert_int_equal(ch[i].delta.n[TX_CM_STATE_DISPATCHED], -1);
        }
    }
}

/* ---- folding events ---- */

static tx_cm_event ev(const char *action, int64_t at, tx_case_state to, tx_tier tier, tx_case_handler h, int64_t hid)
{
    tx_cm_event e;
    memset(&e, 0, sizeof e);
    e.report = strcmp(action, "report") == 0;
    e.has_action = !e.report && tx_case_action_parse(action, &e.action) == 0;
    e.at = at;
    e.to_state = to;
    e.tier = tier;
    e.handler = h;
    e.handler_id = hid;
    e.channel = TX_CM_CH__COUNT;
    return e;
}

static tx_cm_event report(int64_t at, tx_tier tier)
{
    tx_cm_event e = ev("report", at, TX_CASE_SUBMITTED, tier, TX_HANDLER_NONE, 0);
    e.category_id = CATEGORY;
    e.channel = TX_CM_CH_HOTLINE;
    e.street_id = STREET;
    e.community_id = COMMUNITY;
    e.grid_id = GRID;
    e.due_contact = at + 4 * HOUR;
    e.due_resolve = at + 5 * DAY;
    return e;
}

static void test_the_report_sets_the_keys_and_deadlines(void **state)
{
    (void)state;
    tx_cm_case c;
    tx_cm_case_init(&c);
    tx_cm_event e = report(T0, TX_TIER_GRID);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.submitted_at, T0);
    assert_int_equal(c.category_id, CATEGORY);
    assert_int_equal(c.channel, TX_CM_CH_HOTLINE);
    assert_int_equal(c.street_id, STREET);
    assert_int_equal(c.community_id, COMMUNITY);
    assert_int_equal(c.grid_id, GRID);
    assert_int_equal(c.due_contact, T0 + 4 * HOUR);
    assert_int_equal(c.due_resolve, T0 + 5 * DAY);
    assert_int_equal(c.state, TX_CASE_SUBMITTED);
    assert_int_equal(c.left_community, 0);
    assert_int_equal(c.resolved_tier, TX_TIER__COUNT);
}

static void test_only_the_first_contact_stops_the_response_clock(void **state)
{
    (void)state;
    tx_cm_case c;
    tx_cm_case_init(&c);
    tx_cm_event e = report(T0, TX_TIER_GRID);
    tx_cm_fold(&c, &e);
    e = ev("contact", T0 + HOUR, TX_CASE_ACCEPTED, TX_TIER_GRID, TX_HANDLER_NONE, 0);
    tx_cm_fold(&c, &e);
    e = ev("contact", T0 + 2 * HOUR, TX_CASE_ACCEPTED, TX_TIER_GRID, TX_HANDLER_NONE, 0);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.contacted_at, T0 + HOUR);
}

static void test_the_latest_resolve_and_its_tier_count(void **state)
{
    (void)state;
    tx_cm_case c;
    tx_cm_case_init(&c);
    tx_cm_event e = report(T0, TX_TIER_GRID);
    tx_cm_fold(&c, &e);
    e = ev("resolve", T0 + DAY, TX_CASE_RESOLVED, TX_TIER_GRID, TX_HANDLER_GRID_WORKER, GRID);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.resolved_at, T0 + DAY);
    assert_int_equal(c.resolved_tier, TX_TIER_GRID);
    e = ev("reopen", T0 + 2 * DAY, TX_CASE_REOPENED, TX_TIER_GRID, TX_HANDLER_GRID_WORKER, GRID);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.resolved_at, T0 + DAY); /* kept through rework */
    e = ev("escalate", T0 + 3 * DAY, TX_CASE_ACCEPTED, TX_TIER_COMMUNITY, TX_HANDLER_NONE, 0);
    tx_cm_fold(&c, &e);
    e = ev("resolve", T0 + 4 * DAY, TX_CASE_RESOLVED, TX_TIER_COMMUNITY, TX_HANDLER_COMMUNITY_OFFICE, COMMUNITY);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.resolved_at, T0 + 4 * DAY);
    assert_int_equal(c.resolved_tier, TX_TIER_COMMUNITY);
    assert_int_equal(c.left_community, 0);
}

static void test_escalation_to_the_street_leaves_the_community(void **state)
{
    (void)state;
    tx_cm_case c;
    tx_cm_case_init(&c);
    tx_cm_event e = report(T0, TX_TIER_COMMUNITY);
    tx_cm_fold(&c, &e);
    e = ev("escalate", T0 + DAY, TX_CASE_SUBMITTED, TX_TIER_STREET, TX_HANDLER_NONE, 0); /* by the SLA sweep */
    tx_cm_fold(&c, &e);
    assert_int_equal(c.left_community, 1);
    e = ev("note", T0 + 2 * DAY, TX_CASE_SUBMITTED, TX_TIER_STREET, TX_HANDLER_NONE, 0);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.left_community, 1);
}

static void test_a_report_routed_to_the_street_leaves_with_its_first_step(void **state)
{
    (void)state;
    tx_cm_case c;
    tx_cm_case_init(&c);
    tx_cm_event e = report(T0, TX_TIER_STREET);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.left_community, 0); /* as the writer stores the new case */
    e = ev("remind", T0 + HOUR, TX_CASE_SUBMITTED, TX_TIER_STREET, TX_HANDLER_NONE, 0);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.left_community, 1);
}

static void test_a_referral_sets_the_department_and_leaves_the_community(void **state)
{
    (void)state;
    tx_cm_case c;
    tx_cm_case_init(&c);
    tx_cm_event e = report(T0, TX_TIER_GRID);
    tx_cm_fold(&c, &e);
    e = ev("refer", T0 + DAY, TX_CASE_DISPATCHED, TX_TIER_COMMUNITY, TX_HANDLER_DEPARTMENT, DEPT);
    e.department_id = DEPT;
    tx_cm_fold(&c, &e);
    assert_int_equal(c.department_id, DEPT);
    assert_int_equal(c.handler, TX_HANDLER_DEPARTMENT);
    assert_int_equal(c.handler_id, DEPT);
    assert_int_equal(c.left_community, 1);
    e = ev("report_back", T0 + 2 * DAY, TX_CASE_IN_PROGRESS, TX_TIER_COMMUNITY, TX_HANDLER_COMMUNITY_OFFICE,
           COMMUNITY);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.department_id, DEPT); /* kept as record */
    assert_int_equal(c.handler, TX_HANDLER_COMMUNITY_OFFICE);
    /* referred again elsewhere */
    e = ev("refer", T0 + 3 * DAY, TX_CASE_DISPATCHED, TX_TIER_COMMUNITY, TX_HANDLER_DEPARTMENT, OTHER_DEPT);
    e.department_id = OTHER_DEPT;
    tx_cm_fold(&c, &e);
    assert_int_equal(c.department_id, OTHER_DEPT);
}

static void test_the_latest_rating_stands_through_rework(void **state)
{
    (void)state;
    tx_cm_case c;
    tx_cm_case_init(&c);
    tx_cm_event e = report(T0, TX_TIER_GRID);
    tx_cm_fold(&c, &e);
    e = ev("rate", T0 + DAY, TX_CASE_REOPENED, TX_TIER_GRID, TX_HANDLER_GRID_WORKER, GRID);
    e.solved = TX_SOLVED_NO;
    e.satisfaction = TX_SAT_UNSATISFIED;
    tx_cm_fold(&c, &e);
    e = ev("start", T0 + 2 * DAY, TX_CASE_IN_PROGRESS, TX_TIER_GRID, TX_HANDLER_GRID_WORKER, GRID);
    tx_cm_fold(&c, &e);
    assert_int_equal(c.solved, TX_SOLVED_NO);
    assert_int_equal(c.satisfaction, TX_SAT_UNSATISFIED);
    e = ev("rate", T0 + 3 * DAY, TX_CASE_CLOSED, TX_TIER_GRID, TX_HANDLER_GRID_WORKER, GRID);
    e.solved = TX_SOLVED_YES;
    e.satisfaction = TX_SAT_BASICALLY_SATISFIED;
    tx_cm_fold(&c, &e);
    assert_int_equal(c.solved, TX_SOLVED_YES);
    assert_int_equal(c.satisfaction, TX_SAT_BASICALLY_SATISFIED);
}

static void test_unknown_actions_change_only_the_snapshot(void **state)
{
    (void)state;
    tx_cm_case c;
    tx_cm_case_init(&c);
    tx_cm_event e = report(T0, TX_TIER_GRID);
    tx_cm_fold(&c, &e);
    tx_cm_case before = c;
    e = ev("remind", T0 + HOUR, TX_CASE_SUBMITTED, TX_TIER_GRID, TX_HANDLER_NONE, 0);
    assert_int_equal(e.has_action, 0);
    tx_cm_fold(&c, &e);
    assert_memory_equal(&c, &before, sizeof c);
}

/* The store builds the snapshot from the cases row on every write and from
 * the events in the recompute. Here a case runs through the real state
 * machine (domain/case.c) the way the writer of cases runs it, each step
 * both folded as an event and applied to a "row" as sqlite/case.c writes
 * it; the two snapshots must count the same after every step. */
typedef struct {
    tx_case snap;
    int64_t due_contact, due_resolve, submitted_at;
    int left_community;
    tx_tier resolved_tier;
    tx_case_solved solved;
    tx_case_satisfaction satisfaction;
} row;

static tx_cm_case from_row(const row *r)
{
    tx_cm_case c;
    tx_cm_case_init(&c);
    c.submitted_at = r->submitted_at;
    c.category_id = CATEGORY;
    c.channel = TX_CM_CH_HOTLINE;
    c.street_id = r->snap.street_id;
    c.community_id = r->snap.community_id;
    c.grid_id = r->snap.grid_id;
    c.state = r->snap.state;
    c.handler = r->snap.handler;
    c.handler_id = r->snap.handler_id;
    c.department_id = r->snap.department_id;
    c.contacted_at = r->snap.contacted_at;
    c.resolved_at = r->snap.resolved_at;
    c.resolved_tier = r->resolved_tier;
    c.due_contact = r->due_contact;
    c.due_resolve = r->due_resolve;
    c.left_community = r->left_community;
    c.solved = r->solved;
    c.satisfaction = r->satisfaction;
    return c;
}

static const tx_principal community_staff = {.role = TX_ROLE_COMMUNITY_STAFF, .user_id = 21,
                                             .scope = {TX_SCOPE_AREA, COMMUNITY, ""}};
static const tx_principal grid_worker = {.role = TX_ROLE_GRID_WORKER, .user_id = 11, .scope = {TX_SCOPE_AREA, GRID, ""}};
static const tx_principal dept_staff = {.role = TX_ROLE_DEPARTMENT_STAFF, .user_id = 61,
                                        .scope = {TX_SCOPE_ORG, DEPT, ""}};
static const tx_principal reporter = {.role = TX_ROLE_RESIDENT, .user_id = 9001};

static void step(row *r, tx_cm_case *folded, tx_case_request q)
{
    tx_case_outcome out;
    q.has_text = 1;
    if (tx_case_decide(&r->snap, &q, &out) != 0)
        fail_msg("%s refused: %s", tx_case_action_code(q.action), out.reason[1]);
    const tx_case *n = &out.next;
    /* the row, as sqlite/case.c store_case_step writes it */
    if (n->state == TX_CASE_RESOLVED && r->snap.state != TX_CASE_RESOLVED)
        r->resolved_tier = n->tier;
    r->left_community = r->left_community || n->tier == TX_TIER_STREET || n->handler == TX_HANDLER_DEPARTMENT;
    if (q.action == TX_CASE_RATE) {
        r->solved = q.solved;
        r->satisfaction = q.satisfaction;
    }
    /* the event, as it is stored */
    tx_cm_event e = ev(tx_case_action_code(q.action), q.now_ms, n->state, n->tier, n->handler, n->handler_id);
    if (q.action == TX_CASE_REFER)
        e.department_id = q.department_id;
    if (q.action == TX_CASE_RATE) {
        e.solved = q.solved;
        e.satisfaction = q.satisfaction;
    }
    r->snap = *n;
    tx_cm_fold(folded, &e);
    tx_cm_case live = from_row(r);
    tx_cm_counts a = contribution(&live), b = contribution(folded);
    assert_memory_equal(&a, &b, sizeof a);
    tx_cm_row ra[TX_CM_MAX_ROWS], rb[TX_CM_MAX_ROWS];
    int na = tx_cm_rows(&live, ra), nb = tx_cm_rows(folded, rb);
    assert_int_equal(na, nb);
    for (int i = 0; i < na; i++) {
        assert_int_equal(ra[i].org_id, rb[i].org_id);
        assert_int_equal(ra[i].area_id, rb[i].area_id);
        assert_int_equal(ra[i].day, rb[i].day);
        assert_int_equal(ra[i].category_id, rb[i].category_id);
    }
}

static tx_case_request act(tx_case_action a, const tx_principal *who, int64_t at)
{
    tx_case_request q;
    memset(&q, 0, sizeof q);
    q.action = a;
    q.actor = who;
    q.now_ms = at;
    return q;
}

/* 御珑名苑: garbage and sewage behind building 2 — outside the red line, a
 * broken public pipe: referred to the municipal works centre, repaired,
 * reported back, resolved by the community, rated. */
static void test_folding_the_events_counts_as_the_row_does_through_a_referral(void **state)
{
    (void)state;
    row r;
    memset(&r, 0, sizeof r);
    r.snap = (tx_case){.id = 1, .state = TX_CASE_SUBMITTED, .tier = TX_TIER_GRID, .grid_id = GRID,
                       .community_id = COMMUNITY, .street_id = STREET, .reporter_id = 9001};
    r.submitted_at = T0;
    r.due_contact = T0 + 4 * HOUR;
    r.due_resolve = T0 + 5 * DAY;
    r.resolved_tier = TX_TIER__COUNT;
    tx_cm_case folded;
    tx_cm_case_init(&folded);
    tx_cm_event e = report(T0, TX_TIER_GRID);
    tx_cm_fold(&folded, &e);
    tx_cm_case live = from_row(&r);
    tx_cm_counts a = contribution(&live), b = contribution(&folded);
    assert_memory_equal(&a, &b, sizeof a);

    step(&r, &folded, act(TX_CASE_ACCEPT, &grid_worker, T0 + 30 * MINUTE));
    step(&r, &folded, act(TX_CASE_CONTACT, &grid_worker, T0 + HOUR));
    tx_case_request q = act(TX_CASE_DISPATCH, &grid_worker, T0 + 2 * HOUR);
    q.handler = TX_HANDLER_GRID_WORKER;
    step(&r, &folded, q);
    step(&r, &folded, act(TX_CASE_START, &grid_worker, T0 + 3 * HOUR));
    step(&r, &folded, act(TX_CASE_ESCALATE, &grid_worker, T0 + 4 * HOUR));
    q = act(TX_CASE_REFER, &community_staff, T0 + DAY);
    q.department_id = DEPT;
    q.due_ms = T0 + 6 * DAY;
    step(&r, &folded, q);
    step(&r, &folded, act(TX_CASE_REPORT_BACK, &dept_staff, T0 + 2 * DAY));
    step(&r, &folded, act(TX_CASE_RESOLVE, &community_staff, T0 + 2 * DAY + HOUR));
    q = act(TX_CASE_RATE, &reporter, T0 + 3 * DAY);
    q.solved = TX_SOLVED_NO;
    q.satisfaction = TX_SAT_UNSATISFIED;
    step(&r, &folded, q);
    q = act(TX_CASE_DISPATCH, &community_staff, T0 + 3 * DAY + HOUR);
    q.handler = TX_HANDLER_COMMUNITY_OFFICE;
    step(&r, &folded, q);
    step(&r, &folded, act(TX_CASE_RESOLVE, &community_staff, T0 + 4 * DAY));
    q = act(TX_CASE_RATE, &reporter, T0 + 5 * DAY);
    q.solved = TX_SOLVED_YES;
    q.satisfaction = TX_SAT_SATISFIED;
    step(&r, &folded, q);

    tx_cm_counts v = contribution(&folded);
    assert_ones(&v, "received,valid,state_closed,channel_hotline,contacted,responded_on_time,resolved,"
                    "resolved_on_time,rated,solved_yes,satisfied");
    tx_cm_row rows[TX_CM_MAX_ROWS];
    int n = tx_cm_rows(&folded, rows);
    assert_int_equal(n, 4);
    assert_true(has_row(rows, n, DEPT, COMMUNITY)); /* referred once: the department keeps the case */
}

/* ---- rates ---- */

static tx_cm_counts sums(void)
{
    tx_cm_counts s;
    memset(&s, 0, sizeof s);
    s.n[TX_CM_RECEIVED] = 120;
    s.n[TX_CM_VALID] = 100;
    s.n[TX_CM_STATE_MERGED] = 15;
    s.n[TX_CM_STATE_INVALID] = 5;
    s.n[TX_CM_STATE_RESOLVED] = 10;
    s.n[TX_CM_STATE_CLOSED] = 60;
    s.n[TX_CM_CONTACTED] = 95;
    s.n[TX_CM_RESPONDED_ON_TIME] = 90;
    s.n[TX_CM_RESOLVED] = 80;
    s.n[TX_CM_RESOLVED_ON_TIME] = 72;
    s.n[TX_CM_RESOLVED_AT_GRID] = 40;
    s.n[TX_CM_RESOLVED_IN_COMMUNITY] = 68;
    s.n[TX_CM_RATED] = 50;
    s.n[TX_CM_SOLVED_YES] = 41;
    s.n[TX_CM_SATISFIED] = 30;
    s.n[TX_CM_BASICALLY_SATISFIED] = 12;
    s.n[TX_CM_UNSATISFIED] = 8;
    return s;
}

static void assert_rate(const tx_cm_counts *s, tx_cm_rate_kind k, int64_t num, int64_t den)
{
    tx_cm_rate r = tx_cm_rate_of(s, k);
    assert_int_equal(r.numerator, num);
    assert_int_equal(r.denominator, den);
    double v = -1;
    assert_int_equal(tx_cm_rate_value(r, &v), 0);
    assert_true(v >= 0 && v <= 1);
    assert_true(v * (double)den > (double)num - 1e-9 && v * (double)den < (double)num + 1e-9);
}

static void test_each_rate_is_its_numerator_over_its_denominator(void **state)
{
    (void)state;
    tx_cm_counts s = sums();
    assert_rate(&s, TX_CM_RATE_RESPONSE, 90, 100);          /* responded_on_time / valid */
    assert_rate(&s, TX_CM_RATE_RESOLUTION, 41, 50);         /* solved_yes / rated */
    assert_rate(&s, TX_CM_RATE_COMPLETION, 70, 100);        /* (state resolved + closed) / valid */
    assert_rate(&s, TX_CM_RATE_SATISFACTION, 42, 50);       /* (satisfied + basically) / rated */
    assert_rate(&s, TX_CM_RATE_ON_TIME, 72, 80);            /* resolved_on_time / resolved */
    assert_rate(&s, TX_CM_RATE_GRID_CLOSURE, 40, 80);       /* resolved_at_grid / resolved */
    assert_rate(&s, TX_CM_RATE_COMMUNITY_CLOSURE, 68, 80);  /* resolved_in_community / resolved */
}

static void test_no_cases_give_no_rate_not_zero(void **state)
{
    (void)state;
    tx_cm_counts s;
    memset(&s, 0, sizeof s);
    for (int k = 0; k < TX_CM_RATE__COUNT; k++) {
        tx_cm_rate r = tx_cm_rate_of(&s, (tx_cm_rate_kind)k);
        assert_int_equal(r.denominator, 0);
        double v = 42;
        assert_int_equal(tx_cm_rate_value(r, &v), -1);
        assert_true(v == 42); /* untouched */
    }
    /* received, but nobody rated yet: response is defined, resolution not */
    s.n[TX_CM_RECEIVED] = s.n[TX_CM_VALID] = 3;
    double v;
    assert_int_equal(tx_cm_rate_value(tx_cm_rate_of(&s, TX_CM_RATE_RESPONSE), &v), 0);
    assert_true(v == 0.0);
    assert_int_equal(tx_cm_rate_value(tx_cm_rate_of(&s, TX_CM_RATE_RESOLUTION), &v), -1);
    assert_int_equal(tx_cm_rate_of(&s, TX_CM_RATE__COUNT).denominator, 0);
}

static void test_rates_of_summed_contributions_match_the_cases(void **state)
{
    (void)state;
    /* three cases: on time and satisfied; late, unsolved; merged */
    tx_cm_case a = a_case(TX_CASE_CLOSED), b = a_case(TX_CASE_REOPENED), c = a_case(TX_CASE_MERGED);
    a.contacted_at = T0 + HOUR;
    a.resolved_at = T0 + DAY;
    a.resolved_tier = TX_TIER_GRID;
    a.solved = TX_SOLVED_YES;
    a.satisfaction = TX_SAT_SATISFIED;
    b.contacted_at = T0 + 5 * HOUR;
    b.resolved_at = T0 + 6 * DAY;
    b.resolved_tier = TX_TIER_COMMUNITY;
    b.solved = TX_SOLVED_NO;
    b.satisfaction = TX_SAT_BASICALLY_SATISFIED;
    tx_cm_counts s;
    memset(&s, 0, sizeof s);
    tx_cm_case *all[] = {&a, &b, &c};
    for (int i = 0; i < 3; i++) {
        tx_cm_counts v = contribution(all[i]);
        tx_cm_counts_add(&s, &v);
    }
    assert_int_equal(s.n[TX_CM_RECEIVED], 3);
    assert_rate(&s, TX_CM_RATE_RESPONSE, 1, 2);
    assert_rate(&s, TX_CM_RATE_RESOLUTION, 1, 2);
    assert_rate(&s, TX_CM_RATE_SATISFACTION, 2, 2);
    assert_rate(&s, TX_CM_RATE_COMPLETION, 1, 2);
    assert_rate(&s, TX_CM_RATE_ON_TIME, 1, 2);
    assert_rate(&s, TX_CM_RATE_GRID_CLOSURE, 1, 2);
    assert_rate(&s, TX_CM_RATE_COMMUNITY_CLOSURE, 2, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_codes_are_unique_and_parse_back),
        cmocka_unit_test(test_state_and_channel_counters_are_named_after_their_codes),
        cmocka_unit_test(test_channel_codes_match_the_schema_and_have_names),
        cmocka_unit_test(test_rate_codes_and_names),
        cmocka_unit_test(test_a_case_is_counted_on_its_local_day_in_utc_plus_8),
        cmocka_unit_test(test_every_state_counts_in_received_its_state_and_its_channel),
        cmocka_unit_test(test_every_channel_counts_once),
        cmocka_unit_test(test_unknown_state_or_channel_counts_as_received_only),
        cmocka_unit_test(test_merged_and_invalid_cases_count_in_nothing_else),
        cmocka_unit_test(test_contact_at_the_deadline_is_on_time_one_ms_later_is_late),
        cmocka_unit_test(test_resolve_at_the_deadline_is_on_time_one_ms_later_is_late),
        cmocka_unit_test(test_resolved_at_grid_tier_and_without_leaving_the_community),
        cmocka_unit_test(test_a_reopened_case_still_counts_its_latest_resolve),
        cmocka_unit_test(test_every_rating_answer),
        cmocka_unit_test(test_a_case_counts_in_its_street_community_and_grid_on_its_day),
        cmocka_unit_test(test_a_case_outside_every_area_counts_under_area_0),
        cmocka_unit_test(test_offices_have_no_organisation_rows),
        cmocka_unit_test(test_the_property_company_handling_it_counts_it_at_its_community),
        cmocka_unit_test(test_a_department_counts_what_it_handles_and_what_was_referred_to_it),
        cmocka_unit_test(test_rows_are_distinct_when_ids_coincide),
        cmocka_unit_test(test_a_new_case_adds_its_vector_to_each_row),
        cmocka_unit_test(test_a_step_that_changes_nothing_counted_writes_nothing),
        cmocka_unit_test(test_a_state_change_moves_one_between_state_counters_on_every_row),
        cmocka_unit_test(test_a_new_handler_takes_the_case_from_the_old_ones_rows),
        cmocka_unit_test(test_the_report_sets_the_keys_and_deadlines),
        cmocka_unit_test(test_only_the_first_contact_stops_the_response_clock),
        cmocka_unit_test(test_the_latest_resolve_and_its_tier_count),
        cmocka_unit_test(test_escalation_to_the_street_leaves_the_community),
        cmocka_unit_test(test_a_report_routed_to_the_street_leaves_with_its_first_step),
        cmocka_unit_test(test_a_referral_sets_the_department_and_leaves_the_community),
        cmocka_unit_test(test_the_latest_rating_stands_through_rework),
        cmocka_unit_test(test_unknown_actions_change_only_the_snapshot),
        cmocka_unit_test(test_folding_the_events_counts_as_the_row_does_through_a_referral),
        cmocka_unit_test(test_each_rate_is_its_numerator_over_its_denominator),
        cmocka_unit_test(test_no_cases_give_no_rate_not_zero),
        cmocka_unit_test(test_rates_of_summed_contributions_match_the_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
