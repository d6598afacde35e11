/* sweep: reminders, automatic escalation and automatic closing (see
 * sweep.h). */
#include "api/sweep.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/cases.h"
#include "api/catalogue.h"
#include "base/log.h"

#define HOUR_MS (3600LL * 1000)

static int longest_remind(const store_catalogue *cat)
{
    int h = 0;
    for (int i = 0; i < cat->n_categories; i++)
        if (cat->categories[i].remind_hours > h)
            h = cat->categories[i].remind_hours;
    return h;
}

static int sweep_one(store_conn *c, const store_catalogue *cat, int64_t id, int64_t now, case_sweep_result *r,
                     tx_err *err)
{
    store_case_state b;
    if (store_case_load(c, id, &b, err))
        return -1;
    const store_category *k = store_catalogue_category_by_id(cat, b.category_id);
    tx_case_request q = {.actor = NULL, .now_ms = now, .has_text = 1, .rating_period_ms = case_rating_period()};
    store_step_in s = {.actor = "platform", .actor_role = "platform", .at = now};
    tx_case_outcome out;
    if (b.snap.state == TX_CASE_RESOLVED) {
        if (b.due_at > now)
            return 0;
        q.action = TX_CASE_CLOSE;
        s.action = "close";
        s.text = "评价期已过，反映人未评价，自动结案";
        if (case_apply(c, &b, &q, &s, &out, NULL, err))
            return err->status == 409 ? 0 : -1;
        r->closed++;
        return 0;
    }
    if (b.due_at <= now && b.snap.tier < TX_TIER_STREET) {
        q.action = TX_CASE_ESCALATE;
        s.action = "escalate";
        s.text = "逾期未办结，按时限自动上报上一级";
        /* the tier above gets a working period of its own */
        int submitted = b.snap.state == TX_CASE_SUBMITTED;
        tx_duration d = k ? (submitted ? k->accept : k->resolve) : (tx_duration){TX_DUR_WORKING_DAYS, 5};
        int64_t due;
        if (tx_cal_deadline(&cat->calendar, now, d, &due))
            due = now + 24 * HOUR_MS;
        if (submitted)
            s.due_at = due; /* to be accepted at the tier above */
        else
            s.due_work = due;
        if (case_apply(c, &b, &q, &s, &out, NULL, err))
            return err->status == 409 ? 0 : -1;
        r->escalated++;
        return 0;
    }
    int64_t window = (k ? k->remind_hours : 4) * HOUR_MS;
    if (b.due_at - window > now)
        return 0;
    /* 催办: a note on the record; the state does not change. */
    memset(&out, 0, sizeof out);
    out.next = b.snap;
    s.action = "remind";
    s.public_event = 0;
    s.text = b.due_at <= now ? "已逾期，请尽快办理" : "临近办理时限，请抓紧办理";
    s.due_at = b.due_at;
    if (store_case_step(c, &b, &out, &s, NULL, err))
        return -1;
    r->reminded++;
    return 0;
}

int case_sweep(store_conn *c, int64_t now, int limit, case_sweep_result *r, tx_err *err)
{
    memset(r, 0, sizeof *r);
    catalogue_hold *h = catalogue_acquire(c, err);
    if (h == NULL)
        return -1;
    int64_t *ids = NULL;
    int n = 0, rc = store_case_due(c, now, longest_remind(h->cat) * HOUR_MS, limit, &ids, &n, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        r->examined++;
        rc = sweep_one(c, h->cat, ids[i], now, r, err);
    }
    r->more = n == limit;
    free(ids);
    catalogue_release(h);
    return rc;
}

/* ---- the server's timer ---- */

#define SWEEP_EVERY_SECONDS 60
#define SWEEP_BATCH 2000

static store *the_store;
static pthread_t timer;
static int running;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

typedef struct {
    store_job job;
    case_sweep_result result;
} sweep_job;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int job_run(store_job *job, store_conn *c)
{
    sweep_job *j = (sweep_job *)job;
    return case_sweep(c, now_ms(), SWEEP_BATCH, &j->result, &job->err);
}

static void job_done(store_job *job)
{
    sweep_job *j = (sweep_job *)job;
    if (job->err.status)
        tx_log("warn", "SLA sweep failed: %s", job->err.msg[TX_LANG_EN]);
    else if (j->result.reminded || j->result.escalated || j->result.closed)
        tx_log("info", "SLA sweep: %d escalated, %d reminded, %d closed", j->result.escalated, j->result.reminded,
               j->result.closed);
    free(j);
}

static void *timer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (running) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += SWEEP_EVERY_SECONDS;
        pthread_cond_timedwait(&cv, &mu, &ts);
        if (!running)
            break;
        sweep_job *j = calloc(1, sizeof *j);
        if (j) {
            j->job.write = 1;
            j->job.run = job_run;
            j->job.complete = job_done;
            store_submit(the_store, &j->job);
        }
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

void sweep_start(store *s)
{
    the_store = s;
    running = 1;
    pthread_create(&timer, NULL, timer_main, NULL);
}

void sweep_stop(void)
{
    pthread_mutex_lock(&mu);
    int was = running;
    running = 0;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    if (was)
        pthread_join(timer, NULL);
}
