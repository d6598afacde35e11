/* call: one API request as the handlers in api/ see it.
 *
 * The HTTP layer copies everything a handler needs out of the h2o request
 * into a tx_call (path parameters, query, parsed JSON body, the principal,
 * the language), runs the route's handler (on a store thread when it needs
 * the store) and turns what the handler left in the call into a response.
 * Handlers never see h2o, so they can be tested without a server. */
#ifndef TX_HTTP_CALL_H
#define TX_HTTP_CALL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/account.h"
#include "domain/authz.h"
#include "http/multipart.h"
#include "store/store.h"

typedef struct tx_call tx_call;
typedef int (*tx_handler)(tx_call *call, store_conn *c);

typedef enum {
    ROUTE_SYNC,  /* no store: runs on the loop thread (health, metrics) */
    ROUTE_READ,  /* runs on a reader thread */
    ROUTE_WRITE, /* runs on the writer thread, answered after commit */
} tx_route_kind;

typedef enum {
    BODY_NONE, /* a body is ignored */
    BODY_JSON, /* application/json, a JSON object */
    BODY_MULTIPART, /* multipart/form-data: kept raw, parsed by call_multipart_parts */
    BODY_FORM, /* application/x-www-form-urlencoded, as a JSON object of strings (http/form.h) */
} tx_body_kind;

typedef struct {
    const char *method;
    const char *pattern; /* "/api/v1/areas/{id}": {name} captures one segment */
    const char *name;    /* route name for logs and metrics, "areas.get" */
    tx_action action;    /* the route-level gate (see domain/authz.h) */
    tx_route_kind kind;
    tx_body_kind body;
    tx_handler run;
    /* Optional, for a protocol with its own error shape (Open311): turns
     * call->err into the response body (call->out, or call->out_raw with
     * call->out_type) and may change call->err.status to another error
     * status. NULL: the API's JSON error body. Runs on the loop thread. */
    void (*render_error)(tx_call *call);
    /* 1: the API key may also come as the api_key parameter (form body,
     * then query string) besides "Authorization: Bearer", and the session
     * cookie is not read: Open311 clients authenticate with api_key=…, and
     * a cookie must not make a form post count as a signed-in user's. */
    int key_param;
} tx_route;

#define CALL_MAX_PARAMS 4
#define CALL_MAX_QUERY 32

typedef enum { CRED_NONE, CRED_SESSION, CRED_API_KEY } tx_cred_kind;

struct tx_call {
    /* ---- inputs, filled by the HTTP layer ---- */
    const tx_route *route;
    tx_lang lang;
    int64_t now_ms;
    int tls;
    char client_ip[48];
    char request_id[72];
    char host[128];   /* the Host (authority) asked for, when it is a plain host[:port]; else "" */
    char method[8];
    char params[CALL_MAX_PARAMS][160]; /* path captures, in pattern order */
    int nparams;
    struct {
        char *name, *value; /* percent-decoded, NUL-terminated */
    } query[CALL_MAX_QUERY];
    int nquery;
    char *query_buf;  /* storage of the decoded query */
    json_t *body;     /* the JSON object for BODY_JSON and BODY_FORM routes, owned */
    /* BODY_MULTIPART routes: the body as received, a copy owned by the call
     * (the request may be gone while a store thread still runs the call),
     * and the boundary from its Content-Type. */
    const char *raw_body;
    size_t raw_body_len;
    char multipart_boundary[72];
    tx_cred_kind cred;
    char credential[128]; /* session token or API key as sent */
    char csrf_header[128];
    tx_principal who; /* resolved before the handler runs */
    char session_csrf[64];

    /* ---- outputs, filled by the handler ---- */
    int status;
    json_t *out;             /* JSON response, owned */
    char *out_raw;           /* or a non-JSON body (malloc'd, owned) */
    size_t out_raw_len;
    const char *out_type;    /* its content type, static storage */
    char set_cookie[2][320]; /* Set-Cookie values, "" when unused */
    int retry_after;         /* seconds, 0 when unused */
    char allow[64];          /* Allow header for 405 */
    tx_err err;              /* when err.status != 0 the response is this error */
    /* A read handler that needs to write next (sign-in: verify the password
     * on a reader, then store the session on the writer) sets this; the call
     * is then queued on the writer with it as the handler. */
    tx_handler then_write;
    /* Called once the call's write is durable (on the writer thread, after
     * the commit), for work that must see committed data: a write handler
     * that changes areas sets it to refresh the locator. */
    void (*on_committed)(tx_call *call);
    /* What a read handler hands on to its then_write (intake decides the
     * routing on a reader, the writer stores it), freed with carry_free. */
    void *carry;
    void (*carry_free)(void *carry);

    /* ---- private to http/ ---- */
    store_job job;
    void *priv;
};

/* ---- helpers for handlers ---- */

/* Respond with status and JSON (steals the reference). Returns 0. */
int call_json(tx_call *call, int status, json_t *body);

/* Respond with an error: copies err and returns -1. */
int call_fail(tx_call *call, const tx_err *err);

/* The value of query parameter name, or NULL. */
const char *call_query(const tx_call *call, const char *name);

/* Parse query parameter name as a positive id; 0 when absent; -1 (with the
 * call's error set) when malformed. */
int call_query_id(tx_call *call, const char *name, int64_t *out);

/* Parse query parameter name as a finite number in [min, max]. Returns 0
 * (absent: 0 and *out untouched unless required, which fails with 400),
 * or -1 with a 400 naming the parameter. */
int call_query_double(tx_call *call, const char *name, int required, double min, double max, double *out);

/* Query parameter name as a YYYY-MM-DD date (out has 11 bytes); absent:
 * today in the deployment's time zone (UTC+8). -1 with a 400 when malformed. */
int call_query_date(tx_call *call, const char *name, char out[11]);

/* Query parameter name as one of the NULL-terminated values (NULL when
 * absent); -1 with a 400 listing them when it is something else. */
int call_query_enum(tx_call *call, const char *name, const char *const *values, const char **out);

/* limit / offset paging: limit 1..max (default def), offset >= 0. */
int call_query_page(tx_call *call, int def, int max, int *limit, int *offset);

/* Path parameter i parsed as a positive id; -1 with a 404 set when not. */
int call_param_id(tx_call *call, int i, int64_t *out);

/* Body fields. Each returns 0 (value set, or absent and optional: *out
 * untouched), or -1 with a 400 naming the field. Strings are checked for
 * length (in characters) and must not contain control characters;
 * call_body_str takes one line (names, codes), call_body_text allows
 * newlines and tabs (notes, descriptions). */
int call_body_str(tx_call *call, const char *field, int required, int max_chars, const char **out);
int call_body_text(tx_call *call, const char *field, int required, int max_chars, const char **out);
int call_body_int(tx_call *call, const char *field, int required, int64_t min, int64_t max, int64_t *out);
int call_body_double(tx_call *call, const char *field, int required, double min, double max, double *out);
int call_body_bool(tx_call *call, const char *field, int required, int *out);
/* Fail with 400 when the body has a field not in the NULL-terminated list. */
int call_body_only(tx_call *call, const char *const *allowed);

/* Parse the multipart/form-data body of a BODY_MULTIPART route into at
 * most max parts (*n of them). The parts point into the call's copy of the
 * body and live as long as the call. Returns 0, or -1 with a 400 set on the
 * call saying what is malformed. */
int call_multipart_parts(tx_call *call, http_multipart_part *parts, int max, int *n);

/* Who the principal is, for the audit trail: "user:admin", "apikey:12345". */
void call_actor(const tx_call *call, char *out, size_t outsz);

/* Ask the authorization layer about a specific place; on refusal sets the
 * 401 / 403 error and returns -1. */
int call_authorize(tx_call *call, tx_action a, const tx_place *place);

#endif
