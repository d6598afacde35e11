/* refs: the small JSON objects that name an area ({id, code, name, name_en,
 * kind}), an organisation ({id, code, name, name_en}) or a case's handler ({kind, name,
 * name_en, of}), built once per connection and shared by every answer that
 * mentions them. A page of 50 cases names about 150 of them; building each
 * from a query and freeing it again was most of a queue page's time
 * (docs/PERFORMANCE.md). jansson counts references atomically, so an answer
 * dumped and freed on the loop thread may share them with a reader.
 * Callers must never modify a returned object. */
#ifndef TX_STORE_SQLITE_REFS_H
#define TX_STORE_SQLITE_REFS_H

#include <jansson.h>

#include "store/sqlite/db.h"

/* Drop what the cache holds when areas, organisations' names or codes or
 * the catalogue changed since it was filled (meta's version counters):
 * call once at the start of a read that uses the refs. */
int db_refs_check(store_conn *c, tx_err *err);

/* A new reference to the object (json_null() for id 0 or an unknown id). */
json_t *db_ref_area(store_conn *c, int64_t id);
json_t *db_ref_org(store_conn *c, int64_t id);
json_t *db_ref_handler(store_conn *c, const char *kind, int64_t id);

void db_refs_free(db_refs *r);

#endif
