/* serve: run the HTTP server on the store until SIGTERM / SIGINT. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/cases.h"
#include "api/catalogue.h"
#include "api/locator.h"
#include "api/sweep.h"
#include "base/log.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "http/server.h"
#include "notify/webhooks.h"

static const char help[] =
    "Usage: tongxin serve [--db URL] [--listen HOST:PORT] [--threads N] [--web DIR]\n"
    "                     [--tls-cert FILE --tls-key FILE] [--max-body BYTES]\n"
    "                     [--max-connections N] [--readers N] [--webhook-attempts N] [--quiet]\n"
    "                     [--photos DIR] [--max-upload BYTES] [--key-rate N] [--jurisdiction ID]\n"
    "                     [--rating-days N] [--tiles URL [--tiles-attribution TEXT]]\n\n"
    "Serve the API (/api/v1, Open311 GeoReport v2 at /open311/v2, /healthz, /readyz, /metrics)\n"
    "and the web app.\n"
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
    "  --webhook-attempts N attempts of a webhook delivery before giving up (default 80: about 3 days)\n"
    "  --photos DIR         where case photos are kept (default: the database file's path + .photos)\n"
    "  --max-upload BYTES   largest photo upload request (default 16777216; one photo at most 8 MiB)\n"
    "  --key-rate N         reports per minute one API key may submit (default 120000; anonymous\n"
    "                       reporters: 20 per 10 minutes per address, 600 per minute in all)\n"
    "  --jurisdiction ID    the Open311 jurisdiction_id served (default danshui.huiyang.huizhou.cn);\n"
    "                       requests naming another one get 404\n"
    "  --rating-days N      days the reporter has to rate a resolved case before it closes by\n"
    "                       itself (default 7)\n"
    "  --tiles URL          a map tile service for the web app's maps, as an URL template such as\n"
    "                       https://tiles.example.org/{z}/{x}/{y}.png (default: none; the maps\n"
    "                       then show the areas' boundaries only)\n"
    "  --tiles-attribution TEXT  the tile service's credit line, shown on the maps\n"
    "  --quiet              no per-request log lines\n\n"
    "SIGTERM or SIGINT: stop accepting, finish requests in flight, flush the writer, exit 0.\n";

/* The origin of a tile URL template, for the CSP's img-src: scheme and
 * host (a {s} subdomain placeholder becomes *). The template goes into a
 * header, so anything that could end or extend the policy is refused. */
static int tile_service_origin(const char *t, char *origin, size_t size)
{
    const char *host = strncmp(t, "https://", 8) == 0 ? t + 8 : strncmp(t, "http://", 7) == 0 ? t + 7 : NULL;
    if (host == NULL || strlen(t) > 200 || strpbrk(t, " \t\r\n;,'\"<>\\") || !strstr(t, "{z}") || !strstr(t, "{x}") ||
        !strstr(t, "{y}"))
        return -1;
    const char *end = strchr(host, '/');
    size_t n = end ? (size_t)(end - t) : strlen(t);
    if (end == host || n + 1 > size)
        return -1;
    memcpy(origin, t, n);
    origin[n] = '\0';
    char *s = strstr(origin, "{s}.");
    if (s) {
        *s = '*';
        memmove(s + 1, s + 3, strlen(s + 3) + 1);
    }
    return strchr(origin, '{') ? -1 : 0;
}

int cli_serve(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *listen = "127.0.0.1:8080", *threads = NULL, *web = "web", *cert = NULL,
               *key = NULL, *max_body = "1048576", *max_conn = "10000", *readers = "2", *quiet = NULL, *attempts = "80",
               *photos = NULL, *max_upload = "16777216", *key_rate = "120000",
               *jurisdiction = "danshui.huiyang.huizhou.cn", *rating_days = "7", *tiles = NULL,
               *tiles_attribution = NULL;
    const cli_opt opts[] = {{"db", 1, &db},           {"listen", 1, &listen},    {"threads", 1, &threads},
                            {"web", 1, &web},         {"tls-cert", 1, &cert},    {"tls-key", 1, &key},
                            {"max-body", 1, &max_body}, {"max-connections", 1, &max_conn},
                            {"readers", 1, &readers}, {"quiet", 0, &quiet},     {"webhook-attempts", 1, &attempts},
                            {"photos", 1, &photos},   {"max-upload", 1, &max_upload}, {"key-rate", 1, &key_rate},
                            {"jurisdiction", 1, &jurisdiction}, {"rating-days", 1, &rating_days},
                            {"tiles", 1, &tiles},     {"tiles-attribution", 1, &tiles_attribution},
                            {NULL, 0, NULL}};
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
    long body = strtol(max_body, NULL, 10), conns = strtol(max_conn, NULL, 10), nattempts = strtol(attempts, NULL, 10);
    long upload = strtol(max_upload, NULL, 10), krate = strtol(key_rate, NULL, 10),
         rdays = strtol(rating_days, NULL, 10);
    if (nthreads < 1 || nthreads > 256 || nreaders < 1 || nreaders > 64 || body < 1024 || conns < 1 ||
        nattempts < 1 || nattempts > 1000 || upload < body || krate < 1 || rdays < 1 || rdays > 365) {
        fprintf(stderr, "tongxin serve: --threads (1-256), --readers (1-64), --max-body (>= 1024), "
                        "--max-connections (>= 1), --webhook-attempts (1-1000), --max-upload (>= --max-body) and "
                        "--key-rate (>= 1) and --rating-days (1-365) need sensible numbers\n");
        return 2;
    }
    if (*jurisdiction == '\0' || strlen(jurisdiction) > 120 || strpbrk(jurisdiction, " \t\r\n&<>\"'") != NULL) {
        fprintf(stderr, "tongxin serve: --jurisdiction must be a short id such as city.gov (no spaces)\n");
        return 2;
    }
    api_open311_configure(jurisdiction);
    char tile_origin[256] = "";
    if (tiles && tile_service_origin(tiles, tile_origin, sizeof tile_origin)) {
        fprintf(stderr, "tongxin serve: --tiles must be an http(s) URL template with {z}, {x} and {y}, such as "
                        "https://tiles.example.org/{z}/{x}/{y}.png\n");
        return 2;
    }
    if (tiles_attribution && (strlen(tiles_attribution) > 300 || !tiles)) {
        fprintf(stderr, "tongxin serve: --tiles-attribution goes with --tiles, at most 300 bytes\n");
        return 2;
    }
    api_about_configure(tiles, tiles_attribution);
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
    webhooks_config wh = {.db_url = db, .max_attempts = (int)nattempts};
    if (webhooks_start(&wh, &err)) {
        cli_print_err(&err);
        locator_shutdown();
        store_close(s);
        return 1;
    }
    if (api_init() || api_cases_init((int)krate)) {
        fprintf(stderr, "tongxin serve: out of memory\n");
        return 1;
    }
    char photo_dir[512];
    const char *dbpath = strncmp(db, "sqlite://", 9) == 0 ? db + 9 : strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
    snprintf(photo_dir, sizeof photo_dir, "%s%s", photos ? photos : dbpath, photos ? "" : ".photos");
    api_photos_configure(photo_dir, 8u << 20);
    case_set_rating_period(rdays * 24LL * 3600 * 1000);
    sweep_start(s);
    /* Memory freed after an answer stays with the process: by default glibc
     * hands the top of the heap back (madvise) after each page of cases and
     * takes it again for the next, 6.5 % of a queue page's time
     * (docs/PERFORMANCE.md). 64 MiB kept at most, well inside the 200 MB
     * the server is meant to stay under. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    http_config cfg = {
        .listen = listen,
        .threads = (int)nthreads,
        .web_dir = web,
        .tls_cert = cert,
        .tls_key = key,
        .max_body = (size_t)body,
        .max_upload = (size_t)upload,
        .max_connections = (int)conns,
        .request_timeout_ms = 10000,
        .quiet = quiet != NULL,
        .img_origin = tiles ? tile_origin : NULL,
        .store = s,
        .routes = api_routes,
        .nroutes = api_nroutes,
    };
    rc = http_serve(&cfg);
    /* After the server's store has stopped: the worker has its own
     * connection, finishes the request in flight and records it. */
    sweep_stop();
    webhooks_stop();
    locator_shutdown();
    catalogue_shutdown();
    api_cases_shutdown();
    store_close(s);
    return rc;
}
