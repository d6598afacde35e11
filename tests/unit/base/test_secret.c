/* Unit tests for src/base/secret.c: tokens, token hashes, password hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/secret.h"

static int setup(void **state)
{
    (void)state;
    return tx_secret_init();
}

static int is_base64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_token_is_43_base64url_chars(void **state)
{
    (void)state;
    for (int n = 0; n < 50; n++) {
        char t[TX_TOKEN_LEN + 1];
        memset(t, '#', sizeof t);
        tx_token_new(t);
        assert_int_equal(strlen(t), 43);
        for (int i = 0; i < TX_TOKEN_LEN; i++)
            if (!is_base64url(t[i]))
                fail_msg("token \"%s\" has '%c' at %d", t, t[i], i);
    }
}

static void test_tokens_differ(void **state)
{
    (void)state;
    char a[TX_TOKEN_LEN + 1], b[TX_TOKEN_LEN + 1];
    tx_token_new(a);
    for (int n = 0; n < 100; n++) {
        tx_token_new(b);
        assert_string_not_equal(a, b);
    }
}

static void test_token_hash_is_64_lower_hex_and_stable(void **state)
{
    (void)state;
    char t[TX_TOKEN_LEN + 1], h1[TX_TOKEN_HASH_LEN + 1], h2[TX_TOKEN_HASH_LEN + 1];
    tx_token_new(t);
    tx_token_hash(t, strlen(t), h1);
    tx_token_hash(t, strlen(t), h2);
    assert_int_equal(strlen(h1), 64);
    for (int i = 0; i < 64; i++)
        assert_true(is_lower_hex(h1[i]));
    assert_string_equal(h1, h2);
}

static void test_token_hash_is_blake2b_256(void **state)
{
    (void)state;
    char h[TX_TOKEN_HASH_LEN + 1];
    /* BLAKE2b-256 of the empty string and of "abc" (reference vectors) */
    tx_token_hash("", 0, h);
    assert_string_equal(h, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    tx_token_hash("abc", 3, h);
    assert_string_equal(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

static void test_token_hash_uses_given_length_and_differs_by_input(void **state)
{
    (void)state;
    char h1[TX_TOKEN_HASH_LEN + 1], h2[TX_TOKEN_HASH_LEN + 1];
    tx_token_hash("abcdef", 3, h1);
    tx_token_hash("abc", 3, h2);
    assert_string_equal(h1, h2);
    tx_token_hash("abd", 3, h2);
    assert_string_not_equal(h1, h2);
}

static void test_password_hash_is_argon2id_and_verifies(void **state)
{
    (void)state;
    char h[TX_PWHASH_LEN];
    assert_int_equal(tx_password_hash("correct horse 电池", h), 0);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_int_equal(tx_password_verify(h, "correct horse 电池"), 1);
    assert_int_equal(tx_password_verify(h, "correct horse 电"), 0);
    assert_int_equal(tx_password_verify(h, "Correct horse 电池"), 0);
    assert_int_equal(tx_password_verify(h, ""), 0);
}

static void test_password_hashes_are_salted(void **state)
{
    (void)state;
    char a[TX_PWHASH_LEN], b[TX_PWHASH_LEN];
    assert_int_equal(tx_password_hash("same", a), 0);
    assert_int_equal(tx_password_hash("same", b), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(tx_password_verify(a, "same"), 1);
    assert_int_equal(tx_password_verify(b, "same"), 1);
}

static void test_password_verify_rejects_garbage_hash(void **state)
{
    (void)state;
    assert_int_equal(tx_password_verify("", "x"), 0);
    assert_int_equal(tx_password_verify("not a hash", "not a hash"), 0);
    assert_int_equal(tx_password_verify("$argon2id$v=19$m=65536,t=2,p=1$", "x"), 0);
}

static void test_secret_equal_compares_content_and_length(void **state)
{
    (void)state;
    assert_int_equal(tx_secret_equal("abcdef", 6, "abcdef", 6), 1);
    assert_int_equal(tx_secret_equal("abcdef", 6, "abcdeg", 6), 0);
    assert_int_equal(tx_secret_equal("Xbcdef", 6, "abcdef", 6), 0);
    /* a prefix is not equal: lengths differ */
    assert_int_equal(tx_secret_equal("abc", 3, "abcdef", 6), 0);
    assert_int_equal(tx_secret_equal("abcdef", 6, "abc", 3), 0);
    /* only the given lengths are compared */
    assert_int_equal(tx_secret_equal("abcX", 3, "abcY", 3), 1);
    assert_int_equal(tx_secret_equal("", 0, "", 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_is_43_base64url_chars),
        cmocka_unit_test(test_tokens_differ),
        cmocka_unit_test(test_token_hash_is_64_lower_hex_and_stable),
        cmocka_unit_test(test_token_hash_is_blake2b_256),
        cmocka_unit_test(test_token_hash_uses_given_length_and_differs_by_input),
        cmocka_unit_test(test_password_hash_is_argon2id_and_verifies),
        cmocka_unit_test(test_password_hashes_are_salted),
        cmocka_unit_test(test_password_verify_rejects_garbage_hash),
        cmocka_unit_test(test_secret_equal_compares_content_and_length),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
