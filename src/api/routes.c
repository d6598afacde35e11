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
};
const int api_nroutes = sizeof api_routes / sizeof api_routes[0];

int api_init(void)
{
    return api_auth_init() || api_about_init() ? -1 : 0;
}
