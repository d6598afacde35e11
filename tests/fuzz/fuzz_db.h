/* fuzz_db: the database the store-backed fuzz targets run against (open311,
 * json_body, geojson, csv, cases_csv), so that they drive the real
 * importers and handlers rather than copies of their checks.
 *
 * An in-memory SQLite store ("sqlite::memory:", nothing on disk, nothing
 * left behind when a run is killed), migrated, and — for the targets that
 * route reports or refer to codes — holding the demo street as tongxin demo
 * loads it: areas, organisations, people, memberships, the 2026 calendar
 * and the case catalogue, plus three hotline cases (ids 1-3). Each input
 * runs in a write transaction that is always rolled back (fuzz_db_run), so
 * every input sees the same data and a run is reproducible from its crash
 * file alone. */
#ifndef TX_FUZZ_DB_H
#define TX_FUZZ_DB_H

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/catalogue.h"
#include "api/locator.h"
#include "base/log.h"
#include "cli/import_cases.h"
#include "demo/danshui.h"
#include "fuzz.h"
#include "io/io.h"
#include "store/store.h"

/* data/, embedded by the build (scripts/embed-text). */
extern const char demo_holidays_csv[];
extern const char demo_catalogue_json[];

static inline int fuzz_db_load_demo(store_conn *c, void *arg, tx_err *err)
{
    demo_street *d = arg;
    int n, rules;
    if (io_import_areas(c, d->areas, &n, err) ||
        io_import_organisations(c, d->organisations_csv, strlen(d->organisations_csv), &n, err) ||
        io_import_people(c, d->people_csv, strlen(d->people_csv), &n, err) ||
        io_import_memberships(c, d->memberships_csv, strlen(d->memberships_csv), &n, err) ||
        io_import_calendar(c, demo_holidays_csv, strlen(demo_holidays_csv), &n, err))
        return -1;
    json_t *cat = json_loads(demo_catalogue_json, 0, NULL);
    int rc = io_import_catalogue(c, cat, &n, &rules, err);
    json_decref(cat);
    /* A few cases (ids 1-3), for the calls that read them back. */
    static const char cases[] =
        "external_id,received_at,service_code,description,lat,long,address,compound,name,phone,contact_ok\n"
        "12345-2026-000001,2026-02-27T09:15:00+08:00,road,小区外路面塌陷,22.7834,114.4414,,DS-BY-G01-C01,"
        "刘学政,13900000001,yes\n"
        "12345-2026-000002,2026-02-27T22:40:00+08:00,streetlight,\"路灯不亮, 晚上很黑\",22.78,114.47,,,,,否\n"
        "12345-2026-000003,2026-02-28T08:00:00+08:00,sanitation,垃圾清运不及时,,,淡水街道星河丹堤东门,,,,yes\n";
    return rc || locator_load(c, err) || cli_import_cases(c, cases, strlen(cases), 1772416800000, &n, err) ? -1 : 0;
}

/* The store every input of this process runs on (opened once). */
static inline store *fuzz_db_open(int demo)
{
    tx_log_set_quiet(1);
    store_options opt = {.max_batch = 1, .create = 1};
    store *s = NULL;
    tx_err err;
    tx_err_clear(&err);
    int applied;
    if (store_open("sqlite::memory:", &opt, &s, &err) || store_migrate(s, &applied, &err)) {
        fprintf(stderr, "fuzz_db: cannot open the store: %s\n", err.msg[TX_LANG_EN]);
        abort();
    }
    if (demo) {
        demo_street d;
        if (demo_street_generate(1, &d) || store_sync(s, 1, fuzz_db_load_demo, &d, &err)) {
            fprintf(stderr, "fuzz_db: cannot load the demo street: %s\n", err.msg[TX_LANG_EN]);
            abort();
        }
        demo_street_free(&d);
    }
    /* The intake's per-key limit would otherwise turn most Open311 inputs
     * into 429s after the first second of fuzzing. */
    if (api_cases_init(1 << 30)) {
        fprintf(stderr, "fuzz_db: api_cases_init failed\n");
        abort();
    }
    return s;
}

typedef struct {
    int (*fn)(store_conn *c, void *arg, tx_err *err);
    void *arg;
    int rc;
} fuzz_db_job;

static inline int fuzz_db_undo(store_conn *c, void *arg, tx_err *err)
{
    fuzz_db_job *j = arg;
    j->rc = j->fn(c, j->arg, err);
    return -1; /* always roll back: the next input sees the same data */
}

/* Run fn inside a write transaction that is then rolled back; returns what
 * fn returned (err as fn left it). */
static inline int fuzz_db_run(store *s, int (*fn)(store_conn *c, void *arg, tx_err *err), void *arg, tx_err *err)
{
    fuzz_db_job j = {fn, arg, 0};
    tx_err_clear(err);
    store_sync(s, 1, fuzz_db_undo, &j, err);
    return j.rc;
}

#endif
