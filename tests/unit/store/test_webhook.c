/* Unit tests for src/store/sqlite/webhook.c: webhooks, the outbox they are
 * fed by (which events match which webhook, inside the caller's
 * transaction), the retry schedule and giving up; and the signature the
 * worker puts on each delivery (notify/webhooks.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/secret.h"
#include "base/time.h"
#include "notify/webhooks.h"
#include "store/webhook.h"
#include "tmpdb.h"

typedef tmpdb_fixture fixture;

static int setup(void **state)
{
    *state = tmpdb_fixture_open(NULL);
    return 0;
}

static int teardown(void **state)
{
    tmpdb_fixture_close(*state);
    return 0;
}

static int64_t add_hook(fixture *f, const char *name, const char *types, int active)
{
    store_webhook_in w = {.name = name,
                          .url = "http://127.0.0.1:9/hook",
                          .secret = "0123456789abcdef-secret",
                          .event_types = types,
                          .active = active};
    int64_t id = 0;
    tx_err err;
    assert_int_equal(store_webhook_create(f->c, &w, tx_now_ms(), &id, &err), 0);
    assert_true(id > 0);
    return id;
}

static void enqueue(fixture *f, const char *type, int64_t event_id)
{
    tx_err err;
    json_t *payload = json_pack("{s:I, s:s}", "case_id", (json_int_t)7, "to_state", "accepted");
    assert_int_equal(store_webhook_enqueue(f->c, type, event_id, payload, &err), 0);
    /* Borrowed: the store took no reference of its own. */
    assert_int_equal(payload->refcount, 1);
    json_decref(payload);
}

/* Deliveries of a webhook, of one event type (NULL: any). */
static int64_t count_for(fixture *f, int64_t hook, const char *type)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM webhook_delivery WHERE webhook_id = %lld AND %s%s%s",
             (long long)hook, type ? "event_type = '" : "1", type ? type : "", type ? "'" : "");
    return tmpdb_int(f->c, sql);
}

/* The one delivery of a webhook, due now or later, as the worker sees it. */
static store_webhook_due *due_now(fixture *f, int64_t now, int *n)
{
    store_webhook_due *d = NULL;
    tx_err err;
    assert_int_equal(store_webhook_due_list(f->c, now, 16, &d, n, &err), 0);
    return d;
}

/* ---- enqueue ---- */

static void test_webhook_enqueue_one_delivery_per_matching_active_webhook(void **state)
{
    fixture *f = *state;
    int64_t all = add_hook(f, "all", "*", 1);
    int64_t rr = add_hook(f, "report+resolve", "report,resolve", 1);
    int64_t acc = add_hook(f, "accept", "accept", 1);
    int64_t off = add_hook(f, "paused", "*", 0);
    enqueue(f, "report", 1);
    enqueue(f, "accept", 2);
    enqueue(f, "resolve", 3);
    /* A type is matched whole: "re" is not in "report,resolve", nor is
     * "report,resolve" itself one type. */
    enqueue(f, "re", 4);
    enqueue(f, "report,resolve", 5);
    assert_int_equal(count_for(f, all, "report"), 1);
    assert_int_equal(count_for(f, all, "accept"), 1);
    assert_int_equal(count_for(f, all, "resolve"), 1);
    assert_int_equal(count_for(f, all, "re"), 1);
    assert_int_equal(count_for(f, rr, "report"), 1);
    assert_int_equal(count_for(f, rr, "resolve"), 1);
    assert_int_equal(count_for(f, rr, "accept"), 0);
    assert_int_equal(count_for(f, rr, "re"), 0);
    assert_int_equal(count_for(f, rr, "report,resolve"), 0);
    assert_int_equal(count_for(f, acc, "accept"), 1);
    assert_int_equal(count_for(f, acc, "report"), 0);
    assert_int_equal(count_for(f, off, NULL), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM webhook_delivery"), 5 + 2 + 1);
}

static void test_webhook_enqueue_without_webhooks_inserts_nothing(void **state)
{
    fixture *f = *state;
    enqueue(f, "report", 1);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM webhook_delivery"), 0);
}

static void test_webhook_enqueue_fixes_the_body_and_is_due_at_once(void **state)
{
    fixture *f = *state;
    add_hook(f, "all", "*", 1);
    int64_t before = tx_now_ms();
    enqueue(f, "accept", 42);
    int n;
    store_webhook_due *d = due_now(f, tx_now_ms(), &n);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].event_id, 42);
    assert_int_equal(d[0].attempts, 0);
    assert_string_equal(d[0].event_type, "accept");
    assert_string_equal(d[0].url, "http://127.0.0.1:9/hook");
    assert_string_equal(d[0].secret, "0123456789abcdef-secret");
    assert_int_equal(d[0].body_len, strlen(d[0].body));
    json_t *body = json_loads(d[0].body, 0, NULL);
    assert_non_null(body);
    assert_string_equal(json_string_value(json_object_get(body, "event")), "accept");
    assert_int_equal(json_integer_value(json_object_get(body, "event_id")), 42);
    int64_t at;
    assert_int_equal(tx_time_parse(json_string_value(json_object_get(body, "created_at")), 0, &at, NULL), 0);
    assert_true(at >= before / 1000 * 1000 && at <= tx_now_ms());
    json_t *data = json_object_get(body, "data");
    assert_int_equal(json_integer_value(json_object_get(data, "case_id")), 7);
    assert_string_equal(json_string_value(json_object_get(data, "to_state")), "accepted");
    json_decref(body);
    store_webhook_due_free(d, n);
    /* Not due a moment before it was queued. */
    d = due_now(f, before - 1, &n);
    assert_int_equal(n, 0);
    assert_null(d);
}

static int enqueue_then_fail(store_conn *c, void *arg, tx_err *err)
{
    (void)arg;
    if (store_webhook_enqueue(c, "report", 1, NULL, err))
        return -1;
    return tx_err_set(err, 409, "conflict", NULL, M_INTERNAL);
}

static int enqueue_ok(store_conn *c, void *arg, tx_err *err)
{
    (void)arg;
    return store_webhook_enqueue(c, "report", 2, NULL, err);
}

static void test_webhook_enqueue_lives_and_dies_with_the_callers_transaction(void **state)
{
    fixture *f = *state;
    add_hook(f, "all", "*", 1);
    tx_err err;
    assert_int_equal(store_sync(f->s, 1, enqueue_then_fail, NULL, &err), -1);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM webhook_delivery"), 0);
    assert_int_equal(store_sync(f->s, 1, enqueue_ok, NULL, &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM webhook_delivery WHERE event_id = 2"), 1);
    /* NULL payload: "data": null. */
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM webhook_delivery WHERE json_extract(payload, '$.data') "
                                     "IS NULL AND json_type(payload, '$.data') = 'null'"),
                     1);
}

static void test_webhook_enqueue_sees_a_webhook_added_in_the_same_connection_at_once(void **state)
{
    fixture *f = *state;
    enqueue(f, "report", 1); /* prepares and caches the statement with no webhooks */
    int64_t id = add_hook(f, "late", "report", 1);
    enqueue(f, "report", 2);
    assert_int_equal(count_for(f, id, "report"), 1);
    tx_err err;
    store_webhook_in pause = {.active = 0};
    assert_int_equal(store_webhook_update(f->c, id, &pause, &err), 0);
    enqueue(f, "report", 3);
    assert_int_equal(count_for(f, id, "report"), 1);
}

/* ---- due list, delivered, failed ---- */

static void test_webhook_due_list_is_soonest_first_and_skips_paused_and_finished(void **state)
{
    fixture *f = *state;
    int64_t a = add_hook(f, "a", "*", 1);
    int64_t b = add_hook(f, "b", "*", 1);
    enqueue(f, "report", 1); /* deliveries 1 (a), 2 (b) */
    enqueue(f, "accept", 2); /* 3 (a), 4 (b) */
    enqueue(f, "start", 3);  /* 5 (a), 6 (b) */
    tmpdb_exec(f->c, "UPDATE webhook_delivery SET next_attempt_at = 1000 WHERE id = 3;"
                     "UPDATE webhook_delivery SET next_attempt_at = 2000 WHERE id = 1;"
                     "UPDATE webhook_delivery SET next_attempt_at = 9000000000000 WHERE id = 5;"
                     "UPDATE webhook_delivery SET delivered_at = 1, next_attempt_at = NULL WHERE id = 4;");
    tx_err err;
    store_webhook_in pause = {.active = 0};
    assert_int_equal(store_webhook_update(f->c, b, &pause, &err), 0);
    int n;
    store_webhook_due *d = due_now(f, tx_now_ms(), &n);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].id, 3);
    assert_int_equal(d[1].id, 1);
    assert_int_equal(d[0].webhook_id, a);
    store_webhook_due_free(d, n);
    /* Resumed: its waiting deliveries (2 and 6, not the delivered 4) are due again. */
    store_webhook_in resume = {.active = 1};
    assert_int_equal(store_webhook_update(f->c, b, &resume, &err), 0);
    d = due_now(f, tx_now_ms(), &n);
    assert_int_equal(n, 4);
    store_webhook_due_free(d, n);
    /* The limit holds. */
    assert_int_equal(store_webhook_due_list(f->c, tx_now_ms(), 1, &d, &n, &err), 0);
    assert_int_equal(n, 1);
    store_webhook_due_free(d, n);
}

static void test_webhook_delivered_is_recorded_and_no_longer_due(void **state)
{
    fixture *f = *state;
    int64_t id = add_hook(f, "a", "*", 1);
    enqueue(f, "report", 1);
    tx_err err;
    int64_t now = tx_now_ms();
    assert_int_equal(store_webhook_delivered(f->c, 1, now, 204, &err), 0);
    int n;
    store_webhook_due *d = due_now(f, now + 86400000, &n);
    assert_int_equal(n, 0);
    store_webhook_due_free(d, n);
    json_t *list;
    assert_int_equal(store_webhook_deliveries(f->c, id, NULL, 10, &list, &err), 0);
    json_t *x = json_array_get(json_object_get(list, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(x, "status")), "delivered");
    assert_int_equal(json_integer_value(json_object_get(x, "attempts")), 1);
    assert_int_equal(json_integer_value(json_object_get(x, "last_status")), 204);
    assert_true(json_is_null(json_object_get(x, "last_error")));
    assert_true(json_is_string(json_object_get(x, "delivered_at")));
    assert_true(json_is_null(json_object_get(x, "next_attempt_at")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "body"), "event")), "report");
    json_decref(list);
    /* A delivery whose webhook went away meanwhile is not an error. */
    assert_int_equal(store_webhook_delivered(f->c, 999, now, 200, &err), 0);
    int gave_up;
    int64_t next;
    assert_int_equal(store_webhook_failed(f->c, 999, now, 500, "HTTP 500", 0, &gave_up, &next, &err), 0);
    assert_int_equal(gave_up, 0);
}

static void test_webhook_backoff_schedule_doubles_from_10s_to_an_hour(void **state)
{
    (void)state;
    static const int64_t want[] = {0,       10000,   20000,   40000,   80000,   160000,
                                   320000,  640000,  1280000, 2560000, 3600000, 3600000};
    for (int k = 1; k < (int)(sizeof want / sizeof want[0]); k++)
        assert_int_equal(store_webhook_backoff_ms(k, 0), want[k]);
    assert_int_equal(store_webhook_backoff_ms(80, 0), 3600000);
    assert_int_equal(store_webhook_backoff_ms(1 << 30, 0), 3600000); /* no overflow */
    assert_int_equal(store_webhook_backoff_ms(0, 0), 10000);
    /* Jitter adds up to 10 %, never takes away; nonsense jitter adds nothing. */
    assert_int_equal(store_webhook_backoff_ms(1, 0.5), 10500);
    assert_true(store_webhook_backoff_ms(10, 0.999999) < 3960000);
    assert_int_equal(store_webhook_backoff_ms(3, -1), 40000);
    assert_int_equal(store_webhook_backoff_ms(3, 7), 40000);
    /* With the default max attempts the last one comes about three days
     * after the first (jitter adds up to a tenth to that). */
    int64_t total = 0;
    for (int k = 1; k < STORE_WEBHOOK_MAX_ATTEMPTS; k++)
        total += store_webhook_backoff_ms(k, 0);
    assert_true(total > 2.9 * 86400000 && total < 3.0 * 86400000);
}

static void test_webhook_failed_schedules_the_next_attempt_with_backoff(void **state)
{
    fixture *f = *state;
    int64_t id = add_hook(f, "a", "*", 1);
    enqueue(f, "report", 1);
    tx_err err;
    int64_t now = tx_now_ms(), next = 0;
    int gave_up = -1;
    assert_int_equal(store_webhook_failed(f->c, 1, now, 503, "HTTP 503", 0, &gave_up, &next, &err), 0);
    assert_int_equal(gave_up, 0);
    assert_true(next >= now + 10000 && next < now + 11000);
    assert_int_equal(tmpdb_int(f->c, "SELECT attempts FROM webhook_delivery WHERE id = 1"), 1);
    assert_int_equal(tmpdb_int(f->c, "SELECT next_attempt_at FROM webhook_delivery WHERE id = 1"), next);
    int n;
    store_webhook_due *d = due_now(f, next - 1, &n);
    assert_int_equal(n, 0);
    store_webhook_due_free(d, n);
    d = due_now(f, next, &n);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].attempts, 1);
    store_webhook_due_free(d, n);
    /* The second failure waits twice as long. */
    assert_int_equal(store_webhook_failed(f->c, 1, next, 0, "Connection refused", 0, &gave_up, &now, &err), 0);
    assert_true(now >= next + 20000 && now < next + 22000);
    json_t *list;
    assert_int_equal(store_webhook_deliveries(f->c, id, "pending", 10, &list, &err), 0);
    json_t *x = json_array_get(json_object_get(list, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(x, "status")), "pending");
    assert_int_equal(json_integer_value(json_object_get(x, "attempts")), 2);
    assert_int_equal(json_integer_value(json_object_get(x, "last_status")), 0);
    assert_string_equal(json_string_value(json_object_get(x, "last_error")), "Connection refused");
    json_decref(list);
}

static void test_webhook_gives_up_after_max_attempts_and_records_it(void **state)
{
    fixture *f = *state;
    int64_t id = add_hook(f, "a", "*", 1);
    enqueue(f, "report", 1);
    tx_err err;
    int64_t now = tx_now_ms(), next;
    int gave_up;
    for (int k = 1; k <= 3; k++) {
        assert_int_equal(store_webhook_failed(f->c, 1, now, 500, "HTTP 500", 3, &gave_up, &next, &err), 0);
        assert_int_equal(gave_up, k == 3);
        if (k < 3)
            assert_true(next > now);
        else
            assert_int_equal(next, 0);
        now = next ? next : now;
    }
    assert_int_equal(tmpdb_int(f->c, "SELECT attempts FROM webhook_delivery WHERE id = 1"), 3);
    assert_int_equal(tmpdb_int(f->c, "SELECT next_attempt_at IS NULL AND failed_at IS NOT NULL AND delivered_at "
                                     "IS NULL FROM webhook_delivery WHERE id = 1"),
                     1);
    int n;
    store_webhook_due *d = due_now(f, now + 365LL * 86400000, &n);
    assert_int_equal(n, 0);
    store_webhook_due_free(d, n);
    json_t *list, *hook;
    assert_int_equal(store_webhook_deliveries(f->c, id, "failed", 10, &list, &err), 0);
    json_t *x = json_array_get(json_object_get(list, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(x, "status")), "failed");
    assert_true(json_is_string(json_object_get(x, "failed_at")));
    assert_int_equal(json_integer_value(json_object_get(x, "last_status")), 500);
    json_decref(list);
    assert_int_equal(store_webhook_deliveries(f->c, id, "pending", 10, &list, &err), 0);
    assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
    json_decref(list);
    assert_int_equal(store_webhook_get(f->c, id, &hook, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(hook, "failed")), 1);
    assert_int_equal(json_integer_value(json_object_get(hook, "pending")), 0);
    json_decref(hook);
}

/* ---- the webhooks themselves ---- */

static void test_webhook_get_shows_only_the_secrets_prefix(void **state)
{
    fixture *f = *state;
    int64_t id = add_hook(f, "12345 热线", "report,resolve", 1);
    enqueue(f, "report", 1);
    tx_err err;
    json_t *o;
    assert_int_equal(store_webhook_get(f->c, id, &o, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), id);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "12345 热线");
    assert_string_equal(json_string_value(json_object_get(o, "secret_prefix")), "0123");
    assert_null(json_object_get(o, "secret"));
    json_t *types = json_object_get(o, "event_types");
    assert_int_equal(json_array_size(types), 2);
    assert_string_equal(json_string_value(json_array_get(types, 1)), "resolve");
    assert_true(json_is_true(json_object_get(o, "active")));
    assert_int_equal(json_integer_value(json_object_get(o, "pending")), 1);
    char *text = json_dumps(o, 0);
    assert_null(strstr(text, "secret\""));
    assert_null(strstr(text, "456789abcdef"));
    free(text);
    json_decref(o);
}

static void test_webhook_update_changes_only_the_fields_given(void **state)
{
    fixture *f = *state;
    int64_t id = add_hook(f, "a", "*", 1);
    tx_err err;
    store_webhook_in w = {.url = "https://example.org/x", .secret = "ZZZZ-new-secret-16", .active = -1};
    assert_int_equal(store_webhook_update(f->c, id, &w, &err), 0);
    json_t *o;
    assert_int_equal(store_webhook_get(f->c, id, &o, &err), 0);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "a");
    assert_string_equal(json_string_value(json_object_get(o, "url")), "https://example.org/x");
    assert_string_equal(json_string_value(json_object_get(o, "secret_prefix")), "ZZZZ");
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "event_types"), 0)), "*");
    assert_true(json_is_true(json_object_get(o, "active")));
    json_decref(o);
    assert_int_equal(store_webhook_update(f->c, id + 1, &w, &err), -1);
    assert_int_equal(err.status, 404);
}

static void test_webhook_delete_takes_its_deliveries_and_404s_after(void **state)
{
    fixture *f = *state;
    int64_t a = add_hook(f, "a", "*", 1);
    int64_t b = add_hook(f, "b", "*", 1);
    enqueue(f, "report", 1);
    tx_err err;
    assert_int_equal(store_webhook_delete(f->c, a, &err), 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM webhook_delivery"), 1);
    assert_int_equal(count_for(f, b, "report"), 1);
    json_t *o;
    assert_int_equal(store_webhook_get(f->c, a, &o, &err), -1);
    assert_int_equal(err.status, 404);
    assert_string_equal(err.code, "not_found");
    assert_int_equal(store_webhook_delete(f->c, a, &err), -1);
    assert_int_equal(err.status, 404);
    assert_int_equal(store_webhook_deliveries(f->c, a, NULL, 10, &o, &err), -1);
    assert_int_equal(err.status, 404);
    assert_int_equal(store_webhook_list(f->c, &o, &err), 0);
    assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
    json_decref(o);
}

static void test_webhook_deliveries_are_newest_first_and_limited(void **state)
{
    fixture *f = *state;
    int64_t id = add_hook(f, "a", "*", 1);
    for (int i = 1; i <= 5; i++)
        enqueue(f, "note", i);
    tx_err err;
    json_t *list;
    assert_int_equal(store_webhook_deliveries(f->c, id, NULL, 3, &list, &err), 0);
    json_t *items = json_object_get(list, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "event_id")), 5);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 2), "event_id")), 3);
    json_decref(list);
    assert_int_equal(store_webhook_deliveries(f->c, id, "delivered", 10, &list, &err), 0);
    assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
    json_decref(list);
}

static void test_webhook_prune_deletes_old_finished_deliveries_only(void **state)
{
    fixture *f = *state;
    add_hook(f, "a", "*", 1);
    for (int i = 1; i <= 6; i++)
        enqueue(f, "note", i);
    /* 1, 2: delivered long ago; 3: given up long ago; 4: delivered
     * recently; 5: old but still pending; 6: new and pending. */
    tmpdb_exec(f->c, "UPDATE webhook_delivery SET delivered_at = 1000, next_attempt_at = NULL WHERE id IN (1, 2);"
                     "UPDATE webhook_delivery SET failed_at = 2000, next_attempt_at = NULL WHERE id = 3;"
                     "UPDATE webhook_delivery SET delivered_at = 9000, next_attempt_at = NULL WHERE id = 4;"
                     "UPDATE webhook_delivery SET created_at = 1000 WHERE id = 5;");
    tx_err err;
    int deleted = -1;
    assert_int_equal(store_webhook_prune(f->c, 5000, 2, &deleted, &err), 0); /* the limit holds */
    assert_int_equal(deleted, 2);
    assert_int_equal(store_webhook_prune(f->c, 5000, 100, &deleted, &err), 0);
    assert_int_equal(deleted, 1);
    assert_int_equal(store_webhook_prune(f->c, 5000, 100, &deleted, &err), 0);
    assert_int_equal(deleted, 0);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM webhook_delivery"), 3);
    assert_int_equal(tmpdb_int(f->c, "SELECT count(*) FROM webhook_delivery WHERE id IN (4, 5, 6)"), 3);
}

/* ---- the signature (notify/webhooks.c) ---- */

static void test_webhook_signature_is_standard_hmac_sha256(void **state)
{
    (void)state;
    char sig[WEBHOOKS_SIGNATURE_LEN + 1];
    /* RFC 4231, test case 2: a key shorter than the 32 bytes
     * crypto_auth_hmacsha256 itself insists on. */
    const char *data = "what do ya want for nothing?";
    webhooks_sign("Jefe", data, strlen(data), sig);
    assert_string_equal(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* RFC 4231, test case 6: a key longer than a block (131 bytes 0xaa). */
    char key[132];
    memset(key, 0xaa, 131);
    key[131] = '\0';
    data = "Test Using Larger Than Block-Size Key - Hash Key First";
    webhooks_sign(key, data, strlen(data), sig);
    assert_string_equal(sig, "sha256=60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

int main(void)
{
    if (tx_secret_init())
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_webhook_enqueue_one_delivery_per_matching_active_webhook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_enqueue_without_webhooks_inserts_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_enqueue_fixes_the_body_and_is_due_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_enqueue_lives_and_dies_with_the_callers_transaction, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_webhook_enqueue_sees_a_webhook_added_in_the_same_connection_at_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_due_list_is_soonest_first_and_skips_paused_and_finished, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_webhook_delivered_is_recorded_and_no_longer_due, setup, teardown),
        cmocka_unit_test(test_webhook_backoff_schedule_doubles_from_10s_to_an_hour),
        cmocka_unit_test_setup_teardown(test_webhook_failed_schedules_the_next_attempt_with_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_gives_up_after_max_attempts_and_records_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_get_shows_only_the_secrets_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_update_changes_only_the_fields_given, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_delete_takes_its_deliveries_and_404s_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_deliveries_are_newest_first_and_limited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_prune_deletes_old_finished_deliveries_only, setup, teardown),
        cmocka_unit_test(test_webhook_signature_is_standard_hmac_sha256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
