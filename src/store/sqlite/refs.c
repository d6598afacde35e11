/* refs: shared JSON names of areas, organisations and handlers, cached per
 * connection (see refs.h). An open-addressing table keyed by kind and id;
 * it is emptied when meta's version counters move, and when it fills up
 * (a street has a few hundred areas and organisations: it never should). */
#include "store/sqlite/refs.h"

#include <stdlib.h>
#include <string.h>

#include "domain/case.h"
#include "store/store.h"

#define REFS_CAP 4096 /* slots; at most half are used */

enum { REF_AREA, REF_ORG, REF_HANDLER };

struct db_refs {
    int64_t version;
    int used;
    struct {
        uint64_t key; /* 0: empty */
        json_t *value;
    } slot[REFS_CAP];
};

static void clear(db_refs *r)
{
    for (int i = 0; i < REFS_CAP; i++) {
        if (r->slot[i].key)
            json_decref(r->slot[i].value);
        r->slot[i].key = 0;
        r->slot[i].value = NULL;
    }
    r->used = 0;
}

void db_refs_free(db_refs *r)
{
    if (r == NULL)
        return;
    clear(r);
    free(r);
}

int db_refs_check(store_conn *c, tx_err *err)
{
    int64_t v;
    if (store_catalogue_version(c, &v, err))
        return -1;
    if (c->refs == NULL) {
        c->refs = calloc(1, sizeof *c->refs);
        if (c->refs == NULL)
            return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        c->refs->version = v;
    } else if (c->refs->version != v) {
        clear(c->refs);
        c->refs->version = v;
    }
    return 0;
}

static uint64_t key_of(int type, int64_t id)
{
    return ((uint64_t)(type + 1) << 56) | (uint64_t)id;
}

/* The slot holding key, or the empty one where it belongs. */
static int find(const db_refs *r, uint64_t key)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    int i = (int)(h >> 52) & (REFS_CAP - 1);
    while (r->slot[i].key && r->slot[i].key != key)
        i = (i + 1) & (REFS_CAP - 1);
    return i;
}

/* A new reference to the cached object for key, or NULL when not cached. */
static json_t *lookup(store_conn *c, uint64_t key)
{
    if (c->refs == NULL)
        return NULL;
    int i = find(c->refs, key);
    return c->refs->slot[i].key ? json_incref(c->refs->slot[i].value) : NULL;
}

/* Caches o (when there is a cache) and answers it. */
static json_t *keep(store_conn *c, uint64_t key, json_t *o)
{
    db_refs *r = c->refs;
    if (r == NULL || o == NULL)
        return o;
    if (r->used >= REFS_CAP / 2)
        clear(r);
    int i = find(r, key);
    r->slot[i].key = key;
    r->slot[i].value = json_incref(o);
    r->used++;
    return o;
}

json_t *db_ref_area(store_conn *c, int64_t id)
{
    if (id <= 0)
        return json_null();
    uint64_t key = key_of(REF_AREA, id);
    json_t *o = lookup(c, key);
    if (o)
        return o;
    tx_err ignore;
    sqlite3_stmt *st =
        db_row_by_id(c, "SELECT id, code, name, kind, name_en FROM area WHERE id = ?1", id, "area", &ignore);
    if (!st)
        return json_null();
    o = json_pack("{s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)id, "code", db_col_json_text(st, 1), "name",
                  db_col_json_text(st, 2), "name_en", db_col_json_text(st, 4), "kind", db_col_json_text(st, 3));
    sqlite3_reset(st);
    return keep(c, key, o);
}

json_t *db_ref_org(store_conn *c, int64_t id)
{
    if (id <= 0)
        return json_null();
    uint64_t key = key_of(REF_ORG, id);
    json_t *o = lookup(c, key);
    if (o)
        return o;
    tx_err ignore;
    sqlite3_stmt *st =
        db_row_by_id(c, "SELECT id, code, name, name_en FROM organisation WHERE id = ?1", id, "organisation", &ignore);
    if (!st)
        return json_null();
    o = json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)id, "code", db_col_json_text(st, 1), "name",
                  db_col_json_text(st, 2), "name_en", db_col_json_text(st, 3));
    sqlite3_reset(st);
    return keep(c, key, o);
}

/* The handler as people read it: kind, and the office or organisation. */
json_t *db_ref_handler(store_conn *c, const char *kind, int64_t id)
{
    tx_case_handler h = TX_HANDLER_NONE;
    if (kind == NULL || tx_case_handler_parse(kind, &h))
        h = TX_HANDLER_NONE;
    /* ids fit in 48 bits; the handler kind goes above them */
    uint64_t key = key_of(REF_HANDLER, ((int64_t)h << 48) | (id & 0xFFFFFFFFFFFFll));
    json_t *o = lookup(c, key);
    if (o)
        return o;
    json_t *who = h == TX_HANDLER_PROPERTY_COMPANY || h == TX_HANDLER_DEPARTMENT ? db_ref_org(c, id)
                  : h == TX_HANDLER_NONE                                          ? json_null()
                                                                                  : db_ref_area(c, id);
    o = json_pack("{s:s, s:s, s:s, s:o}", "kind", kind ? kind : "none", "name", tx_case_handler_name(h, 0), "name_en",
                  tx_case_handler_name(h, 1), "of", who);
    return keep(c, key, o);
}
