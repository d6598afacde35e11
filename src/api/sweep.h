/* sweep: the platform's own rounds over open cases (the SLA). Every minute
 * in the server, and on demand as `tongxin sla sweep --at TIME`:
 *   - 催办: a reminder on the timeline when a deadline is near;
 *   - overdue cases escalate one tier (小事不出网格，大事不出社区: what the
 *     grid did not solve in time goes to the community, and on to the
 *     street), with a new working deadline there;
 *   - resolved cases the reporter did not rate close when the rating period
 *     is over.
 * Each step goes through the domain as the platform (actor NULL) and is an
 * event like any other. */
#ifndef TX_API_SWEEP_H
#define TX_API_SWEEP_H

#include <stdint.h>

#include "store/store.h"

typedef struct {
    int examined, reminded, escalated, closed;
    int more; /* the batch limit was reached: run again */
} case_sweep_result;

/* One sweep as of now, inside the caller's write transaction; at most
 * limit cases. */
int case_sweep(store_conn *c, int64_t now, int limit, case_sweep_result *r, tx_err *err);

/* The server's minute timer: a write job on the store's writer. */
void sweep_start(store *s);
void sweep_stop(void);

#endif
