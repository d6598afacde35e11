/* Fuzz target "csv": CSV imports — the RFC 4180 reader (src/base/csv.c) and
 * the importers of the network and the calendar built on it
 * (io_import_organisations / _people / _memberships / _calendar,
 * src/io/csv_imports.c), as `tongxin import` runs them, on the demo street
 * (tests/fuzz/fuzz_db.h), each input in a transaction rolled back after it.
 * The hotline export, which rebuilds the boundary index on every import,
 * has a target of its own (cases_csv.c), so that its pace does not set
 * this one's.
 *
 * Input: one byte choosing the importer (0 organisations, 1 people,
 * 2 memberships, 3 calendar; modulo 4), then the CSV text.
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch:
 *  - the reader gives records of 1..CSV_MAX_FIELDS fields, each valid
 *    UTF-8 and whole (a field is never cut short by a byte inside it), on
 *    lines that never go back; a record written again by csv_put_row reads
 *    back the same;
 *  - an import either takes every row or refuses with a 4xx error in both
 *    languages that is valid UTF-8 (it names the line and column and echoes
 *    the cell), never a 5xx. */
#include "base/csv.h"
#include "fuzz_db.h"

static store *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_db_open(1);
    return 0;
}

/* Records of r, written again, read back the same. */
static void check_roundtrip(const csv_reader *r)
{
    if (r->nfields == 1 && r->field[0][0] == '\0')
        return; /* a lone empty field is a blank line, which readers skip */
    char *buf = NULL;
    size_t len = 0, cap = 0;
    assert(csv_put_row(&buf, &len, &cap, (const char *const *)r->field, r->nfields) == 0);
    csv_reader again;
    const char *why, *why_zh;
    /* A first field starting with a byte-order mark would lose it: the
     * reader skips one at the start of a text, as it should. */
    const unsigned char *u = (const unsigned char *)buf;
    int bom = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    csv_reader_init(&again, buf + (bom ? 3 : 0), len - (bom ? 3 : 0));
    if (!bom) {
        assert(csv_next(&again, &why, &why_zh) == 1 && again.nfields == r->nfields);
        for (int i = 0; i < r->nfields; i++)
            assert(strcmp(again.field[i], r->field[i]) == 0);
        assert(csv_next(&again, &why, &why_zh) == 0);
    }
    csv_reader_free(&again);
    free(buf);
}

static void check_reader(const char *text, size_t len)
{
    csv_reader r;
    csv_reader_init(&r, text, len);
    const char *why = NULL, *why_zh = NULL;
    int rc, last_line = 0;
    while ((rc = csv_next(&r, &why, &why_zh)) == 1) {
        assert(r.nfields >= 1 && r.nfields <= CSV_MAX_FIELDS);
        assert(r.record_line > last_line && r.line > r.record_line);
        last_line = r.record_line;
        for (int i = 0; i < r.nfields; i++) {
            size_t fl = strlen(r.field[i]);
            assert(tx_utf8_valid(r.field[i], fl));
            assert(r.field_line[i] >= r.record_line && r.field_line[i] < r.line);
            /* Fields are stored one after the other, each with its NUL:
             * a shorter string means a NUL inside the field cut it. */
            if (i + 1 < r.nfields)
                assert(r.field[i + 1] == r.field[i] + fl + 1);
        }
        check_roundtrip(&r);
    }
    assert(rc == 0 || (rc == -1 && why != NULL && why_zh != NULL));
    csv_reader_free(&r);
}

typedef struct {
    int which;
    const char *text;
    size_t len;
} import_arg;

static int import(store_conn *c, void *arg, tx_err *err)
{
    import_arg *a = arg;
    int n = 0;
    switch (a->which) {
    case 0: return io_import_organisations(c, a->text, a->len, &n, err);
    case 1: return io_import_people(c, a->text, a->len, &n, err);
    case 2: return io_import_memberships(c, a->text, a->len, &n, err);
    default: return io_import_calendar(c, a->text, a->len, &n, err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    import_arg a = {data[0] % 4, NULL, size - 1};
    /* The text in a buffer of its own exact size: a read past it is ASan's. */
    char *text = malloc(a.len ? a.len : 1);
    assert(text != NULL);
    if (a.len)
        memcpy(text, data + 1, a.len);
    a.text = text;
    check_reader(text, a.len);
    tx_err err;
    if (fuzz_db_run(db, import, &a, &err)) {
        fuzz_check_err(&err);
        assert(err.status < 500);
    }
    free(text);
    return 0;
}
