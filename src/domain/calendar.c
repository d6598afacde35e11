/* calendar: working days and deadlines over a list of holidays and 调休
 * workdays (see calendar.h). */
#include "domain/calendar.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define MS_PER_MIN 60000LL
#define MS_PER_DAY 86400000LL

/* Day numbers of 1900-01-01 and 10000-01-01: the range dates are parsed in
 * and deadlines computed for. */
#define FIRST_DAY (-25567)
#define END_DAY 2932897

static const struct {
    const char *code;
    const char *text[2];
} errors[TX_CAL_E__COUNT] = {
    [TX_CAL_OK] = {"ok", {"正确", "ok"}},
    [TX_CAL_E_DATE_FORMAT] = {"date_format", {"日期必须写成 YYYY-MM-DD，例如 2026-10-01", "a date must be written YYYY-MM-DD, e.g. 2026-10-01"}},
    [TX_CAL_E_DATE_YEAR] = {"date_year", {"年份必须在 1900 到 9999 之间", "the year must be between 1900 and 9999"}},
    [TX_CAL_E_DATE_MONTH] = {"date_month", {"月份必须在 01 到 12 之间", "the month must be between 01 and 12"}},
    [TX_CAL_E_DATE_DAY] = {"date_day", {"该月没有这一天", "that month has no such day"}},
    [TX_CAL_E_KIND] = {"kind", {"类型必须是 holiday（放假）或 workday（调休上班）",
                                "the kind must be holiday or workday (a weekend day that is worked)"}},
    [TX_CAL_E_WEEKDAY] = {"weekday", {"星期必须是 Mon、Tue、Wed、Thu、Fri、Sat 或 Sun",
                                      "the weekday must be Mon, Tue, Wed, Thu, Fri, Sat or Sun"}},
    [TX_CAL_E_WEEKDAY_MISMATCH] = {"weekday_mismatch", {"星期与日期不符，请核对日期", "the weekday does not match the date; check the date"}},
    [TX_CAL_E_WORKDAY_NOT_WEEKEND] = {"workday_not_weekend",
                                      {"调休上班日必须是星期六或星期日（周一至周五本来就上班）",
                                       "a workday must be a Saturday or Sunday (Monday to Friday are worked anyway)"}},
    [TX_CAL_E_UNSORTED] = {"unsorted", {"节假日列表必须按日期从早到晚排列", "the holiday list must be in ascending date order"}},
    [TX_CAL_E_DUPLICATE] = {"duplicate_date", {"同一日期在节假日列表中出现了两次", "the same date appears twice in the holiday list"}},
    [TX_CAL_E_OFFSET] = {"utc_offset", {"时区偏移必须在 -14:00 到 +14:00 之间", "the UTC offset must be between -14:00 and +14:00"}},
    [TX_CAL_E_OFFICE_HOURS] = {"office_hours",
                               {"办公时间必须是 1 到 4 个时段，在 00:00 到 24:00 之内，按先后排列且互不重叠",
                                "office hours must be 1 to 4 spans within 00:00-24:00, in order, not overlapping, none empty"}},
    [TX_CAL_E_DURATION_KIND] = {"duration_kind", {"未知的期限类型", "unknown kind of duration"}},
    [TX_CAL_E_DURATION_NOT_POSITIVE] = {"duration_not_positive", {"期限必须大于零", "a duration must be greater than zero"}},
    [TX_CAL_E_DURATION_TOO_LONG] = {"duration_too_long", {"期限过长（最多 10000 个单位）", "the duration is too long (at most 10000 units)"}},
    [TX_CAL_E_TIME_RANGE] = {"time_range", {"时间必须在 1900 年到 9999 年之间", "the time must be within the years 1900 to 9999"}},
};

const char *tx_cal_error_code(int e)
{
    return e >= 0 && e < TX_CAL_E__COUNT ? errors[e].code : NULL;
}

const char *tx_cal_error_text(int e, int lang)
{
    return e >= 0 && e < TX_CAL_E__COUNT ? errors[e].text[lang ? 1 : 0] : NULL;
}

static const struct {
    const char *code;
    const char *name[2];
} kinds[] = {
    [TX_CAL_HOLIDAY] = {"holiday", {"放假", "holiday"}},
    [TX_CAL_WORKDAY] = {"workday", {"调休上班", "adjusted workday"}},
};

const char *tx_cal_kind_code(tx_cal_kind k)
{
    return (unsigned)k <= TX_CAL_WORKDAY ? kinds[k].code : NULL;
}

const char *tx_cal_kind_name(tx_cal_kind k, int lang)
{
    return (unsigned)k <= TX_CAL_WORKDAY ? kinds[k].name[lang ? 1 : 0] : NULL;
}

/* ---- dates ---- */

/* Floor division and its remainder, for days before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int floor_mod(int64_t a, int b)
{
    return (int)(a - floor_div(a, b) * b);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int32_t day_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_day(int32_t day, int *y, int *m, int *d)
{
    int64_t z = (int64_t)day + 719468;
    int64_t era = floor_div(z, 146097);
    int doe = (int)(z - era * 146097);
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

int tx_cal_weekday(int32_t day)
{
    return floor_mod((int64_t)day + 3, 7) + 1; /* 1970-01-01 was a Thursday */
}

char *tx_cal_format_date(int32_t day, char out[TX_CAL_DATE_STRLEN])
{
    int y, m, d;
    civil_from_day(day, &y, &m, &d);
    snprintf(out, TX_CAL_DATE_STRLEN, "%04d-%02d-%02d", y, m, d);
    return out;
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

int tx_cal_parse_date(const char *s, int32_t *day)
{
    static const char shape[] = "dddd-dd-dd";
    if (s == NULL)
        return TX_CAL_E_DATE_FORMAT;
    for (int i = 0; i < 10; i++)
        if (shape[i] == 'd' ? !digit(s[i]) : s[i] != '-')
            return TX_CAL_E_DATE_FORMAT; /* also stops at a short string's '\0' */
    if (s[10] != '\0')
        return TX_CAL_E_DATE_FORMAT;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900)
        return TX_CAL_E_DATE_YEAR;
    if (m < 1 || m > 12)
        return TX_CAL_E_DATE_MONTH;
    if (d < 1 || d > days_in_month(y, m))
        return TX_CAL_E_DATE_DAY;
    *day = day_from_civil(y, m, d);
    return TX_CAL_OK;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

int tx_cal_parse_kind(const char *code, tx_cal_kind *kind)
{
    for (int k = TX_CAL_HOLIDAY; k <= TX_CAL_WORKDAY; k++)
        if (code && streq(code, kinds[k].code)) {
            *kind = (tx_cal_kind)k;
            return TX_CAL_OK;
        }
    return TX_CAL_E_KIND;
}

/* "Mon" … "Sun" in any letter case → 1 … 7; 0 when it is none of them. */
static int parse_weekday(const char *s)
{
    static const char names[7][4] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int w = 0; w < 7; w++) {
        int i = 0;
        while (i < 3 && s[i] != '\0' && (s[i] | 0x20) == names[w][i])
            i++;
        if (i == 3 && s[3] == '\0')
            return w + 1;
    }
    return 0;
}

int tx_cal_parse_row(const char *date, const char *kind, const char *weekday, tx_cal_exception *out)
{
    tx_cal_exception e;
    int rc = tx_cal_parse_date(date, &e.day);
    if (rc == TX_CAL_OK)
        rc = tx_cal_parse_kind(kind, &e.kind);
    if (rc != TX_CAL_OK)
        return rc;
    int wd = tx_cal_weekday(e.day);
    if (weekday != NULL && weekday[0] != '\0') {
        int given = parse_weekday(weekday);
        if (given == 0)
            return TX_CAL_E_WEEKDAY;
        if (given != wd)
            return TX_CAL_E_WEEKDAY_MISMATCH;
    }
    if (e.kind == TX_CAL_WORKDAY && wd < 6)
        return TX_CAL_E_WORKDAY_NOT_WEEKEND;
    *out = e;
    return TX_CAL_OK;
}

/* ---- the calendar ---- */

static int check_exceptions(const tx_cal_exception *ex, int n)
{
    if (n < 0 || (n > 0 && ex == NULL))
        return TX_CAL_E_UNSORTED;
    for (int i = 0; i < n; i++) {
        if ((unsigned)ex[i].kind > TX_CAL_WORKDAY)
            return TX_CAL_E_KIND;
        if (ex[i].kind == TX_CAL_WORKDAY && tx_cal_weekday(ex[i].day) < 6)
            return TX_CAL_E_WORKDAY_NOT_WEEKEND;
        if (i > 0 && ex[i].day == ex[i - 1].day)
            return TX_CAL_E_DUPLICATE;
        if (i > 0 && ex[i].day < ex[i - 1].day)
            return TX_CAL_E_UNSORTED;
    }
    return TX_CAL_OK;
}

int tx_cal_check(const tx_calendar *cal)
{
    int rc = check_exceptions(cal->exceptions, cal->n_exceptions);
    if (rc != TX_CAL_OK)
        return rc;
    if (cal->utc_offset_min < -14 * 60 || cal->utc_offset_min > 14 * 60)
        return TX_CAL_E_OFFSET;
    if (cal->n_office < 1 || cal->n_office > TX_CAL_MAX_SPANS)
        return TX_CAL_E_OFFICE_HOURS;
    int after = 0;
    for (int i = 0; i < cal->n_office; i++) {
        const tx_cal_span *s = &cal->office[i];
        if (s->from_min < after || s->to_min <= s->from_min || s->to_min > 24 * 60)
            return TX_CAL_E_OFFICE_HOURS;
        after = s->to_min;
    }
    return TX_CAL_OK;
}

int tx_cal_init(tx_calendar *cal, const tx_cal_exception *ex, int n)
{
    tx_calendar c = {
        .exceptions = ex,
        .n_exceptions = n,
        .utc_offset_min = TX_CAL_DEFAULT_UTC_OFFSET_MIN,
        .office = {{8 * 60 + 30, 12 * 60}, {14 * 60, 18 * 60}},
        .n_office = 2,
    };
    int rc = tx_cal_check(&c);
    if (rc == TX_CAL_OK)
        *cal = c;
    return rc;
}

int32_t tx_cal_day_of(const tx_calendar *cal, int64_t ms)
{
    return (int32_t)floor_div(ms + cal->utc_offset_min * MS_PER_MIN, MS_PER_DAY);
}

int64_t tx_cal_day_start(const tx_calendar *cal, int32_t day)
{
    return (int64_t)day * MS_PER_DAY - cal->utc_offset_min * MS_PER_MIN;
}

/* Index of the first exception with a day > day (binary search). */
static int first_after(const tx_calendar *cal, int32_t day)
{
    int lo = 0, hi = cal->n_exceptions;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cal->exceptions[mid].day <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int tx_cal_is_workday(const tx_calendar *cal, int32_t day)
{
    int i = first_after(cal, day) - 1;
    if (i >= 0 && cal->exceptions[i].day == day)
        return cal->exceptions[i].kind == TX_CAL_WORKDAY;
    return tx_cal_weekday(day) <= 5;
}

/* Monday-to-Friday days d with d < x, counted from Monday 1969-12-29 (day −3):
 * whole weeks give 5 each, the part week up to 5. */
static int64_t weekdays_before(int64_t x)
{
    int64_t w = floor_div(x + 3, 7);
    int r = floor_mod(x + 3, 7);
    return 5 * w + (r < 5 ? r : 5);
}

int tx_cal_working_days_between(const tx_calendar *cal, int32_t from, int32_t to)
{
    if (to < from)
        return -tx_cal_working_days_between(cal, to, from);
    /* the plain week, then each exception in (from, to] that changes a day:
     * a holiday on a weekday takes one away, a workday on a weekend adds one */
    int64_t n = weekdays_before((int64_t)to + 1) - weekdays_before((int64_t)from + 1);
    for (int i = first_after(cal, from); i < cal->n_exceptions && cal->exceptions[i].day <= to; i++) {
        int weekend = tx_cal_weekday(cal->exceptions[i].day) >= 6;
        if (cal->exceptions[i].kind == TX_CAL_HOLIDAY && !weekend)
            n--;
        else if (cal->exceptions[i].kind == TX_CAL_WORKDAY && weekend)
            n++;
    }
    return (int)n;
}

int tx_cal_deadline(const tx_calendar *cal, int64_t start_ms, tx_duration d, int64_t *due_ms)
{
    if ((unsigned)d.kind >= TX_DUR__COUNT)
        return TX_CAL_E_DURATION_KIND;
    if (d.n <= 0)
        return TX_CAL_E_DURATION_NOT_POSITIVE;
    if (d.n > TX_CAL_MAX_DURATION)
        return TX_CAL_E_DURATION_TOO_LONG;
    if (start_ms < tx_cal_day_start(cal, FIRST_DAY) || start_ms >= tx_cal_day_start(cal, END_DAY))
        return TX_CAL_E_TIME_RANGE;

    int32_t day = tx_cal_day_of(cal, start_ms);
    switch (d.kind) {
    case TX_DUR_HOURS:
        *due_ms = start_ms + d.n * 60 * MS_PER_MIN;
        return TX_CAL_OK;
    case TX_DUR_MINUTES:
        *due_ms = start_ms + d.n * MS_PER_MIN;
        return TX_CAL_OK;
    case TX_DUR_WORKING_DAYS:
        /* the day of start is not counted: walk to the n-th working day after it */
        for (int left = d.n; left > 0;)
            if (tx_cal_is_workday(cal, ++day))
                left--;
        *due_ms = tx_cal_day_start(cal, day + 1); /* 24:00 of that day */
        return TX_CAL_OK;
    case TX_DUR_WORKING_HOURS: {
        int64_t left = d.n * 60 * MS_PER_MIN;
        for (;; day++) {
            if (!tx_cal_is_workday(cal, day))
                continue;
            int64_t midnight = tx_cal_day_start(cal, day);
            for (int i = 0; i < cal->n_office; i++) {
                int64_t from = midnight + cal->office[i].from_min * MS_PER_MIN;
                int64_t to = midnight + cal->office[i].to_min * MS_PER_MIN;
                if (from < start_ms)
                    from = start_ms;
                if (from >= to)
                    continue; /* this span is over before start */
                if (left <= to - from) {
                    *due_ms = from + left;
                    return TX_CAL_OK;
                }
                left -= to - from;
            }
        }
    }
    default:
        return TX_CAL_E_DURATION_KIND;
    }
}

static const char *const dur_codes[TX_DUR__COUNT] = {
    [TX_DUR_HOURS] = "hours",
    [TX_DUR_MINUTES] = "minutes",
    [TX_DUR_WORKING_DAYS] = "working_days",
    [TX_DUR_WORKING_HOURS] = "working_hours",
};

const char *tx_dur_kind_code(tx_dur_kind k)
{
    return (unsigned)k < TX_DUR__COUNT ? dur_codes[k] : NULL;
}

int tx_dur_kind_parse(const char *code, tx_dur_kind *out)
{
    for (int i = 0; code && i < TX_DUR__COUNT; i++)
        if (strcmp(code, dur_codes[i]) == 0) {
            *out = (tx_dur_kind)i;
            return 0;
        }
    return TX_CAL_E_DURATION_KIND;
}
