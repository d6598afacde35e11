/* users: accounts and API keys, managed by street admins (action
 * account_write). A street admin sees and changes the accounts and keys
 * scoped within their own scope (an area below it, an organisation located
 * there) and those without a scope (residents, volunteers, API clients),
 * and never gives a role or scope wider than their own (tx_authz_grant).
 *
 * No answer ever carries a password hash or a key hash. A password the
 * server generates, and a new API key, are in the one answer that creates
 * them and nowhere else. Passwords are hashed with argon2id on a reader
 * thread (about 0.1 s of CPU), then the account is written on the writer,
 * which checks everything again except the hash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/secret.h"

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 1024
#define LOGIN_MAX_CHARS 64
#define KEY_NAME_MAX_CHARS 64
#define PLACE_MAX 32

static const char *const user_roles[] = {"resident",         "grid_worker", "community_staff", "street_admin",
                                         "department_staff", "member_unit", "volunteer",       NULL};
static const char *const key_roles[] = {"api_client",       "resident",    "grid_worker", "community_staff",
                                        "street_admin",     "department_staff", "member_unit", "volunteer", NULL};

/* ---- who may manage what ---- */

typedef struct {
    int64_t areas[PLACE_MAX], orgs[PLACE_MAX];
    tx_place place;
} scope_place;

/* The place of a scope: an area and its ancestors; an organisation, its
 * parents and the ancestry of its area. */
static int place_of_scope(tx_call *call, store_conn *c, tx_scope_kind kind, int64_t id, scope_place *sp)
{
    int na = 0, no = 0;
    if (kind == TX_SCOPE_AREA ? store_area_ancestry(c, id, sp->areas, PLACE_MAX, &na, &call->err)
                              : store_org_place(c, id, sp->areas, &na, sp->orgs, &no, PLACE_MAX, &call->err))
        return -1;
    sp->place = (tx_place){.areas = sp->areas, .n_areas = na, .orgs = sp->orgs, .n_orgs = no};
    return 0;
}

/* May the caller give role r with scope s (kind NONE: no scope)? 403
 * naming the scope otherwise. */
static int authorize_grant(tx_call *call, store_conn *c, tx_role r, const tx_scope *s)
{
    scope_place sp;
    if (s->kind != TX_SCOPE_NONE && place_of_scope(call, c, s->kind, s->id, &sp))
        return -1;
    tx_authz d = tx_authz_grant(&call->who, r, s->kind != TX_SCOPE_NONE ? &sp.place : NULL);
    if (d == TX_AUTHZ_ALLOW)
        return 0;
    if (d == TX_AUTHZ_NEED_AUTH)
        return tx_err_set(&call->err, 401, "unauthenticated", NULL, M_AUTH_REQUIRED);
    return tx_err_set(&call->err, 403, "forbidden", s->kind != TX_SCOPE_NONE ? "scope" : "role", M_GRANT_SCOPE,
                      tx_role_name(r), s->kind != TX_SCOPE_NONE ? s->code : "-",
                      call->who.scope.code[0] ? call->who.scope.code : "-");
}

/* May the caller manage an account or key as the store shows it (its scope
 * within theirs, or no scope)? */
static int authorize_existing(tx_call *call, store_conn *c, const json_t *obj)
{
    const json_t *scope = json_object_get(obj, "scope");
    if (!json_is_object(scope))
        return call_authorize(call, TX_ACT_ACCOUNT_WRITE, NULL);
    const char *kind = json_string_value(json_object_get(scope, "kind"));
    scope_place sp;
    if (place_of_scope(call, c, kind && strcmp(kind, "org") == 0 ? TX_SCOPE_ORG : TX_SCOPE_AREA,
                       json_integer_value(json_object_get(scope, "id")), &sp))
        return -1;
    return call_authorize(call, TX_ACT_ACCOUNT_WRITE, &sp.place);
}

/* Lists are cut to the caller's scope: what lies within it, and what has
 * no scope at all. */
static int read_filter(tx_call *call, const char *const *roles, store_account_filter *f)
{
    *f = (store_account_filter){0};
    if (call_query_enum(call, "role", roles, &f->role) || call_query_page(call, 100, 1000, &f->limit, &f->offset))
        return -1;
    f->q = call_query(call, "q");
    if (f->q && *f->q == '\0')
        f->q = NULL;
    f->within_area = call->who.scope.kind == TX_SCOPE_AREA ? call->who.scope.id : -1;
    return 0;
}

/* ---- checks of the body ---- */

static int check_login(tx_call *call, const char *s)
{
    size_t n = strlen(s);
    int ok = n >= 2 && n <= LOGIN_MAX_CHARS;
    for (const char *p = s; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
             *p == '-' || *p == '.' || *p == '@';
    return ok ? 0
              : tx_err_invalid(&call->err, "login", "只能是 2-64 个字母、数字或 _ - . @",
                               "2-64 letters, digits or _ - . @");
}

/* A role name of the list (NULL-terminated) into *out. */
static int read_role(tx_call *call, const char *name, const char *const *roles, tx_role *out)
{
    for (const char *const *r = roles; *r; r++)
        if (strcmp(*r, name) == 0) {
            if (strcmp(name, "api_client") == 0)
                *out = TX_ROLE_API_CLIENT;
            else
                tx_role_parse(name, out);
            return 0;
        }
    char zh[256] = "必须是以下之一：", en[256] = "must be one of: ";
    for (const char *const *r = roles; *r; r++) {
        strcat(zh, *r);
        strcat(en, *r);
        if (r[1]) {
            strcat(zh, "、");
            strcat(en, ", ");
        }
    }
    return tx_err_invalid(&call->err, "role", zh, en);
}

static int check_password(tx_call *call, const char *pw)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    return chars >= PASSWORD_MIN_CHARS ? 0
                                       : tx_err_invalid(&call->err, "password", "至少 8 个字符",
                                                        "must have at least 8 characters");
}

/* A password to hand over once: 16 letters and digits that cannot be
 * mistaken for one another (no 0 O 1 l I), in groups of four: about 90
 * bits. */
static void generate_password(char out[20])
{
    static const char keep[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    int n = 0, k = 0;
    while (n < 16) {
        char raw[TX_TOKEN_LEN + 1];
        tx_token_new(raw);
        for (const char *p = raw; *p && n < 16; p++)
            if (strchr(keep, *p)) {
                if (n && n % 4 == 0)
                    out[k++] = '-';
                out[k++] = *p;
                n++;
            }
    }
    out[k] = '\0';
}

/* What a password change hands from the reader to the writer. */
typedef struct {
    char pwhash[TX_PWHASH_LEN];
    char generated[20]; /* "" when the caller chose the password */
} pw_carry;

/* Hash the password (given, or generated when give is NULL) on the reader
 * and keep it for the writer. */
static int carry_password(tx_call *call, const char *given)
{
    pw_carry *pc = calloc(1, sizeof *pc);
    if (pc == NULL)
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    call->carry = pc;
    call->carry_free = free;
    if (given == NULL)
        generate_password(pc->generated);
    if (tx_password_hash(given ? given : pc->generated, pc->pwhash))
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    return 0;
}

/* ---- accounts ---- */

int api_users_list(tx_call *call, store_conn *c)
{
    store_account_filter f;
    json_t *out;
    if (read_filter(call, user_roles, &f) || store_user_page(c, &f, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

typedef struct {
    const char *login, *scope_code, *password;
    tx_role role;
    tx_scope scope;
} new_user;

/* Everything POST /api/v1/users checks, on the reader and again on the
 * writer (all but the hash). */
static int read_new_user(tx_call *call, store_conn *c, new_user *u)
{
    static const char *const fields[] = {"login", "role", "scope", "password", NULL};
    const char *role = NULL;
    *u = (new_user){0};
    if (call_body_only(call, fields) || call_body_str(call, "login", 1, LOGIN_MAX_CHARS, &u->login) ||
        check_login(call, u->login) || call_body_str(call, "role", 1, 32, &role) ||
        read_role(call, role, user_roles, &u->role) || call_body_str(call, "scope", 0, 64, &u->scope_code) ||
        call_body_str(call, "password", 0, PASSWORD_MAX_CHARS, &u->password) ||
        (u->password && check_password(call, u->password)))
        return -1;
    return store_scope_resolve(c, u->role, u->scope_code, &u->scope, &call->err) ||
                   authorize_grant(call, c, u->role, &u->scope)
               ? -1
               : 0;
}

static int users_create_commit(tx_call *call, store_conn *c)
{
    new_user u;
    pw_carry *pc = call->carry;
    int64_t id;
    json_t *out;
    char actor[96], detail[160];
    call_actor(call, actor, sizeof actor);
    if (read_new_user(call, c, &u) || store_user_add(c, u.login, u.role, &u.scope, pc->pwhash, &id, &call->err))
        return -1;
    snprintf(detail, sizeof detail, "%s %s %s", u.login, tx_role_name(u.role), u.scope.code[0] ? u.scope.code : "-");
    if (store_audit(c, actor, "user_create", "user", id, detail, &call->err) || store_user_get(c, id, &out, &call->err))
        return -1;
    if (pc->generated[0])
        json_object_set_new(out, "password", json_string(pc->generated));
    return call_json(call, 201, out);
}

/* POST /api/v1/users: checked and hashed on a reader, written on the writer. */
int api_users_create(tx_call *call, store_conn *c)
{
    new_user u;
    if (read_new_user(call, c, &u) || carry_password(call, u.password))
        return -1;
    call->then_write = users_create_commit;
    return 0;
}

/* A change to account id, checked against its current state cur. */
typedef struct {
    tx_role role;
    tx_scope scope;
    int change_role; /* role or scope given: both are set, and checked as a grant */
    int disabled;    /* -1 unchanged */
    const char *password;
    int reset;
} user_change;

static int scope_differs(const json_t *cur_scope, const tx_scope *s)
{
    if (!json_is_object(cur_scope))
        return s->kind != TX_SCOPE_NONE;
    return s->kind == TX_SCOPE_NONE || json_integer_value(json_object_get(cur_scope, "id")) != s->id ||
           strcmp(json_string_value(json_object_get(cur_scope, "kind")), s->kind == TX_SCOPE_AREA ? "area" : "org");
}

static int read_user_change(tx_call *call, store_conn *c, int64_t id, json_t *cur, user_change *u)
{
    static const char *const fields[] = {"role", "scope", "disabled", "password", "reset_password", NULL};
    const char *role = NULL, *scope_code = NULL;
    *u = (user_change){.disabled = -1};
    if (authorize_existing(call, c, cur) || call_body_only(call, fields) ||
        call_body_str(call, "role", 0, 32, &role) || (role && read_role(call, role, user_roles, &u->role)) ||
        call_body_str(call, "scope", 0, 64, &scope_code) || call_body_bool(call, "disabled", 0, &u->disabled) ||
        call_body_str(call, "password", 0, PASSWORD_MAX_CHARS, &u->password) ||
        (u->password && check_password(call, u->password)) ||
        call_body_bool(call, "reset_password", 0, &u->reset))
        return -1;
    if (u->password && u->reset)
        return tx_err_invalid(&call->err, "reset_password", "不能同时给出 password 和 reset_password",
                              "give either password or reset_password, not both");
    const char *cur_role = json_string_value(json_object_get(cur, "role"));
    const json_t *cur_scope = json_object_get(cur, "scope");
    int scope_given = json_object_get(call->body, "scope") != NULL;
    if (role || scope_given) {
        u->change_role = 1;
        if (!role)
            tx_role_parse(cur_role, &u->role);
        /* Without "scope", the account keeps its scope when the new role
         * takes the same kind, and has none when the role takes none. */
        if (!scope_given && json_is_object(cur_scope) &&
            tx_role_scope_kind(u->role) ==
                (strcmp(json_string_value(json_object_get(cur_scope, "kind")), "org") == 0 ? TX_SCOPE_ORG
                                                                                          : TX_SCOPE_AREA))
            scope_code = json_string_value(json_object_get(cur_scope, "code"));
        if (store_scope_resolve(c, u->role, scope_code, &u->scope, &call->err) ||
            authorize_grant(call, c, u->role, &u->scope))
            return -1;
    }
    /* Nobody locks themselves out: their own role, scope and access are
     * changed by another administrator. */
    if (call->who.user_id == id) {
        const char *bad = u->change_role && strcmp(tx_role_name(u->role), cur_role) != 0 ? "role"
                          : u->change_role && scope_differs(cur_scope, &u->scope)        ? "scope"
                          : u->disabled == 1                                             ? "disabled"
                                                                                         : NULL;
        if (bad)
            return tx_err_set(&call->err, 400, "invalid_field", bad, M_ACCOUNT_SELF);
    }
    return 0;
}

static int users_update_commit(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *cur, *out;
    user_change u;
    pw_carry *pc = call->carry;
    if (call_param_id(call, 0, &id) || store_user_get(c, id, &cur, &call->err))
        return -1;
    int rc = read_user_change(call, c, id, cur, &u);
    json_decref(cur);
    if (rc)
        return -1;
    store_user_change ch = {.role = u.change_role ? &u.role : NULL,
                            .scope = u.change_role ? &u.scope : NULL,
                            .disabled = u.disabled,
                            .pwhash = pc ? pc->pwhash : NULL};
    char actor[96], detail[200];
    snprintf(detail, sizeof detail, "%s%s%s%s%s%s", u.change_role ? "role=" : "",
             u.change_role ? tx_role_name(u.role) : "", u.change_role ? " scope=" : "",
             u.change_role ? (u.scope.code[0] ? u.scope.code : "-") : "",
             u.disabled < 0 ? "" : u.disabled ? " disabled" : " enabled",
             pc ? (pc->generated[0] ? " password=reset" : " password=set") : "");
    call_actor(call, actor, sizeof actor);
    if (store_user_update(c, id, &ch, &call->err) ||
        store_audit(c, actor, "user_update", "user", id, detail[0] == ' ' ? detail + 1 : detail, &call->err) ||
        store_user_get(c, id, &out, &call->err))
        return -1;
    if (pc && pc->generated[0])
        json_object_set_new(out, "password", json_string(pc->generated));
    return call_json(call, 200, out);
}

/* PATCH /api/v1/users/{id}: checked (and a new password hashed) on a
 * reader, written on the writer. */
int api_users_update(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *cur;
    user_change u;
    if (call_param_id(call, 0, &id) || store_user_get(c, id, &cur, &call->err))
        return -1;
    int rc = read_user_change(call, c, id, cur, &u);
    json_decref(cur);
    if (rc || ((u.password || u.reset) && carry_password(call, u.password)))
        return -1;
    call->then_write = users_update_commit;
    return 0;
}

/* ---- API keys ---- */

int api_keys_list(tx_call *call, store_conn *c)
{
    store_account_filter f;
    json_t *out;
    if (read_filter(call, key_roles, &f) || store_apikey_page(c, &f, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_keys_create(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"name", "role", "scope", NULL};
    const char *name = NULL, *role_name = NULL, *scope_code = NULL;
    tx_role role = TX_ROLE_API_CLIENT;
    tx_scope scope;
    if (call_body_only(call, fields) || call_body_str(call, "name", 1, KEY_NAME_MAX_CHARS, &name) ||
        call_body_str(call, "role", 0, 32, &role_name) || (role_name && read_role(call, role_name, key_roles, &role)) ||
        call_body_str(call, "scope", 0, 64, &scope_code) ||
        store_scope_resolve(c, role, scope_code, &scope, &call->err) || authorize_grant(call, c, role, &scope))
        return -1;
    /* As `tongxin apikey create`: "tx_" marks the string as a tongxin key
     * in logs and secret scanners; only its hash and first characters are
     * stored. */
    char raw[TX_TOKEN_LEN + 1], key[TX_TOKEN_LEN + 4], hash[TX_TOKEN_HASH_LEN + 1], prefix[12], actor[96],
        detail[160];
    tx_token_new(raw);
    snprintf(key, sizeof key, "tx_%s", raw);
    tx_token_hash(key, strlen(key), hash);
    snprintf(prefix, sizeof prefix, "%.10s", key);
    snprintf(detail, sizeof detail, "%s %s %s", name, tx_role_name(role), scope.code[0] ? scope.code : "-");
    call_actor(call, actor, sizeof actor);
    int64_t id;
    json_t *out;
    if (store_apikey_create(c, name, hash, prefix, role, &scope, &id, &call->err) ||
        store_audit(c, actor, "apikey_create", "api_key", id, detail, &call->err) ||
        store_apikey_get(c, id, &out, &call->err))
        return -1;
    /* The one time the key is shown. */
    json_object_set_new(out, "key", json_string(key));
    return call_json(call, 201, out);
}

int api_keys_revoke(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *cur;
    char actor[96];
    if (call_param_id(call, 0, &id) || store_apikey_get(c, id, &cur, &call->err))
        return -1;
    int rc = authorize_existing(call, c, cur);
    if (rc == 0 && !json_is_null(json_object_get(cur, "revoked_at")))
        rc = tx_err_set(&call->err, 409, "already_ended", "id", M_KEY_REVOKED, call->params[0]);
    json_decref(cur);
    call_actor(call, actor, sizeof actor);
    if (rc || store_apikey_revoke(c, id, &call->err) ||
        store_audit(c, actor, "apikey_revoke", "api_key", id, NULL, &call->err))
        return -1;
    call->status = 204;
    return 0;
}
