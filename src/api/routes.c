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

    {"GET", "/api/v1/categories", "categories.list", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_categories_list},
    {"POST", "/api/v1/categories", "categories.create", TX_ACT_CATALOGUE_WRITE, ROUTE_WRITE, BODY_JSON,
     api_categories_create},
    {"GET", "/api/v1/categories/{code}", "categories.get", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_categories_get},
    {"PATCH", "/api/v1/categories/{code}", "categories.update", TX_ACT_CATALOGUE_WRITE, ROUTE_WRITE, BODY_JSON,
     api_categories_update},
    {"GET", "/api/v1/routing-rules", "rules.list", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_rules_list},
    {"POST", "/api/v1/routing-rules", "rules.create", TX_ACT_CATALOGUE_WRITE, ROUTE_WRITE, BODY_JSON, api_rules_create},
    {"DELETE", "/api/v1/routing-rules/{id}", "rules.delete", TX_ACT_CATALOGUE_WRITE, ROUTE_WRITE, BODY_NONE,
     api_rules_delete},
    {"GET", "/api/v1/route", "route.preview", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_route_preview},

    /* Intake is checked and routed on a reader, then stored on the writer. */
    {"POST", "/api/v1/cases", "cases.create", TX_ACT_PUBLIC, ROUTE_READ, BODY_JSON, api_cases_create},
    {"GET", "/api/v1/cases", "cases.list", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_cases_list},
    {"GET", "/api/v1/cases/nearby", "cases.nearby", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_cases_nearby},
    {"GET", "/api/v1/cases/{id}", "cases.get", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_cases_get},
    {"POST", "/api/v1/cases/{id}/actions", "cases.act", TX_ACT_PUBLIC, ROUTE_WRITE, BODY_JSON, api_cases_act},
    {"POST", "/api/v1/cases/{id}/photos", "cases.photos.upload", TX_ACT_PUBLIC, ROUTE_READ, BODY_MULTIPART,
     api_photos_upload},
    {"GET", "/api/v1/cases/{id}/photos/{hash}", "cases.photos.get", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_photos_get},
    {"GET", "/api/v1/cases/{id}/duplicates", "cases.duplicates", TX_ACT_CASE_QUEUE, ROUTE_READ, BODY_NONE,
     api_cases_duplicates},
    {"GET", "/api/v1/stats/cases", "stats.cases", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE, api_stats_cases},

    {"GET", "/api/v1/webhooks", "webhooks.list", TX_ACT_WEBHOOK_WRITE, ROUTE_READ, BODY_NONE, api_webhooks_list},
    {"POST", "/api/v1/webhooks", "webhooks.create", TX_ACT_WEBHOOK_WRITE, ROUTE_WRITE, BODY_JSON, api_webhooks_create},
    {"GET", "/api/v1/webhooks/{id}", "webhooks.get", TX_ACT_WEBHOOK_WRITE, ROUTE_READ, BODY_NONE, api_webhooks_get},
    {"PATCH", "/api/v1/webhooks/{id}", "webhooks.update", TX_ACT_WEBHOOK_WRITE, ROUTE_WRITE, BODY_JSON,
     api_webhooks_update},
    {"DELETE", "/api/v1/webhooks/{id}", "webhooks.delete", TX_ACT_WEBHOOK_WRITE, ROUTE_WRITE, BODY_NONE,
     api_webhooks_delete},
    {"GET", "/api/v1/webhooks/{id}/deliveries", "webhooks.deliveries", TX_ACT_WEBHOOK_WRITE, ROUTE_READ, BODY_NONE,
     api_webhooks_deliveries},

    /* Open311 GeoReport v2: .xml or .json picks the format; errors in
     * Open311's shape; the API key also as the api_key parameter. The POST
     * is checked and routed on a reader, then stored on the writer. */
    {"GET", "/open311/v2/discovery.{fmt}", "open311.discovery", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_open311_discovery, api_open311_render_error, 1},
    {"GET", "/open311/v2/services.{fmt}", "open311.services", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_open311_services, api_open311_render_error, 1},
    {"GET", "/open311/v2/services/{file}", "open311.service", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_open311_service, api_open311_render_error, 1},
    {"POST", "/open311/v2/requests.{fmt}", "open311.requests.create", TX_ACT_PUBLIC, ROUTE_READ, BODY_FORM,
     api_open311_post, api_open311_render_error, 1},
    {"GET", "/open311/v2/requests.{fmt}", "open311.requests", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_open311_requests, api_open311_render_error, 1},
    {"GET", "/open311/v2/requests/{file}", "open311.request", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_open311_request, api_open311_render_error, 1},
    {"GET", "/open311/v2/tokens/{file}", "open311.token", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_open311_token, api_open311_render_error, 1},
    {"GET", "/open311/v2/servicerequestupdates.{fmt}", "open311.updates", TX_ACT_PUBLIC, ROUTE_READ, BODY_NONE,
     api_open311_updates, api_open311_render_error, 1},
};
const int api_nroutes = sizeof api_routes / sizeof api_routes[0];

int api_init(void)
{
    return api_auth_init() || api_about_init() ? -1 : 0;
}
