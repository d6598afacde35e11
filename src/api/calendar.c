/* calendar: the working-day calendar (holidays and 调休 workdays) that
 * deadlines are counted on, and a preview of a deadline. Reading is public;
 * street admins change single days (whole years come by CSV import). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/time.h"
#include "domain/calendar.h"
#include "io/io.h"

#define CALENDAR_MAX_DAYS 400

/* Load the stored exceptions into cal (ex is malloc'd; the caller frees). */
static int load_calendar(tx_call *call, store_conn *c, tx_calendar *cal, tx_cal_exception **ex)
{
    int n;
    if (store_calendar_exceptions(c, ex, &n, &call->err))
        return -1;
    if (tx_cal_init(cal, *ex, n))
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    return 0;
}

static int query_day(tx_call *call, const char *name, int32_t *day)
{
    char d[11];
    int64_t ms;
    if (call_query_date(call, name, d) || tx_time_parse(d, 480, &ms, NULL) || tx_cal_parse_date(d, day))
        return call->err.status ? -1 : tx_err_query(&call->err, name, "必须是 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date");
    return 0;
}

int api_calendar_list(tx_call *call, store_conn *c)
{
    int32_t from, to;
    if (query_day(call, "from", &from))
        return -1;
    if (call_query(call, "to") == NULL)
        to = from + 30;
    else if (query_day(call, "to", &to))
        return -1;
    if (to < from || to - from >= CALENDAR_MAX_DAYS)
        return tx_err_query(&call->err, "to", "必须在 from 之后 400 天以内", "must be within 400 days after from");
    tx_calendar cal;
    tx_cal_exception *ex = NULL;
    json_t *stored;
    char a[TX_CAL_DATE_STRLEN], b[TX_CAL_DATE_STRLEN];
    tx_cal_format_date(from, a);
    tx_cal_format_date(to, b);
    if (load_calendar(call, c, &cal, &ex) || store_calendar_list(c, a, b, &stored, &call->err)) {
        free(ex);
        return -1;
    }
    static const char *const wd[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    json_t *days = json_array();
    int working = 0;
    for (int32_t d = from; d <= to; d++) {
        char ds[TX_CAL_DATE_STRLEN];
        tx_cal_format_date(d, ds);
        int w = tx_cal_is_workday(&cal, d);
        working += w;
        json_t *s = json_object_get(stored, ds);
        json_t *day = json_pack("{s:s, s:s, s:b}", "date", ds, "weekday", wd[tx_cal_weekday(d)], "working", w);
        if (s) {
            json_object_set(day, "kind", json_object_get(s, "kind"));
            json_object_set(day, "occasion", json_object_get(s, "occasion"));
        }
        json_array_append_new(days, day);
    }
    json_decref(stored);
    free(ex);
    return call_json(call, 200,
                     json_pack("{s:s, s:s, s:s, s:i, s:o}", "time_zone", "Asia/Shanghai", "from", a, "to", b,
                               "working_days", working, "days", days));
}

/* GET …/deadline?start=ISO8601&working_days=N (or hours, minutes,
 * working_hours): when a period of that length starting then ends. */
int api_calendar_deadline(tx_call *call, store_conn *c)
{
    static const struct {
        const char *param;
        tx_dur_kind kind;
    } kinds[] = {{"working_days", TX_DUR_WORKING_DAYS},
                 {"working_hours", TX_DUR_WORKING_HOURS},
                 {"hours", TX_DUR_HOURS},
                 {"minutes", TX_DUR_MINUTES}};
    const char *start = call_query(call, "start");
    int64_t start_ms = call->now_ms;
    int offset = 480;
    if (start && *start && tx_time_parse(start, 480, &start_ms, &offset))
        return tx_err_query(&call->err, "start", "必须是带时区的 ISO 8601 时间，如 2026-02-13T16:00:00+08:00",
                            "must be an ISO 8601 time with an offset, e.g. 2026-02-13T16:00:00+08:00");
    tx_duration d = {0};
    const char *which = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        double n;
        if (call_query(call, kinds[i].param) == NULL)
            continue;
        if (which)
            return tx_err_query(&call->err, kinds[i].param, "只能给出一种时长", "give one duration only");
        if (call_query_double(call, kinds[i].param, 1, 1, TX_CAL_MAX_DURATION, &n))
            return -1;
        if (n != (int)n)
            return tx_err_query(&call->err, kinds[i].param, "必须是整数", "must be an integer");
        d = (tx_duration){kinds[i].kind, (int)n};
        which = kinds[i].param;
    }
    if (which == NULL)
        return tx_err_set_reason(&call->err, 400, "missing_query", "working_days", M_QUERY_INVALID, 0, 0,
                                 "working_days", "需要 working_days、working_hours、hours 或 minutes 之一",
                                 "give one of working_days, working_hours, hours or minutes");
    tx_calendar cal;
    tx_cal_exception *ex = NULL;
    int64_t due;
    if (load_calendar(call, c, &cal, &ex)) {
        free(ex);
        return -1;
    }
    int e = tx_cal_deadline(&cal, start_ms, d, &due);
    free(ex);
    if (e)
        return tx_err_query(&call->err, which, tx_cal_error_text(e, 0), tx_cal_error_text(e, 1));
    char s1[TX_TIME_STRLEN], s2[TX_TIME_STRLEN];
    return call_json(call, 200,
                     json_pack("{s:s, s:s, s:{s:s, s:i}}", "start", tx_time_format(start_ms, offset, s1), "due",
                               tx_time_format(due, offset, s2), "duration", "kind", which, "n", d.n));
}

int api_calendar_put(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"kind", "occasion", NULL};
    const char *kind = NULL, *occasion = NULL;
    tx_cal_exception ex;
    if (call_body_only(call, fields) || call_body_str(call, "kind", 1, 16, &kind) ||
        call_body_str(call, "occasion", 0, 100, &occasion))
        return -1;
    int e = tx_cal_parse_row(call->params[0], kind, NULL, &ex);
    if (e == TX_CAL_E_KIND)
        return tx_err_invalid(&call->err, "kind", tx_cal_error_text(e, 0), tx_cal_error_text(e, 1));
    if (e)
        return tx_err_invalid(&call->err, "date", tx_cal_error_text(e, 0), tx_cal_error_text(e, 1));
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (store_calendar_put(c, call->params[0], kind, occasion, &call->err) ||
        store_audit(c, actor, "calendar_put", "calendar_day", 0, call->params[0], &call->err))
        return -1;
    return call_json(call, 200, json_pack("{s:s, s:s, s:s?}", "date", call->params[0], "kind", kind, "occasion",
                                          occasion));
}

int api_calendar_delete(tx_call *call, store_conn *c)
{
    int32_t day;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (tx_cal_parse_date(call->params[0], &day))
        return tx_err_named(&call->err, 404, "not_found", "date", M_NOT_FOUND, "calendar_day", "?");
    if (store_calendar_delete(c, call->params[0], &call->err) ||
        store_audit(c, actor, "calendar_delete", "calendar_day", 0, call->params[0], &call->err))
        return -1;
    call->status = 204;
    return 0;
}

int api_calendar_csv(tx_call *call, store_conn *c)
{
    if (store_calendar_export_csv(c, &call->out_raw, &call->out_raw_len, &call->err))
        return -1;
    call->out_type = "text/csv; charset=utf-8";
    call->status = 200;
    return 0;
}
