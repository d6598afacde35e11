/* raw_sqlite: the ceiling for durable writes on this machine — SQLite alone.
 *
 * Inserts rows shaped like tongxin's person rows into a fresh database with
 * the settings the server's writer uses (journal_mode=WAL, synchronous=FULL,
 * foreign_keys=ON, one connection, a cached prepared statement), committing
 * every BATCH rows, and reports rows/s. No HTTP, no JSON, no queue, no
 * authorisation: what is left is SQLite and the fsyncs of its commits.
 *
 *   raw_sqlite bench --dir DIR --rows N --batch B [--batch B2 ...]
 *                    [--schema FILE] [--savepoint]
 *       One fresh database DIR/raw-B.db per batch size (removed afterwards).
 *       --schema FILE: the person table's DDL (bench/write/run extracts it
 *       from src/store/migrations/); without it, a built-in copy.
 *       --savepoint: wrap each row in SAVEPOINT/RELEASE as the tongxin
 *       writer does per job, to show what that costs.
 *       Prints one line per batch size:
 *       RAW batch=B rows=N seconds=S rows_per_s=R commits_per_s=C savepoint=0|1
 *
 *   raw_sqlite sql DB SQL
 *       Runs SQL on DB (busy timeout 5 s) and prints each result row, columns
 *       separated by '|': lets the bench scripts seed and count without the
 *       sqlite3 shell. */
#define _GNU_SOURCE
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCHES 8

static const char default_schema[] = "CREATE TABLE person (\n"
                                     "    id INTEGER PRIMARY KEY,\n"
                                     "    code TEXT UNIQUE,\n"
                                     "    name TEXT NOT NULL,\n"
                                     "    phone TEXT,\n"
                                     "    party_member INTEGER NOT NULL DEFAULT 0,\n"
                                     "    notes TEXT,\n"
                                     "    created_at INTEGER NOT NULL\n"
                                     ");\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "raw_sqlite: %s: %s\n", sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
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

/* One measured run; returns 0 and prints its RAW line. */
static int run_bench(const char *dir, const char *schema, long rows, long batch, int savepoint)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/raw-%ld.db", dir, batch);
    remove_db(path);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "raw_sqlite: cannot open %s: %s\n", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    /* The server's writer connection, exactly (src/store/sqlite/db.c). */
    if (exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;") || exec(db, schema)) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v3(db, "INSERT INTO person (name, phone, party_member, created_at) VALUES (?1, ?2, ?3, ?4)",
                           -1, SQLITE_PREPARE_PERSISTENT, &ins, NULL) != SQLITE_OK) {
        fprintf(stderr, "raw_sqlite: prepare: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    long commits = 0;
    int rc = 0;
    double t0 = now_s();
    for (long i = 0; i < rows && rc == 0;) {
        if (exec(db, "BEGIN IMMEDIATE")) {
            rc = -1;
            break;
        }
        for (long k = 0; k < batch && i < rows; k++, i++) {
            char name[64], phone[16];
            snprintf(name, sizeof name, "测试居民 %ld", i);
            snprintf(phone, sizeof phone, "139%08ld", i % 100000000);
            if (savepoint && exec(db, "SAVEPOINT job")) {
                rc = -1;
                break;
            }
            sqlite3_reset(ins);
            sqlite3_clear_bindings(ins);
            sqlite3_bind_text(ins, 1, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 2, phone, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(ins, 3, 0);
            sqlite3_bind_int64(ins, 4, now_ms());
            if (sqlite3_step(ins) != SQLITE_DONE) {
                fprintf(stderr, "raw_sqlite: insert: %s\n", sqlite3_errmsg(db));
                rc = -1;
                break;
            }
            if (savepoint && exec(db, "RELEASE job")) {
                rc = -1;
                break;
            }
        }
        if (rc == 0 && exec(db, "COMMIT"))
            rc = -1;
        commits++;
    }
    double secs = now_s() - t0;
    sqlite3_finalize(ins);
    /* Check that every row is there. */
    sqlite3_stmt *cnt = NULL;
    long have = -1;
    if (rc == 0 && sqlite3_prepare_v2(db, "SELECT count(*) FROM person", -1, &cnt, NULL) == SQLITE_OK &&
        sqlite3_step(cnt) == SQLITE_ROW)
        have = (long)sqlite3_column_int64(cnt, 0);
    sqlite3_finalize(cnt);
    sqlite3_close(db);
    remove_db(path);
    if (rc != 0)
        return -1;
    if (have != rows) {
        fprintf(stderr, "raw_sqlite: %ld rows in the table, %ld inserted\n", have, rows);
        return -1;
    }
    printf("RAW batch=%ld rows=%ld seconds=%.3f rows_per_s=%.0f commits_per_s=%.0f savepoint=%d\n", batch, rows, secs,
           (double)rows / secs, (double)commits / secs, savepoint);
    fflush(stdout);
    return 0;
}

static int print_row(void *arg, int n, char **vals, char **names)
{
    (void)arg;
    (void)names;
    for (int i = 0; i < n; i++)
        printf("%s%s", i ? "|" : "", vals[i] ? vals[i] : "");
    putchar('\n');
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: raw_sqlite bench --dir DIR --rows N --batch B [--batch B2 ...] [--schema FILE] "
                    "[--savepoint]\n       raw_sqlite sql DB SQL\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "sql") == 0) {
        if (argc != 4)
            return usage();
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
            fprintf(stderr, "raw_sqlite: cannot open %s: %s\n", argv[2], db ? sqlite3_errmsg(db) : "out of memory");
            sqlite3_close(db);
            return 1;
        }
        sqlite3_busy_timeout(db, 5000);
        char *msg = NULL;
        int rc = sqlite3_exec(db, argv[3], print_row, NULL, &msg);
        if (rc != SQLITE_OK)
            fprintf(stderr, "raw_sqlite: %s\n", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        sqlite3_close(db);
        return rc == SQLITE_OK ? 0 : 1;
    }
    if (strcmp(argv[1], "bench") != 0)
        return usage();
    const char *dir = NULL, *schema_file = NULL;
    long rows = 0, batches[MAX_BATCHES];
    int nb = 0, savepoint = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--savepoint") == 0)
            savepoint = 1;
        else if (i + 1 >= argc)
            return usage();
        else if (strcmp(argv[i], "--dir") == 0)
            dir = argv[++i];
        else if (strcmp(argv[i], "--schema") == 0)
            schema_file = argv[++i];
        else if (strcmp(argv[i], "--rows") == 0)
            rows = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--batch") == 0 && nb < MAX_BATCHES)
            batches[nb++] = strtol(argv[++i], NULL, 10);
        else
            return usage();
    }
    if (dir == NULL || rows <= 0 || nb == 0)
        return usage();
    for (int i = 0; i < nb; i++)
        if (batches[i] <= 0)
            return usage();
    char *schema = schema_file ? read_file(schema_file) : strdup(default_schema);
    if (schema == NULL)
        return 1;
    int rc = 0;
    for (int i = 0; i < nb && rc == 0; i++)
        rc = run_bench(dir, schema, rows, batches[i], savepoint);
    free(schema);
    return rc ? 1 : 0;
}
