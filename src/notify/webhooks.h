/* notify/webhooks: the thread that sends the webhook outbox.
 *
 * Deliveries are queued by the store in the same transaction as the case
 * event they report (store/webhook.h). This worker, started by `tongxin
 * serve`, takes the due ones every second (or at once after webhooks_wake),
 * POSTs each to its webhook's URL with libcurl, signed with the webhook's
 * secret, and records the outcome: a 2xx answer delivers it, anything else
 * (another status, no answer within the timeouts, a refused connection)
 * schedules a retry with backoff, until the store gives up after max
 * attempts. Because a delivery is marked only after its answer came, a crash
 * in between sends it again: receivers get every event at least once and
 * deduplicate by X-Tongxin-Delivery.
 *
 * The worker has its own store connection (a second store opened on the same
 * database and used with store_sync): it needs no event loop, and it keeps
 * working through shutdown after the server's store has stopped. One request
 * at a time; redirects are not followed. */
#ifndef TX_NOTIFY_WEBHOOKS_H
#define TX_NOTIFY_WEBHOOKS_H

#include <stddef.h>

#include "base/err.h"

#define WEBHOOKS_CONNECT_TIMEOUT_MS 5000
#define WEBHOOKS_TIMEOUT_MS 10000
#define WEBHOOKS_KEEP_DAYS 30 /* delivered and given-up rows are deleted after this */

typedef struct {
    const char *db_url;   /* the store the server uses */
    int max_attempts;     /* <= 0: STORE_WEBHOOK_MAX_ATTEMPTS */
} webhooks_config;

/* Open the worker's connection and start its thread (signals SIGTERM and
 * SIGINT blocked in it: the main thread takes them). Call once, after the
 * schema is migrated. Returns 0, or -1 with err filled. */
int webhooks_start(const webhooks_config *cfg, tx_err *err);

/* Look for due deliveries now rather than within the second: for a write
 * that queued deliveries, once it has committed (tx_call.on_committed).
 * Cheap, safe from any thread, a no-op when the worker is not running. */
void webhooks_wake(void);

/* Stop: the request in flight (if any) finishes and its outcome is
 * recorded, then the thread exits and the connection closes. Safe to call
 * when not started, and more than once. */
void webhooks_stop(void);

/* The X-Tongxin-Signature value of body under secret: "sha256=" and the hex
 * HMAC-SHA256 (out has WEBHOOKS_SIGNATURE_LEN + 1 bytes). */
#define WEBHOOKS_SIGNATURE_LEN (7 + 64)
void webhooks_sign(const char *secret, const char *body, size_t len, char out[WEBHOOKS_SIGNATURE_LEN + 1]);

#endif
