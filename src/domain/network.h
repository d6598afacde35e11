/* network: the vocabulary of the big-committee network (大党委): kinds of
 * areas, kinds of organisations, member-unit types and membership roles,
 * with their stable codes (used in the API, imports and the store) and
 * their names in zh-CN and en. */
#ifndef TX_DOMAIN_NETWORK_H
#define TX_DOMAIN_NETWORK_H

typedef enum {
    TX_AREA_CITY,
    TX_AREA_DISTRICT,
    TX_AREA_STREET,    /* 街道 */
    TX_AREA_COMMUNITY, /* 社区 */
    TX_AREA_GRID,      /* 网格 */
    TX_AREA_COMPOUND,  /* 小区: its boundary is the red line (红线) */
    TX_AREA__COUNT
} tx_area_kind;

typedef enum {
    TX_ORG_STREET_PARTY_COMMITTEE,    /* 街道党工委 */
    TX_ORG_COMMUNITY_PARTY_COMMITTEE, /* 社区党委 */
    TX_ORG_COMMUNITY_GENERAL_BRANCH,  /* 社区党总支 */
    TX_ORG_COMMUNITY_BRANCH,          /* 社区党支部 */
    TX_ORG_COMPOUND_PARTY_BRANCH,     /* 小区党支部 */
    TX_ORG_OWNERS_COMMITTEE,          /* 业委会 */
    TX_ORG_PROPERTY_COMPANY,          /* 物业公司 */
    TX_ORG_MEMBER_UNIT,               /* 成员单位 */
    TX_ORG_DISTRICT_DEPARTMENT,       /* 区直部门 */
    TX_ORG_ASSOCIATION,               /* 社团 / 协会 */
    TX_ORG_VOLUNTEER_TEAM,            /* 志愿者服务队 */
    TX_ORG_WOMENS_FEDERATION,         /* 妇女联合会 */
    TX_ORG_VENUE,                     /* 阵地 / 党群服务驿站 */
    TX_ORG__COUNT
} tx_org_kind;

typedef enum {
    TX_UNIT_GOVERNMENT_ORGAN,          /* 机关 */
    TX_UNIT_ENTERPRISE,                /* 企业 */
    TX_UNIT_PUBLIC_INSTITUTION,        /* 事业单位 */
    TX_UNIT_NEW_ECONOMIC_ORGANISATION, /* 新经济组织 */
    TX_UNIT_NEW_SOCIAL_ORGANISATION,   /* 新社会组织 */
    TX_UNIT__COUNT
} tx_unit_type;

typedef enum {
    TX_MROLE_SECRETARY,
    TX_MROLE_DEPUTY_SECRETARY,
    TX_MROLE_MEMBER,
    TX_MROLE_CADRE,            /* 社区"两委"干部 */
    TX_MROLE_GRID_WORKER,      /* 网格员 */
    TX_MROLE_PART_TIME_MEMBER, /* 兼职委员: represents a member unit */
    TX_MROLE_VOLUNTEER,
    TX_MROLE_LIAISON,
    TX_MROLE__COUNT
} tx_membership_role;

/* Codes ("community", "compound_party_branch", "government_organ",
 * "part_time_member") and names by language (0 zh, 1 en). The parse
 * functions return 0 and set *out, or -1 for an unknown code. */
const char *tx_area_kind_code(tx_area_kind k);
const char *tx_area_kind_name(tx_area_kind k, int lang);
int tx_area_kind_parse(const char *code, tx_area_kind *out);

const char *tx_org_kind_code(tx_org_kind k);
const char *tx_org_kind_name(tx_org_kind k, int lang);
int tx_org_kind_parse(const char *code, tx_org_kind *out);

const char *tx_unit_type_code(tx_unit_type t);
const char *tx_unit_type_name(tx_unit_type t, int lang);
int tx_unit_type_parse(const char *code, tx_unit_type *out);

const char *tx_membership_role_code(tx_membership_role r);
const char *tx_membership_role_name(tx_membership_role r, int lang);
int tx_membership_role_parse(const char *code, tx_membership_role *out);

/* The kind an area's parent must have: a grid's parent is a community, a
 * compound's a grid, a community's a street, a street's a district, a
 * district's a city. A city has no parent (returns -1). */
int tx_area_parent_kind(tx_area_kind k);

#endif
