/* secret: tokens, key hashes and password hashes, all through libsodium.
 *
 * Session tokens, CSRF tokens, API keys and tracking links are 256-bit random
 * values written in URL-safe base64. Stored copies are hashes: a BLAKE2b hash
 * for high-entropy tokens (fast, and safe because the token cannot be guessed),
 * argon2id for passwords (slow on purpose). */
#ifndef TX_BASE_SECRET_H
#define TX_BASE_SECRET_H

#include <stddef.h>

#define TX_TOKEN_LEN 43      /* 32 random bytes, base64url without padding */
#define TX_TOKEN_HASH_LEN 64 /* 32-byte BLAKE2b in hex */
#define TX_PWHASH_LEN 128    /* crypto_pwhash_STRBYTES */

/* Initialise libsodium; call once at start. Returns 0 or -1. */
int tx_secret_init(void);

/* Write a new random token of TX_TOKEN_LEN chars plus a terminator. */
void tx_token_new(char out[TX_TOKEN_LEN + 1]);

/* Hash a token for storage: hex BLAKE2b of its bytes. */
void tx_token_hash(const char *token, size_t len, char out[TX_TOKEN_HASH_LEN + 1]);

/* Hash a password with argon2id. Returns 0, or -1 when out of memory. */
int tx_password_hash(const char *password, char out[TX_PWHASH_LEN]);

/* Check a password against a stored argon2id hash in constant time. 1 if it
 * matches, 0 otherwise. */
int tx_password_verify(const char *stored_hash, const char *password);

/* Constant-time equality of two equal-length strings; 0 when lengths differ. */
int tx_secret_equal(const char *a, size_t alen, const char *b, size_t blen);

#endif
