/* Unit tests for src/base/csv.c: the RFC 4180 reader and writer (csv.h).
 *
 * The contract under test: csv_next reads one record at a time, saying the
 * line where the record and each field begin; quoted fields may hold
 * commas, doubled quotes and line breaks; CRLF, LF (and CR) end records; a
 * UTF-8 byte-order mark is skipped, blank lines too; malformed input
 * returns -1 with a reason in English and Chinese; csv_put writes a field
 * the reader gives back unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/csv.h"

typedef struct {
    csv_reader r;
    const char *why, *why_zh;
} reader;

static void open_text(reader *rd, const char *text)
{
    csv_reader_init(&rd->r, text, strlen(text));
    rd->why = rd->why_zh = NULL;
}

static int next(reader *rd)
{
    return csv_next(&rd->r, &rd->why, &rd->why_zh);
}

/* The next record must be exactly the n given fields. */
static void expect_record(reader *rd, int n, const char *const *fields)
{
    int rc = next(rd);
    if (rc != 1)
        fail_msg("csv_next returned %d (%s), expected a record", rc, rd->why ? rd->why : "-");
    assert_int_equal(rd->r.nfields, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(rd->r.field[i], fields[i]);
}

#define RECORD(rd, ...)                                                                                                \
    do {                                                                                                               \
        static const char *const f_[] = {__VA_ARGS__};                                                                 \
        expect_record((rd), (int)(sizeof f_ / sizeof f_[0]), f_);                                                      \
    } while (0)

/* The text must fail on the record starting at line, with an English reason
 * containing reason_part and a Chinese reason. */
static void expect_error(const char *text, int line, const char *reason_part)
{
    reader rd;
    open_text(&rd, text);
    int rc;
    while ((rc = next(&rd)) == 1)
        ;
    if (rc != -1)
        fail_msg("malformed text accepted: \"%s\"", text);
    assert_non_null(rd.why);
    assert_non_null(rd.why_zh);
    assert_true(strlen(rd.why_zh) > 0);
    if (strstr(rd.why, reason_part) == NULL)
        fail_msg("reason \"%s\" does not mention \"%s\"", rd.why, reason_part);
    assert_int_equal(rd.r.record_line, line);
    csv_reader_free(&rd.r);
}

/* ---- reading ------------------------------------------------------------ */

static void test_plain_records_split_on_commas_and_line_ends(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "code,name,phone\nP1,张三,139\nP2,李四,\n");
    RECORD(&rd, "code", "name", "phone");
    assert_int_equal(rd.r.record_line, 1);
    RECORD(&rd, "P1", "张三", "139");
    assert_int_equal(rd.r.record_line, 2);
    RECORD(&rd, "P2", "李四", "");
    assert_int_equal(rd.r.record_line, 3);
    assert_int_equal(next(&rd), 0);
    assert_int_equal(rd.r.nfields, 0);
    /* And it stays at the end. */
    assert_int_equal(next(&rd), 0);
    csv_reader_free(&rd.r);
}

static void test_empty_fields_are_kept_including_a_trailing_one(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, ",,\na,\n,b");
    RECORD(&rd, "", "", "");
    RECORD(&rd, "a", "");
    RECORD(&rd, "", "b");
    assert_int_equal(next(&rd), 0);
    csv_reader_free(&rd.r);
}

static void test_quoted_field_keeps_commas(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "a,\"b,c\",d\n");
    RECORD(&rd, "a", "b,c", "d");
    csv_reader_free(&rd.r);
}

static void test_doubled_quotes_inside_a_quoted_field_become_one(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "\"He said \"\"hi\"\"\",\"\"\"\",\"\"\n");
    RECORD(&rd, "He said \"hi\"", "\"", "");
    csv_reader_free(&rd.r);
}

static void test_quoted_field_keeps_line_breaks_and_later_lines_are_counted(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "a,\"line one\nline two\",c\nd,e,f\n");
    RECORD(&rd, "a", "line one\nline two", "c");
    assert_int_equal(rd.r.record_line, 1);
    /* Each field says the line where it begins. */
    assert_int_equal(rd.r.field_line[0], 1);
    assert_int_equal(rd.r.field_line[1], 1);
    assert_int_equal(rd.r.field_line[2], 2);
    RECORD(&rd, "d", "e", "f");
    assert_int_equal(rd.r.record_line, 3);
    csv_reader_free(&rd.r);
}

static void test_crlf_inside_quotes_is_data_and_crlf_outside_ends_the_record(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "x,\"a\r\nb\"\r\ny,z\r\n");
    RECORD(&rd, "x", "a\r\nb");
    RECORD(&rd, "y", "z");
    assert_int_equal(rd.r.record_line, 3);
    assert_int_equal(next(&rd), 0);
    csv_reader_free(&rd.r);
}

static void test_crlf_and_lf_line_ends_read_the_same(void **state)
{
    (void)state;
    reader a, b;
    open_text(&a, "h1,h2\r\nv1,v2\r\nw1,w2\r\n");
    open_text(&b, "h1,h2\nv1,v2\nw1,w2\n");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(next(&a), 1);
        assert_int_equal(next(&b), 1);
        assert_int_equal(a.r.nfields, b.r.nfields);
        assert_int_equal(a.r.record_line, b.r.record_line);
        for (int k = 0; k < a.r.nfields; k++) {
            assert_string_equal(a.r.field[k], b.r.field[k]);
            assert_null(strchr(a.r.field[k], '\r'));
        }
    }
    assert_int_equal(next(&a), 0);
    assert_int_equal(next(&b), 0);
    csv_reader_free(&a.r);
    csv_reader_free(&b.r);
}

static void test_a_missing_final_line_end_still_gives_the_last_record(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "a,b\nc,d");
    RECORD(&rd, "a", "b");
    RECORD(&rd, "c", "d");
    assert_int_equal(next(&rd), 0);
    csv_reader_free(&rd.r);
}

static void test_byte_order_mark_is_skipped(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "\xEF\xBB\xBF" "code,name\nP1,张三\n");
    RECORD(&rd, "code", "name");
    assert_int_equal(rd.r.record_line, 1);
    RECORD(&rd, "P1", "张三");
    csv_reader_free(&rd.r);
    /* Only at the very start: elsewhere it is data. */
    open_text(&rd, "a\n\xEF\xBB\xBF" "b\n");
    RECORD(&rd, "a");
    RECORD(&rd, "\xEF\xBB\xBF" "b");
    csv_reader_free(&rd.r);
}

static void test_blank_lines_are_skipped_but_counted(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "\n\na,b\n\n\r\n\nc,d\n\n");
    RECORD(&rd, "a", "b");
    assert_int_equal(rd.r.record_line, 3);
    RECORD(&rd, "c", "d");
    assert_int_equal(rd.r.record_line, 7);
    assert_int_equal(next(&rd), 0);
    csv_reader_free(&rd.r);
}

static void test_empty_text_has_no_records(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "");
    assert_int_equal(next(&rd), 0);
    csv_reader_free(&rd.r);
    open_text(&rd, "\xEF\xBB\xBF");
    assert_int_equal(next(&rd), 0);
    csv_reader_free(&rd.r);
}

static void test_exactly_csv_max_fields_fields_are_read(void **state)
{
    (void)state;
    char text[256] = "";
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        strcat(text, i ? ",f" : "f");
    strcat(text, "\n");
    reader rd;
    open_text(&rd, text);
    assert_int_equal(next(&rd), 1);
    assert_int_equal(rd.r.nfields, CSV_MAX_FIELDS);
    csv_reader_free(&rd.r);
}

static void test_reading_does_not_depend_on_a_terminating_nul(void **state)
{
    (void)state;
    /* Only text[0..len) is read: the bytes after it are not part of it. */
    const char text[] = "a,b\nc,d\nNOT,THIS\n";
    csv_reader r;
    const char *why, *why_zh;
    csv_reader_init(&r, text, 8);
    assert_int_equal(csv_next(&r, &why, &why_zh), 1);
    assert_int_equal(csv_next(&r, &why, &why_zh), 1);
    assert_string_equal(r.field[1], "d");
    assert_int_equal(csv_next(&r, &why, &why_zh), 0);
    csv_reader_free(&r);
}

static void test_reader_free_is_safe_twice(void **state)
{
    (void)state;
    reader rd;
    open_text(&rd, "a\n");
    assert_int_equal(next(&rd), 1);
    csv_reader_free(&rd.r);
    csv_reader_free(&rd.r);
}

/* ---- malformed input ---------------------------------------------------- */

static void test_an_unterminated_quote_is_an_error_at_its_record(void **state)
{
    (void)state;
    expect_error("a,b\nc,\"d\ne,f\n", 2, "not closed");
    expect_error("\"", 1, "not closed");
}

static void test_a_quote_inside_an_unquoted_field_is_an_error(void **state)
{
    (void)state;
    expect_error("a,b\nc,b\"d\n", 2, "quote inside");
    expect_error("h\n\nx\"\n", 3, "quote inside");
}

static void test_text_after_a_closing_quote_is_an_error(void **state)
{
    (void)state;
    expect_error("a,b\n\"c\"d,e\n", 2, "after a closing quote");
    expect_error("a,\"b\" ,c\n", 1, "after a closing quote");
}

static void test_more_than_csv_max_fields_fields_is_an_error(void **state)
{
    (void)state;
    char text[256] = "h\n";
    for (int i = 0; i <= CSV_MAX_FIELDS; i++)
        strcat(text, i ? ",f" : "f");
    strcat(text, "\n");
    expect_error(text, 2, "too many fields");
}

static void test_invalid_utf8_is_an_error_at_its_record(void **state)
{
    (void)state;
    expect_error("a,b\nc,d\n\xff\xfe,x\n", 3, "UTF-8");
    /* A truncated sequence, and an overlong encoding of '/'. */
    expect_error("a,\"\xE5\xBC\"\n", 1, "UTF-8");
    expect_error("h\n\xC0\xAF\n", 2, "UTF-8");
}

/* ---- writing ------------------------------------------------------------ */

static char *put_row(const char *const *values, int n, size_t *len)
{
    char *buf = NULL;
    size_t l = 0, cap = 0;
    for (int i = 0; i < n; i++)
        assert_int_equal(csv_put(&buf, &l, &cap, values[i], i == n - 1), 0);
    *len = l;
    return buf;
}

static void test_csv_put_quotes_only_when_needed(void **state)
{
    (void)state;
    static const char *const row[] = {"plain", "a,b", "say \"x\"", "two\nlines", "", "中文"};
    size_t len;
    char *buf = put_row(row, 6, &len);
    const char expect[] = "plain,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\",,中文\n";
    assert_int_equal(len, strlen(expect));
    assert_memory_equal(buf, expect, len);
    free(buf);
}

static void test_csv_put_writes_null_as_an_empty_field(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    assert_int_equal(csv_put(&buf, &len, &cap, NULL, 0), 0);
    assert_int_equal(csv_put(&buf, &len, &cap, "x", 1), 0);
    assert_int_equal(len, 3);
    assert_memory_equal(buf, ",x\n", 3);
    free(buf);
}

static void test_csv_put_round_trips_through_csv_next(void **state)
{
    (void)state;
    static const char *const values[] = {
        "plain",     "with,comma",  "with \"quotes\"", "\"",         "\"\"",      "multi\nline",
        "crlf\r\nin", "lone\rcr",   "",                " spaced ",   "尾逗号,",   "a\"b,c\nd",
        ",",         "\n",          "P0001",           "见报道 / named in the article：“大党委”",
    };
    int n = (int)(sizeof values / sizeof values[0]);
    size_t len;
    char *buf = put_row(values, n, &len);
    /* A second row, to show the first ended where it should. */
    char *more = NULL;
    size_t mlen = 0, mcap = 0;
    csv_put(&more, &mlen, &mcap, "next", 0);
    csv_put(&more, &mlen, &mcap, "row", 1);
    char *all = malloc(len + mlen);
    memcpy(all, buf, len);
    memcpy(all + len, more, mlen);
    csv_reader r;
    const char *why, *why_zh;
    csv_reader_init(&r, all, len + mlen);
    assert_int_equal(csv_next(&r, &why, &why_zh), 1);
    assert_int_equal(r.nfields, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(r.field[i], values[i]);
    assert_int_equal(csv_next(&r, &why, &why_zh), 1);
    assert_int_equal(r.nfields, 2);
    assert_string_equal(r.field[0], "next");
    assert_string_equal(r.field[1], "row");
    assert_int_equal(csv_next(&r, &why, &why_zh), 0);
    csv_reader_free(&r);
    free(all);
    free(more);
    free(buf);
}

static void test_csv_put_grows_the_buffer_for_long_values(void **state)
{
    (void)state;
    size_t big = 100000;
    char *value = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        value[i] = (i % 97 == 0) ? '"' : 'a' + (char)(i % 26);
    value[big] = '\0';
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (int k = 0; k < 3; k++)
        assert_int_equal(csv_put(&buf, &len, &cap, value, k == 2), 0);
    assert_true(cap >= len);
    csv_reader r;
    const char *why, *why_zh;
    csv_reader_init(&r, buf, len);
    assert_int_equal(csv_next(&r, &why, &why_zh), 1);
    assert_int_equal(r.nfields, 3);
    for (int k = 0; k < 3; k++)
        assert_string_equal(r.field[k], value);
    csv_reader_free(&r);
    free(buf);
    free(value);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records_split_on_commas_and_line_ends),
        cmocka_unit_test(test_empty_fields_are_kept_including_a_trailing_one),
        cmocka_unit_test(test_quoted_field_keeps_commas),
        cmocka_unit_test(test_doubled_quotes_inside_a_quoted_field_become_one),
        cmocka_unit_test(test_quoted_field_keeps_line_breaks_and_later_lines_are_counted),
        cmocka_unit_test(test_crlf_inside_quotes_is_data_and_crlf_outside_ends_the_record),
        cmocka_unit_test(test_crlf_and_lf_line_ends_read_the_same),
        cmocka_unit_test(test_a_missing_final_line_end_still_gives_the_last_record),
        cmocka_unit_test(test_byte_order_mark_is_skipped),
        cmocka_unit_test(test_blank_lines_are_skipped_but_counted),
        cmocka_unit_test(test_empty_text_has_no_records),
        cmocka_unit_test(test_exactly_csv_max_fields_fields_are_read),
        cmocka_unit_test(test_reading_does_not_depend_on_a_terminating_nul),
        cmocka_unit_test(test_reader_free_is_safe_twice),
        cmocka_unit_test(test_an_unterminated_quote_is_an_error_at_its_record),
        cmocka_unit_test(test_a_quote_inside_an_unquoted_field_is_an_error),
        cmocka_unit_test(test_text_after_a_closing_quote_is_an_error),
        cmocka_unit_test(test_more_than_csv_max_fields_fields_is_an_error),
        cmocka_unit_test(test_invalid_utf8_is_an_error_at_its_record),
        cmocka_unit_test(test_csv_put_quotes_only_when_needed),
        cmocka_unit_test(test_csv_put_writes_null_as_an_empty_field),
        cmocka_unit_test(test_csv_put_round_trips_through_csv_next),
        cmocka_unit_test(test_csv_put_grows_the_buffer_for_long_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
