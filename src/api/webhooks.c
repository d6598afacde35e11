/* webhooks: street admins register outside systems (a city's 12345 platform,
 * an SMS gateway) to be told about case events, and watch their deliveries.
 * The outbox itself is store/webhook.h; sending is notify/webhooks.c. Every
 * route is for street admins (action webhook_write, not scoped: a webhook
 * hears the whole deployment), reads included, since URLs and delivered
 * bodies describe the integration. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/secret.h"
#include "domain/case.h"
#include "store/webhook.h"

#define NAME_MAX_CHARS 100
#define URL_MAX_CHARS 2000
#define SECRET_MIN 16
#define SECRET_MAX 128
#define TYPES_MAX 32
#define TYPES_TEXT_MAX (TYPES_MAX * 16)
#define DELIVERIES_DEFAULT 50
#define DELIVERIES_MAX 200

/* The URL: http:// or https:// and a host, printable ASCII only (a host
 * with other letters is written in punycode), at most 2000 characters. */
static int check_url(tx_call *call, const char *url)
{
    size_t skip = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
    if (skip == 0)
        return tx_err_invalid(&call->err, "url", "必须以 http:// 或 https:// 开头",
                              "must start with http:// or https://");
    if (url[skip] == '\0' || strchr("/?#@:", url[skip]))
        return tx_err_invalid(&call->err, "url", "缺少主机名", "has no host");
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return tx_err_invalid(&call->err, "url", "只能包含可打印的 ASCII 字符，不能有空格",
                                  "must be printable ASCII without spaces");
    return 0;
}

/* A secret given by the caller: 16-128 printable ASCII characters, so that
 * every receiver's HMAC library reads the same key bytes. */
static int check_secret(tx_call *call, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return tx_err_invalid(&call->err, "secret", "只能包含可打印的 ASCII 字符，不能有空格",
                                  "must be printable ASCII without spaces");
    if (n < SECRET_MIN || n > SECRET_MAX)
        return tx_err_invalid(&call->err, "secret", "长度必须为 16 到 128 个字符", "must be 16 to 128 characters");
    return 0;
}

/* event_types: a non-empty array of "report", case action codes
 * (domain/case.h), or "*" alone; written to out as "a,b,c". */
static int read_types(tx_call *call, json_t *v, char out[TYPES_TEXT_MAX])
{
    static const char zh[] = "必须是非空数组，元素为“report”“remind”或办理动作代码（accept、dispatch、resolve 等），或只含“*”";
    static const char en[] = "must be a non-empty array of \"report\", \"remind\" and case action codes (accept, "
                             "dispatch, resolve, …), or [\"*\"]";
    size_t n = json_array_size(v);
    if (!json_is_array(v) || n == 0 || n > TYPES_MAX)
        return tx_err_invalid(&call->err, "event_types", zh, en);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *t = json_string_value(json_array_get(v, i));
        tx_case_action a;
        if (t == NULL || (strcmp(t, "*") == 0 && n > 1) ||
            (strcmp(t, "*") != 0 && strcmp(t, "report") != 0 && strcmp(t, "remind") != 0 &&
             tx_case_action_parse(t, &a) != 0))
            return tx_err_invalid(&call->err, "event_types", zh, en);
        for (size_t k = 0; k < i; k++)
            if (strcmp(t, json_string_value(json_array_get(v, k))) == 0)
                return tx_err_invalid(&call->err, "event_types", "不能重复", "must not repeat a type");
        /* Known codes are short: TYPES_MAX of them always fit. */
        if (i)
            strcat(out, ",");
        strcat(out, t);
    }
    return 0;
}

/* Read and check the body into w; types holds event_types' text. For a
 * PATCH (create = 0) absent fields stay NULL / -1: unchanged. */
static int read_webhook(tx_call *call, int create, store_webhook_in *w, char types[TYPES_TEXT_MAX])
{
    static const char *const fields[] = {"name", "url", "event_types", "secret", "active", NULL};
    *w = (store_webhook_in){.active = create ? 1 : -1};
    if (call_body_only(call, fields) || call_body_str(call, "name", create, NAME_MAX_CHARS, &w->name) ||
        call_body_str(call, "url", create, URL_MAX_CHARS, &w->url) ||
        call_body_str(call, "secret", 0, SECRET_MAX, &w->secret) || call_body_bool(call, "active", 0, &w->active))
        return -1;
    if (w->url && check_url(call, w->url))
        return -1;
    if (w->secret && check_secret(call, w->secret))
        return -1;
    json_t *t = json_object_get(call->body, "event_types");
    if (t && !json_is_null(t)) {
        if (read_types(call, t, types))
            return -1;
        w->event_types = types;
    } else if (create) {
        w->event_types = "*";
    }
    return 0;
}

int api_webhooks_list(tx_call *call, store_conn *c)
{
    json_t *out;
    if (store_webhook_list(c, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_webhooks_get(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *out;
    if (call_param_id(call, 0, &id) || store_webhook_get(c, id, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_webhooks_create(tx_call *call, store_conn *c)
{
    store_webhook_in w;
    char types[TYPES_TEXT_MAX], token[TX_TOKEN_LEN + 1], actor[96];
    int64_t id;
    json_t *out;
    if (read_webhook(call, 1, &w, types))
        return -1;
    if (w.secret == NULL) {
        tx_token_new(token);
        w.secret = token;
    }
    call_actor(call, actor, sizeof actor);
    if (store_webhook_create(c, &w, call->now_ms, &id, &call->err) ||
        store_audit(c, actor, "webhook_create", "webhook", id, w.url, &call->err) ||
        store_webhook_get(c, id, &out, &call->err))
        return -1;
    /* The one time the secret is shown: the receiver needs it to check
     * signatures, and it is not shown again. */
    json_object_set_new(out, "secret", json_string(w.secret));
    return call_json(call, 201, out);
}

int api_webhooks_update(tx_call *call, store_conn *c)
{
    store_webhook_in w;
    char types[TYPES_TEXT_MAX], actor[96];
    int64_t id;
    json_t *out;
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &id) || read_webhook(call, 0, &w, types) ||
        store_webhook_update(c, id, &w, &call->err) ||
        store_audit(c, actor, w.secret ? "webhook_update_secret" : "webhook_update", "webhook", id, NULL,
                    &call->err) ||
        store_webhook_get(c, id, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_webhooks_delete(tx_call *call, store_conn *c)
{
    int64_t id;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &id) || store_webhook_delete(c, id, &call->err) ||
        store_audit(c, actor, "webhook_delete", "webhook", id, NULL, &call->err))
        return -1;
    call->status = 204;
    return 0;
}

int api_webhooks_deliveries(tx_call *call, store_conn *c)
{
    static const char *const statuses[] = {"pending", "delivered", "failed", NULL};
    int64_t id;
    const char *status;
    double limit = DELIVERIES_DEFAULT;
    json_t *out;
    if (call_param_id(call, 0, &id) || call_query_enum(call, "status", statuses, &status) ||
        call_query_double(call, "limit", 0, 1, DELIVERIES_MAX, &limit))
        return -1;
    if (limit != (int)limit)
        return tx_err_query(&call->err, "limit", "必须是整数", "must be an integer");
    if (store_webhook_deliveries(c, id, status, (int)limit, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}
