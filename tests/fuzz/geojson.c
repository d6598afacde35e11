/* Fuzz target "geojson": the areas import (io_import_areas, src/io/areas.c:
 * the FeatureCollection, each feature's properties, codes and parents;
 * src/geo/parse.c and src/geo/validate.c: geometry structure, ranges, OGC
 * validity, children inside parents, no overlapping siblings), as
 * `tongxin import areas` and POST /api/v1/areas run it, against a small
 * stored street (district HY, street DS, community DS-XH, grid DS-XH-G01,
 * compound DS-XH-G01-C01) that a file may extend, replace or clash with.
 * Each input runs in a transaction rolled back after it.
 *
 * Input: the document, parsed as the CLI and the API parse it (jansson,
 * duplicate keys refused).
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch: an import either
 * stores every feature or refuses with a 4xx error in both languages that
 * is valid UTF-8 (it names the feature and echoes what it holds), never a
 * 5xx; what was imported exports (store_area_export) to a document that
 * imports again as it is. */
#include <jansson.h>

#include "fuzz_db.h"

/* Squares near 22.78N 114.47E, counter-clockwise (lon, lat). */
#define SQUARE(x0, y0, x1, y1)                                                                                        \
    "{\"type\":\"Polygon\",\"coordinates\":[[[" #x0 "," #y0 "],[" #x1 "," #y0 "],[" #x1 "," #y1 "],[" #x0 "," #y1     \
    "],[" #x0 "," #y0 "]]]}"
#define FEATURE(kind, code, name, parent, geometry)                                                                   \
    "{\"type\":\"Feature\",\"properties\":{\"kind\":\"" kind "\",\"code\":\"" code "\",\"name\":\"" name              \
    "\",\"parent_code\":\"" parent "\"},\"geometry\":" geometry "}"

static const char street[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    FEATURE("district", "HY", "惠阳区（虚构边界）", "", SQUARE(114.40, 22.70, 114.55, 22.85)) ","
    FEATURE("street", "DS", "淡水街道（虚构边界）", "HY", SQUARE(114.44, 22.75, 114.50, 22.81)) ","
    FEATURE("community", "DS-XH", "星河社区", "DS", SQUARE(114.44, 22.75, 114.47, 22.81)) ","
    FEATURE("grid", "DS-XH-G01", "星河第一网格", "DS-XH", SQUARE(114.44, 22.75, 114.47, 22.78)) ","
    FEATURE("compound", "DS-XH-G01-C01", "星河丹堤", "DS-XH-G01", SQUARE(114.445, 22.755, 114.455, 22.765))
    "]}";

static store *db;

static int load_street(store_conn *c, void *arg, tx_err *err)
{
    (void)arg;
    json_t *doc = json_loads(street, 0, NULL);
    int n = 0;
    int rc = io_import_areas(c, doc, &n, err);
    json_decref(doc);
    return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_db_open(0);
    tx_err err;
    tx_err_clear(&err);
    if (store_sync(db, 1, load_street, NULL, &err)) {
        fprintf(stderr, "geojson: the stored street does not import: %s\n", err.msg[TX_LANG_EN]);
        abort();
    }
    return 0;
}

static int import(store_conn *c, void *arg, tx_err *err)
{
    json_t *doc = arg;
    int n = -1;
    if (io_import_areas(c, doc, &n, err))
        return -1;
    assert(n == (int)json_array_size(json_object_get(doc, "features")));
    json_t *out = NULL;
    tx_err e2;
    tx_err_clear(&e2);
    assert(store_area_export(c, &out, &e2) == 0);
    int again = -1;
    if (io_import_areas(c, out, &again, &e2)) {
        fprintf(stderr, "re-import refused: %s [%s]\n", e2.msg[TX_LANG_EN], e2.field);
        abort();
    }
    json_decref(out);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (doc == NULL)
        return 0;
    tx_err err;
    if (fuzz_db_run(db, import, doc, &err)) {
        fuzz_check_err(&err);
        assert(err.status < 500);
    }
    json_decref(doc);
    return 0;
}
