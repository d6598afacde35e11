/* store/webhook: outgoing webhooks and their durable outbox.
 *
 * A webhook is a receiver outside tongxin (a city's 12345 system, an SMS
 * gateway) that wants to hear about case events. store_webhook_enqueue turns
 * one event into one delivery row per matching webhook, inside the caller's
 * transaction: when the event commits, so does the promise to deliver it, and
 * nothing is lost across a crash or a restart (at least once). The worker in
 * notify/webhooks.c takes due rows, sends them, and records each attempt here;
 * a failed attempt is retried later (store_webhook_backoff_ms) until the
 * delivery succeeds or max attempts (about three days) have been made.
 *
 * Kept apart from store.h so that the outbox can change without touching the
 * rest of the store's interface. Same rules: 0 or -1 with err filled; JSON
 * results are new references the caller owns; strings passed in are borrowed
 * for the call. */
#ifndef TX_STORE_WEBHOOK_H
#define TX_STORE_WEBHOOK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Attempts before giving up: with the backoff below, the last attempt comes
 * about 3 days (2.98 days plus jitter) after the first. */
#define STORE_WEBHOOK_MAX_ATTEMPTS 80
#define STORE_WEBHOOK_SECRET_PREFIX 4 /* characters of the secret the API shows */

/* A webhook as given by the caller, already checked (url, event_types as
 * "a,b,c" of known codes or "*", secret length). For an update, NULL fields
 * and active < 0 keep the stored value. */
typedef struct {
    const char *name, *url, *secret, *event_types;
    int active; /* 1 or 0; < 0: unchanged (update only) */
} store_webhook_in;

/* Create a webhook; *id_out gets its id. now_ms is its created_at. */
int store_webhook_create(store_conn *c, const store_webhook_in *w, int64_t now_ms, int64_t *id_out, tx_err *err);

/* Every webhook as {items:[…]}, by id; each item as store_webhook_get. */
int store_webhook_list(store_conn *c, json_t **out, tx_err *err);

/* One webhook: {id, name, url, event_types:[codes] (["*"] for all), active,
 * secret_prefix (its first 4 characters), created_at (ISO 8601, +08:00),
 * pending, failed (counts of its deliveries waiting / given up)}. Never the
 * secret. 404 when there is none. */
int store_webhook_get(store_conn *c, int64_t id, json_t **out, tx_err *err);

/* Change the fields given (see store_webhook_in); 404 when there is none. */
int store_webhook_update(store_conn *c, int64_t id, const store_webhook_in *w, tx_err *err);

/* Delete a webhook and, with it, its deliveries (sent or not); 404 when
 * there is none. */
int store_webhook_delete(store_conn *c, int64_t id, tx_err *err);

/* Queue one event for every active webhook that asks for event_type ("report"
 * or a case action code; a webhook with "*" asks for all), in the caller's
 * transaction: call it right after inserting the case_event row. The request
 * body is fixed now:
 *
 *   {"event":"<event_type>","event_id":<event_id>,"created_at":"<ISO 8601>","data":<payload>}
 *
 * payload is borrowed (the caller keeps its reference; NULL sends null).
 * One INSERT … SELECT through a cached statement and no state kept between
 * calls: with no webhooks it costs serialising payload and one statement
 * that finds nothing. */
int store_webhook_enqueue(store_conn *c, const char *event_type, int64_t event_id, json_t *payload, tx_err *err);

/* A webhook's latest deliveries, newest first, as {items:[…]}: id, event_id,
 * event_type, status ("pending", "delivered" or "failed": given up),
 * attempts, created_at, next_attempt_at, delivered_at, failed_at (ISO 8601
 * or null), last_status, last_error, body (the JSON sent). status (NULL: any)
 * keeps only deliveries in that status. 404 when the webhook does not exist. */
int store_webhook_deliveries(store_conn *c, int64_t webhook_id, const char *status, int limit, json_t **out,
                             tx_err *err);

/* ---- for the delivery worker ---- */

/* One delivery to attempt, with what sending it needs. The strings are
 * malloc'd and owned by the array (store_webhook_due_free). */
typedef struct {
    int64_t id, webhook_id, event_id;
    int attempts; /* made so far */
    char *url, *secret, *event_type, *body;
    size_t body_len;
} store_webhook_due;

/* Up to limit deliveries of active webhooks due at now_ms (not delivered,
 * not given up, next attempt not in the future), soonest first. *out is NULL
 * when n is 0. A read: needs no transaction. */
int store_webhook_due_list(store_conn *c, int64_t now_ms, int limit, store_webhook_due **out, int *n, tx_err *err);
void store_webhook_due_free(store_webhook_due *d, int n);

/* Record a successful attempt (a 2xx status). A delivery that no longer
 * exists (its webhook was deleted meanwhile) is not an error. */
int store_webhook_delivered(store_conn *c, int64_t delivery_id, int64_t now_ms, int status, tx_err *err);

/* Record a failed attempt: status is the HTTP status (0: no answer), error
 * says why in a line. The next attempt is scheduled at now_ms +
 * store_webhook_backoff_ms(attempts, random jitter), unless this was attempt
 * max_attempts (<= 0: STORE_WEBHOOK_MAX_ATTEMPTS): then the delivery is given
 * up (failed_at set, no next attempt) and *gave_up (may be NULL) is set to 1.
 * *next_ms (may be NULL) gets the time of the next attempt, 0 when given up. */
int store_webhook_failed(store_conn *c, int64_t delivery_id, int64_t now_ms, int status, const char *error,
                         int max_attempts, int *gave_up, int64_t *next_ms, tx_err *err);

/* The wait after the attempts-th failed attempt (attempts >= 1): 10 s, then
 * doubling (20 s, 40 s, …) up to 1 h, plus jitter × 10 % of that (jitter in
 * [0, 1)), so that deliveries that failed together do not all come back in
 * the same second. Pure. */
int64_t store_webhook_backoff_ms(int attempts, double jitter);

/* Delete up to limit deliveries that were delivered or given up before
 * before_ms, oldest first; *deleted gets how many. Run it outside a
 * transaction (store_sync with write = 0): it finds the rows with a read and
 * deletes them with a short statement of its own, so the scan never holds
 * the write lock. */
int store_webhook_prune(store_conn *c, int64_t before_ms, int limit, int *deleted, tx_err *err);

#endif
