/* sqlite/org: organisations (party organisations, member units, property
 * companies, departments, clubs, venues …) and the compounds property
 * companies manage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "store/sqlite/db.h"

#define ORG_COLS                                                                                                       \
    "o.id, o.code, o.kind, o.unit_type, o.name, o.name_en, o.area_id, a.code, a.name, a.kind, o.parent_id, p.code, "   \
    "o.notes"
#define ORG_FROM "FROM organisation o LEFT JOIN area a ON a.id = o.area_id LEFT JOIN organisation p ON p.id = o.parent_id"

static json_t *managed_codes(store_conn *c, int64_t org_id, tx_err *err)
{
    static const char sql[] = "SELECT a.code FROM managed_compound m JOIN area a ON a.id = m.area_id "
                              "WHERE m.org_id = ?1 ORDER BY a.code";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, org_id);
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, db_col_json_text(st, 0));
    return arr;
}

static json_t *org_from_row(store_conn *c, sqlite3_stmt *st, tx_err *err)
{
    json_t *area = sqlite3_column_type(st, 6) == SQLITE_NULL
                       ? json_null()
                       : json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 6), "code",
                                   db_col_json_text(st, 7), "name", db_col_json_text(st, 8), "kind",
                                   db_col_json_text(st, 9));
    int64_t id = sqlite3_column_int64(st, 0);
    json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)id, "code",
                          db_col_json_text(st, 1), "kind", db_col_json_text(st, 2), "unit_type",
                          db_col_json_text(st, 3), "name", db_col_json_text(st, 4), "name_en", db_col_json_text(st, 5),
                          "area", area, "parent_id", db_col_json_int(st, 10), "parent_code", db_col_json_text(st, 11),
                          "notes", db_col_json_text(st, 12));
    const char *kind = (const char *)sqlite3_column_text(st, 2);
    if (kind && strcmp(kind, "property_company") == 0) {
        json_t *m = managed_codes(c, id, err);
        json_object_set_new(o, "manages", m ? m : json_array());
    }
    return o;
}

/* "In this area or below it": the org's area is the asked area or one of
 * its descendants. */
#define ORG_WHERE                                                                                                      \
    " WHERE (?1 IS NULL OR o.kind = ?1) AND (?2 IS NULL OR o.unit_type = ?2) AND (?3 = 0 OR o.parent_id = ?3) "        \
    "AND (?4 IS NULL OR instr(o.name, ?4) > 0 OR instr(o.code, ?4) > 0 OR instr(coalesce(o.name_en, ''), ?4) > 0) "     \
    "AND (?5 = 0 OR o.area_id IN (WITH RECURSIVE sub(id) AS (SELECT ?5 UNION ALL SELECT area.id FROM area JOIN sub "   \
    "ON area.parent_id = sub.id) SELECT id FROM sub))"

static void bind_filter(sqlite3_stmt *st, const store_org_filter *f)
{
    db_bind_text(st, 1, f->kind);
    db_bind_text(st, 2, f->unit_type);
    sqlite3_bind_int64(st, 3, f->parent_id);
    db_bind_text(st, 4, f->q);
    sqlite3_bind_int64(st, 5, f->area_id);
}

int store_org_list(store_conn *c, const store_org_filter *f, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " ORG_COLS " " ORG_FROM ORG_WHERE " ORDER BY o.kind, o.code LIMIT ?6 OFFSET ?7";
    static const char count[] = "SELECT count(*) " ORG_FROM ORG_WHERE;
    sqlite3_stmt *st = db_stmt(c, count, err);
    if (!st)
        return -1;
    bind_filter(st, f);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "org count", err);
    json_int_t total = sqlite3_column_int64(st, 0);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    bind_filter(st, f);
    sqlite3_bind_int(st, 6, f->limit);
    sqlite3_bind_int(st, 7, f->offset);
    json_t *items = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(items, org_from_row(c, st, err));
    if (rc != SQLITE_DONE) {
        json_decref(items);
        return db_fail(c, "org list", err);
    }
    *out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "limit", f->limit, "offset", f->offset);
    return 0;
}

int store_org_get(store_conn *c, int64_t id, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " ORG_COLS " " ORG_FROM " WHERE o.id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, sql, id, "organisation", err);
    if (!st)
        return -1;
    *out = org_from_row(c, st, err);
    return 0;
}

/* Look up an id by code in table ("area" or "organisation"); 0 for an
 * empty code; 400 naming field when unknown. */
static int id_by_code(store_conn *c, int org, const char *code, const char *field, int64_t *out, tx_err *err)
{
    static const char area_sql[] = "SELECT id FROM area WHERE code = ?1";
    static const char org_sql[] = "SELECT id FROM organisation WHERE code = ?1";
    *out = 0;
    if (code == NULL || *code == '\0')
        return 0;
    sqlite3_stmt *st = db_stmt(c, org ? org_sql : area_sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return tx_err_set_reason(err, 400, "invalid_field", field, M_FIELD_INVALID, 0, 0, field,
                                 org ? "没有这个编码的组织" : "没有这个编码的区域",
                                 org ? "no organisation has this code" : "no area has this code");
    if (rc != SQLITE_ROW)
        return db_fail(c, "code lookup", err);
    *out = sqlite3_column_int64(st, 0);
    return 0;
}

/* Replace the compounds a property company manages with the ';'-list.
 * Each must lie within the company's own area: whoever may change the
 * company may not thereby reach into someone else's community. */
static int set_managed(store_conn *c, int64_t org_id, const char *list, tx_err *err)
{
    static const char org_area[] = "SELECT area_id FROM organisation WHERE id = ?1";
    int64_t within = 0;
    sqlite3_stmt *oa = db_stmt(c, org_area, err);
    if (!oa)
        return -1;
    sqlite3_bind_int64(oa, 1, org_id);
    if (sqlite3_step(oa) == SQLITE_ROW)
        within = sqlite3_column_int64(oa, 0);
    static const char del[] = "DELETE FROM managed_compound WHERE org_id = ?1";
    static const char ins[] = "INSERT OR IGNORE INTO managed_compound (org_id, area_id) VALUES (?1, ?2)";
    static const char kind[] = "SELECT kind FROM area WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, del, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, org_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "managed delete", err);
    if (list == NULL)
        return 0;
    const char *p = list;
    while (*p) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        char code[128];
        if (len > 0 && len < sizeof code) {
            memcpy(code, p, len);
            code[len] = '\0';
            int64_t area_id;
            if (id_by_code(c, 0, code, "manages", &area_id, err))
                return -1;
            st = db_stmt(c, kind, err);
            if (!st)
                return -1;
            sqlite3_bind_int64(st, 1, area_id);
            int is_compound =
                sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "compound") == 0;
            int64_t anc[16];
            int n = 0, inside = within == 0;
            if (is_compound && within && store_area_ancestry(c, area_id, anc, 16, &n, err))
                return -1;
            for (int k = 0; k < n && !inside; k++)
                inside = anc[k] == within;
            if (is_compound && !inside)
                return tx_err_invalid(err, "manages", "管理的小区必须在该物业公司所属区域内",
                                      "managed compounds must lie within the company's area");
            if (!is_compound)
                return tx_err_set_reason(err, 400, "invalid_field", "manages", M_FIELD_INVALID, 0, 0, "manages", "物业公司只能管理小区", "a property company manages compounds only");
            st = db_stmt(c, ins, err);
            if (!st)
                return -1;
            sqlite3_bind_int64(st, 1, org_id);
            sqlite3_bind_int64(st, 2, area_id);
            if (sqlite3_step(st) != SQLITE_DONE)
                return db_fail(c, "managed insert", err);
        } else if (len >= sizeof code) {
            return tx_err_set_reason(err, 400, "invalid_field", "manages", M_FIELD_INVALID, 0, 0, "manages", "编码过长", "a code is too long");
        }
        p += len + (semi ? 1 : 0);
    }
    return 0;
}

/* Refuse making parent_id the parent of organisation id when id is
 * parent_id or one of its ancestors (walking up from parent_id; the bound
 * guards data made by hand). id 0 (a new organisation) cannot cycle. */
static int refuse_cycle(store_conn *c, int64_t id, int64_t parent_id, tx_err *err)
{
    static const char up[] = "SELECT parent_id FROM organisation WHERE id = ?1";
    if (id == 0)
        return 0;
    for (int64_t p = parent_id, depth = 0; p != 0 && depth < 64; depth++) {
        if (p == id)
            return tx_err_invalid(err, "parent_code", "上级关系会形成循环（组织不能是自己或下级的下级）",
                                  "the parent chain would loop back to this organisation");
        sqlite3_stmt *ps = db_stmt(c, up, err);
        if (!ps)
            return -1;
        sqlite3_bind_int64(ps, 1, p);
        p = sqlite3_step(ps) == SQLITE_ROW ? sqlite3_column_int64(ps, 0) : 0;
    }
    return 0;
}

static int resolve_refs(store_conn *c, const store_org_in *o, int64_t *area_id, int64_t *parent_id, tx_err *err)
{
    return id_by_code(c, 0, o->area_code, "area_code", area_id, err) ||
                   id_by_code(c, 1, o->parent_code, "parent_code", parent_id, err)
               ? -1
               : 0;
}

static void bind_org(sqlite3_stmt *st, const store_org_in *o, int64_t area_id, int64_t parent_id)
{
    db_bind_text(st, 1, o->code);
    db_bind_text(st, 2, o->kind);
    db_bind_text(st, 3, o->unit_type);
    db_bind_text(st, 4, o->name);
    db_bind_text(st, 5, o->name_en);
    db_bind_int_or_null(st, 6, area_id, area_id == 0);
    db_bind_int_or_null(st, 7, parent_id, parent_id == 0);
    db_bind_text(st, 8, o->notes);
}

int store_org_put(store_conn *c, const store_org_in *o, int replace, int64_t *id_out, tx_err *err)
{
    static const char insert[] = "INSERT INTO organisation (code, kind, unit_type, name, name_en, area_id, parent_id, "
                                 "notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (code) DO NOTHING";
    static const char upsert[] =
        "INSERT INTO organisation (code, kind, unit_type, name, name_en, area_id, parent_id, notes) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, unit_type = "
        "excluded.unit_type, name = excluded.name, name_en = excluded.name_en, area_id = excluded.area_id, parent_id = "
        "excluded.parent_id, notes = excluded.notes";
    static const char idq[] = "SELECT id FROM organisation WHERE code = ?1";
    int64_t area_id, parent_id, existing = 0;
    if (resolve_refs(c, o, &area_id, &parent_id, err))
        return -1;
    sqlite3_stmt *st = db_stmt(c, idq, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, o->code);
    if (sqlite3_step(st) == SQLITE_ROW)
        existing = sqlite3_column_int64(st, 0);
    if (replace && refuse_cycle(c, existing, parent_id, err))
        return -1;
    st = db_stmt(c, replace ? upsert : insert, err);
    if (!st)
        return -1;
    bind_org(st, o, area_id, parent_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "org put", err);
    if (!replace && sqlite3_changes(c->db) == 0)
        return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "code", o->code);
    st = db_stmt(c, idq, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, o->code);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "org id", err);
    *id_out = sqlite3_column_int64(st, 0);
    return o->keep_manages ? 0 : set_managed(c, *id_out, o->manages, err);
}

int store_org_update(store_conn *c, int64_t id, const store_org_in *o, tx_err *err)
{
    static const char sql[] = "UPDATE organisation SET code = ?1, kind = ?2, unit_type = ?3, name = ?4, name_en = ?5, "
                              "area_id = ?6, parent_id = ?7, notes = ?8 WHERE id = ?9";
    static const char clash[] = "SELECT 1 FROM organisation WHERE code = ?1 AND id <> ?2";
    int64_t area_id, parent_id;
    if (resolve_refs(c, o, &area_id, &parent_id, err))
        return -1;
    if (refuse_cycle(c, id, parent_id, err))
        return -1;
    sqlite3_stmt *st = db_stmt(c, clash, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, o->code);
    sqlite3_bind_int64(st, 2, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "code", o->code);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    bind_org(st, o, area_id, parent_id);
    sqlite3_bind_int64(st, 9, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "org update", err);
    if (sqlite3_changes(c->db) == 0)
        return db_not_found(err, "organisation", id);
    return o->keep_manages ? 0 : set_managed(c, id, o->manages, err);
}

int store_org_delete(store_conn *c, int64_t id, tx_err *err)
{
    static const char refs[] =
        "SELECT (SELECT count(*) FROM organisation WHERE parent_id = ?1), (SELECT count(*) FROM membership WHERE "
        "org_id = ?1 OR represents_org_id = ?1), (SELECT count(*) FROM user_account WHERE "
        "scope_kind = 'org' AND scope_id = ?1) + (SELECT count(*) FROM api_key WHERE scope_kind = 'org' AND scope_id = "
        "?1)";
    static const char del[] = "DELETE FROM organisation WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, refs, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "org refs", err);
    int64_t kids = sqlite3_column_int64(st, 0), members = sqlite3_column_int64(st, 1),
            accts = sqlite3_column_int64(st, 2);
    if (kids || members || accts) {
        char zh[200], en[200];
        snprintf(zh, sizeof zh, "该组织仍有 %lld 个下级组织、%lld 条成员记录（含已结束的）和 %lld 个账号或密钥", (long long)kids,
                 (long long)members, (long long)accts);
        snprintf(en, sizeof en,
                 "the organisation still has %lld child organisations, %lld membership records (past ones included) "
                 "and %lld accounts or keys",
                 (long long)kids, (long long)members, (long long)accts);
        return tx_err_conflict(err, "in_use", "id", zh, en);
    }
    return db_change_by_id(c, del, id, "organisation", err);
}

int store_org_place(store_conn *c, int64_t id, int64_t *areas, int *nareas, int64_t *orgs, int *norgs, int max,
                    tx_err *err)
{
    static const char sql[] = "SELECT area_id, parent_id FROM organisation WHERE id = ?1";
    *nareas = *norgs = 0;
    int64_t area_id = 0, cur = id;
    while (cur != 0 && *norgs < max) {
        sqlite3_stmt *st = db_stmt(c, sql, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, cur);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            if (cur == id)
                return db_not_found(err, "organisation", id);
            break;
        }
        if (rc != SQLITE_ROW)
            return db_fail(c, "org place", err);
        orgs[(*norgs)++] = cur;
        if (cur == id)
            area_id = sqlite3_column_int64(st, 0);
        cur = sqlite3_column_int64(st, 1);
    }
    return store_area_ancestry(c, area_id, areas, max, nareas, err);
}

/* The codes of a JSON array joined with ';' (malloc'd). */
static char *join_codes(json_t *codes)
{
    size_t need = 1, i;
    json_t *v;
    json_array_foreach(codes, i, v) need += json_string_length(v) + 1;
    char *out = malloc(need);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    size_t len = 0;
    json_array_foreach(codes, i, v)
    {
        if (len)
            out[len++] = ';';
        memcpy(out + len, json_string_value(v), json_string_length(v) + 1);
        len += json_string_length(v);
    }
    return out;
}

int store_org_export_csv(store_conn *c, char **out, size_t *len, tx_err *err)
{
    /* Parents before children (imports resolve parent codes as they go):
     * order by depth in the parent chain, then id. */
    static const char sql[] =
        "WITH RECURSIVE depth(id, d) AS (SELECT id, 0 FROM organisation WHERE parent_id IS NULL UNION ALL SELECT o.id, "
        "depth.d + 1 FROM organisation o JOIN depth ON o.parent_id = depth.id WHERE depth.d < 64) "
        "SELECT o.id, o.code, o.kind, o.unit_type, o.name, o.name_en, a.code, p.code, o.notes FROM organisation o "
        "JOIN depth ON depth.id = o.id LEFT JOIN area a ON a.id = o.area_id LEFT JOIN organisation p ON p.id = "
        "o.parent_id ORDER BY depth.d, o.id";
    static const char *const header[] = {"code", "kind", "unit_type", "name", "name_en",
                                         "area_code", "parent_code", "manages", "notes"};
    char *buf = NULL;
    size_t blen = 0, cap = 0;
    csv_put_row(&buf, &blen, &cap, header, 9);
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st) {
        free(buf);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 1; i <= 7; i++)
            csv_put(&buf, &blen, &cap, (const char *)sqlite3_column_text(st, i), 0);
        json_t *m = managed_codes(c, sqlite3_column_int64(st, 0), err);
        char *managed = join_codes(m);
        json_decref(m);
        csv_put(&buf, &blen, &cap, managed ? managed : "", 0);
        free(managed);
        csv_put(&buf, &blen, &cap, (const char *)sqlite3_column_text(st, 8), 1);
    }
    if (rc != SQLITE_DONE) {
        free(buf);
        return db_fail(c, "org export", err);
    }
    *out = buf;
    *len = blen;
    return 0;
}

int store_org_id_by_code(store_conn *c, const char *code, int64_t *id, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, "SELECT id FROM organisation WHERE code = ?1", err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return tx_err_named(err, 404, "not_found", "code", M_NOT_FOUND, "organisation", code ? code : "");
    return rc == SQLITE_ROW ? 0 : db_fail(c, "organisation by code", err);
}
