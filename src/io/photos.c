/* photos: photo files named by their SHA-256 (see photos.h).
 *
 * Storing follows the usual recipe for a crash-safe new file: write a
 * temporary file beside the final one, fsync it, rename it into place, fsync
 * the directory. The temporary name starts with a dot and is never a valid
 * hash, so a crash can leave one behind but nothing can read it as a photo. */
#define _GNU_SOURCE
#include "io/photos.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/log.h"

int photos_check(const void *data, size_t len, size_t max_bytes, const char **mime_out, tx_err *err)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    const unsigned char *p = data;
    if (data == NULL || len == 0)
        return tx_err_set(err, 400, "empty_photo", "photo", M_PHOTO_EMPTY);
    if (len > max_bytes)
        return tx_err_set(err, 413, "photo_too_large", "photo", M_PHOTO_TOO_LARGE,
                          (double)max_bytes / (1024.0 * 1024.0), max_bytes);
    const char *mime = NULL;
    if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        mime = "image/jpeg";
    else if (len >= 8 && memcmp(p, png, 8) == 0)
        mime = "image/png";
    else if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        mime = "image/webp";
    if (mime == NULL)
        return tx_err_set(err, 415, "unsupported_media_type", "photo", M_PHOTO_TYPE);
    if (mime_out)
        *mime_out = mime;
    return 0;
}

int photos_valid_hash(const char *hash)
{
    if (hash == NULL)
        return 0;
    for (int i = 0; i < PHOTOS_HASH_HEX; i++)
        if (!((hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f')))
            return 0; /* also stops at a NUL before the 64th digit */
    return hash[PHOTOS_HASH_HEX] == '\0';
}

int photos_path(const char *dir, const char *hash, char *out, size_t outsz)
{
    if (dir == NULL || !photos_valid_hash(hash) || out == NULL || outsz == 0)
        return -1;
    int n = snprintf(out, outsz, "%s/%.2s/%s", dir, hash, hash);
    if (n < 0 || (size_t)n >= outsz) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

/* Log the cause (with the path: logs are for the operator) and answer a
 * bare 500: error bodies never carry paths. */
static int io_fail(tx_err *err, const char *what, const char *path)
{
    char buf[128];
    tx_log("error", "photos: %s %s: %s", what, path, strerror_r(errno, buf, sizeof buf));
    return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
}

/* fsync a directory, so the entries just made in it survive a crash. */
static int sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int photos_store(const char *dir, const void *data, size_t len, char hash_hex[PHOTOS_HASH_HEX + 1], tx_err *err)
{
    hash_hex[0] = '\0';
    if (data == NULL || len == 0)
        return tx_err_set(err, 400, "empty_photo", "photo", M_PHOTO_EMPTY);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hash_hex, PHOTOS_HASH_HEX + 1, h, sizeof h);

    char sub[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX];
    int n1 = snprintf(sub, sizeof sub, "%s/%.2s", dir, hash_hex);
    int n2 = snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", sub);
    if (n1 < 0 || (size_t)n1 >= sizeof sub || n2 < 0 || (size_t)n2 >= sizeof tmp ||
        photos_path(dir, hash_hex, path, sizeof path)) {
        errno = ENAMETOOLONG;
        return io_fail(err, "cannot name a file in", dir);
    }
    /* the photo directory itself is made on first use */
    if ((mkdir(dir, 0750) != 0 && errno != EEXIST) || (mkdir(sub, 0750) != 0 && errno != EEXIST))
        return io_fail(err, "cannot create", sub);

    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return io_fail(err, "cannot stat", path);
        int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
            return io_fail(err, "cannot create a temporary file in", sub);
        /* Readable by the group (a backup user), as the database is. */
        if (fchmod(fd, 0640) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
            int saved = errno;
            close(fd);
            unlink(tmp);
            errno = saved;
            return io_fail(err, "cannot write", tmp);
        }
        if (close(fd) != 0) {
            int saved = errno;
            unlink(tmp);
            errno = saved;
            return io_fail(err, "cannot write", tmp);
        }
        /* Two calls storing the same photo at once both rename: the second
         * replaces the file with identical bytes, which is harmless. */
        if (rename(tmp, path) != 0) {
            int saved = errno;
            unlink(tmp);
            errno = saved;
            return io_fail(err, "cannot rename into", path);
        }
    } else if (!S_ISREG(st.st_mode)) {
        errno = EEXIST;
        return io_fail(err, "not a regular file:", path);
    }
    /* Also when the file was already there: another call may have renamed
     * it a moment ago and not yet synced the directories, and our caller
     * is about to record the photo as stored. Syncing directories with
     * nothing new in them costs next to nothing. */
    if (sync_dir(sub) != 0)
        return io_fail(err, "cannot sync", sub);
    if (sync_dir(dir) != 0)
        return io_fail(err, "cannot sync", dir);
    return 0;
}

int photos_read(const char *dir, const char *hash, char **data, size_t *len, tx_err *err)
{
    *data = NULL;
    *len = 0;
    char path[PATH_MAX];
    if (photos_path(dir, hash, path, sizeof path))
        return tx_err_set(err, 404, "not_found", "photo", M_PHOTO_NOT_FOUND);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return tx_err_set(err, 404, "not_found", "photo", M_PHOTO_NOT_FOUND);
        return io_fail(err, "cannot open", path);
    }
    struct stat st;
    int bad = fstat(fd, &st) != 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : 0;
    if (bad) {
        close(fd);
        errno = bad;
        return io_fail(err, "cannot read", path);
    }
    size_t size = (size_t)st.st_size;
    char *buf = malloc(size ? size : 1);
    if (buf == NULL) {
        close(fd);
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO; /* shorter than fstat said: truncated meanwhile */
            int saved = errno;
            free(buf);
            close(fd);
            errno = saved;
            return io_fail(err, "cannot read", path);
        }
        got += (size_t)r;
    }
    close(fd);
    *data = buf;
    *len = size;
    return 0;
}
