/* network: codes and names of the network's vocabulary (see network.h). */
#include "domain/network.h"

#include <string.h>

#include "domain/terms.h"

static const tx_term area_kinds[TX_AREA__COUNT] = {
    {"city", {"市", "city"}},
    {"district", {"区", "district"}},
    {"street", {"街道", "street (sub-district)"}},
    {"community", {"社区", "community"}},
    {"grid", {"网格", "grid"}},
    {"compound", {"小区", "compound"}},
};

static const tx_term org_kinds[TX_ORG__COUNT] = {
    {"street_party_committee", {"街道党工委", "street party working committee"}},
    {"community_party_committee", {"社区党委", "community party committee"}},
    {"community_general_branch", {"社区党总支", "community party general branch"}},
    {"community_branch", {"社区党支部", "community party branch"}},
    {"compound_party_branch", {"小区党支部", "compound party branch"}},
    {"owners_committee", {"业主委员会", "owners' committee"}},
    {"property_company", {"物业公司", "property company"}},
    {"member_unit", {"成员单位", "member unit"}},
    {"district_department", {"区直部门", "district department"}},
    {"association", {"社团", "association or club"}},
    {"volunteer_team", {"志愿者服务队", "volunteer team"}},
    {"womens_federation", {"妇女联合会", "women's federation"}},
    {"venue", {"党群服务阵地", "venue or service station"}},
};

static const tx_term unit_types[TX_UNIT__COUNT] = {
    {"government_organ", {"机关", "government organ"}},
    {"enterprise", {"企业", "enterprise"}},
    {"public_institution", {"事业单位", "public institution"}},
    {"new_economic_organisation", {"新经济组织", "new economic organisation"}},
    {"new_social_organisation", {"新社会组织", "new social organisation"}},
};

static const tx_term membership_roles[TX_MROLE__COUNT] = {
    {"secretary", {"书记", "secretary"}},
    {"deputy_secretary", {"副书记", "deputy secretary"}},
    {"member", {"成员", "member"}},
    {"cadre", {"社区干部", "community cadre"}},
    {"grid_worker", {"网格员", "grid worker"}},
    {"part_time_member", {"兼职委员", "part-time member"}},
    {"volunteer", {"志愿者", "volunteer"}},
    {"liaison", {"联络员", "liaison"}},
};

TX_TERMS(tx_area_kind, tx_area_kind, area_kinds, TX_AREA__COUNT)
TX_TERMS(tx_org_kind, tx_org_kind, org_kinds, TX_ORG__COUNT)
TX_TERMS(tx_unit_type, tx_unit_type, unit_types, TX_UNIT__COUNT)
TX_TERMS(tx_membership_role, tx_membership_role, membership_roles, TX_MROLE__COUNT)

int tx_area_parent_kind(tx_area_kind k)
{
    return k == TX_AREA_CITY || (unsigned)k >= TX_AREA__COUNT ? -1 : (int)k - 1;
}
