/* multipart: multipart/form-data bodies (see multipart.h).
 *
 * The grammar (RFC 2046 §5.1.1), with "--" boundary written dash-boundary:
 *   body      = [preamble CRLF] dash-boundary padding CRLF part
 *               *(CRLF dash-boundary padding CRLF part)
 *               CRLF dash-boundary "--" [epilogue]
 *   part      = *(header CRLF) CRLF data
 * The boundary may not occur in any part, so the data of a part ends at the
 * first CRLF "--" boundary after its headers; a boundary line followed by
 * anything but padding and CRLF (or "--") is an error, not data. Every scan
 * is a memmem / index loop over an explicit length: the body is not
 * NUL-terminated and may hold NULs. */
#define _GNU_SOURCE
#include "http/multipart.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

/* ---- header value syntax (RFC 9110 §5.6) ---- */

static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Characters RFC 2046 allows in a boundary (bchars). */
static int is_bchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

/* Control characters have no place in a header value (HTAB aside). */
static int is_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int valid_boundary(const char *b, size_t n)
{
    if (b == NULL || n == 0 || n > HTTP_MULTIPART_BOUNDARY_MAX || b[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_bchar((unsigned char)b[i]))
            return 0;
    return 1;
}

/* A cursor over a header value of known length. */
typedef struct {
    const char *s;
    size_t len, i;
} scan;

static void skip_ows(scan *sc)
{
    while (sc->i < sc->len && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t'))
        sc->i++;
}

/* A token at the cursor: its length (0 when there is none). */
static size_t take_token(scan *sc, const char **t)
{
    *t = sc->s + sc->i;
    size_t start = sc->i;
    while (sc->i < sc->len && is_tchar((unsigned char)sc->s[sc->i]))
        sc->i++;
    return sc->i - start;
}

/* A parameter value, token or quoted-string, unquoted into out (outsz
 * bytes with the terminator). -1 when malformed or too long for out. */
static int take_value(scan *sc, char *out, size_t outsz, size_t *outlen)
{
    size_t o = 0;
    if (sc->i < sc->len && sc->s[sc->i] == '"') {
        sc->i++;
        for (;;) {
            if (sc->i >= sc->len)
                return -1; /* unterminated */
            unsigned char c = (unsigned char)sc->s[sc->i++];
            if (c == '"')
                break;
            if (c == '\\') { /* quoted-pair */
                if (sc->i >= sc->len)
                    return -1;
                c = (unsigned char)sc->s[sc->i++];
            }
            if (is_ctl(c) || o + 1 >= outsz)
                return -1;
            out[o++] = (char)c;
        }
    } else {
        const char *t;
        o = take_token(sc, &t);
        if (o == 0 || o + 1 > outsz)
            return -1;
        memcpy(out, t, o);
    }
    out[o] = '\0';
    *outlen = o;
    return 0;
}

/* The next `OWS ";" OWS name "=" value` of a header value; empty parameters
 * (";;", a trailing ";") are skipped as RFC 9110 allows. Returns 1 with the
 * parameter, 0 at the end of the value, -1 when malformed. */
static int next_param(scan *sc, const char **name, size_t *nlen, char *val, size_t valsz, size_t *vlen)
{
    for (;;) {
        skip_ows(sc);
        if (sc->i == sc->len)
            return 0;
        if (sc->s[sc->i] != ';')
            return -1;
        sc->i++;
        skip_ows(sc);
        if (sc->i == sc->len)
            return 0;
        if (sc->s[sc->i] == ';')
            continue;
        *nlen = take_token(sc, name);
        if (*nlen == 0 || sc->i >= sc->len || sc->s[sc->i] != '=')
            return -1;
        sc->i++;
        return take_value(sc, val, valsz, vlen) ? -1 : 1;
    }
}

static int token_is(const char *t, size_t n, const char *lit)
{
    return n == strlen(lit) && strncasecmp(t, lit, n) == 0;
}

/* `type "/" subtype` at the cursor. */
static int take_media_type(scan *sc, const char **type, size_t *tlen, const char **sub, size_t *slen)
{
    skip_ows(sc);
    *tlen = take_token(sc, type);
    if (*tlen == 0 || sc->i >= sc->len || sc->s[sc->i] != '/')
        return -1;
    sc->i++;
    *slen = take_token(sc, sub);
    return *slen == 0 ? -1 : 0;
}

int http_multipart_boundary(const char *content_type, size_t len, char *out, size_t outsz)
{
    if (content_type == NULL || out == NULL || outsz < HTTP_MULTIPART_BOUNDARY_MAX + 1)
        return -1;
    out[0] = '\0';
    scan sc = {content_type, len, 0};
    const char *type, *sub, *pname;
    size_t tlen, slen, plen, vlen;
    if (take_media_type(&sc, &type, &tlen, &sub, &slen) || !token_is(type, tlen, "multipart") ||
        !token_is(sub, slen, "form-data"))
        return -1;
    char val[HTTP_MULTIPART_LINE_MAX + 1];
    int rc, found = 0;
    while ((rc = next_param(&sc, &pname, &plen, val, sizeof val, &vlen)) == 1) {
        if (!token_is(pname, plen, "boundary"))
            continue;
        /* Two boundaries: which one the sender meant is a guess. */
        if (found || !valid_boundary(val, vlen)) {
            rc = -1;
            break;
        }
        memcpy(out, val, vlen + 1);
        found = 1;
    }
    if (rc < 0 || !found) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

/* ---- the body ---- */

/* Set the 400 for part (1-based; 0 for the body as a whole). */
static int fail(tx_err *err, int part, const char *zh, const char *en)
{
    char z[256], e[256];
    if (part > 0) {
        snprintf(z, sizeof z, "第 %d 部分：%s", part, zh);
        snprintf(e, sizeof e, "part %d: %s", part, en);
        zh = z;
        en = e;
    }
    return tx_err_set_reason(err, 400, "malformed_multipart", "body", M_MULTIPART, 0, 0, NULL, zh, en);
}

/* A name or filename parameter into out (outmax bytes of text). */
static int copy_param(const char *val, size_t vlen, char *out, size_t outmax, int part, const char *what_zh,
                      const char *what_en, tx_err *err)
{
    char z[128], e[128];
    if (vlen > outmax) {
        snprintf(z, sizeof z, "%s超过 %zu 字节", what_zh, outmax);
        snprintf(e, sizeof e, "the %s is longer than %zu bytes", what_en, outmax);
        return fail(err, part, z, e);
    }
    if (!tx_utf8_valid(val, vlen)) {
        snprintf(z, sizeof z, "%s不是有效的 UTF-8 文本", what_zh);
        snprintf(e, sizeof e, "the %s is not valid UTF-8", what_en);
        return fail(err, part, z, e);
    }
    memcpy(out, val, vlen);
    out[vlen] = '\0';
    return 0;
}

/* Content-Disposition: form-data; name="..."[; filename="..."]. */
static int read_disposition(const char *v, size_t vl, http_multipart_part *pt, int part, tx_err *err)
{
    scan sc = {v, vl, 0};
    const char *t;
    size_t tl = take_token(&sc, &t);
    if (!token_is(t, tl, "form-data"))
        return fail(err, part, "Content-Disposition 必须是 form-data", "Content-Disposition must be form-data");
    char val[HTTP_MULTIPART_LINE_MAX + 1];
    const char *pname;
    size_t plen, vlen;
    int rc, have_name = 0;
    while ((rc = next_param(&sc, &pname, &plen, val, sizeof val, &vlen)) == 1) {
        if (token_is(pname, plen, "name")) {
            if (have_name)
                return fail(err, part, "Content-Disposition 有两个 name", "Content-Disposition has two names");
            if (vlen == 0)
                return fail(err, part, "字段名为空", "the field name is empty");
            if (copy_param(val, vlen, pt->name, HTTP_MULTIPART_NAME_MAX, part, "字段名", "field name", err))
                return -1;
            have_name = 1;
        } else if (token_is(pname, plen, "filename")) {
            if (pt->has_filename)
                return fail(err, part, "Content-Disposition 有两个 filename",
                            "Content-Disposition has two filenames");
            if (copy_param(val, vlen, pt->filename, HTTP_MULTIPART_FILENAME_MAX, part, "文件名", "filename", err))
                return -1;
            pt->has_filename = 1;
        }
        /* Other parameters (filename*, which RFC 7578 §4.2 says not to
         * send) are ignored. */
    }
    if (rc < 0)
        return fail(err, part, "Content-Disposition 格式错误", "malformed Content-Disposition");
    if (!have_name)
        return fail(err, part, "Content-Disposition 缺少 name", "Content-Disposition has no name");
    return 0;
}

/* Content-Type: type/subtype *(; param), kept as sent. */
static int read_type(const char *v, size_t vl, http_multipart_part *pt, int part, tx_err *err)
{
    scan sc = {v, vl, 0};
    const char *type, *sub, *pname;
    size_t tlen, slen, plen, vlen;
    char val[HTTP_MULTIPART_LINE_MAX + 1];
    int rc = take_media_type(&sc, &type, &tlen, &sub, &slen);
    while (rc == 0 && (rc = next_param(&sc, &pname, &plen, val, sizeof val, &vlen)) == 1)
        rc = 0;
    if (rc < 0 || !tx_utf8_valid(v, vl))
        return fail(err, part, "Content-Type 格式错误", "malformed Content-Type");
    if (vl > HTTP_MULTIPART_TYPE_MAX) {
        char z[96], e[96];
        snprintf(z, sizeof z, "Content-Type 超过 %d 字节", HTTP_MULTIPART_TYPE_MAX);
        snprintf(e, sizeof e, "the Content-Type is longer than %d bytes", HTTP_MULTIPART_TYPE_MAX);
        return fail(err, part, z, e);
    }
    memcpy(pt->content_type, v, vl);
    pt->content_type[vl] = '\0';
    return 0;
}

typedef struct {
    int disposition, type, encoding;
} seen_headers;

/* One header line s[0..n) (without its CRLF). */
static int read_header(const char *s, size_t n, http_multipart_part *pt, seen_headers *seen, int part, tx_err *err)
{
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)s[i]))
        i++;
    /* No space before the colon, and no folded continuation lines
     * (a line starting with a space): both are refused by RFC 9112. */
    if (i == 0 || i >= n || s[i] != ':')
        return fail(err, part, "头部行格式错误", "malformed header line");
    size_t nlen = i++;
    for (size_t k = i; k < n; k++)
        if (is_ctl((unsigned char)s[k]))
            return fail(err, part, "头部含有控制字符", "a header contains control characters");
    size_t end = n;
    while (i < end && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        end--;
    const char *v = s + i;
    size_t vl = end - i;
    if (token_is(s, nlen, "content-disposition")) {
        if (seen->disposition++)
            return fail(err, part, "Content-Disposition 重复", "Content-Disposition is repeated");
        return read_disposition(v, vl, pt, part, err);
    }
    if (token_is(s, nlen, "content-type")) {
        if (seen->type++)
            return fail(err, part, "Content-Type 重复", "Content-Type is repeated");
        return read_type(v, vl, pt, part, err);
    }
    if (token_is(s, nlen, "content-transfer-encoding")) {
        /* Nothing is decoded: only encodings that mean "as is" pass. */
        if (seen->encoding++)
            return fail(err, part, "Content-Transfer-Encoding 重复", "Content-Transfer-Encoding is repeated");
        if (!(token_is(v, vl, "binary") || token_is(v, vl, "8bit") || token_is(v, vl, "7bit")))
            return fail(err, part, "不支持的 Content-Transfer-Encoding（只接受 7bit、8bit、binary）",
                        "unsupported Content-Transfer-Encoding (only 7bit, 8bit or binary)");
        return 0;
    }
    return 0; /* RFC 7578 §4.8: other headers are ignored */
}

/* The headers of a part from body[*pos], up to and past the blank line. */
static int read_headers(const char *body, size_t len, size_t *pos, http_multipart_part *pt, int part, tx_err *err)
{
    size_t p = *pos;
    int lines = 0;
    seen_headers seen = {0, 0, 0};
    for (;;) {
        size_t room = len - p;
        size_t win = room < HTTP_MULTIPART_LINE_MAX + 2 ? room : HTTP_MULTIPART_LINE_MAX + 2;
        const char *eol = memmem(body + p, win, "\r\n", 2);
        if (eol == NULL) {
            if (win == room)
                return fail(err, part, "请求体在头部中途结束", "the body ends inside the part's headers");
            char z[96], e[96];
            snprintf(z, sizeof z, "头部行超过 %d 字节", HTTP_MULTIPART_LINE_MAX);
            snprintf(e, sizeof e, "a header line is longer than %d bytes", HTTP_MULTIPART_LINE_MAX);
            return fail(err, part, z, e);
        }
        size_t n = (size_t)(eol - (body + p));
        if (n == 0) {
            p += 2;
            break;
        }
        if (++lines > HTTP_MULTIPART_HEADERS_MAX) {
            char z[96], e[96];
            snprintf(z, sizeof z, "头部超过 %d 行", HTTP_MULTIPART_HEADERS_MAX);
            snprintf(e, sizeof e, "more than %d header lines", HTTP_MULTIPART_HEADERS_MAX);
            return fail(err, part, z, e);
        }
        if (read_header(body + p, n, pt, &seen, part, err))
            return -1;
        p += n + 2;
    }
    if (!seen.disposition)
        return fail(err, part, "缺少 Content-Disposition 头", "no Content-Disposition header");
    if (!seen.type)
        memcpy(pt->content_type, "text/plain", sizeof "text/plain");
    *pos = p;
    return 0;
}

int http_multipart_parse(const char *body, size_t len, const char *boundary, http_multipart_part *parts, int max,
                         int *n, tx_err *err)
{
    *n = 0;
    size_t blen = boundary ? strnlen(boundary, HTTP_MULTIPART_BOUNDARY_MAX + 1) : 0;
    if (!valid_boundary(boundary, blen))
        return fail(err, 0, "分界字符串无效", "invalid boundary");
    assert(body != NULL || len == 0);
    if (body == NULL)
        body = "";
    /* The delimiter: CRLF "--" boundary; the first boundary line may also
     * open the body, without the CRLF. */
    char delim[4 + HTTP_MULTIPART_BOUNDARY_MAX];
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, blen);
    size_t dlen = 4 + blen;
    size_t pos; /* at the "--" of the current boundary line */
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
        pos = 0;
    } else {
        const char *d = memmem(body, len, delim, dlen);
        if (d == NULL)
            return fail(err, 0, "找不到分界行", "no boundary line");
        pos = (size_t)(d - body) + 2;
    }
    int count = 0;
    for (;;) {
        size_t p = pos + dlen - 2;
        if (len - p >= 2 && body[p] == '-' && body[p + 1] == '-') {
            if (count == 0)
                return fail(err, 0, "结束分界行之前没有任何部分", "no part before the closing boundary");
            break; /* the closing boundary; what follows is the epilogue */
        }
        while (p < len && (body[p] == ' ' || body[p] == '\t')) /* transport padding */
            p++;
        if (len - p < 2)
            return fail(err, count + 1, "缺少结束分界行", "the body ends without the closing boundary");
        if (body[p] != '\r' || body[p + 1] != '\n')
            return fail(err, count + 1, "分界行后有多余内容", "unexpected text after the boundary");
        p += 2;
        if (count >= max) {
            char z[64], e[64];
            snprintf(z, sizeof z, "部分超过 %d 个", max);
            snprintf(e, sizeof e, "more than %d parts", max);
            return fail(err, 0, z, e);
        }
        http_multipart_part *pt = &parts[count];
        memset(pt, 0, sizeof *pt);
        if (read_headers(body, len, &p, pt, count + 1, err))
            return -1;
        const char *d = memmem(body + p, len - p, delim, dlen);
        if (d == NULL)
            return fail(err, count + 1, "缺少结束分界行", "the body ends without the closing boundary");
        pt->data = body + p;
        pt->len = (size_t)(d - pt->data);
        count++;
        pos = (size_t)(d - body) + 2;
    }
    *n = count;
    return 0;
}
