/* csv: RFC 4180 reading and writing (UTF-8, header row, quoted fields).
 *
 * The reader walks records one at a time and says where each field began
 * (line and column), so that import errors can name the place. */
#ifndef TX_BASE_CSV_H
#define TX_BASE_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 32

typedef struct {
    const char *p, *end;
    int line;          /* line of the next record, 1-based */
    char *buf;         /* decoded fields of the current record (owned) */
    size_t bufcap;
    int nfields;
    char *field[CSV_MAX_FIELDS];
    int field_line[CSV_MAX_FIELDS];
    int record_line;   /* line where the current record starts */
} csv_reader;

/* Start reading text[0..len). A UTF-8 byte-order mark is skipped. */
void csv_reader_init(csv_reader *r, const char *text, size_t len);
void csv_reader_free(csv_reader *r);

/* Read the next record into r->field / r->nfields. Returns 1 when a record
 * was read, 0 at the end, -1 on malformed input (an unterminated quote, a
 * quote inside an unquoted field, text after a closing quote, more than
 * CSV_MAX_FIELDS fields, invalid UTF-8, a NUL byte) with *why set to a
 * static English reason and *why_zh to the Chinese one. Blank lines are
 * skipped. */
int csv_next(csv_reader *r, const char **why, const char **why_zh);

/* Append value to a growing buffer as one CSV field (quoted when needed).
 * The buffer is (*buf, *len, *cap), malloc'd, and stays NUL-terminated
 * after *len; returns -1 when out of memory. */
int csv_put(char **buf, size_t *len, size_t *cap, const char *value, int last_in_row);

/* Append a whole row of n fields (a header, say), as csv_put does. */
int csv_put_row(char **buf, size_t *len, size_t *cap, const char *const *fields, int n);

#endif
