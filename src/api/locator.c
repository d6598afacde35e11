/* locator: the server's current boundary index, answering "which street,
 * community, grid and compound is this point in?" from memory.
 *
 * The index (geo/) is immutable. When areas change, a store reader builds a
 * new one from the committed areas and swaps it in; requests that hold the
 * old snapshot finish with it, and the last one to let go frees it. */
#include "api/locator.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "geo/geo.h"

typedef struct {
    int64_t id;
    tx_area_kind kind;
    char *code, *name;
} area_info;

typedef struct snapshot {
    int64_t version; /* areas_version the snapshot was built from */
    geo_index *ix;
    area_info *info; /* sorted by id */
    int n;
    atomic_int refs;
} snapshot;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static snapshot *current;
static store *the_store;

static void snap_release(snapshot *s)
{
    if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    geo_index_free(s->ix);
    for (int i = 0; i < s->n; i++) {
        free(s->info[i].code);
        free(s->info[i].name);
    }
    free(s->info);
    free(s);
}

static snapshot *snap_acquire(void)
{
    pthread_mutex_lock(&mu);
    snapshot *s = current;
    if (s)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&mu);
    return s;
}

static void snap_install(snapshot *s)
{
    pthread_mutex_lock(&mu);
    snapshot *old = current;
    current = s;
    pthread_mutex_unlock(&mu);
    snap_release(old);
}

/* Build a snapshot from the stored areas (rows of store_area_rows). */
static snapshot *snap_build(store_conn *c, tx_err *err)
{
    json_t *rows;
    int64_t version;
    if (store_area_version(c, &version, err) || store_area_rows(c, &rows, err))
        return NULL;
    int n = (int)json_array_size(rows);
    snapshot *s = calloc(1, sizeof *s);
    geo_area *areas = calloc((size_t)(n ? n : 1), sizeof *areas);
    if (s == NULL || areas == NULL) {
        free(s);
        free(areas);
        json_decref(rows);
        tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        return NULL;
    }
    s->info = calloc((size_t)(n ? n : 1), sizeof *s->info);
    s->version = version;
    atomic_init(&s->refs, 1);
    if (s->info == NULL) {
        free(areas);
        json_decref(rows);
        snap_release(s);
        tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        return NULL;
    }
    /* Rows come ordered by kind then id; parents are not needed to locate. */
    int m = 0;
    for (int i = 0; i < n; i++) {
        json_t *r = json_array_get(rows, (size_t)i);
        tx_area_kind k;
        if (tx_area_kind_parse(json_string_value(json_array_get(r, 1)), &k))
            continue; /* the schema's CHECK allows only known kinds */
        const char *code = json_string_value(json_array_get(r, 3)), *name = json_string_value(json_array_get(r, 4));
        areas[m] = (geo_area){.id = json_integer_value(json_array_get(r, 0)), .kind = k, .parent = -1, .code = code,
                              .geometry = json_string_value(json_array_get(r, 5))};
        s->info[m] = (area_info){.id = areas[m].id, .kind = k, .code = strdup(code ? code : ""),
                                 .name = strdup(name ? name : "")};
        s->n = ++m;
    }
    /* Stored boundaries were checked on import; should one still be bad
     * (edited by hand), serve without it rather than not at all. */
    geo_problem prob;
    while ((s->ix = geo_index_build(areas, m, &prob)) == NULL && prob.index >= 0 && prob.index < m) {
        tx_log("error", "locator: area %s has a bad boundary and is left out of the index: %s", areas[prob.index].code,
               prob.message[1]);
        areas[prob.index].geometry = NULL;
    }
    free(areas);
    json_decref(rows);
    if (s->ix == NULL) {
        snap_release(s);
        tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        return NULL;
    }
    /* Sort the info by id for lookups. */
    for (int i = 1; i < s->n; i++) {
        area_info t = s->info[i];
        int j = i - 1;
        while (j >= 0 && s->info[j].id > t.id) {
            s->info[j + 1] = s->info[j];
            j--;
        }
        s->info[j + 1] = t;
    }
    return s;
}

static int build_now(store_conn *c, void *arg, tx_err *err)
{
    (void)arg;
    return locator_load(c, err);
}

int locator_load(store_conn *c, tx_err *err)
{
    snapshot *s = snap_build(c, err);
    if (s == NULL)
        return -1;
    snap_install(s);
    return 0;
}

int locator_init(store *s, tx_err *err)
{
    the_store = s;
    return store_sync(s, 0, build_now, NULL, err);
}

static int refresh_run(store_job *job, store_conn *c)
{
    return build_now(c, NULL, &job->err);
}

int locator_load_if_stale(store_conn *c, tx_err *err)
{
    int64_t version;
    if (store_area_version(c, &version, err))
        return -1;
    snapshot *s = snap_acquire();
    int stale = s == NULL || s->version != version;
    snap_release(s);
    return stale ? locator_load(c, err) : 0;
}

/* The periodic check for writes made by other processes (tongxin import). */
static int check_run(store_job *job, store_conn *c)
{
    return locator_load_if_stale(c, &job->err);
}

static void refresh_done(store_job *job)
{
    /* At shutdown the store refuses new jobs; nothing to rebuild then. */
    if (job->err.status && strcmp(job->err.code, "shutting_down") != 0)
        tx_log("error", "locator: the boundary index was not rebuilt; the previous one stays in use");
    free(job);
}

static void submit(int (*run)(store_job *, store_conn *))
{
    if (the_store == NULL)
        return;
    store_job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return;
    j->run = run;
    j->complete = refresh_done;
    store_submit(the_store, j);
}

void locator_refresh(void)
{
    submit(refresh_run);
}

/* The watcher: every LOCATOR_CHECK_SECONDS, a cheap read of areas_version. */
#define LOCATOR_CHECK_SECONDS 2
static pthread_t watcher;
static int watching;
static pthread_mutex_t watch_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_cv = PTHREAD_COND_INITIALIZER;

static void *watch_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&watch_mu);
    while (watching) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += LOCATOR_CHECK_SECONDS;
        pthread_cond_timedwait(&watch_cv, &watch_mu, &ts);
        if (watching)
            submit(check_run);
    }
    pthread_mutex_unlock(&watch_mu);
    return NULL;
}

void locator_watch(void)
{
    watching = 1;
    pthread_create(&watcher, NULL, watch_main, NULL);
}

void locator_shutdown(void)
{
    pthread_mutex_lock(&watch_mu);
    int was = watching;
    watching = 0;
    pthread_cond_signal(&watch_cv);
    pthread_mutex_unlock(&watch_mu);
    if (was)
        pthread_join(watcher, NULL);
    snap_install(NULL);
    the_store = NULL;
}

static const area_info *find(const snapshot *s, int64_t id)
{
    int lo = 0, hi = s->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (s->info[mid].id == id)
            return &s->info[mid];
        if (s->info[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

int locator_locate(double lat, double lng, locator_result *out)
{
    memset(out, 0, sizeof *out);
    snapshot *s = snap_acquire();
    if (s == NULL)
        return -1;
    geo_hit hit;
    geo_locate(s->ix, lat, lng, &hit);
    const int64_t ids[6] = {hit.city, hit.district, hit.street, hit.community, hit.grid, hit.compound};
    for (int k = 0; k < 6; k++) {
        const area_info *ai = ids[k] ? find(s, ids[k]) : NULL;
        if (ai == NULL)
            continue;
        locator_area *a = &out->area[k];
        a->id = ai->id;
        a->kind = ai->kind;
        snprintf(a->code, sizeof a->code, "%s", ai->code);
        snprintf(a->name, sizeof a->name, "%s", ai->name);
    }
    out->inside_red_line = hit.inside_red_line;
    snap_release(s);
    return 0;
}

json_t *locator_area_json(const locator_area *a)
{
    if (a->id == 0)
        return json_null();
    return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "code", a->code, "name", a->name, "kind",
                     tx_area_kind_code(a->kind));
}
