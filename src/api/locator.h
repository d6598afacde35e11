/* locator: the in-memory boundary index the server answers "where is this
 * point?" from (GET /api/v1/locate, routing of reports). Built at start,
 * rebuilt in the background after areas change; safe from any thread. */
#ifndef TX_API_LOCATOR_H
#define TX_API_LOCATOR_H

#include <jansson.h>

#include "domain/network.h"
#include "store/store.h"

typedef struct {
    int64_t id; /* 0: none of this kind */
    tx_area_kind kind;
    char code[68];
    char name[128];
} locator_area;

typedef struct {
    locator_area area[TX_AREA__COUNT]; /* indexed by tx_area_kind */
    int inside_red_line;
} locator_result;

/* Build the first index from the store (synchronously, before serving). */
int locator_init(store *s, tx_err *err);

/* Build the index from the areas c sees and install it (the CLI, which
 * has no reader threads: tongxin import cases). */
int locator_load(store_conn *c, tx_err *err);

/* locator_load, only when the areas c sees changed since the index in use
 * was built (an import of cases after another needs no rebuild). */
int locator_load_if_stale(store_conn *c, tx_err *err);

/* Rebuild from committed areas on a store reader and swap it in. */
void locator_refresh(void);

/* Start a thread that checks every few seconds whether another process
 * changed the areas (tongxin import while the server runs) and rebuilds. */
void locator_watch(void);

/* Stop the watcher and drop the index (at shutdown, after the store
 * stopped taking jobs). */
void locator_shutdown(void);

/* Locate a point. Returns 0, or -1 when there is no index yet. */
int locator_locate(double lat, double lng, locator_result *out);

/* {id, code, name, kind} of a found area, or JSON null. */
json_t *locator_area_json(const locator_area *a);

#endif
