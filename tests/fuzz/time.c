/* Fuzz target "time": ISO 8601 / W3C dates and date-times wherever they
 * come from outside — tx_time_parse (src/base/time.c: submitted_at,
 * Open311's start_date / end_date, datetime attributes, query dates),
 * tx_cal_parse_date and tx_cal_parse_row (src/domain/calendar.c: the
 * holiday CSV and the calendar API) and io_valid_date (src/io/areas.c:
 * dates in imports and list items).
 *
 * Input: one byte choosing the default offset (UTC+8, UTC, UTC-05:00 or
 * UTC+23:59), then the text; for tx_cal_parse_row the text is split at
 * ',' into date, kind and weekday.
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch:
 *  - a parsed time formats (tx_time_format, in the offset given) to a text
 *    that parses back to the same second and offset;
 *  - a date tx_cal_parse_date takes formats back to the same text, and
 *    tx_time_parse takes it too, at midnight of the default offset;
 *  - io_valid_date and tx_cal_parse_date agree on every date of the years
 *    both allow (1900-2200), and io_valid_date's YYYY-MM form names a
 *    month that exists. */
#include "base/time.h"
#include "domain/calendar.h"
#include "fuzz.h"
#include "io/io.h"

static const int offsets[] = {480, 0, -300, 23 * 60 + 59};

static void check_time(const char *s, int dflt)
{
    int64_t ms = 0;
    int off = 9999;
    if (tx_time_parse(s, dflt, &ms, &off))
        return;
    assert(off > -24 * 60 && off < 24 * 60);
    char out[TX_TIME_STRLEN];
    tx_time_format(ms, off, out);
    int64_t back = 0;
    int off2 = 9999;
    assert(tx_time_parse(out, dflt, &back, &off2) == 0);
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    assert(back == secs * 1000 && off2 == off);
}

static void check_date(const char *s, int dflt)
{
    int32_t day = 0;
    int cal = tx_cal_parse_date(s, &day) == 0;
    int io = io_valid_date(s, 0);
    if (cal) {
        char out[TX_CAL_DATE_STRLEN];
        assert(strcmp(tx_cal_format_date(day, out), s) == 0);
        int64_t ms;
        assert(tx_time_parse(s, dflt, &ms, NULL) == 0);
        assert(ms == ((int64_t)day * 86400 - (int64_t)dflt * 60) * 1000);
    }
    if (strlen(s) == 10 && strncmp(s, "1900", 4) >= 0 && strncmp(s, "2201", 4) < 0)
        assert(cal == io);
    else if (io)
        assert(cal);
    if (io_valid_date(s, 1) && strlen(s) == 7) {
        char first[11];
        snprintf(first, sizeof first, "%s-01", s);
        assert(tx_cal_parse_date(first, &day) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int dflt = offsets[data[0] % (sizeof offsets / sizeof offsets[0])];
    char *s = fuzz_cstr(data + 1, size - 1);
    check_time(s, dflt);
    check_date(s, dflt);
    char *fields[3] = {s, NULL, NULL};
    for (int i = 1; i < 3; i++) {
        char *comma = fields[i - 1] ? strchr(fields[i - 1], ',') : NULL;
        if (comma) {
            *comma = '\0';
            fields[i] = comma + 1;
        }
    }
    tx_cal_exception ex;
    if (tx_cal_parse_row(fields[0], fields[1] ? fields[1] : "", fields[2], &ex) == 0) {
        int32_t day;
        assert(tx_cal_parse_date(fields[0], &day) == 0 && day == ex.day);
        assert(ex.kind == TX_CAL_HOLIDAY || ex.kind == TX_CAL_WORKDAY);
    }
    free(s);
    return 0;
}
