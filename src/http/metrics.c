/* metrics: Prometheus counters and histograms (see metrics.h). */
#include "http/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSTATUS 16
#define NLAT 12

static const int statuses[NSTATUS] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503, 0};
static const double lat_bounds[NLAT] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

static struct {
    const char *name;
    atomic_long by_status[NSTATUS];
    atomic_long lat_bucket[NLAT]; /* non-cumulative; summed when rendered */
    atomic_long lat_count;
    _Atomic double lat_sum;
} slots[METRICS_MAX_ROUTES + 2];
static int nslots;
static atomic_long connections;

void metrics_init(const char *const *route_names, int nroutes)
{
    if (nroutes > METRICS_MAX_ROUTES)
        nroutes = METRICS_MAX_ROUTES;
    for (int i = 0; i < nroutes; i++)
        slots[i].name = route_names[i];
    slots[nroutes].name = "static";
    slots[nroutes + 1].name = "unmatched";
    nslots = nroutes + 2;
}

int metrics_slot_static(void)
{
    return nslots - 2;
}

int metrics_slot_unmatched(void)
{
    return nslots - 1;
}

void metrics_observe(int slot, int status, double seconds)
{
    if (slot < 0 || slot >= nslots)
        return;
    int si = NSTATUS - 1;
    for (int i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status) {
            si = i;
            break;
        }
    atomic_fetch_add_explicit(&slots[slot].by_status[si], 1, memory_order_relaxed);
    int b = 0;
    while (b < NLAT - 1 && seconds > lat_bounds[b])
        b++;
    if (seconds <= lat_bounds[NLAT - 1] || b < NLAT - 1)
        atomic_fetch_add_explicit(&slots[slot].lat_bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&slots[slot].lat_count, 1, memory_order_relaxed);
    double old = atomic_load_explicit(&slots[slot].lat_sum, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&slots[slot].lat_sum, &old, old + seconds, memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
}

void metrics_connections_add(int delta)
{
    atomic_fetch_add_explicit(&connections, delta, memory_order_relaxed);
}

long metrics_connections(void)
{
    return atomic_load_explicit(&connections, memory_order_relaxed);
}

typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = (b->cap + (size_t)n + 1) * 2;
        char *np = realloc(b->p, ncap);
        if (np == NULL)
            return;
        b->p = np;
        b->cap = ncap;
    }
}

char *metrics_render(store *s, size_t *len)
{
    sbuf b = {malloc(16384), 0, 16384};
    if (b.p == NULL)
        return NULL;
    b.p[0] = '\0';
    sb_printf(&b, "# HELP tongxin_http_requests_total Requests answered, by route and status.\n"
                  "# TYPE tongxin_http_requests_total counter\n");
    for (int r = 0; r < nslots; r++)
        for (int i = 0; i < NSTATUS; i++) {
            long v = atomic_load_explicit(&slots[r].by_status[i], memory_order_relaxed);
            if (v == 0)
                continue;
            if (statuses[i])
                sb_printf(&b, "tongxin_http_requests_total{route=\"%s\",status=\"%d\"} %ld\n", slots[r].name,
                          statuses[i], v);
            else
                sb_printf(&b, "tongxin_http_requests_total{route=\"%s\",status=\"other\"} %ld\n", slots[r].name, v);
        }
    sb_printf(&b, "# HELP tongxin_http_request_duration_seconds Time from request start to response end.\n"
                  "# TYPE tongxin_http_request_duration_seconds histogram\n");
    for (int r = 0; r < nslots; r++) {
        long count = atomic_load_explicit(&slots[r].lat_count, memory_order_relaxed);
        if (count == 0)
            continue;
        long cum = 0;
        for (int i = 0; i < NLAT; i++) {
            cum += atomic_load_explicit(&slots[r].lat_bucket[i], memory_order_relaxed);
            sb_printf(&b, "tongxin_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %ld\n", slots[r].name,
                      lat_bounds[i], cum);
        }
        sb_printf(&b, "tongxin_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %ld\n", slots[r].name,
                  count);
        sb_printf(&b, "tongxin_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", slots[r].name,
                  atomic_load_explicit(&slots[r].lat_sum, memory_order_relaxed));
        sb_printf(&b, "tongxin_http_request_duration_seconds_count{route=\"%s\"} %ld\n", slots[r].name, count);
    }
    sb_printf(&b, "# HELP tongxin_http_connections Open client connections.\n# TYPE tongxin_http_connections gauge\n"
                  "tongxin_http_connections %ld\n",
              metrics_connections());
    if (s) {
        store_metrics m;
        store_metrics_read(s, &m);
        sb_printf(&b,
                  "# HELP tongxin_writer_queue_depth Write jobs waiting for the writer thread.\n"
                  "# TYPE tongxin_writer_queue_depth gauge\ntongxin_writer_queue_depth %lld\n"
                  "# HELP tongxin_writer_jobs_total Write jobs finished, by outcome.\n"
                  "# TYPE tongxin_writer_jobs_total counter\n"
                  "tongxin_writer_jobs_total{outcome=\"committed\"} %lld\n"
                  "tongxin_writer_jobs_total{outcome=\"failed\"} %lld\n"
                  "# HELP tongxin_writer_commit_failures_total Transactions that could not be committed.\n"
                  "# TYPE tongxin_writer_commit_failures_total counter\ntongxin_writer_commit_failures_total %lld\n",
                  (long long)m.queue_depth, (long long)m.jobs_done, (long long)m.jobs_failed,
                  (long long)m.commit_failures);
        sb_printf(&b, "# HELP tongxin_writer_batch_size Write jobs committed per transaction (group commit).\n"
                      "# TYPE tongxin_writer_batch_size histogram\n");
        for (int i = 0; i < STORE_BATCH_BUCKETS; i++)
            sb_printf(&b, "tongxin_writer_batch_size_bucket{le=\"%d\"} %lld\n", 1 << i, (long long)m.batch_bucket[i]);
        sb_printf(&b,
                  "tongxin_writer_batch_size_bucket{le=\"+Inf\"} %lld\ntongxin_writer_batch_size_sum %lld\n"
                  "tongxin_writer_batch_size_count %lld\n",
                  (long long)m.batches, (long long)m.batch_size_sum, (long long)m.batches);
        sb_printf(&b, "# HELP tongxin_writer_commit_seconds Time to run and durably commit one batch.\n"
                      "# TYPE tongxin_writer_commit_seconds histogram\n");
        for (int i = 0; i < STORE_COMMIT_BUCKETS; i++)
            sb_printf(&b, "tongxin_writer_commit_seconds_bucket{le=\"%g\"} %lld\n", store_commit_bucket_bounds[i],
                      (long long)m.commit_bucket[i]);
        sb_printf(&b,
                  "tongxin_writer_commit_seconds_bucket{le=\"+Inf\"} %lld\ntongxin_writer_commit_seconds_sum %.6f\n"
                  "tongxin_writer_commit_seconds_count %lld\n",
                  (long long)m.batches, m.commit_seconds_sum, (long long)m.batches);
    }
    *len = b.len;
    return b.p;
}
