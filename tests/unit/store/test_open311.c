/* Unit tests for src/store/sqlite/open311.c (cases and public events as the
 * Open311 layer reads them: filters, order, paging, names, never personal
 * data, never spam) and for the defaults api/open311.c applies to GET
 * requests (the last 90 days, at most 1000 records, page and page_size),
 * which need more cases than an API test should leave on a shared server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"
#include "store/open311.h"
#include "tmpdb.h"

typedef tmpdb_fixture fixture;

#define T0 1790000000000LL /* 2026-09-21T22:13:20+08:00: "now" in these tests */
#define DAY (24LL * 3600 * 1000)

static const char FIXTURE[] =
    "INSERT INTO area (id, kind, code, name, name_en) VALUES (1, 'street', 'DS', '淡水街道', 'Danshui'),"
    " (2, 'community', 'DS-XH', '星河社区', 'Xinghe'), (3, 'grid', 'DS-XH-G01', '星河社区第1网格', NULL),"
    " (4, 'compound', 'DS-XH-G01-C01', '星河丹堤', 'Xinghe Dandi');"
    "INSERT INTO organisation (id, kind, code, name, name_en) VALUES (1, 'property_company', 'PM1', '星河物业', "
    "'Xinghe Property');"
    "INSERT INTO category (id, code, name, name_en, group_name, group_name_en) VALUES"
    " (1, 'sanitation', '垃圾与环境卫生', 'Garbage', '市容环境', 'City'), (2, 'sewage', '污水', 'Sewage', '市政', 'Works');";

static int setup(void **state)
{
    *state = tmpdb_fixture_open(FIXTURE);
    return 0;
}

static int teardown(void **state)
{
    tmpdb_fixture_close(*state);
    return 0;
}

/* One case row as intake and steps would leave it (reporter details
 * included, to prove they never come out); returns its id. handler_id is
 * an organisation id for the organisations' kinds, else an area id. */
static int64_t add_case(fixture *f, int64_t category, const char *state, int64_t submitted, const char *handler,
                        int64_t handler_id, int in_compound)
{
    static int seq;
    seq++;
    int open = strcmp(state, "closed") == 0 || strcmp(state, "merged") == 0 || strcmp(state, "invalid") == 0 ? 0
               : strcmp(state, "resolved") == 0                                                            ? 2
                                                                                                           : 1;
    char hid[24] = "NULL", closed[24] = "NULL";
    if (handler_id)
        snprintf(hid, sizeof hid, "%lld", (long long)handler_id);
    if (open == 0)
        snprintf(closed, sizeof closed, "%lld", (long long)submitted + 60000);
    char sql[1400];
    snprintf(sql, sizeof sql,
             "INSERT INTO cases (token_hash, category_id, description, address, lat, lon, channel, reporter_name, "
             "reporter_phone, reporter_email, community_id, grid_id, compound_id, route_handler, route_handler_id, "
             "route_reason, route_reason_en, state, tier, handler, handler_id, open, submitted_at, due_accept, "
             "due_contact, due_resolve, due_work, due_at, updated_at, closed_at) VALUES ('h%d', %lld, '井盖松动 %d', "
             "'星河丹堤3栋', 22.78, 114.47, 'open311', '刘学政', '13900001234', 'liu@example.cn', 2, 3, %s, "
             "'grid_worker', 3, '由星河社区第1网格网格员办理', 'the grid worker handles it', '%s', 'grid', '%s', %s, "
             "%d, %lld, %lld, %lld, %lld, %lld, %lld, %lld, %s)",
             seq, (long long)category, seq, in_compound ? "4" : "NULL", state, handler, hid, open,
             (long long)submitted, (long long)submitted + 3600000, (long long)submitted + 7200000,
             (long long)submitted + 5 * DAY, (long long)submitted + 5 * DAY, (long long)submitted + 5 * DAY,
             (long long)submitted + 60000, closed);
    tmpdb_exec(f->c, sql);
    return tmpdb_int(f->c, "SELECT max(id) FROM cases");
}

static void add_event(fixture *f, int64_t case_id, int64_t at, const char *action, const char *from, const char *to,
                      int public_event, const char *text)
{
    char sql[600];
    snprintf(sql, sizeof sql,
             "INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, tier, handler, "
             "public, text) VALUES (%lld, %lld, 'user:grid', 'grid_worker', '%s', %s%s%s, '%s', 'grid', "
             "'grid_worker', %d, %s%s%s)",
             (long long)case_id, (long long)at, action, from ? "'" : "", from ? from : "NULL", from ? "'" : "", to,
             public_event, text ? "'" : "", text ? text : "NULL", text ? "'" : "");
    tmpdb_exec(f->c, sql);
}

static json_t *requests(fixture *f, const store_open311_filter *flt)
{
    json_t *a = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_open311_requests(f->c, flt, &a, &err))
        fail_msg("store_open311_requests: %s", err.msg[TX_LANG_EN]);
    assert_true(json_is_array(a));
    return a;
}

static int64_t id_at(const json_t *a, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(a, i), "id"));
}

/* ---- the store ---- */

static void test_requests_in_the_window_come_newest_first_with_paging(void **state)
{
    fixture *f = *state;
    int64_t old = add_case(f, 1, "submitted", T0 - 100 * DAY, "none", 0, 0);
    int64_t a = add_case(f, 1, "submitted", T0 - 3 * DAY, "none", 0, 0);
    int64_t b = add_case(f, 2, "accepted", T0 - 2 * DAY, "none", 0, 0);
    int64_t c = add_case(f, 1, "in_progress", T0 - DAY, "grid_worker", 3, 0);
    store_open311_filter flt = {.from = T0 - 90 * DAY, .to = T0, .limit = 1000};
    json_t *r = requests(f, &flt);
    assert_int_equal(json_array_size(r), 3);
    assert_int_equal(id_at(r, 0), c);
    assert_int_equal(id_at(r, 1), b);
    assert_int_equal(id_at(r, 2), a);
    json_decref(r);
    (void)old;
    flt.limit = 2;
    flt.offset = 2;
    r = requests(f, &flt);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(id_at(r, 0), a);
    json_decref(r);
    /* the window's ends are included */
    store_open311_filter edge = {.from = T0 - 2 * DAY, .to = T0 - DAY, .limit = 10};
    r = requests(f, &edge);
    assert_int_equal(json_array_size(r), 2);
    json_decref(r);
}

static void test_status_open_and_closed_follow_the_documented_mapping(void **state)
{
    fixture *f = *state;
    int64_t resolved = add_case(f, 1, "resolved", T0 - DAY, "grid_worker", 3, 0);
    int64_t closed = add_case(f, 1, "closed", T0 - DAY, "grid_worker", 3, 0);
    int64_t merged = add_case(f, 1, "merged", T0 - DAY, "none", 0, 0);
    int64_t open = add_case(f, 1, "reopened", T0 - DAY, "grid_worker", 3, 0);
    store_open311_filter flt = {.from = T0 - 90 * DAY, .to = T0, .limit = 100, .status = 1};
    json_t *r = requests(f, &flt);
    assert_int_equal(json_array_size(r), 2); /* resolved (awaiting the rating) is open */
    int64_t ids[2] = {id_at(r, 0), id_at(r, 1)};
    assert_true((ids[0] == resolved && ids[1] == open) || (ids[0] == open && ids[1] == resolved));
    json_decref(r);
    flt.status = 2;
    r = requests(f, &flt);
    assert_int_equal(json_array_size(r), 2);
    ids[0] = id_at(r, 0), ids[1] = id_at(r, 1);
    assert_true((ids[0] == closed && ids[1] == merged) || (ids[0] == merged && ids[1] == closed));
    assert_true(json_is_integer(json_object_get(json_array_get(r, 0), "closed_at")));
    json_decref(r);
}

static void test_spam_is_never_listed_not_even_by_id(void **state)
{
    fixture *f = *state;
    int64_t spam = add_case(f, 1, "invalid", T0 - DAY, "none", 0, 0);
    int64_t real = add_case(f, 1, "submitted", T0 - DAY, "none", 0, 0);
    store_open311_filter flt = {.from = T0 - 90 * DAY, .to = T0, .limit = 100};
    json_t *r = requests(f, &flt);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(id_at(r, 0), real);
    json_decref(r);
    int64_t ids[] = {spam, real};
    store_open311_filter by_id = {.ids = ids, .n_ids = 2};
    r = requests(f, &by_id);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(id_at(r, 0), real);
    json_decref(r);
}

static void test_ids_override_the_other_filters_and_keep_their_order(void **state)
{
    fixture *f = *state;
    int64_t a = add_case(f, 1, "closed", T0 - 400 * DAY, "none", 0, 0);
    int64_t b = add_case(f, 2, "submitted", T0 - DAY, "none", 0, 0);
    int64_t ids[] = {b, 999999, a};
    int64_t cat = 2;
    /* window, status and category would all exclude a: ids win */
    store_open311_filter flt = {.ids = ids, .n_ids = 3, .category_ids = &cat, .n_categories = 1, .status = 1,
                                .from = T0 - DAY, .to = T0, .limit = 1};
    json_t *r = requests(f, &flt);
    assert_int_equal(json_array_size(r), 2);
    assert_int_equal(id_at(r, 0), b);
    assert_int_equal(id_at(r, 1), a);
    json_decref(r);
}

static void test_categories_filter_by_any_of_a_list(void **state)
{
    fixture *f = *state;
    add_case(f, 1, "submitted", T0 - DAY, "none", 0, 0);
    int64_t s = add_case(f, 2, "submitted", T0 - DAY, "none", 0, 0);
    int64_t one[] = {2};
    store_open311_filter flt = {.category_ids = one, .n_categories = 1, .from = T0 - 90 * DAY, .to = T0, .limit = 9};
    json_t *r = requests(f, &flt);
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(id_at(r, 0), s);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "category_code")), "sewage");
    json_decref(r);
    int64_t both[] = {2, 1};
    flt.category_ids = both;
    flt.n_categories = 2;
    r = requests(f, &flt);
    assert_int_equal(json_array_size(r), 2);
    json_decref(r);
}

static void test_a_row_has_public_fields_only(void **state)
{
    fixture *f = *state;
    int64_t id = add_case(f, 1, "in_progress", T0 - DAY, "property_company", 1, 1);
    add_event(f, id, T0 - DAY, "report", NULL, "submitted", 1, "由网格员办理");
    add_event(f, id, T0 - DAY + 10, "note", "submitted", "submitted", 1, "已联系物业");
    add_event(f, id, T0 - DAY + 20, "note", "submitted", "submitted", 0, "内部：住户电话 13900001234");
    add_event(f, id, T0 - DAY + 30, "start", "submitted", "in_progress", 1, NULL);
    store_open311_filter flt = {.from = T0 - 90 * DAY, .to = T0, .limit = 9};
    json_t *r = requests(f, &flt);
    json_t *o = json_array_get(r, 0);
    /* the latest public event with a text; not the internal note after it */
    assert_string_equal(json_string_value(json_object_get(o, "notes")), "已联系物业");
    assert_string_equal(json_string_value(json_object_get(o, "handler")), "property_company");
    assert_string_equal(json_string_value(json_object_get(o, "handler_name")), "星河物业");
    assert_string_equal(json_string_value(json_object_get(o, "handler_name_en")), "Xinghe Property");
    assert_string_equal(json_string_value(json_object_get(o, "route_handler_name")), "星河社区第1网格");
    assert_true(json_is_null(json_object_get(o, "route_handler_name_en")));
    assert_string_equal(json_string_value(json_object_get(o, "address_id")), "DS-XH-G01-C01");
    assert_string_equal(json_string_value(json_object_get(o, "address")), "星河丹堤3栋");
    assert_true(json_is_real(json_object_get(o, "lat")));
    assert_true(json_is_null(json_object_get(o, "media_url")));
    assert_int_equal(json_integer_value(json_object_get(o, "due_resolve")), T0 - DAY + 5 * DAY);
    /* nothing of the reporter */
    char *text = json_dumps(r, 0);
    assert_null(strstr(text, "刘学政"));
    assert_null(strstr(text, "13900001234"));
    assert_null(strstr(text, "liu@example"));
    assert_null(strstr(text, "reporter"));
    free(text);
    json_decref(r);
}

static void test_media_url_is_kept_among_the_attributes(void **state)
{
    fixture *f = *state;
    int64_t id = add_case(f, 1, "submitted", T0 - DAY, "none", 0, 0);
    tmpdb_exec(f->c, "UPDATE cases SET attributes = '{\"size_m2\":3}'");
    tx_err err;
    assert_int_equal(store_open311_set_media_url(f->c, id, "https://example.cn/p/1.jpg", &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT json_extract(attributes, '$.size_m2') FROM cases"), 3);
    int64_t ids[] = {id};
    store_open311_filter flt = {.ids = ids, .n_ids = 1};
    json_t *r = requests(f, &flt);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "media_url")),
                        "https://example.cn/p/1.jpg");
    json_decref(r);
    assert_int_equal(store_open311_set_media_url(f->c, 424242, "https://x.cn/", &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_updates_are_public_events_in_the_window_oldest_first(void **state)
{
    fixture *f = *state;
    int64_t id = add_case(f, 1, "accepted", T0 - DAY, "none", 0, 0);
    int64_t spam = add_case(f, 1, "invalid", T0 - DAY, "none", 0, 0);
    add_event(f, id, T0 - DAY, "report", NULL, "submitted", 1, "routed");
    add_event(f, id, T0 - 500, "note", "submitted", "submitted", 0, "internal");
    add_event(f, id, T0 - 100, "accept", "submitted", "accepted", 1, NULL);
    add_event(f, spam, T0 - 50, "report", NULL, "submitted", 1, "spam");
    json_t *a = NULL;
    tx_err err;
    assert_int_equal(store_open311_updates(f->c, T0 - 2 * DAY, T0, 100, 0, &a, &err), 0);
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "action")), "report");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "action")), "accept");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "from_state")), "submitted");
    assert_true(json_is_null(json_object_get(json_array_get(a, 1), "text")));
    json_decref(a);
    assert_int_equal(store_open311_updates(f->c, T0 - 200, T0, 100, 0, &a, &err), 0);
    assert_int_equal(json_array_size(a), 1);
    json_decref(a);
    assert_int_equal(store_open311_updates(f->c, T0 - 2 * DAY, T0, 1, 1, &a, &err), 0);
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "action")), "accept");
    json_decref(a);
}

/* ---- the defaults of GET requests (api/open311.c) ---- */

static const tx_route requests_route = {"GET", "/open311/v2/requests.{fmt}", "open311.requests", TX_ACT_PUBLIC,
                                        ROUTE_READ, BODY_NONE, api_open311_requests, api_open311_render_error, 1};

/* GET requests.json with the query name=value pairs (NULL-terminated). */
static tx_call *get_requests(fixture *f, const char *const *query)
{
    tx_call *call = calloc(1, sizeof *call);
    call->route = &requests_route;
    call->lang = TX_LANG_EN;
    call->now_ms = T0;
    snprintf(call->params[0], sizeof call->params[0], "json");
    call->nparams = 1;
    for (int i = 0; query && query[i]; i += 2) {
        call->query[call->nquery].name = (char *)query[i];
        call->query[call->nquery].value = (char *)query[i + 1];
        call->nquery++;
    }
    api_open311_requests(call, f->c);
    return call;
}

static void free_call(tx_call *call)
{
    json_decref(call->out);
    free(call->out_raw);
    free(call);
}

static void add_bulk(fixture *f, int n, int64_t newest, int64_t step)
{
    char sql[900];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
             "INSERT INTO cases (token_hash, category_id, description, channel, route_handler, route_reason, "
             "route_reason_en, state, tier, submitted_at, due_accept, due_contact, due_resolve, due_work, due_at, "
             "updated_at) SELECT 'bulk' || i || '-' || %lld, 1, 'bulk ' || i, 'web', 'community_office', 'r', 'r', "
             "'submitted', 'community', %lld - i * %lld, 0, 0, 0, 0, 0, %lld - i * %lld FROM n",
             n, (long long)newest, (long long)newest, (long long)step, (long long)newest, (long long)step);
    tmpdb_exec(f->c, sql);
}

static void test_at_most_1000_requests_by_default_and_pages_after(void **state)
{
    fixture *f = *state;
    add_bulk(f, 1001, T0, 60000); /* one a minute, the last 1001 minutes */
    tx_call *call = get_requests(f, NULL);
    assert_int_equal(call->err.status, 0);
    assert_int_equal(call->status, 200);
    assert_int_equal(json_array_size(call->out), 1000);
    /* newest first, ids as strings */
    assert_string_equal(json_string_value(json_object_get(json_array_get(call->out, 0), "description")), "bulk 1");
    assert_true(json_is_string(json_object_get(json_array_get(call->out, 0), "service_request_id")));
    free_call(call);
    static const char *const page2[] = {"page", "2", NULL};
    call = get_requests(f, page2);
    assert_int_equal(json_array_size(call->out), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(call->out, 0), "description")),
                        "bulk 1001");
    free_call(call);
    static const char *const small[] = {"page_size", "10", "page", "3", NULL};
    call = get_requests(f, small);
    assert_int_equal(json_array_size(call->out), 10);
    assert_string_equal(json_string_value(json_object_get(json_array_get(call->out, 0), "description")), "bulk 21");
    free_call(call);
    static const char *const too_big[] = {"page_size", "1001", NULL};
    call = get_requests(f, too_big);
    assert_int_equal(call->err.status, 400);
    assert_string_equal(call->err.field, "page_size");
    free_call(call);
}

static void test_the_last_90_days_by_default(void **state)
{
    fixture *f = *state;
    add_bulk(f, 100, T0, DAY); /* one a day, 1 to 100 days ago */
    tx_call *call = get_requests(f, NULL);
    assert_int_equal(json_array_size(call->out), 90);
    free_call(call);
    /* start_date alone: the 90 days after it */
    static const char *const from[] = {"start_date", "2026-06-01T00:00:00+08:00", NULL};
    call = get_requests(f, from);
    assert_int_equal(call->err.status, 0);
    int64_t start = 1780243200000LL; /* 2026-06-01T00:00:00+08:00 */
    size_t expect = 0;
    for (int i = 1; i <= 100; i++)
        expect += T0 - i * DAY >= start && T0 - i * DAY <= start + 90 * DAY;
    assert_int_equal(json_array_size(call->out), expect);
    free_call(call);
    /* both, more than 90 days apart: 400 naming end_date */
    static const char *const wide[] = {"start_date", "2026-01-01T00:00:00Z", "end_date", "2026-06-01T00:00:00Z", NULL};
    call = get_requests(f, wide);
    assert_int_equal(call->err.status, 400);
    assert_string_equal(call->err.field, "end_date");
    free_call(call);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_requests_in_the_window_come_newest_first_with_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_open_and_closed_follow_the_documented_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spam_is_never_listed_not_even_by_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_override_the_other_filters_and_keep_their_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_categories_filter_by_any_of_a_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_row_has_public_fields_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_media_url_is_kept_among_the_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_updates_are_public_events_in_the_window_oldest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_at_most_1000_requests_by_default_and_pages_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_last_90_days_by_default, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
