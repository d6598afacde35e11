/* limiter: counts events per key in a sliding window, for login throttling
 * and anonymous intake limits. Thread-safe; time is given by the caller. */
#ifndef TX_BASE_LIMITER_H
#define TX_BASE_LIMITER_H

#include <stdint.h>

typedef struct tx_limiter tx_limiter;

/* At most max events per key in window_ms. slots bounds memory: when full,
 * the oldest entries are forgotten. */
tx_limiter *tx_limiter_new(int max, int64_t window_ms, int slots);
void tx_limiter_free(tx_limiter *l);

/* 0 when key may act now; otherwise the seconds until it may (>= 1). */
int tx_limiter_check(tx_limiter *l, const char *key, int64_t now_ms);

/* Record one event for key. */
void tx_limiter_hit(tx_limiter *l, const char *key, int64_t now_ms);

/* Forget key (a successful sign-in clears its failures). */
void tx_limiter_reset(tx_limiter *l, const char *key);

#endif
