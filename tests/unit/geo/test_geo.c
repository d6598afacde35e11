/* Unit tests for geo (src/geo/geo.h): locating points in the area
 * hierarchy, and the checks geo_validate makes before areas are stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"

/* ---- helpers ----------------------------------------------------------- */

#define GEOM_MAX 512

/* An axis-aligned box as a GeoJSON Polygon, with an extra vertex in the
 * middle of its bottom edge so that GEOS cannot take its rectangle
 * shortcut and the real point-in-polygon path is exercised. */
static const char *box(char *buf, double x0, double y0, double x1, double y1)
{
    snprintf(buf, GEOM_MAX,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],"
             "[%.9f,%.9f]]]}",
             x0, y0, (x0 + x1) / 2, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    return buf;
}

static geo_area area(int64_t id, tx_area_kind kind, int parent, const char *code, const char *geometry)
{
    return (geo_area){.id = id, .kind = kind, .parent = parent, .code = code, .geometry = geometry};
}

/* One metre in degrees near 22.78°N, for tolerance tests. */
#define M_LAT (1.0 / 111320.0)
#define M_LON (1.0 / (111320.0 * 0.921968)) /* cos(22.78°) */

static void assert_problem(const geo_area *areas, int n, double tol, int index, const char *property)
{
    geo_problem p;
    memset(&p, 0x5a, sizeof p);
    assert_int_equal(geo_validate(areas, n, tol, &p), -1);
    if (p.index != index || strcmp(p.property, property) != 0)
        print_error("problem: index %d property %s: %s\n", p.index, p.property, p.message[1]);
    assert_int_equal(p.index, index);
    assert_string_equal(p.property, property);
    /* Both languages are filled, the zh-CN one is not just the English
     * text, and nothing internal (pointers) leaks into either. */
    assert_true(strlen(p.message[0]) > 0 && strlen(p.message[1]) > 0);
    int non_ascii = 0;
    for (const char *c = p.message[0]; *c; c++)
        non_ascii |= (unsigned char)*c >= 0x80;
    assert_true(non_ascii);
    assert_null(strstr(p.message[0], "0x"));
    assert_null(strstr(p.message[1], "0x"));
}

/* A single-area set with this geometry must be refused at index 0. */
static void assert_bad_geometry(const char *geometry, const char *en_fragment)
{
    geo_area a[3];
    char g0[GEOM_MAX], g1[GEOM_MAX];
    a[0] = area(1, TX_AREA_COMMUNITY, -1, "C1", box(g0, 114.40, 22.70, 114.50, 22.80));
    a[1] = area(2, TX_AREA_GRID, 0, "G1", box(g1, 114.41, 22.71, 114.42, 22.72));
    a[2] = area(3, TX_AREA_GRID, 0, "G2", geometry);
    assert_problem(a, 3, 0, 2, "geometry");
    geo_problem p;
    geo_validate(a, 3, 0, &p);
    if (!strstr(p.message[1], en_fragment))
        print_error("message: %s\n", p.message[1]);
    assert_non_null(strstr(p.message[1], en_fragment));

    /* The index refuses the same geometry, naming the same area. */
    memset(&p, 0, sizeof p);
    assert_null(geo_index_build(a, 3, &p));
    assert_int_equal(p.index, 2);
    assert_string_equal(p.property, "geometry");
}

/* ---- locate fixture ----------------------------------------------------
 *
 * street 10 ⊃ community 20 ⊃ grids 31 (west) and 30 (east), sharing the
 * edge lng = 114.475; compound 40 inside grid 31. Elsewhere: community 50
 * with a hole, grid 60 made of two parts, area 70 without a boundary. */

static char g_street[GEOM_MAX], g_comm[GEOM_MAX], g_west[GEOM_MAX], g_east[GEOM_MAX], g_comp[GEOM_MAX];
static const char *g_holed = "{\"type\":\"Polygon\",\"coordinates\":["
                             "[[114.60,22.60],[114.70,22.60],[114.70,22.70],[114.60,22.70],[114.60,22.60]],"
                             "[[114.64,22.64],[114.64,22.66],[114.66,22.66],[114.66,22.64],[114.64,22.64]]]}";
static const char *g_multi = "{\"type\":\"MultiPolygon\",\"coordinates\":["
                             "[[[114.80,22.80],[114.81,22.80],[114.81,22.81],[114.80,22.81],[114.80,22.80]]],"
                             "[[[114.90,22.90],[114.91,22.90],[114.91,22.91],[114.90,22.91],[114.90,22.90]]]]}";

static int fixture(geo_area *a)
{
    box(g_street, 114.40, 22.70, 114.60, 22.90);
    box(g_comm, 114.45, 22.75, 114.50, 22.80);
    box(g_west, 114.45, 22.75, 114.475, 22.80);
    box(g_east, 114.475, 22.75, 114.50, 22.80);
    box(g_comp, 114.455, 22.76, 114.465, 22.77);
    int n = 0;
    a[n++] = area(10, TX_AREA_STREET, -1, "S", g_street);
    a[n++] = area(20, TX_AREA_COMMUNITY, 0, "C", g_comm);
    a[n++] = area(31, TX_AREA_GRID, 1, "G-west", g_west); /* higher id first: order must not decide */
    a[n++] = area(30, TX_AREA_GRID, 1, "G-east", g_east);
    a[n++] = area(40, TX_AREA_COMPOUND, 2, "K", g_comp);
    a[n++] = area(50, TX_AREA_COMMUNITY, -1, "H", g_holed);
    a[n++] = area(60, TX_AREA_GRID, -1, "M", g_multi);
    a[n++] = area(70, TX_AREA_GRID, 1, "no-boundary", NULL);
    return n;
}

static int setup_index(void **state)
{
    geo_area a[8];
    int n = fixture(a);
    geo_problem p;
    geo_index *ix = geo_index_build(a, n, &p);
    if (!ix)
        print_error("build: %s\n", p.message[1]);
    *state = ix;
    return ix ? 0 : -1;
}

static int teardown_index(void **state)
{
    geo_index_free(*state);
    return 0;
}

/* ---- locate ------------------------------------------------------------ */

static void test_fixture_is_valid(void **state)
{
    (void)state;
    geo_area a[8];
    int n = fixture(a);
    geo_problem p;
    int rc = geo_validate(a, n, 0, &p);
    if (rc != 0)
        print_error("%d %s: %s\n", p.index, p.property, p.message[1]);
    assert_int_equal(rc, 0);
}

static void test_area_without_boundary_is_not_indexed(void **state)
{
    assert_int_equal(geo_index_size(*state), 7);
}

static void test_point_inside_grid_finds_grid_community_and_street(void **state)
{
    geo_hit h;
    assert_int_equal(geo_locate(*state, 22.79, 114.49, &h), 3);
    assert_int_equal(h.street, 10);
    assert_int_equal(h.community, 20);
    assert_int_equal(h.grid, 30);
    assert_int_equal(h.compound, 0);
    assert_int_equal(h.city, 0);
    assert_int_equal(h.district, 0);
    assert_int_equal(h.inside_red_line, 0);
}

static void test_point_outside_every_area_finds_nothing(void **state)
{
    geo_hit h;
    memset(&h, 0x7f, sizeof h);
    assert_int_equal(geo_locate(*state, 39.90, 116.40, &h), 0);
    geo_hit zero = {0};
    assert_memory_equal(&h, &zero, sizeof h);
}

static void test_point_on_shared_grid_edge_resolves_to_lowest_id(void **state)
{
    /* lng 114.475 is the east edge of grid 31 and the west edge of 30. */
    for (int k = 0; k < 1000; k++) {
        geo_hit h;
        assert_int_equal(geo_locate(*state, 22.77 + k * 1e-5, 114.475, &h), 3);
        assert_int_equal(h.grid, 30);
        assert_int_equal(h.community, 20);
    }
}

static void test_shared_edge_winner_does_not_depend_on_insertion_order(void **state)
{
    (void)state;
    geo_area a[8];
    int n = fixture(a);
    geo_area t = a[2];
    a[2] = a[3];
    a[3] = t;
    a[4].parent = 3;
    geo_index *ix = geo_index_build(a, n, NULL);
    assert_non_null(ix);
    geo_hit h;
    geo_locate(ix, 22.775, 114.475, &h);
    assert_int_equal(h.grid, 30);
    geo_index_free(ix);
}

static void test_point_on_outer_boundary_is_inside(void **state)
{
    geo_hit h;
    /* The community's north edge (lat 22.80) is covered: closed sets. */
    assert_int_equal(geo_locate(*state, 22.80, 114.49, &h), 3);
    assert_int_equal(h.community, 20);
    assert_int_equal(h.grid, 30);
}

static void test_point_in_hole_is_outside(void **state)
{
    geo_hit h;
    assert_int_equal(geo_locate(*state, 22.65, 114.65, &h), 0);
    assert_int_equal(h.community, 0);
    /* ...but the ring around the hole is inside. */
    assert_int_equal(geo_locate(*state, 22.62, 114.62, &h), 1);
    assert_int_equal(h.community, 50);
}

static void test_point_in_second_part_of_multipolygon_is_inside(void **state)
{
    geo_hit h;
    assert_int_equal(geo_locate(*state, 22.905, 114.905, &h), 1);
    assert_int_equal(h.grid, 60);
    /* Between the parts is outside. */
    assert_int_equal(geo_locate(*state, 22.85, 114.85, &h), 0);
}

static void test_point_in_compound_is_inside_red_line(void **state)
{
    geo_hit h;
    assert_int_equal(geo_locate(*state, 22.765, 114.46, &h), 4);
    assert_int_equal(h.compound, 40);
    assert_int_equal(h.inside_red_line, 1);
    /* On the red line itself counts as inside. */
    assert_int_equal(geo_locate(*state, 22.77, 114.46, &h), 4);
    assert_int_equal(h.inside_red_line, 1);
}

static void test_point_near_but_outside_compound_is_outside_red_line(void **state)
{
    geo_hit h;
    assert_int_equal(geo_locate(*state, 22.7705, 114.46, &h), 3);
    assert_int_equal(h.compound, 0);
    assert_int_equal(h.inside_red_line, 0);
    assert_int_equal(h.grid, 31);
}

static void test_deep_hierarchy_street_community_grid_compound_all_found(void **state)
{
    geo_hit h;
    assert_int_equal(geo_locate(*state, 22.761, 114.456, &h), 4);
    assert_int_equal(h.street, 10);
    assert_int_equal(h.community, 20);
    assert_int_equal(h.grid, 31);
    assert_int_equal(h.compound, 40);
    assert_int_equal(h.inside_red_line, 1);
}

static void test_non_finite_point_finds_nothing(void **state)
{
    geo_hit h;
    assert_int_equal(geo_locate(*state, NAN, 114.46, &h), 0);
    assert_int_equal(geo_locate(*state, 22.76, INFINITY, &h), 0);
}

static void test_empty_index_finds_nothing(void **state)
{
    (void)state;
    geo_area a = area(1, TX_AREA_GRID, -1, "x", NULL);
    geo_index *ix = geo_index_build(&a, 1, NULL);
    assert_non_null(ix);
    assert_int_equal(geo_index_size(ix), 0);
    geo_hit h;
    assert_int_equal(geo_locate(ix, 22.76, 114.46, &h), 0);
    geo_index_free(ix);
    geo_index_free(NULL);
}

/* ---- concurrency ------------------------------------------------------- */

/* A jittered 40×40 lattice of quadrilaterals: neighbours share their edges
 * exactly and none is a rectangle, so every lookup goes through GEOS's
 * lazily built point locators. */
#define LAT_N 40
#define LAT_D 0.001
#define LAT_X0 114.47
#define LAT_Y0 22.78

static double jitter(int i, int j, int axis)
{
    uint32_t h = (uint32_t)i * 73856093u ^ (uint32_t)j * 19349663u ^ (uint32_t)axis * 83492791u;
    h ^= h >> 13;
    h *= 0x5bd1e995u;
    h ^= h >> 15;
    return ((double)(h % 1000) / 1000.0 - 0.5) * 0.4 * LAT_D; /* |jitter| < 0.2 cell */
}

static void vertex(int i, int j, double *x, double *y)
{
    *x = LAT_X0 + i * LAT_D + (i > 0 && i < LAT_N ? jitter(i, j, 0) : 0);
    *y = LAT_Y0 + j * LAT_D + (j > 0 && j < LAT_N ? jitter(i, j, 1) : 0);
}

static char **lattice(geo_area *a)
{
    char **texts = calloc(LAT_N * LAT_N, sizeof *texts);
    for (int i = 0; i < LAT_N; i++)
        for (int j = 0; j < LAT_N; j++) {
            double x[4], y[4];
            vertex(i, j, &x[0], &y[0]);
            vertex(i + 1, j, &x[1], &y[1]);
            vertex(i + 1, j + 1, &x[2], &y[2]);
            vertex(i, j + 1, &x[3], &y[3]);
            char *t = malloc(GEOM_MAX);
            snprintf(t, GEOM_MAX,
                     "{\"type\":\"Polygon\",\"coordinates\":[[[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],"
                     "[%.17g,%.17g],[%.17g,%.17g]]]}",
                     x[0], y[0], x[1], y[1], x[2], y[2], x[3], y[3], x[0], y[0]);
            int k = i * LAT_N + j;
            texts[k] = t;
            /* ids descend so the lowest id is not the first inserted */
            a[k] = area(100000 - k, TX_AREA_GRID, -1, "g", t);
        }
    return texts;
}

#define NPOINTS 20000
#define NTHREADS 4

typedef struct {
    const geo_index *ix;
    int64_t grid[NPOINTS];
} worker;

static void point(int k, double *lat, double *lng)
{
    if (k % 4 == 0) { /* exactly on lattice vertices and shared edges */
        int i = (k / 4) % (LAT_N + 1), j = (k / 4 / (LAT_N + 1)) % (LAT_N + 1);
        double x0, y0, x1, y1;
        vertex(i, j, &x0, &y0);
        vertex(i, j + 1 <= LAT_N ? j + 1 : j, &x1, &y1);
        *lng = k % 8 == 0 ? x0 : (x0 + x1) / 2;
        *lat = k % 8 == 0 ? y0 : (y0 + y1) / 2;
        return;
    }
    uint32_t h = (uint32_t)k * 2654435761u;
    *lng = LAT_X0 - 0.002 + (h % 44000) * 1e-6;
    *lat = LAT_Y0 - 0.002 + ((h >> 16) % 44000) * 1e-6;
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    for (int k = 0; k < NPOINTS; k++) {
        double lat, lng;
        point(k, &lat, &lng);
        geo_hit h;
        geo_locate(w->ix, lat, lng, &h);
        w->grid[k] = h.grid;
    }
    return NULL;
}

static void test_concurrent_locates_on_one_index_agree(void **state)
{
    (void)state;
    geo_area *a = calloc(LAT_N * LAT_N, sizeof *a);
    char **texts = lattice(a);
    geo_problem p;
    geo_index *ix = geo_index_build(a, LAT_N * LAT_N, &p);
    assert_non_null(ix);

    /* The threads are the first to query the index after it is built. */
    static worker w[NTHREADS];
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        w[i].ix = ix;
        assert_int_equal(pthread_create(&t[i], NULL, run_worker, &w[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 1; i < NTHREADS; i++)
        assert_memory_equal(w[i].grid, w[0].grid, sizeof w[0].grid);

    static worker ref;
    ref.ix = ix;
    run_worker(&ref);
    assert_memory_equal(ref.grid, w[0].grid, sizeof ref.grid);
    int found = 0;
    for (int k = 0; k < NPOINTS; k++)
        found += ref.grid[k] != 0;
    assert_true(found > NPOINTS / 2); /* the points mostly land in the lattice */

    geo_index_free(ix);
    for (int k = 0; k < LAT_N * LAT_N; k++)
        free(texts[k]);
    free(texts);
    free(a);
}

static void test_lattice_of_adjacent_grids_validates(void **state)
{
    (void)state;
    geo_area *a = calloc(LAT_N * LAT_N + 1, sizeof *a);
    char comm[GEOM_MAX];
    a[0] = area(1, TX_AREA_COMMUNITY, -1, "C", box(comm, LAT_X0, LAT_Y0, LAT_X0 + LAT_N * LAT_D, LAT_Y0 + LAT_N * LAT_D));
    char **texts = lattice(a + 1);
    for (int k = 1; k <= LAT_N * LAT_N; k++)
        a[k].parent = 0;
    geo_problem p;
    int rc = geo_validate(a, LAT_N * LAT_N + 1, 0, &p);
    if (rc)
        print_error("%d: %s\n", p.index, p.message[1]);
    assert_int_equal(rc, 0);
    for (int k = 0; k < LAT_N * LAT_N; k++)
        free(texts[k]);
    free(texts);
    free(a);
}

/* ---- geometry problems ------------------------------------------------- */

static void test_unclosed_ring_is_refused(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"Polygon\",\"coordinates\":[[[114.41,22.73],[114.42,22.73],[114.42,22.74],"
                        "[114.41,22.74]]]}",
                        "not closed");
}

static void test_ring_with_three_positions_is_refused(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"Polygon\",\"coordinates\":[[[114.41,22.73],[114.42,22.73],[114.41,22.73]]]}",
                        "at least 4");
}

static void test_point_geometry_is_refused(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"Point\",\"coordinates\":[114.41,22.73]}", "not Point");
}

static void test_linestring_geometry_is_refused(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"LineString\",\"coordinates\":[[114.41,22.73],[114.42,22.73]]}",
                        "not LineString");
}

static void test_bad_json_is_refused(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"Polygon\",\"coordinates\":[[[114.41,22.73],", "not valid JSON");
    assert_bad_geometry("", "not valid JSON");
}

static void test_longitude_out_of_range_is_refused(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"Polygon\",\"coordinates\":[[[114.41,22.73],[181,22.73],[114.42,22.74],"
                        "[114.41,22.73]]]}",
                        "position 2: longitude 181 is outside");
}

static void test_swapped_latitude_and_longitude_is_refused_with_a_hint(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"Polygon\",\"coordinates\":[[[22.73,114.41],[22.73,114.42],[22.74,114.42],"
                        "[22.73,114.41]]]}",
                        "[longitude, latitude]");
}

static void test_position_with_four_numbers_is_refused(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"Polygon\",\"coordinates\":[[[114.41,22.73,0,0],[114.42,22.73],[114.42,22.74],"
                        "[114.41,22.73]]]}",
                        "position 1");
}

static void test_position_with_height_is_accepted(void **state)
{
    (void)state;
    geo_area a = area(1, TX_AREA_GRID, -1, "G",
                      "{\"type\":\"Polygon\",\"coordinates\":[[[114.41,22.73,5],[114.42,22.73,5],[114.42,22.74,5],"
                      "[114.41,22.73,5]]]}");
    assert_int_equal(geo_validate(&a, 1, 0, NULL), 0);
}

static void test_self_intersecting_bowtie_is_invalid(void **state)
{
    (void)state;
    const char *bowtie = "{\"type\":\"Polygon\",\"coordinates\":[[[114.41,22.71],[114.42,22.72],[114.42,22.71],"
                         "[114.41,22.72],[114.41,22.71]]]}";
    assert_bad_geometry(bowtie, "Self-intersection");
    geo_area a = area(1, TX_AREA_GRID, -1, "G", bowtie);
    geo_problem p;
    assert_int_equal(geo_validate(&a, 1, 0, &p), -1);
    assert_non_null(strstr(p.message[0], "自相交"));
}

static void test_hole_outside_its_shell_is_invalid(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"Polygon\",\"coordinates\":["
                        "[[114.41,22.71],[114.42,22.71],[114.42,22.72],[114.41,22.72],[114.41,22.71]],"
                        "[[114.43,22.71],[114.44,22.71],[114.44,22.72],[114.43,22.71]]]}",
                        "Hole lies outside shell");
}

static void test_bad_ring_in_multipolygon_names_polygon_and_hole(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"MultiPolygon\",\"coordinates\":["
                        "[[[114.41,22.71],[114.42,22.71],[114.42,22.72],[114.41,22.71]]],"
                        "[[[114.43,22.71],[114.44,22.71],[114.44,22.72],[114.43,22.71]],"
                        "[[114.431,22.711],[114.432,22.711],[114.431,22.711]]]]}",
                        "polygon 2, hole 1 has 3 positions");
}

static void test_empty_multipolygon_is_refused(void **state)
{
    (void)state;
    assert_bad_geometry("{\"type\":\"MultiPolygon\",\"coordinates\":[]}", "at least one polygon");
}

/* ---- hierarchy problems ------------------------------------------------ */

static void test_child_outside_parent_is_refused(void **state)
{
    (void)state;
    char c[GEOM_MAX], g1[GEOM_MAX], g2[GEOM_MAX];
    geo_area a[3] = {
        area(0, TX_AREA_COMMUNITY, -1, "C1", box(c, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, "G1", box(g1, 114.40, 22.70, 114.45, 22.80)),
        area(0, TX_AREA_GRID, 0, "G2", box(g2, 114.45, 22.70, 114.55, 22.80)),
    };
    assert_problem(a, 3, 5, 2, "parent_code");
    geo_problem p;
    geo_validate(a, 3, 5, &p);
    assert_non_null(strstr(p.message[1], "\"G2\""));
    assert_non_null(strstr(p.message[1], "\"C1\""));
}

static void test_child_slightly_outside_parent_within_tolerance_is_accepted(void **state)
{
    (void)state;
    char c[GEOM_MAX], g[GEOM_MAX];
    /* 3 m beyond the community to the east and 3 m to the north. */
    geo_area a[2] = {
        area(0, TX_AREA_COMMUNITY, -1, "C1", box(c, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, "G1", box(g, 114.45, 22.75, 114.50 + 3 * M_LON, 22.80 + 3 * M_LAT)),
    };
    assert_int_equal(geo_validate(a, 2, 5, NULL), 0);
    assert_problem(a, 2, 2, 1, "parent_code");
}

static void test_tolerance_is_metres_east_west_and_north_south(void **state)
{
    (void)state;
    char c[GEOM_MAX], g[GEOM_MAX];
    geo_area a[2] = {
        area(0, TX_AREA_COMMUNITY, -1, "C1", box(c, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, "G1", NULL),
    };
    /* 3 m east: a tolerance taken as degrees of latitude would allow only
     * 2.86 m of longitude at 3.1 m and refuse it. */
    a[1].geometry = box(g, 114.45, 22.75, 114.50 + 3 * M_LON, 22.80);
    assert_int_equal(geo_validate(a, 2, 3.1, NULL), 0);
    assert_problem(a, 2, 2.9, 1, "parent_code");
    /* 3 m north: a tolerance taken as degrees of longitude would allow
     * 3.15 m at 2.9 m and accept it. */
    a[1].geometry = box(g, 114.45, 22.75, 114.50, 22.80 + 3 * M_LAT);
    assert_int_equal(geo_validate(a, 2, 3.1, NULL), 0);
    assert_problem(a, 2, 2.9, 1, "parent_code");
}

static void test_child_checked_against_nearest_ancestor_with_boundary(void **state)
{
    (void)state;
    char s[GEOM_MAX], g[GEOM_MAX];
    geo_area a[3] = {
        area(0, TX_AREA_STREET, -1, "S", box(s, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_COMMUNITY, 0, "C-no-boundary", NULL),
        area(0, TX_AREA_GRID, 1, "G", box(g, 114.45, 22.75, 114.60, 22.80)),
    };
    assert_problem(a, 3, 0, 2, "parent_code");
}

static void test_parent_with_higher_index_is_used(void **state)
{
    (void)state;
    char c[GEOM_MAX], g[GEOM_MAX];
    geo_area a[2] = {
        area(0, TX_AREA_GRID, 1, "G", box(g, 114.45, 22.75, 114.60, 22.80)),
        area(0, TX_AREA_COMMUNITY, -1, "C", box(c, 114.40, 22.70, 114.50, 22.80)),
    };
    assert_problem(a, 2, 0, 0, "parent_code");
}

static void test_missing_parent_is_refused(void **state)
{
    (void)state;
    geo_area a[2] = {
        area(0, TX_AREA_COMMUNITY, -1, "C", NULL),
        area(0, TX_AREA_GRID, 7, "G", NULL),
    };
    assert_problem(a, 2, 0, 1, "parent_code");
}

/* ---- sibling overlap --------------------------------------------------- */

static void test_overlapping_grids_of_one_community_are_refused(void **state)
{
    (void)state;
    char c[GEOM_MAX], g1[GEOM_MAX], g2[GEOM_MAX];
    geo_area a[3] = {
        area(0, TX_AREA_COMMUNITY, -1, "C1", box(c, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, "G1", box(g1, 114.40, 22.70, 114.46, 22.80)),
        area(0, TX_AREA_GRID, 0, "G2", box(g2, 114.45, 22.70, 114.50, 22.80)),
    };
    /* Reported at the lower index, naming the other. */
    assert_problem(a, 3, 1, 1, "geometry");
    geo_problem p;
    geo_validate(a, 3, 1, &p);
    assert_non_null(strstr(p.message[1], "\"G1\" overlaps grid \"G2\""));
    assert_non_null(strstr(p.message[0], "“G1”与同属一个上级的网格“G2”重叠"));
}

static void test_overlapping_compounds_of_one_grid_are_refused(void **state)
{
    (void)state;
    char g[GEOM_MAX], k1[GEOM_MAX], k2[GEOM_MAX];
    geo_area a[3] = {
        area(0, TX_AREA_GRID, -1, "G", box(g, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_COMPOUND, 0, "K1", box(k1, 114.41, 22.71, 114.42, 22.72)),
        area(0, TX_AREA_COMPOUND, 0, "K2", box(k2, 114.415, 22.715, 114.43, 22.73)),
    };
    assert_problem(a, 3, 1, 1, "geometry");
}

static void test_adjacent_grids_sharing_an_edge_are_accepted(void **state)
{
    (void)state;
    char c[GEOM_MAX], g1[GEOM_MAX], g2[GEOM_MAX];
    geo_area a[3] = {
        area(0, TX_AREA_COMMUNITY, -1, "C1", box(c, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, "G1", box(g1, 114.40, 22.70, 114.45, 22.80)),
        area(0, TX_AREA_GRID, 0, "G2", box(g2, 114.45, 22.70, 114.50, 22.80)),
    };
    assert_int_equal(geo_validate(a, 3, 0, NULL), 0);
    assert_int_equal(geo_validate(a, 3, 1, NULL), 0);
}

static void test_sliver_overlap_within_tolerance_is_accepted(void **state)
{
    (void)state;
    char c[GEOM_MAX], g1[GEOM_MAX], g2[GEOM_MAX];
    /* The grids overlap in a strip 0.5 m wide and 10 m long: 5 m². */
    geo_area a[3] = {
        area(0, TX_AREA_COMMUNITY, -1, "C1", box(c, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, "G1", box(g1, 114.40, 22.70, 114.45 + 0.5 * M_LON, 22.70 + 10 * M_LAT)),
        area(0, TX_AREA_GRID, 0, "G2", box(g2, 114.45, 22.70, 114.50, 22.70 + 10 * M_LAT)),
    };
    assert_int_equal(geo_validate(a, 3, 3, NULL), 0);  /* 5 m² <= 9 m² */
    assert_problem(a, 3, 2, 1, "geometry");              /* 5 m² > 4 m² */
}

static void test_grids_of_different_communities_may_overlap(void **state)
{
    (void)state;
    char c1[GEOM_MAX], c2[GEOM_MAX], g1[GEOM_MAX], g2[GEOM_MAX];
    geo_area a[4] = {
        area(0, TX_AREA_COMMUNITY, -1, "C1", box(c1, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_COMMUNITY, -1, "C2", box(c2, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, "G1", box(g1, 114.40, 22.70, 114.46, 22.80)),
        area(0, TX_AREA_GRID, 1, "G2", box(g2, 114.45, 22.70, 114.50, 22.80)),
    };
    assert_int_equal(geo_validate(a, 4, 0, NULL), 0);
}

static void test_first_problem_reported_is_the_lowest_index(void **state)
{
    (void)state;
    char c[GEOM_MAX], g1[GEOM_MAX], g2[GEOM_MAX];
    geo_area a[4] = {
        area(0, TX_AREA_COMMUNITY, -1, "C1", box(c, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, "G1", box(g1, 114.40, 22.70, 114.46, 22.80)),
        area(0, TX_AREA_GRID, 0, "G2", box(g2, 114.45, 22.70, 114.50, 22.80)), /* overlaps G1 */
        area(0, TX_AREA_GRID, 0, "G3", "{\"type\":\"Point\",\"coordinates\":[1,2]}"),
    };
    assert_problem(a, 4, 0, 1, "geometry"); /* the overlap, at G1 */
    /* Swap G1 and G3: the broken geometry now comes first. */
    geo_area t = a[3];
    a[3] = a[1];
    a[1] = t;
    assert_problem(a, 4, 0, 1, "geometry");
}

static int valid_utf8(const char *s)
{
    const unsigned char *c = (const unsigned char *)s;
    while (*c) {
        int n = *c < 0x80 ? 0 : (*c & 0xE0) == 0xC0 ? 1 : (*c & 0xF0) == 0xE0 ? 2 : (*c & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0)
            return 0;
        c++;
        for (int k = 0; k < n; k++, c++)
            if ((*c & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

static void test_long_codes_are_cut_at_a_character_boundary(void **state)
{
    (void)state;
    char code[700] = "";
    for (int k = 0; k < 100; k++)
        strcat(code, k % 2 ? "格" : "网x"); /* 3- and 1-byte characters mixed */
    char c[GEOM_MAX], g[GEOM_MAX];
    geo_area a[2] = {
        area(0, TX_AREA_COMMUNITY, -1, code, box(c, 114.40, 22.70, 114.50, 22.80)),
        area(0, TX_AREA_GRID, 0, code, box(g, 114.45, 22.75, 114.60, 22.80)),
    };
    geo_problem p;
    assert_int_equal(geo_validate(a, 2, 0, &p), -1);
    assert_true(valid_utf8(p.message[0]));
    assert_true(valid_utf8(p.message[1]));
    assert_true(strlen(p.message[0]) < sizeof p.message[0]);
    assert_non_null(strstr(p.message[1], "is not inside")); /* the meaning survives */
}

static void test_parent_cycle_without_boundaries_ends(void **state)
{
    (void)state;
    char g[GEOM_MAX];
    geo_area a[3] = {
        area(0, TX_AREA_STREET, 1, "A", NULL),
        area(0, TX_AREA_COMMUNITY, 0, "B", NULL),
        area(0, TX_AREA_GRID, 1, "G", box(g, 114.45, 22.75, 114.60, 22.80)),
    };
    assert_int_equal(geo_validate(a, 3, 0, NULL), 0);
}

static void test_empty_set_is_valid(void **state)
{
    (void)state;
    assert_int_equal(geo_validate(NULL, 0, 0, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_is_valid),
        cmocka_unit_test_setup_teardown(test_area_without_boundary_is_not_indexed, setup_index, teardown_index),
        cmocka_unit_test_setup_teardown(test_point_inside_grid_finds_grid_community_and_street, setup_index,
                                        teardown_index),
        cmocka_unit_test_setup_teardown(test_point_outside_every_area_finds_nothing, setup_index, teardown_index),
        cmocka_unit_test_setup_teardown(test_point_on_shared_grid_edge_resolves_to_lowest_id, setup_index,
                                        teardown_index),
        cmocka_unit_test(test_shared_edge_winner_does_not_depend_on_insertion_order),
        cmocka_unit_test_setup_teardown(test_point_on_outer_boundary_is_inside, setup_index, teardown_index),
        cmocka_unit_test_setup_teardown(test_point_in_hole_is_outside, setup_index, teardown_index),
        cmocka_unit_test_setup_teardown(test_point_in_second_part_of_multipolygon_is_inside, setup_index,
                                        teardown_index),
        cmocka_unit_test_setup_teardown(test_point_in_compound_is_inside_red_line, setup_index, teardown_index),
        cmocka_unit_test_setup_teardown(test_point_near_but_outside_compound_is_outside_red_line, setup_index,
                                        teardown_index),
        cmocka_unit_test_setup_teardown(test_deep_hierarchy_street_community_grid_compound_all_found, setup_index,
                                        teardown_index),
        cmocka_unit_test_setup_teardown(test_non_finite_point_finds_nothing, setup_index, teardown_index),
        cmocka_unit_test(test_empty_index_finds_nothing),
        cmocka_unit_test(test_concurrent_locates_on_one_index_agree),
        cmocka_unit_test(test_lattice_of_adjacent_grids_validates),
        cmocka_unit_test(test_unclosed_ring_is_refused),
        cmocka_unit_test(test_ring_with_three_positions_is_refused),
        cmocka_unit_test(test_point_geometry_is_refused),
        cmocka_unit_test(test_linestring_geometry_is_refused),
        cmocka_unit_test(test_bad_json_is_refused),
        cmocka_unit_test(test_longitude_out_of_range_is_refused),
        cmocka_unit_test(test_swapped_latitude_and_longitude_is_refused_with_a_hint),
        cmocka_unit_test(test_position_with_four_numbers_is_refused),
        cmocka_unit_test(test_position_with_height_is_accepted),
        cmocka_unit_test(test_self_intersecting_bowtie_is_invalid),
        cmocka_unit_test(test_hole_outside_its_shell_is_invalid),
        cmocka_unit_test(test_bad_ring_in_multipolygon_names_polygon_and_hole),
        cmocka_unit_test(test_empty_multipolygon_is_refused),
        cmocka_unit_test(test_child_outside_parent_is_refused),
        cmocka_unit_test(test_child_slightly_outside_parent_within_tolerance_is_accepted),
        cmocka_unit_test(test_tolerance_is_metres_east_west_and_north_south),
        cmocka_unit_test(test_child_checked_against_nearest_ancestor_with_boundary),
        cmocka_unit_test(test_parent_with_higher_index_is_used),
        cmocka_unit_test(test_missing_parent_is_refused),
        cmocka_unit_test(test_overlapping_grids_of_one_community_are_refused),
        cmocka_unit_test(test_overlapping_compounds_of_one_grid_are_refused),
        cmocka_unit_test(test_adjacent_grids_sharing_an_edge_are_accepted),
        cmocka_unit_test(test_sliver_overlap_within_tolerance_is_accepted),
        cmocka_unit_test(test_grids_of_different_communities_may_overlap),
        cmocka_unit_test(test_first_problem_reported_is_the_lowest_index),
        cmocka_unit_test(test_long_codes_are_cut_at_a_character_boundary),
        cmocka_unit_test(test_parent_cycle_without_boundaries_ends),
        cmocka_unit_test(test_empty_set_is_valid),
    };
    return cmocka_run_group_tests_name("geo", tests, NULL, NULL);
}
