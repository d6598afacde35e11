/* Unit tests for src/domain/matching.c: which resources are suggested for a
 * need, in which order, with which reasons — and that the index gives the
 * very same answer as the full scan. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/lists.h"

#define TODAY 20532 /* 2026-03-20, a Friday */
#define LAT 22.78   /* 星河 community, 惠阳 */
#define LON 114.46
#define KM_LAT (1 / 111.195) /* degrees of latitude in one km */

static tx_match_need need(tx_list_kind kind, double qty)
{
    return (tx_match_need){.id = 1, .kind = kind, .quantity = qty, .unit = "人", .area_id = 10, .lat = LAT,
                           .lon = LON, .wanted_by = TODAY + 10, .urgency = TX_URGENCY_NORMAL};
}

/* A resource km north of the need, nothing special about it otherwise: same
 * area when km is 0, a unit with a perfect record of 8. */
static tx_match_resource res(int64_t id, tx_list_kind kind, double avail, double km)
{
    return (tx_match_resource){.id = id, .kind = kind, .status = TX_RESOURCE_AVAILABLE, .available = avail,
                               .unit = "人", .org_id = 100 + id, .area_id = km == 0 ? 10 : 20 + id,
                               .lat = LAT + km * KM_LAT, .lon = LON, .offered = 8, .delivered = 8};
}

/* Rank with and without the index; both must give the same answer. */
static int rank(const tx_match_need *n, const tx_match_resource *all, int count, tx_match_suggestion *out, int k)
{
    tx_match_index *ix = NULL;
    tx_match_suggestion *plain = calloc((size_t)(k > 0 ? k : 1), sizeof *plain);
    int m0, m1;
    assert_non_null(plain);
    assert_int_equal(tx_match_index_build(all, count, &ix), 0);
    m0 = tx_match_rank(n, all, count, NULL, TODAY, plain, k);
    m1 = tx_match_rank(n, all, count, ix, TODAY, out, k);
    assert_int_equal(m0, m1);
    for (int i = 0; i < m0; i++) {
        assert_int_equal(plain[i].resource_id, out[i].resource_id);
        assert_float_equal(plain[i].score, out[i].score, 0);
    }
    tx_match_index_free(ix);
    free(plain);
    return m1;
}

static const tx_match_reason *reason(const tx_match_suggestion *s, tx_match_why w)
{
    for (int i = 0; i < s->n_reasons; i++)
        if (s->reasons[i].why == w)
            return &s->reasons[i];
    return NULL;
}

static void test_only_resources_of_the_needs_kind_are_suggested(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VENUE, 100);
    tx_match_resource all[] = {res(1, TX_KIND_FUNDING, 500, 0), res(2, TX_KIND_VENUE, 500, 2),
                               res(3, TX_KIND_VOLUNTEERS, 500, 0)};
    tx_match_suggestion out[5];
    assert_int_equal(rank(&n, all, 3, out, 5), 1);
    assert_int_equal(out[0].resource_id, 2);
    assert_int_equal(out[0].index, 1);
    assert_int_equal(out[0].reasons[0].why, TX_MATCH_SAME_KIND);
    assert_int_equal(out[0].reasons[0].kind, TX_KIND_VENUE);
}

static void test_a_perfect_match_scores_nearly_100_with_its_reasons_in_order(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VOLUNTEERS, 20);
    tx_match_resource all[] = {res(7, TX_KIND_VOLUNTEERS, 30, 0)};
    tx_match_suggestion out[1];
    assert_int_equal(rank(&n, all, 1, out, 1), 1);
    /* 30 + 25 + 25 + 20 × 9/10 */
    assert_float_equal(out[0].score, 98, 1e-9);
    assert_float_equal(out[0].km, 0, 1e-9);
    assert_float_equal(out[0].quantity, 20, 0);
    assert_int_equal(out[0].available_from, TODAY);
    assert_int_equal(out[0].n_reasons, 5);
    assert_int_equal(out[0].reasons[0].why, TX_MATCH_SAME_KIND);
    assert_int_equal(out[0].reasons[1].why, TX_MATCH_ENOUGH);
    assert_int_equal(out[0].reasons[2].why, TX_MATCH_IN_TIME);
    assert_int_equal(out[0].reasons[3].why, TX_MATCH_SAME_AREA);
    assert_int_equal(out[0].reasons[4].why, TX_MATCH_TRACK_RECORD);
    assert_float_equal(out[0].reasons[4].a, 8, 0);
    assert_float_equal(out[0].reasons[4].b, 8, 0);
}

static void test_nearer_resources_rank_first_and_say_how_far(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_EQUIPMENT, 10);
    tx_match_resource all[] = {res(1, TX_KIND_EQUIPMENT, 10, 9), res(2, TX_KIND_EQUIPMENT, 10, 3),
                               res(3, TX_KIND_EQUIPMENT, 10, 30)};
    tx_match_suggestion out[3];
    assert_int_equal(rank(&n, all, 3, out, 3), 3);
    assert_int_equal(out[0].resource_id, 2);
    assert_int_equal(out[1].resource_id, 1);
    assert_int_equal(out[2].resource_id, 3);
    const tx_match_reason *d = reason(&out[0], TX_MATCH_DISTANCE);
    assert_non_null(d);
    assert_float_equal(d->a, 3, 0.01);
    assert_float_equal(out[0].km, 3, 0.01);
    assert_null(reason(&out[0], TX_MATCH_SAME_AREA));
    /* 3 km halves the distance points: 30 + 25 + 12.5 + 18 */
    assert_float_equal(out[0].score, 85.5, 0.01);
}

static void test_a_partial_quantity_ranks_below_enough_and_says_how_much(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VOLUNTEERS, 40);
    tx_match_resource all[] = {res(1, TX_KIND_VOLUNTEERS, 10, 0), res(2, TX_KIND_VOLUNTEERS, 40, 0)};
    tx_match_suggestion out[2];
    assert_int_equal(rank(&n, all, 2, out, 2), 2);
    assert_int_equal(out[0].resource_id, 2);
    assert_non_null(reason(&out[0], TX_MATCH_ENOUGH));
    const tx_match_reason *p = reason(&out[1], TX_MATCH_PARTIAL);
    assert_non_null(p);
    assert_float_equal(p->a, 10, 0);
    assert_float_equal(p->b, 40, 0);
    assert_float_equal(out[1].quantity, 10, 0);
    assert_float_equal(out[0].score - out[1].score, 30 * 0.75, 1e-9);
}

static void test_quantities_in_other_units_are_not_compared(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_FUNDING, 5000);
    tx_match_resource all[] = {res(1, TX_KIND_FUNDING, 2, 0)};
    tx_match_suggestion out[1];
    n.unit = "元";
    all[0].unit = "万元";
    assert_int_equal(rank(&n, all, 1, out, 1), 1);
    assert_non_null(reason(&out[0], TX_MATCH_UNIT_DIFFERS));
    assert_null(reason(&out[0], TX_MATCH_ENOUGH));
    assert_float_equal(out[0].score, 25 + 25 + 18, 1e-9);
    /* the same unit string from another buffer is the same unit */
    char yuan[] = "元";
    all[0].unit = yuan;
    all[0].available = 6000;
    assert_int_equal(rank(&n, all, 1, out, 1), 1);
    assert_non_null(reason(&out[0], TX_MATCH_ENOUGH));
}

static void test_a_need_without_a_quantity_takes_any_and_gives_no_quantity_reason(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_SERVICE, 0);
    tx_match_resource all[] = {res(1, TX_KIND_SERVICE, 3, 0)};
    tx_match_suggestion out[1];
    assert_int_equal(rank(&n, all, 1, out, 1), 1);
    assert_float_equal(out[0].quantity, 3, 0);
    assert_null(reason(&out[0], TX_MATCH_ENOUGH));
    assert_null(reason(&out[0], TX_MATCH_PARTIAL));
    assert_int_equal(out[0].n_reasons, 4);
}

static void test_resources_whose_availability_is_over_are_not_suggested(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VENUE, 1);
    tx_match_resource all[] = {res(1, TX_KIND_VENUE, 1, 0), res(2, TX_KIND_VENUE, 1, 0)};
    tx_match_suggestion out[2];
    all[0].windows[0] = (tx_day_range){TODAY - 30, TODAY - 1};
    all[0].n_windows = 1;
    all[1].windows[0] = (tx_day_range){TODAY - 30, TODAY}; /* still today */
    all[1].n_windows = 1;
    assert_int_equal(rank(&n, all, 2, out, 2), 1);
    assert_int_equal(out[0].resource_id, 2);
    assert_int_equal(out[0].available_from, TODAY);
}

static void test_availability_after_the_wanted_date_is_late_and_ranks_lower(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VENUE, 1);
    tx_match_resource all[] = {res(1, TX_KIND_VENUE, 1, 0), res(2, TX_KIND_VENUE, 1, 0)};
    tx_match_suggestion out[2];
    /* wanted by TODAY + 10; resource 1 from TODAY + 17: a week late */
    all[0].windows[0] = (tx_day_range){TODAY + 17, TODAY + 60};
    all[0].n_windows = 1;
    all[1].windows[0] = (tx_day_range){TODAY + 10, TODAY + 11};
    all[1].n_windows = 1;
    assert_int_equal(rank(&n, all, 2, out, 2), 2);
    assert_int_equal(out[0].resource_id, 2);
    assert_non_null(reason(&out[0], TX_MATCH_IN_TIME));
    const tx_match_reason *late = reason(&out[1], TX_MATCH_LATE);
    assert_non_null(late);
    assert_float_equal(late->a, 7, 0);
    assert_int_equal(late->day, TODAY + 17);
    /* normal urgency tolerates 14 days: half the time points */
    assert_float_equal(out[0].score - out[1].score, 12.5, 1e-9);
    /* an urgent need tolerates 3: none */
    n.urgency = TX_URGENCY_URGENT;
    assert_int_equal(rank(&n, all, 2, out, 2), 2);
    assert_float_equal(out[0].score - out[1].score, 25, 1e-9);
}

static void test_the_earliest_window_counts(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VENUE, 1);
    tx_match_resource all[] = {res(1, TX_KIND_VENUE, 1, 0)};
    tx_match_suggestion out[1];
    all[0].windows[0] = (tx_day_range){TODAY + 40, TODAY + 50};
    all[0].windows[1] = (tx_day_range){TODAY - 50, TODAY - 40}; /* over */
    all[0].windows[2] = (tx_day_range){TODAY + 5, TODAY + 6};
    all[0].n_windows = 3;
    assert_int_equal(rank(&n, all, 1, out, 1), 1);
    assert_int_equal(out[0].available_from, TODAY + 5);
}

static void test_weekly_windows_give_the_first_allowed_weekday(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VENUE, 1);
    tx_match_resource all[] = {res(1, TX_KIND_VENUE, 1, 0), res(2, TX_KIND_VENUE, 1, 0)};
    tx_match_suggestion out[2];
    all[0].weekdays = 0x60; /* weekends: TODAY is a Friday, so Saturday */
    all[1].weekdays = 0x01; /* Mondays, but only within a window that holds none */
    all[1].windows[0] = (tx_day_range){TODAY + 1, TODAY + 2};
    all[1].n_windows = 1;
    assert_int_equal(rank(&n, all, 2, out, 2), 1);
    assert_int_equal(out[0].resource_id, 1);
    assert_int_equal(out[0].available_from, TODAY + 1);
}

static void test_a_wanted_date_already_past_counts_from_today(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VENUE, 1);
    tx_match_resource all[] = {res(1, TX_KIND_VENUE, 1, 0)};
    tx_match_suggestion out[1];
    n.wanted_by = TODAY - 5;
    assert_int_equal(rank(&n, all, 1, out, 1), 1);
    assert_non_null(reason(&out[0], TX_MATCH_IN_TIME));
    n.wanted_by = 0; /* no date at all */
    all[0].windows[0] = (tx_day_range){TODAY + 300, TODAY + 301};
    all[0].n_windows = 1;
    assert_int_equal(rank(&n, all, 1, out, 1), 1);
    assert_non_null(reason(&out[0], TX_MATCH_IN_TIME));
}

static void test_a_better_track_record_ranks_first(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_EXPERTISE, 1);
    tx_match_resource all[] = {res(1, TX_KIND_EXPERTISE, 1, 0), res(2, TX_KIND_EXPERTISE, 1, 0),
                               res(3, TX_KIND_EXPERTISE, 1, 0)};
    tx_match_suggestion out[3];
    all[0].offered = 10, all[0].delivered = 3;
    all[1].offered = 0, all[1].delivered = 0;
    all[2].offered = 12, all[2].delivered = 11;
    assert_int_equal(rank(&n, all, 3, out, 3), 3);
    assert_int_equal(out[0].resource_id, 3);
    assert_int_equal(out[1].resource_id, 2);
    assert_int_equal(out[2].resource_id, 1);
    const tx_match_reason *t = reason(&out[0], TX_MATCH_TRACK_RECORD);
    assert_non_null(t);
    assert_float_equal(t->a, 11, 0);
    assert_float_equal(t->b, 12, 0);
    assert_non_null(reason(&out[1], TX_MATCH_NEW_UNIT));
    assert_float_equal(out[1].score, 30 + 25 + 25 + 10, 1e-9);
}

static void test_ties_go_to_the_nearer_then_to_the_smaller_id(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_OTHER, 1);
    tx_match_resource all[] = {res(9, TX_KIND_OTHER, 1, 0), res(4, TX_KIND_OTHER, 1, 0), res(6, TX_KIND_OTHER, 1, 0)};
    tx_match_suggestion out[3];
    assert_int_equal(rank(&n, all, 3, out, 3), 3);
    assert_int_equal(out[0].resource_id, 4);
    assert_int_equal(out[1].resource_id, 6);
    assert_int_equal(out[2].resource_id, 9);
    assert_float_equal(out[0].score, out[2].score, 0);
    /* the order of the input does not matter */
    tx_match_resource rev[] = {all[2], all[1], all[0]};
    assert_int_equal(rank(&n, rev, 3, out, 3), 3);
    assert_int_equal(out[0].resource_id, 4);
    assert_int_equal(out[1].resource_id, 6);
    assert_int_equal(out[2].resource_id, 9);
    assert_int_equal(out[0].index, 1);
}

static void test_only_the_best_k_are_returned_and_k_0_returns_none(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VOLUNTEERS, 1);
    tx_match_resource all[10];
    tx_match_suggestion out[3];
    for (int i = 0; i < 10; i++)
        all[i] = res(i + 1, TX_KIND_VOLUNTEERS, 1, 10 - i); /* id 10 nearest */
    assert_int_equal(rank(&n, all, 10, out, 3), 3);
    assert_int_equal(out[0].resource_id, 10);
    assert_int_equal(out[1].resource_id, 9);
    assert_int_equal(out[2].resource_id, 8);
    assert_int_equal(tx_match_rank(&n, all, 10, NULL, TODAY, NULL, 0), 0);
}

static void test_unavailable_empty_and_withdrawn_resources_are_never_suggested(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VENUE, 1);
    tx_match_resource all[] = {res(1, TX_KIND_VENUE, 1, 0), res(2, TX_KIND_VENUE, 1, 0), res(3, TX_KIND_VENUE, 0, 0),
                               res(4, TX_KIND_VENUE, -2, 0), res(5, TX_KIND_VENUE, 1, 0)};
    tx_match_suggestion out[5];
    all[0].status = TX_RESOURCE_COMMITTED;
    all[1].status = TX_RESOURCE_WITHDRAWN;
    all[4].status = TX_RESOURCE_USED_UP;
    assert_int_equal(rank(&n, all, 5, out, 5), 0);
}

static void test_bad_input_is_refused_and_leaves_the_output_alone(void **state)
{
    (void)state;
    tx_match_need n = need(TX_KIND_VENUE, 1);
    tx_match_resource all[] = {res(1, TX_KIND_VENUE, 1, 0)}, other[] = {res(1, TX_KIND_VENUE, 1, 0)};
    tx_match_suggestion out[1] = {{.resource_id = 77}};
    tx_match_index *ix = NULL;
    assert_int_equal(tx_match_rank(NULL, all, 1, NULL, TODAY, out, 1), -1);
    assert_int_equal(tx_match_rank(&n, all, 1, NULL, TODAY, out, -1), -1);
    assert_int_equal(tx_match_rank(&n, all, 1, NULL, TODAY, NULL, 1), -1);
    assert_int_equal(tx_match_rank(&n, NULL, 1, NULL, TODAY, out, 1), -1);
    n.kind = TX_KIND__COUNT;
    assert_int_equal(tx_match_rank(&n, all, 1, NULL, TODAY, out, 1), -1);
    n = need(TX_KIND_VENUE, 1);
    n.lat = 91;
    assert_int_equal(tx_match_rank(&n, all, 1, NULL, TODAY, out, 1), -1);
    n = need(TX_KIND_VENUE, -1);
    assert_int_equal(tx_match_rank(&n, all, 1, NULL, TODAY, out, 1), -1);
    n = need(TX_KIND_VENUE, 1);
    n.urgency = TX_URGENCY__COUNT;
    assert_int_equal(tx_match_rank(&n, all, 1, NULL, TODAY, out, 1), -1);
    /* an index of another array */
    n = need(TX_KIND_VENUE, 1);
    assert_int_equal(tx_match_index_build(other, 1, &ix), 0);
    assert_int_equal(tx_match_rank(&n, all, 1, ix, TODAY, out, 1), -1);
    tx_match_index_free(ix);
    assert_int_equal(out[0].resource_id, 77);
}

static void test_an_index_over_bad_coordinates_is_refused(void **state)
{
    (void)state;
    tx_match_resource all[] = {res(1, TX_KIND_VENUE, 1, 0)};
    tx_match_index *ix = (tx_match_index *)&ix;
    tx_match_index *const before = ix;
    all[0].lon = NAN;
    assert_int_equal(tx_match_index_build(all, 1, &ix), -1);
    assert_ptr_equal(ix, before);
    assert_int_equal(tx_match_index_build(all, -1, &ix), -1);
    assert_int_equal(tx_match_index_build(NULL, 1, &ix), -1);
    /* an empty index is fine and finds nothing */
    tx_match_need n = need(TX_KIND_VENUE, 1);
    tx_match_suggestion out[1];
    assert_int_equal(tx_match_index_build(NULL, 0, &ix), 0);
    assert_int_equal(tx_match_rank(&n, NULL, 0, ix, TODAY, out, 1), 0);
    tx_match_index_free(ix);
    tx_match_index_free(NULL);
}

static void test_more_than_64_suggestions_may_be_asked_for(void **state)
{
    (void)state;
    enum { N = 100 };
    tx_match_need n = need(TX_KIND_VOLUNTEERS, 1);
    tx_match_resource all[N];
    tx_match_suggestion out[N];
    for (int i = 0; i < N; i++)
        all[i] = res(i + 1, TX_KIND_VOLUNTEERS, 1, i * 0.5);
    assert_int_equal(rank(&n, all, N, out, N), N);
    for (int i = 0; i < N; i++)
        assert_int_equal(out[i].resource_id, i + 1);
}

/* A city's worth of random data, nasty on purpose: many resources on the
 * same centroid, needs outside the resources' box, units that differ, windows
 * over and to come. The index must agree with the full scan every time. */
static uint64_t seed = 88172645463325252ull;
static double rnd(void)
{
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return (double)(seed >> 11) / 9007199254740992.0;
}

static void test_the_index_agrees_with_the_full_scan_on_random_cities(void **state)
{
    (void)state;
    enum { N = 3000, CENTROIDS = 60 };
    static tx_match_resource all[N];
    static const char *units[] = {"人", "元", "万元", ""};
    double clat[CENTROIDS], clon[CENTROIDS];
    for (int round = 0; round < 6; round++) {
        double spread = round % 2 ? 0.02 : 0.6; /* a street, then a city */
        for (int c = 0; c < CENTROIDS; c++)
            clat[c] = LAT + (rnd() - 0.5) * spread, clon[c] = LON + (rnd() - 0.5) * spread;
        for (int i = 0; i < N; i++) {
            int c = (int)(rnd() * CENTROIDS);
            all[i] = res(i + 1, (tx_list_kind)(rnd() * 3), 1 + (int)(rnd() * 50), 0);
            all[i].lat = clat[c], all[i].lon = clon[c], all[i].area_id = c;
            all[i].unit = units[(int)(rnd() * 4)];
            all[i].offered = (int32_t)(rnd() * 20);
            all[i].delivered = (int32_t)(rnd() * (all[i].offered + 1));
            if (rnd() < 0.3) {
                int32_t from = TODAY - 40 + (int32_t)(rnd() * 80);
                all[i].windows[0] = (tx_day_range){from, from + (int32_t)(rnd() * 30)};
                all[i].n_windows = 1;
            }
            all[i].weekdays = rnd() < 0.2 ? 0x41 : 0;
            if (rnd() < 0.1)
                all[i].status = TX_RESOURCE_COMMITTED;
        }
        for (int q = 0; q < 60; q++) {
            tx_match_need n = need((tx_list_kind)(rnd() * 3), (int)(rnd() * 60));
            tx_match_suggestion out[7];
            n.unit = units[(int)(rnd() * 4)];
            n.lat = LAT + (rnd() - 0.5) * spread * 3; /* sometimes outside the box */
            n.lon = LON + (rnd() - 0.5) * spread * 3;
            n.urgency = (tx_urgency)(rnd() * 4);
            n.wanted_by = rnd() < 0.2 ? 0 : TODAY + (int32_t)(rnd() * 40) - 5;
            assert_true(rank(&n, all, N, out, 1 + (int)(rnd() * 7)) > 0);
        }
    }
}

static void test_reasons_read_in_both_languages(void **state)
{
    (void)state;
    char buf[256];
    tx_match_reason r = {TX_MATCH_TRACK_RECORD, 11, 12, 0, TX_KIND_VENUE, NULL};
    assert_string_equal(tx_match_reason_text(&r, 1, buf, sizeof buf), "track record: 11 of 12 delivered");
    assert_string_equal(tx_match_reason_text(&r, 0, buf, sizeof buf), "履约记录：承诺 12 次，兑现 11 次");
    r = (tx_match_reason){TX_MATCH_ENOUGH, 200, 150, 0, TX_KIND_VOLUNTEERS, "人"};
    assert_string_equal(tx_match_reason_text(&r, 0, buf, sizeof buf), "数量足够：可提供 200 人，需要 150 人");
    assert_string_equal(tx_match_reason_text(&r, 1, buf, sizeof buf), "enough: 200 人 offered, 150 人 wanted");
    r = (tx_match_reason){TX_MATCH_PARTIAL, 50, 200, 0, TX_KIND_VOLUNTEERS, "人"};
    assert_non_null(strstr(tx_match_reason_text(&r, 1, buf, sizeof buf), "(25%)"));
    r = (tx_match_reason){TX_MATCH_DISTANCE, 2.34, 0, 0, TX_KIND_VENUE, NULL};
    assert_string_equal(tx_match_reason_text(&r, 0, buf, sizeof buf), "距离 2.3 公里");
    assert_string_equal(tx_match_reason_text(&r, 1, buf, sizeof buf), "2.3 km away");
    r = (tx_match_reason){TX_MATCH_IN_TIME, 0, 0, TODAY, TX_KIND_VENUE, NULL};
    assert_string_equal(tx_match_reason_text(&r, 1, buf, sizeof buf), "available in time, from 2026-03-20");
    r = (tx_match_reason){TX_MATCH_LATE, 7, 0, TODAY + 7, TX_KIND_VENUE, NULL};
    assert_string_equal(tx_match_reason_text(&r, 0, buf, sizeof buf), "晚于需要日期 7 天：2026-03-27 起可用");
    r = (tx_match_reason){TX_MATCH_SAME_KIND, 0, 0, 0, TX_KIND_VENUE, NULL};
    assert_string_equal(tx_match_reason_text(&r, 0, buf, sizeof buf), "同类资源：场地");
    /* every reason has words, a code that parses back, and a short buffer is cut, not overrun */
    for (int w = 0; w < TX_MATCH__WHY_COUNT; w++) {
        tx_match_why back;
        r.why = (tx_match_why)w;
        assert_true(strlen(tx_match_reason_text(&r, 0, buf, sizeof buf)) > 0);
        assert_true(strlen(tx_match_reason_text(&r, 1, buf, sizeof buf)) > 0);
        assert_int_equal(tx_match_why_parse(tx_match_why_code((tx_match_why)w), &back), 0);
        assert_int_equal(back, w);
    }
    char tiny[4] = "xyz";
    r.why = TX_MATCH_NEW_UNIT;
    tx_match_reason_text(&r, 1, tiny, sizeof tiny);
    assert_string_equal(tiny, "new");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_resources_of_the_needs_kind_are_suggested),
        cmocka_unit_test(test_a_perfect_match_scores_nearly_100_with_its_reasons_in_order),
        cmocka_unit_test(test_nearer_resources_rank_first_and_say_how_far),
        cmocka_unit_test(test_a_partial_quantity_ranks_below_enough_and_says_how_much),
        cmocka_unit_test(test_quantities_in_other_units_are_not_compared),
        cmocka_unit_test(test_a_need_without_a_quantity_takes_any_and_gives_no_quantity_reason),
        cmocka_unit_test(test_resources_whose_availability_is_over_are_not_suggested),
        cmocka_unit_test(test_availability_after_the_wanted_date_is_late_and_ranks_lower),
        cmocka_unit_test(test_the_earliest_window_counts),
        cmocka_unit_test(test_weekly_windows_give_the_first_allowed_weekday),
        cmocka_unit_test(test_a_wanted_date_already_past_counts_from_today),
        cmocka_unit_test(test_a_better_track_record_ranks_first),
        cmocka_unit_test(test_ties_go_to_the_nearer_then_to_the_smaller_id),
        cmocka_unit_test(test_only_the_best_k_are_returned_and_k_0_returns_none),
        cmocka_unit_test(test_unavailable_empty_and_withdrawn_resources_are_never_suggested),
        cmocka_unit_test(test_bad_input_is_refused_and_leaves_the_output_alone),
        cmocka_unit_test(test_an_index_over_bad_coordinates_is_refused),
        cmocka_unit_test(test_more_than_64_suggestions_may_be_asked_for),
        cmocka_unit_test(test_the_index_agrees_with_the_full_scan_on_random_cities),
        cmocka_unit_test(test_reasons_read_in_both_languages),
    };
    return cmocka_run_group_tests_name("matching", tests, NULL, NULL) ? 1 : 0;
}
