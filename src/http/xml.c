/* xml: JSON-shaped data as XML (see xml.h). One growing buffer; the
 * document is indented by two spaces per level, which XML readers ignore
 * between elements and people read more easily. */
#include "http/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* The length of the valid UTF-8 sequence at s[0..n) (1-4), or 0 when the
 * bytes there are not one: overlong forms, surrogates, above U+10FFFF,
 * truncated. *cp gets the code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static void put_escaped(buf *b, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        /* Copy the run of bytes that need nothing. */
        size_t start = i;
        while (i < n && s[i] >= 0x20 && s[i] < 0x7F && s[i] != '&' && s[i] != '<' && s[i] != '>' && s[i] != '"' &&
               s[i] != '\'')
            i++;
        put(b, text + start, i - start);
        if (i == n)
            break;
        unsigned cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (len == 0) {
            puts_(b, REPLACEMENT);
            i++;
            continue;
        }
        switch (cp) {
        case '&': puts_(b, "&amp;"); break;
        case '<': puts_(b, "&lt;"); break;
        case '>': puts_(b, "&gt;"); break;
        case '"': puts_(b, "&quot;"); break;
        case '\'': puts_(b, "&apos;"); break;
        case '\r': puts_(b, "&#13;"); break; /* a literal CR would be read back as LF */
        case '\t':
        case '\n': put(b, text + i, 1); break;
        default:
            if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF)
                puts_(b, REPLACEMENT);
            else
                put(b, text + i, len);
        }
        i += len;
    }
}

char *http_xml_escape(const char *s, size_t n)
{
    buf b = {0};
    put(&b, "", 0);
    put_escaped(&b, s, n);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

static int xml_name(const char *k)
{
    if (k == NULL || !((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || *k == '_'))
        return 0;
    for (const char *p = k + 1; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '.' || *p == '-'))
            return 0;
    return 1;
}

static const char *item_name(const http_xml_name *names, const char *array)
{
    for (const http_xml_name *n = names; n && n->array; n++)
        if (strcmp(n->array, array) == 0)
            return n->item;
    return "item";
}

static void indent(buf *b, int depth)
{
    static const char spaces[] = "                                ";
    int n = depth * 2;
    while (n > 0) {
        int k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;
        put(b, spaces, (size_t)k);
        n -= k;
    }
}

/* A number as JSON writes it (the API's JSON and XML agree): integers in
 * full, reals with 12 significant digits and always a point or exponent. */
static void put_number(buf *b, const json_t *v)
{
    char t[64];
    if (json_is_integer(v)) {
        snprintf(t, sizeof t, "%lld", (long long)json_integer_value(v));
    } else {
        snprintf(t, sizeof t, "%.12g", json_real_value(v));
        if (strpbrk(t, ".eEni") == NULL)
            strcat(t, ".0");
    }
    puts_(b, t);
}

static void element(buf *b, const char *name, const json_t *v, const http_xml_name *names, int depth);

/* The inside of an element holding v: children on their own lines, or
 * text. Returns 1 when it wrote children (the closing tag then goes on its
 * own line). */
static int content(buf *b, const char *name, const json_t *v, const http_xml_name *names, int depth)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        int any = 0;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!xml_name(k))
                continue;
            put(b, "\n", 1);
            element(b, k, x, names, depth + 1);
            any = 1;
        }
        return any;
    }
    if (json_is_array(v)) {
        const char *child = item_name(names, name);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            put(b, "\n", 1);
            element(b, child, x, names, depth + 1);
        }
        return json_array_size(v) > 0;
    }
    if (json_is_string(v))
        put_escaped(b, json_string_value(v), json_string_length(v));
    else if (json_is_number(v))
        put_number(b, v);
    else if (json_is_true(v))
        puts_(b, "true");
    else if (json_is_false(v))
        puts_(b, "false");
    return 0;
}

static void element(buf *b, const char *name, const json_t *v, const http_xml_name *names, int depth)
{
    indent(b, depth);
    put(b, "<", 1);
    puts_(b, name);
    if (v == NULL || json_is_null(v)) {
        put(b, "/>", 2);
        return;
    }
    put(b, ">", 1);
    if (content(b, name, v, names, depth)) {
        put(b, "\n", 1);
        indent(b, depth);
    }
    put(b, "</", 2);
    puts_(b, name);
    put(b, ">", 1);
}

char *http_xml_render(const json_t *v, const char *root, const char *item, const http_xml_name *names, size_t *len)
{
    buf b = {0};
    puts_(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    indent(&b, 0);
    put(&b, "<", 1);
    puts_(&b, root);
    put(&b, ">", 1);
    int children;
    if (json_is_array(v) && item) {
        /* The root's items are named by the caller, not by the table. */
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            put(&b, "\n", 1);
            element(&b, item, x, names, 1);
        }
        children = json_array_size(v) > 0;
    } else {
        children = content(&b, root, v, names, 0);
    }
    if (children)
        put(&b, "\n", 1);
    put(&b, "</", 2);
    puts_(&b, root);
    put(&b, ">\n", 2);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    *len = b.len;
    return b.s;
}
