/* tmpdb: a throw-away SQLite database in /tmp for the store tests.
 * Include after <cmocka.h>. */
#ifndef TX_TEST_TMPDB_H
#define TX_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "store/sqlite/db.h"
#include "store/store.h"

typedef struct {
    char path[64];
    char url[96];
} tmpdb;

/* Create an empty file for the database and its "sqlite:PATH" URL. */
static inline void tmpdb_make(tmpdb *t)
{
    snprintf(t->path, sizeof t->path, "/tmp/tongxin-test-XXXXXX");
    int fd = mkstemp(t->path);
    assert_true(fd >= 0);
    close(fd);
    snprintf(t->url, sizeof t->url, "sqlite:%s", t->path);
}

/* Remove the database and its WAL side files. */
static inline void tmpdb_remove(tmpdb *t)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char p[96];
        snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
        unlink(p);
    }
}

/* Open the database (created) and bring its schema up to date. */
static inline store *tmpdb_open(tmpdb *t, int max_batch)
{
    store_options opt = {.max_batch = max_batch, .create = 1};
    store *s = NULL;
    tx_err err;
    tx_err_clear(&err);
    if (store_open(t->url, &opt, &s, &err) != 0)
        fail_msg("store_open(%s): %s", t->url, err.msg[TX_LANG_EN]);
    int applied = 0;
    if (store_migrate(s, &applied, &err) != 0)
        fail_msg("store_migrate: %s", err.msg[TX_LANG_EN]);
    return s;
}

/* Run SQL (fixtures) on a connection; fails the test on error. */
static inline void tmpdb_exec(store_conn *c, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", msg ? msg : "?");
        sqlite3_free(msg);
        fail_msg("fixture SQL failed: %s", copy);
    }
}

/* The single integer a query returns (-1 when it returns no row). */
static inline int64_t tmpdb_int(store_conn *c, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("query failed: %s", sqlite3_errmsg(c->db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

typedef struct {
    const char *sql;
    int64_t result;
} tmpdb_query;

static inline int tmpdb_int_fn(store_conn *c, void *arg, tx_err *err)
{
    (void)err;
    tmpdb_query *q = arg;
    q->result = tmpdb_int(c, q->sql);
    return 0;
}

/* tmpdb_int through store_sync (on the store's own connection). */
static inline int64_t tmpdb_sync_int(store *s, const char *sql)
{
    tmpdb_query q = {sql, -1};
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_sync(s, 0, tmpdb_int_fn, &q, &err), 0);
    return q.result;
}

static inline int tmpdb_exec_fn(store_conn *c, void *arg, tx_err *err)
{
    (void)err;
    tmpdb_exec(c, arg);
    return 0;
}

/* tmpdb_exec through store_sync, in a committed transaction. */
static inline void tmpdb_sync_exec(store *s, const char *sql)
{
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_sync(s, 1, tmpdb_exec_fn, (void *)sql, &err), 0);
}

/* A temporary store, not started, and its own connection for calling the
 * store's functions directly; sql (may be NULL) fills it. The store tests'
 * common setup. */
typedef struct {
    tmpdb db;
    store *s;
    store_conn *c;
} tmpdb_fixture;

static inline int tmpdb_grab_conn(store_conn *c, void *arg, tx_err *err)
{
    (void)err;
    *(store_conn **)arg = c;
    return 0;
}

static inline tmpdb_fixture *tmpdb_fixture_open(const char *sql)
{
    tmpdb_fixture *f = calloc(1, sizeof *f);
    tx_log_set_quiet(1);
    tmpdb_make(&f->db);
    f->s = tmpdb_open(&f->db, 0);
    tx_err err;
    store_sync(f->s, 0, tmpdb_grab_conn, &f->c, &err);
    if (sql)
        tmpdb_exec(f->c, sql);
    return f;
}

static inline void tmpdb_fixture_close(tmpdb_fixture *f)
{
    store_close(f->s);
    tmpdb_remove(&f->db);
    free(f);
}

#endif
