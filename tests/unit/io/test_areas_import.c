/* Unit tests for src/io/areas.c: importing areas as a GeoJSON
 * FeatureCollection (io.h) into a temporary database, inside store_sync
 * write transactions as the CLI does.
 *
 * The contract under test (io.h): an import is checked whole before
 * anything is written and any error leaves the store as it was; errors name
 * the place — the feature index and the property — in err.field
 * ("features[3].parent_code") and in both messages; a feature whose code is
 * stored replaces that area; export → import → export is lossless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

static int setup(void **state)
{
    fx_db *d = calloc(1, sizeof *d);
    fx_db_open(d);
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    fx_db *d = *state;
    fx_db_close(d);
    free(d);
    return 0;
}

/* The import of doc is refused with 400, err.field "features[index].prop",
 * both messages naming the feature and the property, and the store is
 * exactly as it was (same count, same export). */
static void expect_refused(fx_db *d, json_t *doc, int index, const char *prop)
{
    int64_t before = fx_count(d, "area");
    json_t *export_before = fx_export_areas(d);
    tx_err err;
    int n = -1;
    if (fx_import_areas(d, doc, &n, &err) != -1)
        fail_msg("import accepted; expected a refusal naming features[%d].%s", index, prop);
    assert_int_equal(err.status, 400);
    char field[64];
    snprintf(field, sizeof field, "features[%d].%s", index, prop);
    if (strcmp(err.field, field) != 0)
        fail_msg("err.field is \"%s\", expected \"%s\" (message: %s)", err.field, field, err.msg[TX_LANG_EN]);
    /* Both messages name the feature (its index) and the property; the
     * wording is the message catalogue's business. */
    for (int lang = 0; lang < 2; lang++)
        if (!fx_names_number(err.msg[lang], index) || !fx_has(err.msg[lang], prop))
            fail_msg("%s message \"%s\" does not name feature %d and property %s", lang ? "English" : "Chinese",
                     err.msg[lang], index, prop);
    assert_int_equal(fx_count(d, "area"), before);
    json_t *export_after = fx_export_areas(d);
    assert_true(json_equal(export_before, export_after));
    json_decref(export_before);
    json_decref(export_after);
}

static json_t *feature_by_code(json_t *collection, const char *code)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(collection, "features"), i, f)
    {
        const char *c = json_string_value(json_object_get(json_object_get(f, "properties"), "code"));
        if (c && strcmp(c, code) == 0)
            return f;
    }
    return NULL;
}

/* ---- a valid file -------------------------------------------------------- */

static void test_import_small_street_stores_every_area_with_its_parent(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    assert_int_equal(fx_count(d, "area"), FX_N);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE kind = 'compound'"), 4);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE kind = 'grid'"), 3);
    /* Each area hangs under the parent its file named. */
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area a JOIN area p ON p.id = a.parent_id "
                                          "WHERE a.code = 'C1-G1-K2' AND p.code = 'C1-G1'"),
                     1);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area a JOIN area p ON p.id = a.parent_id "
                                          "WHERE a.code = 'C2' AND p.code = 'DS-S'"),
                     1);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE parent_id IS NULL"), 1);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT population_resident FROM area WHERE code = 'C1'"), 38000);
    json_decref(doc);
}

static void test_import_accepts_children_listed_before_their_parents(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    /* Reverse the features: compounds first, the district last. */
    json_t *features = json_object_get(doc, "features"), *rev = json_array();
    for (size_t i = json_array_size(features); i-- > 0;)
        json_array_append(rev, json_array_get(features, i));
    json_object_set_new(doc, "features", rev);
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area a JOIN area p ON p.id = a.parent_id "
                                          "WHERE a.code = 'C2-G1-K1' AND p.code = 'C2-G1'"),
                     1);
    json_decref(doc);
}

static void test_import_of_an_empty_collection_stores_nothing(void **state)
{
    fx_db *d = *state;
    json_t *doc = json_pack("{s:s, s:[]}", "type", "FeatureCollection", "features");
    assert_int_equal(fx_must_import_areas(d, doc), 0);
    assert_int_equal(fx_count(d, "area"), 0);
    json_decref(doc);
}

/* ---- refusals, each naming the feature and property ---------------------- */

static void test_import_refuses_what_is_not_a_feature_collection(void **state)
{
    fx_db *d = *state;
    json_t *docs[] = {
        json_pack("{s:s, s:o, s:n}", "type", "Feature", "properties", json_object(), "geometry"),
        json_pack("{s:s}", "type", "FeatureCollection"), /* no features */
        json_pack("{s:s, s:{}}", "type", "FeatureCollection", "features"),
        json_pack("[]"),
        json_string("FeatureCollection"),
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        tx_err err;
        int n = -1;
        assert_int_equal(fx_import_areas(d, docs[i], &n, &err), -1);
        assert_int_equal(err.status, 400);
        assert_string_equal(err.code, "invalid_import");
        assert_true(fx_has(err.msg[TX_LANG_EN], "FeatureCollection"));
        assert_true(fx_has(err.msg[TX_LANG_ZH], "FeatureCollection"));
        assert_int_equal(fx_count(d, "area"), 0);
        json_decref(docs[i]);
    }
}

static void test_import_refuses_an_unknown_kind_and_names_the_feature(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C2), "kind", json_string("village"));
    expect_refused(d, doc, FX_C2, "kind");
    json_decref(doc);
}

static void test_import_refuses_a_feature_without_kind(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_del(fx_props(doc, FX_C1_G2), "kind");
    expect_refused(d, doc, FX_C1_G2, "kind");
    json_decref(doc);
}

static void test_import_refuses_bad_code_characters_and_names_the_feature(void **state)
{
    fx_db *d = *state;
    static const char *const bad[] = {"C 2", "C2/x", "社区2", "", "C2;DROP"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *doc = fx_small_street();
        json_object_set_new(fx_props(doc, FX_C2), "code", json_string(bad[i]));
        expect_refused(d, doc, FX_C2, "code");
        json_decref(doc);
    }
    /* 65 characters is one too many. */
    json_t *doc = fx_small_street();
    char long_code[66];
    memset(long_code, 'A', 65);
    long_code[65] = '\0';
    json_object_set_new(fx_props(doc, FX_C2_G1_K1), "code", json_string(long_code));
    expect_refused(d, doc, FX_C2_G1_K1, "code");
    json_decref(doc);
}

static void test_import_refuses_a_code_used_twice_in_the_file_naming_the_second(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C2_G1_K1), "code", json_string("C1-G1-K1"));
    expect_refused(d, doc, FX_C2_G1_K1, "code");
    json_decref(doc);
}

static void test_import_refuses_a_feature_without_a_name(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_del(fx_props(doc, FX_C1_G2), "name");
    expect_refused(d, doc, FX_C1_G2, "name");
    json_decref(doc);
    doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C1_G2), "name", json_string(""));
    expect_refused(d, doc, FX_C1_G2, "name");
    json_decref(doc);
}

static void test_import_refuses_a_name_with_control_characters(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C1_G2), "name", json_string("网格\x01二"));
    expect_refused(d, doc, FX_C1_G2, "name");
    json_decref(doc);
    /* Nor one with a NUL inside (JSON allows \u0000). */
    doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C1_G2), "name", json_stringn("网格\0二", 7));
    expect_refused(d, doc, FX_C1_G2, "name");
    json_decref(doc);
}

static void test_import_refuses_a_negative_population(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C2), "population_resident", json_integer(-5));
    expect_refused(d, doc, FX_C2, "population_resident");
    json_decref(doc);
    /* Nor a population that is not a whole number. */
    doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C2), "households", json_string("1200"));
    expect_refused(d, doc, FX_C2, "households");
    json_decref(doc);
}

static void test_import_refuses_a_founded_date_that_does_not_exist(void **state)
{
    fx_db *d = *state;
    static const char *const bad[] = {"2011-13", "2011-02-30", "2023-02-29", "2011/10", "11-10-2011", "2011"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *doc = fx_small_street();
        json_object_set_new(fx_props(doc, FX_C1), "founded", json_string(bad[i]));
        expect_refused(d, doc, FX_C1, "founded");
        json_decref(doc);
    }
    /* Month precision and a real leap day are fine. */
    json_t *doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C2), "founded", json_string("2024-02-29"));
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_decref(doc);
}

static void test_import_refuses_a_founded_date_with_a_sign_or_space_in_it(void **state)
{
    fx_db *d = *state;
    /* Dates are compared as text, so only digits may stand where digits
     * go: "2011-+9" and "2011- 9" are not YYYY-MM. */
    static const char *const bad[] = {"2011-+9", "2011- 9", "2011-10-+1", "2011-10- 1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *doc = fx_small_street();
        json_object_set_new(fx_props(doc, FX_C1), "founded", json_string(bad[i]));
        tx_err err;
        int n;
        int rc = fx_import_areas(d, doc, &n, &err);
        json_decref(doc); /* before any failure, so that a failure leaks nothing */
        if (rc != -1)
            fail_msg("founded \"%s\" was accepted as a date", bad[i]);
        assert_string_equal(err.field, "features[2].founded");
        assert_int_equal(fx_count(d, "area"), 0);
    }
}

static void test_import_refuses_an_unknown_parent_code_and_names_the_feature(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C2), "parent_code", json_string("NO-SUCH-STREET"));
    expect_refused(d, doc, FX_C2, "parent_code");
    json_decref(doc);
}

static void test_import_refuses_a_compound_directly_under_a_community(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C1_G1_K2), "parent_code", json_string("C1"));
    expect_refused(d, doc, FX_C1_G1_K2, "parent_code");
    /* The message says what the parent must be. */
    tx_err err;
    int n;
    assert_int_equal(fx_import_areas(d, doc, &n, &err), -1);
    assert_true(fx_has(err.msg[TX_LANG_EN], "grid"));
    assert_true(fx_has(err.msg[TX_LANG_ZH], "网格"));
    json_decref(doc);
}

static void test_import_refuses_an_unclosed_ring_and_names_the_geometry(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_t *ring = json_array_get(json_object_get(json_object_get(fx_feat(doc, FX_C1_G1_K1), "geometry"),
                                                  "coordinates"),
                                  0);
    /* The last position no longer repeats the first. */
    json_array_set_new(ring, 4, json_pack("[f,f]", 114.446, 22.755));
    expect_refused(d, doc, FX_C1_G1_K1, "geometry");
    json_decref(doc);
}

static void test_import_refuses_a_geometry_that_is_not_a_polygon(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_set_new(fx_feat(doc, FX_C2_G1_K1), "geometry",
                        json_pack("{s:s, s:[f,f]}", "type", "Point", "coordinates", 114.485, 22.765));
    expect_refused(d, doc, FX_C2_G1_K1, "geometry");
    json_decref(doc);
    doc = fx_small_street();
    json_object_set_new(fx_feat(doc, FX_C2_G1_K1), "geometry", json_string("POLYGON((0 0,1 0,1 1,0 0))"));
    expect_refused(d, doc, FX_C2_G1_K1, "geometry");
    json_decref(doc);
}

static void test_import_refuses_a_self_intersecting_polygon(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    /* A bow tie inside its grid: the edges cross in the middle. */
    json_object_set_new(fx_feat(doc, FX_C1_G1_K2), "geometry",
                        json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon", "coordinates",
                                  114.460, 22.755, 114.465, 22.765, 114.465, 22.755, 114.460, 22.765, 114.460,
                                  22.755));
    expect_refused(d, doc, FX_C1_G1_K2, "geometry");
    json_decref(doc);
}

static void test_import_refuses_grid_outside_its_community_and_names_the_feature(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    /* C2-G1 reaches 0.01° (about 1 km) north of its community. */
    json_object_set_new(fx_feat(doc, FX_C2_G1), "geometry", fx_square(114.47, 22.75, 114.50, 22.82));
    tx_err err;
    int n;
    assert_int_equal(fx_import_areas(d, doc, &n, &err), -1);
    assert_int_equal(err.status, 400);
    /* geo reports a child outside its parent on the parent reference or on
     * the geometry; either way the feature index must be the grid's. */
    const char *prop = strcmp(err.field, "features[6].geometry") == 0 ? "geometry" : "parent_code";
    expect_refused(d, doc, FX_C2_G1, prop);
    /* The message names both areas. */
    assert_true(fx_has(err.msg[TX_LANG_EN], "C2-G1"));
    assert_true(fx_has(err.msg[TX_LANG_EN], "C2"));
    json_decref(doc);
}

static void test_import_accepts_a_child_sticking_out_by_less_than_the_tolerance(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    /* 2e-6° of latitude is about 22 cm: inside IO_GEO_TOLERANCE_M. */
    json_object_set_new(fx_feat(doc, FX_C2_G1), "geometry", fx_square(114.47, 22.75, 114.50, 22.810002));
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_decref(doc);
}

static void test_import_refuses_two_overlapping_grids_of_one_community(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    /* C1-G2 now reaches 0.01° south into C1-G1 (still inside C1). */
    json_object_set_new(fx_feat(doc, FX_C1_G2), "geometry", fx_square(114.44, 22.77, 114.47, 22.81));
    /* Reported at one of the two (geo picks which), naming the other. */
    tx_err err;
    int n;
    assert_int_equal(fx_import_areas(d, doc, &n, &err), -1);
    int blamed = strcmp(err.field, "features[4].geometry") == 0 ? FX_C1_G1 : FX_C1_G2;
    expect_refused(d, doc, blamed, "geometry");
    assert_true(fx_has(err.msg[TX_LANG_EN], blamed == FX_C1_G1 ? "C1-G2" : "C1-G1"));
    assert_true(fx_has(err.msg[TX_LANG_ZH], blamed == FX_C1_G1 ? "C1-G2" : "C1-G1"));
    json_decref(doc);
}

static void test_import_allows_grids_of_different_communities_to_share_an_edge(void **state)
{
    fx_db *d = *state;
    /* C1-G1 and C2-G1 touch along 114.47: siblings may touch, and these are
     * not even siblings. The plain file proves it. */
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_decref(doc);
}

static void test_import_refuses_a_grid_overlapping_a_stored_grid_of_the_same_community(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_decref(doc);
    /* Step two: a new grid of C1 over the south half of the stored C1-G1. */
    json_t *more = json_pack("{s:s, s:[o]}", "type", "FeatureCollection", "features",
                             fx_feature("grid", "C1-G3", "西社区第三网格", "C1", fx_square(114.44, 22.75, 114.47, 22.765)));
    expect_refused(d, more, 0, "geometry");
    tx_err err;
    int n;
    assert_int_equal(fx_import_areas(d, more, &n, &err), -1);
    assert_true(fx_has(err.msg[TX_LANG_EN], "C1-G1"));
    json_decref(more);
}

static void test_import_refusing_a_file_because_of_a_stored_child_does_not_name_a_missing_feature(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_decref(doc);
    /* Turning the stored community C2 into a street would leave its stored
     * grid C2-G1 under a street: refused. The file has a single feature,
     * so the error may not point at "features[5]" or the like; it must name
     * the stored area at fault. */
    json_t *more = json_pack("{s:s, s:[o]}", "type", "FeatureCollection", "features",
                             fx_feature("street", "C2", "东街道", "HY-D", fx_square(114.47, 22.75, 114.50, 22.81)));
    int64_t before = fx_count(d, "area");
    tx_err err;
    int n;
    int rc = fx_import_areas(d, more, &n, &err);
    json_decref(more); /* before any failure, so that a failure leaks nothing */
    assert_int_equal(rc, -1);
    assert_int_equal(err.status, 400);
    int idx = -1;
    if (sscanf(err.field, "features[%d]", &idx) == 1 && idx != 0)
        fail_msg("err.field \"%s\" names a feature the one-feature file does not have (%s)", err.field,
                 err.msg[TX_LANG_EN]);
    if (idx != 0 && !fx_has(err.msg[TX_LANG_EN], "C2-G1"))
        fail_msg("the message \"%s\" does not name the stored grid C2-G1", err.msg[TX_LANG_EN]);
    assert_int_equal(fx_count(d, "area"), before);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE code = 'C2' AND kind = 'community'"), 1);
}

static void test_a_refused_import_leaves_stored_areas_exactly_as_they_were(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    /* Rename every area and add a new compound, then break the last feature:
     * nothing of the file may be kept. */
    for (int i = 0; i < FX_N; i++)
        json_object_set_new(fx_props(doc, i), "name", json_string("改名"));
    json_array_append_new(json_object_get(doc, "features"),
                          fx_feature("compound", "C2-G1-K2", "新小区", "C2-G1", fx_square(114.491, 22.79, 114.495, 22.80)));
    json_array_append_new(json_object_get(doc, "features"),
                          fx_feature("compound", "C2-G1-K3", "坏小区", "NOPE", NULL));
    expect_refused(d, doc, FX_N + 1, "parent_code");
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE name = '改名'"), 0);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE code = 'C2-G1-K2'"), 0);
    json_decref(doc);
}

/* ---- replacing, idempotence and the round trip ------------------------- */

static void test_reimporting_the_same_file_changes_nothing(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_t *first = fx_export_areas(d);
    int64_t max_id = tmpdb_sync_int(d->s, "SELECT max(id) FROM area");
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    assert_int_equal(fx_count(d, "area"), FX_N);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT max(id) FROM area"), max_id);
    json_t *second = fx_export_areas(d);
    assert_true(json_equal(first, second));
    json_decref(first);
    json_decref(second);
    json_decref(doc);
}

static void test_a_feature_with_a_stored_code_replaces_that_area_keeping_its_id(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_decref(doc);
    int64_t id = tmpdb_sync_int(d->s, "SELECT id FROM area WHERE code = 'C2'");
    json_t *more = json_pack("{s:s, s:[o]}", "type", "FeatureCollection", "features",
                             fx_feature("community", "C2", "东社区（新名）", "DS-S", fx_square(114.47, 22.75, 114.50, 22.81)));
    json_object_set_new(fx_props(more, 0), "population_resident", json_integer(1234));
    assert_int_equal(fx_must_import_areas(d, more), 1);
    assert_int_equal(fx_count(d, "area"), FX_N);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT id FROM area WHERE code = 'C2'"), id);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE code = 'C2' AND name = '东社区（新名）'"), 1);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT population_resident FROM area WHERE code = 'C2'"), 1234);
    /* Its children still hang under it. */
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE parent_id = (SELECT id FROM area WHERE "
                                          "code = 'C2')"),
                     1);
    json_decref(more);
}

static void test_replacing_an_area_drops_properties_the_new_feature_leaves_out(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    /* Same C1 without founded, populations and notes: replaced, not merged. */
    json_t *props = fx_props(doc, FX_C1);
    json_object_del(props, "founded");
    json_object_del(props, "population_resident");
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE code = 'C1' AND founded IS NULL AND "
                                          "population_resident IS NULL AND population_registered = 14000"),
                     1);
    json_decref(doc);
}

static void test_extra_properties_survive_import_and_export(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_t *props = fx_props(doc, FX_C1_G2_K1);
    json_object_set_new(props, "source", json_string("2024 survey / 2024 年测绘"));
    json_object_set_new(props, "floors", json_integer(32));
    json_object_set_new(props, "gated", json_true());
    json_object_set_new(props, "gates", json_pack("[s,s]", "东门", "北门"));
    json_object_set_new(props, "manager", json_pack("{s:s, s:f}", "name", "物业", "rating", 4.5));
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_t *out = fx_export_areas(d);
    json_t *f = feature_by_code(out, "C1-G2-K1");
    assert_non_null(f);
    json_t *p = json_object_get(f, "properties");
    assert_true(json_equal(json_object_get(p, "source"), json_object_get(props, "source")));
    assert_true(json_equal(json_object_get(p, "floors"), json_object_get(props, "floors")));
    assert_true(json_equal(json_object_get(p, "gated"), json_true()));
    assert_true(json_equal(json_object_get(p, "gates"), json_object_get(props, "gates")));
    assert_true(json_equal(json_object_get(p, "manager"), json_object_get(props, "manager")));
    /* And the whole feature is what went in. */
    assert_true(json_equal(f, fx_feat(doc, FX_C1_G2_K1)));
    json_decref(out);
    json_decref(doc);
}

static void test_export_equals_the_imported_file_feature_by_feature(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_t *out = fx_export_areas(d);
    assert_string_equal(json_string_value(json_object_get(out, "type")), "FeatureCollection");
    assert_int_equal(json_array_size(json_object_get(out, "features")), FX_N);
    for (int i = 0; i < FX_N; i++) {
        const char *code = json_string_value(json_object_get(fx_props(doc, i), "code"));
        json_t *f = feature_by_code(out, code);
        if (f == NULL || !json_equal(f, fx_feat(doc, i))) {
            char *want = json_dumps(fx_feat(doc, i), JSON_COMPACT | JSON_SORT_KEYS);
            char *got = f ? json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS) : strdup("(missing)");
            char msg[1024];
            snprintf(msg, sizeof msg, "%s exported as %s, imported as %s", code, got, want);
            free(want);
            free(got);
            fail_msg("%s", msg);
        }
    }
    json_decref(out);
    json_decref(doc);
}

static void test_export_lists_parents_before_children(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_t *out = fx_export_areas(d);
    json_t *seen = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(out, "features"), i, f)
    {
        json_t *p = json_object_get(f, "properties");
        const char *parent = json_string_value(json_object_get(p, "parent_code"));
        if (parent)
            assert_non_null(json_object_get(seen, parent));
        json_object_set(seen, json_string_value(json_object_get(p, "code")), json_true());
        /* The export is the import format: no database ids. */
        assert_null(json_object_get(p, "id"));
        assert_null(json_object_get(p, "parent_id"));
        assert_null(json_object_get(f, "id"));
    }
    json_decref(seen);
    json_decref(out);
    json_decref(doc);
}

static void test_export_import_export_into_a_fresh_database_is_lossless(void **state)
{
    fx_db *d = *state;
    json_t *doc = fx_small_street();
    json_object_set_new(fx_props(doc, FX_C2), "survey", json_pack("{s:i, s:[i,i]}", "year", 2024, "pages", 3, 4));
    assert_int_equal(fx_must_import_areas(d, doc), FX_N);
    json_t *first = fx_export_areas(d);
    fx_db fresh;
    fx_db_open(&fresh);
    assert_int_equal(fx_must_import_areas(&fresh, first), FX_N);
    json_t *second = fx_export_areas(&fresh);
    assert_true(json_equal(first, second));
    json_decref(first);
    json_decref(second);
    fx_db_close(&fresh);
    json_decref(doc);
}

/* ---- the demo street ---------------------------------------------------- */

static void test_the_whole_demo_street_imports_and_round_trips(void **state)
{
    fx_db *d = *state;
    demo_street st;
    assert_int_equal(demo_street_generate(1, &st), 0);
    int n = (int)json_array_size(json_object_get(st.areas, "features"));
    assert_true(n > 300);
    assert_int_equal(fx_must_import_areas(d, st.areas), n);
    assert_int_equal(fx_count(d, "area"), n);
    assert_int_equal(tmpdb_sync_int(d->s, "SELECT count(*) FROM area WHERE kind = 'community'"), 20);
    json_t *first = fx_export_areas(d);
    /* Every demo feature comes back as it went in. */
    size_t i;
    json_t *f;
    int differ = 0;
    json_array_foreach(json_object_get(st.areas, "features"), i, f)
    {
        const char *code = json_string_value(json_object_get(json_object_get(f, "properties"), "code"));
        json_t *g = feature_by_code(first, code);
        if (g == NULL || !json_equal(f, g)) {
            if (!differ)
                print_message("first differing demo feature: %s\n", code);
            differ++;
        }
    }
    assert_int_equal(differ, 0);
    /* Export → fresh database → export: identical. */
    fx_db fresh;
    fx_db_open(&fresh);
    assert_int_equal(fx_must_import_areas(&fresh, first), n);
    json_t *second = fx_export_areas(&fresh);
    assert_true(json_equal(first, second));
    json_decref(first);
    json_decref(second);
    fx_db_close(&fresh);
    demo_street_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_small_street_stores_every_area_with_its_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_accepts_children_listed_before_their_parents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_of_an_empty_collection_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_what_is_not_a_feature_collection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_an_unknown_kind_and_names_the_feature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_feature_without_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_bad_code_characters_and_names_the_feature, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_code_used_twice_in_the_file_naming_the_second, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_feature_without_a_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_name_with_control_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_negative_population, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_founded_date_that_does_not_exist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_founded_date_with_a_sign_or_space_in_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_an_unknown_parent_code_and_names_the_feature, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_compound_directly_under_a_community, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_an_unclosed_ring_and_names_the_geometry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_geometry_that_is_not_a_polygon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_self_intersecting_polygon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_grid_outside_its_community_and_names_the_feature, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_accepts_a_child_sticking_out_by_less_than_the_tolerance, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_two_overlapping_grids_of_one_community, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_allows_grids_of_different_communities_to_share_an_edge, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_a_grid_overlapping_a_stored_grid_of_the_same_community,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_import_refusing_a_file_because_of_a_stored_child_does_not_name_a_missing_feature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_refused_import_leaves_stored_areas_exactly_as_they_were, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reimporting_the_same_file_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_feature_with_a_stored_code_replaces_that_area_keeping_its_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_replacing_an_area_drops_properties_the_new_feature_leaves_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_extra_properties_survive_import_and_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_equals_the_imported_file_feature_by_feature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_lists_parents_before_children, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_import_export_into_a_fresh_database_is_lossless, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_whole_demo_street_imports_and_round_trips, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
