/* serve: run the HTTP server on the store until SIGTERM / SIGINT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/locator.h"
#include "base/log.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "http/server.h"

static const char help[] =
    "Usage: tongxin serve [--db URL] [--listen HOST:PORT] [--threads N] [--web DIR]\n"
    "                     [--tls-cert FILE --tls-key FILE] [--max-body BYTES]\n"
    "                     [--max-connections N] [--readers N] [--quiet]\n\n"
    "Serve the API (/api/v1, /healthz, /readyz, /metrics) and the web app.\n"
    "The schema is created or migrated first, as by 'tongxin init'.\n\n"
    "  --db URL             store (default sqlite:tongxin.db)\n"
    "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; :PORT for all)\n"
    "  --threads N          event-loop threads (default: one per core)\n"
    "  --web DIR            web root for static files (default: web)\n"
    "  --tls-cert FILE      PEM certificate chain; with --tls-key serves HTTPS and HTTP/2\n"
    "  --tls-key FILE       PEM private key\n"
    "  --max-body BYTES     largest request body; larger ones get 413 (default 1048576)\n"
    "  --max-connections N  open connections at most (default 10000)\n"
    "  --readers N          store reader threads (default 2)\n"
    "  --quiet              no per-request log lines\n\n"
    "SIGTERM or SIGINT: stop accepting, finish requests in flight, flush the writer, exit 0.\n";

int cli_serve(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *listen = "127.0.0.1:8080", *threads = NULL, *web = "web", *cert = NULL,
               *key = NULL, *max_body = "1048576", *max_conn = "10000", *readers = "2", *quiet = NULL;
    const cli_opt opts[] = {{"db", 1, &db},           {"listen", 1, &listen},    {"threads", 1, &threads},
                            {"web", 1, &web},         {"tls-cert", 1, &cert},    {"tls-key", 1, &key},
                            {"max-body", 1, &max_body}, {"max-connections", 1, &max_conn},
                            {"readers", 1, &readers}, {"quiet", 0, &quiet},     {NULL, 0, NULL}};
    int npos;
    int rc = cli_parse(argc, argv, opts, NULL, 0, &npos);
    if (rc) {
        fputs(help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    if ((cert == NULL) != (key == NULL)) {
        fprintf(stderr, "tongxin serve: --tls-cert and --tls-key go together\n");
        return 2;
    }
    long nthreads = threads ? strtol(threads, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    long nreaders = strtol(readers, NULL, 10);
    long body = strtol(max_body, NULL, 10), conns = strtol(max_conn, NULL, 10);
    if (nthreads < 1 || nthreads > 256 || nreaders < 1 || nreaders > 64 || body < 1024 || conns < 1) {
        fprintf(stderr, "tongxin serve: --threads (1-256), --readers (1-64), --max-body (>= 1024) and "
                        "--max-connections (>= 1) need sensible numbers\n");
        return 2;
    }
    if (web && access(web, R_OK) != 0) {
        fprintf(stderr, "tongxin serve: web root '%s' is not readable; serving the API only\n", web);
        web = NULL;
    }
    tx_log_set_quiet(0);
    store *s = cli_open_store(db, 1);
    if (s == NULL)
        return 1;
    tx_err err;
    tx_err_clear(&err);
    if (store_start(s, (int)nreaders, &err)) {
        cli_print_err(&err);
        store_close(s);
        return 1;
    }
    if (locator_init(s, &err)) {
        fprintf(stderr, "tongxin serve: cannot build the boundary index from the stored areas\n");
        store_close(s);
        return 1;
    }
    locator_watch();
    if (api_init()) {
        fprintf(stderr, "tongxin serve: out of memory\n");
        return 1;
    }
    http_config cfg = {
        .listen = listen,
        .threads = (int)nthreads,
        .web_dir = web,
        .tls_cert = cert,
        .tls_key = key,
        .max_body = (size_t)body,
        .max_connections = (int)conns,
        .request_timeout_ms = 10000,
        .quiet = quiet != NULL,
        .store = s,
        .routes = api_routes,
        .nroutes = api_nroutes,
    };
    rc = http_serve(&cfg);
    locator_shutdown();
    store_close(s);
    return rc;
}
