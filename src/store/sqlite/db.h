/* sqlite/db: the SQLite connection behind store_conn, shared by the files
 * under store/sqlite/ (one per kind of object). Private to store/. */
#ifndef TX_STORE_SQLITE_DB_H
#define TX_STORE_SQLITE_DB_H

#include <sqlite3.h>

#include "store/store.h"

/* More slots than the store has distinct statements (about 220 with the
 * lists), so that nothing is evicted in normal running. */
#define DB_STMT_CACHE 512

/* Membership alias m is current today (in the deployment's time zone,
 * UTC+8): it has started and not yet ended (end_date is exclusive). */
#define DB_CURRENT_MEMBERSHIP(m)                                                                                       \
    "(" m ".start_date <= date('now', '+8 hours') AND (" m ".end_date IS NULL OR " m ".end_date > date('now', "        \
    "'+8 hours')))"


typedef struct db_refs db_refs; /* refs.h */

struct store_conn {
    sqlite3 *db;
    struct {
        const char *sql; /* static string: the cache is keyed by its address */
        sqlite3_stmt *stmt;
    } cache[DB_STMT_CACHE];
    db_refs *refs; /* names of areas, organisations and handlers (refs.h) */
};

/* Open a connection with the pragmas tongxin relies on: WAL,
 * synchronous=FULL, foreign keys, a busy timeout. readonly connections also
 * set query_only. */
store_conn *db_conn_open(const char *path, int readonly, int create, tx_err *err);
void db_conn_close(store_conn *c);

/* A prepared, reset statement for sql (a string literal), cached on c.
 * Returns NULL on failure with err filled as an internal error. */
sqlite3_stmt *db_stmt(store_conn *c, const char *sql, tx_err *err);

/* Reset every statement still stepping on c. A cached statement left
 * mid-result (a lookup that read one row) holds a read transaction open,
 * and with it a WAL snapshot: the connection would go on reading the past.
 * Called after every job. */
void db_conn_idle(store_conn *c);

/* Run a cached statement without results (sql a string literal): for the
 * writer's BEGIN / SAVEPOINT / RELEASE / COMMIT, which sqlite3_exec would
 * parse again every time. */
int db_run(store_conn *c, const char *sql, tx_err *err);

/* Execute a statement without results. */
int db_exec(store_conn *c, const char *sql, tx_err *err);

/* Map the last SQLite failure on c to an error: constraint failures become
 * 409 with msg_what naming the object; a full disk, a read-only database, an
 * I/O error, a lock held elsewhere become 503 store_unavailable, each with
 * its own message (the errno decides for I/O errors); the rest 500. The
 * SQLite text and the errno are logged, never shown. */
int db_fail(store_conn *c, const char *where, tx_err *err);

/* A 404 naming what ("area") and its id. Returns -1. */
int db_not_found(tx_err *err, const char *what, int64_t id);

/* The one row of sql (a literal with ?1 = id): the statement stepped onto
 * it, or NULL with a 404 naming what when there is none (or the failure). */
sqlite3_stmt *db_row_by_id(store_conn *c, const char *sql, int64_t id, const char *what, tx_err *err);

/* Run sql (a literal DELETE or UPDATE with ?1 = id); 404 naming what when
 * it changed no row. */
int db_change_by_id(store_conn *c, const char *sql, int64_t id, const char *what, tx_err *err);

/* Bind helpers: NULL text binds SQL NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
void db_bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, int is_null);

/* Column helper: text or NULL as a JSON value (string or null). */
json_t *db_col_json_text(sqlite3_stmt *st, int i);
/* Column helper: integer or NULL as JSON. */
json_t *db_col_json_int(sqlite3_stmt *st, int i);

/* Text of the area or organisation scope kind column. */
const char *db_scope_kind_name(tx_scope_kind k);
tx_scope_kind db_scope_kind_parse(const char *s);

/* PRAGMA user_version of the database, -1 on failure. */
int db_user_version(store_conn *c);

/* Apply the embedded migrations newer than the database, in one transaction. */
int db_migrate(store_conn *c, int *applied, tx_err *err);

#endif
