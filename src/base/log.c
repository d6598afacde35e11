/* log: JSON-lines logging to stderr (see log.h). */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/time.h"
#include "base/utf8.h"

static int quiet;

void tx_log_set_quiet(int q)
{
    quiet = q;
}

void tx_log_json(json_t *obj)
{
    if (quiet) {
        json_decref(obj);
        return;
    }
    if (json_object_get(obj, "time") == NULL) {
        char ts[TX_TIME_STRLEN];
        json_object_set_new(obj, "time", json_string(tx_time_format(tx_now_ms(), 0, ts)));
    }
    char *line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(5));
    json_decref(obj);
    if (line == NULL)
        return;
    size_t n = strlen(line);
    line[n] = '\n'; /* replaces the terminator; written by length below */
    ssize_t w = write(STDERR_FILENO, line, n + 1);
    (void)w;
    free(line);
}

void tx_log(const char *level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tx_utf8_trim(msg);
    json_t *o = json_object();
    char ts[TX_TIME_STRLEN];
    json_object_set_new(o, "time", json_string(tx_time_format(tx_now_ms(), 0, ts)));
    json_object_set_new(o, "level", json_string(level));
    json_object_set_new(o, "msg", json_string(msg));
    tx_log_json(o);
}
