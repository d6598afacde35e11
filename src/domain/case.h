/* case: the life of a resident's case (群众诉求) as a state machine — who may
 * do what to it, in which state, with what, and what follows.
 *
 * The practice it models is 12345 "接诉即办": every request is accepted,
 * dispatched, handled, replied to and followed up (受理、派单、办理、反馈、回访),
 * in tiers: 小事不出网格，大事不出社区 — a matter is handled in its grid where it
 * can be, goes up to the community when the grid cannot solve it, and to the
 * street above that; what is beyond them (public pipes, roads) is referred to
 * a district department. 首接负责: the community the case lies in owns it to
 * the end, even while a department does the work.
 *
 * The rules are one table in case.c, one row per action; read it as the
 * product's rules. tx_case_decide applies a row to a snapshot of the case and
 * either refuses (400 / 403 / 409 with a stable code and a reason in zh-CN and
 * en) or says what the case becomes. Pure: no I/O, no clock (the caller passes
 * now), no globals beyond const tables; the caller stores the event and the
 * new snapshot.
 *
 * States:   submitted → accepted → dispatched → in_progress → resolved → closed,
 *           plus returned (the handler says it is not theirs; re-dispatched),
 *           reopened (the reporter is not satisfied: rework), merged
 *           (duplicate of another case) and invalid (spam). closed, merged and
 *           invalid are final: they take only notes, and closed can still be
 *           reopened within the reopen period.
 * Tiers:    grid → community → street, one step per escalation. */
#ifndef TX_DOMAIN_CASE_H
#define TX_DOMAIN_CASE_H

#include <stdint.h>

#include "domain/account.h"

typedef enum {
    TX_CASE_SUBMITTED,   /* reported, waiting to be accepted (受理) */
    TX_CASE_ACCEPTED,    /* accepted, waiting to be dispatched (派单) */
    TX_CASE_DISPATCHED,  /* sent to a handler, not yet started */
    TX_CASE_IN_PROGRESS, /* the handler is working on it (办理) */
    TX_CASE_RESOLVED,    /* the handler says it is done; waiting for the reporter's rating */
    TX_CASE_CLOSED,      /* done and rated, or unrated past the rating period (办结) */
    TX_CASE_RETURNED,    /* the handler sent it back as not theirs (退回); to be re-dispatched */
    TX_CASE_REOPENED,    /* the reporter was not satisfied, or staff reopened it: rework (重办) */
    TX_CASE_MERGED,      /* a duplicate, merged into another case */
    TX_CASE_INVALID,     /* not a real request (spam, abuse), with a reason */
    TX_CASE__STATE_COUNT
} tx_case_state;

typedef enum {
    TX_CASE_ACCEPT,
    TX_CASE_DISPATCH,
    TX_CASE_CONTACT,     /* first contact with the reporter: the response clock stops */
    TX_CASE_START,
    TX_CASE_NOTE,        /* public or internal */
    TX_CASE_ESCALATE,    /* one tier up: grid → community → street */
    TX_CASE_REFER,       /* to a district department, with a deadline */
    TX_CASE_REPORT_BACK, /* the department reports its result back to the owning community */
    TX_CASE_RETURN,
    TX_CASE_RESOLVE,
    TX_CASE_RATE,        /* the reporter's answer: solved? how satisfied? */
    TX_CASE_REOPEN,
    TX_CASE_CLOSE,
    TX_CASE_MERGE,
    TX_CASE_INVALIDATE,
    TX_CASE__ACTION_COUNT
} tx_case_action;

typedef enum { TX_TIER_GRID, TX_TIER_COMMUNITY, TX_TIER_STREET, TX_TIER__COUNT } tx_tier;

/* Who is handling the case now. handler_id names it: the case's own grid,
 * community or street (an area id) for the three offices, an organisation id
 * for a property company or a department. */
typedef enum {
    TX_HANDLER_NONE,
    TX_HANDLER_GRID_WORKER,      /* the grid worker(s) of the case's grid */
    TX_HANDLER_COMMUNITY_OFFICE, /* the community's staff */
    TX_HANDLER_PROPERTY_COMPANY, /* 物业: inside a compound's red line */
    TX_HANDLER_DEPARTMENT,       /* a district department, by referral only */
    TX_HANDLER_STREET_OFFICE,    /* the street's office */
    TX_HANDLER__COUNT
} tx_case_handler;

/* The reporter's answers after resolve. 0 is "not answered" on purpose, so a
 * zero-filled request is never read as an answer. */
typedef enum { TX_SOLVED_UNANSWERED, TX_SOLVED_YES, TX_SOLVED_NO, TX_SOLVED__COUNT } tx_case_solved;
typedef enum {
    TX_SAT_UNANSWERED,
    TX_SAT_SATISFIED,           /* 满意 */
    TX_SAT_BASICALLY_SATISFIED, /* 基本满意 */
    TX_SAT_UNSATISFIED,         /* 不满意 */
    TX_SAT__COUNT
} tx_case_satisfaction;

/* Codes ("in_progress", "report_back", "community", "property_company",
 * "basically_satisfied", "yes") for the API and the store, and names by
 * language (0 zh, 1 en). Static storage; NULL for an invalid value. The
 * parse functions return 0 and set *out, or -1 for an unknown code; the
 * "unanswered" values have no code and do not parse. */
const char *tx_case_state_code(tx_case_state s);
const char *tx_case_state_name(tx_case_state s, int lang);
int tx_case_state_parse(const char *code, tx_case_state *out);
const char *tx_case_action_code(tx_case_action a);
const char *tx_case_action_name(tx_case_action a, int lang);
int tx_case_action_parse(const char *code, tx_case_action *out);
const char *tx_tier_code(tx_tier t);
const char *tx_tier_name(tx_tier t, int lang);
int tx_tier_parse(const char *code, tx_tier *out);
const char *tx_case_handler_code(tx_case_handler h);
const char *tx_case_handler_name(tx_case_handler h, int lang);
int tx_case_handler_parse(const char *code, tx_case_handler *out);
const char *tx_case_solved_code(tx_case_solved s);
const char *tx_case_solved_name(tx_case_solved s, int lang);
int tx_case_solved_parse(const char *code, tx_case_solved *out);
const char *tx_case_satisfaction_code(tx_case_satisfaction s);
const char *tx_case_satisfaction_name(tx_case_satisfaction s, int lang);
int tx_case_satisfaction_parse(const char *code, tx_case_satisfaction *out);

/* What the domain knows of a case: plain data, derived by the caller from the
 * case's events. Times are ms since the epoch; 0 means "not yet / none". */
typedef struct {
    int64_t id;
    tx_case_state state;
    tx_tier tier;
    tx_case_handler handler;
    int64_t handler_id;    /* see tx_case_handler; 0 with TX_HANDLER_NONE */
    /* Its place. grid_id is 0 when the point lies in no grid (the case then
     * starts at community tier). community_id is its owner (首接负责). */
    int64_t grid_id;
    int64_t community_id;
    int64_t street_id;
    int64_t reporter_id;   /* the reporter's user id; 0 when reported without an account (phone, walk-in) */
    int64_t contacted_at;  /* first contact with the reporter */
    int64_t department_id; /* the department it was last referred to; kept as record after the referral ends */
    int64_t referral_due;  /* the running referral's deadline; 0 when no referral is running */
    int64_t resolved_at;   /* the latest resolve */
    int64_t closed_at;     /* when it closed; 0 unless closed */
    int64_t merged_into;   /* the case it duplicates, when merged */
} tx_case;

/* Periods that make "later" decisions: how long the reporter has to rate a
 * resolved case before it closes by itself, and how long after closing staff
 * may still reopen it. Calendar time (7 × 24 h, not working days: the reporter
 * rates on weekends too). */
#define TX_CASE_DEFAULT_RATING_PERIOD_MS (7LL * 24 * 3600 * 1000)
#define TX_CASE_DEFAULT_REOPEN_PERIOD_MS (30LL * 24 * 3600 * 1000)

typedef struct {
    tx_case_action action;
    /* Who asks. NULL is the platform itself — the SLA sweep, which closes
     * unrated cases and escalates overdue ones and may take no other action.
     * Borrowed for the call. */
    const tx_principal *actor;
    /* The caller checked the case's tracking token: whoever holds it is the
     * reporter (an anonymous resident follows and rates by link). */
    int reporter_token;
    int64_t now_ms; /* > 0 */
    /* The text the action carries — note text, reason (escalate, return,
     * reopen, merge, invalidate, staff close) or description of what was done
     * (report_back, resolve) — is present and non-empty. The caller checks its
     * length and encoding and stores it; the domain only needs to know it is
     * there. */
    int has_text;
    int public_note;         /* note: 1 public (reporter and everyone see it), 0 internal (staff only) */
    tx_case_handler handler; /* dispatch: to whom */
    int64_t handler_id;      /* dispatch: the property company's organisation id; ignored for the
                              * offices, which are always the case's own grid, community, street */
    int64_t department_id;   /* refer: the department */
    int64_t due_ms;          /* refer: the department's deadline (from tx_cal_deadline), > now */
    tx_case_solved solved;   /* rate */
    tx_case_satisfaction satisfaction;
    const tx_case *merge_into; /* merge: the case this one duplicates (borrowed) */
    int64_t rating_period_ms;  /* close; 0 = TX_CASE_DEFAULT_RATING_PERIOD_MS */
    int64_t reopen_period_ms;  /* reopen of a closed case; 0 = TX_CASE_DEFAULT_REOPEN_PERIOD_MS */
} tx_case_request;

/* Clocks the service is measured by (响应率, 解决率, 满意率 and the SLA
 * deadlines). An action may stop some and start others; the caller records
 * the times. */
enum {
    TX_CLOCK_ACCEPT = 1u << 0,   /* 受理: from submission until accepted, merged or found invalid */
    TX_CLOCK_RESPONSE = 1u << 1, /* 响应: from submission until first contact with the reporter */
    TX_CLOCK_HANDLING = 1u << 2, /* 办理: from acceptance (or reopening) until resolved */
    TX_CLOCK_REFERRAL = 1u << 3, /* a department's deadline: from referral until it reports back,
                                  * resolves, returns it, or the referral is withdrawn */
    TX_CLOCK_RATING = 1u << 4,   /* 回访: from resolution until rated, closed or reopened */
};

typedef struct {
    /* 0 when the action is allowed; else 400 (something required is missing
     * or invalid), 403 (not this actor: role or scope) or 409 (not in this
     * state, or not now). */
    int status;
    const char *code;  /* stable refusal code ("case_state", "forbidden", "missing_field" …); NULL if allowed */
    const char *field; /* the request field at fault for a 400, else NULL */
    char reason[2][256]; /* refusal reason, [0] zh-CN, [1] en; "" if allowed */
    /* When allowed: the case after the action. On refusal: the case unchanged. */
    tx_case next;
    unsigned clocks_started, clocks_stopped; /* TX_CLOCK_* bits */
    int public_event; /* the event shows on the case's public timeline (else staff only) */
} tx_case_outcome;

/* Decide whether r may be applied to c and what follows. Fills *out
 * completely and returns 0 when allowed, -1 when refused. Checks in this
 * order, so a refusal names the first thing wrong: the action is known (400)
 * → the state allows it (409 "case_state") → the actor may take it here
 * (403 "forbidden") → what it requires is given (400) → action-specific
 * conflicts (409: already contacted, top tier, rating period still open …).
 * The state comes before the actor so that "not dispatched yet" is not
 * reported as "you are not the handler". */
int tx_case_decide(const tx_case *c, const tx_case_request *r, tx_case_outcome *out);

/* Whether actor's scope covers c: the grid worker of its grid while it is at
 * grid tier, staff of its community, admins of its street. These are the
 * staff who accept, dispatch, escalate, reopen … it. */
int tx_case_covers(const tx_principal *actor, const tx_case *c);

#endif
