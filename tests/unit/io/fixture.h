/* fixture: a small hand-made street as an areas import document, the
 * import/export calls wrapped in store_sync transactions, and a temporary
 * database — shared by the io tests (and usable by the store tests).
 * Include after <cmocka.h>.
 *
 * The street, squares near 22.78N 114.47E (lon, lat; 0.01° ≈ 1 km):
 *
 *   HY-D    district   114.40..114.55 × 22.70..22.85
 *   DS-S    street     114.44..114.50 × 22.75..22.81
 *   C1      community  114.44..114.47 × 22.75..22.81 (west half)
 *   C2      community  114.47..114.50 × 22.75..22.81 (east half)
 *   C1-G1   grid       114.44..114.47 × 22.75..22.78 (C1 south)
 *   C1-G2   grid       114.44..114.47 × 22.78..22.81 (C1 north)
 *   C2-G1   grid       114.47..114.50 × 22.75..22.81 (all of C2)
 *   C1-G1-K1 compound  114.445..114.455 × 22.755..22.765
 *   C1-G1-K2 compound  114.460..114.465 × 22.755..22.765
 *   C1-G2-K1 compound  114.450..114.460 × 22.790..22.800
 *   C2-G1-K1 compound  114.480..114.490 × 22.760..22.770
 */
#ifndef TX_TEST_IO_FIXTURE_H
#define TX_TEST_IO_FIXTURE_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/tmpdb.h"
#include "demo/danshui.h"
#include "io/io.h"

/* Feature indexes of the small street, in document order. */
enum {
    FX_DISTRICT,
    FX_STREET,
    FX_C1,
    FX_C2,
    FX_C1_G1,
    FX_C1_G2,
    FX_C2_G1,
    FX_C1_G1_K1,
    FX_C1_G1_K2,
    FX_C1_G2_K1,
    FX_C2_G1_K1,
    FX_N
};

/* A counter-clockwise square ring as a GeoJSON Polygon. */
static inline json_t *fx_square(double x0, double y0, double x1, double y1)
{
    return json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon", "coordinates", x0, y0, x1, y0,
                     x1, y1, x0, y1, x0, y0);
}

/* A Feature; parent_code may be NULL; geometry is stolen (may be NULL). */
static inline json_t *fx_feature(const char *kind, const char *code, const char *name, const char *parent_code,
                                 json_t *geometry)
{
    json_t *props = json_pack("{s:s, s:s, s:s}", "kind", kind, "code", code, "name", name);
    if (parent_code)
        json_object_set_new(props, "parent_code", json_string(parent_code));
    return json_pack("{s:s, s:o, s:o}", "type", "Feature", "properties", props, "geometry",
                     geometry ? geometry : json_null());
}

/* The small street as a FeatureCollection (owned by the caller). */
static inline json_t *fx_small_street(void)
{
    json_t *f = json_array();
    json_array_append_new(f, fx_feature("district", "HY-D", "惠阳测试区", NULL, fx_square(114.40, 22.70, 114.55, 22.85)));
    json_array_append_new(f, fx_feature("street", "DS-S", "淡水测试街道", "HY-D", fx_square(114.44, 22.75, 114.50, 22.81)));
    json_array_append_new(f, fx_feature("community", "C1", "西社区", "DS-S", fx_square(114.44, 22.75, 114.47, 22.81)));
    json_array_append_new(f, fx_feature("community", "C2", "东社区", "DS-S", fx_square(114.47, 22.75, 114.50, 22.81)));
    json_array_append_new(f, fx_feature("grid", "C1-G1", "西社区第一网格", "C1", fx_square(114.44, 22.75, 114.47, 22.78)));
    json_array_append_new(f, fx_feature("grid", "C1-G2", "西社区第二网格", "C1", fx_square(114.44, 22.78, 114.47, 22.81)));
    json_array_append_new(f, fx_feature("grid", "C2-G1", "东社区第一网格", "C2", fx_square(114.47, 22.75, 114.50, 22.81)));
    json_array_append_new(f, fx_feature("compound", "C1-G1-K1", "西一花园", "C1-G1",
                                        fx_square(114.445, 22.755, 114.455, 22.765)));
    json_array_append_new(f, fx_feature("compound", "C1-G1-K2", "西一雅苑", "C1-G1",
                                        fx_square(114.460, 22.755, 114.465, 22.765)));
    json_array_append_new(f, fx_feature("compound", "C1-G2-K1", "西二名居", "C1-G2",
                                        fx_square(114.450, 22.790, 114.460, 22.800)));
    json_array_append_new(f, fx_feature("compound", "C2-G1-K1", "东一豪庭", "C2-G1",
                                        fx_square(114.480, 22.760, 114.490, 22.770)));
    json_t *props = json_object_get(json_array_get(f, FX_C1), "properties");
    json_object_set_new(props, "name_en", json_string("West Community"));
    json_object_set_new(props, "population_registered", json_integer(14000));
    json_object_set_new(props, "population_resident", json_integer(38000));
    json_object_set_new(props, "households", json_integer(9000));
    json_object_set_new(props, "founded", json_string("2011-10"));
    json_object_set_new(props, "notes", json_string("虚构示例数据 / made-up test data\n第二行"));
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", f);
}

/* The properties / the feature i of a FeatureCollection (borrowed). */
static inline json_t *fx_feat(json_t *doc, int i)
{
    return json_array_get(json_object_get(doc, "features"), (size_t)i);
}
static inline json_t *fx_props(json_t *doc, int i)
{
    return json_object_get(fx_feat(doc, i), "properties");
}

/* ---- a temporary database ---------------------------------------------- */

typedef struct {
    tmpdb db;
    store *s;
} fx_db;

static inline void fx_db_open(fx_db *d)
{
    tx_log_set_quiet(1);
    tmpdb_make(&d->db);
    d->s = tmpdb_open(&d->db, 0);
}

static inline void fx_db_close(fx_db *d)
{
    if (d->s)
        store_close(d->s);
    d->s = NULL;
    tmpdb_remove(&d->db);
}

/* Rows of a table (or any count(*) query). */
static inline int64_t fx_count(fx_db *d, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return tmpdb_sync_int(d->s, sql);
}

/* ---- imports, each in its own write transaction ------------------------- */

typedef enum { FX_ORGS, FX_PEOPLE, FX_MEMBERSHIPS } fx_sheet;

typedef struct {
    json_t *doc;
    fx_sheet sheet;
    const char *text;
    size_t len;
    int count;
} fx_import_arg;

static inline int fx_areas_fn(store_conn *c, void *arg, tx_err *err)
{
    fx_import_arg *a = arg;
    return io_import_areas(c, a->doc, &a->count, err);
}

static inline int fx_csv_fn(store_conn *c, void *arg, tx_err *err)
{
    fx_import_arg *a = arg;
    switch (a->sheet) {
    case FX_ORGS:
        return io_import_organisations(c, a->text, a->len, &a->count, err);
    case FX_PEOPLE:
        return io_import_people(c, a->text, a->len, &a->count, err);
    default:
        return io_import_memberships(c, a->text, a->len, &a->count, err);
    }
}

/* Import areas through store_sync(write): 0 or -1 with *err; *count. */
static inline int fx_import_areas(fx_db *d, json_t *doc, int *count, tx_err *err)
{
    fx_import_arg a = {.doc = doc};
    tx_err_clear(err);
    int rc = store_sync(d->s, 1, fx_areas_fn, &a, err);
    if (count)
        *count = a.count;
    return rc;
}

static inline int fx_import_csv(fx_db *d, fx_sheet sheet, const char *text, int *count, tx_err *err)
{
    fx_import_arg a = {.sheet = sheet, .text = text, .len = strlen(text)};
    tx_err_clear(err);
    int rc = store_sync(d->s, 1, fx_csv_fn, &a, err);
    if (count)
        *count = a.count;
    return rc;
}

/* Import that must succeed (fails the test with the message otherwise). */
static inline int fx_must_import_areas(fx_db *d, json_t *doc)
{
    tx_err err;
    int n = -1;
    if (fx_import_areas(d, doc, &n, &err))
        fail_msg("areas import refused: %s [%s]", err.msg[TX_LANG_EN], err.field);
    return n;
}

static inline int fx_must_import_csv(fx_db *d, fx_sheet sheet, const char *text)
{
    tx_err err;
    int n = -1;
    if (fx_import_csv(d, sheet, text, &n, &err))
        fail_msg("CSV import (%d) refused: %s [%s]", (int)sheet, err.msg[TX_LANG_EN], err.field);
    return n;
}

/* ---- exports ----------------------------------------------------------- */

typedef struct {
    int which; /* 0 areas, 1 orgs, 2 people (with personal data), 3 memberships */
    json_t *json;
    char *csv;
    size_t len;
} fx_export_arg;

static inline int fx_export_fn(store_conn *c, void *arg, tx_err *err)
{
    fx_export_arg *a = arg;
    switch (a->which) {
    case 0:
        return store_area_export(c, &a->json, err);
    case 1:
        return store_org_export_csv(c, &a->csv, &a->len, err);
    case 2:
        return store_person_export_csv(c, 1, 0, &a->csv, &a->len, err);
    default:
        return store_membership_export_csv(c, 0, &a->csv, &a->len, err);
    }
}

/* The areas export (owned by the caller). */
static inline json_t *fx_export_areas(fx_db *d)
{
    fx_export_arg a = {.which = 0};
    tx_err err;
    tx_err_clear(&err);
    if (store_sync(d->s, 0, fx_export_fn, &a, &err))
        fail_msg("area export: %s", err.msg[TX_LANG_EN]);
    return a.json;
}

/* A CSV export, NUL-terminated (free it). which: 1 orgs, 2 people, 3 memberships. */
static inline char *fx_export_csv(fx_db *d, int which, size_t *len)
{
    fx_export_arg a = {.which = which};
    tx_err err;
    tx_err_clear(&err);
    if (store_sync(d->s, 0, fx_export_fn, &a, &err))
        fail_msg("CSV export %d: %s", which, err.msg[TX_LANG_EN]);
    char *s = malloc(a.len + 1);
    assert_non_null(s);
    memcpy(s, a.csv, a.len);
    s[a.len] = '\0';
    free(a.csv);
    if (len)
        *len = a.len;
    return s;
}

/* ---- the demo street ---------------------------------------------------- */

/* Load all four demo documents into d (must succeed). */
static inline void fx_load_demo(fx_db *d, const demo_street *st)
{
    fx_must_import_areas(d, st->areas);
    fx_must_import_csv(d, FX_ORGS, st->organisations_csv);
    fx_must_import_csv(d, FX_PEOPLE, st->people_csv);
    fx_must_import_csv(d, FX_MEMBERSHIPS, st->memberships_csv);
}

/* Whether text contains needle (for messages in either language). */
static inline int fx_has(const char *text, const char *needle)
{
    return strstr(text, needle) != NULL;
}

/* Whether text contains the number n on its own (not part of a longer
 * number): "feature 3", "features[3]", "第 3 行" all name 3; "13" does not. */
static inline int fx_names_number(const char *text, long n)
{
    char num[24];
    snprintf(num, sizeof num, "%ld", n);
    size_t len = strlen(num);
    for (const char *p = strstr(text, num); p; p = strstr(p + 1, num)) {
        int before = p > text && p[-1] >= '0' && p[-1] <= '9';
        int after = p[len] >= '0' && p[len] <= '9';
        if (!before && !after)
            return 1;
    }
    return 0;
}

#endif
