/* open311: Open311 GeoReport v2 at /open311/v2 — discovery, services,
 * service definitions, service requests (submit, list, one), tokens, and
 * mySociety's servicerequestupdates — in XML (the required format) and
 * JSON, picked by the path's .xml / .json suffix.
 *
 * It is a face of the native API, not a second one: categories are the
 * services (a category's code is the service_code), a submitted request
 * goes through the native intake (api/cases.h: placed, routed, deadlines,
 * rate-limited per API key) with channel "open311", and what is read back
 * is the public view of cases (store/open311.h): never the reporter's
 * name, phone or email, never internal notes, never spam.
 *
 * Errors take Open311's shape, [{code, description}] or
 * <errors><error>…</error></errors>, with 403 for a missing or wrong
 * api_key, 404 for what does not exist and 400 for the rest of the
 * caller's mistakes (api_open311_render_error, set on every route). Status:
 * closed, merged and invalid cases are "closed", every other state "open"
 * — a resolved case waits for the resident's rating and can still be
 * reopened, so it is open until that ends. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/cases.h"
#include "api/catalogue.h"
#include "base/secret.h"
#include "base/time.h"
#include "base/utf8.h"
#include "http/xml.h"
#include "store/open311.h"

#define DAY_MS (24LL * 3600 * 1000)
#define DEFAULT_SPAN_MS (90 * DAY_MS) /* "Default query limit is a span of 90 days …" */
#define MAX_PAGE_SIZE 1000            /* "… or first 1000 requests returned" */
#define UTC8 480                      /* the deployment's offset, minutes east of UTC */

static char jurisdiction[128] = "danshui.huiyang.huizhou.cn";

void api_open311_configure(const char *jurisdiction_id)
{
    if (jurisdiction_id && *jurisdiction_id)
        snprintf(jurisdiction, sizeof jurisdiction, "%s", jurisdiction_id);
}

/* Element names of nested arrays in the XML forms (the spec's examples). */
static const http_xml_name xml_names[] = {
    {"attributes", "attribute"}, {"values", "value"}, {"endpoints", "endpoint"}, {"formats", "format"}, {NULL, NULL},
};

/* ---- format, parameters, answers ---- */

typedef enum { FMT_XML, FMT_JSON, FMT_OTHER } o311_fmt;

/* The format asked for, from the route's last path parameter: the whole
 * of it for "….{fmt}" patterns ("json"), the part after its last dot for
 * "…/{file}" ones ("42.json", whose stem "42" goes to stem). */
static o311_fmt fmt_of(const tx_call *call, char *stem, size_t stemsz, const char **ext_out)
{
    const char *p = call->nparams > 0 ? call->params[call->nparams - 1] : "";
    const char *ext = p;
    size_t pl = call->route ? strlen(call->route->pattern) : 0;
    int whole = pl >= 5 && strcmp(call->route->pattern + pl - 5, "{fmt}") == 0;
    if (stem && stemsz)
        stem[0] = '\0';
    if (!whole) {
        const char *dot = strrchr(p, '.');
        ext = dot ? dot + 1 : "";
        if (stem && dot)
            snprintf(stem, stemsz, "%.*s", (int)(dot - p), p);
    }
    if (ext_out)
        *ext_out = ext;
    return strcmp(ext, "xml") == 0 ? FMT_XML : strcmp(ext, "json") == 0 ? FMT_JSON : FMT_OTHER;
}

/* Text from outside, fit to be echoed in a message: short, UTF-8. */
static const char *shown(const char *s, char out[48])
{
    snprintf(out, 48, "%s", s && tx_utf8_valid(s, strlen(s)) ? s : "?");
    tx_utf8_trim(out);
    return out;
}

/* A query parameter; an empty one is absent ("Optional Arguments"). */
static const char *qparam(const tx_call *call, const char *name)
{
    const char *v = call_query(call, name);
    return v && *v ? v : NULL;
}

/* What every Open311 call checks first: a known format and, when a
 * jurisdiction_id is given (form body or query), ours. A wrong one is 404:
 * "jurisdiction_id provided was not found". */
static int begin(tx_call *call, char *stem, size_t stemsz)
{
    const char *ext;
    char s[48];
    if (fmt_of(call, stem, stemsz, &ext) == FMT_OTHER)
        return tx_err_set(&call->err, 404, "not_found", "format", M_OPEN311_FORMAT, shown(ext, s));
    json_t *jb = call->body ? json_object_get(call->body, "jurisdiction_id") : NULL;
    const char *j = json_is_string(jb) && *json_string_value(jb) ? json_string_value(jb) : qparam(call, "jurisdiction_id");
    if (jb && !json_is_string(jb))
        j = "?";
    if (j && strcmp(j, jurisdiction) != 0)
        return tx_err_set(&call->err, 404, "not_found", "jurisdiction_id", M_OPEN311_JURISDICTION, shown(j, s),
                          jurisdiction);
    return 0;
}

/* Answer 200 with v (stolen) in the asked format: JSON as it is, XML under
 * root, with item naming the entries of a top-level array. */
static int answer(tx_call *call, json_t *v, const char *root, const char *item)
{
    if (v == NULL)
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    if (fmt_of(call, NULL, 0, NULL) == FMT_JSON)
        return call_json(call, 200, v);
    size_t len;
    char *x = http_xml_render(v, root, item, xml_names, &len);
    json_decref(v);
    if (x == NULL)
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    free(call->out_raw);
    call->status = 200;
    call->out_raw = x;
    call->out_raw_len = len;
    call->out_type = "text/xml; charset=utf-8";
    return 0;
}

/* Replace every "from" in s (capacity cap) by "to". */
static void replace_all(char *s, size_t cap, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    char *p = s;
    while ((p = strstr(p, from)) != NULL) {
        size_t rest = strlen(p + fl);
        if ((size_t)(p - s) + tl + rest + 1 > cap)
            return;
        memmove(p + tl, p + fl, rest + 1);
        memcpy(p, to, tl);
        p += tl;
    }
}

/* The native intake's field names where Open311 has others. */
static const char *const renamed[][2] = {
    {"compound", "address_id"},      {"address", "address_string"}, {"name", "first_name"},
    {"attributes", "attribute"},     {"Authorization", "api_key"},
};

void api_open311_render_error(tx_call *call)
{
    tx_err *e = &call->err;
    /* "403 for errors because of wrong or missing api_key": the server
     * says 401 for a key it does not know. */
    if (e->status == 401)
        e->status = 403;
    char desc[sizeof e->msg[0] + 64];
    snprintf(desc, sizeof desc, "%s", e->msg[call->lang]);
    for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++)
        if (strcmp(e->field, renamed[i][0]) == 0) {
            char from[80], to[80];
            snprintf(from, sizeof from, call->lang == TX_LANG_ZH ? "“%s”" : "'%s'", renamed[i][0]);
            snprintf(to, sizeof to, call->lang == TX_LANG_ZH ? "“%s”" : "'%s'", renamed[i][1]);
            replace_all(desc, sizeof desc, from, to);
            snprintf(e->field, sizeof e->field, "%s", renamed[i][1]);
        }
    /* The description names the field at fault: most messages do; the
     * others ("area NOPE does not exist") get it in front. */
    size_t fl = strlen(e->field), dl = strlen(desc);
    if (fl && strstr(desc, e->field) == NULL && fl + 2 + dl < sizeof desc) {
        memmove(desc + fl + 2, desc, dl + 1);
        memcpy(desc, e->field, fl);
        memcpy(desc + fl, ": ", 2);
    }
    json_t *v = json_pack("[{s:i, s:s}]", "code", e->status, "description", desc);
    if (v == NULL) /* a message that is not UTF-8 would be our bug; never echo it */
        v = json_pack("[{s:i, s:s}]", "code", e->status, "description", "");
    if (fmt_of(call, NULL, 0, NULL) == FMT_JSON) {
        call->out = v;
        return;
    }
    size_t len;
    call->out_raw = http_xml_render(v, "errors", "error", xml_names, &len);
    json_decref(v);
    if (call->out_raw) {
        call->out_raw_len = len;
        call->out_type = "text/xml; charset=utf-8";
    }
}

/* ---- discovery ---- */

/* GET /open311/v2/discovery.{fmt}: where the endpoint is and what it
 * speaks. The changeset moves whenever the services or their definitions
 * (or routing) change: the catalogue's version, zero-padded so that it
 * sorts as text. */
int api_open311_discovery(tx_call *call, store_conn *c)
{
    const char *ext;
    char s[48];
    if (fmt_of(call, NULL, 0, &ext) == FMT_OTHER)
        return tx_err_set(&call->err, 404, "not_found", "format", M_OPEN311_FORMAT, shown(ext, s));
    int64_t version;
    if (store_catalogue_version(c, &version, &call->err))
        return -1;
    char changeset[24], url[200], contact[400];
    snprintf(changeset, sizeof changeset, "%012lld", (long long)version);
    if (call->host[0])
        snprintf(url, sizeof url, "%s://%s/open311/v2", call->tls ? "https" : "http", call->host);
    else
        snprintf(url, sizeof url, "/open311/v2");
    snprintf(contact, sizeof contact, tx_msg_text(M_OPEN311_CONTACT, call->lang), jurisdiction);
    json_t *v = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", changeset, "contact",
                          contact, "key_service", tx_msg_text(M_OPEN311_KEY_SERVICE, call->lang), "endpoints",
                          "specification", "http://wiki.open311.org/GeoReport_v2", "url", url, "changeset", changeset,
                          "type", "production", "formats", "text/xml", "application/json");
    return answer(call, v, "discovery", NULL);
}

/* ---- services ---- */

static const char *lang_str(const json_t *o, const char *key, const char *key_en, int en)
{
    const char *v = en ? json_string_value(json_object_get(o, key_en)) : NULL;
    if (v == NULL || *v == '\0')
        v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

/* GET /open311/v2/services.{fmt}: the active categories. */
int api_open311_services(tx_call *call, store_conn *c)
{
    if (begin(call, NULL, 0))
        return -1;
    json_t *cats;
    if (store_category_list(c, 0, &cats, &call->err))
        return -1;
    int en = call->lang == TX_LANG_EN;
    json_t *out = json_array();
    size_t i;
    json_t *k;
    json_array_foreach(cats, i, k)
    {
        json_t *attrs = json_object_get(k, "attributes");
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", lang_str(k, "code", "code", 0),
                           "service_name", lang_str(k, "name", "name_en", en), "description",
                           lang_str(k, "description", "description_en", en), "metadata",
                           json_is_array(attrs) && json_array_size(attrs) > 0, "type", "realtime", "keywords",
                           lang_str(k, "keywords", "keywords", 0), "group", lang_str(k, "group", "group_en", en)));
    }
    json_decref(cats);
    return answer(call, out, "services", "service");
}

static json_t *copy_or(const json_t *o, const char *key, json_t *dflt)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL) /* absent: the default (an absent field is not a null one) */
        return dflt;
    json_decref(dflt);
    return json_deep_copy(v);
}

/* GET /open311/v2/services/{service_code}.{fmt}: the service definition. */
int api_open311_service(tx_call *call, store_conn *c)
{
    char code[160], s[48];
    if (begin(call, code, sizeof code))
        return -1;
    json_t *k = NULL;
    if (code[0] == '\0' || store_category_get(c, code, &k, &call->err) || !json_is_true(json_object_get(k, "active"))) {
        json_decref(k);
        if (call->err.status && call->err.status != 404)
            return -1;
        return tx_err_set(&call->err, 404, "not_found", "service_code", M_OPEN311_SERVICE, shown(code, s));
    }
    json_t *attrs = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(k, "attributes"), i, a)
    {
        const char *type = json_string_value(json_object_get(a, "datatype"));
        json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "variable",
                              copy_or(a, "variable", json_true()), "code", copy_or(a, "code", json_string("")),
                              "datatype", copy_or(a, "datatype", json_string("string")), "required",
                              copy_or(a, "required", json_false()), "datatype_description",
                              copy_or(a, "datatype_description", json_null()), "order",
                              copy_or(a, "order", json_integer((json_int_t)i + 1)), "description",
                              copy_or(a, "description", json_string("")));
        if (type && strstr(type, "valuelist")) {
            json_t *values = json_array();
            size_t j;
            json_t *x;
            json_array_foreach(json_object_get(a, "values"), j, x)
                json_array_append_new(values, json_pack("{s:o, s:o}", "key", copy_or(x, "key", json_string("")),
                                                        "name", copy_or(x, "name", json_string(""))));
            json_object_set_new(o, "values", values);
        }
        json_array_append_new(attrs, o);
    }
    json_t *v = json_pack("{s:s, s:o}", "service_code", code, "attributes", attrs);
    json_decref(k);
    return answer(call, v, "service_definition", NULL);
}

/* ---- POST requests ---- */

/* Form field name as a string: NULL when absent or empty; 400 when it was
 * given more than once. */
static int form_str(tx_call *call, const char *name, const char **out)
{
    json_t *v = json_object_get(call->body, name);
    *out = NULL;
    if (v == NULL)
        return 0;
    if (!json_is_string(v))
        return tx_err_invalid(&call->err, name, "只能给一次", "may be given only once");
    if (*json_string_value(v))
        *out = json_string_value(v);
    return 0;
}

/* A coordinate given as text: a plain decimal number in [min, max]. */
static int coordinate(tx_call *call, const char *name, const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    /* Plain decimal only: strtod would also take hex, "inf" and "nan". */
    double d = strspn(s, "0123456789.-+eE") == strlen(s) ? strtod(s, &end) : NAN;
    if (isnan(d) || errno || *end != '\0' || !isfinite(d) || d < min || d > max) {
        char zh[64], en[64];
        snprintf(zh, sizeof zh, "必须是 %g 到 %g 之间的数", min, max);
        snprintf(en, sizeof en, "must be a number from %g to %g", min, max);
        return tx_err_invalid(&call->err, name, zh, en);
    }
    *out = d;
    return 0;
}

static int all_cjk(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x80)
            return 0;
    return 1;
}

/* The datatype of the attribute code among a category's definitions, or
 * NULL. */
static const char *datatype_of(const json_t *defs, const char *code)
{
    size_t i;
    json_t *a;
    json_array_foreach(defs, i, a)
    {
        const char *c = json_string_value(json_object_get(a, "code"));
        if (c && strcmp(c, code) == 0)
            return json_string_value(json_object_get(a, "datatype"));
    }
    return NULL;
}

/* "attribute[code]=v" and "attribute[code][]=v…" as {code: v or [v…]},
 * empty values left out. A list of one for an attribute that takes one
 * value (clients that send every attribute with []) is that value. */
static json_t *form_attributes(const json_t *form, const json_t *defs)
{
    json_t *attrs = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)form, key, v)
    {
        size_t kl = strlen(key);
        if (kl <= 11 || strncmp(key, "attribute[", 10) != 0 || key[kl - 1] != ']')
            continue;
        char code[128];
        if (kl - 11 >= sizeof code)
            continue;
        memcpy(code, key + 10, kl - 11);
        code[kl - 11] = '\0';
        if (json_is_string(v)) {
            if (*json_string_value(v))
                json_object_set(attrs, code, v);
            continue;
        }
        json_t *list = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) if (json_is_string(x) && *json_string_value(x)) json_array_append(list, x);
        const char *type = datatype_of(defs, code);
        if (json_array_size(list) == 1 && !(type && strcmp(type, "multivaluelist") == 0))
            json_object_set(attrs, code, json_array_get(list, 0));
        else if (json_array_size(list))
            json_object_set(attrs, code, list);
        json_decref(list);
    }
    return attrs;
}

static int open311_store(tx_call *call, store_conn *c);

/* POST /open311/v2/requests.{fmt} (application/x-www-form-urlencoded),
 * reader half: check the api_key and the Open311 fields, turn them into
 * the native intake's, and let the intake place and route the report. */
int api_open311_post(tx_call *call, store_conn *c)
{
    if (begin(call, NULL, 0))
        return -1;
    if (call->who.apikey_id == 0)
        return tx_err_set(&call->err, 403, "api_key_required", "api_key", M_OPEN311_API_KEY);
    const char *code, *slat, *slon, *address, *address_id, *email, *first, *last, *phone, *description, *media;
    if (form_str(call, "service_code", &code) || form_str(call, "lat", &slat) || form_str(call, "long", &slon) ||
        form_str(call, "address_string", &address) || form_str(call, "address_id", &address_id) ||
        form_str(call, "email", &email) || form_str(call, "first_name", &first) ||
        form_str(call, "last_name", &last) || form_str(call, "phone", &phone) ||
        form_str(call, "description", &description) || form_str(call, "media_url", &media))
        return -1;
    if (code == NULL)
        return tx_err_set(&call->err, 400, "missing_field", "service_code", M_FIELD_REQUIRED, "service_code");
    double lat = 0, lon = 0;
    if ((slat || slon) && !(slat && slon))
        return tx_err_set(&call->err, 400, "missing_field", slat ? "long" : "lat", M_FIELD_REQUIRED,
                          slat ? "long" : "lat");
    if (slat && (coordinate(call, "lat", slat, -90, 90, &lat) || coordinate(call, "long", slon, -180, 180, &lon)))
        return -1;
    if (!slat && !address && !address_id)
        return tx_err_set_reason(&call->err, 400, "missing_field", "lat", M_FIELD_INVALID, 0, 0, "lat",
                                 "请给出位置：lat 和 long、address_string 或 address_id",
                                 "give a location: lat and long, address_string or address_id");
    if (media && ((strncmp(media, "https://", 8) != 0 && strncmp(media, "http://", 7) != 0) ||
                  strlen(media) > 500 || strpbrk(media, " \t\r\n\"<>\\") != NULL))
        return tx_err_invalid(&call->err, "media_url", "必须是 http(s) 网址，不超过 500 个字符",
                              "must be an http(s) URL of at most 500 characters");
    /* The service must exist and be offered: 404 ("service_code … was not
     * found"). Its name stands in for a description not given. */
    catalogue_hold *h = catalogue_acquire(c, &call->err);
    if (h == NULL)
        return -1;
    const store_category *k = store_catalogue_category(h->cat, code);
    char service_name[256] = "";
    json_t *attrs = NULL;
    int offered = k && k->active;
    if (offered) {
        snprintf(service_name, sizeof service_name, "%s", k->name);
        tx_utf8_trim(service_name);
        attrs = form_attributes(call->body, k->attributes);
    }
    catalogue_release(h);
    char s[48];
    if (!offered)
        return tx_err_set(&call->err, 404, "not_found", "service_code", M_OPEN311_SERVICE, shown(code, s));
    if (attrs == NULL)
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    /* One name: "John Smith", or 刘学政 from last_name 刘 and first_name 学政. */
    char name[256] = "";
    if (first && last)
        snprintf(name, sizeof name, all_cjk(first) && all_cjk(last) ? "%2$s%1$s" : "%1$s %2$s", first, last);
    else if (first || last)
        snprintf(name, sizeof name, "%s", first ? first : last);
    tx_utf8_trim(name);

    json_t *in = json_object();
    json_object_set_new(in, "service_code", json_string(code));
    json_object_set_new(in, "description", json_string(description ? description : service_name));
    if (slat) {
        json_object_set_new(in, "lat", json_real(lat));
        json_object_set_new(in, "long", json_real(lon));
    }
    if (address)
        json_object_set_new(in, "address", json_string(address));
    if (address_id)
        json_object_set_new(in, "compound", json_string(address_id));
    if (name[0])
        json_object_set_new(in, "name", json_string(name));
    if (phone)
        json_object_set_new(in, "phone", json_string(phone));
    if (email)
        json_object_set_new(in, "email", json_string(email));
    if (json_object_size(attrs))
        json_object_set_new(in, "attributes", attrs);
    else
        json_decref(attrs);
    /* Not an intake field (it ignores it): kept for the writer half. */
    if (media)
        json_object_set_new(in, "media_url", json_string(media));
    json_decref(call->body);
    call->body = in;
    if (case_intake_begin(call, c, "open311"))
        return -1;
    call->then_write = open311_store;
    return 0;
}

/* Writer half: store the case, answer with its id. The answer also has
 * the reporter's tracking token: the submitting system hands it to the
 * resident, who follows and rates the case with it. */
static int open311_store(tx_call *call, store_conn *c)
{
    int64_t id;
    const char *token;
    json_t *native;
    if (case_intake_commit(call, c, &id, &token, &native))
        return -1;
    const char *media = json_string_value(json_object_get(call->body, "media_url"));
    if (media && store_open311_set_media_url(c, id, media, &call->err)) {
        json_decref(native);
        return -1;
    }
    int en = call->lang == TX_LANG_EN;
    json_t *routing = json_object_get(native, "routing");
    const char *reason = json_string_value(json_object_get(routing, en ? "reason_en" : "reason"));
    /* the resolve deadline, as the native answer gives it (W3C text or ms) */
    json_t *resolve = json_object_get(json_object_get(native, "deadlines"), "resolve");
    char due[TX_TIME_STRLEN], notice[700], idtext[24];
    if (json_is_integer(resolve))
        tx_time_format(json_integer_value(resolve), UTC8, due);
    else
        snprintf(due, sizeof due, "%s", json_is_string(resolve) ? json_string_value(resolve) : "?");
    snprintf(notice, sizeof notice, tx_msg_text(M_OPEN311_NOTICE, call->lang), reason ? reason : "", due);
    tx_utf8_trim(notice);
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    json_t *v = json_pack("[{s:s, s:s, s:s, s:n}]", "service_request_id", idtext, "token", token, "service_notice",
                          notice, "account_id");
    json_decref(native);
    return answer(call, v, "service_requests", "request");
}

/* ---- GET requests ---- */

static int is_closed(const char *state)
{
    return state && (strcmp(state, "closed") == 0 || strcmp(state, "merged") == 0 || strcmp(state, "invalid") == 0);
}

static json_t *w3c(const json_t *ms)
{
    if (!json_is_integer(ms))
        return json_null();
    char t[TX_TIME_STRLEN];
    return json_string(tx_time_format(json_integer_value(ms), UTC8, t));
}

/* Who is responsible, as people name them: the organisation (a property
 * company, a department), or the office of the case's own area. Before
 * anyone is handling it, whom the routing decided on. */
static json_t *agency(const json_t *row, int en)
{
    const char *kind = json_string_value(json_object_get(row, "handler"));
    const char *name = json_string_value(json_object_get(row, en ? "handler_name_en" : "handler_name"));
    const char *name_zh = json_string_value(json_object_get(row, "handler_name"));
    if (kind == NULL || strcmp(kind, "none") == 0) {
        kind = json_string_value(json_object_get(row, "route_handler"));
        name = json_string_value(json_object_get(row, en ? "route_handler_name_en" : "route_handler_name"));
        name_zh = json_string_value(json_object_get(row, "route_handler_name"));
    }
    if (name == NULL || *name == '\0')
        name = name_zh;
    tx_case_handler hk = TX_HANDLER_NONE;
    if (kind == NULL || tx_case_handler_parse(kind, &hk) || hk == TX_HANDLER_NONE)
        return json_null();
    if (name == NULL)
        return json_string(tx_case_handler_name(hk, en));
    char out[300];
    switch (hk) {
    case TX_HANDLER_GRID_WORKER: snprintf(out, sizeof out, en ? "grid worker of %s" : "%s网格员", name); break;
    case TX_HANDLER_COMMUNITY_OFFICE: snprintf(out, sizeof out, en ? "%s office" : "%s", name); break;
    case TX_HANDLER_STREET_OFFICE: snprintf(out, sizeof out, en ? "%s office" : "%s办事处", name); break;
    default: snprintf(out, sizeof out, "%s", name); break;
    }
    tx_utf8_trim(out);
    return json_string(out);
}

/* One store row as an Open311 service request, in the spec's order. */
static json_t *request_json(const json_t *row, int en)
{
    const char *state = json_string_value(json_object_get(row, "state"));
    int closed = is_closed(state);
    json_t *notes = json_object_get(row, "notes");
    tx_case_state st;
    json_t *status_notes = json_is_string(notes)                           ? json_incref(notes)
                           : state && tx_case_state_parse(state, &st) == 0 ? json_string(tx_case_state_name(st, en))
                                                                           : json_null();
    json_t *closed_at = json_object_get(row, "closed_at");
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
    json_t *o = json_object();
    json_object_set_new(o, "service_request_id", json_string(id));
    json_object_set_new(o, "status", json_string(closed ? "closed" : "open"));
    json_object_set_new(o, "status_notes", status_notes);
    json_object_set_new(o, "service_name",
                        json_string(lang_str(row, "category_name", "category_name_en", en)));
    json_object_set(o, "service_code", json_object_get(row, "category_code"));
    json_object_set(o, "description", json_object_get(row, "description"));
    json_object_set_new(o, "agency_responsible", agency(row, en));
    json_object_set_new(o, "service_notice", json_string(lang_str(row, "route_reason", "route_reason_en", en)));
    json_object_set_new(o, "requested_datetime", w3c(json_object_get(row, "submitted_at")));
    /* "For requests with status=closed, this will be the date the request
     * was closed." */
    json_object_set_new(o, "updated_datetime",
                        w3c(closed && json_is_integer(closed_at) ? closed_at : json_object_get(row, "updated_at")));
    json_object_set_new(o, "expected_datetime", w3c(json_object_get(row, "due_resolve")));
    json_object_set(o, "address", json_object_get(row, "address"));
    json_object_set(o, "address_id", json_object_get(row, "address_id"));
    json_object_set_new(o, "zipcode", json_null());
    json_object_set(o, "lat", json_object_get(row, "lat"));
    json_object_set(o, "long", json_object_get(row, "long"));
    json_object_set(o, "media_url", json_object_get(row, "media_url"));
    return o;
}

static json_t *requests_json(const json_t *rows, int en)
{
    json_t *a = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append_new(a, request_json(r, en));
    return a;
}

/* Query parameter name as a W3C date-time ("2026-01-01T00:00:00+08:00",
 * "…Z", or a date); *given 0 when absent. A '+' of the offset that the
 * client did not percent-encode arrives as a space: taken as the '+'. */
static int w3c_query(tx_call *call, const char *name, int64_t *ms, int *given)
{
    const char *v = qparam(call, name);
    *given = 0;
    if (v == NULL)
        return 0;
    char t[64];
    int off;
    int ok = strlen(v) < sizeof t;
    if (ok) {
        snprintf(t, sizeof t, "%s", v);
        ok = tx_time_parse(t, UTC8, ms, &off) == 0;
        char *tee = strchr(t, 'T'), *sp = tee ? strchr(tee, ' ') : NULL;
        if (!ok && sp) {
            *sp = '+';
            ok = tx_time_parse(t, UTC8, ms, &off) == 0;
        }
    }
    if (!ok)
        return tx_err_query(&call->err, name, "必须是 W3C 日期时间，如 2026-01-01T00:00:00+08:00",
                            "must be a W3C date-time, e.g. 2026-01-01T00:00:00+08:00");
    *given = 1;
    return 0;
}

/* start_date and end_date as [from, to]: at most 90 days apart; one alone
 * gives the 90 days after (or before) it; neither, the last 90 days. */
static int date_range(tx_call *call, int64_t *from, int64_t *to)
{
    int64_t s = 0, e = 0;
    int has_s, has_e;
    if (w3c_query(call, "start_date", &s, &has_s) || w3c_query(call, "end_date", &e, &has_e))
        return -1;
    if (has_s && has_e) {
        if (e < s)
            return tx_err_query(&call->err, "end_date", "不能早于 start_date", "must not be before start_date");
        if (e - s > DEFAULT_SPAN_MS)
            return tx_err_query(&call->err, "end_date", "与 start_date 相隔不能超过 90 天",
                                "may not be more than 90 days after start_date");
        *from = s, *to = e;
    } else if (has_s) {
        *from = s, *to = s + DEFAULT_SPAN_MS;
    } else if (has_e) {
        *from = e - DEFAULT_SPAN_MS, *to = e;
    } else {
        *from = call->now_ms - DEFAULT_SPAN_MS, *to = call->now_ms;
    }
    return 0;
}

/* The page and page_size extension: page_size 1-1000 (default 1000),
 * page from 1. */
static int paging(tx_call *call, int *limit, int *offset)
{
    double size = MAX_PAGE_SIZE, page = 1;
    if (call_query_double(call, "page_size", 0, 1, MAX_PAGE_SIZE, &size) ||
        call_query_double(call, "page", 0, 1, 1000000, &page))
        return -1;
    if (size != floor(size) || page != floor(page))
        return tx_err_query(&call->err, size != floor(size) ? "page_size" : "page", "必须是整数", "must be an integer");
    *limit = (int)size;
    *offset = (int)((page - 1) * size > 1e9 ? 1e9 : (page - 1) * size);
    return 0;
}

/* The next item of a comma-separated list (spaces around items dropped);
 * NULL at the end. */
static const char *next_item(const char **p, char *out, size_t outsz, int *too_long)
{
    while (**p == ',' || **p == ' ')
        (*p)++;
    if (**p == '\0')
        return NULL;
    const char *start = *p;
    while (**p && **p != ',')
        (*p)++;
    size_t n = (size_t)(*p - start);
    while (n > 0 && start[n - 1] == ' ')
        n--;
    *too_long = n >= outsz;
    snprintf(out, outsz, "%.*s", (int)(n < outsz ? n : outsz - 1), start);
    return out;
}

static int parse_id(const char *s, int64_t *out)
{
    if (*s < '1' || *s > '9' || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
        return -1;
    *out = strtoll(s, NULL, 10);
    return 0;
}

/* GET /open311/v2/requests.{fmt}: service_request_id (a list, which
 * overrides every other filter), service_code (a list), start_date,
 * end_date, status (a list), page, page_size. */
int api_open311_requests(tx_call *call, store_conn *c)
{
    if (begin(call, NULL, 0))
        return -1;
    store_open311_filter f = {0};
    int64_t *ids = NULL, *cats = NULL;
    json_t *rows = NULL;
    int rc = -1;
    char item[160];
    int too_long;
    const char *list = qparam(call, "service_request_id"), *p;
    if (list) {
        ids = malloc(STORE_OPEN311_MAX_IDS * sizeof *ids);
        if (ids == NULL)
            goto oom;
        for (p = list; next_item(&p, item, sizeof item, &too_long);) {
            if (f.n_ids == STORE_OPEN311_MAX_IDS) {
                tx_err_query(&call->err, "service_request_id", "一次最多 1000 个", "at most 1000 at a time");
                goto done;
            }
            if (too_long || parse_id(item, &ids[f.n_ids])) {
                tx_err_query(&call->err, "service_request_id", "必须是逗号分隔的服务请求编号",
                             "must be service request ids, comma-separated");
                goto done;
            }
            f.n_ids++;
        }
        f.ids = ids;
    }
    if (f.n_ids == 0) {
        if (paging(call, &f.limit, &f.offset) || date_range(call, &f.from, &f.to))
            goto done;
        if ((list = qparam(call, "status")) != NULL) {
            int open = 0, closed = 0;
            for (p = list; next_item(&p, item, sizeof item, &too_long);) {
                if (strcmp(item, "open") == 0)
                    open = 1;
                else if (strcmp(item, "closed") == 0)
                    closed = 1;
                else {
                    tx_err_query(&call->err, "status", "只能是 open、closed，或以逗号分隔的两者",
                                 "must be open, closed, or both comma-separated");
                    goto done;
                }
            }
            f.status = open && !closed ? 1 : closed && !open ? 2 : 0;
        }
        if ((list = qparam(call, "service_code")) != NULL) {
            catalogue_hold *h = catalogue_acquire(c, &call->err);
            if (h == NULL)
                goto done;
            int n = h->cat->n_categories;
            cats = malloc((size_t)(n > 0 ? n : 1) * sizeof *cats);
            int bad = cats == NULL;
            for (p = list; !bad && next_item(&p, item, sizeof item, &too_long);) {
                const store_category *k = too_long ? NULL : store_catalogue_category(h->cat, item);
                int dup = 0;
                for (int i = 0; k && i < f.n_categories; i++)
                    dup |= cats[i] == k->id;
                if (k == NULL) {
                    char s[48];
                    char zh[96], en[96];
                    snprintf(zh, sizeof zh, "没有服务类别“%s”", shown(item, s));
                    snprintf(en, sizeof en, "there is no service '%s'", s);
                    tx_utf8_trim(zh);
                    tx_utf8_trim(en);
                    tx_err_query(&call->err, "service_code", zh, en);
                    bad = 2;
                } else if (!dup) {
                    cats[f.n_categories++] = k->id;
                }
            }
            catalogue_release(h);
            if (bad == 1)
                goto oom;
            if (bad)
                goto done;
            f.category_ids = cats;
        }
    }
    if (store_open311_requests(c, &f, &rows, &call->err))
        goto done;
    rc = answer(call, requests_json(rows, call->lang == TX_LANG_EN), "service_requests", "request");
    goto done;
oom:
    tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
done:
    json_decref(rows);
    free(ids);
    free(cats);
    return rc;
}

/* GET /open311/v2/requests/{service_request_id}.{fmt}: one request, as a
 * list of one (the spec's response is service_requests). */
int api_open311_request(tx_call *call, store_conn *c)
{
    char stem[160], s[48];
    int64_t id;
    if (begin(call, stem, sizeof stem))
        return -1;
    json_t *rows = NULL;
    store_open311_filter f = {.ids = &id, .n_ids = 1};
    if (parse_id(stem, &id) == 0 && store_open311_requests(c, &f, &rows, &call->err))
        return -1;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return tx_err_set(&call->err, 404, "not_found", "service_request_id", M_OPEN311_REQUEST, shown(stem, s));
    }
    json_t *v = requests_json(rows, call->lang == TX_LANG_EN);
    json_decref(rows);
    return answer(call, v, "service_requests", "request");
}

/* GET /open311/v2/tokens/{token}.{fmt}: the request a tracking token
 * (from the POST's answer) belongs to. */
int api_open311_token(tx_call *call, store_conn *c)
{
    char token[160];
    if (begin(call, token, sizeof token))
        return -1;
    int64_t id = 0;
    size_t tl = strlen(token);
    if (tl > 0 && tl <= 64 &&
        strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == tl) {
        char hash[TX_TOKEN_HASH_LEN + 1];
        tx_token_hash(token, tl, hash);
        if (store_case_by_token(c, hash, &id, &call->err))
            return -1;
    }
    store_case_state b = {0};
    if (id && store_case_load(c, id, &b, &call->err))
        return -1;
    /* spam is not republished, not even to its token */
    if (id == 0 || b.snap.state == TX_CASE_INVALID)
        return tx_err_set(&call->err, 404, "not_found", "token", M_OPEN311_TOKEN);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    return answer(call, json_pack("[{s:s, s:s}]", "service_request_id", idtext, "token", token), "service_requests",
                  "request");
}

/* ---- mySociety's servicerequestupdates ---- */

/* An event's status in mySociety's extended set (lower case on GET). */
static const char *update_status(const char *action, const char *from, const char *to)
{
    if (strcmp(action, "refer") == 0 || strcmp(action, "escalate") == 0 || strcmp(to, "returned") == 0)
        return "internal_referral";
    static const char *const map[][2] = {
        {"submitted", "open"},           {"accepted", "investigating"}, {"dispatched", "action_scheduled"},
        {"in_progress", "in_progress"},  {"resolved", "fixed"},         {"reopened", "open"},
        {"merged", "duplicate"},
    };
    if (strcmp(to, "closed") == 0) /* closed after the resident saw it resolved: fixed */
        return from && strcmp(from, "resolved") == 0 ? "fixed" : "closed";
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(to, map[i][0]) == 0)
            return map[i][1];
    return "open";
}

/* GET /open311/v2/servicerequestupdates.{fmt}?start_date=&end_date=: the
 * public events in the range (the same 90-day rules as requests), oldest
 * first, with page and page_size. */
int api_open311_updates(tx_call *call, store_conn *c)
{
    int64_t from, to;
    int limit, offset;
    if (begin(call, NULL, 0) || paging(call, &limit, &offset) || date_range(call, &from, &to))
        return -1;
    json_t *rows;
    if (store_open311_updates(c, from, to, limit, offset, &rows, &call->err))
        return -1;
    int en = call->lang == TX_LANG_EN;
    json_t *a = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *action = json_string_value(json_object_get(r, "action"));
        const char *text = json_string_value(json_object_get(r, "text"));
        tx_case_action act;
        const char *what = text && *text                                   ? text
                           : action && tx_case_action_parse(action, &act) == 0 ? tx_case_action_name(act, en)
                           : en                                                ? "reported"
                                                                               : "提交诉求";
        char id[24], case_id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r, "id")));
        snprintf(case_id, sizeof case_id, "%lld", (long long)json_integer_value(json_object_get(r, "case_id")));
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:o, s:s, s:O}", "update_id", id, "service_request_id", case_id, "status",
                         update_status(action ? action : "", json_string_value(json_object_get(r, "from_state")),
                                       json_string_value(json_object_get(r, "to_state"))
                                           ? json_string_value(json_object_get(r, "to_state"))
                                           : ""),
                         "updated_datetime", w3c(json_object_get(r, "at")), "description", what, "media_url",
                         json_object_get(r, "media_url")));
    }
    json_decref(rows);
    return answer(call, a, "service_request_updates", "request_update");
}
