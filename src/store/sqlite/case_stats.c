/* sqlite/case_stats: the case counters (table case_stats, migration 0006):
 * kept up to date by the writer of cases (db_case_stats_retract / _apply),
 * read as the service figures of an area, category or organisation
 * (store_case_stats), and rebuilt from the events to audit them
 * (store_case_stats_recompute). The definitions are in docs/METRICS.md and
 * the arithmetic in domain/case_metrics.c; this file only moves counters. */
#include "store/sqlite/case_stats.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "domain/calendar.h"
#include "domain/case_metrics.h"
#include "store/case_stats.h"
#include "store/sqlite/db.h"

#define DAY_MS 86400000LL
#define UTC8_MS (8 * 3600000LL)
#define MAX_LISTED 100 /* differences and odd cases listed in a recompute report */

/* ---- SQL built from the counter list ----
 *
 * The statements name all 28 counters; they are written out once from
 * TX_CM_COUNTERS so the code and the columns cannot drift apart (a unit test
 * checks the migration's columns against the same list). Static buffers:
 * db_stmt caches statements by the address of their text. */

enum {
    SQL_UPSERT_MAIN,
    SQL_UPSERT_TEMP,
    SQL_UPDATE_MAIN,
    SQL_SUMS,
    SQL_SERIES,
    SQL_BY_AREA,
    SQL_ROWS_MAIN,
    SQL_ROWS_TEMP,
    SQL_COPY,
    SQL__COUNT
};

/* The rows of one filter: ?1 org (0: the area rows), ?2 the area ids as a
 * JSON array, ?3..?4 the days, ?5 the category (0: all). One range of the
 * primary key per area id. */
#define FILTER_ROWS                                                                                                    \
    " FROM main.case_stats WHERE org_id = ?1 AND area_id IN (SELECT value FROM json_each(?2)) AND day BETWEEN ?3 "  \
    "AND ?4 AND (?5 = 0 OR category_id = ?5)"
static char sql_text[SQL__COUNT][4096]; /* the longest, the upsert, is about 2,300 bytes */
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void cat(char *buf, const char *s)
{
    size_t n = strlen(buf);
    snprintf(buf + n, sizeof sql_text[0] - n, "%s", s);
}

/* Each counter column through fmt ("sum(%s)"), separated by ", ", after
 * lead (", " to follow other columns, "" to start a list). */
static void columns_from(char *buf, const char *lead, const char *fmt)
{
    char one[160];
    for (int k = 0; k < TX_CM__COUNT; k++) {
        const char *col = tx_cm_counter_code((tx_cm_counter)k);
        snprintf(one, sizeof one, fmt, col, col, col);
        cat(buf, k ? ", " : lead);
        cat(buf, one);
    }
}

static void columns(char *buf, const char *fmt)
{
    columns_from(buf, ", ", fmt);
}

static void upsert_sql(char *buf, const char *table)
{
    snprintf(buf, sizeof sql_text[0], "INSERT INTO %s (org_id, area_id, day, category_id", table);
    columns(buf, "%s");
    cat(buf, ") VALUES (?1, ?2, ?3, ?4");
    for (int k = 0; k < TX_CM__COUNT; k++) {
        char p[16];
        snprintf(p, sizeof p, ", ?%d", 5 + k);
        cat(buf, p);
    }
    cat(buf, ") ON CONFLICT (org_id, area_id, day, category_id) DO UPDATE SET ");
    columns_from(buf, "", "%s = %s + excluded.%s");
}

static void build_sql(void)
{
    upsert_sql(sql_text[SQL_UPSERT_MAIN], "main.case_stats");
    char *u = sql_text[SQL_UPDATE_MAIN];
    snprintf(u, sizeof sql_text[0], "UPDATE main.case_stats SET ");
    for (int k = 0; k < TX_CM__COUNT; k++) {
        char one[160];
        const char *col = tx_cm_counter_code((tx_cm_counter)k);
        snprintf(one, sizeof one, "%s%s = %s + ?%d", k ? ", " : "", col, col, 5 + k);
        cat(u, one);
    }
    cat(u, " WHERE org_id = ?1 AND area_id = ?2 AND day = ?3 AND category_id = ?4");
    upsert_sql(sql_text[SQL_UPSERT_TEMP], "temp.case_stats_recomputed");
    /* The totals stream through the range; the categories are grouped
     * apart, on one column (a GROUP BY of every column sorted them all:
     * 25 ms instead of 2 for a street's year). */
    char *s = sql_text[SQL_SUMS];
    snprintf(s, sizeof sql_text[0], "SELECT ");
    columns_from(s, "", "sum(%s)");
    cat(s, FILTER_ROWS);
    /* The same sums per day (a series: at most 366 groups) and per area (a
     * breakdown: the IN list is walked in area order, so that grouping
     * streams). */
    s = sql_text[SQL_SERIES];
    snprintf(s, sizeof sql_text[0], "SELECT day");
    columns(s, "sum(%s)");
    cat(s, FILTER_ROWS " GROUP BY day ORDER BY day");
    s = sql_text[SQL_BY_AREA];
    snprintf(s, sizeof sql_text[0], "SELECT area_id");
    columns(s, "sum(%s)");
    cat(s, FILTER_ROWS " GROUP BY area_id");
    const char *tables[2] = {"main.case_stats", "temp.case_stats_recomputed"};
    for (int i = 0; i < 2; i++) {
        s = sql_text[SQL_ROWS_MAIN + i];
        snprintf(s, sizeof sql_text[0], "SELECT org_id, area_id, day, category_id");
        columns(s, "%s");
        cat(s, " FROM ");
        cat(s, tables[i]);
        cat(s, " ORDER BY org_id, area_id, day, category_id");
    }
    s = sql_text[SQL_COPY];
    snprintf(s, sizeof sql_text[0], "INSERT INTO main.case_stats (org_id, area_id, day, category_id");
    columns(s, "%s");
    cat(s, ") SELECT org_id, area_id, day, category_id");
    columns(s, "%s");
    cat(s, " FROM temp.case_stats_recomputed");
}

static const char *sql(int which)
{
    pthread_once(&sql_once, build_sql);
    /* a text cut short by its buffer would not prepare; this says why */
    assert(strlen(sql_text[which]) < sizeof sql_text[0] - 1);
    return sql_text[which];
}

static int bind_row(sqlite3_stmt *st, const tx_cm_row *r, const tx_cm_counts *delta)
{
    sqlite3_bind_int64(st, 1, r->org_id);
    sqlite3_bind_int64(st, 2, r->area_id);
    sqlite3_bind_int(st, 3, r->day);
    sqlite3_bind_int64(st, 4, r->category_id);
    for (int k = 0; k < TX_CM__COUNT; k++)
        sqlite3_bind_int64(st, 5 + k, delta->n[k]);
    return sqlite3_step(st);
}

/* Add delta to one row (creating it). upsert is SQL_UPSERT_MAIN or _TEMP.
 * The live path updates first: the row is nearly always there (the case's
 * own contribution is in it), and an UPDATE costs less than an upsert,
 * which builds the row to insert before it finds the conflict. */
static int add_to_row(store_conn *c, int upsert, const tx_cm_row *r, const tx_cm_counts *delta, tx_err *err)
{
    sqlite3_stmt *st;
    if (upsert == SQL_UPSERT_MAIN) {
        if ((st = db_stmt(c, sql(SQL_UPDATE_MAIN), err)) == NULL)
            return -1;
        if (bind_row(st, r, delta) != SQLITE_DONE)
            return db_fail(c, "case stats row", err);
        if (sqlite3_changes(c->db) > 0)
            return 0;
    }
    if ((st = db_stmt(c, sql(upsert), err)) == NULL)
        return -1;
    return bind_row(st, r, delta) == SQLITE_DONE ? 0 : db_fail(c, "case stats row", err);
}

/* ---- the live path: retract and apply ---- */

/* A case's contribution as read from its row, and who it is: the id alone
 * is not enough, since a job that inserted a case and failed gives its id
 * back (AUTOINCREMENT is rolled back with it) to the next new case. */
typedef struct {
    int nrows;
    tx_cm_row rows[TX_CM_MAX_ROWS];
    tx_cm_counts v;
    uint64_t ident;
    int64_t event_count;
} snapshot;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

static int parse_or(int rc, const char *what, int64_t id, tx_err *err)
{
    if (rc == 0)
        return 0;
    tx_log("error", "case %lld has an unknown %s code; its counters cannot be computed", (long long)id, what);
    return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static int read_case(store_conn *c, int64_t id, snapshot *s, tx_err *err)
{
    static const char q[] = "SELECT submitted_at, category_id, channel, street_id, community_id, grid_id, state, "
                            "handler, handler_id, department_id, contacted_at, due_contact, resolved_at, "
                            "resolved_tier, due_resolve, left_community, solved, satisfaction, token_hash, event_count "
                            "FROM cases WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, q, id, "case", err);
    if (!st)
        return -1;
    tx_cm_case k;
    tx_cm_case_init(&k);
    k.submitted_at = sqlite3_column_int64(st, 0);
    k.category_id = sqlite3_column_int64(st, 1);
    k.street_id = sqlite3_column_int64(st, 3);
    k.community_id = sqlite3_column_int64(st, 4);
    k.grid_id = sqlite3_column_int64(st, 5);
    k.handler_id = sqlite3_column_int64(st, 8);
    k.department_id = sqlite3_column_int64(st, 9);
    k.contacted_at = sqlite3_column_int64(st, 10);
    k.due_contact = sqlite3_column_int64(st, 11);
    k.resolved_at = sqlite3_column_int64(st, 12);
    k.due_resolve = sqlite3_column_int64(st, 14);
    k.left_community = sqlite3_column_int(st, 15) != 0;
    int rc = parse_or(tx_cm_channel_parse(col_text(st, 2), &k.channel), "channel", id, err) ||
             parse_or(tx_case_state_parse(col_text(st, 6), &k.state), "state", id, err) ||
             parse_or(tx_case_handler_parse(col_text(st, 7), &k.handler), "handler", id, err) ||
             (col_text(st, 13) && parse_or(tx_tier_parse(col_text(st, 13), &k.resolved_tier), "tier", id, err)) ||
             (col_text(st, 16) && parse_or(tx_case_solved_parse(col_text(st, 16), &k.solved), "solved", id, err)) ||
             (col_text(st, 17) &&
              parse_or(tx_case_satisfaction_parse(col_text(st, 17), &k.satisfaction), "satisfaction", id, err));
    uint64_t h = fnv(1469598103934665603ULL, &k.submitted_at, sizeof k.submitted_at);
    if (col_text(st, 18))
        h = fnv(h, col_text(st, 18), (size_t)sqlite3_column_bytes(st, 18));
    s->ident = h;
    s->event_count = sqlite3_column_int64(st, 19);
    sqlite3_reset(st);
    if (rc)
        return -1;
    s->nrows = tx_cm_rows(&k, s->rows);
    tx_cm_contribution(&k, &s->v);
    return 0;
}

/* What retract read, until apply writes the difference. Kept per thread
 * (the writer is one thread with one connection), tagged with the
 * connection and its batch.
 *
 * Why this is safe: retract writes nothing, so a job that fails between
 * retract and apply leaves the counters as they were, matching the case row
 * its savepoint restored; its leftover entry is only ever read by an apply
 * of the same case in the same batch, which a retract of that case precedes
 * and replaces it, or by a new case that reused the id (told apart by
 * ident). An entry lives no longer than its batch: a marker statement is
 * stepped and left mid-result at the first retract; db_conn_idle resets it
 * when the batch (or store_sync call) ends, and a new epoch begins with the
 * next one. */
typedef struct {
    store_conn *conn;
    uint64_t epoch;
    uint64_t seq; /* 0: free */
    int64_t case_id;
    snapshot s;
} pending;

typedef struct {
    store_conn *conn;
    sqlite3_stmt *marker;
    uint64_t epoch;
} batch_mark;

static _Thread_local pending tl_pending[DB_CASE_STATS_PENDING];
static _Thread_local batch_mark tl_marks[4];
static _Thread_local uint64_t tl_seq, tl_epochs;

static const char marker_sql[] = "SELECT 'case_stats: a retract is pending'";

/* The marker is still the one prepared for c (the statement cache may have
 * evicted and finalized it: look for it among c's statements before using
 * the pointer) and still mid-result. */
static int mark_live(store_conn *c, const batch_mark *m)
{
    if (m->conn != c || m->marker == NULL)
        return 0;
    for (sqlite3_stmt *s = sqlite3_next_stmt(c->db, NULL); s; s = sqlite3_next_stmt(c->db, s))
        if (s == m->marker)
            return sqlite3_stmt_busy(s) && strcmp(sqlite3_sql(s), marker_sql) == 0;
    return 0;
}

/* The current epoch of c's batch, starting one when none is live. */
static int current_epoch(store_conn *c, uint64_t *epoch, tx_err *err)
{
    batch_mark *slot = &tl_marks[0];
    for (size_t i = 0; i < sizeof tl_marks / sizeof tl_marks[0]; i++) {
        if (mark_live(c, &tl_marks[i])) {
            *epoch = tl_marks[i].epoch;
            return 0;
        }
        if (tl_marks[i].conn == c || tl_marks[i].conn == NULL)
            slot = &tl_marks[i];
    }
    sqlite3_stmt *st = db_stmt(c, marker_sql, err);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "case stats marker", err);
    *slot = (batch_mark){c, st, ++tl_epochs};
    *epoch = slot->epoch;
    return 0;
}

/* The epoch of c's batch when one is live, else 0 (no entry of c is valid). */
static uint64_t live_epoch(store_conn *c)
{
    for (size_t i = 0; i < sizeof tl_marks / sizeof tl_marks[0]; i++)
        if (mark_live(c, &tl_marks[i]))
            return tl_marks[i].epoch;
    return 0;
}

int db_case_stats_retract(store_conn *c, int64_t case_id, tx_err *err)
{
    snapshot s;
    uint64_t epoch = 0;
    if (read_case(c, case_id, &s, err) || current_epoch(c, &epoch, err))
        return -1;
    /* The entry of this case (a retract again); else a free one, or one of
     * c's from a batch that ended; else the oldest, which is another
     * connection's (tests open several stores on one thread) or, when more
     * cases are pending at once than there are entries, a live one: then
     * its apply will count the case as new. Say so loudly; a recompute
     * repairs it. */
    pending *p = NULL, *oldest = NULL;
    for (int i = 0; i < DB_CASE_STATS_PENDING && p == NULL; i++) {
        pending *e = &tl_pending[i];
        if (e->seq && e->conn == c && e->case_id == case_id)
            p = e;
    }
    for (int i = 0; i < DB_CASE_STATS_PENDING && p == NULL; i++) {
        pending *e = &tl_pending[i];
        if (e->seq == 0 || (e->conn == c && e->epoch != epoch))
            p = e;
        else if (oldest == NULL || e->seq < oldest->seq)
            oldest = e;
    }
    if (p == NULL) {
        p = oldest;
        if (p->conn == c)
            tx_log("error", "case stats: more than %d cases retracted and not applied at once; the counters of case "
                   "%lld may be off (run tongxin stats cases --recompute --fix)", DB_CASE_STATS_PENDING,
                   (long long)p->case_id);
    }
    *p = (pending){c, epoch, ++tl_seq, case_id, s};
    return 0;
}

int db_case_stats_apply(store_conn *c, int64_t case_id, tx_err *err)
{
    snapshot now;
    if (read_case(c, case_id, &now, err))
        return -1;
    uint64_t epoch = live_epoch(c);
    const snapshot *before = NULL;
    pending *p = NULL;
    for (int i = 0; i < DB_CASE_STATS_PENDING && epoch; i++) {
        pending *e = &tl_pending[i];
        if (e->seq && e->conn == c && e->epoch == epoch && e->case_id == case_id && e->s.ident == now.ident) {
            p = e;
            before = &e->s;
        }
    }
    if (before == NULL && now.event_count > 1)
        tx_log("error", "case stats: case %lld changed (%lld events) without db_case_stats_retract first; it is "
               "counted as new (run tongxin stats cases --recompute --fix)", (long long)case_id,
               (long long)now.event_count);
    tx_cm_change ch[2 * TX_CM_MAX_ROWS];
    int n = tx_cm_changes(before ? before->rows : NULL, before ? before->nrows : 0, before ? &before->v : NULL,
                          now.rows, now.nrows, &now.v, ch);
    for (int i = 0; i < n; i++)
        if (add_to_row(c, SQL_UPSERT_MAIN, &ch[i].row, &ch[i].delta, err))
            return -1;
    /* Consumed only once written: if a write failed, the job fails and its
     * savepoint takes the case row back to what the entry describes. */
    if (p)
        p->seq = 0;
    return 0;
}

/* ---- references: an id or a code ---- */

int store_case_stats_ref(store_conn *c, const char *kind, const char *ref, const char *param, int64_t *id,
                         tx_err *err)
{
    static const char area_id[] = "SELECT id FROM area WHERE id = ?1", area_code[] = "SELECT id FROM area WHERE code = ?1",
                      cat_id[] = "SELECT id FROM category WHERE id = ?1",
                      cat_code[] = "SELECT id FROM category WHERE code = ?1",
                      org_id[] = "SELECT id FROM organisation WHERE id = ?1",
                      org_code[] = "SELECT id FROM organisation WHERE code = ?1";
    const char *by_id = NULL, *by_code = NULL, *zh = "", *en = "";
    if (strcmp(kind, "area") == 0)
        by_id = area_id, by_code = area_code, zh = "没有这个编号或编码的区域", en = "no area has this id or code";
    else if (strcmp(kind, "category") == 0)
        by_id = cat_id, by_code = cat_code, zh = "没有这个编号或编码的类别", en = "no category has this id or code";
    else
        by_id = org_id, by_code = org_code, zh = "没有这个编号或编码的组织", en = "no organisation has this id or code";
    size_t len = strlen(ref);
    int digits = len > 0 && len <= 18 && strspn(ref, "0123456789") == len && ref[0] != '0';
    /* Digits are an id first; a code made of digits is still found. */
    for (int pass = digits ? 0 : 1; pass < 2; pass++) {
        sqlite3_stmt *st = db_stmt(c, pass == 0 ? by_id : by_code, err);
        if (!st)
            return -1;
        if (pass == 0)
            sqlite3_bind_int64(st, 1, strtoll(ref, NULL, 10));
        else
            db_bind_text(st, 1, ref);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *id = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            return 0;
        }
        if (rc != SQLITE_DONE)
            return db_fail(c, "case stats reference", err);
    }
    return tx_err_query(err, param, zh, en);
}

/* ---- reading the figures ---- */

static int parse_day(const char *s, const char *name, int32_t *day, tx_err *err)
{
    if (s == NULL || strlen(s) != 10 || tx_cal_parse_date(s, day))
        return tx_err_query(err, name, "必须是 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date");
    return 0;
}

/* {id, code, name, kind} of an area / organisation, {id, code, name,
 * name_en} of a category; 404 naming it when there is none. */
static int describe(store_conn *c, const char *sql_text_, int64_t id, const char *what, const char *k3, json_t **out,
                    tx_err *err)
{
    sqlite3_stmt *st = db_row_by_id(c, sql_text_, id, what, err);
    if (!st)
        return -1;
    *out = json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)id, "code", db_col_json_text(st, 1), "name",
                     db_col_json_text(st, 2), k3, db_col_json_text(st, 3));
    sqlite3_reset(st);
    return 0;
}

/* The ids of the area rows (org 0) or organisation rows to sum, as a JSON
 * array text (malloc'd). */
static int row_areas(store_conn *c, int64_t org_id, int64_t area_id, const char *area_kind, char **out, tx_err *err)
{
    static const char streets[] =
        "SELECT json_group_array(id) FROM (SELECT 0 AS id UNION ALL SELECT id FROM area WHERE kind = 'street')";
    static const char places[] = "SELECT json_group_array(id) FROM (SELECT 0 AS id UNION ALL SELECT id FROM area "
                                 "WHERE kind IN ('street', 'community'))";
    static const char street_places[] = "SELECT json_group_array(id) FROM (SELECT ?1 AS id UNION ALL SELECT id FROM "
                                        "area WHERE parent_id = ?1 AND kind = 'community')";
    const char *q = NULL;
    if (area_id == 0)
        q = org_id ? places : streets;
    else if (org_id && strcmp(area_kind, "street") == 0)
        q = street_places;
    if (q == NULL) {
        char buf[32];
        snprintf(buf, sizeof buf, "[%lld]", (long long)area_id);
        *out = strdup(buf);
        return *out ? 0 : tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    sqlite3_stmt *st = db_stmt(c, q, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, area_id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "case stats areas", err);
    *out = strdup(col_text(st, 0));
    sqlite3_reset(st);
    return *out ? 0 : tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
}

/* Cases of the period being handled now whose governing deadline passed:
 * one range of a queue index (street, community, grid, or all), then the
 * other filters on the rows found. A case's deadline always falls after its
 * submission, so due_at >= from bounds the range to the period's cases
 * rather than every overdue case ever (95 k of 10 M in bench/queries). */
static int overdue_open(store_conn *c, const store_case_stats_filter *f, const char *area_kind, int64_t from_ms,
                        int64_t to_ms, int64_t *n, tx_err *err)
{
#define OVERDUE(AREA)                                                                                                  \
    "SELECT count(*) FROM cases WHERE " AREA "open = 1 AND due_at < ?1 AND due_at >= ?2 AND +submitted_at >= ?2 AND "  \
    "+submitted_at < "                                                                                                 \
    "?3 AND (?4 = 0 OR category_id = ?4) AND (?5 = 0 OR department_id = ?5 OR (handler IN ('property_company', "      \
    "'department') AND handler_id = ?5))"
    static const char all[] = OVERDUE(""), street[] = OVERDUE("street_id = ?6 AND "),
                      community[] = OVERDUE("community_id = ?6 AND "), grid[] = OVERDUE("grid_id = ?6 AND ");
#undef OVERDUE
    const char *q = !area_kind                           ? all
                    : strcmp(area_kind, "street") == 0    ? street
                    : strcmp(area_kind, "community") == 0 ? community
                                                          : grid;
    sqlite3_stmt *st = db_stmt(c, q, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, f->now_ms);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    sqlite3_bind_int64(st, 4, f->category_id);
    sqlite3_bind_int64(st, 5, f->org_id);
    if (area_kind)
        sqlite3_bind_int64(st, 6, f->area_id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "case stats overdue", err);
    *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

static json_t *rate_json(const tx_cm_counts *sum, tx_cm_rate_kind k)
{
    tx_cm_rate r = tx_cm_rate_of(sum, k);
    double v;
    return json_pack("{s:o, s:I, s:I}", "value", tx_cm_rate_value(r, &v) == 0 ? json_real(v) : json_null(),
                     "numerator", (json_int_t)r.numerator, "denominator", (json_int_t)r.denominator);
}

static json_t *counts_json(const tx_cm_counts *s)
{
    const int64_t *n = s->n;
    json_t *o = json_object();
#define PUT(name, value) json_object_set_new(o, name, json_integer((json_int_t)(value)))
    PUT("received", n[TX_CM_RECEIVED]);
    PUT("valid", n[TX_CM_VALID]);
    PUT("merged", n[TX_CM_STATE_MERGED]);
    PUT("invalid", n[TX_CM_STATE_INVALID]);
    PUT("contacted", n[TX_CM_CONTACTED]);
    PUT("responded_on_time", n[TX_CM_RESPONDED_ON_TIME]);
    PUT("completed", n[TX_CM_STATE_RESOLVED] + n[TX_CM_STATE_CLOSED]);
    PUT("resolved", n[TX_CM_RESOLVED]);
    PUT("resolved_on_time", n[TX_CM_RESOLVED_ON_TIME]);
    PUT("resolved_at_grid", n[TX_CM_RESOLVED_AT_GRID]);
    PUT("resolved_in_community", n[TX_CM_RESOLVED_IN_COMMUNITY]);
    PUT("rated", n[TX_CM_RATED]);
    PUT("solved_yes", n[TX_CM_SOLVED_YES]);
    PUT("solved_no", n[TX_CM_RATED] - n[TX_CM_SOLVED_YES]);
    PUT("satisfied", n[TX_CM_SATISFIED]);
    PUT("basically_satisfied", n[TX_CM_BASICALLY_SATISFIED]);
    PUT("unsatisfied", n[TX_CM_UNSATISFIED]);
#undef PUT
    return o;
}

typedef struct {
    int64_t id, count;
} cat_count;

static int by_count(const void *a, const void *b)
{
    const cat_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* [{id, code, name, name_en, count}] of the categories with cases. */
static int categories_json(store_conn *c, cat_count *cats, int n, json_t **out, tx_err *err)
{
    static const char q[] = "SELECT id, code, name, name_en FROM category WHERE id = ?1";
    if (n > 1)
        qsort(cats, (size_t)n, sizeof *cats, by_count);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        sqlite3_stmt *st = db_stmt(c, q, err);
        if (!st) {
            json_decref(list);
            return -1;
        }
        sqlite3_bind_int64(st, 1, cats[i].id);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            json_decref(list);
            return db_fail(c, "case stats category", err);
        }
        int known = rc == SQLITE_ROW;
        json_array_append_new(list, json_pack("{s:I, s:o, s:o, s:o, s:I}", "id", (json_int_t)cats[i].id, "code",
                                              known ? db_col_json_text(st, 1) : json_null(), "name",
                                              known ? db_col_json_text(st, 2) : json_null(), "name_en",
                                              known ? db_col_json_text(st, 3) : json_null(), "count",
                                              (json_int_t)cats[i].count));
        sqlite3_reset(st);
    }
    *out = list;
    return 0;
}

/* ---- the optional parts: a series, a breakdown by area ---- */

/* The counts of a series point or of an area in a breakdown: those behind
 * the rates, without the states and channels (a year of days stays small). */
static json_t *point_counts(json_t *o, const tx_cm_counts *s)
{
    const int64_t *n = s->n;
#define PUT(name, value) json_object_set_new(o, name, json_integer((json_int_t)(value)))
    PUT("received", n[TX_CM_RECEIVED]);
    PUT("valid", n[TX_CM_VALID]);
    PUT("completed", n[TX_CM_STATE_RESOLVED] + n[TX_CM_STATE_CLOSED]);
    PUT("resolved", n[TX_CM_RESOLVED]);
    PUT("responded_on_time", n[TX_CM_RESPONDED_ON_TIME]);
    PUT("resolved_on_time", n[TX_CM_RESOLVED_ON_TIME]);
    PUT("rated", n[TX_CM_RATED]);
    PUT("solved_yes", n[TX_CM_SOLVED_YES]);
    PUT("satisfied", n[TX_CM_SATISFIED]);
    PUT("basically_satisfied", n[TX_CM_BASICALLY_SATISFIED]);
    PUT("unsatisfied", n[TX_CM_UNSATISFIED]);
#undef PUT
    return o;
}

static json_t *rates_json(const tx_cm_counts *sum)
{
    json_t *o = json_object();
    for (int k = 0; k < TX_CM_RATE__COUNT; k++)
        json_object_set_new(o, tx_cm_rate_code((tx_cm_rate_kind)k), rate_json(sum, (tx_cm_rate_kind)k));
    return o;
}

/* Step a statement of the filter's rows (?1 org, ?2 area ids, ?3..?4 days,
 * ?5 category) and add each row's 28 sums, after its key in column 0, to
 * slot[index(key)] (skipped when index < 0). */
static int sum_rows_by(store_conn *c, int which, const store_case_stats_filter *f, const char *areas, int32_t from,
                       int32_t to, int (*index)(int64_t key, const void *ctx), const void *ctx, tx_cm_counts *slot,
                       tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql(which), err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, f->org_id);
    sqlite3_bind_text(st, 2, areas, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, from);
    sqlite3_bind_int(st, 4, to);
    sqlite3_bind_int64(st, 5, f->category_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int i = index(sqlite3_column_int64(st, 0), ctx);
        if (i < 0)
            continue;
        for (int k = 0; k < TX_CM__COUNT; k++)
            slot[i].n[k] += sqlite3_column_int64(st, 1 + k);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? 0 : db_fail(c, "case stats", err);
}

static int day_index(int64_t day, const void *ctx)
{
    const int32_t *range = ctx; /* from, to */
    return day >= range[0] && day <= range[1] ? (int)(day - range[0]) : -1;
}

/* The Monday of a day's week (day 0, 1970-01-01, was a Thursday). */
static int32_t monday_of(int32_t day)
{
    return day - (int32_t)(((day % 7) + 7 + 3) % 7);
}

static int series_json(store_conn *c, const store_case_stats_filter *f, const char *areas, int32_t from, int32_t to,
                       json_t **out, tx_err *err)
{
    int n = to - from + 1;
    tx_cm_counts *days = calloc((size_t)n, sizeof *days);
    if (days == NULL)
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    int32_t range[2] = {from, to};
    if (sum_rows_by(c, SQL_SERIES, f, areas, from, to, day_index, range, days, err)) {
        free(days);
        return -1;
    }
    int weekly = f->series == STORE_CASE_STATS_BY_WEEK;
    json_t *points = json_array();
    for (int32_t d = from; d <= to;) {
        int32_t last = weekly ? monday_of(d) + 6 : d;
        if (last > to)
            last = to;
        tx_cm_counts sum = {{0}};
        for (int32_t x = d; x <= last; x++)
            for (int k = 0; k < TX_CM__COUNT; k++)
                sum.n[k] += days[x - from].n[k];
        char a[TX_CAL_DATE_STRLEN], b[TX_CAL_DATE_STRLEN];
        json_t *p = json_pack("{s:s, s:s}", "from", tx_cal_format_date(d, a), "to", tx_cal_format_date(last, b));
        json_array_append_new(points, point_counts(p, &sum));
        d = last + 1;
    }
    free(days);
    *out = json_pack("{s:s, s:o}", "interval", weekly ? "week" : "day", "points", points);
    return *out ? 0 : tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
}

typedef struct {
    int64_t id;
    int at; /* its place in code order */
} area_slot;

typedef struct {
    area_slot *by_id; /* sorted by id */
    int n;
} area_index;

static int slot_cmp(const void *a, const void *b)
{
    const area_slot *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int area_at(int64_t id, const void *ctx)
{
    const area_index *ix = ctx;
    area_slot key = {id, 0};
    const area_slot *hit = bsearch(&key, ix->by_id, (size_t)ix->n, sizeof key, slot_cmp);
    return hit ? hit->at : -1;
}

/* The breakdown's areas: every community or grid inside the filter's area
 * (below it through communities and grids only), or everywhere. */
static int breakdown_areas(store_conn *c, int64_t area_id, const char *kind, json_t **list, tx_err *err)
{
    static const char inside[] =
        "WITH RECURSIVE below(id) AS (SELECT id FROM area WHERE parent_id = ?1 AND kind IN ('community', 'grid') "
        "UNION ALL SELECT a.id FROM area a JOIN below b ON a.parent_id = b.id WHERE a.kind IN ('community', 'grid')) "
        "SELECT a.id, a.code, a.name, a.name_en, a.kind FROM below b JOIN area a ON a.id = b.id WHERE a.kind = ?2 "
        "ORDER BY a.code";
    static const char everywhere[] =
        "SELECT id, code, name, name_en, kind FROM area WHERE kind = ?2 AND ?1 = 0 ORDER BY code";
    sqlite3_stmt *st = db_stmt(c, area_id ? inside : everywhere, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, area_id);
    db_bind_text(st, 2, kind);
    json_t *a = json_array();
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(a, json_pack("{s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                                           "code", db_col_json_text(st, 1), "name", db_col_json_text(st, 2),
                                           "name_en", db_col_json_text(st, 3), "kind", db_col_json_text(st, 4)));
    sqlite3_reset(st);
    if (step != SQLITE_DONE) {
        json_decref(a);
        return db_fail(c, "case stats breakdown", err);
    }
    *list = a;
    return 0;
}

/* The open overdue cases of the period (as overdue_open) per community or
 * grid: one range of the parent's queue index (or of the deadline index
 * for everything), grouped. Adds each count to overdue[area_at(id)]. */
#define OVERDUE_WHERE(AREA)                                                                                            \
    " FROM cases WHERE " AREA "open = 1 AND due_at < ?1 AND due_at >= ?2 AND +submitted_at >= ?2 AND "                \
    "+submitted_at < ?3 AND (?4 = 0 OR category_id = ?4) AND (?5 = 0 OR department_id = ?5 OR (handler IN "          \
    "('property_company', 'department') AND handler_id = ?5))"
static int overdue_by_area(store_conn *c, const store_case_stats_filter *f, const char *area_kind, const char *by,
                           int64_t from_ms, int64_t to_ms, const area_index *ix, int64_t *overdue, tx_err *err)
{
#define BY(AREA, COL) "SELECT " COL ", count(*)" OVERDUE_WHERE(AREA) " GROUP BY " COL
    static const char *const q[4][2] = {
        {BY("", "community_id"), BY("", "grid_id")},
        {BY("street_id = ?6 AND ", "community_id"), BY("street_id = ?6 AND ", "grid_id")},
        {BY("community_id = ?6 AND ", "community_id"), BY("community_id = ?6 AND ", "grid_id")},
        {BY("grid_id = ?6 AND ", "community_id"), BY("grid_id = ?6 AND ", "grid_id")},
    };
#undef BY
    int a = !area_kind                              ? 0
            : strcmp(area_kind, "street") == 0      ? 1
            : strcmp(area_kind, "community") == 0   ? 2
                                                    : 3;
    sqlite3_stmt *st = db_stmt(c, q[a][strcmp(by, "grid") == 0], err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, f->now_ms);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    sqlite3_bind_int64(st, 4, f->category_id);
    sqlite3_bind_int64(st, 5, f->org_id);
    if (a)
        sqlite3_bind_int64(st, 6, f->area_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int i = area_at(sqlite3_column_int64(st, 0), ix);
        if (i >= 0)
            overdue[i] += sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? 0 : db_fail(c, "case stats overdue", err);
}

static int breakdown_json(store_conn *c, const store_case_stats_filter *f, const char *area_kind, int32_t from,
                          int32_t to, int64_t from_ms, int64_t to_ms, json_t **out, tx_err *err)
{
    json_t *list = NULL;
    if (breakdown_areas(c, f->area_id, f->breakdown, &list, err))
        return -1;
    int n = (int)json_array_size(list);
    area_index ix = {calloc((size_t)n + 1, sizeof(area_slot)), n};
    tx_cm_counts *sums = calloc((size_t)n + 1, sizeof *sums);
    int64_t *overdue = calloc((size_t)n + 1, sizeof *overdue);
    /* the areas' ids as the JSON array the row filter takes */
    json_t *ids = json_array();
    char *ids_text = NULL;
    int rc = ix.by_id && sums && overdue && ids ? 0 : tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    for (int i = 0; rc == 0 && i < n; i++) {
        int64_t id = (int64_t)json_integer_value(json_object_get(json_array_get(list, (size_t)i), "id"));
        ix.by_id[i] = (area_slot){id, i};
        json_array_append_new(ids, json_integer((json_int_t)id));
    }
    if (rc == 0 && (ids_text = json_dumps(ids, JSON_COMPACT)) == NULL)
        rc = tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    if (rc == 0) {
        qsort(ix.by_id, (size_t)n, sizeof *ix.by_id, slot_cmp);
        rc = sum_rows_by(c, SQL_BY_AREA, f, ids_text, from, to, area_at, &ix, sums, err) ||
             overdue_by_area(c, f, area_kind, f->breakdown, from_ms, to_ms, &ix, overdue, err);
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        json_t *a = json_array_get(list, (size_t)i);
        json_object_set_new(a, "counts", point_counts(json_object(), &sums[i]));
        json_object_set_new(a, "rates", rates_json(&sums[i]));
        json_object_set_new(a, "overdue_open", json_integer((json_int_t)overdue[i]));
    }
    free(ids_text);
    json_decref(ids);
    free(ix.by_id);
    free(sums);
    free(overdue);
    if (rc) {
        json_decref(list);
        return -1;
    }
    *out = list;
    return 0;
}

/* The optional parts asked for make sense with the area and org asked for. */
static int check_parts(const store_case_stats_filter *f, const char *kind, tx_err *err)
{
    if (f->series != STORE_CASE_STATS_NO_SERIES && f->series != STORE_CASE_STATS_BY_DAY &&
        f->series != STORE_CASE_STATS_BY_WEEK)
        return tx_err_query(err, "series", "只能是 day 或 week", "must be day or week");
    if (f->breakdown == NULL)
        return 0;
    int community = strcmp(f->breakdown, "community") == 0, grid = strcmp(f->breakdown, "grid") == 0;
    if (!community && !grid)
        return tx_err_query(err, "breakdown", "只能是 community 或 grid", "must be community or grid");
    if (kind && (strcmp(kind, "grid") == 0 || (community && strcmp(kind, "community") == 0)))
        return tx_err_query(err, "breakdown", "必须是比 area 低一级的区域类型",
                            "must be a kind of area below the area asked for");
    if (grid && f->org_id)
        return tx_err_query(err, "breakdown", "组织的统计只能按社区划分，不能按网格",
                            "an organisation's figures are kept by community, not by grid");
    return 0;
}

int store_case_stats(store_conn *c, const store_case_stats_filter *f, json_t **out, tx_err *err)
{
    static const char area_q[] = "SELECT id, code, name, kind FROM area WHERE id = ?1",
                      cat_q[] = "SELECT id, code, name, name_en FROM category WHERE id = ?1",
                      org_q[] = "SELECT id, code, name, kind FROM organisation WHERE id = ?1";
    int32_t from, to;
    if (parse_day(f->from, "from", &from, err) || parse_day(f->to, "to", &to, err))
        return -1;
    if (to < from)
        return tx_err_query(err, "to", "不能早于 from", "must not be before from");
    if (to - from >= STORE_CASE_STATS_MAX_DAYS)
        return tx_err_query(err, "to", "统计期最长 366 天", "the period is at most 366 days");
    json_t *area = json_null(), *category = json_null(), *org = json_null();
    const char *kind = NULL;
    int rc = 0;
    if (f->area_id) {
        rc = describe(c, area_q, f->area_id, "area", "kind", &area, err);
        kind = rc ? NULL : json_string_value(json_object_get(area, "kind"));
        if (rc == 0 && (kind == NULL || (strcmp(kind, "street") && strcmp(kind, "community") && strcmp(kind, "grid"))))
            rc = tx_err_query(err, "area", "必须是街道、社区或网格", "must be a street, community or grid");
        if (rc == 0 && f->org_id && strcmp(kind, "grid") == 0)
            rc = tx_err_query(err, "org", "组织的统计只能按街道或社区划分，不能按网格",
                              "an organisation's figures are kept by street and community, not by grid");
    }
    if (rc == 0 && f->category_id)
        rc = describe(c, cat_q, f->category_id, "category", "name_en", &category, err);
    if (rc == 0 && f->org_id)
        rc = describe(c, org_q, f->org_id, "organisation", "kind", &org, err);
    if (rc == 0)
        rc = check_parts(f, kind, err);
    char *areas = NULL;
    if (rc == 0)
        rc = row_areas(c, f->org_id, f->area_id, kind, &areas, err);
    static const char by_cat_q[] = "SELECT category_id, sum(received)" FILTER_ROWS " GROUP BY category_id";
    tx_cm_counts sum = {{0}};
    cat_count *cats = NULL;
    int ncats = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        sqlite3_stmt *st = db_stmt(c, pass == 0 ? sql(SQL_SUMS) : by_cat_q, err);
        if (st == NULL) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(st, 1, f->org_id);
        sqlite3_bind_text(st, 2, areas, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, from);
        sqlite3_bind_int(st, 4, to);
        sqlite3_bind_int64(st, 5, f->category_id);
        int step, cap = 0;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            if (pass == 0) {
                for (int k = 0; k < TX_CM__COUNT; k++)
                    sum.n[k] = sqlite3_column_int64(st, k); /* NULL (no rows): 0 */
                continue;
            }
            int64_t n = sqlite3_column_int64(st, 1);
            if (n == 0)
                continue; /* rows emptied by their cases moving on */
            if (ncats == cap) {
                cap = cap ? 2 * cap : 32;
                cat_count *more = realloc(cats, (size_t)cap * sizeof *cats);
                if (more == NULL)
                    break;
                cats = more;
            }
            cats[ncats++] = (cat_count){sqlite3_column_int64(st, 0), n};
        }
        if (step != SQLITE_DONE)
            rc = step == SQLITE_ROW ? tx_err_set(err, 500, "internal", NULL, M_INTERNAL) : db_fail(c, "case stats", err);
        sqlite3_reset(st);
    }
    int64_t from_ms = (int64_t)from * DAY_MS - UTC8_MS, to_ms = ((int64_t)to + 1) * DAY_MS - UTC8_MS, overdue = 0;
    json_t *by_category = NULL, *series = NULL, *by_area = NULL;
    if (rc == 0)
        rc = overdue_open(c, f, kind, from_ms, to_ms, &overdue, err) || categories_json(c, cats, ncats, &by_category, err);
    if (rc == 0 && f->series)
        rc = series_json(c, f, areas, from, to, &series, err);
    if (rc == 0 && f->breakdown)
        rc = breakdown_json(c, f, kind, from, to, from_ms, to_ms, &by_area, err);
    free(areas);
    free(cats);
    if (rc) {
        json_decref(area);
        json_decref(category);
        json_decref(org);
        json_decref(by_category);
        json_decref(series);
        return -1;
    }
    json_t *by_state = json_object(), *by_channel = json_object();
    for (int s = 0; s < TX_CASE__STATE_COUNT; s++)
        json_object_set_new(by_state, tx_case_state_code((tx_case_state)s),
                            json_integer((json_int_t)sum.n[TX_CM_STATE_SUBMITTED + s]));
    for (int ch = 0; ch < TX_CM_CH__COUNT; ch++)
        json_object_set_new(by_channel, tx_cm_channel_code((tx_cm_channel)ch),
                            json_integer((json_int_t)sum.n[TX_CM_CHANNEL_WEB + ch]));
    char a[TX_CAL_DATE_STRLEN], b[TX_CAL_DATE_STRLEN];
    *out = json_pack("{s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "period", "from",
                     tx_cal_format_date(from, a), "to", tx_cal_format_date(to, b), "area", area, "category", category,
                     "org", org, "counts", counts_json(&sum), "by_state", by_state, "by_category", by_category,
                     "by_channel", by_channel, "rates", rates_json(&sum), "overdue_open", (json_int_t)overdue);
    if (*out == NULL) {
        json_decref(series);
        json_decref(by_area);
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    if (series)
        json_object_set_new(*out, "series", series);
    if (by_area)
        json_object_set_new(*out, "by_area", by_area);
    return 0;
}

/* ---- the audit: recompute from the events ---- */

static int64_t data_int(json_t *d, const char *k)
{
    json_t *v = json_object_get(d, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *data_str(json_t *d, const char *k)
{
    return json_string_value(json_object_get(d, k));
}

/* One case_event row (columns 2.. of the fold query) as the fold reads it. */
static void read_event(sqlite3_stmt *st, tx_cm_event *e)
{
    memset(e, 0, sizeof *e);
    const char *action = col_text(st, 3);
    e->report = action && strcmp(action, "report") == 0;
    e->has_action = !e->report && tx_case_action_parse(action, &e->action) == 0;
    e->at = sqlite3_column_int64(st, 2);
    if (tx_case_state_parse(col_text(st, 4), &e->to_state))
        e->to_state = TX_CASE__STATE_COUNT;
    if (tx_tier_parse(col_text(st, 5), &e->tier))
        e->tier = TX_TIER__COUNT;
    if (tx_case_handler_parse(col_text(st, 6), &e->handler))
        e->handler = TX_HANDLER_NONE;
    e->handler_id = sqlite3_column_int64(st, 7);
    e->channel = TX_CM_CH__COUNT;
    const char *text = col_text(st, 8);
    json_t *d = text ? json_loads(text, 0, NULL) : NULL;
    if (d == NULL)
        return;
    e->category_id = data_int(d, "category_id");
    e->street_id = data_int(d, "street_id");
    e->community_id = data_int(d, "community_id");
    e->grid_id = data_int(d, "grid_id");
    if (data_str(d, "channel") && tx_cm_channel_parse(data_str(d, "channel"), &e->channel))
        e->channel = TX_CM_CH__COUNT;
    e->due_contact = data_int(d, "due_contact");
    e->due_resolve = data_int(d, "due_resolve");
    e->department_id = data_int(d, "department_id");
    if (data_str(d, "solved") && tx_case_solved_parse(data_str(d, "solved"), &e->solved))
        e->solved = TX_SOLVED_UNANSWERED;
    if (data_str(d, "satisfaction") && tx_case_satisfaction_parse(data_str(d, "satisfaction"), &e->satisfaction))
        e->satisfaction = TX_SAT_UNANSWERED;
    json_decref(d);
}

/* Add one folded case to the recomputed rows. */
static int add_case(store_conn *c, const tx_cm_case *k, tx_err *err)
{
    tx_cm_row rows[TX_CM_MAX_ROWS];
    tx_cm_counts v;
    int n = tx_cm_rows(k, rows);
    tx_cm_contribution(k, &v);
    for (int i = 0; i < n; i++)
        if (add_to_row(c, SQL_UPSERT_TEMP, &rows[i], &v, err))
            return -1;
    return 0;
}

/* Fold every case's events into temp.case_stats_recomputed. */
static int fold_all(store_conn *c, int64_t *ncases, int64_t *nevents, json_t *odd, tx_err *err)
{
    static const char q[] = "SELECT c.id, e.id, e.at, e.action, e.to_state, e.tier, e.handler, e.handler_id, e.data "
                            "FROM cases c LEFT JOIN case_event e ON e.case_id = c.id ORDER BY c.id, e.id";
    sqlite3_stmt *st = db_stmt(c, q, err);
    if (!st)
        return -1;
    int64_t cur = 0;
    int placed = 0, rc;
    tx_cm_case k;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id != cur) {
            if (placed && add_case(c, &k, err)) {
                sqlite3_reset(st);
                return -1;
            }
            cur = id;
            (*ncases)++;
            tx_cm_case_init(&k);
            placed = 0;
            tx_cm_event e;
            read_event(st, &e);
            if (e.report) {
                placed = 1;
            } else if (json_array_size(odd) < MAX_LISTED) {
                json_array_append_new(odd, json_integer((json_int_t)id));
            }
            if (sqlite3_column_type(st, 1) != SQLITE_NULL)
                (*nevents)++;
            if (placed)
                tx_cm_fold(&k, &e);
            continue;
        }
        (*nevents)++;
        if (placed) {
            tx_cm_event e;
            read_event(st, &e);
            tx_cm_fold(&k, &e);
        }
    }
    if (rc != SQLITE_DONE) {
        sqlite3_reset(st);
        return db_fail(c, "case stats recompute", err);
    }
    return placed ? add_case(c, &k, err) : 0;
}

typedef struct {
    sqlite3_stmt *st;
    int has; /* positioned on a row */
    tx_cm_row row;
    tx_cm_counts v;
} cursor;

static int cursor_next(store_conn *c, cursor *cu, int64_t *count, tx_err *err)
{
    for (;;) {
        int rc = sqlite3_step(cu->st);
        if (rc == SQLITE_DONE) {
            cu->has = 0;
            return 0;
        }
        if (rc != SQLITE_ROW)
            return db_fail(c, "case stats compare", err);
        int zero = 1;
        for (int k = 0; k < TX_CM__COUNT; k++)
            zero &= (cu->v.n[k] = sqlite3_column_int64(cu->st, 4 + k)) == 0;
        if (zero)
            continue; /* a row of zeros is the same as no row */
        cu->row = (tx_cm_row){sqlite3_column_int64(cu->st, 0), sqlite3_column_int64(cu->st, 1),
                              sqlite3_column_int(cu->st, 2), sqlite3_column_int64(cu->st, 3)};
        cu->has = 1;
        (*count)++;
        return 0;
    }
}

static int row_cmp(const tx_cm_row *a, const tx_cm_row *b)
{
#define CMP(f)                                                                                                         \
    if (a->f != b->f)                                                                                                  \
        return a->f < b->f ? -1 : 1;
    CMP(org_id) CMP(area_id) CMP(day) CMP(category_id)
#undef CMP
    return 0;
}

static json_t *difference(const tx_cm_row *r, const tx_cm_counts *stored, const tx_cm_counts *re)
{
    char d[TX_CAL_DATE_STRLEN];
    json_t *cols = json_object();
    for (int k = 0; k < TX_CM__COUNT; k++)
        if (stored->n[k] != re->n[k])
            json_object_set_new(cols, tx_cm_counter_code((tx_cm_counter)k),
                                json_pack("{s:I, s:I}", "stored", (json_int_t)stored->n[k], "recomputed",
                                          (json_int_t)re->n[k]));
    return json_pack("{s:I, s:I, s:s, s:I, s:o}", "org_id", (json_int_t)r->org_id, "area_id", (json_int_t)r->area_id,
                     "day", tx_cal_format_date(r->day, d), "category_id", (json_int_t)r->category_id, "counters", cols);
}

/* Walk both tables in key order, side by side. */
static int compare(store_conn *c, json_t *diffs, int64_t *nstored, int64_t *nre, int64_t *ncompared, int64_t *ndiff,
                   tx_err *err)
{
    cursor m = {db_stmt(c, sql(SQL_ROWS_MAIN), err)}, t = {NULL};
    if (m.st == NULL)
        return -1;
    /* the second statement is fetched after the first: db_stmt resets only
     * the one it returns */
    t.st = db_stmt(c, sql(SQL_ROWS_TEMP), err);
    if (t.st == NULL)
        return -1;
    int rc = cursor_next(c, &m, nstored, err) || cursor_next(c, &t, nre, err);
    static const tx_cm_counts zero;
    while (rc == 0 && (m.has || t.has)) {
        int o = !m.has ? 1 : !t.has ? -1 : row_cmp(&m.row, &t.row);
        const tx_cm_row *r = o <= 0 ? &m.row : &t.row;
        const tx_cm_counts *sv = o <= 0 ? &m.v : &zero, *rv = o >= 0 ? &t.v : &zero;
        (*ncompared)++;
        if (memcmp(sv, rv, sizeof *sv) != 0) {
            (*ndiff)++;
            if (json_array_size(diffs) < MAX_LISTED)
                json_array_append_new(diffs, difference(r, sv, rv));
        }
        rc = (o <= 0 && cursor_next(c, &m, nstored, err)) || (o >= 0 && cursor_next(c, &t, nre, err));
    }
    /* both ran to their end unless something failed */
    sqlite3_reset(m.st);
    sqlite3_reset(t.st);
    return rc ? -1 : 0;
}

int store_case_stats_recompute(store_conn *c, int fix, json_t **report, tx_err *err)
{
    int own = sqlite3_get_autocommit(c->db);
    if (db_exec(c, own ? (fix ? "BEGIN IMMEDIATE" : "BEGIN") : "SAVEPOINT case_stats_recompute", err))
        return -1;
    json_t *diffs = json_array(), *odd = json_array();
    int64_t ncases = 0, nevents = 0, nstored = 0, nre = 0, ncompared = 0, ndiff = 0;
    int rc = db_exec(c, "DROP TABLE IF EXISTS temp.case_stats_recomputed", err) ||
             db_exec(c, "CREATE TEMP TABLE case_stats_recomputed AS SELECT * FROM main.case_stats WHERE 0", err) ||
             db_exec(c, "CREATE UNIQUE INDEX temp.case_stats_recomputed_key ON case_stats_recomputed (org_id, "
                        "area_id, day, category_id)", err) ||
             fold_all(c, &ncases, &nevents, odd, err) ||
             compare(c, diffs, &nstored, &nre, &ncompared, &ndiff, err);
    int fixed = 0;
    if (rc == 0 && fix && ndiff > 0) {
        rc = db_exec(c, "DELETE FROM main.case_stats", err) || db_exec(c, sql(SQL_COPY), err);
        fixed = rc == 0;
    }
    if (rc == 0)
        rc = db_exec(c, "DROP TABLE temp.case_stats_recomputed", err);
    if (rc == 0)
        rc = db_exec(c, own ? "COMMIT" : "RELEASE case_stats_recompute", err);
    if (rc) {
        if (own)
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        else
            sqlite3_exec(c->db, "ROLLBACK TO case_stats_recompute; RELEASE case_stats_recompute", NULL, NULL, NULL);
        json_decref(diffs);
        json_decref(odd);
        return -1;
    }
    *report = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:b}", "cases", (json_int_t)ncases, "events",
                        (json_int_t)nevents, "rows_stored", (json_int_t)nstored, "rows_recomputed", (json_int_t)nre,
                        "rows_compared", (json_int_t)ncompared, "differences_total", (json_int_t)ndiff, "differences",
                        diffs, "cases_without_report", odd, "fixed", fixed);
    return 0;
}
