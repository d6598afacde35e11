/* Unit tests for src/store/sqlite/case_stats.c: the case counters kept up to
 * date by the writer's retract / apply calls, the figures read from them,
 * and the recompute from the events that audits (and repairs) them.
 *
 * Cases and their events are written by SQL here, around the two calls,
 * exactly in the order the writer of cases (sqlite/case.c) makes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/calendar.h"
#include "domain/case_metrics.h"
#include "store/case_stats.h"
#include "store/sqlite/case_stats.h"
#include "tmpdb.h"

typedef tmpdb_fixture fixture;

#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define T0 1773626400000LL /* 2026-03-16T10:00:00+08:00 */

/* 淡水街道 with two communities; 白云 has two grids and a compound. */
enum {
    STREET = 1,
    BAIYUN = 2,
    XINGHE = 3,
    GRID1 = 4,
    GRID2 = 5,
    COMPOUND = 6,
    XINGHE_GRID = 7,
    PROPERTY = 11,
    OTHER_PROPERTY = 12,
    DEPT = 13,
    GARBAGE = 21,
    SEWER = 22,
    NOISE = 23,
};

static const char fixture_sql[] =
    "INSERT INTO area (id, kind, code, name, parent_id) VALUES "
    "(1, 'street', 'DS', '淡水街道', NULL), (2, 'community', 'DS-BY', '白云社区', 1), "
    "(3, 'community', 'DS-XH', '星河社区', 1), (4, 'grid', 'DS-BY-G01', '白云第一网格', 2), "
    "(5, 'grid', 'DS-BY-G02', '白云第二网格', 2), (6, 'compound', 'DS-BY-G01-C01', '御珑名苑', 4), "
    "(7, 'grid', 'DS-XH-G01', '星河第一网格', 3);"
    "INSERT INTO organisation (id, kind, code, name) VALUES (11, 'property_company', 'PM-YL', '御珑物业'), "
    "(12, 'property_company', 'PM-XH', '星河物业'), (13, 'department', 'HY-SZDJ', '惠阳区市政和代建事务中心');"
    "INSERT INTO category (id, code, name, name_en, group_name, group_name_en) VALUES "
    "(21, 'garbage', '垃圾清运', 'Garbage collection', '市容环境', 'Environment'), "
    "(22, 'sewer', '污水管道', 'Sewer', '公共设施', 'Public facilities'), "
    "(23, 'noise', '噪音', 'Noise', '市容环境', 'Environment');";

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

static void exec(fixture *f, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    tmpdb_exec(f->c, sql);
}

static const char *sql_id(int64_t id, char buf[24])
{
    if (id == 0)
        return "NULL";
    snprintf(buf, 24, "%lld", (long long)id);
    return buf;
}

typedef struct {
    int64_t category, street, community, grid;
    const char *channel, *tier;
    int64_t at;
    const char *token; /* NULL: "t" and the id */
} report;

static report a_report(int64_t category, int64_t grid)
{
    return (report){category, STREET, grid == XINGHE_GRID ? XINGHE : BAIYUN, grid, "web", "grid", T0, NULL};
}

/* A new case with its report event, then apply (the intake's calls).
 * Deadlines: contact within 4 hours, resolve within 5 days. */
static int64_t new_case(fixture *f, report r)
{
    char s[24], cm[24], g[24], token[64];
    int64_t id = tmpdb_int(f->c, "SELECT coalesce(max(seq), 0) + 1 FROM sqlite_sequence WHERE name = 'cases'");
    if (id <= 0)
        id = 1;
    snprintf(token, sizeof token, "%s", r.token ? r.token : "");
    if (!r.token)
        snprintf(token, sizeof token, "t%lld-%lld", (long long)id, (long long)r.at);
    exec(f,
         "INSERT INTO cases (token_hash, category_id, description, channel, street_id, community_id, grid_id, "
         "route_handler, route_reason, route_reason_en, state, tier, submitted_at, due_accept, due_contact, due_resolve, "
         "due_work, due_at, updated_at, event_count) VALUES ('%s', %lld, 'x', '%s', %s, %s, %s, 'grid_worker', 'r', "
         "'r', 'submitted', '%s', %lld, %lld, %lld, %lld, %lld, %lld, %lld, 1)",
         token, (long long)r.category, r.channel, sql_id(r.street, s), sql_id(r.community, cm), sql_id(r.grid, g),
         r.tier, (long long)r.at, (long long)(r.at + 2 * HOUR), (long long)(r.at + 4 * HOUR),
         (long long)(r.at + 5 * DAY), (long long)(r.at + 5 * DAY), (long long)(r.at + 2 * HOUR), (long long)r.at);
    id = sqlite3_last_insert_rowid(f->c->db);
    exec(f,
         "INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, tier, handler, "
         "handler_id, public, data) VALUES (%lld, %lld, 'reporter', 'reporter', 'report', NULL, 'submitted', '%s', "
         "'none', NULL, 1, json_object('category_id', %lld, 'channel', '%s', 'street_id', %lld, 'community_id', %lld, "
         "'grid_id', %lld, 'compound_id', 0, 'due_accept', %lld, 'due_contact', %lld, 'due_resolve', %lld))",
         (long long)id, (long long)r.at, r.tier, (long long)r.category, r.channel, (long long)r.street,
         (long long)r.community, (long long)r.grid, (long long)(r.at + 2 * HOUR), (long long)(r.at + 4 * HOUR),
         (long long)(r.at + 5 * DAY));
    tx_err err;
    assert_int_equal(db_case_stats_apply(f->c, id, &err), 0);
    return id;
}

/* One step as the writer makes it: retract, UPDATE the row, INSERT the
 * event, apply. set: further "col = value" assignments for the row, "" for
 * none; data: the event's data JSON expression, or NULL. */
typedef struct {
    const char *action, *state, *tier, *handler;
    int64_t handler_id;
    const char *set;
    const char *data;
} step_in;

static void update_and_log(fixture *f, int64_t id, int64_t at, step_in s)
{
    char h[24], set[512] = "", num[24];
    /* "@at" in set stands for the step's time (an UPDATE reads the old row) */
    snprintf(num, sizeof num, "%lld", (long long)at);
    for (const char *p = s.set; *p;) {
        if (strncmp(p, "@at", 3) == 0) {
            strcat(set, num);
            p += 3;
        } else {
            strncat(set, p++, 1);
        }
    }
    s.set = set;
    exec(f,
         "UPDATE cases SET state = '%s', tier = '%s', handler = '%s', handler_id = %s, open = %d, updated_at = %lld, "
         "event_count = event_count + 1%s%s WHERE id = %lld",
         s.state, s.tier, s.handler, sql_id(s.handler_id, h),
         strcmp(s.state, "resolved") == 0 ? 2
         : strcmp(s.state, "closed") == 0 || strcmp(s.state, "merged") == 0 || strcmp(s.state, "invalid") == 0 ? 0
                                                                                                              : 1,
         (long long)at, *s.set ? ", " : "", s.set, (long long)id);
    exec(f,
         "INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, tier, handler, "
         "handler_id, public, data) SELECT %lld, %lld, 'user:x', 'community_staff', '%s', NULL, '%s', '%s', '%s', %s, "
         "1, %s",
         (long long)id, (long long)at, s.action, s.state, s.tier, s.handler, sql_id(s.handler_id, h),
         s.data ? s.data : "NULL");
}

static void step(fixture *f, int64_t id, int64_t at, step_in s)
{
    tx_err err;
    assert_int_equal(db_case_stats_retract(f->c, id, &err), 0);
    update_and_log(f, id, at, s);
    assert_int_equal(db_case_stats_apply(f->c, id, &err), 0);
}

#define STEP(f, id, at, ...) step((f), (id), (at), (step_in){__VA_ARGS__})

/* The figures for an area (0: everything) over 2026-03-01 … 2026-03-31. */
static json_t *figures_of(fixture *f, int64_t area, int64_t category, int64_t org)
{
    store_case_stats_filter q = {area, category, org, "2026-03-01", "2026-03-31", T0 + 30 * DAY};
    json_t *out = NULL;
    tx_err err;
    if (store_case_stats(f->c, &q, &out, &err) != 0)
        fail_msg("store_case_stats: %s", err.msg[TX_LANG_EN]);
    return out;
}

static long long count(json_t *o, const char *group, const char *key)
{
    json_t *g = json_object_get(o, group);
    json_t *v = json_object_get(g, key);
    if (!json_is_integer(v))
        fail_msg("%s.%s is not an integer", group, key);
    return (long long)json_integer_value(v);
}

static json_t *rate(json_t *o, const char *name)
{
    return json_object_get(json_object_get(o, "rates"), name);
}

static long long received(fixture *f, int64_t area, int64_t category, int64_t org)
{
    json_t *o = figures_of(f, area, category, org);
    long long n = count(o, "counts", "received");
    json_decref(o);
    return n;
}

static json_t *recompute(fixture *f, int fix)
{
    json_t *r = NULL;
    tx_err err;
    if (store_case_stats_recompute(f->c, fix, &r, &err) != 0)
        fail_msg("recompute: %s", err.msg[TX_LANG_EN]);
    return r;
}

static void assert_recompute_agrees(fixture *f)
{
    json_t *r = recompute(f, 0);
    if (json_integer_value(json_object_get(r, "differences_total")) != 0) {
        char *text = json_dumps(r, JSON_COMPACT);
        char copy[1024];
        snprintf(copy, sizeof copy, "%s", text);
        free(text);
        json_decref(r);
        fail_msg("the counters differ from the events: %s", copy);
    }
    assert_int_equal(json_array_size(json_object_get(r, "cases_without_report")), 0);
    assert_false(json_is_true(json_object_get(r, "fixed")));
    json_decref(r);
}

/* A whole life: accepted, contacted, dispatched to the property company,
 * started, resolved, rated solved and satisfied. */
static void handled_by_property(fixture *f, int64_t id, int64_t t)
{
    STEP(f, id, t + HOUR, "accept", "accepted", "grid", "none", 0, "accepted_at = accepted_at", NULL);
    STEP(f, id, t + 2 * HOUR, "contact", "accepted", "grid", "none", 0, "contacted_at = @at", NULL);
    STEP(f, id, t + 3 * HOUR, "dispatch", "dispatched", "grid", "property_company", PROPERTY, "",
         "json_object('handler', 'property_company', 'handler_id', 11)");
    STEP(f, id, t + 4 * HOUR, "start", "in_progress", "grid", "property_company", PROPERTY, "", NULL);
    STEP(f, id, t + DAY, "resolve", "resolved", "grid", "property_company", PROPERTY,
         "resolved_at = @at, resolved_tier = 'grid'", NULL);
    STEP(f, id, t + 2 * DAY, "rate", "closed", "grid", "property_company", PROPERTY,
         "solved = 'yes', satisfaction = 'satisfied', closed_at = @at",
         "json_object('solved', 'yes', 'satisfaction', 'satisfied')");
}

/* ---- the schema ---- */

static void test_the_table_has_one_column_per_counter_in_order(void **state)
{
    fixture *f = *state;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(f->c->db, "SELECT name, pk FROM pragma_table_info('case_stats') ORDER BY cid",
                                        -1, &st, NULL),
                     SQLITE_OK);
    static const char *const keys[] = {"org_id", "area_id", "day", "category_id"};
    int i = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (i < 4) {
            assert_string_equal(name, keys[i]);
            assert_int_equal(sqlite3_column_int(st, 1), i + 1);
        } else {
            assert_true(i - 4 < TX_CM__COUNT);
            assert_string_equal(name, tx_cm_counter_code((tx_cm_counter)(i - 4)));
        }
        i++;
    }
    sqlite3_finalize(st);
    assert_int_equal(i, 4 + TX_CM__COUNT);
}

/* ---- the live path ---- */

static void test_a_new_case_counts_in_its_street_community_and_grid(void **state)
{
    fixture *f = *state;
    new_case(f, a_report(GARBAGE, GRID1));
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM case_stats"), 3);
    assert_int_equal(received(f, STREET, 0, 0), 1);
    assert_int_equal(received(f, BAIYUN, 0, 0), 1);
    assert_int_equal(received(f, GRID1, 0, 0), 1);
    assert_int_equal(received(f, 0, 0, 0), 1);
    assert_int_equal(received(f, XINGHE, 0, 0), 0);
    assert_int_equal(received(f, GRID2, 0, 0), 0);
    json_t *o = figures_of(f, GRID1, 0, 0);
    assert_int_equal(count(o, "by_state", "submitted"), 1);
    assert_int_equal(count(o, "by_channel", "web"), 1);
    assert_int_equal(count(o, "counts", "valid"), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "area"), "code")), "DS-BY-G01");
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "area"), "kind")), "grid");
    json_decref(o);
    assert_recompute_agrees(f);
}

static void test_a_case_life_moves_the_counts_and_the_rates(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1));
    int64_t b = new_case(f, a_report(SEWER, GRID2));
    handled_by_property(f, a, T0);
    /* b: contacted late, still open */
    STEP(f, b, T0 + HOUR, "accept", "accepted", "grid", "none", 0, "", NULL);
    STEP(f, b, T0 + 5 * HOUR, "contact", "accepted", "grid", "none", 0, "contacted_at = @at", NULL);
    json_t *o = figures_of(f, BAIYUN, 0, 0);
    assert_int_equal(count(o, "counts", "received"), 2);
    assert_int_equal(count(o, "counts", "valid"), 2);
    assert_int_equal(count(o, "counts", "contacted"), 2);
    assert_int_equal(count(o, "counts", "responded_on_time"), 1);
    assert_int_equal(count(o, "counts", "resolved"), 1);
    assert_int_equal(count(o, "counts", "completed"), 1);
    assert_int_equal(count(o, "counts", "rated"), 1);
    assert_int_equal(count(o, "counts", "solved_no"), 0);
    assert_int_equal(count(o, "by_state", "closed"), 1);
    assert_int_equal(count(o, "by_state", "accepted"), 1);
    assert_int_equal(count(o, "by_state", "submitted"), 0);
    json_t *r = rate(o, "response");
    assert_true(json_real_value(json_object_get(r, "value")) == 0.5);
    assert_int_equal(json_integer_value(json_object_get(r, "numerator")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "denominator")), 2);
    assert_true(json_real_value(json_object_get(rate(o, "satisfaction"), "value")) == 1.0);
    assert_true(json_real_value(json_object_get(rate(o, "grid_closure"), "value")) == 1.0);
    assert_true(json_real_value(json_object_get(rate(o, "completion"), "value")) == 0.5);
    json_decref(o);
    /* the grids each see their own */
    o = figures_of(f, GRID2, 0, 0);
    assert_int_equal(count(o, "counts", "received"), 1);
    assert_true(json_is_null(json_object_get(rate(o, "resolution"), "value")));
    assert_int_equal(json_integer_value(json_object_get(rate(o, "resolution"), "denominator")), 0);
    json_decref(o);
    assert_recompute_agrees(f);
}

static void test_zero_denominators_are_null_rates(void **state)
{
    fixture *f = *state;
    json_t *o = figures_of(f, 0, 0, 0);
    static const char *const names[] = {"response", "resolution", "completion", "satisfaction",
                                        "on_time",  "grid_closure", "community_closure"};
    for (int i = 0; i < 7; i++) {
        json_t *r = rate(o, names[i]);
        assert_non_null(r);
        assert_true(json_is_null(json_object_get(r, "value")));
        assert_int_equal(json_integer_value(json_object_get(r, "numerator")), 0);
        assert_int_equal(json_integer_value(json_object_get(r, "denominator")), 0);
    }
    assert_int_equal(json_array_size(json_object_get(o, "by_category")), 0);
    assert_true(json_is_null(json_object_get(o, "area")));
    json_decref(o);
}

static void test_a_note_or_a_reminder_writes_no_counter(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1));
    STEP(f, a, T0 + HOUR, "accept", "accepted", "grid", "none", 0, "", NULL);
    int before = sqlite3_total_changes(f->c->db);
    tx_err err;
    assert_int_equal(db_case_stats_retract(f->c, a, &err), 0);
    exec(f, "UPDATE cases SET updated_at = updated_at + 1, event_count = event_count + 1 WHERE id = %lld",
         (long long)a);
    assert_int_equal(db_case_stats_apply(f->c, a, &err), 0);
    assert_int_equal(sqlite3_total_changes(f->c->db) - before, 1); /* the UPDATE alone */
    assert_recompute_agrees(f);
}

static void test_the_organisation_counts_what_it_handles_and_was_referred(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1)), b = new_case(f, a_report(SEWER, GRID1));
    STEP(f, a, T0 + HOUR, "accept", "accepted", "grid", "none", 0, "", NULL);
    STEP(f, a, T0 + 2 * HOUR, "dispatch", "dispatched", "grid", "property_company", PROPERTY, "", NULL);
    assert_int_equal(received(f, 0, 0, PROPERTY), 1);
    assert_int_equal(received(f, BAIYUN, 0, PROPERTY), 1);
    assert_int_equal(received(f, STREET, 0, PROPERTY), 1);
    assert_int_equal(received(f, XINGHE, 0, PROPERTY), 0);
    /* the company returns it: no longer theirs */
    STEP(f, a, T0 + 3 * HOUR, "return", "returned", "grid", "none", 0, "", NULL);
    assert_int_equal(received(f, 0, 0, PROPERTY), 0);
    STEP(f, a, T0 + 4 * HOUR, "dispatch", "dispatched", "grid", "property_company", OTHER_PROPERTY, "", NULL);
    assert_int_equal(received(f, 0, 0, OTHER_PROPERTY), 1);
    /* b: referred to the department, which reports back; it stays the department's */
    STEP(f, b, T0 + HOUR, "accept", "accepted", "grid", "none", 0, "", NULL);
    STEP(f, b, T0 + DAY, "refer", "dispatched", "community", "department", DEPT,
         "department_id = 13, referral_due = 1, left_community = 1", "json_object('department_id', 13, 'due', 1)");
    assert_int_equal(received(f, 0, 0, DEPT), 1);
    STEP(f, b, T0 + 2 * DAY, "report_back", "in_progress", "community", "community_office", BAIYUN,
         "referral_due = NULL", NULL);
    STEP(f, b, T0 + 3 * DAY, "resolve", "resolved", "community", "community_office", BAIYUN,
         "resolved_at = @at, resolved_tier = 'community'", NULL);
    json_t *o = figures_of(f, 0, 0, DEPT);
    assert_int_equal(count(o, "counts", "received"), 1);
    assert_int_equal(count(o, "counts", "resolved"), 1);
    assert_int_equal(count(o, "counts", "resolved_in_community"), 0); /* 大事不出社区: it left */
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "org"), "code")), "HY-SZDJ");
    json_decref(o);
    assert_int_equal(received(f, 0, SEWER, DEPT), 1);
    assert_int_equal(received(f, 0, GARBAGE, DEPT), 0);
    assert_recompute_agrees(f);
}

static void test_an_organisation_cannot_be_cut_by_grid(void **state)
{
    fixture *f = *state;
    store_case_stats_filter q = {GRID1, 0, PROPERTY, "2026-03-01", "2026-03-31", T0};
    json_t *out = NULL;
    tx_err err;
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "org");
}

static void test_a_job_failing_between_retract_and_apply_changes_nothing(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1));
    tx_err err;
    exec(f, "SAVEPOINT job");
    assert_int_equal(db_case_stats_retract(f->c, a, &err), 0);
    update_and_log(f, a, T0 + HOUR, (step_in){"accept", "accepted", "grid", "none", 0, "", NULL});
    exec(f, "ROLLBACK TO job; RELEASE job");
    json_t *o = figures_of(f, GRID1, 0, 0);
    assert_int_equal(count(o, "by_state", "submitted"), 1);
    assert_int_equal(count(o, "by_state", "accepted"), 0);
    json_decref(o);
    assert_recompute_agrees(f);
    /* and the next job on it counts as it should */
    STEP(f, a, T0 + 2 * HOUR, "accept", "accepted", "grid", "none", 0, "", NULL);
    o = figures_of(f, GRID1, 0, 0);
    assert_int_equal(count(o, "by_state", "submitted"), 0);
    assert_int_equal(count(o, "by_state", "accepted"), 1);
    assert_int_equal(count(o, "counts", "received"), 1);
    json_decref(o);
    assert_recompute_agrees(f);
}

static void test_a_job_failing_after_apply_takes_its_counts_back(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1));
    exec(f, "SAVEPOINT job");
    STEP(f, a, T0 + HOUR, "accept", "accepted", "grid", "none", 0, "", NULL);
    exec(f, "ROLLBACK TO job; RELEASE job");
    assert_int_equal(received(f, GRID1, 0, 0), 1);
    assert_recompute_agrees(f);
}

/* A job inserts a case and acts on it, then fails: its id goes back (the
 * AUTOINCREMENT counter is rolled back too) to the next new case, which
 * must count once, as new. */
static void test_a_new_case_reusing_a_rolled_back_id_counts_as_new(void **state)
{
    fixture *f = *state;
    new_case(f, a_report(GARBAGE, GRID1));
    tx_err err;
    exec(f, "SAVEPOINT job");
    int64_t lost = new_case(f, a_report(SEWER, GRID2));
    assert_int_equal(db_case_stats_retract(f->c, lost, &err), 0);
    exec(f, "ROLLBACK TO job; RELEASE job");
    report r = a_report(NOISE, XINGHE_GRID);
    r.at = T0 + HOUR;
    int64_t again = new_case(f, r);
    assert_int_equal(again, lost);
    assert_int_equal(received(f, 0, 0, 0), 2);
    assert_int_equal(received(f, XINGHE, 0, 0), 1);
    assert_int_equal(received(f, GRID2, 0, 0), 0);
    assert_recompute_agrees(f);
}

static void test_pairs_may_interleave(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1)), b = new_case(f, a_report(SEWER, GRID2));
    tx_err err;
    /* a merge, say: both cases retracted, both changed, both applied */
    assert_int_equal(db_case_stats_retract(f->c, a, &err), 0);
    assert_int_equal(db_case_stats_retract(f->c, b, &err), 0);
    update_and_log(f, a, T0 + HOUR, (step_in){"merge", "merged", "grid", "none", 0, "merged_into = 2", NULL});
    update_and_log(f, b, T0 + HOUR, (step_in){"accept", "accepted", "grid", "none", 0, "", NULL});
    assert_int_equal(db_case_stats_apply(f->c, b, &err), 0);
    assert_int_equal(db_case_stats_apply(f->c, a, &err), 0);
    json_t *o = figures_of(f, 0, 0, 0);
    assert_int_equal(count(o, "counts", "received"), 2);
    assert_int_equal(count(o, "counts", "merged"), 1);
    assert_int_equal(count(o, "counts", "valid"), 1);
    assert_int_equal(count(o, "by_state", "accepted"), 1);
    json_decref(o);
    assert_recompute_agrees(f);
}

/* What a failed job left behind dies with its connection: a new database
 * whose first case has the same id, token and time counts it once. */
static void test_a_leftover_retract_does_not_reach_another_database(void **state)
{
    (void)state;
    report r = a_report(GARBAGE, GRID1);
    r.token = "same-token";
    tx_err err;
    /* one store open at a time, as tests open them: the second may well get
     * the first one's memory */
    for (int round = 0; round < 3; round++) {
        fixture *g = tmpdb_fixture_open(fixture_sql);
        int64_t a = new_case(g, r);
        assert_int_equal(a, 1);
        assert_int_equal(received(g, 0, 0, 0), 1);
        assert_int_equal(tmpdb_int(g->c, "SELECT sum(received) FROM case_stats"), 3);
        assert_recompute_agrees(g);
        assert_int_equal(db_case_stats_retract(g->c, a, &err), 0); /* and then the job failed */
        tmpdb_fixture_close(g);
    }
}

/* The same through the store: each store_sync call is a batch. */
static int retract_only(store_conn *c, void *arg, tx_err *err)
{
    /* the job fails after its retract, before changing the case */
    assert_int_equal(db_case_stats_retract(c, *(int64_t *)arg, err), 0);
    return tx_err_set(err, 409, "conflict", NULL, M_INTERNAL);
}

static int accept_case(store_conn *c, void *arg, tx_err *err)
{
    int64_t id = *(int64_t *)arg;
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE cases SET state = 'accepted', event_count = event_count + 1 WHERE id = %lld",
             (long long)id);
    if (db_case_stats_retract(c, id, err))
        return -1;
    tmpdb_exec(c, sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO case_event (case_id, at, actor, actor_role, action, to_state, tier, handler, public) "
             "VALUES (%lld, %lld, 'cli', 'platform', 'accept', 'accepted', 'grid', 'none', 1)",
             (long long)id, T0 + HOUR);
    tmpdb_exec(c, sql);
    return db_case_stats_apply(c, id, err);
}

static void test_batches_through_store_sync(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1));
    tx_err err;
    assert_int_equal(store_sync(f->s, 1, retract_only, &a, &err), -1);
    assert_int_equal(store_sync(f->s, 1, accept_case, &a, &err), 0);
    assert_int_equal(tmpdb_sync_int(f->s, "SELECT sum(state_accepted) FROM case_stats WHERE org_id = 0"), 3);
    assert_int_equal(tmpdb_sync_int(f->s, "SELECT sum(state_submitted) FROM case_stats WHERE org_id = 0"), 0);
    assert_int_equal(tmpdb_sync_int(f->s, "SELECT sum(received) FROM case_stats WHERE org_id = 0"), 3);
    assert_recompute_agrees(f);
}

static void test_as_many_pending_retracts_as_slots_count_right(void **state)
{
    fixture *f = *state;
    enum { N = DB_CASE_STATS_PENDING };
    int64_t ids[N];
    tx_err err;
    for (int i = 0; i < N; i++)
        ids[i] = new_case(f, a_report(GARBAGE, GRID1));
    for (int i = 0; i < N; i++)
        assert_int_equal(db_case_stats_retract(f->c, ids[i], &err), 0);
    for (int i = 0; i < N; i++) {
        update_and_log(f, ids[i], T0 + HOUR, (step_in){"accept", "accepted", "grid", "none", 0, "", NULL});
        assert_int_equal(db_case_stats_apply(f->c, ids[i], &err), 0);
    }
    assert_int_equal(received(f, GRID1, 0, 0), N);
    assert_recompute_agrees(f);
}

static void test_one_more_pending_retract_is_lost_and_the_recompute_finds_it(void **state)
{
    fixture *f = *state;
    enum { N = DB_CASE_STATS_PENDING + 1 };
    int64_t ids[N];
    tx_err err;
    for (int i = 0; i < N; i++)
        ids[i] = new_case(f, a_report(GARBAGE, GRID1));
    for (int i = 0; i < N; i++)
        assert_int_equal(db_case_stats_retract(f->c, ids[i], &err), 0);
    for (int i = 0; i < N; i++) {
        update_and_log(f, ids[i], T0 + HOUR, (step_in){"accept", "accepted", "grid", "none", 0, "", NULL});
        assert_int_equal(db_case_stats_apply(f->c, ids[i], &err), 0);
    }
    /* the first case was counted again as new (and logged) */
    assert_int_equal(received(f, GRID1, 0, 0), N + 1);
    json_t *r = recompute(f, 1);
    assert_int_equal(json_integer_value(json_object_get(r, "differences_total")), 3);
    json_decref(r);
    assert_int_equal(received(f, GRID1, 0, 0), N);
    assert_recompute_agrees(f);
}

/* ---- reading ---- */

static void test_the_period_is_local_days_both_included(void **state)
{
    fixture *f = *state;
    int32_t d;
    assert_int_equal(tx_cal_parse_date("2026-03-31", &d), 0);
    int64_t last_midnight = (int64_t)(d + 1) * DAY - 8 * HOUR; /* 2026-04-01T00:00:00+08:00 */
    assert_int_equal(tx_cal_parse_date("2026-03-01", &d), 0);
    int64_t first_midnight = (int64_t)d * DAY - 8 * HOUR; /* 2026-03-01T00:00:00+08:00 */
    report r = a_report(GARBAGE, GRID1);
    int64_t times[] = {first_midnight - 1, first_midnight, last_midnight - 1, last_midnight};
    for (int i = 0; i < 4; i++) {
        r.at = times[i];
        new_case(f, r);
    }
    assert_int_equal(received(f, STREET, 0, 0), 2); /* the middle two */
    store_case_stats_filter q = {STREET, 0, 0, "2026-02-28", "2026-02-28", T0};
    json_t *out;
    tx_err err;
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), 0);
    assert_int_equal(count(out, "counts", "received"), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(out, "period"), "from")), "2026-02-28");
    json_decref(out);
    assert_recompute_agrees(f);
}

static void test_the_whole_deployment_includes_cases_outside_every_street(void **state)
{
    fixture *f = *state;
    new_case(f, a_report(GARBAGE, GRID1));
    report r = {NOISE, 0, 0, 0, "hotline", "street", T0, NULL};
    new_case(f, r);
    assert_int_equal(received(f, 0, 0, 0), 2);
    assert_int_equal(received(f, STREET, 0, 0), 1);
    json_t *o = figures_of(f, 0, 0, 0);
    assert_int_equal(count(o, "by_channel", "hotline"), 1);
    assert_int_equal(count(o, "by_channel", "web"), 1);
    json_decref(o);
    assert_recompute_agrees(f);
}

static void test_by_category_has_names_and_most_cases_first(void **state)
{
    fixture *f = *state;
    new_case(f, a_report(GARBAGE, GRID1));
    new_case(f, a_report(SEWER, GRID1));
    new_case(f, a_report(SEWER, GRID2));
    json_t *o = figures_of(f, BAIYUN, 0, 0);
    json_t *list = json_object_get(o, "by_category");
    assert_int_equal(json_array_size(list), 2);
    json_t *first = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(first, "code")), "sewer");
    assert_string_equal(json_string_value(json_object_get(first, "name")), "污水管道");
    assert_string_equal(json_string_value(json_object_get(first, "name_en")), "Sewer");
    assert_int_equal(json_integer_value(json_object_get(first, "count")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "count")), 1);
    json_decref(o);
    /* filtered by category */
    o = figures_of(f, BAIYUN, SEWER, 0);
    assert_int_equal(count(o, "counts", "received"), 2);
    assert_int_equal(json_array_size(json_object_get(o, "by_category")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "category"), "code")), "sewer");
    json_decref(o);
}

static void test_overdue_open_counts_cases_being_handled_past_their_deadline(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1)); /* due_at T0 + 2 h */
    int64_t b = new_case(f, a_report(SEWER, GRID2));
    new_case(f, a_report(NOISE, XINGHE_GRID));
    /* b resolved: waiting for the rating is not overdue */
    STEP(f, b, T0 + HOUR, "resolve", "resolved", "grid", "grid_worker", GRID2,
         "resolved_at = @at, resolved_tier = 'grid', due_at = 1", NULL);
    (void)a;
    store_case_stats_filter q = {0, 0, 0, "2026-03-01", "2026-03-31", T0 + 3 * HOUR};
    json_t *out;
    tx_err err;
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "overdue_open")), 2);
    json_decref(out);
    q.area_id = BAIYUN;
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "overdue_open")), 1);
    json_decref(out);
    q.area_id = GRID2;
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "overdue_open")), 0);
    json_decref(out);
    q.area_id = 0;
    q.category_id = NOISE;
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "overdue_open")), 1);
    json_decref(out);
    q.category_id = 0;
    q.now_ms = T0 + HOUR; /* before the deadlines */
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "overdue_open")), 0);
    json_decref(out);
    q.now_ms = T0 + 3 * HOUR;
    q.from = q.to = "2026-03-17"; /* another cohort */
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "overdue_open")), 0);
    json_decref(out);
}

static void expect_error(fixture *f, store_case_stats_filter q, int status, const char *field)
{
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), -1);
    assert_null(out);
    assert_int_equal(err.status, status);
    assert_string_equal(err.field, field);
}

static void test_bad_filters_are_refused(void **state)
{
    fixture *f = *state;
    expect_error(f, (store_case_stats_filter){0, 0, 0, "2026-03-31", "2026-03-01", T0}, 400, "to");
    expect_error(f, (store_case_stats_filter){0, 0, 0, "2025-03-01", "2026-03-02", T0}, 400, "to");
    expect_error(f, (store_case_stats_filter){0, 0, 0, "2026-3-1", "2026-03-02", T0}, 400, "from");
    expect_error(f, (store_case_stats_filter){0, 0, 0, "2026-03-01", "2026-02-30", T0}, 400, "to");
    expect_error(f, (store_case_stats_filter){COMPOUND, 0, 0, "2026-03-01", "2026-03-02", T0}, 400, "area");
    expect_error(f, (store_case_stats_filter){999, 0, 0, "2026-03-01", "2026-03-02", T0}, 404, "id");
    expect_error(f, (store_case_stats_filter){0, 999, 0, "2026-03-01", "2026-03-02", T0}, 404, "id");
    expect_error(f, (store_case_stats_filter){0, 0, 999, "2026-03-01", "2026-03-02", T0}, 404, "id");
    /* a whole leap year is fine */
    json_t *out;
    tx_err err;
    store_case_stats_filter q = {0, 0, 0, "2028-01-01", "2028-12-31", T0};
    assert_int_equal(store_case_stats(f->c, &q, &out, &err), 0);
    json_decref(out);
}

static void test_references_by_id_or_code(void **state)
{
    fixture *f = *state;
    int64_t id = 0;
    tx_err err;
    assert_int_equal(store_case_stats_ref(f->c, "area", "DS-BY", "area", &id, &err), 0);
    assert_int_equal(id, BAIYUN);
    assert_int_equal(store_case_stats_ref(f->c, "area", "4", "area", &id, &err), 0);
    assert_int_equal(id, GRID1);
    assert_int_equal(store_case_stats_ref(f->c, "category", "sewer", "category", &id, &err), 0);
    assert_int_equal(id, SEWER);
    assert_int_equal(store_case_stats_ref(f->c, "org", "HY-SZDJ", "org", &id, &err), 0);
    assert_int_equal(id, DEPT);
    assert_int_equal(store_case_stats_ref(f->c, "org", "11", "org", &id, &err), 0);
    assert_int_equal(id, PROPERTY);
    assert_int_equal(store_case_stats_ref(f->c, "area", "NOPE", "area", &id, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "area");
    assert_int_equal(store_case_stats_ref(f->c, "category", "999", "category", &id, &err), -1);
    assert_string_equal(err.code, "invalid_query");
}

/* ---- the recompute ---- */

/* ---- the optional parts: a series, a breakdown by area ---- */

static json_t *parts_of(fixture *f, store_case_stats_filter q)
{
    json_t *out = NULL;
    tx_err err;
    if (store_case_stats(f->c, &q, &out, &err) != 0)
        fail_msg("store_case_stats: %s", err.msg[TX_LANG_EN]);
    return out;
}

static long long point(json_t *o, size_t i, const char *key)
{
    json_t *p = json_array_get(json_object_get(json_object_get(o, "series"), "points"), i);
    if (p == NULL)
        fail_msg("no point %zu", i);
    return (long long)json_integer_value(json_object_get(p, key));
}

static const char *point_day(json_t *o, size_t i, const char *key)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(json_object_get(o, "series"), "points"), i), key));
}

static void test_a_series_by_day_has_every_day_of_the_period(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1)); /* 2026-03-16 */
    new_case(f, a_report(SEWER, GRID2));
    report later = a_report(NOISE, XINGHE_GRID);
    later.at = T0 + 2 * DAY; /* 2026-03-18 */
    new_case(f, later);
    handled_by_property(f, a, T0);
    json_t *o = parts_of(f, (store_case_stats_filter){.area_id = STREET, .from = "2026-03-01", .to = "2026-03-31",
                                                      .now_ms = T0 + 30 * DAY, .series = STORE_CASE_STATS_BY_DAY});
    json_t *series = json_object_get(o, "series");
    assert_string_equal(json_string_value(json_object_get(series, "interval")), "day");
    assert_int_equal(json_array_size(json_object_get(series, "points")), 31);
    assert_string_equal(point_day(o, 0, "from"), "2026-03-01");
    assert_string_equal(point_day(o, 0, "to"), "2026-03-01");
    assert_string_equal(point_day(o, 15, "from"), "2026-03-16");
    assert_int_equal(point(o, 15, "received"), 2);
    assert_int_equal(point(o, 15, "resolved"), 1);
    assert_int_equal(point(o, 15, "completed"), 1);
    assert_int_equal(point(o, 15, "satisfied"), 1);
    assert_int_equal(point(o, 16, "received"), 0);
    assert_int_equal(point(o, 17, "received"), 1);
    assert_string_equal(point_day(o, 30, "to"), "2026-03-31");
    long long sum = 0;
    for (size_t i = 0; i < 31; i++)
        sum += point(o, i, "received");
    assert_int_equal(sum, count(o, "counts", "received"));
    /* no series unless asked */
    json_decref(o);
    o = figures_of(f, STREET, 0, 0);
    assert_null(json_object_get(o, "series"));
    assert_null(json_object_get(o, "by_area"));
    json_decref(o);
    /* a category and a community cut the series too */
    o = parts_of(f, (store_case_stats_filter){.area_id = XINGHE, .from = "2026-03-16", .to = "2026-03-18",
                                              .now_ms = T0, .series = STORE_CASE_STATS_BY_DAY});
    assert_int_equal(point(o, 0, "received"), 0);
    assert_int_equal(point(o, 2, "received"), 1);
    json_decref(o);
    o = parts_of(f, (store_case_stats_filter){.category_id = GARBAGE, .from = "2026-03-16", .to = "2026-03-18",
                                              .now_ms = T0, .series = STORE_CASE_STATS_BY_DAY});
    assert_int_equal(point(o, 0, "received"), 1);
    assert_int_equal(point(o, 2, "received"), 0);
    json_decref(o);
}

static void test_a_series_by_week_runs_monday_to_sunday_cut_to_the_period(void **state)
{
    fixture *f = *state;
    new_case(f, a_report(GARBAGE, GRID1)); /* Monday 2026-03-16 */
    report r = a_report(GARBAGE, GRID1);
    r.at = T0 + 6 * DAY; /* Sunday 2026-03-22: the same week */
    new_case(f, r);
    r.at = T0 + 7 * DAY; /* Monday 2026-03-23 */
    new_case(f, r);
    /* 2026-03-01 is a Sunday, 2026-03-31 a Tuesday */
    json_t *o = parts_of(f, (store_case_stats_filter){.from = "2026-03-01", .to = "2026-03-31", .now_ms = T0,
                                                      .series = STORE_CASE_STATS_BY_WEEK});
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "series"), "interval")), "week");
    assert_int_equal(json_array_size(json_object_get(json_object_get(o, "series"), "points")), 6);
    assert_string_equal(point_day(o, 0, "from"), "2026-03-01");
    assert_string_equal(point_day(o, 0, "to"), "2026-03-01");
    assert_string_equal(point_day(o, 1, "from"), "2026-03-02");
    assert_string_equal(point_day(o, 1, "to"), "2026-03-08");
    assert_string_equal(point_day(o, 3, "from"), "2026-03-16");
    assert_int_equal(point(o, 3, "received"), 2);
    assert_int_equal(point(o, 4, "received"), 1);
    assert_string_equal(point_day(o, 5, "from"), "2026-03-30");
    assert_string_equal(point_day(o, 5, "to"), "2026-03-31");
    json_decref(o);
    /* a period of one day is one point */
    o = parts_of(f, (store_case_stats_filter){.from = "2026-03-22", .to = "2026-03-22", .now_ms = T0,
                                              .series = STORE_CASE_STATS_BY_WEEK});
    assert_int_equal(json_array_size(json_object_get(json_object_get(o, "series"), "points")), 1);
    assert_int_equal(point(o, 0, "received"), 1);
    json_decref(o);
}

static json_t *area_item(json_t *o, size_t i)
{
    json_t *a = json_array_get(json_object_get(o, "by_area"), i);
    if (a == NULL)
        fail_msg("no by_area[%zu]", i);
    return a;
}

static void test_a_breakdown_lists_every_area_below_with_its_figures(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1));
    new_case(f, a_report(SEWER, GRID1));
    new_case(f, a_report(NOISE, XINGHE_GRID));
    handled_by_property(f, a, T0);
    /* the street by grid: every grid, in code order, the empty one too */
    json_t *o = parts_of(f, (store_case_stats_filter){.area_id = STREET, .from = "2026-03-01", .to = "2026-03-31",
                                                      .now_ms = T0 + 30 * DAY, .breakdown = "grid"});
    assert_int_equal(json_array_size(json_object_get(o, "by_area")), 3);
    const char *codes[] = {"DS-BY-G01", "DS-BY-G02", "DS-XH-G01"};
    long long received[] = {2, 0, 1}, overdue[] = {1, 0, 1};
    for (size_t i = 0; i < 3; i++) {
        json_t *g = area_item(o, i);
        assert_string_equal(json_string_value(json_object_get(g, "code")), codes[i]);
        assert_string_equal(json_string_value(json_object_get(g, "kind")), "grid");
        assert_int_equal(count(g, "counts", "received"), received[i]);
        assert_int_equal(json_integer_value(json_object_get(g, "overdue_open")), overdue[i]);
    }
    assert_string_equal(json_string_value(json_object_get(area_item(o, 0), "name")), "白云第一网格");
    assert_int_equal(count(area_item(o, 0), "counts", "resolved"), 1);
    json_t *sat = json_object_get(json_object_get(area_item(o, 0), "rates"), "satisfaction");
    assert_true(json_real_value(json_object_get(sat, "value")) == 1.0);
    assert_true(json_is_null(json_object_get(rate(area_item(o, 1), "satisfaction"), "value")));
    json_decref(o);
    /* a community by grid */
    o = parts_of(f, (store_case_stats_filter){.area_id = BAIYUN, .from = "2026-03-01", .to = "2026-03-31",
                                              .now_ms = T0 + 30 * DAY, .breakdown = "grid"});
    assert_int_equal(json_array_size(json_object_get(o, "by_area")), 2);
    json_decref(o);
    /* everything by community, one category */
    o = parts_of(f, (store_case_stats_filter){.category_id = SEWER, .from = "2026-03-01", .to = "2026-03-31",
                                              .now_ms = T0 + 30 * DAY, .breakdown = "community"});
    assert_int_equal(json_array_size(json_object_get(o, "by_area")), 2);
    assert_string_equal(json_string_value(json_object_get(area_item(o, 0), "code")), "DS-BY");
    assert_int_equal(count(area_item(o, 0), "counts", "received"), 1);
    assert_int_equal(json_integer_value(json_object_get(area_item(o, 0), "overdue_open")), 1);
    assert_int_equal(count(area_item(o, 1), "counts", "received"), 0);
    json_decref(o);
    /* an organisation by community: the property company's cases at 白云 */
    o = parts_of(f, (store_case_stats_filter){.area_id = STREET, .org_id = PROPERTY, .from = "2026-03-01",
                                              .to = "2026-03-31", .now_ms = T0 + 30 * DAY, .breakdown = "community"});
    assert_int_equal(count(area_item(o, 0), "counts", "received"), 1);
    assert_int_equal(count(area_item(o, 1), "counts", "received"), 0);
    json_decref(o);
    /* both parts at once, and the totals unchanged by them */
    o = parts_of(f, (store_case_stats_filter){.area_id = STREET, .from = "2026-03-01", .to = "2026-03-31",
                                              .now_ms = T0 + 30 * DAY, .breakdown = "community",
                                              .series = STORE_CASE_STATS_BY_WEEK});
    assert_non_null(json_object_get(o, "series"));
    assert_int_equal(count(o, "counts", "received"), 3);
    assert_int_equal(count(area_item(o, 0), "counts", "received") + count(area_item(o, 1), "counts", "received"), 3);
    json_decref(o);
}

static void test_bad_parts_are_refused(void **state)
{
    fixture *f = *state;
    store_case_stats_filter q = {.from = "2026-03-01", .to = "2026-03-31", .now_ms = T0};
    q.series = 9;
    expect_error(f, q, 400, "series");
    q.series = 0;
    q.breakdown = "compound";
    expect_error(f, q, 400, "breakdown");
    q.breakdown = "community";
    q.area_id = BAIYUN;
    expect_error(f, q, 400, "breakdown");
    q.breakdown = "grid";
    q.area_id = GRID1;
    expect_error(f, q, 400, "breakdown");
    q.area_id = STREET;
    q.org_id = PROPERTY;
    expect_error(f, q, 400, "breakdown");
}

static void test_a_corrupted_row_is_found_and_fixed(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1));
    new_case(f, a_report(SEWER, GRID2));
    handled_by_property(f, a, T0);
    assert_recompute_agrees(f);
    exec(f, "UPDATE case_stats SET satisfied = satisfied + 5, state_closed = 0 WHERE org_id = 0 AND area_id = %d AND "
            "category_id = %d", BAIYUN, GARBAGE);
    json_t *r = recompute(f, 0);
    assert_int_equal(json_integer_value(json_object_get(r, "cases")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "differences_total")), 1);
    json_t *d = json_array_get(json_object_get(r, "differences"), 0);
    assert_int_equal(json_integer_value(json_object_get(d, "area_id")), BAIYUN);
    assert_int_equal(json_integer_value(json_object_get(d, "org_id")), 0);
    assert_string_equal(json_string_value(json_object_get(d, "day")), "2026-03-16");
    json_t *cols = json_object_get(d, "counters");
    assert_int_equal(json_object_size(cols), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(cols, "satisfied"), "stored")), 6);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(cols, "satisfied"), "recomputed")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(cols, "state_closed"), "stored")), 0);
    assert_false(json_is_true(json_object_get(r, "fixed")));
    json_decref(r);
    /* still wrong until fixed */
    assert_int_equal(tmpdb_int(f->c, "SELECT satisfied FROM case_stats WHERE org_id = 0 AND area_id = 2 AND category_id = 21"), 6);
    r = recompute(f, 1);
    assert_int_equal(json_integer_value(json_object_get(r, "differences_total")), 1);
    assert_true(json_is_true(json_object_get(r, "fixed")));
    json_decref(r);
    assert_int_equal(tmpdb_int(f->c, "SELECT satisfied FROM case_stats WHERE org_id = 0 AND area_id = 2 AND category_id = 21"), 1);
    assert_recompute_agrees(f);
    /* and the live path goes on from the repaired rows */
    STEP(f, a, T0 + 3 * DAY, "reopen", "reopened", "grid", "property_company", PROPERTY, "closed_at = NULL", NULL);
    assert_recompute_agrees(f);
}

static void test_missing_and_extra_rows_are_found(void **state)
{
    fixture *f = *state;
    new_case(f, a_report(GARBAGE, GRID1));
    exec(f, "DELETE FROM case_stats WHERE area_id = %d", GRID1);
    exec(f, "INSERT INTO case_stats (org_id, area_id, day, category_id, received) VALUES (0, %d, 20000, 21, 1)", XINGHE);
    /* a row of zeros is no row: not a difference */
    exec(f, "INSERT INTO case_stats (org_id, area_id, day, category_id) VALUES (0, %d, 20001, 21)", XINGHE);
    json_t *r = recompute(f, 0);
    assert_int_equal(json_integer_value(json_object_get(r, "differences_total")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "rows_stored")), 3);
    assert_int_equal(json_integer_value(json_object_get(r, "rows_recomputed")), 3);
    assert_int_equal(json_integer_value(json_object_get(r, "rows_compared")), 4);
    json_decref(r);
    json_decref(recompute(f, 1));
    assert_recompute_agrees(f);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM case_stats"), 3);
}

static void test_a_case_without_its_report_is_listed(void **state)
{
    fixture *f = *state;
    int64_t a = new_case(f, a_report(GARBAGE, GRID1));
    exec(f, "DELETE FROM case_event WHERE case_id = %lld", (long long)a);
    json_t *r = recompute(f, 0);
    json_t *odd = json_object_get(r, "cases_without_report");
    assert_int_equal(json_array_size(odd), 1);
    assert_int_equal(json_integer_value(json_array_get(odd, 0)), a);
    assert_int_equal(json_integer_value(json_object_get(r, "differences_total")), 3);
    json_decref(r);
}

static void test_recompute_runs_inside_the_callers_transaction(void **state)
{
    fixture *f = *state;
    new_case(f, a_report(GARBAGE, GRID1));
    exec(f, "UPDATE case_stats SET received = 7 WHERE area_id = %d", GRID1);
    exec(f, "BEGIN IMMEDIATE");
    json_decref(recompute(f, 1));
    exec(f, "ROLLBACK");
    assert_int_equal(tmpdb_int(f->c, "SELECT received FROM case_stats WHERE area_id = 4"), 7);
    exec(f, "BEGIN IMMEDIATE");
    json_decref(recompute(f, 1));
    exec(f, "COMMIT");
    assert_int_equal(tmpdb_int(f->c, "SELECT received FROM case_stats WHERE area_id = 4"), 1);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM sqlite_temp_master"), 0);
}

static unsigned rnd(unsigned *seed, unsigned n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) % n;
}

/* Many cases through random lives: the incremental counters always equal
 * the recomputed ones. */
static void test_incremental_equals_recomputed_over_many_random_lives(void **state)
{
    fixture *f = *state;
    static const int64_t grids[] = {GRID1, GRID2, XINGHE_GRID};
    static const int64_t cats[] = {GARBAGE, SEWER, NOISE};
    static const char *const channels[] = {"web", "open311", "hotline", "staff", "patrol"};
    unsigned seed = 12345;
#define RND(n) rnd(&seed, (n))
    for (int i = 0; i < 60; i++) {
        report r = a_report(cats[RND(3)], grids[RND(3)]);
        r.channel = channels[RND(5)];
        r.at = T0 + (int64_t)RND(10) * DAY + (int64_t)RND(24) * HOUR;
        int64_t id = new_case(f, r);
        int64_t t = r.at;
        const char *tier = "grid";
        if (RND(10) == 0) {
            STEP(f, id, t + HOUR, "invalidate", "invalid", tier, "none", 0, "", NULL);
            continue;
        }
        STEP(f, id, t += HOUR, "accept", "accepted", tier, "none", 0, "", NULL);
        if (RND(2))
            STEP(f, id, t += (int64_t)RND(8) * HOUR, "contact", "accepted", tier, "none", 0, "contacted_at = @at",
                 NULL);
        int which = (int)RND(4);
        if (which == 0) {
            STEP(f, id, t += HOUR, "dispatch", "dispatched", tier, "property_company", RND(2) ? PROPERTY : OTHER_PROPERTY,
                 "", NULL);
        } else if (which == 1) {
            tier = "community";
            STEP(f, id, t += HOUR, "refer", "dispatched", tier, "department", DEPT,
                 "department_id = 13, left_community = 1", "json_object('department_id', 13)");
            STEP(f, id, t += DAY, "report_back", "in_progress", tier, "community_office", BAIYUN, "", NULL);
        } else if (which == 2) {
            tier = "street";
            STEP(f, id, t += HOUR, "escalate", "accepted", tier, "none", 0, "left_community = 1", NULL);
            STEP(f, id, t += HOUR, "dispatch", "dispatched", tier, "street_office", STREET, "", NULL);
        } else {
            STEP(f, id, t += HOUR, "dispatch", "dispatched", tier, "grid_worker", r.grid, "", NULL);
        }
        if (RND(4) == 0)
            continue; /* still being handled */
        char set[160];
        snprintf(set, sizeof set, "resolved_at = @at, resolved_tier = '%s'", tier);
        sqlite3_stmt *st = NULL;
        char q[128];
        snprintf(q, sizeof q, "SELECT handler, coalesce(handler_id, 0) FROM cases WHERE id = %lld", (long long)id);
        assert_int_equal(sqlite3_prepare_v2(f->c->db, q, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        char handler[32];
        snprintf(handler, sizeof handler, "%s", (const char *)sqlite3_column_text(st, 0));
        int64_t hid = sqlite3_column_int64(st, 1);
        sqlite3_finalize(st);
        STEP(f, id, t += (int64_t)RND(8) * DAY, "resolve", "resolved", tier, handler, hid, set, NULL);
        static const char *const sats[] = {"satisfied", "basically_satisfied", "unsatisfied"};
        if (RND(3)) {
            const char *solved = RND(3) ? "yes" : "no", *sat = sats[RND(3)];
            int closes = strcmp(solved, "yes") == 0 && strcmp(sat, "unsatisfied") != 0;
            char rs[160], data[128];
            snprintf(rs, sizeof rs, "solved = '%s', satisfaction = '%s'", solved, sat);
            snprintf(data, sizeof data, "json_object('solved', '%s', 'satisfaction', '%s')", solved, sat);
            STEP(f, id, t += DAY, "rate", closes ? "closed" : "reopened", tier, handler, hid, rs, data);
        }
    }
#undef RND
    assert_recompute_agrees(f);
    json_t *o = figures_of(f, 0, 0, 0);
    assert_int_equal(count(o, "counts", "received"), 60);
    long long by_area = received(f, STREET, 0, 0);
    assert_int_equal(by_area, 60);
    assert_int_equal(received(f, BAIYUN, 0, 0) + received(f, XINGHE, 0, 0), 60);
    assert_int_equal(received(f, GRID1, 0, 0) + received(f, GRID2, 0, 0), received(f, BAIYUN, 0, 0));
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_the_table_has_one_column_per_counter_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_new_case_counts_in_its_street_community_and_grid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_case_life_moves_the_counts_and_the_rates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_denominators_are_null_rates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_note_or_a_reminder_writes_no_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_organisation_counts_what_it_handles_and_was_referred, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_organisation_cannot_be_cut_by_grid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_job_failing_between_retract_and_apply_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_job_failing_after_apply_takes_its_counts_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_new_case_reusing_a_rolled_back_id_counts_as_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pairs_may_interleave, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_leftover_retract_does_not_reach_another_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batches_through_store_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_as_many_pending_retracts_as_slots_count_right, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_more_pending_retract_is_lost_and_the_recompute_finds_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_period_is_local_days_both_included, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_whole_deployment_includes_cases_outside_every_street, setup, teardown),
        cmocka_unit_test_setup_teardown(test_by_category_has_names_and_most_cases_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overdue_open_counts_cases_being_handled_past_their_deadline, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_filters_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references_by_id_or_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_series_by_day_has_every_day_of_the_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_series_by_week_runs_monday_to_sunday_cut_to_the_period, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_breakdown_lists_every_area_below_with_its_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_parts_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_corrupted_row_is_found_and_fixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_extra_rows_are_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_case_without_its_report_is_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recompute_runs_inside_the_callers_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incremental_equals_recomputed_over_many_random_lives, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
