/* limiter: per-key event counts over a window (see limiter.h).
 *
 * Each key keeps the count and start of its current window, an
 * approximation of a sliding window that never under-counts a burst by more
 * than one window. Open addressing; the table is small and fixed. */
#include "base/limiter.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char key[64];
    int64_t start;
    int count;
} entry;

struct tx_limiter {
    pthread_mutex_t mu;
    int max;
    int64_t window;
    int nslots;
    entry *slots;
};

tx_limiter *tx_limiter_new(int max, int64_t window_ms, int slots)
{
    tx_limiter *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->slots = calloc((size_t)slots, sizeof *l->slots);
    if (l->slots == NULL) {
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    l->max = max;
    l->window = window_ms;
    l->nslots = slots;
    return l;
}

void tx_limiter_free(tx_limiter *l)
{
    if (l == NULL)
        return;
    pthread_mutex_destroy(&l->mu);
    free(l->slots);
    free(l);
}

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The entry for key: found, or a free / expired / evicted slot. */
static entry *find(tx_limiter *l, const char *key, int create)
{
    unsigned h = hash(key) % (unsigned)l->nslots;
    entry *victim = NULL;
    for (int i = 0; i < 8; i++) {
        entry *e = &l->slots[(h + (unsigned)i) % (unsigned)l->nslots];
        if (e->key[0] && strncmp(e->key, key, sizeof e->key - 1) == 0)
            return e;
        if (victim == NULL || e->key[0] == '\0' || e->start < victim->start)
            victim = e;
    }
    if (!create)
        return NULL;
    memset(victim, 0, sizeof *victim);
    strncpy(victim->key, key, sizeof victim->key - 1);
    return victim;
}

int tx_limiter_check(tx_limiter *l, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&l->mu);
    entry *e = find(l, key, 0);
    int wait = 0;
    if (e && now_ms - e->start < l->window && e->count >= l->max)
        wait = (int)((e->start + l->window - now_ms + 999) / 1000);
    pthread_mutex_unlock(&l->mu);
    return wait > 0 ? wait : 0;
}

void tx_limiter_hit(tx_limiter *l, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&l->mu);
    entry *e = find(l, key, 1);
    if (now_ms - e->start >= l->window || e->count == 0) {
        e->start = now_ms;
        e->count = 0;
    }
    e->count++;
    pthread_mutex_unlock(&l->mu);
}

void tx_limiter_reset(tx_limiter *l, const char *key)
{
    pthread_mutex_lock(&l->mu);
    entry *e = find(l, key, 0);
    if (e)
        memset(e, 0, sizeof *e);
    pthread_mutex_unlock(&l->mu);
}
