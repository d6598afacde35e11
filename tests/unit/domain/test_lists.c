/* Unit tests for src/domain/lists.c: the three lists' vocabularies, every
 * status change (allowed and forbidden), quantities and commitments, and the
 * progress roll-up, read as the product's specification.
 *
 * The allowed steps below are written from lists.h's comments, not copied
 * from lists.c's tables: every from × to pair of every list is checked, so a
 * change to one without the other fails here. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/lists.h"

/* ---- vocabularies ---- */

static void test_every_kind_has_a_code_that_parses_back_and_two_names(void **state)
{
    (void)state;
    const char *codes[] = {"venue", "funding", "volunteers", "expertise", "equipment", "service", "other"};
    assert_int_equal(sizeof codes / sizeof *codes, TX_KIND__COUNT);
    for (int k = 0; k < TX_KIND__COUNT; k++) {
        tx_list_kind back = TX_KIND__COUNT;
        assert_string_equal(tx_list_kind_code((tx_list_kind)k), codes[k]);
        assert_int_equal(tx_list_kind_parse(codes[k], &back), 0);
        assert_int_equal(back, k);
        assert_non_null(tx_list_kind_name((tx_list_kind)k, 0));
        assert_non_null(tx_list_kind_name((tx_list_kind)k, 1));
    }
    assert_string_equal(tx_list_kind_name(TX_KIND_VENUE, 0), "场地");
    assert_string_equal(tx_list_kind_name(TX_KIND_VOLUNTEERS, 1), "volunteers");
}

static void test_unknown_codes_do_not_parse_and_leave_the_output_alone(void **state)
{
    (void)state;
    tx_list_kind k = TX_KIND_OTHER;
    tx_need_status n = TX_NEED_MET;
    tx_resource_status r = TX_RESOURCE_USED_UP;
    tx_project_status p = TX_PROJECT_DONE;
    tx_urgency u = TX_URGENCY_HIGH;
    assert_int_equal(tx_list_kind_parse("Venue", &k), -1);
    assert_int_equal(tx_list_kind_parse("", &k), -1);
    assert_int_equal(tx_list_kind_parse(NULL, &k), -1);
    assert_int_equal(tx_need_status_parse("in project", &n), -1);
    assert_int_equal(tx_resource_status_parse("used-up", &r), -1);
    assert_int_equal(tx_project_status_parse("canceled", &p), -1);
    assert_int_equal(tx_urgency_parse("critical", &u), -1);
    assert_int_equal(k, TX_KIND_OTHER);
    assert_int_equal(n, TX_NEED_MET);
    assert_int_equal(r, TX_RESOURCE_USED_UP);
    assert_int_equal(p, TX_PROJECT_DONE);
    assert_int_equal(u, TX_URGENCY_HIGH);
    assert_null(tx_list_kind_code(TX_KIND__COUNT));
    assert_null(tx_list_kind_name((tx_list_kind)-1, 0));
    assert_null(tx_need_status_code(TX_NEED__STATUS_COUNT));
    assert_null(tx_urgency_name(TX_URGENCY__COUNT, 1));
}

static void test_status_and_urgency_codes_round_trip(void **state)
{
    (void)state;
    const char *need[] = {"open", "matched", "in_project", "met", "closed"};
    const char *res[] = {"available", "committed", "used_up", "withdrawn"};
    const char *proj[] = {"planned", "active", "done", "cancelled"};
    const char *urg[] = {"low", "normal", "high", "urgent"};
    for (int i = 0; i < TX_NEED__STATUS_COUNT; i++) {
        tx_need_status s;
        assert_string_equal(tx_need_status_code((tx_need_status)i), need[i]);
        assert_int_equal(tx_need_status_parse(need[i], &s), 0);
        assert_int_equal(s, i);
        assert_non_null(tx_need_status_name((tx_need_status)i, 0));
    }
    for (int i = 0; i < TX_RESOURCE__STATUS_COUNT; i++) {
        tx_resource_status s;
        assert_string_equal(tx_resource_status_code((tx_resource_status)i), res[i]);
        assert_int_equal(tx_resource_status_parse(res[i], &s), 0);
        assert_int_equal(s, i);
    }
    for (int i = 0; i < TX_PROJECT__STATUS_COUNT; i++) {
        tx_project_status s;
        assert_string_equal(tx_project_status_code((tx_project_status)i), proj[i]);
        assert_int_equal(tx_project_status_parse(proj[i], &s), 0);
        assert_int_equal(s, i);
    }
    for (int i = 0; i < TX_URGENCY__COUNT; i++) {
        tx_urgency u;
        assert_string_equal(tx_urgency_code((tx_urgency)i), urg[i]);
        assert_int_equal(tx_urgency_parse(urg[i], &u), 0);
        assert_int_equal(u, i);
    }
    assert_string_equal(tx_need_status_name(TX_NEED_OPEN, 0), "待认领");
    assert_string_equal(tx_project_status_name(TX_PROJECT_CANCELLED, 1), "cancelled");
}

/* ---- status transitions: every pair ---- */

/* The allowed steps, from lists.h. */
static int need_allowed(int from, int to)
{
    switch (from) {
    case TX_NEED_OPEN: return to == TX_NEED_MATCHED || to == TX_NEED_IN_PROJECT || to == TX_NEED_CLOSED;
    case TX_NEED_MATCHED: return to == TX_NEED_OPEN || to == TX_NEED_IN_PROJECT || to == TX_NEED_CLOSED;
    case TX_NEED_IN_PROJECT: return to == TX_NEED_OPEN || to == TX_NEED_MET || to == TX_NEED_CLOSED;
    default: return 0; /* met, closed: final */
    }
}

static int resource_allowed(int from, int to)
{
    switch (from) {
    case TX_RESOURCE_AVAILABLE:
        return to == TX_RESOURCE_COMMITTED || to == TX_RESOURCE_WITHDRAWN || to == TX_RESOURCE_USED_UP;
    case TX_RESOURCE_COMMITTED: return to == TX_RESOURCE_AVAILABLE || to == TX_RESOURCE_USED_UP;
    case TX_RESOURCE_WITHDRAWN: return to == TX_RESOURCE_AVAILABLE;
    default: return 0; /* used_up: final */
    }
}

static int project_allowed(int from, int to)
{
    switch (from) {
    case TX_PROJECT_PLANNED: return to == TX_PROJECT_ACTIVE || to == TX_PROJECT_CANCELLED;
    case TX_PROJECT_ACTIVE: return to == TX_PROJECT_DONE || to == TX_PROJECT_CANCELLED;
    default: return 0; /* done, cancelled: final */
    }
}

static void expect_allowed(int rc, const tx_list_refusal *why)
{
    assert_int_equal(rc, 0);
    assert_int_equal(why->status, 0);
    assert_null(why->code);
    assert_string_equal(why->reason[0], "");
    assert_string_equal(why->reason[1], "");
}

static void expect_refused(int rc, const tx_list_refusal *why, int status, const char *code)
{
    assert_int_equal(rc, -1);
    assert_int_equal(why->status, status);
    assert_non_null(why->code);
    assert_string_equal(why->code, code);
    assert_true(strlen(why->reason[0]) > 0);
    assert_true(strlen(why->reason[1]) > 0);
}

static void test_every_need_step_is_allowed_or_refused_as_the_rules_say(void **state)
{
    (void)state;
    for (int f = 0; f < TX_NEED__STATUS_COUNT; f++)
        for (int t = 0; t < TX_NEED__STATUS_COUNT; t++) {
            tx_list_refusal why;
            int rc = tx_need_transition((tx_need_status)f, (tx_need_status)t, 1, &why);
            if (need_allowed(f, t))
                expect_allowed(rc, &why);
            else
                expect_refused(rc, &why, 409, "need_status");
            /* the answer does not depend on why being given */
            assert_int_equal(tx_need_transition((tx_need_status)f, (tx_need_status)t, 1, NULL), rc);
        }
}

static void test_closing_a_need_requires_a_reason(void **state)
{
    (void)state;
    tx_list_refusal why;
    expect_refused(tx_need_transition(TX_NEED_OPEN, TX_NEED_CLOSED, 0, &why), &why, 400, "reason_required");
    expect_refused(tx_need_transition(TX_NEED_IN_PROJECT, TX_NEED_CLOSED, 0, &why), &why, 400, "reason_required");
    expect_allowed(tx_need_transition(TX_NEED_MATCHED, TX_NEED_CLOSED, 1, &why), &why);
    /* other steps do not ask for one */
    expect_allowed(tx_need_transition(TX_NEED_OPEN, TX_NEED_MATCHED, 0, &why), &why);
    /* a final need cannot be closed even with a reason: the state comes first */
    expect_refused(tx_need_transition(TX_NEED_MET, TX_NEED_CLOSED, 0, &why), &why, 409, "need_status");
}

static void test_a_need_goes_back_on_the_list_when_its_claim_or_project_falls_through(void **state)
{
    (void)state;
    tx_list_refusal why;
    expect_allowed(tx_need_transition(TX_NEED_MATCHED, TX_NEED_OPEN, 0, &why), &why);
    expect_allowed(tx_need_transition(TX_NEED_IN_PROJECT, TX_NEED_OPEN, 0, &why), &why);
    /* but a met need is not reopened: a new need is raised */
    expect_refused(tx_need_transition(TX_NEED_MET, TX_NEED_OPEN, 0, &why), &why, 409, "need_status");
    assert_non_null(strstr(why.reason[1], "final"));
}

static void test_every_resource_step_is_allowed_or_refused_as_the_rules_say(void **state)
{
    (void)state;
    for (int f = 0; f < TX_RESOURCE__STATUS_COUNT; f++)
        for (int t = 0; t < TX_RESOURCE__STATUS_COUNT; t++) {
            tx_list_refusal why;
            int rc = tx_resource_transition((tx_resource_status)f, (tx_resource_status)t, &why);
            if (resource_allowed(f, t))
                expect_allowed(rc, &why);
            else
                expect_refused(rc, &why, 409, "resource_status");
            assert_int_equal(tx_resource_transition((tx_resource_status)f, (tx_resource_status)t, NULL), rc);
        }
}

static void test_a_committed_resource_cannot_be_withdrawn_and_says_why(void **state)
{
    (void)state;
    tx_list_refusal why;
    expect_refused(tx_resource_transition(TX_RESOURCE_COMMITTED, TX_RESOURCE_WITHDRAWN, &why), &why, 409,
                   "resource_status");
    assert_non_null(strstr(why.reason[1], "release"));
    assert_non_null(strstr(why.reason[0], "解除承诺"));
}

static void test_every_project_step_is_allowed_or_refused_as_the_rules_say(void **state)
{
    (void)state;
    for (int f = 0; f < TX_PROJECT__STATUS_COUNT; f++)
        for (int t = 0; t < TX_PROJECT__STATUS_COUNT; t++) {
            tx_list_refusal why;
            int rc = tx_project_transition((tx_project_status)f, (tx_project_status)t, &why);
            if (project_allowed(f, t))
                expect_allowed(rc, &why);
            else
                expect_refused(rc, &why, 409, "project_status");
            assert_int_equal(tx_project_transition((tx_project_status)f, (tx_project_status)t, NULL), rc);
        }
}

static void test_a_refusal_names_both_statuses_in_both_languages(void **state)
{
    (void)state;
    tx_list_refusal why;
    tx_project_transition(TX_PROJECT_PLANNED, TX_PROJECT_DONE, &why);
    assert_non_null(strstr(why.reason[0], "计划中"));
    assert_non_null(strstr(why.reason[0], "已完成"));
    assert_non_null(strstr(why.reason[1], "planned"));
    assert_non_null(strstr(why.reason[1], "done"));
    tx_need_transition(TX_NEED_OPEN, TX_NEED_OPEN, 0, &why);
    assert_int_equal(why.status, 409);
    assert_non_null(strstr(why.reason[1], "already open"));
}

static void test_unknown_statuses_are_bad_input(void **state)
{
    (void)state;
    tx_list_refusal why;
    expect_refused(tx_need_transition(TX_NEED__STATUS_COUNT, TX_NEED_OPEN, 1, &why), &why, 400, "need_status");
    expect_refused(tx_need_transition(TX_NEED_OPEN, (tx_need_status)-1, 1, &why), &why, 400, "need_status");
    expect_refused(tx_resource_transition(TX_RESOURCE_AVAILABLE, TX_RESOURCE__STATUS_COUNT, &why), &why, 400,
                   "resource_status");
    expect_refused(tx_project_transition((tx_project_status)99, TX_PROJECT_DONE, &why), &why, 400, "project_status");
}

/* ---- quantities ---- */

static void test_quantities_must_be_finite_and_not_negative(void **state)
{
    (void)state;
    tx_list_refusal why;
    expect_allowed(tx_list_check_quantity(0, &why), &why);
    expect_allowed(tx_list_check_quantity(12.5, &why), &why);
    expect_refused(tx_list_check_quantity(-1, &why), &why, 400, "quantity");
    expect_refused(tx_list_check_quantity(NAN, &why), &why, 400, "quantity");
    expect_refused(tx_list_check_quantity(INFINITY, &why), &why, 400, "quantity");
    assert_int_equal(tx_list_check_quantity(-0.001, NULL), -1);
}

static void test_committing_beyond_capacity_is_a_conflict(void **state)
{
    (void)state;
    tx_list_refusal why;
    /* 华南师范大学附属惠阳学校 lends its hall: 300 seats, 200 promised */
    expect_allowed(tx_resource_check_commit(TX_RESOURCE_AVAILABLE, 300, 200, 100, &why), &why);
    expect_refused(tx_resource_check_commit(TX_RESOURCE_AVAILABLE, 300, 200, 101, &why), &why, 409, "over_capacity");
    assert_non_null(strstr(why.reason[1], "100 left"));
    assert_non_null(strstr(why.reason[0], "尚可承诺 100"));
    /* tenths add up without a false conflict */
    expect_allowed(tx_resource_check_commit(TX_RESOURCE_AVAILABLE, 0.3, 0.1 + 0.1, 0.1, &why), &why);
}

static void test_only_an_available_resource_takes_commitments_of_positive_quantity(void **state)
{
    (void)state;
    tx_list_refusal why;
    expect_refused(tx_resource_check_commit(TX_RESOURCE_WITHDRAWN, 10, 0, 1, &why), &why, 409, "resource_status");
    expect_refused(tx_resource_check_commit(TX_RESOURCE_COMMITTED, 10, 10, 1, &why), &why, 409, "resource_status");
    expect_refused(tx_resource_check_commit(TX_RESOURCE_USED_UP, 10, 0, 1, &why), &why, 409, "resource_status");
    expect_refused(tx_resource_check_commit(TX_RESOURCE_AVAILABLE, 10, 0, 0, &why), &why, 400, "quantity");
    expect_refused(tx_resource_check_commit(TX_RESOURCE_AVAILABLE, 10, 0, -5, &why), &why, 400, "quantity");
    expect_refused(tx_resource_check_commit(TX_RESOURCE_AVAILABLE, 10, 0, NAN, &why), &why, 400, "quantity");
}

static void test_a_resource_is_committed_when_nothing_is_left(void **state)
{
    (void)state;
    assert_int_equal(tx_resource_status_for(10, 0), TX_RESOURCE_AVAILABLE);
    assert_int_equal(tx_resource_status_for(10, 9.5), TX_RESOURCE_AVAILABLE);
    assert_int_equal(tx_resource_status_for(10, 10), TX_RESOURCE_COMMITTED);
    assert_int_equal(tx_resource_status_for(0.3, 0.1 + 0.2), TX_RESOURCE_COMMITTED);
}

/* ---- progress ---- */

static void test_weighted_milestones_give_the_weighted_average(void **state)
{
    (void)state;
    /* 半岛1号 demonstration site: station built (weight 3, done), volunteer
     * team half formed (weight 1), women's federation corner not started (weight 1) */
    tx_project_part m[] = {{3, 0, 1}, {1, 50, 0}, {1, 0, 0}};
    double p = -1;
    assert_int_equal(tx_project_progress(m, 3, &p, NULL), 0);
    assert_float_equal(p, (3 * 100 + 50) / 5.0, 1e-9);
}

static void test_without_weights_milestones_count_alike(void **state)
{
    (void)state;
    tx_project_part m[] = {{0, 100, 0}, {0, 50, 0}, {0, 0, 0}, {0, 10, 1}};
    double p = -1;
    assert_int_equal(tx_project_progress(m, 4, &p, NULL), 0);
    assert_float_equal(p, (100 + 50 + 0 + 100) / 4.0, 1e-9);
}

static void test_with_some_weights_a_weightless_milestone_counts_for_nothing(void **state)
{
    (void)state;
    tx_project_part m[] = {{2, 40, 0}, {0, 100, 0}};
    double p = -1;
    assert_int_equal(tx_project_progress(m, 2, &p, NULL), 0);
    assert_float_equal(p, 40, 1e-9);
}

static void test_no_milestones_is_no_progress(void **state)
{
    (void)state;
    double p = -1;
    assert_int_equal(tx_project_progress(NULL, 0, &p, NULL), 0);
    assert_float_equal(p, 0, 0);
    p = -1;
    assert_int_equal(tx_project_plan_progress(NULL, 0, &p, NULL), 0);
    assert_float_equal(p, 0, 0);
}

static void test_bad_weights_and_progress_are_refused_and_leave_the_output_alone(void **state)
{
    (void)state;
    tx_list_refusal why;
    double p = 42;
    tx_project_part neg[] = {{1, 10, 0}, {-1, 10, 0}};
    tx_project_part over[] = {{1, 100.5, 0}};
    tx_project_part under[] = {{1, -0.1, 0}};
    tx_project_part nan_w[] = {{NAN, 10, 0}};
    expect_refused(tx_project_progress(neg, 2, &p, &why), &why, 400, "weight");
    expect_refused(tx_project_progress(over, 1, &p, &why), &why, 400, "progress");
    expect_refused(tx_project_progress(under, 1, &p, &why), &why, 400, "progress");
    expect_refused(tx_project_progress(nan_w, 1, &p, &why), &why, 400, "weight");
    assert_int_equal(tx_project_progress(neg, -1, &p, NULL), -1);
    assert_int_equal(tx_project_progress(NULL, 2, &p, NULL), -1);
    assert_float_equal(p, 42, 0);
}

static void test_a_plans_progress_is_the_average_of_its_projects(void **state)
{
    (void)state;
    /* 星河's plan: plogging done, financial-literacy sessions at 40% */
    tx_project_part projects[] = {{0, 100, 1}, {0, 40, 0}};
    tx_project_part weighted[] = {{1, 100, 0}, {3, 40, 0}};
    double p = -1;
    assert_int_equal(tx_project_plan_progress(projects, 2, &p, NULL), 0);
    assert_float_equal(p, 70, 1e-9);
    assert_int_equal(tx_project_plan_progress(weighted, 2, &p, NULL), 0);
    assert_float_equal(p, 55, 1e-9);
}

static void test_sub_projects_roll_up_to_their_parents_recursively(void **state)
{
    (void)state;
    /*   0 plan-level project
     *   ├─ 1 (weight 1): ├─ 3 (100) └─ 4 (0)       → 50
     *   └─ 2 (weight 3): own progress 70, no children → 70
     *   5 top-level, own progress 20 */
    tx_project_node nodes[] = {
        {-1, 0, 0, 0}, {0, 1, 99, 0}, {0, 3, 70, 0}, {1, 0, 100, 0}, {1, 0, 0, 0}, {-1, 0, 20, 0},
    };
    double out[6];
    assert_int_equal(tx_project_rollup(nodes, 6, out, NULL), 0);
    assert_float_equal(out[3], 100, 1e-9);
    assert_float_equal(out[4], 0, 1e-9);
    assert_float_equal(out[1], 50, 1e-9); /* its own 99 is ignored: it has children */
    assert_float_equal(out[2], 70, 1e-9);
    assert_float_equal(out[0], (1 * 50 + 3 * 70) / 4.0, 1e-9);
    assert_float_equal(out[5], 20, 1e-9);
}

static void test_a_done_project_is_complete_whatever_its_children_say(void **state)
{
    (void)state;
    tx_project_node nodes[] = {{-1, 0, 0, 1}, {0, 0, 10, 0}, {1, 0, 30, 1}};
    double out[3];
    assert_int_equal(tx_project_rollup(nodes, 3, out, NULL), 0);
    assert_float_equal(out[0], 100, 0);
    assert_float_equal(out[1], 100, 0); /* its only child is done */
    assert_float_equal(out[2], 100, 0);
}

static void test_children_may_come_before_their_parents_in_the_array(void **state)
{
    (void)state;
    tx_project_node nodes[] = {{2, 0, 30, 0}, {2, 0, 90, 0}, {-1, 0, 0, 0}};
    double out[3];
    assert_int_equal(tx_project_rollup(nodes, 3, out, NULL), 0);
    assert_float_equal(out[2], 60, 1e-9);
}

static void test_cycles_of_parents_are_refused_and_leave_the_output_alone(void **state)
{
    (void)state;
    tx_list_refusal why;
    tx_project_node self[] = {{0, 1, 10, 0}};
    tx_project_node loop[] = {{-1, 1, 0, 0}, {3, 1, 10, 0}, {1, 1, 10, 0}, {2, 1, 10, 0}};
    double out[4] = {7, 7, 7, 7};
    expect_refused(tx_project_rollup(self, 1, out, &why), &why, 409, "project_cycle");
    expect_refused(tx_project_rollup(loop, 4, out, &why), &why, 409, "project_cycle");
    for (int i = 0; i < 4; i++)
        assert_float_equal(out[i], 7, 0);
}

static void test_unknown_parents_and_too_deep_nesting_are_refused(void **state)
{
    (void)state;
    tx_list_refusal why;
    tx_project_node bad[] = {{-1, 1, 0, 0}, {5, 1, 10, 0}};
    tx_project_node neg[] = {{-2, 1, 0, 0}};
    tx_project_node deep[TX_PROJECT_MAX_DEPTH + 2];
    double out[TX_PROJECT_MAX_DEPTH + 2];
    expect_refused(tx_project_rollup(bad, 2, out, &why), &why, 400, "parent");
    expect_refused(tx_project_rollup(neg, 1, out, &why), &why, 400, "parent");
    /* a chain just deep enough is fine, one more level is not */
    for (int i = 0; i < TX_PROJECT_MAX_DEPTH + 2; i++)
        deep[i] = (tx_project_node){i - 1, 1, 50, 0};
    expect_allowed(tx_project_rollup(deep, TX_PROJECT_MAX_DEPTH + 1, out, &why), &why);
    assert_float_equal(out[0], 50, 1e-9);
    expect_refused(tx_project_rollup(deep, TX_PROJECT_MAX_DEPTH + 2, out, &why), &why, 400, "parent");
}

static void test_an_empty_forest_rolls_up_to_nothing(void **state)
{
    (void)state;
    tx_list_refusal why;
    expect_allowed(tx_project_rollup(NULL, 0, NULL, &why), &why);
}

static void test_bad_node_values_are_refused(void **state)
{
    (void)state;
    tx_list_refusal why;
    tx_project_node w[] = {{-1, -3, 0, 0}};
    tx_project_node p[] = {{-1, 1, 101, 0}};
    double out[1] = {5};
    expect_refused(tx_project_rollup(w, 1, out, &why), &why, 400, "weight");
    expect_refused(tx_project_rollup(p, 1, out, &why), &why, 400, "progress");
    assert_float_equal(out[0], 5, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_has_a_code_that_parses_back_and_two_names),
        cmocka_unit_test(test_unknown_codes_do_not_parse_and_leave_the_output_alone),
        cmocka_unit_test(test_status_and_urgency_codes_round_trip),
        cmocka_unit_test(test_every_need_step_is_allowed_or_refused_as_the_rules_say),
        cmocka_unit_test(test_closing_a_need_requires_a_reason),
        cmocka_unit_test(test_a_need_goes_back_on_the_list_when_its_claim_or_project_falls_through),
        cmocka_unit_test(test_every_resource_step_is_allowed_or_refused_as_the_rules_say),
        cmocka_unit_test(test_a_committed_resource_cannot_be_withdrawn_and_says_why),
        cmocka_unit_test(test_every_project_step_is_allowed_or_refused_as_the_rules_say),
        cmocka_unit_test(test_a_refusal_names_both_statuses_in_both_languages),
        cmocka_unit_test(test_unknown_statuses_are_bad_input),
        cmocka_unit_test(test_quantities_must_be_finite_and_not_negative),
        cmocka_unit_test(test_committing_beyond_capacity_is_a_conflict),
        cmocka_unit_test(test_only_an_available_resource_takes_commitments_of_positive_quantity),
        cmocka_unit_test(test_a_resource_is_committed_when_nothing_is_left),
        cmocka_unit_test(test_weighted_milestones_give_the_weighted_average),
        cmocka_unit_test(test_without_weights_milestones_count_alike),
        cmocka_unit_test(test_with_some_weights_a_weightless_milestone_counts_for_nothing),
        cmocka_unit_test(test_no_milestones_is_no_progress),
        cmocka_unit_test(test_bad_weights_and_progress_are_refused_and_leave_the_output_alone),
        cmocka_unit_test(test_a_plans_progress_is_the_average_of_its_projects),
        cmocka_unit_test(test_sub_projects_roll_up_to_their_parents_recursively),
        cmocka_unit_test(test_a_done_project_is_complete_whatever_its_children_say),
        cmocka_unit_test(test_children_may_come_before_their_parents_in_the_array),
        cmocka_unit_test(test_cycles_of_parents_are_refused_and_leave_the_output_alone),
        cmocka_unit_test(test_unknown_parents_and_too_deep_nesting_are_refused),
        cmocka_unit_test(test_an_empty_forest_rolls_up_to_nothing),
        cmocka_unit_test(test_bad_node_values_are_refused),
    };
    return cmocka_run_group_tests_name("lists", tests, NULL, NULL) ? 1 : 0;
}
