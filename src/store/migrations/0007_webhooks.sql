-- 0007: outgoing webhooks and their durable outbox.
--
-- A webhook is a receiver (a city's 12345 system, an SMS gateway) that wants
-- to hear about case events. Each event a webhook asks for becomes one
-- webhook_delivery row, inserted in the same transaction as the event: once
-- the event is committed the promise to deliver it is too, so a crash or a
-- restart loses nothing (the "transactional outbox"). The delivery worker
-- (src/notify/webhooks.c) sends due rows and records every attempt.
--
-- Times are ms since the epoch (UTC).

CREATE TABLE webhook (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,                   -- http:// or https://
    -- Kept as given, not hashed: it is the HMAC key every delivery is
    -- signed with. The API shows only its first 4 characters after creation.
    secret TEXT NOT NULL,
    event_types TEXT NOT NULL,           -- comma-separated action codes ("report,resolve") or '*'
    active INTEGER NOT NULL DEFAULT 1,   -- 0: paused; its pending deliveries wait
    created_at INTEGER NOT NULL
);

CREATE TABLE webhook_delivery (
    -- Sent as X-Tongxin-Delivery, which receivers deduplicate by: never reused.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
    -- The case_event row; not a foreign key, so the outbox depends on no
    -- other part of the schema.
    event_id INTEGER NOT NULL,
    event_type TEXT NOT NULL,            -- "report" or a case action code
    -- The exact request body (JSON text), fixed at enqueue time so that every
    -- retry sends, and signs, the same bytes.
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,             -- NULL once delivered or given up
    delivered_at INTEGER,                -- the first 2xx answer
    failed_at INTEGER,                   -- when tongxin gave up (max attempts reached)
    last_status INTEGER,                 -- HTTP status of the last attempt; 0 when there was no answer
    last_error TEXT                      -- why the last attempt failed, NULL after success
);
-- The worker's question, every second: which undelivered rows are due?
-- (Queries must say "(delivered_at IS NULL) = 1" for SQLite to use it.)
CREATE INDEX webhook_delivery_due ON webhook_delivery(delivered_at IS NULL, next_attempt_at);
-- A webhook's recent deliveries, newest first.
CREATE INDEX webhook_delivery_hook ON webhook_delivery(webhook_id, id);
-- Per webhook, how many deliveries wait and how many were given up (the
-- counts GET /api/v1/webhooks shows), from the index alone.
CREATE INDEX webhook_delivery_open ON webhook_delivery(webhook_id, failed_at) WHERE delivered_at IS NULL;
