/* sqlite/open311: cases and public events as the Open311 layer reads them
 * (see store/open311.h). The list walks the cases_submitted index in
 * submission order and stops at the page's end; a list by id is one
 * primary-key lookup per id. Names of handlers, the compound's code and the
 * latest public note come from correlated lookups on their own indexes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/open311.h"
#include "store/sqlite/db.h"

/* The name (column col) of a handler: an organisation for a property
 * company or a department, the case's own area for the three offices. */
#define HANDLER_NAME(kind, id, col)                                                                                   \
    "CASE WHEN " kind " IN ('property_company', 'department') THEN (SELECT " col                                     \
    " FROM organisation WHERE id = " id ") WHEN " kind " IN ('grid_worker', 'community_office', 'street_office') "   \
    "THEN (SELECT " col " FROM area WHERE id = " id ") END"

#define REQUEST_COLS                                                                                                   \
    "c.id, c.state, k.code, k.name, k.name_en, c.description, c.handler, "                                          \
    HANDLER_NAME("c.handler", "c.handler_id", "name") ", "                                                         \
    HANDLER_NAME("c.handler", "c.handler_id", "name_en") ", c.route_handler, "                                     \
    HANDLER_NAME("c.route_handler", "c.route_handler_id", "name") ", "                                             \
    HANDLER_NAME("c.route_handler", "c.route_handler_id", "name_en") ", c.route_reason, c.route_reason_en, "       \
    "(SELECT e.text FROM case_event e WHERE e.case_id = c.id AND e.public AND e.action <> 'report' AND "            \
    "coalesce(e.text, '') <> '' ORDER BY e.id DESC LIMIT 1), c.submitted_at, c.updated_at, c.closed_at, c.due_resolve, c.address, "           \
    "(SELECT code FROM area WHERE id = c.compound_id), c.lat, c.lon, c.attributes"

#define REQUEST_FROM " FROM cases c JOIN category k ON k.id = c.category_id WHERE c.state <> 'invalid' AND "

/* The media_url kept among a case's attributes (JSON object text), or
 * null. */
static json_t *media_url_of(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return json_null();
    json_t *a = json_loads((const char *)sqlite3_column_text(st, col), 0, NULL);
    json_t *u = json_object_get(a, "media_url");
    json_t *out = json_is_string(u) ? json_incref(u) : json_null();
    json_decref(a);
    return out;
}

static json_t *real_or_null(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? json_null() : json_real(sqlite3_column_double(st, col));
}

static json_t *request_row(sqlite3_stmt *st)
{
    static const char *const names[] = {
        "id",          "state",           "category_code",  "category_name",        "category_name_en",
        "description", "handler",         "handler_name",   "handler_name_en",      "route_handler",
        "route_handler_name", "route_handler_name_en", "route_reason", "route_reason_en", "notes",
        "submitted_at", "updated_at",     "closed_at",      "due_resolve",          "address",
        "address_id",
    };
    json_t *o = json_object();
    for (int i = 0; i < (int)(sizeof names / sizeof *names); i++) {
        int t = sqlite3_column_type(st, i);
        json_object_set_new(o, names[i], t == SQLITE_INTEGER ? db_col_json_int(st, i) : db_col_json_text(st, i));
    }
    json_object_set_new(o, "lat", real_or_null(st, 21));
    json_object_set_new(o, "long", real_or_null(st, 22));
    json_object_set_new(o, "media_url", media_url_of(st, 23));
    return o;
}

static int by_ids(store_conn *c, const store_open311_filter *f, json_t *a, tx_err *err)
{
    static const char sql[] = "SELECT " REQUEST_COLS REQUEST_FROM "c.id = ?1";
    for (int i = 0; i < f->n_ids && i < STORE_OPEN311_MAX_IDS; i++) {
        sqlite3_stmt *st = db_stmt(c, sql, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, f->ids[i]);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            json_array_append_new(a, request_row(st));
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return db_fail(c, "open311 request", err);
    }
    return 0;
}

int store_open311_requests(store_conn *c, const store_open311_filter *f, json_t **out, tx_err *err)
{
    json_t *a = json_array();
    if (f->n_ids > 0) {
        if (by_ids(c, f, a, err)) {
            json_decref(a);
            return -1;
        }
        *out = a;
        return 0;
    }
    static const char sql[] =
        "SELECT " REQUEST_COLS REQUEST_FROM
        "c.submitted_at >= ?1 AND c.submitted_at <= ?2 AND (?3 = '' OR instr(?3, ',' || c.category_id || ',') > 0) "
        "AND (?4 = 0 OR (?4 = 1 AND c.open > 0) OR (?4 = 2 AND c.open = 0)) "
        "ORDER BY c.submitted_at DESC, c.id DESC LIMIT ?5 OFFSET ?6";
    /* The categories as ",3,7,": one bound text whatever their number. */
    size_t cap = (size_t)(f->n_categories > 0 ? f->n_categories : 0) * 21 + 2;
    char *cats = malloc(cap);
    if (cats == NULL) {
        json_decref(a);
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    size_t n = 0;
    cats[0] = '\0';
    for (int i = 0; i < f->n_categories; i++)
        n += (size_t)snprintf(cats + n, cap - n, "%s%lld,", n ? "" : ",", (long long)f->category_ids[i]);
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st) {
        free(cats);
        json_decref(a);
        return -1;
    }
    sqlite3_bind_int64(st, 1, f->from);
    sqlite3_bind_int64(st, 2, f->to);
    sqlite3_bind_text(st, 3, cats, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, f->status);
    sqlite3_bind_int(st, 5, f->limit);
    sqlite3_bind_int(st, 6, f->offset);
    free(cats);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(a, request_row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return db_fail(c, "open311 requests", err);
    }
    *out = a;
    return 0;
}

int store_open311_updates(store_conn *c, int64_t from, int64_t to, int limit, int offset, json_t **out, tx_err *err)
{
    /* No index on case_event(at): this reads the events table through.
     * Clients poll a short recent window; an index would make it cheap. */
    static const char sql[] =
        "SELECT e.id, e.case_id, e.at, e.action, e.from_state, e.to_state, e.text, "
        "CASE WHEN e.action = 'report' THEN c.attributes END "
        "FROM case_event e JOIN cases c ON c.id = e.case_id "
        "WHERE e.public AND e.at >= ?1 AND e.at <= ?2 AND c.state <> 'invalid' "
        "ORDER BY e.at, e.id LIMIT ?3 OFFSET ?4";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite3_bind_int(st, 3, limit);
    sqlite3_bind_int(st, 4, offset);
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            a, json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                         "case_id", (json_int_t)sqlite3_column_int64(st, 1), "at",
                         (json_int_t)sqlite3_column_int64(st, 2), "action", db_col_json_text(st, 3), "from_state",
                         db_col_json_text(st, 4), "to_state", db_col_json_text(st, 5), "text",
                         db_col_json_text(st, 6), "media_url", media_url_of(st, 7)));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return db_fail(c, "open311 updates", err);
    }
    *out = a;
    return 0;
}

int store_open311_set_media_url(store_conn *c, int64_t id, const char *url, tx_err *err)
{
    sqlite3_stmt *st = db_row_by_id(c, "SELECT attributes FROM cases WHERE id = ?1", id, "case", err);
    if (!st)
        return -1;
    json_t *a = sqlite3_column_type(st, 0) == SQLITE_NULL
                    ? NULL
                    : json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
    sqlite3_reset(st);
    if (!json_is_object(a)) {
        json_decref(a);
        a = json_object();
    }
    json_object_set_new(a, "media_url", json_string(url));
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    if (text == NULL)
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    st = db_stmt(c, "UPDATE cases SET attributes = ?2 WHERE id = ?1", err);
    if (!st) {
        free(text);
        return -1;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    free(text);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : db_fail(c, "open311 media_url", err);
}
