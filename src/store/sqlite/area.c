/* sqlite/area: areas (city … compound) with their GeoJSON boundaries. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/db.h"

#define AREA_COLS                                                                                                      \
    "a.id, a.kind, a.code, a.name, a.name_en, a.parent_id, p.code, a.boundary, a.population_registered, "              \
    "a.population_resident, a.households, a.founded, a.notes, a.extra"

/* Kinds in hierarchy order, so that parents come before children. */
#define KIND_RANK                                                                                                      \
    "CASE a.kind WHEN 'city' THEN 0 WHEN 'district' THEN 1 WHEN 'street' THEN 2 WHEN 'community' THEN 3 "              \
    "WHEN 'grid' THEN 4 ELSE 5 END"

static void set_if(json_t *o, const char *key, json_t *v)
{
    if (v == NULL || json_is_null(v)) {
        json_decref(v);
        return;
    }
    json_object_set_new(o, key, v);
}

/* A Feature from an AREA_COLS row. export: the import format (no ids,
 * parent_code only, absent fields omitted); otherwise the API shape. */
static json_t *feature_from_row(sqlite3_stmt *st, int with_geometry, int export)
{
    json_t *props = json_object();
    if (!export)
        json_object_set_new(props, "id", json_integer(sqlite3_column_int64(st, 0)));
    json_object_set_new(props, "kind", db_col_json_text(st, 1));
    json_object_set_new(props, "code", db_col_json_text(st, 2));
    json_object_set_new(props, "name", db_col_json_text(st, 3));
    if (export) {
        set_if(props, "name_en", db_col_json_text(st, 4));
        set_if(props, "parent_code", db_col_json_text(st, 6));
        set_if(props, "population_registered", db_col_json_int(st, 8));
        set_if(props, "population_resident", db_col_json_int(st, 9));
        set_if(props, "households", db_col_json_int(st, 10));
        set_if(props, "founded", db_col_json_text(st, 11));
        set_if(props, "notes", db_col_json_text(st, 12));
    } else {
        json_object_set_new(props, "name_en", db_col_json_text(st, 4));
        json_object_set_new(props, "parent_id", db_col_json_int(st, 5));
        json_object_set_new(props, "parent_code", db_col_json_text(st, 6));
        json_object_set_new(props, "population_registered", db_col_json_int(st, 8));
        json_object_set_new(props, "population_resident", db_col_json_int(st, 9));
        json_object_set_new(props, "households", db_col_json_int(st, 10));
        json_object_set_new(props, "founded", db_col_json_text(st, 11));
        json_object_set_new(props, "notes", db_col_json_text(st, 12));
    }
    if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
        json_t *extra = json_loads((const char *)sqlite3_column_text(st, 13), 0, NULL);
        if (json_is_object(extra))
            json_object_update_missing(props, extra);
        json_decref(extra);
    }
    json_t *geom = json_null();
    if (with_geometry && sqlite3_column_type(st, 7) != SQLITE_NULL) {
        geom = json_loads((const char *)sqlite3_column_text(st, 7), 0, NULL);
        if (geom == NULL)
            geom = json_null();
    }
    json_t *f = json_pack("{s:s, s:o, s:o}", "type", "Feature", "properties", props, "geometry", geom);
    if (!export)
        json_object_set_new(f, "id", json_integer(sqlite3_column_int64(st, 0)));
    return f;
}

static json_t *collection(json_t *features)
{
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
}

int store_area_list(store_conn *c, const store_area_filter *f, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " AREA_COLS " FROM area a LEFT JOIN area p ON p.id = a.parent_id "
                              "WHERE (?1 IS NULL OR a.kind = ?1) AND (?2 = 0 OR a.parent_id = ?2) "
                              "AND (?3 IS NULL OR instr(a.name, ?3) > 0 OR instr(coalesce(a.name_en, ''), ?3) > 0) "
                              "ORDER BY " KIND_RANK ", a.code";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, f->kind);
    sqlite3_bind_int64(st, 2, f->parent_id);
    db_bind_text(st, 3, f->name);
    json_t *features = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(features, feature_from_row(st, f->with_geometry, 0));
    if (rc != SQLITE_DONE) {
        json_decref(features);
        return db_fail(c, "area list", err);
    }
    *out = collection(features);
    return 0;
}

int store_area_get(store_conn *c, int64_t id, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " AREA_COLS " FROM area a LEFT JOIN area p ON p.id = a.parent_id WHERE a.id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, sql, id, "area", err);
    if (!st)
        return -1;
    *out = feature_from_row(st, 1, 0);
    return 0;
}

int store_area_id_by_code(store_conn *c, const char *code, int64_t *id, tx_err *err)
{
    static const char sql[] = "SELECT id FROM area WHERE code = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return tx_err_named(err, 404, "not_found", "code", M_NOT_FOUND, "area", code ? code : "");
    if (rc != SQLITE_ROW)
        return db_fail(c, "area by code", err);
    *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

int store_area_ancestry(store_conn *c, int64_t id, int64_t *ids, int max, int *n, tx_err *err)
{
    static const char sql[] = "SELECT parent_id FROM area WHERE id = ?1";
    *n = 0;
    /* Walk up; the hierarchy is at most six levels, and the bound guards
     * against a cycle someone made by hand. */
    while (id != 0 && *n < max) {
        sqlite3_stmt *st = db_stmt(c, sql, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break; /* no such area: an unknown id has an empty ancestry */
        if (rc != SQLITE_ROW)
            return db_fail(c, "area ancestry", err);
        ids[(*n)++] = id;
        id = sqlite3_column_int64(st, 0);
    }
    return 0;
}

/* Parent id for a parent code (0 for NULL); 400 naming parent_code when unknown. */
static int parent_id_of(store_conn *c, const char *code, int64_t *out, tx_err *err)
{
    *out = 0;
    if (code == NULL || *code == '\0')
        return 0;
    static const char sql[] = "SELECT id FROM area WHERE code = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return tx_err_set_reason(err, 400, "invalid_field", "parent_code", M_FIELD_INVALID, 0, 0, "parent_code", "没有这个编码的区域", "no area has this code");
    if (rc != SQLITE_ROW)
        return db_fail(c, "area parent", err);
    *out = sqlite3_column_int64(st, 0);
    return 0;
}

static void bind_area(sqlite3_stmt *st, const store_area_in *a, int64_t parent_id)
{
    db_bind_text(st, 1, a->kind);
    db_bind_text(st, 2, a->code);
    db_bind_text(st, 3, a->name);
    db_bind_text(st, 4, a->name_en);
    db_bind_int_or_null(st, 5, parent_id, parent_id == 0);
    db_bind_text(st, 6, a->geometry);
    db_bind_int_or_null(st, 7, a->population_registered, !a->has_population_registered);
    db_bind_int_or_null(st, 8, a->population_resident, !a->has_population_resident);
    db_bind_int_or_null(st, 9, a->households, !a->has_households);
    db_bind_text(st, 10, a->founded);
    db_bind_text(st, 11, a->notes);
    db_bind_text(st, 12, a->extra);
}

int store_area_put(store_conn *c, const store_area_in *a, int replace, int64_t *id_out, tx_err *err)
{
    static const char insert[] =
        "INSERT INTO area (kind, code, name, name_en, parent_id, boundary, population_registered, "
        "population_resident, households, founded, notes, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12) ON CONFLICT (code) DO NOTHING";
    static const char upsert[] =
        "INSERT INTO area (kind, code, name, name_en, parent_id, boundary, population_registered, "
        "population_resident, households, founded, notes, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name = excluded.name, name_en = excluded.name_en, "
        "parent_id = excluded.parent_id, boundary = excluded.boundary, population_registered = "
        "excluded.population_registered, population_resident = excluded.population_resident, households = "
        "excluded.households, founded = excluded.founded, notes = excluded.notes, extra = excluded.extra";
    int64_t parent_id;
    if (parent_id_of(c, a->parent_code, &parent_id, err))
        return -1;
    sqlite3_stmt *st = db_stmt(c, replace ? upsert : insert, err);
    if (!st)
        return -1;
    bind_area(st, a, parent_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "area put", err);
    if (!replace && sqlite3_changes(c->db) == 0)
        return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "code", a->code);
    static const char idq[] = "SELECT id FROM area WHERE code = ?1";
    st = db_stmt(c, idq, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, a->code);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "area id", err);
    *id_out = sqlite3_column_int64(st, 0);
    return 0;
}

int store_area_update(store_conn *c, int64_t id, const store_area_in *a, tx_err *err)
{
    static const char sql[] =
        "UPDATE area SET kind = ?1, code = ?2, name = ?3, name_en = ?4, parent_id = ?5, boundary = ?6, "
        "population_registered = ?7, population_resident = ?8, households = ?9, founded = ?10, notes = ?11, "
        "extra = ?12 WHERE id = ?13";
    static const char clash[] = "SELECT 1 FROM area WHERE code = ?1 AND id <> ?2";
    int64_t parent_id;
    if (parent_id_of(c, a->parent_code, &parent_id, err))
        return -1;
    if (parent_id == id)
        return tx_err_set_reason(err, 400, "invalid_field", "parent_code", M_FIELD_INVALID, 0, 0, "parent_code", "区域不能是自己的上级", "an area cannot be its own parent");
    sqlite3_stmt *st = db_stmt(c, clash, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, a->code);
    sqlite3_bind_int64(st, 2, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "code", a->code);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    bind_area(st, a, parent_id);
    sqlite3_bind_int64(st, 13, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "area update", err);
    if (sqlite3_changes(c->db) == 0)
        return db_not_found(err, "area", id);
    return 0;
}

int store_area_delete(store_conn *c, int64_t id, tx_err *err)
{
    static const char refs[] =
        "SELECT (SELECT count(*) FROM area WHERE parent_id = ?1), (SELECT count(*) FROM organisation WHERE area_id = "
        "?1), (SELECT count(*) FROM user_account WHERE scope_kind = 'area' AND scope_id = ?1) + (SELECT count(*) FROM "
        "api_key WHERE scope_kind = 'area' AND scope_id = ?1)";
    static const char del[] = "DELETE FROM area WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, refs, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "area refs", err);
    int64_t kids = sqlite3_column_int64(st, 0), orgs = sqlite3_column_int64(st, 1), accts = sqlite3_column_int64(st, 2);
    if (kids || orgs || accts) {
        char zh[160], en[160];
        snprintf(zh, sizeof zh, "该区域仍有 %lld 个下级区域、%lld 个组织和 %lld 个账号或密钥", (long long)kids,
                 (long long)orgs, (long long)accts);
        snprintf(en, sizeof en, "the area still has %lld child areas, %lld organisations and %lld accounts or keys",
                 (long long)kids, (long long)orgs, (long long)accts);
        return tx_err_conflict(err, "in_use", "id", zh, en);
    }
    return db_change_by_id(c, del, id, "area", err);
}

int store_area_export(store_conn *c, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " AREA_COLS " FROM area a LEFT JOIN area p ON p.id = a.parent_id ORDER BY " KIND_RANK
                              ", a.id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    json_t *features = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(features, feature_from_row(st, 1, 1));
    if (rc != SQLITE_DONE) {
        json_decref(features);
        return db_fail(c, "area export", err);
    }
    *out = collection(features);
    return 0;
}

int store_area_version(store_conn *c, int64_t *version, tx_err *err)
{
    static const char sql[] = "SELECT value FROM meta WHERE key = 'areas_version'";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "area version", err);
    *version = sqlite3_column_int64(st, 0);
    return 0;
}

int store_area_rows(store_conn *c, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT a.id, a.kind, coalesce(a.parent_id, 0), a.code, a.name, a.boundary FROM area a "
                              "ORDER BY " KIND_RANK ", a.id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    json_t *rows = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(rows, json_pack("[I, o, I, o, o, o]", (json_int_t)sqlite3_column_int64(st, 0),
                                              db_col_json_text(st, 1), (json_int_t)sqlite3_column_int64(st, 2),
                                              db_col_json_text(st, 3), db_col_json_text(st, 4),
                                              db_col_json_text(st, 5)));
    if (rc != SQLITE_DONE) {
        json_decref(rows);
        return db_fail(c, "area rows", err);
    }
    *out = rows;
    return 0;
}
