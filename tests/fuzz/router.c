/* Fuzz target "router": the path matcher (http_route_match,
 * src/http/router.c) over the real route table (api_routes), with the
 * method and the path as a client sends them.
 *
 * Input: one byte choosing the method (GET, POST, PUT, PATCH, DELETE, HEAD,
 * OPTIONS or an unknown one), then the path, not NUL-terminated (the server
 * passes h2o's normalised path with its length).
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch: the answer is
 * -1, -2 or a route index; a route found has the method asked for (GET for
 * HEAD), as many parameters as its pattern has {captures}, each non-empty
 * and terminated inside its 160 bytes, and its literal text is the path's;
 * -2 comes with a non-empty Allow list that does not name the method; the
 * Allow list always fits its buffer. */
#include "api/api.h"
#include "fuzz.h"
#include "http/server.h"

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "BREW"};

/* The pattern's text outside its {captures} occurs in the path, in order. */
static int literals_in(const char *pat, const char *path, size_t len)
{
    size_t at = 0;
    while (*pat) {
        if (*pat == '{') {
            pat = strchr(pat, '}') + 1;
            while (at < len && path[at] != '/')
                at++;
            continue;
        }
        if (at >= len || path[at] != *pat)
            return 0;
        at++;
        pat++;
    }
    return at == len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *m = methods[data[0] % (sizeof methods / sizeof methods[0])];
    const char *path = (const char *)data + 1;
    size_t len = size - 1;
    char params[CALL_MAX_PARAMS][160], allow[64];
    int np = -1;
    memset(allow, 'x', sizeof allow);
    int idx = http_route_match(api_routes, api_nroutes, m, path, len, params, &np, allow, sizeof allow);
    assert(idx >= -2 && idx < api_nroutes);
    assert(memchr(allow, '\0', sizeof allow) != NULL);
    if (idx >= 0) {
        const tx_route *r = &api_routes[idx];
        assert(strcmp(r->method, strcmp(m, "HEAD") == 0 ? "GET" : m) == 0);
        int captures = 0;
        for (const char *p = r->pattern; (p = strchr(p, '{')) != NULL; p++)
            captures++;
        assert(np == captures && np <= CALL_MAX_PARAMS);
        for (int i = 0; i < np; i++) {
            const char *end = memchr(params[i], '\0', sizeof params[i]);
            assert(end != NULL && end > params[i]);
        }
        assert(literals_in(r->pattern, path, len));
    } else if (idx == -2) {
        assert(allow[0] != '\0');
        assert(strstr(allow, strcmp(m, "HEAD") == 0 ? "GET" : m) == NULL);
    } else {
        assert(allow[0] == '\0');
    }
    return 0;
}
