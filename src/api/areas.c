/* areas: the street's areas and boundaries (GeoJSON), and "where is this
 * point?" (/api/v1/locate). Reading is public; changing areas is for
 * street admins over the areas their scope covers. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/locator.h"
#include "io/io.h"

static const char *const area_kinds[] = {"city", "district", "street", "community", "grid", "compound", NULL};

int api_areas_list(tx_call *call, store_conn *c)
{
    store_area_filter f = {.with_geometry = 1};
    const char *geometry = call_query(call, "geometry");
    if (call_query_enum(call, "kind", area_kinds, &f.kind) || call_query_id(call, "parent", &f.parent_id))
        return -1;
    f.name = call_query(call, "name");
    if (f.name && *f.name == '\0')
        f.name = NULL;
    if (geometry && strcmp(geometry, "0") == 0)
        f.with_geometry = 0;
    json_t *fc;
    if (store_area_list(c, &f, &fc, &call->err))
        return -1;
    return call_json(call, 200, fc);
}

int api_areas_get(tx_call *call, store_conn *c)
{
    int64_t id;
    json_t *f;
    if (call_param_id(call, 0, &id) || store_area_get(c, id, &f, &call->err))
        return -1;
    return call_json(call, 200, f);
}

static void refresh_locator(tx_call *call)
{
    (void)call;
    locator_refresh();
}

/* Every area named in the collection must lie in the admin's scope: its
 * ancestry includes the scope area. With only_stored, the codes not stored
 * yet are skipped (checking where areas are before an import). */
static int authorize_codes(tx_call *call, store_conn *c, json_t *features, int only_stored)
{
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f)
    {
        const char *code = json_string_value(json_object_get(json_object_get(f, "properties"), "code"));
        int64_t id = 0, anc[16];
        int n;
        if (only_stored && (code == NULL || store_area_id_by_code(c, code, &id, NULL)))
            continue;
        if (store_area_id_by_code(c, code, &id, &call->err) || store_area_ancestry(c, id, anc, 16, &n, &call->err))
            return -1;
        tx_place place = {.areas = anc, .n_areas = n};
        if (call_authorize(call, TX_ACT_AREA_WRITE, &place))
            return -1;
    }
    return 0;
}

/* POST: one Feature creates an area; a FeatureCollection imports many,
 * all or nothing. Both go through the importer's checks. */
int api_areas_create(tx_call *call, store_conn *c)
{
    const char *type = json_string_value(json_object_get(call->body, "type"));
    json_t *doc;
    int single = type && strcmp(type, "Feature") == 0;
    if (single) {
        /* A new area must not replace an existing one by accident. */
        const char *code = json_string_value(json_object_get(json_object_get(call->body, "properties"), "code"));
        int64_t existing = 0;
        if (code && store_area_id_by_code(c, code, &existing, NULL) == 0 && existing)
            return tx_err_named(&call->err, 409, "duplicate", "properties.code", M_DUPLICATE, "code", code);
        doc = json_pack("{s:s, s:[O]}", "type", "FeatureCollection", "features", call->body);
    } else {
        doc = json_incref(call->body);
        /* A collection replaces areas by code: where each stored one is now
         * must be in scope as well as where it lands, or an import could
         * take an area (and the people in it) from another street. */
        if (authorize_codes(call, c, json_object_get(doc, "features"), 1)) {
            json_decref(doc);
            return -1;
        }
    }
    int count;
    int rc = io_import_areas(c, doc, &count, &call->err);
    if (rc == 0)
        rc = authorize_codes(call, c, json_object_get(doc, "features"), 0);
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (rc == 0)
        rc = store_audit(c, actor, single ? "area_create" : "area_import", "area", 0, NULL, &call->err);
    if (rc) {
        json_decref(doc);
        return -1;
    }
    call->on_committed = refresh_locator;
    if (single) {
        const char *code = json_string_value(json_object_get(json_object_get(call->body, "properties"), "code"));
        int64_t id;
        json_t *f;
        json_decref(doc);
        if (store_area_id_by_code(c, code, &id, &call->err) || store_area_get(c, id, &f, &call->err))
            return -1;
        return call_json(call, 201, f);
    }
    json_decref(doc);
    return call_json(call, 200, json_pack("{s:i}", "imported", count));
}

/* PATCH: change properties and/or the geometry of one area; the code
 * stays. The result is checked like an import (inside its parent, not
 * overlapping its siblings). */
int api_areas_update(tx_call *call, store_conn *c)
{
    static const char *const fields[] = {"properties", "geometry", "type", NULL};
    int64_t id;
    json_t *cur;
    if (call_param_id(call, 0, &id) || call_body_only(call, fields) || store_area_get(c, id, &cur, &call->err))
        return -1;
    json_t *props = json_object_get(cur, "properties");
    int64_t anc[16];
    int n;
    if (store_area_ancestry(c, id, anc, 16, &n, &call->err)) {
        json_decref(cur);
        return -1;
    }
    tx_place place = {.areas = anc, .n_areas = n};
    if (call_authorize(call, TX_ACT_AREA_WRITE, &place)) {
        json_decref(cur);
        return -1;
    }
    json_t *patch = json_object_get(call->body, "properties");
    if (patch && !json_is_object(patch)) {
        json_decref(cur);
        return tx_err_set(&call->err, 400, "invalid_field", "properties", M_FIELD_TYPE, "properties",
                          call->lang == TX_LANG_ZH ? "对象" : "an object");
    }
    json_t *code = json_object_get(patch, "code");
    if (code && !json_equal(code, json_object_get(props, "code"))) {
        json_decref(cur);
        return tx_err_invalid(&call->err, "properties.code", "编码不能修改", "the code cannot be changed");
    }
    /* Merge: the API's read-only properties out, the patch in (null removes). */
    json_object_del(props, "id");
    json_object_del(props, "parent_id");
    const char *k;
    json_t *v;
    json_object_foreach(patch, k, v)
    {
        if (json_is_null(v))
            json_object_del(props, k);
        else
            json_object_set(props, k, v);
    }
    void *tmp;
    json_object_foreach_safe(props, tmp, k, v) if (json_is_null(v)) json_object_del(props, k);
    if (json_object_get(call->body, "geometry"))
        json_object_set(cur, "geometry", json_object_get(call->body, "geometry"));
    json_object_del(cur, "id");
    json_t *doc = json_pack("{s:s, s:[o]}", "type", "FeatureCollection", "features", cur);
    int count;
    char actor[96];
    call_actor(call, actor, sizeof actor);
    /* Where the area lands must be in scope too, not only where it was:
     * otherwise a PATCH of parent_code could move it out of reach. */
    int rc = io_import_areas(c, doc, &count, &call->err) ||
             authorize_codes(call, c, json_object_get(doc, "features"), 0) ||
             store_audit(c, actor, "area_update", "area", id, NULL, &call->err);
    json_decref(doc);
    json_t *f;
    if (rc || store_area_get(c, id, &f, &call->err))
        return -1;
    call->on_committed = refresh_locator;
    return call_json(call, 200, f);
}

int api_areas_delete(tx_call *call, store_conn *c)
{
    int64_t id, anc[16];
    int n;
    if (call_param_id(call, 0, &id) || store_area_ancestry(c, id, anc, 16, &n, &call->err))
        return -1;
    if (n == 0)
        return tx_err_named(&call->err, 404, "not_found", "id", M_NOT_FOUND, "area", call->params[0]);
    tx_place place = {.areas = anc, .n_areas = n};
    char actor[96];
    call_actor(call, actor, sizeof actor);
    if (call_authorize(call, TX_ACT_AREA_WRITE, &place) || store_area_delete(c, id, &call->err) ||
        store_audit(c, actor, "area_delete", "area", id, NULL, &call->err))
        return -1;
    call->on_committed = refresh_locator;
    call->status = 204;
    return 0;
}

int api_locate(tx_call *call, store_conn *c)
{
    (void)c;
    double lat = 0, lng = 0;
    if (call_query_double(call, "lat", 1, -90, 90, &lat) || call_query_double(call, "long", 1, -180, 180, &lng))
        return -1;
    locator_result r;
    if (locator_locate(lat, lng, &r))
        return tx_err_set(&call->err, 503, "not_ready", NULL, M_STORE_UNAVAILABLE);
    int in_street = r.area[TX_AREA_STREET].id != 0;
    json_t *areas = json_array();
    for (int k = 0; k < TX_AREA__COUNT; k++)
        if (r.area[k].id)
            json_array_append_new(areas, locator_area_json(&r.area[k]));
    json_t *out = json_pack("{s:f, s:f, s:b, s:o, s:o, s:o, s:o, s:o, s:b}", "lat", lat, "long", lng, "inside_street",
                            in_street, "areas", areas, "street", locator_area_json(&r.area[TX_AREA_STREET]),
                            "community", locator_area_json(&r.area[TX_AREA_COMMUNITY]), "grid",
                            locator_area_json(&r.area[TX_AREA_GRID]), "compound",
                            locator_area_json(&r.area[TX_AREA_COMPOUND]), "inside_red_line", r.inside_red_line);
    if (!in_street)
        json_object_set_new(out, "message",
                            json_string(call->lang == TX_LANG_ZH
                                            ? "该位置不在本平台管辖的街道范围内；在此上报的问题会进入街道分拨队列。"
                                            : "This point is outside the street(s) served here; a report from it "
                                              "goes to the street's triage queue."));
    else if (!r.inside_red_line)
        json_object_set_new(out, "message",
                            json_string(call->lang == TX_LANG_ZH ? "该位置在小区红线之外（公共区域）。"
                                                                 : "This point is outside any compound's red line "
                                                                   "(public space)."));
    return call_json(call, 200, out);
}
