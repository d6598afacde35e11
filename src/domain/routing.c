/* routing: whose duty is a report, and why (see routing.h). */
#include "domain/routing.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const where_codes[TX_WHERE__COUNT] = {"any", "inside", "outside"};

const char *tx_route_where_code(tx_route_where w)
{
    return (unsigned)w < TX_WHERE__COUNT ? where_codes[w] : NULL;
}

int tx_route_where_parse(const char *code, tx_route_where *out)
{
    for (int i = 0; code && i < TX_WHERE__COUNT; i++)
        if (strcmp(code, where_codes[i]) == 0) {
            *out = (tx_route_where)i;
            return 0;
        }
    return -1;
}

static const char *nm(const tx_route_area *a)
{
    return a->name && *a->name ? a->name : "?";
}

/* How deep in the place the rule's area is: 0 when it has none, -1 when
 * the report is not in it. A compound counts only inside its red line. */
static int area_depth(const tx_route_place *p, int64_t area_id)
{
    if (area_id == 0)
        return 0;
    if (p->compound.id == area_id && p->inside_red_line)
        return 4;
    if (p->grid.id == area_id)
        return 3;
    if (p->community.id == area_id)
        return 2;
    if (p->street.id == area_id)
        return 1;
    return -1;
}

static int applies(const tx_route_place *p, int64_t category_id, const tx_route_rule *r, int *score)
{
    if (r->category_id != 0 && r->category_id != category_id)
        return 0;
    if (r->where == TX_WHERE_INSIDE && !p->inside_red_line)
        return 0;
    if (r->where == TX_WHERE_OUTSIDE && p->inside_red_line)
        return 0;
    int depth = area_depth(p, r->area_id);
    if (depth < 0)
        return 0;
    *score = depth * 4 + (r->category_id != 0) * 2 + (r->where != TX_WHERE_ANY);
    return 1;
}

/* End a string cut at n - 1 bytes on a whole UTF-8 character. */
static void whole_chars(char *s, size_t n)
{
    size_t end = strlen(s), i = end;
    if (end < n - 1)
        return;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0) {
        unsigned char lead = (unsigned char)s[i - 1];
        size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (end - (i - 1) < need)
            s[i - 1] = '\0';
    }
}

/* snprintf that never leaves half a character when names are long. */
__attribute__((format(printf, 3, 4))) static void say(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, n, fmt, ap);
    va_end(ap);
    whole_chars(out, n);
}

/* Reasons are built as "A → B → C", each step in both languages. */
typedef struct {
    char *s[2];
    size_t cap, len[2];
} reason_buf;

static void step(reason_buf *b, const char *zh, const char *en)
{
    const char *t[2] = {zh, en};
    for (int l = 0; l < 2; l++) {
        if (b->len[l] >= b->cap - 1)
            continue;
        int n = snprintf(b->s[l] + b->len[l], b->cap - b->len[l], "%s%s", b->len[l] ? " → " : "", t[l]);
        if (n < 0)
            continue;
        if ((size_t)n < b->cap - b->len[l]) {
            b->len[l] += (size_t)n;
            continue;
        }
        /* Cut short: end on a whole character, never inside one. */
        whole_chars(b->s[l], b->cap);
        b->len[l] = b->cap - 1; /* full: later steps are dropped */
    }
}

static void where_step(reason_buf *b, const tx_route_place *p)
{
    char zh[320], en[320];
    if (p->community.id == 0) {
        step(b, "位置不在本街道任何社区范围内", "the place lies in no community of the street");
        return;
    }
    if (p->inside_red_line && p->compound.id) {
        say(zh, sizeof zh, "位于%s（%s）红线内", nm(&p->compound), nm(&p->community));
        say(en, sizeof en, "inside the red line of %s (%s)", nm(&p->compound), nm(&p->community));
    } else if (p->named_compound.id) {
        say(zh, sizeof zh, "在%s红线外（%s）", nm(&p->named_compound), nm(&p->community));
        say(en, sizeof en, "outside the red line of %s (%s)", nm(&p->named_compound),
                 nm(&p->community));
    } else if (p->grid.id) {
        /* a grid's name often says its community already (白云社区第1网格) */
        int says = strstr(nm(&p->grid), nm(&p->community)) != NULL;
        say(zh, sizeof zh, "位于%s%s，不在小区红线内", says ? "" : nm(&p->community), nm(&p->grid));
        say(en, sizeof en, "in %s%s%s, outside any compound's red line", nm(&p->grid), says ? "" : ", ",
                 says ? "" : nm(&p->community));
    } else {
        say(zh, sizeof zh, "位于%s，不在任何网格和小区红线内", nm(&p->community));
        say(en, sizeof en, "in %s, in no grid and outside any compound's red line", nm(&p->community));
    }
    step(b, zh, en);
}

static void set(tx_route_decision *d, tx_case_handler h, int64_t id, tx_tier t)
{
    d->handler = h;
    d->handler_id = id;
    d->tier = t;
}

/* The grid worker where there is a grid, else the community office. */
static void to_grid_or_community(tx_route_decision *d, const tx_route_place *p, reason_buf *b)
{
    char zh[320], en[320];
    if (p->grid.id) {
        set(d, TX_HANDLER_GRID_WORKER, p->grid.id, TX_TIER_GRID);
        say(zh, sizeof zh, "%s网格员办理（小事不出网格）", nm(&p->grid));
        say(en, sizeof en, "the grid worker of %s handles it", nm(&p->grid));
    } else {
        set(d, TX_HANDLER_COMMUNITY_OFFICE, p->community.id, TX_TIER_COMMUNITY);
        say(zh, sizeof zh, "不属于任何网格，由%s办理", nm(&p->community));
        say(en, sizeof en, "in no grid, so %s handles it", nm(&p->community));
    }
    step(b, zh, en);
}

void tx_route_decide(const tx_route_place *p, int64_t category_id, const tx_route_rule *rules, int n,
                     tx_route_decision *out)
{
    memset(out, 0, sizeof *out);
    reason_buf b = {{out->reason[0], out->reason[1]}, sizeof out->reason[0], {0, 0}};
    out->owner_id = p->community.id;
    where_step(&b, p);

    if (p->community.id == 0) {
        set(out, TX_HANDLER_STREET_OFFICE, p->street.id, TX_TIER_STREET);
        step(&b, "由街道统一受理分拨（首接负责）", "the street office receives and triages it (first receiver)");
        return;
    }

    const tx_route_rule *best = NULL;
    int best_score = -1;
    for (int i = 0; i < n; i++) {
        int score;
        if (applies(p, category_id, &rules[i], &score) &&
            (score > best_score || (score == best_score && rules[i].id < best->id))) {
            best = &rules[i];
            best_score = score;
        }
    }
    out->rule = best;
    if (best && best->note[0] && *best->note[0])
        step(&b, best->note[0], best->note[1] && *best->note[1] ? best->note[1] : best->note[0]);

    char zh[320], en[320];
    tx_case_handler h = best ? best->handler : TX_HANDLER_GRID_WORKER;
    switch (h) {
    case TX_HANDLER_PROPERTY_COMPANY:
        if (p->inside_red_line && p->compound.id && p->property_company_id) {
            set(out, TX_HANDLER_PROPERTY_COMPANY, p->property_company_id, best->tier);
            say(zh, sizeof zh, "属于物业服务范围，由%s办理", p->property_company_name ? p->property_company_name : "?");
            say(en, sizeof en, "the property company's duty: %s handles it",
                     p->property_company_name ? p->property_company_name : "?");
            step(&b, zh, en);
        } else if (p->inside_red_line && p->compound.id) {
            step(&b, "该小区没有登记物业公司", "the compound has no property company on record");
            to_grid_or_community(out, p, &b);
        } else {
            step(&b, "不属于物业公司的职责", "not the property company's duty");
            to_grid_or_community(out, p, &b);
        }
        break;
    case TX_HANDLER_DEPARTMENT:
        set(out, TX_HANDLER_DEPARTMENT, best->org_id, TX_TIER_COMMUNITY);
        say(zh, sizeof zh, "%s，由%s转交（吹哨报到）", best->org_name ? best->org_name : "?",
                 nm(&p->community));
        say(en, sizeof en, "%s, referred by %s", best->org_name ? best->org_name : "?",
                 nm(&p->community));
        step(&b, zh, en);
        break;
    case TX_HANDLER_COMMUNITY_OFFICE:
        set(out, TX_HANDLER_COMMUNITY_OFFICE, p->community.id, best->tier > TX_TIER_COMMUNITY ? best->tier : TX_TIER_COMMUNITY);
        say(zh, sizeof zh, "由%s办理", nm(&p->community));
        say(en, sizeof en, "%s handles it", nm(&p->community));
        step(&b, zh, en);
        break;
    case TX_HANDLER_STREET_OFFICE:
        set(out, TX_HANDLER_STREET_OFFICE, p->street.id, TX_TIER_STREET);
        step(&b, "由街道办理", "the street office handles it");
        break;
    default:
        if (!best)
            step(&b, "没有专门规则，按属地由网格先行处置", "no specific rule: the place's grid handles it first");
        to_grid_or_community(out, p, &b);
        if (best && best->tier > out->tier)
            out->tier = best->tier;
        break;
    }
}
