/* sqlite/audit: the audit trail (who wrote what, when) and store-wide counts. */
#include "base/time.h"
#include "store/sqlite/db.h"

int store_audit(store_conn *c, const char *actor, const char *action, const char *object_kind, int64_t object_id,
                const char *detail, tx_err *err)
{
    static const char sql[] =
        "INSERT INTO audit (at, actor, action, object_kind, object_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, tx_now_ms());
    db_bind_text(st, 2, actor);
    db_bind_text(st, 3, action);
    db_bind_text(st, 4, object_kind);
    db_bind_int_or_null(st, 5, object_id, object_id == 0);
    db_bind_text(st, 6, detail);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "audit", err);
}

int store_audit_list(store_conn *c, int limit, json_t **out, tx_err *err)
{
    static const char sql[] =
        "SELECT id, at, actor, action, object_kind, object_id, detail FROM audit ORDER BY id DESC LIMIT ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, limit);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "at",
                                             (json_int_t)sqlite3_column_int64(st, 1), "actor", db_col_json_text(st, 2),
                                             "action", db_col_json_text(st, 3), "object_kind",
                                             db_col_json_text(st, 4), "object_id", db_col_json_int(st, 5), "detail",
                                             db_col_json_text(st, 6)));
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_fail(c, "audit list", err);
    }
    *out = arr;
    return 0;
}

/* Count rows grouped by a kind column into an object {kind: n}. */
static int count_by(store_conn *c, const char *sql, json_t *into, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_object_set_new(into, (const char *)sqlite3_column_text(st, 0), json_integer(sqlite3_column_int64(st, 1)));
    return rc == SQLITE_DONE ? 0 : db_fail(c, "count", err);
}

static int count_one(store_conn *c, const char *sql, json_int_t *n, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "count", err);
    *n = sqlite3_column_int64(st, 0);
    return 0;
}

int store_stats(store_conn *c, json_t **out, tx_err *err)
{
    static const char areas_sql[] = "SELECT kind, count(*) FROM area GROUP BY kind ORDER BY kind";
    static const char orgs_sql[] = "SELECT kind, count(*) FROM organisation GROUP BY kind ORDER BY kind";
    static const char units_sql[] = "SELECT count(*) FROM organisation WHERE kind = 'member_unit'";
    static const char ptm_sql[] = "SELECT count(DISTINCT person_id) FROM membership "
                                  "WHERE role = 'part_time_member' AND " DB_CURRENT_MEMBERSHIP("membership");
    static const char people_sql[] = "SELECT count(*) FROM person";
    static const char members_sql[] = "SELECT count(*) FROM membership WHERE " DB_CURRENT_MEMBERSHIP("membership");
    static const char users_sql[] = "SELECT role, count(*) FROM user_account WHERE disabled = 0 GROUP BY role";
    static const char keys_sql[] = "SELECT count(*) FROM api_key WHERE revoked_at IS NULL";
    static const char audit_sql[] = "SELECT count(*) FROM audit";
    json_t *areas = json_object(), *orgs = json_object(), *users = json_object();
    json_int_t units = 0, ptm = 0, people = 0, members = 0, keys = 0, audit = 0;
    if (count_by(c, areas_sql, areas, err) || count_by(c, orgs_sql, orgs, err) || count_by(c, users_sql, users, err) ||
        count_one(c, units_sql, &units, err) || count_one(c, ptm_sql, &ptm, err) ||
        count_one(c, people_sql, &people, err) || count_one(c, members_sql, &members, err) ||
        count_one(c, keys_sql, &keys, err) || count_one(c, audit_sql, &audit, err)) {
        json_decref(areas);
        json_decref(orgs);
        json_decref(users);
        return -1;
    }
    json_t *o = json_object();
    json_object_set_new(o, "communities", json_integer(json_integer_value(json_object_get(areas, "community"))));
    json_object_set_new(o, "grids", json_integer(json_integer_value(json_object_get(areas, "grid"))));
    json_object_set_new(o, "compounds", json_integer(json_integer_value(json_object_get(areas, "compound"))));
    json_object_set_new(o, "compound_party_branches",
                        json_integer(json_integer_value(json_object_get(orgs, "compound_party_branch"))));
    json_object_set_new(o, "member_units", json_integer(units));
    json_object_set_new(o, "part_time_members", json_integer(ptm));
    json_object_set_new(o, "people", json_integer(people));
    json_object_set_new(o, "current_memberships", json_integer(members));
    json_object_set_new(o, "areas_by_kind", areas);
    json_object_set_new(o, "organisations_by_kind", orgs);
    json_object_set_new(o, "users_by_role", users);
    json_object_set_new(o, "api_keys_active", json_integer(keys));
    json_object_set_new(o, "audit_entries", json_integer(audit));
    *out = o;
    return 0;
}

int store_ping(store_conn *c, tx_err *err)
{
    static const char sql[] = "SELECT 1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    return sqlite3_step(st) == SQLITE_ROW ? 0 : db_fail(c, "ping", err);
}
