/* Unit tests for src/domain/case.c: the case state machine, read as the
 * product's specification.
 *
 * The transition table below is written from the issue ("Cases"), not copied
 * from case.c: every state × action pair is run as its own test, so a change
 * to one table without the other fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/case.h"

/* The place of the case (ids of areas and organisations) and the people. */
enum {
    STREET = 101,
    OTHER_STREET = 102,
    COMMUNITY = 201,
    OTHER_COMMUNITY = 202,
    GRID = 301,
    OTHER_GRID = 302,
    PROPERTY = 501,
    OTHER_PROPERTY = 502,
    DEPT = 601, /* 惠阳区市政和代建事务中心, say */
    OTHER_DEPT = 602,
    REPORTER = 9001,
    OTHER_RESIDENT = 9002,
};

#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define T0 1773626400000LL /* 2026-03-16T10:00:00+08:00 */

#define AREA_ACTOR(name, r, id, user)                                                                                  \
    static const tx_principal name = {.role = (r), .user_id = (user), .scope = {TX_SCOPE_AREA, (id), ""}}
#define ORG_ACTOR(name, r, id, user)                                                                                   \
    static const tx_principal name = {.role = (r), .user_id = (user), .scope = {TX_SCOPE_ORG, (id), ""}}
#define PLAIN_ACTOR(name, r, user) static const tx_principal name = {.role = (r), .user_id = (user)}

AREA_ACTOR(grid_worker, TX_ROLE_GRID_WORKER, GRID, 11);
AREA_ACTOR(other_grid_worker, TX_ROLE_GRID_WORKER, OTHER_GRID, 12);
AREA_ACTOR(community, TX_ROLE_COMMUNITY_STAFF, COMMUNITY, 21);
AREA_ACTOR(other_community, TX_ROLE_COMMUNITY_STAFF, OTHER_COMMUNITY, 22);
AREA_ACTOR(street, TX_ROLE_STREET_ADMIN, STREET, 31);
AREA_ACTOR(other_street, TX_ROLE_STREET_ADMIN, OTHER_STREET, 32);
ORG_ACTOR(property, TX_ROLE_MEMBER_UNIT, PROPERTY, 51);
ORG_ACTOR(other_property, TX_ROLE_MEMBER_UNIT, OTHER_PROPERTY, 52);
ORG_ACTOR(dept, TX_ROLE_DEPARTMENT_STAFF, DEPT, 61);
ORG_ACTOR(other_dept, TX_ROLE_DEPARTMENT_STAFF, OTHER_DEPT, 62);
PLAIN_ACTOR(reporter, TX_ROLE_RESIDENT, REPORTER);
PLAIN_ACTOR(other_resident, TX_ROLE_RESIDENT, OTHER_RESIDENT);
PLAIN_ACTOR(anonymous, TX_ROLE_ANONYMOUS, 0);
PLAIN_ACTOR(volunteer, TX_ROLE_VOLUNTEER, 71);
PLAIN_ACTOR(api_client, TX_ROLE_API_CLIENT, 0);
/* right id, wrong kind of scope or wrong role for it */
ORG_ACTOR(community_with_org_scope, TX_ROLE_COMMUNITY_STAFF, COMMUNITY, 23);
AREA_ACTOR(street_admin_scoped_to_community, TX_ROLE_STREET_ADMIN, COMMUNITY, 33);
AREA_ACTOR(grid_worker_scoped_to_community, TX_ROLE_GRID_WORKER, COMMUNITY, 13);
AREA_ACTOR(dept_with_area_scope, TX_ROLE_DEPARTMENT_STAFF, DEPT, 63);
#define PLATFORM NULL

/* A case in state s at grid tier, reported by REPORTER, with what that state
 * implies: a handler (the grid worker) once dispatched, resolved_at once
 * resolved, closed_at once closed. */
static tx_case a_case(tx_case_state s)
{
    tx_case c;
    memset(&c, 0, sizeof c);
    c.id = 1;
    c.state = s;
    c.tier = TX_TIER_GRID;
    c.grid_id = GRID;
    c.community_id = COMMUNITY;
    c.street_id = STREET;
    c.reporter_id = REPORTER;
    if (s == TX_CASE_DISPATCHED || s == TX_CASE_IN_PROGRESS || s == TX_CASE_REOPENED || s == TX_CASE_RESOLVED ||
        s == TX_CASE_CLOSED) {
        c.handler = TX_HANDLER_GRID_WORKER;
        c.handler_id = GRID;
    }
    if (s == TX_CASE_RESOLVED)
        c.resolved_at = T0 - 8 * DAY;
    if (s == TX_CASE_CLOSED) {
        c.resolved_at = T0 - 10 * DAY;
        c.closed_at = T0 - DAY;
    }
    if (s == TX_CASE_MERGED)
        c.merged_into = 2;
    return c;
}

/* A case handled by a department it was referred to. */
static tx_case referred(tx_case_state s)
{
    tx_case c = a_case(s);
    c.tier = TX_TIER_COMMUNITY;
    c.handler = TX_HANDLER_DEPARTMENT;
    c.handler_id = DEPT;
    c.department_id = DEPT;
    c.referral_due = T0 + 5 * DAY;
    return c;
}

static tx_case_request req(tx_case_action a, const tx_principal *who)
{
    tx_case_request r;
    memset(&r, 0, sizeof r);
    r.action = a;
    r.actor = who;
    r.now_ms = T0;
    r.has_text = 1;
    return r;
}

static tx_case_outcome out;

static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

#define EXPECT_OK(c, r)                                                                                                \
    do {                                                                                                               \
        if (tx_case_decide(&(c), &(r), &out) != 0)                                                                     \
            fail_msg("%s refused: %d %s: %s", tx_case_action_code((r).action), out.status, out.code, out.reason[1]);   \
        assert_int_equal(out.status, 0);                                                                               \
        assert_null(out.code);                                                                                         \
    } while (0)

/* Refused with status and code, the case untouched, no clocks, no event, and
 * a reason in both languages. */
#define EXPECT_REFUSED(c, r, st, cd)                                                                                   \
    do {                                                                                                               \
        tx_case before_ = (c);                                                                                         \
        if (tx_case_decide(&(c), &(r), &out) != -1)                                                                    \
            fail_msg("%s allowed, want %d %s", tx_case_action_code((r).action), (st), (cd));                           \
        if (out.status != (st) || strcmp(out.code, (cd)) != 0)                                                         \
            fail_msg("%s: got %d %s (%s), want %d %s", tx_case_action_code((r).action), out.status, out.code,          \
                     out.reason[1], (st), (cd));                                                                       \
        assert_memory_equal(&out.next, &before_, sizeof before_);                                                      \
        assert_int_equal(out.clocks_started, 0);                                                                       \
        assert_int_equal(out.clocks_stopped, 0);                                                                       \
        assert_int_equal(out.public_event, 0);                                                                         \
        assert_true(has_non_ascii(out.reason[0]));                                                                     \
        assert_true(strlen(out.reason[1]) > 0);                                                                        \
        assert_false(has_non_ascii(out.reason[1]));                                                                    \
    } while (0)

#define EXPECT_FIELD(c, r, st, cd, fld)                                                                                \
    do {                                                                                                               \
        EXPECT_REFUSED(c, r, st, cd);                                                                                  \
        assert_non_null(out.field);                                                                                    \
        assert_string_equal(out.field, (fld));                                                                         \
    } while (0)

/* ==== the transition table, from the issue ==== */

#define SUB TX_CASE_SUBMITTED
#define ACC TX_CASE_ACCEPTED
#define DIS TX_CASE_DISPATCHED
#define INP TX_CASE_IN_PROGRESS
#define RES TX_CASE_RESOLVED
#define CLO TX_CASE_CLOSED
#define RET TX_CASE_RETURNED
#define REO TX_CASE_REOPENED
#define MRG TX_CASE_MERGED
#define INV TX_CASE_INVALID
#define X (-1)    /* refused: 409 case_state */
#define SAME (-2) /* allowed, the state does not change */

/* expected[state][action]: the state after the action taken the allowed way
 * (see ask_allowed), or X. */
static const int expected[TX_CASE__STATE_COUNT][TX_CASE__ACTION_COUNT] = {
    /*            accept dispatch contact start note escalate refer report_back return resolve rate reopen close merge invalidate */
    [SUB] = {ACC, X, X, X, SAME, SUB, X, X, X, X, X, X, X, MRG, INV},
    [ACC] = {X, DIS, SAME, X, SAME, ACC, DIS, X, X, X, X, X, X, X, X},
    [DIS] = {X, X, SAME, INP, SAME, ACC, DIS, INP, RET, RES, X, X, X, X, X},
    [INP] = {X, X, SAME, X, SAME, ACC, DIS, INP, RET, RES, X, X, X, X, X},
    [RES] = {X, X, X, X, SAME, X, X, X, X, X, CLO, REO, CLO, X, X},
    [CLO] = {X, X, X, X, SAME, X, X, X, X, X, X, REO, X, X, X},
    [RET] = {X, DIS, SAME, X, SAME, ACC, DIS, X, X, X, X, X, X, X, X},
    [REO] = {X, DIS, SAME, INP, SAME, ACC, DIS, X, X, X, X, X, X, X, X},
    [MRG] = {X, X, X, X, SAME, X, X, X, X, X, X, X, X, X, X},
    [INV] = {X, X, X, X, SAME, X, X, X, X, X, X, X, X, X, X},
};

/* Whether each action's event is public (shown on the case's timeline). */
static const int expected_public[TX_CASE__ACTION_COUNT] = {
    [TX_CASE_ACCEPT] = 1,  [TX_CASE_DISPATCH] = 1, [TX_CASE_CONTACT] = 1,     [TX_CASE_START] = 1,
    [TX_CASE_NOTE] = 0, /* asked as an internal note */
    [TX_CASE_ESCALATE] = 1, [TX_CASE_REFER] = 1,   [TX_CASE_REPORT_BACK] = 1, [TX_CASE_RETURN] = 0,
    [TX_CASE_RESOLVE] = 1, [TX_CASE_RATE] = 1,     [TX_CASE_REOPEN] = 1,      [TX_CASE_CLOSE] = 1,
    [TX_CASE_MERGE] = 1,   [TX_CASE_INVALIDATE] = 0,
};

static const tx_case duplicate_target = {.id = 2, .state = TX_CASE_ACCEPTED, .community_id = COMMUNITY};

/* The case in state s and the request for action a, asked by someone who may
 * take it, with everything it needs. */
static void ask_allowed(tx_case_state s, tx_case_action a, tx_case *c, tx_case_request *r)
{
    *c = a == TX_CASE_REPORT_BACK ? referred(s) : a_case(s);
    switch (a) {
    case TX_CASE_ACCEPT: *r = req(a, &community); break;
    case TX_CASE_DISPATCH:
        *r = req(a, &community);
        r->handler = TX_HANDLER_GRID_WORKER;
        break;
    case TX_CASE_CONTACT: *r = req(a, &community); break;
    case TX_CASE_START: *r = req(a, &grid_worker); break;
    case TX_CASE_NOTE: *r = req(a, &community); break;
    case TX_CASE_ESCALATE: *r = req(a, &community); break;
    case TX_CASE_REFER:
        *r = req(a, &community);
        r->department_id = DEPT;
        r->due_ms = T0 + 5 * DAY;
        break;
    case TX_CASE_REPORT_BACK: *r = req(a, &dept); break;
    case TX_CASE_RETURN: *r = req(a, &grid_worker); break;
    case TX_CASE_RESOLVE: *r = req(a, &grid_worker); break;
    case TX_CASE_RATE:
        *r = req(a, &reporter);
        r->solved = TX_SOLVED_YES;
        r->satisfaction = TX_SAT_SATISFIED;
        break;
    case TX_CASE_REOPEN: *r = req(a, &community); break;
    case TX_CASE_CLOSE: *r = req(a, PLATFORM); break;
    case TX_CASE_MERGE:
        *r = req(a, &community);
        r->merge_into = &duplicate_target;
        break;
    case TX_CASE_INVALIDATE: *r = req(a, &community); break;
    default: fail_msg("no request for action %d", a);
    }
}

typedef struct {
    tx_case_state state;
    tx_case_action action;
} pair;

static void test_transition(void **state)
{
    const pair *p = *state;
    tx_case c;
    tx_case_request r;
    ask_allowed(p->state, p->action, &c, &r);
    int want = expected[p->state][p->action];
    if (want == X) {
        EXPECT_REFUSED(c, r, 409, "case_state");
        assert_null(out.field);
        return;
    }
    EXPECT_OK(c, r);
    int want_state = want == SAME ? (int)p->state : want;
    if ((int)out.next.state != want_state)
        fail_msg("%s × %s: now %s, want %s", tx_case_state_code(p->state), tx_case_action_code(p->action),
                 tx_case_state_code(out.next.state), tx_case_state_code((tx_case_state)want_state));
    assert_int_equal(out.public_event, expected_public[p->action]);
    /* 首接负责: whatever happens, the case stays where it is and whose it is */
    assert_int_equal(out.next.id, c.id);
    assert_int_equal(out.next.community_id, COMMUNITY);
    assert_int_equal(out.next.grid_id, GRID);
    assert_int_equal(out.next.street_id, STREET);
    assert_int_equal(out.next.reporter_id, REPORTER);
    assert_true(out.reason[0][0] == '\0' && out.reason[1][0] == '\0');
}

/* ==== vocabulary ==== */

static int is_code(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
            return 0;
    return 1;
}

#define CHECK_VOCABULARY(prefix, type, count, first, ...)                                                              \
    do {                                                                                                               \
        static const char *const want[] = {__VA_ARGS__};                                                               \
        assert_int_equal(sizeof want / sizeof want[0], (count) - (first));                                             \
        for (int i = (first); i < (count); i++) {                                                                      \
            const char *code = prefix##_code((type)i);                                                                 \
            assert_non_null(code);                                                                                     \
            assert_string_equal(code, want[i - (first)]);                                                              \
            assert_true(is_code(code));                                                                                \
            type back = (type)-1;                                                                                      \
            assert_int_equal(prefix##_parse(code, &back), 0);                                                          \
            assert_int_equal(back, i);                                                                                 \
            const char *zh = prefix##_name((type)i, 0), *en = prefix##_name((type)i, 1);                              \
            assert_non_null(zh);                                                                                       \
            assert_non_null(en);                                                                                       \
            assert_true(has_non_ascii(zh));                                                                            \
            assert_false(has_non_ascii(en));                                                                           \
        }                                                                                                              \
        assert_null(prefix##_code((type)(count)));                                                                     \
        assert_null(prefix##_name((type)(count), 1));                                                                  \
        assert_null(prefix##_code((type)-1));                                                                          \
        type untouched = (type)0;                                                                                      \
        assert_int_equal(prefix##_parse("no_such_code", &untouched), -1);                                             \
        assert_int_equal(prefix##_parse("", &untouched), -1);                                                         \
        assert_int_equal(prefix##_parse(NULL, &untouched), -1);                                                       \
        assert_int_equal(untouched, 0);                                                                                \
    } while (0)

static void test_case_vocabularies_have_stable_codes_and_names_in_both_languages(void **state)
{
    (void)state;
    CHECK_VOCABULARY(tx_case_state, tx_case_state, TX_CASE__STATE_COUNT, 0, "submitted", "accepted", "dispatched",
                     "in_progress", "resolved", "closed", "returned", "reopened", "merged", "invalid");
    CHECK_VOCABULARY(tx_case_action, tx_case_action, TX_CASE__ACTION_COUNT, 0, "accept", "dispatch", "contact", "start",
                     "note", "escalate", "refer", "report_back", "return", "resolve", "rate", "reopen", "close",
                     "merge", "invalidate");
    CHECK_VOCABULARY(tx_tier, tx_tier, TX_TIER__COUNT, 0, "grid", "community", "street");
    CHECK_VOCABULARY(tx_case_handler, tx_case_handler, TX_HANDLER__COUNT, 0, "none", "grid_worker", "community_office",
                     "property_company", "department", "street_office");
    CHECK_VOCABULARY(tx_case_solved, tx_case_solved, TX_SOLVED__COUNT, 1, "yes", "no");
    CHECK_VOCABULARY(tx_case_satisfaction, tx_case_satisfaction, TX_SAT__COUNT, 1, "satisfied",
                     "basically_satisfied", "unsatisfied");
    /* "not answered" is no answer: it has no code and cannot be given */
    assert_null(tx_case_solved_code(TX_SOLVED_UNANSWERED));
    assert_null(tx_case_satisfaction_name(TX_SAT_UNANSWERED, 0));
    assert_string_equal(tx_case_satisfaction_name(TX_SAT_BASICALLY_SATISFIED, 0), "基本满意");
    assert_string_equal(tx_tier_name(TX_TIER_GRID, 0), "网格");
}

/* ==== tiers: 小事不出网格，大事不出社区 ==== */

static void test_escalation_walks_grid_to_community_to_street_and_stops_there(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_SUBMITTED);
    tx_case_request r = req(TX_CASE_ESCALATE, &grid_worker);
    EXPECT_OK(c, r);
    assert_int_equal(out.next.tier, TX_TIER_COMMUNITY);
    assert_int_equal(out.next.state, TX_CASE_SUBMITTED); /* the community accepts it */
    assert_true(out.public_event);
    c = out.next;

    /* the grid worker is no longer in charge of it */
    EXPECT_REFUSED(c, r, 403, "forbidden");
    r.actor = &community;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.tier, TX_TIER_STREET);
    c = out.next;

    /* the street is the top: nothing to escalate to, for anyone in charge */
    EXPECT_REFUSED(c, r, 409, "top_tier");
    r.actor = &street;
    EXPECT_REFUSED(c, r, 409, "top_tier");
    assert_int_equal(c.community_id, COMMUNITY); /* still the community's case */
}

static void test_escalating_a_case_in_hand_sends_it_back_for_dispatch_at_the_new_tier(void **state)
{
    (void)state;
    static const tx_case_state from[] = {TX_CASE_ACCEPTED, TX_CASE_DISPATCHED, TX_CASE_IN_PROGRESS, TX_CASE_RETURNED,
                                         TX_CASE_REOPENED};
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
        tx_case c = a_case(from[i]);
        tx_case_request r = req(TX_CASE_ESCALATE, &grid_worker);
        EXPECT_OK(c, r);
        assert_int_equal(out.next.state, TX_CASE_ACCEPTED);
        assert_int_equal(out.next.tier, TX_TIER_COMMUNITY);
        assert_int_equal(out.next.handler, TX_HANDLER_NONE);
        assert_int_equal(out.next.handler_id, 0);
        assert_int_equal(out.clocks_stopped, 0);
        assert_int_equal(out.clocks_started, 0);
    }
    /* the street may pull a community matter up too: it covers its street */
    tx_case c = a_case(TX_CASE_IN_PROGRESS);
    c.tier = TX_TIER_COMMUNITY;
    tx_case_request r = req(TX_CASE_ESCALATE, &street);
    EXPECT_OK(c, r);
    assert_int_equal(out.next.tier, TX_TIER_STREET);
}

static void test_the_platform_escalates_an_overdue_case_with_its_reason(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_IN_PROGRESS);
    tx_case_request r = req(TX_CASE_ESCALATE, PLATFORM);
    EXPECT_OK(c, r);
    assert_int_equal(out.next.tier, TX_TIER_COMMUNITY);
    assert_int_equal(out.next.state, TX_CASE_ACCEPTED);
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "reason");
}

static void test_the_tracking_token_holder_is_the_reporter(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_RESOLVED);
    c.resolved_at = T0;
    tx_case_request r = req(TX_CASE_RATE, &anonymous);
    r.now_ms = T0 + 1000;
    r.solved = TX_SOLVED_YES;
    r.satisfaction = TX_SAT_SATISFIED;
    EXPECT_REFUSED(c, r, 403, "forbidden");
    r.reporter_token = 1;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_CLOSED);
    /* and may add public notes, not internal ones */
    tx_case_request n = req(TX_CASE_NOTE, &anonymous);
    n.reporter_token = 1;
    n.public_note = 1;
    EXPECT_OK(c, n);
    n.public_note = 0;
    EXPECT_REFUSED(c, n, 403, "forbidden");
}

static void test_escalation_needs_the_reason_this_tier_cannot_solve_it(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_ACCEPTED);
    tx_case_request r = req(TX_CASE_ESCALATE, &grid_worker);
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "reason");
}

static void test_escalation_withdraws_a_running_referral(void **state)
{
    (void)state;
    tx_case c = referred(TX_CASE_IN_PROGRESS);
    tx_case_request r = req(TX_CASE_ESCALATE, &community);
    EXPECT_OK(c, r);
    assert_int_equal(out.next.tier, TX_TIER_STREET);
    assert_int_equal(out.next.handler, TX_HANDLER_NONE);
    assert_int_equal(out.next.referral_due, 0);
    assert_int_equal(out.next.department_id, DEPT); /* kept as record */
    assert_int_equal(out.clocks_stopped, TX_CLOCK_REFERRAL);
}

static void test_dispatch_never_sends_a_case_above_its_tier(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_ACCEPTED);
    tx_case_request r = req(TX_CASE_DISPATCH, &community);

    r.handler = TX_HANDLER_COMMUNITY_OFFICE;
    EXPECT_FIELD(c, r, 409, "escalate_first", "handler");
    r.handler = TX_HANDLER_STREET_OFFICE;
    EXPECT_REFUSED(c, r, 409, "escalate_first");

    c.tier = TX_TIER_COMMUNITY;
    r.handler = TX_HANDLER_COMMUNITY_OFFICE;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(out.next.handler_id, COMMUNITY);
    r.handler = TX_HANDLER_STREET_OFFICE;
    EXPECT_REFUSED(c, r, 409, "escalate_first");
    /* down is fine: the community sends its grid worker */
    r.handler = TX_HANDLER_GRID_WORKER;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.handler_id, GRID);

    c.tier = TX_TIER_STREET;
    r.actor = &street;
    r.handler = TX_HANDLER_STREET_OFFICE;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.handler, TX_HANDLER_STREET_OFFICE);
    assert_int_equal(out.next.handler_id, STREET);
}

static void test_dispatch_goes_to_the_cases_own_offices_and_a_named_property_company(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_ACCEPTED);
    tx_case_request r = req(TX_CASE_DISPATCH, &grid_worker);

    /* an office is always the case's own, whatever id is asked for */
    r.handler = TX_HANDLER_GRID_WORKER;
    r.handler_id = OTHER_GRID;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_DISPATCHED);
    assert_int_equal(out.next.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(out.next.handler_id, GRID);

    /* inside the red line: the property company, named */
    r.handler = TX_HANDLER_PROPERTY_COMPANY;
    r.handler_id = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "handler_id");
    r.handler_id = PROPERTY;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.handler, TX_HANDLER_PROPERTY_COMPANY);
    assert_int_equal(out.next.handler_id, PROPERTY);

    r.handler = TX_HANDLER_NONE;
    EXPECT_FIELD(c, r, 400, "missing_field", "handler");
    r.handler = TX_HANDLER_DEPARTMENT; /* departments get a deadline: refer */
    EXPECT_FIELD(c, r, 400, "invalid_field", "handler");
    r.handler = TX_HANDLER__COUNT;
    EXPECT_FIELD(c, r, 400, "invalid_field", "handler");

    /* a case that lies in no grid has no grid worker */
    c.grid_id = 0;
    c.tier = TX_TIER_COMMUNITY;
    r.actor = &community;
    r.handler = TX_HANDLER_GRID_WORKER;
    EXPECT_FIELD(c, r, 409, "no_grid", "handler");
}

/* ==== who may: role and scope (403) ==== */

/* People who are not in charge of a grid-tier case of GRID / COMMUNITY / STREET. */
static const tx_principal *const not_in_charge[] = {
    &other_grid_worker, &other_community, &other_street, &property, &other_property, &dept, &other_dept,
    &reporter, &other_resident, &anonymous, &volunteer, &api_client, &community_with_org_scope,
    &street_admin_scoped_to_community, &grid_worker_scoped_to_community, &dept_with_area_scope,
};
#define N_NOT_IN_CHARGE (sizeof not_in_charge / sizeof not_in_charge[0])

static void test_staff_in_charge_are_its_grid_worker_at_grid_tier_its_community_and_its_street(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_SUBMITTED);
    assert_true(tx_case_covers(&grid_worker, &c));
    assert_true(tx_case_covers(&community, &c));
    assert_true(tx_case_covers(&street, &c));
    for (size_t i = 0; i < N_NOT_IN_CHARGE; i++)
        assert_false(tx_case_covers(not_in_charge[i], &c));
    assert_false(tx_case_covers(NULL, &c));
    c.tier = TX_TIER_COMMUNITY;
    assert_false(tx_case_covers(&grid_worker, &c));
    assert_true(tx_case_covers(&community, &c));
    c.tier = TX_TIER_STREET;
    assert_true(tx_case_covers(&community, &c)); /* 首接负责: the community stays in charge */
    assert_true(tx_case_covers(&street, &c));
}

static void test_actions_of_the_staff_in_charge_refuse_everyone_else(void **state)
{
    (void)state;
    /* accept, dispatch, escalate, merge, invalidate, reopen, contact, rate
     * (a follow-up call), close (early): allowed for the three in charge */
    static const struct {
        tx_case_action a;
        tx_case_state s;
    } acts[] = {
        {TX_CASE_ACCEPT, TX_CASE_SUBMITTED}, {TX_CASE_DISPATCH, TX_CASE_ACCEPTED},
        {TX_CASE_ESCALATE, TX_CASE_ACCEPTED}, {TX_CASE_MERGE, TX_CASE_SUBMITTED},
        {TX_CASE_INVALIDATE, TX_CASE_SUBMITTED}, {TX_CASE_REOPEN, TX_CASE_RESOLVED},
        {TX_CASE_CONTACT, TX_CASE_ACCEPTED}, {TX_CASE_CLOSE, TX_CASE_RESOLVED},
    };
    const tx_principal *in_charge[] = {&grid_worker, &community, &street};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        tx_case c;
        tx_case_request r;
        ask_allowed(acts[i].s, acts[i].a, &c, &r);
        for (size_t k = 0; k < 3; k++) {
            r.actor = in_charge[k];
            EXPECT_OK(c, r);
        }
        for (size_t k = 0; k < N_NOT_IN_CHARGE; k++) {
            r.actor = not_in_charge[k];
            EXPECT_REFUSED(c, r, 403, "forbidden");
        }
        /* above grid tier the grid worker is not in charge */
        c.tier = TX_TIER_COMMUNITY;
        r.actor = &grid_worker;
        if (acts[i].a == TX_CASE_DISPATCH)
            r.handler = TX_HANDLER_GRID_WORKER;
        EXPECT_REFUSED(c, r, 403, "forbidden");
        r.actor = &community;
        EXPECT_OK(c, r);
    }
}

static void test_only_the_current_handler_starts_and_returns(void **state)
{
    (void)state;
    static const struct {
        tx_case_handler h;
        int64_t id;
        const tx_principal *who;
    } hs[] = {
        {TX_HANDLER_GRID_WORKER, GRID, &grid_worker},
        {TX_HANDLER_COMMUNITY_OFFICE, COMMUNITY, &community},
        {TX_HANDLER_PROPERTY_COMPANY, PROPERTY, &property},
        {TX_HANDLER_DEPARTMENT, DEPT, &dept},
        {TX_HANDLER_STREET_OFFICE, STREET, &street},
    };
    const tx_principal *everyone[] = {&grid_worker, &other_grid_worker, &community, &other_community, &street,
                                      &other_street, &property, &other_property, &dept, &other_dept, &reporter,
                                      &other_resident, &anonymous, &volunteer, &api_client, &dept_with_area_scope};
    const tx_case_action acts[] = {TX_CASE_START, TX_CASE_RETURN};
    for (size_t a = 0; a < 2; a++)
        for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
            tx_case c = a_case(TX_CASE_DISPATCHED);
            c.tier = TX_TIER_STREET;
            c.handler = hs[i].h;
            c.handler_id = hs[i].id;
            for (size_t k = 0; k < sizeof everyone / sizeof everyone[0]; k++) {
                tx_case_request r = req(acts[a], everyone[k]);
                if (everyone[k] == hs[i].who)
                    EXPECT_OK(c, r);
                else
                    EXPECT_REFUSED(c, r, 403, "forbidden");
            }
            tx_case_request r = req(acts[a], PLATFORM);
            EXPECT_REFUSED(c, r, 403, "forbidden");
        }
    /* returned: nobody is handling it, so nobody starts it (dispatch first) */
    tx_case c = a_case(TX_CASE_RETURNED);
    tx_case_request r = req(TX_CASE_START, &grid_worker);
    EXPECT_REFUSED(c, r, 409, "case_state");
}

static void test_resolve_is_for_the_handler_or_the_owning_community(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_IN_PROGRESS);
    c.handler = TX_HANDLER_PROPERTY_COMPANY;
    c.handler_id = PROPERTY;
    tx_case_request r = req(TX_CASE_RESOLVE, &property);
    EXPECT_OK(c, r);
    r.actor = &community; /* 首接负责: the owner can always finish it */
    EXPECT_OK(c, r);
    const tx_principal *no[] = {&grid_worker, &street, &other_property, &other_community, &dept, &reporter, PLATFORM};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        r.actor = no[i];
        EXPECT_REFUSED(c, r, 403, "forbidden");
    }
}

static void test_refer_is_for_the_community_or_the_street(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_DISPATCHED);
    tx_case_request r = req(TX_CASE_REFER, &community);
    r.department_id = DEPT;
    r.due_ms = T0 + DAY;
    EXPECT_OK(c, r);
    r.actor = &street;
    EXPECT_OK(c, r);
    /* the grid worker (even as handler), departments and others do not refer */
    const tx_principal *no[] = {&grid_worker, &other_community, &other_street, &dept, &property, &reporter, PLATFORM};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        r.actor = no[i];
        EXPECT_REFUSED(c, r, 403, "forbidden");
    }
}

static void test_only_the_department_handling_it_reports_back(void **state)
{
    (void)state;
    tx_case c = referred(TX_CASE_IN_PROGRESS);
    tx_case_request r = req(TX_CASE_REPORT_BACK, &dept);
    EXPECT_OK(c, r);
    const tx_principal *no[] = {&other_dept, &dept_with_area_scope, &community, &street, &grid_worker, &reporter, PLATFORM};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        r.actor = no[i];
        EXPECT_REFUSED(c, r, 403, "forbidden");
    }
    /* not referred (or no longer): no department reports back */
    c = a_case(TX_CASE_IN_PROGRESS);
    c.department_id = DEPT; /* referred once, since reported back */
    r.actor = &dept;
    EXPECT_REFUSED(c, r, 403, "forbidden");
    r.actor = &grid_worker; /* the handler, but not a department */
    EXPECT_REFUSED(c, r, 403, "forbidden");
}

static void test_notes_internal_by_staff_involved_public_also_by_the_reporter(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_IN_PROGRESS);
    c.handler = TX_HANDLER_PROPERTY_COMPANY;
    c.handler_id = PROPERTY;
    c.department_id = DEPT; /* referred once: the department stays involved */
    tx_case_request r = req(TX_CASE_NOTE, NULL);

    const tx_principal *staff[] = {&grid_worker, &community, &street, &property, &dept};
    for (int pub = 0; pub < 2; pub++)
        for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++) {
            r.actor = staff[i];
            r.public_note = pub;
            EXPECT_OK(c, r);
            assert_int_equal(out.public_event, pub);
            assert_int_equal(out.next.state, TX_CASE_IN_PROGRESS);
            assert_int_equal(out.clocks_started | out.clocks_stopped, 0);
        }
    r.actor = &reporter;
    r.public_note = 1;
    EXPECT_OK(c, r);
    assert_true(out.public_event);
    r.public_note = 0; /* internal notes are for staff */
    EXPECT_REFUSED(c, r, 403, "forbidden");

    const tx_principal *no[] = {&other_resident, &other_grid_worker, &other_community, &other_dept, &other_property,
                                &anonymous, &volunteer, &api_client, PLATFORM};
    for (int pub = 0; pub < 2; pub++)
        for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
            r.actor = no[i];
            r.public_note = pub;
            EXPECT_REFUSED(c, r, 403, "forbidden");
        }

    r.actor = &community;
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "text");
}

static void test_final_states_take_notes_and_nothing_else_but_reopening_a_closed_case(void **state)
{
    (void)state;
    const tx_case_state finals[] = {TX_CASE_CLOSED, TX_CASE_MERGED, TX_CASE_INVALID};
    for (size_t i = 0; i < 3; i++)
        for (int a = 0; a < TX_CASE__ACTION_COUNT; a++) {
            tx_case c;
            tx_case_request r;
            ask_allowed(finals[i], (tx_case_action)a, &c, &r);
            if (a == TX_CASE_NOTE || (a == TX_CASE_REOPEN && finals[i] == TX_CASE_CLOSED))
                EXPECT_OK(c, r);
            else
                EXPECT_REFUSED(c, r, 409, "case_state");
        }
}

static void test_the_platform_itself_may_only_close_and_escalate(void **state)
{
    (void)state;
    for (int s = 0; s < TX_CASE__STATE_COUNT; s++)
        for (int a = 0; a < TX_CASE__ACTION_COUNT; a++) {
            if (a == TX_CASE_CLOSE || a == TX_CASE_ESCALATE || expected[s][a] == X)
                continue;
            tx_case c;
            tx_case_request r;
            ask_allowed((tx_case_state)s, (tx_case_action)a, &c, &r);
            r.actor = PLATFORM;
            EXPECT_REFUSED(c, r, 403, "forbidden");
        }
}

/* ==== contact: the response clock ==== */

static void test_first_contact_stops_the_response_clock_once(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_DISPATCHED);
    c.handler = TX_HANDLER_PROPERTY_COMPANY;
    c.handler_id = PROPERTY;
    tx_case_request r = req(TX_CASE_CONTACT, &property); /* the handler may make the call */
    EXPECT_OK(c, r);
    assert_int_equal(out.next.contacted_at, T0);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_RESPONSE);
    assert_int_equal(out.clocks_started, 0);
    assert_int_equal(out.next.state, TX_CASE_DISPATCHED);

    c = out.next;
    r.now_ms = T0 + HOUR;
    EXPECT_REFUSED(c, r, 409, "already_contacted"); /* later calls are notes */
    r.actor = &community;
    EXPECT_REFUSED(c, r, 409, "already_contacted");
    r.actor = &reporter;
    EXPECT_REFUSED(c, r, 403, "forbidden");
}

/* ==== refer: 首接负责 ==== */

static void test_refer_keeps_the_case_with_its_community_to_the_end(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_IN_PROGRESS); /* the grid worker found a broken public pipe */
    tx_case_request r = req(TX_CASE_REFER, &community);
    r.department_id = DEPT;
    r.due_ms = T0 + 7 * DAY;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_DISPATCHED);
    assert_int_equal(out.next.handler, TX_HANDLER_DEPARTMENT);
    assert_int_equal(out.next.handler_id, DEPT);
    assert_int_equal(out.next.department_id, DEPT);
    assert_int_equal(out.next.referral_due, T0 + 7 * DAY);
    assert_int_equal(out.next.tier, TX_TIER_COMMUNITY); /* the community takes it up */
    assert_int_equal(out.next.community_id, COMMUNITY);
    assert_int_equal(out.clocks_started, TX_CLOCK_REFERRAL);
    assert_int_equal(out.clocks_stopped, 0);
    assert_true(out.public_event);
    c = out.next;

    /* the community stays in charge: it may note, contact, resolve … */
    assert_true(tx_case_covers(&community, &c));
    r = req(TX_CASE_NOTE, &community);
    EXPECT_OK(c, r);
    r = req(TX_CASE_RESOLVE, &community);
    EXPECT_OK(c, r);
    /* … and the department does the work, but does not own the case */
    const tx_case_action not_dept[] = {TX_CASE_ESCALATE, TX_CASE_REFER};
    for (size_t i = 0; i < 2; i++) {
        r = req(not_dept[i], &dept);
        r.department_id = OTHER_DEPT;
        r.due_ms = T0 + DAY;
        EXPECT_REFUSED(c, r, 403, "forbidden");
    }

    r = req(TX_CASE_START, &dept);
    r.now_ms = T0 + 2 * DAY; /* inspects on 4 March */
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_IN_PROGRESS);
    assert_int_equal(out.next.referral_due, T0 + 7 * DAY); /* still running */
    assert_int_equal(out.clocks_stopped, 0);
    c = out.next;

    r = req(TX_CASE_REPORT_BACK, &dept);
    r.now_ms = T0 + 3 * DAY; /* repaired on 5 March */
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_IN_PROGRESS);
    assert_int_equal(out.next.handler, TX_HANDLER_COMMUNITY_OFFICE); /* back to the owner */
    assert_int_equal(out.next.handler_id, COMMUNITY);
    assert_int_equal(out.next.referral_due, 0);
    assert_int_equal(out.next.department_id, DEPT);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_REFERRAL);
    assert_true(out.public_event);
    c = out.next;

    /* the department may still add notes, no longer act */
    r = req(TX_CASE_NOTE, &dept);
    EXPECT_OK(c, r);
    r = req(TX_CASE_RESOLVE, &dept);
    EXPECT_REFUSED(c, r, 403, "forbidden");
    r = req(TX_CASE_RESOLVE, &community);
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_RESOLVED);
    assert_int_equal(out.next.community_id, COMMUNITY);
}

static void test_refer_at_street_tier_stays_at_street_tier(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_ACCEPTED);
    c.tier = TX_TIER_STREET;
    tx_case_request r = req(TX_CASE_REFER, &street);
    r.department_id = DEPT;
    r.due_ms = T0 + DAY;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.tier, TX_TIER_STREET);
    assert_int_equal(out.next.community_id, COMMUNITY);
}

static void test_refer_needs_a_department_and_a_deadline_after_now(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_ACCEPTED);
    tx_case_request r = req(TX_CASE_REFER, &community);
    r.due_ms = T0 + DAY;
    EXPECT_FIELD(c, r, 400, "missing_field", "department_id");
    r.department_id = DEPT;
    r.due_ms = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "due");
    r.due_ms = T0;
    EXPECT_FIELD(c, r, 400, "invalid_field", "due");
    r.due_ms = T0 - HOUR;
    EXPECT_FIELD(c, r, 400, "invalid_field", "due");
    r.due_ms = T0 + 1;
    EXPECT_OK(c, r);
}

static void test_re_referral_replaces_the_running_referral(void **state)
{
    (void)state;
    tx_case c = referred(TX_CASE_IN_PROGRESS);
    tx_case_request r = req(TX_CASE_REFER, &community);
    r.department_id = OTHER_DEPT;
    r.due_ms = T0 + 3 * DAY;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.handler_id, OTHER_DEPT);
    assert_int_equal(out.next.department_id, OTHER_DEPT);
    assert_int_equal(out.next.referral_due, T0 + 3 * DAY);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_REFERRAL);
    assert_int_equal(out.clocks_started, TX_CLOCK_REFERRAL);
}

static void test_a_department_that_returns_a_case_ends_its_referral(void **state)
{
    (void)state;
    tx_case c = referred(TX_CASE_DISPATCHED);
    tx_case_request r = req(TX_CASE_RETURN, &dept);
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "reason");
    r.has_text = 1;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_RETURNED);
    assert_int_equal(out.next.handler, TX_HANDLER_NONE);
    assert_int_equal(out.next.handler_id, 0);
    assert_int_equal(out.next.referral_due, 0);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_REFERRAL);
    assert_false(out.public_event); /* routing is internal */
    c = out.next;

    /* the community sends it elsewhere: to another department, or its grid */
    r = req(TX_CASE_REFER, &community);
    r.department_id = OTHER_DEPT;
    r.due_ms = T0 + DAY;
    EXPECT_OK(c, r);
    r = req(TX_CASE_DISPATCH, &community);
    r.handler = TX_HANDLER_GRID_WORKER;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_DISPATCHED);
}

static void test_resolving_a_referred_case_ends_the_referral_and_starts_the_rating_period(void **state)
{
    (void)state;
    tx_case c = referred(TX_CASE_IN_PROGRESS);
    tx_case_request r = req(TX_CASE_RESOLVE, &dept);
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "description");
    r.has_text = 1;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_RESOLVED);
    assert_int_equal(out.next.resolved_at, T0);
    assert_int_equal(out.next.referral_due, 0);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_HANDLING | TX_CLOCK_REFERRAL);
    assert_int_equal(out.clocks_started, TX_CLOCK_RATING);
}

static void test_report_back_needs_what_the_department_did(void **state)
{
    (void)state;
    tx_case c = referred(TX_CASE_IN_PROGRESS);
    tx_case_request r = req(TX_CASE_REPORT_BACK, &dept);
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "description");
}

/* ==== rating: 回访 ==== */

static void test_rating_closes_when_solved_and_not_unsatisfied_else_reopens(void **state)
{
    (void)state;
    static const struct {
        tx_case_solved solved;
        tx_case_satisfaction sat;
        tx_case_state want;
    } table[] = {
        {TX_SOLVED_YES, TX_SAT_SATISFIED, TX_CASE_CLOSED},
        {TX_SOLVED_YES, TX_SAT_BASICALLY_SATISFIED, TX_CASE_CLOSED},
        {TX_SOLVED_YES, TX_SAT_UNSATISFIED, TX_CASE_REOPENED},
        {TX_SOLVED_NO, TX_SAT_SATISFIED, TX_CASE_REOPENED},
        {TX_SOLVED_NO, TX_SAT_BASICALLY_SATISFIED, TX_CASE_REOPENED},
        {TX_SOLVED_NO, TX_SAT_UNSATISFIED, TX_CASE_REOPENED},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        tx_case c = a_case(TX_CASE_RESOLVED);
        tx_case_request r = req(TX_CASE_RATE, &reporter);
        r.has_text = 0; /* a comment is optional */
        r.solved = table[i].solved;
        r.satisfaction = table[i].sat;
        EXPECT_OK(c, r);
        if (out.next.state != table[i].want)
            fail_msg("%s / %s: %s, want %s", tx_case_solved_code(table[i].solved),
                     tx_case_satisfaction_code(table[i].sat), tx_case_state_code(out.next.state),
                     tx_case_state_code(table[i].want));
        assert_true(out.public_event);
        assert_int_equal(out.clocks_stopped, TX_CLOCK_RATING);
        if (table[i].want == TX_CASE_CLOSED) {
            assert_int_equal(out.next.closed_at, T0);
            assert_int_equal(out.clocks_started, 0);
        } else {
            assert_int_equal(out.next.closed_at, 0);
            assert_int_equal(out.clocks_started, TX_CLOCK_HANDLING); /* rework */
            assert_int_equal(out.next.handler, TX_HANDLER_GRID_WORKER); /* the same hands, unless re-dispatched */
        }
    }
}

static void test_staff_may_record_a_follow_up_calls_answer(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_RESOLVED);
    c.reporter_id = 0; /* reported by phone, no account */
    tx_case_request r = req(TX_CASE_RATE, &community);
    r.solved = TX_SOLVED_NO;
    r.satisfaction = TX_SAT_BASICALLY_SATISFIED;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_REOPENED);
    r.actor = &grid_worker;
    EXPECT_OK(c, r);
    /* without an account nobody is the reporter, not even user 0 */
    r.actor = &anonymous;
    EXPECT_REFUSED(c, r, 403, "forbidden");
    r.actor = &api_client;
    EXPECT_REFUSED(c, r, 403, "forbidden");
    /* the handler does not rate its own work */
    c = a_case(TX_CASE_RESOLVED);
    c.handler = TX_HANDLER_PROPERTY_COMPANY;
    c.handler_id = PROPERTY;
    r.actor = &property;
    EXPECT_REFUSED(c, r, 403, "forbidden");
    r.actor = &other_resident;
    EXPECT_REFUSED(c, r, 403, "forbidden");
}

static void test_rating_needs_both_answers(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_RESOLVED);
    tx_case_request r = req(TX_CASE_RATE, &reporter);
    r.satisfaction = TX_SAT_SATISFIED;
    EXPECT_FIELD(c, r, 400, "missing_field", "solved");
    r.solved = TX_SOLVED__COUNT;
    EXPECT_FIELD(c, r, 400, "invalid_field", "solved");
    r.solved = TX_SOLVED_YES;
    r.satisfaction = TX_SAT_UNANSWERED;
    EXPECT_FIELD(c, r, 400, "missing_field", "satisfaction");
    r.satisfaction = (tx_case_satisfaction)9;
    EXPECT_FIELD(c, r, 400, "invalid_field", "satisfaction");
}

/* ==== the rating period and auto-close ==== */

static void test_unrated_case_closes_itself_exactly_when_the_rating_period_ends(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_RESOLVED);
    c.resolved_at = T0;
    tx_case_request r = req(TX_CASE_CLOSE, PLATFORM);
    r.has_text = 0;

    r.now_ms = T0 + TX_CASE_DEFAULT_RATING_PERIOD_MS - 1;
    EXPECT_REFUSED(c, r, 409, "rating_period_open");
    r.now_ms = T0 + TX_CASE_DEFAULT_RATING_PERIOD_MS;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_CLOSED);
    assert_int_equal(out.next.closed_at, r.now_ms);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_RATING);
    assert_true(out.public_event);
    assert_int_equal(TX_CASE_DEFAULT_RATING_PERIOD_MS, 7 * DAY);

    /* a configured period */
    r.rating_period_ms = 3 * DAY;
    r.now_ms = T0 + 3 * DAY - 1;
    EXPECT_REFUSED(c, r, 409, "rating_period_open");
    r.now_ms = T0 + 3 * DAY;
    EXPECT_OK(c, r);
    r.rating_period_ms = -1;
    EXPECT_FIELD(c, r, 400, "invalid_field", "rating_period");
}

static void test_staff_may_close_early_with_a_reason(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_RESOLVED);
    c.resolved_at = T0 - HOUR;
    tx_case_request r = req(TX_CASE_CLOSE, &community);
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "reason");
    r.has_text = 1;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_CLOSED);
    assert_int_equal(out.next.closed_at, T0);
    r.actor = &reporter; /* the reporter answers by rating */
    EXPECT_REFUSED(c, r, 403, "forbidden");
}

static void test_a_closed_case_may_be_reopened_only_within_the_reopen_period(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_CLOSED);
    c.closed_at = T0;
    tx_case_request r = req(TX_CASE_REOPEN, &community);

    r.now_ms = T0 + TX_CASE_DEFAULT_REOPEN_PERIOD_MS - 1;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_REOPENED);
    assert_int_equal(out.next.closed_at, 0);
    assert_int_equal(out.clocks_started, TX_CLOCK_HANDLING);
    assert_int_equal(out.clocks_stopped, 0);
    r.now_ms = T0 + TX_CASE_DEFAULT_REOPEN_PERIOD_MS;
    EXPECT_REFUSED(c, r, 409, "reopen_period_over");

    r.reopen_period_ms = DAY;
    r.now_ms = T0 + DAY - 1;
    EXPECT_OK(c, r);
    r.now_ms = T0 + DAY;
    EXPECT_REFUSED(c, r, 409, "reopen_period_over");
    r.reopen_period_ms = -DAY;
    EXPECT_FIELD(c, r, 400, "invalid_field", "reopen_period");

    r.reopen_period_ms = 0;
    r.now_ms = T0 + HOUR;
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "reason");
}

static void test_reopening_a_resolved_case_ends_its_rating_period(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_RESOLVED);
    tx_case_request r = req(TX_CASE_REOPEN, &grid_worker);
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_REOPENED);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_RATING);
    assert_int_equal(out.clocks_started, TX_CLOCK_HANDLING);
    /* rework starts with the same handler, or goes to someone else */
    c = out.next;
    r = req(TX_CASE_START, &grid_worker);
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_IN_PROGRESS);
    r = req(TX_CASE_DISPATCH, &community);
    r.handler = TX_HANDLER_PROPERTY_COMPANY;
    r.handler_id = PROPERTY;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.handler, TX_HANDLER_PROPERTY_COMPANY);
}

/* ==== intake: accept, merge, invalidate ==== */

static void test_accept_stops_the_accept_clock_and_starts_the_handling_clock(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_SUBMITTED);
    tx_case_request r = req(TX_CASE_ACCEPT, &grid_worker);
    r.has_text = 0;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_ACCEPTED);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_ACCEPT);
    assert_int_equal(out.clocks_started, TX_CLOCK_HANDLING);
    assert_true(out.public_event);
}

static void test_merge_needs_another_live_case(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_SUBMITTED);
    tx_case_request r = req(TX_CASE_MERGE, &community);
    r.has_text = 0; /* a reason is optional: the target says it */
    EXPECT_FIELD(c, r, 400, "missing_field", "merge_into");
    r.merge_into = &c;
    EXPECT_FIELD(c, r, 400, "invalid_field", "merge_into");
    tx_case target = a_case(TX_CASE_MERGED);
    target.id = 2;
    r.merge_into = &target;
    EXPECT_FIELD(c, r, 409, "merge_target_state", "merge_into");
    target.state = TX_CASE_INVALID;
    EXPECT_REFUSED(c, r, 409, "merge_target_state");
    /* any other state is fine, even closed: the reporter is shown the answer */
    const tx_case_state ok[] = {TX_CASE_SUBMITTED, TX_CASE_IN_PROGRESS, TX_CASE_RESOLVED, TX_CASE_CLOSED};
    for (size_t i = 0; i < 4; i++) {
        target.state = ok[i];
        EXPECT_OK(c, r);
        assert_int_equal(out.next.state, TX_CASE_MERGED);
        assert_int_equal(out.next.merged_into, 2);
        assert_int_equal(out.clocks_stopped, TX_CLOCK_ACCEPT | TX_CLOCK_RESPONSE);
    }
}

static void test_invalidate_needs_a_reason_and_is_not_public(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_SUBMITTED);
    tx_case_request r = req(TX_CASE_INVALIDATE, &grid_worker);
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "reason");
    r.has_text = 1;
    EXPECT_OK(c, r);
    assert_int_equal(out.next.state, TX_CASE_INVALID);
    assert_false(out.public_event);
    assert_int_equal(out.clocks_stopped, TX_CLOCK_ACCEPT | TX_CLOCK_RESPONSE);
}

static void test_return_needs_the_reason_it_is_not_the_handlers(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_IN_PROGRESS);
    tx_case_request r = req(TX_CASE_RETURN, &grid_worker);
    r.has_text = 0;
    EXPECT_FIELD(c, r, 400, "missing_field", "reason");
}

/* ==== malformed requests ==== */

static void test_unknown_actions_bad_times_and_unknown_states_are_refused(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_SUBMITTED);
    tx_case_request r = req(TX_CASE__ACTION_COUNT, &community);
    EXPECT_FIELD(c, r, 400, "invalid_field", "action");
    r.action = (tx_case_action)-1;
    EXPECT_FIELD(c, r, 400, "invalid_field", "action");
    r = req(TX_CASE_ACCEPT, &community);
    r.now_ms = 0;
    EXPECT_FIELD(c, r, 400, "invalid_field", "now");
    r.now_ms = -5;
    EXPECT_FIELD(c, r, 400, "invalid_field", "now");
    r.now_ms = T0;
    c.state = TX_CASE__STATE_COUNT;
    EXPECT_REFUSED(c, r, 409, "case_state");
}

static void test_a_state_refusal_names_the_state_and_the_action(void **state)
{
    (void)state;
    tx_case c = a_case(TX_CASE_CLOSED);
    tx_case_request r = req(TX_CASE_DISPATCH, &community);
    EXPECT_REFUSED(c, r, 409, "case_state");
    assert_non_null(strstr(out.reason[0], "已结案"));
    assert_non_null(strstr(out.reason[0], "派单"));
    assert_non_null(strstr(out.reason[1], "closed"));
    assert_non_null(strstr(out.reason[1], "dispatch"));
}

/* ==== a whole case, as the article tells it ==== */

static void test_yulong_mingyuan_garbage_and_sewage_from_report_to_satisfied_reporter(void **state)
{
    (void)state;
    /* A resident reports garbage behind building 2 and a sewage smell. */
    tx_case c = a_case(TX_CASE_SUBMITTED);
    int64_t t = T0;
    tx_case_request r = req(TX_CASE_ACCEPT, &grid_worker);
#define STEP(action_req)                                                                                               \
    do {                                                                                                               \
        r = action_req;                                                                                                \
        r.now_ms = (t += HOUR);                                                                                        \
        EXPECT_OK(c, r);                                                                                               \
        c = out.next;                                                                                                  \
    } while (0)
    STEP(req(TX_CASE_ACCEPT, &grid_worker));
    STEP(req(TX_CASE_CONTACT, &grid_worker));
    assert_int_equal(c.contacted_at, t);
    /* outside the red line: not the property company's; the pipe is public */
    STEP(req(TX_CASE_ESCALATE, &grid_worker));
    assert_int_equal(c.tier, TX_TIER_COMMUNITY);
    assert_int_equal(c.state, TX_CASE_ACCEPTED);
    r = req(TX_CASE_REFER, &community);
    r.department_id = DEPT;
    r.due_ms = t + 7 * DAY;
    STEP(r);
    assert_int_equal(c.handler, TX_HANDLER_DEPARTMENT);
    STEP(req(TX_CASE_START, &dept));
    STEP(req(TX_CASE_REPORT_BACK, &dept));
    assert_int_equal(c.handler, TX_HANDLER_COMMUNITY_OFFICE);
    STEP(req(TX_CASE_RESOLVE, &community));
    assert_int_equal(c.state, TX_CASE_RESOLVED);
    r = req(TX_CASE_RATE, &reporter);
    r.solved = TX_SOLVED_YES;
    r.satisfaction = TX_SAT_SATISFIED;
    STEP(r);
    assert_int_equal(c.state, TX_CASE_CLOSED);
    assert_int_equal(c.community_id, COMMUNITY);
    assert_int_equal(c.department_id, DEPT);
#undef STEP
}

/* ==== runner ==== */

static pair pairs[TX_CASE__STATE_COUNT * TX_CASE__ACTION_COUNT];
static char names[TX_CASE__STATE_COUNT * TX_CASE__ACTION_COUNT][80];
static struct CMUnitTest transitions[TX_CASE__STATE_COUNT * TX_CASE__ACTION_COUNT];

int main(void)
{
    int n = 0;
    for (int s = 0; s < TX_CASE__STATE_COUNT; s++)
        for (int a = 0; a < TX_CASE__ACTION_COUNT; a++, n++) {
            pairs[n] = (pair){(tx_case_state)s, (tx_case_action)a};
            snprintf(names[n], sizeof names[n], "transition_%s_%s_%s", tx_case_state_code((tx_case_state)s),
                     tx_case_action_code((tx_case_action)a), expected[s][a] == X ? "refused" : "allowed");
            transitions[n] = (struct CMUnitTest){names[n], test_transition, NULL, NULL, &pairs[n]};
        }
    const struct CMUnitTest rules[] = {
        cmocka_unit_test(test_case_vocabularies_have_stable_codes_and_names_in_both_languages),
        cmocka_unit_test(test_escalation_walks_grid_to_community_to_street_and_stops_there),
        cmocka_unit_test(test_escalating_a_case_in_hand_sends_it_back_for_dispatch_at_the_new_tier),
        cmocka_unit_test(test_escalation_needs_the_reason_this_tier_cannot_solve_it),
        cmocka_unit_test(test_escalation_withdraws_a_running_referral),
        cmocka_unit_test(test_dispatch_never_sends_a_case_above_its_tier),
        cmocka_unit_test(test_dispatch_goes_to_the_cases_own_offices_and_a_named_property_company),
        cmocka_unit_test(test_staff_in_charge_are_its_grid_worker_at_grid_tier_its_community_and_its_street),
        cmocka_unit_test(test_actions_of_the_staff_in_charge_refuse_everyone_else),
        cmocka_unit_test(test_only_the_current_handler_starts_and_returns),
        cmocka_unit_test(test_resolve_is_for_the_handler_or_the_owning_community),
        cmocka_unit_test(test_refer_is_for_the_community_or_the_street),
        cmocka_unit_test(test_only_the_department_handling_it_reports_back),
        cmocka_unit_test(test_notes_internal_by_staff_involved_public_also_by_the_reporter),
        cmocka_unit_test(test_final_states_take_notes_and_nothing_else_but_reopening_a_closed_case),
        cmocka_unit_test(test_the_platform_itself_may_only_close_and_escalate),
        cmocka_unit_test(test_the_platform_escalates_an_overdue_case_with_its_reason),
        cmocka_unit_test(test_the_tracking_token_holder_is_the_reporter),
        cmocka_unit_test(test_first_contact_stops_the_response_clock_once),
        cmocka_unit_test(test_refer_keeps_the_case_with_its_community_to_the_end),
        cmocka_unit_test(test_refer_at_street_tier_stays_at_street_tier),
        cmocka_unit_test(test_refer_needs_a_department_and_a_deadline_after_now),
        cmocka_unit_test(test_re_referral_replaces_the_running_referral),
        cmocka_unit_test(test_a_department_that_returns_a_case_ends_its_referral),
        cmocka_unit_test(test_resolving_a_referred_case_ends_the_referral_and_starts_the_rating_period),
        cmocka_unit_test(test_report_back_needs_what_the_department_did),
        cmocka_unit_test(test_rating_closes_when_solved_and_not_unsatisfied_else_reopens),
        cmocka_unit_test(test_staff_may_record_a_follow_up_calls_answer),
        cmocka_unit_test(test_rating_needs_both_answers),
        cmocka_unit_test(test_unrated_case_closes_itself_exactly_when_the_rating_period_ends),
        cmocka_unit_test(test_staff_may_close_early_with_a_reason),
        cmocka_unit_test(test_a_closed_case_may_be_reopened_only_within_the_reopen_period),
        cmocka_unit_test(test_reopening_a_resolved_case_ends_its_rating_period),
        cmocka_unit_test(test_accept_stops_the_accept_clock_and_starts_the_handling_clock),
        cmocka_unit_test(test_merge_needs_another_live_case),
        cmocka_unit_test(test_invalidate_needs_a_reason_and_is_not_public),
        cmocka_unit_test(test_return_needs_the_reason_it_is_not_the_handlers),
        cmocka_unit_test(test_unknown_actions_bad_times_and_unknown_states_are_refused),
        cmocka_unit_test(test_a_state_refusal_names_the_state_and_the_action),
        cmocka_unit_test(test_yulong_mingyuan_garbage_and_sewage_from_report_to_satisfied_reporter),
    };
    int failed = _cmocka_run_group_tests("case_transitions", transitions, (size_t)n, NULL, NULL);
    failed += cmocka_run_group_tests_name("case_rules", rules, NULL, NULL);
    return failed ? 1 : 0;
}
