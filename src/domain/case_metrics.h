/* case_metrics: what one case adds to the service figures the units are
 * rated on — 12345 practice: 响应率, 解决率, 满意率, plus 办结率, 按时办结率
 * and how much is settled low down (小事不出网格，大事不出社区) — and the
 * rates as functions of summed counters. The formulas are written out in
 * docs/METRICS.md; the code follows them line by line.
 *
 * The figures are kept as counters per (organisation, area, day, category)
 * row (table case_stats). A case contributes one vector of 0/1 counters to
 * each of its rows; when it changes, the store subtracts the old vector and
 * adds the new one, and `stats cases --recompute` rebuilds every vector by
 * folding the case's events. Everything here is pure: plain structs in,
 * plain structs out, no clock, no I/O. Prefix tx_cm_ (case metrics). */
#ifndef TX_DOMAIN_CASE_METRICS_H
#define TX_DOMAIN_CASE_METRICS_H

#include <stdint.h>

#include "domain/case.h"

/* How a case came in (cases.channel). */
typedef enum {
    TX_CM_CH_WEB,     /* the web app */
    TX_CM_CH_OPEN311, /* an Open311 client */
    TX_CM_CH_HOTLINE, /* the 12345 hotline's system */
    TX_CM_CH_STAFF,   /* entered by staff (walk-in, phone call to the office) */
    TX_CM_CH_PATROL,  /* found on a grid worker's patrol (巡查) */
    TX_CM_CH__COUNT
} tx_cm_channel;

const char *tx_cm_channel_code(tx_cm_channel ch);
const char *tx_cm_channel_name(tx_cm_channel ch, int lang);
int tx_cm_channel_parse(const char *code, tx_cm_channel *out);

/* The counters, in the order of the columns of case_stats after its key.
 * X(ID, column). The state and channel counters follow the order of
 * tx_case_state and tx_cm_channel (checked at compile time). */
#define TX_CM_COUNTERS(X)                                                                                              \
    X(RECEIVED, received)                   /* every case */                                                           \
    X(VALID, valid)                         /* not merged, not invalid */                                              \
    X(STATE_SUBMITTED, state_submitted)     /* its state now: one of these ten */                                      \
    X(STATE_ACCEPTED, state_accepted)                                                                                  \
    X(STATE_DISPATCHED, state_dispatched)                                                                              \
    X(STATE_IN_PROGRESS, state_in_progress)                                                                            \
    X(STATE_RESOLVED, state_resolved)                                                                                  \
    X(STATE_CLOSED, state_closed)                                                                                      \
    X(STATE_RETURNED, state_returned)                                                                                  \
    X(STATE_REOPENED, state_reopened)                                                                                  \
    X(STATE_MERGED, state_merged)                                                                                      \
    X(STATE_INVALID, state_invalid)                                                                                    \
    X(CHANNEL_WEB, channel_web)             /* how it came in: one of these five */                                    \
    X(CHANNEL_OPEN311, channel_open311)                                                                                \
    X(CHANNEL_HOTLINE, channel_hotline)                                                                                \
    X(CHANNEL_STAFF, channel_staff)                                                                                    \
    X(CHANNEL_PATROL, channel_patrol)                                                                                  \
    X(CONTACTED, contacted)                 /* valid, first contact made */                                            \
    X(RESPONDED_ON_TIME, responded_on_time) /* … at or before due_contact */                                           \
    X(RESOLVED, resolved)                   /* valid, resolved at least once (resolved_at set) */                      \
    X(RESOLVED_ON_TIME, resolved_on_time)   /* … the latest resolve at or before due_resolve */                       \
    X(RESOLVED_AT_GRID, resolved_at_grid)   /* … the latest resolve at grid tier */                                    \
    X(RESOLVED_IN_COMMUNITY, resolved_in_community) /* … never went to the street or a department */                   \
    X(RATED, rated)                         /* valid, the reporter's latest answer is on record */                     \
    X(SOLVED_YES, solved_yes)               /* … and says solved */                                                    \
    X(SATISFIED, satisfied)                 /* … 满意 */                                                               \
    X(BASICALLY_SATISFIED, basically_satisfied) /* … 基本满意 */                                                       \
    X(UNSATISFIED, unsatisfied)             /* … 不满意 */

typedef enum {
#define TX_CM_ENUM(id, col) TX_CM_##id,
    TX_CM_COUNTERS(TX_CM_ENUM)
#undef TX_CM_ENUM
        TX_CM__COUNT
} tx_cm_counter;

/* The column / JSON name of a counter ("responded_on_time"); NULL when out
 * of range. Parse returns 0 and sets *out, or -1. */
const char *tx_cm_counter_code(tx_cm_counter k);
int tx_cm_counter_parse(const char *code, tx_cm_counter *out);

typedef struct {
    int64_t n[TX_CM__COUNT];
} tx_cm_counts;

/* The local day (UTC+08:00, days since 1970-01-01, as domain/calendar.h
 * numbers days) an instant falls in: the day a case is counted by. */
int32_t tx_cm_day(int64_t ms);

/* What the metrics need of a case: its snapshot, read from the cases row
 * (the live path) or folded from its events (the recompute). Times are ms
 * since the epoch, 0 for "not yet / none". */
typedef struct {
    /* the keys: where and when it is counted */
    int64_t submitted_at;
    int64_t category_id;
    int64_t street_id, community_id, grid_id; /* 0 when none */
    tx_cm_channel channel;                    /* TX_CM_CH__COUNT when unknown */
    /* who has it: the organisation counters (see tx_cm_rows) */
    tx_case_handler handler;
    int64_t handler_id;
    int64_t department_id; /* the department it was last referred to, kept afterwards */
    /* its life */
    tx_case_state state;   /* TX_CASE__STATE_COUNT when unknown */
    int64_t due_contact, due_resolve;
    int64_t contacted_at;  /* the first contact */
    int64_t resolved_at;   /* the latest resolve */
    tx_tier resolved_tier; /* the tier of the latest resolve; TX_TIER__COUNT when never */
    int left_community;    /* it was at street tier or with a department at some point */
    tx_case_solved solved; /* the reporter's latest answers; unanswered when never rated */
    tx_case_satisfaction satisfaction;
} tx_cm_case;

/* An empty snapshot: nothing known yet (unknown channel, state and
 * resolved tier, everything else 0), the start of a fold. */
void tx_cm_case_init(tx_cm_case *c);

/* The vector one case adds to each of its rows. Every case counts in
 * received, its state and its channel; a merged or invalid one in nothing
 * else (it is not a request to be answered); the rest as the comments of
 * TX_CM_COUNTERS say. */
void tx_cm_contribution(const tx_cm_case *c, tx_cm_counts *out);

/* ---- rows: the dimensions ---- */

/* One row of case_stats. org_id 0: an area row, area_id the street (0 when
 * the case has none), the community or the grid. org_id > 0: the
 * organisation's row, area_id the case's community (else its street, else
 * 0), so an organisation's figures can be cut by community. */
typedef struct {
    int64_t org_id, area_id;
    int32_t day;
    int64_t category_id;
} tx_cm_row;

#define TX_CM_MAX_ROWS 5 /* street, community, grid, and two organisations */

/* The rows a case counts in: its street (always, 0 standing for "no
 * street"), its community and its grid when it has them, and the
 * organisations "handling it now or it was referred to": the property
 * company or department that is its handler, and the department it was
 * last referred to. Distinct rows; returns how many (1 … TX_CM_MAX_ROWS). */
int tx_cm_rows(const tx_cm_case *c, tx_cm_row out[TX_CM_MAX_ROWS]);

/* What to add to which row when a case's rows and vector change from
 * (old_rows, old) to (new_rows, new): new − old on rows in both, −old on
 * rows only old, +new on rows only new; rows whose change is all zeros are
 * left out. old_n 0 for a new case. Returns the number of changes written
 * to out (at most 2 × TX_CM_MAX_ROWS). */
typedef struct {
    tx_cm_row row;
    tx_cm_counts delta;
} tx_cm_change;
int tx_cm_changes(const tx_cm_row *old_rows, int old_n, const tx_cm_counts *old, const tx_cm_row *new_rows, int new_n,
                  const tx_cm_counts *new_, tx_cm_change out[2 * TX_CM_MAX_ROWS]);

/* ---- folding events (the recompute) ---- */

/* One case_event row, with the fields of its data the metrics read. The
 * store parses the JSON; absent fields are 0 / unanswered. */
typedef struct {
    int report;               /* 1: the "report" event (intake) */
    int has_action;           /* 0: an action code the domain does not know ("remind"): snapshot only */
    tx_case_action action;    /* when has_action */
    int64_t at;
    tx_case_state to_state;   /* the snapshot after the step */
    tx_tier tier;
    tx_case_handler handler;
    int64_t handler_id;
    /* data */
    int64_t category_id, street_id, community_id, grid_id; /* report */
    tx_cm_channel channel;                                 /* report; TX_CM_CH__COUNT when absent */
    int64_t due_contact, due_resolve;                      /* report */
    int64_t department_id;                                 /* refer */
    tx_case_solved solved;                                 /* rate */
    tx_case_satisfaction satisfaction;
} tx_cm_event;

/* Apply one event (in id order) to the snapshot, the way the writer of
 * cases changes the row:
 *   report    → submitted_at (its time), category, channel, place, deadlines;
 *   every one → state, handler, handler_id (the event's snapshot); a
 *               department handler is also the department referred to;
 *   a step at street tier or with a department → left_community;
 *   contact   → contacted_at, the first one only;
 *   resolve   → resolved_at and resolved_tier (the event's tier), latest;
 *   rate      → solved and satisfaction, the latest answers, kept through
 *               rework until answered again;
 *   refer     → department_id from its data. */
void tx_cm_fold(tx_cm_case *c, const tx_cm_event *e);

/* ---- rates ---- */

typedef enum {
    TX_CM_RATE_RESPONSE,          /* 响应率 = responded_on_time / valid */
    TX_CM_RATE_RESOLUTION,        /* 解决率 = solved_yes / rated */
    TX_CM_RATE_COMPLETION,        /* 办结率 = (state_resolved + state_closed) / valid */
    TX_CM_RATE_SATISFACTION,      /* 满意率 = (satisfied + basically_satisfied) / rated */
    TX_CM_RATE_ON_TIME,           /* 按时办结率 = resolved_on_time / resolved */
    TX_CM_RATE_GRID_CLOSURE,      /* 网格解决率 = resolved_at_grid / resolved */
    TX_CM_RATE_COMMUNITY_CLOSURE, /* 社区内解决率 = resolved_in_community / resolved */
    TX_CM_RATE__COUNT
} tx_cm_rate_kind;

const char *tx_cm_rate_code(tx_cm_rate_kind k);
const char *tx_cm_rate_name(tx_cm_rate_kind k, int lang);
int tx_cm_rate_parse(const char *code, tx_cm_rate_kind *out);

typedef struct {
    int64_t numerator, denominator;
} tx_cm_rate;

/* The rate k of summed counters. */
tx_cm_rate tx_cm_rate_of(const tx_cm_counts *sum, tx_cm_rate_kind k);

/* Its value in [0, 1]: returns 0 and sets *value, or -1 (value untouched)
 * when the denominator is 0 — "no cases to rate", which is not 0 %. */
int tx_cm_rate_value(tx_cm_rate r, double *value);

/* sum += add */
void tx_cm_counts_add(tx_cm_counts *sum, const tx_cm_counts *add);

#endif
