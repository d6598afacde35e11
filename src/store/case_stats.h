/* case_stats: the service figures of cases (响应率, 解决率, 满意率 …) for an
 * area, a category or a handling organisation over a period, read from the
 * counters the writer keeps up to date (docs/METRICS.md), and the audit
 * that rebuilds those counters from the events. Part of the store
 * interface (store.h); all SQL is in sqlite/case_stats.c. */
#ifndef TX_STORE_CASE_STATS_H
#define TX_STORE_CASE_STATS_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* The longest period one request may cover, in days: a (leap) year. */
#define STORE_CASE_STATS_MAX_DAYS 366

typedef struct {
    int64_t area_id;     /* a street, community or grid; 0: the whole deployment */
    int64_t category_id; /* 0: every category */
    int64_t org_id;      /* a property company or department: the cases it handles now or was
                          * referred; 0: any. Not with a grid (400). */
    const char *from, *to; /* local days YYYY-MM-DD (UTC+8), both included: the cases submitted then */
    int64_t now_ms;      /* for overdue_open */
    /* Optional parts of the answer (0 / NULL: left out). */
    int series;            /* STORE_CASE_STATS_BY_DAY or _BY_WEEK: the period's counts per day or week */
    const char *breakdown; /* "community" or "grid": the figures of each such area inside area
                            * (every one when area is 0); "community" only with org */
} store_case_stats_filter;

enum { STORE_CASE_STATS_NO_SERIES, STORE_CASE_STATS_BY_DAY, STORE_CASE_STATS_BY_WEEK };

/* The figures of the cases the filter selects, as
 *   {"period":{"from","to"}, "area":{id,code,name,kind}|null,
 *    "category":{id,code,name,name_en}|null, "org":{id,code,name,kind}|null,
 *    "counts":{received, valid, merged, invalid, contacted, responded_on_time,
 *              completed, resolved, resolved_on_time, resolved_at_grid,
 *              resolved_in_community, rated, solved_yes, solved_no, satisfied,
 *              basically_satisfied, unsatisfied},
 *    "by_state":{state: n …}, "by_channel":{channel: n …},
 *    "by_category":[{id, code, name, name_en, count}] (most cases first),
 *    "rates":{response, resolution, completion, satisfaction, on_time,
 *             grid_closure, community_closure: {value, numerator, denominator}},
 *    "overdue_open": n}
 * value is null when the denominator is 0. overdue_open counts the cases of
 * the period being handled now (open = 1) whose governing deadline is before
 * now_ms, from the cases table (it depends on now, so it has no counter).
 *
 * With series, also
 *   "series":{"interval":"day"|"week", "points":[{from, to, received, valid,
 *              completed, resolved, responded_on_time, resolved_on_time,
 *              rated, solved_yes, satisfied, basically_satisfied,
 *              unsatisfied}]}
 * one point per day, or per week (Monday to Sunday, the first and last cut
 * to the period), every one of the period even when empty, oldest first:
 * the counts of the cases submitted then (the same cohort rule as the
 * totals). One GROUP BY day over the same rows as the totals.
 * With breakdown, also
 *   "by_area":[{id, code, name, name_en, kind, counts:{…as above}, rates:{…},
 *               overdue_open}]
 * for every community or grid inside area (all of them when area is 0),
 * with or without cases, in code order: their own rows (one GROUP BY
 * area_id), and overdue_open from one range of the parent's queue index
 * grouped by community or grid.
 *
 * 404 naming area / category / org when one does not exist; 400 for a
 * malformed or reversed period, one over STORE_CASE_STATS_MAX_DAYS, an area
 * that is not a street, community or grid, an org with a grid, a series
 * other than the two, or a breakdown that is not a kind below area (naming
 * breakdown; "grid" with an org). *out is the caller's. */
int store_case_stats(store_conn *c, const store_case_stats_filter *f, json_t **out, tx_err *err);

/* The id of what ref names: an id (digits) or a code. kind is "area",
 * "category" or "org" (organisation). 0 and *id set; -1 with a 400
 * invalid_query naming param when nothing has that id or code. */
int store_case_stats_ref(store_conn *c, const char *kind, const char *ref, const char *param, int64_t *id,
                         tx_err *err);

/* Rebuild every case's contribution from case_event alone (each case's
 * events folded in id order; the cases table is read only for the list of
 * ids), sum them, and compare with the stored counters:
 *   {"cases":N, "events":M, "rows_stored":a, "rows_recomputed":b,
 *    "rows_compared":n, "differences_total":d,
 *    "differences":[{org_id, area_id, day, category_id,
 *                    counters:{name:{stored, recomputed}}}] (at most 100),
 *    "cases_without_report":[ids] (at most 100; a case whose first event is
 *    not its report cannot be placed and is left out of the sum),
 *    "fixed":bool}
 * Rows of zeros count as absent. With fix, the stored counters are replaced
 * by the recomputed ones when they differ. Runs in one transaction: the
 * caller's when one is open (then a savepoint), else its own (BEGIN
 * IMMEDIATE with fix, so nothing is written between the reading and the
 * replacing). *report is the caller's. */
int store_case_stats_recompute(store_conn *c, int fix, json_t **report, tx_err *err);

#endif
