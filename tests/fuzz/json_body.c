/* Fuzz target "json_body": JSON request bodies, parsed as the server parses
 * them (json_loadb with JSON_REJECT_DUPLICATES, an object required), then
 * checked by our code:
 *  - POST /api/v1/cases, whole: api_cases_create (src/api/cases.c: the
 *    call_body_* field checks of src/http/call.c, the location, channel,
 *    submitted_at and attribute rules, placing by the locator, routing,
 *    deadlines, duplicates nearby) and, when it accepts, its writer half
 *    api_cases_store, on the demo street (tests/fuzz/fuzz_db.h), as a
 *    street admin, in a transaction rolled back after each input;
 *  - a case category and a routing rule (io_check_category for create and
 *    update, io_parse_rule: src/io/catalogue.c);
 *  - each of the three lists' items and a plan (io_list_check, create and
 *    update) and a milestone and an outcome (src/io/lists.c).
 *
 * Input: the body.
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch: every refusal is
 * a 4xx error with a code and messages in both languages that are valid
 * UTF-8 (they echo the field names sent); an accepted report is stored and
 * answered 201 with its id and tracking token; no input makes a 5xx. */
#include <jansson.h>

#include "api/cases.h"
#include "fuzz_db.h"
#include "io/lists.h"

static store *db;
static const tx_route *create_route;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_db_open(1);
    for (int i = 0; i < api_nroutes; i++)
        if (strcmp(api_routes[i].name, "cases.create") == 0)
            create_route = &api_routes[i];
    assert(create_route != NULL);
    return 0;
}

static void check_refusal(int rc, const tx_err *err)
{
    if (rc == 0)
        return;
    fuzz_check_err(err);
    assert(err->status < 500);
}

static int intake(store_conn *c, void *arg, tx_err *err)
{
    tx_call *call = arg;
    (void)err;
    if (api_cases_create(call, c))
        return -1;
    assert(call->err.status == 0 && call->then_write == api_cases_store);
    if (call->then_write(call, c))
        return -1;
    assert(call->status == 201 && json_integer_value(json_object_get(call->out, "id")) > 0);
    assert(json_string_length(json_object_get(call->out, "token")) > 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (body == NULL)
        return 0;
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    tx_err err;

    tx_call call;
    memset(&call, 0, sizeof call);
    call.route = create_route;
    call.lang = size % 2 ? TX_LANG_EN : TX_LANG_ZH;
    call.now_ms = 1772416800000; /* 2026-03-02T10:00:00+08:00, a Monday */
    snprintf(call.method, sizeof call.method, "POST");
    snprintf(call.client_ip, sizeof call.client_ip, "192.0.2.1");
    call.body = json_incref(body);
    call.who.role = TX_ROLE_STREET_ADMIN;
    call.who.user_id = 1;
    snprintf(call.who.login, sizeof call.who.login, "admin");
    int rc = fuzz_db_run(db, intake, &call, &err);
    assert(rc == 0 || call.err.status != 0);
    check_refusal(rc, &call.err);
    json_decref(call.body);
    json_decref(call.out);
    free(call.out_raw);
    if (call.carry_free)
        call.carry_free(call.carry);

    for (int create = 0; create < 2; create++) {
        tx_err_clear(&err);
        check_refusal(io_check_category(body, create, "", &err), &err);
        for (store_list_kind k = STORE_LIST_NEED; k <= STORE_LIST_PLAN; k++) {
            json_t *norm = NULL;
            tx_err_clear(&err);
            rc = io_list_check(k, body, create, 0, "", &norm, &err);
            check_refusal(rc, &err);
            assert(rc != 0 || json_is_object(norm));
            json_decref(norm);
        }
        tx_err_clear(&err);
        check_refusal(io_milestone_check(body, create, "", &err), &err);
    }
    store_rule_in rule;
    tx_err_clear(&err);
    check_refusal(io_parse_rule(body, "", &rule, &err), &err);
    tx_err_clear(&err);
    check_refusal(io_outcome_check(body, "", &err), &err);
    json_decref(body);
    return 0;
}
