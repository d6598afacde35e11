/* gen_cases: load millions of cases with their events into a tongxin
 * database by the fast path (SQLite directly, not over HTTP), for
 * bench/queries.
 *
 *   gen_cases --db DB --cases N [--years Y] [--seed S] [--now MS]
 *
 * DB must already hold the demo street (`tongxin demo`): its areas with
 * boundaries, the case categories, routing rules and the property companies
 * managing compounds. The cases are spread over Y years (default 2) up to
 * now, in id order of submission (as intake assigns ids), over the street's
 * grids: about 55 % at points inside a compound's red line, 44 % at points in
 * a grid outside every compound (points sampled from the boundaries and
 * drawn from a pool), 1 % with an address only (the street's triage). Each
 * case is routed as the demo rules say (category × inside/outside → handler,
 * tier; a property company where the compound has one on record) and has the
 * columns a case in that state has (domain/case.h, src/store/sqlite/case.c):
 * the state follows its age — recent reports still submitted, accepted,
 * dispatched or in progress, then resolved and waiting for a rating, older
 * ones mostly closed (rated or closed after the rating period), a few merged
 * or invalid, and about 1 % still open long after their deadline (escalated
 * twice to the street tier: the overdue ones). Each case has 1–4 events
 * (about 3.3 on average) whose snapshots (to_state, tier, handler) end at the
 * case's own and from which `tongxin stats cases --recompute` derives the
 * same counters as from the row: the report (with the data the counters are
 * keyed by, as store_case_create writes it) and the steps that matter for its
 * state and figures — accept, dispatch or refer, start, contact (40 % of the
 * finished ones), resolve, rate or close, return, merge, invalidate,
 * escalate — the steps in between are left out. Deadlines are the categories' periods in plain hours/days (no
 * working-day calendar). The SLA sweep finds nothing to do in it: every open
 * case near or past its deadline is marked reminded, every overdue one is at
 * the top tier, every resolved one is inside its rating period.
 *
 * Loading: one transaction, journal_mode=OFF, synchronous=OFF, a 500 MB page
 * cache, multi-row INSERTs, then journal_mode=WAL as tongxin runs. The
 * indexes stay in place: rows come in id (= submission time) order, so every
 * index but the duplicate lookup's grows at a few hot spots (dropping them
 * and creating them again afterwards was slower: one scan of the 10 GB table
 * per index). The token hashes start with the id for the same reason. Prints what it made on standard output,
 * progress on standard error. */
#define _GNU_SOURCE
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "../areas.h"

#define HOUR 3600000LL
#define DAY (24 * HOUR)

enum { K_STREET, K_COMMUNITY, K_GRID, K_COMPOUND, K_OTHER };

typedef struct {
    int64_t id, parent;
    int kind;
    char name[96];
    int64_t manager; /* property company (compounds) */
    barea b;
} area;

typedef struct {
    int64_t id;
    char code[64], name[96];
    int accept_h, contact_h, resolve_h, remind_h;
} category;

typedef struct {
    int64_t id;
    char handler[24];
    int64_t org;
    char tier[16];
    char note[160], note_en[200];
} rule;

typedef struct {
    double lat, lon;
    int64_t street, community, grid, compound;
    int cidx, gidx, kidx; /* area indexes (community, grid, compound) or -1 */
} point;

static area *areas;
static int nareas;
static category cats[64];
static int ncats;
static rule rules_in[64], rules_out[64]; /* by category index */
static int has_in[64], has_out[64];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "gen_cases: %.200s: %s\n", sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "gen_cases: %.200s: %s\n", sql, sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

static int area_index(int64_t id)
{
    for (int i = 0; i < nareas; i++)
        if (areas[i].id == id)
            return i;
    return -1;
}

static int hours_of(const char *kind, int n)
{
    if (strcmp(kind, "minutes") == 0)
        return n / 60 > 0 ? n / 60 : 1;
    if (strcmp(kind, "working_days") == 0)
        return n * 24 * 7 / 5; /* weekends in between */
    if (strcmp(kind, "working_hours") == 0)
        return n + 15 * (n / 9 + 1) / 2; /* about one night in between */
    return n;
}

static int load_street(sqlite3 *db)
{
    sqlite3_stmt *st = prep(db, "SELECT id, kind, name, coalesce(parent_id, 0), boundary FROM area ORDER BY id");
    if (!st)
        return -1;
    int cap = 1024;
    areas = calloc((size_t)cap, sizeof *areas);
    while (sqlite3_step(st) == SQLITE_ROW && nareas < cap) {
        area *a = &areas[nareas++];
        a->id = sqlite3_column_int64(st, 0);
        const char *k = (const char *)sqlite3_column_text(st, 1);
        a->kind = strcmp(k, "street") == 0      ? K_STREET
                  : strcmp(k, "community") == 0 ? K_COMMUNITY
                  : strcmp(k, "grid") == 0      ? K_GRID
                  : strcmp(k, "compound") == 0  ? K_COMPOUND
                                                : K_OTHER;
        snprintf(a->name, sizeof a->name, "%s", (const char *)sqlite3_column_text(st, 2));
        a->parent = sqlite3_column_int64(st, 3);
        const char *g = (const char *)sqlite3_column_text(st, 4);
        if (g && (a->kind == K_GRID || a->kind == K_COMPOUND)) {
            json_t *j = json_loads(g, 0, NULL);
            if (j)
                barea_geometry(&a->b, j);
            json_decref(j);
        }
    }
    sqlite3_finalize(st);
    st = prep(db, "SELECT area_id, min(org_id) FROM managed_compound GROUP BY area_id");
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int i = area_index(sqlite3_column_int64(st, 0));
        if (i >= 0)
            areas[i].manager = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    st = prep(db, "SELECT id, code, name, accept_kind, accept_n, contact_kind, contact_n, resolve_kind, resolve_n, "
                  "remind_hours FROM category WHERE active = 1 ORDER BY sort, id");
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW && ncats < 64) {
        category *c = &cats[ncats++];
        c->id = sqlite3_column_int64(st, 0);
        snprintf(c->code, sizeof c->code, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(c->name, sizeof c->name, "%s", (const char *)sqlite3_column_text(st, 2));
        c->accept_h = hours_of((const char *)sqlite3_column_text(st, 3), sqlite3_column_int(st, 4));
        c->contact_h = hours_of((const char *)sqlite3_column_text(st, 5), sqlite3_column_int(st, 6));
        c->resolve_h = hours_of((const char *)sqlite3_column_text(st, 7), sqlite3_column_int(st, 8));
        c->remind_h = sqlite3_column_int(st, 9);
    }
    sqlite3_finalize(st);
    /* Rules without an area: per category, the one for inside and outside
     * (a category's own before the any-category one, then the lowest id). */
    st = prep(db, "SELECT id, coalesce(category_id, 0), place, handler, coalesce(org_id, 0), tier, note, note_en "
                  "FROM route_rule WHERE area_id IS NULL ORDER BY category_id IS NULL, place = 'any', id");
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        rule r;
        r.id = sqlite3_column_int64(st, 0);
        int64_t cat = sqlite3_column_int64(st, 1);
        const char *place = (const char *)sqlite3_column_text(st, 2);
        snprintf(r.handler, sizeof r.handler, "%s", (const char *)sqlite3_column_text(st, 3));
        r.org = sqlite3_column_int64(st, 4);
        snprintf(r.tier, sizeof r.tier, "%s", (const char *)sqlite3_column_text(st, 5));
        snprintf(r.note, sizeof r.note, "%s", (const char *)sqlite3_column_text(st, 6));
        snprintf(r.note_en, sizeof r.note_en, "%s", (const char *)sqlite3_column_text(st, 7));
        for (int k = 0; k < ncats; k++) {
            if (cat && cats[k].id != cat)
                continue;
            if (strcmp(place, "outside") != 0 && !has_in[k])
                rules_in[k] = r, has_in[k] = 1;
            if (strcmp(place, "inside") != 0 && !has_out[k])
                rules_out[k] = r, has_out[k] = 1;
        }
    }
    sqlite3_finalize(st);
    return ncats ? 0 : -1;
}

/* A pool of points: per compound, points inside its red line; per grid,
 * points outside every compound. */
static point *pool_in, *pool_out;
static int npool_in, npool_out;

static void point_place(point *p, int gidx, int kidx)
{
    p->gidx = gidx;
    p->kidx = kidx;
    p->grid = areas[gidx].id;
    p->cidx = area_index(areas[gidx].parent);
    p->community = p->cidx >= 0 ? areas[p->cidx].id : 0;
    p->street = p->cidx >= 0 ? areas[p->cidx].parent : 0;
    p->compound = kidx >= 0 ? areas[kidx].id : 0;
}

static int make_pool(uint64_t *rng)
{
    enum { PER_COMPOUND = 32, PER_GRID = 64 };
    pool_in = calloc((size_t)nareas * PER_COMPOUND, sizeof *pool_in);
    pool_out = calloc((size_t)nareas * PER_GRID, sizeof *pool_out);
    for (int i = 0; i < nareas; i++) {
        area *a = &areas[i];
        if (a->kind == K_COMPOUND && a->b.nrings) {
            int g = area_index(a->parent);
            if (g < 0)
                continue;
            for (int k = 0; k < PER_COMPOUND; k++) {
                point *p = &pool_in[npool_in];
                if (barea_sample(&a->b, rng, &p->lat, &p->lon) == 0) {
                    point_place(p, g, i);
                    npool_in++;
                }
            }
        } else if (a->kind == K_GRID && a->b.nrings) {
            for (int k = 0, tries = 0; k < PER_GRID && tries < 100 * PER_GRID; tries++) {
                point *p = &pool_out[npool_out];
                if (barea_sample(&a->b, rng, &p->lat, &p->lon))
                    break;
                int in = 0;
                for (int j = 0; j < nareas && !in; j++)
                    in = areas[j].kind == K_COMPOUND && barea_contains(&areas[j].b, p->lat, p->lon);
                if (in)
                    continue;
                point_place(p, i, -1);
                npool_out++;
                k++;
            }
        }
    }
    return npool_in && npool_out ? 0 : -1;
}

/* ---- multi-row inserts ----
 * Rows are buffered and inserted PER at a time with one INSERT … VALUES
 * (…), (…) statement: a statement opens and closes a cursor per index, and
 * the cases table has ten; doing that once per PER rows instead of per row
 * saves a quarter of the load's time. */
typedef struct {
    int type; /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_NULL */
    int len;
    int64_t i;
    double d;
    size_t off;
} val;

typedef struct {
    sqlite3 *db;
    char sql_head[2048]; /* INSERT INTO t (cols) VALUES */
    int ncols, per, rows, nvals;
    sqlite3_stmt *full;
    val *v;
    char *arena;
    size_t alen, acap;
} batcher;

static sqlite3_stmt *batch_stmt(batcher *b, int rows)
{
    size_t cap = strlen(b->sql_head) + (size_t)rows * (size_t)b->ncols * 8 + 16;
    char *sql = malloc(cap);
    size_t p = (size_t)snprintf(sql, cap, "%s", b->sql_head);
    for (int r = 0; r < rows; r++) {
        p += (size_t)snprintf(sql + p, cap - p, "%s(", r ? ", " : " ");
        for (int c = 0; c < b->ncols; c++)
            p += (size_t)snprintf(sql + p, cap - p, "%s?", c ? ", " : "");
        p += (size_t)snprintf(sql + p, cap - p, ")");
    }
    sqlite3_stmt *st = prep(b->db, sql);
    free(sql);
    return st;
}

static int batcher_init(batcher *b, sqlite3 *db, const char *head, int ncols, int per)
{
    memset(b, 0, sizeof *b);
    b->db = db;
    snprintf(b->sql_head, sizeof b->sql_head, "%s", head);
    b->ncols = ncols;
    b->per = per;
    b->v = calloc((size_t)ncols * (size_t)per, sizeof *b->v);
    b->acap = 1 << 20;
    b->arena = malloc(b->acap);
    b->full = batch_stmt(b, per);
    return b->v && b->arena && b->full ? 0 : -1;
}

static void b_int(batcher *b, int64_t x)
{
    val *v = &b->v[b->nvals++];
    v->type = SQLITE_INTEGER;
    v->i = x;
}

static void b_id(batcher *b, int64_t x)
{
    b->v[b->nvals].type = x ? SQLITE_INTEGER : SQLITE_NULL;
    b->v[b->nvals++].i = x;
}

static void b_double(batcher *b, double x)
{
    val *v = &b->v[b->nvals++];
    v->type = SQLITE_FLOAT;
    v->d = x;
}

static void b_null(batcher *b)
{
    b->v[b->nvals++].type = SQLITE_NULL;
}

static void b_text(batcher *b, const char *s)
{
    val *v = &b->v[b->nvals++];
    if (s == NULL) {
        v->type = SQLITE_NULL;
        return;
    }
    size_t n = strlen(s);
    if (b->alen + n > b->acap) {
        while (b->alen + n > b->acap)
            b->acap *= 2;
        b->arena = realloc(b->arena, b->acap);
    }
    memcpy(b->arena + b->alen, s, n);
    v->type = SQLITE_TEXT;
    v->off = b->alen;
    v->len = (int)n;
    b->alen += n;
}

static int b_flush(batcher *b)
{
    if (b->rows == 0)
        return 0;
    sqlite3_stmt *st = b->rows == b->per ? b->full : batch_stmt(b, b->rows);
    if (st == NULL)
        return -1;
    for (int i = 0; i < b->nvals; i++) {
        const val *v = &b->v[i];
        switch (v->type) {
        case SQLITE_INTEGER: sqlite3_bind_int64(st, i + 1, v->i); break;
        case SQLITE_FLOAT: sqlite3_bind_double(st, i + 1, v->d); break;
        case SQLITE_TEXT: sqlite3_bind_text(st, i + 1, b->arena + v->off, v->len, SQLITE_STATIC); break;
        default: sqlite3_bind_null(st, i + 1); break;
        }
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (st != b->full)
        sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "gen_cases: insert: %s\n", sqlite3_errmsg(b->db));
        return -1;
    }
    b->rows = b->nvals = 0;
    b->alen = 0;
    return 0;
}

static int b_end_row(batcher *b)
{
    return ++b->rows == b->per ? b_flush(b) : 0;
}

/* ---- one case ---- */

static const char *const texts[] = {
    "已经好几天了，麻烦尽快处理", "影响居民出行，请相关部门看看", "晚上尤其明显，老人小孩都受影响",
    "之前反映过一次，还没有解决", "位置就在路口旁边，很好找",     "问题比较严重，希望尽快有人来看一下",
    "附近居民都在议论，请尽快安排", "可以联系我了解详情",           "在小区门口附近",
    "下雨以后更严重了",             "周末人多的时候特别明显",       "已经跟物业说过，没有回复",
};
static const char *const channels[] = {"web", "web", "web", "web", "web", "hotline", "hotline", "hotline", "open311", "staff", "patrol"};

typedef struct {
    batcher bcases, bevents;
    int64_t events;
    int64_t by_state[12];
    int64_t open, overdue;
} gen;

enum { S_SUBMITTED, S_ACCEPTED, S_DISPATCHED, S_IN_PROGRESS, S_RESOLVED, S_CLOSED, S_RETURNED, S_REOPENED, S_MERGED,
       S_INVALID, S_OVERDUE, S_CLOSED_AUTO };
static const char *const state_code[] = {"submitted", "accepted", "dispatched", "in_progress", "resolved", "closed",
                                         "returned",  "reopened", "merged",     "invalid",     "accepted", "closed"};

static int pick_state(double age_days, double u)
{
    if (age_days < 0.1)
        return u < 0.6 ? S_SUBMITTED : S_ACCEPTED;
    if (age_days < 1)
        return u < 0.05 ? S_SUBMITTED : u < 0.30 ? S_ACCEPTED : u < 0.65 ? S_DISPATCHED : S_IN_PROGRESS;
    if (age_days < 7)
        return u < 0.02   ? S_ACCEPTED
               : u < 0.10 ? S_DISPATCHED
               : u < 0.50 ? S_IN_PROGRESS
               : u < 0.85 ? S_RESOLVED
               : u < 0.87 ? S_RETURNED
               : u < 0.90 ? S_REOPENED
                          : S_CLOSED;
    if (age_days < 30)
        return u < 0.04   ? S_IN_PROGRESS
               : u < 0.05 ? S_REOPENED
               : u < 0.64 ? S_CLOSED
               : u < 0.94 ? S_CLOSED_AUTO
               : u < 0.97 ? S_MERGED
                          : S_INVALID;
    return u < 0.01 ? S_OVERDUE : u < 0.64 ? S_CLOSED : u < 0.945 ? S_CLOSED_AUTO : u < 0.975 ? S_MERGED : S_INVALID;
}

static int event(sqlite3 *db, gen *g, int64_t case_id, int64_t at, const char *actor, const char *role,
                 const char *action, const char *from, const char *to, const char *tier, const char *handler,
                 int64_t handler_id, int pub, const char *text, const char *data)
{
    batcher *b = &g->bevents;
    b_int(b, case_id);
    b_int(b, at);
    b_text(b, actor);
    b_text(b, role);
    b_text(b, action);
    b_text(b, from);
    b_text(b, to);
    b_text(b, tier);
    b_text(b, handler);
    b_id(b, handler_id);
    b_int(b, pub);
    b_text(b, text);
    b_text(b, data);
    (void)db;
    if (b_end_row(b))
        return -1;
    g->events++;
    return 0;
}

static int64_t clampt(int64_t t, int64_t lo, int64_t hi)
{
    return t < lo ? lo : t > hi ? hi : t;
}

static int one_case(sqlite3 *db, gen *g, int64_t id, int64_t sub, int64_t now, uint64_t *rng)
{
    double age_days = (double)(now - sub) / DAY;
    int st = pick_state(age_days, bench_rand01(rng));
    int k = (int)(bench_rng(rng) % (uint64_t)ncats);
    const category *cat = &cats[k];
    /* place */
    double u = bench_rand01(rng);
    point none = {0};
    const point *p;
    int has_point = 1;
    if (u < 0.55)
        p = &pool_in[bench_rng(rng) % (uint64_t)npool_in];
    else if (u < 0.99)
        p = &pool_out[bench_rng(rng) % (uint64_t)npool_out];
    else {
        p = &none;
        has_point = 0;
    }
    int64_t street = has_point ? p->street : 0;
    if (!has_point) /* the street's triage */
        for (int i = 0; i < nareas && !street; i++)
            if (areas[i].kind == K_STREET)
                street = areas[i].id;
    /* route */
    const char *rhandler, *tier;
    int64_t rhandler_id = 0, rule_id = 0;
    char reason[512], reason_en[512];
    const char *where = has_point ? areas[p->cidx].name : "地址";
    if (!has_point) {
        rhandler = "street_office";
        rhandler_id = street;
        tier = "street";
        snprintf(reason, sizeof reason, "只有地址，不在任何社区内 → 由街道办分拨（首接负责）");
        snprintf(reason_en, sizeof reason_en, "an address only, in no community → the street office triages it");
    } else {
        const rule *r = p->compound ? (has_in[k] ? &rules_in[k] : NULL) : (has_out[k] ? &rules_out[k] : NULL);
        rhandler = r ? r->handler : "grid_worker";
        tier = r ? r->tier : "grid";
        rule_id = r ? r->id : 0;
        if (strcmp(rhandler, "property_company") == 0) {
            rhandler_id = p->compound ? areas[p->kidx].manager : 0;
            if (rhandler_id == 0)
                rhandler = "grid_worker"; /* no company on record */
        }
        if (strcmp(rhandler, "grid_worker") == 0)
            rhandler_id = p->grid;
        else if (strcmp(rhandler, "community_office") == 0)
            rhandler_id = p->community;
        else if (strcmp(rhandler, "department") == 0)
            rhandler_id = r ? r->org : 0;
        if (p->compound)
            snprintf(reason, sizeof reason, "位于%s（%s）红线内 → %s", areas[p->kidx].name, where, r ? r->note : "网格先行");
        else
            snprintf(reason, sizeof reason, "在%s红线外（%s） → %s", areas[p->gidx].name, where,
                     r ? r->note : "网格先行");
        snprintf(reason_en, sizeof reason_en, "%s the red line (%s) → %s", p->compound ? "inside" : "outside",
                 areas[p->gidx].name, r ? r->note_en : "the grid first");
    }
    int dept = strcmp(rhandler, "department") == 0;
    /* deadlines and times */
    int64_t due_accept = sub + (int64_t)cat->accept_h * HOUR, due_contact = sub + (int64_t)cat->contact_h * HOUR,
            due_resolve = sub + (int64_t)cat->resolve_h * HOUR;
    int64_t hi = now - 1000;
    int64_t t_acc = clampt(sub + (int64_t)(bench_rand01(rng) * (double)(due_accept - sub)), sub + 1, hi);
    int64_t t_disp = clampt(t_acc + (int64_t)((0.2 + bench_rand01(rng) * 4) * HOUR), t_acc, hi);
    int64_t t_start = clampt(t_disp + (int64_t)((0.2 + bench_rand01(rng) * 8) * HOUR), t_disp, hi);
    int64_t t_res = clampt(sub + (int64_t)((0.3 + 0.7 * bench_rand01(rng)) * (double)(due_resolve - sub)), t_start, hi);
    int rated = st == S_CLOSED;
    int64_t t_close = clampt(st == S_CLOSED_AUTO ? t_res + 7 * DAY : t_res + (int64_t)(bench_rand01(rng) * 3 * DAY),
                             t_res, hi);
    int64_t referral_due = dept ? t_disp + (int64_t)cat->resolve_h * HOUR : 0;

    /* the snapshot */
    const char *state = state_code[st], *handler = "none", *resolved_tier = NULL, *solved = NULL, *sat = NULL;
    int64_t handler_id = 0, department_id = 0, ref_due = 0, accepted_at = 0, contacted_at = 0, resolved_at = 0,
            closed_at = 0, merged_into = 0, rated_at = 0, due_at = due_resolve, updated = sub, reminded = 0,
            due_work = due_resolve; /* the working deadline; moved on by escalations */
    int open = 1, left = 0, reopened = 0, escalated = 0, nev = 1, contacted = 0;
    const char *cur_tier = dept && strcmp(tier, "grid") == 0 ? "community" : tier;
    switch (st) {
    case S_SUBMITTED: due_at = due_accept; cur_tier = tier; break;
    case S_ACCEPTED: accepted_at = t_acc; cur_tier = tier; updated = t_acc; nev = 2; break;
    case S_DISPATCHED:
    case S_IN_PROGRESS:
    case S_RETURNED:
        accepted_at = t_acc;
        handler = rhandler;
        handler_id = rhandler_id;
        if (dept) {
            department_id = rhandler_id;
            ref_due = referral_due;
            due_at = referral_due;
        }
        nev = st == S_DISPATCHED ? 2 : 3;
        updated = st == S_DISPATCHED ? t_disp : t_start;
        if (st == S_RETURNED) {
            handler = "none";
            handler_id = 0;
            ref_due = 0;
            due_at = due_resolve;
        }
        break;
    case S_RESOLVED:
    case S_CLOSED:
    case S_CLOSED_AUTO:
    case S_REOPENED:
        /* resolved by its handler (a department referred to resolves it
         * itself: the referral is not a separate event here); for 40 % the
         * first contact with the reporter (the response clock) is on record */
        accepted_at = t_acc;
        handler = rhandler;
        handler_id = rhandler_id;
        department_id = dept ? rhandler_id : 0;
        resolved_at = t_res;
        resolved_tier = cur_tier;
        contacted = bench_rand01(rng) < 0.4;
        if (contacted)
            contacted_at = t_start;
        nev = 2 + (st != S_RESOLVED) + contacted;
        if (st == S_RESOLVED) {
            open = 2;
            due_at = t_res + 7 * DAY;
            updated = t_res;
        } else if (st == S_REOPENED) {
            reopened = 1;
            due_at = due_work = due_resolve > now ? due_resolve : now + 2 * DAY;
            updated = t_close;
            solved = "no";
            sat = "unsatisfied";
            rated_at = t_close;
        } else {
            open = 0;
            closed_at = t_close;
            due_at = t_close;
            updated = t_close;
            if (rated) {
                solved = "yes";
                sat = bench_rand01(rng) < 0.75 ? "satisfied" : "basically_satisfied";
                rated_at = t_close;
            }
        }
        break;
    case S_MERGED:
    case S_INVALID:
        open = 0;
        due_at = updated = t_acc;
        merged_into = st == S_MERGED && id > 1 ? id - 1 - (int64_t)(bench_rng(rng) % (uint64_t)(id - 1 < 500 ? id - 1 : 500)) : 0;
        nev = 2;
        break;
    case S_OVERDUE:
        /* escalated twice by the sweep, still not done: overdue at the top tier */
        accepted_at = t_acc;
        cur_tier = "street";
        left = 1;
        escalated = strcmp(tier, "grid") == 0 ? 2 : 1;
        due_at = due_resolve + 2 * (int64_t)cat->resolve_h * HOUR;
        if (due_at >= now)
            due_at = now - HOUR;
        due_work = due_at;
        updated = clampt(due_resolve, sub, hi);
        nev = 1 + escalated;
        break;
    }
    /* left_community as the writer sets it: a step at street tier or with a
     * department (not the report itself) */
    left = st == S_OVERDUE || (st != S_SUBMITTED && strcmp(cur_tier, "street") == 0) ||
           (dept && st != S_SUBMITTED && st != S_ACCEPTED && st != S_MERGED && st != S_INVALID);
    if (open && due_at - (int64_t)cat->remind_h * HOUR <= now)
        reminded = due_at - (int64_t)cat->remind_h * HOUR; /* the sweep's 催办 */
    if (open && due_at <= now && strcmp(cur_tier, "street") != 0) {
        /* past its deadline below the top tier: the sweep would escalate it;
         * give it the working period the escalation gives */
        due_at = now + (int64_t)cat->resolve_h * HOUR;
        if (st != S_SUBMITTED && !ref_due)
            due_work = due_at;
        reminded = 0;
    }
    if (st == S_OVERDUE)
        g->overdue++;
    g->open += open != 0;
    g->by_state[st]++;

    char token[128], desc[256], name[32], phone[16], ext[32];
    uint64_t h1 = bench_rng(rng), h2 = bench_rng(rng), h3 = bench_rng(rng), h4 = bench_rng(rng);
    /* 64 hex digits like a BLAKE2b hash, but the first ten are the id: the
     * UNIQUE index then grows at its end like the others (10 M random keys
     * would be 10 M random inserts into a 1 GB index) */
    snprintf(token, sizeof token, "%010llx%06llx%016llx%016llx%016llx", (unsigned long long)id,
             (unsigned long long)(h1 & 0xffffff), (unsigned long long)h2, (unsigned long long)h3,
             (unsigned long long)h4);
    token[64] = '\0';
    snprintf(desc, sizeof desc, "%s：%s", cat->name, texts[bench_rng(rng) % (sizeof texts / sizeof texts[0])]);
    snprintf(name, sizeof name, "居民%05d", (int)(bench_rng(rng) % 100000));
    snprintf(phone, sizeof phone, "139%08d", (int)(bench_rng(rng) % 100000000));
    const char *channel = channels[bench_rng(rng) % (sizeof channels / sizeof channels[0])];
    snprintf(ext, sizeof ext, "12345-%lld", (long long)id);

    batcher *c = &g->bcases;
    b_int(c, id);
    b_text(c, token);
    b_int(c, cat->id);
    b_text(c, desc);
    b_text(c, NULL); /* attributes */
    if (has_point) {
        b_double(c, p->lat);
        b_double(c, p->lon);
        b_text(c, NULL);
    } else {
        b_null(c);
        b_null(c);
        b_text(c, "淡水街道人民路附近");
    }
    b_text(c, channel);
    b_text(c, strcmp(channel, "hotline") == 0 ? ext : NULL);
    b_text(c, name);
    b_text(c, phone);
    b_text(c, NULL);
    b_int(c, 1);
    b_id(c, 0); /* reporter_user_id */
    b_id(c, 0); /* api_key_id */
    b_id(c, street);
    b_id(c, p->community);
    b_id(c, p->grid);
    b_id(c, p->compound);
    b_int(c, p->compound != 0);
    b_id(c, rule_id);
    b_text(c, rhandler);
    b_id(c, rhandler_id);
    b_text(c, reason);
    b_text(c, reason_en);
    b_text(c, state);
    b_text(c, cur_tier);
    b_text(c, handler);
    b_id(c, handler_id);
    b_id(c, department_id);
    b_id(c, ref_due);
    b_int(c, open);
    b_int(c, sub);
    b_id(c, accepted_at);
    b_id(c, contacted_at);
    b_id(c, resolved_at);
    b_text(c, resolved_tier);
    b_int(c, left);
    b_id(c, closed_at);
    b_id(c, merged_into);
    b_int(c, reopened);
    b_int(c, escalated);
    b_int(c, due_accept);
    b_int(c, due_contact);
    b_int(c, due_resolve);
    b_int(c, due_work);
    b_int(c, due_at);
    b_id(c, reminded);
    b_text(c, solved);
    b_text(c, sat);
    b_text(c, NULL); /* rating_comment */
    b_id(c, rated_at);
    b_int(c, updated);
    b_int(c, nev);
    if (b_end_row(c))
        return -1;

    /* events: the report, as store_case_create writes it */
    char data[512];
    snprintf(data, sizeof data,
             "{\"category_id\":%lld,\"channel\":\"%s\",\"street_id\":%lld,\"community_id\":%lld,\"grid_id\":%lld,"
             "\"compound_id\":%lld,\"due_accept\":%lld,\"due_contact\":%lld,\"due_resolve\":%lld}",
             (long long)cat->id, channel, (long long)street, (long long)p->community, (long long)p->grid,
             (long long)p->compound, (long long)due_accept, (long long)due_contact, (long long)due_resolve);
    const char *reporter = strcmp(channel, "hotline") == 0 ? "apikey:12345" : "reporter";
    if (event(db, g, id, sub, reporter, strcmp(channel, "hotline") == 0 ? "api_client" : "reporter", "report", NULL,
              "submitted", tier, "none", 0, 1, reason, data))
        return -1;
    const char *staff = "user:grid.staff", *role = "grid_worker";
    if (strcmp(tier, "grid") != 0)
        staff = "user:community.staff", role = "community_staff";
    char d2[160];
    switch (st) {
    case S_ACCEPTED: return event(db, g, id, t_acc, staff, role, "accept", "submitted", "accepted", tier, "none", 0, 1, NULL, NULL);
    case S_DISPATCHED:
    case S_IN_PROGRESS:
    case S_RETURNED:
        if (dept) {
            snprintf(d2, sizeof d2, "{\"department_id\":%lld,\"due\":%lld}", (long long)rhandler_id, (long long)referral_due);
            if (event(db, g, id, t_disp, "user:community.staff", "community_staff", "refer", "accepted", "dispatched",
                      cur_tier, "department", rhandler_id, 1, "转交区直部门", d2))
                return -1;
        } else {
            snprintf(d2, sizeof d2, "{\"handler\":\"%s\",\"handler_id\":%lld}", rhandler, (long long)rhandler_id);
            if (event(db, g, id, t_disp, staff, role, "dispatch", "accepted", "dispatched", cur_tier, rhandler,
                      rhandler_id, 1, NULL, d2))
                return -1;
        }
        if (st == S_DISPATCHED)
            return 0;
        if (st == S_RETURNED)
            return event(db, g, id, t_start, "user:handler", "member_unit", "return", "dispatched", "returned", cur_tier,
                         "none", 0, 0, "不属于本单位职责", NULL);
        return event(db, g, id, t_start, "user:handler", role, "start", "dispatched", "in_progress", cur_tier,
                     rhandler, rhandler_id, 1, NULL, NULL);
    case S_RESOLVED:
    case S_CLOSED:
    case S_CLOSED_AUTO:
    case S_REOPENED:
        if (contacted && event(db, g, id, t_start, "user:handler", role, "contact", "in_progress", "in_progress",
                               cur_tier, handler, handler_id, 0, "已电话联系反映人", NULL))
            return -1;
        if (event(db, g, id, t_res, "user:handler", role, "resolve", "in_progress", "resolved", cur_tier, handler,
                  handler_id, 1, "已处理完毕", NULL))
            return -1;
        if (st == S_RESOLVED)
            return 0;
        if (st == S_CLOSED_AUTO)
            return event(db, g, id, t_close, "platform", "platform", "close", "resolved", "closed", cur_tier, handler,
                         handler_id, 1, "评价期已过，反映人未评价，自动结案", NULL);
        snprintf(d2, sizeof d2, "{\"solved\":\"%s\",\"satisfaction\":\"%s\"}", solved, sat);
        return event(db, g, id, t_close, "reporter", "reporter", "rate", "resolved", state, cur_tier, handler,
                     handler_id, 1, NULL, d2);
    case S_MERGED:
        snprintf(d2, sizeof d2, "{\"merge_into\":%lld}", (long long)merged_into);
        return event(db, g, id, t_acc, staff, role, "merge", "submitted", "merged", tier, "none", 0, 1, NULL, d2);
    case S_INVALID:
        return event(db, g, id, t_acc, staff, role, "invalidate", "submitted", "invalid", tier, "none", 0, 0,
                     "重复恶意提交", NULL);
    case S_OVERDUE:
        if (strcmp(tier, "grid") == 0 &&
            event(db, g, id, clampt(due_resolve - (int64_t)cat->resolve_h * HOUR / 2, sub, hi), "platform", "platform",
                  "escalate", "accepted", "accepted", "community", "none", 0, 1, "逾期未办结，按时限自动上报上一级",
                  NULL))
            return -1;
        return event(db, g, id, updated, "platform", "platform", "escalate", "accepted", "accepted", "street", "none",
                     0, 1, "逾期未办结，按时限自动上报上一级", NULL);
    default: return 0;
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: gen_cases --db DB --cases N [--years Y] [--seed S] [--now MS]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    long long n = 0, now = 0;
    double years = 2;
    long seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            path = argv[i + 1];
        else if (strcmp(argv[i], "--cases") == 0)
            n = strtoll(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--years") == 0)
            years = strtod(argv[i + 1], NULL);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--now") == 0)
            now = strtoll(argv[i + 1], NULL, 10);
        else
            return usage();
    }
    if (path == NULL || n <= 0 || years <= 0)
        return usage();
    if (now == 0) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        now = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
    }
    double t0 = now_s();
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        fprintf(stderr, "gen_cases: cannot open %s\n", path);
        return 1;
    }
    if (load_street(db)) {
        fprintf(stderr, "gen_cases: %s has no active case categories (run tongxin demo first)\n", path);
        return 1;
    }
    uint64_t rng = (uint64_t)seed * 1000003;
    if (make_pool(&rng)) {
        fprintf(stderr, "gen_cases: %s has no grids or compounds with boundaries\n", path);
        return 1;
    }
    sqlite3_stmt *q = prep(db, "SELECT count(*) FROM cases");
    if (!q || sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int64(q, 0) != 0) {
        fprintf(stderr, "gen_cases: %s already has cases\n", path);
        return 1;
    }
    sqlite3_finalize(q);
    /* The load: no journal, no sync, a big cache, indexes afterwards. */
    if (exec(db, "PRAGMA journal_mode=DELETE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                 "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-500000; PRAGMA temp_store=MEMORY; "
                 "PRAGMA foreign_keys=OFF;"))
        return 1;
    if (exec(db, "BEGIN"))
        return 1;
    gen g = {0};
    if (batcher_init(&g.bcases, db,
                     "INSERT INTO cases (id, token_hash, category_id, description, attributes, lat, lon, address, "
                     "channel, external_id, reporter_name, reporter_phone, reporter_email, contact_ok, "
                     "reporter_user_id, api_key_id, street_id, community_id, grid_id, compound_id, "
                     "inside_red_line, route_rule_id, route_handler, route_handler_id, route_reason, "
                     "route_reason_en, state, tier, handler, handler_id, department_id, referral_due, open, "
                     "submitted_at, accepted_at, contacted_at, resolved_at, resolved_tier, left_community, "
                     "closed_at, merged_into, reopened_count, escalated_count, due_accept, due_contact, "
                     "due_resolve, due_work, due_at, reminded_at, solved, satisfaction, rating_comment, "
                     "rated_at, updated_at, event_count) VALUES",
                     55, 16) ||
        batcher_init(&g.bevents, db,
                     "INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, "
                     "tier, handler, handler_id, public, text, data) VALUES",
                     13, 48))
        return 1;
    int64_t span = (int64_t)(years * 365 * DAY), start = now - span;
    for (int64_t id = 1; id <= n; id++) {
        int64_t sub = start + (int64_t)(((double)(id - 1) + bench_rand01(&rng)) * (double)span / (double)n);
        if (one_case(db, &g, id, sub, now, &rng))
            return 1;
        if (id % 1000000 == 0)
            fprintf(stderr, "gen_cases: %lld cases, %lld events, %.0f s\n", (long long)id, (long long)g.events,
                    now_s() - t0);
    }
    /* cases first: the events' case_id refer to them */
    if (b_flush(&g.bcases) || b_flush(&g.bevents))
        return 1;
    sqlite3_finalize(g.bcases.full);
    sqlite3_finalize(g.bevents.full);
    if (exec(db, "COMMIT"))
        return 1;
    if (exec(db, "PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL;"))
        return 1;
    sqlite3_close(db);
    printf("GEN cases=%lld events=%lld open=%lld overdue=%lld seconds=%.0f\n", (long long)n, (long long)g.events,
           (long long)g.open, (long long)g.overdue, now_s() - t0);
    printf("GEN states");
    for (int s = 0; s < 12; s++)
        printf(" %s%s=%lld", state_code[s], s == S_OVERDUE ? "(overdue)" : s == S_CLOSED_AUTO ? "(unrated)" : "",
               (long long)g.by_state[s]);
    printf("\n");
    return 0;
}
