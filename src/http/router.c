/* router: method + path pattern → route (see server.h for the contract). */
#include <string.h>

#include "http/query.h"
#include "http/server.h"

/* Match one pattern against path; captures go to params. */
static int match_pattern(const char *pat, const char *path, size_t pathlen, char params[][160], int *np)
{
    size_t pi = 0;
    const char *p = pat;
    int n = 0;
    while (*p) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            size_t start = pi;
            while (pi < pathlen && path[pi] != '/')
                pi++;
            size_t seglen = pi - start;
            if (seglen == 0 || seglen >= 160 || n == CALL_MAX_PARAMS)
                return 0;
            long dl = http_pct_decode(path + start, seglen, params[n], 0);
            if (dl <= 0)
                return 0;
            n++;
            p = close + 1;
        } else {
            if (pi >= pathlen || path[pi] != *p)
                return 0;
            pi++;
            p++;
        }
    }
    if (pi != pathlen)
        return 0;
    *np = n;
    return 1;
}

int http_route_match(const tx_route *routes, int nroutes, const char *method, const char *path, size_t pathlen,
                     char params[][160], int *nparams, char *allow, size_t allowsz)
{
    int path_matched = 0;
    size_t alen = 0;
    if (allowsz)
        allow[0] = '\0';
    /* HEAD is answered by the GET route. */
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (int i = 0; i < nroutes; i++) {
        int np = 0;
        char tmp[CALL_MAX_PARAMS][160];
        if (!match_pattern(routes[i].pattern, path, pathlen, tmp, &np))
            continue;
        if (strcmp(routes[i].method, m) == 0) {
            memcpy(params, tmp, sizeof tmp);
            *nparams = np;
            return i;
        }
        path_matched = 1;
        size_t ml = strlen(routes[i].method);
        if (!strstr(allow, routes[i].method) && alen + ml + 3 < allowsz) {
            if (alen) {
                memcpy(allow + alen, ", ", 2);
                alen += 2;
            }
            memcpy(allow + alen, routes[i].method, ml + 1);
            alen += ml;
        }
    }
    return path_matched ? -2 : -1;
}
