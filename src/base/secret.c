/* secret: libsodium wrappers for tokens and password hashes (see secret.h). */
#include "base/secret.h"

#include <sodium.h>
#include <string.h>

int tx_secret_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void tx_token_new(char out[TX_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, TX_TOKEN_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void tx_token_hash(const char *token, size_t len, char out[TX_TOKEN_HASH_LEN + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, len, NULL, 0);
    sodium_bin2hex(out, TX_TOKEN_HASH_LEN + 1, h, sizeof h);
}

/* OWASP's argon2id recommendation (m = 19 MiB, t = 2, p = 1): libsodium's
 * INTERACTIVE preset (64 MiB) took 0.2-0.6 s per sign-in on the 2-core
 * target, long enough for a burst of sign-ins to occupy every reader. */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)

int tx_password_hash(const char *password, char out[TX_PWHASH_LEN])
{
    return crypto_pwhash_str_alg(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT,
                                 crypto_pwhash_ALG_ARGON2ID13) == 0
               ? 0
               : -1;
}

int tx_password_verify(const char *stored_hash, const char *password)
{
    return crypto_pwhash_str_verify(stored_hash, password, strlen(password)) == 0;
}

int tx_secret_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return 0;
    return sodium_memcmp(a, b, alen) == 0;
}
