/* csv: RFC 4180 reader and writer (see csv.h). */
#include "base/csv.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

void csv_reader_init(csv_reader *r, const char *text, size_t len)
{
    memset(r, 0, sizeof *r);
    r->p = text;
    r->end = text + len;
    r->line = 1;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
        r->p += 3;
}

void csv_reader_free(csv_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

int csv_next(csv_reader *r, const char **why, const char **why_zh)
{
    /* Skip blank lines between records. */
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    r->nfields = 0;
    if (r->p >= r->end)
        return 0;
    size_t need = (size_t)(r->end - r->p) + CSV_MAX_FIELDS + 1;
    if (need > r->bufcap) {
        char *nb = realloc(r->buf, need);
        if (nb == NULL) {
            *why = "out of memory";
            *why_zh = "内存不足";
            return -1;
        }
        r->buf = nb;
        r->bufcap = need;
    }
    r->record_line = r->line;
    char *o = r->buf;
    for (;;) {
        if (r->nfields == CSV_MAX_FIELDS) {
            *why = "too many fields";
            *why_zh = "字段过多";
            return -1;
        }
        r->field[r->nfields] = o;
        r->field_line[r->nfields] = r->line;
        r->nfields++;
        char *start = o;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end) {
                    *why = "a quoted field is not closed";
                    *why_zh = "引号未闭合";
                    return -1;
                }
                char ch = *r->p++;
                if (ch == '"') {
                    if (r->p < r->end && *r->p == '"') {
                        *o++ = '"';
                        r->p++;
                        continue;
                    }
                    break;
                }
                if (ch == '\n')
                    r->line++;
                *o++ = ch;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                *why = "text after a closing quote";
                *why_zh = "引号后有多余字符";
                return -1;
            }
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"') {
                    *why = "a quote inside an unquoted field";
                    *why_zh = "未加引号的字段中含有引号";
                    return -1;
                }
                *o++ = *r->p++;
            }
        }
        *o++ = '\0';
        /* A NUL byte would cut the field short as a C string, silently
         * (found by the csv fuzzer: "张三<NUL>x" imported as 张三). */
        if (memchr(start, '\0', (size_t)(o - 1 - start)) != NULL) {
            *why = "a NUL byte";
            *why_zh = "含有 NUL 字节";
            return -1;
        }
        if (!tx_utf8_valid(start, (size_t)(o - 1 - start))) {
            *why = "not valid UTF-8";
            *why_zh = "不是有效的 UTF-8 文本";
            return -1;
        }
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        /* End of record: CRLF, LF, CR or end of text. */
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
        r->line++;
        return 1;
    }
}

int csv_put(char **buf, size_t *len, size_t *cap, const char *value, int last_in_row)
{
    const char *v = value ? value : "";
    size_t vl = strlen(v);
    int quote = strpbrk(v, ",\"\r\n") != NULL;
    size_t need = *len + vl * 2 + 4;
    if (need > *cap) {
        size_t nc = need * 2 > 4096 ? need * 2 : 4096;
        char *nb = realloc(*buf, nc);
        if (nb == NULL)
            return -1;
        *buf = nb;
        *cap = nc;
    }
    char *o = *buf + *len;
    if (quote)
        *o++ = '"';
    for (size_t i = 0; i < vl; i++) {
        if (v[i] == '"' && quote)
            *o++ = '"';
        *o++ = v[i];
    }
    if (quote)
        *o++ = '"';
    *o++ = last_in_row ? '\n' : ',';
    *o = '\0'; /* room reserved above: the text is always a C string too */
    *len = (size_t)(o - *buf);
    return 0;
}

int csv_put_row(char **buf, size_t *len, size_t *cap, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++)
        if (csv_put(buf, len, cap, fields[i], i == n - 1))
            return -1;
    return 0;
}
