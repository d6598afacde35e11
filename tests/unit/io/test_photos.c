/* Unit tests for src/io/photos.c: which photos are taken, and storing them
 * by content hash in a temporary directory. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "io/photos.h"

#define LIT(s) (s), (sizeof(s) - 1)

static const char JPEG[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00rest of a jpeg";
static const char PNG[] = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
static const char WEBP[] = "RIFF\x24\x00\x00\x00WEBPVP8 ";
/* SHA-256("abc"), FIPS 180-2 appendix B.1 */
#define ABC_HASH "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup_dir(void **state)
{
    char *dir = strdup("/tmp/tx-photos-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    tx_log_set_quiet(1);
    *state = dir;
    return 0;
}

static int teardown_dir(void **state)
{
    nftw(*state, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(*state);
    return 0;
}

static void assert_err(const tx_err *e, int status, const char *code)
{
    assert_int_equal(e->status, status);
    assert_string_equal(e->code, code);
    assert_true(strlen(e->msg[TX_LANG_EN]) > 0 && strlen(e->msg[TX_LANG_ZH]) > 0);
}

/* ---- photos_check ---- */

static void test_check_accepts_jpeg_png_webp_by_their_bytes(void **state)
{
    (void)state;
    const char *mime = NULL;
    tx_err e = {0};
    assert_int_equal(photos_check(LIT(JPEG), 1000, &mime, &e), 0);
    assert_string_equal(mime, "image/jpeg");
    assert_int_equal(photos_check(LIT(PNG), 1000, &mime, &e), 0);
    assert_string_equal(mime, "image/png");
    assert_int_equal(photos_check(LIT(WEBP), 1000, &mime, &e), 0);
    assert_string_equal(mime, "image/webp");
    assert_int_equal(e.status, 0);
    /* the smallest inputs the magic needs */
    assert_int_equal(photos_check("\xff\xd8\xff", 3, 1000, NULL, &e), 0);
    assert_int_equal(photos_check(PNG, 8, 1000, NULL, &e), 0);
    assert_int_equal(photos_check(WEBP, 12, 1000, NULL, &e), 0);
}

static void test_check_refuses_empty_with_400(void **state)
{
    (void)state;
    tx_err e = {0};
    assert_int_equal(photos_check("", 0, 1000, NULL, &e), -1);
    assert_err(&e, 400, "empty_photo");
    assert_string_equal(e.field, "photo");
    assert_string_equal(e.msg[TX_LANG_EN], "the photo is empty");
    assert_int_equal(photos_check(NULL, 10, 1000, NULL, &e), -1);
    assert_err(&e, 400, "empty_photo");
}

static void test_check_refuses_too_large_with_413_naming_the_limit(void **state)
{
    (void)state;
    size_t max = 5 * 1024 * 1024;
    char *big = calloc(1, max + 1);
    memcpy(big, JPEG, 4);
    tx_err e = {0};
    assert_int_equal(photos_check(big, max, max, NULL, &e), 0); /* the limit itself is allowed */
    assert_int_equal(photos_check(big, max + 1, max, NULL, &e), -1);
    assert_err(&e, 413, "photo_too_large");
    assert_string_equal(e.msg[TX_LANG_EN], "the photo is larger than the limit of 5.0 MB (5242880 bytes)");
    assert_string_equal(e.msg[TX_LANG_ZH], "照片超过 5.0 MB（5242880 字节）的上限");
    free(big);
}

static void test_check_refuses_other_types_with_415_naming_the_accepted(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        size_t len;
    } other[] = {
        {LIT("GIF89a\x01\x00\x01\x00")},
        {LIT("%PDF-1.7\n")},
        {LIT("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")},
        {LIT("RIFF\x24\x00\x00\x00WAVEfmt ")},     /* RIFF but not WebP */
        {LIT("\xff\xd8")},                           /* too short for JPEG */
        {LIT("\x89PNG\r\n\x1a")},                    /* too short for PNG */
        {LIT("RIFF\x24\x00\x00\x00WEB")},            /* too short for WebP */
        {LIT("\x00\x00\x00\x18" "ftypheic")},        /* HEIC */
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        const char *mime = "untouched";
        tx_err e = {0};
        assert_int_equal(photos_check(other[i].data, other[i].len, 1000, &mime, &e), -1);
        assert_err(&e, 415, "unsupported_media_type");
        assert_string_equal(mime, "untouched");
        assert_string_equal(e.msg[TX_LANG_EN], "a photo must be a JPEG, PNG or WebP image");
    }
}

/* ---- photos_valid_hash and photos_path ---- */

static void test_path_takes_only_64_lowercase_hex_digits(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(photos_path("/srv/photos", ABC_HASH, out, sizeof out), 0);
    assert_string_equal(out, "/srv/photos/ba/" ABC_HASH);
    const char *bad[] = {
        "",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",   /* 63 */
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0", /* 65 */
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",  /* upper case */
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a/",
        "../../../../../../../../../../../../../../../../../../etc/passwd",
        ".tmp-abcdef",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(photos_valid_hash(bad[i]), 0);
        assert_int_equal(photos_path("/srv/photos", bad[i], out, sizeof out), -1);
    }
    assert_int_equal(photos_valid_hash(NULL), 0);
    assert_int_equal(photos_path("/srv/photos", NULL, out, sizeof out), -1);
    /* too small for the path: refused, not cut */
    assert_int_equal(photos_path("/srv/photos", ABC_HASH, out, 40), -1);
    assert_string_equal(out, "");
}

/* ---- photos_store and photos_read ---- */

static void test_store_names_the_file_by_sha256_under_its_first_two_digits(void **state)
{
    const char *dir = *state;
    char hash[PHOTOS_HASH_HEX + 1], path[512];
    tx_err e = {0};
    assert_int_equal(photos_store(dir, "abc", 3, hash, &e), 0);
    assert_string_equal(hash, ABC_HASH);
    snprintf(path, sizeof path, "%s/ba/%s", dir, ABC_HASH);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_size, 3);
    assert_int_equal(st.st_mode & 0777, 0640);

    char *data = NULL;
    size_t len = 0;
    assert_int_equal(photos_read(dir, hash, &data, &len, &e), 0);
    assert_int_equal(len, 3);
    assert_memory_equal(data, "abc", 3);
    free(data);
}

static void test_store_is_idempotent_and_leaves_no_temporary_files(void **state)
{
    const char *dir = *state;
    char h1[PHOTOS_HASH_HEX + 1], h2[PHOTOS_HASH_HEX + 1], path[512];
    tx_err e = {0};
    assert_int_equal(photos_store(dir, LIT(JPEG), h1, &e), 0);
    assert_int_equal(photos_path(dir, h1, path, sizeof path), 0);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    assert_int_equal(photos_store(dir, LIT(JPEG), h2, &e), 0);
    assert_string_equal(h1, h2);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino); /* left as it was, not rewritten */

    /* the subdirectory holds the photo alone */
    char sub[512];
    snprintf(sub, sizeof sub, "%s/%.2s", dir, h1);
    DIR *d = opendir(sub);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            assert_string_equal(de->d_name, h1);
            files++;
        }
    closedir(d);
    assert_int_equal(files, 1);
}

static void test_store_keeps_binary_bytes_exactly(void **state)
{
    const char *dir = *state;
    unsigned char bytes[4096];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(i * 7 + 3);
    char hash[PHOTOS_HASH_HEX + 1];
    tx_err e = {0};
    assert_int_equal(photos_store(dir, bytes, sizeof bytes, hash, &e), 0);
    assert_int_equal(photos_valid_hash(hash), 1);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(photos_read(dir, hash, &data, &len, &e), 0);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(data, bytes, sizeof bytes);
    free(data);
}

static void test_store_refuses_empty(void **state)
{
    const char *dir = *state;
    char hash[PHOTOS_HASH_HEX + 1];
    tx_err e = {0};
    assert_int_equal(photos_store(dir, "", 0, hash, &e), -1);
    assert_err(&e, 400, "empty_photo");
    assert_string_equal(hash, "");
}

static void test_store_io_failure_is_500_without_the_path(void **state)
{
    char missing[512], hash[PHOTOS_HASH_HEX + 1];
    snprintf(missing, sizeof missing, "%s/no/such/dir", (const char *)*state);
    tx_err e = {0};
    assert_int_equal(photos_store(missing, LIT(PNG), hash, &e), -1);
    assert_err(&e, 500, "internal");
    assert_null(strstr(e.msg[TX_LANG_EN], "/"));
    assert_null(strstr(e.msg[TX_LANG_ZH], "/"));
}

static void test_read_missing_or_invalid_hash_is_404(void **state)
{
    const char *dir = *state;
    char *data = (char *)"untouched";
    size_t len = 99;
    tx_err e = {0};
    assert_int_equal(photos_read(dir, ABC_HASH, &data, &len, &e), -1);
    assert_err(&e, 404, "not_found");
    assert_string_equal(e.msg[TX_LANG_EN], "no such photo");
    assert_null(data);
    assert_int_equal(len, 0);
    /* a name that is not a hash is no photo, whatever file it might name */
    char passwd[] = "../../../../../../../../../../../../../../../../../../etc/passwd";
    assert_int_equal(photos_read(dir, passwd, &data, &len, &e), -1);
    assert_err(&e, 404, "not_found");
    assert_int_equal(photos_read(dir, ".tmp-XXXXXX", &data, &len, &e), -1);
    assert_err(&e, 404, "not_found");
}

static void test_read_something_else_at_the_path_is_500(void **state)
{
    const char *dir = *state;
    char sub[512], path[512];
    snprintf(sub, sizeof sub, "%s/ba", dir);
    mkdir(sub, 0750);
    assert_int_equal(photos_path(dir, ABC_HASH, path, sizeof path), 0);
    assert_int_equal(mkdir(path, 0750), 0); /* a directory where the photo would be */
    char *data = NULL;
    size_t len = 0;
    tx_err e = {0};
    assert_int_equal(photos_read(dir, ABC_HASH, &data, &len, &e), -1);
    assert_err(&e, 500, "internal");
    assert_null(data);
    /* storing refuses to treat it as the photo */
    char hash[PHOTOS_HASH_HEX + 1];
    assert_int_equal(photos_store(dir, "abc", 3, hash, &e), -1);
    assert_err(&e, 500, "internal");
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_accepts_jpeg_png_webp_by_their_bytes),
        cmocka_unit_test(test_check_refuses_empty_with_400),
        cmocka_unit_test(test_check_refuses_too_large_with_413_naming_the_limit),
        cmocka_unit_test(test_check_refuses_other_types_with_415_naming_the_accepted),
        cmocka_unit_test(test_path_takes_only_64_lowercase_hex_digits),
        DIR_TEST(test_store_names_the_file_by_sha256_under_its_first_two_digits),
        DIR_TEST(test_store_is_idempotent_and_leaves_no_temporary_files),
        DIR_TEST(test_store_keeps_binary_bytes_exactly),
        DIR_TEST(test_store_refuses_empty),
        DIR_TEST(test_store_io_failure_is_500_without_the_path),
        DIR_TEST(test_read_missing_or_invalid_hash_is_404),
        DIR_TEST(test_read_something_else_at_the_path_is_500),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
