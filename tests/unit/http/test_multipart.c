/* Unit tests for src/http/multipart.c: the boundary of a Content-Type, and
 * multipart/form-data bodies, well-formed and every way of being malformed.
 * Bodies are parsed from exact-size heap copies so that the sanitizer build
 * catches any read past their end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/multipart.h"

#define B "XyZ-b0und4ry"
#define LIT(s) (s), (sizeof(s) - 1)
#define FIELD(name, value) "--" B "\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\n" value "\r\n"
#define CLOSE "--" B "--\r\n"

typedef struct {
    char *buf;
    http_multipart_part parts[8];
    int n, rc;
    tx_err err;
} parsed;

/* Parse body (len bytes) with boundary b into at most max parts. */
static void parse_with(parsed *r, const char *b, const char *body, size_t len, int max)
{
    memset(r, 0, sizeof *r);
    r->buf = malloc(len ? len : 1);
    memcpy(r->buf, body, len);
    assert_true(max <= 8);
    r->rc = http_multipart_parse(r->buf, len, b, r->parts, max, &r->n, &r->err);
}

static void parse(parsed *r, const char *body, size_t len)
{
    parse_with(r, B, body, len, 8);
}

static void done(parsed *r)
{
    free(r->buf);
    r->buf = NULL;
}

static void assert_data(const http_multipart_part *p, const char *data, size_t len)
{
    assert_int_equal(p->len, len);
    assert_memory_equal(p->data, data, len);
}

/* The body is refused with a 400 on "body" whose English text contains en. */
static void assert_refused(const char *body, size_t len, int max, const char *en)
{
    parsed r;
    parse_with(&r, B, body, len, max);
    if (r.rc != -1)
        fail_msg("accepted (%d parts), expected '%s'", r.n, en);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.err.status, 400);
    assert_string_equal(r.err.code, "malformed_multipart");
    assert_string_equal(r.err.field, "body");
    assert_true(strlen(r.err.msg[TX_LANG_ZH]) > 0);
    if (strstr(r.err.msg[TX_LANG_EN], en) == NULL)
        fail_msg("message '%s' does not say '%s'", r.err.msg[TX_LANG_EN], en);
    done(&r);
}

#define REFUSED(lit, en) assert_refused(LIT(lit), 8, (en))

/* ---- http_multipart_boundary ---- */

static int boundary_of(const char *ct, char out[HTTP_MULTIPART_BOUNDARY_MAX + 1])
{
    size_t n = strlen(ct);
    char *copy = malloc(n ? n : 1); /* not NUL-terminated, as in a header */
    memcpy(copy, ct, n);
    int rc = http_multipart_boundary(copy, n, out, HTTP_MULTIPART_BOUNDARY_MAX + 1);
    free(copy);
    return rc;
}

static void test_boundary_token_and_quoted(void **state)
{
    (void)state;
    char b[HTTP_MULTIPART_BOUNDARY_MAX + 1];
    assert_int_equal(boundary_of("multipart/form-data; boundary=abc123", b), 0);
    assert_string_equal(b, "abc123");
    assert_int_equal(boundary_of("multipart/form-data; boundary=\"----WebKitFormBoundary7MA4YWxk\"", b), 0);
    assert_string_equal(b, "----WebKitFormBoundary7MA4YWxk");
    /* quoting lets a boundary hold the bchars that are not token chars */
    assert_int_equal(boundary_of("multipart/form-data; boundary=\"a b:c/d=e?f(g),h\"", b), 0);
    assert_string_equal(b, "a b:c/d=e?f(g),h");
    assert_int_equal(boundary_of("multipart/form-data; boundary=\"a\\bc\"", b), 0); /* quoted-pair */
    assert_string_equal(b, "abc");
}

static void test_boundary_case_whitespace_and_other_parameters(void **state)
{
    (void)state;
    char b[HTTP_MULTIPART_BOUNDARY_MAX + 1];
    assert_int_equal(boundary_of("Multipart/Form-Data;BOUNDARY=xyz", b), 0);
    assert_string_equal(b, "xyz");
    assert_int_equal(boundary_of("multipart/form-data ; charset=utf-8;\tboundary=xyz ;", b), 0);
    assert_string_equal(b, "xyz");
    assert_int_equal(boundary_of("multipart/form-data; boundary=xyz; charset=\"utf-8\"", b), 0);
    assert_string_equal(b, "xyz");
}

static void test_boundary_of_70_characters_is_the_longest(void **state)
{
    (void)state;
    char b[HTTP_MULTIPART_BOUNDARY_MAX + 1], ct[128];
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%070d", 7);
    assert_int_equal(boundary_of(ct, b), 0);
    assert_int_equal(strlen(b), 70);
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%071d", 7);
    assert_int_equal(boundary_of(ct, b), -1);
    assert_string_equal(b, "");
}

static void test_boundary_refused(void **state)
{
    (void)state;
    char b[HTTP_MULTIPART_BOUNDARY_MAX + 1];
    const char *bad[] = {
        "",
        "application/json",
        "multipart/mixed; boundary=abc",
        "multipart/form-data",
        "multipart/form-data;",
        "multipart/form-datax; boundary=abc",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"abc",              /* unterminated */
        "multipart/form-data; boundary=\"abc\\",            /* escape at the end */
        "multipart/form-data; boundary=ab!c",               /* ! is a token char, not a bchar */
        "multipart/form-data; boundary=\"abc \"",           /* may not end with a space */
        "multipart/form-data; boundary=\"a\tb\"",           /* tab is not a bchar */
        "multipart/form-data; boundary=abc def",            /* junk after the value */
        "multipart/form-data; boundary = abc",              /* no space around = */
        "multipart/form-data; boundary=abc; boundary=abc",  /* twice */
        "multipart/form-data; =abc",
        "multipart/form-data; boundary",
        "multipart/form-data boundary=abc",
        "multipart/; boundary=abc",
        "/form-data; boundary=abc",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (boundary_of(bad[i], b) != -1)
            fail_msg("accepted: %s", bad[i]);
        assert_string_equal(b, "");
    }
    /* a control character inside a quoted value */
    assert_int_equal(http_multipart_boundary(LIT("multipart/form-data; boundary=\"a\0b\""), b, sizeof b), -1);
    /* an output buffer too small for the longest boundary */
    char small[16];
    assert_int_equal(http_multipart_boundary(LIT("multipart/form-data; boundary=abc"), small, sizeof small), -1);
    assert_int_equal(http_multipart_boundary(NULL, 0, b, sizeof b), -1);
}

/* ---- good bodies ---- */

static void test_one_field(void **state)
{
    (void)state;
    parsed r;
    parse(&r, LIT(FIELD("title", "路灯不亮") CLOSE));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.parts[0].name, "title");
    assert_int_equal(r.parts[0].has_filename, 0);
    assert_string_equal(r.parts[0].filename, "");
    assert_string_equal(r.parts[0].content_type, "text/plain");
    assert_data(&r.parts[0], LIT("路灯不亮"));
    /* the data points into the body: nothing was copied */
    assert_true(r.parts[0].data > r.buf && r.parts[0].data < r.buf + sizeof(FIELD("title", "路灯不亮") CLOSE));
    done(&r);
}

static void test_file_and_fields(void **state)
{
    (void)state;
    static const char body[] = FIELD("description", "井盖丢失\r\n第二行")
        "--" B "\r\n"
        "Content-Disposition: form-data; name=\"photo\"; filename=\"IMG_0001.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n"
        "\r\n"
        "\xff\xd8\xff\xe0JFIF\r\n"
        "--" B "\r\n"
        "content-disposition: FORM-DATA; NAME=lat\r\n"
        "\r\n"
        "22.78\r\n" CLOSE;
    parsed r;
    parse(&r, LIT(body));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.parts[0].name, "description");
    assert_data(&r.parts[0], LIT("井盖丢失\r\n第二行"));
    assert_string_equal(r.parts[1].name, "photo");
    assert_int_equal(r.parts[1].has_filename, 1);
    assert_string_equal(r.parts[1].filename, "IMG_0001.jpg");
    assert_string_equal(r.parts[1].content_type, "image/jpeg");
    assert_data(&r.parts[1], LIT("\xff\xd8\xff\xe0JFIF"));
    assert_string_equal(r.parts[2].name, "lat"); /* a token value, header names in any case */
    assert_data(&r.parts[2], LIT("22.78"));
    done(&r);
}

static void test_quoted_boundary_body(void **state)
{
    (void)state;
    char b[HTTP_MULTIPART_BOUNDARY_MAX + 1];
    assert_int_equal(boundary_of("multipart/form-data; boundary=\"my boundary:1\"", b), 0);
    static const char body[] = "--my boundary:1\r\n"
                               "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
                               "x\r\n"
                               "--my boundary:1--";
    parsed r;
    parse_with(&r, b, LIT(body), 4);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_data(&r.parts[0], LIT("x"));
    done(&r);
}

static void test_binary_data_with_crlf_dashes_and_nuls(void **state)
{
    (void)state;
    /* CR LF, "--", a NUL, a bare CR, "\r\n--" followed by something other
     * than the boundary, the boundary not at a line start, and data ending
     * with CR LF: all of it is data. */
    static const char data[] = "\r\n--\0\r\r\n--XyZ-other\r\nx--" B "\r\n-\r\n";
    static const char body[] = "--" B "\r\n"
                               "Content-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
                               "Content-Type: application/octet-stream\r\n\r\n"
                               "\r\n--\0\r\r\n--XyZ-other\r\nx--" B "\r\n-\r\n"
                               "\r\n" CLOSE;
    parsed r;
    parse(&r, LIT(body));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_data(&r.parts[0], LIT(data));
    done(&r);
}

static void test_empty_values_and_empty_filename(void **state)
{
    (void)state;
    static const char body[] = FIELD("a", "") "--" B "\r\n"
                               "Content-Disposition: form-data; name=\"photo\"; filename=\"\"\r\n"
                               "Content-Type: application/octet-stream\r\n\r\n"
                               "\r\n" CLOSE;
    parsed r;
    parse(&r, LIT(body));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.parts[0].len, 0);
    /* a file input left empty: filename="" and no data */
    assert_int_equal(r.parts[1].has_filename, 1);
    assert_string_equal(r.parts[1].filename, "");
    assert_int_equal(r.parts[1].len, 0);
    done(&r);
}

static void test_preamble_epilogue_and_padding(void **state)
{
    (void)state;
    /* A preamble, transport padding after a boundary, and an epilogue that
     * looks like another part: the epilogue is ignored (RFC 2046). */
    static const char body[] = "This is the preamble.\r\n--not it\r\n"
                               "--" B " \t\r\n"
                               "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
                               "1\r\n"
                               "--" B "--  \r\nepilogue\r\n" FIELD("b", "2") CLOSE;
    parsed r;
    parse(&r, LIT(body));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.parts[0].name, "a");
    assert_data(&r.parts[0], LIT("1"));
    done(&r);

    /* the closing boundary may end the body, without CRLF */
    parse(&r, LIT(FIELD("a", "1") "--" B "--"));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    done(&r);
}

static void test_headers_other_than_the_three_are_ignored(void **state)
{
    (void)state;
    static const char body[] = "--" B "\r\n"
                               "X-Whatever:  anything (goes) \"here\r\n"
                               "Content-Transfer-Encoding: binary\r\n"
                               "Content-Type:text/plain; charset=\"utf-8\"\r\n"
                               "Content-Disposition:form-data;name=\"note\" ; filename=\"C:\\\\dir\\\\a \\\"b\\\".txt\";filename*=UTF-8''x\r\n"
                               "\r\n"
                               "hi\r\n" CLOSE;
    parsed r;
    parse(&r, LIT(body));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.parts[0].name, "note");
    assert_string_equal(r.parts[0].filename, "C:\\dir\\a \"b\".txt");
    assert_string_equal(r.parts[0].content_type, "text/plain; charset=\"utf-8\"");
    done(&r);
}

static void test_utf8_names_and_limits(void **state)
{
    (void)state;
    char body[2048], name[HTTP_MULTIPART_NAME_MAX + 1], filename[HTTP_MULTIPART_FILENAME_MAX + 1];
    memset(name, 'n', HTTP_MULTIPART_NAME_MAX);
    name[HTTP_MULTIPART_NAME_MAX] = '\0';
    memset(filename, 'f', HTTP_MULTIPART_FILENAME_MAX);
    filename[HTTP_MULTIPART_FILENAME_MAX] = '\0';
    int len = snprintf(body, sizeof body,
                       "--" B "\r\nContent-Disposition: form-data; name=\"描述\"\r\n\r\nx\r\n"
                       "--" B "\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n\r\ny\r\n" CLOSE,
                       name, filename);
    parsed r;
    parse(&r, body, (size_t)len);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.parts[0].name, "描述");
    assert_string_equal(r.parts[1].name, name);
    assert_string_equal(r.parts[1].filename, filename);
    done(&r);
}

static void test_exactly_max_parts(void **state)
{
    (void)state;
    parsed r;
    parse_with(&r, B, LIT(FIELD("a", "1") FIELD("b", "2") CLOSE), 2);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 2);
    done(&r);
}

static void test_header_line_and_count_limits_are_inclusive(void **state)
{
    (void)state;
    char body[HTTP_MULTIPART_LINE_MAX * 2];
    /* a header line of exactly the limit */
    int pad = HTTP_MULTIPART_LINE_MAX - (int)strlen("X-Pad: ");
    int len = snprintf(body, sizeof body,
                       "--" B "\r\nX-Pad: %0*d\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n" CLOSE, pad, 0);
    parsed r;
    parse(&r, body, (size_t)len);
    assert_int_equal(r.rc, 0);
    done(&r);
    /* exactly the maximum number of header lines */
    len = snprintf(body, sizeof body, "--" B "\r\n");
    for (int i = 0; i < HTTP_MULTIPART_HEADERS_MAX - 1; i++)
        len += snprintf(body + len, sizeof body - (size_t)len, "X-%d: y\r\n", i);
    len += snprintf(body + len, sizeof body - (size_t)len,
                    "Content-Disposition: form-data; name=a\r\n\r\nx\r\n" CLOSE);
    parse(&r, body, (size_t)len);
    assert_int_equal(r.rc, 0);
    done(&r);
}

/* ---- malformed bodies ---- */

static void test_refused_without_boundary_line(void **state)
{
    (void)state;
    REFUSED("", "no boundary line");
    REFUSED("hello", "no boundary line");
    REFUSED("--other\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--other--", "no boundary line");
    /* LF line ends instead of CRLF: the first line is not a boundary line */
    REFUSED("--" B "\nContent-Disposition: form-data; name=a\n\nx\n--" B "--\n", "unexpected text after the boundary");
    REFUSED("preamble\n--" B "\r\n", "no boundary line");
}

static void test_refused_without_closing_boundary(void **state)
{
    (void)state;
    REFUSED(FIELD("a", "1"), "part 1: the body ends without the closing boundary");
    REFUSED("--" B "\r\nContent-Disposition: form-data; name=a\r\n\r\nno end", "without the closing boundary");
    REFUSED(FIELD("a", "1") "--" B, "part 2: the body ends without the closing boundary");
    REFUSED(FIELD("a", "1") "--" B "-", "part 2: the body ends without the closing boundary");
    REFUSED(FIELD("a", "1") "--" B "  \r", "without the closing boundary");
    REFUSED("--" B, "part 1: the body ends without the closing boundary");
}

static void test_refused_when_no_parts(void **state)
{
    (void)state;
    REFUSED(CLOSE, "no part before the closing boundary");
    REFUSED("preamble\r\n" CLOSE, "no part before the closing boundary");
}

static void test_refused_text_after_boundary(void **state)
{
    (void)state;
    REFUSED("--" B "x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n" CLOSE, "unexpected text after the boundary");
    /* the boundary as the prefix of a line inside the data ends it there */
    REFUSED(FIELD("a", "1\r\n--" B "tail") CLOSE, "part 2: unexpected text after the boundary");
}

static void test_refused_headers_not_ended(void **state)
{
    (void)state;
    REFUSED("--" B "\r\nContent-Disposition: form-data; name=a\r\n", "the body ends inside the part's headers");
    REFUSED("--" B "\r\nContent-Disposition: form-data; name=a", "the body ends inside the part's headers");
    REFUSED("--" B "\r\n", "the body ends inside the part's headers");
}

static void test_refused_without_content_disposition(void **state)
{
    (void)state;
    REFUSED("--" B "\r\nContent-Type: text/plain\r\n\r\nx\r\n" CLOSE, "part 1: no Content-Disposition header");
    REFUSED("--" B "\r\n\r\nx\r\n" CLOSE, "part 1: no Content-Disposition header");
    REFUSED(FIELD("a", "1") "--" B "\r\n\r\nx\r\n" CLOSE, "part 2: no Content-Disposition header");
}

static void test_refused_bad_content_disposition(void **state)
{
    (void)state;
#define CD(v) "--" B "\r\nContent-Disposition: " v "\r\n\r\nx\r\n" CLOSE
    REFUSED(CD("attachment; name=a"), "must be form-data");
    REFUSED(CD("; name=a"), "must be form-data");
    REFUSED(CD("form-data"), "has no name");
    REFUSED(CD("form-data; filename=a.jpg"), "has no name");
    REFUSED(CD("form-data; name=\"\""), "the field name is empty");
    REFUSED(CD("form-data; name=a; name=b"), "has two names");
    REFUSED(CD("form-data; name=a; filename=x; filename=y"), "has two filenames");
    REFUSED(CD("form-data; name=\"a"), "malformed Content-Disposition");
    REFUSED(CD("form-data; name"), "malformed Content-Disposition");
    REFUSED(CD("form-data; name=a b"), "malformed Content-Disposition");
    REFUSED(CD("form-data name=a"), "malformed Content-Disposition");
    REFUSED(CD("form-data; name=\"\xff\xfe\""), "the field name is not valid UTF-8");
    REFUSED(CD("form-data; name=a; filename=\"\xe4\xb8\""), "the filename is not valid UTF-8");
    REFUSED("--" B "\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\nx\r\n" CLOSE,
            "Content-Disposition is repeated");
#undef CD
    char body[1024], longname[HTTP_MULTIPART_FILENAME_MAX + 2];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    int len = snprintf(body, sizeof body, "--" B "\r\nContent-Disposition: form-data; name=\"%.*s\"\r\n\r\nx\r\n" CLOSE,
                       HTTP_MULTIPART_NAME_MAX + 1, longname);
    assert_refused(body, (size_t)len, 8, "the field name is longer than 100 bytes");
    len = snprintf(body, sizeof body, "--" B "\r\nContent-Disposition: form-data; name=a; filename=\"%s\"\r\n\r\nx\r\n" CLOSE,
                   longname);
    assert_refused(body, (size_t)len, 8, "the filename is longer than 255 bytes");
}

static void test_refused_bad_header_syntax(void **state)
{
    (void)state;
#define H(h) "--" B "\r\n" h "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n" CLOSE
    REFUSED(H("no colon here"), "part 1: malformed header line");
    REFUSED(H("Content-Type : text/plain"), "malformed header line");
    REFUSED(H(": empty name"), "malformed header line");
    REFUSED(H("X-A: 1\r\n  folded"), "malformed header line");
    REFUSED(H("X-A: bare\nLF"), "a header contains control characters");
    REFUSED(H("X-A: bare\rCR"), "a header contains control characters");
    REFUSED(H("X-A: del\x7f"), "a header contains control characters");
    assert_refused(LIT(H("X-A: nul\0")), 8, "a header contains control characters");
#undef H
}

static void test_refused_bad_content_type(void **state)
{
    (void)state;
#define CT(v) "--" B "\r\nContent-Disposition: form-data; name=a\r\nContent-Type: " v "\r\n\r\nx\r\n" CLOSE
    REFUSED(CT(""), "malformed Content-Type");
    REFUSED(CT("image"), "malformed Content-Type");
    REFUSED(CT("image/"), "malformed Content-Type");
    REFUSED(CT("image/jpeg junk"), "malformed Content-Type");
    REFUSED(CT("image/jpeg; q"), "malformed Content-Type");
    REFUSED(CT("text/plain; charset=\"\xff\""), "malformed Content-Type");
    REFUSED(CT("image/jpeg; a=1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345"),
            "the Content-Type is longer than 127 bytes");
    REFUSED("--" B "\r\nContent-Type: image/png\r\nContent-Disposition: form-data; name=a\r\nContent-Type: image/png\r\n\r\nx\r\n" CLOSE,
            "Content-Type is repeated");
#undef CT
}

static void test_refused_encoded_parts(void **state)
{
    (void)state;
#define CTE(v) "--" B "\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: " v "\r\n\r\nx\r\n" CLOSE
    REFUSED(CTE("base64"), "unsupported Content-Transfer-Encoding");
    REFUSED(CTE("quoted-printable"), "unsupported Content-Transfer-Encoding");
    REFUSED("--" B "\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: binary\r\n"
            "Content-Transfer-Encoding: binary\r\n\r\nx\r\n" CLOSE,
            "Content-Transfer-Encoding is repeated");
#undef CTE
}

static void test_refused_header_limits(void **state)
{
    (void)state;
    char body[HTTP_MULTIPART_LINE_MAX * 2];
    int pad = HTTP_MULTIPART_LINE_MAX + 1 - (int)strlen("X-Pad: ");
    int len = snprintf(body, sizeof body,
                       "--" B "\r\nX-Pad: %0*d\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n" CLOSE, pad, 0);
    assert_refused(body, (size_t)len, 8, "part 1: a header line is longer than 1024 bytes");
    len = snprintf(body, sizeof body, "--" B "\r\n");
    for (int i = 0; i < HTTP_MULTIPART_HEADERS_MAX; i++)
        len += snprintf(body + len, sizeof body - (size_t)len, "X-%d: y\r\n", i);
    len += snprintf(body + len, sizeof body - (size_t)len, "Content-Disposition: form-data; name=a\r\n\r\nx\r\n" CLOSE);
    assert_refused(body, (size_t)len, 8, "more than 16 header lines");
}

static void test_refused_too_many_parts(void **state)
{
    (void)state;
    assert_refused(LIT(FIELD("a", "1") FIELD("b", "2") FIELD("c", "3") CLOSE), 2, "more than 2 parts");
    assert_refused(LIT(FIELD("a", "1") CLOSE), 0, "more than 0 parts");
}

static void test_refused_bad_boundary_argument(void **state)
{
    (void)state;
    static const char body[] = FIELD("a", "1") CLOSE;
    const char *bad[] = {NULL, "", "bad!char", "ends with space ",
                         "12345678901234567890123456789012345678901234567890123456789012345678901"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parsed r;
        parse_with(&r, bad[i], LIT(body), 8);
        assert_int_equal(r.rc, -1);
        assert_int_equal(r.err.status, 400);
        assert_string_equal(r.err.msg[TX_LANG_EN], "malformed multipart/form-data body: invalid boundary");
        done(&r);
    }
}

static void test_messages_in_both_languages(void **state)
{
    (void)state;
    parsed r;
    parse(&r, LIT(FIELD("a", "1") "--" B "\r\n\r\nx\r\n" CLOSE));
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.err.msg[TX_LANG_EN], "malformed multipart/form-data body: part 2: no Content-Disposition header");
    assert_string_equal(r.err.msg[TX_LANG_ZH], "multipart/form-data 请求体格式错误：第 2 部分：缺少 Content-Disposition 头");
    done(&r);
}

/* ---- robustness: every prefix and every one-byte change ---- */

static void test_every_truncation_is_refused_or_parsed_within_bounds(void **state)
{
    (void)state;
    static const char body[] = "pre\r\n" FIELD("a", "1") "--" B "\r\n"
                               "Content-Disposition: form-data; name=\"p\"; filename=\"x.png\"\r\n"
                               "Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n" CLOSE;
    size_t full = sizeof body - 1, close_at = full - strlen(CLOSE) + strlen("--" B "--");
    for (size_t len = 0; len <= full; len++) {
        parsed r;
        parse(&r, body, len);
        if (len >= close_at) {
            assert_int_equal(r.rc, 0);
            assert_int_equal(r.n, 2);
        } else {
            assert_int_equal(r.rc, -1);
        }
        for (int i = 0; i < r.n; i++)
            assert_true(r.parts[i].data >= r.buf && r.parts[i].data + r.parts[i].len <= r.buf + len);
        done(&r);
    }
}

static void test_every_byte_changed_stays_within_bounds(void **state)
{
    (void)state;
    static const char body[] = FIELD("a", "1") "--" B "\r\n"
                               "Content-Disposition: form-data; name=\"p\"; filename=\"x.png\"\r\n"
                               "Content-Type: image/png; x=\"y\"\r\n\r\n\x89PNG\r\n\r\n" CLOSE;
    static const unsigned char subs[] = {0, '\r', '\n', '-', '"', ';', ':', '\\', ' ', 0xff, 'x'};
    size_t len = sizeof body - 1;
    char *copy = malloc(len);
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < sizeof subs; k++) {
            memcpy(copy, body, len);
            copy[i] = (char)subs[k];
            parsed r;
            parse(&r, copy, len);
            assert_true(r.rc == 0 || r.rc == -1);
            assert_true(r.rc == 0 ? r.n >= 1 : r.n == 0);
            for (int j = 0; j < r.n; j++) {
                assert_true(r.parts[j].data >= r.buf && r.parts[j].data + r.parts[j].len <= r.buf + len);
                assert_true(strlen(r.parts[j].name) > 0);
                assert_true(strlen(r.parts[j].content_type) > 0);
            }
            done(&r);
        }
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary_token_and_quoted),
        cmocka_unit_test(test_boundary_case_whitespace_and_other_parameters),
        cmocka_unit_test(test_boundary_of_70_characters_is_the_longest),
        cmocka_unit_test(test_boundary_refused),
        cmocka_unit_test(test_one_field),
        cmocka_unit_test(test_file_and_fields),
        cmocka_unit_test(test_quoted_boundary_body),
        cmocka_unit_test(test_binary_data_with_crlf_dashes_and_nuls),
        cmocka_unit_test(test_empty_values_and_empty_filename),
        cmocka_unit_test(test_preamble_epilogue_and_padding),
        cmocka_unit_test(test_headers_other_than_the_three_are_ignored),
        cmocka_unit_test(test_utf8_names_and_limits),
        cmocka_unit_test(test_exactly_max_parts),
        cmocka_unit_test(test_header_line_and_count_limits_are_inclusive),
        cmocka_unit_test(test_refused_without_boundary_line),
        cmocka_unit_test(test_refused_without_closing_boundary),
        cmocka_unit_test(test_refused_when_no_parts),
        cmocka_unit_test(test_refused_text_after_boundary),
        cmocka_unit_test(test_refused_headers_not_ended),
        cmocka_unit_test(test_refused_without_content_disposition),
        cmocka_unit_test(test_refused_bad_content_disposition),
        cmocka_unit_test(test_refused_bad_header_syntax),
        cmocka_unit_test(test_refused_bad_content_type),
        cmocka_unit_test(test_refused_encoded_parts),
        cmocka_unit_test(test_refused_header_limits),
        cmocka_unit_test(test_refused_too_many_parts),
        cmocka_unit_test(test_refused_bad_boundary_argument),
        cmocka_unit_test(test_messages_in_both_languages),
        cmocka_unit_test(test_every_truncation_is_refused_or_parsed_within_bounds),
        cmocka_unit_test(test_every_byte_changed_stays_within_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
