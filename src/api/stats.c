/* stats: the public service figures of cases — 响应率, 解决率, 满意率, 办结率,
 * 按时办结率 and how much is settled in the grid and the community — for the
 * street, a community, a grid, a category or a handling organisation over a
 * period (docs/METRICS.md), optionally with a series by day or week (the
 * trend) and the figures of each community or grid inside the area (the
 * map, the league table) in the same request. Area-level figures are
 * public: they carry no personal data. */
#include <string.h>

#include "api/api.h"
#include "domain/calendar.h"
#include "store/case_stats.h"

#define DEFAULT_DAYS 30

/* area, category, org: an id or a code (empty: none). */
static int query_ref(tx_call *call, store_conn *c, const char *name, const char *kind, int64_t *id)
{
    const char *v = call_query(call, name);
    *id = 0;
    if (v == NULL || *v == '\0')
        return 0;
    return store_case_stats_ref(c, kind, v, name, id, &call->err);
}

int api_stats_cases(tx_call *call, store_conn *c)
{
    store_case_stats_filter f = {.now_ms = call->now_ms};
    char from[11], to[TX_CAL_DATE_STRLEN];
    int32_t day;
    if (query_ref(call, c, "area", "area", &f.area_id) || query_ref(call, c, "category", "category", &f.category_id) ||
        query_ref(call, c, "org", "org", &f.org_id) || call_query_date(call, "to", to))
        return -1;
    /* default: the 30 days up to `to` (today unless given), both included */
    if (call_query(call, "from") && *call_query(call, "from")) {
        if (call_query_date(call, "from", from))
            return -1;
    } else if (tx_cal_parse_date(to, &day) == 0) {
        char d[TX_CAL_DATE_STRLEN];
        snprintf(from, sizeof from, "%s", tx_cal_format_date(day - (DEFAULT_DAYS - 1), d));
    } else {
        return tx_err_query(&call->err, "to", "必须是 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date");
    }
    f.from = from;
    f.to = to;
    /* the optional parts: a series by day or week, a breakdown by area */
    static const char *const intervals[] = {"day", "week", NULL}, *const kinds[] = {"community", "grid", NULL};
    const char *series;
    if (call_query_enum(call, "series", intervals, &series) ||
        call_query_enum(call, "breakdown", kinds, &f.breakdown))
        return -1;
    if (series)
        f.series = strcmp(series, "day") == 0 ? STORE_CASE_STATS_BY_DAY : STORE_CASE_STATS_BY_WEEK;
    json_t *out;
    if (store_case_stats(c, &f, &out, &call->err))
        return -1;
    return call_json(call, 200, out);
}
