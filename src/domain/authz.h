/* authz: the one place that decides who may do what where (role × scope × action).
 *
 * Every route names its action in the route table; the HTTP layer asks
 * tx_authz_decide before the handler runs, and handlers that touch a scoped
 * object ask again with that object's place (its area and organisation
 * ancestry). No handler decides access on its own. */
#ifndef TX_DOMAIN_AUTHZ_H
#define TX_DOMAIN_AUTHZ_H

#include <stdint.h>

#include "domain/account.h"

typedef enum {
    TX_ACT_PUBLIC,         /* read what is public: anyone */
    TX_ACT_SIGN_IN,        /* log in: anyone (throttled) */
    TX_ACT_SELF,           /* see or end one's own session: any credential */
    TX_ACT_AREA_WRITE,     /* create / change / delete areas: street admins over them */
    TX_ACT_ORG_WRITE,      /* organisations and memberships: street admins, community staff in their community */
    TX_ACT_PERSON_READ,    /* personal data of people: staff whose scope covers them */
    TX_ACT_PERSON_WRITE,   /* add or change people: street admins, community staff in their community */
    TX_ACT_EXPORT_PERSONAL, /* bulk exports with personal data: street admins */
    TX_ACT_CALENDAR_WRITE, /* the working-day calendar (deployment-wide): street admins */
    TX_ACT_CASE_QUEUE,     /* staff queues of cases: staff and property companies, cut to their scope */
    TX_ACT_CATALOGUE_WRITE, /* case categories, deadlines, routing rules: street admins */
    TX_ACT_WEBHOOK_WRITE,  /* outgoing webhooks and their deliveries (deployment-wide): street admins */
    TX_ACT_LIST_WRITE,     /* the three lists: street admins, community staff in their community, member
                            * units for their own resources and claims */
    TX_ACT_ACCOUNT_WRITE,  /* accounts and API keys: street admins, for the accounts and keys within their scope */
    TX_ACT__COUNT
} tx_action;

/* The place of the object acted on: its area ancestry (the area itself first,
 * then its parent, …) and organisation ancestry, by id. Either may be empty;
 * an empty place is covered by no scope (an object that is nowhere is in
 * no one's charge). */
typedef struct {
    const int64_t *areas;
    int n_areas;
    const int64_t *orgs;
    int n_orgs;
} tx_place;

typedef enum {
    TX_AUTHZ_ALLOW = 0,
    TX_AUTHZ_NEED_AUTH = 401, /* anonymous, and the action needs a credential */
    TX_AUTHZ_FORBIDDEN = 403, /* authenticated, but not this role or not in scope */
} tx_authz;

/* Decide whether p may take action a. With place NULL only the role is
 * checked (the route-level gate); with a place the scope must cover it. */
tx_authz tx_authz_decide(const tx_principal *p, tx_action a, const tx_place *place);

/* May p give an account or API key role r with a scope at place scope_place
 * (NULL for the roles without a scope: resident, volunteer, api_client)?
 * Only who may manage accounts, and never wider than their own: the scope
 * given must lie within p's scope, and a role is never above p's own. */
tx_authz tx_authz_grant(const tx_principal *p, tx_role r, const tx_place *scope_place);

/* A short description of the action for messages ("change areas"). */
const char *tx_action_label(tx_action a, int lang);

/* Stable name of the action, for the access-matrix table and docs. */
const char *tx_action_name(tx_action a);

#endif
