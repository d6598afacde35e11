/* notify/webhooks: the delivery worker of the webhook outbox (see webhooks.h). */
#define _GNU_SOURCE
#include "notify/webhooks.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/time.h"
#include "store/store.h"
#include "store/webhook.h"

/* Deliveries taken per round: small, so that a webhook deleted, paused or
 * given a new URL meanwhile is noticed within a few requests. */
#define BATCH 16
#define PRUNE_EVERY_MS (3600LL * 1000)
#define PRUNE_ROWS 5000

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int woken;
    atomic_int stopping;
    int running;
    pthread_t tid;
    store *s;
    CURL *curl;
    int max_attempts;
} W = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

void webhooks_sign(const char *secret, const char *body, size_t len, char out[WEBHOOKS_SIGNATURE_LEN + 1])
{
    /* The _init/_update/_final form takes a key of any length (HMAC hashes
     * keys longer than a block), where crypto_auth_hmacsha256 wants exactly
     * 32 bytes; this is plain HMAC-SHA256 with the secret's bytes as the key,
     * what every receiver's library computes. */
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, WEBHOOKS_SIGNATURE_LEN + 1 - 7, mac, sizeof mac);
}

/* ---- one attempt ---- */

typedef struct {
    int ok;         /* a 2xx answer */
    int status;     /* HTTP status, 0 without an answer */
    char error[256];
} outcome;

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* Keep the error one printable ASCII line (it is shown by the API). */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '?';
}

static void post(CURL *h, const store_webhook_due *d, outcome *o)
{
    char sig[WEBHOOKS_SIGNATURE_LEN + 1], event[96], delivery[64], signature[128], errbuf[CURL_ERROR_SIZE] = "";
    webhooks_sign(d->secret, d->body, d->body_len, sig);
    snprintf(event, sizeof event, "X-Tongxin-Event: %s", d->event_type);
    snprintf(delivery, sizeof delivery, "X-Tongxin-Delivery: %lld", (long long)d->id);
    snprintf(signature, sizeof signature, "X-Tongxin-Signature: %s", sig);
    struct curl_slist *hdrs = NULL, *l;
    /* "Expect:" removes the 100-continue curl would send for larger bodies
     * (a receiver that ignores it would cost a second per delivery). */
    const char *lines[] = {"Content-Type: application/json", event, delivery, signature, "Expect:"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if ((l = curl_slist_append(hdrs, lines[i])) == NULL) {
            curl_slist_free_all(hdrs);
            *o = (outcome){0, 0, "out of memory"};
            return;
        }
        hdrs = l;
    }
    /* Reset keeps the connection cache: a receiver's connection is reused. */
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, d->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, d->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)d->body_len);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "tongxin-webhooks/1");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)WEBHOOKS_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)WEBHOOKS_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for DNS timeouts: we are one thread of many */
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    o->status = (int)code;
    o->ok = rc == CURLE_OK && code >= 200 && code < 300;
    if (o->ok)
        o->error[0] = '\0';
    else if (rc != CURLE_OK)
        snprintf(o->error, sizeof o->error, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
    else if (code >= 300 && code < 400)
        snprintf(o->error, sizeof o->error, "HTTP %ld (redirects are not followed)", code);
    else
        snprintf(o->error, sizeof o->error, "HTTP %ld", code);
    printable(o->error);
}

/* ---- the store calls, each on the worker's own connection ---- */

typedef struct {
    int64_t now;
    store_webhook_due *d;
    int n;
} due_args;

static int due_fn(store_conn *c, void *arg, tx_err *err)
{
    due_args *a = arg;
    return store_webhook_due_list(c, a->now, BATCH, &a->d, &a->n, err);
}

/* An attempt made and not yet recorded. */
typedef struct {
    const store_webhook_due *d;
    outcome o;
    int64_t at, next;
    int gave_up;
} attempt;

typedef struct {
    attempt *a;
    int n;
} record_args;

static int record_fn(store_conn *c, void *arg, tx_err *err)
{
    record_args *r = arg;
    for (int i = 0; i < r->n; i++) {
        attempt *a = &r->a[i];
        if (a->o.ok ? store_webhook_delivered(c, a->d->id, a->at, a->o.status, err)
                    : store_webhook_failed(c, a->d->id, a->at, a->o.status, a->o.error, W.max_attempts, &a->gave_up,
                                           &a->next, err))
            return -1;
    }
    return 0;
}

typedef struct {
    int64_t before;
    int deleted;
} prune_args;

static int prune_fn(store_conn *c, void *arg, tx_err *err)
{
    prune_args *a = arg;
    return store_webhook_prune(c, a->before, PRUNE_ROWS, &a->deleted, err);
}

/* Record attempts in one transaction: the worker's commits compete with the
 * server's writer for SQLite's one write lock (and each costs an fsync), so
 * it records what a round sent at its end, or before the next request once
 * the oldest unrecorded outcome is a second old: not one commit per request. */
static void record(attempt *a, int n)
{
    if (n == 0)
        return;
    tx_err err;
    tx_err_clear(&err);
    record_args r = {a, n};
    if (store_sync(W.s, 1, record_fn, &r, &err)) {
        /* Not recorded: these stay due and are sent again (at least once). */
        tx_log("error", "webhooks: cannot record %d deliveries: %s", n, err.msg[TX_LANG_EN]);
        return;
    }
    for (int i = 0; i < n; i++) {
        const store_webhook_due *d = a[i].d;
        if (a[i].o.ok)
            continue;
        if (a[i].gave_up)
            tx_log("warn", "webhooks: gave up delivery %lld (webhook %lld, event %lld) after %d attempts: %s",
                   (long long)d->id, (long long)d->webhook_id, (long long)d->event_id, d->attempts + 1, a[i].o.error);
        else if (a[i].next)
            tx_log("warn", "webhooks: delivery %lld (webhook %lld) attempt %d failed: %s; next in %llds",
                   (long long)d->id, (long long)d->webhook_id, d->attempts + 1, a[i].o.error,
                   (long long)((a[i].next - a[i].at + 999) / 1000));
    }
}

/* Send what is due. Returns 1 when there may be more due right away (a full
 * batch that was not all failures), 0 when the worker may wait. */
static int send_round(void)
{
    tx_err err;
    tx_err_clear(&err);
    due_args a = {.now = tx_now_ms()};
    if (store_sync(W.s, 0, due_fn, &a, &err)) {
        tx_log("error", "webhooks: cannot read the outbox: %s", err.msg[TX_LANG_EN]);
        return 0;
    }
    /* After one failure, the webhook's other deliveries wait for the next
     * round: a receiver that times out costs 10 s once per round, not once
     * per delivery, before the others get their turn. */
    int64_t failed[BATCH];
    attempt done[BATCH];
    int nfailed = 0, ndone = 0, delivered = 0;
    int64_t first_ns = 0;
    for (int i = 0; i < a.n && !atomic_load(&W.stopping); i++) {
        const store_webhook_due *d = &a.d[i];
        int skip = 0;
        for (int k = 0; k < nfailed && !skip; k++)
            skip = failed[k] == d->webhook_id;
        if (skip)
            continue;
        if (ndone > 0 && tx_mono_ns() - first_ns >= 1000000000LL) {
            record(done, ndone);
            ndone = 0;
        }
        attempt *x = &done[ndone++];
        *x = (attempt){.d = d};
        post(W.curl, d, &x->o);
        x->at = tx_now_ms();
        if (ndone == 1)
            first_ns = tx_mono_ns();
        if (x->o.ok)
            delivered++;
        else
            failed[nfailed++] = d->webhook_id;
    }
    record(done, ndone);
    int more = a.n == BATCH && delivered > 0;
    store_webhook_due_free(a.d, a.n);
    return more;
}

static void prune(void)
{
    tx_err err;
    tx_err_clear(&err);
    prune_args a = {.before = tx_now_ms() - WEBHOOKS_KEEP_DAYS * 86400000LL};
    /* Not in a transaction (write = 0): the store function finds the rows
     * with a plain read and deletes them in a short statement of its own. */
    if (store_sync(W.s, 0, prune_fn, &a, &err))
        tx_log("error", "webhooks: cannot prune the outbox: %s", err.msg[TX_LANG_EN]);
    else if (a.deleted)
        tx_log("info", "webhooks: pruned %d deliveries finished over %d days ago", a.deleted, WEBHOOKS_KEEP_DAYS);
}

static void *worker_main(void *arg)
{
    (void)arg;
    int64_t next_prune = tx_mono_ns() / 1000000 + 60000; /* a minute after start, then hourly */
    while (!atomic_load(&W.stopping)) {
        int more = send_round();
        int64_t mono = tx_mono_ns() / 1000000;
        if (mono >= next_prune && !atomic_load(&W.stopping)) {
            prune();
            next_prune = mono + PRUNE_EVERY_MS;
        }
        pthread_mutex_lock(&W.mu);
        if (!more && !W.woken && !atomic_load(&W.stopping)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&W.cv, &W.mu, &ts);
        }
        W.woken = 0;
        pthread_mutex_unlock(&W.mu);
    }
    return NULL;
}

int webhooks_start(const webhooks_config *cfg, tx_err *err)
{
    if (W.running)
        return 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    store_options opt = {.create = 0};
    if (store_open(cfg->db_url, &opt, &W.s, err)) {
        curl_global_cleanup();
        return -1;
    }
    W.curl = curl_easy_init();
    if (W.curl == NULL) {
        store_close(W.s);
        curl_global_cleanup();
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    W.max_attempts = cfg->max_attempts;
    atomic_store(&W.stopping, 0);
    W.woken = 0;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    int rc = pthread_create(&W.tid, NULL, worker_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        curl_easy_cleanup(W.curl);
        store_close(W.s);
        curl_global_cleanup();
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    pthread_setname_np(W.tid, "tx-webhooks");
    W.running = 1;
    return 0;
}

void webhooks_wake(void)
{
    pthread_mutex_lock(&W.mu);
    W.woken = 1;
    pthread_cond_signal(&W.cv);
    pthread_mutex_unlock(&W.mu);
}

void webhooks_stop(void)
{
    if (!W.running)
        return;
    pthread_mutex_lock(&W.mu);
    atomic_store(&W.stopping, 1);
    pthread_cond_signal(&W.cv);
    pthread_mutex_unlock(&W.mu);
    pthread_join(W.tid, NULL);
    curl_easy_cleanup(W.curl);
    W.curl = NULL;
    store_close(W.s);
    W.s = NULL;
    curl_global_cleanup();
    W.running = 0;
}
