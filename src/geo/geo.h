/* geo: boundaries and "where is this point?".
 *
 * Areas (street, community, grid, compound red line, …) are GeoJSON
 * Polygon / MultiPolygon geometries in WGS84, coordinates [longitude,
 * latitude]. geo_validate checks a set of areas before they are stored
 * (imports are all-or-nothing). geo_index is an immutable GEOS STRtree over
 * prepared geometries: built once, shared by every loop thread, replaced as
 * a whole when areas change (readers finish with the old one first). */
#ifndef TX_GEO_GEO_H
#define TX_GEO_GEO_H

#include <stddef.h>
#include <stdint.h>

#include "domain/network.h"

/* One area as geo sees it. */
typedef struct {
    int64_t id;           /* store id (0 while validating an import) */
    tx_area_kind kind;
    int parent;           /* index of the parent in the same array, -1 if none */
    const char *code;     /* for messages */
    const char *geometry; /* GeoJSON geometry text, or NULL (no boundary) */
} geo_area;

typedef struct {
    int index;           /* which area (array index) */
    char property[32];   /* "geometry", "parent_code", … */
    char message[2][256]; /* zh-CN, en */
} geo_problem;

/* Check every area: a geometry must be a GeoJSON Polygon or MultiPolygon
 * with closed rings of at least 4 positions, longitudes in [-180, 180],
 * latitudes in [-90, 90], and be valid (OGC: no self-intersection, holes
 * inside shells); a child must lie inside its parent within tolerance_m
 * metres; grids of one community must not overlap each other, nor
 * compounds of one grid (beyond tolerance_m). Returns 0, or -1 with the
 * first problem found (lowest index first) in *p. */
int geo_validate(const geo_area *areas, int n, double tolerance_m, geo_problem *p);

typedef struct geo_index geo_index;

/* Build an index over the areas that have a geometry. The areas' strings
 * are not kept. Returns NULL (and fills p when not NULL) on bad geometry. */
geo_index *geo_index_build(const geo_area *areas, int n, geo_problem *p);
void geo_index_free(geo_index *ix);

/* Number of indexed areas. */
int geo_index_size(const geo_index *ix);

typedef struct {
    int64_t city, district, street, community, grid, compound; /* ids, 0 when none */
    int inside_red_line; /* 1 when the point is inside (or on) a compound's boundary */
} geo_hit;

/* Which areas contain the point. A point on a boundary belongs to the
 * areas whose boundary it is on (closed sets: GEOS "covers"); when several
 * areas of one kind cover it (a shared edge), the one with the lowest id
 * wins, every time. Safe to call from many threads at once. Returns the
 * number of areas found (0: the point is in none of them). */
int geo_locate(const geo_index *ix, double lat, double lng, geo_hit *out);

#endif
