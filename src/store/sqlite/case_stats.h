/* sqlite/case_stats: keeps the case counters (table case_stats, see
 * docs/METRICS.md) up to date as cases change, inside the writer's
 * transaction. Private to store/.
 *
 * The contract with the writer of cases (sqlite/case.c), for every change
 * to a cases row:
 *
 *     db_case_stats_retract(c, id)   before the UPDATE (not for a new case)
 *     UPDATE cases … / INSERT INTO case_event …
 *     db_case_stats_apply(c, id)     after it (and after the INSERT of a new case)
 *
 * both inside the same job (savepoint), on the same connection, with no
 * db_conn_idle between them (it ends the batch, and what retract
 * remembered with it). Each reads the case's current row; retract
 * remembers its contribution, apply writes the difference between the new
 * contribution and the remembered one (nothing when it did not change, as
 * for a note or a reminder). A pair may enclose other pairs (at most
 * DB_CASE_STATS_PENDING cases retracted and not yet applied at once); a job
 * that fails between the two leaves nothing behind. An apply with nothing
 * remembered counts the case as new (and logs an error when the case has
 * more than one event). Cost: two reads of the row by id and 0 to 10
 * single-row writes; about 8 µs for a state change, 3 µs for a note. */
#ifndef TX_STORE_SQLITE_CASE_STATS_H
#define TX_STORE_SQLITE_CASE_STATS_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define DB_CASE_STATS_PENDING 16

int db_case_stats_retract(store_conn *c, int64_t case_id, tx_err *err);
int db_case_stats_apply(store_conn *c, int64_t case_id, tx_err *err);

#endif
