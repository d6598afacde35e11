/* call: helpers handlers use to read input and write output (see call.h). */
#include "http/call.h"

#include <errno.h>
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "base/utf8.h"
#include "http/query.h"

int call_json(tx_call *call, int status, json_t *body)
{
    json_decref(call->out);
    call->status = status;
    call->out = body;
    return 0;
}

int call_fail(tx_call *call, const tx_err *err)
{
    call->err = *err;
    return -1;
}

const char *call_query(const tx_call *call, const char *name)
{
    for (int i = 0; i < call->nquery; i++)
        if (strcmp(call->query[i].name, name) == 0)
            return call->query[i].value;
    return NULL;
}

/* Parse a decimal id in 1..INT64_MAX. */
static int parse_id(const char *s, int64_t *out)
{
    if (s == NULL || *s < '1' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end != '\0' || v <= 0)
        return -1;
    *out = v;
    return 0;
}

int call_query_id(tx_call *call, const char *name, int64_t *out)
{
    const char *v = call_query(call, name);
    *out = 0;
    if (v == NULL || *v == '\0')
        return 0;
    if (parse_id(v, out))
        return tx_err_set_reason(&call->err, 400, "invalid_query", name, M_QUERY_INVALID, 0, 0, name, "必须是正整数编号", "not a positive integer id");
    return 0;
}

int call_query_double(tx_call *call, const char *name, int required, double min, double max, double *out)
{
    const char *v = call_query(call, name);
    if (v == NULL || *v == '\0') {
        if (required)
            return tx_err_set_reason(&call->err, 400, "missing_query", name, M_QUERY_INVALID, 0, 0, name, "必填", "required");
        return 0;
    }
    char *end;
    errno = 0;
    /* Plain decimal only: strtod would also take hex, "inf" and "nan". */
    int plain = strspn(v, "0123456789.-+eE") == strlen(v);
    double d = plain ? strtod(v, &end) : 0;
    if (!plain || errno || *end != '\0' || !isfinite(d) || d < min || d > max) {
        char why[96];
        snprintf(why, sizeof why, call->lang == TX_LANG_ZH ? "必须是 %.10g 到 %.10g 之间的数" : "must be a number from %.10g to %.10g",
                 min, max);
        return tx_err_set(&call->err, 400, "invalid_query", name, M_QUERY_INVALID, name, why);
    }
    *out = d;
    return 0;
}

int call_query_date(tx_call *call, const char *name, char out[11])
{
    const char *v = call_query(call, name);
    if (v == NULL || *v == '\0') {
        /* Today where the deployment is (Asia/Shanghai, no DST). */
        time_t t = (time_t)(call->now_ms / 1000) + 8 * 3600;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(out, 11, "%Y-%m-%d", &tm);
        return 0;
    }
    int64_t ms;
    if (strlen(v) != 10 || tx_time_parse(v, 480, &ms, NULL))
        return tx_err_query(&call->err, name, "必须是 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date");
    memcpy(out, v, 11);
    return 0;
}

int call_query_enum(tx_call *call, const char *name, const char *const *values, const char **out)
{
    const char *v = call_query(call, name);
    *out = NULL;
    if (v == NULL || *v == '\0')
        return 0;
    char list[256] = "";
    for (const char *const *p = values; *p; p++) {
        if (strcmp(*p, v) == 0) {
            *out = *p;
            return 0;
        }
        if (strlen(list) + strlen(*p) + 3 < sizeof list) {
            if (list[0])
                strcat(list, ", ");
            strcat(list, *p);
        }
    }
    char why[300];
    snprintf(why, sizeof why, call->lang == TX_LANG_ZH ? "必须是以下之一：%s" : "must be one of: %s", list);
    return tx_err_set(&call->err, 400, "invalid_query", name, M_QUERY_INVALID, name, why);
}

int call_query_page(tx_call *call, int def, int max, int *limit, int *offset)
{
    double l = def, o = 0;
    if (call_query_double(call, "limit", 0, 1, max, &l) || call_query_double(call, "offset", 0, 0, 1e9, &o))
        return -1;
    if (l != (int)l || o != (int)o)
        return tx_err_set(&call->err, 400, "invalid_query", l != (int)l ? "limit" : "offset", M_QUERY_INVALID,
                          l != (int)l ? "limit" : "offset", call->lang == TX_LANG_ZH ? "必须是整数" : "must be an integer");
    *limit = (int)l;
    *offset = (int)o;
    return 0;
}

int call_param_id(tx_call *call, int i, int64_t *out)
{
    if (i >= call->nparams || parse_id(call->params[i], out))
        return tx_err_set(&call->err, 404, "not_found", "id", M_ID_INVALID, i < call->nparams ? call->params[i] : "");
    return 0;
}

/* Count characters of valid UTF-8 and refuse control characters — C0 (but
 * newline, carriage return and tab in multi-line text), DEL, and C1
 * (U+0080-U+009F, encoded C2 80-C2 9F) — which have no place in names,
 * notes or reports. */
static int text_chars(const char *s, size_t len, int multiline, int *chars)
{
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
            return -1;
        if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9F)
            return -1;
        if ((c & 0xC0) != 0x80)
            n++;
    }
    *chars = n;
    return 0;
}

static int body_text(tx_call *call, const char *field, int required, int max_chars, int multiline, const char **out)
{
    json_t *v = call->body ? json_object_get(call->body, field) : NULL;
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(&call->err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
        return 0;
    }
    if (!json_is_string(v))
        return tx_err_set(&call->err, 400, "invalid_field", field, M_FIELD_TYPE, field,
                          call->lang == TX_LANG_ZH ? "字符串" : "a string");
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    int chars;
    /* jansson already refuses invalid UTF-8 and escaped NULs (\u0000)
     * in a document; the length check guards values built another way. */
    if (strlen(s) != len || text_chars(s, len, multiline, &chars))
        return tx_err_invalid(&call->err, field, "含有控制字符", "contains control characters");
    if (!tx_utf8_valid(s, len))
        return tx_err_set(&call->err, 400, "invalid_field", field, M_FIELD_BAD_UTF8, field);
    if (chars > max_chars)
        return tx_err_set(&call->err, 400, "invalid_field", field, M_FIELD_TOO_LONG, field, max_chars);
    if (required && chars == 0)
        return tx_err_set(&call->err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
    *out = s;
    return 0;
}

int call_body_str(tx_call *call, const char *field, int required, int max_chars, const char **out)
{
    return body_text(call, field, required, max_chars, 0, out);
}

int call_body_text(tx_call *call, const char *field, int required, int max_chars, const char **out)
{
    return body_text(call, field, required, max_chars, 1, out);
}

int call_body_double(tx_call *call, const char *field, int required, double min, double max, double *out)
{
    json_t *v = call->body ? json_object_get(call->body, field) : NULL;
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(&call->err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
        return 0;
    }
    if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < min ||
        json_number_value(v) > max) {
        char what[96];
        snprintf(what, sizeof what, call->lang == TX_LANG_ZH ? "%g 到 %g 之间的数" : "a number from %g to %g", min, max);
        return tx_err_set(&call->err, 400, "invalid_field", field, M_FIELD_TYPE, field, what);
    }
    *out = json_number_value(v);
    return 0;
}

int call_body_int(tx_call *call, const char *field, int required, int64_t min, int64_t max, int64_t *out)
{
    json_t *v = call->body ? json_object_get(call->body, field) : NULL;
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(&call->err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        char what[96];
        snprintf(what, sizeof what, call->lang == TX_LANG_ZH ? "%lld 到 %lld 之间的整数" : "an integer from %lld to %lld",
                 (long long)min, (long long)max);
        return tx_err_set(&call->err, 400, "invalid_field", field, M_FIELD_TYPE, field, what);
    }
    *out = json_integer_value(v);
    return 0;
}

int call_body_bool(tx_call *call, const char *field, int required, int *out)
{
    json_t *v = call->body ? json_object_get(call->body, field) : NULL;
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(&call->err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
        return 0;
    }
    if (!json_is_boolean(v))
        return tx_err_set(&call->err, 400, "invalid_field", field, M_FIELD_TYPE, field,
                          call->lang == TX_LANG_ZH ? "true 或 false" : "true or false");
    *out = json_is_true(v);
    return 0;
}

int call_body_only(tx_call *call, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(call->body, key, v)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            char shown[64];
            /* The name is echoed back: keep it short and printable. */
            snprintf(shown, sizeof shown, "%s", tx_utf8_valid(key, strlen(key)) ? key : "?");
            tx_utf8_trim(shown);
            return tx_err_set(&call->err, 400, "unknown_field", shown, M_FIELD_UNKNOWN, shown);
        }
    }
    return 0;
}

int call_multipart_parts(tx_call *call, http_multipart_part *parts, int max, int *n)
{
    return http_multipart_parse(call->raw_body, call->raw_body_len, call->multipart_boundary, parts, max, n,
                                &call->err);
}

void call_actor(const tx_call *call, char *out, size_t outsz)
{
    if (call->who.user_id)
        snprintf(out, outsz, "user:%s", call->who.login);
    else if (call->who.apikey_id)
        snprintf(out, outsz, "apikey:%s", call->who.login);
    else
        snprintf(out, outsz, "anonymous");
}

int call_authorize(tx_call *call, tx_action a, const tx_place *place)
{
    tx_authz d = tx_authz_decide(&call->who, a, place);
    if (d == TX_AUTHZ_ALLOW)
        return 0;
    if (d == TX_AUTHZ_NEED_AUTH)
        return tx_err_set(&call->err, 401, "unauthenticated", NULL, M_AUTH_REQUIRED);
    return tx_err_set(&call->err, 403, "forbidden", NULL, M_FORBIDDEN, tx_role_name(call->who.role),
                      tx_action_label(a, call->lang));
}
