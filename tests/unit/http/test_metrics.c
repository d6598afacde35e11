/* Unit tests for src/http/metrics.c: counters, histograms and the
 * Prometheus text rendering. Metrics are process-wide: the slots are named
 * once and each test uses its own route. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/metrics.h"

enum { S_COUNTS, S_HIST, S_OTHER, S_SUM, S_BOUNDARY, S_COUNT };
static const char *const names[S_COUNT] = {"t.counts", "t.hist", "t.other", "t.sum", "t.boundary"};

static int setup(void **state)
{
    (void)state;
    metrics_init(names, S_COUNT);
    return 0;
}

static char *render(store *s)
{
    size_t len = 0;
    char *text = metrics_render(s, &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    return text;
}

/* The value on the line that starts with prefix (followed by a space), or -1. */
static double value_of(const char *text, const char *prefix)
{
    size_t pl = strlen(prefix);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, prefix, pl) == 0 && p[pl] == ' ')
            return strtod(p + pl + 1, NULL);
    }
    return -1;
}

static double bucket(const char *text, const char *route, const char *le)
{
    char prefix[160];
    snprintf(prefix, sizeof prefix, "tongxin_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"}", route, le);
    return value_of(text, prefix);
}

static void test_metrics_counts_requests_by_route_and_status(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        metrics_observe(S_COUNTS, 200, 0.001);
    metrics_observe(S_COUNTS, 404, 0.001);
    metrics_observe(S_COUNTS, 503, 0.001);
    char *t = render(NULL);
    assert_true(value_of(t, "tongxin_http_requests_total{route=\"t.counts\",status=\"200\"}") == 3);
    assert_true(value_of(t, "tongxin_http_requests_total{route=\"t.counts\",status=\"404\"}") == 1);
    assert_true(value_of(t, "tongxin_http_requests_total{route=\"t.counts\",status=\"503\"}") == 1);
    /* statuses never seen are not rendered */
    assert_true(value_of(t, "tongxin_http_requests_total{route=\"t.counts\",status=\"500\"}") == -1);
    assert_non_null(strstr(t, "# TYPE tongxin_http_requests_total counter\n"));
    assert_non_null(strstr(t, "# TYPE tongxin_http_request_duration_seconds histogram\n"));
    free(t);
}

static void test_metrics_unlisted_status_counts_as_other(void **state)
{
    (void)state;
    metrics_observe(S_OTHER, 418, 0.01);
    metrics_observe(S_OTHER, 302, 0.01);
    char *t = render(NULL);
    assert_true(value_of(t, "tongxin_http_requests_total{route=\"t.other\",status=\"other\"}") == 2);
    free(t);
}

static void test_metrics_histogram_buckets_are_cumulative_and_match_count(void **state)
{
    (void)state;
    metrics_observe(S_HIST, 200, 0.0001); /* le 0.0005 */
    metrics_observe(S_HIST, 200, 0.003);  /* le 0.005 */
    metrics_observe(S_HIST, 200, 0.2);    /* le 0.25 */
    metrics_observe(S_HIST, 500, 7.0);    /* beyond the last bound: only +Inf */
    char *t = render(NULL);
    static const char *const les[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
                                      "0.05",   "0.1",   "0.25",   "0.5",   "1",    "5"};
    static const double want[] = {1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3};
    double prev = 0;
    for (size_t i = 0; i < sizeof les / sizeof les[0]; i++) {
        double v = bucket(t, "t.hist", les[i]);
        if (v != want[i])
            fail_msg("bucket le=%s is %g, want %g", les[i], v, want[i]);
        assert_true(v >= prev);
        prev = v;
    }
    double inf = bucket(t, "t.hist", "+Inf");
    double count = value_of(t, "tongxin_http_request_duration_seconds_count{route=\"t.hist\"}");
    assert_true(inf == 4);
    assert_true(count == 4);
    assert_true(inf >= prev);
    /* the counters agree with the histogram */
    double by_status = value_of(t, "tongxin_http_requests_total{route=\"t.hist\",status=\"200\"}") +
                       value_of(t, "tongxin_http_requests_total{route=\"t.hist\",status=\"500\"}");
    assert_true(by_status == count);
    free(t);
}

static void test_metrics_bucket_bounds_are_inclusive(void **state)
{
    (void)state;
    metrics_observe(S_BOUNDARY, 200, 0.001);
    metrics_observe(S_BOUNDARY, 200, 5.0);
    char *t = render(NULL);
    assert_true(bucket(t, "t.boundary", "0.0005") == 0);
    assert_true(bucket(t, "t.boundary", "0.001") == 1);
    assert_true(bucket(t, "t.boundary", "1") == 1);
    assert_true(bucket(t, "t.boundary", "5") == 2);
    assert_true(bucket(t, "t.boundary", "+Inf") == 2);
    free(t);
}

static void test_metrics_sum_adds_durations(void **state)
{
    (void)state;
    metrics_observe(S_SUM, 200, 0.25);
    metrics_observe(S_SUM, 200, 0.5);
    metrics_observe(S_SUM, 200, 1.25);
    char *t = render(NULL);
    double sum = value_of(t, "tongxin_http_request_duration_seconds_sum{route=\"t.sum\"}");
    assert_true(sum > 1.999999 && sum < 2.000001);
    free(t);
}

static void test_metrics_static_and_unmatched_slots_follow_routes(void **state)
{
    (void)state;
    assert_int_equal(metrics_slot_static(), S_COUNT);
    assert_int_equal(metrics_slot_unmatched(), S_COUNT + 1);
    metrics_observe(metrics_slot_static(), 200, 0.001);
    metrics_observe(metrics_slot_unmatched(), 404, 0.001);
    char *t = render(NULL);
    assert_true(value_of(t, "tongxin_http_requests_total{route=\"static\",status=\"200\"}") == 1);
    assert_true(value_of(t, "tongxin_http_requests_total{route=\"unmatched\",status=\"404\"}") == 1);
    free(t);
}

static void test_metrics_out_of_range_slot_is_ignored(void **state)
{
    (void)state;
    char *before = render(NULL);
    metrics_observe(-1, 200, 0.001);
    metrics_observe(S_COUNT + 2, 200, 0.001);
    metrics_observe(METRICS_MAX_ROUTES + 100, 200, 0.001);
    char *after = render(NULL);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_metrics_connections_gauge(void **state)
{
    (void)state;
    long base = metrics_connections();
    metrics_connections_add(3);
    metrics_connections_add(-1);
    assert_int_equal(metrics_connections(), base + 2);
    char *t = render(NULL);
    assert_true(value_of(t, "tongxin_http_connections") == (double)(base + 2));
    free(t);
    metrics_connections_add(-2);
}

static void test_metrics_render_with_store_adds_writer_figures(void **state)
{
    (void)state;
    char path[] = "/tmp/tongxin-test-metrics-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char url[64];
    snprintf(url, sizeof url, "sqlite:%s", path);
    store_options opt = {.create = 1};
    store *s = NULL;
    tx_err err;
    assert_int_equal(store_open(url, &opt, &s, &err), 0);
    char *t = render(s);
    assert_true(value_of(t, "tongxin_writer_queue_depth") == 0);
    assert_true(value_of(t, "tongxin_writer_jobs_total{outcome=\"committed\"}") == 0);
    assert_true(value_of(t, "tongxin_writer_batch_size_count") == 0);
    assert_true(value_of(t, "tongxin_writer_batch_size_bucket{le=\"2048\"}") == 0);
    assert_true(value_of(t, "tongxin_writer_commit_seconds_bucket{le=\"+Inf\"}") == 0);
    assert_non_null(strstr(t, "# TYPE tongxin_writer_batch_size histogram\n"));
    free(t);
    /* without a store there are no writer figures */
    t = render(NULL);
    assert_null(strstr(t, "tongxin_writer_"));
    free(t);
    store_close(s);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static void test_metrics_render_grows_past_initial_buffer(void **state)
{
    (void)state;
    /* many routes with data force the text past its first allocation */
    static char route_names[METRICS_MAX_ROUTES][32];
    static const char *ptrs[METRICS_MAX_ROUTES];
    for (int i = 0; i < METRICS_MAX_ROUTES; i++) {
        snprintf(route_names[i], sizeof route_names[i], "t.many.%03d", i);
        ptrs[i] = route_names[i];
    }
    metrics_init(ptrs, METRICS_MAX_ROUTES);
    for (int i = 0; i < METRICS_MAX_ROUTES; i++)
        metrics_observe(i, 200, 0.001);
    size_t len = 0;
    char *t = metrics_render(NULL, &len);
    assert_true(len > 16384);
    assert_int_equal(strlen(t), len);
    assert_true(bucket(t, "t.many.159", "+Inf") >= 1);
    assert_non_null(strstr(t, "tongxin_http_connections "));
    free(t);
    metrics_init(names, S_COUNT); /* restore for the other tests */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_counts_requests_by_route_and_status),
        cmocka_unit_test(test_metrics_unlisted_status_counts_as_other),
        cmocka_unit_test(test_metrics_histogram_buckets_are_cumulative_and_match_count),
        cmocka_unit_test(test_metrics_bucket_bounds_are_inclusive),
        cmocka_unit_test(test_metrics_sum_adds_durations),
        cmocka_unit_test(test_metrics_static_and_unmatched_slots_follow_routes),
        cmocka_unit_test(test_metrics_out_of_range_slot_is_ignored),
        cmocka_unit_test(test_metrics_connections_gauge),
        cmocka_unit_test(test_metrics_render_with_store_adds_writer_figures),
        cmocka_unit_test(test_metrics_render_grows_past_initial_buffer),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
