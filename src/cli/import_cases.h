/* cli/import_cases: tongxin import cases (a 12345 hotline export as CSV). */
#ifndef TX_CLI_IMPORT_CASES_H
#define TX_CLI_IMPORT_CASES_H

#include <stdint.h>

#include "store/store.h"

/* Every ticket of text (CSV: external_id, received_at, service_code,
 * description, lat, long, address, compound, name, phone, contact_ok) as a
 * case, inside the caller's transaction. Errors name line and column. */
int cli_import_cases(store_conn *c, const char *text, size_t len, int64_t now, int *count, tx_err *err);

#endif
