/* Unit tests for src/demo/cases.c: the demo history of cases (tongxin demo
 * --cases) covers every community and category, takes cases through every
 * kind of step the platform knows without the state machine refusing any,
 * leaves some open and some overdue, keeps counters that the recompute from
 * the events agrees with, is the same for the same seed and time, and is
 * added only once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "demo/cases.h"
#include "demo/danshui.h"
#include "io/io.h"
#include "store/case_stats.h"
#include "../store/tmpdb.h"

extern const char demo_holidays_csv[];
extern const char demo_catalogue_json[];

#define NOW 1795158000000LL /* 2026-11-20T15:00:00+08:00 */
#define DAY 86400000LL

typedef struct {
    tmpdb_fixture *f;
    demo_cases_result r;
} loaded;

static int import_street(store_conn *c, void *arg, tx_err *err)
{
    demo_street *d = arg;
    int n, m;
    json_t *cat = json_loads(demo_catalogue_json, 0, NULL);
    int rc = io_import_areas(c, d->areas, &n, err) ||
             io_import_organisations(c, d->organisations_csv, strlen(d->organisations_csv), &n, err) ||
             io_import_people(c, d->people_csv, strlen(d->people_csv), &n, err) ||
             io_import_memberships(c, d->memberships_csv, strlen(d->memberships_csv), &n, err) ||
             io_import_calendar(c, demo_holidays_csv, strlen(demo_holidays_csv), &n, err) ||
             io_import_catalogue(c, cat, &n, &m, err);
    json_decref(cat);
    return rc;
}

typedef struct {
    demo_street *d;
    demo_cases_result *r;
    uint64_t seed;
} cases_args;

static int load_cases(store_conn *c, void *arg, tx_err *err)
{
    cases_args *a = arg;
    return demo_cases_load(c, a->d->areas, a->seed, NOW, 0, a->r, err);
}

/* A fresh database with the demo street (seed 1) and its cases. */
static tmpdb_fixture *street_with_cases(uint64_t seed, demo_cases_result *r)
{
    tmpdb_fixture *f = tmpdb_fixture_open(NULL);
    demo_street d;
    assert_int_equal(demo_street_generate(1, &d), 0);
    tx_err err;
    tx_err_clear(&err);
    if (store_sync(f->s, 1, import_street, &d, &err))
        fail_msg("import: %s", err.msg[TX_LANG_EN]);
    cases_args a = {&d, r, seed};
    if (store_sync(f->s, 1, load_cases, &a, &err))
        fail_msg("demo_cases_load: %s", err.msg[TX_LANG_EN]);
    demo_street_free(&d);
    return f;
}

static int setup(void **state)
{
    loaded *l = calloc(1, sizeof *l);
    l->f = street_with_cases(1, &l->r);
    *state = l;
    return 0;
}

static int teardown(void **state)
{
    loaded *l = *state;
    tmpdb_fixture_close(l->f);
    free(l);
    return 0;
}

static int64_t q(loaded *l, const char *sql)
{
    return tmpdb_sync_int(l->f->s, sql);
}

static void test_a_few_hundred_cases_over_ninety_days_everywhere(void **state)
{
    loaded *l = *state;
    assert_int_equal(l->r.existing, 0);
    assert_int_equal(l->r.cases, DEMO_CASES_DEFAULT);
    assert_int_equal(q(l, "SELECT count(*) FROM cases"), DEMO_CASES_DEFAULT);
    /* every community, every category, every channel but Open311 */
    assert_int_equal(q(l, "SELECT count(DISTINCT community_id) FROM cases"), 20);
    assert_int_equal(q(l, "SELECT count(*) FROM area WHERE kind = 'community' AND id NOT IN "
                          "(SELECT community_id FROM cases)"), 0);
    assert_int_equal(q(l, "SELECT count(DISTINCT category_id) FROM cases"), 13);
    assert_int_equal(q(l, "SELECT count(DISTINCT channel) FROM cases"), 4);
    /* the busier communities have more */
    assert_true(q(l, "SELECT count(*) FROM cases c JOIN area a ON a.id = c.community_id WHERE a.code = 'DS-BY'") >
                q(l, "SELECT count(*) FROM cases c JOIN area a ON a.id = c.community_id WHERE a.code = 'DS-LW'"));
    /* within the period, in order of submission */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM cases WHERE submitted_at >= %lld AND submitted_at < %lld",
             (long long)(NOW - 91 * DAY), (long long)NOW);
    assert_int_equal(q(l, sql), DEMO_CASES_DEFAULT);
    assert_int_equal(q(l, "SELECT count(*) FROM cases a JOIN cases b ON b.id = a.id + 1 WHERE b.submitted_at < "
                          "a.submitted_at"), 0);
}

static void test_every_case_is_at_a_real_point_inside_its_grid(void **state)
{
    loaded *l = *state;
    /* placed by the locator: a point, a grid of its community, a street */
    assert_int_equal(q(l, "SELECT count(*) FROM cases WHERE lat IS NULL OR grid_id IS NULL OR community_id IS NULL "
                          "OR street_id IS NULL"), 0);
    assert_int_equal(q(l, "SELECT count(*) FROM cases c JOIN area g ON g.id = c.grid_id WHERE g.parent_id != "
                          "c.community_id OR g.kind != 'grid'"), 0);
    /* some inside a red line (their compound's grid is theirs), handled by the property company */
    assert_true(q(l, "SELECT count(*) FROM cases WHERE inside_red_line = 1") > 100);
    assert_int_equal(q(l, "SELECT count(*) FROM cases c JOIN area k ON k.id = c.compound_id WHERE k.parent_id != "
                          "c.grid_id"), 0);
    assert_true(q(l, "SELECT count(*) FROM case_event WHERE action = 'dispatch' AND handler = 'property_company'") >
                20);
    /* within the street's box (22.7–22.9 N, 114.4–114.6 E) */
    assert_int_equal(q(l, "SELECT count(*) FROM cases WHERE lat NOT BETWEEN 22.7 AND 22.9 OR lon NOT BETWEEN "
                          "114.3 AND 114.6"), 0);
}

static void test_every_kind_of_step_and_no_refusal(void **state)
{
    loaded *l = *state;
    if (l->r.refused)
        fail_msg("%d step(s) refused; the first: %s", l->r.refused, l->r.first_refusal);
    static const char *const actions[] = {"report", "accept", "dispatch", "contact", "start", "escalate", "refer",
                                          "report_back", "return", "resolve", "rate", "reopen", "close", "merge",
                                          "invalidate", "remind"};
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM case_event WHERE action = '%s'", actions[i]);
        if (q(l, sql) == 0)
            fail_msg("no '%s' step in the demo history", actions[i]);
    }
    /* the sweep escalates and closes; staff escalate too */
    assert_true(q(l, "SELECT count(*) FROM case_event WHERE action = 'escalate' AND actor = 'platform'") > 10);
    assert_true(q(l, "SELECT count(*) FROM case_event WHERE action = 'escalate' AND actor != 'platform'") > 5);
    assert_true(q(l, "SELECT count(*) FROM case_event WHERE action = 'close' AND actor = 'platform'") > 5);
    /* resolved at every tier; rated every way; departments referred to */
    assert_int_equal(q(l, "SELECT count(DISTINCT resolved_tier) FROM cases WHERE resolved_tier IS NOT NULL"), 3);
    assert_int_equal(q(l, "SELECT count(DISTINCT satisfaction) FROM cases WHERE satisfaction IS NOT NULL"), 3);
    assert_true(q(l, "SELECT count(*) FROM cases WHERE solved = 'no'") > 0);
    assert_true(q(l, "SELECT count(DISTINCT department_id) FROM cases WHERE department_id IS NOT NULL") >= 3);
    assert_true(q(l, "SELECT count(*) FROM cases WHERE reopened_count > 0") > 0);
    /* people act in the past, one step after another */
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_event WHERE at > %lld", (long long)NOW);
    assert_int_equal(q(l, sql), 0);
    assert_int_equal(q(l, "SELECT count(*) FROM case_event a JOIN case_event b ON b.case_id = a.case_id AND b.id > "
                          "a.id WHERE b.at < a.at"), 0);
    /* the demo accounts did their share: 白云's grid worker, the municipal works centre */
    assert_true(q(l, "SELECT count(*) FROM case_event WHERE actor = 'user:grid.baiyun'") > 0);
    assert_true(q(l, "SELECT count(*) FROM case_event WHERE actor = 'user:shizheng'") > 0);
}

static void test_most_are_done_some_open_some_overdue(void **state)
{
    loaded *l = *state;
    const demo_cases_result *r = &l->r;
    assert_true(r->by_state[TX_CASE_CLOSED] > DEMO_CASES_DEFAULT * 7 / 10);
    assert_true(r->by_state[TX_CASE_RESOLVED] > 0);
    assert_true(r->by_state[TX_CASE_MERGED] > 0);
    assert_true(r->by_state[TX_CASE_INVALID] > 0);
    int handling = r->cases - r->by_state[TX_CASE_CLOSED] - r->by_state[TX_CASE_RESOLVED] -
                   r->by_state[TX_CASE_MERGED] - r->by_state[TX_CASE_INVALID];
    assert_true(handling >= 10);
    assert_true(r->overdue > 0);
    assert_true(r->overdue < handling);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM cases WHERE open = 1 AND due_at < %lld", (long long)NOW);
    assert_int_equal(q(l, sql), r->overdue);
    int sum = 0;
    for (int s = 0; s < TX_CASE__STATE_COUNT; s++)
        sum += r->by_state[s];
    assert_int_equal(sum, r->cases);
}

static int recompute(store_conn *c, void *arg, tx_err *err)
{
    return store_case_stats_recompute(c, 0, (json_t **)arg, err);
}

static int figures(store_conn *c, void *arg, tx_err *err)
{
    store_case_stats_filter f = {.from = "2026-08-01", .to = "2026-11-20", .now_ms = NOW};
    return store_case_stats(c, &f, (json_t **)arg, err);
}

static void test_the_counters_agree_with_the_events(void **state)
{
    loaded *l = *state;
    json_t *report = NULL, *fig = NULL;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_sync(l->f->s, 0, recompute, &report, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(report, "cases")), DEMO_CASES_DEFAULT);
    assert_int_equal(json_integer_value(json_object_get(report, "differences_total")), 0);
    assert_int_equal(json_array_size(json_object_get(report, "cases_without_report")), 0);
    json_decref(report);
    /* and the figures look like a street's: most answered in time and satisfied, not all */
    assert_int_equal(store_sync(l->f->s, 0, figures, &fig, &err), 0);
    json_t *rates = json_object_get(fig, "rates");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(fig, "counts"), "received")),
                     DEMO_CASES_DEFAULT);
    static const char *const names[] = {"response", "resolution", "completion", "satisfaction", "on_time",
                                        "grid_closure", "community_closure"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        double v = json_real_value(json_object_get(json_object_get(rates, names[i]), "value"));
        if (!(v > 0.3 && v < 1.0))
            fail_msg("rate %s is %.3f", names[i], v);
    }
    assert_int_equal(json_integer_value(json_object_get(fig, "overdue_open")), l->r.overdue);
    json_decref(fig);
}

static void test_the_sewer_outside_yulong_mingyuan(void **state)
{
    loaded *l = *state;
    /* the README's story: outside the red line → the public sewer → referred by 白云 to the works centre */
    int64_t id = q(l, "SELECT id FROM cases WHERE description LIKE '御珑名苑红线外%'");
    assert_true(id > 0);
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cases c JOIN organisation o ON o.id = c.department_id WHERE c.id = %lld AND "
             "o.code = 'HY-SZDJ' AND c.state = 'closed' AND c.resolved_tier = 'community' AND c.satisfaction = "
             "'satisfied' AND c.inside_red_line = 0 AND c.route_reason LIKE '%%御珑名苑%%'",
             (long long)id);
    assert_int_equal(q(l, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_event WHERE case_id = %lld AND action IN ('refer', "
             "'report_back')", (long long)id);
    assert_int_equal(q(l, sql), 2);
}

static int load_again(store_conn *c, void *arg, tx_err *err)
{
    demo_street d;
    if (demo_street_generate(1, &d))
        return -1;
    int rc = demo_cases_load(c, d.areas, 1, NOW, 0, arg, err);
    demo_street_free(&d);
    return rc;
}

static void test_a_second_load_adds_nothing(void **state)
{
    loaded *l = *state;
    demo_cases_result r;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_sync(l->f->s, 1, load_again, &r, &err), 0);
    assert_int_equal(r.existing, DEMO_CASES_DEFAULT);
    assert_int_equal(r.cases, 0);
    assert_int_equal(q(l, "SELECT count(*) FROM cases"), DEMO_CASES_DEFAULT);
}


static void test_the_same_seed_and_time_give_the_same_history(void **state)
{
    (void)state;
    demo_cases_result r1, r2, r3;
    tmpdb_fixture *a = street_with_cases(7, &r1), *b = street_with_cases(7, &r2), *c = street_with_cases(8, &r3);
    static const char cases_q[] =
        "SELECT group_concat(id || category_id || state || tier || submitted_at || lat || lon || due_at || "
        "coalesce(resolved_at, '') || coalesce(satisfaction, '') || description, ';') FROM (SELECT * FROM cases "
        "ORDER BY id)";
    static const char events_q[] = "SELECT group_concat(case_id || at || action || coalesce(actor, '') || "
                                   "coalesce(text, ''), ';') FROM (SELECT * FROM case_event ORDER BY id)";
    char *texts[3][2];
    tmpdb_fixture *fs[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            sqlite3_stmt *st;
            assert_int_equal(sqlite3_prepare_v2(fs[i]->c->db, j ? events_q : cases_q, -1, &st, NULL), SQLITE_OK);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            texts[i][j] = strdup((const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
        }
    assert_string_equal(texts[0][0], texts[1][0]);
    assert_string_equal(texts[0][1], texts[1][1]);
    assert_int_equal(r1.steps, r2.steps);
    assert_int_equal(memcmp(r1.by_state, r2.by_state, sizeof r1.by_state), 0);
    /* another seed, another history */
    assert_string_not_equal(texts[0][0], texts[2][0]);
    for (int i = 0; i < 3; i++) {
        free(texts[i][0]);
        free(texts[i][1]);
        tmpdb_fixture_close(fs[i]);
    }
}

int main(void)
{
    const struct CMUnitTest loaded_tests[] = {
        cmocka_unit_test(test_a_few_hundred_cases_over_ninety_days_everywhere),
        cmocka_unit_test(test_every_case_is_at_a_real_point_inside_its_grid),
        cmocka_unit_test(test_every_kind_of_step_and_no_refusal),
        cmocka_unit_test(test_most_are_done_some_open_some_overdue),
        cmocka_unit_test(test_the_counters_agree_with_the_events),
        cmocka_unit_test(test_the_sewer_outside_yulong_mingyuan),
        cmocka_unit_test(test_a_second_load_adds_nothing),
    };
    const struct CMUnitTest fresh_tests[] = {
        cmocka_unit_test(test_the_same_seed_and_time_give_the_same_history),
    };
    return cmocka_run_group_tests_name("demo cases (seed 1)", loaded_tests, setup, teardown) |
           cmocka_run_group_tests_name("demo cases (fresh)", fresh_tests, NULL, NULL);
}
