/* intake_raw: helpers for bench/intake/run, and its ceiling — the same case
 * rows inserted with SQLite alone.
 *
 *   intake_raw points --areas FILE --n N [--seed S] [--inside PCT] --out FILE
 *       Sample N report points over the street's areas (FILE: the GeoJSON of
 *       `tongxin export areas`): PCT % (default 55) inside a compound's red
 *       line (a compound drawn uniformly, a uniform point in it), the rest in
 *       a grid (drawn uniformly) but outside every compound. One line per
 *       point: "lat long inside|outside COMPOUND|- GRID COMMUNITY".
 *
 *   intake_raw bench --base DB --src DB --dir DIR --rows N --batch B [--batch B2 ...]
 *                    [--savepoint] [--drop-indexes] [--temp-store-memory] [--counters SQL]
 *                    [--keep]
 *       The ceiling. --src is the database tongxin wrote during the run; its
 *       first N cases (by id), each with its report event, are read into
 *       memory first (not timed). For each batch size, DIR/raw-B.db starts as a
 *       copy of --base (the database as it was before the run: the full schema
 *       with every index and trigger, the demo street's areas and catalogue,
 *       no cases) and the rows are inserted with the tongxin writer's
 *       connection settings (journal_mode=WAL, synchronous=FULL,
 *       foreign_keys=ON, wal_autocheckpoint=10000) and cached prepared
 *       statements, BATCH cases per transaction: per case the cases row (id
 *       assigned by AUTOINCREMENT, as the writer gets it), its report event
 *       (case_id the new id) and, with --counters SQL, that statement with ?1
 *       bound to the new case id (the counters' upsert). --savepoint wraps
 *       each case in SAVEPOINT/RELEASE as the writer does per job.
 *       --drop-indexes drops the secondary indexes of cases and case_event in
 *       the copy first: what they cost. BEGIN/COMMIT/SAVEPOINT/RELEASE are
 *       cached statements, as the writer's db_run runs them.
 *       --temp-store-memory adds PRAGMA temp_store=MEMORY: the savepoints'
 *       statement journal then stays in memory instead of spilling to a
 *       temporary file (what it would gain the writer). --keep keeps
 *       DIR/raw-intake-B.db (to compare it with what tongxin wrote).
 *       Prints one line per batch size:
 *       RAW batch=B rows=N seconds=S rows_per_s=R commits_per_s=C savepoint=0|1
 *           counters=0|1 indexes=0|1 temp_memory=0|1 wal_pages_per_commit=P
 *       (P: WAL frames, i.e. 4 KiB pages, written per commit.)
 *       No HTTP, JSON, locate, routing, deadlines, duplicate lookup or token
 *       hashing: that is the work tongxin does on top. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../areas.h"

#define MAX_BATCHES 8
#define MAX_COLS 96

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "intake_raw: %s: %s\n", sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: intake_raw points --areas FILE --n N [--seed S] [--inside PCT] --out FILE\n"
                    "       intake_raw bench --base DB --src DB --dir DIR --rows N --batch B [--batch B2 ...] "
                    "[--savepoint] [--drop-indexes] [--temp-store-memory] [--counters SQL] [--keep]\n");
    return 2;
}

/* ---- points ---- */

static int cmd_points(int argc, char **argv)
{
    const char *areas = NULL, *out = NULL;
    long n = 0, seed = 1, inside_pct = 55;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--areas") == 0)
            areas = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            out = argv[i + 1];
        else if (strcmp(argv[i], "--n") == 0)
            n = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--inside") == 0)
            inside_pct = strtol(argv[i + 1], NULL, 10);
        else
            return usage();
    }
    if (areas == NULL || out == NULL || n <= 0)
        return usage();
    json_error_t e;
    json_t *fc = json_load_file(areas, 0, &e);
    if (fc == NULL) {
        fprintf(stderr, "intake_raw: %s: %s (line %d)\n", areas, e.text, e.line);
        return 1;
    }
    json_t *features = json_object_get(fc, "features");
    size_t nf = json_array_size(features);
    barea *a = calloc(nf ? nf : 1, sizeof *a);
    int *grids = calloc(nf ? nf : 1, sizeof *grids), *compounds = calloc(nf ? nf : 1, sizeof *compounds);
    int ng = 0, nc = 0;
    for (size_t i = 0; i < nf; i++) {
        json_t *f = json_array_get(features, i), *p = json_object_get(f, "properties");
        const char *kind = json_string_value(json_object_get(p, "kind")),
                   *code = json_string_value(json_object_get(p, "code")),
                   *parent = json_string_value(json_object_get(p, "parent_code"));
        snprintf(a[i].kind, sizeof a[i].kind, "%s", kind ? kind : "");
        snprintf(a[i].code, sizeof a[i].code, "%s", code ? code : "");
        snprintf(a[i].parent_code, sizeof a[i].parent_code, "%s", parent ? parent : "");
        if (barea_geometry(&a[i], json_object_get(f, "geometry"))) {
            fprintf(stderr, "intake_raw: out of memory\n");
            return 1;
        }
        if (a[i].nrings == 0)
            continue;
        if (strcmp(a[i].kind, "grid") == 0)
            grids[ng++] = (int)i;
        else if (strcmp(a[i].kind, "compound") == 0)
            compounds[nc++] = (int)i;
    }
    if (ng == 0 || nc == 0) {
        fprintf(stderr, "intake_raw: %s has %d grids and %d compounds with boundaries; need both\n", areas, ng, nc);
        return 1;
    }
    FILE *o = fopen(out, "w");
    if (o == NULL) {
        perror(out);
        return 1;
    }
    uint64_t rng = (uint64_t)seed * 7919;
    for (long k = 0; k < n;) {
        double lat, lon;
        if ((long)(bench_rng(&rng) % 100) < inside_pct) {
            const barea *c = &a[compounds[bench_rng(&rng) % (uint64_t)nc]];
            if (barea_sample(c, &rng, &lat, &lon))
                continue;
            /* its grid and community, by code */
            const char *grid = c->parent_code, *community = "-";
            for (size_t i = 0; i < nf; i++)
                if (strcmp(a[i].code, grid) == 0)
                    community = a[i].parent_code;
            fprintf(o, "%.7f %.7f inside %s %s %s\n", lat, lon, c->code, grid, community);
            k++;
        } else {
            const barea *g = &a[grids[bench_rng(&rng) % (uint64_t)ng]];
            int in_compound = 1;
            for (int t = 0; t < 1000 && in_compound; t++) {
                if (barea_sample(g, &rng, &lat, &lon))
                    break;
                in_compound = 0;
                for (int j = 0; j < nc && !in_compound; j++)
                    in_compound = barea_contains(&a[compounds[j]], lat, lon);
            }
            if (in_compound)
                continue; /* a grid covered by compounds: draw another */
            fprintf(o, "%.7f %.7f outside - %s %s\n", lat, lon, g->code, g->parent_code);
            k++;
        }
    }
    if (fclose(o)) {
        perror(out);
        return 1;
    }
    for (size_t i = 0; i < nf; i++)
        barea_free(&a[i]);
    free(a);
    free(grids);
    free(compounds);
    json_decref(fc);
    return 0;
}

/* ---- the ceiling ---- */

/* One column value read from the source, kept in memory. */
typedef struct {
    int type;
    int len;
    union {
        sqlite3_int64 i;
        double d;
        char *s;
    } v;
} cell;

typedef struct {
    int ncols;
    char *cols[MAX_COLS];
    char *insert_sql;
    long nrows;
    cell *cells; /* nrows × ncols */
} table;

static void cell_read(cell *c, sqlite3_stmt *st, int i)
{
    c->type = sqlite3_column_type(st, i);
    switch (c->type) {
    case SQLITE_INTEGER: c->v.i = sqlite3_column_int64(st, i); break;
    case SQLITE_FLOAT: c->v.d = sqlite3_column_double(st, i); break;
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
        const void *p = c->type == SQLITE_TEXT ? (const void *)sqlite3_column_text(st, i) : sqlite3_column_blob(st, i);
        c->len = sqlite3_column_bytes(st, i);
        c->v.s = malloc((size_t)c->len + 1);
        if (c->v.s) {
            memcpy(c->v.s, p, (size_t)c->len);
            c->v.s[c->len] = '\0';
        }
        break;
    }
    default: break;
    }
}

static void cell_bind(const cell *c, sqlite3_stmt *st, int i)
{
    switch (c->type) {
    case SQLITE_INTEGER: sqlite3_bind_int64(st, i, c->v.i); break;
    case SQLITE_FLOAT: sqlite3_bind_double(st, i, c->v.d); break;
    case SQLITE_TEXT: sqlite3_bind_text(st, i, c->v.s, c->len, SQLITE_STATIC); break;
    case SQLITE_BLOB: sqlite3_bind_blob(st, i, c->v.s, c->len, SQLITE_STATIC); break;
    default: sqlite3_bind_null(st, i); break;
    }
}

/* The columns of src.NAME but the skipped ones, and INSERT INTO NAME (first,
 * cols…) VALUES (?1, ?2 …) where first (if any) is bound separately. */
static int table_columns(sqlite3 *db, const char *name, const char *const *skip, const char *first, table *t)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s', 'src') ORDER BY cid", name);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "intake_raw: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    t->ncols = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        int skipped = 0;
        for (int i = 0; skip[i]; i++)
            skipped |= strcmp(skip[i], c) == 0;
        if (!skipped && t->ncols < MAX_COLS)
            t->cols[t->ncols++] = strdup(c);
    }
    sqlite3_finalize(st);
    if (t->ncols == 0) {
        fprintf(stderr, "intake_raw: src has no table %s\n", name);
        return -1;
    }
    size_t cap = 8192;
    char *ins = malloc(cap);
    int p = snprintf(ins, cap, "INSERT INTO main.%s (%s%s", name, first ? first : "", first ? ", " : "");
    for (int i = 0; i < t->ncols; i++)
        p += snprintf(ins + p, cap - (size_t)p, "%s%s", i ? ", " : "", t->cols[i]);
    p += snprintf(ins + p, cap - (size_t)p, ") VALUES (");
    int nparams = t->ncols + (first ? 1 : 0);
    for (int i = 0; i < nparams; i++)
        p += snprintf(ins + p, cap - (size_t)p, "%s?%d", i ? ", " : "", i + 1);
    snprintf(ins + p, cap - (size_t)p, ")");
    t->insert_sql = ins;
    return 0;
}

static int table_load(sqlite3 *db, const char *name, const char *where_order, long limit, table *t)
{
    size_t cap = 8192;
    char *sql = malloc(cap);
    int p = snprintf(sql, cap, "SELECT ");
    for (int i = 0; i < t->ncols; i++)
        p += snprintf(sql + p, cap - (size_t)p, "%s%s", i ? ", " : "", t->cols[i]);
    snprintf(sql + p, cap - (size_t)p, " FROM src.%s %s LIMIT %ld", name, where_order, limit);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "intake_raw: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    t->cells = calloc((size_t)limit * (size_t)t->ncols, sizeof *t->cells);
    if (t->cells == NULL) {
        sqlite3_finalize(st);
        fprintf(stderr, "intake_raw: out of memory\n");
        return -1;
    }
    t->nrows = 0;
    while (t->nrows < limit && sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < t->ncols; i++)
            cell_read(&t->cells[t->nrows * t->ncols + i], st, i);
        t->nrows++;
    }
    sqlite3_finalize(st);
    return 0;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0) {
        fprintf(stderr, "intake_raw: copy %s → %s: %s\n", from, to, strerror(errno));
        if (in >= 0)
            close(in);
        if (out >= 0)
            close(out);
        return -1;
    }
    char buf[1 << 16];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    if (n < 0)
        rc = -1;
    if (fsync(out))
        rc = -1;
    close(in);
    close(out);
    return rc;
}

/* The WAL pages each commit writes (what the fsync has to carry), counted
 * by a WAL hook that also checkpoints as wal_autocheckpoint=10000 would (a
 * hook of one's own replaces the automatic one). */
typedef struct {
    long frames;
    int last;
} wal_count;

static int wal_hook(void *arg, sqlite3 *db, const char *name, int npages)
{
    wal_count *w = arg;
    w->frames += npages >= w->last ? npages - w->last : npages;
    w->last = npages;
    if (npages >= 10000) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        w->last = 0;
    }
    return SQLITE_OK;
}

static int step_done(sqlite3 *db, sqlite3_stmt *st)
{
    sqlite3_reset(st);
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "intake_raw: %s: %s\n", sqlite3_sql(st), sqlite3_errmsg(db));
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

static void remove_db(const char *path)
{
    char p[4200];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static int run_one(const char *base, const char *dir, const table *cs, const table *ev, long rows, long batch,
                   int savepoint, const char *counters, int drop_indexes, int keep, int temp_memory)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/raw-intake-%ld.db", dir, batch);
    remove_db(path);
    if (copy_file(base, path))
        return -1;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        fprintf(stderr, "intake_raw: cannot open %s\n", path);
        sqlite3_close(db);
        return -1;
    }
    /* The tongxin writer's connection (src/store/sqlite/db.c). */
    if (exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                 "PRAGMA wal_autocheckpoint=10000;")) {
        sqlite3_close(db);
        return -1;
    }
    if (temp_memory && exec(db, "PRAGMA temp_store=MEMORY;")) {
        sqlite3_close(db);
        return -1;
    }
    if (drop_indexes) {
        /* What the secondary indexes cost: drop those of cases and
         * case_event (the UNIQUE token_hash one stays: it is the table's). */
        sqlite3_stmt *q;
        char *drops = NULL;
        if (sqlite3_prepare_v2(db, "SELECT group_concat('DROP INDEX ' || name, '; ') FROM sqlite_master WHERE type = "
                                   "'index' AND tbl_name IN ('cases', 'case_event') AND sql IS NOT NULL",
                               -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
            drops = strdup((const char *)sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
        if (drops && exec(db, drops)) {
            free(drops);
            sqlite3_close(db);
            return -1;
        }
        free(drops);
        exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    wal_count wal = {0, 0};
    sqlite3_wal_hook(db, wal_hook, &wal);
    sqlite3_stmt *ic = NULL, *ie = NULL, *ik = NULL, *begin = NULL, *commit = NULL, *sp = NULL, *rel = NULL;
    if (sqlite3_prepare_v3(db, cs->insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &ic, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, ev->insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &ie, NULL) != SQLITE_OK ||
        (counters && sqlite3_prepare_v3(db, counters, -1, SQLITE_PREPARE_PERSISTENT, &ik, NULL) != SQLITE_OK) ||
        /* cached, as the writer's db_run does */
        sqlite3_prepare_v3(db, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &commit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "SAVEPOINT job", -1, SQLITE_PREPARE_PERSISTENT, &sp, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "RELEASE job", -1, SQLITE_PREPARE_PERSISTENT, &rel, NULL) != SQLITE_OK) {
        fprintf(stderr, "intake_raw: prepare: %s\n", sqlite3_errmsg(db));
        sqlite3_finalize(ic);
        sqlite3_finalize(ie);
        sqlite3_finalize(ik);
        sqlite3_finalize(begin);
        sqlite3_finalize(commit);
        sqlite3_finalize(sp);
        sqlite3_close(db);
        return -1;
    }
    long commits = 0;
    int rc = 0;
    double t0 = now_s();
    for (long i = 0; i < rows && rc == 0;) {
        if (step_done(db, begin)) {
            rc = -1;
            break;
        }
        for (long k = 0; k < batch && i < rows && rc == 0; k++, i++) {
            if (savepoint && step_done(db, sp)) {
                rc = -1;
                break;
            }
            sqlite3_reset(ic);
            for (int c = 0; c < cs->ncols; c++)
                cell_bind(&cs->cells[i * cs->ncols + c], ic, c + 1);
            if (sqlite3_step(ic) != SQLITE_DONE) {
                fprintf(stderr, "intake_raw: insert case: %s\n", sqlite3_errmsg(db));
                rc = -1;
                break;
            }
            sqlite3_int64 id = sqlite3_last_insert_rowid(db);
            sqlite3_reset(ie);
            sqlite3_bind_int64(ie, 1, id);
            for (int c = 0; c < ev->ncols; c++)
                cell_bind(&ev->cells[i * ev->ncols + c], ie, c + 2);
            if (sqlite3_step(ie) != SQLITE_DONE) {
                fprintf(stderr, "intake_raw: insert event: %s\n", sqlite3_errmsg(db));
                rc = -1;
                break;
            }
            if (ik) {
                sqlite3_reset(ik);
                sqlite3_bind_int64(ik, 1, id);
                int s;
                while ((s = sqlite3_step(ik)) == SQLITE_ROW)
                    ;
                if (s != SQLITE_DONE) {
                    fprintf(stderr, "intake_raw: counters: %s\n", sqlite3_errmsg(db));
                    rc = -1;
                    break;
                }
            }
            if (savepoint && step_done(db, rel))
                rc = -1;
        }
        if (rc == 0 && step_done(db, commit))
            rc = -1;
        commits++;
    }
    double secs = now_s() - t0;
    sqlite3_finalize(ic);
    sqlite3_finalize(ie);
    sqlite3_finalize(ik);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_finalize(sp);
    sqlite3_finalize(rel);
    long have = -1;
    sqlite3_stmt *cnt = NULL;
    if (rc == 0 &&
        sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM case_event)", -1, &cnt,
                           NULL) == SQLITE_OK &&
        sqlite3_step(cnt) == SQLITE_ROW)
        have = (long)sqlite3_column_int64(cnt, 0);
    sqlite3_finalize(cnt);
    sqlite3_close(db);
    if (!keep)
        remove_db(path);
    if (rc)
        return -1;
    if (have != 2 * rows) {
        fprintf(stderr, "intake_raw: %ld case and event rows in the copy, %ld expected\n", have, 2 * rows);
        return -1;
    }
    printf("RAW batch=%ld rows=%ld seconds=%.3f rows_per_s=%.0f commits_per_s=%.0f savepoint=%d counters=%d "
           "indexes=%d temp_memory=%d wal_pages_per_commit=%.1f\n",
           batch, rows, secs, (double)rows / secs, (double)commits / secs, savepoint, counters != NULL, !drop_indexes,
           temp_memory, commits ? (double)wal.frames / (double)commits : 0);
    fflush(stdout);
    return 0;
}

static int cmd_bench(int argc, char **argv)
{
    const char *base = NULL, *src = NULL, *dir = NULL, *counters = NULL;
    long rows = 0, batches[MAX_BATCHES];
    int nb = 0, savepoint = 0, drop_indexes = 0, keep = 0, temp_memory = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--savepoint") == 0)
            savepoint = 1;
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else if (strcmp(argv[i], "--temp-store-memory") == 0)
            temp_memory = 1;
        else if (strcmp(argv[i], "--drop-indexes") == 0)
            drop_indexes = 1;
        else if (i + 1 >= argc)
            return usage();
        else if (strcmp(argv[i], "--base") == 0)
            base = argv[++i];
        else if (strcmp(argv[i], "--src") == 0)
            src = argv[++i];
        else if (strcmp(argv[i], "--dir") == 0)
            dir = argv[++i];
        else if (strcmp(argv[i], "--counters") == 0)
            counters = argv[++i];
        else if (strcmp(argv[i], "--rows") == 0)
            rows = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--batch") == 0 && nb < MAX_BATCHES)
            batches[nb++] = strtol(argv[++i], NULL, 10);
        else
            return usage();
    }
    if (base == NULL || src == NULL || dir == NULL || rows <= 0 || nb == 0)
        return usage();
    if (counters && *counters == '\0')
        counters = NULL;
    /* Read the rows first, on a connection of their own. */
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        return 1;
    char att[4400];
    char *q = sqlite3_mprintf("%q", src);
    snprintf(att, sizeof att, "ATTACH 'file:%s?mode=ro' AS src", q);
    sqlite3_free(q);
    sqlite3_close(db);
    db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK || exec(db, att))
        return 1;
    static const char *const skip_case[] = {"id", NULL}, *const skip_event[] = {"id", "case_id", NULL};
    table cs = {0}, ev = {0};
    if (table_columns(db, "cases", skip_case, NULL, &cs) || table_columns(db, "case_event", skip_event, "case_id", &ev) ||
        table_load(db, "cases", "ORDER BY id", rows, &cs) ||
        table_load(db, "case_event", "WHERE action = 'report' ORDER BY case_id", rows, &ev))
        return 1;
    sqlite3_close(db);
    if (cs.nrows < rows || ev.nrows < rows) {
        fprintf(stderr, "intake_raw: src has %ld cases and %ld report events, %ld asked for\n", cs.nrows, ev.nrows,
                rows);
        return 1;
    }
    for (int i = 0; i < nb; i++)
        if (batches[i] <= 0 || run_one(base, dir, &cs, &ev, rows, batches[i], savepoint, counters, drop_indexes, keep,
                                             temp_memory))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "points") == 0)
        return cmd_points(argc, argv);
    if (strcmp(argv[1], "bench") == 0)
        return cmd_bench(argc, argv);
    return usage();
}
