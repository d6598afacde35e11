/* geo/index.c: the boundary index and geo_locate — "which street,
 * community, grid and compound is this point in?", answered for every
 * incoming report, so it is on the request path of every loop thread.
 *
 * An index is an STRtree of prepared geometries. After geo_index_build
 * returns, nothing in it changes: GEOS's lazily built parts (each prepared
 * geometry's point locator, the tree itself) are forced into existence
 * before the index is handed out, so concurrent readers only read.
 *
 * One race remains inside GEOS 3.11 and cannot be avoided through its C
 * API: every geometry made or destroyed on any thread bumps a plain
 * (non-atomic) reference count on GEOS's shared default GeometryFactory
 * (libgeos/geos#847, fixed upstream by making it atomic). That factory is
 * never freed, so a lost update only skews a count nobody reads; valgrind
 * --tool=helgrind reports it, ThreadSanitizer does not see into GEOS. */
#include "geo/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const GEOSPreparedGeometry *prep;
    int64_t id;
    int kind;
} entry;

struct geo_index {
    int n;
    entry *entries;
    GEOSGeometry **geoms; /* owned; the prepared geometries point into them */
    GEOSSTRtree *tree;    /* NULL when no area has a geometry */
};

static void destroy(GEOSContextHandle_t h, geo_index *ix)
{
    if (ix->tree)
        GEOSSTRtree_destroy_r(h, ix->tree);
    for (int i = 0; i < ix->n; i++) {
        if (ix->entries[i].prep)
            GEOSPreparedGeom_destroy_r(h, ix->entries[i].prep);
        if (ix->geoms[i])
            GEOSGeom_destroy_r(h, ix->geoms[i]);
    }
    free(ix->entries);
    free(ix->geoms);
    free(ix);
}

static void ignore_item(void *item, void *userdata)
{
    (void)item;
    (void)userdata;
}

/* Run one point query on a prepared geometry so that its point-in-area
 * locator (built on first use, without a lock) exists before other
 * threads can see it. The point must fall inside the envelope or GEOS
 * answers from the envelope alone and builds nothing. */
static int warm(GEOSContextHandle_t h, const GEOSPreparedGeometry *prep, const geo_box *b)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, (b->minx + b->maxx) / 2, (b->miny + b->maxy) / 2);
    if (!pt)
        return -1;
    char r = GEOSPreparedCovers_r(h, prep, pt);
    GEOSGeom_destroy_r(h, pt);
    return r == 2 ? -1 : 0;
}

geo_index *geo_index_build(const geo_area *areas, int n, geo_problem *p)
{
    GEOSContextHandle_t h = geo_ctx();
    geo_index *ix = calloc(1, sizeof *ix);
    int cap = n > 0 ? n : 1;
    if (ix) {
        ix->entries = calloc((size_t)cap, sizeof *ix->entries);
        ix->geoms = calloc((size_t)cap, sizeof *ix->geoms);
    }
    if (!h || !ix || !ix->entries || !ix->geoms || n < 0 || (n > 0 && !areas)) {
        geo_problem_start(p, 0, "geometry");
        geo_problem_say(p, 0, "无法建立边界索引");
        geo_problem_say(p, 1, "the boundary index could not be built");
        if (ix) {
            free(ix->entries);
            free(ix->geoms);
            free(ix);
        }
        return NULL;
    }

    for (int i = 0; i < n; i++) {
        const geo_area *a = &areas[i];
        if (!a->geometry)
            continue; /* no boundary: nothing to find it by */
        if ((int)a->kind < 0 || (int)a->kind >= TX_AREA__COUNT) {
            geo_problem_start(p, i, "kind");
            geo_problem_say(p, 0, "区域类型无效");
            geo_problem_say(p, 1, "the area kind is not valid");
            destroy(h, ix);
            return NULL;
        }
        geo_box box;
        GEOSGeometry *g = geo_parse(h, a->geometry, i, p, &box);
        if (!g) {
            destroy(h, ix);
            return NULL;
        }
        entry *e = &ix->entries[ix->n];
        ix->geoms[ix->n] = g;
        ix->n++;
        e->id = a->id;
        e->kind = (int)a->kind;
        e->prep = GEOSPrepare_r(h, g);
        if (!e->prep || warm(h, e->prep, &box) != 0) {
            geo_problem_start(p, i, "geometry");
            geo_problem_say(p, 0, "无法处理该边界几何");
            geo_problem_say(p, 1, "the geometry could not be processed");
            destroy(h, ix);
            return NULL;
        }
    }

    if (ix->n > 0) {
        ix->tree = GEOSSTRtree_create_r(h, 10);
        if (!ix->tree) {
            geo_problem_start(p, 0, "geometry");
            geo_problem_say(p, 0, "无法建立边界索引");
            geo_problem_say(p, 1, "the boundary index could not be built");
            destroy(h, ix);
            return NULL;
        }
        for (int i = 0; i < ix->n; i++)
            GEOSSTRtree_insert_r(h, ix->tree, ix->geoms[i], &ix->entries[i]);
        /* GEOS 3.11 has no GEOSSTRtree_build: the first query builds the
         * tree (and from then on it refuses inserts). Do it here, on this
         * thread, so readers never race to build it. */
        GEOSSTRtree_query_r(h, ix->tree, ix->geoms[0], ignore_item, NULL);
    }
    return ix;
}

void geo_index_free(geo_index *ix)
{
    if (!ix)
        return;
    GEOSContextHandle_t h = geo_ctx();
    /* Without a handle GEOS cannot free anything; leaking beats crashing
     * (GEOS_init_r only fails when memory is exhausted). */
    if (h)
        destroy(h, ix);
}

int geo_index_size(const geo_index *ix)
{
    return ix ? ix->n : 0;
}

typedef struct {
    GEOSContextHandle_t h;
    const GEOSGeometry *pt;
    unsigned found; /* bit per tx_area_kind */
    int64_t best[TX_AREA__COUNT];
} query;

static void visit(void *item, void *userdata)
{
    const entry *e = item;
    query *q = userdata;
    unsigned bit = 1u << e->kind;
    /* An area that could not win (a lower id of its kind already covers the
     * point) is not worth a point-in-polygon test. */
    if ((q->found & bit) && q->best[e->kind] <= e->id)
        return;
    if (GEOSPreparedCovers_r(q->h, e->prep, q->pt) != 1)
        return;
    q->found |= bit;
    q->best[e->kind] = e->id;
}

int geo_locate(const geo_index *ix, double lat, double lng, geo_hit *out)
{
    geo_hit unused;
    if (!out)
        out = &unused; /* the caller only wants the count */
    memset(out, 0, sizeof *out);
    if (!ix || !ix->tree || !isfinite(lat) || !isfinite(lng))
        return 0;
    GEOSContextHandle_t h = geo_ctx();
    if (!h)
        return 0;
    /* GEOS 3.11 has no GEOSPreparedContainsXY, so a point geometry per call
     * is the one allocation a lookup makes. */
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, lng, lat);
    if (!pt)
        return 0;
    query q = {.h = h, .pt = pt};
    GEOSSTRtree_query_r(h, ix->tree, pt, visit, &q);
    GEOSGeom_destroy_r(h, pt);

    int64_t *slot[TX_AREA__COUNT] = {
        [TX_AREA_CITY] = &out->city,         [TX_AREA_DISTRICT] = &out->district,
        [TX_AREA_STREET] = &out->street,     [TX_AREA_COMMUNITY] = &out->community,
        [TX_AREA_GRID] = &out->grid,         [TX_AREA_COMPOUND] = &out->compound,
    };
    int kinds = 0;
    for (int k = 0; k < TX_AREA__COUNT; k++)
        if (q.found & (1u << k)) {
            *slot[k] = q.best[k];
            kinds++;
        }
    out->inside_red_line = (q.found >> TX_AREA_COMPOUND) & 1u;
    return kinds;
}
