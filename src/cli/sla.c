/* cli/sla: `tongxin sla sweep [--at TIME]` — the SLA sweep the server runs
 * every minute (api/sweep.h), once, as of a given time: to catch up after
 * downtime, or to see what a day's deadlines will do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/cases.h"
#include "api/sweep.h"
#include "base/time.h"
#include "cli/cli.h"
#include "cli/opts.h"

static const char help[] =
    "usage: tongxin sla sweep [--db URL] [--at ISO8601] [--rating-days N]\n"
    "\n"
    "Run the SLA sweep once, as the server does every minute: remind (催办) cases\n"
    "whose deadline is near, escalate overdue ones one tier (grid → community →\n"
    "street), close resolved cases whose rating period is over. Prints how many\n"
    "cases it examined, reminded, escalated and closed.\n"
    "\n"
    "  --db URL       the store (default " CLI_DEFAULT_DB ")\n"
    "  --at ISO8601   sweep as of this time, e.g. 2026-12-01T09:00:00+08:00 (default: now)\n"
    "  --rating-days N  the rating period, as given to tongxin serve (default 7)\n";

typedef struct {
    int64_t at;
    case_sweep_result total;
} sla_args;

static int run(store_conn *c, void *arg, tx_err *err)
{
    sla_args *a = arg;
    case_sweep_result r;
    /* in batches, so one run catches up however much is due */
    do {
        if (case_sweep(c, a->at, 5000, &r, err))
            return -1;
        a->total.examined += r.examined;
        a->total.reminded += r.reminded;
        a->total.escalated += r.escalated;
        a->total.closed += r.closed;
    } while (r.more && (r.reminded || r.escalated || r.closed));
    return 0;
}

int cli_sla(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *at = NULL, *rating_days = "7";
    const cli_opt opts[] = {{"db", 1, &db}, {"at", 1, &at}, {"rating-days", 1, &rating_days}, {NULL, 0, NULL}};
    const char *pos[2];
    int npos, rc = cli_parse(argc, argv, opts, pos, 2, &npos);
    if (rc) {
        fputs(help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    if (npos != 1 || strcmp(pos[0], "sweep") != 0) {
        fputs(help, stderr);
        return 2;
    }
    long rdays = strtol(rating_days, NULL, 10);
    if (rdays < 1 || rdays > 365) {
        fprintf(stderr, "tongxin sla sweep: --rating-days must be 1-365\n");
        return 2;
    }
    case_set_rating_period(rdays * 24LL * 3600 * 1000);
    sla_args a = {0};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    a.at = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    int off;
    if (at && tx_time_parse(at, 480, &a.at, &off)) {
        fprintf(stderr, "tongxin sla sweep: --at must be an ISO 8601 time with an offset, e.g. "
                        "2026-12-01T09:00:00+08:00\n");
        return 2;
    }
    rc = cli_run(db, 1, run, &a);
    if (rc == 0) {
        char when[TX_TIME_STRLEN];
        printf("sla sweep as of %s: %d examined, %d reminded, %d escalated, %d closed\n",
               tx_time_format(a.at, 480, when), a.total.examined, a.total.reminded, a.total.escalated, a.total.closed);
    }
    return rc;
}
