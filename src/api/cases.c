/* cases: residents' reports from intake to rating — the native API.
 *
 * A report comes in (POST /api/v1/cases), is placed (locate) and routed
 * (domain/routing) on a reader, and stored with its deadlines and a
 * tracking token on the writer. Staff take it through the state machine
 * (POST /api/v1/cases/{id}/actions, domain/case), the reporter follows and
 * rates it by the token, everyone sees its public record. Who sees what:
 * the reporter's name and phone only staff whose scope covers the case (and
 * its current handler); internal notes only staff involved; everyone else
 * the public view. */
#include "api/cases.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/catalogue.h"
#include "api/locator.h"
#include "base/limiter.h"
#include "base/secret.h"
#include "base/time.h"
#include "base/utf8.h"
#include "io/io.h"
#include "notify/webhooks.h"

/* ---- placing and routing ---- */

static void keep_name(char *dst, size_t n, const char *src, const char **ref)
{
    snprintf(dst, n, "%s", src ? src : "");
    *ref = dst;
}

/* The compound named by code, with its ancestors, from the store (the rare
 * path: a report without a point). */
static int place_compound(store_conn *c, const char *code, case_where *w, tx_err *err)
{
    int64_t id;
    if (store_area_id_by_code(c, code, &id, err)) {
        err->status = 400;
        snprintf(err->field, sizeof err->field, "compound");
        return -1;
    }
    int64_t anc[8];
    int n;
    if (store_area_ancestry(c, id, anc, 8, &n, err))
        return -1;
    int found_compound = 0;
    for (int i = 0; i < n; i++) {
        json_t *f;
        if (store_area_get(c, anc[i], &f, err))
            return -1;
        json_t *p = json_object_get(f, "properties");
        const char *kind = json_string_value(json_object_get(p, "kind"));
        const char *name = json_string_value(json_object_get(p, "name"));
        tx_route_area *a = NULL;
        int slot = -1;
        if (kind && strcmp(kind, "compound") == 0 && i == 0)
            a = &w->place.named_compound, slot = 4, found_compound = 1;
        else if (kind && strcmp(kind, "grid") == 0 && w->place.grid.id == 0)
            a = &w->place.grid, slot = 2;
        else if (kind && strcmp(kind, "community") == 0 && w->place.community.id == 0)
            a = &w->place.community, slot = 1;
        else if (kind && strcmp(kind, "street") == 0 && w->place.street.id == 0)
            a = &w->place.street, slot = 0;
        if (a) {
            a->id = anc[i];
            keep_name(w->names[slot], sizeof w->names[slot], name, &a->name);
        }
        json_decref(f);
    }
    if (!found_compound)
        return tx_err_invalid(err, "compound", "不是小区编码", "is not the code of a compound");
    return 0;
}

int case_locate(store_conn *c, const store_catalogue *cat, const store_category *k, int has_point, double lat,
                double lon, const char *compound_code, case_where *w, tx_err *err)
{
    memset(w, 0, sizeof *w);
    w->has_point = has_point;
    w->lat = lat;
    w->lon = lon;
    if (has_point) {
        locator_result r;
        if (locator_locate(lat, lon, &r) == 0) {
            const int kinds[4] = {TX_AREA_STREET, TX_AREA_COMMUNITY, TX_AREA_GRID, TX_AREA_COMPOUND};
            tx_route_area *slots[4] = {&w->place.street, &w->place.community, &w->place.grid, &w->place.compound};
            for (int i = 0; i < 4; i++)
                if (r.area[kinds[i]].id) {
                    slots[i]->id = r.area[kinds[i]].id;
                    keep_name(w->names[i], sizeof w->names[i], r.area[kinds[i]].name, &slots[i]->name);
                }
            w->place.inside_red_line = r.inside_red_line && w->place.compound.id != 0;
        }
    }
    if (compound_code && *compound_code) {
        case_where named = {0};
        if (place_compound(c, compound_code, &named, err))
            return -1;
        if (!has_point) {
            /* No point: the reporter says it is in that compound. The
             * names point into w's own buffers, not named's. */
            const tx_route_area *from[4] = {&named.place.street, &named.place.community, &named.place.grid,
                                            &named.place.named_compound};
            tx_route_area *to[4] = {&w->place.street, &w->place.community, &w->place.grid, &w->place.compound};
            const int slot[4] = {0, 1, 2, 4};
            for (int i = 0; i < 4; i++)
                if (from[i]->id) {
                    to[i]->id = from[i]->id;
                    keep_name(w->names[slot[i]], sizeof w->names[slot[i]], named.names[slot[i]], &to[i]->name);
                }
            w->place.inside_red_line = 1;
        } else if (w->place.compound.id != named.place.named_compound.id || !w->place.inside_red_line) {
            w->place.named_compound.id = named.place.named_compound.id;
            keep_name(w->names[4], sizeof w->names[4], named.names[4], &w->place.named_compound.name);
        }
    }
    if (w->place.street.id == 0 && cat->home_street_id) {
        w->place.street.id = cat->home_street_id;
        keep_name(w->names[0], sizeof w->names[0], cat->home_street_name, &w->place.street.name);
    }
    if (w->place.inside_red_line && w->place.compound.id) {
        const char *mname;
        w->place.property_company_id = store_catalogue_manager(cat, w->place.compound.id, &mname);
        if (w->place.property_company_id) {
            snprintf(w->manager, sizeof w->manager, "%s", mname ? mname : "");
            w->place.property_company_name = w->manager;
        }
    }
    tx_route_decide(&w->place, k->id, cat->rules, cat->n_rules, &w->route);
    if (w->route.rule) {
        w->rule = *w->route.rule;
        w->rule.org_name = NULL;
        w->rule.note[0] = w->rule.note[1] = NULL;
        w->route.rule = &w->rule;
    }
    return 0;
}

static json_t *ref(const tx_route_area *a, const char *kind)
{
    if (a->id == 0)
        return json_null();
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a->id, "name", a->name ? a->name : "", "kind", kind);
}

json_t *case_where_place_json(const case_where *w)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:b}", "street", ref(&w->place.street, "street"), "community",
                     ref(&w->place.community, "community"), "grid", ref(&w->place.grid, "grid"), "compound",
                     ref(&w->place.compound, "compound"), "inside_red_line", w->place.inside_red_line);
}

json_t *case_where_route_json(const case_where *w)
{
    const tx_route_decision *d = &w->route;
    return json_pack("{s:{s:s, s:s, s:s, s:I}, s:s, s:s, s:s, s:o, s:o}", "handler", "kind",
                     tx_case_handler_code(d->handler), "name", tx_case_handler_name(d->handler, 0), "name_en",
                     tx_case_handler_name(d->handler, 1), "id", (json_int_t)d->handler_id, "tier",
                     tx_tier_code(d->tier), "reason", d->reason[0], "reason_en", d->reason[1], "owner",
                     ref(&w->place.community, "community"), "rule_id",
                     d->rule ? json_integer(d->rule->id) : json_null());
}

int case_deadlines(const store_catalogue *cat, const store_category *k, int64_t t, int64_t *accept, int64_t *contact,
                   int64_t *resolve, tx_err *err)
{
    if (tx_cal_deadline(&cat->calendar, t, k->accept, accept) || tx_cal_deadline(&cat->calendar, t, k->contact, contact) ||
        tx_cal_deadline(&cat->calendar, t, k->resolve, resolve))
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    return 0;
}

/* ---- applying a step ---- */

int case_apply(store_conn *c, const store_case_state *b, const tx_case_request *r, store_step_in *s,
               tx_case_outcome *out, int64_t *event_id, tx_err *err)
{
    if (tx_case_decide(&b->snap, r, out) != 0)
        return tx_err_set_reason(err, out->status, out->code, out->field, M_CONFLICT, 0, 0, NULL, out->reason[0],
                                 out->reason[1]);
    s->public_event = out->public_event;
    return store_case_step(c, b, out, s, event_id, err);
}

/* ---- who sees what ---- */

typedef enum { VIEW_PUBLIC, VIEW_REPORTER, VIEW_STAFF } case_view;

static int is_current_handler(const tx_principal *p, const tx_case *k)
{
    if (p->scope.kind != TX_SCOPE_ORG)
        return 0;
    return (k->handler == TX_HANDLER_PROPERTY_COMPANY && p->role == TX_ROLE_MEMBER_UNIT && p->scope.id == k->handler_id) ||
           (p->role == TX_ROLE_DEPARTMENT_STAFF && (p->scope.id == k->department_id ||
                                                     (k->handler == TX_HANDLER_DEPARTMENT && p->scope.id == k->handler_id)));
}

/* Staff whose scope covers the case, and whoever is handling it (or was
 * referred it), see it whole. */
int api_case_staff_sees(const tx_principal *p, const tx_case *k)
{
    return tx_case_covers(p, k) || is_current_handler(p, k) ||
           (p->role == TX_ROLE_COMMUNITY_STAFF && p->scope.kind == TX_SCOPE_AREA && p->scope.id == k->community_id);
}

/* Whether token is the reporter's of case b: its own tracking token, or
 * that of a duplicate merged into it (the reporters of merged cases follow
 * the surviving one). */
static int token_matches(store_conn *c, const store_case_state *b, const char *token)
{
    if (token == NULL || *token == '\0')
        return 0;
    char h[TX_TOKEN_HASH_LEN + 1];
    tx_token_hash(token, strlen(token), h);
    if (tx_secret_equal(h, strlen(h), b->token_hash, strlen(b->token_hash)))
        return 1;
    int64_t other;
    store_case_state o;
    tx_err ignore;
    return store_case_by_token(c, h, &other, &ignore) == 0 && other != 0 &&
           store_case_load(c, other, &o, &ignore) == 0 && o.snap.merged_into == b->snap.id;
}

/* The actions this viewer may take now: each decided against the case with
 * what it requires filled in, so only state and role decide. */
static json_t *allowed_actions(const store_case_state *b, const tx_principal *p, int by_token, int64_t now)
{
    json_t *a = json_array();
    for (int i = 0; i < TX_CASE__ACTION_COUNT; i++) {
        tx_case merge_target = {.id = b->snap.id + 1, .state = TX_CASE_SUBMITTED};
        tx_case_request r = {.action = (tx_case_action)i,
                             .actor = p,
                             .reporter_token = by_token,
                             .now_ms = now,
                             .has_text = 1,
                             .public_note = 1,
                             .handler = TX_HANDLER_COMMUNITY_OFFICE,
                             .department_id = 1,
                             .due_ms = now + 1,
                             .solved = TX_SOLVED_YES,
                             .satisfaction = TX_SAT_SATISFIED,
                             .merge_into = &merge_target};
        tx_case_outcome o;
        /* A refusal that names a request field depends on what the person
         * chooses (the handler, the target of a merge), so the action is
         * still open to them; one that names none (already contacted, the
         * top tier, the reopen period over) is the case's state saying no. */
        if (tx_case_decide(&b->snap, &r, &o) == 0 || o.status == 400 || (o.status == 409 && o.field != NULL))
            json_array_append_new(a, json_string(tx_case_action_code((tx_case_action)i)));
    }
    return a;
}

/* ---- intake ---- */

/* Anonymous reports: per address and overall, so a flood cannot bury a
 * street's queue. API keys (a city's 12345 platform) have their own, far
 * higher limit per key. */
#define INTAKE_PER_IP 20
#define INTAKE_PER_IP_WINDOW_MS (10 * 60 * 1000)
#define INTAKE_ANON_GLOBAL 600
#define INTAKE_ANON_GLOBAL_WINDOW_MS (60 * 1000)
static tx_limiter *per_ip, *anon_global, *per_key;
static int key_rate_per_minute = 120000;
/* How long the reporter has to rate a resolved case before it closes by
 * itself (tongxin serve --rating-days). */
static int64_t rating_period_ms = TX_CASE_DEFAULT_RATING_PERIOD_MS;

void case_set_rating_period(int64_t ms)
{
    if (ms > 0)
        rating_period_ms = ms;
}

int64_t case_rating_period(void)
{
    return rating_period_ms;
}


int api_cases_init(int key_per_minute)
{
    api_cases_shutdown();
    if (key_per_minute > 0)
        key_rate_per_minute = key_per_minute;
    per_ip = tx_limiter_new(INTAKE_PER_IP, INTAKE_PER_IP_WINDOW_MS, 65536);
    anon_global = tx_limiter_new(INTAKE_ANON_GLOBAL, INTAKE_ANON_GLOBAL_WINDOW_MS, 4);
    per_key = tx_limiter_new(key_rate_per_minute, 60 * 1000, 4096);
    return per_ip && anon_global && per_key ? 0 : -1;
}

void api_cases_shutdown(void)
{
    tx_limiter_free(per_ip);
    tx_limiter_free(anon_global);
    tx_limiter_free(per_key);
    per_ip = anon_global = per_key = NULL;
}

static int throttle(tx_call *call)
{
    int wait = 0;
    if (call->who.apikey_id) {
        char key[32];
        snprintf(key, sizeof key, "k%lld", (long long)call->who.apikey_id);
        if ((wait = tx_limiter_check(per_key, key, call->now_ms)) == 0)
            tx_limiter_hit(per_key, key, call->now_ms);
    } else if (call->who.role == TX_ROLE_ANONYMOUS) {
        if ((wait = tx_limiter_check(per_ip, call->client_ip, call->now_ms)) == 0 &&
            (wait = tx_limiter_check(anon_global, "all", call->now_ms)) == 0) {
            tx_limiter_hit(per_ip, call->client_ip, call->now_ms);
            tx_limiter_hit(anon_global, "all", call->now_ms);
        }
    }
    if (wait) {
        call->retry_after = wait;
        return tx_err_set(&call->err, 429, "rate_limited", NULL, M_INTAKE_THROTTLED, wait);
    }
    return 0;
}

typedef struct {
    store_case_in in;
    case_where where;
    char token[TX_TOKEN_LEN + 1];
    char token_hash[TX_TOKEN_HASH_LEN + 1];
    char actor[96];
    char channel[16];
    char service_code[64];
    char *attributes;
    json_t *duplicates;
    int64_t now;
} intake;

static void intake_free(void *p)
{
    intake *it = p;
    if (it == NULL)
        return;
    free(it->attributes);
    json_decref(it->duplicates);
    free(it);
}

/* Only white space: ASCII, the no-break space and the ideographic space
 * (U+3000, what a Chinese keyboard types) are all blank. */
static int blank(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        else if (p[0] == 0xC2 && p[1] == 0xA0)
            p += 2;
        else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
            p += 3;
        else
            return 0;
    }
    return 1;
}

static const char *datatype_of(const json_t *attr)
{
    const char *t = json_string_value(json_object_get(attr, "datatype"));
    return t ? t : "string";
}

static int value_listed(const json_t *attr, const json_t *v)
{
    const char *key = json_string_value(v);
    size_t i;
    json_t *opt;
    json_array_foreach(json_object_get(attr, "values"), i, opt)
    {
        const char *k = json_string_value(json_object_get(opt, "key"));
        if (key && k && strcmp(k, key) == 0)
            return 1;
    }
    return 0;
}

static int case_check_attributes(const store_category *k, const json_t *given, json_t **out, tx_err *err)
{
    json_t *res = json_object();
    size_t i;
    json_t *attr;
    json_array_foreach(k->attributes, i, attr)
    {
        const char *code = json_string_value(json_object_get(attr, "code"));
        if (code == NULL || !json_is_true(json_object_get(attr, "variable")))
            continue;
        char field[80];
        snprintf(field, sizeof field, "attribute[%s]", code);
        json_t *v = given ? json_object_get(given, code) : NULL;
        if (v == NULL || json_is_null(v) || (json_is_string(v) && *json_string_value(v) == '\0')) {
            if (json_is_true(json_object_get(attr, "required"))) {
                json_decref(res);
                return tx_err_set(err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
            }
            continue;
        }
        const char *t = datatype_of(attr);
        int ok;
        if (strcmp(t, "number") == 0) {
            ok = json_is_number(v);
            if (!ok && json_is_string(v)) {
                char *end;
                double d = strtod(json_string_value(v), &end);
                ok = *json_string_value(v) && *end == '\0' && isfinite(d);
                if (ok)
                    v = json_real(d), json_object_set_new(res, code, v), v = NULL;
            }
        } else if (strcmp(t, "datetime") == 0) {
            int64_t ms;
            int off;
            ok = json_is_string(v) && tx_time_parse(json_string_value(v), 480, &ms, &off) == 0;
        } else if (strcmp(t, "singlevaluelist") == 0) {
            ok = json_is_string(v) && value_listed(attr, v);
        } else if (strcmp(t, "multivaluelist") == 0) {
            ok = json_is_array(v) && json_array_size(v) > 0;
            size_t j;
            json_t *x;
            json_array_foreach(v, j, x) ok = ok && value_listed(attr, x);
            if (!ok && json_is_string(v) && value_listed(attr, v)) {
                json_object_set_new(res, code, json_pack("[O]", v));
                v = NULL;
                ok = 1;
            }
        } else { /* string, text */
            ok = json_is_string(v) && tx_utf8_valid(json_string_value(v), strlen(json_string_value(v))) &&
                 strlen(json_string_value(v)) <= 4000;
        }
        if (!ok) {
            json_decref(res);
            return tx_err_invalid(err, field, "与该类别的属性定义不符", "does not fit the category's attribute definition");
        }
        if (v)
            json_object_set(res, code, v);
    }
    *out = res;
    return 0;
}

/* What channels each kind of reporter may record. */
static int channel_allowed(const tx_principal *p, const char *ch)
{
    if (strcmp(ch, "web") == 0)
        return 1;
    if (strcmp(ch, "patrol") == 0)
        return p->role == TX_ROLE_GRID_WORKER || p->role == TX_ROLE_COMMUNITY_STAFF || p->role == TX_ROLE_STREET_ADMIN;
    if (strcmp(ch, "staff") == 0)
        return tx_role_is_staff(p->role);
    if (strcmp(ch, "hotline") == 0)
        return p->apikey_id != 0 || p->role == TX_ROLE_STREET_ADMIN;
    return 0; /* open311 only through /open311/v2 */
}

static int case_intake_prepare(tx_call *call, store_conn *c, const char *channel_default, intake **out);

int case_intake_begin(tx_call *call, store_conn *c, const char *channel)
{
    intake *it;
    if (throttle(call) || case_intake_prepare(call, c, channel, &it))
        return -1;
    call->carry = it;
    call->carry_free = intake_free;
    return 0;
}

/* Reader half of POST /api/v1/cases: check, place, route, deadlines. */
int api_cases_create(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"service_code", "description", "lat", "long", "address", "compound",
                                         "name", "phone", "email", "contact_ok", "attributes", "channel",
                                         "external_id", "submitted_at", NULL};
    if (call_body_only(call, fields) || case_intake_begin(call, c, "web"))
        return -1;
    call->then_write = api_cases_store;
    return 0;
}

static int case_intake_prepare(tx_call *call, store_conn *c, const char *channel_default, intake **out)
{
    const char *service_code, *description, *address = NULL, *compound = NULL, *name = NULL, *phone = NULL,
                                             *email = NULL, *channel = NULL, *external_id = NULL, *submitted = NULL;
    double lat = 0, lon = 0;
    int contact_ok = 1;
    if (call_body_str(call, "service_code", 1, 60, &service_code) ||
        call_body_text(call, "description", 1, 4000, &description) ||
        call_body_double(call, "lat", 0, -90, 90, &lat) || call_body_double(call, "long", 0, -180, 180, &lon) ||
        call_body_str(call, "address", 0, 300, &address) || call_body_str(call, "compound", 0, 60, &compound) ||
        call_body_str(call, "name", 0, 60, &name) || call_body_str(call, "phone", 0, 32, &phone) ||
        call_body_str(call, "email", 0, 120, &email) || call_body_bool(call, "contact_ok", 0, &contact_ok) ||
        call_body_str(call, "channel", 0, 16, &channel) || call_body_str(call, "external_id", 0, 64, &external_id) ||
        call_body_str(call, "submitted_at", 0, 40, &submitted))
        return -1;
    json_t *jlat = json_object_get(call->body, "lat"), *jlon = json_object_get(call->body, "long");
    int has_point = jlat && !json_is_null(jlat);
    if (has_point != (jlon && !json_is_null(jlon)))
        return tx_err_set(&call->err, 400, "missing_field", has_point ? "long" : "lat", M_FIELD_REQUIRED,
                          has_point ? "long" : "lat");
    if (blank(description))
        return tx_err_invalid(&call->err, "description", "不能为空", "cannot be empty");
    if (!has_point && !(compound && *compound) && !(address && *address))
        return tx_err_set_reason(&call->err, 400, "missing_field", "lat", M_FIELD_INVALID, 0, 0, "lat",
                                 "请给出位置：经纬度、小区或地址", "give a location: lat/long, a compound or an address");
    if (phone && *phone && !io_valid_phone(phone))
        return tx_err_invalid(&call->err, "phone", "不是电话号码", "is not a phone number");
    if (email && *email && (strchr(email, '@') == NULL || strchr(email, ' ')))
        return tx_err_invalid(&call->err, "email", "不是电子邮箱地址", "is not an email address");
    if (channel == NULL)
        channel = channel_default;
    if (!channel_allowed(&call->who, channel) && strcmp(channel, channel_default) != 0)
        return tx_err_invalid(&call->err, "channel", "您不能登记此渠道", "you may not record this channel");
    if (external_id && strcmp(channel, "hotline") != 0)
        return tx_err_invalid(&call->err, "external_id", "只用于热线工单", "is for hotline tickets only");
    int64_t now = call->now_ms;
    if (submitted) {
        /* a hotline ticket keeps the time it was received by the hotline */
        int off;
        if (strcmp(channel, "hotline") != 0 || tx_time_parse(submitted, 480, &now, &off) || now > call->now_ms)
            return tx_err_invalid(&call->err, "submitted_at", "只用于热线工单，须为不晚于现在的带时区时间",
                                  "is for hotline tickets only: a time with offset, not in the future");
    }
    json_t *attrs_in = json_object_get(call->body, "attributes");
    if (attrs_in && !json_is_object(attrs_in) && !json_is_null(attrs_in))
        return tx_err_invalid(&call->err, "attributes", "必须是对象", "must be an object");

    catalogue_hold *h = catalogue_acquire(c, &call->err);
    if (h == NULL)
        return -1;
    const store_category *k = store_catalogue_category(h->cat, service_code);
    int rc = -1;
    intake *it = calloc(1, sizeof *it);
    json_t *attrs = NULL;
    if (it == NULL) {
        tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
        goto done;
    }
    if (k == NULL || !k->active) {
        tx_err_named(&call->err, 400, "unknown_code", "service_code", M_NOT_FOUND, "category", service_code);
        goto done;
    }
    if (case_check_attributes(k, attrs_in, &attrs, &call->err))
        goto done;
    if (case_locate(c, h->cat, k, has_point, lat, lon, compound, &it->where, &call->err))
        goto done;
    store_case_in *in = &it->in;
    if (case_deadlines(h->cat, k, now, &in->due_accept, &in->due_contact, &in->due_resolve, &call->err))
        goto done;
    if (has_point && store_case_nearby(c, k->id, lat, lon, k->duplicate_radius_m, 0, 5, &it->duplicates, &call->err))
        goto done;
    it->attributes = json_object_size(attrs) ? json_dumps(attrs, JSON_COMPACT) : NULL;
    tx_token_new(it->token);
    tx_token_hash(it->token, strlen(it->token), it->token_hash);
    if (call->who.role == TX_ROLE_ANONYMOUS)
        snprintf(it->actor, sizeof it->actor, "reporter");
    else
        call_actor(call, it->actor, sizeof it->actor);
    snprintf(it->channel, sizeof it->channel, "%s", channel);
    snprintf(it->service_code, sizeof it->service_code, "%s", k->code);
    it->now = now;
    in->category_id = k->id;
    in->description = description;
    in->attributes = it->attributes;
    in->has_point = has_point;
    in->lat = lat;
    in->lon = lon;
    in->address = address;
    in->channel = it->channel;
    in->external_id = external_id;
    in->reporter_name = name;
    in->reporter_phone = phone;
    in->reporter_email = email;
    in->contact_ok = contact_ok;
    in->reporter_user_id = call->who.role == TX_ROLE_RESIDENT ? call->who.user_id : 0;
    in->api_key_id = call->who.apikey_id;
    in->street_id = it->where.place.street.id;
    in->community_id = it->where.place.community.id;
    in->grid_id = it->where.place.grid.id;
    in->compound_id = it->where.place.compound.id;
    in->inside_red_line = it->where.place.inside_red_line;
    in->route = &it->where.route;
    in->submitted_at = now;
    in->token_hash = it->token_hash;
    in->actor = it->actor;
    in->actor_role = call->who.role == TX_ROLE_ANONYMOUS ? "reporter" : tx_role_name(call->who.role);
    *out = it;
    it = NULL;
    rc = 0;
done:
    json_decref(attrs);
    intake_free(it);
    catalogue_release(h);
    return rc;
}

int case_intake_commit(tx_call *call, store_conn *c, int64_t *id, const char **token, json_t **answer)
{
    intake *it = call->carry;
    /* the route's rule pointer must follow the intake's own copy */
    if (it->where.route.rule)
        it->where.route.rule = &it->where.rule;
    if (store_case_create(c, &it->in, id, NULL, &call->err))
        return -1;
    *token = it->token;
    char path[160], id_text[24];
    snprintf(path, sizeof path, "/track/%lld?token=%s", (long long)*id, it->token);
    snprintf(id_text, sizeof id_text, "%lld", (long long)*id);
    char da[TX_TIME_STRLEN], dc[TX_TIME_STRLEN], dr[TX_TIME_STRLEN];
    *answer = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:{s:s, s:s, s:s}, s:o}", "id", (json_int_t)*id,
                        "service_request_id", id_text, "token", it->token, "tracking_url", path, "state", "submitted",
                        "service_code", it->service_code, "place", case_where_place_json(&it->where), "routing",
                        case_where_route_json(&it->where), "deadlines", "accept",
                        tx_time_format(it->in.due_accept, 480, da), "contact", tx_time_format(it->in.due_contact, 480, dc),
                        "resolve", tx_time_format(it->in.due_resolve, 480, dr),
                        "possible_duplicates", it->duplicates ? json_incref(it->duplicates) : json_array());
    return 0;
}

/* After a case write commits: the webhook worker has news. */
static void wake_webhooks(tx_call *call)
{
    (void)call;
    webhooks_wake();
}

/* Writer half: store it, answer with the id and the tracking token. */
int api_cases_store(tx_call *call, store_conn *c)
{
    int64_t id;
    const char *token;
    json_t *o;
    if (case_intake_commit(call, c, &id, &token, &o))
        return -1;
    call->on_committed = wake_webhooks;
    return call_json(call, 201, o);
}

/* One hotline ticket, as POST /api/v1/cases takes it, stored by the CLI
 * (tongxin import cases): the same checks, place, route and deadlines. */
int case_import_one(store_conn *c, json_t *row, int64_t now, const char *actor, int64_t *id, tx_err *err)
{
    tx_call call;
    memset(&call, 0, sizeof call);
    call.now_ms = now;
    call.body = row;
    call.who.role = TX_ROLE_STREET_ADMIN; /* the operator running the import */
    snprintf(call.who.login, sizeof call.who.login, "%s", actor);
    intake *it;
    if (case_intake_prepare(&call, c, "hotline", &it)) {
        *err = call.err;
        return -1;
    }
    snprintf(it->actor, sizeof it->actor, "%s", actor);
    it->in.actor_role = "cli";
    int rc = store_case_create(c, &it->in, id, NULL, err);
    intake_free(it);
    return rc;
}

/* ---- reading ---- */

static int not_found(tx_call *call, int64_t id)
{
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)id);
    return tx_err_named(&call->err, 404, "not_found", NULL, M_NOT_FOUND, "case", v);
}

static json_t *view_json(case_view v)
{
    return json_string(v == VIEW_STAFF ? "staff" : v == VIEW_REPORTER ? "reporter" : "public");
}

int api_cases_get(tx_call *call, store_conn *c)
{
    int64_t id;
    store_case_state b;
    if (call_param_id(call, 0, &id) || store_case_load(c, id, &b, &call->err))
        return -1;
    int by_token = token_matches(c, &b, call_query(call, "token"));
    if (call_query(call, "token") && !by_token)
        return tx_err_set(&call->err, 403, "bad_token", "token", M_CASE_TOKEN);
    case_view view = api_case_staff_sees(&call->who, &b.snap) ? VIEW_STAFF : by_token ? VIEW_REPORTER : VIEW_PUBLIC;
    /* spam is not republished */
    if (view == VIEW_PUBLIC && b.snap.state == TX_CASE_INVALID)
        return not_found(call, id);
    json_t *o;
    if (store_case_get(c, id, view == VIEW_STAFF, view == VIEW_STAFF, &o, &call->err))
        return -1;
    json_object_set_new(o, "view", view_json(view));
    json_object_set_new(o, "allowed_actions", allowed_actions(&b, &call->who, by_token, call->now_ms));
    return call_json(call, 200, o);
}


static int category_id_of(tx_call *call, store_conn *c, const char *code, int64_t *id)
{
    *id = 0;
    if (code == NULL || *code == '\0')
        return 0;
    catalogue_hold *h = catalogue_acquire(c, &call->err);
    if (h == NULL)
        return -1;
    const store_category *k = store_catalogue_category(h->cat, code);
    if (k)
        *id = k->id;
    catalogue_release(h);
    if (k == NULL)
        return tx_err_query(&call->err, "category", "没有这个类别", "no such category");
    return 0;
}

static int time_query(tx_call *call, const char *name, int64_t *out)
{
    const char *v = call_query(call, name);
    int off;
    if (v == NULL || *v == '\0')
        return 0;
    if (tx_time_parse(v, 480, out, &off))
        return tx_err_query(&call->err, name, "必须是带时区的 ISO 8601 时间", "must be an ISO 8601 time with an offset");
    return 0;
}

/* The kind of a street, community or grid (list scopes); 400 otherwise. */
static int area_kind(tx_call *call, store_conn *c, int64_t id, const char **kind)
{
    json_t *a;
    if (store_area_get(c, id, &a, &call->err))
        return -1;
    const char *k = json_string_value(json_object_get(json_object_get(a, "properties"), "kind"));
    *kind = NULL;
    static const char *const kinds[] = {"street", "community", "grid"};
    for (int i = 0; k && i < 3; i++)
        if (strcmp(k, kinds[i]) == 0)
            *kind = kinds[i];
    json_decref(a);
    if (*kind == NULL)
        return tx_err_query(&call->err, "area", "只能是街道、社区或网格", "must be a street, community or grid");
    return 0;
}

static int forbid(tx_call *call, const char *field)
{
    return tx_err_set(&call->err, 403, "forbidden", field, M_FORBIDDEN, tx_role_name(call->who.role),
                      tx_action_label(TX_ACT_CASE_QUEUE, call->lang));
}

/* GET /api/v1/cases: staff queues cut to the viewer's scope (scope=mine:
 * what I hold now; grid / community / street: the cases of my area or an
 * area inside it; referred: a department's referrals). Without scope, and
 * for everyone who is not staff, the public list of cases (no personal
 * data, no spam). */
int api_cases_list(tx_call *call, store_conn *c)
{
    static const char *const scopes[] = {"mine", "grid", "community", "street", "referred", NULL};
    static const char *const statuses[] = {"open", "awaiting_rating", "all", NULL};
    static const char *const bools[] = {"true", "false", NULL};
    store_case_filter f = {0};
    const char *scope, *status, *overdue;
    int64_t area = 0;
    if (call_query_enum(call, "scope", scopes, &scope) || call_query_enum(call, "status", statuses, &status) ||
        call_query_enum(call, "overdue", bools, &overdue) || call_query_page(call, 50, 500, &f.limit, &f.offset) ||
        time_query(call, "due_before", &f.due_before) || time_query(call, "since", &f.since) ||
        call_query_id(call, "area", &area))
        return -1;
    const char *state = call_query(call, "state");
    tx_case_state st;
    if (state && *state) {
        if (tx_case_state_parse(state, &st))
            return tx_err_query(&call->err, "state", "未知的状态", "unknown state");
        f.state = state;
    }
    if (category_id_of(call, c, call_query(call, "category"), &f.category_id))
        return -1;
    f.q = call_query(call, "q");
    if (f.q && *f.q == '\0')
        f.q = NULL;
    f.open_only = !status ? 0 : strcmp(status, "open") == 0 ? 1 : strcmp(status, "awaiting_rating") == 0 ? 2 : 0;
    if (overdue && strcmp(overdue, "true") == 0) {
        f.overdue_at = call->now_ms;
        f.open_only = 1;
    }
    const tx_principal *p = &call->who;
    int staff = tx_role_is_staff(p->role) || p->role == TX_ROLE_MEMBER_UNIT;
    if (scope && !staff)
        return call_authorize(call, TX_ACT_CASE_QUEUE, NULL) ? -1 : forbid(call, "scope");
    if (scope == NULL) {
        f.public_view = 1;
        if (area) {
            f.area_id = area;
            if (area_kind(call, c, area, &f.area_kind))
                return -1;
        }
    } else if (strcmp(scope, "mine") == 0) {
        switch (p->role) {
        case TX_ROLE_GRID_WORKER: f.handler = TX_HANDLER_GRID_WORKER; break;
        case TX_ROLE_COMMUNITY_STAFF: f.handler = TX_HANDLER_COMMUNITY_OFFICE; break;
        case TX_ROLE_STREET_ADMIN: f.handler = TX_HANDLER_STREET_OFFICE; break;
        case TX_ROLE_MEMBER_UNIT: f.handler = TX_HANDLER_PROPERTY_COMPANY; break;
        default: f.handler = TX_HANDLER_DEPARTMENT; break;
        }
        f.handler_id = p->scope.id;
    } else if (strcmp(scope, "referred") == 0) {
        if (p->role != TX_ROLE_DEPARTMENT_STAFF)
            return forbid(call, "scope");
        f.department_id = p->scope.id;
    } else {
        /* the viewer's own area, or one inside it */
        if (p->scope.kind != TX_SCOPE_AREA)
            return forbid(call, "scope");
        int64_t target = area ? area : p->scope.id;
        int64_t anc[16];
        int n, inside = 0;
        if (store_area_ancestry(c, target, anc, 16, &n, &call->err))
            return -1;
        for (int i = 0; i < n; i++)
            inside |= anc[i] == p->scope.id;
        if (!inside)
            return forbid(call, "area");
        f.area_id = target;
        if (area_kind(call, c, target, &f.area_kind))
            return -1;
    }
    json_t *out;
    if (store_case_list(c, &f, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

/* ---- acting on a case ---- */

static int org_id_of(tx_call *call, store_conn *c, const char *field, int64_t *id)
{
    json_t *v = json_object_get(call->body, field);
    *id = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *id = json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return tx_err_invalid(&call->err, field, "必须是组织编码或编号", "must be an organisation code or id");
    if (store_org_id_by_code(c, json_string_value(v), id, &call->err)) {
        call->err.status = 400;
        snprintf(call->err.field, sizeof call->err.field, "%s", field);
        return -1;
    }
    return 0;
}

/* The principal the domain decides for: a token holder without an account
 * acts as the reporter. */
static void event_actor(const tx_call *call, int by_token, char *actor, size_t n, const char **role)
{
    if (by_token && call->who.role == TX_ROLE_ANONYMOUS) {
        snprintf(actor, n, "reporter");
        *role = "reporter";
    } else {
        call_actor(call, actor, n);
        *role = tx_role_name(call->who.role);
    }
}

/* POST /api/v1/cases/{id}/actions {action, …}: one step of the state
 * machine. Runs on the writer, so the decision sees the latest state. */
int api_cases_act(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"action", "text", "public", "handler", "handler_org", "department",
                                         "due", "solved", "satisfaction", "comment", "merge_into", "token", NULL};
    int64_t id;
    const char *action, *text = NULL, *handler = NULL, *due = NULL, *solved = NULL, *satisfaction = NULL,
                        *comment = NULL, *token = NULL;
    int pub = 0;
    int64_t merge_into = 0;
    if (call_param_id(call, 0, &id) || call_body_only(call, fields) || call_body_str(call, "action", 1, 32, &action) ||
        call_body_text(call, "text", 0, 4000, &text) || call_body_bool(call, "public", 0, &pub) ||
        call_body_str(call, "handler", 0, 32, &handler) || call_body_str(call, "due", 0, 40, &due) ||
        call_body_str(call, "solved", 0, 8, &solved) || call_body_str(call, "satisfaction", 0, 32, &satisfaction) ||
        call_body_text(call, "comment", 0, 2000, &comment) || call_body_str(call, "token", 0, 64, &token) ||
        call_body_int(call, "merge_into", 0, 1, INT64_MAX, &merge_into))
        return -1;
    tx_case_request r = {.actor = &call->who, .now_ms = call->now_ms, .public_note = pub};
    if (tx_case_action_parse(action, &r.action))
        return tx_err_invalid(&call->err, "action", "未知的操作", "unknown action");
    store_case_state b, target;
    if (store_case_load(c, id, &b, &call->err))
        return -1;
    if (token && !(r.reporter_token = token_matches(c, &b, token)))
        return tx_err_set(&call->err, 403, "bad_token", "token", M_CASE_TOKEN);
    /* a reporter's notes can only be public: saying so is not required */
    if (r.reporter_token && json_object_get(call->body, "public") == NULL)
        r.public_note = 1;
    /* Who may not even see the case learns nothing more than a 404 would tell. */
    if (!r.reporter_token && call->who.role == TX_ROLE_ANONYMOUS)
        return tx_err_set(&call->err, 401, "unauthenticated", NULL, M_AUTH_REQUIRED);
    if (text && !blank(text))
        r.has_text = 1;
    if (handler && tx_case_handler_parse(handler, &r.handler))
        return tx_err_invalid(&call->err, "handler", "未知的承办人类型", "unknown kind of handler");
    if (org_id_of(call, c, "handler_org", &r.handler_id) || org_id_of(call, c, "department", &r.department_id))
        return -1;
    if (solved && tx_case_solved_parse(solved, &r.solved))
        return tx_err_invalid(&call->err, "solved", "只能是 yes 或 no", "must be yes or no");
    if (satisfaction && tx_case_satisfaction_parse(satisfaction, &r.satisfaction))
        return tx_err_invalid(&call->err, "satisfaction", "只能是 satisfied、basically_satisfied 或 unsatisfied",
                              "must be satisfied, basically_satisfied or unsatisfied");
    if (merge_into) {
        if (store_case_load(c, merge_into, &target, &call->err)) {
            call->err.status = 400;
            snprintf(call->err.field, sizeof call->err.field, "merge_into");
            return -1;
        }
        r.merge_into = &target.snap;
    }
    catalogue_hold *h = NULL;
    /* dispatch without a handler: as routed. A route to a department is a
     * referral, with the category's resolve period as its deadline. */
    if (r.action == TX_CASE_DISPATCH && r.handler == TX_HANDLER_NONE) {
        tx_case_handler_parse(b.route_handler, &r.handler);
        r.handler_id = b.route_handler_id;
        if (r.handler == TX_HANDLER_DEPARTMENT) {
            r.action = TX_CASE_REFER;
            r.department_id = b.route_handler_id;
        }
    }
    if (r.action == TX_CASE_DISPATCH && r.handler == TX_HANDLER_PROPERTY_COMPANY && r.handler_id == 0) {
        if ((h = catalogue_acquire(c, &call->err)) == NULL)
            return -1;
        const char *name;
        r.handler_id = store_catalogue_manager(h->cat, b.compound_id, &name);
    }
    if (r.action == TX_CASE_REFER) {
        if (due) {
            int off;
            if (tx_time_parse(due, 480, &r.due_ms, &off)) {
                if (h)
                    catalogue_release(h);
                return tx_err_invalid(&call->err, "due", "必须是带时区的 ISO 8601 时间", "must be an ISO 8601 time with an offset");
            }
        } else {
            if (h == NULL && (h = catalogue_acquire(c, &call->err)) == NULL)
                return -1;
            const store_category *k = store_catalogue_category_by_id(h->cat, b.category_id);
            if (k)
                tx_cal_deadline(&h->cat->calendar, call->now_ms, k->resolve, &r.due_ms);
        }
    }
    /* rework (an unsatisfied rating, or staff reopening it) gets a working
     * period of its own, as a new report would */
    int64_t rework_due = 0;
    if (r.action == TX_CASE_RATE || r.action == TX_CASE_REOPEN) {
        if (h == NULL && (h = catalogue_acquire(c, &call->err)) == NULL)
            return -1;
        const store_category *k = store_catalogue_category_by_id(h->cat, b.category_id);
        if (k == NULL || tx_cal_deadline(&h->cat->calendar, call->now_ms, k->resolve, &rework_due))
            rework_due = 0;
    }
    if (h)
        catalogue_release(h);
    char actor[96];
    store_step_in s = {.action = tx_case_action_code(r.action), .at = call->now_ms, .text = text, .due_work = rework_due};
    r.rating_period_ms = rating_period_ms;
    if (r.action == TX_CASE_RESOLVE)
        s.due_at = call->now_ms + rating_period_ms; /* the end of the rating period governs */
    event_actor(call, r.reporter_token, actor, sizeof actor, &s.actor_role);
    s.actor = actor;
    json_t *data = json_object();
    s.data = data;
    switch (r.action) {
    case TX_CASE_RATE:
        s.solved = solved;
        s.satisfaction = satisfaction;
        s.comment = comment;
        json_object_set_new(data, "solved", json_string(solved ? solved : ""));
        json_object_set_new(data, "satisfaction", json_string(satisfaction ? satisfaction : ""));
        if (comment && !text)
            s.text = comment;
        break;
    case TX_CASE_REFER:
        json_object_set_new(data, "department_id", json_integer(r.department_id));
        json_object_set_new(data, "due", json_integer(r.due_ms));
        break;
    case TX_CASE_DISPATCH:
        json_object_set_new(data, "handler", json_string(tx_case_handler_code(r.handler) ? tx_case_handler_code(r.handler) : ""));
        json_object_set_new(data, "handler_id", json_integer(r.handler_id));
        break;
    case TX_CASE_MERGE: json_object_set_new(data, "merge_into", json_integer(merge_into)); break;
    default: break;
    }
    tx_case_outcome out;
    int64_t ev;
    int rc = case_apply(c, &b, &r, &s, &out, &ev, &call->err);
    json_decref(data);
    if (rc) {
        /* the domain names what it needs; the body calls them otherwise */
        static const char *const body_name[][2] = {
            {"reason", "text"}, {"description", "text"}, {"department_id", "department"}, {"handler_id", "handler_org"}};
        for (size_t i = 0; i < sizeof body_name / sizeof body_name[0]; i++)
            if (strcmp(call->err.field, body_name[i][0]) == 0)
                snprintf(call->err.field, sizeof call->err.field, "%s", body_name[i][1]);
        return -1;
    }
    json_t *o;
    store_case_state b2 = b;
    b2.snap = out.next;
    int staff = api_case_staff_sees(&call->who, &out.next);
    if (store_case_get(c, id, staff, staff, &o, &call->err))
        return -1;
    json_object_set_new(o, "event_id", json_integer(ev));
    json_object_set_new(o, "view", view_json(staff ? VIEW_STAFF : r.reporter_token ? VIEW_REPORTER : VIEW_PUBLIC));
    json_object_set_new(o, "allowed_actions", allowed_actions(&b2, &call->who, r.reporter_token, call->now_ms));
    call->on_committed = wake_webhooks;
    return call_json(call, 200, o);
}

/* ---- previews ---- */

static int point_query(tx_call *call, double *lat, double *lon, int *has)
{
    *has = call_query(call, "lat") != NULL || call_query(call, "long") != NULL;
    if (call_query_double(call, "lat", *has, -90, 90, lat) || call_query_double(call, "long", *has, -180, 180, lon))
        return -1;
    return 0;
}

/* GET /api/v1/route?lat=&long=&service_code=[&compound=]: where a report
 * would go and why, before it is sent. */
int api_route_preview(tx_call *call, store_conn *c)
{
    double lat = 0, lon = 0;
    int has;
    const char *code = call_query(call, "service_code"), *compound = call_query(call, "compound");
    if (point_query(call, &lat, &lon, &has))
        return -1;
    if (code == NULL || *code == '\0')
        return tx_err_query(&call->err, "service_code", "必须给出类别", "is required");
    if (!has && !(compound && *compound))
        return tx_err_query(&call->err, "lat", "请给出经纬度或小区", "give lat and long, or a compound");
    catalogue_hold *h = catalogue_acquire(c, &call->err);
    if (h == NULL)
        return -1;
    int rc = -1;
    const store_category *k = store_catalogue_category(h->cat, code);
    case_where w;
    int64_t da, dc, dr;
    json_t *dups = NULL;
    if (k == NULL || !k->active) {
        tx_err_named(&call->err, 400, "unknown_code", "service_code", M_NOT_FOUND, "category", code);
        goto done;
    }
    if (case_locate(c, h->cat, k, has, lat, lon, compound, &w, &call->err) ||
        case_deadlines(h->cat, k, call->now_ms, &da, &dc, &dr, &call->err))
        goto done;
    if (has && store_case_nearby(c, k->id, lat, lon, k->duplicate_radius_m, 0, 5, &dups, &call->err))
        goto done;
    char ta[TX_TIME_STRLEN], tc[TX_TIME_STRLEN], tr[TX_TIME_STRLEN];
    rc = call_json(call, 200,
                   json_pack("{s:s, s:o, s:o, s:{s:s, s:s, s:s}, s:o}", "service_code", k->code, "place",
                             case_where_place_json(&w), "routing", case_where_route_json(&w), "deadlines", "accept",
                             tx_time_format(da, 480, ta), "contact", tx_time_format(dc, 480, tc), "resolve",
                             tx_time_format(dr, 480, tr), "nearby", dups ? dups : json_array()));
done:
    catalogue_release(h);
    return rc;
}

/* GET /api/v1/cases/nearby?lat=&long=&service_code=: open reports of the
 * same category close by ("same problem?"), public. */
int api_cases_nearby(tx_call *call, store_conn *c)
{
    double lat = 0, lon = 0;
    int has;
    const char *code = call_query(call, "service_code");
    if (point_query(call, &lat, &lon, &has))
        return -1;
    if (!has)
        return tx_err_query(&call->err, "lat", "必须给出经纬度", "lat and long are required");
    catalogue_hold *h = catalogue_acquire(c, &call->err);
    if (h == NULL)
        return -1;
    const store_category *k = code ? store_catalogue_category(h->cat, code) : NULL;
    int64_t kid = k ? k->id : 0;
    int radius = k ? k->duplicate_radius_m : 100;
    catalogue_release(h);
    if (k == NULL)
        return tx_err_query(&call->err, "service_code", "没有这个类别", "no such category");
    json_t *a;
    if (store_case_nearby(c, kid, lat, lon, radius, 0, 20, &a, &call->err))
        return -1;
    return call_json(call, 200, json_pack("{s:o, s:i}", "items", a, "radius_m", radius));
}

/* GET /api/v1/cases/{id}/duplicates: for staff deciding a merge. */
int api_cases_duplicates(tx_call *call, store_conn *c)
{
    int64_t id;
    store_case_state b;
    if (call_param_id(call, 0, &id) || store_case_load(c, id, &b, &call->err))
        return -1;
    if (!api_case_staff_sees(&call->who, &b.snap))
        return forbid(call, NULL);
    json_t *k;
    if (store_case_get(c, id, 0, 0, &k, &call->err))
        return -1;
    json_t *lat = json_object_get(k, "lat"), *lon = json_object_get(k, "long");
    json_t *a = json_array();
    int rc = 0;
    if (json_is_number(lat) && json_is_number(lon)) {
        catalogue_hold *h = catalogue_acquire(c, &call->err);
        const store_category *cat = h ? store_catalogue_category_by_id(h->cat, b.category_id) : NULL;
        int radius = cat ? cat->duplicate_radius_m : 100;
        if (h)
            catalogue_release(h);
        json_decref(a);
        rc = h == NULL || store_case_nearby(c, b.category_id, json_number_value(lat), json_number_value(lon), radius, id,
                                            20, &a, &call->err);
    }
    json_decref(k);
    if (rc)
        return -1;
    return call_json(call, 200, json_pack("{s:o}", "items", a));
}

/* ---- categories and routing rules ---- */

int api_categories_list(tx_call *call, store_conn *c)
{
    json_t *a;
    int all = call_query(call, "all") && strcmp(call_query(call, "all"), "true") == 0;
    if (store_category_list(c, all, &a, &call->err))
        return -1;
    return call_json(call, 200, json_pack("{s:o}", "items", a));
}

int api_categories_get(tx_call *call, store_conn *c)
{
    json_t *o;
    if (store_category_get(c, call->params[0], &o, &call->err)) {
        call->err.field[0] = '\0';
        return -1;
    }
    return call_json(call, 200, o);
}

static int category_write(tx_call *call, store_conn *c, int create)
{
    if (io_check_category(call->body, create, "", &call->err))
        return -1;
    if (!create && json_object_get(call->body, "code"))
        return tx_err_invalid(&call->err, "code", "编码不能修改（它是 Open311 的 service_code）",
                              "cannot change (it is the Open311 service_code)");
    json_t *in = json_deep_copy(call->body);
    if (!create)
        json_object_set_new(in, "code", json_string(call->params[0]));
    int64_t id;
    json_t *o;
    if (!create) {
        if (store_category_get(c, call->params[0], &o, &call->err)) {
            json_decref(in);
            call->err.field[0] = '\0';
            return -1;
        }
        json_decref(o);
    }
    int rc = store_category_put(c, in, !create, &id, &call->err);
    json_decref(in);
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (rc || store_audit(c, actor, create ? "category.create" : "category.update", "category", id, NULL, &call->err) ||
        store_category_get(c, create ? json_string_value(json_object_get(call->body, "code")) : call->params[0], &o,
                           &call->err))
        return -1;
    return call_json(call, create ? 201 : 200, o);
}

int api_categories_create(tx_call *call, store_conn *c)
{
    return category_write(call, c, 1);
}

int api_categories_update(tx_call *call, store_conn *c)
{
    return category_write(call, c, 0);
}

int api_rules_list(tx_call *call, store_conn *c)
{
    json_t *a;
    if (store_rule_list(c, &a, &call->err))
        return -1;
    return call_json(call, 200, json_pack("{s:o}", "items", a));
}

int api_rules_create(tx_call *call, store_conn *c)
{
    store_rule_in r;
    if (io_parse_rule(call->body, "", &r, &call->err))
        return -1;
    int64_t id;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (store_rule_add(c, &r, &id, &call->err) ||
        store_audit(c, actor, "routing_rule.create", "routing_rule", id, NULL, &call->err))
        return -1;
    json_t *a;
    if (store_rule_list(c, &a, &call->err))
        return -1;
    json_t *found = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) if (json_integer_value(json_object_get(x, "id")) == id) found = json_incref(x);
    json_decref(a);
    return call_json(call, 201, found ? found : json_object());
}

int api_rules_delete(tx_call *call, store_conn *c)
{
    int64_t id;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &id) || store_rule_delete(c, id, &call->err) ||
        store_audit(c, actor, "routing_rule.delete", "routing_rule", id, NULL, &call->err))
        return -1;
    call->status = 204;
    return 0;
}
