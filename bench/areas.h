/* bench/areas.h: the demo street's areas as plain polygons, for the bench
 * programs that need points in them (bench/intake/intake_raw.c,
 * bench/queries/gen_cases.c). Header-only (static functions), jansson for the
 * GeoJSON geometry. Not tongxin's code: a point-in-polygon by ray casting
 * (even-odd over every ring, so holes count), enough to place sample points.
 *
 *   barea_geometry(a, geometry)   Polygon / MultiPolygon → rings and bbox
 *   barea_contains(a, lat, lon)   inside?
 *   barea_sample(a, rng, &lat, &lon)  a uniform point inside (rejection in the bbox)
 *   bench_rng / bench_rand01      a small deterministic generator (splitmix64) */
#ifndef TX_BENCH_AREAS_H
#define TX_BENCH_AREAS_H

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int n;      /* points */
    double *xy; /* lon, lat pairs */
} bring;

typedef struct {
    int64_t id;
    int64_t parent_id;
    char kind[16];
    char code[64];
    char parent_code[64];
    int nrings;
    bring *rings;
    double x0, y0, x1, y1; /* bbox: lon, lat */
} barea;

static inline uint64_t bench_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline double bench_rand01(uint64_t *s)
{
    return (double)(bench_rng(s) >> 11) / (double)(1ULL << 53);
}

static inline int barea_add_ring(barea *a, json_t *ring)
{
    size_t n = json_array_size(ring);
    if (n < 4)
        return 0;
    bring *r = realloc(a->rings, (size_t)(a->nrings + 1) * sizeof *r);
    if (r == NULL)
        return -1;
    a->rings = r;
    r = &a->rings[a->nrings++];
    r->n = (int)n;
    r->xy = malloc(n * 2 * sizeof *r->xy);
    if (r->xy == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(ring, i);
        double x = json_number_value(json_array_get(p, 0)), y = json_number_value(json_array_get(p, 1));
        r->xy[2 * i] = x;
        r->xy[2 * i + 1] = y;
        if (a->nrings == 1 && i == 0) {
            a->x0 = a->x1 = x;
            a->y0 = a->y1 = y;
        }
        if (x < a->x0) a->x0 = x;
        if (x > a->x1) a->x1 = x;
        if (y < a->y0) a->y0 = y;
        if (y > a->y1) a->y1 = y;
    }
    return 0;
}

/* Reads a GeoJSON Polygon or MultiPolygon; 0 on success (an area without a
 * geometry has no rings and contains nothing). */
static inline int barea_geometry(barea *a, json_t *geom)
{
    const char *type = json_string_value(json_object_get(geom, "type"));
    json_t *coords = json_object_get(geom, "coordinates");
    if (type == NULL || coords == NULL)
        return 0;
    size_t i, j;
    json_t *poly, *ring;
    if (strcmp(type, "Polygon") == 0) {
        json_array_foreach(coords, i, ring) if (barea_add_ring(a, ring)) return -1;
    } else if (strcmp(type, "MultiPolygon") == 0) {
        json_array_foreach(coords, i, poly) json_array_foreach(poly, j, ring) if (barea_add_ring(a, ring)) return -1;
    }
    return 0;
}

static inline int barea_contains(const barea *a, double lat, double lon)
{
    if (a->nrings == 0 || lon < a->x0 || lon > a->x1 || lat < a->y0 || lat > a->y1)
        return 0;
    int in = 0;
    for (int r = 0; r < a->nrings; r++) {
        const double *p = a->rings[r].xy;
        int n = a->rings[r].n;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
            if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
                in = !in;
        }
    }
    return in;
}

/* A uniform point inside a (rejection sampling in its bbox); -1 when 10,000
 * tries found none (a degenerate polygon). */
static inline int barea_sample(const barea *a, uint64_t *rng, double *lat, double *lon)
{
    for (int t = 0; t < 10000; t++) {
        double x = a->x0 + (a->x1 - a->x0) * bench_rand01(rng), y = a->y0 + (a->y1 - a->y0) * bench_rand01(rng);
        if (barea_contains(a, y, x)) {
            *lat = y;
            *lon = x;
            return 0;
        }
    }
    return -1;
}

static inline void barea_free(barea *a)
{
    for (int r = 0; r < a->nrings; r++)
        free(a->rings[r].xy);
    free(a->rings);
    a->rings = NULL;
    a->nrings = 0;
}

#endif
