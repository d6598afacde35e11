/* matching: suggest resources for a need (see lists.h), with the reasons in
 * words, fast enough to rank every open need of a city at once.
 *
 * One scoring function serves both paths — the full scan and the index — so
 * that the index can only change how fast the answer comes, never what it
 * is: the index visits a need's kind nearest first, cell ring by cell ring,
 * and stops when even a perfect resource at the ring's distance could not
 * beat the k-th suggestion found so far. */
#include "domain/lists.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/terms.h"

static const tx_term whys[TX_MATCH__WHY_COUNT] = {
    [TX_MATCH_SAME_KIND] = {"same_kind", {"同类资源", "same kind"}},
    [TX_MATCH_ENOUGH] = {"enough", {"数量足够", "enough"}},
    [TX_MATCH_PARTIAL] = {"partial", {"部分满足", "partial"}},
    [TX_MATCH_UNIT_DIFFERS] = {"unit_differs", {"计量单位不同", "different units"}},
    [TX_MATCH_IN_TIME] = {"in_time", {"按时可用", "in time"}},
    [TX_MATCH_LATE] = {"late", {"晚于需要日期", "late"}},
    [TX_MATCH_DISTANCE] = {"distance", {"距离", "distance"}},
    [TX_MATCH_SAME_AREA] = {"same_area", {"同一区域", "same area"}},
    [TX_MATCH_TRACK_RECORD] = {"track_record", {"履约记录", "track record"}},
    [TX_MATCH_NEW_UNIT] = {"new_unit", {"新加入单位", "new unit"}},
};

TX_TERMS(tx_match_why, tx_match_why, whys, TX_MATCH__WHY_COUNT)

/* ---- the score ---- */

#define W_QUANTITY 30.0
#define W_TIME 25.0
#define W_DISTANCE 25.0
#define W_TRACK 20.0
#define KM_HALF 3.0 /* the distance at which the distance points are halved */

/* Mean Earth radius (IUGG), km per radian. */
#define EARTH_KM 6371.0088
#define RAD (3.14159265358979323846 / 180.0)

/* Lateness tolerated, in days, by urgency: an urgent need has little use for
 * help that comes a week late, a low one can wait a month. */
static const double late_horizon[TX_URGENCY__COUNT] = {30, 14, 7, 3};

/* Distance from the need: the equirectangular projection at the need's
 * latitude — within 0.1% of the great circle over a city, one multiply per
 * resource (the cosine is the need's), and exact to bound by cells below. */
static inline double km_between(double lat, double lon, double coslat, double rlat, double rlon)
{
    double dy = (rlat - lat) * RAD, dx = (rlon - lon) * RAD * coslat;
    return EARTH_KM * sqrt(dx * dx + dy * dy);
}

static inline double distance_points(double km) { return W_DISTANCE / (1.0 + km / KM_HALF); }

/* Laplace's rule: a unit with no record yet gets half the points, one that
 * delivered 11 of 12 nearly all; one refusal weighs less as offers grow. */
static inline double track_points(int32_t offered, int32_t delivered)
{
    if (offered <= 0)
        return W_TRACK * 0.5;
    if (delivered < 0)
        delivered = 0;
    if (delivered > offered)
        delivered = offered;
    return W_TRACK * ((double)delivered + 1) / ((double)offered + 2);
}

static inline int units_differ(const char *a, const char *b)
{
    return a != b && a && b && a[0] && b[0] && strcmp(a, b) != 0;
}

static inline double quantity_points(const tx_match_need *need, double available, const char *unit)
{
    if (need->quantity <= 0)
        return W_QUANTITY;
    if (units_differ(need->unit, unit))
        return 0;
    return available >= need->quantity ? W_QUANTITY : W_QUANTITY * (available / need->quantity);
}

/* ISO weekday bit of a day number (1970-01-01 was a Thursday): bit 0 Monday. */
static inline unsigned weekday_bit(int32_t day)
{
    int w = (int)(((int64_t)day + 3) % 7);
    if (w < 0)
        w += 7;
    return 1u << w;
}

/* The first day on or after today that r can be had; -1 when none (every
 * window over, or no allowed weekday left in any). */
static int first_day(const tx_match_resource *r, int32_t today, int32_t *out)
{
    int found = 0;
    int32_t best = 0;
    unsigned mask = r->weekdays & 0x7f;
    int nw = r->n_windows;
    if (nw < 0 || nw > TX_MATCH_MAX_WINDOWS)
        return -1;
    for (int w = 0; w < (nw ? nw : 1); w++) {
        int32_t from = nw ? r->windows[w].from : today, to = nw ? r->windows[w].to : INT32_MAX;
        int32_t d = from > today ? from : today;
        if (d > to)
            continue;
        if (mask) {
            int i = 0;
            while (i < 7 && !(weekday_bit(d) & mask) && d < to)
                d++, i++;
            if (!(weekday_bit(d) & mask))
                continue;
        }
        if (!found || d < best)
            best = d, found = 1;
    }
    if (!found)
        return -1;
    *out = best;
    return 0;
}

static double time_points(const tx_match_need *need, int32_t day, int32_t today, int32_t *late)
{
    int32_t ref;
    double h;
    *late = 0;
    if (need->wanted_by == 0)
        return W_TIME;
    /* A wanted date already past: the sooner the better, from today. */
    ref = need->wanted_by > today ? need->wanted_by : today;
    if (day <= ref)
        return W_TIME;
    /* in 64 bits: a window open to the end of time minus a date before 1970 */
    *late = (int32_t)((int64_t)day - ref > INT32_MAX ? INT32_MAX : (int64_t)day - ref);
    h = late_horizon[need->urgency];
    return *late >= h ? 0 : W_TIME * (1.0 - *late / h);
}

/* A candidate's figures, kept only for the best k. */
typedef struct {
    double score, km;
    int64_t id;
    int index;
    int32_t day;
} cand;

/* Total order: score, then nearer, then smaller id. */
static inline int better(const cand *a, const cand *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->km != b->km)
        return a->km < b->km;
    return a->id < b->id;
}

typedef struct {
    cand *c; /* sorted best first */
    int n, k;
} topk;

/* The score a candidate must beat to enter: -inf while there is room. */
static inline double floor_score(const topk *t) { return t->n < t->k ? -INFINITY : t->c[t->k - 1].score; }

static inline void topk_add(topk *t, const cand *x)
{
    int i;
    if (t->n == t->k && !better(x, &t->c[t->k - 1]))
        return;
    i = t->n < t->k ? t->n++ : t->k - 1;
    while (i > 0 && better(x, &t->c[i - 1])) {
        t->c[i] = t->c[i - 1];
        i--;
    }
    t->c[i] = *x;
}

/* Score r for the need, its distance, quantity and track points already
 * known (the index has them at hand); the time comes last, as it reads the
 * windows. Adds r to t when it is available in time at all. */
static inline void consider(const tx_match_need *need, const tx_match_resource *r, int index, double km, double q,
                            double d, double tr, int32_t today, topk *t)
{
    int32_t day, late;
    cand x;
    if (q + W_TIME + d + tr < floor_score(t))
        return;
    if (first_day(r, today, &day) < 0)
        return;
    x.score = q + time_points(need, day, today, &late) + d + tr;
    x.km = km;
    x.id = r->id;
    x.index = index;
    x.day = day;
    topk_add(t, &x);
}

static inline int coords_ok(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

static inline int suggestible(const tx_match_resource *r)
{
    return r->status == TX_RESOURCE_AVAILABLE && r->available > 0 && isfinite(r->available) &&
           (unsigned)r->kind < TX_KIND__COUNT && coords_ok(r->lat, r->lon);
}

/* ---- the index ---- */

/* What the scan needs of a resource, packed: the cells are walked through
 * these, and all[] is read only for the windows of a resource that could
 * still enter the top k. */
typedef struct {
    double lat, lon, available, track;
    const char *unit;
    int32_t index;
} entry;

/* One kind's resources on a grid of cells of about equal size in km. */
typedef struct {
    int rows, cols;
    double lat0, lon0, dlat, dlon; /* south-west corner and cell size, degrees */
    int *start;                    /* rows × cols + 1: cell c holds ents[start[c] .. start[c + 1]) */
    entry *ents;
    /* The most any resource of cell c has left and its best track points:
     * with the distance, they bound what the cell could score. */
    double *max_available, *max_track;
    int n;
} grid;

struct tx_match_index {
    const tx_match_resource *all;
    int n;
    grid g[TX_KIND__COUNT];
};

#define PER_CELL 4 /* resources per cell aimed at: few to score, few empty cells to step over */

static int cell_of(double v, double v0, double dv, int count)
{
    double f = floor((v - v0) / dv);
    return f < 0 ? 0 : f >= count ? count - 1 : (int)f;
}

static int grid_build(grid *g, const tx_match_resource *all, int n, tx_list_kind kind)
{
    double minlat = 90, maxlat = -90, minlon = 180, maxlon = -180, hkm, wkm, cellkm;
    int count = 0, cells;
    for (int i = 0; i < n; i++) {
        const tx_match_resource *r = &all[i];
        if (r->kind != kind || !suggestible(r))
            continue;
        count++;
        minlat = fmin(minlat, r->lat), maxlat = fmax(maxlat, r->lat);
        minlon = fmin(minlon, r->lon), maxlon = fmax(maxlon, r->lon);
    }
    g->n = count;
    if (count == 0) {
        g->rows = g->cols = 0;
        g->start = NULL;
        g->ents = NULL;
        g->max_available = g->max_track = NULL;
        return 0;
    }
    /* Square cells in km over the box, about PER_CELL resources each (as if
     * spread evenly; they are not, and the rings cope). A box with no extent
     * still gets cells of some size. */
    hkm = fmax((maxlat - minlat) * RAD * EARTH_KM, 0.01);
    wkm = fmax((maxlon - minlon) * RAD * EARTH_KM * cos((minlat + maxlat) / 2 * RAD), 0.01);
    cells = count / PER_CELL + 1;
    cellkm = sqrt(hkm * wkm / cells);
    g->rows = (int)fmin(ceil(hkm / cellkm), 4096);
    g->cols = (int)fmin(ceil(wkm / cellkm), 4096);
    if (g->rows < 1)
        g->rows = 1;
    if (g->cols < 1)
        g->cols = 1;
    g->lat0 = minlat;
    g->lon0 = minlon;
    g->dlat = fmax(maxlat - minlat, 1e-9) / g->rows;
    g->dlon = fmax(maxlon - minlon, 1e-9) / g->cols;
    g->start = calloc((size_t)g->rows * g->cols + 1, sizeof *g->start);
    g->ents = malloc((size_t)count * sizeof *g->ents);
    g->max_available = calloc((size_t)g->rows * g->cols, sizeof *g->max_available);
    g->max_track = calloc((size_t)g->rows * g->cols, sizeof *g->max_track);
    if (!g->start || !g->ents || !g->max_available || !g->max_track)
        return -1;
    /* Counting sort by cell; within a cell, in the order of all[]. */
    for (int i = 0; i < n; i++) {
        const tx_match_resource *r = &all[i];
        if (r->kind != kind || !suggestible(r))
            continue;
        g->start[cell_of(r->lat, g->lat0, g->dlat, g->rows) * g->cols + cell_of(r->lon, g->lon0, g->dlon, g->cols) + 1]++;
    }
    for (int c = 0; c < g->rows * g->cols; c++)
        g->start[c + 1] += g->start[c];
    for (int i = 0; i < n; i++) {
        const tx_match_resource *r = &all[i];
        int c;
        if (r->kind != kind || !suggestible(r))
            continue;
        c = cell_of(r->lat, g->lat0, g->dlat, g->rows) * g->cols + cell_of(r->lon, g->lon0, g->dlon, g->cols);
        g->ents[g->start[c]++] = (entry){r->lat, r->lon, r->available, track_points(r->offered, r->delivered),
                                         r->unit, i};
        g->max_available[c] = fmax(g->max_available[c], r->available);
        g->max_track[c] = fmax(g->max_track[c], track_points(r->offered, r->delivered));
    }
    /* start[c] now ends cell c: shift back by one. */
    for (int c = g->rows * g->cols; c > 0; c--)
        g->start[c] = g->start[c - 1];
    g->start[0] = 0;
    return 0;
}

void tx_match_index_free(tx_match_index *ix)
{
    if (!ix)
        return;
    for (int k = 0; k < TX_KIND__COUNT; k++) {
        free(ix->g[k].start);
        free(ix->g[k].ents);
        free(ix->g[k].max_available);
        free(ix->g[k].max_track);
    }
    free(ix);
}

int tx_match_index_build(const tx_match_resource *all, int n, tx_match_index **out)
{
    tx_match_index *ix;
    if (n < 0 || (n > 0 && all == NULL) || out == NULL)
        return -1;
    for (int i = 0; i < n; i++)
        if (!coords_ok(all[i].lat, all[i].lon))
            return -1;
    ix = calloc(1, sizeof *ix);
    if (!ix)
        return -1;
    ix->all = all;
    ix->n = n;
    for (int k = 0; k < TX_KIND__COUNT; k++)
        if (grid_build(&ix->g[k], all, n, (tx_list_kind)k) < 0) {
            tx_match_index_free(ix);
            return -1;
        }
    *out = ix;
    return 0;
}

/* A lower bound of the distance from (lat, lon) to any point of cell
 * (row, col); a millimetre less, for the rounding of the cell edges. */
static double cell_km(const grid *g, int row, int col, double lat, double lon, double coslat)
{
    double la = g->lat0 + row * g->dlat, lo = g->lon0 + col * g->dlon;
    double dy = lat < la ? la - lat : lat > la + g->dlat ? lat - (la + g->dlat) : 0;
    double dx = lon < lo ? lo - lon : lon > lo + g->dlon ? lon - (lo + g->dlon) : 0;
    dy *= RAD, dx *= RAD * coslat;
    return fmax(EARTH_KM * sqrt(dx * dx + dy * dy) - 1e-6, 0);
}

static void scan_cell(const tx_match_index *ix, const grid *g, int row, int col, const tx_match_need *need,
                      double coslat, int32_t today, topk *t)
{
    int c = row * g->cols + col;
    for (int e = g->start[c]; e < g->start[c + 1]; e++) {
        const entry *en = &g->ents[e];
        double km = km_between(need->lat, need->lon, coslat, en->lat, en->lon);
        consider(need, &ix->all[en->index], en->index, km, quantity_points(need, en->available, en->unit),
                 distance_points(km), en->track, today, t);
    }
}

/* Rings of cells around the need's cell, nearest first. Cells of ring r are
 * r cells away in rows or columns, so at least r − 1 whole cells away in
 * latitude or longitude: that bounds the distance of the whole ring, and
 * the search ends when even a resource perfect in all but distance could
 * not enter at that distance. */
static void scan_index(const tx_match_index *ix, const tx_match_need *need, double coslat, int32_t today, topk *t)
{
    const grid *g = &ix->g[need->kind];
    int r0, c0, rmax;
    double step;
    if (g->n == 0 || t->k == 0)
        return;
    r0 = cell_of(need->lat, g->lat0, g->dlat, g->rows);
    c0 = cell_of(need->lon, g->lon0, g->dlon, g->cols);
    rmax = r0 > g->rows - 1 - r0 ? r0 : g->rows - 1 - r0;
    if (c0 > rmax)
        rmax = c0;
    if (g->cols - 1 - c0 > rmax)
        rmax = g->cols - 1 - c0;
    step = fmin(g->dlat * RAD, g->dlon * RAD * coslat) * EARTH_KM;
    for (int ring = 0; ring <= rmax; ring++) {
        double best = W_QUANTITY + W_TIME + W_TRACK + distance_points(ring > 0 ? fmax((ring - 1) * step - 1e-6, 0) : 0);
        if (best < floor_score(t))
            break;
        for (int row = r0 - ring; row <= r0 + ring; row++) {
            int edge = row == r0 - ring || row == r0 + ring, dc = edge ? 1 : 2 * ring;
            if (row < 0 || row >= g->rows)
                continue;
            for (int col = c0 - ring; col <= c0 + ring; col += dc ? dc : 1) {
                if (col < 0 || col >= g->cols)
                    continue;
                if (t->n == t->k) {
                    int c = row * g->cols + col;
                    double q = need->quantity <= 0 || g->max_available[c] >= need->quantity
                                   ? W_QUANTITY
                                   : W_QUANTITY * (g->max_available[c] / need->quantity);
                    if (g->start[c] == g->start[c + 1] ||
                        q + W_TIME + distance_points(cell_km(g, row, col, need->lat, need->lon, coslat)) +
                                g->max_track[c] <
                            floor_score(t))
                        continue;
                }
                scan_cell(ix, g, row, col, need, coslat, today, t);
            }
        }
    }
}

static void scan_all(const tx_match_need *need, const tx_match_resource *all, int n, double coslat, int32_t today,
                     topk *t)
{
    for (int i = 0; i < n; i++) {
        const tx_match_resource *r = &all[i];
        double km;
        if (r->kind != need->kind || !suggestible(r))
            continue;
        km = km_between(need->lat, need->lon, coslat, r->lat, r->lon);
        consider(need, r, i, km, quantity_points(need, r->available, r->unit), distance_points(km),
                 track_points(r->offered, r->delivered), today, t);
    }
}

/* The suggestion for a ranked candidate, with its reasons. */
static void suggest(const tx_match_need *need, const tx_match_resource *r, const cand *c, int32_t today,
                    tx_match_suggestion *s)
{
    int32_t late;
    tx_match_reason *why = s->reasons;
    const char *unit = need->unit && need->unit[0] ? need->unit : r->unit;
    memset(s, 0, sizeof *s);
    s->index = c->index;
    s->resource_id = r->id;
    s->score = c->score;
    s->km = c->km;
    s->available_from = c->day;
    s->quantity = need->quantity > 0 && r->available > need->quantity ? need->quantity : r->available;
    *why++ = (tx_match_reason){TX_MATCH_SAME_KIND, 0, 0, 0, need->kind, NULL};
    if (need->quantity > 0) {
        if (units_differ(need->unit, r->unit))
            *why++ = (tx_match_reason){TX_MATCH_UNIT_DIFFERS, r->available, need->quantity, 0, need->kind, r->unit};
        else
            *why++ = (tx_match_reason){r->available >= need->quantity ? TX_MATCH_ENOUGH : TX_MATCH_PARTIAL,
                                       r->available, need->quantity, 0, need->kind, unit};
    }
    time_points(need, c->day, today, &late);
    *why++ = late > 0 ? (tx_match_reason){TX_MATCH_LATE, late, 0, c->day, need->kind, NULL}
                      : (tx_match_reason){TX_MATCH_IN_TIME, 0, 0, c->day, need->kind, NULL};
    if (need->area_id != 0 && need->area_id == r->area_id)
        *why++ = (tx_match_reason){TX_MATCH_SAME_AREA, c->km, 0, 0, need->kind, NULL};
    else
        *why++ = (tx_match_reason){TX_MATCH_DISTANCE, c->km, 0, 0, need->kind, NULL};
    if (r->offered > 0)
        *why++ = (tx_match_reason){TX_MATCH_TRACK_RECORD,
                                   r->delivered < 0 ? 0 : r->delivered > r->offered ? r->offered : r->delivered,
                                   r->offered, 0, need->kind, NULL};
    else
        *why++ = (tx_match_reason){TX_MATCH_NEW_UNIT, 0, 0, 0, need->kind, NULL};
    s->n_reasons = (int)(why - s->reasons);
}

/* The best k kept on the stack up to this many; more is a caller asking for
 * a long list, served from the heap. */
#define STACK_K 64

int tx_match_rank(const tx_match_need *need, const tx_match_resource *all, int n, const tx_match_index *ix,
                  int32_t today, tx_match_suggestion *out, int k)
{
    cand stack[STACK_K], *buf = stack;
    topk t;
    double coslat;
    if (need == NULL || k < 0 || n < 0 || (n > 0 && all == NULL) || (k > 0 && out == NULL) ||
        (unsigned)need->kind >= TX_KIND__COUNT || (unsigned)need->urgency >= TX_URGENCY__COUNT ||
        !coords_ok(need->lat, need->lon) || !isfinite(need->quantity) || need->quantity < 0 ||
        (ix && (ix->all != all || ix->n != n)))
        return -1;
    if (k == 0)
        return 0;
    if (k > STACK_K && !(buf = malloc((size_t)k * sizeof *buf)))
        return -1;
    t = (topk){buf, 0, k};
    coslat = cos(need->lat * RAD);
    if (ix)
        scan_index(ix, need, coslat, today, &t);
    else
        scan_all(need, all, n, coslat, today, &t);
    for (int i = 0; i < t.n; i++)
        suggest(need, &all[t.c[i].index], &t.c[i], today, &out[i]);
    if (buf != stack)
        free(buf);
    return t.n;
}

/* ---- the reasons in words ---- */

char *tx_match_reason_text(const tx_match_reason *r, int lang, char *buf, size_t size)
{
    char date[TX_CAL_DATE_STRLEN];
    const char *unit = r->unit ? r->unit : "";
    const char *kind = tx_list_kind_name(r->kind, lang);
    int en = lang ? 1 : 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    switch (r->why) {
    case TX_MATCH_SAME_KIND:
        snprintf(buf, size, en ? "same kind: %s" : "同类资源：%s", kind ? kind : "?");
        break;
    case TX_MATCH_ENOUGH:
        snprintf(buf, size, en ? "enough: %g %s offered, %g %s wanted" : "数量足够：可提供 %g %s，需要 %g %s", r->a,
                 unit, r->b, unit);
        break;
    case TX_MATCH_PARTIAL:
        snprintf(buf, size,
                 en ? "partial: %g %s offered of %g %s wanted (%.0f%%)" : "部分满足：可提供 %g %s，需要 %g %s（%.0f%%）",
                 r->a, unit, r->b, unit, r->b > 0 ? r->a / r->b * 100 : 0);
        break;
    case TX_MATCH_UNIT_DIFFERS:
        snprintf(buf, size, en ? "offered in another unit (%g %s): quantities not compared"
                               : "计量单位不同（可提供 %g %s），数量未比较",
                 r->a, unit);
        break;
    case TX_MATCH_IN_TIME:
        tx_cal_format_date(r->day, date);
        snprintf(buf, size, en ? "available in time, from %s" : "按时可用：%s 起", date);
        break;
    case TX_MATCH_LATE:
        tx_cal_format_date(r->day, date);
        snprintf(buf, size, en ? "available %g days after the wanted date, from %s" : "晚于需要日期 %g 天：%s 起可用",
                 r->a, date);
        break;
    case TX_MATCH_DISTANCE:
        snprintf(buf, size, en ? "%.1f km away" : "距离 %.1f 公里", r->a);
        break;
    case TX_MATCH_SAME_AREA:
        snprintf(buf, size, "%s", en ? "in the same area" : "同一区域");
        break;
    case TX_MATCH_TRACK_RECORD:
        snprintf(buf, size, en ? "track record: %g of %g delivered" : "履约记录：承诺 %g 次，兑现 %g 次",
                 en ? r->a : r->b, en ? r->b : r->a);
        break;
    case TX_MATCH_NEW_UNIT:
        snprintf(buf, size, "%s", en ? "new unit: no track record yet" : "新加入单位，暂无履约记录");
        break;
    default:
        snprintf(buf, size, "%s", "?");
        break;
    }
    return buf;
}
