/* lists: the three lists (三张清单) — needs, resources, projects — and the
 * communities' plans (一社区一方案); claiming a need (认领) and confirming
 * it, suggestions of resources for a need (domain/lists.h matching),
 * milestones, outcomes, copying a project as a template, the public board
 * of a community, CSV exports and the street's figures.
 *
 * Reading is public (without contacts' names and phones). Writing is
 * action list_write, decided with the object's place: its community's area
 * ancestry, and for a resource or a claim the member unit too — so
 * community staff change their community's lists, a member unit its own
 * resources and claims, street admins everything in their street. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "domain/lists.h"
#include "io/io.h"
#include "io/lists.h"
#include "store/lists.h"

#define MAX_PLACE 32

static const char *kind_name(store_list_kind k)
{
    static const char *const names[] = {"need", "resource", "project", "plan"};
    return names[k];
}

/* ---- places and authorization ---- */

static int area_place(tx_call *call, store_conn *c, int64_t area_id, int64_t *areas, int *n)
{
    return store_area_ancestry(c, area_id, areas, MAX_PLACE, n, &call->err);
}

/* Authorize list_write on an item at community (area id) with member unit
 * org (0: none). */
static int authorize_at(tx_call *call, store_conn *c, int64_t community, int64_t org)
{
    int64_t areas[MAX_PLACE], orgs[1] = {org};
    int na = 0;
    if (community && area_place(call, c, community, areas, &na))
        return -1;
    tx_place place = {.areas = areas, .n_areas = na, .orgs = orgs, .n_orgs = org ? 1 : 0};
    return call_authorize(call, TX_ACT_LIST_WRITE, &place);
}

static int authorize_item(tx_call *call, store_conn *c, store_list_kind k, int64_t id)
{
    int64_t areas[MAX_PLACE], orgs[MAX_PLACE];
    int na, no;
    if (store_lists_place(c, k, id, areas, &na, orgs, &no, MAX_PLACE, &call->err))
        return -1;
    tx_place place = {.areas = areas, .n_areas = na, .orgs = orgs, .n_orgs = no};
    return call_authorize(call, TX_ACT_LIST_WRITE, &place);
}

/* Whether the caller may see a resource's contact: someone who may change it. */
static int may_see_contact(const tx_call *call, store_conn *c, const json_t *item)
{
    if (call->who.role == TX_ROLE_ANONYMOUS)
        return 0;
    int64_t areas[MAX_PLACE], orgs[1];
    int na = 0;
    tx_err e;
    int64_t community = json_integer_value(json_object_get(json_object_get(item, "community"), "id"));
    orgs[0] = json_integer_value(json_object_get(json_object_get(item, "org"), "id"));
    if (store_area_ancestry(c, community, areas, MAX_PLACE, &na, &e))
        return 0;
    tx_place place = {.areas = areas, .n_areas = na, .orgs = orgs, .n_orgs = orgs[0] ? 1 : 0};
    return tx_authz_decide(&call->who, TX_ACT_LIST_WRITE, &place) == TX_AUTHZ_ALLOW;
}

static void cut_contact(const tx_call *call, store_conn *c, json_t *item)
{
    if (!may_see_contact(call, c, item)) {
        json_object_del(item, "contact_name");
        json_object_del(item, "contact_phone");
    }
}

/* An area or organisation named by code or id in a query parameter. */
static int query_ref(tx_call *call, store_conn *c, const char *name, int org, int64_t *out)
{
    const char *v = call_query(call, name);
    *out = 0;
    if (v == NULL || *v == '\0')
        return 0;
    int digits = 1;
    for (const char *p = v; *p; p++)
        digits &= isdigit((unsigned char)*p) != 0;
    if (digits)
        return call_query_id(call, name, out);
    int rc = org ? store_org_id_by_code(c, v, out, &call->err) : store_area_id_by_code(c, v, out, &call->err);
    if (rc && call->err.status == 404)
        return tx_err_query(&call->err, name, org ? "没有这个编码的组织" : "没有这个编码的区域",
                            org ? "no organisation has this code" : "no area has this code");
    return rc;
}

/* ---- lists ---- */

static const char *const kinds[] = {"venue", "funding", "volunteers", "expertise", "equipment", "service", "other",
                                    NULL};
static const char *const statuses[4][6] = {{"open", "matched", "in_project", "met", "closed", NULL},
                                           {"available", "committed", "used_up", "withdrawn", NULL},
                                           {"planned", "active", "done", "cancelled", NULL},
                                           {"draft", "active", "closed", NULL}};

static int list(tx_call *call, store_conn *c, store_list_kind k)
{
    store_list_filter f = {0};
    if (query_ref(call, c, "community", 0, &f.area_id) || query_ref(call, c, "unit", 1, &f.unit_id) ||
        call_query_enum(call, "kind", kinds, &f.kind) || call_query_enum(call, "status", statuses[k], &f.status) ||
        call_query_page(call, 100, 1000, &f.limit, &f.offset))
        return -1;
    f.q = call_query(call, "q");
    if (f.q && *f.q == '\0')
        f.q = NULL;
    json_t *out;
    if (store_lists_list(c, k, &f, 1, &out, &call->err))
        return -1;
    if (k == STORE_LIST_RESOURCE) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(out, "items"), i, it) cut_contact(call, c, it);
    }
    return call_json(call, 200, out);
}

static int get(tx_call *call, store_conn *c, store_list_kind k)
{
    int64_t id;
    json_t *o;
    if (call_param_id(call, 0, &id) || store_lists_get(c, k, id, 1, &o, &call->err))
        return -1;
    if (k == STORE_LIST_RESOURCE)
        cut_contact(call, c, o);
    return call_json(call, 200, o);
}

/* The community (area id) an item body names, and that its area_code lies
 * within it. */
static int body_community(tx_call *call, store_conn *c, const json_t *in, int64_t *community)
{
    const char *code = json_string_value(json_object_get(in, "community_code"));
    if (code == NULL)
        return 0;
    int64_t anc[MAX_PLACE];
    int n = 0;
    if (store_area_id_by_code(c, code, community, &call->err) ||
        store_area_ancestry(c, *community, anc, MAX_PLACE, &n, &call->err)) {
        if (call->err.status == 404)
            tx_err_invalid(&call->err, "community_code", "没有这个编码的区域", "no area has this code");
        return -1;
    }
    json_t *a = json_object_get(in, "area_code");
    if (json_is_string(a)) {
        int64_t aid, up[MAX_PLACE];
        int m = 0, inside = 0;
        if (store_area_id_by_code(c, json_string_value(a), &aid, &call->err) ||
            store_area_ancestry(c, aid, up, MAX_PLACE, &m, &call->err)) {
            if (call->err.status == 404)
                tx_err_invalid(&call->err, "area_code", "没有这个编码的区域", "no area has this code");
            return -1;
        }
        for (int i = 0; i < m; i++)
            inside |= up[i] == *community;
        if (!inside)
            return tx_err_invalid(&call->err, "area_code", "必须在所属社区之内", "must lie within the community");
    }
    return 0;
}

static int body_org(tx_call *call, store_conn *c, const json_t *in, int64_t *org)
{
    const char *code = json_string_value(json_object_get(in, "org_code"));
    if (code == NULL)
        return 0;
    if (store_org_id_by_code(c, code, org, &call->err)) {
        if (call->err.status == 404)
            tx_err_invalid(&call->err, "org_code", "没有这个编码的组织", "no organisation has this code");
        return -1;
    }
    return 0;
}

static int answer_item(tx_call *call, store_conn *c, store_list_kind k, int64_t id, int status)
{
    json_t *o;
    if (store_lists_get(c, k, id, 1, &o, &call->err))
        return -1;
    if (k == STORE_LIST_RESOURCE)
        cut_contact(call, c, o);
    return call_json(call, status, o);
}

static int create(tx_call *call, store_conn *c, store_list_kind k)
{
    json_t *in = NULL;
    int64_t community = 0, org = 0, id;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (io_list_check(k, call->body, 1, 0, "", &in, &call->err))
        return -1;
    /* a member unit offers its own resources */
    if (k == STORE_LIST_RESOURCE && call->who.role == TX_ROLE_MEMBER_UNIT && !json_object_get(in, "org_code"))
        json_object_set_new(in, "org_code", json_string(call->who.scope.code));
    int rc = body_community(call, c, in, &community) || body_org(call, c, in, &org) ||
             authorize_at(call, c, community, k == STORE_LIST_RESOURCE ? org : 0) ||
             store_lists_put(c, k, 0, in, actor, call->now_ms, &id, &call->err) ||
             store_audit(c, actor, "list_create", kind_name(k), id, json_string_value(json_object_get(in, "title")),
                         &call->err);
    json_decref(in);
    return rc ? -1 : answer_item(call, c, k, id, 201);
}

/* A status change is the domain's to allow (need, resource, project). */
static int check_transition(tx_call *call, store_list_kind k, const json_t *cur, const json_t *in)
{
    const char *to = json_string_value(json_object_get(in, "status"));
    const char *from = json_string_value(json_object_get(cur, "status"));
    if (to == NULL || from == NULL || strcmp(to, from) == 0)
        return 0;
    tx_list_refusal why;
    int rc = 0;
    if (k == STORE_LIST_NEED) {
        tx_need_status a, b;
        int reason = json_is_string(json_object_get(in, "closed_reason")) ||
                     json_is_string(json_object_get(cur, "closed_reason"));
        rc = tx_need_status_parse(from, &a) || tx_need_status_parse(to, &b) || tx_need_transition(a, b, reason, &why);
    } else if (k == STORE_LIST_RESOURCE) {
        tx_resource_status a, b;
        rc = tx_resource_status_parse(from, &a) || tx_resource_status_parse(to, &b) ||
             tx_resource_transition(a, b, &why);
    } else if (k == STORE_LIST_PROJECT) {
        tx_project_status a, b;
        rc = tx_project_status_parse(from, &a) || tx_project_status_parse(to, &b) || tx_project_transition(a, b, &why);
    }
    if (rc == 0)
        return 0;
    const char *field = why.code && strcmp(why.code, "reason_required") == 0 ? "closed_reason" : "status";
    return tx_err_set_reason(&call->err, why.status ? why.status : 409, why.code ? why.code : "status", field,
                             why.status == 400 ? M_FIELD_INVALID : M_CONFLICT, 0, 0, field, why.reason[0],
                             why.reason[1]);
}

static int update(tx_call *call, store_conn *c, store_list_kind k)
{
    int64_t id, community = 0, org = 0, got;
    json_t *cur = NULL, *in = NULL;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &id) || store_lists_get(c, k, id, 1, &cur, &call->err))
        return -1;
    int rc = authorize_item(call, c, k, id) || io_list_check(k, call->body, 0, 0, "", &in, &call->err);
    if (rc == 0 && (json_object_get(in, "community_code") || json_object_get(in, "org_code") ||
                    json_is_string(json_object_get(in, "area_code")))) {
        /* moving it needs scope where it goes too */
        if (!json_object_get(in, "community_code"))
            json_object_set(in, "community_code", json_object_get(json_object_get(cur, "community"), "code"));
        rc = body_community(call, c, in, &community) || body_org(call, c, in, &org);
        if (rc == 0 && !json_object_get(in, "org_code"))
            org = json_integer_value(json_object_get(json_object_get(cur, "org"), "id"));
        rc = rc || authorize_at(call, c, community, k == STORE_LIST_RESOURCE ? org : 0);
    }
    rc = rc || check_transition(call, k, cur, in) ||
         store_lists_put(c, k, id, in, actor, call->now_ms, &got, &call->err) ||
         store_audit(c, actor, "list_update", kind_name(k), id, json_string_value(json_object_get(in, "status")),
                     &call->err);
    json_decref(cur);
    json_decref(in);
    return rc ? -1 : answer_item(call, c, k, id, 200);
}

static int csv(tx_call *call, store_conn *c, store_list_kind k)
{
    int64_t area = 0;
    if (query_ref(call, c, "community", 0, &area) ||
        store_lists_csv(c, k, area, &call->out_raw, &call->out_raw_len, &call->err))
        return -1;
    call->out_type = "text/csv; charset=utf-8";
    call->status = 200;
    return 0;
}

int api_needs_list(tx_call *call, store_conn *c) { return list(call, c, STORE_LIST_NEED); }
int api_needs_get(tx_call *call, store_conn *c) { return get(call, c, STORE_LIST_NEED); }
int api_needs_create(tx_call *call, store_conn *c) { return create(call, c, STORE_LIST_NEED); }
int api_needs_update(tx_call *call, store_conn *c) { return update(call, c, STORE_LIST_NEED); }
int api_needs_csv(tx_call *call, store_conn *c) { return csv(call, c, STORE_LIST_NEED); }
int api_resources_list(tx_call *call, store_conn *c) { return list(call, c, STORE_LIST_RESOURCE); }
int api_resources_get(tx_call *call, store_conn *c) { return get(call, c, STORE_LIST_RESOURCE); }
int api_resources_create(tx_call *call, store_conn *c) { return create(call, c, STORE_LIST_RESOURCE); }
int api_resources_update(tx_call *call, store_conn *c) { return update(call, c, STORE_LIST_RESOURCE); }
int api_resources_csv(tx_call *call, store_conn *c) { return csv(call, c, STORE_LIST_RESOURCE); }
int api_projects_list(tx_call *call, store_conn *c) { return list(call, c, STORE_LIST_PROJECT); }
int api_projects_get(tx_call *call, store_conn *c) { return get(call, c, STORE_LIST_PROJECT); }
int api_projects_create(tx_call *call, store_conn *c) { return create(call, c, STORE_LIST_PROJECT); }
int api_projects_update(tx_call *call, store_conn *c) { return update(call, c, STORE_LIST_PROJECT); }
int api_projects_csv(tx_call *call, store_conn *c) { return csv(call, c, STORE_LIST_PROJECT); }
int api_plans_list(tx_call *call, store_conn *c) { return list(call, c, STORE_LIST_PLAN); }
int api_plans_get(tx_call *call, store_conn *c) { return get(call, c, STORE_LIST_PLAN); }
int api_plans_create(tx_call *call, store_conn *c) { return create(call, c, STORE_LIST_PLAN); }
int api_plans_update(tx_call *call, store_conn *c) { return update(call, c, STORE_LIST_PLAN); }
int api_plans_csv(tx_call *call, store_conn *c) { return csv(call, c, STORE_LIST_PLAN); }

/* ---- claims ---- */

int api_needs_claim(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"org_code", "resource_id", "quantity", "note", NULL};
    int64_t need, org = 0, rid = 0, id, areas[MAX_PLACE], orgs[MAX_PLACE];
    int na, no;
    double qty = 0;
    const char *org_code = NULL, *note = NULL;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &need) || call_body_only(call, fields) ||
        call_body_str(call, "org_code", 0, 64, &org_code) || call_body_int(call, "resource_id", 0, 1, INT64_MAX, &rid) ||
        call_body_double(call, "quantity", 0, 0, 1e12, &qty) || call_body_text(call, "note", 0, 500, &note))
        return -1;
    if (org_code == NULL && call->who.role == TX_ROLE_MEMBER_UNIT)
        org_code = call->who.scope.code;
    if (org_code == NULL)
        return tx_err_set(&call->err, 400, "missing_field", "org_code", M_FIELD_REQUIRED, "org_code");
    if (store_org_id_by_code(c, org_code, &org, &call->err)) {
        if (call->err.status == 404)
            tx_err_invalid(&call->err, "org_code", "没有这个编码的组织", "no organisation has this code");
        return -1;
    }
    /* the place of a claim: the need's community and the claiming unit */
    if (store_lists_place(c, STORE_LIST_NEED, need, areas, &na, orgs, &no, MAX_PLACE, &call->err))
        return -1;
    orgs[0] = org;
    tx_place place = {.areas = areas, .n_areas = na, .orgs = orgs, .n_orgs = 1};
    json_t *out;
    if (call_authorize(call, TX_ACT_LIST_WRITE, &place) ||
        store_claim_add(c, need, org, rid, qty, note, actor, call->now_ms, &id, &call->err) ||
        store_audit(c, actor, "need_claim", "need", need, org_code, &call->err) ||
        store_claim_get(c, id, &out, &call->err))
        return -1;
    return call_json(call, 201, out);
}

static int decide(tx_call *call, store_conn *c, int confirm)
{
    static const char *const fields[] = {"project_id", NULL};
    int64_t id, project = 0, out_project;
    json_t *cl, *out;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &id) || call_body_only(call, fields) ||
        (confirm && call_body_int(call, "project_id", 0, 1, INT64_MAX, &project)) ||
        store_claim_get(c, id, &cl, &call->err))
        return -1;
    int64_t need = json_integer_value(json_object_get(json_object_get(cl, "need"), "id"));
    json_decref(cl);
    /* the community decides: its staff (the need's place, without the unit) */
    if (authorize_item(call, c, STORE_LIST_NEED, need))
        return -1;
    if (project && authorize_item(call, c, STORE_LIST_PROJECT, project)) {
        if (call->err.status == 404)
            tx_err_invalid(&call->err, "project_id", "没有这个项目", "no such project");
        return -1;
    }
    if (store_claim_decide(c, id, confirm, project, actor, call->now_ms, &out_project, &call->err) ||
        store_audit(c, actor, confirm ? "claim_confirm" : "claim_decline", "claim", id, NULL, &call->err) ||
        store_claim_get(c, id, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_claims_confirm(tx_call *call, store_conn *c) { return decide(call, c, 1); }
int api_claims_decline(tx_call *call, store_conn *c) { return decide(call, c, 0); }

/* The unit takes its pending claim back (its place: the need's community
 * and the unit, so the community's staff may too). */
int api_claims_withdraw(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {NULL};
    int64_t id, out_project, areas[MAX_PLACE], orgs[MAX_PLACE];
    int na, no;
    json_t *cl, *out;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &id) || call_body_only(call, fields) || store_claim_get(c, id, &cl, &call->err))
        return -1;
    int64_t need = json_integer_value(json_object_get(json_object_get(cl, "need"), "id"));
    int64_t org = json_integer_value(json_object_get(json_object_get(cl, "org"), "id"));
    json_decref(cl);
    if (store_lists_place(c, STORE_LIST_NEED, need, areas, &na, orgs, &no, MAX_PLACE, &call->err))
        return -1;
    orgs[0] = org;
    tx_place place = {.areas = areas, .n_areas = na, .orgs = orgs, .n_orgs = 1};
    if (call_authorize(call, TX_ACT_LIST_WRITE, &place) ||
        store_claim_decide(c, id, 2, 0, actor, call->now_ms, &out_project, &call->err) ||
        store_audit(c, actor, "claim_withdraw", "claim", id, NULL, &call->err) ||
        store_claim_get(c, id, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_claims_list(tx_call *call, store_conn *c)
{
    static const char *const st[] = {"pending", "confirmed", "declined", "withdrawn", NULL};
    int64_t unit = 0, area = 0;
    const char *status;
    int limit, offset;
    if (query_ref(call, c, "unit", 1, &unit) || query_ref(call, c, "community", 0, &area) ||
        call_query_enum(call, "status", st, &status) || call_query_page(call, 100, 1000, &limit, &offset))
        return -1;
    json_t *out;
    if (store_claim_list(c, unit, area, status, limit, offset, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

/* ---- matches ---- */

static int32_t day_number(const char *date)
{
    int y, m, d;
    if (!date || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

static void day_text(int32_t day, char out[11])
{
    time_t t = (time_t)day * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int api_needs_matches(tx_call *call, store_conn *c)
{
    int64_t id, limit = 10;
    const char *lim = call_query(call, "limit");
    if (call_param_id(call, 0, &id))
        return -1;
    if (lim) {
        char *end;
        limit = strtoll(lim, &end, 10);
        if (*lim == '\0' || *end || limit < 1 || limit > 100)
            return tx_err_query(&call->err, "limit", "必须是 1 到 100 的整数", "must be an integer from 1 to 100");
    }
    json_t *cand;
    if (store_match_candidates(c, id, &cand, &call->err))
        return -1;
    json_t *need = json_object_get(cand, "need"), *res = json_object_get(cand, "resources");
    tx_match_need n = {.id = id};
    const char *nstatus = json_string_value(json_object_get(need, "status"));
    if (tx_list_kind_parse(json_string_value(json_object_get(need, "kind")), &n.kind) ||
        tx_urgency_parse(json_string_value(json_object_get(need, "urgency")), &n.urgency))
        n.urgency = TX_URGENCY_NORMAL;
    n.quantity = json_number_value(json_object_get(need, "quantity"));
    n.unit = json_string_value(json_object_get(need, "quantity_unit"));
    n.area_id = json_integer_value(json_object_get(need, "area_id"));
    n.lat = json_number_value(json_object_get(need, "lat"));
    n.lon = json_number_value(json_object_get(need, "lon"));
    n.wanted_by = day_number(json_string_value(json_object_get(need, "wanted_by")));
    size_t nr = json_array_size(res);
    tx_match_resource *all = calloc(nr + 1, sizeof *all);
    tx_match_suggestion *sug = calloc((size_t)limit, sizeof *sug);
    if (!all || !sug) {
        free(all);
        free(sug);
        json_decref(cand);
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    }
    for (size_t i = 0; i < nr; i++) {
        json_t *r = json_array_get(res, i);
        tx_match_resource *m = &all[i];
        m->id = json_integer_value(json_object_get(r, "id"));
        if (tx_list_kind_parse(json_string_value(json_object_get(r, "kind")), &m->kind))
            m->kind = TX_KIND_OTHER;
        if (tx_resource_status_parse(json_string_value(json_object_get(r, "status")), &m->status))
            m->status = TX_RESOURCE_WITHDRAWN;
        m->available = json_number_value(json_object_get(r, "remaining"));
        m->unit = json_string_value(json_object_get(r, "quantity_unit"));
        m->org_id = json_integer_value(json_object_get(r, "org_id"));
        m->area_id = json_integer_value(json_object_get(r, "area_id"));
        m->lat = json_number_value(json_object_get(r, "lat"));
        m->lon = json_number_value(json_object_get(r, "lon"));
        const char *from = json_string_value(json_object_get(r, "available_from"));
        const char *to = json_string_value(json_object_get(r, "available_to"));
        if (from || to) {
            m->windows[0].from = from ? day_number(from) : 0;
            m->windows[0].to = to ? day_number(to) : INT32_MAX;
            m->n_windows = 1;
        }
        int wd = (int)json_integer_value(json_object_get(r, "weekdays"));
        m->weekdays = (uint8_t)(wd & 0x7f);
        m->offered = (int32_t)json_integer_value(json_object_get(r, "offered"));
        m->delivered = (int32_t)json_integer_value(json_object_get(r, "delivered"));
    }
    int32_t today = (int32_t)((call->now_ms + 8 * 3600000LL) / 86400000LL);
    int got = tx_match_rank(&n, all, (int)nr, NULL, today, sug, (int)limit);
    json_t *items = json_array();
    for (int i = 0; i < got; i++) {
        json_t *r = json_array_get(res, (size_t)sug[i].index);
        json_t *reasons = json_array();
        for (int j = 0; j < sug[i].n_reasons; j++) {
            char text[320];
            tx_match_reason_text(&sug[i].reasons[j], call->lang == TX_LANG_EN, text, sizeof text);
            json_array_append_new(reasons, json_pack("{s:s, s:s}", "code", tx_match_why_code(sug[i].reasons[j].why),
                                                     "text", text));
        }
        char from[11];
        day_text(sug[i].available_from, from);
        json_array_append_new(
            items, json_pack("{s:I, s:s?, s:O, s:s?, s:f, s:f, s:f, s:s, s:o}", "resource_id",
                             (json_int_t)sug[i].resource_id, "title", json_string_value(json_object_get(r, "title")),
                             "org", json_object_get(r, "org"), "quantity_unit",
                             json_string_value(json_object_get(r, "quantity_unit")), "score",
                             round(sug[i].score * 10) / 10, "km", round(sug[i].km * 100) / 100, "quantity",
                             sug[i].quantity, "available_from", from, "reasons", reasons));
    }
    free(all);
    free(sug);
    json_t *out = json_pack("{s:I, s:s?, s:o}", "need_id", (json_int_t)id, "need_status", nstatus, "items", items);
    json_decref(cand);
    if (got < 0) {
        json_decref(out);
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    }
    return call_json(call, 200, out);
}

/* ---- commitments, milestones, outcomes, templates ---- */

int api_projects_commit(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"resource_id", "need_id", "quantity", "note", NULL};
    int64_t pid, rid = 0, nid = 0, id;
    double qty = 0;
    const char *note = NULL;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &pid) || call_body_only(call, fields) ||
        call_body_int(call, "resource_id", 1, 1, INT64_MAX, &rid) || call_body_int(call, "need_id", 0, 1, INT64_MAX, &nid))
        return -1;
    json_t *q = json_object_get(call->body, "quantity");
    tx_list_refusal why;
    if (!json_is_number(q) || tx_list_check_quantity(json_number_value(q), &why) || json_number_value(q) <= 0)
        return tx_err_invalid(&call->err, "quantity", "必须是大于 0 的数", "must be a number above 0");
    qty = json_number_value(q);
    if (call_body_text(call, "note", 0, 500, &note) || authorize_item(call, c, STORE_LIST_PROJECT, pid))
        return -1;
    /* committing a resource is changing it: the caller must cover it too
     * (a unit's consent is its claim) */
    if (authorize_item(call, c, STORE_LIST_RESOURCE, rid)) {
        if (call->err.status == 404)
            tx_err_invalid(&call->err, "resource_id", "没有这个资源", "no such resource");
        return -1;
    }
    if (nid) {
        json_t *n;
        if (store_lists_get(c, STORE_LIST_NEED, nid, 0, &n, &call->err)) {
            if (call->err.status == 404)
                tx_err_invalid(&call->err, "need_id", "没有这个需求", "no such need");
            return -1;
        }
        json_decref(n);
    }
    if (store_commitment_add(c, pid, rid, nid, qty, note, call->now_ms, &id, &call->err) ||
        store_audit(c, actor, "commit", "project", pid, NULL, &call->err))
        return -1;
    return answer_item(call, c, STORE_LIST_PROJECT, pid, 201);
}

int api_commitments_deliver(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"delivered", NULL};
    int64_t id, pid;
    double d = 0;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    /* the write runs first; a refusal after it rolls the job back */
    if (call_param_id(call, 0, &id) || call_body_only(call, fields) ||
        call_body_double(call, "delivered", 1, 0, 1e12, &d) ||
        store_commitment_deliver(c, id, d, call->now_ms, &pid, &call->err) ||
        authorize_item(call, c, STORE_LIST_PROJECT, pid) ||
        store_audit(c, actor, "deliver", "commitment", id, NULL, &call->err))
        return -1;
    return answer_item(call, c, STORE_LIST_PROJECT, pid, 200);
}

int api_projects_milestone_add(tx_call *call, store_conn *c)
{
    int64_t pid, id;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &pid) || io_milestone_check(call->body, 1, "", &call->err) ||
        authorize_item(call, c, STORE_LIST_PROJECT, pid) ||
        store_milestone_add(c, pid, call->body, &id, &call->err) ||
        store_audit(c, actor, "milestone_add", "project", pid, NULL, &call->err))
        return -1;
    return answer_item(call, c, STORE_LIST_PROJECT, pid, 201);
}

int api_milestones_update(tx_call *call, store_conn *c)
{
    int64_t id, pid;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &id) || io_milestone_check(call->body, 0, "", &call->err) ||
        store_milestone_update(c, id, call->body, &pid, &call->err) ||
        authorize_item(call, c, STORE_LIST_PROJECT, pid) ||
        store_audit(c, actor, "milestone_update", "project", pid, NULL, &call->err))
        return -1;
    return answer_item(call, c, STORE_LIST_PROJECT, pid, 200);
}

int api_projects_outcome_add(tx_call *call, store_conn *c)
{
    int64_t pid, id;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &pid) || io_outcome_check(call->body, "", &call->err) ||
        authorize_item(call, c, STORE_LIST_PROJECT, pid) ||
        store_outcome_add(c, pid, call->body, actor, call->now_ms, &id, &call->err) ||
        store_audit(c, actor, "outcome_add", "project", pid, NULL, &call->err))
        return -1;
    return answer_item(call, c, STORE_LIST_PROJECT, pid, 201);
}

int api_projects_copy(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"community_code", "code", NULL};
    int64_t pid, community, id;
    const char *code = NULL, *cc = NULL;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &pid) || call_body_only(call, fields) ||
        call_body_str(call, "community_code", 1, 64, &cc) || call_body_str(call, "code", 0, 64, &code))
        return -1;
    if (code && !io_valid_code(code))
        return tx_err_invalid(&call->err, "code", "只能是 1-64 个字母、数字或 - _ .", "1-64 letters, digits or - _ .");
    if (body_community(call, c, call->body, &community) || authorize_at(call, c, community, 0) ||
        store_project_copy(c, pid, community, code, actor, call->now_ms, &id, &call->err) ||
        store_audit(c, actor, "project_copy", "project", id, NULL, &call->err))
        return -1;
    return answer_item(call, c, STORE_LIST_PROJECT, id, 201);
}

/* ---- case hot spots ---- */

/* Grids where many cases of one category were reported lately: candidates
 * for a need (source case_hotspot). ?community= (code or id), ?days= (1–365,
 * default 90), ?min= (2–1000, default 3). */
int api_needs_hotspots(tx_call *call, store_conn *c)
{
    int64_t area = 0;
    double days = 90, min = 3;
    if (query_ref(call, c, "community", 0, &area) || call_query_double(call, "days", 0, 1, 365, &days) ||
        call_query_double(call, "min", 0, 2, 1000, &min))
        return -1;
    json_t *out;
    if (store_need_hotspots(c, area, call->now_ms - (int64_t)days * 86400000LL, (int)min, &out, &call->err))
        return -1;
    json_object_set_new(out, "days", json_integer((json_int_t)days));
    json_object_set_new(out, "min", json_integer((json_int_t)min));
    return call_json(call, 200, out);
}

/* ---- demonstration sites ---- */

static int site(tx_call *call, store_conn *c, int on)
{
    static const char *const fields[] = {"since", "note", NULL};
    int64_t area, anc[MAX_PLACE];
    int n;
    const char *since = NULL, *note = NULL;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if ((on && (call_body_only(call, fields) || call_body_str(call, "since", 0, 10, &since) ||
                call_body_text(call, "note", 0, 500, &note))) ||
        store_area_id_by_code(c, call->params[0], &area, &call->err) ||
        store_area_ancestry(c, area, anc, MAX_PLACE, &n, &call->err))
        return -1;
    if (since && !io_valid_date(since, 0))
        return tx_err_invalid(&call->err, "since", "必须是 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date");
    tx_place place = {.areas = anc, .n_areas = n};
    if (call_authorize(call, TX_ACT_LIST_WRITE, &place) || store_demonstration_site(c, area, on, since, note, &call->err) ||
        store_audit(c, actor, on ? "site_add" : "site_remove", "area", area, NULL, &call->err))
        return -1;
    if (!on) {
        call->status = 204;
        return 0;
    }
    return call_json(call, 200, json_pack("{s:{s:I, s:s}, s:s?, s:s?}", "area", "id", (json_int_t)area, "code",
                                          call->params[0], "since", since, "note", note));
}

int api_sites_put(tx_call *call, store_conn *c) { return site(call, c, 1); }
int api_sites_delete(tx_call *call, store_conn *c) { return site(call, c, 0); }

/* ---- board, figures ---- */

int api_boards_get(tx_call *call, store_conn *c)
{
    const char *p = call->params[0];
    int64_t id = 0;
    int digits = *p != '\0';
    for (const char *q = p; *q; q++)
        digits &= isdigit((unsigned char)*q) != 0;
    if (digits ? call_param_id(call, 0, &id) : store_area_id_by_code(c, p, &id, &call->err))
        return -1;
    json_t *out;
    if (store_board(c, id, &out, &call->err))
        return -1;
    if (strcmp(json_string_value(json_object_get(json_object_get(out, "community"), "kind")), "community") != 0) {
        json_decref(out);
        return tx_err_named(&call->err, 404, "not_found", "community", M_NOT_FOUND, "community", p);
    }
    return call_json(call, 200, out);
}

int api_stats_lists(tx_call *call, store_conn *c)
{
    int64_t area = 0;
    char from[11], to[11];
    const char *f = call_query(call, "from"), *t = call_query(call, "to");
    if (query_ref(call, c, "area", 0, &area) || (f && *f && call_query_date(call, "from", from)) ||
        (t && *t && call_query_date(call, "to", to)))
        return -1;
    if (f && *f && t && *t && strcmp(from, to) > 0)
        return tx_err_query(&call->err, "to", "不能早于 from", "must not be before from");
    json_t *out;
    if (store_lists_stats(c, area, f && *f ? from : NULL, t && *t ? to : NULL, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}
