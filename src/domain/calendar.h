/* calendar: working days, office hours and deadlines (SLA) in the deployment's
 * time zone.
 *
 * Which days are worked is DATA, not code: the State Council publishes the
 * holidays and the adjusted weekend workdays (调休) for each year in a notice
 * (data/cn-public-holidays-2026.csv is the 2026 one), an administrator loads
 * it into the store, and the caller hands this module the list. The rules:
 *
 *   - Monday to Friday is a working day and Saturday and Sunday are rest days,
 *     unless the list says otherwise for that date;
 *   - "holiday": no work that day, even on a weekday (weekend days inside a
 *     holiday are listed too; listing them changes nothing);
 *   - "workday": a Saturday or Sunday that is worked (调休). Listing a weekday
 *     as a workday is refused as a data error: it would change nothing, so it
 *     is most likely a mistyped date.
 *
 * Time is int64 milliseconds since the Unix epoch (UTC). Days are counted in
 * local time at a fixed UTC offset (Asia/Shanghai, +08:00, has had no
 * daylight saving since 1991), as "day numbers": days since 1970-01-01.
 * An instant belongs to the local day it falls in; 00:00 begins a day.
 *
 * Pure: no I/O, no clock reads, no globals beyond const tables. Every
 * function that can fail returns 0 or a tx_cal_error, leaves its outputs
 * untouched on failure, and the error has a stable code and a reason in
 * zh-CN and en (tx_cal_error_code / tx_cal_error_text) for the caller to put
 * into a tx_err. */
#ifndef TX_DOMAIN_CALENDAR_H
#define TX_DOMAIN_CALENDAR_H

#include <stdint.h>

typedef enum {
    TX_CAL_OK = 0,
    TX_CAL_E_DATE_FORMAT,         /* not "YYYY-MM-DD" */
    TX_CAL_E_DATE_YEAR,           /* year outside 1900–9999 */
    TX_CAL_E_DATE_MONTH,          /* month outside 01–12 */
    TX_CAL_E_DATE_DAY,            /* no such day in that month (2026-02-29) */
    TX_CAL_E_KIND,                /* kind is neither "holiday" nor "workday" */
    TX_CAL_E_WEEKDAY,             /* weekday column is not Mon … Sun */
    TX_CAL_E_WEEKDAY_MISMATCH,    /* weekday column disagrees with the date */
    TX_CAL_E_WORKDAY_NOT_WEEKEND, /* a "workday" that is Monday to Friday */
    TX_CAL_E_UNSORTED,            /* exceptions not in ascending date order */
    TX_CAL_E_DUPLICATE,           /* the same date listed twice */
    TX_CAL_E_OFFSET,              /* UTC offset outside −14:00 … +14:00 */
    TX_CAL_E_OFFICE_HOURS,        /* office hours not 1–4 ordered, non-empty spans */
    TX_CAL_E_DURATION_KIND,       /* unknown tx_dur_kind */
    TX_CAL_E_DURATION_NOT_POSITIVE,
    TX_CAL_E_DURATION_TOO_LONG,   /* n > TX_CAL_MAX_DURATION */
    TX_CAL_E_TIME_RANGE,          /* start outside the years 1900–9999 */
    TX_CAL_E__COUNT
} tx_cal_error;

/* Stable machine code of an error ("date_format"; "ok" for TX_CAL_OK) and
 * its reason in lang (0 zh, 1 en). Static storage; NULL for an unknown value. */
const char *tx_cal_error_code(int e);
const char *tx_cal_error_text(int e, int lang);

/* ---- the data: exceptions to the Monday–Friday week ---- */

typedef enum {
    TX_CAL_HOLIDAY = 0, /* "holiday": no work, even on a weekday */
    TX_CAL_WORKDAY = 1, /* "workday": a Saturday or Sunday that is worked (调休) */
} tx_cal_kind;

typedef struct {
    int32_t day; /* local date as days since 1970-01-01 */
    tx_cal_kind kind;
} tx_cal_exception;

/* "holiday" / "workday", and names (0 zh 放假 / 调休上班, 1 en). NULL for an
 * unknown value. */
const char *tx_cal_kind_code(tx_cal_kind k);
const char *tx_cal_kind_name(tx_cal_kind k, int lang);

/* Parse "YYYY-MM-DD" exactly (no spaces, no time; years 1900–9999) into a
 * day number. Returns 0 or TX_CAL_E_DATE_*. */
int tx_cal_parse_date(const char *yyyy_mm_dd, int32_t *day);

/* Parse a kind code, exactly "holiday" or "workday". Returns 0 or TX_CAL_E_KIND. */
int tx_cal_parse_kind(const char *code, tx_cal_kind *kind);

/* Parse and check one row of the holiday file (date,kind,occasion,weekday):
 * the date, the kind, and — when weekday is neither NULL nor "" — that the
 * weekday column ("Mon" … "Sun", any letter case) names the date's weekday,
 * which catches a mistyped date. A "workday" must fall on a Saturday or
 * Sunday. The occasion column is free text and not this module's business.
 * Returns 0 or the first problem found, in column order. */
int tx_cal_parse_row(const char *date, const char *kind, const char *weekday, tx_cal_exception *out);

/* Write day as "YYYY-MM-DD" (years 1900–9999 as given; other days are
 * written as well, for messages, but need not parse back). Returns out. */
#define TX_CAL_DATE_STRLEN 32
char *tx_cal_format_date(int32_t day, char out[TX_CAL_DATE_STRLEN]);

/* ISO weekday of a day number: 1 Monday … 7 Sunday. */
int tx_cal_weekday(int32_t day);

/* ---- the calendar ---- */

#define TX_CAL_DEFAULT_UTC_OFFSET_MIN 480 /* Asia/Shanghai, UTC+08:00, no DST */
#define TX_CAL_MAX_SPANS 4

/* A span of office hours in local minutes after 00:00, [from_min, to_min). */
typedef struct {
    int from_min;
    int to_min;
} tx_cal_span;

/* The calendar. exceptions is BORROWED: the array must stay alive and
 * unchanged as long as the calendar is used, and must be sorted by day in
 * strictly ascending order — unsorted or duplicate input is refused, not
 * sorted here (the store returns it ORDER BY day; a silent sort would hide a
 * file that lists a date twice with two kinds). */
typedef struct {
    const tx_cal_exception *exceptions;
    int n_exceptions;
    int utc_offset_min; /* minutes east of UTC */
    /* Office hours on working days, for TX_DUR_WORKING_HOURS. Default
     * 08:30–12:00 and 14:00–18:00 (7.5 hours): the usual hours of a community
     * service centre in Guangdong with a long midday break. */
    tx_cal_span office[TX_CAL_MAX_SPANS];
    int n_office;
} tx_calendar;

/* Set *cal to the defaults (UTC+08:00, office hours 08:30–12:00 and
 * 14:00–18:00) over the given exceptions (n may be 0 and ex NULL: a calendar
 * with weekends only) and check it (tx_cal_check). Returns 0, or the error
 * with *cal untouched. A caller may change utc_offset_min or office
 * afterwards and must then call tx_cal_check again. */
int tx_cal_init(tx_calendar *cal, const tx_cal_exception *ex, int n);

/* Check a calendar: exceptions sorted and unique with known kinds (and
 * workdays on weekends only, as tx_cal_parse_row checks them), offset
 * within ±14:00, 1–TX_CAL_MAX_SPANS office spans within 00:00–24:00, each
 * non-empty and after the one before. Every function below requires a
 * calendar that passed this check. Returns 0 or the error. */
int tx_cal_check(const tx_calendar *cal);

/* The local day containing ms, and the instant (ms) local day begins.
 * Defined for times in the years 1900–9999. */
int32_t tx_cal_day_of(const tx_calendar *cal, int64_t ms);
int64_t tx_cal_day_start(const tx_calendar *cal, int32_t day);

/* 1 when day is a working day, else 0 (the rules at the top of this file). */
int tx_cal_is_workday(const tx_calendar *cal, int32_t day);

/* The number of working days d with from < d <= to: the days after `from`
 * up to and including `to`, the way deadlines count them (the day of start is
 * not counted). Negative (−count of to < d <= from) when to < from; 0 when
 * equal. Exact for any range within the years 1900–9999, in O(log n +
 * exceptions in range). */
int tx_cal_working_days_between(const tx_calendar *cal, int32_t from, int32_t to);

/* ---- deadlines ---- */

typedef enum {
    /* Calendar time, 24/7: for emergencies and risks to life and property
     * ("report back within 2 hours"), and 吹哨报到 ("departments arrive within
     * 30 minutes"). Due = start + n hours (minutes). */
    TX_DUR_HOURS,
    TX_DUR_MINUTES,
    /* n working days: due at the end (24:00 local) of the n-th working day
     * AFTER the day of start. The day of start never counts, whatever the
     * hour — the rule of 民法典 第二百零一条 "开始的当日不计入，自下一日开始计算",
     * which 12345 handling periods follow — and neither do rest days, so a
     * matter received on a holiday starts counting with the next working day
     * and one that ends on a holiday runs on to the next working day
     * (第二百零三条). Started Friday 16:00 with 1 working day: end of Monday. */
    TX_DUR_WORKING_DAYS,
    /* n hours of office time, counted only inside the calendar's office spans
     * on working days, from start (or from the next span when start is outside
     * office hours). Due is the instant the n-th hour is used up — at the end
     * of a span if it runs out exactly there (12:00, not 14:00). */
    TX_DUR_WORKING_HOURS,
    TX_DUR__COUNT
} tx_dur_kind;

/* "hours", "minutes", "working_days", "working_hours"; NULL for an invalid
 * value. Parse returns 0 and sets *out, or TX_CAL_E_DURATION_KIND. */
const char *tx_dur_kind_code(tx_dur_kind k);
int tx_dur_kind_parse(const char *code, tx_dur_kind *out);

#define TX_CAL_MAX_DURATION 10000 /* n above this is refused: no SLA is that long, and loops stay bounded */

typedef struct {
    tx_dur_kind kind;
    int n; /* 1 … TX_CAL_MAX_DURATION; zero and negative durations are refused */
} tx_duration;

/* The instant (ms, UTC) a period of d starting at start_ms ends: the first
 * instant after the period, so a step taken at or before *due_ms is in time.
 * (For working days that is 00:00 of the next local day, i.e. 24:00 of the
 * last day.) Returns 0, or TX_CAL_E_DURATION_* for a bad d, or
 * TX_CAL_E_TIME_RANGE for a start outside the years 1900–9999. */
int tx_cal_deadline(const tx_calendar *cal, int64_t start_ms, tx_duration d, int64_t *due_ms);

#endif
