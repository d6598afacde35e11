/* routes: every endpoint of the API. A row says method, path pattern, the
 * name used in logs and metrics, the authorization gate (domain/authz.h),
 * where it runs (loop thread, reader, writer), what body it takes, and its
 * handler. docs/API.md must document every row; tests/api checks that. */
#include "api/api.h"

const tx_route api_routes[] = {
    {"GET", "/healthz", "healthz", TX_ACT_PUBLIC, ROUTE_SYNC, BODY_NONE, api_healthz},
    {"GET", "/readyz", "readyz", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_readyz},
    {"GET", "/metrics", "metrics", TX_ACT_PUBLIC, ROUTE_SYNC, BODY_NONE, api_metrics},
    {"GET", "/api/v1/about", "about", TX_ACT_PUBLIC, ROUTE_SYNC, BODY_NONE, api_about},
    {"POST", "/api/v1/auth/login", "auth.login", TX_ACT_SIGN_IN, ROUTE_READ, BODY_JSON, api_auth_login},
    {"POST", "/api/v1/auth/logout", "auth.logout", TX_ACT_SELF, ROUTE_WRITE, BODY_NONE, api_auth_logout},
    {"GET", "/api/v1/auth/me", "auth.me", TX_ACT_SELF, ROUTE_READ, BODY_NONE, api_auth_me},

    {"GET", "/api/v1/areas", "areas.list", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_areas_list},
    {"POST", "/api/v1/areas", "areas.create", TX_ACT_AREA_WRITE, ROUTE_WRITE, BODY_JSON, api_areas_create},
    {"GET", "/api/v1/areas/{id}", "areas.get", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_areas_get},
    {"PATCH", "/api/v1/areas/{id}", "areas.update", TX_ACT_AREA_WRITE, ROUTE_WRITE, BODY_JSON, api_areas_update},
    {"DELETE", "/api/v1/areas/{id}", "areas.delete", TX_ACT_AREA_WRITE, ROUTE_WRITE, BODY_NONE, api_areas_delete},
    {"GET", "/api/v1/locate", "locate", TX_ACT_PUBLIC, ROUTE_SYNC, BODY_NONE, api_locate},

    {"GET", "/api/v1/organisations", "orgs.list", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_orgs_list},
    {"GET", "/api/v1/organisations.csv", "orgs.csv", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_orgs_csv},
    {"POST", "/api/v1/organisations", "orgs.create", TX_ACT_ORG_WRITE, ROUTE_WRITE, BODY_JSON, api_orgs_create},
    {"GET", "/api/v1/organisations/{id}", "orgs.get", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_orgs_get},
    {"PATCH", "/api/v1/organisations/{id}", "orgs.update", TX_ACT_ORG_WRITE, ROUTE_WRITE, BODY_JSON, api_orgs_update},
    {"DELETE", "/api/v1/organisations/{id}", "orgs.delete", TX_ACT_ORG_WRITE, ROUTE_WRITE, BODY_NONE,
     api_orgs_delete},

    {"GET", "/api/v1/people", "people.list", TX_ACT_PERSON_READ, ROUTE_READ, BODY_NONE, api_people_list},
    {"GET", "/api/v1/people.csv", "people.csv", TX_ACT_EXPORT_PERSONAL, ROUTE_READ, BODY_NONE, api_people_csv},
    {"POST", "/api/v1/people", "people.create", TX_ACT_PERSON_WRITE, ROUTE_WRITE, BODY_JSON, api_people_create},
    {"GET", "/api/v1/people/{id}", "people.get", TX_ACT_PERSON_READ, ROUTE_READ, BODY_NONE, api_people_get},
    {"PATCH", "/api/v1/people/{id}", "people.update", TX_ACT_PERSON_WRITE, ROUTE_WRITE, BODY_JSON, api_people_update},

    {"GET", "/api/v1/memberships", "memberships.list", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_memberships_list},
    {"GET", "/api/v1/memberships.csv", "memberships.csv", TX_ACT_PERSON_READ, ROUTE_READ, BODY_NONE,
     api_memberships_csv},
    {"POST", "/api/v1/memberships", "memberships.create", TX_ACT_ORG_WRITE, ROUTE_WRITE, BODY_JSON,
     api_memberships_create},
    {"PATCH", "/api/v1/memberships/{id}", "memberships.end", TX_ACT_ORG_WRITE, ROUTE_WRITE, BODY_JSON,
     api_memberships_end},

    {"GET", "/api/v1/network", "network", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_network},

    {"GET", "/api/v1/calendar", "calendar.list", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_calendar_list},
    {"GET", "/api/v1/calendar.csv", "calendar.csv", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_calendar_csv},
    {"GET", "/api/v1/calendar/deadline", "calendar.deadline", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_calendar_deadline},
    {"PUT", "/api/v1/calendar/{date}", "calendar.put", TX_ACT_CALENDAR_WRITE, ROUTE_WRITE, BODY_JSON,
     api_calendar_put},
    {"DELETE", "/api/v1/calendar/{date}", "calendar.delete", TX_ACT_CALENDAR_WRITE, ROUTE_WRITE, BODY_NONE,
     api_calendar_delete},
};
const int api_nroutes = sizeof api_routes / sizeof api_routes[0];

int api_init(void)
{
    return api_auth_init() || api_about_init() ? -1 : 0;
}
