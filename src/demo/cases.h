/* cases: a history of residents' cases for the demo street (tongxin demo
 * --cases), so that a fresh server has queues, a public case map and
 * figures to show.
 *
 * A few hundred reports over the last DEMO_CASES_DAYS days, spread over the
 * 20 communities by population and over the 13 categories of the demo
 * catalogue, each at a point inside its grid (outside every red line) or
 * inside a compound's red line, from the web, the 12345 hotline, staff and
 * grid patrols. Each is then lived through, in time order, as the platform
 * would see it: accepted, dispatched as routed (the property company, the
 * grid worker, the community), contacted, started, sometimes escalated by
 * the grid worker, referred to a district department (吹哨报到) that reports
 * back, returned by a handler, resolved at grid, community or street tier,
 * rated by the reporter or on a follow-up call (satisfied, basically,
 * unsatisfied — which reopens it for rework), closed unrated when the
 * rating period ends, a few reopened by staff, a few merged as duplicates
 * or found invalid; some are slow, and the SLA sweep escalates them when
 * their deadline passes (the server's rounds — reminders, escalation,
 * closing unrated cases — once every simulated hour), some stall and end
 * overdue at street tier, and the recent ones are still being handled.
 *
 * Everything goes through what the API uses: placing with the GEOS
 * locator over the street's boundaries (geo/), routing by the catalogue's
 * rules (domain/routing), deadlines on the working-day calendar
 * (domain/calendar), every step decided by the state machine
 * (tx_case_decide, domain/case) and stored by store_case_create /
 * store_case_step, which keep the counters (case_stats) and the events, so
 * `tongxin stats cases --recompute` agrees with them.
 *
 * Deterministic: the same seed, the same street and the same now_ms give
 * the same cases, steps and times (only the tracking tokens, which nobody
 * is shown, are random). Names and phone numbers (1390000xxxx) are made up. */
#ifndef TX_DEMO_CASES_H
#define TX_DEMO_CASES_H

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "domain/case.h"
#include "store/store.h"

#define DEMO_CASES_DEFAULT 420 /* reports */
#define DEMO_CASES_DAYS 90     /* over this many days up to now */

typedef struct {
    int existing;      /* cases already in the database: nothing was added */
    int cases;         /* reports stored */
    int steps;         /* steps taken by people (accept, dispatch, rate …) */
    int sweep_steps;   /* steps taken by the SLA sweep (reminders, escalations, closing) */
    int refused;       /* steps the state machine refused (a bug in the plans: 0) */
    int by_state[TX_CASE__STATE_COUNT]; /* the cases' states at the end */
    int overdue;       /* being handled and past their deadline at now_ms */
    char first_refusal[256]; /* what the first refused step was, and why */
} demo_cases_result;

/* Add count cases (DEMO_CASES_DEFAULT when 0) to the demo street whose
 * areas are the FeatureCollection areas (demo_street.areas, already
 * imported with the catalogue of data/demo-catalogue.json), submitted over
 * the DEMO_CASES_DAYS days before now_ms and lived through up to now_ms.
 * Inside the caller's transaction. When the database already has cases,
 * adds nothing and sets out->existing. Returns 0, or -1 with err. */
int demo_cases_load(store_conn *c, const json_t *areas, uint64_t seed, int64_t now_ms, int count,
                    demo_cases_result *out, tx_err *err);

#endif
