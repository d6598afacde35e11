/* case: the rules of a case's life, as one table (see case.h). Read the table
 * as the product's rules: for each action, the states it is allowed in, who
 * may take it, what it needs, the state it leads to, and the clocks it stops
 * and starts. The step functions below it only add what a table row cannot
 * say (which handler, which tier, what a rating leads to). */
#include "domain/case.h"

#include <stdio.h>
#include <string.h>

#include "domain/terms.h"

/* ---- vocabulary ---- */

static const tx_term states[TX_CASE__STATE_COUNT] = {
    [TX_CASE_SUBMITTED] = {"submitted", {"待受理", "submitted"}},
    [TX_CASE_ACCEPTED] = {"accepted", {"已受理", "accepted"}},
    [TX_CASE_DISPATCHED] = {"dispatched", {"已派单", "dispatched"}},
    [TX_CASE_IN_PROGRESS] = {"in_progress", {"办理中", "in progress"}},
    [TX_CASE_RESOLVED] = {"resolved", {"已办结待评价", "resolved"}},
    [TX_CASE_CLOSED] = {"closed", {"已结案", "closed"}},
    [TX_CASE_RETURNED] = {"returned", {"已退回", "returned"}},
    [TX_CASE_REOPENED] = {"reopened", {"重新办理", "reopened"}},
    [TX_CASE_MERGED] = {"merged", {"已合并", "merged"}},
    [TX_CASE_INVALID] = {"invalid", {"无效", "invalid"}},
};

static const tx_term actions[TX_CASE__ACTION_COUNT] = {
    [TX_CASE_ACCEPT] = {"accept", {"受理", "accept"}},
    [TX_CASE_DISPATCH] = {"dispatch", {"派单", "dispatch"}},
    [TX_CASE_CONTACT] = {"contact", {"联系反映人", "contact the reporter"}},
    [TX_CASE_START] = {"start", {"开始办理", "start work"}},
    [TX_CASE_NOTE] = {"note", {"添加备注", "add a note"}},
    [TX_CASE_ESCALATE] = {"escalate", {"上报上一级", "escalate"}},
    [TX_CASE_REFER] = {"refer", {"转交区直部门", "refer to a department"}},
    [TX_CASE_REPORT_BACK] = {"report_back", {"反馈办理结果", "report back"}},
    [TX_CASE_RETURN] = {"return", {"退回", "return"}},
    [TX_CASE_RESOLVE] = {"resolve", {"办结", "resolve"}},
    [TX_CASE_RATE] = {"rate", {"评价", "rate"}},
    [TX_CASE_REOPEN] = {"reopen", {"重新办理", "reopen"}},
    [TX_CASE_CLOSE] = {"close", {"结案", "close"}},
    [TX_CASE_MERGE] = {"merge", {"合并", "merge"}},
    [TX_CASE_INVALIDATE] = {"invalidate", {"判定无效", "mark invalid"}},
};

static const tx_term tiers[TX_TIER__COUNT] = {
    [TX_TIER_GRID] = {"grid", {"网格", "grid"}},
    [TX_TIER_COMMUNITY] = {"community", {"社区", "community"}},
    [TX_TIER_STREET] = {"street", {"街道", "street"}},
};

static const tx_term handlers[TX_HANDLER__COUNT] = {
    [TX_HANDLER_NONE] = {"none", {"无", "none"}},
    [TX_HANDLER_GRID_WORKER] = {"grid_worker", {"网格员", "grid worker"}},
    [TX_HANDLER_COMMUNITY_OFFICE] = {"community_office", {"社区", "community office"}},
    [TX_HANDLER_PROPERTY_COMPANY] = {"property_company", {"物业公司", "property company"}},
    [TX_HANDLER_DEPARTMENT] = {"department", {"区直部门", "district department"}},
    [TX_HANDLER_STREET_OFFICE] = {"street_office", {"街道", "street office"}},
};

/* The unanswered values (0) have no code: they cannot be given. */
static const tx_term solved_answers[TX_SOLVED__COUNT] = {
    [TX_SOLVED_YES] = {"yes", {"已解决", "solved"}},
    [TX_SOLVED_NO] = {"no", {"未解决", "not solved"}},
};

static const tx_term satisfactions[TX_SAT__COUNT] = {
    [TX_SAT_SATISFIED] = {"satisfied", {"满意", "satisfied"}},
    [TX_SAT_BASICALLY_SATISFIED] = {"basically_satisfied", {"基本满意", "basically satisfied"}},
    [TX_SAT_UNSATISFIED] = {"unsatisfied", {"不满意", "unsatisfied"}},
};

TX_TERMS(tx_case_state, tx_case_state, states, TX_CASE__STATE_COUNT)
TX_TERMS(tx_case_action, tx_case_action, actions, TX_CASE__ACTION_COUNT)
TX_TERMS(tx_tier, tx_tier, tiers, TX_TIER__COUNT)
TX_TERMS(tx_case_handler, tx_case_handler, handlers, TX_HANDLER__COUNT)
TX_TERMS(tx_case_solved, tx_case_solved, solved_answers, TX_SOLVED__COUNT)
TX_TERMS(tx_case_satisfaction, tx_case_satisfaction, satisfactions, TX_SAT__COUNT)

/* ---- who ---- */

static int area_role(const tx_principal *a, tx_role role, int64_t area)
{
    return a != NULL && a->role == role && a->scope.kind == TX_SCOPE_AREA && area != 0 && a->scope.id == area;
}

static int org_role(const tx_principal *a, tx_role role, int64_t org)
{
    return a != NULL && a->role == role && a->scope.kind == TX_SCOPE_ORG && org != 0 && a->scope.id == org;
}

/* 小事不出网格: the grid worker is in charge only while the case is at grid
 * tier; once escalated it is the community's (its staff stay in charge at
 * every tier: 首接负责), and the street's admins oversee all of their street. */
int tx_case_covers(const tx_principal *a, const tx_case *c)
{
    return (c->tier == TX_TIER_GRID && area_role(a, TX_ROLE_GRID_WORKER, c->grid_id)) ||
           area_role(a, TX_ROLE_COMMUNITY_STAFF, c->community_id) || area_role(a, TX_ROLE_STREET_ADMIN, c->street_id);
}

/* The current handler: the office of the case's own grid, community or
 * street, or the organisation (property company, department) it was sent to. */
static int is_handler(const tx_principal *a, const tx_case *c)
{
    switch (c->handler) {
    case TX_HANDLER_GRID_WORKER: return area_role(a, TX_ROLE_GRID_WORKER, c->handler_id);
    case TX_HANDLER_COMMUNITY_OFFICE: return area_role(a, TX_ROLE_COMMUNITY_STAFF, c->handler_id);
    case TX_HANDLER_STREET_OFFICE: return area_role(a, TX_ROLE_STREET_ADMIN, c->handler_id);
    case TX_HANDLER_PROPERTY_COMPANY: return org_role(a, TX_ROLE_MEMBER_UNIT, c->handler_id);
    case TX_HANDLER_DEPARTMENT: return org_role(a, TX_ROLE_DEPARTMENT_STAFF, c->handler_id);
    default: return 0;
    }
}

enum {
    W_COVERING = 1u << 0,  /* staff whose scope covers the case (tx_case_covers) */
    W_OWNER = 1u << 1,     /* its community's staff or its street's admins: the levels that refer outward */
    W_COMMUNITY = 1u << 2, /* its community's staff: the owner (首接负责) */
    W_HANDLER = 1u << 3,   /* the current handler */
    W_REFERRED = 1u << 4,  /* staff of the department it is referred to, while that department handles it */
    W_INVOLVED = 1u << 5,  /* covering staff, the current handler, staff of the department it was referred to */
    W_REPORTER_PUBLIC = 1u << 6, /* the reporter, for what is public */
    W_REPORTER = 1u << 7,  /* the reporter (user id matches) */
    W_PLATFORM = 1u << 8,  /* the platform itself (actor NULL): the SLA sweep */
};

static int is_reporter(const tx_case_request *r, const tx_case *c)
{
    const tx_principal *a = r->actor;
    return r->reporter_token || (a != NULL && a->user_id != 0 && a->user_id == c->reporter_id);
}

static int may(unsigned who, const tx_case_request *r, const tx_case *c)
{
    const tx_principal *a = r->actor;
    if (a == NULL)
        return (who & W_PLATFORM) != 0;
    if ((who & W_COVERING) && tx_case_covers(a, c))
        return 1;
    if ((who & W_OWNER) &&
        (area_role(a, TX_ROLE_COMMUNITY_STAFF, c->community_id) || area_role(a, TX_ROLE_STREET_ADMIN, c->street_id)))
        return 1;
    if ((who & W_COMMUNITY) && area_role(a, TX_ROLE_COMMUNITY_STAFF, c->community_id))
        return 1;
    if ((who & W_HANDLER) && is_handler(a, c))
        return 1;
    if ((who & W_REFERRED) && c->handler == TX_HANDLER_DEPARTMENT && is_handler(a, c))
        return 1;
    if ((who & W_INVOLVED) && (tx_case_covers(a, c) || is_handler(a, c) ||
                               org_role(a, TX_ROLE_DEPARTMENT_STAFF, c->department_id)))
        return 1;
    if ((who & W_REPORTER_PUBLIC) && r->public_note && is_reporter(r, c))
        return 1;
    if ((who & W_REPORTER) && is_reporter(r, c))
        return 1;
    return 0;
}

/* ---- the rules ---- */

#define S(x) (1u << TX_CASE_##x)
#define OPEN (S(SUBMITTED) | S(ACCEPTED) | S(DISPATCHED) | S(IN_PROGRESS) | S(RETURNED) | S(REOPENED))
#define ALL ((1u << TX_CASE__STATE_COUNT) - 1)
#define SAME (-1) /* the state does not change */
#define NEEDS_TEXT 1 /* the text (reason, description) is required */
#define STAFF_TEXT 2 /* required when a person takes the action, not the platform */

typedef struct {
    unsigned from;         /* the states it may be taken in */
    unsigned who;          /* W_* */
    const char *who_why[2]; /* the 403 reason: who may */
    int to;                /* the state after, or SAME (escalate and rate refine it) */
    unsigned stops, starts; /* clocks, TX_CLOCK_* (steps add the conditional ones) */
    int public_event;      /* 1 public, 0 internal, -1 as the note says */
    int text;              /* 0, NEEDS_TEXT or STAFF_TEXT */
    const char *text_field;
    const char *text_why[2]; /* the 400 reason when the text is missing */
} rule;

static const rule rules[TX_CASE__ACTION_COUNT] = {
    /* 受理: the staff in charge of the place take up a new report. The
     * handling period runs from acceptance. */
    [TX_CASE_ACCEPT] = {S(SUBMITTED), W_COVERING,
                        {"只有负责该事项的网格员、社区或街道工作人员可以受理",
                         "only the grid worker, community staff or street admins in charge of the case may accept it"},
                        TX_CASE_ACCEPTED, TX_CLOCK_ACCEPT, TX_CLOCK_HANDLING, 1},
    /* 派单: to a handler at or below the case's tier; again after a return
     * (to someone else) or a reopening (rework by another hand). */
    [TX_CASE_DISPATCH] = {S(ACCEPTED) | S(RETURNED) | S(REOPENED), W_COVERING,
                          {"只有负责该事项的网格员、社区或街道工作人员可以派单",
                           "only the grid worker, community staff or street admins in charge of the case may dispatch it"},
                          TX_CASE_DISPATCHED, 0, 0, 1},
    /* 响应: the first contact with the reporter stops the response clock; it
     * happens once (later calls are notes). Allowed in every open state
     * after acceptance, so internal routing (returned, reopened) never keeps
     * the clock from being stopped. */
    [TX_CASE_CONTACT] = {S(ACCEPTED) | S(DISPATCHED) | S(IN_PROGRESS) | S(RETURNED) | S(REOPENED),
                         W_COVERING | W_HANDLER,
                         {"只有负责该事项的工作人员或当前承办人可以登记联系反映人",
                          "only staff in charge of the case or its current handler may record contact with the reporter"},
                         SAME, TX_CLOCK_RESPONSE, 0, 1},
    /* 办理: the handler starts, after dispatch, or on rework. */
    [TX_CASE_START] = {S(DISPATCHED) | S(REOPENED), W_HANDLER,
                       {"只有当前承办人可以开始办理", "only the current handler may start work on it"},
                       TX_CASE_IN_PROGRESS, 0, 0, 1},
    /* Notes in any state, even final ones: internal ones by the staff
     * involved, public ones by them or the reporter. */
    [TX_CASE_NOTE] = {ALL, W_INVOLVED | W_REPORTER_PUBLIC,
                      {"只有参与办理的工作人员可以添加备注；反映人只能添加公开备注",
                       "only staff involved in the case may add notes; the reporter may add public ones"},
                      SAME, 0, 0, -1, NEEDS_TEXT, "text", {"备注内容不能为空", "the note has no text"}},
    /* 小事不出网格，大事不出社区: a case goes up one tier, with the reason the
     * tier below cannot solve it on record, and is dispatched again there.
     * The platform escalates what is overdue (the SLA sweep), saying so. */
    [TX_CASE_ESCALATE] = {OPEN, W_COVERING | W_PLATFORM,
                          {"只有负责该事项的工作人员可以上报", "only staff in charge of the case may escalate it"},
                          TX_CASE_ACCEPTED, 0, 0, 1, NEEDS_TEXT, "reason",
                          {"上报需要说明本级为什么解决不了", "say why this tier cannot solve it"}},
    /* What is beyond the community goes to a district department with a
     * deadline; 首接负责: the community keeps the case and follows it to the
     * end, so only the community (or the street above it) refers. */
    [TX_CASE_REFER] = {S(ACCEPTED) | S(DISPATCHED) | S(IN_PROGRESS) | S(RETURNED) | S(REOPENED), W_OWNER,
                       {"只有事项所在社区或街道的工作人员可以转交区直部门（首接负责）",
                        "only staff of the case's community or street may refer it to a department (the first receiver "
                        "stays responsible)"},
                       TX_CASE_DISPATCHED, 0, TX_CLOCK_REFERRAL, 1},
    /* 反馈: the department reports what it did; the case goes back to the
     * owning community, which checks and resolves it. */
    [TX_CASE_REPORT_BACK] = {S(DISPATCHED) | S(IN_PROGRESS), W_REFERRED,
                             {"只有正在承办该事项的区直部门可以反馈结果",
                              "only the department the case is referred to may report back"},
                             TX_CASE_IN_PROGRESS, 0, 0, 1, NEEDS_TEXT, "description",
                             {"反馈需要写明部门做了什么", "say what the department did"}},
    /* 退回: the handler says it is not theirs, and why. Internal: it is a
     * matter of routing, and the reporter sees the re-dispatch. */
    [TX_CASE_RETURN] = {S(DISPATCHED) | S(IN_PROGRESS), W_HANDLER,
                        {"只有当前承办人可以退回", "only the current handler may return it"},
                        TX_CASE_RETURNED, 0, 0, 0, NEEDS_TEXT, "reason",
                        {"退回需要说明为什么不属于您", "say why it is not yours"}},
    /* 办结: by the handler, or by the owning community (首接负责). */
    [TX_CASE_RESOLVE] = {S(DISPATCHED) | S(IN_PROGRESS), W_HANDLER | W_COMMUNITY,
                         {"只有当前承办人或事项所在社区可以办结",
                          "only the current handler or the case's community may resolve it"},
                         TX_CASE_RESOLVED, TX_CLOCK_HANDLING, TX_CLOCK_RATING, 1, NEEDS_TEXT, "description",
                         {"办结需要写明做了什么", "say what was done"}},
    /* 回访: the reporter answers, or staff record a follow-up call's answer.
     * Solved and not unsatisfied closes it; anything else reopens it. */
    [TX_CASE_RATE] = {S(RESOLVED), W_REPORTER | W_COVERING,
                      {"只有反映人本人或负责回访的工作人员可以评价",
                       "only the reporter, or staff in charge recording a follow-up call, may rate it"},
                      TX_CASE_CLOSED, TX_CLOCK_RATING, 0, 1},
    /* Rework at staff's decision: a resolved case, or a closed one within
     * the reopen period. */
    [TX_CASE_REOPEN] = {S(RESOLVED) | S(CLOSED), W_COVERING,
                        {"只有负责该事项的工作人员可以重新办理", "only staff in charge of the case may reopen it"},
                        TX_CASE_REOPENED, 0, TX_CLOCK_HANDLING, 1, NEEDS_TEXT, "reason",
                        {"重新办理需要说明理由", "say why it needs rework"}},
    /* An unrated case closes itself when the rating period is over; staff may
     * close it earlier, with a reason (e.g. the reporter cannot be reached). */
    [TX_CASE_CLOSE] = {S(RESOLVED), W_PLATFORM | W_COVERING,
                       {"只有负责该事项的工作人员可以结案", "only staff in charge of the case may close it"},
                       TX_CASE_CLOSED, TX_CLOCK_RATING, 0, 1, STAFF_TEXT, "reason",
                       {"评价期未满提前结案需要说明理由（例如多次联系不上反映人）",
                        "closing before the reporter rates needs a reason (e.g. unreachable after several calls)"}},
    /* At intake: a duplicate joins the case it repeats. */
    [TX_CASE_MERGE] = {S(SUBMITTED), W_COVERING,
                       {"只有负责该事项的工作人员可以合并", "only staff in charge of the case may merge it"},
                       TX_CASE_MERGED, TX_CLOCK_ACCEPT | TX_CLOCK_RESPONSE, 0, 1},
    /* At intake: not a real request. Internal, so spam is not republished. */
    [TX_CASE_INVALIDATE] = {S(SUBMITTED), W_COVERING,
                            {"只有负责该事项的工作人员可以判定无效",
                             "only staff in charge of the case may mark it invalid"},
                            TX_CASE_INVALID, TX_CLOCK_ACCEPT | TX_CLOCK_RESPONSE, 0, 0, NEEDS_TEXT, "reason",
                            {"判定无效需要说明理由", "say why it is not a real request"}},
};

/* ---- deciding ---- */

static int refuse(tx_case_outcome *out, int status, const char *code, const char *field, const char *zh,
                  const char *en)
{
    out->status = status;
    out->code = code;
    out->field = field;
    snprintf(out->reason[0], sizeof out->reason[0], "%s", zh);
    snprintf(out->reason[1], sizeof out->reason[1], "%s", en);
    return -1;
}

/* A running referral ends (the department reported back, resolved, returned
 * it, or it was taken away): its clock stops. */
static void end_referral(tx_case_outcome *out)
{
    if (out->next.referral_due != 0) {
        out->next.referral_due = 0;
        out->clocks_stopped |= TX_CLOCK_REFERRAL;
    }
}

/* The tier a handler works at: a case goes up only by escalation, so it is
 * never dispatched above its tier. A property company works inside its red
 * line at any tier. */
static tx_tier handler_tier(tx_case_handler h)
{
    switch (h) {
    case TX_HANDLER_COMMUNITY_OFFICE: return TX_TIER_COMMUNITY;
    case TX_HANDLER_STREET_OFFICE: return TX_TIER_STREET;
    default: return TX_TIER_GRID;
    }
}

static int dispatch(const tx_case *c, const tx_case_request *r, tx_case_outcome *out)
{
    tx_case *n = &out->next;
    if (r->handler == TX_HANDLER_NONE)
        return refuse(out, 400, "missing_field", "handler", "派单需要指定承办人", "say whom to dispatch it to");
    if ((unsigned)r->handler >= TX_HANDLER__COUNT)
        return refuse(out, 400, "invalid_field", "handler", "未知的承办人类型", "unknown kind of handler");
    if (r->handler == TX_HANDLER_DEPARTMENT)
        return refuse(out, 400, "invalid_field", "handler", "转交区直部门请用“转交部门”，并设定办理期限",
                      "send a case to a department with refer, which sets its deadline");
    if (r->handler == TX_HANDLER_PROPERTY_COMPANY && r->handler_id <= 0)
        return refuse(out, 400, "missing_field", "handler_id", "派给物业公司需要指定是哪一家",
                      "say which property company");
    if (r->handler == TX_HANDLER_GRID_WORKER && c->grid_id == 0)
        return refuse(out, 409, "no_grid", "handler", "该事项不在任何网格内，不能派给网格员",
                      "the case lies in no grid, so no grid worker can take it");
    if (handler_tier(r->handler) > c->tier)
        return refuse(out, 409, "escalate_first", "handler",
                      "小事不出网格，大事不出社区：要交给上一级办理，请先上报并说明理由",
                      "a case goes to a higher tier only by escalation, with its reason: escalate it first");
    n->handler = r->handler;
    switch (r->handler) {
    case TX_HANDLER_GRID_WORKER: n->handler_id = c->grid_id; break;
    case TX_HANDLER_COMMUNITY_OFFICE: n->handler_id = c->community_id; break;
    case TX_HANDLER_STREET_OFFICE: n->handler_id = c->street_id; break;
    default: n->handler_id = r->handler_id; break;
    }
    end_referral(out); /* a reopened case that a department handled */
    return 0;
}

static int escalate(const tx_case *c, tx_case_outcome *out)
{
    if (c->tier >= TX_TIER_STREET)
        return refuse(out, 409, "top_tier", NULL, "街道已是最高一级，不能再上报；超出职责范围的请转交区直部门",
                      "the street is the top tier; refer what is beyond it to a department");
    tx_case *n = &out->next;
    n->tier = (tx_tier)(c->tier + 1);
    /* a new report stays to be accepted at the new tier; anything further
     * along waits to be dispatched there */
    n->state = c->state == TX_CASE_SUBMITTED ? TX_CASE_SUBMITTED : TX_CASE_ACCEPTED;
    n->handler = TX_HANDLER_NONE;
    n->handler_id = 0;
    end_referral(out);
    return 0;
}

static int refer(const tx_case *c, const tx_case_request *r, tx_case_outcome *out)
{
    if (r->department_id <= 0)
        return refuse(out, 400, "missing_field", "department_id", "转交需要指定区直部门", "say which department");
    if (r->due_ms == 0)
        return refuse(out, 400, "missing_field", "due", "转交需要设定部门的办理期限", "give the department a deadline");
    if (r->due_ms <= r->now_ms)
        return refuse(out, 400, "invalid_field", "due", "办理期限必须晚于现在", "the deadline must be after now");
    end_referral(out); /* a re-referral replaces the running one */
    tx_case *n = &out->next;
    n->handler = TX_HANDLER_DEPARTMENT;
    n->handler_id = r->department_id;
    n->department_id = r->department_id;
    n->referral_due = r->due_ms;
    /* the community takes it up when it goes beyond the grid; the owner
     * (community_id) never changes */
    if (c->tier < TX_TIER_COMMUNITY)
        n->tier = TX_TIER_COMMUNITY;
    return 0;
}

static int rate(const tx_case_request *r, tx_case_outcome *out)
{
    if (r->solved == TX_SOLVED_UNANSWERED)
        return refuse(out, 400, "missing_field", "solved", "请回答问题是否已解决", "say whether it was solved");
    if ((unsigned)r->solved >= TX_SOLVED__COUNT)
        return refuse(out, 400, "invalid_field", "solved", "“是否解决”只能回答是或否", "solved must be yes or no");
    if (r->satisfaction == TX_SAT_UNANSWERED)
        return refuse(out, 400, "missing_field", "satisfaction", "请选择满意程度", "say how satisfied");
    if ((unsigned)r->satisfaction >= TX_SAT__COUNT)
        return refuse(out, 400, "invalid_field", "satisfaction", "满意程度只能是满意、基本满意或不满意",
                      "satisfaction must be satisfied, basically satisfied or unsatisfied");
    if (r->solved == TX_SOLVED_YES && r->satisfaction != TX_SAT_UNSATISFIED) {
        out->next.closed_at = r->now_ms;
    } else {
        /* unsolved or unsatisfied: rework, and the handling clock runs again */
        out->next.state = TX_CASE_REOPENED;
        out->clocks_started |= TX_CLOCK_HANDLING;
    }
    return 0;
}

static int64_t period(int64_t given, int64_t dflt)
{
    return given == 0 ? dflt : given;
}

static int reopen(const tx_case *c, const tx_case_request *r, tx_case_outcome *out)
{
    if (r->reopen_period_ms < 0)
        return refuse(out, 400, "invalid_field", "reopen_period", "重新办理期限不能为负", "the reopen period cannot be negative");
    if (c->state == TX_CASE_CLOSED &&
        r->now_ms >= c->closed_at + period(r->reopen_period_ms, TX_CASE_DEFAULT_REOPEN_PERIOD_MS))
        return refuse(out, 409, "reopen_period_over", NULL, "结案已超过可重新办理的期限，请重新提交诉求",
                      "the case closed too long ago to be reopened; submit a new report");
    if (c->state == TX_CASE_RESOLVED)
        out->clocks_stopped |= TX_CLOCK_RATING;
    out->next.closed_at = 0;
    return 0;
}

static int close_case(const tx_case *c, const tx_case_request *r, tx_case_outcome *out)
{
    if (r->rating_period_ms < 0)
        return refuse(out, 400, "invalid_field", "rating_period", "评价期限不能为负", "the rating period cannot be negative");
    /* Unrated resolved cases close automatically after the period; the
     * period is [resolved_at, resolved_at + period), so at its end exactly
     * the case may close. */
    if (r->actor == NULL &&
        r->now_ms < c->resolved_at + period(r->rating_period_ms, TX_CASE_DEFAULT_RATING_PERIOD_MS))
        return refuse(out, 409, "rating_period_open", NULL, "评价期尚未结束，反映人仍可评价",
                      "the rating period is not over; the reporter may still rate it");
    out->next.closed_at = r->now_ms;
    return 0;
}

static int merge(const tx_case *c, const tx_case_request *r, tx_case_outcome *out)
{
    if (r->merge_into == NULL)
        return refuse(out, 400, "missing_field", "merge_into", "合并需要指定重复的是哪个事项",
                      "say which case this one duplicates");
    if (r->merge_into->id == c->id)
        return refuse(out, 400, "invalid_field", "merge_into", "事项不能合并到自身", "a case cannot be merged into itself");
    if (r->merge_into->state == TX_CASE_MERGED || r->merge_into->state == TX_CASE_INVALID)
        return refuse(out, 409, "merge_target_state", "merge_into", "目标事项已合并或无效，请合并到它所指向的事项",
                      "the target is itself merged or invalid; merge into the case it points to");
    out->next.merged_into = r->merge_into->id;
    return 0;
}

int tx_case_decide(const tx_case *c, const tx_case_request *r, tx_case_outcome *out)
{
    memset(out, 0, sizeof *out);
    out->next = *c;
    if ((unsigned)r->action >= TX_CASE__ACTION_COUNT)
        return refuse(out, 400, "invalid_field", "action", "未知的操作", "unknown action");
    if (r->now_ms <= 0)
        return refuse(out, 400, "invalid_field", "now", "时间无效", "invalid time");
    const rule *ru = &rules[r->action];

    if ((unsigned)c->state >= TX_CASE__STATE_COUNT || !(ru->from & (1u << c->state))) {
        const char *st_zh = tx_case_state_name(c->state, 0), *st_en = tx_case_state_name(c->state, 1);
        out->status = 409;
        out->code = "case_state";
        snprintf(out->reason[0], sizeof out->reason[0], "事项当前为“%s”，不能%s", st_zh ? st_zh : "?",
                 actions[r->action].name[0]);
        snprintf(out->reason[1], sizeof out->reason[1], "cannot %s: the case is %s", actions[r->action].name[1],
                 st_en ? st_en : "?");
        return -1;
    }
    if (!may(ru->who, r, c))
        return refuse(out, 403, "forbidden", NULL, ru->who_why[0], ru->who_why[1]);
    if ((ru->text == NEEDS_TEXT || (ru->text == STAFF_TEXT && r->actor != NULL)) && !r->has_text)
        return refuse(out, 400, "missing_field", ru->text_field, ru->text_why[0], ru->text_why[1]);

    tx_case *n = &out->next;
    if (ru->to != SAME)
        n->state = (tx_case_state)ru->to;
    out->clocks_stopped = ru->stops;
    out->clocks_started = ru->starts;
    out->public_event = ru->public_event >= 0 ? ru->public_event : r->public_note != 0;

    int rc = 0;
    switch (r->action) {
    case TX_CASE_DISPATCH: rc = dispatch(c, r, out); break;
    case TX_CASE_CONTACT:
        if (c->contacted_at != 0)
            rc = refuse(out, 409, "already_contacted", NULL, "已登记过首次联系，之后的联系请添加备注",
                        "the first contact is already recorded; record later calls as notes");
        else
            n->contacted_at = r->now_ms;
        break;
    case TX_CASE_ESCALATE: rc = escalate(c, out); break;
    case TX_CASE_REFER: rc = refer(c, r, out); break;
    case TX_CASE_REPORT_BACK:
        /* back to the owner, who checks the work and resolves (首接负责) */
        n->handler = TX_HANDLER_COMMUNITY_OFFICE;
        n->handler_id = c->community_id;
        end_referral(out);
        break;
    case TX_CASE_RETURN:
        n->handler = TX_HANDLER_NONE;
        n->handler_id = 0;
        end_referral(out);
        break;
    case TX_CASE_RESOLVE:
        n->resolved_at = r->now_ms;
        end_referral(out);
        break;
    case TX_CASE_RATE: rc = rate(r, out); break;
    case TX_CASE_REOPEN: rc = reopen(c, r, out); break;
    case TX_CASE_CLOSE: rc = close_case(c, r, out); break;
    case TX_CASE_MERGE: rc = merge(c, r, out); break;
    case TX_CASE_INVALIDATE: break;
    default: break;
    }
    if (rc != 0) {
        /* leave only the refusal: the case unchanged, no clocks, no event */
        out->next = *c;
        out->clocks_started = out->clocks_stopped = 0;
        out->public_event = 0;
    }
    return rc;
}
