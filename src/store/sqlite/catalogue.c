/* sqlite/catalogue: what residents report under (categories, the Open311
 * services), the routing rules that say whose duty a report is, and the
 * snapshot of both (with the calendar and the compounds' property
 * companies) that intake and the SLA sweep decide from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/db.h"

int store_catalogue_version(store_conn *c, int64_t *version, tx_err *err)
{
    /* Areas count too (the home street); both counters only grow, so their
     * sum moves whenever either does. */
    static const char sql[] = "SELECT sum(value) FROM meta WHERE key IN ('catalogue_version', 'areas_version')";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "catalogue version", err);
    *version = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return strdup(t ? (const char *)t : "");
}

static tx_duration duration(sqlite3_stmt *st, int kind_col, tx_duration dflt)
{
    tx_duration d = dflt;
    tx_dur_kind k;
    if (tx_dur_kind_parse((const char *)sqlite3_column_text(st, kind_col), &k) == 0) {
        d.kind = k;
        d.n = sqlite3_column_int(st, kind_col + 1);
    }
    return d;
}

#define CATEGORY_COLS                                                                                                  \
    "id, code, name, name_en, group_name, group_name_en, description, description_en, keywords, attributes, "       \
    "accept_kind, accept_n, contact_kind, contact_n, resolve_kind, resolve_n, remind_hours, duplicate_radius_m, "   \
    "active, sort"

static int load_categories(store_conn *c, store_catalogue *cat, tx_err *err)
{
    static const char sql[] = "SELECT " CATEGORY_COLS " FROM category ORDER BY id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    int rc, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cat->n_categories == cap) {
            cap = cap ? cap * 2 : 32;
            store_category *n = realloc(cat->categories, (size_t)cap * sizeof *n);
            if (!n)
                return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
            cat->categories = n;
        }
        store_category *k = &cat->categories[cat->n_categories++];
        memset(k, 0, sizeof *k);
        k->id = sqlite3_column_int64(st, 0);
        k->code = dup_col(st, 1);
        k->name = dup_col(st, 2);
        k->name_en = dup_col(st, 3);
        k->group_name = dup_col(st, 4);
        k->group_name_en = dup_col(st, 5);
        if (sqlite3_column_type(st, 9) != SQLITE_NULL)
            k->attributes = json_loads((const char *)sqlite3_column_text(st, 9), 0, NULL);
        k->accept = duration(st, 10, (tx_duration){TX_DUR_WORKING_HOURS, 2});
        k->contact = duration(st, 12, (tx_duration){TX_DUR_WORKING_HOURS, 4});
        k->resolve = duration(st, 14, (tx_duration){TX_DUR_WORKING_DAYS, 5});
        k->remind_hours = sqlite3_column_int(st, 16);
        k->duplicate_radius_m = sqlite3_column_int(st, 17);
        k->active = sqlite3_column_int(st, 18);
    }
    return rc == SQLITE_DONE ? 0 : db_fail(c, "categories", err);
}

static int load_rules(store_conn *c, store_catalogue *cat, tx_err *err)
{
    static const char sql[] = "SELECT r.id, r.category_id, r.place, r.area_id, r.handler, r.org_id, o.name, r.tier, "
                              "r.note, r.note_en FROM route_rule r LEFT JOIN organisation o ON o.id = r.org_id "
                              "ORDER BY r.id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    int rc, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cat->n_rules == cap) {
            cap = cap ? cap * 2 : 32;
            tx_route_rule *n = realloc(cat->rules, (size_t)cap * sizeof *n);
            if (!n)
                return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
            cat->rules = n;
        }
        tx_route_rule *r = &cat->rules[cat->n_rules];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, 0);
        r->category_id = sqlite3_column_int64(st, 1);
        r->area_id = sqlite3_column_int64(st, 3);
        r->org_id = sqlite3_column_int64(st, 5);
        /* The CHECK constraints keep these parseable; a row that is not is
         * left out rather than routing by a half-read rule. */
        if (tx_route_where_parse((const char *)sqlite3_column_text(st, 2), &r->where) ||
            tx_case_handler_parse((const char *)sqlite3_column_text(st, 4), &r->handler) ||
            tx_tier_parse((const char *)sqlite3_column_text(st, 7), &r->tier))
            continue;
        r->org_name = dup_col(st, 6);
        r->note[0] = dup_col(st, 8);
        r->note[1] = dup_col(st, 9);
        cat->n_rules++;
    }
    return rc == SQLITE_DONE ? 0 : db_fail(c, "routing rules", err);
}

static int load_managed(store_conn *c, store_catalogue *cat, tx_err *err)
{
    static const char sql[] = "SELECT m.area_id, m.org_id, o.name FROM managed_compound m "
                              "JOIN organisation o ON o.id = m.org_id ORDER BY m.area_id, m.org_id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    int rc, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t compound = sqlite3_column_int64(st, 0);
        /* one company per compound: the first on record */
        if (cat->n_managed && cat->managed[cat->n_managed - 1].compound_id == compound)
            continue;
        if (cat->n_managed == cap) {
            cap = cap ? cap * 2 : 64;
            struct store_managed *n = realloc(cat->managed, (size_t)cap * sizeof *n);
            if (!n)
                return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
            cat->managed = n;
        }
        struct store_managed *m = &cat->managed[cat->n_managed++];
        m->compound_id = compound;
        m->org_id = sqlite3_column_int64(st, 1);
        m->org_name = dup_col(st, 2);
    }
    return rc == SQLITE_DONE ? 0 : db_fail(c, "managed compounds", err);
}

static int load_home_street(store_conn *c, store_catalogue *cat, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, "SELECT id, name FROM area WHERE kind = 'street' ORDER BY id LIMIT 1", err);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        cat->home_street_id = sqlite3_column_int64(st, 0);
        snprintf(cat->home_street_name, sizeof cat->home_street_name, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(c, "home street", err);
}

int store_catalogue_load(store_conn *c, store_catalogue **out, tx_err *err)
{
    store_catalogue *cat = calloc(1, sizeof *cat);
    if (cat == NULL)
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    if (store_catalogue_version(c, &cat->version, err) || load_categories(c, cat, err) || load_rules(c, cat, err) ||
        load_managed(c, cat, err) || load_home_street(c, cat, err) ||
        store_calendar_exceptions(c, &cat->exceptions, &cat->n_exceptions, err)) {
        store_catalogue_free(cat);
        return -1;
    }
    if (tx_cal_init(&cat->calendar, cat->exceptions, cat->n_exceptions) != 0) {
        /* the stored calendar was checked on the way in; fall back to
         * weekends only rather than stop taking reports */
        tx_cal_init(&cat->calendar, NULL, 0);
    }
    *out = cat;
    return 0;
}

void store_catalogue_free(store_catalogue *cat)
{
    if (cat == NULL)
        return;
    for (int i = 0; i < cat->n_categories; i++) {
        store_category *k = &cat->categories[i];
        free(k->code);
        free(k->name);
        free(k->name_en);
        free(k->group_name);
        free(k->group_name_en);
        json_decref(k->attributes);
    }
    for (int i = 0; i < cat->n_rules; i++) {
        free((char *)cat->rules[i].org_name);
        free((char *)cat->rules[i].note[0]);
        free((char *)cat->rules[i].note[1]);
    }
    for (int i = 0; i < cat->n_managed; i++)
        free(cat->managed[i].org_name);
    free(cat->categories);
    free(cat->rules);
    free(cat->managed);
    free(cat->exceptions);
    free(cat);
}

const store_category *store_catalogue_category(const store_catalogue *cat, const char *code)
{
    for (int i = 0; code && i < cat->n_categories; i++)
        if (strcmp(cat->categories[i].code, code) == 0)
            return &cat->categories[i];
    return NULL;
}

const store_category *store_catalogue_category_by_id(const store_catalogue *cat, int64_t id)
{
    for (int i = 0; i < cat->n_categories; i++)
        if (cat->categories[i].id == id)
            return &cat->categories[i];
    return NULL;
}

int64_t store_catalogue_manager(const store_catalogue *cat, int64_t compound_id, const char **name)
{
    int lo = 0, hi = cat->n_managed - 1;
    while (compound_id && lo <= hi) {
        int mid = (lo + hi) / 2;
        if (cat->managed[mid].compound_id == compound_id) {
            *name = cat->managed[mid].org_name;
            return cat->managed[mid].org_id;
        }
        if (cat->managed[mid].compound_id < compound_id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    *name = NULL;
    return 0;
}

/* ---- categories as the API shows them ---- */

static json_t *duration_json(sqlite3_stmt *st, int col)
{
    return json_pack("{s:o, s:i}", "kind", db_col_json_text(st, col), "n", sqlite3_column_int(st, col + 1));
}

static json_t *category_json(sqlite3_stmt *st)
{
    json_t *attrs = NULL;
    if (sqlite3_column_type(st, 9) != SQLITE_NULL)
        attrs = json_loads((const char *)sqlite3_column_text(st, 9), 0, NULL);
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o}, s:i, s:i, s:b, s:i}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0), "code", db_col_json_text(st, 1), "name",
                     db_col_json_text(st, 2), "name_en", db_col_json_text(st, 3), "group", db_col_json_text(st, 4),
                     "group_en", db_col_json_text(st, 5), "description", db_col_json_text(st, 6), "description_en",
                     db_col_json_text(st, 7), "keywords", db_col_json_text(st, 8), "attributes",
                     attrs ? attrs : json_null(), "deadlines", "accept", duration_json(st, 10), "contact",
                     duration_json(st, 12), "resolve", duration_json(st, 14), "remind_hours",
                     sqlite3_column_int(st, 16), "duplicate_radius_m", sqlite3_column_int(st, 17), "active",
                     sqlite3_column_int(st, 18), "sort", sqlite3_column_int(st, 19));
}

int store_category_list(store_conn *c, int with_inactive, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " CATEGORY_COLS " FROM category WHERE active = 1 OR ?1 ORDER BY sort, id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, with_inactive);
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(a, category_json(st));
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return db_fail(c, "categories", err);
    }
    *out = a;
    return 0;
}

int store_category_get(store_conn *c, const char *code, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " CATEGORY_COLS " FROM category WHERE code = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return tx_err_named(err, 404, "not_found", "service_code", M_NOT_FOUND, "category", code);
    if (rc != SQLITE_ROW)
        return db_fail(c, "category", err);
    *out = category_json(st);
    sqlite3_reset(st);
    return 0;
}

static const char *str_or(const json_t *in, const char *key, const char *dflt)
{
    const json_t *v = json_object_get(in, key);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

static int64_t int_or(const json_t *in, const char *key, int64_t dflt)
{
    const json_t *v = json_object_get(in, key);
    return json_is_integer(v) ? json_integer_value(v) : json_is_boolean(v) ? json_is_true(v) : dflt;
}

static void bind_duration(sqlite3_stmt *st, int i, const json_t *in, const char *which, const char *kind, int n)
{
    const json_t *d = json_object_get(json_object_get(in, "deadlines"), which);
    db_bind_text(st, i, str_or(d, "kind", kind));
    sqlite3_bind_int64(st, i + 1, int_or(d, "n", n));
}

int store_category_put(store_conn *c, const json_t *in, int replace, int64_t *id_out, tx_err *err)
{
    /* An update keeps what the input leaves out: read the current row into
     * a JSON object first and overlay the input on it. */
    const char *code = str_or(in, "code", NULL);
    json_t *cur = NULL, *merged = json_object();
    tx_err ignore = {0};
    if (replace && store_category_get(c, code, &cur, &ignore) == 0) {
        json_object_update(merged, cur);
        json_object_del(merged, "group");
        json_object_del(merged, "group_en");
        json_object_set(merged, "group_name", json_object_get(cur, "group"));
        json_object_set(merged, "group_name_en", json_object_get(cur, "group_en"));
        json_t *dl = json_deep_copy(json_object_get(cur, "deadlines"));
        if (json_object_get(in, "deadlines"))
            json_object_update(dl, json_object_get(in, "deadlines"));
        json_object_set_new(merged, "deadlines", dl);
    } else if (!replace || cur == NULL) {
        json_object_set(merged, "deadlines", json_object_get(in, "deadlines"));
    }
    json_t *over = json_deep_copy(in);
    json_object_del(over, "deadlines");
    if (json_object_get(over, "group")) {
        json_object_set(over, "group_name", json_object_get(over, "group"));
        json_object_del(over, "group");
    }
    if (json_object_get(over, "group_en")) {
        json_object_set(over, "group_name_en", json_object_get(over, "group_en"));
        json_object_del(over, "group_en");
    }
    json_object_update(merged, over);
    json_decref(over);

    static const char ins[] =
        "INSERT INTO category (code, name, name_en, group_name, group_name_en, description, description_en, keywords, "
        "attributes, accept_kind, accept_n, contact_kind, contact_n, resolve_kind, resolve_n, remind_hours, "
        "duplicate_radius_m, active, sort) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17, ?18, ?19) ON CONFLICT (code) DO UPDATE SET name = ?2, name_en = ?3, group_name = ?4, "
        "group_name_en = ?5, description = ?6, description_en = ?7, keywords = ?8, attributes = ?9, accept_kind = ?10, "
        "accept_n = ?11, contact_kind = ?12, contact_n = ?13, resolve_kind = ?14, resolve_n = ?15, remind_hours = ?16, "
        "duplicate_radius_m = ?17, active = ?18, sort = ?19 WHERE ?20 RETURNING id";
    sqlite3_stmt *st = db_stmt(c, ins, err);
    if (!st) {
        json_decref(cur);
        json_decref(merged);
        return -1;
    }
    db_bind_text(st, 1, code);
    db_bind_text(st, 2, str_or(merged, "name", ""));
    db_bind_text(st, 3, str_or(merged, "name_en", ""));
    db_bind_text(st, 4, str_or(merged, "group_name", ""));
    db_bind_text(st, 5, str_or(merged, "group_name_en", ""));
    db_bind_text(st, 6, str_or(merged, "description", ""));
    db_bind_text(st, 7, str_or(merged, "description_en", ""));
    db_bind_text(st, 8, str_or(merged, "keywords", ""));
    const json_t *attrs = json_object_get(merged, "attributes");
    char *attrs_text = json_is_array(attrs) && json_array_size(attrs) ? json_dumps(attrs, JSON_COMPACT) : NULL;
    db_bind_text(st, 9, attrs_text);
    bind_duration(st, 10, merged, "accept", "working_hours", 2);
    bind_duration(st, 12, merged, "contact", "working_hours", 4);
    bind_duration(st, 14, merged, "resolve", "working_days", 5);
    sqlite3_bind_int64(st, 16, int_or(merged, "remind_hours", 4));
    sqlite3_bind_int64(st, 17, int_or(merged, "duplicate_radius_m", 100));
    sqlite3_bind_int64(st, 18, int_or(merged, "active", 1));
    sqlite3_bind_int64(st, 19, int_or(merged, "sort", 0));
    sqlite3_bind_int(st, 20, replace);
    int rc = sqlite3_step(st);
    free(attrs_text);
    json_decref(cur);
    json_decref(merged);
    if (rc == SQLITE_DONE)
        return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "category", code);
    if (rc != SQLITE_ROW)
        return db_fail(c, "category", err);
    if (id_out)
        *id_out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

/* ---- routing rules ---- */

int store_rule_list(store_conn *c, json_t **out, tx_err *err)
{
    static const char sql[] =
        "SELECT r.id, k.code, r.place, a.id, a.code, a.name, r.handler, o.id, o.code, o.name, r.tier, r.note, "
        "r.note_en FROM route_rule r LEFT JOIN category k ON k.id = r.category_id LEFT JOIN area a ON a.id = r.area_id "
        "LEFT JOIN organisation o ON o.id = r.org_id ORDER BY r.id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *area = sqlite3_column_type(st, 3) == SQLITE_NULL
                           ? json_null()
                           : json_pack("{s:I, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 3), "code",
                                       db_col_json_text(st, 4), "name", db_col_json_text(st, 5));
        json_t *org = sqlite3_column_type(st, 7) == SQLITE_NULL
                          ? json_null()
                          : json_pack("{s:I, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 7), "code",
                                      db_col_json_text(st, 8), "name", db_col_json_text(st, 9));
        json_array_append_new(a, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                                           (json_int_t)sqlite3_column_int64(st, 0), "service_code",
                                           db_col_json_text(st, 1), "place", db_col_json_text(st, 2), "area", area,
                                           "handler", db_col_json_text(st, 6), "org", org, "tier",
                                           db_col_json_text(st, 10), "note", db_col_json_text(st, 11), "note_en",
                                           db_col_json_text(st, 12)));
    }
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return db_fail(c, "routing rules", err);
    }
    *out = a;
    return 0;
}

static int id_by_code(store_conn *c, const char *sql, const char *code, const char *field, const char *noun,
                      int64_t *id, tx_err *err)
{
    *id = 0;
    if (code == NULL)
        return 0;
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_DONE)
        return db_fail(c, "code lookup", err);
    return tx_err_named(err, 400, "unknown_code", field, M_NOT_FOUND, noun, code);
}

int store_rule_add(store_conn *c, const store_rule_in *r, int64_t *id_out, tx_err *err)
{
    int64_t cat, area, org;
    if (id_by_code(c, "SELECT id FROM category WHERE code = ?1", r->category_code, "service_code", "category", &cat,
                   err) ||
        id_by_code(c, "SELECT id FROM area WHERE code = ?1", r->area_code, "area", "area", &area, err) ||
        id_by_code(c, "SELECT id FROM organisation WHERE code = ?1", r->org_code, "org", "organisation", &org, err))
        return -1;
    static const char sql[] = "INSERT INTO route_rule (category_id, place, area_id, handler, org_id, tier, note, "
                              "note_en) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_int_or_null(st, 1, cat, cat == 0);
    db_bind_text(st, 2, tx_route_where_code(r->where));
    db_bind_int_or_null(st, 3, area, area == 0);
    db_bind_text(st, 4, tx_case_handler_code(r->handler));
    db_bind_int_or_null(st, 5, org, org == 0);
    db_bind_text(st, 6, tx_tier_code(r->tier));
    db_bind_text(st, 7, r->note ? r->note : "");
    db_bind_text(st, 8, r->note_en ? r->note_en : "");
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "routing rule", err);
    if (id_out)
        *id_out = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int store_rule_delete(store_conn *c, int64_t id, tx_err *err)
{
    return db_change_by_id(c, "DELETE FROM route_rule WHERE id = ?1", id, "routing_rule", err);
}

int store_rule_count(store_conn *c, int *n, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, "SELECT count(*) FROM route_rule", err);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "routing rules", err);
    *n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return 0;
}
