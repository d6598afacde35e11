/* sqlite/webhook: outgoing webhooks and the outbox of their deliveries (see
 * store/webhook.h). */
#include "store/webhook.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "store/sqlite/db.h"

#define BACKOFF_FIRST_MS 10000LL
#define BACKOFF_MAX_MS 3600000LL

/* Times in answers are local to the deployment (UTC+8), like the rest of the API. */
static json_t *time_json(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    char buf[TX_TIME_STRLEN];
    return json_string(tx_time_format(sqlite3_column_int64(st, i), 480, buf));
}

/* "report,resolve" → ["report","resolve"]; "*" → ["*"]. */
static json_t *types_json(const char *s)
{
    json_t *arr = json_array();
    while (s && *s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (n)
            json_array_append_new(arr, json_stringn(s, n));
        s = comma ? comma + 1 : NULL;
    }
    return arr;
}

#define WH_STR2(x) #x
#define WH_STR(x) WH_STR2(x)

/* The counts use the partial index webhook_delivery_open (undelivered rows only). */
#define WEBHOOK_COLS                                                                                                   \
    "w.id, w.name, w.url, substr(w.secret, 1, " WH_STR(STORE_WEBHOOK_SECRET_PREFIX) "), w.event_types, w.active, "    \
    "w.created_at, (SELECT count(*) FROM webhook_delivery d WHERE d.webhook_id = w.id AND d.delivered_at IS NULL "    \
    "AND d.failed_at IS NULL), (SELECT count(*) FROM webhook_delivery d WHERE d.webhook_id = w.id AND "               \
    "d.delivered_at IS NULL AND d.failed_at IS NOT NULL)"

static json_t *webhook_from_row(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:b, s:o, s:o, s:I, s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", db_col_json_text(st, 1), "url", db_col_json_text(st, 2), "event_types",
                     types_json((const char *)sqlite3_column_text(st, 4)), "active", sqlite3_column_int(st, 5),
                     "secret_prefix", db_col_json_text(st, 3), "created_at", time_json(st, 6), "pending",
                     (json_int_t)sqlite3_column_int64(st, 7), "failed", (json_int_t)sqlite3_column_int64(st, 8));
}

int store_webhook_create(store_conn *c, const store_webhook_in *w, int64_t now_ms, int64_t *id_out, tx_err *err)
{
    static const char sql[] = "INSERT INTO webhook (name, url, secret, event_types, active, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, w->name);
    db_bind_text(st, 2, w->url);
    db_bind_text(st, 3, w->secret);
    db_bind_text(st, 4, w->event_types);
    sqlite3_bind_int(st, 5, w->active != 0);
    sqlite3_bind_int64(st, 6, now_ms);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "webhook create", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int store_webhook_list(store_conn *c, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " WEBHOOK_COLS " FROM webhook w ORDER BY w.id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    json_t *items = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(items, webhook_from_row(st));
    if (rc != SQLITE_DONE) {
        json_decref(items);
        return db_fail(c, "webhook list", err);
    }
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

static int webhook_not_found(tx_err *err, int64_t id)
{
    return tx_err_set(err, 404, "not_found", "id", M_WEBHOOK_NOT_FOUND, (long long)id);
}

int store_webhook_get(store_conn *c, int64_t id, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " WEBHOOK_COLS " FROM webhook w WHERE w.id = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return webhook_not_found(err, id);
    if (rc != SQLITE_ROW)
        return db_fail(c, "webhook get", err);
    *out = webhook_from_row(st);
    return 0;
}

int store_webhook_update(store_conn *c, int64_t id, const store_webhook_in *w, tx_err *err)
{
    static const char sql[] = "UPDATE webhook SET name = coalesce(?2, name), url = coalesce(?3, url), "
                              "secret = coalesce(?4, secret), event_types = coalesce(?5, event_types), "
                              "active = coalesce(?6, active) WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text(st, 2, w->name);
    db_bind_text(st, 3, w->url);
    db_bind_text(st, 4, w->secret);
    db_bind_text(st, 5, w->event_types);
    db_bind_int_or_null(st, 6, w->active != 0, w->active < 0);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "webhook update", err);
    return sqlite3_changes(c->db) ? 0 : webhook_not_found(err, id);
}

int store_webhook_delete(store_conn *c, int64_t id, tx_err *err)
{
    static const char sql[] = "DELETE FROM webhook WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "webhook delete", err);
    return sqlite3_changes(c->db) ? 0 : webhook_not_found(err, id);
}

int store_webhook_enqueue(store_conn *c, const char *event_type, int64_t event_id, json_t *payload, tx_err *err)
{
    /* One statement whatever the number of webhooks: the matching is done
     * by SQLite on the (small) webhook table, so the case write path pays
     * one cached statement and nothing is cached between transactions (a
     * webhook added a moment ago is seen by the next event). event_types
     * holds known codes without spaces, so ",a,b," contains ",a,"; a type
     * with a comma in it is no code and matches only "*". */
    static const char sql[] =
        "INSERT INTO webhook_delivery (webhook_id, event_id, event_type, payload, created_at, next_attempt_at) "
        "SELECT id, ?2, ?1, ?3, ?4, ?4 FROM webhook WHERE active = 1 AND (event_types = '*' OR "
        "(instr(?1, ',') = 0 AND instr(',' || event_types || ',', ',' || ?1 || ',') > 0))";
    int64_t now = tx_now_ms();
    char at[TX_TIME_STRLEN];
    json_t *body = json_pack("{s:s, s:I, s:s, s:O?}", "event", event_type, "event_id", (json_int_t)event_id,
                             "created_at", tx_time_format(now, 480, at), "data", payload);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (text == NULL)
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st) {
        free(text);
        return -1;
    }
    db_bind_text(st, 1, event_type);
    sqlite3_bind_int64(st, 2, event_id);
    sqlite3_bind_text(st, 3, text, -1, free);
    sqlite3_bind_int64(st, 4, now);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "webhook enqueue", err);
}

int store_webhook_deliveries(store_conn *c, int64_t webhook_id, const char *status, int limit, json_t **out,
                             tx_err *err)
{
    static const char exists[] = "SELECT 1 FROM webhook WHERE id = ?1";
    /* Newest first through the (webhook_id, id) index. */
    static const char sql[] =
        "SELECT id, event_id, event_type, attempts, created_at, next_attempt_at, delivered_at, failed_at, "
        "last_status, last_error, payload FROM webhook_delivery WHERE webhook_id = ?1 AND "
        "(?2 IS NULL OR (?2 = 'delivered' AND delivered_at IS NOT NULL) OR (?2 = 'failed' AND failed_at IS NOT NULL) "
        "OR (?2 = 'pending' AND delivered_at IS NULL AND failed_at IS NULL)) ORDER BY id DESC LIMIT ?3";
    sqlite3_stmt *st = db_stmt(c, exists, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, webhook_id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return webhook_not_found(err, webhook_id);
    if (rc != SQLITE_ROW)
        return db_fail(c, "webhook deliveries", err);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, webhook_id);
    db_bind_text(st, 2, status);
    sqlite3_bind_int(st, 3, limit);
    json_t *items = json_array();
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *state = sqlite3_column_type(st, 6) != SQLITE_NULL   ? "delivered"
                            : sqlite3_column_type(st, 7) != SQLITE_NULL ? "failed"
                                                                        : "pending";
        /* The body was made by json_dumps; should it ever not parse, show it as text. */
        const char *text = (const char *)sqlite3_column_text(st, 10);
        json_t *body = text ? json_loads(text, 0, NULL) : NULL;
        if (body == NULL)
            body = db_col_json_text(st, 10);
        json_t *o = json_pack("{s:I, s:I, s:o, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                              (json_int_t)sqlite3_column_int64(st, 0), "event_id",
                              (json_int_t)sqlite3_column_int64(st, 1), "event_type", db_col_json_text(st, 2),
                              "status", state, "attempts", sqlite3_column_int(st, 3), "created_at", time_json(st, 4),
                              "next_attempt_at", time_json(st, 5), "delivered_at", time_json(st, 6), "failed_at",
                              time_json(st, 7), "last_status", db_col_json_int(st, 8), "last_error",
                              db_col_json_text(st, 9), "body", body);
        json_array_append_new(items, o);
    }
    if (rc != SQLITE_DONE) {
        json_decref(items);
        return db_fail(c, "webhook deliveries", err);
    }
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

/* ---- the worker's side ---- */

static char *dup_col(sqlite3_stmt *st, int i, size_t *len)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s ? s : "", n);
        d[n] = '\0';
    }
    if (len)
        *len = n;
    return d;
}

void store_webhook_due_free(store_webhook_due *d, int n)
{
    if (d == NULL)
        return;
    for (int i = 0; i < n; i++) {
        free(d[i].url);
        if (d[i].secret)
            sodium_memzero(d[i].secret, strlen(d[i].secret));
        free(d[i].secret);
        free(d[i].event_type);
        free(d[i].body);
    }
    free(d);
}

int store_webhook_due_list(store_conn *c, int64_t now_ms, int limit, store_webhook_due **out, int *n, tx_err *err)
{
    /* "(d.delivered_at IS NULL) = 1" is written so that SQLite matches the
     * expression index webhook_delivery_due; a bare "IS NULL" is not. Given-up
     * rows have no next_attempt_at and fall outside the range. */
    static const char sql[] =
        "SELECT d.id, d.webhook_id, d.event_id, d.attempts, w.url, w.secret, d.event_type, d.payload "
        "FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id "
        "WHERE (d.delivered_at IS NULL) = 1 AND d.next_attempt_at <= ?1 AND w.active = 1 "
        "ORDER BY d.next_attempt_at, d.id LIMIT ?2";
    *out = NULL;
    *n = 0;
    if (limit <= 0)
        return 0;
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int(st, 2, limit);
    store_webhook_due *d = NULL;
    int m = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (d == NULL && (d = calloc((size_t)limit, sizeof *d)) == NULL)
            break;
        store_webhook_due *x = &d[m++];
        x->id = sqlite3_column_int64(st, 0);
        x->webhook_id = sqlite3_column_int64(st, 1);
        x->event_id = sqlite3_column_int64(st, 2);
        x->attempts = sqlite3_column_int(st, 3);
        x->url = dup_col(st, 4, NULL);
        x->secret = dup_col(st, 5, NULL);
        x->event_type = dup_col(st, 6, NULL);
        x->body = dup_col(st, 7, &x->body_len);
        if (!x->url || !x->secret || !x->event_type || !x->body)
            break;
    }
    if (rc == SQLITE_ROW) { /* out of memory */
        store_webhook_due_free(d, m);
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    if (rc != SQLITE_DONE) {
        store_webhook_due_free(d, m);
        return db_fail(c, "webhook due", err);
    }
    *out = d;
    *n = m;
    return 0;
}

int store_webhook_delivered(store_conn *c, int64_t delivery_id, int64_t now_ms, int status, tx_err *err)
{
    static const char sql[] = "UPDATE webhook_delivery SET attempts = attempts + 1, delivered_at = ?2, "
                              "next_attempt_at = NULL, last_status = ?3, last_error = NULL WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, delivery_id);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, status);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "webhook delivered", err);
}

int64_t store_webhook_backoff_ms(int attempts, double jitter)
{
    int64_t d = BACKOFF_FIRST_MS;
    for (int i = 1; i < attempts && d < BACKOFF_MAX_MS; i++)
        d *= 2;
    if (d > BACKOFF_MAX_MS)
        d = BACKOFF_MAX_MS;
    if (!(jitter >= 0 && jitter < 1)) /* also NaN */
        jitter = 0;
    return d + (int64_t)((double)d * 0.1 * jitter);
}

int store_webhook_failed(store_conn *c, int64_t delivery_id, int64_t now_ms, int status, const char *error,
                         int max_attempts, int *gave_up, int64_t *next_ms, tx_err *err)
{
    static const char attempts_sql[] = "SELECT attempts FROM webhook_delivery WHERE id = ?1";
    static const char sql[] = "UPDATE webhook_delivery SET attempts = ?2, next_attempt_at = ?3, failed_at = ?4, "
                              "last_status = ?5, last_error = ?6 WHERE id = ?1";
    if (max_attempts <= 0)
        max_attempts = STORE_WEBHOOK_MAX_ATTEMPTS;
    if (gave_up)
        *gave_up = 0;
    if (next_ms)
        *next_ms = 0;
    sqlite3_stmt *st = db_stmt(c, attempts_sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, delivery_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) /* deleted with its webhook meanwhile */
        return 0;
    if (rc != SQLITE_ROW)
        return db_fail(c, "webhook failed", err);
    int attempts = sqlite3_column_int(st, 0) + 1;
    sqlite3_reset(st);
    int give_up = attempts >= max_attempts;
    int64_t next = give_up ? 0 : now_ms + store_webhook_backoff_ms(attempts, randombytes_uniform(1000000) / 1e6);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, delivery_id);
    sqlite3_bind_int(st, 2, attempts);
    db_bind_int_or_null(st, 3, next, give_up);
    db_bind_int_or_null(st, 4, now_ms, !give_up);
    sqlite3_bind_int(st, 5, status);
    db_bind_text(st, 6, error ? error : "");
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "webhook failed", err);
    if (gave_up)
        *gave_up = give_up;
    if (next_ms)
        *next_ms = next;
    return 0;
}

int store_webhook_prune(store_conn *c, int64_t before_ms, int limit, int *deleted, tx_err *err)
{
    /* Ids grow with time, so the oldest finished rows come first in rowid
     * order and the scan usually stops after `limit` rows; the delete then
     * walks the rowid range up to the last one found. */
    static const char find[] = "SELECT max(id) FROM (SELECT id FROM webhook_delivery WHERE "
                               "coalesce(delivered_at, failed_at) < ?1 ORDER BY id LIMIT ?2)";
    static const char del[] =
        "DELETE FROM webhook_delivery WHERE id <= ?2 AND coalesce(delivered_at, failed_at) < ?1";
    *deleted = 0;
    sqlite3_stmt *st = db_stmt(c, find, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, before_ms);
    sqlite3_bind_int(st, 2, limit);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "webhook prune", err);
    if (sqlite3_column_type(st, 0) == SQLITE_NULL)
        return 0;
    int64_t last = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    st = db_stmt(c, del, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, before_ms);
    sqlite3_bind_int64(st, 2, last);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "webhook prune", err);
    *deleted = sqlite3_changes(c->db);
    return 0;
}
