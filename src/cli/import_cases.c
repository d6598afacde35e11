/* cli/import_cases: a 12345 hotline export (CSV) as cases, and a catalogue
 * of categories and routing rules (JSON). Each ticket goes through the same
 * checks, placing, routing and deadlines as a report to the API; the whole
 * file is one transaction, and an error names its line and column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cases.h"
#include "api/locator.h"
#include "base/csv.h"
#include "cli/import_cases.h"
#include "io/io.h"

static const char *const columns[] = {"external_id", "received_at", "service_code", "description", "lat", "long",
                                      "address", "compound", "name", "phone", "contact_ok"};
#define NCOLS (int)(sizeof columns / sizeof columns[0])

/* The intake field a column fills (received_at is the hotline's time). */
static const char *field_of(int col)
{
    return col == 1 ? "submitted_at" : columns[col];
}

static int column_of(const char *field)
{
    for (int i = 0; i < NCOLS; i++)
        if (strcmp(field_of(i), field) == 0 || (strncmp(field, "attribute", 9) == 0 && i == 2))
            return i;
    return -1;
}

static int fail_at(tx_err *err, int line, int col, const tx_err *why)
{
    return tx_err_set_reason(err, 400, why->code ? why->code : "invalid_field", columns[col], M_IMPORT_CSV, line,
                             col + 1, columns[col], why->msg[TX_LANG_ZH], why->msg[TX_LANG_EN]);
}

static int row_json(csv_reader *r, json_t **out, int *bad_col, tx_err *why)
{
    json_t *o = json_object();
    for (int i = 0; i < NCOLS; i++) {
        const char *v = r->field[i];
        if (*v == '\0')
            continue;
        if (i == 4 || i == 5) {
            char *end;
            double d = strtod(v, &end);
            if (*end) {
                *bad_col = i;
                json_decref(o);
                return tx_err_set_reason(why, 400, "invalid_field", columns[i], M_CONFLICT, 0, 0, NULL,
                                         "不是数字", "is not a number");
            }
            json_object_set_new(o, field_of(i), json_real(d));
        } else if (i == 10) {
            int yes = strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "是") == 0;
            int no = strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0 || strcmp(v, "否") == 0;
            if (!yes && !no) {
                *bad_col = i;
                json_decref(o);
                return tx_err_set_reason(why, 400, "invalid_field", columns[i], M_CONFLICT, 0, 0, NULL,
                                         "只能是 yes 或 no", "must be yes or no");
            }
            json_object_set_new(o, field_of(i), json_boolean(yes));
        } else {
            json_object_set_new(o, field_of(i), json_string(v));
        }
    }
    json_object_set_new(o, "channel", json_string("hotline"));
    *out = o;
    return 0;
}

int cli_import_cases(store_conn *c, const char *text, size_t len, int64_t now, int *count, tx_err *err)
{
    if (locator_load_if_stale(c, err))
        return -1;
    csv_reader r;
    csv_reader_init(&r, text, len);
    const char *why_en, *why_zh;
    int rc = csv_next(&r, &why_en, &why_zh), ok = 0;
    *count = 0;
    if (rc <= 0 || r.nfields != NCOLS) {
        tx_err_set_reason(err, 400, "invalid_header", "header", M_IMPORT_CSV, 1, 1, "header",
                          "表头必须是 external_id,received_at,service_code,description,lat,long,address,compound,"
                          "name,phone,contact_ok",
                          "the header must be external_id,received_at,service_code,description,lat,long,address,"
                          "compound,name,phone,contact_ok");
        goto done;
    }
    for (int i = 0; i < NCOLS; i++)
        if (strcmp(r.field[i], columns[i]) != 0) {
            tx_err_set_reason(err, 400, "invalid_header", "header", M_IMPORT_CSV, 1, i + 1, r.field[i],
                              "表头列名不对", "unexpected column name");
            goto done;
        }
    while ((rc = csv_next(&r, &why_en, &why_zh)) == 1) {
        if (r.nfields != NCOLS) {
            tx_err_set_reason(err, 400, "invalid_row", NULL, M_IMPORT_CSV, r.record_line, r.nfields, "row",
                              "列数与表头不一致", "the row does not have the header's number of columns");
            goto done;
        }
        json_t *row = NULL;
        int64_t id;
        int col = 0;
        tx_err why;
        tx_err_clear(&why);
        if (row_json(&r, &row, &col, &why)) {
            fail_at(err, r.record_line, col, &why);
            goto done;
        }
        if (case_import_one(c, row, now, "cli", &id, &why)) {
            json_decref(row);
            col = column_of(why.field);
            if (col < 0 || why.status >= 500) {
                *err = why;
                goto done;
            }
            fail_at(err, r.record_line, col, &why);
            goto done;
        }
        json_decref(row);
        (*count)++;
    }
    if (rc < 0) {
        tx_err_set_reason(err, 400, "invalid_csv", NULL, M_IMPORT_CSV, r.line, 1, "csv", why_zh, why_en);
        goto done;
    }
    ok = 1;
done:
    csv_reader_free(&r);
    return ok ? 0 : -1;
}
