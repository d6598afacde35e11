/* geo/parse.c: GeoJSON geometry text → GEOS geometry, with problems a
 * person can act on, plus the per-thread GEOS handle and message helpers
 * the rest of the module shares.
 *
 * The structure is checked by hand (jansson) rather than by
 * GEOSGeoJSONReader so that a problem names the ring and position at fault
 * ("hole 2, position 7: latitude 114.47 is outside [-90, 90]") instead of a
 * library exception text, and so that nothing is handed to GEOS that GEOS
 * would have to reject. */
#include "geo/internal.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-thread GEOS handle ------------------------------------------- */

_Thread_local GEOSContextHandle_t geo_tls_ctx;

/* The TLS variable gives the hot path a plain load; the pthread key exists
 * only so the handle is finished when its thread exits. */
static pthread_key_t ctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static int ctx_key_ok;

static void ctx_finish(void *h)
{
    geo_tls_ctx = NULL;
    GEOS_finish_r(h);
}

static void ctx_key_create(void)
{
    ctx_key_ok = pthread_key_create(&ctx_key, ctx_finish) == 0;
}

/* GEOS reports failures through return values as well; its message text is
 * internal detail that must not reach users, and printing it would put
 * noise on stderr of a server. */
static void geos_quiet(const char *message, void *userdata)
{
    (void)message;
    (void)userdata;
}

/* GEOS_init_r resets a process-wide "interrupt requested" flag without
 * synchronisation (libgeos/geos#1311); creating handles one at a time keeps
 * our threads from writing it concurrently. It happens once per thread. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

GEOSContextHandle_t geo_ctx_create(void)
{
    pthread_mutex_lock(&init_lock);
    GEOSContextHandle_t h = GEOS_init_r();
    pthread_mutex_unlock(&init_lock);
    if (!h)
        return NULL;
    GEOSContext_setNoticeMessageHandler_r(h, geos_quiet, NULL);
    GEOSContext_setErrorMessageHandler_r(h, geos_quiet, NULL);
    pthread_once(&ctx_once, ctx_key_create);
    if (ctx_key_ok)
        pthread_setspecific(ctx_key, h);
    geo_tls_ctx = h;
    return h;
}

/* ---- messages ---------------------------------------------------------- */

/* Cut s (of length len) back so it does not end inside a UTF-8 sequence. */
static void utf8_trim_tail(char *s, size_t len)
{
    size_t i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

void geo_problem_start(geo_problem *p, int index, const char *property)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->index = index;
    snprintf(p->property, sizeof p->property, "%s", property);
}

void geo_problem_say(geo_problem *p, int lang, const char *fmt, ...)
{
    if (!p)
        return;
    char *dst = p->message[lang];
    size_t size = sizeof p->message[lang];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, size, fmt, ap);
    va_end(ap);
    if (n >= (int)size)
        utf8_trim_tail(dst, size - 1);
}

/* Copy at most max bytes of src into dst (of size > max), cut at a
 * character boundary: user text quoted in a message must not crowd out
 * the message, nor leave half a character at its end. */
static const char *clip(char *dst, size_t size, const char *src, size_t max)
{
    size_t len = strlen(src);
    size_t keep = len < max ? len : max;
    if (keep > size - 1)
        keep = size - 1;
    memcpy(dst, src, keep);
    dst[keep] = '\0';
    if (keep < len)
        utf8_trim_tail(dst, keep);
    return dst;
}

const char *geo_label(const geo_area *a, int index, char *buf, size_t size)
{
    if (!a->code || !a->code[0]) {
        snprintf(buf, size, "#%d", index);
        return buf;
    }
    return clip(buf, size, a->code, 64);
}

/* ---- GeoJSON structure ------------------------------------------------- */

typedef struct {
    geo_problem *p;
    int index;
    int part; /* polygon number in a MultiPolygon (0-based), -1 for a Polygon */
    geo_box box;
    size_t max_ring; /* most positions in one ring: size of the build buffer */
} walk;

/* Where a ring is, in words: "outer ring" / "polygon 2, hole 1". */
static void ring_name(const walk *w, int ring, int lang, char *buf, size_t size)
{
    static const char *const outer[2] = {"外环", "outer ring"};
    char part[48] = "";
    if (w->part >= 0)
        snprintf(part, sizeof part, lang == 0 ? "第 %d 个多边形的" : "polygon %d, ", w->part + 1);
    if (ring == 0)
        snprintf(buf, size, "%s%s", part, outer[lang]);
    else
        snprintf(buf, size, lang == 0 ? "%s第 %d 个内环" : "%shole %d", part, ring);
}

static int ring_problem(walk *w, int ring, const char *zh, const char *en, int pos, double v)
{
    char where[2][96];
    for (int l = 0; l < 2; l++)
        ring_name(w, ring, l, where[l], sizeof where[l]);
    geo_problem_start(w->p, w->index, "geometry");
    /* Every caller passes literal formats that take the ring's name (%s), then
     * optionally the position (%d) and then a value (%g), in that order;
     * arguments a format does not use are ignored. */
    geo_problem_say(w->p, 0, zh, where[0], pos, v);
    geo_problem_say(w->p, 1, en, where[1], pos, v);
    return -1;
}

static int check_ring(walk *w, json_t *ring, int r)
{
    if (!json_is_array(ring))
        return ring_problem(w, r, "%s必须是坐标数组", "%s must be an array of positions", 0, 0.0);
    size_t n = json_array_size(ring);
    if (n < 4)
        return ring_problem(w, r, "%s只有 %d 个坐标，至少需要 4 个（首尾相同）",
                        "%s has %d positions; a ring needs at least 4 (the first repeated as the last)", (int)n,
                        0.0);
    for (size_t k = 0; k < n; k++) {
        json_t *pos = json_array_get(ring, k);
        size_t dim = json_is_array(pos) ? json_array_size(pos) : 0;
        int nums = dim == 2 || dim == 3;
        for (size_t d = 0; nums && d < dim; d++)
            nums = json_is_number(json_array_get(pos, d));
        if (!nums)
            return ring_problem(w, r, "%s的第 %d 个坐标必须是 2 或 3 个数字 [经度, 纬度]",
                            "%s, position %d must be 2 or 3 numbers [longitude, latitude]", (int)k + 1, 0.0);
        double x = json_number_value(json_array_get(pos, 0));
        double y = json_number_value(json_array_get(pos, 1));
        if (!(x >= -180.0 && x <= 180.0))
            return ring_problem(w, r, "%s的第 %d 个坐标：经度 %g 超出 [-180, 180]",
                            "%s, position %d: longitude %g is outside [-180, 180]", (int)k + 1, x);
        if (!(y >= -90.0 && y <= 90.0))
            return ring_problem(w, r, "%s的第 %d 个坐标：纬度 %g 超出 [-90, 90]（坐标顺序是 [经度, 纬度]）",
                            "%s, position %d: latitude %g is outside [-90, 90] (positions are [longitude, latitude])",
                            (int)k + 1, y);
        if (x < w->box.minx) w->box.minx = x;
        if (x > w->box.maxx) w->box.maxx = x;
        if (y < w->box.miny) w->box.miny = y;
        if (y > w->box.maxy) w->box.maxy = y;
    }
    /* Closed means the same 2-D point: a third number (height) is ignored
     * everywhere else too. */
    json_t *a = json_array_get(ring, 0), *b = json_array_get(ring, n - 1);
    if (json_number_value(json_array_get(a, 0)) != json_number_value(json_array_get(b, 0)) ||
        json_number_value(json_array_get(a, 1)) != json_number_value(json_array_get(b, 1)))
        return ring_problem(w, r, "%s未闭合：第一个坐标与最后一个坐标不同（共 %d 个坐标）",
                        "%s is not closed: its first and last positions differ (%d positions)", (int)n, 0.0);
    if (n > w->max_ring)
        w->max_ring = n;
    return 0;
}

static int check_polygon(walk *w, json_t *rings)
{
    if (!json_is_array(rings) || json_array_size(rings) == 0) {
        geo_problem_start(w->p, w->index, "geometry");
        if (w->part >= 0) {
            geo_problem_say(w->p, 0, "第 %d 个多边形必须是非空的环数组", w->part + 1);
            geo_problem_say(w->p, 1, "polygon %d must be a non-empty array of rings", w->part + 1);
        } else {
            geo_problem_say(w->p, 0, "Polygon 的 coordinates 必须是非空的环数组");
            geo_problem_say(w->p, 1, "a Polygon's coordinates must be a non-empty array of rings");
        }
        return -1;
    }
    for (size_t r = 0; r < json_array_size(rings); r++)
        if (check_ring(w, json_array_get(rings, r), (int)r) != 0)
            return -1;
    return 0;
}

/* ---- building GEOS geometries ----------------------------------------- */

static GEOSGeometry *build_ring(GEOSContextHandle_t h, json_t *ring, double *buf)
{
    size_t n = json_array_size(ring);
    for (size_t k = 0; k < n; k++) {
        json_t *pos = json_array_get(ring, k);
        buf[2 * k] = json_number_value(json_array_get(pos, 0));
        buf[2 * k + 1] = json_number_value(json_array_get(pos, 1));
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, buf, (unsigned)n, 0, 0);
    return cs ? GEOSGeom_createLinearRing_r(h, cs) : NULL;
}

static GEOSGeometry *build_polygon(GEOSContextHandle_t h, json_t *rings, double *buf)
{
    size_t nholes = json_array_size(rings) - 1;
    GEOSGeometry *shell = build_ring(h, json_array_get(rings, 0), buf);
    GEOSGeometry **holes = nholes ? calloc(nholes, sizeof *holes) : NULL;
    int ok = shell && (nholes == 0 || holes);
    for (size_t r = 0; ok && r < nholes; r++)
        ok = (holes[r] = build_ring(h, json_array_get(rings, r + 1), buf)) != NULL;
    GEOSGeometry *poly = ok ? GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nholes) : NULL;
    if (!ok) {
        /* Ownership passes to the polygon only on success. */
        if (shell)
            GEOSGeom_destroy_r(h, shell);
        for (size_t r = 0; holes && r < nholes; r++)
            if (holes[r])
                GEOSGeom_destroy_r(h, holes[r]);
    }
    free(holes);
    return poly;
}

/* GEOS's validity reasons are English; give zh-CN readers the same
 * meaning. The "[x y]" location GEOS appends is kept as it is. */
static const char *reason_zh(const char *reason, const char **rest)
{
    static const struct {
        const char *en, *zh;
    } t[] = {
        {"Ring Self-intersection", "环自相交"},
        {"Self-intersection", "自相交"},
        {"Hole lies outside shell", "内环（洞）在外环之外"},
        {"Holes are nested", "内环相互嵌套"},
        {"Interior is disconnected", "内部不连通"},
        {"Nested shells", "外环相互嵌套"},
        {"Duplicate Rings", "有重复的环"},
        {"Too few points in geometry component", "环中不同的点太少（至少要 3 个不同的点）"},
        {"Repeated Point", "有重复的点"},
        {"Invalid Coordinate", "坐标无效"},
        {"Ring is not closed", "环未闭合"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t len = strlen(t[i].en);
        if (strncmp(reason, t[i].en, len) == 0) {
            *rest = reason + len;
            return t[i].zh;
        }
    }
    *rest = "";
    return "拓扑错误";
}

static int check_valid(GEOSContextHandle_t h, GEOSGeometry *g, geo_problem *p, int index)
{
    char v = GEOSisValid_r(h, g);
    if (v == 1)
        return 0;
    char *reason = GEOSisValidReason_r(h, g);
    const char *text = reason ? reason : "invalid geometry";
    const char *rest;
    const char *zh = reason_zh(text, &rest);
    geo_problem_start(p, index, "geometry");
    geo_problem_say(p, 0, "边界几何无效：%s%.120s", zh, rest);
    geo_problem_say(p, 1, "the geometry is not valid: %.160s", text);
    if (reason)
        GEOSFree_r(h, reason);
    return -1;
}

static GEOSGeometry *geos_failed(geo_problem *p, int index)
{
    geo_problem_start(p, index, "geometry");
    geo_problem_say(p, 0, "无法处理该边界几何");
    geo_problem_say(p, 1, "the geometry could not be processed");
    return NULL;
}

GEOSGeometry *geo_parse(GEOSContextHandle_t h, const char *text, int index, geo_problem *p, geo_box *box)
{
    if (!h)
        return geos_failed(p, index);
    json_error_t jerr;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        geo_problem_start(p, index, "geometry");
        if (json_error_code(&jerr) == json_error_duplicate_key) {
            geo_problem_say(p, 0, "边界的 JSON 对象有重复的键（第 %d 行第 %d 列）", jerr.line, jerr.column);
            geo_problem_say(p, 1, "the geometry has a key twice in one object (line %d, column %d)", jerr.line,
                            jerr.column);
        } else {
            geo_problem_say(p, 0, "边界不是有效的 JSON（第 %d 行第 %d 列）", jerr.line, jerr.column);
            geo_problem_say(p, 1, "the geometry is not valid JSON (line %d, column %d)", jerr.line, jerr.column);
        }
        return NULL;
    }

    walk w = {.p = p, .index = index, .part = -1, .box = {INFINITY, INFINITY, -INFINITY, -INFINITY}};
    GEOSGeometry *g = NULL;
    json_t *type = json_is_object(root) ? json_object_get(root, "type") : NULL;
    json_t *coords = json_is_object(root) ? json_object_get(root, "coordinates") : NULL;
    const char *tname = json_string_value(type);
    int multi = tname && strcmp(tname, "MultiPolygon") == 0;
    int rc = -1;

    if (!json_is_object(root)) {
        geo_problem_start(p, index, "geometry");
        geo_problem_say(p, 0, "边界必须是 GeoJSON 几何对象（Polygon 或 MultiPolygon）");
        geo_problem_say(p, 1, "the geometry must be a GeoJSON geometry object (Polygon or MultiPolygon)");
    } else if (!tname) {
        geo_problem_start(p, index, "geometry");
        geo_problem_say(p, 0, "边界缺少 type（应为 Polygon 或 MultiPolygon）");
        geo_problem_say(p, 1, "the geometry has no \"type\" (Polygon or MultiPolygon expected)");
    } else if (!multi && strcmp(tname, "Polygon") != 0) {
        char shown[40];
        clip(shown, sizeof shown, tname, 32);
        geo_problem_start(p, index, "geometry");
        geo_problem_say(p, 0, "边界类型必须是 Polygon 或 MultiPolygon，而不是 %s", shown);
        geo_problem_say(p, 1, "the geometry type must be Polygon or MultiPolygon, not %s", shown);
    } else if (!json_is_array(coords)) {
        geo_problem_start(p, index, "geometry");
        geo_problem_say(p, 0, "边界缺少 coordinates 数组");
        geo_problem_say(p, 1, "the geometry has no \"coordinates\" array");
    } else if (!multi) {
        rc = check_polygon(&w, coords);
    } else if (json_array_size(coords) == 0) {
        geo_problem_start(p, index, "geometry");
        geo_problem_say(p, 0, "MultiPolygon 至少要有一个多边形");
        geo_problem_say(p, 1, "a MultiPolygon needs at least one polygon");
    } else {
        rc = 0;
        for (size_t k = 0; rc == 0 && k < json_array_size(coords); k++) {
            w.part = (int)k;
            rc = check_polygon(&w, json_array_get(coords, k));
        }
    }

    if (rc == 0) {
        double *buf = malloc(2 * w.max_ring * sizeof *buf);
        if (!buf) {
            /* reported below */
        } else if (!multi) {
            g = build_polygon(h, coords, buf);
        } else {
            size_t np = json_array_size(coords);
            GEOSGeometry **parts = calloc(np, sizeof *parts);
            int ok = parts != NULL;
            for (size_t k = 0; ok && k < np; k++)
                ok = (parts[k] = build_polygon(h, json_array_get(coords, k), buf)) != NULL;
            if (ok)
                g = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)np);
            else
                for (size_t k = 0; parts && k < np; k++)
                    if (parts[k])
                        GEOSGeom_destroy_r(h, parts[k]);
            free(parts);
        }
        free(buf);
        if (!g)
            geos_failed(p, index);
        if (g && check_valid(h, g, p, index) != 0) {
            GEOSGeom_destroy_r(h, g);
            g = NULL;
        }
    }
    json_decref(root);
    if (g && box)
        *box = w.box;
    return g;
}
