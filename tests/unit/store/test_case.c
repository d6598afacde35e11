/* Unit tests for src/store/sqlite/case.c: creating cases, loading them for
 * a decision, applying the domain's steps (the snapshot columns the
 * migration describes), reading them with and without personal data,
 * listing them per scope, finding near duplicates and the SLA sweep's
 * work, and their photos — on a temporary migrated database filled by SQL.
 *
 * Steps are decided by domain/case.c (tx_case_decide) as the API does, so
 * what is checked here is what the store makes of a real outcome. */
#include <math.h>
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

/* Areas: 淡水街道 (3) > 星河 (4) and 白云 (5); 白云 > grid BY-G01 (6) >
 * compound 御珑名苑 (7); another street 秋长 (11) > community 12. Categories
 * sewage (1) and noise (2). A department (18), another (19), a property
 * company (20). */
static const char fixture_sql[] =
    "INSERT INTO area (id, kind, code, name, parent_id) VALUES"
    " (2, 'district', 'HY', '惠阳区', NULL), (3, 'street', 'DS', '淡水街道', 2),"
    " (4, 'community', 'DS-XH', '星河社区', 3), (5, 'community', 'DS-BY', '白云社区', 3),"
    " (6, 'grid', 'DS-BY-G01', '白云第一网格', 5), (7, 'compound', 'DS-BY-K01', '御珑名苑', 6),"
    " (11, 'street', 'QC', '秋长街道', 2), (12, 'community', 'QC-A', '秋长社区', 11);"
    "INSERT INTO organisation (id, kind, code, name, area_id) VALUES"
    " (18, 'district_department', 'HY-SZDJ', '惠阳区市政和代建事务中心', 2),"
    " (19, 'district_department', 'HY-CGJ', '惠阳区城市管理和综合执法局', 2),"
    " (20, 'property_company', 'BY-PM01', '御珑物业服务有限公司', 5);"
    "INSERT INTO category (id, code, name, name_en, group_name, group_name_en) VALUES"
    " (1, 'sewage', '污水与排水', 'Sewage', '市政设施', 'Public works'),"
    " (2, 'noise', '噪音扰民', 'Noise', '社会治理', 'Community order');";

enum { STREET = 3, XINGHE = 4, BAIYUN = 5, GRID = 6, COMPOUND = 7, OTHER_STREET = 11, OTHER_COMMUNITY = 12 };
enum { SEWAGE = 1, NOISE = 2, DEPT = 18, OTHER_DEPT = 19, COMPANY = 20, REPORTER = 9001 };

#define MIN 60000LL
#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define T0 1773626400000LL /* 2026-03-16T10:00:00+08:00 */

#define PHONE "13900001234"
#define EMAIL "zhangsan@example.com"
#define NAME "张三丰"

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

/* ---- actors ---- */

static const tx_principal grid_worker = {
    .role = TX_ROLE_GRID_WORKER, .user_id = 11, .scope = {TX_SCOPE_AREA, GRID, ""}};
static const tx_principal community = {
    .role = TX_ROLE_COMMUNITY_STAFF, .user_id = 21, .scope = {TX_SCOPE_AREA, BAIYUN, ""}};
static const tx_principal xinghe_staff = {
    .role = TX_ROLE_COMMUNITY_STAFF, .user_id = 22, .scope = {TX_SCOPE_AREA, XINGHE, ""}};
/* the reporter, following the case by its tracking link */
static const tx_principal anonymous = {.role = TX_ROLE_ANONYMOUS};
static const tx_principal dept = {.role = TX_ROLE_DEPARTMENT_STAFF, .user_id = 61, .scope = {TX_SCOPE_ORG, DEPT, ""}};

/* ---- creating ---- */

typedef struct {
    int64_t street, community, grid, compound;
    int inside;
    int64_t category;
    const char *channel, *external_id, *description, *address;
    int has_point;
    double lat, lon;
    int64_t submitted, due_accept, due_contact, due_resolve;
    const tx_route_rule *rule; /* routing table of one rule, or none */
} spec;

/* A sewage report in 白云's grid at T0, with the usual deadlines. */
static spec baiyun(void)
{
    return (spec){.street = STREET,
                  .community = BAIYUN,
                  .grid = GRID,
                  .category = SEWAGE,
                  .channel = "web",
                  .description = "井盖缺失，污水外溢",
                  .address = "白云路 8 号",
                  .submitted = T0,
                  .due_accept = T0 + 2 * HOUR,
                  .due_contact = T0 + 4 * HOUR,
                  .due_resolve = T0 + 5 * DAY};
}

static int create(fixture *f, spec s, int64_t *id, int64_t *ev, tx_err *err)
{
    static int serial;
    char token[32];
    snprintf(token, sizeof token, "tok-%d", ++serial);
    tx_route_place p = {.street = {s.street, "街道"},
                        .community = {s.community, "社区"},
                        .grid = {s.grid, "网格"},
                        .compound = {s.compound, "小区"},
                        .inside_red_line = s.inside};
    if (s.inside) {
        p.property_company_id = COMPANY;
        p.property_company_name = "御珑物业服务有限公司";
    }
    tx_route_decision d;
    tx_route_decide(&p, s.category, s.rule, s.rule ? 1 : 0, &d);
    store_case_in in = {.category_id = s.category,
                        .description = s.description ? s.description : "井盖缺失",
                        .attributes = "{\"smell\": \"y\"}",
                        .has_point = s.has_point,
                        .lat = s.lat,
                        .lon = s.lon,
                        .address = s.address,
                        .channel = s.channel ? s.channel : "web",
                        .external_id = s.external_id,
                        .reporter_name = NAME,
                        .reporter_phone = PHONE,
                        .reporter_email = EMAIL,
                        .contact_ok = 1,
                        .reporter_user_id = REPORTER,
                        .street_id = s.street,
                        .community_id = s.community,
                        .grid_id = s.grid,
                        .compound_id = s.compound,
                        .inside_red_line = s.inside,
                        .route = &d,
                        .submitted_at = s.submitted ? s.submitted : T0,
                        .due_accept = s.due_accept ? s.due_accept : T0 + 2 * HOUR,
                        .due_contact = s.due_contact ? s.due_contact : T0 + 4 * HOUR,
                        .due_resolve = s.due_resolve ? s.due_resolve : T0 + 5 * DAY,
                        .token_hash = token,
                        .actor = "reporter",
                        .actor_role = "reporter"};
    tx_err_clear(err);
    return store_case_create(f->c, &in, id, ev, err);
}

static int64_t must_create(fixture *f, spec s)
{
    int64_t id = -1, ev = -1;
    tx_err err;
    if (create(f, s, &id, &ev, &err))
        fail_msg("case create refused: %s [%s]", err.msg[TX_LANG_EN], err.field);
    assert_true(id > 0);
    assert_true(ev > 0);
    return id;
}

static store_case_state load(fixture *f, int64_t id)
{
    store_case_state b;
    tx_err err;
    tx_err_clear(&err);
    if (store_case_load(f->c, id, &b, &err))
        fail_msg("case load %lld: %s", (long long)id, err.msg[TX_LANG_EN]);
    return b;
}

/* A column of the case row; NULL reads as -1. */
static int64_t col(fixture *f, int64_t id, const char *column)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT coalesce(%s, -1) FROM cases WHERE id = %lld", column, (long long)id);
    return tmpdb_int(f->c, sql);
}

static int col_is(fixture *f, int64_t id, const char *column, const char *text)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s = '%s' FROM cases WHERE id = %lld", column, text, (long long)id);
    return tmpdb_int(f->c, sql) == 1;
}

/* ---- steps ---- */

typedef struct {
    tx_case_request r;
    const char *text;
    int64_t due_at, due_work; /* store_step_in's */
} act_in;

/* Decide r on the stored case with the domain and store the step. */
static store_case_state act(fixture *f, int64_t id, act_in a)
{
    store_case_state b = load(f, id);
    tx_case_outcome out;
    a.r.has_text = a.text != NULL;
    if (tx_case_decide(&b.snap, &a.r, &out) != 0)
        fail_msg("%s refused by the domain: %s", tx_case_action_code(a.r.action), out.reason[1]);
    store_step_in s = {.action = tx_case_action_code(a.r.action),
                       .actor = a.r.reporter_token ? "reporter"
                                : a.r.actor        ? "user:test"
                                                   : "platform",
                       .actor_role = a.r.reporter_token ? "reporter"
                                     : a.r.actor        ? "staff"
                                                        : "platform",
                       .at = a.r.now_ms,
                       .public_event = out.public_event,
                       .text = a.text,
                       .due_at = a.due_at,
                       .due_work = a.due_work};
    if (a.r.action == TX_CASE_RATE) {
        s.solved = tx_case_solved_code(a.r.solved);
        s.satisfaction = tx_case_satisfaction_code(a.r.satisfaction);
        s.comment = "谢谢";
    }
    int64_t ev = -1;
    tx_err err;
    tx_err_clear(&err);
    if (store_case_step(f->c, &b, &out, &s, &ev, &err))
        fail_msg("%s step: %s", s.action, err.msg[TX_LANG_EN]);
    assert_true(ev > 0);
    return load(f, id);
}

#define ACT(f, id, ...) act((f), (id), (act_in){__VA_ARGS__})
#define REQ(...) .r = {__VA_ARGS__}

static store_case_state accept(fixture *f, int64_t id, const tx_principal *who, int64_t at)
{
    return ACT(f, id, REQ(.action = TX_CASE_ACCEPT, .actor = who, .now_ms = at));
}

/* ---- reading ---- */

static json_t *get(fixture *f, int64_t id, int personal, int internal)
{
    json_t *o = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_case_get(f->c, id, personal, internal, &o, &err))
        fail_msg("case get %lld: %s", (long long)id, err.msg[TX_LANG_EN]);
    assert_non_null(o);
    return o;
}

static const char *iso(int64_t ms)
{
    static char buf[4][TX_TIME_STRLEN];
    static int i;
    return tx_time_format(ms, 480, buf[i++ % 4]);
}

static json_t *list(fixture *f, store_case_filter flt)
{
    if (flt.limit == 0)
        flt.limit = 100;
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_case_list(f->c, &flt, &out, &err))
        fail_msg("case list: %s", err.msg[TX_LANG_EN]);
    return out;
}

/* The ids of a list's items in order, as "a,b,c"; the total must be total. */
static void expect_list(fixture *f, store_case_filter flt, int total, const char *ids)
{
    json_t *out = list(f, flt);
    char got[512] = "";
    json_t *items = json_object_get(out, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        char one[24];
        snprintf(one, sizeof one, "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(json_array_get(items, i), "id")));
        strcat(got, one);
    }
    if (strcmp(got, ids) != 0 || json_integer_value(json_object_get(out, "total")) != total)
        fail_msg("list: got [%s] total %lld, want [%s] total %d", got,
                 (long long)json_integer_value(json_object_get(out, "total")), ids, total);
    json_decref(out);
}

/* "a,b,c" of ids */
static const char *ids(int n, ...)
{
    static char buf[8][256];
    static int k;
    char *s = buf[k++ % 8];
    s[0] = '\0';
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        char one[24];
        snprintf(one, sizeof one, "%s%lld", i ? "," : "", (long long)va_arg(ap, int64_t));
        strcat(s, one);
    }
    va_end(ap);
    return s;
}

/* ---- create and load ------------------------------------------------------ */

static void test_case_create_and_load_round_trip(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    s.compound = COMPOUND;
    s.inside = 1;
    tx_route_rule r = {.id = 77,
                       .category_id = SEWAGE,
                       .where = TX_WHERE_INSIDE,
                       .handler = TX_HANDLER_PROPERTY_COMPANY,
                       .tier = TX_TIER_GRID,
                       .note = {"", ""}};
    s.rule = &r;
    int64_t id = must_create(f, s);
    store_case_state b = load(f, id);
    assert_int_equal(b.snap.id, id);
    assert_int_equal(b.snap.state, TX_CASE_SUBMITTED);
    assert_int_equal(b.snap.tier, TX_TIER_GRID);
    assert_int_equal(b.snap.handler, TX_HANDLER_NONE); /* routed, not yet dispatched */
    assert_int_equal(b.snap.handler_id, 0);
    assert_int_equal(b.snap.grid_id, GRID);
    assert_int_equal(b.snap.community_id, BAIYUN);
    assert_int_equal(b.snap.street_id, STREET);
    assert_int_equal(b.snap.reporter_id, REPORTER);
    assert_int_equal(b.snap.contacted_at, 0);
    assert_int_equal(b.snap.department_id, 0);
    assert_int_equal(b.snap.referral_due, 0);
    assert_int_equal(b.snap.resolved_at, 0);
    assert_int_equal(b.snap.closed_at, 0);
    assert_int_equal(b.snap.merged_into, 0);
    assert_int_equal(b.category_id, SEWAGE);
    assert_true(strncmp(b.token_hash, "tok-", 4) == 0);
    assert_int_equal(b.submitted_at, T0);
    assert_int_equal(b.due_accept, T0 + 2 * HOUR);
    assert_int_equal(b.due_contact, T0 + 4 * HOUR);
    assert_int_equal(b.due_resolve, T0 + 5 * DAY);
    assert_int_equal(b.due_work, T0 + 5 * DAY);
    assert_int_equal(b.due_at, T0 + 2 * HOUR); /* accepting governs while submitted */
    assert_int_equal(b.accepted_at, 0);
    assert_int_equal(b.compound_id, COMPOUND);
    assert_string_equal(b.route_handler, "property_company");
    assert_int_equal(b.route_handler_id, COMPANY);
    assert_int_equal(b.left_community, 0);
    assert_int_equal(col(f, id, "open"), 1);
    assert_int_equal(col(f, id, "route_rule_id"), 77);
    assert_int_equal(col(f, id, "event_count"), 1);
    assert_int_equal(col(f, id, "reopened_count"), 0);
    /* the token finds it, another does not */
    int64_t found = -1;
    tx_err err;
    assert_int_equal(store_case_by_token(f->c, b.token_hash, &found, &err), 0);
    assert_int_equal(found, id);
    assert_int_equal(store_case_by_token(f->c, "tok-nope", &found, &err), 0);
    assert_int_equal(found, 0);
    /* its one event: the report */
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM case_event WHERE action = 'report' AND from_state IS NULL "
                                     "AND to_state = 'submitted' AND public = 1"),
                     1);
}

static void test_case_load_of_an_unknown_id_is_404(void **state)
{
    fixture *f = *state;
    store_case_state b;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_case_load(f->c, 4242, &b, &err), -1);
    assert_int_equal(err.status, 404);
    json_t *o = NULL;
    tx_err_clear(&err);
    assert_int_equal(store_case_get(f->c, 4242, 1, 1, &o, &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_case_external_id_is_unique_per_channel(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    s.channel = "hotline";
    s.external_id = "12345-2026-000001";
    int64_t first = must_create(f, s);
    int64_t id = -7, ev = -7;
    tx_err err;
    assert_int_equal(create(f, s, &id, &ev, &err), -1);
    assert_int_equal(err.status, 409);
    assert_string_equal(err.code, "duplicate");
    assert_string_equal(err.field, "external_id");
    assert_non_null(strstr(err.msg[TX_LANG_EN], "12345-2026-000001"));
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM cases"), 1);
    /* the same number from another channel is another case */
    s.channel = "open311";
    int64_t other = must_create(f, s);
    assert_int_not_equal(other, first);
    /* cases without a number never collide */
    s.external_id = NULL;
    must_create(f, s);
    must_create(f, s);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM cases"), 4);
}

/* ---- steps ------------------------------------------------------------------ */

static void test_case_steps_through_a_grid_case_update_the_snapshot(void **state)
{
    fixture *f = *state;
    int64_t id = must_create(f, baiyun());
    /* accept: the handling period governs from now on */
    store_case_state b = accept(f, id, &grid_worker, T0 + 1 * HOUR);
    assert_int_equal(b.snap.state, TX_CASE_ACCEPTED);
    assert_int_equal(b.accepted_at, T0 + 1 * HOUR);
    assert_int_equal(b.due_at, T0 + 5 * DAY);
    assert_int_equal(col(f, id, "open"), 1);
    assert_int_equal(col(f, id, "resolved_tier"), -1); /* not resolved yet */
    /* contact */
    b = ACT(f, id, REQ(.action = TX_CASE_CONTACT, .actor = &grid_worker, .now_ms = T0 + 2 * HOUR));
    assert_int_equal(b.snap.contacted_at, T0 + 2 * HOUR);
    assert_int_equal(col(f, id, "contacted_at"), T0 + 2 * HOUR);
    /* dispatch to the grid worker, start */
    b = ACT(f, id,
            REQ(.action = TX_CASE_DISPATCH, .actor = &grid_worker, .now_ms = T0 + 3 * HOUR,
                .handler = TX_HANDLER_GRID_WORKER));
    assert_int_equal(b.snap.state, TX_CASE_DISPATCHED);
    assert_int_equal(b.snap.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(b.snap.handler_id, GRID);
    b = ACT(f, id, REQ(.action = TX_CASE_START, .actor = &grid_worker, .now_ms = T0 + 4 * HOUR));
    assert_int_equal(b.snap.state, TX_CASE_IN_PROGRESS);
    assert_int_equal(b.accepted_at, T0 + 1 * HOUR); /* kept */
    assert_int_equal(b.due_at, T0 + 5 * DAY);
    /* resolve: waiting for the rating, for the rating period */
    b = ACT(f, id, REQ(.action = TX_CASE_RESOLVE, .actor = &grid_worker, .now_ms = T0 + DAY), .text = "已疏通");
    assert_int_equal(b.snap.state, TX_CASE_RESOLVED);
    assert_int_equal(b.snap.resolved_at, T0 + DAY);
    assert_int_equal(col(f, id, "open"), 2);
    assert_true(col_is(f, id, "resolved_tier", "grid"));
    assert_int_equal(b.due_at, T0 + DAY + TX_CASE_DEFAULT_RATING_PERIOD_MS);
    assert_int_equal(b.left_community, 0);
    /* rated solved and satisfied: closed, done */
    b = ACT(f, id,
            REQ(.action = TX_CASE_RATE, .actor = &anonymous, .reporter_token = 1, .now_ms = T0 + 2 * DAY,
                .solved = TX_SOLVED_YES, .satisfaction = TX_SAT_SATISFIED));
    assert_int_equal(b.snap.state, TX_CASE_CLOSED);
    assert_int_equal(b.snap.closed_at, T0 + 2 * DAY);
    assert_int_equal(col(f, id, "open"), 0);
    assert_true(col_is(f, id, "solved", "yes"));
    assert_true(col_is(f, id, "satisfaction", "satisfied"));
    assert_true(col_is(f, id, "rating_comment", "谢谢"));
    assert_int_equal(col(f, id, "rated_at"), T0 + 2 * DAY);
    assert_int_equal(col(f, id, "reopened_count"), 0);
    assert_int_equal(col(f, id, "left_community"), 0);
    /* reopened by staff within the period: handled again, counted */
    b = ACT(f, id, REQ(.action = TX_CASE_REOPEN, .actor = &community, .now_ms = T0 + 3 * DAY), .text = "又堵了");
    assert_int_equal(b.snap.state, TX_CASE_REOPENED);
    assert_int_equal(b.snap.closed_at, 0);
    assert_int_equal(col(f, id, "closed_at"), -1);
    assert_int_equal(col(f, id, "open"), 1);
    assert_int_equal(col(f, id, "reopened_count"), 1);
    /* a note in the reopened state does not count it again */
    ACT(f, id, REQ(.action = TX_CASE_NOTE, .actor = &community, .now_ms = T0 + 3 * DAY + HOUR), .text = "已派人");
    assert_int_equal(col(f, id, "reopened_count"), 1);
    assert_int_equal(col(f, id, "accepted_at"), T0 + 1 * HOUR);
    assert_int_equal(col(f, id, "contacted_at"), T0 + 2 * HOUR);
    /* the rework goes up a tier: the tier it was resolved at stays on record
     * until it is resolved again */
    b = ACT(f, id, REQ(.action = TX_CASE_ESCALATE, .actor = &community, .now_ms = T0 + 3 * DAY + 2 * HOUR),
            .text = "网格处理不了");
    assert_int_equal(b.snap.tier, TX_TIER_COMMUNITY);
    assert_true(col_is(f, id, "resolved_tier", "grid"));
    /* every step is an event, and the row counts them */
    assert_int_equal(col(f, id, "event_count"), 10);
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_event WHERE case_id = %lld", (long long)id);
    assert_int_equal(tmpdb_int(f->c, sql), 10);
    assert_int_equal(col(f, id, "updated_at"), T0 + 3 * DAY + 2 * HOUR);
    /* the events carry the snapshot after each step */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM case_event WHERE case_id = %lld AND action = 'resolve' AND from_state = "
             "'in_progress' AND to_state = 'resolved' AND handler = 'grid_worker' AND handler_id = %d",
             (long long)id, GRID);
    assert_int_equal(tmpdb_int(f->c, sql), 1);
}

static void test_case_unsatisfied_ratings_reopen_and_are_counted_each_time(void **state)
{
    fixture *f = *state;
    int64_t id = must_create(f, baiyun());
    accept(f, id, &community, T0 + HOUR);
    int64_t t = T0 + 2 * HOUR;
    for (int round = 1; round <= 2; round++) {
        ACT(f, id,
            REQ(.action = TX_CASE_DISPATCH, .actor = &community, .now_ms = t, .handler = TX_HANDLER_GRID_WORKER));
        ACT(f, id, REQ(.action = TX_CASE_RESOLVE, .actor = &grid_worker, .now_ms = t + HOUR), .text = "处理了");
        assert_int_equal(col(f, id, "open"), 2);
        store_case_state b =
            ACT(f, id,
                REQ(.action = TX_CASE_RATE, .actor = &anonymous, .reporter_token = 1, .now_ms = t + 2 * HOUR,
                    .solved = TX_SOLVED_NO, .satisfaction = TX_SAT_UNSATISFIED));
        assert_int_equal(b.snap.state, TX_CASE_REOPENED);
        assert_int_equal(col(f, id, "open"), 1);
        assert_int_equal(col(f, id, "reopened_count"), round);
        assert_true(col_is(f, id, "solved", "no"));
        t += DAY;
    }
}

static void test_case_referral_leaves_the_community_and_its_deadline_governs(void **state)
{
    fixture *f = *state;
    int64_t id = must_create(f, baiyun());
    accept(f, id, &community, T0 + HOUR);
    assert_int_equal(col(f, id, "left_community"), 0);
    /* referred to the department with a deadline later than the working one */
    store_case_state b = ACT(f, id,
                             REQ(.action = TX_CASE_REFER, .actor = &community, .now_ms = T0 + 2 * HOUR,
                                 .department_id = DEPT, .due_ms = T0 + 10 * DAY));
    assert_int_equal(b.snap.state, TX_CASE_DISPATCHED);
    assert_int_equal(b.snap.handler, TX_HANDLER_DEPARTMENT);
    assert_int_equal(b.snap.handler_id, DEPT);
    assert_int_equal(b.snap.department_id, DEPT);
    assert_int_equal(b.snap.referral_due, T0 + 10 * DAY);
    assert_int_equal(b.snap.tier, TX_TIER_COMMUNITY);
    assert_int_equal(b.due_at, T0 + 10 * DAY); /* the department's deadline while referred */
    assert_int_equal(b.left_community, 1);
    /* the department reports back: back with the community, the referral over */
    b = ACT(f, id, REQ(.action = TX_CASE_REPORT_BACK, .actor = &dept, .now_ms = T0 + 3 * DAY), .text = "已修复管网");
    assert_int_equal(b.snap.handler, TX_HANDLER_COMMUNITY_OFFICE);
    assert_int_equal(b.snap.handler_id, BAIYUN);
    assert_int_equal(b.snap.referral_due, 0);
    assert_int_equal(col(f, id, "referral_due"), -1);
    assert_int_equal(b.snap.department_id, DEPT); /* kept as record */
    assert_int_equal(b.left_community, 1);        /* "at some point": it stays set */
    int64_t due_after_report_back = b.due_at;
    b = ACT(f, id, REQ(.action = TX_CASE_RESOLVE, .actor = &community, .now_ms = T0 + 4 * DAY), .text = "验收通过");
    assert_true(col_is(f, id, "resolved_tier", "community"));
    assert_int_equal(b.left_community, 1);
    /* handled again by the community after the report back: the working
     * deadline governed, not the finished referral's */
    if (due_after_report_back != T0 + 5 * DAY)
        fail_msg("after report_back due_at was %s (the ended referral's deadline is %s), want the working "
                 "deadline %s",
                 iso(due_after_report_back), iso(T0 + 10 * DAY), iso(T0 + 5 * DAY));
}

static void test_case_referral_with_an_earlier_deadline_then_the_working_one(void **state)
{
    fixture *f = *state;
    int64_t id = must_create(f, baiyun());
    accept(f, id, &community, T0 + HOUR);
    store_case_state b = ACT(f, id,
                             REQ(.action = TX_CASE_REFER, .actor = &community, .now_ms = T0 + 2 * HOUR,
                                 .department_id = DEPT, .due_ms = T0 + 3 * DAY));
    assert_int_equal(b.due_at, T0 + 3 * DAY);
    b = ACT(f, id, REQ(.action = TX_CASE_REPORT_BACK, .actor = &dept, .now_ms = T0 + 2 * DAY), .text = "已修复");
    assert_int_equal(b.due_at, T0 + 5 * DAY);
}

static void test_case_escalation_to_the_street_leaves_the_community(void **state)
{
    fixture *f = *state;
    int64_t id = must_create(f, baiyun());
    accept(f, id, &grid_worker, T0 + HOUR);
    store_case_state b = ACT(f, id, REQ(.action = TX_CASE_ESCALATE, .actor = &grid_worker, .now_ms = T0 + 2 * HOUR),
                             .text = "网格解决不了");
    assert_int_equal(b.snap.tier, TX_TIER_COMMUNITY);
    assert_int_equal(b.snap.state, TX_CASE_ACCEPTED);
    assert_int_equal(col(f, id, "escalated_count"), 1);
    assert_int_equal(b.left_community, 0); /* still the community's */
    b = ACT(f, id, REQ(.action = TX_CASE_ESCALATE, .actor = &community, .now_ms = T0 + 3 * HOUR),
            .text = "社区解决不了");
    assert_int_equal(b.snap.tier, TX_TIER_STREET);
    assert_int_equal(col(f, id, "escalated_count"), 2);
    assert_int_equal(b.left_community, 1);
    /* resolved by the street office: at street tier */
    ACT(f, id,
        REQ(.action = TX_CASE_DISPATCH, .actor = &community, .now_ms = T0 + 4 * HOUR,
            .handler = TX_HANDLER_STREET_OFFICE));
    ACT(f, id, REQ(.action = TX_CASE_RESOLVE, .actor = &community, .now_ms = T0 + 5 * HOUR), .text = "街道协调解决");
    assert_true(col_is(f, id, "resolved_tier", "street"));
    assert_int_equal(col(f, id, "left_community"), 1);
}

static void test_case_the_sweeps_later_deadline_governs_until_resolved(void **state)
{
    fixture *f = *state;
    int64_t id = must_create(f, baiyun());
    accept(f, id, &grid_worker, T0 + HOUR);
    /* a reminder (催办) is recorded on the row for the current deadline */
    store_case_state b = load(f, id);
    tx_case_outcome same = {.next = b.snap};
    store_step_in remind = {.action = "remind",
                            .actor = "platform",
                            .actor_role = "platform",
                            .at = T0 + 5 * DAY - HOUR,
                            .text = "临近办理时限",
                            .due_at = b.due_at};
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_case_step(f->c, &b, &same, &remind, NULL, &err), 0);
    assert_int_equal(col(f, id, "reminded_at"), T0 + 5 * DAY - HOUR);
    assert_int_equal(col(f, id, "due_at"), T0 + 5 * DAY);
    assert_true(col_is(f, id, "state", "accepted"));
    /* overdue: the platform escalates it with a new working period */
    b = ACT(f, id, REQ(.action = TX_CASE_ESCALATE, .now_ms = T0 + 6 * DAY), .text = "逾期未办结，自动上报",
            .due_work = T0 + 9 * DAY);
    assert_int_equal(b.due_at, T0 + 9 * DAY);
    assert_int_equal(b.due_work, T0 + 9 * DAY);
    assert_int_equal(b.due_resolve, T0 + 5 * DAY);   /* the SLA as first set stays on record */
    assert_int_equal(col(f, id, "reminded_at"), -1); /* a new deadline: not reminded yet */
    /* later steps keep the later deadline */
    b = ACT(f, id,
            REQ(.action = TX_CASE_DISPATCH, .actor = &community, .now_ms = T0 + 6 * DAY + HOUR,
                .handler = TX_HANDLER_COMMUNITY_OFFICE));
    assert_int_equal(b.due_at, T0 + 9 * DAY);
    b = ACT(f, id, REQ(.action = TX_CASE_START, .actor = &community, .now_ms = T0 + 6 * DAY + 2 * HOUR));
    assert_int_equal(b.due_at, T0 + 9 * DAY);

    /* a report nobody accepted in time: escalated with a new accepting
     * deadline, then accepted above: the working deadline governs */
    int64_t late = must_create(f, baiyun());
    b = ACT(f, late, REQ(.action = TX_CASE_ESCALATE, .now_ms = T0 + 3 * HOUR), .text = "逾期未受理，自动上报",
            .due_at = T0 + 5 * HOUR);
    assert_int_equal(b.snap.state, TX_CASE_SUBMITTED);
    assert_int_equal(b.snap.tier, TX_TIER_COMMUNITY);
    assert_int_equal(b.due_at, T0 + 5 * HOUR);
    b = ACT(f, late, REQ(.action = TX_CASE_NOTE, .actor = &community, .now_ms = T0 + 4 * HOUR), .text = "看一下");
    assert_int_equal(b.due_at, T0 + 5 * HOUR); /* still to be accepted by then */
    b = accept(f, late, &community, T0 + 4 * HOUR);
    assert_int_equal(b.due_at, T0 + 5 * DAY);
}

static void test_case_invalid_and_merged_are_done_but_never_accepted(void **state)
{
    fixture *f = *state;
    int64_t target = must_create(f, baiyun());
    int64_t spam = must_create(f, baiyun());
    int64_t dup = must_create(f, baiyun());
    store_case_state b =
        ACT(f, spam, REQ(.action = TX_CASE_INVALIDATE, .actor = &community, .now_ms = T0 + HOUR), .text = "广告");
    assert_int_equal(b.snap.state, TX_CASE_INVALID);
    assert_int_equal(col(f, spam, "open"), 0);
    assert_int_equal(b.accepted_at, 0);
    store_case_state t = load(f, target);
    b = ACT(f, dup, REQ(.action = TX_CASE_MERGE, .actor = &community, .now_ms = T0 + HOUR, .merge_into = &t.snap));
    assert_int_equal(b.snap.state, TX_CASE_MERGED);
    assert_int_equal(b.snap.merged_into, target);
    assert_int_equal(col(f, dup, "open"), 0);
    assert_int_equal(b.accepted_at, 0);
    assert_int_equal(col(f, target, "open"), 1);
}

/* ---- get ---------------------------------------------------------------------- */

static void test_case_get_shows_personal_data_only_when_asked(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    s.channel = "hotline";
    s.external_id = "HL-778899";
    int64_t id = must_create(f, s);
    accept(f, id, &community, T0 + HOUR);
    ACT(f, id, REQ(.action = TX_CASE_CONTACT, .actor = &community, .now_ms = T0 + 2 * HOUR));
    for (int internal = 0; internal <= 1; internal++) {
        json_t *o = get(f, id, 0, internal);
        assert_null(json_object_get(o, "reporter"));
        char *text = json_dumps(o, JSON_COMPACT);
        assert_non_null(text);
        if (strstr(text, PHONE) || strstr(text, EMAIL) || strstr(text, NAME))
            fail_msg("personal data without with_personal (internal %d): %s", internal, text);
        free(text);
        json_decref(o);
    }
    json_t *o = get(f, id, 1, 0);
    json_t *rep = json_object_get(o, "reporter");
    assert_non_null(rep);
    assert_string_equal(json_string_value(json_object_get(rep, "phone")), PHONE);
    assert_string_equal(json_string_value(json_object_get(rep, "email")), EMAIL);
    assert_string_equal(json_string_value(json_object_get(rep, "name")), NAME);
    assert_true(json_is_true(json_object_get(rep, "contact_ok")));
    /* the hotline's number is internal */
    assert_null(json_object_get(o, "external_id"));
    json_decref(o);
    o = get(f, id, 0, 1);
    assert_string_equal(json_string_value(json_object_get(o, "external_id")), "HL-778899");
    json_decref(o);
}

static void test_case_get_shows_the_case_and_its_public_timeline(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    s.has_point = 1;
    s.lat = 22.78;
    s.lon = 114.47;
    tx_route_rule r = {.id = 5,
                       .category_id = SEWAGE,
                       .where = TX_WHERE_ANY,
                       .handler = TX_HANDLER_DEPARTMENT,
                       .org_id = DEPT,
                       .org_name = "惠阳区市政和代建事务中心",
                       .tier = TX_TIER_COMMUNITY,
                       .note = {"公共污水管网", "public sewer"}};
    s.rule = &r;
    int64_t id = must_create(f, s);
    accept(f, id, &community, T0 + HOUR);
    ACT(f, id, REQ(.action = TX_CASE_NOTE, .actor = &community, .now_ms = T0 + 2 * HOUR, .public_note = 0),
        .text = "内部：联系市政");
    ACT(f, id, REQ(.action = TX_CASE_NOTE, .actor = &community, .now_ms = T0 + 3 * HOUR, .public_note = 1),
        .text = "已联系市政部门");
    ACT(f, id,
        REQ(.action = TX_CASE_DISPATCH, .actor = &community, .now_ms = T0 + 4 * HOUR,
            .handler = TX_HANDLER_COMMUNITY_OFFICE));
    ACT(f, id, REQ(.action = TX_CASE_RETURN, .actor = &community, .now_ms = T0 + 5 * HOUR), .text = "不是社区的");

    json_t *o = get(f, id, 0, 0);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), id);
    assert_string_equal(json_string_value(json_object_get(o, "service_code")), "sewage");
    assert_string_equal(json_string_value(json_object_get(o, "service_name")), "污水与排水");
    assert_string_equal(json_string_value(json_object_get(o, "state")), "returned");
    assert_string_equal(json_string_value(json_object_get(o, "tier")), "community"); /* as routed */
    assert_string_equal(json_string_value(json_object_get(o, "channel")), "web");
    assert_string_equal(json_string_value(json_object_get(o, "submitted_at")), iso(T0));
    assert_true(fabs(json_real_value(json_object_get(o, "lat")) - 22.78) < 1e-9);
    assert_true(fabs(json_real_value(json_object_get(o, "long")) - 114.47) < 1e-9);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "community"), "name")), "白云社区");
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "attributes"), "smell")), "y");
    json_t *routing = json_object_get(o, "routing");
    assert_non_null(routing);
    assert_int_equal(json_integer_value(json_object_get(routing, "rule_id")), 5);
    assert_string_equal(json_string_value(json_object_get(json_object_get(routing, "handler"), "kind")), "department");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(json_object_get(routing, "handler"), "of"), "id")), DEPT);
    assert_non_null(strstr(json_string_value(json_object_get(routing, "reason_en")), "public sewer"));
    assert_non_null(strstr(json_string_value(json_object_get(routing, "reason")), "公共污水管网"));
    json_t *dl = json_object_get(o, "deadlines");
    assert_string_equal(json_string_value(json_object_get(dl, "accept")), iso(T0 + 2 * HOUR));
    assert_string_equal(json_string_value(json_object_get(dl, "resolve")), iso(T0 + 5 * DAY));
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "times"), "accepted_at")), iso(T0 + HOUR));
    /* the public timeline: report, accept, the public note, dispatch — not
     * the internal note, not the return */
    json_t *tl = json_object_get(o, "timeline");
    char got[200] = "";
    for (size_t i = 0; i < json_array_size(tl); i++) {
        json_t *e = json_array_get(tl, i);
        strcat(got, json_string_value(json_object_get(e, "action")));
        strcat(got, " ");
        assert_null(json_object_get(e, "actor")); /* who acted is for staff */
    }
    assert_string_equal(got, "report accept note dispatch ");
    char *text = json_dumps(o, JSON_COMPACT);
    assert_null(strstr(text, "内部：联系市政"));
    assert_null(strstr(text, "不是社区的"));
    free(text);
    json_decref(o);
    /* staff see all six, with who acted */
    o = get(f, id, 0, 1);
    tl = json_object_get(o, "timeline");
    assert_int_equal(json_array_size(tl), 6);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 2), "text")), "内部：联系市政");
    assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 5), "action")), "return");
    assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 1), "actor")), "user:test");
    json_decref(o);
}

/* ---- list ---------------------------------------------------------------------- */

static int64_t with_due(fixture *f, spec s, int64_t due_accept)
{
    s.due_accept = due_accept;
    return must_create(f, s);
}

static void test_case_list_orders_open_cases_by_deadline_then_id(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    int64_t c1 = with_due(f, s, T0 + 3 * HOUR);
    int64_t c2 = with_due(f, s, T0 + 1 * HOUR);
    int64_t c3 = with_due(f, s, T0 + 2 * HOUR);
    int64_t c4 = with_due(f, s, T0 + 1 * HOUR); /* ties with c2: by id */
    int64_t c5 = with_due(f, s, T0 + 4 * HOUR);
    ACT(f, c5, REQ(.action = TX_CASE_INVALIDATE, .actor = &community, .now_ms = T0 + 10 * MIN), .text = "广告");
    /* open ones soonest first; the done one after them (queues: open first) */
    expect_list(f, (store_case_filter){.area_id = STREET, .area_kind = "street"}, 5, ids(5, c2, c4, c3, c1, c5));
    /* paging keeps the total */
    expect_list(f, (store_case_filter){.area_id = STREET, .area_kind = "street", .limit = 2, .offset = 1}, 5,
                ids(2, c4, c3));
    expect_list(f, (store_case_filter){.area_id = STREET, .area_kind = "street", .open_only = 1}, 4,
                ids(4, c2, c4, c3, c1));
    /* a deadline moved by a step moves the case in the queue */
    accept(f, c2, &community, T0 + 30 * MIN); /* now due in 5 days */
    expect_list(f, (store_case_filter){.area_id = STREET, .area_kind = "street", .open_only = 1}, 4,
                ids(4, c4, c3, c1, c2));
}

static void test_case_list_by_scope(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    int64_t grid_a = must_create(f, s);
    int64_t grid_b = must_create(f, s);
    spec ng = baiyun();
    ng.grid = 0;
    int64_t no_grid = must_create(f, ng);
    spec xh = baiyun();
    xh.community = XINGHE;
    xh.grid = 0;
    int64_t xinghe = must_create(f, xh);
    spec nc = baiyun();
    nc.community = 0;
    nc.grid = 0;
    int64_t no_community = must_create(f, nc);
    spec other = baiyun();
    other.street = OTHER_STREET;
    other.community = OTHER_COMMUNITY;
    other.grid = 0;
    int64_t elsewhere = must_create(f, other);
    /* handlers: grid_a with the grid worker, no_grid with the community
     * office, grid_b referred to the department and back, xinghe referred
     * to another department */
    accept(f, grid_a, &grid_worker, T0 + HOUR);
    ACT(f, grid_a,
        REQ(.action = TX_CASE_DISPATCH, .actor = &grid_worker, .now_ms = T0 + 2 * HOUR,
            .handler = TX_HANDLER_GRID_WORKER));
    accept(f, no_grid, &community, T0 + HOUR);
    ACT(f, no_grid,
        REQ(.action = TX_CASE_DISPATCH, .actor = &community, .now_ms = T0 + 2 * HOUR,
            .handler = TX_HANDLER_COMMUNITY_OFFICE));
    accept(f, grid_b, &community, T0 + HOUR);
    ACT(f, grid_b,
        REQ(.action = TX_CASE_REFER, .actor = &community, .now_ms = T0 + 2 * HOUR, .department_id = DEPT,
            .due_ms = T0 + 3 * DAY));
    accept(f, xinghe, &xinghe_staff, T0 + HOUR);
    ACT(f, xinghe,
        REQ(.action = TX_CASE_REFER, .actor = &xinghe_staff, .now_ms = T0 + 2 * HOUR, .department_id = OTHER_DEPT,
            .due_ms = T0 + 4 * DAY));

    json_t *all = list(f, (store_case_filter){0});
    assert_int_equal(json_integer_value(json_object_get(all, "total")), 6);
    json_decref(all);
    json_t *st = list(f, (store_case_filter){.area_id = STREET, .area_kind = "street"});
    assert_int_equal(json_integer_value(json_object_get(st, "total")), 5);
    json_t *items = json_object_get(st, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        assert_int_not_equal(json_integer_value(json_object_get(json_array_get(items, i), "id")), elsewhere);
    json_decref(st);
    expect_list(f, (store_case_filter){.area_id = OTHER_STREET, .area_kind = "street"}, 1, ids(1, elsewhere));
    /* queue order in 白云: the grid_b referral (3 days), then the 5-day ones by id */
    expect_list(f, (store_case_filter){.area_id = BAIYUN, .area_kind = "community"}, 3,
                ids(3, grid_b, grid_a, no_grid));
    expect_list(f, (store_case_filter){.area_id = GRID, .area_kind = "grid"}, 2, ids(2, grid_b, grid_a));
    expect_list(f, (store_case_filter){.area_id = XINGHE, .area_kind = "community"}, 1, ids(1, xinghe));
    expect_list(f, (store_case_filter){.handler = TX_HANDLER_GRID_WORKER, .handler_id = GRID}, 1, ids(1, grid_a));
    expect_list(f, (store_case_filter){.handler = TX_HANDLER_COMMUNITY_OFFICE, .handler_id = BAIYUN}, 1,
                ids(1, no_grid));
    expect_list(f, (store_case_filter){.handler = TX_HANDLER_DEPARTMENT, .handler_id = DEPT}, 1, ids(1, grid_b));
    expect_list(f, (store_case_filter){.department_id = DEPT}, 1, ids(1, grid_b));
    expect_list(f, (store_case_filter){.department_id = OTHER_DEPT}, 1, ids(1, xinghe));
    /* after reporting back, the department no longer holds it but it was
     * referred there before: still in the department's list */
    ACT(f, grid_b, REQ(.action = TX_CASE_REPORT_BACK, .actor = &dept, .now_ms = T0 + DAY), .text = "已修复");
    expect_list(f, (store_case_filter){.handler = TX_HANDLER_DEPARTMENT, .handler_id = DEPT}, 0, "");
    expect_list(f, (store_case_filter){.department_id = DEPT}, 1, ids(1, grid_b));
    expect_list(f, (store_case_filter){.handler = TX_HANDLER_COMMUNITY_OFFICE, .handler_id = BAIYUN}, 2,
                ids(2, grid_b, no_grid)); /* by deadline: both 5 days, then id */
    /* the report outside every community is the street's */
    expect_list(f, (store_case_filter){.area_id = STREET, .area_kind = "street", .state = "submitted"}, 1,
                ids(1, no_community));
}

static void test_case_list_open_filter_and_public_view(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    int64_t handling = with_due(f, s, T0 + 1 * HOUR);
    int64_t resolved = with_due(f, s, T0 + 2 * HOUR);
    int64_t closed = with_due(f, s, T0 + 3 * HOUR);
    int64_t invalid = with_due(f, s, T0 + 4 * HOUR);
    int64_t merged = with_due(f, s, T0 + 5 * HOUR);
    for (int k = 0; k < 2; k++) {
        int64_t id = k ? closed : resolved;
        accept(f, id, &community, T0 + HOUR);
        ACT(f, id,
            REQ(.action = TX_CASE_DISPATCH, .actor = &community, .now_ms = T0 + HOUR,
                .handler = TX_HANDLER_GRID_WORKER));
        ACT(f, id, REQ(.action = TX_CASE_RESOLVE, .actor = &community, .now_ms = T0 + 2 * HOUR), .text = "好了");
    }
    ACT(f, closed,
        REQ(.action = TX_CASE_RATE, .actor = &anonymous, .reporter_token = 1, .now_ms = T0 + 3 * HOUR,
            .solved = TX_SOLVED_YES, .satisfaction = TX_SAT_BASICALLY_SATISFIED));
    ACT(f, invalid, REQ(.action = TX_CASE_INVALIDATE, .actor = &community, .now_ms = T0 + HOUR), .text = "广告");
    store_case_state t = load(f, handling);
    ACT(f, merged, REQ(.action = TX_CASE_MERGE, .actor = &community, .now_ms = T0 + HOUR, .merge_into = &t.snap));

    store_case_filter flt = {.area_id = BAIYUN, .area_kind = "community"};
    flt.open_only = 1;
    expect_list(f, flt, 1, ids(1, handling));
    flt.open_only = 2;
    expect_list(f, flt, 1, ids(1, resolved));
    flt.open_only = 3;
    expect_list(f, flt, 2, ids(2, handling, resolved));
    flt.open_only = 0;
    json_t *out = list(f, flt);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 5);
    json_decref(out);
    /* the public sees neither spam nor duplicates, but sees closed cases */
    flt.public_view = 1;
    out = list(f, flt);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 3);
    for (size_t i = 0; i < 3; i++) {
        json_int_t id = json_integer_value(json_object_get(json_array_get(items, i), "id"));
        assert_true(id != invalid && id != merged);
        assert_null(json_object_get(json_array_get(items, i), "reporter"));
    }
    json_decref(out);
    flt.area_id = 0;
    flt.area_kind = NULL;
    out = list(f, flt);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
    json_decref(out);
    /* merged items say into what */
    out = list(f, (store_case_filter){.state = "merged"});
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "merged_into")), handling);
    json_decref(out);
}

/* Status "any" merges the cases being handled and those awaiting the
 * rating by deadline, then the finished ones; a page may span the two. */
static void test_case_list_merges_open_cases_then_finished_ones(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    int64_t soon = with_due(f, s, T0 + 1 * HOUR);
    int64_t resolved = with_due(f, s, T0 + 2 * HOUR);
    int64_t late = with_due(f, s, T0 + 30 * DAY); /* after the rating period of the resolved one */
    int64_t spam = with_due(f, s, T0 + 3 * HOUR);
    accept(f, resolved, &community, T0 + HOUR);
    ACT(f, resolved,
        REQ(.action = TX_CASE_DISPATCH, .actor = &community, .now_ms = T0 + HOUR, .handler = TX_HANDLER_GRID_WORKER));
    ACT(f, resolved, REQ(.action = TX_CASE_RESOLVE, .actor = &community, .now_ms = T0 + 2 * HOUR), .text = "好了");
    ACT(f, spam, REQ(.action = TX_CASE_INVALIDATE, .actor = &community, .now_ms = T0 + HOUR), .text = "广告");
    store_case_filter flt = {.area_id = BAIYUN, .area_kind = "community"};
    expect_list(f, flt, 4, ids(4, soon, resolved, late, spam));
    flt.limit = 2;
    flt.offset = 1;
    expect_list(f, flt, 4, ids(2, resolved, late));
    flt.offset = 2;
    expect_list(f, flt, 4, ids(2, late, spam)); /* across the open / finished boundary */
    flt.offset = 4;
    expect_list(f, flt, 4, "");
    flt.offset = 0;
    flt.open_only = 3;
    expect_list(f, flt, 3, ids(2, soon, resolved));
}

/* The public list is the most recent first, whatever the deadlines. */
static void test_case_list_public_is_most_recent_first(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    int64_t a = with_due(f, s, T0 + 3 * HOUR);
    int64_t b = with_due(f, s, T0 + 1 * HOUR);
    int64_t c = with_due(f, s, T0 + 2 * HOUR);
    expect_list(f, (store_case_filter){.public_view = 1}, 3, ids(3, c, b, a));
    expect_list(f, (store_case_filter){.public_view = 1, .area_id = BAIYUN, .area_kind = "community", .limit = 2,
                                       .offset = 1},
                3, ids(2, b, a));
    expect_list(f, (store_case_filter){.public_view = 1, .area_id = XINGHE, .area_kind = "community"}, 0, "");
}

/* Counts stop at 10,000 and say so: counting a street's every open case
 * for a queue's badge read them all. */
static void test_case_list_count_stops_at_the_cap(void **state)
{
    fixture *f = *state;
    int64_t one = must_create(f, baiyun());
    /* 10,000 copies of the case, by SQL (creating them one by one takes long under the sanitizers) */
    sqlite3_stmt *cols;
    assert_int_equal(sqlite3_prepare_v2(f->c->db, "SELECT name FROM pragma_table_info('cases')", -1, &cols, NULL),
                     SQLITE_OK);
    char sql[4096] = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) "
                     "INSERT INTO cases SELECT ";
    int first = 1;
    while (sqlite3_step(cols) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(cols, 0);
        const char *v = strcmp(name, "id") == 0 ? "NULL" : strcmp(name, "token_hash") == 0 ? "token_hash || n.i" : name;
        snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "%s%s", first ? "" : ", ", v);
        first = 0;
    }
    sqlite3_finalize(cols);
    char tail[64];
    snprintf(tail, sizeof tail, " FROM cases, n WHERE cases.id = %lld", (long long)one);
    strcat(sql, tail);
    char *msg = NULL;
    if (sqlite3_exec(f->c->db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("copies: %s", msg);
    json_t *out = list(f, (store_case_filter){.area_id = BAIYUN, .area_kind = "community", .limit = 5});
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 10000);
    assert_true(json_is_true(json_object_get(out, "total_capped")));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 5);
    json_decref(out);
    out = list(f, (store_case_filter){.area_id = XINGHE, .area_kind = "community"});
    assert_true(json_is_false(json_object_get(out, "total_capped")));
    json_decref(out);
}

static void test_case_list_other_filters(void **state)
{
    fixture *f = *state;
    spec s = baiyun();
    int64_t a = with_due(f, s, T0 + 1 * HOUR);
    s.category = NOISE;
    s.description = "夜间施工噪音";
    s.address = "金湖路 3 号";
    s.submitted = T0 + DAY;
    int64_t b = with_due(f, s, T0 + DAY + 2 * HOUR);
    expect_list(f, (store_case_filter){.category_id = NOISE}, 1, ids(1, b));
    expect_list(f, (store_case_filter){.category_id = SEWAGE}, 1, ids(1, a));
    expect_list(f, (store_case_filter){.q = "噪音"}, 1, ids(1, b));
    expect_list(f, (store_case_filter){.q = "白云路"}, 1, ids(1, a)); /* the address */
    expect_list(f, (store_case_filter){.q = "不存在"}, 0, "");
    expect_list(f, (store_case_filter){.since = T0 + HOUR}, 1, ids(1, b));
    expect_list(f, (store_case_filter){.overdue_at = T0 + 2 * HOUR}, 1, ids(1, a));
    expect_list(f, (store_case_filter){.due_before = T0 + DAY + 3 * HOUR}, 2, ids(2, a, b));
    expect_list(f, (store_case_filter){.state = "submitted"}, 2, ids(2, a, b));
    expect_list(f, (store_case_filter){.state = "accepted"}, 0, "");
}

static void test_case_list_refuses_an_area_that_is_no_queue(void **state)
{
    fixture *f = *state;
    must_create(f, baiyun());
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    store_case_filter flt = {.area_id = COMPOUND, .area_kind = "compound", .limit = 10};
    assert_int_equal(store_case_list(f->c, &flt, &out, &err), -1);
    assert_null(out);
    assert_int_equal(err.status, 400);
}

/* ---- nearby ---------------------------------------------------------------------- */

/* Metres per degree of latitude on the sphere of the mean Earth radius. */
#define M_PER_DEG (6371008.8 * 3.14159265358979323846 / 180)
#define LAT0 22.78
#define LON0 114.47

static int64_t at_point(fixture *f, int64_t category, double north_m, double east_m)
{
    spec s = baiyun();
    s.category = category;
    s.has_point = 1;
    s.lat = LAT0 + north_m / M_PER_DEG;
    s.lon = LON0 + east_m / (M_PER_DEG * cos(LAT0 * 3.14159265358979323846 / 180));
    return must_create(f, s);
}

static json_t *nearby(fixture *f, int64_t category, int radius, int64_t except, int limit)
{
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_case_nearby(f->c, category, LAT0, LON0, radius, except, limit, &out, &err))
        fail_msg("nearby: %s", err.msg[TX_LANG_EN]);
    return out;
}

static void expect_near(const json_t *item, int64_t id, int metres)
{
    assert_non_null(item);
    assert_int_equal(json_integer_value(json_object_get(item, "id")), id);
    json_int_t d = json_integer_value(json_object_get(item, "distance_m"));
    if (d < metres - 1 || d > metres + 1)
        fail_msg("case %lld: %lld m, want about %d", (long long)id, (long long)d, metres);
}

static void test_case_nearby_finds_open_cases_of_the_category_nearest_first(void **state)
{
    fixture *f = *state;
    int64_t far = at_point(f, SEWAGE, 130, 0);
    int64_t sixty = at_point(f, SEWAGE, -60, 0);
    int64_t east = at_point(f, SEWAGE, 0, 80);
    int64_t thirty = at_point(f, SEWAGE, 30, 0);
    int64_t other_category = at_point(f, NOISE, 10, 0);
    int64_t diagonal = at_point(f, SEWAGE, 80, 80); /* 113 m: in the box, outside the circle */
    int64_t done = at_point(f, SEWAGE, 5, 0);
    ACT(f, done, REQ(.action = TX_CASE_INVALIDATE, .actor = &community, .now_ms = T0 + HOUR), .text = "重复");
    spec nopoint = baiyun();
    must_create(f, nopoint);
    json_t *out = nearby(f, SEWAGE, 100, 0, 10);
    assert_int_equal(json_array_size(out), 3);
    expect_near(json_array_get(out, 0), thirty, 30);
    expect_near(json_array_get(out, 1), sixty, 60);
    expect_near(json_array_get(out, 2), east, 80);
    json_t *first = json_array_get(out, 0);
    assert_string_equal(json_string_value(json_object_get(first, "state")), "submitted");
    assert_string_equal(json_string_value(json_object_get(first, "description")), "井盖缺失，污水外溢");
    assert_string_equal(json_string_value(json_object_get(first, "submitted_at")), iso(T0));
    json_decref(out);
    /* the case itself is left out */
    out = nearby(f, SEWAGE, 100, thirty, 10);
    assert_int_equal(json_array_size(out), 2);
    expect_near(json_array_get(out, 0), sixty, 60);
    json_decref(out);
    /* at most limit, the nearest */
    out = nearby(f, SEWAGE, 100, 0, 1);
    assert_int_equal(json_array_size(out), 1);
    expect_near(json_array_get(out, 0), thirty, 30);
    json_decref(out);
    /* a wider radius reaches the far ones, still in order */
    out = nearby(f, SEWAGE, 200, 0, 10);
    assert_int_equal(json_array_size(out), 5);
    expect_near(json_array_get(out, 3), diagonal, 113);
    expect_near(json_array_get(out, 4), far, 130);
    json_decref(out);
    /* the other category */
    out = nearby(f, NOISE, 100, 0, 10);
    assert_int_equal(json_array_size(out), 1);
    expect_near(json_array_get(out, 0), other_category, 10);
    json_decref(out);
}

static void test_case_nearby_finds_a_case_just_inside_the_radius(void **state)
{
    /* The largest duplicate radius a category may have is 5 km: a case 3 m
     * inside it, due north or due east, is within the radius. */
    fixture *f = *state;
    int64_t north = at_point(f, SEWAGE, 4997, 0);
    int64_t east = at_point(f, SEWAGE, 0, -4997);
    at_point(f, SEWAGE, 5003, 0);
    json_t *out = nearby(f, SEWAGE, 5000, 0, 10);
    size_t n = json_array_size(out);
    int has_north = 0, has_east = 0;
    for (size_t i = 0; i < n; i++) {
        json_int_t id = json_integer_value(json_object_get(json_array_get(out, i), "id"));
        has_north |= id == north;
        has_east |= id == east;
        assert_true(json_integer_value(json_object_get(json_array_get(out, i), "distance_m")) <= 5000);
    }
    json_decref(out);
    if (!has_north || !has_east)
        fail_msg("a case 4997 m away is not found within 5000 m (north %d, east %d)", has_north, has_east);
}

/* ---- due ------------------------------------------------------------------------ */

static int64_t due_case(fixture *f, int open, int64_t due_at, const char *tier, int64_t reminded_at)
{
    int64_t id = must_create(f, baiyun());
    char sql[200];
    snprintf(sql, sizeof sql,
             "UPDATE cases SET open = %d, due_at = %lld, tier = '%s', reminded_at = nullif(%lld, 0) "
             "WHERE id = %lld",
             open, (long long)due_at, tier, (long long)reminded_at, (long long)id);
    tmpdb_exec(f->c, sql);
    return id;
}

static int has_id(const int64_t *a, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (a[i] == id)
            return 1;
    return 0;
}

static void test_case_due_lists_what_the_sweep_must_look_at(void **state)
{
    fixture *f = *state;
    const int64_t now = T0 + 10 * DAY, remind = 4 * HOUR;
    int64_t want[6];
    int nw = 0;
    /* overdue below the street: escalate, reminded or not */
    want[nw++] = due_case(f, 1, now - HOUR, "grid", 0);
    want[nw++] = due_case(f, 1, now - HOUR, "community", now - 2 * HOUR);
    /* overdue at the street: once, to remind */
    want[nw++] = due_case(f, 1, now - HOUR, "street", 0);
    int64_t street_reminded = due_case(f, 1, now - HOUR, "street", now - 2 * HOUR);
    /* near its deadline and not reminded */
    want[nw++] = due_case(f, 1, now + 2 * HOUR, "grid", 0);
    want[nw++] = due_case(f, 1, now + remind - MIN, "street", 0);
    int64_t near_reminded = due_case(f, 1, now + 2 * HOUR, "grid", now - HOUR);
    int64_t later = due_case(f, 1, now + remind + MIN, "grid", 0);
    /* resolved: the rating period is over, or not */
    int64_t rating_over = due_case(f, 2, now - MIN, "grid", 0);
    int64_t rating_open = due_case(f, 2, now + MIN, "grid", 0);
    int64_t done = due_case(f, 0, now - DAY, "grid", 0);

    int64_t *got = NULL;
    int n = -1;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_case_due(f->c, now, remind, 100, &got, &n, &err), 0);
    assert_int_equal(n, nw + 1);
    for (int i = 0; i < nw; i++)
        if (!has_id(got, n, want[i]))
            fail_msg("case %lld (#%d) is not due", (long long)want[i], i);
    assert_true(has_id(got, n, rating_over));
    assert_false(has_id(got, n, street_reminded));
    assert_false(has_id(got, n, near_reminded));
    assert_false(has_id(got, n, later));
    assert_false(has_id(got, n, rating_open));
    assert_false(has_id(got, n, done));
    free(got);
    /* at most limit, all of them due */
    got = NULL;
    assert_int_equal(store_case_due(f->c, now, remind, 3, &got, &n, &err), 0);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++)
        assert_true(has_id(want, nw, got[i]) || got[i] == rating_over);
    free(got);
}

/* ---- photos ---------------------------------------------------------------------- */

#define HASH_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define HASH_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

static void test_case_photos_belong_to_their_case(void **state)
{
    fixture *f = *state;
    int64_t ev = -1, id = -1, other = must_create(f, baiyun());
    tx_err err;
    assert_int_equal(create(f, baiyun(), &id, &ev, &err), 0);
    assert_int_equal(store_case_add_photo(f->c, id, ev, HASH_A, "image/jpeg", 12345, T0, &err), 0);
    assert_int_equal(store_case_add_photo(f->c, id, 0, HASH_B, "image/png", 999, T0, &err), 0);
    char mime[32] = "";
    assert_int_equal(store_case_photo(f->c, id, HASH_A, mime, &err), 0);
    assert_string_equal(mime, "image/jpeg");
    assert_int_equal(store_case_photo(f->c, id, HASH_B, mime, &err), 0);
    assert_string_equal(mime, "image/png");
    /* not another case's, nor an unknown one */
    tx_err_clear(&err);
    assert_int_equal(store_case_photo(f->c, other, HASH_A, mime, &err), -1);
    assert_int_equal(err.status, 404);
    tx_err_clear(&err);
    assert_int_equal(store_case_photo(f->c, id, "00", mime, &err), -1);
    assert_int_equal(err.status, 404);
    /* the case shows them in order */
    json_t *o = get(f, id, 0, 0);
    json_t *ph = json_object_get(o, "photos");
    assert_int_equal(json_array_size(ph), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ph, 0), "hash")), HASH_A);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(ph, 0), "bytes")), 12345);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(ph, 0), "event_id")), ev);
    assert_true(json_is_null(json_object_get(json_array_get(ph, 1), "event_id")));
    json_decref(o);
    o = get(f, other, 0, 0);
    assert_int_equal(json_array_size(json_object_get(o, "photos")), 0);
    json_decref(o);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_case_create_and_load_round_trip),
        T(test_case_load_of_an_unknown_id_is_404),
        T(test_case_external_id_is_unique_per_channel),
        T(test_case_steps_through_a_grid_case_update_the_snapshot),
        T(test_case_unsatisfied_ratings_reopen_and_are_counted_each_time),
        T(test_case_referral_leaves_the_community_and_its_deadline_governs),
        T(test_case_referral_with_an_earlier_deadline_then_the_working_one),
        T(test_case_escalation_to_the_street_leaves_the_community),
        T(test_case_the_sweeps_later_deadline_governs_until_resolved),
        T(test_case_invalid_and_merged_are_done_but_never_accepted),
        T(test_case_get_shows_personal_data_only_when_asked),
        T(test_case_get_shows_the_case_and_its_public_timeline),
        T(test_case_list_orders_open_cases_by_deadline_then_id),
        T(test_case_list_by_scope),
        T(test_case_list_open_filter_and_public_view),
        T(test_case_list_merges_open_cases_then_finished_ones),
        T(test_case_list_public_is_most_recent_first),
        T(test_case_list_count_stops_at_the_cap),
        T(test_case_list_other_filters),
        T(test_case_list_refuses_an_area_that_is_no_queue),
        T(test_case_nearby_finds_open_cases_of_the_category_nearest_first),
        T(test_case_nearby_finds_a_case_just_inside_the_radius),
        T(test_case_due_lists_what_the_sweep_must_look_at),
        T(test_case_photos_belong_to_their_case),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
