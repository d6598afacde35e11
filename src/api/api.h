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

/* Principal as JSON: {login, role, scope:{kind,id,code}|null}. */
json_t *api_principal_json(const tx_principal *p);

#endif
