/* cases: a demo history of residents' cases (see cases.h). Three parts:
 * the street's places (boundaries from the demo's GeoJSON, located with
 * the same GEOS index as the server's), the reports (when, where, what,
 * how they came in), and a simulation in time order of everyone acting on
 * them — staff, handlers, departments, reporters and the SLA sweep — each
 * step decided by the state machine and stored by the store. */
#include "demo/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "demo/danshui.h"
#include "domain/calendar.h"
#include "domain/routing.h"
#include "geo/geo.h"

#define MIN_MS (60LL * 1000)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)
#define UTC8_MS (8 * HOUR_MS)
#define NEVER INT64_MAX
#define MAX_STEPS 40 /* per case: a guard, far above any plan */

/* ---- randomness: splitmix64, one stream per case ---- */

typedef struct {
    uint64_t s;
} rng;

static uint64_t next64(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double uni(rng *r)
{
    return (double)(next64(r) >> 11) * 0x1.0p-53;
}

static int below(rng *r, int n)
{
    return (int)(uni(r) * n);
}

static int chance(rng *r, int percent)
{
    return below(r, 1000) < percent * 10;
}

static int64_t between(rng *r, int64_t lo, int64_t hi)
{
    return hi <= lo ? lo : lo + (int64_t)(uni(r) * (double)(hi - lo));
}

/* ---- what the reports are about ---- */

typedef struct {
    const char *text;  /* %s: the place */
    const char *attrs; /* the category's Open311 attribute answers, JSON, or NULL */
} report_text;

typedef struct {
    const char *code;
    int weight;            /* share of reports, per mille */
    int inside;            /* % inside a compound's red line (when the grid has compounds) */
    int patrol;            /* grid workers find these on patrol */
    const char *refer_to;  /* a department the community may call in beyond the route (吹哨报到), or NULL */
    report_text reports[4];
    const char *done[2];   /* what the handler did */
} demo_category;

static const demo_category categories[] = {
    {"sanitation", 170, 45, 1, "HY-CGJ",
     {{"%s垃圾桶满溢，已经两天没人清运，气味很大。", NULL},
      {"%s楼道和空地堆放的杂物、垃圾很久没人清理。", NULL},
      {"%s路边有人乱倒建筑垃圾。", NULL},
      {"%s公共厕所卫生很差，希望尽快打扫。", NULL}},
     {"已安排保洁人员清运垃圾，现场已恢复整洁。", "已清理杂物并增加清运频次。"}},
    {"sewage", 70, 35, 1, "HY-SZDJ",
     {{"%s污水井冒水，路面都是污水。", "{\"problem\":\"overflow\"}"},
      {"%s下水道堵塞，一下雨就排不出去。", "{\"problem\":\"blocked\"}"},
      {"%s排水管破裂，一直在漏水。", "{\"problem\":\"broken_pipe\"}"},
      {"%s路口积水很深，行人无法通过。", "{\"problem\":\"standing_water\"}"}},
     {"已疏通管道，污水井恢复正常。", "已更换破损管段并清理现场。"}},
    {"facilities", 90, 40, 1, "HY-CGJ",
     {{"%s健身器材坏了，存在安全隐患。", NULL},
      {"%s休息座椅损坏，老人没地方坐。", NULL},
      {"%s宣传栏玻璃破碎，容易伤人。", NULL},
      {"%s门禁坏了好几天，谁都能进出。", NULL}},
     {"已维修损坏设施并设置临时警示。", "已更换损坏部件，恢复使用。"}},
    {"road", 70, 0, 1, NULL,
     {{"%s路面有个大坑，电动车经过很危险。", "{\"size_m2\":2}"},
      {"%s人行道地砖松动翘起，容易绊倒。", "{\"size_m2\":6}"},
      {"%s井盖破损下陷。", "{\"size_m2\":1}"},
      {"%s路面开裂下沉，下雨积水。", "{\"size_m2\":12}"}},
     {"已修补路面坑槽。", "已更换破损地砖和井盖。"}},
    {"streetlight", 70, 35, 1, NULL,
     {{"%s路灯晚上不亮，一片漆黑。", "{\"pole_number\":\"LD-0417\"}"},
      {"%s路灯白天一直亮着，浪费电。", "{\"pole_number\":\"LD-1203\"}"},
      {"%s有几盏路灯忽明忽暗。", NULL},
      {"%s路灯灯罩脱落，悬在半空。", "{\"pole_number\":\"LD-0862\"}"}},
     {"已更换灯具，照明恢复正常。", "已检修线路，路灯按时开关。"}},
    {"greenery", 60, 40, 1, "HY-CGJ",
     {{"%s树枝太长挡住了窗户和路灯，希望修剪。", NULL},
      {"%s绿化带杂草丛生，蚊虫很多。", NULL},
      {"%s台风后有棵树倒了，压在人行道上。", NULL},
      {"%s草坪被踩秃了，黄土裸露。", NULL}},
     {"已修剪树枝、清理倒伏树木。", "已除草补种并喷洒灭蚊药。"}},
    {"property_repair", 140, 92, 0, NULL,
     {{"%s电梯经常停运，老人上下楼很不方便。", NULL},
      {"%s楼顶漏水，家里天花板渗水。", NULL},
      {"%s单元门门禁坏了，物业一直没修。", NULL},
      {"%s消防通道被车辆堵住，物业不管。", NULL}},
     {"物业已维修完毕，反映人确认。", "已督促物业整改，问题已处理。"}},
    {"noise", 120, 60, 0, NULL,
     {{"%s晚上有人在空地跳广场舞，音响声音太大。", "{\"when\":\"night\",\"source\":\"广场舞音响\"}"},
      {"%s装修从早上七点就开始，噪音很大。", "{\"when\":\"day\",\"source\":\"装修\"}"},
      {"%s附近工地夜间施工，吵得睡不着。", "{\"when\":\"night\",\"source\":\"工地\"}"},
      {"%s楼下烧烤店深夜很吵。", "{\"when\":\"night\",\"source\":\"餐饮店\"}"}},
     {"已上门劝导，约定音量和时间。", "已协调施工方调整作业时间。"}},
    {"dispute", 60, 70, 0, "HY-GADS",
     {{"%s楼上邻居家漏水到我家，协商不成。", NULL},
      {"%s邻居在公共楼道堆放杂物，沟通无果。", NULL},
      {"%s邻居养狗不拴绳，多次发生争执。", NULL},
      {"%s车位被邻居长期占用，调解几次没有结果。", NULL}},
     {"已组织双方调解，达成一致。", "调解成功，双方签订调解协议。"}},
    {"illegal_construction", 50, 50, 1, NULL,
     {{"%s楼顶有人私自加建铁皮房。", NULL},
      {"%s有住户占用公共绿地搭建棚子。", NULL},
      {"%s一楼商铺违规外扩搭建雨棚。", NULL},
      {"%s有人在空地上圈地搭建仓库。", NULL}},
     {"城管执法已责令拆除，现场已恢复。", "违建已拆除，已纳入巡查重点。"}},
    {"security", 30, 30, 0, NULL,
     {{"%s围墙有个缺口，晚上常有陌生人进出。", NULL},
      {"%s电动车在楼道里充电，存在火灾隐患。", NULL},
      {"%s路口监控坏了，最近发生几起盗窃。", NULL},
      {"%s深夜有人聚集喝酒闹事。", NULL}},
     {"已加强巡逻并修复监控。", "已清理楼道电动车，张贴安全提示。"}},
    {"epidemic", 20, 50, 0, NULL,
     {{"%s卫生死角积水，蚊虫滋生，担心登革热。", NULL},
      {"%s希望社区安排老人接种疫苗。", NULL},
      {"%s有人饲养家禽，卫生条件差。", NULL},
      {"%s希望对公共区域进行消杀。", NULL}},
     {"已组织清积水、灭蚊消杀。", "已登记并安排接种。"}},
    {"other", 40, 40, 0, NULL,
     {{"%s希望增设电动车充电桩。", NULL},
      {"%s快递柜太少，包裹经常堆在门口。", NULL},
      {"%s希望社区多组织老年人活动。", NULL},
      {"%s公交站没有遮雨棚。", NULL}},
     {"已协调相关单位落实。", "已答复反映人并纳入社区年度计划。"}},
};
#define NCAT (int)(sizeof categories / sizeof categories[0])

static const char *const surnames[] = {"陈", "黄", "李", "张", "林", "刘", "叶", "钟", "罗", "杨",
                                       "吴", "何", "郭", "曾", "邓", "梁", "谢", "周", "赖", "徐"};
static const char *const road_names[] = {"路", "大道", "一路", "二路", "街", "中路"};
static const char *const comments[4] = {NULL, "处理很及时，谢谢！", "问题解决了，就是等的时间有点长。",
                                        "问题还没有彻底解决，希望再看看。"};

/* ---- the street's places ---- */

typedef struct {
    int64_t id;
    tx_area_kind kind;
    const char *code, *name; /* borrowed from the FeatureCollection */
    int parent;              /* index, -1 for none */
    int population;
    double box[4];           /* min lng, min lat, max lng, max lat */
    int has_box;
} place;

typedef struct {
    place *p;
    int n;
    geo_index *ix;
    int street;
} geography;

static int place_by_code(const geography *g, const char *code)
{
    for (int i = 0; code && i < g->n; i++)
        if (strcmp(g->p[i].code, code) == 0)
            return i;
    return -1;
}

static int place_by_id(const geography *g, int64_t id)
{
    for (int i = 0; id && i < g->n; i++)
        if (g->p[i].id == id)
            return i;
    return -1;
}

static void ring_box(const json_t *geometry, place *p)
{
    json_t *ring = json_array_get(json_object_get(geometry, "coordinates"), 0);
    const char *type = json_string_value(json_object_get(geometry, "type"));
    if (type == NULL || strcmp(type, "Polygon") != 0 || !json_is_array(ring))
        return;
    size_t i;
    json_t *pt;
    json_array_foreach(ring, i, pt)
    {
        double x = json_number_value(json_array_get(pt, 0)), y = json_number_value(json_array_get(pt, 1));
        if (!p->has_box || x < p->box[0])
            p->box[0] = x;
        if (!p->has_box || y < p->box[1])
            p->box[1] = y;
        if (!p->has_box || x > p->box[2])
            p->box[2] = x;
        if (!p->has_box || y > p->box[3])
            p->box[3] = y;
        p->has_box = 1;
    }
}

static void geography_free(geography *g)
{
    geo_index_free(g->ix);
    free(g->p);
    memset(g, 0, sizeof *g);
}

/* The areas of the FeatureCollection, with their stored ids, and the GEOS
 * index over them that the server's locator builds too. */
static int geography_load(store_conn *c, const json_t *areas, geography *g, tx_err *err)
{
    memset(g, 0, sizeof *g);
    g->street = -1;
    json_t *features = json_object_get(areas, "features");
    size_t n = json_array_size(features);
    g->p = calloc(n + 1, sizeof *g->p);
    geo_area *ga = calloc(n + 1, sizeof *ga);
    char **texts = calloc(n + 1, sizeof *texts);
    int rc = g->p && ga && texts ? 0 : tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *f = json_array_get(features, i), *props = json_object_get(f, "properties");
        place *p = &g->p[g->n];
        p->code = json_string_value(json_object_get(props, "code"));
        p->name = json_string_value(json_object_get(props, "name"));
        p->population = (int)json_integer_value(json_object_get(props, "population_resident"));
        if (p->code == NULL || p->name == NULL ||
            tx_area_kind_parse(json_string_value(json_object_get(props, "kind")), &p->kind) != 0)
            continue;
        if (store_area_id_by_code(c, p->code, &p->id, err)) {
            rc = -1;
            break;
        }
        ring_box(json_object_get(f, "geometry"), p);
        texts[g->n] = json_dumps(json_object_get(f, "geometry"), JSON_COMPACT);
        if (p->kind == TX_AREA_STREET && g->street < 0)
            g->street = g->n;
        g->n++;
    }
    for (int i = 0; rc == 0 && i < g->n; i++) {
        json_t *props = NULL;
        /* the parent, by code, from the same feature */
        for (size_t j = 0; j < n; j++) {
            json_t *pj = json_object_get(json_array_get(features, j), "properties");
            const char *code = json_string_value(json_object_get(pj, "code"));
            if (code && strcmp(code, g->p[i].code) == 0) {
                props = pj;
                break;
            }
        }
        g->p[i].parent = place_by_code(g, json_string_value(json_object_get(props, "parent_code")));
        ga[i] = (geo_area){g->p[i].id, g->p[i].kind, g->p[i].parent, g->p[i].code, texts[i]};
    }
    if (rc == 0) {
        geo_problem why;
        g->ix = geo_index_build(ga, g->n, &why);
        if (g->ix == NULL || g->street < 0)
            rc = tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    for (size_t i = 0; texts && i <= n; i++)
        free(texts[i]);
    free(texts);
    free(ga);
    if (rc)
        geography_free(g);
    return rc;
}

/* A point inside area i: inside its red line (a compound), or in its grid
 * outside every compound. Rejection sampling in the bounding box, each
 * candidate located as the server would. */
static int sample_point(const geography *g, rng *r, int i, double *lat, double *lng, geo_hit *hit)
{
    const place *a = &g->p[i];
    if (!a->has_box)
        return -1;
    for (int tries = 0; tries < 400; tries++) {
        /* 1e-6 degree (about 10 cm), as a phone reports it */
        double x = (double)(int64_t)((a->box[0] + uni(r) * (a->box[2] - a->box[0])) * 1e6) / 1e6;
        double y = (double)(int64_t)((a->box[1] + uni(r) * (a->box[3] - a->box[1])) * 1e6) / 1e6;
        if (geo_locate(g->ix, y, x, hit) <= 0)
            continue;
        int ok = a->kind == TX_AREA_COMPOUND ? hit->compound == a->id && hit->inside_red_line
                                             : hit->grid == a->id && hit->compound == 0;
        if (ok) {
            *lat = y;
            *lng = x;
            return 0;
        }
    }
    return -1;
}

/* ---- the cases being lived through ---- */

enum {
    F_INVALID = 1u << 0,        /* spam: found invalid at intake */
    F_MERGE = 1u << 1,          /* a duplicate of an earlier report nearby */
    F_LATE_ACCEPT = 1u << 2,    /* nobody accepts it in time: the sweep moves it up */
    F_STAFF_ESCALATE = 1u << 3, /* the grid worker sends it up to the community */
    F_REFER = 1u << 4,          /* the community calls in a department (吹哨报到) */
    F_RETURN = 1u << 5,         /* the property company says it is not theirs */
    F_SLOW = 1u << 6,           /* handled past its deadline once: the sweep escalates it */
    F_STALL = 1u << 7,          /* never finished: it climbs to the street and stays overdue */
    F_LATE_CONTACT = 1u << 8,   /* the reporter is called back late */
    F_NO_RATING = 1u << 9,      /* the reporter never rates: closed when the rating period ends */
    F_STAFF_REOPEN = 1u << 10,  /* staff reopen it after it closed */
};

enum { CH_WEB, CH_HOTLINE, CH_STAFF, CH_PATROL };
static const char *const channel_codes[] = {"web", "hotline", "staff", "patrol"};

typedef struct {
    int64_t id; /* 0 until reported */
    int64_t at; /* when it next happens: the report, then the next step; NEVER when nothing is planned */
    int cat, channel, text, road;
    int place;  /* the grid or compound (area index) it is reported in */
    int story;  /* the 御珑名苑 sewer, as in the README */
    double lat, lng;
    unsigned flags;
    int64_t merge_into; /* case id */
    int64_t department; /* F_REFER: which */
    int satisfaction, solved; /* the first rating */
    int steps, ratings, returned, escalated, referred, slowed, reopened_by_staff;
    rng r;
} sim;

typedef struct {
    store_conn *c;
    store_catalogue *cat;
    geography g;
    sim *s;
    int n;
    int64_t now;
    int64_t remind_ms;
    demo_cases_result *out;
    struct {
        int64_t id;
        char code[64];
    } orgs[64];
    int norgs;
} world;

/* Someone acting: the principal the state machine decides for and the
 * actor the event records (a demo account's login where one has this
 * scope, else a made-up name saying it is demo data). */
typedef struct {
    tx_principal p;
    char actor[96];
    const char *role;
} who;

static const char *org_code(world *w, int64_t id)
{
    for (int i = 0; i < w->norgs; i++)
        if (w->orgs[i].id == id)
            return w->orgs[i].code;
    json_t *o = NULL;
    tx_err ignore;
    const char *code = "?";
    if (w->norgs < (int)(sizeof w->orgs / sizeof w->orgs[0]) && store_org_get(w->c, id, &o, &ignore) == 0) {
        w->orgs[w->norgs].id = id;
        snprintf(w->orgs[w->norgs].code, sizeof w->orgs[0].code, "%s",
                 json_string_value(json_object_get(o, "code")) ? json_string_value(json_object_get(o, "code")) : "?");
        code = w->orgs[w->norgs++].code;
    }
    json_decref(o);
    return code;
}

static void person(world *w, who *x, tx_role role, int64_t scope_id)
{
    memset(x, 0, sizeof *x);
    x->p.role = role;
    x->role = tx_role_name(role);
    int org = role == TX_ROLE_MEMBER_UNIT || role == TX_ROLE_DEPARTMENT_STAFF;
    x->p.scope.kind = org ? TX_SCOPE_ORG : TX_SCOPE_AREA;
    x->p.scope.id = scope_id;
    int i = org ? -1 : place_by_id(&w->g, scope_id);
    const char *code = org ? org_code(w, scope_id) : i >= 0 ? w->g.p[i].code : "?";
    snprintf(x->p.scope.code, sizeof x->p.scope.code, "%s", code);
    for (int k = 0; k < demo_accounts_count; k++)
        if (demo_accounts[k].scope_code && strcmp(demo_accounts[k].scope_code, code) == 0 &&
            strcmp(demo_accounts[k].role, x->role) == 0) {
            snprintf(x->p.login, sizeof x->p.login, "%s", demo_accounts[k].login);
            snprintf(x->actor, sizeof x->actor, "user:%s", demo_accounts[k].login);
            return;
        }
    snprintf(x->p.login, sizeof x->p.login, "demo-%s", code);
    snprintf(x->actor, sizeof x->actor, "demo:%s:%s", x->role, code);
}

/* The staff in charge of the case at its tier: its grid worker, its
 * community's staff, its street's admins. */
static void in_charge(world *w, const tx_case *k, who *x)
{
    if (k->tier == TX_TIER_GRID && k->grid_id)
        person(w, x, TX_ROLE_GRID_WORKER, k->grid_id);
    else if (k->tier <= TX_TIER_COMMUNITY && k->community_id)
        person(w, x, TX_ROLE_COMMUNITY_STAFF, k->community_id);
    else
        person(w, x, TX_ROLE_STREET_ADMIN, k->street_id);
}

/* Whoever handles it now. */
static void handler(world *w, const tx_case *k, who *x)
{
    switch (k->handler) {
    case TX_HANDLER_GRID_WORKER: person(w, x, TX_ROLE_GRID_WORKER, k->handler_id); break;
    case TX_HANDLER_COMMUNITY_OFFICE: person(w, x, TX_ROLE_COMMUNITY_STAFF, k->handler_id); break;
    case TX_HANDLER_STREET_OFFICE: person(w, x, TX_ROLE_STREET_ADMIN, k->handler_id); break;
    case TX_HANDLER_PROPERTY_COMPANY: person(w, x, TX_ROLE_MEMBER_UNIT, k->handler_id); break;
    case TX_HANDLER_DEPARTMENT: person(w, x, TX_ROLE_DEPARTMENT_STAFF, k->handler_id); break;
    default: in_charge(w, k, x); break;
    }
}

/* ---- times ---- */

static int local_hour(int64_t t)
{
    return (int)(((t + UTC8_MS) / HOUR_MS) % 24);
}

/* People work in the day: a step planned at night moves to the next
 * morning, unless that would miss a deadline it is meant to meet. */
static int64_t daytime(sim *s, int64_t t, int64_t keep_before)
{
    int h = local_hour(t);
    if (h >= 8 && h < 21)
        return t;
    int64_t day = (t + UTC8_MS) / DAY_MS * DAY_MS - UTC8_MS; /* local midnight */
    int64_t morning = day + (h >= 21 ? DAY_MS : 0) + 8 * HOUR_MS + between(&s->r, 0, 90 * MIN_MS);
    return keep_before && morning >= keep_before ? t : morning;
}

/* A time well before due (a fraction lo..hi of what is left), or soon
 * after now when due has passed or is too close. */
static int64_t in_time(sim *s, int64_t now, int64_t due, double lo, double hi)
{
    if (due - now < 20 * MIN_MS)
        return now + between(&s->r, 5 * MIN_MS, 30 * MIN_MS);
    int64_t t = now + (int64_t)((lo + uni(&s->r) * (hi - lo)) * (double)(due - now));
    if (t < now + 3 * MIN_MS)
        t = now + 3 * MIN_MS;
    return daytime(s, t, due);
}

static int64_t after(sim *s, int64_t now, int64_t lo, int64_t hi)
{
    return daytime(s, now + between(&s->r, lo, hi), 0);
}

/* ---- the reports ---- */

static void phone(rng *r, char *out, size_t n)
{
    snprintf(out, n, "1390000%04d", below(r, 10000));
}

static int sim_at(const world *w, int64_t id)
{
    /* cases are reported in order, so ids grow with the index */
    int lo = 0, hi = w->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (w->s[mid].id == 0 || w->s[mid].id > id)
            hi = mid - 1;
        else if (w->s[mid].id < id)
            lo = mid + 1;
        else
            return mid;
    }
    return -1;
}

/* Store the report: placed, routed and given its deadlines as intake does. */
static int report(world *w, sim *s, tx_err *err)
{
    const demo_category *dc = &categories[s->cat];
    const store_category *k = store_catalogue_category(w->cat, dc->code);
    if (k == NULL)
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    geo_hit hit;
    memset(&hit, 0, sizeof hit);
    geo_locate(w->g.ix, s->lat, s->lng, &hit);
    tx_route_place p;
    memset(&p, 0, sizeof p);
    const int64_t ids[4] = {hit.street, hit.community, hit.grid, hit.compound};
    tx_route_area *slots[4] = {&p.street, &p.community, &p.grid, &p.compound};
    for (int i = 0; i < 4; i++) {
        int at = place_by_id(&w->g, ids[i]);
        if (at >= 0)
            *slots[i] = (tx_route_area){ids[i], w->g.p[at].name};
    }
    if (p.street.id == 0)
        p.street = (tx_route_area){w->g.p[w->g.street].id, w->g.p[w->g.street].name};
    p.inside_red_line = hit.inside_red_line && hit.compound != 0;
    if (p.inside_red_line)
        p.property_company_id = store_catalogue_manager(w->cat, hit.compound, &p.property_company_name);
    int story_compound = s->story ? place_by_code(&w->g, "DS-BY-G01-C01") : -1;
    if (story_compound >= 0)
        p.named_compound = (tx_route_area){w->g.p[story_compound].id, w->g.p[story_compound].name};
    tx_route_decision route;
    tx_route_decide(&p, k->id, w->cat->rules, w->cat->n_rules, &route);

    store_case_in in;
    memset(&in, 0, sizeof in);
    if (tx_cal_deadline(&w->cat->calendar, s->at, k->accept, &in.due_accept) ||
        tx_cal_deadline(&w->cat->calendar, s->at, k->contact, &in.due_contact) ||
        tx_cal_deadline(&w->cat->calendar, s->at, k->resolve, &in.due_resolve))
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    /* what it is about, and where in words */
    char where[160], description[600], address[200], name[32], tel[16], external[40];
    int i = s->place;
    if (w->g.p[i].kind == TX_AREA_COMPOUND) {
        snprintf(where, sizeof where, "%s", w->g.p[i].name);
    } else {
        /* a made-up road named after the community: 白云社区 → 白云二路 */
        int comm = w->g.p[i].parent;
        const char *cn = comm >= 0 ? w->g.p[comm].name : "淡水";
        size_t len = strlen(cn);
        if (len > 6 && strcmp(cn + len - 6, "社区") == 0)
            len -= 6;
        snprintf(where, sizeof where, "%.*s%s", (int)len, cn, road_names[s->road]);
    }
    if (s->story)
        snprintf(where, sizeof where, "御珑名苑红线外");
    const report_text *rt = &dc->reports[s->text];
    snprintf(description, sizeof description, rt->text, where);
    snprintf(address, sizeof address, "淡水街道%s", where);
    snprintf(name, sizeof name, "%s%s", surnames[below(&s->r, 20)], chance(&s->r, 50) ? "女士" : "先生");
    phone(&s->r, tel, sizeof tel);
    char token[TX_TOKEN_LEN + 1], token_hash[TX_TOKEN_HASH_LEN + 1];
    tx_token_new(token);
    tx_token_hash(token, strlen(token), token_hash);
    who reporter;
    memset(&reporter, 0, sizeof reporter);
    in.actor = "reporter";
    in.actor_role = "reporter";
    int has_reporter = s->channel != CH_PATROL;
    switch (s->channel) {
    case CH_HOTLINE:
        /* the hotline system, through its API key */
        snprintf(external, sizeof external, "12345-%lld", (long long)(100000 + s - w->s));
        in.external_id = external;
        in.actor = "apikey:12345-hotline";
        in.actor_role = tx_role_name(TX_ROLE_API_CLIENT);
        break;
    case CH_STAFF:
        person(w, &reporter, TX_ROLE_COMMUNITY_STAFF, p.community.id);
        in.actor = reporter.actor;
        in.actor_role = reporter.role;
        break;
    case CH_PATROL:
        person(w, &reporter, TX_ROLE_GRID_WORKER, p.grid.id);
        in.actor = reporter.actor;
        in.actor_role = reporter.role;
        break;
    default: break;
    }
    in.category_id = k->id;
    in.description = description;
    in.attributes = rt->attrs;
    in.has_point = 1;
    in.lat = s->lat;
    in.lon = s->lng;
    in.address = address;
    in.channel = channel_codes[s->channel];
    in.reporter_name = has_reporter ? name : NULL;
    in.reporter_phone = has_reporter ? tel : NULL;
    in.contact_ok = has_reporter;
    in.street_id = p.street.id;
    in.community_id = p.community.id;
    in.grid_id = p.grid.id;
    in.compound_id = p.compound.id;
    in.inside_red_line = p.inside_red_line;
    in.route = &route;
    in.submitted_at = s->at;
    in.token_hash = token_hash;
    if (store_case_create(w->c, &in, &s->id, NULL, err))
        return -1;
    w->out->cases++;
    /* 受理: in time, unless nobody gets to it */
    /* (late: after the sweep's round that moves it up a tier, and in time there) */
    s->at = s->flags & F_LATE_ACCEPT ? (in.due_accept / HOUR_MS + 1) * HOUR_MS + between(&s->r, 5 * MIN_MS, 60 * MIN_MS)
                                     : in_time(s, s->at, in.due_accept, 0.05, 0.6);
    return 0;
}

/* ---- one step, decided by the state machine and stored ---- */

static int take(world *w, sim *s, store_case_state *b, tx_case_request *r, store_step_in *st, tx_err *err)
{
    tx_case_outcome out;
    if (tx_case_decide(&b->snap, r, &out) != 0) {
        if (w->out->refused++ == 0)
            snprintf(w->out->first_refusal, sizeof w->out->first_refusal, "case %lld: %s %s: %.160s",
                     (long long)s->id, st->action, tx_case_state_code(b->snap.state), out.reason[1]);
        return 1;
    }
    st->public_event = out.public_event;
    if (store_case_step(w->c, b, &out, st, NULL, err))
        return -1;
    w->out->steps++;
    return 0;
}

static int64_t rework_due(world *w, const store_case_state *b, int64_t now)
{
    const store_category *k = store_catalogue_category_by_id(w->cat, b->category_id);
    int64_t due = 0;
    if (k == NULL || tx_cal_deadline(&w->cat->calendar, now, k->resolve, &due))
        due = 0;
    return due;
}

static const char *contact_text(const sim *s)
{
    return s->channel == CH_PATROL ? "网格员巡查发现，已到现场核实情况" : "已电话联系反映人，了解具体情况";
}

static const char *done_text(const sim *s)
{
    return categories[s->cat].done[s->id % 2];
}

/* What happens to s now, by its state and its plan; sets s->at to its next
 * step (NEVER when it waits for nobody it plans for). */
static int act(world *w, sim *s, tx_err *err)
{
    int64_t now = s->at;
    s->at = NEVER;
    if (++s->steps > MAX_STEPS)
        return 0;
    store_case_state b, target;
    if (store_case_load(w->c, s->id, &b, err))
        return -1;
    const tx_case *k = &b.snap;
    who x, anon;
    in_charge(w, k, &x);
    tx_case_request r = {.actor = &x.p, .now_ms = now, .action = TX_CASE__ACTION_COUNT /* none yet */};
    store_step_in st = {.at = now};
    json_t *data = json_object();
    st.data = data;
    int64_t next = NEVER;
    int route_dept = strcmp(b.route_handler, "department") == 0;
    switch (k->state) {
    case TX_CASE_SUBMITTED:
        if (s->flags & F_INVALID) {
            r.action = TX_CASE_INVALIDATE;
            st.text = "经核实为与本辖区无关的重复广告信息，判定无效";
        } else if (s->merge_into && store_case_load(w->c, s->merge_into, &target, err) == 0 &&
                   target.snap.state != TX_CASE_MERGED && target.snap.state != TX_CASE_INVALID) {
            r.action = TX_CASE_MERGE;
            r.merge_into = &target.snap;
            json_object_set_new(data, "merge_into", json_integer(s->merge_into));
        } else {
            tx_err_clear(err);
            r.action = TX_CASE_ACCEPT;
            next = after(s, now, 5 * MIN_MS, 90 * MIN_MS);
        }
        break;
    case TX_CASE_ACCEPTED:
    case TX_CASE_RETURNED:
    case TX_CASE_REOPENED:
        next = k->contacted_at ? after(s, now, 10 * MIN_MS, 6 * HOUR_MS)
                               : b.due_contact + between(&s->r, HOUR_MS, DAY_MS); /* called back late */
        if (!k->contacted_at && !(s->flags & F_LATE_CONTACT)) {
            /* 响应: first, call the reporter back */
            r.action = TX_CASE_CONTACT;
            st.text = contact_text(s);
            next = after(s, now, 5 * MIN_MS, 2 * HOUR_MS);
        } else if ((s->flags & (F_STAFF_ESCALATE | F_REFER)) && !s->escalated && k->tier == TX_TIER_GRID) {
            r.action = TX_CASE_ESCALATE;
            st.text = s->flags & F_REFER ? "需要区直部门执法处置，网格无法解决，上报社区“吹哨”"
                                         : "涉及多方协调，网格无法单独处置，上报社区";
            s->escalated = 1;
            next = after(s, now, 30 * MIN_MS, 5 * HOUR_MS);
        } else if (!s->referred && k->tier >= TX_TIER_COMMUNITY && (route_dept || (s->flags & F_REFER))) {
            if (k->tier == TX_TIER_COMMUNITY)
                person(w, &x, TX_ROLE_COMMUNITY_STAFF, k->community_id); /* the owner refers (首接负责) */
            r.action = TX_CASE_REFER;
            r.department_id = route_dept && !(s->flags & F_REFER) ? b.route_handler_id : s->department;
            const store_category *kc = store_catalogue_category_by_id(w->cat, b.category_id);
            if (kc == NULL || tx_cal_deadline(&w->cat->calendar, now, kc->resolve, &r.due_ms))
                r.due_ms = now + 5 * DAY_MS;
            json_object_set_new(data, "department_id", json_integer(r.department_id));
            json_object_set_new(data, "due", json_integer(r.due_ms));
            st.text = "转交区直部门办理（吹哨报到）";
            s->referred = 1;
            next = after(s, now, 2 * HOUR_MS, DAY_MS);
        } else {
            r.action = TX_CASE_DISPATCH;
            int64_t company = strcmp(b.route_handler, "property_company") == 0 ? b.route_handler_id : 0;
            if (company && k->tier == TX_TIER_GRID && !s->returned) {
                r.handler = TX_HANDLER_PROPERTY_COMPANY;
                r.handler_id = company;
            } else {
                r.handler = k->tier == TX_TIER_GRID && k->grid_id ? TX_HANDLER_GRID_WORKER
                            : k->tier <= TX_TIER_COMMUNITY       ? TX_HANDLER_COMMUNITY_OFFICE
                                                                 : TX_HANDLER_STREET_OFFICE;
            }
            json_object_set_new(data, "handler", json_string(tx_case_handler_code(r.handler)));
            json_object_set_new(data, "handler_id", json_integer(r.handler_id));
        }
        break;
    case TX_CASE_DISPATCHED:
    case TX_CASE_IN_PROGRESS:
        if (k->state == TX_CASE_DISPATCHED && (s->flags & F_RETURN) && !s->returned &&
            k->handler == TX_HANDLER_PROPERTY_COMPANY) {
            handler(w, k, &x);
            r.action = TX_CASE_RETURN;
            st.text = "经核实不属于物业服务合同范围，退回重新派单";
            s->returned = 1;
            next = after(s, now, 20 * MIN_MS, 4 * HOUR_MS);
        } else if (!k->contacted_at) {
            /* the department's case is followed by its community (首接负责) */
            if (k->handler != TX_HANDLER_DEPARTMENT)
                handler(w, k, &x);
            r.action = TX_CASE_CONTACT;
            st.text = contact_text(s);
            next = after(s, now, 10 * MIN_MS, 3 * HOUR_MS);
        } else if (k->state == TX_CASE_DISPATCHED) {
            handler(w, k, &x);
            r.action = TX_CASE_START;
            /* a department reports back in time for the case's own deadline too */
            int64_t due = k->handler == TX_HANDLER_DEPARTMENT && b.due_work > now && b.due_work < b.due_at
                              ? b.due_work
                              : b.due_at;
            if (k->handler == TX_HANDLER_DEPARTMENT || !(s->flags & (F_SLOW | F_STALL)) || s->slowed)
                next = in_time(s, now, due, 0.15, 0.7);
            else if (s->flags & F_SLOW)
                next = b.due_at + between(&s->r, HOUR_MS, 2 * DAY_MS), s->slowed = 1;
            else if (k->tier == TX_TIER_STREET)
                next = b.due_at + between(&s->r, DAY_MS, 40 * DAY_MS); /* stalled: the street finishes it, late */
        } else if (k->handler == TX_HANDLER_DEPARTMENT) {
            handler(w, k, &x);
            r.action = TX_CASE_REPORT_BACK;
            st.text = done_text(s);
            next = in_time(s, now, b.due_work, 0.1, 0.6); /* the community checks and resolves */
        } else if ((s->flags & F_STALL) && k->tier < TX_TIER_STREET) {
            break; /* nobody finishes it: the sweep takes it up the tiers */
        } else {
            handler(w, k, &x);
            r.action = TX_CASE_RESOLVE;
            st.text = done_text(s);
            st.due_at = now + TX_CASE_DEFAULT_RATING_PERIOD_MS; /* the end of the rating period governs */
            if (s->channel == CH_PATROL || !(s->flags & F_NO_RATING) || s->ratings)
                next = now + between(&s->r, 2 * HOUR_MS, 4 * DAY_MS);
        }
        break;
    case TX_CASE_RESOLVED:
        if (s->channel == CH_PATROL) {
            r.action = TX_CASE_CLOSE; /* found on patrol: nobody to rate it */
            st.text = "巡查发现的问题已处置到位，无反映人，结案";
        } else if (s->ratings && chance(&s->r, 45)) {
            break; /* no answer after the rework: its last answers stand, the sweep closes it */
        } else {
            r.action = TX_CASE_RATE;
            int first = s->ratings++ == 0;
            int sat = first ? s->satisfaction : (chance(&s->r, 80) ? TX_SAT_SATISFIED : TX_SAT_BASICALLY_SATISFIED);
            int solved = first ? s->solved : TX_SOLVED_YES;
            r.solved = (tx_case_solved)solved;
            r.satisfaction = (tx_case_satisfaction)sat;
            st.solved = tx_case_solved_code(r.solved);
            st.satisfaction = tx_case_satisfaction_code(r.satisfaction);
            st.comment = comments[sat];
            st.text = st.comment;
            st.due_work = rework_due(w, &b, now);
            json_object_set_new(data, "solved", json_string(st.solved));
            json_object_set_new(data, "satisfaction", json_string(st.satisfaction));
            if (s->channel == CH_WEB) {
                /* the reporter, by the tracking link */
                memset(&anon, 0, sizeof anon);
                r.actor = &anon.p;
                r.reporter_token = 1;
                snprintf(x.actor, sizeof x.actor, "reporter");
                x.role = "reporter";
            } /* else a follow-up call (回访) recorded by the staff in charge */
            if (solved != TX_SOLVED_YES || sat == TX_SAT_UNSATISFIED)
                next = after(s, now, HOUR_MS, DAY_MS); /* rework */
            else if (s->flags & F_STAFF_REOPEN)
                next = after(s, now, 2 * DAY_MS, 10 * DAY_MS);
        }
        break;
    case TX_CASE_CLOSED:
        if ((s->flags & F_STAFF_REOPEN) && !s->reopened_by_staff) {
            r.action = TX_CASE_REOPEN;
            st.text = "回访发现问题复发，重新办理";
            st.due_work = rework_due(w, &b, now);
            s->reopened_by_staff = 1;
            next = after(s, now, HOUR_MS, DAY_MS);
        }
        break;
    default: break;
    }
    int rc = 0;
    if (r.action != TX_CASE__ACTION_COUNT) {
        st.action = tx_case_action_code(r.action);
        st.actor = x.actor;
        st.actor_role = x.role;
        r.has_text = st.text && *st.text;
        r.rating_period_ms = TX_CASE_DEFAULT_RATING_PERIOD_MS;
        rc = take(w, s, &b, &r, &st, err);
        if (rc == 1)
            next = NEVER, rc = 0;
    }
    json_decref(data);
    /* a plan made from a deadline that has already passed: soon, then */
    if (next != NEVER && next <= now)
        next = now + between(&s->r, 5 * MIN_MS, HOUR_MS);
    s->at = next;
    return rc;
}

/* ---- the SLA sweep, as the server runs it (api/sweep.c), once an hour ---- */

static int sweep_one(world *w, int64_t id, int64_t now, tx_err *err)
{
    store_case_state b;
    if (store_case_load(w->c, id, &b, err))
        return -1;
    const store_category *k = store_catalogue_category_by_id(w->cat, b.category_id);
    tx_case_request q = {.actor = NULL, .now_ms = now, .has_text = 1,
                         .rating_period_ms = TX_CASE_DEFAULT_RATING_PERIOD_MS};
    store_step_in s = {.actor = "platform", .actor_role = "platform", .at = now};
    tx_case_outcome out;
    int i = sim_at(w, id);
    if (b.snap.state == TX_CASE_RESOLVED) {
        if (b.due_at > now)
            return 0;
        q.action = TX_CASE_CLOSE;
        s.action = "close";
        s.text = "评价期已过，反映人未评价，自动结案";
    } else if (b.due_at <= now && b.snap.tier < TX_TIER_STREET) {
        q.action = TX_CASE_ESCALATE;
        s.action = "escalate";
        s.text = "逾期未办结，按时限自动上报上一级";
        int submitted = b.snap.state == TX_CASE_SUBMITTED;
        tx_duration d = k ? (submitted ? k->accept : k->resolve) : (tx_duration){TX_DUR_WORKING_DAYS, 5};
        int64_t due;
        if (tx_cal_deadline(&w->cat->calendar, now, d, &due))
            due = now + 24 * HOUR_MS;
        if (submitted)
            s.due_at = due;
        else
            s.due_work = due;
    } else {
        int64_t window = (k ? k->remind_hours : 4) * HOUR_MS;
        if (b.due_at - window > now)
            return 0;
        memset(&out, 0, sizeof out);
        out.next = b.snap;
        s.action = "remind";
        s.text = b.due_at <= now ? "已逾期，请尽快办理" : "临近办理时限，请抓紧办理";
        s.due_at = b.due_at;
        if (store_case_step(w->c, &b, &out, &s, NULL, err))
            return -1;
        w->out->sweep_steps++;
        return 0;
    }
    if (tx_case_decide(&b.snap, &q, &out) != 0)
        return 0; /* as the sweep: a 409 leaves it for the next round */
    s.public_event = out.public_event;
    if (store_case_step(w->c, &b, &out, &s, NULL, err))
        return -1;
    w->out->sweep_steps++;
    /* the tier above takes up a case nobody plans for (a stalled one) */
    if (q.action == TX_CASE_ESCALATE && i >= 0 && w->s[i].at == NEVER)
        w->s[i].at = after(&w->s[i], now, HOUR_MS, 8 * HOUR_MS);
    return 0;
}

static int sweep(world *w, int64_t now, tx_err *err)
{
    int64_t *ids = NULL;
    int n = 0;
    if (store_case_due(w->c, now, w->remind_ms, 100000, &ids, &n, err))
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = sweep_one(w, ids[i], now, err);
    free(ids);
    return rc;
}

/* ---- planning the reports ---- */

static int by_time(const void *a, const void *b)
{
    const sim *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* A weighted pick: weights[i] >= 0. */
static int pick(rng *r, const int *weights, int n)
{
    long total = 0;
    for (int i = 0; i < n; i++)
        total += weights[i];
    long x = (long)(uni(r) * (double)total);
    for (int i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

/* When a report comes in: a day of the period (weekends quieter), an hour
 * of the waking day (security at any hour). */
static int64_t report_time(rng *r, int64_t now, int cat)
{
    static const int hour_weight[24] = {2, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 12, 9, 10, 13, 14, 14, 13, 12, 12, 10, 8,
                                        5, 3};
    for (;;) {
        int64_t day = (now + UTC8_MS) / DAY_MS - 1 - below(r, DEMO_CASES_DAYS);
        int weekday = (int)((day + 3) % 7); /* 0 Monday */
        if (weekday >= 5 && chance(r, 30))
            continue;
        int hour = strcmp(categories[cat].code, "security") == 0 ? below(r, 24) : pick(r, hour_weight, 24);
        int64_t t = day * DAY_MS - UTC8_MS + hour * HOUR_MS + below(r, 60) * MIN_MS + below(r, 60) * 1000;
        if (t < now - 10 * MIN_MS)
            return t;
    }
}

static int plan(world *w, uint64_t seed, int count, tx_err *err)
{
    rng r = {seed * 0x2545F4914F6CDD1DULL + 0x5EED};
    /* the communities by population, their grids, the grids' compounds */
    int comm[64], ncomm = 0, weight[64];
    for (int i = 0; i < w->g.n && ncomm < 64; i++)
        if (w->g.p[i].kind == TX_AREA_COMMUNITY) {
            weight[ncomm] = w->g.p[i].population > 0 ? w->g.p[i].population : 10000;
            comm[ncomm++] = i;
        }
    int cat_weight[NCAT];
    for (int i = 0; i < NCAT; i++)
        cat_weight[i] = categories[i].weight;
    int *grids = calloc((size_t)w->g.n + 1, sizeof *grids), *cpds = calloc((size_t)w->g.n + 1, sizeof *cpds);
    w->s = calloc((size_t)count, sizeof *w->s);
    if (!grids || !cpds || !w->s || ncomm == 0) {
        free(grids);
        free(cpds);
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    int64_t szdj = 0, cgj = 0, gads = 0;
    tx_err ignore;
    store_org_id_by_code(w->c, "HY-SZDJ", &szdj, &ignore);
    store_org_id_by_code(w->c, "HY-CGJ", &cgj, &ignore);
    store_org_id_by_code(w->c, "HY-GADS", &gads, &ignore);
    for (int n = 0; n < count; n++) {
        sim *s = &w->s[w->n];
        memset(s, 0, sizeof *s);
        s->r.s = next64(&r);
        s->story = n == 0;
        int c = s->story ? place_by_code(&w->g, "DS-BY") : comm[pick(&r, weight, ncomm)];
        s->cat = s->story ? 1 /* sewage */ : pick(&r, cat_weight, NCAT);
        const demo_category *dc = &categories[s->cat];
        int ng = 0;
        for (int i = 0; i < w->g.n; i++)
            if (w->g.p[i].kind == TX_AREA_GRID && w->g.p[i].parent == c)
                grids[ng++] = i;
        if (ng == 0)
            continue;
        int grid = s->story ? place_by_code(&w->g, "DS-BY-G01") : grids[below(&r, ng)];
        int nc = 0;
        for (int i = 0; i < w->g.n; i++)
            if (w->g.p[i].kind == TX_AREA_COMPOUND && w->g.p[i].parent == grid)
                cpds[nc++] = i;
        s->place = !s->story && nc && chance(&r, dc->inside) ? cpds[below(&r, nc)] : grid;
        geo_hit hit;
        if (sample_point(&w->g, &s->r, s->place, &s->lat, &s->lng, &hit)) {
            s->place = grid;
            if (sample_point(&w->g, &s->r, grid, &s->lat, &s->lng, &hit))
                continue; /* nowhere to put it (a grid of red lines only): leave it out */
        }
        s->text = s->story ? 0 : below(&r, 4);
        s->road = below(&r, 6);
        int ch = below(&r, 100);
        s->channel = s->story ? CH_WEB
                     : ch < 42 ? CH_WEB
                     : ch < 72 ? CH_HOTLINE
                     : ch < 84 ? CH_STAFF
                     : dc->patrol ? CH_PATROL
                                  : CH_WEB;
        s->at = s->story ? (w->now + UTC8_MS) / DAY_MS * DAY_MS - UTC8_MS - 20 * DAY_MS + 9 * HOUR_MS + 40 * MIN_MS
                         : report_time(&r, w->now, s->cat);
        /* its fate */
        int f = below(&r, 1000);
        if (!s->story && f < 20)
            s->flags |= F_INVALID;
        else if (!s->story && f < 55)
            s->flags |= F_MERGE;
        if (chance(&r, 6))
            s->flags |= F_LATE_ACCEPT;
        if (chance(&r, 7))
            s->flags |= F_STAFF_ESCALATE;
        if (dc->refer_to && chance(&r, 6)) {
            s->flags |= F_REFER;
            s->department = strcmp(dc->refer_to, "HY-SZDJ") == 0 ? szdj : strcmp(dc->refer_to, "HY-CGJ") == 0 ? cgj : gads;
            if (s->department == 0)
                s->flags &= ~F_REFER;
        }
        if (chance(&r, 12))
            s->flags |= F_RETURN;
        if (chance(&r, 8))
            s->flags |= F_SLOW;
        else if (chance(&r, 4))
            s->flags |= F_STALL;
        if (chance(&r, 6))
            s->flags |= F_LATE_CONTACT;
        if (chance(&r, 9))
            s->flags |= F_NO_RATING;
        if (chance(&r, 2))
            s->flags |= F_STAFF_REOPEN;
        int sat = below(&r, 100);
        s->satisfaction = sat < 62 ? TX_SAT_SATISFIED : sat < 90 ? TX_SAT_BASICALLY_SATISFIED : TX_SAT_UNSATISFIED;
        s->solved = s->satisfaction == TX_SAT_UNSATISFIED || chance(&r, 5) ? TX_SOLVED_NO : TX_SOLVED_YES;
        if (s->story) {
            s->flags = 0;
            s->satisfaction = TX_SAT_SATISFIED;
            s->solved = TX_SOLVED_YES;
        }
        w->n++;
    }
    free(grids);
    free(cpds);
    /* in time order: ids grow with time, as they would */
    qsort(w->s, (size_t)w->n, sizeof *w->s, by_time);
    /* a duplicate repeats a report of the last days: the same problem at
     * the same place, by someone else */
    for (int i = 0; i < w->n; i++) {
        sim *s = &w->s[i];
        if (!(s->flags & F_MERGE))
            continue;
        s->flags &= ~F_MERGE;
        for (int j = i - 1; j >= 0 && w->s[j].at > s->at - 7 * DAY_MS; j--) {
            const sim *t = &w->s[j];
            if (!(t->flags & (F_INVALID | F_MERGE)) && !t->story) {
                s->flags |= F_MERGE;
                s->cat = t->cat;
                s->text = t->text;
                s->road = t->road;
                s->place = t->place;
                s->merge_into = -1 - j; /* its index, until it has an id */
                s->lat = t->lat + (double)(below(&s->r, 40) - 20) * 1e-6;
                s->lng = t->lng + (double)(below(&s->r, 40) - 20) * 1e-6;
                break;
            }
        }
    }
    return 0;
}

/* ---- the whole history ---- */

int demo_cases_load(store_conn *c, const json_t *areas, uint64_t seed, int64_t now_ms, int count,
                    demo_cases_result *out, tx_err *err)
{
    memset(out, 0, sizeof *out);
    if (count <= 0)
        count = DEMO_CASES_DEFAULT;
    /* only once: a second run would double the history */
    store_case_filter any = {.limit = 1};
    json_t *page = NULL;
    if (store_case_list(c, &any, &page, err))
        return -1;
    out->existing = (int)json_integer_value(json_object_get(page, "total"));
    json_decref(page);
    if (out->existing)
        return 0;

    world w;
    memset(&w, 0, sizeof w);
    w.c = c;
    w.now = now_ms;
    w.out = out;
    if (geography_load(c, areas, &w.g, err))
        return -1;
    if (store_catalogue_load(c, &w.cat, err)) {
        geography_free(&w.g);
        return -1;
    }
    for (int i = 0; i < w.cat->n_categories; i++)
        if (w.cat->categories[i].remind_hours * HOUR_MS > w.remind_ms)
            w.remind_ms = w.cat->categories[i].remind_hours * HOUR_MS;
    int rc = plan(&w, seed, count, err);
    /* Everyone acts in time order; the sweep runs on the hour, as often as
     * needed to catch up with the next step. */
    int64_t tick = w.n ? (w.s[0].at / HOUR_MS + 1) * HOUR_MS : now_ms + 1;
    while (rc == 0) {
        int best = -1;
        for (int i = 0; i < w.n; i++)
            if (w.s[i].at != NEVER && (best < 0 || w.s[i].at < w.s[best].at))
                best = i;
        if (best < 0 || w.s[best].at > now_ms)
            break;
        while (rc == 0 && tick <= w.s[best].at) {
            rc = sweep(&w, tick, err);
            tick += HOUR_MS;
        }
        if (rc)
            break;
        sim *s = &w.s[best];
        if (s->id == 0) {
            if (s->merge_into < 0)
                s->merge_into = w.s[-1 - s->merge_into].id;
            rc = report(&w, s, err);
        } else {
            rc = act(&w, s, err);
        }
    }
    while (rc == 0 && tick <= now_ms) {
        rc = sweep(&w, tick, err);
        tick += HOUR_MS;
    }
    /* where they ended */
    for (int i = 0; rc == 0 && i < w.n; i++) {
        store_case_state b;
        if (w.s[i].id == 0)
            continue;
        if ((rc = store_case_load(c, w.s[i].id, &b, err)) != 0)
            break;
        out->by_state[b.snap.state]++;
        int handling = b.snap.state != TX_CASE_RESOLVED && b.snap.state != TX_CASE_CLOSED &&
                       b.snap.state != TX_CASE_MERGED && b.snap.state != TX_CASE_INVALID;
        out->overdue += handling && b.due_at < now_ms;
    }
    free(w.s);
    store_catalogue_free(w.cat);
    geography_free(&w.g);
    return rc;
}
