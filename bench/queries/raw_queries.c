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
 *       WHICH: 0 all, 1 street, 2 community, 3 grid (store_case_list's
 *       statements, one per scope and status); OPEN_ONLY 0 any, 1 open,
 *       2 awaiting the rating, 3 either; OVERDUE 1: due_at < now; PUBLIC 1:
 *       no merged or invalid cases. Runs the count statement, then the page
 *       (limit 50), reading every column of every row and, per row, the
 *       area and handler look-ups case_json makes (community, grid,
 *       handler); before them the look-ups of the area (its kind, and for
 *       staff queues its ancestry).
 *   get ID                                         GET /api/v1/cases/{id}
 *       store_case_load's row, the case with its category, the area and
 *       organisation look-ups of the full view (street, community, grid,
 *       compound, owner, handler, routing handler, department), the
 *       timeline and the photos.
 *   stats AREA KIND FROM_DAY TO_DAY                GET /api/v1/stats/cases?area=AREA
 *       KIND 1 street, 2 community, 3 grid; days since 1970-01-01 (UTC+8).
 *       store_case_stats's statements: the area, the sums of its counter
 *       rows (case_stats) over the days, the counts by category, the open
 *       cases of the period past their deadline, the categories' names.
 * T threads (default 2, as tongxin's readers), each with its own read-only
 * connection opened as tongxin's readers are (query_only, foreign_keys),
 * go through the lines from their own offset for S seconds (default 5).
 * Prints, per kind of line (the first word and, for lists, WHICH):
 *   RAWQ kind=K ops=N seconds=S ops_per_s=R p50_ms=A p99_ms=B max_ms=C
 *
 * The SQL is copied from src/store/sqlite/case.c (CASE_COLS, STATE_COLS,
 * LIST_*, list_sql, timeline, photos, area_ref, org_ref) and
 * src/store/sqlite/area.c (store_area_get, store_area_ancestry) and
 * src/store/sqlite/case_stats.c (FILTER_ROWS, OVERDUE, by category); bench/queries/run checks that case.c still has
 * these statements and says so when it does not. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sqlite3.h>
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
    "left_community"
#define LIST_FILTERS                                                                                                   \
    " AND (?3 IS NULL OR c.state = ?3) AND (?4 = 0 OR c.category_id = ?4) AND (?5 = 0 OR c.due_at < ?5)"          \
    " AND (?6 = 0 OR c.submitted_at >= ?6)"                                                                         \
    " AND (?7 IS NULL OR instr(c.description, ?7) > 0 OR instr(coalesce(c.address, ''), ?7) > 0)"                   \
    " AND (?8 = 0 OR c.state NOT IN ('merged', 'invalid')) AND ?2 = ?2"
#define LIST_PAGE " LIMIT ?9 OFFSET ?10"
#define LIST_FROM " FROM cases c JOIN category k ON k.id = c.category_id WHERE "
#define COUNT_FROM " FROM cases c WHERE "
/* status: any (open first, then by deadline), being handled (open = 1),
 * awaiting the rating (open = 2), either (open > 0) */
#define LIST_STATUS(SCOPE)                                                                                             \
    {{"SELECT " CASE_COLS LIST_FROM SCOPE LIST_FILTERS " ORDER BY c.open = 0, c.due_at, c.id" LIST_PAGE,           \
      "SELECT count(*)" COUNT_FROM SCOPE LIST_FILTERS},                                                             \
     {"SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open = 1" LIST_FILTERS " ORDER BY c.due_at, c.id" LIST_PAGE,     \
      "SELECT count(*)" COUNT_FROM SCOPE " AND c.open = 1" LIST_FILTERS},                                           \
     {"SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open = 2" LIST_FILTERS " ORDER BY c.due_at, c.id" LIST_PAGE,     \
      "SELECT count(*)" COUNT_FROM SCOPE " AND c.open = 2" LIST_FILTERS},                                           \
     {"SELECT " CASE_COLS LIST_FROM SCOPE " AND c.open > 0" LIST_FILTERS " ORDER BY c.due_at, c.id" LIST_PAGE,     \
      "SELECT count(*)" COUNT_FROM SCOPE " AND c.open > 0" LIST_FILTERS}}

/* [scope][status][page, count]: all, street, community, grid */
static const char *const list_sql[][4][2] = {
    LIST_STATUS("?1 = ?1"),
    LIST_STATUS("c.street_id = ?1"),
    LIST_STATUS("c.community_id = ?1"),
    LIST_STATUS("c.grid_id = ?1"),
};
static const char *const list_names[] = {"all", "street", "community", "grid"};

/* statements: the lists (scope × status × page/count), then the others */
enum {
    Q_LISTS = 0,
    Q_AREA = 4 * 4 * 2,
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
    case Q_AREA: return "SELECT id, code, name, kind FROM area WHERE id = ?1";
    case Q_AREA_GET: /* store_area_get */
        return "SELECT a.id, a.kind, a.code, a.name, a.name_en, a.parent_id, p.code, a.boundary, "
               "a.population_registered, a.population_resident, a.households, a.founded, a.notes, a.extra FROM area a "
               "LEFT JOIN area p ON p.id = a.parent_id WHERE a.id = ?1";
    case Q_ANCESTRY: return "SELECT parent_id FROM area WHERE id = ?1"; /* store_area_ancestry, one level a step */
    case Q_ORG: return "SELECT id, code, name FROM organisation WHERE id = ?1";
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
    default: return list_sql[q / 8][(q / 2) % 4][q % 2];
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

/* handler_json: an area for the offices, an organisation for a property
 * company or a department. */
static int handler_ref(sqlite3_stmt **q, const char *kind, long long id)
{
    if (kind == NULL || strcmp(kind, "none") == 0)
        return 0;
    if (strcmp(kind, "property_company") == 0 || strcmp(kind, "department") == 0)
        return by_id(q[Q_ORG], id);
    return by_id(q[Q_AREA], id);
}

static int run_list(sqlite3_stmt **q, const spec *s)
{
    /* the area's kind (and for queues its ancestry) first */
    if (s->a && by_id(q[Q_AREA_GET], s->a))
        return -1;
    for (long long id = s->d ? 0 : s->a, n = 0; id && n < 16; n++) {
        sqlite3_stmt *st = q[Q_ANCESTRY];
        sqlite3_bind_int64(st, 1, id);
        id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
    }
    int status = s->b >= 0 && s->b <= 3 ? (int)s->b : 0;
    for (int pass = 0; pass < 2; pass++) {
        /* the count first, then the page (store_case_list) */
        sqlite3_stmt *st = q[Q_LISTS + s->kind * 8 + status * 2 + (pass ? 0 : 1)];
        sqlite3_bind_int64(st, 1, s->a);
        sqlite3_bind_int(st, 2, (int)s->b);
        sqlite3_bind_null(st, 3);
        sqlite3_bind_int64(st, 4, 0);
        sqlite3_bind_int64(st, 5, s->c ? now_ms : 0);
        sqlite3_bind_int64(st, 6, 0);
        sqlite3_bind_null(st, 7);
        sqlite3_bind_int(st, 8, (int)s->d);
        if (pass) {
            sqlite3_bind_int(st, 9, 50);
            sqlite3_bind_int(st, 10, 0);
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (!pass) {
                (void)sqlite3_column_int64(st, 0);
                continue;
            }
            for (int i = 0; i < sqlite3_column_count(st); i++)
                if (sqlite3_column_type(st, i) == SQLITE_TEXT)
                    (void)sqlite3_column_text(st, i);
                else
                    (void)sqlite3_column_int64(st, i);
            /* case_json (not full): handler, community, grid */
            if (handler_ref(q, (const char *)sqlite3_column_text(st, 26), sqlite3_column_int64(st, 27)) ||
                by_id(q[Q_AREA], sqlite3_column_int64(st, 16)) || by_id(q[Q_AREA], sqlite3_column_int64(st, 17))) {
                sqlite3_reset(st);
                return -1;
            }
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return -1;
    }
    return 0;
}

static int run_get(sqlite3_stmt **q, long long id)
{
    if (by_id(q[Q_LOAD], id))
        return -1;
    sqlite3_stmt *st = q[Q_GET];
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++)
            if (sqlite3_column_type(st, i) == SQLITE_TEXT)
                (void)sqlite3_column_text(st, i);
        long long street = sqlite3_column_int64(st, 15), community = sqlite3_column_int64(st, 16),
                  grid = sqlite3_column_int64(st, 17), compound = sqlite3_column_int64(st, 18),
                  rh_id = sqlite3_column_int64(st, 21), h_id = sqlite3_column_int64(st, 27),
                  dept = sqlite3_column_int64(st, 28);
        char rh[32], h[32];
        snprintf(rh, sizeof rh, "%s", (const char *)sqlite3_column_text(st, 20));
        snprintf(h, sizeof h, "%s", (const char *)sqlite3_column_text(st, 26));
        sqlite3_reset(st);
        if (handler_ref(q, h, h_id) || by_id(q[Q_AREA], community) || by_id(q[Q_AREA], grid) ||
            by_id(q[Q_AREA], street) || by_id(q[Q_AREA], compound) || handler_ref(q, rh, rh_id) ||
            by_id(q[Q_AREA], community) || by_id(q[Q_ORG], dept))
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
    sqlite3_stmt *q[Q_N] = {0};
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        fprintf(stderr, "raw_queries: cannot open %s\n", db_path);
        w->failed = 1;
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;", NULL, NULL, NULL);
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
        int rc = s->kind < 4 ? run_list(q, s) : s->kind == 4 ? run_get(q, s->a) : run_stats(q, s);
        double ms = (mono() - t0) * 1000;
        if (rc) {
            fprintf(stderr, "raw_queries: %s\n", sqlite3_errmsg(db));
            w->failed = 1;
            break;
        }
        int k = s->kind;
        if (w->n[k] == w->cap[k]) {
            w->cap[k] = w->cap[k] ? 2 * w->cap[k] : 4096;
            w->lat[k] = realloc(w->lat[k], (size_t)w->cap[k] * sizeof(double));
        }
        w->lat[k][w->n[k]++] = ms;
    }
    for (int i = 0; i < Q_N; i++)
        sqlite3_finalize(q[i]);
    sqlite3_close(db);
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

/* EXPLAIN QUERY PLAN of the list statements (count and page, per scope)
 * and of the case's own: "PLAN name | detail" lines. */
static int explain(void)
{
    static const char *const others[] = {"area", "area get", "ancestry", "organisation", "case load", "case get",
                                         "timeline", "photos", "stats sums", "stats by category",
                                         "stats overdue (all)", "stats overdue (street)", "stats overdue (community)",
                                         "stats overdue (grid)", "category"};
    static const char *const statuses[] = {"any", "open", "awaiting_rating", "open or awaiting"};
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
        if (i < Q_AREA)
            snprintf(name, sizeof name, "%s %s status=%s", i % 2 ? "count" : "page", list_names[i / 8],
                     statuses[(i / 2) % 4]);
        else
            snprintf(name, sizeof name, "%s", others[i - Q_AREA]);
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
