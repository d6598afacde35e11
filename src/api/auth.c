/* auth: sign-in with a password (session cookie + CSRF token), sign-out,
 * and "who am I". Programs use API keys instead (Authorization: Bearer).
 *
 * Sign-in verifies the argon2id hash on a reader thread (it costs tens of
 * milliseconds of CPU and must not hold up the writer), then stores the
 * session on the writer. Failed sign-ins are throttled per login and per
 * client address. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/limiter.h"
#include "base/secret.h"

#define SESSION_TTL_MS (12LL * 3600 * 1000)

static tx_limiter *fail_by_login, *fail_by_ip;

/* A hash to verify against when the login is unknown, so that unknown and
 * known logins take the same time. Made once at start. */
static char dummy_hash[TX_PWHASH_LEN];

int api_auth_init(void)
{
    /* 5 failures per login, 30 per address, in 15 minutes. */
    fail_by_login = tx_limiter_new(5, 15 * 60 * 1000, 4096);
    fail_by_ip = tx_limiter_new(30, 15 * 60 * 1000, 4096);
    if (tx_password_hash("tongxin-timing-equaliser", dummy_hash))
        return -1;
    return fail_by_login && fail_by_ip ? 0 : -1;
}

json_t *api_principal_json(const tx_principal *p)
{
    json_t *scope = p->scope.kind == TX_SCOPE_NONE
                        ? json_null()
                        : json_pack("{s:s, s:I, s:s}", "kind", p->scope.kind == TX_SCOPE_AREA ? "area" : "org", "id",
                                    (json_int_t)p->scope.id, "code", p->scope.code);
    return json_pack("{s:s, s:s, s:o}", "login", p->login, "role", tx_role_name(p->role), "scope", scope);
}

static int login_commit(tx_call *call, store_conn *c)
{
    char token[TX_TOKEN_LEN + 1], csrf[TX_TOKEN_LEN + 1], hash[TX_TOKEN_HASH_LEN + 1];
    tx_token_new(token);
    tx_token_new(csrf);
    tx_token_hash(token, strlen(token), hash);
    if (store_session_create(c, call->who.user_id, hash, csrf, call->now_ms, call->now_ms + SESSION_TTL_MS,
                             &call->err) ||
        store_audit(c, "system", "sign_in", "user", call->who.user_id, call->who.login, &call->err))
        return -1;
    snprintf(call->set_cookie[0], sizeof call->set_cookie[0],
             "tx_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", token, SESSION_TTL_MS / 1000,
             call->tls ? "; Secure" : "");
    json_t *out = json_pack("{s:o, s:s}", "user", api_principal_json(&call->who), "csrf_token", csrf);
    return call_json(call, 200, out);
}

int api_auth_login(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"login", "password", NULL};
    const char *login = NULL, *password = NULL;
    if (call_body_only(call, fields) || call_body_str(call, "login", 1, 64, &login) ||
        call_body_text(call, "password", 1, 1024, &password))
        return -1;
    char ipkey[64], loginkey[80];
    snprintf(ipkey, sizeof ipkey, "ip:%s", call->client_ip);
    snprintf(loginkey, sizeof loginkey, "login:%s", login);
    int wait = tx_limiter_check(fail_by_login, loginkey, call->now_ms);
    int wait_ip = tx_limiter_check(fail_by_ip, ipkey, call->now_ms);
    if (wait_ip > wait)
        wait = wait_ip;
    if (wait > 0) {
        call->retry_after = wait;
        return tx_err_set(&call->err, 429, "too_many_attempts", NULL, M_LOGIN_THROTTLED, wait);
    }
    char pwhash[TX_PWHASH_LEN];
    tx_principal p;
    int rc = store_user_for_login(c, login, pwhash, &p, &call->err);
    if (rc < 0)
        return -1;
    int ok = tx_password_verify(rc == 0 ? pwhash : dummy_hash, password) && rc == 0;
    if (!ok) {
        tx_limiter_hit(fail_by_login, loginkey, call->now_ms);
        tx_limiter_hit(fail_by_ip, ipkey, call->now_ms);
        return tx_err_set(&call->err, 401, "login_failed", NULL, M_LOGIN_FAILED);
    }
    tx_limiter_reset(fail_by_login, loginkey);
    call->who = p;
    call->then_write = login_commit;
    return 0;
}

int api_auth_logout(tx_call *call, store_conn *c)
{
    if (call->cred == CRED_SESSION) {
        char hash[TX_TOKEN_HASH_LEN + 1];
        tx_token_hash(call->credential, strlen(call->credential), hash);
        if (store_session_delete(c, hash, &call->err))
            return -1;
    }
    snprintf(call->set_cookie[0], sizeof call->set_cookie[0],
             "tx_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0%s", call->tls ? "; Secure" : "");
    call->status = 204;
    return 0;
}

int api_auth_me(tx_call *call, store_conn *c)
{
    (void)c;
    json_t *out = json_pack("{s:o}", "user", api_principal_json(&call->who));
    if (call->cred == CRED_SESSION)
        json_object_set_new(out, "csrf_token", json_string(call->session_csrf));
    json_object_set_new(out, "via", json_string(call->cred == CRED_SESSION ? "session" : "api_key"));
    return call_json(call, 200, out);
}
