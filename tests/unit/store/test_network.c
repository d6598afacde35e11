/* Unit tests for src/store/sqlite/network.c (and store_stats): the big
 * committee (大党委) of a community and the street's overview on a given
 * day, checked against the demo street 淡水街道 (src/demo/danshui.h), which
 * reproduces the figures of the Huizhou Daily report: 20 communities, 86
 * part-time members from 86 member units, 112 compound party branches;
 * 星河 with 5 cadres; 白云 with 60 compounds and 20 branches.
 *
 * The demo is loaded once for the whole group through the importers, in
 * store_sync write transactions, as `tongxin demo` does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../io/fixture.h"

#define TODAY "2026-11-25"

typedef struct {
    fx_db d;
    store_conn *c;
    int64_t xinghe, baiyun;
} street;

static int grab_conn(store_conn *c, void *arg, tx_err *err)
{
    (void)err;
    *(store_conn **)arg = c;
    return 0;
}

static int group_setup(void **state)
{
    street *s = calloc(1, sizeof *s);
    fx_db_open(&s->d);
    demo_street st;
    assert_int_equal(demo_street_generate(1, &st), 0);
    fx_load_demo(&s->d, &st);
    demo_street_free(&st);
    tx_err err;
    store_sync(s->d.s, 0, grab_conn, &s->c, &err);
    assert_int_equal(store_area_id_by_code(s->c, "DS-XH", &s->xinghe, &err), 0);
    assert_int_equal(store_area_id_by_code(s->c, "DS-BY", &s->baiyun, &err), 0);
    *state = s;
    return 0;
}

static int group_teardown(void **state)
{
    street *s = *state;
    fx_db_close(&s->d);
    free(s);
    return 0;
}

static json_t *overview(street *s, const char *as_of)
{
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_network_overview(s->c, as_of, &out, &err))
        fail_msg("overview: %s", err.msg[TX_LANG_EN]);
    return out;
}

static json_t *community(street *s, int64_t id, const char *as_of)
{
    json_t *out = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_network_community(s->c, id, as_of, &out, &err))
        fail_msg("community %lld: %s", (long long)id, err.msg[TX_LANG_EN]);
    return out;
}

static json_int_t count_of(json_t *counts, const char *key)
{
    json_t *v = json_object_get(counts, key);
    if (!json_is_integer(v))
        fail_msg("counts have no integer \"%s\"", key);
    return json_integer_value(v);
}

/* The entry for code in the overview's communities (borrowed). */
static json_t *overview_community(json_t *ov, const char *code)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(ov, "communities"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "code")), code) == 0)
            return c;
    }
    fail_msg("community %s is not in the overview", code);
    return NULL;
}

/* Distinct person ids of a list of office holders. */
static int distinct_persons(json_t *list)
{
    int64_t seen[64];
    int n = 0;
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m)
    {
        int64_t id = json_integer_value(json_object_get(m, "person_id"));
        int dup = 0;
        for (int k = 0; k < n; k++)
            dup |= seen[k] == id;
        if (!dup && n < 64)
            seen[n++] = id;
    }
    return n;
}

/* Whether any object anywhere in v has the key. */
static int has_key_anywhere(json_t *v, const char *key)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (strcmp(k, key) == 0 || has_key_anywhere(x, key))
                return 1;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) if (has_key_anywhere(x, key)) return 1;
    }
    return 0;
}

/* Names of the member units in a community view (any unit type). */
static int has_member_unit(json_t *view, const char *name)
{
    const char *type;
    json_t *units;
    json_object_foreach(json_object_get(view, "member_units"), type, units)
    {
        size_t i;
        json_t *u;
        json_array_foreach(units, i, u) if (strcmp(json_string_value(json_object_get(u, "name")), name) == 0) return 1;
    }
    return 0;
}

/* ---- the overview ---------------------------------------------------------- */

static void test_overview_totals_are_the_articles_figures(void **state)
{
    street *s = *state;
    json_t *ov = overview(s, TODAY);
    assert_string_equal(json_string_value(json_object_get(ov, "as_of")), TODAY);
    json_t *t = json_object_get(ov, "totals");
    assert_int_equal(count_of(t, "communities"), 20);
    assert_int_equal(count_of(t, "part_time_members"), 86);
    assert_int_equal(count_of(t, "member_units"), 86);
    assert_int_equal(count_of(t, "compound_party_branches"), 112);
    assert_int_equal(json_array_size(json_object_get(ov, "communities")), 20);
    json_decref(ov);
}

static void test_overview_totals_are_the_sums_of_the_communities(void **state)
{
    street *s = *state;
    json_t *ov = overview(s, TODAY);
    static const char *const keys[] = {"grids", "compounds", "cadres", "grid_workers", "part_time_members",
                                       "member_units", "compound_party_branches"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        json_int_t sum = 0;
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(ov, "communities"), i, c) sum += count_of(json_object_get(c, "counts"), keys[k]);
        assert_int_equal(count_of(json_object_get(ov, "totals"), keys[k]), sum);
    }
    json_decref(ov);
}

static void test_overview_baiyun_has_60_compounds_and_20_branches(void **state)
{
    street *s = *state;
    json_t *ov = overview(s, TODAY);
    json_t *by = overview_community(ov, "DS-BY");
    json_t *counts = json_object_get(by, "counts");
    assert_int_equal(count_of(counts, "compounds"), 60);
    assert_int_equal(count_of(counts, "compound_party_branches"), 20);
    assert_string_equal(json_string_value(json_object_get(by, "founded")), "2011-10");
    assert_int_equal(json_integer_value(json_object_get(by, "population_registered")), 14000);
    assert_int_equal(json_integer_value(json_object_get(by, "population_resident")), 38000);
    json_decref(ov);
}

static void test_overview_xinghe_has_five_cadres(void **state)
{
    street *s = *state;
    json_t *ov = overview(s, TODAY);
    json_t *xh = overview_community(ov, "DS-XH");
    assert_int_equal(count_of(json_object_get(xh, "counts"), "cadres"), 5);
    json_decref(ov);
}

static void test_overview_before_any_part_time_member_started_counts_none(void **state)
{
    street *s = *state;
    json_t *ov = overview(s, "2015-01-01");
    json_t *t = json_object_get(ov, "totals");
    assert_int_equal(count_of(t, "part_time_members"), 0);
    assert_int_equal(count_of(t, "member_units"), 0);
    /* Areas and organisations are not dated. */
    assert_int_equal(count_of(t, "communities"), 20);
    assert_int_equal(count_of(t, "compound_party_branches"), 112);
    json_decref(ov);
}

/* ---- one community's big committee ------------------------------------------ */

static void test_xinghe_big_committee_lists_five_cadres(void **state)
{
    street *s = *state;
    json_t *v = community(s, s->xinghe, TODAY);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "community"), "code")), "DS-XH");
    json_t *cadres = json_object_get(v, "cadres");
    /* The secretary and deputy are two of the five cadres (danshui.h):
     * five people, whatever entries their offices make. */
    assert_int_equal(distinct_persons(cadres), 5);
    /* One of them is the secretary: an entry with role "secretary", or
     * with "secretary" among its roles. */
    int secretaries = 0;
    size_t i, k;
    json_t *m, *r;
    json_array_foreach(cadres, i, m)
    {
        assert_non_null(json_string_value(json_object_get(m, "name")));
        const char *role = json_string_value(json_object_get(m, "role"));
        if (role)
            secretaries += strcmp(role, "secretary") == 0;
        json_array_foreach(json_object_get(m, "roles"), k, r) secretaries += strcmp(json_string_value(r), "secretary") == 0;
    }
    assert_int_equal(secretaries, 1);
    json_decref(v);
}

static void test_xinghe_counts_five_cadres_as_the_overview_does(void **state)
{
    street *s = *state;
    json_t *v = community(s, s->xinghe, TODAY);
    json_int_t n = count_of(json_object_get(v, "counts"), "cadres");
    json_decref(v); /* before any failure, so that a failure leaks nothing */
    if (n != 5)
        fail_msg("星河's big committee counts %lld cadres; the article and the overview say 5 (the secretary and "
                 "deputy are among them)",
                 (long long)n);
}

static void test_xinghe_member_units_include_the_three_named_in_the_article(void **state)
{
    street *s = *state;
    json_t *v = community(s, s->xinghe, TODAY);
    assert_true(has_member_unit(v, "华南师范大学附属惠阳学校"));
    assert_true(has_member_unit(v, "星河智善惠州分公司"));
    assert_true(has_member_unit(v, "惠州农商行惠阳支行"));
    json_t *counts = json_object_get(v, "counts");
    assert_int_equal(count_of(counts, "member_units"), count_of(counts, "part_time_members"));
    /* Every part-time member represents one of the listed units. */
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(v, "part_time_members"), i, m)
    {
        json_t *r = json_object_get(m, "represents");
        assert_non_null(r);
        assert_true(has_member_unit(v, json_string_value(json_object_get(r, "name"))));
    }
    json_decref(v);
}

static void test_xinghe_compound_branches_include_xinghe_dandi(void **state)
{
    street *s = *state;
    json_t *v = community(s, s->xinghe, TODAY);
    json_t *branches = json_object_get(v, "compound_party_branches");
    int found = 0;
    size_t i;
    json_t *b;
    json_array_foreach(branches, i, b) found |= strcmp(json_string_value(json_object_get(b, "name")), "星河丹堤小区党支部") == 0;
    assert_true(found);
    assert_int_equal(count_of(json_object_get(v, "counts"), "compound_party_branches"), json_array_size(branches));
    json_decref(v);
}

static void test_community_view_never_contains_a_phone(void **state)
{
    street *s = *state;
    json_t *v = community(s, s->xinghe, TODAY);
    assert_false(has_key_anywhere(v, "phone"));
    char *text = json_dumps(v, 0);
    assert_null(strstr(text, "1390000"));
    free(text);
    json_decref(v);
    v = community(s, s->baiyun, TODAY);
    assert_false(has_key_anywhere(v, "phone"));
    json_decref(v);
}

static void test_community_view_before_a_part_time_member_started_leaves_them_out(void **state)
{
    street *s = *state;
    /* The 星河 part-time member who started last. */
    json_t *now = community(s, s->xinghe, TODAY);
    const char *last = NULL;
    int64_t last_person = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(now, "part_time_members"), i, m)
    {
        const char *since = json_string_value(json_object_get(m, "since"));
        if (last == NULL || strcmp(since, last) > 0) {
            last = since;
            last_person = json_integer_value(json_object_get(m, "person_id"));
        }
    }
    assert_non_null(last);
    /* The day before. */
    int y, mo, d;
    assert_int_equal(sscanf(last, "%d-%d-%d", &y, &mo, &d), 3);
    char before[48];
    if (d > 1)
        snprintf(before, sizeof before, "%04d-%02d-%02d", y, mo, d - 1);
    else if (mo > 1)
        snprintf(before, sizeof before, "%04d-%02d-28", y, mo - 1);
    else
        snprintf(before, sizeof before, "%04d-12-31", y - 1);
    json_t *then = community(s, s->xinghe, before);
    json_array_foreach(json_object_get(then, "part_time_members"), i, m)
        assert_true(json_integer_value(json_object_get(m, "person_id")) != last_person);
    assert_true(json_array_size(json_object_get(then, "part_time_members")) <
                json_array_size(json_object_get(now, "part_time_members")));
    /* On the day itself they are there. */
    json_t *on = community(s, s->xinghe, last);
    int found = 0;
    json_array_foreach(json_object_get(on, "part_time_members"), i, m)
        found |= json_integer_value(json_object_get(m, "person_id")) == last_person;
    assert_true(found);
    json_decref(now);
    json_decref(then);
    json_decref(on);
}

static void test_community_view_of_an_area_that_is_not_a_community_is_404(void **state)
{
    street *s = *state;
    int64_t grid;
    tx_err err;
    assert_int_equal(store_area_id_by_code(s->c, "DS-XH-G01", &grid, &err), 0);
    json_t *out = NULL;
    assert_int_equal(store_network_community(s->c, grid, TODAY, &out, &err), -1);
    assert_int_equal(err.status, 404);
    assert_int_equal(store_network_community(s->c, 999999, TODAY, &out, &err), -1);
    assert_int_equal(err.status, 404);
    assert_null(out);
}

/* ---- stats ------------------------------------------------------------------ */

static void test_stats_have_the_flat_counts_the_stats_command_promises(void **state)
{
    street *s = *state;
    json_t *out = NULL;
    tx_err err;
    assert_int_equal(store_stats(s->c, &out, &err), 0);
    assert_int_equal(count_of(out, "communities"), 20);
    assert_int_equal(count_of(out, "grids"), tmpdb_int(s->c, "SELECT count(*) FROM area WHERE kind = 'grid'"));
    assert_int_equal(count_of(out, "compounds"), tmpdb_int(s->c, "SELECT count(*) FROM area WHERE kind = 'compound'"));
    assert_int_equal(count_of(out, "compound_party_branches"), 112);
    assert_int_equal(count_of(out, "member_units"), 86);
    assert_int_equal(count_of(out, "part_time_members"), 86);
    assert_true(count_of(out, "grids") > 20);
    assert_true(count_of(out, "compounds") >= 112);
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overview_totals_are_the_articles_figures),
        cmocka_unit_test(test_overview_totals_are_the_sums_of_the_communities),
        cmocka_unit_test(test_overview_baiyun_has_60_compounds_and_20_branches),
        cmocka_unit_test(test_overview_xinghe_has_five_cadres),
        cmocka_unit_test(test_overview_before_any_part_time_member_started_counts_none),
        cmocka_unit_test(test_xinghe_big_committee_lists_five_cadres),
        cmocka_unit_test(test_xinghe_counts_five_cadres_as_the_overview_does),
        cmocka_unit_test(test_xinghe_member_units_include_the_three_named_in_the_article),
        cmocka_unit_test(test_xinghe_compound_branches_include_xinghe_dandi),
        cmocka_unit_test(test_community_view_never_contains_a_phone),
        cmocka_unit_test(test_community_view_before_a_part_time_member_started_leaves_them_out),
        cmocka_unit_test(test_community_view_of_an_area_that_is_not_a_community_is_404),
        cmocka_unit_test(test_stats_have_the_flat_counts_the_stats_command_promises),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
