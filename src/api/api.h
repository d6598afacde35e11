/* api: the HTTP resources of tongxin, one file per resource. routes.c holds
 * the route table: every endpoint, its authorization gate, whether it reads
 * or writes, and its handler. docs/API.md documents each row (a test checks). */
#ifndef TX_API_API_H
#define TX_API_API_H

#include "http/call.h"

extern const tx_route api_routes[];
extern const int api_nroutes;

/* Call once at server start: each resource's own init (throttles,
 * pre-rendered answers). */
int api_init(void);

/* about.c */
int api_about_init(void);
/* The map tile service the web app should use (an URL template with {z}/{x}/{y}; NULL: boundaries only). */
void api_about_configure(const char *tiles, const char *attribution);
int api_about(tx_call *call, store_conn *c);

/* health.c */
int api_healthz(tx_call *call, store_conn *c);
int api_readyz(tx_call *call, store_conn *c);
int api_metrics(tx_call *call, store_conn *c);

/* auth.c */
int api_auth_init(void);
int api_auth_login(tx_call *call, store_conn *c);
int api_auth_logout(tx_call *call, store_conn *c);
int api_auth_me(tx_call *call, store_conn *c);

/* areas.c */
int api_areas_list(tx_call *call, store_conn *c);
int api_areas_get(tx_call *call, store_conn *c);
int api_areas_create(tx_call *call, store_conn *c);
int api_areas_update(tx_call *call, store_conn *c);
int api_areas_delete(tx_call *call, store_conn *c);
int api_locate(tx_call *call, store_conn *c);

/* organisations.c */
int api_orgs_list(tx_call *call, store_conn *c);
int api_orgs_get(tx_call *call, store_conn *c);
int api_orgs_create(tx_call *call, store_conn *c);
int api_orgs_update(tx_call *call, store_conn *c);
int api_orgs_delete(tx_call *call, store_conn *c);
int api_orgs_csv(tx_call *call, store_conn *c);

/* people.c: people, memberships and the network views */
int api_people_list(tx_call *call, store_conn *c);
int api_people_get(tx_call *call, store_conn *c);
int api_people_create(tx_call *call, store_conn *c);
int api_people_update(tx_call *call, store_conn *c);
int api_people_csv(tx_call *call, store_conn *c);
int api_memberships_list(tx_call *call, store_conn *c);
int api_memberships_create(tx_call *call, store_conn *c);
int api_memberships_end(tx_call *call, store_conn *c);
int api_memberships_csv(tx_call *call, store_conn *c);
int api_network(tx_call *call, store_conn *c);

/* calendar.c */
int api_calendar_list(tx_call *call, store_conn *c);
int api_calendar_deadline(tx_call *call, store_conn *c);
int api_calendar_put(tx_call *call, store_conn *c);
int api_calendar_delete(tx_call *call, store_conn *c);
int api_calendar_csv(tx_call *call, store_conn *c);

/* cases.c: intake, the reporter's and staff views, actions, queues,
 * routing previews, categories and routing rules */
int api_cases_init(int key_per_minute);
void api_cases_shutdown(void);
int api_cases_create(tx_call *call, store_conn *c);
int api_cases_store(tx_call *call, store_conn *c);
int api_cases_get(tx_call *call, store_conn *c);
int api_cases_list(tx_call *call, store_conn *c);
int api_cases_act(tx_call *call, store_conn *c);
int api_cases_nearby(tx_call *call, store_conn *c);
int api_cases_duplicates(tx_call *call, store_conn *c);
int api_route_preview(tx_call *call, store_conn *c);
int api_categories_list(tx_call *call, store_conn *c);
int api_categories_get(tx_call *call, store_conn *c);
int api_categories_create(tx_call *call, store_conn *c);
int api_categories_update(tx_call *call, store_conn *c);
int api_rules_list(tx_call *call, store_conn *c);
int api_rules_create(tx_call *call, store_conn *c);
int api_rules_delete(tx_call *call, store_conn *c);
/* Whether p sees case k whole (reporter's details, internal notes): staff
 * whose scope covers it, its current handler, the department it was
 * referred to. */
int api_case_staff_sees(const tx_principal *p, const tx_case *k);

/* photos.c: pictures of a case, stored under dir (max_bytes each) */
void api_photos_configure(const char *dir, size_t max_bytes);
int api_photos_upload(tx_call *call, store_conn *c);
int api_photos_get(tx_call *call, store_conn *c);

/* webhooks.c */
int api_webhooks_list(tx_call *call, store_conn *c);
int api_webhooks_get(tx_call *call, store_conn *c);
int api_webhooks_create(tx_call *call, store_conn *c);
int api_webhooks_update(tx_call *call, store_conn *c);
int api_webhooks_delete(tx_call *call, store_conn *c);
int api_webhooks_deliveries(tx_call *call, store_conn *c);

/* open311.c: Open311 GeoReport v2 at /open311/v2 (XML and JSON) */
void api_open311_configure(const char *jurisdiction_id); /* default "danshui.huiyang.huizhou.cn" */
void api_open311_render_error(tx_call *call);            /* the routes' tx_route.render_error */
int api_open311_discovery(tx_call *call, store_conn *c);
int api_open311_services(tx_call *call, store_conn *c);
int api_open311_service(tx_call *call, store_conn *c);
int api_open311_post(tx_call *call, store_conn *c);
int api_open311_requests(tx_call *call, store_conn *c);
int api_open311_request(tx_call *call, store_conn *c);
int api_open311_token(tx_call *call, store_conn *c);
int api_open311_updates(tx_call *call, store_conn *c);

/* stats.c: the service figures of cases (docs/METRICS.md) */
int api_stats_cases(tx_call *call, store_conn *c);

/* lists.c: needs, resources, projects, plans (三张清单, 一社区一方案) */
int api_needs_list(tx_call *call, store_conn *c);
int api_needs_get(tx_call *call, store_conn *c);
int api_needs_create(tx_call *call, store_conn *c);
int api_needs_update(tx_call *call, store_conn *c);
int api_needs_csv(tx_call *call, store_conn *c);
int api_needs_claim(tx_call *call, store_conn *c);
int api_needs_matches(tx_call *call, store_conn *c);
int api_needs_hotspots(tx_call *call, store_conn *c);
int api_claims_confirm(tx_call *call, store_conn *c);
int api_claims_decline(tx_call *call, store_conn *c);
int api_claims_withdraw(tx_call *call, store_conn *c);
int api_claims_list(tx_call *call, store_conn *c);
int api_resources_list(tx_call *call, store_conn *c);
int api_resources_get(tx_call *call, store_conn *c);
int api_resources_create(tx_call *call, store_conn *c);
int api_resources_update(tx_call *call, store_conn *c);
int api_resources_csv(tx_call *call, store_conn *c);
int api_projects_list(tx_call *call, store_conn *c);
int api_projects_get(tx_call *call, store_conn *c);
int api_projects_create(tx_call *call, store_conn *c);
int api_projects_update(tx_call *call, store_conn *c);
int api_projects_csv(tx_call *call, store_conn *c);
int api_projects_commit(tx_call *call, store_conn *c);
int api_projects_milestone_add(tx_call *call, store_conn *c);
int api_projects_outcome_add(tx_call *call, store_conn *c);
int api_projects_copy(tx_call *call, store_conn *c);
int api_commitments_deliver(tx_call *call, store_conn *c);
int api_milestones_update(tx_call *call, store_conn *c);
int api_plans_list(tx_call *call, store_conn *c);
int api_plans_get(tx_call *call, store_conn *c);
int api_plans_create(tx_call *call, store_conn *c);
int api_plans_update(tx_call *call, store_conn *c);
int api_plans_csv(tx_call *call, store_conn *c);
int api_boards_get(tx_call *call, store_conn *c);
int api_sites_put(tx_call *call, store_conn *c);
int api_sites_delete(tx_call *call, store_conn *c);
int api_stats_lists(tx_call *call, store_conn *c);

/* users.c: accounts and API keys, managed by street admins within their scope */
int api_users_list(tx_call *call, store_conn *c);
int api_users_create(tx_call *call, store_conn *c);
int api_users_update(tx_call *call, store_conn *c);
int api_keys_list(tx_call *call, store_conn *c);
int api_keys_create(tx_call *call, store_conn *c);
int api_keys_revoke(tx_call *call, store_conn *c);

/* Principal as JSON: {login, role, scope:{kind,id,code}|null}. */
json_t *api_principal_json(const tx_principal *p);

#endif
