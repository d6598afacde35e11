/* Unit tests for src/base/log.c: JSON lines on stderr. stderr is sent to a
 * temporary file while each test runs and read back. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/log.h"
#include "base/time.h"

typedef struct {
    char path[64];
    int fd;    /* the temporary file */
    int saved; /* the real stderr */
} capture;

static int setup(void **state)
{
    capture *c = calloc(1, sizeof *c);
    snprintf(c->path, sizeof c->path, "/tmp/tongxin-test-log-XXXXXX");
    c->fd = mkstemp(c->path);
    if (c->fd < 0)
        return -1;
    fflush(stderr);
    c->saved = dup(STDERR_FILENO);
    dup2(c->fd, STDERR_FILENO);
    tx_log_set_quiet(0);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    capture *c = *state;
    /* Pass on what was not a log line (cmocka's failure messages). */
    off_t end = lseek(c->fd, 0, SEEK_END);
    char *buf = malloc((size_t)end + 1);
    ssize_t got = pread(c->fd, buf, (size_t)end, 0);
    buf[got > 0 ? got : 0] = '\0';
    dup2(c->saved, STDERR_FILENO);
    for (char *p = buf, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        if (*p != '{')
            fprintf(stderr, "%.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
        if (!nl)
            break;
    }
    free(buf);
    close(c->saved);
    close(c->fd);
    unlink(c->path);
    free(c);
    tx_log_set_quiet(0);
    return 0;
}

/* Everything written to stderr since setup (malloc'd). */
static char *captured(capture *c, size_t *len)
{
    off_t end = lseek(c->fd, 0, SEEK_END);
    char *buf = malloc((size_t)end + 1);
    ssize_t n = pread(c->fd, buf, (size_t)end, 0);
    assert_true(n == end);
    buf[end] = '\0';
    *len = (size_t)end;
    return buf;
}

static void test_log_writes_one_json_line_with_time_level_msg(void **state)
{
    capture *c = *state;
    tx_log("info", "listening on %s:%d", "127.0.0.1", 8080);
    size_t len;
    char *out = captured(c, &len);
    assert_true(len > 0);
    assert_int_equal(out[len - 1], '\n');
    assert_null(memchr(out, '\n', len - 1)); /* exactly one line */
    json_error_t je;
    json_t *o = json_loadb(out, len, 0, &je);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "level")), "info");
    assert_string_equal(json_string_value(json_object_get(o, "msg")), "listening on 127.0.0.1:8080");
    const char *t = json_string_value(json_object_get(o, "time"));
    assert_non_null(t);
    int64_t ms;
    int off = -1;
    assert_int_equal(tx_time_parse(t, 480, &ms, &off), 0);
    assert_int_equal(off, 0); /* logged in UTC */
    int64_t now = tx_now_ms();
    assert_true(ms <= now && ms > now - 60000);
    json_decref(o);
    free(out);
}

static void test_log_json_adds_time_when_absent_and_keeps_given_time(void **state)
{
    capture *c = *state;
    tx_log_json(json_pack("{s:s, s:i}", "route", "areas.get", "status", 200));
    tx_log_json(json_pack("{s:s, s:s}", "time", "2026-01-01T00:00:00Z", "route", "x"));
    size_t len;
    char *out = captured(c, &len);
    char *nl = strchr(out, '\n');
    assert_non_null(nl);
    json_t *a = json_loadb(out, (size_t)(nl - out), 0, NULL);
    json_t *b = json_loads(nl + 1, 0, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(json_string_value(json_object_get(a, "route")), "areas.get");
    assert_int_equal(json_integer_value(json_object_get(a, "status")), 200);
    assert_non_null(json_string_value(json_object_get(a, "time")));
    assert_string_equal(json_string_value(json_object_get(b, "time")), "2026-01-01T00:00:00Z");
    json_decref(a);
    json_decref(b);
    free(out);
}

static void test_log_quiet_writes_nothing(void **state)
{
    capture *c = *state;
    tx_log_set_quiet(1);
    tx_log("error", "should not appear");
    tx_log_json(json_pack("{s:s}", "msg", "nor this")); /* reference still released */
    size_t len;
    char *out = captured(c, &len);
    assert_int_equal(len, 0);
    free(out);
    tx_log_set_quiet(0);
    tx_log("info", "back");
    out = captured(c, &len);
    assert_true(len > 0);
    free(out);
}

static void test_log_escapes_text_as_json(void **state)
{
    capture *c = *state;
    tx_log("warn", "quote \" backslash \\ newline \n tab \t 白云");
    size_t len;
    char *out = captured(c, &len);
    assert_null(memchr(out, '\n', len - 1));
    json_t *o = json_loadb(out, len, 0, NULL);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "msg")), "quote \" backslash \\ newline \n tab \t 白云");
    json_decref(o);
    free(out);
}

/* A long message is cut to fit, but the line must still carry "msg": cutting
 * in the middle of a multi-byte character makes it invalid UTF-8, and jansson
 * then drops the string. */
static void test_log_long_utf8_message_keeps_msg(void **state)
{
    capture *c = *state;
    char text[2000] = "x"; /* one ASCII byte first so the 3-byte characters straddle the cut */
    for (int i = 0; i < 600; i++)
        strcat(text, "网");
    tx_log("info", "%s", text);
    size_t len;
    char *out = captured(c, &len);
    json_t *o = json_loadb(out, len, 0, NULL);
    const char *msg = json_string_value(json_object_get(o, "msg"));
    int parsed = o != NULL, has_msg = msg != NULL;
    size_t msglen = msg ? strlen(msg) : 0;
    json_decref(o);
    free(out);
    assert_true(parsed);
    if (!has_msg)
        fail_msg("the log line lost its \"msg\" (message cut inside a character)");
    assert_true(msglen > 900);
}

static void *log_many(void *arg)
{
    int id = *(int *)arg;
    for (int i = 0; i < 300; i++)
        tx_log("info", "thread %d line %d %0200d", id, i, 0);
    return NULL;
}

static void test_log_lines_from_threads_do_not_interleave(void **state)
{
    capture *c = *state;
    pthread_t t[4];
    int ids[4] = {0, 1, 2, 3};
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, log_many, &ids[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    size_t len;
    char *out = captured(c, &len);
    int lines = 0;
    for (char *p = out, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, NULL);
        if (o == NULL)
            fail_msg("line %d is not one JSON object", lines + 1);
        json_decref(o);
        lines++;
    }
    assert_int_equal(lines, 4 * 300);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_writes_one_json_line_with_time_level_msg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_json_adds_time_when_absent_and_keeps_given_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_quiet_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_escapes_text_as_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_long_utf8_message_keeps_msg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_lines_from_threads_do_not_interleave, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
