/* people: the persons of the network — cadres, grid workers, part-time
 * members, volunteers — and their memberships. Names and phone numbers are
 * personal data: only staff whose scope covers a person (an area where
 * they hold a membership) see them; lists are cut to the viewer's scope. */
#include <string.h>

#include "api/api.h"
#include "domain/network.h"
#include "io/io.h"

/* Cut a list filter to the viewer's scope: community staff see people of
 * their community, a grid worker of their grid, department staff of their
 * department; a street admin's scope is the street. */
static void scope_filter(const tx_call *call, int64_t *area_id, int64_t *org_id)
{
    if (call->who.scope.kind == TX_SCOPE_AREA)
        *area_id = call->who.scope.id;
    else if (call->who.scope.kind == TX_SCOPE_ORG)
        *org_id = call->who.scope.id;
}

static int authorize_person(tx_call *call, store_conn *c, int64_t id, tx_action a)
{
    int64_t areas[64], orgs[64];
    int na, no;
    if (store_person_place(c, id, 0, areas, &na, orgs, &no, 64, &call->err))
        return -1;
    tx_place place = {.areas = areas, .n_areas = na, .orgs = orgs, .n_orgs = no};
    return call_authorize(call, a, &place);
}

int api_people_list(tx_call *call, store_conn *c)
{
    store_person_filter f = {0};
    if (call_query_id(call, "area", &f.area_id) || call_query_id(call, "org", &f.org_id) ||
        call_query_page(call, 100, 1000, &f.limit, &f.offset))
        return -1;
    f.q = call_query(call, "q");
    if (f.q && *f.q == '\0')
        f.q = NULL;
    int64_t scope_area = 0, scope_org = 0;
    scope_filter(call, &scope_area, &scope_org);
    /* A narrower filter inside the scope is fine; anything else is cut
     * back to the scope (the query filters compose with AND). */
    if (scope_area && f.area_id == 0)
        f.area_id = scope_area;
    else if (scope_area && f.area_id != scope_area) {
        int64_t anc[16];
        int n;
        if (store_area_ancestry(c, f.area_id, anc, 16, &n, &call->err))
            return -1;
        tx_place place = {.areas = anc, .n_areas = n};
        if (call_authorize(call, TX_ACT_PERSON_READ, &place))
            return -1;
    }
    if (scope_org)
        f.org_id = scope_org;
    json_t *out;
    if (store_person_list(c, &f, 1, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_people_get(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *p, *m;
    if (call_param_id(call, 0, &id) || store_person_get(c, id, 0, &p, &call->err))
        return -1;
    json_decref(p);
    if (authorize_person(call, c, id, TX_ACT_PERSON_READ) || store_person_get(c, id, 1, &p, &call->err))
        return -1;
    if (store_membership_list(c, 0, id, NULL, 1, &m, &call->err)) {
        json_decref(p);
        return -1;
    }
    json_object_set_new(p, "membership_list", json_incref(json_object_get(m, "items")));
    json_decref(m);
    return call_json(call, 200, p);
}

static int read_person(tx_call *call, store_person_in *p, int create)
{
    static const char *const fields[] = {"code", "name", "phone", "party_member", "notes", NULL};
    if (call_body_only(call, fields) || call_body_str(call, "code", 0, 64, &p->code) ||
        call_body_str(call, "name", create, 64, &p->name) || call_body_str(call, "phone", 0, 20, &p->phone) ||
        call_body_bool(call, "party_member", 0, &p->party_member) || call_body_text(call, "notes", 0, 2000, &p->notes))
        return -1;
    if (p->code && !io_valid_code(p->code))
        return tx_err_invalid(&call->err, "code", "只能是 1-64 个字母、数字或 - _ .", "1-64 letters, digits or - _ .");
    if (p->phone && !io_valid_phone(p->phone))
        return tx_err_invalid(&call->err, "phone", "只能包含数字、+、- 和空格", "digits, +, - and spaces only");
    return 0;
}

int api_people_create(tx_call *call, store_conn *c)
{
    store_person_in p = {0};
    int64_t id;
    char code[72], actor[96];
    call_actor(call, actor, sizeof actor);
    if (read_person(call, &p, 1) || store_person_put(c, &p, 0, &id, code, &call->err) ||
        store_audit(c, actor, "person_create", "person", id, NULL, &call->err))
        return -1;
    /* Answer from what was written (the shape of GET /people/{id}): no
     * read-back inside the writer's transaction. */
    return call_json(call, 201,
                     json_pack("{s:I, s:s, s:b, s:i, s:s, s:s?, s:s?}", "id", (json_int_t)id, "code", code,
                               "party_member", p.party_member, "memberships", 0, "name", p.name, "phone", p.phone,
                               "notes", p.notes));
}

int api_people_update(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *cur, *out;
    if (call_param_id(call, 0, &id) || store_person_get(c, id, 1, &cur, &call->err))
        return -1;
    store_person_in p = {.code = json_string_value(json_object_get(cur, "code")),
                         .name = json_string_value(json_object_get(cur, "name")),
                         .phone = json_string_value(json_object_get(cur, "phone")),
                         .notes = json_string_value(json_object_get(cur, "notes")),
                         .party_member = json_is_true(json_object_get(cur, "party_member"))};
    char actor[96];
    call_actor(call, actor, sizeof actor);
    int rc = authorize_person(call, c, id, TX_ACT_PERSON_WRITE) || read_person(call, &p, 0);
    if (rc == 0 && json_is_null(json_object_get(call->body, "phone")))
        p.phone = NULL;
    if (rc == 0 && json_is_null(json_object_get(call->body, "notes")))
        p.notes = NULL;
    rc = rc || store_person_update(c, id, &p, &call->err) ||
         store_audit(c, actor, "person_update", "person", id, NULL, &call->err) ||
         store_person_get(c, id, 1, &out, &call->err);
    json_decref(cur);
    if (rc)
        return -1;
    return call_json(call, 200, out);
}

/* The area an export is cut to: nothing (everything) for a principal whose
 * scope is a top-level area, else the scope area; -1 on failure. */
static int export_area(tx_call *call, store_conn *c, int64_t *area_id)
{
    *area_id = 0;
    if (call->who.scope.kind != TX_SCOPE_AREA)
        return 0;
    int64_t anc[16];
    int n;
    if (store_area_ancestry(c, call->who.scope.id, anc, 16, &n, &call->err))
        return -1;
    if (n > 1)
        *area_id = call->who.scope.id;
    return 0;
}

int api_people_csv(tx_call *call, store_conn *c)
{
    int64_t area_id;
    if (export_area(call, c, &area_id) ||
        store_person_export_csv(c, 1, area_id, &call->out_raw, &call->out_raw_len, &call->err))
        return -1;
    call->out_type = "text/csv; charset=utf-8";
    call->status = 200;
    return 0;
}

/* ---- memberships ---- */

static int authorize_org(tx_call *call, store_conn *c, int64_t org_id, tx_action a)
{
    int64_t areas[16], orgs[16];
    int na, no;
    if (store_org_place(c, org_id, areas, &na, orgs, &no, 16, &call->err)) {
        if (call->err.status == 404)
            tx_err_invalid(&call->err, "org_id", "没有这个组织", "no such organisation");
        return -1;
    }
    tx_place place = {.areas = areas, .n_areas = na, .orgs = orgs, .n_orgs = no};
    return call_authorize(call, a, &place);
}

int api_memberships_list(tx_call *call, store_conn *c)
{
    int64_t org = 0, person = 0;
    char as_of[11];
    /* as_of=all lists past memberships too. */
    const char *q = call_query(call, "as_of");
    int all = q && strcmp(q, "all") == 0;
    if (call_query_id(call, "org", &org) || call_query_id(call, "person", &person) ||
        (!all && call_query_date(call, "as_of", as_of)))
        return -1;
    if (org == 0 && person == 0)
        return tx_err_set_reason(&call->err, 400, "missing_query", "org", M_QUERY_INVALID, 0, 0, "org", "需要 org 或 person", "give org or person");
    /* Names are shown to staff whose scope covers the organisation, for its
     * current members only (past and future members may be someone else's
     * to see now). */
    int personal = org && tx_role_is_staff(call->who.role) && q == NULL;
    if (personal) {
        tx_err saved = call->err;
        personal = authorize_org(call, c, org, TX_ACT_PERSON_READ) == 0;
        call->err = saved;
    }
    if (person && authorize_person(call, c, person, TX_ACT_PERSON_READ))
        return -1;
    json_t *out;
    if (store_membership_list(c, org, person, all ? NULL : as_of, personal || person, &out,
                              &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_memberships_create(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"person_id", "org_id", "role", "represents_id", "start_date", "end_date",
                                         NULL};
    store_membership_in m = {0};
    tx_membership_role role;
    int64_t id;
    if (call_body_only(call, fields) || call_body_int(call, "person_id", 1, 1, INT64_MAX, &m.person_id) ||
        call_body_int(call, "org_id", 1, 1, INT64_MAX, &m.org_id) || call_body_str(call, "role", 1, 32, &m.role) ||
        call_body_int(call, "represents_id", 0, 1, INT64_MAX, &m.represents_id) ||
        call_body_str(call, "start_date", 1, 10, &m.start_date) || call_body_str(call, "end_date", 0, 10, &m.end_date))
        return -1;
    if (tx_membership_role_parse(m.role, &role))
        return tx_err_invalid(&call->err, "role", "未知的角色", "unknown role");
    if ((role == TX_MROLE_PART_TIME_MEMBER) != (m.represents_id != 0))
        return tx_err_invalid(&call->err, "represents_id", "兼职委员必须且只有兼职委员注明所代表的成员单位",
                              "part-time members, and only they, represent a member unit");
    if (!io_valid_date(m.start_date, 0))
        return tx_err_invalid(&call->err, "start_date", "必须是 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date");
    if (m.end_date && (!io_valid_date(m.end_date, 0) || strcmp(m.end_date, m.start_date) < 0))
        return tx_err_invalid(&call->err, "end_date", "必须是不早于开始日期的 YYYY-MM-DD", "a YYYY-MM-DD not before start_date");
    char actor[96];
    call_actor(call, actor, sizeof actor);
    /* Adding someone to an organisation puts them in its scope. Someone who
     * already belongs elsewhere may only be added by staff who may already
     * change them; otherwise this would be a way to reach anyone's phone. */
    int64_t areas[64], orgs[64];
    int na = 0, no = 0;
    if (authorize_org(call, c, m.org_id, TX_ACT_ORG_WRITE) ||
        store_person_place(c, m.person_id, 1, areas, &na, orgs, &no, 64, &call->err))
        return -1;
    /* Ever a member anywhere (ended and future memberships too): only staff
     * covering one of those places may add them somewhere else. */
    tx_place was = {.areas = areas, .n_areas = na, .orgs = orgs, .n_orgs = no};
    if (((na || no) && call_authorize(call, TX_ACT_PERSON_WRITE, &was)) ||
        store_membership_add(c, &m, &id, &call->err) ||
        store_audit(c, actor, "membership_add", "membership", id, NULL, &call->err))
        return -1;
    return call_json(call, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* PATCH: end a membership (the only change a dated record takes). */
int api_memberships_end(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"end_date", NULL};
    int64_t id, org_id;
    const char *end = NULL;
    if (call_param_id(call, 0, &id) || call_body_only(call, fields) || call_body_str(call, "end_date", 1, 10, &end))
        return -1;
    if (!io_valid_date(end, 0))
        return tx_err_invalid(&call->err, "end_date", "必须是 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date");
    if (store_membership_org(c, id, &org_id, &call->err))
        return -1;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (authorize_org(call, c, org_id, TX_ACT_ORG_WRITE) || store_membership_end(c, id, end, &call->err) ||
        store_audit(c, actor, "membership_end", "membership", id, end, &call->err))
        return -1;
    return call_json(call, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "end_date", end));
}

int api_memberships_csv(tx_call *call, store_conn *c)
{
    int64_t area_id;
    /* Staff scoped to an organisation (a department) have no area to cut
     * to: they get the memberships of their own organisation's area. */
    if (call->who.scope.kind == TX_SCOPE_ORG) {
        int64_t areas[16], orgs[16];
        int na, no;
        if (store_org_place(c, call->who.scope.id, areas, &na, orgs, &no, 16, &call->err))
            return -1;
        area_id = na ? areas[0] : -1;
    } else if (export_area(call, c, &area_id)) {
        return -1;
    }
    if (store_membership_export_csv(c, area_id, &call->out_raw, &call->out_raw_len, &call->err))
        return -1;
    call->out_type = "text/csv; charset=utf-8";
    call->status = 200;
    return 0;
}

/* ---- the network ---- */

int api_network(tx_call *call, store_conn *c)
{
    int64_t community;
    char as_of[11];
    json_t *out;
    if (call_query_id(call, "community", &community) || call_query_date(call, "as_of", as_of))
        return -1;
    if (community ? store_network_community(c, community, as_of, &out, &call->err)
                  : store_network_overview(c, as_of, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}
