/* log: one JSON object per line on stderr, for requests and server events.
 * Lines are written with a single write(2) so concurrent threads never
 * interleave within a line. */
#ifndef TX_BASE_LOG_H
#define TX_BASE_LOG_H

#include <jansson.h>

/* Write obj (adding "time" when absent) as one line; steals the reference. */
void tx_log_json(json_t *obj);

/* Log a server event: {"time","level","msg"} plus printf-formatted text. */
void tx_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Silence logging (tests, benchmarks that measure the server, not the log). */
void tx_log_set_quiet(int quiet);

#endif
