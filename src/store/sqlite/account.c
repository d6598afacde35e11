/* sqlite/account: user accounts, sessions, API keys and scope resolution. */
#include <string.h>

#include "base/time.h"
#include "store/sqlite/db.h"

int store_scope_resolve(store_conn *c, tx_role role, const char *code, tx_scope *out, tx_err *err)
{
    tx_scope_kind want = tx_role_scope_kind(role);
    memset(out, 0, sizeof *out);
    if (want == TX_SCOPE_NONE) {
        if (code && *code)
            return tx_err_set_reason(err, 400, "invalid_field", "scope", M_FIELD_INVALID, 0, 0, "scope", "此角色没有管辖范围", "this role has no scope");
        return 0;
    }
    if (code == NULL || *code == '\0')
        return tx_err_set(err, 400, "missing_field", "scope", M_FIELD_REQUIRED, "scope");
    static const char area_sql[] = "SELECT id, kind FROM area WHERE code = ?1";
    static const char org_sql[] = "SELECT id, kind FROM organisation WHERE code = ?1";
    sqlite3_stmt *st = db_stmt(c, want == TX_SCOPE_AREA ? area_sql : org_sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE)
            return db_fail(c, "scope", err);
        return tx_err_set_reason(err, 400, "invalid_field", "scope", M_FIELD_INVALID, 0, 0, "scope",
                                 want == TX_SCOPE_AREA ? "没有这个编码的区域" : "没有这个编码的组织",
                                 want == TX_SCOPE_AREA ? "no area has this code" : "no organisation has this code");
    }
    const char *kind = (const char *)sqlite3_column_text(st, 1);
    /* A grid worker's scope is a grid, community staff's a community, a
     * street admin's a street or a larger area. */
    int fits = 1;
    if (role == TX_ROLE_GRID_WORKER)
        fits = strcmp(kind, "grid") == 0;
    else if (role == TX_ROLE_COMMUNITY_STAFF)
        fits = strcmp(kind, "community") == 0;
    else if (role == TX_ROLE_STREET_ADMIN)
        fits = strcmp(kind, "street") == 0 || strcmp(kind, "district") == 0 || strcmp(kind, "city") == 0;
    else if (role == TX_ROLE_DEPARTMENT_STAFF)
        fits = strcmp(kind, "district_department") == 0;
    else if (role == TX_ROLE_MEMBER_UNIT)
        fits = strcmp(kind, "member_unit") == 0;
    if (!fits)
        return tx_err_set_reason(err, 400, "invalid_field", "scope", M_FIELD_INVALID, 0, 0, "scope", "管辖范围的区域或组织类型与角色不符", "the scope is not the right kind of area or organisation for this role");
    out->kind = want;
    out->id = sqlite3_column_int64(st, 0);
    snprintf(out->code, sizeof out->code, "%s", code);
    return 0;
}

/* Fill the scope of a principal from its stored kind and id. */
static void load_scope(store_conn *c, const char *kind, int64_t id, tx_scope *out)
{
    memset(out, 0, sizeof *out);
    out->kind = db_scope_kind_parse(kind);
    out->id = id;
    if (out->kind == TX_SCOPE_NONE)
        return;
    static const char area_sql[] = "SELECT code FROM area WHERE id = ?1";
    static const char org_sql[] = "SELECT code FROM organisation WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, out->kind == TX_SCOPE_AREA ? area_sql : org_sql, NULL);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out->code, sizeof out->code, "%s", sqlite3_column_text(st, 0));
}

int store_user_add(store_conn *c, const char *login, tx_role role, const tx_scope *scope, const char *pwhash,
                   int64_t *id_out, tx_err *err)
{
    static const char sql[] = "INSERT INTO user_account (login, role, scope_kind, scope_id, pwhash, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO NOTHING";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, login);
    db_bind_text(st, 2, tx_role_name(role));
    db_bind_text(st, 3, db_scope_kind_name(scope->kind));
    db_bind_int_or_null(st, 4, scope->id, scope->kind == TX_SCOPE_NONE);
    db_bind_text(st, 5, pwhash);
    sqlite3_bind_int64(st, 6, tx_now_ms());
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "user add", err);
    if (sqlite3_changes(c->db) == 0)
        return tx_err_named(err, 409, "duplicate", "login", M_DUPLICATE, "login", login);
    *id_out = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static int user_update(store_conn *c, const char *sql, const char *login, const char *text, int64_t num, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, login);
    if (text)
        db_bind_text(st, 2, text);
    else
        sqlite3_bind_int64(st, 2, num);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "user update", err);
    if (sqlite3_changes(c->db) == 0)
        return tx_err_named(err, 404, "not_found", "login", M_NOT_FOUND, "user", login);
    return 0;
}

int store_user_set_password(store_conn *c, const char *login, const char *pwhash, tx_err *err)
{
    static const char sql[] = "UPDATE user_account SET pwhash = ?2 WHERE login = ?1";
    if (user_update(c, sql, login, pwhash, 0, err))
        return -1;
    /* A new password ends every session opened with the old one. */
    static const char del[] = "DELETE FROM session WHERE user_id = (SELECT id FROM user_account WHERE login = ?1)";
    sqlite3_stmt *st = db_stmt(c, del, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, login);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "session purge", err);
}

int store_user_set_disabled(store_conn *c, const char *login, int disabled, tx_err *err)
{
    static const char sql[] = "UPDATE user_account SET disabled = ?2 WHERE login = ?1";
    if (user_update(c, sql, login, NULL, disabled, err))
        return -1;
    if (!disabled)
        return 0;
    static const char del[] = "DELETE FROM session WHERE user_id = (SELECT id FROM user_account WHERE login = ?1)";
    sqlite3_stmt *st = db_stmt(c, del, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, login);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "session purge", err);
}

static json_t *scope_json(store_conn *c, sqlite3_stmt *st, int kind_col, int id_col)
{
    if (sqlite3_column_type(st, kind_col) == SQLITE_NULL)
        return json_null();
    tx_scope sc;
    load_scope(c, (const char *)sqlite3_column_text(st, kind_col), sqlite3_column_int64(st, id_col), &sc);
    return json_pack("{s:s, s:I, s:s}", "kind", db_scope_kind_name(sc.kind), "id", (json_int_t)sc.id, "code",
                     sc.code);
}

int store_user_list(store_conn *c, json_t **out, tx_err *err)
{
    static const char sql[] =
        "SELECT id, login, role, scope_kind, scope_id, disabled, created_at FROM user_account ORDER BY login";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o, s:b, s:I}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "login", db_col_json_text(st, 1),
                                             "role", db_col_json_text(st, 2), "scope", scope_json(c, st, 3, 4),
                                             "disabled", sqlite3_column_int(st, 5), "created_at",
                                             (json_int_t)sqlite3_column_int64(st, 6)));
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_fail(c, "user list", err);
    }
    *out = arr;
    return 0;
}

int store_user_for_login(store_conn *c, const char *login, char pwhash[128], tx_principal *p, tx_err *err)
{
    static const char sql[] =
        "SELECT id, role, scope_kind, scope_id, pwhash FROM user_account WHERE login = ?1 AND disabled = 0";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, login);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return db_fail(c, "user login", err);
    memset(p, 0, sizeof *p);
    p->user_id = sqlite3_column_int64(st, 0);
    if (tx_role_parse((const char *)sqlite3_column_text(st, 1), &p->role))
        return 1;
    snprintf(p->login, sizeof p->login, "%s", login);
    snprintf(pwhash, 128, "%s", sqlite3_column_text(st, 4));
    char kind[8] = "";
    if (sqlite3_column_type(st, 2) != SQLITE_NULL)
        snprintf(kind, sizeof kind, "%s", sqlite3_column_text(st, 2));
    int64_t sid = sqlite3_column_int64(st, 3);
    load_scope(c, kind, sid, &p->scope);
    return 0;
}

int store_session_create(store_conn *c, int64_t user_id, const char *token_hash, const char *csrf, int64_t now_ms,
                         int64_t expires_ms, tx_err *err)
{
    static const char sql[] =
        "INSERT INTO session (token_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, user_id);
    db_bind_text(st, 3, csrf);
    sqlite3_bind_int64(st, 4, now_ms);
    sqlite3_bind_int64(st, 5, expires_ms);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "session create", err);
    /* Sweep this user's expired sessions while we are here. */
    static const char sweep[] = "DELETE FROM session WHERE user_id = ?1 AND expires_at <= ?2";
    st = db_stmt(c, sweep, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, now_ms);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "session sweep", err);
}

int store_session_resolve(store_conn *c, const char *token_hash, int64_t now_ms, tx_principal *p, char csrf[64],
                          tx_err *err)
{
    static const char sql[] = "SELECT u.id, u.login, u.role, u.scope_kind, u.scope_id, s.csrf FROM session s "
                              "JOIN user_account u ON u.id = s.user_id "
                              "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, now_ms);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return db_fail(c, "session resolve", err);
    memset(p, 0, sizeof *p);
    p->user_id = sqlite3_column_int64(st, 0);
    snprintf(p->login, sizeof p->login, "%s", sqlite3_column_text(st, 1));
    if (tx_role_parse((const char *)sqlite3_column_text(st, 2), &p->role))
        return 1;
    snprintf(csrf, 64, "%s", sqlite3_column_text(st, 5));
    char kind[8] = "";
    if (sqlite3_column_type(st, 3) != SQLITE_NULL)
        snprintf(kind, sizeof kind, "%s", sqlite3_column_text(st, 3));
    int64_t sid = sqlite3_column_int64(st, 4);
    load_scope(c, kind, sid, &p->scope);
    return 0;
}

int store_session_delete(store_conn *c, const char *token_hash, tx_err *err)
{
    static const char sql[] = "DELETE FROM session WHERE token_hash = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, token_hash);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "session delete", err);
}

int store_apikey_create(store_conn *c, const char *name, const char *key_hash, const char *prefix, tx_role role,
                        const tx_scope *scope, int64_t *id_out, tx_err *err)
{
    static const char sql[] = "INSERT INTO api_key (name, key_hash, prefix, role, scope_kind, scope_id, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, key_hash);
    db_bind_text(st, 3, prefix);
    db_bind_text(st, 4, tx_role_name(role));
    db_bind_text(st, 5, db_scope_kind_name(scope->kind));
    db_bind_int_or_null(st, 6, scope->id, scope->kind == TX_SCOPE_NONE);
    sqlite3_bind_int64(st, 7, tx_now_ms());
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "apikey create", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int store_apikey_list(store_conn *c, json_t **out, tx_err *err)
{
    static const char sql[] =
        "SELECT id, name, prefix, role, created_at, revoked_at FROM api_key ORDER BY id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o, s:I, s:o}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "name", db_col_json_text(st, 1),
                                             "prefix", db_col_json_text(st, 2), "role", db_col_json_text(st, 3),
                                             "created_at", (json_int_t)sqlite3_column_int64(st, 4), "revoked_at",
                                             db_col_json_int(st, 5)));
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_fail(c, "apikey list", err);
    }
    *out = arr;
    return 0;
}

int store_apikey_revoke(store_conn *c, int64_t id, tx_err *err)
{
    static const char sql[] = "UPDATE api_key SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, tx_now_ms());
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "apikey revoke", err);
    if (sqlite3_changes(c->db) == 0) {
        char ids[24];
        snprintf(ids, sizeof ids, "%lld", (long long)id);
        return tx_err_named(err, 404, "not_found", "id", M_NOT_FOUND, "api_key", ids);
    }
    return 0;
}

int store_apikey_resolve(store_conn *c, const char *key_hash, tx_principal *p, tx_err *err)
{
    static const char sql[] =
        "SELECT id, name, role, scope_kind, scope_id FROM api_key WHERE key_hash = ?1 AND revoked_at IS NULL";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, key_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return db_fail(c, "apikey resolve", err);
    memset(p, 0, sizeof *p);
    p->apikey_id = sqlite3_column_int64(st, 0);
    snprintf(p->login, sizeof p->login, "%s", sqlite3_column_text(st, 1));
    const char *role = (const char *)sqlite3_column_text(st, 2);
    if (strcmp(role, "api_client") == 0)
        p->role = TX_ROLE_API_CLIENT;
    else if (tx_role_parse(role, &p->role))
        return 1;
    char kind[8] = "";
    if (sqlite3_column_type(st, 3) != SQLITE_NULL)
        snprintf(kind, sizeof kind, "%s", sqlite3_column_text(st, 3));
    int64_t sid = sqlite3_column_int64(st, 4);
    load_scope(c, kind, sid, &p->scope);
    return 0;
}

/* ---- accounts and API keys as the API shows them (GET /api/v1/users,
 * /api/v1/api-keys): never a hash; times local to the deployment (UTC+8);
 * the scope with its code and name; who made it and, for accounts, the last
 * sign-in, from the audit trail. ---- */

/* Ids of area ?1 and every area below it. */
#define ACCOUNT_SUBTREE                                                                                                \
    "(WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT area.id FROM area JOIN sub ON area.parent_id = sub.id) "  \
    "SELECT id FROM sub)"

/* Row x (user_account or api_key) is within area ?1 (0: anywhere): no
 * scope, an area scope in the subtree, or an organisation located in it. */
#define ACCOUNT_IN_SCOPE(x)                                                                                            \
    "(?1 = 0 OR " x ".scope_kind IS NULL OR (" x ".scope_kind = 'area' AND " x ".scope_id IN " ACCOUNT_SUBTREE       \
    ") OR (" x ".scope_kind = 'org' AND (SELECT o.area_id FROM organisation o WHERE o.id = " x ".scope_id) IN "        \
    ACCOUNT_SUBTREE "))"

#define ACCOUNT_SCOPE_JOIN(x)                                                                                          \
    " LEFT JOIN area sa ON " x ".scope_kind = 'area' AND sa.id = " x ".scope_id LEFT JOIN organisation so ON " x      \
    ".scope_kind = 'org' AND so.id = " x ".scope_id "

#define USER_COLS                                                                                                      \
    "u.id, u.login, u.role, u.scope_kind, u.scope_id, coalesce(sa.code, so.code), coalesce(sa.name, so.name), "       \
    "u.disabled, u.created_at, (SELECT a.actor FROM audit a WHERE a.object_kind = 'user' AND a.object_id = u.id AND "  \
    "a.action IN ('user_add', 'user_create') ORDER BY a.id LIMIT 1), (SELECT max(a.at) FROM audit a WHERE "           \
    "a.object_kind = 'user' AND a.object_id = u.id AND a.action = 'sign_in')"
#define USER_WHERE                                                                                                     \
    " WHERE " ACCOUNT_IN_SCOPE("u") " AND (?2 IS NULL OR u.role = ?2) AND (?3 IS NULL OR instr(u.login, ?3) > 0)"

#define KEY_COLS                                                                                                       \
    "k.id, k.name, k.role, k.scope_kind, k.scope_id, coalesce(sa.code, so.code), coalesce(sa.name, so.name), "        \
    "k.prefix, k.created_at, (SELECT a.actor FROM audit a WHERE a.object_kind = 'api_key' AND a.object_id = k.id AND " \
    "a.action = 'apikey_create' ORDER BY a.id LIMIT 1), k.revoked_at"
#define KEY_WHERE                                                                                                      \
    " WHERE " ACCOUNT_IN_SCOPE("k") " AND (?2 IS NULL OR k.role = ?2) AND (?3 IS NULL OR instr(k.name, ?3) > 0)"

static json_t *account_time(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    char buf[TX_TIME_STRLEN];
    return json_string(tx_time_format(sqlite3_column_int64(st, i), 480, buf));
}

/* Columns 3-6: scope kind, id, code, name. */
static json_t *account_scope(sqlite3_stmt *st)
{
    if (sqlite3_column_type(st, 3) == SQLITE_NULL)
        return json_null();
    return json_pack("{s:o, s:I, s:o, s:o}", "kind", db_col_json_text(st, 3), "id",
                     (json_int_t)sqlite3_column_int64(st, 4), "code", db_col_json_text(st, 5), "name",
                     db_col_json_text(st, 6));
}

static json_t *user_from_row(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:b, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "login", db_col_json_text(st, 1), "role", db_col_json_text(st, 2), "scope", account_scope(st),
                     "disabled", sqlite3_column_int(st, 7), "created_at", account_time(st, 8), "created_by",
                     db_col_json_text(st, 9), "last_sign_in_at", account_time(st, 10));
}

static json_t *key_from_row(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", db_col_json_text(st, 1), "prefix", db_col_json_text(st, 7), "role",
                     db_col_json_text(st, 2), "scope", account_scope(st), "created_at", account_time(st, 8),
                     "created_by", db_col_json_text(st, 9), "revoked_at", account_time(st, 10));
}

static void bind_account_filter(sqlite3_stmt *st, const store_account_filter *f)
{
    sqlite3_bind_int64(st, 1, f->within_area);
    db_bind_text(st, 2, f->role);
    db_bind_text(st, 3, f->q);
}

static int account_page(store_conn *c, const char *count_sql, const char *sql, json_t *(*row)(sqlite3_stmt *),
                        const store_account_filter *f, json_t **out, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, count_sql, err);
    if (!st)
        return -1;
    bind_account_filter(st, f);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "account count", err);
    json_int_t total = sqlite3_column_int64(st, 0);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    bind_account_filter(st, f);
    sqlite3_bind_int(st, 4, f->limit);
    sqlite3_bind_int(st, 5, f->offset);
    json_t *items = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(items, row(st));
    if (rc != SQLITE_DONE) {
        json_decref(items);
        return db_fail(c, "account list", err);
    }
    *out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "limit", f->limit, "offset", f->offset);
    return 0;
}

int store_user_page(store_conn *c, const store_account_filter *f, json_t **out, tx_err *err)
{
    static const char count[] = "SELECT count(*) FROM user_account u" USER_WHERE;
    static const char sql[] = "SELECT " USER_COLS " FROM user_account u" ACCOUNT_SCOPE_JOIN("u") USER_WHERE
                              " ORDER BY u.login LIMIT ?4 OFFSET ?5";
    return account_page(c, count, sql, user_from_row, f, out, err);
}

int store_user_get(store_conn *c, int64_t id, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " USER_COLS " FROM user_account u" ACCOUNT_SCOPE_JOIN("u") "WHERE u.id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, sql, id, "user", err);
    if (!st)
        return -1;
    *out = user_from_row(st);
    return 0;
}

int store_user_update(store_conn *c, int64_t id, const store_user_change *u, tx_err *err)
{
    static const char sql[] =
        "UPDATE user_account SET role = coalesce(?2, role), scope_kind = CASE WHEN ?3 THEN ?4 ELSE scope_kind END, "
        "scope_id = CASE WHEN ?3 THEN ?5 ELSE scope_id END, disabled = CASE WHEN ?6 >= 0 THEN ?6 ELSE disabled END, "
        "pwhash = coalesce(?7, pwhash) WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text(st, 2, u->role ? tx_role_name(*u->role) : NULL);
    sqlite3_bind_int(st, 3, u->scope != NULL);
    db_bind_text(st, 4, u->scope ? db_scope_kind_name(u->scope->kind) : NULL);
    db_bind_int_or_null(st, 5, u->scope ? u->scope->id : 0, u->scope == NULL || u->scope->kind == TX_SCOPE_NONE);
    sqlite3_bind_int(st, 6, u->disabled);
    db_bind_text(st, 7, u->pwhash);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "user update", err);
    if (sqlite3_changes(c->db) == 0)
        return db_not_found(err, "user", id);
    if (u->pwhash == NULL && u->disabled != 1)
        return 0;
    /* A new password or a disabled account ends every session. */
    static const char del[] = "DELETE FROM session WHERE user_id = ?1";
    st = db_stmt(c, del, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "session purge", err);
}

int store_apikey_page(store_conn *c, const store_account_filter *f, json_t **out, tx_err *err)
{
    static const char count[] = "SELECT count(*) FROM api_key k" KEY_WHERE;
    static const char sql[] = "SELECT " KEY_COLS " FROM api_key k" ACCOUNT_SCOPE_JOIN("k") KEY_WHERE
                              " ORDER BY k.id DESC LIMIT ?4 OFFSET ?5";
    return account_page(c, count, sql, key_from_row, f, out, err);
}

int store_apikey_get(store_conn *c, int64_t id, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " KEY_COLS " FROM api_key k" ACCOUNT_SCOPE_JOIN("k") "WHERE k.id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, sql, id, "api_key", err);
    if (!st)
        return -1;
    *out = key_from_row(st);
    return 0;
}
