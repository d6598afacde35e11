/* Tests for io_import_calendar (src/io/csv_imports.c) and the calendar's
 * store functions: the State Council notice format in, the same out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../store/tmpdb.h"
#include "io/io.h"

typedef struct {
    const char *text;
    int count;
} import_args;

static int do_import(store_conn *c, void *arg, tx_err *err)
{
    import_args *a = arg;
    return io_import_calendar(c, a->text, strlen(a->text), &a->count, err);
}

static int do_export(store_conn *c, void *arg, tx_err *err)
{
    char **out = arg;
    size_t len;
    return store_calendar_export_csv(c, out, &len, err);
}

static const char notice[] = "date,kind,occasion,weekday\n"
                             "2026-02-14,workday,春节 Spring Festival,Sat\n"
                             "2026-02-15,holiday,春节 Spring Festival,Sun\n"
                             "2026-02-16,holiday,春节 Spring Festival,Mon\n";

static void test_a_notice_imports_and_exports_byte_for_byte(void **state)
{
    (void)state;
    tmpdb t;
    tmpdb_make(&t);
    store *s = tmpdb_open(&t, 0);
    tx_err err;
    import_args a = {notice, 0};
    assert_int_equal(store_sync(s, 1, do_import, &a, &err), 0);
    assert_int_equal(a.count, 3);
    char *out = NULL;
    assert_int_equal(store_sync(s, 0, do_export, &out, &err), 0);
    assert_string_equal(out, notice);
    free(out);
    store_close(s);
    tmpdb_remove(&t);
}

/* Import text and expect a refusal naming field; nothing may be stored. */
static void refused(const char *text, const char *field)
{
    tmpdb t;
    tmpdb_make(&t);
    store *s = tmpdb_open(&t, 0);
    tx_err err;
    tx_err_clear(&err);
    import_args a = {text, 0};
    assert_int_equal(store_sync(s, 1, do_import, &a, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, field);
    assert_int_equal(tmpdb_sync_int(s, "SELECT count(*) FROM calendar_day"), 0);
    store_close(s);
    tmpdb_remove(&t);
}

static void test_a_workday_on_a_weekday_is_refused_and_nothing_is_kept(void **state)
{
    (void)state;
    refused("date,kind,occasion,weekday\n2026-02-15,holiday,x,Sun\n2026-02-17,workday,x,Tue\n", "line 3 column date");
}

static void test_a_weekday_column_that_disagrees_with_the_date_is_refused(void **state)
{
    (void)state;
    refused("date,kind,occasion,weekday\n2026-02-15,holiday,x,Mon\n", "line 2 column weekday");
}

static void test_an_unknown_kind_or_bad_date_or_header_is_refused(void **state)
{
    (void)state;
    refused("date,kind,occasion,weekday\n2026-02-15,rest,x,Sun\n", "line 2 column kind");
    refused("date,kind,occasion,weekday\n2026-02-30,holiday,x,\n", "line 2 column date");
    refused("day,kind,occasion,weekday\n2026-02-15,holiday,x,Sun\n", "line 1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_notice_imports_and_exports_byte_for_byte),
        cmocka_unit_test(test_a_workday_on_a_weekday_is_refused_and_nothing_is_kept),
        cmocka_unit_test(test_a_weekday_column_that_disagrees_with_the_date_is_refused),
        cmocka_unit_test(test_an_unknown_kind_or_bad_date_or_header_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
