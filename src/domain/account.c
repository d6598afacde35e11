/* account: role names and the scope each role needs (see account.h). */
#include "domain/account.h"

#include <string.h>

static const char *const role_names[TX_ROLE__COUNT] = {
    [TX_ROLE_ANONYMOUS] = "anonymous",
    [TX_ROLE_RESIDENT] = "resident",
    [TX_ROLE_GRID_WORKER] = "grid_worker",
    [TX_ROLE_COMMUNITY_STAFF] = "community_staff",
    [TX_ROLE_STREET_ADMIN] = "street_admin",
    [TX_ROLE_DEPARTMENT_STAFF] = "department_staff",
    [TX_ROLE_MEMBER_UNIT] = "member_unit",
    [TX_ROLE_VOLUNTEER] = "volunteer",
    [TX_ROLE_API_CLIENT] = "api_client",
};

const char *tx_role_name(tx_role r)
{
    return (unsigned)r < TX_ROLE__COUNT ? role_names[r] : NULL;
}

int tx_role_parse(const char *name, tx_role *out)
{
    for (int r = TX_ROLE_RESIDENT; r < TX_ROLE_API_CLIENT; r++)
        if (strcmp(name, role_names[r]) == 0) {
            *out = (tx_role)r;
            return 0;
        }
    return -1;
}

tx_scope_kind tx_role_scope_kind(tx_role r)
{
    switch (r) {
    case TX_ROLE_GRID_WORKER:
    case TX_ROLE_COMMUNITY_STAFF:
    case TX_ROLE_STREET_ADMIN:
        return TX_SCOPE_AREA;
    case TX_ROLE_DEPARTMENT_STAFF:
    case TX_ROLE_MEMBER_UNIT:
        return TX_SCOPE_ORG;
    default:
        return TX_SCOPE_NONE;
    }
}

int tx_role_is_staff(tx_role r)
{
    return r == TX_ROLE_GRID_WORKER || r == TX_ROLE_COMMUNITY_STAFF || r == TX_ROLE_STREET_ADMIN ||
           r == TX_ROLE_DEPARTMENT_STAFF;
}
