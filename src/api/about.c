/* about: what this deployment is (name, version, languages, time zone,
 * schema, the map tile service if it has one), for clients and the web
 * app's first request. The answer never changes while the server runs, so
 * it is rendered once at start. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

#define TONGXIN_VERSION "0.1.0"

static char *about_text;
static size_t about_len;
static const char *map_tiles, *map_attribution;

void api_about_configure(const char *tiles, const char *attribution)
{
    map_tiles = tiles;
    map_attribution = attribution;
}

int api_about_init(void)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:[s,s], s:s, s:i, s:{s:s, s:s}}", "name", "tongxin", "name_zh", "同心",
                          "version", TONGXIN_VERSION, "languages", "zh-CN", "en", "time_zone", "Asia/Shanghai",
                          "schema_version", store_schema_latest(), "api", "native", "/api/v1", "open311",
                          "/open311/v2/discovery.json");
    if (o && map_tiles)
        json_object_set_new(o, "map",
                            json_pack("{s:s, s:s}", "tiles", map_tiles, "attribution",
                                      map_attribution ? map_attribution : ""));
    about_text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (about_text == NULL)
        return -1;
    about_len = strlen(about_text);
    return 0;
}

int api_about(tx_call *call, store_conn *c)
{
    (void)c;
    /* Serve the pre-rendered bytes: no JSON work per request. */
    call->out_raw = malloc(about_len);
    if (call->out_raw == NULL)
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    memcpy(call->out_raw, about_text, about_len);
    call->out_raw_len = about_len;
    call->out_type = "application/json; charset=utf-8";
    call->status = 200;
    return 0;
}
