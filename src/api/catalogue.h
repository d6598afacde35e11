/* catalogue: the server's current categories, routing rules, calendar and
 * property companies (store_catalogue), shared by every request that
 * routes a report or computes a deadline. Reloaded when catalogue_version
 * moves (an admin's change here, or tongxin import in another process). */
#ifndef TX_API_CATALOGUE_H
#define TX_API_CATALOGUE_H

#include "store/store.h"

/* A hold on one catalogue snapshot: read hold->cat until released. */
typedef struct catalogue_hold {
    const store_catalogue *cat;
    int refs; /* private */
} catalogue_hold;

/* The current catalogue, reloaded first if it is stale. Release it with
 * catalogue_release. NULL with err set on failure. */
catalogue_hold *catalogue_acquire(store_conn *c, tx_err *err);
void catalogue_release(catalogue_hold *h);

/* Drop the cached catalogue (at shutdown). */
void catalogue_shutdown(void);

#endif
