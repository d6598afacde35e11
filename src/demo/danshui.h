/* danshui: the demo street, 淡水街道 (Danshui sub-district, Huiyang district,
 * Huizhou), generated deterministically from a seed as the four import
 * documents (areas GeoJSON, organisations / people / memberships CSV).
 *
 * It reproduces every figure of the Huizhou Daily report the product is
 * built from (shared/seed/danshui-big-party-committee.txt): 20 communities,
 * 86 part-time members of the communities' big committees (大党委兼职委员),
 * 112 compound party branches, 星河 (5 cadres, compound 星河丹堤 of about
 * 20,000 residents), 白云 (founded 2011-10, 14,000 registered and 38,000
 * resident, 60 compounds, 20 branches; 御珑名苑 and its branch secretary
 * 刘学政), 半岛1号 (demonstration site with a women's federation and a
 * volunteer team) and the 惠阳区市政和代建事务中心. Names from the article
 * are real and their notes say "见报道 / named in the article"; everything
 * else (boundaries, populations, people, phone numbers 1390000xxxx, other
 * names) is invented and its notes say "虚构示例数据 / made-up demo data".
 *
 * The structure (counts, codes, which grid holds which named compound) is
 * the same for every seed, so codes such as DS-BY-G01 are stable and the
 * demo accounts below can name their scopes; the seed varies geometry,
 * made-up names, populations, people and dates. Same seed, same bytes.
 *
 * Modelling choices the importers rely on:
 *  - Cadres (社区"两委"干部) are memberships with role cadre in their
 *    community's party organisation; the first cadre also holds role
 *    secretary there, the second deputy_secretary. 白云's organisation is a
 *    community_general_branch (白云社区党总支部, as the article names it);
 *    the other 19 are community_party_committee.
 *  - Grid workers are memberships with role grid_worker in the community's
 *    party organisation (a grid has no organisation of its own); the grid
 *    they work is named in the person's notes as "grid:<grid code>".
 *  - Part-time members are memberships with role part_time_member in the
 *    community's party organisation, represents_code = a member unit of the
 *    same community. A few ended memberships (with end_date) show turnover;
 *    exactly 86 are current.
 *  - 星河智善惠州分公司 is a member_unit (enterprise); the property company
 *    of 星河丹堤 is a separate property_company org ("…星河丹堤物业服务中心")
 *    whose parent_code is that member unit. 白云 and 滨河 do the same with a
 *    made-up property firm that is also their member unit.
 *  - Member units, property companies, owners' committees and associations
 *    have no parent organisation; venues and volunteer teams of a community
 *    have its party organisation as parent; the women's federation,
 *    volunteer team and service station of 半岛1号 have its compound branch
 *    as parent.
 *  - area_code: HY for district departments, DS for the street committee,
 *    the community for its party organisation, member units, property
 *    companies, venue, clubs and volunteer team, the compound for compound
 *    branches, owners' committees and 半岛1号's federation and team. Each
 *    property company serves compounds of one community only.
 *  - Geometry: one Polygon per area, counter-clockwise, coordinates rounded
 *    to 1e-7 degree (about 1 cm); dump with JSON_REAL_PRECISION(10) for the
 *    shortest text that keeps them. CSV rows end in LF (csv_put).
 */
#ifndef TX_DEMO_DANSHUI_H
#define TX_DEMO_DANSHUI_H

#include <stdint.h>

#include <jansson.h>

typedef struct {
    json_t *areas;           /* GeoJSON FeatureCollection (RFC 7946), the areas import format */
    char *organisations_csv; /* organisations import format */
    char *people_csv;        /* people import format */
    char *memberships_csv;   /* memberships import format */
} demo_street;

/* Generate the demo street for seed into *out (all four documents, owned by
 * *out; release them with demo_street_free). Returns 0 on success, -1 when
 * out of memory, in which case *out is left untouched. Deterministic: the
 * same seed gives byte-identical documents. Takes a few milliseconds. */
int demo_street_generate(uint64_t seed, demo_street *out);

/* Free what demo_street_generate put in *d and clear it. NULL-safe, and
 * safe to call twice. */
void demo_street_free(demo_street *d);

/* The demo's sign-in accounts. role is an account role name (account.h);
 * scope_code the code of the area (street, community, grid) or organisation
 * (district department, member unit) the role is scoped to, NULL for roles
 * without a scope (resident, volunteer); what is a short zh description.
 * The scope codes exist in every generated street, whatever the seed. */
typedef struct {
    const char *login, *role, *scope_code, *password, *what;
} demo_account;

extern const demo_account demo_accounts[];
extern const int demo_accounts_count;

#endif
