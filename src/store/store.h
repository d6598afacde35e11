/* store: everything tongxin keeps, behind one interface that speaks domain.
 *
 * No SQL leaves store/. Callers hand the store *jobs*: a run function that
 * executes on a store thread with a connection, and a complete function that
 * the store calls (on that thread) when the job's outcome is final. Reads run
 * on a pool of reader threads, each with its own connection. Writes run on the
 * one writer thread, which drains its queue and commits everything it drained
 * in one transaction (group commit): a write job's complete runs only after
 * its transaction is durable on disk, or after it failed and nothing of it
 * was kept. Each write job runs inside its own savepoint, so one job's failure
 * does not undo the others in its batch.
 *
 * Query results come back as jansson values the caller owns, shaped as the
 * API shows them; personal fields are included only when the caller says the
 * principal may see them. */
#ifndef TX_STORE_STORE_H
#define TX_STORE_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/account.h"

typedef struct store store;
typedef struct store_conn store_conn;
typedef struct store_job store_job;

struct store_job {
    store_job *next; /* owned by the store's queues */
    int write;       /* 1: writer thread, in a transaction; 0: a reader */
    /* Runs on a store thread. Returns 0, or -1 with job->err filled in. */
    int (*run)(store_job *job, store_conn *c);
    /* Called once, on the store thread, when the outcome is final (for
     * writes: after the commit). job->err.status is 0 on success. */
    void (*complete)(store_job *job);
    tx_err err;
    int64_t queued_ns;
};

typedef struct {
    int max_batch;      /* most jobs the writer commits in one transaction */
    int create;         /* create the database file if missing */
} store_options;

/* Open the store named by url ("sqlite:PATH", "sqlite://PATH" or a bare path;
 * "postgresql://…" is recognised and refused in this build). Checks the
 * schema version: a database newer than this binary is refused. Does not
 * start threads. Returns 0 and sets *out, or -1 with err filled. */
int store_open(const char *url, const store_options *opt, store **out, tx_err *err);

/* Bring the schema up to date with the migrations embedded in the binary.
 * Sets *applied to how many ran. */
int store_migrate(store *s, int *applied, tx_err *err);

/* Schema version of the database and the newest one this binary knows. */
int store_schema_version(store *s);
int store_schema_latest(void);

/* Start `readers` reader threads (each with its own connection) and the
 * writer thread. Without this the store serves store_sync only (the CLI). */
int store_start(store *s, int readers, tx_err *err);

/* Queue a job. Never blocks on disk. After store_stop has begun, the job
 * completes at once with a 503. */
void store_submit(store *s, store_job *job);

/* Run fn synchronously on the calling thread, inside a transaction when
 * write is set (committed if fn returns 0, rolled back otherwise). For the
 * CLI and tests; not for loop threads. */
int store_sync(store *s, int write, int (*fn)(store_conn *c, void *arg, tx_err *err), void *arg, tx_err *err);

/* Stop accepting jobs, let the writer drain and commit what it holds, join
 * the threads. Safe to call once. */
void store_stop(store *s);

/* Close connections and free the store (after store_stop if started). */
void store_close(store *s);

/* Health: 1 when the writer thread is alive and not stalled. */
int store_writer_alive(store *s);

/* Counters for /metrics. Histogram buckets are cumulative as Prometheus wants. */
#define STORE_COMMIT_BUCKETS 12
#define STORE_BATCH_BUCKETS 12
typedef struct {
    int64_t queue_depth;
    int64_t jobs_done, jobs_failed, batches, commit_failures;
    double commit_seconds_sum;
    int64_t commit_bucket[STORE_COMMIT_BUCKETS]; /* le: see store_commit_bucket_bounds */
    int64_t batch_size_sum;
    int64_t batch_bucket[STORE_BATCH_BUCKETS];   /* le: 1, 2, 4, … 2048 */
} store_metrics;
void store_metrics_read(store *s, store_metrics *out);
extern const double store_commit_bucket_bounds[STORE_COMMIT_BUCKETS];

/* ---- Audit: every write records who did what to which object. ---- */

/* actor: "user:login", "apikey:name", "cli" or "anonymous". */
int store_audit(store_conn *c, const char *actor, const char *action, const char *object_kind, int64_t object_id,
                const char *detail, tx_err *err);

/* Latest audit entries, newest first, as a JSON array. */
int store_audit_list(store_conn *c, int limit, json_t **out, tx_err *err);

/* ---- Accounts, sessions and API keys ---- */

/* Resolve a scope code (an area or organisation code) for a role. Fails with
 * a field error naming "scope" when the code is unknown or of the wrong kind. */
int store_scope_resolve(store_conn *c, tx_role role, const char *code, tx_scope *out, tx_err *err);

int store_user_add(store_conn *c, const char *login, tx_role role, const tx_scope *scope, const char *pwhash,
                   int64_t *id_out, tx_err *err);
int store_user_set_password(store_conn *c, const char *login, const char *pwhash, tx_err *err);
int store_user_set_disabled(store_conn *c, const char *login, int disabled, tx_err *err);
/* Array of {id, login, role, scope, disabled, created_at}; never the hash. */
int store_user_list(store_conn *c, json_t **out, tx_err *err);

/* For sign-in: the stored hash and principal of an enabled user. Returns 0
 * and fills both, 1 when there is no such enabled user, -1 on failure. */
int store_user_for_login(store_conn *c, const char *login, char pwhash[128], tx_principal *p, tx_err *err);

/* Sessions are stored by token hash; the CSRF token is stored as given (it
 * is not a credential on its own). */
int store_session_create(store_conn *c, int64_t user_id, const char *token_hash, const char *csrf, int64_t now_ms,
                         int64_t expires_ms, tx_err *err);
/* Returns 0 and fills p and csrf, 1 when unknown or expired, -1 on failure. */
int store_session_resolve(store_conn *c, const char *token_hash, int64_t now_ms, tx_principal *p, char csrf[64],
                          tx_err *err);
int store_session_delete(store_conn *c, const char *token_hash, tx_err *err);

int store_apikey_create(store_conn *c, const char *name, const char *key_hash, const char *prefix, tx_role role,
                        const tx_scope *scope, int64_t *id_out, tx_err *err);
/* Array of {id, name, prefix, role, created_at, revoked_at}; never the hash. */
int store_apikey_list(store_conn *c, json_t **out, tx_err *err);
int store_apikey_revoke(store_conn *c, int64_t id, tx_err *err);
/* Returns 0 and fills p, 1 when unknown or revoked, -1 on failure. */
int store_apikey_resolve(store_conn *c, const char *key_hash, tx_principal *p, tx_err *err);

/* ---- Figures ---- */

/* Counts of everything kept: {"areas":{"street":1,…},"organisations":{…},
 * "people":n, "users":n, …} plus the flat counts the stats command promises. */
int store_stats(store_conn *c, json_t **out, tx_err *err);

/* A trivial read proving the store answers (readiness). */
int store_ping(store_conn *c, tx_err *err);

#endif
