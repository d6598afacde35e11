/* Fuzz target "open311": the arguments of Open311 GeoReport v2 calls
 * (src/api/open311.c) as the server hands them over — path parameter,
 * query string (http_query_parse), form body (http_form_to_json) — to the
 * real handlers, on the demo street (tests/fuzz/fuzz_db.h), each input in a
 * transaction rolled back after it:
 *  - POST requests.{fmt}: the form fields, coordinates, media_url, the
 *    name from first_name / last_name, attribute[code] and attribute[code][]
 *    against the service's definitions, jurisdiction_id, then the native
 *    intake and, when it accepts, the writer half that stores the case;
 *  - GET requests.{fmt}: service_request_id, service_code and status
 *    lists, start_date / end_date (W3C date-times, a '+' sent as a space),
 *    page and page_size;
 *  - GET servicerequestupdates.{fmt}, requests/{id}.{fmt},
 *    tokens/{token}.{fmt}, services/{code}.{fmt}, services.{fmt} and
 *    discovery.{fmt};
 *  - and every error through api_open311_render_error, as the server does,
 *    into Open311's XML or JSON error shape.
 *
 * Input: one byte choosing the call (low 3 bits), JSON or XML (bit 3), the
 * language (bit 4) and whether an API key is given (bit 5); then the path
 * parameter, a '\n', the query string, a '\n' and the form body. An empty
 * path parameter means "xml" / "json" as bit 3 says. Queries and bodies
 * the server refuses before any handler (malformed) end the input there.
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch: a handler
 * either answers (200, a JSON value or an XML document) or sets an error;
 * every error is a 4xx in both languages that is valid UTF-8 (fuzzed text
 * is echoed in it), never a 5xx; what is sent back — the JSON or the XML,
 * errors included — is valid UTF-8, and XML starts with its declaration
 * and holds no control character XML 1.0 cannot carry. */
#include <jansson.h>

#include "fuzz_db.h"
#include "http/form.h"
#include "http/query.h"

static const char *const names[] = {"open311.requests.create", "open311.requests", "open311.updates",
                                    "open311.request",         "open311.token",    "open311.service",
                                    "open311.services",        "open311.discovery"};
#define NCALLS (int)(sizeof names / sizeof names[0])

static store *db;
static const tx_route *routes[NCALLS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_db_open(1);
    for (int k = 0; k < NCALLS; k++) {
        for (int i = 0; i < api_nroutes; i++)
            if (strcmp(api_routes[i].name, names[k]) == 0)
                routes[k] = &api_routes[i];
        assert(routes[k] != NULL && routes[k]->render_error == api_open311_render_error);
    }
    return 0;
}

static int run(store_conn *c, void *arg, tx_err *err)
{
    tx_call *call = arg;
    (void)err;
    if (call->route->run(call, c))
        return -1;
    assert(call->err.status == 0);
    if (call->then_write && call->then_write(call, c))
        return -1;
    assert(call->err.status == 0);
    return 0;
}

/* What would go on the wire. */
static void check_output(const tx_call *call)
{
    if (call->out_raw) {
        const char *x = call->out_raw;
        size_t n = call->out_raw_len;
        assert(n == strlen(x) && tx_utf8_valid(x, n));
        assert(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0);
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)x[i];
            assert(ch >= 0x20 || ch == '\t' || ch == '\n');
            assert(ch != 0x7f);
        }
        return;
    }
    assert(call->out != NULL);
    char *text = json_dumps(call->out, JSON_COMPACT | JSON_ENCODE_ANY);
    assert(text != NULL && tx_utf8_valid(text, strlen(text)));
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int which = data[0] & 7, json = data[0] & 8, en = data[0] & 16, key = data[0] & 32;
    data++, size--;
    size_t plen, qlen, blen;
    const uint8_t *param = fuzz_piece(&data, &size, '\n', &plen);
    const uint8_t *query = fuzz_piece(&data, &size, '\n', &qlen);
    const uint8_t *body = data;
    blen = size;

    tx_call call;
    memset(&call, 0, sizeof call);
    call.route = routes[which];
    call.lang = en ? TX_LANG_EN : TX_LANG_ZH;
    call.now_ms = 1772416800000; /* 2026-03-02T10:00:00+08:00 */
    snprintf(call.method, sizeof call.method, "%s", call.route->method);
    snprintf(call.client_ip, sizeof call.client_ip, "192.0.2.1");
    snprintf(call.host, sizeof call.host, "127.0.0.1:8080");
    /* A path parameter as the router gives it: one decoded segment. */
    if (plen == 0) {
        snprintf(call.params[0], sizeof call.params[0], "%s", json ? "json" : "xml");
    } else if (plen >= sizeof call.params[0] || memchr(param, '/', plen) ||
               http_pct_decode((const char *)param, plen, call.params[0], 0) <= 0) {
        return 0;
    }
    call.nparams = 1;
    char *qn[CALL_MAX_QUERY], *qv[CALL_MAX_QUERY];
    int nq = http_query_parse((const char *)query, qlen, qn, qv, CALL_MAX_QUERY, &call.query_buf);
    if (nq < 0)
        return 0;
    for (int i = 0; i < nq; i++) {
        call.query[i].name = qn[i];
        call.query[i].value = qv[i];
    }
    call.nquery = nq;
    tx_err err;
    if (call.route->body == BODY_FORM && http_form_to_json((const char *)body, blen, &call.body, &err)) {
        free(call.query_buf);
        return 0;
    }
    if (key) {
        call.cred = CRED_API_KEY;
        call.who.role = TX_ROLE_API_CLIENT;
        call.who.apikey_id = 1;
        snprintf(call.who.login, sizeof call.who.login, "12345-platform");
    }

    int rc = fuzz_db_run(db, run, &call, &err);
    if (rc) {
        fuzz_check_err(&call.err);
        assert(call.err.status < 500);
        call.route->render_error(&call);
        assert(call.err.status >= 400 && call.err.status < 500);
    } else {
        assert(call.status == 200);
    }
    check_output(&call);
    json_decref(call.body);
    json_decref(call.out);
    free(call.out_raw);
    free(call.query_buf);
    if (call.carry_free)
        call.carry_free(call.carry);
    return 0;
}
