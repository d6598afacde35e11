/* xml: JSON-shaped data written as XML, for protocols that define one as a
 * mapping of the other (Open311 GeoReport v2 and its "Spark convention":
 * an object's members are child elements, an array's items are repeated
 * elements named by the array). No library: text is escaped here. */
#ifndef TX_HTTP_XML_H
#define TX_HTTP_XML_H

#include <jansson.h>
#include <stddef.h>

/* The element name of the items of an array member: {"attributes",
 * "attribute"}. A table ends with {NULL, NULL}. */
typedef struct {
    const char *array, *item;
} http_xml_name;

/* Write v as an XML document: the declaration (version 1.0, UTF-8), then
 * the element root holding
 *   - for an object: one child element per member, in order;
 *   - for an array: one element named item per entry;
 *   - for a scalar: its text.
 * Inside, an object member named k becomes <k>…</k>: a string its escaped
 * text, a number its decimal form, true/false as words, null the empty
 * element <k/>, an object its members, an array one element per entry named
 * by names (the entry whose array is k), or "item" when names has none.
 * Members whose name is not a plain XML name ([A-Za-z_][A-Za-z0-9_.-]*) are
 * left out. Text is escaped (& < > " ' as entities, CR as &#13;), and what
 * XML 1.0 cannot carry — control characters other than tab and newline,
 * DEL, C1 controls, U+FFFE, U+FFFF, bytes that are not UTF-8 — is written
 * as U+FFFD. Returns the document (malloc'd, NUL-terminated; the caller
 * frees it) and its length in *len, or NULL when out of memory. */
char *http_xml_render(const json_t *v, const char *root, const char *item, const http_xml_name *names, size_t *len);

/* The escaped form of s[0..n), as above, as a new NUL-terminated string
 * (the caller frees it); NULL when out of memory. */
char *http_xml_escape(const char *s, size_t n);

#endif
