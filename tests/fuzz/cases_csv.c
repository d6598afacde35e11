/* Fuzz target "cases_csv": a 12345 hotline export imported as cases
 * (cli_import_cases, src/cli/import_cases.c: the header, each row's
 * columns as the intake's fields — numbers, yes/no in English and Chinese —
 * then every ticket through the same intake as POST /api/v1/cases:
 * checks, placing, routing, deadlines, stored), as `tongxin import cases`
 * runs it, on the demo street (tests/fuzz/fuzz_db.h), each input in a
 * transaction rolled back after it. The import builds the boundary index
 * when the areas changed since it was last built: for the first input.
 *
 * Input: the CSV text.
 *
 * Asserts, besides what ASan / UBSan / LeakSanitizer catch: an import
 * either stores the tickets or refuses with a 4xx
 * error in both languages that is valid UTF-8 (it names the line and
 * column and echoes the cell), never a 5xx. */
#include "cli/import_cases.h"
#include "fuzz_db.h"

static store *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_db_open(1);
    return 0;
}

typedef struct {
    const char *text;
    size_t len;
} import_arg;

static int import(store_conn *c, void *arg, tx_err *err)
{
    import_arg *a = arg;
    int n = -1;
    if (cli_import_cases(c, a->text, a->len, 1772416800000, &n, err))
        return -1;
    assert(n >= 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The text in a buffer of its own exact size: a read past it is ASan's. */
    char *text = malloc(size ? size : 1);
    assert(text != NULL);
    if (size)
        memcpy(text, data, size);
    import_arg a = {text, size};
    tx_err err;
    if (fuzz_db_run(db, import, &a, &err)) {
        fuzz_check_err(&err);
        assert(err.status < 500);
    }
    free(text);
    return 0;
}
