/* store/lists: the three lists (三张清单) — needs, resources, projects — and
 * the plans of the communities (一社区一方案), with claims (认领),
 * commitments of resources to projects, milestones and outcomes. All SQL is
 * in store/sqlite/lists.c (migration 0008).
 *
 * Inputs are JSON objects with the API's field names, already checked by
 * the caller (api/lists.c, io/lists.c): kinds and statuses are known codes,
 * quantities are not negative, dates are YYYY-MM-DD. Codes of areas and
 * organisations are looked up here (400 naming the field when unknown).
 * Results are jansson values shaped as the API shows them, owned by the
 * caller. Contact names and phone numbers of resources are personal data:
 * they appear only when the caller passes with_personal. */
#ifndef TX_STORE_LISTS_H
#define TX_STORE_LISTS_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

typedef enum { STORE_LIST_NEED, STORE_LIST_RESOURCE, STORE_LIST_PROJECT, STORE_LIST_PLAN } store_list_kind;

typedef struct {
    int64_t area_id;      /* in this area or below (community, street …); 0: anywhere */
    const char *kind;     /* NULL: any */
    const char *status;   /* NULL: any */
    int64_t unit_id;      /* a member unit: its resources, its claimed needs, projects it takes part in */
    const char *q;        /* substring of title, description or code */
    int limit, offset;
} store_list_filter;

/* {items:[…], total, limit, offset}, newest first. with_personal: resources
 * show their contact's name and phone. */
int store_lists_list(store_conn *c, store_list_kind k, const store_list_filter *f, int with_personal, json_t **out,
                     tx_err *err);

/* One item, with its details (a need's claims and projects, a resource's
 * commitments, a project's needs, units, commitments, milestones, outcomes
 * and sub-projects, a plan's goals and their projects); 404 when none. */
int store_lists_get(store_conn *c, store_list_kind k, int64_t id, int with_personal, json_t **out, tx_err *err);

/* Insert (id 0) or update item id from in (absent fields keep their value;
 * JSON null clears an optional one). actor is recorded as created_by. A
 * code already used is 409. */
int store_lists_put(store_conn *c, store_list_kind k, int64_t id, const json_t *in, const char *actor, int64_t now,
                    int64_t *id_out, tx_err *err);

/* The place of an item for authorization: its community's area ancestry
 * (areas) and, for a resource, its member unit (orgs). */
int store_lists_place(store_conn *c, store_list_kind k, int64_t id, int64_t *areas, int *nareas, int64_t *orgs,
                      int *norgs, int max, tx_err *err);

/* The id of the item with this code (0 when none). */
int store_lists_id_by_code(store_conn *c, store_list_kind k, const char *code, int64_t *id, tx_err *err);

/* ---- claims (认领) ---- */

/* A member unit (org_id) claims need_id, optionally offering resource_id
 * (which must be its own) and a quantity. 409 when the need is not open or
 * matched, or the unit already has a pending claim on it. */
int store_claim_add(store_conn *c, int64_t need_id, int64_t org_id, int64_t resource_id, double quantity,
                    const char *note, const char *actor, int64_t now, int64_t *id_out, tx_err *err);
int store_claim_get(store_conn *c, int64_t id, json_t **out, tx_err *err);

/* Claims as {items:[…], total, limit, offset}, newest first: of a member
 * unit (org_id), in an area (area_id: the need's community and below), of
 * a status; 0 / NULL: any. */
int store_claim_list(store_conn *c, int64_t org_id, int64_t area_id, const char *status, int limit, int offset,
                     json_t **out, tx_err *err);

/* Confirm (confirm 1), decline (0) or withdraw (2: the unit takes it back)
 * a pending claim. Confirming commits
 * the claim's resource (quantity: the claim's, else the need's, else 1) to
 * project_id, or to a new project named after the need when project_id is
 * 0, links the need to the project (status in_project) and adds the unit
 * to the project's units; a commitment beyond the resource's remaining
 * capacity is 409 and nothing changes. *project_out gets the project. */
int store_claim_decide(store_conn *c, int64_t claim_id, int confirm, int64_t project_id, const char *actor,
                       int64_t now, int64_t *project_out, tx_err *err);

/* ---- commitments, milestones, outcomes, templates ---- */

/* Commit quantity of resource_id to project_id (serving need_id, 0: none);
 * 409 when it exceeds what is left of the resource, or the resource is
 * withdrawn. The resource becomes committed, or used_up when nothing is
 * left. */
int store_commitment_add(store_conn *c, int64_t project_id, int64_t resource_id, int64_t need_id, double quantity,
                         const char *note, int64_t now, int64_t *id_out, tx_err *err);
/* Record delivery of a commitment (delivered quantity; status delivered). */
int store_commitment_deliver(store_conn *c, int64_t id, double delivered, int64_t now, int64_t *project_out,
                             tx_err *err);

/* Add a milestone {title, due_date, done_date, weight, progress} to a
 * project, or change one (absent fields keep); the project's progress (and
 * its parents') is rolled up again. *project_out: the milestone's project. */
int store_milestone_add(store_conn *c, int64_t project_id, const json_t *in, int64_t *id_out, tx_err *err);
int store_milestone_update(store_conn *c, int64_t id, const json_t *in, int64_t *project_out, tx_err *err);

/* Recompute a project's progress from its milestones or sub-projects (and
 * its ancestors'). */
int store_project_rollup(store_conn *c, int64_t project_id, tx_err *err);

/* Record an outcome {date, summary, people_served, photos}. */
int store_outcome_add(store_conn *c, int64_t project_id, const json_t *in, const char *actor, int64_t now,
                      int64_t *id_out, tx_err *err);

/* Copy project id to community_id as a template (经验复制推广): title,
 * description, kind, budget, milestones (not done), status planned,
 * template_id = id. code may be NULL. */
int store_project_copy(store_conn *c, int64_t id, int64_t community_id, const char *code, const char *actor,
                       int64_t now, int64_t *id_out, tx_err *err);

/* Mark an area a demonstration site (on 1) or not. */
int store_demonstration_site(store_conn *c, int64_t area_id, int on, const char *since, const char *note, tx_err *err);

/* ---- matching, board, exports, figures ---- */

/* What matching needs: {need:{…}, resources:[{id, kind, quantity, remaining,
 * available_from, available_to, community_id, area_id, org_id, org_name,
 * offered, delivered, title}]} — the resources still available (not
 * withdrawn or used up, something left) anywhere, with their unit's track
 * record (quantity offered and delivered over all its resources). */
int store_match_candidates(store_conn *c, int64_t need_id, json_t **out, tx_err *err);

/* Case hot spots that may be needs (many reports of one category in one
 * grid): grids of area_id (0: all) with at least min cases of a category
 * submitted since since_ms, most first (at most 50): {items:[{grid,
 * community, category {code, name}, cases, open_cases, needs (open needs
 * already raised for that grid from hot spots)}]}. No personal data. */
int store_need_hotspots(store_conn *c, int64_t area_id, int64_t since_ms, int min, json_t **out, tx_err *err);

/* The public board of a community: its needs (not closed), resources
 * offered (not withdrawn) and projects with their progress, its plan and
 * demonstration sites; no personal data. */
int store_board(store_conn *c, int64_t community_id, json_t **out, tx_err *err);

/* One list as CSV (header row first), cut to area_id (0: all); resources
 * without contact columns. */
int store_lists_csv(store_conn *c, store_list_kind k, int64_t area_id, char **out, size_t *len, tx_err *err);

/* Street-level figures over area_id (0: all) and [from, to] (YYYY-MM-DD,
 * NULL: open): needs raised and met, resources offered and delivered,
 * projects by status, contribution per member unit and per community. */
int store_lists_stats(store_conn *c, int64_t area_id, const char *from, const char *to, json_t **out, tx_err *err);

#endif
