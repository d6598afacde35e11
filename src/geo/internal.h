/* geo internals shared by the module's files (parse.c, index.c,
 * validate.c); nothing outside src/geo/ includes this.
 *
 * GEOS is used only through its reentrant *_r API. Every thread gets its own
 * context handle, created on first use and finished when the thread exits:
 * a handle is cheap, but sharing one between threads would race on its
 * error-message state. Geometries are not tied to the handle that made them
 * (they all use GEOS's default factory), so an index built on one thread is
 * queried and freed with other threads' handles. */
#ifndef TX_GEO_INTERNAL_H
#define TX_GEO_INTERNAL_H

#include <geos_c.h>

#include "geo/geo.h"

/* Metres per degree of latitude (and of longitude at the equator): the
 * local equirectangular approximation used for tolerances. Areas are at
 * most a city across, where its error is far below any sane tolerance. */
#define GEO_M_PER_DEG 111320.0

/* The calling thread's GEOS handle, or NULL if GEOS could not make one. */
extern _Thread_local GEOSContextHandle_t geo_tls_ctx;
GEOSContextHandle_t geo_ctx_create(void);

static inline GEOSContextHandle_t geo_ctx(void)
{
    GEOSContextHandle_t h = geo_tls_ctx;
    return __builtin_expect(h != NULL, 1) ? h : geo_ctx_create();
}

typedef struct {
    double minx, miny, maxx, maxy; /* lon / lat */
} geo_box;

/* Parse GeoJSON geometry text (Polygon or MultiPolygon), check its
 * structure, ranges and OGC validity, and return a new GEOS geometry the
 * caller destroys with GEOSGeom_destroy_r. On any problem returns NULL and,
 * when p is not NULL, fills *p for area `index` (property "geometry").
 * *box (when not NULL) receives the bounding box on success. */
GEOSGeometry *geo_parse(GEOSContextHandle_t h, const char *text, int index, geo_problem *p, geo_box *box);

/* Problem reporting. geo_problem_start clears *p and sets index and
 * property; geo_problem_say formats message[lang] (0 zh-CN, 1 en), cutting
 * an over-long text at a UTF-8 character boundary. Both accept p == NULL. */
void geo_problem_start(geo_problem *p, int index, const char *property);
void geo_problem_say(geo_problem *p, int lang, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The code of an area for messages, or "#index" when it has none, written
 * into buf (at least 24 bytes) and returned. Long codes are cut (at a
 * character boundary) so a message keeps room for its meaning. */
const char *geo_label(const geo_area *a, int index, char *buf, size_t size);

#endif
