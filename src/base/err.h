/* err: the one error type every fallible function fills in.
 *
 * An error carries the HTTP status it maps to, a stable machine code
 * ("invalid_field"), the name of the offending field when there is one, and a
 * message for the person who caused it, rendered in both zh-CN and en so the
 * API can answer in the caller's language. Messages never carry internal
 * detail (SQL, paths, pointers) or personal data. */
#ifndef TX_BASE_ERR_H
#define TX_BASE_ERR_H

#include <stddef.h>

typedef enum {
#define MSG(id, en, zh) id,
#include "base/messages.def"
#undef MSG
    M__COUNT
} tx_msg;

typedef enum { TX_LANG_ZH = 0, TX_LANG_EN = 1 } tx_lang;

typedef struct {
    int status;          /* HTTP status; 0 means "no error" */
    const char *code;    /* stable machine-readable code, static storage */
    char field[64];      /* offending field or parameter, "" if none */
    char msg[2][320];    /* rendered message, indexed by tx_lang */
} tx_err;

/* Fill *e (when e is not NULL) and return -1, so callers can write
 * `return tx_err_set(...)`. */
int tx_err_set(tx_err *e, int status, const char *code, const char *field, tx_msg id, ...);

/* Like tx_err_set for messages whose last argument is a reason that
 * itself differs by language: the template id takes (int, int, string,
 * reason) — pass a and b for the integers (b is skipped when the template
 * has one), what for the string, and the reason in zh and en. */
int tx_err_set_reason(tx_err *e, int status, const char *code, const char *field, tx_msg id, int a, int b,
                      const char *what, const char *why_zh, const char *why_en);

/* The message template of id in lang (for callers formatting by hand). */
const char *tx_msg_text(tx_msg id, tx_lang lang);

/* Clear e to "no error". */
void tx_err_clear(tx_err *e);

#endif
