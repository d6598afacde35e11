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
#include "domain/case.h"
#include "domain/routing.h"

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

/* A writer that has been inside one batch this long is stalled (a hung
 * disk, an fsync that does not return, another process holding the write
 * lock): /readyz says so, new writes are refused and the writes waiting
 * behind it are answered, all with 503. The jobs of the batch itself wait
 * for its outcome: they may yet commit. Far above a normal batch
 * (milliseconds: tongxin_writer_commit_seconds), so a slow moment does not
 * trip it. */
#define STORE_STALL_SECONDS 5
/* Most write jobs waiting for the writer; beyond it a write is refused with
 * 503 at once. Four default batches: the last one queued is answered after
 * four commits, and the queue holds at most about 40 MB of requests. */
#define STORE_WRITE_QUEUE_MAX 8192

/* Queue a job. Never blocks on disk. The job completes at once, with a 503
 * and nothing done, when the store is stopping (shutting_down) or, for a
 * write, when the writer is stalled or STORE_WRITE_QUEUE_MAX writes wait
 * (store_unavailable). */
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

/* Health: 1 when the writer thread is alive and not stalled (see
 * STORE_STALL_SECONDS). */
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

/* Accounts and keys as the API lists them (GET /api/v1/users, /api/v1/api-keys). */
typedef struct {
    int64_t within_area; /* 0: all; else those without a scope and those scoped to this area, an area below it or
                          * an organisation located there (-1: only those without a scope) */
    const char *role;    /* NULL: any */
    const char *q;       /* substring of the login (key: name); NULL: any */
    int limit, offset;
} store_account_filter;
/* {items, total, limit, offset}; an account is {id, login, role, scope {kind, id, code, name} | null, disabled,
 * created_at, created_by, last_sign_in_at}, ordered by login; never the hash. */
int store_user_page(store_conn *c, const store_account_filter *f, json_t **out, tx_err *err);
int store_user_get(store_conn *c, int64_t id, json_t **out, tx_err *err);
typedef struct {
    const tx_role *role;    /* NULL: unchanged */
    const tx_scope *scope;  /* NULL: unchanged (kind NONE: no scope) */
    int disabled;           /* -1: unchanged */
    const char *pwhash;     /* NULL: unchanged */
} store_user_change;
/* Change account id (404 when none); a new password or disabling ends its sessions. */
int store_user_update(store_conn *c, int64_t id, const store_user_change *u, tx_err *err);
/* {items, total, limit, offset}; a key is {id, name, prefix, role, scope, created_at, created_by, revoked_at},
 * newest first; never the hash. */
int store_apikey_page(store_conn *c, const store_account_filter *f, json_t **out, tx_err *err);
int store_apikey_get(store_conn *c, int64_t id, json_t **out, tx_err *err);

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
/* The id of the organisation with this code; 404 when none. */
int store_org_id_by_code(store_conn *c, const char *code, int64_t *id, tx_err *err);
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

/* ---- Cases: categories, routing rules, cases and their events ---- */

/* One category as the intake and the sweep need it. */
typedef struct {
    int64_t id;
    char *code, *name, *name_en, *group_name, *group_name_en;
    json_t *attributes; /* Open311 attributes (array) or NULL */
    tx_duration accept, contact, resolve;
    int remind_hours, duplicate_radius_m, active;
} store_category;

/* What routing and deadlines are decided from, loaded as one snapshot:
 * categories, routing rules, the working-day calendar and which property
 * company manages which compound. `version` is catalogue_version, which
 * moves whenever any of them changes (also in another process). */
typedef struct {
    int64_t version;
    store_category *categories;
    int n_categories;
    tx_route_rule *rules;
    int n_rules;
    tx_cal_exception *exceptions;
    int n_exceptions;
    tx_calendar calendar;
    struct store_managed {
        int64_t compound_id, org_id;
        char *org_name;
    } *managed; /* sorted by compound_id */
    int n_managed;
    /* The deployment's first street: reports from outside every area go to
     * its triage (首接负责). 0 when there is no street yet. */
    int64_t home_street_id;
    char home_street_name[128];
} store_catalogue;

int store_catalogue_version(store_conn *c, int64_t *version, tx_err *err);
int store_catalogue_load(store_conn *c, store_catalogue **out, tx_err *err);
void store_catalogue_free(store_catalogue *cat);
const store_category *store_catalogue_category(const store_catalogue *cat, const char *code);
const store_category *store_catalogue_category_by_id(const store_catalogue *cat, int64_t id);
/* The property company managing a compound; 0 and NULL when none. */
int64_t store_catalogue_manager(const store_catalogue *cat, int64_t compound_id, const char **name);

/* Categories as the API shows them: id, code, name, name_en, group,
 * group_en, description(_en), keywords, attributes, deadlines {accept,
 * contact, resolve: {kind, n}}, remind_hours, duplicate_radius_m, active,
 * sort. with_inactive lists retired ones too. */
int store_category_list(store_conn *c, int with_inactive, json_t **out, tx_err *err);
int store_category_get(store_conn *c, const char *code, json_t **out, tx_err *err);
/* Insert or (replace) update by code from a checked JSON object with the
 * list's field names; absent fields keep their value (update) or default. */
int store_category_put(store_conn *c, const json_t *in, int replace, int64_t *id_out, tx_err *err);

typedef struct {
    const char *category_code; /* NULL: any */
    tx_route_where where;
    const char *area_code;     /* NULL: anywhere */
    tx_case_handler handler;
    const char *org_code;      /* the department */
    tx_tier tier;
    const char *note, *note_en;
} store_rule_in;
/* Rules as {id, category (code or null), place, area {id, code, name} or
 * null, handler, org {id, code, name} or null, tier, note, note_en}. */
int store_rule_list(store_conn *c, json_t **out, tx_err *err);
int store_rule_add(store_conn *c, const store_rule_in *r, int64_t *id_out, tx_err *err);
int store_rule_delete(store_conn *c, int64_t id, tx_err *err);
int store_rule_count(store_conn *c, int *n, tx_err *err);

/* A new case, checked and routed by the caller. */
typedef struct {
    int64_t category_id;
    const char *description, *attributes; /* attributes: JSON object text or NULL */
    int has_point;
    double lat, lon;
    const char *address, *channel, *external_id;
    const char *reporter_name, *reporter_phone, *reporter_email;
    int contact_ok;
    int64_t reporter_user_id, api_key_id;
    int64_t street_id, community_id, grid_id, compound_id;
    int inside_red_line;
    const tx_route_decision *route;
    int64_t submitted_at, due_accept, due_contact, due_resolve;
    const char *token_hash;
    const char *actor, *actor_role;
} store_case_in;

/* Insert the case with its "report" event (and its counters and webhook
 * deliveries). 409 when (channel, external_id) was imported before. */
int store_case_create(store_conn *c, const store_case_in *in, int64_t *id_out, int64_t *event_id_out, tx_err *err);

/* What the writer needs of a case to decide an action on it. */
typedef struct {
    tx_case snap;
    int64_t category_id;
    char token_hash[72];
    int64_t submitted_at, due_accept, due_contact, due_resolve, due_work, due_at, accepted_at;
    int64_t compound_id;
    char route_handler[24];
    int64_t route_handler_id;
    int left_community;
} store_case_state;

/* 404 when there is no such case. */
int store_case_load(store_conn *c, int64_t id, store_case_state *out, tx_err *err);
/* The case (if any) whose tracking token hashes to token_hash; 0 if none. */
int store_case_by_token(store_conn *c, const char *token_hash, int64_t *id, tx_err *err);

/* One step decided by the domain: the event to append and the case after. */
typedef struct {
    const char *action;       /* domain action code, or "remind" */
    const char *actor, *actor_role;
    int64_t at;
    int public_event;
    const char *text;
    json_t *data;             /* borrowed; may be NULL */
    /* rating */
    const char *solved, *satisfaction, *comment;
    /* the governing deadline after the step (0: derive it), and a new
     * working deadline (0: keep it) */
    int64_t due_at, due_work;
} store_step_in;
int store_case_step(store_conn *c, const store_case_state *before, const tx_case_outcome *out,
                    const store_step_in *s, int64_t *event_id_out, tx_err *err);

/* The case as the API shows it: fields, place, routing decision,
 * deadlines, state, rating, and its timeline. with_personal adds the
 * reporter's name, phone and email; with_internal adds internal events and
 * their actors. */
int store_case_get(store_conn *c, int64_t id, int with_personal, int with_internal, json_t **out, tx_err *err);

typedef struct {
    /* scope: cases of this area (street, community or grid) or of a handler
     * organisation; both 0 for everything (public lists) */
    int64_t area_id;
    const char *area_kind;     /* "street", "community", "grid" */
    tx_case_handler handler;   /* mine: the cases this handler holds now */
    int64_t handler_id;
    int64_t department_id;     /* referred to this department, now or before */
    int open_only;             /* 1 being handled, 2 awaiting rating, 3 either, 0 any */
    const char *state;
    int64_t category_id;
    int64_t overdue_at;        /* only cases with due_at < this (open ones) */
    int64_t due_before;        /* only cases with due_at < this */
    int64_t since;             /* submitted_at >= since */
    const char *q;             /* substring of the description or address */
    int public_view;           /* no internal fields; merged and invalid cases left out */
    int limit, offset;
} store_case_filter;
/* {items:[…], total, limit, offset}: cases still open first, then by
 * due_at (soonest first), then id. */
int store_case_list(store_conn *c, const store_case_filter *f, json_t **out, tx_err *err);

/* Open cases of a category within radius_m of a point, nearest first,
 * excluding except_id: {id, distance_m, state, description, submitted_at}. */
int store_case_nearby(store_conn *c, int64_t category_id, double lat, double lon, int radius_m, int64_t except_id,
                      int limit, json_t **out, tx_err *err);

/* Cases the SLA sweep must look at as of now: open ones whose deadline
 * passed (below the street tier: to escalate) or is within remind_ms and
 * not reminded yet (催办), and resolved ones whose rating period ended. At
 * most limit ids in *ids (malloc'd; the caller frees). */
int store_case_due(store_conn *c, int64_t now, int64_t remind_ms, int limit, int64_t **ids, int *n, tx_err *err);

/* Photos of a case (the bytes are on disk, see io/photos.h): record one,
 * and find one's type (404 when the case has no photo with that hash). */
int store_case_add_photo(store_conn *c, int64_t case_id, int64_t event_id, const char *hash, const char *mime,
                         int64_t bytes, int64_t now, tx_err *err);
int store_case_photo(store_conn *c, int64_t case_id, const char *hash, char mime[32], tx_err *err);

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
