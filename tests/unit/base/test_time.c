/* Unit tests for src/base/time.c: W3C date-time formatting and parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/time.h"

/* 2026-11-25T11:54:52Z */
#define T_2026_11_25_115452Z 1795607692000LL

/* Parse s and expect success with the given ms and offset. */
static void expect_parse(const char *s, int default_off, int64_t want_ms, int want_off)
{
    int64_t ms = -42;
    int off = -4242;
    if (tx_time_parse(s, default_off, &ms, &off) != 0)
        fail_msg("tx_time_parse(\"%s\") failed", s);
    if (ms != want_ms)
        fail_msg("tx_time_parse(\"%s\"): ms %lld, want %lld", s, (long long)ms, (long long)want_ms);
    if (off != want_off)
        fail_msg("tx_time_parse(\"%s\"): offset %d, want %d", s, off, want_off);
}

/* Parse s and expect -1 with the outputs left untouched. */
static void expect_reject(const char *s)
{
    int64_t ms = 12345;
    int off = 77;
    if (tx_time_parse(s, 480, &ms, &off) != -1)
        fail_msg("tx_time_parse(\"%s\") accepted malformed input (ms %lld)", s, (long long)ms);
    if (ms != 12345 || off != 77)
        fail_msg("tx_time_parse(\"%s\") touched its outputs on failure", s);
}

/* ---- format ---- */

static void test_time_format_utc_writes_z(void **state)
{
    (void)state;
    char buf[TX_TIME_STRLEN];
    assert_string_equal(tx_time_format(0, 0, buf), "1970-01-01T00:00:00Z");
    assert_string_equal(tx_time_format(T_2026_11_25_115452Z, 0, buf), "2026-11-25T11:54:52Z");
}

static void test_time_format_positive_offset_shifts_wall_clock(void **state)
{
    (void)state;
    char buf[TX_TIME_STRLEN];
    char *r = tx_time_format(T_2026_11_25_115452Z, 480, buf);
    assert_ptr_equal(r, buf);
    assert_string_equal(buf, "2026-11-25T19:54:52+08:00");
    /* crossing midnight into the next day */
    assert_string_equal(tx_time_format(T_2026_11_25_115452Z + 12LL * 3600 * 1000, 480, buf),
                        "2026-11-26T07:54:52+08:00");
    assert_string_equal(tx_time_format(0, 330, buf), "1970-01-01T05:30:00+05:30");
}

static void test_time_format_negative_offset_writes_minus(void **state)
{
    (void)state;
    char buf[TX_TIME_STRLEN];
    assert_string_equal(tx_time_format(T_2026_11_25_115452Z, -300, buf), "2026-11-25T06:54:52-05:00");
    assert_string_equal(tx_time_format(T_2026_11_25_115452Z, -90, buf), "2026-11-25T10:24:52-01:30");
    /* crossing midnight into the previous day */
    assert_string_equal(tx_time_format(0, -60, buf), "1969-12-31T23:00:00-01:00");
}

static void test_time_format_truncates_to_seconds(void **state)
{
    (void)state;
    char buf[TX_TIME_STRLEN];
    assert_string_equal(tx_time_format(1999, 0, buf), "1970-01-01T00:00:01Z");
    /* before the epoch, a partial second belongs to the earlier second */
    assert_string_equal(tx_time_format(-1, 0, buf), "1969-12-31T23:59:59Z");
    assert_string_equal(tx_time_format(-1000, 0, buf), "1969-12-31T23:59:59Z");
    assert_string_equal(tx_time_format(-1001, 0, buf), "1969-12-31T23:59:58Z");
}

/* ---- parse: accepted forms ---- */

static void test_time_parse_accepts_offset_with_colon(void **state)
{
    (void)state;
    expect_parse("2026-11-25T19:54:52+08:00", 0, T_2026_11_25_115452Z, 480);
    expect_parse("2026-11-25T06:54:52-05:00", 0, T_2026_11_25_115452Z, -300);
    expect_parse("2026-11-25T10:24:52-01:30", 0, T_2026_11_25_115452Z, -90);
}

static void test_time_parse_accepts_offset_without_colon(void **state)
{
    (void)state;
    expect_parse("2026-11-25T19:54:52+0800", 0, T_2026_11_25_115452Z, 480);
    expect_parse("2026-11-25T06:54:52-0500", 0, T_2026_11_25_115452Z, -300);
}

static void test_time_parse_accepts_z_in_either_case(void **state)
{
    (void)state;
    expect_parse("2026-11-25T11:54:52Z", 480, T_2026_11_25_115452Z, 0);
    expect_parse("2026-11-25t11:54:52z", 480, T_2026_11_25_115452Z, 0);
    expect_parse("2026-11-25 11:54:52Z", 480, T_2026_11_25_115452Z, 0);
}

static void test_time_parse_accepts_time_without_seconds(void **state)
{
    (void)state;
    expect_parse("2026-11-25T19:54+08:00", 0, T_2026_11_25_115452Z - 52000, 480);
    expect_parse("2026-11-25T11:54Z", 0, T_2026_11_25_115452Z - 52000, 0);
}

static void test_time_parse_accepts_fractions_to_milliseconds(void **state)
{
    (void)state;
    expect_parse("2026-11-25T11:54:52.5Z", 0, T_2026_11_25_115452Z + 500, 0);
    expect_parse("2026-11-25T11:54:52.123Z", 0, T_2026_11_25_115452Z + 123, 0);
    expect_parse("2026-11-25T11:54:52,25Z", 0, T_2026_11_25_115452Z + 250, 0);
    /* digits beyond milliseconds are dropped, not rounded into the next second */
    expect_parse("2026-11-25T19:54:52.999999+08:00", 0, T_2026_11_25_115452Z + 999, 480);
}

static void test_time_parse_date_only_uses_default_offset(void **state)
{
    (void)state;
    /* midnight in +08:00 is 16:00 UTC the day before */
    expect_parse("2026-11-25", 480, 1795536000000LL, 480);
    expect_parse("2026-11-25", 0, 1795536000000LL + 8LL * 3600 * 1000, 0);
    expect_parse("2026-11-25", -300, 1795536000000LL + 13LL * 3600 * 1000, -300);
}

static void test_time_parse_accepts_null_offset_out(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_int_equal(tx_time_parse("2026-11-25T19:54:52+08:00", 0, &ms, NULL), 0);
    assert_true(ms == T_2026_11_25_115452Z);
}

static void test_time_parse_accepts_feb_29_in_leap_years(void **state)
{
    (void)state;
    expect_parse("2024-02-29", 0, 1709164800000LL, 0);
    int64_t ms;
    assert_int_equal(tx_time_parse("2000-02-29T00:00Z", 0, &ms, NULL), 0);
    assert_int_equal(tx_time_parse("2026-12-31T23:59:59Z", 0, &ms, NULL), 0);
}

/* ---- parse: rejected forms ---- */

static void test_time_parse_rejects_time_without_offset(void **state)
{
    (void)state;
    expect_reject("2026-11-25T19:54:52");
    expect_reject("2026-11-25T19:54");
    expect_reject("2026-11-25T19:54:52.250");
}

static void test_time_parse_rejects_bad_month(void **state)
{
    (void)state;
    expect_reject("2026-00-10");
    expect_reject("2026-13-01");
    expect_reject("2026-99-01T00:00Z");
}

static void test_time_parse_rejects_bad_day(void **state)
{
    (void)state;
    expect_reject("2026-11-00");
    expect_reject("2026-11-31");
    expect_reject("2026-04-31");
    expect_reject("2026-01-32");
}

static void test_time_parse_rejects_feb_29_in_non_leap_year(void **state)
{
    (void)state;
    expect_reject("2026-02-29");
    expect_reject("1900-02-29"); /* divisible by 100, not by 400 */
    expect_reject("2026-02-30T00:00Z");
}

static void test_time_parse_rejects_hour_24_and_bad_minutes(void **state)
{
    (void)state;
    expect_reject("2026-11-25T24:00:00Z");
    expect_reject("2026-11-25T23:60:00Z");
    expect_reject("2026-11-25T23:59:61Z");
}

static void test_time_parse_rejects_trailing_junk(void **state)
{
    (void)state;
    expect_reject("2026-11-25T11:54:52Zx");
    expect_reject("2026-11-25T11:54:52+08:00 ");
    expect_reject("2026-11-25x");
    expect_reject("2026-11-25 ");
    expect_reject("2026-11-25T11:54:52+08:000");
}

static void test_time_parse_rejects_malformed_parts(void **state)
{
    (void)state;
    expect_reject("");
    expect_reject("2026");
    expect_reject("2026-1-05");
    expect_reject("2026/11/25");
    expect_reject("26-11-25");
    expect_reject("2026-11-25T");
    expect_reject("2026-11-25T19");
    expect_reject("2026-11-25T1:54Z");
    expect_reject("2026-11-25T19:54:5Z");
    expect_reject("2026-11-25T19:54:52.Z");    /* a fraction needs digits */
    expect_reject("2026-11-25T19:54.5Z");      /* a fraction needs seconds */
    expect_reject("2026-11-25T19:54:52+08");   /* offset minutes missing */
    expect_reject("2026-11-25T19:54:52+8:00"); /* offset hours need two digits */
    expect_reject("2026-11-25T19:54:52+24:00");
    expect_reject("2026-11-25T19:54:52+08:60");
    expect_reject("1899-12-31");
}

/* ---- round trip ---- */

static void test_time_round_trip_format_then_parse(void **state)
{
    (void)state;
    const int64_t times[] = {0, 1000, T_2026_11_25_115452Z, 951888600000LL, 4102444799000LL, -86400000LL};
    const int offsets[] = {0, 480, -300, 330, -90, 840, -720};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        for (size_t j = 0; j < sizeof offsets / sizeof offsets[0]; j++) {
            char buf[TX_TIME_STRLEN];
            tx_time_format(times[i], offsets[j], buf);
            int64_t ms = -1;
            int off = 9999;
            if (tx_time_parse(buf, 0, &ms, &off) != 0)
                fail_msg("could not parse back \"%s\"", buf);
            if (ms != times[i] || off != offsets[j])
                fail_msg("\"%s\" parsed back as %lld %+d, want %lld %+d", buf, (long long)ms, off,
                         (long long)times[i], offsets[j]);
        }
}

static void test_time_now_is_recent_and_monotonic_advances(void **state)
{
    (void)state;
    int64_t now = tx_now_ms();
    assert_true(now > 1700000000000LL); /* after 2023 */
    int64_t a = tx_mono_ns(), b = tx_mono_ns();
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_format_utc_writes_z),
        cmocka_unit_test(test_time_format_positive_offset_shifts_wall_clock),
        cmocka_unit_test(test_time_format_negative_offset_writes_minus),
        cmocka_unit_test(test_time_format_truncates_to_seconds),
        cmocka_unit_test(test_time_parse_accepts_offset_with_colon),
        cmocka_unit_test(test_time_parse_accepts_offset_without_colon),
        cmocka_unit_test(test_time_parse_accepts_z_in_either_case),
        cmocka_unit_test(test_time_parse_accepts_time_without_seconds),
        cmocka_unit_test(test_time_parse_accepts_fractions_to_milliseconds),
        cmocka_unit_test(test_time_parse_date_only_uses_default_offset),
        cmocka_unit_test(test_time_parse_accepts_null_offset_out),
        cmocka_unit_test(test_time_parse_accepts_feb_29_in_leap_years),
        cmocka_unit_test(test_time_parse_rejects_time_without_offset),
        cmocka_unit_test(test_time_parse_rejects_bad_month),
        cmocka_unit_test(test_time_parse_rejects_bad_day),
        cmocka_unit_test(test_time_parse_rejects_feb_29_in_non_leap_year),
        cmocka_unit_test(test_time_parse_rejects_hour_24_and_bad_minutes),
        cmocka_unit_test(test_time_parse_rejects_trailing_junk),
        cmocka_unit_test(test_time_parse_rejects_malformed_parts),
        cmocka_unit_test(test_time_round_trip_format_then_parse),
        cmocka_unit_test(test_time_now_is_recent_and_monotonic_advances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
