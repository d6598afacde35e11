/* photos: the photos residents attach to their reports, stored as files
 * named by the SHA-256 of their bytes.
 *
 * A photo is accepted by what its bytes are (JPEG, PNG or WebP magic), never
 * by the type the client declared. Naming files by content makes storing
 * idempotent (the same photo sent twice is one file) and lets a hash taken
 * from a request be checked to name nothing but a photo. The layout is
 * DIR/ab/abcdef…: the first two hex digits as a subdirectory, so no
 * directory grows past a few thousand entries. */
#ifndef TX_IO_PHOTOS_H
#define TX_IO_PHOTOS_H

#include <stddef.h>

#include "base/err.h"

#define PHOTOS_HASH_HEX 64 /* SHA-256 in lowercase hex */

/* Check that data[0..len) is a photo we take: not empty (400), at most
 * max_bytes (413, naming the limit), and a JPEG, PNG or WebP by its magic
 * bytes (415, naming those). Sets *mime_out (when not NULL) to
 * "image/jpeg", "image/png" or "image/webp", static storage. Returns 0 or
 * -1 with err set on field "photo". */
int photos_check(const void *data, size_t len, size_t max_bytes, const char **mime_out, tx_err *err);

/* Store data[0..len) under DIR (which must exist) as DIR/ab/<hash>, and
 * write its hash into hash_hex (64 hex digits and a NUL). Durable when it
 * returns 0: the bytes go to a temporary file in the same directory, which
 * is fsync'd, renamed into place and the directory fsync'd, so a crash leaves
 * either the whole photo or none. A photo already stored is left as it is
 * (0). Does not check the content: call photos_check first. Returns -1 with
 * a 500 (the cause is logged, not shown) on I/O failure, or a 400 when len
 * is 0. */
int photos_store(const char *dir, const void *data, size_t len, char hash_hex[PHOTOS_HASH_HEX + 1], tx_err *err);

/* 1 when hash is exactly 64 lowercase hex digits (then it names a file
 * under DIR and nothing else), 0 otherwise. */
int photos_valid_hash(const char *hash);

/* Build the path DIR/ab/<hash> of a photo into out. Returns 0, or -1 when
 * the hash is not valid (see photos_valid_hash) or out is too small. */
int photos_path(const char *dir, const char *hash, char *out, size_t outsz);

/* Read the photo named hash into *data (malloc'd, the caller frees it) and
 * its size into *len. Returns 0, or -1 with a 404 when there is no such
 * photo (including a hash that is not valid), a 500 on I/O failure. */
int photos_read(const char *dir, const char *hash, char **data, size_t *len, tx_err *err);

#endif
