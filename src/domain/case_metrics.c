/* case_metrics: one case's contribution to the service figures, the rows it
 * counts in, folding its events, and the rates (see case_metrics.h and
 * docs/METRICS.md, which states every formula used here). */
#include "domain/case_metrics.h"

#include <string.h>

#include "domain/calendar.h"
#include "domain/terms.h"

/* ---- vocabulary ---- */

static const tx_term channels[TX_CM_CH__COUNT] = {
    [TX_CM_CH_WEB] = {"web", {"网站", "web"}},
    [TX_CM_CH_OPEN311] = {"open311", {"Open311 接口", "Open311"}},
    [TX_CM_CH_HOTLINE] = {"hotline", {"12345 热线", "12345 hotline"}},
    [TX_CM_CH_STAFF] = {"staff", {"工作人员代录", "entered by staff"}},
    [TX_CM_CH_PATROL] = {"patrol", {"网格巡查", "grid patrol"}},
};

static const tx_term rates[TX_CM_RATE__COUNT] = {
    [TX_CM_RATE_RESPONSE] = {"response", {"响应率", "response rate"}},
    [TX_CM_RATE_RESOLUTION] = {"resolution", {"解决率", "resolution rate"}},
    [TX_CM_RATE_COMPLETION] = {"completion", {"办结率", "completion rate"}},
    [TX_CM_RATE_SATISFACTION] = {"satisfaction", {"满意率", "satisfaction rate"}},
    [TX_CM_RATE_ON_TIME] = {"on_time", {"按时办结率", "on-time rate"}},
    [TX_CM_RATE_GRID_CLOSURE] = {"grid_closure", {"网格内办结率", "closed in the grid"}},
    [TX_CM_RATE_COMMUNITY_CLOSURE] = {"community_closure", {"社区内办结率", "closed in the community"}},
};

TX_TERMS(tx_cm_channel, tx_cm_channel, channels, TX_CM_CH__COUNT)
TX_TERMS(tx_cm_rate, tx_cm_rate_kind, rates, TX_CM_RATE__COUNT)

static const char *const counter_codes[TX_CM__COUNT] = {
#define TX_CM_CODE(id, col) [TX_CM_##id] = #col,
    TX_CM_COUNTERS(TX_CM_CODE)
#undef TX_CM_CODE
};

/* A state's counter is TX_CM_STATE_SUBMITTED + the state, a channel's
 * TX_CM_CHANNEL_WEB + the channel: the list must keep both orders. */
_Static_assert(TX_CM_STATE_INVALID - TX_CM_STATE_SUBMITTED == TX_CASE_INVALID - TX_CASE_SUBMITTED &&
                   TX_CM_STATE_ACCEPTED - TX_CM_STATE_SUBMITTED == TX_CASE_ACCEPTED &&
                   TX_CM_STATE_DISPATCHED - TX_CM_STATE_SUBMITTED == TX_CASE_DISPATCHED &&
                   TX_CM_STATE_IN_PROGRESS - TX_CM_STATE_SUBMITTED == TX_CASE_IN_PROGRESS &&
                   TX_CM_STATE_RESOLVED - TX_CM_STATE_SUBMITTED == TX_CASE_RESOLVED &&
                   TX_CM_STATE_CLOSED - TX_CM_STATE_SUBMITTED == TX_CASE_CLOSED &&
                   TX_CM_STATE_RETURNED - TX_CM_STATE_SUBMITTED == TX_CASE_RETURNED &&
                   TX_CM_STATE_REOPENED - TX_CM_STATE_SUBMITTED == TX_CASE_REOPENED &&
                   TX_CM_STATE_MERGED - TX_CM_STATE_SUBMITTED == TX_CASE_MERGED && TX_CASE_SUBMITTED == 0 &&
                   TX_CASE__STATE_COUNT == 10,
               "state counters follow tx_case_state");
_Static_assert(TX_CM_CHANNEL_OPEN311 - TX_CM_CHANNEL_WEB == TX_CM_CH_OPEN311 &&
                   TX_CM_CHANNEL_HOTLINE - TX_CM_CHANNEL_WEB == TX_CM_CH_HOTLINE &&
                   TX_CM_CHANNEL_STAFF - TX_CM_CHANNEL_WEB == TX_CM_CH_STAFF &&
                   TX_CM_CHANNEL_PATROL - TX_CM_CHANNEL_WEB == TX_CM_CH_PATROL && TX_CM_CH_WEB == 0 &&
                   TX_CM_CH__COUNT == 5,
               "channel counters follow tx_cm_channel");

const char *tx_cm_counter_code(tx_cm_counter k)
{
    return (unsigned)k < TX_CM__COUNT ? counter_codes[k] : NULL;
}

int tx_cm_counter_parse(const char *code, tx_cm_counter *out)
{
    for (int i = 0; code && i < TX_CM__COUNT; i++)
        if (strcmp(counter_codes[i], code) == 0) {
            *out = (tx_cm_counter)i;
            return 0;
        }
    return -1;
}

#define DAY_MS 86400000LL

int32_t tx_cm_day(int64_t ms)
{
    /* Floor, not C's truncation: instants before 1970 (tests, imports of
     * old records) still fall in the right day. */
    int64_t local = ms + (int64_t)TX_CAL_DEFAULT_UTC_OFFSET_MIN * 60000;
    int64_t d = local / DAY_MS;
    if (local % DAY_MS < 0)
        d--;
    return (int32_t)d;
}

/* ---- one case ---- */

void tx_cm_case_init(tx_cm_case *c)
{
    memset(c, 0, sizeof *c);
    c->channel = TX_CM_CH__COUNT;
    c->state = TX_CASE__STATE_COUNT;
    c->resolved_tier = TX_TIER__COUNT;
    c->handler = TX_HANDLER_NONE;
    c->solved = TX_SOLVED_UNANSWERED;
    c->satisfaction = TX_SAT_UNANSWERED;
}

void tx_cm_contribution(const tx_cm_case *c, tx_cm_counts *out)
{
    int64_t *n = out->n;
    memset(out, 0, sizeof *out);
    n[TX_CM_RECEIVED] = 1;
    if ((unsigned)c->state < TX_CASE__STATE_COUNT)
        n[TX_CM_STATE_SUBMITTED + c->state] = 1;
    if ((unsigned)c->channel < TX_CM_CH__COUNT)
        n[TX_CM_CHANNEL_WEB + c->channel] = 1;
    /* valid = received − merged − invalid: a duplicate is answered in the
     * case it repeats, spam is not a request; neither is rated on. An
     * unknown state is not valid either (it cannot be judged). */
    if (c->state == TX_CASE_MERGED || c->state == TX_CASE_INVALID || (unsigned)c->state >= TX_CASE__STATE_COUNT)
        return;
    n[TX_CM_VALID] = 1;
    /* 响应: the first contact stops the response clock; a deadline is the
     * first instant after the period, so contact at due_contact is in time. */
    if (c->contacted_at != 0) {
        n[TX_CM_CONTACTED] = 1;
        n[TX_CM_RESPONDED_ON_TIME] = c->contacted_at <= c->due_contact;
    }
    /* 办结: counted once resolved, even when reopened since; the latest
     * resolve is the one measured against the deadline and the tier. */
    if (c->resolved_at != 0) {
        n[TX_CM_RESOLVED] = 1;
        n[TX_CM_RESOLVED_ON_TIME] = c->resolved_at <= c->due_resolve;
        /* 小事不出网格 */
        n[TX_CM_RESOLVED_AT_GRID] = c->resolved_tier == TX_TIER_GRID;
        /* 大事不出社区 */
        n[TX_CM_RESOLVED_IN_COMMUNITY] = !c->left_community;
    }
    /* 回访: the reporter's latest answers, as the reporter gives them. */
    if (c->solved != TX_SOLVED_UNANSWERED && c->satisfaction != TX_SAT_UNANSWERED &&
        (unsigned)c->solved < TX_SOLVED__COUNT && (unsigned)c->satisfaction < TX_SAT__COUNT) {
        n[TX_CM_RATED] = 1;
        n[TX_CM_SOLVED_YES] = c->solved == TX_SOLVED_YES;
        n[TX_CM_SATISFIED] = c->satisfaction == TX_SAT_SATISFIED;
        n[TX_CM_BASICALLY_SATISFIED] = c->satisfaction == TX_SAT_BASICALLY_SATISFIED;
        n[TX_CM_UNSATISFIED] = c->satisfaction == TX_SAT_UNSATISFIED;
    }
}

/* ---- rows ---- */

static int add_row(tx_cm_row *out, int n, int64_t org, int64_t area, int32_t day, int64_t category)
{
    for (int i = 0; i < n; i++)
        if (out[i].org_id == org && out[i].area_id == area)
            return n;
    out[n] = (tx_cm_row){org, area, day, category};
    return n + 1;
}

int tx_cm_rows(const tx_cm_case *c, tx_cm_row out[TX_CM_MAX_ROWS])
{
    int32_t day = tx_cm_day(c->submitted_at);
    int n = add_row(out, 0, 0, c->street_id, day, c->category_id);
    if (c->community_id)
        n = add_row(out, n, 0, c->community_id, day, c->category_id);
    if (c->grid_id)
        n = add_row(out, n, 0, c->grid_id, day, c->category_id);
    /* The organisation's rows sit at the case's community: 首接负责, the
     * community owns the case even while a department works on it. */
    int64_t place = c->community_id ? c->community_id : c->street_id;
    if ((c->handler == TX_HANDLER_PROPERTY_COMPANY || c->handler == TX_HANDLER_DEPARTMENT) && c->handler_id > 0)
        n = add_row(out, n, c->handler_id, place, day, c->category_id);
    if (c->department_id > 0)
        n = add_row(out, n, c->department_id, place, day, c->category_id);
    return n;
}

static int same_row(const tx_cm_row *a, const tx_cm_row *b)
{
    return a->org_id == b->org_id && a->area_id == b->area_id && a->day == b->day && a->category_id == b->category_id;
}

static int is_zero(const tx_cm_counts *v)
{
    for (int i = 0; i < TX_CM__COUNT; i++)
        if (v->n[i])
            return 0;
    return 1;
}

int tx_cm_changes(const tx_cm_row *old_rows, int old_n, const tx_cm_counts *old, const tx_cm_row *new_rows, int new_n,
                  const tx_cm_counts *new_, tx_cm_change out[2 * TX_CM_MAX_ROWS])
{
    int m = 0;
    for (int i = 0; i < new_n; i++) {
        out[m].row = new_rows[i];
        out[m].delta = *new_;
        for (int j = 0; j < old_n; j++)
            if (same_row(&new_rows[i], &old_rows[j])) {
                for (int k = 0; k < TX_CM__COUNT; k++)
                    out[m].delta.n[k] -= old->n[k];
                break;
            }
        if (!is_zero(&out[m].delta))
            m++;
    }
    for (int j = 0; j < old_n; j++) {
        int kept = 0;
        for (int i = 0; i < new_n && !kept; i++)
            kept = same_row(&new_rows[i], &old_rows[j]);
        if (kept)
            continue;
        out[m].row = old_rows[j];
        for (int k = 0; k < TX_CM__COUNT; k++)
            out[m].delta.n[k] = -old->n[k];
        if (!is_zero(&out[m].delta))
            m++;
    }
    return m;
}

/* ---- folding events ---- */

void tx_cm_fold(tx_cm_case *c, const tx_cm_event *e)
{
    if (e->report) {
        c->submitted_at = e->at;
        c->category_id = e->category_id;
        c->channel = e->channel;
        c->street_id = e->street_id;
        c->community_id = e->community_id;
        c->grid_id = e->grid_id;
        c->due_contact = e->due_contact;
        c->due_resolve = e->due_resolve;
    } else if (e->tier == TX_TIER_STREET || e->handler == TX_HANDLER_DEPARTMENT) {
        /* 大事不出社区: escalated to the street (by staff or by the SLA sweep)
         * or referred to a department, it left the community for good. The
         * report itself does not count: a case routed to the street at
         * intake leaves with its first step, as the writer records it. */
        c->left_community = 1;
    }
    c->state = e->to_state;
    c->handler = e->handler;
    c->handler_id = e->handler_id;
    if (e->handler == TX_HANDLER_DEPARTMENT && e->handler_id > 0)
        c->department_id = e->handler_id;
    if (e->department_id > 0)
        c->department_id = e->department_id;
    /* A rating is whatever event carries both answers (the "rate" step). */
    if (e->solved != TX_SOLVED_UNANSWERED && e->satisfaction != TX_SAT_UNANSWERED) {
        c->solved = e->solved;
        c->satisfaction = e->satisfaction;
    }
    if (!e->has_action)
        return;
    switch (e->action) {
    case TX_CASE_CONTACT:
        /* the response clock stops once; later calls are notes */
        if (c->contacted_at == 0)
            c->contacted_at = e->at;
        break;
    case TX_CASE_RESOLVE:
        c->resolved_at = e->at;
        c->resolved_tier = e->tier;
        break;
    default: break;
    }
}

/* ---- rates ---- */

static int64_t sum2(const tx_cm_counts *s, tx_cm_counter a, tx_cm_counter b)
{
    return s->n[a] + s->n[b];
}

tx_cm_rate tx_cm_rate_of(const tx_cm_counts *s, tx_cm_rate_kind k)
{
    const int64_t *n = s->n;
    switch (k) {
    /* 响应率: contacted in time, of every case to be answered */
    case TX_CM_RATE_RESPONSE: return (tx_cm_rate){n[TX_CM_RESPONDED_ON_TIME], n[TX_CM_VALID]};
    /* 解决率: as the reporter says (12345 practice), of those who answered */
    case TX_CM_RATE_RESOLUTION: return (tx_cm_rate){n[TX_CM_SOLVED_YES], n[TX_CM_RATED]};
    /* 办结率: done now (resolved and waiting for the rating, or closed) */
    case TX_CM_RATE_COMPLETION:
        return (tx_cm_rate){sum2(s, TX_CM_STATE_RESOLVED, TX_CM_STATE_CLOSED), n[TX_CM_VALID]};
    /* 满意率: 满意 + 基本满意, of those who answered */
    case TX_CM_RATE_SATISFACTION:
        return (tx_cm_rate){sum2(s, TX_CM_SATISFIED, TX_CM_BASICALLY_SATISFIED), n[TX_CM_RATED]};
    /* 按时办结率 */
    case TX_CM_RATE_ON_TIME: return (tx_cm_rate){n[TX_CM_RESOLVED_ON_TIME], n[TX_CM_RESOLVED]};
    /* 小事不出网格 */
    case TX_CM_RATE_GRID_CLOSURE: return (tx_cm_rate){n[TX_CM_RESOLVED_AT_GRID], n[TX_CM_RESOLVED]};
    /* 大事不出社区 */
    case TX_CM_RATE_COMMUNITY_CLOSURE: return (tx_cm_rate){n[TX_CM_RESOLVED_IN_COMMUNITY], n[TX_CM_RESOLVED]};
    default: return (tx_cm_rate){0, 0};
    }
}

int tx_cm_rate_value(tx_cm_rate r, double *value)
{
    if (r.denominator <= 0)
        return -1;
    *value = (double)r.numerator / (double)r.denominator;
    return 0;
}

void tx_cm_counts_add(tx_cm_counts *sum, const tx_cm_counts *add)
{
    for (int i = 0; i < TX_CM__COUNT; i++)
        sum->n[i] += add->n[i];
}
