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
#include "domain/calendar.h"

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

/* ---- The network: areas ---- */

/* One area as given to the store (already validated by the caller: kinds
 * are known codes, the geometry is valid GeoJSON text). NULL / has_* = 0
 * means absent. */
typedef struct {
    const char *kind, *code, *name, *name_en, *parent_code;
    const char *geometry; /* GeoJSON geometry, compact text */
    const char *founded, *notes;
    const char *extra;    /* other properties as a JSON object text */
    int64_t population_registered, population_resident, households;
    int has_population_registered, has_population_resident, has_households;
} store_area_in;

typedef struct {
    const char *kind;      /* NULL: any */
    int64_t parent_id;     /* 0: any */
    const char *name;      /* substring of the zh or en name; NULL: any */
    int with_geometry;     /* include boundaries */
} store_area_filter;

/* A GeoJSON FeatureCollection of matching areas; properties: id, kind,
 * code, name, name_en, parent_id, parent_code, population_registered,
 * population_resident, households, founded, notes and the extra ones. */
int store_area_list(store_conn *c, const store_area_filter *f, json_t **out, tx_err *err);

/* One area as a Feature; 404 when there is none. */
int store_area_get(store_conn *c, int64_t id, json_t **out, tx_err *err);

/* The id of the area with this code; 404 when none. */
int store_area_id_by_code(store_conn *c, const char *code, int64_t *id, tx_err *err);

/* Ids of the area and its ancestors, nearest first (for authorization). */
int store_area_ancestry(store_conn *c, int64_t id, int64_t *ids, int max, int *n, tx_err *err);

/* Insert an area, or replace the one with the same code when replace is
 * set. The parent is found by code (400 naming parent_code when unknown). */
int store_area_put(store_conn *c, const store_area_in *a, int replace, int64_t *id_out, tx_err *err);

/* Replace the fields of area id (its code may change; 409 on a clash). */
int store_area_update(store_conn *c, int64_t id, const store_area_in *a, tx_err *err);

/* Delete an area; 409 when areas, organisations or accounts still refer to it. */
int store_area_delete(store_conn *c, int64_t id, tx_err *err);

/* Every area in the export format (FeatureCollection with parent_code),
 * parents before children. */
int store_area_export(store_conn *c, json_t **out, tx_err *err);

/* A number that changes whenever any area is inserted, changed or
 * deleted, by this process or another. */
int store_area_version(store_conn *c, int64_t *version, tx_err *err);

/* Every area (boundary or not), parents first, as a JSON array of
 * [id, kind, parent_id, code, name, geometry-or-null] rows: for the locator
 * and for checking an import against what is stored. */
int store_area_rows(store_conn *c, json_t **out, tx_err *err);

/* ---- The network: organisations, people, memberships ---- */

typedef struct {
    const char *code, *kind, *unit_type, *name, *name_en, *area_code, *parent_code, *notes;
    const char *manages; /* ';'-separated compound codes (property companies) */
    int keep_manages;    /* leave the managed compounds as they are (manages ignored) */
} store_org_in;

typedef struct {
    const char *kind, *unit_type, *q; /* NULL: any */
    int64_t area_id;                  /* in this area or below it; 0: any */
    int64_t parent_id;                /* 0: any */
    int limit, offset;
} store_org_filter;

/* Organisations as {items:[…], total}; each item: id, code, kind,
 * unit_type, name, name_en, area {id, code, name, kind}, parent_id,
 * parent_code, manages [codes], notes. */
int store_org_list(store_conn *c, const store_org_filter *f, json_t **out, tx_err *err);
int store_org_get(store_conn *c, int64_t id, json_t **out, tx_err *err);
int store_org_put(store_conn *c, const store_org_in *o, int replace, int64_t *id_out, tx_err *err);
int store_org_update(store_conn *c, int64_t id, const store_org_in *o, tx_err *err);
int store_org_delete(store_conn *c, int64_t id, tx_err *err);
/* The area ids (the org's area and its ancestors) and org ids (the org and
 * its parents) that place an organisation, for authorization. */
int store_org_place(store_conn *c, int64_t id, int64_t *areas, int *nareas, int64_t *orgs, int *norgs, int max,
                    tx_err *err);

typedef struct {
    const char *code, *name, *phone, *notes;
    int party_member;
} store_person_in;

typedef struct {
    const char *q;        /* name or code substring */
    int64_t area_id;      /* people with a current membership in an org in this area (or below); 0: any */
    int64_t org_id;       /* people with a current membership in this org; 0: any */
    int limit, offset;
} store_person_filter;

/* People as {items:[…], total}. with_personal adds name and phone; without
 * it only id, code, party_member and the count of memberships. */
int store_person_list(store_conn *c, const store_person_filter *f, int with_personal, json_t **out, tx_err *err);
int store_person_get(store_conn *c, int64_t id, int with_personal, json_t **out, tx_err *err);
/* Insert (or, with replace and a code, replace by code) a person. *id_out
 * gets the id and, when code_out is not NULL, the code (given or
 * assigned: "P" and the id). */
int store_person_put(store_conn *c, const store_person_in *p, int replace, int64_t *id_out, char code_out[72],
                     tx_err *err);
int store_person_update(store_conn *c, int64_t id, const store_person_in *p, tx_err *err);
/* The area ids where a person holds a current membership — or, with
 * any_time, any membership past, present or future — (the orgs' areas and
 * their ancestors), and those organisations: for deciding who may see and
 * change their personal data. */
int store_person_place(store_conn *c, int64_t id, int any_time, int64_t *areas, int *nareas, int64_t *orgs,
                       int *norgs, int max, tx_err *err);

typedef struct {
    const char *person_code, *org_code, *role, *represents_code, *start_date, *end_date;
    int64_t person_id, org_id, represents_id; /* used when the codes are NULL */
} store_membership_in;

int store_membership_add(store_conn *c, const store_membership_in *m, int64_t *id_out, tx_err *err);
/* End a membership on end_date (YYYY-MM-DD); 409 when already ended, 400
 * when end_date is before its start. */
int store_membership_end(store_conn *c, int64_t id, const char *end_date, tx_err *err);
/* The organisation of membership id; 404 when none. */
int store_membership_org(store_conn *c, int64_t id, int64_t *org_id, tx_err *err);

/* Memberships of an organisation or a person (one of the ids non-zero),
 * current on as_of (YYYY-MM-DD; NULL for all), with person names when
 * with_personal. */
int store_membership_list(store_conn *c, int64_t org_id, int64_t person_id, const char *as_of, int with_personal,
                          json_t **out, tx_err *err);

/* The big committee of a community on as_of (YYYY-MM-DD): its party
 * organisation, cadres, part-time members with the units they represent,
 * member units by type, compound branches, owners' committees, property
 * companies, associations, venues, volunteer teams, women's federations —
 * with counts. Names of office holders are public; phones never appear. */
int store_network_community(store_conn *c, int64_t community_id, const char *as_of, json_t **out, tx_err *err);

/* The whole deployment on as_of: per community counts, and totals. */
int store_network_overview(store_conn *c, const char *as_of, json_t **out, tx_err *err);

/* CSV exports in the import formats. with_personal (people) adds name and
 * phone columns' values; without it they are empty. area_id (non-zero)
 * keeps only people with a membership in an organisation of that area or
 * below it, and only memberships in such organisations. */
int store_org_export_csv(store_conn *c, char **out, size_t *len, tx_err *err);
int store_person_export_csv(store_conn *c, int with_personal, int64_t area_id, char **out, size_t *len, tx_err *err);
int store_membership_export_csv(store_conn *c, int64_t area_id, char **out, size_t *len, tx_err *err);

/* ---- The working-day calendar ---- */

/* The stored exceptions to the plain week, sorted by day, as the domain's
 * calendar wants them (malloc'd; the caller frees *out). */
int store_calendar_exceptions(store_conn *c, tx_cal_exception **out, int *n, tx_err *err);

/* Stored days from..to (YYYY-MM-DD, inclusive) as {date: {kind, occasion}}. */
int store_calendar_list(store_conn *c, const char *from, const char *to, json_t **out, tx_err *err);

/* Set or replace one day (already checked by the caller); delete one (404
 * when it was not stored). */
int store_calendar_put(store_conn *c, const char *day, const char *kind, const char *occasion, tx_err *err);
int store_calendar_delete(store_conn *c, const char *day, tx_err *err);

/* The calendar in its CSV format: date,kind,occasion,weekday. */
int store_calendar_export_csv(store_conn *c, char **out, size_t *len, tx_err *err);

/* ---- Figures ---- */

/* Counts of everything kept: the flat counts the stats command promises
 * (communities, grids, compounds, compound_party_branches, member_units,
 * part_time_members, people, current_memberships, api_keys_active,
 * audit_entries) and the groups areas_by_kind, organisations_by_kind and
 * users_by_role. */
int store_stats(store_conn *c, json_t **out, tx_err *err);

/* A trivial read proving the store answers (readiness). */
int store_ping(store_conn *c, tx_err *err);

#endif
