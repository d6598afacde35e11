/* server: the HTTP front of tongxin on libh2o's event loop.
 *
 * One event loop per thread, each with its own SO_REUSEPORT listener. API
 * requests are matched against the route table, checked (content type, JSON,
 * credentials, CSRF, the route's authorization gate) and handed to their
 * handler: on the loop thread for store-free routes, otherwise as a store job
 * whose completion comes back to the same loop through an h2o multithread
 * queue. Everything else is a static file from the web root. */
#ifndef TX_HTTP_SERVER_H
#define TX_HTTP_SERVER_H

#include <stddef.h>

#include "http/call.h"
#include "store/store.h"

/* Request line plus headers above this get 431 (cookies and a bearer key
 * fit many times over). */
#define HTTP_MAX_HEADER_BYTES (32 * 1024)

typedef struct {
    const char *listen;   /* "127.0.0.1:8080", "[::1]:8080" or ":8080" */
    int threads;          /* event loops */
    const char *web_dir;  /* static web root, NULL for none */
    const char *tls_cert; /* PEM files; both or neither */
    const char *tls_key;
    size_t max_body;      /* bytes; larger bodies get 413 */
    size_t max_upload;    /* bytes, for multipart uploads (photos); at least max_body */
    int max_connections;  /* beyond this, new connections are closed at once */
    int request_timeout_ms; /* to receive a whole request */
    int quiet;            /* no per-request log lines */
    const char *img_origin; /* one more origin images may come from (map tiles), NULL for none */
    store *store;
    const tx_route *routes;
    int nroutes;
} http_config;

/* Serve until SIGTERM or SIGINT, then stop accepting, finish in-flight
 * requests, stop the store (flushing the writer) and return 0; non-zero
 * when the server could not start. */
int http_serve(const http_config *cfg);

/* Match method and path against routes. Returns the route index and fills
 * params (up to CALL_MAX_PARAMS, decoded); -1 when no pattern matches the
 * path; -2 when patterns match but not the method (allow lists the methods,
 * comma-separated). Path parameters that fail to decode do not match. */
int http_route_match(const tx_route *routes, int nroutes, const char *method, const char *path, size_t pathlen,
                     char params[][160], int *nparams, char *allow, size_t allowsz);

/* The store the server runs on (for handlers of /metrics and /readyz). */
store *http_store(void);

#endif
