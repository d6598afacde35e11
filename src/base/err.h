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

/* Like tx_err_set for messages whose last argument is a reason that itself
 * differs by language. The arguments the template takes:
 *   M_IMPORT_CSV (a = line, b = column, what, reason)
 *   M_IMPORT_FEATURE (a = feature index, what, reason)
 *   M_FIELD_INVALID, M_QUERY_INVALID (what = the field, reason)
 *   any other one-string template, e.g. M_CONFLICT (reason). */
int tx_err_set_reason(tx_err *e, int status, const char *code, const char *field, tx_msg id, int a, int b,
                      const char *what, const char *why_zh, const char *why_en);

/* For M_NOT_FOUND and M_DUPLICATE, whose first argument is a noun: noun is
 * one of "area", "organisation", "person", "membership", "community",
 * "user", "api_key", "login", "code", "calendar_day", "case",
 * "category", "routing_rule"; it is rendered in each language, and
 * value follows it as given. */
int tx_err_named(tx_err *e, int status, const char *code, const char *field, tx_msg id, const char *noun,
                 const char *value);

/* 400 invalid_field naming field, with a reason in both languages. */
#define tx_err_invalid(e, field, zh, en)                                                                               \
    tx_err_set_reason((e), 400, "invalid_field", (field), M_FIELD_INVALID, 0, 0, (field), (zh), (en))

/* 400 invalid_query naming the query parameter. */
#define tx_err_query(e, name, zh, en)                                                                                  \
    tx_err_set_reason((e), 400, "invalid_query", (name), M_QUERY_INVALID, 0, 0, (name), (zh), (en))

/* 409 with a reason in both languages. */
#define tx_err_conflict(e, code, field, zh, en)                                                                        \
    tx_err_set_reason((e), 409, (code), (field), M_CONFLICT, 0, 0, NULL, (zh), (en))

/* The message template of id in lang (for callers formatting by hand). */
const char *tx_msg_text(tx_msg id, tx_lang lang);

/* Clear e to "no error". */
void tx_err_clear(tx_err *e);

#endif
