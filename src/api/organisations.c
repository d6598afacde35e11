/* organisations: party organisations, member units, property companies,
 * departments, clubs, venues. Public to read (they are public bodies);
 * street admins change any in their street, community staff those in
 * their community. */
#include <string.h>

#include "api/api.h"
#include "domain/network.h"
#include "io/io.h"

static const char *const org_kinds[] = {"street_party_committee", "community_party_committee",
                                        "community_general_branch", "community_branch",
                                        "compound_party_branch", "owners_committee",
                                        "property_company", "member_unit",
                                        "district_department", "association",
                                        "volunteer_team", "womens_federation",
                                        "venue", NULL};
static const char *const unit_types[] = {"government_organ", "enterprise", "public_institution",
                                         "new_economic_organisation", "new_social_organisation", NULL};

int api_orgs_list(tx_call *call, store_conn *c)
{
    store_org_filter f = {0};
    if (call_query_enum(call, "kind", org_kinds, &f.kind) || call_query_enum(call, "unit_type", unit_types, &f.unit_type) ||
        call_query_id(call, "area", &f.area_id) || call_query_id(call, "parent", &f.parent_id) ||
        call_query_page(call, 100, 1000, &f.limit, &f.offset))
        return -1;
    f.q = call_query(call, "q");
    if (f.q && *f.q == '\0')
        f.q = NULL;
    json_t *out;
    if (store_org_list(c, &f, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}

int api_orgs_get(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *o;
    if (call_param_id(call, 0, &id) || store_org_get(c, id, &o, &call->err))
        return -1;
    return call_json(call, 200, o);
}

/* Read and check the body into o (strings point into the body). For a
 * PATCH, cur holds the current values, which absent fields keep. */
static int read_org(tx_call *call, store_org_in *o, json_t *cur)
{
    static const char *const fields[] = {"code", "kind", "unit_type", "name", "name_en", "area_code",
                                         "parent_code", "manages", "notes", NULL};
    if (call_body_only(call, fields))
        return -1;
    if (cur) {
        json_t *area = json_object_get(cur, "area");
        o->code = json_string_value(json_object_get(cur, "code"));
        o->kind = json_string_value(json_object_get(cur, "kind"));
        o->unit_type = json_string_value(json_object_get(cur, "unit_type"));
        o->name = json_string_value(json_object_get(cur, "name"));
        o->name_en = json_string_value(json_object_get(cur, "name_en"));
        o->area_code = json_string_value(json_object_get(area, "code"));
        o->parent_code = json_string_value(json_object_get(cur, "parent_code"));
        o->notes = json_string_value(json_object_get(cur, "notes"));
    }
    int create = cur == NULL;
    if (call_body_str(call, "code", create, 64, &o->code) || call_body_str(call, "kind", create, 40, &o->kind) ||
        call_body_str(call, "unit_type", 0, 40, &o->unit_type) || call_body_str(call, "name", create, 100, &o->name) ||
        call_body_str(call, "name_en", 0, 200, &o->name_en) || call_body_str(call, "area_code", create, 64, &o->area_code) ||
        call_body_str(call, "parent_code", 0, 64, &o->parent_code) ||
        call_body_str(call, "manages", 0, 4000, &o->manages) || call_body_text(call, "notes", 0, 2000, &o->notes))
        return -1;
    /* Explicit nulls clear optional fields. Every organisation stays
     * somewhere: its area decides who may change it. */
    if (json_is_null(json_object_get(call->body, "area_code")))
        return tx_err_invalid(&call->err, "area_code", "组织必须属于一个区域", "an organisation belongs to an area");
    static const char *const clearable[] = {"unit_type", "name_en", "parent_code", "notes"};
    const char **targets[] = {&o->unit_type, &o->name_en, &o->parent_code, &o->notes};
    for (int i = 0; i < 4; i++)
        if (json_is_null(json_object_get(call->body, clearable[i])))
            *targets[i] = NULL;
    tx_org_kind kind;
    tx_unit_type ut;
    if (!io_valid_code(o->code))
        return tx_err_invalid(&call->err, "code", "只能是 1-64 个字母、数字或 - _ .", "1-64 letters, digits or - _ .");
    if (tx_org_kind_parse(o->kind, &kind))
        return tx_err_invalid(&call->err, "kind", "未知的组织类型", "unknown organisation kind");
    if (kind == TX_ORG_MEMBER_UNIT ? (o->unit_type == NULL || tx_unit_type_parse(o->unit_type, &ut)) : o->unit_type != NULL)
        return tx_err_invalid(&call->err, "unit_type", "成员单位必须有已知的单位类型，其他组织不能有",
                              "member units need a known unit type; other kinds have none");
    if (o->manages && kind != TX_ORG_PROPERTY_COMPANY)
        return tx_err_invalid(&call->err, "manages", "只有物业公司管理小区", "only property companies manage compounds");
    return 0;
}

/* The place an organisation will be at: its area's ancestry. */
static int authorize_area(tx_call *call, store_conn *c, const char *area_code)
{
    int64_t id = 0, anc[16];
    int n = 0;
    if (area_code && (store_area_id_by_code(c, area_code, &id, &call->err) ||
                      store_area_ancestry(c, id, anc, 16, &n, &call->err))) {
        if (call->err.status == 404)
            tx_err_invalid(&call->err, "area_code", "没有这个编码的区域", "no area has this code");
        return -1;
    }
    tx_place place = {.areas = anc, .n_areas = n};
    return call_authorize(call, TX_ACT_ORG_WRITE, &place);
}

int api_orgs_create(tx_call *call, store_conn *c)
{
    store_org_in o = {0};
    int64_t id;
    json_t *out;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (read_org(call, &o, NULL) || authorize_area(call, c, o.area_code) || store_org_put(c, &o, 0, &id, &call->err) ||
        store_audit(c, actor, "org_create", "organisation", id, o.code, &call->err) ||
        store_org_get(c, id, &out, &call->err))
        return -1;
    return call_json(call, 201, out);
}

int api_orgs_update(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *cur, *out;
    if (call_param_id(call, 0, &id) || store_org_get(c, id, &cur, &call->err))
        return -1;
    store_org_in o = {0};
    /* Changing an organisation needs scope over where it is now and
     * over where it is moved to. */
    const char *was = json_string_value(json_object_get(json_object_get(cur, "area"), "code"));
    char actor[96];
    call_actor(call, actor, sizeof actor);
    int rc = authorize_area(call, c, was) || read_org(call, &o, cur) || authorize_area(call, c, o.area_code);
    /* Without "manages" in the patch a property company keeps its
     * compounds; a company that becomes another kind loses them. */
    if (rc == 0 && !json_object_get(call->body, "manages") && strcmp(o.kind, "property_company") == 0)
        o.keep_manages = 1;
    rc = rc || store_org_update(c, id, &o, &call->err) ||
         store_audit(c, actor, "org_update", "organisation", id, o.code, &call->err) ||
         store_org_get(c, id, &out, &call->err);
    json_decref(cur);
    if (rc)
        return -1;
    return call_json(call, 200, out);
}

int api_orgs_delete(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *cur;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_param_id(call, 0, &id) || store_org_get(c, id, &cur, &call->err))
        return -1;
    int rc = authorize_area(call, c, json_string_value(json_object_get(json_object_get(cur, "area"), "code"))) ||
             store_org_delete(c, id, &call->err) ||
             store_audit(c, actor, "org_delete", "organisation", id, NULL, &call->err);
    json_decref(cur);
    if (rc)
        return -1;
    call->status = 204;
    return 0;
}

int api_orgs_csv(tx_call *call, store_conn *c)
{
    if (store_org_export_csv(c, &call->out_raw, &call->out_raw_len, &call->err))
        return -1;
    call->out_type = "text/csv; charset=utf-8";
    call->status = 200;
    return 0;
}
