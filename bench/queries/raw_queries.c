/* raw_queries: the ceiling for bench/queries — the SQL that tongxin runs for
 * each case query, run straight on the same database file, without HTTP,
 * authentication or JSON.
 *
 *   raw_queries --db DB --specs FILE [--threads T] [--seconds S] [--now MS]
 *   raw_queries --db DB --explain     EXPLAIN QUERY PLAN of every statement
 *
 * FILE has one request per line, as bench/queries/run writes them next to
 * the URLs it gives wrk:
 *   list WHICH SCOPE_ID OPEN_ONLY OVERDUE PUBLIC   GET /api/v1/cases (a queue page or the public list)
 *       WHICH: 0 all, 1 street, 2 community, 3 grid; OPEN_ONLY 0 any,
 *       1 open, 2 awaiting the rating, 3 either; OVERDUE 1: due_at < now
 *       (else the bound is INT64_MAX, as tongxin binds it); PUBLIC 1: the
 *       public list (no merged or invalid cases, newest first). First the
 *       look-ups of the area api_cases_list makes (for staff queues its
 *       ancestry, then the area; for the public list the area), then
 *       store_case_list's: the catalogue version (the name cache's check),
 *       the capped count (count_sql), and the page of 50: for a queue the
 *       index-ordered stream of each value of `open` of the status
 *       (stream_sql, LIMIT offset + limit), the open ones merged by
 *       (due_at, id) and the finished ones after them, as queue_page does;
 *       for the public list the one statement (public_sql). Every column
 *       of every row of the page is read, and the area, organisation and
 *       handler names case_json shows are looked up only when this
 *       connection has not seen them yet, as refs.c caches them.
 *   get ID                                         GET /api/v1/cases/{id}
 *       store_case_load's row, the catalogue version, the case with its
 *       category, the names of the full view (street, community, grid,
 *       compound, handler, routing handler, department; cached as for the
 *       lists), the timeline and the photos.
 *   stats AREA KIND FROM_DAY TO_DAY                GET /api/v1/stats/cases?area=AREA
 *       KIND 1 street, 2 community, 3 grid; days since 1970-01-01 (UTC+8).
 *       store_case_stats's statements: the area, the sums of its counter
 *       rows (case_stats) over the days, the counts by category, the open
 *       cases of the period past their deadline, the categories' names.
 * T threads (default 2, as tongxin's readers), each with its own read-only
 * connection opened as tongxin's readers are (query_only, foreign_keys,
 * cache_size) and its own name cache, go through the lines from their own
 * offset for S seconds (default 5).
 * Prints, per kind of line (the first word and, for lists, WHICH):
 *   RAWQ kind=K ops=N seconds=S ops_per_s=R p50_ms=A p99_ms=B max_ms=C
 *
 * The SQL is copied from src/store/sqlite/case.c (CASE_COLS, STATE_COLS,
 * LIST_FILTERS, LIST_STREAMS, COUNT_OF, PUBLIC_PAGE, list_bind, queue_page,
 * timeline, photos), src/store/sqlite/refs.c (db_ref_area, db_ref_org),
 * src/store/sqlite/catalogue.c (store_catalogue_version),
 * src/store/sqlite/area.c (store_area_get, store_area_ancestry) and
 * src/store/sqlite/case_stats.c (FILTER_ROWS, OVERDUE, by category); the
 * handler and department scopes of the lists are left out (bench/queries
 * does not ask for them). bench/queries/run checks that case.c, refs.c and
 * catalogue.c still have these statements and says so when they do not. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define CASE_COLS                                                                                                      \
    "c.id, k.code, k.name, k.name_en, c.description, c.attributes, c.lat, c.lon, c.address, c.channel, "            \
    "c.external_id, c.reporter_name, c.reporter_phone, c.reporter_email, c.contact_ok, c.street_id, "               \
    "c.community_id, c.grid_id, c.compound_id, c.inside_red_line, c.route_handler, c.route_handler_id, "            \
    "c.route_reason, c.route_reason_en, c.state, c.tier, c.handler, c.handler_id, c.department_id, "                \
    "c.referral_due, c.submitted_at, c.accepted_at, c.contacted_at, c.resolved_at, c.resolved_tier, c.closed_at, "  \
    "c.merged_into, c.due_accept, c.due_contact, c.due_resolve, c.due_at, c.solved, c.satisfaction, "               \
    "c.rating_comment, c.rated_at, c.updated_at, c.open, c.reopened_count, c.escalated_count, c.route_rule_id"
#define STATE_COLS                                                                                                     \
    "id, state, tier, handler, handler_id, grid_id, community_id, street_id, reporter_user_id, contacted_at, "      \
    "department_id, referral_due, resolved_at, closed_at, merged_into, category_id, token_hash, submitted_at, "     \
    "due_accept, due_contact, due_resolve, due_at, accepted_at, compound_id, route_handler, route_handler_id, "     \
    "left_community, due_work"
#define LIST_FILTERS                                                                                                   \
    " AND c.due_at < ?5 AND (?3 IS NULL OR c.state = ?3) AND (?4 = 0 OR c.category_id = ?4)"                          \
    " AND (?6 = 0 OR c.submitted_at >= ?6)"                                                                         \
    " AND (?7 IS NULL OR instr(c.description, ?7) > 0 OR instr(coalesce(c.address, ''), ?7) > 0)"                   \
    " AND (?8 = 0 OR c.state NOT IN ('merged', 'invalid'))"
#define LIST_FROM " FROM cases c JOIN category k ON k.id = c.category_id WHERE "
/* one stream per value of open: 0 finished, 1 being handled, 2 awaiting the rating */
#define LIST_STREAMS(SCOPE)                                                                                            \
    {"SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open = 0" LIST_FILTERS " ORDER BY c.due_at, c.id LIMIT ?9",        \
     "SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open = 1" LIST_FILTERS " ORDER BY c.due_at, c.id LIMIT ?9",        \
     "SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open = 2" LIST_FILTERS " ORDER BY c.due_at, c.id LIMIT ?9"}
#define COUNT_OF(SCOPE, OPEN)                                                                                          \
    "SELECT count(*) FROM (SELECT 1 FROM cases c WHERE " SCOPE OPEN LIST_FILTERS " LIMIT ?12)"
/* by status: any, being handled (open = 1), awaiting the rating (open = 2), either (open > 0) */
#define LIST_COUNTS(SCOPE)                                                                                             \
    {COUNT_OF(SCOPE, ""), COUNT_OF(SCOPE, " AND c.open = 1"), COUNT_OF(SCOPE, " AND c.open = 2"),                   \
     COUNT_OF(SCOPE, " AND c.open > 0")}
#define PUBLIC_PAGE(SCOPE)                                                                                             \
    "SELECT " CASE_COLS LIST_FROM SCOPE                                                                                \
    " AND (?2 = 0 OR (?2 = 1 AND c.open = 1) OR (?2 = 2 AND c.open = 2) OR (?2 = 3 AND c.open > 0))" LIST_FILTERS \
    " ORDER BY c.id DESC LIMIT ?9 OFFSET ?10"

/* scopes: 0 everything, 1 street, 2 community, 3 grid (tongxin's 4 handler
 * and 5 department are not asked for here) */
#define SCOPES(M) {M("?1 = ?1"), M("c.street_id = ?1"), M("c.community_id = ?1"), M("c.grid_id = ?1")}
static const char *const stream_sql[][3] = SCOPES(LIST_STREAMS);
static const char *const count_sql[][4] = SCOPES(LIST_COUNTS);
static const char *const public_sql[] = {PUBLIC_PAGE("?1 = ?1"), PUBLIC_PAGE("+c.street_id = ?1"),
                                         PUBLIC_PAGE("+c.community_id = ?1"), PUBLIC_PAGE("+c.grid_id = ?1")};
static const char *const list_names[] = {"all", "street", "community", "grid"};
#define LIST_LIMIT 50 /* the page bench/queries asks for (the default), from offset 0 */

/* statements: the lists' streams (scope × open), counts (scope × status)
 * and public pages (scope), then the others */
enum {
    Q_STREAMS = 0,
    Q_COUNTS = Q_STREAMS + 4 * 3,
    Q_PUBLIC = Q_COUNTS + 4 * 4,
    Q_VERSION = Q_PUBLIC + 4,
    Q_AREA,
    Q_AREA_GET,
    Q_ANCESTRY,
    Q_ORG,
    Q_LOAD,
    Q_GET,
    Q_TIMELINE,
    Q_PHOTOS,
    Q_STATS_SUMS,
    Q_STATS_BY_CAT,
    Q_STATS_OVERDUE_ALL,
    Q_STATS_OVERDUE_STREET,
    Q_STATS_OVERDUE_COMMUNITY,
    Q_STATS_OVERDUE_GRID,
    Q_CATEGORY,
    Q_N
};

/* The statistics' sums name every counter column of case_stats: read from
 * the table at start (src/store/sqlite/case_stats.c builds them from the
 * same list). */
static char stats_sums_sql[4096];
#define FILTER_ROWS                                                                                                    \
    " FROM main.case_stats WHERE org_id = ?1 AND area_id IN (SELECT value FROM json_each(?2)) AND day BETWEEN ?3 "  \
    "AND ?4 AND (?5 = 0 OR category_id = ?5)"
#define OVERDUE(AREA)                                                                                                  \
    "SELECT count(*) FROM cases WHERE " AREA "open = 1 AND due_at < ?1 AND due_at >= ?2 AND +submitted_at >= ?2 AND "  \
    "+submitted_at < "                                                                                                 \
    "?3 AND (?4 = 0 OR category_id = ?4) AND (?5 = 0 OR department_id = ?5 OR (handler IN ('property_company', "      \
    "'department') AND handler_id = ?5))"
static const char *sql_of(int q)
{
    switch (q) {
    case Q_VERSION: /* store_catalogue_version */
        return "SELECT sum(value) FROM meta WHERE key IN ('catalogue_version', 'areas_version')";
    case Q_AREA: return "SELECT id, code, name, kind, name_en FROM area WHERE id = ?1"; /* db_ref_area */
    case Q_AREA_GET: /* store_area_get */
        return "SELECT a.id, a.kind, a.code, a.name, a.name_en, a.parent_id, p.code, a.boundary, "
               "a.population_registered, a.population_resident, a.households, a.founded, a.notes, a.extra FROM area a "
               "LEFT JOIN area p ON p.id = a.parent_id WHERE a.id = ?1";
    case Q_ANCESTRY: return "SELECT parent_id FROM area WHERE id = ?1"; /* store_area_ancestry, one level a step */
    case Q_ORG: return "SELECT id, code, name, name_en FROM organisation WHERE id = ?1"; /* db_ref_org */
    case Q_LOAD: return "SELECT " STATE_COLS " FROM cases WHERE id = ?1";
    case Q_GET: return "SELECT " CASE_COLS " FROM cases c JOIN category k ON k.id = c.category_id WHERE c.id = ?1";
    case Q_TIMELINE:
        return "SELECT id, at, actor, actor_role, action, from_state, to_state, tier, handler, handler_id, public, text, "
               "data FROM case_event WHERE case_id = ?1 AND (public OR ?2) ORDER BY id";
    case Q_PHOTOS: return "SELECT hash, mime, bytes, event_id FROM case_photo WHERE case_id = ?1 ORDER BY id";
    case Q_STATS_SUMS: return stats_sums_sql;
    case Q_STATS_BY_CAT: return "SELECT category_id, sum(received)" FILTER_ROWS " GROUP BY category_id";
    case Q_STATS_OVERDUE_ALL: return OVERDUE("");
    case Q_STATS_OVERDUE_STREET: return OVERDUE("street_id = ?6 AND ");
    case Q_STATS_OVERDUE_COMMUNITY: return OVERDUE("community_id = ?6 AND ");
    case Q_STATS_OVERDUE_GRID: return OVERDUE("grid_id = ?6 AND ");
    case Q_CATEGORY: return "SELECT id, code, name, name_en FROM category WHERE id = ?1";
    default:
        if (q < Q_COUNTS)
            return stream_sql[(q - Q_STREAMS) / 3][(q - Q_STREAMS) % 3];
        if (q < Q_PUBLIC)
            return count_sql[(q - Q_COUNTS) / 4][(q - Q_COUNTS) % 4];
        return public_sql[q - Q_PUBLIC];
    }
}

typedef struct {
    int kind; /* 0..3 list WHICH, 4 get, 5 stats */
    long long a, b, c, d, e;
} spec;

static spec *specs;
static int nspecs;
static double seconds = 5;
static long long now_ms;
static const char *db_path;

#define KINDS 6
static const char *kind_name(int k)
{
    return k < 4 ? list_names[k] : k == 4 ? "get" : "stats";
}

typedef struct {
    int id;
    double *lat[KINDS];
    long n[KINDS], cap[KINDS];
    int failed;
} worker;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Step through every row, reading each column as the server does. */
static long drain(sqlite3_stmt *st)
{
    long rows = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        for (int i = 0; i < n; i++)
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_TEXT: (void)sqlite3_column_text(st, i); break;
            case SQLITE_INTEGER: (void)sqlite3_column_int64(st, i); break;
            case SQLITE_FLOAT: (void)sqlite3_column_double(st, i); break;
            default: break;
            }
        rows++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? rows : -1;
}

static int by_id(sqlite3_stmt *st, long long id)
{
    if (id == 0)
        return 0;
    sqlite3_bind_int64(st, 1, id);
    return drain(st) < 0 ? -1 : 0;
}

/* A reader connection: its statements, and the names it has looked up
 * (refs.c's cache: an open-addressing set keyed by kind and id, emptied
 * when the catalogue version moves or when half full). */
#define REFS_CAP 4096
enum { REF_AREA, REF_ORG };
typedef struct {
    sqlite3_stmt *q[Q_N];
    long long version;
    int has_version, used;
    uint64_t slot[REFS_CAP];
} conn;

/* db_refs_check: the catalogue version, once per request */
static int refs_check(conn *k)
{
    sqlite3_stmt *st = k->q[Q_VERSION];
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (!k->has_version || v != k->version) {
        memset(k->slot, 0, sizeof k->slot);
        k->used = 0;
        k->version = v;
        k->has_version = 1;
    }
    return 0;
}

/* db_ref_area / db_ref_org: the row only when this connection has not
 * looked it up yet */
static int ref(conn *k, int type, long long id)
{
    if (id <= 0)
        return 0;
    uint64_t key = ((uint64_t)(type + 1) << 56) | (uint64_t)id, h = key * 0x9E3779B97F4A7C15ull;
    int i = (int)(h >> 52) & (REFS_CAP - 1);
    while (k->slot[i] && k->slot[i] != key)
        i = (i + 1) & (REFS_CAP - 1);
    if (k->slot[i])
        return 0;
    if (by_id(k->q[type == REF_AREA ? Q_AREA : Q_ORG], id))
        return -1;
    if (k->used >= REFS_CAP / 2) {
        memset(k->slot, 0, sizeof k->slot);
        k->used = 0;
        i = (int)(h >> 52) & (REFS_CAP - 1);
        while (k->slot[i])
            i = (i + 1) & (REFS_CAP - 1);
    }
    k->slot[i] = key;
    k->used++;
    return 0;
}

/* db_ref_handler: an area for the offices, an organisation for a property
 * company or a department. */
static int handler_ref(conn *k, const char *kind, long long id)
{
    if (kind == NULL || strcmp(kind, "none") == 0)
        return 0;
    if (strcmp(kind, "property_company") == 0 || strcmp(kind, "department") == 0)
        return ref(k, REF_ORG, id);
    return ref(k, REF_AREA, id);
}

/* A row of a page: every column read, and the names case_json (not full)
 * shows: handler, community, grid. */
static int page_row(conn *k, sqlite3_stmt *st)
{
    for (int i = 0; i < sqlite3_column_count(st); i++)
        if (sqlite3_column_type(st, i) == SQLITE_TEXT)
            (void)sqlite3_column_text(st, i);
        else
            (void)sqlite3_column_int64(st, i);
    return handler_ref(k, (const char *)sqlite3_column_text(st, 26), sqlite3_column_int64(st, 27)) ||
                   ref(k, REF_AREA, sqlite3_column_int64(st, 16)) || ref(k, REF_AREA, sqlite3_column_int64(st, 17))
               ? -1
               : 0;
}

/* list_bind, for a spec: no state, category, since or text filter; ?5 the
 * deadline bound (now for overdue, else INT64_MAX) */
static void list_bind(sqlite3_stmt *st, const spec *s, long long page_rows)
{
    sqlite3_bind_int64(st, 1, s->a);
    sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, 0);
    sqlite3_bind_int64(st, 5, s->c ? now_ms : INT64_MAX);
    sqlite3_bind_int64(st, 6, 0);
    sqlite3_bind_null(st, 7);
    sqlite3_bind_int(st, 8, (int)s->d);
    /* parameters a statement does not have are ignored by SQLite */
    sqlite3_bind_int(st, 2, (int)s->b);
    sqlite3_bind_int64(st, 9, page_rows);
    sqlite3_bind_int(st, 10, 0);
    /* the count's cap + 1: PUBLIC_COUNT_CAP for the public list, LIST_COUNT_CAP for queues */
    sqlite3_bind_int(st, 12, s->d ? 1001 : 10001);
}

/* queue_page: the streams of the status, the open ones merged by
 * (due_at, id), then the finished one; LIST_LIMIT rows from offset 0. */
static int queue_page(conn *k, const spec *s, int status)
{
    static const int opens[4][3] = {{1, 2, 0}, {1, -1, -1}, {2, -1, -1}, {1, 2, -1}};
    sqlite3_stmt *st[3];
    int has[3] = {0}, n = 0, rc = 0, rows = 0;
    for (int i = 0; i < 3 && opens[status][i] >= 0; i++, n++) {
        st[n] = k->q[Q_STREAMS + s->kind * 3 + opens[status][i]];
        list_bind(st[n], s, LIST_LIMIT);
    }
#define NEXT(I) ((rc = sqlite3_step(st[I])) == SQLITE_ROW ? (has[I] = 1, rc = 0) : (has[I] = 0, rc = rc != SQLITE_DONE))
    int nopen = status == 0 ? 2 : n;
    for (int i = 0; i < nopen && !rc; i++)
        NEXT(i);
    for (int phase = 0; phase < 2 && !rc && rows < LIST_LIMIT; phase++) {
        int lo = phase == 0 ? 0 : nopen, hi = phase == 0 ? nopen : n;
        if (phase == 1 && lo < hi)
            NEXT(lo);
        while (!rc && rows < LIST_LIMIT) {
            int best = -1;
            for (int i = lo; i < hi; i++) {
                if (!has[i])
                    continue;
                if (best < 0)
                    best = i;
                else {
                    long long d = sqlite3_column_int64(st[i], 40), bd = sqlite3_column_int64(st[best], 40);
                    long long id = sqlite3_column_int64(st[i], 0), bid = sqlite3_column_int64(st[best], 0);
                    if (d < bd || (d == bd && id < bid))
                        best = i;
                }
            }
            if (best < 0)
                break;
            rows++;
            if (page_row(k, st[best])) {
                rc = 1;
                break;
            }
            NEXT(best);
        }
    }
#undef NEXT
    for (int i = 0; i < n; i++)
        sqlite3_reset(st[i]);
    return rc ? -1 : 0;
}

static int run_list(conn *k, const spec *s)
{
    /* api_cases_list: for a queue the area's ancestry (is it inside the
     * viewer's), then the area (its kind) */
    for (long long id = s->d ? 0 : s->a, n = 0; id && n < 16; n++) {
        sqlite3_stmt *st = k->q[Q_ANCESTRY];
        sqlite3_bind_int64(st, 1, id);
        id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
    }
    if (s->a && by_id(k->q[Q_AREA_GET], s->a))
        return -1;
    /* store_case_list: the name cache's check, the capped count, the page */
    if (refs_check(k))
        return -1;
    int status = s->b >= 0 && s->b <= 3 ? (int)s->b : 0;
    sqlite3_stmt *st = k->q[Q_COUNTS + s->kind * 4 + status];
    list_bind(st, s, 0);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    (void)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (!s->d)
        return queue_page(k, s, status);
    st = k->q[Q_PUBLIC + s->kind];
    list_bind(st, s, LIST_LIMIT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (page_row(k, st)) {
            sqlite3_reset(st);
            return -1;
        }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int run_get(conn *k, long long id)
{
    sqlite3_stmt **q = k->q;
    if (by_id(q[Q_LOAD], id) || refs_check(k))
        return -1;
    sqlite3_stmt *st = q[Q_GET];
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++)
            if (sqlite3_column_type(st, i) == SQLITE_TEXT)
                (void)sqlite3_column_text(st, i);
            else
                (void)sqlite3_column_int64(st, i);
        long long street = sqlite3_column_int64(st, 15), community = sqlite3_column_int64(st, 16),
                  grid = sqlite3_column_int64(st, 17), compound = sqlite3_column_int64(st, 18),
                  rh_id = sqlite3_column_int64(st, 21), h_id = sqlite3_column_int64(st, 27),
                  dept = sqlite3_column_int64(st, 28);
        char rh[32], h[32];
        snprintf(rh, sizeof rh, "%s", sqlite3_column_text(st, 20) ? (const char *)sqlite3_column_text(st, 20) : "none");
        snprintf(h, sizeof h, "%s", sqlite3_column_text(st, 26) ? (const char *)sqlite3_column_text(st, 26) : "none");
        sqlite3_reset(st);
        /* case_json (full): handler, community, grid, street, compound,
         * routing handler, owner (the community), department */
        if (handler_ref(k, h, h_id) || ref(k, REF_AREA, community) || ref(k, REF_AREA, grid) ||
            ref(k, REF_AREA, street) || ref(k, REF_AREA, compound) || handler_ref(k, rh, rh_id) ||
            ref(k, REF_AREA, community) || ref(k, REF_ORG, dept))
            return -1;
    } else
        sqlite3_reset(st);
    sqlite3_bind_int64(q[Q_TIMELINE], 1, id);
    sqlite3_bind_int(q[Q_TIMELINE], 2, 1);
    return drain(q[Q_TIMELINE]) < 0 || by_id(q[Q_PHOTOS], id) ? -1 : 0;
}

/* GET /api/v1/stats/cases?area=ID (store_case_stats): the area, the sums
 * of its counter rows over the days, the counts by category, the open cases
 * past their deadline, the categories' names. spec: a area, b kind (1
 * street, 2 community, 3 grid), c from day, d to day. */
static int run_stats(sqlite3_stmt **q, const spec *s)
{
    if (by_id(q[Q_AREA], s->a))
        return -1;
    char areas[32];
    snprintf(areas, sizeof areas, "[%lld]", s->a);
    long long cats[256];
    int ncats = 0;
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_stmt *st = q[pass ? Q_STATS_BY_CAT : Q_STATS_SUMS];
        sqlite3_bind_int64(st, 1, 0);
        sqlite3_bind_text(st, 2, areas, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, s->c);
        sqlite3_bind_int64(st, 4, s->d);
        sqlite3_bind_int64(st, 5, 0);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            if (pass && sqlite3_column_int64(st, 1) && ncats < 256)
                cats[ncats++] = sqlite3_column_int64(st, 0);
            else if (!pass)
                for (int i = 0; i < sqlite3_column_count(st); i++)
                    (void)sqlite3_column_int64(st, i);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return -1;
    }
    sqlite3_stmt *st = q[s->b == 1 ? Q_STATS_OVERDUE_STREET : s->b == 2 ? Q_STATS_OVERDUE_COMMUNITY : Q_STATS_OVERDUE_GRID];
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, s->c * 86400000LL - 28800000LL);
    sqlite3_bind_int64(st, 3, (s->d + 1) * 86400000LL - 28800000LL);
    sqlite3_bind_int64(st, 4, 0);
    sqlite3_bind_int64(st, 5, 0);
    sqlite3_bind_int64(st, 6, s->a);
    if (drain(st) < 0)
        return -1;
    for (int i = 0; i < ncats; i++)
        if (by_id(q[Q_CATEGORY], cats[i]))
            return -1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void *work(void *arg)
{
    worker *w = arg;
    sqlite3 *db = NULL;
    conn *k = calloc(1, sizeof *k);
    sqlite3_stmt **q = k ? k->q : NULL;
    if (k == NULL || sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        fprintf(stderr, "raw_queries: cannot open %s\n", db_path);
        w->failed = 1;
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA foreign_keys=ON; PRAGMA query_only=ON; PRAGMA cache_size=-32768;", NULL, NULL, NULL);
    for (int i = 0; i < Q_N; i++)
        if (sqlite3_prepare_v3(db, sql_of(i), -1, SQLITE_PREPARE_PERSISTENT, &q[i], NULL) != SQLITE_OK) {
            fprintf(stderr, "raw_queries: %s: %s\n", sql_of(i), sqlite3_errmsg(db));
            w->failed = 1;
            return NULL;
        }
    double end = mono() + seconds;
    for (long i = (long)w->id * 7919; mono() < end; i++) {
        const spec *s = &specs[i % nspecs];
        double t0 = mono();
        int rc = s->kind < 4 ? run_list(k, s) : s->kind == 4 ? run_get(k, s->a) : run_stats(q, s);
        double ms = (mono() - t0) * 1000;
        if (rc) {
            fprintf(stderr, "raw_queries: %s\n", sqlite3_errmsg(db));
            w->failed = 1;
            break;
        }
        int t = s->kind;
        if (w->n[t] == w->cap[t]) {
            w->cap[t] = w->cap[t] ? 2 * w->cap[t] : 4096;
            w->lat[t] = realloc(w->lat[t], (size_t)w->cap[t] * sizeof(double));
        }
        w->lat[t][w->n[t]++] = ms;
    }
    for (int i = 0; i < Q_N; i++)
        sqlite3_finalize(q[i]);
    sqlite3_close(db);
    free(k);
    return NULL;
}

/* SELECT sum(c1), sum(c2) … FILTER_ROWS over the counter columns of
 * case_stats (every column after the four of the key). */
static int stats_sql(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('case_stats') WHERE cid >= 4 ORDER BY cid", -1, &st,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "raw_queries: %s: %s\n", db_path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return -1;
    }
    size_t p = (size_t)snprintf(stats_sums_sql, sizeof stats_sums_sql, "SELECT ");
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        p += (size_t)snprintf(stats_sums_sql + p, sizeof stats_sums_sql - p, "%ssum(%s)", n++ ? ", " : "",
                              (const char *)sqlite3_column_text(st, 0));
    if (n == 0) /* no counters in this build: a statement that runs */
        p += (size_t)snprintf(stats_sums_sql + p, sizeof stats_sums_sql - p, "count(*)");
    snprintf(stats_sums_sql + p, sizeof stats_sums_sql - p, "%s", n ? FILTER_ROWS : " FROM area WHERE ?1 + ?3 + ?4 + ?5 AND ?2 IS NOT NULL");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: raw_queries --db DB --specs FILE [--threads T] [--seconds S] [--now MS]\n"
                    "       raw_queries --db DB --explain\n");
    return 2;
}

/* EXPLAIN QUERY PLAN of the list statements (per scope: the streams by
 * value of open, the counts by status, the public page) and of the
 * others: "PLAN name | detail" lines. */
static int explain(void)
{
    static const char *const others[] = {"catalogue version", "area", "area get", "ancestry", "organisation",
                                         "case load", "case get", "timeline", "photos", "stats sums",
                                         "stats by category", "stats overdue (all)", "stats overdue (street)",
                                         "stats overdue (community)", "stats overdue (grid)", "category"};
    static const char *const statuses[] = {"any", "open", "awaiting_rating", "open or awaiting"};
    _Static_assert(sizeof others / sizeof *others == Q_N - Q_VERSION, "a name for every other statement");
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    for (int i = 0; i < Q_N; i++) {
        char *sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql_of(i));
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "raw_queries: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        char name[96];
        if (i < Q_COUNTS)
            snprintf(name, sizeof name, "stream %s open=%d", list_names[(i - Q_STREAMS) / 3], (i - Q_STREAMS) % 3);
        else if (i < Q_PUBLIC)
            snprintf(name, sizeof name, "count %s status=%s", list_names[(i - Q_COUNTS) / 4],
                     statuses[(i - Q_COUNTS) % 4]);
        else if (i < Q_VERSION)
            snprintf(name, sizeof name, "public page %s", list_names[i - Q_PUBLIC]);
        else
            snprintf(name, sizeof name, "%s", others[i - Q_VERSION]);
        while (sqlite3_step(st) == SQLITE_ROW)
            printf("PLAN %s | %s\n", name, (const char *)sqlite3_column_text(st, 3));
        sqlite3_finalize(st);
        sqlite3_free(sql);
    }
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    const char *file = NULL;
    int threads = 2, plan = 0;
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--explain") == 0) {
            plan = 1;
            i--;
        } else if (i + 1 >= argc)
            return usage();
        else if (strcmp(argv[i], "--db") == 0)
            db_path = argv[i + 1];
        else if (strcmp(argv[i], "--specs") == 0)
            file = argv[i + 1];
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--now") == 0)
            now_ms = atoll(argv[i + 1]);
        else
            return usage();
    }
    if (plan && db_path)
        return stats_sql() ? 1 : explain();
    if (db_path == NULL || file == NULL || threads < 1 || threads > 64 || seconds <= 0)
        return usage();
    if (now_ms == 0) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        now_ms = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
    }
    if (stats_sql() != 0)
        return 1;
    FILE *f = fopen(file, "r");
    if (f == NULL) {
        perror(file);
        return 1;
    }
    char line[256];
    int cap = 0;
    while (fgets(line, sizeof line, f)) {
        spec s = {0};
        char word[16];
        if (sscanf(line, "%15s", word) != 1)
            continue;
        if (strcmp(word, "list") == 0 &&
            sscanf(line, "list %d %lld %lld %lld %lld", &s.kind, &s.a, &s.b, &s.c, &s.d) == 5 && s.kind >= 0 &&
            s.kind < 4)
            ;
        else if (strcmp(word, "get") == 0 && sscanf(line, "get %lld", &s.a) == 1)
            s.kind = 4;
        else if (strcmp(word, "stats") == 0 && sscanf(line, "stats %lld %lld %lld %lld", &s.a, &s.b, &s.c, &s.d) == 4)
            s.kind = 5;
        else {
            fprintf(stderr, "raw_queries: %s: cannot read: %s", file, line);
            return 1;
        }
        if (nspecs == cap) {
            cap = cap ? 2 * cap : 1024;
            specs = realloc(specs, (size_t)cap * sizeof *specs);
        }
        specs[nspecs++] = s;
    }
    fclose(f);
    if (nspecs == 0)
        return usage();
    worker *w = calloc((size_t)threads, sizeof *w);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    double t0 = mono();
    for (int i = 0; i < threads; i++) {
        w[i].id = i;
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double secs = mono() - t0;
    int failed = 0;
    for (int k = 0; k < KINDS; k++) {
        long n = 0;
        for (int i = 0; i < threads; i++)
            n += w[i].n[k];
        if (n == 0)
            continue;
        double *all = malloc((size_t)n * sizeof *all);
        long m = 0;
        for (int i = 0; i < threads; i++) {
            memcpy(all + m, w[i].lat[k], (size_t)w[i].n[k] * sizeof *all);
            m += w[i].n[k];
        }
        qsort(all, (size_t)n, sizeof *all, cmp_double);
        printf("RAWQ kind=%s ops=%ld seconds=%.2f ops_per_s=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", kind_name(k), n,
               secs, (double)n / secs, all[n / 2], all[(long)((double)n * 0.99) < n ? (long)((double)n * 0.99) : n - 1],
               all[n - 1]);
        free(all);
    }
    for (int i = 0; i < threads; i++)
        failed |= w[i].failed;
    return failed ? 1 : 0;
}
