/* account: who is acting. Roles, scopes and the principal a request runs as.
 *
 * A role is always scoped to one area or one organisation ("a grid worker of
 * grid G", "community staff of 白云"); what that covers is decided by authz. */
#ifndef TX_DOMAIN_ACCOUNT_H
#define TX_DOMAIN_ACCOUNT_H

#include <stdint.h>

typedef enum {
    TX_ROLE_ANONYMOUS = 0, /* no credentials */
    TX_ROLE_RESIDENT,
    TX_ROLE_GRID_WORKER,      /* scope: a grid */
    TX_ROLE_COMMUNITY_STAFF,  /* scope: a community */
    TX_ROLE_STREET_ADMIN,     /* scope: a street (or a district / city) */
    TX_ROLE_DEPARTMENT_STAFF, /* scope: a district department (organisation) */
    TX_ROLE_MEMBER_UNIT,      /* scope: a member unit (organisation) */
    TX_ROLE_VOLUNTEER,
    TX_ROLE_API_CLIENT, /* a program holding an API key without a staff role */
    TX_ROLE__COUNT
} tx_role;

typedef enum { TX_SCOPE_NONE = 0, TX_SCOPE_AREA, TX_SCOPE_ORG } tx_scope_kind;

typedef struct {
    tx_scope_kind kind;
    int64_t id;     /* area or organisation id; 0 when kind is NONE */
    char code[64];  /* its code, for display */
} tx_scope;

typedef struct {
    tx_role role;
    int64_t user_id;   /* 0 unless signed in with a password */
    int64_t apikey_id; /* 0 unless authenticated by an API key */
    char login[64];    /* login or key name */
    tx_scope scope;
} tx_principal;

/* The role's stable name ("grid_worker"), or NULL for an invalid value. */
const char *tx_role_name(tx_role r);

/* Parse a role name; returns 0 and sets *out, or -1 if unknown. Anonymous and
 * api_client cannot be parsed: they are not roles a person is given. */
int tx_role_parse(const char *name, tx_role *out);

/* What kind of scope a role must have: TX_SCOPE_AREA, TX_SCOPE_ORG or NONE. */
tx_scope_kind tx_role_scope_kind(tx_role r);

/* Whether the role is a staff role (sees personal data within its scope). */
int tx_role_is_staff(tx_role r);

#endif
