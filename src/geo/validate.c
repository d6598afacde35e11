/* geo/validate.c: geo_validate — checks a whole set of areas before an
 * import stores any of them, so that a bad boundary is refused with a
 * message naming the area and the fault instead of silently sending
 * reports to the wrong grid later.
 *
 * Problems are reported for the lowest index at fault. For one area the
 * checks run in this order: its kind, its parent reference, its geometry,
 * lying inside its parent, not overlapping a sibling. An overlap is
 * reported at the lower index of the two, naming the other: an import puts
 * the file's areas before the stored ones, so the blame lands on a line of
 * the file.
 *
 * Tolerances are metres; geometries are degrees. Areas are small (a city
 * at most), so a local equirectangular approximation at the area's
 * latitude converts between them: 1° of latitude ≈ 111,320 m and 1° of
 * longitude ≈ 111,320 m × cos(latitude). */
#include "geo/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    GEOSGeometry *g; /* NULL: no geometry, or it failed to parse */
    geo_box box;
    /* Built on demand when the area is somebody's parent. */
    const GEOSPreparedGeometry *prep;
    GEOSGeometry *wide; /* x scaled by sx, buffered by the tolerance */
    const GEOSPreparedGeometry *wide_prep;
    double sx;
    int wide_tried;
} item;

typedef struct {
    GEOSContextHandle_t h;
    const geo_area *areas;
    int n;
    double tol; /* metres, >= 0 */
    item *it;
    GEOSSTRtree *tree; /* grids and compounds that have a parent */
    int *cand;
    size_t ncand, capcand;
    int oom;
    geo_problem *p;
} vstate;

static const char *kind_name(int kind, int lang)
{
    if (kind < 0 || kind >= TX_AREA__COUNT)
        return lang == 0 ? "区域" : "area";
    return tx_area_kind_name((tx_area_kind)kind, lang);
}

static double cos_lat(const geo_box *b)
{
    double c = cos((b->miny + b->maxy) / 2 * (M_PI / 180.0));
    return c > 0.01 ? c : 0.01; /* no area of ours is within 60 km of a pole */
}

/* "350" / "2.5": square metres for messages. */
static void fmt_m2(char *buf, size_t size, double m2)
{
    snprintf(buf, size, m2 < 10 ? "%.1f" : "%.0f", m2);
}

/* ---- scaled copies ----------------------------------------------------- */

/* A copy of g with every x multiplied by sx. With sx = cos(latitude) one
 * unit is about 111,320 m in both directions, so a buffer by
 * tolerance/111,320 is the same distance east-west as north-south. */
static GEOSGeometry *scaled_ring(GEOSContextHandle_t h, const GEOSGeometry *ring, double sx)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n == 0)
        return NULL;
    double *buf = malloc(2 * (size_t)n * sizeof *buf);
    if (!buf)
        return NULL;
    GEOSGeometry *out = NULL;
    if (GEOSCoordSeq_copyToBuffer_r(h, cs, buf, 0, 0)) {
        for (unsigned int k = 0; k < n; k++)
            buf[2 * k] *= sx;
        GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(h, buf, n, 0, 0);
        out = seq ? GEOSGeom_createLinearRing_r(h, seq) : NULL;
    }
    free(buf);
    return out;
}

static GEOSGeometry *scaled_polygon(GEOSContextHandle_t h, const GEOSGeometry *poly, double sx)
{
    int nholes = GEOSGetNumInteriorRings_r(h, poly);
    if (nholes < 0)
        return NULL;
    GEOSGeometry *shell = scaled_ring(h, GEOSGetExteriorRing_r(h, poly), sx);
    GEOSGeometry **holes = nholes ? calloc((size_t)nholes, sizeof *holes) : NULL;
    int ok = shell && (nholes == 0 || holes);
    for (int r = 0; ok && r < nholes; r++)
        ok = (holes[r] = scaled_ring(h, GEOSGetInteriorRingN_r(h, poly, r), sx)) != NULL;
    GEOSGeometry *out = ok ? GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nholes) : NULL;
    if (!ok) {
        if (shell)
            GEOSGeom_destroy_r(h, shell);
        for (int r = 0; holes && r < nholes; r++)
            if (holes[r])
                GEOSGeom_destroy_r(h, holes[r]);
    }
    free(holes);
    return out;
}

static GEOSGeometry *scaled_copy(GEOSContextHandle_t h, const GEOSGeometry *g, double sx)
{
    if (GEOSGeomTypeId_r(h, g) == GEOS_POLYGON)
        return scaled_polygon(h, g, sx);
    int np = GEOSGetNumGeometries_r(h, g);
    if (np <= 0)
        return NULL;
    GEOSGeometry **parts = calloc((size_t)np, sizeof *parts);
    int ok = parts != NULL;
    for (int k = 0; ok && k < np; k++)
        ok = (parts[k] = scaled_polygon(h, GEOSGetGeometryN_r(h, g, k), sx)) != NULL;
    GEOSGeometry *out = ok ? GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)np) : NULL;
    if (!out)
        for (int k = 0; parts && k < np; k++)
            if (parts[k])
                GEOSGeom_destroy_r(h, parts[k]);
    free(parts);
    return out;
}

/* ---- inside the parent ------------------------------------------------- */

/* The parent as a tolerant container: scaled, buffered, prepared; built
 * once per parent and reused for all its children. */
static const GEOSPreparedGeometry *wide_parent(vstate *s, int a)
{
    item *pa = &s->it[a];
    if (!pa->wide_tried) {
        pa->wide_tried = 1;
        pa->sx = cos_lat(&pa->box);
        GEOSGeometry *scaled = scaled_copy(s->h, pa->g, pa->sx);
        if (scaled) {
            pa->wide = GEOSBuffer_r(s->h, scaled, s->tol / GEO_M_PER_DEG, 8);
            GEOSGeom_destroy_r(s->h, scaled);
        }
        if (pa->wide)
            pa->wide_prep = GEOSPrepare_r(s->h, pa->wide);
    }
    return pa->wide_prep;
}

/* 1 when area i lies inside area a within the tolerance, 0 when not, -1
 * when GEOS failed. */
static int inside(vstate *s, int i, int a)
{
    item *c = &s->it[i], *pa = &s->it[a];
    /* Far outside even the widened bounding box: no geometry work needed. */
    double dy = s->tol / GEO_M_PER_DEG, dx = dy / cos_lat(&pa->box);
    if (c->box.minx < pa->box.minx - dx || c->box.maxx > pa->box.maxx + dx || c->box.miny < pa->box.miny - dy ||
        c->box.maxy > pa->box.maxy + dy)
        return 0;
    if (!pa->prep && !(pa->prep = GEOSPrepare_r(s->h, pa->g)))
        return -1;
    char r = GEOSPreparedCovers_r(s->h, pa->prep, c->g);
    if (r == 1)
        return 1;
    if (r != 0)
        return -1;
    if (s->tol <= 0)
        return 0;
    const GEOSPreparedGeometry *wide = wide_parent(s, a);
    GEOSGeometry *child = wide ? scaled_copy(s->h, c->g, pa->sx) : NULL;
    if (!child)
        return -1;
    r = GEOSPreparedCovers_r(s->h, wide, child);
    GEOSGeom_destroy_r(s->h, child);
    return r == 1 ? 1 : r == 0 ? 0 : -1;
}

static int report_outside(vstate *s, int i, int a, int failed)
{
    char li[80], la[80], m2[32] = "";
    const geo_area *ai = &s->areas[i], *aa = &s->areas[a];
    geo_label(ai, i, li, sizeof li);
    geo_label(aa, a, la, sizeof la);
    if (!failed) {
        GEOSGeometry *out = GEOSDifference_r(s->h, s->it[i].g, s->it[a].g);
        double deg2 = 0;
        if (out && GEOSArea_r(s->h, out, &deg2))
            fmt_m2(m2, sizeof m2, deg2 * GEO_M_PER_DEG * GEO_M_PER_DEG * cos_lat(&s->it[i].box));
        if (out)
            GEOSGeom_destroy_r(s->h, out);
    }
    geo_problem_start(s->p, i, "parent_code");
    if (failed) {
        geo_problem_say(s->p, 0, "无法判断%s“%s”是否在上级%s“%s”的范围内", kind_name(ai->kind, 0), li,
                        kind_name(aa->kind, 0), la);
        geo_problem_say(s->p, 1, "could not check that %s \"%s\" lies inside its parent %s \"%s\"",
                        kind_name(ai->kind, 1), li, kind_name(aa->kind, 1), la);
    } else if (m2[0]) {
        geo_problem_say(s->p, 0, "%s“%s”超出上级%s“%s”的范围（超出约 %s 平方米，容差 %g 米）",
                        kind_name(ai->kind, 0), li, kind_name(aa->kind, 0), la, m2, s->tol);
        geo_problem_say(s->p, 1, "%s \"%s\" is not inside its parent %s \"%s\" (about %s m² outside; tolerance %g m)",
                        kind_name(ai->kind, 1), li, kind_name(aa->kind, 1), la, m2, s->tol);
    } else {
        geo_problem_say(s->p, 0, "%s“%s”超出上级%s“%s”的范围（容差 %g 米）", kind_name(ai->kind, 0), li,
                        kind_name(aa->kind, 0), la, s->tol);
        geo_problem_say(s->p, 1, "%s \"%s\" is not inside its parent %s \"%s\" (tolerance %g m)",
                        kind_name(ai->kind, 1), li, kind_name(aa->kind, 1), la, s->tol);
    }
    return -1;
}

/* ---- siblings do not overlap ------------------------------------------ */

static int has_siblings(const geo_area *a, int n)
{
    return (a->kind == TX_AREA_GRID || a->kind == TX_AREA_COMPOUND) && a->parent >= 0 && a->parent < n;
}

static void collect(void *itemp, void *userdata)
{
    vstate *s = userdata;
    if (s->ncand == s->capcand) {
        size_t cap = s->capcand ? 2 * s->capcand : 64;
        int *c = realloc(s->cand, cap * sizeof *c);
        if (!c) {
            s->oom = 1;
            return;
        }
        s->cand = c;
        s->capcand = cap;
    }
    s->cand[s->ncand++] = (int)((item *)itemp - s->it);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* 0, or -1 with the problem: area i overlaps a sibling with a higher index
 * (the lowest such index is named). Lower ones were checked from their side. */
static int check_overlap(vstate *s, int i)
{
    const geo_area *ai = &s->areas[i];
    const item *c = &s->it[i];
    double cl = cos_lat(&c->box);
    /* tolerance² in square degrees: a degree² here is M² × cos(lat) m². */
    double m2_per_deg2 = GEO_M_PER_DEG * GEO_M_PER_DEG * cl;
    double thr = s->tol * s->tol / m2_per_deg2;

    s->ncand = 0;
    GEOSSTRtree_query_r(s->h, s->tree, c->g, collect, s);
    if (s->oom)
        return -2;
    qsort(s->cand, s->ncand, sizeof *s->cand, cmp_int);
    for (size_t k = 0; k < s->ncand; k++) {
        int j = s->cand[k];
        const geo_area *aj = &s->areas[j];
        if (j <= i || aj->parent != ai->parent || aj->kind != ai->kind || !s->it[j].g)
            continue;
        const geo_box *b = &s->it[j].box;
        /* The overlap is at most the overlap of the bounding boxes, so
         * neighbours that merely touch are settled without GEOS. */
        double w = fmin(c->box.maxx, b->maxx) - fmax(c->box.minx, b->minx);
        double hgt = fmin(c->box.maxy, b->maxy) - fmax(c->box.miny, b->miny);
        if (w <= 0 || hgt <= 0 || w * hgt <= thr)
            continue;
        /* Neighbours that share an edge are the common case; a relate
         * answers "boundaries only" in about half the time an intersection
         * takes to build. */
        if (GEOSTouches_r(s->h, c->g, s->it[j].g) == 1)
            continue;
        GEOSGeometry *x = GEOSIntersection_r(s->h, c->g, s->it[j].g);
        double deg2 = 0;
        int ok = x && GEOSArea_r(s->h, x, &deg2);
        if (x)
            GEOSGeom_destroy_r(s->h, x);
        if (ok && deg2 <= thr)
            continue;

        char li[80], lj[80], m2[32];
        geo_label(ai, i, li, sizeof li);
        geo_label(aj, j, lj, sizeof lj);
        geo_problem_start(s->p, i, "geometry");
        if (!ok) {
            geo_problem_say(s->p, 0, "无法判断%s“%s”是否与%s“%s”重叠", kind_name(ai->kind, 0), li,
                            kind_name(aj->kind, 0), lj);
            geo_problem_say(s->p, 1, "could not check whether %s \"%s\" overlaps %s \"%s\"", kind_name(ai->kind, 1),
                            li, kind_name(aj->kind, 1), lj);
        } else {
            char allowed[32];
            fmt_m2(m2, sizeof m2, deg2 * m2_per_deg2);
            fmt_m2(allowed, sizeof allowed, s->tol * s->tol);
            geo_problem_say(s->p, 0, "%s“%s”与同属一个上级的%s“%s”重叠约 %s 平方米（最多允许 %s 平方米）",
                            kind_name(ai->kind, 0), li, kind_name(aj->kind, 0), lj, m2, allowed);
            geo_problem_say(s->p, 1,
                            "%s \"%s\" overlaps %s \"%s\" of the same parent by about %s m² (at most %s m² allowed)",
                            kind_name(ai->kind, 1), li, kind_name(aj->kind, 1), lj, m2, allowed);
        }
        return -1;
    }
    return 0;
}

/* ---- the whole set ----------------------------------------------------- */

static int out_of_memory(geo_problem *p)
{
    geo_problem_start(p, 0, "geometry");
    geo_problem_say(p, 0, "服务器暂时无法检查这些边界，请稍后重试");
    geo_problem_say(p, 1, "the server could not check these boundaries just now; please try again");
    return -1;
}

static int check_area(vstate *s, int i, int first_bad, const geo_problem *first)
{
    const geo_area *a = &s->areas[i];
    if ((int)a->kind < 0 || (int)a->kind >= TX_AREA__COUNT) {
        geo_problem_start(s->p, i, "kind");
        geo_problem_say(s->p, 0, "区域类型无效");
        geo_problem_say(s->p, 1, "the area kind is not valid");
        return -1;
    }
    if (a->parent < -1 || a->parent >= s->n || a->parent == i) {
        geo_problem_start(s->p, i, "parent_code");
        geo_problem_say(s->p, 0, "找不到上级区域");
        geo_problem_say(s->p, 1, "the parent area was not found");
        return -1;
    }
    if (i == first_bad) {
        if (s->p)
            *s->p = *first;
        return -1;
    }
    if (!s->it[i].g)
        return 0; /* no boundary: nothing to place */

    /* The nearest ancestor that has a boundary: a grid of a community drawn
     * without one is still checked against its street. A broken reference
     * further up is reported at its own index; the walk is bounded (real
     * hierarchies are six deep) so a cycle cannot make it quadratic. */
    int anc = a->parent;
    for (int steps = 0; anc >= 0 && anc < s->n && !s->areas[anc].geometry && steps < 64; steps++)
        anc = s->areas[anc].parent;
    if (anc >= 0 && anc < s->n && anc != i && s->it[anc].g) {
        int r = inside(s, i, anc);
        if (r != 1)
            return report_outside(s, i, anc, r < 0);
    }

    if (s->tree && has_siblings(a, s->n)) {
        int r = check_overlap(s, i);
        if (r == -2)
            return out_of_memory(s->p);
        if (r != 0)
            return -1;
    }
    return 0;
}

int geo_validate(const geo_area *areas, int n, double tolerance_m, geo_problem *p)
{
    if (n == 0)
        return 0;
    GEOSContextHandle_t h = geo_ctx();
    if (n < 0 || !areas || !h)
        return out_of_memory(p);

    vstate s = {.h = h, .areas = areas, .n = n, .p = p};
    s.tol = isfinite(tolerance_m) && tolerance_m > 0 ? tolerance_m : 0;
    s.it = calloc((size_t)n, sizeof *s.it);
    if (!s.it)
        return out_of_memory(p);

    /* Parse everything first: a child may name a parent with a higher
     * index. Only the first parse problem is kept; later ones matter only
     * if nothing before them is wrong, and then the first one is reported. */
    int first_bad = -1;
    geo_problem first = {0};
    for (int i = 0; i < n; i++) {
        if (!areas[i].geometry)
            continue;
        s.it[i].g = geo_parse(h, areas[i].geometry, i, first_bad < 0 ? &first : NULL, &s.it[i].box);
        if (!s.it[i].g && first_bad < 0)
            first_bad = i;
    }

    int rc = 0;
    s.tree = GEOSSTRtree_create_r(h, 10);
    if (!s.tree)
        rc = out_of_memory(p);
    int indexed = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        if (s.it[i].g && has_siblings(&areas[i], n)) {
            GEOSSTRtree_insert_r(h, s.tree, s.it[i].g, &s.it[i]);
            indexed++;
        }
    if (rc == 0 && indexed == 0) {
        GEOSSTRtree_destroy_r(h, s.tree);
        s.tree = NULL;
    }

    for (int i = 0; rc == 0 && i < n; i++)
        rc = check_area(&s, i, first_bad, &first);

    if (s.tree)
        GEOSSTRtree_destroy_r(h, s.tree);
    for (int i = 0; i < n; i++) {
        item *it = &s.it[i];
        if (it->wide_prep)
            GEOSPreparedGeom_destroy_r(h, it->wide_prep);
        if (it->wide)
            GEOSGeom_destroy_r(h, it->wide);
        if (it->prep)
            GEOSPreparedGeom_destroy_r(h, it->prep);
        if (it->g)
            GEOSGeom_destroy_r(h, it->g);
    }
    free(s.cand);
    free(s.it);
    return rc == 0 ? 0 : -1;
}
