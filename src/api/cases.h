/* cases: what the case endpoints, the Open311 layer, the hotline import and
 * the SLA sweep share — deciding a report's place and route, and applying
 * one step of the state machine to a stored case. */
#ifndef TX_API_CASES_H
#define TX_API_CASES_H

#include "http/call.h"
#include "store/store.h"

/* Where a report is and whose duty it is. */
typedef struct {
    tx_route_place place;
    tx_route_decision route;
    tx_route_rule rule; /* a copy of the rule applied (route.rule points here), strings not kept */
    char names[5][128]; /* street, community, grid, compound, named compound */
    char manager[128];  /* the compound's property company */
    int has_point;
    double lat, lon;
} case_where;

/* Decide the place from a point (has_point) and/or a compound code, and the
 * route for category k. A point outside every area, or no location at all,
 * goes to the deployment's street for triage. 400 naming "compound" when
 * the code is not a compound. */
int case_locate(store_conn *c, const store_catalogue *cat, const store_category *k, int has_point, double lat,
                double lon, const char *compound_code, case_where *w, tx_err *err);

/* {street, community, grid, compound, inside_red_line} and {handler, tier,
 * reason, reason_en, owner} as the API shows a decision. */
json_t *case_where_place_json(const case_where *w);
json_t *case_where_route_json(const case_where *w);

/* The three deadlines of a report of category k submitted at t. */
int case_deadlines(const store_catalogue *cat, const store_category *k, int64_t t, int64_t *accept, int64_t *contact,
                   int64_t *resolve, tx_err *err);

/* Apply r to the stored case b: decide, and when allowed store the step
 * (event, snapshot, counters, webhooks). A refusal becomes err (400 / 403 /
 * 409 with the domain's reason). *out gets the outcome. */
int case_apply(store_conn *c, const store_case_state *b, const tx_case_request *r, store_step_in *s,
               tx_case_outcome *out, int64_t *event_id, tx_err *err);

/* Intake in two halves, for POST /api/v1/cases and the Open311 POST. On a
 * reader: check call->body (a JSON object with the native intake's fields:
 * service_code, description, lat, long, address, compound, name, phone,
 * email, contact_ok, attributes, external_id, submitted_at), apply the
 * anonymous and per-key rate limits, place, route and set deadlines;
 * channel is recorded. Keeps what it decided in call->carry. Then on the
 * writer: store it; *token is the tracking token (valid while the call
 * lives) and *answer the native API's answer (owned by the caller). */
int case_intake_begin(tx_call *call, store_conn *c, const char *channel);
int case_intake_commit(tx_call *call, store_conn *c, int64_t *id, const char **token, json_t **answer);

/* The rating period (回访): resolved cases the reporter has not rated close
 * by themselves when it ends. Default 7 days. */
void case_set_rating_period(int64_t ms);
int64_t case_rating_period(void);

/* Store one report given as the intake's JSON fields (channel hotline by
 * default), as the API would, for tongxin import cases. */
int case_import_one(store_conn *c, json_t *row, int64_t now, const char *actor, int64_t *id, tx_err *err);

#endif
