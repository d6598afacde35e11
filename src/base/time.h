/* time: wall-clock reads and W3C / ISO 8601 date-times with offsets.
 *
 * Times inside tongxin are int64 milliseconds since the Unix epoch (UTC).
 * Only this module and the server's edges read the clock; the domain gets time
 * as a parameter. */
#ifndef TX_BASE_TIME_H
#define TX_BASE_TIME_H

#include <stdint.h>

#define TX_TIME_STRLEN 40

/* Milliseconds since the epoch, from CLOCK_REALTIME. */
int64_t tx_now_ms(void);

/* Monotonic nanoseconds, for measuring durations. */
int64_t tx_mono_ns(void);

/* Write ms as "2026-11-25T19:54:52+08:00" (seconds precision) in the given
 * UTC offset (minutes east of UTC; 0 writes "Z"). Returns out. */
char *tx_time_format(int64_t ms, int offset_min, char out[TX_TIME_STRLEN]);

/* Parse a W3C date-time ("YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm|±hhmm)") or a
 * date ("YYYY-MM-DD", taken as midnight at default_offset_min). On success sets
 * *ms and, when offset_min is not NULL, the offset that was given, and returns
 * 0; on malformed input returns -1 and leaves the outputs untouched. */
int tx_time_parse(const char *s, int default_offset_min, int64_t *ms, int *offset_min);

#endif
