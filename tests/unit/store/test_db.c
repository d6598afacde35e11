/* Unit tests for src/store/sqlite/db.c: connections, pragmas, the statement
 * cache, error mapping and migrations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tmpdb.h"

static int setup(void **state)
{
    tmpdb *t = calloc(1, sizeof *t);
    tmpdb_make(t);
    tx_log_set_quiet(1); /* expected failures log SQLite errors */
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    tmpdb *t = *state;
    tmpdb_remove(t);
    free(t);
    return 0;
}

static void test_migrate_applies_all_migrations_once(void **state)
{
    tmpdb *t = *state;
    store_options opt = {.create = 1};
    store *s = NULL;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_open(t->url, &opt, &s, &err), 0);
    assert_int_equal(store_schema_version(s), 0);
    assert_true(store_schema_latest() >= 2);
    int applied = -1;
    assert_int_equal(store_migrate(s, &applied, &err), 0);
    assert_int_equal(applied, store_schema_latest());
    assert_int_equal(store_schema_version(s), store_schema_latest());
    /* the tables of every migration exist */
    assert_int_equal(tmpdb_sync_int(s, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN "
                                       "('user_account','session','api_key','audit','area','organisation',"
                                       "'person','membership')"),
                     8);
    store_close(s);
}

static void test_migrate_is_idempotent(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    tx_err err;
    int applied = -1;
    assert_int_equal(store_migrate(s, &applied, &err), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    store_close(s);
    /* and again after reopening */
    store_options opt = {.create = 0};
    assert_int_equal(store_open(t->url, &opt, &s, &err), 0);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    applied = -1;
    assert_int_equal(store_migrate(s, &applied, &err), 0);
    assert_int_equal(applied, 0);
    store_close(s);
}

static void test_migrate_keeps_existing_data(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    tmpdb_sync_exec(s, "INSERT INTO audit (at, actor, action, object_kind) VALUES (1, 'cli', 'x', 'y')");
    tx_err err;
    int applied;
    assert_int_equal(store_migrate(s, &applied, &err), 0);
    assert_int_equal(tmpdb_sync_int(s, "SELECT count(*) FROM audit"), 1);
    store_close(s);
}

static void test_open_refuses_database_newer_than_binary(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", store_schema_latest() + 1);
    tmpdb_sync_exec(s, sql);
    store_close(s);

    store_options opt = {.create = 0};
    store *s2 = (store *)0x1;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_open(t->url, &opt, &s2, &err), -1);
    assert_ptr_equal(s2, (store *)0x1); /* not set */
    assert_int_equal(err.status, 409);
    assert_string_equal(err.code, "schema_too_new");
    assert_string_equal(err.field, "db");
}

static void test_open_accepts_database_at_latest_version(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    store_options opt = {.create = 0};
    tx_err err;
    assert_int_equal(store_open(t->url, &opt, &s, &err), 0);
    store_close(s);
}

typedef struct {
    char journal[16];
    int64_t fk, sync, query_only;
} pragmas;

static int read_pragmas(store_conn *c, void *arg, tx_err *err)
{
    (void)err;
    pragmas *p = arg;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(c->db, "PRAGMA journal_mode", -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(p->journal, sizeof p->journal, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    p->fk = tmpdb_int(c, "PRAGMA foreign_keys");
    p->sync = tmpdb_int(c, "PRAGMA synchronous");
    p->query_only = tmpdb_int(c, "PRAGMA query_only");
    return 0;
}

static int orphan_session(store_conn *c, void *arg, tx_err *err)
{
    (void)arg;
    return db_exec(c, "INSERT INTO session (token_hash, user_id, csrf, created_at, expires_at) "
                      "VALUES ('h', 999, 'c', 1, 2)",
                   err);
}

static void test_writer_connection_uses_wal_full_sync_and_foreign_keys(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    pragmas p;
    memset(&p, 0, sizeof p);
    tx_err err;
    assert_int_equal(store_sync(s, 0, read_pragmas, &p, &err), 0);
    assert_string_equal(p.journal, "wal");
    assert_int_equal(p.fk, 1);
    assert_int_equal(p.sync, 2); /* FULL */
    assert_int_equal(p.query_only, 0);
    /* foreign keys are enforced: a session for no user is refused */
    tx_err_clear(&err);
    assert_int_equal(store_sync(s, 1, orphan_session, NULL, &err), -1);
    assert_int_equal(tmpdb_sync_int(s, "SELECT count(*) FROM session"), 0);
    store_close(s);
}

static void test_readonly_connection_refuses_writes(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    tx_err err;
    tx_err_clear(&err);
    store_conn *c = db_conn_open(t->path, 1, 0, &err);
    assert_non_null(c);
    assert_int_equal(tmpdb_int(c, "PRAGMA query_only"), 1);
    assert_int_equal(tmpdb_int(c, "PRAGMA foreign_keys"), 1);
    assert_int_equal(db_exec(c, "INSERT INTO audit (at, actor, action, object_kind) VALUES (1,'a','b','c')", &err),
                     -1);
    assert_int_equal(err.status, 503);
    assert_int_equal(tmpdb_int(c, "SELECT count(*) FROM audit"), 0);
    db_conn_close(c);
}

static void test_conn_open_missing_file_without_create_fails(void **state)
{
    (void)state;
    tx_err err;
    tx_err_clear(&err);
    store_conn *c = db_conn_open("/tmp/tongxin-test-does-not-exist/x.db", 0, 0, &err);
    assert_null(c);
    assert_int_equal(err.status, 503);
    assert_string_equal(err.code, "store_unavailable");
    tx_err_clear(&err);
    c = db_conn_open("/tmp/tongxin-test-does-not-exist/x.db", 0, 1, &err);
    assert_null(c);
    assert_int_equal(err.status, 503);
}

static void test_stmt_cache_returns_same_statement_reset(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    tx_err err;
    store_conn *c = db_conn_open(t->path, 0, 0, &err);
    assert_non_null(c);
    tmpdb_exec(c, "INSERT INTO audit (at, actor, action, object_kind) VALUES (1,'a','b','c'), (2,'a','b','c')");
    static const char sql[] = "SELECT at FROM audit ORDER BY at";
    sqlite3_stmt *a = db_stmt(c, sql, &err);
    assert_non_null(a);
    assert_int_equal(sqlite3_step(a), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(a, 0), 1);
    /* asked again: the same statement, from its first row */
    sqlite3_stmt *b = db_stmt(c, sql, &err);
    assert_ptr_equal(a, b);
    assert_int_equal(sqlite3_step(b), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(b, 0), 1);
    /* bindings are cleared */
    static const char bound[] = "SELECT ?1 IS NULL";
    sqlite3_stmt *x = db_stmt(c, bound, &err);
    sqlite3_bind_int(x, 1, 5);
    x = db_stmt(c, bound, &err);
    assert_int_equal(sqlite3_step(x), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(x, 0), 1);
    db_conn_close(c);
}

static void test_stmt_cache_survives_more_statements_than_slots(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    tx_err err;
    store_conn *c = db_conn_open(t->path, 0, 0, &err);
    static char sqls[3 * DB_STMT_CACHE][32];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 3 * DB_STMT_CACHE; i++) {
            snprintf(sqls[i], sizeof sqls[i], "SELECT %d", i);
            sqlite3_stmt *st = db_stmt(c, sqls[i], &err);
            assert_non_null(st);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            assert_int_equal(sqlite3_column_int(st, 0), i);
        }
    db_conn_close(c);
}

/* A statement being stepped is not evicted when the cache is full: a
 * caller iterating a list while it asks for other statements keeps its
 * statement. */
static void test_stmt_cache_keeps_a_stepping_statement_when_full(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    tx_err err;
    store_conn *c = db_conn_open(t->path, 0, 0, &err);
    static const char outer[] = "SELECT value FROM json_each('[1,2,3]')";
    sqlite3_stmt *o = db_stmt(c, outer, &err);
    assert_int_equal(sqlite3_step(o), SQLITE_ROW);
    static char sqls[2 * DB_STMT_CACHE][32];
    for (int i = 0; i < 2 * DB_STMT_CACHE; i++) {
        snprintf(sqls[i], sizeof sqls[i], "SELECT %d", i);
        sqlite3_stmt *st = db_stmt(c, sqls[i], &err);
        assert_non_null(st);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        sqlite3_reset(st);
    }
    assert_int_equal(sqlite3_column_int(o, 0), 1);
    assert_int_equal(sqlite3_step(o), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(o, 0), 2);
    db_conn_close(c);
}

static void test_stmt_prepare_failure_is_internal_error(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    tx_err err;
    tx_err_clear(&err);
    store_conn *c = db_conn_open(t->path, 0, 0, &err);
    static const char bad[] = "SELEKT nonsense";
    assert_null(db_stmt(c, bad, &err));
    assert_int_equal(err.status, 500);
    assert_string_equal(err.code, "internal");
    /* the message never carries SQL */
    assert_null(strstr(err.msg[TX_LANG_EN], "SELEKT"));
    assert_null(strstr(err.msg[TX_LANG_EN], "syntax"));
    db_conn_close(c);
}

static void test_db_fail_maps_constraint_failure_to_409(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    tx_err err;
    tx_err_clear(&err);
    store_conn *c = db_conn_open(t->path, 0, 0, &err);
    tmpdb_exec(c, "INSERT INTO user_account (login, role, pwhash, created_at) VALUES ('a', 'resident', 'h', 1)");
    int rc =
        db_exec(c, "INSERT INTO user_account (login, role, pwhash, created_at) VALUES ('a', 'resident', 'h', 1)", &err);
    db_conn_close(c);
    assert_int_equal(rc, -1);
    /* db.h: "constraint failures become 409" */
    assert_int_equal(err.status, 409);
}

static void test_db_fail_maps_other_errors_to_500(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    tx_err err;
    tx_err_clear(&err);
    store_conn *c = db_conn_open(t->path, 0, 0, &err);
    assert_int_equal(db_exec(c, "SELECT * FROM no_such_table", &err), -1);
    assert_int_equal(err.status, 500);
    assert_string_equal(err.code, "internal");
    db_conn_close(c);
}

static void test_bind_and_column_helpers_handle_null(void **state)
{
    tmpdb *t = *state;
    store *s = tmpdb_open(t, 0);
    store_close(s);
    tx_err err;
    store_conn *c = db_conn_open(t->path, 0, 0, &err);
    static const char sql[] = "SELECT ?1, ?2, ?3";
    sqlite3_stmt *st = db_stmt(c, sql, &err);
    db_bind_text(st, 1, NULL);
    db_bind_text(st, 2, "白云");
    db_bind_int_or_null(st, 3, 42, 0);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    json_t *a = db_col_json_text(st, 0), *b = db_col_json_text(st, 1), *n = db_col_json_int(st, 2);
    assert_true(json_is_null(a));
    assert_string_equal(json_string_value(b), "白云");
    assert_int_equal(json_integer_value(n), 42);
    json_decref(a);
    json_decref(b);
    json_decref(n);
    st = db_stmt(c, sql, &err);
    db_bind_int_or_null(st, 3, 42, 1);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = db_col_json_int(st, 2);
    assert_true(json_is_null(n));
    json_decref(n);
    db_conn_close(c);
}

static void test_scope_kind_names_round_trip(void **state)
{
    (void)state;
    assert_string_equal(db_scope_kind_name(TX_SCOPE_AREA), "area");
    assert_string_equal(db_scope_kind_name(TX_SCOPE_ORG), "org");
    assert_null(db_scope_kind_name(TX_SCOPE_NONE));
    assert_int_equal(db_scope_kind_parse("area"), TX_SCOPE_AREA);
    assert_int_equal(db_scope_kind_parse("org"), TX_SCOPE_ORG);
    assert_int_equal(db_scope_kind_parse(NULL), TX_SCOPE_NONE);
    assert_int_equal(db_scope_kind_parse(""), TX_SCOPE_NONE);
    assert_int_equal(db_scope_kind_parse("grid"), TX_SCOPE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_applies_all_migrations_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_keeps_existing_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refuses_database_newer_than_binary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_accepts_database_at_latest_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_connection_uses_wal_full_sync_and_foreign_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_connection_refuses_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conn_open_missing_file_without_create_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stmt_cache_returns_same_statement_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stmt_cache_keeps_a_stepping_statement_when_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stmt_cache_survives_more_statements_than_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stmt_prepare_failure_is_internal_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_db_fail_maps_constraint_failure_to_409, setup, teardown),
        cmocka_unit_test_setup_teardown(test_db_fail_maps_other_errors_to_500, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_and_column_helpers_handle_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope_kind_names_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
