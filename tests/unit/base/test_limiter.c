/* Unit tests for src/base/limiter.c: per-key event counts over a window. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/limiter.h"

#define T0 1700000000000LL /* a realistic "now" in ms */

static void test_limiter_allows_up_to_max_within_window(void **state)
{
    (void)state;
    tx_limiter *l = tx_limiter_new(3, 60000, 64);
    assert_non_null(l);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tx_limiter_check(l, "ip:1.2.3.4", T0 + i), 0);
        tx_limiter_hit(l, "ip:1.2.3.4", T0 + i);
    }
    assert_true(tx_limiter_check(l, "ip:1.2.3.4", T0 + 3) > 0);
    tx_limiter_free(l);
}

static void test_limiter_reports_seconds_to_wait(void **state)
{
    (void)state;
    tx_limiter *l = tx_limiter_new(2, 60000, 64);
    tx_limiter_hit(l, "k", T0);
    tx_limiter_hit(l, "k", T0);
    /* the window began at T0: 60 s from then */
    assert_int_equal(tx_limiter_check(l, "k", T0), 60);
    assert_int_equal(tx_limiter_check(l, "k", T0 + 30000), 30);
    /* a partial second rounds up */
    assert_int_equal(tx_limiter_check(l, "k", T0 + 30500), 30);
    assert_int_equal(tx_limiter_check(l, "k", T0 + 30001), 30);
    /* never 0 while blocked: even 1 ms before the end asks for 1 s */
    assert_int_equal(tx_limiter_check(l, "k", T0 + 59999), 1);
    tx_limiter_free(l);
}

static void test_limiter_wait_is_at_least_one_second_for_short_windows(void **state)
{
    (void)state;
    tx_limiter *l = tx_limiter_new(1, 200, 16);
    tx_limiter_hit(l, "k", T0);
    assert_int_equal(tx_limiter_check(l, "k", T0 + 1), 1);
    assert_int_equal(tx_limiter_check(l, "k", T0 + 199), 1);
    tx_limiter_free(l);
}

static void test_limiter_window_expiry_resets_count(void **state)
{
    (void)state;
    tx_limiter *l = tx_limiter_new(2, 1000, 64);
    tx_limiter_hit(l, "k", T0);
    tx_limiter_hit(l, "k", T0 + 10);
    assert_true(tx_limiter_check(l, "k", T0 + 999) > 0);
    assert_int_equal(tx_limiter_check(l, "k", T0 + 1000), 0);
    /* a hit after expiry starts a fresh window with a count of one */
    tx_limiter_hit(l, "k", T0 + 1000);
    assert_int_equal(tx_limiter_check(l, "k", T0 + 1001), 0);
    tx_limiter_hit(l, "k", T0 + 1001);
    assert_int_equal(tx_limiter_check(l, "k", T0 + 1002), 1);
    assert_int_equal(tx_limiter_check(l, "k", T0 + 2000), 0);
    tx_limiter_free(l);
}

static void test_limiter_reset_clears_key(void **state)
{
    (void)state;
    tx_limiter *l = tx_limiter_new(1, 60000, 64);
    tx_limiter_hit(l, "login:alice", T0);
    assert_true(tx_limiter_check(l, "login:alice", T0) > 0);
    tx_limiter_reset(l, "login:alice");
    assert_int_equal(tx_limiter_check(l, "login:alice", T0), 0);
    /* it counts again from zero */
    tx_limiter_hit(l, "login:alice", T0 + 1);
    assert_true(tx_limiter_check(l, "login:alice", T0 + 2) > 0);
    /* resetting an unknown key is harmless */
    tx_limiter_reset(l, "never-seen");
    tx_limiter_free(l);
}

static void test_limiter_keys_are_independent(void **state)
{
    (void)state;
    tx_limiter *l = tx_limiter_new(2, 60000, 64);
    tx_limiter_hit(l, "a", T0);
    tx_limiter_hit(l, "a", T0);
    tx_limiter_hit(l, "b", T0);
    assert_true(tx_limiter_check(l, "a", T0) > 0);
    assert_int_equal(tx_limiter_check(l, "b", T0), 0);
    assert_int_equal(tx_limiter_check(l, "c", T0), 0);
    tx_limiter_reset(l, "a");
    tx_limiter_hit(l, "b", T0);
    assert_int_equal(tx_limiter_check(l, "a", T0), 0);
    assert_true(tx_limiter_check(l, "b", T0) > 0);
    tx_limiter_free(l);
}

static void test_limiter_full_table_evicts_without_crashing(void **state)
{
    (void)state;
    tx_limiter *l = tx_limiter_new(1, 60000, 4);
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        tx_limiter_hit(l, key, T0 + i);
        /* the key just hit is tracked, whatever was forgotten for it */
        assert_true(tx_limiter_check(l, key, T0 + i) > 0);
    }
    tx_limiter_free(l);
}

static void test_limiter_full_table_forgets_oldest_entry(void **state)
{
    (void)state;
    /* 8 slots: every probe sequence covers the whole table */
    tx_limiter *l = tx_limiter_new(1, 60000, 8);
    char key[32];
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "k%d", i);
        tx_limiter_hit(l, key, T0 + i);
    }
    tx_limiter_hit(l, "newcomer", T0 + 100);
    assert_true(tx_limiter_check(l, "newcomer", T0 + 100) > 0);
    assert_int_equal(tx_limiter_check(l, "k0", T0 + 100), 0); /* the oldest went */
    for (int i = 1; i < 8; i++) {
        snprintf(key, sizeof key, "k%d", i);
        if (tx_limiter_check(l, key, T0 + 100) == 0)
            fail_msg("%s was forgotten although k0 was older", key);
    }
    tx_limiter_free(l);
}

static void test_limiter_long_keys_are_handled(void **state)
{
    (void)state;
    tx_limiter *l = tx_limiter_new(1, 60000, 16);
    char key[300];
    memset(key, 'x', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    tx_limiter_hit(l, key, T0);
    assert_true(tx_limiter_check(l, key, T0) > 0);
    tx_limiter_reset(l, key);
    assert_int_equal(tx_limiter_check(l, key, T0), 0);
    tx_limiter_free(l);
}

typedef struct {
    tx_limiter *l;
    const char *key;
    int n;
} hitter_arg;

static void *hitter(void *arg)
{
    hitter_arg *a = arg;
    for (int i = 0; i < a->n; i++) {
        tx_limiter_hit(a->l, a->key, T0 + i % 50);
        (void)tx_limiter_check(a->l, a->key, T0 + i % 50);
        (void)tx_limiter_check(a->l, "other", T0 + i % 50);
    }
    return NULL;
}

static void test_limiter_two_threads_count_every_hit(void **state)
{
    (void)state;
    enum { PER_THREAD = 20000 };
    tx_limiter *l = tx_limiter_new(2 * PER_THREAD, 3600 * 1000, 64);
    hitter_arg a = {l, "shared", PER_THREAD};
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, hitter, &a), 0);
    assert_int_equal(pthread_create(&t2, NULL, hitter, &a), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    /* 2 * PER_THREAD hits reached max: blocked only if no hit was lost */
    assert_true(tx_limiter_check(l, "shared", T0 + 100) > 0);
    tx_limiter_reset(l, "shared");
    for (int i = 0; i < 2 * PER_THREAD - 1; i++)
        tx_limiter_hit(l, "shared", T0 + 100);
    assert_int_equal(tx_limiter_check(l, "shared", T0 + 100), 0);
    tx_limiter_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limiter_allows_up_to_max_within_window),
        cmocka_unit_test(test_limiter_reports_seconds_to_wait),
        cmocka_unit_test(test_limiter_wait_is_at_least_one_second_for_short_windows),
        cmocka_unit_test(test_limiter_window_expiry_resets_count),
        cmocka_unit_test(test_limiter_reset_clears_key),
        cmocka_unit_test(test_limiter_keys_are_independent),
        cmocka_unit_test(test_limiter_full_table_evicts_without_crashing),
        cmocka_unit_test(test_limiter_full_table_forgets_oldest_entry),
        cmocka_unit_test(test_limiter_long_keys_are_handled),
        cmocka_unit_test(test_limiter_two_threads_count_every_hit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
