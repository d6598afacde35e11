/* sqlite/lists: needs, resources, projects and plans (store/lists.h,
 * migration 0008). Items are shaped as JSON by SQLite's json functions,
 * each query run to its end before the next: no statement is stepped while
 * another one is prepared. The rules (statuses, capacity, progress) are the
 * domain's (domain/lists.h). */
#include "store/lists.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/log.h"
#include "domain/lists.h"
#include "store/sqlite/db.h"

/* ms → "2026-03-04T09:00:00+08:00" */
#define TS(x) "CASE WHEN " x " IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S+08:00', " x " / 1000, 'unixepoch', '+8 hours') END"
#define AREA_REF(x) "json((SELECT json_object('id', a.id, 'code', a.code, 'name', a.name, 'kind', a.kind) FROM area a WHERE a.id = " x "))"
#define ORG_REF(x) "json((SELECT json_object('id', o.id, 'code', o.code, 'name', o.name) FROM organisation o WHERE o.id = " x "))"
#define BOOL(x) "json(CASE WHEN " x " THEN 'true' ELSE 'false' END)"
/* quantity of a resource promised (committed or delivered) and delivered */
#define R_COMMITTED(r) "coalesce((SELECT sum(pr.quantity) FROM project_resource pr WHERE pr.resource_id = " r " AND pr.status != 'cancelled'), 0)"
#define R_DELIVERED(r) "coalesce((SELECT sum(pr.delivered) FROM project_resource pr WHERE pr.resource_id = " r " AND pr.status = 'delivered'), 0)"

#define NEED_JSON                                                                                                      \
    "json_object('id', n.id, 'code', n.code, 'community', " AREA_REF("n.community_id") ", 'area', " AREA_REF(        \
        "n.area_id") ", 'title', n.title, 'description', n.description, 'kind', n.kind, 'quantity', n.quantity, "     \
                     "'quantity_unit', n.quantity_unit, 'beneficiaries', n.beneficiaries, 'urgency', n.urgency, "   \
                     "'wanted_by', n.wanted_by, 'status', n.status, 'closed_reason', n.closed_reason, 'source', "  \
                     "n.source, 'raised_by', " ORG_REF("n.raised_by_org_id") ", 'created_at', " TS("n.created_at") \
                     ", 'updated_at', " TS("n.updated_at") ", 'met_at', " TS("n.met_at") ")"

#define RES_JSON                                                                                                       \
    "json_object('id', r.id, 'code', r.code, 'community', " AREA_REF("r.community_id") ", 'area', " AREA_REF(        \
        "r.area_id") ", 'org', " ORG_REF("r.org_id") ", 'title', r.title, 'description', r.description, 'kind', "    \
                     "r.kind, 'quantity', r.quantity, 'quantity_unit', r.quantity_unit, 'committed', " R_COMMITTED( \
                         "r.id") ", 'remaining', max(0, r.quantity - " R_COMMITTED("r.id") "), 'delivered', "      \
                                 R_DELIVERED("r.id") ", 'available_from', r.available_from, 'available_to', "       \
                                 "r.available_to, 'weekdays', r.weekdays, 'hours', r.hours, 'conditions', "          \
                                 "r.conditions, 'contact_name', r.contact_name, 'contact_phone', r.contact_phone, "  \
                                 "'status', r.status, 'created_at', " TS("r.created_at") ", 'updated_at', " TS(     \
                                     "r.updated_at") ")"

#define PROJ_JSON                                                                                                      \
    "json_object('id', p.id, 'code', p.code, 'community', " AREA_REF("p.community_id") ", 'area', " AREA_REF(        \
        "p.area_id") ", 'parent_id', p.parent_id, 'plan_goal_id', p.plan_goal_id, 'owner', " ORG_REF(               \
            "p.owner_org_id") ", 'title', p.title, 'description', p.description, 'kind', p.kind, 'budget', "         \
                              "p.budget, 'beneficiaries', p.beneficiaries, 'start_date', p.start_date, 'end_date', " \
                              "p.end_date, 'status', p.status, 'progress', round(p.progress, 1), 'weight', "         \
                              "p.weight, 'demonstration', " BOOL("p.demonstration") ", 'template_id', "             \
                              "p.template_id, 'units', json((SELECT json_group_array(json(u)) FROM (SELECT "         \
                              "json_object('id', o.id, 'code', o.code, 'name', o.name) AS u FROM organisation o "    \
                              "WHERE o.id IN (SELECT org_id FROM project_unit WHERE project_id = p.id UNION SELECT " \
                              "r.org_id FROM project_resource pr JOIN resource r ON r.id = pr.resource_id WHERE "    \
                              "pr.project_id = p.id AND pr.status != 'cancelled') ORDER BY o.code))), "              \
                              "'created_at', " TS("p.created_at") ", 'updated_at', " TS("p.updated_at")            \
                              ", 'done_at', " TS("p.done_at") ")"

/* A goal's progress: its projects' (not cancelled) weighted average. The
 * plan's: its goals'. (Weights of 0 everywhere count alike.) */
#define GOAL_PROGRESS(g)                                                                                               \
    "coalesce((SELECT CASE WHEN sum(p.weight) > 0 THEN sum(p.weight * p.progress) / sum(p.weight) ELSE "               \
    "avg(p.progress) END FROM project p WHERE p.plan_goal_id = " g " AND p.status != 'cancelled'), 0)"
#define PLAN_JSON                                                                                                      \
    "json_object('id', pl.id, 'code', pl.code, 'community', " AREA_REF("pl.community_id") ", 'year', pl.year, "      \
    "'title', pl.title, 'summary', pl.summary, 'status', pl.status, 'progress', round(coalesce((SELECT CASE WHEN "   \
    "sum(g.weight) > 0 THEN sum(g.weight * " GOAL_PROGRESS("g.id") ") / sum(g.weight) ELSE avg(" GOAL_PROGRESS(    \
        "g.id") ") END FROM plan_goal g WHERE g.plan_id = pl.id), 0), 1), 'goals', (SELECT count(*) FROM plan_goal " \
                "g WHERE g.plan_id = pl.id), 'created_at', " TS("pl.created_at") ", 'updated_at', " TS(             \
                    "pl.updated_at") ")"

#define SUBTREE(x)                                                                                                     \
    "(WITH RECURSIVE sub(id) AS (SELECT " x " UNION ALL SELECT area.id FROM area JOIN sub ON area.parent_id = sub.id) " \
    "SELECT id FROM sub)"
#define IN_AREA(t) "(?1 = 0 OR " t ".community_id IN " SUBTREE("?1") " OR " t ".area_id IN " SUBTREE("?1") ")"
#define TEXT_Q(t)                                                                                                      \
    "(?4 IS NULL OR instr(" t ".title, ?4) > 0 OR instr(" t ".description, ?4) > 0 OR instr(coalesce(" t           \
    ".code, ''), ?4) > 0)"

#define NEED_WHERE                                                                                                     \
    " FROM need n WHERE " IN_AREA("n") " AND (?2 IS NULL OR n.kind = ?2) AND (?3 IS NULL OR n.status = ?3) AND "      \
    TEXT_Q("n") " AND (?5 = 0 OR n.raised_by_org_id = ?5 OR EXISTS (SELECT 1 FROM claim cl WHERE cl.need_id = n.id " \
                "AND cl.org_id = ?5) OR EXISTS (SELECT 1 FROM project_resource pr JOIN resource r ON r.id = "        \
                "pr.resource_id WHERE pr.need_id = n.id AND r.org_id = ?5))"
#define RES_WHERE                                                                                                      \
    " FROM resource r WHERE " IN_AREA("r") " AND (?2 IS NULL OR r.kind = ?2) AND (?3 IS NULL OR r.status = ?3) AND "  \
    TEXT_Q("r") " AND (?5 = 0 OR r.org_id = ?5)"
#define PROJ_WHERE                                                                                                     \
    " FROM project p WHERE " IN_AREA("p") " AND (?2 IS NULL OR p.kind = ?2) AND (?3 IS NULL OR p.status = ?3) AND "   \
    TEXT_Q("p") " AND (?5 = 0 OR p.owner_org_id = ?5 OR EXISTS (SELECT 1 FROM project_unit pu WHERE pu.project_id " \
                "= p.id AND pu.org_id = ?5) OR EXISTS (SELECT 1 FROM project_resource pr JOIN resource r ON r.id = " \
                "pr.resource_id WHERE pr.project_id = p.id AND r.org_id = ?5))"
#define PLAN_WHERE                                                                                                     \
    " FROM plan pl WHERE (?1 = 0 OR pl.community_id IN " SUBTREE("?1") ") AND (?2 IS NULL OR ?2 = ?2) AND (?3 IS "    \
    "NULL OR pl.status = ?3) AND (?4 IS NULL OR instr(pl.title, ?4) > 0 OR instr(pl.summary, ?4) > 0 OR "              \
    "instr(coalesce(pl.code, ''), ?4) > 0) AND (?5 = 0 OR ?5 = ?5)"

static const char need_list[] = "SELECT " NEED_JSON NEED_WHERE " ORDER BY n.id DESC LIMIT ?6 OFFSET ?7";
static const char need_count[] = "SELECT count(*)" NEED_WHERE;
static const char res_list[] = "SELECT " RES_JSON RES_WHERE " ORDER BY r.id DESC LIMIT ?6 OFFSET ?7";
static const char res_count[] = "SELECT count(*)" RES_WHERE;
static const char proj_list[] = "SELECT " PROJ_JSON PROJ_WHERE " ORDER BY p.id DESC LIMIT ?6 OFFSET ?7";
static const char proj_count[] = "SELECT count(*)" PROJ_WHERE;
static const char plan_list[] = "SELECT " PLAN_JSON PLAN_WHERE " ORDER BY pl.id DESC LIMIT ?6 OFFSET ?7";
static const char plan_count[] = "SELECT count(*)" PLAN_WHERE;

static const char need_one[] = "SELECT " NEED_JSON " FROM need n WHERE n.id = ?1";
static const char res_one[] = "SELECT " RES_JSON " FROM resource r WHERE r.id = ?1";
static const char proj_one[] = "SELECT " PROJ_JSON " FROM project p WHERE p.id = ?1";
static const char plan_one[] = "SELECT " PLAN_JSON " FROM plan pl WHERE pl.id = ?1";

static const char *const kind_noun[] = {"need", "resource", "project", "plan"};
static const char *const kind_table[] = {"need", "resource", "project", "plan"};

static int internal(tx_err *err)
{
    return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
}

/* The JSON text in column i as a value (json null for SQL NULL). */
static json_t *col_json(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    json_t *v = json_loads((const char *)sqlite3_column_text(st, i), JSON_DECODE_ANY, NULL);
    return v ? v : json_null();
}

/* Run sql (?1 = id) whose one row, one column is JSON; NULL with err. */
static json_t *one_json(store_conn *c, const char *sql, int64_t id, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE)
            db_fail(c, "lists json", err);
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? json_array() : NULL;
    }
    json_t *v = col_json(st, 0);
    sqlite3_reset(st);
    return v;
}

static void drop_personal(json_t *item)
{
    json_object_del(item, "contact_name");
    json_object_del(item, "contact_phone");
}

int store_lists_list(store_conn *c, store_list_kind k, const store_list_filter *f, int with_personal, json_t **out,
                     tx_err *err)
{
    static const char *const lists[] = {need_list, res_list, proj_list, plan_list};
    static const char *const counts[] = {need_count, res_count, proj_count, plan_count};
    json_int_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_stmt *st = db_stmt(c, pass ? lists[k] : counts[k], err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, f->area_id);
        db_bind_text(st, 2, f->kind);
        db_bind_text(st, 3, f->status);
        db_bind_text(st, 4, f->q);
        sqlite3_bind_int64(st, 5, f->unit_id);
        if (pass == 0) {
            if (sqlite3_step(st) != SQLITE_ROW)
                return db_fail(c, "lists count", err);
            total = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            continue;
        }
        sqlite3_bind_int(st, 6, f->limit);
        sqlite3_bind_int(st, 7, f->offset);
        json_t *items = json_array();
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            json_t *it = col_json(st, 0);
            if (k == STORE_LIST_RESOURCE && !with_personal)
                drop_personal(it);
            json_array_append_new(items, it);
        }
        if (rc != SQLITE_DONE) {
            json_decref(items);
            return db_fail(c, "lists list", err);
        }
        *out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "limit", f->limit, "offset",
                         f->offset);
    }
    return 0;
}

/* ---- details ---- */

static const char need_claims[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', cl.id, 'org', " ORG_REF("cl.org_id")
    ", 'resource_id', cl.resource_id, 'quantity', cl.quantity, 'note', cl.note, 'status', cl.status, 'project_id', "
    "cl.project_id, 'created_at', " TS("cl.created_at") ", 'decided_at', " TS("cl.decided_at")
    ") AS j FROM claim cl WHERE cl.need_id = ?1 ORDER BY cl.id)";
static const char need_projects[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', p.id, 'title', p.title, 'status', p.status, "
    "'progress', round(p.progress, 1)) AS j FROM project_need pn JOIN project p ON p.id = pn.project_id WHERE "
    "pn.need_id = ?1 ORDER BY p.id)";
#define COMMIT_JSON                                                                                                    \
    "json_object('id', pr.id, 'project', json_object('id', p.id, 'title', p.title), 'resource', json_object('id', "    \
    "r.id, 'title', r.title, 'kind', r.kind, 'quantity_unit', r.quantity_unit, 'org', " ORG_REF("r.org_id")           \
    "), 'need_id', pr.need_id, 'quantity', pr.quantity, 'delivered', pr.delivered, 'status', pr.status, 'note', "     \
    "pr.note, 'committed_at', " TS("pr.committed_at") ", 'delivered_at', " TS("pr.delivered_at") ")"
static const char res_commitments[] =
    "SELECT json_group_array(json(j)) FROM (SELECT " COMMIT_JSON " AS j FROM project_resource pr JOIN project p ON "
    "p.id = pr.project_id JOIN resource r ON r.id = pr.resource_id WHERE pr.resource_id = ?1 ORDER BY pr.id)";
static const char proj_commitments[] =
    "SELECT json_group_array(json(j)) FROM (SELECT " COMMIT_JSON " AS j FROM project_resource pr JOIN project p ON "
    "p.id = pr.project_id JOIN resource r ON r.id = pr.resource_id WHERE pr.project_id = ?1 ORDER BY pr.id)";
static const char proj_needs[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', n.id, 'title', n.title, 'kind', n.kind, "
    "'status', n.status) AS j FROM project_need pn JOIN need n ON n.id = pn.need_id WHERE pn.project_id = ?1 ORDER "
    "BY n.id)";
static const char proj_milestones[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', m.id, 'title', m.title, 'due_date', "
    "m.due_date, 'done_date', m.done_date, 'weight', m.weight, 'progress', m.progress) AS j FROM milestone m WHERE "
    "m.project_id = ?1 ORDER BY m.sort, m.id)";
static const char proj_outcomes[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', o.id, 'date', o.date, 'summary', o.summary, "
    "'people_served', o.people_served, 'photos', json(coalesce(o.photos, '[]')), 'created_at', " TS("o.created_at")
    ") AS j FROM outcome o WHERE o.project_id = ?1 ORDER BY o.date, o.id)";
static const char proj_children[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', p.id, 'title', p.title, 'status', p.status, "
    "'progress', round(p.progress, 1), 'weight', p.weight) AS j FROM project p WHERE p.parent_id = ?1 ORDER BY p.id)";
static const char plan_goals[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', g.id, 'title', g.title, 'description', "
    "g.description, 'weight', g.weight, 'progress', round(" GOAL_PROGRESS("g.id") ", 1), 'projects', json((SELECT "
    "json_group_array(json(pj)) FROM (SELECT json_object('id', p.id, 'title', p.title, 'status', p.status, "
    "'progress', round(p.progress, 1), 'demonstration', " BOOL("p.demonstration") ") AS pj FROM project p WHERE "
    "p.plan_goal_id = g.id ORDER BY p.id)))) AS j FROM plan_goal g WHERE g.plan_id = ?1 ORDER BY g.sort, g.id)";

static int attach(store_conn *c, json_t *o, const char *key, const char *sql, int64_t id, tx_err *err)
{
    json_t *v = one_json(c, sql, id, err);
    if (!v)
        return -1;
    json_object_set_new(o, key, v);
    return 0;
}

int store_lists_get(store_conn *c, store_list_kind k, int64_t id, int with_personal, json_t **out, tx_err *err)
{
    static const char *const ones[] = {need_one, res_one, proj_one, plan_one};
    sqlite3_stmt *st = db_row_by_id(c, ones[k], id, kind_noun[k], err);
    if (!st)
        return -1;
    json_t *o = col_json(st, 0);
    sqlite3_reset(st);
    int rc = 0;
    switch (k) {
    case STORE_LIST_NEED:
        rc = attach(c, o, "claims", need_claims, id, err) || attach(c, o, "projects", need_projects, id, err);
        break;
    case STORE_LIST_RESOURCE:
        if (!with_personal)
            drop_personal(o);
        rc = attach(c, o, "commitments", res_commitments, id, err);
        break;
    case STORE_LIST_PROJECT:
        rc = attach(c, o, "needs", proj_needs, id, err) || attach(c, o, "commitments", proj_commitments, id, err) ||
             attach(c, o, "milestones", proj_milestones, id, err) ||
             attach(c, o, "outcomes", proj_outcomes, id, err) || attach(c, o, "children", proj_children, id, err);
        break;
    case STORE_LIST_PLAN:
        rc = attach(c, o, "goal_list", plan_goals, id, err);
        break;
    }
    if (rc) {
        json_decref(o);
        return -1;
    }
    *out = o;
    return 0;
}

/* ---- lookups ---- */

/* The store's code lookups answer 404; here an unknown code is a bad field
 * of the request (400 naming it). */
static int area_by_code(store_conn *c, const char *code, const char *field, int64_t *out, tx_err *err)
{
    if (store_area_id_by_code(c, code, out, err) == 0)
        return 0;
    return err->status == 404 ? tx_err_invalid(err, field, "没有这个编码的区域", "no area has this code") : -1;
}

static int org_by_code(store_conn *c, const char *code, const char *field, int64_t *out, tx_err *err)
{
    if (store_org_id_by_code(c, code, out, err) == 0)
        return 0;
    return err->status == 404 ? tx_err_invalid(err, field, "没有这个编码的组织", "no organisation has this code") : -1;
}

int store_lists_id_by_code(store_conn *c, store_list_kind k, const char *code, int64_t *id, tx_err *err)
{
    static const char *const sqls[] = {"SELECT id FROM need WHERE code = ?1", "SELECT id FROM resource WHERE code = ?1",
                                       "SELECT id FROM project WHERE code = ?1", "SELECT id FROM plan WHERE code = ?1"};
    sqlite3_stmt *st = db_stmt(c, sqls[k], err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(c, "list code", err);
}

int store_lists_place(store_conn *c, store_list_kind k, int64_t id, int64_t *areas, int *nareas, int64_t *orgs,
                      int *norgs, int max, tx_err *err)
{
    static const char *const sqls[] = {"SELECT community_id, NULL FROM need WHERE id = ?1",
                                       "SELECT community_id, org_id FROM resource WHERE id = ?1",
                                       "SELECT community_id, NULL FROM project WHERE id = ?1",
                                       "SELECT community_id, NULL FROM plan WHERE id = ?1"};
    sqlite3_stmt *st = db_row_by_id(c, sqls[k], id, kind_noun[k], err);
    if (!st)
        return -1;
    int64_t community = sqlite3_column_int64(st, 0), org = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    *norgs = 0;
    if (org && max > 0)
        orgs[(*norgs)++] = org;
    return store_area_ancestry(c, community, areas, max, nareas, err);
}

/* ---- writing items ---- */

typedef enum { F_TEXT, F_REAL, F_INT, F_BOOL, F_AREA, F_ORG, F_DATE } field_type;
typedef struct {
    const char *field, *column;
    field_type type;
} field_spec;

static const field_spec need_fields[] = {
    {"code", "code", F_TEXT},         {"community_code", "community_id", F_AREA}, {"area_code", "area_id", F_AREA},
    {"title", "title", F_TEXT},       {"description", "description", F_TEXT},    {"kind", "kind", F_TEXT},
    {"quantity", "quantity", F_REAL}, {"quantity_unit", "quantity_unit", F_TEXT}, {"beneficiaries", "beneficiaries", F_INT},
    {"urgency", "urgency", F_TEXT},   {"wanted_by", "wanted_by", F_DATE},         {"status", "status", F_TEXT},
    {"closed_reason", "closed_reason", F_TEXT}, {"source", "source", F_TEXT},     {"raised_by_code", "raised_by_org_id", F_ORG},
    {NULL, NULL, 0}};
static const field_spec res_fields[] = {
    {"code", "code", F_TEXT},           {"community_code", "community_id", F_AREA}, {"area_code", "area_id", F_AREA},
    {"org_code", "org_id", F_ORG},      {"title", "title", F_TEXT},                 {"description", "description", F_TEXT},
    {"kind", "kind", F_TEXT},           {"quantity", "quantity", F_REAL},           {"quantity_unit", "quantity_unit", F_TEXT},
    {"available_from", "available_from", F_DATE}, {"available_to", "available_to", F_DATE}, {"weekdays", "weekdays", F_INT},
    {"hours", "hours", F_TEXT},         {"conditions", "conditions", F_TEXT},       {"contact_name", "contact_name", F_TEXT},
    {"contact_phone", "contact_phone", F_TEXT}, {"status", "status", F_TEXT},       {NULL, NULL, 0}};
static const field_spec proj_fields[] = {
    {"code", "code", F_TEXT},           {"community_code", "community_id", F_AREA}, {"area_code", "area_id", F_AREA},
    {"parent_id", "parent_id", F_INT},  {"plan_goal_id", "plan_goal_id", F_INT},     {"owner_code", "owner_org_id", F_ORG},
    {"title", "title", F_TEXT},         {"description", "description", F_TEXT},     {"kind", "kind", F_TEXT},
    {"budget", "budget", F_REAL},       {"beneficiaries", "beneficiaries", F_INT},   {"start_date", "start_date", F_DATE},
    {"end_date", "end_date", F_DATE},   {"status", "status", F_TEXT},               {"progress", "progress_manual", F_REAL},
    {"weight", "weight", F_REAL},       {"demonstration", "demonstration", F_BOOL},  {NULL, NULL, 0}};
static const field_spec plan_fields[] = {
    {"code", "code", F_TEXT},   {"community_code", "community_id", F_AREA}, {"year", "year", F_INT},
    {"title", "title", F_TEXT}, {"summary", "summary", F_TEXT},             {"status", "status", F_TEXT},
    {NULL, NULL, 0}};
static const field_spec *const specs[] = {need_fields, res_fields, proj_fields, plan_fields};

/* Bind value v of spec s at i (codes looked up). */
static int bind_field(store_conn *c, sqlite3_stmt *st, int i, const field_spec *s, const json_t *v, tx_err *err)
{
    if (v == NULL || json_is_null(v)) {
        sqlite3_bind_null(st, i);
        return 0;
    }
    int64_t id = 0;
    switch (s->type) {
    case F_TEXT:
    case F_DATE:
        db_bind_text(st, i, json_string_value(v));
        return 0;
    case F_REAL:
        sqlite3_bind_double(st, i, json_number_value(v));
        return 0;
    case F_INT:
        sqlite3_bind_int64(st, i, json_integer_value(v));
        return 0;
    case F_BOOL:
        sqlite3_bind_int(st, i, json_is_true(v));
        return 0;
    case F_AREA:
        if (area_by_code(c, json_string_value(v), s->field, &id, err))
            return -1;
        sqlite3_bind_int64(st, i, id);
        return 0;
    case F_ORG:
        if (org_by_code(c, json_string_value(v), s->field, &id, err))
            return -1;
        sqlite3_bind_int64(st, i, id);
        return 0;
    }
    return 0;
}

/* A code already used by another item of the kind: 409 naming code. */
static int code_free(store_conn *c, store_list_kind k, const json_t *in, int64_t id, tx_err *err)
{
    const char *code = json_string_value(json_object_get(in, "code"));
    int64_t other = 0;
    if (code == NULL)
        return 0;
    if (store_lists_id_by_code(c, k, code, &other, err))
        return -1;
    if (other && other != id)
        return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "code", code);
    return 0;
}

static int exec_dynamic(store_conn *c, const char *sql, store_list_kind k, const json_t *in, const char *actor,
                        int64_t now, int64_t id, tx_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(c, "lists put prepare", err);
    int i = 1;
    for (const field_spec *s = specs[k]; s->field; s++) {
        if (!json_object_get(in, s->field))
            continue;
        if (bind_field(c, st, i++, s, json_object_get(in, s->field), err)) {
            sqlite3_finalize(st);
            return -1;
        }
    }
    if (id == 0 && k != STORE_LIST_PLAN)
        db_bind_text(st, i++, actor);
    sqlite3_bind_int64(st, i++, now);
    if (id)
        sqlite3_bind_int64(st, i++, id);
    else
        sqlite3_bind_int64(st, i++, now);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(c, "lists put", err);
    return 0;
}

/* Keep a need's met_at and a project's done_at with their status. */
static int status_times(store_conn *c, store_list_kind k, int64_t id, int64_t now, tx_err *err)
{
    static const char need_sql[] = "UPDATE need SET met_at = CASE WHEN status = 'met' THEN coalesce(met_at, ?2) ELSE "
                                   "NULL END WHERE id = ?1";
    static const char proj_sql[] = "UPDATE project SET done_at = CASE WHEN status = 'done' THEN coalesce(done_at, ?2) "
                                   "ELSE NULL END WHERE id = ?1";
    if (k != STORE_LIST_NEED && k != STORE_LIST_PROJECT)
        return 0;
    sqlite3_stmt *st = db_stmt(c, k == STORE_LIST_NEED ? need_sql : proj_sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "status times", err);
}

static int run1(store_conn *c, const char *sql, int64_t a, int64_t b, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_fail(c, "lists link", err);
}

/* A project's needs (need_ids) and units (unit_codes), replaced when given. */
static int project_links(store_conn *c, int64_t id, const json_t *in, tx_err *err)
{
    const json_t *needs = json_object_get(in, "need_ids"), *units = json_object_get(in, "unit_codes");
    size_t i;
    json_t *v;
    if (needs) {
        if (run1(c, "DELETE FROM project_need WHERE project_id = ?1 AND ?2 = ?2", id, 0, err))
            return -1;
        json_array_foreach(needs, i, v)
        {
            int64_t nid = json_integer_value(v), have = 0;
            /* a project meets needs of its own community */
            static const char chk[] = "SELECT count(*) FROM need n JOIN project p ON p.community_id = n.community_id "
                                      "WHERE n.id = ?1 AND p.id = ?2";
            sqlite3_stmt *st = db_stmt(c, chk, err);
            if (!st)
                return -1;
            sqlite3_bind_int64(st, 1, nid);
            sqlite3_bind_int64(st, 2, id);
            if (sqlite3_step(st) == SQLITE_ROW)
                have = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            if (!have)
                return tx_err_invalid(err, "need_ids", "没有这个需求，或它不属于项目所在社区",
                                      "no such need in the project's community");
            if (run1(c, "INSERT OR IGNORE INTO project_need (project_id, need_id) VALUES (?1, ?2)", id, nid, err) ||
                run1(c, "UPDATE need SET status = 'in_project' WHERE id = ?2 AND status IN ('open', 'matched') AND ?1 = ?1",
                     id, nid, err))
                return -1;
        }
    }
    if (units) {
        if (run1(c, "DELETE FROM project_unit WHERE project_id = ?1 AND ?2 = ?2", id, 0, err))
            return -1;
        json_array_foreach(units, i, v)
        {
            int64_t oid;
            if (org_by_code(c, json_string_value(v), "unit_codes", &oid, err) ||
                run1(c, "INSERT OR IGNORE INTO project_unit (project_id, org_id) VALUES (?1, ?2)", id, oid, err))
                return -1;
        }
    }
    return 0;
}

/* A new plan's goals, or a plan's goals changed: items with an id are
 * updated, without one added; goals not listed are removed. */
static int plan_goals_put(store_conn *c, int64_t plan_id, const json_t *goals, tx_err *err)
{
    if (goals == NULL)
        return 0;
    /* remove the goals not listed */
    char keep[2048] = "";
    size_t i, used = 0;
    json_t *g;
    json_array_foreach(goals, i, g)
    {
        int64_t gid = json_integer_value(json_object_get(g, "id"));
        if (gid)
            used += (size_t)snprintf(keep + used, sizeof keep - used, "%s%lld", used ? "," : "", (long long)gid);
        if (used >= sizeof keep)
            return tx_err_invalid(err, "goals", "目标过多", "too many goals");
    }
    char sql[2300];
    snprintf(sql, sizeof sql, "DELETE FROM plan_goal WHERE plan_id = %lld AND id NOT IN (%s)", (long long)plan_id,
             keep);
    if (db_exec(c, sql, err))
        return -1;
    json_array_foreach(goals, i, g)
    {
        int64_t gid = json_integer_value(json_object_get(g, "id"));
        sqlite3_stmt *st = NULL;
        const char *q = gid ? "UPDATE plan_goal SET title = ?1, description = coalesce(?2, ''), weight = coalesce(?3, 1), "
                              "sort = ?4 WHERE id = ?5 AND plan_id = ?6"
                            : "INSERT INTO plan_goal (title, description, weight, sort, plan_id) VALUES (?1, "
                              "coalesce(?2, ''), coalesce(?3, 1), ?4, ?6)";
        if (sqlite3_prepare_v2(c->db, q, -1, &st, NULL) != SQLITE_OK)
            return db_fail(c, "goal prepare", err);
        db_bind_text(st, 1, json_string_value(json_object_get(g, "title")));
        db_bind_text(st, 2, json_string_value(json_object_get(g, "description")));
        const json_t *w = json_object_get(g, "weight");
        if (json_is_number(w))
            sqlite3_bind_double(st, 3, json_number_value(w));
        sqlite3_bind_int(st, 4, (int)i);
        if (gid)
            sqlite3_bind_int64(st, 5, gid);
        sqlite3_bind_int64(st, 6, plan_id);
        int rc = sqlite3_step(st);
        int changed = sqlite3_changes(c->db);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_fail(c, "goal put", err);
        if (gid && !changed)
            return tx_err_invalid(err, "goals", "目标不属于这个方案", "a goal id is not of this plan");
    }
    return 0;
}

static int resource_restatus(store_conn *c, int64_t rid, tx_err *err);

/* What a project's end does to its needs and resources: done, its needs
 * in the project are met; cancelled, its commitments not yet delivered
 * are released and its needs go back to open (unless another live project
 * serves them). */
static int project_status_effects(store_conn *c, int64_t id, const json_t *in, int64_t now, tx_err *err)
{
    const char *s = json_string_value(json_object_get(in, "status"));
    static const char met[] = "UPDATE need SET status = 'met', met_at = coalesce(met_at, ?2), updated_at = ?2 WHERE "
                              "status = 'in_project' AND id IN (SELECT need_id FROM project_need WHERE project_id = "
                              "?1)";
    static const char reopen[] =
        "UPDATE need SET status = 'open', updated_at = ?2 WHERE status = 'in_project' AND id IN (SELECT need_id FROM "
        "project_need WHERE project_id = ?1) AND NOT EXISTS (SELECT 1 FROM project_need pn JOIN project p ON p.id = "
        "pn.project_id WHERE pn.need_id = need.id AND p.id != ?1 AND p.status NOT IN ('cancelled', 'done'))";
    static const char release[] = "UPDATE project_resource SET status = 'cancelled' WHERE project_id = ?1 AND status = "
                                  "'committed' AND ?2 = ?2";
    static const char released[] = "SELECT DISTINCT resource_id FROM project_resource WHERE project_id = ?1";
    if (s == NULL)
        return 0;
    if (strcmp(s, "done") == 0)
        return run1(c, met, id, now, err);
    if (strcmp(s, "cancelled") != 0)
        return 0;
    if (run1(c, reopen, id, now, err) || run1(c, release, id, now, err))
        return -1;
    int64_t rids[256];
    int n = 0;
    sqlite3_stmt *st = db_stmt(c, released, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while (n < 256 && sqlite3_step(st) == SQLITE_ROW)
        rids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (int i = 0; i < n; i++)
        if (resource_restatus(c, rids[i], err))
            return -1;
    return 0;
}

int store_lists_put(store_conn *c, store_list_kind k, int64_t id, const json_t *in, const char *actor, int64_t now,
                    int64_t *id_out, tx_err *err)
{
    if (code_free(c, k, in, id, err))
        return -1;
    if (id && k == STORE_LIST_PROJECT) {
        /* a project cannot be its own ancestor */
        int64_t parent = json_integer_value(json_object_get(in, "parent_id"));
        for (int depth = 0; parent && depth < 64; depth++) {
            if (parent == id)
                return tx_err_conflict(err, "project_cycle", "parent_id", "项目不能成为自己的上级项目",
                                       "a project cannot be its own ancestor");
            static const char up[] = "SELECT coalesce(parent_id, 0) FROM project WHERE id = ?1";
            sqlite3_stmt *st = db_stmt(c, up, err);
            if (!st)
                return -1;
            sqlite3_bind_int64(st, 1, parent);
            parent = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
            sqlite3_reset(st);
        }
    }
    /* a sub-project that moves leaves its old parent to roll up again */
    int64_t old_parent = 0;
    if (id && k == STORE_LIST_PROJECT && json_object_get(in, "parent_id")) {
        static const char par[] = "SELECT coalesce(parent_id, 0) FROM project WHERE id = ?1";
        sqlite3_stmt *st = db_stmt(c, par, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            old_parent = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    char sql[2048];
    size_t n = 0;
    int any = 0;
    if (id == 0) {
        n += (size_t)snprintf(sql + n, sizeof sql - n, "INSERT INTO %s (", kind_table[k]);
        for (const field_spec *s = specs[k]; s->field; s++)
            if (json_object_get(in, s->field))
                n += (size_t)snprintf(sql + n, sizeof sql - n, "%s, ", s->column);
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%screated_at, updated_at) VALUES (",
                              k != STORE_LIST_PLAN ? "created_by, " : "");
        for (const field_spec *s = specs[k]; s->field; s++)
            if (json_object_get(in, s->field))
                n += (size_t)snprintf(sql + n, sizeof sql - n, "?, ");
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s?, ?)", k != STORE_LIST_PLAN ? "?, " : "");
        any = 1;
    } else {
        n += (size_t)snprintf(sql + n, sizeof sql - n, "UPDATE %s SET ", kind_table[k]);
        for (const field_spec *s = specs[k]; s->field; s++)
            if (json_object_get(in, s->field)) {
                n += (size_t)snprintf(sql + n, sizeof sql - n, "%s = ?, ", s->column);
                any = 1;
            }
        n += (size_t)snprintf(sql + n, sizeof sql - n, "updated_at = ? WHERE id = ?");
    }
    if (n >= sizeof sql)
        return internal(err);
    (void)any;
    if (exec_dynamic(c, sql, k, in, actor, now, id, err))
        return -1;
    if (id == 0)
        id = sqlite3_last_insert_rowid(c->db);
    *id_out = id;
    if (status_times(c, k, id, now, err))
        return -1;
    if (k == STORE_LIST_PROJECT) {
        const json_t *ms = json_object_get(in, "milestones");
        size_t i;
        json_t *m;
        json_array_foreach(ms, i, m)
        {
            int64_t mid;
            if (store_milestone_add(c, id, m, &mid, err))
                return -1;
        }
        if (project_links(c, id, in, err) || project_status_effects(c, id, in, now, err) ||
            store_project_rollup(c, id, err) || (old_parent && store_project_rollup(c, old_parent, err)))
            return -1;
    }
    if (k == STORE_LIST_PLAN && plan_goals_put(c, id, json_object_get(in, "goals"), err))
        return -1;
    return 0;
}

/* ---- progress ---- */

static int refusal(tx_err *err, const tx_list_refusal *why, const char *field)
{
    return tx_err_set_reason(err, why->status ? why->status : 409, why->code ? why->code : "conflict", field,
                             why->status == 400 ? M_FIELD_INVALID : M_CONFLICT, 0, 0, field, why->reason[0],
                             why->reason[1]);
}

/* A project's own progress: from its milestones, else done = 100, else
 * what was set by hand. */
static int own_progress(store_conn *c, int64_t id, double *out, int *done, tx_err *err)
{
    static const char ms[] = "SELECT weight, progress, done_date IS NOT NULL FROM milestone WHERE project_id = ?1";
    static const char pj[] = "SELECT status, coalesce(progress_manual, 0) FROM project WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, pj, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return db_not_found(err, "project", id);
    }
    *done = strcmp((const char *)sqlite3_column_text(st, 0), "done") == 0;
    double manual = sqlite3_column_double(st, 1);
    sqlite3_reset(st);
    st = db_stmt(c, ms, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    tx_project_part parts[256];
    int n = 0;
    while (n < 256 && sqlite3_step(st) == SQLITE_ROW) {
        parts[n].weight = sqlite3_column_double(st, 0);
        parts[n].progress = sqlite3_column_double(st, 1);
        parts[n].done = sqlite3_column_int(st, 2);
        n++;
    }
    sqlite3_reset(st);
    if (n == 0) {
        *out = *done ? 100 : manual;
        return 0;
    }
    tx_list_refusal why;
    if (tx_project_progress(parts, n, out, &why))
        return refusal(err, &why, "milestones");
    return 0;
}

/* Roll up the tree of the project's top ancestor: every node's own
 * progress, then the domain's roll-up over the tree. */
int store_project_rollup(store_conn *c, int64_t project_id, tx_err *err)
{
    static const char top[] = "WITH RECURSIVE up(id, parent_id, depth) AS (SELECT id, parent_id, 0 FROM project WHERE "
                              "id = ?1 UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM project p JOIN up ON "
                              "p.id = up.parent_id WHERE up.depth < 64) SELECT id FROM up ORDER BY depth DESC LIMIT 1";
    static const char tree[] = "WITH RECURSIVE down(id, parent_id, weight, depth) AS (SELECT id, NULL, weight, 0 FROM "
                               "project WHERE id = ?1 UNION ALL SELECT p.id, p.parent_id, p.weight, down.depth + 1 FROM "
                               "project p JOIN down ON p.parent_id = down.id WHERE down.depth < 64 AND p.status != "
                               "'cancelled') SELECT id, coalesce(parent_id, 0), weight FROM down LIMIT 512";
    sqlite3_stmt *st = db_stmt(c, top, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, project_id);
    int64_t root = project_id;
    if (sqlite3_step(st) == SQLITE_ROW)
        root = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    int64_t ids[512], parents[512];
    double weights[512];
    int n = 0;
    st = db_stmt(c, tree, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, root);
    while (n < 512 && sqlite3_step(st) == SQLITE_ROW) {
        ids[n] = sqlite3_column_int64(st, 0);
        parents[n] = sqlite3_column_int64(st, 1);
        weights[n] = sqlite3_column_double(st, 2);
        n++;
    }
    sqlite3_reset(st);
    tx_project_node *nodes = calloc((size_t)n + 1, sizeof *nodes);
    double *out = calloc((size_t)n + 1, sizeof *out);
    if (!nodes || !out) {
        free(nodes);
        free(out);
        return internal(err);
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        nodes[i].parent = -1;
        for (int j = 0; j < n; j++)
            if (parents[i] && ids[j] == parents[i])
                nodes[i].parent = j;
        nodes[i].weight = weights[i];
        rc = own_progress(c, ids[i], &nodes[i].progress, &nodes[i].done, err);
    }
    tx_list_refusal why;
    if (rc == 0 && tx_project_rollup(nodes, n, out, &why))
        rc = refusal(err, &why, "parent_id");
    static const char set[] = "UPDATE project SET progress = ?2 WHERE id = ?1";
    for (int i = 0; i < n && rc == 0; i++) {
        st = db_stmt(c, set, err);
        if (!st) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(st, 1, ids[i]);
        sqlite3_bind_double(st, 2, out[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(c, "progress", err);
        sqlite3_reset(st);
    }
    free(nodes);
    free(out);
    return rc;
}

/* ---- milestones, outcomes ---- */

static int bind_opt_text(sqlite3_stmt *st, int i, const json_t *in, const char *key)
{
    db_bind_text(st, i, json_string_value(json_object_get(in, key)));
    return 0;
}

int store_milestone_add(store_conn *c, int64_t project_id, const json_t *in, int64_t *id_out, tx_err *err)
{
    static const char sql[] = "INSERT INTO milestone (project_id, title, due_date, done_date, weight, progress, sort) "
                              "VALUES (?1, ?2, ?3, ?4, coalesce(?5, 1), CASE WHEN ?4 IS NOT NULL THEN 100 ELSE "
                              "coalesce(?6, 0) END, (SELECT count(*) FROM milestone WHERE project_id = ?1))";
    static const char exists[] = "SELECT id FROM project WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, exists, project_id, "project", err);
    if (!st)
        return -1;
    sqlite3_reset(st);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, project_id);
    bind_opt_text(st, 2, in, "title");
    bind_opt_text(st, 3, in, "due_date");
    bind_opt_text(st, 4, in, "done_date");
    const json_t *w = json_object_get(in, "weight"), *p = json_object_get(in, "progress");
    if (json_is_number(w))
        sqlite3_bind_double(st, 5, json_number_value(w));
    if (json_is_number(p))
        sqlite3_bind_double(st, 6, json_number_value(p));
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "milestone add", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    return store_project_rollup(c, project_id, err);
}

int store_milestone_update(store_conn *c, int64_t id, const json_t *in, int64_t *project_out, tx_err *err)
{
    static const char cur[] = "SELECT project_id FROM milestone WHERE id = ?1";
    static const char sql[] =
        "UPDATE milestone SET title = coalesce(?2, title), due_date = CASE WHEN ?7 THEN ?3 ELSE due_date END, "
        "done_date = CASE WHEN ?8 THEN ?4 ELSE done_date END, weight = coalesce(?5, weight), progress = CASE WHEN "
        "(CASE WHEN ?8 THEN ?4 ELSE done_date END) IS NOT NULL THEN 100 ELSE coalesce(?6, CASE WHEN ?8 AND ?4 IS NULL "
        "AND progress = 100 THEN 0 ELSE progress END) END WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, cur, id, "milestone", err);
    if (!st)
        return -1;
    *project_out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    bind_opt_text(st, 2, in, "title");
    bind_opt_text(st, 3, in, "due_date");
    bind_opt_text(st, 4, in, "done_date");
    const json_t *w = json_object_get(in, "weight"), *p = json_object_get(in, "progress");
    if (json_is_number(w))
        sqlite3_bind_double(st, 5, json_number_value(w));
    if (json_is_number(p))
        sqlite3_bind_double(st, 6, json_number_value(p));
    sqlite3_bind_int(st, 7, json_object_get(in, "due_date") != NULL);
    sqlite3_bind_int(st, 8, json_object_get(in, "done_date") != NULL);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "milestone update", err);
    return store_project_rollup(c, *project_out, err);
}

int store_outcome_add(store_conn *c, int64_t project_id, const json_t *in, const char *actor, int64_t now,
                      int64_t *id_out, tx_err *err)
{
    static const char exists[] = "SELECT id FROM project WHERE id = ?1";
    static const char sql[] = "INSERT INTO outcome (project_id, date, summary, people_served, photos, created_by, "
                              "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    sqlite3_stmt *st = db_row_by_id(c, exists, project_id, "project", err);
    if (!st)
        return -1;
    sqlite3_reset(st);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, project_id);
    bind_opt_text(st, 2, in, "date");
    bind_opt_text(st, 3, in, "summary");
    const json_t *ps = json_object_get(in, "people_served"), *photos = json_object_get(in, "photos");
    if (json_is_integer(ps))
        sqlite3_bind_int64(st, 4, json_integer_value(ps));
    char *ph = photos ? json_dumps(photos, JSON_COMPACT) : NULL;
    db_bind_text(st, 5, ph);
    free(ph);
    db_bind_text(st, 6, actor);
    sqlite3_bind_int64(st, 7, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "outcome add", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    return 0;
}

/* ---- commitments ---- */

static int resource_state(store_conn *c, int64_t rid, double *capacity, double *committed, tx_resource_status *status,
                          int64_t *org, tx_err *err)
{
    static const char sql[] = "SELECT r.quantity, " R_COMMITTED("r.id") ", r.status, coalesce(r.org_id, 0) FROM "
                              "resource r WHERE r.id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, sql, rid, "resource", err);
    if (!st)
        return -1;
    *capacity = sqlite3_column_double(st, 0);
    *committed = sqlite3_column_double(st, 1);
    if (tx_resource_status_parse((const char *)sqlite3_column_text(st, 2), status))
        *status = TX_RESOURCE_WITHDRAWN;
    if (org)
        *org = sqlite3_column_int64(st, 3);
    sqlite3_reset(st);
    return 0;
}

/* After a resource's commitments changed: committed when nothing is left,
 * available otherwise (used up and withdrawn ones stay). */
static int resource_restatus(store_conn *c, int64_t rid, tx_err *err)
{
    double cap, com;
    tx_resource_status s;
    if (resource_state(c, rid, &cap, &com, &s, NULL, err))
        return -1;
    if (s != TX_RESOURCE_AVAILABLE && s != TX_RESOURCE_COMMITTED)
        return 0;
    static const char sql[] = "UPDATE resource SET status = ?2 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, rid);
    db_bind_text(st, 2, tx_resource_status_code(tx_resource_status_for(cap, com)));
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "resource status", err);
}

int store_commitment_add(store_conn *c, int64_t project_id, int64_t resource_id, int64_t need_id, double quantity,
                         const char *note, int64_t now, int64_t *id_out, tx_err *err)
{
    static const char exists[] = "SELECT id FROM project WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, exists, project_id, "project", err);
    if (!st)
        return -1;
    sqlite3_reset(st);
    double cap, com;
    tx_resource_status s;
    if (resource_state(c, resource_id, &cap, &com, &s, NULL, err))
        return -1;
    /* a fully committed resource has nothing left: the domain says "over
     * capacity" for it as for an available one */
    tx_list_refusal why;
    if (tx_resource_check_commit(s == TX_RESOURCE_COMMITTED ? TX_RESOURCE_AVAILABLE : s, cap, com, quantity, &why))
        return refusal(err, &why, "quantity");
    static const char sql[] = "INSERT INTO project_resource (project_id, resource_id, need_id, quantity, note, "
                              "committed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, project_id);
    sqlite3_bind_int64(st, 2, resource_id);
    db_bind_int_or_null(st, 3, need_id, need_id == 0);
    sqlite3_bind_double(st, 4, quantity);
    db_bind_text(st, 5, note);
    sqlite3_bind_int64(st, 6, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "commitment add", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    if (need_id && run1(c, "INSERT OR IGNORE INTO project_need (project_id, need_id) VALUES (?1, ?2)", project_id,
                        need_id, err))
        return -1;
    return resource_restatus(c, resource_id, err);
}

int store_commitment_deliver(store_conn *c, int64_t id, double delivered, int64_t now, int64_t *project_out,
                             tx_err *err)
{
    static const char cur[] = "SELECT project_id, resource_id, quantity, status FROM project_resource WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, cur, id, "commitment", err);
    if (!st)
        return -1;
    *project_out = sqlite3_column_int64(st, 0);
    int64_t rid = sqlite3_column_int64(st, 1);
    double q = sqlite3_column_double(st, 2);
    int cancelled = strcmp((const char *)sqlite3_column_text(st, 3), "cancelled") == 0;
    sqlite3_reset(st);
    if (cancelled)
        return tx_err_conflict(err, "commitment_status", "status", "已取消的承诺不能交付",
                               "a cancelled commitment cannot be delivered");
    if (delivered > q + 1e-9)
        return tx_err_invalid(err, "delivered", "不能超过承诺的数量", "cannot exceed the quantity committed");
    static const char sql[] = "UPDATE project_resource SET delivered = ?2, status = 'delivered', delivered_at = ?3 "
                              "WHERE id = ?1";
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, delivered);
    sqlite3_bind_int64(st, 3, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "deliver", err);
    /* used up once everything of it was promised and delivered */
    static const char used[] =
        "UPDATE resource SET status = 'used_up' WHERE id = ?1 AND status = 'committed' AND NOT EXISTS (SELECT 1 FROM "
        "project_resource WHERE resource_id = ?1 AND status = 'committed') AND ?2 = ?2";
    return run1(c, used, rid, 0, err);
}

/* ---- claims ---- */

static int need_status(store_conn *c, int64_t need_id, tx_need_status *s, int64_t *community, tx_err *err)
{
    static const char sql[] = "SELECT status, community_id FROM need WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, sql, need_id, "need", err);
    if (!st)
        return -1;
    if (tx_need_status_parse((const char *)sqlite3_column_text(st, 0), s))
        *s = TX_NEED_CLOSED;
    if (community)
        *community = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return 0;
}

static int set_need_status(store_conn *c, int64_t need_id, tx_need_status to, int64_t now, tx_err *err)
{
    static const char sql[] = "UPDATE need SET status = ?2, updated_at = ?3 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, need_id);
    db_bind_text(st, 2, tx_need_status_code(to));
    sqlite3_bind_int64(st, 3, now);
    return sqlite3_step(st) == SQLITE_DONE ? status_times(c, STORE_LIST_NEED, need_id, now, err)
                                           : db_fail(c, "need status", err);
}

int store_claim_add(store_conn *c, int64_t need_id, int64_t org_id, int64_t resource_id, double quantity,
                    const char *note, const char *actor, int64_t now, int64_t *id_out, tx_err *err)
{
    tx_need_status s;
    if (need_status(c, need_id, &s, NULL, err))
        return -1;
    if (s != TX_NEED_OPEN && s != TX_NEED_MATCHED)
        return tx_err_conflict(err, "need_status", "status", "只能认领未满足的需求（待认领或已匹配）",
                               "only open or matched needs can be claimed");
    if (resource_id) {
        double cap, com;
        tx_resource_status rs;
        int64_t owner;
        if (resource_state(c, resource_id, &cap, &com, &rs, &owner, err)) {
            if (err->status == 404)
                tx_err_invalid(err, "resource_id", "没有这个资源", "no such resource");
            return -1;
        }
        if (owner != org_id)
            return tx_err_invalid(err, "resource_id", "只能用本单位的资源认领", "a unit claims with its own resources");
        /* refused now rather than when the community confirms: a claim the
         * resource cannot cover would only raise hopes */
        if (quantity > 0 && cap > 0 && quantity > cap - com + 1e-9)
            return tx_err_conflict(err, "over_capacity", "quantity", "认领数量超过该资源尚可承诺的数量",
                                   "the quantity is more than the resource has left to commit");
    }
    static const char dup[] = "SELECT count(*) FROM claim WHERE need_id = ?1 AND org_id = ?2 AND status = 'pending'";
    sqlite3_stmt *st = db_stmt(c, dup, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, need_id);
    sqlite3_bind_int64(st, 2, org_id);
    int64_t pending = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (pending)
        return tx_err_conflict(err, "claim_pending", "need", "本单位已认领该需求，等待社区确认",
                               "this unit's claim of the need is already waiting for the community");
    static const char sql[] = "INSERT INTO claim (need_id, org_id, resource_id, quantity, note, created_by, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, need_id);
    sqlite3_bind_int64(st, 2, org_id);
    db_bind_int_or_null(st, 3, resource_id, resource_id == 0);
    if (quantity > 0)
        sqlite3_bind_double(st, 4, quantity);
    else
        sqlite3_bind_null(st, 4);
    db_bind_text(st, 5, note);
    db_bind_text(st, 6, actor);
    sqlite3_bind_int64(st, 7, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "claim add", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    if (s == TX_NEED_OPEN)
        return set_need_status(c, need_id, TX_NEED_MATCHED, now, err);
    return 0;
}

static const char claim_one[] =
    "SELECT json_object('id', cl.id, 'need', json_object('id', n.id, 'title', n.title, 'status', n.status, "
    "'community', " AREA_REF("n.community_id") "), 'org', " ORG_REF("cl.org_id") ", 'resource_id', cl.resource_id, "
    "'quantity', cl.quantity, 'note', cl.note, 'status', cl.status, 'project_id', cl.project_id, 'created_at', " TS(
        "cl.created_at") ", 'decided_at', " TS("cl.decided_at") ") FROM claim cl JOIN need n ON n.id = cl.need_id "
                         "WHERE cl.id = ?1";

int store_claim_get(store_conn *c, int64_t id, json_t **out, tx_err *err)
{
    sqlite3_stmt *st = db_row_by_id(c, claim_one, id, "claim", err);
    if (!st)
        return -1;
    *out = col_json(st, 0);
    sqlite3_reset(st);
    return 0;
}

int store_claim_decide(store_conn *c, int64_t claim_id, int confirm, int64_t project_id, const char *actor,
                       int64_t now, int64_t *project_out, tx_err *err)
{
    static const char cur[] = "SELECT cl.need_id, cl.org_id, coalesce(cl.resource_id, 0), cl.quantity, cl.status, "
                              "n.quantity, n.community_id, n.area_id, n.title, n.description, n.kind, "
                              "n.beneficiaries FROM claim cl JOIN need n ON n.id = cl.need_id WHERE cl.id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, cur, claim_id, "claim", err);
    if (!st)
        return -1;
    int64_t need_id = sqlite3_column_int64(st, 0), org_id = sqlite3_column_int64(st, 1),
            rid = sqlite3_column_int64(st, 2);
    double qty = sqlite3_column_type(st, 3) != SQLITE_NULL ? sqlite3_column_double(st, 3)
                 : sqlite3_column_type(st, 5) != SQLITE_NULL && sqlite3_column_double(st, 5) > 0
                     ? sqlite3_column_double(st, 5)
                     : 1;
    int pending = strcmp((const char *)sqlite3_column_text(st, 4), "pending") == 0;
    int64_t community = sqlite3_column_int64(st, 6), area = sqlite3_column_int64(st, 7);
    int has_area = sqlite3_column_type(st, 7) != SQLITE_NULL;
    char title[512], desc[4096], kind[32];
    snprintf(title, sizeof title, "%s", (const char *)sqlite3_column_text(st, 8));
    snprintf(desc, sizeof desc, "%s", (const char *)sqlite3_column_text(st, 9));
    snprintf(kind, sizeof kind, "%s", (const char *)sqlite3_column_text(st, 10));
    int64_t beneficiaries = sqlite3_column_int64(st, 11);
    int has_ben = sqlite3_column_type(st, 11) != SQLITE_NULL;
    sqlite3_reset(st);
    if (!pending)
        return tx_err_conflict(err, "claim_status", "status", "该认领已处理", "the claim was already decided");
    tx_need_status ns;
    if (need_status(c, need_id, &ns, NULL, err))
        return -1;
    static const char decide[] = "UPDATE claim SET status = ?2, decided_by = ?3, decided_at = ?4, project_id = ?5 "
                                 "WHERE id = ?1";
    if (confirm != 1) {
        st = db_stmt(c, decide, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, claim_id);
        db_bind_text(st, 2, confirm == 2 ? "withdrawn" : "declined");
        db_bind_text(st, 3, actor);
        sqlite3_bind_int64(st, 4, now);
        sqlite3_bind_null(st, 5);
        if (sqlite3_step(st) != SQLITE_DONE)
            return db_fail(c, "claim decline", err);
        *project_out = 0;
        /* back to open when no other claim waits */
        static const char others[] = "SELECT count(*) FROM claim WHERE need_id = ?1 AND status = 'pending'";
        st = db_stmt(c, others, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, need_id);
        int64_t left = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (!left && ns == TX_NEED_MATCHED)
            return set_need_status(c, need_id, TX_NEED_OPEN, now, err);
        return 0;
    }
    tx_list_refusal why;
    if (ns != TX_NEED_IN_PROJECT && tx_need_transition(ns, TX_NEED_IN_PROJECT, 0, &why))
        return refusal(err, &why, "status");
    if (project_id == 0) {
        static const char mk[] = "INSERT INTO project (community_id, area_id, title, description, kind, beneficiaries, "
                                 "status, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                 "'active', ?7, ?8, ?8)";
        st = db_stmt(c, mk, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, community);
        db_bind_int_or_null(st, 2, area, !has_area);
        db_bind_text(st, 3, title);
        db_bind_text(st, 4, desc);
        db_bind_text(st, 5, kind);
        db_bind_int_or_null(st, 6, beneficiaries, !has_ben);
        db_bind_text(st, 7, actor);
        sqlite3_bind_int64(st, 8, now);
        if (sqlite3_step(st) != SQLITE_DONE)
            return db_fail(c, "claim project", err);
        project_id = sqlite3_last_insert_rowid(c->db);
    } else {
        static const char chk[] = "SELECT status FROM project WHERE id = ?1";
        st = db_row_by_id(c, chk, project_id, "project", err);
        if (!st) {
            if (err->status == 404)
                tx_err_invalid(err, "project_id", "没有这个项目", "no such project");
            return -1;
        }
        const char *ps = (const char *)sqlite3_column_text(st, 0);
        int closed = strcmp(ps, "done") == 0 || strcmp(ps, "cancelled") == 0;
        sqlite3_reset(st);
        if (closed)
            return tx_err_conflict(err, "project_status", "project_id", "项目已结束或已取消",
                                   "the project is done or cancelled");
    }
    int64_t cid;
    if (rid && store_commitment_add(c, project_id, rid, need_id, qty, NULL, now, &cid, err))
        return -1;
    if (run1(c, "INSERT OR IGNORE INTO project_need (project_id, need_id) VALUES (?1, ?2)", project_id, need_id, err) ||
        run1(c, "INSERT OR IGNORE INTO project_unit (project_id, org_id) VALUES (?1, ?2)", project_id, org_id, err))
        return -1;
    st = db_stmt(c, decide, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, claim_id);
    db_bind_text(st, 2, "confirmed");
    db_bind_text(st, 3, actor);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, project_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "claim confirm", err);
    *project_out = project_id;
    if (ns != TX_NEED_IN_PROJECT && set_need_status(c, need_id, TX_NEED_IN_PROJECT, now, err))
        return -1;
    return store_project_rollup(c, project_id, err);
}

#define CLAIM_WHERE                                                                                                    \
    " FROM claim cl JOIN need n ON n.id = cl.need_id WHERE (?1 = 0 OR cl.org_id = ?1) AND (?2 = 0 OR n.community_id " \
    "IN " SUBTREE("?2") ") AND (?3 IS NULL OR cl.status = ?3)"
static const char claim_list_sql[] =
    "SELECT json_object('id', cl.id, 'need', json_object('id', n.id, 'title', n.title, 'status', n.status, "
    "'community', " AREA_REF("n.community_id") "), 'org', " ORG_REF("cl.org_id") ", 'resource_id', cl.resource_id, "
    "'quantity', cl.quantity, 'note', cl.note, 'status', cl.status, 'project_id', cl.project_id, 'created_at', " TS(
        "cl.created_at") ", 'decided_at', " TS("cl.decided_at") ")" CLAIM_WHERE " ORDER BY cl.id DESC LIMIT ?4 OFFSET ?5";
static const char claim_count_sql[] = "SELECT count(*)" CLAIM_WHERE;

int store_claim_list(store_conn *c, int64_t org_id, int64_t area_id, const char *status, int limit, int offset,
                     json_t **out, tx_err *err)
{
    json_int_t total = 0;
    sqlite3_stmt *st = db_stmt(c, claim_count_sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, area_id);
    db_bind_text(st, 3, status);
    if (sqlite3_step(st) == SQLITE_ROW)
        total = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    st = db_stmt(c, claim_list_sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, area_id);
    db_bind_text(st, 3, status);
    sqlite3_bind_int(st, 4, limit);
    sqlite3_bind_int(st, 5, offset);
    json_t *items = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(items, col_json(st, 0));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(items);
        return db_fail(c, "claim list", err);
    }
    *out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "limit", limit, "offset", offset);
    return 0;
}

/* ---- templates, demonstration sites ---- */

int store_project_copy(store_conn *c, int64_t id, int64_t community_id, const char *code, const char *actor,
                       int64_t now, int64_t *id_out, tx_err *err)
{
    static const char exists[] = "SELECT id FROM project WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, exists, id, "project", err);
    if (!st)
        return -1;
    sqlite3_reset(st);
    if (code) {
        int64_t other;
        if (store_lists_id_by_code(c, STORE_LIST_PROJECT, code, &other, err))
            return -1;
        if (other)
            return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "code", code);
    }
    static const char cp[] = "INSERT INTO project (code, community_id, title, description, kind, budget, "
                             "beneficiaries, status, weight, template_id, created_by, created_at, updated_at) SELECT "
                             "?2, ?3, title, description, kind, budget, beneficiaries, 'planned', weight, id, ?4, ?5, "
                             "?5 FROM project WHERE id = ?1";
    static const char ms[] = "INSERT INTO milestone (project_id, title, weight, progress, sort) SELECT ?2, title, "
                             "weight, 0, sort FROM milestone WHERE project_id = ?1";
    st = db_stmt(c, cp, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text(st, 2, code);
    sqlite3_bind_int64(st, 3, community_id);
    db_bind_text(st, 4, actor);
    sqlite3_bind_int64(st, 5, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "project copy", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    return run1(c, ms, id, *id_out, err);
}

int store_demonstration_site(store_conn *c, int64_t area_id, int on, const char *since, const char *note, tx_err *err)
{
    static const char add[] = "INSERT OR REPLACE INTO demonstration_site (area_id, since, note) VALUES (?1, ?2, ?3)";
    static const char del[] = "DELETE FROM demonstration_site WHERE area_id = ?1";
    sqlite3_stmt *st = db_stmt(c, on ? add : del, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, area_id);
    if (on) {
        db_bind_text(st, 2, since);
        db_bind_text(st, 3, note);
    }
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "demonstration site", err);
}

/* ---- matching ---- */

static const char match_need[] = "SELECT json_object('id', n.id, 'kind', n.kind, 'quantity', n.quantity, "
                                 "'quantity_unit', n.quantity_unit, 'area_id', coalesce(n.area_id, n.community_id), "
                                 "'wanted_by', n.wanted_by, 'urgency', n.urgency, 'status', n.status, 'title', "
                                 "n.title) FROM need n WHERE n.id = ?1";
/* A unit's track record: commitments of its resources, and those delivered. */
static const char match_res[] =
    "SELECT json_group_array(json_object('id', r.id, 'kind', r.kind, 'status', r.status, 'quantity', r.quantity, "
    "'remaining', r.quantity - " R_COMMITTED("r.id") ", 'quantity_unit', r.quantity_unit, 'org_id', coalesce(r.org_id, "
    "0), 'org', " ORG_REF("r.org_id") ", 'area_id', coalesce(r.area_id, r.community_id), 'community_id', "
    "r.community_id, 'available_from', r.available_from, 'available_to', r.available_to, 'weekdays', r.weekdays, "
    "'title', r.title, 'offered', (SELECT count(*) FROM project_resource pr JOIN resource r2 ON r2.id = "
    "pr.resource_id WHERE r2.org_id = r.org_id AND pr.status != 'cancelled'), 'delivered', (SELECT count(*) FROM "
    "project_resource pr JOIN resource r2 ON r2.id = pr.resource_id WHERE r2.org_id = r.org_id AND pr.status = "
    "'delivered'))) FROM resource r WHERE r.status = 'available' AND r.kind = ?2 AND ?1 = ?1";
/* The centre of the area's bounding box (its own boundary or its nearest
 * ancestor's): the exterior ring of a Polygon, or of a MultiPolygon's
 * first polygon. */
static const char area_centre[] =
    "WITH RECURSIVE up(id, parent_id, boundary, depth) AS (SELECT id, parent_id, boundary, 0 FROM area WHERE id = ?1 "
    "UNION ALL SELECT a.id, a.parent_id, a.boundary, up.depth + 1 FROM area a JOIN up ON a.id = up.parent_id WHERE "
    "up.boundary IS NULL AND up.depth < 16), b AS (SELECT boundary FROM up WHERE boundary IS NOT NULL ORDER BY depth "
    "LIMIT 1), ring AS (SELECT value FROM b, json_each(b.boundary, CASE json_extract(b.boundary, '$.type') WHEN "
    "'MultiPolygon' THEN '$.coordinates[0][0]' ELSE '$.coordinates[0]' END)) SELECT (min(json_extract(value, "
    "'$[1]')) + max(json_extract(value, '$[1]'))) / 2, (min(json_extract(value, '$[0]')) + max(json_extract(value, "
    "'$[0]'))) / 2, count(*) FROM ring";

static int store_area_centre(store_conn *c, int64_t area_id, double *lat, double *lon, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, area_centre, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, area_id);
    int rc = sqlite3_step(st);
    *lat = *lon = 0;
    if (rc == SQLITE_ROW && sqlite3_column_int(st, 2) > 0) {
        *lat = sqlite3_column_double(st, 0);
        *lon = sqlite3_column_double(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(c, "area centre", err);
}

int store_match_candidates(store_conn *c, int64_t need_id, json_t **out, tx_err *err)
{
    sqlite3_stmt *st = db_row_by_id(c, match_need, need_id, "need", err);
    if (!st)
        return -1;
    json_t *need = col_json(st, 0);
    sqlite3_reset(st);
    st = db_stmt(c, match_res, err);
    if (!st) {
        json_decref(need);
        return -1;
    }
    sqlite3_bind_int64(st, 1, need_id);
    db_bind_text(st, 2, json_string_value(json_object_get(need, "kind")));
    json_t *res = sqlite3_step(st) == SQLITE_ROW ? col_json(st, 0) : json_array();
    sqlite3_reset(st);
    if (!json_is_array(res)) {
        json_decref(res);
        res = json_array();
    }
    /* centres of the areas, each area once */
    json_t *centres = json_object();
    size_t i;
    json_t *r;
    int rc = 0;
    for (i = 0; i <= json_array_size(res) && rc == 0; i++) {
        json_t *o = i == 0 ? need : json_array_get(res, i - 1);
        int64_t aid = json_integer_value(json_object_get(o, "area_id"));
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)aid);
        json_t *have = json_object_get(centres, key);
        double lat = 0, lon = 0;
        if (!have) {
            rc = store_area_centre(c, aid, &lat, &lon, err);
            have = json_pack("[f,f]", lat, lon);
            json_object_set_new(centres, key, have);
        }
        json_object_set(o, "lat", json_array_get(have, 0));
        json_object_set(o, "lon", json_array_get(have, 1));
    }
    (void)r;
    json_decref(centres);
    if (rc) {
        json_decref(need);
        json_decref(res);
        return -1;
    }
    *out = json_pack("{s:o, s:o}", "need", need, "resources", res);
    return 0;
}

/* ---- case hot spots ---- */

static const char hotspots_sql[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('grid', " AREA_REF("k.grid_id") ", 'community', "
    AREA_REF("k.community_id") ", 'category', json_object('code', cat.code, 'name', cat.name, 'name_en', "
    "cat.name_en), 'cases', k.n, 'open_cases', k.open_n, 'needs', (SELECT count(*) FROM need n WHERE n.area_id = "
    "k.grid_id AND n.source = 'case_hotspot' AND n.status NOT IN ('met', 'closed'))) AS j FROM (SELECT grid_id, "
    "community_id, category_id, count(*) AS n, sum(open != 0) AS open_n FROM cases WHERE grid_id IS NOT NULL AND "
    "submitted_at >= ?2 AND (?1 = 0 OR grid_id IN " SUBTREE("?1") ") GROUP BY grid_id, community_id, category_id "
    "HAVING count(*) >= ?3 ORDER BY count(*) DESC, grid_id LIMIT 50) k JOIN category cat ON cat.id = k.category_id)";

int store_need_hotspots(store_conn *c, int64_t area_id, int64_t since_ms, int min, json_t **out, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, hotspots_sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, area_id);
    sqlite3_bind_int64(st, 2, since_ms);
    sqlite3_bind_int(st, 3, min);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return db_fail(c, "hotspots", err);
    }
    json_t *items = col_json(st, 0);
    sqlite3_reset(st);
    *out = json_pack("{s:o}", "items", json_is_array(items) ? items : json_array());
    if (!json_is_array(items))
        json_decref(items);
    return 0;
}

/* ---- the public board ---- */

static const char board_needs[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', n.id, 'title', n.title, 'description', "
    "n.description, 'kind', n.kind, 'quantity', n.quantity, 'quantity_unit', n.quantity_unit, 'beneficiaries', "
    "n.beneficiaries, 'urgency', n.urgency, 'wanted_by', n.wanted_by, 'status', n.status, 'area', " AREA_REF(
        "n.area_id") ") AS j FROM need n WHERE n.community_id = ?1 AND n.status != 'closed' ORDER BY CASE n.status "
                     "WHEN 'open' THEN 0 WHEN 'matched' THEN 1 WHEN 'in_project' THEN 2 ELSE 3 END, n.id)";
static const char board_resources[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', r.id, 'title', r.title, 'description', "
    "r.description, 'kind', r.kind, 'quantity', r.quantity, 'quantity_unit', r.quantity_unit, 'remaining', max(0, "
    "r.quantity - " R_COMMITTED("r.id") "), 'status', r.status, 'org', " ORG_REF("r.org_id") ", 'available_from', "
    "r.available_from, 'available_to', r.available_to) AS j FROM resource r WHERE r.community_id = ?1 AND r.status != "
    "'withdrawn' ORDER BY r.id)";
static const char board_projects[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('id', p.id, 'title', p.title, 'description', "
    "p.description, 'status', p.status, 'progress', round(p.progress, 1), 'demonstration', " BOOL(
        "p.demonstration") ", 'area', " AREA_REF("p.area_id") ", 'start_date', p.start_date, 'end_date', p.end_date, "
                           "'beneficiaries', p.beneficiaries, 'units', json((SELECT json_group_array(o.name) FROM "
                           "organisation o WHERE o.id IN (SELECT org_id FROM project_unit WHERE project_id = p.id "
                           "UNION SELECT r.org_id FROM project_resource pr JOIN resource r ON r.id = pr.resource_id "
                           "WHERE pr.project_id = p.id AND pr.status != 'cancelled'))), 'milestones', json((SELECT "
                           "json_group_array(json_object('title', m.title, 'due_date', m.due_date, 'done_date', "
                           "m.done_date)) FROM milestone m WHERE m.project_id = p.id))) AS j FROM project p WHERE "
                           "p.community_id = ?1 AND p.status != 'cancelled' AND p.parent_id IS NULL ORDER BY p.id)";
static const char board_plan[] = "SELECT " PLAN_JSON " FROM plan pl WHERE pl.community_id = ?1 ORDER BY pl.year DESC "
                                 "LIMIT 1";
static const char board_sites[] =
    "SELECT json_group_array(json(j)) FROM (SELECT json_object('area', " AREA_REF("d.area_id") ", 'since', d.since, "
    "'note', d.note) AS j FROM demonstration_site d WHERE d.area_id IN " SUBTREE("?1") " ORDER BY d.area_id)";

int store_board(store_conn *c, int64_t community_id, json_t **out, tx_err *err)
{
    static const char com[] = "SELECT json_object('id', a.id, 'code', a.code, 'name', a.name, 'kind', a.kind) FROM "
                              "area a WHERE a.id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, com, community_id, "community", err);
    if (!st)
        return -1;
    json_t *o = json_pack("{s:o}", "community", col_json(st, 0));
    sqlite3_reset(st);
    json_t *plan = one_json(c, board_plan, community_id, err);
    if (!plan || attach(c, o, "needs", board_needs, community_id, err) ||
        attach(c, o, "resources", board_resources, community_id, err) ||
        attach(c, o, "projects", board_projects, community_id, err) ||
        attach(c, o, "demonstration_sites", board_sites, community_id, err)) {
        json_decref(plan);
        json_decref(o);
        return -1;
    }
    if (json_is_object(plan)) {
        int64_t pid = json_integer_value(json_object_get(plan, "id"));
        if (attach(c, plan, "goal_list", plan_goals, pid, err)) {
            json_decref(plan);
            json_decref(o);
            return -1;
        }
        json_object_set_new(o, "plan", plan);
    } else {
        json_decref(plan);
        json_object_set_new(o, "plan", json_null());
    }
    *out = o;
    return 0;
}

/* ---- CSV ---- */

static const char need_csv[] =
    "SELECT n.id, n.code, (SELECT code FROM area WHERE id = n.community_id), (SELECT code FROM area WHERE id = "
    "n.area_id), n.title, n.kind, n.quantity, n.quantity_unit, n.beneficiaries, n.urgency, n.wanted_by, n.status, "
    "n.closed_reason, n.source, (SELECT code FROM organisation WHERE id = n.raised_by_org_id), "
    "strftime('%Y-%m-%d', n.created_at / 1000, 'unixepoch', '+8 hours'), strftime('%Y-%m-%d', n.met_at / 1000, "
    "'unixepoch', '+8 hours') FROM need n WHERE " IN_AREA("n") " ORDER BY n.id";
static const char res_csv[] =
    "SELECT r.id, r.code, (SELECT code FROM area WHERE id = r.community_id), (SELECT code FROM area WHERE id = "
    "r.area_id), (SELECT code FROM organisation WHERE id = r.org_id), (SELECT name FROM organisation WHERE id = "
    "r.org_id), r.title, r.kind, r.quantity, r.quantity_unit, " R_COMMITTED("r.id") ", " R_DELIVERED("r.id")
    ", r.available_from, r.available_to, r.status, strftime('%Y-%m-%d', r.created_at / 1000, 'unixepoch', '+8 "
    "hours') FROM resource r WHERE " IN_AREA("r") " ORDER BY r.id";
static const char proj_csv[] =
    "SELECT p.id, p.code, (SELECT code FROM area WHERE id = p.community_id), (SELECT code FROM area WHERE id = "
    "p.area_id), p.title, p.kind, p.status, round(p.progress, 1), p.budget, p.beneficiaries, p.start_date, "
    "p.end_date, p.demonstration, p.parent_id, p.template_id, (SELECT group_concat(code, ';') FROM organisation WHERE "
    "id IN (SELECT org_id FROM project_unit WHERE project_id = p.id UNION SELECT r.org_id FROM project_resource pr "
    "JOIN resource r ON r.id = pr.resource_id WHERE pr.project_id = p.id AND pr.status != 'cancelled')) FROM project "
    "p WHERE " IN_AREA("p") " ORDER BY p.id";
static const char plan_csv[] = "SELECT pl.id, pl.code, (SELECT code FROM area WHERE id = pl.community_id), pl.year, "
                               "pl.title, pl.status, json_extract(" PLAN_JSON ", '$.progress'), (SELECT "
                               "group_concat(title, ';') FROM plan_goal WHERE plan_id = pl.id) FROM plan pl WHERE (?1 "
                               "= 0 OR pl.community_id IN " SUBTREE("?1") ") ORDER BY pl.id";

int store_lists_csv(store_conn *c, store_list_kind k, int64_t area_id, char **out, size_t *len, tx_err *err)
{
    static const char *const need_h[] = {"id", "code", "community_code", "area_code", "title", "kind", "quantity",
                                         "quantity_unit", "beneficiaries", "urgency", "wanted_by", "status",
                                         "closed_reason", "source", "raised_by_code", "created", "met"};
    static const char *const res_h[] = {"id", "code", "community_code", "area_code", "org_code", "org_name", "title",
                                        "kind", "quantity", "quantity_unit", "committed", "delivered", "available_from",
                                        "available_to", "status", "created"};
    static const char *const proj_h[] = {"id", "code", "community_code", "area_code", "title", "kind", "status",
                                         "progress", "budget", "beneficiaries", "start_date", "end_date",
                                         "demonstration", "parent_id", "template_id", "unit_codes"};
    static const char *const plan_h[] = {"id", "code", "community_code", "year", "title", "status", "progress",
                                         "goals"};
    static const char *const *const heads[] = {need_h, res_h, proj_h, plan_h};
    static const int ncols[] = {17, 16, 16, 8};
    static const char *const sqls[] = {need_csv, res_csv, proj_csv, plan_csv};
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (csv_put_row(&buf, &n, &cap, heads[k], ncols[k]))
        return internal(err);
    sqlite3_stmt *st = db_stmt(c, sqls[k], err);
    if (!st) {
        free(buf);
        return -1;
    }
    sqlite3_bind_int64(st, 1, area_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols[k]; i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            if (csv_put(&buf, &n, &cap, v ? v : "", i == ncols[k] - 1)) {
                sqlite3_reset(st);
                free(buf);
                return internal(err);
            }
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(buf);
        return db_fail(c, "lists csv", err);
    }
    *out = buf;
    *len = n;
    return 0;
}

/* ---- figures ---- */

/* ?1 area (0: all), ?2 from ms, ?3 to ms (exclusive) */
#define IN_PERIOD(x) "(" x " >= ?2 AND " x " < ?3)"
static const char stats_sql[] =
    "SELECT json_object("
    "'needs', json_object('raised', (SELECT count(*) FROM need n WHERE " IN_AREA("n") " AND " IN_PERIOD("n.created_at")
    "), 'met', (SELECT count(*) FROM need n WHERE " IN_AREA("n") " AND n.status = 'met' AND " IN_PERIOD("n.met_at")
    "), 'by_status', json((SELECT json_group_object(status, k) FROM (SELECT n.status, count(*) AS k FROM need n WHERE "
    IN_AREA("n") " AND n.created_at < ?3 GROUP BY n.status)))), "
    "'resources', json_object('offered', (SELECT count(*) FROM resource r WHERE " IN_AREA("r") " AND " IN_PERIOD(
        "r.created_at") "), 'commitments', (SELECT count(*) FROM project_resource pr JOIN resource r ON r.id = "
                        "pr.resource_id WHERE " IN_AREA("r") " AND pr.status != 'cancelled' AND " IN_PERIOD(
                            "pr.committed_at") "), 'delivered', (SELECT count(*) FROM project_resource pr JOIN "
                                               "resource r ON r.id = pr.resource_id WHERE " IN_AREA("r") " AND "
                                               "pr.status = 'delivered' AND " IN_PERIOD("pr.delivered_at") "), "
    "'by_kind', json((SELECT json_group_object(kind, k) FROM (SELECT r.kind, count(*) AS k FROM resource r WHERE "
    IN_AREA("r") " AND r.created_at < ?3 GROUP BY r.kind)))), "
    "'projects', json_object('started', (SELECT count(*) FROM project p WHERE " IN_AREA("p") " AND " IN_PERIOD(
        "p.created_at") "), 'done', (SELECT count(*) FROM project p WHERE " IN_AREA("p") " AND p.status = 'done' AND "
    IN_PERIOD("p.done_at") "), 'by_status', json((SELECT json_group_object(status, k) FROM (SELECT p.status, count(*) "
                           "AS k FROM project p WHERE " IN_AREA("p") " AND p.created_at < ?3 GROUP BY p.status)))), "
    "'by_unit', json((SELECT json_group_array(json(j)) FROM (SELECT json_object('org', json_object('id', o.id, 'code', "
    "o.code, 'name', o.name), 'resources_offered', (SELECT count(*) FROM resource r WHERE r.org_id = o.id AND "
    IN_AREA("r") " AND " IN_PERIOD("r.created_at") "), 'commitments', (SELECT count(*) FROM project_resource pr JOIN "
    "resource r ON r.id = pr.resource_id WHERE r.org_id = o.id AND " IN_AREA("r") " AND pr.status != 'cancelled' AND "
    IN_PERIOD("pr.committed_at") "), 'delivered', (SELECT count(*) FROM project_resource pr JOIN resource r ON r.id = "
    "pr.resource_id WHERE r.org_id = o.id AND " IN_AREA("r") " AND pr.status = 'delivered' AND " IN_PERIOD(
        "pr.delivered_at") "), 'claims', (SELECT count(*) FROM claim cl JOIN need n ON n.id = cl.need_id WHERE "
                           "cl.org_id = o.id AND " IN_AREA("n") " AND " IN_PERIOD("cl.created_at") "), "
    "'claims_confirmed', (SELECT count(*) FROM claim cl JOIN need n ON n.id = cl.need_id WHERE cl.org_id = o.id AND "
    IN_AREA("n") " AND cl.status = 'confirmed' AND " IN_PERIOD("cl.decided_at") ")) AS j FROM organisation o WHERE "
    "o.id IN (SELECT r.org_id FROM resource r WHERE " IN_AREA("r") " UNION SELECT cl.org_id FROM claim cl JOIN need n "
    "ON n.id = cl.need_id WHERE " IN_AREA("n") ") ORDER BY o.code))), "
    "'by_community', json((SELECT json_group_array(json(j)) FROM (SELECT json_object('community', json_object('id', "
    "a.id, 'code', a.code, 'name', a.name), 'needs_raised', (SELECT count(*) FROM need n WHERE n.community_id = a.id "
    "AND " IN_PERIOD("n.created_at") "), 'needs_met', (SELECT count(*) FROM need n WHERE n.community_id = a.id AND "
    "n.status = 'met' AND " IN_PERIOD("n.met_at") "), 'resources_offered', (SELECT count(*) FROM resource r WHERE "
    "r.community_id = a.id AND " IN_PERIOD("r.created_at") "), 'delivered', (SELECT count(*) FROM project_resource pr "
    "JOIN resource r ON r.id = pr.resource_id WHERE r.community_id = a.id AND pr.status = 'delivered' AND " IN_PERIOD(
        "pr.delivered_at") "), 'projects', (SELECT count(*) FROM project p WHERE p.community_id = a.id AND "
                           "p.created_at < ?3), 'projects_done', (SELECT count(*) FROM project p WHERE "
                           "p.community_id = a.id AND p.status = 'done' AND " IN_PERIOD("p.done_at") ")) AS j FROM "
                           "area a WHERE a.kind = 'community' AND (?1 = 0 OR a.id IN " SUBTREE("?1") " OR ?1 IN (WITH "
                           "RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM area WHERE id = ?1 UNION ALL "
                           "SELECT x.id, x.parent_id FROM area x JOIN up ON x.id = up.parent_id) SELECT id FROM up "
                           "WHERE id = a.id)) AND (EXISTS (SELECT 1 FROM need WHERE community_id = a.id) OR EXISTS "
                           "(SELECT 1 FROM resource WHERE community_id = a.id) OR EXISTS (SELECT 1 FROM project WHERE "
                           "community_id = a.id)) ORDER BY a.code))))";

/* YYYY-MM-DD at 00:00 UTC+8 in ms */
static int64_t day_ms(const char *d, int64_t dflt)
{
    int y, m, dd;
    if (!d || sscanf(d, "%4d-%2d-%2d", &y, &m, &dd) != 3)
        return dflt;
    /* days from civil (Howard Hinnant) */
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
    return days * 86400000LL - 8 * 3600000LL;
}

int store_lists_stats(store_conn *c, int64_t area_id, const char *from, const char *to, json_t **out, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, stats_sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, area_id);
    sqlite3_bind_int64(st, 2, day_ms(from, INT64_MIN));
    sqlite3_bind_int64(st, 3, to ? day_ms(to, INT64_MAX - 86400000LL) + 86400000LL : INT64_MAX);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return db_fail(c, "lists stats", err);
    }
    json_t *o = col_json(st, 0);
    sqlite3_reset(st);
    json_object_set_new(o, "period", json_pack("{s:s?, s:s?}", "from", from, "to", to));
    *out = o;
    return 0;
}
