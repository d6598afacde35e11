/* terms: the shape shared by the domain's vocabularies (kinds, roles,
 * states, actions …): a stable code and a name in zh-CN and en per value,
 * and the _code / _name / _parse functions every vocabulary offers.
 * Private to the domain module. */
#ifndef TX_DOMAIN_TERMS_H
#define TX_DOMAIN_TERMS_H

#include <string.h>

typedef struct {
    const char *code;    /* NULL for an unused slot */
    const char *name[2]; /* zh-CN, en */
} tx_term;

/* Index of code in t[0..n), or -1. */
static inline int tx_term_find(const tx_term *t, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (code && t[i].code && strcmp(t[i].code, code) == 0)
            return i;
    return -1;
}

/* Define prefix_code(v), prefix_name(v, lang) and prefix_parse(code, &v)
 * over a tx_term table of count entries indexed by the enum type. */
#define TX_TERMS(prefix, type, table, count)                                                                           \
    const char *prefix##_code(type v) { return (unsigned)v < (count) ? table[v].code : NULL; }                         \
    const char *prefix##_name(type v, int lang)                                                                        \
    {                                                                                                                  \
        return (unsigned)v < (count) && table[v].code ? table[v].name[lang ? 1 : 0] : NULL;                            \
    }                                                                                                                  \
    int prefix##_parse(const char *code, type *out)                                                                    \
    {                                                                                                                  \
        int i = tx_term_find(table, (count), code);                                                                    \
        if (i < 0)                                                                                                     \
            return -1;                                                                                                 \
        *out = (type)i;                                                                                                \
        return 0;                                                                                                      \
    }

#endif
