/* sqlite/case: residents' cases and their events. A case row is the current
 * snapshot; case_event is the append-only record it is derived from. Every
 * change here also moves the case's counters (case_stats) and queues its
 * webhook deliveries, in the same transaction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "store/sqlite/case_stats.h"
#include "store/sqlite/db.h"
#include "store/sqlite/refs.h"
#include "store/webhook.h"

/* Open values of cases.open (see the migration). */
enum { OPEN_DONE = 0, OPEN_HANDLING = 1, OPEN_RATING = 2 };

static int open_value(tx_case_state s)
{
    switch (s) {
    case TX_CASE_RESOLVED: return OPEN_RATING;
    case TX_CASE_CLOSED:
    case TX_CASE_MERGED:
    case TX_CASE_INVALID: return OPEN_DONE;
    default: return OPEN_HANDLING;
    }
}

/* What a webhook hears of a step: the case, the step and the state after
 * it; the text only when it is public. Never the reporter's details. */
static int webhook_event(store_conn *c, const char *type, int64_t case_id, int64_t event_id, int64_t at,
                         const char *from, const char *to, const char *tier, const char *handler, int64_t handler_id,
                         int public_event, const char *text, tx_err *err)
{
    char when[TX_TIME_STRLEN];
    json_t *payload = json_pack("{s:I, s:s, s:s, s:s*, s:s, s:s, s:s, s:b, s:s*}", "case_id", (json_int_t)case_id,
                                "action", type, "at", tx_time_format(at, 480, when), "from_state", from, "to_state", to,
                                "tier", tier, "handler", handler, "public", public_event, "text",
                                public_event ? text : NULL);
    if (handler_id)
        json_object_set_new(payload, "handler_id", json_integer(handler_id));
    int rc = store_webhook_enqueue(c, type, event_id, payload, err);
    json_decref(payload);
    return rc;
}

static int insert_event(store_conn *c, int64_t case_id, int64_t at, const char *actor, const char *actor_role,
                        const char *action, const char *from, const char *to, const char *tier, const char *handler,
                        int64_t handler_id, int public_event, const char *text, const json_t *data, int64_t *id_out,
                        tx_err *err)
{
    static const char sql[] = "INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, "
                              "tier, handler, handler_id, public, text, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                              "?9, ?10, ?11, ?12, ?13)";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    char *data_text = data && json_object_size(data) ? json_dumps(data, JSON_COMPACT) : NULL;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, at);
    db_bind_text(st, 3, actor);
    db_bind_text(st, 4, actor_role);
    db_bind_text(st, 5, action);
    db_bind_text(st, 6, from);
    db_bind_text(st, 7, to);
    db_bind_text(st, 8, tier);
    db_bind_text(st, 9, handler);
    db_bind_int_or_null(st, 10, handler_id, handler_id == 0);
    sqlite3_bind_int(st, 11, public_event);
    db_bind_text(st, 12, text);
    db_bind_text(st, 13, data_text);
    int rc = sqlite3_step(st);
    free(data_text);
    if (rc != SQLITE_DONE)
        return db_fail(c, "case event", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int store_case_create(store_conn *c, const store_case_in *in, int64_t *id_out, int64_t *event_id_out, tx_err *err)
{
    static const char sql[] =
        "INSERT INTO cases (token_hash, category_id, description, attributes, lat, lon, address, channel, external_id, "
        "reporter_name, reporter_phone, reporter_email, contact_ok, reporter_user_id, api_key_id, street_id, "
        "community_id, grid_id, compound_id, inside_red_line, route_rule_id, route_handler, route_handler_id, "
        "route_reason, route_reason_en, state, tier, submitted_at, due_accept, due_contact, due_resolve, due_work, "
        "due_at, updated_at, event_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, 'submitted', ?26, ?27, ?28, ?29, ?30, ?30, ?28, ?27, 1)";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    const tx_route_decision *r = in->route;
    db_bind_text(st, 1, in->token_hash);
    sqlite3_bind_int64(st, 2, in->category_id);
    db_bind_text(st, 3, in->description);
    db_bind_text(st, 4, in->attributes);
    if (in->has_point) {
        sqlite3_bind_double(st, 5, in->lat);
        sqlite3_bind_double(st, 6, in->lon);
    } else {
        sqlite3_bind_null(st, 5);
        sqlite3_bind_null(st, 6);
    }
    db_bind_text(st, 7, in->address);
    db_bind_text(st, 8, in->channel);
    db_bind_text(st, 9, in->external_id);
    db_bind_text(st, 10, in->reporter_name);
    db_bind_text(st, 11, in->reporter_phone);
    db_bind_text(st, 12, in->reporter_email);
    sqlite3_bind_int(st, 13, in->contact_ok);
    db_bind_int_or_null(st, 14, in->reporter_user_id, in->reporter_user_id == 0);
    db_bind_int_or_null(st, 15, in->api_key_id, in->api_key_id == 0);
    db_bind_int_or_null(st, 16, in->street_id, in->street_id == 0);
    db_bind_int_or_null(st, 17, in->community_id, in->community_id == 0);
    db_bind_int_or_null(st, 18, in->grid_id, in->grid_id == 0);
    db_bind_int_or_null(st, 19, in->compound_id, in->compound_id == 0);
    sqlite3_bind_int(st, 20, in->inside_red_line);
    db_bind_int_or_null(st, 21, r->rule ? r->rule->id : 0, r->rule == NULL);
    db_bind_text(st, 22, tx_case_handler_code(r->handler));
    db_bind_int_or_null(st, 23, r->handler_id, r->handler_id == 0);
    db_bind_text(st, 24, r->reason[0]);
    db_bind_text(st, 25, r->reason[1]);
    db_bind_text(st, 26, tx_tier_code(r->tier));
    sqlite3_bind_int64(st, 27, in->submitted_at);
    sqlite3_bind_int64(st, 28, in->due_accept);
    sqlite3_bind_int64(st, 29, in->due_contact);
    sqlite3_bind_int64(st, 30, in->due_resolve);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT && in->external_id)
        return tx_err_named(err, 409, "duplicate", "external_id", M_DUPLICATE, "case", in->external_id);
    if (rc != SQLITE_DONE)
        return db_fail(c, "case", err);
    int64_t id = sqlite3_last_insert_rowid(c->db);
    /* The report event carries what the counters are keyed by, so they can
     * be re-derived from the events alone. */
    json_t *data = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "category_id",
                             (json_int_t)in->category_id, "channel", in->channel, "street_id",
                             (json_int_t)in->street_id, "community_id", (json_int_t)in->community_id, "grid_id",
                             (json_int_t)in->grid_id, "compound_id", (json_int_t)in->compound_id, "due_accept",
                             (json_int_t)in->due_accept, "due_contact", (json_int_t)in->due_contact, "due_resolve",
                             (json_int_t)in->due_resolve);
    int64_t ev;
    rc = insert_event(c, id, in->submitted_at, in->actor, in->actor_role, "report", NULL, "submitted",
                      tx_tier_code(r->tier), "none", 0, 1, r->reason[0], data, &ev, err);
    json_decref(data);
    if (rc || db_case_stats_apply(c, id, err) ||
        webhook_event(c, "report", id, ev, in->submitted_at, NULL, "submitted", tx_tier_code(r->tier), "none", 0, 1,
                      NULL, err))
        return -1;
    *id_out = id;
    if (event_id_out)
        *event_id_out = ev;
    return 0;
}

#define STATE_COLS                                                                                                     \
    "id, state, tier, handler, handler_id, grid_id, community_id, street_id, reporter_user_id, contacted_at, "      \
    "department_id, referral_due, resolved_at, closed_at, merged_into, category_id, token_hash, submitted_at, "     \
    "due_accept, due_contact, due_resolve, due_at, accepted_at, compound_id, route_handler, route_handler_id, "     \
    "left_community, due_work"

int store_case_load(store_conn *c, int64_t id, store_case_state *o, tx_err *err)
{
    sqlite3_stmt *st = db_row_by_id(c, "SELECT " STATE_COLS " FROM cases WHERE id = ?1", id, "case", err);
    if (!st)
        return -1;
    memset(o, 0, sizeof *o);
    tx_case *s = &o->snap;
    s->id = sqlite3_column_int64(st, 0);
    if (tx_case_state_parse((const char *)sqlite3_column_text(st, 1), &s->state) ||
        tx_tier_parse((const char *)sqlite3_column_text(st, 2), &s->tier) ||
        tx_case_handler_parse((const char *)sqlite3_column_text(st, 3), &s->handler)) {
        sqlite3_reset(st);
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    s->handler_id = sqlite3_column_int64(st, 4);
    s->grid_id = sqlite3_column_int64(st, 5);
    s->community_id = sqlite3_column_int64(st, 6);
    s->street_id = sqlite3_column_int64(st, 7);
    s->reporter_id = sqlite3_column_int64(st, 8);
    s->contacted_at = sqlite3_column_int64(st, 9);
    s->department_id = sqlite3_column_int64(st, 10);
    s->referral_due = sqlite3_column_int64(st, 11);
    s->resolved_at = sqlite3_column_int64(st, 12);
    s->closed_at = sqlite3_column_int64(st, 13);
    s->merged_into = sqlite3_column_int64(st, 14);
    o->category_id = sqlite3_column_int64(st, 15);
    snprintf(o->token_hash, sizeof o->token_hash, "%s", (const char *)sqlite3_column_text(st, 16));
    o->submitted_at = sqlite3_column_int64(st, 17);
    o->due_accept = sqlite3_column_int64(st, 18);
    o->due_contact = sqlite3_column_int64(st, 19);
    o->due_resolve = sqlite3_column_int64(st, 20);
    o->due_at = sqlite3_column_int64(st, 21);
    o->accepted_at = sqlite3_column_int64(st, 22);
    o->compound_id = sqlite3_column_int64(st, 23);
    snprintf(o->route_handler, sizeof o->route_handler, "%s", (const char *)sqlite3_column_text(st, 24));
    o->route_handler_id = sqlite3_column_int64(st, 25);
    o->left_community = sqlite3_column_int(st, 26);
    o->due_work = sqlite3_column_int64(st, 27);
    sqlite3_reset(st);
    return 0;
}

int store_case_by_token(store_conn *c, const char *token_hash, int64_t *id, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, "SELECT id FROM cases WHERE token_hash = ?1", err);
    if (!st)
        return -1;
    db_bind_text(st, 1, token_hash);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(c, "case token", err);
}

/* The deadline that governs a case after a step (see the migration). */
static int64_t governing_due(const store_case_state *b, const tx_case *n, int64_t now, const store_step_in *s)
{
    if (s->due_at)
        return s->due_at;
    switch (n->state) {
    case TX_CASE_SUBMITTED: return b->due_at;
    case TX_CASE_RESOLVED: return n->resolved_at + TX_CASE_DEFAULT_RATING_PERIOD_MS;
    case TX_CASE_CLOSED:
    case TX_CASE_MERGED:
    case TX_CASE_INVALID: return now;
    default:
        if (n->referral_due)
            return n->referral_due;
        return s->due_work ? s->due_work : b->due_work;
    }
}

int store_case_step(store_conn *c, const store_case_state *b, const tx_case_outcome *out, const store_step_in *s,
                    int64_t *event_id_out, tx_err *err)
{
    const tx_case *n = &out->next;
    if (db_case_stats_retract(c, b->snap.id, err))
        return -1;
    int resolving = n->state == TX_CASE_RESOLVED && b->snap.state != TX_CASE_RESOLVED;
    int left = b->left_community || n->tier == TX_TIER_STREET || n->handler == TX_HANDLER_DEPARTMENT;
    int escalated = strcmp(s->action, "escalate") == 0;
    int reopened = n->state == TX_CASE_REOPENED && b->snap.state != TX_CASE_REOPENED;
    int rated = s->solved != NULL;
    int64_t due_at = governing_due(b, n, s->at, s);
    int moved = due_at != b->due_at;
    static const char sql[] =
        "UPDATE cases SET state = ?2, tier = ?3, handler = ?4, handler_id = ?5, department_id = ?6, referral_due = ?7, "
        "open = ?8, accepted_at = coalesce(accepted_at, ?9), contacted_at = ?10, resolved_at = ?11, "
        "resolved_tier = CASE WHEN ?12 THEN ?3 ELSE resolved_tier END, left_community = ?13, closed_at = ?14, "
        "merged_into = ?15, reopened_count = reopened_count + ?16, escalated_count = escalated_count + ?17, "
        "due_at = ?18, reminded_at = CASE WHEN ?19 THEN NULL WHEN ?20 THEN ?21 ELSE reminded_at END, "
        "solved = CASE WHEN ?22 THEN ?23 ELSE solved END, satisfaction = CASE WHEN ?22 THEN ?24 ELSE satisfaction END, "
        "rating_comment = CASE WHEN ?22 THEN ?25 ELSE rating_comment END, rated_at = CASE WHEN ?22 THEN ?21 ELSE "
        "rated_at END, updated_at = ?21, event_count = event_count + 1, due_work = CASE WHEN ?26 > 0 THEN ?26 ELSE "
        "due_work END WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, b->snap.id);
    db_bind_text(st, 2, tx_case_state_code(n->state));
    db_bind_text(st, 3, tx_tier_code(n->tier));
    db_bind_text(st, 4, tx_case_handler_code(n->handler));
    db_bind_int_or_null(st, 5, n->handler_id, n->handler_id == 0);
    db_bind_int_or_null(st, 6, n->department_id, n->department_id == 0);
    db_bind_int_or_null(st, 7, n->referral_due, n->referral_due == 0);
    sqlite3_bind_int(st, 8, open_value(n->state));
    db_bind_int_or_null(st, 9, s->at, !(out->clocks_stopped & TX_CLOCK_ACCEPT) || n->state == TX_CASE_MERGED ||
                                          n->state == TX_CASE_INVALID);
    db_bind_int_or_null(st, 10, n->contacted_at, n->contacted_at == 0);
    db_bind_int_or_null(st, 11, n->resolved_at, n->resolved_at == 0);
    sqlite3_bind_int(st, 12, resolving);
    sqlite3_bind_int(st, 13, left);
    db_bind_int_or_null(st, 14, n->closed_at, n->closed_at == 0);
    db_bind_int_or_null(st, 15, n->merged_into, n->merged_into == 0);
    sqlite3_bind_int(st, 16, reopened);
    sqlite3_bind_int(st, 17, escalated);
    sqlite3_bind_int64(st, 18, due_at);
    sqlite3_bind_int(st, 19, moved);
    sqlite3_bind_int(st, 20, strcmp(s->action, "remind") == 0);
    sqlite3_bind_int64(st, 21, s->at);
    sqlite3_bind_int(st, 22, rated);
    db_bind_text(st, 23, s->solved);
    db_bind_text(st, 24, s->satisfaction);
    db_bind_text(st, 25, s->comment);
    sqlite3_bind_int64(st, 26, s->due_work);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "case step", err);
    int64_t ev;
    if (insert_event(c, b->snap.id, s->at, s->actor, s->actor_role, s->action, tx_case_state_code(b->snap.state),
                     tx_case_state_code(n->state), tx_tier_code(n->tier), tx_case_handler_code(n->handler),
                     n->handler_id, s->public_event, s->text, s->data, &ev, err) ||
        db_case_stats_apply(c, b->snap.id, err) ||
        webhook_event(c, s->action, b->snap.id, ev, s->at, tx_case_state_code(b->snap.state),
                      tx_case_state_code(n->state), tx_tier_code(n->tier), tx_case_handler_code(n->handler),
                      n->handler_id, s->public_event, s->text, err))
        return -1;
    if (event_id_out)
        *event_id_out = ev;
    return 0;
}

/* ---- reading ---- */

/* Times are shown as ISO 8601 in the deployment's time zone (+08:00). */
static json_t *iso(int64_t ms)
{
    char t[TX_TIME_STRLEN];
    return json_string(tx_time_format(ms, 480, t));
}

static json_t *time_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : iso(sqlite3_column_int64(st, i));
}

static int timeline(store_conn *c, int64_t id, int with_internal, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT id, at, actor, actor_role, action, from_state, to_state, tier, handler, "
                              "handler_id, public, text, data FROM case_event WHERE case_id = ?1 AND (public OR ?2) "
                              "ORDER BY id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, with_internal);
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *action = (const char *)sqlite3_column_text(st, 4);
        tx_case_action act;
        const char *name_zh = "提交诉求", *name_en = "reported";
        if (tx_case_action_parse(action, &act) == 0) {
            name_zh = tx_case_action_name(act, 0);
            name_en = tx_case_action_name(act, 1);
        } else if (strcmp(action, "remind") == 0) {
            name_zh = "催办";
            name_en = "reminder";
        }
        /* Staff see who acted; the public sees the role only. */
        const char *role = (const char *)sqlite3_column_text(st, 3);
        json_t *e = json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:o, s:s}", "id",
                              (json_int_t)sqlite3_column_int64(st, 0), "at", iso(sqlite3_column_int64(st, 1)),
                              "action", action, "action_name", name_zh, "action_name_en", name_en, "from_state",
                              db_col_json_text(st, 5), "to_state", db_col_json_text(st, 6), "tier",
                              db_col_json_text(st, 7), "handler", db_col_json_text(st, 8), "public",
                              sqlite3_column_int(st, 10), "text", db_col_json_text(st, 11), "actor_role", role);
        if (with_internal) {
            json_object_set_new(e, "actor", db_col_json_text(st, 2));
            json_object_set_new(e, "handler_id", db_col_json_int(st, 9));
            if (sqlite3_column_type(st, 12) != SQLITE_NULL)
                json_object_set_new(e, "data", json_loads((const char *)sqlite3_column_text(st, 12), 0, NULL));
        }
        json_array_append_new(a, e);
    }
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return db_fail(c, "case events", err);
    }
    *out = a;
    return 0;
}

static int photos(store_conn *c, int64_t id, json_t **out, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, "SELECT hash, mime, bytes, event_id FROM case_photo WHERE case_id = ?1 ORDER BY id",
                               err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(a, json_pack("{s:o, s:o, s:I, s:o}", "hash", db_col_json_text(st, 0), "mime",
                                           db_col_json_text(st, 1), "bytes", (json_int_t)sqlite3_column_int64(st, 2),
                                           "event_id", db_col_json_int(st, 3)));
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return db_fail(c, "case photos", err);
    }
    *out = a;
    return 0;
}

#define CASE_COLS                                                                                                      \
    "c.id, k.code, k.name, k.name_en, c.description, c.attributes, c.lat, c.lon, c.address, c.channel, "            \
    "c.external_id, c.reporter_name, c.reporter_phone, c.reporter_email, c.contact_ok, c.street_id, "               \
    "c.community_id, c.grid_id, c.compound_id, c.inside_red_line, c.route_handler, c.route_handler_id, "            \
    "c.route_reason, c.route_reason_en, c.state, c.tier, c.handler, c.handler_id, c.department_id, "                \
    "c.referral_due, c.submitted_at, c.accepted_at, c.contacted_at, c.resolved_at, c.resolved_tier, c.closed_at, "  \
    "c.merged_into, c.due_accept, c.due_contact, c.due_resolve, c.due_at, c.solved, c.satisfaction, "               \
    "c.rating_comment, c.rated_at, c.updated_at, c.open, c.reopened_count, c.escalated_count, c.route_rule_id"

static json_t *case_json(store_conn *c, sqlite3_stmt *st, int with_personal, int with_internal, int full)
{
    tx_case_state state = TX_CASE_SUBMITTED;
    tx_case_state_parse((const char *)sqlite3_column_text(st, 24), &state);
    json_t *o = json_pack(
        "{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)sqlite3_column_int64(st, 0), "service_code", db_col_json_text(st, 1), "service_name",
        db_col_json_text(st, 2), "service_name_en", db_col_json_text(st, 3), "description", db_col_json_text(st, 4),
        "lat", sqlite3_column_type(st, 6) == SQLITE_NULL ? json_null() : json_real(sqlite3_column_double(st, 6)),
        "long", sqlite3_column_type(st, 7) == SQLITE_NULL ? json_null() : json_real(sqlite3_column_double(st, 7)),
        "address", db_col_json_text(st, 8), "channel", db_col_json_text(st, 9), "state",
        tx_case_state_code(state), "state_name", tx_case_state_name(state, 0), "state_name_en",
        json_string(tx_case_state_name(state, 1)), "tier", db_col_json_text(st, 25), "submitted_at",
        time_or_null(st, 30), "updated_at", time_or_null(st, 45), "due_at", time_or_null(st, 40));
    json_object_set_new(o, "open", json_boolean(sqlite3_column_int(st, 46) != 0));
    json_object_set_new(o, "handler",
                        db_ref_handler(c, (const char *)sqlite3_column_text(st, 26), sqlite3_column_int64(st, 27)));
    json_object_set_new(o, "community", db_ref_area(c, sqlite3_column_int64(st, 16)));
    json_object_set_new(o, "grid", db_ref_area(c, sqlite3_column_int64(st, 17)));
    if (sqlite3_column_int64(st, 36))
        json_object_set_new(o, "merged_into", json_integer(sqlite3_column_int64(st, 36)));
    if (!full)
        return o;
    json_object_set_new(o, "attributes", sqlite3_column_type(st, 5) == SQLITE_NULL
                                             ? json_object()
                                             : json_loads((const char *)sqlite3_column_text(st, 5), 0, NULL));
    json_object_set_new(o, "street", db_ref_area(c, sqlite3_column_int64(st, 15)));
    json_object_set_new(o, "compound", db_ref_area(c, sqlite3_column_int64(st, 18)));
    json_object_set_new(o, "inside_red_line", json_boolean(sqlite3_column_int(st, 19)));
    json_object_set_new(o, "routing",
                        json_pack("{s:o, s:o, s:o, s:o, s:o}", "handler",
                                  db_ref_handler(c, (const char *)sqlite3_column_text(st, 20),
                                               sqlite3_column_int64(st, 21)),
                                  "reason", db_col_json_text(st, 22), "reason_en", db_col_json_text(st, 23), "rule_id",
                                  db_col_json_int(st, 49), "owner", db_ref_area(c, sqlite3_column_int64(st, 16))));
    json_object_set_new(o, "department", db_ref_org(c, sqlite3_column_int64(st, 28)));
    json_object_set_new(o, "deadlines", json_pack("{s:o, s:o, s:o, s:o}", "accept", time_or_null(st, 37), "contact",
                                                  time_or_null(st, 38), "resolve", time_or_null(st, 39), "referral",
                                                  time_or_null(st, 29)));
    json_object_set_new(o, "times", json_pack("{s:o, s:o, s:o, s:o}", "accepted_at", time_or_null(st, 31),
                                              "contacted_at", time_or_null(st, 32), "resolved_at",
                                              time_or_null(st, 33), "closed_at", time_or_null(st, 35)));
    json_object_set_new(o, "resolved_tier", db_col_json_text(st, 34));
    json_object_set_new(o, "rating",
                        sqlite3_column_type(st, 41) == SQLITE_NULL
                            ? json_null()
                            : json_pack("{s:o, s:o, s:o, s:o}", "solved", db_col_json_text(st, 41), "satisfaction",
                                        db_col_json_text(st, 42), "comment", db_col_json_text(st, 43), "rated_at",
                                        time_or_null(st, 44)));
    json_object_set_new(o, "reopened_count", json_integer(sqlite3_column_int(st, 47)));
    json_object_set_new(o, "escalated_count", json_integer(sqlite3_column_int(st, 48)));
    if (with_personal)
        json_object_set_new(o, "reporter",
                            json_pack("{s:o, s:o, s:o, s:b}", "name", db_col_json_text(st, 11), "phone",
                                      db_col_json_text(st, 12), "email", db_col_json_text(st, 13), "contact_ok",
                                      sqlite3_column_int(st, 14)));
    if (with_internal)
        json_object_set_new(o, "external_id", db_col_json_text(st, 10));
    return o;
}

int store_case_get(store_conn *c, int64_t id, int with_personal, int with_internal, json_t **out, tx_err *err)
{
    if (db_refs_check(c, err))
        return -1;
    sqlite3_stmt *st = db_row_by_id(
        c, "SELECT " CASE_COLS " FROM cases c JOIN category k ON k.id = c.category_id WHERE c.id = ?1", id, "case",
        err);
    if (!st)
        return -1;
    json_t *o = case_json(c, st, with_personal, with_internal, 1);
    sqlite3_reset(st);
    json_t *events = NULL, *ph = NULL;
    if (timeline(c, id, with_internal, &events, err)) {
        json_decref(o);
        return -1;
    }
    json_object_set_new(o, "timeline", events);
    if (photos(c, id, &ph, err)) {
        json_decref(o);
        return -1;
    }
    json_object_set_new(o, "photos", ph);
    *out = o;
    return 0;
}

/* Lists.
 *
 * Staff queues are sorted by the governing deadline, soonest first, cases
 * being handled and awaiting the rating before finished ones. Each of the
 * three values of `open` is its own stream: one statement per scope with
 * `open` a literal and the deadline bound a range, so that it walks the
 * queue index (area, open, due_at) in order and stops after the page (a
 * catch-all `?2 = 0 OR open = ?2` defeats the index and sorted the whole
 * area: 500 k rows per page for a community of bench/queries' 10 M cases).
 * A status over several values of `open` merges their streams here.
 *
 * The public list is the most recent first: the table walked backwards by
 * id, the area a filter on each row (the unary + keeps the planner off the
 * area's queue index, whose order is not by id: it would read the whole
 * area and sort it). A community is about a twentieth of a street, so a
 * page reads a few thousand rows at most.
 *
 * Counts stop at LIST_COUNT_CAP (the answer then says total_capped): an
 * exact count of a street's 200 k open cases read them all for a badge
 * nobody reads past "10000+"; the exact figures are the statistics'. The
 * public list stops at PUBLIC_COUNT_CAP: its count reads each row (spam and
 * duplicates are left out by state, which no index holds), and fifty pages
 * of recent cases are as far as anyone pages. */
#define LIST_COUNT_CAP 10000
#define PUBLIC_COUNT_CAP 1000
#define LIST_FILTERS                                                                                                   \
    " AND c.due_at < ?5 AND (?3 IS NULL OR c.state = ?3) AND (?4 = 0 OR c.category_id = ?4)"                          \
    " AND (?6 = 0 OR c.submitted_at >= ?6)"                                                                         \
    " AND (?7 IS NULL OR instr(c.description, ?7) > 0 OR instr(coalesce(c.address, ''), ?7) > 0)"                   \
    " AND (?8 = 0 OR c.state NOT IN ('merged', 'invalid'))"
#define LIST_FROM " FROM cases c JOIN category k ON k.id = c.category_id WHERE "
#define LIST_STREAMS(SCOPE)                                                                                            \
    {"SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open = 0" LIST_FILTERS " ORDER BY c.due_at, c.id LIMIT ?9",        \
     "SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open = 1" LIST_FILTERS " ORDER BY c.due_at, c.id LIMIT ?9",        \
     "SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open = 2" LIST_FILTERS " ORDER BY c.due_at, c.id LIMIT ?9"}
#define COUNT_OF(SCOPE, OPEN)                                                                                          \
    "SELECT count(*) FROM (SELECT 1 FROM cases c WHERE " SCOPE OPEN LIST_FILTERS " LIMIT ?12)"
/* by status: any, being handled (open = 1), awaiting the rating (open = 2), either (open > 0) */
#define LIST_COUNTS(SCOPE)                                                                                             \
    {COUNT_OF(SCOPE, ""), COUNT_OF(SCOPE, " AND c.open = 1"), COUNT_OF(SCOPE, " AND c.open = 2"),                   \
     COUNT_OF(SCOPE, " AND c.open > 0")}
#define PUBLIC_PAGE(SCOPE)                                                                                             \
    "SELECT " CASE_COLS LIST_FROM SCOPE                                                                                \
    " AND (?2 = 0 OR (?2 = 1 AND c.open = 1) OR (?2 = 2 AND c.open = 2) OR (?2 = 3 AND c.open > 0))" LIST_FILTERS \
    " ORDER BY c.id DESC LIMIT ?9 OFFSET ?10"

/* scopes: 0 everything, 1 street, 2 community, 3 grid, 4 handler, 5 department */
#define SCOPES(M)                                                                                                      \
    {M("?1 = ?1"), M("c.street_id = ?1"), M("c.community_id = ?1"), M("c.grid_id = ?1"),                              \
     M("c.handler = ?11 AND c.handler_id = ?1"), M("c.department_id = ?1")}
static const char *const stream_sql[][3] = SCOPES(LIST_STREAMS);
static const char *const count_sql[][4] = SCOPES(LIST_COUNTS);
static const char *const public_sql[] = {PUBLIC_PAGE("?1 = ?1"), PUBLIC_PAGE("+c.street_id = ?1"),
                                         PUBLIC_PAGE("+c.community_id = ?1"), PUBLIC_PAGE("+c.grid_id = ?1")};

static void list_bind(sqlite3_stmt *st, const store_case_filter *f, int64_t scope_id, int64_t page_rows)
{
    sqlite3_bind_int64(st, 1, scope_id);
    db_bind_text(st, 3, f->state);
    sqlite3_bind_int64(st, 4, f->category_id);
    int64_t due = f->overdue_at && f->due_before ? (f->overdue_at < f->due_before ? f->overdue_at : f->due_before)
                                                 : f->overdue_at + f->due_before;
    sqlite3_bind_int64(st, 5, due ? due : INT64_MAX);
    sqlite3_bind_int64(st, 6, f->since);
    db_bind_text(st, 7, f->q);
    sqlite3_bind_int(st, 8, f->public_view);
    /* parameters a statement does not have are ignored by SQLite */
    sqlite3_bind_int(st, 2, f->open_only);
    sqlite3_bind_int64(st, 9, page_rows);
    sqlite3_bind_int(st, 10, f->offset);
    db_bind_text(st, 11, tx_case_handler_code(f->handler));
    sqlite3_bind_int(st, 12, (f->public_view ? PUBLIC_COUNT_CAP : LIST_COUNT_CAP) + 1);
}

/* One open-value stream of a queue, positioned on its current row. */
typedef struct {
    sqlite3_stmt *st;
    int has; /* a row is current */
} list_stream;

static int stream_next(store_conn *c, list_stream *s, tx_err *err)
{
    int rc = sqlite3_step(s->st);
    s->has = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(c, "case list", err);
}

/* Of the open streams with a row, the one whose (due_at, id) is smallest; -1 when all are done. */
static int stream_min(const list_stream *s, int n)
{
    int best = -1;
    for (int i = 0; i < n; i++) {
        if (!s[i].has)
            continue;
        if (best < 0)
            best = i;
        else {
            int64_t d = sqlite3_column_int64(s[i].st, 40), bd = sqlite3_column_int64(s[best].st, 40);
            int64_t id = sqlite3_column_int64(s[i].st, 0), bid = sqlite3_column_int64(s[best].st, 0);
            if (d < bd || (d == bd && id < bid))
                best = i;
        }
    }
    return best;
}

/* A queue's page: the streams of the status (open ones merged by
 * deadline, then the finished ones), skipping offset rows. */
static int queue_page(store_conn *c, const store_case_filter *f, int which, int status, int64_t scope_id,
                      json_t *items, tx_err *err)
{
    static const int opens[4][3] = {{1, 2, 0}, {1, -1, -1}, {2, -1, -1}, {1, 2, -1}};
    int64_t rows = (int64_t)f->offset + f->limit, skip = f->offset;
    list_stream s[3] = {{0}};
    int n = 0, rc = 0;
    for (int k = 0; k < 3 && opens[status][k] >= 0; k++, n++) {
        s[n].st = db_stmt(c, stream_sql[which][opens[status][k]], err);
        if (!s[n].st)
            return -1;
        list_bind(s[n].st, f, scope_id, rows);
    }
    /* open streams first (merged), then the finished one */
    int nopen = status == 0 ? 2 : n;
    for (int i = 0; i < nopen && !rc; i++)
        rc = stream_next(c, &s[i], err);
    for (int phase = 0; phase < 2 && !rc && (int64_t)json_array_size(items) < f->limit; phase++) {
        int lo = phase == 0 ? 0 : nopen, hi = phase == 0 ? nopen : n;
        if (phase == 1 && lo < hi)
            rc = stream_next(c, &s[lo], err);
        int i;
        while (!rc && (int64_t)json_array_size(items) < f->limit && (i = lo + stream_min(s + lo, hi - lo)) >= lo) {
            if (skip > 0)
                skip--;
            else
                json_array_append_new(items, case_json(c, s[i].st, 0, 0, 0));
            rc = stream_next(c, &s[i], err);
        }
    }
    for (int i = 0; i < n; i++)
        sqlite3_reset(s[i].st);
    return rc;
}

int store_case_list(store_conn *c, const store_case_filter *f, json_t **out, tx_err *err)
{
    int which = 0;
    int64_t scope_id = 0;
    if (f->handler != TX_HANDLER_NONE) {
        which = 4;
        scope_id = f->handler_id;
    } else if (f->department_id) {
        which = 5;
        scope_id = f->department_id;
    } else if (f->area_id && f->area_kind) {
        which = strcmp(f->area_kind, "street") == 0      ? 1
                : strcmp(f->area_kind, "community") == 0 ? 2
                : strcmp(f->area_kind, "grid") == 0      ? 3
                                                         : -1;
        scope_id = f->area_id;
        if (which < 0)
            return tx_err_query(err, "area", "只能是街道、社区或网格", "must be a street, community or grid");
    }
    if (db_refs_check(c, err))
        return -1;
    int status = f->open_only >= 0 && f->open_only <= 3 ? f->open_only : 0;
    sqlite3_stmt *st = db_stmt(c, count_sql[which][status], err);
    if (!st)
        return -1;
    list_bind(st, f, scope_id, 0);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "case count", err);
    int64_t total = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    json_t *items = json_array();
    int rc = 0;
    if (f->public_view && which <= 3) {
        st = db_stmt(c, public_sql[which], err);
        if (!st) {
            json_decref(items);
            return -1;
        }
        list_bind(st, f, scope_id, f->limit);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(items, case_json(c, st, 0, 0, 0));
        sqlite3_reset(st);
        rc = rc == SQLITE_DONE ? 0 : db_fail(c, "case list", err);
    } else {
        rc = queue_page(c, f, which, status, scope_id, items, err);
    }
    if (rc) {
        json_decref(items);
        return -1;
    }
    int cap = f->public_view ? PUBLIC_COUNT_CAP : LIST_COUNT_CAP, capped = total > cap;
    *out = json_pack("{s:o, s:I, s:b, s:i, s:i}", "items", items, "total", (json_int_t)(capped ? cap : total),
                     "total_capped", capped, "limit", f->limit, "offset", f->offset);
    return 0;
}

/* Metres between two points on a sphere (haversine); at a neighbourhood's
 * scale the error is far below a GPS fix's. */
static double metres(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371008.8, d = M_PI / 180;
    double dlat = (lat2 - lat1) * d, dlon = (lon2 - lon1) * d;
    double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * d) * cos(lat2 * d) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

int store_case_nearby(store_conn *c, int64_t category_id, double lat, double lon, int radius_m, int64_t except_id,
                      int limit, json_t **out, tx_err *err)
{
    /* A box around the point on the (category_id, lat) index of open cases,
     * then the exact distance. */
    static const char sql[] = "SELECT id, lat, lon, state, description, submitted_at FROM cases WHERE open = 1 AND "
                              "category_id = ?1 AND lat BETWEEN ?2 AND ?3 AND lon BETWEEN ?4 AND ?5 AND id != ?6";
    /* a little wider than the circle (a degree of latitude is 110.6–111.7 km),
     * so the exact test below decides the edge */
    double dlat = radius_m / 110000.0, dlon = radius_m / (110000.0 * cos(lat * M_PI / 180));
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, category_id);
    sqlite3_bind_double(st, 2, lat - dlat);
    sqlite3_bind_double(st, 3, lat + dlat);
    sqlite3_bind_double(st, 4, lon - fabs(dlon));
    sqlite3_bind_double(st, 5, lon + fabs(dlon));
    sqlite3_bind_int64(st, 6, except_id);
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        double m = metres(lat, lon, sqlite3_column_double(st, 1), sqlite3_column_double(st, 2));
        if (m > radius_m)
            continue;
        json_array_append_new(a, json_pack("{s:I, s:i, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                                           "distance_m", (int)lround(m), "state", db_col_json_text(st, 3),
                                           "description", db_col_json_text(st, 4), "submitted_at",
                                           iso(sqlite3_column_int64(st, 5))));
    }
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return db_fail(c, "nearby cases", err);
    }
    /* nearest first, then cut to limit */
    size_t n = json_array_size(a);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            json_t *x = json_array_get(a, j - 1), *y = json_array_get(a, j);
            if (json_integer_value(json_object_get(x, "distance_m")) <=
                json_integer_value(json_object_get(y, "distance_m")))
                break;
            json_incref(x);
            json_array_set(a, j - 1, y);
            json_array_set_new(a, j, x);
        }
    while (json_array_size(a) > (size_t)limit)
        json_array_remove(a, json_array_size(a) - 1);
    *out = a;
    return 0;
}

int store_case_due(store_conn *c, int64_t now, int64_t remind_ms, int limit, int64_t **ids, int *n, tx_err *err)
{
    /* Open cases whose deadline has passed (escalate: not at the top tier)
     * or is near and not yet reminded, and resolved ones whose rating
     * period is over. Both ranges run on the (open, due_at) index. */
    static const char sql[] =
        "SELECT id FROM cases WHERE open = 1 AND due_at <= ?2 AND (reminded_at IS NULL OR (due_at <= ?1 AND "
        "tier != 'street')) UNION ALL SELECT id FROM cases WHERE open = 2 AND due_at <= ?1 LIMIT ?3";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, now + remind_ms);
    sqlite3_bind_int(st, 3, limit);
    int64_t *a = malloc((size_t)(limit > 0 ? limit : 1) * sizeof *a);
    if (!a)
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    int m = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && m < limit)
        a[m++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        free(a);
        return db_fail(c, "due cases", err);
    }
    *ids = a;
    *n = m;
    return 0;
}

int store_case_add_photo(store_conn *c, int64_t case_id, int64_t event_id, const char *hash, const char *mime,
                         int64_t bytes, int64_t now, tx_err *err)
{
    static const char sql[] =
        "INSERT INTO case_photo (case_id, event_id, hash, mime, bytes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, case_id);
    db_bind_int_or_null(st, 2, event_id, event_id == 0);
    db_bind_text(st, 3, hash);
    db_bind_text(st, 4, mime);
    sqlite3_bind_int64(st, 5, bytes);
    sqlite3_bind_int64(st, 6, now);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "case photo", err);
}

int store_case_photo(store_conn *c, int64_t case_id, const char *hash, char mime[32], tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, "SELECT mime FROM case_photo WHERE case_id = ?1 AND hash = ?2", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, case_id);
    db_bind_text(st, 2, hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(mime, 32, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return tx_err_named(err, 404, "not_found", NULL, M_NOT_FOUND, "photo", hash);
    return rc == SQLITE_ROW ? 0 : db_fail(c, "case photo", err);
}
