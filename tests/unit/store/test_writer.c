/* Unit tests for src/store/store.c: opening by URL, store_sync, and the
 * threads: the reader pool and the one writer with group commit.
 *
 * Write jobs insert one audit row each (object_kind 'job', object_id = the
 * job's tag), so what was committed can be counted afterwards. A "gate" job
 * holds the writer (or a reader) inside its run until the test opens the
 * gate, which makes batching deterministic: everything submitted while the
 * gate is closed is in the writer's next batch. cmocka asserts only run on
 * the test's own thread. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdb.h"

enum {
    J_OK,           /* insert the row */
    J_FAIL_SET,     /* insert the row, then fail with a 409 of its own */
    J_FAIL_BARE,    /* insert the row, then fail without filling err */
    J_FAIL_SQL,     /* insert the row, then a statement that violates NOT NULL */
    J_READ_AUDIT,   /* read: count this tag's rows (store_audit_list) */
    J_READ_STATS,   /* read: store_stats */
    J_READ_WRITE,   /* read job that tries to write */
    J_READ_PING,    /* read: store_ping */
    J_READ_FAIL,    /* read: fail without filling err */
};

typedef struct {
    store_job job; /* first: the store hands back &job */
    int kind;
    int64_t tag;
    int gate;                /* wait for the gate inside run */
    atomic_int completed;    /* complete() calls */
    atomic_int ran;          /* run() calls */
    pthread_t thread;        /* where run ran */
    int found;               /* J_READ_AUDIT: rows with this tag */
    int completed_in_submit; /* complete ran before store_submit returned */
} tjob;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;    /* complete() calls, all jobs */
    int entered; /* gate jobs waiting */
    int open;
} G = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};

static void g_reset(void)
{
    pthread_mutex_lock(&G.mu);
    G.done = G.entered = G.open = 0;
    pthread_mutex_unlock(&G.mu);
}

static void gate_wait(void)
{
    pthread_mutex_lock(&G.mu);
    G.entered++;
    pthread_cond_broadcast(&G.cv);
    while (!G.open)
        pthread_cond_wait(&G.cv, &G.mu);
    pthread_mutex_unlock(&G.mu);
}

static void gate_open(void)
{
    pthread_mutex_lock(&G.mu);
    G.open = 1;
    pthread_cond_broadcast(&G.cv);
    pthread_mutex_unlock(&G.mu);
}

/* Wait (up to 30 s) until `field` reaches n; returns whether it did. */
static int wait_for(int *field, int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&G.mu);
    int rc = 0;
    while (*field < n && rc == 0)
        rc = pthread_cond_timedwait(&G.cv, &G.mu, &until);
    int ok = *field >= n;
    pthread_mutex_unlock(&G.mu);
    return ok;
}

static int count_tag(store_conn *c, int64_t tag, tx_err *err, int *found)
{
    json_t *list = NULL;
    if (store_audit_list(c, 100000, &list, err))
        return -1;
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        if (json_integer_value(json_object_get(e, "object_id")) == tag &&
            strcmp(json_string_value(json_object_get(e, "object_kind")), "job") == 0)
            n++;
    }
    json_decref(list);
    *found = n;
    return 0;
}

static int job_run(store_job *job, store_conn *c)
{
    tjob *t = (tjob *)job;
    atomic_fetch_add(&t->ran, 1);
    t->thread = pthread_self();
    if (t->gate)
        gate_wait();
    switch (t->kind) {
    case J_READ_AUDIT:
        return count_tag(c, t->tag, &job->err, &t->found);
    case J_READ_STATS: {
        json_t *o = NULL;
        int rc = store_stats(c, &o, &job->err);
        json_decref(o);
        return rc;
    }
    case J_READ_WRITE:
        return store_audit(c, "test", "write", "job", t->tag, NULL, &job->err);
    case J_READ_PING:
        return store_ping(c, &job->err);
    case J_READ_FAIL:
        return -1;
    default:
        break;
    }
    if (store_audit(c, "test", "write", "job", t->tag, NULL, &job->err))
        return -1;
    switch (t->kind) {
    case J_FAIL_SET:
        return tx_err_set(&job->err, 409, "conflict", "x", M_CONFLICT, "refused by the test");
    case J_FAIL_BARE:
        return -1;
    case J_FAIL_SQL:
        return store_audit(c, NULL, "write", "job", t->tag, NULL, &job->err);
    default:
        return 0;
    }
}

static void job_complete(store_job *job)
{
    tjob *t = (tjob *)job;
    atomic_fetch_add(&t->completed, 1);
    pthread_mutex_lock(&G.mu);
    G.done++;
    pthread_cond_broadcast(&G.cv);
    pthread_mutex_unlock(&G.mu);
}

static void job_init(tjob *t, int write, int kind, int64_t tag)
{
    memset(t, 0, sizeof *t);
    t->job.write = write;
    t->job.run = job_run;
    t->job.complete = job_complete;
    t->kind = kind;
    t->tag = tag;
}

static void submit(store *s, tjob *t)
{
    store_submit(s, &t->job);
    t->completed_in_submit = atomic_load(&t->completed);
}

/* ---- fixture ---- */

typedef struct {
    tmpdb db;
    store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    tmpdb_make(&f->db);
    tx_log_set_quiet(1);
    g_reset();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gate_open(); /* never leave a store thread waiting */
    store_close(f->s);
    tmpdb_remove(&f->db);
    free(f);
    return 0;
}

static store *start(fixture *f, int readers, int max_batch)
{
    f->s = tmpdb_open(&f->db, max_batch);
    tx_err err;
    tx_err_clear(&err);
    if (store_start(f->s, readers, &err))
        fail_msg("store_start: %s", err.msg[TX_LANG_EN]);
    return f->s;
}

static int64_t rows_with_tag(store *s, int64_t tag)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE object_kind = 'job' AND object_id = %lld",
             (long long)tag);
    return tmpdb_sync_int(s, sql);
}

/* ---- opening ---- */

static void test_open_refuses_postgresql_url(void **state)
{
    (void)state;
    static const char *const urls[] = {"postgresql://tongxin@localhost/tongxin", "postgres://u:p@h:5432/db"};
    for (size_t i = 0; i < 2; i++) {
        store_options opt = {.create = 1};
        store *s = NULL;
        tx_err err;
        tx_err_clear(&err);
        /* the refusal also prints a line for the operator: keep it out of the test output */
        fflush(stderr);
        int saved = dup(STDERR_FILENO), devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDERR_FILENO);
        int rc = store_open(urls[i], &opt, &s, &err);
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
        close(devnull);
        assert_int_equal(rc, -1);
        assert_null(s);
        assert_string_equal(err.code, "unsupported_store");
        assert_int_equal(err.status, 400);
    }
}

static void test_open_refuses_unknown_scheme_and_empty_path(void **state)
{
    (void)state;
    store_options opt = {.create = 1};
    store *s = NULL;
    tx_err err;
    assert_int_equal(store_open("mysql://localhost/db", &opt, &s, &err), -1);
    assert_string_equal(err.code, "unsupported_store");
    assert_int_equal(store_open("sqlite:", &opt, &s, &err), -1);
    assert_string_equal(err.field, "db");
    assert_int_equal(store_open("", &opt, &s, &err), -1);
    assert_null(s);
}

static void test_open_accepts_sqlite_url_forms(void **state)
{
    fixture *f = *state;
    char url[128];
    const char *forms[] = {"sqlite:%s", "sqlite://%s", "%s"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(url, sizeof url, forms[i], f->db.path);
        store_options opt = {.create = 0};
        store *s = NULL;
        tx_err err;
        if (store_open(url, &opt, &s, &err) != 0)
            fail_msg("store_open(%s) failed", url);
        store_close(s);
    }
}

static void test_open_missing_file_needs_create(void **state)
{
    (void)state;
    store_options opt = {.create = 0};
    store *s = NULL;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_open("sqlite:/tmp/tongxin-test-no-such-dir/db", &opt, &s, &err), -1);
    assert_int_equal(err.status, 503);
    assert_null(s);
}

/* ---- store_sync ---- */

static int sync_insert(store_conn *c, void *arg, tx_err *err)
{
    int64_t tag = *(int64_t *)arg;
    if (store_audit(c, "test", "write", "job", tag > 0 ? tag : -tag, NULL, err))
        return -1;
    if (tag < 0)
        return tx_err_set(err, 409, "conflict", NULL, M_CONFLICT, "no");
    return 0;
}

static void test_sync_write_commits_on_success(void **state)
{
    fixture *f = *state;
    f->s = tmpdb_open(&f->db, 0);
    int64_t tag = 5;
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_sync(f->s, 1, sync_insert, &tag, &err), 0);
    assert_int_equal(rows_with_tag(f->s, 5), 1);
}

static void test_sync_write_rolls_back_on_failure(void **state)
{
    fixture *f = *state;
    f->s = tmpdb_open(&f->db, 0);
    int64_t tag = -6; /* insert 6, then fail */
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(store_sync(f->s, 1, sync_insert, &tag, &err), -1);
    assert_int_equal(err.status, 409);
    assert_int_equal(rows_with_tag(f->s, 6), 0);
    /* the connection is usable afterwards */
    tag = 7;
    assert_int_equal(store_sync(f->s, 1, sync_insert, &tag, &err), 0);
    assert_int_equal(rows_with_tag(f->s, 7), 1);
}

/* ---- submission outside the running window ---- */

static void test_submit_before_start_completes_at_once_with_503(void **state)
{
    fixture *f = *state;
    f->s = tmpdb_open(&f->db, 0);
    tjob w, r;
    job_init(&w, 1, J_OK, 1);
    job_init(&r, 0, J_READ_AUDIT, 1);
    submit(f->s, &w);
    submit(f->s, &r);
    assert_int_equal(w.completed_in_submit, 1);
    assert_int_equal(r.completed_in_submit, 1);
    assert_int_equal(w.job.err.status, 503);
    assert_int_equal(atomic_load(&w.ran), 0);
    assert_int_equal(atomic_load(&r.ran), 0);
}

static void test_submit_after_stop_completes_at_once_with_503(void **state)
{
    fixture *f = *state;
    start(f, 2, 0);
    assert_int_equal(store_writer_alive(f->s), 1);
    store_stop(f->s);
    assert_int_equal(store_writer_alive(f->s), 0);
    tjob w, r;
    job_init(&w, 1, J_OK, 1);
    job_init(&r, 0, J_READ_AUDIT, 1);
    submit(f->s, &w);
    submit(f->s, &r);
    assert_int_equal(w.completed_in_submit, 1);
    assert_int_equal(r.completed_in_submit, 1);
    assert_int_equal(w.job.err.status, 503);
    assert_string_equal(w.job.err.code, "shutting_down");
    assert_int_equal(r.job.err.status, 503);
    assert_int_equal(atomic_load(&w.ran), 0);
    assert_int_equal(rows_with_tag(f->s, 1), 0);
    store_stop(f->s); /* a second stop is harmless */
}

/* ---- the writer ---- */

enum { SUBMITTERS = 4, PER_SUBMITTER = 250 };

typedef struct {
    store *s;
    tjob *jobs;
    int n;
} submitter_arg;

static void *submitter(void *arg)
{
    submitter_arg *a = arg;
    for (int i = 0; i < a->n; i++)
        store_submit(a->s, &a->jobs[i].job);
    return NULL;
}

static void test_writer_concurrent_jobs_each_complete_once_and_all_rows_commit(void **state)
{
    fixture *f = *state;
    start(f, 2, 0);
    enum { N = SUBMITTERS * PER_SUBMITTER };
    tjob *jobs = calloc(N, sizeof *jobs);
    for (int i = 0; i < N; i++)
        job_init(&jobs[i], 1, J_OK, i + 1);
    pthread_t th[SUBMITTERS];
    submitter_arg args[SUBMITTERS];
    for (int k = 0; k < SUBMITTERS; k++) {
        args[k] = (submitter_arg){f->s, jobs + k * PER_SUBMITTER, PER_SUBMITTER};
        pthread_create(&th[k], NULL, submitter, &args[k]);
    }
    for (int k = 0; k < SUBMITTERS; k++)
        pthread_join(th[k], NULL);
    assert_true(wait_for(&G.done, N));
    pthread_t writer = jobs[0].thread;
    for (int i = 0; i < N; i++) {
        if (atomic_load(&jobs[i].completed) != 1)
            fail_msg("job %d completed %d times", i, atomic_load(&jobs[i].completed));
        if (jobs[i].job.err.status != 0)
            fail_msg("job %d failed: %s", i, jobs[i].job.err.msg[TX_LANG_EN]);
        assert_int_equal(atomic_load(&jobs[i].ran), 1);
        assert_true(pthread_equal(jobs[i].thread, writer)); /* one writer thread */
    }
    assert_false(pthread_equal(writer, pthread_self()));
    store_metrics m;
    store_metrics_read(f->s, &m);
    assert_int_equal(m.jobs_done, N);
    assert_int_equal(m.jobs_failed, 0);
    assert_int_equal(m.commit_failures, 0);
    assert_int_equal(m.batch_size_sum, N);
    assert_int_equal(m.queue_depth, 0);
    assert_true(m.batches >= 1 && m.batches <= N);
    store_stop(f->s);
    assert_int_equal(tmpdb_sync_int(f->s, "SELECT count(*) FROM audit WHERE object_kind = 'job'"), N);
    assert_int_equal(tmpdb_sync_int(f->s, "SELECT count(DISTINCT object_id) FROM audit WHERE object_kind = 'job'"), N);
    free(jobs);
}

static void test_writer_group_commits_a_burst_in_one_batch(void **state)
{
    fixture *f = *state;
    start(f, 2, 0);
    enum { N = 100 };
    tjob gate, jobs[N];
    job_init(&gate, 1, J_OK, 1000);
    gate.gate = 1;
    submit(f->s, &gate);
    assert_true(wait_for(&G.entered, 1)); /* the writer is inside the gate job */
    for (int i = 0; i < N; i++) {
        job_init(&jobs[i], 1, J_OK, i + 1);
        submit(f->s, &jobs[i]);
    }
    store_metrics m;
    store_metrics_read(f->s, &m);
    assert_int_equal(m.queue_depth, N);
    assert_int_equal(m.batches, 0);
    gate_open();
    assert_true(wait_for(&G.done, N + 1));
    store_metrics_read(f->s, &m);
    /* the gate's batch, then all N in one transaction */
    assert_int_equal(m.batches, 2);
    assert_int_equal(m.jobs_done, N + 1);
    assert_int_equal(m.batch_size_sum, N + 1);
    assert_int_equal(m.queue_depth, 0);
    /* cumulative batch-size buckets: le=1 holds the gate batch, le=128 both */
    assert_int_equal(m.batch_bucket[0], 1);
    assert_int_equal(m.batch_bucket[6], 1); /* le=64 */
    assert_int_equal(m.batch_bucket[7], 2); /* le=128 */
    assert_int_equal(m.batch_bucket[STORE_BATCH_BUCKETS - 1], 2);
    for (int b = 1; b < STORE_BATCH_BUCKETS; b++)
        assert_true(m.batch_bucket[b] >= m.batch_bucket[b - 1]);
    for (int b = 1; b < STORE_COMMIT_BUCKETS; b++)
        assert_true(m.commit_bucket[b] >= m.commit_bucket[b - 1]);
    assert_true(m.commit_bucket[STORE_COMMIT_BUCKETS - 1] <= m.batches);
    for (int i = 0; i < N; i++)
        assert_int_equal(jobs[i].job.err.status, 0);
    store_stop(f->s);
    assert_int_equal(tmpdb_sync_int(f->s, "SELECT count(*) FROM audit WHERE object_kind = 'job'"), N + 1);
}

static void test_writer_respects_max_batch(void **state)
{
    fixture *f = *state;
    start(f, 1, 8);
    enum { N = 20 };
    tjob gate, jobs[N];
    job_init(&gate, 1, J_OK, 1000);
    gate.gate = 1;
    submit(f->s, &gate);
    assert_true(wait_for(&G.entered, 1));
    for (int i = 0; i < N; i++) {
        job_init(&jobs[i], 1, J_OK, i + 1);
        submit(f->s, &jobs[i]);
    }
    gate_open();
    assert_true(wait_for(&G.done, N + 1));
    store_metrics m;
    store_metrics_read(f->s, &m);
    assert_int_equal(m.batches, 1 + 3); /* 8 + 8 + 4 */
    assert_int_equal(m.batch_bucket[3], 4); /* every batch has at most 8 jobs */
}

static void test_writer_failing_job_is_rolled_back_alone(void **state)
{
    fixture *f = *state;
    start(f, 2, 0);
    tjob gate, a, b, c, d, e;
    job_init(&gate, 1, J_OK, 1000);
    gate.gate = 1;
    submit(f->s, &gate);
    assert_true(wait_for(&G.entered, 1));
    job_init(&a, 1, J_OK, 1);
    job_init(&b, 1, J_FAIL_SET, 2);
    job_init(&c, 1, J_OK, 3);
    job_init(&d, 1, J_FAIL_BARE, 4);
    job_init(&e, 1, J_FAIL_SQL, 5);
    tjob *all[] = {&a, &b, &c, &d, &e};
    for (int i = 0; i < 5; i++)
        submit(f->s, all[i]);
    gate_open();
    assert_true(wait_for(&G.done, 6));
    for (int i = 0; i < 5; i++)
        assert_int_equal(atomic_load(&all[i]->completed), 1);
    assert_int_equal(a.job.err.status, 0);
    assert_int_equal(c.job.err.status, 0);
    /* the failing job keeps its own error */
    assert_int_equal(b.job.err.status, 409);
    assert_string_equal(b.job.err.code, "conflict");
    assert_string_equal(b.job.err.field, "x");
    /* one that failed without saying why gets a 500 */
    assert_int_equal(d.job.err.status, 500);
    assert_string_equal(d.job.err.code, "internal");
    assert_true(e.job.err.status >= 400);
    store_metrics m;
    store_metrics_read(f->s, &m);
    assert_int_equal(m.batches, 2); /* all five in one batch */
    assert_int_equal(m.jobs_done, 3);
    assert_int_equal(m.jobs_failed, 3);
    assert_int_equal(m.commit_failures, 0);
    store_stop(f->s);
    assert_int_equal(rows_with_tag(f->s, 1), 1);
    assert_int_equal(rows_with_tag(f->s, 2), 0);
    assert_int_equal(rows_with_tag(f->s, 3), 1);
    assert_int_equal(rows_with_tag(f->s, 4), 0);
    assert_int_equal(rows_with_tag(f->s, 5), 0);
    assert_int_equal(rows_with_tag(f->s, 1000), 1);
}

/* ---- readers ---- */

static void test_reads_run_on_readers_and_see_committed_data(void **state)
{
    fixture *f = *state;
    start(f, 2, 0);
    tjob w;
    job_init(&w, 1, J_OK, 77);
    submit(f->s, &w);
    assert_true(wait_for(&G.done, 1));
    assert_int_equal(w.job.err.status, 0);
    enum { R = 20 };
    tjob reads[R];
    for (int i = 0; i < R; i++) {
        job_init(&reads[i], 0, J_READ_AUDIT, 77);
        submit(f->s, &reads[i]);
    }
    assert_true(wait_for(&G.done, 1 + R));
    for (int i = 0; i < R; i++) {
        assert_int_equal(atomic_load(&reads[i].completed), 1);
        assert_int_equal(reads[i].job.err.status, 0);
        assert_int_equal(reads[i].found, 1);
        assert_false(pthread_equal(reads[i].thread, w.thread)); /* not the writer */
        assert_false(pthread_equal(reads[i].thread, pthread_self()));
    }
}

static void test_reads_run_in_parallel_on_several_readers(void **state)
{
    fixture *f = *state;
    start(f, 2, 0);
    /* two gated reads: both must be inside at once, so two readers exist */
    tjob r1, r2;
    job_init(&r1, 0, J_READ_AUDIT, 1);
    job_init(&r2, 0, J_READ_AUDIT, 1);
    r1.gate = r2.gate = 1;
    submit(f->s, &r1);
    submit(f->s, &r2);
    assert_true(wait_for(&G.entered, 2));
    assert_false(pthread_equal(r1.thread, r2.thread));
    gate_open();
    assert_true(wait_for(&G.done, 2));
}

static void test_reader_connections_are_read_only(void **state)
{
    fixture *f = *state;
    start(f, 1, 0);
    tjob r;
    job_init(&r, 0, J_READ_WRITE, 9);
    submit(f->s, &r);
    assert_true(wait_for(&G.done, 1));
    assert_int_equal(atomic_load(&r.completed), 1);
    assert_true(r.job.err.status >= 500);
    store_stop(f->s);
    assert_int_equal(rows_with_tag(f->s, 9), 0);
}

static void test_reader_failing_job_without_error_gets_500(void **state)
{
    fixture *f = *state;
    start(f, 1, 0);
    tjob r;
    job_init(&r, 0, J_READ_FAIL, 9);
    submit(f->s, &r);
    assert_true(wait_for(&G.done, 1));
    assert_int_equal(r.job.err.status, 500);
    assert_string_equal(r.job.err.code, "internal");
}

/* A reader must see what was committed after its previous job. Single-row
 * reads (store_stats' counts, session and API-key lookups) leave their
 * cached statement un-reset; an active statement keeps the connection's
 * read transaction, and with it an old WAL snapshot, open. */
static void test_reader_sees_writes_committed_after_its_previous_read(void **state)
{
    fixture *f = *state;
    start(f, 1, 0); /* one reader: every read uses the same connection */
    tjob r1, w, r2;
    job_init(&r1, 0, J_READ_STATS, 0);
    submit(f->s, &r1);
    assert_true(wait_for(&G.done, 1));
    assert_int_equal(r1.job.err.status, 0);
    job_init(&w, 1, J_OK, 4242);
    submit(f->s, &w);
    assert_true(wait_for(&G.done, 2));
    assert_int_equal(w.job.err.status, 0);
    job_init(&r2, 0, J_READ_AUDIT, 4242);
    submit(f->s, &r2);
    assert_true(wait_for(&G.done, 3));
    assert_int_equal(r2.job.err.status, 0);
    if (r2.found != 1)
        fail_msg("the reader did not see a row committed before its job (stale snapshot)");
}

/* ---- stopping ---- */

static void *stopper(void *arg)
{
    store_stop(arg);
    return NULL;
}

static void test_stop_drains_queued_jobs_before_returning(void **state)
{
    fixture *f = *state;
    start(f, 1, 0);
    enum { W = 50, R = 10 };
    tjob wgate, rgate, writes[W], reads[R];
    job_init(&wgate, 1, J_OK, 1000);
    wgate.gate = 1;
    job_init(&rgate, 0, J_READ_AUDIT, 1000);
    rgate.gate = 1;
    submit(f->s, &wgate);
    submit(f->s, &rgate);
    assert_true(wait_for(&G.entered, 2)); /* the writer and the only reader are held */
    for (int i = 0; i < W; i++) {
        job_init(&writes[i], 1, J_OK, i + 1);
        submit(f->s, &writes[i]);
    }
    for (int i = 0; i < R; i++) {
        job_init(&reads[i], 0, J_READ_AUDIT, 1);
        submit(f->s, &reads[i]);
    }
    pthread_t th;
    pthread_create(&th, NULL, stopper, f->s);
    /* wait until stopping has begun */
    for (int i = 0; i < 3000 && store_writer_alive(f->s); i++)
        usleep(1000);
    assert_int_equal(store_writer_alive(f->s), 0);
    tjob late;
    job_init(&late, 1, J_OK, 999);
    submit(f->s, &late);
    assert_int_equal(late.completed_in_submit, 1);
    assert_int_equal(late.job.err.status, 503);
    gate_open();
    pthread_join(th, NULL);
    /* store_stop returned: everything queued before it has completed */
    for (int i = 0; i < W; i++) {
        if (atomic_load(&writes[i].completed) != 1)
            fail_msg("write %d completed %d times", i, atomic_load(&writes[i].completed));
        assert_int_equal(writes[i].job.err.status, 0);
    }
    for (int i = 0; i < R; i++)
        assert_int_equal(atomic_load(&reads[i].completed), 1);
    assert_int_equal(atomic_load(&wgate.completed), 1);
    assert_int_equal(atomic_load(&rgate.completed), 1);
    assert_int_equal(tmpdb_sync_int(f->s, "SELECT count(*) FROM audit WHERE object_kind = 'job'"), W + 1);
    assert_int_equal(rows_with_tag(f->s, 999), 0);
}

/* Jobs submitted while the store stops either run or get a 503: none is lost. */
typedef struct {
    store *s;
    tjob *jobs;
    int n;
    atomic_int submitted;
} racer_arg;

static void *racer(void *arg)
{
    racer_arg *a = arg;
    for (int i = 0; i < a->n; i++) {
        store_submit(a->s, &a->jobs[i].job);
        atomic_store(&a->submitted, i + 1);
    }
    return NULL;
}

static void test_stop_racing_submissions_loses_no_job(void **state)
{
    fixture *f = *state;
    start(f, 1, 0);
    enum { N = 3000 };
    tjob *jobs = calloc(N, sizeof *jobs);
    for (int i = 0; i < N; i++)
        job_init(&jobs[i], i % 2, i % 2 ? J_OK : J_READ_PING, i + 1);
    racer_arg a = {f->s, jobs, N, 0};
    pthread_t th;
    pthread_create(&th, NULL, racer, &a);
    while (atomic_load(&a.submitted) < 50)
        sched_yield();
    store_stop(f->s);
    pthread_join(th, NULL);
    /* give any straggler a moment, then every job must have completed once */
    assert_true(wait_for(&G.done, N));
    for (int i = 0; i < N; i++)
        if (atomic_load(&jobs[i].completed) != 1)
            fail_msg("job %d completed %d times", i, atomic_load(&jobs[i].completed));
    free(jobs);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_open_refuses_postgresql_url),
        T(test_open_refuses_unknown_scheme_and_empty_path),
        T(test_open_accepts_sqlite_url_forms),
        T(test_open_missing_file_needs_create),
        T(test_sync_write_commits_on_success),
        T(test_sync_write_rolls_back_on_failure),
        T(test_submit_before_start_completes_at_once_with_503),
        T(test_submit_after_stop_completes_at_once_with_503),
        T(test_writer_concurrent_jobs_each_complete_once_and_all_rows_commit),
        T(test_writer_group_commits_a_burst_in_one_batch),
        T(test_writer_respects_max_batch),
        T(test_writer_failing_job_is_rolled_back_alone),
        T(test_reads_run_on_readers_and_see_committed_data),
        T(test_reads_run_in_parallel_on_several_readers),
        T(test_reader_connections_are_read_only),
        T(test_reader_failing_job_without_error_gets_500),
        T(test_reader_sees_writes_committed_after_its_previous_read),
        T(test_stop_drains_queued_jobs_before_returning),
        T(test_stop_racing_submissions_loses_no_job),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
