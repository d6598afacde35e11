/* server: libh2o embedding, request checks, the store bridge, shutdown.
 *
 * A request's life: on_request (loop thread) matches the route, copies what
 * the handler needs into a tx_call, and either runs the handler at once
 * (store-free routes) or submits the call as a store job. The job resolves
 * the credential, applies the route's authorization gate and CSRF check,
 * then runs the handler on its store thread. Its completion is posted back
 * to the loop the request came from; if the client has gone meanwhile, the
 * result is dropped (the pool-allocated link below is how we know). */
#define _GNU_SOURCE
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <h2o.h>
#include <h2o/http1.h>
#include <h2o/http2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "base/log.h"
#include "base/secret.h"
#include "base/time.h"
#include "http/metrics.h"
#include "base/utf8.h"
#include "http/form.h"
#include "http/query.h"

typedef struct loop_ctx loop_ctx;

/* One API request in flight. The h2o message must come first: the loop's
 * receiver gets it back as a linked-list node. */
typedef struct inflight {
    h2o_multithread_message_t msg;
    tx_call call;
    h2o_req_t *req; /* NULL once the request was disposed (client gone) */
    struct req_link *link;
    loop_ctx *loop;
} inflight;

/* Lives in the request's pool; its dispose callback tells the in-flight
 * call that the request is gone. Both run on the loop thread. */
typedef struct req_link {
    inflight *f;
} req_link;

struct loop_ctx {
    h2o_context_t ctx; /* first: handlers find their loop from req->conn->ctx */
    h2o_accept_ctx_t accept_ctx;
    h2o_multithread_receiver_t done_receiver;
    h2o_socket_t *listener;
    int listen_fd;
    pthread_t tid;
    long pending; /* calls submitted to the store and not yet answered */
};

typedef struct {
    h2o_handler_t super;
} api_handler;

static struct {
    const http_config *cfg;
    h2o_globalconf_t config;
    SSL_CTX *ssl_ctx;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    loop_ctx *loops;
    atomic_int stopping;
    atomic_long conns;
    char id_prefix[12];
    atomic_ulong id_counter;
} S;

store *http_store(void)
{
    return S.cfg ? S.cfg->store : NULL;
}

/* ---- responses ---- */

/* h2o keeps the value pointer until the response is sent: copy it into
 * the request's pool, since our buffers (the call, the stack) go first. */
static void add_header(h2o_req_t *req, const char *name, const char *value, size_t vlen)
{
    h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 0, NULL,
                          h2o_strdup(&req->pool, value, vlen).base, vlen);
}

static const char *reason_of(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "OK";
    }
}

/* The error body: {"error":{"code","message","field"}}. */
static json_t *error_json(const tx_err *e, tx_lang lang)
{
    json_t *inner = json_pack("{s:s, s:s}", "code", e->code ? e->code : "error", "message", e->msg[lang]);
    if (inner == NULL) /* a message that is not UTF-8 would be our bug; never echo it */
        inner = json_pack("{s:s, s:s}", "code", e->code ? e->code : "error", "message", "");
    if (e->field[0])
        json_object_set_new(inner, "field", json_string(e->field));
    return json_pack("{s:o}", "error", inner);
}

/* Write what the handler left in call to req. */
static void respond(h2o_req_t *req, tx_call *call)
{
    if (call->err.status) {
        /* An error answers with the error only: no body a handler had
         * prepared, no cookie for a session that was not stored. A route
         * of a protocol with its own error shape renders it (and may pick
         * another error status); the others answer with the JSON error. */
        free(call->out_raw);
        call->out_raw = NULL;
        json_decref(call->out);
        call->out = NULL;
        call->set_cookie[0][0] = call->set_cookie[1][0] = '\0';
        if (call->route && call->route->render_error)
            call->route->render_error(call);
        else
            call->out = error_json(&call->err, call->lang);
    }
    int status = call->err.status ? call->err.status : (call->status ? call->status : 200);
    req->res.status = status;
    req->res.reason = reason_of(status);
    add_header(req, "x-request-id", call->request_id, strlen(call->request_id));
    add_header(req, "cache-control", "no-store", 8);
    for (int i = 0; i < 2; i++)
        if (call->set_cookie[i][0])
            add_header(req, "set-cookie", call->set_cookie[i], strlen(call->set_cookie[i]));
    /* Every 503 says when to try again. The store's faults (disk full,
     * read-only, a stalled writer) are retried by its next batch as soon as
     * a write comes; a client coming back sooner than a stall takes to be
     * declared would only add load. */
    int retry_after = call->retry_after > 0 ? call->retry_after : status == 503 ? STORE_STALL_SECONDS : 0;
    if (retry_after > 0) {
        char ra[16];
        int n = snprintf(ra, sizeof ra, "%d", retry_after);
        add_header(req, "retry-after", ra, (size_t)n);
    }
    if (call->allow[0])
        add_header(req, "allow", call->allow, strlen(call->allow));
    if (status == 204 || (call->out == NULL && call->out_raw == NULL)) {
        req->res.content_length = 0;
        h2o_send_inline(req, "", 0);
        return;
    }
    if (call->out_raw) {
        const char *type = call->out_type ? call->out_type : "text/plain; charset=utf-8";
        add_header(req, "content-type", type, strlen(type));
        req->res.content_length = call->out_raw_len;
        h2o_send_inline(req, call->out_raw, call->out_raw_len);
        return;
    }
    char *text = json_dumps(call->out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    add_header(req, "content-type", "application/json; charset=utf-8", 31);
    if (text == NULL) {
        req->res.content_length = 2;
        h2o_send_inline(req, "{}", 2);
        return;
    }
    req->res.content_length = strlen(text);
    h2o_send_inline(req, text, req->res.content_length);
    free(text);
}

static void call_release(tx_call *call)
{
    json_decref(call->body);
    json_decref(call->out);
    free(call->out_raw);
    free(call->query_buf);
    free((char *)call->raw_body); /* const for handlers; owned here */
    if (call->carry_free)
        call->carry_free(call->carry);
}

/* ---- the store bridge ---- */

/* Resolve the credential into call->who. Unknown sessions are anonymous
 * (a stale cookie must not break public pages); a wrong API key is an
 * error, because a program that sends one expects it to work. */
static int resolve_principal(tx_call *call, store_conn *c)
{
    memset(&call->who, 0, sizeof call->who);
    if (call->cred == CRED_NONE)
        return 0;
    char hash[TX_TOKEN_HASH_LEN + 1];
    tx_token_hash(call->credential, strlen(call->credential), hash);
    if (call->cred == CRED_API_KEY) {
        int rc = store_apikey_resolve(c, hash, &call->who, &call->err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            return tx_err_set(&call->err, 401, "bad_api_key", "Authorization", M_BAD_API_KEY);
        return 0;
    }
    int rc = store_session_resolve(c, hash, call->now_ms, &call->who, call->session_csrf, &call->err);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        memset(&call->who, 0, sizeof call->who);
        call->cred = CRED_NONE;
    }
    return 0;
}

static int is_safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* The checks every store-backed route goes through, then its handler (when
 * h is not NULL). */
static int run_checked(tx_call *call, store_conn *c, tx_handler h)
{
    if (resolve_principal(call, c))
        return -1;
    if (call_authorize(call, call->route->action, NULL)) {
        if (call->err.status == 401 && call->credential[0] && call->cred == CRED_NONE)
            tx_err_set(&call->err, 401, "session_expired", NULL, M_SESSION_EXPIRED);
        return -1;
    }
    /* Cookie-authenticated writes must echo the session's CSRF token. */
    if (call->cred == CRED_SESSION && !is_safe_method(call->method) && call->route->action != TX_ACT_SIGN_IN &&
        !tx_secret_equal(call->csrf_header, strlen(call->csrf_header), call->session_csrf,
                         strlen(call->session_csrf)))
        return tx_err_set(&call->err, 403, "csrf", "X-CSRF-Token", M_CSRF);
    return h ? h(call, c) : 0;
}

static int job_run(store_job *job, store_conn *c)
{
    inflight *f = (inflight *)((char *)job - offsetof(inflight, call.job));
    tx_call *call = &f->call;
    tx_handler h = call->then_write ? call->then_write : call->route->run;
    int rc;
    if (call->then_write) {
        call->then_write = NULL;
        rc = h(call, c);
    } else if (call->route->kind == ROUTE_WRITE && !job->write) {
        /* A write with credentials: resolve and check them here on a
         * reader, so the one writer spends its time on writing only. */
        rc = run_checked(call, c, NULL);
        if (rc == 0)
            call->then_write = call->route->run;
    } else {
        rc = run_checked(call, c, h);
    }
    if (rc != 0 && call->err.status == 0)
        tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    if (rc != 0)
        job->err = call->err;
    return rc;
}

static void job_complete(store_job *job)
{
    inflight *f = (inflight *)((char *)job - offsetof(inflight, call.job));
    tx_call *call = &f->call;
    /* The store failed the job (commit failure, shutdown) after the handler
     * thought it succeeded: the client must not see success. */
    if (job->err.status && call->err.status == 0) {
        call->err = job->err;
        json_decref(call->out);
        call->out = NULL;
    }
    if (call->err.status == 0 && job->write && call->on_committed)
        call->on_committed(call);
    if (call->err.status == 0 && call->then_write) {
        job->write = 1;
        store_submit(S.cfg->store, job);
        return;
    }
    h2o_multithread_send_message(&f->loop->done_receiver, &f->msg);
}

static void on_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        inflight *f = H2O_STRUCT_FROM_MEMBER(inflight, msg.link, messages->next);
        h2o_linklist_unlink(&f->msg.link);
        f->loop->pending--;
        if (f->req != NULL) {
            f->link->f = NULL;
            respond(f->req, &f->call);
        }
        call_release(&f->call);
        free(f);
    }
}

static void on_req_dispose(void *p)
{
    req_link *link = p;
    if (link->f)
        link->f->req = NULL;
}

/* ---- request intake ---- */

static tx_lang pick_lang(h2o_req_t *req, const tx_call *call)
{
    const char *q = call_query(call, "lang");
    if (q)
        return strncmp(q, "en", 2) == 0 ? TX_LANG_EN : TX_LANG_ZH;
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_ACCEPT_LANGUAGE, -1);
    if (i < 0)
        return TX_LANG_ZH;
    h2o_iovec_t v = req->headers.entries[i].value;
    /* zh-CN is the default; English only when it is asked for first. */
    return v.len >= 2 && (v.base[0] == 'e' || v.base[0] == 'E') && (v.base[1] == 'n' || v.base[1] == 'N')
               ? TX_LANG_EN
               : TX_LANG_ZH;
}

/* The request's id: the client's X-Request-Id when it is a sane token,
 * else a new one (process prefix + counter). out has 72 bytes. */
static void set_request_id(h2o_req_t *req, char out[72])
{
    ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-request-id"), -1);
    if (i >= 0) {
        h2o_iovec_t v = req->headers.entries[i].value;
        int ok = v.len > 0 && v.len < 72;
        for (size_t k = 0; ok && k < v.len; k++) {
            char ch = v.base[k];
            ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' ||
                 ch == '_' || ch == '.';
        }
        if (ok) {
            memcpy(out, v.base, v.len);
            out[v.len] = '\0';
            return;
        }
    }
    snprintf(out, 72, "%s-%lu", S.id_prefix,
             atomic_fetch_add_explicit(&S.id_counter, 1, memory_order_relaxed));
}

/* The api_key parameter of a key_param route: from the form body, else
 * the query string. An empty one is no key (Open311: an empty optional
 * parameter is an absent one); one given twice or too long to be a key is
 * a wrong key, refused when resolved. */
static void read_key_param(tx_call *call)
{
    json_t *v = call->body ? json_object_get(call->body, "api_key") : NULL;
    const char *key = json_string_value(v);
    int bad = v != NULL && !json_is_string(v);
    if (!bad && (key == NULL || *key == '\0'))
        key = call_query(call, "api_key");
    if (!bad && (key == NULL || *key == '\0'))
        return;
    call->credential[0] = '\0';
    if (!bad && strlen(key) < sizeof call->credential)
        snprintf(call->credential, sizeof call->credential, "%s", key);
    call->cred = CRED_API_KEY;
}

/* Take the credential: "Authorization: Bearer KEY", then the api_key
 * parameter on routes that take it, else the session cookie. */
static void read_credentials(h2o_req_t *req, tx_call *call)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
    if (i >= 0) {
        h2o_iovec_t v = req->headers.entries[i].value;
        if (v.len > 7 && strncasecmp(v.base, "Bearer ", 7) == 0 && v.len - 7 < sizeof call->credential) {
            memcpy(call->credential, v.base + 7, v.len - 7);
            call->credential[v.len - 7] = '\0';
            call->cred = CRED_API_KEY;
            return;
        }
    }
    if (call->route && call->route->key_param) {
        read_key_param(call);
        return;
    }
    for (i = -1; (i = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, i)) >= 0;) {
        h2o_iovec_t v = req->headers.entries[i].value;
        const char *p = v.base, *end = v.base + v.len;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == ';'))
                p++;
            const char *semi = memchr(p, ';', (size_t)(end - p));
            const char *stop = semi ? semi : end;
            if ((size_t)(stop - p) > 11 && memcmp(p, "tx_session=", 11) == 0 &&
                (size_t)(stop - p - 11) < sizeof call->credential) {
                memcpy(call->credential, p + 11, (size_t)(stop - p - 11));
                call->credential[stop - p - 11] = '\0';
                call->cred = CRED_SESSION;
            }
            p = stop;
        }
    }
    i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-csrf-token"), -1);
    if (i >= 0 && req->headers.entries[i].value.len < sizeof call->csrf_header) {
        memcpy(call->csrf_header, req->headers.entries[i].value.base, req->headers.entries[i].value.len);
        call->csrf_header[req->headers.entries[i].value.len] = '\0';
    }
}

static void client_ip(h2o_req_t *req, char *out, size_t outsz)
{
    struct sockaddr_storage ss;
    socklen_t len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    out[0] = '\0';
    if (len == 0)
        return;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)outsz);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)outsz);
}

/* Parse the JSON body of a BODY_JSON route. */
static int read_json_body(h2o_req_t *req, tx_call *call)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    h2o_iovec_t ct = i >= 0 ? req->headers.entries[i].value : h2o_iovec_init("", 0);
    if (ct.len < 16 || strncasecmp(ct.base, "application/json", 16) != 0 ||
        (ct.len > 16 && ct.base[16] != ';' && ct.base[16] != ' '))
        return tx_err_set(&call->err, 415, "unsupported_media_type", "Content-Type", M_CONTENT_TYPE,
                          "application/json");
    json_error_t je;
    /* jansson refuses invalid UTF-8 and, with this flag, duplicate keys. */
    call->body = json_loadb(req->entity.base ? req->entity.base : "", req->entity.len, JSON_REJECT_DUPLICATES, &je);
    if (call->body == NULL)
        return tx_err_set(&call->err, 400, "malformed_json", "body", M_BAD_JSON, je.line, je.column);
    if (!json_is_object(call->body))
        return tx_err_set(&call->err, 400, "malformed_json", "body", M_JSON_NOT_OBJECT);
    return 0;
}

/* Parse the urlencoded body of a BODY_FORM route into call->body. */
static int read_form_body(h2o_req_t *req, tx_call *call)
{
    static const char type[] = "application/x-www-form-urlencoded";
    const size_t tl = sizeof type - 1;
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    h2o_iovec_t ct = i >= 0 ? req->headers.entries[i].value : h2o_iovec_init("", 0);
    if (ct.len < tl || strncasecmp(ct.base, type, tl) != 0 || (ct.len > tl && ct.base[tl] != ';' && ct.base[tl] != ' '))
        return tx_err_set(&call->err, 415, "unsupported_media_type", "Content-Type", M_CONTENT_TYPE, type);
    return http_form_to_json(req->entity.base ? req->entity.base : "", req->entity.base ? req->entity.len : 0,
                             &call->body, &call->err);
}

/* The Host the request was sent to (HTTP/1 Host, HTTP/2 :authority), for
 * handlers that must write absolute URLs; "" unless it is plain
 * host[:port] text (names, IPv4, [IPv6]). */
static void request_host(h2o_req_t *req, char *out, size_t outsz)
{
    h2o_iovec_t a = req->authority;
    out[0] = '\0';
    if (a.base == NULL || a.len == 0 || a.len >= outsz)
        return;
    for (size_t k = 0; k < a.len; k++) {
        char ch = a.base[k];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '.' ||
              ch == '-' || ch == ':' || ch == '[' || ch == ']'))
            return;
    }
    memcpy(out, a.base, a.len);
    out[a.len] = '\0';
}

/* Keep the body of a BODY_MULTIPART route and its boundary; handlers parse
 * it (call_multipart_parts). It is copied because it must live as long as
 * the call: a write with credentials runs on a reader, then on the writer,
 * and the request (whose pool holds req->entity) may be gone meanwhile. */
static int read_multipart_body(h2o_req_t *req, tx_call *call)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    if (i < 0 || http_multipart_boundary(req->headers.entries[i].value.base, req->headers.entries[i].value.len,
                                         call->multipart_boundary, sizeof call->multipart_boundary))
        return tx_err_set(&call->err, 415, "unsupported_media_type", "Content-Type", M_CONTENT_TYPE,
                          "multipart/form-data; boundary=...");
    size_t len = req->entity.base ? req->entity.len : 0;
    char *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    if (len)
        memcpy(copy, req->entity.base, len);
    call->raw_body = copy;
    call->raw_body_len = len;
    return 0;
}

/* API paths are answered by the route table; everything else is a static
 * file of the web root. */
static int is_api_path(h2o_iovec_t path)
{
    return (path.len >= 5 && memcmp(path.base, "/api/", 5) == 0) ||
           (path.len >= 9 && memcmp(path.base, "/open311/", 9) == 0) || h2o_memis(path.base, path.len, H2O_STRLIT("/healthz")) ||
           h2o_memis(path.base, path.len, H2O_STRLIT("/readyz")) || h2o_memis(path.base, path.len, H2O_STRLIT("/metrics"));
}

/* Bytes of the request line and headers as received. */
static size_t header_bytes(h2o_req_t *req)
{
    size_t n = req->input.method.len + req->input.path.len;
    for (size_t i = 0; i != req->headers.size; i++)
        n += req->headers.entries[i].name->len + req->headers.entries[i].value.len + 4;
    return n;
}

static int on_request(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    loop_ctx *loop = (loop_ctx *)req->conn->ctx;
    const http_config *cfg = S.cfg;
    h2o_iovec_t path = req->path_normalized;
    /* h2o bounds the header count, not their size: refuse big ones here,
     * for static files as for the API. */
    int too_big = header_bytes(req) > HTTP_MAX_HEADER_BYTES;
    if (!is_api_path(path) && !too_big) {
        /* Static files: h2o's file handler (next in the chain) answers,
         * with ETag / 304; we only tag the response for the log. */
        char rid[72];
        set_request_id(req, rid);
        add_header(req, "x-request-id", rid, strlen(rid));
        return -1;
    }

    inflight *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    tx_call *call = &f->call;
    f->loop = loop;
    call->now_ms = tx_now_ms();
    call->tls = req->scheme == &H2O_URL_SCHEME_HTTPS;
    snprintf(call->method, sizeof call->method, "%.*s", (int)(req->method.len < 7 ? req->method.len : 7),
             req->method.base);
    if (req->query_at != SIZE_MAX) {
        const char *q = req->path.base + req->query_at + 1;
        size_t qlen = req->path.len - req->query_at - 1;
        char *names[CALL_MAX_QUERY], *values[CALL_MAX_QUERY];
        int n = http_query_parse(q, qlen, names, values, CALL_MAX_QUERY, &call->query_buf);
        if (n < 0) {
            tx_err_set_reason(&call->err, 400, "invalid_query", "query", M_QUERY_INVALID, 0, 0, "?", "查询字符串格式错误", "malformed query string");
        } else {
            for (int k = 0; k < n; k++) {
                call->query[k].name = names[k];
                call->query[k].value = values[k];
            }
            call->nquery = n;
        }
    }
    call->lang = pick_lang(req, call);
    set_request_id(req, call->request_id);
    client_ip(req, call->client_ip, sizeof call->client_ip);
    request_host(req, call->host, sizeof call->host);

    if (too_big && call->err.status == 0)
        tx_err_set(&call->err, 431, "headers_too_large", "headers", M_HEADERS_TOO_LARGE, (size_t)HTTP_MAX_HEADER_BYTES);
    int idx = -1;
    if (call->err.status == 0) {
        idx = http_route_match(cfg->routes, cfg->nroutes, call->method, path.base, path.len, call->params,
                               &call->nparams, call->allow, sizeof call->allow);
        if (idx == -1) {
            char shown[128];
            snprintf(shown, sizeof shown, "%.*s", (int)(path.len < 100 ? path.len : 100), path.base);
            if (!tx_utf8_valid(shown, strlen(shown)))
                snprintf(shown, sizeof shown, "?");
            tx_err_set(&call->err, 404, "not_found", NULL, M_NOT_FOUND_ROUTE, shown);
        } else if (idx == -2) {
            tx_err_set(&call->err, 405, "method_not_allowed", NULL, M_METHOD_NOT_ALLOWED, call->method, call->allow);
        } else {
            call->allow[0] = '\0';
            call->route = &cfg->routes[idx];
        }
    }
    /* h2o refuses bodies above its own cap (4 × ours) before reading them,
     * with a bare text answer; between the two we answer in JSON. */
    size_t limit = call->route && call->route->body == BODY_MULTIPART ? cfg->max_upload : cfg->max_body;
    if (call->err.status == 0 && req->entity.base && req->entity.len > limit)
        tx_err_set(&call->err, 413, "body_too_large", "body", M_BODY_TOO_LARGE, limit);
    if (call->err.status == 0 && call->route && call->route->body == BODY_JSON)
        read_json_body(req, call);
    if (call->err.status == 0 && call->route && call->route->body == BODY_MULTIPART)
        read_multipart_body(req, call);
    if (call->err.status == 0 && call->route && call->route->body == BODY_FORM)
        read_form_body(req, call);
    if (call->err.status == 0)
        read_credentials(req, call);
    if (call->err.status == 0 && atomic_load(&S.stopping))
        tx_err_set(&call->err, 503, "shutting_down", NULL, M_UNAVAILABLE_SHUTDOWN);

    /* A write without credentials that its route refuses to anyone
     * anonymous is answered here, without taking the writer's time. */
    if (call->err.status == 0 && call->route->kind == ROUTE_WRITE && call->cred == CRED_NONE)
        call_authorize(call, call->route->action, NULL);
    if (call->err.status || call->route->kind == ROUTE_SYNC) {
        if (call->err.status == 0)
            call->route->run(call, NULL);
        respond(req, call);
        call_release(call);
        free(f);
        return 0;
    }
    req_link *link = h2o_mem_alloc_shared(&req->pool, sizeof *link, on_req_dispose);
    link->f = f;
    f->link = link;
    f->req = req;
    call->job.write = call->route->kind == ROUTE_WRITE && call->cred == CRED_NONE;
    call->job.run = job_run;
    call->job.complete = job_complete;
    loop->pending++;
    store_submit(cfg->store, &call->job);
    return 0;
}

/* ---- logging and metrics, for every request including static files ---- */

static void log_access(h2o_logger_t *self, h2o_req_t *req)
{
    (void)self;
    struct timeval now;
    gettimeofday(&now, NULL);
    double secs = (double)(now.tv_sec - req->timestamps.request_begin_at.tv_sec) +
                  (double)(now.tv_usec - req->timestamps.request_begin_at.tv_usec) / 1e6;
    const http_config *cfg = S.cfg;
    const char *route = "static";
    int slot = metrics_slot_static();
    h2o_iovec_t path = req->path_normalized;
    char method[8];
    snprintf(method, sizeof method, "%.*s", (int)(req->method.len < 7 ? req->method.len : 7), req->method.base);
    ssize_t rid = h2o_find_header_by_str(&req->res.headers, H2O_STRLIT("x-request-id"), -1);
    if (rid >= 0 && path.base && is_api_path(path)) {
        char params[CALL_MAX_PARAMS][160], allow[64];
        int np;
        int idx = http_route_match(cfg->routes, cfg->nroutes, method, path.base, path.len, params, &np, allow,
                                   sizeof allow);
        if (idx >= 0) {
            route = cfg->routes[idx].name;
            slot = idx;
        } else {
            route = "unmatched";
            slot = metrics_slot_unmatched();
        }
    }
    metrics_observe(slot, req->res.status, secs);
    if (cfg->quiet)
        return;
    char reqid[72] = "";
    if (rid >= 0)
        snprintf(reqid, sizeof reqid, "%.*s", (int)req->res.headers.entries[rid].value.len,
                 req->res.headers.entries[rid].value.base);
    json_t *o = json_object();
    char ts[TX_TIME_STRLEN];
    json_object_set_new(o, "time", json_string(tx_time_format(tx_now_ms(), 0, ts)));
    json_object_set_new(o, "method", json_string(method));
    json_object_set_new(o, "route", json_string(route));
    json_object_set_new(o, "status", json_integer(req->res.status));
    json_object_set_new(o, "latency_ms", json_real(secs * 1000));
    json_object_set_new(o, "request_id", json_string(reqid));
    json_object_set_new(o, "bytes", json_integer((json_int_t)req->bytes_sent));
    tx_log_json(o);
}

/* ---- connections ---- */

static void on_sock_close(void *data)
{
    (void)data;
    atomic_fetch_sub(&S.conns, 1);
    metrics_connections_add(-1);
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    loop_ctx *loop = listener->data;
    if (err != NULL)
        return;
    /* Accept a few at a time so one loop does not starve the others. */
    for (int n = 0; n < 16; n++) {
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (sock == NULL)
            return;
        if (atomic_fetch_add(&S.conns, 1) >= S.cfg->max_connections) {
            atomic_fetch_sub(&S.conns, 1);
            h2o_socket_close(sock);
            continue;
        }
        metrics_connections_add(1);
        sock->on_close.cb = on_sock_close;
        sock->on_close.data = NULL;
        h2o_accept(&loop->accept_ctx, sock);
    }
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[256];
    const char *colon = strrchr(s, ':');
    if (colon == NULL)
        return -1;
    int port = atoi(colon + 1);
    if (port <= 0 || port > 65535)
        return -1;
    size_t hl = (size_t)(colon - s);
    if (hl >= sizeof host)
        return -1;
    memcpy(host, s, hl);
    host[hl] = '\0';
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[') {
        size_t l = strlen(host);
        if (l < 2 || host[l - 1] != ']')
            return -1;
        host[l - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
            return -1;
        *len = sizeof *a;
        return 0;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (host[0] == '\0')
        a->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
        return -1;
    *len = sizeof *a;
    return 0;
}

static int open_listener(void)
{
    int fd = socket(S.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (bind(fd, (struct sockaddr *)&S.addr, S.addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void *loop_main(void *arg)
{
    loop_ctx *loop = arg;
    /* Everything of a loop is made on its own thread: libh2o 2.2.5 takes
     * socket buffers from a per-thread pool, so a loop's sockets created
     * on the main thread would share the main thread's pool with the other
     * loops, unlocked (it crashed under write load). */
    h2o_context_init(&loop->ctx, h2o_evloop_create(), &S.config);
    loop->accept_ctx.ctx = &loop->ctx;
    loop->accept_ctx.hosts = S.config.hosts;
    loop->accept_ctx.ssl_ctx = S.ssl_ctx;
    h2o_multithread_register_receiver(loop->ctx.queue, &loop->done_receiver, on_done);
    loop->listener = h2o_evloop_socket_create(loop->ctx.loop, loop->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    loop->listener->data = loop;
    h2o_socket_read_start(loop->listener, on_accept);
    int closed = 0;
    int64_t drained_at = 0;
    for (;;) {
        h2o_evloop_run(loop->ctx.loop, 100);
        if (!atomic_load(&S.stopping))
            continue;
        if (!closed) {
            /* Stop accepting; the kernel refuses new connections from now. */
            h2o_socket_read_stop(loop->listener);
            h2o_socket_close(loop->listener);
            loop->listener = NULL;
            h2o_context_request_shutdown(&loop->ctx);
            closed = 1;
        }
        if (loop->pending > 0) {
            drained_at = 0;
            continue;
        }
        /* Give the last responses a moment to leave the socket buffers. */
        if (drained_at == 0)
            drained_at = tx_mono_ns();
        else if (tx_mono_ns() - drained_at > 300 * 1000000LL)
            break;
    }
    return NULL;
}

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&S.stopping, 1);
}

static SSL_CTX *make_ssl_ctx(const char *cert, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    h2o_ssl_register_alpn_protocols(ctx, h2o_http2_alpn_protocols);
    return ctx;
}

int http_serve(const http_config *cfg)
{
    S.cfg = cfg;
    if (parse_listen(cfg->listen, &S.addr, &S.addrlen)) {
        fprintf(stderr, "tongxin: --listen must be HOST:PORT, [IPV6]:PORT or :PORT, not '%s'\n", cfg->listen);
        return 2;
    }
    unsigned char rnd[4];
    randombytes_buf(rnd, sizeof rnd);
    snprintf(S.id_prefix, sizeof S.id_prefix, "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);

    const char **names = calloc((size_t)cfg->nroutes, sizeof *names);
    for (int i = 0; i < cfg->nroutes; i++)
        names[i] = cfg->routes[i].name;
    metrics_init(names, cfg->nroutes);
    free(names);

    if (cfg->tls_cert) {
        SSL_load_error_strings();
        SSL_library_init();
        S.ssl_ctx = make_ssl_ctx(cfg->tls_cert, cfg->tls_key);
        if (S.ssl_ctx == NULL) {
            fprintf(stderr, "tongxin: cannot use the TLS certificate %s with key %s\n", cfg->tls_cert, cfg->tls_key);
            return 2;
        }
    }

    h2o_config_init(&S.config);
    S.config.max_request_entity_size =
        cfg->max_upload > cfg->max_body * 4 ? cfg->max_upload : cfg->max_body * 4;
    S.config.http1.req_timeout = (uint64_t)cfg->request_timeout_ms;
    S.config.http2.idle_timeout = (uint64_t)cfg->request_timeout_ms * 3;
    S.config.server_name = h2o_iovec_init(H2O_STRLIT("tongxin"));
    h2o_hostconf_t *host = h2o_config_register_host(&S.config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *pc = h2o_config_register_path(host, "/", 0);
    api_handler *h = (api_handler *)h2o_create_handler(pc, sizeof *h);
    h->super.on_req = on_request;
    if (cfg->web_dir) {
        static const char *index_files[] = {"index.html", NULL};
        h2o_file_register(pc, cfg->web_dir, index_files, NULL, 0);
    }
    /* Security headers on every response, API and static alike. The CSP
     * allows no inline script: the web app is ES modules from 'self'; images
     * also from the map tile service when one is configured (--tiles). */
    static h2o_headers_command_t cmds[8];
    static h2o_iovec_t hn[6];
    static char csp[512];
    snprintf(csp, sizeof csp,
             "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:%s%s; "
             "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
             cfg->img_origin ? " " : "", cfg->img_origin ? cfg->img_origin : "");
    hn[0] = h2o_iovec_init(H2O_STRLIT("content-security-policy"));
    hn[1] = h2o_iovec_init(H2O_STRLIT("x-content-type-options"));
    hn[2] = h2o_iovec_init(H2O_STRLIT("referrer-policy"));
    hn[3] = h2o_iovec_init(H2O_STRLIT("x-frame-options"));
    hn[4] = h2o_iovec_init(H2O_STRLIT("cache-control"));
    hn[5] = h2o_iovec_init(H2O_STRLIT("permissions-policy"));
    cmds[0] = (h2o_headers_command_t){H2O_HEADERS_CMD_SET, &hn[0], h2o_iovec_init(csp, strlen(csp))};
    cmds[1] = (h2o_headers_command_t){H2O_HEADERS_CMD_SET, &hn[1], h2o_iovec_init(H2O_STRLIT("nosniff"))};
    cmds[2] = (h2o_headers_command_t){H2O_HEADERS_CMD_SET, &hn[2], h2o_iovec_init(H2O_STRLIT("same-origin"))};
    cmds[3] = (h2o_headers_command_t){H2O_HEADERS_CMD_SET, &hn[3], h2o_iovec_init(H2O_STRLIT("DENY"))};
    /* Static files revalidate with their ETag; API answers set no-store. */
    cmds[4] = (h2o_headers_command_t){H2O_HEADERS_CMD_SETIFEMPTY, &hn[4], h2o_iovec_init(H2O_STRLIT("no-cache"))};
    cmds[5] = (h2o_headers_command_t){H2O_HEADERS_CMD_SET, &hn[5],
                                      h2o_iovec_init(H2O_STRLIT("geolocation=(self), camera=(self), microphone=()"))};
    cmds[6] = (h2o_headers_command_t){H2O_HEADERS_CMD_NULL};
    h2o_headers_register(pc, cmds);
    h2o_logger_t *logger = h2o_create_logger(pc, sizeof *logger);
    logger->log_access = log_access;

    int nthreads = cfg->threads > 0 ? cfg->threads : 1;
    S.loops = calloc((size_t)nthreads, sizeof *S.loops);
    for (int i = 0; i < nthreads; i++) {
        loop_ctx *loop = &S.loops[i];
        loop->listen_fd = open_listener();
        if (loop->listen_fd < 0) {
            fprintf(stderr, "tongxin: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
            return 2;
        }
    }

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    tx_log("info", "tongxin serving on %s%s with %d loop thread(s)", cfg->listen, S.ssl_ctx ? " (TLS)" : "", nthreads);
    /* Block the signals in loop threads; the main thread takes them. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    for (int i = 0; i < nthreads; i++)
        pthread_create(&S.loops[i].tid, NULL, loop_main, &S.loops[i]);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    while (!atomic_load(&S.stopping))
        usleep(50 * 1000);
    tx_log("info", "stopping: no new connections; finishing requests in flight");
    for (int i = 0; i < nthreads; i++)
        pthread_join(S.loops[i].tid, NULL);
    store_stop(cfg->store);
    tx_log("info", "stopped; every acknowledged write is committed");
    return 0;
}
