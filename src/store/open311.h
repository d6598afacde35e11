/* open311: what the Open311 GeoReport v2 layer (api/open311.c) reads of
 * cases and their events. Public fields only: the reporter's name, phone
 * and email never leave here, internal events are never read, and invalid
 * cases (spam) are never listed. Kept apart from store.h, which speaks the
 * native API; the rows below are shaped for api/open311.c to turn into
 * Open311's service requests and mySociety's request updates. */
#ifndef TX_STORE_OPEN311_H
#define TX_STORE_OPEN311_H

#include "store/store.h"

/* Most ids one call may ask for (service_request_id=1,2,3…). */
#define STORE_OPEN311_MAX_IDS 1000

typedef struct {
    /* service_request_id: these cases, in this order, and nothing else
     * (the other filters are ignored, as Open311 says). n_ids 0: not used. */
    const int64_t *ids;
    int n_ids;
    /* service_code: cases of these categories; n_categories 0: any. */
    const int64_t *category_ids;
    int n_categories;
    int status;       /* 0 any, 1 open (state not closed, merged, invalid), 2 closed */
    int64_t from, to; /* submitted_at in [from, to], ms */
    int limit, offset;
} store_open311_filter;

/* Cases matching f, newest submission first (or in the order of f->ids),
 * as a JSON array (owned by the caller) of objects:
 *   id, state (domain code), category_code, category_name, category_name_en,
 *   description, handler (kind code), handler_name, handler_name_en,
 *   route_handler, route_handler_name, route_handler_name_en (the routing
 *   decision; names of the organisation or area, null when none),
 *   route_reason, route_reason_en, notes (the text of the latest public
 *   event after the report that has one, or null), submitted_at,
 *   updated_at, closed_at (null unless closed), due_resolve (ms), address,
 *   address_id (the code of the case's compound, or null), lat, long (null
 *   when reported without a point), media_url (the one an Open311 client
 *   sent, or null).
 * Ids that are not cases, or are invalid ones, are skipped. */
int store_open311_requests(store_conn *c, const store_open311_filter *f, json_t **out, tx_err *err);

/* Public events of cases that are not invalid, at in [from, to], oldest
 * first, as a JSON array of objects: id, case_id, at, action, from_state
 * (null for the report), to_state, text (or null), media_url (for the
 * report event: the one an Open311 client sent, else null). */
int store_open311_updates(store_conn *c, int64_t from, int64_t to, int limit, int offset, json_t **out, tx_err *err);

/* Keep the media_url an Open311 client sent with case id, among its
 * attributes ("media_url"). For the writer, in the transaction that created
 * the case. 404 when there is no such case. */
int store_open311_set_media_url(store_conn *c, int64_t id, const char *url, tx_err *err);

#endif
