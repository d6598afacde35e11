/* sqlite/calendar: the days that differ from the plain week (holidays and
 * 调休 workdays), from which working-day deadlines are counted. */
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "store/sqlite/db.h"

int store_calendar_exceptions(store_conn *c, tx_cal_exception **out, int *n, tx_err *err)
{
    static const char count_sql[] = "SELECT count(*) FROM calendar_day";
    static const char sql[] = "SELECT day, kind FROM calendar_day ORDER BY day";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = db_stmt(c, count_sql, err);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "calendar count", err);
    int total = sqlite3_column_int(st, 0);
    tx_cal_exception *ex = calloc((size_t)(total ? total : 1), sizeof *ex);
    if (ex == NULL)
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    st = db_stmt(c, sql, err);
    if (!st) {
        free(ex);
        return -1;
    }
    int rc, m = 0;
    /* Rows were checked on the way in; one that no longer parses is skipped
     * rather than stopping every deadline. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && m < total)
        if (tx_cal_parse_row((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), NULL,
                             &ex[m]) == 0)
            m++;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        free(ex);
        return db_fail(c, "calendar", err);
    }
    *out = ex;
    *n = m;
    return 0;
}

int store_calendar_list(store_conn *c, const char *from, const char *to, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT day, kind, occasion FROM calendar_day WHERE day >= ?1 AND day <= ?2 ORDER BY day";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, from);
    db_bind_text(st, 2, to);
    json_t *o = json_object();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
                            json_pack("{s:o, s:o}", "kind", db_col_json_text(st, 1), "occasion", db_col_json_text(st, 2)));
    if (rc != SQLITE_DONE) {
        json_decref(o);
        return db_fail(c, "calendar list", err);
    }
    *out = o;
    return 0;
}

int store_calendar_put(store_conn *c, const char *day, const char *kind, const char *occasion, tx_err *err)
{
    static const char sql[] = "INSERT INTO calendar_day (day, kind, occasion) VALUES (?1, ?2, ?3) ON CONFLICT (day) "
                              "DO UPDATE SET kind = excluded.kind, occasion = excluded.occasion";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, day);
    db_bind_text(st, 2, kind);
    db_bind_text(st, 3, occasion);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "calendar put", err);
}

int store_calendar_delete(store_conn *c, const char *day, tx_err *err)
{
    static const char sql[] = "DELETE FROM calendar_day WHERE day = ?1";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, day);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "calendar delete", err);
    if (sqlite3_changes(c->db) == 0)
        return tx_err_named(err, 404, "not_found", "date", M_NOT_FOUND, "calendar_day", day);
    return 0;
}

int store_calendar_export_csv(store_conn *c, char **out, size_t *len, tx_err *err)
{
    static const char sql[] = "SELECT day, kind, occasion FROM calendar_day ORDER BY day";
    static const char *const header[] = {"date", "kind", "occasion", "weekday"};
    static const char *const weekdays[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    char *buf = NULL;
    size_t blen = 0, cap = 0;
    csv_put_row(&buf, &blen, &cap, header, 4);
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st) {
        free(buf);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *day = (const char *)sqlite3_column_text(st, 0);
        int32_t d = 0;
        int wd = tx_cal_parse_date(day, &d) == 0 ? tx_cal_weekday(d) : 0;
        csv_put(&buf, &blen, &cap, day, 0);
        csv_put(&buf, &blen, &cap, (const char *)sqlite3_column_text(st, 1), 0);
        csv_put(&buf, &blen, &cap, (const char *)sqlite3_column_text(st, 2), 0);
        csv_put(&buf, &blen, &cap, weekdays[wd >= 1 && wd <= 7 ? wd : 0], 1);
    }
    if (rc != SQLITE_DONE) {
        free(buf);
        return db_fail(c, "calendar export", err);
    }
    *out = buf;
    *len = blen;
    return 0;
}
