/* catalogue: a shared, reference-counted store_catalogue (see catalogue.h).
 * Each acquire reads catalogue_version (one indexed row) and reloads when it
 * moved; requests holding the old snapshot finish with it. */
#include "api/catalogue.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static catalogue_hold *current;

/* called with mu held */
static void drop(catalogue_hold *h)
{
    if (h && --h->refs == 0) {
        store_catalogue_free((store_catalogue *)h->cat);
        free(h);
    }
}

catalogue_hold *catalogue_acquire(store_conn *c, tx_err *err)
{
    int64_t version;
    if (store_catalogue_version(c, &version, err))
        return NULL;
    pthread_mutex_lock(&mu);
    if (current && current->cat->version == version) {
        current->refs++;
        catalogue_hold *h = current;
        pthread_mutex_unlock(&mu);
        return h;
    }
    pthread_mutex_unlock(&mu);
    /* Load outside the lock: other requests keep using the old one. */
    catalogue_hold *h = calloc(1, sizeof *h);
    store_catalogue *cat;
    if (h == NULL) {
        tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        return NULL;
    }
    if (store_catalogue_load(c, &cat, err)) {
        free(h);
        return NULL;
    }
    h->cat = cat;
    h->refs = 1; /* the caller's */
    pthread_mutex_lock(&mu);
    if (current == NULL || current->cat->version < cat->version) {
        drop(current);
        current = h;
        h->refs++; /* and the cache's */
    }
    pthread_mutex_unlock(&mu);
    return h;
}

void catalogue_release(catalogue_hold *h)
{
    pthread_mutex_lock(&mu);
    drop(h);
    pthread_mutex_unlock(&mu);
}

void catalogue_shutdown(void)
{
    pthread_mutex_lock(&mu);
    drop(current);
    current = NULL;
    pthread_mutex_unlock(&mu);
}
