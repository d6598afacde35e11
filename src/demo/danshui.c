/* danshui: generator of the demo street 淡水街道 (see danshui.h).
 *
 * Geometry: the street is a 6 km × 5 km block around 22.78 N, 114.47 E cut
 * into 5 × 4 communities, each community into 6 × 6 lattice cells. One
 * lattice of jittered (and gently warped) vertices is shared by the street,
 * its communities and their grids, so neighbouring boundaries are made of
 * the very same vertices and tile exactly, with no gaps or overlaps. A
 * compound is a rectangle or L shape in a grid's cell coordinates, kept
 * clear of cell edges (roads and public space), mapped into the cells
 * bilinearly: lines of constant cell coordinate map to straight segments,
 * so the mapped outline is exactly inside its cells and compounds of one
 * grid never meet.
 *
 * Everything random comes from one splitmix64 stream in a fixed order, and
 * no libm function other than floor is used, so a seed gives the same bytes
 * everywhere. */
#include "demo/danshui.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "domain/calendar.h"
#include "domain/network.h"

#define MADE_UP "虚构示例数据 / made-up demo data"
#define NAMED "见报道 / named in the article"

const demo_account demo_accounts[] = {
    {"admin", "street_admin", "DS", "tongxin-demo-2026", "淡水街道党工委管理员（全街道）"},
    {"street", "street_admin", "DS", "tongxin-demo-2026", "淡水街道值班员（全街道）"},
    {"xinghe", "community_staff", "DS-XH", "tongxin-demo-2026", "星河社区“两委”干部"},
    {"baiyun", "community_staff", "DS-BY", "tongxin-demo-2026", "白云社区“两委”干部"},
    {"binhe", "community_staff", "DS-BH", "tongxin-demo-2026", "滨河社区“两委”干部"},
    {"grid.baiyun", "grid_worker", "DS-BY-G01", "tongxin-demo-2026", "白云社区第1网格网格员（御珑名苑所在网格）"},
    {"grid.xinghe", "grid_worker", "DS-XH-G01", "tongxin-demo-2026", "星河社区第1网格网格员（星河丹堤所在网格）"},
    {"shizheng", "department_staff", "HY-SZDJ", "tongxin-demo-2026", "惠阳区市政和代建事务中心工作人员"},
    {"chengguan", "department_staff", "HY-CGJ", "tongxin-demo-2026", "惠阳区城市管理和综合执法局工作人员"},
    {"huashi", "member_unit", "DS-XH-MU01", "tongxin-demo-2026", "华南师范大学附属惠阳学校（星河社区“大党委”成员单位）"},
    {"nongshang", "member_unit", "DS-XH-MU03", "tongxin-demo-2026", "惠州农商行惠阳支行（星河社区“大党委”成员单位）"},
    {"resident", "resident", NULL, "tongxin-demo-2026", "居民（星河丹堤业主）"},
    {"resident.baiyun", "resident", NULL, "tongxin-demo-2026", "居民（御珑名苑业主）"},
    {"volunteer", "volunteer", NULL, "tongxin-demo-2026", "志愿者（星河社区志愿者服务队）"},
    {"volunteer.bandao", "volunteer", NULL, "tongxin-demo-2026", "志愿者（半岛1号志愿者服务队）"},
};
const int demo_accounts_count = (int)(sizeof demo_accounts / sizeof demo_accounts[0]);

/* ---- the street's layout ---------------------------------------------- */

#define NCOL 5
#define NROW 4
#define NCOMM (NCOL * NROW)
#define SUB 6 /* lattice cells per community along each axis */
#define NX (NCOL * SUB + 1)
#define NY (NROW * SUB + 1)
#define MAX_GRIDS 128
#define MAX_COMPOUNDS 320
#define MAX_UNITS 8

/* Column widths (west to east) and row heights (south to north), metres. */
static const double col_w[NCOL] = {1400, 1150, 1150, 1200, 1100};
static const double row_h[NROW] = {1200, 1250, 1300, 1250};

/* Origin and metres per degree at 22.78 N (WGS84 ellipsoid series). */
#define LNG0 114.47
#define LAT0 22.78
#define M_PER_DEG_LAT 110740.93
#define M_PER_DEG_LNG 102687.95

typedef struct {
    const char *zh, *code, *en;
    int row, col;
    int grids, compounds, branches, ptm, cadres;
    int registered, resident; /* 0: made up */
    const char *founded;      /* NULL: made up */
    const char *notes;        /* NULL: made up */
} comm_spec;

/* The 20 communities. Branches add up to 112, part-time members to 86. */
static const comm_spec comms[NCOMM] = {
    {"星河", "XH", "Xinghe", 2, 3, 2, 4, 3, 5, 5, 0, 21500, NULL,
     NAMED "：主要服务星河丹堤小区（常住约2万人），社区“两委”干部5人；边界与人口为" MADE_UP},
    {"白云", "BY", "Baiyun", 2, 0, 6, 60, 20, 6, 9, 14000, 38000, "2011-10",
     NAMED "：成立于2011年10月，位于淡水西面、毗邻深圳坑梓，户籍人口1.4万、常住人口约3.8万，"
           "住宅小区60个，小区党支部20个；边界、网格与户数为" MADE_UP},
    {"滨河", "BH", "Binhe", 0, 2, 4, 12, 6, 5, 7, 0, 0, NULL,
     NAMED "：联合社区“大党委”成员单位开展禁毒宣传；半岛1号示范点所在社区；边界与人口为" MADE_UP},
    {"锦湖", "JH", "Jinhu", 1, 2, 3, 9, 5, 4, 6, 0, 0, NULL, NULL},
    {"桂园", "GY", "Guiyuan", 2, 1, 4, 10, 6, 4, 7, 0, 0, NULL, NULL},
    {"荷塘", "HT", "Hetang", 1, 1, 3, 8, 4, 4, 6, 0, 0, NULL, NULL},
    {"翠岭", "CL", "Cuiling", 3, 2, 5, 11, 6, 4, 7, 0, 0, NULL, NULL},
    {"清溪", "QX", "Qingxi", 1, 0, 2, 6, 4, 4, 6, 0, 0, NULL, NULL},
    {"枫林", "FL", "Fenglin", 3, 4, 4, 10, 5, 4, 6, 0, 0, NULL, NULL},
    {"碧水", "BS", "Bishui", 0, 1, 3, 9, 5, 4, 6, 0, 0, NULL, NULL},
    {"南苑", "NY", "Nanyuan", 1, 3, 5, 12, 6, 5, 7, 0, 0, NULL, NULL},
    {"金竹", "JZ", "Jinzhu", 3, 0, 3, 7, 4, 4, 6, 0, 0, NULL, NULL},
    {"云峰", "YF", "Yunfeng", 3, 1, 4, 9, 5, 4, 6, 0, 0, NULL, NULL},
    {"梅岗", "MG", "Meigang", 3, 3, 2, 5, 3, 4, 5, 0, 0, NULL, NULL},
    {"榕树", "RS", "Rongshu", 0, 3, 4, 10, 6, 5, 7, 0, 0, NULL, NULL},
    {"东湖", "DH", "Donghu", 2, 2, 5, 11, 6, 4, 7, 0, 0, NULL, NULL},
    {"朝阳", "CY", "Chaoyang", 1, 4, 3, 8, 5, 4, 6, 0, 0, NULL, NULL},
    {"龙湾", "LW", "Longwan", 2, 4, 4, 10, 5, 4, 6, 0, 0, NULL, NULL},
    {"新安", "XA", "Xin'an", 0, 4, 3, 8, 4, 4, 6, 0, 0, NULL, NULL},
    {"秀水", "XS", "Xiushui", 0, 0, 6, 12, 4, 4, 7, 0, 0, NULL, NULL},
};
enum { C_XH = 0, C_BY = 1, C_BH = 2 };

/* How a community's 6 × 6 cells are cut into k grids: {i0, j0, nu, nv}. */
static const int grid_cuts[7][6][4] = {
    [2] = {{0, 0, 3, 6}, {3, 0, 3, 6}},
    [3] = {{0, 0, 2, 6}, {2, 0, 2, 6}, {4, 0, 2, 6}},
    [4] = {{0, 0, 3, 3}, {3, 0, 3, 3}, {0, 3, 3, 3}, {3, 3, 3, 3}},
    [5] = {{0, 0, 3, 3}, {3, 0, 3, 3}, {0, 3, 2, 3}, {2, 3, 2, 3}, {4, 3, 2, 3}},
    [6] = {{0, 0, 2, 3}, {2, 0, 2, 3}, {4, 0, 2, 3}, {0, 3, 2, 3}, {2, 3, 2, 3}, {4, 3, 2, 3}},
};

/* ---- made-up names ---------------------------------------------------- */

static const char *const surnames[] = {
    "陈", "陈", "陈", "黄", "黄", "李", "李", "张", "张", "林", "刘", "叶", "钟", "罗", "杨", "吴", "何",
    "郭", "曾", "邓", "梁", "谢", "周", "赖", "徐", "朱", "胡", "廖", "温", "蔡", "王", "赵", "彭", "邱",
    "古", "卢", "江", "潘", "冯", "苏", "萧", "许", "袁", "范", "巫", "丘", "利", "骆",
};
static const char *const given[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "文", "辉", "建", "国", "志", "海", "燕", "红",
    "春", "梅", "金", "凤", "荣", "福", "宏", "俊", "斌", "浩", "嘉", "欣", "怡", "婷", "雪", "琳", "晨",
    "宇", "子", "豪", "思", "佳", "丹", "冬", "晓", "锦", "振", "永", "家", "德", "庆", "少", "新", "世",
    "耀", "展", "颖", "慧", "东", "健", "泽", "鹏", "坤", "彬", "雄", "贤", "珍", "萍", "群", "祥",
};
static const char *const cpd_a[] = {
    "金", "碧", "翠", "锦", "华", "富", "丽", "龙", "凤", "天", "海", "绿", "君", "雅", "怡", "嘉", "康",
    "宏", "瑞", "泰", "景", "紫", "银", "兴", "万", "盛", "佳", "明", "润", "东", "南", "江", "丰", "荔",
};
static const char *const cpd_b[] = {
    "湖", "园", "庭", "城", "轩", "府", "湾", "峰", "都", "邸", "山", "水", "岸", "林", "桂", "荷", "泉",
    "港", "景", "苑", "溪", "榕",
};
static const char *const cpd_suffix[] = {
    "花园", "名苑", "华庭", "雅居", "山庄", "新村", "公馆", "豪庭", "家园",
    "尚城", "名都", "花苑", "广场", "御府", "新城", "名邸", "小区", "雅苑",
};
static const char *const pm_brand[] = {
    "恒信", "嘉华", "锦程", "鸿泰", "万安", "德润", "宏基", "安居", "祥和", "卓越", "中联", "金盾", "百合",
    "和美", "永安", "立信", "华盛", "信达", "瑞丰", "佳和", "荣发", "顺景", "乐家", "康顺", "新宇", "城安",
    "悦居", "家和", "丰泽", "景程", "宜居", "怡安", "星辰", "泰和", "正元", "盈峰", "众诚", "长兴", "润丰",
};
static const char *const pm_form[] = {"惠州%s物业管理有限公司", "惠州%s物业服务有限公司", "惠阳%s物业服务有限公司",
                                      "广东%s物业管理有限公司"};
/* Made-up member units by unit type (network.h order); %s is the community. */
static const char *const unit_form[5][4] = {
    {"惠阳区%s片区市场监管所", "淡水派出所%s警务室", "惠阳区%s片区税务所", "惠阳区消防救援大队%s消防站"},
    {"中国移动惠阳%s营业厅", "中国邮政淡水%s邮政支局", "惠阳%s农贸市场管理有限公司", "惠阳%s供电服务站"},
    {"惠阳区%s小学", "惠阳区%s中学", "淡水%s社区卫生服务站", "惠阳区%s幼儿园"},
    {"惠州%s电子科技有限公司", "惠州%s物流有限公司", "惠阳%s商贸有限公司", "惠州%s建材有限公司"},
    {"惠阳区%s社工服务中心", "惠阳区%s义工协会", "广东%s律师事务所", "惠阳区%s养老服务中心"},
};
static const char *const club_form[] = {"%s社区舞蹈队", "%s社区书画协会", "%s社区太极拳协会", "%s社区乐龄合唱团",
                                        "%s社区篮球俱乐部"};

/* ---- small tools -------------------------------------------------------- */

typedef struct {
    uint64_t s;
} rng;

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same everywhere. */
static uint64_t rnext(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double runit(rng *r) { return (double)(rnext(r) >> 11) * 0x1.0p-53; }
static double rrange(rng *r, double a, double b) { return a + (b - a) * runit(r); }
static int rint_in(rng *r, int lo, int hi) { return lo + (int)(rnext(r) % (uint64_t)(hi - lo + 1)); }

typedef struct {
    char *p;
    size_t len, cap;
} buf;

/* A set of names already used (made-up names must not repeat). */
#define NAMESET_CAP 4096
#define NAME_MAX_BYTES 48
typedef struct {
    char slot[NAMESET_CAP][NAME_MAX_BYTES];
    int n;
} nameset;

/* Add s; 1 when it was new, 0 when already present (or the set is full). */
static int nameset_add(nameset *s, const char *name)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * 1099511628211ull;
    if (strlen(name) >= NAME_MAX_BYTES || s->n >= NAMESET_CAP / 2)
        return 0;
    for (size_t i = h % NAMESET_CAP;; i = (i + 1) % NAMESET_CAP) {
        if (s->slot[i][0] == '\0') {
            strcpy(s->slot[i], name);
            s->n++;
            return 1;
        }
        if (strcmp(s->slot[i], name) == 0)
            return 0;
    }
}

/* Copy s into d[n], cut if need be (names here are far shorter). */
static void scopy(char *d, size_t n, const char *s)
{
    size_t l = strlen(s);
    l = l < n ? l : n - 1;
    memcpy(d, s, l);
    d[l] = '\0';
}

typedef struct {
    double x, y; /* metres east and north of the origin */
} pt;

typedef struct {
    int comm, num;      /* community, 1-based number in it */
    int i0, j0, nu, nv; /* cells in the street lattice */
    char code[24];
    int first, count; /* its compounds */
    int pop, hh;
} grid;

typedef struct {
    int comm, grid, num;
    char code[32], name[NAME_MAX_BYTES];
    const char *name_en, *notes; /* NULL: made up */
    double u[6], v[6];           /* outline in the grid's cell coordinates, counter-clockwise */
    int nc;
    double units; /* area in cells */
    int pop, hh;
    char founded[8];
    int branch, oc;
} compound;

typedef struct {
    rng r;
    pt lat[NX][NY];
    grid grids[MAX_GRIDS];
    int ngrids, comm_grid0[NCOMM];
    compound cps[MAX_COMPOUNDS];
    int ncps, comm_cp0[NCOMM], comm_ncp[NCOMM];
    int reg[NCOMM], res[NCOMM], hh[NCOMM];
    char founded[NCOMM][8];
    nameset names;
    buf orgs, people, mships;
    int npeople;
    json_t *features;
    int oom;
} gen;

/* csv_put does not terminate the text: make it a C string. */
static void terminate(gen *g, buf *b)
{
    if (b->len + 1 > b->cap) {
        char *np = realloc(b->p, b->len + 1);
        if (np == NULL) {
            g->oom = 1;
            return;
        }
        b->p = np;
        b->cap = b->len + 1;
    }
    b->p[b->len] = '\0';
}

static void put(gen *g, buf *b, const char *v, int last)
{
    if (csv_put(&b->p, &b->len, &b->cap, v, last))
        g->oom = 1;
}

/* One CSV row of n fields (NULL is an empty field). */
static void row(gen *g, buf *b, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        put(g, b, va_arg(ap, const char *), i == n - 1);
    va_end(ap);
}

/* A date "YYYY-MM-DD" uniformly between two dates (inclusive), and one a
 * number of days after another, on the domain calendar's day numbers. */
static void date_between(gen *g, char out[11], const char *from, const char *to)
{
    int32_t a = 0, b = 0;
    char tmp[TX_CAL_DATE_STRLEN];
    tx_cal_parse_date(from, &a);
    tx_cal_parse_date(to, &b);
    snprintf(out, 11, "%s", tx_cal_format_date(a + (int32_t)(rnext(&g->r) % (uint64_t)(b - a + 1)), tmp));
}
static void date_after(gen *g, char out[11], const char *from, int min_days, int max_days)
{
    int32_t a = 0;
    char tmp[TX_CAL_DATE_STRLEN];
    tx_cal_parse_date(from, &a);
    snprintf(out, 11, "%s", tx_cal_format_date(a + rint_in(&g->r, min_days, max_days), tmp));
}

/* ---- people and memberships -------------------------------------------- */

/* Add a person; writes the code ("P0001") into code. name NULL: make one up. */
static void person(gen *g, char code[16], const char *name, int party, const char *notes)
{
    char nm[NAME_MAX_BYTES], phone[16], pm[2] = {party ? '1' : '0', 0};
    if (name == NULL) {
        for (int tries = 0;; tries++) {
            int n2 = runit(&g->r) < 0.72;
            snprintf(nm, sizeof nm, "%s%s%s", surnames[rnext(&g->r) % (sizeof surnames / sizeof *surnames)],
                     given[rnext(&g->r) % (sizeof given / sizeof *given)],
                     n2 ? given[rnext(&g->r) % (sizeof given / sizeof *given)] : "");
            if (nameset_add(&g->names, nm) || tries > 1000)
                break;
        }
        name = nm;
    }
    g->npeople++;
    snprintf(code, 16, "P%04d", g->npeople);
    snprintf(phone, sizeof phone, "1390000%04d", g->npeople % 10000);
    row(g, &g->people, 5, code, name, phone, pm, notes);
}

/* A made-up person with a role note ("网格员"): notes "虚构… ；note". */
static void made_up_person(gen *g, char code[16], int party, const char *what)
{
    char notes[160];
    snprintf(notes, sizeof notes, "%s%s%s", MADE_UP, what ? "；" : "", what ? what : "");
    person(g, code, NULL, party, notes);
}

static void mship(gen *g, const char *who, const char *org, tx_membership_role role, const char *represents,
                  const char *start, const char *end)
{
    row(g, &g->mships, 6, who, org, tx_membership_role_code(role), represents, start, end);
}

/* A made-up person who joins org with role from a date in [y0, y1]. */
static void join(gen *g, const char *org, tx_membership_role role, int party, const char *what, int y0, int y1)
{
    char who[16], start[11], from[16], to[16];
    made_up_person(g, who, party, what);
    snprintf(from, sizeof from, "%04d-01-01", y0);
    snprintf(to, sizeof to, "%04d-12-31", y1);
    date_between(g, start, from, to);
    mship(g, who, org, role, NULL, start, NULL);
}

static void org(gen *g, const char *code, tx_org_kind kind, int unit, const char *name, const char *name_en,
                const char *area, const char *parent, const char *manages, const char *notes)
{
    row(g, &g->orgs, 9, code, tx_org_kind_code(kind), unit >= 0 ? tx_unit_type_code((tx_unit_type)unit) : NULL,
        name, name_en, area, parent, manages, notes);
}

/* ---- geometry ----------------------------------------------------------- */

static void lattice(gen *g)
{
    double ax = rrange(&g->r, -250, 250), ay = rrange(&g->r, -250, 250);
    double amp = 0.15 * 1100.0 / SUB; /* under 0.2 of the smallest cell: cells stay convex */
    double x0[NCOL + 1], y0[NROW + 1];
    x0[0] = -3000;
    for (int c = 0; c < NCOL; c++)
        x0[c + 1] = x0[c] + col_w[c];
    y0[0] = -2500;
    for (int r = 0; r < NROW; r++)
        y0[r + 1] = y0[r] + row_h[r];
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < NY; j++) {
            int c = i / SUB < NCOL ? i / SUB : NCOL - 1, r = j / SUB < NROW ? j / SUB : NROW - 1;
            double x = x0[c] + (i - c * SUB) * col_w[c] / SUB, y = y0[r] + (j - r * SUB) * row_h[r] / SUB;
            double s = y / 2500, t = x / 3000; /* a gentle S-shaped warp: no street is ruler-straight */
            pt p = {x + ax * s * (1 - s * s), y + ay * t * (1 - t * t)};
            p.x += rrange(&g->r, -amp, amp);
            p.y += rrange(&g->r, -amp, amp);
            g->lat[i][j] = p;
        }
}

static double round7(double v) { return floor(v * 1e7 + 0.5) / 1e7; }

static json_t *position(gen *g, pt p)
{
    json_t *a = json_pack("[ff]", round7(LNG0 + p.x / M_PER_DEG_LNG), round7(LAT0 + p.y / M_PER_DEG_LAT));
    if (a == NULL)
        g->oom = 1;
    return a;
}

static void append(gen *g, json_t *arr, json_t *v)
{
    if (v == NULL || json_array_append_new(arr, v))
        g->oom = 1;
}

/* A Polygon of one ring from n points (counter-clockwise; closed here). */
static json_t *polygon(gen *g, const pt *pts, int n)
{
    json_t *ring = json_array();
    if (ring == NULL) {
        g->oom = 1;
        return NULL;
    }
    for (int i = 0; i <= n; i++)
        append(g, ring, position(g, pts[i % n]));
    json_t *geom = json_pack("{s:s, s:[o]}", "type", "Polygon", "coordinates", ring);
    if (geom == NULL)
        g->oom = 1;
    return geom;
}

/* The ring around lattice cells [i0, i0+nu) × [j0, j0+nv). */
static json_t *block_polygon(gen *g, int i0, int j0, int nu, int nv)
{
    pt pts[2 * (NX + NY)];
    int n = 0;
    for (int i = 0; i < nu; i++)
        pts[n++] = g->lat[i0 + i][j0];
    for (int j = 0; j < nv; j++)
        pts[n++] = g->lat[i0 + nu][j0 + j];
    for (int i = nu; i > 0; i--)
        pts[n++] = g->lat[i0 + i][j0 + nv];
    for (int j = nv; j > 0; j--)
        pts[n++] = g->lat[i0][j0 + j];
    return polygon(g, pts, n);
}

/* Point (U, V) of a grid's cell coordinates, bilinear within its cell. */
static pt grid_point(const gen *g, const grid *gr, double U, double V)
{
    int a = (int)floor(U), b = (int)floor(V);
    a = a < 0 ? 0 : a > gr->nu - 1 ? gr->nu - 1 : a;
    b = b < 0 ? 0 : b > gr->nv - 1 ? gr->nv - 1 : b;
    double u = U - a, v = V - b;
    pt p00 = g->lat[gr->i0 + a][gr->j0 + b], p10 = g->lat[gr->i0 + a + 1][gr->j0 + b];
    pt p11 = g->lat[gr->i0 + a + 1][gr->j0 + b + 1], p01 = g->lat[gr->i0 + a][gr->j0 + b + 1];
    pt p = {(1 - u) * (1 - v) * p00.x + u * (1 - v) * p10.x + u * v * p11.x + (1 - u) * v * p01.x,
            (1 - u) * (1 - v) * p00.y + u * (1 - v) * p10.y + u * v * p11.y + (1 - u) * v * p01.y};
    return p;
}

/* A compound's outline: its axis-parallel edges are split where they cross
 * a cell edge, so that each piece lies in one cell and maps to a straight
 * segment. */
static json_t *compound_polygon(gen *g, const compound *c)
{
    const grid *gr = &g->grids[c->grid];
    pt pts[64];
    int n = 0;
    for (int k = 0; k < c->nc; k++) {
        double ua = c->u[k], va = c->v[k], ub = c->u[(k + 1) % c->nc], vb = c->v[(k + 1) % c->nc];
        pts[n++] = grid_point(g, gr, ua, va);
        if (va == vb) {
            for (int s = (int)floor(ua) + 1; s < ub; s++)
                pts[n++] = grid_point(g, gr, s, va);
            for (int s = (int)ceil(ua) - 1; s > ub; s--)
                pts[n++] = grid_point(g, gr, s, va);
        } else {
            for (int s = (int)floor(va) + 1; s < vb; s++)
                pts[n++] = grid_point(g, gr, ua, s);
            for (int s = (int)ceil(va) - 1; s > vb; s--)
                pts[n++] = grid_point(g, gr, ua, s);
        }
    }
    return polygon(g, pts, n);
}

/* Set a compound's outline to box [u0,u1] × [v0,v1], sometimes with its
 * north-east corner cut out (an L shape). */
static void outline(gen *g, compound *c, double u0, double v0, double u1, double v1, int may_notch)
{
    c->units = (u1 - u0) * (v1 - v0);
    if (may_notch && runit(&g->r) < 0.28) {
        double un = u0 + (u1 - u0) * rrange(&g->r, 0.5, 0.7), vn = v0 + (v1 - v0) * rrange(&g->r, 0.5, 0.7);
        double uu[6] = {u0, u1, u1, un, un, u0}, vv[6] = {v0, v0, vn, vn, v1, v1};
        memcpy(c->u, uu, sizeof uu);
        memcpy(c->v, vv, sizeof vv);
        c->nc = 6;
        c->units -= (u1 - un) * (v1 - vn);
    } else {
        double uu[4] = {u0, u1, u1, u0}, vv[4] = {v0, v0, v1, v1};
        memcpy(c->u, uu, sizeof uu);
        memcpy(c->v, vv, sizeof vv);
        c->nc = 4;
    }
}

static double margin(gen *g) { return rrange(&g->r, 0.08, 0.18); }

/* Place the grid's compounds (the first one may already be placed, as
 * 星河丹堤 is): each in a free cell of its own, or two to a cell when the
 * grid has more compounds than cells, or across two cells when it has room
 * to spare. */
static void place(gen *g, grid *gr, int placed)
{
    int used[SUB][SUB] = {{0}}, order[SUB * SUB], nfree = 0;
    if (placed) /* 星河丹堤 covers cells [0,3) × [0,4) */
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                used[i][j] = 1;
    for (int j = 0; j < gr->nv; j++)
        for (int i = 0; i < gr->nu; i++)
            if (!used[i][j])
                order[nfree++] = j * SUB + i;
    for (int k = nfree - 1; k > 0; k--) {
        int m = (int)(rnext(&g->r) % (uint64_t)(k + 1)), t = order[k];
        order[k] = order[m];
        order[m] = t;
    }
    int need = gr->count - placed, doubles = need > nfree ? need - nfree : 0, spare = nfree - need;
    compound *c = &g->cps[gr->first + placed];
    for (int k = 0; k < nfree && need > 0; k++) {
        int i = order[k] % SUB, j = order[k] / SUB;
        if (used[i][j])
            continue;
        used[i][j] = 1;
        if (doubles > 0 && need >= 2) { /* two compounds side by side in one cell */
            doubles--;
            outline(g, c++, i + margin(g), j + margin(g), i + 0.46, j + 1 - margin(g), 0);
            outline(g, c++, i + 0.54, j + margin(g), i + 1 - margin(g), j + 1 - margin(g), 0);
            need -= 2;
        } else if (spare > 0 && i + 1 < gr->nu && !used[i + 1][j] && runit(&g->r) < 0.4) {
            used[i + 1][j] = 1;
            spare--;
            outline(g, c++, i + margin(g), j + margin(g), i + 2 - margin(g), j + 1 - margin(g), 1);
            need--;
        } else {
            outline(g, c++, i + margin(g), j + margin(g), i + 1 - margin(g), j + 1 - margin(g), 1);
            need--;
        }
    }
}

/* ---- the street ------------------------------------------------------- */

static void compound_name(gen *g, char out[NAME_MAX_BYTES])
{
    for (int tries = 0; tries < 1000; tries++) {
        const char *a = cpd_a[rnext(&g->r) % (sizeof cpd_a / sizeof *cpd_a)];
        const char *b = cpd_b[rnext(&g->r) % (sizeof cpd_b / sizeof *cpd_b)];
        const char *s = cpd_suffix[rnext(&g->r) % (sizeof cpd_suffix / sizeof *cpd_suffix)];
        if (strcmp(a, b) == 0)
            continue;
        snprintf(out, NAME_MAX_BYTES, "%s%s%s", a, b, s);
        if (nameset_add(&g->names, out))
            return;
    }
}

/* Lay out the communities, grids and compounds, and make up the figures. */
static void build_places(gen *g)
{
    lattice(g);
    for (int ci = 0; ci < NCOMM; ci++) {
        const comm_spec *cs = &comms[ci];
        int k = cs->grids, cells = SUB * SUB;
        /* figures: the article's where it gives them */
        g->res[ci] = cs->resident ? cs->resident : rint_in(&g->r, 90, 320) * 100;
        g->reg[ci] = cs->registered ? cs->registered : (int)(g->res[ci] * rrange(&g->r, 0.3, 0.55)) / 10 * 10;
        if (cs->founded)
            snprintf(g->founded[ci], 8, "%s", cs->founded);
        else
            snprintf(g->founded[ci], 8, "%04d-%02d", rint_in(&g->r, 1995, 2016), rint_in(&g->r, 1, 12));
        /* grids, and how many compounds each holds (fixed by the counts, not the seed) */
        g->comm_grid0[ci] = g->ngrids;
        g->comm_cp0[ci] = g->ncps;
        g->comm_ncp[ci] = cs->compounds;
        int given_out = 0;
        for (int q = 0; q < k; q++) {
            grid *gr = &g->grids[g->ngrids++];
            const int *cut = grid_cuts[k][q];
            gr->comm = ci;
            gr->num = q + 1;
            gr->i0 = cs->col * SUB + cut[0];
            gr->j0 = cs->row * SUB + cut[1];
            gr->nu = cut[2];
            gr->nv = cut[3];
            snprintf(gr->code, sizeof gr->code, "DS-%s-G%02d", cs->code, q + 1);
            gr->count = cs->compounds * cut[2] * cut[3] / cells;
            given_out += gr->count;
        }
        for (int q = 0; given_out < cs->compounds; q = (q + 1) % k, given_out++)
            g->grids[g->comm_grid0[ci] + q].count++;
        for (int q = 0; q < k; q++) {
            grid *gr = &g->grids[g->comm_grid0[ci] + q];
            gr->first = g->ncps;
            for (int m = 0; m < gr->count; m++) {
                compound *c = &g->cps[g->ncps++];
                memset(c, 0, sizeof *c);
                c->comm = ci;
                c->grid = (int)(gr - g->grids);
                c->num = g->ncps - g->comm_cp0[ci];
                char cc[sizeof c->code];
                snprintf(cc, sizeof cc, "%s-C%02d", gr->code, c->num);
                memcpy(c->code, cc, sizeof cc);
            }
            int big = ci == C_XH && q == 0;
            if (big) {
                compound *c = &g->cps[gr->first];
                outline(g, c, 0.15, 0.15, 2.85, 3.7, 0);
                /* a bite out of its north-east corner: a school and a park */
                double uu[6] = {0.15, 2.85, 2.85, 2.0, 2.0, 0.15}, vv[6] = {0.15, 0.15, 2.9, 2.9, 3.7, 3.7};
                memcpy(c->u, uu, sizeof uu);
                memcpy(c->v, vv, sizeof vv);
                c->nc = 6;
            }
            place(g, gr, big);
        }
        /* names and made-up figures of the compounds */
        double units = 0;
        for (int m = 0; m < cs->compounds; m++) {
            compound *c = &g->cps[g->comm_cp0[ci] + m];
            c->units *= rrange(&g->r, 0.6, 1.5); /* density varies: villas to towers */
            compound_name(g, c->name);
            snprintf(c->founded, sizeof c->founded, "%04d-%02d", rint_in(&g->r, 1996, 2019), rint_in(&g->r, 1, 12));
            units += c->units;
        }
        compound *first = &g->cps[g->comm_cp0[ci]];
        int share = (int)(g->res[ci] * rrange(&g->r, 0.78, 0.9));
        if (ci == C_XH) {
            snprintf(first->name, sizeof first->name, "星河丹堤");
            first->name_en = "Xinghe Dandi";
            first->notes = NAMED "：常住人口约2万人，星河社区主要服务的小区；3月初出现密切接触者后临时管制、全员核酸检测；"
                                 "边界与户数为" MADE_UP;
            snprintf(first->founded, sizeof first->founded, "2012-06");
            units -= first->units;
            first->pop = 20000;
            share = g->res[ci] - 20000 - rint_in(&g->r, 200, 600);
        } else if (ci == C_BY) {
            snprintf(first->name, sizeof first->name, "御珑名苑");
            first->name_en = "Yulong Mingyuan";
            first->notes = NAMED "：网络问政反映二栋后面（红线外）垃圾堆放、污水管破裂，由小区党支部书记刘学政上报"
                                 "惠阳区市政和代建事务中心，3月4日查看、3月5日修复；边界与人口为" MADE_UP;
        } else if (ci == C_BH) {
            snprintf(first->name, sizeof first->name, "半岛1号");
            first->name_en = "Bandao No. 1";
            first->notes = NAMED "：示范点（示范点打造），建设党群驿站、组建志愿者服务队、成立半岛1号妇女联合会；"
                                 "边界与人口为" MADE_UP;
        }
        if (ci == C_BY || ci == C_BH) { /* the article's compounds are of some size: towers, not villas */
            units += first->units * 0.8;
            first->units *= 1.8;
        }
        for (int m = ci == C_XH ? 1 : 0; m < cs->compounds; m++) {
            compound *c = &g->cps[g->comm_cp0[ci] + m];
            c->pop = (int)(share * c->units / units) / 10 * 10;
        }
        for (int m = 0; m < cs->compounds; m++) {
            compound *c = &g->cps[g->comm_cp0[ci] + m];
            c->hh = (int)(c->pop / rrange(&g->r, 2.6, 3.3));
        }
        /* branches: the named compound first, then the most populous */
        first->branch = 1;
        for (int b = 1; b < cs->branches; b++) {
            compound *best = NULL;
            for (int m = 0; m < cs->compounds; m++) {
                compound *c = &g->cps[g->comm_cp0[ci] + m];
                if (!c->branch && (best == NULL || c->pop > best->pop))
                    best = c;
            }
            best->branch = 1;
        }
        for (int m = 0; m < cs->compounds; m++) {
            compound *c = &g->cps[g->comm_cp0[ci] + m];
            c->oc = c->branch ? runit(&g->r) < 0.85 || m == 0 : runit(&g->r) < 0.3;
        }
        /* grid populations: their compounds plus a share of the rest (old village houses, shops) */
        int in_cp = 0, rest, left;
        for (int m = 0; m < cs->compounds; m++)
            in_cp += g->cps[g->comm_cp0[ci] + m].pop;
        rest = left = g->res[ci] - in_cp;
        for (int q = 0; q < k; q++) {
            grid *gr = &g->grids[g->comm_grid0[ci] + q];
            int p = q == k - 1 ? left : rest * gr->nu * gr->nv / cells;
            left -= p;
            gr->pop = p;
            for (int m = 0; m < gr->count; m++)
                gr->pop += g->cps[gr->first + m].pop;
            gr->hh = (int)(p / rrange(&g->r, 2.7, 3.2));
            for (int m = 0; m < gr->count; m++)
                gr->hh += g->cps[gr->first + m].hh;
            g->hh[ci] += gr->hh;
        }
    }
}

static void feature(gen *g, json_t *geometry, tx_area_kind kind, const char *code, const char *name,
                    const char *name_en, const char *parent, int reg, int res, int hh, const char *founded,
                    const char *notes)
{
    json_t *p = json_object(), *f = NULL;
    if (p == NULL)
        goto oom;
    int bad = json_object_set_new(p, "kind", json_string(tx_area_kind_code(kind)));
    bad |= json_object_set_new(p, "code", json_string(code));
    bad |= json_object_set_new(p, "name", json_string(name));
    if (name_en)
        bad |= json_object_set_new(p, "name_en", json_string(name_en));
    if (parent)
        bad |= json_object_set_new(p, "parent_code", json_string(parent));
    if (reg > 0)
        bad |= json_object_set_new(p, "population_registered", json_integer(reg));
    if (res > 0)
        bad |= json_object_set_new(p, "population_resident", json_integer(res));
    if (hh > 0)
        bad |= json_object_set_new(p, "households", json_integer(hh));
    if (founded)
        bad |= json_object_set_new(p, "founded", json_string(founded));
    bad |= json_object_set_new(p, "notes", json_string(notes));
    if (bad || geometry == NULL)
        goto oom;
    f = json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry", geometry, "properties", p);
    geometry = p = NULL; /* json_pack "o" steals them, even on failure */
    append(g, g->features, f);
    return;
oom:
    g->oom = 1;
    json_decref(p);
    json_decref(geometry);
}

static void build_areas(gen *g)
{
    /* 惠阳区: a schematic outline (km), the street near its west edge, towards 坑梓 */
    static const double hy[][2] = {{-6, -11}, {2, -14}, {10, -12}, {17, -7}, {20, 1},  {17, 10},
                                   {10, 16},  {1, 18},  {-5, 14}, {-7, 7},   {-8, 0},  {-7.5, -6}};
    pt pts[12];
    for (int i = 0; i < 12; i++)
        pts[i] = (pt){hy[i][0] * 1000 + rrange(&g->r, -400, 400), hy[i][1] * 1000 + rrange(&g->r, -400, 400)};
    feature(g, polygon(g, pts, 12), TX_AREA_DISTRICT, "HY", "惠阳区", "Huiyang District", NULL, 0, 0, 0, NULL,
            NAMED "；区界为示意，" MADE_UP);

    int reg = 0, res = 0, hh = 0;
    for (int ci = 0; ci < NCOMM; ci++)
        reg += g->reg[ci], res += g->res[ci], hh += g->hh[ci];
    feature(g, block_polygon(g, 0, 0, NX - 1, NY - 1), TX_AREA_STREET, "DS", "淡水街道", "Danshui Sub-district", "HY",
            reg, res, hh, NULL, NAMED "：20个社区、86名社区“大党委”兼职委员、112个小区党支部；边界与人口合计为" MADE_UP);

    for (int ci = 0; ci < NCOMM; ci++) {
        const comm_spec *cs = &comms[ci];
        char code[16], name[64], en[64];
        snprintf(code, sizeof code, "DS-%s", cs->code);
        snprintf(name, sizeof name, "%s社区", cs->zh);
        snprintf(en, sizeof en, "%s Community", cs->en);
        feature(g, block_polygon(g, cs->col * SUB, cs->row * SUB, SUB, SUB), TX_AREA_COMMUNITY, code, name, en, "DS",
                g->reg[ci], g->res[ci], g->hh[ci], g->founded[ci], cs->notes ? cs->notes : MADE_UP);
        for (int q = 0; q < cs->grids; q++) {
            grid *gr = &g->grids[g->comm_grid0[ci] + q];
            snprintf(name, sizeof name, "%s社区第%d网格", cs->zh, gr->num);
            snprintf(en, sizeof en, "%s Grid %d", cs->en, gr->num);
            feature(g, block_polygon(g, gr->i0, gr->j0, gr->nu, gr->nv), TX_AREA_GRID, gr->code, name, en, code, 0,
                    gr->pop, gr->hh, NULL, MADE_UP);
            for (int m = 0; m < gr->count; m++) {
                compound *c = &g->cps[gr->first + m];
                feature(g, compound_polygon(g, c), TX_AREA_COMPOUND, c->code, c->name, c->name_en, gr->code, 0, c->pop,
                        c->hh, c->founded, c->notes ? c->notes : MADE_UP);
            }
        }
    }
}

/* The name of a compound's organisation: "御珑名苑小区党支部", but
 * "锦湖小区党支部" rather than "锦湖小区小区党支部". */
static void cp_org_name(char *out, size_t n, const compound *c, const char *what)
{
    size_t l = strlen(c->name), s = strlen("小区");
    int dup = l >= s && strcmp(c->name + l - s, "小区") == 0 && strncmp(what, "小区", s) == 0;
    snprintf(out, n, "%s%s", c->name, dup ? what + s : what);
}

static void build_district_and_street(gen *g)
{
    static const struct {
        const char *code, *zh, *en;
    } depts[] = {
        {"HY-SZDJ", "惠阳区市政和代建事务中心", "Huiyang Municipal Works and Construction Agency Centre"},
        {"HY-ZJJ", "惠阳区住房和城乡建设局", "Huiyang Housing and Urban-Rural Development Bureau"},
        {"HY-CGJ", "惠阳区城市管理和综合执法局", "Huiyang Urban Management and Law Enforcement Bureau"},
        {"HY-SWJ", "惠阳区水务局", "Huiyang Water Affairs Bureau"},
        {"HY-STHJ", "惠州市生态环境局惠阳分局", "Huiyang Branch, Huizhou Ecology and Environment Bureau"},
        {"HY-GADS", "惠州市公安局惠阳分局淡水派出所", "Danshui Police Station, Huiyang Public Security Branch"},
    };
    for (size_t i = 0; i < sizeof depts / sizeof *depts; i++) {
        org(g, depts[i].code, TX_ORG_DISTRICT_DEPARTMENT, -1, depts[i].zh, depts[i].en, "HY", NULL, NULL,
            i == 0 ? NAMED "：3月4日到御珑名苑现场查看，3月5日修复破裂的污水管" : MADE_UP "（机构为常见设置）");
        join(g, depts[i].code, TX_MROLE_LIAISON, 1, "区直部门联络员", 2016, 2024);
        for (int s = 0; s < (i == 0 ? 3 : 1); s++)
            join(g, depts[i].code, TX_MROLE_MEMBER, runit(&g->r) < 0.5, "区直部门工作人员", 2012, 2025);
    }
    org(g, "DS-PWC", TX_ORG_STREET_PARTY_COMMITTEE, -1, "淡水街道党工委", "Danshui Sub-district Party Working Committee",
        "DS", NULL, NULL, NAMED "：推动社区“大党委”工作机制，“一社区一方案”；成员为" MADE_UP);
    join(g, "DS-PWC", TX_MROLE_SECRETARY, 1, "街道党工委书记", 2020, 2023);
    join(g, "DS-PWC", TX_MROLE_DEPUTY_SECRETARY, 1, "街道党工委副书记", 2020, 2024);
    for (int s = 0; s < 3; s++)
        join(g, "DS-PWC", TX_MROLE_MEMBER, 1, "街道党工委委员", 2019, 2025);
}

/* One community's organisations, people and memberships. */
static void build_community(gen *g, int ci)
{
    const comm_spec *cs = &comms[ci];
    char pc[16], area[16], name[128], notes[256], code[48], who[16], start[11], end[11];
    snprintf(pc, sizeof pc, "DS-%s-PC", cs->code);
    snprintf(area, sizeof area, "DS-%s", cs->code);

    /* the community's party organisation: 白云 is a general branch (党总支部) in the article */
    if (ci == C_BY)
        org(g, pc, TX_ORG_COMMUNITY_GENERAL_BRANCH, -1, "白云社区党总支部", "Baiyun Community Party General Branch", area,
            "DS-PWC", NULL, NAMED "：2021年以来建设20个小区党支部；成员为" MADE_UP);
    else {
        char en[96];
        snprintf(name, sizeof name, "%s社区党委", cs->zh);
        snprintf(en, sizeof en, "%s Community Party Committee", cs->en);
        org(g, pc, TX_ORG_COMMUNITY_PARTY_COMMITTEE, -1, name, en, area, "DS-PWC", NULL,
            ci == C_XH   ? NAMED "：与华南师范大学附属惠阳学校党委、星河智善惠州分公司党支部、惠州农商行惠阳支行党支部等"
                                 "共建社区“大党委”，“支部+社团+阵地”治理模式；成员为" MADE_UP
            : ci == C_BH ? NAMED "；成员为" MADE_UP
                         : MADE_UP);
    }
    /* cadres (社区"两委"干部): the first is the secretary, the second the deputy */
    for (int k = 0; k < cs->cadres; k++) {
        made_up_person(g, who, k < 3 || runit(&g->r) < 0.6, "社区“两委”干部");
        date_between(g, start, "2016-06-01", "2024-12-31");
        mship(g, who, pc, TX_MROLE_CADRE, NULL, start, NULL);
        if (k < 2)
            mship(g, who, pc, k == 0 ? TX_MROLE_SECRETARY : TX_MROLE_DEPUTY_SECRETARY, NULL, start, NULL);
    }
    /* grid workers: one per grid, attached to the community's party organisation */
    for (int q = 0; q < cs->grids; q++) {
        snprintf(notes, sizeof notes, "网格员 grid:%s", g->grids[g->comm_grid0[ci] + q].code);
        join(g, pc, TX_MROLE_GRID_WORKER, runit(&g->r) < 0.6, notes, 2019, 2025);
    }

    /* member units and their part-time members (兼职委员) */
    char units[MAX_UNITS][24], unit_names[MAX_UNITS][64];
    int seen[5] = {0};
    for (int u = 0; u < cs->ptm; u++) {
        snprintf(units[u], sizeof units[u], "DS-%s-MU%02d", cs->code, u + 1);
        int type = (ci * 2 + u) % 5;
        const char *en = NULL, *note = MADE_UP;
        if (ci == C_XH && u < 3) {
            static const char *const xh[3][2] = {
                {"华南师范大学附属惠阳学校", "South China Normal University Affiliated Huiyang School"},
                {"星河智善惠州分公司", "Xinghe Zhishan, Huizhou Branch"},
                {"惠州农商行惠阳支行", "Huizhou Rural Commercial Bank, Huiyang Branch"},
            };
            type = u == 0 ? TX_UNIT_PUBLIC_INSTITUTION : TX_UNIT_ENTERPRISE;
            snprintf(name, sizeof name, "%s", xh[u][0]);
            en = xh[u][1];
            note = u == 1 ? NAMED "：其党支部在星河丹堤核酸检测中快速完成筹备；星河丹堤的物业服务单位（物业服务中心另列）"
                          : NAMED;
        } else if ((ci == C_BY || ci == C_BH) && u == 0) {
            type = TX_UNIT_NEW_ECONOMIC_ORGANISATION; /* a property firm that also sits on the big committee */
            for (int tries = 0; tries < 100; tries++) {
                snprintf(name, sizeof name, pm_form[rnext(&g->r) % 4], pm_brand[rnext(&g->r) % 39]);
                if (nameset_add(&g->names, name))
                    break;
            }
            note = MADE_UP "（物业企业党组织负责人任兼职委员）";
        } else
            snprintf(name, sizeof name, unit_form[type][(ci + seen[type]++) % 4], cs->zh);
        scopy(unit_names[u], sizeof unit_names[u], name);
        org(g, units[u], TX_ORG_MEMBER_UNIT, type, name, en, area, NULL, NULL, note);
    }
    for (int u = 0; u < cs->ptm; u++) {
        /* some seats changed hands: the former member's membership has ended */
        if (runit(&g->r) < 0.06) {
            made_up_person(g, who, 1, "原兼职委员");
            date_between(g, start, "2021-11-15", "2022-01-20");
            date_after(g, end, start, 400, 1200);
            mship(g, who, pc, TX_MROLE_PART_TIME_MEMBER, units[u], start, end);
            made_up_person(g, who, 1, "社区“大党委”兼职委员（成员单位党组织负责人）");
            mship(g, who, pc, TX_MROLE_PART_TIME_MEMBER, units[u], end, NULL);
        } else {
            made_up_person(g, who, 1, "社区“大党委”兼职委员（成员单位党组织负责人）");
            date_between(g, start, "2021-11-15", "2022-01-20");
            mship(g, who, pc, TX_MROLE_PART_TIME_MEMBER, units[u], start, NULL);
        }
    }

    /* property companies: each manages one to four compounds of the community */
    int n = cs->compounds, c0 = g->comm_cp0[ci], order[MAX_COMPOUNDS], nmanaged = 0, pmn = 0;
    for (int m = 0; m < n; m++)
        if ((ci == C_XH && m == 0) || runit(&g->r) < 0.88 || g->cps[c0 + m].branch)
            order[nmanaged++] = m;
    for (int k = nmanaged - 1; k > 0; k--) {
        int m = (int)(rnext(&g->r) % (uint64_t)(k + 1)), t = order[k];
        order[k] = order[m];
        order[m] = t;
    }
    if (ci == C_XH) /* 星河丹堤 first, alone */
        for (int k = 0; k < nmanaged; k++)
            if (order[k] == 0) {
                order[k] = order[0];
                order[0] = 0;
            }
    for (int k = 0; k < nmanaged;) {
        int take = ci == C_XH && k == 0 ? 1 : rint_in(&g->r, 1, 4);
        take = take > nmanaged - k ? nmanaged - k : take;
        char manages[256] = "", *parent = NULL;
        for (int t = 0; t < take; t++) {
            size_t l = strlen(manages);
            snprintf(manages + l, sizeof manages - l, "%s%s", t ? ";" : "", g->cps[c0 + order[k + t]].code);
        }
        snprintf(code, sizeof code, "DS-%s-PM%02d", cs->code, ++pmn);
        const char *note = MADE_UP;
        if (ci == C_XH && k == 0) {
            snprintf(name, sizeof name, "星河智善惠州分公司星河丹堤物业服务中心");
            parent = units[1];
            note = NAMED "：星河智善惠州分公司为星河丹堤提供物业服务；作为物业公司单列，上级为其成员单位，" MADE_UP;
        } else if ((ci == C_BY || ci == C_BH) && pmn == 1) {
            /* the same firm as member unit 01, serving its compounds here */
            snprintf(name, sizeof name, "%s（%s项目部）", unit_names[0], cs->zh);
            parent = units[0];
            note = MADE_UP "（其公司为本社区“大党委”成员单位）";
        } else {
            for (int tries = 0; tries < 100; tries++) {
                snprintf(name, sizeof name, pm_form[rnext(&g->r) % 4], pm_brand[rnext(&g->r) % 39]);
                if (nameset_add(&g->names, name))
                    break;
            }
        }
        org(g, code, TX_ORG_PROPERTY_COMPANY, -1, name, NULL, area, parent, manages, note);
        join(g, code, TX_MROLE_LIAISON, runit(&g->r) < 0.5, "物业项目经理", 2018, 2025);
        k += take;
    }

    /* the community's venue, clubs and volunteer team */
    snprintf(code, sizeof code, "DS-%s-V01", cs->code);
    snprintf(name, sizeof name, "%s社区党群服务驿站", cs->zh);
    org(g, code, TX_ORG_VENUE, -1, name, NULL, area, pc, NULL,
        ci == C_XH ? NAMED "：依托驿站完善群众议事、志愿服务制度，定期召开党建联席会议" : MADE_UP);
    if (ci == C_XH) {
        org(g, "DS-XH-A01", TX_ORG_ASSOCIATION, -1, "活力星河", "Vibrant Xinghe", area, NULL, NULL,
            NAMED "：“社团活跃在小区，‘活力星河’凝聚群众有力”；成员为" MADE_UP);
        for (int s = 0; s < 4; s++)
            join(g, "DS-XH-A01", s ? TX_MROLE_MEMBER : TX_MROLE_LIAISON, runit(&g->r) < 0.3, "社团成员", 2020, 2025);
    }
    snprintf(code, sizeof code, "DS-%s-A%02d", cs->code, ci == C_XH ? 2 : 1);
    snprintf(name, sizeof name, club_form[(ci + rnext(&g->r) % 2) % 5], cs->zh);
    org(g, code, TX_ORG_ASSOCIATION, -1, name, NULL, area, NULL, NULL, MADE_UP);
    for (int s = 0; s < 4; s++)
        join(g, code, s ? TX_MROLE_MEMBER : TX_MROLE_LIAISON, runit(&g->r) < 0.3, "社团成员", 2018, 2025);
    snprintf(code, sizeof code, "DS-%s-VT01", cs->code);
    snprintf(name, sizeof name, "%s社区志愿者服务队", cs->zh);
    org(g, code, TX_ORG_VOLUNTEER_TEAM, -1, name, NULL, area, pc, NULL,
        ci == C_XH ? MADE_UP "（报道中的志愿者：捡跑公益活动、核酸检测维持秩序、测量体温、查验粤康码）" : MADE_UP);
    for (int s = 0; s < (ci == C_XH ? 10 : 6); s++)
        join(g, code, TX_MROLE_VOLUNTEER, runit(&g->r) < 0.3, "志愿者", 2020, 2025);

    /* each compound: its branch (小区党支部), owners' committee (业委会), and what the article adds */
    for (int m = 0; m < n; m++) {
        compound *c = &g->cps[c0 + m];
        char pb[48], secretary[16] = "";
        snprintf(pb, sizeof pb, "%s-PB", c->code);
        if (c->branch) {
            cp_org_name(name, sizeof name, c, "小区党支部");
            org(g, pb, TX_ORG_COMPOUND_PARTY_BRANCH, -1, name, NULL, c->code, pc, NULL,
                ci == C_BY && m == 0   ? NAMED "：书记刘学政"
                : ci == C_BH && m == 0 ? NAMED "：示范点打造"
                : ci == C_XH && m == 0 ? NAMED "：“支部建立在小区”；成员为" MADE_UP
                                       : MADE_UP);
            if (ci == C_BY && m == 0)
                person(g, secretary, "刘学政", 1, NAMED "：御珑名苑小区党支部书记（电话为虚构 / phone is made up）");
            else
                made_up_person(g, secretary, 1, "小区党支部书记");
            date_between(g, start, "2021-03-01", "2022-02-28");
            mship(g, secretary, pb, TX_MROLE_SECRETARY, NULL, start, NULL);
            for (int s = 0; s < 2; s++) {
                made_up_person(g, who, 1, "小区党支部委员");
                mship(g, who, pb, TX_MROLE_MEMBER, NULL, start, NULL);
            }
        }
        if (c->oc) {
            snprintf(code, sizeof code, "%s-OC", c->code);
            cp_org_name(name, sizeof name, c, "业主委员会");
            org(g, code, TX_ORG_OWNERS_COMMITTEE, -1, name, NULL, c->code, NULL, NULL, MADE_UP);
            date_between(g, start, "2019-01-01", "2025-06-30");
            /* "小区党支部+业委会+物业": often the branch secretary also sits on the owners' committee */
            int cross = secretary[0] && runit(&g->r) < 0.35;
            if (cross)
                mship(g, secretary, code, TX_MROLE_MEMBER, NULL, start, NULL);
            for (int s = cross; s < 3; s++) {
                made_up_person(g, who, runit(&g->r) < 0.4, s ? "业委会委员" : "业委会主任");
                mship(g, who, code, TX_MROLE_MEMBER, NULL, start, NULL);
            }
        }
        if (ci == C_BH && m == 0) { /* 半岛1号, the demonstration site */
            org(g, "DS-BH-G01-C01-V", TX_ORG_VENUE, -1, "半岛1号党群驿站", NULL, c->code, pb, NULL,
                NAMED "：示范点打造，功能齐备的党群驿站");
            org(g, "DS-BH-G01-C01-VT", TX_ORG_VOLUNTEER_TEAM, -1, "半岛1号志愿者服务队", NULL, c->code, pb, NULL,
                NAMED "：示范点组建的志愿者服务队；队员为" MADE_UP);
            for (int s = 0; s < 8; s++)
                join(g, "DS-BH-G01-C01-VT", TX_MROLE_VOLUNTEER, runit(&g->r) < 0.3, "志愿者", 2022, 2025);
            org(g, "DS-BH-G01-C01-WF", TX_ORG_WOMENS_FEDERATION, -1, "半岛1号妇女联合会", NULL, c->code, pb, NULL,
                NAMED "：示范点成立的妇女联合会；成员为" MADE_UP);
            for (int s = 0; s < 4; s++)
                join(g, "DS-BH-G01-C01-WF", TX_MROLE_MEMBER, runit(&g->r) < 0.5, s ? "妇联执委" : "妇联主席", 2022,
                     2024);
        }
        if (ci == C_XH && m == 0) { /* "阵地密布在小区" */
            org(g, "DS-XH-G01-C01-V1", TX_ORG_VENUE, -1, "星河丹堤党群服务点（东区）", NULL, c->code, pb, NULL, MADE_UP);
            org(g, "DS-XH-G01-C01-V2", TX_ORG_VENUE, -1, "星河丹堤党群服务点（西区）", NULL, c->code, pb, NULL, MADE_UP);
        }
    }
}

int demo_street_generate(uint64_t seed, demo_street *out)
{
    gen *g = calloc(1, sizeof *g);
    if (g == NULL)
        return -1;
    g->r.s = seed;
    nameset_add(&g->names, "刘学政");
    nameset_add(&g->names, "星河丹堤");
    nameset_add(&g->names, "御珑名苑");
    nameset_add(&g->names, "半岛1号");
    row(g, &g->orgs, 9, "code", "kind", "unit_type", "name", "name_en", "area_code", "parent_code", "manages", "notes");
    row(g, &g->people, 5, "code", "name", "phone", "party_member", "notes");
    row(g, &g->mships, 6, "person_code", "org_code", "role", "represents_code", "start_date", "end_date");
    g->features = json_array();
    if (g->features == NULL)
        g->oom = 1;
    else {
        build_places(g);
        build_areas(g);
        build_district_and_street(g);
        for (int ci = 0; ci < NCOMM && !g->oom; ci++)
            build_community(g, ci);
        terminate(g, &g->orgs);
        terminate(g, &g->people);
        terminate(g, &g->mships);
    }
    json_t *fc = g->oom ? NULL : json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", g->features);
    if (fc == NULL) {
        if (g->oom)
            json_decref(g->features);
        free(g->orgs.p);
        free(g->people.p);
        free(g->mships.p);
        free(g);
        return -1;
    }
    out->areas = fc;
    out->organisations_csv = g->orgs.p;
    out->people_csv = g->people.p;
    out->memberships_csv = g->mships.p;
    free(g);
    return 0;
}

void demo_street_free(demo_street *d)
{
    if (d == NULL)
        return;
    json_decref(d->areas);
    free(d->organisations_csv);
    free(d->people_csv);
    free(d->memberships_csv);
    memset(d, 0, sizeof *d);
}
