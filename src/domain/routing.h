/* routing: whose duty is a report, and why.
 *
 * The place of a report (which street, community, grid and compound it lies
 * in, and whether inside the compound's red line — the line that divides the
 * property company's duty from the public's) and its category pick one rule
 * from a table held as data (route_rule in the store, editable by admins).
 * The rule names the responsible party — the grid's grid worker, the
 * compound's property company, the community office, the street office or a
 * named district department — and the tier the case starts at. The decision
 * is stored on the case with its reason in words, so that residents and
 * staff see why it went where it went (the 御珑名苑 story: "outside the red
 * line of 御珑名苑 → not the property company's duty; public sewer →
 * 惠阳区市政和代建事务中心, referred by 白云 community").
 *
 * Which rule: the most specific one that applies. A rule applies when its
 * category is the report's (or any), its place is where the report is
 * (inside a red line, outside, or any) and its area, if it has one, contains
 * the report. Specificity: an area override beats no area (a deeper area
 * beats a shallower one), then a named category beats "any", then a named
 * place beats "any"; ties go to the lowest rule id.
 *
 * 首接负责: the community containing the point owns the case whatever the
 * rule says; a department works on it by referral from that community.
 *
 * Pure: no I/O, no globals. */
#ifndef TX_DOMAIN_ROUTING_H
#define TX_DOMAIN_ROUTING_H

#include <stdint.h>

#include "domain/case.h"

typedef enum { TX_WHERE_ANY, TX_WHERE_INSIDE, TX_WHERE_OUTSIDE, TX_WHERE__COUNT } tx_route_where;

/* "any" / "inside" / "outside"; NULL for an invalid value. */
const char *tx_route_where_code(tx_route_where w);
int tx_route_where_parse(const char *code, tx_route_where *out);

typedef struct {
    int64_t id;
    const char *name; /* zh name as stored; NULL or "" when id is 0 */
} tx_route_area;

/* Where a report is. Areas with id 0 are absent. */
typedef struct {
    tx_route_area street, community, grid, compound;
    int inside_red_line; /* inside `compound`'s red line */
    /* The compound the reporter named when the point is not inside it (or
     * no point was given): lets the reason say "outside the red line of X". */
    tx_route_area named_compound;
    /* The property company managing `compound` (0 when none is on record). */
    int64_t property_company_id;
    const char *property_company_name;
} tx_route_place;

typedef struct {
    int64_t id;
    int64_t category_id; /* 0: any category */
    tx_route_where where;
    int64_t area_id;     /* 0: anywhere; else the report must lie in this area */
    tx_case_handler handler;
    int64_t org_id;      /* the department, for TX_HANDLER_DEPARTMENT */
    const char *org_name;
    tx_tier tier;
    const char *note[2]; /* why, in words: [0] zh, [1] en; may be "" */
} tx_route_rule;

typedef struct {
    const tx_route_rule *rule; /* the rule applied, NULL when none applied (the default) */
    tx_case_handler handler;   /* never NONE */
    int64_t handler_id;        /* area id for the offices, organisation id otherwise */
    tx_tier tier;
    int64_t owner_id;          /* the owning community (0: outside every community → the street triages) */
    char reason[2][768];       /* [0] zh, [1] en */
} tx_route_decision;

/* Decide for a report of category_id at place. Always decides: a report is
 * never refused for where it is (首接负责). What cannot be done as the rule
 * says falls back, and the reason says so: a grid worker's duty where there
 * is no grid goes to the community office; a property company's duty
 * outside a red line, or in a compound without a company on record, goes to
 * the grid worker (or the community); a point in no community goes to the
 * street office's triage at street tier. */
void tx_route_decide(const tx_route_place *place, int64_t category_id, const tx_route_rule *rules, int n,
                     tx_route_decision *out);

#endif
