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

/* Principal as JSON: {login, role, scope:{kind,id,code}|null}. */
json_t *api_principal_json(const tx_principal *p);

#endif
