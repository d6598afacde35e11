/* sqlite/db: connections, the statement cache, migrations and error mapping. */
#include "store/sqlite/db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "store/sqlite/refs.h"

extern const char *const store_migrations[];
extern const int store_migrations_count;

store_conn *db_conn_open(const char *path, int readonly, int create, tx_err *err)
{
    store_conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        return NULL;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create && !readonly ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        tx_log("error", "cannot open database %s: %s", path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
        tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_UNAVAILABLE);
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, 5000);
    /* Set explicitly: the defaults depend on how the library was built.
     * The WAL is checkpointed every 10,000 pages (about 40 MB) instead of
     * 1,000: a checkpoint runs inside the COMMIT that crosses the mark and
     * adds the database file's fsync to it; fewer, larger checkpoints
     * raised durable writes from 0.28 to 0.33 of raw SQLite in
     * bench/write. Each connection caches up to 32 MiB of pages (SQLite's
     * default is 2 MB): a case write touches the case, its events and its
     * counters' pages, and with the default the writer spent its time
     * reading pages back; the whole server stays far below 200 MB. The
     * writer keeps its temporary files in memory: each job's savepoint
     * journals the pages it touches, more than SQLite keeps in memory
     * before spilling to a temporary file (+13 % reports/s in
     * bench/intake); it sorts nothing large, unlike a reader. */
    const char *pragmas = readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON; PRAGMA cache_size=-32768;"
                                   : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                                     "PRAGMA wal_autocheckpoint=10000; PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;";
    char *msg = NULL;
    if (sqlite3_exec(c->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        tx_log("error", "cannot configure database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_UNAVAILABLE);
        db_conn_close(c);
        return NULL;
    }
    return c;
}

void db_conn_close(store_conn *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < DB_STMT_CACHE; i++)
        sqlite3_finalize(c->cache[i].stmt);
    sqlite3_close(c->db);
    db_refs_free(c->refs);
    free(c);
}

sqlite3_stmt *db_stmt(store_conn *c, const char *sql, tx_err *err)
{
    size_t h = ((uintptr_t)sql >> 3) % DB_STMT_CACHE;
    for (size_t n = 0; n < DB_STMT_CACHE; n++, h = (h + 1) % DB_STMT_CACHE) {
        if (c->cache[h].sql == sql) {
            sqlite3_reset(c->cache[h].stmt);
            sqlite3_clear_bindings(c->cache[h].stmt);
            return c->cache[h].stmt;
        }
        if (c->cache[h].sql == NULL)
            break;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        db_fail(c, "prepare", err);
        return NULL;
    }
    if (c->cache[h].sql == NULL) {
        c->cache[h].sql = sql;
        c->cache[h].stmt = st;
    } else {
        /* Every slot taken (more distinct statements than slots): evict
         * one that is not stepping — a caller may be iterating a statement
         * while it asks for another (a list and each row's details) — and
         * this one only when all are; it is prepared again when next
         * asked for. */
        size_t v = h;
        for (size_t n = 0; n < DB_STMT_CACHE; n++, v = (v + 1) % DB_STMT_CACHE)
            if (!sqlite3_stmt_busy(c->cache[v].stmt))
                break;
        if (sqlite3_stmt_busy(c->cache[v].stmt))
            v = h;
        sqlite3_finalize(c->cache[v].stmt);
        c->cache[v].sql = sql;
        c->cache[v].stmt = st;
    }
    return st;
}

void db_conn_idle(store_conn *c)
{
    sqlite3_stmt *st = NULL;
    while ((st = sqlite3_next_stmt(c->db, st)) != NULL)
        if (sqlite3_stmt_busy(st))
            sqlite3_reset(st);
}

int db_run(store_conn *c, const char *sql, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (st == NULL)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_fail(c, sql, err);
}

int db_exec(store_conn *c, const char *sql, tx_err *err)
{
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(c, sql, err);
    return 0;
}

/* The errno of the last failed system call on c's files. SQLite reports a
 * write refused by a file system gone read-only as a mere I/O error, and
 * sqlite3_system_errno does not see a failure inside COMMIT (writing or
 * syncing the WAL), so the files are asked: the WAL first (commits write
 * nothing else), then the database. A file keeps its last failure, so a
 * double fault may be named after the earlier one; the status is the same. */
static int last_errno(store_conn *c)
{
    int e = sqlite3_system_errno(c->db);
    sqlite3_file *wal = NULL;
    if (e == 0 && sqlite3_file_control(c->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) == SQLITE_OK && wal &&
        wal->pMethods)
        wal->pMethods->xFileControl(wal, SQLITE_FCNTL_LAST_ERRNO, &e);
    if (e == 0)
        sqlite3_file_control(c->db, "main", SQLITE_FCNTL_LAST_ERRNO, &e);
    return e;
}

int db_fail(store_conn *c, const char *where, tx_err *err)
{
    int rc = sqlite3_extended_errcode(c->db);
    int primary = rc & 0xff;
    int sys = primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ? last_errno(c) : 0;
    tx_log("error", "sqlite %s: %s (%d%s%s)", where, sqlite3_errmsg(c->db), rc, sys ? ", " : "",
           sys ? strerror(sys) : "");
    /* A store fault says what is unavailable, so that whoever reads the
     * answer knows what to fix; all keep the code store_unavailable (retry
     * later), which clients already know. */
    switch (primary) {
    case SQLITE_CONSTRAINT:
        /* Callers check the constraints they know of and say which field;
         * reaching here means a uniqueness or reference the caller did
         * not anticipate (two writers racing for one code, say). */
        return tx_err_conflict(err, "conflict", NULL, "与已有数据冲突，未做任何更改", "conflicts with existing data; nothing was changed");
    case SQLITE_FULL:
        return tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_FULL);
    case SQLITE_READONLY:
        return tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_READ_ONLY);
    case SQLITE_IOERR:
        if (sys == ENOSPC || sys == EDQUOT)
            return tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_FULL);
        if (sys == EROFS || sys == EPERM || sys == EACCES)
            return tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_READ_ONLY);
        if (rc != SQLITE_IOERR_NOMEM)
            return tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_IO_ERROR);
        return tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_UNAVAILABLE);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
        return tx_err_set(err, 503, "store_unavailable", NULL, M_STORE_UNAVAILABLE);
    default:
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
}

int db_not_found(tx_err *err, const char *what, int64_t id)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    return tx_err_named(err, 404, "not_found", "id", M_NOT_FOUND, what, ids);
}

sqlite3_stmt *db_row_by_id(store_conn *c, const char *sql, int64_t id, const char *what, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return st;
    if (rc == SQLITE_DONE)
        db_not_found(err, what, id);
    else
        db_fail(c, what, err);
    return NULL;
}

int db_change_by_id(store_conn *c, const char *sql, int64_t id, const char *what, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, what, err);
    if (sqlite3_changes(c->db) == 0)
        return db_not_found(err, what, id);
    return 0;
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void db_bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, int is_null)
{
    if (is_null)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

json_t *db_col_json_text(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    return json_stringn((const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
}

json_t *db_col_json_int(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    return json_integer(sqlite3_column_int64(st, i));
}

const char *db_scope_kind_name(tx_scope_kind k)
{
    return k == TX_SCOPE_AREA ? "area" : k == TX_SCOPE_ORG ? "org" : NULL;
}

tx_scope_kind db_scope_kind_parse(const char *s)
{
    if (s && strcmp(s, "area") == 0)
        return TX_SCOPE_AREA;
    if (s && strcmp(s, "org") == 0)
        return TX_SCOPE_ORG;
    return TX_SCOPE_NONE;
}

/* ---- schema version and migrations ---- */

int db_user_version(store_conn *c)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int store_schema_latest(void)
{
    return store_migrations_count;
}

int db_migrate(store_conn *c, int *applied, tx_err *err)
{
    *applied = 0;
    if (db_exec(c, "BEGIN IMMEDIATE", err))
        return -1;
    int v = db_user_version(c);
    for (int i = v; i < store_migrations_count; i++) {
        char *msg = NULL;
        if (sqlite3_exec(c->db, store_migrations[i], NULL, NULL, &msg) != SQLITE_OK) {
            tx_log("error", "migration %d failed: %s", i + 1, msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        }
        (*applied)++;
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", store_migrations_count > v ? store_migrations_count : v);
    if (db_exec(c, sql, err) || db_exec(c, "COMMIT", err)) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}
