/* metrics: request counters and latency histograms per route, for /metrics.
 * Process-wide (as Prometheus client libraries are), updated with relaxed
 * atomics from every loop thread. */
#ifndef TX_HTTP_METRICS_H
#define TX_HTTP_METRICS_H

#include <stddef.h>

#include "store/store.h"

#define METRICS_MAX_ROUTES 160

/* Name the route slots: names[i] for slot i (route i of the table), plus the
 * two slots after them: "static" and "unmatched". Call once at start. */
void metrics_init(const char *const *route_names, int nroutes);

/* Slots for non-API requests. */
int metrics_slot_static(void);
int metrics_slot_unmatched(void);

/* Count one finished request. */
void metrics_observe(int slot, int status, double seconds);

/* Current open connections (maintained by the server). */
void metrics_connections_add(int delta);
long metrics_connections(void);

/* Render the Prometheus text exposition, with the store's writer figures
 * (s may be NULL). Returns a malloc'd string and its length. */
char *metrics_render(store *s, size_t *len);

#endif
