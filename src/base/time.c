/* time: clock reads and ISO 8601 / W3C date-time formatting and parsing. */
#define _GNU_SOURCE
#include "base/time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t tx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t tx_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

char *tx_time_format(int64_t ms, int offset_min, char out[TX_TIME_STRLEN])
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    time_t t = (time_t)(secs + (int64_t)offset_min * 60);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(out, TX_TIME_STRLEN, "%Y-%m-%dT%H:%M:%S", &tm);
    if (offset_min == 0) {
        snprintf(out + n, TX_TIME_STRLEN - n, "Z");
    } else {
        int a = offset_min < 0 ? -offset_min : offset_min;
        snprintf(out + n, TX_TIME_STRLEN - n, "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60, a % 60);
    }
    return out;
}

/* Read exactly n decimal digits from *p. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

int tx_time_parse(const char *s, int default_offset_min, int64_t *ms, int *offset_min)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, frac_ms = 0, off = default_offset_min;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
        return -1;
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec))
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                int scale = 100, nd = 0;
                while (isdigit((unsigned char)*p)) {
                    if (scale > 0)
                        frac_ms += (*p - '0') * scale;
                    scale /= 10;
                    p++;
                    nd++;
                }
                if (nd == 0)
                    return -1;
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return -1;
        if (*p == 'Z' || *p == 'z') {
            off = 0;
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om;
            if (digits(&p, 2, &oh))
                return -1;
            if (*p == ':')
                p++;
            if (digits(&p, 2, &om) || oh > 23 || om > 59)
                return -1;
            off = sign * (oh * 60 + om);
        } else {
            return -1; /* a time of day needs an offset: no silent local time */
        }
    }
    if (*p != '\0')
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    int64_t t = (int64_t)timegm(&tm);
    *ms = (t - (int64_t)off * 60) * 1000 + frac_ms;
    if (offset_min)
        *offset_min = off;
    return 0;
}
