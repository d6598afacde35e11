/* Unit tests for src/domain/calendar.c: working days over the 2026 holiday
 * notice, and the deadlines (SLA) counted on them.
 *
 * Instants are written as W3C date-times and read with base/time, so the
 * expected values do not come from the calendar's own arithmetic; where a
 * test needs to know whether a day is worked it asks an oracle written here
 * from the rules (a linear search of the rows and the weekday), not the
 * module's binary search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/time.h"
#include "domain/calendar.h"

/* data/cn-public-holidays-2026.csv (国务院办公厅关于2026年部分节假日安排的通知),
 * embedded so that the test stands alone: date, kind, occasion, weekday. */
static const char *const rows_2026[][4] = {
    {"2026-01-01", "holiday", "元旦 New Year's Day", "Thu"}, {"2026-01-02", "holiday", "元旦 New Year's Day", "Fri"},
    {"2026-01-03", "holiday", "元旦 New Year's Day", "Sat"}, {"2026-01-04", "workday", "元旦 New Year's Day", "Sun"},
    {"2026-02-14", "workday", "春节 Spring Festival", "Sat"}, {"2026-02-15", "holiday", "春节 Spring Festival", "Sun"},
    {"2026-02-16", "holiday", "春节 Spring Festival", "Mon"}, {"2026-02-17", "holiday", "春节 Spring Festival", "Tue"},
    {"2026-02-18", "holiday", "春节 Spring Festival", "Wed"}, {"2026-02-19", "holiday", "春节 Spring Festival", "Thu"},
    {"2026-02-20", "holiday", "春节 Spring Festival", "Fri"}, {"2026-02-21", "holiday", "春节 Spring Festival", "Sat"},
    {"2026-02-22", "holiday", "春节 Spring Festival", "Sun"}, {"2026-02-23", "holiday", "春节 Spring Festival", "Mon"},
    {"2026-02-28", "workday", "春节 Spring Festival", "Sat"}, {"2026-04-04", "holiday", "清明节 Qingming", "Sat"},
    {"2026-04-05", "holiday", "清明节 Qingming", "Sun"},      {"2026-04-06", "holiday", "清明节 Qingming", "Mon"},
    {"2026-05-01", "holiday", "劳动节 Labour Day", "Fri"},    {"2026-05-02", "holiday", "劳动节 Labour Day", "Sat"},
    {"2026-05-03", "holiday", "劳动节 Labour Day", "Sun"},    {"2026-05-04", "holiday", "劳动节 Labour Day", "Mon"},
    {"2026-05-05", "holiday", "劳动节 Labour Day", "Tue"},    {"2026-05-09", "workday", "劳动节 Labour Day", "Sat"},
    {"2026-06-19", "holiday", "端午节 Dragon Boat", "Fri"},   {"2026-06-20", "holiday", "端午节 Dragon Boat", "Sat"},
    {"2026-06-21", "holiday", "端午节 Dragon Boat", "Sun"},   {"2026-09-20", "workday", "国庆节 National Day", "Sun"},
    {"2026-09-25", "holiday", "中秋节 Mid-Autumn", "Fri"},    {"2026-09-26", "holiday", "中秋节 Mid-Autumn", "Sat"},
    {"2026-09-27", "holiday", "中秋节 Mid-Autumn", "Sun"},    {"2026-10-01", "holiday", "国庆节 National Day", "Thu"},
    {"2026-10-02", "holiday", "国庆节 National Day", "Fri"},  {"2026-10-03", "holiday", "国庆节 National Day", "Sat"},
    {"2026-10-04", "holiday", "国庆节 National Day", "Sun"},  {"2026-10-05", "holiday", "国庆节 National Day", "Mon"},
    {"2026-10-06", "holiday", "国庆节 National Day", "Tue"},  {"2026-10-07", "holiday", "国庆节 National Day", "Wed"},
    {"2026-10-10", "workday", "国庆节 National Day", "Sat"},
};
#define N_2026 ((int)(sizeof rows_2026 / sizeof rows_2026[0]))

static tx_cal_exception ex_2026[N_2026];
static tx_calendar cal_2026;
static int32_t row_day[N_2026]; /* the rows' dates as day numbers, through base/time */

/* The instant a W3C date-time names. */
static int64_t at(const char *w3c)
{
    int64_t ms;
    if (tx_time_parse(w3c, 480, &ms, NULL) != 0)
        fail_msg("bad time in test: %s", w3c);
    return ms;
}

/* The day number of "YYYY-MM-DD", through base/time (UTC midnight / 1 day). */
static int32_t day_of(const char *date)
{
    char s[32];
    strcpy(s, date);
    strcat(s, "T00:00:00Z");
    return (int32_t)(at(s) / 86400000);
}

static const char *fmt(int64_t ms)
{
    static char buf[4][TX_TIME_STRLEN];
    static int i;
    return tx_time_format(ms, 480, buf[i++ % 4]);
}

/* Oracle: the rules of the notice, by linear search over the rows as text. */
static int oracle_workday(int32_t day)
{
    for (int i = 0; i < N_2026; i++)
        if (row_day[i] == day)
            return strcmp(rows_2026[i][1], "workday") == 0;
    int64_t wd = ((int64_t)day % 7 + 7 + 3) % 7; /* 0 Monday … 6 Sunday; day 0 was a Thursday */
    return wd < 5;
}

static int setup_2026(void **state)
{
    (void)state;
    for (int i = 0; i < N_2026; i++)
        row_day[i] = day_of(rows_2026[i][0]);
    for (int i = 0; i < N_2026; i++)
        if (tx_cal_parse_row(rows_2026[i][0], rows_2026[i][1], rows_2026[i][3], &ex_2026[i]) != 0)
            return -1;
    return tx_cal_init(&cal_2026, ex_2026, N_2026) == 0 ? 0 : -1;
}

static void expect_deadline(const tx_calendar *cal, const char *start, tx_dur_kind kind, int n, const char *want)
{
    int64_t due = -1;
    int rc = tx_cal_deadline(cal, at(start), (tx_duration){kind, n}, &due);
    if (rc != 0)
        fail_msg("deadline from %s (kind %d, n %d) refused: %s", start, kind, n, tx_cal_error_code(rc));
    if (due != at(want))
        fail_msg("deadline from %s (kind %d, n %d): got %s, want %s", start, kind, n, fmt(due), fmt(at(want)));
}

static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

/* ---- dates ---- */

static void test_calendar_parses_dates_to_day_numbers(void **state)
{
    (void)state;
    static const char *const dates[] = {"1970-01-01", "1969-12-31", "1900-01-01", "1900-03-01", "2000-02-29",
                                        "2024-02-29", "2026-01-01", "2026-02-28", "2026-03-01", "2026-12-31",
                                        "2038-01-19", "2100-03-01", "9999-12-31"};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        int32_t d = 123456;
        assert_int_equal(tx_cal_parse_date(dates[i], &d), TX_CAL_OK);
        if (d != day_of(dates[i]))
            fail_msg("%s: day %d, want %d", dates[i], d, day_of(dates[i]));
    }
    int32_t d;
    assert_int_equal(tx_cal_parse_date("1970-01-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(tx_cal_parse_date("1900-01-01", &d), 0);
    assert_int_equal(d, -25567);
}

static void test_calendar_refuses_malformed_dates_with_reasons_and_leaves_output(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int want;
    } bad[] = {
        {"", TX_CAL_E_DATE_FORMAT},           {"2026-1-01", TX_CAL_E_DATE_FORMAT},
        {"2026/01/01", TX_CAL_E_DATE_FORMAT}, {"2026-01-01 ", TX_CAL_E_DATE_FORMAT},
        {" 2026-01-01", TX_CAL_E_DATE_FORMAT}, {"2026-01-01T00:00", TX_CAL_E_DATE_FORMAT},
        {"20260101", TX_CAL_E_DATE_FORMAT},   {"2026-01-0", TX_CAL_E_DATE_FORMAT},
        {"２０２６-01-01", TX_CAL_E_DATE_FORMAT}, {"+2026-01-01", TX_CAL_E_DATE_FORMAT},
        {"2026-0a-01", TX_CAL_E_DATE_FORMAT}, {"1899-12-31", TX_CAL_E_DATE_YEAR},
        {"0000-01-01", TX_CAL_E_DATE_YEAR},   {"2026-00-10", TX_CAL_E_DATE_MONTH},
        {"2026-13-01", TX_CAL_E_DATE_MONTH},  {"2026-01-00", TX_CAL_E_DATE_DAY},
        {"2026-01-32", TX_CAL_E_DATE_DAY},    {"2026-02-29", TX_CAL_E_DATE_DAY},
        {"1900-02-29", TX_CAL_E_DATE_DAY},    {"2100-02-29", TX_CAL_E_DATE_DAY},
        {"2026-04-31", TX_CAL_E_DATE_DAY},    {"2026-09-31", TX_CAL_E_DATE_DAY},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t d = 777;
        int rc = tx_cal_parse_date(bad[i].s, &d);
        if (rc != bad[i].want)
            fail_msg("\"%s\": got %s, want %s", bad[i].s, tx_cal_error_code(rc), tx_cal_error_code(bad[i].want));
        assert_int_equal(d, 777);
    }
    int32_t d = 777;
    assert_int_equal(tx_cal_parse_date(NULL, &d), TX_CAL_E_DATE_FORMAT);
    assert_int_equal(d, 777);
}

static void test_calendar_formats_every_day_from_1900_to_2100_and_parses_it_back(void **state)
{
    (void)state;
    int32_t first = day_of("1900-01-01"), last = day_of("2100-12-31");
    char buf[TX_CAL_DATE_STRLEN];
    for (int32_t day = first; day <= last; day++) {
        int32_t back = -1;
        tx_cal_format_date(day, buf);
        if (tx_cal_parse_date(buf, &back) != 0 || back != day)
            fail_msg("day %d formats as %s and parses to %d", day, buf, back);
    }
    assert_string_equal(tx_cal_format_date(0, buf), "1970-01-01");
    assert_string_equal(tx_cal_format_date(day_of("2026-02-14"), buf), "2026-02-14");
    assert_string_equal(tx_cal_format_date(day_of("2024-02-29"), buf), "2024-02-29");
}

static void test_calendar_weekdays_are_iso_monday_one_to_sunday_seven(void **state)
{
    (void)state;
    assert_int_equal(tx_cal_weekday(0), 4);                           /* 1970-01-01 Thursday */
    assert_int_equal(tx_cal_weekday(-1), 3);                          /* 1969-12-31 Wednesday */
    assert_int_equal(tx_cal_weekday(day_of("1900-01-01")), 1);        /* Monday */
    assert_int_equal(tx_cal_weekday(day_of("2026-01-04")), 7);        /* Sunday, a 调休 workday */
    assert_int_equal(tx_cal_weekday(day_of("2026-02-14")), 6);        /* Saturday */
    assert_int_equal(tx_cal_weekday(day_of("2026-10-01")), 4);        /* Thursday */
    /* day after day, from 1900 to 2100, across 1970 (negative day numbers) */
    for (int32_t d = day_of("1900-01-01"); d < day_of("2100-12-31"); d++)
        if (tx_cal_weekday(d + 1) != tx_cal_weekday(d) % 7 + 1)
            fail_msg("weekday of day %d is %d, of the next day %d", d, tx_cal_weekday(d), tx_cal_weekday(d + 1));
    assert_int_equal(tx_cal_weekday(day_of("1969-12-28")), 7);
    /* every row of the notice names its weekday: check them all */
    static const char names[7][4] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    for (int i = 0; i < N_2026; i++)
        assert_string_equal(names[tx_cal_weekday(day_of(rows_2026[i][0])) - 1], rows_2026[i][3]);
}

/* ---- rows of the holiday file ---- */

static void test_calendar_parses_kinds_exactly(void **state)
{
    (void)state;
    tx_cal_kind k = (tx_cal_kind)9;
    assert_int_equal(tx_cal_parse_kind("holiday", &k), 0);
    assert_int_equal(k, TX_CAL_HOLIDAY);
    assert_int_equal(tx_cal_parse_kind("workday", &k), 0);
    assert_int_equal(k, TX_CAL_WORKDAY);
    static const char *const bad[] = {"Holiday", "WORKDAY", "rest", "", "holiday ", "holidays", "work"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        k = (tx_cal_kind)9;
        assert_int_equal(tx_cal_parse_kind(bad[i], &k), TX_CAL_E_KIND);
        assert_int_equal(k, 9);
    }
    assert_int_equal(tx_cal_parse_kind(NULL, &k), TX_CAL_E_KIND);
    assert_string_equal(tx_cal_kind_code(TX_CAL_HOLIDAY), "holiday");
    assert_string_equal(tx_cal_kind_code(TX_CAL_WORKDAY), "workday");
    assert_string_equal(tx_cal_kind_name(TX_CAL_WORKDAY, 0), "调休上班");
    assert_string_equal(tx_cal_kind_name(TX_CAL_HOLIDAY, 1), "holiday");
    assert_null(tx_cal_kind_code((tx_cal_kind)2));
    assert_null(tx_cal_kind_name((tx_cal_kind)-1, 0));
}

static void test_calendar_every_row_of_the_2026_notice_parses(void **state)
{
    (void)state;
    int holidays = 0, workdays = 0;
    for (int i = 0; i < N_2026; i++) {
        tx_cal_exception e = {0, (tx_cal_kind)0};
        assert_int_equal(tx_cal_parse_row(rows_2026[i][0], rows_2026[i][1], rows_2026[i][3], &e), 0);
        assert_int_equal(e.day, day_of(rows_2026[i][0]));
        if (e.kind == TX_CAL_WORKDAY)
            workdays++;
        else
            holidays++;
    }
    assert_int_equal(holidays, 33);
    assert_int_equal(workdays, 6);
}

static void test_calendar_row_checks_weekday_column_and_workday_on_weekend(void **state)
{
    (void)state;
    tx_cal_exception e = {42, TX_CAL_WORKDAY};
    /* the weekday column is optional, and any letter case */
    assert_int_equal(tx_cal_parse_row("2026-02-14", "workday", NULL, &e), 0);
    assert_int_equal(tx_cal_parse_row("2026-02-14", "workday", "", &e), 0);
    assert_int_equal(tx_cal_parse_row("2026-02-14", "workday", "sat", &e), 0);
    assert_int_equal(tx_cal_parse_row("2026-02-14", "workday", "SAT", &e), 0);
    /* a mistyped date shows as a weekday that does not match */
    e = (tx_cal_exception){42, TX_CAL_HOLIDAY};
    assert_int_equal(tx_cal_parse_row("2026-02-13", "workday", "Sat", &e), TX_CAL_E_WEEKDAY_MISMATCH);
    assert_int_equal(tx_cal_parse_row("2026-10-01", "holiday", "Wed", &e), TX_CAL_E_WEEKDAY_MISMATCH);
    assert_int_equal(tx_cal_parse_row("2026-02-14", "workday", "Saturday", &e), TX_CAL_E_WEEKDAY);
    assert_int_equal(tx_cal_parse_row("2026-02-14", "workday", "六", &e), TX_CAL_E_WEEKDAY);
    assert_int_equal(tx_cal_parse_row("2026-02-14", "workday", "Sa", &e), TX_CAL_E_WEEKDAY);
    /* a weekday listed as a workday changes nothing: a data error */
    assert_int_equal(tx_cal_parse_row("2026-02-13", "workday", NULL, &e), TX_CAL_E_WORKDAY_NOT_WEEKEND);
    assert_int_equal(tx_cal_parse_row("2026-02-13", "workday", "Fri", &e), TX_CAL_E_WORKDAY_NOT_WEEKEND);
    /* a holiday on a weekend is fine (weekend days inside a holiday are listed) */
    assert_int_equal(tx_cal_parse_row("2026-10-03", "holiday", "Sat", &e), 0);
    assert_int_equal(e.kind, TX_CAL_HOLIDAY);
    /* the first problem in column order */
    e = (tx_cal_exception){42, TX_CAL_WORKDAY};
    assert_int_equal(tx_cal_parse_row("2026-02-30", "rest", "Xyz", &e), TX_CAL_E_DATE_DAY);
    assert_int_equal(tx_cal_parse_row("2026-02-14", "rest", "Xyz", &e), TX_CAL_E_KIND);
    assert_int_equal(tx_cal_parse_row("2026-02-14", "workday", "Xyz", &e), TX_CAL_E_WEEKDAY);
    assert_int_equal(tx_cal_parse_row(NULL, "workday", NULL, &e), TX_CAL_E_DATE_FORMAT);
    /* untouched on every failure */
    assert_int_equal(e.day, 42);
    assert_int_equal(e.kind, TX_CAL_WORKDAY);
}

static void test_calendar_every_error_has_a_code_and_reasons_in_both_languages(void **state)
{
    (void)state;
    for (int e = 0; e < TX_CAL_E__COUNT; e++) {
        const char *code = tx_cal_error_code(e), *zh = tx_cal_error_text(e, 0), *en = tx_cal_error_text(e, 1);
        assert_non_null(code);
        assert_non_null(zh);
        assert_non_null(en);
        assert_true(strlen(code) > 0 && strlen(en) > 0);
        assert_true(has_non_ascii(zh));
        if (has_non_ascii(en))
            fail_msg("en reason of %s is not plain ASCII: %s", code, en);
        for (int f = e + 1; f < TX_CAL_E__COUNT; f++)
            assert_string_not_equal(code, tx_cal_error_code(f));
    }
    assert_null(tx_cal_error_code(TX_CAL_E__COUNT));
    assert_null(tx_cal_error_code(-1));
    assert_null(tx_cal_error_text(TX_CAL_E__COUNT, 0));
}

/* ---- the calendar ---- */

static void test_calendar_init_sets_shanghai_and_office_hours_defaults(void **state)
{
    (void)state;
    tx_calendar cal;
    assert_int_equal(tx_cal_init(&cal, NULL, 0), 0);
    assert_int_equal(cal.utc_offset_min, 480);
    assert_int_equal(cal.n_office, 2);
    assert_int_equal(cal.office[0].from_min, 8 * 60 + 30);
    assert_int_equal(cal.office[0].to_min, 12 * 60);
    assert_int_equal(cal.office[1].from_min, 14 * 60);
    assert_int_equal(cal.office[1].to_min, 18 * 60);
    assert_int_equal(cal.n_exceptions, 0);
    assert_int_equal(tx_cal_check(&cal), 0);
}

static void test_calendar_refuses_unsorted_or_duplicate_exceptions_and_does_not_sort(void **state)
{
    (void)state;
    tx_calendar cal;
    memset(&cal, 0x5a, sizeof cal);
    tx_calendar before = cal;
    tx_cal_exception unsorted[] = {{day_of("2026-02-16"), TX_CAL_HOLIDAY}, {day_of("2026-02-14"), TX_CAL_WORKDAY}};
    assert_int_equal(tx_cal_init(&cal, unsorted, 2), TX_CAL_E_UNSORTED);
    assert_memory_equal(&cal, &before, sizeof cal);
    assert_int_equal(unsorted[0].day, day_of("2026-02-16")); /* the caller's array is not reordered */

    tx_cal_exception dup[] = {{day_of("2026-02-14"), TX_CAL_WORKDAY}, {day_of("2026-02-14"), TX_CAL_HOLIDAY}};
    assert_int_equal(tx_cal_init(&cal, dup, 2), TX_CAL_E_DUPLICATE);
    tx_cal_exception same[] = {{day_of("2026-02-16"), TX_CAL_HOLIDAY}, {day_of("2026-02-16"), TX_CAL_HOLIDAY}};
    assert_int_equal(tx_cal_init(&cal, same, 2), TX_CAL_E_DUPLICATE);
    tx_cal_exception badkind[] = {{day_of("2026-02-16"), (tx_cal_kind)7}};
    assert_int_equal(tx_cal_init(&cal, badkind, 1), TX_CAL_E_KIND);
    tx_cal_exception weekday_worked[] = {{day_of("2026-02-13"), TX_CAL_WORKDAY}}; /* a Friday */
    assert_int_equal(tx_cal_init(&cal, weekday_worked, 1), TX_CAL_E_WORKDAY_NOT_WEEKEND);
    assert_int_equal(tx_cal_init(&cal, unsorted, -1), TX_CAL_E_UNSORTED);
    assert_int_equal(tx_cal_init(&cal, NULL, 3), TX_CAL_E_UNSORTED);
    assert_memory_equal(&cal, &before, sizeof cal);

    /* a sorted list of one, and the 2026 notice, are accepted */
    assert_int_equal(tx_cal_init(&cal, unsorted + 1, 1), 0);
    assert_int_equal(tx_cal_init(&cal, ex_2026, N_2026), 0);
}

static void test_calendar_check_refuses_bad_offsets_and_office_hours(void **state)
{
    (void)state;
    tx_calendar cal;
    assert_int_equal(tx_cal_init(&cal, NULL, 0), 0);
    tx_calendar ok = cal;

    cal.utc_offset_min = 14 * 60 + 1;
    assert_int_equal(tx_cal_check(&cal), TX_CAL_E_OFFSET);
    cal.utc_offset_min = -14 * 60 - 1;
    assert_int_equal(tx_cal_check(&cal), TX_CAL_E_OFFSET);
    cal.utc_offset_min = -14 * 60;
    assert_int_equal(tx_cal_check(&cal), 0);
    cal.utc_offset_min = 14 * 60;
    assert_int_equal(tx_cal_check(&cal), 0);

    static const struct {
        int n;
        tx_cal_span s[5];
    } bad[] = {
        {0, {{0}}},                                                       /* no office hours */
        {5, {{0, 60}, {60, 120}, {120, 180}, {180, 240}, {240, 300}}},   /* too many spans */
        {1, {{540, 540}}},                                                /* empty */
        {1, {{600, 540}}},                                                /* backwards */
        {1, {{-10, 540}}},                                                /* before 00:00 */
        {1, {{1000, 1441}}},                                              /* after 24:00 */
        {2, {{540, 720}, {700, 1080}}},                                   /* overlapping */
        {2, {{840, 1080}, {540, 720}}},                                   /* out of order */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cal = ok;
        cal.n_office = bad[i].n;
        memcpy(cal.office, bad[i].s, sizeof cal.office);
        if (tx_cal_check(&cal) != TX_CAL_E_OFFICE_HOURS)
            fail_msg("office hours case %zu accepted", i);
    }
    /* edges that are fine: touching spans, the whole day */
    cal = ok;
    cal.n_office = 2;
    cal.office[0] = (tx_cal_span){0, 720};
    cal.office[1] = (tx_cal_span){720, 1440};
    assert_int_equal(tx_cal_check(&cal), 0);
}

static void test_calendar_spring_festival_2026(void **state)
{
    (void)state;
    /* 2026-02-14 Saturday is worked; 2026-02-15 … 02-23 are nine days off */
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-02-13")));
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-02-14")));
    for (int32_t d = day_of("2026-02-15"); d <= day_of("2026-02-23"); d++)
        if (tx_cal_is_workday(&cal_2026, d))
            fail_msg("day %d of the Spring Festival is a workday", d);
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-02-24")));
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-02-28"))); /* Saturday, worked */
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-03-01"))); /* an ordinary Sunday */
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-02-07"))); /* an ordinary Saturday */
}

static void test_calendar_national_day_and_mid_autumn_2026(void **state)
{
    (void)state;
    /* the file: 2026-09-20 (Sun) worked, 09-25 … 09-27 Mid-Autumn, 10-01 … 10-07 off, 10-10 (Sat) worked */
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-09-20")));
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-09-25"))); /* a Friday */
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-09-26")));
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-09-27")));
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-09-28")));
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-09-30")));
    for (int32_t d = day_of("2026-10-01"); d <= day_of("2026-10-07"); d++)
        assert_false(tx_cal_is_workday(&cal_2026, d));
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-10-08")));
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-10-09")));
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-10-10"))); /* Saturday, worked */
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-10-11")));
}

static void test_calendar_new_year_2026_sunday_jan_4_is_worked(void **state)
{
    (void)state;
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-01-01"))); /* Thursday */
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-01-02"))); /* Friday */
    assert_false(tx_cal_is_workday(&cal_2026, day_of("2026-01-03"))); /* Saturday */
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-01-04")));  /* Sunday, 调休 */
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2026-01-05")));
    assert_true(tx_cal_is_workday(&cal_2026, day_of("2025-12-31")));  /* before the data: the plain week */
}

static void test_calendar_every_day_of_2025_to_2027_matches_the_rules(void **state)
{
    (void)state;
    for (int32_t d = day_of("2025-01-01"); d <= day_of("2027-12-31"); d++)
        if (tx_cal_is_workday(&cal_2026, d) != oracle_workday(d))
            fail_msg("day %d: is_workday %d, the rules say %d", d, tx_cal_is_workday(&cal_2026, d), oracle_workday(d));
}

static void test_calendar_2026_has_248_working_days(void **state)
{
    (void)state;
    /* 261 weekdays, 19 of them holidays, and 6 weekend days worked */
    assert_int_equal(tx_cal_working_days_between(&cal_2026, day_of("2025-12-31"), day_of("2026-12-31")), 248);
    assert_int_equal(tx_cal_working_days_between(&cal_2026, day_of("2026-12-31"), day_of("2025-12-31")), -248);
    /* February 2026: 20 weekdays, 6 of them off, 2 Saturdays worked */
    assert_int_equal(tx_cal_working_days_between(&cal_2026, day_of("2026-01-31"), day_of("2026-02-28")), 16);
    /* October 2026: 22 weekdays, 5 off, 1 Saturday worked */
    assert_int_equal(tx_cal_working_days_between(&cal_2026, day_of("2026-09-30"), day_of("2026-10-31")), 18);
}

static void test_calendar_working_days_between_counts_after_from_up_to_to(void **state)
{
    (void)state;
    int32_t fri = day_of("2026-03-13"), mon = day_of("2026-03-16");
    assert_int_equal(tx_cal_working_days_between(&cal_2026, fri, fri), 0);
    assert_int_equal(tx_cal_working_days_between(&cal_2026, fri, fri + 1), 0); /* Saturday */
    assert_int_equal(tx_cal_working_days_between(&cal_2026, fri, mon), 1);
    assert_int_equal(tx_cal_working_days_between(&cal_2026, fri - 1, mon), 2);
    assert_int_equal(tx_cal_working_days_between(&cal_2026, mon, fri), -1);
    /* against a day-by-day count with the oracle, over windows in and around
     * 2026 and across 1970 (negative day numbers) */
    const int32_t starts[] = {day_of("2025-12-20"), day_of("2026-02-10"), day_of("2026-09-15"), day_of("1969-12-01")};
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++)
        for (int32_t from = starts[s]; from < starts[s] + 40; from++) {
            int count = 0;
            for (int32_t to = from; to < from + 60; to++) {
                if (to > from && oracle_workday(to))
                    count++;
                int got = tx_cal_working_days_between(&cal_2026, from, to);
                if (got != count)
                    fail_msg("between %d and %d: %d, want %d", from, to, got, count);
                assert_int_equal(tx_cal_working_days_between(&cal_2026, to, from), -count);
            }
        }
}

static void test_calendar_day_of_and_day_start_follow_the_utc_offset(void **state)
{
    (void)state;
    int32_t mon = day_of("2026-03-16");
    assert_int_equal(tx_cal_day_of(&cal_2026, at("2026-03-16T00:00:00+08:00")), mon);
    assert_int_equal(tx_cal_day_of(&cal_2026, at("2026-03-16T00:00:00+08:00") - 1), mon - 1);
    assert_int_equal(tx_cal_day_of(&cal_2026, at("2026-03-16T23:59:59.999+08:00")), mon);
    assert_int_equal(tx_cal_day_of(&cal_2026, at("2026-03-15T16:00:00Z")), mon); /* the same midnight */
    assert_int_equal(tx_cal_day_start(&cal_2026, mon), at("2026-03-16T00:00:00+08:00"));
    /* before 1970 */
    assert_int_equal(tx_cal_day_of(&cal_2026, at("1969-12-31T12:00:00+08:00")), -1);
    assert_int_equal(tx_cal_day_of(&cal_2026, at("1970-01-01T07:59:59+08:00")), 0);
    assert_int_equal(tx_cal_day_start(&cal_2026, -1), at("1969-12-31T00:00:00+08:00"));
    tx_calendar utc = cal_2026;
    utc.utc_offset_min = 0;
    assert_int_equal(tx_cal_day_of(&utc, at("2026-03-15T16:00:00Z")), mon - 1);
    tx_calendar ny = cal_2026;
    ny.utc_offset_min = -300;
    assert_int_equal(tx_cal_day_of(&ny, at("2026-03-16T03:00:00Z")), mon - 1);
    assert_int_equal(tx_cal_day_start(&ny, mon), at("2026-03-16T00:00:00-05:00"));
}

/* ---- deadlines in working days ---- */

static void test_deadline_friday_afternoon_one_working_day_is_end_of_monday(void **state)
{
    (void)state;
    expect_deadline(&cal_2026, "2026-03-13T16:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-03-17T00:00:00+08:00");
    expect_deadline(&cal_2026, "2026-03-13T16:00:00+08:00", TX_DUR_WORKING_DAYS, 5, "2026-03-21T00:00:00+08:00");
    expect_deadline(&cal_2026, "2026-03-13T16:00:00+08:00", TX_DUR_WORKING_DAYS, 6, "2026-03-24T00:00:00+08:00");
}

static void test_deadline_started_on_a_rest_day_counts_from_the_next_working_day(void **state)
{
    (void)state;
    /* an ordinary Saturday and Sunday */
    expect_deadline(&cal_2026, "2026-03-14T10:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-03-17T00:00:00+08:00");
    expect_deadline(&cal_2026, "2026-03-15T23:59:59+08:00", TX_DUR_WORKING_DAYS, 1, "2026-03-17T00:00:00+08:00");
    /* inside the Spring Festival: the first working day after is 02-24 */
    expect_deadline(&cal_2026, "2026-02-18T10:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-02-25T00:00:00+08:00");
    /* on the Qingming Monday holiday */
    expect_deadline(&cal_2026, "2026-04-06T09:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-04-08T00:00:00+08:00");
}

static void test_deadline_counts_tiaoxiu_weekend_workdays(void **state)
{
    (void)state;
    /* Friday before the Spring Festival: the worked Saturday 02-14 is day 1 */
    expect_deadline(&cal_2026, "2026-02-13T10:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-02-15T00:00:00+08:00");
    expect_deadline(&cal_2026, "2026-02-13T10:00:00+08:00", TX_DUR_WORKING_DAYS, 2, "2026-02-25T00:00:00+08:00");
    /* started on the worked Saturday itself: that day does not count */
    expect_deadline(&cal_2026, "2026-02-14T09:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-02-25T00:00:00+08:00");
    /* the Labour Day Saturday 05-09 is worked: Friday 05-08 + 1 ends on it */
    expect_deadline(&cal_2026, "2026-05-08T17:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-05-10T00:00:00+08:00");
    /* Sunday 09-20 before National Day */
    expect_deadline(&cal_2026, "2026-09-19T08:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-09-21T00:00:00+08:00");
}

static void test_deadline_seven_working_days_across_the_spring_festival_ends_with_february(void **state)
{
    (void)state;
    /* Thu 02-12: 02-13, 02-14 (Sat, worked), 02-24 … 02-27, 02-28 (Sat, worked) */
    expect_deadline(&cal_2026, "2026-02-12T15:30:00+08:00", TX_DUR_WORKING_DAYS, 7, "2026-03-01T00:00:00+08:00");
    expect_deadline(&cal_2026, "2026-02-12T15:30:00+08:00", TX_DUR_WORKING_DAYS, 8, "2026-03-03T00:00:00+08:00");
}

static void test_deadline_across_national_day(void **state)
{
    (void)state;
    expect_deadline(&cal_2026, "2026-09-30T17:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-10-09T00:00:00+08:00");
    expect_deadline(&cal_2026, "2026-09-30T17:00:00+08:00", TX_DUR_WORKING_DAYS, 3, "2026-10-11T00:00:00+08:00");
    /* Mid-Autumn Friday 09-25 and the weekend after it */
    expect_deadline(&cal_2026, "2026-09-24T11:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-09-29T00:00:00+08:00");
    /* 15 working days (a complex matter) from 2026-09-21 */
    expect_deadline(&cal_2026, "2026-09-21T09:00:00+08:00", TX_DUR_WORKING_DAYS, 15, "2026-10-20T00:00:00+08:00");
}

static void test_deadline_across_month_and_year_ends(void **state)
{
    (void)state;
    /* New Year 2026: 01-01 … 01-03 off, Sunday 01-04 worked */
    expect_deadline(&cal_2026, "2025-12-31T10:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-01-05T00:00:00+08:00");
    expect_deadline(&cal_2026, "2025-12-31T10:00:00+08:00", TX_DUR_WORKING_DAYS, 2, "2026-01-06T00:00:00+08:00");
    /* end of April into the Labour Day holiday: Thu 04-30 + 1 → Wed 05-06 */
    expect_deadline(&cal_2026, "2026-04-30T10:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-05-07T00:00:00+08:00");
    /* end of 2026 into 2027, for which no notice is loaded: the plain week */
    expect_deadline(&cal_2026, "2026-12-31T10:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2027-01-02T00:00:00+08:00");
    expect_deadline(&cal_2026, "2026-12-31T10:00:00+08:00", TX_DUR_WORKING_DAYS, 2, "2027-01-05T00:00:00+08:00");
    /* end of a 30-day month */
    expect_deadline(&cal_2026, "2026-06-30T10:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-07-02T00:00:00+08:00");
}

static void test_deadline_start_at_midnight_belongs_to_the_day_it_begins(void **state)
{
    (void)state;
    /* 00:00 Monday is Monday: Monday is not counted */
    expect_deadline(&cal_2026, "2026-03-16T00:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-03-18T00:00:00+08:00");
    /* the same instant in UTC */
    expect_deadline(&cal_2026, "2026-03-15T16:00:00Z", TX_DUR_WORKING_DAYS, 1, "2026-03-18T00:00:00+08:00");
    /* one millisecond earlier is Sunday */
    int64_t due;
    assert_int_equal(tx_cal_deadline(&cal_2026, at("2026-03-16T00:00:00+08:00") - 1,
                                     (tx_duration){TX_DUR_WORKING_DAYS, 1}, &due),
                     0);
    assert_int_equal(due, at("2026-03-17T00:00:00+08:00"));
    /* a deadline is itself a midnight; chaining one more day from it */
    expect_deadline(&cal_2026, "2026-03-17T00:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-03-19T00:00:00+08:00");
}

static void test_deadline_working_days_agree_with_working_days_between(void **state)
{
    (void)state;
    /* for every start day of 2026 (at 10:00 and at 00:00) and n = 1 … 20: the
     * due day is a working day, and there are exactly n working days from the
     * day of start up to the day before due */
    for (int32_t d = day_of("2026-01-01") - 3; d <= day_of("2026-12-31"); d++)
        for (int h = 0; h < 2; h++) {
            int64_t start = tx_cal_day_start(&cal_2026, d) + (h ? 10 * 3600000LL : 0);
            for (int n = 1; n <= 20; n++) {
                int64_t due = 0;
                assert_int_equal(tx_cal_deadline(&cal_2026, start, (tx_duration){TX_DUR_WORKING_DAYS, n}, &due), 0);
                int32_t last = tx_cal_day_of(&cal_2026, due) - 1;
                assert_int_equal(due, tx_cal_day_start(&cal_2026, last + 1));
                if (!oracle_workday(last) || tx_cal_working_days_between(&cal_2026, d, last) != n)
                    fail_msg("from %s n %d: due %s", fmt(start), n, fmt(due));
            }
        }
}

/* ---- deadlines in hours ---- */

static void test_deadline_hours_run_round_the_clock_through_holidays(void **state)
{
    (void)state;
    /* "report back within 2 hours" for an emergency, on the eve of the Spring Festival */
    expect_deadline(&cal_2026, "2026-02-14T23:00:00+08:00", TX_DUR_HOURS, 2, "2026-02-15T01:00:00+08:00");
    expect_deadline(&cal_2026, "2026-02-15T10:00:00+08:00", TX_DUR_HOURS, 24, "2026-02-16T10:00:00+08:00");
    expect_deadline(&cal_2026, "2026-12-31T23:30:00+08:00", TX_DUR_HOURS, 1, "2027-01-01T00:30:00+08:00");
    /* 吹哨报到: departments arrive within 30 minutes */
    expect_deadline(&cal_2026, "2026-10-03T03:45:10+08:00", TX_DUR_MINUTES, 30, "2026-10-03T04:15:10+08:00");
}

static void test_deadline_working_hours_within_office_hours(void **state)
{
    (void)state;
    /* default office hours 08:30–12:00 and 14:00–18:00 */
    expect_deadline(&cal_2026, "2026-03-16T10:00:00+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T11:00:00+08:00");
    /* running out exactly at the end of the morning: 12:00, not 14:00 */
    expect_deadline(&cal_2026, "2026-03-16T10:00:00+08:00", TX_DUR_WORKING_HOURS, 2, "2026-03-16T12:00:00+08:00");
    expect_deadline(&cal_2026, "2026-03-16T10:00:00+08:00", TX_DUR_WORKING_HOURS, 3, "2026-03-16T15:00:00+08:00");
    /* 11:00 + 8: 1 h to noon, 4 h in the afternoon, 3 h on Tuesday from 08:30 */
    expect_deadline(&cal_2026, "2026-03-16T11:00:00+08:00", TX_DUR_WORKING_HOURS, 8, "2026-03-17T11:30:00+08:00");
    /* before office hours, at lunch, after hours, on a weekend */
    expect_deadline(&cal_2026, "2026-03-16T07:00:00+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T09:30:00+08:00");
    expect_deadline(&cal_2026, "2026-03-16T12:30:00+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T15:00:00+08:00");
    expect_deadline(&cal_2026, "2026-03-13T19:00:00+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T09:30:00+08:00");
    expect_deadline(&cal_2026, "2026-03-14T10:00:00+08:00", TX_DUR_WORKING_HOURS, 2, "2026-03-16T10:30:00+08:00");
    /* exactly at the end of a span, and at its start */
    expect_deadline(&cal_2026, "2026-03-16T12:00:00+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T15:00:00+08:00");
    expect_deadline(&cal_2026, "2026-03-16T18:00:00+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-17T09:30:00+08:00");
    expect_deadline(&cal_2026, "2026-03-16T08:30:00+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T09:30:00+08:00");
    /* a full working day is 7.5 hours */
    expect_deadline(&cal_2026, "2026-03-16T00:00:00+08:00", TX_DUR_WORKING_HOURS, 15, "2026-03-17T18:00:00+08:00");
    /* milliseconds and seconds are kept */
    expect_deadline(&cal_2026, "2026-03-16T08:30:00.001+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T09:30:00.001+08:00");
    expect_deadline(&cal_2026, "2026-03-16T11:59:30+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T14:59:30+08:00");
}

static void test_deadline_working_hours_skip_holidays_and_use_tiaoxiu_days(void **state)
{
    (void)state;
    /* Thursday 04-30 17:00 + 2: one hour that day, then 05-01 … 05-05 off */
    expect_deadline(&cal_2026, "2026-04-30T17:00:00+08:00", TX_DUR_WORKING_HOURS, 2, "2026-05-06T09:30:00+08:00");
    /* Friday 02-13 17:00 + 8: one hour, then the worked Saturday 02-14 */
    expect_deadline(&cal_2026, "2026-02-13T17:00:00+08:00", TX_DUR_WORKING_HOURS, 8, "2026-02-14T17:30:00+08:00");
    /* … and past it, over the whole holiday */
    expect_deadline(&cal_2026, "2026-02-13T17:00:00+08:00", TX_DUR_WORKING_HOURS, 9, "2026-02-24T09:00:00+08:00");
}

static void test_deadline_working_hours_follow_configured_office_hours(void **state)
{
    (void)state;
    tx_calendar cal = cal_2026;
    cal.office[0] = (tx_cal_span){9 * 60, 12 * 60};
    cal.office[1] = (tx_cal_span){14 * 60, 18 * 60};
    assert_int_equal(tx_cal_check(&cal), 0);
    expect_deadline(&cal, "2026-03-16T08:00:00+08:00", TX_DUR_WORKING_HOURS, 1, "2026-03-16T10:00:00+08:00");
    expect_deadline(&cal, "2026-03-16T08:00:00+08:00", TX_DUR_WORKING_HOURS, 7, "2026-03-16T18:00:00+08:00");
    expect_deadline(&cal, "2026-03-16T08:00:00+08:00", TX_DUR_WORKING_HOURS, 8, "2026-03-17T10:00:00+08:00");
    /* one span around the clock: working hours are the working days' hours */
    cal.n_office = 1;
    cal.office[0] = (tx_cal_span){0, 24 * 60};
    assert_int_equal(tx_cal_check(&cal), 0);
    expect_deadline(&cal, "2026-03-13T20:00:00+08:00", TX_DUR_WORKING_HOURS, 6, "2026-03-16T02:00:00+08:00");
}

/* ---- refusals and edges ---- */

static void test_deadline_refuses_zero_negative_unknown_and_too_long_durations(void **state)
{
    (void)state;
    int64_t start = at("2026-03-16T10:00:00+08:00");
    for (int k = 0; k < TX_DUR__COUNT; k++) {
        static const int bad[] = {0, -1, -7, -2147483647 - 1};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            int64_t due = 4242;
            assert_int_equal(tx_cal_deadline(&cal_2026, start, (tx_duration){(tx_dur_kind)k, bad[i]}, &due),
                             TX_CAL_E_DURATION_NOT_POSITIVE);
            assert_int_equal(due, 4242);
        }
        int64_t due = 4242;
        assert_int_equal(tx_cal_deadline(&cal_2026, start, (tx_duration){(tx_dur_kind)k, TX_CAL_MAX_DURATION + 1}, &due),
                         TX_CAL_E_DURATION_TOO_LONG);
        assert_int_equal(due, 4242);
        assert_int_equal(tx_cal_deadline(&cal_2026, start, (tx_duration){(tx_dur_kind)k, TX_CAL_MAX_DURATION}, &due), 0);
        assert_true(due > start);
    }
    int64_t due = 4242;
    assert_int_equal(tx_cal_deadline(&cal_2026, start, (tx_duration){TX_DUR__COUNT, 1}, &due), TX_CAL_E_DURATION_KIND);
    assert_int_equal(tx_cal_deadline(&cal_2026, start, (tx_duration){(tx_dur_kind)-1, 1}, &due), TX_CAL_E_DURATION_KIND);
    assert_int_equal(due, 4242);
}

static void test_deadline_refuses_starts_outside_1900_to_9999(void **state)
{
    (void)state;
    int64_t due = 4242;
    tx_duration one = {TX_DUR_WORKING_DAYS, 1};
    assert_int_equal(tx_cal_deadline(&cal_2026, at("1900-01-01T00:00:00+08:00") - 1, one, &due), TX_CAL_E_TIME_RANGE);
    assert_int_equal(tx_cal_deadline(&cal_2026, INT64_MAX, one, &due), TX_CAL_E_TIME_RANGE);
    assert_int_equal(tx_cal_deadline(&cal_2026, INT64_MIN, one, &due), TX_CAL_E_TIME_RANGE);
    assert_int_equal(due, 4242);
    assert_int_equal(tx_cal_deadline(&cal_2026, at("1900-01-01T00:00:00+08:00"), one, &due), 0);
    assert_int_equal(due, at("1900-01-03T00:00:00+08:00")); /* Monday 1900-01-01 + 1 → end of Tuesday */
    assert_int_equal(tx_cal_deadline(&cal_2026, at("9999-12-31T23:59:59+08:00"), one, &due), 0);
    /* before 1970 */
    assert_int_equal(tx_cal_deadline(&cal_2026, at("1969-12-31T10:00:00+08:00"), one, &due), 0);
    assert_int_equal(due, at("1970-01-02T00:00:00+08:00"));
}

static void test_deadline_calendar_without_exceptions_has_weekends_only(void **state)
{
    (void)state;
    tx_calendar plain;
    assert_int_equal(tx_cal_init(&plain, NULL, 0), 0);
    assert_true(tx_cal_is_workday(&plain, day_of("2026-10-01")));   /* no holiday data: a Thursday */
    assert_false(tx_cal_is_workday(&plain, day_of("2026-02-14")));  /* no 调休: a Saturday */
    expect_deadline(&plain, "2026-02-13T10:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-02-17T00:00:00+08:00");
    expect_deadline(&plain, "2026-03-16T10:00:00+08:00", TX_DUR_WORKING_DAYS, 10, "2026-03-31T00:00:00+08:00");
    expect_deadline(&plain, "2026-09-30T17:00:00+08:00", TX_DUR_WORKING_DAYS, 1, "2026-10-02T00:00:00+08:00");
    assert_int_equal(tx_cal_working_days_between(&plain, day_of("2025-12-31"), day_of("2026-12-31")), 261);
}

static void test_deadline_counts_days_in_the_calendars_own_time_zone(void **state)
{
    (void)state;
    /* Sunday 20:00 UTC is Monday 04:00 in Shanghai */
    int64_t start = at("2026-03-15T20:00:00Z");
    int64_t due;
    assert_int_equal(tx_cal_deadline(&cal_2026, start, (tx_duration){TX_DUR_WORKING_DAYS, 1}, &due), 0);
    assert_int_equal(due, at("2026-03-18T00:00:00+08:00")); /* end of Tuesday, Shanghai */
    tx_calendar utc = cal_2026;
    utc.utc_offset_min = 0;
    assert_int_equal(tx_cal_deadline(&utc, start, (tx_duration){TX_DUR_WORKING_DAYS, 1}, &due), 0);
    assert_int_equal(due, at("2026-03-17T00:00:00Z")); /* end of Monday, UTC */
    assert_int_equal(tx_cal_deadline(&utc, start, (tx_duration){TX_DUR_WORKING_HOURS, 1}, &due), 0);
    assert_int_equal(due, at("2026-03-16T09:30:00Z"));
}

int main(void)
{
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_calendar_parses_dates_to_day_numbers),
        cmocka_unit_test(test_calendar_refuses_malformed_dates_with_reasons_and_leaves_output),
        cmocka_unit_test(test_calendar_formats_every_day_from_1900_to_2100_and_parses_it_back),
        cmocka_unit_test(test_calendar_weekdays_are_iso_monday_one_to_sunday_seven),
        cmocka_unit_test(test_calendar_parses_kinds_exactly),
        cmocka_unit_test(test_calendar_every_row_of_the_2026_notice_parses),
        cmocka_unit_test(test_calendar_row_checks_weekday_column_and_workday_on_weekend),
        cmocka_unit_test(test_calendar_every_error_has_a_code_and_reasons_in_both_languages),
        cmocka_unit_test(test_calendar_init_sets_shanghai_and_office_hours_defaults),
        cmocka_unit_test(test_calendar_check_refuses_bad_offsets_and_office_hours),
        cmocka_unit_test(test_deadline_calendar_without_exceptions_has_weekends_only),
    };
    const struct CMUnitTest with_2026[] = {
        cmocka_unit_test(test_calendar_refuses_unsorted_or_duplicate_exceptions_and_does_not_sort),
        cmocka_unit_test(test_calendar_spring_festival_2026),
        cmocka_unit_test(test_calendar_national_day_and_mid_autumn_2026),
        cmocka_unit_test(test_calendar_new_year_2026_sunday_jan_4_is_worked),
        cmocka_unit_test(test_calendar_every_day_of_2025_to_2027_matches_the_rules),
        cmocka_unit_test(test_calendar_2026_has_248_working_days),
        cmocka_unit_test(test_calendar_working_days_between_counts_after_from_up_to_to),
        cmocka_unit_test(test_calendar_day_of_and_day_start_follow_the_utc_offset),
        cmocka_unit_test(test_deadline_friday_afternoon_one_working_day_is_end_of_monday),
        cmocka_unit_test(test_deadline_started_on_a_rest_day_counts_from_the_next_working_day),
        cmocka_unit_test(test_deadline_counts_tiaoxiu_weekend_workdays),
        cmocka_unit_test(test_deadline_seven_working_days_across_the_spring_festival_ends_with_february),
        cmocka_unit_test(test_deadline_across_national_day),
        cmocka_unit_test(test_deadline_across_month_and_year_ends),
        cmocka_unit_test(test_deadline_start_at_midnight_belongs_to_the_day_it_begins),
        cmocka_unit_test(test_deadline_working_days_agree_with_working_days_between),
        cmocka_unit_test(test_deadline_hours_run_round_the_clock_through_holidays),
        cmocka_unit_test(test_deadline_working_hours_within_office_hours),
        cmocka_unit_test(test_deadline_working_hours_skip_holidays_and_use_tiaoxiu_days),
        cmocka_unit_test(test_deadline_working_hours_follow_configured_office_hours),
        cmocka_unit_test(test_deadline_refuses_zero_negative_unknown_and_too_long_durations),
        cmocka_unit_test(test_deadline_refuses_starts_outside_1900_to_9999),
        cmocka_unit_test(test_deadline_counts_days_in_the_calendars_own_time_zone),
    };
    int failed = cmocka_run_group_tests_name("calendar", plain, NULL, NULL);
    failed += cmocka_run_group_tests_name("calendar_2026", with_2026, setup_2026, NULL);
    return failed ? 1 : 0;
}
